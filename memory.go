package embedis

import (
	"unsafe"

	"github.com/embedis/embedis/internal/memsize"
)

// Memory accounting: what the keys, values and their per-key metadata hold
// on the Go heap, as Redis's used_memory counts what its allocator handed
// out, kept up to date at constant cost per write so that maxmemory can be
// checked before every command.
//
// Each value knows its own size (value.memUsage, O(1): the types keep
// counters of their elements' bytes as they change, and compute the rest
// from their lengths and capacities, in the Go allocator's size classes,
// internal/memsize). Each database keeps the sum over its keys of the key's
// bytes and the value's size; the keyspace table (nodes and bucket arrays)
// and the deadlines are computed from their lengths when asked.
//
// Commands change values in place, so the keyspace cannot see a size change
// as it happens. Instead, every value a command reaches for writing
// (lookupWrite) or stores (setValue) is "opened" with the size accounted for
// it; at the end of the unit (finish), or when its database's figures are
// read, each open value is "settled": the difference between its size now
// and the size accounted is added to its database. A value removed while
// open takes away what was accounted for it. So no command has to remember
// to account: the one write path does it, and a test (TestMemoryAccounting)
// replays random workloads checking, after every unit, that each
// database's sum is what a walk of its keys says.
//
// The figures are estimates of the live heap: they leave out the garbage
// not yet collected and the runtime's own overhead, which INFO memory shows
// from the Go runtime next to them (TestMemoryEstimateMatchesHeap compares
// the two).

// objMeta is the per-value access metadata that touch keeps, as the lru
// field of Redis's robj: the LRU clock of the last access, or under an LFU
// policy the time of the last decrement (16 bits of minutes) and the
// logarithmic access counter (8 bits). Every value type embeds it.
type objMeta struct {
	access uint32
}

func (m *objMeta) meta() *objMeta { return m }

// What the keyspace spends per key beyond the key's and the value's bytes.
const (
	// expiryBytes is the cost of a key's deadline: its entry in the
	// database's expires map (a Swiss table slot of 24 bytes at a load of
	// about two thirds, plus its control byte) and in the deadline heap (32
	// bytes, in a slice that grows by doubling): 72 bytes measured (TestMemoryEstimateMatchesHeap).
	expiryBytes = 72
	// dbBytes is a database's fixed cost: the db value and the maps' and
	// the table's headers.
	dbBytes = 256
)

// memCounters are a database's sums, kept by the write path.
type memCounters struct {
	keys   int64 // memsize.String of each key
	values int64 // the memUsage accounted for each value
}

// used returns the database's estimate: its keys, values, keyspace table
// and deadlines. Open values count as accounted (see settle).
func (d *db) usedMemory() int64 {
	return dbBytes + d.mem.keys + d.mem.values + d.keys.MemUsage() + int64(len(d.expires))*expiryBytes
}

// usedMemory returns the engine's estimate, all databases, open values as
// accounted.
func (e *engine) usedMemory() int64 {
	var m int64
	for _, d := range e.dbs {
		m += d.usedMemory()
	}
	return m
}

// openValue is a value a unit may have changed since it was accounted.
type openValue struct {
	db     *db
	v      value
	before int64 // the memUsage accounted for v
}

// maxOpen bounds the open values of a unit: past it the oldest is settled.
// A command changes at most a few values, so a value a command is still
// changing is never settled early.
const maxOpen = 8

// open records that the unit may change v in d, accounted at before.
func (tx *Tx) open(d *db, v value, before int64) {
	for i := 0; i < tx.nopen; i++ {
		if tx.opened[i].v == v && tx.opened[i].db == d {
			return
		}
	}
	if tx.nopen == maxOpen {
		tx.settleOne(0)
		copy(tx.opened[:], tx.opened[1:])
		tx.nopen--
	}
	tx.opened[tx.nopen] = openValue{db: d, v: v, before: before}
	tx.nopen++
}

// openWrite opens v, found by lookupWrite in the unit's database.
func (tx *Tx) openWrite(v value) {
	for i := 0; i < tx.nopen; i++ {
		if tx.opened[i].v == v && tx.opened[i].db == tx.db {
			return
		}
	}
	tx.open(tx.db, v, v.memUsage())
}

// accounted returns the size accounted for v in d, which is leaving d, and
// forgets v if it is open.
func (tx *Tx) accounted(d *db, v value) int64 {
	for i := 0; i < tx.nopen; i++ {
		if o := tx.opened[i]; o.v == v && o.db == d {
			copy(tx.opened[i:], tx.opened[i+1:tx.nopen])
			tx.nopen--
			tx.opened[tx.nopen] = openValue{}
			return o.before
		}
	}
	return v.memUsage()
}

