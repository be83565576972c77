package embedis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tests of the sorted-set Go API: what the differential tests against
// redis-server (internal/workload/zset.go) cannot see — typed results and
// errors, blocking pops through the Store, the write-effect stream, and a
// large set against a model.

// zs formats members with scores so that -0, +Inf and -Inf are told apart.
func zs(z []Z) string {
	var b strings.Builder
	for i, m := range z {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s:%v", m.Member, m.Score)
	}
	return b.String()
}

// zsetIs fails the test unless the sorted set at key holds want, written
// as zs writes it ("" for no key).
func zsetIs(t *testing.T, s *Store, key, want string) {
	t.Helper()
	got := zs(must[[]Z](t)(s.ZRangeWithScores(ctx, key, 0, -1)))
	if got != want {
		t.Fatalf("%s = %q, want %q", key, got, want)
	}
	if want == "" {
		if n := must[int64](t)(s.Exists(ctx, key)); n != 0 {
			t.Fatalf("%s exists while empty", key)
		}
	}
}

func TestZAddOptions(t *testing.T) {
	s, _ := openTest(t)
	if n := must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"})); n != 3 {
		t.Fatalf("ZAdd = %d", n)
	}
	// Updating scores counts nothing without Ch; a repeated member counts once.
	if n := must[int64](t)(s.ZAdd(ctx, "z", Z{10, "a"}, Z{4, "d"}, Z{5, "d"})); n != 1 {
		t.Fatalf("ZAdd update+new = %d", n)
	}
	zsetIs(t, s, "z", "b:2 c:3 d:5 a:10")

	for _, tc := range []struct {
		name string
		args ZAddArgs
		n    int64
		want string
	}{
		{"NX adds only new", ZAddArgs{NX: true, Members: []Z{{0, "a"}, {6, "e"}}}, 1, "b:2 c:3 d:5 e:6 a:10"},
		{"XX updates only existing", ZAddArgs{XX: true, Members: []Z{{1, "b"}, {7, "f"}}}, 0, "b:1 c:3 d:5 e:6 a:10"},
		{"XX Ch counts updates", ZAddArgs{XX: true, Ch: true, Members: []Z{{2, "b"}, {3, "c"}}}, 1, "b:2 c:3 d:5 e:6 a:10"},
		{"GT only raises, still adds", ZAddArgs{GT: true, Ch: true, Members: []Z{{1, "b"}, {4, "c"}, {8, "g"}}}, 2, "b:2 c:4 d:5 e:6 g:8 a:10"},
		{"LT only lowers, still adds", ZAddArgs{LT: true, Members: []Z{{9, "b"}, {0, "c"}, {-1, "h"}}}, 1, "h:-1 c:0 b:2 d:5 e:6 g:8 a:10"},
		{"GT XX", ZAddArgs{GT: true, XX: true, Ch: true, Members: []Z{{11, "a"}, {100, "new"}}}, 1, "h:-1 c:0 b:2 d:5 e:6 g:8 a:11"},
		{"Ch without change", ZAddArgs{Ch: true, Members: []Z{{11, "a"}}}, 0, "h:-1 c:0 b:2 d:5 e:6 g:8 a:11"},
		{"no members", ZAddArgs{Ch: true}, 0, "h:-1 c:0 b:2 d:5 e:6 g:8 a:11"},
	} {
		n, err := s.ZAddArgs(ctx, "z", tc.args)
		if err != nil || n != tc.n {
			t.Errorf("%s: ZAddArgs = %d, %v; want %d", tc.name, n, err, tc.n)
		}
		if got := zs(must[[]Z](t)(s.ZRangeWithScores(ctx, "z", 0, -1))); got != tc.want {
			t.Errorf("%s: set = %q, want %q", tc.name, got, tc.want)
		}
	}
	// XX on a missing key leaves it missing.
	if n, err := s.ZAddArgs(ctx, "nokey", ZAddArgs{XX: true, Members: []Z{{1, "a"}}}); n != 0 || err != nil {
		t.Errorf("XX on a missing key = %d, %v", n, err)
	}
	zsetIs(t, s, "nokey", "")

	// Incompatible options: Redis's texts, matching ErrSyntax.
	before := zs(must[[]Z](t)(s.ZRangeWithScores(ctx, "z", 0, -1)))
	for _, tc := range []struct {
		args ZAddArgs
		text string
	}{
		{ZAddArgs{NX: true, XX: true}, "ERR XX and NX options at the same time are not compatible"},
		{ZAddArgs{NX: true, GT: true}, "ERR GT, LT, and/or NX options at the same time are not compatible"},
		{ZAddArgs{NX: true, LT: true}, "ERR GT, LT, and/or NX options at the same time are not compatible"},
		{ZAddArgs{GT: true, LT: true}, "ERR GT, LT, and/or NX options at the same time are not compatible"},
	} {
		tc.args.Members = []Z{{99, "a"}, {99, "zz"}}
		_, err := s.ZAddArgs(ctx, "z", tc.args)
		if err == nil || err.Error() != tc.text || !errors.Is(err, ErrSyntax) {
			t.Errorf("ZAddArgs %+v = %v; want %q (ErrSyntax)", tc.args, err, tc.text)
		}
		// The same on a missing key: nothing is created.
		if _, err := s.ZAddArgs(ctx, "nokey", tc.args); err == nil {
			t.Errorf("ZAddArgs %+v on a missing key succeeded", tc.args)
		}
	}
	zsetIs(t, s, "z", before)
	zsetIs(t, s, "nokey", "")

	// Wrong type.
	s.Set(ctx, "str", "v", 0)
	if _, err := s.ZAdd(ctx, "str", Z{1, "a"}); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZAdd on a string = %v", err)
	}
	if v := must[string](t)(s.Get(ctx, "str")); v != "v" {
		t.Errorf("string changed to %q", v)
	}
}

// TestZSetPipeline: the variadic ZAdd through a Pipeline (its generated
// wrapper once type-asserted the []Z to a Z and panicked).
func TestZSetPipeline(t *testing.T) {
	s, _ := openTest(t)
	p := s.Pipeline()
	add := p.ZAdd("z", Z{2, "b"}, Z{1, "a"})
	incr := p.ZIncrBy("z", 0.5, "a")
	pop := p.ZPopMax("z", 1)
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if n := must[int64](t)(add.Result()); n != 2 {
		t.Errorf("ZAdd = %d", n)
	}
	if v := must[float64](t)(incr.Result()); v != 1.5 {
		t.Errorf("ZIncrBy = %v", v)
	}
	if got := zs(must[[]Z](t)(pop.Result())); got != "b:2" {
		t.Errorf("ZPopMax = %q", got)
	}
	zsetIs(t, s, "z", "a:1.5")
}

func TestZAddNaNLeavesSetUnchanged(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{math.Inf(1), "b"}))
	nan := math.NaN()
	for name, op := range map[string]func() error{
		"ZAdd":       func() error { _, err := s.ZAdd(ctx, "z", Z{5, "c"}, Z{nan, "d"}); return err },
		"ZAdd first": func() error { _, err := s.ZAdd(ctx, "z", Z{nan, "a"}); return err },
		"ZAddArgs Ch": func() error {
			_, err := s.ZAddArgs(ctx, "z", ZAddArgs{Ch: true, Members: []Z{{2, "a"}, {nan, "x"}}})
			return err
		},
		"ZAddArgsIncr": func() error { _, err := s.ZAddArgsIncr(ctx, "z", ZAddArgs{Members: []Z{{nan, "a"}}}); return err },
		"ZIncrBy":      func() error { _, err := s.ZIncrBy(ctx, "z", nan, "a"); return err },
		"ZAdd new key": func() error { _, err := s.ZAdd(ctx, "new", Z{1, "a"}, Z{nan, "b"}); return err },
	} {
		if err := op(); !errors.Is(err, ErrNotFloat) {
			t.Errorf("%s with a NaN score = %v, want ErrNotFloat", name, err)
		}
	}
	zsetIs(t, s, "z", "a:1 b:+Inf")
	zsetIs(t, s, "new", "")
}

