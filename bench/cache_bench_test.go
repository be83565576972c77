package bench

// The Cache helper on its two backends next to otter (github.com/maypok86/
// otter/v2), the fastest in-process Go cache we know:
//
//	cd bench && go test -run '^$' -bench 'Cache' -benchtime 1s -count 3
//
// The in-process lines also report cpu-ns/op, the process's CPU time per
// operation, steadier than ns/op on a machine shared with other work.
//
// BenchmarkCacheGet is a hit: "embedded" is Cache[string] (stored as is),
// "embedded-json" a Cache of a small struct (JSON), "redis" Cache[string] on
// a redis-server over a Unix socket (one EVALSHA per Get), "otter" otter's
// GetIfPresent with a TTL and hit counting (as Cache has); "parts/…" split
// an embedded hit into the store's GET and the JSON decoding. The "parallel"
// lines run GOMAXPROCS goroutines. BenchmarkCacheGetOrLoad is a miss that
// loads (a trivial loader, so the figure is the cache's own work: lookup,
// lock, store) and a hit through GetOrLoad. The redis lines start their own
// redis-server and skip without one (CI=true fails instead).

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/maypok86/otter/v2"
	"github.com/maypok86/otter/v2/stats"
	"github.com/redis/go-redis/v9"
)

const cacheKeys = 10_000 // working set of the hit benchmarks

type cacheRecord struct {
	ID    int
	Name  string
	Price int
}

var cacheKeyNames = func() []string {
	k := make([]string, cacheKeys)
	for i := range k {
		k[i] = "item:" + strconv.Itoa(i)
	}
	return k
}()

func cacheEmbeddedBackend(b *testing.B) embedis.Backend {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return embedis.Embedded(s)
}

func cacheRedisBackend(b *testing.B) embedis.Backend {
	srv := redistest.Start(b)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	b.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		b.Fatal(err)
	}
	return goredis.New(rdb)
}

