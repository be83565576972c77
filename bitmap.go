package embedis

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/embedis/embedis/internal/bitops"
)

// Bitmaps: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO, as Redis 7.0 (its bitops.c). A bitmap is a string: bit 0 is
// the most significant bit of the first byte. The loops over many bits are
// internal/bitops's, eight bytes at a time.
//
// # Changing bits in place
//
// SETBIT and BITFIELD change a few bits of a string that may be megabytes
// long. A Go string cannot change, so the value is moved once into a byte
// slice that only it holds (stringValue.buf) and changed there, as Redis
// changes its sds string; reading it back (GET, DUMP, a snapshot) turns the
// slice into an immutable string without copying. See stringValue.
//
// # Growing
//
// A write past the end pads the string with zero bytes up to the byte that
// holds the highest bit written, as Redis's lookupStringForBitCommand: a new
// key gets exactly that many bytes, an existing string grows as Redis's
// sdsgrowzero does (double below 1 MB, else 1 MB more), so memory tracks
// Redis's. Offsets are refused (ErrBitOffset) when their byte reaches
// MaxStringLength (Redis's proto-max-bulk-len, 512 MB): the highest bit
// offset is 2^32-1, and SETBIT at offset 4,000,000,000 allocates 500 MB,
// as it does in Redis.
//
// # Events
//
// As Redis 7.0, SETBIT and BITFIELD raise "setbit" (and invalidate WATCH)
// only when the string changed: created, grown, or a bit flipped. BITOP
// raises "set" on its destination, or "del" when the result is empty and
// the destination existed.

// BitCount is the range of BitCount, as go-redis's: Start and End are
// inclusive and count from the end when negative; Unit is BitCountIndexByte
// (or "") for byte offsets and BitCountIndexBit for bit offsets.
type BitCount struct {
	Start, End int64
	Unit       string
}

// The units of BitCount and BitPosSpan.
const (
	BitCountIndexByte = "BYTE"
	BitCountIndexBit  = "BIT"
)

// bitRange is the range argument of BITCOUNT and BITPOS after parsing. err
// is an argument error that Redis reports only after it has looked the key
// up (a missing key answers first).
type bitRange struct {
	hasStart, hasEnd bool
	start, end       int64
	unit             string
	err              error
}

// view returns the bytes of sv for reading within the turn (nil for a
// missing key): the slice must not be written to nor kept.
func (sv *stringValue) view() []byte {
	if sv == nil {
		return nil
	}
	s := sv.peek()
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// mutable returns the value's bytes for changing in place, at least n long
// (zero bytes pad it), and marks it raw, as Redis unshares a string before
// changing it. A value held as text is copied once into a buffer of its own.
// Growth past the capacity follows Redis's sdsMakeRoomFor: twice the length
// needed below 1 MB, 1 MB more above.
func (v *stringValue) mutable(n int) []byte {
	v.enc = strRaw
	cur := v.len()
	if v.buf != nil && n <= len(v.buf) {
		return v.buf
	}
	if v.buf != nil && n <= cap(v.buf) {
		v.buf = v.buf[:n]
		clear(v.buf[cur:])
		return v.buf
	}
	size := max(n, cur)
	c := size
	if n > cur { // growing: leave room as Redis does
		const maxPrealloc = 1 << 20
		if size < maxPrealloc {
			c = 2 * size
		} else {
			c = size + maxPrealloc
		}
	}
	b := make([]byte, size, c)
	copy(b, v.peek())
	v.buf, v.text = b, ""
	return b
}

// bitTarget returns the string at key for a command that writes bits up to
// bit maxBit, creating it or padding it with zero bytes as needed; grown
// reports whether it was created or became longer.
func (tx *Tx) bitTarget(key string, maxBit uint64) (sv *stringValue, grown bool, err error) {
	sv, err = tx.writeString(key)
	if err != nil {
		return nil, false, err
	}
	n := int(maxBit>>3) + 1
	if sv == nil {
		sv = &stringValue{buf: make([]byte, n), enc: strRaw}
		tx.setValue(key, sv, true)
		return sv, true, nil
	}
	old := sv.len()
	sv.mutable(n)
	return sv, sv.len() != old, nil
}

// SetBit sets or clears (value 1 or 0) the bit at offset of the string at
// key, creating the key or padding the string with zero bytes as needed,
// and returns the bit's previous value. It returns ErrBitOffset for an
// offset below 0 or past 2^32-1 (a string of 512 MB), ErrBitValue for a
// value other than 0 or 1, and ErrWrongType if the key holds another type.
// A bit set to the value it had changes nothing (no event).
func (tx *Tx) SetBit(key string, offset int64, value int) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if offset < 0 || offset > tx.maxBitOffset() {
		return 0, ErrBitOffset
	}
	if value != 0 && value != 1 {
		return 0, ErrBitValue
	}
	sv, grown, err := tx.bitTarget(key, uint64(offset))
	if err != nil {
		return 0, err
	}
	p := sv.buf
	idx, mask := offset>>3, byte(0x80)>>(offset&7)
	old := int64(0)
	if p[idx]&mask != 0 {
		old = 1
	}
	if !grown && old == int64(value) {
		return old, nil
	}
	if value == 1 {
		p[idx] |= mask
	} else {
		p[idx] &^= mask
	}
	if tx.wrote(key, evSetBit) {
		tx.emit("SETBIT", key, strconv.FormatInt(offset, 10), strconv.Itoa(value))
	}
	return old, nil
}

