// Package stream implements the entries of a Redis stream: field-value
// records keyed by 128-bit IDs (milliseconds, sequence), kept in ID order,
// appended at the end, read by ID range in both directions, deleted one by
// one and trimmed from the front.
//
// # Layout
//
// Entries live in nodes, as in Redis's t_stream.c: each node is one listpack
// (internal/listpack) holding up to 100 entries (stream-node-max-entries) and
// about 4 KB (stream-node-max-bytes), keyed by the ID of its first entry,
// its master ID. A node starts with a master entry — the live and deleted
// counts and the field names of its first entry — and each entry stores its
// ID as a difference from the master ID, and its field names only when they
// differ from the master's (otherwise a flag says "same fields"). So a
// stream of uniform records costs its values and a few bytes of header per
// entry, as Redis's does (the bytes are Redis's, byte for byte).
//
// Keeping Redis's nodes exactly, and not some other packing, is a matter of
// behaviour, not of taste: XTRIM and XADD with "~" remove whole nodes only,
// so which entries an approximate trim removes depends on where the node
// boundaries fall, and those depend on the listpacks' sizes. With the same
// nodes, the same commands leave the same streams here and in redis-server
// (the differential tests compare XLEN after "~" trims), and an RDB file
// (STREAM_LISTPACKS_2) carries each node's listpack as is.
//
// The nodes are a slice sorted by master ID, where Redis uses a radix tree.
// With 100 entries a node, a million entries are 10,000 nodes: a binary
// search finds the node of an ID in 14 steps, an append touches only the
// last node (O(1) amortised), a trim from the front drops a prefix of the
// slice without moving the rest (the slice is re-sliced), and a range read
// costs the search plus the entries read, O(log n + m), in both directions
// (the listpack walks backwards through its backlens). The only operation
// that moves part of the slice is removing a node from the middle, when
// XDEL deletes the last live entry of a node: a copy of the pointers after
// it. Measured on a million entries (bench_test.go; 2-core AMD EPYC shared
// with other work, so the figures are upper bounds): removing the middle
// node costs 0.9 µs, against 16 µs for one XDEL's seek and walk of its
// node and 0.85 µs for an append. A B+tree or radix tree of nodes would
// make the removal O(log n), a saving that does not show next to the
// delete itself, at the price of a second structure to keep in step and
// slower seeks; so the slice stays. Within a node, entries are found by
// walking the listpack from its start, as in Redis: at most 100 entries.
//
// Redis's radix tree still shows through one field: XINFO STREAM's
// radix-tree-nodes, which RaxNodes computes from the master IDs as the
// number of nodes of a compressed radix tree over their 16-byte big-endian
// keys.
//
// A Stream is not safe for concurrent use; its owner serialises access.
package stream

import (
	"math"
	"sort"
	"strconv"
	"unsafe"

	"github.com/embedis/embedis/internal/listpack"
)

// Node limits: Redis 7.0's defaults of stream-node-max-entries and
// stream-node-max-bytes, which embedis does not let change.
const (
	NodeMaxEntries = 100
	NodeMaxBytes   = 4096
	// MaxEntryBytes is the largest sum of the lengths of one entry's fields
	// and values that fits a listpack (Redis's STREAM_LISTPACK_MAX_SIZE).
	MaxEntryBytes = 1 << 30
)

// ID is a stream entry ID: Unix milliseconds and a sequence number.
type ID struct {
	Ms, Seq uint64
}

// MaxID is the largest ID (Redis's "+").
var MaxID = ID{math.MaxUint64, math.MaxUint64}

