package embedis

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// The owner role (see ../shared/DESIGN.md) is held under ownerLock, a lock
// that a caller can stop waiting for when its context ends.
//
// sync.Mutex cannot be abandoned: a Get with a 200 ms deadline queued
// behind a 2 s Atomic closure would wait the 2 s and then run. ownerLock
// keeps the mutex's uncontended cost (one compare-and-swap to take it; a
// store and a load to release it) and, when the role is busy, queues the
// caller on a channel that it selects on together with its context.
//
// Fairness: a releasing owner hands the role directly to the first queued
// caller, so a caller that queued is not overtaken by a stream of later
// ones for longer than the few instructions between a release and the
// hand-off (where a newcomer's compare-and-swap may win once, as with
// sync.Mutex); queued callers are served in arrival order.
//
// Busy: while a script runs past busy-reply-threshold (script_busy.go), the
// role is held for longer than callers should wait. setBusy(true) answers
// the queued callers that asked to be told (busyAware) with "busy" instead
// of the role, and turns away the ones that come to queue until
// setBusy(false); the others (background work, cleanups) keep waiting.
type ownerLock struct {
	state   atomic.Int32 // 1 while the role is held
	waiting atomic.Int32 // callers queued or about to queue

	qmu   sync.Mutex // guards queue, busy and each queued waiter's granted and busy
	queue []*ownerWaiter
	busy  bool // the holder is a script past its threshold
}

// ownerWaiter is one queued caller. ch receives one token when the role is
// handed to it (granted, under qmu) or when it is told the role is busy
// (busy, under qmu; only for a busyAware waiter).
type ownerWaiter struct {
	ch        chan struct{}
	granted   bool
	busy      bool
	busyAware bool
}

var ownerWaiters = sync.Pool{New: func() any { return &ownerWaiter{ch: make(chan struct{}, 1)} }}

// Lock takes the role, waiting as long as it takes.
func (l *ownerLock) Lock() {
	if !l.state.CompareAndSwap(0, 1) {
		l.lockSlow(nil)
	}
}

// lockQueued queues a caller that has already spun until the role is
// handed to it, or returns ctx's error if ctx ends first. A busyAware
// caller gets errOwnerBusy instead of waiting while the role is busy.
func (l *ownerLock) lockQueued(ctx context.Context, busyAware bool) error {
	ok, busy := l.queue1(ctx.Done(), busyAware)
	switch {
	case busy:
		return errOwnerBusy
	case !ok:
		return ctx.Err()
	}
	return nil
}

// lockSlow waits for the role: a short spin, then the queue.
func (l *ownerLock) lockSlow(done <-chan struct{}) bool {
	if l.spin() {
		return true
	}
	ok, _ := l.queue1(done, false)
	return ok
}

// spin gives the owner a moment before the caller queues (which costs two
// goroutine switches): a turn is usually tens of nanoseconds. It reports
// whether it took the role.
func (l *ownerLock) spin() bool {
	for i := 0; i < 3; i++ {
		runtime.Gosched()
		if l.state.Load() == 0 && l.state.CompareAndSwap(0, 1) {
			return true
		}
	}
	return false
}

