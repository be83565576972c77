package embedis

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/deque"
)

// Lists: Redis's LIST type, a sequence of strings with fast pushes and pops
// at both ends (internal/deque). As in Redis, a list never exists empty: a
// pop, LREM, LTRIM or LMOVE that takes its last element deletes the key, and
// the push commands create the key.

// listValue is a Redis list. While tracked, nodes is where Redis 7.0
// would cut it into quicklist nodes (see quicklist.go), kept for DUMP.
type listValue struct {
	d       deque.Deque
	tracked bool
	nodes   []qlNode
	objMeta
}

func (*listValue) typeName() string { return "list" }
func (v *listValue) clone() value {
	return &listValue{d: *v.d.Clone(), tracked: v.tracked, nodes: slices.Clone(v.nodes)}
}
func (v *listValue) dump() string {
	var b strings.Builder
	b.WriteByte('[')
	v.d.Range(0, false, func(i int, s string) bool {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Quote(s))
		return true
	})
	b.WriteByte(']')
	return b.String()
}

// listChanged announces a write of n changes (wroteN) to the list at key as
// ev and deletes the key if the write emptied the list; it reports whether
// the write effect is to be recorded.
func (tx *Tx) listChanged(key string, lv *listValue, ev keyEvent, n int) bool {
	rec := tx.wroteN(key, ev, n)
	if lv.d.Len() == 0 {
		tx.emptied(key)
	}
	return rec
}

// pushEvent and popEvent are the events of a push or pop at an end.
func pushEvent(left bool) keyEvent {
	if left {
		return evLPush
	}
	return evRPush
}

func popEvent(left bool) keyEvent {
	if left {
		return evLPop
	}
	return evRPop
}

// push is LPUSH, RPUSH, LPUSHX and RPUSHX: xx pushes only onto an existing
// list.
func (tx *Tx) push(name, key string, left, xx bool, values []string) (int64, error) {
	if len(values) == 0 {
		return 0, ArityError(name)
	}
	lv, err := tx.writeList(key)
	if err != nil {
		return 0, err
	}
	if lv == nil {
		if xx {
			return 0, nil
		}
		lv = newTrackedList()
		tx.setValue(key, lv, false)
	}
	for _, v := range values {
		if left {
			lv.pushFront(v)
		} else {
			lv.pushBack(v)
		}
	}
	n := int64(lv.d.Len())
	if tx.wroteN(key, pushEvent(left), len(values)) {
		tx.emit(append([]string{strings.ToUpper(name), key}, values...)...)
	}
	return n, nil
}

// LPush inserts values at the head of the list at key, one after the other
// (so the last value ends up first), creating the list if the key does not
// exist, and returns the new length. ErrWrongType if the key holds another
// type; no values is an arity error.
func (tx *Tx) LPush(key string, values ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.push("lpush", key, true, false, values)
}

// RPush appends values at the tail of the list at key, creating the list if
// the key does not exist, and returns the new length. ErrWrongType if the key
// holds another type; no values is an arity error.
func (tx *Tx) RPush(key string, values ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.push("rpush", key, false, false, values)
}

// LPushX is LPush only if the list exists: on a missing key it returns 0
// and creates nothing.
func (tx *Tx) LPushX(key string, values ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.push("lpushx", key, true, true, values)
}

// RPushX is RPush only if the list exists: on a missing key it returns 0
// and creates nothing.
func (tx *Tx) RPushX(key string, values ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.push("rpushx", key, false, true, values)
}

// pop removes up to count elements from one end of the list at key; a nil
// result with no error means the key does not exist.
func (tx *Tx) pop(key string, left bool, count int) ([]string, error) {
	lv, err := tx.writeList(key)
	if err != nil || lv == nil {
		return nil, err
	}
	return tx.popFrom(key, lv, left, count, true), nil
}

