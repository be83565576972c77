package embedis

import (
	"context"
	"sync"
	"time"
)

// Blocking commands (BLPOP, BLMOVE, …) never hold the owner role while they
// wait. A caller first tries its command as the owner; if every key is
// empty it registers a waiter on its keys, releases the role and waits.
// A write that adds data to a key a waiter waits on marks the key ready
// (Tx.keyReady); when the unit that wrote ends — one command, one Atomic
// closure, one MULTI — the owner offers each ready key to its waiters in the
// order they blocked, each waiter completing its command as the owner (its
// effects join the unit's), until the key runs out. So a push inside a unit
// wakes waiters only after the unit, and a waiter whose key was filled and
// emptied again within one unit gets nothing and stays blocked, as in
// Redis. A waiter leaves when its context ends or the store closes.

// waiter is one blocked caller.
type waiter struct {
	db   *db
	keys []string
	// serve completes the command on key as the owner and reports whether
	// it could (the key held data of the right type).
	serve  func(tx *Tx, key string) bool
	done   chan struct{} // closed once served or the store closes
	served bool
	closed bool
}

// readyKey is a key of a database that received data while waiters wait on it.
type readyKey struct {
	db  *db
	key string
}

// keyReady records that key of the unit's database received data. Every
// path that adds elements to a list calls it; it costs a nil check when no
// caller is blocked.
func (tx *Tx) keyReady(key string) {
	if tx.db.waiters == nil || len(tx.db.waiters[key]) == 0 {
		return
	}
	for _, r := range tx.ready {
		if r.db == tx.db && r.key == key {
			return
		}
	}
	tx.ready = append(tx.ready, readyKey{db: tx.db, key: key})
}

// block registers w on its keys.
func (tx *Tx) block(w *waiter) {
	if w.db.waiters == nil {
		w.db.waiters = make(map[string][]*waiter)
	}
	for _, k := range w.keys {
		w.db.waiters[k] = append(w.db.waiters[k], w)
	}
	tx.e.blocked++
}

// unblock removes w from every key it waits on.
func (e *engine) unblock(w *waiter) {
	for _, k := range w.keys {
		list := w.db.waiters[k]
		for i, x := range list {
			if x == w {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(w.db.waiters, k)
		} else {
			w.db.waiters[k] = list
		}
	}
	e.blocked--
}

// serveReady offers every ready key to its waiters, first come first
// served, as the end of the unit that made them ready. Serving may make
// more keys ready (BLMOVE pushes): they are served too.
func (e *engine) serveReady(tx *Tx) {
	db0, index0 := tx.db, tx.dbIndex
	for len(tx.ready) > 0 {
		r := tx.ready[0]
		tx.ready = tx.ready[1:]
		tx.db, tx.dbIndex = r.db, e.indexOf(r.db)
		for {
			list := r.db.waiters[r.key]
			if len(list) == 0 {
				break
			}
			w := list[0]
			if !w.serve(tx, r.key) {
				break
			}
			e.unblock(w)
			w.served = true
			close(w.done)
		}
	}
	tx.ready = tx.ready[:0]
	tx.db, tx.dbIndex = db0, index0
}

// indexOf returns the number of database d.
func (e *engine) indexOf(d *db) int {
	for i, x := range e.dbs {
		if x == d {
			return i
		}
	}
	return -1
}

// wakeAllClosed releases every waiter when the store closes.
func (e *engine) wakeAllClosed() {
	for _, d := range e.dbs {
		for _, list := range d.waiters {
			for _, w := range list {
				if !w.closed && !w.served {
					w.closed = true
					close(w.done)
				}
			}
		}
		d.waiters = nil
	}
	e.blocked = 0
}

// blockingCall runs a blocking command for the Go API: try runs it on each
// key in order as the owner (reporting whether it found data, or an error
// such as ErrWrongType that ends the call); if no key has data the caller
// waits until a write lets try succeed on a key, ctx ends (its error is
// returned) or the store closes (ErrClosed).
func (s *Store) blockingCall(ctx context.Context, keys []string, try func(tx *Tx, key string) (bool, error)) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		ok, err := try(tx, k)
		if err != nil || ok {
			s.e.finish(tx)
			return err
		}
	}
	w := &waiter{db: tx.db, keys: keys, done: make(chan struct{})}
	w.serve = func(tx *Tx, key string) bool {
		ok, err := try(tx, key)
		return ok && err == nil
	}
	tx.block(w)
	s.e.finish(tx)

	select {
	case <-w.done:
	case <-ctx.Done():
	}
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case w.served:
		return nil
	case w.closed || e.closed:
		return e.closedErr()
	}
	e.unblock(w)
	return ctx.Err()
}

