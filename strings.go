package embedis

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis/internal/lcs"
	"github.com/embedis/embedis/internal/number"
)

// MaxStringLength is the default longest string value a command may
// create (Limits.MaxStringLength changes it): 512 MB,
// Redis's proto-max-bulk-len default.
const MaxStringLength = 512 << 20

// KeepTTL, passed as the expiration to Set, keeps the key's current time to
// live (SET ... KEEPTTL).
const KeepTTL time.Duration = -1

// SetArgs are the options of SET, named as go-redis names them.
type SetArgs struct {
	// Mode is "" (always set), "NX" (only if the key does not exist) or "XX"
	// (only if it exists). Any other value is ErrSyntax.
	Mode string
	// TTL, if positive, sets a time to live (EX/PX) at millisecond resolution;
	// a positive TTL under a millisecond counts as one.
	TTL time.Duration
	// ExpireAt, if not zero, sets an absolute deadline (PXAT). It must not be
	// combined with TTL or KeepTTL.
	ExpireAt time.Time
	// KeepTTL keeps the key's current deadline instead of clearing it.
	KeepTTL bool
	// Get makes SetArgs return the old value (SET ... GET).
	Get bool
}

// SetResult is what SetArgs reports.
type SetResult struct {
	// Written reports whether the value was stored (false when NX or XX was
	// not met).
	Written bool
	// Old is the previous string value when SetArgs.Get was set and the key
	// existed; OldExists tells the two apart from an empty string.
	Old       string
	OldExists bool
}

// setSpec is SET's options after parsing, shared by every form of SET.
type setSpec struct {
	nx, xx, get, keepTTL bool
	at                   int64 // absolute deadline in Unix ms; 0 for none
}

// set is the one implementation of SET and its relatives.
func (tx *Tx) set(key, val string, sp setSpec) (SetResult, error) {
	if len(val) > tx.maxString() {
		return SetResult{}, ErrStringTooLong
	}
	var res SetResult
	var cur value
	if sp.get {
		cur = tx.lookupRead(key) // SET ... GET reads as GET does
	} else {
		cur = tx.lookupWrite(key)
	}
	if sp.get && cur != nil {
		sv, ok := cur.(*stringValue)
		if !ok {
			return res, ErrWrongType
		}
		res.Old, res.OldExists = sv.str(), true
	}
	if (sp.nx && cur != nil) || (sp.xx && cur == nil) {
		return res, nil
	}
	if sv, ok := cur.(*stringValue); ok {
		if sp.get { // found by a read: the write path's hooks were not run
			tx.beforeChange(key)
			tx.openWrite(sv)
		}
		sv.setStr(val, strAuto) // in place: the key and its dict node stay
		if !sp.keepTTL && len(tx.db.expires) > 0 {
			tx.clearDeadline(key)
		}
	} else {
		tx.setValue(key, &stringValue{text: val}, sp.keepTTL)
	}
	rec := tx.wrote(key, evSet)
	if sp.at != 0 {
		tx.setDeadline(key, sp.at)
		tx.wroteN(key, evExpire, 0) // part of the SET's one change
	}
	res.Written = true
	if rec {
		switch {
		case sp.at != 0:
			tx.emit("SET", key, val, "PXAT", strconv.FormatInt(sp.at, 10))
		case sp.keepTTL:
			tx.emit("SET", key, val, "KEEPTTL")
		default:
			tx.emit("SET", key, val)
		}
	}
	return res, nil
}

// deadlineAfter turns a positive relative duration into an absolute deadline
// in Unix ms, rounding a sub-millisecond duration up to one millisecond.
func (tx *Tx) deadlineAfter(d time.Duration) int64 {
	ms := d.Milliseconds()
	if ms == 0 {
		ms = 1
	}
	return tx.nowMs() + ms
}

// Get returns the string value of key. It returns ErrNotFound if the key does
// not exist and ErrWrongType if it holds another type.
func (tx *Tx) Get(key string) (string, error) {
	sv, err := tx.readString(key)
	if err != nil {
		return "", err
	}
	if sv == nil {
		return "", ErrNotFound
	}
	return sv.str(), nil
}

