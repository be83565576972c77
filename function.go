package embedis

import (
	"encoding/binary"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis/internal/glob"
	"github.com/embedis/embedis/internal/rdb"
	"github.com/embedis/embedis/internal/resp"
)

// Redis 7.0 functions: FUNCTION LOAD, DELETE, FLUSH, LIST, DUMP, RESTORE,
// STATS, KILL and FCALL, FCALL_RO.
//
// A library is a piece of code that begins with a shebang line naming its
// engine and its name ("#!lua name=mylib") and registers functions when it
// is loaded (redis.register_function). This file keeps the libraries of a
// store — by library name, and their functions by function name — and what
// is engine-independent: the shebang, the names, the collisions between
// libraries, the DUMP payload, the flags that decide whether a function may
// run. The engine (package scripting, registered as the ScriptEngine) runs
// the code: LoadLibrary runs a library's code and returns the functions it
// registered, CallFunction calls one.
//
// Libraries are data, as in Redis: FUNCTION LOAD, DELETE, FLUSH and RESTORE
// are write effects (the append-only log holds them as given, so replaying
// it loads the libraries again) and count one change each, and a snapshot
// holds every library's code (the RDB file's FUNCTION2 records), which
// loading the file loads again. FCALL's effects are the commands the
// function ran, as EVAL's.
//
// Names: library names are compared exactly ("lib" and "LIB" are two
// libraries), function names without case, as Redis 7.0 does (its function
// table ignores case; its per-library table does not, so a library may
// register "f" and "F", and FCALL reaches the first it linked: here, the
// first registered).

// FunctionFlags are the flags a function is registered with
// (redis.register_function's flags): they decide where it may run.
type FunctionFlags uint8

// The flags, in Redis's order (the order FUNCTION LIST names them in).
const (
	// FunctionNoWrites: the function does not write. FCALL_RO may run it,
	// and a write command it calls fails. It implies FunctionAllowOOM.
	FunctionNoWrites FunctionFlags = 1 << iota
	// FunctionAllowOOM: the function runs, and its commands too, while the
	// store is over maxmemory (Store.SetMaxMemory) with nothing to evict;
	// without it (and without FunctionNoWrites) FCALL is refused then with
	// ErrOOM.
	FunctionAllowOOM
	// FunctionAllowStale: may run on a replica whose link with its master
	// is down. An embedded store has no master: accepted, and it changes
	// nothing.
	FunctionAllowStale
	// FunctionNoCluster: refused in cluster mode. A store is never in
	// cluster mode: accepted, and it changes nothing.
	FunctionNoCluster
	// FunctionAllowCrossSlotKeys: may touch keys of several cluster slots.
	// Without a cluster every key may be touched: accepted, and it changes
	// nothing.
	FunctionAllowCrossSlotKeys
)

// functionFlagNames are the flags' names, bit by bit.
var functionFlagNames = []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"}

// ParseFunctionFlag returns the flag named name (any case), or ok false for
// a name that is not one of Redis 7.0's five.
func ParseFunctionFlag(name string) (flag FunctionFlags, ok bool) {
	for i, n := range functionFlagNames {
		if strings.EqualFold(n, name) {
			return 1 << i, true
		}
	}
	return 0, false
}

