package embedis

import (
	"sort"
	"sync"
	"time"
)

// Clock is where a Store gets its time. The Store reads Now for every command
// (at millisecond resolution, as Redis) and uses AfterFunc to wake itself when the
// next key is due to expire.
//
// The zero Options use the wall clock. Tests use a ManualClock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc arranges for f to be called once d has passed, as time.AfterFunc
	// does. The returned Timer stops it.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not happened yet and reports whether it did so.
	Stop() bool
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// ManualClock is a Clock that moves only when told to. Advancing it runs every
// callback that has come due, in deadline order, before Advance returns: a Store
// on a ManualClock has removed every key that expired by the new time when
// Advance returns, with no further call.
//
// Advance may be called from inside an Atomic closure of a Store that uses the
// clock: the closure's unit keeps the time it first read (every command of a
// unit sees one time), and the keys that came due are removed once the
// closure has returned, at the clock's next Advance.
// The zero value is not usable; create one with NewManualClock.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
	seq    uint64
}

type manualTimer struct {
	clock *ManualClock
	at    time.Time
	seq   uint64
	f     func()
}

// NewManualClock returns a ManualClock that reads start until it is advanced.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc registers f to run when the clock has been advanced by d or more.
// A d of zero or less makes f due at once: it runs at the next Advance (of any
// amount, including zero).
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{clock: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return t
}

// Stop removes the timer; it reports false if it had already run or been stopped.
func (t *manualTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}

// Advance moves the clock forward by d (a negative d is treated as zero) and runs
// every callback due by the new time, earliest first, in the calling goroutine.
func (c *ManualClock) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	c.runDue()
}

// Set moves the clock to t, which may be in the past (keys then live longer),
// and runs every callback due by t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
	c.runDue()
}

func (c *ManualClock) runDue() {
	for {
		c.mu.Lock()
		sort.Slice(c.timers, func(i, j int) bool {
			a, b := c.timers[i], c.timers[j]
			if !a.at.Equal(b.at) {
				return a.at.Before(b.at)
			}
			return a.seq < b.seq
		})
		if len(c.timers) == 0 || c.timers[0].at.After(c.now) {
			c.mu.Unlock()
			return
		}
		t := c.timers[0]
		c.timers = c.timers[1:]
		c.mu.Unlock()
		t.f() // outside the lock: it may register new timers
	}
}
