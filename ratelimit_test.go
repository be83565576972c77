package embedis_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

var rateAlgorithms = []embedis.RateLimitAlgorithm{embedis.GCRA, embedis.TokenBucket, embedis.FixedWindow,
	embedis.SlidingWindowLog, embedis.SlidingWindowCounter}

// manualStore opens a store on a manual clock at the start of 2030 (a
// boundary of every window the tests use).
func manualStore(t *testing.T) (*embedis.Store, *embedis.ManualClock) {
	t.Helper()
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// TestRateLimiterConcurrent: 100 goroutines on one key of one limit admit
// exactly the limit per window, for every algorithm; after the window (the
// manual clock moved by a period), exactly the limit again.
func TestRateLimiterConcurrent(t *testing.T) {
	const limit, goroutines, tries = 50, 100, 3
	for _, a := range rateAlgorithms {
		t.Run(a.String(), func(t *testing.T) {
			s, clock := manualStore(t)
			l, err := embedis.NewRateLimiter(embedis.Embedded(s), "c", embedis.RateLimiterOptions{Algorithm: a, Rate: limit, Period: time.Minute, Burst: limit})
			if err != nil {
				t.Fatal(err)
			}
			for window := 0; window < 2; window++ {
				var admitted atomic.Int64
				var wg sync.WaitGroup
				errs := make(chan error, goroutines)
				for g := 0; g < goroutines; g++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := 0; i < tries; i++ {
							r, err := l.Allow(context.Background(), "shared")
							if err != nil {
								errs <- err
								return
							}
							if r.Allowed {
								admitted.Add(1)
							}
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
				if got := admitted.Load(); got != limit {
					t.Fatalf("window %d: %d goroutines × %d tries admitted %d; want exactly %d", window, goroutines, tries, got, limit)
				}
				// The sliding counter still weighs the previous window at
				// its start; two periods clear every algorithm.
				clock.Advance(2 * time.Minute)
			}
		})
	}
}

// TestRateLimiterMiddleware checks the headers, the 429 with Retry-After,
// the default key (the peer's IP, whatever its port) and a pluggable one,
// and the 503 when the limiter fails.
func TestRateLimiterMiddleware(t *testing.T) {
	s, clock := manualStore(t)
	l, err := embedis.NewRateLimiter(embedis.Embedded(s), "http", embedis.RateLimiterOptions{Rate: 2, Period: 10 * time.Second, Burst: 2})
	if err != nil {
		t.Fatal(err)
	}
	var reached atomic.Int64
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Write([]byte("ok"))
	})
	h := l.Middleware(nil)(ok)
	get := func(h http.Handler, remote string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	type want struct {
		code                   int
		limit, remaining, rset string
		retry                  string
	}
	check := func(rec *httptest.ResponseRecorder, w want) {
		t.Helper()
		got := want{rec.Code, rec.Header().Get("RateLimit-Limit"), rec.Header().Get("RateLimit-Remaining"),
			rec.Header().Get("RateLimit-Reset"), rec.Header().Get("Retry-After")}
		if got != w {
			t.Fatalf("response %+v; want %+v", got, w)
		}
	}
	// Emission interval 5 s: the second request leaves 10 s to reset.
	check(get(h, "192.0.2.1:1000"), want{200, "2", "1", "5", ""})
	check(get(h, "192.0.2.1:2000"), want{200, "2", "0", "10", ""}) // same IP, another port
	check(get(h, "192.0.2.1:3000"), want{429, "2", "0", "10", "5"})
	check(get(h, "192.0.2.2:1000"), want{200, "2", "1", "5", ""}) // another IP
	if reached.Load() != 3 {
		t.Fatalf("next reached %d times; want 3 (never on a 429)", reached.Load())
	}
	clock.Advance(4500 * time.Millisecond)
	check(get(h, "192.0.2.1:1000"), want{429, "2", "0", "6", "1"}) // 500 ms rounds up to 1 s
	clock.Advance(500 * time.Millisecond)
	check(get(h, "192.0.2.1:1000"), want{200, "2", "0", "10", ""})

	byUser := l.Middleware(func(r *http.Request) string { return r.Header.Get("X-User") })(ok)
	for i, code := range []int{200, 200, 429} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("X-User", "ann")
		req.RemoteAddr = "198.51.100." + strconv.Itoa(i) + ":1"
		rec := httptest.NewRecorder()
		byUser.ServeHTTP(rec, req)
		if rec.Code != code {
			t.Fatalf("request %d keyed by X-User: %d; want %d", i, rec.Code, code)
		}
	}

	s.Close()
	before := reached.Load()
	if rec := get(h, "192.0.2.9:1"); rec.Code != http.StatusServiceUnavailable || reached.Load() != before {
		t.Fatalf("closed store: %d (next reached %v); want 503 without next", rec.Code, reached.Load() != before)
	}
}

