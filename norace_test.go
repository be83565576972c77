//go:build !race

package embedis

// raceEnabled: the race detector is on (it slows every memory access
// several times and enlarges goroutine stacks).
const raceEnabled = false
