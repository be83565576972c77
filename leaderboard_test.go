package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// openBoardStore returns a store on a manual clock set to start, closed at the
// end of the test.
func openBoardStore(t *testing.T, start time.Time) (*embedis.Store, *embedis.ManualClock) {
	t.Helper()
	clock := embedis.NewManualClock(start)
	s, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

var boardStart = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

type entry = embedis.LeaderboardEntry

// newBoard returns the leaderboard called name on s's embedded backend.
func newBoard(t *testing.T, s *embedis.Store, name string, opts embedis.LeaderboardOptions) *embedis.Leaderboard {
	t.Helper()
	lb, err := embedis.NewLeaderboard(embedis.Embedded(s), name, opts)
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

func submitAll(t *testing.T, lb *embedis.Leaderboard, scores ...any) {
	t.Helper()
	for i := 0; i < len(scores); i += 2 {
		if _, err := lb.Submit(context.Background(), scores[i].(string), scores[i+1].(float64)); err != nil {
			t.Fatalf("Submit(%v, %v): %v", scores[i], scores[i+1], err)
		}
	}
}

func checkEntries(t *testing.T, what string, got []entry, err error, want ...entry) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got == nil {
		t.Errorf("%s: nil slice, want non-nil", what)
	}
	if len(want) == 0 {
		want = []entry{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

func TestLeaderboardTopHighFirstTiesByReverseBytes(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "game", embedis.LeaderboardOptions{})
	submitAll(t, lb, "alice", 10.0, "bob", 10.0, "carol", 20.0, "dave", 5.0, "erin", 10.0)

	got, err := lb.Top(ctx, 10)
	checkEntries(t, "Top(10)", got, err,
		entry{"carol", 20, 1}, entry{"erin", 10, 2}, entry{"bob", 10, 3}, entry{"alice", 10, 4}, entry{"dave", 5, 5})
	got, err = lb.Top(ctx, 2)
	checkEntries(t, "Top(2)", got, err, entry{"carol", 20, 1}, entry{"erin", 10, 2})
	got, err = lb.Top(ctx, 0)
	checkEntries(t, "Top(0)", got, err)
	if _, err := lb.Top(ctx, -1); !errors.Is(err, embedis.ErrLeaderboardArg) {
		t.Errorf("Top(-1): err %v, want ErrLeaderboardArg", err)
	}
	// The order is ZREVRANGE's.
	got, _ = lb.Top(ctx, 10)
	rev, _ := s.ZRevRange(ctx, "game", 0, -1)
	for i, m := range rev {
		if got[i].Member != m {
			t.Errorf("rank %d: board has %s, ZREVRANGE %s", i+1, got[i].Member, m)
		}
	}
	e, err := lb.Entry(ctx, "bob")
	if err != nil || e != (entry{"bob", 10, 3}) {
		t.Errorf("Entry(bob) = %v, %v", e, err)
	}
}

func TestLeaderboardTopLowFirstTiesByBytes(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "race", embedis.LeaderboardOptions{LowFirst: true})
	submitAll(t, lb, "alice", 10.0, "bob", 10.0, "carol", 5.0, "dave", 20.0, "erin", 10.0)

	got, err := lb.Top(ctx, 5)
	checkEntries(t, "Top(5)", got, err,
		entry{"carol", 5, 1}, entry{"alice", 10, 2}, entry{"bob", 10, 3}, entry{"erin", 10, 4}, entry{"dave", 20, 5})
	e, err := lb.Entry(ctx, "erin")
	if err != nil || e != (entry{"erin", 10, 4}) {
		t.Errorf("Entry(erin) = %v, %v", e, err)
	}
}

func TestLeaderboardEmptyBoard(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "empty", embedis.LeaderboardOptions{Period: embedis.Daily})
	got, err := lb.Top(ctx, 3)
	checkEntries(t, "Top on empty board", got, err)
	got, err = lb.Page(ctx, 1, 3)
	checkEntries(t, "Page on empty board", got, err)
	if _, err := lb.Entry(ctx, "nobody"); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Entry on empty board: err %v, want ErrNotFound", err)
	}
	if _, err := lb.Around(ctx, "nobody", 2); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Around on empty board: err %v, want ErrNotFound", err)
	}
	if n, err := lb.Len(ctx); n != 0 || err != nil {
		t.Errorf("Len = %d, %v", n, err)
	}
	if ok, err := lb.Remove(ctx, "nobody"); ok || err != nil {
		t.Errorf("Remove = %v, %v", ok, err)
	}
	if n, _ := s.Exists(ctx, lb.Key()); n != 0 {
		t.Errorf("reads created the key %s", lb.Key())
	}
}