// popFrom pops up to count elements from lv at key, records the pop and
// deletes the key if it empties. The elements popped count as changes
// (wroteN) if counted.
func (tx *Tx) popFrom(key string, lv *listValue, left bool, count int, counted bool) []string {
	count = min(count, lv.d.Len())
	out := make([]string, count)
	for i := range out {
		if left {
			out[i], _ = lv.popFront()
		} else {
			out[i], _ = lv.popBack()
		}
	}
	changes := 0
	if counted {
		changes = count
	}
	if count > 0 && tx.listChanged(key, lv, popEvent(left), changes) {
		name := "RPOP"
		if left {
			name = "LPOP"
		}
		tx.emit(name, key, strconv.Itoa(count))
	}
	return out
}

// LPop removes and returns the first element of the list at key, deleting
// the key if it was the last. ErrNotFound if the key does not exist,
// ErrWrongType if it holds another type.
func (tx *Tx) LPop(key string) (string, error) { return tx.popOne(key, true) }

// RPop removes and returns the last element of the list at key, deleting
// the key if it was the last. ErrNotFound if the key does not exist,
// ErrWrongType if it holds another type.
func (tx *Tx) RPop(key string) (string, error) { return tx.popOne(key, false) }

// popOne is LPOP and RPOP without a count: no slice to allocate.
func (tx *Tx) popOne(key string, left bool) (string, error) {
	lv, err := tx.writeList(key)
	if err != nil {
		return "", err
	}
	if lv == nil {
		return "", ErrNotFound
	}
	var v string
	if left {
		v, _ = lv.popFront()
	} else {
		v, _ = lv.popBack()
	}
	if tx.listChanged(key, lv, popEvent(left), 1) {
		name := "RPOP"
		if left {
			name = "LPOP"
		}
		tx.emit(name, key, "1")
	}
	return v, nil
}

// LPopCount removes and returns up to count elements from the head of the
// list at key, first element first. Count 0 returns an empty slice and
// changes nothing. ErrNotFound if the key does not exist (checked after
// count), ErrNotPositive for a negative count, ErrWrongType if the key holds
// another type.
func (tx *Tx) LPopCount(key string, count int) ([]string, error) {
	return tx.popCount(key, true, count)
}

// RPopCount removes and returns up to count elements from the tail of the
// list at key, last element first. Corner cases as LPopCount.
func (tx *Tx) RPopCount(key string, count int) ([]string, error) {
	return tx.popCount(key, false, count)
}

func (tx *Tx) popCount(key string, left bool, count int) ([]string, error) {
	if count < 0 {
		return nil, ErrNotPositive
	}
	vs, err := tx.pop(key, left, count)
	if err != nil {
		return nil, err
	}
	if vs == nil {
		return nil, ErrNotFound
	}
	return vs, nil
}

// LLen returns the length of the list at key: 0 if the key does not exist,
// ErrWrongType if it holds another type.
func (tx *Tx) LLen(key string) (int64, error) {
	lv, err := tx.readList(key)
	if err != nil || lv == nil {
		return 0, err
	}
	return int64(lv.d.Len()), nil
}

// listRange clamps Redis's inclusive start..stop (negative counts from the
// end) to a list of n elements; ok is false if the range is empty.
func listRange(start, stop int64, n int) (int, int, bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	start = max(start, 0)
	if start > stop || start >= ln {
		return 0, 0, false
	}
	stop = min(stop, ln-1)
	return int(start), int(stop), true
}

// LRange returns the elements start..stop (inclusive) of the list at key; a
// negative index counts from the end (-1 is the last element). Out-of-range
// indexes are clamped; an empty range or a missing key gives an empty
// slice. ErrWrongType if the key holds another type.
func (tx *Tx) LRange(key string, start, stop int64) ([]string, error) {
	lv, err := tx.readList(key)
	if err != nil {
		return nil, err
	}
	if lv == nil {
		return []string{}, nil
	}
	i, j, ok := listRange(start, stop, lv.d.Len())
	if !ok {
		return []string{}, nil
	}
	out := make([]string, 0, j-i+1)
	lv.d.Range(i, false, func(k int, s string) bool {
		out = append(out, s)
		return k < j
	})
	return out, nil
}

