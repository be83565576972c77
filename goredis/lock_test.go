package goredis_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// TestLockProcesses: three processes (this test binary's children, see
// runProcesses), each with several goroutines, contend for one lock on a
// redis-server and on a cluster. Each holder checks that it is the only one
// (a counter on the server that it increments on taking the lock and
// decrements before releasing it) and records its fencing token in a list
// while it holds the lock: no two holders ever overlap, and the tokens, in
// the order they were recorded, strictly increase.
func TestLockProcesses(t *testing.T) {
	const goroutines, rounds, processes = 4, 10, 3
	// The bookkeeping keys share a hash tag; the lock's keys are the
	// Locker's (procs:{job}, procs:{job}:fence).
	const holdersKey, overlapsKey, tokensKey = "{procs}:holders", "{procs}:overlaps", "{procs}:tokens"
	if p := childProcess(t); p != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		l, err := embedis.NewLocker(goredis.New(p.Client), "procs", embedis.LockerOptions{
			TTL: 10 * time.Second, RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		p.Ready()
		var wg sync.WaitGroup
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					lease, err := l.Lock(ctx, "job")
					if err != nil {
						t.Error(err)
						return
					}
					if n := p.Client.Incr(ctx, holdersKey).Val(); n != 1 {
						p.Client.Incr(ctx, overlapsKey)
						t.Errorf("%d holders at once", n)
					}
					p.Client.RPush(ctx, tokensKey, fmt.Sprintf("%d %d", lease.Token(), p.Index))
					time.Sleep(time.Millisecond) // hold it a little: an overlap would show
					p.Client.Decr(ctx, holdersKey)
					if err := lease.Release(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return
	}
	for _, name := range []string{"redis", "cluster"} {
		t.Run(name, func(t *testing.T) {
			var tg target
			if name == "redis" {
				tg = redisTarget(redistest.Start(t))
			} else {
				tg = clusterTarget(sharedCluster(t))
			}
			ctx := context.Background()
			rdb := tg.Client(t)
			if err := rdb.Del(ctx, holdersKey, overlapsKey, tokensKey).Err(); err != nil {
				t.Fatal(err)
			}
			runProcesses(t, processes, tg)
			if n, err := rdb.Get(ctx, overlapsKey).Int(); err != redis.Nil {
				t.Fatalf("overlapping holders: %d, %v", n, err)
			}
			raw, err := rdb.LRange(ctx, tokensKey, 0, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			if want := processes * goroutines * rounds; len(raw) != want {
				t.Fatalf("%d acquisitions recorded, want %d", len(raw), want)
			}
			procs := map[string]bool{}
			var last int64
			for i, r := range raw {
				tok, proc, ok := cutRecord(r)
				if !ok {
					t.Fatalf("record %q", r)
				}
				procs[proc] = true
				if tok <= last {
					t.Fatalf("token %d = %d after %d: not increasing", i, tok, last)
				}
				last = tok
			}
			if len(procs) != processes {
				t.Fatalf("acquisitions by %d processes, want %d", len(procs), processes)
			}
		})
	}
}

// cutRecord splits a "token process" record.
func cutRecord(r string) (int64, string, bool) {
	var tok, proc string
	if _, err := fmt.Sscan(r, &tok, &proc); err != nil {
		return 0, "", false
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	return n, proc, err == nil
}
