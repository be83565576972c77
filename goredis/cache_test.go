package goredis_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// cacheChildEnv names the redis-server socket a child process of
// TestCacheStampedeProcesses works on.
const cacheChildEnv = "EMBEDIS_CACHE_STAMPEDE_SOCKET"

// TestCacheStampedeProcesses: three processes, 300 goroutines each, miss
// one key of a Cache on one redis-server at once; the loader runs once in
// all (single flight in each process, the lock key across them), and every
// goroutine gets its value. The loader counts its calls in Redis.
func TestCacheStampedeProcesses(t *testing.T) {
	if sock := os.Getenv(cacheChildEnv); sock != "" {
		cacheStampedeChild(t, sock)
		return
	}
	srv := redistest.Start(t)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	t.Cleanup(func() { rdb.Close() })

	const procs = 3
	var wg sync.WaitGroup
	outs := make([][]byte, procs)
	errs := make([]error, procs)
	for i := 0; i < procs; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCacheStampedeProcesses$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), cacheChildEnv+"="+srv.Socket)
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			outs[i], errs[i] = cmd.CombinedOutput()
		}(i)
	}
	// Start them together once all are ready (a bound, not a timing
	// assertion: a child that never gets ready fails the test instead of
	// hanging it).
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := rdb.Get(ctx, "ready").Int()
		if err != nil && err != redis.Nil {
			t.Fatal(err)
		}
		if n == procs {
			break
		}
		if time.Now().After(deadline) {
			rdb.Set(ctx, "go", "1", 0) // release whoever is waiting
			wg.Wait()
			t.Fatalf("%d of %d child processes got ready; outputs:\n%s", n, procs, outs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := rdb.Set(ctx, "go", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("child %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	if loads, err := rdb.Get(ctx, "loads").Int(); err != nil || loads != 1 {
		t.Fatalf("%d processes × 300 goroutines missed at once: the loader ran %d times (%v), want 1", procs, loads, err)
	}
}

func cacheStampedeChild(t *testing.T, sock string) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, PoolSize: 50})
	defer rdb.Close()
	c, err := embedis.NewCache(goredis.New(rdb), "stampede", embedis.CacheOptions[string]{TTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	load := func(ctx context.Context, key string) (string, error) {
		if err := rdb.Incr(ctx, "loads").Err(); err != nil {
			return "", err
		}
		time.Sleep(100 * time.Millisecond) // the goroutines of all processes pile up
		return "value of " + key, nil
	}
	if err := rdb.Incr(ctx, "ready").Err(); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := rdb.Exists(ctx, "go").Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 300)
	for i := 0; i < 300; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.GetOrLoad(ctx, "hot", load)
			if err == nil && v != "value of hot" {
				err = fmt.Errorf("got %q", v)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("stats: %+v", c.Stats())
}
