package scripting

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The struct library of Redis's Lua (Roberto Ierusalimschy's struct.c as
// Redis 7.0 patches it): struct.pack(fmt, ...), struct.unpack(fmt, s [, i])
// and struct.size(fmt), on the machine Redis runs on (x86-64: little endian
// by default, long and size_t 8 bytes, int 4, alignment at most 8).
//
// Formats: ">" big endian, "<" little endian, "![n]" alignment n (8 when
// omitted; a power of 2), "x" a zero byte, "b"/"B" signed/unsigned char,
// "h"/"H" short, "l"/"L" long, "T" size_t, "i[n]"/"I[n]" an integer of n
// bytes (4 by default, at most 32), "c[n]" n chars (packing "c0" takes the
// whole string; unpacking it takes the number unpacked just before as the
// length), "s" a zero-terminated string, "f" float, "d" double, " " nothing.
// Integers are packed from the number as C converts a double to a long (to
// an unsigned long when not negative); out-of-range values and NaN become
// what x86-64 makes of them.

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
	luaMaxCStack     = 8000 // LUAI_MAXCSTACK: the most values a C function may hold
)

// structHeader is the state a format string carries: byte order and
// alignment.
type structHeader struct {
	little bool
	align  uint64
}

func newStruct(L *lua.LState) *lua.LTable {
	return libTable(L, map[string]lua.LGFunction{
		"pack":   structPack,
		"unpack": structUnpack,
		"size":   structSize,
	})
}

// structFormat walks a format string.
type structFormat struct {
	L   *lua.LState
	fmt string
	i   int
	h   structHeader
}

// num reads the number after an option, df when there is none.
func (f *structFormat) num(df int32) int32 {
	if f.i >= len(f.fmt) || !isDigit(f.fmt[f.i]) {
		return df
	}
	a := int32(0)
	for f.i < len(f.fmt) && isDigit(f.fmt[f.i]) {
		d := int32(f.fmt[f.i] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			raise(f.L, msgStructSizeOverflow)
		}
		a = a*10 + d
		f.i++
	}
	return a
}

// size is optsize: the bytes option opt takes (0 for the ones that take
// none).
func (f *structFormat) size(opt byte) uint64 {
	switch opt {
	case 'B', 'b', 'x':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'c':
		return uint64(int64(f.num(1)))
	case 'i', 'I':
		sz := f.num(4)
		if sz > structMaxIntSize {
			raise(f.L, fmt.Sprintf(msgStructIntTooLarge, sz, structMaxIntSize))
		}
		return uint64(int64(sz))
	}
	return 0
}

// toAlign is gettoalign: the padding that aligns an item of size bytes at
// offset n.
func (f *structFormat) toAlign(n uint64, opt byte, size uint64) uint64 {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > f.h.align {
		size = f.h.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

// control handles the options that set byte order and alignment, and
// refuses unknown ones.
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.h.little = false
	case '<':
		f.h.little = true
	case '!':
		a := f.num(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			raise(f.L, fmt.Sprintf(msgStructAlignment, a))
		}
		f.h.align = uint64(a)
	default:
		argError(f.L, 1, fmt.Sprintf(msgStructBadOption, []byte{opt}))
	}
}

func newStructFormat(L *lua.LState) *structFormat {
	return &structFormat{L: L, fmt: cString(checkString(L, 1)), h: structHeader{little: true, align: 1}}
}

// cString is s as C reads it: up to its first NUL byte.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// structPack is struct.pack(fmt, ...).
func structPack(L *lua.LState) int {
	f := newStructFormat(L)
	// As struct.c, a nil after the arguments: the first missing one is
	// "nil", later ones "no value".
	L.Push(lua.LNil)
	arg := 2
	var out []byte
	total := uint64(0)
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.size(opt)
		pad := f.toAlign(total, opt, size)
		total += pad
		for ; pad > 0; pad-- {
			out = append(out, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			n := checkNumber(L, arg)
			arg++
			var v uint64
			if n < 0 {
				v = uint64(cLong(n))
			} else {
				v = cULong(n)
			}
			var buf [structMaxIntSize]byte
			for i := uint64(0); i < size; i++ {
				j := i
				if !f.h.little {
					j = size - 1 - i
				}
				buf[j] = byte(v)
				v >>= 8
			}
			out = append(out, buf[:size]...)
		case 'x':
			out = append(out, 0)
		case 'f':
			bits := math.Float32bits(float32(checkNumber(L, arg)))
			arg++
			if f.h.little {
				out = binary.LittleEndian.AppendUint32(out, bits)
			} else {
				out = binary.BigEndian.AppendUint32(out, bits)
			}
		case 'd':
			bits := math.Float64bits(checkNumber(L, arg))
			arg++
			if f.h.little {
				out = binary.LittleEndian.AppendUint64(out, bits)
			} else {
				out = binary.BigEndian.AppendUint64(out, bits)
			}
		case 'c', 's':
			s := checkString(L, arg)
			arg++
			if size == 0 {
				size = uint64(len(s))
			}
			if uint64(len(s)) < size {
				argError(L, arg, msgStructShortString)
			}
			out = append(out, s[:size]...)
			if opt == 's' {
				out = append(out, 0)
				size++
			}
		default:
			f.control(opt)
		}
		total += size
	}
	L.Push(lua.LString(out))
	return 1
}

