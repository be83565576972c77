package embedis

import (
	"slices"

	"github.com/embedis/embedis/internal/rdb"
)

// Where Redis would cut a list into quicklist nodes, for DUMP and snapshots.
//
// Redis 7.0 holds a list as a quicklist: a chain of listpacks of at most
// about 8 KB each (list-max-listpack-size -2), and writes each node as it
// is. A push at either end goes into the end node if it fits
// (rdb.QuicklistFits), else into a new node; a pop takes from the end node
// and drops it once it is empty. So a list built by pushes at the tail has
// its nodes where a tail-only writer would cut them (rdb.Encoder.AppendList),
// but one built at the head, at both ends, or in the middle does not. To
// write the same bytes as Redis, every list remembers the element count and
// listpack size of each node and updates them as Redis 7.0.15 does, a few
// integer operations a change: pushes and pops, LTRIM, LSET and LREM (which
// trim, rewrite or delete entries in place and merge nothing), and LINSERT
// (into the pivot's node if it fits, else into the bordering neighbour, a
// node of its own, or a split of the pivot's node followed by merges of
// neighbours; see insertNode). A list read from a payload or file keeps the
// file's nodes, as Redis does. The differential cases check the nodes
// against redis-server's DUMP after thousands of random list commands.

// qlNode is one quicklist node: its elements and its listpack's bytes.
type qlNode struct {
	count int
	bytes int
}

// pushFront pushes s at the head, as LPUSH.
func (v *listValue) pushFront(s string) {
	v.d.PushFront(s)
	if !v.tracked {
		return
	}
	size := rdb.ListpackEntrySize(s)
	if n := len(v.nodes); n > 0 && rdb.QuicklistFits(v.nodes[0].bytes, len(s)) {
		v.nodes[0].count++
		v.nodes[0].bytes += size
		return
	}
	v.nodes = append(v.nodes, qlNode{})
	copy(v.nodes[1:], v.nodes)
	v.nodes[0] = qlNode{count: 1, bytes: rdb.ListpackEmptySize + size}
}

// pushBack pushes s at the tail, as RPUSH.
func (v *listValue) pushBack(s string) {
	v.d.PushBack(s)
	if !v.tracked {
		return
	}
	size := rdb.ListpackEntrySize(s)
	if n := len(v.nodes); n > 0 && rdb.QuicklistFits(v.nodes[n-1].bytes, len(s)) {
		v.nodes[n-1].count++
		v.nodes[n-1].bytes += size
		return
	}
	v.nodes = append(v.nodes, qlNode{count: 1, bytes: rdb.ListpackEmptySize + size})
}

// popFront removes and returns the head element, as LPOP.
func (v *listValue) popFront() (string, bool) {
	s, ok := v.d.PopFront()
	if ok && v.tracked {
		v.dropFront(s)
	}
	return s, ok
}

// popBack removes and returns the tail element, as RPOP.
func (v *listValue) popBack() (string, bool) {
	s, ok := v.d.PopBack()
	if ok && v.tracked {
		v.dropBack(s)
	}
	return s, ok
}

// trim keeps elements i..j (0 <= i <= j < Len), as LTRIM: Redis deletes
// the ranges before i and after j from the end nodes inward, dropping the
// nodes they empty, as pops would.
func (v *listValue) trim(i, j int) {
	if v.tracked {
		// One walk from each end (At per element would locate its chunk
		// each time: quadratic on a long list).
		if i > 0 {
			v.d.Range(0, false, func(k int, s string) bool {
				v.dropFront(s)
				return k+1 < i
			})
		}
		if n := v.d.Len(); j < n-1 {
			v.d.Range(n-1, true, func(k int, s string) bool {
				v.dropBack(s)
				return k-1 > j
			})
		}
	}
	v.d.Trim(i, j)
}

// dropFront and dropBack account for s leaving the head or tail node.
func (v *listValue) dropFront(s string) {
	v.nodes[0].count--
	v.nodes[0].bytes -= rdb.ListpackEntrySize(s)
	if v.nodes[0].count == 0 {
		v.nodes = v.nodes[1:]
	}
}

