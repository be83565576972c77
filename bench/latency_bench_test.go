package bench

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// BenchmarkLatencyStore measures the tail, not the mean: 8 callers mix GET,
// SET, INCR, ZADD and ZRANGE (0 9) on one Store while active expiry works
// through keys that carry TTLs (1 million, under -short 10,000), and each
// command's latency is reported as p50, p99 and p99.9 in ns (GET-p99-ns, …).
// The TTLs spread from 50 ms to 5 s, so keys keep expiring during the run and
// the engine's expiry slices compete with the callers, as they do in a
// server under load; SET refills keys with new TTLs.
//
//	go test -run '^$' -bench BenchmarkLatencyStore -benchtime 2000000x .
func BenchmarkLatencyStore(b *testing.B) {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	nTTL := sized(1_000_000, 10_000)
	ttl := func(i int) time.Duration { return 50*time.Millisecond + time.Duration(i%100)*50*time.Millisecond }
	keys := make([]string, nTTL)
	p := s.Pipeline()
	for i := range keys {
		keys[i] = "ttl:" + strconv.Itoa(i)
		p.Set(keys[i], "0123456789abcdef", ttl(i))
		if p.Len() == 1000 || i == len(keys)-1 {
			if err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	const nZ, nCounters = 1000, 1000
	zs := make([]embedis.Z, nZ)
	for i := range zs {
		zs[i] = embedis.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)}
	}
	if _, err := s.ZAdd(ctx, "board", zs...); err != nil {
		b.Fatal(err)
	}
	counters := make([]string, nCounters)
	for i := range counters {
		counters[i] = "counter:" + strconv.Itoa(i)
	}

	names := []string{"GET", "SET", "INCR", "ZADD", "ZRANGE"}
	const callers = 8
	lat := make([][][]time.Duration, callers) // caller, command, samples
	per := b.N / callers
	if per < 1 {
		per = 1
	}
	var wg sync.WaitGroup
	b.ResetTimer()
	for c := 0; c < callers; c++ {
		lat[c] = make([][]time.Duration, len(names))
		for k := range names {
			lat[c][k] = make([]time.Duration, 0, per/len(names)+1)
		}
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			z := []embedis.Z{{}}
			for i := 0; i < per; i++ {
				j := (i*104729 + c*7919) % nTTL
				k := i % len(names)
				start := time.Now()
				var err error
				switch k {
				case 0:
					_, err = s.Get(ctx, keys[j])
					if errors.Is(err, embedis.ErrNotFound) {
						err = nil
					}
				case 1:
					err = s.Set(ctx, keys[j], "0123456789abcdef", ttl(j+i))
				case 2:
					_, err = s.Incr(ctx, counters[j%nCounters])
				case 3:
					z[0] = embedis.Z{Score: float64(i % 5000), Member: zs[j%nZ].Member}
					_, err = s.ZAdd(ctx, "board", z...)
				case 4:
					_, err = s.ZRange(ctx, "board", 0, 9)
				}
				lat[c][k] = append(lat[c][k], time.Since(start))
				if err != nil {
					b.Error(names[k], err)
					return
				}
			}
		}(c)
	}
	wg.Wait()
	b.StopTimer()
	for k, name := range names {
		var all []time.Duration
		for c := range lat {
			all = append(all, lat[c][k]...)
		}
		if len(all) == 0 {
			continue
		}
		slices.Sort(all)
		at := func(q float64) float64 { return float64(all[min(len(all)-1, int(q*float64(len(all))))].Nanoseconds()) }
		b.ReportMetric(at(0.50), name+"-p50-ns")
		b.ReportMetric(at(0.99), name+"-p99-ns")
		b.ReportMetric(at(0.999), name+"-p99.9-ns")
	}
}
