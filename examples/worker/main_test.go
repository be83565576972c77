package main

import (
	"io"
	"os"
	"testing"
)

// TestOutput runs the program and compares its output with the expected
// one: it prints counts and job names only, never which worker won a race.
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

const want = `a worker died: context canceled
a worker stopped: <nil>, Run returned <nil>
a worker stopped: <nil>, Run returned <nil>
thumbnails made: 100 of 100
img-042.png failed 2 times before it succeeded
dead letter: corrupt.png after 4 deliveries
still pending: 0
done twice: []
`
