package main

import (
	"io"
	"os"
	"testing"
)

// TestOutput runs the program and compares its output with the expected
// one: the store's clock is manual and the server in process, so it never
// varies.
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

const want = `-- a burst of 6 with key alpha, 1 with key beta
alpha     200 limit=5 remaining=4 reset=2s  the early bird gets the worm
alpha     200 limit=5 remaining=3 reset=4s  the early bird gets the worm
alpha     200 limit=5 remaining=2 reset=6s  the early bird gets the worm
alpha     200 limit=5 remaining=1 reset=8s  the early bird gets the worm
alpha     200 limit=5 remaining=0 reset=10s  the early bird gets the worm
alpha     429 limit=5 remaining=0 reset=10s retry-after=2s
beta      200 limit=5 remaining=4 reset=2s  the early bird gets the worm
-- 2s later
alpha     200 limit=5 remaining=0 reset=10s  the early bird gets the worm
alpha     429 limit=5 remaining=0 reset=10s retry-after=2s
-- 10s later
alpha     200 limit=5 remaining=4 reset=2s  the early bird gets the worm
-- anonymous callers share their IP's 2 per minute
anonymous 200 limit=2 remaining=1 reset=48s  the early bird gets the worm
anonymous 200 limit=2 remaining=0 reset=48s  the early bird gets the worm
anonymous 429 limit=2 remaining=0 reset=48s retry-after=48s
-- 1m0s later
anonymous 200 limit=2 remaining=1 reset=48s  the early bird gets the worm
-- Wait for beta with 1s left: embedis: rate limiter: the context's deadline comes before admission (2s away): context deadline exceeded
`