// Names returns the flags' names in Redis's order.
func (f FunctionFlags) Names() []string {
	names := []string{}
	for i, n := range functionFlagNames {
		if f&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return names
}

// FunctionDef is one function a library registered, as the engine returns
// it from LoadLibrary.
type FunctionDef struct {
	Name string
	// Description is the description given, if HasDescription.
	Description    string
	HasDescription bool
	Flags          FunctionFlags
	// Callback is the engine's handle of the function, given back to it in
	// FunctionCall.
	Callback any
}

// FunctionCall is one call of a function (FCALL, FCALL_RO).
type FunctionCall struct {
	Name     string // the function's name as registered
	Callback any    // FunctionDef.Callback
	Keys     []string
	Args     []string
	// ReadOnly: write commands fail (FCALL_RO, or a no-writes function).
	ReadOnly bool
	// Run is the run as other goroutines see it (ScriptCall.Run).
	Run *ScriptRun
}

// FunctionLibrary describes a library (FunctionList).
type FunctionLibrary struct {
	Name      string
	Engine    string // "LUA"
	Functions []FunctionInfo
	Code      string // the whole code, shebang included; "" unless asked for
}

// FunctionInfo describes a function of a library (FunctionList).
type FunctionInfo struct {
	Name string
	// Description is the description the function was registered with;
	// "" when none was given (FUNCTION LIST replies a null then, and ""
	// for an empty one given: HasDescription tells them apart).
	Description    string
	HasDescription bool
	Flags          []string // in Redis's order: no-writes, allow-oom, …
}

// FunctionListArgs are FUNCTION LIST's options.
type FunctionListArgs struct {
	// LibraryName is a glob pattern the library names must match; ""
	// lists every library.
	LibraryName string
	// WithCode fills FunctionLibrary.Code.
	WithCode bool
}

// FunctionRestorePolicy is what FUNCTION RESTORE does with the libraries
// already loaded.
type FunctionRestorePolicy int

const (
	// FunctionRestoreAppend adds the payload's libraries; a library or
	// function that exists already fails the restore (Redis's default).
	FunctionRestoreAppend FunctionRestorePolicy = iota
	// FunctionRestoreReplace adds them, replacing the libraries of the same
	// names; a function of another library with a name of theirs still
	// fails the restore.
	FunctionRestoreReplace
	// FunctionRestoreFlush deletes every library first.
	FunctionRestoreFlush
)

// FunctionStats is FUNCTION STATS's count of libraries and functions (of
// the one engine, LUA).
type FunctionStats struct {
	Libraries int
	Functions int
}

// library is a loaded library.
type library struct {
	name  string
	code  string // as given, shebang included
	funcs []*function
}

// function is a function of a library.
type function struct {
	def FunctionDef
	lib *library
}

// functionSet is a store's libraries and their functions.
type functionSet struct {
	libs  map[string]*library  // by name
	funcs map[string]*function // by lower-case name
}

func newFunctionSet() *functionSet {
	return &functionSet{libs: map[string]*library{}, funcs: map[string]*function{}}
}

// functions returns the store's libraries, made on first use.
func (e *engine) functionSet() *functionSet {
	if e.functions == nil {
		e.functions = newFunctionSet()
	}
	return e.functions
}

// link adds lib and its functions; no function of it may be in s.
func (s *functionSet) link(lib *library) {
	s.libs[lib.name] = lib
	for _, f := range lib.funcs {
		if k := strings.ToLower(f.def.Name); s.funcs[k] == nil {
			s.funcs[k] = f
		}
	}
}

// unlink removes lib and its functions.
func (s *functionSet) unlink(lib *library) {
	delete(s.libs, lib.name)
	for _, f := range lib.funcs {
		if k := strings.ToLower(f.def.Name); s.funcs[k] == f {
			delete(s.funcs, k)
		}
	}
}

// validName reports whether s is a library or function name Redis accepts:
// letters, digits and underscores, at least one.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseShebang reads a library's first line, "#!<engine> name=<name>", as
// Redis's functionExtractLibMetaData: it returns the engine, the name and
// the code after the line (from its newline on, so that the code's line
// numbers count the shebang's).
func parseShebang(code string) (engine, name, body string, err error) {
	if !strings.HasPrefix(code, "#!") {
		return "", "", "", ErrFunctionNoMetadata
	}
	nl := strings.IndexByte(code, '\n')
	if nl < 0 {
		return "", "", "", ErrFunctionBadMetadata
	}
	parts, ok := resp.SplitArgs(code[:nl])
	if !ok || len(parts) == 0 {
		return "", "", "", ErrFunctionBadMetadata
	}
	engine = parts[0][min(2, len(parts[0])):]
	hasName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if hasName {
				return "", "", "", ErrFunctionNameTwice
			}
			name, hasName = p[5:], true
			continue
		}
		return "", "", "", functionMetadataError(p)
	}
	if !hasName {
		return "", "", "", ErrFunctionNoName
	}
	return engine, name, code[nl:], nil
}

