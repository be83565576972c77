package helpersuite

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

func init() { Register("RateLimiter", rateLimitSuite) }

// rateSlack is how far a remote result may fall short of the embedded
// one: a real clock moves between the calls of a test (the values are
// exact on the embedded store's manual clock).
const rateSlack = 500 * time.Millisecond

// rateEnv wraps an Env with the checks the rate limiter suite repeats.
type rateEnv struct {
	Env
	t   *testing.T
	ctx context.Context
}

// limiter builds a limiter named after the test on the env's backend.
func (e rateEnv) limiter(name string, o embedis.RateLimiterOptions) *embedis.RateLimiter {
	e.t.Helper()
	l, err := embedis.NewRateLimiter(e.Backend, e.Prefix+name, o)
	if err != nil {
		e.t.Fatalf("NewRateLimiter(%s, %+v): %v", name, o, err)
	}
	return l
}

// allow runs AllowN and checks Allowed and Remaining exactly, and
// RetryAfter and ResetAfter exactly on the embedded store and within
// rateSlack below the wanted value on Redis.
func (e rateEnv) allow(l *embedis.RateLimiter, key string, n int64, allowed bool, remaining int64, retry, reset time.Duration) embedis.RateLimitResult {
	e.t.Helper()
	r, err := l.AllowN(e.ctx, key, n)
	if err != nil {
		e.t.Fatalf("AllowN(%q, %d): %v", key, n, err)
	}
	if r.Allowed != allowed || r.Remaining != remaining || r.Limit != l.Limit() {
		e.t.Fatalf("AllowN(%q, %d) = %+v; want Allowed %v, Remaining %d, Limit %d", key, n, r, allowed, remaining, l.Limit())
	}
	e.near(fmt.Sprintf("AllowN(%q, %d).RetryAfter", key, n), r.RetryAfter, retry)
	e.near(fmt.Sprintf("AllowN(%q, %d).ResetAfter", key, n), r.ResetAfter, reset)
	return r
}

func (e rateEnv) near(what string, got, want time.Duration) {
	e.t.Helper()
	if e.Remote {
		lo := want - rateSlack
		if want == 0 {
			lo = 0
		}
		if got > want || got < lo {
			e.t.Fatalf("%s = %v; want %v (down to %v on a real clock)", what, got, want, lo)
		}
		return
	}
	if got != want {
		e.t.Fatalf("%s = %v; want %v", what, got, want)
	}
}

var pttlScript = embedis.NewScript(`return redis.call('PTTL', KEYS[1])`)

// pttl returns the key's PTTL as Redis reports it (-2 missing, -1 no TTL).
func (e rateEnv) pttl(key string) time.Duration {
	e.t.Helper()
	if !e.Remote {
		d, err := e.Store.PTTL(e.ctx, key)
		if err != nil {
			e.t.Fatal(err)
		}
		if d < 0 {
			return d // -1 or -2, as Redis's reply
		}
		return d
	}
	v, err := e.Backend.Run(e.ctx, pttlScript, []string{key})
	if err != nil {
		e.t.Fatal(err)
	}
	ms, _ := v.(int64)
	if ms < 0 {
		return time.Duration(ms)
	}
	return time.Duration(ms) * time.Millisecond
}

// left returns how long the current epoch-aligned window of period p has
// left: on the store's clock embedded, on the wall clock (the same machine's
// as the server's) on Redis, read before the call it predicts.
func (e rateEnv) left(p time.Duration) time.Duration {
	now := time.Now()
	if !e.Remote {
		now = e.Store.Now()
	}
	return p - time.Duration(now.UnixMilli()%p.Milliseconds())*time.Millisecond
}

// freshWindow waits, on Redis, until the current epoch-aligned window of
// period p has at least need left, so a test of a window algorithm is not
// cut by a boundary it does not control. Embedded, the manual clock starts
// on a boundary of every period the suite uses.
func (e rateEnv) freshWindow(p, need time.Duration) {
	if !e.Remote {
		return
	}
	for {
		left := p - time.Duration(time.Now().UnixMilli()%p.Milliseconds())*time.Millisecond
		if left >= need {
			return
		}
		time.Sleep(left + 5*time.Millisecond)
	}
}

