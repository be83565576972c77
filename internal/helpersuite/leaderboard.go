package helpersuite

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

func init() { Register("Leaderboard", leaderboardSuite) }

// leaderboardSuite checks Leaderboard on one backend: rank order and ties,
// KeepBest and AddScore, the reads (Entry, Top, Around, Page, Len), Remove,
// errors that change nothing, periodic keys and their deadlines, pinned
// boards, and concurrent submits.
func leaderboardSuite(t *testing.T, newEnv NewEnv) {
	t.Run("OrderAndTies", func(t *testing.T) { boardOrder(t, newEnv(t)) })
	t.Run("KeepBestAndAddScore", func(t *testing.T) { boardModes(t, newEnv(t)) })
	t.Run("AroundAndPage", func(t *testing.T) { boardAroundPage(t, newEnv(t)) })
	t.Run("EmptyAndRemove", func(t *testing.T) { boardEmptyRemove(t, newEnv(t)) })
	t.Run("Errors", func(t *testing.T) { boardErrors(t, newEnv(t)) })
	t.Run("Periods", func(t *testing.T) { boardPeriods(t, newEnv(t)) })
	t.Run("Concurrent", func(t *testing.T) { boardConcurrent(t, newEnv(t)) })
}

type entry = embedis.LeaderboardEntry

func en(member string, score float64, rank int64) entry {
	return entry{Member: member, Score: score, Rank: rank}
}

func newBoard(t *testing.T, env Env, name string, opts embedis.LeaderboardOptions) *embedis.Leaderboard {
	t.Helper()
	lb, err := embedis.NewLeaderboard(env.Backend, env.Prefix+name, opts)
	if err != nil {
		t.Fatal(err)
	}
	return lb
}

func submit(t *testing.T, lb *embedis.Leaderboard, scores ...any) {
	t.Helper()
	for i := 0; i < len(scores); i += 2 {
		if _, err := lb.Submit(context.Background(), scores[i].(string), scores[i+1].(float64)); err != nil {
			t.Fatalf("Submit(%v, %v): %v", scores[i], scores[i+1], err)
		}
	}
}

func entries(t *testing.T, what string, got []entry, err error, want ...entry) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(want) == 0 {
		want = []entry{}
	}
	if got == nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %v", what, got, want)
	}
}

func boardOrder(t *testing.T, env Env) {
	ctx := context.Background()
	high := newBoard(t, env, "game", embedis.LeaderboardOptions{})
	submit(t, high, "alice", 10.0, "bob", 10.0, "carol", 20.0, "dave", 5.0, "erin", 10.0)
	got, err := high.Top(ctx, 10)
	entries(t, "high-first Top(10)", got, err,
		en("carol", 20, 1), en("erin", 10, 2), en("bob", 10, 3), en("alice", 10, 4), en("dave", 5, 5))
	got, err = high.Top(ctx, 2)
	entries(t, "Top(2)", got, err, en("carol", 20, 1), en("erin", 10, 2))
	got, err = high.Top(ctx, 0)
	entries(t, "Top(0)", got, err)
	if e, err := high.Entry(ctx, "bob"); err != nil || e != (en("bob", 10, 3)) {
		t.Errorf("Entry(bob) = %v, %v", e, err)
	}
	// The board is a plain sorted set at the name, as ZREVRANGE shows it.
	if v := Do(t, env, high.Key(), "ZREVRANGE", high.Key(), "0", "-1"); !reflect.DeepEqual(v, []any{"carol", "erin", "bob", "alice", "dave"}) {
		t.Errorf("ZREVRANGE %s = %#v", high.Key(), v)
	}
	if high.Key() != env.Prefix+"game" {
		t.Errorf("AllTime Key = %q, want the name", high.Key())
	}

	low := newBoard(t, env, "race", embedis.LeaderboardOptions{LowFirst: true})
	submit(t, low, "alice", 10.0, "bob", 10.0, "carol", 5.0, "dave", 20.0, "erin", 10.0, "fast", math.Inf(-1))
	got, err = low.Top(ctx, 6)
	entries(t, "low-first Top(6)", got, err, en("fast", math.Inf(-1), 1),
		en("carol", 5, 2), en("alice", 10, 3), en("bob", 10, 4), en("erin", 10, 5), en("dave", 20, 6))
	if e, err := low.Entry(ctx, "erin"); err != nil || e != (en("erin", 10, 5)) {
		t.Errorf("low-first Entry(erin) = %v, %v", e, err)
	}
	// Scores that need all 17 digits come back exact.
	exact := newBoard(t, env, "exact", embedis.LeaderboardOptions{})
	for _, sc := range []float64{0.1, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-300} {
		if e, err := exact.Submit(ctx, fmt.Sprint(sc), sc); err != nil || e.Score != sc {
			t.Errorf("Submit(%v) = %v, %v", sc, e, err)
		}
	}
}

