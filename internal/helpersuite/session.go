package helpersuite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

func init() { Register("Sessions", sessionSuite) }

// sessionSuite checks Sessions on one backend: timeouts (idle and
// absolute), the throttled touch, Update, Rotate, Destroy, DestroyAll,
// Revoke, List and that no token is ever written to the keyspace.
func sessionSuite(t *testing.T, newEnv NewEnv) {
	t.Run("CreateGet", func(t *testing.T) { sessCreateGet(t, newEnv(t)) })
	t.Run("IdleTimeout", func(t *testing.T) { sessIdle(t, newEnv(t)) })
	t.Run("AbsoluteTimeout", func(t *testing.T) { sessAbsolute(t, newEnv(t)) })
	t.Run("ThrottledTouch", func(t *testing.T) { sessThrottle(t, newEnv(t)) })
	t.Run("Update", func(t *testing.T) { sessUpdate(t, newEnv(t)) })
	t.Run("Rotate", func(t *testing.T) { sessRotate(t, newEnv(t)) })
	t.Run("Destroy", func(t *testing.T) { sessDestroy(t, newEnv(t)) })
	t.Run("DestroyAll", func(t *testing.T) { sessDestroyAll(t, newEnv(t)) })
	t.Run("ListAndRevoke", func(t *testing.T) { sessList(t, newEnv(t)) })
	t.Run("HashedTokens", func(t *testing.T) { sessHashed(t, newEnv(t)) })
	t.Run("Concurrent", func(t *testing.T) { sessConcurrent(t, newEnv(t)) })
}