func (v *listValue) dropBack(s string) {
	n := len(v.nodes) - 1
	v.nodes[n].count--
	v.nodes[n].bytes -= rdb.ListpackEntrySize(s)
	if v.nodes[n].count == 0 {
		v.nodes = v.nodes[:n]
	}
}

// set replaces element i with s, as LSET: Redis 7.0 rewrites the entry in
// its node's listpack, which grows or shrinks by the difference.
func (v *listValue) set(i int, s string) {
	if v.tracked {
		at := 0
		for k := range v.nodes {
			if i < at+v.nodes[k].count {
				v.nodes[k].bytes += rdb.ListpackEntrySize(s) - rdb.ListpackEntrySize(v.d.At(i))
				break
			}
			at += v.nodes[k].count
		}
	}
	v.d.Set(i, s)
}

// removeIf is LREM: it removes the elements that match, at most limit of
// them (0: all), from the tail with reverse. Redis 7.0 deletes each from
// its node's listpack, dropping a node it empties, and merges nothing.
func (v *listValue) removeIf(match func(s string) bool, limit int, reverse bool) int {
	if v.tracked && v.d.Len() > 0 {
		k, start, step := 0, 0, 1
		if reverse {
			k, start, step = len(v.nodes)-1, v.d.Len()-1, -1
		}
		left, removed := v.nodes[k].count, 0 // elements of node k not yet seen
		v.d.Range(start, reverse, func(_ int, s string) bool {
			for left == 0 {
				k += step
				left = v.nodes[k].count
			}
			left--
			if !match(s) {
				return true
			}
			v.nodes[k].count--
			v.nodes[k].bytes -= rdb.ListpackEntrySize(s)
			removed++
			return limit <= 0 || removed < limit
		})
		v.nodes = slices.DeleteFunc(v.nodes, func(n qlNode) bool { return n.count == 0 })
	}
	return v.d.RemoveIf(match, limit, reverse)
}

// insert puts s before (after false) or after the element at index p, as
// LINSERT.
func (v *listValue) insert(p int, s string, after bool) {
	if v.tracked {
		v.insertNode(p, s, after)
	}
	at := p
	if after {
		at++
	}
	v.d.Insert(at, s)
}

// insertNode follows Redis 7.0's quicklist insertion next to the element at
// index p (not yet inserted in d): into the pivot's node if it fits; else
// into the neighbour node the new element would border if that fits; else
// a node of its own when it borders a full neighbour or the end of the
// list; else the pivot's
// node is split around the pivot, the element joins the new half, and
// neighbouring nodes are merged where the result fits 8 KB.
func (v *listValue) insertNode(p int, s string, after bool) {
	k, first := 0, 0
	for p >= first+v.nodes[k].count {
		first += v.nodes[k].count
		k++
	}
	off, node := p-first, v.nodes[k]
	size := rdb.ListpackEntrySize(s)
	atTail := after && off == node.count-1
	atHead := !after && off == 0
	hasNext, hasPrev := k+1 < len(v.nodes), k > 0
	switch {
	case rdb.QuicklistFits(node.bytes, len(s)):
		v.nodes[k].count++
		v.nodes[k].bytes += size
	case atTail && hasNext && rdb.QuicklistFits(v.nodes[k+1].bytes, len(s)):
		v.nodes[k+1].count++
		v.nodes[k+1].bytes += size
	case atHead && hasPrev && rdb.QuicklistFits(v.nodes[k-1].bytes, len(s)):
		v.nodes[k-1].count++
		v.nodes[k-1].bytes += size
	case atTail:
		v.nodes = slices.Insert(v.nodes, k+1, qlNode{count: 1, bytes: rdb.ListpackEmptySize + size})
	case atHead:
		v.nodes = slices.Insert(v.nodes, k, qlNode{count: 1, bytes: rdb.ListpackEmptySize + size})
	default:
		span := func(from, to int) int { // the listpack bytes of node elements from..to-1
			b := rdb.ListpackEmptySize
			for i := from; i < to; i++ {
				b += rdb.ListpackEntrySize(v.d.At(first + i))
			}
			return b
		}
		center := k
		if after {
			left := qlNode{count: off + 1, bytes: span(0, off+1)}
			right := qlNode{count: node.count - off, bytes: span(off+1, node.count) + size}
			v.nodes[k] = left
			v.nodes = slices.Insert(v.nodes, k+1, right)
		} else {
			left := qlNode{count: off + 1, bytes: span(0, off) + size}
			right := qlNode{count: node.count - off, bytes: span(off, node.count)}
			v.nodes[k] = right
			v.nodes = slices.Insert(v.nodes, k, left)
			center = k + 1
		}
		v.mergeAround(center)
	}
}

