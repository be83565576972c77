// Command pageviews counts a small site's page views per hour with
// embedis's Counter: a day of simulated traffic, then each page's total,
// its distinct visitors (a HyperLogLog per page and day, AddUnique and
// UniqueSum), its views in the last three hours, and the busiest page's
// views hour by hour as a bar chart.
//
//	go run ./examples/pageviews
//
// It runs on an embedded store with a manual clock, so the output is the
// same on every run and no server is needed; on a Redis or Redis Cluster,
// only the backend changes: embedis.NewCounter(goredis.New(client), …).
package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/embedis/embedis"
)

var pages = []string{"/", "/pricing", "/docs", "/blog"}

// weight is each page's share of the traffic, in percent.
var weight = []int{50, 15, 25, 10}

func main() {
	ctx := context.Background()
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	clock := embedis.NewManualClock(start)
	s, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// Hourly buckets for two days, daily buckets for a month.
	views, err := embedis.NewCounter(embedis.Embedded(s), "views", embedis.CounterOptions{
		Buckets: []embedis.CounterBucket{{Size: time.Hour, Keep: 48}, {Size: 24 * time.Hour, Keep: 31}},
	})
	if err != nil {
		log.Fatal(err)
	}

	// A day of traffic: quiet at night, busy in the afternoon, a view every
	// few seconds at the peak. The random source has a fixed seed.
	rng := rand.New(rand.NewPCG(1, 2))
	end := start.Add(24 * time.Hour)
	for {
		page, visitor := pick(rng), fmt.Sprintf("visitor:%d", rng.IntN(2000))
		if _, err := views.Incr(ctx, page, 1); err != nil {
			log.Fatal(err)
		}
		if err := views.AddUnique(ctx, page, visitor); err != nil {
			log.Fatal(err)
		}
		perHour := 20 + 400*max(0, 6-abs(clock.Now().Hour()-15))/6
		next := time.Duration(rng.ExpFloat64() * float64(time.Hour) / float64(perHour))
		if !clock.Now().Add(next).Before(end) {
			break // the report is read just before midnight
		}
		clock.Advance(next)
	}

	fmt.Printf("%-10s %7s %9s %12s\n", "page", "today", "visitors", "last 3 hours")
	for _, p := range pages {
		day, err := views.Sum(ctx, p, 24*time.Hour, 1)
		if err != nil {
			log.Fatal(err)
		}
		visitors, err := views.UniqueSum(ctx, p, 24*time.Hour, 1)
		if err != nil {
			log.Fatal(err)
		}
		recent, err := views.Sum(ctx, p, time.Hour, 3)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-10s %7d %9d %12d\n", p, day, visitors, recent)
	}

	fmt.Println("\n/ by hour (UTC):")
	series, err := views.Series(ctx, "/", time.Hour, 24)
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range series {
		fmt.Printf("%s %4d %s\n", b.Start.Format("15:04"), b.Count, strings.Repeat("#", int(b.Count/5)))
	}
}

// pick draws a page by its weight.
func pick(rng *rand.Rand) string {
	n := rng.IntN(100)
	for i, w := range weight {
		if n < w {
			return pages[i]
		}
		n -= w
	}
	return pages[0]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
