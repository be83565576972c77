package embedis_test

import (
	"context"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

// Page views per hour: a Counter with hourly buckets kept for a day. Incr
// counts a view in the page's total and in the current hour; Sum adds up
// the last hours, Series lists them. (On a Redis Cluster the same code runs
// on goredis.New(clusterClient) instead of embedis.Embedded(s).)
func ExampleCounter() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()

	views, err := embedis.NewCounter(embedis.Embedded(s), "views", embedis.CounterOptions{
		Buckets: []embedis.CounterBucket{{Size: time.Hour, Keep: 24}},
	})
	if err != nil {
		panic(err)
	}
	for hour, n := range []int{3, 5, 2} { // views at 09:xx, 10:xx, 11:xx
		for range n {
			views.Incr(ctx, "/home", 1)
		}
		if hour < 2 {
			clock.Advance(time.Hour)
		}
	}
	views.Incr(ctx, "/about", 1)

	total, _ := views.Get(ctx, "/home")
	last2h, _ := views.Sum(ctx, "/home", time.Hour, 2)
	fmt.Println("/home total:", total, "last two hours:", last2h)
	series, _ := views.Series(ctx, "/home", time.Hour, 4)
	for _, b := range series {
		fmt.Println(b.Start.Format("15:04"), b.Count)
	}
	// Each count is a key: the total, and one per hour that expires a day
	// after its hour began.
	ttl, _ := s.PTTL(ctx, "views:{/home}:1h:"+fmt.Sprint(series[3].Start.UnixMilli()))
	fmt.Println("11:00's bucket expires in", ttl)
	// Output:
	// /home total: 10 last two hours: 7
	// 08:00 0
	// 09:00 3
	// 10:00 5
	// 11:00 2
	// 11:00's bucket expires in 24h0m0s
}

// Distinct visitors per day, next to the visits: AddUnique records a
// visitor in the page's HyperLogLogs (all time and the current day),
// UniqueSum estimates the distinct visitors of the last days (a visitor
// seen on both days counts once).
func ExampleCounter_AddUnique() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()

	visitors, err := embedis.NewCounter(embedis.Embedded(s), "visitors", embedis.CounterOptions{
		Buckets: []embedis.CounterBucket{{Size: 24 * time.Hour, Keep: 7}},
	})
	if err != nil {
		panic(err)
	}
	visitors.AddUnique(ctx, "/home", "ann", "bob", "cy")
	visitors.AddUnique(ctx, "/home", "ann") // seen before: no change
	clock.Advance(24 * time.Hour)
	visitors.AddUnique(ctx, "/home", "bob", "dee")

	today, _ := visitors.UniqueSum(ctx, "/home", 24*time.Hour, 1)
	twoDays, _ := visitors.UniqueSum(ctx, "/home", 24*time.Hour, 2)
	allTime, _ := visitors.Unique(ctx, "/home")
	fmt.Println("today:", today, "last two days:", twoDays, "all time:", allTime)
	// Output: today: 2 last two days: 4 all time: 4
}
