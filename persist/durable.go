package persist

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/crc64"
	"github.com/embedis/embedis/internal/rdb"
)

// Fsync is the append-only log's fsync policy, redis.conf's appendfsync.
type Fsync int

const (
	// FsyncEverysec (the zero value, Redis's default) answers a caller once
	// its record is written to the OS (one write call serves every caller
	// waiting meanwhile) and fsyncs once a second: a crash of the process
	// loses no acknowledged write, a crash of the machine about the last
	// second's — as Redis, which writes its AOF buffer before replies
	// leave. Options.WriteDelay trades some of that for fewer write calls.
	FsyncEverysec Fsync = iota
	// FsyncAlways answers no caller before its record is on disk (group
	// commit: one fsync serves every record appended while the previous one
	// ran; the owner never waits on the disk, only the callers do).
	FsyncAlways
	// FsyncNo writes as everysec does and leaves fsyncing to the OS (and
	// to Close).
	FsyncNo
)

// String returns the policy's redis.conf spelling.
func (f Fsync) String() string {
	switch f {
	case FsyncEverysec:
		return "everysec"
	case FsyncAlways:
		return "always"
	case FsyncNo:
		return "no"
	}
	return fmt.Sprintf("Fsync(%d)", int(f))
}

// ParseFsync returns the policy spelled as in redis.conf (always, everysec,
// no), or an error.
func ParseFsync(s string) (Fsync, error) {
	switch s {
	case "always":
		return FsyncAlways, nil
	case "everysec":
		return FsyncEverysec, nil
	case "no":
		return FsyncNo, nil
	}
	return 0, fmt.Errorf("persist: appendfsync %q: want always, everysec or no", s)
}

// Options configure Open. The zero value opens a directory without the
// append-only log (data is kept by Save only), on the wall clock.
type Options struct {
	// Store configures the store itself (clock, databases, OnEffects). Its
	// Log must be nil: the DB sets it to its append-only log.
	Store embedis.Options
	// AppendOnly turns the append-only log on (redis.conf's appendonly):
	// every unit that changes data is appended to the log as one record.
	// Off, writes after Open are kept only by Save; a directory whose
	// manifest lists log segments is still loaded whole.
	AppendOnly bool
	// AppendFsync is the log's fsync policy; the zero value is everysec.
	AppendFsync Fsync
	// WriteDelay, under everysec and no, lets a caller be answered while
	// its unit's record is still in memory: the records are written to
	// the OS together within WriteDelay (at once when 1 MiB waits; past
	// 16 MiB callers wait for the write), one write call for many units —
	// faster for a caller that writes alone, but a crash of the process
	// then loses up to the last WriteDelay of acknowledged writes, which
	// redis-server never does. Zero (the default) answers a caller only
	// once its record is written, as Redis. At most one second; ignored
	// under always.
	WriteDelay time.Duration
	// Logger receives the warnings of loading (a torn tail dropped), the
	// log's failure and the automatic saves. Nil means slog.Default().
	Logger *slog.Logger

	// SaveRules are redis.conf's save points: a Save runs when one is met
	// (checked once a second). None: no automatic Save.
	SaveRules []SaveRule
	// AutoCompactPercent and AutoCompactMinSize are redis.conf's
	// auto-aof-rewrite-percentage and auto-aof-rewrite-min-size: with
	// AppendOnly, a Save (which compacts the log) runs when the log holds
	// at least AutoCompactMinSize bytes of records and has grown to
	// AutoCompactPercent percent of the base snapshot's size. 0 (the zero
	// value) turns it off; Redis's defaults are 100 and 64 MiB.
	AutoCompactPercent int
	AutoCompactMinSize int64
}