func rateLimitSuite(t *testing.T, newEnv NewEnv) {
	t.Run("Options", func(t *testing.T) { rateOptions(t, newEnv(t)) })
	t.Run("GCRA", func(t *testing.T) { rateGCRA(rateEnv{newEnv(t), t, context.Background()}) })
	t.Run("TokenBucket", func(t *testing.T) { rateTokenBucket(rateEnv{newEnv(t), t, context.Background()}) })
	t.Run("FixedWindow", func(t *testing.T) { rateFixedWindow(rateEnv{newEnv(t), t, context.Background()}) })
	t.Run("SlidingWindowLog", func(t *testing.T) { rateSlidingLog(rateEnv{newEnv(t), t, context.Background()}) })
	t.Run("SlidingWindowCounter", func(t *testing.T) { rateSlidingCounter(rateEnv{newEnv(t), t, context.Background()}) })
	t.Run("Expiry", func(t *testing.T) { rateExpiry(rateEnv{newEnv(t), t, context.Background()}) })
	t.Run("Wait", func(t *testing.T) { rateWait(rateEnv{newEnv(t), t, context.Background()}) })
}

func rateOptions(t *testing.T, env Env) {
	bad := []embedis.RateLimiterOptions{
		{Rate: 0, Period: time.Second, Burst: 1},
		{Rate: -1, Period: time.Second, Burst: 1},
		{Rate: 1, Period: 0, Burst: 1},
		{Rate: 1, Period: -time.Second, Burst: 1},
		{Rate: 1, Period: time.Microsecond, Burst: 1},
		{Rate: 1, Period: 1500 * time.Microsecond, Burst: 1},
		{Rate: 1, Period: time.Second, Burst: 0},
		{Rate: 1, Period: time.Second, Burst: -5},
		{Algorithm: embedis.TokenBucket, Rate: 1, Period: time.Second},
		{Algorithm: embedis.FixedWindow, Rate: 5, Period: time.Second, Burst: 6},
		{Algorithm: embedis.SlidingWindowLog, Rate: 5, Period: time.Second, Burst: -1},
		{Algorithm: embedis.SlidingWindowCounter, Rate: 0, Period: time.Second},
		{Algorithm: embedis.SlidingWindowLog, Rate: 1<<20 + 1, Period: time.Second},
		{Rate: 1 << 40, Period: time.Hour, Burst: 1},
		{Rate: 1, Period: time.Hour, Burst: 1 << 40},
		{Algorithm: embedis.SlidingWindowCounter + 1, Rate: 1, Period: time.Second, Burst: 1},
		{Algorithm: -1, Rate: 1, Period: time.Second, Burst: 1},
	}
	for _, o := range bad {
		if l, err := embedis.NewRateLimiter(env.Backend, env.Prefix+"bad", o); !errors.Is(err, embedis.ErrRateLimitOptions) || l != nil {
			t.Errorf("NewRateLimiter(%+v) = %v, %v; want ErrRateLimitOptions", o, l, err)
		}
	}
	if _, err := embedis.NewRateLimiter(nil, "x", embedis.PerSecond(1)); !errors.Is(err, embedis.ErrRateLimitOptions) {
		t.Errorf("NewRateLimiter(nil backend): err = %v", err)
	}
	for _, a := range []embedis.RateLimitAlgorithm{embedis.FixedWindow, embedis.SlidingWindowLog, embedis.SlidingWindowCounter} {
		o := embedis.PerMinute(7)
		o.Algorithm = a
		l, err := embedis.NewRateLimiter(env.Backend, env.Prefix+"ok", o)
		if err != nil || l.Limit() != 7 {
			t.Fatalf("%v with Burst = Rate: %v", a, err)
		}
		o.Burst = 0
		if _, err := embedis.NewRateLimiter(env.Backend, env.Prefix+"ok", o); err != nil {
			t.Fatalf("%v with Burst 0: %v", a, err)
		}
	}
	l, err := embedis.NewRateLimiter(env.Backend, env.Prefix+"n", embedis.RateLimiterOptions{Rate: 10, Period: time.Second, Burst: 3})
	if err != nil || l.Limit() != 3 {
		t.Fatalf("GCRA Rate 10 Burst 3: Limit %v, %v", l, err)
	}
	for _, n := range []int64{-1, 4, 1 << 62} {
		if _, err := l.AllowN(context.Background(), "k", n); !errors.Is(err, embedis.ErrRateLimitN) {
			t.Errorf("AllowN(n = %d): err = %v; want ErrRateLimitN", n, err)
		}
		if _, err := l.WaitN(context.Background(), "k", n); !errors.Is(err, embedis.ErrRateLimitN) {
			t.Errorf("WaitN(n = %d): err = %v; want ErrRateLimitN", n, err)
		}
	}
}