func newSessions(t *testing.T, env Env, opts embedis.SessionOptions) *embedis.Sessions {
	t.Helper()
	m, err := embedis.NewSessions(env.Backend, env.Prefix+"sess", opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustCreate(t *testing.T, m *embedis.Sessions, user string, values map[string]string) embedis.Session {
	t.Helper()
	s, err := m.Create(context.Background(), user, values)
	if err != nil {
		t.Fatalf("Create(%q): %v", user, err)
	}
	return s
}

func mustGet(t *testing.T, m *embedis.Sessions, token string) embedis.Session {
	t.Helper()
	s, err := m.Get(context.Background(), token)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return s
}

func wantGone(t *testing.T, m *embedis.Sessions, token, why string) {
	t.Helper()
	if s, err := m.Get(context.Background(), token); !errors.Is(err, embedis.ErrSessionNotFound) {
		t.Fatalf("Get %s = %+v, %v; want ErrSessionNotFound", why, s, err)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func sessIDs(list []embedis.Session) []string {
	ids := make([]string, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

func sessCreateGet(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: time.Hour, AbsoluteTimeout: 2 * time.Hour})
	vals := map[string]string{"cart": "3", "": "empty field", "theme": ""}
	c := mustCreate(t, m, "alice", vals)
	if c.ID != sha256Hex(c.Token) || c.User != "alice" || !reflect.DeepEqual(c.Values, vals) {
		t.Fatalf("Create = %+v", c)
	}
	if len(c.Token) != 60 || c.Token[16] != '.' {
		t.Fatalf("token %q is not <16 hex>.<43 base64url>", c.Token)
	}
	if got := c.Expires.Sub(c.Created); got != time.Hour {
		t.Fatalf("Create: Expires - Created = %v, want the idle timeout 1h", got)
	}
	if got := c.AbsoluteExpires.Sub(c.Created); got != 2*time.Hour {
		t.Fatalf("Create: AbsoluteExpires - Created = %v, want 2h", got)
	}
	g := mustGet(t, m, c.Token)
	if g.Token != c.Token || g.ID != c.ID || g.User != "alice" || !reflect.DeepEqual(g.Values, vals) ||
		!g.Created.Equal(c.Created) || !g.AbsoluteExpires.Equal(c.AbsoluteExpires) || !g.Expires.Equal(c.Expires) {
		t.Fatalf("Get = %+v, want %+v", g, c)
	}
	// A second Sessions of the same name shares the sessions.
	if g2 := mustGet(t, newSessions(t, env, embedis.SessionOptions{}), c.Token); g2.ID != c.ID {
		t.Fatalf("Get through a second Sessions = %+v", g2)
	}
	anon := mustCreate(t, m, "", nil)
	if g := mustGet(t, m, anon.Token); g.User != "" || g.Values == nil || len(g.Values) != 0 {
		t.Fatalf("anonymous Get = %+v, want no user and empty non-nil Values", g)
	}
	// Tokens that name nothing: another secret, malformed, empty, and the
	// stored ID itself (which must not open the session).
	other := c.Token[:17] + strings.Repeat("A", 43)
	for _, tok := range []string{other, "", "x", c.ID, "g" + c.Token[1:], c.Token + "A", c.Token[:59]} {
		wantGone(t, m, tok, "of token "+tok)
		if err := m.Update(context.Background(), tok, map[string]string{"a": "b"}); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Update(%q) = %v, want ErrSessionNotFound", tok, err)
		}
		if _, err := m.Rotate(context.Background(), tok); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Rotate(%q) = %v, want ErrSessionNotFound", tok, err)
		}
		if err := m.Destroy(context.Background(), tok); err != nil {
			t.Fatalf("Destroy(%q) = %v, want nil", tok, err)
		}
	}
	mustGet(t, m, c.Token)
}

func sessIdle(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: 300 * time.Millisecond,
		AbsoluteTimeout: time.Minute, TouchInterval: 50 * time.Millisecond})
	kept := mustCreate(t, m, "alice", nil)
	idle := mustCreate(t, m, "alice", nil)
	env.Advance(180 * time.Millisecond)
	g := mustGet(t, m, kept.Token) // touched: a new idle deadline
	if got := g.Expires.Sub(g.LastSeen); got != 300*time.Millisecond || !g.LastSeen.After(kept.Created) {
		t.Fatalf("touched Get: LastSeen %v (created %v), Expires - LastSeen = %v; want a touch and 300ms",
			g.LastSeen, kept.Created, got)
	}
	env.Advance(180 * time.Millisecond) // 360ms: past the untouched one's deadline
	mustGet(t, m, kept.Token)
	wantGone(t, m, idle.Token, "after the idle timeout")
	if list, err := m.List(context.Background(), "alice"); err != nil || len(list) != 1 || list[0].ID != kept.ID {
		t.Fatalf("List after one idled out = %v, %v; want only %s", sessIDs(list), err, kept.ID)
	}
	env.Advance(400 * time.Millisecond)
	wantGone(t, m, kept.Token, "after the idle timeout since its last touch")
	if list, err := m.List(context.Background(), "alice"); err != nil || len(list) != 0 {
		t.Fatalf("List after all idled out = %v, %v", sessIDs(list), err)
	}
}

func sessAbsolute(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: 300 * time.Millisecond,
		AbsoluteTimeout: 450 * time.Millisecond, TouchInterval: 20 * time.Millisecond})
	c := mustCreate(t, m, "alice", nil)
	if got := c.Expires.Sub(c.Created); got != 300*time.Millisecond {
		t.Fatalf("Expires - Created = %v, want the idle timeout", got)
	}
	env.Advance(200 * time.Millisecond)
	mustGet(t, m, c.Token)
	env.Advance(150 * time.Millisecond)
	g := mustGet(t, m, c.Token) // touched, but the absolute deadline is nearer
	if !g.Expires.Equal(c.AbsoluteExpires) || g.AbsoluteExpires.Sub(g.Created) != 450*time.Millisecond {
		t.Fatalf("Get near the end: Expires %v, AbsoluteExpires %v (created %v); want Expires = AbsoluteExpires = created+450ms",
			g.Expires, g.AbsoluteExpires, g.Created)
	}
	if err := m.Update(context.Background(), c.Token, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	env.Advance(200 * time.Millisecond) // touched 200ms ago (< idle), but past the absolute deadline
	wantGone(t, m, c.Token, "after the absolute timeout")
	if list, err := m.List(context.Background(), "alice"); err != nil || len(list) != 0 {
		t.Fatalf("List after the absolute timeout = %v, %v", sessIDs(list), err)
	}
}

