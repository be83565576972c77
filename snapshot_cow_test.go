package embedis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stateOf describes every live key of every database as snapshot does
// (effects_test.go), from inside a turn.
func stateOf(tx *Tx) map[string]string {
	out := map[string]string{}
	now := tx.nowMs()
	for i, db := range tx.e.dbs {
		db.keys.Range(func(k string, sl slot) bool {
			at, has := db.expires[k]
			if has && now > at {
				return true
			}
			out[fmt.Sprintf("%d/%q", i, k)] = fmt.Sprintf("%s %s @%d", sl.v.typeName(), sl.v.dump(), at)
			return true
		})
	}
	return out
}

const cowDatabases = 4

// fillRandom fills every database of s with keys of every type, some with
// deadlines (a few of them about to pass), some aggregates large.
func fillRandom(t testing.TB, s *Store, rng *rand.Rand, perDB int) {
	fillRandomOrdered(t, s, rng, perDB, false)
}

// fillRandomOrdered is fillRandom; with ordered, only values whose RDB
// encoding has one order (no set of strings and no hash held as a
// hashtable, whose clones list their members in another order).
func fillRandomOrdered(t testing.TB, s *Store, rng *rand.Rand, perDB int, ordered bool) {
	t.Helper()
	for d := 0; d < cowDatabases; d++ {
		err := s.DB(d).Atomic(ctx, func(tx *Tx) error {
			fillDB(tx, rng, perDB, ordered)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// fillDB fills the unit's database for fillRandom.
func fillDB(tx *Tx, rng *rand.Rand, perDB int, ordered bool) {
	p := struct{ Do func(args ...string) }{func(args ...string) { var r valueReply; tx.Do(&r, args...) }}
	{
		for i := 0; i < perDB; i++ {
			k := "k" + strconv.Itoa(rng.IntN(perDB*2))
			n := 1 + rng.IntN(20)
			if rng.IntN(50) == 0 {
				n = 300 + rng.IntN(700)
			}
			switch rng.IntN(6) {
			case 0, 1:
				p.Do("SET", k, "v"+strconv.Itoa(rng.IntN(1000)))
			case 2:
				for j := 0; j < n; j++ {
					p.Do("RPUSH", k, "e"+strconv.Itoa(j))
				}
			case 3:
				if ordered {
					n = min(n, 20)
				}
				for j := 0; j < n; j++ {
					p.Do("HSET", k, "f"+strconv.Itoa(j), strconv.Itoa(rng.IntN(100)))
				}
			case 4:
				if ordered {
					n = min(n, 500) // an intset
				}
				for j := 0; j < n; j++ {
					if n%2 == 0 || ordered {
						p.Do("SADD", k, strconv.Itoa(rng.IntN(1000)))
					} else {
						p.Do("SADD", k, "m"+strconv.Itoa(j))
					}
				}
			case 5:
				for j := 0; j < n; j++ {
					p.Do("ZADD", k, strconv.Itoa(rng.IntN(100)), "m"+strconv.Itoa(j))
				}
			}
			if rng.IntN(3) == 0 {
				p.Do("PEXPIRE", k, strconv.Itoa(1+rng.IntN(3000)))
			}
		}
	}
}

// hammer runs random writes of every kind on s until stop is closed: new
// keys, overwrites, in-place changes of every type, deletes, renames,
// moves, copies, deadlines set and removed, RESTORE, and rarely FLUSHDB,
// FLUSHALL and SWAPDB.
func hammer(s *Store, seed uint64, perDB int, stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(seed, 7))
	key := func() string { return "k" + strconv.Itoa(rng.IntN(perDB*2)) }
	num := func(n int) string { return strconv.Itoa(rng.IntN(n)) }
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		db := s.DB(rng.IntN(cowDatabases))
		k := key()
		var args []string
		switch rng.IntN(24) {
		case 0:
			args = []string{"SET", k, "new" + num(1000)}
		case 1:
			args = []string{"APPEND", k, "+"}
		case 2:
			args = []string{"INCR", k}
		case 3:
			args = []string{"RPUSH", k, "x" + num(10)}
		case 4:
			args = []string{"LPOP", k}
		case 5:
			args = []string{"LSET", k, "0", "set"}
		case 6:
			args = []string{"HSET", k, "f" + num(30), "h"}
		case 7:
			args = []string{"HDEL", k, "f" + num(30)}
		case 8:
			args = []string{"SADD", k, num(2000)}
		case 9:
			args = []string{"SREM", k, "m" + num(30)}
		case 10:
			args = []string{"ZINCRBY", k, "1", "m" + num(30)}
		case 11:
			args = []string{"ZREM", k, "m" + num(30)}
		case 12:
			args = []string{"DEL", k}
		case 13:
			args = []string{"RENAME", k, key()}
		case 14:
			args = []string{"MOVE", k, strconv.Itoa(rng.IntN(cowDatabases))}
		case 15:
			args = []string{"COPY", k, key(), "DB", strconv.Itoa(rng.IntN(cowDatabases)), "REPLACE"}
		case 16:
			args = []string{"PEXPIRE", k, strconv.Itoa(1 + rng.IntN(2000))}
		case 17:
			args = []string{"PERSIST", k}
		case 18:
			if d, err := db.Do(ctx, "DUMP", key()); err == nil {
				if payload, ok := d.(string); ok {
					args = []string{"RESTORE", k, "0", payload, "REPLACE"}
				}
			}
		case 19:
			args = []string{"SPOP", k}
		case 20:
			args = []string{"GETDEL", k}
		case 21:
			if rng.IntN(40) == 0 {
				args = []string{"FLUSHDB"}
			}
		case 22:
			if rng.IntN(40) == 0 {
				args = []string{"SWAPDB", strconv.Itoa(rng.IntN(cowDatabases)), strconv.Itoa(rng.IntN(cowDatabases))}
			}
		case 23:
			if rng.IntN(200) == 0 {
				args = []string{"FLUSHALL"}
			} else {
				args = []string{"GET", k}
			}
		}
		if args != nil {
			db.Do(ctx, args...) // wrong types and missing keys answer errors: fine
		}
		if i%16 == 0 {
			runtime.Gosched()
		}
	}
}

// slowWriter hands the bytes on, yielding on each write, so that the
// walker, held back by the queue, interleaves with the writers.
type slowWriter struct{ w io.Writer }

func (s slowWriter) Write(p []byte) (int, error) {
	time.Sleep(50 * time.Microsecond)
	return s.w.Write(p)
}

// TestSnapshotUnderConcurrentWrites: while a snapshot is written, writers
// change the store in every way (and a manual clock expires keys); the file,
// loaded with OpenSnapshot (which refuses a key twice), holds exactly the
// keyspace at the epoch, read in the turn that marked it. Each way of taking
// a snapshot, many seeds.
func TestSnapshotUnderConcurrentWrites(t *testing.T) {
	seeds := 6
	if testing.Short() || raceEnabled {
		seeds = 2 // under -race a seed takes ~10 s on two cores
	}
	perDB := 1500
	ways := map[string]func(s *Store, w io.Writer) error{
		"WriteSnapshot": func(s *Store, w io.Writer) error { return s.WriteSnapshot(ctx, w) },
		"Snapshot": func(s *Store, w io.Writer) error {
			sn, err := s.Snapshot(ctx)
			if err == nil {
				_, err = sn.WriteTo(w)
			}
			return err
		},
		"StartSnapshot": func(s *Store, w io.Writer) error {
			var ps *PendingSnapshot
			s.Atomic(ctx, func(tx *Tx) error { ps = tx.StartSnapshot(); return nil })
			_, err := ps.WriteTo(w)
			return err
		},
	}
	for name, take := range ways {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			t.Run(fmt.Sprintf("%s/seed%d", name, seed), func(t *testing.T) {
				clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
				s, err := Open(Options{Clock: clock, Databases: cowDatabases})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				rng := rand.New(rand.NewPCG(seed, 1))
				fillRandom(t, s, rng, perDB)
				clock.Advance(time.Duration(rng.IntN(50)) * time.Millisecond)

				// The writers start at the epoch: before it, their writes
				// (and the clock's advance expiring keys) would only
				// shrink the snapshot, as much as the machine's load
				// delays the epoch's turn.
				var want map[string]string
				var epochNow time.Time
				epoch := make(chan struct{})
				snapshotEpochHook = func(tx *Tx) {
					want = stateOf(tx)
					epochNow = time.UnixMilli(tx.nowMs())
					close(epoch)
				}
				defer func() { snapshotEpochHook = nil }()

				stop := make(chan struct{})
				atEpoch := func() bool {
					select {
					case <-epoch:
						return true
					case <-stop:
						return false
					}
				}
				var wg sync.WaitGroup
				for g := 0; g < 3; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if atEpoch() {
							hammer(s, seed*10+uint64(g), perDB, stop)
						}
					}()
				}
				wg.Add(1)
				go func() { // expiries, lazy and active
					defer wg.Done()
					if !atEpoch() {
						return
					}
					for {
						select {
						case <-stop:
							return
						default:
						}
						clock.Advance(time.Millisecond)
						time.Sleep(20 * time.Microsecond)
					}
				}()
				var buf bytes.Buffer
				err = take(s, slowWriter{&buf})
				close(stop)
				wg.Wait()
				if err != nil {
					t.Fatal(err)
				}
				back, err := OpenSnapshot(&buf, Options{Clock: NewManualClock(epochNow), Databases: cowDatabases})
				if err != nil {
					t.Fatal(err)
				}
				defer back.Close()
				got := snapshot(t, back)
				if len(want) < perDB {
					t.Fatalf("only %d keys at the epoch", len(want))
				}
				compareSnapshots(t, want, got)
				if s.e.snap != nil {
					t.Error("a snapshot is still registered after it was written")
				}
				t.Logf("%d keys at the epoch", len(want))
			})
		}
	}
}

