package embedis

import (
	"container/heap"
	"runtime"
	"time"
)

// Expiry works in two parts, as in Redis. A key past its deadline is invisible
// at once: every access checks the deadline and deletes the key (lazy expiry).
// Keys nobody touches are removed by the engine itself (active expiry): every
// deadline set is also pushed on deadlineIndex, a min-heap over all databases,
// and a timer on the store's Clock wakes the engine when the earliest one is
// due. The engine then pops due entries in slices of at most
// expireSliceWork entries, releasing the owner role between slices, so a
// million keys expiring together never stall other callers for longer than one
// slice.
//
// The heap is not kept exact: when a deadline changes or its key goes away the
// old entry stays and is recognised as stale when popped (its time no longer
// matches the key's deadline). Stale entries are counted, and the heap is
// rebuilt from the databases when they outnumber the live ones.

// On a replica (Tx.SetReplicaExpiry), expiry follows Redis's rules for one:
// the master decides when a key goes and sends a DEL, so the replica
// deletes nothing by its deadline on its own. A read of a key past its
// deadline answers as if the key were missing, leaving it in place (DBSIZE
// still counts it, as Redis's); a write to one deletes it first, as on a
// writable Redis replica (Redis 7.0's lookupKey forces the deletion for
// LOOKUP_WRITE); the master's own stream, applied with Store.Apply, sees
// every key as live; active expiry pauses, its heap kept for the day the
// store stops following.

// expireSliceWork bounds the heap entries handled in one turn of active expiry.
const expireSliceWork = 256

type deadline struct {
	at  int64 // Unix ms
	db  int
	key string
}

type deadlineIndex struct {
	h     deadlineHeap
	stale int
}

type deadlineHeap []deadline

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h deadlineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deadlineHeap) Push(x any)        { *h = append(*h, x.(deadline)) }
func (h *deadlineHeap) Pop() any {
	old := *h
	n := len(old) - 1
	x := old[n]
	old[n] = deadline{}
	*h = old[:n]
	return x
}

func (d *deadlineIndex) push(x deadline) { heap.Push(&d.h, x) }

// peek returns the earliest deadline, stale or not.
func (d *deadlineIndex) peek() (int64, bool) {
	if len(d.h) == 0 {
		return 0, false
	}
	return d.h[0].at, true
}

// rebuild drops stale entries by refilling the heap from the databases.
func (e *engine) rebuildDeadlines() {
	h := make(deadlineHeap, 0, len(e.deadlines.h)-e.deadlines.stale)
	for i, db := range e.dbs {
		for k, at := range db.expires {
			h = append(h, deadline{at: at, db: i, key: k})
		}
	}
	heap.Init(&h)
	e.deadlines = deadlineIndex{h: h}
}

// noteStale records that one heap entry no longer matches its key's deadline.
func (e *engine) noteStale() {
	e.deadlines.stale++
	if s := e.deadlines.stale; s > 1024 && s > len(e.deadlines.h)/2 {
		e.rebuildDeadlines()
	}
}

// schedule makes sure the expiry timer fires by the time deadline at has
// passed. Called by the owner.
func (e *engine) schedule(at int64) {
	if e.closed || (e.wakeAt != 0 && e.wakeAt <= at) {
		return
	}
	if e.timer != nil {
		e.timer.Stop()
	}
	e.wakeAt = at
	// A key expires once the time is past its deadline: wake one ms after it.
	d := time.UnixMilli(at + 1).Sub(e.clock.Now())
	e.timer = e.clock.AfterFunc(d, e.activeExpire)
}

// activeExpire removes due keys in bounded slices, then sets the timer for the
// next deadline. It runs on the clock's timer goroutine (or inside
// ManualClock.Advance) and takes the owner role for each slice.
func (e *engine) activeExpire() {
	for e.expireTurn() {
		runtime.Gosched()
	}
}

