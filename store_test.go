package embedis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"
)

var ctx = context.Background()

// openTest returns a store on a manual clock, closed at the end of the test.
func openTest(t testing.TB) (*Store, *ManualClock) {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := Open(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestZeroOptionsWork(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(ctx, "k", "v", 0); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, "k"); err != nil || v != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
}

func TestCloseIsIdempotentAndLaterCallsFail(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "k", "v", time.Second)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if _, err := s.Get(ctx, "k"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close = %v, want ErrClosed", err)
	}
	if err := s.DB(3).Set(ctx, "k", "v", 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Set on another handle after Close = %v", err)
	}
	if err := s.Atomic(ctx, func(tx *Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Atomic after Close = %v", err)
	}
	p := s.Pipeline()
	r := p.Incr("n")
	if err := p.Exec(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("Exec after Close = %v", err)
	}
	if !errors.Is(r.Err(), ErrNotExecuted) {
		t.Fatalf("result of unexecuted command = %v", r.Err())
	}
}

func TestCanceledContext(t *testing.T) {
	s, _ := openTest(t)
	c, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Set(c, "k", "v", 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("Set with canceled ctx = %v", err)
	}
	if n, _ := s.Exists(ctx, "k"); n != 0 {
		t.Fatal("canceled Set stored the key")
	}
}

func TestDatabasesAreSeparate(t *testing.T) {
	s, _ := openTest(t)
	db1 := s.DB(1)
	must[int64](t)(db1.Incr(ctx, "n"))
	if n, _ := s.Exists(ctx, "n"); n != 0 {
		t.Fatal("key of db 1 visible in db 0")
	}
	if v, _ := db1.Get(ctx, "n"); v != "1" {
		t.Fatalf("db1 n = %q", v)
	}
	if _, err := s.DB(16).Get(ctx, "n"); !errors.Is(err, ErrDBIndex) {
		t.Fatalf("DB(16) = %v, want ErrDBIndex", err)
	}
	if _, err := s.DB(-1).Get(ctx, "n"); !errors.Is(err, ErrDBIndex) {
		t.Fatalf("DB(-1) = %v, want ErrDBIndex", err)
	}
	err := s.Atomic(ctx, func(tx *Tx) error {
		if err := tx.Select(1); err != nil {
			return err
		}
		v, err := tx.Get("n")
		if v != "1" {
			return fmt.Errorf("after Select(1) n = %q, %v", v, err)
		}
		return tx.Select(99)
	})
	if !errors.Is(err, ErrDBIndex) {
		t.Fatalf("Select(99) = %v", err)
	}
}

// TestConcurrentCommandsAreAtomic hammers shared keys from many goroutines:
// the final values must be exactly those of serial execution.
func TestConcurrentCommandsAreAtomic(t *testing.T) {
	s, _ := openTest(t)
	const goroutines, perG = 16, 2000
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				if _, err := s.Incr(ctx, "counter"); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.IncrBy(ctx, "by3", 3); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Append(ctx, "log", "x"); err != nil {
					t.Error(err)
					return
				}
				if err := s.Set(ctx, "own:"+strconv.Itoa(g), strconv.Itoa(i), 0); err != nil {
					t.Error(err)
					return
				}
				if i%100 == 0 {
					p := s.Pipeline()
					p.Incr("counter")
					p.Decr("counter")
					if err := p.Exec(ctx); err != nil {
						t.Error(err)
						return
					}
					s.Atomic(ctx, func(tx *Tx) error {
						v, _ := tx.Get("counter")
						n, _ := strconv.ParseInt(v, 10, 64)
						return tx.Set("counter", strconv.FormatInt(n+1, 10), KeepTTL) // read-modify-write, isolated
					})
				}
			}
		}(g)
	}
	wg.Wait()
	total := goroutines * perG
	if v, _ := s.Get(ctx, "counter"); v != strconv.Itoa(total+goroutines*perG/100) {
		t.Fatalf("counter = %s, want %d", v, total+goroutines*perG/100)
	}
	if v, _ := s.Get(ctx, "by3"); v != strconv.Itoa(3*total) {
		t.Fatalf("by3 = %s, want %d", v, 3*total)
	}
	if n, _ := s.StrLen(ctx, "log"); n != int64(total) {
		t.Fatalf("log length = %d, want %d", n, total)
	}
	for g := 0; g < goroutines; g++ {
		if v, _ := s.Get(ctx, "own:"+strconv.Itoa(g)); v != strconv.Itoa(perG-1) {
			t.Fatalf("own:%d = %s", g, v)
		}
	}
}

