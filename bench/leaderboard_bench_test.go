package bench

import (
	"context"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
)

// Leaderboard: one Submit (ZADD GT, the deadline, the score and rank read
// back) on a daily board of 1,000 members, and one Top(10), on the
// embedded store and on redis-server (one script each):
//
//	cd bench && go test -run '^$' -bench 'Leaderboard' -benchtime 1s -count 3

func newBenchBoard(b *testing.B, be embedis.Backend) *embedis.Leaderboard {
	ctx := context.Background()
	lb, err := embedis.NewLeaderboard(be, "board", embedis.LeaderboardOptions{Period: embedis.Daily})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, err := lb.Submit(ctx, "player:"+strconv.Itoa(i), float64(i)); err != nil {
			b.Fatal(err)
		}
	}
	return lb
}

func BenchmarkLeaderboardSubmit(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		lb := newBenchBoard(b, be)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := lb.Submit(ctx, "player:"+strconv.Itoa(i%1000), float64(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLeaderboardTop10(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		lb := newBenchBoard(b, be)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := lb.Top(ctx, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
}
