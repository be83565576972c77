package lcs

import (
	"math"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestDocExample is the example of the Redis LCS documentation page.
func TestDocExample(t *testing.T) {
	r := Compute("ohmytext", "mynewtext")
	if r.LCS != "mytext" || r.Len != 6 {
		t.Fatalf("LCS = %q, %d; want mytext, 6", r.LCS, r.Len)
	}
	want := []Match{
		{A: [2]int{4, 7}, B: [2]int{5, 8}, Len: 4},
		{A: [2]int{2, 3}, B: [2]int{0, 1}, Len: 2},
	}
	if !reflect.DeepEqual(r.Matches, want) {
		t.Fatalf("matches = %v, want %v", r.Matches, want)
	}
	if Length("ohmytext", "mynewtext") != 6 {
		t.Errorf("Length = %d", Length("ohmytext", "mynewtext"))
	}
}

func TestCases(t *testing.T) {
	cases := []struct {
		a, b, lcs string
		matches   []Match
	}{
		{"", "", "", nil},
		{"abc", "", "", nil},
		{"", "abc", "", nil},
		{"abc", "xyz", "", nil},
		{"abc", "abc", "abc", []Match{{[2]int{0, 2}, [2]int{0, 2}, 3}}},
		// Ties step back in b first, so the walk keeps a's last byte.
		{"ab", "ba", "b", []Match{{[2]int{1, 1}, [2]int{0, 0}, 1}}},
		{"ba", "ab", "a", []Match{{[2]int{1, 1}, [2]int{0, 0}, 1}}},
		{"foo", "fao", "fo", []Match{
			{[2]int{2, 2}, [2]int{2, 2}, 1},
			{[2]int{0, 0}, [2]int{0, 0}, 1},
		}},
		{"aaa", "a", "a", []Match{{[2]int{2, 2}, [2]int{0, 0}, 1}}},
		{"a", "aaa", "a", []Match{{[2]int{0, 0}, [2]int{2, 2}, 1}}},
		{"xab", "abx", "ab", []Match{{[2]int{1, 2}, [2]int{0, 1}, 2}}},
		{"\x00\xff", "\xff\x00\xff", "\x00\xff", []Match{{[2]int{0, 1}, [2]int{1, 2}, 2}}},
	}
	for _, c := range cases {
		r := Compute(c.a, c.b)
		if r.LCS != c.lcs || r.Len != len(c.lcs) || !reflect.DeepEqual(r.Matches, c.matches) {
			t.Errorf("Compute(%q, %q) = %q, %d, %v; want %q, %v", c.a, c.b, r.LCS, r.Len, r.Matches, c.lcs, c.matches)
		}
	}
}

func TestTableBytes(t *testing.T) {
	cases := []struct {
		a, b int
		want uint64
	}{
		{0, 0, 4},
		{8, 9, 9 * 10 * 4},
		{511, 511, 1 << 20},
		{-5, 3, 16},
		{math.MaxInt, math.MaxInt, math.MaxUint64},
		{1 << 30, 1 << 30, ((1<<30 + 1) * (1<<30 + 1)) * 4},
	}
	if strconv.IntSize == 64 {
		// Sizes an int holds only on 64-bit platforms (shifted at run time,
		// so that the file compiles on 32-bit ones too).
		one := 1
		cases = append(cases, []struct {
			a, b int
			want uint64
		}{
			{one << 31, one << 31, math.MaxUint64},
			{one << 32, one << 30, math.MaxUint64},
		}...)
	}
	for _, c := range cases {
		if got := TableBytes(c.a, c.b); got != c.want {
			t.Errorf("TableBytes(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// bruteLength is the LCS length by trying every subsequence of a: exponential,
// independent of the dynamic program.
func bruteLength(a, b string) int {
	best := 0
	for mask := 0; mask < 1<<len(a); mask++ {
		var sub []byte
		for i := 0; i < len(a); i++ {
			if mask&(1<<i) != 0 {
				sub = append(sub, a[i])
			}
		}
		if len(sub) > best && isSubsequence(string(sub), b) {
			best = len(sub)
		}
	}
	return best
}

func isSubsequence(sub, s string) bool {
	for i := 0; i < len(s) && sub != ""; i++ {
		if s[i] == sub[0] {
			sub = sub[1:]
		}
	}
	return sub == ""
}

func randomString(r *rand.Rand, alphabet string, maxLen int) string {
	b := make([]byte, r.Intn(maxLen+1))
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

func TestAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 3000; n++ {
		a := randomString(r, "abc", 10)
		b := randomString(r, "abc", 10)
		want := bruteLength(a, b)
		res := Compute(a, b)
		if res.Len != want || Length(a, b) != want {
			t.Fatalf("(%q, %q): Compute.Len=%d Length=%d, brute force %d", a, b, res.Len, Length(a, b), want)
		}
		checkResult(t, a, b, res)
	}
}

// checkResult verifies the invariants of a Result: the LCS is a common
// subsequence of the reported length, and the matches are disjoint runs,
// listed from the end of the strings, that spell the LCS.
func checkResult(t *testing.T, a, b string, r Result) {
	t.Helper()
	if len(r.LCS) != r.Len {
		t.Fatalf("(%q, %q): len(LCS %q) = %d, Len = %d", a, b, r.LCS, len(r.LCS), r.Len)
	}
	if !isSubsequence(r.LCS, a) || !isSubsequence(r.LCS, b) {
		t.Fatalf("(%q, %q): %q is not a common subsequence", a, b, r.LCS)
	}
	spelled := ""
	prevA, prevB := len(a), len(b)
	for _, m := range r.Matches {
		if m.Len < 1 || m.A[1]-m.A[0]+1 != m.Len || m.B[1]-m.B[0]+1 != m.Len {
			t.Fatalf("(%q, %q): inconsistent match %v", a, b, m)
		}
		if m.A[0] < 0 || m.B[0] < 0 || m.A[1] >= prevA || m.B[1] >= prevB {
			t.Fatalf("(%q, %q): match %v out of order or range (previous starts %d, %d)", a, b, m, prevA, prevB)
		}
		sa, sb := a[m.A[0]:m.A[1]+1], b[m.B[0]:m.B[1]+1]
		if sa != sb {
			t.Fatalf("(%q, %q): match %v joins %q and %q", a, b, m, sa, sb)
		}
		spelled = sa + spelled
		prevA, prevB = m.A[0], m.B[0]
	}
	if spelled != r.LCS {
		t.Fatalf("(%q, %q): matches spell %q, LCS is %q", a, b, spelled, r.LCS)
	}
}

func TestLargeInput(t *testing.T) {
	a := strings.Repeat("abcde", 400)
	b := strings.Repeat("aebdc", 400)
	r := Compute(a, b)
	if r.Len != Length(a, b) {
		t.Fatalf("Compute.Len = %d, Length = %d", r.Len, Length(a, b))
	}
	checkResult(t, a, b, r)
}

func FuzzCompute(f *testing.F) {
	f.Add("ohmytext", "mynewtext")
	f.Add("", "")
	f.Add("ab", "ba")
	f.Add("aaaa", "aa")
	f.Add("abcabcabc", "cbacba")
	f.Add("\x00\xff\x00", "\xff\x00")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 300 || len(b) > 300 {
			return
		}
		r := Compute(a, b)
		checkResult(t, a, b, r)
		if l := Length(a, b); l != r.Len {
			t.Fatalf("(%q, %q): Length = %d, Compute.Len = %d", a, b, l, r.Len)
		}
		if l := Length(b, a); l != r.Len {
			t.Fatalf("(%q, %q): Length is not symmetric: %d vs %d", a, b, l, r.Len)
		}
		if len(a) <= 12 {
			if want := bruteLength(a, b); want != r.Len {
				t.Fatalf("(%q, %q): Len = %d, brute force %d", a, b, r.Len, want)
			}
		}
	})
}

func BenchmarkCompute(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	x := randomString(r, "acgt", 1000)
	y := randomString(r, "acgt", 1000)
	b.SetBytes(int64(len(x)))
	for i := 0; i < b.N; i++ {
		Compute(x, y)
	}
}