func TestPipelineResultsInOrder(t *testing.T) {
	s, _ := openTest(t)
	p := s.Pipeline()
	set := p.Set("a", "1", 0)
	incr := p.Incr("a")
	get := p.Get("a")
	bad := p.Append("a", "x")
	incr2 := p.Incr("a") // now "2x": not an integer
	missing := p.Get("nope")
	if p.Len() != 6 {
		t.Fatalf("Len = %d", p.Len())
	}
	if !errors.Is(get.Err(), ErrNotExecuted) {
		t.Fatal("result available before Exec")
	}
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if set.Err() != nil || incr.Val() != 2 || get.Val() != "2" || bad.Val() != 2 {
		t.Fatalf("results: %v %d %q %d", set.Err(), incr.Val(), get.Val(), bad.Val())
	}
	if !errors.Is(incr2.Err(), ErrNotInteger) {
		t.Fatalf("incr of 2x: %v", incr2.Err())
	}
	if !errors.Is(missing.Err(), ErrNotFound) {
		t.Fatalf("missing: %v", missing.Err())
	}
	if p.Len() != 0 {
		t.Fatal("pipeline not emptied by Exec")
	}
}

func TestAtomicHasNoRollbackAndReturnsError(t *testing.T) {
	s, _ := openTest(t)
	boom := errors.New("boom")
	err := s.Atomic(ctx, func(tx *Tx) error {
		tx.Set("a", "1", 0)
		return boom
	})
	if err != boom {
		t.Fatalf("Atomic = %v", err)
	}
	if v, _ := s.Get(ctx, "a"); v != "1" {
		t.Fatal("write before the error was rolled back")
	}
	// A panic inside the closure releases the owner role.
	func() {
		defer func() { recover() }()
		s.Atomic(ctx, func(tx *Tx) error { panic("x") })
	}()
	if _, err := s.Incr(ctx, "after-panic"); err != nil {
		t.Fatal(err)
	}
}

// TestCloseWhileInUse closes the store under concurrent callers: every call
// returns a result or ErrClosed, none panics or hangs.
func TestCloseWhileInUse(t *testing.T) {
	s, clock := openTest(t)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				_, err := s.DB(g%3).Incr(ctx, "n")
				if err != nil && !errors.Is(err, ErrClosed) {
					t.Error(err)
					return
				}
				if err := s.Set(ctx, "t", "v", time.Millisecond); err != nil && !errors.Is(err, ErrClosed) {
					t.Error(err)
					return
				}
				if i%100 == 0 {
					clock.Advance(2 * time.Millisecond)
				}
			}
		}(g)
	}
	time.Sleep(time.Millisecond)
	s.Close()
	wg.Wait()
	if _, err := s.Incr(ctx, "n"); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestPipelineReuseAndStaleResults(t *testing.T) {
	s, _ := openTest(t)
	p := s.Pipeline()
	first := p.Incr("n")
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if first.Val() != 1 {
		t.Fatalf("first = %d", first.Val())
	}
	if err := p.Exec(ctx); err != nil { // nothing queued: a no-op
		t.Fatal(err)
	}
	if first.Val() != 1 {
		t.Fatal("an empty Exec changed the previous results")
	}
	second := p.Incr("n") // the next batch reuses the memory
	if !errors.Is(first.Err(), ErrStaleResult) {
		t.Fatalf("result of the previous batch: %v, want ErrStaleResult", first.Err())
	}
	if !errors.Is(second.Err(), ErrNotExecuted) {
		t.Fatalf("queued result: %v", second.Err())
	}
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if second.Val() != 2 {
		t.Fatalf("second = %d", second.Val())
	}
	// Queuing allocates nothing once the pipeline has run a batch of the size.
	allocs := testing.AllocsPerRun(100, func() {
		for i := 0; i < 100; i++ {
			p.Get("n")
		}
		p.Exec(ctx)
	})
	if allocs > 0 {
		t.Fatalf("%v allocations per reused 100-command batch", allocs)
	}
}

// TestPipelineCommandsWithManyStrings covers the pipelined commands whose
// third and fourth strings travel in pipeCmd.ss.
func TestPipelineCommandsWithManyStrings(t *testing.T) {
	s, _ := openTest(t)
	s.RPush(ctx, "src", "a", "b")
	p := s.Pipeline()
	moved := p.LMove("src", "dst", "LEFT", "RIGHT")
	inserted := p.LInsert("src", "BEFORE", "b", "x")
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := moved.Result(); v != "a" || err != nil {
		t.Fatalf("pipelined LMove = %q, %v", v, err)
	}
	if n, err := inserted.Result(); n != 2 || err != nil {
		t.Fatalf("pipelined LInsert = %d, %v", n, err)
	}
	if got, _ := s.LRange(ctx, "src", 0, -1); len(got) != 2 || got[0] != "x" || got[1] != "b" {
		t.Fatalf("src = %q", got)
	}
}
