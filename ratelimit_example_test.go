package embedis_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/embedis/embedis"
)

// A limit of 3 requests per second per client (GCRA, a burst of 3): the
// fourth request of a burst is refused and told when to retry; a peek
// (AllowN with n = 0) consumes nothing.
func ExampleRateLimiter() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()

	// embedis.Embedded(s) keeps the state in this process; goredis.New(rdb)
	// would keep it in Redis, with the same code below.
	limiter, err := embedis.NewRateLimiter(embedis.Embedded(s), "api", embedis.PerSecond(3))
	if err != nil {
		panic(err)
	}
	for i := 0; i < 4; i++ {
		r, _ := limiter.Allow(ctx, "client-42")
		fmt.Printf("allowed=%v remaining=%d retry=%v reset=%v\n", r.Allowed, r.Remaining, r.RetryAfter, r.ResetAfter)
	}
	clock.Advance(334 * time.Millisecond)
	r, _ := limiter.AllowN(ctx, "client-42", 0)
	fmt.Printf("peek after 334ms: remaining=%d\n", r.Remaining)
	// Output:
	// allowed=true remaining=2 retry=0s reset=334ms
	// allowed=true remaining=1 retry=0s reset=667ms
	// allowed=true remaining=0 retry=0s reset=1s
	// allowed=false remaining=0 retry=334ms reset=1s
	// peek after 334ms: remaining=1
}

// Options out of range are refused when the limiter is built.
func ExampleNewRateLimiter_invalid() {
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	_, err := embedis.NewRateLimiter(embedis.Embedded(s), "api", embedis.RateLimiterOptions{Rate: 0, Period: time.Second, Burst: 1})
	fmt.Println(err)
	// Output:
	// embedis: invalid rate limiter options: Rate 0: must be at least 1
}

// The middleware keys requests by the client's IP address (RemoteIP) unless
// given another key function, sets the RateLimit-* headers and answers 429
// with Retry-After once the limit is reached.
func ExampleRateLimiter_Middleware() {
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()
	limiter, _ := embedis.NewRateLimiter(embedis.Embedded(s), "web", embedis.RateLimiterOptions{
		Algorithm: embedis.FixedWindow, Rate: 2, Period: time.Minute,
	})
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	h := limiter.Middleware(nil)(hello)
	for i := 0; i < 3; i++ {
		req := httptest.NewRequest("GET", "/", nil) // RemoteAddr 192.0.2.1:1234
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Printf("%d remaining=%s reset=%s retry-after=%q\n", rec.Code, rec.Header().Get("RateLimit-Remaining"),
			rec.Header().Get("RateLimit-Reset"), rec.Header().Get("Retry-After"))
	}
	// Output:
	// 200 remaining=1 reset=60 retry-after=""
	// 200 remaining=0 reset=60 retry-after=""
	// 429 remaining=0 reset=60 retry-after="60"
}