func sessThrottle(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: 500 * time.Millisecond,
		AbsoluteTimeout: time.Minute, TouchInterval: 150 * time.Millisecond})
	c := mustCreate(t, m, "alice", nil)
	env.Advance(20 * time.Millisecond)
	for i := 0; i < 3; i++ {
		g := mustGet(t, m, c.Token)
		if !g.LastSeen.Equal(c.Created) || !g.Expires.Equal(c.Expires) {
			t.Fatalf("Get %d within the touch interval: LastSeen %v Expires %v; want %v and %v untouched",
				i, g.LastSeen, g.Expires, c.Created, c.Expires)
		}
	}
	env.Advance(200 * time.Millisecond)
	g := mustGet(t, m, c.Token)
	if !g.LastSeen.After(c.Created) || g.Expires.Sub(g.LastSeen) != 500*time.Millisecond {
		t.Fatalf("Get past the touch interval: LastSeen %v Expires %v; want a touch", g.LastSeen, g.Expires)
	}
	// The index follows the touch: the session is listed with its new end.
	list, err := m.List(context.Background(), "alice")
	if err != nil || len(list) != 1 || !list[0].Expires.Equal(g.Expires) || !list[0].LastSeen.Equal(g.LastSeen) {
		t.Fatalf("List after a touch = %+v, %v; want the touched session", list, err)
	}
	// Untouched again right after.
	if g2 := mustGet(t, m, c.Token); !g2.LastSeen.Equal(g.LastSeen) {
		t.Fatalf("Get right after a touch touched again: %v, then %v", g.LastSeen, g2.LastSeen)
	}
}

func sessUpdate(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: 500 * time.Millisecond,
		AbsoluteTimeout: time.Minute, TouchInterval: 400 * time.Millisecond})
	ctx := context.Background()
	c := mustCreate(t, m, "alice", map[string]string{"a": "1", "b": "2", "c": "3"})
	env.Advance(50 * time.Millisecond)
	if err := m.Update(ctx, c.Token, map[string]string{"b": "20", "d": "4", "c": "30"}, "a", "c", "missing"); err != nil {
		t.Fatal(err)
	}
	g := mustGet(t, m, c.Token)
	if want := map[string]string{"b": "20", "c": "30", "d": "4"}; !reflect.DeepEqual(g.Values, want) {
		t.Fatalf("Values after Update = %v, want %v", g.Values, want)
	}
	// Update touches whatever the touch interval: it writes anyway.
	if !g.LastSeen.After(c.Created) || g.Expires.Sub(g.LastSeen) != 500*time.Millisecond {
		t.Fatalf("after Update: LastSeen %v Expires %v (created %v); want a touch", g.LastSeen, g.Expires, c.Created)
	}
	if err := m.Update(ctx, c.Token, nil); err != nil { // a touch alone
		t.Fatal(err)
	}
	if err := m.Update(ctx, c.Token, nil, "b", "c", "d"); err != nil {
		t.Fatal(err)
	}
	if g := mustGet(t, m, c.Token); len(g.Values) != 0 || g.User != "alice" {
		t.Fatalf("after deleting every value: %+v", g)
	}
	if err := m.Destroy(ctx, c.Token); err != nil {
		t.Fatal(err)
	}
	if err := m.Update(ctx, c.Token, map[string]string{"x": "y"}); !errors.Is(err, embedis.ErrSessionNotFound) {
		t.Fatalf("Update of a destroyed session = %v, want ErrSessionNotFound", err)
	}
	wantGone(t, m, c.Token, "after Update of a destroyed session") // Update did not recreate it
}