// settleGoroutines waits until the number of goroutines is back to n (the
// ones a test started take a moment to exit) and fails if it is not.
func settleGoroutines(t *testing.T, n int) {
	t.Helper()
	for i := 0; i < 200 && runtime.NumGoroutine() > n; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if got := runtime.NumGoroutine(); got > n {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines, %d before:\n%s", got, n, buf[:runtime.Stack(buf, true)])
	}
}

// failingWriter calls fn before its write number at (from 1) and then
// fails that write and every later one with err.
type failingWriter struct {
	w     io.Writer
	at    int
	n     int
	fn    func()
	err   error
	wrote atomic.Int64
}

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	if f.n >= f.at {
		if f.n == f.at && f.fn != nil {
			f.fn()
		}
		if f.err != nil {
			return 0, f.err
		}
	}
	f.wrote.Add(int64(len(p)))
	return f.w.Write(p)
}

// bigStore returns a store with enough keys for a snapshot of several
// slices and buffered writes.
func bigStore(t *testing.T) *Store {
	t.Helper()
	s, _ := openTest(t)
	s.Atomic(ctx, func(tx *Tx) error {
		for i := 0; i < 20000; i++ {
			tx.Set("key:"+strconv.Itoa(i), "value with some length to it "+strconv.Itoa(i), 0)
		}
		_, err := tx.RPush("list", "a", "b")
		return err
	})
	return s
}

