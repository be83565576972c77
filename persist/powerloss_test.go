//go:build unix

package persist

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// The power-loss harness: where TestCrashKills kills the process (the
// kernel keeps every byte written), TestPowerLoss cuts the power: what
// survives of a segment is only what an fsync made durable, plus any part
// of the bytes written after the last fsync — cut anywhere, and now and then
// garbled (zeros or random bytes, as a disk may leave pages it was writing).
//
// Every segment file the log opens is a powerFile: it keeps the bytes that
// reached the OS and how many of them the last completed fsync covered. A
// writer runs the numbered units of crashUnit, one at a time, with
// appendfsync always. At a random moment the harness takes every file's
// lock — so no write or fsync completes meanwhile — reads how many units
// were acknowledged, and builds the directory a power cut would leave: each
// segment's durable bytes and a random cut of the rest, the other files
// (manifest, base snapshot: replaced only through fsync, rename and an fsync
// of the directory) as they are. That directory must open, and hold the
// model's keyspace after every acknowledged unit, or after those and the
// one in flight. The writer then goes on from there, in the new directory.
//
// What it does not model: directory entries lost in the cut (a new segment
// is fsynced with its directory before any unit is written to it, and a
// manifest the same way: TestCrashKills kills around those renames), and
// a disk that lies about fsync.

const powerCutsEnv = "EMBEDIS_POWER_CUTS" // cuts of TestPowerLoss (default 100)

// powerState is what a power cut leaves of one segment file.
type powerState struct {
	data   []byte // every byte that reached the OS
	synced int    // len(data) when the last completed fsync started
}

// powerFS tracks every segment file the log opens; mu is held by each write
// and fsync while it runs, and by a cut.
type powerFS struct {
	mu    sync.Mutex
	files map[string]*powerState
	// onWrite, if set, is called (with mu held) after the next write
	// reached the OS, before its fsync: the power is cut there.
	onWrite func()
}

type powerFile struct {
	f   segmentFile
	fs  *powerFS
	st  *powerState
	cut *atomic.Bool // the power is off: no write or fsync reaches the OS
}

func (f *powerFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.cut.Load() {
		return 0, os.ErrClosed
	}
	f.st.data = append(f.st.data, p...)
	n, err := f.f.Write(p)
	if h := f.fs.onWrite; h != nil {
		f.fs.onWrite = nil
		h()
	}
	return n, err
}

func (f *powerFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.cut.Load() {
		return os.ErrClosed
	}
	upto := len(f.st.data)
	if err := f.f.Sync(); err != nil {
		return err
	}
	f.st.synced = upto
	return nil
}

func (f *powerFile) Close() error { return f.f.Close() }

// powerSegments makes every segment file the log opens a powerFile of fs;
// undone at the end of the test.
func powerSegments(t *testing.T, fs *powerFS, cut *atomic.Bool) {
	orig := openSegmentFile
	openSegmentFile = func(path string, create bool) (segmentFile, error) {
		f, err := orig(path, create)
		if err != nil {
			return nil, err
		}
		// What is on disk already (the header a new segment is created
		// with, fsynced; an existing segment's records) is durable.
		b, err := os.ReadFile(path)
		if err != nil {
			f.Close()
			return nil, err
		}
		fs.mu.Lock()
		st := &powerState{data: b, synced: len(b)}
		fs.files[filepath.Base(path)] = st
		fs.mu.Unlock()
		return &powerFile{f: f, fs: fs, st: st, cut: cut}, nil
	}
	t.Cleanup(func() { openSegmentFile = orig })
}

