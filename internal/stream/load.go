package stream

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/embedis/embedis/internal/listpack"
)

// Loading a stream from nodes written elsewhere (an RDB file, a DUMP
// payload): every byte is checked before a node is used, so that the
// readers of node.go, which trust their listpacks, never meet one they
// cannot walk.

// ErrCorrupt is the error of Load for nodes that are not a valid stream.
var ErrCorrupt = errors.New("stream: corrupt nodes")

// Meta are the counters an RDB file carries beside a stream's nodes.
type Meta struct {
	Length       uint64
	LastID       ID
	FirstID      ID // Redis's recorded first ID (written; on loading, derived from the nodes)
	MaxDeletedID ID
	EntriesAdded uint64
}

// EachNode calls fn with each node's master ID and listpack, in ID order.
// The listpack is the stream's: fn must not keep or change it.
func (s *Stream) EachNode(fn func(master ID, lp []byte)) {
	for _, n := range s.nodes {
		fn(n.master, n.lp)
	}
}

// Meta returns the stream's counters as an RDB file carries them.
func (s *Stream) Meta() Meta {
	return Meta{Length: uint64(s.length), LastID: s.LastID, FirstID: s.FirstID(), MaxDeletedID: s.MaxDeletedID, EntriesAdded: uint64(s.EntriesAdded)}
}

// DecodeID reads a 16-byte big-endian node key.
func DecodeID(key []byte) (ID, bool) {
	if len(key) != 16 {
		return ID{}, false
	}
	return ID{binary.BigEndian.Uint64(key), binary.BigEndian.Uint64(key[8:])}, true
}

// EncodeID returns id as a 16-byte big-endian node key.
func EncodeID(id ID) [16]byte { return encodeID(id) }

// Load builds a stream from its nodes (master IDs and listpacks, in
// order; the listpacks are copied) and counters, checking everything: each
// listpack's framing and encodings, the master and entry layout of every
// node, IDs strictly increasing from each node's master ID, the counts,
// the length, and the last ID not before the last entry. A failure is
// ErrCorrupt, wrapped with the reason.
func Load(masters []ID, lps [][]byte, m Meta) (*Stream, error) {
	s := &Stream{LastID: m.LastID, MaxDeletedID: m.MaxDeletedID}
	if m.EntriesAdded > 1<<62 || m.Length > 1<<62 {
		return nil, fmt.Errorf("%w: counters out of range", ErrCorrupt)
	}
	s.EntriesAdded = int64(m.EntriesAdded)
	var prev ID
	havePrev := false
	for i, lp := range lps {
		n, last, err := loadNode(masters[i], lp, prev, havePrev)
		if err != nil {
			return nil, fmt.Errorf("%w: node %d: %s", ErrCorrupt, i, err)
		}
		prev, havePrev = last, true
		s.nodes = append(s.nodes, n)
		s.length += int64(n.live)
	}
	if uint64(s.length) != m.Length {
		return nil, fmt.Errorf("%w: %d entries, length says %d", ErrCorrupt, s.length, m.Length)
	}
	if havePrev && m.LastID.Less(prev) {
		return nil, fmt.Errorf("%w: last ID %v before the last entry %v", ErrCorrupt, m.LastID, prev)
	}
	s.recount()
	return s, nil
}

