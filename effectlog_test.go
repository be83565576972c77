package embedis

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

// recordingLog is an EffectLog that numbers the units it is given and
// records every Wait: the ticket, and whether the owner role was free when
// Wait was called. fail, when set, is what Wait returns.
type recordingLog struct {
	e *engine

	mu       sync.Mutex
	units    [][][]string
	waits    []uint64
	roleHeld []bool
	fail     error
}

func (l *recordingLog) Append(unit [][]string) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.units = append(l.units, unit)
	return uint64(len(l.units))
}

func (l *recordingLog) Wait(ctx context.Context, ticket uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits = append(l.waits, ticket)
	l.roleHeld = append(l.roleHeld, l.e.mu.state.Load() != 0)
	return l.fail
}

// take returns the waits recorded since the last call and forgets them.
func (l *recordingLog) take() (waits []uint64, held []bool, units int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	waits, held, units = l.waits, l.roleHeld, len(l.units)
	l.waits, l.roleHeld = nil, nil
	return
}

func openWithLog(t *testing.T, clock Clock) (*Store, *recordingLog) {
	t.Helper()
	l := &recordingLog{}
	s, err := Open(Options{Log: l, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	l.e = s.e
	t.Cleanup(func() { s.Close() })
	return s, l
}

// TestEffectLogEveryCallWaits checks that each way of running a write waits
// for its own unit's ticket once the owner role is released, and that reads
// (no effects) never wait.
func TestEffectLogEveryCallWaits(t *testing.T) {
	s, l := openWithLog(t, nil)
	calls := []struct {
		name string
		run  func() error
	}{
		{"Store method", func() error { return s.Set(ctx, "k", "v", 0) }},
		{"Do", func() error { _, err := s.Do(ctx, "INCR", "n"); return err }},
		{"Apply", func() error { return s.Apply(ctx, [][]string{{"SET", "a", "1"}}, [][]string{{"SET", "b", "2"}}) }},
		{"Atomic", func() error {
			return s.Atomic(ctx, func(tx *Tx) error {
				tx.Set("x", "1", 0)
				_, err := tx.Incr("x")
				return err
			})
		}},
		{"Pipeline.Exec", func() error {
			p := s.Pipeline()
			p.Set("p", "1", 0)
			p.Incr("p")
			return p.Exec(ctx)
		}},
		{"another database", func() error { return s.DB(3).Set(ctx, "k", "v", 0) }},
	}
	for _, c := range calls {
		_, _, before := l.take()
		if err := c.run(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		waits, held, units := l.take()
		if units != before+1 {
			t.Errorf("%s: %d units appended, want 1 (one unit per call)", c.name, units-before)
		}
		if len(waits) != 1 || waits[0] != uint64(units) {
			t.Errorf("%s: waits %v, want [%d]", c.name, waits, units)
		}
		for _, h := range held {
			if h {
				t.Errorf("%s: Wait called while the owner role was held", c.name)
			}
		}
	}
	// Reads make no unit and wait for nothing.
	if _, err := s.Get(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if waits, _, _ := l.take(); len(waits) != 0 {
		t.Errorf("a read waited for %v", waits)
	}
}

// TestEffectLogWaitError checks that the log's error is the call's error,
// joined with the call's own.
func TestEffectLogWaitError(t *testing.T) {
	s, l := openWithLog(t, nil)
	bad := errors.New("disk on fire")
	l.fail = bad
	if err := s.Set(ctx, "k", "v", 0); !errors.Is(err, bad) {
		t.Fatalf("Set: %v, want the log's error", err)
	}
	own := errors.New("closure's own")
	err := s.Atomic(ctx, func(tx *Tx) error {
		tx.Set("k", "w", 0)
		return own
	})
	if !errors.Is(err, bad) || !errors.Is(err, own) {
		t.Fatalf("Atomic: %v, want both errors", err)
	}
	p := s.Pipeline()
	p.Set("a", "1", 0)
	if err := p.Exec(ctx); !errors.Is(err, bad) {
		t.Fatalf("Exec: %v, want the log's error", err)
	}
	// Nothing to log: nothing to fail.
	if _, err := s.Get(ctx, "k"); err != nil {
		t.Fatalf("Get: %v", err)
	}
}

// TestEffectLogBackgroundNeverWaits checks that active expiry hands its DELs
// to the log without waiting for them.
func TestEffectLogBackgroundNeverWaits(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, l := openWithLog(t, clock)
	if err := s.Set(ctx, "k", "v", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PExpire(ctx, "k", 10*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	_, _, before := l.take()
	clock.Advance(time.Second)
	waits, _, units := l.take()
	if units != before+1 {
		t.Fatalf("%d units from active expiry, want 1", units-before)
	}
	if len(waits) != 0 {
		t.Fatalf("active expiry waited for %v", waits)
	}
	l.mu.Lock()
	last := l.units[len(l.units)-1]
	l.mu.Unlock()
	if got := last[len(last)-1]; len(got) != 2 || got[0] != "DEL" || got[1] != "k" {
		t.Fatalf("active expiry's unit %q, want a DEL of k", last)
	}
}

// TestEffectLogBlockedWaiterWaits checks that a blocked pop served by a later
// push waits for a ticket at least the push's (whose unit holds the pop).
func TestEffectLogBlockedWaiterWaits(t *testing.T) {
	s, l := openWithLog(t, nil)
	done := make(chan error, 1)
	go func() {
		_, _, err := s.BLPop(ctx, "q")
		done <- err
	}()
	// Wait until the pop is parked, then push once: the push serves it.
	for {
		var blocked int
		s.Atomic(ctx, func(tx *Tx) error { blocked = tx.e.blocked; return nil })
		if blocked == 1 {
			break
		}
		runtime.Gosched()
	}
	if _, err := s.RPush(ctx, "q", "x"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// The push that served the pop is the last unit; its unit holds the
	// pop too, and the popper waited for its ticket.
	last := uint64(len(l.units))
	unit := l.units[last-1]
	if len(unit) < 2 || unit[len(unit)-1][0] != "LPOP" {
		t.Fatalf("the serving unit %q lacks the pop", unit)
	}
	count := 0
	for _, w := range l.waits {
		if w == last {
			count++
		}
	}
	if count != 2 {
		t.Fatalf("ticket %d waited for %d times (waits %v), want 2: the pusher and the popper", last, count, l.waits)
	}
}