// rateGCRA: 5 per 10 s with a burst of 5 (an emission interval of 2 s),
// and the 3-per-second case, where the interval (333⅓ ms) is not whole.
func rateGCRA(e rateEnv) {
	s := time.Second
	l := e.limiter("gcra", embedis.RateLimiterOptions{Rate: 5, Period: 10 * s, Burst: 5})
	e.allow(l, "a", 0, true, 5, 0, 0) // a peek on a fresh key
	for i := int64(1); i <= 5; i++ {
		e.allow(l, "a", 1, true, 5-i, 0, time.Duration(2*i)*s)
	}
	e.allow(l, "a", 1, false, 0, 2*s, 10*s)
	e.allow(l, "a", 0, true, 0, 0, 10*s) // peeks consume nothing
	e.allow(l, "b", 3, true, 2, 0, 6*s)
	e.allow(l, "b", 3, false, 2, 2*s, 6*s) // refused whole; 2 single ones would pass
	e.allow(l, "b", 2, true, 0, 0, 10*s)
	if d := e.pttl(e.Prefix + "gcra:{a}"); d <= 0 || d > 10*s {
		e.t.Fatalf("PTTL of the GCRA key = %v; want ResetAfter, 10s", d)
	}
	if !e.Remote {
		// One emission interval later, one event (and no more) passes.
		e.Advance(2 * s)
		e.allow(l, "a", 1, true, 0, 0, 10*s)
		e.allow(l, "a", 1, false, 0, 2*s, 10*s)
		e.Advance(1500 * time.Millisecond)
		e.allow(l, "a", 1, false, 0, 500*time.Millisecond, 8500*time.Millisecond)
		// A whole burst later (the TTL), the key is gone and a full burst
		// passes again.
		e.Advance(8500 * time.Millisecond)
		if d := e.pttl(e.Prefix + "gcra:{a}"); d != 0 {
			e.t.Fatalf("PTTL at ResetAfter = %v; want 0 (due)", d)
		}
		e.Advance(time.Millisecond)
		if d := e.pttl(e.Prefix + "gcra:{a}"); d != -2 {
			e.t.Fatalf("PTTL after ResetAfter = %v; want -2 (expired)", d)
		}
		e.allow(l, "a", 5, true, 0, 0, 10*s)
	}
	if err := l.Reset(e.ctx, "b"); err != nil {
		e.t.Fatal(err)
	}
	e.allow(l, "b", 0, true, 5, 0, 0)
	e.allow(l, "b", 5, true, 0, 0, 10*s)

	// 3 per second, burst 3: exactly 3 pass at once, then one every 333⅓ ms.
	t3 := e.limiter("gcra3", embedis.RateLimiterOptions{Rate: 3, Period: s, Burst: 3})
	e.allow(t3, "k", 1, true, 2, 0, 334*time.Millisecond)
	e.allow(t3, "k", 1, true, 1, 0, 667*time.Millisecond)
	e.allow(t3, "k", 1, true, 0, 0, s)
	e.allow(t3, "k", 1, false, 0, 334*time.Millisecond, s)
	if !e.Remote {
		// Three intervals are exactly one second: after 1 s all three pass
		// again; after 999 ms only two.
		e.Advance(999 * time.Millisecond)
		e.allow(t3, "k", 0, true, 2, 0, 1*time.Millisecond)
		e.Advance(1 * time.Millisecond)
		e.allow(t3, "k", 3, true, 0, 0, s)
		// After 333 ms one is not yet due (333⅓), after 334 ms it is.
		e.Advance(333 * time.Millisecond)
		e.allow(t3, "k", 1, false, 0, 1*time.Millisecond, 667*time.Millisecond)
		e.Advance(1 * time.Millisecond)
		e.allow(t3, "k", 1, true, 0, 0, s)
	}
}

