package scripting

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The bit library of Redis's Lua (LuaBitOp 1.0.2): 32-bit operations on Lua
// numbers. An argument becomes 32 bits as LuaBitOp makes it: the number
// plus 2^52+2^51, whose low 32 bits are the integer rounded to nearest
// (ties to even) modulo 2^32 — so 2^32+5 is 5, 1.5 is 2 and 2.5 is 2 —,
// and results are signed: bit.bnot(0) is -1, bit.tobit(0xffffffff) is -1.

// newBit returns the bit table.
func newBit(L *lua.LState) *lua.LTable {
	shift := func(op func(b, n uint32) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			b := bitArg(L, 1)
			n := bitArg(L, 2) & 31
			return bitRet(L, op(b, n))
		}
	}
	fold := func(op func(a, b uint32) uint32) lua.LGFunction {
		return func(L *lua.LState) int {
			b := bitArg(L, 1)
			for i := L.GetTop(); i > 1; i-- {
				b = op(b, bitArg(L, i))
			}
			return bitRet(L, b)
		}
	}
	return libTable(L, map[string]lua.LGFunction{
		"tobit":  func(L *lua.LState) int { return bitRet(L, bitArg(L, 1)) },
		"bnot":   func(L *lua.LState) int { return bitRet(L, ^bitArg(L, 1)) },
		"band":   fold(func(a, b uint32) uint32 { return a & b }),
		"bor":    fold(func(a, b uint32) uint32 { return a | b }),
		"bxor":   fold(func(a, b uint32) uint32 { return a ^ b }),
		"lshift": shift(func(b, n uint32) uint32 { return b << n }),
		"rshift": shift(func(b, n uint32) uint32 { return b >> n }),
		"arshift": shift(func(b, n uint32) uint32 {
			return uint32(int32(b) >> n)
		}),
		"rol": shift(func(b, n uint32) uint32 { return b<<n | b>>(32-n) }),
		"ror": shift(func(b, n uint32) uint32 { return b<<(32-n) | b>>n }),
		"bswap": func(L *lua.LState) int {
			b := bitArg(L, 1)
			return bitRet(L, b>>24|b>>8&0xff00|b&0xff00<<8|b<<24)
		},
		"tohex": bitToHex,
	})
}

// bitArg is LuaBitOp's barg: argument n (a number or a string that reads as
// one) as 32 bits.
func bitArg(L *lua.LState, n int) uint32 {
	f, ok := toNumber(L.Get(n))
	b := uint32(math.Float64bits(f + 6755399441055744.0))
	if b == 0 && !ok {
		typeError(L, n, "number")
	}
	return b
}

// bitRet returns b as a signed 32-bit Lua number.
func bitRet(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

// bitToHex is bit.tohex(x [, n]): the low n hex digits of x (8 by
// default, at most 8), upper-case when n is negative.
func bitToHex(L *lua.LState) int {
	b := bitArg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(bitArg(L, 2))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	if n > 8 || n < 0 { // -(-2^31) overflows; Redis's build writes 8 digits
		n = 8
	}
	buf := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf))
	return 1
}
