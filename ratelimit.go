package embedis

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Rate limiting: five classic algorithms behind one type, each written
// twice with the same integer arithmetic — in Go, as one Atomic turn on an
// embedded Store, and in Lua, as one script on a remote Redis — so that a
// limiter answers the same on both backends.
//
// Time is whole milliseconds on both sides: the store's clock reading
// inside the turn, redis.call('TIME') truncated to the millisecond in the
// script (server time, so that several processes sharing a Redis agree).
//
// Rates that do not divide their period (3 per second: one every 333⅓ ms)
// are kept exact by counting time in units of 1/Rate ms (GCRA) and tokens in
// units of 1/Period_ms of a token (token bucket), so every quantity is an
// integer: a burst of B is exactly B events, however many calls it took,
// with no float rounding at the edge. The bounds checked at construction
// (Rate×Period and Burst×Period at most 2^50 ms) keep every intermediate
// value below 2^53, where Lua's numbers (doubles) are still exact integers.

// RateLimitAlgorithm is how a RateLimiter decides.
type RateLimitAlgorithm int

const (
	// GCRA (generic cell rate algorithm, the default) admits a burst of
	// Burst events, then one every Period/Rate (the emission interval),
	// keeping one timestamp per key: the theoretical arrival time (TAT).
	// Its arithmetic is github.com/go-redis/redis_rate/v10's: emission
	// interval Period/Rate, tolerance Burst×interval, an event of cost n
	// admitted when now ≥ max(TAT, now) + n×interval − tolerance. It
	// behaves as a token bucket of Burst tokens refilled at Rate per Period.
	GCRA RateLimitAlgorithm = iota
	// TokenBucket holds up to Burst tokens, refilled continuously at Rate
	// per Period; an event of cost n takes n tokens or is refused. The
	// state is the token count and the time it was counted.
	TokenBucket
	// FixedWindow counts events in windows of Period aligned to the Unix
	// epoch (a 1-minute window starts on the minute) and admits Rate per
	// window. Up to 2×Rate events can pass around a window boundary.
	FixedWindow
	// SlidingWindowLog keeps one sorted-set member per admitted event,
	// scored by its time, and admits an event while fewer than Rate were
	// admitted in the last Period: exact, and the state grows with Rate.
	SlidingWindowLog
	// SlidingWindowCounter keeps the counts of the current and the previous
	// epoch-aligned window, and estimates the events of the last Period as
	// previous×(the share of the previous window still inside the last
	// Period) + current; it admits while the estimate stays within Rate.
	SlidingWindowCounter
)

// String returns the algorithm's name as written in this package
// ("GCRA", "TokenBucket", …).
func (a RateLimitAlgorithm) String() string {
	switch a {
	case GCRA:
		return "GCRA"
	case TokenBucket:
		return "TokenBucket"
	case FixedWindow:
		return "FixedWindow"
	case SlidingWindowLog:
		return "SlidingWindowLog"
	case SlidingWindowCounter:
		return "SlidingWindowCounter"
	}
	return "RateLimitAlgorithm(" + strconv.Itoa(int(a)) + ")"
}

// RateLimiterOptions configure a RateLimiter: Rate events per Period, by
// Algorithm. PerSecond, PerMinute and PerHour make the common ones. There
// is no usable zero value: Rate, Period and (for GCRA and TokenBucket)
// Burst must be set, and NewRateLimiter refuses zero or negative ones with
// an error that matches ErrRateLimitOptions.
type RateLimiterOptions struct {
	// Algorithm is GCRA (the zero value), TokenBucket, FixedWindow,
	// SlidingWindowLog or SlidingWindowCounter.
	Algorithm RateLimitAlgorithm

	// Rate is how many events are admitted per Period, at least 1.
	Rate int64

	// Period is the time Rate is counted over: at least a millisecond and
	// a whole number of milliseconds (both backends count time in
	// milliseconds).
	Period time.Duration

	// Burst is, for GCRA and TokenBucket, the most events admitted at once
	// (the bucket's size), at least 1. A window admits at most Rate at
	// once by nature, so for the window algorithms Burst must be 0 or equal
	// to Rate (as PerSecond and its kin set it).
	Burst int64
}

// PerSecond returns options for rate events per second with a burst of
// rate, by GCRA; set Algorithm on the result for another algorithm.
func PerSecond(rate int64) RateLimiterOptions {
	return RateLimiterOptions{Rate: rate, Period: time.Second, Burst: rate}
}

