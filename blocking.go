package embedis

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Blocking commands (BLPOP, BLMOVE, BZPOPMIN, …) never hold the owner role
// while they wait. This file is the one mechanism they share; each family
// brings only its attempt, the command's non-blocking form on one key
// (listPop and listMove in list_blocking.go, zsetPop in zset_blocking.go).
//
// An attempt (type attempt) runs as the owner and answers one of three ways:
// the key served the command (a result), the command fails (an error such
// as ErrWrongType), or the key has nothing for it yet. A blocking command
// first tries its keys in order (firstServed); if none has anything it
// parks a waiter on them (Tx.park) and releases the role. A write that may
// make data available marks the key ready (Tx.keyReady, called by the write
// path Tx.wrote for every event that adds data); when the unit that wrote
// ends — one command, one Atomic closure, one MULTI — the owner offers each
// ready key to its waiters in the order they blocked (engine.offer). A waiter is offered a key only if the key holds the type
// it waits for (waiter.wants), as Redis serves a key by its type: a list
// key never wakes a BZPOPMIN and a string never wakes anyone. The waiter's
// attempt then runs as part of the unit (its effects join the unit's):
//   - a result answers the waiter and the next waiter is offered the rest;
//   - an error also answers the waiter, and leaves the data in place for
//     the waiters behind it: a BLMOVE whose destination holds a string gets
//     WRONGTYPE and the element stays in the source, as in Redis 7.0;
//   - nothing leaves the waiter blocked and the next one is offered the key.
//
// So a push inside a unit wakes waiters only after the unit, and a waiter
// whose key was filled and emptied (or replaced by another type) within one
// unit gets nothing and stays blocked. A waiter leaves early when its
// context ends, its timeout passes (on the store's clock) or the store
// closes (engine.wait).
//
// The shape serves other waits than the list and sorted-set pops, and is
// meant for the blocking commands still to come:
//   - XREAD BLOCK (to come): wants "stream"; its attempt answers when the stream has
//     entries past the waiter's ID and consumes nothing, so every waiter
//     behind it is offered the same entries. XREADGROUP BLOCK's attempt
//     delivers to its consumer (moving the group's last-delivered ID), so
//     the next consumer of the same group finds nothing and stays blocked;
//     an attempt may answer with an error (a group destroyed meanwhile).
//   - a lock waiter (Locker.Lock, lock.go), woken by a deletion rather than
//     by added data: wants "" (offered the key whatever it holds, absent
//     included); the primitives that delete a key (Tx.deleteKey — DEL,
//     RENAME, MOVE, a value's last element gone — and Tx.removeExpired,
//     lazy and active expiry) mark it ready as setValue does, as do the
//     commands that empty a database (Tx.readyWaited); the attempt answers
//     when the key is gone (taking the lock) and reports nothing while it
//     is still held. A TryLock or a new Lock leaves a free lock to the
//     waiters already queued (lockQueued), so they are served in order.
// An attempt that reports nothing must not change any data.

// attempt runs a blocking command's non-blocking form on key as the owner.
// It returns ok with the command's result when the key served it, an error
// that ends the command, or neither when the key has nothing for it.
type attempt[T any] func(tx *Tx, key string) (res T, ok bool, err error)

// firstServed runs try on each key in order and returns the first key that
// served the command, with its result, or the first error.
func firstServed[T any](tx *Tx, keys []string, try attempt[T]) (key string, res T, ok bool, err error) {
	for _, k := range keys {
		if res, ok, err = try(tx, k); ok || err != nil {
			return k, res, ok, err
		}
	}
	return "", res, false, nil
}

// waiter is one blocked caller.
type waiter struct {
	db    *db
	keys  []string
	wants string // typeName of the value that can serve it; "" for any value or none
	// serve runs the command's attempt on key as the owner and reports
	// whether the waiter is answered (with a result or an error).
	serve    func(tx *Tx, key string) bool
	deadline time.Time     // on the store's clock; zero waits for ever
	done     chan struct{} // closed once served or the store closes
	served   bool
	closed   bool
}

// readyKey is a key of a database that received data while waiters wait on it.
type readyKey struct {
	db  *db
	key string
}

// keyReady records that key of the unit's database may have something for
// its waiters. Every path that adds data to a key calls it; it costs a nil
// check when no caller is blocked, and calling it for a key that turns out
// to have nothing is harmless (its waiters' attempts find nothing).
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

// readyWaited marks ready every key of d that callers wait on, for a
// command that changed d wholesale (FLUSHDB, FLUSHALL, SWAPDB): keys that
// hold data now are offered to the waiters of their type, keys that went to
// lock waiters. The order is the map's.
func (tx *Tx) readyWaited(d *db) {
	for k := range d.waiters {
		tx.ready = append(tx.ready, readyKey{db: d, key: k})
	}
}