// Blocked is a blocking command (BLPOP & co.) that a server ran through
// Tx.Do and that is waiting for data. The server takes it with
// Tx.TakeBlocked once Do returns, ends the unit (releasing the owner role),
// waits with Wait, and writes the reply with WriteReply.
type Blocked struct {
	e        *engine
	w        *waiter
	deadline time.Time // on the store's clock; zero waits for ever
	// reply writes the served command's reply; timedOut the reply on timeout.
	reply    func(ReplyWriter)
	timedOut func(ReplyWriter)
}

// AllowBlocking lets the commands run by Do after it block (a server's
// connection outside MULTI). Without it — in MULTI, in Atomic, in Store.Do —
// a blocking command with no data answers at once as if it had timed out,
// as Redis does inside a transaction.
func (tx *Tx) AllowBlocking(ok bool) { tx.canBlock = ok }

// TakeBlocked returns the command Do just ran if it is blocked, or nil.
func (tx *Tx) TakeBlocked() *Blocked {
	b := tx.pending
	tx.pending = nil
	return b
}

// blockForReply registers a blocked command of Tx.Do: serve completes it on
// a ready key and returns the reply to write, or nil if the key cannot
// serve it.
func (tx *Tx) blockForReply(keys []string, timeout float64, serve func(tx *Tx, key string) func(ReplyWriter), timedOut func(ReplyWriter)) {
	b := &Blocked{e: tx.e, timedOut: timedOut}
	if timeout > 0 {
		// The deadline is fixed now, as the command blocks: a clock that
		// moves before Wait starts still times it out.
		b.deadline = tx.e.clock.Now().Add(time.Duration(timeout * float64(time.Second)))
	}
	w := &waiter{db: tx.db, keys: keys, done: make(chan struct{})}
	w.serve = func(tx *Tx, key string) bool {
		if r := serve(tx, key); r != nil {
			b.reply = r
			return true
		}
		return false
	}
	b.w = w
	tx.block(w)
	tx.pending = b
}

// Wait waits, without the owner role, until the command is served, its
// timeout (on the store's clock) passes, ctx ends or the store closes. It
// returns nil when the command has a reply to write (served or timed out),
// ctx's error, or ErrClosed.
func (b *Blocked) Wait(ctx context.Context) error {
	var expired chan struct{}
	if !b.deadline.IsZero() {
		expired = make(chan struct{})
		var once sync.Once
		expire := func() { once.Do(func() { close(expired) }) }
		if d := b.deadline.Sub(b.e.clock.Now()); d > 0 {
			t := b.e.clock.AfterFunc(d, expire)
			defer t.Stop()
		}
		// Checked again after the timer is set: a clock that moved past the
		// deadline meanwhile (a ManualClock advanced by another goroutine)
		// would otherwise never fire it.
		if !b.e.clock.Now().Before(b.deadline) {
			expire()
		}
	}
	select {
	case <-b.w.done:
	case <-ctx.Done():
	case <-expired:
	}
	e := b.e
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case b.w.served:
		return nil
	case b.w.closed || e.closed:
		return e.closedErr()
	}
	e.unblock(b.w)
	if err := ctx.Err(); err != nil {
		return err
	}
	b.reply = b.timedOut
	return nil
}

// WriteReply writes the reply of a command Wait returned nil for.
func (b *Blocked) WriteReply(w ReplyWriter) {
	if b.reply != nil {
		b.reply(w)
	}
}
