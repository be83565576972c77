package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
)

// scriptBackend is a remote Backend on redistest's client, for the root
// package's tests (the goredis module's Backend needs go-redis, which the
// root module never requires): EVALSHA, then EVAL on NOSCRIPT.
type scriptBackend struct {
	t  testing.TB
	mu sync.Mutex
	c  *redistest.Client
}

func (*scriptBackend) Store() *embedis.Store { return nil }

func (b *scriptBackend) Run(_ context.Context, s *embedis.Script, keys []string, args ...any) (any, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	tail := append([]string{fmt.Sprint(len(keys))}, keys...)
	for _, a := range args {
		tail = append(tail, fmt.Sprint(a))
	}
	v := b.c.Do(b.t, append([]string{"EVALSHA", s.Hash()}, tail...)...)
	if e, ok := v.(redistest.ReplyError); ok && strings.HasPrefix(string(e), "NOSCRIPT") {
		v = b.c.Do(b.t, append([]string{"EVAL", s.Source()}, tail...)...)
	}
	if e, ok := v.(redistest.ReplyError); ok {
		return nil, e
	}
	return v, nil
}

// A board on Redis works on the server's period, whatever the clock of the
// process says: a client clock 36 hours slow still submits to the server's
// day (and learns the difference for Key), one 3 days slow cannot submit to
// a day the server has expired, and one 3 days fast can to the server's
// today.
func TestLeaderboardRemoteFollowsServerClock(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	c := srv.Dial(t)
	b := &scriptBackend{t: t, c: srv.Dial(t)}
	day := func(t time.Time) string { return "g:daily:" + t.UTC().Format("2006-01-02") }

	lb, err := embedis.NewLeaderboard(b, "g", embedis.LeaderboardOptions{Period: embedis.Daily})
	if err != nil {
		t.Fatal(err)
	}
	embedis.SetLeaderboardClientClock(lb, func() time.Time { return time.Now().Add(-36 * time.Hour) })
	if k := lb.Key(); k != day(time.Now().Add(-36*time.Hour)) {
		t.Errorf("Key before any step = %q: want the client's estimate, %q", k, day(time.Now().Add(-36*time.Hour)))
	}
	before := time.Now()
	e, err := lb.Submit(ctx, "a", 1)
	after := time.Now()
	if err != nil || e.Rank != 1 {
		t.Fatalf("Submit = %v, %v", e, err)
	}
	key := day(before)
	if v := c.Do(t, "ZSCORE", key, "a"); v != "1" {
		if key = day(after); c.Do(t, "ZSCORE", key, "a") != "1" {
			t.Fatalf("the submit is not on the server's day %s", key)
		}
	}
	if v := c.Do(t, "EXISTS", day(before.Add(-36*time.Hour))); v != int64(0) {
		t.Errorf("the client's day %s was written", day(before.Add(-36*time.Hour)))
	}
	if k := lb.Key(); k != key && k != day(time.Now()) {
		t.Errorf("Key after a step = %q, want the server's day %q", k, key)
	}
	if got, err := lb.Top(ctx, 1); err != nil || len(got) != 1 || got[0].Member != "a" {
		t.Errorf("Top = %v, %v", got, err)
	}

	slow, _ := embedis.NewLeaderboard(b, "g", embedis.LeaderboardOptions{Period: embedis.Daily})
	embedis.SetLeaderboardClientClock(slow, func() time.Time { return time.Now().Add(-72 * time.Hour) })
	old := slow.At(time.Now().Add(-48 * time.Hour)) // Keep 1: gone at the end of yesterday
	if _, err := old.Submit(ctx, "b", 1); !errors.Is(err, embedis.ErrLeaderboardExpired) {
		t.Errorf("Submit to the server's day before yesterday: err %v, want ErrLeaderboardExpired", err)
	}
	if v := c.Do(t, "EXISTS", old.Key()); v != int64(0) {
		t.Errorf("a refused Submit created %s", old.Key())
	}

	fast, _ := embedis.NewLeaderboard(b, "g", embedis.LeaderboardOptions{Period: embedis.Daily})
	embedis.SetLeaderboardClientClock(fast, func() time.Time { return time.Now().Add(72 * time.Hour) })
	if e, err := fast.At(time.Now()).Submit(ctx, "c", 2); err != nil || e.Rank != 1 {
		t.Errorf("Submit pinned to the server's today by a fast client = %v, %v", e, err)
	}
}
