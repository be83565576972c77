// Package zset implements the sorted set behind Redis's Z* and GEO*
// commands: members with float64 scores, ordered by score and, between equal
// scores, by member bytes, answering "what is the rank of m", "which member
// is at rank r" and "where does this score or lex range start" in O(log n).
//
// # Layout
//
// Two structures hold the same members:
//
//   - a counted B+tree ordered by (score, member). Leaves hold up to 64
//     entries as two parallel arrays, scores and members (a search reads
//     eight scores per cache line and touches member bytes only between
//     equal scores), and are linked both ways for range walks; inner nodes
//     hold up to 64 children with, for each child, its lower bound and the
//     number of entries under it. Summing the counts
//     of the children left of the path to an entry gives its rank, and
//     walking down by counts finds the entry at a rank: 3 inner levels for a
//     million members.
//   - internal/dict from member to score, for O(1) ZSCORE and membership,
//     and for ZSCAN's guarantee (every member present for the whole
//     iteration is returned) across resizes.
//
// The member string is shared by the dict and the tree, so its bytes exist
// once.
//
// # Why not a skiplist
//
// Redis uses a skiplist whose links carry spans, and so did our first
// version. It is correct and simple, but on a million members each rank
// query follows about 40 links to random places in memory, a cache miss
// each: ZRANK took 3.7–5.5 µs and the member at a rank 2.9–3.3 µs (2-core
// AMD EPYC), against a target of 2 µs through the whole Store. A skiplist
// without spans (github.com/huandu/skiplist) must count members one by one
// for a rank: O(n), 80–100 ms on a million members
// (bench/skiplist_test.go). The B+tree keeps 64 neighbours in contiguous
// arrays and its inner nodes (about 500 for a million members) stay in
// cache, so a rank costs the member's hash lookup plus a few cache misses
// in one leaf: 1.2–1.8 µs on this machine, and the member at a rank
// 80–130 ns (BenchmarkRank, BenchmarkAt). It also needs no per-member node: 24 bytes
// an entry in a leaf against a 64-to-128-byte skiplist node.
//
// Lex ranges (ZRANGEBYLEX and friends) assume, as Redis does, that every
// member has the same score; otherwise the answer depends on the structure.
// For sets small enough that Redis keeps them as a listpack, Redis scans
// linearly and its answer is well defined even then: FirstInLexRangeLinear
// and LastInLexRangeLinear reproduce that scan.
//
// A Set is not safe for concurrent use; its owner serialises access.
package zset

import (
	"math"
	"sort"
	"unsafe"

	"github.com/embedis/embedis/internal/dict"
	"github.com/embedis/embedis/internal/memsize"
)

const (
	maxEntries  = 64 // entries in a leaf
	maxChildren = 64 // children of an inner node
	// A node with fewer than this many entries or children after a removal
	// is merged with a sibling, or borrows from one.
	minEntries  = maxEntries / 4
	minChildren = maxChildren / 4
)

type entry struct {
	score  float64
	member string
}

// less orders entries by score, then member bytes (memcmp, as Redis's
// sdscmp).
func (a *entry) less(b *entry) bool {
	return a.score < b.score || a.score == b.score && a.member < b.member
}

// keys is a run of (score, member) pairs held as two parallel slices, so
// that a binary search reads scores from a dense array (8 per cache line)
// and touches member strings only between equal scores.
type keys struct {
	scores  []float64
	members []string
}

// leafBlock and innerBlock allocate a node together with its arrays at
// their full capacity: one allocation instead of three to five, and the
// scores a search reads sit next to the node header, so a lookup in a
// leaf of a large set touches fewer pages.
type leafBlock struct {
	n       node
	scores  [maxEntries + 1]float64
	members [maxEntries + 1]string
}

type innerBlock struct {
	n        node
	scores   [maxChildren + 1]float64
	members  [maxChildren + 1]string
	children [maxChildren + 1]*node
	counts   [maxChildren + 1]int
}

// newLeaf returns an empty leaf with room for a split's overflow.
func newLeaf() *node {
	b := &leafBlock{}
	b.n.entries = keys{b.scores[:0], b.members[:0]}
	return &b.n
}

