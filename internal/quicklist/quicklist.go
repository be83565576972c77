// Package quicklist is the structure behind embedis's lists: Redis 7.0's
// quicklist, a sequence of nodes each holding a run of elements packed in a
// listpack (internal/listpack), so that a short element costs its listpack
// entry (an encoding byte, its bytes, a back-length byte: 18 bytes for a
// 16-byte string) instead of a Go string header and a separate allocation.
//
// # Why Redis's nodes, exactly
//
// Redis writes a list (DUMP, RDB) as its nodes, one listpack each. To write
// the same bytes, the nodes here are cut and merged exactly where Redis
// 7.0.15 cuts and merges them, and an RDB writer writes them as they are
// (EachNode). The rules, as quicklist.c has them:
//
//   - list-max-listpack-size (the list's fill, fixed when the list is
//     created): negative -1..-5 bounds a node's listpack to 4, 8, 16, 32 or
//     64 KB; positive n bounds it to n elements and 8 KB. A push at either
//     end goes into the end node if the node's size plus the element's
//     length plus 8 (Redis's estimate of an entry's overhead) is within the
//     bound (allowInsert), else into a new node.
//   - An element of packedThreshold bytes or more (1 GB) gets a plain node
//     of its own (its bytes, no listpack), wherever it is inserted.
//   - A pop, LTRIM, LREM deletes entries from their nodes and drops the
//     nodes they empty, merging nothing; LSET rewrites the entry in place,
//     even past the bound.
//   - LINSERT goes into the pivot's node if it fits, else into the bordering
//     neighbour if the element borders it and it fits, else into a new node
//     when it borders a full neighbour or the end, else the pivot's node is
//     split around the pivot, the element joins the new half and the nodes
//     around are merged where the merged size (less 11 bytes) fits the
//     bound (mergeAround).
//
// # Layout
//
// A node keeps its entries without the listpack's header and terminator
// (which an RDB writer adds: listpack.Start, Finish) in a byte slice with
// free room at the end a push goes to: after its entries for a node pushed
// at the tail, before them for one pushed at the head, so that a push at
// either end writes one entry and moves nothing. Nodes live in a ring
// buffer: a push or pop of a node at either end is O(1) amortised; a node
// inserted or removed in the middle (LINSERT, LREM) shifts the ring, O(nodes).
// Finding index i walks the node counts from the nearer end and then the
// node's entries from its nearer end (back-lengths make the walk backwards
// possible): O(nodes + node size).
//
// # Memory
//
// MemUsage is kept as the nodes change (the allocation size class of every
// node's buffer, and the ring), at O(1) per change. A node grows by doubling
// up to its bound; when a push opens a new end node, the node it leaves
// behind is cut to its size (one copy of at most the bound, amortised over
// the pushes that filled it), so that full nodes hold no free room.
package quicklist

import (
	"unsafe"

	"github.com/embedis/embedis/internal/listpack"
	"github.com/embedis/embedis/internal/memsize"
)

const (
	// DefaultFill is Redis's default list-max-listpack-size: 8 KB nodes.
	DefaultFill = -2
	// MinFill and MaxFill bound the fill: Redis clamps a smaller one to
	// -5 and a larger one to 32767.
	MinFill = -5
	MaxFill = 1<<15 - 1

	sizeSafetyLimit      = 8192 // the size bound of count-limited nodes
	sizeEstimateOverhead = 8    // Redis's estimate of an entry's overhead
	mergeOverhead        = 11   // what Redis takes off two sizes added to merge
)

// optimizationLevel are the size bounds of fills -1..-5.
var optimizationLevel = [...]int{4096, 8192, 16384, 32768, 65536}

// packedThreshold: elements of this many bytes or more get a plain node.
// Redis's default, 1 GB; tests lower it (SetPackedThreshold).
var packedThreshold = 1 << 30

// ClampFill returns fill as Redis 7.0 applies it to a new list: below -5 is
// -5, above 32767 is 32767.
func ClampFill(fill int) int { return min(max(fill, MinFill), MaxFill) }

// node holds count elements: entries buf[start:] of a listpack, or (plain)
// one element's bytes.
type node struct {
	buf   []byte
	start int32
	count int32
	plain bool
}