// mergeAround merges nodes around node c after a split, as Redis's
// _quicklistMergeNodes: the two before it, the two after it, c with the one
// before it, and the result with the one after it, each pair only if the
// merged listpack fits 8 KB.
func (v *listValue) mergeAround(c int) {
	fits := func(a int) bool { // nodes a and a+1 merge
		return a >= 0 && a+1 < len(v.nodes) &&
			v.nodes[a].bytes+v.nodes[a+1].bytes-quicklistMergeOverhead <= quicklistMergeLimit
	}
	merge := func(a int) {
		v.nodes[a].count += v.nodes[a+1].count
		v.nodes[a].bytes += v.nodes[a+1].bytes - rdb.ListpackEmptySize
		v.nodes = slices.Delete(v.nodes, a+1, a+2)
	}
	if c >= 2 && fits(c-2) {
		merge(c - 2)
		c--
	}
	if fits(c + 1) {
		merge(c + 1)
	}
	target := c
	if c >= 1 && fits(c-1) {
		merge(c - 1)
		target = c - 1
	}
	if fits(target) {
		merge(target)
	}
}

// Two nodes merge when their sizes added, less quicklistMergeOverhead,
// are at most quicklistMergeLimit (list-max-listpack-size -2). Redis 7.0
// estimates the merged size by taking away a ziplist's header and end (11
// bytes) rather than a listpack's (7), so a merged node can reach 8,196
// bytes; the differential cases pin this down.
const (
	quicklistMergeLimit    = 8192
	quicklistMergeOverhead = 11
)

// newTrackedList returns an empty list that follows its nodes, for the
// commands that create a list by pushing (every command that creates a
// list does). A listValue that does not follow its nodes (tracked false)
// is written as if built at the tail.
func newTrackedList() *listValue { return &listValue{tracked: true} }

// nodeCounts returns the element count of each node, head to tail, or nil
// if the list does not follow its nodes.
func (v *listValue) nodeCounts() []int {
	if !v.tracked {
		return nil
	}
	out := make([]int, len(v.nodes))
	for i, n := range v.nodes {
		out[i] = n.count
	}
	return out
}

// listFromNodes returns a list of items that follows the nodes of counts
// (a file's), or the nodes of a list built at the tail when counts do not
// describe items.
func listFromNodes(items []string, counts []int) *listValue {
	total := 0
	for _, c := range counts {
		if c <= 0 {
			total = -1
			break
		}
		total += c
	}
	lv := newTrackedList()
	if total != len(items) || len(counts) == 0 {
		// No nodes given (an older list type, which Redis rebuilds by
		// pushing at the tail), or nodes that do not add up.
		for _, s := range items {
			lv.pushBack(s)
		}
		return lv
	}
	for _, s := range items {
		lv.d.PushBack(s)
	}
	lv.nodes = make([]qlNode, len(counts))
	at := 0
	for i, c := range counts {
		b := rdb.ListpackEmptySize
		for _, s := range items[at : at+c] {
			b += rdb.ListpackEntrySize(s)
		}
		lv.nodes[i] = qlNode{count: c, bytes: b}
		at += c
	}
	return lv
}
