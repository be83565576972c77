package goredis_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// Three processes contend for one lock on a real redis-server: each is this
// test binary re-run as TestLockProcessChild, with several goroutines that
// take the lock, check that they are its only holder (a shared counter on
// the server), record the fencing token and release. No two holders ever
// overlap, and the tokens, in the order they were recorded, strictly
// increase.

const (
	lockChildEnv       = "EMBEDIS_LOCK_CHILD_SOCKET"
	lockChildGoroutine = 4
	lockChildRounds    = 10
	lockProcesses      = 3
)

func TestLockProcesses(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()

	var wg sync.WaitGroup
	outs := make([][]byte, lockProcesses)
	errs := make([]error, lockProcesses)
	for i := 0; i < lockProcesses; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestLockProcessChild$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), lockChildEnv+"="+srv.Socket)
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("process %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	if n, err := rdb.Get(ctx, "procs:overlaps").Int(); err != redis.Nil && (err != nil || n != 0) {
		t.Fatalf("overlapping holders: %d, %v", n, err)
	}
	raw, err := rdb.LRange(ctx, "procs:tokens", 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if want := lockProcesses * lockChildGoroutine * lockChildRounds; len(raw) != want {
		t.Fatalf("%d acquisitions recorded, want %d", len(raw), want)
	}
	pids := map[string]bool{}
	var last int64
	for i, r := range raw {
		var pid string
		var token int64
		if _, err := fmt.Sscanf(r, "%d %s", &token, &pid); err != nil {
			t.Fatalf("record %q: %v", r, err)
		}
		pids[pid] = true
		if token <= last {
			t.Fatalf("token %d = %d after %d: not increasing", i, token, last)
		}
		last = token
	}
	if len(pids) != lockProcesses {
		t.Fatalf("acquisitions by %d processes, want %d", len(pids), lockProcesses)
	}
}

// TestLockProcessChild is one of TestLockProcesses's processes; run alone it
// skips.
func TestLockProcessChild(t *testing.T) {
	sock := os.Getenv(lockChildEnv)
	if sock == "" {
		t.Skip("a child of TestLockProcesses")
	}
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	defer rdb.Close()
	l, err := embedis.NewLocker(goredis.New(rdb), "procs", embedis.LockerOptions{
		TTL: 10 * time.Second, RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pid := strconv.Itoa(os.Getpid())
	var wg sync.WaitGroup
	for g := 0; g < lockChildGoroutine; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < lockChildRounds; r++ {
				lease, err := l.Lock(ctx, "job")
				if err != nil {
					t.Error(err)
					return
				}
				if n := rdb.Incr(ctx, "procs:holders").Val(); n != 1 {
					rdb.Incr(ctx, "procs:overlaps")
					t.Errorf("%d holders at once", n)
				}
				rdb.RPush(ctx, "procs:tokens", fmt.Sprintf("%d %s", lease.Token(), pid))
				time.Sleep(time.Millisecond) // hold it a little: an overlap would show
				rdb.Decr(ctx, "procs:holders")
				if err := lease.Release(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