func newBenchCache[V any](b *testing.B, backend embedis.Backend) *embedis.Cache[V] {
	c, err := embedis.NewCache(backend, "bench", embedis.CacheOptions[V]{TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func newOtter[V any]() *otter.Cache[string, V] {
	return otter.Must(&otter.Options[string, V]{
		MaximumSize:      10 * cacheKeys,
		ExpiryCalculator: otter.ExpiryWriting[string, V](time.Hour),
		StatsRecorder:    stats.NewCounter(),
	})
}

// fillCache stores a value at every key of the working set.
func fillCache[V any](b *testing.B, c *embedis.Cache[V], value func(i int) V) {
	ctx := context.Background()
	for i, k := range cacheKeyNames {
		if err := c.Set(ctx, k, value(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU starts counting the process's CPU time; the function it
// returns reports it per operation (call it when the timed loop ends).
func reportCPU(b *testing.B) func() {
	cpu0 := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op") }
}

func stringValue(i int) string { return prefillValue(i) }

func recordValue(i int) cacheRecord { return cacheRecord{i, "widget " + strconv.Itoa(i), 100 + i} }

// benchCacheGet times Get hits over the working set.
func benchCacheGet[V any](b *testing.B, c *embedis.Cache[V], value func(int) V, inProcess bool) {
	fillCache(b, c, value)
	ctx := context.Background()
	b.ReportAllocs()
	if inProcess {
		defer reportCPU(b)()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Get(ctx, cacheKeyNames[i%cacheKeys]); err != nil {
			b.Fatal(err)
		}
	}
}

func benchCacheGetParallel[V any](b *testing.B, c *embedis.Cache[V], value func(int) V) {
	fillCache(b, c, value)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := c.Get(ctx, cacheKeyNames[i%cacheKeys]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

func fillOtter[V any](o *otter.Cache[string, V], value func(int) V) {
	for i, k := range cacheKeyNames {
		o.Set(k, value(i))
	}
}

func BenchmarkCacheGet(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		benchCacheGet(b, newBenchCache[string](b, cacheEmbeddedBackend(b)), stringValue, true)
	})
	b.Run("embedded-json", func(b *testing.B) {
		benchCacheGet(b, newBenchCache[cacheRecord](b, cacheEmbeddedBackend(b)), recordValue, true)
	})
	b.Run("redis", func(b *testing.B) {
		benchCacheGet(b, newBenchCache[string](b, cacheRedisBackend(b)), stringValue, false)
	})
	b.Run("otter", func(b *testing.B) {
		o := newOtter[string]()
		fillOtter(o, stringValue)
		b.ReportAllocs()
		defer reportCPU(b)()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, ok := o.GetIfPresent(cacheKeyNames[i%cacheKeys]); !ok {
				b.Fatal("otter: miss")
			}
		}
	})
	// Where an embedded hit's time goes: the store's GET of the value key
	// (precomputed) and, for embedded-json, the JSON decoding.
	b.Run("parts/store-get", func(b *testing.B) {
		backend := cacheEmbeddedBackend(b)
		fillCache(b, newBenchCache[string](b, backend), stringValue)
		s, ctx := backend.Store(), context.Background()
		valueKeys := make([]string, cacheKeys)
		for i, k := range cacheKeyNames {
			valueKeys[i] = "bench:{" + k + "}"
		}
		b.ReportAllocs()
		defer reportCPU(b)()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.Get(ctx, valueKeys[i%cacheKeys]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parts/json-decode", func(b *testing.B) {
		enc, err := json.Marshal(recordValue(1234))
		if err != nil {
			b.Fatal(err)
		}
		encs := string(enc)
		b.ReportAllocs()
		defer reportCPU(b)()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			var r cacheRecord
			if err := json.Unmarshal([]byte(encs), &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel/embedded", func(b *testing.B) {
		benchCacheGetParallel(b, newBenchCache[string](b, cacheEmbeddedBackend(b)), stringValue)
	})
	b.Run("parallel/otter", func(b *testing.B) {
		o := newOtter[string]()
		fillOtter(o, stringValue)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				if _, ok := o.GetIfPresent(cacheKeyNames[i%cacheKeys]); !ok {
					b.Error("otter: miss")
					return
				}
				i++
			}
		})
	})
}

// BenchmarkCacheGetOrLoad: "miss" loads a new key on every call (the
// loader returns at once); "hit" finds the key a first call loaded.
func BenchmarkCacheGetOrLoad(b *testing.B) {
	load := func(_ context.Context, key string) (string, error) { return key, nil }
	ctx := context.Background()
	miss := func(b *testing.B, c *embedis.Cache[string]) {
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.GetOrLoad(ctx, "miss:"+strconv.Itoa(i), load); err != nil {
				b.Fatal(err)
			}
		}
	}
	hit := func(b *testing.B, c *embedis.Cache[string]) {
		for _, k := range cacheKeyNames {
			if _, err := c.GetOrLoad(ctx, k, load); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.GetOrLoad(ctx, cacheKeyNames[i%cacheKeys], load); err != nil {
				b.Fatal(err)
			}
		}
	}
	oload := otter.LoaderFunc[string, string](load)
	b.Run("miss/embedded", func(b *testing.B) { miss(b, newBenchCache[string](b, cacheEmbeddedBackend(b))) })
	b.Run("miss/redis", func(b *testing.B) { miss(b, newBenchCache[string](b, cacheRedisBackend(b))) })
	b.Run("miss/otter", func(b *testing.B) {
		o := otter.Must(&otter.Options[string, string]{
			ExpiryCalculator: otter.ExpiryWriting[string, string](time.Hour),
			StatsRecorder:    stats.NewCounter(),
		})
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := o.Get(ctx, "miss:"+strconv.Itoa(i), oload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("hit/embedded", func(b *testing.B) { hit(b, newBenchCache[string](b, cacheEmbeddedBackend(b))) })
	b.Run("hit/redis", func(b *testing.B) { hit(b, newBenchCache[string](b, cacheRedisBackend(b))) })
	b.Run("hit/otter", func(b *testing.B) {
		o := newOtter[string]()
		for _, k := range cacheKeyNames {
			if _, err := o.Get(ctx, k, oload); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := o.Get(ctx, cacheKeyNames[i%cacheKeys], oload); err != nil {
				b.Fatal(err)
			}
		}
	})
}