// PerMinute returns options for rate events per minute with a burst of
// rate, by GCRA.
func PerMinute(rate int64) RateLimiterOptions {
	return RateLimiterOptions{Rate: rate, Period: time.Minute, Burst: rate}
}

// PerHour returns options for rate events per hour with a burst of rate,
// by GCRA.
func PerHour(rate int64) RateLimiterOptions {
	return RateLimiterOptions{Rate: rate, Period: time.Hour, Burst: rate}
}

// RateLimitResult is the answer of one AllowN: the same fields for every
// algorithm and backend. Durations are whole milliseconds, rounded up.
type RateLimitResult struct {
	// Allowed reports whether the n events were admitted (all of them; a
	// limiter never admits part of a call). A peek (n = 0) is always
	// allowed.
	Allowed bool

	// Remaining is how many more single events would be admitted right
	// now, after this call. (github.com/go-redis/redis_rate reports 0 for
	// every refused call; here a refused AllowN of several events still
	// reports the single events that would pass.)
	Remaining int64

	// RetryAfter is, when the call was refused, how long until the same
	// call would be admitted if nothing else happened meanwhile; 0 when it
	// was admitted (redis_rate reports -1 there).
	RetryAfter time.Duration

	// ResetAfter is how long until the key is back to its initial state
	// (Remaining equal to Limit) if nothing else happens; 0 when it is
	// there already. The key's state expires then (its TTL).
	ResetAfter time.Duration

	// Limit is the most events admitted at once: Burst for GCRA and
	// TokenBucket, Rate for the window algorithms.
	Limit int64
}

// RateLimiter admits or refuses events per key (a user, an IP address, an
// API token) by one of five algorithms (RateLimitAlgorithm), with its state
// on a Backend: an embedded Store or a remote Redis (goredis.New). Create
// one with NewRateLimiter; it is safe for concurrent use, and every decision
// is one atomic step, so callers in any number of goroutines — and, on a
// remote Redis, in any number of processes — share one limit exactly.
//
// # Keys
//
// The state of key k is one Redis key, name:{k} (the hash tag is k, so each
// limited key can live on any Cluster node). It expires by itself once the
// limiter would be back to its initial state for k (ResetAfter), so idle
// keys cost nothing. Its value, by algorithm, for a look in redis-cli:
//
//   - GCRA: a string "<TAT> <frac>": the theoretical arrival time in Unix
//     ms plus frac/Rate ms.
//   - TokenBucket: a string "<tokens> <at>": tokens×Period_ms at Unix ms at.
//   - FixedWindow: a string "<window> <count>", window being
//     UnixMs/Period_ms.
//   - SlidingWindowCounter: a string "<window> <count> <previous count>".
//   - SlidingWindowLog: a sorted set, one member "<ms>-<i>" per admitted
//     event, scored by its Unix ms.
//
// # Time
//
// Embedded, a decision reads the store's Clock (Options.Clock) once, at
// millisecond resolution, inside its Atomic turn: on a ManualClock the
// answers are exact and repeatable. On Redis the script reads the server's
// TIME, truncated to the millisecond, so processes with skewed clocks still
// share one timeline. RetryAfter and ResetAfter are whole milliseconds,
// rounded up.
//
// A value that is not in its algorithm's form (another limiter's, or
// anything written by hand) is taken as an empty state and overwritten at
// the next admitted event; a key of another type is ErrWrongType (the
// server's WRONGTYPE on Redis). Two limiters with the same name and
// different options or algorithms must not be used together.
type RateLimiter struct {
	b     Backend
	s     *Store // b.Store(): nil on a remote backend
	name  string
	algo  RateLimitAlgorithm
	rate  int64
	per   int64 // Period in ms
	burst int64
	limit int64 // Burst or Rate: what Result.Limit reports
}

// rateLimitMaxProduct bounds Rate×Period_ms and Burst×Period_ms, so that
// every intermediate value of the algorithms stays below 2^53 (exact in
// Lua's doubles) with room for the sums and products they form.
const rateLimitMaxProduct = 1 << 50

// rateLimitMaxLog bounds a SlidingWindowLog's Rate: its state is one
// sorted-set member per event of the last Period, so Rate bounds its size
// (and the members one AllowN adds).
const rateLimitMaxLog = 1 << 20

