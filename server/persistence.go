package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// Snapshot files: SAVE, BGSAVE [SCHEDULE], LASTSAVE, SHUTDOWN SAVE and the
// rdb_* fields of INFO persistence, as redis-server 7.0 answers them, over
// the file Options.Dir/Options.DBFilename (redis.conf's dir and dbfilename).
//
// Redis forks to save in the background; embedis marks a snapshot's point
// in time during the command's turn as the store's owner
// (Tx.StartSnapshot) and writes it afterwards, off the owner, the keys
// being handed out of the store in short slices, so other clients are
// served while the file is written:
//
//   - BGSAVE writes it on a goroutine of its own: "Background saving
//     started", and INFO shows rdb_bgsave_in_progress:1 until the file is
//     on disk (or the write failed, rdb_last_bgsave_status:err).
//   - SAVE writes it on the client's connection goroutine after the turn
//     ends, and answers OK once the file is on disk (renamed into place and
//     fsynced), or Redis's bare "ERR" when the write failed (the log says
//     why). Redis's SAVE blocks every client meanwhile; embedis's blocks
//     only its own client, and the file holds the data as it was when SAVE
//     ran, exactly as Redis's does.
//   - SHUTDOWN SAVE writes it during its turn, holding the owner role, so
//     that no client is answered after the snapshot and before the process
//     stops: a write acknowledged then would be lost.
//
// Writes reach the disk in the order their snapshots were taken (each waits
// for the one before it), so the file never goes back to an older view. As
// Redis kills its saving child, FLUSHALL and shutdown (Close, SHUTDOWN)
// abandon a BGSAVE in progress: its temporary file is removed and the file
// is left as it was.
//
// rdb_changes_since_last_save is the store's change count
// (embedis.Stats.Changes) less the last saved snapshot's. The store counts
// changes as Redis 7.0 counts server.dirty, command by command (one per
// element pushed by RPUSH, per field pair given to HSET, per key FLUSHALL
// removes, none for an expiry: keyspace.go's wroteN), so the save points
// trigger when redis-server's would (TestDiffKeyspaceStats compares).
//
// Save points (redis.conf's save: Options.SavePoints, CONFIG SET save)
// start BGSAVEs on their own and make SHUTDOWN, Shutdown (SIGTERM, SIGINT)
// and FLUSHALL save, as in Redis: savepoints.go. Without any (the zero
// Options), SHUTDOWN without SAVE and Shutdown save nothing, as
// redis-server --save "" does.

// Redis's replies and errors for the snapshot commands.
const (
	errBgsaveInProgress  = "ERR Background save already in progress"
	errSaveFailed        = "ERR" // Redis's shared.err: the log says what failed
	replyBgsaveStarted   = "Background saving started"
	replyBgsaveScheduled = "Background saving scheduled"
)

// errDBFilenameIsPath is what a save or a load answers when DBFilename names
// a path rather than a file (Redis refuses such a dbfilename at start).
var errDBFilenameIsPath = errors.New("dbfilename can't be a path, just a filename")