// loadNode checks one node's listpack and returns the node and the ID of
// its last entry.
func loadNode(master ID, raw []byte, prev ID, havePrev bool) (*node, ID, error) {
	lp := append([]byte(nil), raw...)
	it, err := listpack.Check(lp)
	if err != nil {
		return nil, ID{}, fmt.Errorf("bad listpack framing: %w", err)
	}
	n := &node{master: master, lp: lp}
	elems := 0
	// next reads the next entry; at the terminator it returns done, or
	// the error of a header count that does not match.
	next := func(what string) (e listpack.Entry, done bool, err error) {
		at := it.Offset()
		e, done, err = it.Next()
		if err != nil {
			return e, done, fmt.Errorf("bad %s at byte %d: %w", what, at, err)
		}
		if !done {
			elems++
		}
		return e, done, nil
	}
	nextInt := func(what string) (int64, error) {
		at := it.Offset()
		e, done, err := next(what)
		if err == nil && (done || !e.IsInt) {
			err = fmt.Errorf("bad %s at byte %d", what, at)
		}
		return e.Int, err
	}
	skip := func(what string) error {
		at := it.Offset()
		_, done, err := next(what)
		if err == nil && done {
			err = fmt.Errorf("bad %s at byte %d", what, at)
		}
		return err
	}
	live, err := nextInt("live count")
	if err != nil {
		return nil, ID{}, err
	}
	deleted, err := nextInt("deleted count")
	if err != nil {
		return nil, ID{}, err
	}
	nfields, err := nextInt("master field count")
	if err != nil {
		return nil, ID{}, err
	}
	if live < 0 || deleted < 0 || nfields < 0 || nfields > int64(len(lp)) {
		return nil, ID{}, errors.New("master entry counts out of range")
	}
	n.nfields = int(nfields)
	for i := 0; i < n.nfields; i++ {
		if err := skip("master field"); err != nil {
			return nil, ID{}, err
		}
	}
	if v, err := nextInt("master terminator"); err != nil || v != 0 {
		return nil, ID{}, errors.New("bad master entry terminator")
	}
	var l, d int64
	var last ID
	first := true
	for {
		at := it.Offset()
		e, done, err := next("entry flags")
		if err != nil {
			return nil, ID{}, err
		}
		if done {
			break
		}
		if !e.IsInt {
			return nil, ID{}, fmt.Errorf("bad entry flags at byte %d", at)
		}
		flags := e.Int
		if flags < 0 || flags > flagDeleted|flagSameFields {
			return nil, ID{}, fmt.Errorf("entry flags %d", flags)
		}
		msd, err := nextInt("entry ms-diff")
		if err != nil {
			return nil, ID{}, err
		}
		seqd, err := nextInt("entry seq-diff")
		if err != nil {
			return nil, ID{}, err
		}
		id := ID{master.Ms + uint64(msd), master.Seq + uint64(seqd)}
		if first && id != master {
			return nil, ID{}, fmt.Errorf("first entry %v is not the node's key %v", id, master)
		}
		if (!first || havePrev) && !prev.Less(id) {
			return nil, ID{}, fmt.Errorf("entry %v not after %v", id, prev)
		}
		first = false
		prev, last = id, id
		count := 3
		elemsBefore := elems - 3
		if flags&flagSameFields != 0 {
			for i := 0; i < n.nfields; i++ {
				if err := skip("entry value"); err != nil {
					return nil, ID{}, err
				}
			}
			count += n.nfields
		} else {
			nf, err := nextInt("entry field count")
			if err != nil {
				return nil, ID{}, err
			}
			if nf < 0 || nf > int64(len(lp)) {
				return nil, ID{}, errors.New("entry field count out of range")
			}
			for i := int64(0); i < 2*nf; i++ {
				if err := skip("entry field or value"); err != nil {
					return nil, ID{}, err
				}
			}
			count += 1 + 2*int(nf)
		}
		if elems-elemsBefore != count {
			return nil, ID{}, errors.New("entry element count")
		}
		lpCountV, err := nextInt("entry lp-count")
		if err != nil {
			return nil, ID{}, err
		}
		if lpCountV != int64(count) {
			return nil, ID{}, fmt.Errorf("entry lp-count %d, want %d", lpCountV, count)
		}
		if flags&flagDeleted != 0 {
			d++
		} else {
			l++
		}
	}
	if first {
		return nil, ID{}, errors.New("node with no entry")
	}
	if l != live || d != deleted {
		return nil, ID{}, fmt.Errorf("counts %d/%d, entries %d/%d", live, deleted, l, d)
	}
	// The iterator checked a count below 65535; "unknown" must be true.
	if h := listpack.Count(lp); h == listpack.CountUnknown && elems < listpack.CountUnknown {
		return nil, ID{}, fmt.Errorf("header counts %d elements, listpack has %d", h, elems)
	}
	n.live, n.deleted, n.elems, n.last = int(live), int(deleted), elems, last
	return n, last, nil
}