// DB is a Store kept in a data directory: a base snapshot (an RDB file) and
// an append-only log of the units written after it, listed by a manifest
// (see the package documentation for the files). The embedded Store is used
// as any Store; its writes go to the log. Close (DB's, not the Store's)
// flushes the log and releases the directory.
type DB struct {
	*embedis.Store

	dir    string
	opts   Options
	logger *slog.Logger
	log    *appendLog // on while logOn; off (keeping nothing) otherwise
	unlock func() error

	mu sync.Mutex // serialises Save, SetAppendOnly and Close; guards the fields below
	// logOn: appendonly, the log keeps the units. Changed with mu held;
	// read without it by AppendOnly, which a server calls as the owner
	// (INFO) while a Save may hold mu waiting for the owner role.
	logOn atomic.Bool
	man   manifest
	// shown is a copy of man for Sizes, which must not take mu: a Save
	// holds mu while it waits for the owner role, and a server asks for
	// the sizes as the owner (INFO).
	shown       atomic.Pointer[manifest]
	closed      bool
	closeErr    error
	lastSaveAt  time.Time // on the store's clock: Open, or the last Save
	lastChanges int64     // the store's change count then

	loaded LoadInfo // what Open loaded; set before Open returns

	autoStop chan struct{} // closed by Close; nil without automatic saves
	autoDone chan struct{}
	autoOnce sync.Once
}

// Open opens the data directory dir (creating it if needed), loads its data
// into a new Store and, with AppendOnly, appends every later write to its
// log. The directory is locked until Close: a second Open of it, from this
// process or another, fails with ErrLocked.
//
// Loading reads the manifest, opens the base snapshot and replays the log
// segments in order, each record a whole unit. A record cut off at the end
// of the last segment (a crash in the middle of a write: a short header, a
// payload that runs past the end of the file, or a tail of zero bytes) is
// dropped with a warning through the Logger and, with AppendOnly, the
// segment is truncated to its last whole record, as Redis does with
// aof-load-truncated yes. Any other damage — a checksum that does not
// match, a damaged record anywhere else, a damaged manifest or base
// snapshot, a file the manifest names that is missing, a record that does
// not replay — fails Open with an error naming the file, the byte offset
// and the reason (a *CorruptError, matching ErrCorrupt, for damage), and
// leaves no store behind: nothing is half-loaded.
//
// No key expires while the directory loads (so every record replays with
// the effect it had when it was written); keys whose deadline passed
// meanwhile are removed, and logged as DELs, before Open returns.
func Open(dir string, opts Options) (*DB, error) {
	return OpenContext(context.Background(), dir, opts)
}

// checkLog validates the log's settings that Open and Attach share.
func (opts *Options) checkLog() error {
	if opts.AppendFsync < FsyncEverysec || opts.AppendFsync > FsyncNo {
		return fmt.Errorf("persist: unknown AppendFsync %v", opts.AppendFsync)
	}
	if opts.WriteDelay < 0 || opts.WriteDelay > maxWriteDelay {
		return fmt.Errorf("persist: WriteDelay %v: want 0 to %v", opts.WriteDelay, maxWriteDelay)
	}
	return nil
}

