package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

// ExampleSessions shows a session's life: created at log-in, read on each
// request, rotated when its privilege changes, listed with the user's
// other sessions, and ended everywhere at once.
func ExampleSessions() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()
	// The same code runs on Redis: embedis.NewSessions(goredis.New(rdb), ...).
	sessions, err := embedis.NewSessions(embedis.Embedded(s), "web", embedis.SessionOptions{
		IdleTimeout:     30 * time.Minute,
		AbsoluteTimeout: 8 * time.Hour,
	})
	if err != nil {
		panic(err)
	}

	laptop, _ := sessions.Create(ctx, "ada", map[string]string{"device": "laptop"})
	fmt.Println("laptop session ends at", laptop.Expires.UTC().Format(time.Kitchen))
	clock.Advance(time.Minute)
	phone, _ := sessions.Create(ctx, "ada", map[string]string{"device": "phone"})

	clock.Advance(9 * time.Minute)
	got, _ := sessions.Get(ctx, laptop.Token) // touches: the idle deadline moves
	fmt.Println("after a request it ends at", got.Expires.UTC().Format(time.Kitchen))

	_ = sessions.Update(ctx, laptop.Token, map[string]string{"cart": "2 items"})
	token, _ := sessions.Rotate(ctx, laptop.Token) // e.g. after a password change
	_, err = sessions.Get(ctx, laptop.Token)
	fmt.Println("old token:", errors.Is(err, embedis.ErrSessionNotFound))
	got, _ = sessions.Get(ctx, token)
	fmt.Println("new token:", got.Values["device"], got.Values["cart"])

	list, _ := sessions.List(ctx, "ada")
	for _, s := range list {
		fmt.Println("ada is signed in on her", s.Values["device"])
	}

	n, _ := sessions.DestroyAll(ctx, "ada") // log out everywhere
	_, err = sessions.Get(ctx, phone.Token)
	fmt.Println("logged out of", n, "sessions; phone:", errors.Is(err, embedis.ErrSessionNotFound))
	// Output:
	// laptop session ends at 9:30AM
	// after a request it ends at 9:40AM
	// old token: true
	// new token: laptop 2 items
	// ada is signed in on her laptop
	// ada is signed in on her phone
	// logged out of 2 sessions; phone: true
}

// ExampleSessions_timeouts shows the two timeouts: a session unused for
// IdleTimeout ends, and a busy one ends AbsoluteTimeout after its creation.
func ExampleSessions_timeouts() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()
	sessions, _ := embedis.NewSessions(embedis.Embedded(s), "web", embedis.SessionOptions{
		IdleTimeout:     30 * time.Minute,
		AbsoluteTimeout: 50 * time.Minute,
	})
	idle, _ := sessions.Create(ctx, "bo", nil)
	busy, _ := sessions.Create(ctx, "bo", nil)
	for i := 0; i < 3; i++ { // a request on busy every 20 minutes
		clock.Advance(20 * time.Minute)
		_, err := sessions.Get(ctx, busy.Token)
		fmt.Println(clock.Now().Format(time.Kitchen), "busy live:", err == nil)
		if i == 1 {
			_, err := sessions.Get(ctx, idle.Token)
			fmt.Println(clock.Now().Format(time.Kitchen), "idle live:", err == nil)
		}
	}
	// Output:
	// 9:20AM busy live: true
	// 9:40AM busy live: true
	// 9:40AM idle live: false
	// 10:00AM busy live: false
}

// ExampleSCSStore uses SCSStore as alexedwards/scs does: in an application
// it is one line, sessionManager.Store = store, and scs calls these
// methods itself.
func ExampleSCSStore() {
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	store, _ := embedis.NewSCSStore(embedis.Embedded(s), "scs")

	// scs commits the encoded session under its token...
	_ = store.Commit("scs-token-1", []byte("encoded session"), s.Now().Add(time.Hour))
	b, found, _ := store.Find("scs-token-1")
	fmt.Printf("%q %v\n", b, found)

	// ...and All (for scs's Iterate) names sessions by handles, which
	// Commit and Delete take but Find refuses: the tokens are not stored.
	all, _ := store.All()
	for handle := range all {
		_, found, _ := store.Find(handle)
		fmt.Println(handle[:7], len(handle), found)
		_ = store.Delete(handle)
	}
	_, found, _ = store.Find("scs-token-1")
	fmt.Println("after Delete:", found)
	// Output:
	// "encoded session" true
	// sha256: 71 false
	// after Delete: false
}