const nodeBytes = int(unsafe.Sizeof(node{}))

func (n *node) entries() []byte { return n.buf[n.start:] }

// size is Redis's node size: its listpack's bytes, or a plain element's.
func (n *node) size() int {
	if n.plain {
		return len(n.buf) - int(n.start)
	}
	return listpack.EmptySize + len(n.buf) - int(n.start)
}

// List is a quicklist. Create one with New; the zero List is not usable.
// A List must not be copied (use Clone): copies share nodes.
type List struct {
	ring  []node // len a power of two, or 0
	head  int
	nodes int
	count int
	fill  int
	mem   int64 // memsize.Alloc of every node's buffer
}

// New returns an empty list whose nodes follow fill (list-max-listpack-size,
// clamped by ClampFill).
func New(fill int) List { return List{fill: ClampFill(fill)} }

// Len returns the number of elements.
func (l *List) Len() int { return l.count }

// Nodes returns the number of nodes.
func (l *List) Nodes() int { return l.nodes }

// Fill returns the list's list-max-listpack-size.
func (l *List) Fill() int { return l.fill }

// MemUsage returns the bytes the list's nodes and ring hold on the Go heap
// (not the List struct itself), in O(1).
func (l *List) MemUsage() int64 { return l.mem + memsize.Alloc(len(l.ring)*nodeBytes) }

func (l *List) at(i int) *node { return &l.ring[(l.head+i)&(len(l.ring)-1)] }

// large reports whether an element of sz bytes gets a plain node.
func large(sz int) bool { return sz >= packedThreshold }

// limit is the largest listpack a node of this list may reach by pushes.
func (l *List) limit() int {
	if l.fill < 0 {
		return optimizationLevel[-l.fill-1]
	}
	return sizeSafetyLimit
}

// allowInsert is Redis's _quicklistNodeAllowInsert: whether an element of
// sz bytes goes into nd (nil: no node).
func (l *List) allowInsert(nd *node, sz int) bool {
	if nd == nil || nd.plain || large(sz) {
		return false
	}
	newSz := nd.size() + sz + sizeEstimateOverhead
	if l.fill < 0 && newSz <= optimizationLevel[-l.fill-1] {
		return true
	}
	if newSz > sizeSafetyLimit {
		return false
	}
	return int(nd.count) < l.fill
}

// allowMerge is Redis's _quicklistNodeAllowMerge.
func (l *List) allowMerge(a, b *node) bool {
	if a.plain || b.plain {
		return false
	}
	sz := a.size() + b.size() - mergeOverhead
	if l.fill < 0 && sz <= optimizationLevel[-l.fill-1] {
		return true
	}
	if sz > sizeSafetyLimit {
		return false
	}
	return int(a.count+b.count) <= l.fill
}

// setBuf gives nd the buffer b (entries b[start:]), accounting for it.
func (l *List) setBuf(nd *node, b []byte, start int) {
	l.mem += memsize.Alloc(cap(b)) - memsize.Alloc(cap(nd.buf))
	nd.buf, nd.start = b, int32(start)
}

// newBuf returns a buffer for used bytes of entries with room for at least
// room more, the capacity rounded up to the allocation's size class.
func newBuf(used, room int) []byte {
	c := int(memsize.Alloc(used + room))
	return make([]byte, c)
}

// reserve makes room for need more bytes at nd's front or back, doubling
// the node's buffer up to the list's node bound.
func (l *List) reserve(nd *node, front bool, need int) {
	if front && int(nd.start) >= need || !front && cap(nd.buf)-len(nd.buf) >= need {
		return
	}
	ents := nd.entries()
	used := len(ents)
	room := max(need, min(used, l.limit()-used))
	b := newBuf(used, room)
	if front {
		at := len(b) - used
		copy(b[at:], ents)
		l.setBuf(nd, b, at)
		return
	}
	n := copy(b, ents)
	l.setBuf(nd, b[:n], 0)
}

// compact cuts nd's buffer to its entries when more than an eighth of it
// is free.
func (l *List) compact(nd *node) {
	ents := nd.entries()
	if memsize.Alloc(cap(nd.buf)) <= memsize.Alloc(len(ents))+int64(len(ents)/8) {
		return
	}
	b := newBuf(len(ents), 0)
	n := copy(b, ents)
	l.setBuf(nd, b[:n], 0)
}