// expireTurn runs one slice of active expiry as the owner and reports
// whether due keys remain. A panic stops the store, as in a command.
func (e *engine) expireTurn() (more bool) {
	if !e.mu.state.CompareAndSwap(0, 1) {
		if e.heldByCaller() {
			// A ManualClock advanced inside an Atomic closure: the keys
			// expire once the closure's unit ends, at the clock's next
			// Advance (lazy expiry hides them meanwhile).
			e.timer = nil
			e.wakeAt = 0
			if at, ok := e.deadlines.peek(); ok && (e.tx.scheduleAt == 0 || at < e.tx.scheduleAt) {
				e.tx.scheduleAt = at
			}
			return false
		}
		e.mu.Lock()
	}
	if e.closed {
		e.mu.Unlock()
		return false
	}
	e.timer = nil
	e.wakeAt = 0
	if e.replica {
		// A replica waits for its master's DELs; SetReplicaExpiry(false)
		// schedules the timer again.
		e.mu.Unlock()
		return false
	}
	tx := &e.tx
	tx.start(0)
	defer func() {
		if r := recover(); r != nil {
			e.stop(tx, r)
			more = false
			return
		}
		e.finish(tx)
	}()
	more = e.expireSlice(tx)
	if !more {
		if at, ok := e.deadlines.peek(); ok {
			tx.scheduleAt = at
		}
	}
	return more
}

// expireSlice pops up to expireSliceWork due entries, deleting the keys whose
// deadline they still are. It reports whether due entries remain.
func (e *engine) expireSlice(tx *Tx) bool {
	now := tx.nowMs()
	for work := 0; work < expireSliceWork; work++ {
		if len(e.deadlines.h) == 0 || e.deadlines.h[0].at >= now {
			return false
		}
		d := heap.Pop(&e.deadlines.h).(deadline)
		db := e.dbs[d.db]
		if at, ok := db.expires[d.key]; !ok || at != d.at {
			if e.deadlines.stale > 0 {
				e.deadlines.stale--
			}
			continue
		}
		if d.db != tx.dbIndex {
			tx.db, tx.dbIndex = db, d.db
		}
		tx.removeExpired(d.key)
	}
	return len(e.deadlines.h) > 0 && e.deadlines.h[0].at < now
}

// swapDeadlines moves the heap entries of databases a and b with their data.
func (e *engine) swapDeadlines(a, b int) {
	for i := range e.deadlines.h {
		switch e.deadlines.h[i].db {
		case a:
			e.deadlines.h[i].db = b
		case b:
			e.deadlines.h[i].db = a
		}
	}
}

// SetReplicaExpiry turns on (or off) expiry as on a Redis replica, for a
// store that follows a master (embedis-server turns it on while REPLICAOF
// is in effect, and Follow does): keys are deleted by their deadline only
// when the master's DEL arrives through Store.Apply. Meanwhile a key past
// its deadline is hidden from reads — GET, EXISTS, TTL, TYPE, KEYS, SCAN
// answer as if it were missing, RANDOMKEY skips it (returning one after
// 100 tries when every key of the database has a deadline, as Redis) —
// but stays in the database (DBSIZE counts it; no "expired" event, no DEL
// effect, no expired_keys). A write that reaches such a key deletes it
// first, as a writable Redis replica does, and DEL of one deletes it and
// counts it (Redis 7.0's writable replica answers 1). Units of Store.Apply
// see every key as live, as a Redis replica sees its master's commands.
// Active expiry pauses while it is on; turning it off resumes it, and keys
// past their deadline then go at once. Keys that a writable replica's own
// clients give a deadline are not expired actively, as Redis's
// expireSlaveKeys does: reads hide them and a write deletes them.
func (tx *Tx) SetReplicaExpiry(on bool) error {
	if tx.e.replica == on {
		return nil
	}
	tx.e.replica = on
	if !on {
		if at, ok := tx.e.deadlines.peek(); ok && (tx.scheduleAt == 0 || at < tx.scheduleAt) {
			tx.scheduleAt = at
		}
	}
	return nil
}

// ReplicaExpiry reports whether expiry follows a replica's rules (see
// SetReplicaExpiry).
func (tx *Tx) ReplicaExpiry() (bool, error) { return tx.e.replica, nil }