// NewRateLimiter returns the rate limiter called name (the prefix of its
// keys; see RateLimiter) on b, with opts. Several RateLimiter values with
// the same name and options share their limits, on one backend, in one
// process or many. Options out of range — Rate, Burst or Period zero or
// negative, a Period not a whole number of milliseconds, a window
// algorithm's Burst other than 0 or Rate, Rate×Period or Burst×Period
// (in ms) above 2^50, a SlidingWindowLog Rate above 2^20 (1,048,576: the
// log keeps a member per event), an unknown Algorithm — are an error matching
// ErrRateLimitOptions that names the field and its value.
func NewRateLimiter(b Backend, name string, opts RateLimiterOptions) (*RateLimiter, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrRateLimitOptions)
	}
	l := &RateLimiter{b: b, s: b.Store(), name: name, algo: opts.Algorithm, rate: opts.Rate, burst: opts.Burst}
	if opts.Algorithm < GCRA || opts.Algorithm > SlidingWindowCounter {
		return nil, fmt.Errorf("%w: unknown Algorithm %d", ErrRateLimitOptions, int(opts.Algorithm))
	}
	if opts.Rate <= 0 {
		return nil, fmt.Errorf("%w: Rate %d: must be at least 1", ErrRateLimitOptions, opts.Rate)
	}
	if opts.Period < time.Millisecond || opts.Period%time.Millisecond != 0 {
		return nil, fmt.Errorf("%w: Period %v: must be a positive whole number of milliseconds", ErrRateLimitOptions, opts.Period)
	}
	l.per = opts.Period.Milliseconds()
	switch opts.Algorithm {
	case GCRA, TokenBucket:
		if opts.Burst <= 0 {
			return nil, fmt.Errorf("%w: Burst %d: must be at least 1 for %v", ErrRateLimitOptions, opts.Burst, opts.Algorithm)
		}
		l.limit = opts.Burst
	default:
		if opts.Burst != 0 && opts.Burst != opts.Rate {
			return nil, fmt.Errorf("%w: Burst %d: %v admits Rate (%d) at once; set Burst to 0 or Rate", ErrRateLimitOptions, opts.Burst, opts.Algorithm, opts.Rate)
		}
		l.burst = opts.Rate
		l.limit = opts.Rate
	}
	if opts.Algorithm == SlidingWindowLog && opts.Rate > rateLimitMaxLog {
		return nil, fmt.Errorf("%w: Rate %d: SlidingWindowLog keeps a member per event, at most %d", ErrRateLimitOptions, opts.Rate, rateLimitMaxLog)
	}
	if opts.Rate > rateLimitMaxProduct/l.per || l.burst > rateLimitMaxProduct/l.per {
		return nil, fmt.Errorf("%w: Rate %d, Burst %d per %v: Rate×Period and Burst×Period must be at most 2^50 ms", ErrRateLimitOptions, opts.Rate, opts.Burst, opts.Period)
	}
	return l, nil
}

// Limit returns the most events the limiter admits at once (Burst for GCRA
// and TokenBucket, Rate for the window algorithms): RateLimitResult.Limit.
func (l *RateLimiter) Limit() int64 { return l.limit }

// key returns the Redis key of a limited key's state.
func (l *RateLimiter) key(k string) string { return l.name + ":{" + k + "}" }

// Allow is AllowN(ctx, key, 1): it admits or refuses one event.
func (l *RateLimiter) Allow(ctx context.Context, key string) (RateLimitResult, error) {
	return l.AllowN(ctx, key, 1)
}

// AllowN admits n events for key now, or none: Allowed reports which. n = 0
// peeks: it reports Remaining and ResetAfter and changes nothing. n below 0
// or above Limit (a call that could never be admitted) is an error matching
// ErrRateLimitN; a closed store or a failing backend returns its error. The
// context bounds the wait for the store or the server.
func (l *RateLimiter) AllowN(ctx context.Context, key string, n int64) (RateLimitResult, error) {
	if n < 0 || n > l.limit {
		return RateLimitResult{}, fmt.Errorf("%w: n = %d, limit %d", ErrRateLimitN, n, l.limit)
	}
	k := l.key(key)
	var d rateDecision
	if l.s != nil {
		err := l.s.Atomic(ctx, func(tx *Tx) error {
			var err error
			d, err = l.decide(tx, k, n)
			return err
		})
		if err != nil {
			return RateLimitResult{}, err
		}
	} else {
		reply, err := l.b.Run(ctx, rateLimitScripts[l.algo], []string{k}, n, l.rate, l.per, l.burst)
		if err != nil {
			return RateLimitResult{}, err
		}
		if d, err = parseRateReply(reply); err != nil {
			return RateLimitResult{}, err
		}
	}
	return RateLimitResult{
		Allowed:    d.allowed,
		Remaining:  d.remaining,
		RetryAfter: time.Duration(d.retryMs) * time.Millisecond,
		ResetAfter: time.Duration(d.resetMs) * time.Millisecond,
		Limit:      l.limit,
	}, nil
}

