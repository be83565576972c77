package bench

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/maypok86/otter/v2"
	"github.com/redis/go-redis/v9"
)

// BenchmarkBoundedCache is a bounded cache under a Zipf-distributed key
// stream (s = 0.99, n keys "key:N", 5n operations per pass): every
// operation is a GET, and a SET of the key (a fresh 64-byte value) on a
// miss. One iteration is a whole pass over the stream after a warm-up pass
// that fills the cache, so -benchtime 1x gives the figures:
//
//	cd bench && go test -run '^$' -bench BoundedCache -benchtime 1x -timeout 30m
//
// n is 1,000,000 (10,000 under -short; EMBEDIS_BENCH_CACHE_KEYS sets it),
// and the cache has room for a tenth of the keys:
//
//   - otter and ristretto: a capacity of n/10 entries.
//   - embedis and redis-server: the same memory budget, maxmemory = each
//     one's empty-store figure plus B, where B is what redis-server's
//     used_memory grows by to hold exactly n/10 of the keys (measured
//     first, on the same server, with no limit), so redis-server holds a
//     tenth and embedis what B holds in its accounting (without
//     redis-server on PATH, B is embedis's own figure for n/10 keys).
//     Both run the same policy with the default maxmemory-samples (5).
//   - embedis-samekeys: embedis with maxmemory set to what it accounts
//     for exactly n/10 keys, so it holds as many keys as redis-server: the
//     policy's approximation compared apart from the memory per key.
//
// Each line reports hit-ratio (over the measured pass), keys-held at the
// end, bytes/key (embedis: accounted used memory above the empty store,
// what maxmemory limits; redis: used_memory above the empty server) and,
// for embedis, heap-bytes/key (the Go live heap after GC above what it was
// before the store was opened), and the time per operation. embedis runs
// one Store call per operation; redis-server runs the operations through
// one Lua script per 100 (EVALSHA, sequential GET-or-SET inside, so the
// access order is exactly the stream's; Redis evicts before each script, so
// it may hold up to 100 keys more for the length of one script), as one
// round trip per operation would take tens of minutes. The LRU clock has a
// resolution of one second in both (Redis's LRU_CLOCK_RESOLUTION), so the
// LRU figures depend a little on how many operations run per second.
func BenchmarkBoundedCache(b *testing.B) {
	n := sized(1_000_000, 10_000)
	if v, err := strconv.Atoi(os.Getenv("EMBEDIS_BENCH_CACHE_KEYS")); err == nil && v > 0 {
		n = v
	}
	capacity := n / 10
	stream := zipfStream(n, 0.99, 5*n)
	names := make([]string, n)
	for i := range names {
		names[i] = "key:" + strconv.Itoa(i)
	}
	value := strings.Repeat("v", 64)
	ctx := context.Background()
	// fresh returns a copy of s, so that every stored key and value is an
	// allocation of its own, as in redis-server, and the heap figures count
	// them.
	fresh := func(s string) string { return strings.Clone(s) }

	// run makes the warm-up pass and b.N measured passes; pass returns the
	// hits of one pass.
	run := func(b *testing.B, pass func() int) {
		pass()
		b.ResetTimer()
		var hits, ops int
		for it := 0; it < b.N; it++ {
			hits += pass()
			ops += len(stream)
		}
		b.StopTimer()
		b.ReportMetric(float64(hits)/float64(ops), "hit-ratio")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(ops), "ns/get-or-set")
	}

	// The redis-server of the redis lines and the byte budget.
	var rc *redis.Client
	if _, err := exec.LookPath("redis-server"); err == nil || os.Getenv("CI") == "true" {
		srv := redistest.Start(b)
		rc = redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
		defer rc.Close()
	}
	// ownBudget is what embedis accounts for exactly capacity keys, for the
	// "embedis-samekeys" lines: the same number of keys as redis-server,
	// each in the memory it needs, to tell the policy's quality apart from
	// the memory per key.
	var ownBudget int64
	{
		s, err := embedis.Open(embedis.Options{Databases: 1})
		if err != nil {
			b.Fatal(err)
		}
		base, _ := s.UsedMemory(ctx)
		for i := 0; i < capacity; i++ {
			s.Set(ctx, fresh(names[n-1-i]), fresh(value), 0)
		}
		used, _ := s.UsedMemory(ctx)
		ownBudget = used - base
		s.Close()
	}
	budget := ownBudget
	if rc != nil {
		base := redisUsed(b, rc)
		for start := 0; start < capacity; start += 1000 {
			p := rc.Pipeline()
			for i := start; i < min(start+1000, capacity); i++ {
				p.Set(ctx, names[n-1-i], value, 0)
			}
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
		budget = redisUsed(b, rc) - base
		if err := rc.FlushAll(ctx).Err(); err != nil {
			b.Fatal(err)
		}
	}

	embedisLine := func(policy string, budget int64) func(b *testing.B) {
		return func(b *testing.B) {
			heapBefore := liveHeap()
			s, err := embedis.Open(embedis.Options{Databases: 1})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			base, _ := s.UsedMemory(ctx)
			c := embedis.DefaultEviction()
			c.Policy, c.MaxMemory = policy, uint64(base+budget)
			if err := s.ConfigureEviction(ctx, c); err != nil {
				b.Fatal(err)
			}
			run(b, func() (hits int) {
				for _, i := range stream {
					if _, err := s.Get(ctx, names[i]); err == nil {
						hits++
					} else if err := s.Set(ctx, fresh(names[i]), fresh(value), 0); err != nil {
						b.Fatal(err)
					}
				}
				return hits
			})
			keys, _ := s.DBSize(ctx)
			used, _ := s.UsedMemory(ctx)
			st, _ := s.Stats(ctx)
			heap := float64(liveHeap()) - float64(heapBefore)
			b.ReportMetric(float64(keys), "keys-held")
			b.ReportMetric(float64(used-base)/float64(keys), "bytes/key")
			b.ReportMetric(heap/float64(keys), "heap-bytes/key")
			b.ReportMetric(float64(st.EvictedKeys), "evicted")
			b.ReportMetric(float64(budget), "budget-bytes")
		}
	}
	redisLine := func(policy string) func(b *testing.B) {
		return func(b *testing.B) {
			if rc == nil {
				b.Skip("redis-server is not on PATH")
			}
			if err := rc.FlushAll(ctx).Err(); err != nil {
				b.Fatal(err)
			}
			base := redisUsed(b, rc)
			if err := rc.ConfigSet(ctx, "maxmemory-policy", policy).Err(); err != nil {
				b.Fatal(err)
			}
			if err := rc.ConfigSet(ctx, "maxmemory", strconv.FormatInt(base+budget, 10)).Err(); err != nil {
				b.Fatal(err)
			}
			defer rc.ConfigSet(ctx, "maxmemory", "0")
			sha, err := rc.ScriptLoad(ctx, getOrSetScript).Result()
			if err != nil {
				b.Fatal(err)
			}
			const batch = 100
			keys := make([]string, 0, batch)
			run(b, func() (hits int) {
				for j := 0; j < len(stream); j += batch {
					keys = keys[:0]
					for _, i := range stream[j:min(j+batch, len(stream))] {
						keys = append(keys, names[i])
					}
					h, err := rc.EvalSha(ctx, sha, keys, value).Int()
					if err != nil {
						b.Fatal(err)
					}
					hits += h
				}
				return hits
			})
			keysHeld, err := rc.DBSize(ctx).Result()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(keysHeld), "keys-held")
			b.ReportMetric(float64(redisUsed(b, rc)-base)/float64(keysHeld), "bytes/key")
			b.ReportMetric(float64(redisInfoInt(b, rc, "stats", "evicted_keys")), "evicted")
			b.ReportMetric(float64(budget), "budget-bytes")
			if err := rc.ConfigResetStat(ctx).Err(); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, policy := range []string{embedis.PolicyAllKeysLRU, embedis.PolicyAllKeysLFU} {
		b.Run(policy+"/embedis", embedisLine(policy, budget))
		b.Run(policy+"/embedis-samekeys", embedisLine(policy, ownBudget))
		b.Run(policy+"/redis", redisLine(policy))
	}
	b.Run(embedis.PolicyAllKeysRandom+"/embedis", embedisLine(embedis.PolicyAllKeysRandom, budget))
	b.Run("otter", func(b *testing.B) {
		o := otter.Must(&otter.Options[string, string]{MaximumSize: capacity})
		run(b, func() (hits int) {
			for _, i := range stream {
				if _, ok := o.GetIfPresent(names[i]); ok {
					hits++
				} else {
					o.Set(fresh(names[i]), fresh(value))
				}
			}
			return hits
		})
		b.ReportMetric(float64(o.EstimatedSize()), "keys-held")
	})
	b.Run("ristretto", func(b *testing.B) {
		r, err := ristretto.NewCache(&ristretto.Config[string, string]{
			NumCounters: int64(capacity) * 10, MaxCost: int64(capacity), BufferItems: 64,
		})
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		run(b, func() (hits int) {
			for _, i := range stream {
				if _, ok := r.Get(names[i]); ok {
					hits++
				} else {
					r.Set(fresh(names[i]), fresh(value), 1)
				}
			}
			return hits
		})
	})
}

// getOrSetScript is BenchmarkBoundedCache's step on redis-server: for each
// key in turn, a GET, and on a miss a SET to ARGV[1]; it returns the hits.
const getOrSetScript = `
local hits = 0
for _, k in ipairs(KEYS) do
  if redis.call('GET', k) then
    hits = hits + 1
  else
    redis.call('SET', k, ARGV[1])
  end
end
return hits`

// redisUsed returns redis-server's used_memory.
func redisUsed(b *testing.B, rc *redis.Client) int64 {
	return redisInfoInt(b, rc, "memory", "used_memory")
}

// redisInfoInt returns the integer field of an INFO section.
func redisInfoInt(b *testing.B, rc *redis.Client, section, field string) int64 {
	b.Helper()
	info, err := rc.Info(context.Background(), section).Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("no %s in INFO %s", field, section)
	return 0
}

// zipfStream returns count draws from a Zipf distribution over 0..n-1 with
// exponent s (math/rand's Zipf needs s > 1): P(i) ∝ 1/(i+1)^s, drawn by
// binary search in the cumulative distribution, from a fixed seed.
func zipfStream(n int, s float64, count int) []int32 {
	cdf := make([]float64, n)
	sum := 0.0
	for i := range cdf {
		sum += 1 / math.Pow(float64(i+1), s)
		cdf[i] = sum
	}
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]int32, count)
	for j := range out {
		x := r.Float64() * sum
		out[j] = int32(sort.SearchFloat64s(cdf, x))
	}
	return out
}
