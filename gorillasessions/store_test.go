package gorillasessions_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/gorillasessions"
)

func newStore(t *testing.T) (*gorillasessions.Store, *embedis.Sessions) {
	t.Helper()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m, err := embedis.NewSessions(embedis.Embedded(s), "web", embedis.SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return gorillasessions.New(m), m
}

func request(cookie *http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	return r
}

// TestSaveAfterServerSideEnd: a session loaded in a request and ended on
// the server meanwhile (expired, destroyed elsewhere) is saved as a new
// session with a new token, never under the dead one.
func TestSaveAfterServerSideEnd(t *testing.T) {
	store, m := newStore(t)
	w := httptest.NewRecorder()
	s, err := store.New(request(nil), "sid")
	if err != nil {
		t.Fatal(err)
	}
	s.Values["a"] = 1
	if err := store.Save(request(nil), w, s); err != nil {
		t.Fatal(err)
	}
	cookie := w.Result().Cookies()[0]
	loaded, err := store.New(request(cookie), "sid")
	if err != nil || loaded.IsNew || loaded.Values["a"] != 1 {
		t.Fatalf("New with the cookie = %+v, %v", loaded, err)
	}
	if err := m.Destroy(context.Background(), cookie.Value); err != nil {
		t.Fatal(err)
	}
	loaded.Values["b"] = 2
	w = httptest.NewRecorder()
	if err := store.Save(request(cookie), w, loaded); err != nil {
		t.Fatal(err)
	}
	if loaded.ID == cookie.Value {
		t.Fatal("Save reused the token of a session that had ended")
	}
	if _, err := m.Get(context.Background(), cookie.Value); !errors.Is(err, embedis.ErrSessionNotFound) {
		t.Fatalf("the dead token came back: %v", err)
	}
	again, err := store.New(request(w.Result().Cookies()[0]), "sid")
	if err != nil || again.Values["a"] != 1 || again.Values["b"] != 2 {
		t.Fatalf("the re-created session = %+v, %v", again, err)
	}
}

// TestRotate: Rotate moves a saved session to a new token (the old cookie
// finds nothing) and simply saves an unsaved one.
func TestRotate(t *testing.T) {
	store, _ := newStore(t)
	s, _ := store.New(request(nil), "sid")
	s.Values["k"] = "v"
	w := httptest.NewRecorder()
	if err := store.Rotate(request(nil), w, s); err != nil {
		t.Fatal(err)
	}
	first := w.Result().Cookies()[0]
	if first.Value == "" || first.Value != s.ID {
		t.Fatalf("Rotate of an unsaved session: cookie %q, ID %q", first.Value, s.ID)
	}
	w = httptest.NewRecorder()
	if err := store.Rotate(request(first), w, s); err != nil {
		t.Fatal(err)
	}
	second := w.Result().Cookies()[0]
	if second.Value == first.Value {
		t.Fatal("Rotate kept the token")
	}
	if old, _ := store.New(request(first), "sid"); !old.IsNew {
		t.Fatal("the old cookie still opens the session")
	}
	if cur, err := store.New(request(second), "sid"); err != nil || cur.Values["k"] != "v" {
		t.Fatalf("the new cookie: %+v, %v", cur, err)
	}
}

// TestUndecodableValues: values that gob cannot decode are an error with a
// new session, as gorilla's stores answer a cookie they cannot decode.
func TestUndecodableValues(t *testing.T) {
	store, m := newStore(t)
	created, err := m.Create(context.Background(), "", map[string]string{"gorilla": "not gob"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.New(request(&http.Cookie{Name: "sid", Value: created.Token}), "sid")
	if err == nil || s == nil || !s.IsNew || len(s.Values) != 0 {
		t.Fatalf("New over undecodable values = %+v, %v; want a new session and an error", s, err)
	}
}
