package persist

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// How many bytes a record may wait in memory behind under everysec and no
// with a write delay: see appendLog.
const (
	// maxWriteDelay bounds Options.WriteDelay.
	maxWriteDelay = time.Second
	// flushBytes written at once: the flusher writes as soon as this much
	// is buffered, without waiting for the write delay.
	flushBytes = 1 << 20
	// maxBuffered bounds the bytes appended and not yet written under
	// everysec and no: past it, a caller is answered only once the
	// buffer is back under it (it writes it itself, or waits for the
	// writer), so memory never grows with a disk slower than the writes.
	maxBuffered = 16 << 20
	// maxGather bounds the yields of a writer gathering units (gather).
	maxGather = 16
)

// appendLog is the writing side of the append-only log: the
// embedis.EffectLog a durable store is opened with.
//
// The owner calls Append for each unit while it holds the role. Append only
// encodes the record into a memory buffer, under mu: the owner never waits
// on the disk. The caller then Waits, without the role. One writer at a
// time (busy) takes everything appended so far and writes it with one write
// call per segment and, with appendfsync always, one fsync — so one fsync
// serves every record appended while the previous one ran (group commit) —
// and then wakes the waiting callers.
//
// With always, the writer is the first waiting caller that finds no write
// in progress (no goroutine switch on the way to the disk), or the log's
// goroutine (run), which writes the records nobody waits for (background
// units, at its tick: within a second, unless a caller's write takes them
// first); a caller is answered once its record is fsynced. Before it
// writes, a caller gathers (gather): it yields to the goroutines ready to
// run, so that callers woken together append their units first and one
// fsync serves them all — without it, 50 go-redis clients of
// embedis-server got one fsync per 4 to 6 writes, where redis-server's
// event loop gets one per 25.
//
// With everysec and no and no write delay (the default), a caller is
// answered once its record is written to the OS, as redis-server writes
// its AOF buffer before replies leave: the writer is again the first
// waiting caller that finds no write in progress, and one write call serves
// every record appended meanwhile; with everysec run fsyncs once a second.
// So a crash of the process loses no acknowledged unit, a crash of the
// machine about the last second's.
//
// With a write delay (Options.WriteDelay), a caller is answered at once,
// its record in the buffer: run writes the buffer (one write call for many
// records) once the delay has passed since the oldest record in it was
// appended, or as soon as flushBytes are buffered. So a record reaches the
// OS within about the delay, and a crash of the process loses at most the
// last delay's acknowledged units. The buffer is bounded: while more than
// maxBuffered bytes wait, callers are answered only once it is written
// (the first caller that finds no write in progress writes it). Close,
// Save's switch and a policy change to always write everything.
//
// A failed write or fsync is
// sticky: every Wait from then on returns it (wrapping ErrLogFailed), since
// after a failed fsync the kernel may have dropped the data and a retry
// proves nothing.
type appendLog struct {
	policy Fsync
	delay  time.Duration // Options.WriteDelay: 0 answers callers once written
	logger *slog.Logger

	mu       sync.Mutex
	chunks   []chunk // appended, not yet written; Append adds to the last
	spare    []byte  // a written chunk's buffer, for reuse
	appended uint64  // tickets handed out (ticket n is the n-th record)
	buffered int     // bytes appended and not yet written (in chunks or being written)
	written  uint64  // records handed to the OS (write returned)
	synced   uint64  // records fsynced
	err      error   // sticky failure, wrapping ErrLogFailed
	notify   chan struct{}
	// off: the log has no segment (the store is loading, or appendonly is
	// off): Append keeps no unit, only follows the stream's SELECTs.
	off      bool
	running  bool // run is alive (between start and the end of close)
	closing  bool
	db       int  // database the stream has selected, from its SELECTs
	attached bool // a DB has taken this log (Attach)

	// The one writer at a time (a waiting caller, or run) holds busy; cur
	// and dirty are its: the segment being written, and whether it was
	// written since its last fsync.
	busy      bool
	gathering bool // a caller is about to write: gather
	cur       *segment
	dirty     bool

	kick chan struct{} // wakes run; capacity 1
	done chan struct{} // closed when the run started last returns
}

// chunk is the appended bytes that go to one segment.
type chunk struct {
	seg  *segment
	data []byte
	last uint64 // ticket of the last record in data
}