// listIndex turns a Redis index (negative counts from the end) into a
// position in a list of n elements; ok is false if it is out of range.
func listIndex(index int64, n int) (int, bool) {
	if index < 0 {
		index += int64(n)
	}
	if index < 0 || index >= int64(n) {
		return 0, false
	}
	return int(index), true
}

// LIndex returns the element at index in the list at key (negative counts
// from the end). ErrNotFound if the key does not exist or the index is out
// of range, ErrWrongType if the key holds another type.
func (tx *Tx) LIndex(key string, index int64) (string, error) {
	lv, err := tx.readList(key)
	if err != nil {
		return "", err
	}
	if lv == nil {
		return "", ErrNotFound
	}
	i, ok := listIndex(index, lv.d.Len())
	if !ok {
		return "", ErrNotFound
	}
	return lv.d.At(i), nil
}

// LSet replaces the element at index in the list at key (negative counts
// from the end). ErrNoSuchKey if the key does not exist, ErrIndexOutOfRange
// if the list has no such index, ErrWrongType if the key holds another type.
func (tx *Tx) LSet(key string, index int64, value string) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	lv, err := tx.writeList(key)
	if err != nil {
		return err
	}
	if lv == nil {
		return ErrNoSuchKey
	}
	i, ok := listIndex(index, lv.d.Len())
	if !ok {
		return ErrIndexOutOfRange
	}
	lv.set(i, value)
	if tx.wrote(key, evLSet) {
		tx.emit("LSET", key, strconv.Itoa(i), value)
	}
	return nil
}

// LInsert inserts value before (op "BEFORE") or after (op "AFTER", any case)
// the first element equal to pivot in the list at key, and returns the new
// length: -1 if pivot is not in the list, 0 if the key does not exist.
// ErrSyntax for another op (checked first), ErrWrongType if the key holds
// another type.

func (tx *Tx) LInsert(key, op, pivot, value string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	var after bool
	switch {
	case strings.EqualFold(op, "AFTER"):
		after = true
	case strings.EqualFold(op, "BEFORE"):
	default:
		return 0, ErrSyntax
	}
	lv, err := tx.writeList(key)
	if err != nil || lv == nil {
		return 0, err
	}
	at := -1
	lv.d.Range(0, false, func(i int, s string) bool {
		if s == pivot {
			at = i
			return false
		}
		return true
	})
	if at < 0 {
		return -1, nil
	}
	lv.insert(at, value, after)
	if tx.wrote(key, evLInsert) {
		where := "BEFORE"
		if after {
			where = "AFTER"
		}
		tx.emit("LINSERT", key, where, pivot, value)
	}
	return int64(lv.d.Len()), nil
}

// LRem removes elements equal to value from the list at key and returns how
// many it removed: the first count of them with count > 0, the last -count
// with count < 0, all with count 0. A missing key removes nothing (0); the
// key is deleted if the list empties. ErrWrongType if it holds another type.
func (tx *Tx) LRem(key string, count int64, value string) (int64, error) {
	lv, err := tx.writeList(key)
	if err != nil || lv == nil {
		return 0, err
	}
	limit := count
	if limit < 0 {
		limit = -limit
	}
	if limit < 0 || limit > int64(lv.d.Len()) { // -MinInt64 stays negative
		limit = 0
	}
	n := lv.removeIf(func(s string) bool { return s == value }, int(limit), count < 0)
	if n > 0 && tx.listChanged(key, lv, evLRem, n) {
		tx.emit("LREM", key, strconv.FormatInt(count, 10), value)
	}
	return int64(n), nil
}