func boardModes(t *testing.T, env Env) {
	ctx := context.Background()
	high := newBoard(t, env, "high", embedis.LeaderboardOptions{})
	submit(t, high, "rival", 12.0)
	for _, st := range []struct {
		score float64
		want  entry
	}{{10, en("p", 10, 2)}, {5, en("p", 10, 2)}, {15, en("p", 15, 1)}, {15, en("p", 15, 1)}} {
		if e, err := high.Submit(ctx, "p", st.score); err != nil || e != st.want {
			t.Errorf("high-first Submit(p, %v) = %v, %v; want %v", st.score, e, err, st.want)
		}
	}
	low := newBoard(t, env, "low", embedis.LeaderboardOptions{LowFirst: true})
	submit(t, low, "rival", 8.0)
	for _, st := range []struct {
		score float64
		want  entry
	}{{10, en("p", 10, 2)}, {15, en("p", 10, 2)}, {5, en("p", 5, 1)}} {
		if e, err := low.Submit(ctx, "p", st.score); err != nil || e != st.want {
			t.Errorf("low-first Submit(p, %v) = %v, %v; want %v", st.score, e, err, st.want)
		}
	}
	add := newBoard(t, env, "points", embedis.LeaderboardOptions{Mode: embedis.AddScore})
	submit(t, add, "rival", 11.0)
	for _, st := range []struct {
		score float64
		want  entry
	}{{10, en("p", 10, 2)}, {5, en("p", 15, 1)}, {-3, en("p", 12, 1)}, {-1.5, en("p", 10.5, 2)}} {
		if e, err := add.Submit(ctx, "p", st.score); err != nil || e != st.want {
			t.Errorf("AddScore Submit(p, %v) = %v, %v; want %v", st.score, e, err, st.want)
		}
	}
	// A sum that would be NaN fails and changes nothing.
	submit(t, add, "inf", math.Inf(1))
	if _, err := add.Submit(ctx, "inf", math.Inf(-1)); !errors.Is(err, embedis.ErrScoreNaN) {
		t.Errorf("+Inf + -Inf: err %v, want ErrScoreNaN", err)
	}
	if e, err := add.Entry(ctx, "inf"); err != nil || !math.IsInf(e.Score, 1) || e.Rank != 1 {
		t.Errorf("Entry(inf) = %v, %v", e, err)
	}
}

