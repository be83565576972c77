package embedis

import (
	"errors"
	"testing"
	"time"
)

func TestMove(t *testing.T) {
	s, clock := openTest(t)
	s.Set(ctx, "k", "v", time.Minute)
	if _, err := s.Move(ctx, "k", 0); !errors.Is(err, ErrSameObject) {
		t.Fatalf("Move to its own db = %v", err)
	}
	if _, err := s.Move(ctx, "missing", 0); !errors.Is(err, ErrSameObject) {
		t.Fatalf("Move of a missing key to its own db = %v", err)
	}
	for _, db := range []int{-1, 16} {
		if _, err := s.Move(ctx, "k", db); !errors.Is(err, ErrDBIndex) {
			t.Fatalf("Move to db %d = %v", db, err)
		}
	}
	if ok, err := s.Move(ctx, "missing", 1); ok || err != nil {
		t.Fatalf("Move of a missing key = %v, %v", ok, err)
	}
	s.DB(1).Set(ctx, "k", "there", 0)
	if ok, err := s.Move(ctx, "k", 1); ok || err != nil {
		t.Fatalf("Move onto an existing key = %v, %v", ok, err)
	}
	requireUnchanged(t, s, "k", "v")
	requireUnchanged(t, s.DB(1), "k", "there")

	if ok, err := s.Move(ctx, "k", 2); !ok || err != nil {
		t.Fatalf("Move = %v, %v", ok, err)
	}
	if n, _ := s.Exists(ctx, "k"); n != 0 {
		t.Fatal("the key is still in the source db")
	}
	requireUnchanged(t, s.DB(2), "k", "v")
	if d, _ := s.DB(2).PTTL(ctx, "k"); d != time.Minute {
		t.Fatalf("Move lost the TTL: %v", d)
	}
	clock.Advance(time.Minute + time.Millisecond)
	if n, _ := s.DB(2).Exists(ctx, "k"); n != 0 {
		t.Fatal("the moved key did not expire at its deadline")
	}

	// A key of the target past its deadline does not block the move.
	s.Set(ctx, "e", "new", 0)
	s.DB(1).Set(ctx, "e", "old", time.Second)
	clock.mu.Lock()
	clock.now = clock.now.Add(2 * time.Second) // past the deadline, not yet removed
	clock.mu.Unlock()
	if ok, _ := s.Move(ctx, "e", 1); !ok {
		t.Fatal("an expired key of the target blocked the move")
	}
	requireUnchanged(t, s.DB(1), "e", "new")
}

func TestMoveBreaksWatchInBothDatabases(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "k", "v", 0)
	var src, dst Watch
	watch(s, &src, "k")
	watch(s.DB(1), &dst, "k")
	if ok, _ := s.Move(ctx, "k", 1); !ok {
		t.Fatal("Move failed")
	}
	if !watchBroken(t, s, &src) {
		t.Fatal("the WATCH on the source db survived the move")
	}
	if !watchBroken(t, s.DB(1), &dst) {
		t.Fatal("the WATCH on the target db survived the move")
	}
	var w Watch
	watch(s.DB(1), &w, "k")
	s.Set(ctx, "k", "again", 0)
	s.DB(1).Set(ctx, "k", "there", 0)
	watch(s.DB(1), &w, "k")
	if ok, _ := s.Move(ctx, "k", 1); ok {
		t.Fatal("Move onto an existing key")
	}
	if watchBroken(t, s.DB(1), &w) {
		t.Fatal("a refused move broke the WATCH")
	}
}

// A list moved into a database serves the callers blocked on its name
// there, as Redis signals every key it adds.
func TestMoveServesBlockedCallers(t *testing.T) {
	s, _ := openTest(t)
	done := make(chan string, 1)
	go func() {
		_, v, err := s.DB(1).BLPop(ctx, "q")
		if err != nil {
			v = err.Error()
		}
		done <- v
	}()
	waitBlocked(t, s, 1)
	s.RPush(ctx, "q", "job")
	if ok, err := s.Move(ctx, "q", 1); !ok || err != nil {
		t.Fatalf("Move = %v, %v", ok, err)
	}
	select {
	case v := <-done:
		if v != "job" {
			t.Fatalf("BLPOP got %q", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the caller blocked in db 1 was not served")
	}
}
