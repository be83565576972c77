// Package dict implements the store's keyspace hash table (also meant for
// the members of hashes and sets): a chained hash table with power-of-two
// bucket arrays, incremental rehashing and a stateless SCAN cursor, in the
// style of Redis's dict.
//
// # Why not a Go map
//
// Redis's SCAN promises that a full iteration (cursor 0 back to cursor 0)
// returns every key that was present for the whole iteration, while the
// keyspace is freely modified between calls, and that the cursor is just a
// number the client holds: the server keeps no per-iteration state. A Go map
// cannot give that: its iteration order is randomised, an iteration cannot be
// resumed from a number, and it cannot survive mutations made between calls.
// A Go map also never gives memory back after deletions. So the table is
// built by hand.
//
// # Layout
//
// Each entry is one heap node {key, val, next}; a table is a []*node whose
// length is a power of two, and a key lives in bucket hash(key)&mask. The
// hash is maphash.String with a random seed per Dict, so clients cannot craft
// keys that collide (hash flooding). The hash is not cached in the node: with
// load factor at most about 1 chains are short, comparing a key fails fast on
// its length or first bytes, and the only other user of the hash is the
// rehash, which re-hashes each key once per resize (and not at all when
// shrinking, see below). Not storing it keeps a node at 32 bytes when V is a
// pointer (a cached hash would push it into the 48-byte size class); when V
// is an interface the node is 40 bytes in the 48-byte class and a hash would
// fit in the slack, but one generic layout has to serve both. Beyond the
// node, the caller's key string and value, an entry costs its share of the
// bucket array: 8 to 16 bytes (load factor between 1/2 and 1 while growing).
//
// The table grows (to the next power of two above Len) when Len reaches the
// number of buckets, and shrinks when Len drops below 1/8 of the buckets,
// never below 4 buckets. The gap between the two thresholds keeps a workload
// that hovers around a size from resizing back and forth.
//
// # Incremental rehashing
//
// Moving a million entries into a new bucket array at once would stall the
// single-threaded owner for many milliseconds. Instead a resize allocates the
// new table and then moves one old bucket at a time: while rehashing there
// are two tables, ht[0] (old) and ht[1] (new), and rehashIdx says which
// buckets of ht[0] have been emptied already (all below it). Every Get, Set,
// Delete and RandomKey performs one rehash step, which moves one non-empty
// bucket after looking at no more than 10 empty ones, so each step is short
// and bounded. New entries go to ht[1]; lookups and deletes look in both
// tables. When ht[0] is empty, ht[1] becomes ht[0]. An owner with idle time
// can finish the job faster with RehashStep. No new resize starts while one
// is in progress. Each step advances rehashIdx by at least one, so a rehash of
// a table with N buckets ends after at most N operations; a table that grew
// from N to 2N buckets therefore receives at most N new entries meanwhile and
// is at most about full when the rehash ends. When a rehash ends, the new
// table is checked against both thresholds at once, so a table that keeps
// shrinking (or growing) keeps resizing even if no further delete (or insert)
// comes to trigger it.
//
// When shrinking, a node in old bucket i belongs in new bucket i&newMask (the
// new mask selects a subset of the same hash bits), so shrinking needs no
// hashing at all.
//
// # The SCAN cursor
//
// The cursor is a bucket index, but it is advanced by incrementing its
// bit-reversed value: the high bits of the index change fastest. Let rev_k(i)
// be i's k-bit reversal; a scan of a table with 2^k buckets visits buckets in
// increasing rev_k order. When the table doubles, bucket i splits into i and
// i+2^k, whose (k+1)-bit reversals are 2*rev_k(i) and 2*rev_k(i)+1: the order
// is preserved and the two halves are adjacent. So "every bucket before the
// cursor" in the small table is exactly "every bucket before the cursor" in
// the large table, and the scan continues with nothing missed and nothing
// repeated. When the table halves, buckets i and i+2^(k-1) merge into one
// whose position is floor(rev_k(i)/2): the cursor, reduced to the smaller
// mask, points at a merged bucket that may contain a half already visited, so
// some keys can be returned twice, but none is skipped. A plain increasing
// cursor would fail on shrinking: unvisited buckets of the upper half merge
// into lower buckets the cursor has already passed, and their keys are never
// returned.
//
// While rehashing, keys live in both tables, so a call to Scan visits bucket
// cursor&smallMask of the smaller table and then every bucket of the larger
// table that expands from it (all indices with the same low bits), which are
// consecutive in reversed order, and returns the cursor past all of them.
//
// # Concurrency and callbacks
//
// A Dict is not safe for concurrent use; the owner serialises access. While
// Scan or Range is running its callback, rehashing is paused, so the callback
// may call Get, Len and RandomKey. It must not call Set, Delete or Clear (not
// even to delete the entry being visited): those panic. Collect keys during
// the scan and act on them afterwards.
package dict