// insertNode puts nd at position i (0..nodes) of the ring.
func (l *List) insertNode(i int, nd node) {
	if l.nodes == len(l.ring) {
		l.resize(max(4, 2*len(l.ring)))
	}
	mask := len(l.ring) - 1
	if i < l.nodes-i {
		l.head = (l.head - 1) & mask
		for k := 0; k < i; k++ {
			*l.at(k) = *l.at(k + 1)
		}
	} else {
		for k := l.nodes; k > i; k-- {
			l.ring[(l.head+k)&mask] = *l.at(k - 1)
		}
	}
	l.nodes++
	*l.at(i) = nd
	l.mem += memsize.Alloc(cap(nd.buf))
}

// removeNode takes node i out of the ring.
func (l *List) removeNode(i int) {
	l.mem -= memsize.Alloc(cap(l.at(i).buf))
	if i < l.nodes-1-i {
		for k := i; k > 0; k-- {
			*l.at(k) = *l.at(k - 1)
		}
		*l.at(0) = node{}
		l.head = (l.head + 1) & (len(l.ring) - 1)
	} else {
		for k := i; k < l.nodes-1; k++ {
			*l.at(k) = *l.at(k + 1)
		}
		*l.at(l.nodes - 1) = node{}
	}
	l.nodes--
	if l.nodes == 0 {
		l.ring, l.head = nil, 0
	} else if len(l.ring) > 8 && l.nodes < len(l.ring)/4 {
		l.resize(len(l.ring) / 2)
	}
}

func (l *List) resize(n int) {
	r := make([]node, n)
	for k := 0; k < l.nodes; k++ {
		r[k] = *l.at(k)
	}
	l.ring, l.head = r, 0
}

// plainNode returns a plain node holding s.
func plainNode(s string) node {
	b := make([]byte, len(s))
	copy(b, s)
	return node{buf: b, count: 1, plain: true}
}

// packedNode returns a node of the one element s, with room for pushes at
// its front or back.
func (l *List) packedNode(s string, front bool) node {
	size := listpack.EntrySize(s)
	b := newBuf(size, max(0, min(size, l.limit()-size)))
	at := 0
	if front {
		at = len(b) - size
	}
	listpack.AppendString(b[at:at], s)
	if front {
		return node{buf: b, start: int32(at), count: 1}
	}
	return node{buf: b[:size], count: 1}
}

// PushFront inserts s at the head (LPUSH).
func (l *List) PushFront(s string) {
	l.count++
	if large(len(s)) {
		l.insertNode(0, plainNode(s))
		return
	}
	if l.nodes > 0 {
		if nd := l.at(0); l.allowInsert(nd, len(s)) {
			size := listpack.EntrySize(s)
			l.reserve(nd, true, size)
			at := int(nd.start) - size
			listpack.AppendString(nd.buf[at:at], s)
			nd.start = int32(at)
			nd.count++
			return
		}
		l.compact(l.at(0))
	}
	l.insertNode(0, l.packedNode(s, true))
}

// PushBack appends s at the tail (RPUSH).
func (l *List) PushBack(s string) {
	l.count++
	if large(len(s)) {
		l.insertNode(l.nodes, plainNode(s))
		return
	}
	if l.nodes > 0 {
		if nd := l.at(l.nodes - 1); l.allowInsert(nd, len(s)) {
			l.reserve(nd, false, listpack.EntrySize(s))
			nd.buf = listpack.AppendString(nd.buf, s)
			nd.count++
			return
		}
		l.compact(l.at(l.nodes - 1))
	}
	l.insertNode(l.nodes, l.packedNode(s, false))
}

// decodeAt returns the element of nd whose entry starts at byte p of its
// entries, and the entry's size.
func decodeAt(nd *node, p int) (listpack.Entry, int) {
	ents := nd.entries()
	if nd.plain {
		return listpack.Entry{Str: ents}, len(ents)
	}
	return listpack.Decode(ents[p:])
}

// PopFront removes and returns the head element (LPOP); false if the list
// is empty.
func (l *List) PopFront() (string, bool) {
	if l.count == 0 {
		return "", false
	}
	nd := l.at(0)
	e, n := decodeAt(nd, 0)
	s := e.String()
	l.count--
	if nd.count--; nd.count == 0 {
		l.removeNode(0)
	} else {
		nd.start += int32(n)
	}
	return s, true
}