// TestSnapshotStops: an error of the writer, a context ending and Close,
// each in the middle of a snapshot, stop it with that error, leave no
// goroutine behind and no snapshot registered, and (but for Close) the store
// takes the next snapshot whole.
func TestSnapshotStops(t *testing.T) {
	errDisk := errors.New("disk full")
	for _, c := range []string{"writer", "context", "close", "pending-writer"} {
		t.Run(c, func(t *testing.T) {
			s := bigStore(t)
			before := runtime.NumGoroutine()
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var buf bytes.Buffer
			fw := &failingWriter{w: &buf, at: 2}
			var want error
			switch c {
			case "writer", "pending-writer":
				fw.err, want = errDisk, errDisk
			case "context":
				fw.fn, want = cancel, context.Canceled
			case "close":
				fw.fn, want = func() { s.Close() }, ErrClosed
			}
			var err error
			if c == "pending-writer" {
				var ps *PendingSnapshot
				s.Atomic(ctx, func(tx *Tx) error { ps = tx.StartSnapshot(); return nil })
				_, err = ps.WriteTo(fw)
				if _, again := ps.WriteTo(io.Discard); !errors.Is(again, ErrSnapshotUsed) {
					t.Errorf("second WriteTo = %v, want ErrSnapshotUsed", again)
				}
				ps.Close()
			} else {
				err = s.WriteSnapshot(cctx, fw)
			}
			if !errors.Is(err, want) {
				t.Fatalf("WriteSnapshot = %v, want %v", err, want)
			}
			settleGoroutines(t, before)
			if c == "close" {
				if s.e.snap != nil {
					t.Error("a snapshot is still registered after Close")
				}
				return
			}
			s.Atomic(ctx, func(tx *Tx) error {
				if tx.e.snap != nil {
					t.Error("a snapshot is still registered after it stopped")
				}
				return nil
			})
			buf.Reset()
			if err := s.WriteSnapshot(ctx, &buf); err != nil {
				t.Fatal(err)
			}
			back, err := OpenSnapshot(&buf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer back.Close()
			if n, _ := back.DBSize(ctx); n != 20001 {
				t.Errorf("the next snapshot has %d keys, want 20001", n)
			}
		})
	}
}

// TestSnapshotStoppedFileIsNotWhole: a snapshot stopped half way leaves its
// writer without the file's end: OpenSnapshot refuses what was written.
func TestSnapshotStoppedFileIsNotWhole(t *testing.T) {
	s := bigStore(t)
	var buf bytes.Buffer
	cctx, cancel := context.WithCancel(ctx)
	fw := &failingWriter{w: &buf, at: 3, fn: cancel}
	if err := s.WriteSnapshot(cctx, fw); !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteSnapshot = %v", err)
	}
	if buf.Len() == 0 {
		t.Fatal("nothing written before the context ended: the test shows nothing")
	}
	if back, err := OpenSnapshot(&buf, Options{}); err == nil {
		back.Close()
		t.Fatal("OpenSnapshot took a stopped snapshot for a whole file")
	}
}