// Set stores value at key, replacing any value of any type. An expiration
// above zero sets a time to live (millisecond resolution); zero clears any time
// to live; KeepTTL keeps the current one. Any other negative expiration is
// ErrInvalidExpire.
func (tx *Tx) Set(key, value string, expiration time.Duration) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	var sp setSpec
	switch {
	case expiration == KeepTTL:
		sp.keepTTL = true
	case expiration > 0:
		sp.at = tx.deadlineAfter(expiration)
	case expiration < 0:
		return invalidExpire("set")
	}
	_, err := tx.set(key, value, sp)
	return err
}

// SetArgs is SET with all its options. With Mode "NX" or "XX" not met it
// stores nothing and returns Written false; with Get it also returns the old
// value, and ErrWrongType (storing nothing) if the key holds another type.
func (tx *Tx) SetArgs(key, value string, a SetArgs) (SetResult, error) {
	if tx.refuseOOM() {
		return SetResult{}, ErrOOM
	}
	var sp setSpec
	switch strings.ToUpper(a.Mode) {
	case "":
	case "NX":
		sp.nx = true
	case "XX":
		sp.xx = true
	default:
		return SetResult{}, ErrSyntax
	}
	n := 0
	if a.TTL != 0 {
		n++
		if a.TTL < 0 {
			return SetResult{}, invalidExpire("set")
		}
		sp.at = tx.deadlineAfter(a.TTL)
	}
	if !a.ExpireAt.IsZero() {
		n++
		sp.at = a.ExpireAt.UnixMilli()
		if sp.at <= 0 {
			return SetResult{}, invalidExpire("set")
		}
	}
	if a.KeepTTL {
		n++
		sp.keepTTL = true
	}
	if n > 1 {
		return SetResult{}, ErrSyntax
	}
	sp.get = a.Get
	return tx.set(key, value, sp)
}

// SetNX stores value at key only if the key does not exist, with an optional
// time to live as in Set, and reports whether it did.
func (tx *Tx) SetNX(key, value string, expiration time.Duration) (bool, error) {
	if tx.refuseOOM() {
		return false, ErrOOM
	}
	r, err := tx.SetArgs(key, value, SetArgs{Mode: "NX", TTL: ttlArg(expiration), KeepTTL: expiration == KeepTTL})
	return r.Written, err
}

// SetXX stores value at key only if the key exists, with an optional time to
// live as in Set, and reports whether it did.
func (tx *Tx) SetXX(key, value string, expiration time.Duration) (bool, error) {
	if tx.refuseOOM() {
		return false, ErrOOM
	}
	r, err := tx.SetArgs(key, value, SetArgs{Mode: "XX", TTL: ttlArg(expiration), KeepTTL: expiration == KeepTTL})
	return r.Written, err
}

func ttlArg(d time.Duration) time.Duration {
	if d == KeepTTL {
		return 0
	}
	return d
}

// SetEx stores value at key with a time to live (SETEX, PSETEX). The
// expiration must be positive, else ErrInvalidExpire.
func (tx *Tx) SetEx(key, value string, expiration time.Duration) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	if expiration <= 0 {
		return invalidExpire("setex")
	}
	_, err := tx.set(key, value, setSpec{at: tx.deadlineAfter(expiration)})
	return err
}

// GetSet stores value at key, clearing its time to live, and returns the old
// value. It returns ErrNotFound (having stored the value) if the key did not
// exist, and ErrWrongType (storing nothing) if it holds another type.
func (tx *Tx) GetSet(key, value string) (string, error) {
	if tx.refuseOOM() {
		return "", ErrOOM
	}
	r, err := tx.set(key, value, setSpec{get: true})
	if err != nil {
		return "", err
	}
	if !r.OldExists {
		return "", ErrNotFound
	}
	return r.Old, nil
}

// GetDel returns the value of key and deletes the key. It returns ErrNotFound
// if the key does not exist and ErrWrongType (deleting nothing) if it holds
// another type.
func (tx *Tx) GetDel(key string) (string, error) {
	sv, err := tx.readString(key)
	if err != nil {
		return "", err
	}
	if sv == nil {
		return "", ErrNotFound
	}
	tx.deleteKey(key)
	if tx.wrote(key, evDel) {
		tx.emit("DEL", key)
	}
	return sv.str(), nil
}