// GetBit returns the bit at offset of the string at key: 0 past its end or
// for a missing key. It returns ErrBitOffset for an offset below 0 or past
// 2^32-1 and ErrWrongType if the key holds another type.
func (tx *Tx) GetBit(key string, offset int64) (int64, error) {
	if offset < 0 || offset > tx.maxBitOffset() {
		return 0, ErrBitOffset
	}
	sv, err := tx.readString(key)
	if err != nil || sv == nil {
		return 0, err
	}
	p := sv.view()
	if idx := offset >> 3; idx < int64(len(p)) {
		return int64(p[idx]>>(7-offset&7)) & 1, nil
	}
	return 0, nil
}

// BitCount returns the number of set bits of the string at key, in the
// range r or the whole string if r is nil: Start and End inclusive, byte
// offsets (or bit offsets with Unit BitCountIndexBit), negative ones
// counting from the end, clamped to the string. A missing key counts 0. It
// returns ErrSyntax for another Unit and ErrWrongType if the key holds
// another type.
func (tx *Tx) BitCount(key string, r *BitCount) (int64, error) {
	var br bitRange
	if r != nil {
		br = bitRange{hasStart: true, hasEnd: true, start: r.Start, end: r.End, unit: r.Unit}
	}
	return tx.bitCount(key, br)
}

// unitIsBit parses the unit of a range: BIT or BYTE in any case ("" is
// BYTE); a NUL byte ends the word, as in Redis's strcasecmp.
func unitIsBit(u string) (bool, error) {
	switch {
	case u == "" || cwordEq(u, "byte"):
		return false, nil
	case cwordEq(u, "bit"):
		return true, nil
	}
	return false, ErrSyntax
}

// cwordEq reports whether arg equals word (lower case) ignoring case, up to
// arg's first NUL byte: Redis compares its option words with strcasecmp,
// which stops there.
func cwordEq(arg, word string) bool {
	if i := strings.IndexByte(arg, 0); i >= 0 {
		arg = arg[:i]
	}
	return strings.EqualFold(arg, word)
}

// clampRange turns start and end (negative from the end) into indexes into
// a string of n units, as Redis's BITCOUNT and BITPOS do: end past the
// string is its last unit; the range is empty when start > end.
func clampRange(start, end, n int64) (int64, int64) {
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	if end >= n {
		end = n - 1
	}
	return start, end
}

func (tx *Tx) bitCount(key string, r bitRange) (int64, error) {
	sv, err := tx.readString(key)
	if err != nil || sv == nil {
		return 0, err
	}
	if r.err != nil {
		return 0, r.err
	}
	p := sv.view()
	if !r.hasStart {
		return bitops.Count(p), nil
	}
	if r.start < 0 && r.end < 0 && r.start > r.end {
		return 0, nil
	}
	isBit, err := unitIsBit(r.unit)
	if err != nil {
		return 0, err
	}
	n := int64(len(p))
	if isBit {
		n *= 8
	}
	start, end := clampRange(r.start, r.end, n)
	if start > end {
		return 0, nil
	}
	if !isBit {
		start, end = start*8, end*8+7
	}
	return bitops.CountRange(p, start, end), nil
}