// TestPendingSnapshotClose: a pending snapshot closed unwritten stops the
// copying; WriteTo after Close refuses.
func TestPendingSnapshotClose(t *testing.T) {
	s := bigStore(t)
	var ps *PendingSnapshot
	s.Atomic(ctx, func(tx *Tx) error { ps = tx.StartSnapshot(); return nil })
	if ps.Keys() != 20001 {
		t.Errorf("Keys() = %d, want 20001", ps.Keys())
	}
	s.Set(ctx, "key:1", "changed", 0) // copied for the snapshot
	s.Atomic(ctx, func(tx *Tx) error {
		if _, err := ps.WriteTo(io.Discard); !errors.Is(err, ErrReentrant) {
			t.Errorf("WriteTo inside Atomic = %v, want ErrReentrant", err)
		}
		ps.Close() // inside a turn: no deadlock
		return nil
	})
	ps.Close()
	if _, err := ps.WriteTo(io.Discard); !errors.Is(err, ErrSnapshotUsed) {
		t.Errorf("WriteTo after Close = %v, want ErrSnapshotUsed", err)
	}
	s.Atomic(ctx, func(tx *Tx) error {
		if tx.e.snap != nil {
			t.Error("a closed snapshot is still registered")
		}
		return nil
	})
}

// TestTwoSnapshotsAtOnce: Store.WriteSnapshot waits for a pending snapshot
// to be written; a snapshot started in a turn while another is pending
// hands the older one out in that turn, and both files hold their own
// point in time — even when the older one is written inside the newer one's
// turn, as SHUTDOWN SAVE writes after the saves queued before it.
func TestTwoSnapshotsAtOnce(t *testing.T) {
	s := bigStore(t)
	before := runtime.NumGoroutine()
	state := func() map[string]string { return snapshot(t, s) }
	load := func(b *bytes.Buffer) map[string]string {
		back, err := OpenSnapshot(b, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer back.Close()
		return snapshot(t, back)
	}

	// A pending snapshot, and a WriteSnapshot that waits for it.
	wantA := state()
	var a *PendingSnapshot
	s.Atomic(ctx, func(tx *Tx) error { a = tx.StartSnapshot(); return nil })
	s.Set(ctx, "key:2", "after A", 0)
	wantB := state()
	var bufB bytes.Buffer
	doneB := make(chan error)
	go func() { doneB <- s.WriteSnapshot(ctx, &bufB) }()
	s.Set(ctx, "key:3", "after A, maybe before B", 0) // B's epoch is not marked before A ends
	var bufA bytes.Buffer
	if _, err := a.WriteTo(&bufA); err != nil {
		t.Fatal(err)
	}
	if err := <-doneB; err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, wantA, load(&bufA))
	gotB := load(&bufB)
	delete(gotB, `0/"key:3"`)
	delete(wantB, `0/"key:3"`)
	compareSnapshots(t, wantB, gotB)

	// A pending snapshot drained by a copy taken in a later turn, and
	// written inside that turn.
	wantC := state()
	var c *PendingSnapshot
	s.Atomic(ctx, func(tx *Tx) error { c = tx.StartSnapshot(); return nil })
	s.Set(ctx, "key:4", "after C", 0)
	s.Del(ctx, "key:5")
	wantD := state()
	var d *Snapshot
	var bufC bytes.Buffer
	s.Atomic(ctx, func(tx *Tx) error {
		d = tx.Snapshot()
		_, err := c.WriteTo(&bufC)
		return err
	})
	compareSnapshots(t, wantC, load(&bufC))
	var bufD bytes.Buffer
	d.WriteTo(&bufD)
	compareSnapshots(t, wantD, load(&bufD))
	settleGoroutines(t, before)
}

