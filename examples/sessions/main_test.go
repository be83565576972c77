package main

import (
	"io"
	"os"
	"testing"
)

// TestOutput runs the program and compares its output with the expected
// one: the clock is manual and the handlers in process, so it never varies.
func TestOutput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	main()
	os.Stdout = stdout
	w.Close()
	if got := string(<-done); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}

const want = `laptop  POST /login?user=ada&device=laptop          200 welcome, ada
phone   POST /login?user=ada&device=phone           200 welcome, ada
tablet  POST /login?user=ada&device=tablet          200 welcome, ada
laptop  GET  /me                                    200 ada on the laptop
phone   GET  /devices                               200 laptop (idle 0 min), phone (idle 0 min), tablet (idle 10 min)
-- the tablet is lost: sign it out from the laptop
laptop  POST /logout-device?device=tablet           200 signed out the tablet
tablet  GET  /me                                    401 please sign in
-- a password change rotates the laptop's token; a copy of the old cookie is worthless
laptop  POST /password                              200 password changed
thief   GET  /me                                    401 please sign in
laptop  GET  /me                                    200 ada on the laptop
-- 40 minutes of the laptop alone: the phone idles out (30 minutes)
laptop  GET  /me                                    200 ada on the laptop
laptop  GET  /devices                               200 laptop (idle 0 min)
phone   GET  /me                                    401 please sign in
phone   POST /login?user=ada&device=phone           200 welcome, ada
-- log out everywhere
phone   POST /logout-everywhere                     200 signed out of 2 sessions
laptop  GET  /me                                    401 please sign in
phone   GET  /me                                    401 please sign in
keys left: 0
`