func TestLeaderboardKeepBest(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)

	high := newBoard(t, s, "high", embedis.LeaderboardOptions{})
	submitAll(t, high, "rival", 12.0)
	steps := []struct {
		score float64
		want  entry
	}{
		{10, entry{"p", 10, 2}},
		{5, entry{"p", 10, 2}}, // worse: unchanged
		{15, entry{"p", 15, 1}},
		{15, entry{"p", 15, 1}},
	}
	for _, st := range steps {
		e, err := high.Submit(ctx, "p", st.score)
		if err != nil || e != st.want {
			t.Errorf("high-first Submit(p, %v) = %v, %v; want %v", st.score, e, err, st.want)
		}
	}

	low := newBoard(t, s, "low", embedis.LeaderboardOptions{LowFirst: true})
	submitAll(t, low, "rival", 8.0)
	steps = []struct {
		score float64
		want  entry
	}{
		{10, entry{"p", 10, 2}},
		{15, entry{"p", 10, 2}}, // worse: unchanged
		{5, entry{"p", 5, 1}},
	}
	for _, st := range steps {
		e, err := low.Submit(ctx, "p", st.score)
		if err != nil || e != st.want {
			t.Errorf("low-first Submit(p, %v) = %v, %v; want %v", st.score, e, err, st.want)
		}
	}
}

func TestLeaderboardAddScore(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "points", embedis.LeaderboardOptions{Mode: embedis.AddScore})
	submitAll(t, lb, "rival", 11.0)
	steps := []struct {
		score float64
		want  entry
	}{
		{10, entry{"p", 10, 2}},
		{5, entry{"p", 15, 1}},
		{-3, entry{"p", 12, 1}},
		{-1.5, entry{"p", 10.5, 2}},
	}
	for _, st := range steps {
		e, err := lb.Submit(ctx, "p", st.score)
		if err != nil || e != st.want {
			t.Errorf("Submit(p, %v) = %v, %v; want %v", st.score, e, err, st.want)
		}
	}

	// A sum that would be NaN fails and changes nothing.
	submitAll(t, lb, "inf", math.Inf(1))
	if _, err := lb.Submit(ctx, "inf", math.Inf(-1)); !errors.Is(err, embedis.ErrScoreNaN) {
		t.Errorf("+Inf + -Inf: err %v, want ErrScoreNaN", err)
	}
	if e, err := lb.Entry(ctx, "inf"); err != nil || !math.IsInf(e.Score, 1) || e.Rank != 1 {
		t.Errorf("Entry(inf) = %v, %v", e, err)
	}
}

func TestLeaderboardSubmitErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	for _, mode := range []embedis.LeaderboardMode{embedis.KeepBest, embedis.AddScore} {
		lb := newBoard(t, s, "nan", embedis.LeaderboardOptions{Mode: mode, Period: embedis.Daily})
		if _, err := lb.Submit(ctx, "p", math.NaN()); !errors.Is(err, embedis.ErrNotFloat) {
			t.Errorf("mode %d: NaN: err %v, want ErrNotFloat", mode, err)
		}
		if n, _ := lb.Len(ctx); n != 0 {
			t.Errorf("mode %d: NaN submit wrote %d members", mode, n)
		}
	}

	s.Set(ctx, "str", "x", 0)
	lb := newBoard(t, s, "str", embedis.LeaderboardOptions{})
	if _, err := lb.Submit(ctx, "p", 1); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Submit on a string key: err %v, want ErrWrongType", err)
	}
	if _, err := lb.Top(ctx, 1); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Top on a string key: err %v, want ErrWrongType", err)
	}
}

