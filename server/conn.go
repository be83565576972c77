package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
)

// maxBatch bounds the commands handed to the owner in one turn, so that one
// client's deep pipeline cannot hold the owner role for long.
const maxBatch = 1024

// conn is one client connection. Its fields are used by its own goroutine,
// and by the owner while that goroutine runs a batch; the atomics are read
// by CLIENT LIST and CLIENT KILL from other connections.
type conn struct {
	srv *Server
	nc  net.Conn
	r   *resp.Reader
	w   *replies
	id  int64

	name   atomic.Value // string
	db     int
	authed bool
	proto  int

	multi      bool
	multiDirty bool // a command failed to queue: EXEC aborts
	queue      [][]string
	watch      embedis.Watch

	batch   [][]string
	closing bool // reply, flush, then close (QUIT, protocol error, kill)
	inExec  bool // running EXEC's queue (BGSAVE is scheduled then)

	// offOwner, set by a handler (SAVE), is the rest of its command, run
	// once the turn ends and before the batch's next command: it writes
	// the command's reply.
	offOwner func()

	// A blocking command (BLPOP & co.) waiting for data, and the commands
	// of its batch that come after it.
	blocked  *embedis.Blocked
	rest     [][]string
	ctx      context.Context // ends when the connection is killed or closed
	cancel   context.CancelFunc
	inflight chan readResult // the next request, read while a blocking command waits

	created time.Time
	lastCmd atomic.Pointer[string] // name of the last command, for CLIENT LIST
	lastAt  atomic.Int64           // Unix ms of the last command
	// lastRead is the Unix ms of the last bytes received and waiting says
	// a blocking command is waiting: the idle check (timeout) reads them.
	lastRead atomic.Int64
	waiting  atomic.Bool
	stats    map[*embedis.Command]*cmdStat // this connection's cache of the server's counters
	ran      []*cmdStat                    // the commands of the current batch, for cmdstat's usec
	killed   atomic.Bool
	noEvict  bool

	// Pub/sub (pubsub.go). psub and inTurn are the owner's; outMu orders
	// the connection's goroutine and its pusher on w; the mailbox (mail,
	// pending, softSince) is under mailMu.
	psub        *embedis.Subscriber // nil until the first subscription
	inTurn      bool                // the connection's batch is running: messages go into w
	waitBusy    bool                // the next turn waits for a busy script to end (runBusy)
	pushScratch []byte
	outMu       sync.Mutex
	mailMu      sync.Mutex
	mail        []byte        // messages waiting for the pusher, encoded
	monMail     []monitorMark // commands whose MONITOR lines wait in mail (monitor.go)
	spareMail   []byte        // the buffers of mail and monMail last written (outMu)
	spareMarks  []monitorMark
	lineScratch []byte    // a MONITOR line being formatted (outMu)
	pending     int64     // bytes of messages not yet written to the socket
	softSince   time.Time // when pending first went over the soft limit; zero when under it
	replySince  time.Time // when a batch's replies first went over the normal soft limit
	wake        chan struct{}

	// Client-side caching (tracking.go), the owner's: the connection's
	// tracker (nil until CLIENT TRACKING ON), the connection its messages
	// go to (0: itself) and whether it is gone, the invalidations waiting
	// for the running command to end, and whether a command is running.
	tracker      *embedis.Tracker
	trackRedir   int64
	trackBroken  bool
	trackPending [][]string
	executing    bool

	libName string
	libVer  string

	// MONITOR (monitor.go): whether the connection monitors (the
	// owner's), its address as the monitors see it, and when its mailbox
	// first went over the normal class's soft limit (under mailMu).
	monitoring bool
	monAddr    string
	monSince   time.Time
}

// replies adapts the RESP writer to embedis.ReplyWriter and counts errors.
type replies struct {
	*resp.Writer
	srv    *Server
	errors int
}

func (r *replies) WriteError(err error) { r.writeErrorText(err.Error()) }

