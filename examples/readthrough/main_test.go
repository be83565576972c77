package main

import (
	"strings"
	"testing"
)

// TestOutput runs the example and checks its output, which the clock and
// the fixed rates make the same on every run.
func TestOutput(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	want := `50 concurrent requests: EUR/USD = 1.0842 (all equal: true), service calls: 1
10 more requests: service calls: 1
3 requests for EUR/XYZ: not found: true, service calls: 2
key rates:{EUR/USD} = 1.0842, expires in 60-72 s: true
after 73 s: service calls: 3
invalidate tag EUR: 2 entries dropped; EUR/GBP cached: false; USD/JPY still cached: 151.37
service calls in all: 5 (the cache's loads: 5)
`
	if got := b.String(); got != want {
		t.Fatalf("output:\n%s\nwant:\n%s", got, want)
	}
}
