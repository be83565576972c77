package embedis

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// listIs fails the test unless the list at key holds want (nil: no key).
func listIs(t *testing.T, s *Store, key string, want ...string) {
	t.Helper()
	got := must[[]string](t)(s.LRange(ctx, key, 0, -1))
	if len(want) == 0 {
		if n := must[int64](t)(s.Exists(ctx, key)); n != 0 {
			t.Fatalf("%s exists holding %q; want it gone", key, got)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %q, want %q", key, got, want)
	}
}

func TestListBadInputLeavesDataUnchanged(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.RPush(ctx, "l", "a", "b", "c"))
	if ok := must[bool](t)(s.Expire(ctx, "l", time.Hour)); !ok {
		t.Fatal("Expire")
	}
	must[struct{}](t)(struct{}{}, s.Set(ctx, "str", "v", 0))
	for _, tc := range []struct {
		name string
		op   func() error
		want error
	}{
		{"LSET out of range", func() error { return s.LSet(ctx, "l", 3, "x") }, ErrIndexOutOfRange},
		{"LSET missing", func() error { return s.LSet(ctx, "nope", 0, "x") }, ErrNoSuchKey},
		{"LINSERT bad op", func() error { _, err := s.LInsert(ctx, "l", "AROUND", "a", "x"); return err }, ErrSyntax},
		{"LPOP negative count", func() error { _, err := s.LPopCount(ctx, "l", -1); return err }, ErrNotPositive},
		{"LPOS negative maxlen", func() error { _, err := s.LPos(ctx, "l", "a", LPosArgs{MaxLen: -1}); return err }, ErrNegativeMaxLen},
		{"LPOS negative count", func() error { _, err := s.LPosCount(ctx, "l", "a", -1, LPosArgs{}); return err }, ErrNegativeCount},
		{"LMOVE bad side", func() error { _, err := s.LMove(ctx, "l", "m", "LEFT", "UP"); return err }, ErrSyntax},
		{"LMOVE to a string", func() error { _, err := s.LMove(ctx, "l", "str", "LEFT", "LEFT"); return err }, ErrWrongType},
		{"RPOPLPUSH to a string", func() error { _, err := s.RPopLPush(ctx, "l", "str"); return err }, ErrWrongType},
		{"LMPOP bad direction", func() error { _, _, err := s.LMPop(ctx, "UP", 1, "l"); return err }, ErrSyntax},
		{"LMPOP count 0", func() error { _, _, err := s.LMPop(ctx, "LEFT", 0, "l"); return err }, ErrCountNotPositive},
		{"LMPOP string first", func() error { _, _, err := s.LMPop(ctx, "LEFT", 1, "str", "l"); return err }, ErrWrongType},
		{"LPUSH onto a string", func() error { _, err := s.LPush(ctx, "str", "x"); return err }, ErrWrongType},
		{"LREM on a string", func() error { _, err := s.LRem(ctx, "str", 0, "v"); return err }, ErrWrongType},
		{"LTRIM on a string", func() error { return s.LTrim(ctx, "str", 0, 0) }, ErrWrongType},
		{"LPUSH no values", func() error { _, err := s.LPush(ctx, "l"); return err }, ErrArity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.op(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			listIs(t, s, "l", "a", "b", "c")
			if ttl := must[time.Duration](t)(s.TTL(ctx, "l")); ttl <= 0 {
				t.Fatalf("TTL of l = %v after a failed command", ttl)
			}
			requireUnchanged(t, s, "str", "v")
			listIs(t, s, "m")
		})
	}
}