func (r *replies) writeErrorText(msg string) {
	r.errors++
	r.srv.countError(msg)
	r.Writer.WriteError(msg)
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{
		srv:     s,
		nc:      nc,
		id:      s.nextID.Add(1),
		authed:  s.cfg.requirePass() == "",
		proto:   2,
		created: time.Now(),
	}
	c.r = resp.NewReader(countingReader{nc, &s.stats.netInput, &c.lastRead}, s.limits())
	c.r.FollowMaxBulkLen(s.store.MaxStringLength) // proto-max-bulk-len, as CONFIG SET or Go's SetLimits moves it
	c.w = &replies{Writer: resp.NewWriter(nc), srv: s}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.name.Store("")
	null := "NULL"
	c.lastCmd.Store(&null)
	c.stats = make(map[*embedis.Command]*cmdStat)
	return c
}

// serve reads requests until the client goes away, handing every request
// already received to the owner in one turn.
func (c *conn) serve() {
	defer func() {
		c.cancel()
		c.nc.Close()
		c.dropState()
		c.srv.unregister(c)
	}()
	for {
		var args []string
		var err error
		if c.inflight != nil {
			// A read started while a blocking command waited: its result is
			// the next request.
			r := <-c.inflight
			c.inflight = nil
			args, err = r.args, r.err
		} else {
			c.r.RecycleArgs() // the previous batch's argument slices are done with
			c.r.SetUnauthenticated(!c.authed)
			args, err = c.r.ReadCommand()
		}
		if err != nil {
			c.readFailed(err)
			return
		}
		c.batch = append(c.batch[:0], args)
		var pending error
		// Before AUTH, one request at a time: Redis's limits for an
		// unauthenticated client apply to the requests after AUTH no more.
		for c.authed && len(c.batch) < maxBatch && c.r.Buffered() {
			args, err := c.r.ReadCommand()
			if err != nil {
				pending = err
				break
			}
			c.batch = append(c.batch, args)
		}
		c.outMu.Lock()
		c.runBatch()
		for c.blocked != nil && !c.closing {
			// Send what the batch answered so far, then wait without the
			// owner role (and without the output, which the pusher may
			// use meanwhile).
			err := c.w.Flush()
			c.outMu.Unlock()
			if err != nil {
				return
			}
			ctx, stop := c.watchDisconnect()
			c.waiting.Store(true)
			err = c.blocked.Wait(ctx)
			c.waiting.Store(false)
			stop()
			if err != nil {
				return // disconnected, killed, closed, or the store closed
			}
			c.outMu.Lock()
			c.blocked.WriteReply(c.w)
			c.blocked = nil
			c.batch, c.rest = c.rest, nil
			c.runBatch()
		}
		if pending != nil {
			c.outMu.Unlock()
			c.readFailed(pending)
			return
		}
		if c.overReplyLimit() {
			c.outMu.Unlock()
			c.srv.log.Warn("client output buffer over limit, disconnecting", "id", c.id, "bytes", c.w.Buffered())
			return
		}
		n := c.w.Buffered()
		err = c.w.Flush()
		c.outMu.Unlock()
		if err != nil {
			return
		}
		c.srv.stats.netOutput.Add(int64(n))
		if c.closing || c.killed.Load() {
			return
		}
	}
}

// overReplyLimit reports whether the replies of the batch just run, about
// to be flushed, pass embedis's safety net (Options.OutputBufferLimit) or
// client-output-buffer-limit's normal class: its hard limit, or its soft
// limit in batches over it for longer than its seconds.
func (c *conn) overReplyLimit() bool {
	used := c.w.Buffered()
	if used > c.srv.outputBufferLimit() {
		return true
	}
	return overOutputLimit(c.srv.cfg.limits.Load()[clientNormal], int64(used), &c.replySince)
}

// readFailed answers a protocol error as Redis does (an error reply, then
// the connection is closed); other read errors just end the connection.
func (c *conn) readFailed(err error) {
	var pe *resp.ProtocolError
	if errors.As(err, &pe) {
		c.outMu.Lock()
		c.w.writeErrorText("ERR " + pe.Error())
		c.w.Flush()
		c.outMu.Unlock()
		return
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
		c.srv.log.Debug("client read", "id", c.id, "err", err)
	}
}

