package stream

import (
	"encoding/binary"
	"strconv"
)

// A listpack is Redis's packed sequence of strings and integers (listpack.c):
// a 6-byte header (total bytes, number of elements, both little endian), the
// elements, and an end byte 0xFF. Each element is its encoding (a type tag
// with the value or the string's length, then the string's bytes) followed by
// a "backlen", the encoding's size written so that it can be read from its
// last byte, which lets a reader walk the elements backwards too.
//
// A stream node is one listpack laid out as Redis lays it out (see node.go),
// byte for byte: the node boundaries that decide what XTRIM ~ removes depend
// on its size, and an RDB file carries it as is.

const (
	lpHeaderSize = 6
	lpEOF        = 0xFF
)

// lpNew returns an empty listpack.
func lpNew() []byte {
	lp := make([]byte, lpHeaderSize+1, 64)
	lp[lpHeaderSize] = lpEOF
	lpSetHeader(lp, 0)
	return lp
}

// lpSetHeader writes the total size and the element count n (65535 when it
// does not fit: "unknown", as Redis writes it).
func lpSetHeader(lp []byte, n int) {
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	if n >= 65535 {
		n = 65535
	}
	binary.LittleEndian.PutUint16(lp[4:], uint16(n))
}

// lpCount returns the element count of the header (65535: unknown).
func lpCount(lp []byte) int { return int(binary.LittleEndian.Uint16(lp[4:])) }

// canonicalInt reports whether s is the canonical decimal spelling of an
// int64 (no sign but '-', no leading zero, no "-0"), which a listpack stores
// as an integer, as Redis's lpStringToInt64.
func canonicalInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	// A cheap look first: most values are not numbers, and ParseInt
	// allocates its error.
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (i > 0 || s[i] != '-') {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	var buf [24]byte
	return v, string(strconv.AppendInt(buf[:0], v, 10)) == s
}

// lpIntEncSize returns the size of v's integer encoding.
func lpIntEncSize(v int64) int {
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

// lpStrEncSize returns the size of the encoding of a string of n bytes.
func lpStrEncSize(n int) int {
	switch {
	case n < 64:
		return 1 + n
	case n < 4096:
		return 2 + n
	}
	return 5 + n
}

// lpBacklenSize returns the size of the backlen of an encoding of l bytes.
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

// appendBacklen appends the backlen of an encoding of l bytes.
func appendBacklen(dst []byte, l int) []byte {
	switch n := lpBacklenSize(l); n {
	case 1:
		return append(dst, byte(l))
	default:
		for i := n - 1; i >= 0; i-- {
			b := byte(l>>(7*uint(i))) & 127
			if i != n-1 {
				b |= 128
			}
			dst = append(dst, b)
		}
		return dst
	}
}

// appendIntElem appends v as an integer element (encoding and backlen).
func appendIntElem(dst []byte, v int64) []byte {
	l := lpIntEncSize(v)
	switch l {
	case 1:
		dst = append(dst, byte(v))
	case 2:
		u := uint64(v) & (1<<13 - 1)
		dst = append(dst, byte(u>>8)|0xC0, byte(u))
	case 3:
		dst = append(dst, 0xF1, byte(v), byte(v>>8))
	case 4:
		dst = append(dst, 0xF2, byte(v), byte(v>>8), byte(v>>16))
	case 5:
		dst = append(dst, 0xF3, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	default:
		dst = append(dst, 0xF4)
		dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
	}
	return appendBacklen(dst, l)
}

// appendStrElem appends s as an element: an integer when it is one's
// canonical spelling, as Redis stores it.
func appendStrElem(dst []byte, s string) []byte {
	if v, ok := canonicalInt(s); ok {
		return appendIntElem(dst, v)
	}
	n := len(s)
	switch {
	case n < 64:
		dst = append(dst, 0x80|byte(n))
	case n < 4096:
		dst = append(dst, 0xE0|byte(n>>8), byte(n))
	default:
		dst = append(dst, 0xF0)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
	}
	dst = append(dst, s...)
	return appendBacklen(dst, lpStrEncSize(n))
}

// elem is one decoded element: an integer or a string (s aliases the
// listpack).
type elem struct {
	s     []byte
	v     int64
	isInt bool
}

// str returns the element as a string: an integer in decimal.
func (e elem) str() string {
	if e.isInt {
		return strconv.FormatInt(e.v, 10)
	}
	return string(e.s)
}

// readElem decodes the element at pos of a well-formed listpack and returns
// it with the position of the next element. The listpacks of this package
// are written by it, so they are well formed.
func readElem(lp []byte, pos int) (e elem, next int) {
	b := lp[pos]
	var l int // encoding size
	switch {
	case b&0x80 == 0:
		e = elem{v: int64(b), isInt: true}
		l = 1
	case b&0xC0 == 0x80:
		n := int(b & 0x3F)
		e = elem{s: lp[pos+1 : pos+1+n]}
		l = 1 + n
	case b&0xE0 == 0xC0:
		u := uint64(b&0x1F)<<8 | uint64(lp[pos+1])
		v := int64(u)
		if u >= 1<<12 {
			v -= 1 << 13
		}
		e = elem{v: v, isInt: true}
		l = 2
	case b&0xF0 == 0xE0:
		n := int(b&0x0F)<<8 | int(lp[pos+1])
		e = elem{s: lp[pos+2 : pos+2+n]}
		l = 2 + n
	case b == 0xF1:
		e = elem{v: int64(int16(binary.LittleEndian.Uint16(lp[pos+1:]))), isInt: true}
		l = 3
	case b == 0xF2:
		u := uint32(lp[pos+1]) | uint32(lp[pos+2])<<8 | uint32(lp[pos+3])<<16
		e = elem{v: int64(int32(u<<8) >> 8), isInt: true}
		l = 4
	case b == 0xF3:
		e = elem{v: int64(int32(binary.LittleEndian.Uint32(lp[pos+1:]))), isInt: true}
		l = 5
	case b == 0xF4:
		e = elem{v: int64(binary.LittleEndian.Uint64(lp[pos+1:])), isInt: true}
		l = 9
	default: // 0xF0
		n := int(binary.LittleEndian.Uint32(lp[pos+1:]))
		e = elem{s: lp[pos+5 : pos+5+n]}
		l = 5 + n
	}
	return e, pos + l + lpBacklenSize(l)
}

// readInt decodes the integer element at pos.
func readInt(lp []byte, pos int) (int64, int) {
	e, next := readElem(lp, pos)
	return e.v, next
}

// skipElem returns the position of the element after the one at pos.
func skipElem(lp []byte, pos int) int {
	_, next := readElem(lp, pos)
	return next
}

// prevElem returns the position of the element before the one at pos (pos
// may be the end byte's position).
func prevElem(lp []byte, pos int) int {
	p := pos - 1
	var l, shift int
	for {
		l |= int(lp[p]&127) << shift
		if lp[p]&128 == 0 {
			break
		}
		shift += 7
		p--
	}
	return p - l
}

// replaceInt replaces the integer element at pos with v and returns the
// listpack (whose tail moved when the size changed).
func replaceInt(lp []byte, pos int, v int64) []byte {
	next := skipElem(lp, pos)
	var buf [16]byte
	enc := appendIntElem(buf[:0], v)
	if len(enc) == next-pos {
		copy(lp[pos:], enc)
		return lp
	}
	n := lpCount(lp)
	out := make([]byte, 0, len(lp)+len(enc)-(next-pos))
	out = append(out, lp[:pos]...)
	out = append(out, enc...)
	out = append(out, lp[next:]...)
	lpSetHeader(out, n)
	return out
}