func TestZAddIncrAndZIncrBy(t *testing.T) {
	s, _ := openTest(t)
	incr := func(a ZAddArgs) (float64, error) { return s.ZAddArgsIncr(ctx, "z", a) }
	one := func(sc float64, m string) []Z { return []Z{{sc, m}} }
	if v, err := incr(ZAddArgs{Members: one(1.5, "a")}); v != 1.5 || err != nil {
		t.Fatalf("INCR on a new member = %v, %v", v, err)
	}
	if v, err := incr(ZAddArgs{Members: one(2, "a")}); v != 3.5 || err != nil {
		t.Fatalf("INCR = %v, %v", v, err)
	}
	for _, tc := range []struct {
		name string
		args ZAddArgs
	}{
		{"NX on an existing member", ZAddArgs{NX: true, Members: one(1, "a")}},
		{"XX on a missing member", ZAddArgs{XX: true, Members: one(1, "b")}},
		{"GT lowering", ZAddArgs{GT: true, Members: one(-1, "a")}},
		{"GT by zero", ZAddArgs{GT: true, Members: one(0, "a")}},
		{"LT raising", ZAddArgs{LT: true, Members: one(1, "a")}},
	} {
		if v, err := incr(tc.args); err != ErrNotFound || v != 0 {
			t.Errorf("%s: %v, %v; want ErrNotFound", tc.name, v, err)
		}
	}
	zsetIs(t, s, "z", "a:3.5")
	if v, err := incr(ZAddArgs{NX: true, Members: one(-2, "b")}); v != -2 || err != nil {
		t.Errorf("NX on a new member = %v, %v", v, err)
	}
	if v, err := incr(ZAddArgs{GT: true, XX: true, Members: one(1, "b")}); v != -1 || err != nil {
		t.Errorf("GT XX raising = %v, %v", v, err)
	}
	if v, err := incr(ZAddArgs{LT: true, Members: one(-1, "a")}); v != 2.5 || err != nil {
		t.Errorf("LT lowering = %v, %v", v, err)
	}
	// XX INCR on a missing key: ErrNotFound and no key.
	if _, err := s.ZAddArgsIncr(ctx, "nokey", ZAddArgs{XX: true, Members: one(1, "a")}); err != ErrNotFound {
		t.Errorf("XX INCR on a missing key = %v", err)
	}
	zsetIs(t, s, "nokey", "")
	// One pair only.
	if _, err := incr(ZAddArgs{Members: []Z{{1, "a"}, {1, "b"}}}); err == nil ||
		err.Error() != "ERR INCR option supports a single increment-element pair" || !errors.Is(err, ErrSyntax) {
		t.Errorf("INCR with two pairs = %v", err)
	}
	if _, err := incr(ZAddArgs{}); err == nil {
		t.Error("INCR with no pair succeeded")
	}
	// +inf plus -inf.
	if v, err := incr(ZAddArgs{Members: one(math.Inf(1), "inf")}); !math.IsInf(v, 1) || err != nil {
		t.Fatalf("INCR +inf = %v, %v", v, err)
	}
	if _, err := incr(ZAddArgs{Members: one(math.Inf(-1), "inf")}); err != ErrScoreNaN {
		t.Errorf("+inf INCR -inf = %v, want ErrScoreNaN", err)
	}
	if _, err := s.ZIncrBy(ctx, "z", math.Inf(-1), "inf"); err != ErrScoreNaN || err.Error() != "ERR resulting score is not a number (NaN)" {
		t.Errorf("ZIncrBy +inf by -inf = %v, want ErrScoreNaN", err)
	}
	zsetIs(t, s, "z", "b:-1 a:2.5 inf:+Inf")

	// ZIncrBy: creates key and member, adds, keeps infinities.
	if v := must[float64](t)(s.ZIncrBy(ctx, "k", 2, "m")); v != 2 {
		t.Errorf("ZIncrBy new = %v", v)
	}
	if v := must[float64](t)(s.ZIncrBy(ctx, "k", -0.5, "m")); v != 1.5 {
		t.Errorf("ZIncrBy = %v", v)
	}
	if v := must[float64](t)(s.ZIncrBy(ctx, "k", math.Inf(-1), "m")); !math.IsInf(v, -1) {
		t.Errorf("ZIncrBy -inf = %v", v)
	}
	if v := must[float64](t)(s.ZIncrBy(ctx, "k", 1e308, "m")); !math.IsInf(v, -1) {
		t.Errorf("ZIncrBy on -inf = %v", v)
	}
	zsetIs(t, s, "k", "m:-Inf")
	s.Set(ctx, "str", "v", 0)
	if _, err := s.ZIncrBy(ctx, "str", 1, "m"); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZIncrBy on a string = %v", err)
	}
}

func TestZScoreRankNotFound(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}, Z{2, "c"}, Z{-0.5, "d"}))
	s.Set(ctx, "str", "v", 0)
	if v := must[float64](t)(s.ZScore(ctx, "z", "d")); v != -0.5 {
		t.Errorf("ZScore = %v", v)
	}
	for _, tc := range []struct {
		m         string
		rank, rev int64
	}{{"d", 0, 3}, {"a", 1, 2}, {"b", 2, 1}, {"c", 3, 0}} {
		if r := must[int64](t)(s.ZRank(ctx, "z", tc.m)); r != tc.rank {
			t.Errorf("ZRank %s = %d", tc.m, r)
		}
		if r := must[int64](t)(s.ZRevRank(ctx, "z", tc.m)); r != tc.rev {
			t.Errorf("ZRevRank %s = %d", tc.m, r)
		}
	}
	for _, key := range []string{"z", "nokey"} {
		if _, err := s.ZScore(ctx, key, "x"); err != ErrNotFound {
			t.Errorf("ZScore %s/x = %v", key, err)
		}
		if _, err := s.ZRank(ctx, key, "x"); err != ErrNotFound {
			t.Errorf("ZRank %s/x = %v", key, err)
		}
		if _, err := s.ZRevRank(ctx, key, "x"); err != ErrNotFound {
			t.Errorf("ZRevRank %s/x = %v", key, err)
		}
	}
	for _, err := range []error{
		func() error { _, err := s.ZScore(ctx, "str", "a"); return err }(),
		func() error { _, err := s.ZRank(ctx, "str", "a"); return err }(),
		func() error { _, err := s.ZRevRank(ctx, "str", "a"); return err }(),
		func() error { _, err := s.ZMScore(ctx, "str", "a"); return err }(),
		func() error { _, err := s.ZCard(ctx, "str"); return err }(),
	} {
		if !errors.Is(err, ErrWrongType) {
			t.Errorf("on a string: %v", err)
		}
	}
	// ZMScore: nil holes for missing members, all nil for a missing key.
	got := must[[]*float64](t)(s.ZMScore(ctx, "z", "a", "x", "c", "a"))
	if len(got) != 4 || got[0] == nil || *got[0] != 1 || got[1] != nil || got[2] == nil || *got[2] != 2 || got[3] == nil || *got[3] != 1 {
		t.Errorf("ZMScore = %v", got)
	}
	got = must[[]*float64](t)(s.ZMScore(ctx, "nokey", "a", "b"))
	if len(got) != 2 || got[0] != nil || got[1] != nil {
		t.Errorf("ZMScore of a missing key = %v", got)
	}
	if n := must[int64](t)(s.ZCard(ctx, "z")); n != 4 {
		t.Errorf("ZCard = %d", n)
	}
	if n := must[int64](t)(s.ZCard(ctx, "nokey")); n != 0 {
		t.Errorf("ZCard of a missing key = %d", n)
	}
}

