package embedis

import (
	"math"
	"slices"
	"strings"

	"github.com/embedis/embedis/internal/deque"
	"github.com/embedis/embedis/internal/number"
)

// SORT and SORT_RO, as Redis 7.0: SortArgs says how elements are ordered
// and looked up. SORT ... STORE saves its result through storeList, the one
// place where SORT writes.

// SortArgs are the options of Sort and SortStore (SORT's BY, LIMIT, GET,
// ASC/DESC and ALPHA).
//
// Ordering. Without Alpha each element gets a numeric weight: the element
// itself, or with By the string (or hash field) the pattern names, read with
// C's strtod as Redis does (leading white space and an empty string are
// accepted, a weight whose key is missing counts as 0); one weight that does
// not convert fails the whole command with ErrSortScore. Equal weights are
// ordered by the elements' bytes, so numeric order is total. With Alpha the
// elements (or the By values, an element whose By value is missing sorting
// first) are compared as C strings: up to their first NUL byte, bytewise as
// strcoll in the C and C.UTF-8 locales, which is what redis-server uses
// unless started in another locale; with STORE Redis compares whole strings
// bytewise instead, and so do we. Desc reverses the comparison, ties
// included.
//
// Where the comparison ties (Alpha with equal By values, or elements equal
// up to a NUL byte), Redis's order is that of its sort algorithm: glibc's
// qsort (a stable merge sort) for a whole result, and its own partial
// quicksort when By and a LIMIT that cuts the result meet. We sort stably,
// so ties keep the elements' order, as the merge sort does: lists then match
// Redis exactly; a partial sort, and a set or sorted set held in a hash
// table, may order ties differently.
//
// One known difference: Redis tests strtod's errno for ERANGE without
// clearing it first, so once any strtod in redis-server has overflowed or
// underflowed (a ZADD score of 1e400 will do), its numeric SORTs of weights
// held as text (set members, non-integer list elements and values) fail with
// ErrSortScore until it next accepts a connection. embedis sorts them, as
// Redis does on a fresh connection.
//
// A By pattern without '*' (conventionally "nosort") skips the sorting:
// lists and sorted sets come in their own order (Desc reversing it, the
// LIMIT taken as a range), sets in their iteration order, except that a set
// sorted with STORE is sorted with Alpha so that the stored list is the same
// everywhere, as in Redis. Sorting a sorted set in any way makes Redis hold
// it as a skiplist for good (OBJECT ENCODING, ZSCAN); so does embedis.
//
// Patterns. A By or Get pattern names a key by replacing its first '*' with
// the element ("weight_*" → "weight_7"); "->field" after the '*' reads that
// field of a hash ("obj_*->price"); Get "#" is the element itself. A key that
// is missing or of the wrong type (not a string, or not a hash for "->")
// gives no value: nil in SORT's reply, "" in Sort's result and in a STORE. As
// in Redis, the '*' and "->" are searched only up to the pattern's first NUL
// byte, and a Get pattern without '*' never names a key.
type SortArgs struct {
	// By is the pattern whose values weigh the elements; "" sorts by the
	// elements themselves; a pattern without '*' (such as "nosort") skips
	// the sorting (see Ordering above).
	By string
	// Offset and Count are the LIMIT: the result skips Offset elements
	// (a negative Offset counts as 0) and keeps at most Count (a negative
	// Count keeps all). Both 0 means no LIMIT.
	Offset, Count int64
	// Get lists patterns whose values, for each element in order, make the
	// result instead of the elements ("#" is the element).
	Get []string
	// Desc sorts from the largest to the smallest.
	Desc bool
	// Alpha compares strings instead of numbers.
	Alpha bool
}

// sortQuery is a SORT command as the wire gives it: SortArgs where LIMIT and
// the BY that skips sorting are explicit, and the STORE destination.
type sortQuery struct {
	by            string // the last BY pattern; "" if none
	dontSort      bool   // a BY pattern without '*' was given
	limited       bool
	offset, count int64
	get           []string
	desc, alpha   bool
	store         string
	storing       bool
}

func (a SortArgs) query() sortQuery {
	q := sortQuery{get: a.Get, desc: a.Desc, alpha: a.Alpha, offset: a.Offset, count: a.Count}
	q.limited = a.Offset != 0 || a.Count != 0
	if a.By != "" {
		q.by = a.By
		q.dontSort = !strings.Contains(cString(a.By), "*")
	}
	return q
}

