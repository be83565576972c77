package bench

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// Counter: one Incr (the total and an hourly and a daily bucket) and one
// Sum of the last 24 hourly buckets, on the embedded store and on
// redis-server (one script each):
//
//	cd bench && go test -run '^$' -bench 'Counter' -benchtime 1s -count 3

// counterKeys are the keys counted: "/page/N".
var counterKeys = func() []string {
	k := make([]string, 1000)
	for i := range k {
		k[i] = "/page/" + strconv.Itoa(i)
	}
	return k
}()

func newBenchCounter(b *testing.B, be embedis.Backend) *embedis.Counter {
	c, err := embedis.NewCounter(be, "views", embedis.CounterOptions{Buckets: []embedis.CounterBucket{
		{Size: time.Hour, Keep: 48}, {Size: 24 * time.Hour, Keep: 31}}})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkCounterIncr(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		c := newBenchCounter(b, be)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.Incr(ctx, counterKeys[i%len(counterKeys)], 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCounterSum24h(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		c := newBenchCounter(b, be)
		for _, k := range counterKeys {
			if _, err := c.Incr(ctx, k, 1); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.Sum(ctx, counterKeys[i%len(counterKeys)], time.Hour, 24); err != nil {
				b.Fatal(err)
			}
		}
	})
}