// PopBack removes and returns the tail element (RPOP); false if the list
// is empty.
func (l *List) PopBack() (string, bool) {
	if l.count == 0 {
		return "", false
	}
	nd := l.at(l.nodes - 1)
	var s string
	l.count--
	if nd.count == 1 {
		e, _ := decodeAt(nd, 0)
		s = e.String()
		l.removeNode(l.nodes - 1)
		return s, true
	}
	ents := nd.entries()
	n := listpack.PrevLen(ents)
	e, _ := listpack.Decode(ents[len(ents)-n:])
	s = e.String()
	nd.buf = nd.buf[:len(nd.buf)-n]
	nd.count--
	return s, true
}

// locate returns the node holding element i (0 <= i < Len) and i's offset
// in it, walking from the nearer end.
func (l *List) locate(i int) (k, off int) {
	if i <= l.count/2 {
		for k = 0; ; k++ {
			c := int(l.at(k).count)
			if i < c {
				return k, i
			}
			i -= c
		}
	}
	j := l.count - 1 - i // from the tail
	for k = l.nodes - 1; ; k-- {
		c := int(l.at(k).count)
		if j < c {
			return k, c - 1 - j
		}
		j -= c
	}
}

// entryAt returns the byte offset and size of element off of a packed nd,
// walking from its nearer end.
func entryAt(nd *node, off int) (p, size int) {
	ents := nd.entries()
	if off <= int(nd.count)/2 {
		for ; off > 0; off-- {
			p += listpack.EntryLen(ents[p:])
		}
		return p, listpack.EntryLen(ents[p:])
	}
	q := len(ents)
	for k := int(nd.count) - 1; k > off; k-- {
		q -= listpack.PrevLen(ents[:q])
	}
	size = listpack.PrevLen(ents[:q])
	return q - size, size
}

// Index returns element i (0 <= i < Len).
func (l *List) Index(i int) string {
	k, off := l.locate(i)
	nd := l.at(k)
	p := 0
	if !nd.plain {
		p, _ = entryAt(nd, off)
	}
	e, _ := decodeAt(nd, p)
	return e.String()
}

// splice replaces the bytes [p, p+del) of nd's entries with add.
func (l *List) splice(nd *node, p, del int, add []byte) {
	ents := nd.entries()
	used := len(ents) - del + len(add)
	if int(nd.start)+used <= cap(nd.buf) {
		b := nd.buf[:int(nd.start)+max(used, len(ents))]
		e := b[nd.start:]
		copy(e[p+len(add):], ents[p+del:])
		copy(e[p:], add)
		nd.buf = b[:int(nd.start)+used]
		return
	}
	b := newBuf(used, 0)
	copy(b, ents[:p])
	copy(b[p:], add)
	copy(b[p+len(add):], ents[p+del:])
	l.setBuf(nd, b[:used], 0)
}

// Set replaces element i (0 <= i < Len) with s (LSET): in place in its
// listpack, as Redis; a plain node's element, or an element that takes or
// leaves a plain node, as quicklistReplaceEntry does.
func (l *List) Set(i int, s string) {
	k, off := l.locate(i)
	nd := l.at(k)
	switch big := large(len(s)); {
	case !nd.plain && !big:
		p, size := entryAt(nd, off)
		l.splice(nd, p, size, listpack.AppendString(nil, s))
		if size > listpack.EntrySize(s) {
			l.compact(nd)
		}
	case nd.plain && big:
		b := []byte(s)
		l.setBuf(nd, b, 0)
	case nd.plain:
		// Inserted after the plain node (into the next node or a new
		// one), then the plain node is dropped.
		l.Insert(i, s, true)
		l.removeNode(k)
		l.count--
	default:
		// A plain node after the element (splitting its node), then the
		// element, now its node's last, is deleted.
		l.Insert(i, s, true)
		nd = l.at(k)
		if nd.count == 1 {
			l.removeNode(k)
		} else {
			ents := nd.entries()
			n := listpack.PrevLen(ents)
			nd.buf = nd.buf[:len(nd.buf)-n]
			nd.count--
		}
		l.count--
	}
}

