package server

import (
	"context"
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
// embedis's refuses with errNoAppendOnly: a store not opened on a data
// directory has no log to compact. appendonly and appendfsync are set at
// start only (embedis-server --appendonly, --appendfsync): CONFIG SET
// refuses another value than the one in effect. persist.DB's own automatic
// compaction (auto-aof-rewrite-percentage and -min-size) is not counted in
// aof_rewrites.

// Redis's replies and errors for BGREWRITEAOF, and embedis's refusal
// without appendonly.
const (
	replyRewriteStarted   = "Background append only file rewriting started"
	replyRewriteScheduled = "Background append only file rewriting scheduled"
	errRewriteInProgress  = "ERR Background append only file rewriting already in progress"
	errBgsaveDuringAOF    = "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
	errNoAppendOnly       = "ERR embedis rewrites the append-only file only with appendonly yes (embedis-server --appendonly yes)"
)

// aofState is the append-only log's part of persistence, guarded by
// persistence.mu.
type aofState struct {
	db      *persist.DB // nil: appendonly no
	fsync   persist.Fsync
	dirName string

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
	return aofState{db: opts.AppendOnly, fsync: opts.AppendFsync, dirName: name, lastRewriteSec: -1, lastRewriteOK: true}
}

// cmdBgrewriteaof is BGREWRITEAOF.
func cmdBgrewriteaof(c *conn, tx *embedis.Tx, args []string) {
	p := c.srv.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.aof.db == nil:
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

// startRewrite starts a rewrite: DB.Save on a goroutine of its own. Called
// with mu held, appendonly on, and neither a rewrite nor a BGSAVE running.
func (p *persistence) startRewrite() {
	a := &p.aof
	a.scheduled = false
	a.rewriting = true
	a.rewriteStart = time.Now()
	a.rewrites++
	p.srv.log.Info("Background append only file rewriting started")
	db, hold := a.db, p.beforeRewrite
	p.bgWG.Add(1)
	go func() {
		defer p.bgWG.Done()
		if hold != nil {
			hold()
		}
		err := db.Save(context.Background())
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
		p.mu.Unlock()
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

// startScheduledRewrite starts the scheduled rewrite after the turn that
// scheduled it (the transaction), unless a BGSAVE runs then: its end starts
// it.
func (p *persistence) startScheduledRewrite() {
	p.bgWG.Add(1)
	go func() {
		defer p.bgWG.Done()
		p.srv.store.Atomic(context.Background(), func(tx *embedis.Tx) error { return nil }) // the transaction has ended
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
// and base snapshot, persist.DB.Sizes); aof_buffer_length,
// aof_pending_bio_fsync and aof_delayed_fsync stay 0: the log has no
// buffer that outlives a turn and no fsync that lags behind a write.
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
	w.int("aof_enabled", b2i(a.db != nil))
	w.int("aof_rewrite_in_progress", b2i(a.rewriting))
	w.int("aof_rewrite_scheduled", b2i(a.scheduled))
	w.int("aof_last_rewrite_time_sec", a.lastRewriteSec)
	w.int("aof_current_rewrite_time_sec", current)
	w.str("aof_last_bgrewrite_status", status(a.lastRewriteOK))
	w.int("aof_rewrites", a.rewrites)
	w.int("aof_rewrites_consecutive_failures", a.failures)
	w.str("aof_last_write_status", status(a.db == nil || a.db.LogErr() == nil))
	w.zeros("aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size")
	if a.db != nil {
		base, log := a.db.Sizes()
		w.int("aof_current_size", base+log)
		w.int("aof_base_size", base)
		w.int("aof_pending_rewrite", b2i(a.scheduled))
		w.zeros("aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync")
	}
}

// aofConfig returns CONFIG GET's value of appendonly, appendfsync or
// appenddirname: the ones in effect (Options).
func (p *persistence) aofConfig(name string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch name {
	case "appendonly":
		if p.aof.db != nil {
			return "yes"
		}
		return "no"
	case "appendfsync":
		return p.aof.fsync.String()
	}
	return p.aof.dirName
}
