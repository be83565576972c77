// Command sessions runs a small web application's sessions on embedis's
// Sessions helper: a log-in on three devices, requests that keep a session
// alive, the list of a user's devices, a log-out of one device, the token
// rotated on a password change, an idle session that times out, and a
// log-out everywhere.
//
//	go run ./examples/sessions
//
// The handlers are plain net/http, served in process (httptest), and the
// clock is a manual one, so the output is the same on every run. On a Redis
// Cluster the same code runs with embedis.NewSessions(goredis.New(rdb), …).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/embedis/embedis"
)

const cookieName = "sid"

// app is the web application: its handlers find the session from the
// cookie and refuse requests without a live one.
type app struct {
	sessions *embedis.Sessions
	clock    *embedis.ManualClock
}

// session returns the live session of r's cookie, or false.
func (a *app) session(r *http.Request) (embedis.Session, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return embedis.Session{}, false
	}
	s, err := a.sessions.Get(r.Context(), c.Value)
	if errors.Is(err, embedis.ErrSessionNotFound) {
		return embedis.Session{}, false
	}
	if err != nil {
		log.Fatal(err)
	}
	return s, true
}

func setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode})
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	// POST /login?user=…&device=…: a new session (the password check is left out).
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s, err := a.sessions.Create(r.Context(), r.FormValue("user"),
			map[string]string{"device": r.FormValue("device")})
		if err != nil {
			log.Fatal(err)
		}
		setCookie(w, s.Token)
		fmt.Fprintf(w, "welcome, %s", s.User)
	})
	// GET /me: who is signed in, on which device.
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		s, ok := a.session(r)
		if !ok {
			http.Error(w, "please sign in", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "%s on the %s", s.User, s.Values["device"])
	})
	// GET /devices: the user's sessions.
	mux.HandleFunc("/devices", func(w http.ResponseWriter, r *http.Request) {
		s, ok := a.session(r)
		if !ok {
			http.Error(w, "please sign in", http.StatusUnauthorized)
			return
		}
		list, err := a.sessions.List(r.Context(), s.User)
		if err != nil {
			log.Fatal(err)
		}
		var devices []string
		for _, d := range list {
			idle := int(a.clock.Now().Sub(d.LastSeen).Minutes())
			devices = append(devices, fmt.Sprintf("%s (idle %d min)", d.Values["device"], idle))
		}
		fmt.Fprint(w, strings.Join(devices, ", "))
	})
	// POST /logout-device?device=…: end the user's session on one device.
	mux.HandleFunc("/logout-device", func(w http.ResponseWriter, r *http.Request) {
		s, ok := a.session(r)
		if !ok {
			http.Error(w, "please sign in", http.StatusUnauthorized)
			return
		}
		list, err := a.sessions.List(r.Context(), s.User)
		if err != nil {
			log.Fatal(err)
		}
		for _, d := range list {
			if d.Values["device"] == r.FormValue("device") {
				if _, err := a.sessions.Revoke(r.Context(), s.User, d.ID); err != nil {
					log.Fatal(err)
				}
				fmt.Fprintf(w, "signed out the %s", d.Values["device"])
			}
		}
	})
	// POST /password: a privilege change, so the session gets a new token.
	mux.HandleFunc("/password", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(cookieName)
		if err != nil {
			http.Error(w, "please sign in", http.StatusUnauthorized)
			return
		}
		token, err := a.sessions.Rotate(r.Context(), c.Value)
		if errors.Is(err, embedis.ErrSessionNotFound) {
			http.Error(w, "please sign in", http.StatusUnauthorized)
			return
		}
		if err != nil {
			log.Fatal(err)
		}
		setCookie(w, token)
		fmt.Fprint(w, "password changed")
	})
	// POST /logout-everywhere: end every session of the user.
	mux.HandleFunc("/logout-everywhere", func(w http.ResponseWriter, r *http.Request) {
		s, ok := a.session(r)
		if !ok {
			http.Error(w, "please sign in", http.StatusUnauthorized)
			return
		}
		n, err := a.sessions.DestroyAll(r.Context(), s.User)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(w, "signed out of %d sessions", n)
	})
	return mux
}

// device is a browser: it keeps the cookie the server sets.
type device struct {
	name   string
	cookie *http.Cookie
}

func (d *device) do(h http.Handler, method, path string) {
	r := httptest.NewRequest(method, path, nil)
	if d.cookie != nil {
		r.AddCookie(d.cookie)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == cookieName {
			d.cookie = c
		}
	}
	fmt.Printf("%-7s %-4s %-38s %d %s\n", d.name, method, path, w.Code, strings.TrimSpace(w.Body.String()))
}

func main() {
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	s, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	sessions, err := embedis.NewSessions(embedis.Embedded(s), "web", embedis.SessionOptions{
		IdleTimeout:     30 * time.Minute,
		AbsoluteTimeout: 12 * time.Hour,
	})
	if err != nil {
		log.Fatal(err)
	}
	a := &app{sessions: sessions, clock: clock}
	h := a.routes()

	laptop, phone, tablet := &device{name: "laptop"}, &device{name: "phone"}, &device{name: "tablet"}
	laptop.do(h, "POST", "/login?user=ada&device=laptop")
	clock.Advance(5 * time.Minute)
	phone.do(h, "POST", "/login?user=ada&device=phone")
	clock.Advance(time.Minute)
	tablet.do(h, "POST", "/login?user=ada&device=tablet")
	clock.Advance(10 * time.Minute)
	laptop.do(h, "GET", "/me")
	phone.do(h, "GET", "/devices")

	fmt.Println("-- the tablet is lost: sign it out from the laptop")
	laptop.do(h, "POST", "/logout-device?device=tablet")
	tablet.do(h, "GET", "/me")

	fmt.Println("-- a password change rotates the laptop's token; a copy of the old cookie is worthless")
	stolen := *laptop.cookie
	laptop.do(h, "POST", "/password")
	thief := &device{name: "thief", cookie: &stolen}
	thief.do(h, "GET", "/me")
	laptop.do(h, "GET", "/me")

	fmt.Println("-- 40 minutes of the laptop alone: the phone idles out (30 minutes)")
	clock.Advance(20 * time.Minute)
	laptop.do(h, "GET", "/me")
	clock.Advance(20 * time.Minute)
	laptop.do(h, "GET", "/devices")
	phone.do(h, "GET", "/me")
	phone.do(h, "POST", "/login?user=ada&device=phone")

	fmt.Println("-- log out everywhere")
	phone.do(h, "POST", "/logout-everywhere")
	laptop.do(h, "GET", "/me")
	phone.do(h, "GET", "/me")

	n, err := s.DBSize(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("keys left:", n)
}