// persistence is the state of the snapshot file and of the saves that write
// it. Its methods that take a *embedis.Tx run as the owner; the fields are
// guarded by mu, which is never held while waiting for the owner role or for
// a write.
type persistence struct {
	srv  *Server
	dir  string // absolute
	file string // the file's name in dir

	mu sync.Mutex
	// tail is closed when the last write queued has ended: each write
	// waits for the one queued before it, so files are written in the
	// order their snapshots were taken.
	tail      chan struct{}
	bg        *bgSave // the background save running, nil if none
	scheduled bool    // a BGSAVE inside a transaction starts after it
	lastSave  time.Time
	lastBgOK  bool
	lastBgSec int64       // rdb_last_bgsave_time_sec; -1 before the first BGSAVE ends
	lastBgTry time.Time   // when the last BGSAVE started (the retry delay counts from it)
	points    []SavePoint // the save points in effect (savepoints.go)
	stopped   bool        // stop ran: no save point starts a BGSAVE any more
	// keepWritesOnErr is stop-writes-on-bgsave-error no.
	keepWritesOnErr bool
	// denyWrites is set while Redis's MISCONF rule holds (refreshDeny):
	// connections read it before every command without taking mu.
	denyWrites atomic.Bool
	saves      int64 // rdb_saves: SAVEs and BGSAVEs started since the start or CONFIG RESETSTAT
	// savedChanges is the store's change count (embedis.Stats.Changes) in
	// the last snapshot written: rdb_changes_since_last_save counts from it.
	savedChanges int64
	bgWG         sync.WaitGroup // background saves and scheduled starts

	quit     chan struct{} // closed by stop: the save points' check ends
	quitOnce sync.Once
	cronDone chan struct{} // closed when the check has ended

	// beforeWrite, when set (by tests), runs before each write, off the
	// owner: a test holds a save in progress with it.
	beforeWrite func()
	// beforeRewrite, when set (by tests), runs before each append-only
	// file rewrite, off the owner: a test holds a rewrite in progress.
	beforeRewrite func()

	aof aofState // the append-only log (aof.go)
}

// bgSave is a background save in progress.
type bgSave struct {
	start  time.Time
	keys   int                // current_save_keys_total
	cancel context.CancelFunc // abandons the write (FLUSHALL, shutdown)
	killed string             // why it was abandoned ("" while it goes on)
}

func newPersistence(s *Server) *persistence {
	dir := s.opts.Dir
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	file := s.opts.DBFilename
	if file == "" {
		file = "dump.rdb"
	}
	p := &persistence{srv: s, dir: dir, file: file, lastSave: s.started, lastBgOK: true, lastBgSec: -1,
		points: append([]SavePoint(nil), s.opts.SavePoints...), quit: make(chan struct{}), cronDone: make(chan struct{}), aof: newAOFState(&s.opts)}
	// The changes made before the server started (loading a snapshot
	// included) are not unsaved changes: Redis counts from its start.
	if st, err := s.store.Stats(context.Background()); err == nil {
		p.savedChanges = st.Changes
	}
	go p.cron()
	return p
}

// path returns the snapshot file's path, or an error if DBFilename is not a
// plain file name.
func (p *persistence) path() (string, error) {
	return SnapshotPath(p.dir, p.file)
}

// SnapshotPath returns the path of the snapshot file dbfilename in dir, or
// an error if dbfilename is not a plain file name (Redis refuses a
// dbfilename with a directory in it: "dbfilename can't be a path, just a
// filename").
func SnapshotPath(dir, dbfilename string) (string, error) {
	file := dbfilename
	if file == "" || strings.ContainsRune(file, '/') || strings.ContainsRune(file, filepath.Separator) || file == "." || file == ".." {
		return "", errDBFilenameIsPath
	}
	return filepath.Join(dir, file), nil
}

// rdbSnapshot is a snapshot to write: an *embedis.PendingSnapshot, or an
// *embedis.Snapshot copied in the turn (SHUTDOWN SAVE, which writes while
// holding the owner role that a pending snapshot's hand-out needs).
type rdbSnapshot interface {
	WriteTo(w io.Writer) (int64, error)
	Changes() int64
	Keys() int
}

// queue takes a snapshot and a place in the order of writes. Called as the
// owner with mu held.
func (p *persistence) queue(tx *embedis.Tx) (sn rdbSnapshot, prev <-chan struct{}, done chan struct{}) {
	sn = tx.StartSnapshot()
	prev, done = p.tail, make(chan struct{})
	p.tail = done
	return sn, prev, done
}

