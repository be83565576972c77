package embedis

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// A command that panics is a bug of embedis, and the data it was changing
// may be half changed. Redis prints a bug report and exits. A library must
// not take its caller's process down, and must not go on serving data that
// may be damaged: so the panic is caught at the edge of the store, the call
// that panicked returns a *PanicError, and the store stops — every later
// call on it (any handle) returns the same *PanicError, which matches
// ErrClosed with errors.Is. The unit's effects are not handed to
// OnEffects, so a log of the effect stream holds whole units only, and
// replaying it rebuilds the data as it was before the failed unit.
// Blocked callers are woken with the error. Close still works.

// PanicError reports that a command panicked and the store stopped.
type PanicError struct {
	// Value is what the command panicked with.
	Value any
	// Stack is the panicking goroutine's stack, for a bug report.
	Stack []byte
}

// Error names the panic.
func (p *PanicError) Error() string {
	return fmt.Sprintf("embedis: store stopped after a command panicked: %v", p.Value)
}

// Is reports true for ErrClosed: a stopped store is closed.
func (p *PanicError) Is(target error) bool { return target == ErrClosed }

// Unwrap returns the panic's value if it is an error (a runtime error, for
// instance), or nil.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// stop handles a panic caught while the owner role is held (r is what
// recover returned): the unit's effects and wake-ups are dropped, the
// engine is shut down and the role released. It returns the *PanicError.
func (e *engine) stop(tx *Tx, r any) error {
	pe := &PanicError{Value: r, Stack: debug.Stack()}
	e.broken = pe
	tx.effects = nil
	tx.ready = tx.ready[:0]
	tx.scheduleAt = 0
	tx.db = nil
	e.shutdown()
	e.mu.Unlock()
	return pe
}

// panickedInEmbedis reports, from a deferred function during a panic,
// whether the panic happened in embedis's own code (as opposed to the code of
// a caller's Atomic closure): walking out from the panic, the first frame of
// embedis (outside its tests) decides before the closure's own frames do.
func panickedInEmbedis() bool {
	var pcs [64]uintptr
	n := runtime.Callers(1, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	inPanic := false
	for {
		f, more := frames.Next()
		switch {
		case f.Function == "runtime.gopanic":
			inPanic = true
		case !inPanic || strings.HasPrefix(f.Function, "runtime."):
		case f.Function == atomicFrame:
			return false // reached the closure's caller: the closure panicked
		case !strings.HasPrefix(f.Function, "github.com/embedis/embedis.") &&
			!strings.HasPrefix(f.Function, "github.com/embedis/embedis/"):
			return false // the caller's code
		case !strings.HasSuffix(f.File, "_test.go"):
			return true
		}
		// embedis's own tests count as the caller's code, except where they
		// stand in for data that a command of embedis reads (a test value
		// type whose method panics): the next frame out decides.
		if !more {
			return false
		}
	}
}