// Reset forgets key's state: its next event sees a fresh limit.
func (l *RateLimiter) Reset(ctx context.Context, key string) error {
	k := l.key(key)
	if l.s != nil {
		_, err := l.s.Del(ctx, k)
		return err
	}
	_, err := l.b.Run(ctx, rateLimitResetScript, []string{k})
	return err
}

// Wait is WaitN(ctx, key, 1).
func (l *RateLimiter) Wait(ctx context.Context, key string) (RateLimitResult, error) {
	return l.WaitN(ctx, key, 1)
}

// WaitN waits until n events for key are admitted and returns the admitting
// result. It asks the limiter, sleeps RetryAfter when refused, and asks
// again (others may take the capacity meanwhile, so it may sleep more than
// once). When the context's deadline comes before RetryAfter would, it
// returns at once, without sleeping, an error that matches both
// context.DeadlineExceeded and ErrRateLimitDeadline (errors.Is); a context cancelled while it sleeps
// ends it with the context's error. On an embedded store the sleep is on
// the store's Clock (a ManualClock's Advance wakes it); the deadline is
// compared with the wall clock, as the context keeps it. n outside 0..Limit
// is ErrRateLimitN at once.
func (l *RateLimiter) WaitN(ctx context.Context, key string, n int64) (RateLimitResult, error) {
	for {
		r, err := l.AllowN(ctx, key, n)
		if err != nil || r.Allowed {
			return r, err
		}
		wait := max(r.RetryAfter, time.Millisecond) // never a busy loop
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return r, fmt.Errorf("%w (%v away): %w", ErrRateLimitDeadline, r.RetryAfter, context.DeadlineExceeded)
		}
		if err := l.sleep(ctx, wait); err != nil {
			return r, err
		}
	}
}

// sleep waits d on the store's clock (embedded) or the wall clock (remote),
// or until ctx ends.
func (l *RateLimiter) sleep(ctx context.Context, d time.Duration) error {
	done := make(chan struct{})
	var t interface{ Stop() bool }
	if l.s != nil {
		t = l.s.e.clock.AfterFunc(d, func() { close(done) })
	} else {
		t = time.AfterFunc(d, func() { close(done) })
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		t.Stop()
		return ctx.Err()
	}
}

