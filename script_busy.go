package embedis

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// A script that runs long: busy-reply-threshold (lua-time-limit), BUSY,
// SCRIPT KILL and FUNCTION KILL, as Redis 7.0.
//
// A script runs as the owner, inside the turn of the command that runs it,
// so every other caller waits for it. Redis answers the others with BUSY
// once the script has run for busy-reply-threshold (5 s by default), and
// then accepts SCRIPT KILL (FUNCTION KILL for a function) to stop a script
// that has not written; a script that has written is left to finish
// (UNKILLABLE), so that it is never half applied.
//
// Here the owner is a role, and the callers waiting for it are queued on
// the owner lock (owner.go). When a script starts, the engine notes it
// (running, under busyMu) and arms busyTimer. When the timer fires with the
// script still running, the script is marked busy and the owner lock turns
// away its busy-aware callers with errOwnerBusy — those queued and those
// that come — until the script ends: begin answers them with the BUSY error
// of the script's kind. Callers that must not be turned away (cleanups,
// background saves, replication: what Redis too runs only after the script)
// wait as before, by giving a context made with WaitWhenBusy.
//
// SCRIPT KILL does not need the role: it finds the running script under
// busyMu and cancels the context the script's Lua state runs with (the
// scripting package sets it on the state; gopher-lua checks it at every
// instruction), unless the script has written. The race between a kill and
// the script's first write is settled by one compare-and-swap on the run's
// state: a write after a kill fails, a kill after a write is UNKILLABLE. The
// caller's own context works the same way: when it ends before the script
// has written, the script is stopped as by SCRIPT KILL and the call returns
// the context's error.

// DefaultBusyReplyThreshold is busy-reply-threshold's default, Redis's: the
// time a script runs before other callers get ErrBusy.
const DefaultBusyReplyThreshold = 5 * time.Second

// The states of a running script (ScriptRun.state).
const (
	runClean     int32 = iota // has not written: can be killed
	runWrote                  // has called a write command: cannot be killed
	runKilled                 // killed by SCRIPT KILL or FUNCTION KILL
	runCancelled              // stopped because its caller's context ended
)

// ScriptRun is one run of a script as the other goroutines see it: the
// scripting package gets it in ScriptCall.Run and runs the script's Lua
// state with its Context, and calls Write before each write command.
type ScriptRun struct {
	e        *engine
	function bool // FCALL (FUNCTION KILL stops it), else EVAL (SCRIPT KILL)
	start    time.Time
	state    atomic.Int32
	busy     bool // under e.busyMu: past the threshold, callers are turned away

	// fn is the function running (FCALL), for FUNCTION STATS; nil for a
	// script run by EVAL. Set under e.busyMu.
	fn *functionRun

	ctx        context.Context
	cancel     context.CancelFunc
	caller     context.Context // the caller's context; nil when it cannot end
	stopCaller func() bool     // stops watching caller
}

// Context returns a context that ends when the script must stop: SCRIPT
// KILL (or FUNCTION KILL) killed it, or its caller's context ended before
// it wrote. The scripting package runs the script's Lua state with it.
func (r *ScriptRun) Context() context.Context { return r.ctx }

// Write is called before the script runs a write command. It returns nil
// and makes the script unkillable, or, if the script was killed or its
// caller's context ended, the error the script must fail with (then the
// command must not run).
func (r *ScriptRun) Write() error {
	if r.state.CompareAndSwap(runClean, runWrote) {
		return nil
	}
	return r.Stopped()
}

// Stopped returns why the script was stopped — ErrScriptKilled for SCRIPT
// KILL or FUNCTION KILL, the caller's context's error when it ended — or
// nil while it may run.
func (r *ScriptRun) Stopped() error {
	switch r.state.Load() {
	case runKilled:
		return ErrScriptKilled
	case runCancelled:
		if err := r.caller.Err(); err != nil {
			return err
		}
		return context.Canceled
	}
	return nil
}

// startScript notes that a script starts running, as the owner, and arms
// the busy timer. function says FCALL (FUNCTION KILL) rather than EVAL.
func (tx *Tx) startScript(function bool) *ScriptRun {
	e := tx.e
	r := &ScriptRun{e: e, function: function, start: time.Now()}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	if ctx := tx.ctx; ctx != nil && ctx.Done() != nil {
		r.caller = ctx
		r.stopCaller = context.AfterFunc(ctx, func() {
			if r.state.CompareAndSwap(runClean, runCancelled) {
				r.cancel()
			}
		})
	}
	thr := time.Duration(e.busyThreshold.Load())
	e.busyMu.Lock()
	e.running = r
	if thr > 0 {
		if e.busyTimer == nil {
			e.busyTimer = time.AfterFunc(thr, e.onBusyTimer)
		} else {
			e.busyTimer.Reset(thr)
		}
	}
	e.busyMu.Unlock()
	return r
}

// endScript notes that the script r has ended, as the owner, before the
// role is released: callers are no longer turned away.
func (tx *Tx) endScript(r *ScriptRun) {
	e := tx.e
	e.busyMu.Lock()
	e.running = nil
	if e.busyTimer != nil {
		e.busyTimer.Stop()
	}
	if r.busy {
		r.busy = false
		e.mu.setBusy(false)
	}
	e.busyMu.Unlock()
	if r.stopCaller != nil {
		r.stopCaller()
	}
	r.cancel()
}