// functionEngine returns the engine of scripting, or an error.
func (tx *Tx) functionEngine() (ScriptEngine, error) {
	sc := tx.scripts()
	if sc == nil {
		return nil, ErrScriptingNotLinked
	}
	return sc, nil
}

// createLibrary checks and runs a library's code, as Redis's
// functionsCreateWithLibraryCtx, against the libraries of s: the shebang,
// the names, an existing library of that name (an error unless replace),
// the code, and the functions' names against the other libraries'. It
// returns the library made, and the library of that name it replaces (nil
// if none), without changing s.
func (tx *Tx) createLibrary(s *functionSet, code string, replace bool) (lib, old *library, err error) {
	engine, name, body, err := parseShebang(code)
	if err != nil {
		return nil, nil, err
	}
	if !validName(name) {
		return nil, nil, ErrLibraryName
	}
	if !strings.EqualFold(engine, "lua") {
		return nil, nil, engineNotFoundError(engine)
	}
	old = s.libs[name]
	if old != nil && !replace {
		return nil, nil, libraryExistsError(name)
	}
	sc, err := tx.functionEngine()
	if err != nil {
		return nil, nil, err
	}
	defs, err := sc.LoadLibrary(body)
	if err != nil {
		return nil, nil, err
	}
	if len(defs) == 0 {
		return nil, nil, ErrNoFunctions
	}
	lib = &library{name: name, code: code}
	for _, d := range defs {
		if f := s.funcs[strings.ToLower(d.Name)]; f != nil && f.lib != old {
			return nil, nil, functionExistsError(d.Name)
		}
		lib.funcs = append(lib.funcs, &function{def: d, lib: lib})
	}
	return lib, old, nil
}

// FunctionLoad loads a library (FUNCTION LOAD [REPLACE] code) and returns
// its name. code begins with the shebang line "#!lua name=<name>" (ErrFunctionNoMetadata
// without one, other forms of it for a malformed one, ErrLibraryName for a
// name that is not letters, digits and underscores), and registers at
// least one function when it runs (redis.register_function; ErrNoFunctions
// otherwise). A library of that name is an error unless replace, which
// replaces it; a function name another library has is an error (ErrFunctionExists).
// The code's own failures are errors with Redis's texts ("Error compiling
// function: …", "Error registering functions: …"); it runs with the Lua
// API of a library load: redis.register_function, redis.log and the
// version fields only, for at most 500 ms. It returns
// ErrScriptingNotLinked unless package scripting is imported, and ErrOOM
// while the store is out of memory (FUNCTION LOAD is denyoom).
func (tx *Tx) FunctionLoad(code string, replace bool) (string, error) {
	if tx.refuseOOM() {
		return "", ErrOOM
	}
	s := tx.e.functionSet()
	lib, old, err := tx.createLibrary(s, code, replace)
	if err != nil {
		return "", err
	}
	if old != nil {
		s.unlink(old)
	}
	s.link(lib)
	tx.functionsChanged()
	if tx.rec {
		if replace {
			tx.emit("FUNCTION", "LOAD", "REPLACE", code)
		} else {
			tx.emit("FUNCTION", "LOAD", code)
		}
	}
	return lib.name, nil
}

// functionsChanged counts a change of the libraries, as Redis counts one
// (server.dirty) for each FUNCTION LOAD, DELETE, FLUSH and RESTORE.
func (tx *Tx) functionsChanged() { tx.dirty(1) }

