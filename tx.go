package embedis

import (
	"context"
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

	loading    bool            // replaying effects: deadlines are stored, never acted on
	rec        bool            // effects are being recorded
	effects    [][]string      // this unit's effects
	scheduleAt int64           // earliest new deadline set in this unit; 0 if none
	ready      []readyKey      // keys given data in this unit while callers wait on them
	canBlock   bool            // Do may leave a blocking command waiting (AllowBlocking)
	pending    *Blocked        // the blocking command Do just left waiting
	serving    bool            // engine.offer is running a waiter's attempt (list_blocking.go counts changes by it)
	ctx        context.Context // the context of the call that began the unit (nil in background units)
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
	tx.rec = tx.e.onEffects != nil || tx.e.log != nil
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
