package embedis

import (
	"errors"
	"sort"
	"strconv"
	"testing"
	"time"
)

func TestRenameMovesValueAndTTL(t *testing.T) {
	s, _ := openTest(t)
	if err := s.Rename(ctx, "nope", "x"); !errors.Is(err, ErrNoSuchKey) {
		t.Fatalf("Rename missing = %v", err)
	}
	s.Set(ctx, "a", "1", time.Minute)
	s.Set(ctx, "b", "2", 0)
	if err := s.Rename(ctx, "a", "b"); err != nil {
		t.Fatal(err)
	}
	requireUnchanged(t, s, "b", "1")
	if d, _ := s.PTTL(ctx, "b"); d != time.Minute {
		t.Fatalf("TTL not moved: %v", d)
	}
	if n, _ := s.Exists(ctx, "a"); n != 0 {
		t.Fatal("source still exists")
	}
	s.Set(ctx, "c", "3", 0)
	if ok, _ := s.RenameNX(ctx, "c", "b"); ok {
		t.Fatal("RenameNX onto an existing key")
	}
	requireUnchanged(t, s, "b", "1")
	if err := s.Rename(ctx, "c", "c"); err != nil {
		t.Fatalf("Rename onto itself = %v", err)
	}
	requireUnchanged(t, s, "c", "3")
}

func TestCopy(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "src", "v", time.Minute)
	if ok, _ := s.Copy(ctx, "src", "dst", 0, false); !ok {
		t.Fatal("Copy returned false")
	}
	s.Append(ctx, "dst", "w") // the copy is independent
	requireUnchanged(t, s, "src", "v")
	if d, _ := s.PTTL(ctx, "dst"); d != time.Minute {
		t.Fatalf("Copy lost the TTL: %v", d)
	}
	if ok, _ := s.Copy(ctx, "src", "dst", 0, false); ok {
		t.Fatal("Copy onto existing key without replace")
	}
	if ok, _ := s.Copy(ctx, "src", "dst", 0, true); !ok {
		t.Fatal("Copy with replace failed")
	}
	requireUnchanged(t, s, "dst", "v")
	if ok, _ := s.Copy(ctx, "src", "src", 2, false); !ok {
		t.Fatal("Copy to another db failed")
	}
	requireUnchanged(t, s.DB(2), "src", "v")
	if _, err := s.Copy(ctx, "src", "src", 0, true); !errors.Is(err, ErrSameObject) {
		t.Fatalf("Copy onto itself = %v", err)
	}
	if _, err := s.Copy(ctx, "src", "x", 16, true); !errors.Is(err, ErrDBIndex) {
		t.Fatalf("Copy to db 16 = %v", err)
	}
}

