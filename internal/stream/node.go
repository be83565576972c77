package stream

import "github.com/embedis/embedis/internal/listpack"

// A node is one listpack laid out as Redis's streamAppendItem lays it out:
//
//	master entry: live-count deleted-count num-fields field_1 … field_N 0
//	each entry:   flags ms-diff seq-diff [num-fields field_1 value_1 … | value_1 …] lp-count
//
// The master entry names the fields of the node's first entry; an entry
// with the same field names, in the same order, carries flagSameFields and
// only its values. ms-diff and seq-diff are the entry's ID minus the node's
// master ID (two's complement differences). lp-count is the number of
// elements of the entry before it, so that a reader can walk back; the
// master entry's final 0 is where a backward walk stops.
//
// The node is a listpack as Redis writes it (internal/listpack), byte for
// byte: the node boundaries that decide what XTRIM ~ removes depend on its
// size, and an RDB file carries it as is.

const (
	flagDeleted    = 1
	flagSameFields = 2
)

type node struct {
	master  ID // the ID of the node's first entry, its key in the radix tree
	last    ID // the ID of its last entry, deleted or not
	live    int
	deleted int
	nfields int // the master entry's field count
	elems   int // elements in lp (the header saturates at 65535)
	lp      []byte
}

// newNode returns a node keyed by id whose master entry names the fields
// of fields (alternating fields and values), with no entry yet.
func newNode(id ID, fields []string) *node {
	n := &node{master: id, nfields: len(fields) / 2}
	lp, _ := listpack.Start(make([]byte, 0, 64))
	lp = listpack.AppendInt(lp, 0) // live count: append makes it 1
	lp = listpack.AppendInt(lp, 0) // deleted count
	lp = listpack.AppendInt(lp, int64(n.nfields))
	for i := 0; i < len(fields); i += 2 {
		lp = listpack.AppendString(lp, fields[i])
	}
	lp = listpack.AppendInt(lp, 0) // the master entry's terminator
	n.elems = 4 + n.nfields
	n.lp = listpack.Finish(lp, 0, n.elems)
	return n
}

// masterFields returns the position of the master entry's first field name.
func (n *node) masterFields() int {
	p := skipElem(n.lp, listpack.HeaderSize)
	p = skipElem(n.lp, p)
	return skipElem(n.lp, p)
}

// firstEntry returns the position of the first entry's flags (the end byte
// when there is none).
func (n *node) firstEntry() int {
	p := n.masterFields()
	for i := 0; i < n.nfields; i++ {
		p = skipElem(n.lp, p)
	}
	return skipElem(n.lp, p)
}

// sameFields reports whether fields name the master entry's fields.
func (n *node) sameFields(fields []string) bool {
	if len(fields)/2 != n.nfields {
		return false
	}
	p := n.masterFields()
	for i := 0; i < len(fields); i += 2 {
		var e listpack.Entry
		e, p = readElem(n.lp, p)
		if e.IsInt {
			if v, ok := listpack.ParseInt(fields[i]); !ok || v != e.Int {
				return false
			}
		} else if string(e.Str) != fields[i] {
			return false
		}
	}
	return true
}

// append adds an entry at the end of the node.
func (n *node) append(id ID, fields []string) {
	n.setCounts(n.live+1, n.deleted)
	var flags int64
	same := n.sameFields(fields)
	if same {
		flags = flagSameFields
	}
	lp := n.lp[:len(n.lp)-1]
	lp = listpack.AppendInt(lp, flags)
	lp = listpack.AppendInt(lp, int64(id.Ms-n.master.Ms))
	lp = listpack.AppendInt(lp, int64(id.Seq-n.master.Seq))
	nf := len(fields) / 2
	count := 3 + nf
	if !same {
		lp = listpack.AppendInt(lp, int64(nf))
		count += nf + 1
	}
	for i := 0; i < len(fields); i += 2 {
		if !same {
			lp = listpack.AppendString(lp, fields[i])
		}
		lp = listpack.AppendString(lp, fields[i+1])
	}
	lp = listpack.AppendInt(lp, int64(count))
	n.elems += count + 1
	n.lp = listpack.Finish(lp, 0, n.elems)
	n.last = id
}

