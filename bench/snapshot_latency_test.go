package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
	"github.com/redis/go-redis/v9"
)

// BenchmarkSnapshotLatency measures what callers see while a snapshot of
// snapshotKeys() string keys ("key:N", 16-byte values; 100,000, or a million
// with EMBEDIS_BENCH_RDB=1m) is written to a file: latencyCallers callers
// call GET and SET on random keys in a loop, and each call's latency is
// recorded while the snapshot runs.
//
//   - embedis: persist.SaveSnapshot to a file in the test's temporary
//     directory (the epoch in one turn, the keys handed out in slices,
//     encoded and written off the owner), callers in-process.
//   - redis-server: BGSAVE on a redis-server holding the same keys, callers
//     through go-redis on its Unix socket (so each call also pays the round
//     trip); fork-µs is INFO's latest_fork_usec, the time the fork stopped
//     the server.
//
// Reported: max-µs and p99.9-µs (the longest call and the 99.9th percentile
// while the snapshot ran), idle-max-µs and idle-p99.9-µs (the same callers for
// as long again with no snapshot: the machine's own noise), calls (during
// the snapshot) and save-s (how long the snapshot took):
//
//	cd bench && go test -run '^$' -bench 'SnapshotLatency' -benchtime 3x
//	cd bench && EMBEDIS_BENCH_RDB=1m go test -run '^$' -bench 'SnapshotLatency' -benchtime 3x -timeout 30m
func BenchmarkSnapshotLatency(b *testing.B) {
	n := snapshotKeys()
	b.Run(fmt.Sprintf("%d/embedis", n), func(b *testing.B) { benchLatencyEmbedis(b, n) })
	b.Run(fmt.Sprintf("%d/redis-server", n), func(b *testing.B) { benchLatencyRedis(b, n) })
}

// latencyCallers is the number of callers: 4, or EMBEDIS_BENCH_LATENCY_CALLERS.
// Callers loop without pause, so more callers than cores measure the Go
// scheduler's time slices (a preempted caller waits for the others' 10 ms
// slices) as much as the store.
func latencyCallers() int {
	if n, err := strconv.Atoi(os.Getenv("EMBEDIS_BENCH_LATENCY_CALLERS")); err == nil && n > 0 {
		return n
	}
	return 4
}

// latencies collects call durations from the callers while recording is on.
type latencies struct {
	recording atomic.Bool
	mu        sync.Mutex
	all       []time.Duration
}

// run calls call in a loop on one caller's goroutine until stop is closed,
// keeping the latencies of the calls made while recording.
func (l *latencies) run(b *testing.B, seed uint64, stop <-chan struct{}, call func(rng *rand.Rand) error) {
	rng := rand.New(rand.NewPCG(seed, 1))
	var mine []time.Duration
	for {
		select {
		case <-stop:
			l.mu.Lock()
			l.all = append(l.all, mine...)
			l.mu.Unlock()
			return
		default:
		}
		rec := l.recording.Load()
		start := time.Now()
		if err := call(rng); err != nil {
			b.Error(err)
			<-stop
			continue
		}
		if d := time.Since(start); rec {
			mine = append(mine, d)
		}
	}
}

// measure runs the callers, records while during runs, then records for as
// long again with nothing else happening, and reports both.
func measure(b *testing.B, call func(rng *rand.Rand) error, during func() error) {
	var busy, idle []time.Duration
	var saves time.Duration
	for i := 0; i < b.N; i++ {
		for _, phase := range []string{"snapshot", "idle"} {
			l := &latencies{}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for c := 0; c < latencyCallers(); c++ {
				wg.Add(1)
				go func() { defer wg.Done(); l.run(b, uint64(i*latencyCallers()+c), stop, call) }()
			}
			time.Sleep(50 * time.Millisecond) // the callers are running
			l.recording.Store(true)
			if phase == "snapshot" {
				start := time.Now()
				if err := during(); err != nil {
					b.Fatal(err)
				}
				saves += time.Since(start)
			} else {
				time.Sleep(saves / time.Duration(i+1))
			}
			l.recording.Store(false)
			close(stop)
			wg.Wait()
			if phase == "snapshot" {
				busy = append(busy, l.all...)
			} else {
				idle = append(idle, l.all...)
			}
		}
	}
	b.StopTimer()
	report := func(prefix string, d []time.Duration) {
		if len(d) == 0 {
			b.Fatalf("no calls recorded (%s)", prefix)
		}
		slices.Sort(d)
		p := d[min(len(d)-1, len(d)*999/1000)]
		b.ReportMetric(float64(d[len(d)-1].Microseconds()), prefix+"max-µs")
		b.ReportMetric(float64(p.Nanoseconds())/1e3, prefix+"p99.9-µs")
	}
	b.ReportMetric(float64(len(busy))/float64(b.N), "calls")
	report("", busy)
	report("idle-", idle)
	b.ReportMetric(saves.Seconds()/float64(b.N), "save-s")
}

func benchLatencyEmbedis(b *testing.B, n int) {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < n; i++ {
		if err := s.Set(ctx, "key:"+strconv.Itoa(i), prefillValue(i), 0); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "dump.rdb")
	b.ResetTimer()
	measure(b, func(rng *rand.Rand) error {
		k := rng.IntN(n)
		if k%2 == 0 {
			_, err := s.Get(ctx, "key:"+strconv.Itoa(k))
			return err
		}
		return s.Set(ctx, "key:"+strconv.Itoa(k), prefillValue(k+1), 0)
	}, func() error { return persist.SaveSnapshot(ctx, s, path) })
}

func benchLatencyRedis(b *testing.B, n int) {
	ctx := context.Background()
	srv := redistest.StartConfig(b, redistest.Config{})
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket, PoolSize: latencyCallers() + 2,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute})
	defer c.Close()
	for start := 0; start < n; start += 10_000 {
		p := c.Pipeline()
		for i := start; i < min(n, start+10_000); i++ {
			p.Set(ctx, "key:"+strconv.Itoa(i), prefillValue(i), 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if got, err := c.DBSize(ctx).Result(); err != nil || got != int64(n) {
		b.Fatalf("DBSIZE = %d, %v; want %d", got, err, n)
	}
	var forkUsec int64
	b.ResetTimer()
	measure(b, func(rng *rand.Rand) error {
		k := rng.IntN(n)
		if k%2 == 0 {
			return c.Get(ctx, "key:"+strconv.Itoa(k)).Err()
		}
		return c.Set(ctx, "key:"+strconv.Itoa(k), prefillValue(k+1), 0).Err()
	}, func() error {
		if err := c.BgSave(ctx).Err(); err != nil {
			return err
		}
		for {
			info, err := c.Info(ctx, "persistence", "stats").Result()
			if err != nil {
				return err
			}
			if infoField(info, "rdb_bgsave_in_progress") == "0" {
				if st := infoField(info, "rdb_last_bgsave_status"); st != "ok" {
					return fmt.Errorf("rdb_last_bgsave_status:%s", st)
				}
				forkUsec, _ = strconv.ParseInt(infoField(info, "latest_fork_usec"), 10, 64)
				return nil
			}
			time.Sleep(time.Millisecond)
		}
	})
	b.ReportMetric(float64(forkUsec), "fork-µs")
}

// infoField returns the value of field in an INFO reply, or "".
func infoField(info, field string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return v
		}
	}
	return ""
}