// GetEx returns the value of key and changes its time to live, as go-redis's
// GetEx: a positive expiration sets it, zero removes it (PERSIST), a negative
// one leaves it alone. It returns ErrNotFound if the key does not exist and
// ErrWrongType if it holds another type.
func (tx *Tx) GetEx(key string, expiration time.Duration) (string, error) {
	switch {
	case expiration > 0:
		return tx.getEx(key, getExSet, tx.deadlineAfter(expiration), "getex")
	case expiration == 0:
		return tx.getEx(key, getExPersist, 0, "getex")
	default:
		return tx.getEx(key, getExKeep, 0, "getex")
	}
}

type getExMode int

const (
	getExKeep getExMode = iota
	getExSet
	getExPersist
)

// getEx is the one implementation of GETEX.
func (tx *Tx) getEx(key string, mode getExMode, at int64, cmd string) (string, error) {
	sv, err := tx.readString(key)
	if err != nil {
		return "", err
	}
	if sv == nil {
		return "", ErrNotFound
	}
	switch mode {
	case getExSet:
		if at <= tx.nowMs() && !tx.loading {
			tx.deleteKey(key)
			if tx.wrote(key, evDel) {
				tx.emit("DEL", key)
			}
			break
		}
		tx.setDeadline(key, at)
		if tx.wrote(key, evExpire) {
			tx.emit("PEXPIREAT", key, strconv.FormatInt(at, 10))
		}
	case getExPersist:
		if tx.clearDeadline(key) && tx.wrote(key, evPersist) {
			tx.emit("PERSIST", key)
		}
	}
	return sv.str(), nil
}

// MGet returns the values of keys in order; an entry is nil where the key
// does not exist or does not hold a string.
func (tx *Tx) MGet(keys ...string) ([]*string, error) {
	out := make([]*string, len(keys))
	for i, k := range keys {
		if sv, ok := tx.lookupRead(k).(*stringValue); ok {
			s := sv.str()
			out[i] = &s
		}
	}
	return out, nil
}

// MSet stores each key-value pair of pairs (key, value, key, value, …),
// replacing values of any type and clearing times to live. An odd number of
// arguments stores nothing and returns an arity error.
func (tx *Tx) MSet(pairs ...string) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return ArityError("mset")
	}
	for i := 0; i < len(pairs); i += 2 {
		if len(pairs[i+1]) > tx.maxString() {
			return ErrStringTooLong
		}
	}
	rec := false
	for i := 0; i < len(pairs); i += 2 {
		tx.setValue(pairs[i], &stringValue{text: pairs[i+1]}, false)
		rec = tx.wrote(pairs[i], evSet)
	}
	if rec {
		tx.emit(append([]string{"MSET"}, pairs...)...)
	}
	return nil
}

// MSetNX stores the pairs as MSet does, but only if none of the keys exists;
// it reports whether it stored them.
func (tx *Tx) MSetNX(pairs ...string) (bool, error) {
	if tx.refuseOOM() {
		return false, ErrOOM
	}
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return false, ArityError("msetnx")
	}
	for i := 0; i < len(pairs); i += 2 {
		if tx.lookupWrite(pairs[i]) != nil {
			return false, nil
		}
	}
	return true, tx.MSet(pairs...)
}

// Append appends value to the string at key, creating it if needed, and
// returns the new length. It returns ErrWrongType if the key holds another
// type and ErrStringTooLong if the result would pass MaxStringLength.
func (tx *Tx) Append(key, value string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	sv, err := tx.writeString(key)
	if err != nil {
		return 0, err
	}
	if sv == nil {
		if len(value) > tx.maxString() {
			return 0, ErrStringTooLong
		}
		sv = &stringValue{text: value}
		tx.setValue(key, sv, true)
	} else {
		if sv.len()+len(value) > tx.maxString() {
			return 0, ErrStringTooLong
		}
		sv.setStr(sv.str()+value, strRaw)
	}
	if tx.wrote(key, evAppend) {
		tx.emit("APPEND", key, value)
	}
	return int64(sv.len()), nil
}

