// Package deque is the list structure behind embedis's lists: a sequence of
// strings with O(1) push and pop at both ends, fast access by index near
// either end, and in-place insertion, removal and trimming for LINSERT, LREM,
// LSET and LTRIM. It is pure and single-goroutine: the engine's owner is its
// only user.
//
// # Design
//
// Redis keeps a list as a quicklist: a doubly linked list of listpacks, each
// holding a bounded run of elements. The Go counterpart here is a chunked
// deque: the elements live in fixed-size chunks of chunkSize strings, and the
// chunks' pointers live in one slice kept with free room at both ends.
//
//   - A push at either end writes into the end chunk, or opens a new chunk
//     when it is full (one pointer appended to the chunk slice): O(1), with
//     no copying of elements ever, unlike a []string ring buffer, which copies
//     everything when it grows and keeps up to half its capacity unused.
//   - A pop clears the slot (so that the string can be collected) and drops
//     the chunk when it empties.
//   - Index i is found by walking the chunk slice from the nearer end, adding
//     chunk lengths: i/chunkSize steps, so LINDEX 0, -1 or ±100 on a list of a
//     million elements costs a step or two.
//   - An insertion in the middle shifts within one chunk, splitting it in two
//     when it is full; a removal shifts within one chunk and drops it when
//     it empties. Neither touches other chunks' elements.
//
// Memory: a full chunk costs 16 bytes per element (the string header) plus
// the strings' own bytes and about half a byte of bookkeeping; measured on 1M
// short strings it is about half the []string ring buffer's peak (see
// deque_test.go, TestMemoryPerElement).
// Chunks are not merged when they thin out, so a list that had many
// elements removed from its middle keeps partly empty chunks until they empty
// completely.
package deque

import (
	"unsafe"

	"github.com/embedis/embedis/internal/memsize"
)

// chunkSize is the number of elements a chunk holds: about the 128 that
// Redis's quicklist nodes hold by default on short elements, but 127, so
// that a chunk's array (16 bytes an element, plus the 8-byte header Go puts
// on every object over 512 bytes that holds pointers) fits the 2048-byte
// size class exactly. With 128 it takes the 2304-byte class: 2 bytes an
// element more (TestMemoryPerElement).
const chunkSize = 127

// firstChunk is the capacity of a list's first chunk: a short list's only
// chunk starts this small and doubles up to chunkSize, so that a list of a
// few elements costs about as much as a few strings.
const firstChunk = 4

// chunk holds the elements a[lo:hi]. len(a) is chunkSize, except in the
// only chunk of a short list.
type chunk struct {
	lo, hi int
	a      []string
}

// growChunk doubles the capacity of a small chunk (up to chunkSize), putting
// its elements at the end of the new array if room is needed at the front,
// else at its start.
func growChunk(c *chunk, roomAtFront bool) {
	a := make([]string, min(2*len(c.a), chunkSize))
	lo := 0
	if roomAtFront {
		lo = len(a) - c.len()
	}
	hi := lo + copy(a[lo:], c.a[c.lo:c.hi])
	c.a, c.lo, c.hi = a, lo, hi
}

// small reports whether c is the only chunk and can still grow.
func (d *Deque) small(c *chunk) bool { return d.nc == 1 && len(c.a) < chunkSize }

func (c *chunk) len() int { return c.hi - c.lo }

// Deque is a list of strings. The zero value is an empty list ready to use.
type Deque struct {
	cs  []*chunk // cs[off:off+nc] are the chunks in order; the rest is free room
	off int
	nc  int
	n   int // elements
	// bytes is the heap the elements' strings hold, memsize.String of
	// each, kept up to date by every change (see MemUsage).
	bytes int64
}

// MemUsage returns the bytes the deque holds on the Go heap: the chunk
// slice, the chunks with their arrays (full or not) and the elements'
// strings, in the allocator's size classes. It is O(1): the strings' bytes
// are counted as they come and go. The Deque value itself is the caller's.
func (d *Deque) MemUsage() int64 {
	var c chunk
	m := memsize.Alloc(8*len(d.cs)) + d.bytes
	switch {
	case d.nc == 1:
		m += memsize.Alloc(int(unsafe.Sizeof(c))) + memsize.Alloc(16*len(d.first().a))
	case d.nc > 1:
		m += int64(d.nc) * (memsize.Alloc(int(unsafe.Sizeof(c))) + memsize.Alloc(16*chunkSize))
	}
	return m
}

