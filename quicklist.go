package embedis

import (
	"math"
	"unsafe"

	"github.com/embedis/embedis/internal/listpack"
	"github.com/embedis/embedis/internal/quicklist"
)

// A list's value is internal/quicklist's List: Redis 7.0's quicklist, nodes
// of listpacks cut and merged exactly where Redis 7.0.15 cuts and merges
// them (the package's doc has the rules), so that DUMP and snapshots write
// the list's nodes as they are and give Redis's bytes. A list read from a
// payload or file keeps the file's nodes, as Redis does. The differential
// cases check the nodes against redis-server's DUMP after thousands of
// random list commands, and internal/quicklist's tests against every
// list-max-listpack-size.

// listValue is a Redis list.
type listValue struct {
	l quicklist.List
	objMeta
}

// newList returns an empty list whose nodes follow list-max-listpack-size
// fill, as the store has it now (tx.newList): Redis fixes a list's fill when
// it creates the list.
func newList(fill int) *listValue { return &listValue{l: quicklist.New(fill)} }

// newList returns an empty list cut by the store's list-max-listpack-size.
func (tx *Tx) newList() *listValue { return newList(tx.e.listFill) }

// SetListMaxListpackSize sets list-max-listpack-size, how lists created
// from now on (by a push, a move, SORT STORE, RESTORE or a snapshot
// loaded) cut their nodes, as Redis 7.0's setting: -1 to -5 bound a node to
// 4, 8, 16, 32 or 64 KB of listpack; a positive n to n elements within 8
// KB; 0 puts every element in a node of its own. Below -5 acts as -5 and
// above 32767 as 32767, as in Redis (ListMaxListpackSize still returns the
// value set). Existing lists keep theirs, as in Redis. The default is -2.
// The nodes decide the bytes DUMP and snapshots write and the memory a list
// takes. A value outside Redis's bounds for the setting (32-bit) is
// ErrListMaxListpackSize.
func (tx *Tx) SetListMaxListpackSize(n int) error {
	if n < math.MinInt32 || n > math.MaxInt32 {
		return ErrListMaxListpackSize
	}
	tx.e.listFill = n
	return nil
}

// ListMaxListpackSize returns list-max-listpack-size as set (see
// SetListMaxListpackSize).
func (tx *Tx) ListMaxListpackSize() (int, error) { return tx.e.listFill, nil }

func (*listValue) typeName() string { return "list" }
func (v *listValue) clone() value   { return &listValue{l: v.l.Clone()} }
func (v *listValue) len() int       { return v.l.Len() }

// each calls fn with the elements from index from (towards the head with
// reverse) until it returns false.
func (v *listValue) each(from int, reverse bool, fn func(i int, s string) bool) {
	v.l.Each(from, reverse, func(i int, e listpack.Entry) bool { return fn(i, e.String()) })
}

// entryEquals returns a test of whether a list element equals s, without
// turning elements into strings: a listpack holds s as an integer exactly
// when it is a canonical decimal integer.
func entryEquals(s string) func(e listpack.Entry) bool {
	if n, ok := listpack.ParseInt(s); ok {
		return func(e listpack.Entry) bool { return e.IsInt && e.Int == n }
	}
	return func(e listpack.Entry) bool { return !e.IsInt && string(e.Str) == s }
}

// listFromNodes returns a list of items in the nodes of counts (a file's),
// or, when counts do not describe items (an older list type, which Redis
// rebuilds by pushing at the tail), pushed at the tail one by one.
func listFromNodes(items []string, counts []int, fill int) *listValue {
	total := 0
	for _, c := range counts {
		if c <= 0 {
			total = -1
			break
		}
		total += c
	}
	lv := newList(fill)
	if total != len(items) || len(counts) == 0 {
		for _, s := range items {
			lv.l.PushBack(s)
		}
		return lv
	}
	at := 0
	for _, c := range counts {
		lv.l.AppendNode(items[at : at+c])
		at += c
	}
	return lv
}

// listMemUsage is what a list holds besides its nodes.
const listMemUsage = int(unsafe.Sizeof(listValue{}))