// StrLen returns the length of the string at key, 0 if the key does not exist.
func (tx *Tx) StrLen(key string) (int64, error) {
	sv, err := tx.readString(key)
	if err != nil || sv == nil {
		return 0, err
	}
	return int64(sv.len()), nil
}

// GetRange returns the substring of the string at key from start to end,
// both inclusive; negative offsets count from the end. Out-of-range offsets
// are clamped as Redis clamps them; a missing key gives "".
func (tx *Tx) GetRange(key string, start, end int64) (string, error) {
	sv, err := tx.readString(key)
	if err != nil || sv == nil {
		return "", err
	}
	n := int64(sv.len())
	if start < 0 && end < 0 && start > end {
		return "", nil
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= n {
		end = n - 1
	}
	if n == 0 || start > end {
		return "", nil
	}
	return sv.str()[start : end+1], nil
}

// SetRange overwrites the string at key from offset on with value, padding
// with zero bytes if the string is shorter, and returns the new length. A
// missing key is created unless value is empty. It returns
// ErrOffsetOutOfRange for a negative offset and ErrStringTooLong if the
// result would pass MaxStringLength.
func (tx *Tx) SetRange(key string, offset int64, value string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if offset < 0 {
		return 0, ErrOffsetOutOfRange
	}
	sv, err := tx.writeString(key)
	if err != nil {
		return 0, err
	}
	cur := ""
	if sv != nil {
		cur = sv.str()
	}
	if value == "" {
		return int64(len(cur)), nil
	}
	// Compared without the sum, which a huge offset would overflow.
	if offset > tx.maxStringLen()-int64(len(value)) {
		return 0, ErrStringTooLong
	}
	end := int(offset) + len(value)
	var b []byte
	if end > len(cur) {
		b = make([]byte, end)
	} else {
		b = make([]byte, len(cur))
	}
	copy(b, cur)
	copy(b[offset:], value)
	if sv == nil {
		tx.setValue(key, &stringValue{text: string(b), enc: strRaw}, true)
	} else {
		sv.setStr(string(b), strRaw)
	}
	if tx.wrote(key, evSetRange) {
		tx.emit("SETRANGE", key, strconv.FormatInt(offset, 10), value)
	}
	return int64(len(b)), nil
}

// Incr adds one to the integer at key (0 if missing) and returns the result.
// It returns ErrNotInteger if the value is not a base-10 int64, ErrOverflow
// if the result would overflow, and ErrWrongType for another type; the value
// is unchanged on error.
func (tx *Tx) Incr(key string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.incrBy(key, 1)
}

// Decr subtracts one from the integer at key, as Incr.
func (tx *Tx) Decr(key string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.incrBy(key, -1)
}

// IncrBy adds delta to the integer at key, as Incr.
func (tx *Tx) IncrBy(key string, delta int64) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.incrBy(key, delta)
}

// DecrBy subtracts delta from the integer at key, as Incr. A delta of
// math.MinInt64 is ErrOverflow.
func (tx *Tx) DecrBy(key string, delta int64) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if delta == math.MinInt64 {
		return 0, errDecrementOverflow
	}
	return tx.incrBy(key, -delta)
}

// incrBy is the one implementation of INCR, DECR, INCRBY and DECRBY.
func (tx *Tx) incrBy(key string, delta int64) (int64, error) {
	sv, err := tx.writeString(key)
	if err != nil {
		return 0, err
	}
	var cur int64
	if sv != nil {
		var ok bool
		if cur, ok = number.ParseInt(sv.peek()); !ok {
			return 0, ErrNotInteger
		}
	}
	if (delta > 0 && cur > math.MaxInt64-delta) || (delta < 0 && cur < math.MinInt64-delta) {
		return 0, ErrOverflow
	}
	cur += delta
	if sv == nil {
		tx.setValue(key, &stringValue{text: strconv.FormatInt(cur, 10)}, true)
	} else {
		sv.setInt(cur)
	}
	if tx.wrote(key, evIncrBy) {
		tx.emit("INCRBY", key, strconv.FormatInt(delta, 10))
	}
	return cur, nil
}

