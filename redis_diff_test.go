package embedis

import (
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// The differential tests send the same commands to a real redis-server and
// to a Store (through Store.Do, the same command table the server uses) and
// compare the replies exactly. Where Redis leaves the order unspecified
// (KEYS) replies are sorted; where time makes them differ (TTLs of keys set
// a few microseconds apart) they are reduced to their sign.

// differ runs commands on both sides, tracking the selected database.
type differ struct {
	t     *testing.T
	redis *redistest.Client
	store *Store
	db    int
	cmds  int
}

func newDiffer(t *testing.T) *differ {
	srv := redistest.Start(t)
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := &differ{t: t, redis: srv.Dial(t), store: s}
	d.redis.Do(t, "FLUSHALL")
	return d
}

// normalize makes a reply comparable: errors as their text, KEYS sorted,
// TTLs as their sign.
func normalize(args []string, v any, err error) any {
	if err != nil {
		return "ERROR " + err.Error()
	}
	if e, ok := v.(redistest.ReplyError); ok {
		return "ERROR " + string(e)
	}
	name := strings.ToUpper(args[0])
	switch name {
	case "KEYS":
		if arr, ok := v.([]any); ok {
			ss := make([]string, len(arr))
			for i, x := range arr {
				ss[i] = x.(string)
			}
			sort.Strings(ss)
			return ss
		}
	case "SCAN":
		// Which keys one call returns depends on the hash table; whole
		// iterations are compared by scanAll.
		if arr, ok := v.([]any); ok && len(arr) == 2 {
			return "a SCAN page"
		}
	case "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME":
		if n, ok := v.(int64); ok && n > 0 {
			return "positive"
		}
	}
	return v
}

// do runs one command on both sides and fails the test if the replies differ.
func (d *differ) do(args ...string) any {
	d.t.Helper()
	d.cmds++
	want := normalize(args, d.redis.Do(d.t, args...), nil)
	v, err := d.store.DB(d.db).Do(ctx, args...)
	got := normalize(args, v, err)
	if !reflect.DeepEqual(want, got) {
		d.t.Fatalf("%q:\n redis:   %#v\n embedis: %#v", args, want, got)
	}
	if strings.EqualFold(args[0], "SELECT") && err == nil {
		d.db, _ = strconv.Atoi(args[1])
	}
	return want
}

// scanAll iterates SCAN to the end on both sides with the given options and
// compares the sets of keys returned.
func (d *differ) scanAll(opts ...string) {
	d.t.Helper()
	collect := func(do func(args ...string) any) []string {
		set := map[string]bool{}
		cursor := "0"
		for i := 0; ; i++ {
			if i > 100000 {
				d.t.Fatal("SCAN did not finish")
			}
			reply, ok := do(append([]string{"SCAN", cursor}, opts...)...).([]any)
			if !ok || len(reply) != 2 {
				d.t.Fatalf("SCAN reply %#v", reply)
			}
			for _, k := range reply[1].([]any) {
				set[k.(string)] = true
			}
			if cursor = reply[0].(string); cursor == "0" {
				break
			}
		}
		out := make([]string, 0, len(set))
		for k := range set {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	want := collect(func(args ...string) any { return d.redis.Do(d.t, args...) })
	got := collect(func(args ...string) any {
		v, err := d.store.DB(d.db).Do(ctx, args...)
		if err != nil {
			d.t.Fatalf("%q: %v", args, err)
		}
		return v
	})
	d.cmds++
	if !reflect.DeepEqual(want, got) {
		d.t.Fatalf("SCAN %q:\n redis:   %q\n embedis: %q", opts, want, got)
	}
}

// compareKeyspace checks that both sides hold the same keys, values and
// TTL signs in databases 0..n-1.
func (d *differ) compareKeyspace(n int) {
	d.t.Helper()
	back := d.db
	for db := 0; db < n; db++ {
		d.do("SELECT", strconv.Itoa(db))
		keys := d.do("KEYS", "*").([]string)
		for _, k := range keys {
			d.do("TYPE", k)
			d.do("GET", k)
			d.do("TTL", k)
		}
	}
	d.do("SELECT", strconv.Itoa(back))
}

func TestRedisDiffStrings(t *testing.T) {
	d := newDiffer(t)
	cases := [][]string{
		{"GET", "k"}, {"SET", "k", "v"}, {"GET", "k"}, {"GET"}, {"GET", "a", "b"},
		{"SET", "k", "v", "EX", "0"}, {"SET", "k", "v", "EX", "-1"}, {"SET", "k", "v", "PX", "abc"},
		{"SET", "k", "v", "EX", "10", "PX", "10"}, {"SET", "k", "v", "NX", "XX"}, {"SET", "k", "v", "KEEPTTL", "EX", "10"},
		{"SET", "k", "v", "EX"}, {"SET", "k", "v", "FOO"}, {"SET", "k", "v", "EX", "9223372036854775807"},
		{"SET", "k", "v", "PXAT", "0"}, {"SET", "k", "v", "EXAT", "92233720368547758"},
		{"SET", "k", "w", "NX"}, {"SET", "k", "w", "XX", "GET"}, {"SET", "n", "w", "XX", "GET"}, {"SET", "n", "w", "NX", "GET"},
		{"SET", "k", "x", "get", "px", "100000"}, {"TTL", "k"}, {"SET", "k", "y", "KEEPTTL"}, {"TTL", "k"},
		{"SETNX", "k", "z"}, {"SETNX", "new", "z"}, {"SETEX", "k", "0", "v"}, {"SETEX", "k", "abc", "v"}, {"SETEX", "k", "100", "v"},
		{"PSETEX", "k", "-5", "v"}, {"PSETEX", "k", "100000", "v"}, {"PTTL", "k"},
		{"GETSET", "k", "g"}, {"GETSET", "missing", "g"}, {"GETDEL", "missing"}, {"GETDEL", "missing"},
		{"GETEX", "k"}, {"GETEX", "k", "EX", "0"}, {"GETEX", "k", "PERSIST", "EX", "1"}, {"GETEX", "k", "EX", "100"},
		{"TTL", "k"}, {"GETEX", "k", "PERSIST"}, {"TTL", "k"}, {"GETEX", "nope", "EX", "10"}, {"GETEX", "k", "FOO"},
		{"GETEX", "k", "EXAT", "1"}, {"EXISTS", "k"},
		{"MSET", "a", "1", "b", "2"}, {"MSET", "a"}, {"MSET", "a", "1", "b"}, {"MGET", "a", "b", "nope"},
		{"MSETNX", "a", "1", "c", "3"}, {"MSETNX", "c", "3", "d", "4"}, {"MSETNX", "x"},
		{"APPEND", "a", "xyz"}, {"APPEND", "fresh", ""}, {"STRLEN", "a"}, {"STRLEN", "nope"}, {"EXISTS", "fresh"},
		{"SET", "s", "Hello World"}, {"GETRANGE", "s", "0", "4"}, {"GETRANGE", "s", "-5", "-1"}, {"GETRANGE", "s", "5", "3"},
		{"GETRANGE", "s", "0", "-100"}, {"GETRANGE", "s", "-100", "-50"}, {"GETRANGE", "s", "-1", "-5"}, {"GETRANGE", "s", "20", "30"},
		{"GETRANGE", "s", "a", "1"}, {"GETRANGE", "nope", "0", "1"}, {"SUBSTR", "s", "1", "3"},
		{"SETRANGE", "s", "6", "Redis"}, {"GET", "s"}, {"SETRANGE", "s", "-1", "x"}, {"SETRANGE", "s", "20", "!"}, {"GET", "s"},
		{"SETRANGE", "nope", "5", ""}, {"EXISTS", "nope"}, {"SETRANGE", "s", "536870911", "ab"}, {"SETRANGE", "s", "x", "a"},
		{"SET", "i", "10"}, {"INCR", "i"}, {"DECR", "i"}, {"INCRBY", "i", "-20"}, {"DECRBY", "i", "5"}, {"INCRBY", "i", "x"},
		{"SET", "i", "007"}, {"INCR", "i"}, {"SET", "i", "+1"}, {"INCR", "i"}, {"SET", "i", " 1"}, {"INCR", "i"},
		{"SET", "i", "1 "}, {"INCR", "i"}, {"SET", "i", "9223372036854775807"}, {"INCR", "i"}, {"DECRBY", "i", "-1"},
		{"SET", "i", "-9223372036854775808"}, {"DECR", "i"}, {"INCRBY", "i", "-1"}, {"DECRBY", "i", "-9223372036854775808"},
		{"SET", "i", "0"}, {"DECRBY", "i", "-9223372036854775808"}, {"INCRBY", "i", "9223372036854775808"}, {"INCRBY", "i", "-0"},
		{"INCR", "new-counter"}, {"GET", "i"},
		{"SET", "f", "10.50"}, {"INCRBYFLOAT", "f", "0.1"}, {"INCRBYFLOAT", "f", "-5.0e3"}, {"INCRBYFLOAT", "f", "abc"},
		{"INCRBYFLOAT", "f", "inf"}, {"INCRBYFLOAT", "f", "1e400"}, {"INCRBYFLOAT", "g", "0.1"}, {"INCRBYFLOAT", "g", "0.1"},
		{"INCRBYFLOAT", "g", "0.1"}, {"INCRBYFLOAT", "g", "1e20"}, {"INCRBYFLOAT", "g", "1e-20"}, {"SET", "h", "abc"},
		{"INCRBYFLOAT", "h", "1"}, {"INCRBYFLOAT", "g", " 1"}, {"INCRBYFLOAT", "g", ""}, {"INCRBYFLOAT", "z", "3"},
		{"MSET", "key1", "ohmytext", "key2", "mynewtext"}, {"LCS", "key1", "key2"}, {"LCS", "key1", "key2", "LEN"},
		{"LCS", "key1", "key2", "IDX"}, {"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"},
		{"LCS", "key1", "key2", "LEN", "IDX"}, {"LCS", "key1", "key2", "FOO"}, {"LCS", "key1", "nope"},
		{"LCS", "key1", "key2", "MINMATCHLEN"}, {"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-1"},
	}
	for _, c := range cases {
		d.do(c...)
	}
	d.compareKeyspace(1)
	t.Logf("%d commands compared", d.cmds)
}

func TestRedisDiffKeys(t *testing.T) {
	d := newDiffer(t)
	cases := [][]string{
		{"SET", "a", "1"}, {"SET", "b", "2"}, {"DEL", "a", "b", "c", "a"}, {"UNLINK", "x"}, {"DEL"},
		{"SET", "a", "1"}, {"EXISTS", "a", "a", "b"}, {"TOUCH", "a", "b"}, {"TYPE", "a"}, {"TYPE", "nope"},
		{"RENAME", "nope", "x"}, {"RENAME", "a", "a"}, {"RENAMENX", "a", "a"}, {"SET", "b", "2"}, {"RENAMENX", "a", "b"},
		{"EXPIRE", "a", "100"}, {"RENAME", "a", "b"}, {"TTL", "b"}, {"GET", "b"}, {"EXISTS", "a"},
		{"COPY", "b", "b"}, {"COPY", "b", "c"}, {"TTL", "c"}, {"COPY", "b", "c"}, {"COPY", "b", "c", "REPLACE"},
		{"COPY", "b", "c", "DB", "99"}, {"COPY", "b", "c", "DB", "x"}, {"COPY", "b", "b", "DB", "1"}, {"COPY", "b", "c", "FOO"},
		{"COPY", "nope", "c"}, {"COPY", "b", "c", "DB"},
		{"SET", "e", "1"}, {"EXPIRE", "e", "100", "NX"}, {"EXPIRE", "e", "100", "NX"}, {"EXPIRE", "e", "50", "GT"},
		{"EXPIRE", "e", "500", "GT"}, {"EXPIRE", "e", "50", "LT"}, {"EXPIRE", "e", "100", "XX", "GT"}, {"EXPIRE", "e", "1", "NX", "XX"},
		{"EXPIRE", "e", "1", "GT", "LT"}, {"EXPIRE", "e", "1", "FOO"}, {"EXPIRE", "e", "abc"}, {"EXPIRE", "e", "abc", "FOO"},
		{"EXPIRE", "e", "9223372036854775807"}, {"PEXPIRE", "e", "9223372036854775807"}, {"EXPIREAT", "e", "9223372036854775807"},
		{"PEXPIREAT", "e", "9223372036854775807"}, {"TTL", "e"}, {"PERSIST", "e"}, {"PERSIST", "e"}, {"TTL", "e"},
		{"EXPIRE", "e", "100", "LT"}, {"TTL", "e"}, {"PERSIST", "e"}, {"EXPIRE", "e", "100", "GT"}, {"EXPIRE", "e", "100", "XX"},
		{"EXPIRE", "nope", "100"}, {"TTL", "nope"}, {"PTTL", "nope"}, {"EXPIRETIME", "nope"}, {"PEXPIRETIME", "e"},
		{"EXPIRE", "e", "-1"}, {"EXISTS", "e"}, {"SET", "e", "1"}, {"PEXPIREAT", "e", "1"}, {"EXISTS", "e"},
		{"SET", "e", "1"}, {"EXPIREAT", "e", "0"}, {"EXISTS", "e"}, {"SET", "e", "1"}, {"EXPIRE", "e", "0"}, {"EXISTS", "e"},
		{"SET", "e", "1"}, {"EXPIREAT", "e", "4102444800"}, {"EXPIRETIME", "e"}, {"PEXPIRETIME", "e"},
		{"MSET", "user:1", "a", "user:2", "b", "user:10", "c", "u[1]", "d", "U:1", "e"},
		{"KEYS", "*"}, {"KEYS", "user:?"}, {"KEYS", "user:*"}, {"KEYS", "u\\[1\\]"}, {"KEYS", "user:[^a-z]*"}, {"KEYS", "[uU]*"},
		{"KEYS", "user:[0-9]"}, {"KEYS", "*[1"}, {"KEYS", ""}, {"KEYS"},
		{"SCAN", "abc"}, {"SCAN", "0", "COUNT", "0"}, {"SCAN", "0", "COUNT", "x"}, {"SCAN", "0", "MATCH"}, {"SCAN", "0", "FOO", "1"},
		{"SCAN", "-1"}, {"SCAN", "+"}, {"SCAN", ""}, {"SCAN", " 1"}, {"SCAN", "18446744073709551616"}, {"SCAN", "0", "TYPE"},
		{"DBSIZE"}, {"SELECT", "1"}, {"DBSIZE"}, {"SET", "only1", "x"}, {"SELECT", "0"}, {"EXISTS", "only1"},
		{"SELECT", "16"}, {"SELECT", "-1"}, {"SELECT", "x"},
		{"FLUSHDB", "FOO"}, {"FLUSHDB", "ASYNC", "SYNC"}, {"FLUSHDB", "SYNC"}, {"DBSIZE"}, {"RANDOMKEY"},
		{"SELECT", "2"}, {"SET", "solo", "1"}, {"RANDOMKEY"},
		{"SWAPDB", "0", "2"}, {"RANDOMKEY"}, {"SELECT", "0"}, {"GET", "solo"}, {"SWAPDB", "x", "1"}, {"SWAPDB", "1", "x"},
		{"SWAPDB", "0", "16"}, {"SWAPDB", "-1", "0"}, {"SWAPDB", "1", "1"}, {"SELECT", "2"}, {"FLUSHALL", "ASYNC"}, {"RANDOMKEY"}, {"DBSIZE"}, {"NOSUCHCOMMAND", "a", "b"},
	}
	for i, c := range cases {
		d.do(c...)
		if c[0] == "SCAN" && cases[i+1][0] != "SCAN" {
			for _, opts := range [][]string{{}, {"MATCH", "user:*"}, {"COUNT", "1"}, {"TYPE", "string"}, {"TYPE", "list"}, {"MATCH", "*1*", "COUNT", "3", "TYPE", "STRING"}} {
				d.scanAll(opts...)
			}
		}
	}
	d.compareKeyspace(3)
	t.Logf("%d commands compared", d.cmds)
}

// TestRedisDiffRandom runs a seeded random sequence of string and keyspace
// commands against both and compares every reply, then the whole keyspace.
func TestRedisDiffRandom(t *testing.T) {
	d := newDiffer(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("EMBEDIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with EMBEDIS_SEED=%d)", seed, seed)
	w := workload.New(seed, 2, []string{"a", "b", "c", "d", "e"}, 100_000)
	const steps = 5000
	for i := 0; i < steps; i++ {
		args := w.StringCommand()
		d.do(args...)
		if i%1000 == 999 {
			d.compareKeyspace(3)
		}
	}
	d.compareKeyspace(3)
	t.Logf("%d random commands, %d comparisons in all", steps, d.cmds)
}
