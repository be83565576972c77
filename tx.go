package embedis

import (
	"strconv"
)

// Tx is the owner's view of the store: every command is a method on Tx, and
// every other way of running a command (Store methods, Pipeline, the server,
// log replay) calls these methods. A Tx is handed to an Atomic closure and is
// valid only until the closure returns.
//
// All commands in one unit see the same time: the clock is read once, at the
// first command that needs it.
type Tx struct {
	e       *engine
	db      *db
	dbIndex int
	now     int64 // Unix ms; 0 until read

	loading    bool       // replaying effects: deadlines are stored, never acted on
	rec        bool       // effects are being recorded
	effects    [][]string // this unit's effects
	scheduleAt int64      // earliest new deadline set in this unit; 0 if none
	ready      []readyKey // keys given data in this unit while callers wait on them
	canBlock   bool       // Do may leave a blocking command waiting (AllowBlocking)
	pending    *Blocked   // the blocking command Do just left waiting
}

// value is what a key holds. Each data type has its own implementation.
type value interface {
	// typeName is the name TYPE reports.
	typeName() string
	// clone returns a deep copy, for COPY.
	clone() value
	// dump renders the value's contents deterministically (elements in a
	// canonical order), for tests that compare two stores.
	dump() string
}

// stringValue is a Redis string. s is never shared with callers mutably:
// Go strings are immutable, so handing s out needs no copy. enc is how
// Redis would hold s (OBJECT ENCODING, object.go).
type stringValue struct {
	s   string
	enc stringEnc
}

func (*stringValue) typeName() string { return "string" }
func (v *stringValue) clone() value   { return &stringValue{s: v.s, enc: v.enc.copied()} }
func (v *stringValue) dump() string   { return strconv.Quote(v.s) }

func (tx *Tx) start(dbIndex int) {
	tx.db = tx.e.dbs[dbIndex]
	tx.dbIndex = dbIndex
	tx.now = 0
	tx.loading = false
	tx.canBlock = false
	tx.rec = tx.e.onEffects != nil
}

// Select makes the rest of the unit run on database n (SELECT n).
func (tx *Tx) Select(n int) error {
	if n < 0 || n >= len(tx.e.dbs) {
		return ErrDBIndex
	}
	tx.db = tx.e.dbs[n]
	tx.dbIndex = n
	return nil
}

// DBIndex returns the number of the database the unit is running on.
func (tx *Tx) DBIndex() int { return tx.dbIndex }

// nowMs returns the unit's time in Unix milliseconds, reading the clock on
// first use.
func (tx *Tx) nowMs() int64 {
	if tx.now == 0 {
		tx.now = tx.e.clock.Now().UnixMilli()
	}
	return tx.now
}

// emit appends one effect to the unit, preceded by a SELECT when the stream is
// on another database. Callers check tx.rec first so that building args costs
// nothing when no one listens.
func (tx *Tx) emit(args ...string) {
	if tx.e.streamDB != tx.dbIndex {
		tx.effects = append(tx.effects, []string{"SELECT", strconv.Itoa(tx.dbIndex)})
		tx.e.streamDB = tx.dbIndex
	}
	tx.effects = append(tx.effects, args)
}

// lookup returns the live value of key, or nil. A key found past its deadline
// is deleted on the spot (and the deletion recorded), as Redis does on access.
func (tx *Tx) lookup(key string) value {
	v, ok := tx.db.keys.Get(key)
	if !ok {
		return nil
	}
	if len(tx.db.expires) > 0 && !tx.loading && tx.expireIfDue(key) {
		return nil
	}
	return v
}

// expireIfDue deletes key if its deadline has passed and reports whether it did.
func (tx *Tx) expireIfDue(key string) bool {
	at, ok := tx.db.expires[key]
	if !ok || at >= tx.nowMs() {
		return false
	}
	tx.removeExpired(key)
	tx.e.noteStale() // its heap entry is still queued
	return true
}

// removeExpired deletes a key whose deadline has passed and records it as a DEL.
func (tx *Tx) removeExpired(key string) {
	tx.db.keys.Delete(key)
	delete(tx.db.expires, key)
	tx.modified(key)
	tx.e.stats.expiredKeys++
	if tx.rec {
		tx.emit("DEL", key)
	}
}

// lookupString returns the string at key; nil if the key does not exist,
// ErrWrongType if it holds another type.
func (tx *Tx) lookupString(key string) (*stringValue, error) {
	v := tx.lookup(key)
	if v == nil {
		return nil, nil
	}
	sv, ok := v.(*stringValue)
	if !ok {
		return nil, ErrWrongType
	}
	return sv, nil
}

// exists reports whether key is live.
func (tx *Tx) exists(key string) bool { return tx.lookup(key) != nil }

// modified records that key of the unit's database changed: it invalidates
// the WATCHes on it. Every write calls it.
func (tx *Tx) modified(key string) {
	tx.e.stats.changes++
	if tx.db.watched != nil {
		tx.db.touchWatch(key)
	}
}

// setValue stores v at key and clears any deadline (as Redis's SET does),
// unless keepTTL. A value arriving whole (RENAME, COPY, a *STORE) is ready
// for the callers blocked on key, as Redis signals every key it adds.
func (tx *Tx) setValue(key string, v value, keepTTL bool) {
	tx.db.keys.Set(key, v)
	if !keepTTL && len(tx.db.expires) > 0 {
		tx.clearDeadline(key)
	}
	tx.modified(key)
	tx.keyReady(key)
}

// deleteKey removes key; it reports whether the key was live.
func (tx *Tx) deleteKey(key string) bool {
	if tx.lookup(key) == nil {
		return false
	}
	tx.db.keys.Delete(key)
	if len(tx.db.expires) > 0 {
		tx.clearDeadline(key)
	}
	tx.modified(key)
	return true
}

// setDeadline gives the live key an absolute deadline in Unix ms.
func (tx *Tx) setDeadline(key string, at int64) {
	if _, had := tx.db.expires[key]; had {
		tx.e.noteStale()
	}
	tx.db.expires[key] = at
	tx.modified(key)
	tx.e.deadlines.push(deadline{at: at, db: tx.dbIndex, key: key})
	if tx.scheduleAt == 0 || at < tx.scheduleAt {
		tx.scheduleAt = at
	}
}

// deadlineOf returns key's deadline, or 0 if it has none.
func (tx *Tx) deadlineOf(key string) int64 { return tx.db.expires[key] }

// clearDeadline removes key's deadline; it reports whether there was one.
func (tx *Tx) clearDeadline(key string) bool {
	if _, ok := tx.db.expires[key]; !ok {
		return false
	}
	delete(tx.db.expires, key)
	tx.e.noteStale()
	tx.modified(key)
	return true
}