// FunctionDelete deletes the library named library (FUNCTION DELETE) and
// its functions; ErrLibraryNotFound when there is none.
func (tx *Tx) FunctionDelete(library string) error {
	s := tx.e.functionSet()
	lib := s.libs[library]
	if lib == nil {
		return ErrLibraryNotFound
	}
	s.unlink(lib)
	tx.functionsChanged()
	if tx.rec {
		tx.emit("FUNCTION", "DELETE", library)
	}
	return nil
}

// FunctionFlush deletes every library (FUNCTION FLUSH; ASYNC and SYNC both
// drop them at once, and Go's collector frees them).
func (tx *Tx) FunctionFlush() error {
	tx.e.functions = newFunctionSet()
	tx.functionsChanged()
	if tx.rec {
		tx.emit("FUNCTION", "FLUSH")
	}
	return nil
}

// FunctionList describes the libraries (FUNCTION LIST [LIBRARYNAME
// pattern] [WITHCODE]) whose names match args.LibraryName, by name, each
// with its functions by name (Redis lists both in its hash tables' order).
func (tx *Tx) FunctionList(args FunctionListArgs) ([]FunctionLibrary, error) {
	s := tx.e.functionSet()
	out := []FunctionLibrary{}
	for _, lib := range s.libs {
		if args.LibraryName != "" && !glob.Match(args.LibraryName, lib.name) {
			continue
		}
		fl := FunctionLibrary{Name: lib.name, Engine: "LUA", Functions: make([]FunctionInfo, len(lib.funcs))}
		for i, f := range lib.funcs {
			fl.Functions[i] = FunctionInfo{Name: f.def.Name, Description: f.def.Description,
				HasDescription: f.def.HasDescription, Flags: f.def.Flags.Names()}
		}
		sort.Slice(fl.Functions, func(i, j int) bool { return fl.Functions[i].Name < fl.Functions[j].Name })
		if args.WithCode {
			fl.Code = lib.code
		}
		out = append(out, fl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// FunctionDump returns every library in a payload FunctionRestore (and
// redis-server's FUNCTION RESTORE) takes (FUNCTION DUMP): Redis's format,
// each library's code as an RDB FUNCTION2 record, then the RDB version and
// a CRC-64.
func (tx *Tx) FunctionDump() (string, error) {
	s := tx.e.functionSet()
	var e rdb.Encoder
	e.Compress = true
	var dst []byte
	for _, code := range s.codes() {
		dst = append(dst, rdb.OpFunction2)
		dst = e.AppendString(dst, code)
	}
	return string(rdb.AppendPayloadTrailer(dst)), nil
}

// names returns the libraries' names in order.
func (s *functionSet) names() []string {
	names := make([]string, 0, len(s.libs))
	for n := range s.libs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// codes returns the libraries' codes, by library name.
func (s *functionSet) codes() []string {
	names := s.names()
	codes := make([]string, len(names))
	for i, n := range names {
		codes[i] = s.libs[n].code
	}
	return codes
}

// FunctionRestore loads the libraries of a payload FunctionDump (or
// redis-server's FUNCTION DUMP) made (FUNCTION RESTORE payload
// [APPEND|REPLACE|FLUSH]), as policy says. Either every library of the
// payload is loaded or none: ErrDumpPayload for a payload whose version or
// checksum is wrong, ErrNotFunctionPayload for one that holds something
// else than libraries, the error of FunctionLoad for a library that fails
// to load, and, unless policy is FunctionRestoreFlush, a library that
// exists (FunctionRestoreAppend) or a function that another library has.
// While the store is out of memory it is ErrOOM (FUNCTION RESTORE is
// denyoom).
func (tx *Tx) FunctionRestore(payload string, policy FunctionRestorePolicy) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	codes, err := functionPayloadCodes(payload)
	if err != nil {
		return err
	}
	// The payload's libraries are made apart, as Redis makes them in a
	// library set of their own, then joined.
	fresh := newFunctionSet()
	for _, code := range codes {
		lib, _, err := tx.createLibrary(fresh, code, false)
		if err != nil {
			return err
		}
		fresh.link(lib)
	}
	s := tx.e.functionSet()
	if policy == FunctionRestoreFlush {
		tx.e.functions = fresh
	} else {
		var replaced []*library
		for _, name := range fresh.names() {
			lib := fresh.libs[name]
			if old := s.libs[lib.name]; old != nil {
				if policy != FunctionRestoreReplace {
					return restoreLibraryExistsError(lib.name)
				}
				replaced = append(replaced, old)
			}
		}
		for _, old := range replaced {
			s.unlink(old)
		}
		for _, lib := range fresh.libs {
			for _, f := range lib.funcs {
				if s.funcs[strings.ToLower(f.def.Name)] != nil {
					for _, old := range replaced {
						s.link(old)
					}
					return functionExistsError(f.def.Name)
				}
			}
		}
		for _, lib := range fresh.libs {
			s.link(lib)
		}
	}
	tx.functionsChanged()
	if tx.rec {
		tx.emit("FUNCTION", "RESTORE", payload, [...]string{"APPEND", "REPLACE", "FLUSH"}[policy])
	}
	return nil
}

// functionPayloadCodes checks a FUNCTION DUMP payload's trailer and returns
// the libraries' codes it holds.
func functionPayloadCodes(payload string) ([]string, error) {
	p := []byte(payload)
	if len(p) < 10 {
		return nil, ErrDumpPayload
	}
	body := len(p) - 10
	if binary.LittleEndian.Uint16(p[body:]) > rdb.Version {
		return nil, ErrDumpPayload
	}
	if !rdb.PayloadChecksumOK(p) {
		return nil, ErrDumpPayload
	}
	var codes []string
	rest := p[:body]
	for len(rest) > 0 {
		if rest[0] != rdb.OpFunction2 && rest[0] != rdb.OpFunction {
			return nil, ErrNotFunctionPayload
		}
		if rest[0] == rdb.OpFunction {
			// Redis 7.0's release candidates' format: not read.
			return nil, ErrFunctionPayloadLoad
		}
		code, n, err := rdb.DecodeString(rest[1:])
		if err != nil {
			return nil, ErrFunctionPayloadLoad
		}
		codes = append(codes, code)
		rest = rest[1+n:]
	}
	return codes, nil
}

// FunctionStats counts the libraries and functions (FUNCTION STATS). Run
// as the owner no function is running; the server answers FUNCTION STATS
// while one runs past busy-reply-threshold with it.
func (tx *Tx) FunctionStats() (FunctionStats, error) {
	s := tx.e.functionSet()
	n := 0
	for _, lib := range s.libs {
		n += len(lib.funcs)
	}
	return FunctionStats{Libraries: len(s.libs), Functions: n}, nil
}

// BusyFunctionStats answers FUNCTION STATS while a script runs past
// busy-reply-threshold, without the owner role (the server calls it then):
// the function running with its command and how long it has run, and the
// counts. It returns ErrBusy when the script running is one run by EVAL (as
// Redis answers), and ok false when no script is busy (the caller then runs
// FUNCTION STATS as any command).
func (s *Store) BusyFunctionStats() (st FunctionStats, running *RunningFunction, ok bool, err error) {
	e := s.e
	e.busyMu.Lock()
	defer e.busyMu.Unlock()
	r := e.running
	if r == nil || !r.busy {
		return st, nil, false, nil
	}
	if r.fn == nil {
		return st, nil, true, ErrBusy
	}
	running = &RunningFunction{Name: r.fn.name, Command: append([]string(nil), r.fn.cmd...),
		DurationMs: time.Since(r.start).Milliseconds()}
	return r.fn.stats, running, true, nil
}

// FCall calls the function named function (any case) with KEYS keys and
// ARGV args (FCALL function numkeys key... arg...) and returns its reply as
// Eval returns a script's, its failures naming the function where EVAL's
// name the script's SHA-1. ErrFunctionNotFound when no library registered
// it; ErrOOM, unless it was registered with the no-writes or allow-oom
// flag, while the store is over maxmemory with nothing to evict. A function
// registered with no-writes may not call write commands.
func (tx *Tx) FCall(function string, keys []string, args ...string) (any, error) {
	var r valueReply
	tx.fcall(&r, function, keys, args, false)
	return r.result()
}

// FCallRO is FCall for a function registered with the no-writes flag
// (FCALL_RO): another is refused with ErrFunctionWriteFlag.
func (tx *Tx) FCallRO(function string, keys []string, args ...string) (any, error) {
	var r valueReply
	tx.fcall(&r, function, keys, args, true)
	return r.result()
}

// fcall runs a function with Redis's checks, in Redis's order
// (scriptPrepareForRun), and writes its reply to w.
func (tx *Tx) fcall(w ReplyWriter, name string, keys, args []string, ro bool) {
	s := tx.e.functionSet()
	f := s.funcs[name]
	if f == nil {
		f = s.funcs[strings.ToLower(name)]
	}
	if f == nil {
		w.WriteError(ErrFunctionNotFound)
		return
	}
	sc := tx.scripts()
	if sc == nil {
		w.WriteError(ErrScriptingNotLinked)
		return
	}
	flags := f.def.Flags
	noWrites := flags&FunctionNoWrites != 0
	if ro && !noWrites {
		w.WriteError(ErrFunctionWriteFlag)
		return
	}
	if flags&(FunctionNoWrites|FunctionAllowOOM) == 0 && tx.refuseOOM() {
		// As Redis's processCommand: a function that may write is
		// flagged denyoom.
		w.WriteError(ErrOOM)
		return
	}
	call := FunctionCall{Name: f.def.Name, Callback: f.def.Callback, Keys: keys, Args: args, ReadOnly: ro || noWrites}
	cmd := "FCALL"
	if ro {
		cmd = "FCALL_RO"
	}
	st, _ := tx.FunctionStats()
	fr := &functionRun{name: f.def.Name, stats: st, cmd: append([]string{cmd, name, strconv.Itoa(len(keys))}, append(keys, args...)...)}
	tx.runFunction(sc, w, call, flags&FunctionAllowOOM != 0, fr)
}

// functionRun is what FUNCTION STATS reports of a function that runs past
// busy-reply-threshold: the command that runs it, and the counts (which
// cannot change while it runs: FUNCTION is refused inside a script).
type functionRun struct {
	name  string // as registered
	cmd   []string
	stats FunctionStats
}

// runFunction runs a function with its run noted for BUSY, FUNCTION KILL
// and FUNCTION STATS; with allowOOM its commands are not refused over
// maxmemory.
func (tx *Tx) runFunction(sc ScriptEngine, w ReplyWriter, call FunctionCall, allowOOM bool, fr *functionRun) {
	oom := tx.oom
	if allowOOM {
		tx.oom = false
	}
	call.Run = tx.startScript(true)
	tx.e.busyMu.Lock()
	call.Run.fn = fr
	tx.e.busyMu.Unlock()
	defer func() {
		tx.endScript(call.Run)
		tx.oom = oom
	}()
	sc.CallFunction(tx, w, call)
}

// loadFunctions replaces the store's libraries with those of codes (a
// snapshot's FUNCTION2 records), as the owner.
func (tx *Tx) loadFunctions(codes []string) error {
	fresh := newFunctionSet()
	for _, code := range codes {
		lib, _, err := tx.createLibrary(fresh, code, false)
		if err != nil {
			return err
		}
		fresh.link(lib)
	}
	tx.e.functions = fresh
	return nil
}
