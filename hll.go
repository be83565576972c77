package embedis

import (
	"unsafe"

	"github.com/embedis/embedis/internal/hll"
)

// HyperLogLog: PFADD, PFCOUNT, PFMERGE (and PFSELFTEST, PFDEBUG in
// hll_commands.go). A HyperLogLog is a string value laid out exactly as
// Redis 7.0 lays it out (internal/hll), so GET returns the bytes
// redis-server would return for the same PFADDs, and a value SET from
// Redis (or moved by DUMP/RESTORE or an RDB file) works here.
//
// Strings are immutable Go strings, so a command that changes a
// HyperLogLog builds the new bytes and stores them: a PFADD that changes no
// register of a dense value copies nothing; one that does copies its 12 KB
// once for all its elements.

// ownedString returns b as a string without copying it: b must be a fresh
// slice that nothing keeps or changes afterwards.
func ownedString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// PFAdd adds elements to the HyperLogLog at key, creating it (sparse,
// empty) if the key does not exist, and returns 1 if the key was created
// or a register changed (the estimate may have changed), 0 otherwise. With
// no elements it only creates the key. It returns ErrWrongType for another
// type, ErrNotHLL for a string that is not a HyperLogLog, and
// ErrCorruptHLL for a sparse one whose registers do not add up; the
// elements added before the corruption was found stay added, as in Redis.
func (tx *Tx) PFAdd(key string, elements ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	sv, err := tx.writeHLL(key)
	if err != nil {
		return 0, err
	}
	if sv == nil {
		h := hll.New()
		out, changed, _ := hll.Add(ownedString(h), elements, tx.hllSparseMax())
		if changed == 0 {
			hll.Invalidate(h)
			out = h
		}
		tx.setValue(key, &stringValue{text: ownedString(out), enc: strRaw}, false)
		// Redis counts the creation and each element that changed a register.
		if tx.wroteN(key, evPFAdd, 1+changed) {
			tx.emit(append([]string{"PFADD", key}, elements...)...)
		}
		return 1, nil
	}
	sv.enc = strRaw // Redis unshares the value for writing: raw from now on
	out, changed, corrupt := hll.Add(sv.peek(), elements, tx.hllSparseMax())
	if out != nil {
		sv.setStr(ownedString(out), strRaw)
	}
	if corrupt {
		// Redis keeps the registers set before the corruption was found,
		// without an event, a WATCH invalidation, a change counted or
		// propagation; the log gets the value itself.
		if changed > 0 && tx.rec {
			tx.emit("SET", key, sv.str(), "KEEPTTL")
		}
		return 0, ErrCorruptHLL
	}
	if changed == 0 {
		return 0, nil
	}
	if tx.wroteN(key, evPFAdd, changed) { // Redis counts each element that changed a register
		tx.emit(append([]string{"PFADD", key}, elements...)...)
	}
	return 1, nil
}

// PFCount returns the estimated number of distinct elements added to the
// HyperLogLog at key (0 if the key does not exist), or, given several keys,
// of their union (missing keys count as empty). One key's estimate is
// cached in the value, as Redis caches it: counting a key whose cache a
// write invalidated writes the new estimate into the value (its bytes
// change, WATCH sees a change, the log records it), so PFCOUNT is a read
// that may write. It returns ErrWrongType for another type, ErrNotHLL for a
// string that is not a HyperLogLog, ErrCorruptHLL for a corrupted sparse
// one (a cached estimate is returned without looking at the registers, as
// Redis does), and an arity error for no keys.
func (tx *Tx) PFCount(keys ...string) (int64, error) {
	switch len(keys) {
	case 0:
		return 0, ArityError("pfcount")
	case 1:
	default:
		var u hll.Union
		for _, k := range keys {
			sv, err := tx.readHLL(k)
			if err != nil {
				return 0, err
			}
			if sv != nil && !u.Merge(sv.peek()) {
				return 0, ErrCorruptHLL
			}
		}
		return int64(u.Count()), nil
	}
	key := keys[0]
	sv, err := tx.readHLL(key)
	if err != nil || sv == nil {
		return 0, err
	}
	sv.enc = strRaw
	if c, ok := hll.Cached(sv.peek()); ok {
		return int64(c), nil
	}
	c, ok := hll.Count(sv.peek())
	if !ok {
		return 0, ErrCorruptHLL
	}
	b := []byte(sv.peek())
	hll.SetCached(b, c)
	tx.beforeChange(key)
	sv.setStr(ownedString(b), strRaw)
	// Redis signals the key modified (WATCH), counts a change and
	// propagates PFCOUNT itself, with no keyspace event; replaying it
	// writes the same cache.
	tx.modified(key)
	tx.dirty(1)
	if tx.rec {
		tx.emit("PFCOUNT", key)
	}
	return int64(c), nil
}

// PFMerge stores at destination the union of the HyperLogLogs at
// destination and sources (missing keys count as empty), creating
// destination if needed. The result is dense if any input is dense;
// otherwise it stays sparse until a register or its length requires dense,
// as with PFADD. It returns ErrWrongType, ErrNotHLL or ErrCorruptHLL for
// an input that is not a valid HyperLogLog, changing nothing.
func (tx *Tx) PFMerge(destination string, sources ...string) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	var u hll.Union
	dense := false
	for i := -1; i < len(sources); i++ {
		k := destination
		if i >= 0 {
			k = sources[i]
		}
		sv, err := tx.readHLL(k)
		if err != nil {
			return err
		}
		if sv == nil {
			continue
		}
		if hll.IsDense(sv.peek()) {
			dense = true
		}
		if !u.Merge(sv.peek()) {
			return ErrCorruptHLL
		}
	}
	sv, _ := tx.writeHLL(destination) // checked above
	var h []byte
	if sv == nil {
		h = hll.New()
	} else {
		h = []byte(sv.peek())
	}
	h, ok := u.Store(h, dense, tx.hllSparseMax())
	if !ok {
		return ErrCorruptHLL
	}
	if sv == nil {
		tx.setValue(destination, &stringValue{text: ownedString(h), enc: strRaw}, false)
	} else {
		sv.setStr(ownedString(h), strRaw)
	}
	if tx.wrote(destination, evPFAdd) {
		tx.emit(append([]string{"PFMERGE", destination}, sources...)...)
	}
	return nil
}

// pfDebugValue looks up PFDEBUG's key for writing: ErrNotFound-like
// errPFDebugNoKey if missing, the HyperLogLog checks otherwise. The value
// becomes raw, as Redis unshares it.
func (tx *Tx) pfDebugValue(key string) (*stringValue, error) {
	sv, err := tx.writeHLL(key)
	if err != nil {
		return nil, err
	}
	if sv == nil {
		return nil, errPFDebugNoKey
	}
	sv.enc = strRaw
	return sv, nil
}

// pfToDense makes the HyperLogLog sv at key dense, as PFDEBUG TODENSE and
// GETREG do, and reports whether it converted. Redis counts the change
// (dirty) so that PFDEBUG propagates, but raises no event and leaves
// WATCH alone; the log gets a PFDEBUG TODENSE.
func (tx *Tx) pfToDense(key string, sv *stringValue) (bool, error) {
	if hll.IsDense(sv.peek()) {
		return false, nil
	}
	d, ok := hll.ToDense(sv.peek())
	if !ok {
		return false, ErrCorruptHLL
	}
	sv.setStr(ownedString(d), strRaw)
	tx.dirty(1)
	if tx.rec {
		tx.emit("PFDEBUG", "TODENSE", key)
	}
	return true, nil
}
