//go:build race

package server_test

// raceEnabled: the race detector is on (it enlarges goroutine stacks).
const raceEnabled = true
