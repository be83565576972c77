package embedis

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Leaderboards: the classic sorted-set pattern as a small typed helper. A
// board is one sorted set per period (or one for all time); a submit, the
// rank read after it and the expiry of a period's key happen in one Atomic
// turn, so concurrent submits never lose an update and a reader never sees
// a score without its rank.
//
// Periodic keys carry an absolute deadline (PEXPIREAT) at the end of their
// period plus Keep periods, set when the key is written, so old boards clean
// up after themselves and the effect stream replays them exactly.

// LeaderboardMode is how Submit combines a new score with a member's
// current one.
type LeaderboardMode int

const (
	// KeepBest keeps the member's best score: the highest (ZADD GT), or the
	// lowest on a LowFirst board (ZADD LT). A worse score changes nothing.
	KeepBest LeaderboardMode = iota
	// AddScore adds the submitted score to the member's score (ZINCRBY); a
	// new member starts at 0.
	AddScore
)

// LeaderboardPeriod is how often a board starts afresh. Each period has its
// own key; boundaries are midnights in LeaderboardOptions.Location.
type LeaderboardPeriod int

const (
	// AllTime is one board that never resets and never expires.
	AllTime LeaderboardPeriod = iota
	// Daily boards run from midnight to midnight.
	Daily
	// Weekly boards follow ISO 8601 weeks: Monday 00:00 to the next Monday,
	// numbered by ISO week-year, so the days of late December can belong to
	// week 1 of the next year and those of early January to week 52 or 53
	// of the previous one.
	Weekly
	// Monthly boards run from the 1st of a month to the 1st of the next.
	Monthly
)

// LeaderboardOptions configure a Leaderboard. The zero value is an all-time
// board that keeps each member's highest score.
type LeaderboardOptions struct {
	// Mode is how Submit combines scores: KeepBest (the default) or AddScore.
	Mode LeaderboardMode

	// LowFirst ranks lower scores first (race times, golf). The default
	// ranks higher scores first.
	LowFirst bool

	// Period is how often the board starts afresh: AllTime (the default),
	// Daily, Weekly or Monthly.
	Period LeaderboardPeriod

	// Keep is how many past periods stay readable (through At) before their
	// keys expire: a period's key expires at the end of the period plus Keep
	// periods. Zero means 1 (yesterday's daily board lasts until the end of
	// today); a negative Keep means none (the key expires when its period
	// ends). Ignored for AllTime.
	Keep int

	// Location is where period boundaries fall. Nil means UTC.
	Location *time.Location
}

// LeaderboardEntry is a member's place on a board.
type LeaderboardEntry struct {
	Member string
	Score  float64
	// Rank is the 1-based position in the board's order; no two members
	// share a rank (see Leaderboard for how ties are ordered).
	Rank int64
}

// Leaderboard ranks members by score in a sorted set of a Store, optionally
// one set per day, ISO week or month. Create one with NewLeaderboard; it is
// safe for concurrent use, and every method that reads or writes the board
// runs in one Atomic turn (two callers' Submits never interleave with each
// other or with a Top).
//
// # Order and ties
//
// A high-first board (the default) ranks the highest score first; a LowFirst
// board the lowest. Members with equal scores are ordered by their bytes, as
// Redis orders them: descending on a high-first board (ZREVRANGE's order, so
// "bob" ranks before "alice" at the same score) and ascending on a LowFirst
// board (ZRANGE's order). Rank is the 1-based position in that order: equal
// scores get consecutive ranks, never a shared one.
//
// To rank the earlier of two equal scores first, fold the time into the
// score of a KeepBest board: on a high-first board with whole-number points,
// submit float64(points) + (1 - float64(unixSeconds)/1e10), so that a later
// submission has a smaller fraction (and, with the same points, does not
// beat the earlier one); on a LowFirst board add float64(unixSeconds)/1e10
// instead. float64's 53-bit mantissa keeps second resolution for points up
// to a few hundred thousand. This does not suit AddScore boards, where the
// fractions would add up.
//
// # Periods and time
//
// The period a call works on is the one containing the Store's clock
// reading (Options.Clock) at that call, in Location; At pins a board to
// another period. Key names are name for AllTime, and name:daily:2026-11-28,
// name:weekly:2026-W48 and name:monthly:2026-11 for the periods. A periodic
// key gets an absolute deadline when it is written: the end of its period
// plus Keep periods (as any Redis key, it is gone once the clock is past
// that instant).
type Leaderboard struct {
	s        *Store
	name     string
	mode     LeaderboardMode
	lowFirst bool
	period   LeaderboardPeriod
	keep     int // past periods kept readable, >= 0
	loc      *time.Location
	pinned   bool      // At fixed the period: at is in it
	at       time.Time // meaningful only when pinned
}

