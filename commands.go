package embedis

import (
	"context"
	"fmt"
	"strings"

	"github.com/embedis/embedis/internal/number"
)

// The command table is the one registry of Redis commands: name, arity,
// flags and key positions, and the handler that parses the arguments, calls
// the command's Tx method and writes its reply. The server, Store.Do and the
// replay of the write-effect stream all go through it; arity errors, the
// server's MULTI queueing and COMMAND INFO are derived from it, and so are
// the guard tests (guard_test.go) that every write command is in the random
// workload and the replay test, and every command has differential cases.
// How to add a command: CONTRIBUTING.md.

// ReplyWriter receives a command's reply as RESP values. The server writes
// them as RESP2 or RESP3; Store.Do turns them into Go values.
type ReplyWriter interface {
	// WriteStatus writes a simple string (+OK).
	WriteStatus(s string)
	// WriteError writes err's text; an *Error's text is Redis's own.
	WriteError(err error)
	// WriteInt writes an integer.
	WriteInt(n int64)
	// WriteBulk writes a bulk string.
	WriteBulk(s string)
	// WriteNull writes the null bulk string (RESP2 $-1, RESP3 _).
	WriteNull()
	// WriteNullArray writes the null array (RESP2 *-1, RESP3 _).
	WriteNullArray()
	// WriteArrayLen starts an array of n elements, written next.
	WriteArrayLen(n int)
	// WriteMapLen starts a map of n pairs (RESP3 %; RESP2 an array of 2n).
	WriteMapLen(n int)
	// WriteSetLen starts a set of n elements (RESP3 ~; RESP2 an array).
	WriteSetLen(n int)
	// WriteDouble writes a double (RESP3 ,; RESP2 a bulk string), formatted
	// as Redis formats doubles (%.17g).
	WriteDouble(f float64)
}

// Command describes one command of the table. Arity follows Redis: positive
// means exactly that many arguments, negative at least -Arity, both counting
// the command name.
type Command struct {
	Name     string // lower case
	Arity    int
	Flags    []string // Redis's command flags: "write", "readonly", "fast", …
	FirstKey int      // position of the first key argument; 0 if none
	LastKey  int      // position of the last key; -1 for the last argument
	KeyStep  int

	run func(tx *Tx, args []string, w ReplyWriter)
	// serverOnly commands act on a client connection (AUTH, MULTI, CLIENT,
	// …): the table knows them so that arity checks and COMMAND cover them,
	// and the server runs them.
	serverOnly bool
	readOnly   bool // "readonly" is among Flags (set by register)
	// denyOOMSubs are the subcommands (lower case, with their arity)
	// flagged denyoom in a container whose own flags do not say it (XGROUP
	// CREATE and CREATECONSUMER): Redis flags subcommands one by one.
	denyOOMSubs map[string]int
}

// ServerOnly reports whether the command acts on a client connection and
// is run by the server rather than by Tx.Do.
func (c *Command) ServerOnly() bool { return c.serverOnly }

// ArityOK reports whether n arguments (the command name included) suit the
// command.
func (c *Command) ArityOK(n int) bool {
	return (c.Arity > 0 && n == c.Arity) || (c.Arity < 0 && n >= -c.Arity)
}

// commandTable maps lower- and upper-case names to commands, so that the
// usual spellings are found without case folding; commandList holds each
// command once.
var (
	commandTable = map[string]*Command{}
	commandList  []*Command
)

func register(cmds ...*Command) {
	for _, c := range cmds {
		for _, f := range c.Flags {
			c.readOnly = c.readOnly || f == "readonly"
		}
		// The containers whose key-reading subcommands (OBJECT ENCODING &
		// co., MEMORY USAGE) Redis flags readonly: client-side caching
		// remembers their keys.
		c.readOnly = c.readOnly || c.Name == "object" || c.Name == "memory"
		commandTable[c.Name] = c
		commandTable[strings.ToUpper(c.Name)] = c
		commandList = append(commandList, c)
	}
}

// LookupCommand returns the table entry of the named command (any case), or
// nil if embedis does not implement it.
func LookupCommand(name string) *Command {
	if c, ok := commandTable[name]; ok {
		return c
	}
	return commandTable[strings.ToLower(name)]
}

