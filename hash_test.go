package embedis

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/dict"
)

// hashState returns the hash at key as a map, nil if the key does not exist.
func hashState(t *testing.T, s *Store, key string) map[string]string {
	t.Helper()
	if n, _ := s.Exists(ctx, key); n == 0 {
		return nil
	}
	m, err := s.HGetAll(ctx, key)
	if err != nil {
		t.Fatalf("HGetAll %s: %v", key, err)
	}
	return m
}

// hashOf returns the hashValue at key, for checks of the encoding.
func hashOf(t *testing.T, s *Store, key string) *hashValue {
	t.Helper()
	var h *hashValue
	s.Atomic(ctx, func(tx *Tx) error {
		var err error
		h, err = tx.writeHash(key)
		return err
	})
	if h == nil {
		t.Fatalf("%s holds no hash", key)
	}
	return h
}

// TestHashUserRecordConcurrentFollowers is the seed case: a user record kept
// as a hash whose followers field is incremented with HIncrBy by many
// goroutines at once never loses an update.
func TestHashUserRecordConcurrentFollowers(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.HSet(ctx, "user:42", "name", "alice", "email", "alice@example.com", "followers", "0"); err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 16, 500
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.HIncrBy(ctx, "user:42", "followers", 1); err != nil {
					errs <- err
					return
				}
				if i%50 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := map[string]string{"name": "alice", "email": "alice@example.com", "followers": strconv.Itoa(goroutines * each)}
	if got := hashState(t, s, "user:42"); !reflect.DeepEqual(got, want) {
		t.Fatalf("user:42 = %v, want %v", got, want)
	}
}

func TestHashBasics(t *testing.T) {
	s, _ := openTest(t)
	if n := must[int64](t)(s.HSet(ctx, "h", "a", "1", "b", "2")); n != 2 {
		t.Fatalf("HSet = %d", n)
	}
	if n := must[int64](t)(s.HSet(ctx, "h", "a", "10", "c", "3")); n != 1 {
		t.Fatalf("HSet again = %d", n)
	}
	if ok := must[bool](t)(s.HMSet(ctx, "h", "d", "4")); !ok {
		t.Fatal("HMSet = false")
	}
	if ok := must[bool](t)(s.HSetNX(ctx, "h", "a", "x")); ok {
		t.Fatal("HSetNX on an existing field")
	}
	if _, err := s.HGet(ctx, "h", "nope"); err != ErrNotFound {
		t.Fatalf("HGet missing field = %v", err)
	}
	if _, err := s.HGet(ctx, "nokey", "a"); err != ErrNotFound {
		t.Fatalf("HGet missing key = %v", err)
	}
	if v := must[string](t)(s.HGet(ctx, "h", "a")); v != "10" {
		t.Fatalf("HGet = %q", v)
	}
	vals := must[[]*string](t)(s.HMGet(ctx, "h", "a", "nope", "d"))
	if len(vals) != 3 || *vals[0] != "10" || vals[1] != nil || *vals[2] != "4" {
		t.Fatalf("HMGet = %v", vals)
	}
	if keys := must[[]string](t)(s.HKeys(ctx, "h")); !reflect.DeepEqual(keys, []string{"a", "b", "c", "d"}) {
		t.Fatalf("HKeys = %q (a small hash keeps insertion order)", keys)
	}
	if vs := must[[]string](t)(s.HVals(ctx, "h")); !reflect.DeepEqual(vs, []string{"10", "2", "3", "4"}) {
		t.Fatalf("HVals = %q", vs)
	}
	if n := must[int64](t)(s.HStrLen(ctx, "h", "a")); n != 2 {
		t.Fatalf("HStrLen = %d", n)
	}
	if n := must[int64](t)(s.HLen(ctx, "nokey")); n != 0 {
		t.Fatalf("HLen missing = %d", n)
	}
	if f := must[float64](t)(s.HIncrByFloat(ctx, "h", "f", 0.1)); f != 0.1 {
		t.Fatalf("HIncrByFloat = %v", f)
	}
	if f := must[float64](t)(s.HIncrByFloat(ctx, "h", "f", 0.2)); f != 0.3 {
		t.Fatalf("HIncrByFloat = %v (long double arithmetic gives 0.3)", f)
	}
	if typ := must[string](t)(s.Type(ctx, "h")); typ != "hash" {
		t.Fatalf("TYPE = %q", typ)
	}
}