func sessRotate(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: time.Hour, AbsoluteTimeout: 2 * time.Hour})
	ctx := context.Background()
	for _, user := range []string{"alice", ""} {
		c := mustCreate(t, m, user, map[string]string{"k": "v"})
		env.Advance(10 * time.Millisecond)
		fresh, err := m.Rotate(ctx, c.Token)
		if err != nil {
			t.Fatal(err)
		}
		if fresh == c.Token || fresh[:16] != c.Token[:16] {
			t.Fatalf("Rotate(%q) = %q: want a new token with the same tag", c.Token, fresh)
		}
		wantGone(t, m, c.Token, "of the rotated-away token")
		g := mustGet(t, m, fresh)
		if g.ID != sha256Hex(fresh) || g.User != user || g.Values["k"] != "v" || !g.Created.Equal(c.Created) ||
			!g.AbsoluteExpires.Equal(c.AbsoluteExpires) {
			t.Fatalf("after Rotate: %+v, was %+v", g, c)
		}
		if _, err := m.Rotate(ctx, c.Token); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Rotate of the old token again = %v, want ErrSessionNotFound", err)
		}
		if err := m.Update(ctx, c.Token, map[string]string{"x": "y"}); !errors.Is(err, embedis.ErrSessionNotFound) {
			t.Fatalf("Update through the old token = %v", err)
		}
		if user != "" {
			if ids := indexMembers(t, env, m, user); !reflect.DeepEqual(ids, []string{g.ID}) {
				t.Fatalf("index after Rotate = %v, want [%s]", ids, g.ID)
			}
			list, err := m.List(ctx, user)
			if err != nil || len(list) != 1 || list[0].ID != g.ID {
				t.Fatalf("List after Rotate = %v, %v; want only the new ID %s", sessIDs(list), err, g.ID)
			}
		}
		if err := m.Destroy(ctx, c.Token); err != nil { // the old token destroys nothing
			t.Fatal(err)
		}
		mustGet(t, m, fresh)
	}
}

func sessDestroy(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{})
	ctx := context.Background()
	a := mustCreate(t, m, "alice", nil)
	b := mustCreate(t, m, "alice", nil)
	if err := m.Destroy(ctx, a.Token); err != nil {
		t.Fatal(err)
	}
	wantGone(t, m, a.Token, "after Destroy")
	mustGet(t, m, b.Token)
	if ids := indexMembers(t, env, m, "alice"); !reflect.DeepEqual(ids, []string{b.ID}) {
		t.Fatalf("index after Destroy = %v, want [%s]", ids, b.ID)
	}
	if list, err := m.List(ctx, "alice"); err != nil || len(list) != 1 || list[0].ID != b.ID {
		t.Fatalf("List after Destroy = %v, %v; want only %s", sessIDs(list), err, b.ID)
	}
	if err := m.Destroy(ctx, a.Token); err != nil {
		t.Fatalf("second Destroy = %v, want nil", err)
	}
	anon := mustCreate(t, m, "", nil)
	if err := m.Destroy(ctx, anon.Token); err != nil {
		t.Fatal(err)
	}
	wantGone(t, m, anon.Token, "of a destroyed anonymous session")
}