func (tx *Tx) settleOne(i int) {
	o := &tx.opened[i]
	now := o.v.memUsage()
	o.db.mem.values += now - o.before
	o.before = now
}

// settle accounts every open value's change and closes them all.
func (tx *Tx) settle() {
	for i := 0; i < tx.nopen; i++ {
		tx.settleOne(i)
		tx.opened[i] = openValue{}
	}
	tx.nopen = 0
}

// added accounts a key added to the unit's database with v.
func (tx *Tx) added(key string, v value) {
	u := v.memUsage()
	tx.db.mem.keys += memsize.String(len(key))
	tx.db.mem.values += u
	tx.open(tx.db, v, u)
}

// replaced accounts v taking old's place at a key of the unit's database.
func (tx *Tx) replaced(old, v value) {
	tx.db.mem.values -= tx.accounted(tx.db, old)
	u := v.memUsage()
	tx.db.mem.values += u
	tx.open(tx.db, v, u)
}

// removed accounts key and its value v leaving the unit's database.
func (tx *Tx) removed(key string, v value) {
	tx.db.mem.keys -= memsize.String(len(key))
	tx.db.mem.values -= tx.accounted(tx.db, v)
}

// keyspaceEntry is what a key costs in the keyspace besides its value: its
// node (the bucket array is the database's) and its string.
func keyspaceEntry(key string) int64 {
	var n struct {
		key  string
		val  slot
		next uintptr
	}
	return memsize.Alloc(int(unsafe.Sizeof(n))) + memsize.String(len(key))
}

// The values' sizes. Each counts its own struct, its structure and its
// elements' strings; a string header stored in a slice or node is part of
// that slice or node.

func (v *stringValue) memUsage() int64 {
	// Its length, not buf's capacity: a read (str) turns buf into text
	// without changing the value, and the accounting changes on writes only.
	return memsize.Alloc(int(unsafe.Sizeof(*v))) + memsize.String(v.len())
}

func (h *hashValue) memUsage() int64 {
	if !h.counted {
		h.strs = 0
		h.each(func(f, v string) bool {
			h.strs += memsize.String(len(f)) + memsize.String(len(v))
			return true
		})
		h.counted = true
	}
	m := memsize.Alloc(int(unsafe.Sizeof(*h))) + h.strs
	if h.d != nil {
		return m + h.d.MemUsage()
	}
	return m + memsize.Alloc(16*cap(h.pairs))
}

func (v *setValue) memUsage() int64 {
	m := memsize.Alloc(int(unsafe.Sizeof(*v)))
	switch v.enc {
	case setIntset:
		return m + memsize.Alloc(8*cap(v.ints))
	}
	if !v.counted {
		v.strBytes = 0
		v.each(func(s string) bool {
			v.strBytes += memsize.String(len(s))
			return true
		})
		v.counted = true
	}
	m += v.strBytes
	if v.enc == setSmall {
		return m + memsize.Alloc(16*cap(v.strs))
	}
	return m + v.d.MemUsage()
}

func (v *listValue) memUsage() int64 {
	return memsize.Alloc(int(unsafe.Sizeof(*v))) + v.d.MemUsage() + memsize.Alloc(int(unsafe.Sizeof(qlNode{}))*cap(v.nodes))
}

func (v *zsetValue) memUsage() int64 {
	return memsize.Alloc(int(unsafe.Sizeof(*v))) + v.s.MemUsage()
}

// MemoryUsage returns an estimate of the bytes the key and its value hold
// in the store (MEMORY USAGE): the key's keyspace entry and string, the
// value with its structure and elements, and the key's deadline if it has
// one, as the Go heap holds them (see memory.go). The estimate is kept as
// the value changes, so it is exact for the model and costs O(1): samples
// (Redis's SAMPLES, how many elements of an aggregate to look at, 0 for
// all; MEMORY USAGE without it is 5) changes nothing; a negative count is
// ErrSyntax. A key that does not exist is ErrNotFound. It neither counts as
// an access nor changes the key's access time.
func (tx *Tx) MemoryUsage(key string, samples int) (int64, error) {
	if samples < 0 {
		return 0, ErrSyntax
	}
	tx.remember(key) // a read for client-side caching, as Redis tracks its key
	v := tx.live(key)
	if v == nil {
		return 0, ErrNotFound
	}
	m := keyspaceEntry(key) + v.memUsage()
	if _, ok := tx.db.expires[key]; ok {
		m += expiryBytes
	}
	return m, nil
}

// UsedMemory returns the store's estimate of the bytes its data holds, all
// databases (INFO memory's used_memory_dataset, and what maxmemory limits):
// every key, value and deadline, and each database's keyspace table.
func (tx *Tx) UsedMemory() (int64, error) {
	tx.settle()
	used := tx.e.usedMemory()
	tx.e.notePeak(used)
	return used, nil
}
