package helpersuite

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

func init() { Register("Lock", lockSuite) }

var (
	lockDelScript  = embedis.NewScript(`return redis.call('DEL', KEYS[1])`)
	lockHashScript = embedis.NewScript(`redis.call('DEL', KEYS[1]); return redis.call('HSET', KEYS[1], 'f', 'v')`)
)

// putHash replaces key with a hash, as a client that wrote the wrong key.
func putHash(t *testing.T, env Env, key string) {
	t.Helper()
	var err error
	if env.Remote {
		_, err = env.Backend.Run(context.Background(), lockHashScript, []string{key})
	} else {
		if _, err = env.Store.Del(context.Background(), key); err == nil {
			_, err = env.Store.HSet(context.Background(), key, "f", "v")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

// lockTTL is the TTL of the suite's short leases: long enough for a few
// round trips on a loaded machine, short enough that waiting it out on a
// real Redis is quick.
const lockTTL = 300 * time.Millisecond

// newLocker builds a Locker on env with fast remote retries.
func newLocker(t *testing.T, env Env, ttl time.Duration) *embedis.Locker {
	t.Helper()
	l, err := embedis.NewLocker(env.Backend, env.Prefix+"lock", embedis.LockerOptions{
		TTL: ttl, RetryMin: time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// deleteKey deletes key behind the helper's back, as another client's DEL.
func deleteKey(t *testing.T, env Env, key string) {
	t.Helper()
	var err error
	if env.Remote {
		_, err = env.Backend.Run(context.Background(), lockDelScript, []string{key})
	} else {
		_, err = env.Store.Del(context.Background(), key)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// receive returns what ch delivers, failing the test if nothing arrives in
// ten seconds (a stuck KeepAlive; not a timing claim).
func receive(t *testing.T, ch <-chan error) (err error, ok bool) {
	t.Helper()
	select {
	case err, ok = <-ch:
		return err, ok
	case <-time.After(10 * time.Second):
		t.Fatal("KeepAlive's channel: nothing in 10s")
		return nil, false
	}
}

func lockSuite(t *testing.T, newEnv NewEnv) {
	ctx := context.Background()

	t.Run("Options", func(t *testing.T) {
		env := newEnv(t)
		for _, c := range []struct {
			name string
			opts embedis.LockerOptions
		}{
			{"x", embedis.LockerOptions{TTL: -time.Second}},
			{"x", embedis.LockerOptions{TTL: time.Microsecond}},
			{"x", embedis.LockerOptions{RetryMin: -1}},
			{"x", embedis.LockerOptions{RetryMax: -1}},
			{"x", embedis.LockerOptions{Retries: -1}},
			{"x", embedis.LockerOptions{RetryMin: time.Second, RetryMax: time.Millisecond}},
			{"a{b", embedis.LockerOptions{}},
			{"", embedis.LockerOptions{}},
			{"a}b", embedis.LockerOptions{}},
		} {
			if _, err := embedis.NewLocker(env.Backend, c.name, c.opts); !errors.Is(err, embedis.ErrLockArg) {
				t.Errorf("NewLocker(%q, %+v): err = %v, want ErrLockArg", c.name, c.opts, err)
			}
		}
		l := newLocker(t, env, lockTTL)
		for _, r := range []string{"", "}x"} {
			if _, err := l.TryLock(ctx, r); !errors.Is(err, embedis.ErrLockArg) {
				t.Errorf("TryLock(%q): err = %v, want ErrLockArg", r, err)
			}
			if _, err := l.Lock(ctx, r); !errors.Is(err, embedis.ErrLockArg) {
				t.Errorf("Lock(%q): err = %v, want ErrLockArg", r, err)
			}
		}
		if got, want := l.Key("job"), env.Prefix+"lock:{job}"; got != want {
			t.Errorf("Key = %q, want %q", got, want)
		}
	})

	t.Run("TryLockRelease", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		a, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		if a.Token() < 1 || len(a.Owner()) != 32 || a.Resource() != "job" {
			t.Fatalf("lease: token %d, owner %q, resource %q", a.Token(), a.Owner(), a.Resource())
		}
		if _, err := l.TryLock(ctx, "job"); !errors.Is(err, embedis.ErrLockHeld) {
			t.Fatalf("second TryLock: err = %v, want ErrLockHeld", err)
		}
		other, err := l.TryLock(ctx, "other")
		if err != nil {
			t.Fatalf("TryLock of another resource: %v", err)
		}
		if ttl, err := a.TTL(ctx); err != nil || ttl <= 0 || ttl > lockTTL {
			t.Fatalf("TTL = %v, %v; want in (0, %v]", ttl, err, lockTTL)
		}
		if err := a.Release(ctx); err != nil {
			t.Fatalf("Release: %v", err)
		}
		if err := a.Release(ctx); err != nil {
			t.Fatalf("second Release: %v, want nil (idempotent)", err)
		}
		if err := a.Extend(ctx, 0); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Extend after Release: %v, want ErrNotHeld", err)
		}
		if _, err := a.TTL(ctx); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("TTL after Release: %v, want ErrNotHeld", err)
		}
		b, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatalf("TryLock after Release: %v", err)
		}
		if b.Token() <= a.Token() || b.Owner() == a.Owner() {
			t.Fatalf("second lease: token %d (first %d), owner %q (first %q)", b.Token(), a.Token(), b.Owner(), a.Owner())
		}
		// A released lease never frees another owner's lock.
		if err := a.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := l.TryLock(ctx, "job"); !errors.Is(err, embedis.ErrLockHeld) {
			t.Fatalf("TryLock while b holds: %v, want ErrLockHeld", err)
		}
		if err := b.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := other.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ExpiryAndFencing", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		a, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		env.Advance(lockTTL + 150*time.Millisecond)
		b, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatalf("TryLock after the lease expired: %v", err)
		}
		if b.Token() <= a.Token() {
			t.Fatalf("token after expiry %d, not above %d", b.Token(), a.Token())
		}
		// The lost lease can neither extend nor release b's lock.
		if err := a.Extend(ctx, 0); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Extend of a lost lease: %v, want ErrNotHeld", err)
		}
		for i := 0; i < 2; i++ {
			if err := a.Release(ctx); !errors.Is(err, embedis.ErrNotHeld) {
				t.Fatalf("Release %d of a lost lease: %v, want ErrNotHeld", i, err)
			}
		}
		if _, err := b.TTL(ctx); err != nil {
			t.Fatalf("b lost its lock to a's Release: %v", err)
		}
		// The fencing counter outlives the lock key's expiry.
		env.Advance(lockTTL + 150*time.Millisecond)
		c, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		if c.Token() <= b.Token() {
			t.Fatalf("token after a second expiry %d, not above %d", c.Token(), b.Token())
		}
		if err := b.Release(ctx); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Release of the expired b: %v, want ErrNotHeld", err)
		}
		if err := c.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Extend", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		a, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Extend(ctx, -time.Second); !errors.Is(err, embedis.ErrLockArg) {
			t.Fatalf("Extend(-1s): %v, want ErrLockArg", err)
		}
		// Two extends, each before the lease runs out: together longer
		// than the TTL.
		for i := 0; i < 2; i++ {
			env.Advance(lockTTL / 2)
			if err := a.Extend(ctx, 0); err != nil {
				t.Fatalf("Extend %d: %v", i, err)
			}
		}
		env.Advance(lockTTL / 2)
		if _, err := l.TryLock(ctx, "job"); !errors.Is(err, embedis.ErrLockHeld) {
			t.Fatalf("TryLock after extends: %v, want ErrLockHeld", err)
		}
		if err := a.Extend(ctx, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if ttl, err := a.TTL(ctx); err != nil || ttl <= lockTTL || ttl > 10*time.Second {
			t.Fatalf("TTL after Extend(10s) = %v, %v", ttl, err)
		}
		if err := a.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("LockWaits", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		a, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		// A context that ends first ends the wait.
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err = l.Lock(short, "job")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Lock with a short context: %v, want DeadlineExceeded", err)
		}
		if env.Remote {
			// Bounded retries end with ErrLockHeld.
			bounded, err := embedis.NewLocker(env.Backend, env.Prefix+"lock", embedis.LockerOptions{
				TTL: lockTTL, RetryMin: time.Millisecond, RetryMax: 2 * time.Millisecond, Retries: 3,
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := bounded.Lock(ctx, "job"); !errors.Is(err, embedis.ErrLockHeld) {
				t.Fatalf("Lock with 3 retries on a held lock: %v, want ErrLockHeld", err)
			}
		}
		// Freed by Release.
		got := make(chan *embedis.Lease, 1)
		go func() {
			b, err := l.Lock(ctx, "job")
			if err != nil {
				t.Error(err)
			}
			got <- b
		}()
		if err := a.Release(ctx); err != nil {
			t.Fatal(err)
		}
		b := <-got
		if b == nil || b.Token() <= a.Token() {
			t.Fatalf("Lock after Release: %v", b)
		}
		// Freed by expiry.
		go func() {
			c, err := l.Lock(ctx, "job")
			if err != nil {
				t.Error(err)
			}
			got <- c
		}()
		env.Advance(lockTTL + 150*time.Millisecond)
		c := <-got
		if c == nil || c.Token() <= b.Token() {
			t.Fatalf("Lock after expiry: %v", c)
		}
		if err := c.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("KeepAlive", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		a, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		kctx, stop := context.WithCancel(ctx)
		ch := a.KeepAlive(kctx)
		// Three TTLs pass in steps of a third: the renewals keep it.
		for i := 0; i < 9; i++ {
			env.Advance(lockTTL / 3)
		}
		if _, err := l.TryLock(ctx, "job"); !errors.Is(err, embedis.ErrLockHeld) {
			t.Fatalf("TryLock after 3 TTLs of KeepAlive: %v, want ErrLockHeld", err)
		}
		if _, err := a.TTL(ctx); err != nil {
			t.Fatalf("TTL under KeepAlive: %v", err)
		}
		stop()
		if err, ok := receive(t, ch); ok {
			t.Fatalf("KeepAlive stopped by its context sent %v, want a closed channel", err)
		}
		env.Advance(lockTTL + 150*time.Millisecond)
		b, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatalf("TryLock once KeepAlive stopped and the TTL passed: %v", err)
		}
		if err := a.Release(ctx); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Release of the expired lease: %v", err)
		}

		// Release stops KeepAlive, closing its channel.
		ch = b.KeepAlive(ctx)
		if err := b.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err, ok := receive(t, ch); ok {
			t.Fatalf("KeepAlive stopped by Release sent %v", err)
		}
		if err, _ := receive(t, b.KeepAlive(ctx)); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("KeepAlive of a released lease sent %v, want ErrNotHeld", err)
		}
	})

	t.Run("KeepAliveLoss", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		a, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		ch := a.KeepAlive(ctx)
		deleteKey(t, env, l.Key("job"))
		b, err := l.TryLock(ctx, "job")
		if err != nil {
			t.Fatal(err)
		}
		env.Advance(lockTTL/3 + 10*time.Millisecond)
		if err, ok := receive(t, ch); !ok || !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("KeepAlive of a lost lease sent %v (ok %v), want ErrNotHeld", err, ok)
		}
		if _, ok := receive(t, ch); ok {
			t.Fatal("KeepAlive's channel not closed after the loss")
		}
		if ttl, err := b.TTL(ctx); err != nil || ttl <= 0 {
			t.Fatalf("the new owner's TTL = %v, %v", ttl, err)
		}
		if err := a.Release(ctx); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Release of the lost lease: %v", err)
		}
		if err := b.Release(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("WrongTypeKey", func(t *testing.T) {
		// A lock key holding another type is held by nobody's lease:
		// TryLock finds it taken, a lease whose key was replaced is lost.
		env := newEnv(t)
		l := newLocker(t, env, lockTTL)
		putHash(t, env, l.Key("job"))
		if _, err := l.TryLock(ctx, "job"); !errors.Is(err, embedis.ErrLockHeld) {
			t.Fatalf("TryLock of a hash key: %v, want ErrLockHeld", err)
		}
		a, err := l.TryLock(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		putHash(t, env, l.Key("other"))
		if err := a.Extend(ctx, 0); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Extend of a lease whose key is a hash: %v, want ErrNotHeld", err)
		}
		if _, err := a.TTL(ctx); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("TTL of a lease whose key is a hash: %v, want ErrNotHeld", err)
		}
		if err := a.Release(ctx); !errors.Is(err, embedis.ErrNotHeld) {
			t.Fatalf("Release of a lease whose key is a hash: %v, want ErrNotHeld", err)
		}
	})

	t.Run("Contenders", func(t *testing.T) {
		env := newEnv(t)
		l := newLocker(t, env, 10*time.Second)
		const contenders, rounds = 50, 2
		var (
			holders atomic.Int32
			mu      sync.Mutex
			tokens  []int64
			wg      sync.WaitGroup
		)
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		for i := 0; i < contenders; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := 0; r < rounds; r++ {
					lease, err := l.Lock(ctx, "job")
					if err != nil {
						t.Error(err)
						return
					}
					if n := holders.Add(1); n != 1 {
						t.Errorf("%d holders at once", n)
					}
					mu.Lock()
					tokens = append(tokens, lease.Token())
					mu.Unlock()
					holders.Add(-1)
					if err := lease.Release(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(tokens) != contenders*rounds {
			t.Fatalf("%d acquisitions, want %d", len(tokens), contenders*rounds)
		}
		for i := 1; i < len(tokens); i++ {
			if tokens[i] <= tokens[i-1] {
				t.Fatalf("token %d = %d after %d: not increasing", i, tokens[i], tokens[i-1])
			}
		}
	})
}