// newInner returns an empty inner node with room for a split's overflow.
func newInner() *node {
	b := &innerBlock{}
	b.n.lower = keys{b.scores[:0], b.members[:0]}
	b.n.children, b.n.counts = b.children[:0], b.counts[:0]
	return &b.n
}

func (k *keys) len() int { return len(k.scores) }

func (k *keys) at(i int) entry { return entry{k.scores[i], k.members[i]} }

func (k *keys) set(i int, e entry) { k.scores[i], k.members[i] = e.score, e.member }

// less reports whether e sorts before key i.
func (k *keys) less(e *entry, i int) bool {
	sc := k.scores[i]
	return e.score < sc || e.score == sc && e.member < k.members[i]
}

// keyLess reports whether key i sorts before e.
func (k *keys) keyLess(i int, e *entry) bool {
	sc := k.scores[i]
	return sc < e.score || sc == e.score && k.members[i] < e.member
}

func (k *keys) insert(i int, e entry) {
	k.scores = insertAt(k.scores, i, e.score)
	k.members = insertAt(k.members, i, e.member)
}

func (k *keys) remove(i int) {
	k.scores = removeAt(k.scores, i)
	k.members = removeAt(k.members, i)
}

func (k *keys) push(e entry) {
	k.scores = append(k.scores, e.score)
	k.members = append(k.members, e.member)
}

// appendFrom appends o's keys from index from on.
func (k *keys) appendFrom(o *keys, from int) {
	k.scores = append(k.scores, o.scores[from:]...)
	k.members = append(k.members, o.members[from:]...)
}

// truncate keeps the first n keys, dropping the string references after.
func (k *keys) truncate(n int) {
	clear(k.members[n:])
	k.scores, k.members = k.scores[:n], k.members[:n]
}

// node is a leaf (children == nil) or an inner node.
type node struct {
	entries keys // leaf: sorted

	children []*node
	lower    keys  // inner: lower[i] is a lower bound of children[i]'s entries (lower[0] is unused)
	counts   []int // inner: entries under children[i]

	prev, next *node // leaf: neighbours in order
}

func (n *node) isLeaf() bool { return n.children == nil }

// size returns the number of entries under n.
func (n *node) size() int {
	if n.isLeaf() {
		return n.entries.len()
	}
	t := 0
	for _, c := range n.counts {
		t += c
	}
	return t
}

// childFor returns the index of the child whose range holds e: the last
// child whose lower bound is at most e.
func (n *node) childFor(e *entry) int {
	lo, hi := 1, n.lower.len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.lower.less(e, m) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo - 1
}

// Set is a sorted set. The zero value is not usable: call New.
type Set struct {
	members *dict.Dict[float64]
	root    *node
	first   *node // leftmost leaf
	last    *node // rightmost leaf

	// For MemUsage: the members' bytes (memsize.String of each) and the
	// tree's nodes, kept up to date by every change.
	bytes          int64
	leaves, inners int
}

// MemUsage returns the bytes the set holds on the Go heap: the Set, its
// member table, the tree's nodes and the members' strings (shared by the
// table and the tree, counted once), in the allocator's size classes. It is
// O(1). The tree's first leaf grows its arrays with the set until it first
// splits and keeps them; it is counted as a leaf block like the others once
// there are several, which can under-count a set that was once a single
// large leaf by a few KB.
func (s *Set) MemUsage() int64 {
	m := memsize.Alloc(int(unsafe.Sizeof(*s))) + s.members.MemUsage() + s.bytes
	if r := s.root; r.isLeaf() {
		return m + memsize.Alloc(int(unsafe.Sizeof(*r))) +
			memsize.Alloc(8*cap(r.entries.scores)) + memsize.Alloc(16*cap(r.entries.members))
	}
	return m + int64(s.leaves)*memsize.Alloc(int(unsafe.Sizeof(leafBlock{}))) +
		int64(s.inners)*memsize.Alloc(int(unsafe.Sizeof(innerBlock{})))
}

// New returns an empty Set.
func New() *Set {
	leaf := &node{}
	return &Set{members: dict.New[float64](), root: leaf, first: leaf, last: leaf, leaves: 1}
}