// OpenContext is Open with a context: a load that ctx ends before it is
// done stops (between two reads of the base snapshot, or two records of
// the log) and returns ctx's error, leaving no store behind and the
// directory's files as they were (a torn tail is cut off, and the log
// started, only once everything is loaded). Once the load is done, ctx no
// longer matters: it does not bound the DB's life.
//
// A long load reports its progress through Options.Logger at most every
// 2 seconds — the file, the bytes read of its size, the records replayed,
// the rate — and its end ("DB loaded from disk", with the keys, records,
// bytes and seconds), as redis-server logs its loading.
func OpenContext(ctx context.Context, dir string, opts Options) (db *DB, err error) {
	if opts.Store.Log != nil {
		return nil, errors.New("persist: Options.Store.Log must be nil: the DB sets it")
	}
	if err := opts.checkLog(); err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("persist: open %s: %w", dir, err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	loadStart := time.Now()
	d := &DB{dir: dir, opts: opts, logger: logger, unlock: unlock}
	db = d
	var store *embedis.Store
	defer func() {
		if err != nil {
			if store != nil {
				store.Close()
			}
			if d.log != nil {
				d.log.close()
			}
			unlock()
			db = nil
		}
	}()

	m, found, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	if found {
		db.man = *m
	}
	inner := opts.Store.Clock
	if inner == nil {
		inner = wallClock{}
	}
	clock := &loadingClock{inner: inner}
	sopts := opts.Store
	sopts.Clock = clock
	if user := opts.Store.OnEffects; user != nil {
		// The units replayed while loading are not new effects.
		sopts.OnEffects = func(unit [][]string) {
			if clock.isLive.Load() {
				user(unit)
			}
		}
	}
	db.log = newAppendLog(opts.AppendFsync, logger)
	db.log.delay = opts.WriteDelay
	sopts.Log = db.log
	if db.man.base != "" {
		path := filepath.Join(dir, db.man.base)
		if err := checkBase(path); err != nil {
			return nil, err
		}
		store, err = openSnapshotLogged(ctx, path, sopts, logger)
		var re *rdb.Error
		if ctx.Err() != nil {
			err = ctx.Err()
		} else if errors.As(err, &re) {
			err = &CorruptError{File: path, Offset: re.Offset, Reason: re.Reason, Err: err}
		} else if err != nil {
			err = fmt.Errorf("persist: base snapshot %s: %w", path, err)
		}
	} else {
		store, err = embedis.Open(sopts)
	}
	if err != nil {
		store = nil
		return nil, err
	}

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if db.man.base != "" {
		var keys int64
		if st, err := store.Stats(ctx); err == nil {
			for _, d := range st.Databases {
				keys += d.Keys
			}
		}
		db.loaded.BaseKeys = keys
		logger.Info("Done loading RDB", "file", filepath.Join(dir, db.man.base), "keys_loaded", keys,
			"seconds", fmt.Sprintf("%.3f", time.Since(loadStart).Seconds()))
	}

	// Replay the segments, each from database 0, one unit per Apply. The
	// last segment holding records may have a torn tail; every segment
	// before it must end with its seal.
	lastFull, err := lastWithRecords(dir, db.man.segments)
	if err != nil {
		return nil, err
	}
	var last segmentScan // of the segment lastFull
	var records, logBytes int64
	tornPath := ""
	for i, name := range db.man.segments {
		path := filepath.Join(dir, name)
		dbIndex := 0
		var size int64
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
		p := newProgress(logger, "Replaying the append-only log", path, size, "records")
		prev := int64(segmentHeaderSize)
		sc, err := scanSegment(path, i < lastFull, func(unit [][]string, off int64) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			err := store.DB(dbIndex).Apply(ctx, unit)
			for _, cmd := range unit {
				if isSelect(cmd) {
					dbIndex = selectedDB(cmd)
				}
			}
			p.add(off-prev, 1)
			prev = off
			return err
		})
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			return nil, err
		}
		records += int64(sc.records)
		logBytes += sc.end - segmentHeaderSize
		if sc.torn {
			logger.Warn("append-only log: dropping a record cut off at the end of the log (a crash during a write)",
				"file", path, "offset", sc.end, "bytes", sc.size-sc.end, "reason", sc.tornWhy, "records", sc.records)
			if opts.AppendOnly {
				tornPath = path // cut once everything is loaded
			}
		}
		if i == lastFull {
			last = sc
		}
	}
	// The load is done: from here on the directory changes, and ctx no
	// longer stops anything.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if tornPath != "" {
		if err := truncateSegment(tornPath, last.end, false); err != nil {
			return nil, err
		}
		last.torn = false
	}

	if opts.AppendOnly {
		n := len(db.man.segments)
		if lastFull >= 0 && lastFull < n-1 && !last.sealed {
			// A Save stopped before its switch: seal the segment it was
			// leaving, so that the log goes on in the last one.
			if err := truncateSegment(filepath.Join(dir, db.man.segments[lastFull]), last.end, true); err != nil {
				return nil, err
			}
			last.sealed = true
		}
		var seg *segment
		if n > 0 && !(lastFull == n-1 && last.sealed) {
			path := filepath.Join(dir, db.man.segments[n-1])
			f, err := openSegmentFile(path, false)
			if err != nil {
				return nil, fmt.Errorf("persist: open %s: %w", path, err)
			}
			seg = &segment{path: path, f: f, started: lastFull == n-1 && last.records > 0}
		} else {
			next := db.man
			next.seq++
			name := segmentName(next.seq)
			seg, err = db.createSegment(name)
			if err != nil {
				return nil, err
			}
			next.segments = append(append([]string(nil), next.segments...), name)
			if err := writeManifest(dir, &next); err != nil {
				seg.f.Close()
				return nil, err
			}
			db.man = next
		}
		db.log.start(seg, last.db)
		db.logOn.Store(true)
	} else if !found {
		if err := writeManifest(dir, &db.man); err != nil {
			return nil, err
		}
	}
	removeOrphans(dir, &db.man, logger)
	db.publish()
	clock.live()
	db.Store = store
	db.loaded.Records, db.loaded.LogBytes, db.loaded.Elapsed = records, logBytes, time.Since(loadStart)
	if db.man.base != "" || records > 0 {
		var keys int64
		if st, err := store.Stats(context.Background()); err == nil {
			for _, d := range st.Databases {
				keys += d.Keys
			}
		}
		logger.Info("DB loaded from disk", "dir", dir, "keys", keys, "records", records, "log_bytes", logBytes,
			"seconds", fmt.Sprintf("%.3f", time.Since(loadStart).Seconds()))
	}
	db.lastSaveAt = store.Now()
	if st, err := store.Stats(context.Background()); err == nil {
		db.lastChanges = st.Changes // the load is no change
	}
	db.startAuto()
	return db, nil
}

