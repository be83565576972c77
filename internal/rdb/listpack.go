package rdb

import (
	"encoding/binary"
	"strconv"
)

// A listpack (Redis 7.0's small-aggregate encoding) is
//
//	<total bytes u32 LE> <element count u16 LE, 65535 = unknown> <entry>… 0xFF
//
// and each entry is an encoding byte (with the length or the integer),
// the data, and a back-length: the size of encoding+data in 1 to 5 bytes,
// 7 bits a byte, readable from its last byte backwards. Strings that are
// canonical decimal integers of up to 20 bytes are stored as integers of
// 7, 13, 16, 24, 32 or 64 bits; other strings with a 6-, 12- or 32-bit
// length.

const (
	lpHeaderSize   = 6
	lpEOF          = 0xFF
	lpCountUnknown = 65535
)

// parseCanonicalInt reports whether s is a decimal integer written as
// Redis's ll2string writes it (no sign but '-', no leading zero, no "-0",
// within int64), as string2ll and lpStringToInt64 accept; longer than 20
// bytes never is.
func parseCanonicalInt(s string) (int64, bool) {
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

// lpBacklenSize is the size of the back-length of an entry of l bytes.
func lpBacklenSize(l int) int {
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

func lpAppendBacklen(dst []byte, l int) []byte {
	switch lpBacklenSize(l) {
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

// lpIntSize is the size of encoding+data of an integer entry.
func lpIntSize(v int64) int {
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

// lpEntrySize is the size of the whole entry (backlen included) Redis
// writes for s.
func lpEntrySize(s string) int {
	var l int
	if v, ok := parseCanonicalInt(s); ok {
		l = lpIntSize(v)
	} else {
		l = lpStrHeader(len(s)) + len(s)
	}
	return l + lpBacklenSize(l)
}

func lpStrHeader(n int) int {
	switch {
	case n < 64:
		return 1
	case n < 4096:
		return 2
	}
	return 5
}

// lpAppendString appends the entry Redis writes for s.
func lpAppendString(dst []byte, s string) []byte {
	if v, ok := parseCanonicalInt(s); ok {
		return lpAppendInt(dst, v)
	}
	n := len(s)
	switch lpStrHeader(n) {
	case 1:
		dst = append(dst, 0x80|byte(n))
	case 2:
		dst = append(dst, 0xE0|byte(n>>8), byte(n))
	default:
		dst = append(dst, 0xF0, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	dst = append(dst, s...)
	return lpAppendBacklen(dst, lpStrHeader(n)+n)
}

func lpAppendInt(dst []byte, v int64) []byte {
	u := uint64(v)
	switch l := lpIntSize(v); l {
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
	return append(dst, byte(lpIntSize(v))) // every integer entry is shorter than 128 bytes
}

// lpStart appends a listpack header to be completed by lpFinish.
func lpStart(dst []byte) ([]byte, int) {
	return append(dst, 0, 0, 0, 0, 0, 0), len(dst)
}

// lpFinish terminates the listpack that starts at dst[at:] and fills in its
// header.
func lpFinish(dst []byte, at, count int) []byte {
	dst = append(dst, lpEOF)
	binary.LittleEndian.PutUint32(dst[at:], uint32(len(dst)-at))
	binary.LittleEndian.PutUint16(dst[at+4:], uint16(min(count, lpCountUnknown)))
	return dst
}

// lpIter walks a listpack, checking its structure as it goes: every entry
// within bounds, its back-length matching, the terminator at the very end,
// the element count matching the header's. Call check(blob) first.
type lpIter struct {
	b     []byte
	p     int
	count int
	num   [20]byte
}

// lpCheckHeader checks a listpack's header and returns an iterator.
func lpCheckHeader(b []byte) (lpIter, string) {
	if len(b) < lpHeaderSize+1 {
		return lpIter{}, "listpack shorter than its header"
	}
	if uint64(binary.LittleEndian.Uint32(b)) != uint64(len(b)) {
		return lpIter{}, "listpack size in its header does not match its length"
	}
	if b[len(b)-1] != lpEOF {
		return lpIter{}, "listpack does not end with its terminator"
	}
	return lpIter{b: b, p: lpHeaderSize}, ""
}

// next returns the next entry: its string bytes, or (isInt) its integer.
// done is true at the terminator; reason is set when the listpack is
// broken.
func (it *lpIter) next() (s []byte, v int64, isInt, done bool, reason string) {
	b, p := it.b, it.p
	end := len(b) - 1 // the terminator
	if p >= end {
		if p == end {
			declared := int(binary.LittleEndian.Uint16(b[4:]))
			if declared != lpCountUnknown && declared != it.count {
				return nil, 0, false, true, "listpack element count does not match its header"
			}
			return nil, 0, false, true, ""
		}
		return nil, 0, false, true, "listpack entry runs past its end"
	}
	c := b[p]
	var hdr, data int
	switch {
	case c&0x80 == 0:
		hdr, v, isInt = 1, int64(c), true
	case c&0xC0 == 0x80:
		hdr, data = 1, int(c&0x3F)
	case c&0xE0 == 0xC0:
		if p+2 > end {
			return nil, 0, false, false, "listpack entry runs past its end"
		}
		u := uint64(c&0x1F)<<8 | uint64(b[p+1])
		hdr, v, isInt = 2, int64(u<<51)>>51, true
	case c&0xF0 == 0xE0:
		if p+2 > end {
			return nil, 0, false, false, "listpack entry runs past its end"
		}
		hdr, data = 2, int(c&0x0F)<<8|int(b[p+1])
	case c == 0xF0:
		if p+5 > end {
			return nil, 0, false, false, "listpack entry runs past its end"
		}
		n := binary.LittleEndian.Uint32(b[p+1:])
		if uint64(n) > uint64(end-p) {
			return nil, 0, false, false, "listpack entry runs past its end"
		}
		hdr, data = 5, int(n)
	case c >= 0xF1 && c <= 0xF4:
		size := [...]int{2, 3, 4, 8}[c-0xF1]
		if p+1+size > end {
			return nil, 0, false, false, "listpack entry runs past its end"
		}
		var u uint64
		for i := size - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[p+1+i])
		}
		shift := 64 - 8*size
		hdr, v, isInt = 1+size, int64(u<<shift)>>shift, true
	case c == lpEOF:
		return nil, 0, false, true, "listpack terminator before its end"
	default:
		return nil, 0, false, false, "listpack entry with an invalid encoding"
	}
	l := hdr + data
	bl := lpBacklenSize(l)
	if l+bl > end-p {
		return nil, 0, false, false, "listpack entry runs past its end"
	}
	var want [5]byte
	if string(lpAppendBacklen(want[:0], l)) != string(b[p+l:p+l+bl]) {
		return nil, 0, false, false, "listpack entry back-length does not match"
	}
	it.p = p + l + bl
	it.count++
	if !isInt {
		s = b[p+hdr : p+l]
	}
	return s, v, isInt, false, ""
}

// nextString is next with integers rendered as decimal text in the
// iterator's buffer (valid until the next call).
func (it *lpIter) nextString() (s []byte, done bool, reason string) {
	s, v, isInt, done, reason := it.next()
	if isInt {
		s = strconv.AppendInt(it.num[:0], v, 10)
	}
	return s, done, reason
}