import (
	"hash/maphash"
	"math/bits"
	"unsafe"

	"github.com/embedis/embedis/internal/memsize"
)

const (
	// minSize is the smallest number of buckets a non-empty Dict has.
	minSize = 4
	// shrinkRatio: shrink when Len < buckets/shrinkRatio.
	shrinkRatio = 8
	// emptyVisitsPerStep bounds the empty buckets one rehash step may
	// skip over before giving up for this time.
	emptyVisitsPerStep = 10
)

// node is one entry. With V an interface it is 40 bytes (48-byte size
// class); with V a pointer it is 32 bytes.
type node[V any] struct {
	key  string
	val  V
	next *node[V]
}

// table is one bucket array.
type table[V any] struct {
	buckets []*node[V] // len is 0 or a power of two
	mask    uint64     // len(buckets)-1 when len > 0
	used    int        // entries stored in this table
	// maxChain bounds the length of every chain of the table: the longest
	// any chain has been since the table was made (deletes leave it). It
	// lets RandomKey draw fairly.
	maxChain int
}

// chainGrew records that the chain of bucket i of t gained an entry.
func (t *table[V]) chainGrew(i uint64) {
	n := 0
	for e := t.buckets[i]; e != nil; e = e.next {
		n++
	}
	t.maxChain = max(t.maxChain, n)
}

func newTable[V any](size int) table[V] {
	return table[V]{buckets: make([]*node[V], size), mask: uint64(size - 1)}
}

// Dict is a hash table from string keys to values of type V with
// incremental rehashing and a Redis-style SCAN cursor. The zero value is not
// usable; create one with New. A Dict must not be used by several goroutines
// at once.
type Dict[V any] struct {
	ht        [2]table[V]
	rehashIdx int // buckets of ht[0] below it are empty; -1 when not rehashing
	iterating int // > 0 while a Scan or Range callback runs
	seed      maphash.Seed
}

// New returns an empty Dict with its own random hash seed.
func New[V any]() *Dict[V] {
	return &Dict[V]{rehashIdx: -1, seed: maphash.MakeSeed()}
}

// NewSized returns an empty Dict with room for n entries before its first
// resize (a loader that knows how many keys are coming allocates the
// bucket array once instead of growing it step by step). n < 1 is New.
func NewSized[V any](n int) *Dict[V] {
	d := New[V]()
	if n > 0 {
		d.ht[0] = newTable[V](nextPow(n))
	}
	return d
}

// Grow makes room for n entries: if the table has fewer buckets and no
// resize is in progress, it starts one to the size n needs (the entries
// already there move over incrementally, as in any resize).
func (d *Dict[V]) Grow(n int) {
	if d.rehashIdx >= 0 || n <= len(d.ht[0].buckets) {
		return
	}
	d.resize(nextPow(n))
}

// Len returns the number of entries.
func (d *Dict[V]) Len() int { return d.ht[0].used + d.ht[1].used }

