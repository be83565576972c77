package embedis

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// TestXAddAutoIDManualClock checks "*" and "<ms>-*" against the store's
// clock: the millisecond is the clock's, the sequence counts within it, a
// clock behind the last ID continues from the last ID, and the write
// effect carries the concrete ID.
func TestXAddAutoIDManualClock(t *testing.T) {
	var effects [][]string
	clock := NewManualClock(time.UnixMilli(1_000_000))
	s, err := Open(Options{Clock: clock, OnEffects: func(unit [][]string) { effects = append(effects, unit...) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	add := func(id string) string {
		t.Helper()
		got, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: id, Values: []string{"f", "v"}})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i, want := range []string{"1000000-0", "1000000-1"} {
		if got := add("*"); got != want {
			t.Fatalf("XADD * #%d = %s, want %s", i, got, want)
		}
	}
	clock.Advance(5 * time.Millisecond)
	if got := add(""); got != "1000005-0" {
		t.Fatalf("after 5 ms: %s", got)
	}
	if got := add("2000000-*"); got != "2000000-0" {
		t.Fatalf("2000000-*: %s", got)
	}
	if got := add("2000000-*"); got != "2000000-1" {
		t.Fatalf("2000000-* again: %s", got)
	}
	if got := add("*"); got != "2000000-2" { // the clock is behind the last ID
		t.Fatalf("* behind the last ID: %s", got)
	}
	var ids []string
	for _, e := range effects {
		if e[0] == "XADD" {
			ids = append(ids, e[2])
		}
	}
	want := []string{"1000000-0", "1000000-1", "1000005-0", "2000000-0", "2000000-1", "2000000-2"}
	if !slices.Equal(ids, want) {
		t.Fatalf("effects carry %v, want %v", ids, want)
	}
	// Replaying the effects rebuilds the same stream.
	r, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Apply(ctx, effects); err != nil {
		t.Fatal(err)
	}
	a, _ := s.XRange(ctx, "s", "-", "+")
	b, _ := r.XRange(ctx, "s", "-", "+")
	if len(a) != 6 || !slices.EqualFunc(a, b, func(x, y XMessage) bool { return x.ID == y.ID && slices.Equal(x.Values, y.Values) }) {
		t.Fatalf("replayed stream differs:\n%v\n%v", a, b)
	}
}

// TestXAddApproxTrimEffect checks that an approximate trim is written as
// the exact trim it amounted to, so that a replay removes the same entries.
func TestXAddApproxTrimEffect(t *testing.T) {
	var effects [][]string
	s, err := Open(Options{OnEffects: func(unit [][]string) { effects = append(effects, unit...) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := 1; i <= 250; i++ {
		if _, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: "1-*", Values: []string{"f", "v"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: "2-0", MaxLen: 120, Approx: true, Values: []string{"f", "v"}}); err != nil {
		t.Fatal(err)
	}
	n, _ := s.XLen(ctx, "s")
	if n != 151 {
		t.Fatalf("XLEN after MAXLEN ~ 120: %d, want 151 (a whole node of 100 removed)", n)
	}
	last := effects[len(effects)-1]
	if want := []string{"XADD", "s", "MAXLEN", "=", "151", "2-0", "f", "v"}; !slices.Equal(last, want) {
		t.Fatalf("effect %q, want %q", last, want)
	}
	r, _ := Open(Options{})
	defer r.Close()
	if err := r.Apply(ctx, effects); err != nil {
		t.Fatal(err)
	}
	if m, _ := r.XLen(ctx, "s"); m != n {
		t.Fatalf("replayed XLEN %d, want %d", m, n)
	}
}

// TestXReadBlockServesInOrder checks that blocked readers are woken by an
// XADD in the order they blocked, each with the new entry, and that a
// reader of "$" sees only entries added after it started.
func TestXReadBlockServesInOrder(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: "1-1", Values: []string{"old", "1"}}); err != nil {
		t.Fatal(err)
	}
	results := make([]chan []XStream, 3)
	for i := range results {
		results[i] = make(chan []XStream, 1)
		go func(ch chan []XStream) {
			out, err := s.XRead(ctx, XReadArgs{Streams: []string{"other", "s", "0", "$"}, Block: 0})
			if err != nil {
				t.Error(err)
			}
			ch <- out
		}(results[i])
		waitBlocked(t, s, int64(i+1))
	}
	if _, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: "2-1", Values: []string{"new", "2"}}); err != nil {
		t.Fatal(err)
	}
	for i := range results {
		out := <-results[i]
		if len(out) != 1 || out[0].Stream != "s" || len(out[0].Messages) != 1 || out[0].Messages[0].ID != "2-1" {
			t.Fatalf("reader %d got %v", i, out)
		}
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("%d readers still blocked", n)
	}
	// Without Block the call answers at once; with a timeout it times out
	// on the store's clock.
	if _, err := s.XRead(ctx, XReadArgs{Streams: []string{"s", "$"}, Block: -1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("XRead without data: %v", err)
	}
}

// TestStreamWrongTypeAndEmpty checks that a stream survives losing its
// last entry and that other commands see its type.
func TestStreamWrongTypeAndEmpty(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: "5-5", Values: []string{"f", "v"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.XDel(ctx, "s", "5-5"); n != 1 || err != nil {
		t.Fatalf("XDel: %d %v", n, err)
	}
	info, err := s.XInfoStream(ctx, "s")
	if err != nil || info.Length != 0 || info.LastGeneratedID != "5-5" || info.MaxDeletedEntryID != "5-5" {
		t.Fatalf("XInfoStream of an emptied stream: %+v %v", info, err)
	}
	if typ, _ := s.Type(ctx, "s"); typ != "stream" {
		t.Fatalf("TYPE %q", typ)
	}
	if _, err := s.LPush(ctx, "s", "x"); !errors.Is(err, ErrWrongType) {
		t.Fatalf("LPUSH on a stream: %v", err)
	}
	if _, err := s.XAdd(ctx, XAddArgs{Stream: "s", ID: "5-5", Values: []string{"f", "v"}}); !errors.Is(err, ErrStreamIDTooSmall) {
		t.Fatalf("XAdd at the last ID: %v", err)
	}
	if _, err := s.XAdd(ctx, XAddArgs{Stream: "nope", NoMkStream: true, Values: []string{"f", "v"}}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("XAdd NoMkStream: %v", err)
	}
}