// NewSized returns an empty Set with room for n members: its member table
// sized for them and, for a set that fits one leaf, the leaf's arrays, so
// that a loader adding n members allocates a few times instead of growing
// step by step. n < 1 is New.
func NewSized(n int) *Set {
	if n < 1 {
		return New()
	}
	leaf := &node{}
	if n <= maxEntries {
		leaf.entries = keys{make([]float64, 0, n), make([]string, 0, n)}
	}
	return &Set{members: dict.NewSized[float64](n), root: leaf, first: leaf, last: leaf, leaves: 1}
}

// Len returns the number of members.
func (s *Set) Len() int { return s.members.Len() }

// Score returns the score of member and whether it is in the set.
func (s *Set) Score(member string) (float64, bool) {
	return s.members.Get(member)
}

// Add sets member's score, inserting it if it is new, and reports whether
// it was added. score must not be NaN.
func (s *Set) Add(member string, score float64) (added bool) {
	if math.IsNaN(score) {
		panic("zset: NaN score")
	}
	if ref := s.members.Ref(member); ref != nil {
		s.move(member, ref, score)
		return false
	}
	s.members.Set(member, score)
	s.bytes += memsize.String(len(member))
	s.insert(entry{score, member})
	return true
}

// ScoreRef returns where member's score is held, nil if member is not in
// the set: a ZADD or ZINCRBY reads the current score through it and hands
// it to UpdateRef, so that an update looks the member up once. It is valid
// until the next change of the set; write the score only with UpdateRef.
func (s *Set) ScoreRef(member string) *float64 {
	return s.members.Ref(member)
}

// UpdateRef changes member's score, held at ref (from ScoreRef, with no
// change of the set since), to score: no second lookup in the member table.
func (s *Set) UpdateRef(member string, ref *float64, score float64) {
	if math.IsNaN(score) {
		panic("zset: NaN score")
	}
	s.move(member, ref, score)
}

// Update changes the score of member, which is in the set with score old
// (as Score returned it), to score: Add without its insertion path.
func (s *Set) Update(member string, old, score float64) {
	if math.IsNaN(score) {
		panic("zset: NaN score")
	}
	s.move(member, s.members.Ref(member), score)
}

// move gives member, whose score is held at ref, the new score: the member
// table is written through ref, and the tree is changed by one descent when
// the new entry stays in the leaf of the old one (see moveWithinLeaf), by a
// removal and an insertion otherwise. Like Redis's zslUpdateScore, a score
// that keeps the member's place is changed where it is.
func (s *Set) move(member string, ref *float64, score float64) {
	old := *ref
	if old == score {
		return
	}
	*ref = score
	if !s.moveWithinLeaf(entry{old, member}, entry{score, member}) {
		s.remove(entry{old, member})
		s.insert(entry{score, member})
	}
}

// moveWithinLeaf changes old (which is in the tree) to new when a descent
// for new would reach old's leaf: new is at least the leaf's lower bound and
// below the next leaf's, both read from the separators on the way down.
// Then no count or bound above the leaf changes, and the update is the
// descent and a shift of the entries between old's place and new's (none
// when the new score keeps the member's place). It reports whether it
// could.
func (s *Set) moveWithinLeaf(old, new entry) bool {
	n := s.root
	var lo, hi *entry // the leaf's bounds on the path (nil: none)
	var loE, hiE entry
	for !n.isLeaf() {
		i := n.childFor(&old)
		if i > 0 {
			loE, lo = n.lower.at(i), &loE
		}
		if i+1 < n.lower.len() {
			hiE, hi = n.lower.at(i+1), &hiE
		}
		n = n.children[i]
	}
	if lo != nil && new.less(lo) || hi != nil && !new.less(hi) {
		return false
	}
	k := &n.entries
	size := k.len()
	pos := sort.Search(size, func(j int) bool { return !k.keyLess(j, &old) })
	// q: where new goes among the entries other than old.
	q := sort.Search(size, func(j int) bool { return k.less(&new, j) })
	if pos < q {
		q--
	}
	switch {
	case q > pos:
		copy(k.scores[pos:q], k.scores[pos+1:q+1])
		copy(k.members[pos:q], k.members[pos+1:q+1])
	case q < pos:
		copy(k.scores[q+1:pos+1], k.scores[q:pos])
		copy(k.members[q+1:pos+1], k.members[q:pos])
	}
	k.set(q, new)
	return true
}