// Sort returns the elements of the list, set or sorted set at key, sorted
// as a says (see SortArgs), or with Get the values the patterns name for
// each of them in that order, "" for a value that does not exist (SORT
// replies nil there: use Do to tell them apart). A missing key gives an
// empty result. It returns ErrWrongType for a key of another type and
// ErrSortScore when sorting numerically meets a weight that is not a
// number. Sort stores nothing: it is SORT without STORE, and SORT_RO.
func (tx *Tx) Sort(key string, a SortArgs) ([]string, error) {
	if tx.refuseOOM() {
		return nil, ErrOOM
	}
	vals, err := tx.sort(key, a.query())
	out := make([]string, len(vals))
	for i, v := range vals {
		if v != nil {
			out[i] = *v
		}
	}
	return out, err
}

// SortStore sorts as Sort and stores the result at destination as a list,
// replacing any value (and time to live) it had, and returns the list's
// length. An empty result deletes destination.
func (tx *Tx) SortStore(key, destination string, a SortArgs) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	q := a.query()
	q.store, q.storing = destination, true
	return tx.sortStore(key, q)
}

// sortItem is an element being sorted, with its weight.
type sortItem struct {
	elem   string
	score  float64 // numeric sort
	cmp    string  // ALPHA with BY: the BY value
	hasCmp bool
}

// sortElements runs q up to the LIMIT window: it returns the elements in
// their final order.
func (tx *Tx) sortElements(key string, q sortQuery) ([]sortItem, error) {
	v := tx.lookupRead(key)
	switch v.(type) {
	case nil, *listValue, *setValue, *zsetValue:
	default:
		return nil, ErrWrongType
	}
	by, dontSort, alpha := q.by, q.dontSort, q.alpha
	if _, ok := v.(*setValue); ok && dontSort && q.storing {
		// A set's order is its hash table's: a stored result must not
		// depend on it.
		dontSort, alpha, by = false, true, ""
	}
	if z, ok := v.(*zsetValue); ok {
		// Redis converts a listpack sorted set to a skiplist for good
		// before sorting it (which ZSCAN and OBJECT ENCODING show).
		z.listpack = false
	}
	n := int64(0)
	switch v := v.(type) {
	case *listValue:
		n = int64(v.d.Len())
	case *setValue:
		n = int64(v.card())
	case *zsetValue:
		n = int64(v.s.Len())
	}
	start, end := sortWindow(q, n)

	var items []sortItem
	if dontSort {
		// Lists and sorted sets give the window directly, in their order.
		switch v := v.(type) {
		case *listValue:
			items = listWindow(&v.d, start, end, q.desc)
			return items, nil
		case *zsetValue:
			items = zsetWindow(v, start, end, q.desc)
			return items, nil
		}
	}
	switch v := v.(type) {
	case *listValue:
		items = make([]sortItem, 0, v.d.Len())
		v.d.Range(0, false, func(_ int, s string) bool {
			items = append(items, sortItem{elem: s})
			return true
		})
	case *setValue:
		items = make([]sortItem, 0, v.card())
		v.each(func(m string) bool {
			items = append(items, sortItem{elem: m})
			return true
		})
	case *zsetValue:
		items = make([]sortItem, 0, v.s.Len())
		v.s.Range(func(m string, _ float64) bool {
			items = append(items, sortItem{elem: m})
			return true
		})
	}
	if !dontSort {
		if err := tx.weigh(items, by, alpha); err != nil {
			return nil, err
		}
		slices.SortStableFunc(items, sortCompare(by != "", alpha, q.storing, q.desc))
	}
	if start > end {
		return nil, nil
	}
	return items[start : end+1], nil
}

// sortWindow returns the first and last positions of q's LIMIT window in a
// result of n elements; start > end for an empty window.
func sortWindow(q sortQuery, n int64) (start, end int64) {
	start, end = 0, n-1
	if !q.limited {
		return start, end
	}
	start = max(q.offset, 0)
	if q.count >= 0 {
		if q.count > math.MaxInt64-start {
			end = math.MaxInt64
		} else {
			end = start + q.count - 1
		}
	}
	if start >= n {
		return 0, -1
	}
	return start, min(end, n-1)
}

func listWindow(d *deque.Deque, start, end int64, desc bool) []sortItem {
	if start > end {
		return nil
	}
	items := make([]sortItem, 0, end-start+1)
	from := int(start)
	if desc {
		from = d.Len() - 1 - int(start)
	}
	d.Range(from, desc, func(_ int, s string) bool {
		items = append(items, sortItem{elem: s})
		return int64(len(items)) <= end-start
	})
	return items
}

func zsetWindow(v *zsetValue, start, end int64, desc bool) []sortItem {
	if start > end {
		return nil
	}
	items := make([]sortItem, 0, end-start+1)
	rank := int(start)
	if desc {
		rank = v.s.Len() - 1 - int(start)
	}
	for it := v.s.At(rank); it.Valid() && int64(len(items)) <= end-start; {
		items = append(items, sortItem{elem: it.Member()})
		if desc {
			it.Prev()
		} else {
			it.Next()
		}
	}
	return items
}