// rateTokenBucket: a bucket of 4 tokens refilled at 2 per second (one every
// 500 ms).
func rateTokenBucket(e rateEnv) {
	ms := time.Millisecond
	l := e.limiter("tb", embedis.RateLimiterOptions{Algorithm: embedis.TokenBucket, Rate: 2, Period: time.Second, Burst: 4})
	e.allow(l, "a", 0, true, 4, 0, 0)
	e.allow(l, "a", 1, true, 3, 0, 500*ms)
	e.allow(l, "a", 2, true, 1, 0, 1500*ms)
	e.allow(l, "a", 2, false, 1, 500*ms, 1500*ms)
	e.allow(l, "a", 1, true, 0, 0, 2000*ms)
	e.allow(l, "a", 1, false, 0, 500*ms, 2000*ms)
	e.allow(l, "a", 4, false, 0, 2000*ms, 2000*ms)
	if d := e.pttl(e.Prefix + "tb:{a}"); d <= 0 || d > 2*time.Second {
		e.t.Fatalf("PTTL of the bucket = %v; want ResetAfter, 2s", d)
	}
	if !e.Remote {
		e.Advance(750 * ms) // 1.5 tokens back
		e.allow(l, "a", 0, true, 1, 0, 1250*ms)
		e.allow(l, "a", 2, false, 1, 250*ms, 1250*ms)
		e.allow(l, "a", 1, true, 0, 0, 1750*ms)
		e.Advance(1751 * ms)
		if d := e.pttl(e.Prefix + "tb:{a}"); d != -2 {
			e.t.Fatalf("PTTL of a full bucket = %v; want -2 (expired)", d)
		}
		e.allow(l, "a", 4, true, 0, 0, 2000*ms)
	}
	if err := l.Reset(e.ctx, "a"); err != nil {
		e.t.Fatal(err)
	}
	e.allow(l, "a", 0, true, 4, 0, 0)
}

// rateFixedWindow: 3 per 10-second window aligned to the epoch.
func rateFixedWindow(e rateEnv) {
	s := time.Second
	e.freshWindow(10*s, 2*s)
	l := e.limiter("fw", embedis.RateLimiterOptions{Algorithm: embedis.FixedWindow, Rate: 3, Period: 10 * s})
	e.allow(l, "a", 0, true, 3, 0, 0)
	e.allow(l, "a", 1, true, 2, 0, e.left(10*s))
	e.allow(l, "a", 2, true, 0, 0, e.left(10*s))
	left := e.left(10 * s)
	e.allow(l, "a", 1, false, 0, left, left)
	e.allow(l, "a", 0, true, 0, 0, e.left(10*s))
	e.allow(l, "b", 3, true, 0, 0, e.left(10*s))
	if d := e.pttl(e.Prefix + "fw:{a}"); d <= 0 || d > 10*s {
		e.t.Fatalf("PTTL of the window = %v; want up to the window's end", d)
	}
	if !e.Remote {
		e.Advance(9999 * time.Millisecond)
		e.allow(l, "a", 1, false, 0, time.Millisecond, time.Millisecond)
		e.Advance(time.Millisecond) // the next window: all 3 again
		e.allow(l, "a", 0, true, 3, 0, 0)
		e.allow(l, "a", 3, true, 0, 0, 10*s)
		e.Advance(4 * s)
		e.allow(l, "a", 1, false, 0, 6*s, 6*s)
	}
	if err := l.Reset(e.ctx, "b"); err != nil {
		e.t.Fatal(err)
	}
	e.allow(l, "b", 0, true, 3, 0, 0)
}

