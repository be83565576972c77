package embedis

import (
	"context"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
)

// TestRateLimitLuaMatchesGo runs random sequences of AllowN and Reset on
// every algorithm twice — in Go on a store with a manual clock, and with the
// algorithm's own Lua script on a real redis-server — and requires the same
// decision (allowed, remaining, retry and reset ms) at every step. The
// scripts read the time from TIME; here that one call is replaced by the
// manual clock's reading, so both sides see the same millisecond. The fake
// time starts a day ahead of the server's clock, so the absolute deadlines
// the scripts set (PXAT) are never already past on the server; the server's
// keys then outlive the embedded ones, which the algorithms take as the
// same state as a missing key (that is part of what this checks).
func TestRateLimitLuaMatchesGo(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	seed := redistest.Seed(t, "EMBEDIS_RATELIMIT_SEED")
	rng := rand.New(rand.NewSource(seed))

	start := time.Now().Add(24 * time.Hour).Truncate(time.Hour)
	clock := NewManualClock(start)
	s, err := Open(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()

	pinned := map[*Script]string{}
	for _, sc := range rateLimitScripts {
		src := strings.Replace(sc.Source(), "redis.call('TIME')", "{ARGV[5], ARGV[6]}", 1)
		if src == sc.Source() {
			t.Fatal("a rate limit script does not read TIME as expected")
		}
		pinned[sc] = src
	}

	configs := []RateLimiterOptions{
		{Rate: 5, Period: time.Second, Burst: 5},
		{Rate: 3, Period: time.Second, Burst: 3},
		{Rate: 7, Period: 100 * time.Millisecond, Burst: 2},
		{Rate: 1000, Period: 7 * time.Millisecond, Burst: 13},
		{Rate: 2, Period: 3 * time.Millisecond, Burst: 9},
	}
	for a := GCRA; a <= SlidingWindowCounter; a++ {
		for ci, o := range configs {
			o.Algorithm = a
			if a >= FixedWindow {
				o.Burst = o.Rate
				if o.Rate > 50 {
					o.Rate, o.Burst = 50, 50 // keep the log's sorted sets small
				}
			}
			name := fmt.Sprintf("lua%d%d", a, ci)
			l, err := NewRateLimiter(Embedded(s), name, o)
			if err != nil {
				t.Fatal(err)
			}
			src := pinned[rateLimitScripts[a]]
			var allowed, refused int
			for step := 0; step < 400; step++ {
				key := strconv.Itoa(rng.Intn(2))
				switch rng.Intn(10) {
				case 0:
					clock.Advance(time.Duration(rng.Int63n(3*o.Period.Milliseconds()+1)) * time.Millisecond)
				case 1, 2:
					clock.Advance(time.Duration(rng.Int63n(o.Period.Milliseconds()/2+1)) * time.Millisecond)
				}
				if rng.Intn(50) == 0 {
					if err := l.Reset(ctx, key); err != nil {
						t.Fatal(err)
					}
					c.MustDo(t, "DEL", l.key(key))
					continue
				}
				n := rng.Int63n(l.Limit() + 1)
				if rng.Intn(4) != 0 {
					n = min(n, 1)
				}
				got, err := l.AllowN(ctx, key, n)
				if err != nil {
					t.Fatal(err)
				}
				now := s.Now().UnixMilli()
				reply := c.MustDo(t, "EVAL", src, "1", l.key(key),
					strconv.FormatInt(n, 10), strconv.FormatInt(l.rate, 10), strconv.FormatInt(l.per, 10),
					strconv.FormatInt(l.burst, 10), strconv.FormatInt(now/1000, 10), strconv.FormatInt(now%1000*1000, 10))
				d, err := parseRateReply(reply)
				if err != nil {
					t.Fatal(err)
				}
				want := RateLimitResult{Allowed: d.allowed, Remaining: d.remaining,
					RetryAfter: time.Duration(d.retryMs) * time.Millisecond,
					ResetAfter: time.Duration(d.resetMs) * time.Millisecond, Limit: l.Limit()}
				if got.Allowed {
					allowed++
				} else {
					refused++
				}
				if got != want {
					t.Fatalf("seed %d, %v %+v, step %d at +%dms: AllowN(%q, %d)\n  Go:  %+v\n  Lua: %+v",
						seed, a, o, step, now-start.UnixMilli(), key, n, got, want)
				}
				// Where the embedded state is still live, the server holds
				// the same value.
				if a != SlidingWindowLog {
					if v, err := s.Get(ctx, l.key(key)); err == nil {
						if rv := c.MustDo(t, "GET", l.key(key)); rv != v {
							t.Fatalf("seed %d, %v step %d: state %q in Go, %q in Lua", seed, a, step, v, rv)
						}
					}
				} else if members, err := s.ZRangeWithScores(ctx, l.key(key), 0, -1); err == nil && len(members) > 0 {
					rv := c.MustDo(t, "ZRANGEBYSCORE", l.key(key), "("+strconv.FormatInt(now-l.per, 10), "+inf", "WITHSCORES").([]any)
					var live []string
					for _, m := range members {
						if int64(m.Score) > now-l.per {
							live = append(live, m.Member, strconv.FormatInt(int64(m.Score), 10))
						}
					}
					if fmt.Sprint(live) != fmt.Sprint(rv) {
						t.Fatalf("seed %d, %v step %d: log %v in Go, %v in Lua", seed, a, step, live, rv)
					}
				}
			}
			if allowed < 20 || refused < 5 {
				t.Errorf("%v %+v: %d allowed, %d refused: the sequence does not exercise both answers", a, o, allowed, refused)
			}
		}
	}
}