// Commands returns every command of the table.
func Commands() []*Command {
	return append([]*Command(nil), commandList...)
}

func truncate(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Do runs one command given as Redis arguments (args[0] is the command name)
// and writes its reply to w. It checks the name and the arity.
func (tx *Tx) Do(w ReplyWriter, args ...string) {
	if len(args) == 0 {
		w.WriteError(UnknownCommandError(args))
		return
	}
	c := LookupCommand(args[0])
	if c == nil {
		w.WriteError(UnknownCommandError(args))
		return
	}
	if !c.ArityOK(len(args)) {
		w.WriteError(ArityError(c.Name))
		return
	}
	if c.serverOnly {
		if run := tx.e.serverCommands; run != nil {
			run(tx, w, args)
			tx.seeScriptCommand(args)
			return
		}
		w.WriteError(serverOnlyError(c.Name))
		return
	}
	if tx.oom && c.denyOOM() && tx.refuseOOM() {
		w.WriteError(ErrOOM)
		return
	}
	if tx.tracker == nil {
		c.run(tx, args, w)
		tx.seeScriptCommand(args)
		return
	}
	// Client-side caching: a read-only command's reads are recorded for
	// the unit's tracker once it is done (tracking.go).
	prev := tx.trackReads
	tx.trackReads = c.readOnly
	c.run(tx, args, w)
	tx.commitReads()
	tx.trackReads = prev
	tx.seeScriptCommand(args)
}

// seeScriptCommand hands a command a running script ran to the store's
// observer (SetScriptCommandObserver), if any.
func (tx *Tx) seeScriptCommand(args []string) {
	if see := tx.e.scriptCommands; see != nil && tx.e.running != nil {
		see(tx, args)
	}
}

// Do runs one command given as Redis arguments, as go-redis's Do does, and
// returns its reply as Go values: string for bulk and status replies, int64
// for integers, []any for arrays, nil for null replies; a Redis error reply
// is returned as the error (an *Error). ErrNotFound is never returned: a null
// reply is a nil value.
func (s *Store) Do(ctx context.Context, args ...string) (reply any, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer s.end(tx, &err)
	var r valueReply
	tx.Do(&r, args...)
	return r.result()
}

// Apply replays units of the write-effect stream (see Options.OnEffects) in
// one turn of the owner role. Like Redis loading its append-only file, it
// stores deadlines without acting on them while it runs (a key whose deadline
// passed while the stream was recorded was deleted by a DEL in the stream),
// so each unit has the effect it had when it was recorded; keys whose
// deadline has passed since are removed after it returns. It stops at the
// first command that fails and returns its error, naming the command. The
// store's own effect stream (OnEffects, Options.Log) begins its next unit
// with a SELECT, whatever database the replayed units left selected.
//
// Apply neither evicts nor refuses a command for memory, however far over
// maxmemory the store is, as Redis loading its files: the stream holds the
// evictions its source made, as DELs, and evicting more while replaying
// would make later units act on missing keys. The first unit after it
// evicts down to the limit (unless EvictionConfig.Suspended).
func (s *Store) Apply(ctx context.Context, units ...[][]string) (err error) {
	tx, err := s.beginUnit(ctx, false)
	if err != nil {
		return err
	}
	defer s.end(tx, &err)
	tx.loading = true
	for _, unit := range units {
		for _, args := range unit {
			var r valueReply
			tx.Do(&r, args...)
			if _, err := r.result(); err != nil {
				tx.e.streamDB = -1
				return fmt.Errorf("embedis: apply %q: %w", args, err)
			}
		}
	}
	// The units came from elsewhere: the next unit of this store's own
	// stream starts with a SELECT, whatever the replayed effects selected.
	tx.e.streamDB = -1
	return nil
}

// valueReply builds Go values from a reply.
type valueReply struct {
	stack []*[]any // open arrays
	want  []int    // elements still expected by each open array
	top   any
	err   error
	done  bool
}

func (r *valueReply) put(v any) {
	if len(r.stack) == 0 {
		r.top = v
		r.done = true
		return
	}
	i := len(r.stack) - 1
	*r.stack[i] = append(*r.stack[i], v)
	r.want[i]--
	for len(r.stack) > 0 && r.want[len(r.want)-1] == 0 {
		arr := *r.stack[len(r.stack)-1]
		r.stack = r.stack[:len(r.stack)-1]
		r.want = r.want[:len(r.want)-1]
		r.put(arr)
	}
}

func (r *valueReply) WriteStatus(s string) { r.put(s) }
func (r *valueReply) WriteError(err error) {
	if len(r.stack) == 0 {
		r.err = err
		r.done = true
		return
	}
	r.put(err)
}
func (r *valueReply) WriteInt(n int64)      { r.put(n) }
func (r *valueReply) WriteBulk(s string)    { r.put(s) }
func (r *valueReply) WriteNull()            { r.put(nil) }
func (r *valueReply) WriteNullArray()       { r.put(nil) }
func (r *valueReply) WriteMapLen(n int)     { r.WriteArrayLen(2 * n) }
func (r *valueReply) WriteSetLen(n int)     { r.WriteArrayLen(n) }
func (r *valueReply) WriteDouble(f float64) { r.put(number.FormatDouble(f)) }
func (r *valueReply) WriteArrayLen(n int) {
	if n == 0 {
		r.put([]any{})
		return
	}
	arr := make([]any, 0, n)
	r.stack = append(r.stack, &arr)
	r.want = append(r.want, n)
}

func (r *valueReply) result() (any, error) { return r.top, r.err }

// Helpers shared by the handlers.

// parseIntArg parses an integer argument with Redis's strict rules.
func parseIntArg(s string) (int64, error) {
	n, ok := number.ParseInt(s)
	if !ok {
		return 0, ErrNotInteger
	}
	return n, nil
}

// commandName returns the table's (lower-case) name of the command a
// handler runs, without allocating for the usual spellings.
func commandName(args []string) string { return LookupCommand(args[0]).Name }

func writeOK(w ReplyWriter) { w.WriteStatus("OK") }

func writeBool(w ReplyWriter, b bool) {
	if b {
		w.WriteInt(1)
	} else {
		w.WriteInt(0)
	}
}

func writeStrings(w ReplyWriter, ss []string) {
	w.WriteArrayLen(len(ss))
	for _, s := range ss {
		w.WriteBulk(s)
	}
}

// writeStringPtrs writes an array of bulk strings with a null for each nil
// (MGET, HMGET, SORT ... GET).
func writeStringPtrs(w ReplyWriter, vals []*string) {
	w.WriteArrayLen(len(vals))
	for _, v := range vals {
		if v == nil {
			w.WriteNull()
		} else {
			w.WriteBulk(*v)
		}
	}
}

// writeStringOrNull writes s, a null for ErrNotFound, or the error.
func writeStringOrNull(w ReplyWriter, s string, err error) {
	switch {
	case err == nil:
		w.WriteBulk(s)
	case err == ErrNotFound:
		w.WriteNull()
	default:
		w.WriteError(err)
	}
}

// writeDoubleOrNull writes f, a null for ErrNotFound, or the error.
func writeDoubleOrNull(w ReplyWriter, f float64, err error) {
	switch {
	case err == nil:
		w.WriteDouble(f)
	case err == ErrNotFound:
		w.WriteNull()
	default:
		w.WriteError(err)
	}
}

// writeIntOrNull writes n, a null for ErrNotFound, or the error.
func writeIntOrNull(w ReplyWriter, n int64, err error) {
	switch {
	case err == nil:
		w.WriteInt(n)
	case err == ErrNotFound:
		w.WriteNull()
	default:
		w.WriteError(err)
	}
}

func writeIntOrError(w ReplyWriter, n int64, err error) {
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteInt(n)
}

func writeBoolOrError(w ReplyWriter, b bool, err error) {
	if err != nil {
		w.WriteError(err)
		return
	}
	writeBool(w, b)
}

func writeOKOrError(w ReplyWriter, err error) {
	if err != nil {
		w.WriteError(err)
		return
	}
	writeOK(w)
}
