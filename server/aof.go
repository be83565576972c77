package server

import (
	"context"
	"path/filepath"
	"sync"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// The append-only log: BGREWRITEAOF and the aof_* fields of INFO
// persistence, as redis-server 7.0 answers them, over the data directory
// the store was opened from (Options.AppendOnly: a persist.DB opened with
// its log on, redis.conf's appendonly yes).
//
// The directory is persist's (see persist.Open): a base snapshot (an RDB
// file) and the log segments after it, listed by a manifest — the shape of
// Redis 7.0's multi-part AOF in appenddirname, with checksummed records
// instead of Redis's AOF commands. Writes reach the log in the store's
// turn; with appendfsync always no client is answered before its record is
// on disk.
//
// BGREWRITEAOF compacts it (persist.DB.Save: a new base snapshot and a new
// log segment) on a goroutine of its own. As Redis, which runs one child
// process at a time, a rewrite and a BGSAVE never run together: a
// BGREWRITEAOF during a BGSAVE (or inside MULTI/EXEC) is scheduled and
// starts when it ends ("Background append only file rewriting
// scheduled"); a BGSAVE during a rewrite is refused with Redis's error, or
// scheduled with SCHEDULE; save points wait for the rewrite to end.
//
// Without appendonly, Redis's BGREWRITEAOF still writes an AOF directory;
// embedis's refuses with errNoAppendOnly: with the log off there is no log
// to compact. persist.DB's own automatic compaction
// (auto-aof-rewrite-percentage and -min-size) is not counted in
// aof_rewrites.
//
// CONFIG SET appendonly and appendfsync work at run time, as in Redis 7.0:
// appendonly yes turns aof_enabled on at once and starts a rewrite that
// starts the log (persist.DB.SetAppendOnly, or persist.Attach of
// Dir/AppendDirName over Options.AppendLog for a server started without a
// data directory) — or schedules it while a BGSAVE runs, "AOF was enabled
// but there is already another background operation. An AOF background
// was scheduled to start when possible.", with aof_rewrite_scheduled:1.
// appendonly no stops the log before the reply (everything appended is
// fsynced first) and unschedules a scheduled rewrite; while a rewrite runs
// (Redis kills its child) it answers at once, and the log stops when the
// rewrite ends (aof_rewrite_in_progress stays 1 until then).
// appendfsync changes the running log's policy (persist.DB.SetAppendFsync)
// at once. A server with neither Options.AppendOnly nor AppendLog refuses
// appendonly yes with errNoAppendLog.

// Redis's replies and errors for BGREWRITEAOF, and embedis's refusal
// without appendonly.
const (
	replyRewriteStarted   = "Background append only file rewriting started"
	replyRewriteScheduled = "Background append only file rewriting scheduled"
	errRewriteInProgress  = "ERR Background append only file rewriting already in progress"
	errBgsaveDuringAOF    = "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
	errNoAppendOnly       = "ERR embedis rewrites the append-only file only with appendonly yes"
	replyAOFScheduled     = "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible."
)

// errNoAppendLog is CONFIG SET appendonly yes's refusal on a server whose
// store was opened with no way to log (embedis's own text).
const errNoAppendLog = "embedis turns appendonly on at run time only for a store opened with a persist.Log (server.Options.AppendLog) or from a persist.DB, as embedis-server opens it"

// Automatic compaction of a data directory the server attaches, as
// embedis-server opens one: redis.conf's auto-aof-rewrite-percentage and
// auto-aof-rewrite-min-size defaults.
const (
	attachCompactPercent = 100
	attachCompactMinSize = 64 << 20
)

// aofState is the append-only log's part of persistence, guarded by
// persistence.mu.
type aofState struct {
	db       *persist.DB  // the data directory; nil until there is one
	hook     *persist.Log // Options.AppendLog: attached to make db
	attached bool         // db was made by Attach: Close closes it
	on       bool         // appendonly as in effect: aof_enabled
	fsync    persist.Fsync
	dirName  string
	// ops serialises the goroutines that switch the log (rewrites, the
	// stop of appendonly no): each reads the wanted state (on) once it
	// holds ops. Never taken with persistence.mu held.
	ops *sync.Mutex

	rewriting      bool      // aof_rewrite_in_progress
	rewriteStart   time.Time // of the rewrite running
	scheduled      bool      // aof_rewrite_scheduled: starts when the BGSAVE or transaction ends
	lastRewriteSec int64     // aof_last_rewrite_time_sec; -1 before the first rewrite ends
	lastRewriteOK  bool
	rewrites       int64 // aof_rewrites: rewrites started since the start or CONFIG RESETSTAT
	failures       int64 // aof_rewrites_consecutive_failures
}

func newAOFState(opts *Options) aofState {
	name := opts.AppendDirName
	if name == "" {
		name = "appendonlydir"
	}
	db := opts.AppendOnly
	on := db != nil && db.AppendOnly()
	fsync := opts.AppendFsync
	if db != nil {
		fsync = db.AppendFsync()
	}
	return aofState{db: db, hook: opts.AppendLog, on: on, fsync: fsync, dirName: name, ops: new(sync.Mutex),
		lastRewriteSec: -1, lastRewriteOK: true}
}

// cmdBgrewriteaof is BGREWRITEAOF.
func cmdBgrewriteaof(c *conn, tx *embedis.Tx, args []string) {
	p := c.srv.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.aof.on:
		c.w.writeErrorText(errNoAppendOnly)
	case p.aof.rewriting:
		c.w.writeErrorText(errRewriteInProgress)
	case p.bg != nil:
		p.aof.scheduled = true // the BGSAVE's end starts it
		c.w.WriteStatus(replyRewriteScheduled)
	case c.inExec:
		if !p.aof.scheduled {
			p.aof.scheduled = true
			p.startScheduledRewrite()
		}
		c.w.WriteStatus(replyRewriteScheduled)
	default:
		p.startRewrite()
		c.w.WriteStatus(replyRewriteStarted)
	}
}

