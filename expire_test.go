package embedis

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestManualClockExpiresKeysByItself(t *testing.T) {
	s, clock := openTest(t)
	must[bool](t)(s.SetNX(ctx, "short", "v", 100*time.Millisecond))
	if err := s.Set(ctx, "long", "v", time.Hour); err != nil {
		t.Fatal(err)
	}
	s.Set(ctx, "forever", "v", 0)
	clock.Advance(100 * time.Millisecond)
	// Exactly at the deadline the key still lives, as in Redis (expired once now > deadline).
	if d, _ := s.PTTL(ctx, "short"); d != 0 {
		t.Fatalf("PTTL at the deadline = %v, want 0", d)
	}
	clock.Advance(time.Millisecond)
	// No access needed: DBSIZE counts stored keys, and the expiry already ran.
	if n, _ := s.DBSize(ctx); n != 2 {
		t.Fatalf("DBSize after short expired = %d, want 2", n)
	}
	clock.Advance(time.Hour)
	if n, _ := s.DBSize(ctx); n != 1 {
		t.Fatalf("DBSize after long expired = %d, want 1", n)
	}
	if n, _ := s.Exists(ctx, "forever"); n != 1 {
		t.Fatal("key without TTL expired")
	}
}

func TestLazyExpiryOnAccess(t *testing.T) {
	s, clock := openTest(t)
	s.Set(ctx, "k", "v", time.Second)
	// Move the time without running timers (Set on the clock runs them, so go
	// around: read through a Tx whose time is later).
	clock.mu.Lock()
	clock.now = clock.now.Add(2 * time.Second)
	clock.mu.Unlock()
	if n, _ := s.DBSize(ctx); n != 1 {
		t.Fatalf("DBSize before any access = %d, want 1 (not yet removed)", n)
	}
	if _, err := s.Get(ctx, "k"); err != ErrNotFound {
		t.Fatalf("Get of expired key = %v, want ErrNotFound", err)
	}
	if n, _ := s.DBSize(ctx); n != 0 {
		t.Fatalf("DBSize after access = %d, want 0", n)
	}
}

func TestTTLCommands(t *testing.T) {
	s, clock := openTest(t)
	if d, _ := s.TTL(ctx, "missing"); d != TTLMissing {
		t.Fatalf("TTL missing = %v", d)
	}
	s.Set(ctx, "k", "v", 0)
	if d, _ := s.TTL(ctx, "k"); d != TTLPersistent {
		t.Fatalf("TTL persistent = %v", d)
	}
	if ok, _ := s.Expire(ctx, "k", 10*time.Second); !ok {
		t.Fatal("Expire returned false")
	}
	clock.Advance(1499 * time.Millisecond)
	if d, _ := s.TTL(ctx, "k"); d != 9*time.Second { // 8.501s rounds to 9
		t.Fatalf("TTL = %v, want 9s", d)
	}
	if d, _ := s.PTTL(ctx, "k"); d != 8501*time.Millisecond {
		t.Fatalf("PTTL = %v", d)
	}
	want := clock.Now().Add(8501 * time.Millisecond).UnixMilli()
	if at, _ := s.PExpireTime(ctx, "k"); at != want {
		t.Fatalf("PExpireTime = %d, want %d", at, want)
	}
	if at, _ := s.ExpireTime(ctx, "k"); at != want/1000 {
		t.Fatalf("ExpireTime = %d", at)
	}
	// Conditions.
	if ok, _ := s.ExpireNX(ctx, "k", time.Hour); ok {
		t.Fatal("ExpireNX on a key with TTL acted")
	}
	if ok, _ := s.ExpireGT(ctx, "k", time.Second); ok {
		t.Fatal("ExpireGT with an earlier deadline acted")
	}
	if ok, _ := s.ExpireLT(ctx, "k", time.Second); !ok {
		t.Fatal("ExpireLT with an earlier deadline did not act")
	}
	if ok, _ := s.Persist(ctx, "k"); !ok {
		t.Fatal("Persist returned false")
	}
	if ok, _ := s.ExpireGT(ctx, "k", time.Hour); ok {
		t.Fatal("ExpireGT on a persistent key acted (no TTL counts as infinite)")
	}
	if ok, _ := s.ExpireXX(ctx, "k", time.Hour); ok {
		t.Fatal("ExpireXX on a persistent key acted")
	}
	// A deadline in the past deletes the key at once.
	if ok, _ := s.PExpireAt(ctx, "k", clock.Now().Add(-time.Second)); !ok {
		t.Fatal("PExpireAt in the past returned false")
	}
	if n, _ := s.DBSize(ctx); n != 0 {
		t.Fatal("key with a past deadline still stored")
	}
	if ok, _ := s.Expire(ctx, "missing", time.Second); ok {
		t.Fatal("Expire of a missing key returned true")
	}
}

func TestSetClearsTTLAndKeepTTLKeepsIt(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "k", "v", time.Minute)
	s.Set(ctx, "k", "w", KeepTTL)
	if d, _ := s.PTTL(ctx, "k"); d != time.Minute {
		t.Fatalf("PTTL after KEEPTTL = %v", d)
	}
	s.Incr(ctx, "n")
	s.Expire(ctx, "n", time.Minute)
	s.Incr(ctx, "n")
	if d, _ := s.PTTL(ctx, "n"); d != time.Minute {
		t.Fatalf("INCR cleared the TTL: %v", d)
	}
	s.Set(ctx, "k", "x", 0)
	if d, _ := s.PTTL(ctx, "k"); d != TTLPersistent {
		t.Fatalf("SET did not clear the TTL: %v", d)
	}
}

// TestMassExpiryIsSliced expires many keys at once and checks that other
// callers get the owner role between slices: a caller counting its own
// successful calls while the expiry runs sees progress before the expiry ends.
func TestMassExpiryIsSliced(t *testing.T) {
	s, clock := openTest(t)
	const n = 200_000
	err := s.Atomic(ctx, func(tx *Tx) error {
		for i := 0; i < n; i++ {
			if err := tx.Set("k"+strconv.Itoa(i), "v", time.Second); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var seenDuring []int64
	done := make(chan struct{})
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			n, _ := s.DBSize(ctx)
			if n > 0 && n < 200_000 {
				seenDuring = append(seenDuring, n)
			}
		}
	}()
	clock.Advance(2 * time.Second) // runs the whole expiry before returning
	close(done)
	wg.Wait()
	if k, _ := s.DBSize(ctx); k != 0 {
		t.Fatalf("DBSize after mass expiry = %d", k)
	}
	if len(seenDuring) == 0 {
		t.Fatal("no other caller ran while 200k keys expired: expiry held the owner role throughout")
	}
	if int64(len(s.e.deadlines.h)) != 0 {
		t.Fatalf("deadline heap not empty: %d", len(s.e.deadlines.h))
	}
}

func TestStaleDeadlinesAreCompacted(t *testing.T) {
	s, _ := openTest(t)
	for i := 0; i < 10_000; i++ {
		s.Set(ctx, "k", "v", time.Duration(i+1)*time.Minute) // each Set leaves a stale heap entry
	}
	if h := len(s.e.deadlines.h); h > 3000 {
		t.Fatalf("heap holds %d entries for 1 volatile key", h)
	}
	if d, _ := s.PTTL(ctx, "k"); d != 10_000*time.Minute {
		t.Fatalf("PTTL = %v", d)
	}
}
