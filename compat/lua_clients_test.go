package compat

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/go-redis/redis_rate/v10"
	"github.com/go-redsync/redsync/v4"
	"github.com/go-redsync/redsync/v4/redis/goredis/v9"
	"github.com/redis/go-redis/v9"
)

// The libraries below do their work in Lua scripts (EVALSHA, then EVAL on
// NOSCRIPT): a rate limiter (GCRA over TIME, GET and SET), and two locks
// (SET NX PX, then compare-and-delete and compare-and-pexpire scripts).
// Each runs its usual calls through go-redis against an embedis server, over
// TCP in RESP2 and RESP3 and through the in-memory dialer, and against
// redis-server (skipped without one), which shows the assertions are Redis's
// behaviour.

// onEveryServer runs test with a client of each kind.
func onEveryServer(t *testing.T, test func(t *testing.T, rdb *redis.Client)) {
	srv := embedistest.Run(t)
	for name, rdb := range clients(t, srv) {
		t.Run(name, func(t *testing.T) { test(t, rdb) })
	}
	t.Run("redis-server", func(t *testing.T) {
		real := redistest.Start(t)
		rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: real.Socket})
		t.Cleanup(func() { rdb.Close() })
		test(t, rdb)
	})
}

// TestRedisRate: go-redis/redis_rate's limiter lets a burst of N through,
// refuses the next with a retry delay, counts AllowN's cost, and starts
// over after Reset.
func TestRedisRate(t *testing.T) { onEveryServer(t, rateLimiterCalls) }

func rateLimiterCalls(t *testing.T, rdb *redis.Client) {
	rdb.FlushAll(ctx)
	limiter := redis_rate.NewLimiter(rdb)
	// 5 a minute: nothing flows back in during the test.
	limit := redis_rate.PerMinute(5)
	for i := 0; i < 5; i++ {
		res, err := limiter.Allow(ctx, "project:1", limit)
		if err != nil || res.Allowed != 1 || res.Remaining != 4-i || res.RetryAfter != -1 {
			t.Fatalf("request %d: %+v, %v", i+1, res, err)
		}
	}
	res, err := limiter.Allow(ctx, "project:1", limit)
	if err != nil || res.Allowed != 0 || res.Remaining != 0 || res.RetryAfter <= 0 || res.RetryAfter > 12*time.Second {
		t.Fatalf("request 6: %+v, %v; want refused with a retry delay of at most 12s", res, err)
	}
	if res.ResetAfter <= 48*time.Second || res.ResetAfter > time.Minute {
		t.Fatalf("request 6: reset after %v, want about a minute", res.ResetAfter)
	}
	// Another key has its own budget; AllowN spends several.
	res, err = limiter.AllowN(ctx, "project:2", limit, 3)
	if err != nil || res.Allowed != 3 || res.Remaining != 2 {
		t.Fatalf("AllowN 3: %+v, %v", res, err)
	}
	res, err = limiter.AllowN(ctx, "project:2", limit, 3)
	if err != nil || res.Allowed != 0 || res.RetryAfter <= 0 || res.RetryAfter > 12*time.Second {
		t.Fatalf("AllowN 3 again: %+v, %v; want refused until one more is due", res, err)
	}
	res, err = limiter.AllowAtMost(ctx, "project:2", limit, 3)
	if err != nil || res.Allowed != 2 || res.Remaining != 0 {
		t.Fatalf("AllowAtMost 3: %+v, %v; want the 2 left", res, err)
	}
	if ttl, err := rdb.TTL(ctx, "rate:project:1").Result(); err != nil || ttl <= 0 {
		t.Fatalf("the limiter's key has no TTL: %v, %v", ttl, err)
	}
	if err := limiter.Reset(ctx, "project:1"); err != nil {
		t.Fatal(err)
	}
	res, err = limiter.Allow(ctx, "project:1", limit)
	if err != nil || res.Allowed != 1 || res.Remaining != 4 {
		t.Fatalf("after Reset: %+v, %v", res, err)
	}
}

// TestRedisLock: bsm/redislock's lock is exclusive, reports and refreshes
// its TTL, releases once, and can be obtained again after release.
func TestRedisLock(t *testing.T) { onEveryServer(t, redisLockCalls) }