func sessDestroyAll(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{})
	ctx := context.Background()
	var alice []embedis.Session
	for i := 0; i < 3; i++ {
		alice = append(alice, mustCreate(t, m, "alice", nil))
	}
	bob := mustCreate(t, m, "bob", nil)
	anon := mustCreate(t, m, "", nil)
	// A user name that looks like a key fragment stays its own user.
	odd := mustCreate(t, m, "alice}:s:{x", nil)
	if n, err := m.DestroyAll(ctx, "alice"); err != nil || n != 3 {
		t.Fatalf("DestroyAll(alice) = %d, %v; want 3", n, err)
	}
	for _, s := range alice {
		wantGone(t, m, s.Token, "after DestroyAll")
	}
	mustGet(t, m, bob.Token)
	mustGet(t, m, anon.Token)
	mustGet(t, m, odd.Token)
	if ids := indexMembers(t, env, m, "alice"); len(ids) != 0 {
		t.Fatalf("index after DestroyAll = %v, want none", ids)
	}
	if list, err := m.List(ctx, "alice"); err != nil || len(list) != 0 {
		t.Fatalf("List after DestroyAll = %v, %v", sessIDs(list), err)
	}
	if n, err := m.DestroyAll(ctx, "alice"); err != nil || n != 0 {
		t.Fatalf("second DestroyAll = %d, %v; want 0", n, err)
	}
	if n, err := m.DestroyAll(ctx, ""); err != nil || n != 0 {
		t.Fatalf("DestroyAll(\"\") = %d, %v; want 0 (anonymous sessions have no index)", n, err)
	}
	mustGet(t, m, anon.Token)
	if env.Store != nil {
		if n, _ := env.Store.Exists(ctx, m.IndexKey("alice")); n != 0 {
			t.Fatalf("alice's index %q still exists after DestroyAll", m.IndexKey("alice"))
		}
	}
	// A session created after DestroyAll is live.
	again := mustCreate(t, m, "alice", nil)
	if list, err := m.List(ctx, "alice"); err != nil || len(list) != 1 || list[0].ID != again.ID {
		t.Fatalf("List of a new session after DestroyAll = %v, %v", sessIDs(list), err)
	}
}

func sessList(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{IdleTimeout: 400 * time.Millisecond,
		AbsoluteTimeout: time.Minute, TouchInterval: 20 * time.Millisecond})
	ctx := context.Background()
	if list, err := m.List(ctx, "nobody"); err != nil || len(list) != 0 {
		t.Fatalf("List(nobody) = %v, %v", sessIDs(list), err)
	}
	first := mustCreate(t, m, "alice", map[string]string{"device": "laptop"})
	env.Advance(5 * time.Millisecond)
	second := mustCreate(t, m, "alice", map[string]string{"device": "phone"})
	env.Advance(5 * time.Millisecond)
	third := mustCreate(t, m, "alice", map[string]string{"device": "tablet"})
	mustCreate(t, m, "bob", nil)
	mustCreate(t, m, "", nil)
	list, err := m.List(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{first.ID, second.ID, third.ID}; !reflect.DeepEqual(sessIDs(list), want) {
		t.Fatalf("List = %v, want %v (oldest first)", sessIDs(list), want)
	}
	for i, want := range []embedis.Session{first, second, third} {
		got := list[i]
		if got.Token != "" || got.User != "alice" || !reflect.DeepEqual(got.Values, want.Values) ||
			!got.Created.Equal(want.Created) || !got.Expires.Equal(want.Expires) {
			t.Fatalf("List[%d] = %+v, want %+v without its token", i, got, want)
		}
	}
	// Revoke one device by its ID.
	if ok, err := m.Revoke(ctx, "alice", second.ID); err != nil || !ok {
		t.Fatalf("Revoke = %v, %v; want true", ok, err)
	}
	wantGone(t, m, second.Token, "after Revoke")
	if ids := indexMembers(t, env, m, "alice"); !reflect.DeepEqual(ids, []string{first.ID, third.ID}) {
		t.Fatalf("index after Revoke = %v, want [%s %s]", ids, first.ID, third.ID)
	}
	if ok, err := m.Revoke(ctx, "alice", second.ID); err != nil || ok {
		t.Fatalf("second Revoke = %v, %v; want false", ok, err)
	}
	if ok, err := m.Revoke(ctx, "bob", first.ID); err != nil || ok {
		t.Fatalf("Revoke of alice's session as bob = %v, %v; want false", ok, err)
	}
	mustGet(t, m, first.Token)
	// Keep first alive; let third idle out: List prunes it.
	env.Advance(250 * time.Millisecond)
	mustGet(t, m, first.Token)
	env.Advance(250 * time.Millisecond)
	list, err = m.List(ctx, "alice")
	if err != nil || !reflect.DeepEqual(sessIDs(list), []string{first.ID}) {
		t.Fatalf("List after one idled out = %v, %v; want [%s]", sessIDs(list), err, first.ID)
	}
	if env.Store != nil {
		members, _ := env.Store.ZRange(ctx, m.IndexKey("alice"), 0, -1)
		if !reflect.DeepEqual(members, []string{first.ID}) {
			t.Fatalf("index after List = %v, want pruned to [%s]", members, first.ID)
		}
		// The index carries a deadline: that of its latest session.
		g := mustGet(t, m, first.Token) // touches: the index moves with it
		if at, _ := env.Store.PExpireTime(ctx, m.IndexKey("alice")); at != g.Expires.UnixMilli() {
			t.Fatalf("index deadline %d, want the session's end %d", at, g.Expires.UnixMilli())
		}
	}
	if list, err := m.List(ctx, ""); err != nil || list != nil {
		t.Fatalf("List(\"\") = %v, %v; want none", list, err)
	}
}