// Len returns the number of elements.
func (d *Deque) Len() int { return d.n }

func (d *Deque) first() *chunk { return d.cs[d.off] }
func (d *Deque) last() *chunk  { return d.cs[d.off+d.nc-1] }

// chunkAt returns the i-th chunk (0 ≤ i < nc).
func (d *Deque) chunkAt(i int) *chunk { return d.cs[d.off+i] }

// grow makes room for one more chunk pointer at the front or the back,
// recentering the chunks in a slice twice their number.
func (d *Deque) grow() {
	size := 2*d.nc + 4
	cs := make([]*chunk, size)
	off := (size - d.nc) / 2
	copy(cs[off:], d.cs[d.off:d.off+d.nc])
	d.cs, d.off = cs, off
}

func (d *Deque) appendChunk(c *chunk) {
	if d.off+d.nc == len(d.cs) {
		d.grow()
	}
	d.cs[d.off+d.nc] = c
	d.nc++
}

func (d *Deque) prependChunk(c *chunk) {
	if d.off == 0 {
		d.grow()
	}
	d.off--
	d.cs[d.off] = c
	d.nc++
}

// insertChunk puts c at chunk position i (0 ≤ i ≤ nc).
func (d *Deque) insertChunk(i int, c *chunk) {
	if d.off+d.nc == len(d.cs) {
		d.grow()
	}
	copy(d.cs[d.off+i+1:d.off+d.nc+1], d.cs[d.off+i:d.off+d.nc])
	d.cs[d.off+i] = c
	d.nc++
}

// removeChunk drops the empty chunk at position i.
func (d *Deque) removeChunk(i int) {
	switch {
	case i == 0:
		d.cs[d.off] = nil
		d.off++
	default:
		copy(d.cs[d.off+i:], d.cs[d.off+i+1:d.off+d.nc])
		d.cs[d.off+d.nc-1] = nil
	}
	d.nc--
	if d.nc == 0 {
		d.cs, d.off = nil, 0
	}
}

// PushBack appends s at the end (RPUSH).
func (d *Deque) PushBack(s string) {
	switch {
	case d.nc == 0:
		d.appendChunk(&chunk{a: make([]string, firstChunk)})
	case d.last().hi == len(d.last().a):
		if c := d.last(); d.small(c) {
			growChunk(c, false)
		} else {
			d.appendChunk(&chunk{a: make([]string, chunkSize)})
		}
	}
	c := d.last()
	c.a[c.hi] = s
	c.hi++
	d.n++
	d.bytes += memsize.String(len(s))
}

// PushFront puts s at the start (LPUSH).
func (d *Deque) PushFront(s string) {
	switch {
	case d.nc == 0:
		d.prependChunk(&chunk{lo: firstChunk, hi: firstChunk, a: make([]string, firstChunk)})
	case d.first().lo == 0:
		if c := d.first(); d.small(c) {
			growChunk(c, true)
		} else {
			d.prependChunk(&chunk{lo: chunkSize, hi: chunkSize, a: make([]string, chunkSize)})
		}
	}
	c := d.first()
	c.lo--
	c.a[c.lo] = s
	d.n++
	d.bytes += memsize.String(len(s))
}

// PopFront removes and returns the first element; ok is false if the deque
// is empty.
func (d *Deque) PopFront() (s string, ok bool) {
	if d.n == 0 {
		return "", false
	}
	c := d.first()
	s = c.a[c.lo]
	c.a[c.lo] = ""
	c.lo++
	d.n--
	d.bytes -= memsize.String(len(s))
	if c.lo == c.hi {
		d.removeChunk(0)
	}
	return s, true
}

