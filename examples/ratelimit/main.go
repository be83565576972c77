// Command ratelimit serves a small rate-limited HTTP API and calls it: an
// embedded store holds the limits, RateLimiter.Middleware guards the API
// (5 requests per 10 seconds per API key, GCRA, plus a per-IP fixed window
// for requests without a key), and a client sends bursts and prints each
// answer's status and RateLimit headers.
//
//	go run ./examples/ratelimit
//
// The server is an httptest server on loopback, started and stopped by the
// program; the store runs on a manual clock that the program moves, so the
// output is the same on every run. Moving to Redis is one line: build the
// limiters on goredis.New(redisClient) instead of embedis.Embedded(store).
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/embedis/embedis"
)

func main() {
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC))
	store, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	backend := embedis.Embedded(store)

	// Callers with an API key: 5 per 10 s each, in a burst or spread out.
	perKey, err := embedis.NewRateLimiter(backend, "api:key", embedis.RateLimiterOptions{Rate: 5, Period: 10 * time.Second, Burst: 5})
	if err != nil {
		log.Fatal(err)
	}
	// Anonymous callers: 2 per minute per IP address, in fixed windows.
	perIP, err := embedis.NewRateLimiter(backend, "api:ip", embedis.RateLimiterOptions{Algorithm: embedis.FixedWindow, Rate: 2, Period: time.Minute})
	if err != nil {
		log.Fatal(err)
	}

	api := http.NewServeMux()
	api.HandleFunc("/quote", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "the early bird gets the worm")
	})
	keyed := perKey.Middleware(func(r *http.Request) string { return r.Header.Get("X-API-Key") })(api)
	anonymous := perIP.Middleware(nil)(api) // keyed by embedis.RemoteIP
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-Key") != "" {
			keyed.ServeHTTP(w, r)
			return
		}
		anonymous.ServeHTTP(w, r)
	}))
	defer srv.Close()

	call := func(apiKey string) {
		req, err := http.NewRequest("GET", srv.URL+"/quote", nil)
		if err != nil {
			log.Fatal(err)
		}
		who := "anonymous"
		if apiKey != "" {
			req.Header.Set("X-API-Key", apiKey)
			who = apiKey
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		line := fmt.Sprintf("%-9s %d limit=%s remaining=%s reset=%ss", who, resp.StatusCode,
			resp.Header.Get("RateLimit-Limit"), resp.Header.Get("RateLimit-Remaining"), resp.Header.Get("RateLimit-Reset"))
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			line += " retry-after=" + ra + "s"
		}
		if resp.StatusCode == http.StatusOK {
			line += "  " + strings.TrimSpace(string(body))
		}
		fmt.Println(line)
	}
	advance := func(d time.Duration) {
		clock.Advance(d)
		fmt.Printf("-- %v later\n", d)
	}

	fmt.Println("-- a burst of 6 with key alpha, 1 with key beta")
	for i := 0; i < 6; i++ {
		call("alpha")
	}
	call("beta")
	advance(2 * time.Second) // one emission interval: one more for alpha
	call("alpha")
	call("alpha")
	advance(10 * time.Second) // a full burst again
	call("alpha")

	fmt.Println("-- anonymous callers share their IP's 2 per minute")
	for i := 0; i < 3; i++ {
		call("")
	}
	advance(time.Minute)
	call("")

	// The limiter is also usable without HTTP: Wait blocks until admitted,
	// or fails at once when the context's deadline comes first.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := perKey.Wait(ctx, "beta"); err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		perKey.Allow(ctx, "beta")
	}
	if _, err := perKey.Wait(ctx, "beta"); err != nil {
		fmt.Println("-- Wait for beta with 1s left:", err)
	}
}