// queue1 queues the caller until the role is handed to it (ok) or done is
// closed (neither); a busyAware caller is also told when the role is busy
// (busy).
func (l *ownerLock) queue1(done <-chan struct{}, busyAware bool) (ok, busy bool) {
	w := ownerWaiters.Get().(*ownerWaiter)
	l.qmu.Lock()
	l.waiting.Add(1)
	// Unlock stores 0 before it reads waiting: either this sees the role
	// free, or Unlock sees this caller counted and hands the role over
	// under qmu once the caller is queued.
	if l.state.CompareAndSwap(0, 1) {
		l.waiting.Add(-1)
		l.qmu.Unlock()
		ownerWaiters.Put(w)
		return true, false
	}
	if busyAware && l.busy {
		l.waiting.Add(-1)
		l.qmu.Unlock()
		ownerWaiters.Put(w)
		return false, true
	}
	w.busyAware = busyAware
	l.queue = append(l.queue, w)
	l.qmu.Unlock()

	select {
	case <-w.ch:
		// The waker set granted or busy before its send.
		busy = w.busy
		w.granted, w.busy = false, false
		ownerWaiters.Put(w)
		return !busy, busy
	case <-done:
	}
	l.qmu.Lock()
	if w.busy {
		// Told the role is busy while done was closing.
		l.qmu.Unlock()
		<-w.ch
		w.busy = false
		ownerWaiters.Put(w)
		return false, true
	}
	if w.granted {
		// Handed over while done was closing: pass the role on.
		l.qmu.Unlock()
		<-w.ch
		w.granted = false
		ownerWaiters.Put(w)
		l.Unlock()
		return false, false
	}
	for i, x := range l.queue {
		if x == w {
			l.queue = append(l.queue[:i], l.queue[i+1:]...)
			break
		}
	}
	l.waiting.Add(-1)
	l.qmu.Unlock()
	ownerWaiters.Put(w)
	return false, false
}

// setBusy marks the role busy (a script past its threshold holds it) or
// not. Marking it busy tells every queued busy-aware caller at once.
func (l *ownerLock) setBusy(busy bool) {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	l.busy = busy
	if !busy {
		return
	}
	kept := l.queue[:0]
	for _, w := range l.queue {
		if !w.busyAware {
			kept = append(kept, w)
			continue
		}
		l.waiting.Add(-1)
		w.busy = true
		w.ch <- struct{}{}
	}
	clear(l.queue[len(kept):])
	l.queue = kept
}

// Unlock releases the role, handing it to the first queued caller if any.
func (l *ownerLock) Unlock() {
	l.state.Store(0)
	if l.waiting.Load() == 0 {
		return
	}
	l.qmu.Lock()
	// If a newcomer took the role since the store, its own Unlock hands
	// it over instead.
	if len(l.queue) > 0 && l.state.CompareAndSwap(0, 1) {
		w := l.queue[0]
		copy(l.queue, l.queue[1:])
		l.queue[len(l.queue)-1] = nil
		l.queue = l.queue[:len(l.queue)-1]
		l.waiting.Add(-1)
		w.granted = true
		w.ch <- struct{}{}
	}
	l.qmu.Unlock()
}

// Calling the Store from inside one of its own Atomic closures would wait
// for the role the closure holds, for ever. It is detected, without a cost
// on the uncontended path, when the caller still finds the role busy after
// a short spin (so that callers contending with a short closure rarely pay
// for the stack walk):
//
//   - atomicsRunning counts the Atomic closures running in the process, of
//     every store; engine.atomicTurn is nonzero while one of this engine's
//     runs (a number unique to that closure).
//   - Every Atomic closure running on this goroutine has a frame of
//     (*Store).Atomic on its stack (the Atomic frame now calling begin has
//     no running closure yet and is not counted). If the goroutine's stack holds as many
//     such frames as there are closures running in the whole process, every
//     running closure is on this goroutine, the one holding this engine's
//     role included: the call can only deadlock. atomicTurn is read before
//     and after the count, so the holder was running (and counted) while
//     the count was taken.
var atomicsRunning atomic.Int64

const (
	atomicFrame = "github.com/embedis/embedis.(*Store).Atomic"
	beginFrame  = "github.com/embedis/embedis.(*Store).begin"
)

// heldByCaller reports whether the goroutine calling it holds e's role
// inside an Atomic closure.
func (e *engine) heldByCaller() bool {
	turn := e.atomicTurn.Load()
	if turn == 0 {
		return false
	}
	var pcs [256]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	mine := int64(0)
	afterBegin := false
	for {
		f, more := frames.Next()
		// An Atomic frame that is calling begin has not started its
		// closure: it is not one of the running ones.
		if f.Function == atomicFrame && !afterBegin {
			mine++
		}
		afterBegin = f.Function == beginFrame
		if !more {
			break
		}
	}
	// A stack deeper than pcs may hide frames: mine is then too small and
	// the answer false, never wrongly true.
	return mine > 0 && mine == atomicsRunning.Load() && e.atomicTurn.Load() == turn
}