// TestHashEmptiedIsDeleted: HDEL of the last field removes the key.
func TestHashEmptiedIsDeleted(t *testing.T) {
	s, _ := openTest(t)
	s.HSet(ctx, "h", "a", "1", "b", "2")
	s.Expire(ctx, "h", time.Hour)
	if n := must[int64](t)(s.HDel(ctx, "h", "a", "a", "nope")); n != 1 {
		t.Fatalf("HDel = %d", n)
	}
	if n := must[int64](t)(s.HDel(ctx, "h", "b")); n != 1 {
		t.Fatalf("HDel = %d", n)
	}
	if n, _ := s.Exists(ctx, "h"); n != 0 {
		t.Fatal("emptied hash still exists")
	}
	if d, _ := s.TTL(ctx, "h"); d != -2*time.Nanosecond && d >= 0 {
		t.Fatalf("TTL of the removed hash = %v", d)
	}
	// A large hash emptied field by field disappears as well.
	args := []string{}
	for i := 0; i < 300; i++ {
		args = append(args, "f"+strconv.Itoa(i), "v")
	}
	s.HSet(ctx, "big", args...)
	for i := 0; i < 300; i++ {
		s.HDel(ctx, "big", "f"+strconv.Itoa(i))
	}
	if n, _ := s.Exists(ctx, "big"); n != 0 {
		t.Fatal("emptied large hash still exists")
	}
}

// TestHashErrorsLeaveDataUnchanged: a failed command changes nothing.
func TestHashErrorsLeaveDataUnchanged(t *testing.T) {
	s, _ := openTest(t)
	start := map[string]string{"s": "abc", "i": "9223372036854775807", "n": "-9223372036854775808", "f": "1.5", "sp": " 1"}
	for _, tc := range []struct {
		name string
		op   func() error
		want error
	}{
		{"hincrby not an integer", func() error { _, err := s.HIncrBy(ctx, "h", "s", 1); return err }, ErrHashNotInteger},
		{"hincrby float", func() error { _, err := s.HIncrBy(ctx, "h", "f", 1); return err }, ErrHashNotInteger},
		{"hincrby space", func() error { _, err := s.HIncrBy(ctx, "h", "sp", 1); return err }, ErrHashNotInteger},
		{"hincrby overflow", func() error { _, err := s.HIncrBy(ctx, "h", "i", 1); return err }, ErrOverflow},
		{"hincrby underflow", func() error { _, err := s.HIncrBy(ctx, "h", "n", -1); return err }, ErrOverflow},
		{"hincrbyfloat not a float", func() error { _, err := s.HIncrByFloat(ctx, "h", "s", 1); return err }, ErrHashNotFloat},
		{"hincrbyfloat inf", func() error { _, err := s.HIncrByFloat(ctx, "h", "f", math.Inf(1)); return err }, ErrHashNaNOrInfinity},
		{"hincrbyfloat nan", func() error { _, err := s.HIncrByFloat(ctx, "h", "new", math.NaN()); return err }, ErrHashNaNOrInfinity},
		{"hset odd", func() error { _, err := s.HSet(ctx, "h", "s", "x", "i"); return err }, ErrArity},
		{"hset empty", func() error { _, err := s.HSet(ctx, "h"); return err }, ErrArity},
		{"hmset odd", func() error { _, err := s.HMSet(ctx, "h", "s"); return err }, ErrArity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.Del(ctx, "h")
			pairs := []string{}
			for k, v := range start {
				pairs = append(pairs, k, v)
			}
			s.HSet(ctx, "h", pairs...)
			if err := tc.op(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if got := hashState(t, s, "h"); !reflect.DeepEqual(got, start) {
				t.Fatalf("hash = %v, want %v unchanged", got, start)
			}
		})
	}
	// Wrong type: every hash command fails and the string stays.
	s.Set(ctx, "str", "x", 0)
	for name, op := range map[string]func() error{
		"HSet":         func() error { _, err := s.HSet(ctx, "str", "f", "v"); return err },
		"HSetNX":       func() error { _, err := s.HSetNX(ctx, "str", "f", "v"); return err },
		"HGet":         func() error { _, err := s.HGet(ctx, "str", "f"); return err },
		"HMGet":        func() error { _, err := s.HMGet(ctx, "str", "f"); return err },
		"HDel":         func() error { _, err := s.HDel(ctx, "str", "f"); return err },
		"HLen":         func() error { _, err := s.HLen(ctx, "str"); return err },
		"HGetAll":      func() error { _, err := s.HGetAll(ctx, "str"); return err },
		"HIncrBy":      func() error { _, err := s.HIncrBy(ctx, "str", "f", 1); return err },
		"HIncrByFloat": func() error { _, err := s.HIncrByFloat(ctx, "str", "f", 1); return err },
		"HRandField":   func() error { _, err := s.HRandField(ctx, "str", 2); return err },
		"HScan":        func() error { _, _, err := s.HScan(ctx, "str", 0, "", 0); return err },
	} {
		if err := op(); err != ErrWrongType {
			t.Errorf("%s on a string = %v", name, err)
		}
	}
	requireUnchanged(t, s, "str", "x")
	// A failed HINCRBY on a missing key creates nothing.
	s.HSet(ctx, "o", "big", "9223372036854775807")
	s.HIncrBy(ctx, "o", "big", 1)
	if got := hashState(t, s, "o"); !reflect.DeepEqual(got, map[string]string{"big": "9223372036854775807"}) {
		t.Fatalf("o = %v", got)
	}
	if _, err := s.HIncrByFloat(ctx, "nokey", "f", math.Inf(-1)); err != ErrHashNaNOrInfinity {
		t.Fatalf("HIncrByFloat -Inf = %v", err)
	}
	if n, _ := s.Exists(ctx, "nokey"); n != 0 {
		t.Fatal("a failed HIncrByFloat created the key")
	}
}