// dropState releases what the connection holds in the engine (its WATCHes,
// its subscriptions).
func (c *conn) dropState() {
	c.srv.store.Atomic(embedis.WaitWhenBusy(context.Background()), func(tx *embedis.Tx) error {
		tx.Unwatch(&c.watch)
		c.resetPubSub(tx)
		c.resetTracking(tx)
		c.stopMonitor()
		return nil
	})
}

// runBatch runs the batch in one turn of the owner role, or in several when
// a command (SAVE) has work to finish off the owner before the next one.
func (c *conn) runBatch() {
	for {
		c.runTurn()
		f := c.offOwner
		if f == nil {
			break
		}
		c.offOwner = nil
		f()
		c.batch, c.rest = c.rest, nil
		if len(c.batch) == 0 || c.closing {
			break
		}
	}
	if c.blocked == nil {
		clear(c.batch)
	}
}

// runTurn runs the batch's commands in one turn of the owner role, up to a
// blocking command that waits or a command with work off the owner (the
// rest of the batch is then in c.rest).
func (c *conn) runTurn() {
	ctx := context.Background()
	if c.waitBusy {
		// A command that needs the role and may run during a busy
		// script (WATCH, DISCARD, …) waits for the script to end.
		ctx, c.waitBusy = embedis.WaitWhenBusy(ctx), false
	}
	// What waits in the mailbox goes out before the turn's replies: most
	// of it now, off the owner (MONITOR lines are formatted here), the
	// rest at the start of the turn.
	c.drainMail()
	err := c.srv.store.Atomic(ctx, func(tx *embedis.Tx) error {
		if err := tx.Select(c.db); err != nil {
			return err
		}
		c.inTurn = true
		defer func() { c.inTurn = false }()
		if c.tracker != nil {
			c.tracker.Bind(tx)
		}
		c.drainMail()
		start := time.Now()
		c.lastAt.Store(start.UnixMilli())
		c.ran = c.ran[:0]
		for i, args := range c.batch {
			tx.AllowBlocking(!c.multi)
			embedis.LimitTrackingTable(tx)
			c.executing = true
			c.dispatch(tx, args)
			c.executing = false
			c.afterCommand(args[0])
			if b := tx.TakeBlocked(); b != nil {
				c.blocked, c.rest = b, c.batch[i+1:]
				break
			}
			if c.offOwner != nil {
				c.rest = c.batch[i+1:]
				break
			}
			if c.closing {
				break
			}
		}
		c.db = tx.DBIndex()
		// One clock reading per batch: its time is shared among the
		// commands it ran, for cmdstat's usec.
		if n := len(c.ran); n > 0 {
			per := int64(time.Since(start)) / int64(n)
			for _, st := range c.ran {
				st.nsec.Add(per)
			}
		}
		return nil
	})
	if errors.Is(err, embedis.ErrBusy) {
		c.runBusy(err)
		return
	}
	if err != nil {
		// The store was closed under the server, or stopped because a
		// command panicked: tell the client once and end the connection.
		var pe *embedis.PanicError
		if errors.As(err, &pe) {
			c.srv.log.Error("store stopped: a command panicked", "id", c.id, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
			c.w.writeErrorText("ERR " + strings.NewReplacer("\r", " ", "\n", " ").Replace(pe.Error()))
		} else {
			c.w.writeErrorText("ERR server is shutting down")
		}
		c.closing = true
	}
}

// kill ends the connection from another goroutine: CLIENT KILL, Close.
func (c *conn) kill() {
	c.killed.Store(true)
	c.cancel()
	c.nc.Close()
}

// commands a client may run before AUTH.
func noAuthNeeded(name string) bool {
	switch name {
	case "auth", "hello", "quit", "reset":
		return true
	}
	return false
}

// run immediately even inside MULTI.
func notQueued(name string) bool {
	switch name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// runBusy answers the batch while a script has run past
// busy-reply-threshold and holds the owner role, as Redis does meanwhile:
// SCRIPT KILL, FUNCTION KILL, MULTI and QUIT run without the role, the
// other commands get busy (Redis's BUSY text for the script's kind), and the
// rest of the batch from a command that may run while a script is busy but
// needs the role (WATCH, DISCARD, AUTH, …) waits for the script to end.
func (c *conn) runBusy(busy error) {
	for i, args := range c.batch {
		if !c.dispatchIn(nil, busy, args) {
			c.rest = c.batch[i:]
			c.offOwner = func() { c.waitBusy = true }
			return
		}
		if c.closing {
			return
		}
	}
}

// runWhileBusy runs a command that passed dispatch's checks while a script
// is busy. It reports false, writing nothing, for a command that may run
// then but needs the owner role.
func (c *conn) runWhileBusy(cmd *embedis.Command, full string, st *cmdStat, args []string, busy error) bool {
	var err error
	switch {
	case cmd.Name == "script" && len(args) == 2 && strings.EqualFold(args[1], "kill"):
		err = c.srv.store.ScriptKill(c.ctx)
	case cmd.Name == "function" && len(args) == 2 && strings.EqualFold(args[1], "kill"):
		err = c.srv.store.FunctionKill(c.ctx)
	case cmd.Name == "quit":
		cmdQuit(c, nil, args)
		st.calls.Add(1)
		return true
	case cmd.Name == "multi":
		cmdMulti(c, nil, args)
		st.calls.Add(1)
		return true
	case hasFlag(cmd, "allow_busy"):
		return false
	default:
		st.rejected.Add(1)
		c.reject(busy.Error())
		return true
	}
	st.calls.Add(1)
	if err != nil {
		st.failed.Add(1)
		c.w.WriteError(err)
	} else {
		c.w.WriteStatus("OK")
	}
	return true
}

// dispatch runs one command as the owner.
func (c *conn) dispatch(tx *embedis.Tx, args []string) { c.dispatchIn(tx, nil, args) }

// dispatchIn checks and runs one command: as the owner with tx, or, with
// busy set and tx nil, while a script is busy (runWhileBusy). It reports
// false, having written nothing, for a command that needs the owner role
// while busy.
func (c *conn) dispatchIn(tx *embedis.Tx, busy error, args []string) bool {
	c.srv.stats.commandsProcessed.Add(1)
	ok := c.check(tx, busy, args)
	if !ok {
		c.srv.stats.commandsProcessed.Add(-1)
	}
	return ok
}

func (c *conn) check(tx *embedis.Tx, busy error, args []string) bool {
	cmd := embedis.LookupCommand(args[0])
	if cmd == nil {
		c.reject(embedis.UnknownCommandError(args).Error())
		return true
	}
	if !cmd.ArityOK(len(args)) {
		c.srv.cmdStat(cmd.Name).rejected.Add(1)
		c.reject(embedis.ArityError(cmd.Name).Error())
		return true
	}
	// Subcommands (CLIENT LIST, CONFIG SET) are checked and counted under
	// their full name, before authentication, as Redis does.
	full, subErr := checkSubcommand(cmd.Name, args)
	st := c.statOf(cmd, full)
	if subErr != "" {
		st.rejected.Add(1)
		c.reject(subErr)
		return true
	}
	if !c.authed && !noAuthNeeded(cmd.Name) {
		st.rejected.Add(1)
		c.reject("NOAUTH Authentication required.")
		return true
	}
	if c.multi && !notQueued(cmd.Name) && hasFlag(cmd, "no_multi") {
		st.rejected.Add(1)
		c.reject("ERR Command not allowed inside a transaction")
		return true
	}
	// While a script is busy there is no owner turn (tx is nil) and, as in
	// Redis (isInsideYieldingLongCommand), no eviction or OOM check.
	if busy == nil && tx.BeforeCommand() && c.refusesOOM(cmd, args) {
		// As Redis's processCommand: over maxmemory with nothing left to
		// evict, a command that may add data is refused, so is any command
		// queued inside MULTI, and an EXEC whose transaction holds one is
		// refused and discards the transaction.
		st.rejected.Add(1)
		if cmd.Name == "exec" {
			c.endMulti(tx)
			c.w.writeErrorText("EXECABORT Transaction discarded because of: " + embedis.ErrOOM.Error())
			return true
		}
		c.reject(embedis.ErrOOM.Error())
		return true
	}
	if c.deniesWrite(cmd) {
		st.rejected.Add(1)
		c.reject(errMisconf)
		return true
	}
	if c.refusesWrite(cmd) {
		st.rejected.Add(1)
		c.reject(errReadOnly)
		return true
	}
	if c.monitoring && refusedMonitoring(cmd) {
		st.rejected.Add(1)
		c.reject(errMonitorKeyspace)
		return true
	}
	if c.proto == 2 && c.psub != nil && c.subscribed() {
		if refused, name := refusedSubscribed(cmd.Name, full, args); refused {
			if cmd.Name == "exec" && c.multi && tx == nil {
				return false // busy: discarding the transaction needs the role
			}
			st.rejected.Add(1)
			msg := subscribedModeError(name)
			if cmd.Name == "exec" {
				// Redis answers a refused EXEC by discarding the transaction.
				if c.multi {
					c.endMulti(tx)
				}
				c.w.writeErrorText("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
				return true
			}
			c.reject(msg)
			return true
		}
	}
	if busy != nil {
		return c.runWhileBusy(cmd, full, st, args, busy)
	}
	if c.multi && !notQueued(cmd.Name) {
		c.queue = append(c.queue, append([]string(nil), args...)) // args' memory is recycled after the batch
		c.lastCmd.Store(&st.name)
		c.w.WriteStatus("QUEUED")
		return true
	}
	c.execute(tx, cmd, full, args)
	return true
}

// refusesOOM reports whether cmd is refused while the store is out of
// memory (Redis's reject_cmd_on_oom): a denyoom command; inside MULTI any
// command but EXEC, DISCARD, QUIT and RESET; an EXEC whose queue holds a
// denyoom command.
func (c *conn) refusesOOM(cmd *embedis.Command, args []string) bool {
	if cmd.DeniesOOM(args) {
		return true
	}
	if !c.multi {
		return false
	}
	switch cmd.Name {
	case "discard", "quit", "reset":
		return false
	case "exec":
		for _, args := range c.queue {
			if q := embedis.LookupCommand(args[0]); q != nil && q.DeniesOOM(args) {
				return true
			}
		}
		return false
	}
	return true
}

// reject answers a command that cannot run; inside MULTI it also dooms the
// transaction, as Redis does.
func (c *conn) reject(msg string) {
	if c.multi {
		c.multiDirty = true
	}
	c.w.writeErrorText(msg)
}

// execute runs a command that passed the checks and keeps its statistics
// under full, its name with the subcommand ("client|list").
func (c *conn) execute(tx *embedis.Tx, cmd *embedis.Command, full string, args []string) {
	errs := c.w.errors
	monitored := c.srv.monitorCount.Load() > 0
	if monitored && monitorsFirst(cmd.Name) {
		c.srv.feedMonitors(tx.DBIndex(), c.monitorAddr(), cmd, args)
	}
	if cmd.ServerOnly() {
		// TestEveryServerOnlyCommandHasAHandler keeps this from happening;
		// should a command slip through, it fails rather than crash.
		if h := c.srv.handlers[cmd.Name]; h != nil {
			h(c, tx, args)
		} else {
			c.w.writeErrorText("ERR the server has no handler for '" + cmd.Name + "'")
		}
	} else if cmd.Name == "ping" && c.proto == 2 && c.subscribed() {
		c.writeSubscribedPing(args)
	} else {
		tx.Do(c.w, args...)
		if cmd.Name == "flushall" && c.w.errors == errs {
			c.srv.persist.flushed() // as Redis, FLUSHALL abandons a BGSAVE
			// and, with save points, saves the emptied store before
			// it answers.
			if save := c.srv.persist.flushAllSave(tx); save != nil {
				if prev := c.offOwner; prev != nil { // a second FLUSHALL in one EXEC
					c.offOwner = func() { prev(); save() }
				} else {
					c.offOwner = save
				}
			}
		}
	}
	st := c.statOf(cmd, full)
	st.calls.Add(1)
	c.ran = append(c.ran, st)
	if c.w.errors != errs {
		st.failed.Add(1)
	}
	c.lastCmd.Store(&st.name)
	// The monitors see the command once it has run, as Redis's call()
	// feeds them (the count is read again: this command may be MONITOR).
	if c.srv.monitorCount.Load() > 0 && !monitorsFirst(cmd.Name) {
		c.srv.feedMonitors(tx.DBIndex(), c.monitorAddr(), cmd, args)
	}
}

// statOf returns the counters of a command, from the connection's cache when
// it has no subcommand.
func (c *conn) statOf(cmd *embedis.Command, full string) *cmdStat {
	if full != cmd.Name {
		return c.srv.cmdStat(full)
	}
	st, ok := c.stats[cmd]
	if !ok {
		st = c.srv.cmdStat(full)
		c.stats[cmd] = st
	}
	return st
}

func hasFlag(cmd *embedis.Command, flag string) bool {
	for _, f := range cmd.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// serverHandler runs a server-only command on its connection.
type serverHandler func(c *conn, tx *embedis.Tx, args []string)

// serverCommands are the handlers of the table's server-only commands (see
// TestEveryServerOnlyCommandHasAHandler); a Server reads them through its
// handlers field.
var serverCommands map[string]serverHandler

func init() {
	serverCommands = map[string]serverHandler{
		"auth":     cmdAuth,
		"hello":    cmdHello,
		"quit":     cmdQuit,
		"reset":    cmdReset,
		"multi":    cmdMulti,
		"exec":     cmdExec,
		"discard":  cmdDiscard,
		"watch":    cmdWatch,
		"unwatch":  cmdUnwatch,
		"client":   cmdClient,
		"command":  cmdCommand,
		"info":     cmdInfo,
		"config":   cmdConfig,
		"shutdown": cmdShutdown,
		"save":     cmdSave,
		"bgsave":   cmdBgsave,
		"lastsave": cmdLastsave,
		// aof.go
		"bgrewriteaof": cmdBgrewriteaof,
		// pubsub.go
		"subscribe":    subscribeHandler(embedis.PubSubChannel),
		"psubscribe":   subscribeHandler(embedis.PubSubPattern),
		"ssubscribe":   subscribeHandler(embedis.PubSubShard),
		"unsubscribe":  unsubscribeHandler(embedis.PubSubChannel),
		"punsubscribe": unsubscribeHandler(embedis.PubSubPattern),
		"sunsubscribe": unsubscribeHandler(embedis.PubSubShard),
		// replica.go
		"replicaof": cmdReplicaof,
		"slaveof":   cmdReplicaof,
		"role":      cmdRole,
		// monitor.go
		"monitor": cmdMonitor,
	}
}

func cmdQuit(c *conn, tx *embedis.Tx, args []string) {
	c.w.WriteStatus("OK")
	c.closing = true
}

func cmdMulti(c *conn, tx *embedis.Tx, args []string) {
	if c.multi {
		c.w.writeErrorText("ERR MULTI calls can not be nested")
		return
	}
	c.multi = true
	c.w.WriteStatus("OK")
}

func (c *conn) endMulti(tx *embedis.Tx) {
	c.multi, c.multiDirty = false, false
	clear(c.queue)
	c.queue = c.queue[:0]
	tx.Unwatch(&c.watch)
}

func cmdExec(c *conn, tx *embedis.Tx, args []string) {
	if !c.multi {
		c.w.writeErrorText("ERR EXEC without MULTI")
		return
	}
	if c.multiDirty {
		c.endMulti(tx)
		c.w.writeErrorText("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	if tx.WatchBroken(&c.watch) {
		c.endMulti(tx)
		c.w.WriteNullArray()
		return
	}
	queue := c.queue
	c.queue = nil
	c.multi = false
	tx.Unwatch(&c.watch)
	tx.AllowBlocking(false) // blocking commands in a transaction answer at once
	c.w.WriteArrayLen(len(queue))
	c.inExec = true
	for _, args := range queue {
		full, _ := checkSubcommand(embedis.LookupCommand(args[0]).Name, args)
		c.execute(tx, embedis.LookupCommand(args[0]), full, args)
	}
	c.inExec = false
	c.multiDirty = false
}

func cmdDiscard(c *conn, tx *embedis.Tx, args []string) {
	if !c.multi {
		c.w.writeErrorText("ERR DISCARD without MULTI")
		return
	}
	c.endMulti(tx)
	c.w.WriteStatus("OK")
}

func cmdWatch(c *conn, tx *embedis.Tx, args []string) {
	if c.multi {
		c.w.writeErrorText("ERR WATCH inside MULTI is not allowed")
		return
	}
	tx.Watch(&c.watch, args[1:]...)
	c.w.WriteStatus("OK")
}

func cmdUnwatch(c *conn, tx *embedis.Tx, args []string) {
	tx.Unwatch(&c.watch)
	c.w.WriteStatus("OK")
}

func cmdAuth(c *conn, tx *embedis.Tx, args []string) {
	if len(args) > 3 {
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	pass := c.srv.cfg.requirePass()
	if len(args) == 2 && pass == "" {
		c.w.writeErrorText("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	user, given := "default", args[1]
	if len(args) == 3 {
		user, given = args[1], args[2]
	}
	// Without requirepass the default user takes any password (Redis's nopass).
	if user != "default" || (pass != "" && given != pass) {
		c.w.writeErrorText("WRONGPASS invalid username-password pair or user is disabled.")
		return
	}
	c.authed = true
	c.w.WriteStatus("OK")
}

func cmdHello(c *conn, tx *embedis.Tx, args []string) {
	proto := c.proto
	if len(args) >= 2 {
		v, err := parseInt(args[1])
		if err != nil {
			c.w.writeErrorText("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			c.w.writeErrorText("NOPROTO unsupported protocol version")
			return
		}
		proto = int(v)
	}
	var setName *string
	authed := c.authed
	for i := 2; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "AUTH":
			if i+2 >= len(args) {
				c.w.writeErrorText("ERR Syntax error in HELLO option '" + args[i] + "'")
				return
			}
			user, pass := args[i+1], args[i+2]
			i += 2
			// Without requirepass the default user takes any password.
			if want := c.srv.cfg.requirePass(); user != "default" || (want != "" && pass != want) {
				c.w.writeErrorText("WRONGPASS invalid username-password pair or user is disabled.")
				return
			}
			authed = true
		case "SETNAME":
			if i+1 >= len(args) {
				c.w.writeErrorText("ERR Syntax error in HELLO option '" + args[i] + "'")
				return
			}
			i++
			name := args[i]
			if !validClientName(name) {
				c.w.writeErrorText("ERR Client names cannot contain spaces, newlines or special characters.")
				return
			}
			setName = &name
		default:
			c.w.writeErrorText("ERR Syntax error in HELLO option '" + args[i] + "'")
			return
		}
	}
	if !authed {
		c.w.writeErrorText("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	c.authed = true
	if setName != nil {
		c.name.Store(*setName)
	}
	c.proto = proto
	c.w.SetProtocol(proto)
	c.w.WriteMapLen(7)
	c.w.WriteBulk("server")
	c.w.WriteBulk("redis")
	c.w.WriteBulk("version")
	c.w.WriteBulk(redisVersion)
	c.w.WriteBulk("proto")
	c.w.WriteInt(int64(proto))
	c.w.WriteBulk("id")
	c.w.WriteInt(c.id)
	c.w.WriteBulk("mode")
	c.w.WriteBulk("standalone")
	c.w.WriteBulk("role")
	c.w.WriteBulk("master")
	c.w.WriteBulk("modules")
	c.w.WriteArrayLen(0)
}

func cmdReset(c *conn, tx *embedis.Tx, args []string) {
	if c.multi {
		c.endMulti(tx)
	}
	tx.Unwatch(&c.watch)
	c.resetPubSub(tx)
	c.resetTracking(tx)
	c.stopMonitor()
	tx.Select(0)
	c.proto = 2
	c.w.SetProtocol(2)
	c.name.Store("")
	c.noEvict = false
	c.authed = c.srv.cfg.requirePass() == ""
	c.w.WriteStatus("RESET")
}

// cmdShutdown is SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], parsed as
// Redis parses it. SHUTDOWN SAVE saves the snapshot file (Options.Dir and
// DBFilename) during its turn, so that no client is answered between the
// snapshot and the stop, and then shuts down; if the save fails it answers
// as Redis does, "ERR Errors trying to SHUTDOWN. Check logs.", logs why,
// and keeps serving, unless FORCE says to stop anyway. The plain form saves
// so too when there are save points (Options.SavePoints, CONFIG SET save),
// as Redis's does; SHUTDOWN NOSAVE never saves. No shutdown is ever
// in progress (embedis waits for no replicas), so ABORT has none to abort.
func cmdShutdown(c *conn, tx *embedis.Tx, args []string) {
	var save, nosave, force, abort, now bool
	for _, a := range args[1:] {
		switch strings.ToUpper(a) {
		case "NOSAVE":
			nosave = true
		case "SAVE":
			save = true
		case "NOW":
			now = true
		case "FORCE":
			force = true
		case "ABORT":
			abort = true
		default:
			c.w.WriteError(embedis.ErrSyntax)
			return
		}
	}
	if (abort && (save || nosave || now || force)) || (save && nosave) {
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	if abort {
		c.w.writeErrorText("ERR No shutdown in progress.")
		return
	}
	c.srv.log.Info("User requested shutdown...", "client", c.id)
	if save || (!nosave && c.srv.persist.hasSavePoints()) {
		if err := c.srv.persist.shutdownSave(tx); err != nil {
			if !force {
				c.srv.log.Error("Error trying to save the DB, can't exit.", "err", err)
				c.w.writeErrorText("ERR Errors trying to SHUTDOWN. Check logs.")
				return
			}
			c.srv.log.Warn("Error trying to save the DB. Exit anyway.", "err", err)
		}
	}
	c.closing = true
	c.srv.shutdown()
}

// redisVersion is the Redis version whose behaviour embedis implements, as
// HELLO and INFO report it to clients that adapt to the server's version.
const redisVersion = "7.0.15"

// countingReader counts the bytes read from a connection for INFO's
// total_net_input_bytes, and notes when the last arrived (timeout).
type countingReader struct {
	r    io.Reader
	n    *atomic.Int64
	last *atomic.Int64 // Unix ms
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.n.Add(int64(n))
		r.last.Store(time.Now().UnixMilli())
	}
	return n, err
}

type readResult struct {
	args []string
	err  error
}

// watchDisconnect returns a context for a blocking command's wait that also
// ends when the client goes away, as Redis notices a blocked client's
// disconnection: the next request is read meanwhile (at most one read is in
// flight; a request that arrives is kept for after the wait, as Redis keeps
// a blocked client's input), and a read error ends the wait, so that no
// element is popped for a client that is gone.
func (c *conn) watchDisconnect() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(c.ctx)
	if c.inflight == nil {
		ch := make(chan readResult, 1)
		c.inflight = ch
		go func() {
			args, err := c.r.ReadCommand()
			ch <- readResult{args, err}
			if err != nil {
				cancel()
			}
		}()
	}
	return ctx, cancel
}