func boardAroundPage(t *testing.T, env Env) {
	ctx := context.Background()
	lb := newBoard(t, env, "around", embedis.LeaderboardOptions{})
	for i := 0; i < 10; i++ {
		submit(t, lb, fmt.Sprintf("m%d", i), float64(i)) // m9 ranks 1st, m0 10th
	}
	e := func(i int) entry { return en(fmt.Sprintf("m%d", i), float64(i), int64(10-i)) }
	got, err := lb.Around(ctx, "m5", 2)
	entries(t, "Around(m5, 2)", got, err, e(7), e(6), e(5), e(4), e(3))
	got, err = lb.Around(ctx, "m9", 2)
	entries(t, "Around(m9, 2)", got, err, e(9), e(8), e(7))
	got, err = lb.Around(ctx, "m0", 2)
	entries(t, "Around(m0, 2)", got, err, e(2), e(1), e(0))
	got, err = lb.Around(ctx, "m5", 0)
	entries(t, "Around(m5, 0)", got, err, e(5))
	got, err = lb.Around(ctx, "m5", math.MaxInt)
	entries(t, "Around(m5, MaxInt)", got, err, e(9), e(8), e(7), e(6), e(5), e(4), e(3), e(2), e(1), e(0))
	if _, err := lb.Around(ctx, "nobody", 2); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Around(nobody): err %v, want ErrNotFound", err)
	}
	if _, err := lb.Around(ctx, "m5", -1); !errors.Is(err, embedis.ErrLeaderboardArg) {
		t.Errorf("Around(m5, -1): err %v, want ErrLeaderboardArg", err)
	}

	pages := newBoard(t, env, "pages", embedis.LeaderboardOptions{LowFirst: true})
	for i := 1; i <= 10; i++ {
		submit(t, pages, fmt.Sprintf("m%02d", i), float64(i))
	}
	p := func(i int) entry { return en(fmt.Sprintf("m%02d", i), float64(i), int64(i)) }
	got, err = pages.Page(ctx, 3, 3)
	entries(t, "Page(3, 3)", got, err, p(7), p(8), p(9))
	got, err = pages.Page(ctx, 4, 3)
	entries(t, "Page(4, 3)", got, err, p(10))
	got, err = pages.Page(ctx, 5, 3)
	entries(t, "Page(5, 3)", got, err)
	got, err = pages.Page(ctx, math.MaxInt, math.MaxInt)
	entries(t, "Page(MaxInt, MaxInt)", got, err)
	got, err = pages.Page(ctx, 2, math.MaxInt/2)
	entries(t, "Page(2, MaxInt/2)", got, err)
	for _, bad := range [][2]int{{0, 3}, {1, 0}, {-1, -5}} {
		if _, err := pages.Page(ctx, bad[0], bad[1]); !errors.Is(err, embedis.ErrLeaderboardArg) {
			t.Errorf("Page(%d, %d): err %v, want ErrLeaderboardArg", bad[0], bad[1], err)
		}
	}
	if _, err := pages.Top(ctx, -1); !errors.Is(err, embedis.ErrLeaderboardArg) {
		t.Errorf("Top(-1): err %v, want ErrLeaderboardArg", err)
	}
}

func boardEmptyRemove(t *testing.T, env Env) {
	ctx := context.Background()
	empty := newBoard(t, env, "empty", embedis.LeaderboardOptions{Period: embedis.Daily})
	got, err := empty.Top(ctx, 3)
	entries(t, "Top on an empty board", got, err)
	got, err = empty.Page(ctx, 1, 3)
	entries(t, "Page on an empty board", got, err)
	if _, err := empty.Entry(ctx, "nobody"); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Entry on an empty board: err %v, want ErrNotFound", err)
	}
	if _, err := empty.Around(ctx, "nobody", 1); !errors.Is(err, embedis.ErrNotFound) {
		t.Errorf("Around on an empty board: err %v, want ErrNotFound", err)
	}
	if n, err := empty.Len(ctx); n != 0 || err != nil {
		t.Errorf("Len = %d, %v", n, err)
	}
	if ok, err := empty.Remove(ctx, "nobody"); ok || err != nil {
		t.Errorf("Remove = %v, %v", ok, err)
	}
	if v := Do(t, env, empty.Key(), "EXISTS", empty.Key()); v != int64(0) {
		t.Errorf("reads created %s", empty.Key())
	}

	lb := newBoard(t, env, "rm", embedis.LeaderboardOptions{})
	submit(t, lb, "a", 3.0, "b", 2.0, "c", 1.0)
	if ok, err := lb.Remove(ctx, "a"); !ok || err != nil {
		t.Fatalf("Remove(a) = %v, %v", ok, err)
	}
	if ok, err := lb.Remove(ctx, "a"); ok || err != nil {
		t.Errorf("second Remove(a) = %v, %v", ok, err)
	}
	if e, err := lb.Entry(ctx, "b"); err != nil || e != (en("b", 2, 1)) {
		t.Errorf("Entry(b) = %v, %v", e, err)
	}
	if n, err := lb.Len(ctx); n != 2 || err != nil {
		t.Errorf("Len = %d, %v; want 2", n, err)
	}
	lb.Remove(ctx, "b")
	lb.Remove(ctx, "c")
	if v := Do(t, env, lb.Key(), "EXISTS", lb.Key()); v != int64(0) {
		t.Errorf("an emptied board still exists")
	}
}