// TestHashEncodingConversion checks the thresholds: a hash is compact up to
// 512 fields of at most 64 bytes, a dict beyond, and a dict that shrinks to
// 32 short fields is compact again; the contents never change.
func TestHashEncodingConversion(t *testing.T) {
	s, _ := openTest(t)
	want := map[string]string{}
	for i := 0; i < hashMaxListpackEntries; i++ {
		f := "f" + strconv.Itoa(i)
		s.HSet(ctx, "h", f, "v")
		want[f] = "v"
	}
	if h := hashOf(t, s, "h"); h.d != nil {
		t.Fatalf("%d fields: want compact", hashMaxListpackEntries)
	}
	last := "f" + strconv.Itoa(hashMaxListpackEntries)
	s.HSet(ctx, "h", last, "v")
	want[last] = "v"
	if h := hashOf(t, s, "h"); h.d == nil {
		t.Fatalf("%d fields: want dict", hashMaxListpackEntries+1)
	}
	if got := hashState(t, s, "h"); !reflect.DeepEqual(got, want) {
		t.Fatal("contents changed by the conversion")
	}
	for i := hashMaxListpackEntries; i >= hashShrinkEntries; i-- { // leaves f0..f31
		f := "f" + strconv.Itoa(i)
		s.HDel(ctx, "h", f)
		delete(want, f)
		if i > hashShrinkEntries && hashOf(t, s, "h").d == nil {
			t.Fatalf("%d fields: converted back too early", i-1)
		}
	}
	if h := hashOf(t, s, "h"); h.d != nil || h.len() != hashShrinkEntries {
		t.Fatalf("%d fields: want compact", h.len())
	}
	if got := hashState(t, s, "h"); !reflect.DeepEqual(got, want) {
		t.Fatal("contents changed by the conversion back")
	}

	// By length: a 64-byte value or field stays compact, 65 bytes converts.
	s.HSet(ctx, "l", "a", strings.Repeat("x", hashMaxListpackValue), strings.Repeat("y", hashMaxListpackValue), "b")
	if hashOf(t, s, "l").d != nil {
		t.Fatal("64-byte strings: want compact")
	}
	s.HSet(ctx, "l", "c", strings.Repeat("x", hashMaxListpackValue+1))
	if hashOf(t, s, "l").d == nil {
		t.Fatal("65-byte value: want dict")
	}
	s.HSet(ctx, "l2", strings.Repeat("k", hashMaxListpackValue+1), "1")
	if hashOf(t, s, "l2").d == nil {
		t.Fatal("65-byte field: want dict")
	}
	// A dict with a long value does not go back to compact.
	args := []string{"long", strings.Repeat("z", 100)}
	for i := 0; i < 40; i++ {
		args = append(args, "g"+strconv.Itoa(i), "v")
	}
	s.HSet(ctx, "m", args...)
	for i := 0; i < 8; i++ {
		s.HDel(ctx, "m", "g"+strconv.Itoa(i))
	}
	if h := hashOf(t, s, "m"); h.d == nil || h.len() != 33 {
		t.Fatal("a dict holding a long value went compact")
	}
	s.HDel(ctx, "m", "g8")
	if hashOf(t, s, "m").d == nil {
		t.Fatal("a dict holding a long value went compact")
	}
}