// Rehashing reports whether an incremental rehash is in progress.
func (d *Dict[V]) Rehashing() bool { return d.rehashIdx >= 0 }

// Buckets returns the number of buckets of the main table and, while
// rehashing, of the table being filled (0 otherwise). It is meant for
// statistics and tests.
func (d *Dict[V]) Buckets() (main, rehashTarget int) {
	return len(d.ht[0].buckets), len(d.ht[1].buckets)
}

// MemUsage returns an estimate of the bytes the table itself holds on the
// Go heap: the Dict, one node per entry and a bucket array of the size the
// table settles at for its length (the power of two at or above it). The
// real arrays differ for a while: during a rehash both exist, and after many
// deletions the array stays up to eight times larger until a shrink. They
// also change on reads (a Get advances the rehash); the estimate depends on
// the length only, so that the store's accounting changes on writes alone.
// The keys' bytes and whatever the values point to are the caller's to
// count. It is O(1).
func (d *Dict[V]) MemUsage() int64 {
	var n node[V]
	return memsize.Alloc(int(unsafe.Sizeof(*d))) + memsize.Alloc(8*nextPow(d.Len())) +
		int64(d.Len())*memsize.Alloc(int(unsafe.Sizeof(n)))
}

func (d *Dict[V]) hash(key string) uint64 { return maphash.String(d.seed, key) }

// lookup finds the node of key, whose hash is h.
func (d *Dict[V]) lookup(key string, h uint64) *node[V] {
	if d.Len() == 0 {
		return nil
	}
	t := &d.ht[0]
	i := h & t.mask
	if d.rehashIdx < 0 || i >= uint64(d.rehashIdx) { // buckets below rehashIdx are empty
		for n := t.buckets[i]; n != nil; n = n.next {
			if n.key == key {
				return n
			}
		}
	}
	if d.rehashIdx >= 0 {
		t = &d.ht[1]
		for n := t.buckets[h&t.mask]; n != nil; n = n.next {
			if n.key == key {
				return n
			}
		}
	}
	return nil
}

// Get returns the value stored under key and whether it was present.
func (d *Dict[V]) Get(key string) (V, bool) {
	if d.rehashIdx >= 0 {
		d.rehash(1)
	}
	if n := d.lookup(key, d.hash(key)); n != nil {
		return n.val, true
	}
	var zero V
	return zero, false
}

// Ref returns a pointer to the value stored under key, or nil if key is
// absent. The caller may change the value through it (not the key): the
// pointer is valid until the next Set, Delete or Clear of the dict, and
// must not be kept beyond that. It performs a rehash step, as Get does.
func (d *Dict[V]) Ref(key string) *V {
	if d.rehashIdx >= 0 {
		d.rehash(1)
	}
	if n := d.lookup(key, d.hash(key)); n != nil {
		return &n.val
	}
	return nil
}

// Set stores v under key. If key is already present its value is replaced
// (the stored key string is kept) and Set returns false; otherwise the entry
// is added and Set returns true. Set panics if called from a Scan or Range
// callback.
func (d *Dict[V]) Set(key string, v V) (added bool) {
	if d.iterating > 0 {
		panicMutation("Set")
	}
	if d.rehashIdx >= 0 {
		d.rehash(1)
	}
	h := d.hash(key)
	if n := d.lookup(key, h); n != nil {
		n.val = v
		return false
	}
	d.expandIfNeeded()
	t := &d.ht[0]
	if d.rehashIdx >= 0 {
		t = &d.ht[1]
	}
	i := h & t.mask
	t.buckets[i] = &node[V]{key: key, val: v, next: t.buckets[i]}
	t.used++
	t.chainGrew(i)
	return true
}