// NewLeaderboard returns the leaderboard called name in s (the key prefix of
// its periods; see Leaderboard). Several Leaderboard values with the same
// name and options share one board. It panics on a Mode or Period that is
// not one of the constants.
func NewLeaderboard(s *Store, name string, opts LeaderboardOptions) *Leaderboard {
	if opts.Mode != KeepBest && opts.Mode != AddScore {
		panic(fmt.Sprintf("embedis: NewLeaderboard: unknown LeaderboardMode %d", opts.Mode))
	}
	if opts.Period < AllTime || opts.Period > Monthly {
		panic(fmt.Sprintf("embedis: NewLeaderboard: unknown LeaderboardPeriod %d", opts.Period))
	}
	keep := opts.Keep
	switch {
	case keep == 0:
		keep = 1
	case keep < 0:
		keep = 0
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Leaderboard{s: s, name: name, mode: opts.Mode, lowFirst: opts.LowFirst,
		period: opts.Period, keep: keep, loc: loc}
}

// At returns the same board pinned to the period containing t, to read (or
// late-submit to) a past period: lb.At(now.AddDate(0, 0, -1)) is yesterday's
// daily board. A pinned board's Submit returns ErrLeaderboardExpired once
// that period's key has expired. On an AllTime board At changes nothing.
func (lb *Leaderboard) At(t time.Time) *Leaderboard {
	c := *lb
	c.pinned, c.at = true, t
	return &c
}

// Key returns the key of the board's current period (of its pinned period
// after At): name for AllTime, otherwise name:daily:YYYY-MM-DD,
// name:weekly:YYYY-Www (ISO week-year and week) or name:monthly:YYYY-MM.
func (lb *Leaderboard) Key() string {
	t := lb.at
	if !lb.pinned {
		t = lb.s.Now()
	}
	key, _ := lb.periodAt(t)
	return key
}

// periodAt returns the key of the period containing t and the deadline of
// that key: the end of the period plus keep periods (zero for AllTime).
func (lb *Leaderboard) periodAt(t time.Time) (string, time.Time) {
	t = t.In(lb.loc)
	y, m, d := t.Date()
	switch lb.period {
	case Daily:
		return fmt.Sprintf("%s:daily:%04d-%02d-%02d", lb.name, y, m, d),
			time.Date(y, m, d+1+lb.keep, 0, 0, 0, 0, lb.loc)
	case Weekly:
		wy, w := t.ISOWeek()
		monday := d - (int(t.Weekday())+6)%7
		return fmt.Sprintf("%s:weekly:%04d-W%02d", lb.name, wy, w),
			time.Date(y, m, monday+7*(1+lb.keep), 0, 0, 0, 0, lb.loc)
	case Monthly:
		return fmt.Sprintf("%s:monthly:%04d-%02d", lb.name, y, m),
			time.Date(y, m+1+time.Month(lb.keep), 1, 0, 0, 0, 0, lb.loc)
	}
	return lb.name, time.Time{}
}

// current returns the key and deadline of the period the unit works on.
func (lb *Leaderboard) current(tx *Tx) (string, time.Time) {
	t := lb.at
	if !lb.pinned {
		t = time.UnixMilli(tx.nowMs())
	}
	return lb.periodAt(t)
}

// Submit records score for member and returns the member's entry after it:
// its score and rank now. With KeepBest a score that does not beat the
// member's best changes nothing, and the entry shows the best (compare
// entry.Score with score to tell); with AddScore the entry shows the sum.
// A NaN score is ErrNotFloat; with AddScore, a sum that would be NaN
// (+Inf plus -Inf) is ErrScoreNaN; ErrWrongType if the period's key holds
// another type. A failed Submit changes nothing.
func (lb *Leaderboard) Submit(ctx context.Context, member string, score float64) (LeaderboardEntry, error) {
	if math.IsNaN(score) {
		return LeaderboardEntry{}, ErrNotFloat
	}
	var e LeaderboardEntry
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, deadline := lb.current(tx)
		if !deadline.IsZero() && deadline.UnixMilli() <= tx.nowMs() {
			return ErrLeaderboardExpired
		}
		var err error
		if lb.mode == AddScore {
			_, err = tx.ZIncrBy(key, score, member)
		} else {
			_, err = tx.ZAddArgs(key, ZAddArgs{GT: !lb.lowFirst, LT: lb.lowFirst, Members: []Z{{score, member}}})
		}
		if err != nil {
			return err
		}
		if !deadline.IsZero() {
			// Set once per key: later submits find it and emit nothing.
			if at, _ := tx.PExpireTime(key); at != deadline.UnixMilli() {
				if _, err := tx.PExpireAt(key, deadline); err != nil {
					return err
				}
			}
		}
		e, err = lb.entry(tx, key, member)
		return err
	})
	return e, err
}

