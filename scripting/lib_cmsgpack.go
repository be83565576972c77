package scripting

import (
	"encoding/binary"
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The cmsgpack library of Redis's Lua (lua-cmsgpack 0.4.0):
// cmsgpack.pack(v1, ...) encodes each argument and concatenates them;
// cmsgpack.unpack(s) decodes every value of s; cmsgpack.unpack_one(s
// [, offset]) and cmsgpack.unpack_limit(s, limit [, offset]) decode one or
// up to limit values starting at byte offset (0-based) and return, before
// them, the offset to continue from (-1 at the end).
//
// Encoding: a number that is an integer fitting 64 bits is the smallest
// msgpack integer that holds it, any other a float 32 when that keeps it
// exactly, else a float 64; strings are str (fixstr, str 8/16/32); a table
// whose keys are exactly 1..n is an array, any other (and an empty one, an
// empty array) a map, listing its keys in the Lua table's order (gopher-lua's,
// for maps of more than one key); tables nested deeper than 16 levels,
// nil, functions and userdata are nil.
//
// Decoding: nil, booleans, integers and floats (uint 64 above 2^63-1 wraps
// to negative, as lua-cmsgpack pushes it as a signed integer), str, arrays
// and maps; bin and ext types are "Bad data format in input.", a cut value
// "Missing bytes in input.". One limit Redis does not have: a map key that
// is an integer above 65536 and above 16 times the input's length is "not
// enough memory" (gopher-lua would grow a table's array part to it). Lua 5.1's limit of 8000 values a C function
// may hold applies as in Redis ("too many return values at once; use
// unpack_one or unpack_limit instead.").

const msgpackMaxNesting = 16

func newCMsgpack(L *lua.LState) *lua.LTable {
	t := libTable(L, map[string]lua.LGFunction{
		"pack":   msgpackPack,
		"unpack": func(L *lua.LState) int { return msgpackUnpack(L, 0, 0) },
		"unpack_one": func(L *lua.LState) int {
			offset := optInteger(L, 2, 0)
			L.SetTop(1)
			return msgpackUnpack(L, 1, offset)
		},
		"unpack_limit": func(L *lua.LState) int {
			limit := checkInteger(L, 2)
			offset := optInteger(L, 3, 0)
			L.SetTop(1)
			return msgpackUnpack(L, limit, offset)
		},
	})
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return t
}

func msgpackPack(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		argError(L, 0, msgMsgpackNoInput)
	}
	var out []byte
	for i := 1; i <= n; i++ {
		out = msgpackEncode(L, out, L.Get(i), 0)
	}
	L.Push(lua.LString(out))
	return 1
}

func msgpackEncode(L *lua.LState, out []byte, v lua.LValue, level int) []byte {
	if len(out) > maxStringBytes {
		raise(L, msgNoMemory)
	}
	switch v := v.(type) {
	case lua.LString:
		return msgpackBytes(out, string(v))
	case lua.LBool:
		if v {
			return append(out, 0xc3)
		}
		return append(out, 0xc2)
	case lua.LNumber:
		f := float64(v)
		if !math.IsInf(f, 0) && float64(cLong(f)) == f {
			return msgpackInt(out, cLong(f))
		}
		if g := float32(f); float64(g) == f {
			return binary.BigEndian.AppendUint32(append(out, 0xca), math.Float32bits(g))
		}
		return binary.BigEndian.AppendUint64(append(out, 0xcb), math.Float64bits(f))
	case *lua.LTable:
		if level == msgpackMaxNesting {
			return append(out, 0xc0)
		}
		if n, ok := msgpackArrayLen(v); ok {
			out = msgpackHeader(out, 0x90, 0xdc, n)
			for j := 1; j <= n; j++ {
				out = msgpackEncode(L, out, v.RawGetInt(j), level+1)
			}
			return out
		}
		n := 0
		for k, _ := v.Next(lua.LNil); k != lua.LNil; k, _ = v.Next(k) {
			n++
		}
		out = msgpackHeader(out, 0x80, 0xde, n)
		for k, x := v.Next(lua.LNil); k != lua.LNil; k, x = v.Next(k) {
			out = msgpackEncode(L, out, k, level+1)
			out = msgpackEncode(L, out, x, level+1)
		}
		return out
	}
	return append(out, 0xc0)
}