// Insert inserts s before (after false) or after element p (0 <= p < Len),
// as Redis's _quicklistInsert (LINSERT).
func (l *List) Insert(p int, s string, after bool) {
	k, off := l.locate(p)
	nd := l.at(k)
	sz := len(s)
	full := !l.allowInsert(nd, sz)
	atTail := after && off == int(nd.count)-1
	atHead := !after && off == 0
	availNext := atTail && k+1 < l.nodes && l.allowInsert(l.at(k+1), sz)
	availPrev := atHead && k > 0 && l.allowInsert(l.at(k-1), sz)
	l.count++
	if large(sz) {
		switch {
		case nd.plain || atTail || atHead:
			if after {
				k++
			}
			l.insertNode(k, plainNode(s))
		case after:
			right := l.split(nd, off, true)
			l.insertNode(k+1, plainNode(s))
			l.insertNode(k+2, right)
		default:
			left := l.split(nd, off, false)
			l.insertNode(k, plainNode(s))
			l.insertNode(k, left)
		}
		return
	}
	switch {
	case !full:
		q := off
		if after {
			q++
		}
		var at int
		if q == int(nd.count) {
			at = len(nd.entries())
		} else {
			at, _ = entryAt(nd, q)
		}
		l.splice(nd, at, 0, listpack.AppendString(nil, s))
		nd.count++
	case availNext:
		next := l.at(k + 1)
		l.splice(next, 0, 0, listpack.AppendString(nil, s))
		next.count++
	case availPrev:
		prev := l.at(k - 1)
		l.splice(prev, len(prev.entries()), 0, listpack.AppendString(nil, s))
		prev.count++
	case atTail:
		l.insertNode(k+1, l.packedNode(s, false))
	case atHead:
		l.insertNode(k, l.packedNode(s, true))
	case after:
		l.insertNode(k+1, l.split(nd, off, true))
		right := l.at(k + 1)
		l.splice(right, 0, 0, listpack.AppendString(nil, s))
		right.count++
		l.mergeAround(k)
	default:
		l.insertNode(k, l.split(nd, off, false))
		left := l.at(k)
		l.splice(left, len(left.entries()), 0, listpack.AppendString(nil, s))
		left.count++
		l.mergeAround(k + 1)
	}
}

// split cuts the packed nd as Redis's _quicklistSplitNode: with after, nd
// keeps elements 0..off and the returned node (not in the ring, its buffer
// not yet accounted) holds the rest; without, the returned node holds
// elements 0..off-1 and nd keeps the rest.
func (l *List) split(nd *node, off int, after bool) node {
	cut := off
	if after {
		cut++
	}
	p, _ := entryAt(nd, cut)
	if cut == int(nd.count) {
		p = len(nd.entries())
	}
	ents := nd.entries()
	var part []byte
	var n int32
	if after {
		part, n = ents[p:], nd.count-int32(cut)
	} else {
		part, n = ents[:p], int32(cut)
	}
	b := newBuf(len(part), 0)
	copy(b, part)
	out := node{buf: b[:len(part)], count: n}
	if after {
		l.splice(nd, p, len(ents)-p, nil)
	} else {
		l.splice(nd, 0, p, nil)
	}
	nd.count -= n
	l.compact(nd)
	return out
}

// merge joins nodes a and a+1 into one at a.
func (l *List) merge(a int) {
	x, y := l.at(a), l.at(a+1)
	ex, ey := x.entries(), y.entries()
	b := newBuf(len(ex)+len(ey), 0)
	copy(b, ex)
	copy(b[len(ex):], ey)
	l.setBuf(x, b[:len(ex)+len(ey)], 0)
	x.count += y.count
	l.removeNode(a + 1)
}

// mergeAround merges the nodes around node c after a split, as Redis's
// _quicklistMergeNodes: the two before it, the two after it, c with the one
// before it, and the result with the one after it, each pair only if
// allowMerge.
func (l *List) mergeAround(c int) {
	fits := func(a int) bool { return a >= 0 && a+1 < l.nodes && l.allowMerge(l.at(a), l.at(a+1)) }
	if c >= 2 && fits(c-2) {
		l.merge(c - 2)
		c--
	}
	if fits(c + 1) {
		l.merge(c + 1)
	}
	target := c
	if c >= 1 && fits(c-1) {
		l.merge(c - 1)
		target = c - 1
	}
	if fits(target) {
		l.merge(target)
	}
}