// Remove deletes member and reports whether it was there.
func (s *Set) Remove(member string) bool {
	score, ok := s.members.Delete(member)
	if !ok {
		return false
	}
	s.bytes -= memsize.String(len(member))
	s.remove(entry{score, member})
	return true
}

type step struct {
	n *node
	i int // child index taken
}

// insert adds e, which is not in the tree.
func (s *Set) insert(e entry) {
	var path [16]step
	depth := 0
	n := s.root
	for !n.isLeaf() {
		i := n.childFor(&e)
		n.counts[i]++
		path[depth] = step{n, i}
		depth++
		n = n.children[i]
	}
	pos := sort.Search(n.entries.len(), func(j int) bool { return n.entries.less(&e, j) })
	n.entries.insert(pos, e)
	size := n.entries.len()
	if size <= maxEntries {
		return
	}
	// Split the leaf. Appending at the very end (ascending inserts, a
	// leaderboard's new high score, building a set in order) keeps the
	// left leaf full instead of half empty.
	at := size / 2
	if n == s.last && pos == size-1 {
		at = size - 1
	}
	right := newLeaf()
	s.leaves++
	right.entries.appendFrom(&n.entries, at)
	n.entries.truncate(at)
	right.prev, right.next = n, n.next
	if n.next != nil {
		n.next.prev = right
	} else {
		s.last = right
	}
	n.next = right
	sep, newChild, leftSize, rightSize := right.entries.at(0), right, n.entries.len(), right.entries.len()

	// Hand the new right node up, splitting inner nodes that overflow.
	for depth > 0 {
		depth--
		p, i := path[depth].n, path[depth].i
		p.children = insertAt(p.children, i+1, newChild)
		p.lower.insert(i+1, sep)
		p.counts[i] = leftSize
		p.counts = insertAt(p.counts, i+1, rightSize)
		if len(p.children) <= maxChildren {
			return
		}
		at := len(p.children) / 2
		r := newInner()
		s.inners++
		r.children = append(r.children, p.children[at:]...)
		r.counts = append(r.counts, p.counts[at:]...)
		r.lower.appendFrom(&p.lower, at)
		clear(p.children[at:])
		p.lower.truncate(at)
		p.children, p.counts = p.children[:at], p.counts[:at]
		sep, newChild, leftSize, rightSize = r.lower.at(0), r, p.size(), r.size()
		n = p
	}
	// The root split: grow the tree by one level.
	root := newInner()
	s.inners++
	root.children = append(root.children, s.root, newChild)
	root.counts = append(root.counts, leftSize, rightSize)
	root.lower.push(entry{})
	root.lower.push(sep)
	s.root = root
}

func insertAt[T any](xs []T, i int, x T) []T {
	var zero T
	xs = append(xs, zero)
	copy(xs[i+1:], xs[i:])
	xs[i] = x
	return xs
}

func removeAt[T any](xs []T, i int) []T {
	copy(xs[i:], xs[i+1:])
	var zero T
	xs[len(xs)-1] = zero
	return xs[:len(xs)-1]
}