func TestKeysAndGlob(t *testing.T) {
	s, clock := openTest(t)
	for _, k := range []string{"user:1", "user:2", "user:10", "session:1", "u[1]"} {
		s.Set(ctx, k, "v", 0)
	}
	s.Set(ctx, "user:gone", "v", time.Second)
	clock.mu.Lock()
	clock.now = clock.now.Add(2 * time.Second) // past the deadline, timers not run
	clock.mu.Unlock()
	for pattern, want := range map[string][]string{
		"user:?":       {"user:1", "user:2"},
		"user:*":       {"user:1", "user:10", "user:2"},
		"*:1":          {"session:1", "user:1"},
		"u\\[1\\]":     {"u[1]"},
		"user:[!a-z]*": nil, // Redis negates with ^, not !
		"user:[^a-z]*": {"user:1", "user:10", "user:2"},
	} {
		got, _ := s.Keys(ctx, pattern)
		sort.Strings(got)
		if len(got) != len(want) || (len(want) > 0 && !equalStrings(got, want)) {
			t.Errorf("Keys(%q) = %v, want %v", pattern, got, want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestScanGuarantee: every key present for the whole scan is returned at
// least once while the keyspace grows (crossing several table resizes) and
// while other keys are deleted.
func TestScanGuarantee(t *testing.T) {
	s, _ := openTest(t)
	const stable = 3000
	for i := 0; i < stable; i++ {
		s.Set(ctx, "stable:"+strconv.Itoa(i), "v", 0)
	}
	for i := 0; i < 2000; i++ {
		s.Set(ctx, "doomed:"+strconv.Itoa(i), "v", 0)
	}
	seen := map[string]bool{}
	var cursor uint64
	added, calls := 0, 0
	bucketsBefore, _ := s.e.dbs[0].keys.Buckets()
	for {
		keys, next, err := s.Scan(ctx, cursor, "stable:*", 50)
		if err != nil {
			t.Fatal(err)
		}
		calls++
		for _, k := range keys {
			seen[k] = true
		}
		// Grow by 40 keys and delete 20 between calls.
		for j := 0; j < 40; j++ {
			s.Set(ctx, "new:"+strconv.Itoa(added), "v", 0)
			added++
		}
		for j := 0; j < 20; j++ {
			s.Del(ctx, "doomed:"+strconv.Itoa((calls*20+j)%2000))
		}
		if next == 0 {
			break
		}
		cursor = next
	}
	for i := 0; i < stable; i++ {
		if !seen["stable:"+strconv.Itoa(i)] {
			t.Fatalf("stable:%d never returned by SCAN (%d calls, %d keys added)", i, calls, added)
		}
	}
	if after, _ := s.e.dbs[0].keys.Buckets(); after <= bucketsBefore {
		t.Fatalf("table stayed at %d buckets (%d keys added): the test did not cross a resize", after, added)
	}
}

func TestScanTypeAndCount(t *testing.T) {
	s, _ := openTest(t)
	for i := 0; i < 100; i++ {
		s.Set(ctx, "s"+strconv.Itoa(i), "v", 0)
	}
	s.Atomic(ctx, func(tx *Tx) error { tx.setValue("f", &fakeValue{}, false); return nil })
	var all []string
	var cursor uint64
	for {
		keys, next, _ := s.ScanType(ctx, cursor, "", 7, "fake")
		all = append(all, keys...)
		if next == 0 {
			break
		}
		cursor = next
	}
	if len(all) != 1 || all[0] != "f" {
		t.Fatalf("ScanType fake = %v", all)
	}
}

func TestRandomKeyAndFlush(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.RandomKey(ctx); err != ErrNotFound {
		t.Fatalf("RandomKey on empty = %v", err)
	}
	seen := map[string]bool{}
	for i := 0; i < 10; i++ {
		s.Set(ctx, strconv.Itoa(i), "v", 0)
	}
	for i := 0; i < 1000; i++ {
		k := must[string](t)(s.RandomKey(ctx))
		seen[k] = true
	}
	if len(seen) < 8 {
		t.Fatalf("RandomKey returned only %d distinct keys of 10 in 1000 calls", len(seen))
	}
	s.DB(1).Set(ctx, "other", "v", time.Minute)
	s.FlushDB(ctx)
	if n, _ := s.DBSize(ctx); n != 0 {
		t.Fatal("FlushDB left keys")
	}
	if n, _ := s.DB(1).DBSize(ctx); n != 1 {
		t.Fatal("FlushDB touched another database")
	}
	s.FlushAll(ctx)
	if n, _ := s.DB(1).DBSize(ctx); n != 0 {
		t.Fatal("FlushAll left keys")
	}
}

func TestDelExistsTouchType(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "a", "1", 0)
	s.Set(ctx, "b", "1", 0)
	if n, _ := s.Exists(ctx, "a", "a", "nope"); n != 2 {
		t.Fatalf("Exists counts duplicates: got %d", n)
	}
	if n, _ := s.Touch(ctx, "a", "nope"); n != 1 {
		t.Fatalf("Touch = %d", n)
	}
	if typ, _ := s.Type(ctx, "a"); typ != "string" {
		t.Fatalf("Type = %q", typ)
	}
	if typ, _ := s.Type(ctx, "nope"); typ != "none" {
		t.Fatalf("Type missing = %q", typ)
	}
	if n, _ := s.Del(ctx, "a", "b", "nope", "a"); n != 2 {
		t.Fatalf("Del = %d", n)
	}
	if n, _ := s.Unlink(ctx, "a"); n != 0 {
		t.Fatalf("Unlink of deleted = %d", n)
	}
}