func TestLongList(t *testing.T) {
	s, _ := openTest(t)
	const n = 1_000_000
	batch := make([]string, 0, 10_000)
	for i := 0; i < n; i++ {
		batch = append(batch, strconv.Itoa(i))
		if len(batch) == cap(batch) {
			must[int64](t)(s.RPush(ctx, "big", batch...))
			batch = batch[:0]
		}
	}
	if got := must[int64](t)(s.LLen(ctx, "big")); got != n {
		t.Fatalf("LLen = %d", got)
	}
	for _, tc := range []struct {
		i    int64
		want int
	}{{0, 0}, {1, 1}, {-1, n - 1}, {-2, n - 2}, {127, 127}, {128, 128}, {-129, n - 129}, {n / 2, n / 2}} {
		if got := must[string](t)(s.LIndex(ctx, "big", tc.i)); got != strconv.Itoa(tc.want) {
			t.Fatalf("LIndex %d = %q, want %d", tc.i, got, tc.want)
		}
	}
	if _, err := s.LIndex(ctx, "big", n); err != ErrNotFound {
		t.Fatalf("LIndex past the end: %v", err)
	}
	head := must[[]string](t)(s.LRange(ctx, "big", 0, 2))
	tail := must[[]string](t)(s.LRange(ctx, "big", -3, -1))
	if !reflect.DeepEqual(head, []string{"0", "1", "2"}) || !reflect.DeepEqual(tail, []string{"999997", "999998", "999999"}) {
		t.Fatalf("LRange head %q tail %q", head, tail)
	}
	must[struct{}](t)(struct{}{}, s.LSet(ctx, "big", -1, "last"))
	must[struct{}](t)(struct{}{}, s.LTrim(ctx, "big", n-2, -1))
	listIs(t, s, "big", "999998", "last")
}

func TestListEmptiedIsRemoved(t *testing.T) {
	s, _ := openTest(t)
	for _, tc := range []struct {
		name string
		op   func()
	}{
		{"LPOP", func() { s.LPop(ctx, "k"); s.LPop(ctx, "k") }},
		{"RPOP count", func() { s.RPopCount(ctx, "k", 5) }},
		{"LREM", func() { s.LRem(ctx, "k", 0, "a"); s.LRem(ctx, "k", -1, "b") }},
		{"LTRIM", func() { s.LTrim(ctx, "k", 5, 10) }},
		{"LMOVE", func() { s.LMove(ctx, "k", "other", "LEFT", "RIGHT"); s.LMove(ctx, "k", "other", "RIGHT", "RIGHT") }},
		{"RPOPLPUSH", func() { s.RPopLPush(ctx, "k", "other"); s.RPopLPush(ctx, "k", "other") }},
		{"LMPOP", func() { s.LMPop(ctx, "RIGHT", 10, "nope", "k") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must[int64](t)(s.RPush(ctx, "k", "a", "b"))
			tc.op()
			listIs(t, s, "k")
			if typ := must[string](t)(s.Type(ctx, "k")); typ != "none" {
				t.Fatalf("TYPE = %q", typ)
			}
			s.Del(ctx, "other")
		})
	}
	// Count 0 on an existing list pops nothing; on a missing key it is nil.
	must[int64](t)(s.RPush(ctx, "k", "a"))
	if vs, err := s.LPopCount(ctx, "k", 0); err != nil || vs == nil || len(vs) != 0 {
		t.Fatalf("LPopCount 0 = %q, %v", vs, err)
	}
	if _, err := s.LPopCount(ctx, "nope", 0); err != ErrNotFound {
		t.Fatalf("LPopCount on a missing key: %v", err)
	}
	listIs(t, s, "k", "a")
}