func TestZRangeForms(t *testing.T) {
	s, _ := openTest(t)
	// Scores 1..6 for a..f, and lex members with equal scores.
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"}, Z{5, "e"}, Z{math.Inf(1), "f"}))
	must[int64](t)(s.ZAdd(ctx, "lex", Z{0, "a"}, Z{0, "b"}, Z{0, "c"}, Z{0, "d"}, Z{0, "e"}))
	for _, tc := range []struct {
		args ZRangeArgs
		want string
	}{
		{ZRangeArgs{Key: "z", Start: "0", Stop: "-1"}, "a b c d e f"},
		{ZRangeArgs{Key: "z", Start: "-2", Stop: "-1"}, "e f"},
		{ZRangeArgs{Key: "z", Start: "1", Stop: "2", Rev: true}, "e d"},
		{ZRangeArgs{Key: "z", Start: "5", Stop: "100"}, "f"},
		{ZRangeArgs{Key: "z", Start: "3", Stop: "1"}, ""},
		{ZRangeArgs{Key: "z", Start: "(1", Stop: "3", ByScore: true}, "b c"},
		{ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true}, "a b c d e f"},
		{ZRangeArgs{Key: "z", Start: "(5", Stop: "inf", ByScore: true}, "f"},
		{ZRangeArgs{Key: "z", Start: "+inf", Stop: "(1", ByScore: true, Rev: true}, "f e d c b"},
		{ZRangeArgs{Key: "z", Start: "(1", Stop: "+inf", ByScore: true, Rev: true}, ""},
		{ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Offset: 1, Count: 2}, "b c"},
		{ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Offset: 4, Count: -1}, "e f"},
		{ZRangeArgs{Key: "z", Start: "+inf", Stop: "-inf", ByScore: true, Rev: true, Offset: 1, Count: 2}, "e d"},
		{ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Offset: 6, Count: 2}, ""},
		{ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Offset: -1, Count: 2}, ""},
		{ZRangeArgs{Key: "z", Start: "-inf", Stop: "+inf", ByScore: true, Offset: 0, Count: 0}, "a b c d e f"}, // both 0: no LIMIT
		{ZRangeArgs{Key: "lex", Start: "[b", Stop: "(d", ByLex: true}, "b c"},
		{ZRangeArgs{Key: "lex", Start: "-", Stop: "+", ByLex: true, Offset: 1, Count: 3}, "b c d"},
		{ZRangeArgs{Key: "lex", Start: "+", Stop: "(b", ByLex: true, Rev: true}, "e d c"},
		{ZRangeArgs{Key: "lex", Start: "[e", Stop: "-", ByLex: true, Rev: true, Offset: 3, Count: 10}, "b a"},
		{ZRangeArgs{Key: "nokey", Start: "0", Stop: "-1"}, ""},
		// As Redis 7.0, a rank range refuses a LIMIT only when its count is
		// not -1 ("ZRANGE z 0 -1 LIMIT 2 -1" is ZRANGE z 0 -1).
		{ZRangeArgs{Key: "z", Start: "0", Stop: "-1", Offset: 2, Count: -1}, "a b c d e f"},
		// "(" alone is an exclusive 0, as strtod reads "" in Redis.
		{ZRangeArgs{Key: "z", Start: "(", Stop: "+inf", ByScore: true}, "a b c d e f"},
		{ZRangeArgs{Key: "z", Start: "[a", Stop: "(", ByScore: false, ByLex: true}, ""},
	} {
		got, err := s.ZRangeArgs(ctx, tc.args)
		if err != nil || strings.Join(got, " ") != tc.want {
			t.Errorf("ZRangeArgs %+v = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	if got := zs(must[[]Z](t)(s.ZRangeArgsWithScores(ctx, ZRangeArgs{Key: "z", Start: "4", Stop: "+inf", ByScore: true}))); got != "d:4 e:5 f:+Inf" {
		t.Errorf("ZRangeArgsWithScores = %q", got)
	}
	for _, tc := range []struct {
		args ZRangeArgs
		want error
		text string
	}{
		{ZRangeArgs{Key: "z", Start: "0", Stop: "-1", Offset: 1, Count: 1}, ErrSyntax, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"},
		{ZRangeArgs{Key: "z", Start: "0", Stop: "-1", ByScore: true, ByLex: true}, ErrSyntax, "ERR syntax error"},
		{ZRangeArgs{Key: "z", Start: "x", Stop: "1", ByScore: true}, ErrNotFloat, "ERR min or max is not a float"},
		{ZRangeArgs{Key: "z", Start: "((1", Stop: "1", ByScore: true}, ErrNotFloat, "ERR min or max is not a float"},
		{ZRangeArgs{Key: "z", Start: "a", Stop: "+", ByLex: true}, ErrSyntax, "ERR min or max not valid string range item"},
		{ZRangeArgs{Key: "z", Start: "a", Stop: "1"}, ErrNotInteger, "ERR value is not an integer or out of range"},
	} {
		_, err := s.ZRangeArgs(ctx, tc.args)
		if !errors.Is(err, tc.want) || err.Error() != tc.text {
			t.Errorf("ZRangeArgs %+v = %v; want %q", tc.args, err, tc.text)
		}
	}
	s.Set(ctx, "str", "v", 0)
	if _, err := s.ZRangeArgs(ctx, ZRangeArgs{Key: "str", Start: "0", Stop: "-1"}); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZRangeArgs on a string = %v", err)
	}

	// The older forms: ZRangeBy's Min and Max keep their meaning in reverse.
	by := ZRangeBy{Min: "(1", Max: "5"}
	if got := must[[]string](t)(s.ZRangeByScore(ctx, "z", by)); strings.Join(got, " ") != "b c d e" {
		t.Errorf("ZRangeByScore = %q", got)
	}
	if got := must[[]string](t)(s.ZRevRangeByScore(ctx, "z", by)); strings.Join(got, " ") != "e d c b" {
		t.Errorf("ZRevRangeByScore = %q", got)
	}
	by.Offset, by.Count = 1, 2
	if got := must[[]string](t)(s.ZRevRangeByScore(ctx, "z", by)); strings.Join(got, " ") != "d c" {
		t.Errorf("ZRevRangeByScore LIMIT 1 2 = %q", got)
	}
	if got := zs(must[[]Z](t)(s.ZRangeByScoreWithScores(ctx, "z", by))); got != "c:3 d:4" {
		t.Errorf("ZRangeByScoreWithScores LIMIT 1 2 = %q", got)
	}
	if got := zs(must[[]Z](t)(s.ZRevRangeByScoreWithScores(ctx, "z", ZRangeBy{Min: "-inf", Max: "+inf", Count: 1}))); got != "f:+Inf" {
		t.Errorf("ZRevRangeByScoreWithScores LIMIT 0 1 = %q", got)
	}
	if got := must[[]string](t)(s.ZRangeByLex(ctx, "lex", ZRangeBy{Min: "(a", Max: "[c"})); strings.Join(got, " ") != "b c" {
		t.Errorf("ZRangeByLex = %q", got)
	}
	if got := must[[]string](t)(s.ZRevRangeByLex(ctx, "lex", ZRangeBy{Min: "(a", Max: "[c"})); strings.Join(got, " ") != "c b" {
		t.Errorf("ZRevRangeByLex = %q", got)
	}
	if got := must[[]string](t)(s.ZRevRange(ctx, "z", 0, 1)); strings.Join(got, " ") != "f e" {
		t.Errorf("ZRevRange = %q", got)
	}
	if got := zs(must[[]Z](t)(s.ZRevRangeWithScores(ctx, "z", -1, -1))); got != "a:1" {
		t.Errorf("ZRevRangeWithScores = %q", got)
	}
	if _, err := s.ZRangeByScore(ctx, "z", ZRangeBy{Min: "nan", Max: "1"}); !errors.Is(err, ErrNotFloat) {
		t.Errorf("ZRangeByScore nan = %v", err)
	}
	// ZCount and ZLexCount.
	for _, tc := range []struct {
		min, max string
		n        int64
	}{{"-inf", "+inf", 6}, {"(1", "(5", 3}, {"5", "1", 0}, {"inf", "inf", 1}, {"(inf", "inf", 0}} {
		if n := must[int64](t)(s.ZCount(ctx, "z", tc.min, tc.max)); n != tc.n {
			t.Errorf("ZCount %s %s = %d, want %d", tc.min, tc.max, n, tc.n)
		}
	}
	if n := must[int64](t)(s.ZLexCount(ctx, "lex", "(a", "[d")); n != 3 {
		t.Errorf("ZLexCount = %d", n)
	}
	if _, err := s.ZCount(ctx, "z", "x", "1"); !errors.Is(err, ErrNotFloat) {
		t.Errorf("ZCount x = %v", err)
	}
	if _, err := s.ZLexCount(ctx, "lex", "a", "+"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ZLexCount a = %v", err)
	}
}

func TestZRangeStoreAndZRemRange(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"}, Z{5, "e"}))
	s.Set(ctx, "dst", "a string", time.Hour)
	if n := must[int64](t)(s.ZRangeStore(ctx, "dst", ZRangeArgs{Key: "z", Start: "+inf", Stop: "2", ByScore: true, Rev: true, Offset: 1, Count: 2})); n != 2 {
		t.Fatalf("ZRangeStore = %d", n)
	}
	zsetIs(t, s, "dst", "c:3 d:4")
	// The destination was replaced, its time to live with it.
	if ttl := must[time.Duration](t)(s.TTL(ctx, "dst")); ttl != -1 {
		t.Errorf("TTL of the stored range = %v", ttl)
	}
	// An empty selection deletes the destination.
	if n := must[int64](t)(s.ZRangeStore(ctx, "dst", ZRangeArgs{Key: "z", Start: "10", Stop: "20", ByScore: true})); n != 0 {
		t.Errorf("empty ZRangeStore = %d", n)
	}
	zsetIs(t, s, "dst", "")
	if _, err := s.ZRangeStore(ctx, "dst", ZRangeArgs{Key: "z", Start: "0", Stop: "1", Count: 1}); !errors.Is(err, ErrSyntax) {
		t.Errorf("ZRangeStore with rank LIMIT = %v", err)
	}

	if n := must[int64](t)(s.ZRemRangeByRank(ctx, "z", -2, -1)); n != 2 {
		t.Errorf("ZRemRangeByRank = %d", n)
	}
	zsetIs(t, s, "z", "a:1 b:2 c:3")
	if n := must[int64](t)(s.ZRemRangeByRank(ctx, "z", 5, 10)); n != 0 {
		t.Errorf("ZRemRangeByRank out of range = %d", n)
	}
	if n := must[int64](t)(s.ZRemRangeByScore(ctx, "z", "(1", "2")); n != 1 {
		t.Errorf("ZRemRangeByScore = %d", n)
	}
	zsetIs(t, s, "z", "a:1 c:3")
	if _, err := s.ZRemRangeByScore(ctx, "z", "1", "x"); !errors.Is(err, ErrNotFloat) {
		t.Errorf("ZRemRangeByScore x = %v", err)
	}
	if n := must[int64](t)(s.ZRemRangeByScore(ctx, "z", "-inf", "+inf")); n != 2 {
		t.Errorf("ZRemRangeByScore all = %d", n)
	}
	zsetIs(t, s, "z", "")
	must[int64](t)(s.ZAdd(ctx, "lex", Z{0, "a"}, Z{0, "b"}, Z{0, "c"}, Z{0, "d"}))
	if n := must[int64](t)(s.ZRemRangeByLex(ctx, "lex", "(a", "[c")); n != 2 {
		t.Errorf("ZRemRangeByLex = %d", n)
	}
	zsetIs(t, s, "lex", "a:0 d:0")
	if _, err := s.ZRemRangeByLex(ctx, "lex", "a", "c"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ZRemRangeByLex without brackets = %v", err)
	}
	if n := must[int64](t)(s.ZRemRangeByLex(ctx, "lex", "-", "+")); n != 2 {
		t.Errorf("ZRemRangeByLex all = %d", n)
	}
	zsetIs(t, s, "lex", "")
	for _, f := range []func() (int64, error){
		func() (int64, error) { return s.ZRemRangeByRank(ctx, "nokey", 0, -1) },
		func() (int64, error) { return s.ZRemRangeByScore(ctx, "nokey", "-inf", "inf") },
		func() (int64, error) { return s.ZRemRangeByLex(ctx, "nokey", "-", "+") },
		func() (int64, error) { return s.ZRem(ctx, "nokey", "a") },
	} {
		if n, err := f(); n != 0 || err != nil {
			t.Errorf("on a missing key: %d, %v", n, err)
		}
	}
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}))
	if n := must[int64](t)(s.ZRem(ctx, "z", "a", "x", "a")); n != 1 {
		t.Errorf("ZRem = %d", n)
	}
	if n := must[int64](t)(s.ZRem(ctx, "z", "b")); n != 1 {
		t.Errorf("ZRem last = %d", n)
	}
	zsetIs(t, s, "z", "")
}

