package embedis

import (
	"testing"
	"time"
)

func watchBroken(t *testing.T, s *Store, w *Watch) bool {
	t.Helper()
	var broken bool
	s.Atomic(ctx, func(tx *Tx) error { broken = tx.WatchBroken(w); return nil })
	return broken
}

func watch(s *Store, w *Watch, keys ...string) {
	s.Atomic(ctx, func(tx *Tx) error { tx.Unwatch(w); tx.Watch(w, keys...); return nil })
}

func TestWatchIsBrokenByEveryKindOfWrite(t *testing.T) {
	s, clock := openTest(t)
	writes := map[string]func(){
		"SET":         func() { s.Set(ctx, "k", "v", 0) },
		"INCR":        func() { s.Incr(ctx, "k") },
		"APPEND":      func() { s.Append(ctx, "k", "x") },
		"SETRANGE":    func() { s.SetRange(ctx, "k", 0, "y") },
		"DEL":         func() { s.Del(ctx, "k") },
		"EXPIRE":      func() { s.Expire(ctx, "k", time.Hour) },
		"PERSIST":     func() { s.Persist(ctx, "k") }, // the key gets a TTL before the WATCH
		"RENAME to":   func() { s.Set(ctx, "other", "1", 0); s.Rename(ctx, "other", "k") },
		"COPY to":     func() { s.Set(ctx, "other", "1", 0); s.Copy(ctx, "other", "k", 0, true) },
		"FLUSHALL":    func() { s.FlushAll(ctx) },
		"FLUSHDB":     func() { s.FlushDB(ctx) },
		"SWAPDB":      func() { s.SwapDB(ctx, 0, 1) },
		"INCRBYFLOAT": func() { s.IncrByFloat(ctx, "k", 1) },
		"expiry":      func() {}, // the clock moves past the deadline set before the WATCH
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			s.FlushAll(ctx)
			s.Set(ctx, "k", "1", 0)
			var w Watch
			if name == "PERSIST" || name == "expiry" {
				s.Expire(ctx, "k", time.Second)
			}
			watch(s, &w, "k")
			if watchBroken(t, s, &w) {
				t.Fatal("broken before any write")
			}
			if name == "expiry" {
				clock.Advance(2 * time.Second)
			} else {
				write()
			}
			if !watchBroken(t, s, &w) {
				t.Fatalf("%s did not break the WATCH", name)
			}
			s.Atomic(ctx, func(tx *Tx) error { tx.Unwatch(&w); return nil })
		})
	}
}

func TestWatchNotBrokenByReadsOrOtherKeys(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "k", "1", 0)
	var w Watch
	watch(s, &w, "k", "missing")
	s.Get(ctx, "k")
	s.Exists(ctx, "k")
	s.Set(ctx, "other", "x", 0)
	s.DB(1).Set(ctx, "k", "x", 0) // same name, other database
	s.Del(ctx, "missing")         // deleting nothing is not a write
	s.FlushDB(ctx)                // breaks: k existed
	if !watchBroken(t, s, &w) {
		t.Fatal("FLUSHDB of a watched existing key did not break")
	}
	var w2 Watch
	watch(s, &w2, "missing")
	s.FlushAll(ctx) // the key did not exist: not a change (Redis 7.0)
	if watchBroken(t, s, &w2) {
		t.Fatal("FLUSHALL broke a WATCH on a key that did not exist")
	}
	var w3 Watch
	watch(s, &w3, "a", "b")
	s.Atomic(ctx, func(tx *Tx) error { tx.Unwatch(&w3); return nil })
	s.Set(ctx, "a", "1", 0)
	if watchBroken(t, s, &w3) {
		t.Fatal("UNWATCH did not forget the keys")
	}
	s.Atomic(ctx, func(tx *Tx) error { tx.Unwatch(&w); tx.Unwatch(&w2); return nil })
	if n := len(s.e.dbs[0].watched); n != 0 {
		t.Fatalf("%d keys left in the watch registry after Unwatch", n)
	}
}

func TestWatchOfKeyAlreadyExpired(t *testing.T) {
	s, clock := openTest(t)
	s.Set(ctx, "k", "1", time.Second)
	clock.mu.Lock()
	clock.now = clock.now.Add(2 * time.Second) // past the deadline, not yet removed
	clock.mu.Unlock()
	var w Watch
	watch(s, &w, "k")
	clock.Advance(0) // the active expiry removes it now
	if watchBroken(t, s, &w) {
		t.Fatal("removal of a key already expired at WATCH time broke it")
	}
}
