package embedis

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestSortGoAPI(t *testing.T) {
	s, _ := openTest(t)
	s.RPush(ctx, "l", "3", "1", "2", "10")
	s.HSet(ctx, "obj_1", "price", "30", "name", "one")
	s.HSet(ctx, "obj_2", "price", "20", "name", "two")
	s.Set(ctx, "w_3", "5", 0)
	cases := []struct {
		name string
		a    SortArgs
		want []string
	}{
		{"numbers", SortArgs{}, []string{"1", "2", "3", "10"}},
		{"desc", SortArgs{Desc: true}, []string{"10", "3", "2", "1"}},
		{"alpha", SortArgs{Alpha: true}, []string{"1", "10", "2", "3"}},
		{"limit", SortArgs{Offset: 1, Count: 2}, []string{"2", "3"}},
		{"limit negative count keeps the rest", SortArgs{Offset: 2, Count: -1}, []string{"3", "10"}},
		{"limit past the end", SortArgs{Offset: 9, Count: 1}, []string{}},
		// Missing weights count as 0 and tie, broken by the elements.
		{"by hash field", SortArgs{By: "obj_*->price"}, []string{"10", "3", "2", "1"}},
		{"by string", SortArgs{By: "w_*", Desc: true}, []string{"3", "2", "10", "1"}},
		{"nosort keeps list order", SortArgs{By: "nosort", Desc: true, Offset: 1, Count: 2}, []string{"2", "1"}},
		{"get", SortArgs{Get: []string{"#", "obj_*->name"}, Count: 2}, []string{"1", "one", "2", "two"}},
		// A missing GET value is "" in the Go result.
		{"get missing", SortArgs{Get: []string{"obj_*->name"}, Offset: 2, Count: -1}, []string{"", ""}},
		{"offset with count 0 is a LIMIT", SortArgs{Offset: 2}, []string{}},
	}
	for _, c := range cases {
		got, err := s.Sort(ctx, "l", c.a)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Sort = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if got, err := s.Sort(ctx, "nokey", SortArgs{}); err != nil || len(got) != 0 {
		t.Errorf("Sort of a missing key = %q, %v", got, err)
	}
	s.Set(ctx, "str", "x", 0)
	if _, err := s.Sort(ctx, "str", SortArgs{}); !errors.Is(err, ErrWrongType) {
		t.Errorf("Sort of a string = %v", err)
	}
	s.RPush(ctx, "words", "b", "a")
	if _, err := s.Sort(ctx, "words", SortArgs{}); !errors.Is(err, ErrSortScore) {
		t.Errorf("numeric Sort of words = %v", err)
	}
	if _, err := s.SortStore(ctx, "words", "dst", SortArgs{}); !errors.Is(err, ErrSortScore) {
		t.Errorf("numeric SortStore of words = %v", err)
	}
	if n, _ := s.Exists(ctx, "dst"); n != 0 {
		t.Error("a failed SortStore stored something")
	}
}

func TestSortStoreReplacesAndDeletes(t *testing.T) {
	s, _ := openTest(t)
	s.SAdd(ctx, "set", "b", "c", "a")
	s.Set(ctx, "dst", "old", time.Hour)
	// BY nosort on a set with STORE sorts with ALPHA: the stored list must
	// not depend on the set's hash table.
	n, err := s.SortStore(ctx, "set", "dst", SortArgs{By: "nosort"})
	if err != nil || n != 3 {
		t.Fatalf("SortStore = %d, %v", n, err)
	}
	if got, _ := s.LRange(ctx, "dst", 0, -1); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Fatalf("stored %q", got)
	}
	if d, _ := s.TTL(ctx, "dst"); d != TTLPersistent {
		t.Fatalf("the stored list kept the old TTL: %v", d)
	}
	var w Watch
	watch(s, &w, "dst")
	if n, err := s.SortStore(ctx, "set", "dst", SortArgs{Alpha: true, Offset: 5, Count: 1}); n != 0 || err != nil {
		t.Fatalf("empty SortStore = %d, %v", n, err)
	}
	if n, _ := s.Exists(ctx, "dst"); n != 0 {
		t.Fatal("an empty result did not delete the destination")
	}
	if !watchBroken(t, s, &w) {
		t.Fatal("deleting the destination did not break its WATCH")
	}
}