// RemoteIP is the default key of RateLimiter.Middleware: the host part of
// r.RemoteAddr (the peer's IP address, without its port), or all of
// RemoteAddr when it has no port. Behind a proxy every request shares the
// proxy's address: pass a key function that reads the header your proxy
// sets (X-Forwarded-For is whatever the client wants it to be unless a
// proxy you trust overwrites it).
func RemoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Middleware returns net/http middleware that admits one event per request
// under the key that key returns (RemoteIP when key is nil). Every answer
// carries the headers of the IETF RateLimit draft: RateLimit-Limit (Limit),
// RateLimit-Remaining and RateLimit-Reset (ResetAfter in whole seconds,
// rounded up). A refused request is answered 429 Too Many Requests with
// Retry-After (RetryAfter in whole seconds, rounded up, at least 1) and
// never reaches next. When the limiter fails (a closed store, an
// unreachable server) the request is answered 503 Service Unavailable and
// does not reach next either.
func (l *RateLimiter) Middleware(key func(*http.Request) string) func(http.Handler) http.Handler {
	if key == nil {
		key = RemoteIP
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			res, err := l.Allow(r.Context(), key(r))
			if err != nil {
				http.Error(w, "rate limiter unavailable", http.StatusServiceUnavailable)
				return
			}
			h := w.Header()
			h.Set("RateLimit-Limit", strconv.FormatInt(res.Limit, 10))
			h.Set("RateLimit-Remaining", strconv.FormatInt(res.Remaining, 10))
			h.Set("RateLimit-Reset", strconv.FormatInt(ceilSeconds(res.ResetAfter), 10))
			if !res.Allowed {
				retry := ceilSeconds(res.RetryAfter)
				if retry < 1 {
					retry = 1
				}
				h.Set("Retry-After", strconv.FormatInt(retry, 10))
				http.Error(w, http.StatusText(http.StatusTooManyRequests), http.StatusTooManyRequests)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ceilSeconds returns d in whole seconds, rounded up.
func ceilSeconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// rateDecision is one step's answer, in integers, as both backends compute
// it: allowed, remaining, then RetryAfter and ResetAfter in ms.
type rateDecision struct {
	allowed          bool
	remaining        int64
	retryMs, resetMs int64
}

// parseRateReply reads a script's reply {allowed, remaining, retry ms,
// reset ms}.
func parseRateReply(reply any) (rateDecision, error) {
	a, ok := reply.([]any)
	if ok && len(a) == 4 {
		var v [4]int64
		for i := range v {
			if v[i], ok = a[i].(int64); !ok {
				break
			}
		}
		if ok {
			return rateDecision{allowed: v[0] == 1, remaining: v[1], retryMs: v[2], resetMs: v[3]}, nil
		}
	}
	return rateDecision{}, fmt.Errorf("%w: %#v", ErrBackendReply, reply)
}

// ceilDiv returns ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// decide runs the limiter's algorithm for n events on the state at k, as
// the owner: the Go twin of the algorithm's script.
func (l *RateLimiter) decide(tx *Tx, k string, n int64) (rateDecision, error) {
	now := tx.nowMs()
	switch l.algo {
	case GCRA:
		return l.gcra(tx, k, n, now)
	case TokenBucket:
		return l.tokenBucket(tx, k, n, now)
	case FixedWindow:
		return l.fixedWindow(tx, k, n, now)
	case SlidingWindowLog:
		return l.slidingLog(tx, k, n, now)
	default:
		return l.slidingCounter(tx, k, n, now)
	}
}

// getState reads the string at k; a missing key is "" and no error.
func getState(tx *Tx, k string) (string, error) {
	v, err := tx.Get(k)
	if err == ErrNotFound {
		return "", nil
	}
	return v, err
}

// putState stores a limiter's state value at k with the absolute deadline
// at (SET k v PXAT at), as the owner. A key whose deadline is already at
// keeps it (SET k v KEEPTTL): on a hot key many calls in one millisecond
// end at the same deadline, and this spares the expiry index an entry each.
func putState(tx *Tx, k string, v []byte, at int64) error {
	sp := setSpec{keepTTL: true}
	if tx.deadlineOf(k) != at {
		sp.at = at
	}
	_, err := tx.set(k, string(v), sp)
	return err
}

// parseInts splits s, a state value, into exactly len(out) space-separated
// decimal numbers of at most 16 digits each (below 2^53 or near it: what the
// scripts parse the same way); false for anything else.
func parseInts(s string, out []int64) bool {
	i := 0
	for f := range out {
		if f > 0 {
			if i >= len(s) || s[i] != ' ' {
				return false
			}
			i++
		}
		start := i
		var v int64
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			v = v*10 + int64(s[i]-'0')
			i++
			if i-start > 16 {
				return false
			}
		}
		if i == start {
			return false
		}
		out[f] = v
	}
	return i == len(s)
}

// appendInts formats a state value: the numbers separated by spaces.
func appendInts(buf []byte, v ...int64) []byte {
	for i, x := range v {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = strconv.AppendInt(buf, x, 10)
	}
	return buf
}

// gcra is GCRA in units of 1/Rate ms: the emission interval is Period_ms
// units, the tolerance Burst×Period_ms, and o, the TAT's lead over now, is
// what is left of the tolerance's use. See rateLimitGCRA for the script.
func (l *RateLimiter) gcra(tx *Tx, k string, n, now int64) (rateDecision, error) {
	v, err := getState(tx, k)
	if err != nil {
		return rateDecision{}, err
	}
	e, t := l.per, l.burst*l.per
	var o int64
	var st [2]int64
	if v != "" && parseInts(v, st[:]) && st[0] >= now {
		o = min(st[0]-now, t/l.rate+1)*l.rate + st[1]
		o = min(o, t)
	}
	next := o + n*e
	if next > t {
		return rateDecision{remaining: (t - o) / e, retryMs: ceilDiv(next-t, l.rate), resetMs: ceilDiv(o, l.rate)}, nil
	}
	reset := ceilDiv(next, l.rate)
	if n > 0 {
		var buf [40]byte
		val := appendInts(buf[:0], now+next/l.rate, next%l.rate)
		if err := putState(tx, k, val, now+reset); err != nil {
			return rateDecision{}, err
		}
	}
	return rateDecision{allowed: true, remaining: (t - next) / e, resetMs: reset}, nil
}

// tokenBucket counts tokens in units of 1/Period_ms of a token: the bucket
// holds Burst×Period_ms units, refilled by Rate units a millisecond, and an
// event takes Period_ms units. See rateLimitTokenBucket for the script.
func (l *RateLimiter) tokenBucket(tx *Tx, k string, n, now int64) (rateDecision, error) {
	v, err := getState(tx, k)
	if err != nil {
		return rateDecision{}, err
	}
	c := l.burst * l.per
	tok := c
	var st [2]int64
	if v != "" && parseInts(v, st[:]) {
		tok = min(st[0], c)
		if st[1] < now {
			el := min(now-st[1], ceilDiv(c, l.rate))
			tok = min(c, tok+el*l.rate)
		}
	}
	need := n * l.per
	if need > tok {
		return rateDecision{remaining: tok / l.per, retryMs: ceilDiv(need-tok, l.rate), resetMs: ceilDiv(c-tok, l.rate)}, nil
	}
	tok -= need
	reset := ceilDiv(c-tok, l.rate)
	if n > 0 {
		var buf [40]byte
		val := appendInts(buf[:0], tok, now)
		if err := putState(tx, k, val, now+reset); err != nil {
			return rateDecision{}, err
		}
	}
	return rateDecision{allowed: true, remaining: tok / l.per, resetMs: reset}, nil
}

// fixedWindow counts the events of the current epoch-aligned window. See
// rateLimitFixedWindow for the script.
func (l *RateLimiter) fixedWindow(tx *Tx, k string, n, now int64) (rateDecision, error) {
	v, err := getState(tx, k)
	if err != nil {
		return rateDecision{}, err
	}
	w := now / l.per
	end := (w + 1) * l.per
	var c int64
	var st [2]int64
	if v != "" && parseInts(v, st[:]) && st[0] == w {
		c = min(st[1], l.rate)
	}
	if c+n > l.rate {
		return rateDecision{remaining: l.rate - c, retryMs: end - now, resetMs: end - now}, nil
	}
	c += n
	if n > 0 {
		var buf [40]byte
		val := appendInts(buf[:0], w, c)
		if err := putState(tx, k, val, end); err != nil {
			return rateDecision{}, err
		}
	}
	var reset int64
	if c > 0 {
		reset = end - now
	}
	return rateDecision{allowed: true, remaining: l.rate - c, resetMs: reset}, nil
}

// slidingCounter weighs the previous window's count by the share of it still
// inside the last Period. All in integers: the estimate times Period_ms is
// prev×(Period_ms − elapsed) + cur×Period_ms. See
// rateLimitSlidingCounter for the script.
func (l *RateLimiter) slidingCounter(tx *Tx, k string, n, now int64) (rateDecision, error) {
	v, err := getState(tx, k)
	if err != nil {
		return rateDecision{}, err
	}
	p, r := l.per, l.rate
	w := now / p
	el := now - w*p
	var cur, prev int64
	var st [3]int64
	if v != "" && parseInts(v, st[:]) {
		switch st[0] {
		case w:
			cur, prev = min(st[1], r), min(st[2], r)
		case w - 1:
			prev = min(st[1], r)
		}
	}
	used := prev*(p-el) + cur*p // the estimate × Period_ms
	if used+n*p > r*p {
		var wait int64
		if cur+n <= r {
			// Within this window, once enough of prev has slid out.
			wait = p - (r-cur-n)*p/prev - el
		} else {
			// Only in the next window, where cur becomes the previous count.
			wait = p - el + p - (r-n)*p/cur
		}
		return rateDecision{remaining: max(0, (r*p-used)/p), retryMs: wait, resetMs: slidingReset(cur, prev, p, el)}, nil
	}
	cur += n
	if n > 0 {
		var buf [60]byte
		val := appendInts(buf[:0], w, cur, prev)
		if err := putState(tx, k, val, (w+2)*p-1); err != nil {
			return rateDecision{}, err
		}
	}
	return rateDecision{allowed: true, remaining: (r*p - used - n*p) / p, resetMs: slidingReset(cur, prev, p, el)}, nil
}

// slidingReset is how long until a sliding-window counter's estimate is 0:
// the end of the next window while this one has events, the end of this one
// while only the previous had some.
func slidingReset(cur, prev, p, el int64) int64 {
	switch {
	case cur > 0:
		return 2*p - el
	case prev > 0:
		return p - el
	}
	return 0
}

// slidingLog keeps one sorted-set member per admitted event. An event at t
// counts while t > now − Period. Members are "<ms>-<i>", i numbering the
// events of one millisecond from 1: the members scored ms are always exactly
// ms-1 … ms-c (they leave together), so ZCOUNT ms ms tells the next i. See
// rateLimitSlidingLog for the script.
func (l *RateLimiter) slidingLog(tx *Tx, k string, n, now int64) (rateDecision, error) {
	from := strconv.FormatInt(now-l.per, 10)
	var c int64
	var err error
	if n == 0 {
		c, err = tx.ZCount(k, "("+from, "+inf")
	} else {
		if _, err = tx.ZRemRangeByScore(k, "-inf", from); err == nil {
			c, err = tx.ZCard(k)
		}
	}
	if err != nil {
		return rateDecision{}, err
	}
	c = min(c, l.rate)
	reset := func() (int64, error) {
		if c == 0 {
			return 0, nil
		}
		last, err := tx.ZRangeWithScores(k, -1, -1)
		if err != nil || len(last) == 0 {
			return 0, err
		}
		return int64(last[0].Score) + l.per - now, nil
	}
	if c+n > l.rate {
		// The (c+n−rate)-th oldest event must leave first.
		z, err := tx.ZRangeWithScores(k, c+n-l.rate-1, c+n-l.rate-1)
		if err != nil {
			return rateDecision{}, err
		}
		d := rateDecision{remaining: l.rate - c}
		if len(z) == 1 {
			d.retryMs = int64(z[0].Score) + l.per - now
		}
		if d.resetMs, err = reset(); err != nil {
			return rateDecision{}, err
		}
		return d, nil
	}
	if n == 0 {
		r, err := reset()
		return rateDecision{allowed: true, remaining: l.rate - c, resetMs: r}, err
	}
	ms := strconv.FormatInt(now, 10)
	same, err := tx.ZCount(k, ms, ms)
	if err != nil {
		return rateDecision{}, err
	}
	zs := make([]Z, n)
	for i := range zs {
		zs[i] = Z{Score: float64(now), Member: ms + "-" + strconv.FormatInt(same+int64(i)+1, 10)}
	}
	if _, err := tx.ZAdd(k, zs...); err != nil {
		return rateDecision{}, err
	}
	if _, err := tx.PExpire(k, time.Duration(l.per)*time.Millisecond); err != nil {
		return rateDecision{}, err
	}
	return rateDecision{allowed: true, remaining: l.rate - c - n, resetMs: l.per}, nil
}

// The scripts: each the Lua twin of its Go method above, line for line.
// ARGV is n, Rate, Period_ms, Burst (Rate for the window algorithms); the
// reply {allowed (0/1), remaining, retry ms, reset ms}. All numbers stay
// below 2^53, so Lua's doubles compute them exactly; the divisions are
// floored (math.floor of a quotient below 2^52 is the integer quotient).
const rateLimitLuaPrelude = `
local n, r, p, b = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function div(a, d) return math.floor(a / d) end
local function ceildiv(a, d) return math.floor((a + d - 1) / d) end
local function ints(v, count)
  if type(v) ~= 'string' then return nil end
  local out = {}
  local i = 1
  for f = 1, count do
    if f > 1 then
      if string.sub(v, i, i) ~= ' ' then return nil end
      i = i + 1
    end
    local s, e = string.find(v, '^%d+', i)
    if not s or e - s + 1 > 16 then return nil end
    out[f] = tonumber(string.sub(v, s, e))
    i = e + 1
  end
  if i ~= #v + 1 then return nil end
  return out
end
local function fmt(...)
  local a = {...}
  for i = 1, #a do a[i] = string.format('%d', a[i]) end
  return table.concat(a, ' ')
end
`

var rateLimitScripts = [...]*Script{
	GCRA: NewScript(rateLimitLuaPrelude + `
local e, tol = p, b * p
local o = 0
local st = ints(redis.call('GET', KEYS[1]), 2)
if st and st[1] >= now then
  o = math.min(math.min(st[1] - now, div(tol, r) + 1) * r + st[2], tol)
end
local nxt = o + n * e
if nxt > tol then
  return {0, div(tol - o, e), ceildiv(nxt - tol, r), ceildiv(o, r)}
end
local reset = ceildiv(nxt, r)
if n > 0 then
  redis.call('SET', KEYS[1], fmt(now + div(nxt, r), nxt - div(nxt, r) * r), 'PXAT', fmt(now + reset))
end
return {1, div(tol - nxt, e), 0, reset}
`),
	TokenBucket: NewScript(rateLimitLuaPrelude + `
local c = b * p
local tok = c
local st = ints(redis.call('GET', KEYS[1]), 2)
if st then
  tok = math.min(st[1], c)
  if st[2] < now then
    local el = math.min(now - st[2], ceildiv(c, r))
    tok = math.min(c, tok + el * r)
  end
end
local need = n * p
if need > tok then
  return {0, div(tok, p), ceildiv(need - tok, r), ceildiv(c - tok, r)}
end
tok = tok - need
local reset = ceildiv(c - tok, r)
if n > 0 then
  redis.call('SET', KEYS[1], fmt(tok, now), 'PXAT', fmt(now + reset))
end
return {1, div(tok, p), 0, reset}
`),
	FixedWindow: NewScript(rateLimitLuaPrelude + `
local w = div(now, p)
local wend = (w + 1) * p
local c = 0
local st = ints(redis.call('GET', KEYS[1]), 2)
if st and st[1] == w then c = math.min(st[2], r) end
if c + n > r then
  return {0, r - c, wend - now, wend - now}
end
c = c + n
if n > 0 then
  redis.call('SET', KEYS[1], fmt(w, c), 'PXAT', fmt(wend))
end
local reset = 0
if c > 0 then reset = wend - now end
return {1, r - c, 0, reset}
`),
	SlidingWindowLog: NewScript(rateLimitLuaPrelude + `
local from = string.format('%d', now - p)
local c
if n == 0 then
  c = redis.call('ZCOUNT', KEYS[1], '(' .. from, '+inf')
else
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', from)
  c = redis.call('ZCARD', KEYS[1])
end
c = math.min(c, r)
local function reset()
  if c == 0 then return 0 end
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if #last == 0 then return 0 end
  return tonumber(last[2]) + p - now
end
if c + n > r then
  local i = fmt(c + n - r - 1)
  local z = redis.call('ZRANGE', KEYS[1], i, i, 'WITHSCORES')
  local retry = 0
  if #z == 2 then retry = tonumber(z[2]) + p - now end
  return {0, r - c, retry, reset()}
end
if n == 0 then
  return {1, r - c, 0, reset()}
end
local ms = string.format('%d', now)
local same = redis.call('ZCOUNT', KEYS[1], ms, ms)
local i = 1
while i <= n do
  local args = {}
  local last = math.min(n, i + 999)
  for j = i, last do
    args[#args + 1] = ms
    args[#args + 1] = ms .. '-' .. fmt(same + j)
  end
  redis.call('ZADD', KEYS[1], unpack(args))
  i = last + 1
end
redis.call('PEXPIREAT', KEYS[1], fmt(now + p))
return {1, r - c - n, 0, p}
`),
	SlidingWindowCounter: NewScript(rateLimitLuaPrelude + `
local w = div(now, p)
local el = now - w * p
local cur, prev = 0, 0
local st = ints(redis.call('GET', KEYS[1]), 3)
if st then
  if st[1] == w then
    cur, prev = math.min(st[2], r), math.min(st[3], r)
  elseif st[1] == w - 1 then
    prev = math.min(st[2], r)
  end
end
local function reset(cur)
  if cur > 0 then return 2 * p - el end
  if prev > 0 then return p - el end
  return 0
end
local used = prev * (p - el) + cur * p
if used + n * p > r * p then
  local wait
  if cur + n <= r then
    wait = p - div((r - cur - n) * p, prev) - el
  else
    wait = p - el + p - div((r - n) * p, cur)
  end
  return {0, math.max(0, div(r * p - used, p)), wait, reset(cur)}
end
cur = cur + n
if n > 0 then
  redis.call('SET', KEYS[1], fmt(w, cur, prev), 'PXAT', fmt((w + 2) * p - 1))
end
return {1, div(r * p - used - n * p, p), 0, reset(cur)}
`),
}

// rateLimitResetScript deletes a limiter key: Reset's step on Redis (a
// script, not a DEL, so that every step goes through Backend.Run).
var rateLimitResetScript = NewScript(`return redis.call('DEL', KEYS[1])`)
