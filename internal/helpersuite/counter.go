package helpersuite

import (
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/hll"
)

func init() { Register("Counter", counterSuite) }

// counterSuite checks Counter on one backend: totals, buckets per size,
// the window sums and series, the keys' layout and deadlines, errors that
// change nothing, and concurrent increments.
//
// The subtests run in parallel, each on an Env of its own, so that their
// waits on a real clock overlap.
func counterSuite(t *testing.T, newEnv NewEnv) {
	for _, sub := range []struct {
		name string
		run  func(*testing.T, Env)
	}{
		{"Totals", counterTotals},
		{"Buckets", counterBuckets},
		{"BucketsExpire", counterExpiry},
		{"TotalTTL", counterTotalTTL},
		{"Arguments", counterArguments},
		{"FailedIncrChangesNothing", counterFailures},
		{"Concurrent", counterConcurrent},
		{"Reset", counterReset},
		{"Unique", counterUnique},
		{"UniqueBucketsExpire", counterUniqueExpiry},
		{"UniqueErrors", counterUniqueErrors},
	} {
		t.Run(sub.name, func(t *testing.T) {
			t.Parallel()
			sub.run(t, newEnv(t))
		})
	}
}

func newCounter(t *testing.T, env Env, name string, opts embedis.CounterOptions) *embedis.Counter {
	t.Helper()
	c, err := embedis.NewCounter(env.Backend, env.Prefix+name, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hourly counts by hour for two hours: a test's increments fall in its
// window whether or not an hour ends while it runs.
var hourly = embedis.CounterBucket{Size: time.Hour, Keep: 2}

func counterTotals(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCounter(t, env, "views", embedis.CounterOptions{Buckets: []embedis.CounterBucket{hourly}})
	total := env.Prefix + "views:{/home}"
	if n, err := c.Get(ctx, "/home"); n != 0 || err != nil {
		t.Fatalf("Get of a key never counted = %d, %v; want 0", n, err)
	}
	if n, err := c.Incr(ctx, "/home", 0); n != 0 || err != nil {
		t.Fatalf("Incr by 0 of a new key = %d, %v; want 0", n, err)
	}
	if v := Do(t, env, total, "EXISTS", total); v != int64(0) {
		t.Fatalf("Incr by 0 created the total: EXISTS = %#v", v)
	}
	for i, step := range []struct{ n, want int64 }{{1, 1}, {1, 2}, {5, 7}, {-3, 4}, {0, 4}} {
		if got, err := c.Incr(ctx, "/home", step.n); got != step.want || err != nil {
			t.Fatalf("Incr %d (by %d) = %d, %v; want %d", i, step.n, got, err, step.want)
		}
	}
	if _, err := c.Incr(ctx, "/about", 9); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int64{"/home": 4, "/about": 9, "/none": 0} {
		if got, err := c.Get(ctx, key); got != want || err != nil {
			t.Errorf("Get(%q) = %d, %v; want %d", key, got, err, want)
		}
		if got, err := c.Sum(ctx, key, time.Hour, 2); got != want || err != nil {
			t.Errorf("Sum(%q, 1h, 2) = %d, %v; want %d", key, got, err, want)
		}
	}
	// The total is name:{key}, a plain string with no deadline (no
	// TotalTTL), readable with GET.
	if v := Do(t, env, total, "GET", total); v != "4" {
		t.Errorf("GET %s = %#v, want \"4\"", total, v)
	}
	if v := Do(t, env, total, "PTTL", total); v != int64(-1) {
		t.Errorf("PTTL %s = %#v, want -1", total, v)
	}
	// A second Counter value with the same name shares the counts.
	same := newCounter(t, env, "views", embedis.CounterOptions{Buckets: []embedis.CounterBucket{hourly}})
	if got, err := same.Get(ctx, "/home"); got != 4 || err != nil {
		t.Errorf("another Counter named the same: Get = %d, %v; want 4", got, err)
	}
	// Keys with braces keep every key of theirs in one slot.
	for _, key := range []string{"a}b", "{x}", "{}", "a{b", "x}{"} {
		if got, err := c.Incr(ctx, key, 2); got != 2 || err != nil {
			t.Errorf("Incr(%q) = %d, %v; want 2", key, got, err)
		}
		if got, err := c.Sum(ctx, key, time.Hour, 2); got != 2 || err != nil {
			t.Errorf("Sum(%q) = %d, %v; want 2", key, got, err)
		}
	}
}

func counterBuckets(t *testing.T, env Env) {
	ctx := context.Background()
	const size = 200 * time.Millisecond
	c := newCounter(t, env, "clicks", embedis.CounterOptions{Buckets: []embedis.CounterBucket{
		{Size: size, Keep: 10}, hourly}})
	if _, err := c.Incr(ctx, "btn", 1); err != nil {
		t.Fatal(err)
	}
	env.Advance(size)
	if _, err := c.Incr(ctx, "btn", 2); err != nil {
		t.Fatal(err)
	}
	// Ten buckets (two seconds): slack for a loaded machine's stalls.
	series, err := c.Series(ctx, "btn", size, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 10 {
		t.Fatalf("Series of 10 buckets = %v", series)
	}
	var counts []int64
	one, two := -1, -1
	for i, b := range series {
		counts = append(counts, b.Count)
		if b.Start.UnixMilli()%size.Milliseconds() != 0 || b.Start.Location() != time.UTC {
			t.Errorf("bucket %d starts at %v, not a multiple of %v since the epoch in UTC", i, b.Start, size)
		}
		if i > 0 && b.Start.Sub(series[i-1].Start) != size {
			t.Errorf("buckets %d and %d start %v apart, want %v", i-1, i, b.Start.Sub(series[i-1].Start), size)
		}
		switch b.Count {
		case 0:
		case 1:
			one = i
		case 2:
			two = i
		default:
			t.Errorf("bucket %d counts %d", i, b.Count)
		}
	}
	// The increments were a bucket apart: the 1 in an older bucket than
	// the 2. On the manual clock exactly one apart, and the 2 in the
	// current bucket; a real clock may have crossed a boundary more while
	// sleeping or since.
	if one < 0 || two < 0 || one >= two {
		t.Fatalf("Series = %v: want a 1 in an older bucket than a 2", counts)
	}
	if !env.Remote && (one != 8 || two != 9) {
		t.Errorf("Series = %v, want [0 0 0 0 0 0 0 0 1 2]", counts)
	}
	if got, err := c.Sum(ctx, "btn", size, 10); got != 3 || err != nil {
		t.Errorf("Sum(200ms, 10) = %d, %v; want 3", got, err)
	}
	if got, err := c.Sum(ctx, "btn", time.Hour, 2); got != 3 || err != nil {
		t.Errorf("Sum(1h, 2) = %d, %v; want 3", got, err)
	}
	// The bucket's key: name:{key}:200ms:<start in Unix ms>, in the
	// total's slot, with its deadline Keep buckets after its start.
	total := env.Prefix + "clicks:{btn}"
	key := total + ":200ms:" + strconv.FormatInt(series[two].Start.UnixMilli(), 10)
	if KeySlot(key) != KeySlot(total) {
		t.Errorf("bucket key %s is in slot %d, its total in %d", key, KeySlot(key), KeySlot(total))
	}
	if v := Do(t, env, total, "GET", key); v != "2" {
		t.Errorf("GET %s = %#v, want \"2\"", key, v)
	}
	deadline := series[two].Start.Add(10 * size).UnixMilli()
	if v := Do(t, env, total, "PEXPIRETIME", key); v != deadline {
		t.Errorf("PEXPIRETIME %s = %#v, want %d (10 buckets after its start)", key, v, deadline)
	}
	hour := series[two].Start.Truncate(time.Hour).UnixMilli()
	hourKey := total + ":1h:" + strconv.FormatInt(hour, 10)
	if v := Do(t, env, total, "PEXPIRETIME", hourKey); v != hour+2*time.Hour.Milliseconds() {
		t.Errorf("PEXPIRETIME %s = %#v, want %d", hourKey, v, hour+2*time.Hour.Milliseconds())
	}
}

func counterExpiry(t *testing.T, env Env) {
	ctx := context.Background()
	const size = 100 * time.Millisecond
	c := newCounter(t, env, "hits", embedis.CounterOptions{Buckets: []embedis.CounterBucket{{Size: size, Keep: 4}}})
	if _, err := c.Incr(ctx, "k", 5); err != nil {
		t.Fatal(err)
	}
	series, err := c.Series(ctx, "k", size, 4)
	if err != nil {
		t.Fatal(err)
	}
	var key string
	for _, b := range series {
		if b.Count == 5 {
			key = env.Prefix + "hits:{k}:100ms:" + strconv.FormatInt(b.Start.UnixMilli(), 10)
		}
	}
	if key == "" {
		t.Fatalf("Series right after Incr = %v, without the 5", series)
	}
	if ttl, _ := Do(t, env, key, "PTTL", key).(int64); ttl <= 0 || ttl > 4*size.Milliseconds() {
		t.Errorf("PTTL %s = %d, want 1..400", key, ttl)
	}
	env.Advance(5 * size)
	if v := Do(t, env, key, "EXISTS", key); v != int64(0) {
		t.Errorf("the bucket key is still there after its window: EXISTS = %#v", v)
	}
	if got, err := c.Sum(ctx, "k", size, 4); got != 0 || err != nil {
		t.Errorf("Sum after the window = %d, %v; want 0", got, err)
	}
	if got, err := c.Get(ctx, "k"); got != 5 || err != nil {
		t.Errorf("the total after the buckets expired = %d, %v; want 5", got, err)
	}
}

func counterTotalTTL(t *testing.T, env Env) {
	ctx := context.Background()
	const ttl = 400 * time.Millisecond
	c := newCounter(t, env, "recent", embedis.CounterOptions{TotalTTL: ttl})
	total := env.Prefix + "recent:{k}"
	if _, err := c.Incr(ctx, "k", 1); err != nil {
		t.Fatal(err)
	}
	if v, _ := Do(t, env, total, "PTTL", total).(int64); v <= 0 || v > ttl.Milliseconds() {
		t.Errorf("PTTL of the total = %d, want 1..%d", v, ttl.Milliseconds())
	}
	env.Advance(ttl / 2)
	if _, err := c.Incr(ctx, "k", 1); err != nil {
		t.Fatal(err)
	}
	// Renewed by the second Incr: more than the half the first left.
	if v, _ := Do(t, env, total, "PTTL", total).(int64); v <= ttl.Milliseconds()/2 || v > ttl.Milliseconds() {
		t.Errorf("PTTL of the total after a second Incr = %d, want %d..%d", v, ttl.Milliseconds()/2+1, ttl.Milliseconds())
	}
	if got, err := c.Get(ctx, "k"); got != 2 || err != nil {
		t.Errorf("Get = %d, %v; want 2", got, err)
	}
	env.Advance(ttl + ttl/2)
	if got, err := c.Get(ctx, "k"); got != 0 || err != nil {
		t.Errorf("Get after TotalTTL = %d, %v; want 0", got, err)
	}
}

func counterArguments(t *testing.T, env Env) {
	ctx := context.Background()
	for _, opts := range []embedis.CounterOptions{
		{Buckets: []embedis.CounterBucket{{Size: 0, Keep: 1}}},
		{Buckets: []embedis.CounterBucket{{Size: -time.Minute, Keep: 1}}},
		{Buckets: []embedis.CounterBucket{{Size: 1500 * time.Microsecond, Keep: 1}}},
		{Buckets: []embedis.CounterBucket{{Size: time.Minute, Keep: 0}}},
		{Buckets: []embedis.CounterBucket{{Size: time.Minute, Keep: -1}}},
		{Buckets: []embedis.CounterBucket{{Size: 24 * time.Hour, Keep: embedis.MaxCounterKeep + 1}}},
		{Buckets: []embedis.CounterBucket{{Size: 1 << 40 * time.Millisecond, Keep: 1 << 14}}}, // a window past 2^53 ms
		{Buckets: []embedis.CounterBucket{{Size: time.Minute, Keep: math.MaxInt}}},
		{Buckets: []embedis.CounterBucket{{Size: time.Minute, Keep: 1}, {Size: 60 * time.Second, Keep: 2}}},
		{TotalTTL: -time.Second},
		{TotalTTL: time.Microsecond},
	} {
		if c, err := embedis.NewCounter(env.Backend, env.Prefix+"bad", opts); !errors.Is(err, embedis.ErrCounterArg) {
			t.Errorf("NewCounter(%+v) = %v, %v; want ErrCounterArg", opts, c, err)
		}
	}
	if _, err := embedis.NewCounter(env.Backend, env.Prefix+"most", embedis.CounterOptions{
		Buckets: []embedis.CounterBucket{{Size: time.Minute, Keep: embedis.MaxCounterKeep}}}); err != nil {
		t.Errorf("NewCounter keeping MaxCounterKeep minutes: %v", err)
	}
	if c, err := embedis.NewCounter(env.Backend, env.Prefix+"a{}", embedis.CounterOptions{}); !errors.Is(err, embedis.ErrCounterArg) {
		t.Errorf("NewCounter named with an empty hash tag = %v, %v; want ErrCounterArg", c, err)
	}
	if c, err := embedis.NewCounter(nil, "x", embedis.CounterOptions{}); !errors.Is(err, embedis.ErrCounterArg) {
		t.Errorf("NewCounter(nil backend) = %v, %v; want ErrCounterArg", c, err)
	}
	c := newCounter(t, env, "args", embedis.CounterOptions{Buckets: []embedis.CounterBucket{{Size: time.Minute, Keep: 3}}})
	calls := map[string]func() error{
		"Incr empty key":      func() error { _, err := c.Incr(ctx, "", 1); return err },
		"Incr key '}x'":       func() error { _, err := c.Incr(ctx, "}x", 1); return err },
		"Incr MinInt64":       func() error { _, err := c.Incr(ctx, "k", math.MinInt64); return err },
		"Get empty key":       func() error { _, err := c.Get(ctx, ""); return err },
		"Reset empty key":     func() error { _, err := c.Reset(ctx, ""); return err },
		"Series empty key":    func() error { _, err := c.Series(ctx, "", time.Minute, 1); return err },
		"Series unknown size": func() error { _, err := c.Series(ctx, "k", time.Hour, 1); return err },
		"Series 0 buckets":    func() error { _, err := c.Series(ctx, "k", time.Minute, 0); return err },
		"Series past Keep":    func() error { _, err := c.Series(ctx, "k", time.Minute, 4); return err },
		"Sum unknown size":    func() error { _, err := c.Sum(ctx, "k", time.Second, 1); return err },
		"Sum past Keep":       func() error { _, err := c.Sum(ctx, "k", time.Minute, 4); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, embedis.ErrCounterArg) {
			t.Errorf("%s: err = %v, want ErrCounterArg", name, err)
		}
	}
	if v := Do(t, env, env.Prefix+"args:{k}", "EXISTS", env.Prefix+"args:{k}"); v != int64(0) {
		t.Errorf("a refused Incr wrote the total: EXISTS = %#v", v)
	}
}

func counterFailures(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCounter(t, env, "f", embedis.CounterOptions{Buckets: []embedis.CounterBucket{hourly}})
	total := env.Prefix + "f:{k}"
	if _, err := c.Incr(ctx, "k", 10); err != nil {
		t.Fatal(err)
	}
	series, err := c.Series(ctx, "k", time.Hour, 2)
	if err != nil {
		t.Fatal(err)
	}
	bucket := total + ":1h:" + strconv.FormatInt(series[1].Start.UnixMilli(), 10)
	if series[1].Count != 10 { // the hour ended between the two calls
		bucket = total + ":1h:" + strconv.FormatInt(series[0].Start.UnixMilli(), 10)
	}
	unchanged := func(what string, wantTotal, wantBucket any) {
		t.Helper()
		if v := Do(t, env, total, "GET", total); v != wantTotal {
			t.Errorf("%s: the total is %#v, want %#v", what, v, wantTotal)
		}
		if v := Do(t, env, total, "GET", bucket); v != wantBucket {
			t.Errorf("%s: the bucket is %#v, want %#v", what, v, wantBucket)
		}
	}
	// A bucket that cannot take the increment: the total is put back.
	big := strconv.FormatInt(math.MaxInt64-5, 10)
	Do(t, env, total, "SET", bucket, big, "KEEPTTL")
	if _, err := c.Incr(ctx, "k", 10); !errors.Is(err, embedis.ErrOverflow) {
		t.Errorf("Incr overflowing a bucket: err = %v, want ErrOverflow", err)
	}
	unchanged("bucket overflow", "10", big)
	Do(t, env, total, "DEL", bucket)
	Do(t, env, total, "HSET", bucket, "f", "v")
	if _, err := c.Incr(ctx, "k", 1); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Incr with a hash at the bucket's key: err = %v, want ErrWrongType", err)
	}
	if _, err := c.Sum(ctx, "k", time.Hour, 2); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Sum with a hash at a bucket's key: err = %v, want ErrWrongType", err)
	}
	if v := Do(t, env, total, "GET", total); v != "10" {
		t.Errorf("wrong-type bucket: the total is %#v, want \"10\"", v)
	}
	Do(t, env, total, "DEL", bucket)
	Do(t, env, total, "SET", bucket, "ten")
	if _, err := c.Series(ctx, "k", time.Hour, 2); !errors.Is(err, embedis.ErrNotInteger) {
		t.Errorf("Series with text at a bucket's key: err = %v, want ErrNotInteger", err)
	}
	Do(t, env, total, "DEL", bucket)

	// A total that cannot take it: nothing is counted anywhere.
	max := strconv.FormatInt(math.MaxInt64, 10)
	Do(t, env, total, "SET", total, max)
	if _, err := c.Incr(ctx, "k", 1); !errors.Is(err, embedis.ErrOverflow) {
		t.Errorf("Incr overflowing the total: err = %v, want ErrOverflow", err)
	}
	unchanged("total overflow", max, nil)
	if got, err := c.Get(ctx, "k"); got != math.MaxInt64 || err != nil {
		t.Errorf("Get = %d, %v; want MaxInt64", got, err)
	}
	Do(t, env, total, "SET", total, "x")
	if _, err := c.Get(ctx, "k"); !errors.Is(err, embedis.ErrNotInteger) {
		t.Errorf("Get of text: err = %v, want ErrNotInteger", err)
	}
	if _, err := c.Incr(ctx, "k", 1); !errors.Is(err, embedis.ErrNotInteger) {
		t.Errorf("Incr of text: err = %v, want ErrNotInteger", err)
	}
	Do(t, env, total, "DEL", total)
	Do(t, env, total, "HSET", total, "f", "v")
	if _, err := c.Get(ctx, "k"); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Get of a hash: err = %v, want ErrWrongType", err)
	}
	if _, err := c.Incr(ctx, "k", 1); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Incr of a hash: err = %v, want ErrWrongType", err)
	}

	// Two old buckets near the top of the range: their sum is ErrOverflow.
	s := newCounter(t, env, "sum", embedis.CounterOptions{Buckets: []embedis.CounterBucket{{Size: time.Hour, Keep: 1000}}})
	sumTotal := env.Prefix + "sum:{k}"
	if _, err := s.Incr(ctx, "k", 1); err != nil {
		t.Fatal(err)
	}
	now, err := s.Series(ctx, "k", time.Hour, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(1); i <= 2; i++ {
		old := sumTotal + ":1h:" + strconv.FormatInt(now[0].Start.UnixMilli()-i*time.Hour.Milliseconds(), 10)
		Do(t, env, sumTotal, "SET", old, strconv.FormatInt(math.MaxInt64/2+1, 10))
	}
	if _, err := s.Sum(ctx, "k", time.Hour, 1000); !errors.Is(err, embedis.ErrOverflow) {
		t.Errorf("Sum past MaxInt64: err = %v, want ErrOverflow", err)
	}
}

