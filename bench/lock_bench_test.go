package bench

import (
	"context"
	"testing"
	"time"

	"github.com/bsm/redislock"
	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// BenchmarkLockTryLockRelease: one uncontended TryLock and its Release per
// op — the Locker on the embedded store (two Atomic turns), the same Locker
// on redis-server through goredis (two EVALSHAs), and github.com/bsm/redislock
// (Obtain and Release, two EVALSHAs) on the same redis-server (started here
// on a Unix socket; the remote lines are skipped without redis-server).
//
//	cd bench && go test -run '^$' -bench BenchmarkLockTryLockRelease -benchmem
func BenchmarkLockTryLockRelease(b *testing.B) {
	ctx := context.Background()
	const ttl = 10 * time.Second
	tryRelease := func(b *testing.B, l *embedis.Locker) {
		b.Helper()
		b.ReportAllocs()
		for b.Loop() {
			lease, err := l.TryLock(ctx, "job")
			if err != nil {
				b.Fatal(err)
			}
			if err := lease.Release(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("embedded", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		l, err := embedis.NewLocker(embedis.Embedded(s), "bench", embedis.LockerOptions{TTL: ttl})
		if err != nil {
			b.Fatal(err)
		}
		tryRelease(b, l)
	})
	// The remote lines share one redis-server, stopped with the parent.
	srv := redistest.Start(b) // skips the rest without redis-server (fails with CI=true)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		b.Fatal(err)
	}
	b.Run("redis", func(b *testing.B) {
		l, err := embedis.NewLocker(goredis.New(rdb), "bench", embedis.LockerOptions{TTL: ttl})
		if err != nil {
			b.Fatal(err)
		}
		tryRelease(b, l)
	})
	b.Run("redislock", func(b *testing.B) {
		locker := redislock.New(rdb)
		b.ReportAllocs()
		for b.Loop() {
			lock, err := locker.Obtain(ctx, "redislock:{job}", ttl, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := lock.Release(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
