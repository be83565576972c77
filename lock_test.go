package embedis

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// The embedded Locker's waiting: FIFO hand-off on release and expiry,
// without polling. The behaviour shared with Redis is in
// internal/helpersuite/lock.go.

// countingClock counts the Store's reads of the time: every unit that looks
// at a volatile key (as each lock attempt does) reads it once, so a waiter
// that polled would make the count grow.
type countingClock struct {
	*ManualClock
	reads atomic.Int64
}

func (c *countingClock) Now() time.Time {
	c.reads.Add(1)
	return c.ManualClock.Now()
}

func newLockStore(t *testing.T) (*Store, *countingClock) {
	t.Helper()
	clock := &countingClock{ManualClock: NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))}
	s, err := Open(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

func blockedCallers(s *Store) int {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	return s.e.blocked
}

// lockInOrder starts n Lock calls on resource one after the other, each
// parked before the next starts, and returns the channel their leases
// arrive on, each with its place in the queue.
func lockInOrder(t *testing.T, s *Store, l *Locker, resource string, n int) <-chan queued {
	t.Helper()
	got := make(chan queued, n)
	base := blockedCallers(s)
	for i := 0; i < n; i++ {
		go func() {
			lease, err := l.Lock(context.Background(), resource)
			if err != nil {
				t.Error(err)
			}
			got <- queued{i, lease}
		}()
		waitFor(t, func() bool { return blockedCallers(s) == base+i+1 })
	}
	return got
}

type queued struct {
	place int
	lease *Lease
}

// next returns the next lease from got, failing the test if none comes in
// ten seconds (a waiter nobody woke; not a timing claim).
func next(t *testing.T, got <-chan queued) queued {
	t.Helper()
	select {
	case q := <-got:
		return q
	case <-time.After(10 * time.Second):
		t.Fatal("no waiter woken in 10s")
		return queued{}
	}
}

// TestLockFIFO: waiters get the lock in the order they called Lock, each
// when the holder's lease ends by Release, by active expiry, by lazy
// expiry, by a DEL of the key, or by FLUSHDB.
func TestLockFIFO(t *testing.T) {
	s, clock := newLockStore(t)
	const ttl = time.Second
	l, err := NewLocker(Embedded(s), "fifo", LockerOptions{TTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := l.TryLock(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	got := lockInOrder(t, s, l, "job", 6)
	// A TryLock never jumps the queue.
	if _, err := l.TryLock(ctx, "job"); !errors.Is(err, ErrLockHeld) {
		t.Fatalf("TryLock with waiters: %v", err)
	}
	place := 0
	check := func(how string, free func()) {
		t.Helper()
		free()
		q := next(t, got)
		if q.place != place || q.lease == nil {
			t.Fatalf("%s woke waiter %d (lease %v), want %d", how, q.place, q.lease, place)
		}
		if q.lease.Token() <= holder.Token() {
			t.Fatalf("%s: token %d after %d", how, q.lease.Token(), holder.Token())
		}
		holder = q.lease
		place++
	}
	check("Release", func() {
		if err := holder.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})
	check("active expiry", func() { clock.Advance(ttl + time.Millisecond) })
	check("lazy expiry", func() {
		// Inside one unit: the clock moves before the unit reads it, the
		// read finds the key past its deadline and expires it (active
		// expiry is held off until the closure's unit ends), and the unit's
		// end hands the lock on.
		err := s.Atomic(ctx, func(tx *Tx) error {
			clock.Advance(ttl + time.Millisecond)
			n, err := tx.Exists(l.Key("job"))
			if n != 0 {
				t.Errorf("lock key still there past its deadline")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	check("DEL", func() {
		if _, err := s.Del(ctx, l.Key("job")); err != nil {
			t.Fatal(err)
		}
	})
	check("Release", func() {
		if err := holder.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})
	// The last waiter: the fencing counter goes with FLUSHDB (as with any
	// other data: FLUSHDB is not for a store whose locks fence writes), so
	// only the order is checked.
	if err := s.FlushDB(ctx); err != nil {
		t.Fatal(err)
	}
	if q := next(t, got); q.place != place || q.lease == nil {
		t.Fatalf("FLUSHDB woke waiter %d, want %d", q.place, place)
	}
	if n := blockedCallers(s); n != 0 {
		t.Fatalf("%d callers still blocked", n)
	}
}

// TestLockNoPolling: parked waiters take no turn on the store until the
// lock frees: the store reads its clock (once per unit that looks at a
// volatile key, as every lock attempt does) no more while they wait, however
// much time passes on either clock short of the lease's end.
func TestLockNoPolling(t *testing.T) {
	s, clock := newLockStore(t)
	const ttl = time.Second
	l, err := NewLocker(Embedded(s), "poll", LockerOptions{TTL: ttl, RetryMin: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := l.TryLock(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	got := lockInOrder(t, s, l, "job", 3)
	before := clock.reads.Load()
	time.Sleep(50 * time.Millisecond) // wall-clock time for a poller to show itself
	for i := 0; i < 9; i++ {
		clock.Advance(ttl / 10) // store-clock time, short of the lease's end
	}
	if after := clock.reads.Load(); after != before {
		t.Fatalf("the store read its clock %d times while the waiters waited: someone polls", after-before)
	}
	if err := holder.Release(ctx); err != nil {
		t.Fatal(err)
	}
	q := next(t, got)
	if q.place != 0 {
		t.Fatalf("Release woke waiter %d", q.place)
	}
	for i := 1; i < 3; i++ {
		if err := q.lease.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if q = next(t, got); q.place != i {
			t.Fatalf("waiter %d woken in place %d", q.place, i)
		}
	}
}

// TestLockWaiterContext: a waiter whose context ends leaves the queue; the
// ones behind it keep their order.
func TestLockWaiterContext(t *testing.T) {
	s, _ := newLockStore(t)
	l, err := NewLocker(Embedded(s), "ctx", LockerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := l.TryLock(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	gave := make(chan error, 1)
	go func() {
		_, err := l.Lock(cctx, "job")
		gave <- err
	}()
	waitFor(t, func() bool { return blockedCallers(s) == 1 })
	got := lockInOrder(t, s, l, "job", 1)
	cancel()
	if err := <-gave; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if err := holder.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if q := next(t, got); q.lease == nil {
		t.Fatal("the waiter behind the cancelled one got nothing")
	}
	if n := blockedCallers(s); n != 0 {
		t.Fatalf("%d callers still blocked", n)
	}
}

// TestLockWaitersAndLists: a lock waiter and a BLPOP on other keys do not
// disturb each other; a deleted list does not wake a BLPOP on it.
func TestLockWaitersAndLists(t *testing.T) {
	s, _ := newLockStore(t)
	l, err := NewLocker(Embedded(s), "mix", LockerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := l.TryLock(ctx, "job")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RPush(ctx, "list", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LPop(ctx, "list"); err != nil { // emptied: deleted
		t.Fatal(err)
	}
	popped := make(chan string, 1)
	go func() {
		_, v, err := s.BLPop(ctx, "list")
		if err != nil {
			t.Error(err)
		}
		popped <- v
	}()
	waitFor(t, func() bool { return blockedCallers(s) == 1 })
	got := lockInOrder(t, s, l, "job", 1)
	if _, err := s.RPush(ctx, "list", "x"); err != nil {
		t.Fatal(err)
	}
	if v := <-popped; v != "x" {
		t.Fatalf("BLPOP got %q", v)
	}
	if err := holder.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if q := next(t, got); q.lease == nil {
		t.Fatal("lock waiter got nothing")
	}
}

// TestLockRetryDelay: the remote back-off stays within its documented
// bounds: at least 100µs, at most min(RetryMin·2ⁿ, RetryMax), and at most a
// millisecond past the holder's remaining TTL.
func TestLockRetryDelay(t *testing.T) {
	s, _ := newLockStore(t)
	l, err := NewLocker(Embedded(s), "retry", LockerOptions{RetryMin: 2 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 0; attempt < 100; attempt++ {
		ceil := 50 * time.Millisecond
		if attempt < 5 {
			ceil = 2 * time.Millisecond << attempt
		}
		for _, pttl := range []time.Duration{-1, 0, 3 * time.Millisecond, time.Hour} {
			for i := 0; i < 20; i++ {
				d := l.retryDelay(attempt, pttl)
				if d < 100*time.Microsecond || d > max(ceil, 100*time.Microsecond) || pttl >= 0 && d > max(pttl+time.Millisecond, 100*time.Microsecond) {
					t.Fatalf("retryDelay(%d, %v) = %v, ceiling %v", attempt, pttl, d, ceil)
				}
			}
		}
	}
	if l, err := NewLocker(Embedded(s), "retry", LockerOptions{RetryMax: time.Millisecond}); err != nil || l.retryMin != time.Millisecond {
		t.Fatalf("RetryMax alone below the default RetryMin: %v, RetryMin %v", err, l.retryMin)
	}
}

// failingBackend is a remote backend whose server takes the lock and then
// stops answering: every script after the first fails with err.
type failingBackend struct {
	err   error
	calls atomic.Int32
}

func (*failingBackend) Store() *Store { return nil }

func (b *failingBackend) Run(_ context.Context, script *Script, _ []string, _ ...any) (any, error) {
	if b.calls.Add(1) == 1 && script == lockAcquireScript {
		return []any{int64(1), int64(7)}, nil
	}
	return nil, b.err
}

// TestLockKeepAliveBackendDown: renewals that fail with a backend error are
// retried while the lease may be alive; once its time is up KeepAlive
// reports the loss as ErrNotHeld joined with the backend's error.
func TestLockKeepAliveBackendDown(t *testing.T) {
	down := errors.New("connection refused")
	b := &failingBackend{err: down}
	l, err := NewLocker(b, "down", LockerOptions{TTL: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	// A remote Locker's timers run on the wall clock; this one's on a
	// manual clock, so that the renewals happen at known times.
	clock := NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	l.clock = clock
	lease, err := l.TryLock(ctx, "job")
	if err != nil || lease.Token() != 7 {
		t.Fatalf("TryLock = %v, %v", lease, err)
	}
	lost := lease.KeepAlive(ctx)
	for i := 0; i < 2; i++ {
		clock.Advance(10 * time.Millisecond) // a renewal fails; the lease has time left
		select {
		case err := <-lost:
			t.Fatalf("KeepAlive gave up after %d failed renewals with time left: %v", i+1, err)
		default:
		}
	}
	clock.Advance(10 * time.Millisecond) // the third fails at the lease's end
	select {
	case err := <-lost:
		if !errors.Is(err, ErrNotHeld) || !errors.Is(err, down) {
			t.Fatalf("KeepAlive sent %v, want ErrNotHeld and the backend's error", err)
		}
	default:
		t.Fatal("KeepAlive reported nothing at the lease's end")
	}
	if n := b.calls.Load(); n != 4 {
		t.Fatalf("%d calls, want the acquisition and 3 renewals", n)
	}
	if err := lease.Release(ctx); !errors.Is(err, down) {
		t.Fatalf("Release with the backend down: %v", err)
	}
}

// TestLockWaiterStoreClosed: a waiter is woken with ErrClosed when the
// store closes.
func TestLockWaiterStoreClosed(t *testing.T) {
	s, _ := newLockStore(t)
	l, err := NewLocker(Embedded(s), "closed", LockerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.TryLock(ctx, "job"); err != nil {
		t.Fatal(err)
	}
	gave := make(chan error, 1)
	go func() {
		_, err := l.Lock(ctx, "job")
		gave <- err
	}()
	waitFor(t, func() bool { return blockedCallers(s) == 1 })
	s.Close()
	if err := <-gave; !errors.Is(err, ErrClosed) {
		t.Fatalf("waiter after Close: %v, want ErrClosed", err)
	}
}