// LTrim keeps only the elements start..stop (inclusive; negative counts from
// the end) of the list at key, deleting the key if nothing remains. A missing
// key is not an error. ErrWrongType if the key holds another type.
func (tx *Tx) LTrim(key string, start, stop int64) error {
	lv, err := tx.writeList(key)
	if err != nil || lv == nil {
		return err
	}
	n := lv.d.Len()
	i, j, ok := listRange(start, stop, n)
	if ok && i == 0 && j == n-1 {
		tx.wroteN(key, evLTrim, 0) // keeps everything; Redis still signals the key
		return nil
	}
	if ok {
		lv.trim(i, j)
	} else {
		lv.d.Trim(1, 0)
	}
	if tx.listChanged(key, lv, evLTrim, n-lv.d.Len()) {
		if ok {
			tx.emit("LTRIM", key, strconv.Itoa(i), strconv.Itoa(j))
		} else {
			tx.emit("DEL", key)
		}
	}
	return nil
}

// LPosArgs are LPOS's options, as go-redis names them.
type LPosArgs struct {
	// Rank picks the rank-th match (1 the first); negative counts matches
	// from the tail (-1 the last) and searches from there. 0 means 1.
	Rank int64
	// MaxLen bounds the number of elements compared; 0 compares all.
	// Negative is ErrNegativeMaxLen.
	MaxLen int64
}

// lpos finds up to count (0: all) positions of value in lv.
func lpos(lv *listValue, value string, rank, count, maxLen int64) []int64 {
	var out []int64
	reverse := rank < 0
	skip := rank
	if reverse {
		skip = -rank
	}
	skip-- // matches to pass over
	start := 0
	if reverse {
		start = lv.d.Len() - 1
	}
	seen := int64(0)
	lv.d.Range(start, reverse, func(i int, s string) bool {
		if maxLen > 0 && seen == maxLen {
			return false
		}
		seen++
		if s != value {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, int64(i))
		return count == 0 || int64(len(out)) < count
	})
	return out
}

func checkLPosArgs(a LPosArgs) (LPosArgs, error) {
	if a.Rank == 0 {
		a.Rank = 1
	}
	if a.Rank == math.MinInt64 {
		a.Rank = -1 // Redis 7.0 negates it, overflows, and takes the first match from the tail
	}
	if a.MaxLen < 0 {
		return a, ErrNegativeMaxLen
	}
	return a, nil
}

// LPos returns the index of the first element equal to value in the list at
// key, or of the a.Rank-th match (see LPosArgs), comparing at most a.MaxLen
// elements. ErrNotFound if there is no such match or no such key,
// ErrWrongType if the key holds another type.
func (tx *Tx) LPos(key, value string, a LPosArgs) (int64, error) {
	a, err := checkLPosArgs(a)
	if err != nil {
		return 0, err
	}
	lv, err := tx.readList(key)
	if err != nil {
		return 0, err
	}
	if lv == nil {
		return 0, ErrNotFound
	}
	pos := lpos(lv, value, a.Rank, 1, a.MaxLen)
	if len(pos) == 0 {
		return 0, ErrNotFound
	}
	return pos[0], nil
}

// LPosCount is LPOS ... COUNT count: the indexes of up to count matches (0:
// all of them), in the order found (from the tail with a negative rank). A
// missing key or no match gives an empty slice. ErrNegativeCount for a
// negative count, ErrWrongType if the key holds another type.
func (tx *Tx) LPosCount(key, value string, count int64, a LPosArgs) ([]int64, error) {
	a, err := checkLPosArgs(a)
	if err != nil {
		return nil, err
	}
	if count < 0 {
		return nil, ErrNegativeCount
	}
	lv, err := tx.readList(key)
	if err != nil {
		return nil, err
	}
	out := []int64{}
	if lv != nil {
		if pos := lpos(lv, value, a.Rank, count, a.MaxLen); pos != nil {
			out = pos
		}
	}
	return out, nil
}

// listEnd parses LEFT or RIGHT (any case).
func listEnd(s string) (left bool, err error) {
	switch {
	case strings.EqualFold(s, "LEFT"):
		return true, nil
	case strings.EqualFold(s, "RIGHT"):
		return false, nil
	}
	return false, ErrSyntax
}