// msgpackArrayLen is table_is_an_array: whether the keys of t are exactly
// 1..n (each a positive number that a C int holds exactly), and n.
func msgpackArrayLen(t *lua.LTable) (int, bool) {
	var count, max int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		f := float64(n)
		if !ok || f <= 0 || math.IsInf(f, 0) || float64(cInt(f)) != f {
			return 0, false
		}
		if f > float64(max) {
			max = cInt(f)
		}
		count++
	}
	return int(count), max == count
}

// msgpackHeader writes an array (fix 0x90, 16-bit 0xdc) or map (0x80, 0xde)
// header; the 32-bit forms follow the 16-bit ones.
func msgpackHeader(out []byte, fix, b16 byte, n int) []byte {
	switch {
	case n <= 15:
		return append(out, fix|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(out, b16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(out, b16+1), uint32(n))
}

func msgpackBytes(out []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		out = append(out, 0xa0|byte(n))
	case n <= 0xff:
		out = append(out, 0xd9, byte(n))
	case n <= 0xffff:
		out = binary.BigEndian.AppendUint16(append(out, 0xda), uint16(n))
	default:
		out = binary.BigEndian.AppendUint32(append(out, 0xdb), uint32(n))
	}
	return append(out, s...)
}

func msgpackInt(out []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(out, byte(n))
		case n <= 0xff:
			return append(out, 0xcc, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(out, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(out, 0xce), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(out, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(out, byte(n))
	case n >= -128:
		return append(out, 0xd0, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(out, 0xd1), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(out, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(out, 0xd3), uint64(n))
}

// msgpackReader is lua-cmsgpack's cursor, with the Lua stack use of the C
// function that Lua 5.1 bounds.
type msgpackReader struct {
	L     *lua.LState
	s     string
	p     int
	err   string
	slots int
}

func (r *msgpackReader) need(n uint64) bool {
	if uint64(len(r.s)-r.p) < n {
		r.err = msgMsgpackEOF
		return false
	}
	return true
}

// msgpackUnpack is mp_unpack_full: limit 0 and offset 0 decode everything
// and return just the values.
func msgpackUnpack(L *lua.LState, limit, offset int64) int {
	s := checkString(L, 1)
	all := limit == 0 && offset == 0
	if offset < 0 || limit < 0 {
		raise(L, fmt.Sprintf(msgMsgpackBadRequest, int32(offset), int32(len(s))))
	}
	if uint64(offset) > uint64(len(s)) {
		raise(L, fmt.Sprintf(msgMsgpackOffset, int32(offset), int32(len(s))))
	}
	if all {
		limit = math.MaxInt32
	}
	r := &msgpackReader{L: L, s: s, p: int(offset), slots: 1}
	var vals []lua.LValue
	for cnt := int64(0); r.p < len(s) && cnt < limit; cnt++ {
		v := r.value()
		if r.err != "" {
			raise(L, r.err)
		}
		vals = append(vals, v)
		r.slots++
	}
	if !all {
		next := lua.LNumber(r.p)
		if r.p == len(s) {
			next = -1
		}
		L.Push(next)
	}
	for _, v := range vals {
		L.Push(v)
	}
	if all {
		return len(vals)
	}
	return len(vals) + 1
}

// value is mp_decode_to_lua_type: one value, or r.err set.
func (r *msgpackReader) value() lua.LValue {
	if !r.need(1) {
		return lua.LNil
	}
	if r.slots+1 > luaMaxCStack {
		raise(r.L, msgMsgpackTooMany)
	}
	s, p := r.s, r.p
	c := s[p]
	switch c {
	case 0xcc:
		if r.need(2) {
			r.p += 2
			return lua.LNumber(s[p+1])
		}
	case 0xd0:
		if r.need(2) {
			r.p += 2
			return lua.LNumber(int8(s[p+1]))
		}
	case 0xcd:
		if r.need(3) {
			r.p += 3
			return lua.LNumber(binary.BigEndian.Uint16([]byte(s[p+1 : p+3])))
		}
	case 0xd1:
		if r.need(3) {
			r.p += 3
			return lua.LNumber(int16(binary.BigEndian.Uint16([]byte(s[p+1 : p+3]))))
		}
	case 0xce:
		if r.need(5) {
			r.p += 5
			return lua.LNumber(binary.BigEndian.Uint32([]byte(s[p+1 : p+5])))
		}
	case 0xd2:
		if r.need(5) {
			r.p += 5
			return lua.LNumber(int32(binary.BigEndian.Uint32([]byte(s[p+1 : p+5]))))
		}
	case 0xcf, 0xd3:
		// Both are pushed as a signed 64-bit integer.
		if r.need(9) {
			r.p += 9
			return lua.LNumber(int64(binary.BigEndian.Uint64([]byte(s[p+1 : p+9]))))
		}
	case 0xc0:
		r.p++
		return lua.LNil
	case 0xc3:
		r.p++
		return lua.LTrue
	case 0xc2:
		r.p++
		return lua.LFalse
	case 0xca:
		if r.need(5) {
			r.p += 5
			return lua.LNumber(math.Float32frombits(binary.BigEndian.Uint32([]byte(s[p+1 : p+5]))))
		}
	case 0xcb:
		if r.need(9) {
			r.p += 9
			return lua.LNumber(math.Float64frombits(binary.BigEndian.Uint64([]byte(s[p+1 : p+9]))))
		}
	case 0xd9:
		if r.need(2) {
			return r.str(2, uint64(s[p+1]))
		}
	case 0xda:
		if r.need(3) {
			return r.str(3, uint64(binary.BigEndian.Uint16([]byte(s[p+1:p+3]))))
		}
	case 0xdb:
		if r.need(5) {
			return r.str(5, uint64(binary.BigEndian.Uint32([]byte(s[p+1:p+5]))))
		}
	case 0xdc:
		if r.need(3) {
			r.p += 3
			return r.array(uint64(binary.BigEndian.Uint16([]byte(s[p+1 : p+3]))))
		}
	case 0xdd:
		if r.need(5) {
			r.p += 5
			return r.array(uint64(binary.BigEndian.Uint32([]byte(s[p+1 : p+5]))))
		}
	case 0xde:
		if r.need(3) {
			r.p += 3
			return r.hash(uint64(binary.BigEndian.Uint16([]byte(s[p+1 : p+3]))))
		}
	case 0xdf:
		if r.need(5) {
			r.p += 5
			return r.hash(uint64(binary.BigEndian.Uint32([]byte(s[p+1 : p+5]))))
		}
	default:
		switch {
		case c&0x80 == 0:
			r.p++
			return lua.LNumber(c)
		case c&0xe0 == 0xe0:
			r.p++
			return lua.LNumber(int8(c))
		case c&0xe0 == 0xa0:
			return r.str(1, uint64(c&0x1f))
		case c&0xf0 == 0x90:
			r.p++
			return r.array(uint64(c & 0xf))
		case c&0xf0 == 0x80:
			r.p++
			return r.hash(uint64(c & 0xf))
		}
		r.err = msgMsgpackBadFormat
	}
	return lua.LNil
}

// str reads a string of n bytes after a header of h bytes.
func (r *msgpackReader) str(h int, n uint64) lua.LValue {
	if uint64(len(r.s)-r.p-h) < n {
		r.err = msgMsgpackEOF
		return lua.LNil
	}
	start := r.p + h
	r.p = start + int(n)
	return lua.LString(r.s[start:r.p])
}

func (r *msgpackReader) array(n uint64) lua.LValue {
	t := r.L.NewTable()
	r.slots++
	defer func() { r.slots-- }()
	if r.slots+1 > luaMaxCStack {
		raise(r.L, msgMsgpackArrayStack)
	}
	for i := uint64(1); i <= n; i++ {
		r.slots++ // the index
		v := r.value()
		r.slots--
		if r.err != "" {
			return t
		}
		if v != lua.LNil {
			t.RawSetInt(int(i), v)
		}
	}
	return t
}

func (r *msgpackReader) hash(n uint64) lua.LValue {
	t := r.L.NewTable()
	r.slots++
	defer func() { r.slots-- }()
	for ; n > 0; n-- {
		k := r.value()
		if r.err != "" {
			return t
		}
		r.slots++
		v := r.value()
		r.slots--
		if r.err != "" {
			return t
		}
		switch kn := k.(type) {
		case *lua.LNilType:
			r.L.Error(lua.LString(msgTableIndexNil), 0)
		case lua.LNumber:
			f := float64(kn)
			if math.IsNaN(f) {
				r.L.Error(lua.LString(msgTableIndexNaN), 0)
			}
			// gopher-lua keeps integer keys below 2^26 in an array
			// that it grows to the key: a 7-byte map {[2^26-1]=1}
			// would allocate a gigabyte. Keys that would grow it
			// far beyond the input's size are refused.
			if f == math.Trunc(f) && f > float64(max(1<<16, 16*len(r.s))) && f < float64(lua.MaxArrayIndex) {
				raise(r.L, msgNoMemory)
			}
		}
		t.RawSet(k, v)
	}
	return t
}