func boardErrors(t *testing.T, env Env) {
	ctx := context.Background()
	for _, mode := range []embedis.LeaderboardMode{embedis.KeepBest, embedis.AddScore} {
		lb := newBoard(t, env, fmt.Sprintf("nan%d", mode), embedis.LeaderboardOptions{Mode: mode, Period: embedis.Daily})
		if _, err := lb.Submit(ctx, "p", math.NaN()); !errors.Is(err, embedis.ErrNotFloat) {
			t.Errorf("mode %d: NaN: err %v, want ErrNotFloat", mode, err)
		}
		if n, _ := lb.Len(ctx); n != 0 {
			t.Errorf("mode %d: a NaN submit wrote %d members", mode, n)
		}
	}
	str := newBoard(t, env, "str", embedis.LeaderboardOptions{})
	Do(t, env, str.Key(), "SET", str.Key(), "x")
	if _, err := str.Submit(ctx, "p", 1); !errors.Is(err, embedis.ErrWrongType) {
		t.Errorf("Submit on a string key: err %v, want ErrWrongType", err)
	}
	for what, call := range map[string]func() error{
		"Top":    func() error { _, err := str.Top(ctx, 1); return err },
		"Entry":  func() error { _, err := str.Entry(ctx, "p"); return err },
		"Around": func() error { _, err := str.Around(ctx, "p", 1); return err },
		"Page":   func() error { _, err := str.Page(ctx, 1, 1); return err },
		"Len":    func() error { _, err := str.Len(ctx); return err },
		"Remove": func() error { _, err := str.Remove(ctx, "p"); return err },
	} {
		if err := call(); !errors.Is(err, embedis.ErrWrongType) {
			t.Errorf("%s on a string key: err %v, want ErrWrongType", what, err)
		}
	}
	if v := Do(t, env, str.Key(), "GET", str.Key()); v != "x" {
		t.Errorf("the string key became %#v", v)
	}
	for _, opts := range []embedis.LeaderboardOptions{{Mode: 7}, {Period: -1}, {Period: 9}} {
		if lb, err := embedis.NewLeaderboard(env.Backend, env.Prefix+"x", opts); !errors.Is(err, embedis.ErrLeaderboardArg) {
			t.Errorf("NewLeaderboard(%+v) = %v, %v; want ErrLeaderboardArg", opts, lb, err)
		}
	}
}

// now is the backend's time: the store's clock, or this machine's (the
// redis-server runs on it).
func now(env Env) time.Time {
	if env.Store != nil {
		return env.Store.Now()
	}
	return time.Now()
}