// rateSlidingLog: 3 per 10 s, counted over the last 10 s exactly.
func rateSlidingLog(e rateEnv) {
	s := time.Second
	l := e.limiter("swl", embedis.RateLimiterOptions{Algorithm: embedis.SlidingWindowLog, Rate: 3, Period: 10 * s})
	e.allow(l, "a", 0, true, 3, 0, 0)
	e.allow(l, "a", 1, true, 2, 0, 10*s)
	if !e.Remote {
		e.Advance(4 * s)
	}
	e.allow(l, "a", 2, true, 0, 0, 10*s)
	e.allow(l, "a", 0, true, 0, 0, 10*s)
	if e.Remote {
		e.allow(l, "a", 1, false, 0, 10*s, 10*s)
		e.allow(l, "a", 2, false, 0, 10*s, 10*s)
	} else {
		// The first event (4 s ago) leaves in 6 s; two need the later
		// ones to leave too, in 10 s.
		e.allow(l, "a", 1, false, 0, 6*s, 10*s)
		e.allow(l, "a", 2, false, 0, 10*s, 10*s)
		e.Advance(6*s - time.Millisecond)
		e.allow(l, "a", 1, false, 0, time.Millisecond, 4*s+time.Millisecond)
		e.Advance(time.Millisecond)
		e.allow(l, "a", 0, true, 1, 0, 4*s)
		e.allow(l, "a", 1, true, 0, 0, 10*s)
		// Both events of one millisecond are kept (distinct members).
		e.Advance(10 * s)
		e.allow(l, "a", 1, true, 2, 0, 10*s)
		e.allow(l, "a", 1, true, 1, 0, 10*s)
		e.allow(l, "a", 0, true, 1, 0, 10*s)
	}
	if d := e.pttl(e.Prefix + "swl:{a}"); d <= 0 || d > 10*s {
		e.t.Fatalf("PTTL of the log = %v; want up to 10s", d)
	}
	if err := l.Reset(e.ctx, "a"); err != nil {
		e.t.Fatal(err)
	}
	e.allow(l, "a", 3, true, 0, 0, 10*s)
}

// rateSlidingCounter: 4 per 10-second window, the previous window's count
// weighted by the share of it still inside the last 10 s.
func rateSlidingCounter(e rateEnv) {
	s := time.Second
	e.freshWindow(10*s, 2*s)
	l := e.limiter("swc", embedis.RateLimiterOptions{Algorithm: embedis.SlidingWindowCounter, Rate: 4, Period: 10 * s})
	e.allow(l, "a", 0, true, 4, 0, 0)
	e.allow(l, "a", 3, true, 1, 0, 10*s+e.left(10*s))
	e.allow(l, "a", 1, true, 0, 0, 10*s+e.left(10*s))
	// 5 in this window is over; in the next one the 4 weigh 4×(1−el/10 s),
	// and one more fits once that is 3: 2.5 s into it.
	left := e.left(10 * s)
	e.allow(l, "a", 1, false, 0, left+2500*time.Millisecond, 10*s+left)
	if d := e.pttl(e.Prefix + "swc:{a}"); d <= 0 || d > 20*s {
		e.t.Fatalf("PTTL of the counter = %v; want up to the next window's end", d)
	}
	if !e.Remote {
		// 10 s on: the 4 events are the previous window's, weighted 1.
		e.Advance(10 * s)
		e.allow(l, "a", 0, true, 0, 0, 10*s)
		e.allow(l, "a", 1, false, 0, 2500*time.Millisecond, 10*s)
		// 2.5 s into the window, 4×0.75 = 3: one passes.
		e.Advance(2500 * time.Millisecond)
		e.allow(l, "a", 1, true, 0, 0, 17500*time.Millisecond)
		// Now 4×0.75 + 1 = 4. Two more need 5 s of sliding (4×0.25 + 1 + 2).
		e.allow(l, "a", 2, false, 0, 5*s, 17500*time.Millisecond)
		e.Advance(5 * s)
		e.allow(l, "a", 0, true, 2, 0, 12500*time.Millisecond)
		// Three at once fit when the 4 have slid out entirely and the 1
		// weighs 1 (4×0 + 1 + 3): at the next window's start, 2.5 s away.
		e.allow(l, "a", 3, false, 2, 2500*time.Millisecond, 12500*time.Millisecond)
		e.Advance(12500 * time.Millisecond)
		if d := e.pttl(e.Prefix + "swc:{a}"); d != -2 {
			e.t.Fatalf("PTTL after ResetAfter = %v; want -2 (expired)", d)
		}
		e.allow(l, "a", 4, true, 0, 0, 20*s)
	}
	if err := l.Reset(e.ctx, "a"); err != nil {
		e.t.Fatal(err)
	}
	e.allow(l, "a", 0, true, 4, 0, 0)
}