func TestZPopAndZMPop(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"}, Z{5, "e"}))
	if got := must[[]Z](t)(s.ZPopMin(ctx, "z", 0)); got == nil || len(got) != 0 {
		t.Errorf("ZPopMin count 0 = %#v", got)
	}
	if _, err := s.ZPopMin(ctx, "z", -1); !errors.Is(err, ErrNotInteger) || err.Error() != "ERR value is out of range, must be positive" {
		t.Errorf("ZPopMin -1 = %v", err)
	}
	if _, err := s.ZPopMax(ctx, "z", -1); !errors.Is(err, ErrNotInteger) {
		t.Errorf("ZPopMax -1 = %v", err)
	}
	if got := zs(must[[]Z](t)(s.ZPopMin(ctx, "z", 2))); got != "a:1 b:2" {
		t.Errorf("ZPopMin 2 = %q", got)
	}
	if got := zs(must[[]Z](t)(s.ZPopMax(ctx, "z", 1))); got != "e:5" {
		t.Errorf("ZPopMax 1 = %q", got)
	}
	if got := zs(must[[]Z](t)(s.ZPopMax(ctx, "z", math.MaxInt64))); got != "d:4 c:3" {
		t.Errorf("ZPopMax all = %q", got)
	}
	zsetIs(t, s, "z", "")
	if got := must[[]Z](t)(s.ZPopMin(ctx, "z", 1)); got == nil || len(got) != 0 {
		t.Errorf("ZPopMin of a missing key = %#v", got)
	}

	// ZMPop: the first non-empty key; ErrNotFound when all are empty.
	must[int64](t)(s.ZAdd(ctx, "z2", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}))
	k, got, err := s.ZMPop(ctx, "max", 2, "nokey", "z2")
	if err != nil || k != "z2" || zs(got) != "c:3 b:2" {
		t.Errorf("ZMPop MAX 2 = %q %q %v", k, zs(got), err)
	}
	k, got, err = s.ZMPop(ctx, "MIN", 10, "z2", "nokey")
	if err != nil || k != "z2" || zs(got) != "a:1" {
		t.Errorf("ZMPop MIN 10 = %q %q %v", k, zs(got), err)
	}
	zsetIs(t, s, "z2", "")
	if _, _, err := s.ZMPop(ctx, "MIN", 1, "z2", "nokey"); err != ErrNotFound {
		t.Errorf("ZMPop of empty keys = %v", err)
	}
	s.Set(ctx, "str", "v", 0)
	for _, tc := range []struct {
		order string
		count int64
		keys  []string
		want  error
	}{
		{"MIN", 1, []string{"nokey", "str"}, ErrWrongType},
		{"LEFT", 1, []string{"z"}, ErrSyntax},
		{"MIN", 0, []string{"z"}, ErrCountNotPositive},
		{"MIN", 1, nil, ErrNumKeys},
	} {
		if _, _, err := s.ZMPop(ctx, tc.order, tc.count, tc.keys...); !errors.Is(err, tc.want) {
			t.Errorf("ZMPop %v = %v, want %v", tc, err, tc.want)
		}
	}
	if _, err := s.ZPopMin(ctx, "str", 1); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZPopMin of a string = %v", err)
	}
}

func TestZRandMember(t *testing.T) {
	s, _ := openTest(t)
	for _, n := range []int{5, 300} { // listpack-sized and larger
		key := "z" + strconv.Itoa(n)
		want := map[string]float64{}
		var add []Z
		for i := 0; i < n; i++ {
			m := "m" + strconv.Itoa(i)
			want[m] = float64(i) / 2
			add = append(add, Z{float64(i) / 2, m})
		}
		must[int64](t)(s.ZAdd(ctx, key, add...))
		for _, count := range []int64{1, 2, int64(n) - 1, int64(n), int64(n) + 10} {
			got := must[[]Z](t)(s.ZRandMemberWithScores(ctx, key, count))
			if int64(len(got)) != min(count, int64(n)) {
				t.Errorf("%s: ZRandMemberWithScores(%d) gave %d", key, count, len(got))
			}
			seen := map[string]bool{}
			for _, z := range got {
				if sc, ok := want[z.Member]; !ok || sc != z.Score || seen[z.Member] {
					t.Errorf("%s: ZRandMemberWithScores(%d) gave %v (foreign, wrong score or repeated)", key, count, z)
				}
				seen[z.Member] = true
			}
		}
		// Negative: exactly -count, repeats allowed (and bound to happen).
		got := must[[]string](t)(s.ZRandMember(ctx, key, -3*int64(n)))
		if len(got) != 3*n {
			t.Errorf("%s: ZRandMember(-%d) gave %d", key, 3*n, len(got))
		}
		distinct := map[string]bool{}
		for _, m := range got {
			if _, ok := want[m]; !ok {
				t.Errorf("%s: foreign member %q", key, m)
			}
			distinct[m] = true
		}
		if len(distinct) == len(got) {
			t.Errorf("%s: %d draws of %d members never repeated", key, len(got), n)
		}
		// Every member comes up over enough draws.
		reached := map[string]bool{}
		for i := 0; i < 100 && len(reached) < n; i++ {
			for _, m := range must[[]string](t)(s.ZRandMember(ctx, key, int64(n)/2)) {
				reached[m] = true
			}
		}
		if len(reached) != n {
			t.Errorf("%s: reached %d of %d members", key, len(reached), n)
		}
	}
	for _, count := range []int64{1, -1, 0} {
		got, err := s.ZRandMember(ctx, "nokey", count)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("ZRandMember(nokey, %d) = %#v, %v", count, got, err)
		}
	}
	if got, err := s.ZRandMember(ctx, "z5", 0); err != nil || len(got) != 0 {
		t.Errorf("ZRandMember count 0 = %q, %v", got, err)
	}
	if _, err := s.ZRandMember(ctx, "z5", math.MinInt64); !errors.Is(err, ErrNotInteger) {
		t.Errorf("ZRandMember MinInt64 = %v", err)
	}
	s.Set(ctx, "str", "v", 0)
	if _, err := s.ZRandMember(ctx, "str", 1); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZRandMember of a string = %v", err)
	}
}