// remove deletes e, which is in the tree.
func (s *Set) remove(e entry) {
	var path [16]step
	depth := 0
	n := s.root
	for !n.isLeaf() {
		i := n.childFor(&e)
		n.counts[i]--
		path[depth] = step{n, i}
		depth++
		n = n.children[i]
	}
	pos := sort.Search(n.entries.len(), func(j int) bool { return !n.entries.keyLess(j, &e) })
	if pos == n.entries.len() || n.entries.at(pos) != e {
		panic("zset: removing an entry that is not there")
	}
	n.entries.remove(pos)

	// Rebalance upwards while nodes are under-full.
	for depth > 0 {
		under := n.isLeaf() && n.entries.len() < minEntries || !n.isLeaf() && len(n.children) < minChildren
		if !under {
			return
		}
		depth--
		p, i := path[depth].n, path[depth].i
		if len(p.children) == 1 {
			n = p
			continue
		}
		li := i // merge children li and li+1, or move one across
		if i == len(p.children)-1 {
			li = i - 1
		}
		l, r := p.children[li], p.children[li+1]
		if l.isLeaf() {
			switch {
			case l.entries.len()+r.entries.len() <= maxEntries:
				l.entries.appendFrom(&r.entries, 0)
				s.leaves--
				l.next = r.next
				if r.next != nil {
					r.next.prev = l
				} else {
					s.last = l
				}
				p.counts[li] += p.counts[li+1]
				p.children, p.counts = removeAt(p.children, li+1), removeAt(p.counts, li+1)
				p.lower.remove(li + 1)
			case l.entries.len() < r.entries.len(): // move r's first to l
				l.entries.push(r.entries.at(0))
				r.entries.remove(0)
				p.lower.set(li+1, r.entries.at(0))
				p.counts[li]++
				p.counts[li+1]--
				return
			default: // move l's last to r
				last := l.entries.at(l.entries.len() - 1)
				l.entries.remove(l.entries.len() - 1)
				r.entries.insert(0, last)
				p.lower.set(li+1, last)
				p.counts[li]--
				p.counts[li+1]++
				return
			}
		} else {
			switch {
			case len(l.children)+len(r.children) <= maxChildren:
				// r's first child is bounded below by r's own bound.
				l.lower.push(p.lower.at(li + 1))
				l.lower.appendFrom(&r.lower, 1)
				l.children = append(l.children, r.children...)
				l.counts = append(l.counts, r.counts...)
				s.inners--
				p.counts[li] += p.counts[li+1]
				p.children, p.counts = removeAt(p.children, li+1), removeAt(p.counts, li+1)
				p.lower.remove(li + 1)
			case len(l.children) < len(r.children): // move r's first child to l
				c, cn := r.children[0], r.counts[0]
				l.children = append(l.children, c)
				l.lower.push(p.lower.at(li + 1))
				l.counts = append(l.counts, cn)
				p.lower.set(li+1, r.lower.at(1))
				r.children, r.counts = removeAt(r.children, 0), removeAt(r.counts, 0)
				r.lower.remove(0)
				p.counts[li] += cn
				p.counts[li+1] -= cn
				return
			default: // move l's last child to r
				k := len(l.children) - 1
				c, cn, lb := l.children[k], l.counts[k], l.lower.at(k)
				l.children[k] = nil
				l.children, l.counts = l.children[:k], l.counts[:k]
				l.lower.truncate(k)
				r.children = insertAt(r.children, 0, c)
				r.lower.insert(0, lb)
				r.lower.set(1, p.lower.at(li+1)) // r's old first child keeps r's old bound
				r.counts = insertAt(r.counts, 0, cn)
				p.lower.set(li+1, lb)
				p.counts[li] -= cn
				p.counts[li+1] += cn
				return
			}
		}
		n = p
	}
	// Shrink the tree while the root has one child.
	for !s.root.isLeaf() && len(s.root.children) == 1 {
		s.root = s.root.children[0]
		s.inners--
	}
}

// seek returns the rank of the first entry for which before returns false
// (len when there is none). before must be true for a prefix of the entries
// in order and false after it; otherwise the answer is some rank where it
// changes, depending on the tree's shape.
func (s *Set) seek(before func(e *entry) bool) int {
	rank := 0
	n := s.root
	for !n.isLeaf() {
		// The first entry not before is in the last child whose lower
		// bound is before, or is the first entry of the child after it.
		lo, hi := 1, n.lower.len()
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if e := n.lower.at(m); before(&e) {
				lo = m + 1
			} else {
				hi = m
			}
		}
		i := lo - 1
		for _, c := range n.counts[:i] {
			rank += c
		}
		n = n.children[i]
	}
	return rank + sort.Search(n.entries.len(), func(j int) bool { e := n.entries.at(j); return !before(&e) })
}

