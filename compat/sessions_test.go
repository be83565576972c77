package compat

import (
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/gorillasessions"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"
)

// SCSStore satisfies scs's store interfaces by its method set alone.
var (
	_ scs.Store            = (*embedis.SCSStore)(nil)
	_ scs.CtxStore         = (*embedis.SCSStore)(nil)
	_ scs.IterableStore    = (*embedis.SCSStore)(nil)
	_ scs.IterableCtxStore = (*embedis.SCSStore)(nil)
	_ sessions.Store       = (*gorillasessions.Store)(nil)
)

// sessionBackends returns the backends the session adapters are proven
// on: an embedded store (on the wall clock, which scs reads too) and a
// real redis-server through go-redis.
func sessionBackends(t *testing.T) map[string]embedis.Backend {
	t.Helper()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	t.Cleanup(func() { rdb.Close() })
	return map[string]embedis.Backend{"embedded": embedis.Embedded(s), "redis": goredis.New(rdb)}
}

// browser is an HTTP client with a cookie jar, against one test server.
type browser struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, c: &http.Client{Jar: jar}, base: base}
}

func (b *browser) get(path string) string {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d %q %v", path, resp.StatusCode, body, err)
	}
	return string(body)
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// TestSCSStore runs alexedwards/scs's SessionManager on SCSStore over real
// HTTP with cookies: a log-in stored in the session, RenewToken (the old
// cookie stops working), Destroy, and Iterate logging a user out of every
// browser.
func TestSCSStore(t *testing.T) {
	for name, backend := range sessionBackends(t) {
		t.Run(name, func(t *testing.T) {
			store, err := embedis.NewSCSStore(backend, "compat-scs")
			if err != nil {
				t.Fatal(err)
			}
			sm := scs.New()
			sm.Store = store
			sm.Lifetime = time.Hour
			sm.IdleTimeout = 20 * time.Minute
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
				if err := sm.RenewToken(r.Context()); err != nil {
					t.Error(err)
				}
				sm.Put(r.Context(), "user", r.URL.Query().Get("user"))
				fmt.Fprint(w, "ok")
			})
			mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
				sm.Put(r.Context(), "visits", sm.GetInt(r.Context(), "visits")+1)
				fmt.Fprintf(w, "%s %d", sm.GetString(r.Context(), "user"), sm.GetInt(r.Context(), "visits"))
			})
			mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
				if err := sm.Destroy(r.Context()); err != nil {
					t.Error(err)
				}
				fmt.Fprint(w, "bye")
			})
			mux.HandleFunc("/logout-everywhere", func(w http.ResponseWriter, r *http.Request) {
				user := sm.GetString(r.Context(), "user")
				n := 0
				err := sm.Iterate(r.Context(), func(ctx context.Context) error {
					if sm.GetString(ctx, "user") != user {
						return nil
					}
					n++
					return sm.Destroy(ctx)
				})
				if err != nil {
					t.Error(err)
				}
				fmt.Fprintf(w, "%d", n)
			})
			srv := httptest.NewServer(sm.LoadAndSave(mux))
			defer srv.Close()

			laptop, phone, other := newBrowser(t, srv.URL), newBrowser(t, srv.URL), newBrowser(t, srv.URL)
			if got := laptop.get("/me"); got != " 1" {
				t.Fatalf("anonymous /me = %q", got)
			}
			anonymous := laptop.cookie("session")
			laptop.get("/login?user=ada")
			token := laptop.cookie("session")
			if token == "" || token == anonymous {
				t.Fatalf("RenewToken at log-in: cookie %q, was %q", token, anonymous)
			}
			if got := laptop.get("/me"); got != "ada 2" {
				t.Fatalf("/me after log-in = %q", got)
			}
			if got := laptop.get("/me"); got != "ada 3" {
				t.Fatalf("second /me = %q", got)
			}
			// The pre-log-in cookie is dead: a fresh, empty session.
			stale := newBrowser(t, srv.URL)
			stale.setCookie("session", anonymous)
			if got := stale.get("/me"); got != " 1" {
				t.Fatalf("/me with the pre-log-in cookie = %q, want a new session", got)
			}
			// The keyspace never holds the token (scan through All's view).
			all, err := store.All()
			if err != nil {
				t.Fatal(err)
			}
			for handle := range all {
				if strings.Contains(handle, token) {
					t.Fatalf("All's handle %q holds the token", handle)
				}
			}
			phone.get("/login?user=ada")
			other.get("/login?user=bo")
			if got := phone.get("/logout-everywhere"); got != "2" {
				t.Fatalf("logout-everywhere ended %q sessions, want 2", got)
			}
			if got := laptop.get("/me"); got != " 1" {
				t.Fatalf("laptop after logout-everywhere = %q, want a new session", got)
			}
			if got := other.get("/me"); got != "bo 1" {
				t.Fatalf("bo after ada's logout-everywhere = %q", got)
			}
			other.get("/logout")
			if got := other.get("/me"); got != " 1" {
				t.Fatalf("/me after log-out = %q", got)
			}
		})
	}
}