func TestSortStoreEffects(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Do(ctx, "RPUSH", "l", "2", "1")
	s.Do(ctx, "SORT", "l", "GET", "#", "GET", "nope_*", "STORE", "dst")
	s.Do(ctx, "SORT", "l")                                    // a read: no effect
	s.Do(ctx, "SORT_RO", "l", "LIMIT", "0", "1")              // a read: no effect
	s.Do(ctx, "SORT", "l", "LIMIT", "0", "0", "STORE", "dst") // deletes dst
	s.Do(ctx, "SORT", "l", "LIMIT", "0", "0", "STORE", "dst") // nothing to delete
	want := [][][]string{
		{{"SELECT", "0"}, {"RPUSH", "l", "2", "1"}},
		{{"DEL", "dst"}, {"RPUSH", "dst", "1", "", "2", ""}},
		{{"DEL", "dst"}},
	}
	if !reflect.DeepEqual(units, want) {
		t.Fatalf("effects = %q\nwant %q", units, want)
	}
}

func TestSortMakesSortedSetSkiplist(t *testing.T) {
	s, _ := openTest(t)
	s.ZAdd(ctx, "z", Z{Score: 1, Member: "a"})
	listpack := func() (lp bool) {
		s.Atomic(ctx, func(tx *Tx) error {
			v, _ := tx.writeZSet("z")
			lp = v.listpack
			return nil
		})
		return lp
	}
	if !listpack() {
		t.Fatal("a small sorted set is not a listpack")
	}
	if _, err := s.Sort(ctx, "z", SortArgs{By: "nosort"}); err != nil {
		t.Fatal(err)
	}
	if listpack() {
		t.Fatal("SORT left the sorted set a listpack, which Redis converts")
	}
}

// Ties of ALPHA keep the elements' order, as glibc's merge sort does; C
// strings end at NUL except when storing.
func TestSortAlphaTiesAndNUL(t *testing.T) {
	s, _ := openTest(t)
	s.RPush(ctx, "l", "b\x00z", "b\x00a", "b", "a")
	got, _ := s.Sort(ctx, "l", SortArgs{Alpha: true})
	if want := []string{"a", "b\x00z", "b\x00a", "b"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ALPHA = %q, want %q", got, want)
	}
	got, _ = s.Sort(ctx, "l", SortArgs{Alpha: true, Desc: true})
	if want := []string{"b\x00z", "b\x00a", "b", "a"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ALPHA DESC = %q, want %q", got, want)
	}
	s.SortStore(ctx, "l", "dst", SortArgs{Alpha: true})
	got, _ = s.LRange(ctx, "dst", 0, -1)
	if want := []string{"a", "b", "b\x00a", "b\x00z"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("ALPHA STORE = %q, want %q", got, want)
	}
}

func TestSortWindow(t *testing.T) {
	const max = int64(^uint64(0) >> 1)
	cases := []struct {
		limited            bool
		offset, count, n   int64
		wantStart, wantEnd int64
	}{
		{false, 0, 0, 3, 0, 2},
		{false, 0, 0, 0, 0, -1},
		{true, 0, 0, 3, 0, -1},
		{true, -5, 2, 3, 0, 1},
		{true, 2, -1, 3, 2, 2},
		{true, 3, 1, 3, 0, -1},
		{true, 1, max, 3, 1, 2},
		{true, 2, max, 3, 2, 2},
		{true, max, max, 3, 0, -1},
		{true, -max - 1, -max - 1, 3, 0, 2},
	}
	for _, c := range cases {
		start, end := sortWindow(sortQuery{limited: c.limited, offset: c.offset, count: c.count}, c.n)
		if (start > end) != (c.wantStart > c.wantEnd) || (start <= end && (start != c.wantStart || end != c.wantEnd)) {
			t.Errorf("window(%+v) = %d..%d, want %d..%d", c, start, end, c.wantStart, c.wantEnd)
		}
	}
}

// A list stored by SORT ... STORE serves the callers blocked on its key.
func TestSortStoreServesBlockedCallers(t *testing.T) {
	s, _ := openTest(t)
	done := make(chan string, 1)
	go func() {
		_, v, err := s.BLPop(ctx, "dst")
		if err != nil {
			v = err.Error()
		}
		done <- v
	}()
	waitBlocked(t, s, 1)
	s.RPush(ctx, "src", "3", "1", "2")
	if n, err := s.SortStore(ctx, "src", "dst", SortArgs{}); n != 3 || err != nil {
		t.Fatalf("SortStore = %d, %v", n, err)
	}
	select {
	case v := <-done:
		if v != "1" {
			t.Fatalf("BLPOP got %q, want the smallest", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the caller blocked on the destination was not served")
	}
	if got, _ := s.LRange(ctx, "dst", 0, -1); !reflect.DeepEqual(got, []string{"2", "3"}) {
		t.Fatalf("left %q", got)
	}
}
