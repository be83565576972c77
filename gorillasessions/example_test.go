package gorillasessions_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/gorillasessions"
	"github.com/gorilla/sessions"
)

// ExampleNew serves gorilla/sessions from embedis Sessions: the handler is
// the one any gorilla application has; only the store changes.
func ExampleNew() {
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	m, _ := embedis.NewSessions(embedis.Embedded(s), "web", embedis.SessionOptions{})
	store := gorillasessions.New(m)

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		session, _ := store.Get(r, "sid")
		n, _ := session.Values["visits"].(int)
		session.Values["visits"] = n + 1
		_ = sessions.Save(r, w)
		fmt.Println("visit", n+1, "new:", session.IsNew)
	})

	var cookie *http.Cookie
	for i := 0; i < 3; i++ {
		r := httptest.NewRequest("GET", "/", nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		cookie = w.Result().Cookies()[0]
	}
	// The cookie is the session's token; the server keeps only its hash.
	_, err := m.Get(context.Background(), cookie.Value)
	fmt.Println("the cookie names a live session:", err == nil)
	// Output:
	// visit 1 new: true
	// visit 2 new: false
	// visit 3 new: false
	// the cookie names a live session: true
}