func redisLockCalls(t *testing.T, rdb *redis.Client) {
	rdb.FlushAll(ctx)
	locker := redislock.New(rdb)
	lock, err := locker.Obtain(ctx, "job:1", 2*time.Second, &redislock.Options{Metadata: "meta"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := locker.Obtain(ctx, "job:1", time.Second, nil); !errors.Is(err, redislock.ErrNotObtained) {
		t.Fatalf("second Obtain: %v, want ErrNotObtained", err)
	}
	if v, err := rdb.Get(ctx, "job:1").Result(); err != nil || v != lock.Token()+"meta" {
		t.Fatalf("the lock's value %q, %v; want token and metadata", v, err)
	}
	ttl, err := lock.TTL(ctx)
	if err != nil || ttl <= 0 || ttl > 2*time.Second {
		t.Fatalf("TTL = %v, %v", ttl, err)
	}
	if err := lock.Refresh(ctx, time.Minute, nil); err != nil {
		t.Fatal(err)
	}
	if ttl, err := lock.TTL(ctx); err != nil || ttl <= 2*time.Second || ttl > time.Minute {
		t.Fatalf("TTL after Refresh(1m) = %v, %v", ttl, err)
	}
	if err := lock.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := lock.Release(ctx); !errors.Is(err, redislock.ErrLockNotHeld) {
		t.Fatalf("second Release: %v, want ErrLockNotHeld", err)
	}
	if err := lock.Refresh(ctx, time.Minute, nil); !errors.Is(err, redislock.ErrNotObtained) {
		t.Fatalf("Refresh after Release: %v, want ErrNotObtained", err)
	}
	if ttl, err := lock.TTL(ctx); err != nil || ttl != 0 {
		t.Fatalf("TTL after Release = %v, %v; want 0", ttl, err)
	}
	// Someone else's lock is not released by a stale token.
	other, err := locker.Obtain(ctx, "job:1", time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Release(ctx); !errors.Is(err, redislock.ErrLockNotHeld) {
		t.Fatalf("Release of a lock taken over: %v", err)
	}
	if n, _ := rdb.Exists(ctx, "job:1").Result(); n != 1 {
		t.Fatal("a stale token released someone else's lock")
	}
	if err := other.Release(ctx); err != nil {
		t.Fatal(err)
	}
	// Waiters retry until the holder releases.
	held, err := locker.Obtain(ctx, "job:2", time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		l, err := locker.Obtain(ctx, "job:2", time.Minute, &redislock.Options{RetryStrategy: redislock.LinearBackoff(5 * time.Millisecond)})
		if err == nil {
			err = l.Release(ctx)
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	if err := held.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("waiting Obtain: %v", err)
	}
}

// TestRedsync: go-redsync's mutex keeps goroutines out of each other's
// critical sections, and TryLock, Extend, Valid and Unlock behave.
func TestRedsync(t *testing.T) { onEveryServer(t, redsyncCalls) }

func redsyncCalls(t *testing.T, rdb *redis.Client) {
	rdb.FlushAll(ctx)
	rs := redsync.New(goredis.NewPool(rdb))
	m := rs.NewMutex("orders", redsync.WithExpiry(10*time.Second))
	if err := m.Lock(); err != nil {
		t.Fatal(err)
	}
	var taken *redsync.ErrTaken
	if err := rs.NewMutex("orders", redsync.WithTries(1)).TryLock(); !errors.As(err, &taken) {
		t.Fatalf("TryLock of a held mutex: %v, want ErrTaken", err)
	}
	// The lock's key holds this mutex's value (Mutex.Valid, deprecated,
	// asked the same).
	if v, err := rdb.Get(ctx, "orders").Result(); v != m.Value() || err != nil {
		t.Fatalf("GET orders = %q, %v; the mutex's value is %q", v, err, m.Value())
	}
	until := m.Until()
	if ok, err := m.Extend(); !ok || err != nil || m.Until().Before(until) {
		t.Fatalf("Extend = %v, %v", ok, err)
	}
	if ok, err := m.Unlock(); !ok || err != nil {
		t.Fatalf("Unlock = %v, %v", ok, err)
	}
	if ok, err := m.Unlock(); ok || !errors.Is(err, redsync.ErrLockAlreadyExpired) {
		t.Fatalf("second Unlock = %v, %v; want ErrLockAlreadyExpired", ok, err)
	}

	// Goroutines increment a counter that only the mutex
	// protects: none may find another inside.
	const workers, rounds = 6, 10
	var inside atomic.Int32
	counter := 0
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				mu := rs.NewMutex("counter", redsync.WithExpiry(10*time.Second), redsync.WithTries(10000), redsync.WithRetryDelay(time.Millisecond))
				if err := mu.Lock(); err != nil {
					errs <- err
					return
				}
				if n := inside.Add(1); n != 1 {
					errs <- fmt.Errorf("%d goroutines inside the critical section", n)
				}
				c := counter
				time.Sleep(100 * time.Microsecond)
				counter = c + 1
				inside.Add(-1)
				if ok, err := mu.Unlock(); !ok || err != nil {
					errs <- fmt.Errorf("Unlock = %v, %v", ok, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if counter != workers*rounds {
		t.Fatalf("counter = %d, want %d", counter, workers*rounds)
	}
}