func counterConcurrent(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCounter(t, env, "conc", embedis.CounterOptions{Buckets: []embedis.CounterBucket{hourly}})
	const goroutines, each = 20, 25
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := c.Incr(ctx, "k", 1); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got, err := c.Get(ctx, "k"); got != goroutines*each || err != nil {
		t.Errorf("Get = %d, %v; want %d", got, err, goroutines*each)
	}
	if got, err := c.Sum(ctx, "k", time.Hour, 2); got != goroutines*each || err != nil {
		t.Errorf("Sum = %d, %v; want %d", got, err, goroutines*each)
	}
}

func counterReset(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCounter(t, env, "r", embedis.CounterOptions{Buckets: []embedis.CounterBucket{
		hourly, {Size: 24 * time.Hour, Keep: 3}}})
	if _, err := c.Incr(ctx, "k", 3); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Incr(ctx, "other", 4); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Reset(ctx, "k"); n != 3 || err != nil {
		t.Errorf("Reset = %d, %v; want 3 keys (the total and two buckets)", n, err)
	}
	for _, size := range []time.Duration{time.Hour, 24 * time.Hour} {
		if got, err := c.Sum(ctx, "k", size, 2); got != 0 || err != nil {
			t.Errorf("Sum(%v) after Reset = %d, %v; want 0", size, got, err)
		}
		if got, err := c.Sum(ctx, "other", size, 2); got != 4 || err != nil {
			t.Errorf("another key's Sum(%v) after Reset = %d, %v; want 4", size, got, err)
		}
	}
	if got, err := c.Get(ctx, "k"); got != 0 || err != nil {
		t.Errorf("Get after Reset = %d, %v; want 0", got, err)
	}
	if n, err := c.Reset(ctx, "k"); n != 0 || err != nil {
		t.Errorf("a second Reset = %d, %v; want 0", n, err)
	}
}

