package compat

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
)

// TestRueidisClientSideCaching: rueidis with client-side caching on (its
// default: RESP3, CLIENT TRACKING ON OPTIN, CLIENT CACHING YES before each
// cached read, in a MULTI with PTTL) against embedis-server. A cached read
// is served locally (IsCacheHit, and the server counts no GET for it); a
// write from another client invalidates it; once the invalidation has
// arrived (OnInvalidations), a read never returns the value from before the
// write; FLUSHALL empties the cache.
func TestRueidisClientSideCaching(t *testing.T) {
	srv := embedistest.Run(t)
	var mu sync.Mutex
	var flushes int
	invalidated := make(chan string, 1024)
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress: []string{srv.Addr},
		OnInvalidations: func(ms []rueidis.RedisMessage) {
			if ms == nil {
				mu.Lock()
				flushes++
				mu.Unlock()
				invalidated <- ""
				return
			}
			for _, m := range ms {
				k, _ := m.ToString()
				invalidated <- k
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	writer := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer writer.Close()

	waitFor := func(key string) {
		t.Helper()
		for {
			select {
			case k := <-invalidated:
				if k == key {
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("no invalidation of %q", key)
			}
		}
	}
	getCalls := func() int64 {
		t.Helper()
		info := writer.Info(ctx, "commandstats").Val()
		for _, l := range strings.Split(info, "\r\n") {
			if rest, ok := strings.CutPrefix(l, "cmdstat_get:calls="); ok {
				n, _ := strconv.ParseInt(rest[:strings.IndexByte(rest, ',')], 10, 64)
				return n
			}
		}
		return 0
	}
	cachedGet := func(key string) (string, bool) {
		t.Helper()
		r := client.DoCache(ctx, client.B().Get().Key(key).Cache(), time.Minute)
		v, err := r.ToString()
		if err != nil && !rueidis.IsRedisNil(err) {
			t.Fatal(err)
		}
		return v, r.IsCacheHit()
	}

	writer.Set(ctx, "k", "v0", 0)
	if v, hit := cachedGet("k"); v != "v0" || hit {
		t.Fatalf("first read: %q hit=%v", v, hit)
	}
	before := getCalls()
	for i := 0; i < 5; i++ {
		if v, hit := cachedGet("k"); v != "v0" || !hit {
			t.Fatalf("cached read: %q hit=%v", v, hit)
		}
	}
	if after := getCalls(); after != before {
		t.Fatalf("cached reads reached the server: GET calls %d -> %d", before, after)
	}
	// Writes from another client, each invalidating the cached value.
	for i := 1; i <= 50; i++ {
		want := "v" + strconv.Itoa(i)
		if err := writer.Set(ctx, "k", want, 0).Err(); err != nil {
			t.Fatal(err)
		}
		waitFor("k")
		v, hit := cachedGet("k")
		if v != want || hit {
			t.Fatalf("after write %d and its invalidation: %q hit=%v", i, v, hit)
		}
		if v, hit := cachedGet("k"); v != want || !hit {
			t.Fatalf("read again after write %d: %q hit=%v", i, v, hit)
		}
	}
	// Other types and a key deleted.
	writer.HSet(ctx, "h", "f", "1")
	hget := func() (string, bool) {
		r := client.DoCache(ctx, client.B().Hget().Key("h").Field("f").Cache(), time.Minute)
		v, _ := r.ToString()
		return v, r.IsCacheHit()
	}
	hget()
	if v, hit := hget(); v != "1" || !hit {
		t.Fatalf("HGET cached: %q %v", v, hit)
	}
	writer.Del(ctx, "h")
	waitFor("h")
	if v, hit := hget(); v != "" || hit {
		t.Fatalf("HGET after DEL: %q %v", v, hit)
	}
	// An expiry invalidates too.
	writer.Set(ctx, "e", "x", 50*time.Millisecond)
	cachedGet("e")
	srv.Clock.Advance(100 * time.Millisecond)
	waitFor("e")
	if v, hit := cachedGet("e"); v != "" || hit {
		t.Fatalf("after expiry: %q hit=%v", v, hit)
	}
	// FLUSHALL: a null invalidation on every tracking connection (rueidis
	// multiplexes several, each with its own cache), and the cache is empty
	// once each has had its own.
	cachedGet("k")
	tracking := 0
	for _, l := range strings.Split(writer.ClientList(ctx).Val(), "\n") {
		if _, flags, ok := strings.Cut(l, " flags="); ok && strings.Contains(strings.Fields(flags)[0], "t") {
			tracking++
		}
	}
	if tracking == 0 {
		t.Fatal("no tracking connection in CLIENT LIST")
	}
	writer.FlushAll(ctx)
	for range tracking {
		waitFor("")
	}
	if v, hit := cachedGet("k"); v != "" || hit {
		t.Fatalf("after FLUSHALL: %q hit=%v", v, hit)
	}
	mu.Lock()
	defer mu.Unlock()
	if flushes == 0 {
		t.Fatal("no flush invalidation")
	}
}