// segment is an open segment file being appended to.
type segment struct {
	path    string
	f       segmentFile
	started bool // a record has been appended to it
}

// segmentFile is what the log needs of a file; tests inject one whose Sync
// they control.
type segmentFile interface {
	io.Writer
	Sync() error
	Close() error
}

// openSegmentFile opens a segment for appending: create makes a new file
// (failing if one exists) and writes its header, fsynced; otherwise an
// existing file is opened to append after its end. Tests replace it.
var openSegmentFile = func(path string, create bool) (segmentFile, error) {
	if !create {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return nil, err
		}
		return segmentOf(f), nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(segmentHeader()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return segmentOf(f), nil
}

func newAppendLog(policy Fsync, logger *slog.Logger) *appendLog {
	return &appendLog{
		policy: policy,
		logger: logger,
		notify: make(chan struct{}),
		off:    true,
		kick:   make(chan struct{}, 1),
	}
}

// start turns the log on: units are appended to seg from now on, on a
// stream that has selected database db (-1: the one the log has followed
// while off). It starts the log's goroutine. A failure of an earlier run
// is forgotten: seg is a new start. Called by the owner (in Open, before
// the store is handed out), and never while the log runs.
func (l *appendLog) start(seg *segment, db int) {
	l.mu.Lock()
	l.chunks = []chunk{{seg: seg}}
	if db >= 0 {
		l.db = db
	}
	l.off, l.closing, l.err, l.buffered = false, false, nil, 0
	l.cur, l.dirty = nil, false
	l.running = true
	l.done = make(chan struct{})
	select {
	case <-l.kick:
	default:
	}
	l.mu.Unlock()
	go l.run()
}

// suspend stops appending: the units after it are not kept. Called by the
// owner, so that the stop falls between two units; close then writes and
// fsyncs what was appended before it.
func (l *appendLog) suspend() {
	l.mu.Lock()
	l.off = true
	l.mu.Unlock()
}

// setPolicy changes the fsync policy of the log, running or not. A caller
// waiting for its record from then on waits as the new policy says.
func (l *appendLog) setPolicy(p Fsync) {
	l.mu.Lock()
	l.policy = p
	close(l.notify) // waiters look again
	l.notify = make(chan struct{})
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Append is embedis.EffectLog's Append, called by the owner.
func (l *appendLog) Append(unit [][]string) uint64 {
	l.mu.Lock()
	if l.off {
		for _, cmd := range unit {
			if isSelect(cmd) {
				l.db = selectedDB(cmd)
			}
		}
		l.mu.Unlock()
		return 0
	}
	l.appended++
	t := l.appended
	if l.err != nil || l.closing {
		l.mu.Unlock()
		return t // Wait reports the failure
	}
	c := &l.chunks[len(l.chunks)-1]
	if !c.seg.started {
		// A segment replays from database 0: its first record selects the
		// stream's database if the unit does not.
		c.seg.started = true
		if l.db != 0 && !isSelect(unit[0]) {
			unit = append([][]string{{"SELECT", strconv.Itoa(l.db)}}, unit...)
		}
	}
	for _, cmd := range unit {
		if isSelect(cmd) {
			l.db = selectedDB(cmd)
		}
	}
	n := len(c.data)
	c.data = appendRecord(c.data, unit)
	c.last = t
	before := l.buffered
	l.buffered += len(c.data) - n
	// Without a write delay no unit wakes run: its caller writes it (and
	// a background unit, which no caller waits for, is written by the next
	// caller's write or by run's tick, within a second); with one, the
	// first unit of a batch wakes run (which then waits the delay), and
	// the one that fills flushBytes.
	// Under always a write delay changes nothing: every caller writes its
	// own unit (so run never races a caller to a write it waits for).
	wake := l.policy != FsyncAlways && l.delay > 0 && (before == 0 || before < flushBytes && l.buffered >= flushBytes)
	l.mu.Unlock()
	if wake {
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
	return t
}

// Wait is embedis.EffectLog's Wait, called by a caller after the owner role
// is released. With appendfsync always it returns once an fsync covers
// ticket: a caller that finds no write in progress writes and fsyncs
// everything appended so far itself, for every caller waiting — the
// goroutine switch to run would cost more than the write; the others wait
// for it. With everysec and no it returns once a write covers ticket, the
// same way, without the fsync — or, with a write delay, at once, unless
// more than maxBuffered bytes are buffered: then once they are written. It returns
// the log's failure if there was one, or ctx's error if ctx ends first
// (the unit may still reach the disk).
func (l *appendLog) Wait(ctx context.Context, ticket uint64) error {
	gathered := false
	l.mu.Lock()
	for {
		if err := l.err; err != nil {
			l.mu.Unlock()
			return err
		}
		if l.policy == FsyncAlways {
			if l.synced >= ticket {
				l.mu.Unlock()
				return nil
			}
		} else if l.written >= ticket || l.delay > 0 && l.buffered <= maxBuffered {
			l.mu.Unlock()
			return nil
		}
		if !l.busy && !l.gathering {
			if !l.pending() && !(l.policy == FsyncAlways && l.written >= ticket) {
				l.mu.Unlock()
				return fmt.Errorf("%w: the log was closed before the unit was written", ErrLogFailed)
			}
			if !gathered {
				// Let the units ready to be appended join this write;
				// then look again: the state may have changed.
				gathered = true
				l.gather()
				continue
			}
			l.flushLocked(l.policy == FsyncAlways)
			continue
		}
		ch := l.notify
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		l.mu.Lock()
	}
}

// gather lets the goroutines that are ready to run append their units
// before the caller, about to write, takes what is appended: it yields the
// processor while that makes the log grow, at most maxGather times. The
// callers of a server are goroutines woken together (replies written,
// requests read, as an event loop's clients are), so one write and fsync
// then serves them all, as redis-server's one fsync per event-loop turn
// does, instead of the first of them writing alone and the rest waiting
// for the next. Others waiting meanwhile wait for the write (gathering).
// With nothing else ready to run it costs one yield. l.mu is held on entry
// and on return.
func (l *appendLog) gather() {
	l.gathering = true
	for range maxGather {
		n := l.appended
		l.mu.Unlock()
		runtime.Gosched()
		l.mu.Lock()
		if l.appended == n || l.err != nil {
			break
		}
	}
	l.gathering = false
}

// pending reports whether records were appended and not yet taken by a
// writer (l.mu held).
func (l *appendLog) pending() bool {
	return len(l.chunks) > 1 || len(l.chunks) == 1 && len(l.chunks[0].data) > 0
}

// rotate makes seg the segment that later units go to; the current one is
// fsynced and closed by run once everything appended to it is written. It
// is called by the owner (inside an Atomic closure), so the switch falls
// between two units.
func (l *appendLog) rotate(seg *segment) {
	l.mu.Lock()
	l.chunks = append(l.chunks, chunk{seg: seg})
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// run is the log's goroutine: it writes what no caller writes (the records
// of background units; under everysec and no, every record: see appendLog),
// fsyncs once a second with everysec, and stops at close or on a failure.
func (l *appendLog) run() {
	l.mu.Lock()
	done := l.done
	l.mu.Unlock()
	defer close(done)
	// The tick fsyncs once a second under everysec; the policy may change
	// while the log runs (setPolicy), so it ticks under every policy.
	t := time.NewTicker(time.Second)
	defer t.Stop()
	// delay is armed while records wait for the write delay.
	delay := time.NewTimer(time.Hour)
	delay.Stop()
	armed := false
	for {
		tick, due := false, false
		select {
		case <-l.kick:
			// Under always, the caller whose unit this is usually writes
			// it itself: let it.
			runtime.Gosched()
		case <-t.C:
			tick = true
		case <-delay.C:
			armed, due = false, true
		}
		l.mu.Lock()
		always := l.policy == FsyncAlways
		sync := always || tick && l.policy == FsyncEverysec
		// Under everysec and no with a write delay, buffered records wait
		// for it unless they fill flushBytes, a segment switch waits
		// behind them, the log closes, or the second's fsync comes.
		if !always && l.delay > 0 && !due && !sync && !l.closing && l.err == nil && l.pending() &&
			l.buffered < flushBytes && len(l.chunks) == 1 {
			if !armed {
				delay.Reset(l.delay)
				armed = true
			}
			l.mu.Unlock()
			continue
		}
		for l.busy || l.gathering {
			ch := l.notify
			l.mu.Unlock()
			<-ch
			l.mu.Lock()
		}
		if l.err == nil && (l.pending() || sync && l.dirty) {
			l.flushLocked(sync)
		}
		for l.closing && l.err == nil && (l.pending() || l.dirty) {
			l.flushLocked(true)
		}
		if armed && !l.pending() {
			delay.Stop()
			armed = false
		}
		stop := l.err != nil || l.closing
		l.mu.Unlock()
		if stop {
			l.closeAll()
			return
		}
	}
}

// flushLocked writes everything appended so far, as the one writer (l.busy),
// and with sync (or at close) fsyncs it; then it tells the waiting callers.
// l.mu is held on entry and on return, and released while writing.
func (l *appendLog) flushLocked(sync bool) {
	l.busy = true
	chunks := l.chunks
	tail := chunks[len(chunks)-1]
	l.chunks = []chunk{{seg: tail.seg, data: l.spare}}
	l.spare = nil
	sync = sync || l.closing
	taken := 0
	for _, c := range chunks {
		taken += len(c.data)
	}
	l.mu.Unlock()
	last, err := l.writeChunks(chunks, sync)
	l.mu.Lock()
	l.buffered -= taken
	if err != nil && l.err == nil {
		l.err = fmt.Errorf("%w: %w", ErrLogFailed, err)
		l.logger.Error("append-only log failed: writes now fail", "err", err)
	}
	if last != 0 {
		l.written = last
	}
	if !l.dirty {
		l.synced = l.written
	}
	if len(tail.data) > 0 && l.spare == nil && cap(tail.data) <= 2*flushBytes {
		l.spare = tail.data[:0]
	}
	l.busy = false
	close(l.notify)
	l.notify = make(chan struct{})
	if err != nil || l.pending() {
		// Records appended meanwhile, or the failure: run takes over
		// unless a caller does first.
		select {
		case l.kick <- struct{}{}:
		default:
		}
	}
}

// writeChunks writes chunks in order, as the one writer, and fsyncs the
// segment it ends on when sync is set. It returns the ticket of the last
// record written.
func (l *appendLog) writeChunks(chunks []chunk, sync bool) (last uint64, err error) {
	for _, c := range chunks {
		if c.seg != l.cur {
			if l.cur != nil {
				// A finished segment is sealed and made durable before a
				// byte of the next one is written: only the last segment
				// can have a torn tail, and a segment that lost records
				// at its end is told from one that ended there.
				if _, err := l.cur.f.Write(sealRecord); err != nil {
					return last, fmt.Errorf("write %s: %w", l.cur.path, err)
				}
				if err := l.cur.f.Sync(); err != nil {
					return last, fmt.Errorf("fsync %s: %w", l.cur.path, err)
				}
				if err := l.cur.f.Close(); err != nil {
					return last, fmt.Errorf("close %s: %w", l.cur.path, err)
				}
			}
			l.cur = c.seg
		}
		if len(c.data) > 0 {
			if _, err := l.cur.f.Write(c.data); err != nil {
				return last, fmt.Errorf("write %s: %w", l.cur.path, err)
			}
			l.dirty = true
			last = c.last
		}
	}
	if l.dirty && sync {
		if err := l.cur.f.Sync(); err != nil {
			return 0, fmt.Errorf("fsync %s: %w", l.cur.path, err)
		}
		l.dirty = false
	}
	return last, nil
}

// closeAll closes every segment file the log holds (run, at the end).
func (l *appendLog) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur != nil {
		l.cur.f.Close()
	}
	for _, c := range l.chunks {
		if c.seg != l.cur {
			c.seg.f.Close()
		}
	}
	l.chunks = nil
	l.cur = nil
}

// close writes and fsyncs everything appended, closes the segment files and
// stops run; the log is off afterwards (start may turn it on again). It
// returns the log's failure, if any (nil for a log that never ran).
func (l *appendLog) close() error {
	l.mu.Lock()
	if !l.running {
		defer l.mu.Unlock()
		return l.err
	}
	l.off = true
	l.closing = true
	done := l.done
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
	<-done
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = false
	return l.err
}

// failure returns the log's sticky error, if any.
func (l *appendLog) failure() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// isSelect reports whether cmd is a SELECT of the effect stream.
func isSelect(cmd []string) bool {
	return len(cmd) == 2 && (cmd[0] == "SELECT" || cmd[0] == "select")
}

// selectedDB returns the database a SELECT names (0 if unreadable: the
// replay fails on it anyway).
func selectedDB(cmd []string) int {
	n, err := strconv.Atoi(cmd[1])
	if err != nil {
		return 0
	}
	return n
}
