package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
	"unsafe"

	"github.com/embedis/embedis/internal/stream"
)

// Encoder appends values in the encodings Redis 7.0 writes. Its zero value
// writes uncompressed strings (Redis's rdbcompression no); with Compress
// (Redis's default, rdbcompression yes) a string longer than 20 bytes, and a
// listpack or intset blob, is written LZF-compressed when that saves at
// least 4 bytes, exactly as Redis decides. An Encoder holds scratch
// buffers: use one per goroutine.
type Encoder struct {
	// Compress: LZF for strings longer than 20 bytes when it saves space
	// (Redis's rdbcompression yes, its default).
	Compress bool

	blob []byte // listpacks and intsets being built
	lzf  []byte // LZF output
}

// appendLen appends a length in Redis's 6/14/32/64-bit encoding.
func appendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, 0x40|byte(n>>8), byte(n))
	case n <= math.MaxUint32:
		dst = append(dst, 0x80)
		return binary.BigEndian.AppendUint32(dst, uint32(n))
	}
	dst = append(dst, 0x81)
	return binary.BigEndian.AppendUint64(dst, n)
}

// AppendString appends s as Redis's rdbSaveRawString writes it: a canonical
// decimal integer of up to 11 bytes that fits in 32 bits as an 8-, 16- or
// 32-bit integer; with Compress, a string longer than 20 bytes as LZF when
// the compressed form is at least 4 bytes shorter; otherwise its length and
// its bytes.
func (e *Encoder) AppendString(dst []byte, s string) []byte {
	if len(s) <= 11 {
		if v, ok := parseCanonicalInt(s); ok {
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				return append(dst, 0xC0, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				return append(dst, 0xC1, byte(v), byte(v>>8))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				return append(dst, 0xC2, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
			}
		}
	}
	if e.Compress && len(s) > 20 {
		if out, ok := e.appendLZF(dst, unsafe.Slice(unsafe.StringData(s), len(s))); ok {
			return out
		}
	}
	dst = appendLen(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendBytes is AppendString for a blob built in a scratch buffer.
func (e *Encoder) appendBytes(dst, b []byte) []byte {
	// The blobs written this way (listpacks, intsets) never read as
	// integers: their first byte is a size, not a digit, and they are
	// longer than 6 bytes.
	if e.Compress && len(b) > 20 {
		if out, ok := e.appendLZF(dst, b); ok {
			return out
		}
	}
	dst = appendLen(dst, uint64(len(b)))
	return append(dst, b...)
}

// appendLZF appends s LZF-compressed, as Redis's rdbSaveLzfStringObject:
// only when the output fits in len(s)-4 bytes. s is only read.
func (e *Encoder) appendLZF(dst []byte, s []byte) ([]byte, bool) {
	limit := len(s) - 4
	if cap(e.lzf) < limit {
		e.lzf = make([]byte, limit)
	}
	n := lzfCompress(e.lzf[:limit], s)
	if n == 0 {
		return dst, false
	}
	dst = append(dst, 0xC3)
	dst = appendLen(dst, uint64(n))
	dst = appendLen(dst, uint64(len(s)))
	return append(dst, e.lzf[:n]...), true
}

// Quicklist node limits as RPUSH applies them with Redis's default
// list-max-listpack-size -2: a node takes another element while its
// listpack plus the element plus 8 bytes of estimated overhead stays
// within 8 KB; an element of 1 GB or more gets a plain node of its own.
const (
	quicklistNodeLimit      = 8192
	quicklistSizeOverhead   = 8
	quicklistPlainThreshold = 1 << 30
)

// QuicklistFits reports whether Redis 7.0, with its default
// list-max-listpack-size (-2), pushes an element of n bytes into a
// quicklist node whose listpack has nodeBytes bytes (at either end of the
// list) rather than starting a new node: the node's size plus the element
// plus 8 bytes of estimated overhead must stay within 8 KB, and an element
// of 1 GB or more always gets a plain node of its own.
func QuicklistFits(nodeBytes, n int) bool {
	return n < quicklistPlainThreshold && nodeBytes+n+quicklistSizeOverhead <= quicklistNodeLimit
}

// ListpackEntrySize returns the bytes s takes as one entry of a listpack
// (encoding header, data, back-length), integers encoded as Redis encodes
// them; ListpackEmptySize is the size of a listpack with no entries.
func ListpackEntrySize(s string) int { return lpEntrySize(s) }

// ListpackEmptySize is the bytes of a listpack with no entries: its header
// and end marker.
const ListpackEmptySize = lpHeaderSize + 1

// AppendList appends a TypeListQuicklist2 body holding items, split into
// nodes as RPUSH of items, one by one, into a new list would split them in
// Redis 7.0 with its default list-max-listpack-size (-2: 8 KB nodes).
// Elements of 1 GB or more are written as plain nodes, as Redis does. An
// empty items writes a list of no nodes, which readers refuse.
func (e *Encoder) AppendList(dst []byte, items []string) []byte {
	// First find the nodes, then write their count and the nodes.
	var nodes []listNode
	size := 0 // the current node's listpack size; 0: no node
	for i, s := range items {
		plain := len(s) >= quicklistPlainThreshold
		if size > 0 && !plain && size+len(s)+quicklistSizeOverhead <= quicklistNodeLimit && nodes[len(nodes)-1].to == i {
			size += lpEntrySize(s)
			nodes[len(nodes)-1].to = i + 1
			continue
		}
		nodes = append(nodes, listNode{i, i + 1})
		size = 0
		if !plain {
			size = lpHeaderSize + 1 + lpEntrySize(s)
		}
	}
	return e.appendNodes(dst, items, nodes)
}

// AppendListNodes appends a TypeListQuicklist2 body holding items cut into
// nodes of counts[0], counts[1], … elements, head to tail: the nodes of a
// list Redis built otherwise than by pushing at the tail (see
// QuicklistFits). The counts must be positive and add up to len(items); if
// they do not, the list is cut as AppendList cuts it. A node of one element
// of 1 GB or more is written as a plain node.
func (e *Encoder) AppendListNodes(dst []byte, items []string, counts []int) []byte {
	nodes := make([]listNode, len(counts))
	from := 0
	for i, c := range counts {
		if c <= 0 || c > len(items)-from {
			return e.AppendList(dst, items)
		}
		nodes[i] = listNode{from, from + c}
		from += c
	}
	if from != len(items) {
		return e.AppendList(dst, items)
	}
	return e.appendNodes(dst, items, nodes)
}

// AppendQuicklistLen appends the node count of a TypeListQuicklist2 body,
// to be followed by that many AppendQuicklistNode.
func (e *Encoder) AppendQuicklistLen(dst []byte, nodes int) []byte {
	return appendLen(dst, uint64(nodes))
}

// AppendQuicklistNode appends one node of a TypeListQuicklist2 body, as
// Redis 7.0 writes it: a packed node as its listpack (entries, as
// internal/listpack writes them, without header and terminator, and their
// count), a plain node (plain) as its element's bytes (entries).
func (e *Encoder) AppendQuicklistNode(dst []byte, entries []byte, count int, plain bool) []byte {
	if plain {
		dst = appendLen(dst, quicklistNodePlain)
		return e.AppendString(dst, unsafe.String(unsafe.SliceData(entries), len(entries)))
	}
	dst = appendLen(dst, quicklistNodePacked)
	b, at := lpStart(e.blob[:0])
	b = append(b, entries...)
	b = lpFinish(b, at, count)
	dst = e.appendBytes(dst, b)
	e.keep(b)
	return dst
}

// listNode is a quicklist node: items[from:to].
type listNode struct{ from, to int }

// appendNodes appends the node count and the nodes of a quicklist.
func (e *Encoder) appendNodes(dst []byte, items []string, nodes []listNode) []byte {
	dst = appendLen(dst, uint64(len(nodes)))
	for _, n := range nodes {
		if n.to-n.from == 1 && len(items[n.from]) >= quicklistPlainThreshold {
			dst = appendLen(dst, quicklistNodePlain)
			dst = e.AppendString(dst, items[n.from])
			continue
		}
		dst = appendLen(dst, quicklistNodePacked)
		b, at := lpStart(e.blob[:0])
		for _, s := range items[n.from:n.to] {
			b = lpAppendString(b, s)
		}
		b = lpFinish(b, at, n.to-n.from)
		dst = e.appendBytes(dst, b)
		e.keep(b)
	}
	return dst
}

// keep retains a scratch buffer unless it grew very large.
func (e *Encoder) keep(b []byte) {
	if cap(b) <= 1<<20 {
		e.blob = b[:0]
	}
}

// AppendIntset appends a TypeSetIntset body holding ints, which must be
// ascending and unique, with the given width in bytes (2, 4 or 8; 0: the
// smallest that holds every member; a width too narrow for a member, or
// not 2, 4 or 8, is taken as 0). Redis never narrows an intset: one that
// once held a wide member keeps its width, so the engine passes the width
// its set has.
func (e *Encoder) AppendIntset(dst []byte, ints []int64, width int) []byte {
	b := appendIntsetBlob(e.blob[:0], ints, width)
	dst = e.appendBytes(dst, b)
	e.keep(b)
	return dst
}

// AppendSet appends a TypeSet body: the count and each member. Redis writes
// its hash table's order, so the bytes match Redis's only when the order
// happens to.
func (e *Encoder) AppendSet(dst []byte, members []string) []byte {
	dst = appendLen(dst, uint64(len(members)))
	for _, m := range members {
		dst = e.AppendString(dst, m)
	}
	return dst
}

// AppendHash appends a TypeHash body from pairs (field, value, …): the
// count of fields and each field and value. Like AppendSet, the order is
// the caller's.
func (e *Encoder) AppendHash(dst []byte, pairs []string) []byte {
	dst = appendLen(dst, uint64(len(pairs)/2))
	for _, s := range pairs[:len(pairs)/2*2] {
		dst = e.AppendString(dst, s)
	}
	return dst
}

// AppendHashListpack appends a TypeHashListpack body: one listpack of
// field, value, … in the order given (Redis keeps the order of insertion).
func (e *Encoder) AppendHashListpack(dst []byte, pairs []string) []byte {
	b, at := lpStart(e.blob[:0])
	for _, s := range pairs {
		b = lpAppendString(b, s)
	}
	b = lpFinish(b, at, len(pairs))
	dst = e.appendBytes(dst, b)
	e.keep(b)
	return dst
}

// AppendZSetListpack appends a TypeZSetListpack body: one listpack of
// member, score, … with ms in ascending order (score, then member), each
// score written as Redis's d2string writes it (see FormatScore).
func (e *Encoder) AppendZSetListpack(dst []byte, ms []ZMember) []byte {
	b, at := lpStart(e.blob[:0])
	var num [32]byte
	for _, m := range ms {
		b = lpAppendString(b, m.Member)
		score := AppendScore(num[:0], m.Score)
		b = lpAppendString(b, unsafe.String(&score[0], len(score)))
	}
	b = lpFinish(b, at, 2*len(ms))
	dst = e.appendBytes(dst, b)
	e.keep(b)
	return dst
}

// AppendZSet2 appends a TypeZSet2 body: the count, then from the highest
// member to the lowest (Redis walks its skiplist from the tail) each member
// and its score as a little-endian binary double. ms is ascending.
func (e *Encoder) AppendZSet2(dst []byte, ms []ZMember) []byte {
	dst = appendLen(dst, uint64(len(ms)))
	for i := len(ms) - 1; i >= 0; i-- {
		dst = e.AppendString(dst, ms[i].Member)
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(ms[i].Score))
	}
	return dst
}

// AppendScore appends a score as Redis's d2string writes it into a
// listpack: "inf", "-inf", "nan", an integral value within ±2^62 in plain
// digits (negative zero as "0", so it reads back as 0, as in Redis),
// anything else as C's "%.17g".
func AppendScore(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f >= -(1<<62) && f <= 1<<62 && f == float64(int64(f)):
		// Redis's double2ll: integral values within ±(LLONG_MAX/2), which
		// as a double is 2^62, print as integers.
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}

// AppendStream appends a TypeStreamListpacks2 body of s: its nodes (each
// the 16-byte key and the listpack, as Redis keeps them), its length, last,
// first and largest deleted IDs, the count of entries added, and its
// consumer groups in name order: each its name, last-delivered ID,
// entries-read, PEL (raw 16-byte IDs, each with its delivery time in
// milliseconds, 8 bytes little-endian, and delivery count) and consumers
// (name, seen-time, and the raw IDs of their own PEL), as Redis 7.0's
// rdbSaveObject writes them.
func (e *Encoder) AppendStream(dst []byte, s *stream.Stream) []byte {
	dst = appendLen(dst, uint64(s.Nodes()))
	s.EachNode(func(master stream.ID, lp []byte) {
		key := stream.EncodeID(master)
		dst = appendLen(dst, uint64(len(key)))
		dst = append(dst, key[:]...)
		dst = e.appendBytes(dst, lp)
	})
	m := s.Meta()
	for _, v := range []uint64{m.Length, m.LastID.Ms, m.LastID.Seq, m.FirstID.Ms, m.FirstID.Seq,
		m.MaxDeletedID.Ms, m.MaxDeletedID.Seq, m.EntriesAdded, uint64(s.NumGroups())} {
		dst = appendLen(dst, v)
	}
	for _, g := range s.Groups() {
		dst = e.appendBytes(dst, []byte(g.Name))
		dst = appendLen(dst, g.LastID.Ms)
		dst = appendLen(dst, g.LastID.Seq)
		dst = appendLen(dst, uint64(g.EntriesRead))
		dst = appendLen(dst, uint64(g.PendingLen()))
		for cur := g.Seek(stream.ID{}); cur.Valid(); cur = cur.Next() {
			p := cur.Pending()
			key := stream.EncodeID(p.ID)
			dst = append(dst, key[:]...)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(p.DeliveryTime))
			dst = appendLen(dst, uint64(p.DeliveryCount))
		}
		cs := g.Consumers()
		dst = appendLen(dst, uint64(len(cs)))
		for _, c := range cs {
			dst = e.appendBytes(dst, []byte(c.Name))
			dst = binary.LittleEndian.AppendUint64(dst, uint64(c.SeenTime))
			dst = appendLen(dst, uint64(c.PendingLen()))
			for cur := c.Seek(stream.ID{}); cur.Valid(); cur = cur.Next() {
				key := stream.EncodeID(cur.Pending().ID)
				dst = append(dst, key[:]...)
			}
		}
	}
	return dst
}