// Rank returns member's 0-based rank in ascending order and whether it is
// in the set.
func (s *Set) Rank(member string) (int, bool) {
	score, ok := s.members.Get(member)
	if !ok {
		return 0, false
	}
	e := entry{score, member}
	rank := 0
	n := s.root
	for !n.isLeaf() {
		i := n.childFor(&e)
		for _, c := range n.counts[:i] {
			rank += c
		}
		n = n.children[i]
	}
	// e is in this leaf: the number of entries before it.
	lo, hi := 0, n.entries.len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !n.entries.keyLess(m, &e) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return rank + lo, true
}

// Iter is a position in a Set: an entry, or past either end (not Valid).
// An Iter is valid until the set is next modified.
type Iter struct {
	leaf *node
	pos  int
}

// Valid reports whether the iterator is at an entry.
func (it Iter) Valid() bool { return it.leaf != nil }

// Member returns the current entry's member.
func (it Iter) Member() string { return it.leaf.entries.members[it.pos] }

// Score returns the current entry's score.
func (it Iter) Score() float64 { return it.leaf.entries.scores[it.pos] }

// Next moves to the next entry in ascending order.
func (it *Iter) Next() {
	it.pos++
	if it.pos == it.leaf.entries.len() {
		it.leaf, it.pos = it.leaf.next, 0
	}
}

// Prev moves to the previous entry in ascending order.
func (it *Iter) Prev() {
	it.pos--
	if it.pos < 0 {
		it.leaf = it.leaf.prev
		if it.leaf != nil {
			it.pos = it.leaf.entries.len() - 1
		}
	}
}

// At returns an iterator at 0-based rank r (not Valid if r is out of range).
func (s *Set) At(r int) Iter {
	if r < 0 || r >= s.Len() {
		return Iter{}
	}
	n := s.root
	for !n.isLeaf() {
		i := 0
		for r >= n.counts[i] {
			r -= n.counts[i]
			i++
		}
		n = n.children[i]
	}
	return Iter{n, r}
}

// Range calls fn for each member in ascending order until fn returns false.
func (s *Set) Range(fn func(member string, score float64) bool) {
	for n := s.first; n != nil; n = n.next {
		for i, m := range n.entries.members {
			if !fn(m, n.entries.scores[i]) {
				return
			}
		}
	}
}

// Scan runs one step of a ZSCAN-style iteration over the members (see
// dict.Scan for the guarantee): it calls fn for some members and returns the
// next cursor, 0 when done.
func (s *Set) Scan(cursor uint64, fn func(member string, score float64)) uint64 {
	return s.members.Scan(cursor, fn)
}

// Random returns a random member, or ok=false when the set is empty. rnd
// supplies the randomness.
func (s *Set) Random(rnd func() uint64) (member string, score float64, ok bool) {
	return s.members.RandomKey(rnd)
}

// Clone returns a deep copy of the set.
func (s *Set) Clone() *Set {
	c := New()
	s.Range(func(m string, sc float64) bool { c.Add(m, sc); return true })
	return c
}

// ScoreRange is a range of scores, each end inclusive or exclusive, as
// ZRANGEBYSCORE's "(1" and "+inf".
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// GteMin reports whether v is at or above the range's lower bound.
func (r *ScoreRange) GteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

// LteMax reports whether v is at or below the range's upper bound.
func (r *ScoreRange) LteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

// Empty reports whether no score can be in the range.
func (r *ScoreRange) Empty() bool {
	return r.Min > r.Max || r.Min == r.Max && (r.MinEx || r.MaxEx)
}

// Contains reports whether v is in the range.
func (r *ScoreRange) Contains(v float64) bool { return r.GteMin(v) && r.LteMax(v) }

// FirstInScoreRange returns the 0-based rank of the lowest member whose
// score is in r, or -1.
func (s *Set) FirstInScoreRange(r ScoreRange) int {
	if r.Empty() {
		return -1
	}
	i := s.seek(func(e *entry) bool { return !r.GteMin(e.score) })
	if i == s.Len() || !r.LteMax(s.At(i).Score()) {
		return -1
	}
	return i
}

// LastInScoreRange returns the 0-based rank of the highest member whose
// score is in r, or -1.
func (s *Set) LastInScoreRange(r ScoreRange) int {
	if r.Empty() {
		return -1
	}
	i := s.seek(func(e *entry) bool { return r.LteMax(e.score) }) - 1
	if i < 0 || !r.GteMin(s.At(i).Score()) {
		return -1
	}
	return i
}

