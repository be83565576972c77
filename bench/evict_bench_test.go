package bench

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/embedis/embedis"
	"github.com/maypok86/otter/v2"
)

// BenchmarkBoundedCache is a bounded cache under a Zipf-distributed key
// stream (s = 0.99): every operation is a get, and a set of the key on a
// miss, with room for a tenth of the keys. It compares embedis with
// maxmemory and each sampling policy against github.com/maypok86/otter/v2
// and github.com/dgraph-io/ristretto/v2 with the same capacity in entries,
// and reports the hit ratio and the time per get-or-set. One iteration of
// the benchmark is a whole pass over the stream (boundedOps operations after
// a warm-up pass), so -benchtime 1x gives the figures:
//
//	cd bench && go test -run '^$' -bench BoundedCache -benchtime 1x
//
// EMBEDIS_BENCH_CACHE_KEYS sets the number of keys (default 100000; the
// issue's figure is 1000000, a run of about a minute).
func BenchmarkBoundedCache(b *testing.B) {
	n := sized(100_000, 10_000)
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
	run := func(b *testing.B, get func(k string) bool, set func(k string)) {
		pass := func() (hits int) {
			for _, i := range stream {
				k := names[i]
				if get(k) {
					hits++
				} else {
					set(k)
				}
			}
			return hits
		}
		pass() // warm-up: the cache full and its statistics settled
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
	for _, policy := range []string{embedis.PolicyAllKeysLRU, embedis.PolicyAllKeysLFU, embedis.PolicyAllKeysRandom} {
		b.Run("embedis/"+policy, func(b *testing.B) {
			s, err := embedis.Open(embedis.Options{Databases: 1})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			// maxmemory for capacity entries: the bytes a store holding
			// them accounts (the keys' lengths vary little).
			for i := 0; i < capacity; i++ {
				s.Set(ctx, names[n-1-i], value, 0)
			}
			used, _ := s.UsedMemory(ctx)
			s.FlushAll(ctx)
			c := embedis.DefaultEviction()
			c.Policy, c.MaxMemory = policy, uint64(used)
			if err := s.ConfigureEviction(ctx, c); err != nil {
				b.Fatal(err)
			}
			run(b, func(k string) bool {
				_, err := s.Get(ctx, k)
				return err == nil
			}, func(k string) { s.Set(ctx, k, value, 0) })
			keys, _ := s.DBSize(ctx)
			st, _ := s.Stats(ctx)
			b.ReportMetric(float64(keys), "keys-held")
			b.ReportMetric(float64(st.EvictedKeys), "evicted")
		})
	}
	b.Run("otter", func(b *testing.B) {
		o := otter.Must(&otter.Options[string, string]{MaximumSize: capacity})
		run(b, func(k string) bool {
			_, ok := o.GetIfPresent(k)
			return ok
		}, func(k string) { o.Set(k, value) })
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
		run(b, func(k string) bool {
			_, ok := r.Get(k)
			return ok
		}, func(k string) { r.Set(k, value, 1) })
	})
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