func TestZUnionInterDiff(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.ZAdd(ctx, "z1", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}))
	must[int64](t)(s.ZAdd(ctx, "z2", Z{10, "b"}, Z{20, "c"}, Z{30, "d"}))
	must[int64](t)(s.ZAdd(ctx, "zinf", Z{math.Inf(1), "a"}, Z{math.Inf(-1), "b"}))
	must[int64](t)(s.SAdd(ctx, "set", "a", "d", "x"))
	s.Set(ctx, "str", "v", 0)
	wz := func(f func() ([]Z, error)) string {
		z, err := f()
		if err != nil {
			return "error: " + err.Error()
		}
		return zs(z)
	}
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"union", wz(func() ([]Z, error) { return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}}) }), "a:1 b:12 c:23 d:30"},
		{"union weights", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}, Weights: []float64{2, -1}})
		}), "d:-30 c:-14 b:-6 a:2"},
		{"union MIN", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}, Aggregate: "min"})
		}), "a:1 b:2 c:3 d:30"},
		{"union MAX", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}, Aggregate: "MAX"})
		}), "a:1 b:10 c:20 d:30"},
		{"union with a set (score 1)", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "set"}, Weights: []float64{1, 5}})
		}), "b:2 c:3 d:5 x:5 a:6"},
		{"union with a missing key", wz(func() ([]Z, error) { return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"nokey", "z1"}}) }), "a:1 b:2 c:3"},
		{"inter", wz(func() ([]Z, error) { return s.ZInterWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}}) }), "b:12 c:23"},
		{"inter MAX weights", wz(func() ([]Z, error) {
			return s.ZInterWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}, Weights: []float64{100, 1}, Aggregate: "max"})
		}), "b:200 c:300"},
		{"inter with a set", wz(func() ([]Z, error) { return s.ZInterWithScores(ctx, ZStore{Keys: []string{"set", "z2"}}) }), "d:31"},
		{"inter with a missing key", wz(func() ([]Z, error) { return s.ZInterWithScores(ctx, ZStore{Keys: []string{"z1", "nokey"}}) }), ""},
		// inf × 0 is 0, inf + -inf is 0 (as Redis).
		{"inf weight 0", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"zinf", "z1"}, Weights: []float64{0, 1}})
		}), "a:1 b:2 c:3"},
		{"inf + -inf", wz(func() ([]Z, error) {
			return s.ZInterWithScores(ctx, ZStore{Keys: []string{"zinf", "zinf"}, Weights: []float64{1, -1}})
		}), "a:0 b:0"},
		{"inf weights MIN", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}, Weights: []float64{math.Inf(1), 0}, Aggregate: "MIN"})
		}), "b:0 c:0 d:0 a:+Inf"},
		{"inf weights MAX", wz(func() ([]Z, error) {
			return s.ZInterWithScores(ctx, ZStore{Keys: []string{"zinf", "z1"}, Weights: []float64{0, math.Inf(-1)}, Aggregate: "MAX"})
		}), "a:0 b:0"},
		{"diff", wz(func() ([]Z, error) { return s.ZDiffWithScores(ctx, "z1", "z2") }), "a:1"},
		{"diff with a set", wz(func() ([]Z, error) { return s.ZDiffWithScores(ctx, "z2", "set") }), "b:10 c:20"},
		{"diff of a set", wz(func() ([]Z, error) { return s.ZDiffWithScores(ctx, "set", "z1") }), "d:1 x:1"},
		{"diff of a missing key", wz(func() ([]Z, error) { return s.ZDiffWithScores(ctx, "nokey", "z1") }), ""},
		{"union with a string", wz(func() ([]Z, error) { return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "str"}}) }), "error: " + ErrWrongType.Error()},
		{"inter with a string after a missing key", wz(func() ([]Z, error) {
			return s.ZInterWithScores(ctx, ZStore{Keys: []string{"nokey", "str"}})
		}), "error: " + ErrWrongType.Error()},
		{"diff with a string", wz(func() ([]Z, error) { return s.ZDiffWithScores(ctx, "z1", "str") }), "error: " + ErrWrongType.Error()},
		{"weights of the wrong length", wz(func() ([]Z, error) {
			return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1", "z2"}, Weights: []float64{1}})
		}), "error: ERR syntax error"},
		{"bad aggregate", wz(func() ([]Z, error) { return s.ZUnionWithScores(ctx, ZStore{Keys: []string{"z1"}, Aggregate: "AVG"}) }), "error: ERR syntax error"},
		{"no keys", wz(func() ([]Z, error) { return s.ZInterWithScores(ctx, ZStore{}) }), "error: " + ErrNumKeys.Error()},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if got := must[[]string](t)(s.ZUnion(ctx, ZStore{Keys: []string{"z1", "z2"}})); strings.Join(got, " ") != "a b c d" {
		t.Errorf("ZUnion = %q", got)
	}
	if got := must[[]string](t)(s.ZInter(ctx, ZStore{Keys: []string{"z2", "z1"}})); strings.Join(got, " ") != "b c" {
		t.Errorf("ZInter = %q", got)
	}
	if got := must[[]string](t)(s.ZDiff(ctx, "z2", "z1")); strings.Join(got, " ") != "d" {
		t.Errorf("ZDiff = %q", got)
	}

	// The STORE forms replace the destination (any type, its TTL too) and
	// delete it when the result is empty.
	s.Set(ctx, "dst", "v", time.Hour)
	if n := must[int64](t)(s.ZUnionStore(ctx, "dst", ZStore{Keys: []string{"z1", "set"}, Aggregate: "MAX"})); n != 5 {
		t.Errorf("ZUnionStore = %d", n)
	}
	zsetIs(t, s, "dst", "a:1 d:1 x:1 b:2 c:3")
	if ttl := must[time.Duration](t)(s.TTL(ctx, "dst")); ttl != -1 {
		t.Errorf("TTL after ZUnionStore = %v", ttl)
	}
	if n := must[int64](t)(s.ZInterStore(ctx, "dst", ZStore{Keys: []string{"z1", "z2", "dst"}})); n != 2 {
		t.Errorf("ZInterStore with the destination as input = %d", n)
	}
	zsetIs(t, s, "dst", "b:14 c:26")
	if n := must[int64](t)(s.ZDiffStore(ctx, "dst2", "z2", "z1")); n != 1 {
		t.Errorf("ZDiffStore = %d", n)
	}
	zsetIs(t, s, "dst2", "d:30")
	for name, f := range map[string]func() (int64, error){
		"ZUnionStore": func() (int64, error) { return s.ZUnionStore(ctx, "dst", ZStore{Keys: []string{"nokey"}}) },
		"ZInterStore": func() (int64, error) { return s.ZInterStore(ctx, "dst", ZStore{Keys: []string{"z1", "nokey"}}) },
		"ZDiffStore":  func() (int64, error) { return s.ZDiffStore(ctx, "dst", "z1", "z1") },
	} {
		must[int64](t)(s.ZAdd(ctx, "dst", Z{1, "old"}))
		if n, err := f(); n != 0 || err != nil {
			t.Errorf("empty %s = %d, %v", name, n, err)
		}
		zsetIs(t, s, "dst", "")
	}
	// A failed STORE leaves the destination alone.
	must[int64](t)(s.ZAdd(ctx, "dst", Z{1, "old"}))
	if _, err := s.ZUnionStore(ctx, "dst", ZStore{Keys: []string{"z1", "str"}}); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZUnionStore with a string = %v", err)
	}
	zsetIs(t, s, "dst", "old:1")

	// ZInterCard with and without a limit.
	for _, tc := range []struct {
		limit int64
		keys  []string
		n     int64
	}{
		{0, []string{"z1", "z2"}, 2}, {1, []string{"z1", "z2"}, 1}, {5, []string{"z1", "z2"}, 2},
		{0, []string{"z1", "set"}, 1}, {0, []string{"z1", "nokey"}, 0}, {0, []string{"z1"}, 3},
	} {
		if n, err := s.ZInterCard(ctx, tc.limit, tc.keys...); n != tc.n || err != nil {
			t.Errorf("ZInterCard %d %q = %d, %v; want %d", tc.limit, tc.keys, n, err, tc.n)
		}
	}
	if _, err := s.ZInterCard(ctx, -1, "z1"); err == nil || err.Error() != "ERR LIMIT can't be negative" {
		t.Errorf("ZInterCard -1 = %v", err)
	}
	if _, err := s.ZInterCard(ctx, 0, "z1", "str"); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZInterCard with a string = %v", err)
	}
}

