//go:build !race

package memsize

// raceEnabled: see race_test.go.
const raceEnabled = false