func TestRemoteIP(t *testing.T) {
	for remote, want := range map[string]string{
		"192.0.2.1:1234":   "192.0.2.1",
		"[2001:db8::1]:80": "2001:db8::1",
		"@":                "@",
		"":                 "",
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = remote
		if got := embedis.RemoteIP(req); got != want {
			t.Errorf("RemoteIP(%q) = %q; want %q", remote, got, want)
		}
	}
}

// TestRateLimiterWaitCancelled: a Wait sleeping on the store's clock ends
// with the context's error when it is cancelled, and with a deadline it
// cannot meet it returns at once.
func TestRateLimiterWaitCancelled(t *testing.T) {
	s, _ := manualStore(t)
	l, err := embedis.NewRateLimiter(embedis.Embedded(s), "w", embedis.PerMinute(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Allow(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := l.Wait(ctx, "k"); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait after cancel: %v; want context.Canceled", err)
	}
	// The deadline (a minute away on the wall clock) comes before the 60 s
	// the limiter asks for minus nothing: refused at once, without waiting
	// for the manual clock, which never moves here.
	ctx, cancel = context.WithTimeout(context.Background(), 59*time.Second)
	defer cancel()
	_, err = l.Wait(ctx, "k")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, embedis.ErrRateLimitDeadline) || ctx.Err() != nil {
		t.Fatalf("Wait with an unreachable deadline: %v; want DeadlineExceeded at once", err)
	}
}

// FuzzRateLimiterState plants any string where a limiter keeps its state
// (as another program, or a hand in redis-cli, might) and checks that every
// algorithm answers without panicking, within its limit, and that the state
// it leaves is its own: the next peek sees a sane value.
func FuzzRateLimiterState(f *testing.F) {
	for _, seed := range []string{"", "0", "1 2", "1796083200123 2", "9999999999999999 9999999999999999",
		"99999999999999999 1", "1 2 3", " 1 2", "1  2", "-1 5", "1e5 3", "\x00", "1 2 3 4"} {
		f.Add(seed, int64(1), int64(0))
	}
	f.Fuzz(func(t *testing.T, state string, n int64, advanceMs int64) {
		s, clock := manualStore(t)
		ctx := context.Background()
		for _, a := range rateAlgorithms {
			if a == embedis.SlidingWindowLog {
				continue // a sorted set: a planted string is WRONGTYPE
			}
			l, err := embedis.NewRateLimiter(embedis.Embedded(s), "f"+a.String(), embedis.RateLimiterOptions{
				Algorithm: a, Rate: 3, Period: time.Second, Burst: 3})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Set(ctx, "f"+a.String()+":{k}", state, 0); err != nil {
				t.Fatal(err)
			}
			n := max(0, min(n, 3))
			r, err := l.AllowN(ctx, "k", n)
			if err != nil {
				t.Fatalf("%v on %q: %v", a, state, err)
			}
			if r.Remaining < 0 || r.Remaining > 3 || r.RetryAfter < 0 || r.ResetAfter < 0 || r.ResetAfter > 2*time.Second {
				t.Fatalf("%v on %q: AllowN(%d) = %+v", a, state, n, r)
			}
			clock.Advance(time.Duration(advanceMs%5000+5000) % 5000 * time.Millisecond)
			if r, err = l.AllowN(ctx, "k", 0); err != nil || r.Remaining < 0 || r.Remaining > 3 {
				t.Fatalf("%v after %q: peek = %+v, %v", a, state, r, err)
			}
		}
	})
}