// Compare returns -1, 0 or 1 as a is before, equal to or after b.
func (a ID) Compare(b ID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a is before b.
func (a ID) Less(b ID) bool { return a.Compare(b) < 0 }

// IsZero reports whether id is 0-0.
func (id ID) IsZero() bool { return id.Ms == 0 && id.Seq == 0 }

// String returns "<ms>-<seq>".
func (id ID) String() string {
	b := make([]byte, 0, 41)
	b = strconv.AppendUint(b, id.Ms, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, id.Seq, 10)
	return string(b)
}

// Next returns the ID after id; ok is false when id is MaxID.
func (id ID) Next() (next ID, ok bool) {
	switch {
	case id.Seq < math.MaxUint64:
		return ID{id.Ms, id.Seq + 1}, true
	case id.Ms < math.MaxUint64:
		return ID{id.Ms + 1, 0}, true
	}
	return ID{}, false
}

// Prev returns the ID before id; ok is false when id is 0-0.
func (id ID) Prev() (prev ID, ok bool) {
	switch {
	case id.Seq > 0:
		return ID{id.Ms, id.Seq - 1}, true
	case id.Ms > 0:
		return ID{id.Ms - 1, math.MaxUint64}, true
	}
	return ID{}, false
}

// Entry is one stream entry: its ID and its fields and values, alternating.
type Entry struct {
	ID     ID
	Fields []string
}

// Stream is the ID-ordered entries of one stream key with the counters
// Redis keeps beside them. The zero value is an empty stream.
type Stream struct {
	nodes  []*node
	length int64
	// LastID is the last ID generated or set (XINFO's last-generated-id):
	// an appended ID must be after it.
	LastID ID
	// MaxDeletedID is the largest ID deleted by XDEL (max-deleted-entry-id).
	MaxDeletedID ID
	// EntriesAdded counts every entry ever appended (entries-added).
	EntriesAdded int64
	// lpCap is the capacity of every node's listpack, kept as the nodes
	// change, so that MemUsage costs O(1).
	lpCap int64
	// groups are the consumer groups by name (group.go); groupMem is
	// their heap, kept as they change.
	groups   map[string]*Group
	groupMem int64
}

// nodeBytes is what the heap holds for a node besides its listpack.
var nodeBytes = int64(unsafe.Sizeof(node{}))

// MemUsage estimates the bytes the stream's structure holds beyond the
// Stream struct: the listpacks' capacity, the node structs and the slice of
// them. O(1).
func (s *Stream) MemUsage() int64 {
	return s.groupMem + s.lpCap + int64(len(s.nodes))*nodeBytes + int64(cap(s.nodes))*int64(unsafe.Sizeof((*node)(nil)))
}

// recount sets lpCap from the nodes (after a load or a clone).
func (s *Stream) recount() {
	s.lpCap = 0
	for _, n := range s.nodes {
		s.lpCap += int64(cap(n.lp))
	}
}

// Len returns the number of entries.
func (s *Stream) Len() int64 { return s.length }

// Nodes returns the number of nodes (XINFO's radix-tree-keys).
func (s *Stream) Nodes() int { return len(s.nodes) }

// Clone returns a deep copy.
func (s *Stream) Clone() *Stream {
	c := *s
	c.nodes = make([]*node, len(s.nodes))
	for i, n := range s.nodes {
		cn := *n
		cn.lp = append([]byte(nil), n.lp...)
		c.nodes[i] = &cn
	}
	c.recount()
	c.cloneGroups(s)
	return &c
}

// Append adds an entry with the given ID and fields and values
// (alternating, at least one pair). The caller has checked that id is after
// LastID and that the pairs fit (EntryBytes ≤ MaxEntryBytes).
func (s *Stream) Append(id ID, fields []string) {
	var tail *node
	if len(s.nodes) > 0 {
		tail = s.nodes[len(s.nodes)-1]
		if len(tail.lp)+EntryBytes(fields) >= NodeMaxBytes || tail.live+tail.deleted >= NodeMaxEntries {
			tail = nil
		}
	}
	before := 0
	if tail == nil {
		tail = newNode(id, fields)
		s.nodes = append(s.nodes, tail)
	} else {
		before = cap(tail.lp)
	}
	tail.append(id, fields)
	s.lpCap += int64(cap(tail.lp) - before)
	s.length++
	s.EntriesAdded++
	s.LastID = id
}

// EntryBytes returns the sum of the lengths of fields, the size Redis checks
// against its node and listpack limits.
func EntryBytes(fields []string) int {
	n := 0
	for _, f := range fields {
		n += len(f)
	}
	return n
}

// seek returns the index of the last node whose master ID is at most id, or
// -1 if there is none.
func (s *Stream) seek(id ID) int {
	return sort.Search(len(s.nodes), func(i int) bool { return id.Less(s.nodes[i].master) }) - 1
}

// Range calls fn on each live entry with an ID from start to end
// (inclusive), in ID order or, if rev, in reverse, until fn returns false.
// The entry's Fields are fn's to keep.
func (s *Stream) Range(start, end ID, rev bool, fn func(Entry) bool) {
	if end.Less(start) || len(s.nodes) == 0 {
		return
	}
	if !rev {
		i := max(s.seek(start), 0)
		for ; i < len(s.nodes); i++ {
			n := s.nodes[i]
			if n.last.Less(start) {
				continue
			}
			if end.Less(n.master) {
				return
			}
			for p := n.firstEntry(); n.lp[p] != listpack.EOF; {
				fp := p
				flags, id, _, next := n.decode(fp, false)
				p = next
				if id.Less(start) || flags&flagDeleted != 0 {
					continue
				}
				if end.Less(id) {
					return
				}
				_, _, fields, _ := n.decode(fp, true)
				if !fn(Entry{ID: id, Fields: fields}) {
					return
				}
			}
		}
		return
	}
	for i := s.seek(end); i >= 0; i-- {
		n := s.nodes[i]
		if n.last.Less(start) {
			return
		}
		for p := len(n.lp) - 1; ; {
			fp, ok := n.prevEntry(p)
			if !ok {
				break
			}
			p = fp
			flags, id, _, _ := n.decode(fp, false)
			if end.Less(id) || flags&flagDeleted != 0 {
				continue
			}
			if id.Less(start) {
				return
			}
			_, _, fields, _ := n.decode(fp, true)
			if !fn(Entry{ID: id, Fields: fields}) {
				return
			}
		}
	}
}

// First returns the first live entry.
func (s *Stream) First() (e Entry, ok bool) {
	s.Range(ID{}, MaxID, false, func(x Entry) bool { e, ok = x, true; return false })
	return e, ok
}

// Last returns the last live entry.
func (s *Stream) Last() (e Entry, ok bool) {
	s.Range(ID{}, MaxID, true, func(x Entry) bool { e, ok = x, true; return false })
	return e, ok
}

// FirstID returns the ID of the first live entry, 0-0 if there is none
// (XINFO's recorded-first-entry-id).
func (s *Stream) FirstID() ID {
	for _, n := range s.nodes {
		for p := n.firstEntry(); n.lp[p] != listpack.EOF; {
			flags, id, _, next := n.decode(p, false)
			if flags&flagDeleted == 0 {
				return id
			}
			p = next
		}
	}
	return ID{}
}

// LastLiveID returns the ID of the last live entry, 0-0 if there is none.
func (s *Stream) LastLiveID() ID {
	for i := len(s.nodes) - 1; i >= 0; i-- {
		n := s.nodes[i]
		for p := len(n.lp) - 1; ; {
			fp, ok := n.prevEntry(p)
			if !ok {
				break
			}
			flags, id, _, _ := n.decode(fp, false)
			if flags&flagDeleted == 0 {
				return id
			}
			p = fp
		}
	}
	return ID{}
}

// Has reports whether a live entry has the given ID.
func (s *Stream) Has(id ID) bool {
	i := s.seek(id)
	if i < 0 {
		return false
	}
	_, ok := s.nodes[i].find(id)
	return ok
}

// Delete removes the live entry with the given ID and reports whether there
// was one. A node left with no live entry is removed; otherwise the entry
// stays in its node, flagged deleted, as in Redis.
func (s *Stream) Delete(id ID) bool {
	i := s.seek(id)
	if i < 0 {
		return false
	}
	n := s.nodes[i]
	pos, ok := n.find(id)
	if !ok {
		return false
	}
	s.length--
	if n.live == 1 {
		s.removeNode(i)
		return true
	}
	before := cap(n.lp)
	n.markDeleted(pos)
	n.setCounts(n.live-1, n.deleted+1)
	s.lpCap += int64(cap(n.lp) - before)
	return true
}

// removeNode removes node i.
func (s *Stream) removeNode(i int) {
	s.lpCap -= int64(cap(s.nodes[i].lp))
	if i == 0 {
		s.nodes[0] = nil
		s.nodes = s.nodes[1:]
		return
	}
	copy(s.nodes[i:], s.nodes[i+1:])
	s.nodes[len(s.nodes)-1] = nil
	s.nodes = s.nodes[:len(s.nodes)-1]
}

// TrimMaxLen removes entries from the front until at most maxLen are left,
// and returns how many it removed. With approx it removes only whole nodes
// (so more than maxLen may remain) and, when limit is above 0, stops before
// a node that would take the count removed past limit — Redis's XTRIM
// MAXLEN ~ … LIMIT. Without approx, limit must be 0.
func (s *Stream) TrimMaxLen(maxLen int64, approx bool, limit int64) int64 {
	return s.trim(func(n *node) bool { return s.length-int64(n.live) >= maxLen },
		func(ID) bool { return s.length <= maxLen },
		func() bool { return s.length <= maxLen }, approx, limit)
}

// TrimMinID removes the entries with an ID before minID and returns how
// many it removed; approx and limit as in TrimMaxLen.
func (s *Stream) TrimMinID(minID ID, approx bool, limit int64) int64 {
	return s.trim(func(n *node) bool { return n.last.Less(minID) },
		func(id ID) bool { return !id.Less(minID) },
		func() bool { return false }, approx, limit)
}

// trim is Redis's streamTrim: whole nodes from the front while wholeNode
// says so, then (exact trims only) entries of the next node until stop.
// As in Redis, an exact MINID trim may leave that node with no live entry
// (when its last entry, already deleted, is not before the minimum ID): the
// node stays, counted by Nodes, until a later trim removes it.
func (s *Stream) trim(wholeNode func(*node) bool, stop func(ID) bool, done func() bool, approx bool, limit int64) int64 {
	var removed int64
	for len(s.nodes) > 0 {
		if done() {
			break
		}
		n := s.nodes[0]
		if limit > 0 && removed+int64(n.live) > limit {
			break
		}
		if wholeNode(n) {
			s.length -= int64(n.live)
			removed += int64(n.live)
			s.removeNode(0)
			continue
		}
		if approx {
			break
		}
		var marked int
		before := cap(n.lp)
		for p := n.firstEntry(); n.lp[p] != listpack.EOF; {
			flags, id, _, next := n.decode(p, false)
			if stop(id) {
				break
			}
			if flags&flagDeleted == 0 {
				n.markDeleted(p)
				marked++
				s.length--
			}
			p = next
		}
		removed += int64(marked)
		n.setCounts(n.live-marked, n.deleted+marked)
		s.lpCap += int64(cap(n.lp) - before)
		break
	}
	return removed
}

// RaxNodes returns the number of nodes Redis's radix tree would have with
// this stream's node keys (XINFO STREAM's radix-tree-nodes): a compressed
// radix tree over the 16-byte big-endian master IDs, where a chain of
// single-child, non-key prefixes is one node.
func (s *Stream) RaxNodes() int {
	if len(s.nodes) == 0 {
		return 1
	}
	keys := make([][16]byte, len(s.nodes))
	for i, n := range s.nodes {
		keys[i] = encodeID(n.master)
	}
	return raxSub(keys, 0)
}

// raxSub counts the nodes of the subtree of keys (sorted, sharing their
// first d bytes) whose prefix of length d starts a node.
func raxSub(keys [][16]byte, d int) int {
	if len(keys) == 1 {
		if d == 16 {
			return 1
		}
		return 2 // a compressed node down to the key's node
	}
	l := d
	first, last := &keys[0], &keys[len(keys)-1]
	for l < 16 && first[l] == last[l] {
		l++
	}
	n := 1 // the node branching at l
	if l > d {
		n++ // a compressed node from d down to it
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][l] == keys[i][l] {
			j++
		}
		n += raxSub(keys[i:j], l+1)
		i = j
	}
	return n
}

func encodeID(id ID) [16]byte {
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(id.Ms >> (56 - 8*uint(i)))
		b[8+i] = byte(id.Seq >> (56 - 8*uint(i)))
	}
	return b
}