func TestLeaderboardAround(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "around", embedis.LeaderboardOptions{})
	for i := 0; i < 10; i++ {
		submitAll(t, lb, fmt.Sprintf("m%d", i), float64(i)) // m9 ranks 1st, m0 10th
	}
	e := func(i int) entry { return entry{fmt.Sprintf("m%d", i), float64(i), int64(10 - i)} }

	got, err := lb.Around(ctx, "m5", 2)
	checkEntries(t, "Around(m5, 2)", got, err, e(7), e(6), e(5), e(4), e(3))
	got, err = lb.Around(ctx, "m9", 2)
	checkEntries(t, "Around(m9, 2) at the top", got, err, e(9), e(8), e(7))
	got, err = lb.Around(ctx, "m8", 2)
	checkEntries(t, "Around(m8, 2) near the top", got, err, e(9), e(8), e(7), e(6))
	got, err = lb.Around(ctx, "m0", 2)
	checkEntries(t, "Around(m0, 2) at the bottom", got, err, e(2), e(1), e(0))
	got, err = lb.Around(ctx, "m5", 0)
	checkEntries(t, "Around(m5, 0)", got, err, e(5))
	got, err = lb.Around(ctx, "m5", math.MaxInt)
	checkEntries(t, "Around(m5, MaxInt)", got, err, e(9), e(8), e(7), e(6), e(5), e(4), e(3), e(2), e(1), e(0))
	if _, err := lb.Around(ctx, "nobody", 2); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Around(nobody): err %v, want ErrNotFound", err)
	}
	if _, err := lb.Around(ctx, "m5", -1); !errors.Is(err, embedis.ErrLeaderboardArg) {
		t.Errorf("Around(m5, -1): err %v, want ErrLeaderboardArg", err)
	}

	low := newBoard(t, s, "around-low", embedis.LeaderboardOptions{LowFirst: true})
	submitAll(t, low, "a", 1.0, "b", 2.0, "c", 3.0)
	got, err = low.Around(ctx, "a", 1)
	checkEntries(t, "low-first Around(a, 1)", got, err, entry{"a", 1, 1}, entry{"b", 2, 2})
}

func TestLeaderboardPage(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "pages", embedis.LeaderboardOptions{LowFirst: true})
	for i := 1; i <= 10; i++ {
		submitAll(t, lb, fmt.Sprintf("m%02d", i), float64(i)) // m01 ranks 1st
	}
	e := func(i int) entry { return entry{fmt.Sprintf("m%02d", i), float64(i), int64(i)} }

	got, err := lb.Page(ctx, 1, 3)
	checkEntries(t, "Page(1, 3)", got, err, e(1), e(2), e(3))
	got, err = lb.Page(ctx, 3, 3)
	checkEntries(t, "Page(3, 3)", got, err, e(7), e(8), e(9))
	got, err = lb.Page(ctx, 4, 3)
	checkEntries(t, "Page(4, 3), the last, short", got, err, e(10))
	got, err = lb.Page(ctx, 5, 3)
	checkEntries(t, "Page(5, 3), past the end", got, err)
	got, err = lb.Page(ctx, 2, 5)
	checkEntries(t, "Page(2, 5), exactly the last", got, err, e(6), e(7), e(8), e(9), e(10))
	got, err = lb.Page(ctx, 1, 100)
	if err != nil || len(got) != 10 {
		t.Errorf("Page(1, 100): %d entries, %v", len(got), err)
	}
	got, err = lb.Page(ctx, math.MaxInt, math.MaxInt)
	checkEntries(t, "Page(MaxInt, MaxInt)", got, err)
	for _, bad := range [][2]int{{0, 3}, {-1, 3}, {1, 0}, {1, -5}} {
		if _, err := lb.Page(ctx, bad[0], bad[1]); !errors.Is(err, embedis.ErrLeaderboardArg) {
			t.Errorf("Page(%d, %d): err %v, want ErrLeaderboardArg", bad[0], bad[1], err)
		}
	}
}

func TestLeaderboardRemove(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "rm", embedis.LeaderboardOptions{})
	submitAll(t, lb, "a", 3.0, "b", 2.0, "c", 1.0)

	if ok, err := lb.Remove(ctx, "a"); !ok || err != nil {
		t.Fatalf("Remove(a) = %v, %v", ok, err)
	}
	if ok, err := lb.Remove(ctx, "a"); ok || err != nil {
		t.Errorf("second Remove(a) = %v, %v", ok, err)
	}
	if _, err := lb.Entry(ctx, "a"); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Entry(a) after Remove: err %v, want ErrNotFound", err)
	}
	if e, err := lb.Entry(ctx, "b"); err != nil || e.Rank != 1 {
		t.Errorf("Entry(b) = %v, %v; want rank 1", e, err)
	}
	if n, err := lb.Len(ctx); n != 2 || err != nil {
		t.Errorf("Len = %d, %v; want 2", n, err)
	}
	lb.Remove(ctx, "b")
	lb.Remove(ctx, "c")
	if n, _ := s.Exists(ctx, "rm"); n != 0 {
		t.Errorf("an emptied board still exists")
	}
}