// Swap is Set that also returns the value it replaced: old and true if key
// was present, the zero V and false if Swap added it.
func (d *Dict[V]) Swap(key string, v V) (old V, replaced bool) {
	if d.iterating > 0 {
		panicMutation("Swap")
	}
	if d.rehashIdx >= 0 {
		d.rehash(1)
	}
	h := d.hash(key)
	if n := d.lookup(key, h); n != nil {
		old, n.val = n.val, v
		return old, true
	}
	d.expandIfNeeded()
	t := &d.ht[0]
	if d.rehashIdx >= 0 {
		t = &d.ht[1]
	}
	i := h & t.mask
	t.buckets[i] = &node[V]{key: key, val: v, next: t.buckets[i]}
	t.used++
	t.chainGrew(i)
	return old, false
}

// Delete removes key and returns its value and whether it was present.
// Delete panics if called from a Scan or Range callback.
func (d *Dict[V]) Delete(key string) (V, bool) {
	if d.iterating > 0 {
		panicMutation("Delete")
	}
	var zero V
	if d.Len() == 0 {
		return zero, false
	}
	if d.rehashIdx >= 0 {
		d.rehash(1)
	}
	h := d.hash(key)
	for ti := 0; ti < 2; ti++ {
		t := &d.ht[ti]
		i := h & t.mask
		if ti == 0 && d.rehashIdx >= 0 && i < uint64(d.rehashIdx) {
			continue // already moved to ht[1]
		}
		for pp := &t.buckets[i]; *pp != nil; pp = &(*pp).next {
			if n := *pp; n.key == key {
				*pp = n.next
				t.used--
				d.shrinkIfNeeded()
				return n.val, true
			}
		}
		if d.rehashIdx < 0 {
			break
		}
	}
	return zero, false
}

// Clear removes every entry and releases the bucket arrays. Clear panics if
// called from a Scan or Range callback.
func (d *Dict[V]) Clear() {
	if d.iterating > 0 {
		panicMutation("Clear")
	}
	d.ht = [2]table[V]{}
	d.rehashIdx = -1
}

func panicMutation(op string) {
	panic("dict: " + op + " called from inside a Scan or Range callback")
}

// nextPow returns the smallest power of two >= n, and at least minSize.
func nextPow(n int) int {
	if n <= minSize {
		return minSize
	}
	return 1 << bits.Len(uint(n-1))
}

// expandIfNeeded starts a resize when the table is full (load factor 1).
func (d *Dict[V]) expandIfNeeded() {
	if d.rehashIdx >= 0 {
		return
	}
	if t := &d.ht[0]; t.used >= len(t.buckets) {
		d.resize(nextPow(t.used + 1))
	}
}

// shrinkIfNeeded starts a resize when the table is less than 1/8 full.
func (d *Dict[V]) shrinkIfNeeded() {
	if d.rehashIdx >= 0 {
		return
	}
	if t := &d.ht[0]; len(t.buckets) > minSize && t.used < len(t.buckets)/shrinkRatio {
		d.resize(nextPow(t.used + 1))
	}
}

// resize starts moving the entries into a table of size buckets. It must
// not be called while rehashing.
func (d *Dict[V]) resize(size int) {
	if d.ht[0].buckets == nil {
		d.ht[0] = newTable[V](size) // first allocation: nothing to move
		return
	}
	if size == len(d.ht[0].buckets) {
		return
	}
	d.ht[1] = newTable[V](size)
	d.rehashIdx = 0
	if d.ht[0].used == 0 {
		d.rehash(1) // completes at once
	}
}

// RehashStep performs up to n rehash steps (each moves one bucket, looking
// at no more than 10 empty buckets) and reports whether rehashing is still in
// progress. It lets an owner with spare time finish a resize in slices; it
// does nothing inside a Scan or Range callback.
func (d *Dict[V]) RehashStep(n int) bool {
	return d.rehash(n)
}