// startAuto starts the automatic saves if the options ask for them (save
// rules, or automatic compaction, which runs while the log is on).
func (db *DB) startAuto() {
	if len(db.opts.SaveRules) > 0 || db.opts.AutoCompactPercent > 0 {
		db.autoStop, db.autoDone = make(chan struct{}), make(chan struct{})
		tick, stop := autoTick()
		go db.autoSaves(tick, stop)
	}
}

// LoadInfo describes what Open loaded from the directory.
type LoadInfo struct {
	// BaseKeys counts the keys the base snapshot held (what redis-server
	// shows as rdb_last_load_keys_loaded after loading its AOF's RDB base;
	// as there, keys past their deadline are loaded and expire after the
	// load, so none is counted as skipped).
	BaseKeys int64
	// Records and LogBytes count the log records replayed after the base
	// and their bytes.
	Records, LogBytes int64
	// Elapsed is the time the load took.
	Elapsed time.Duration
}

// Loaded returns what Open loaded (the zero LoadInfo for a DB made by
// Attach).
func (db *DB) Loaded() LoadInfo { return db.loaded }

// lastWithRecords returns the index of the last of dir's segments that
// holds more than its header (-1 for none): the one whose tail may be torn.
// Every segment before it must end with its seal.
func lastWithRecords(dir string, segments []string) (int, error) {
	lastFull := -1
	for i, name := range segments {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return -1, fmt.Errorf("persist: log segment named by the manifest: %w", err)
		}
		if st.Size() != segmentHeaderSize {
			lastFull = i
		}
	}
	return lastFull, nil
}