// TestHScanLargeHashGrowing: a full HSCAN returns every field present for
// the whole iteration, while the hash grows (and rehashes) between calls.
func TestHScanLargeHashGrowing(t *testing.T) {
	s, _ := openTest(t)
	const initial = 2000
	args := []string{}
	for i := 0; i < initial; i++ {
		args = append(args, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	s.HSet(ctx, "h", args...)
	seen := map[string]string{}
	cursor, next := uint64(0), initial
	for calls := 0; ; calls++ {
		if calls > 100000 {
			t.Fatal("HSCAN did not finish")
		}
		page, c, err := s.HScan(ctx, "h", cursor, "", 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(page)%2 != 0 {
			t.Fatalf("odd page %q", page)
		}
		for i := 0; i < len(page); i += 2 {
			seen[page[i]] = page[i+1]
		}
		// Grow by 30 fields per call: the table doubles several times.
		for j := 0; j < 30; j++ {
			s.HSet(ctx, "h", "g"+strconv.Itoa(next), "new")
			next++
		}
		if cursor = c; cursor == 0 {
			break
		}
	}
	for i := 0; i < initial; i++ {
		f := "f" + strconv.Itoa(i)
		if seen[f] != strconv.Itoa(i) {
			t.Fatalf("HSCAN missed %s (got %q)", f, seen[f])
		}
	}
	// MATCH filters fields; a small hash returns all at once with cursor 0.
	s.HSet(ctx, "small", "a1", "x", "b1", "y", "a2", "z")
	page, c, _ := s.HScan(ctx, "small", 12345, "a*", 1)
	if c != 0 || !reflect.DeepEqual(page, []string{"a1", "x", "a2", "z"}) {
		t.Fatalf("HScan small = %q, %d", page, c)
	}
	page, c, _ = s.HScan(ctx, "nokey", 0, "", 0)
	if c != 0 || len(page) != 0 {
		t.Fatalf("HScan missing = %q, %d", page, c)
	}
}

func TestHRandField(t *testing.T) {
	s, _ := openTest(t)
	for _, size := range []int{5, 100, 1000} { // compact, and dict with both strategies
		key := fmt.Sprint("h", size)
		args := []string{}
		for i := 0; i < size; i++ {
			args = append(args, "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
		}
		s.HSet(ctx, key, args...)
		for _, count := range []int{1, 2, size / 2, size/3 - 1, size - 1, size, size + 5} {
			kvs := must[[]KeyValue](t)(s.HRandFieldWithValues(ctx, key, int64(count)))
			if len(kvs) != min(count, size) {
				t.Fatalf("size %d count %d: %d fields", size, count, len(kvs))
			}
			distinct := map[string]bool{}
			for _, kv := range kvs {
				if distinct[kv.Key] || "v"+kv.Key[1:] != kv.Value {
					t.Fatalf("size %d count %d: repeated or wrong pair %v", size, count, kv)
				}
				distinct[kv.Key] = true
			}
		}
		fs := must[[]string](t)(s.HRandField(ctx, key, int64(-3*size)))
		if len(fs) != 3*size {
			t.Fatalf("negative count: %d fields", len(fs))
		}
		// With 3*size draws, repeats are certain.
		sort.Strings(fs)
		repeated := false
		for i := 1; i < len(fs); i++ {
			repeated = repeated || fs[i] == fs[i-1]
		}
		if !repeated {
			t.Fatal("negative count gave no repeats")
		}
	}
	if fs := must[[]string](t)(s.HRandField(ctx, "nokey", 3)); len(fs) != 0 {
		t.Fatalf("missing key = %q", fs)
	}
	if fs := must[[]string](t)(s.HRandField(ctx, "h5", 0)); len(fs) != 0 {
		t.Fatalf("count 0 = %q", fs)
	}
	// Every field of a small hash comes up with count 1.
	got := map[string]bool{}
	for i := 0; i < 500; i++ {
		got[must[[]string](t)(s.HRandField(ctx, "h5", 1))[0]] = true
	}
	if len(got) != 5 {
		t.Fatalf("count 1 picked only %v", got)
	}
}

// TestHashEffects checks the deterministic forms in the write-effect stream.
func TestHashEffects(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.HSet(ctx, "h", "a", "1", "b", "2")
	s.HIncrByFloat(ctx, "h", "f", 0.1)
	s.HIncrBy(ctx, "h", "a", 5)
	s.HDel(ctx, "h", "b", "nope")
	s.HDel(ctx, "h", "nope")    // no change: no effect
	s.HGet(ctx, "h", "a")       // a read: no effect
	s.HIncrBy(ctx, "h", "f", 1) // an error: no effect
	s.HSetNX(ctx, "h", "a", "x")
	want := [][][]string{
		{{"SELECT", "0"}, {"HSET", "h", "a", "1", "b", "2"}},
		{{"HSET", "h", "f", "0.1"}},
		{{"HSET", "h", "a", "6"}},
		{{"HDEL", "h", "b"}},
	}
	if !reflect.DeepEqual(units, want) {
		t.Fatalf("effects = %q\nwant %q", units, want)
	}
}

func TestHashCloneAndCopy(t *testing.T) {
	s, _ := openTest(t)
	args := []string{}
	for i := 0; i < 200; i++ {
		args = append(args, "f"+strconv.Itoa(i), "v")
	}
	s.HSet(ctx, "big", args...)
	s.HSet(ctx, "small", "a", "1")
	for _, k := range []string{"big", "small"} {
		if ok := must[bool](t)(s.Copy(ctx, k, k+"2", 0, false)); !ok {
			t.Fatal("Copy failed")
		}
		s.HSet(ctx, k+"2", "a", "changed")
		if v, _ := s.HGet(ctx, k, "a"); v == "changed" {
			t.Fatalf("Copy of %s shares its data", k)
		}
	}
}

// BenchmarkHashEncoding measures the two encodings of a small hash: lookups
// and memory per field, for the choice of the compact form (see hash.go).
func BenchmarkHashEncoding(b *testing.B) {
	for _, n := range []int{8, 32, 128} {
		fields := make([]string, n)
		for i := range fields {
			fields[i] = fmt.Sprintf("field:%d", i)
		}
		b.Run(fmt.Sprintf("compact/get/%d", n), func(b *testing.B) {
			h := &hashValue{}
			for _, f := range fields {
				h.set(f, "value")
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				h.get(fields[i%n])
			}
		})
		b.Run(fmt.Sprintf("dict/get/%d", n), func(b *testing.B) {
			d := dict.New[string]()
			for _, f := range fields {
				d.Set(f, "value")
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.Get(fields[i%n])
			}
		})
		mem := func(build func() any) float64 {
			const hashes = 2000
			keep := make([]any, hashes)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for i := range keep {
				keep[i] = build()
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(keep)
			return float64(after.HeapAlloc-before.HeapAlloc) / float64(hashes*n)
		}
		b.Run(fmt.Sprintf("memory/%d", n), func(b *testing.B) {
			var c, d float64
			for i := 0; i < b.N; i++ {
				// Field and value strings are shared: only the structure counts.
				c = mem(func() any {
					h := &hashValue{}
					for _, f := range fields {
						h.set(f, "value")
					}
					return h
				})
				d = mem(func() any {
					d := dict.New[string]()
					for _, f := range fields {
						d.Set(f, "value")
					}
					return d
				})
			}
			b.ReportMetric(c, "compact-B/field")
			b.ReportMetric(d, "dict-B/field")
		})
	}
}
