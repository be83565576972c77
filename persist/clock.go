package persist

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// loadingClock is the clock a durable store runs on: the caller's clock,
// except while the directory is being loaded. Loading must give each unit
// the effect it had when it was written, so no key may expire while it
// runs — not while the base snapshot is read (a key that expired since it
// was saved may be changed by a later record, as Redis keeps such keys in an
// AOF's RDB preamble), nor between two replayed records. While loading it
// reads the Unix epoch, so nothing is ever due, and it holds back the
// timers the store sets; live switches to the real clock and runs them, so
// keys that expired meanwhile are removed at once (logged as DELs).
type loadingClock struct {
	inner   embedis.Clock
	isLive  atomic.Bool
	mu      sync.Mutex
	pending []*heldTimer
}

type heldTimer struct {
	mu      sync.Mutex
	f       func()
	stopped bool
}

func (t *heldTimer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

func (c *loadingClock) Now() time.Time {
	if c.isLive.Load() {
		return c.inner.Now()
	}
	return time.UnixMilli(1)
}

func (c *loadingClock) AfterFunc(d time.Duration, f func()) embedis.Timer {
	if c.isLive.Load() {
		return c.inner.AfterFunc(d, f)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isLive.Load() {
		return c.inner.AfterFunc(d, f)
	}
	t := &heldTimer{f: f}
	c.pending = append(c.pending, t)
	return t
}

// live ends loading: the clock reads the real time from now on, and the
// timers set while loading run at once (they are the store's expiry wake-ups,
// and running one early only makes it look for due keys and set the next).
func (c *loadingClock) live() {
	c.mu.Lock()
	c.isLive.Store(true)
	pending := c.pending
	c.pending = nil
	c.mu.Unlock()
	for _, t := range pending {
		t.mu.Lock()
		run := !t.stopped
		t.stopped = true
		t.mu.Unlock()
		if run {
			t.f()
		}
	}
}