// checkBase verifies a base snapshot's CRC-64 before it is loaded, so that
// damage anywhere in it is reported as such, at the trailer's offset, even
// when it would first make the loader see a wrong structure (two keys alike,
// a database out of range). A file whose trailer is 0 (written with
// rdbchecksum no) or that is zstd-compressed is left to the loader.
func checkBase(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("persist: base snapshot named by the manifest: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("persist: base snapshot %s: %w", path, err)
	}
	size := st.Size()
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil || isZstd(head) || size < 9+8 {
		return nil // too short or compressed: the loader reports it
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("persist: base snapshot %s: %w", path, err)
	}
	var crc uint64
	buf := make([]byte, min(size, 1<<20))
	left := size - 8
	for left > 0 {
		n, err := f.Read(buf[:min(int64(len(buf)), left)])
		crc = crc64.Update(crc, buf[:n])
		left -= int64(n)
		if err != nil && left > 0 {
			return fmt.Errorf("persist: base snapshot %s: %w", path, err)
		}
	}
	var trailer [8]byte
	if _, err := io.ReadFull(f, trailer[:]); err != nil {
		return fmt.Errorf("persist: base snapshot %s: %w", path, err)
	}
	if want := binary.LittleEndian.Uint64(trailer[:]); want != 0 && want != crc {
		return &CorruptError{File: path, Offset: size - 8, Reason: "snapshot checksum mismatch"}
	}
	return nil
}

// removeOrphans removes the files of ours that the manifest does not name:
// what a crash or failure left behind — temporary files of WriteFileAtomic
// for the manifest and base snapshots, a snapshot or segment written by a
// Save that stopped before its manifest named it, files a Save could not
// remove. It runs with the directory locked, after a successful load.
// Other files are left alone. A failure to remove is only logged.
func removeOrphans(dir string, m *manifest, logger *slog.Logger) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	named := map[string]bool{manifestName: true, lockName: true, m.base: true}
	for _, s := range m.segments {
		named[s] = true
	}
	for _, e := range es {
		name := e.Name()
		if named[name] || !e.Type().IsRegular() || !ours(name) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			logger.Warn("persist: could not remove a file the manifest does not name", "file", name, "err", err)
		} else {
			logger.Info("persist: removed a file the manifest does not name", "file", name)
		}
	}
}

// ours reports whether name is one of the names this package gives files:
// base.<n>.rdb, log.<n>.seg, and WriteFileAtomic's temporary files of those
// and of the manifest.
func ours(name string) bool {
	num := func(s, prefix, suffix string) bool {
		d, ok := strings.CutPrefix(s, prefix)
		if !ok {
			return false
		}
		d, ok = strings.CutSuffix(d, suffix)
		if !ok || d == "" {
			return false
		}
		_, err := strconv.ParseUint(d, 10, 64)
		return err == nil
	}
	if tmp, ok := strings.CutPrefix(name, "."); ok {
		if i := strings.LastIndex(tmp, ".tmp-"); i > 0 {
			base := tmp[:i]
			return base == manifestName || num(base, "base.", ".rdb")
		}
		return false
	}
	return num(name, "base.", ".rdb") || num(name, "log.", ".seg")
}

// createSegment creates the segment name in the directory, with its header
// fsynced, and fsyncs the directory.
func (db *DB) createSegment(name string) (*segment, error) {
	path := filepath.Join(db.dir, name)
	// A file of that name is left over from a Save that stopped before its
	// manifest named it (names past the manifest's seq are never named).
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("persist: create %s: %w", path, err)
	}
	f, err := openSegmentFile(path, true)
	if err != nil {
		return nil, fmt.Errorf("persist: create %s: %w", path, err)
	}
	if err := syncDir(db.dir); err != nil {
		f.Close()
		return nil, fmt.Errorf("persist: create %s: %w", path, err)
	}
	return &segment{path: path, f: f}, nil
}

// truncateSegment cuts a segment at size (its torn tail off) and, with seal,
// appends its seal; durably.
func truncateSegment(path string, size int64, seal bool) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("persist: truncate %s: %w", path, err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return fmt.Errorf("persist: truncate %s: %w", path, err)
	}
	if seal {
		if _, err := f.WriteAt(sealRecord, size); err != nil {
			return fmt.Errorf("persist: seal %s: %w", path, err)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("persist: truncate %s: %w", path, err)
	}
	return nil
}

// publish makes db.man what Sizes reads. Called with mu held (or before
// Open returns).
func (db *DB) publish() {
	m := db.man // its slices are replaced, never changed in place
	db.shown.Store(&m)
}

