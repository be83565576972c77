package embedis

import (
	"context"
	"strconv"
	"unsafe"
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

	opened [maxOpen]openValue // values the unit may have changed since they were accounted (memory.go)
	nopen  int

	// oom: the unit began over maxmemory with nothing to evict, so its
	// commands that may add data are refused (ErrOOM) until it has written
	// something (changesAtStart is the change count after its evictions).
	oom            bool
	changesAtStart int64

	// Client-side caching (tracking.go): the tracker the unit runs for
	// (Tracker.Bind), whether the running command records its reads, and
	// the keys it read so far.
	tracker    *Tracker
	trackReads bool
	readKeys   []string

	// removedKeys are the keys the unit evicted or expired, for the hooks
	// Options.OnEvicted and OnExpired, called once the unit has released
	// the owner role (engine.finish); nil without hooks.
	removedKeys []removedKey
	// purgeOSMemory asks engine.finish for MEMORY PURGE's collection once
	// the owner role is released.
	purgeOSMemory bool
}

// removedKey is a key evicted or expired, for the hooks.
type removedKey struct {
	db      int
	key     string
	evicted bool
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
	// memUsage estimates the bytes the value holds on the Go heap: its own
	// struct, its structure and its elements' bytes, in the allocator's
	// size classes (internal/memsize), but not the key or the keyspace
	// entry. It must cost O(1): keep counters that the type's mutations
	// update as they go (a value built in bulk, from a file or a clone, may
	// count itself once, when first asked). Nothing but the value's own
	// content may change the answer: the keyspace settles the difference
	// between two calls as the change a command made (see memory.go).
	memUsage() int64
	// meta returns the value's access metadata, which touch keeps (the LRU
	// clock or LFU counter). Embed objMeta to implement it.
	meta() *objMeta
}

// stringValue is a Redis string, held in one of two forms:
//
//   - text, an immutable Go string: handing it out needs no copy, since no
//     one can change it. Every command that stores a whole value stores it
//     so.
//   - buf, a byte slice that only the value refers to, which the bitmap
//     commands (SETBIT, BITFIELD; bitmap.go) change in place, as Redis
//     changes its sds string: a SETBIT on a 1 MB bitmap costs O(1), not a
//     1 MB copy. text is stale while buf is set.
//
// str hands the value out: it turns buf into text without a copy and drops
// buf, so the string a caller holds never changes under it; the next
// in-place change copies text into a new buf (mutable). So a bitmap read by
// GET between two SETBITs costs one copy, as Redis's GET copies it to the
// socket. enc is how Redis would hold the value (OBJECT ENCODING, object.go).
type stringValue struct {
	text string
	buf  []byte
	enc  stringEnc
	objMeta
}

func (*stringValue) typeName() string { return "string" }
func (v *stringValue) clone() value   { return &stringValue{text: v.str(), enc: v.enc.copied()} }
func (v *stringValue) dump() string   { return strconv.Quote(v.peek()) }

// str returns the value as an immutable string that may leave the owner's
// turn. A value held in buf becomes text (no copy: buf is dropped, so no
// one changes those bytes again).
func (v *stringValue) str() string {
	if v.buf != nil {
		v.text = unsafe.String(unsafe.SliceData(v.buf), len(v.buf))
		v.buf = nil
	}
	return v.text
}

// peek returns the value's bytes for reading within the owner's turn, in
// whichever form they are held: the result must not be kept past the next
// change of the value (nor handed to a caller), since a buf-held value is
// changed in place.
func (v *stringValue) peek() string {
	if v.buf != nil {
		return unsafe.String(unsafe.SliceData(v.buf), len(v.buf))
	}
	return v.text
}

// len returns the value's length in bytes.
func (v *stringValue) len() int {
	if v.buf != nil {
		return len(v.buf)
	}
	return len(v.text)
}

// setStr replaces the value with s, held as text, and its encoding.
func (v *stringValue) setStr(s string, enc stringEnc) {
	v.text, v.buf, v.enc = s, nil, enc
}

// intBufCap is the capacity of the buffer setInt gives a counter: room for
// any int64's digits and sign, in the allocator's 24-byte class.
const intBufCap = 24

// setInt replaces the value with n's decimal digits (INCR and friends),
// encoded as Redis encodes them (strAuto). A counter increments in place:
// a value already holding a buffer setInt gave it writes the digits there,
// so a counter incremented again and again allocates nothing, as Redis
// changes an int-encoded object's value in place. Otherwise 0..99 are Go's
// static strings (strconv keeps them) and anything else gets a buffer of
// its own. A read hands the buffer out as text (str) and drops it, so the
// next increment allocates once. Bitmap buffers (larger) are not reused: a
// counter keeps no megabyte of a former bitmap alive.
func (v *stringValue) setInt(n int64) {
	v.enc = strAuto
	switch {
	case v.buf != nil && cap(v.buf) == intBufCap:
		v.buf = strconv.AppendInt(v.buf[:0], n, 10)
	case n >= 0 && n < 100:
		v.text, v.buf = strconv.FormatInt(n, 10), nil
	default:
		v.buf, v.text = strconv.AppendInt(make([]byte, 0, intBufCap), n, 10), ""
	}
}

func (tx *Tx) start(dbIndex int) {
	tx.db = tx.e.dbs[dbIndex]
	tx.dbIndex = dbIndex
	tx.now = 0
	tx.loading = false
	tx.canBlock = false
	tx.oom = false
	tx.tracker, tx.trackReads, tx.readKeys = nil, false, tx.readKeys[:0]
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
