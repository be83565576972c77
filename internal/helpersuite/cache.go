package helpersuite

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

func init() { Register("Cache", cacheSuite) }

// cacheSuite checks Cache: the key layout, Get/Set with the codecs, TTL
// and the bounds of its jitter, negative caching, Delete, invalidation by
// prefix and by tag, the counts, and get-or-load's single load under a
// stampede (one Cache value, and several sharing a name as processes do),
// with writes during a load winning over it and contexts honoured.
func cacheSuite(t *testing.T, newEnv NewEnv) {
	t.Run("Options", func(t *testing.T) { cacheOptions(t, newEnv(t)) })
	t.Run("GetSet", func(t *testing.T) { cacheGetSet(t, newEnv(t)) })
	t.Run("TTL", func(t *testing.T) { cacheTTL(t, newEnv(t)) })
	t.Run("Jitter", func(t *testing.T) { cacheJitter(t, newEnv(t)) })
	t.Run("Negative", func(t *testing.T) { cacheNegative(t, newEnv(t)) })
	t.Run("LoadErrors", func(t *testing.T) { cacheLoadErrors(t, newEnv(t)) })
	t.Run("Delete", func(t *testing.T) { cacheDelete(t, newEnv(t)) })
	t.Run("InvalidatePrefix", func(t *testing.T) { cacheInvalidatePrefix(t, newEnv(t)) })
	t.Run("InvalidateTag", func(t *testing.T) { cacheInvalidateTag(t, newEnv(t)) })
	t.Run("Stats", func(t *testing.T) { cacheStats(t, newEnv(t)) })
	t.Run("Stampede", func(t *testing.T) { cacheStampede(t, newEnv(t)) })
	t.Run("StampedeShared", func(t *testing.T) { cacheStampedeShared(t, newEnv(t)) })
	t.Run("SingleFlight", func(t *testing.T) { cacheSingleFlight(t, newEnv(t)) })
	t.Run("WriteDuringLoad", func(t *testing.T) { cacheWriteDuringLoad(t, newEnv(t)) })
	t.Run("Contexts", func(t *testing.T) { cacheContexts(t, newEnv(t)) })
	t.Run("LockExpiry", func(t *testing.T) { cacheLockExpiry(t, newEnv(t)) })
	t.Run("LoaderPanic", func(t *testing.T) { cacheLoaderPanic(t, newEnv(t)) })
}

type cacheItem struct {
	Name  string
	Price int
}