// write writes sn to the snapshot file once the writes queued before it
// have ended (whatever ctx says: the order of writes is kept), unless ctx
// has ended, and records a success. Called off the owner.
func (p *persistence) write(ctx context.Context, sn rdbSnapshot, prev <-chan struct{}, done chan struct{}) error {
	defer close(done)
	if ps, ok := sn.(*embedis.PendingSnapshot); ok {
		defer ps.Close() // not written: the store stops copying for it
	}
	if prev != nil {
		<-prev
	}
	if p.beforeWrite != nil {
		p.beforeWrite()
	}
	path, err := p.path()
	if err == nil {
		err = persist.WriteSnapshotFileContext(ctx, sn, path)
	}
	if err != nil {
		if ctx.Err() == nil {
			p.srv.log.Error("saving the snapshot failed", "path", path, "err", err)
		}
		return err
	}
	p.mu.Lock()
	p.lastSave = time.Now()
	p.lastBgOK = true
	p.refreshDeny()
	p.savedChanges = max(p.savedChanges, sn.Changes())
	p.mu.Unlock()
	return nil
}

// killBackground abandons the background save in progress, if any, as
// Redis kills its saving child on FLUSHALL and at shutdown: its temporary
// file is removed and the snapshot file is left as it was (unless the
// write had already finished). rdb_bgsave_in_progress stays 1 until the
// write has stopped. Called with mu held.
func (p *persistence) killBackground(why string) {
	if p.bg != nil && p.bg.killed == "" {
		p.bg.killed = why
		p.bg.cancel()
	}
}

// flushed is FLUSHALL's part: the BGSAVE in progress is abandoned.
func (p *persistence) flushed() {
	p.mu.Lock()
	p.killBackground("FLUSHALL")
	p.mu.Unlock()
}

// save is SAVE's and SHUTDOWN SAVE's start: a snapshot queued for writing,
// or Redis's error while a BGSAVE runs. Called as the owner.
func (p *persistence) save(tx *embedis.Tx) (sn rdbSnapshot, prev <-chan struct{}, done chan struct{}, errText string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bg != nil {
		return nil, nil, nil, errBgsaveInProgress
	}
	p.saves++
	sn, prev, done = p.queue(tx)
	return sn, prev, done, ""
}

// startBackground starts a background save. Called as the owner with mu
// held and no background save running.
func (p *persistence) startBackground(tx *embedis.Tx) {
	sn, prev, done := p.queue(tx)
	ctx, cancel := context.WithCancel(context.Background())
	bg := &bgSave{start: time.Now(), keys: sn.Keys(), cancel: cancel}
	p.bg = bg
	p.lastBgTry = bg.start
	p.saves++
	p.srv.log.Info("Background saving started")
	p.bgWG.Add(1)
	go func() {
		defer p.bgWG.Done()
		defer cancel()
		err := p.write(ctx, sn, prev, done)
		p.mu.Lock()
		p.bg = nil
		p.lastBgSec = time.Now().Unix() - bg.start.Unix()
		// A save abandoned on purpose leaves the status as it was, as
		// Redis's killed child does.
		killed := err != nil && bg.killed != "" && ctx.Err() != nil
		if err != nil && !killed {
			p.lastBgOK = false
			p.refreshDeny()
		}
		again := p.scheduled
		p.startRewriteAfterBgsave() // a BGREWRITEAOF scheduled meanwhile (aof.go)
		p.mu.Unlock()
		switch {
		case killed:
			p.srv.log.Info("Background saving abandoned: " + bg.killed)
		case err != nil:
			p.srv.log.Warn("Background saving error")
		default:
			p.srv.log.Info("Background saving terminated with success")
		}
		if again {
			p.startScheduled()
		}
	}()
}

// startScheduled starts the scheduled background save in a turn of its own
// (after the turn that scheduled it, so after the transaction), unless one
// is running: its end starts the scheduled one.
func (p *persistence) startScheduled() {
	p.bgWG.Add(1)
	go func() {
		defer p.bgWG.Done()
		p.srv.store.Atomic(embedis.WaitWhenBusy(context.Background()), func(tx *embedis.Tx) error {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.scheduled && p.bg == nil && !p.aof.rewriting {
				p.scheduled = false
				p.startBackground(tx)
			}
			return nil
		})
	}()
}