// LexBound is one end of a lex range as ZRANGEBYLEX spells it: "-" (Inf
// -1, below everything), "+" (Inf 1, above everything), "[v" (inclusive) or
// "(v" (exclusive).
type LexBound struct {
	Value     string
	Exclusive bool
	Inf       int8
}

// LexRange is a range of members in byte order.
type LexRange struct{ Min, Max LexBound }

// GteMin reports whether m is at or above the range's lower bound.
func (r *LexRange) GteMin(m string) bool {
	switch r.Min.Inf {
	case -1:
		return true
	case 1:
		return false
	}
	if r.Min.Exclusive {
		return m > r.Min.Value
	}
	return m >= r.Min.Value
}

// LteMax reports whether m is at or below the range's upper bound.
func (r *LexRange) LteMax(m string) bool {
	switch r.Max.Inf {
	case 1:
		return true
	case -1:
		return false
	}
	if r.Max.Exclusive {
		return m < r.Max.Value
	}
	return m <= r.Max.Value
}

// Empty reports whether the range is empty by its bounds alone, as Redis
// decides it ("+" to "+" is not, though nothing is in it).
func (r *LexRange) Empty() bool {
	a, b := r.Min, r.Max
	var cmp int
	switch {
	case a.Inf == b.Inf && a.Inf != 0:
		cmp = 0
	case a.Inf == -1 || b.Inf == 1:
		cmp = -1
	case a.Inf == 1 || b.Inf == -1:
		cmp = 1
	case a.Value < b.Value:
		cmp = -1
	case a.Value > b.Value:
		cmp = 1
	}
	return cmp > 0 || cmp == 0 && (a.Exclusive || b.Exclusive)
}

// Contains reports whether m is in the range.
func (r *LexRange) Contains(m string) bool { return r.GteMin(m) && r.LteMax(m) }

// FirstInLexRange returns the 0-based rank of the lowest member in r, or -1.
func (s *Set) FirstInLexRange(r LexRange) int {
	if r.Empty() {
		return -1
	}
	i := s.seek(func(e *entry) bool { return !r.GteMin(e.member) })
	if i == s.Len() || !r.LteMax(s.At(i).Member()) {
		return -1
	}
	return i
}

// LastInLexRange returns the 0-based rank of the highest member in r, or -1.
func (s *Set) LastInLexRange(r LexRange) int {
	if r.Empty() {
		return -1
	}
	i := s.seek(func(e *entry) bool { return r.LteMax(e.member) }) - 1
	if i < 0 || !r.GteMin(s.At(i).Member()) {
		return -1
	}
	return i
}

// mayIntersectLex is Redis's quick test before a listpack lex scan: the
// range is not empty, the last member is at or above min and the first at or
// below max.
func (s *Set) mayIntersectLex(r *LexRange) bool {
	if r.Empty() || s.Len() == 0 {
		return false
	}
	return r.GteMin(s.last.entries.members[s.last.entries.len()-1]) && r.LteMax(s.first.entries.members[0])
}

// FirstInLexRangeLinear returns the rank where a lex range starts as Redis
// finds it in a listpack: scanning from the lowest member, the first member
// at or above min decides (-1 if it is above max). It equals
// FirstInLexRange when members are in lex order.
func (s *Set) FirstInLexRangeLinear(r LexRange) int {
	if !s.mayIntersectLex(&r) {
		return -1
	}
	rank := 0
	for it := s.At(0); it.Valid(); it.Next() {
		if m := it.Member(); r.GteMin(m) {
			if r.LteMax(m) {
				return rank
			}
			return -1
		}
		rank++
	}
	return -1
}

// LastInLexRangeLinear is FirstInLexRangeLinear from the highest member
// down: the first member at or below max decides.
func (s *Set) LastInLexRangeLinear(r LexRange) int {
	if !s.mayIntersectLex(&r) {
		return -1
	}
	rank := s.Len() - 1
	for it := s.At(rank); it.Valid(); it.Prev() {
		if m := it.Member(); r.LteMax(m) {
			if r.GteMin(m) {
				return rank
			}
			return -1
		}
		rank--
	}
	return -1
}