// gorillaUser is a custom type in a gorilla session's values, registered
// with gob as gorilla's stores require.
type gorillaUser struct {
	Name  string
	Admin bool
}

func init() { gob.Register(gorillaUser{}) }

// TestGorillaStore runs gorilla/sessions on gorillasessions.Store over real
// HTTP with cookies: values of several types (a registered struct among
// them), flashes, Rotate (the old cookie stops working), MaxAge -1 to log
// out, and the cookie holding only the token.
func TestGorillaStore(t *testing.T) {
	for name, backend := range sessionBackends(t) {
		t.Run(name, func(t *testing.T) {
			m, err := embedis.NewSessions(backend, "compat-gorilla", embedis.SessionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			store := gorillasessions.New(m)
			mux := http.NewServeMux()
			session := func(r *http.Request) *sessions.Session {
				s, err := store.Get(r, "sid")
				if err != nil {
					t.Error(err)
				}
				return s
			}
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
				s := session(r)
				s.Values["user"] = gorillaUser{Name: r.URL.Query().Get("user"), Admin: true}
				s.Values[42] = 1.5
				s.AddFlash("welcome")
				if err := store.Rotate(r, w, s); err != nil {
					t.Error(err)
				}
				fmt.Fprint(w, "ok")
			})
			mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
				s := session(r)
				n, _ := s.Values["visits"].(int)
				s.Values["visits"] = n + 1
				flashes := s.Flashes()
				if err := sessions.Save(r, w); err != nil {
					t.Error(err)
				}
				u, _ := s.Values["user"].(gorillaUser)
				fmt.Fprintf(w, "%s admin=%v %v visits=%d new=%v flashes=%v", u.Name, u.Admin, s.Values[42], n+1, s.IsNew, flashes)
			})
			mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
				s := session(r)
				s.Options.MaxAge = -1
				if err := s.Save(r, w); err != nil {
					t.Error(err)
				}
				fmt.Fprint(w, "bye")
			})
			srv := httptest.NewServer(mux)
			defer srv.Close()

			b := newBrowser(t, srv.URL)
			if got := b.get("/me"); got != " admin=false <nil> visits=1 new=true flashes=[]" {
				t.Fatalf("first /me = %q", got)
			}
			before := b.cookie("sid")
			b.get("/login?user=ada")
			token := b.cookie("sid")
			if token == "" || token == before {
				t.Fatalf("Rotate at log-in: cookie %q, was %q", token, before)
			}
			if got := b.get("/me"); got != "ada admin=true 1.5 visits=2 new=false flashes=[welcome]" {
				t.Fatalf("/me after log-in = %q", got)
			}
			if got := b.get("/me"); got != "ada admin=true 1.5 visits=3 new=false flashes=[]" {
				t.Fatalf("second /me = %q", got)
			}
			// The cookie is the Sessions token itself, and the server side
			// is found by its hash.
			if s, err := m.Get(context.Background(), token); err != nil || s.Values["gorilla"] == "" {
				t.Fatalf("Sessions.Get(cookie) = %+v, %v", s, err)
			}
			stale := newBrowser(t, srv.URL)
			stale.setCookie("sid", before)
			if got := stale.get("/me"); !strings.HasSuffix(got, "new=true flashes=[]") {
				t.Fatalf("/me with the pre-log-in cookie = %q, want a new session", got)
			}
			b.get("/logout")
			if c := b.cookie("sid"); c != "" {
				t.Fatalf("cookie after log-out = %q, want none", c)
			}
			if _, err := m.Get(context.Background(), token); err == nil {
				t.Fatal("the session outlived the log-out on the server")
			}
			thief := newBrowser(t, srv.URL)
			thief.setCookie("sid", token)
			if got := thief.get("/me"); !strings.HasSuffix(got, "visits=1 new=true flashes=[]") {
				t.Fatalf("/me with the logged-out cookie = %q", got)
			}
		})
	}
}