// Dir returns the data directory.
func (db *DB) Dir() string { return db.dir }

// Save writes a new base snapshot of the whole store and starts a new log
// segment after it, then swaps the manifest to name just those two and
// removes the files it named before — compaction, by hand (BGREWRITEAOF
// without the background). Without AppendOnly it writes the snapshot alone.
//
// The switch is one point in the unit order: every unit before it is in
// the snapshot, every unit after it in the new segment. The snapshot's
// point in time is marked in that turn (embedis.Tx.StartSnapshot) and its
// keys are handed out in short slices while the file is written, so other
// callers do not wait for a copy (see embedis's snapshot.go). A crash at
// any moment leaves a manifest naming complete files: the old set (with the
// new segment listed after the old ones while the snapshot is written), or
// the new one. Save fails with the log's failure (ErrLogFailed) if the log has
// failed, and ErrClosed after Close.
func (db *DB) Save(ctx context.Context) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	if db.logOn.Load() {
		if err := db.log.failure(); err != nil {
			return err
		}
	}
	return db.save(ctx, false)
}

// save is Save with mu held; with startLog (the log off) the switch point
// also turns the log on, in the new segment.
func (db *DB) save(ctx context.Context, startLog bool) error {
	old := db.man
	next := db.man
	next.seq++
	var seg *segment
	if db.logOn.Load() || startLog {
		name := segmentName(next.seq)
		var err error
		seg, err = db.createSegment(name)
		if err != nil {
			return err
		}
		if !startLog {
			// The new segment is listed after the old ones before any
			// unit goes to it, so that a crash before the new manifest
			// keeps them. (A log turned on here is not: the units
			// written while it was off are in no segment, so the new
			// one counts only once the new base is named with it.)
			mid := old
			mid.seq = next.seq
			mid.segments = append(append([]string(nil), old.segments...), name)
			if err := writeManifest(db.dir, &mid); err != nil {
				seg.f.Close()
				os.Remove(seg.path)
				return err
			}
			db.man = mid
			db.publish()
		}
		next.segments = []string{name}
	} else {
		next.segments = nil
	}
	var sn *embedis.PendingSnapshot
	err := db.Store.Atomic(embedis.WaitWhenBusy(ctx), func(tx *embedis.Tx) error {
		sn = tx.StartSnapshot()
		switch {
		case startLog:
			db.log.start(seg, -1)
		case seg != nil:
			db.log.rotate(seg)
		}
		return nil
	})
	if err != nil {
		// The closure did not run (ctx ended, or the store is closed): the
		// log goes on in the old last segment, so the manifest must end
		// with it again.
		if seg != nil {
			if !startLog {
				if merr := writeManifest(db.dir, &old); merr != nil {
					return errors.Join(err, merr)
				}
				db.man = old
				db.publish()
			}
			seg.f.Close()
			os.Remove(seg.path)
		}
		return err
	}
	defer sn.Close() // if the file could not be created
	if startLog {
		db.logOn.Store(true)
	}
	next.base = baseName(next.seq)
	err = writeSnapshotLogged(sn, filepath.Join(db.dir, next.base), db.logger)
	if err == nil {
		err = writeManifest(db.dir, &next)
	}
	if err != nil {
		if startLog {
			// The new segment is named nowhere: stop the log again.
			db.stopLog()
			os.Remove(seg.path)
		}
		return err
	}
	db.man = next
	db.publish()
	db.lastSaveAt, db.lastChanges = db.Store.Now(), sn.Changes()
	// The old files are no longer named: remove them. A failure here leaves
	// only unused files behind.
	var stale []string
	if old.base != "" && old.base != next.base {
		stale = append(stale, old.base)
	}
	stale = append(stale, old.segments...)
	for _, name := range stale {
		if err := os.Remove(filepath.Join(db.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.logger.Warn("persist: could not remove a file the manifest no longer names", "file", name, "err", err)
		}
	}
	return nil
}

// stopLog turns the log off at one point in unit order and then writes,
// fsyncs and closes what was appended before it; mu held. It returns the
// log's failure, if any. If the store is closed, the log is closed as it
// is.
func (db *DB) stopLog() error {
	db.logOn.Store(false)
	if err := db.Store.Atomic(embedis.WaitWhenBusy(context.Background()), func(*embedis.Tx) error {
		db.log.suspend()
		return nil
	}); err != nil && !errors.Is(err, embedis.ErrClosed) {
		return err
	}
	return db.log.close()
}

// SetAppendOnly turns the append-only log on or off while the DB is open,
// as CONFIG SET appendonly does on a running redis-server. It is safe to
// call while other goroutines write.
//
// On: a Save whose switch point also starts the log (Redis's rewrite on
// appendonly yes): every unit after that point is appended to a new
// segment, and the new base snapshot holds every unit before it. It
// returns once the base snapshot and the manifest naming it with the new
// segment are on disk; until then, as with Redis's AOF while its first
// rewrite runs, a crash keeps the directory as it was before. On a failure
// the log is off again and the directory as it was.
//
// Off: the log stops at one point in unit order; every unit appended
// before it is written and fsynced and the segment closed. The files stay,
// named by the manifest, so that the directory reopens with the data up to
// that point; the writes after it are kept by Save only. It returns the
// log's failure, if it had failed.
//
// Setting the state in effect does nothing. After Close it returns
// ErrClosed. The fsync policy is Options.AppendFsync or the last
// SetAppendFsync.
func (db *DB) SetAppendOnly(ctx context.Context, on bool) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	if on == db.logOn.Load() {
		return nil
	}
	if !on {
		return db.stopLog()
	}
	return db.save(ctx, true)
}