// stop ends the save points' check, abandons the BGSAVE in progress, as
// Redis kills its saving child at shutdown, and waits for the background
// saves and the writes queued so far to end. Not called as the owner.
func (p *persistence) stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.quitOnce.Do(func() { close(p.quit) })
	<-p.cronDone
	p.mu.Lock()
	p.scheduled = false
	p.killBackground("shutdown")
	p.mu.Unlock()
	p.bgWG.Wait()
	p.mu.Lock()
	tail := p.tail
	p.mu.Unlock()
	if tail != nil {
		<-tail
	}
}

// cmdSave is SAVE: the snapshot is taken now and written once this turn
// ends; the reply waits for the file to be on disk.
func cmdSave(c *conn, tx *embedis.Tx, args []string) {
	p := c.srv.persist
	sn, prev, done, msg := p.save(tx)
	if msg != "" {
		c.w.writeErrorText(msg)
		return
	}
	c.offOwner = func() {
		if err := p.write(context.Background(), sn, prev, done); err != nil {
			c.w.writeErrorText(errSaveFailed)
			return
		}
		p.srv.log.Info("DB saved on disk")
		c.w.WriteStatus("OK")
	}
}

// cmdBgsave is BGSAVE [SCHEDULE]. As Redis: a BGSAVE while one runs is an
// error, SCHEDULE included; during an append-only file rewrite (aof.go) it
// is an error without SCHEDULE and scheduled with it, to start when the
// rewrite ends; inside MULTI/EXEC the save is scheduled and starts after
// the transaction, with or without SCHEDULE.
func cmdBgsave(c *conn, tx *embedis.Tx, args []string) {
	if len(args) > 2 || (len(args) == 2 && !strings.EqualFold(args[1], "schedule")) {
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	p := c.srv.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.bg != nil:
		c.w.writeErrorText(errBgsaveInProgress)
	case p.aof.rewriting && len(args) == 1:
		c.w.writeErrorText(errBgsaveDuringAOF)
	case p.aof.rewriting: // SCHEDULE: the rewrite's end starts it
		p.scheduled = true
		c.w.WriteStatus(replyBgsaveScheduled)
	case c.inExec:
		if !p.scheduled {
			p.scheduled = true
			p.startScheduled()
		}
		c.w.WriteStatus(replyBgsaveScheduled)
	default:
		p.startBackground(tx)
		c.w.WriteStatus(replyBgsaveStarted)
	}
}

// cmdLastsave is LASTSAVE: the Unix time of the last successful save, the
// server's start before any (as Redis, which counts its start as a save).
func cmdLastsave(c *conn, tx *embedis.Tx, args []string) {
	p := c.srv.persist
	p.mu.Lock()
	t := p.lastSave
	p.mu.Unlock()
	c.w.WriteInt(t.Unix())
}

// shutdownSave is SHUTDOWN SAVE's save, written during the turn (see the
// comment at the top). As Redis, it abandons a BGSAVE in progress; it waits
// for the writes queued before it, so the file it leaves is the last one
// written.
func (p *persistence) shutdownSave(tx *embedis.Tx) error {
	p.mu.Lock()
	p.killBackground("shutdown")
	// Copied in the turn, not handed out after it: the write happens
	// while this turn holds the owner role. Not counted in rdb_saves, as
	// Redis's.
	sn, prev, done := rdbSnapshot(tx.Snapshot()), p.tail, make(chan struct{})
	p.tail = done
	p.mu.Unlock()
	p.srv.log.Info("Saving the final RDB snapshot before exiting.")
	if err := p.write(context.Background(), sn, prev, done); err != nil {
		return err
	}
	p.srv.log.Info("DB saved on disk")
	return nil
}