func (d *Dict[V]) rehash(n int) bool {
	if d.rehashIdx < 0 {
		return false
	}
	if d.iterating > 0 {
		return true
	}
	emptyVisits := n * emptyVisitsPerStep
	if n > int(^uint(0)>>1)/emptyVisitsPerStep {
		emptyVisits = int(^uint(0) >> 1)
	}
	t0, t1 := &d.ht[0], &d.ht[1]
	shrinking := t1.mask < t0.mask
	for ; n > 0 && t0.used > 0; n-- {
		// t0.used > 0, so a non-empty bucket exists at or after rehashIdx.
		for t0.buckets[d.rehashIdx] == nil {
			d.rehashIdx++
			emptyVisits--
			if emptyVisits <= 0 {
				return true
			}
		}
		i := d.rehashIdx
		for e := t0.buckets[i]; e != nil; {
			next := e.next
			var j uint64
			if shrinking {
				j = uint64(i) & t1.mask
			} else {
				j = d.hash(e.key) & t1.mask
			}
			e.next = t1.buckets[j]
			t1.buckets[j] = e
			t1.chainGrew(j)
			t0.used--
			t1.used++
			e = next
		}
		t0.buckets[i] = nil
		d.rehashIdx++
	}
	if t0.used == 0 {
		d.ht[0] = d.ht[1]
		d.ht[1] = table[V]{}
		d.rehashIdx = -1
		// Operations during the rehash may have left the new table too
		// full or too empty; start the next resize now rather than wait
		// for an insert or delete to notice.
		d.expandIfNeeded()
		d.shrinkIfNeeded()
		return d.rehashIdx >= 0
	}
	return true
}

// Scan visits some of the entries and returns the cursor to pass to the next
// call. Start with cursor 0; a returned cursor of 0 means the iteration is
// complete. Every key present in the dict for the whole iteration is passed
// to fn at least once, however the dict is modified, resized or rehashed
// between calls; a key may be passed more than once, and keys added or
// removed during the iteration may or may not be passed. The cursor is only a
// number: any value is accepted and Scan keeps no state between calls.
//
// fn may call Get, Len and RandomKey but must not modify the dict, not even
// to delete the entry it is visiting: Set, Delete and Clear panic. Collect the
// keys and act on them after Scan returns.
func (d *Dict[V]) Scan(cursor uint64, fn func(key string, v V)) (next uint64) {
	return d.ScanRef(cursor, func(key string, v *V) { fn(key, *v) })
}

// ScanRef is Scan passing a pointer to each visited value, through which
// fn may change the value in place (a mark kept with it, say); the rules of
// Scan apply otherwise: fn must not call Set, Delete or Clear, and must not
// keep the pointer after it returns.
func (d *Dict[V]) ScanRef(cursor uint64, fn func(key string, v *V)) (next uint64) {
	if d.Len() == 0 {
		return 0
	}
	d.iterating++
	defer func() { d.iterating-- }()
	c := cursor
	if d.rehashIdx < 0 {
		t := &d.ht[0]
		scanChainRef(t.buckets[c&t.mask], fn)
		return incReverse(c, t.mask)
	}
	small, large := &d.ht[0], &d.ht[1]
	if len(small.buckets) > len(large.buckets) {
		small, large = large, small
	}
	scanChainRef(small.buckets[c&small.mask], fn)
	// Visit every bucket of the larger table whose low bits equal the
	// small table's bucket: they are consecutive in reversed order.
	for {
		scanChainRef(large.buckets[c&large.mask], fn)
		c = incReverse(c, large.mask)
		if c&(small.mask^large.mask) == 0 {
			break
		}
	}
	return c
}

func scanChainRef[V any](e *node[V], fn func(string, *V)) {
	for e != nil {
		next := e.next
		fn(e.key, &e.val)
		e = next
	}
}

// incReverse increments the bits of c selected by mask, treating the most
// significant selected bit as the least significant one.
func incReverse(c, mask uint64) uint64 {
	c |= ^mask // make the carry run through the unselected bits
	return bits.Reverse64(bits.Reverse64(c) + 1)
}

