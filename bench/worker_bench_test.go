package bench

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

var workerRounds atomic.Int64

// BenchmarkStreamWorker: entries a StreamWorker handles per second — each
// read (XREADGROUP, COUNT 100), handed to a handler that does nothing, and
// acknowledged (XACK) — on the embedded store and on redis-server through
// goredis (one EVALSHA per read and per ack). The b.N entries are added
// first, outside the timer; the timer runs from Run until the last is
// acknowledged. One line per Concurrency.
//
//	cd bench && go test -run '^$' -bench BenchmarkStreamWorker -benchmem
func BenchmarkStreamWorker(b *testing.B) {
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			onBackends(b, func(b *testing.B, be embedis.Backend) {
				benchStreamWorker(b, be, conc)
			})
		})
	}
}

func benchStreamWorker(b *testing.B, be embedis.Backend, conc int) {
	ctx := context.Background()
	var handled atomic.Int64
	all := make(chan struct{})
	n := int64(b.N)
	w, err := embedis.NewStreamWorker(be, "bench"+strconv.FormatInt(workerRounds.Add(1), 10), embedis.StreamWorkerOptions{
		Streams: []string{"jobs"}, Concurrency: conc, Batch: 100, PollInterval: time.Millisecond,
		Handler: func(context.Context, embedis.StreamDelivery) error {
			if handled.Add(1) == n {
				close(all)
			}
			return nil
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, err := w.Add(ctx, "jobs", "job", strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	<-all
	if err := w.Stop(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "entries/s")
}
