package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// HyperLogLog benchmarks. Each runs on three targets, side by side:
//
//   - store: embedis in-process, the Store's typed methods;
//   - server: embedis-server (built from cmd/embedis-server) over go-redis
//     on a Unix socket;
//   - redis: redis-server over go-redis on a Unix socket.
//
// BenchmarkPFAdd adds a new element ("el:N") per operation to a dense
// HyperLogLog of 100,000 elements (most adds change no register, as in a
// real unique-visitor count). BenchmarkPFCount counts one such key (its
// cached estimate, rewritten after a PFADD here and there: one PFADD per 64
// counts) and the union of 10 (always computed: Redis caches no union).
// BenchmarkPFCountAccuracy adds 1,000 and 100,000 distinct elements (1M and
// 10M as well with EMBEDIS_BENCH_HLL=big) and reports the estimate of
// embedis and of redis-server, which must be equal, and their relative
// error. No peer library is compared: github.com/axiomhq/hyperloglog, the
// usual Go one, is not served by this project's module proxy.
//
//	cd bench && go test -run '^$' -bench 'PFAdd|PFCount' -benchtime 1s
//	cd bench && EMBEDIS_BENCH_HLL=big go test -run '^$' -bench 'PFCountAccuracy' -benchtime 1x -timeout 30m
//
// redis-server skips the redis rows without one (CI=true fails instead).

// hllTarget is one of the three targets: the typed calls the benchmarks
// make.
type hllTarget struct {
	pfadd   func(key string, els ...string) error
	pfcount func(keys ...string) (int64, error)
}

func storeHLL(b *testing.B) hllTarget {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	return hllTarget{
		pfadd:   func(key string, els ...string) error { _, err := s.PFAdd(ctx, key, els...); return err },
		pfcount: func(keys ...string) (int64, error) { return s.PFCount(ctx, keys...) },
	}
}

func goRedisHLL(b *testing.B, sock string) hllTarget {
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	b.Cleanup(func() { rc.Close() })
	ctx := context.Background()
	return hllTarget{
		pfadd: func(key string, els ...string) error {
			args := make([]any, len(els))
			for i, e := range els {
				args[i] = e
			}
			return rc.PFAdd(ctx, key, args...).Err()
		},
		pfcount: func(keys ...string) (int64, error) { return rc.PFCount(ctx, keys...).Result() },
	}
}

// onHLLTargets runs fn on the store, the server and redis-server.
func onHLLTargets(b *testing.B, fn func(b *testing.B, t hllTarget)) {
	b.Run("store", func(b *testing.B) { fn(b, storeHLL(b)) })
	b.Run("server", func(b *testing.B) { fn(b, goRedisHLL(b, startEmbedisServer(b).sock)) })
	b.Run("redis", func(b *testing.B) { fn(b, goRedisHLL(b, redistest.Start(b).Socket)) })
}

// fillHLL adds n elements "<prefix>N" to key, 1,000 per PFADD.
func fillHLL(b *testing.B, t hllTarget, key, prefix string, n int) {
	batch := make([]string, 0, 1000)
	for i := 0; i < n; i++ {
		batch = append(batch, prefix+strconv.Itoa(i))
		if len(batch) == cap(batch) || i == n-1 {
			if err := t.pfadd(key, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

func BenchmarkPFAdd(b *testing.B) {
	onHLLTargets(b, func(b *testing.B, t hllTarget) {
		fillHLL(b, t, "bench:hll", "fill:", 100_000)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := t.pfadd("bench:hll", "el:"+strconv.Itoa(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPFCount(b *testing.B) {
	for _, nkeys := range []int{1, 10} {
		b.Run(fmt.Sprintf("keys=%d", nkeys), func(b *testing.B) {
			onHLLTargets(b, func(b *testing.B, t hllTarget) {
				keys := make([]string, nkeys)
				for k := range keys {
					keys[k] = "bench:hll:" + strconv.Itoa(k)
					fillHLL(b, t, keys[k], "k"+strconv.Itoa(k)+":", 100_000)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if i%64 == 63 {
						if err := t.pfadd(keys[0], "el:"+strconv.Itoa(i)); err != nil {
							b.Fatal(err)
						}
					}
					if _, err := t.pfcount(keys...); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkPFCountAccuracy is the accuracy table: n distinct elements
// added to embedis (the store) and to redis-server, both estimates and
// their error reported (as metrics "embedis", "redis" and "err%"); the
// benchmark fails if the estimates differ.
func BenchmarkPFCountAccuracy(b *testing.B) {
	sizes := []int{1_000, 100_000}
	if os.Getenv("EMBEDIS_BENCH_HLL") == "big" {
		sizes = append(sizes, 1_000_000, 10_000_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			srv := redistest.Start(b)
			for i := 0; i < b.N; i++ {
				store, rs := storeHLL(b), goRedisHLL(b, srv.Socket)
				key := "bench:acc:" + strconv.Itoa(i)
				fillHLL(b, store, key, "u:", n)
				fillHLL(b, rs, key, "u:", n)
				got, err := store.pfcount(key)
				if err != nil {
					b.Fatal(err)
				}
				want, err := rs.pfcount(key)
				if err != nil {
					b.Fatal(err)
				}
				if got != want {
					b.Fatalf("%d elements: embedis counts %d, redis-server %d", n, got, want)
				}
				b.ReportMetric(float64(got), "embedis")
				b.ReportMetric(float64(want), "redis")
				b.ReportMetric(100*(float64(got)-float64(n))/float64(n), "err%")
			}
		})
	}
}