func TestLMoveRotatesOneKey(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.RPush(ctx, "r", "1", "2", "3"))
	if v := must[string](t)(s.LMove(ctx, "r", "r", "LEFT", "RIGHT")); v != "1" {
		t.Fatalf("LMove = %q", v)
	}
	listIs(t, s, "r", "2", "3", "1")
	if v := must[string](t)(s.RPopLPush(ctx, "r", "r")); v != "1" {
		t.Fatalf("RPopLPush = %q", v)
	}
	listIs(t, s, "r", "1", "2", "3")
	must[string](t)(s.LMove(ctx, "r", "r", "left", "left"))
	listIs(t, s, "r", "1", "2", "3")
	// A one-element list rotated onto itself keeps its key and deadline.
	must[int64](t)(s.RPush(ctx, "one", "x"))
	s.Expire(ctx, "one", time.Hour)
	must[string](t)(s.LMove(ctx, "one", "one", "LEFT", "RIGHT"))
	listIs(t, s, "one", "x")
	if ttl := must[time.Duration](t)(s.TTL(ctx, "one")); ttl <= 0 {
		t.Fatalf("TTL after rotation = %v", ttl)
	}
	if _, err := s.LMove(ctx, "nope", "r", "LEFT", "LEFT"); err != ErrNotFound {
		t.Fatalf("LMove from a missing key: %v", err)
	}
}

func TestLPos(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.RPush(ctx, "q", "a", "b", "c", "1", "2", "3", "c", "c"))
	for _, tc := range []struct {
		a    LPosArgs
		want int64
		err  error
	}{
		{LPosArgs{}, 2, nil},
		{LPosArgs{Rank: 1}, 2, nil},
		{LPosArgs{Rank: 2}, 6, nil},
		{LPosArgs{Rank: -1}, 7, nil},
		{LPosArgs{Rank: -3}, 2, nil},
		{LPosArgs{Rank: 4}, 0, ErrNotFound},
		{LPosArgs{MaxLen: 2}, 0, ErrNotFound},
		{LPosArgs{MaxLen: 3}, 2, nil},
		{LPosArgs{Rank: -1, MaxLen: 1}, 7, nil},
		{LPosArgs{Rank: -3, MaxLen: 2}, 0, ErrNotFound},
	} {
		got, err := s.LPos(ctx, "q", "c", tc.a)
		if err != tc.err || (err == nil && got != tc.want) {
			t.Errorf("LPos %+v = %d, %v; want %d, %v", tc.a, got, err, tc.want, tc.err)
		}
	}
	for _, tc := range []struct {
		count int64
		a     LPosArgs
		want  []int64
	}{
		{0, LPosArgs{}, []int64{2, 6, 7}},
		{2, LPosArgs{}, []int64{2, 6}},
		{0, LPosArgs{Rank: -1}, []int64{7, 6, 2}},
		{1, LPosArgs{Rank: 2}, []int64{6}},
		{0, LPosArgs{Rank: 5}, []int64{}},
		{0, LPosArgs{MaxLen: 7}, []int64{2, 6}},
	} {
		got := must[[]int64](t)(s.LPosCount(ctx, "q", "c", tc.count, tc.a))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("LPosCount %d %+v = %v; want %v", tc.count, tc.a, got, tc.want)
		}
	}
	if _, err := s.LPos(ctx, "nope", "c", LPosArgs{}); err != ErrNotFound {
		t.Errorf("LPos on a missing key: %v", err)
	}
	if got := must[[]int64](t)(s.LPosCount(ctx, "nope", "c", 1, LPosArgs{})); len(got) != 0 || got == nil {
		t.Errorf("LPosCount on a missing key = %#v", got)
	}
}

func TestListEffects(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.RPush(ctx, "a", "1", "2", "3")
	s.LMPop(ctx, "LEFT", 5, "nope", "a")
	s.RPush(ctx, "b", "x")
	s.RPopLPush(ctx, "b", "c")
	s.LPop(ctx, "c")
	s.LPop(ctx, "c") // missing: no effect
	want := [][][]string{
		{{"SELECT", "0"}, {"RPUSH", "a", "1", "2", "3"}},
		{{"LPOP", "a", "3"}},
		{{"RPUSH", "b", "x"}},
		{{"LMOVE", "b", "c", "RIGHT", "LEFT"}},
		{{"LPOP", "c", "1"}},
	}
	if !reflect.DeepEqual(units, want) {
		t.Fatalf("effects\n got  %q\n want %q", units, want)
	}
}
