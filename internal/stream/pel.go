package stream

import "unsafe"

// idIndex is an ordered map from ID to *Pending: a skip list. A group's
// pending entries list (PEL) and each consumer's are one each, as Redis
// keeps two radix trees. Insert, delete and find cost O(log n) expected
// time, a seek to the first ID at or after a given one too, and walking on
// from there costs O(1) an entry: XACK and XCLAIM touch one entry without
// scanning, XPENDING and XAUTOCLAIM walk a range. The levels come from a
// xorshift generator seeded per index, so a run is reproducible.
type idIndex struct {
	head  skipNode
	level int
	n     int
	rnd   uint64
}

const skipMaxLevel = 24

type skipNode struct {
	id   ID
	p    *Pending
	next []*skipNode
}

// skipNodeBytes is the heap an index node costs besides its next slice.
var skipNodeBytes = int64(unsafe.Sizeof(skipNode{}))

func (x *idIndex) init() {
	if x.head.next == nil {
		x.head.next = make([]*skipNode, skipMaxLevel)
		x.level = 1
		x.rnd = 0x9E3779B97F4A7C15
	}
}

func (x *idIndex) randomLevel() int {
	l := 1
	for l < skipMaxLevel {
		x.rnd ^= x.rnd << 13
		x.rnd ^= x.rnd >> 7
		x.rnd ^= x.rnd << 17
		if x.rnd&3 != 0 { // p = 1/4
			break
		}
		l++
	}
	return l
}

// Len returns the number of entries.
func (x *idIndex) Len() int { return x.n }

// find returns the entry with id, or nil.
func (x *idIndex) find(id ID) *Pending {
	if x.n == 0 {
		return nil
	}
	n := &x.head
	for l := x.level - 1; l >= 0; l-- {
		for n.next[l] != nil && n.next[l].id.Less(id) {
			n = n.next[l]
		}
	}
	if n = n.next[0]; n != nil && n.id == id {
		return n.p
	}
	return nil
}

// insert adds id → p; id must not be present. It returns the bytes the
// node costs.
func (x *idIndex) insert(id ID, p *Pending) int64 {
	x.init()
	var update [skipMaxLevel]*skipNode
	n := &x.head
	for l := x.level - 1; l >= 0; l-- {
		for n.next[l] != nil && n.next[l].id.Less(id) {
			n = n.next[l]
		}
		update[l] = n
	}
	lvl := x.randomLevel()
	if lvl > x.level {
		for l := x.level; l < lvl; l++ {
			update[l] = &x.head
		}
		x.level = lvl
	}
	nn := &skipNode{id: id, p: p, next: make([]*skipNode, lvl)}
	for l := 0; l < lvl; l++ {
		nn.next[l] = update[l].next[l]
		update[l].next[l] = nn
	}
	x.n++
	return nodeCost(lvl)
}

func nodeCost(lvl int) int64 {
	return skipNodeBytes + int64(lvl)*int64(unsafe.Sizeof((*skipNode)(nil)))
}

// remove deletes id and returns the bytes freed (0 if it was absent).
func (x *idIndex) remove(id ID) int64 {
	if x.n == 0 {
		return 0
	}
	var update [skipMaxLevel]*skipNode
	n := &x.head
	for l := x.level - 1; l >= 0; l-- {
		for n.next[l] != nil && n.next[l].id.Less(id) {
			n = n.next[l]
		}
		update[l] = n
	}
	n = n.next[0]
	if n == nil || n.id != id {
		return 0
	}
	for l := 0; l < len(n.next); l++ {
		update[l].next[l] = n.next[l]
	}
	for x.level > 1 && x.head.next[x.level-1] == nil {
		x.level--
	}
	x.n--
	return nodeCost(len(n.next))
}

// seek returns the first node with an ID at or after id, or nil.
func (x *idIndex) seek(id ID) *skipNode {
	if x.n == 0 {
		return nil
	}
	n := &x.head
	for l := x.level - 1; l >= 0; l-- {
		for n.next[l] != nil && n.next[l].id.Less(id) {
			n = n.next[l]
		}
	}
	return n.next[0]
}

// last returns the last node, or nil.
func (x *idIndex) last() *skipNode {
	if x.n == 0 {
		return nil
	}
	n := &x.head
	for l := x.level - 1; l >= 0; l-- {
		for n.next[l] != nil {
			n = n.next[l]
		}
	}
	return n
}

// Cursor walks an index in ID order from a seek; Next moves on.
type Cursor struct{ n *skipNode }

// Valid reports whether the cursor is on an entry.
func (c Cursor) Valid() bool { return c.n != nil }

// Pending returns the entry the cursor is on.
func (c Cursor) Pending() *Pending { return c.n.p }

// Next returns the cursor on the following entry.
func (c Cursor) Next() Cursor { return Cursor{c.n.next[0]} }