// BitPos returns the position of the first bit equal to bit (0 or 1) in the
// string at key, as go-redis's BitPos: pos is empty (the whole string),
// {start} or {start, end}, byte offsets, negative ones counting from the
// end. A missing key answers -1 for a 1 and 0 for a 0. Looking for a 0 in a
// string of ones answers the first bit past the string when no end was
// given, and -1 when one was; no 1 in the range answers -1. It returns
// ErrBitArg for a bit other than 0 or 1, ErrSyntax for more than two
// positions and ErrWrongType if the key holds another type.
func (tx *Tx) BitPos(key string, bit int64, pos ...int64) (int64, error) {
	r := bitRange{}
	switch len(pos) {
	case 0:
	case 1:
		r.hasStart, r.start = true, pos[0]
	case 2:
		r.hasStart, r.hasEnd, r.start, r.end = true, true, pos[0], pos[1]
	default:
		r.err = ErrSyntax
	}
	return tx.bitPos(key, bit, r)
}

// BitPosSpan is BitPos over the range start to end in the unit span
// (BitCountIndexByte or BitCountIndexBit; another is ErrSyntax), as
// go-redis's BitPosSpan.
func (tx *Tx) BitPosSpan(key string, bit int8, start, end int64, span string) (int64, error) {
	return tx.bitPos(key, int64(bit), bitRange{hasStart: true, hasEnd: true, start: start, end: end, unit: span})
}

func (tx *Tx) bitPos(key string, bit int64, r bitRange) (int64, error) {
	if bit != 0 && bit != 1 {
		return 0, ErrBitArg
	}
	sv, err := tx.readString(key)
	if err != nil {
		return 0, err
	}
	if sv == nil {
		// A missing key is an endless run of zero bits.
		if bit == 1 {
			return -1, nil
		}
		return 0, nil
	}
	if r.err != nil {
		return 0, r.err
	}
	isBit, err := unitIsBit(r.unit)
	if err != nil {
		return 0, err
	}
	p := sv.view()
	n := int64(len(p))
	start, end := int64(0), n-1
	if r.hasStart {
		start = r.start
		if r.hasEnd {
			end = r.end
		}
		if isBit {
			n *= 8
		}
		start, end = clampRange(start, end, n)
	}
	if start > end {
		return -1, nil
	}
	if !isBit {
		start, end = start*8, end*8+7
	}
	if pos := bitops.FirstRange(p, int(bit), start, end); pos >= 0 {
		return pos, nil
	}
	if bit == 0 && !r.hasEnd {
		// Past the end of the string, as Redis sees it, every bit is 0.
		return end + 1, nil
	}
	return -1, nil
}

// BitOp is a BITOP operation.
type BitOp string

// The operations of BITOP.
const (
	BitOpAnd BitOp = "AND"
	BitOpOr  BitOp = "OR"
	BitOpXor BitOp = "XOR"
	BitOpNot BitOp = "NOT"
)

// BitOpAnd stores at destKey the bitwise AND of the strings at keys (a
// shorter string, or a missing key, counts as padded with zero bytes), as
// long as the longest, and returns its length. An empty result deletes
// destKey; a result replaces whatever destKey held and its time to live.
// It returns ErrWrongType, storing nothing, if a key holds another type.
func (tx *Tx) BitOpAnd(destKey string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.bitOp(BitOpAnd, destKey, keys)
}

// BitOpOr stores the bitwise OR of the strings at keys at destKey, as
// BitOpAnd.
func (tx *Tx) BitOpOr(destKey string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.bitOp(BitOpOr, destKey, keys)
}

// BitOpXor stores the bitwise XOR of the strings at keys at destKey, as
// BitOpAnd.
func (tx *Tx) BitOpXor(destKey string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.bitOp(BitOpXor, destKey, keys)
}

// BitOpNot stores the bitwise NOT of the string at key at destKey, as
// BitOpAnd.
func (tx *Tx) BitOpNot(destKey string, key string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.bitOp(BitOpNot, destKey, []string{key})
}

var bitOpCodes = map[BitOp]bitops.Op{BitOpAnd: bitops.And, BitOpOr: bitops.Or, BitOpXor: bitops.Xor, BitOpNot: bitops.Not}

