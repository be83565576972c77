package goredis_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
)

// TestCacheStampedeProcesses: three processes (this test binary's children,
// see runProcesses), 300 goroutines each, miss one key of a Cache at once,
// on a redis-server and on a cluster. The loader runs once in all — single
// flight within each process, the lock key across them — and every
// goroutine gets its value. The loader counts its calls on the server.
func TestCacheStampedeProcesses(t *testing.T) {
	const processes, goroutines = 3, 300
	const loadsKey = "{stampede}:loads"
	if p := childProcess(t); p != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c, err := embedis.NewCache(goredis.New(p.Client), "stampede", embedis.CacheOptions[string]{TTL: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		load := func(ctx context.Context, key string) (string, error) {
			if err := p.Client.Incr(ctx, loadsKey).Err(); err != nil {
				return "", err
			}
			time.Sleep(100 * time.Millisecond) // the goroutines of all processes pile up
			return "value of " + key, nil
		}
		p.Ready()
		var wg sync.WaitGroup
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := c.GetOrLoad(ctx, "hot", load)
				if err == nil && v != "value of hot" {
					err = fmt.Errorf("got %q", v)
				}
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		p.Report(fmt.Sprintf("%+v", c.Stats()))
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
			// The cluster is shared by the package's tests: start clean.
			for _, k := range []string{loadsKey, "stampede:{hot}", "stampede:{hot}:lock"} {
				if err := tg.Client(t).Del(ctx, k).Err(); err != nil {
					t.Fatal(err)
				}
			}
			reports := runProcesses(t, processes, tg)
			loads, err := tg.Client(t).Get(ctx, loadsKey).Int()
			if err != nil || loads != 1 {
				t.Fatalf("%d processes × %d goroutines missed at once: the loader ran %d times (%v), want 1; stats %q",
					processes, goroutines, loads, err, reports)
			}
		})
	}
}