// cutPower writes into dst the directory a power cut of src leaves now (see
// the harness's comment), with fs.mu held by the caller. It reports whether
// a segment's unsynced tail was kept in part, and whether it was garbled
// with random bytes: then garbledAt[file] is the durable length of that
// segment, before which no damage may be reported.
func cutPower(t *testing.T, fs *powerFS, src, dst string, rnd *rand.Rand) (kept, garbled bool, garbledAt map[string]int) {
	t.Helper()
	es, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	garbledAt = map[string]int{}
	for _, e := range es {
		name := e.Name()
		if name == lockName || strings.Contains(name, ".tmp") {
			continue // a lock is no data; a temporary file is never named by the manifest
		}
		var b []byte
		if st, ok := fs.files[name]; ok {
			tail := len(st.data) - st.synced
			n := 0
			if tail > 0 {
				n = rnd.IntN(tail + 1)
			}
			b = append([]byte(nil), st.data[:st.synced+n]...)
			if n > 0 {
				kept = true
				if rnd.IntN(2) == 0 {
					garbled = true
					from := st.synced + rnd.IntN(n)
					zero := rnd.IntN(2) == 0
					for i := from; i < len(b); i++ {
						if zero {
							b[i] = 0
						} else {
							b[i] = byte(rnd.Uint32())
						}
					}
					if !zero {
						garbledAt[filepath.Join(dst, name)] = st.synced
					}
				}
			}
		} else if b, err = os.ReadFile(filepath.Join(src, name)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return kept, garbled, garbledAt
}

// TestPowerLoss is the power-loss harness described above: EMBEDIS_POWER_CUTS
// cuts (100 by default), each checked against the model.
func TestPowerLoss(t *testing.T) {
	cuts := 100
	if s := os.Getenv(powerCutsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", powerCutsEnv, s)
		}
		cuts = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("EMBEDIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with EMBEDIS_SEED=%d)", seed, seed)
	rnd := rand.New(rand.NewPCG(seed, 1))

	fs := &powerFS{}
	var off atomic.Bool
	powerSegments(t, fs, &off)

	model, mclock, apply := crashModel(t)

	torn := &tornTailCounter{}
	dir := t.TempDir()
	next := 0 // units 0..next-1 are in the model and in dir
	var inFlight, keptTails, garbledTails, refused int
	var garbledAt map[string]int // of the last cut

	// reopen opens the directory the last cut left (c > 0) and checks it
	// against the model: the units acknowledged before the cut, or those
	// and the one in flight. A tail of random bytes after the durable part
	// of a segment may be refused as damage (a torn tail is a record cut
	// short or zeros): then the error must name a byte past that durable
	// part, and cutting the file there — what redis-check-aof --fix does,
	// and an operator does by hand here — must give a sound directory.
	reopen := func(c int, dir string, clock embedis.Clock) *DB {
		opts := Options{AppendOnly: true, AppendFsync: FsyncAlways, Logger: slog.New(torn), Store: embedis.Options{Clock: clock}}
		db, err := Open(dir, opts)
		var ce *CorruptError
		if errors.As(err, &ce) {
			durable, ok := garbledAt[ce.File]
			if !ok || ce.Offset < int64(durable) {
				t.Fatalf("cut %d: reopen: %v (the durable part of %s ends at byte %d)", c, err, filepath.Base(ce.File), durable)
			}
			refused++
			if err := os.Truncate(ce.File, ce.Offset); err != nil {
				t.Fatal(err)
			}
			db, err = Open(dir, opts)
		}
		if err != nil {
			t.Fatalf("cut %d: reopen: %v", c, err)
		}
		if c == 0 {
			return db
		}
		mclock.Set(crashTime(next))
		got := keyspaceOf(t, db.Store, 2)
		if diff := keyspaceDiff(keyspaceOf(t, model, 2), got); diff != "" {
			apply(next)
			if diff2 := keyspaceDiff(keyspaceOf(t, model, 2), got); diff2 != "" {
				t.Fatalf("cut %d: the directory holds neither units 0..%d (%s) nor 0..%d (%s)", c, next-1, diff, next, diff2)
			}
			next++
			inFlight++
		}
		checkCounter(t, c, db)
		return db
	}
	for c := 0; c < cuts; c++ {
		fs.mu.Lock()
		fs.files = map[string]*powerState{}
		fs.mu.Unlock()
		off.Store(false)
		clock := embedis.NewManualClock(crashTime(next))
		db := reopen(c, dir, clock)

		// The writer: units next, next+1, … until the power goes.
		var acked atomic.Int64
		acked.Store(int64(next))
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			for n := next; ; n++ {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				clock.Set(crashTime(n))
				if err := crashUnit(context.Background(), db.Store, n); err != nil {
					if off.Load() {
						done <- nil // the write or fsync the cut stopped
					} else {
						done <- err
					}
					return
				}
				acked.Store(int64(n + 1))
			}
		}()
		// The cut: with every file's lock held no write or fsync
		// completes, so the units acknowledged by now are durable, and
		// at most the one in flight is too. Every other cut falls just
		// after a write reached the OS and before its fsync (a random
		// moment seldom does).
		next2 := filepath.Join(t.TempDir(), "d")
		if err := os.Mkdir(next2, 0o755); err != nil {
			t.Fatal(err)
		}
		var a int
		var kept, garbled bool
		cut := func() {
			a = int(acked.Load())
			kept, garbled, garbledAt = cutPower(t, fs, dir, next2, rnd)
			off.Store(true)
		}
		wait := time.Duration(rnd.IntN(20_000)) * time.Microsecond
		if c%2 == 0 {
			time.Sleep(wait)
			fs.mu.Lock()
			cut()
			fs.mu.Unlock()
		} else {
			cutDone := make(chan struct{})
			time.Sleep(wait / 4)
			fs.mu.Lock()
			fs.onWrite = func() { cut(); close(cutDone) }
			fs.mu.Unlock()
			select {
			case <-cutDone:
			case err := <-done:
				t.Fatalf("cut %d: the writer stopped before the cut: %v", c, err)
			}
		}
		close(stop)
		if err := <-done; err != nil {
			t.Fatalf("cut %d: writer: %v", c, err)
		}
		db.Close() // fails, the power being off: what it writes is lost anyway
		if kept {
			keptTails++
		}
		if garbled {
			garbledTails++
		}
		for n := next; n < a; n++ {
			apply(n)
		}
		next = a
		dir = next2
	}
	// The last cut's directory.
	fs.mu.Lock()
	fs.files = map[string]*powerState{}
	fs.mu.Unlock()
	off.Store(false)
	reopen(cuts, dir, embedis.NewManualClock(crashTime(next))).Close()
	t.Logf("%d power cuts: %d units acknowledged, every one found after every later cut; %d more found whole though not acknowledged; "+
		"0 lost, 0 half-applied; %d cuts kept part of an unsynced tail (%d garbled); on reopen %d torn tails dropped, %d garbled tails refused past the durable bytes and cut there",
		cuts, next-inFlight, inFlight, keptTails, garbledTails, torn.n, refused)
	if keptTails == 0 || garbledTails == 0 {
		t.Errorf("no cut kept (%d) or garbled (%d) part of an unsynced tail: the harness did not reach the case it is for", keptTails, garbledTails)
	}
}
