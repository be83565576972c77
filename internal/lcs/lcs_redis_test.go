package lcs

// Differential test against a real redis-server: for random short strings,
// LCS, LCS LEN, LCS IDX WITHMATCHLEN and LCS IDX MINMATCHLEN n must all agree
// with Compute.

import (
	"fmt"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// decodeIdx turns the RESP2 reply of LCS ... IDX into matches and the total
// length.
func decodeIdx(v any) ([]Match, int, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) != 4 || arr[0] != "matches" || arr[2] != "len" {
		return nil, 0, fmt.Errorf("unexpected IDX reply %#v", v)
	}
	total, ok := arr[3].(int64)
	if !ok {
		return nil, 0, fmt.Errorf("unexpected len %#v", arr[3])
	}
	list, ok := arr[1].([]any)
	if !ok {
		return nil, 0, fmt.Errorf("unexpected matches %#v", arr[1])
	}
	pair := func(x any) ([2]int, error) {
		p, ok := x.([]any)
		if !ok || len(p) != 2 {
			return [2]int{}, fmt.Errorf("unexpected range %#v", x)
		}
		s, ok1 := p[0].(int64)
		e, ok2 := p[1].(int64)
		if !ok1 || !ok2 {
			return [2]int{}, fmt.Errorf("unexpected range %#v", x)
		}
		return [2]int{int(s), int(e)}, nil
	}
	matches := []Match{}
	for _, x := range list {
		item, ok := x.([]any)
		if !ok || len(item) < 2 || len(item) > 3 {
			return nil, 0, fmt.Errorf("unexpected match %#v", x)
		}
		var m Match
		var err error
		if m.A, err = pair(item[0]); err != nil {
			return nil, 0, err
		}
		if m.B, err = pair(item[1]); err != nil {
			return nil, 0, err
		}
		if len(item) == 3 {
			l, ok := item[2].(int64)
			if !ok {
				return nil, 0, fmt.Errorf("unexpected match length %#v", item[2])
			}
			m.Len = int(l)
		} else {
			m.Len = -1 // not reported
		}
		matches = append(matches, m)
	}
	return matches, int(total), nil
}

// withoutLen copies matches with Len set to -1, as IDX reports them without
// WITHMATCHLEN.
func withoutLen(ms []Match) []Match {
	out := make([]Match, len(ms))
	for i, m := range ms {
		m.Len = -1
		out[i] = m
	}
	return out
}

type lcsCase struct {
	a, b   string
	minLen int
}

// checkBatch sends the four LCS forms for every case in one pipeline and
// compares the replies with Compute.
func checkBatch(t *testing.T, rc *redistest.Client, cases []lcsCase) {
	t.Helper()
	for _, c := range cases {
		rc.Send("SET", "a", c.a)
		rc.Send("SET", "b", c.b)
		rc.Send("LCS", "a", "b")
		rc.Send("LCS", "a", "b", "LEN")
		rc.Send("LCS", "a", "b", "IDX", "WITHMATCHLEN")
		rc.Send("LCS", "a", "b", "IDX", "MINMATCHLEN", strconv.Itoa(c.minLen))
	}
	for _, c := range cases {
		var replies [6]any
		for i := range replies {
			v := rc.Receive(t)
			if e, ok := v.(redistest.ReplyError); ok {
				t.Fatalf("(%q, %q): redis error %s", c.a, c.b, e)
			}
			replies[i] = v
		}
		r := Compute(c.a, c.b)
		if replies[2] != r.LCS {
			t.Errorf("LCS %q %q: redis %q, Compute %q", c.a, c.b, replies[2], r.LCS)
		}
		if replies[3] != int64(r.Len) {
			t.Errorf("LCS %q %q LEN: redis %v, Compute %d", c.a, c.b, replies[3], r.Len)
		}
		ms, total, err := decodeIdx(replies[4])
		if err != nil {
			t.Fatal(err)
		}
		if total != r.Len || !reflect.DeepEqual(ms, append([]Match{}, r.Matches...)) {
			t.Errorf("LCS %q %q IDX WITHMATCHLEN: redis %v len %d, Compute %v len %d", c.a, c.b, ms, total, r.Matches, r.Len)
		}
		ms, total, err = decodeIdx(replies[5])
		if err != nil {
			t.Fatal(err)
		}
		if want := withoutLen(atLeast(r.Matches, c.minLen)); total != r.Len || !reflect.DeepEqual(ms, want) {
			t.Errorf("LCS %q %q IDX MINMATCHLEN %d: redis %v len %d, Compute %v len %d", c.a, c.b, c.minLen, ms, total, want, r.Len)
		}
	}
}