func TestZScanSmallAndLarge(t *testing.T) {
	s, _ := openTest(t)
	// A small set: everything at once, in order, cursor 0 whatever is asked.
	must[int64](t)(s.ZAdd(ctx, "small", Z{2, "b"}, Z{1.5, "a"}, Z{0.1, "c"}, Z{math.Inf(-1), "d"}, Z{3, "bb"}))
	got, cur, err := s.ZScan(ctx, "small", 0, "", 1)
	want := "d -inf c 0.10000000000000001 a 1.5 b 2 bb 3"
	if err != nil || cur != 0 || strings.Join(got, " ") != want {
		t.Errorf("ZScan small = %q, %d, %v; want %q", got, cur, err, want)
	}
	got, cur, _ = s.ZScan(ctx, "small", 99, "b*", 0)
	if cur != 0 || strings.Join(got, " ") != "b 2 bb 3" {
		t.Errorf("ZScan small MATCH b* = %q, %d", got, cur)
	}
	got, cur, err = s.ZScan(ctx, "nokey", 7, "", 10)
	if err != nil || cur != 0 || got == nil || len(got) != 0 {
		t.Errorf("ZScan missing = %#v, %d, %v", got, cur, err)
	}
	s.Set(ctx, "str", "v", 0)
	if _, _, err := s.ZScan(ctx, "str", 0, "", 10); !errors.Is(err, ErrWrongType) {
		t.Errorf("ZScan of a string = %v", err)
	}

	// A large set, changing between calls: every member present for the
	// whole iteration comes back, with its score as Redis formats it.
	const n = 5000
	scoreOf := func(i int) float64 {
		switch i % 5 {
		case 0:
			return float64(i)
		case 1:
			return float64(i) + 0.5
		case 2:
			return -float64(i) / 10
		case 3:
			return math.Inf(1)
		}
		return 1e20
	}
	formatted := func(i int) string {
		switch i % 5 {
		case 0:
			return strconv.Itoa(i)
		case 1:
			return strconv.Itoa(i) + ".5"
		case 2:
			return strconv.FormatFloat(-float64(i)/10, 'g', 17, 64)
		case 3:
			return "inf"
		}
		return "1e+20"
	}
	var add []Z
	for i := 0; i < n; i++ {
		add = append(add, Z{scoreOf(i), "m" + strconv.Itoa(i)})
	}
	must[int64](t)(s.ZAdd(ctx, "big", add...))
	seen := map[string]string{}
	cursor, calls, extra := uint64(0), 0, 0
	for {
		page, next, err := s.ZScan(ctx, "big", cursor, "", 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(page)%2 != 0 {
			t.Fatalf("ZScan page of odd length %d", len(page))
		}
		for i := 0; i < len(page); i += 2 {
			seen[page[i]] = page[i+1]
		}
		calls++
		// Grow by more than a page returns, so the table rehashes under the
		// cursor, and remove some of the originals (m<odd> over 4000) and
		// some of the added ones.
		var grow []Z
		for j := 0; j < 15; j++ {
			grow = append(grow, Z{float64(extra), "x" + strconv.Itoa(extra)})
			extra++
		}
		must[int64](t)(s.ZAdd(ctx, "big", grow...))
		if calls < 500 {
			must[int64](t)(s.ZRem(ctx, "big", "m"+strconv.Itoa(4001+2*calls), "x"+strconv.Itoa(extra-20)))
		}
		if cursor = next; cursor == 0 {
			break
		}
		if calls > 100*n {
			t.Fatal("ZSCAN does not finish")
		}
	}
	for i := 0; i < n; i++ {
		m := "m" + strconv.Itoa(i)
		if i > 4000 && i%2 == 1 && i <= 4001+2*500 {
			continue // removed during the iteration
		}
		v, ok := seen[m]
		if !ok {
			t.Fatalf("ZSCAN missed %q (present for the whole iteration)", m)
		}
		if v != formatted(i) {
			t.Errorf("ZSCAN gave %s score %q, want %q", m, v, formatted(i))
		}
	}
	t.Logf("%d calls; the set went from %d to %d members", calls, n, must[int64](t)(s.ZCard(ctx, "big")))
	// MATCH over the whole large set.
	var matched []string
	for cursor := uint64(0); ; {
		page, next, err := s.ZScan(ctx, "big", cursor, "m12?", 100)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(page); i += 2 {
			matched = append(matched, page[i])
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	sort.Strings(matched)
	matched = slices.Compact(matched)
	if strings.Join(matched, " ") != "m120 m121 m122 m123 m124 m125 m126 m127 m128 m129" {
		t.Errorf("ZScan MATCH m12? = %q", matched)
	}
}

// The blocking pops through the Store; the synchronisation is that of
// blocking_test.go (waitBlocked on Stats().Blocked).

func TestBZPopServedByZAdd(t *testing.T) {
	s, _ := openTest(t)
	type res struct {
		z   ZWithKey
		err error
	}
	minCh, maxCh := make(chan res, 1), make(chan res, 1)
	go func() { z, err := s.BZPopMin(ctx, "empty", "zmin"); minCh <- res{z, err} }()
	waitBlocked(t, s, 1)
	go func() { z, err := s.BZPopMax(ctx, "zmax"); maxCh <- res{z, err} }()
	waitBlocked(t, s, 2)
	must[int64](t)(s.ZAdd(ctx, "zmin", Z{3, "c"}, Z{1, "a"}, Z{2, "b"}))
	if r := <-minCh; r.err != nil || r.z.Key != "zmin" || r.z.Member != "a" || r.z.Score != 1 {
		t.Errorf("BZPopMin = %+v, %v", r.z, r.err)
	}
	must[int64](t)(s.ZAdd(ctx, "zmax", Z{3, "c"}, Z{math.Inf(1), "top"}))
	if r := <-maxCh; r.err != nil || r.z.Key != "zmax" || r.z.Member != "top" || !math.IsInf(r.z.Score, 1) {
		t.Errorf("BZPopMax = %+v, %v", r.z, r.err)
	}
	zsetIs(t, s, "zmin", "b:2 c:3")
	zsetIs(t, s, "zmax", "c:3")

	// BZMPop: waits, then pops up to count from the key that got members.
	type mres struct {
		key string
		zs  []Z
		err error
	}
	mch := make(chan mres, 1)
	go func() { k, z, err := s.BZMPop(ctx, "MAX", 2, "e1", "e2"); mch <- mres{k, z, err} }()
	waitBlocked(t, s, 1)
	must[int64](t)(s.ZAdd(ctx, "e2", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}))
	if r := <-mch; r.err != nil || r.key != "e2" || zs(r.zs) != "c:3 b:2" {
		t.Errorf("BZMPop = %q %q %v", r.key, zs(r.zs), r.err)
	}
	// With data: no waiting.
	k, z, err := s.BZMPop(ctx, "min", 5, "e1", "e2")
	if err != nil || k != "e2" || zs(z) != "a:1" {
		t.Errorf("BZMPop with data = %q %q %v", k, zs(z), err)
	}
	zsetIs(t, s, "e2", "")
	if zk, err := s.BZPopMin(ctx, "zmin"); err != nil || zk.Member != "b" {
		t.Errorf("BZPopMin with data = %+v, %v", zk, err)
	}
	for _, tc := range []struct {
		order string
		count int64
		keys  []string
		want  error
	}{{"UP", 1, []string{"k"}, ErrSyntax}, {"MIN", 0, []string{"k"}, ErrCountNotPositive}, {"MIN", 1, nil, ErrNumKeys}} {
		if _, _, err := s.BZMPop(ctx, tc.order, tc.count, tc.keys...); !errors.Is(err, tc.want) {
			t.Errorf("BZMPop %v = %v", tc, err)
		}
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("%d callers still blocked", n)
	}
}

func TestBZPopWaitersInOrder(t *testing.T) {
	s, _ := openTest(t)
	results := make([]chan ZWithKey, 2)
	for i := range results {
		results[i] = make(chan ZWithKey, 1)
		go func(ch chan ZWithKey) {
			z, err := s.BZPopMin(ctx, "z1", "z2")
			if err != nil {
				t.Error(err)
			}
			ch <- z
		}(results[i])
		waitBlocked(t, s, int64(i+1)) // each blocks before the next
	}
	// One ZADD of two members serves both waiters, the first one first.
	must[int64](t)(s.ZAdd(ctx, "z2", Z{2, "b"}, Z{1, "a"}))
	for i, want := range []string{"a", "b"} {
		if z := <-results[i]; z.Key != "z2" || z.Member != want {
			t.Fatalf("waiter %d got %+v, want z2/%s", i, z, want)
		}
	}
	zsetIs(t, s, "z2", "")
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("%d callers still blocked", n)
	}
	// One member for two waiters: the first gets it, the second waits on.
	for i := range results {
		go func(ch chan ZWithKey) {
			z, err := s.BZPopMax(ctx, "z3")
			if err != nil {
				t.Error(err)
			}
			ch <- z
		}(results[i])
		waitBlocked(t, s, int64(i+1))
	}
	must[int64](t)(s.ZAdd(ctx, "z3", Z{1, "first"}))
	if z := <-results[0]; z.Member != "first" {
		t.Fatalf("first waiter got %+v", z)
	}
	waitBlocked(t, s, 1)
	must[int64](t)(s.ZAdd(ctx, "z3", Z{1, "second"}))
	if z := <-results[1]; z.Member != "second" {
		t.Fatalf("second waiter got %+v", z)
	}
}

func TestBZPopContextAndWrongType(t *testing.T) {
	s, _ := openTest(t)
	c, cancel := context.WithCancel(ctx)
	errs := make(chan error, 3)
	go func() { _, err := s.BZPopMin(c, "z"); errs <- err }()
	go func() { _, err := s.BZPopMax(c, "z"); errs <- err }()
	go func() { _, _, err := s.BZMPop(c, "MIN", 1, "z"); errs <- err }()
	waitBlocked(t, s, 3)
	cancel()
	for i := 0; i < 3; i++ {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Errorf("canceled blocking pop = %v", err)
		}
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("canceled waiters still registered: %d", n)
	}
	c2, cancel2 := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel2()
	if _, err := s.BZPopMin(c2, "z"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("BZPopMin past its deadline = %v", err)
	}
	must[int64](t)(s.ZAdd(ctx, "z", Z{1, "a"})) // nobody waits: the member stays
	zsetIs(t, s, "z", "a:1")

	s.Set(ctx, "str", "v", 0)
	if _, err := s.BZPopMin(ctx, "nokey", "str", "z"); !errors.Is(err, ErrWrongType) {
		t.Errorf("BZPopMin reaching a string = %v", err)
	}
	if _, err := s.BZPopMax(ctx, "str"); !errors.Is(err, ErrWrongType) {
		t.Errorf("BZPopMax of a string = %v", err)
	}
	if _, _, err := s.BZMPop(ctx, "MAX", 1, "str"); !errors.Is(err, ErrWrongType) {
		t.Errorf("BZMPop of a string = %v", err)
	}
	// Data before the string: served without looking further.
	if z, err := s.BZPopMin(ctx, "z", "str"); err != nil || z.Member != "a" {
		t.Errorf("BZPopMin with data before a string = %+v, %v", z, err)
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("%d blocked", n)
	}
}