// setCounts rewrites the master entry's live and deleted counts.
func (n *node) setCounts(live, deleted int) {
	n.lp = listpack.ReplaceInt(n.lp, listpack.HeaderSize, int64(live))
	n.lp = listpack.ReplaceInt(n.lp, skipElem(n.lp, listpack.HeaderSize), int64(deleted))
	n.live, n.deleted = live, deleted
}

// markDeleted sets the deleted flag of the entry whose flags are at pos.
// The flags stay below 128, one byte, so nothing moves.
func (n *node) markDeleted(pos int) {
	n.lp[pos] |= flagDeleted
}

// decode reads the entry whose flags are at pos: its flags, its ID, its
// fields and values if withFields, and the position of the next entry.
func (n *node) decode(pos int, withFields bool) (flags int64, id ID, fields []string, next int) {
	lp := n.lp
	flags, pos = readInt(lp, pos)
	msd, pos := readInt(lp, pos)
	seqd, pos := readInt(lp, pos)
	id = ID{n.master.Ms + uint64(msd), n.master.Seq + uint64(seqd)}
	same := flags&flagSameFields != 0
	nf := n.nfields
	if !same {
		var v int64
		v, pos = readInt(lp, pos)
		nf = int(v)
	}
	if !withFields {
		skip := nf
		if !same {
			skip *= 2
		}
		for ; skip > 0; skip-- {
			pos = skipElem(lp, pos)
		}
		return flags, id, nil, skipElem(lp, pos)
	}
	fields = make([]string, 0, 2*nf)
	mp := n.masterFields()
	for i := 0; i < nf; i++ {
		var f, v listpack.Entry
		if same {
			f, mp = readElem(lp, mp)
		} else {
			f, pos = readElem(lp, pos)
		}
		v, pos = readElem(lp, pos)
		fields = append(fields, f.String(), v.String())
	}
	return flags, id, fields, skipElem(lp, pos)
}

// prevEntry returns the position of the flags of the entry that ends just
// before pos (an entry's flags or the end byte); ok is false at the master
// entry.
func (n *node) prevEntry(pos int) (int, bool) {
	p := prevElem(n.lp, pos)
	count, _ := readInt(n.lp, p)
	if count == 0 {
		return 0, false
	}
	for ; count > 0; count-- {
		p = prevElem(n.lp, p)
	}
	return p, true
}

// find returns the position of the flags of the live entry id.
func (n *node) find(id ID) (int, bool) {
	if n.last.Less(id) {
		return 0, false
	}
	for p := n.firstEntry(); n.lp[p] != listpack.EOF; {
		flags, eid, _, next := n.decode(p, false)
		switch c := eid.Compare(id); {
		case c == 0:
			return p, flags&flagDeleted == 0
		case c > 0:
			return 0, false
		}
		p = next
	}
	return 0, false
}

// The positional readers of a node's listpack, whose entries this package
// wrote or Load checked: the entry at pos and the position after it, the
// integer entry at pos, the position after the entry at pos, and the
// position of the entry that ends at pos.

func readElem(lp []byte, pos int) (listpack.Entry, int) {
	e, n := listpack.Decode(lp[pos:])
	return e, pos + n
}

func readInt(lp []byte, pos int) (int64, int) {
	e, n := listpack.Decode(lp[pos:])
	return e.Int, pos + n
}

func skipElem(lp []byte, pos int) int {
	_, n := listpack.Decode(lp[pos:]) // faster than EntryLen on short entries
	return pos + n
}

func prevElem(lp []byte, pos int) int { return pos - listpack.PrevLen(lp[:pos]) }