// Range calls fn for every entry exactly once, in no particular order, and
// stops early when fn returns false. fn may call Get, Len and RandomKey but
// must not modify the dict: Set, Delete and Clear panic.
func (d *Dict[V]) Range(fn func(key string, v V) bool) {
	if d.Len() == 0 {
		return
	}
	d.iterating++
	defer func() { d.iterating-- }()
	for ti := range d.ht {
		for _, e := range d.ht[ti].buckets {
			for e != nil {
				next := e.next
				if !fn(e.key, e.val) {
					return
				}
				e = next
			}
		}
	}
}

// randomTries is how many random draws RandomKey makes before it falls back
// to counting its way to a random entry. With a fair rnd the fallback is
// rare (each draw succeeds with probability at least about 1/(9·maxChain),
// the table being at least 1/8 full outside a shrink), and it keeps a
// degenerate rnd from looping for ever.
const randomTries = 1024

// RandomKey returns an entry drawn uniformly at random, or ok=false if the
// dict is empty. rnd supplies the randomness (e.g. math/rand/v2's Uint64).
//
// Redis picks a random non-empty bucket and then a random entry of its
// chain: an entry alone in its bucket is then more likely than one sharing
// it (with 10 entries in 16 buckets, twice as likely), which a test of the
// draws' frequencies sees at once. Instead each draw picks a bucket (from
// both tables while rehashing) and a position below the bound on chain
// lengths (table.maxChain), uniformly and independently, and keeps the entry
// at that position if there is one: every entry has the same chance per
// draw, so the entry kept is uniform. If randomTries draws all miss, it
// counts to an entry chosen uniformly among all, which is uniform too.
// The price is more probes: about buckets·maxChain/Len of them, each a
// likely cache miss on a large table (measured on this machine: 145 ns a
// draw at 1,000 keys against 54 ns for the bucket-then-chain draw, 2.1 µs
// at a million keys, maxChain 8, against 0.42 µs).
func (d *Dict[V]) RandomKey(rnd func() uint64) (key string, v V, ok bool) {
	n := d.Len()
	if n == 0 {
		return key, v, false
	}
	if d.rehashIdx >= 0 {
		d.rehash(1)
	}
	// Buckets are numbered lo..s0-1 in ht[0] then s0..s0+s1-1 in ht[1];
	// buckets of ht[0] below rehashIdx are known to be empty.
	t0, t1 := &d.ht[0], &d.ht[1]
	s0 := uint64(len(t0.buckets))
	lo := uint64(0)
	if d.rehashIdx >= 0 {
		lo = uint64(d.rehashIdx)
	}
	span := s0 + uint64(len(t1.buckets)) - lo
	chain := uint64(max(t0.maxChain, t1.maxChain))
	for try := 0; try < randomTries; try++ {
		var e *node[V]
		if b := lo + uniform(rnd, span); b < s0 {
			e = t0.buckets[b]
		} else {
			e = t1.buckets[b-s0]
		}
		for k := uniform(rnd, chain); e != nil && k > 0; k-- {
			e = e.next
		}
		if e != nil {
			return e.key, e.val, true
		}
	}
	k := uniform(rnd, uint64(n))
	for ti := range d.ht {
		for _, e := range d.ht[ti].buckets {
			for ; e != nil; e = e.next {
				if k == 0 {
					return e.key, e.val, true
				}
				k--
			}
		}
	}
	panic("dict: RandomKey counted past Len")
}

// uniform returns a number drawn uniformly from [0, n), n > 0, from rnd's
// 64-bit draws, without the bias of rnd() % n: Lemire's multiply-and-shift,
// rejecting the few low products that would favour some results. A fair
// rnd is rejected with probability below n/2^64; the retries are capped so
// that a degenerate rnd (a constant) still terminates.
func uniform(rnd func() uint64, n uint64) uint64 {
	hi, lo := bits.Mul64(rnd(), n)
	if lo < n {
		threshold := -n % n // 2^64 mod n
		for retry := 0; lo < threshold && retry < 64; retry++ {
			hi, lo = bits.Mul64(rnd(), n)
		}
	}
	return hi
}