// DeleteFront removes the first n elements (0 <= n <= Len), dropping the
// nodes they empty (LTRIM, LPOP with a count).
func (l *List) DeleteFront(n int) {
	for n > 0 {
		nd := l.at(0)
		if n >= int(nd.count) {
			n -= int(nd.count)
			l.count -= int(nd.count)
			l.removeNode(0)
			continue
		}
		p, _ := entryAt(nd, n)
		nd.start += int32(p)
		nd.count -= int32(n)
		l.count -= n
		l.compact(nd)
		return
	}
}

// DeleteBack removes the last n elements (0 <= n <= Len).
func (l *List) DeleteBack(n int) {
	for n > 0 {
		k := l.nodes - 1
		nd := l.at(k)
		if n >= int(nd.count) {
			n -= int(nd.count)
			l.count -= int(nd.count)
			l.removeNode(k)
			continue
		}
		p, _ := entryAt(nd, int(nd.count)-n)
		nd.buf = nd.buf[:int(nd.start)+p]
		nd.count -= int32(n)
		l.count -= n
		l.compact(nd)
		return
	}
}

// Each calls fn with the elements from index from (0 <= from < Len) towards
// the tail, or towards the head with reverse, until fn returns false. The
// entry's bytes are valid only during the call.
func (l *List) Each(from int, reverse bool, fn func(i int, e listpack.Entry) bool) {
	if from < 0 || from >= l.count {
		return
	}
	k, off := l.locate(from)
	i := from
	for ; k >= 0 && k < l.nodes; off = -1 {
		nd := l.at(k)
		ents := nd.entries()
		if nd.plain {
			if !fn(i, listpack.Entry{Str: ents}) {
				return
			}
		} else if !reverse {
			if off < 0 {
				off = 0
			}
			p := 0
			if off > 0 {
				p, _ = entryAt(nd, off)
			}
			for ; p < len(ents); i++ {
				e, n := listpack.Decode(ents[p:])
				if !fn(i, e) {
					return
				}
				p += n
			}
		} else {
			if off < 0 {
				off = int(nd.count) - 1
			}
			q := len(ents)
			if off < int(nd.count)-1 {
				p, size := entryAt(nd, off)
				q = p + size
			}
			for q > 0 {
				n := listpack.PrevLen(ents[:q])
				e, _ := listpack.Decode(ents[q-n : q])
				if !fn(i, e) {
					return
				}
				q -= n
				i--
			}
		}
		if reverse {
			k--
			if nd.plain {
				i--
			}
		} else {
			k++
			if nd.plain {
				i++
			}
		}
	}
}

// cursor is a place in the list: node k, byte p of its entries.
type cursor struct {
	l    *List
	k, p int
}

// cursorAt returns a cursor at element i (0 <= i < Len).
func (l *List) cursorAt(i int) cursor {
	k, off := l.locate(i)
	p := 0
	if nd := l.at(k); !nd.plain && off > 0 {
		p, _ = entryAt(nd, off)
	}
	return cursor{l, k, p}
}

// AppendRange appends elements i..j (0 <= i <= j < Len) to dst, as strings
// that share one allocation.
func (l *List) AppendRange(dst []string, i, j int) []string {
	n := j - i + 1
	var endsArr [128]int
	ends := endsArr[:0]
	buf := make([]byte, 0, 20*n)
	c := l.cursorAt(i)
	for n > 0 {
		nd := l.at(c.k)
		ents := nd.entries()
		if nd.plain {
			buf = append(buf, ents...)
			ends = append(ends, len(buf))
			n--
			c.k++
			continue
		}
		// The entries of the node, short strings decoded in line.
		p := c.p
		for ; p < len(ents) && n > 0; n-- {
			if h := ents[p]; h&0xC0 == 0x80 {
				size := int(h & 0x3F)
				buf = append(buf, ents[p+1:p+1+size]...)
				p += size + 2
			} else {
				e, size := listpack.Decode(ents[p:])
				buf = e.AppendTo(buf)
				p += size
			}
			ends = append(ends, len(buf))
		}
		c.k, c.p = c.k+1, 0
	}
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	from := 0
	for _, to := range ends {
		dst = append(dst, all[from:to])
		from = to
	}
	return dst
}