// onBusyTimer runs when the busy timer fires: if the running script has
// run for the threshold, it is marked busy. A timer armed for an earlier
// script, or before the threshold was raised, is re-armed for what is left.
func (e *engine) onBusyTimer() {
	e.busyMu.Lock()
	defer e.busyMu.Unlock()
	r := e.running
	thr := time.Duration(e.busyThreshold.Load())
	if r == nil || r.busy || thr <= 0 {
		return
	}
	if el := time.Since(r.start); el < thr {
		e.busyTimer.Reset(thr - el)
		return
	}
	r.busy = true
	e.mu.setBusy(true)
}

// busyError returns the BUSY error for the running script's kind: Redis
// names SCRIPT KILL for a script run by EVAL and FUNCTION KILL for a
// function.
func (e *engine) busyError() error {
	e.busyMu.Lock()
	r := e.running
	e.busyMu.Unlock()
	if r != nil && r.function {
		return ErrBusyFunction
	}
	return ErrBusy
}

// busyRun returns the running script if it is past its threshold.
func (e *engine) busyRun() *ScriptRun {
	e.busyMu.Lock()
	defer e.busyMu.Unlock()
	if r := e.running; r != nil && r.busy {
		return r
	}
	return nil
}

// SetBusyReplyThreshold sets busy-reply-threshold (lua-time-limit): how long
// a script runs before other callers get ErrBusy (or ErrBusyFunction) rather
// than waiting for it, and SCRIPT KILL or FUNCTION KILL may stop it. Zero or
// less means never, as Redis's 0. The default is DefaultBusyReplyThreshold.
// It applies to the script running now too.
func (s *Store) SetBusyReplyThreshold(d time.Duration) {
	e := s.e
	e.busyThreshold.Store(int64(max(d, 0)))
	e.busyMu.Lock()
	defer e.busyMu.Unlock()
	if r := e.running; r != nil && !r.busy && d > 0 {
		if e.busyTimer == nil {
			e.busyTimer = time.AfterFunc(max(d-time.Since(r.start), 0), e.onBusyTimer)
		} else {
			e.busyTimer.Reset(max(d-time.Since(r.start), 0))
		}
	}
}

// BusyReplyThreshold returns busy-reply-threshold (see
// SetBusyReplyThreshold); zero means never.
func (s *Store) BusyReplyThreshold() time.Duration {
	return time.Duration(s.e.busyThreshold.Load())
}

// ScriptKill stops the script that has run past busy-reply-threshold, as
// SCRIPT KILL: it fails with ErrScriptKilled (at its next Lua instruction,
// or its next write command). It returns ErrNotBusy when no script runs,
// ErrUnkillable when the script has already written (it is left to finish,
// so that it is never half applied), and ErrBusyFunction when the script is
// a function (FunctionKill stops those). A script that runs but has not
// reached the threshold is waited for: ScriptKill answers when it passes
// the threshold or ends, or when ctx ends.
func (s *Store) ScriptKill(ctx context.Context) error { return s.killScript(ctx, false) }

// FunctionKill stops the function (FCALL) that has run past
// busy-reply-threshold, as FUNCTION KILL: ScriptKill's answers, with
// ErrBusy when the script running is one run by EVAL.
func (s *Store) FunctionKill(ctx context.Context) error { return s.killScript(ctx, true) }

// killScript is SCRIPT KILL (function false) and FUNCTION KILL.
func (s *Store) killScript(ctx context.Context, function bool) error {
	e := s.e
	for {
		if r := e.busyRun(); r != nil {
			return r.kill(function)
		}
		tx, err := s.begin(ctx)
		if errors.Is(err, ErrBusy) {
			continue // turned away: the script is now busy
		}
		if err != nil {
			return err
		}
		e.finish(tx)
		return ErrNotBusy
	}
}

// kill stops r, from SCRIPT KILL (function false) or FUNCTION KILL, with
// Redis's answers in Redis's order.
func (r *ScriptRun) kill(function bool) error {
	if r.state.Load() == runWrote {
		return ErrUnkillable
	}
	switch {
	case function && !r.function:
		return ErrBusy
	case !function && r.function:
		return ErrBusyFunction
	}
	if r.state.CompareAndSwap(runClean, runKilled) {
		r.cancel()
		return nil
	}
	if r.state.Load() == runWrote { // it wrote meanwhile
		return ErrUnkillable
	}
	return nil // stopped already
}

// waitWhenBusyKey marks a context made by WaitWhenBusy.
type waitWhenBusyKey struct{}

// WaitWhenBusy returns a context under which the Store's calls wait for a
// script past busy-reply-threshold to end, rather than fail at once with
// ErrBusy: for work that Redis too does only once the script is over —
// releasing a closed connection's state, background saves, replication.
func WaitWhenBusy(ctx context.Context) context.Context {
	return context.WithValue(ctx, waitWhenBusyKey{}, true)
}

// busyAware reports whether a caller with ctx is turned away while a script
// is busy.
func busyAware(ctx context.Context) bool {
	return ctx.Value(waitWhenBusyKey{}) == nil
}