// mpopArgs checks the arguments LMPop, BLMPop, ZMPop and BZMPop share: the
// end word (parsed by end), a count of at least 1 and at least one key.
func mpopArgs(end func(string) (bool, error), which string, count int64, keys []string) (bool, error) {
	if len(keys) == 0 {
		return false, ErrNumKeys
	}
	w, err := end(which)
	if err != nil {
		return false, err
	}
	if count < 1 {
		return false, ErrCountNotPositive
	}
	return w, nil
}

// LMove pops an element from the srcpos end ("LEFT" or "RIGHT", any case) of
// the list at source, pushes it at the destpos end of the list at
// destination (creating it) and returns it. With source == destination it
// rotates the list. ErrNotFound if source does not exist; ErrSyntax for
// another position; ErrWrongType (moving nothing) if source or destination
// holds another type. Source is deleted if it empties.
func (tx *Tx) LMove(source, destination, srcpos, destpos string) (string, error) {
	if tx.refuseOOM() {
		return "", ErrOOM
	}
	from, err := listEnd(srcpos)
	if err != nil {
		return "", err
	}
	to, err := listEnd(destpos)
	if err != nil {
		return "", err
	}
	return tx.lmove(source, destination, from, to, true)
}

// lmove is LMOVE; the move is one change (wroteN) if counted.
func (tx *Tx) lmove(source, destination string, from, to, counted bool) (string, error) {
	src, err := tx.writeList(source)
	if err != nil {
		return "", err
	}
	if src == nil {
		return "", ErrNotFound
	}
	dst, err := tx.writeList(destination)
	if err != nil {
		return "", err
	}
	var v string
	if from {
		v, _ = src.popFront()
	} else {
		v, _ = src.popBack()
	}
	// Push before deleting an emptied source, so that rotating a list onto
	// itself keeps the key (and its deadline).
	if dst == nil {
		dst = newTrackedList()
		tx.setValue(destination, dst, false)
	}
	if to {
		dst.pushFront(v)
	} else {
		dst.pushBack(v)
	}
	// Redis announces the push, then the pop (and the source's deletion).
	// The move is one change.
	changes := 0
	if counted {
		changes = 1
	}
	tx.wroteN(destination, pushEvent(to), 0)
	if tx.listChanged(source, src, popEvent(from), changes) {
		tx.emit("LMOVE", source, destination, sideName(from), sideName(to))
	}
	return v, nil
}

func sideName(left bool) string {
	if left {
		return "LEFT"
	}
	return "RIGHT"
}

// RPopLPush pops the last element of the list at source, pushes it at the
// head of the list at destination and returns it (LMove with "RIGHT",
// "LEFT"). Corner cases as LMove.
func (tx *Tx) RPopLPush(source, destination string) (string, error) {
	if tx.refuseOOM() {
		return "", ErrOOM
	}
	return tx.lmove(source, destination, false, true, true)
}

// LMPop pops up to count elements from the first non-empty list among keys,
// from its head (direction "LEFT") or tail ("RIGHT", any case), and returns
// that list's key and the elements. ErrNotFound if none of the keys exists;
// ErrWrongType if a key before the first existing list holds another type;
// ErrSyntax for another direction; ErrCountNotPositive for count < 1;
// ErrNumKeys for no keys.
func (tx *Tx) LMPop(direction string, count int64, keys ...string) (key string, elements []string, err error) {
	left, err := mpopArgs(listEnd, direction, count, keys)
	if err != nil {
		return "", nil, err
	}
	for _, k := range keys {
		lv, err := tx.writeList(k)
		if err != nil {
			return "", nil, err
		}
		if lv != nil {
			return k, tx.popFrom(k, lv, left, int(min(count, int64(lv.d.Len()))), true), nil
		}
	}
	return "", nil, ErrNotFound
}