// RemoveIf removes the elements match accepts (LREM): at most limit of them
// (0: all), from the tail with reverse. Each is deleted from its node,
// nodes it empties are dropped, nothing is merged. It returns how many it
// removed.
func (l *List) RemoveIf(match func(e listpack.Entry) bool, limit int, reverse bool) int {
	removed := 0
	var offs []int
	var gone []bool
	for c := 0; c < l.nodes; c++ {
		k := c
		if reverse {
			k = l.nodes - 1 - c
		}
		nd := l.at(k)
		ents := nd.entries()
		if nd.plain {
			if match(listpack.Entry{Str: ents}) {
				removed++
				l.count--
				l.removeNode(k)
				c-- // the next node to look at has moved to k, or k-1 is next
			}
		} else {
			// The entries' offsets, then the matches in the direction of
			// the walk, then one pass moving the kept entries down.
			offs = offs[:0]
			for p := 0; p < len(ents); p += listpack.EntryLen(ents[p:]) {
				offs = append(offs, p)
			}
			offs = append(offs, len(ents))
			n := len(offs) - 1
			gone = append(gone[:0], make([]bool, n)...)
			hits := 0
			for t := 0; t < n && (limit <= 0 || removed+hits < limit); t++ {
				x := t
				if reverse {
					x = n - 1 - t
				}
				e, _ := listpack.Decode(ents[offs[x]:])
				if match(e) {
					gone[x] = true
					hits++
				}
			}
			if hits > 0 {
				w := 0
				for x := 0; x < n; x++ {
					if !gone[x] {
						w += copy(ents[w:], ents[offs[x]:offs[x+1]])
					}
				}
				nd.buf = nd.buf[:int(nd.start)+w]
				nd.count -= int32(hits)
				l.count -= hits
				removed += hits
				if nd.count == 0 {
					l.removeNode(k)
					c--
				} else {
					l.compact(nd)
				}
			}
		}
		if limit > 0 && removed >= limit {
			break
		}
	}
	return removed
}

// Clone returns a deep copy, each node's buffer cut to its entries.
func (l *List) Clone() List {
	c := List{fill: l.fill, count: l.count}
	if l.nodes == 0 {
		return c
	}
	c.ring = make([]node, len(l.ring))
	c.nodes = l.nodes
	for k := 0; k < l.nodes; k++ {
		nd := l.at(k)
		ents := nd.entries()
		b := newBuf(len(ents), 0)
		n := copy(b, ents)
		c.ring[k] = node{buf: b[:n], count: nd.count, plain: nd.plain}
		c.mem += memsize.Alloc(cap(b))
	}
	return c
}

// EachNode calls fn with every node, head to tail: its listpack's entries
// (without header and terminator) and element count, or (plain) its one
// element's bytes. The bytes are the list's: fn must not keep or change
// them.
func (l *List) EachNode(fn func(entries []byte, count int, plain bool)) {
	for k := 0; k < l.nodes; k++ {
		nd := l.at(k)
		fn(nd.entries(), int(nd.count), nd.plain)
	}
}

// NodeCounts returns the element count of each node, head to tail.
func (l *List) NodeCounts() []int {
	out := make([]int, l.nodes)
	for k := range out {
		out[k] = int(l.at(k).count)
	}
	return out
}

// AppendNode adds a node holding items after the tail, as Redis loads a
// node from a file: a plain node for one element of packedThreshold bytes
// or more, else a packed one, whatever its size. Empty items add nothing.
func (l *List) AppendNode(items []string) {
	if len(items) == 0 {
		return
	}
	l.count += len(items)
	if len(items) == 1 && large(len(items[0])) {
		l.insertNode(l.nodes, plainNode(items[0]))
		return
	}
	size := 0
	for _, s := range items {
		size += listpack.EntrySize(s)
	}
	b := newBuf(size, 0)[:0]
	for _, s := range items {
		b = listpack.AppendString(b, s)
	}
	l.insertNode(l.nodes, node{buf: b, count: int32(len(items))})
}