// PopBack removes and returns the last element; ok is false if the deque is
// empty.
func (d *Deque) PopBack() (s string, ok bool) {
	if d.n == 0 {
		return "", false
	}
	c := d.last()
	c.hi--
	s = c.a[c.hi]
	c.a[c.hi] = ""
	d.n--
	d.bytes -= memsize.String(len(s))
	if c.lo == c.hi {
		d.removeChunk(d.nc - 1)
	}
	return s, true
}

// locate returns the chunk position holding element i (0 ≤ i < n) and i's
// offset in that chunk's a, walking from the nearer end.
func (d *Deque) locate(i int) (ci, j int) {
	if i < d.n/2 {
		for ci = 0; ; ci++ {
			c := d.chunkAt(ci)
			if i < c.len() {
				return ci, c.lo + i
			}
			i -= c.len()
		}
	}
	i = d.n - 1 - i // position counted from the back
	for ci = d.nc - 1; ; ci-- {
		c := d.chunkAt(ci)
		if i < c.len() {
			return ci, c.hi - 1 - i
		}
		i -= c.len()
	}
}

// At returns element i; it panics unless 0 ≤ i < Len().
func (d *Deque) At(i int) string {
	if i < 0 || i >= d.n {
		panic("deque: index out of range")
	}
	ci, j := d.locate(i)
	return d.chunkAt(ci).a[j]
}

// Set replaces element i; it panics unless 0 ≤ i < Len().
func (d *Deque) Set(i int, s string) {
	if i < 0 || i >= d.n {
		panic("deque: index out of range")
	}
	ci, j := d.locate(i)
	a := d.chunkAt(ci).a
	d.bytes += memsize.String(len(s)) - memsize.String(len(a[j]))
	a[j] = s
}

// Insert puts s before element i, so that it becomes element i
// (0 ≤ i ≤ Len(); i == Len() appends). It panics on another i.
func (d *Deque) Insert(i int, s string) {
	switch {
	case i < 0 || i > d.n:
		panic("deque: index out of range")
	case i == 0:
		d.PushFront(s)
		return
	case i == d.n:
		d.PushBack(s)
		return
	}
	ci, j := d.locate(i)
	c := d.chunkAt(ci)
	if c.len() == len(c.a) && d.small(c) {
		growChunk(c, false)
		j = c.lo + i // the only chunk: i is the offset in it
	}
	if c.len() == chunkSize {
		// Split: the upper half moves to a new chunk after c.
		half := chunkSize / 2
		nc := &chunk{a: make([]string, chunkSize)}
		nc.hi = copy(nc.a[:], c.a[half:])
		clear(c.a[half:])
		c.hi = half
		d.insertChunk(ci+1, nc)
		if j >= half {
			c, j = nc, j-half
		}
	}
	switch {
	case c.hi < len(c.a): // shift a[j:hi] up
		copy(c.a[j+1:c.hi+1], c.a[j:c.hi])
		c.a[j] = s
		c.hi++
	default: // c.lo > 0: shift a[lo:j] down
		copy(c.a[c.lo-1:j-1], c.a[c.lo:j])
		c.lo--
		c.a[j-1] = s
	}
	d.n++
	d.bytes += memsize.String(len(s))
}

// Remove deletes element i; it panics unless 0 ≤ i < Len().
func (d *Deque) Remove(i int) {
	if i < 0 || i >= d.n {
		panic("deque: index out of range")
	}
	ci, j := d.locate(i)
	c := d.chunkAt(ci)
	d.bytes -= memsize.String(len(c.a[j]))
	copy(c.a[j:c.hi-1], c.a[j+1:c.hi])
	c.hi--
	c.a[c.hi] = ""
	d.n--
	if c.lo == c.hi {
		d.removeChunk(ci)
	}
}