// TestSnapshotWaysWriteTheSameBytes: on a store no one changes, every way of
// taking a snapshot writes the same file, byte for byte (used-mem fixed).
func TestSnapshotWaysWriteTheSameBytes(t *testing.T) {
	usedMem = func() uint64 { return 1 << 20 }
	defer func() { usedMem = heapBytes }()
	s, clock := openTest(t)
	fillRandomOrdered(t, s, rand.New(rand.NewPCG(3, 3)), 2000, true)
	clock.Advance(0)
	var files [4]bytes.Buffer
	s.Atomic(ctx, func(tx *Tx) error { tx.Snapshot().WriteTo(&files[0]); return nil })
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sn.WriteTo(&files[1])
	if err := s.WriteSnapshot(ctx, &files[2]); err != nil {
		t.Fatal(err)
	}
	var ps *PendingSnapshot
	s.Atomic(ctx, func(tx *Tx) error { ps = tx.StartSnapshot(); return nil })
	ps.WriteTo(&files[3])
	for i := 1; i < len(files); i++ {
		if !bytes.Equal(files[i].Bytes(), files[0].Bytes()) {
			a, b := files[i].Bytes(), files[0].Bytes()
			at := 0
			for at < min(len(a), len(b)) && a[at] == b[at] {
				at++
			}
			t.Errorf("way %d wrote %d bytes unlike Tx.Snapshot's %d, from byte %d: %q vs %q", i, len(a), len(b), at, a[at:min(at+40, len(a))], b[at:min(at+40, len(b))])
		}
	}
	if files[0].Len() < 10000 {
		t.Fatalf("a file of %d bytes shows little", files[0].Len())
	}
}
