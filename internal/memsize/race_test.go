//go:build race

package memsize

// raceEnabled: the race detector turns the tiny allocator off, so a string
// under 16 bytes gets a size class of its own.
const raceEnabled = true