// infoPersistence writes the rdb_* fields of INFO persistence (from
// rdb_changes_since_last_save to rdb_last_cow_size). changes is the store's
// change count now. current_save_keys_processed stays 0: the write does not
// report its progress key by key.
func (p *persistence) info(w *infoWriter, changes int64, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	keysTotal, inProgress, current := int64(0), int64(0), int64(-1)
	if p.bg != nil {
		keysTotal, inProgress, current = int64(p.bg.keys), 1, now.Unix()-p.bg.start.Unix()
	}
	w.str("current_save_keys_processed", "0")
	w.int("current_save_keys_total", keysTotal)
	w.int("rdb_changes_since_last_save", max(changes-p.savedChanges, 0))
	w.int("rdb_bgsave_in_progress", inProgress)
	w.int("rdb_last_save_time", p.lastSave.Unix())
	if p.lastBgOK {
		w.str("rdb_last_bgsave_status", "ok")
	} else {
		w.str("rdb_last_bgsave_status", "err")
	}
	w.int("rdb_last_bgsave_time_sec", p.lastBgSec)
	w.int("rdb_current_bgsave_time_sec", current)
	w.int("rdb_saves", p.saves)
	w.str("rdb_last_cow_size", "0")
	w.int("rdb_last_load_keys_expired", p.srv.opts.Loaded.KeysExpired)
	w.int("rdb_last_load_keys_loaded", p.srv.opts.Loaded.KeysLoaded)
}

// resetStats is CONFIG RESETSTAT's part: rdb_saves and aof_rewrites count
// from zero.
func (p *persistence) resetStats() {
	p.mu.Lock()
	p.saves = 0
	p.aof.rewrites = 0
	p.mu.Unlock()
}

// LoadStats describe the snapshot a server's store was loaded from, for
// INFO persistence (rdb_last_load_keys_loaded, rdb_last_load_keys_expired).
type LoadStats struct {
	// Loaded reports whether a file was loaded (false: it did not exist).
	Loaded bool
	// KeysLoaded counts the keys loaded from a dump.rdb
	// (embedis.Stats.LoadKeysLoaded), or the keys of the base snapshot of
	// a data directory (persist.DB.Loaded: as redis-server counts its
	// AOF's RDB base).
	KeysLoaded int64
	// KeysExpired counts the keys of a dump.rdb that were skipped because
	// their deadline had already passed (embedis.Stats.LoadKeysExpired), as
	// redis-server skips and counts them. It is 0 for a data directory,
	// whose base is loaded whole (expired keys go after the load), as
	// Redis loads its AOF's RDB base.
	KeysExpired int64
	// Elapsed is the time the load took.
	Elapsed time.Duration
}

// OpenStore opens the store of a server as redis-server loads its dump.rdb at
// start: from the RDB file at path (written by redis-server or by embedis;
// zstd-compressed ones too), or empty when there is no such file. A file
// that cannot be read whole — damaged, truncated, or holding what embedis
// cannot load — is an error naming the offset, as Redis refuses to start on
// it: never a half-loaded store. Keys already past their deadline are
// skipped and counted (LoadStats.KeysExpired), as redis-server skips them.
// logger (nil: none) gets the load's progress every 2 seconds when it is
// long (persist.OpenSnapshotContext) and Redis 7.0's log lines at its end
// ("Done loading RDB, keys loaded: 2, keys expired: 3.", "DB loaded from
// disk: 0.123 seconds"). Pass the stats to Options.Loaded.
func OpenStore(path string, opts embedis.Options, logger *slog.Logger) (*embedis.Store, LoadStats, error) {
	var stats LoadStats
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		store, err := embedis.Open(opts)
		return store, stats, err
	}
	start := time.Now()
	store, err := persist.OpenSnapshotContext(context.Background(), path, opts, logger)
	if err != nil {
		return nil, stats, err // persist's error names the file and the offset
	}
	stats.Loaded = true
	stats.Elapsed = time.Since(start)
	if st, err := store.Stats(context.Background()); err == nil {
		stats.KeysLoaded, stats.KeysExpired = st.LoadKeysLoaded, st.LoadKeysExpired
	}
	if logger != nil {
		logger.Info(fmt.Sprintf("Done loading RDB, keys loaded: %d, keys expired: %d.", stats.KeysLoaded, stats.KeysExpired))
		logger.Info(fmt.Sprintf("DB loaded from disk: %.3f seconds", stats.Elapsed.Seconds()))
	}
	return store, stats, nil
}
