package scripting

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The argument checks of Lua 5.1's C API (lauxlib), as the C libraries Redis
// ships (cjson, cmsgpack, bit, struct) use them: a string that reads as a
// number is a number and a number is a string, and the messages are
// lauxlib's ("bad argument #1 to 'tobit' (number expected, got no value)"),
// with the position of the Lua code that called the function in front.

// openLibs adds the cjson, cmsgpack, bit and struct libraries to the
// globals of L, as Redis 7.0's scripting engine does.
func openLibs(L *lua.LState, G *lua.LTable) {
	null := L.NewUserData()
	G.RawSetString("cjson", newCJSON(L, null))
	G.RawSetString("cmsgpack", newCMsgpack(L))
	G.RawSetString("bit", newBit(L))
	G.RawSetString("struct", newStruct(L))
}

// libTable returns a table of the functions fns.
func libTable(L *lua.LState, fns map[string]lua.LGFunction) *lua.LTable {
	t := L.CreateTable(0, len(fns)+4)
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

// raise fails the running Go function with msg as luaL_error does: the
// position of the Lua function that called it in front ("user_script:3: "),
// none when a Go function (pcall) called it.
func raise(L *lua.LState, msg string) {
	L.Error(lua.LString(where(L, 1)+msg), 0)
}

// argError is luaL_argerror: "bad argument #n to 'name' (msg)", name being
// how the caller named the function ("?" when it has no name, as when
// pcall calls it).
func argError(L *lua.LState, n int, msg string) {
	name := "?"
	if dbg, ok := L.GetStack(0); ok {
		if _, err := L.GetInfo("n", dbg, lua.LNil); err == nil && dbg.Name != "" &&
			dbg.Name != "?" && dbg.Name != "(anonymous)" && !strings.HasPrefix(dbg.Name, "<") {
			name = dbg.Name
		}
	}
	raise(L, fmt.Sprintf(msgBadArgument, n, name, msg))
}

// typeError is luaL_typerror: "<want> expected, got <type>".
func typeError(L *lua.LState, n int, want string) {
	argError(L, n, fmt.Sprintf(msgTypeError, want, typeName(L, n)))
}

// typeName is luaL_typename: the type of argument n, "no value" past the
// last.
func typeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return luaTypeName(L.Get(n))
}

// toNumber is lua_tonumber: a number, or a string that reads as one
// (luaO_str2d: C's strtod, a hexadecimal integer, surrounding spaces).
func toNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		return str2d(string(v))
	}
	return 0, false
}

// str2d is Lua 5.1's luaO_str2d over C strings: the text stops at its first
// NUL byte, and it must be a whole number with spaces around it.
func str2d(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	f, n := strtod(s)
	if n == 0 {
		return 0, false
	}
	for ; n < len(s); n++ {
		if !isSpace(s[n]) {
			return 0, false
		}
	}
	return f, true
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// strtod reads the longest prefix of s that C's strtod (glibc) reads: spaces,
// a sign, then a decimal number with an optional exponent, a hexadecimal
// one ("0x1.8p3"), "inf", "infinity" or "nan" (with a "(chars)" suffix),
// case-insensitively. It returns the value and the bytes read, 0 if none.
func strtod(s string) (float64, int) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := strings.ToLower(s[i:min(len(s), i+8)])
	switch {
	case strings.HasPrefix(rest, "infinity"):
		return sign(math.Inf(1)), i + 8
	case strings.HasPrefix(rest, "inf"):
		return sign(math.Inf(1)), i + 3
	case strings.HasPrefix(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			j := n + 1
			for j < len(s) && (isDigit(s[j]) || s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z' || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				n = j + 1
			}
		}
		return sign(cNaN), n
	}
	if i+1 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' {
		j := i + 2
		digits := 0
		for j < len(s) && isHexDigit(s[j]) {
			j++
			digits++
		}
		if j < len(s) && s[j] == '.' {
			j++
			for j < len(s) && isHexDigit(s[j]) {
				j++
				digits++
			}
		}
		if digits > 0 {
			mant := s[i+2 : j]
			exp := "p0"
			if j < len(s) && s[j]|0x20 == 'p' {
				k := j + 1
				if k < len(s) && (s[k] == '+' || s[k] == '-') {
					k++
				}
				if k < len(s) && isDigit(s[k]) {
					for k < len(s) && isDigit(s[k]) {
						k++
					}
					exp = "p" + s[j+1:k]
					j = k
				}
			}
			if strings.HasPrefix(mant, ".") {
				mant = "0" + mant
			}
			f, err := strconv.ParseFloat("0x"+mant+exp, 64)
			if err != nil && !isRange(err) {
				return 0, 0
			}
			return sign(f), j
		}
		// "0x" without digits reads as the 0 before the x.
		return sign(0), i + 1
	}
	j := i
	digits := 0
	for j < len(s) && isDigit(s[j]) {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	if j < len(s) && s[j]|0x20 == 'e' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			j = k
		}
	}
	f, err := strconv.ParseFloat(s[i:j], 64)
	if err != nil && !isRange(err) {
		return 0, 0
	}
	return sign(f), j
}

// cNaN is the NaN glibc's strtod returns: quiet, no payload (Go's
// math.NaN has one, which LuaBitOp's conversion would see).
var cNaN = math.Float64frombits(0x7FF8000000000000)

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, n int) float64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	return f
}

// cLong converts f to a C long as x86-64 does (cvttsd2si): truncated, and
// the "integer indefinite" value, the smallest long, when out of range or
// NaN.
func cLong(f float64) int64 {
	if f >= -9223372036854775808.0 && f < 9223372036854775808.0 {
		return int64(f)
	}
	return math.MinInt64
}

// cULong converts f to a C unsigned long as gcc does on x86-64: below 2^63
// as a long, from 2^63 up by subtracting 2^63 first.
func cULong(f float64) uint64 {
	if !(f >= 9223372036854775808.0) {
		return uint64(cLong(f))
	}
	return uint64(cLong(f-9223372036854775808.0)) ^ 1<<63
}

// cInt converts f to a C int as x86-64 does: truncated, the smallest int
// when out of range or NaN.
func cInt(f float64) int32 {
	if f > -2147483649.0 && f < 2147483648.0 {
		return int32(f)
	}
	return math.MinInt32
}

// checkInteger is luaL_checkinteger: a number (or numeric string) as a C
// long.
func checkInteger(L *lua.LState, n int) int64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	return cLong(f)
}

// optInteger is luaL_optinteger: def when argument n is none or nil.
func optInteger(L *lua.LState, n int, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInteger(L, n)
}

// checkString is luaL_checklstring: a string, or a number as its text.
func checkString(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return formatNumber(v)
	}
	typeError(L, n, "string")
	return ""
}