// Entry returns member's score and rank; ErrNotFound if member is not on the
// board (or the period has no board yet).
func (lb *Leaderboard) Entry(ctx context.Context, member string) (LeaderboardEntry, error) {
	var e LeaderboardEntry
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		var err error
		e, err = lb.entry(tx, key, member)
		return err
	})
	return e, err
}

func (lb *Leaderboard) entry(tx *Tx, key, member string) (LeaderboardEntry, error) {
	score, err := tx.ZScore(key, member)
	if err != nil {
		return LeaderboardEntry{}, err
	}
	r, err := lb.rank(tx, key, member)
	if err != nil {
		return LeaderboardEntry{}, err
	}
	return LeaderboardEntry{Member: member, Score: score, Rank: r + 1}, nil
}

// rank returns member's 0-based position in the board's order.
func (lb *Leaderboard) rank(tx *Tx, key, member string) (int64, error) {
	if lb.lowFirst {
		return tx.ZRank(key, member)
	}
	return tx.ZRevRank(key, member)
}

// byRank returns the entries at 0-based positions first to last inclusive
// (clamped to the board) in the board's order.
func (lb *Leaderboard) byRank(tx *Tx, key string, first, last int64) ([]LeaderboardEntry, error) {
	var zs []Z
	var err error
	if lb.lowFirst {
		zs, err = tx.ZRangeWithScores(key, first, last)
	} else {
		zs, err = tx.ZRevRangeWithScores(key, first, last)
	}
	if err != nil {
		return nil, err
	}
	out := make([]LeaderboardEntry, len(zs))
	for i, z := range zs {
		out[i] = LeaderboardEntry{Member: z.Member, Score: z.Score, Rank: first + int64(i) + 1}
	}
	return out, nil
}

// Top returns the first n entries in rank order, fewer if the board is
// smaller; an empty slice for n == 0 or an empty board. A negative n is
// ErrLeaderboardArg.
func (lb *Leaderboard) Top(ctx context.Context, n int) ([]LeaderboardEntry, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: Top(%d): n must not be negative", ErrLeaderboardArg, n)
	}
	if n == 0 {
		return []LeaderboardEntry{}, nil
	}
	var out []LeaderboardEntry
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		var err error
		out, err = lb.byRank(tx, key, 0, int64(n)-1)
		return err
	})
	return out, err
}

// Around returns member's entry with up to n entries ranked above it and n
// below, in rank order: fewer at the top or bottom of the board, and just
// the member's own entry for n == 0. ErrNotFound if member is not on the
// board; a negative n is ErrLeaderboardArg.
func (lb *Leaderboard) Around(ctx context.Context, member string, n int) ([]LeaderboardEntry, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: Around(%q, %d): n must not be negative", ErrLeaderboardArg, member, n)
	}
	var out []LeaderboardEntry
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		r, err := lb.rank(tx, key, member)
		if err != nil {
			return err
		}
		first, last := max(r-int64(n), 0), r+int64(n)
		if last < r { // overflow
			last = math.MaxInt64
		}
		out, err = lb.byRank(tx, key, first, last)
		return err
	})
	return out, err
}

// Page returns page number page (1-based) of the board cut into pages of
// size entries: ranks (page-1)*size+1 to page*size. A page past the end is
// empty; a page or size below 1 is ErrLeaderboardArg.
func (lb *Leaderboard) Page(ctx context.Context, page, size int) ([]LeaderboardEntry, error) {
	if page < 1 || size < 1 {
		return nil, fmt.Errorf("%w: Page(%d, %d): page and size start at 1", ErrLeaderboardArg, page, size)
	}
	p, sz := int64(page-1), int64(size)
	if p > (math.MaxInt64-sz)/sz { // past any board that fits in memory
		return []LeaderboardEntry{}, nil
	}
	var out []LeaderboardEntry
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		var err error
		out, err = lb.byRank(tx, key, p*sz, p*sz+sz-1)
		return err
	})
	return out, err
}

// Remove takes member off the board and reports whether it was there. A
// board left empty is deleted.
func (lb *Leaderboard) Remove(ctx context.Context, member string) (bool, error) {
	var removed bool
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		n, err := tx.ZRem(key, member)
		removed = n > 0
		return err
	})
	return removed, err
}

// Len returns the number of members on the board; 0 if the period has no
// board yet (or it has expired).
func (lb *Leaderboard) Len(ctx context.Context) (int64, error) {
	var n int64
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		var err error
		n, err = tx.ZCard(key)
		return err
	})
	return n, err
}
