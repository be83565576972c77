// Command readthrough puts embedis's Cache in front of a slow function (an
// exchange-rate service that takes 100 ms to answer): fifty concurrent
// requests for one rate call the service once, later requests are served
// from the cache, an unknown currency pair is remembered as not found,
// values expire after their TTL, and a tag invalidates every rate of one
// currency at once.
//
//	go run ./examples/readthrough
//
// The store runs on a manual clock and the rates are fixed, so the output
// is the same on every run. Moving the cache to a Redis server or Cluster
// changes one line: embedis.Embedded(store) becomes goredis.New(client).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// rateService is the slow function the cache fronts.
type rateService struct {
	calls atomic.Int64
	rates map[string]float64
}

// Rate returns the exchange rate of pair ("EUR/USD") after 100 ms, or an
// error matching embedis.ErrCacheNotFound for a pair it does not quote.
func (s *rateService) Rate(ctx context.Context, pair string) (float64, error) {
	s.calls.Add(1)
	select {
	case <-time.After(100 * time.Millisecond):
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	r, ok := s.rates[pair]
	if !ok {
		return 0, fmt.Errorf("no quote for %s: %w", pair, embedis.ErrCacheNotFound)
	}
	return r, nil
}

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run plays the scenario, printing to w.
func run(w io.Writer) error {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	store, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		return err
	}
	defer store.Close()

	service := &rateService{rates: map[string]float64{"EUR/USD": 1.0842, "EUR/GBP": 0.8571, "USD/JPY": 151.37}}
	rates, err := embedis.NewCache(embedis.Embedded(store), "rates", embedis.CacheOptions[float64]{
		TTL:         time.Minute,
		Jitter:      0.2, // each rate lives 60 to 72 s, so they do not all expire together
		NegativeTTL: 10 * time.Second,
	})
	if err != nil {
		return err
	}
	// rate is the read-through call: the pair's currencies are its tags.
	rate := func(pair string) (float64, error) {
		return rates.GetOrLoad(ctx, pair, service.Rate, strings.Split(pair, "/")...)
	}

	// 1. Fifty requests at once for a rate nobody has asked for yet.
	var wg sync.WaitGroup
	got := make([]float64, 50)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i], _ = rate("EUR/USD")
		}(i)
	}
	wg.Wait()
	same := true
	for _, r := range got {
		same = same && r == got[0]
	}
	fmt.Fprintf(w, "50 concurrent requests: EUR/USD = %.4f (all equal: %v), service calls: %d\n", got[0], same, service.calls.Load())

	// 2. Later requests hit the cache.
	for i := 0; i < 10; i++ {
		rate("EUR/USD")
	}
	fmt.Fprintf(w, "10 more requests: service calls: %d\n", service.calls.Load())

	// 3. An unknown pair is cached as not found for NegativeTTL.
	for i := 0; i < 3; i++ {
		_, err = rate("EUR/XYZ")
	}
	fmt.Fprintf(w, "3 requests for EUR/XYZ: not found: %v, service calls: %d\n", errors.Is(err, embedis.ErrCacheNotFound), service.calls.Load())

	// 4. The value, as redis-cli would show it, and its time to live.
	raw, _ := store.Get(ctx, "rates:{EUR/USD}")
	ttl, _ := store.PTTL(ctx, "rates:{EUR/USD}")
	fmt.Fprintf(w, "key rates:{EUR/USD} = %s, expires in 60-72 s: %v\n", raw, ttl >= time.Minute && ttl <= 72*time.Second)

	// 5. After the TTL (and the largest jitter) the rate is loaded again.
	clock.Advance(73 * time.Second)
	rate("EUR/USD")
	fmt.Fprintf(w, "after 73 s: service calls: %d\n", service.calls.Load())

	// 6. A tag drops every rate of one currency.
	rate("EUR/GBP")
	rate("USD/JPY")
	n, _ := rates.InvalidateTag(ctx, "EUR")
	_, errGBP := rates.Get(ctx, "EUR/GBP")
	jpy, _ := rates.Get(ctx, "USD/JPY")
	fmt.Fprintf(w, "invalidate tag EUR: %d entries dropped; EUR/GBP cached: %v; USD/JPY still cached: %.2f\n",
		n, !errors.Is(errGBP, embedis.ErrCacheMiss), jpy)

	st := rates.Stats()
	fmt.Fprintf(w, "service calls in all: %d (the cache's loads: %d)\n", service.calls.Load(), st.Loads)
	return nil
}