// TestBZPopZAddInsideAUnit: a member added and popped again inside one
// Atomic unit wakes nobody; one left at the end of the unit is served after
// it.
func TestBZPopZAddInsideAUnit(t *testing.T) {
	s, _ := openTest(t)
	done := make(chan ZWithKey, 1)
	go func() {
		z, err := s.BZPopMin(ctx, "z")
		if err != nil {
			t.Error(err)
		}
		done <- z
	}()
	waitBlocked(t, s, 1)
	err := s.Atomic(ctx, func(tx *Tx) error {
		if _, err := tx.ZAdd("z", Z{1, "stolen"}); err != nil {
			return err
		}
		_, err := tx.ZPopMin("z", 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := blockedCount(t, s); n != 1 {
		t.Fatalf("the waiter was woken for a member popped in the same unit (%d blocked)", n)
	}
	zsetIs(t, s, "z", "")
	err = s.Atomic(ctx, func(tx *Tx) error {
		tx.ZAdd("z", Z{2, "second"}, Z{1, "first"})
		if st, _ := tx.Stats(); st.Blocked != 1 {
			return fmt.Errorf("served before the unit ended")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if z := <-done; z.Member != "first" || z.Score != 1 {
		t.Fatalf("waiter got %+v", z)
	}
	zsetIs(t, s, "z", "second:2")
}

// effectRecorder opens a store whose write-effect units are collected.
func effectRecorder(t *testing.T) (*Store, func() [][][]string) {
	t.Helper()
	var mu sync.Mutex
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { mu.Lock(); units = append(units, u); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, func() [][][]string { mu.Lock(); defer mu.Unlock(); return slices.Clone(units) }
}

// replayAndCompare replays units into a fresh store and checks that every
// key listed holds the same sorted set (scores compared exactly, -0 and
// infinities included) and that both stores hold the same keys.
func replayAndCompare(t *testing.T, orig *Store, units [][][]string, keys ...string) {
	t.Helper()
	replica, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	if err := replica.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		a := must[[]Z](t)(orig.ZRangeWithScores(ctx, k, 0, -1))
		b := must[[]Z](t)(replica.ZRangeWithScores(ctx, k, 0, -1))
		same := len(a) == len(b)
		for i := 0; same && i < len(a); i++ {
			same = a[i].Member == b[i].Member && math.Float64bits(a[i].Score) == math.Float64bits(b[i].Score)
		}
		if !same {
			t.Errorf("%s: original %q, replayed %q", k, zs(a), zs(b))
		}
	}
	compareSnapshots(t, snapshot(t, orig), snapshot(t, replica))
}

func TestZSetEffectsReplay(t *testing.T) {
	s, units := effectRecorder(t)
	negZero := math.Copysign(0, -1)
	long := strings.Repeat("L", zsetMaxListpackValue+1) // makes a skiplist, which keeps -0
	inf := math.Inf(1)
	must[int64](t)(s.ZAdd(ctx, "small", Z{negZero, "nz"}, Z{inf, "pinf"}, Z{-inf, "ninf"}, Z{1.5, "a"}))
	must[int64](t)(s.ZAdd(ctx, "big", Z{1, long}, Z{negZero, "nz"}, Z{inf, "pinf"}, Z{-inf, "ninf"}, Z{0.1, "a"}, Z{2, "b"}, Z{3, "c"}))
	must[int64](t)(s.ZAddArgs(ctx, "big", ZAddArgs{GT: true, Members: []Z{{5, "b"}, {0, "c"}}}))
	must[float64](t)(s.ZIncrBy(ctx, "big", negZero, "nz2"))
	must[float64](t)(s.ZIncrBy(ctx, "big", 0.2, "a"))
	must[float64](t)(s.ZIncrBy(ctx, "small", -inf, "ninf"))
	must[float64](t)(s.ZAddArgsIncr(ctx, "big", ZAddArgs{XX: true, Members: []Z{{1, "c"}}}))
	must[int64](t)(s.ZRem(ctx, "big", "pinf", "missing"))
	if got := zs(must[[]Z](t)(s.ZPopMin(ctx, "big", 1))); got != "ninf:-Inf" {
		t.Fatalf("ZPopMin = %q", got)
	}
	must[int64](t)(s.ZRemRangeByScore(ctx, "big", "(3", "5"))
	must[int64](t)(s.ZUnionStore(ctx, "u", ZStore{Keys: []string{"big", "small"}, Weights: []float64{-1, 1}, Aggregate: "MIN"}))
	must[int64](t)(s.ZUnionStore(ctx, "u2", ZStore{Keys: []string{"big"}, Weights: []float64{inf}}))
	must[int64](t)(s.ZAdd(ctx, "gone", Z{1, "x"}))
	must[int64](t)(s.ZUnionStore(ctx, "gone", ZStore{Keys: []string{"nokey"}}))

	// A served BZPopMin is recorded as the pop.
	got := make(chan ZWithKey, 1)
	go func() {
		z, err := s.BZPopMin(ctx, "w")
		if err != nil {
			t.Error(err)
		}
		got <- z
	}()
	waitBlocked(t, s, 1)
	must[int64](t)(s.ZAdd(ctx, "w", Z{negZero, "x"}, Z{inf, "y"}, Z{1, long}))
	if z := <-got; z.Member != "x" {
		t.Fatalf("BZPopMin = %+v", z)
	}
	for _, k := range []string{"small", "big", "u", "u2", "w"} {
		t.Logf("%s = %s", k, zs(must[[]Z](t)(s.ZRangeWithScores(ctx, k, 0, -1))))
	}
	// The -0 scores of the skiplist survive (and so the comparison below
	// means something).
	if sc := must[float64](t)(s.ZScore(ctx, "big", "nz2")); !math.Signbit(sc) {
		t.Fatalf("big/nz2 = %v, want -0", sc)
	}
	if sc := must[float64](t)(s.ZScore(ctx, "small", "nz")); math.Signbit(sc) {
		t.Fatalf("small/nz = -0: a listpack-sized set keeps 0")
	}
	replayAndCompare(t, s, units(), "small", "big", "u", "u2", "w", "gone")
}

// TestZSetEffectsReplayStoreNegZero: the result of a *STORE command that
// is too large for a listpack keeps -0 scores; the recorded ZADD must
// rebuild them.
func TestZSetEffectsReplayStoreNegZero(t *testing.T) {
	s, units := effectRecorder(t)
	negZero := math.Copysign(0, -1)
	var add []Z
	for i := 0; i < zsetMaxListpackEntries+10; i++ {
		add = append(add, Z{float64(i + 1), "m" + strconv.Itoa(i)})
	}
	must[int64](t)(s.ZAdd(ctx, "src", add...))
	must[int64](t)(s.ZAdd(ctx, "src", Z{negZero, "nz"})) // a skiplist by now: -0 stays
	must[int64](t)(s.ZUnionStore(ctx, "dst", ZStore{Keys: []string{"src"}}))
	must[int64](t)(s.ZRangeStore(ctx, "dst2", ZRangeArgs{Key: "src", Start: "0", Stop: "-1"}))
	if sc := must[float64](t)(s.ZScore(ctx, "dst", "nz")); !math.Signbit(sc) {
		t.Fatalf("dst/nz = %v, want -0", sc)
	}
	replayAndCompare(t, s, units(), "src", "dst", "dst2")
}

// TestZSetBigAgainstModel: 200,000 members in random order through a
// Pipeline; ranks, pages and counts agree with a sorted slice, before and
// after removing half.
func TestZSetBigAgainstModel(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 7))
	s, _ := openTest(t)
	model := make([]Z, n)
	for i := range model {
		// Few distinct scores, so many ties ordered by member.
		model[i] = Z{float64(r.IntN(n/8)) / 4, fmt.Sprintf("m%07d", r.IntN(1<<30))}
	}
	// Members must be unique.
	slices.SortFunc(model, func(a, b Z) int { return strings.Compare(a.Member, b.Member) })
	model = slices.CompactFunc(model, func(a, b Z) bool { return a.Member == b.Member })
	r.Shuffle(len(model), func(i, j int) { model[i], model[j] = model[j], model[i] })
	p := s.Pipeline()
	var adds []Result[int64]
	for i := 0; i < len(model); i += 1000 {
		adds = append(adds, p.ZAdd("big", model[i:min(i+1000, len(model))]...))
	}
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, a := range adds {
		total += must[int64](t)(a.Result())
	}
	if total != int64(len(model)) {
		t.Fatalf("added %d of %d", total, len(model))
	}
	less := func(a, b Z) bool { return a.Score < b.Score || a.Score == b.Score && a.Member < b.Member }
	check := func(model []Z) {
		t.Helper()
		sort.Slice(model, func(i, j int) bool { return less(model[i], model[j]) })
		size := len(model)
		if c := must[int64](t)(s.ZCard(ctx, "big")); c != int64(size) {
			t.Fatalf("ZCard = %d, want %d", c, size)
		}
		for k := 0; k < 300; k++ {
			i := r.IntN(size)
			if k < 2 {
				i = k * (size - 1) // both ends
			}
			if rk := must[int64](t)(s.ZRank(ctx, "big", model[i].Member)); rk != int64(i) {
				t.Fatalf("ZRank %s = %d, want %d", model[i].Member, rk, i)
			}
			if rk := must[int64](t)(s.ZRevRank(ctx, "big", model[i].Member)); rk != int64(size-1-i) {
				t.Fatalf("ZRevRank %s = %d, want %d", model[i].Member, rk, size-1-i)
			}
		}
		for k := 0; k < 100; k++ {
			start := r.IntN(size)
			stop := start + r.IntN(200)
			page := must[[]Z](t)(s.ZRangeWithScores(ctx, "big", int64(start), int64(stop)))
			want := model[start:min(stop+1, size)]
			if !slices.Equal(page, want) {
				t.Fatalf("ZRange %d %d differs from the model", start, stop)
			}
			rev := must[[]string](t)(s.ZRevRange(ctx, "big", int64(start), int64(stop)))
			for j, m := range rev {
				if m != model[size-1-start-j].Member {
					t.Fatalf("ZRevRange %d %d: [%d] = %s, want %s", start, stop, j, m, model[size-1-start-j].Member)
				}
			}
		}
		for k := 0; k < 200; k++ {
			lo := float64(r.IntN(n/8+10)-5) / 4
			hi := lo + float64(r.IntN(n/8))/4
			loEx, hiEx := r.IntN(2) == 0, r.IntN(2) == 0
			first := sort.Search(size, func(i int) bool {
				if loEx {
					return model[i].Score > lo
				}
				return model[i].Score >= lo
			})
			end := sort.Search(size, func(i int) bool {
				if hiEx {
					return model[i].Score >= hi
				}
				return model[i].Score > hi
			})
			want := max(end-first, 0)
			bound := func(v float64, ex bool) string {
				s := strconv.FormatFloat(v, 'g', -1, 64)
				if ex {
					return "(" + s
				}
				return s
			}
			minS, maxS := bound(lo, loEx), bound(hi, hiEx)
			if c := must[int64](t)(s.ZCount(ctx, "big", minS, maxS)); c != int64(want) {
				t.Fatalf("ZCount %s %s = %d, want %d", minS, maxS, c, want)
			}
			// The same range with a LIMIT.
			if want > 0 {
				off := r.IntN(want)
				got := must[[]Z](t)(s.ZRangeByScoreWithScores(ctx, "big", ZRangeBy{Min: minS, Max: maxS, Offset: int64(off), Count: 50}))
				if !slices.Equal(got, model[first+off:min(first+off+50, end)]) {
					t.Fatalf("ZRangeByScore %s %s LIMIT %d 50 differs from the model", minS, maxS, off)
				}
			}
		}
	}
	check(model)

	// Remove half, chosen at random, in one Atomic unit.
	r.Shuffle(len(model), func(i, j int) { model[i], model[j] = model[j], model[i] })
	half := len(model) / 2
	gone := model[half:]
	err := s.Atomic(ctx, func(tx *Tx) error {
		for i := 0; i < len(gone); i += 500 {
			ms := make([]string, 0, 500)
			for _, z := range gone[i:min(i+500, len(gone))] {
				ms = append(ms, z.Member)
			}
			if n, err := tx.ZRem("big", ms...); err != nil || n != int64(len(ms)) {
				return fmt.Errorf("ZRem = %d, %v", n, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	model = model[:half]
	check(model)
	for _, z := range gone[:100] {
		if _, err := s.ZScore(ctx, "big", z.Member); err != ErrNotFound {
			t.Fatalf("removed %s still has a score (%v)", z.Member, err)
		}
	}
}

func ExampleStore_ZAdd() {
	s, _ := Open(Options{})
	defer s.Close()
	ctx := context.Background()

	s.ZAdd(ctx, "scores", Z{Score: 120, Member: "alice"}, Z{Score: 95.5, Member: "bob"}, Z{Score: 120, Member: "carol"})
	n, _ := s.ZAddArgs(ctx, "scores", ZAddArgs{GT: true, Ch: true, Members: []Z{{Score: 100, Member: "bob"}, {Score: 90, Member: "alice"}}})
	fmt.Println("changed:", n)
	top, _ := s.ZRevRangeWithScores(ctx, "scores", 0, -1)
	for _, z := range top {
		fmt.Println(z.Member, z.Score)
	}
	r, _ := s.ZRank(ctx, "scores", "bob")
	_, err := s.ZRank(ctx, "scores", "dave")
	fmt.Println("bob's rank:", r, errors.Is(err, ErrNotFound))
	// Output:
	// changed: 1
	// carol 120
	// alice 120
	// bob 100
	// bob's rank: 0 true
}

func ExampleStore_ZRangeArgs() {
	s, _ := Open(Options{})
	defer s.Close()
	ctx := context.Background()

	s.ZAdd(ctx, "z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"})
	byScore, _ := s.ZRangeArgs(ctx, ZRangeArgs{Key: "z", Start: "(1", Stop: "+inf", ByScore: true, Offset: 1, Count: 2})
	rev, _ := s.ZRangeArgs(ctx, ZRangeArgs{Key: "z", Start: "+inf", Stop: "-inf", ByScore: true, Rev: true, Count: 2})
	_, err := s.ZRangeArgs(ctx, ZRangeArgs{Key: "z", Start: "0", Stop: "-1", Count: 2})
	fmt.Println(byScore, rev)
	fmt.Println(err)
	// Output:
	// [c d] [d c]
	// ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
}

func ExampleStore_ZUnionStore() {
	s, _ := Open(Options{})
	defer s.Close()
	ctx := context.Background()

	s.ZAdd(ctx, "week1", Z{10, "alice"}, Z{5, "bob"})
	s.ZAdd(ctx, "week2", Z{3, "bob"}, Z{7, "carol"})
	s.SAdd(ctx, "bonus", "carol") // a plain set: each member counts 1
	n, _ := s.ZUnionStore(ctx, "total", ZStore{Keys: []string{"week1", "week2", "bonus"}, Weights: []float64{1, 1, 10}})
	total, _ := s.ZRangeWithScores(ctx, "total", 0, -1)
	fmt.Println(n, total)
	// Output: 3 [{8 bob} {10 alice} {17 carol}]
}

func ExampleStore_BZPopMin() {
	s, _ := Open(Options{})
	defer s.Close()
	ctx := context.Background()

	jobs := make(chan ZWithKey)
	go func() {
		z, err := s.BZPopMin(ctx, "jobs:high", "jobs:low") // waits for a job
		if err != nil {
			panic(err)
		}
		jobs <- z
	}()
	for { // wait until the worker blocks (a program would just go on)
		if st, _ := s.Stats(ctx); st.Blocked == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	s.ZAdd(ctx, "jobs:low", Z{Score: 2, Member: "resize"}, Z{Score: 1, Member: "email"})
	z := <-jobs
	fmt.Println(z.Key, z.Member, z.Score)

	// With a deadline and nothing to pop, the context's error comes back.
	c, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err := s.BZPopMin(c, "jobs:high")
	fmt.Println(err)
	// Output:
	// jobs:low email 1
	// context deadline exceeded
}
