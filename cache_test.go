package embedis_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// The behaviour shared by both backends is in internal/helpersuite/cache.go
// (TestHelperConformance here, TestConformanceRedis and
// TestConformanceCluster in goredis). These tests cover what one backend
// cannot show: the embedded hit path's allocations, and a remote backend
// that answers badly.

func openCacheStore(t *testing.T) *embedis.Store {
	t.Helper()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCacheGetAllocs: an embedded Get hit of a Cache[string] allocates
// only the key it looks up (name:{key}); the value is the stored string.
func TestCacheGetAllocs(t *testing.T) {
	ctx := context.Background()
	c, err := embedis.NewCache(embedis.Embedded(openCacheStore(t)), "a", embedis.CacheOptions[string]{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "key", "value"); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if v, err := c.Get(ctx, "key"); err != nil || v != "value" {
			t.Fatalf("Get = %q, %v", v, err)
		}
	})
	if allocs > 1 {
		t.Fatalf("Get hit: %v allocations, want at most 1 (the key)", allocs)
	}
}

// TestCacheLoaderPanicWaiters: the callers waiting for a load whose loader
// panics get ErrCacheLoaderPanic (or, arriving after it, load themselves);
// none hangs and none runs the panicking loader.
func TestCacheLoaderPanicWaiters(t *testing.T) {
	ctx := context.Background()
	c, err := embedis.NewCache(embedis.Embedded(openCacheStore(t)), "p", embedis.CacheOptions[string]{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	load := func(context.Context, string) (string, error) {
		first := false
		once.Do(func() { first = true })
		if first {
			close(started)
			<-release
			panic("loader bug")
		}
		return "v", nil
	}
	leader := make(chan any, 1)
	go func() {
		defer func() { leader <- recover() }()
		c.GetOrLoad(ctx, "k", load)
	}()
	<-started
	const waiters = 10
	results := make(chan error, waiters)
	for i := 0; i < waiters; i++ {
		go func() {
			v, err := c.GetOrLoad(ctx, "k", load)
			if err == nil && v != "v" {
				err = errors.New("got " + v)
			}
			results <- err
		}()
	}
	time.Sleep(20 * time.Millisecond) // let the waiters join the load
	close(release)
	if r := <-leader; r != "loader bug" {
		t.Fatalf("the loading caller recovered %v, want the loader's panic", r)
	}
	panicked := 0
	for i := 0; i < waiters; i++ {
		err := <-results
		switch {
		case errors.Is(err, embedis.ErrCacheLoaderPanic):
			panicked++
		case err != nil:
			t.Fatalf("waiter: %v", err)
		}
	}
	t.Logf("%d of %d waiters saw the panic", panicked, waiters)
}

// fakeRemote is a remote backend whose every script answers reply, err.
type fakeRemote struct {
	reply any
	err   error
}

func (fakeRemote) Store() *embedis.Store { return nil }

func (f fakeRemote) Run(context.Context, *embedis.Script, []string, ...any) (any, error) {
	return f.reply, f.err
}

// TestCacheRemoteReplies: a remote backend's error comes back as it is, a
// reply of the wrong shape is ErrBackendReply, and InvalidatePrefix needs a
// KeyScanner.
func TestCacheRemoteReplies(t *testing.T) {
	ctx := context.Background()
	down := errors.New("connection refused")
	c, err := embedis.NewCache[string](fakeRemote{err: down}, "r", embedis.CacheOptions[string]{TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	load := func(context.Context, string) (string, error) { return "v", nil }
	if _, err := c.Get(ctx, "k"); !errors.Is(err, down) {
		t.Errorf("Get: err = %v, want the backend's", err)
	}
	if _, err := c.GetOrLoad(ctx, "k", load); !errors.Is(err, down) {
		t.Errorf("GetOrLoad: err = %v, want the backend's", err)
	}
	if err := c.Set(ctx, "k", "v"); !errors.Is(err, down) {
		t.Errorf("Set: err = %v, want the backend's", err)
	}
	if _, err := c.InvalidateTag(ctx, "t"); !errors.Is(err, down) {
		t.Errorf("InvalidateTag: err = %v, want the backend's", err)
	}
	if _, err := c.InvalidatePrefix(ctx, "k"); !errors.Is(err, embedis.ErrCacheNoScan) {
		t.Errorf("InvalidatePrefix without KeyScanner: err = %v, want ErrCacheNoScan", err)
	}

	for _, reply := range []any{int64(7), []any{"x"}, 1.5} {
		c, _ := embedis.NewCache[string](fakeRemote{reply: reply}, "r", embedis.CacheOptions[string]{TTL: time.Hour})
		if _, err := c.Get(ctx, "k"); !errors.Is(err, embedis.ErrBackendReply) {
			t.Errorf("Get with reply %#v: err = %v, want ErrBackendReply", reply, err)
		}
		if _, err := c.GetOrLoad(ctx, "k", load); !errors.Is(err, embedis.ErrBackendReply) {
			t.Errorf("GetOrLoad with reply %#v: err = %v, want ErrBackendReply", reply, err)
		}
		if _, isInt := reply.(int64); isInt {
			continue // a count: Delete's reply
		}
		if err := c.Delete(ctx, "k"); !errors.Is(err, embedis.ErrBackendReply) {
			t.Errorf("Delete with reply %#v: err = %v, want ErrBackendReply", reply, err)
		}
	}
	c2, _ := embedis.NewCache[string](fakeRemote{reply: []any{int64(1)}}, "r", embedis.CacheOptions[string]{TTL: time.Hour})
	if _, err := c2.InvalidateTag(ctx, "t"); !errors.Is(err, embedis.ErrBackendReply) {
		t.Errorf("InvalidateTag with a non-string member: err = %v, want ErrBackendReply", err)
	}
}