func TestRedisDifferential(t *testing.T) {
	rc := redistest.Start(t).Dial(t)
	r := rand.New(rand.NewSource(redistest.Seed(t, "LCS_TEST_SEED")))

	// Fixed cases first: the documentation example and the corner cases.
	fixed := []lcsCase{
		{"ohmytext", "mynewtext", 4},
		{"ohmytext", "mynewtext", 0},
		{"ohmytext", "mynewtext", -3},
		{"", "", 0},
		{"abc", "", 1},
		{"ab", "ba", 0},
		{"ba", "ab", 0},
		{"aaa", "a", 0},
		{"a", "aaa", 0},
		{"\x00\xff", "\xff\x00\xff", 2},
	}
	checkBatch(t, rc, fixed)

	alphabets := []string{"ab", "abc", "abcd", "ab\x00\xff"}
	matches, multi := 0, 0
	const batches, perBatch = 60, 100
	for batch := 0; batch < batches && !t.Failed(); batch++ {
		cases := make([]lcsCase, perBatch)
		for i := range cases {
			alpha := alphabets[r.Intn(len(alphabets))]
			cases[i] = lcsCase{
				a:      randomString(r, alpha, 14),
				b:      randomString(r, alpha, 14),
				minLen: r.Intn(6) - 1,
			}
			res := Compute(cases[i].a, cases[i].b)
			matches += len(res.Matches)
			if len(res.Matches) > 1 {
				multi++
			}
		}
		checkBatch(t, rc, cases)
	}
	t.Logf("%d random pairs, %d matches, %d pairs with several matches", batches*perBatch, matches, multi)
	if multi < batches*perBatch/4 {
		t.Errorf("only %d pairs had several matches: the generator is too weak", multi)
	}
}

// TestRedisTableLimit checks that Redis refuses exactly when TableBytes
// exceeds proto-max-bulk-len.
func TestRedisTableLimit(t *testing.T) {
	rc := redistest.Start(t).Dial(t)
	const limit = 1 << 20
	if v := rc.Do(t, "CONFIG", "SET", "proto-max-bulk-len", strconv.Itoa(limit)); v != "OK" {
		t.Fatalf("CONFIG SET: %v", v)
	}
	for _, sz := range [][2]int{{511, 511}, {512, 511}, {1000, 200}, {1000, 300}} {
		rc.Send("SET", "a", strings.Repeat("x", sz[0]))
		rc.Send("SET", "b", strings.Repeat("y", sz[1]))
		rc.Send("LCS", "a", "b", "LEN")
		var v any
		for i := 0; i < 3; i++ {
			v = rc.Receive(t)
		}
		_, refused := v.(redistest.ReplyError)
		if want := TableBytes(sz[0], sz[1]) > limit; refused != want {
			t.Errorf("lengths %v: redis refused=%v (%v), TableBytes=%d > %d is %v",
				sz, refused, v, TableBytes(sz[0], sz[1]), limit, want)
		}
	}
}

// atLeast returns the matches that IDX reports with MINMATCHLEN minLen:
// those whose Len is at least minLen, in the same order.
func atLeast(ms []Match, minLen int) []Match {
	out := []Match{}
	for _, m := range ms {
		if m.Len >= minLen {
			out = append(out, m)
		}
	}
	return out
}