// bitOp is the one implementation of BITOP.
func (tx *Tx) bitOp(op BitOp, dest string, keys []string) (int64, error) {
	code, ok := bitOpCodes[op]
	if !ok {
		return 0, ErrSyntax
	}
	if len(keys) == 0 {
		return 0, ArityError("bitop")
	}
	if op == BitOpNot && len(keys) != 1 {
		return 0, ErrBitOpNotArgs
	}
	srcs := make([][]byte, len(keys))
	for i, k := range keys {
		sv, err := tx.readString(k)
		if err != nil {
			return 0, err
		}
		srcs[i] = sv.view()
	}
	res := bitops.Apply(code, srcs...)
	if len(res) == 0 {
		if tx.deleteKey(dest) && tx.wrote(dest, evDel) {
			tx.emit("DEL", dest)
		}
		return 0, nil
	}
	tx.setValue(dest, &stringValue{buf: res, enc: strRaw}, false)
	if tx.wrote(dest, evSet) {
		tx.emit(append([]string{"BITOP", string(op), dest}, keys...)...)
	}
	return int64(len(res)), nil
}

// The BITFIELD sub-operations.

// BitFieldOp is one sub-operation of BitField, made by BitFieldGet,
// BitFieldSet, BitFieldIncrBy or BitFieldOverflow.
type BitFieldOp struct {
	kind     bitFieldKind
	typ      string
	offset   string
	value    int64
	overflow string
}

type bitFieldKind uint8

const (
	bfGet bitFieldKind = iota
	bfSet
	bfIncrBy
	bfOverflow
)

// BitFieldGet reads the integer of type typ ("u1" to "u63", "i1" to "i64")
// at offset: a bit offset ("100"), or "#n" for the n-th integer of that
// width (bit n times the width). Bits past the string read as 0.
func BitFieldGet(typ, offset string) BitFieldOp {
	return BitFieldOp{kind: bfGet, typ: typ, offset: offset}
}

// BitFieldSet writes value as an integer of type typ at offset (as
// BitFieldGet) and answers the previous value. A value that does not fit
// is wrapped, saturated or refused as the OVERFLOW mode in force says.
func BitFieldSet(typ, offset string, value int64) BitFieldOp {
	return BitFieldOp{kind: bfSet, typ: typ, offset: offset, value: value}
}

// BitFieldIncrBy adds incr to the integer of type typ at offset (as
// BitFieldGet) and answers the new value, wrapped, saturated or refused
// on overflow as the OVERFLOW mode in force says.
func BitFieldIncrBy(typ, offset string, incr int64) BitFieldOp {
	return BitFieldOp{kind: bfIncrBy, typ: typ, offset: offset, value: incr}
}

// BitFieldOverflow sets the overflow mode of the SET and INCRBY operations
// after it: "WRAP" (the default: modular arithmetic, two's complement for
// signed types), "SAT" (the result sticks at the type's minimum or maximum)
// or "FAIL" (nothing is written and the reply is null). It answers nothing.
func BitFieldOverflow(mode string) BitFieldOp {
	return BitFieldOp{kind: bfOverflow, overflow: mode}
}

// BitFieldResult is the answer of one GET, SET or INCRBY of BitField.
type BitFieldResult struct {
	// Value is the integer read (GET), the previous value (SET) or the new
	// value (INCRBY).
	Value int64
	// Failed reports that OVERFLOW FAIL refused the SET or INCRBY: nothing
	// was written, and Redis answers null.
	Failed bool
}

// Overflow modes of BITFIELD.
const (
	overflowWrap = iota
	overflowSat
	overflowFail
)

// bitFieldOp is a BITFIELD operation after parsing.
type bitFieldOp struct {
	kind     bitFieldKind
	signed   bool
	bits     int
	offset   uint64
	value    int64
	overflow int
}

// parseBitFieldType parses a BITFIELD type as Redis does: 'i' or 'u' and a
// width, 1 to 64 signed, 1 to 63 unsigned (an int64 reply cannot hold a
// u64). The width ends at a NUL byte, as Redis reads it with strlen.
func parseBitFieldType(typ string) (signed bool, bits int, err error) {
	if typ == "" || (typ[0] != 'i' && typ[0] != 'u') {
		return false, 0, ErrBitFieldType
	}
	w := typ[1:]
	if i := strings.IndexByte(w, 0); i >= 0 {
		w = w[:i]
	}
	n, err := parseIntArg(w)
	signed = typ[0] == 'i'
	if err != nil || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, ErrBitFieldType
	}
	return signed, int(n), nil
}