// structUnpack is struct.unpack(fmt, s [, init]): the values, then the
// position after the last byte read.
func structUnpack(L *lua.LState) int {
	f := newStructFormat(L)
	data := checkString(L, 2)
	ld := uint64(len(data))
	pos := uint64(optInteger(L, 3, 1))
	if pos == 0 {
		argError(L, 3, msgStructOffset)
	}
	pos--
	// The C function's stack: the format, the data, then the values. A
	// "c0" takes its length from the value on top of it.
	stack := []lua.LValue{L.Get(1), L.Get(2)}
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.size(opt)
		pos += f.toAlign(pos, opt, size)
		if !(size <= ld && pos <= ld-size) {
			argError(L, 2, msgStructShortData)
		}
		if len(stack)+2 > luaMaxCStack { // Redis's struct.c asks room for 2
			raise(L, msgStructTooMany)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			stack = append(stack, lua.LNumber(structInteger(data[pos:pos+size], f.h.little, opt >= 'a')))
		case 'x':
		case 'f':
			b := data[pos : pos+4]
			var bits uint32
			if f.h.little {
				bits = binary.LittleEndian.Uint32([]byte(b))
			} else {
				bits = binary.BigEndian.Uint32([]byte(b))
			}
			stack = append(stack, lua.LNumber(math.Float32frombits(bits)))
		case 'd':
			b := data[pos : pos+8]
			var bits uint64
			if f.h.little {
				bits = binary.LittleEndian.Uint64([]byte(b))
			} else {
				bits = binary.BigEndian.Uint64([]byte(b))
			}
			stack = append(stack, lua.LNumber(math.Float64frombits(bits)))
		case 'c':
			if size == 0 {
				var v float64
				ok := false
				if len(stack) > 2 { // a value unpacked before, not the arguments
					v, ok = toNumber(stack[len(stack)-1])
				}
				if !ok {
					raise(L, msgStructC0NoSize)
				}
				size = cULong(v)
				stack = stack[:len(stack)-1]
				if !(size <= ld && pos <= ld-size) {
					argError(L, 2, msgStructShortData)
				}
			}
			stack = append(stack, lua.LString(data[pos:pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				raise(L, msgStructUnfinished)
			}
			size = uint64(e) + 1
			stack = append(stack, lua.LString(data[pos:pos+uint64(e)]))
		default:
			f.control(opt)
		}
		pos += size
	}
	stack = append(stack, lua.LNumber(int64(pos+1)))
	n := len(stack) - 2
	for _, v := range stack[len(stack)-max(n, 0):] {
		L.Push(v)
	}
	return max(n, 0)
}

// structInteger is getinteger: size bytes as an integer (the last 8 of them
// when there are more), sign-extended from the top bit of size bytes when
// signed (x86-64 shifts by the count modulo 64).
func structInteger(b string, little, signed bool) float64 {
	var l uint64
	size := len(b)
	for i := 0; i < size; i++ {
		j := i
		if little {
			j = size - 1 - i
		}
		l = l<<8 | uint64(b[j])
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << (uint(size*8-1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

// structSize is struct.size(fmt): the bytes pack would write, for formats
// of fixed size.
func structSize(L *lua.LState) int {
	f := newStructFormat(L)
	pos := uint64(0)
	for f.i < len(f.fmt) {
		opt := f.fmt[f.i]
		f.i++
		size := f.size(opt)
		pos += f.toAlign(pos, opt, size)
		if opt == 's' {
			argError(L, 1, msgStructSizeS)
		} else if opt == 'c' && size == 0 {
			argError(L, 1, msgStructSizeC0)
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += size
	}
	L.Push(lua.LNumber(int64(pos)))
	return 1
}

func isAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }
