package embedis

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/embedis/embedis/internal/dict"
)

// setState returns the set at key as "enc {members sorted}", "none" or the
// other type's name, read as the owner.
func setState(t *testing.T, s *Store, key string) string {
	t.Helper()
	var out string
	s.Atomic(ctx, func(tx *Tx) error {
		switch v := tx.live(key).(type) {
		case nil:
			out = "none"
		case *setValue:
			out = [...]string{"intset", "small", "dict"}[v.enc] + " " + v.dump()
		default:
			out = v.typeName() + " " + v.dump()
		}
		return nil
	})
	return out
}

func setEnc(t *testing.T, s *Store, key string) string {
	t.Helper()
	st := setState(t, s, key)
	for i := range st {
		if st[i] == ' ' {
			return st[:i]
		}
	}
	return st
}

func ints(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func TestSetBadInputLeavesDataUnchanged(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.SAdd(ctx, "s", "1", "2", "a"))
	must[int64](t)(s.SAdd(ctx, "dst", "x"))
	if err := s.Set(ctx, "str", "v", 0); err != nil {
		t.Fatal(err)
	}
	before := map[string]string{"s": setState(t, s, "s"), "dst": setState(t, s, "dst"), "str": setState(t, s, "str")}
	type check struct {
		name      string
		err, want error
	}
	var checks []check
	add := func(name string, err, want error) { checks = append(checks, check{name, err, want}) }
	_, err := s.SAdd(ctx, "str", "a")
	add("SAdd on a string", err, ErrWrongType)
	_, err = s.SRem(ctx, "str", "a")
	add("SRem on a string", err, ErrWrongType)
	_, err = s.SPopN(ctx, "s", -1)
	add("SPopN negative", err, ErrNotInteger)
	_, err = s.SPop(ctx, "str")
	add("SPop on a string", err, ErrWrongType)
	_, err = s.SRandMemberN(ctx, "s", math.MinInt64)
	add("SRandMemberN MinInt64", err, ErrNotInteger)
	_, err = s.SMove(ctx, "s", "str", "1")
	add("SMove to a string", err, ErrWrongType)
	_, err = s.SMove(ctx, "str", "s", "1")
	add("SMove from a string", err, ErrWrongType)
	_, err = s.SInterStore(ctx, "dst", "s", "str")
	add("SInterStore with a string source", err, ErrWrongType)
	_, err = s.SUnionStore(ctx, "dst", "str", "s")
	add("SUnionStore with a string source", err, ErrWrongType)
	_, err = s.SDiffStore(ctx, "dst", "nokey", "str")
	add("SDiffStore with a string source", err, ErrWrongType)
	_, err = s.SInterCard(ctx, -1, "s")
	add("SInterCard negative limit", err, ErrLimitNegative)
	_, err = s.SInterCard(ctx, 0)
	add("SInterCard no keys", err, ErrNumKeys)
	_, err = s.SInterStore(ctx, "dst")
	add("SInterStore no keys", err, ErrArity)
	for _, c := range checks {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, c.err, c.want)
		}
	}
	for k, want := range before {
		if got := setState(t, s, k); got != want {
			t.Errorf("%s = %s after failed commands; want %s", k, got, want)
		}
	}
	// Do with bad arguments changes nothing either.
	for _, args := range [][]string{
		{"SPOP", "s", "-1"}, {"SPOP", "s", "x"}, {"SINTERCARD", "0", "s"}, {"SINTERCARD", "1", "s", "LIMIT", "-1"},
		{"SSCAN", "s", "x"}, {"SSCAN", "s", "0", "COUNT", "0"}, {"SADD", "s"}, {"SINTERSTORE", "dst", "s", "str"},
	} {
		if _, err := s.Do(ctx, args...); err == nil {
			t.Errorf("%q succeeded", args)
		}
	}
	for k, want := range before {
		if got := setState(t, s, k); got != want {
			t.Errorf("%s = %s after failed Do; want %s", k, got, want)
		}
	}
}

func TestSetEncodingConversions(t *testing.T) {
	s, _ := openTest(t)
	long := string(make([]byte, setMaxSmallValue+1))
	for _, tc := range []struct {
		name    string
		members []string
		want    string
	}{
		{"512 integers", ints(1, 512), "intset"},
		{"513 integers", ints(1, 513), "dict"},
		{"a few integers and a string", append(ints(1, setMaxSmallEntries-1), "a"), "small"},
		{"too many integers and a string", append(ints(1, setMaxSmallEntries), "a"), "dict"},
		{"a string first", []string{"a", "1"}, "small"},
		{"as many strings as fit", func() []string {
			var ss []string
			for i := 0; i < setMaxSmallEntries; i++ {
				ss = append(ss, "m"+strconv.Itoa(i))
			}
			return ss
		}(), "small"},
		{"one string too many", func() []string {
			var ss []string
			for i := 0; i <= setMaxSmallEntries; i++ {
				ss = append(ss, "m"+strconv.Itoa(i))
			}
			return ss
		}(), "dict"},
		{"a 64-byte string", []string{long[:64]}, "small"},
		{"a 65-byte string", []string{long}, "dict"},
		{"integers then a long string", []string{"1", long}, "dict"},
		{"non-canonical integers", []string{"007", "-0", "+1"}, "small"},
		{"int64 extremes", []string{"9223372036854775807", "-9223372036854775808"}, "intset"},
		{"past int64", []string{"9223372036854775808"}, "small"},
	} {
		key := "k:" + tc.name
		// One member at a time and all at once must agree.
		for i, m := range tc.members {
			must[int64](t)(s.SAdd(ctx, key, m))
			if i == len(tc.members)-2 && len(tc.members) > 1 {
				// Just below the threshold the compact encoding holds.
				if e := setEnc(t, s, key); tc.want == "dict" && e == "dict" && len(tc.members) > 2 {
					t.Errorf("%s: dict one member early", tc.name)
				}
			}
		}
		if e := setEnc(t, s, key); e != tc.want {
			t.Errorf("%s added one by one: %s, want %s", tc.name, e, tc.want)
		}
		must[int64](t)(s.SAdd(ctx, key+"/bulk", tc.members...))
		if e := setEnc(t, s, key+"/bulk"); e != tc.want {
			t.Errorf("%s added at once: %s, want %s", tc.name, e, tc.want)
		}
		if n := must[int64](t)(s.SCard(ctx, key)); n != int64(len(tc.members)) {
			t.Errorf("%s: SCard %d", tc.name, n)
		}
		for _, m := range tc.members {
			if !must[bool](t)(s.SIsMember(ctx, key, m)) {
				t.Fatalf("%s: %q lost in conversion", tc.name, m)
			}
		}
	}
	// Shrinking never converts back (as Redis): a dict stays a dict.
	key := "k:513 integers"
	must[int64](t)(s.SRem(ctx, key, ints(3, 513)...))
	if e := setEnc(t, s, key); e != "dict" {
		t.Errorf("after shrinking: %s", e)
	}
	if got := setState(t, s, key); got != `dict {"1" "2"}` {
		t.Errorf("after shrinking: %s", got)
	}
	// A small string set that loses its strings stays small; adding an
	// integer to it does not make it an intset.
	must[int64](t)(s.SRem(ctx, "k:a string first", "a"))
	must[int64](t)(s.SAdd(ctx, "k:a string first", "2"))
	if e := setEnc(t, s, "k:a string first"); e != "small" {
		t.Errorf("small set after SREM of its string: %s", e)
	}
	// Results of the *STORE commands and of SMOVE get the encoding of their
	// contents.
	must[int64](t)(s.SUnionStore(ctx, "u", "k:512 integers", "k:a string first"))
	if e := setEnc(t, s, "u"); e != "intset" {
		t.Errorf("union of integers: %s", e)
	}
	must[int64](t)(s.SUnionStore(ctx, "u", "k:512 integers", "k:a few integers and a string"))
	if e := setEnc(t, s, "u"); e != "dict" {
		t.Errorf("union of 512 integers and a string: %s", e)
	}
	must[bool](t)(s.SMove(ctx, "k:a few integers and a string", "moved", "a"))
	if e := setEnc(t, s, "moved"); e != "small" {
		t.Errorf("SMOVE of a string to a new key: %s", e)
	}
	must[bool](t)(s.SMove(ctx, "k:a few integers and a string", "moved2", "5"))
	if e := setEnc(t, s, "moved2"); e != "intset" {
		t.Errorf("SMOVE of an integer to a new key: %s", e)
	}
	// COPY keeps the encoding and the members, independently.
	must[bool](t)(s.Copy(ctx, "k:513 integers/bulk", "copy", 0, false))
	must[int64](t)(s.SRem(ctx, "copy", "1"))
	if e := setEnc(t, s, "copy"); e != "dict" || must[int64](t)(s.SCard(ctx, "k:513 integers/bulk")) != 513 {
		t.Errorf("COPY: %s, source changed", e)
	}
}

func TestSScanLargeSetGrowingDuringScan(t *testing.T) {
	s, _ := openTest(t)
	const n = 20000
	var orig []string
	for i := 0; i < n; i++ {
		orig = append(orig, "m"+strconv.Itoa(i))
	}
	must[int64](t)(s.SAdd(ctx, "big", orig...))
	seen := map[string]bool{}
	cursor, calls, extra := uint64(0), 0, 0
	for {
		ms, next, err := s.SScan(ctx, "big", cursor, "", 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			seen[m] = true
		}
		calls++
		// Grow the set by more than the scan returns, so it rehashes
		// several times under the cursor; also remove members added earlier.
		var add []string
		for j := 0; j < 5; j++ {
			add = append(add, "x"+strconv.Itoa(extra))
			extra++
		}
		must[int64](t)(s.SAdd(ctx, "big", add...))
		if extra > 60 {
			must[int64](t)(s.SRem(ctx, "big", "x"+strconv.Itoa(extra-60)))
		}
		if cursor = next; cursor == 0 {
			break
		}
		if calls > 10*n {
			t.Fatal("SSCAN does not finish")
		}
	}
	for _, m := range orig {
		if !seen[m] {
			t.Fatalf("SSCAN missed %q (present for the whole iteration)", m)
		}
	}
	t.Logf("%d calls; the set grew from %d to %d members", calls, n, must[int64](t)(s.SCard(ctx, "big")))

	// MATCH filters, and a small set comes back whole with cursor 0.
	var matched []string
	for cursor := uint64(0); ; {
		ms, next, err := s.SScan(ctx, "big", cursor, "m1999?", 1000)
		if err != nil {
			t.Fatal(err)
		}
		matched = append(matched, ms...)
		if cursor = next; cursor == 0 {
			break
		}
	}
	sort.Strings(matched)
	if len(matched) != 10 || matched[0] != "m19990" {
		t.Errorf("SScan MATCH m1999? over the whole set: %q", matched)
	}
	must[int64](t)(s.SAdd(ctx, "small", "3", "1", "2"))
	ms, next, _ := s.SScan(ctx, "small", 12345, "", 1)
	if next != 0 || !slices.Equal(ms, []string{"1", "2", "3"}) {
		t.Errorf("SScan of an intset = %q, %d", ms, next)
	}
	ms, next, err := s.SScan(ctx, "nokey", 5, "", 0)
	if err != nil || next != 0 || len(ms) != 0 {
		t.Errorf("SScan missing = %q, %d, %v", ms, next, err)
	}
}

func TestSPopSRandMemberReachEveryMember(t *testing.T) {
	s, _ := openTest(t)
	for _, tc := range []struct {
		name    string
		members []string
	}{
		{"intset", ints(1, 20)},
		{"small", []string{"a", "b", "c", "d", "e", "f", "g", "h", "1"}},
		{"dict", func() []string {
			var ss []string
			for i := 0; i < 300; i++ {
				ss = append(ss, "m"+strconv.Itoa(i))
			}
			return ss
		}()},
	} {
		key := tc.name
		must[int64](t)(s.SAdd(ctx, key, tc.members...))
		if e := setEnc(t, s, key); e != tc.name {
			t.Fatalf("%s: encoding %s", tc.name, e)
		}
		want := map[string]bool{}
		for _, m := range tc.members {
			want[m] = true
		}
		// SRANDMEMBER: every member comes up, nothing else does.
		seen := map[string]int{}
		for i := 0; i < 200*len(tc.members); i++ {
			m := must[string](t)(s.SRandMember(ctx, key))
			if !want[m] {
				t.Fatalf("%s: SRandMember returned %q", tc.name, m)
			}
			seen[m]++
		}
		if len(seen) != len(tc.members) {
			t.Errorf("%s: SRandMember reached %d of %d members", tc.name, len(seen), len(tc.members))
		}
		// Positive counts are distinct, negative ones exact and may repeat.
		for _, count := range []int64{1, 3, int64(len(tc.members)) / 2, int64(len(tc.members)) - 1, int64(len(tc.members)), 1000} {
			ms := must[[]string](t)(s.SRandMemberN(ctx, key, count))
			if int64(len(ms)) != min(count, int64(len(tc.members))) {
				t.Errorf("%s: SRandMemberN(%d) gave %d", tc.name, count, len(ms))
			}
			dup := map[string]bool{}
			for _, m := range ms {
				if dup[m] || !want[m] {
					t.Errorf("%s: SRandMemberN(%d) gave %q twice or foreign", tc.name, count, m)
				}
				dup[m] = true
			}
		}
		ms := must[[]string](t)(s.SRandMemberN(ctx, key, -5*int64(len(tc.members))))
		if len(ms) != 5*len(tc.members) {
			t.Errorf("%s: negative count gave %d", tc.name, len(ms))
		}
		// SPOP: each member once, then the key is gone.
		popped := map[string]bool{}
		for range tc.members {
			m := must[string](t)(s.SPop(ctx, key))
			if popped[m] || !want[m] {
				t.Fatalf("%s: SPop returned %q twice or foreign", tc.name, m)
			}
			popped[m] = true
		}
		if n := must[int64](t)(s.Exists(ctx, key)); n != 0 {
			t.Errorf("%s: key left after popping everything", tc.name)
		}
		if _, err := s.SPop(ctx, key); err != ErrNotFound {
			t.Errorf("%s: SPop on the emptied key = %v", tc.name, err)
		}
		if _, err := s.SRandMember(ctx, key); err != ErrNotFound {
			t.Errorf("%s: SRandMember on the emptied key = %v", tc.name, err)
		}
		// SPOP with a count: distinct, and the first pops of many runs
		// cover every member.
		first := map[string]bool{}
		for run := 0; run < 60*len(tc.members) && len(first) < len(tc.members); run++ {
			must[int64](t)(s.SAdd(ctx, key, tc.members...))
			got := must[[]string](t)(s.SPopN(ctx, key, 2))
			if len(got) != 2 || got[0] == got[1] {
				t.Fatalf("%s: SPopN(2) = %q", tc.name, got)
			}
			first[got[0]] = true
			if n := must[int64](t)(s.SCard(ctx, key)); n != int64(len(tc.members))-2 {
				t.Fatalf("%s: SCard after SPopN(2) = %d", tc.name, n)
			}
			s.Del(ctx, key)
		}
		if len(first) != len(tc.members) {
			t.Errorf("%s: SPopN reached %d of %d members", tc.name, len(first), len(tc.members))
		}
	}
}

func TestSetEmptiedSetDisappears(t *testing.T) {
	s, _ := openTest(t)
	for name, empty := range map[string]func(){
		"SRem":        func() { s.SRem(ctx, "k", "a", "1") },
		"SPop":        func() { s.SPop(ctx, "k"); s.SPop(ctx, "k") },
		"SPopN all":   func() { s.SPopN(ctx, "k", 5) },
		"SPopN exact": func() { s.SPopN(ctx, "k", 1); s.SPopN(ctx, "k", 1) },
		"SMove":       func() { s.SMove(ctx, "k", "other", "a"); s.SMove(ctx, "k", "other", "1") },
		"SDiffStore":  func() { s.SDiffStore(ctx, "k", "k", "k") },
		"SInterStore": func() { s.SInterStore(ctx, "k", "k", "nokey") },
	} {
		s.Del(ctx, "k")
		must[int64](t)(s.SAdd(ctx, "k", "a", "1"))
		if err := s.Atomic(ctx, func(tx *Tx) error { _, err := tx.Expire("k", time.Hour); return err }); err != nil {
			t.Fatal(err)
		}
		empty()
		if n := must[int64](t)(s.Exists(ctx, "k")); n != 0 {
			t.Errorf("%s: the emptied set still exists (%s)", name, setState(t, s, "k"))
		}
		if d := must[time.Duration](t)(s.TTL(ctx, "k")); d != TTLMissing {
			t.Errorf("%s: TTL %v", name, d)
		}
	}
	// SADD with no members creates nothing.
	if n := must[int64](t)(s.SAdd(ctx, "none")); n != 0 || must[int64](t)(s.Exists(ctx, "none")) != 0 {
		t.Error("SAdd with no members created a key")
	}
}

func TestSetStoreCornerCases(t *testing.T) {
	s, clock := openTest(t)
	must[int64](t)(s.SAdd(ctx, "a", "1", "2", "3", "x"))
	must[int64](t)(s.SAdd(ctx, "b", "2", "3", "4"))
	// The destination may be a source.
	if n := must[int64](t)(s.SInterStore(ctx, "a", "a", "b")); n != 2 || setState(t, s, "a") != `intset {"2" "3"}` {
		t.Errorf("SInterStore into a source: %d, %s", n, setState(t, s, "a"))
	}
	// A destination of another type, with a TTL, is replaced and loses it.
	if err := s.Set(ctx, "d", "str", time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := must[int64](t)(s.SUnionStore(ctx, "d", "a", "b", "nokey")); n != 3 {
		t.Errorf("SUnionStore = %d", n)
	}
	if d := must[time.Duration](t)(s.TTL(ctx, "d")); d != TTLPersistent {
		t.Errorf("TTL after SUnionStore = %v", d)
	}
	// An empty result deletes the destination, whatever it held.
	if err := s.Set(ctx, "e", "str", 0); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() (int64, error){
		"SInterStore": func() (int64, error) { return s.SInterStore(ctx, "e", "a", "nokey") },
		"SDiffStore":  func() (int64, error) { return s.SDiffStore(ctx, "e", "a", "b") },
		"SUnionStore": func() (int64, error) { return s.SUnionStore(ctx, "e", "nokey", "nokey2") },
	} {
		if n := must[int64](t)(f()); n != 0 || must[int64](t)(s.Exists(ctx, "e")) != 0 {
			t.Errorf("%s with an empty result: %d, destination %s", name, n, setState(t, s, "e"))
		}
		s.Set(ctx, "e", "str", 0)
	}
	// SInterCard's limit.
	must[int64](t)(s.SAdd(ctx, "c", ints(1, 100)...))
	must[int64](t)(s.SAdd(ctx, "c2", ints(50, 300)...))
	for limit, want := range map[int64]int64{0: 51, 1: 1, 10: 10, 51: 51, 1000: 51, math.MaxInt64: 51} {
		if n := must[int64](t)(s.SInterCard(ctx, limit, "c", "c2")); n != want {
			t.Errorf("SInterCard limit %d = %d, want %d", limit, n, want)
		}
	}
	// The stored set is the caller's no more: changing a source later does
	// not change it.
	must[int64](t)(s.SUnionStore(ctx, "copyc", "c"))
	must[int64](t)(s.SRem(ctx, "c", "1"))
	if n := must[int64](t)(s.SCard(ctx, "copyc")); n != 100 {
		t.Errorf("stored union shares its source: %d", n)
	}
	// Same key twice.
	if ms := must[[]string](t)(s.SDiff(ctx, "b", "b")); len(ms) != 0 {
		t.Errorf("SDiff b b = %q", ms)
	}
	if ms := must[[]string](t)(s.SInter(ctx, "b", "b")); !slices.Equal(ms, []string{"2", "3", "4"}) {
		t.Errorf("SInter b b = %q", ms)
	}
	// An expired source counts as missing.
	must[int64](t)(s.SAdd(ctx, "gone", "2"))
	if err := s.Atomic(ctx, func(tx *Tx) error { _, err := tx.PExpire("gone", time.Millisecond); return err }); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	if n := must[int64](t)(s.SInterStore(ctx, "f", "b", "gone")); n != 0 {
		t.Errorf("SInterStore with an expired source = %d", n)
	}
}

func TestSetEffects(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	must[int64](t)(s.SAdd(ctx, "k", "b", "a", "c"))
	must[int64](t)(s.SAdd(ctx, "k", "a")) // nothing added: no effect
	m := must[string](t)(s.SPop(ctx, "k"))
	must[string](t)(s.SRandMember(ctx, "k")) // a read: no effect
	must[int64](t)(s.SUnionStore(ctx, "u", "k", "nokey"))
	got := fmt.Sprint(units)
	rest := []string{"a", "b", "c"}
	rest = slices.DeleteFunc(rest, func(x string) bool { return x == m })
	want := fmt.Sprint([][][]string{
		{{"SELECT", "0"}, {"SADD", "k", "b", "a", "c"}},
		{{"SREM", "k", m}},
		{{"DEL", "u"}, append([]string{"SADD", "u"}, rest...)},
	})
	if got != want {
		t.Errorf("effects:\n got  %s\n want %s", got, want)
	}
}

// TestSetEncodingMemory measures the bytes per member of the three
// encodings, for the members alone (the member strings themselves, the same
// in the small and dict encodings and absent from an intset, are built
// before the first reading and not counted). It logs the figures behind the
// thresholds of set.go and checks them against each encoding's design and
// the order intset < small < dict that the thresholds rest on.
func TestSetEncodingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	const sets = 2000
	measure := func(n int, build func(ms []string) any) float64 {
		ms := make([][]string, sets)
		for i := range ms {
			ms[i] = make([]string, n)
			for j := range ms[i] {
				ms[i][j] = strconv.Itoa(j * 7)
			}
		}
		out := make([]any, sets)
		before := liveHeapForTest()
		for i := range out {
			out[i] = build(ms[i])
		}
		after := liveHeapForTest()
		runtime.KeepAlive(out)
		runtime.KeepAlive(ms)
		return (float64(after) - float64(before)) / float64(sets*n)
	}
	t.Logf("bytes per member, besides the member strings (%d sets of each size):", sets)
	t.Logf("%8s %10s %10s %10s", "members", "intset", "small", "dict")
	for _, n := range []int{4, 16, 64, 128, 512} {
		in := measure(n, func(ms []string) any {
			v := &setValue{enc: setIntset}
			for _, m := range ms {
				v.add(m)
			}
			return v
		})
		sm := measure(n, func(ms []string) any {
			v := &setValue{enc: setSmall, strs: make([]string, 0, min(n, setMaxSmallEntries))}
			v.strs = append(v.strs, ms...)
			return v
		})
		dc := measure(n, func(ms []string) any {
			v := &setValue{enc: setDict, d: dict.New[struct{}]()}
			for _, m := range ms {
				v.d.Set(m, struct{}{})
			}
			return v
		})
		t.Logf("%8d %10.1f %10.1f %10.1f", n, in, sm, dc)
		// The bounds of the design, besides the setValue itself: an intset
		// is 8 bytes a member in a slice grown at most twofold; a small set
		// 16 bytes (a string header) in a slice made to size up to
		// setMaxSmallEntries, grown beyond; a dict at least a 24-byte node
		// and an 8-byte bucket slot a member. 1 byte of slack for the
		// measurement.
		fixed := float64(unsafe.Sizeof(setValue{})) / float64(n)
		smallBound := 16 + fixed
		if n > setMaxSmallEntries {
			smallBound = 32 + fixed
		}
		if in > 16+fixed+1 || sm > smallBound+1 || dc < 32-1 {
			t.Errorf("%d members: intset %.1f (design at most %.1f), small %.1f (at most %.1f), dict %.1f (at least 32) bytes a member", n, in, 16+fixed, sm, smallBound, dc)
		}
		// The order the thresholds rest on.
		if !(in < sm && sm < dc) {
			t.Errorf("%d members: intset %.1f, small %.1f, dict %.1f bytes a member: not intset < small < dict", n, in, sm, dc)
		}
	}
}

func liveHeapForTest() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkSetEncodingIsMember compares membership tests (half hits, half
// misses) in the three encodings at the sizes around the thresholds.
func BenchmarkSetEncodingIsMember(b *testing.B) {
	for _, n := range []int{16, 32, 64, 128, 512} {
		ms := make([]string, n)
		for i := range ms {
			ms[i] = strconv.Itoa(i * 2)
		}
		probes := make([]string, 64)
		for i := range probes {
			probes[i] = strconv.Itoa(i * n / 32)
		}
		encs := map[string]*setValue{
			"intset": {enc: setIntset},
			"small":  {enc: setSmall},
			"dict":   {enc: setDict, d: dict.New[struct{}]()},
		}
		for _, name := range []string{"intset", "small", "dict"} {
			v := encs[name]
			for _, m := range ms {
				switch name {
				case "small":
					v.strs = append(v.strs, m)
				default:
					v.add(m)
				}
			}
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				hits := 0
				for i := 0; i < b.N; i++ {
					if v.has(probes[i&63]) {
						hits++
					}
				}
				_ = hits
			})
		}
	}
}