// parseBitOffset parses a bit offset as Redis's getBitOffsetFromArgument:
// a decimal integer, or with hash "#n" for n times bits (the product wraps
// as Redis's does); below 0 or past maxOff is ErrBitOffset.
func parseBitOffset(s string, hash bool, bits int, maxOff int64) (uint64, error) {
	useHash := hash && bits > 0 && s != "" && s[0] == '#'
	if useHash {
		s = s[1:]
	}
	n, err := parseIntArg(s)
	if err != nil {
		return 0, ErrBitOffset
	}
	if useHash {
		n *= int64(bits)
	}
	if n < 0 || n > maxOff {
		return 0, ErrBitOffset
	}
	return uint64(n), nil
}

// compile parses one GET, SET or INCRBY: its type, then its offset.
func (op BitFieldOp) compile(overflow int, maxOff int64) (bitFieldOp, error) {
	signed, bits, err := parseBitFieldType(op.typ)
	if err != nil {
		return bitFieldOp{}, err
	}
	off, err := parseBitOffset(op.offset, true, bits, maxOff)
	if err != nil {
		return bitFieldOp{}, err
	}
	return bitFieldOp{kind: op.kind, signed: signed, bits: bits, offset: off, value: op.value, overflow: overflow}, nil
}

// parseOverflow parses an OVERFLOW mode.
func parseOverflow(mode string) (int, error) {
	switch {
	case cwordEq(mode, "wrap"):
		return overflowWrap, nil
	case cwordEq(mode, "sat"):
		return overflowSat, nil
	case cwordEq(mode, "fail"):
		return overflowFail, nil
	}
	return 0, ErrBitFieldOverflow
}