// park registers a waiter on keys of the unit's database, to be offered
// keys holding a value of type wants and answered once serve reports true.
func (tx *Tx) park(keys []string, wants string, deadline time.Time, serve func(tx *Tx, key string) bool) *waiter {
	w := &waiter{db: tx.db, keys: keys, wants: wants, serve: serve, deadline: deadline, done: make(chan struct{})}
	if w.db.waiters == nil {
		w.db.waiters = make(map[string][]*waiter)
	}
	for _, k := range keys {
		w.db.waiters[k] = append(w.db.waiters[k], w)
	}
	tx.e.blocked++
	return w
}

// parkAttempt parks a waiter whose attempt is try; answer receives the
// key, result and error of the attempt that served it.
func parkAttempt[T any](tx *Tx, keys []string, wants string, deadline time.Time, try attempt[T], answer func(key string, res T, err error)) *waiter {
	return tx.park(keys, wants, deadline, func(tx *Tx, key string) bool {
		res, ok, err := try(tx, key)
		if !ok && err == nil {
			return false
		}
		answer(key, res, err)
		return true
	})
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

// serveReady offers every ready key to its waiters, as the end of the unit
// that made them ready, in the order the keys became ready. Serving may
// make more keys ready (BLMOVE pushes): they are offered too.
func (e *engine) serveReady(tx *Tx) {
	db0, index0 := tx.db, tx.dbIndex
	for len(tx.ready) > 0 {
		r := tx.ready[0]
		tx.ready = tx.ready[1:]
		tx.db, tx.dbIndex = r.db, e.indexOf(r.db)
		e.offer(tx, r.key)
	}
	tx.ready = tx.ready[:0]
	tx.db, tx.dbIndex = db0, index0
}

// offer hands key of the unit's database to its waiters, first come first
// served: each waiter whose type the key holds runs its attempt; a waiter
// answered leaves, the others stay, and the next waiter is offered what is
// left.
func (e *engine) offer(tx *Tx, key string) {
	queue := tx.db.waiters[key]
	if len(queue) == 0 {
		return
	}
	// Answered waiters leave the queue as it is walked: walk a copy.
	for _, w := range append([]*waiter(nil), queue...) {
		if w.served {
			continue
		}
		if w.wants != "" && !tx.holds(key, w.wants) {
			continue
		}
		tx.serving = true
		served := w.serve(tx, key)
		tx.serving = false
		if served {
			e.unblock(w)
			w.served = true
			close(w.done)
		}
	}
}

// holds reports whether key of the unit's database holds a live value of
// type typeName. It reads through Tx.live: no hit or miss is counted, and a
// key past its deadline is expired, as Redis does when it serves a key.
func (tx *Tx) holds(key, typeName string) bool {
	v := tx.live(key)
	return v != nil && v.typeName() == typeName
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

// wait waits, without the owner role, until w is served (nil, false), its
// deadline passes on the store's clock (nil, true), ctx ends (ctx's error)
// or the store closes (ErrClosed, or the *PanicError that stopped it). A
// waiter that was not served is removed. A served waiter then waits for the
// Options.Log to vouch for the unit that served it (its error, if any, is
// returned: the command was served in memory but is not durable).
func (e *engine) wait(ctx context.Context, w *waiter) (timedOut bool, err error) {
	var expired chan struct{}
	if !w.deadline.IsZero() {
		expired = make(chan struct{})
		var once sync.Once
		expire := func() { once.Do(func() { close(expired) }) }
		if d := w.deadline.Sub(e.clock.Now()); d > 0 {
			t := e.clock.AfterFunc(d, expire)
			defer t.Stop()
		}
		// Checked again after the timer is set: a clock that moved past the
		// deadline meanwhile (a ManualClock advanced by another goroutine)
		// would otherwise never fire it.
		if !e.clock.Now().Before(w.deadline) {
			expire()
		}
	}
	select {
	case <-w.done:
	case <-ctx.Done():
	case <-expired:
	}
	e.mu.Lock()
	if w.served {
		// The unit that served w ended before the role came here: its
		// ticket is logTicket or an earlier one (see EffectLog).
		ticket := e.logTicket
		e.mu.Unlock()
		e.waitLog(ctx, ticket, &err)
		return false, err
	}
	defer e.mu.Unlock()
	switch {
	case w.closed || e.closed:
		return false, e.closedErr()
	}
	e.unblock(w)
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return true, nil
}

// blockingCall runs a blocking command for the Go API: try runs on each
// key in order as the owner; if no key serves it, the caller waits until a
// write lets try answer on a key holding a value of type wants (its result
// or its error is returned), ctx ends (its error) or the store closes
// (ErrClosed, or the *PanicError that stopped it).
func blockingCall[T any](ctx context.Context, s *Store, keys []string, wants string, try attempt[T]) (string, T, error) {
	var out struct {
		key string
		res T
		err error
	}
	w, key, res, err := serveOrPark(ctx, s, keys, wants, try, func(k string, r T, err error) { out.key, out.res, out.err = k, r, err })
	if w == nil {
		return key, res, err
	}
	if _, err := s.e.wait(ctx, w); err != nil { // no deadline: never times out
		var zero T
		return "", zero, err
	}
	return out.key, out.res, out.err
}

// serveOrPark is blockingCall's turn as the owner: the first key that
// serves the command answers it, or else a waiter is parked on keys (w).
func serveOrPark[T any](ctx context.Context, s *Store, keys []string, wants string, try attempt[T], answer func(key string, res T, err error)) (w *waiter, key string, res T, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, "", res, err
	}
	defer s.end(tx, &err)
	key, res, ok, err := firstServed(tx, keys, try)
	if ok || err != nil {
		return nil, key, res, err
	}
	return parkAttempt(tx, keys, wants, time.Time{}, try, answer), "", res, nil
}

// Blocked is a blocking command (BLPOP & co.) that a server ran through
// Tx.Do and that is waiting for data. The server takes it with
// Tx.TakeBlocked once Do returns, ends the unit (releasing the owner role),
// waits with Wait, and writes the reply with WriteReply.
type Blocked struct {
	e *engine
	w *waiter
	// reply writes the served command's reply (its result or its error);
	// timedOut the reply on timeout.
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

// Wait waits, without the owner role, until the command is served, its
// timeout (on the store's clock) passes, ctx ends or the store closes. It
// returns nil when the command has a reply to write (served, with a result
// or an error, or timed out), ctx's error, or ErrClosed.
func (b *Blocked) Wait(ctx context.Context) error {
	timedOut, err := b.e.wait(ctx, b.w)
	if timedOut {
		b.reply = b.timedOut
	}
	return err
}

// WriteReply writes the reply of a command Wait returned nil for.
func (b *Blocked) WriteReply(w ReplyWriter) {
	if b.reply != nil {
		b.reply(w)
	}
}

// blockingReply runs a blocking command for Tx.Do: try runs on each key in
// order and the first key that serves it answers through write (an error
// is written as the reply). With no data it either leaves a Blocked for
// the server (when the unit allows blocking: served later by a key holding
// a value of type wants, or answered with timedOut once timeout seconds
// pass; 0 waits for ever) or answers with immediate at once.
func blockingReply[T any](tx *Tx, w ReplyWriter, keys []string, wants string, timeout float64, try attempt[T], write func(w ReplyWriter, key string, res T), immediate, timedOut func(ReplyWriter)) {
	key, res, ok, err := firstServed(tx, keys, try)
	switch {
	case err != nil:
		w.WriteError(err)
		return
	case ok:
		write(w, key, res)
		return
	case !tx.canBlock:
		immediate(w)
		return
	}
	b := &Blocked{e: tx.e, timedOut: timedOut}
	var deadline time.Time
	if timeout > 0 {
		// The deadline is fixed now, as the command blocks: a clock that
		// moves before Wait starts still times it out.
		deadline = tx.e.clock.Now().Add(time.Duration(timeout * float64(time.Second)))
	}
	b.w = parkAttempt(tx, append([]string(nil), keys...), wants, deadline, try, func(key string, res T, err error) {
		if err != nil {
			b.reply = func(w ReplyWriter) { w.WriteError(err) }
			return
		}
		b.reply = func(w ReplyWriter) { write(w, key, res) }
	})
	tx.pending = b
}

// parseTimeout reads a blocking command's timeout in seconds as Redis does
// (a long double, rounded up to the millisecond); 0 waits for ever. Redis
// converts the milliseconds to a C long long: values from 2^63 ms up (and
// infinity) wrap to a negative number, so they are "negative"; values that
// fit but overflow once added to the current time (nowMs) are "out of
// range".
func parseTimeout(s string, nowMs int64) (float64, error) {
	if s == "" || s[0] == ' ' || s[0] == '\t' || strings.ContainsAny(s, "nN") && strings.Contains(strings.ToLower(s), "nan") {
		return 0, errTimeoutNotFloat
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, errTimeoutNotFloat
	}
	ms := math.Ceil(f * 1000)
	if ms < 0 || ms >= 1<<63 {
		return 0, errTimeoutNegative
	}
	if int64(ms) > math.MaxInt64-nowMs {
		return 0, errTimeoutOutOfRange
	}
	return ms / 1000, nil
}