// hllOf returns the value PFADD makes of members, and its estimate, as
// internal/hll (Redis's algorithm) computes them.
func hllOf(members ...string) (string, int64) {
	h, _, _ := hll.Add(string(hll.New()), members, hll.DefaultSparseMaxBytes)
	n, _ := hll.Count(h)
	return string(h), int64(n)
}

func members(prefix string, from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

func counterUnique(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCounter(t, env, "visitors", embedis.CounterOptions{Buckets: []embedis.CounterBucket{hourly}})
	uk := env.Prefix + "visitors:{/home}:uniq"
	if n, err := c.Unique(ctx, "/home"); n != 0 || err != nil {
		t.Fatalf("Unique of a key never counted = %d, %v", n, err)
	}
	if err := c.AddUnique(ctx, "/home"); err != nil {
		t.Fatal(err)
	}
	if v := Do(t, env, uk, "EXISTS", uk); v != int64(0) {
		t.Fatal("AddUnique with no members created the key")
	}
	first := members("user:", 0, 300)
	if err := c.AddUnique(ctx, "/home", first...); err != nil {
		t.Fatal(err)
	}
	// Seen again, and new ones, in several calls.
	if err := c.AddUnique(ctx, "/home", first[:100]...); err != nil {
		t.Fatal(err)
	}
	second := members("user:", 300, 2500)
	for i := 0; i < len(second); i += 700 {
		if err := c.AddUnique(ctx, "/home", second[i:min(i+700, len(second))]...); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddUnique(ctx, "/about", "user:1", "user:2"); err != nil {
		t.Fatal(err)
	}
	value, want := hllOf(members("user:", 0, 2500)...)
	if got, err := c.Unique(ctx, "/home"); got != want || err != nil {
		t.Fatalf("Unique = %d, %v; want %d (Redis's estimate of 2500)", got, err, want)
	}
	if got, err := c.Unique(ctx, "/about"); got != 2 || err != nil {
		t.Fatalf("Unique(/about) = %d, %v; want 2", got, err)
	}
	// The all-time key holds Redis's bytes (PFCOUNT wrote the cache).
	got, _ := Do(t, env, uk, "GET", uk).(string)
	if len(got) != len(value) || got[16:] != value[16:] || got[:8] != value[:8] {
		t.Fatalf("the value of %s differs from PFADD's of the same members", uk)
	}
	if ttl := Do(t, env, uk, "PTTL", uk); ttl != int64(-1) {
		t.Errorf("PTTL of the all-time key = %#v, want -1 (no TotalTTL)", ttl)
	}
	if got, err := c.UniqueSum(ctx, "/home", time.Hour, 2); got != want || err != nil {
		t.Errorf("UniqueSum over the hour = %d, %v; want %d", got, err, want)
	}
	if got, err := c.UniqueSum(ctx, "/none", time.Hour, 1); got != 0 || err != nil {
		t.Errorf("UniqueSum of a key never counted = %d, %v", got, err)
	}
	// Reset deletes the unique keys too.
	if n, err := c.Reset(ctx, "/about"); n != 2 || err != nil {
		t.Errorf("Reset = %d, %v; want 2 (the unique key and its hour)", n, err)
	}
	if got, err := c.Unique(ctx, "/about"); got != 0 || err != nil {
		t.Errorf("Unique after Reset = %d, %v", got, err)
	}
}

func counterUniqueExpiry(t *testing.T, env Env) {
	ctx := context.Background()
	const size = 100 * time.Millisecond
	const ttl = 600 * time.Millisecond
	c := newCounter(t, env, "u", embedis.CounterOptions{Buckets: []embedis.CounterBucket{{Size: size, Keep: 3}}, TotalTTL: ttl})
	if err := c.AddUnique(ctx, "k", "a", "b", "c"); err != nil {
		t.Fatal(err)
	}
	uk := env.Prefix + "u:{k}:uniq"
	if v, _ := Do(t, env, uk, "PTTL", uk).(int64); v <= 0 || v > ttl.Milliseconds() {
		t.Errorf("PTTL of the all-time key = %d, want 1..%d", v, ttl.Milliseconds())
	}
	env.Advance(size)
	if err := c.AddUnique(ctx, "k", "c", "d"); err != nil {
		t.Fatal(err)
	}
	// Both buckets are in the window, or (on a slow real clock) the first
	// left it: 4 distinct members, or the 2 of the second bucket.
	if got, err := c.UniqueSum(ctx, "k", size, 3); (got != 4 && got != 2) || err != nil {
		t.Errorf("UniqueSum over 3 buckets = %d, %v; want 4", got, err)
	}
	env.Advance(4 * size)
	if got, err := c.UniqueSum(ctx, "k", size, 3); got != 0 || err != nil {
		t.Errorf("UniqueSum after the window = %d, %v; want 0", got, err)
	}
	if got, err := c.Unique(ctx, "k"); got != 4 || err != nil {
		t.Errorf("Unique = %d, %v; want 4", got, err)
	}
	env.Advance(ttl + size)
	if got, err := c.Unique(ctx, "k"); got != 0 || err != nil {
		t.Errorf("Unique after TotalTTL = %d, %v; want 0", got, err)
	}
}

func counterUniqueErrors(t *testing.T, env Env) {
	ctx := context.Background()
	c := newCounter(t, env, "ue", embedis.CounterOptions{Buckets: []embedis.CounterBucket{hourly}})
	uk := env.Prefix + "ue:{k}:uniq"
	Do(t, env, uk, "SET", uk, "not an hll")
	if err := c.AddUnique(ctx, "k", "a"); !errors.Is(err, embedis.ErrNotHLL) {
		t.Fatalf("AddUnique on a string = %v, want ErrNotHLL", err)
	}
	if got, err := c.UniqueSum(ctx, "k", time.Hour, 1); got != 0 || err != nil {
		t.Errorf("a failed AddUnique counted in the bucket: UniqueSum = %d, %v", got, err)
	}
	if _, err := c.Unique(ctx, "k"); !errors.Is(err, embedis.ErrNotHLL) || !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Unique on a string = %v", err)
	}
	Do(t, env, uk, "DEL", uk)
	Do(t, env, uk, "RPUSH", uk, "x")
	if err := c.AddUnique(ctx, "k", "a"); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("AddUnique on a list = %v, want ErrWrongType", err)
	}
	for _, n := range []int{0, 3} {
		if _, err := c.UniqueSum(ctx, "k", time.Hour, n); !errors.Is(err, embedis.ErrCounterArg) {
			t.Errorf("UniqueSum of %d hours = %v, want ErrCounterArg", n, err)
		}
	}
	if _, err := c.UniqueSum(ctx, "k", time.Minute, 1); !errors.Is(err, embedis.ErrCounterArg) {
		t.Errorf("UniqueSum of a size not counted = %v", err)
	}
}