func TestLeaderboardDailyRolloverInLocation(t *testing.T) {
	ctx := context.Background()
	tokyo := time.FixedZone("JST", 9*60*60)
	// 23:59 on 28 November in Tokyo.
	s, clock := openBoardStore(t, time.Date(2026, 11, 28, 23, 59, 0, 0, tokyo))
	lb := newBoard(t, s, "g", embedis.LeaderboardOptions{Period: embedis.Daily, Location: tokyo})

	if k := lb.Key(); k != "g:daily:2026-11-28" {
		t.Fatalf("Key = %q", k)
	}
	submitAll(t, lb, "alice", 10.0)
	deadline, _ := s.PExpireTime(ctx, "g:daily:2026-11-28")
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, tokyo).UnixMilli(); deadline != want {
		t.Errorf("deadline %v, want the end of the next day %v", time.UnixMilli(deadline), time.UnixMilli(want))
	}

	clock.Advance(time.Minute) // midnight in Tokyo, 15:00 UTC
	if k := lb.Key(); k != "g:daily:2026-11-29" {
		t.Fatalf("Key after midnight = %q", k)
	}
	if n, _ := lb.Len(ctx); n != 0 {
		t.Errorf("new day's board has %d members", n)
	}
	submitAll(t, lb, "bob", 7.0)
	yesterday := lb.At(clock.Now().AddDate(0, 0, -1))
	if k := yesterday.Key(); k != "g:daily:2026-11-28" {
		t.Errorf("At(yesterday).Key = %q", k)
	}
	got, err := yesterday.Top(ctx, 10)
	checkEntries(t, "yesterday's Top", got, err, entry{"alice", 10, 1})
	got, err = lb.Top(ctx, 10)
	checkEntries(t, "today's Top", got, err, entry{"bob", 7, 1})

	// A late submit to yesterday's board is still accepted today.
	if e, err := yesterday.Submit(ctx, "carol", 12); err != nil || e != (entry{"carol", 12, 1}) {
		t.Errorf("late Submit = %v, %v", e, err)
	}

	// Keep = 1: yesterday's board lasts until the end of today. As in Redis,
	// a key is gone once the clock is past its deadline.
	clock.Advance(24 * time.Hour)
	if n, _ := s.Exists(ctx, "g:daily:2026-11-28"); n != 1 {
		t.Fatalf("28 November's board is gone before its deadline")
	}
	clock.Advance(time.Millisecond)
	if n, _ := s.Exists(ctx, "g:daily:2026-11-28"); n != 0 {
		t.Errorf("28 November's board still exists after its deadline")
	}
	if n, _ := s.Exists(ctx, "g:daily:2026-11-29"); n != 1 {
		t.Errorf("29 November's board is gone on 30 November")
	}
	if n, _ := yesterday.Len(ctx); n != 0 {
		t.Errorf("expired board has %d members", n)
	}
	if _, err := yesterday.Submit(ctx, "dave", 1); !errors.Is(err, embedis.ErrLeaderboardExpired) {
		t.Errorf("Submit to an expired period: err %v, want ErrLeaderboardExpired", err)
	}
	if n, _ := s.Exists(ctx, "g:daily:2026-11-28"); n != 0 {
		t.Errorf("Submit to an expired period recreated its key")
	}
}

func TestLeaderboardKeep(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart) // Saturday 28 November 2026, noon UTC
	cases := []struct {
		name string
		opts embedis.LeaderboardOptions
		key  string
		want time.Time
	}{
		{"d0", embedis.LeaderboardOptions{Period: embedis.Daily}, "d0:daily:2026-11-28", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{"d3", embedis.LeaderboardOptions{Period: embedis.Daily, Keep: 3}, "d3:daily:2026-11-28", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)},
		{"dn", embedis.LeaderboardOptions{Period: embedis.Daily, Keep: -1}, "dn:daily:2026-11-28", time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)},
		{"w", embedis.LeaderboardOptions{Period: embedis.Weekly}, "w:weekly:2026-W48", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)},
		{"w2", embedis.LeaderboardOptions{Period: embedis.Weekly, Keep: 2}, "w2:weekly:2026-W48", time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)},
		{"m", embedis.LeaderboardOptions{Period: embedis.Monthly}, "m:monthly:2026-11", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"mn", embedis.LeaderboardOptions{Period: embedis.Monthly, Keep: -1}, "mn:monthly:2026-11", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		lb := newBoard(t, s, c.name, c.opts)
		if k := lb.Key(); k != c.key {
			t.Errorf("%s: Key = %q, want %q", c.name, k, c.key)
		}
		submitAll(t, lb, "p", 1.0)
		at, _ := s.PExpireTime(ctx, c.key)
		if at != c.want.UnixMilli() {
			t.Errorf("%s: deadline %v, want %v", c.name, time.UnixMilli(at).UTC(), c.want)
		}
	}

	all := newBoard(t, s, "all", embedis.LeaderboardOptions{Keep: 5})
	submitAll(t, all, "p", 1.0)
	if k := all.Key(); k != "all" {
		t.Errorf("AllTime Key = %q", k)
	}
	if k := all.At(boardStart.AddDate(-3, 0, 0)).Key(); k != "all" {
		t.Errorf("AllTime At(...).Key = %q", k)
	}
	if at, _ := s.PExpireTime(ctx, "all"); at != -1 {
		t.Errorf("AllTime board has deadline %d", at)
	}
}

