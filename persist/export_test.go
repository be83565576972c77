package persist

import "testing"

// Hooks for the external tests (package persist_test).

// Gate makes the segment files a test opens gated: see gatedFile.
type Gate = gate

// GateSegments is gateSegments.
func GateSegments(t *testing.T) *Gate { return gateSegments(t) }

// Arm makes every later Sync wait for Release.
func (g *gate) Arm(on bool) {
	g.mu.Lock()
	g.armed = on
	g.mu.Unlock()
}

// Started receives once per Sync that waits.
func (g *gate) Started() <-chan struct{} { return g.started }

// Release lets the waiting Sync go on, failing with err if not nil.
func (g *gate) Release(err error) { g.release <- err }

// DurableHas reports whether the record of the unit is in what was fsynced.
func (g *gate) DurableHas(unit [][]string) bool { return g.durableHas(appendUnit(nil, unit)) }