func boardPeriods(t *testing.T, env Env) {
	ctx := context.Background()
	tokyo := time.FixedZone("JST", 9*60*60)
	lb := newBoard(t, env, "g", embedis.LeaderboardOptions{Period: embedis.Daily, Location: tokyo})
	dayKey := func(t time.Time) string { return env.Prefix + "g:daily:" + t.In(tokyo).Format("2006-01-02") }
	before := now(env)
	submit(t, lb, "alice", 10.0)
	after := now(env)
	// The submit went to the day's key (either side of a midnight that
	// passed meanwhile), which expires at the end of the next day in Tokyo.
	key, day := dayKey(before), before
	if v := Do(t, env, key, "EXISTS", key); v != int64(1) {
		key, day = dayKey(after), after
	}
	if v := Do(t, env, key, "ZSCORE", key, "alice"); v != "10" {
		t.Fatalf("ZSCORE %s alice = %#v: the submit is not on the day's key", key, v)
	}
	y, m, d := day.In(tokyo).Date()
	deadline := time.Date(y, m, d+2, 0, 0, 0, 0, tokyo).UnixMilli()
	if v := Do(t, env, key, "PEXPIRETIME", key); v != deadline {
		t.Errorf("PEXPIRETIME %s = %#v, want %d (the end of the next day)", key, v, deadline)
	}
	if k := lb.Key(); k != dayKey(before) && k != dayKey(now(env)) {
		t.Errorf("Key = %q, want %q", k, dayKey(before))
	}

	// Yesterday's board takes a late submit, and lasts until the end of
	// today (Keep 1); the day before yesterday's is gone: a submit to it is
	// refused and writes nothing.
	yesterday := lb.At(day.AddDate(0, 0, -1))
	if e, err := yesterday.Submit(ctx, "bob", 7); err != nil || e != (en("bob", 7, 1)) {
		t.Errorf("yesterday's Submit = %v, %v", e, err)
	}
	ykey := yesterday.Key()
	if ykey != dayKey(day.AddDate(0, 0, -1)) {
		t.Errorf("At(yesterday).Key = %q", ykey)
	}
	if v := Do(t, env, ykey, "PEXPIRETIME", ykey); v != time.Date(y, m, d+1, 0, 0, 0, 0, tokyo).UnixMilli() {
		t.Errorf("PEXPIRETIME of yesterday's %s = %#v, want the end of today", ykey, v)
	}
	got, err := yesterday.Top(ctx, 5)
	entries(t, "yesterday's Top", got, err, en("bob", 7, 1))
	old := lb.At(day.AddDate(0, 0, -2))
	if _, err := old.Submit(ctx, "carol", 1); !errors.Is(err, embedis.ErrLeaderboardExpired) {
		t.Errorf("Submit to an expired day: err %v, want ErrLeaderboardExpired", err)
	}
	if v := Do(t, env, old.Key(), "EXISTS", old.Key()); v != int64(0) {
		t.Errorf("a refused Submit created %s", old.Key())
	}

	// Keys of weeks and months, pinned: ISO weeks, and deadlines.
	w := newBoard(t, env, "w", embedis.LeaderboardOptions{Period: embedis.Weekly, Keep: 2})
	for _, c := range []struct {
		at  time.Time
		key string
	}{
		{time.Date(2025, 12, 28, 23, 59, 59, 0, time.UTC), "w:weekly:2025-W52"},
		{time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), "w:weekly:2026-W01"},
		{time.Date(2027, 1, 3, 12, 0, 0, 0, time.UTC), "w:weekly:2026-W53"},
	} {
		if k := w.At(c.at).Key(); k != env.Prefix+c.key {
			t.Errorf("At(%v).Key = %q, want %q", c.at, k, env.Prefix+c.key)
		}
	}
	wk := w.At(day)
	submit(t, wk, "p", 1.0)
	wy, wm, wd := day.In(time.UTC).Date()
	monday := wd - (int(day.In(time.UTC).Weekday())+6)%7
	if v := Do(t, env, wk.Key(), "PEXPIRETIME", wk.Key()); v != time.Date(wy, wm, monday+21, 0, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("PEXPIRETIME of this week's %s = %#v, want 3 weeks after its Monday", wk.Key(), v)
	}
	mo := newBoard(t, env, "m", embedis.LeaderboardOptions{Period: embedis.Monthly, Keep: -1})
	if k := mo.At(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)).Key(); k != env.Prefix+"m:monthly:2026-11" {
		t.Errorf("monthly Key = %q", k)
	}
	if _, err := mo.At(day.AddDate(0, -1, 0)).Submit(ctx, "p", 1); !errors.Is(err, embedis.ErrLeaderboardExpired) {
		t.Errorf("Submit to last month with Keep -1: err %v, want ErrLeaderboardExpired", err)
	}
}

func boardConcurrent(t *testing.T, env Env) {
	ctx := context.Background()
	lb := newBoard(t, env, "conc", embedis.LeaderboardOptions{Mode: embedis.AddScore, Period: embedis.Daily})
	const workers, each = 8, 40
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Multiples of 1/4 add up exactly in a float64.
				if _, err := lb.Submit(ctx, "shared", float64(w+1)/4); err != nil {
					t.Error(err)
					return
				}
				if i%10 == 0 {
					if _, err := lb.Top(ctx, 3); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	var want float64
	for w := range workers {
		want += float64(w+1) / 4 * each
	}
	// Read the day's board whichever the submits went to: a midnight may
	// have passed while they ran, splitting them over two days.
	var sum float64
	for _, at := range []time.Time{now(env).AddDate(0, 0, -1), now(env)} {
		if e, err := lb.At(at).Entry(ctx, "shared"); err == nil {
			sum += e.Score
		} else if !errors.Is(err, embedis.ErrNotFound) {
			t.Fatal(err)
		}
	}
	if sum != want {
		t.Errorf("the shared score is %v, want %v", sum, want)
	}
}