func TestLeaderboardWeeklyISOWeeks(t *testing.T) {
	ctx := context.Background()
	// Sunday 28 December 2025, one second before the Monday that starts ISO
	// week 1 of 2026.
	s, clock := openBoardStore(t, time.Date(2025, 12, 28, 23, 59, 59, 0, time.UTC))
	lb := newBoard(t, s, "w", embedis.LeaderboardOptions{Period: embedis.Weekly})
	if k := lb.Key(); k != "w:weekly:2025-W52" {
		t.Errorf("Sunday 28 Dec 2025: Key = %q", k)
	}
	submitAll(t, lb, "old", 1.0)
	clock.Advance(time.Second)
	if k := lb.Key(); k != "w:weekly:2026-W01" {
		t.Errorf("Monday 29 Dec 2025: Key = %q", k)
	}
	submitAll(t, lb, "new", 2.0)
	if at, _ := s.PExpireTime(ctx, "w:weekly:2026-W01"); at != time.Date(2026, 1, 12, 0, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("2026-W01 deadline %v", time.UnixMilli(at).UTC())
	}
	got, err := lb.At(time.Date(2025, 12, 22, 0, 0, 0, 0, time.UTC)).Top(ctx, 10)
	checkEntries(t, "last week's Top", got, err, entry{"old", 1, 1})

	for _, c := range []struct {
		t   time.Time
		key string
	}{
		{time.Date(2026, 1, 4, 23, 59, 59, 0, time.UTC), "w:weekly:2026-W01"},
		{time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), "w:weekly:2026-W02"},
		{time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), "w:weekly:2026-W53"}, // 2026 has 53 ISO weeks
		{time.Date(2027, 1, 3, 12, 0, 0, 0, time.UTC), "w:weekly:2026-W53"},
		{time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), "w:weekly:2027-W01"},
	} {
		if k := lb.At(c.t).Key(); k != c.key {
			t.Errorf("At(%v).Key = %q, want %q", c.t, k, c.key)
		}
	}

	// The week of 28 December 2025 ends on Monday 29 December, and is kept
	// one more week.
	clock.Set(time.Date(2026, 1, 5, 0, 0, 0, 1e6, time.UTC))
	if n, _ := s.Exists(ctx, "w:weekly:2025-W52"); n != 0 {
		t.Errorf("2025-W52 still exists after its deadline")
	}
	if n, _ := s.Exists(ctx, "w:weekly:2026-W01"); n != 1 {
		t.Errorf("2026-W01 is gone a week early")
	}
}

func TestLeaderboardDailyAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	ctx := context.Background()
	// Daylight saving time starts in New York on Sunday 8 March 2026, a
	// 23-hour day.
	s, clock := openBoardStore(t, time.Date(2026, 3, 8, 12, 0, 0, 0, ny))
	lb := newBoard(t, s, "g", embedis.LeaderboardOptions{Period: embedis.Daily, Location: ny, Keep: -1})
	submitAll(t, lb, "p", 1.0)
	if at, _ := s.PExpireTime(ctx, "g:daily:2026-03-08"); at != time.Date(2026, 3, 9, 0, 0, 0, 0, ny).UnixMilli() {
		t.Errorf("deadline %v, want midnight in New York", time.UnixMilli(at).In(ny))
	}
	clock.Set(time.Date(2026, 3, 9, 0, 0, 0, 1e6, ny))
	if k := lb.Key(); k != "g:daily:2026-03-09" {
		t.Errorf("Key = %q", k)
	}
	if n, _ := s.Exists(ctx, "g:daily:2026-03-08"); n != 0 {
		t.Errorf("8 March's board still exists")
	}
}

