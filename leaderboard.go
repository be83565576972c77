package embedis

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// Leaderboards: the classic sorted-set pattern as a small typed helper. A
// board is one sorted set per period (or one for all time); a submit, the
// rank read after it and the expiry of a period's key happen in one step —
// one Atomic turn on the embedded store, one Lua script on Redis — so
// concurrent submits never lose an update and a reader never sees a score
// without its rank.
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

// Leaderboard ranks members by score in a sorted set, optionally one set
// per day, ISO week or month, on a Backend: the embedded Store or a remote
// Redis or Redis Cluster. Create one with NewLeaderboard; it is safe for
// concurrent use, and every method that reads or writes the board runs as
// one step — one Atomic turn embedded, one Lua script on Redis — so two
// callers' Submits never interleave with each other or with a Top, in one
// process or in many sharing a Redis.
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
// reading (Options.Clock) at that call, in Location — on Redis the server's
// clock (TIME), so that processes with different clocks agree; At pins a
// board to another period. Key names are name for AllTime, and
// name:daily:2026-11-28, name:weekly:2026-W48 and name:monthly:2026-11 for
// the periods. A periodic key gets an absolute deadline when it is written:
// the end of its period plus Keep periods (as any Redis key, it is gone
// once the clock is past that instant).
//
// On Redis, time zones and ISO weeks are computed in Go: a step sends the
// key of the period containing the client's estimate of the server's time,
// with the period's bounds, and its script checks them against TIME; if
// the server's time is outside (a period ended in between, or the clocks
// differ), the script changes nothing and answers the server's time, and
// the step is sent again for the period that contains it. The estimate
// learns the difference between the two clocks, so a step takes one round
// trip except around a period's end.
//
// # Cluster
//
// Every step touches exactly one key, the period's sorted set, so it runs
// on the node that serves that key's slot whatever the name: no hash tag
// is needed.
type Leaderboard struct {
	b        Backend
	s        *Store // b.Store(): nil on a remote Redis
	name     string
	mode     LeaderboardMode
	lowFirst bool
	period   LeaderboardPeriod
	keep     int // past periods kept readable, >= 0
	loc      *time.Location
	pinned   bool      // At fixed the period: at is in it
	at       time.Time // meaningful only when pinned

	// Remote only: the client's clock (time.Now; tests skew it) and what
	// the last step learnt the server's clock is ahead of it by, in ms,
	// shared by the boards At makes.
	clientNow func() time.Time
	skew      *atomic.Int64
}