// weigh gives each item its weight: with alpha only BY values are needed
// (the elements compare themselves); without, every weight must convert to
// a number. It checks every item, as Redis does, before any is compared.
func (tx *Tx) weigh(items []sortItem, by string, alpha bool) error {
	if alpha && by == "" {
		return nil
	}
	bad := false
	for i := range items {
		it := &items[i]
		w, ok := it.elem, true
		if by != "" {
			if w, ok = tx.sortLookup(by, it.elem); !ok {
				continue // a missing weight is 0, or sorts first with ALPHA
			}
		}
		if alpha {
			it.cmp, it.hasCmp = w, true
			continue
		}
		if it.score, ok = number.ParseSortScore(w); !ok {
			bad = true
		}
	}
	if bad {
		return ErrSortScore
	}
	return nil
}

// sortCompare returns Redis's comparison of two items (see SortArgs).
func sortCompare(byPattern, alpha, storing, desc bool) func(a, b sortItem) int {
	cmpStr := cStringCompare
	if storing {
		cmpStr = strings.Compare
	}
	return func(a, b sortItem) int {
		var c int
		switch {
		case !alpha:
			switch {
			case a.score > b.score:
				c = 1
			case a.score < b.score:
				c = -1
			default:
				c = strings.Compare(a.elem, b.elem)
			}
		case byPattern:
			switch {
			case a.hasCmp && b.hasCmp:
				c = cmpStr(a.cmp, b.cmp)
			case a.hasCmp:
				c = 1
			case b.hasCmp:
				c = -1
			}
		default:
			c = cmpStr(a.elem, b.elem)
		}
		if desc {
			return -c
		}
		return c
	}
}

// cString returns s as C sees it: up to its first NUL byte.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// cStringCompare compares a and b as C's strcmp does.
func cStringCompare(a, b string) int { return strings.Compare(cString(a), cString(b)) }

// sortLookup returns the value pattern names for elem (see SortArgs), and
// whether there is one.
func (tx *Tx) sortLookup(pattern, elem string) (string, bool) {
	if pattern == "#" || strings.HasPrefix(pattern, "#\x00") {
		return elem, true
	}
	c := cString(pattern)
	star := strings.IndexByte(c, '*')
	if star < 0 {
		return "", false
	}
	field, fieldLen := "", 0
	if f := strings.Index(c[star+1:], "->"); f >= 0 {
		if f += star + 1; f+2 < len(c) {
			// The field runs to the pattern's end, past any NUL.
			field = pattern[f+2:]
			fieldLen = len(field) + 2
		}
	}
	key := pattern[:star] + elem + pattern[star+1:len(pattern)-fieldLen]
	switch v := tx.lookupRead(key).(type) {
	case *stringValue:
		if fieldLen == 0 {
			return v.str(), true
		}
	case *hashValue:
		if fieldLen > 0 {
			return v.get(field)
		}
	}
	return "", false
}

// sort runs q and returns the reply: the elements or, with GET, the values
// (nil where there is none).
func (tx *Tx) sort(key string, q sortQuery) ([]*string, error) {
	items, err := tx.sortElements(key, q)
	if err != nil {
		return nil, err
	}
	if len(q.get) == 0 {
		out := make([]*string, len(items))
		for i := range items {
			out[i] = &items[i].elem
		}
		return out, nil
	}
	out := make([]*string, 0, len(items)*len(q.get))
	for _, it := range items {
		for _, p := range q.get {
			if v, ok := tx.sortLookup(p, it.elem); ok {
				out = append(out, &v)
			} else {
				out = append(out, nil)
			}
		}
	}
	return out, nil
}

// sortStore runs q and stores its result at q.store.
func (tx *Tx) sortStore(key string, q sortQuery) (int64, error) {
	vals, err := tx.sort(key, q)
	if err != nil {
		return 0, err
	}
	elems := make([]string, len(vals))
	for i, v := range vals {
		if v != nil {
			elems[i] = *v
		}
	}
	tx.storeList(q.store, elems)
	return int64(len(elems)), nil
}

// storeList replaces the value at key with a list of elems, as a whole new
// value without a time to live, or deletes key when elems is empty; it
// records the change as DEL and RPUSH. Redis counts a change per element
// stored, or one for deleting key.
func (tx *Tx) storeList(key string, elems []string) {
	if len(elems) == 0 {
		if tx.deleteKey(key) && tx.wrote(key, evDel) {
			tx.emit("DEL", key)
		}
		return
	}
	l := newTrackedList()
	for _, e := range elems {
		l.pushBack(e)
	}
	tx.setValue(key, l, false)
	if tx.wroteN(key, evSortStore, len(elems)) {
		tx.emit("DEL", key)
		tx.emit(append([]string{"RPUSH", key}, elems...)...)
	}
}
