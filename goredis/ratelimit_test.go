package goredis_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
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
// on redis-server admit exactly the limit, for every algorithm.
func TestRateLimiterConcurrentRedis(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket, PoolSize: 20})
	t.Cleanup(func() { rdb.Close() })
	waitOutHour()
	for _, a := range rateAlgorithms {
		l, err := embedis.NewRateLimiter(goredis.New(rdb), "conc"+a.String(), rateLimitOptions(a))
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
}

// The environment of TestRateLimiterProcessesRedis's children.
const (
	rateChildSocket = "EMBEDIS_RATELIMIT_CHILD_SOCKET"
	rateChildIndex  = "EMBEDIS_RATELIMIT_CHILD_INDEX"
	rateChildPrefix = "embedis-ratelimit-admitted "
)

// TestRateLimiterProcessesRedis: three processes (this test binary run as
// children), 30 goroutines each, share one limit on redis-server and admit
// exactly the limit together, for every algorithm. The children start each
// algorithm's run together, at a barrier they keep in Redis.
func TestRateLimiterProcessesRedis(t *testing.T) {
	if sock := os.Getenv(rateChildSocket); sock != "" {
		rateLimitChild(t, sock)
		return
	}
	const procs = 3
	srv := redistest.Start(t)
	waitOutHour()
	var wg sync.WaitGroup
	outs := make([]bytes.Buffer, procs)
	errs := make([]error, procs)
	for i := 0; i < procs; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRateLimiterProcessesRedis$", "-test.count=1")
		cmd.Env = append(os.Environ(), rateChildSocket+"="+srv.Socket, rateChildIndex+"="+strconv.Itoa(i))
		cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = cmd.Run()
		}()
	}
	wg.Wait()
	total := map[string]int64{}
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("child %d: %v\n%s", i, errs[i], outs[i].String())
		}
		sc := bufio.NewScanner(&outs[i])
		seen := 0
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), rateChildPrefix)
			if !ok {
				continue
			}
			algo, count, _ := strings.Cut(line, " ")
			n, err := strconv.ParseInt(count, 10, 64)
			if err != nil {
				t.Fatalf("child %d: bad line %q", i, sc.Text())
			}
			total[algo] += n
			seen++
		}
		if seen != len(rateAlgorithms) {
			t.Fatalf("child %d reported %d algorithms; want %d:\n%s", i, seen, len(rateAlgorithms), outs[i].String())
		}
	}
	for _, a := range rateAlgorithms {
		if got := total[a.String()]; got != 50 {
			t.Errorf("%v: %d processes admitted %d together; want exactly 50", a, procs, got)
		} else {
			t.Logf("%v: %d processes × 30 goroutines × 3 tries admitted exactly 50", a, procs)
		}
	}
}

// rateLimitChild is a child's side: for each algorithm, wait at the
// barrier for all three, hammer the shared key, print what was admitted.
func rateLimitChild(t *testing.T, sock string) {
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, PoolSize: 10})
	defer rdb.Close()
	ctx := context.Background()
	for _, a := range rateAlgorithms {
		l, err := embedis.NewRateLimiter(goredis.New(rdb), "procs"+a.String(), rateLimitOptions(a))
		if err != nil {
			t.Fatal(err)
		}
		barrier := "barrier:" + a.String()
		if err := rdb.Incr(ctx, barrier).Err(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			n, err := rdb.Get(ctx, barrier).Int64()
			if err != nil {
				t.Fatal(err)
			}
			if n >= 3 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("barrier %s: %d of 3 after a minute", barrier, n)
			}
			time.Sleep(2 * time.Millisecond)
		}
		got, err := hammer(l, "shared", 30, 3)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s%s %d\n", rateChildPrefix, a, got)
	}
}
