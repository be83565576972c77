package embedis

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestReplicaExpiry: with SetReplicaExpiry on, a key past its deadline is
// hidden from reads but stays (DBSIZE counts it, no DEL effect, no
// "expired", nothing actively removed) until the master's DEL arrives
// through Apply; the master's stream sees it live; a write deletes it
// first and DEL counts it, as on a writable Redis replica; RANDOMKEY over
// expired keys only returns; turning the mode off expires them all.
func TestReplicaExpiry(t *testing.T) {
	ctx := context.Background()
	clock := NewManualClock(time.Unix(1_800_000_000, 0))
	var mu sync.Mutex
	var effects []string
	var expired []string
	s, err := Open(Options{Clock: clock,
		OnEffects: func(unit [][]string) {
			mu.Lock()
			defer mu.Unlock()
			for _, c := range unit {
				if c[0] != "SELECT" {
					effects = append(effects, fmt.Sprint(c))
				}
			}
		},
		OnExpired: func(db int, key string) { expired = append(expired, key) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	do := func(args ...string) string {
		t.Helper()
		r, err := s.Do(ctx, args...)
		if err != nil {
			return "ERR " + err.Error()
		}
		return fmt.Sprint(r)
	}
	takeEffects := func() []string {
		mu.Lock()
		defer mu.Unlock()
		e := effects
		effects = nil
		return e
	}
	for _, c := range [][]string{
		{"SET", "k", "v", "PX", "100"}, {"SET", "n", "5", "PX", "100"}, {"SET", "w", "v", "PX", "100"},
		{"SET", "d", "v", "PX", "100"}, {"SET", "m", "v", "PX", "100"}, {"SET", "p", "v"},
	} {
		do(c...)
	}
	db1 := s.DB(1)
	db1.Set(ctx, "a", "1", 100*time.Millisecond)
	db1.Set(ctx, "b", "1", 100*time.Millisecond)
	if err := s.SetReplicaExpiry(ctx, true); err != nil {
		t.Fatal(err)
	}
	if on, _ := s.ReplicaExpiry(ctx); !on {
		t.Fatal("ReplicaExpiry = false after SetReplicaExpiry(true)")
	}
	takeEffects()
	clock.Advance(time.Second) // no active expiry on a replica

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"GET", "k"}, "<nil>"},
		{[]string{"EXISTS", "k"}, "0"},
		{[]string{"TTL", "k"}, "-2"},
		{[]string{"TYPE", "k"}, "none"},
		{[]string{"STRLEN", "k"}, "0"},
		{[]string{"KEYS", "*"}, "[p]"},
		{[]string{"SCAN", "0", "COUNT", "100"}, "[0 [p]]"},
		{[]string{"DBSIZE"}, "6"},
		{[]string{"GET", "p"}, "v"},
	} {
		if got := do(c.args...); got != c.want {
			t.Errorf("%q on the replica = %s, want %s", c.args, got, c.want)
		}
	}
	if e := takeEffects(); len(e) != 0 || len(expired) != 0 {
		t.Fatalf("reads of expired keys on a replica: effects %q, expired %q", e, expired)
	}
	// Every key of db 1 is past its deadline: RANDOMKEY still answers.
	if got, err := db1.RandomKey(ctx); err != nil || (got != "a" && got != "b") {
		t.Errorf("RANDOMKEY over expired keys = %q, %v", got, err)
	}

	// The master's stream sees the key live: INCR on 5 gives 6 and keeps
	// the deadline; reads still hide it.
	if err := s.Apply(ctx, [][]string{{"SELECT", "0"}, {"INCR", "n"}}); err != nil {
		t.Fatalf("Apply INCR of an expired key: %v", err)
	}
	if got := do("GET", "n"); got != "<nil>" {
		t.Errorf("GET n after the master's INCR = %s", got)
	}
	s.SetReplicaExpiry(ctx, false)
	clock.Set(time.Unix(1_800_000_000, 0)) // back before the deadlines: read n as the master left it
	if got := do("GET", "n"); got != "6" {
		t.Errorf("the master's INCR on the replica's expired key gave %s, want 6", got)
	}
	s.SetReplicaExpiry(ctx, true)
	clock.Advance(time.Second)
	takeEffects()

	// A write deletes the expired key first (the "expired" path and its
	// DEL), then writes; DEL deletes an expired key and counts it.
	if got := do("APPEND", "w", "x"); got != "1" {
		t.Errorf("APPEND to an expired key on a replica = %s, want 1", got)
	}
	if got := do("DEL", "d"); got != "1" {
		t.Errorf("DEL of an expired key on a replica = %s, want 1 (as Redis's writable replica)", got)
	}
	if e := fmt.Sprint(takeEffects()); e != "[[DEL w] [APPEND w x] [DEL d]]" {
		t.Errorf("effects of the writes: %s", e)
	}
	if fmt.Sprint(expired) != "[w]" {
		t.Errorf("expired keys: %q, want [w]", expired)
	}
	// The master's DEL removes one.
	if err := s.Apply(ctx, [][]string{{"SELECT", "0"}, {"DEL", "k"}}); err != nil {
		t.Fatal(err)
	}
	if got := do("DBSIZE"); got != "4" { // n, w, m, p
		t.Errorf("DBSIZE after the master's DEL = %s, want 4", got)
	}

	// Back to master: the keys past their deadline go at once.
	s.SetReplicaExpiry(ctx, false)
	clock.Advance(0)
	if got := do("DBSIZE"); got != "2" { // w (written, no deadline), p
		t.Errorf("DBSIZE after leaving replica expiry = %s, want 2", got)
	}
	if n, _ := db1.DBSize(ctx); n != 0 {
		t.Errorf("db 1 DBSIZE after leaving replica expiry = %d, want 0", n)
	}
}
