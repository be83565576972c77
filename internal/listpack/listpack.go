// Package listpack reads and writes Redis 7.0's listpack, the packed
// sequence of strings and integers that holds small aggregates and the nodes
// of lists (quicklist) and streams:
//
//	<total bytes u32 LE> <element count u16 LE, 65535 = unknown> <entry>… 0xFF
//
// Each entry is an encoding byte (with the length or the integer), the data,
// and a back-length: the size of encoding+data in 1 to 5 bytes, 7 bits a
// byte, readable from its last byte backwards, so that a listpack can be
// walked from either end. Strings that are canonical decimal integers of up
// to 20 bytes (ParseInt) are stored as integers of 7, 13, 16, 24, 32 or 64
// bits; other strings with a 6-, 12- or 32-bit length. Entries are written
// exactly as Redis writes them, so a listpack built here has Redis's bytes
// and Redis's size, which decides where Redis cuts quicklist nodes.
//
// Two kinds of reader: Check and Iter walk bytes from outside (a file, a
// DUMP payload) and check every entry's bounds, back-length and the
// header's count, never reading past the slice; Decode, EntryLen and
// PrevLen are for entries this program wrote (or Check accepted) and trust
// them. The entry functions (AppendString, Decode, EntryLen, PrevLen) work
// on entries alone, without the header and terminator, so that a caller may
// keep a run of entries and add the framing when it writes a listpack out
// (Start, Finish).
package listpack

import (
	"encoding/binary"
	"strconv"
)

const (
	// HeaderSize is the bytes of the header: total size and count.
	HeaderSize = 6
	// EOF is the terminator byte.
	EOF = 0xFF
	// CountUnknown is the header count of a listpack of 65535 or more
	// elements.
	CountUnknown = 65535
	// EmptySize is the bytes of a listpack with no entries.
	EmptySize = HeaderSize + 1
)