// startRewrite starts a rewrite (rewrite: DB.Save, or the start of the
// log) on a goroutine of its own. Called with mu held, appendonly on, and
// neither a rewrite nor a BGSAVE running.
func (p *persistence) startRewrite() {
	a := &p.aof
	a.scheduled = false
	a.rewriting = true
	a.rewriteStart = time.Now()
	a.rewrites++
	p.srv.log.Info("Background append only file rewriting started")
	hold := p.beforeRewrite
	p.bgWG.Add(1)
	go func() {
		defer p.bgWG.Done()
		if hold != nil {
			hold()
		}
		a.ops.Lock()
		err := p.rewrite()
		p.syncLog()
		a.ops.Unlock()
		p.mu.Lock()
		a.rewriting = false
		a.lastRewriteSec = time.Now().Unix() - a.rewriteStart.Unix()
		if err != nil {
			a.lastRewriteOK = false
			a.failures++
		} else {
			a.lastRewriteOK = true
			a.failures = 0
		}
		bgsaveWaits := p.scheduled && !p.stopped
		// appendonly no answered while this one ran: stop the log now.
		stopLog := !a.on && a.db != nil && a.db.AppendOnly()
		if a.scheduled && a.on && p.bg == nil && !p.stopped {
			// appendonly yes again while this one ran (after a no).
			p.startRewrite()
		}
		p.mu.Unlock()
		if stopLog {
			a.ops.Lock()
			p.syncLog()
			a.ops.Unlock()
		}
		if err != nil {
			p.srv.log.Warn("Background AOF rewrite terminated with error", "err", err)
		} else {
			p.srv.log.Info("Background AOF rewrite terminated with success")
		}
		if bgsaveWaits {
			p.startScheduled()
		}
	}()
}

// rewrite is a rewrite's work, with ops held: a Save of the data
// directory, which also starts its log when it is off (appendonly yes),
// or the Attach of one.
func (p *persistence) rewrite() error {
	a := &p.aof
	p.mu.Lock()
	db, hook, on, fsync := a.db, a.hook, a.on, a.fsync
	p.mu.Unlock()
	ctx := context.Background()
	switch {
	case db == nil && !on:
		return nil // appendonly no came first: nothing to attach
	case db == nil:
		ndb, err := persist.Attach(ctx, filepath.Join(p.dir, a.dirName), p.srv.store, hook, persist.Options{
			AppendOnly: true, AppendFsync: fsync, Logger: p.srv.log,
			AutoCompactPercent: attachCompactPercent, AutoCompactMinSize: attachCompactMinSize,
		})
		if err != nil {
			return err
		}
		p.mu.Lock()
		a.db, a.attached = ndb, true
		p.mu.Unlock()
		return nil
	case !db.AppendOnly():
		if !on {
			return nil
		}
		return db.SetAppendOnly(ctx, true)
	}
	return db.Save(ctx)
}

// syncLog makes the log's state and policy what CONFIG SET last asked
// (on, fsync), with ops held: it stops the log after appendonly no (every
// record appended before the stop fsynced). Turning it on is a rewrite's
// work, not this one's.
func (p *persistence) syncLog() {
	a := &p.aof
	p.mu.Lock()
	db, on, fsync := a.db, a.on, a.fsync
	p.mu.Unlock()
	if db == nil {
		return
	}
	if db.AppendFsync() != fsync {
		db.SetAppendFsync(fsync)
	}
	if !on && db.AppendOnly() {
		if err := db.SetAppendOnly(context.Background(), false); err != nil {
			p.srv.log.Warn("Stopping the append only file failed", "err", err)
		}
	}
}

