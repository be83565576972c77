package embedis_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// openSessionStore opens a store with opts, closed at the end of the test.
func openSessionStore(t *testing.T, opts embedis.Options) *embedis.Store {
	t.Helper()
	s, err := embedis.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The conformance suite (internal/helpersuite/session.go) checks Sessions
// on every backend; these tests check what only the embedded store shows.

func TestSessionOptionsRefused(t *testing.T) {
	s := openSessionStore(t, embedis.Options{})
	b := embedis.Embedded(s)
	for _, tc := range []struct {
		name string
		opts embedis.SessionOptions
	}{
		{"negative idle", embedis.SessionOptions{IdleTimeout: -time.Second}},
		{"negative absolute", embedis.SessionOptions{AbsoluteTimeout: -time.Second}},
		{"negative touch", embedis.SessionOptions{TouchInterval: -time.Second}},
		{"sub-millisecond idle", embedis.SessionOptions{IdleTimeout: time.Microsecond}},
		{"sub-millisecond touch", embedis.SessionOptions{TouchInterval: time.Microsecond}},
		{"touch = idle", embedis.SessionOptions{IdleTimeout: time.Minute, TouchInterval: time.Minute}},
		{"touch > default idle", embedis.SessionOptions{TouchInterval: time.Hour}},
	} {
		if m, err := embedis.NewSessions(b, "s", tc.opts); !errors.Is(err, embedis.ErrSessionOptions) || m != nil {
			t.Errorf("%s: NewSessions = %v, %v; want ErrSessionOptions", tc.name, m, err)
		}
	}
	for _, name := range []string{"a{b", "a}b", "{}"} {
		if _, err := embedis.NewSessions(b, name, embedis.SessionOptions{}); !errors.Is(err, embedis.ErrSessionOptions) {
			t.Errorf("name %q: err = %v, want ErrSessionOptions", name, err)
		}
	}
	if _, err := embedis.NewSessions(nil, "s", embedis.SessionOptions{}); !errors.Is(err, embedis.ErrSessionOptions) {
		t.Errorf("nil backend: err = %v, want ErrSessionOptions", err)
	}
}

// TestSessionDefaults checks the zero options' timeouts: 30 minutes idle,
// 24 hours absolute, a touch at most every 3 minutes.
func TestSessionDefaults(t *testing.T) {
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openSessionStore(t, embedis.Options{Clock: clock})
	m, err := embedis.NewSessions(embedis.Embedded(s), "s", embedis.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := m.Create(ctx, "u", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Expires.Sub(c.Created) != 30*time.Minute || c.AbsoluteExpires.Sub(c.Created) != 24*time.Hour {
		t.Fatalf("defaults: Expires %v AbsoluteExpires %v after %v", c.Expires, c.AbsoluteExpires, c.Created)
	}
	clock.Advance(3*time.Minute - time.Millisecond)
	if g, _ := m.Get(ctx, c.Token); !g.LastSeen.Equal(c.Created) {
		t.Fatalf("touched before 3 minutes: %v", g.LastSeen)
	}
	clock.Advance(time.Millisecond)
	if g, _ := m.Get(ctx, c.Token); !g.LastSeen.Equal(c.Created.Add(3 * time.Minute)) {
		t.Fatalf("not touched at 3 minutes: %v", g.LastSeen)
	}
}

// TestSessionThrottledGetWritesNothing shows, through the write-effect
// stream, that a Get inside the touch interval writes nothing and one past
// it writes the touch (the session and its index) in one unit.
func TestSessionThrottledGetWritesNothing(t *testing.T) {
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var units [][][]string
	s := openSessionStore(t, embedis.Options{Clock: clock, OnEffects: func(u [][]string) {
		mu.Lock()
		units = append(units, u)
		mu.Unlock()
	}})
	m, err := embedis.NewSessions(embedis.Embedded(s), "s", embedis.SessionOptions{
		IdleTimeout: time.Minute, TouchInterval: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := m.Create(ctx, "u", map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(units) }
	before := count()
	for i := 0; i < 5; i++ {
		clock.Advance(time.Second)
		if _, err := m.Get(ctx, c.Token); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(); n != before {
		t.Fatalf("throttled Gets wrote %d units", n-before)
	}
	clock.Advance(5 * time.Second)
	if _, err := m.Get(ctx, c.Token); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(units) != before+1 {
		t.Fatalf("the touching Get wrote %d units, want 1", len(units)-before)
	}
	var cmds []string
	for _, cmd := range units[before] {
		cmds = append(cmds, cmd[0])
	}
	if got := strings.Join(cmds, " "); !strings.Contains(got, "HSET") || !strings.Contains(got, "PEXPIREAT") || !strings.Contains(got, "ZADD") {
		t.Fatalf("touch unit = %v, want the session's HSET and PEXPIREAT and the index's ZADD", cmds)
	}
}

// TestSessionWrongTypeKey: a key of another type where a session or index
// should be is the backend's ErrWrongType, never a panic or a session.
func TestSessionWrongTypeKey(t *testing.T) {
	s := openSessionStore(t, embedis.Options{})
	m, err := embedis.NewSessions(embedis.Embedded(s), "s", embedis.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := m.Create(ctx, "u", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, m.Key(c.Token), "not a hash", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, c.Token); !errors.Is(err, embedis.ErrWrongType) {
		t.Fatalf("Get of a string key = %v, want ErrWrongType", err)
	}
	if err := s.Set(ctx, m.IndexKey("u"), "not a zset", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := m.List(ctx, "u"); !errors.Is(err, embedis.ErrWrongType) {
		t.Fatalf("List of a string index = %v, want ErrWrongType", err)
	}
}

// TestSessionContextHonoured: a call whose context has ended does not run.
func TestSessionContextHonoured(t *testing.T) {
	s := openSessionStore(t, embedis.Options{})
	m, err := embedis.NewSessions(embedis.Embedded(s), "s", embedis.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Create(ctx, "u", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Create with a cancelled context = %v", err)
	}
	if n, _ := s.DBSize(context.Background()); n != 0 {
		t.Fatalf("a cancelled Create wrote %d keys", n)
	}
}

// TestSCSStoreHandles: only "sha256:" and 64 lowercase hex digits is a
// handle; anything else is a token like any other, hashed before use, so
// a near-handle in a cookie can neither open nor overwrite a session.
func TestSCSStoreHandles(t *testing.T) {
	s := openSessionStore(t, embedis.Options{})
	st, err := embedis.NewSCSStore(embedis.Embedded(s), "scs")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.Commit("tok", []byte("data"), s.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, err := st.All()
	if err != nil || len(all) != 1 {
		t.Fatalf("All = %v, %v", all, err)
	}
	var handle string
	for h := range all {
		handle = h
	}
	for _, near := range []string{handle[:len(handle)-1], strings.ToUpper(handle), handle + "0", "SHA256:" + handle[7:]} {
		if near == handle {
			continue
		}
		if _, ok, _ := st.Find(near); ok {
			t.Fatalf("Find(%q) found the session", near)
		}
		if err := st.Commit(near, []byte("overwritten"), s.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := st.Delete(near); err != nil {
			t.Fatal(err)
		}
	}
	if b, ok, _ := st.Find("tok"); !ok || string(b) != "data" {
		t.Fatalf("Find(tok) after near-handles = %q, %v", b, ok)
	}
	// The zero time is in the past: Commit deletes.
	if err := st.CommitCtx(ctx, "tok", []byte("x"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.Find("tok"); ok {
		t.Fatal("Commit with the zero expiry left the session")
	}
	if n, _ := s.DBSize(ctx); n != 0 {
		t.Fatalf("%d keys left, want none", n)
	}
	if _, err := embedis.NewSCSStore(embedis.Embedded(s), "a{b}"); !errors.Is(err, embedis.ErrSessionOptions) {
		t.Fatalf("NewSCSStore with a brace = %v", err)
	}
}

// TestSessionAbsoluteDeadlineInstant: up to its absolute deadline's instant
// a session is live (as a Redis key), and a Get that touches it at that very
// millisecond ends it rather than returning it with no deadline.
func TestSessionAbsoluteDeadlineInstant(t *testing.T) {
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s := openSessionStore(t, embedis.Options{Clock: clock})
	m, err := embedis.NewSessions(embedis.Embedded(s), "s", embedis.SessionOptions{
		IdleTimeout: time.Minute, AbsoluteTimeout: 90 * time.Second, TouchInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := m.Create(ctx, "u", nil)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute - time.Millisecond)
	if _, err := m.Get(ctx, c.Token); err != nil { // touched: now ends at the absolute deadline
		t.Fatal(err)
	}
	clock.Advance(30*time.Second + time.Millisecond) // exactly the absolute deadline
	if g, err := m.Get(ctx, c.Token); !errors.Is(err, embedis.ErrSessionNotFound) {
		t.Fatalf("Get at the absolute deadline = %+v, %v; want ErrSessionNotFound", g, err)
	}
	if n, _ := s.DBSize(ctx); n != 0 {
		t.Fatalf("%d keys left", n)
	}
}

// FuzzSessionToken: no token, however malformed, makes a Sessions or
// SCSStore call panic or find the session of another token.
func FuzzSessionToken(f *testing.F) {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	m, err := embedis.NewSessions(embedis.Embedded(s), "s", embedis.SessionOptions{})
	if err != nil {
		f.Fatal(err)
	}
	st, err := embedis.NewSCSStore(embedis.Embedded(s), "scs")
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	live, err := m.Create(ctx, "u", map[string]string{"k": "v"})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"", ".", live.Token[:17], live.Token[:59], live.Token + "=", live.ID,
		strings.Repeat("0", 16) + "." + strings.Repeat("A", 43), "sha256:" + live.ID, "\x00{}\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		if token == live.Token {
			return
		}
		if g, err := m.Get(ctx, token); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Get(%q) = %+v, %v", token, g, err)
		}
		if err := m.Update(ctx, token, map[string]string{"x": "y"}, "k"); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Update(%q) = %v", token, err)
		}
		if _, err := m.Rotate(ctx, token); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Rotate(%q) = %v", token, err)
		}
		if err := m.Destroy(ctx, token); err != nil {
			t.Fatalf("Destroy(%q) = %v", token, err)
		}
		if _, ok, err := st.Find(token); ok || err != nil {
			t.Fatalf("SCSStore.Find(%q) = %v, %v", token, ok, err)
		}
		if g, err := m.Get(ctx, live.Token); err != nil || g.Values["k"] != "v" {
			t.Fatalf("the live session after calls with %q: %+v, %v", token, g, err)
		}
	})
}
