// Command leaderboard plays a short game session on embedis's Leaderboard
// helper: total points on an all-time board, each player's best game on a
// daily board, the top 5, one player's rank and neighbours, a page, and
// yesterday's board after midnight.
//
//	go run ./examples/leaderboard
//
// The data and the clock are fixed, so the output is the same on every run.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/embedis/embedis"
)

// games are the rounds of the evening: each player's score in each round.
var games = []map[string]float64{
	{"ada": 420, "bo": 380, "cy": 510, "dee": 290, "eli": 450, "fay": 380, "gus": 120, "hal": 600},
	{"ada": 530, "bo": 410, "cy": 220, "dee": 610, "eli": 450, "fay": 300, "gus": 700, "hal": 90},
	{"ada": 150, "bo": 520, "cy": 480, "dee": 330, "eli": 500, "fay": 640, "gus": 260, "hal": 310},
}

var players = []string{"ada", "bo", "cy", "dee", "eli", "fay", "gus", "hal"}

func main() {
	ctx := context.Background()
	// A manual clock makes the daily boards' dates fixed: 21:00 UTC on 28 November 2026.
	clock := embedis.NewManualClock(time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC))
	s, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// Total points, for all time; and the best single game, one board a day.
	points, err := embedis.NewLeaderboard(embedis.Embedded(s), "points", embedis.LeaderboardOptions{Mode: embedis.AddScore})
	if err != nil {
		log.Fatal(err)
	}
	best, err := embedis.NewLeaderboard(embedis.Embedded(s), "best", embedis.LeaderboardOptions{Period: embedis.Daily})
	if err != nil {
		log.Fatal(err)
	}

	play := func(round map[string]float64) {
		for _, p := range players {
			sc, ok := round[p]
			if !ok {
				continue
			}
			if _, err := points.Submit(ctx, p, sc); err != nil {
				log.Fatal(err)
			}
			e, err := best.Submit(ctx, p, sc)
			if err != nil {
				log.Fatal(err)
			}
			if e.Score == sc && e.Rank == 1 {
				fmt.Printf("  %s leads today's best with %v\n", p, sc)
			}
		}
	}
	for i, round := range games {
		fmt.Printf("game %d\n", i+1)
		play(round)
		clock.Advance(20 * time.Minute)
	}

	fmt.Println("\ntop 5 by total points:")
	top, err := points.Top(ctx, 5)
	if err != nil {
		log.Fatal(err)
	}
	printEntries(top)

	me, err := points.Entry(ctx, "dee")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\ndee is #%d with %v points; around dee:\n", me.Rank, me.Score)
	near, err := points.Around(ctx, "dee", 1)
	if err != nil {
		log.Fatal(err)
	}
	printEntries(near)

	fmt.Println("\npage 2 of 3 per page:")
	page, err := points.Page(ctx, 2, 3)
	if err != nil {
		log.Fatal(err)
	}
	printEntries(page)

	fmt.Printf("\nbest game today (%s):\n", best.Key())
	day, err := best.Top(ctx, 3)
	if err != nil {
		log.Fatal(err)
	}
	printEntries(day)

	// Past midnight: a new daily board starts, yesterday's stays readable
	// until the end of today (Keep 1) and then expires by itself.
	clock.Advance(3 * time.Hour)
	fmt.Printf("\nafter midnight, %s\n", best.Key())
	play(map[string]float64{"bo": 350, "gus": 480})
	day, err = best.Top(ctx, 3)
	if err != nil {
		log.Fatal(err)
	}
	printEntries(day)
	yesterday := best.At(clock.Now().AddDate(0, 0, -1))
	winner, err := yesterday.Top(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("yesterday's winner (%s): %s with %v\n", yesterday.Key(), winner[0].Member, winner[0].Score)

	clock.Advance(24 * time.Hour)
	n, err := s.Exists(ctx, yesterday.Key())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("a day later, %s exists: %v\n", yesterday.Key(), n == 1)
}

func printEntries(es []embedis.LeaderboardEntry) {
	for _, e := range es {
		fmt.Printf("  %2d. %-4s %6v\n", e.Rank, e.Member, e.Score)
	}
}