// IncrByFloat adds incr to the number at key (0 if missing) with Redis's
// long double arithmetic and formatting, stores the result as a string and
// returns it as a float64. It returns ErrNotFloat if the value is not a
// number, ErrNaNOrInfinity if the result would be one, and ErrWrongType for
// another type.
func (tx *Tx) IncrByFloat(key string, incr float64) (float64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if math.IsNaN(incr) || math.IsInf(incr, 0) {
		return 0, ErrNaNOrInfinity
	}
	s, err := tx.incrByFloat(key, strconv.FormatFloat(incr, 'g', -1, 64))
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// incrByFloat is the one implementation of INCRBYFLOAT; incr is the
// increment's text, parsed as Redis parses it.
func (tx *Tx) incrByFloat(key, incr string) (string, error) {
	sv, err := tx.writeString(key)
	if err != nil {
		return "", err
	}
	cur := "0"
	if sv != nil {
		cur = sv.str()
	}
	res, err := number.IncrByFloat(cur, incr)
	switch err {
	case nil:
	case number.ErrNotFloat:
		return "", ErrNotFloat
	case number.ErrNaNOrInf:
		return "", ErrNaNOrInfinity
	default:
		return "", err
	}
	if sv == nil {
		tx.setValue(key, &stringValue{text: res, enc: strFromFloat}, true)
	} else {
		sv.setStr(res, strFromFloat)
	}
	if tx.wrote(key, evIncrFloat) {
		tx.emit("SET", key, res, "KEEPTTL")
	}
	return res, nil
}

// LCSMatch is one matching range of an LCS with IDX: positions in the first
// and second string, both ends inclusive, and its length.
type LCSMatch struct {
	A, B [2]int64
	Len  int64
}

// LCSIndex is the result of LCS ... IDX: the matches, from the end of the
// strings toward the start as Redis lists them, and the length of the whole
// common subsequence.
type LCSIndex struct {
	Matches []LCSMatch
	Len     int64
}

// LCS returns the longest common subsequence of the strings at key1 and key2
// (a missing key counts as ""). It returns ErrLCSNotString if either key
// holds another type and ErrLCSTooLarge if the strings are too long to
// compare (Redis's limit: 512 MB of transient table).
func (tx *Tx) LCS(key1, key2 string) (string, error) {
	a, b, err := tx.lcsInputs(key1, key2)
	if err != nil {
		return "", err
	}
	return lcs.Compute(a, b).LCS, nil
}

// LCSLen returns the length of the longest common subsequence of the strings
// at key1 and key2, as LCS.
func (tx *Tx) LCSLen(key1, key2 string) (int64, error) {
	a, b, err := tx.lcsInputs(key1, key2)
	if err != nil {
		return 0, err
	}
	return int64(lcs.Length(a, b)), nil
}

// LCSIdx returns the matching ranges of the longest common subsequence of the
// strings at key1 and key2, omitting matches shorter than minMatchLen, as LCS.
func (tx *Tx) LCSIdx(key1, key2 string, minMatchLen int64) (LCSIndex, error) {
	a, b, err := tx.lcsInputs(key1, key2)
	if err != nil {
		return LCSIndex{}, err
	}
	r := lcs.Compute(a, b)
	out := LCSIndex{Len: int64(r.Len)}
	for _, m := range r.Matches {
		if int64(m.Len) < minMatchLen {
			continue
		}
		out.Matches = append(out.Matches, LCSMatch{
			A:   [2]int64{int64(m.A[0]), int64(m.A[1])},
			B:   [2]int64{int64(m.B[0]), int64(m.B[1])},
			Len: int64(m.Len),
		})
	}
	return out, nil
}

func (tx *Tx) lcsInputs(key1, key2 string) (string, string, error) {
	var out [2]string
	for i, k := range [2]string{key1, key2} {
		v := tx.lookupRead(k)
		if v == nil {
			continue
		}
		sv, ok := v.(*stringValue)
		if !ok {
			return "", "", ErrLCSNotString
		}
		out[i] = sv.str()
	}
	if lcs.TableBytes(len(out[0]), len(out[1])) > uint64(tx.maxStringLen()) {
		return "", "", ErrLCSTooLarge
	}
	return out[0], out[1], nil
}