// setAppendOnly is CONFIG SET appendonly, called as the owner. On, it
// starts (or schedules) the rewrite that starts the log. Off, it returns
// the stop of the log, to run off the owner before the reply leaves.
func (p *persistence) setAppendOnly(on bool) (offOwner func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := &p.aof
	if on == a.on {
		return nil
	}
	a.on = on
	if !on {
		a.scheduled = false
		if a.rewriting {
			// As Redis, which kills its rewrite and answers at once: the
			// rewrite's end stops the log.
			return nil
		}
		return func() {
			a.ops.Lock()
			defer a.ops.Unlock()
			p.syncLog()
		}
	}
	switch {
	case a.rewriting || p.bg != nil:
		a.scheduled = true
		p.srv.log.Warn(replyAOFScheduled)
	default:
		p.startRewrite()
	}
	return nil
}

// setAppendFsync is CONFIG SET appendfsync: the running log's policy
// changes at once (persist.DB.SetAppendFsync takes its own lock only).
func (p *persistence) setAppendFsync(f persist.Fsync) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.aof.fsync = f
	if p.aof.db != nil {
		p.aof.db.SetAppendFsync(f)
	}
}

// canAppendOnly reports whether appendonly yes can be put into effect.
func (p *persistence) canAppendOnly() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.aof.on || p.aof.db != nil || p.aof.hook != nil
}

// closeAttached closes the data directory the server attached (and with
// it the store), after stop.
func (p *persistence) closeAttached() error {
	p.mu.Lock()
	db := p.aof.db
	attached := p.aof.attached
	p.mu.Unlock()
	if !attached {
		return nil
	}
	return db.Close()
}

// startScheduledRewrite starts the scheduled rewrite after the turn that
// scheduled it (the transaction), unless a BGSAVE runs then: its end starts
// it.
func (p *persistence) startScheduledRewrite() {
	p.bgWG.Add(1)
	go func() {
		defer p.bgWG.Done()
		p.srv.store.Atomic(embedis.WaitWhenBusy(context.Background()), func(tx *embedis.Tx) error { return nil }) // the transaction has ended
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.aof.scheduled && !p.aof.rewriting && p.bg == nil && !p.stopped {
			p.startRewrite()
		}
	}()
}

// startRewriteAfterBgsave starts the rewrite scheduled during a BGSAVE that
// has just ended. Called with mu held.
func (p *persistence) startRewriteAfterBgsave() {
	if p.aof.scheduled && !p.aof.rewriting && p.bg == nil && !p.stopped {
		p.startRewrite()
	}
}

// aofInfo writes the aof_* and module_fork_* fields of INFO persistence,
// in Redis 7.0's order; with appendonly on, the fields Redis adds then.
// aof_current_size and aof_base_size are the data directory's (records
// written and base snapshot, persist.DB.Sizes); aof_buffer_length is the
// records appended and not yet written (persist.DB.BufferedBytes: under
// everysec and no they wait up to about 10 ms); aof_pending_bio_fsync and
// aof_delayed_fsync stay 0: no fsync lags behind on another thread.
func (p *persistence) aofInfo(w *infoWriter, now time.Time) {
	p.mu.Lock()
	a := p.aof
	p.mu.Unlock()
	b2i := func(b bool) int64 {
		if b {
			return 1
		}
		return 0
	}
	status := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "err"
	}
	current := int64(-1)
	if a.rewriting {
		current = now.Unix() - a.rewriteStart.Unix()
	}
	w.int("aof_enabled", b2i(a.on))
	w.int("aof_rewrite_in_progress", b2i(a.rewriting))
	w.int("aof_rewrite_scheduled", b2i(a.scheduled))
	w.int("aof_last_rewrite_time_sec", a.lastRewriteSec)
	w.int("aof_current_rewrite_time_sec", current)
	w.str("aof_last_bgrewrite_status", status(a.lastRewriteOK))
	w.int("aof_rewrites", a.rewrites)
	w.int("aof_rewrites_consecutive_failures", a.failures)
	w.str("aof_last_write_status", status(a.db == nil || a.db.LogErr() == nil))
	w.zeros("aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size")
	if a.on {
		var base, log, buffered int64
		if a.db != nil && a.db.AppendOnly() {
			base, log = a.db.Sizes()
			buffered = a.db.BufferedBytes()
		}
		w.int("aof_current_size", base+log)
		w.int("aof_base_size", base)
		w.int("aof_pending_rewrite", b2i(a.scheduled))
		w.int("aof_buffer_length", buffered)
		w.zeros("aof_pending_bio_fsync", "aof_delayed_fsync")
	}
}

// aofConfig returns CONFIG GET's value of appendonly, appendfsync or
// appenddirname: the ones in effect (Options).
func (p *persistence) aofConfig(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch name {
	case "appendonly":
		if p.aof.on {
			return "yes"
		}
		return "no"
	case "appendfsync":
		return p.aof.fsync.String()
	}
	return p.aof.dirName
}