func TestLeaderboardSubmitIsOneUnit(t *testing.T) {
	var mu sync.Mutex
	var units [][][]string
	clock := embedis.NewManualClock(boardStart)
	s, err := embedis.Open(embedis.Options{Clock: clock, OnEffects: func(u [][]string) {
		mu.Lock()
		units = append(units, u)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	lb := newBoard(t, s, "g", embedis.LeaderboardOptions{Period: embedis.Daily})
	submitAll(t, lb, "a", 1.0, "a", 2.0, "a", 0.5)

	deadline := fmt.Sprint(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC).UnixMilli())
	want := [][][]string{
		{{"SELECT", "0"}, {"ZADD", "g:daily:2026-11-28", "1", "a"}, {"PEXPIREAT", "g:daily:2026-11-28", deadline}},
		{{"ZADD", "g:daily:2026-11-28", "2", "a"}}, // the deadline is set once
		// 0.5 does not beat 2: no write, no unit.
	}
	mu.Lock()
	defer mu.Unlock()
	if !reflect.DeepEqual(units, want) {
		t.Errorf("effects:\n got %v\nwant %v", units, want)
	}
}

func TestLeaderboardConcurrentAddScore(t *testing.T) {
	ctx := context.Background()
	s, _ := openBoardStore(t, boardStart)
	lb := newBoard(t, s, "points", embedis.LeaderboardOptions{Mode: embedis.AddScore, Period: embedis.Daily})
	const workers, perWorker = 8, 500
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				// Multiples of 1/4 add up exactly in a float64.
				if _, err := lb.Submit(ctx, "shared", float64(w+1)/4); err != nil {
					errs <- err
					return
				}
				if i%50 == 0 {
					if _, err := lb.Top(ctx, 3); err != nil {
						errs <- err
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var want float64
	for w := 0; w < workers; w++ {
		want += float64(w+1) / 4 * perWorker
	}
	e, err := lb.Entry(ctx, "shared")
	if err != nil || e.Score != want || e.Rank != 1 {
		t.Errorf("Entry(shared) = %v, %v; want score %v", e, err, want)
	}
}

func TestNewLeaderboardRejectsUnknownOptions(t *testing.T) {
	s, _ := openBoardStore(t, boardStart)
	for _, opts := range []embedis.LeaderboardOptions{{Mode: 7}, {Period: -1}, {Period: 9}} {
		if lb, err := embedis.NewLeaderboard(embedis.Embedded(s), "x", opts); !errors.Is(err, embedis.ErrLeaderboardArg) || lb != nil {
			t.Errorf("NewLeaderboard(%+v) = %v, %v; want ErrLeaderboardArg", opts, lb, err)
		}
	}
	if lb, err := embedis.NewLeaderboard(nil, "x", embedis.LeaderboardOptions{}); !errors.Is(err, embedis.ErrLeaderboardArg) || lb != nil {
		t.Errorf("NewLeaderboard(nil backend) = %v, %v; want ErrLeaderboardArg", lb, err)
	}
}

func ExampleLeaderboard() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()

	daily, _ := embedis.NewLeaderboard(embedis.Embedded(s), "arcade", embedis.LeaderboardOptions{Period: embedis.Daily})
	daily.Submit(ctx, "ann", 420)
	daily.Submit(ctx, "ben", 380)
	daily.Submit(ctx, "cat", 510)
	e, _ := daily.Submit(ctx, "ann", 300) // KeepBest: ann keeps 420
	fmt.Println(e.Member, e.Score, "rank", e.Rank)

	top, _ := daily.Top(ctx, 3)
	for _, e := range top {
		fmt.Printf("%d. %s %v\n", e.Rank, e.Member, e.Score)
	}
	fmt.Println(daily.Key())

	clock.Advance(6 * time.Hour) // a new day, a new board
	n, _ := daily.Len(ctx)
	fmt.Println(daily.Key(), n)
	yesterday := daily.At(clock.Now().AddDate(0, 0, -1))
	best, _ := yesterday.Top(ctx, 1)
	fmt.Println("yesterday's best:", best[0].Member)
	// Output:
	// ann 420 rank 2
	// 1. cat 510
	// 2. ann 420
	// 3. ben 380
	// arcade:daily:2026-11-28
	// arcade:daily:2026-11-29 0
	// yesterday's best: cat
}