// rateExpiry: every algorithm's state has a TTL and is gone once the
// limiter is back at its initial state, on a real clock too (short periods).
func rateExpiry(e rateEnv) {
	period := 200 * time.Millisecond
	for _, a := range []embedis.RateLimitAlgorithm{embedis.GCRA, embedis.TokenBucket, embedis.FixedWindow, embedis.SlidingWindowLog, embedis.SlidingWindowCounter} {
		l := e.limiter("exp"+a.String(), embedis.RateLimiterOptions{Algorithm: a, Rate: 2, Period: period, Burst: 2})
		r, err := l.AllowN(e.ctx, "k", 2)
		if err != nil || !r.Allowed || r.ResetAfter <= 0 || r.ResetAfter > 2*period {
			e.t.Fatalf("%v: AllowN(2) = %+v, %v", a, r, err)
		}
		key := e.Prefix + "exp" + a.String() + ":{k}"
		if d := e.pttl(key); d <= 0 || d > r.ResetAfter {
			e.t.Fatalf("%v: PTTL %v; want in (0, ResetAfter %v]", a, d, r.ResetAfter)
		}
		e.Advance(r.ResetAfter + 50*time.Millisecond)
		if d := e.pttl(key); d != -2 {
			e.t.Fatalf("%v: PTTL %v after ResetAfter; want -2 (expired)", a, d)
		}
		r, err = l.AllowN(e.ctx, "k", 0)
		if err != nil || r.Remaining != 2 || r.ResetAfter != 0 {
			e.t.Fatalf("%v: peek after expiry = %+v, %v; want the full limit", a, r, err)
		}
	}
}

// rateWait: Wait returns at once when allowed, fails at once (matching
// context.DeadlineExceeded) when the deadline comes before RetryAfter, and
// otherwise sleeps until admitted.
func rateWait(e rateEnv) {
	l := e.limiter("wait", embedis.RateLimiterOptions{Rate: 1, Period: 10 * time.Second, Burst: 1})
	if r, err := l.Wait(e.ctx, "k"); err != nil || !r.Allowed {
		e.t.Fatalf("Wait on a fresh key = %+v, %v", r, err)
	}
	ctx, cancel := context.WithTimeout(e.ctx, time.Hour)
	defer cancel()
	short, cancelShort := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancelShort()
	r, err := l.Wait(short, "k")
	if !errors.Is(err, context.DeadlineExceeded) || r.Allowed || short.Err() != nil {
		e.t.Fatalf("Wait with a deadline before RetryAfter = %+v, %v (ctx err %v); want DeadlineExceeded at once", r, err, short.Err())
	}
	cancelled, cancelNow := context.WithCancel(e.ctx)
	cancelNow()
	if _, err := l.Wait(cancelled, "k"); !errors.Is(err, context.Canceled) {
		e.t.Fatalf("Wait on a cancelled context: %v", err)
	}
	if e.Remote {
		// A short limit, waited for on the real clock.
		fast := e.limiter("waitfast", embedis.RateLimiterOptions{Rate: 1, Period: 100 * time.Millisecond, Burst: 1})
		for i := 0; i < 3; i++ {
			if r, err := fast.Wait(ctx, "k"); err != nil || !r.Allowed {
				e.t.Fatalf("Wait %d = %+v, %v", i, r, err)
			}
		}
		return
	}
	done := make(chan error, 1)
	go func() {
		r, err := l.Wait(ctx, "k")
		if err == nil && !r.Allowed {
			err = fmt.Errorf("wait returned %+v unallowed", r)
		}
		done <- err
	}()
	// The waiter sleeps on the manual clock: advancing it wakes it.
	for {
		select {
		case err := <-done:
			if err != nil {
				e.t.Fatal(err)
			}
			return
		case <-time.After(5 * time.Millisecond):
			e.Advance(time.Second)
		}
	}
}