// ParseInt reports whether s is a decimal integer written as Redis's
// ll2string writes it (no sign but '-', no leading zero, no "-0", within
// int64), as Redis's string2ll and lpStringToInt64 accept, and returns it.
// Longer than 20 bytes never is. A listpack stores such strings as
// integers.
func ParseInt(s string) (int64, bool) {
	n := len(s)
	if n == 0 || n > 20 {
		return 0, false
	}
	if n == 1 && s[0] == '0' {
		return 0, true
	}
	i, neg := 0, false
	if s[0] == '-' {
		neg, i = true, 1
		if n == 1 {
			return 0, false
		}
	}
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v+uint64(c-'0') < v {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// backlenSize is the size of the back-length of an entry whose encoding and
// data take l bytes.
func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

func appendBacklen(dst []byte, l int) []byte {
	switch backlenSize(l) {
	case 1:
		return append(dst, byte(l))
	case 2:
		return append(dst, byte(l>>7), byte(l&127)|128)
	case 3:
		return append(dst, byte(l>>14), byte(l>>7&127)|128, byte(l&127)|128)
	case 4:
		return append(dst, byte(l>>21), byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
	}
	return append(dst, byte(l>>28), byte(l>>21&127)|128, byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
}

// intSize is the size of encoding+data of an integer entry.
func intSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 1
	case v >= -4096 && v <= 4095:
		return 2
	case v >= -32768 && v <= 32767:
		return 3
	case v >= -8388608 && v <= 8388607:
		return 4
	case v >= -2147483648 && v <= 2147483647:
		return 5
	}
	return 9
}

func strHeader(n int) int {
	switch {
	case n < 64:
		return 1
	case n < 4096:
		return 2
	}
	return 5
}

// EntrySize returns the bytes of the entry Redis writes for s (encoding,
// data and back-length).
func EntrySize(s string) int {
	var l int
	if v, ok := ParseInt(s); ok {
		l = intSize(v)
	} else {
		l = strHeader(len(s)) + len(s)
	}
	return l + backlenSize(l)
}

// IntEntrySize returns the bytes of the entry of the integer v.
func IntEntrySize(v int64) int { return intSize(v) + 1 }

// AppendString appends the entry Redis writes for s: an integer entry if s
// is canonical (ParseInt), else a string entry.
func AppendString(dst []byte, s string) []byte {
	if v, ok := ParseInt(s); ok {
		return AppendInt(dst, v)
	}
	n := len(s)
	switch strHeader(n) {
	case 1:
		dst = append(dst, 0x80|byte(n))
	case 2:
		dst = append(dst, 0xE0|byte(n>>8), byte(n))
	default:
		dst = append(dst, 0xF0, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	dst = append(dst, s...)
	return appendBacklen(dst, strHeader(n)+n)
}

// AppendInt appends the entry of the integer v, in the smallest of the
// integer encodings.
func AppendInt(dst []byte, v int64) []byte {
	u := uint64(v)
	switch l := intSize(v); l {
	case 1:
		dst = append(dst, byte(v))
	case 2:
		dst = append(dst, 0xC0|byte(u>>8)&0x1F, byte(u))
	case 3:
		dst = append(dst, 0xF1, byte(u), byte(u>>8))
	case 4:
		dst = append(dst, 0xF2, byte(u), byte(u>>8), byte(u>>16))
	case 5:
		dst = append(dst, 0xF3, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	default:
		dst = append(dst, 0xF4)
		dst = binary.LittleEndian.AppendUint64(dst, u)
	}
	return append(dst, byte(intSize(v))) // every integer entry is shorter than 128 bytes
}

// Start appends a listpack header to be completed by Finish, and returns
// where the listpack starts.
func Start(dst []byte) ([]byte, int) {
	return append(dst, 0, 0, 0, 0, 0, 0), len(dst)
}

// Finish terminates the listpack of count entries that starts at dst[at:]
// and fills in its header (count CountUnknown from 65535 on, as Redis).
func Finish(dst []byte, at, count int) []byte {
	dst = append(dst, EOF)
	binary.LittleEndian.PutUint32(dst[at:], uint32(len(dst)-at))
	binary.LittleEndian.PutUint16(dst[at+4:], uint16(min(count, CountUnknown)))
	return dst
}

// Entry is one decoded entry: an integer (IsInt) or a string's bytes.
type Entry struct {
	// Str is a string entry's bytes, a view into the listpack.
	Str []byte
	// Int is an integer entry's value.
	Int int64
	// IsInt tells which of the two the entry holds.
	IsInt bool
}

// AppendTo appends the entry as text: an integer in decimal.
func (e Entry) AppendTo(dst []byte) []byte {
	if e.IsInt {
		return strconv.AppendInt(dst, e.Int, 10)
	}
	return append(dst, e.Str...)
}

// String returns the entry as a new string.
func (e Entry) String() string {
	if e.IsInt {
		return strconv.FormatInt(e.Int, 10)
	}
	return string(e.Str)
}

// Len returns the length of the entry as text.
func (e Entry) Len() int {
	if !e.IsInt {
		return len(e.Str)
	}
	var buf [20]byte
	return len(strconv.AppendInt(buf[:0], e.Int, 10))
}

// Decode decodes the trusted entry at the start of b (a run of entries
// written by AppendString or accepted by Check) and returns it with its
// size, back-length included. On bytes that are not an entry it returns
// size 0 rather than read past b.
func Decode(b []byte) (Entry, int) {
	if len(b) >= 2 { // the common entries first: short strings, small integers
		if c := b[0]; c&0xC0 == 0x80 {
			if n := int(c & 0x3F); n+2 <= len(b) {
				return Entry{Str: b[1 : 1+n]}, n + 2
			}
		} else if c < 0x80 {
			return Entry{Int: int64(c), IsInt: true}, 2
		}
	}
	e, hdr, data, ok := decodeHead(b)
	if !ok {
		return Entry{}, 0
	}
	l := hdr + data
	size := l + backlenSize(l)
	if size > len(b) {
		return Entry{}, 0
	}
	if !e.IsInt {
		e.Str = b[hdr:l]
	}
	return e, size
}

// EntryLen returns the size of the trusted entry at the start of b, 0 if
// b does not start with one.
func EntryLen(b []byte) int {
	_, hdr, data, ok := decodeHead(b)
	if !ok {
		return 0
	}
	l := hdr + data
	if l+backlenSize(l) > len(b) {
		return 0
	}
	return l + backlenSize(l)
}

// PrevLen returns the size of the trusted entry that ends at the end of b,
// read from its back-length; 0 if b is empty or its back-length runs past
// b's start.
func PrevLen(b []byte) int {
	l, n := 0, 0
	for i := len(b) - 1; i >= 0 && n < 5; i-- {
		c := b[i]
		l |= int(c&127) << (7 * n)
		n++
		if c&128 == 0 {
			size := l + backlenSize(l)
			if size > len(b) || backlenSize(l) != n {
				return 0
			}
			return size
		}
	}
	return 0
}

// decodeHead decodes an entry's encoding: the integer, or the sizes of the
// encoding header and the string data. ok is false when b does not start
// with a complete encoding header (the data is not checked).
func decodeHead(b []byte) (e Entry, hdr, data int, ok bool) {
	if len(b) == 0 {
		return e, 0, 0, false
	}
	c := b[0]
	switch {
	case c&0x80 == 0:
		return Entry{Int: int64(c), IsInt: true}, 1, 0, true
	case c&0xC0 == 0x80:
		return e, 1, int(c & 0x3F), true
	case c&0xE0 == 0xC0:
		if len(b) < 2 {
			return e, 0, 0, false
		}
		u := uint64(c&0x1F)<<8 | uint64(b[1])
		return Entry{Int: int64(u<<51) >> 51, IsInt: true}, 2, 0, true
	case c&0xF0 == 0xE0:
		if len(b) < 2 {
			return e, 0, 0, false
		}
		return e, 2, int(c&0x0F)<<8 | int(b[1]), true
	case c == 0xF0:
		if len(b) < 5 {
			return e, 0, 0, false
		}
		n := binary.LittleEndian.Uint32(b[1:])
		if uint64(n) > uint64(len(b)) {
			return e, 0, 0, false
		}
		return e, 5, int(n), true
	case c >= 0xF1 && c <= 0xF4:
		size := [...]int{2, 3, 4, 8}[c-0xF1]
		if len(b) < 1+size {
			return e, 0, 0, false
		}
		var u uint64
		for i := size; i >= 1; i-- {
			u = u<<8 | uint64(b[i])
		}
		shift := 64 - 8*size
		return Entry{Int: int64(u<<shift) >> shift, IsInt: true}, 1 + size, 0, true
	}
	return e, 0, 0, false
}

// Iter walks a listpack from outside, checking its structure as it goes:
// every entry within bounds, its back-length matching, the terminator at
// the very end, the element count matching the header's. Get one from
// Check.
type Iter struct {
	b     []byte
	p     int
	count int
	num   [20]byte
}

// Check checks a listpack's header (its size, its terminator) and returns
// an iterator over its entries.
func Check(b []byte) (Iter, error) {
	if len(b) < HeaderSize+1 {
		return Iter{}, ErrShort
	}
	if uint64(binary.LittleEndian.Uint32(b)) != uint64(len(b)) {
		return Iter{}, ErrSizeMismatch
	}
	if b[len(b)-1] != EOF {
		return Iter{}, ErrNoTerminator
	}
	return Iter{b: b, p: HeaderSize}, nil
}

// Count returns the header's element count (CountUnknown: unknown).
func Count(b []byte) int {
	if len(b) < HeaderSize {
		return CountUnknown
	}
	return int(binary.LittleEndian.Uint16(b[4:]))
}

// Next returns the next entry; done is true at the terminator, err is set
// when the listpack is broken (and then nothing more can be read).
func (it *Iter) Next() (e Entry, done bool, err error) {
	b, p := it.b, it.p
	end := len(b) - 1 // the terminator
	if p >= end {
		if p == end {
			declared := int(binary.LittleEndian.Uint16(b[4:]))
			if declared != CountUnknown && declared != it.count {
				return e, true, ErrCountMismatch
			}
			return e, true, nil
		}
		return e, true, ErrPastEnd
	}
	if b[p] == EOF {
		return e, true, ErrEarlyEnd
	}
	e, hdr, data, ok := decodeHead(b[p:end])
	if !ok {
		if c := b[p]; c > 0xF4 {
			return e, false, ErrEncoding
		}
		return e, false, ErrPastEnd
	}
	l := hdr + data
	bl := backlenSize(l)
	if l+bl > end-p {
		return e, false, ErrPastEnd
	}
	var want [5]byte
	if string(appendBacklen(want[:0], l)) != string(b[p+l:p+l+bl]) {
		return e, false, ErrBacklen
	}
	it.p = p + l + bl
	it.count++
	if !e.IsInt {
		e.Str = b[p+hdr : p+l]
	}
	return e, false, nil
}

// Offset returns the byte offset in the listpack of the entry Next reads
// next (of the terminator at the end), for error messages.
func (it *Iter) Offset() int { return it.p }

// NextString is Next with integers rendered as decimal text in the
// iterator's buffer (valid until the next call).
func (it *Iter) NextString() (s []byte, done bool, err error) {
	e, done, err := it.Next()
	if e.IsInt {
		return strconv.AppendInt(it.num[:0], e.Int, 10), done, err
	}
	return e.Str, done, err
}

// Entries returns the entries of a listpack Check accepted and Iter walked
// to its end: the bytes between header and terminator.
func Entries(b []byte) []byte { return b[HeaderSize : len(b)-1] }

// ReplaceInt replaces the trusted entry at lp[pos:] of the whole listpack
// lp (header included) with the integer v's entry and returns the
// listpack: lp itself, changed in place, when the two entries have the same
// size, else a new slice in which the entries after pos moved and the
// header's total size is updated (its count stays). On a pos that does not
// start an entry it returns lp unchanged.
func ReplaceInt(lp []byte, pos int, v int64) []byte {
	if pos < HeaderSize || pos >= len(lp) {
		return lp
	}
	old := EntryLen(lp[pos:])
	if old == 0 {
		return lp
	}
	var buf [10]byte
	enc := AppendInt(buf[:0], v)
	if len(enc) == old {
		copy(lp[pos:], enc)
		return lp
	}
	out := make([]byte, 0, len(lp)-old+len(enc))
	out = append(out, lp[:pos]...)
	out = append(out, enc...)
	out = append(out, lp[pos+old:]...)
	binary.LittleEndian.PutUint32(out, uint32(len(out)))
	return out
}