var zrangeScript = embedis.NewScript(`return redis.call('ZRANGE', KEYS[1], 0, -1)`)

// indexMembers returns the IDs in user's index as the keyspace holds them
// (List prunes; this does not).
func indexMembers(t *testing.T, env Env, m *embedis.Sessions, user string) []string {
	t.Helper()
	ctx := context.Background()
	if env.Store != nil {
		ids, err := env.Store.ZRange(ctx, m.IndexKey(user), 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	reply, err := env.Backend.Run(ctx, zrangeScript, []string{m.IndexKey(user)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range reply.([]any) {
		ids = append(ids, v.(string))
	}
	return ids
}

// sessConcurrent: updates of different fields from many goroutines all
// land (none undoes another), and of many concurrent Rotates of one token
// exactly one wins, leaving one live session.
func sessConcurrent(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{})
	ctx := context.Background()
	c := mustCreate(t, m, "alice", nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- m.Update(ctx, c.Token, map[string]string{fmt.Sprintf("f%02d", i): fmt.Sprint(i)})
		}(i)
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if g := mustGet(t, m, c.Token); len(g.Values) != n {
		t.Fatalf("after %d concurrent Updates of different fields: %d values %v", n, len(g.Values), g.Values)
	}
	tokens := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := m.Rotate(ctx, c.Token)
			if err == nil {
				tokens <- tok
			} else if !errors.Is(err, embedis.ErrSessionNotFound) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(tokens)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var won []string
	for tok := range tokens {
		won = append(won, tok)
	}
	if len(won) != 1 {
		t.Fatalf("%d of %d concurrent Rotates of one token succeeded, want 1", len(won), n)
	}
	if g := mustGet(t, m, won[0]); len(g.Values) != n {
		t.Fatalf("the rotated session lost values: %v", g.Values)
	}
	if ids := indexMembers(t, env, m, "alice"); !reflect.DeepEqual(ids, []string{sha256Hex(won[0])}) {
		t.Fatalf("index after concurrent Rotates = %v, want only the winner", ids)
	}
}

// dumpScript returns every key matching ARGV[1] on the node that holds
// KEYS[1] with its DUMP: name, payload, name, payload, …
var dumpScript = embedis.NewScript(`#!lua flags=allow-cross-slot-keys,no-writes
local out, cursor = {}, '0'
repeat
  local r = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 100)
  cursor = r[1]
  for _, k in ipairs(r[2]) do
    out[#out + 1] = k
    out[#out + 1] = redis.call('DUMP', k)
  end
until cursor == '0'
return out
`)

// keyspaceDump returns the names and DUMP payloads of the keys whose names
// start with prefix (on a cluster: those on the node holding near).
func keyspaceDump(t *testing.T, env Env, prefix, near string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	out := map[string][]byte{}
	if env.Store != nil {
		var cursor uint64
		for {
			keys, next, err := env.Store.Scan(ctx, cursor, prefix+"*", 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				d, _, err := env.Store.Dump(ctx, k)
				if err != nil {
					t.Fatal(err)
				}
				out[k] = []byte(d)
			}
			if cursor = next; cursor == 0 {
				return out
			}
		}
	}
	reply, err := env.Backend.Run(ctx, dumpScript, []string{near}, prefix+"*")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := reply.([]any)
	for i := 0; i+1 < len(a); i += 2 {
		k, _ := a[i].(string)
		d, _ := a[i+1].(string)
		out[k] = []byte(d)
	}
	return out
}

func sessHashed(t *testing.T, env Env) {
	m := newSessions(t, env, embedis.SessionOptions{})
	ctx := context.Background()
	a := mustCreate(t, m, "alice", map[string]string{"k": "v"})
	b := mustCreate(t, m, "alice", nil)
	fresh, err := m.Rotate(ctx, b.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Update(ctx, a.Token, map[string]string{"more": "data"}); err != nil {
		t.Fatal(err)
	}
	mustGet(t, m, a.Token)
	dump := keyspaceDump(t, env, env.Prefix+"sess", m.IndexKey("alice"))
	if _, ok := dump[m.Key(a.Token)]; !ok {
		t.Fatalf("session key %q not in the keyspace %v", m.Key(a.Token), dump)
	}
	if _, ok := dump[m.IndexKey("alice")]; !ok {
		t.Fatalf("index key %q not in the keyspace", m.IndexKey("alice"))
	}
	// One user's sessions (rotated ones too), and their index, share a slot;
	// the user "alice}" (a brace in the name) has a slot of her own making.
	for _, k := range []string{m.Key(a.Token), m.Key(fresh), m.IndexKey("alice")} {
		if KeySlot(k) != KeySlot(m.Key(a.Token)) {
			t.Fatalf("key %q is in slot %d, alice's session in %d", k, KeySlot(k), KeySlot(m.Key(a.Token)))
		}
	}
	odd := mustCreate(t, m, "alice}", nil)
	if KeySlot(m.Key(odd.Token)) != KeySlot(m.IndexKey("alice}")) {
		t.Fatalf("a user name with a brace split the session %q from its index %q", m.Key(odd.Token), m.IndexKey("alice}"))
	}
	if !strings.HasSuffix(m.Key(a.Token), ":"+sha256Hex(a.Token)) {
		t.Fatalf("session key %q is not named by the token's SHA-256", m.Key(a.Token))
	}
	for _, tok := range []string{a.Token, b.Token, fresh} {
		secret := tok[17:]
		for k, v := range dump {
			if strings.Contains(k, secret) || bytes.Contains(v, []byte(secret)) {
				t.Fatalf("the token %q (or its secret) is in the keyspace at %q", tok, k)
			}
		}
	}
}

func init() { Register("SCSStore", scsSuite) }

// envNow is the backend's time: the embedded store's clock, or this
// machine's for a Redis on it.
func envNow(env Env) time.Time {
	if env.Store != nil {
		return env.Store.Now()
	}
	return time.Now()
}

// scsSuite checks SCSStore, the store of alexedwards/scs, as scs uses it:
// Commit, Find and Delete by token, expiry as Commit gives it, and All's
// handles, which Commit and Delete take and Find refuses.
func scsSuite(t *testing.T, newEnv NewEnv) {
	env := newEnv(t)
	ctx := context.Background()
	st, err := embedis.NewSCSStore(env.Backend, env.Prefix+"scs")
	if err != nil {
		t.Fatal(err)
	}
	find := func(token string) ([]byte, bool) {
		t.Helper()
		b, ok, err := st.FindCtx(ctx, token)
		if err != nil {
			t.Fatalf("Find: %v", err)
		}
		return b, ok
	}
	if all, err := st.AllCtx(ctx); err != nil || all == nil || len(all) != 0 {
		t.Fatalf("All of an empty store = %#v, %v; want an empty non-nil map", all, err)
	}
	if b, ok := find("nothing"); ok || b != nil {
		t.Fatalf("Find(missing) = %q, %v", b, ok)
	}
	tokens := []string{"tok-a", "tok-b", "tok-c", ""}
	for i, tok := range tokens {
		if err := st.CommitCtx(ctx, tok, []byte{byte('0' + i), 0, 0xff}, envNow(env).Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	short := "tok-short"
	if err := st.Commit(short, []byte("brief"), envNow(env).Add(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	for i, tok := range tokens {
		if b, ok := find(tok); !ok || string(b) != string([]byte{byte('0' + i), 0, 0xff}) {
			t.Fatalf("Find(%q) = %q, %v", tok, b, ok)
		}
	}
	if b, ok, err := st.Find(short); err != nil || !ok || string(b) != "brief" {
		t.Fatalf("Find(short) = %q, %v, %v", b, ok, err)
	}
	// Commit replaces the data.
	if err := st.Commit("tok-a", []byte("new"), envNow(env).Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, _ := find("tok-a"); string(b) != "new" {
		t.Fatalf("Find after a second Commit = %q", b)
	}
	env.Advance(300 * time.Millisecond)
	if _, ok := find(short); ok {
		t.Fatal("a session past Commit's expiry was found")
	}
	// An expiry not in the future deletes.
	if err := st.CommitCtx(ctx, "tok-c", []byte("x"), envNow(env).Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok := find("tok-c"); ok {
		t.Fatal("Commit with a past expiry left the session")
	}
	if err := st.DeleteCtx(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete("never there"); err != nil {
		t.Fatalf("Delete of a missing token = %v", err)
	}
	all, err := st.All()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{
		"sha256:" + sha256Hex("tok-a"): []byte("new"),
		"sha256:" + sha256Hex("tok-b"): {'1', 0, 0xff},
	}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("All = %q, want %q", all, want)
	}
	if ids := scsIndex(t, env); !reflect.DeepEqual(ids, []string{sha256Hex("tok-a"), sha256Hex("tok-b")}) &&
		!reflect.DeepEqual(ids, []string{sha256Hex("tok-b"), sha256Hex("tok-a")}) {
		t.Fatalf("index after All = %v, want the two live ids", ids)
	}
	handle := "sha256:" + sha256Hex("tok-b")
	if _, ok := find(handle); ok {
		t.Fatal("Find accepted a handle from All")
	}
	if err := st.CommitCtx(ctx, handle, []byte("via handle"), envNow(env).Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, _ := find("tok-b"); string(b) != "via handle" {
		t.Fatalf("Find after Commit through a handle = %q", b)
	}
	if err := st.DeleteCtx(ctx, handle); err != nil {
		t.Fatal(err)
	}
	if _, ok := find("tok-b"); ok {
		t.Fatal("Delete through a handle left the session")
	}
	if err := st.CommitCtx(ctx, handle, []byte("again"), envNow(env).Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if all, _ := st.AllCtx(ctx); len(all) != 1 {
		t.Fatalf("Commit through the handle of a deleted session made one: All = %q", all)
	}
	// The keyspace holds no token.
	dump := keyspaceDump(t, env, env.Prefix+"scs", env.Prefix+"scs:{scs}:all")
	if len(dump) != 2 {
		t.Fatalf("keyspace = %d keys, want tok-a's session and the index", len(dump))
	}
	for k, v := range dump {
		for _, tok := range []string{"tok-a", "tok-b", "tok-short"} {
			if strings.Contains(k, tok) || bytes.Contains(v, []byte(tok)) {
				t.Fatalf("token %q is in the keyspace at %q", tok, k)
			}
		}
	}
}

// scsIndex returns the ids in st's index as stored.
func scsIndex(t *testing.T, env Env) []string {
	t.Helper()
	key := env.Prefix + "scs:{scs}:all"
	if env.Store != nil {
		ids, err := env.Store.ZRange(context.Background(), key, 0, -1)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	reply, err := env.Backend.Run(context.Background(), zrangeScript, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range reply.([]any) {
		ids = append(ids, v.(string))
	}
	return ids
}