// Trim keeps elements start..stop (inclusive) and drops the rest; an empty
// range (start > stop, or outside 0..Len()-1 after clamping) empties the
// deque. Whole chunks outside the range are dropped without being walked.
func (d *Deque) Trim(start, stop int) {
	start = max(start, 0)
	stop = min(stop, d.n-1)
	if start > stop {
		*d = Deque{}
		return
	}
	dropBack := d.n - 1 - stop
	for start > 0 {
		c := d.first()
		if c.len() <= start {
			d.bytes -= stringBytes(c.a[c.lo:c.hi])
			start -= c.len()
			d.n -= c.len()
			d.removeChunk(0)
			continue
		}
		d.bytes -= stringBytes(c.a[c.lo : c.lo+start])
		clear(c.a[c.lo : c.lo+start])
		c.lo += start
		d.n -= start
		start = 0
	}
	for dropBack > 0 {
		c := d.last()
		if c.len() <= dropBack {
			d.bytes -= stringBytes(c.a[c.lo:c.hi])
			dropBack -= c.len()
			d.n -= c.len()
			d.removeChunk(d.nc - 1)
			continue
		}
		d.bytes -= stringBytes(c.a[c.hi-dropBack : c.hi])
		clear(c.a[c.hi-dropBack : c.hi])
		c.hi -= dropBack
		d.n -= dropBack
		dropBack = 0
	}
}

// Range calls fn for elements from index i towards the back (or, with
// reverse, towards the front) until fn returns false or the end is reached.
// fn receives each element's index. i outside 0..Len()-1 calls nothing.
func (d *Deque) Range(i int, reverse bool, fn func(i int, s string) bool) {
	if i < 0 || i >= d.n {
		return
	}
	ci, j := d.locate(i)
	if !reverse {
		for ; ci < d.nc; ci++ {
			c := d.chunkAt(ci)
			for ; j < c.hi; j++ {
				if !fn(i, c.a[j]) {
					return
				}
				i++
			}
			if ci+1 < d.nc {
				j = d.chunkAt(ci + 1).lo
			}
		}
		return
	}
	for ; ci >= 0; ci-- {
		c := d.chunkAt(ci)
		for ; j >= c.lo; j-- {
			if !fn(i, c.a[j]) {
				return
			}
			i--
		}
		if ci > 0 {
			j = d.chunkAt(ci-1).hi - 1
		}
	}
}

// RemoveIf deletes the elements for which match returns true, at most limit
// of them (limit ≤ 0: all), scanning from the front, or from the back with
// reverse. It returns how many it removed. Each chunk is compacted in place
// in one pass.
func (d *Deque) RemoveIf(match func(s string) bool, limit int, reverse bool) int {
	removed := 0
	done := func() bool { return limit > 0 && removed == limit }
	if !reverse {
		for ci := 0; ci < d.nc && !done(); {
			c := d.chunkAt(ci)
			w := c.lo
			for r := c.lo; r < c.hi; r++ {
				if !done() && match(c.a[r]) {
					removed++
					d.bytes -= memsize.String(len(c.a[r]))
					continue
				}
				c.a[w] = c.a[r]
				w++
			}
			clear(c.a[w:c.hi])
			d.n -= c.hi - w
			c.hi = w
			if c.lo == c.hi {
				d.removeChunk(ci)
			} else {
				ci++
			}
		}
		return removed
	}
	for ci := d.nc - 1; ci >= 0 && !done(); ci-- {
		c := d.chunkAt(ci)
		w := c.hi - 1
		for r := c.hi - 1; r >= c.lo; r-- {
			if !done() && match(c.a[r]) {
				removed++
				d.bytes -= memsize.String(len(c.a[r]))
				continue
			}
			c.a[w] = c.a[r]
			w--
		}
		clear(c.a[c.lo : w+1])
		d.n -= w + 1 - c.lo
		c.lo = w + 1
		if c.lo == c.hi {
			d.removeChunk(ci)
		}
	}
	return removed
}

// stringBytes is the heap the strings of ss hold (see MemUsage).
func stringBytes(ss []string) int64 {
	var b int64
	for _, s := range ss {
		b += memsize.String(len(s))
	}
	return b
}

// Clone returns an independent copy, its chunks packed full.
func (d *Deque) Clone() *Deque {
	out := &Deque{}
	d.Range(0, false, func(_ int, s string) bool {
		out.PushBack(s)
		return true
	})
	return out
}