// NewLeaderboard returns the leaderboard called name on b (the key prefix
// of its periods; see Leaderboard). Several Leaderboard values with the
// same name and options share one board, in one process or, on Redis, in
// many. A Mode or Period that is not one of the constants, or a nil b, is
// ErrLeaderboardArg.
func NewLeaderboard(b Backend, name string, opts LeaderboardOptions) (*Leaderboard, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrLeaderboardArg)
	}
	if opts.Mode != KeepBest && opts.Mode != AddScore {
		return nil, fmt.Errorf("%w: unknown LeaderboardMode %d", ErrLeaderboardArg, opts.Mode)
	}
	if opts.Period < AllTime || opts.Period > Monthly {
		return nil, fmt.Errorf("%w: unknown LeaderboardPeriod %d", ErrLeaderboardArg, opts.Period)
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
	return &Leaderboard{b: b, s: b.Store(), name: name, mode: opts.Mode, lowFirst: opts.LowFirst,
		period: opts.Period, keep: keep, loc: loc, clientNow: time.Now, skew: new(atomic.Int64)}, nil
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
// On Redis the current period is the one of this process's estimate of the
// server's clock (see Leaderboard).
func (lb *Leaderboard) Key() string {
	t := lb.at
	if !lb.pinned {
		if lb.s != nil {
			t = lb.s.Now()
		} else {
			t = lb.serverNow()
		}
	}
	return lb.periodAt(t).key
}

// serverNow is the client's estimate of the remote server's clock.
func (lb *Leaderboard) serverNow() time.Time {
	return lb.clientNow().Add(time.Duration(lb.skew.Load()) * time.Millisecond)
}

// boardPeriod is one period of a board: its key, when it begins and ends,
// and the key's deadline (the end plus keep periods). AllTime's has zero
// times.
type boardPeriod struct {
	key                  string
	start, end, deadline time.Time
}

// periodAt returns the period containing t.
func (lb *Leaderboard) periodAt(t time.Time) boardPeriod {
	t = t.In(lb.loc)
	y, m, d := t.Date()
	switch lb.period {
	case Daily:
		return boardPeriod{fmt.Sprintf("%s:daily:%04d-%02d-%02d", lb.name, y, m, d),
			time.Date(y, m, d, 0, 0, 0, 0, lb.loc), time.Date(y, m, d+1, 0, 0, 0, 0, lb.loc),
			time.Date(y, m, d+1+lb.keep, 0, 0, 0, 0, lb.loc)}
	case Weekly:
		wy, w := t.ISOWeek()
		monday := d - (int(t.Weekday())+6)%7
		return boardPeriod{fmt.Sprintf("%s:weekly:%04d-W%02d", lb.name, wy, w),
			time.Date(y, m, monday, 0, 0, 0, 0, lb.loc), time.Date(y, m, monday+7, 0, 0, 0, 0, lb.loc),
			time.Date(y, m, monday+7*(1+lb.keep), 0, 0, 0, 0, lb.loc)}
	case Monthly:
		return boardPeriod{fmt.Sprintf("%s:monthly:%04d-%02d", lb.name, y, m),
			time.Date(y, m, 1, 0, 0, 0, 0, lb.loc), time.Date(y, m+1, 1, 0, 0, 0, 0, lb.loc),
			time.Date(y, m+1+time.Month(lb.keep), 1, 0, 0, 0, 0, lb.loc)}
	}
	return boardPeriod{key: lb.name}
}

// current returns the key and deadline of the period the unit works on.
func (lb *Leaderboard) current(tx *Tx) (string, time.Time) {
	t := lb.at
	if !lb.pinned {
		t = time.UnixMilli(tx.nowMs())
	}
	p := lb.periodAt(t)
	return p.key, p.deadline
}

// boardPrelude begins every leaderboard script. ARGV[1] and ARGV[2] bound
// the server time (ms) the step is meant for, [ARGV[1], ARGV[2]): a
// periodic board's period, or, for a Submit to a pinned board, [0, the
// key's deadline). ARGV[2] = 0 means any time (an AllTime board, or a read
// of a pinned one). Outside the bounds the script changes nothing and
// replies {false, now}; the rest of the script replies {1, result}.
const boardPrelude = `local to = tonumber(ARGV[2])
if to > 0 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if now < tonumber(ARGV[1]) or now >= to then return {false, now} end
end
local key = KEYS[1]
`

// boardRank is the Lua for member m's 0-based rank in the board's order,
// ARGV[3] being "1" on a LowFirst board.
const boardRank = `local function rank(m)
  if ARGV[3] == '1' then return redis.call('ZRANK', key, m) end
  return redis.call('ZREVRANK', key, m)
end
`

// boardRange is the Lua for the members and scores at 0-based positions a
// to b (strings) in the board's order, as a flat WITHSCORES array.
const boardRange = `local function range(a, b)
  if ARGV[3] == '1' then return redis.call('ZRANGE', key, a, b, 'WITHSCORES') end
  return redis.call('ZREVRANGE', key, a, b, 'WITHSCORES')
end
`

var (
	// ARGV[4..7]: "GT", "LT" or "INCR"; the score; the member; the key's
	// deadline in ms ("0": none). Replies {score, rank}.
	boardSubmitScript = NewScript(boardPrelude + boardRank + `local r
if ARGV[4] == 'INCR' then
  r = redis.pcall('ZINCRBY', key, ARGV[5], ARGV[6])
else
  r = redis.pcall('ZADD', key, ARGV[4], ARGV[5], ARGV[6])
end
if type(r) == 'table' then return r end
if ARGV[7] ~= '0' and redis.call('PEXPIRETIME', key) ~= tonumber(ARGV[7]) then
  redis.call('PEXPIREAT', key, ARGV[7])
end
return {1, {redis.call('ZSCORE', key, ARGV[6]), rank(ARGV[6])}}`)

	// ARGV[4]: the member. Replies {score, rank}, or false if not there.
	boardEntryScript = NewScript(boardPrelude + boardRank + `local s = redis.call('ZSCORE', key, ARGV[4])
if not s then return {1, false} end
return {1, {s, rank(ARGV[4])}}`)

	// ARGV[4], ARGV[5]: the first and last positions. Replies the range.
	boardRangeScript = NewScript(boardPrelude + boardRange + `return {1, range(ARGV[4], ARGV[5])}`)

	// ARGV[4]: the member; ARGV[5]: how many on each side (at most 2^53).
	// Replies {first position, range}, or false if not there.
	boardAroundScript = NewScript(boardPrelude + boardRank + boardRange + `local r = rank(ARGV[4])
if not r then return {1, false} end
local n = tonumber(ARGV[5])
local first = math.max(r - n, 0)
return {1, {first, range(string.format('%d', first), string.format('%d', r + n))}}`)

	// ARGV[4]: the member. Replies ZREM's count.
	boardRemoveScript = NewScript(boardPrelude + `return {1, redis.call('ZREM', key, ARGV[4])}`)

	// Replies ZCARD.
	boardLenScript = NewScript(boardPrelude + `return {1, redis.call('ZCARD', key)}`)
)

// run runs one step of the board on the remote backend: script on the
// period's key with the prelude's bounds and args after them, again for
// the server's period when the server's clock is outside the one sent (at
// most a few times: each retry is for the period containing the server's
// time a moment before). It returns the script's result; for a Submit to a
// pinned board whose deadline the server's clock has passed,
// ErrLeaderboardExpired.
func (lb *Leaderboard) run(ctx context.Context, script *Script, submit bool, args ...any) (any, error) {
	t := lb.at
	if !lb.pinned {
		t = lb.serverNow()
	}
	for attempt := 0; attempt < 4; attempt++ {
		p := lb.periodAt(t)
		var from, to int64
		switch {
		case lb.period == AllTime:
		case lb.pinned && submit:
			to = p.deadline.UnixMilli()
		case !lb.pinned:
			from, to = p.start.UnixMilli(), p.end.UnixMilli()
		}
		argv := append([]any{from, to, boolArg(lb.lowFirst)}, args...)
		if submit && lb.period != AllTime {
			argv = append(argv, p.deadline.UnixMilli())
		} else if submit {
			argv = append(argv, 0)
		}
		v, err := lb.b.Run(ctx, script, []string{p.key}, argv...)
		if err != nil {
			return nil, remoteError(err)
		}
		reply, _ := v.([]any)
		if len(reply) == 2 && reply[0] == int64(1) {
			return reply[1], nil
		}
		now, ok := int64(0), false
		if len(reply) == 2 && reply[0] == nil {
			now, ok = reply[1].(int64)
		}
		if !ok {
			return nil, fmt.Errorf("%w: %#v", ErrBackendReply, v)
		}
		lb.skew.Store(now - lb.clientNow().UnixMilli())
		if lb.pinned {
			return nil, ErrLeaderboardExpired
		}
		t = time.UnixMilli(now)
	}
	return nil, fmt.Errorf("%w: the period changed on every one of 4 attempts", ErrBackendReply)
}

// boolArg is a flag for a script: "1" or "0".
func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// remoteEntry converts a script's {score, rank} for member.
func remoteEntry(v any, member string) (LeaderboardEntry, error) {
	if v == nil {
		return LeaderboardEntry{}, ErrNotFound
	}
	pair, _ := v.([]any)
	if len(pair) == 2 {
		s, ok1 := pair[0].(string)
		r, ok2 := pair[1].(int64)
		if score, err := strconv.ParseFloat(s, 64); ok1 && ok2 && err == nil {
			return LeaderboardEntry{Member: member, Score: score, Rank: r + 1}, nil
		}
	}
	return LeaderboardEntry{}, fmt.Errorf("%w: %#v", ErrBackendReply, v)
}

// remoteRange converts a flat WITHSCORES array whose first entry is at
// 0-based position first.
func remoteRange(v any, first int64) ([]LeaderboardEntry, error) {
	flat, ok := v.([]any)
	if !ok || len(flat)%2 != 0 {
		return nil, fmt.Errorf("%w: %#v", ErrBackendReply, v)
	}
	out := make([]LeaderboardEntry, len(flat)/2)
	for i := range out {
		m, ok1 := flat[2*i].(string)
		s, ok2 := flat[2*i+1].(string)
		score, err := strconv.ParseFloat(s, 64)
		if !ok1 || !ok2 || err != nil {
			return nil, fmt.Errorf("%w: %#v", ErrBackendReply, v)
		}
		out[i] = LeaderboardEntry{Member: m, Score: score, Rank: first + int64(i) + 1}
	}
	return out, nil
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
	if lb.s == nil {
		mode := "GT"
		switch {
		case lb.mode == AddScore:
			mode = "INCR"
		case lb.lowFirst:
			mode = "LT"
		}
		v, err := lb.run(ctx, boardSubmitScript, true, mode, strconv.FormatFloat(score, 'g', -1, 64), member)
		if err != nil {
			return LeaderboardEntry{}, err
		}
		return remoteEntry(v, member)
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
	if lb.s == nil {
		v, err := lb.run(ctx, boardEntryScript, false, member)
		if err != nil {
			return LeaderboardEntry{}, err
		}
		return remoteEntry(v, member)
	}
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
	if lb.s == nil {
		return lb.remoteByRank(ctx, 0, int64(n)-1)
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
	if lb.s == nil {
		// No board holds 2^53 members: more changes nothing, and keeps the
		// script's arithmetic exact.
		v, err := lb.run(ctx, boardAroundScript, false, member, min(int64(n), 1<<53))
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, ErrNotFound
		}
		pair, _ := v.([]any)
		if len(pair) == 2 {
			if first, ok := pair[0].(int64); ok {
				return remoteRange(pair[1], first)
			}
		}
		return nil, fmt.Errorf("%w: %#v", ErrBackendReply, v)
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
	if lb.s == nil {
		return lb.remoteByRank(ctx, p*sz, p*sz+sz-1)
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
	if lb.s == nil {
		v, err := lb.run(ctx, boardRemoveScript, false, member)
		if err != nil {
			return false, err
		}
		n, ok := v.(int64)
		if !ok {
			return false, fmt.Errorf("%w: %#v", ErrBackendReply, v)
		}
		return n > 0, nil
	}
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
	if lb.s == nil {
		v, err := lb.run(ctx, boardLenScript, false)
		if err != nil {
			return 0, err
		}
		n, ok := v.(int64)
		if !ok {
			return 0, fmt.Errorf("%w: %#v", ErrBackendReply, v)
		}
		return n, nil
	}
	var n int64
	err := lb.s.Atomic(ctx, func(tx *Tx) error {
		key, _ := lb.current(tx)
		var err error
		n, err = tx.ZCard(key)
		return err
	})
	return n, err
}

// remoteByRank is byRank as one script on the remote backend.
func (lb *Leaderboard) remoteByRank(ctx context.Context, first, last int64) ([]LeaderboardEntry, error) {
	v, err := lb.run(ctx, boardRangeScript, false, first, last)
	if err != nil {
		return nil, err
	}
	return remoteRange(v, first)
}