// compileBitField parses the typed operations in order, as Redis parses
// BITFIELD's arguments: the first bad one is the error.
func compileBitField(ops []BitFieldOp, maxOff int64) ([]bitFieldOp, error) {
	out := make([]bitFieldOp, 0, len(ops))
	overflow := overflowWrap
	for _, op := range ops {
		if op.kind == bfOverflow {
			m, err := parseOverflow(op.overflow)
			if err != nil {
				return nil, err
			}
			overflow = m
			continue
		}
		c, err := op.compile(overflow, maxOff)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// BitField runs the operations of ops on the string at key in order and
// answers one result per GET, SET and INCRBY (OVERFLOW answers none), as
// BITFIELD. A SET or INCRBY creates the key, or pads the string with zero
// bytes, up to the highest bit any of them writes, before any of them runs
// (even when OVERFLOW FAIL then refuses them all); GETs alone never create
// it. The operations are checked before any runs: ErrBitFieldType for a
// bad type, ErrBitOffset for a bad offset, ErrBitFieldOverflow for a bad
// OVERFLOW mode; ErrWrongType if the key holds another type.
func (tx *Tx) BitField(key string, ops ...BitFieldOp) ([]BitFieldResult, error) {
	if tx.refuseOOM() {
		return nil, ErrOOM
	}
	c, err := compileBitField(ops, tx.maxBitOffset())
	if err != nil {
		return nil, err
	}
	return tx.bitField(key, c, false)
}

// BitFieldRO is BitField limited to GET operations (BITFIELD_RO): any
// other, once every operation has parsed, is ErrBitFieldRO.
func (tx *Tx) BitFieldRO(key string, ops ...BitFieldOp) ([]BitFieldResult, error) {
	c, err := compileBitField(ops, tx.maxBitOffset())
	if err != nil {
		return nil, err
	}
	return tx.bitField(key, c, true)
}

// bitField is the one implementation of BITFIELD and BITFIELD_RO.
func (tx *Tx) bitField(key string, ops []bitFieldOp, readOnly bool) ([]BitFieldResult, error) {
	var highest uint64
	writes := false
	for _, op := range ops {
		if op.kind != bfGet {
			writes = true
			highest = max(highest, op.offset+uint64(op.bits)-1)
		}
	}
	var p []byte
	var sv *stringValue
	grown := false
	if !writes {
		v, err := tx.readString(key)
		if err != nil {
			return nil, err
		}
		p = v.view()
	} else {
		if readOnly {
			return nil, ErrBitFieldRO
		}
		var err error
		if sv, grown, err = tx.bitTarget(key, highest); err != nil {
			return nil, err
		}
		p = sv.buf
	}
	res := make([]BitFieldResult, len(ops))
	changes := 0
	for i, op := range ops {
		old := bitops.Get(p, op.offset, op.bits)
		if op.kind == bfGet {
			res[i].Value = fieldValue(old, op.signed, op.bits)
			continue
		}
		var newVal uint64
		var reply int64
		var overflow bool
		if op.signed {
			oldVal := fieldValue(old, true, op.bits)
			var v int64
			if op.kind == bfIncrBy {
				v, overflow = signedFieldAdd(oldVal, op.value, op.bits, op.overflow)
				reply = v
			} else {
				v, overflow = signedFieldAdd(op.value, 0, op.bits, op.overflow)
				reply = oldVal
			}
			newVal = uint64(v)
		} else {
			if op.kind == bfIncrBy {
				newVal, overflow = unsignedFieldAdd(old, op.value, op.bits, op.overflow)
				reply = int64(newVal)
			} else {
				newVal, overflow = unsignedFieldAdd(uint64(op.value), 0, op.bits, op.overflow)
				reply = int64(old)
			}
		}
		if overflow && op.overflow == overflowFail {
			res[i].Failed = true
			continue
		}
		res[i].Value = reply
		mask := ^uint64(0) >> (64 - op.bits)
		bitops.Set(p, op.offset, op.bits, newVal)
		if grown || old != newVal&mask {
			changes++
		}
	}
	if writes && (changes > 0 || grown) {
		rec := tx.rec
		if changes > 0 {
			rec = tx.wroteN(key, evSetBit, changes) // Redis counts each field changed
		}
		// A key created for writes that OVERFLOW FAIL all refused raises
		// no event in Redis, but it exists: the effect still says so.
		if rec {
			tx.emitBitField(key, ops)
		}
	}
	return res, nil
}

// emitBitField records BITFIELD's write operations as their effect, each
// with its overflow mode and an absolute bit offset. Replayed on the same
// string they grow it alike and write the same bits.
func (tx *Tx) emitBitField(key string, ops []bitFieldOp) {
	args := []string{"BITFIELD", key}
	for _, op := range ops {
		if op.kind == bfGet {
			continue
		}
		name := "SET"
		if op.kind == bfIncrBy {
			name = "INCRBY"
		}
		typ := "u"
		if op.signed {
			typ = "i"
		}
		args = append(args, "OVERFLOW", [...]string{"WRAP", "SAT", "FAIL"}[op.overflow], name,
			typ+strconv.Itoa(op.bits), strconv.FormatUint(op.offset, 10), strconv.FormatInt(op.value, 10))
	}
	tx.emit(args...)
}

// fieldValue reads the low bits of v as an integer of that width: sign
// extended if signed.
func fieldValue(v uint64, signed bool, bits int) int64 {
	if signed && bits < 64 && v&(1<<(bits-1)) != 0 {
		v |= ^uint64(0) << bits
	}
	return int64(v)
}

// signedFieldAdd adds incr to value in a signed integer of bits bits, as
// Redis's checkSignedBitfieldOverflow: it returns the result and whether
// it overflowed, the result then wrapped or saturated by mode (FAIL: the
// caller writes nothing). value itself may be out of range (a SET's
// argument, incr 0).
func signedFieldAdd(value, incr int64, bits, mode int) (int64, bool) {
	maxV := int64(math.MaxInt64)
	if bits < 64 {
		maxV = 1<<(bits-1) - 1
	}
	minV := -maxV - 1
	maxIncr := int64(uint64(maxV) - uint64(value)) // may wrap; used only once value is in range
	minIncr := minV - value
	wrap := func() int64 {
		c := uint64(value) + uint64(incr)
		if bits < 64 {
			hi := ^uint64(0) << bits
			if c&(1<<(bits-1)) != 0 {
				c |= hi
			} else {
				c &^= hi
			}
		}
		return int64(c)
	}
	switch {
	case value > maxV || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		if mode == overflowSat {
			return maxV, true
		}
		return wrap(), true
	case value < minV || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
		if mode == overflowSat {
			return minV, true
		}
		return wrap(), true
	}
	return value + incr, false
}

// unsignedFieldAdd adds incr to value in an unsigned integer of bits bits,
// as Redis's checkUnsignedBitfieldOverflow (see signedFieldAdd).
func unsignedFieldAdd(value uint64, incr int64, bits, mode int) (uint64, bool) {
	maxV := uint64(1)<<bits - 1
	maxIncr := int64(maxV - value)
	minIncr := -int64(value)
	wrap := func() uint64 { return (value + uint64(incr)) & maxV }
	switch {
	case value > maxV || (incr > 0 && incr > maxIncr):
		if mode == overflowSat {
			return maxV, true
		}
		return wrap(), true
	case incr < 0 && incr < minIncr:
		if mode == overflowSat {
			return 0, true
		}
		return wrap(), true
	}
	return value + uint64(incr), false
}
