package embedis

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// bigKeysDo runs each command on s, failing the test on an error.
func bigKeysDo(t *testing.T, s *Store, cmds ...[]string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := s.Do(context.Background(), c...); err != nil {
			t.Fatalf("%q: %v", c, err)
		}
	}
}

// bigKeysStore opens a store on clock (nil: the wall clock), closed when
// the test ends.
func bigKeysStore(t *testing.T, clock Clock) *Store {
	t.Helper()
	s, err := Open(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// summaryOf returns the text WriteTo writes for r.
func summaryOf(t *testing.T, r *BigKeysReport) string {
	t.Helper()
	var b strings.Builder
	n, err := r.WriteTo(&b)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, b.Len())
	}
	return b.String()
}

// The summaries below were printed by redis-cli 7.0.15 (--bigkeys and
// --memkeys) on redis-server 7.0.15 holding the same keys; the
// differential test in cmd/embedis-server compares with redis-cli itself.

func TestBigKeysSummaryAsRedisCli(t *testing.T) {
	s := bigKeysStore(t, nil)
	bigKeysDo(t, s,
		[]string{"SET", "a", "hello"}, []string{"SET", "bb", "hello world"},
		[]string{"RPUSH", "l", "1", "2", "3"}, []string{"HSET", "h", "f", "v", "g", "w"},
		[]string{"SADD", "s", "x", "y", "z", "w"}, []string{"ZADD", "z", "1", "a"},
		[]string{"XADD", "st", "*", "f", "v"})
	r, err := s.BigKeys(context.Background(), BigKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `
-------- summary -------

Sampled 7 keys in the keyspace!
Total key length in bytes is 9 (avg len 1.29)

Biggest   list found '"l"' has 3 items
Biggest   hash found '"h"' has 2 fields
Biggest string found '"bb"' has 11 bytes
Biggest stream found '"st"' has 1 entries
Biggest    set found '"s"' has 4 members
Biggest   zset found '"z"' has 1 members

1 lists with 3 items (14.29% of keys, avg size 3.00)
1 hashs with 2 fields (14.29% of keys, avg size 2.00)
2 strings with 16 bytes (28.57% of keys, avg size 8.00)
1 streams with 1 entries (14.29% of keys, avg size 1.00)
1 sets with 4 members (14.29% of keys, avg size 4.00)
1 zsets with 1 members (14.29% of keys, avg size 1.00)
`
	if got := summaryOf(t, r); got != want {
		t.Errorf("summary:\n%s\nwant (redis-cli 7.0.15):\n%s", got, want)
	}
	if r.DBSize != 7 || r.Sampled != 7 || r.KeyBytes != 9 || r.Memory {
		t.Errorf("report = %+v", r)
	}
	if str := r.Type("string"); str.Keys != 2 || str.TotalSize != 16 || str.Biggest == nil ||
		*str.Biggest != (BigKey{Key: "bb", Type: "string", Size: 11, Unit: "bytes"}) {
		t.Errorf("string entry = %+v", str)
	}
	if r.Type("other") != nil {
		t.Error(`Type("other") is not nil`)
	}
}

func TestBigKeysEmptyDatabase(t *testing.T) {
	s := bigKeysStore(t, nil)
	r, err := s.BigKeys(context.Background(), BigKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `
-------- summary -------

Sampled 0 keys in the keyspace!
Total key length in bytes is 0 (avg len 0.00)


0 hashs with 0 fields (00.00% of keys, avg size 0.00)
0 lists with 0 items (00.00% of keys, avg size 0.00)
0 strings with 0 bytes (00.00% of keys, avg size 0.00)
0 streams with 0 entries (00.00% of keys, avg size 0.00)
0 sets with 0 members (00.00% of keys, avg size 0.00)
0 zsets with 0 members (00.00% of keys, avg size 0.00)
`
	if got := summaryOf(t, r); got != want {
		t.Errorf("summary:\n%s\nwant (redis-cli 7.0.15):\n%s", got, want)
	}
	if len(r.Types) != 6 || r.Sampled != 0 || r.DBSize != 0 {
		t.Errorf("report = %+v", r)
	}
	for _, ty := range r.Types {
		if ty.Biggest != nil || ty.Keys != 0 {
			t.Errorf("%s: %+v in an empty database", ty.Type, ty)
		}
	}
}

// TestBigKeysOneKeyOrder: with one key sampled, redis-cli's table of types
// is in its second order (see summaryOrder).
func TestBigKeysOneKeyOrder(t *testing.T) {
	s := bigKeysStore(t, nil)
	bigKeysDo(t, s, []string{"RPUSH", "k1", "v"})
	r, err := s.BigKeys(context.Background(), BigKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := `
-------- summary -------

Sampled 1 keys in the keyspace!
Total key length in bytes is 2 (avg len 2.00)

Biggest   list found '"k1"' has 1 items

0 strings with 0 bytes (00.00% of keys, avg size 0.00)
1 lists with 1 items (100.00% of keys, avg size 1.00)
0 hashs with 0 fields (00.00% of keys, avg size 0.00)
0 streams with 0 entries (00.00% of keys, avg size 0.00)
0 sets with 0 members (00.00% of keys, avg size 0.00)
0 zsets with 0 members (00.00% of keys, avg size 0.00)
`
	if got := summaryOf(t, r); got != want {
		t.Errorf("summary:\n%s\nwant (redis-cli 7.0.15):\n%s", got, want)
	}
}

// TestBigKeysQuotingAndEmptyValues: key names are quoted as redis-cli
// quotes them, NUL and non-ASCII bytes included; keys of size 0 count but
// are never the biggest.
func TestBigKeysQuotingAndEmptyValues(t *testing.T) {
	s := bigKeysStore(t, nil)
	bigKeysDo(t, s,
		[]string{"SET", "a\tb\"c\\d\xe9\x01 z", "hello"}, []string{"SET", "x\x00y", "hi"},
		[]string{"SET", "", ""}, []string{"SET", "ee", ""},
		[]string{"XADD", "st", "*", "f", "v"}, []string{"XTRIM", "st", "MAXLEN", "0"})
	var lines []string
	r, err := s.BigKeys(context.Background(), BigKeysOptions{Progress: func(p BigKeysProgress) { lines = append(lines, p.String()) }})
	if err != nil {
		t.Fatal(err)
	}
	want := `
-------- summary -------

Sampled 5 keys in the keyspace!
Total key length in bytes is 18 (avg len 3.60)

Biggest string found '"a\tb\"c\\d\xe9\x01 z"' has 5 bytes

0 lists with 0 items (00.00% of keys, avg size 0.00)
0 hashs with 0 fields (00.00% of keys, avg size 0.00)
4 strings with 7 bytes (80.00% of keys, avg size 1.75)
1 streams with 0 entries (20.00% of keys, avg size 0.00)
0 sets with 0 members (00.00% of keys, avg size 0.00)
0 zsets with 0 members (00.00% of keys, avg size 0.00)
`
	if got := summaryOf(t, r); got != want {
		t.Errorf("summary:\n%s\nwant (redis-cli 7.0.15):\n%s", got, want)
	}
	if r.Type("stream").Biggest != nil {
		t.Errorf("a stream without entries is the biggest: %+v", r.Type("stream").Biggest)
	}
	// The order the keys come in is the keyspace's; the last line is the
	// biggest string, whatever came before it.
	if len(lines) == 0 || lines[len(lines)-1] != `[00.00%] Biggest string found so far '"a\tb\"c\\d\xe9\x01 z"' with 5 bytes` {
		t.Errorf("progress lines: %q", lines)
	}
}

func TestBigKeysProgressString(t *testing.T) {
	for _, c := range []struct {
		p    BigKeysProgress
		want string
	}{
		{BigKeysProgress{Percent: 0, Sampled: 1, Biggest: &BigKey{Key: "h", Type: "hash", Size: 2, Unit: "fields"}},
			`[00.00%] Biggest hash   found so far '"h"' with 2 fields`},
		{BigKeysProgress{Percent: 100.0 * 30 / 7, Sampled: 31, Biggest: &BigKey{Key: "s\n", Type: "stream", Size: 4728, Unit: "bytes"}},
			`[428.57%] Biggest stream found so far '"s\n"' with 4728 bytes`},
		{BigKeysProgress{Percent: 5.5, Sampled: 1000000}, `[05.50%] Sampled 1000000 keys so far`},
		{BigKeysProgress{Percent: math.NaN(), Sampled: 1, Biggest: &BigKey{Key: "k", Type: "set", Size: 1, Unit: "members"}},
			`[  nan%] Biggest set    found so far '"k"' with 1 members`},
		{BigKeysProgress{Percent: math.Inf(1), Sampled: 2000000}, `[  inf%] Sampled 2000000 keys so far`},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

// TestBigKeysMemory: in memory mode every size is MemoryUsage's, in bytes.
func TestBigKeysMemory(t *testing.T) {
	s := bigKeysStore(t, nil)
	ctx := context.Background()
	bigKeysDo(t, s,
		[]string{"SET", "small", "x"}, []string{"SET", "large", strings.Repeat("x", 1000)},
		[]string{"RPUSH", "l", "1", "2", "3"}, []string{"HSET", "h", "f", "v"},
		[]string{"SADD", "s", "a", "b"}, []string{"ZADD", "z", "1", "a"}, []string{"XADD", "st", "*", "f", "v"})
	r, err := s.BigKeys(ctx, BigKeysOptions{Memory: true, MemorySamples: 5})
	if err != nil {
		t.Fatal(err)
	}
	usage := func(k string) int64 {
		n, err := s.MemoryUsage(ctx, k, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	biggest := map[string]string{"string": "large", "list": "l", "hash": "h", "set": "s", "zset": "z", "stream": "st"}
	for _, ty := range r.Types {
		if ty.Unit != "bytes" {
			t.Errorf("%s: unit %q in memory mode", ty.Type, ty.Unit)
		}
		k := biggest[ty.Type]
		if ty.Biggest == nil || ty.Biggest.Key != k || ty.Biggest.Size != usage(k) || ty.Biggest.Unit != "bytes" {
			t.Errorf("%s: biggest %+v, want %s with %d bytes", ty.Type, ty.Biggest, k, usage(k))
		}
	}
	if str := r.Type("string"); str.TotalSize != usage("small")+usage("large") || str.Keys != 2 {
		t.Errorf("strings: %+v", str)
	}
	if !strings.Contains(summaryOf(t, r), "Biggest string found '\"large\"' has "+strconv.FormatInt(usage("large"), 10)+" bytes\n") {
		t.Errorf("summary:\n%s", summaryOf(t, r))
	}
	if _, err := s.BigKeys(ctx, BigKeysOptions{Memory: true, MemorySamples: -1}); !errors.Is(err, ErrSyntax) {
		t.Errorf("MemorySamples -1: %v, want ErrSyntax", err)
	}
}

// TestBigKeysExpiredKeys: keys past their deadline are not counted, and
// are removed as SCAN removes them; DBSize, taken first, counts them.
func TestBigKeysExpiredKeys(t *testing.T) {
	clock := noTimerClock{NewManualClock(time.Unix(1_700_000_000, 0))}
	s := bigKeysStore(t, clock)
	ctx := context.Background()
	bigKeysDo(t, s, []string{"SET", "live", "v"}, []string{"SET", "gone", "a much longer value", "PX", "100"},
		[]string{"HSET", "gone-hash", "f", "v"}, []string{"PEXPIRE", "gone-hash", "100"})
	// The deadline passes without active expiry (noTimerClock): the keys
	// stay in the keyspace until looked at.
	clock.Advance(time.Second)
	r, err := s.BigKeys(ctx, BigKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.DBSize != 3 || r.Sampled != 1 || r.Type("string").Keys != 1 || r.Type("string").Biggest.Key != "live" || r.Type("hash").Keys != 0 {
		t.Errorf("report: %+v, string %+v, hash %+v", r, r.Type("string"), r.Type("hash"))
	}
	if n, _ := s.DBSize(ctx); n != 1 {
		t.Errorf("DBSIZE after the walk = %d, want 1: the expired keys were not removed", n)
	}
}

// TestBigKeysReleasesTheOwnerBetweenBatches: the walk takes one turn per
// batch. Progress runs between two turns, so it can write to the store, and
// a context it cancels stops the walk at the next batch.
func TestBigKeysReleasesTheOwnerBetweenBatches(t *testing.T) {
	s := bigKeysStore(t, nil)
	ctx := context.Background()
	for i := 0; i < 1000; i++ {
		if err := s.Set(ctx, "k"+strconv.Itoa(i), strings.Repeat("x", i+1), 0); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	r, err := s.BigKeys(ctx, BigKeysOptions{Count: 10, Progress: func(p BigKeysProgress) {
		calls++
		if err := s.Set(ctx, "written-during-the-walk-"+strconv.Itoa(calls), "v", 0); err != nil {
			t.Errorf("Set from Progress: %v", err)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || r.Sampled < 1000 || r.Type("string").Biggest.Key != "k999" {
		t.Errorf("calls %d, sampled %d, biggest %+v", calls, r.Sampled, r.Type("string").Biggest)
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	calls = 0
	r, err = s.BigKeys(cctx, BigKeysOptions{Count: 10, Progress: func(BigKeysProgress) { calls++; cancel() }})
	if !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("BigKeys with a context cancelled after its first batch = %+v, %v; want context.Canceled", r, err)
	}
	if calls == 0 {
		t.Fatal("Progress was never called")
	}

	if err := s.Atomic(ctx, func(*Tx) error {
		_, err := s.BigKeys(ctx, BigKeysOptions{})
		return err
	}); !errors.Is(err, ErrReentrant) {
		t.Errorf("BigKeys inside Atomic: %v, want ErrReentrant", err)
	}
}

// TestBigKeysMilestones: every 1,000,000 keys sampled, a progress line
// without a key, as redis-cli prints (every 1,000 here, to keep the test
// short: the count is a variable for this test only).
func TestBigKeysMilestones(t *testing.T) {
	defer func(m int64) { bigKeysMilestone = m }(bigKeysMilestone)
	bigKeysMilestone = 1000
	s := bigKeysStore(t, nil)
	ctx := context.Background()
	if err := s.Atomic(ctx, func(tx *Tx) error {
		for i := 0; i < 2500; i++ {
			if _, err := tx.SetArgs("k"+strconv.Itoa(i), "", SetArgs{}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var lines []string
	r, err := s.BigKeys(ctx, BigKeysOptions{Progress: func(p BigKeysProgress) { lines = append(lines, p.String()) }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sampled != 2500 || len(lines) != 2 || !strings.HasSuffix(lines[0], "] Sampled 1000 keys so far") ||
		!strings.HasSuffix(lines[1], "] Sampled 2000 keys so far") {
		t.Errorf("sampled %d, lines %q", r.Sampled, lines)
	}
}

// TestBigKeysCountsNoAccess: the walk counts no hit or miss.
func TestBigKeysCountsNoAccess(t *testing.T) {
	s := bigKeysStore(t, nil)
	ctx := context.Background()
	bigKeysDo(t, s, []string{"SET", "a", "1"}, []string{"RPUSH", "l", "x"})
	before, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, mem := range []bool{false, true} {
		if _, err := s.BigKeys(ctx, BigKeysOptions{Memory: mem}); err != nil {
			t.Fatal(err)
		}
	}
	after, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.KeyspaceHits != before.KeyspaceHits || after.KeyspaceMiss != before.KeyspaceMiss {
		t.Errorf("hits %d→%d, misses %d→%d", before.KeyspaceHits, after.KeyspaceHits, before.KeyspaceMiss, after.KeyspaceMiss)
	}
}
