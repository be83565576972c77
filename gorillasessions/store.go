// Package gorillasessions is a github.com/gorilla/sessions Store that keeps
// sessions in embedis's Sessions helper, on an embedded store or on Redis:
//
//	m, err := embedis.NewSessions(embedis.Embedded(s), "web", embedis.SessionOptions{})
//	store := gorillasessions.New(m)
//	session, err := store.Get(r, "sid") // as with any gorilla Store
//
// The cookie carries only the session's token (256 random bits); the
// values stay on the server, gob-encoded as gorilla's own stores encode
// them (register your types with gob.Register as usual), and the keyspace
// holds only the token's SHA-256. Sessions end on the server by the
// Sessions' idle and absolute timeouts.
//
// It is a module of its own, so that embedis itself does not depend on
// gorilla.
package gorillasessions

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"

	"github.com/embedis/embedis"
	"github.com/gorilla/sessions"
)

// valuesField is the Sessions value that holds the gob of a gorilla
// session's Values.
const valuesField = "gorilla"

// Store is a gorilla/sessions Store on embedis Sessions. Its sessions are
// anonymous Sessions (no user, so no per-user index): values, timeouts,
// Rotate and Destroy apply; List and DestroyAll do not.
//
// Options.MaxAge behaves as in gorilla's stores for the cookie: negative
// deletes the session (on the server too) and its cookie, zero makes a
// cookie that lasts until the browser closes, positive sets the cookie's
// Max-Age. How long the session lives on the server is the Sessions'
// idle and absolute timeouts, whatever the cookie's age.
type Store struct {
	// Sessions keeps the sessions.
	Sessions *embedis.Sessions
	// Options are the cookie options a new session starts with (each
	// session gets its own copy).
	Options *sessions.Options
}

// New returns a Store on m whose cookies have Path "/", HttpOnly and
// SameSite=Lax, and last until the browser closes (set Options.Secure when
// serving HTTPS).
func New(m *embedis.Sessions) *Store {
	return &Store{Sessions: m, Options: &sessions.Options{
		Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}}
}

// Get returns the session called name for r, once per request (through
// gorilla's registry), as gorilla's stores do.
func (st *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New returns the session called name for r: the stored one if r carries
// a cookie of that name with a live token, otherwise a new, empty session
// (IsNew). An error reading the backend or decoding the values is returned
// with a new session, as gorilla's stores do.
func (st *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	opts := *st.Options
	s.Options = &opts
	s.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return s, nil
	}
	stored, err := st.Sessions.Get(r.Context(), c.Value)
	if errors.Is(err, embedis.ErrSessionNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	values := map[interface{}]interface{}{}
	if data := stored.Values[valuesField]; data != "" {
		if err := gob.NewDecoder(bytes.NewReader([]byte(data))).Decode(&values); err != nil {
			return s, fmt.Errorf("gorillasessions: decoding session %s: %w", stored.ID, err)
		}
	}
	s.ID, s.Values, s.IsNew = c.Value, values, false
	return s, nil
}

// Save stores s and sets its cookie on w. A session whose Options.MaxAge
// is negative is destroyed and its cookie deleted. A session without an ID
// (new, or whose server side ended meanwhile) is created with a fresh
// token; otherwise its values are updated in place.
func (st *Store) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	ctx := r.Context()
	if s.Options.MaxAge < 0 {
		if s.ID != "" {
			if err := st.Sessions.Destroy(ctx, s.ID); err != nil {
				return err
			}
			s.ID = ""
		}
		http.SetCookie(w, sessions.NewCookie(s.Name(), "", s.Options))
		return nil
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s.Values); err != nil {
		return fmt.Errorf("gorillasessions: encoding session values: %w", err)
	}
	values := map[string]string{valuesField: buf.String()}
	if s.ID != "" {
		err := st.Sessions.Update(ctx, s.ID, values)
		if errors.Is(err, embedis.ErrSessionNotFound) {
			s.ID = ""
		} else if err != nil {
			return err
		}
	}
	if s.ID == "" {
		created, err := st.Sessions.Create(ctx, "", values)
		if err != nil {
			return err
		}
		s.ID = created.Token
	}
	http.SetCookie(w, sessions.NewCookie(s.Name(), s.ID, s.Options))
	return nil
}

// Rotate gives s a new token (embedis Sessions.Rotate: the old one stops
// working in the same step) and sets the new cookie on w; call it after a
// log-in or another change of privilege. A session that was never saved
// is simply saved.
func (st *Store) Rotate(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if s.ID != "" {
		token, err := st.Sessions.Rotate(r.Context(), s.ID)
		switch {
		case errors.Is(err, embedis.ErrSessionNotFound):
			s.ID = ""
		case err != nil:
			return err
		default:
			s.ID = token
		}
	}
	return st.Save(r, w, s)
}
