package embedis

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// holdRole runs an Atomic closure on s in another goroutine that keeps the
// owner role until release is called, and returns once the closure runs.
func holdRole(t *testing.T, s *Store) (release func()) {
	t.Helper()
	held, done, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		s.Atomic(ctx, func(tx *Tx) error {
			close(held)
			<-done
			return nil
		})
	}()
	<-held
	var once sync.Once
	release = func() {
		once.Do(func() { close(done); <-finished })
	}
	t.Cleanup(release)
	return release
}

// A call whose context ends while another caller holds the role returns the
// context's error without running. The holder keeps the role until the call
// has returned, so a call that ignored its context would never return (and
// the test would time out): no timing is asserted.
func TestContextEndsWhileWaitingForTheRole(t *testing.T) {
	s, _ := openTest(t)
	release := holdRole(t, s)

	dctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := s.Incr(dctx, "n"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Incr while the role is held past its deadline = %v, want DeadlineExceeded", err)
	}
	cctx, cancel2 := context.WithCancel(ctx)
	got := make(chan error, 1)
	go func() {
		_, err := s.Incr(cctx, "n")
		got <- err
	}()
	cancel2()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("Incr canceled while waiting = %v, want Canceled", err)
	}
	p := s.Pipeline()
	p.Incr("n")
	if err := p.Exec(dctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Pipeline.Exec = %v", err)
	}
	if _, err := s.Do(dctx, "INCR", "n"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Do = %v", err)
	}
	if err := s.Atomic(dctx, func(*Tx) error { t.Error("closure ran"); return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Atomic = %v", err)
	}
	release()
	if n, err := s.Get(ctx, "n"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("n = %q, %v: a call that gave up ran anyway", n, err)
	}
	if _, err := s.Incr(ctx, "n"); err != nil {
		t.Fatalf("the role is usable after callers gave up: %v", err)
	}
}

// Store calls from inside the store's own Atomic closure fail at once with
// ErrReentrant instead of waiting for ever, whatever their context.
func TestCallInsideOwnAtomicIsRefused(t *testing.T) {
	s, _ := openTest(t)
	other := s.DB(3) // another handle on the same engine
	err := s.Atomic(ctx, func(tx *Tx) error {
		if _, err := s.Get(ctx, "k"); !errors.Is(err, ErrReentrant) {
			t.Errorf("Get = %v", err)
		}
		if err := other.Set(ctx, "k", "v", 0); !errors.Is(err, ErrReentrant) {
			t.Errorf("Set on another handle = %v", err)
		}
		if _, err := s.Do(ctx, "PING"); !errors.Is(err, ErrReentrant) {
			t.Errorf("Do = %v", err)
		}
		p := s.Pipeline()
		p.Get("k")
		if err := p.Exec(ctx); !errors.Is(err, ErrReentrant) {
			t.Errorf("Pipeline.Exec = %v", err)
		}
		if err := s.Atomic(ctx, func(*Tx) error { return nil }); !errors.Is(err, ErrReentrant) {
			t.Errorf("nested Atomic = %v", err)
		}
		if _, _, err := s.BLPop(ctx, "l"); !errors.Is(err, ErrReentrant) {
			t.Errorf("BLPop = %v", err)
		}
		// Through an inner function, deeper in the stack.
		func() {
			func() {
				if _, err := s.Exists(ctx, "k"); !errors.Is(err, ErrReentrant) {
					t.Errorf("Exists deeper = %v", err)
				}
			}()
		}()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "k", "v", 0); err != nil {
		t.Fatal(err)
	}
}

// A call on store B from inside store A's Atomic closure is legal: it waits
// for B's holder (another goroutine, also inside an Atomic closure) like any
// caller, and is not mistaken for a re-entrant call.
func TestCallOnAnotherStoreInsideAtomicWaits(t *testing.T) {
	a, _ := openTest(t)
	b, _ := openTest(t)
	release := holdRole(t, b)
	got := make(chan error, 1)
	go func() {
		got <- a.Atomic(ctx, func(tx *Tx) error {
			_, err := b.Incr(ctx, "n") // waits for the holder of b
			return err
		})
	}()
	// Until b is released the call waits; a short-deadline call on b from
	// a plain goroutine also waits and gives up meanwhile.
	dctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := b.Get(dctx, "n"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get on held b = %v", err)
	}
	release()
	if err := <-got; err != nil {
		t.Fatalf("call on b from inside a's Atomic = %v, want it to wait and succeed", err)
	}
	if n, _ := b.Get(ctx, "n"); n != "1" {
		t.Fatalf("n = %q", n)
	}
}

// Many callers, some giving up at random moments: every call that returned
// nil ran exactly once, every other call did not run, and the role is never
// lost (a lost hand-off would hang the test).
func TestOwnerLockStress(t *testing.T) {
	s, _ := openTest(t)
	const workers, calls = 8, 3000
	var ok atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				c := ctx
				var cancel context.CancelFunc = func() {}
				switch (i + w) % 4 {
				case 1:
					c, cancel = context.WithCancel(ctx)
					if i%3 == 0 {
						cancel()
					}
				case 2:
					c, cancel = context.WithTimeout(ctx, time.Duration(i%50)*time.Microsecond)
				}
				var err error
				if i%5 == 0 {
					err = s.Atomic(c, func(tx *Tx) error {
						_, err := tx.Incr("n")
						return err
					})
				} else {
					_, err = s.Incr(c, "n")
				}
				cancel()
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
				default:
					t.Errorf("Incr: %v", err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	n, err := s.Get(ctx, "n")
	if err != nil {
		t.Fatal(err)
	}
	if want := ok.Load(); n != itoa(want) {
		t.Fatalf("n = %s, successful calls = %d", n, want)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A ManualClock advanced inside an Atomic closure does not wait for the role
// the closure holds; the keys that came due expire once the unit has ended.
func TestAdvanceInsideAtomic(t *testing.T) {
	s, clock := openTest(t)
	if err := s.Set(ctx, "k", "v", 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	err := s.Atomic(ctx, func(tx *Tx) error {
		if _, err := tx.Get("k"); err != nil {
			return err // the unit's time is read here, before the Advance
		}
		clock.Advance(time.Second)
		_, err := tx.Get("k") // same unit, same time: still there
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Stats reads no key (no lazy expiry): only the active expiry, which
	// the next Advance runs, removes k.
	if st, _ := s.Stats(ctx); st.Databases[0].Keys != 1 {
		t.Fatalf("keys = %d before the next Advance", st.Databases[0].Keys)
	}
	clock.Advance(0)
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Databases[0].Keys != 0 || st.ExpiredKeys != 1 {
		t.Fatalf("after the next Advance: %d keys, %d expired", st.Databases[0].Keys, st.ExpiredKeys)
	}
}