// AppendOnly reports whether the append-only log is on (Options.AppendOnly
// or the last SetAppendOnly). It never waits for a Save: it may be called
// as the store's owner.
func (db *DB) AppendOnly() bool {
	return db.logOn.Load()
}

// SetAppendFsync changes the log's fsync policy, as CONFIG SET appendfsync
// does on a running redis-server; without the log on, it is the policy the
// log will start with. It is safe to call while other goroutines write:
// a unit appended before the change and not yet answered is answered as
// the new policy says (an unanswered caller under everysec switched to
// always waits for the next fsync). An unknown policy is an error.
func (db *DB) SetAppendFsync(f Fsync) error {
	if f < FsyncEverysec || f > FsyncNo {
		return fmt.Errorf("persist: unknown AppendFsync %v", f)
	}
	db.log.setPolicy(f)
	return nil
}

// AppendFsync returns the log's fsync policy.
func (db *DB) AppendFsync() Fsync {
	db.log.mu.Lock()
	defer db.log.mu.Unlock()
	return db.log.policy
}

// Close closes the store, writes and fsyncs every record appended (whatever
// the fsync policy), closes the log and releases the directory. It does not
// Save. It returns the log's failure, if there was one; it is idempotent and
// returns the same error each time.
func (db *DB) Close() error {
	if db.autoStop != nil {
		// Stopped first, without mu: an automatic Save in progress ends.
		db.autoOnce.Do(func() {
			close(db.autoStop)
			<-db.autoDone
		})
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return db.closeErr
	}
	db.closed = true
	err := db.Store.Close()
	err = errors.Join(err, db.log.close())
	err = errors.Join(err, db.unlock())
	db.closeErr = err
	return err
}

// wallClock is the wall clock, for a store opened without one.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
func (wallClock) AfterFunc(d time.Duration, f func()) embedis.Timer {
	return time.AfterFunc(d, f)
}

// LogErr returns the append-only log's failure (matching ErrLogFailed) once
// a write or fsync of it failed, and nil while it works or without
// AppendOnly: a server shows it as INFO's aof_last_write_status.
func (db *DB) LogErr() error {
	return db.log.failure()
}