func newCache[V any](t *testing.T, env Env, name string, opts embedis.CacheOptions[V]) *embedis.Cache[V] {
	t.Helper()
	c, err := embedis.NewCache(env.Backend, env.Prefix+name, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	rawGetScript     = embedis.NewScript(`return redis.call('GET', KEYS[1])`)
	rawPTTLScript    = embedis.NewScript(`return redis.call('PTTL', KEYS[1])`)
	rawSetScript     = embedis.NewScript(`return redis.call('SET', KEYS[1], ARGV[1])`)
	rawMembersScript = embedis.NewScript(`return redis.call('SMEMBERS', KEYS[1])`)
)

// rawGet returns the string at key in the backend's keyspace, or ok false.
func rawGet(t *testing.T, env Env, key string) (string, bool) {
	t.Helper()
	if !env.Remote {
		v, err := env.Store.Get(context.Background(), key)
		if errors.Is(err, embedis.ErrNotFound) {
			return "", false
		}
		if err != nil {
			t.Fatal(err)
		}
		return v, true
	}
	r, err := env.Backend.Run(context.Background(), rawGetScript, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	if r == nil {
		return "", false
	}
	return r.(string), true
}

func rawSet(t *testing.T, env Env, key, val string) {
	t.Helper()
	var err error
	if !env.Remote {
		err = env.Store.Set(context.Background(), key, val, 0)
	} else {
		_, err = env.Backend.Run(context.Background(), rawSetScript, []string{key}, val)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// rawPTTL returns the time to live of key in milliseconds (-2 missing, -1
// none).
func rawPTTL(t *testing.T, env Env, key string) int64 {
	t.Helper()
	if !env.Remote {
		d, err := env.Store.PTTL(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		if d < 0 {
			return int64(d)
		}
		return d.Milliseconds()
	}
	r, err := env.Backend.Run(context.Background(), rawPTTLScript, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	return r.(int64)
}

func rawMembers(t *testing.T, env Env, key string) []string {
	t.Helper()
	var got []string
	if !env.Remote {
		var err error
		if got, err = env.Store.SMembers(context.Background(), key); err != nil {
			t.Fatal(err)
		}
	} else {
		r, err := env.Backend.Run(context.Background(), rawMembersScript, []string{key})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range r.([]any) {
			got = append(got, m.(string))
		}
	}
	sort.Strings(got)
	return got
}

// wantGet checks that c.Get(key) returns want.
func wantGet[V comparable](t *testing.T, c *embedis.Cache[V], key string, want V) {
	t.Helper()
	got, err := c.Get(context.Background(), key)
	if err != nil || got != want {
		t.Fatalf("Get(%q) = %v, %v; want %v", key, got, err, want)
	}
}

// wantGetErr checks that c.Get(key) fails with target.
func wantGetErr[V any](t *testing.T, c *embedis.Cache[V], key string, target error) {
	t.Helper()
	got, err := c.Get(context.Background(), key)
	if !errors.Is(err, target) {
		t.Fatalf("Get(%q) = %v, %v; want %v", key, got, err, target)
	}
}

func cacheOptions(t *testing.T, env Env) {
	ctx := context.Background()
	bad := []embedis.CacheOptions[string]{
		{},
		{TTL: time.Microsecond},
		{TTL: -time.Second},
		{TTL: time.Second, Jitter: -0.1},
		{TTL: time.Second, Jitter: 1.5},
		{TTL: time.Second, NegativeTTL: -time.Second},
		{TTL: time.Second, NegativeTTL: time.Microsecond},
		{TTL: time.Second, LockTTL: -time.Second},
		{TTL: math.MaxInt64 / 2}, // a tag's TTL would overflow
	}
	for _, o := range bad {
		if _, err := embedis.NewCache(env.Backend, env.Prefix+"c", o); !errors.Is(err, embedis.ErrCacheArg) {
			t.Errorf("NewCache(%+v): err = %v, want ErrCacheArg", o, err)
		}
	}
	for _, name := range []string{"", "a{b", "a}b"} {
		if _, err := embedis.NewCache(env.Backend, name, embedis.CacheOptions[string]{TTL: time.Second}); !errors.Is(err, embedis.ErrCacheArg) {
			t.Errorf("NewCache(name %q): err = %v, want ErrCacheArg", name, err)
		}
	}
	if _, err := embedis.NewCache[string](nil, "c", embedis.CacheOptions[string]{TTL: time.Second}); !errors.Is(err, embedis.ErrCacheArg) {
		t.Errorf("NewCache(nil backend): err = %v, want ErrCacheArg", err)
	}
	c := newCache(t, env, "c", embedis.CacheOptions[string]{TTL: time.Second, Jitter: 1})
	if c.Name() != env.Prefix+"c" {
		t.Errorf("Name() = %q", c.Name())
	}
	load := func(context.Context, string) (string, error) { return "v", nil }
	for _, key := range []string{"", "}x"} {
		if _, err := c.Get(ctx, key); !errors.Is(err, embedis.ErrCacheArg) {
			t.Errorf("Get(%q): err = %v, want ErrCacheArg", key, err)
		}
		if err := c.Set(ctx, key, "v"); !errors.Is(err, embedis.ErrCacheArg) {
			t.Errorf("Set(%q): err = %v, want ErrCacheArg", key, err)
		}
		if _, err := c.GetOrLoad(ctx, key, load); !errors.Is(err, embedis.ErrCacheArg) {
			t.Errorf("GetOrLoad(%q): err = %v, want ErrCacheArg", key, err)
		}
		if err := c.Delete(ctx, key); !errors.Is(err, embedis.ErrCacheArg) {
			t.Errorf("Delete(%q): err = %v, want ErrCacheArg", key, err)
		}
	}
	if _, err := c.GetOrLoad(ctx, "k", nil); !errors.Is(err, embedis.ErrCacheArg) {
		t.Errorf("GetOrLoad(nil loader): err = %v, want ErrCacheArg", err)
	}
	// Braces inside a key (after its first byte) are fine: a key's
	// entries still share one slot (on a Cluster the three-key steps below
	// would fail with CROSSSLOT otherwise).
	for _, key := range []string{"a}{b", "x{y", "{z}", "a}"} {
		base := env.Prefix + "c:{" + key + "}"
		if KeySlot(base+":missing") != KeySlot(base) || KeySlot(base+":lock") != KeySlot(base) {
			t.Fatalf("the entries of key %q are in slots %d, %d, %d", key, KeySlot(base), KeySlot(base+":missing"), KeySlot(base+":lock"))
		}
		if v, err := c.GetOrLoad(ctx, key, load); err != nil || v != "v" {
			t.Fatalf("GetOrLoad(%q) = %q, %v", key, v, err)
		}
		if v, ok := rawGet(t, env, base); !ok || v != "v" {
			t.Fatalf("raw %q = %q, %v", base, v, ok)
		}
		if err := c.Set(ctx, key, "braces"); err != nil {
			t.Fatal(err)
		}
		wantGet(t, c, key, "braces")
		if err := c.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		wantGetErr(t, c, key, embedis.ErrCacheMiss)
	}
}

func cacheGetSet(t *testing.T, env Env) {
	ctx := context.Background()
	strs := newCache(t, env, "s", embedis.CacheOptions[string]{TTL: time.Minute})
	wantGetErr(t, strs, "k", embedis.ErrCacheMiss)
	if err := strs.Set(ctx, "k", "hello"); err != nil {
		t.Fatal(err)
	}
	wantGet(t, strs, "k", "hello")
	// A string is stored as it is, under name:{key}.
	if v, ok := rawGet(t, env, env.Prefix+"s:{k}"); !ok || v != "hello" {
		t.Fatalf("raw %q = %q, %v; want hello", env.Prefix+"s:{k}", v, ok)
	}
	if err := strs.Set(ctx, "k", ""); err != nil {
		t.Fatal(err)
	}
	wantGet(t, strs, "k", "")

	bytes := newCache(t, env, "b", embedis.CacheOptions[[]byte]{TTL: time.Minute})
	if err := bytes.Set(ctx, "k", []byte{0, 1, 0xff}); err != nil {
		t.Fatal(err)
	}
	if v, ok := rawGet(t, env, env.Prefix+"b:{k}"); !ok || v != "\x00\x01\xff" {
		t.Fatalf("raw bytes = %q, %v", v, ok)
	}
	got, err := bytes.Get(ctx, "k")
	if err != nil || string(got) != "\x00\x01\xff" {
		t.Fatalf("Get bytes = %q, %v", got, err)
	}

	// Other types are JSON by default.
	items := newCache(t, env, "i", embedis.CacheOptions[cacheItem]{TTL: time.Minute})
	if err := items.Set(ctx, "book", cacheItem{"Dune", 12}); err != nil {
		t.Fatal(err)
	}
	wantGet(t, items, "book", cacheItem{"Dune", 12})
	if v, _ := rawGet(t, env, env.Prefix+"i:{book}"); v != `{"Name":"Dune","Price":12}` {
		t.Fatalf("raw JSON = %q", v)
	}
	// A string with the JSON codec chosen explicitly is JSON.
	quoted := newCache(t, env, "q", embedis.CacheOptions[string]{TTL: time.Minute, Codec: embedis.JSONCodec[string]{}})
	if err := quoted.Set(ctx, "k", "hi"); err != nil {
		t.Fatal(err)
	}
	if v, _ := rawGet(t, env, env.Prefix+"q:{k}"); v != `"hi"` {
		t.Fatalf("raw JSON string = %q", v)
	}
	wantGet(t, quoted, "k", "hi")

	// A custom codec is used both ways; its errors come back.
	custom := newCache(t, env, "x", embedis.CacheOptions[int]{TTL: time.Minute, Codec: decimalCodec{}})
	if err := custom.Set(ctx, "n", 42); err != nil {
		t.Fatal(err)
	}
	if v, _ := rawGet(t, env, env.Prefix+"x:{n}"); v != "dec:42" {
		t.Fatalf("raw custom = %q", v)
	}
	wantGet(t, custom, "n", 42)
	if err := custom.Set(ctx, "n", -1); !errors.Is(err, errNegative) {
		t.Fatalf("Set of an unencodable value: err = %v, want errNegative", err)
	}
	wantGet(t, custom, "n", 42)
	rawSet(t, env, env.Prefix+"x:{n}", "garbage")
	if _, err := custom.Get(ctx, "n"); !errors.Is(err, errDecimal) {
		t.Fatalf("Get of an undecodable value: err = %v, want errDecimal", err)
	}
	// GetOrLoad replaces a value that no longer decodes.
	v, err := custom.GetOrLoad(ctx, "n", func(context.Context, string) (int, error) { return 7, nil })
	if err != nil || v != 7 {
		t.Fatalf("GetOrLoad over an undecodable value = %v, %v; want 7", v, err)
	}
	wantGet(t, custom, "n", 7)
}

var (
	errNegative = errors.New("decimalCodec: negative")
	errDecimal  = errors.New("decimalCodec: not dec:N")
)

// decimalCodec stores non-negative ints as "dec:N".
type decimalCodec struct{}

func (decimalCodec) Marshal(v int) ([]byte, error) {
	if v < 0 {
		return nil, errNegative
	}
	return []byte("dec:" + strconv.Itoa(v)), nil
}

func (decimalCodec) Unmarshal(b []byte, v *int) error {
	if len(b) < 4 || string(b[:4]) != "dec:" {
		return errDecimal
	}
	n, err := strconv.Atoi(string(b[4:]))
	if err != nil {
		return errDecimal
	}
	*v = n
	return nil
}

func cacheTTL(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "t", embedis.CacheOptions[string]{TTL: 200 * time.Millisecond})
	if err := c.Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	// Embedded, the clock stands still: exactly 200. A real one moves
	// between the two steps.
	ttlOK := func(ms int64) bool { return ms == 200 || (env.Remote && ms > 0 && ms <= 200) }
	if ms := rawPTTL(t, env, env.Prefix+"t:{k}"); !ttlOK(ms) {
		t.Fatalf("PTTL = %d ms, want 200", ms)
	}
	wantGet(t, c, "k", "v")
	env.Advance(300 * time.Millisecond)
	wantGetErr(t, c, "k", embedis.ErrCacheMiss)
	// A Set replaces the time to live.
	if err := c.Set(ctx, "k", "v2"); err != nil {
		t.Fatal(err)
	}
	if ms := rawPTTL(t, env, env.Prefix+"t:{k}"); !ttlOK(ms) {
		t.Fatalf("PTTL after a second Set = %d ms, want 200", ms)
	}
}

func cacheJitter(t *testing.T, env Env) {
	ctx := context.Background()
	const n = 100
	ttl := 10 * time.Second
	c := newCache(t, env, "j", embedis.CacheOptions[string]{TTL: ttl, Jitter: 0.5, NegativeTTL: time.Second})
	// The embedded store's clock does not move; a real one does between
	// the Set and the PTTL: allow it 1 s.
	slack := int64(0)
	if env.Remote {
		slack = 1000
	}
	seen := map[int64]bool{}
	for i := 0; i < n; i++ {
		key := strconv.Itoa(i)
		if err := c.Set(ctx, key, "v"); err != nil {
			t.Fatal(err)
		}
		ms := rawPTTL(t, env, env.Prefix+"j:{"+key+"}")
		if ms < 10_000-slack || ms > 15_000 {
			t.Fatalf("PTTL with jitter 0.5 of 10 s = %d ms, want within [10000, 15000]", ms)
		}
		seen[ms/100] = true
	}
	// 100 uniform draws over 50 buckets of 100 ms: all in one or two
	// buckets is a jitter that does not spread.
	if len(seen) < 10 {
		t.Fatalf("100 TTLs with jitter fall in %d buckets of 100 ms; want them spread", len(seen))
	}
	// NegativeTTL is jittered the same way.
	for i := 0; i < 20; i++ {
		key := "neg" + strconv.Itoa(i)
		_, err := c.GetOrLoad(ctx, key, func(context.Context, string) (string, error) { return "", embedis.ErrCacheNotFound })
		if !errors.Is(err, embedis.ErrCacheNotFound) {
			t.Fatal(err)
		}
		ms := rawPTTL(t, env, env.Prefix+"j:{"+key+"}:missing")
		if ms < 1000-slack || ms > 1500 {
			t.Fatalf("PTTL of a negative entry = %d ms, want within [1000, 1500]", ms)
		}
	}
}

func cacheNegative(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "n", embedis.CacheOptions[string]{TTL: time.Minute, NegativeTTL: 200 * time.Millisecond})
	var calls atomic.Int64
	found := false
	load := func(_ context.Context, key string) (string, error) {
		calls.Add(1)
		if !found {
			return "", fmt.Errorf("no row for %s: %w", key, embedis.ErrCacheNotFound)
		}
		return "row", nil
	}
	for i := 0; i < 3; i++ {
		if _, err := c.GetOrLoad(ctx, "k", load); !errors.Is(err, embedis.ErrCacheNotFound) {
			t.Fatalf("GetOrLoad %d: err = %v, want ErrCacheNotFound", i, err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("loader ran %d times for 3 calls within NegativeTTL, want 1", calls.Load())
	}
	wantGetErr(t, c, "k", embedis.ErrCacheNotFound)
	if v, ok := rawGet(t, env, env.Prefix+"n:{k}:missing"); !ok || v != "1" {
		t.Fatalf("missing key = %q, %v", v, ok)
	}
	if ms := rawPTTL(t, env, env.Prefix+"n:{k}:missing"); ms <= 0 || ms > 200 {
		t.Fatalf("missing key PTTL = %d, want (0, 200]", ms)
	}
	env.Advance(300 * time.Millisecond)
	wantGetErr(t, c, "k", embedis.ErrCacheMiss)
	found = true
	if v, err := c.GetOrLoad(ctx, "k", load); err != nil || v != "row" {
		t.Fatalf("GetOrLoad after NegativeTTL = %q, %v; want row", v, err)
	}
	if calls.Load() != 2 {
		t.Fatalf("loader ran %d times, want 2", calls.Load())
	}

	// A Set replaces a negative entry.
	found = false
	if _, err := c.GetOrLoad(ctx, "k2", load); !errors.Is(err, embedis.ErrCacheNotFound) {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "k2", "set"); err != nil {
		t.Fatal(err)
	}
	wantGet(t, c, "k2", "set")
	if _, ok := rawGet(t, env, env.Prefix+"n:{k2}:missing"); ok {
		t.Fatal("the missing key outlived a Set")
	}

	// Without NegativeTTL nothing negative is cached.
	plain := newCache(t, env, "p", embedis.CacheOptions[string]{TTL: time.Minute})
	calls.Store(0)
	for i := 0; i < 3; i++ {
		if _, err := plain.GetOrLoad(ctx, "k", load); !errors.Is(err, embedis.ErrCacheNotFound) {
			t.Fatal(err)
		}
	}
	if calls.Load() != 3 {
		t.Fatalf("loader ran %d times without NegativeTTL, want 3", calls.Load())
	}
	wantGetErr(t, plain, "k", embedis.ErrCacheMiss)
}

func cacheLoadErrors(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "e", embedis.CacheOptions[string]{TTL: time.Minute, NegativeTTL: time.Minute})
	boom := errors.New("database down")
	var calls int
	load := func(context.Context, string) (string, error) {
		calls++
		return "", boom
	}
	for i := 0; i < 2; i++ {
		if _, err := c.GetOrLoad(ctx, "k", load); !errors.Is(err, boom) {
			t.Fatalf("GetOrLoad: err = %v, want the loader's", err)
		}
	}
	if calls != 2 {
		t.Fatalf("a failing loader ran %d times for 2 calls, want 2 (errors are not cached)", calls)
	}
	wantGetErr(t, c, "k", embedis.ErrCacheMiss)
	if _, ok := rawGet(t, env, env.Prefix+"e:{k}:lock"); ok {
		t.Fatal("a failed load left its lock")
	}
}

func cacheDelete(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "d", embedis.CacheOptions[string]{TTL: time.Minute, NegativeTTL: time.Minute})
	if err := c.Delete(ctx, "none"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	wantGetErr(t, c, "k", embedis.ErrCacheMiss)
	if _, err := c.GetOrLoad(ctx, "n", func(context.Context, string) (string, error) { return "", embedis.ErrCacheNotFound }); !errors.Is(err, embedis.ErrCacheNotFound) {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, "n"); err != nil {
		t.Fatal(err)
	}
	wantGetErr(t, c, "n", embedis.ErrCacheMiss)
}

func cacheInvalidatePrefix(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "p", embedis.CacheOptions[string]{TTL: time.Minute, NegativeTTL: time.Minute})
	// Another cache whose name starts the same is not touched.
	other := newCache(t, env, "p:q", embedis.CacheOptions[string]{TTL: time.Minute})
	keys := []string{"user:1", "user:2", "user:10", "user:*", "usex", "order:1", "[user]", "u", "a}"}
	for _, k := range keys {
		if err := c.Set(ctx, k, "v:"+k, "user:tag"); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Set(ctx, "user:1", "other"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOrLoad(ctx, "user:404", func(context.Context, string) (string, error) { return "", embedis.ErrCacheNotFound }); !errors.Is(err, embedis.ErrCacheNotFound) {
		t.Fatal(err)
	}
	n, err := c.InvalidatePrefix(ctx, "user:")
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("InvalidatePrefix(user:) = %d, want 5 (4 values and a negative entry)", n)
	}
	for _, k := range []string{"user:1", "user:2", "user:10", "user:*", "user:404"} {
		wantGetErr(t, c, k, embedis.ErrCacheMiss)
	}
	for _, k := range []string{"usex", "order:1", "[user]", "u", "a}"} {
		wantGet(t, c, k, "v:"+k)
	}
	wantGet(t, other, "user:1", "other")
	// Glob characters in the prefix are literal; "a}" does not take "a"'s
	// entries (their keys start with name:{a} too).
	if err := c.Set(ctx, "a", "v:a"); err != nil {
		t.Fatal(err)
	}
	if n, err := c.InvalidatePrefix(ctx, "[user"); err != nil || n != 1 {
		t.Fatalf("InvalidatePrefix([user) = %d, %v; want 1", n, err)
	}
	wantGetErr(t, c, "[user]", embedis.ErrCacheMiss)
	if n, err := c.InvalidatePrefix(ctx, "a}"); err != nil || n != 1 {
		t.Fatalf("InvalidatePrefix(a}) = %d, %v; want 1", n, err)
	}
	wantGet(t, c, "a", "v:a")
	// The tag set survives a prefix invalidation that matches its name.
	if got := rawMembers(t, env, env.Prefix+"p:{user:tag}:tag"); len(got) != len(keys) {
		t.Fatalf("tag set = %v, want the %d keys tagged", got, len(keys))
	}
	// "" clears the cache.
	if n, err := c.InvalidatePrefix(ctx, ""); err != nil || n != 4 {
		t.Fatalf("InvalidatePrefix(\"\") = %d, %v; want 4", n, err)
	}
	for _, k := range []string{"usex", "order:1", "u", "a"} {
		wantGetErr(t, c, k, embedis.ErrCacheMiss)
	}
	wantGet(t, other, "user:1", "other")
	// Many keys: more than one batch of SCAN.
	for i := 0; i < 600; i++ {
		if err := c.Set(ctx, "bulk:"+strconv.Itoa(i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.InvalidatePrefix(ctx, "bulk:"); err != nil || n != 600 {
		t.Fatalf("InvalidatePrefix(bulk:) = %d, %v; want 600", n, err)
	}
}

func cacheInvalidateTag(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "g", embedis.CacheOptions[string]{TTL: time.Minute, Jitter: 0.5})
	sets := map[string][]string{"a": {"t1"}, "b": {"t1", "t2"}, "c": {"t2"}, "d": nil}
	for _, k := range []string{"a", "b", "c", "d"} {
		if err := c.Set(ctx, k, "v:"+k, sets[k]...); err != nil {
			t.Fatal(err)
		}
	}
	if got := rawMembers(t, env, env.Prefix+"g:{t1}:tag"); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("tag set t1 = %v, want [a b]", got)
	}
	// The tag's set lives at least as long as its longest-lived value.
	tagTTL := rawPTTL(t, env, env.Prefix+"g:{t1}:tag")
	for _, k := range []string{"a", "b"} {
		if ms := rawPTTL(t, env, env.Prefix+"g:{"+k+"}"); ms > tagTTL {
			t.Fatalf("tag set PTTL %d < PTTL %d of its member %s", tagTTL, ms, k)
		}
	}
	// GetOrLoad records its tags.
	if _, err := c.GetOrLoad(ctx, "e", func(context.Context, string) (string, error) { return "v:e", nil }, "t2"); err != nil {
		t.Fatal(err)
	}
	n, err := c.InvalidateTag(ctx, "t1")
	if err != nil || n != 2 {
		t.Fatalf("InvalidateTag(t1) = %d, %v; want 2", n, err)
	}
	wantGetErr(t, c, "a", embedis.ErrCacheMiss)
	wantGetErr(t, c, "b", embedis.ErrCacheMiss)
	wantGet(t, c, "c", "v:c")
	wantGet(t, c, "d", "v:d")
	if got := rawPTTL(t, env, env.Prefix+"g:{t1}:tag"); got != -2 {
		t.Fatalf("tag set t1 after InvalidateTag: PTTL %d, want gone", got)
	}
	// b is gone already: t2 deletes c and e.
	if n, err := c.InvalidateTag(ctx, "t2", "nosuchtag"); err != nil || n != 2 {
		t.Fatalf("InvalidateTag(t2, nosuchtag) = %d, %v; want 2", n, err)
	}
	wantGetErr(t, c, "e", embedis.ErrCacheMiss)
	wantGet(t, c, "d", "v:d")
	// More keys than one batch.
	for i := 0; i < 600; i++ {
		if err := c.Set(ctx, "bulk:"+strconv.Itoa(i), "v", "bulk"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.InvalidateTag(ctx, "bulk"); err != nil || n != 600 {
		t.Fatalf("InvalidateTag(bulk) = %d, %v; want 600", n, err)
	}
	wantGetErr(t, c, "bulk:599", embedis.ErrCacheMiss)
}

func cacheStats(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "st", embedis.CacheOptions[string]{TTL: time.Minute, NegativeTTL: time.Minute})
	load := func(_ context.Context, key string) (string, error) {
		if key == "none" {
			return "", embedis.ErrCacheNotFound
		}
		return "v", nil
	}
	c.Get(ctx, "k")                // miss
	c.GetOrLoad(ctx, "k", load)    // miss, load
	c.GetOrLoad(ctx, "k", load)    // hit
	c.Get(ctx, "k")                // hit
	c.GetOrLoad(ctx, "none", load) // miss, load
	c.GetOrLoad(ctx, "none", load) // negative hit
	c.Get(ctx, "none")             // negative hit
	want := embedis.CacheStats{Hits: 2, NegativeHits: 2, Misses: 3, Loads: 2}
	if got := c.Stats(); got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

// cacheStampede: 1,000 goroutines miss one key at once; the loader runs
// once and every one of them gets its value.
func cacheStampede(t *testing.T, env Env) {
	c := newCache(t, env, "sp", embedis.CacheOptions[cacheItem]{TTL: time.Minute})
	stampede(t, []*embedis.Cache[cacheItem]{c}, 1000)
	st := c.Stats()
	if st.Loads != 1 || st.Hits+st.Misses != 1000 {
		t.Fatalf("Stats = %+v, want 1 load and 1000 lookups", st)
	}
}

// cacheStampedeShared: the same with four Cache values of one name, as
// four processes sharing a Redis would have: the lock key makes the
// loader run once across them.
func cacheStampedeShared(t *testing.T, env Env) {
	var caches []*embedis.Cache[cacheItem]
	for i := 0; i < 4; i++ {
		caches = append(caches, newCache(t, env, "sh", embedis.CacheOptions[cacheItem]{TTL: time.Minute}))
	}
	stampede(t, caches, 1000)
}

func stampede(t *testing.T, caches []*embedis.Cache[cacheItem], n int) {
	t.Helper()
	var calls atomic.Int64
	load := func(ctx context.Context, key string) (cacheItem, error) {
		calls.Add(1)
		// Slow enough that the goroutines pile up behind the load.
		time.Sleep(50 * time.Millisecond)
		return cacheItem{key, 42}, nil
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(c *embedis.Cache[cacheItem]) {
			defer wg.Done()
			<-start
			v, err := c.GetOrLoad(context.Background(), "hot", load)
			if err == nil && v != (cacheItem{"hot", 42}) {
				err = fmt.Errorf("got %+v", v)
			}
			if err != nil {
				errs <- err
			}
		}(caches[i%len(caches)])
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 1 {
		t.Fatalf("%d goroutines on %d Cache values missed at once: the loader ran %d times, want 1", n, len(caches), got)
	}
}

// cacheSingleFlight: callers of one Cache value that miss while a load
// runs wait for it in the process, not on the lock: deleting the key (and
// so its lock) during the load does not set them loading.
func cacheSingleFlight(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "sf", embedis.CacheOptions[string]{TTL: time.Minute})
	var calls atomic.Int64
	started, release := make(chan struct{}), make(chan struct{})
	load := func(context.Context, string) (string, error) {
		if calls.Add(1) == 1 {
			close(started)
		}
		<-release
		return "v", nil
	}
	var wg sync.WaitGroup
	results := make(chan string, 11)
	get := func() {
		defer wg.Done()
		v, err := c.GetOrLoad(ctx, "k", load)
		if err != nil {
			v = err.Error()
		}
		results <- v
	}
	wg.Add(1)
	go get()
	<-started
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go get()
	}
	time.Sleep(20 * time.Millisecond) // let them miss and wait
	if err := c.Delete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // a poller would take the lock now
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != "v" {
			t.Fatalf("a caller got %q, want v", v)
		}
	}
	if got := calls.Load(); got != 1 {
		t.Fatalf("the loader ran %d times, want 1", got)
	}
}

// cacheWriteDuringLoad: a Set or a Delete while a load runs wins: the
// load's result goes to its caller but is not stored.
func cacheWriteDuringLoad(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "w", embedis.CacheOptions[string]{TTL: time.Minute})
	for _, write := range []string{"Set", "Delete", "InvalidatePrefix", "InvalidateTag"} {
		key := "k" + write
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			v, err := c.GetOrLoad(ctx, key, func(context.Context, string) (string, error) {
				close(started)
				<-release
				return "stale", nil
			}, "tag"+write)
			if err == nil && v != "stale" {
				err = fmt.Errorf("the loading caller got %q, want its loader's stale", v)
			}
			done <- err
		}()
		<-started
		var err error
		switch write {
		case "Set":
			err = c.Set(ctx, key, "fresh")
		case "Delete":
			err = c.Delete(ctx, key)
		case "InvalidatePrefix":
			_, err = c.InvalidatePrefix(ctx, key)
		case "InvalidateTag":
			// The tags are recorded when the load starts.
			_, err = c.InvalidateTag(ctx, "tag"+write)
		}
		if err != nil {
			t.Fatal(err)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("%s during a load: %v", write, err)
		}
		if write == "Set" {
			wantGet(t, c, key, "fresh")
		} else {
			wantGetErr(t, c, key, embedis.ErrCacheMiss)
		}
	}
}

// cacheContexts: a waiter's context ends its wait; the loading caller's
// context ending sends its waiters to load for themselves.
func cacheContexts(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "cx", embedis.CacheOptions[string]{TTL: time.Minute})
	other := newCache(t, env, "cx", embedis.CacheOptions[string]{TTL: time.Minute})

	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := c.GetOrLoad(ctx, "k", func(context.Context, string) (string, error) {
			close(started)
			<-release
			return "v", nil
		})
		done <- err
	}()
	<-started
	never := func(context.Context, string) (string, error) {
		t.Error("a waiter's loader ran while the load it waits for runs")
		return "", nil
	}
	// A waiter in the same Cache (single flight) and one in another Cache
	// value (polling the lock) both give up when their context ends.
	for _, w := range []*embedis.Cache[string]{c, other} {
		wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		_, err := w.GetOrLoad(wctx, "k", never)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiter: err = %v, want DeadlineExceeded", err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantGet(t, c, "k", "v")

	// The loading caller gives up: its waiter loads by itself.
	lctx, cancel := context.WithCancel(ctx)
	started = make(chan struct{})
	go func() {
		_, err := c.GetOrLoad(lctx, "k2", func(ctx context.Context, _ string) (string, error) {
			close(started)
			<-ctx.Done()
			return "", ctx.Err()
		})
		done <- err
	}()
	<-started
	waiter := make(chan error, 1)
	go func() {
		v, err := c.GetOrLoad(ctx, "k2", func(context.Context, string) (string, error) { return "mine", nil })
		if err == nil && v != "mine" {
			err = fmt.Errorf("waiter got %q, want mine", v)
		}
		waiter <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the waiter join the load
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("loading caller: err = %v, want Canceled", err)
	}
	if err := <-waiter; err != nil {
		t.Fatalf("waiter after the loading caller gave up: %v", err)
	}
	wantGet(t, c, "k2", "mine")
}

// cacheLockExpiry: a load that outlives LockTTL (a process that hung or
// died) is taken over by a waiter, and the late result is not stored.
func cacheLockExpiry(t *testing.T, env Env) {
	ctx := context.Background()
	opts := embedis.CacheOptions[string]{TTL: time.Minute, LockTTL: 300 * time.Millisecond}
	a, b := newCache(t, env, "le", opts), newCache(t, env, "le", opts)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := a.GetOrLoad(ctx, "k", func(context.Context, string) (string, error) {
			close(started)
			<-release
			return "late", nil
		})
		done <- err
	}()
	<-started
	if ms := rawPTTL(t, env, env.Prefix+"le:{k}:lock"); ms <= 0 || ms > 300 {
		t.Fatalf("lock PTTL = %d, want (0, 300]", ms)
	}
	waiter := make(chan error, 1)
	go func() {
		v, err := b.GetOrLoad(ctx, "k", func(context.Context, string) (string, error) { return "taken over", nil })
		if err == nil && v != "taken over" {
			err = fmt.Errorf("waiter got %q", v)
		}
		waiter <- err
	}()
	env.Advance(400 * time.Millisecond)
	if err := <-waiter; err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantGet(t, a, "k", "taken over")
}

// cacheLoaderPanic: the panic goes on in the loading caller, its lock is
// released, and the next call loads.
func cacheLoaderPanic(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCache(t, env, "pa", embedis.CacheOptions[string]{TTL: time.Minute})
	func() {
		defer func() {
			if r := recover(); r != "loader bug" {
				t.Fatalf("recovered %v, want the loader's panic", r)
			}
		}()
		c.GetOrLoad(ctx, "k", func(context.Context, string) (string, error) { panic("loader bug") })
	}()
	if _, ok := rawGet(t, env, env.Prefix+"pa:{k}:lock"); ok {
		t.Fatal("a panicking loader left its lock")
	}
	if v, err := c.GetOrLoad(ctx, "k", func(context.Context, string) (string, error) { return "v", nil }); err != nil || v != "v" {
		t.Fatalf("GetOrLoad after a panic = %q, %v", v, err)
	}
}
