package embedis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"
)

// nextInv returns the next invalidation of tk, failing after 10 s.
func nextInv(t *testing.T, tk *Tracking) Invalidation {
	t.Helper()
	select {
	case inv, ok := <-tk.Invalidations():
		if !ok {
			t.Fatal("the feed closed")
		}
		return inv
	case <-time.After(10 * time.Second):
		t.Fatal("no invalidation")
	}
	return Invalidation{}
}

// none checks that tk has nothing more to deliver: a key written after the
// others arrives first.
func none(t *testing.T, s *Store, tk *Tracking) {
	t.Helper()
	probe := fmt.Sprintf("probe-%d", time.Now().UnixNano())
	tk.Atomic(ctx, func(tx *Tx) error { _, err := tx.Get(probe); return err })
	s.Set(ctx, probe, "x", 0)
	if inv := nextInv(t, tk); !slices.Equal(inv.Keys, []string{probe}) {
		t.Fatalf("unexpected invalidation %+v", inv)
	}
}

func trackRead(t *testing.T, tk *Tracking, keys ...string) {
	t.Helper()
	err := tk.Atomic(ctx, func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.Get(k); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTrackingWriteExpiryFlush(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := Open(Options{Clock: clock})
	defer s.Close()
	tk, err := s.Track(ctx, TrackingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	trackRead(t, tk, "a", "b")
	s.Set(ctx, "b", "1", 0)
	s.Set(ctx, "b", "2", 0) // once per read
	s.Set(ctx, "a", "1", 0)
	for _, want := range []string{"b", "a"} {
		if inv := nextInv(t, tk); !slices.Equal(inv.Keys, []string{want}) || inv.Flush {
			t.Fatalf("got %+v, want %s", inv, want)
		}
	}
	none(t, s, tk)
	// Another database: the table knows key names, as Redis's.
	trackRead(t, tk, "a")
	s.DB(3).Set(ctx, "a", "x", 0)
	if inv := nextInv(t, tk); !slices.Equal(inv.Keys, []string{"a"}) {
		t.Fatalf("got %+v", inv)
	}
	// Expiry, on the clock alone.
	s.Set(ctx, "e", "v", 10*time.Millisecond)
	trackRead(t, tk, "e")
	clock.Advance(20 * time.Millisecond)
	if inv := nextInv(t, tk); !slices.Equal(inv.Keys, []string{"e"}) {
		t.Fatalf("expiry: got %+v", inv)
	}
	// FLUSHALL: everything, and the table empties.
	trackRead(t, tk, "a", "b")
	st, _ := s.Stats(ctx)
	if st.TrackingClients != 1 || st.TrackingKeys != 2 || st.TrackingItems != 2 {
		t.Fatalf("stats %+v", st)
	}
	s.FlushAll(ctx)
	if inv := nextInv(t, tk); !inv.Flush || inv.Keys != nil {
		t.Fatalf("flush: got %+v", inv)
	}
	st, _ = s.Stats(ctx)
	if st.TrackingKeys != 0 || st.TrackingItems != 0 {
		t.Fatalf("stats after FLUSHALL %+v", st)
	}
	s.Set(ctx, "a", "after", 0)
	none(t, s, tk)
}

func TestTrackingNoLoopAndWrites(t *testing.T) {
	s, _ := Open(Options{})
	defer s.Close()
	tk, _ := s.Track(ctx, TrackingOptions{NoLoop: true})
	defer tk.Close()
	trackRead(t, tk, "k")
	tk.Atomic(ctx, func(tx *Tx) error { return tx.Set("k", "mine", 0) }) // its own: not sent
	none(t, s, tk)
	trackRead(t, tk, "k")
	// Keys a write command reads are remembered too (the Go API remembers
	// every read lookup).
	tk.Atomic(ctx, func(tx *Tx) error { _, err := tx.SUnionStore("dst", "src"); return err })
	s.Set(ctx, "k", "theirs", 0)
	s.SAdd(ctx, "src", "x")
	for _, want := range []string{"k", "src"} {
		if inv := nextInv(t, tk); !slices.Equal(inv.Keys, []string{want}) {
			t.Fatalf("got %+v, want %s", inv, want)
		}
	}
}

func TestTrackingBCast(t *testing.T) {
	s, _ := Open(Options{})
	defer s.Close()
	tk, err := s.Track(ctx, TrackingOptions{BCast: true, Prefixes: []string{"user:", "item:"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Close()
	s.MSet(ctx, "user:2", "a", "item:1", "b", "user:1", "c", "other", "d")
	var got [][]string
	for i := 0; i < 2; i++ {
		got = append(got, nextInv(t, tk).Keys)
	}
	want := [][]string{{"item:1"}, {"user:1", "user:2"}} // prefixes sorted, keys sorted
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	st, _ := s.Stats(ctx)
	if st.TrackingPrefixes != 2 || st.TrackingKeys != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestTrackingOptionErrors(t *testing.T) {
	s, _ := Open(Options{})
	defer s.Close()
	for _, c := range []struct {
		opts TrackingOptions
		err  error
	}{
		{TrackingOptions{Prefixes: []string{"a"}}, ErrTrackingPrefixNoBCast},
		{TrackingOptions{OptIn: true}, ErrTrackingOptGo},
		{TrackingOptions{BCast: true, Prefixes: []string{"a", "ab"}}, ErrTrackingPrefixOverlap},
		{TrackingOptions{BCast: true, Prefixes: []string{"x", "a", "ab"}}, ErrTrackingPrefixOverlap},
	} {
		if _, err := s.Track(ctx, c.opts); !errors.Is(err, c.err) {
			t.Errorf("%+v: %v, want %v", c.opts, err, c.err)
		}
	}
	st, _ := s.Stats(ctx)
	if st.TrackingClients != 0 || st.TrackingPrefixes != 0 {
		t.Fatalf("a refused Track left state: %+v", st)
	}
}

// A reader that falls behind gets one Flush in place of the invalidations
// that did not fit: a cache emptied is never stale.
func TestTrackingSlowReaderFlushes(t *testing.T) {
	s, _ := Open(Options{SubscriptionBuffer: 4})
	defer s.Close()
	tk, _ := s.Track(ctx, TrackingOptions{})
	defer tk.Close()
	keys := []string{}
	for i := 0; i < 50; i++ {
		keys = append(keys, fmt.Sprint("k", i))
	}
	trackRead(t, tk, keys...)
	for _, k := range keys {
		s.Set(ctx, k, "v", 0)
	}
	var got []Invalidation
	for {
		inv := nextInv(t, tk)
		got = append(got, inv)
		if inv.Flush {
			break
		}
		if len(got) > 50 {
			t.Fatal("no Flush after the buffer overflowed")
		}
	}
	if len(got) > 6 { // at most what the buffer held, and the one in hand
		t.Fatalf("%d invalidations before the Flush", len(got)-1)
	}
}

func TestTrackingTableMaxKeys(t *testing.T) {
	s, _ := Open(Options{})
	defer s.Close()
	if err := s.SetTrackingTableMaxKeys(ctx, -1); !errors.Is(err, ErrTrackingMaxKeys) {
		t.Fatalf("negative: %v", err)
	}
	s.SetTrackingTableMaxKeys(ctx, 2)
	if n, _ := s.TrackingTableMaxKeys(ctx); n != 2 {
		t.Fatalf("max keys %d", n)
	}
	tk, _ := s.Track(ctx, TrackingOptions{})
	defer tk.Close()
	trackRead(t, tk, "a", "b", "c", "d", "e")
	s.Exists(ctx, "nothing") // the next unit trims the table
	var gone []string
	for i := 0; i < 3; i++ {
		gone = append(gone, nextInv(t, tk).Keys...)
	}
	sort.Strings(gone)
	st, _ := s.Stats(ctx)
	if st.TrackingKeys != 2 || len(gone) != 3 {
		t.Fatalf("table %d keys, invalidated %q", st.TrackingKeys, gone)
	}
}

func TestTrackingEviction(t *testing.T) {
	s, _ := evictStore(t, "allkeys-random", 5)
	tk, _ := s.Track(ctx, TrackingOptions{})
	defer tk.Close()
	var tracked []string
	for _, k := range keyNames("t", 0, 4) {
		s.Set(ctx, k, val(), 0)
	}
	for _, k := range keyNames("t", 0, 4) {
		if n, _ := s.Exists(ctx, k); n == 1 {
			tracked = append(tracked, k)
		}
	}
	trackRead(t, tk, tracked...)
	for _, k := range keyNames("n", 0, 30) {
		s.Set(ctx, k, val(), 0)
	}
	want := 0
	for _, k := range tracked {
		if n, _ := s.Exists(ctx, k); n == 0 {
			want++
		}
	}
	if want == 0 {
		t.Fatal("nothing tracked was evicted")
	}
	for i := 0; i < want; i++ {
		inv := nextInv(t, tk)
		if n, _ := s.Exists(ctx, inv.Keys[0]); n != 0 || len(inv.Keys) != 1 {
			t.Fatalf("invalidated %q, which is still there", inv.Keys)
		}
	}
}

func TestTrackingEnds(t *testing.T) {
	s, _ := Open(Options{})
	c, cancel := context.WithCancel(ctx)
	tk, _ := s.Track(c, TrackingOptions{})
	cancel()
	for range tk.Invalidations() {
	}
	tk2, _ := s.Track(ctx, TrackingOptions{})
	if err := tk2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-tk2.Invalidations(); ok {
		t.Fatal("open after Close")
	}
	tk3, _ := s.Track(ctx, TrackingOptions{})
	s.Close()
	for range tk3.Invalidations() {
	}
	tk3.Close()
}
