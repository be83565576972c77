package bench

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"
)

// BenchmarkRateLimitAllow: one admitted Allow per op on one key — the
// RateLimiter (GCRA) on the embedded store (one Atomic turn), next to
// golang.org/x/time/rate's Limiter.Allow (in process, one mutex); and the
// same RateLimiter on redis-server through goredis (one EVALSHA), next to
// github.com/go-redis/redis_rate/v10 (GCRA too, one EVALSHA) on the same
// redis-server (started here on a Unix socket; the remote lines are skipped
// without redis-server). The limit (a billion a second) is never reached,
// so every op takes the admitting path.
//
//	cd bench && go test -run '^$' -bench BenchmarkRateLimitAllow -benchmem
func BenchmarkRateLimitAllow(b *testing.B) {
	ctx := context.Background()
	const perSecond = 1_000_000_000
	allow := func(b *testing.B, l *embedis.RateLimiter) {
		b.Helper()
		b.ReportAllocs()
		for b.Loop() {
			r, err := l.Allow(ctx, "client")
			if err != nil || !r.Allowed {
				b.Fatal(r, err)
			}
		}
	}
	b.Run("embedded", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		l, err := embedis.NewRateLimiter(embedis.Embedded(s), "bench", embedis.PerSecond(perSecond))
		if err != nil {
			b.Fatal(err)
		}
		allow(b, l)
	})
	b.Run("x-time-rate", func(b *testing.B) {
		l := rate.NewLimiter(rate.Limit(perSecond), perSecond)
		b.ReportAllocs()
		for b.Loop() {
			if !l.Allow() {
				b.Fatal("refused")
			}
		}
	})
	srv := redistest.Start(b) // skips the rest without redis-server (fails with CI=true)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	defer rdb.Close()
	if err := rdb.Ping(ctx).Err(); err != nil {
		b.Fatal(err)
	}
	b.Run("redis", func(b *testing.B) {
		l, err := embedis.NewRateLimiter(goredis.New(rdb), "bench", embedis.PerSecond(perSecond))
		if err != nil {
			b.Fatal(err)
		}
		allow(b, l)
	})
	b.Run("redis_rate", func(b *testing.B) {
		l := redis_rate.NewLimiter(rdb)
		limit := redis_rate.PerSecond(perSecond)
		b.ReportAllocs()
		for b.Loop() {
			r, err := l.Allow(ctx, "client", limit)
			if err != nil || r.Allowed != 1 {
				b.Fatal(r, err)
			}
		}
	})
}

// BenchmarkRateLimitAlgorithms: Allow per op for each algorithm, embedded
// and on redis-server, over 1,000 keys in turn (a million a second each, so
// every call is admitted; the sliding-window log holds one member per event
// of the last second).
//
//	cd bench && go test -run '^$' -bench BenchmarkRateLimitAlgorithms -benchmem
func BenchmarkRateLimitAlgorithms(b *testing.B) {
	ctx := context.Background()
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "client:" + strconv.Itoa(i)
	}
	algos := []embedis.RateLimitAlgorithm{embedis.GCRA, embedis.TokenBucket, embedis.FixedWindow,
		embedis.SlidingWindowLog, embedis.SlidingWindowCounter}
	run := func(b *testing.B, backend embedis.Backend, a embedis.RateLimitAlgorithm) {
		l, err := embedis.NewRateLimiter(backend, "bench"+a.String(), embedis.RateLimiterOptions{
			Algorithm: a, Rate: 1_000_000, Period: time.Second, Burst: 1_000_000})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			r, err := l.Allow(ctx, keys[i%len(keys)])
			if err != nil || !r.Allowed {
				b.Fatal(r, err)
			}
			i++
		}
	}
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, a := range algos {
		b.Run("embedded/"+a.String(), func(b *testing.B) { run(b, embedis.Embedded(s), a) })
	}
	srv := redistest.Start(b) // skips the rest without redis-server (fails with CI=true)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	defer rdb.Close()
	for _, a := range algos {
		b.Run("redis/"+a.String(), func(b *testing.B) { run(b, goredis.New(rdb), a) })
	}
}
