package goredis_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

var rateAlgorithms = []embedis.RateLimitAlgorithm{embedis.GCRA, embedis.TokenBucket, embedis.FixedWindow,
	embedis.SlidingWindowLog, embedis.SlidingWindowCounter}

// rateLimitOptions: 50 per hour, so the real clock refills nothing (GCRA:
// one event every 72 s) while a test runs. The window algorithms' hour is
// aligned to the epoch; a test that starts in an hour's last minute waits
// for the next (see waitOutHour).
func rateLimitOptions(a embedis.RateLimitAlgorithm) embedis.RateLimiterOptions {
	o := embedis.PerHour(50)
	o.Algorithm = a
	return o
}

// waitOutHour sleeps past the hour's end when it is less than a minute
// away, so that no window boundary falls inside the test.
func waitOutHour() {
	if left := time.Hour - time.Duration(time.Now().UnixMilli()%time.Hour.Milliseconds())*time.Millisecond; left < time.Minute {
		time.Sleep(left + 10*time.Millisecond)
	}
}

// hammer runs goroutines×tries Allow calls on one key and returns how many
// were admitted.
func hammer(l *embedis.RateLimiter, key string, goroutines, tries int) (int64, error) {
	var admitted atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < tries; i++ {
				r, err := l.Allow(context.Background(), key)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				if r.Allowed {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return admitted.Load(), nil
}

// TestRateLimiterConcurrentRedis: 100 goroutines on one key of one limit
// admit exactly the limit, for every algorithm, on redis-server and on a
// 3-node Cluster.
func TestRateLimiterConcurrentRedis(t *testing.T) {
	for _, name := range []string{"redis", "cluster"} {
		t.Run(name, func(t *testing.T) {
			var rdb redis.UniversalClient
			if name == "redis" {
				srv := redistest.Start(t)
				rdb = redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket, PoolSize: 20})
			} else {
				rdb = redis.NewClusterClient(&redis.ClusterOptions{Addrs: sharedCluster(t).Addrs, PoolSize: 20})
			}
			t.Cleanup(func() { rdb.Close() })
			waitOutHour()
			prefix := fmt.Sprintf("conc%d", envs.Add(1))
			for _, a := range rateAlgorithms {
				l, err := embedis.NewRateLimiter(goredis.New(rdb), prefix+a.String(), rateLimitOptions(a))
				if err != nil {
					t.Fatal(err)
				}
				got, err := hammer(l, "shared", 100, 3)
				if err != nil {
					t.Fatal(err)
				}
				if got != 50 {
					t.Errorf("%v: 100 goroutines × 3 tries admitted %d; want exactly 50", a, got)
				}
			}
		})
	}
}

// TestRateLimiterProcesses: three processes (this test binary run as
// children by runProcesses), 30 goroutines each per algorithm, all five
// algorithms at once, share one limit per algorithm and admit exactly the
// limit together — on a redis-server and on a 3-node Cluster.
func TestRateLimiterProcesses(t *testing.T) {
	if p := childProcess(t); p != nil {
		limiters := make([]*embedis.RateLimiter, len(rateAlgorithms))
		for i, a := range rateAlgorithms {
			l, err := embedis.NewRateLimiter(goredis.New(p.Client), "procs"+a.String(), rateLimitOptions(a))
			if err != nil {
				t.Fatal(err)
			}
			limiters[i] = l
		}
		p.Ready()
		got := make([]int64, len(limiters))
		errs := make([]error, len(limiters))
		var wg sync.WaitGroup
		for i, l := range limiters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = hammer(l, "shared", 30, 3)
			}()
		}
		wg.Wait()
		for i, a := range rateAlgorithms {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			p.Report(a.String() + " " + strconv.FormatInt(got[i], 10))
		}
		return
	}
	for _, name := range []string{"redis", "cluster"} {
		t.Run(name, func(t *testing.T) {
			var tg target
			if name == "redis" {
				tg = redisTarget(redistest.Start(t))
			} else {
				tg = clusterTarget(sharedCluster(t))
				// The cluster is shared by the binary's tests: start clean.
				for _, a := range rateAlgorithms {
					if err := tg.Client(t).Del(context.Background(), "procs"+a.String()+":{shared}").Err(); err != nil {
						t.Fatal(err)
					}
				}
			}
			waitOutHour()
			total := map[string]int64{}
			for i, lines := range runProcesses(t, 3, tg) {
				if len(lines) != len(rateAlgorithms) {
					t.Fatalf("child %d reported %q; want one line per algorithm", i, lines)
				}
				for _, line := range lines {
					algo, count, _ := strings.Cut(line, " ")
					n, err := strconv.ParseInt(count, 10, 64)
					if err != nil {
						t.Fatalf("child %d: bad report %q", i, line)
					}
					total[algo] += n
				}
			}
			for _, a := range rateAlgorithms {
				if got := total[a.String()]; got != 50 {
					t.Errorf("%v: 3 processes admitted %d together; want exactly 50", a, got)
				}
			}
		})
	}
}
