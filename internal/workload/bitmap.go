package workload

import "strconv"

// The bitmap family: random SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
// BITFIELD and BITFIELD_RO over the generator's keys (strings written by the
// other families too, so integers and WRONGTYPE paths come up), and
// hand-written cases for every command and its errors.

func init() {
	Register("bitmaps", (*Gen).BitmapCommand)
	RegisterCases("bitmaps", BitmapCases)
}

// bitOffset returns a bit offset: mostly within a few bytes, sometimes a
// few kilobytes out, sometimes invalid.
func (w *Gen) bitOffset() string {
	switch w.r.IntN(12) {
	case 0:
		return strconv.Itoa(w.r.IntN(40000))
	case 1:
		return []string{"-1", "x", "4294967296", "18446744073709551616", ""}[w.r.IntN(5)]
	default:
		return strconv.Itoa(w.r.IntN(64))
	}
}

// bitIndex returns a start or end of BITCOUNT or BITPOS.
func (w *Gen) bitIndex() string {
	switch w.r.IntN(10) {
	case 0:
		return []string{"9223372036854775807", "-9223372036854775808", "x"}[w.r.IntN(3)]
	default:
		return strconv.Itoa(w.r.IntN(80) - 40)
	}
}

func (w *Gen) bitUnit() []string {
	switch w.r.IntN(5) {
	case 0, 1:
		return nil
	case 2:
		return []string{"BYTE"}
	case 3:
		return []string{"BIT"}
	}
	return []string{[]string{"bit", "byte", "BITS"}[w.r.IntN(3)]}
}

// bitFieldOps returns one to four BITFIELD sub-operations.
func (w *Gen) bitFieldOps(readOnly bool) []string {
	var out []string
	for n := 1 + w.r.IntN(4); n > 0; n-- {
		typ := "u"
		bits := 1 + w.r.IntN(63)
		if w.r.IntN(2) == 0 {
			typ = "i"
			bits = 1 + w.r.IntN(64)
		}
		if w.r.IntN(20) == 0 {
			bits = []int{0, 64, 65}[w.r.IntN(3)]
		}
		t := typ + strconv.Itoa(bits)
		off := strconv.Itoa(w.r.IntN(100))
		if w.r.IntN(4) == 0 {
			off = "#" + strconv.Itoa(w.r.IntN(5))
		}
		val := []string{"0", "1", "-1", "100", "-100", "9223372036854775807", "-9223372036854775808", strconv.Itoa(w.r.IntN(1 << 20))}[w.r.IntN(8)]
		op := w.r.IntN(5)
		if readOnly && w.r.IntN(8) != 0 {
			op = 0
		}
		switch op {
		case 0, 1:
			out = append(out, "GET", t, off)
		case 2:
			out = append(out, "SET", t, off, val)
		case 3:
			out = append(out, "INCRBY", t, off, val)
		case 4:
			out = append(out, "OVERFLOW", []string{"WRAP", "SAT", "FAIL", "sat"}[w.r.IntN(4)])
		}
	}
	return out
}

// BitmapCommand returns a random bitmap command.
func (w *Gen) BitmapCommand() []string {
	k := w.key()
	switch w.r.IntN(16) {
	case 0, 1, 2:
		return []string{"SETBIT", k, w.bitOffset(), []string{"0", "1", "1", "2"}[w.r.IntN(4)]}
	case 3:
		return []string{"GETBIT", k, w.bitOffset()}
	case 4, 5:
		if w.r.IntN(4) == 0 {
			return []string{"BITCOUNT", k}
		}
		return append([]string{"BITCOUNT", k, w.bitIndex(), w.bitIndex()}, w.bitUnit()...)
	case 6, 7:
		args := []string{"BITPOS", k, []string{"0", "1", "1", "0", "2"}[w.r.IntN(5)]}
		switch w.r.IntN(4) {
		case 0:
			return args
		case 1:
			return append(args, w.bitIndex())
		}
		return append(append(args, w.bitIndex(), w.bitIndex()), w.bitUnit()...)
	case 8, 9:
		op := []string{"AND", "OR", "XOR", "NOT", "and"}[w.r.IntN(5)]
		srcs := []string{w.key()}
		if op != "NOT" || w.r.IntN(8) == 0 {
			for n := w.r.IntN(3); n > 0; n-- {
				srcs = append(srcs, w.key())
			}
		}
		return append([]string{"BITOP", op, k}, srcs...)
	case 10, 11, 12:
		return append([]string{"BITFIELD", k}, w.bitFieldOps(false)...)
	case 13:
		return append([]string{"BITFIELD_RO", k}, w.bitFieldOps(true)...)
	case 14:
		return []string{"SET", k, w.str()}
	default:
		return []string{"GET", k}
	}
}

// BitmapCases returns the cases of the bitmap commands.
func BitmapCases() [][]string {
	return [][]string{
		// SETBIT and GETBIT: offsets, values, encodings, other types.
		{"SETBIT", "b", "7", "1"}, {"GET", "b"}, {"OBJECT", "ENCODING", "b"}, {"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "0"},
		{"SETBIT", "b", "100", "1"}, {"STRLEN", "b"}, {"GETBIT", "b", "100"}, {"GETBIT", "b", "101"}, {"GETBIT", "b", "100000"},
		{"SETBIT", "b", "-1", "1"}, {"SETBIT", "b", "4294967296", "1"}, {"SETBIT", "b", "x", "1"}, {"SETBIT", "b", "+1", "1"},
		{"SETBIT", "b", "-0", "1"}, {"SETBIT", "b", "1", "2"}, {"SETBIT", "b", "1", "-1"}, {"SETBIT", "b", "1", "01"},
		{"SETBIT", "b", "1", "x"}, {"SETBIT", "b", "1", ""}, {"SETBIT", "b", "", "1"}, {"SETBIT", "b", "x", "2"},
		{"SETBIT", "b", "99999999999999999999", "1"}, {"SETBIT", "b"}, {"SETBIT", "b", "1"}, {"SETBIT", "b", "1", "1", "1"},
		{"GETBIT", "b", "-1"}, {"GETBIT", "b", "4294967296"}, {"GETBIT", "b", "4294967295"}, {"GETBIT", "b", "x"},
		{"GETBIT", "nokey", "3"}, {"GETBIT", "b"}, {"GETBIT", "b", "1", "2"},
		{"SET", "n", "123"}, {"OBJECT", "ENCODING", "n"}, {"GETBIT", "n", "2"}, {"GETBIT", "n", "7"}, {"SETBIT", "n", "0", "0"},
		{"OBJECT", "ENCODING", "n"}, {"GET", "n"}, {"SET", "e", "abc"}, {"SETBIT", "e", "0", "0"}, {"OBJECT", "ENCODING", "e"},
		{"SETBIT", "new0", "15", "0"}, {"GET", "new0"}, {"OBJECT", "ENCODING", "new0"}, {"SETBIT", "ttl", "1", "1"},
		{"EXPIRE", "ttl", "1000"}, {"SETBIT", "ttl", "2", "1"}, {"TTL", "ttl"},
		{"RPUSH", "l", "a"}, {"SETBIT", "l", "0", "1"}, {"GETBIT", "l", "0"}, {"SETBIT", "l", "-1", "1"}, {"GETBIT", "l", "-1"},
		{"SETBIT", "l", "0", "5"},

		// BITCOUNT: byte and bit ranges, negative indexes, argument order.
		{"SET", "s", "foobar"}, {"BITCOUNT", "s"}, {"BITCOUNT", "s", "0", "0"}, {"BITCOUNT", "s", "1", "1"},
		{"BITCOUNT", "s", "1", "-1"}, {"BITCOUNT", "s", "-2", "-1"}, {"BITCOUNT", "s", "-1", "-2"}, {"BITCOUNT", "s", "5", "3"},
		{"BITCOUNT", "s", "-100", "100"}, {"BITCOUNT", "s", "100", "200"}, {"BITCOUNT", "s", "0", "-100"},
		{"BITCOUNT", "s", "5", "30", "BIT"}, {"BITCOUNT", "s", "0", "-1", "bit"}, {"BITCOUNT", "s", "-5", "-1", "BIT"},
		{"BITCOUNT", "s", "1", "1", "BYTE"}, {"BITCOUNT", "s", "3", "3", "bit"}, {"BITCOUNT", "s", "9", "14", "BIT"},
		{"BITCOUNT", "s", "0", "9223372036854775807", "BIT"}, {"BITCOUNT", "s", "-9223372036854775808", "-1", "BIT"},
		{"BITCOUNT", "s", "9223372036854775807", "9223372036854775807", "BIT"}, {"BITCOUNT", "s", "-9223372036854775808", "-9223372036854775808"},
		{"BITCOUNT", "s", "1"}, {"BITCOUNT", "s", "1", "2", "3"}, {"BITCOUNT", "s", "1", "2", "BIT", "x"}, {"BITCOUNT", "s", "1", "2", ""},
		{"BITCOUNT", "s", "a", "1"}, {"BITCOUNT", "s", "1", "a"}, {"BITCOUNT", "s", "x", "1", "foo"}, {"BITCOUNT", "s", "-1", "-2", "foo"},
		{"BITCOUNT", "s", "1", "2", "foo"}, {"BITCOUNT", "nokey"}, {"BITCOUNT", "nokey", "1"}, {"BITCOUNT", "nokey", "1", "x"},
		{"BITCOUNT", "nokey", "0", "1", "foo"}, {"BITCOUNT", "l"}, {"BITCOUNT", "l", "x", "1"}, {"BITCOUNT", "l", "0", "1", "foo"},
		{"BITCOUNT"}, {"SET", "empty", ""}, {"BITCOUNT", "empty"}, {"BITCOUNT", "empty", "0", "-1"}, {"BITCOUNT", "empty", "0", "-1", "BIT"},
		{"BITCOUNT", "n"}, {"BITCOUNT", "n", "1", "1"},

		// BITPOS: the end rule, clear bits past the end, bit ranges.
		{"SET", "ones", "\xff\xff\xff"}, {"BITPOS", "ones", "0"}, {"BITPOS", "ones", "0", "1"}, {"BITPOS", "ones", "0", "0", "-1"},
		{"BITPOS", "ones", "1"}, {"BITPOS", "ones", "0", "0", "-1", "BIT"}, {"BITPOS", "ones", "0", "-1"},
		{"SET", "z", "\x00\x00\x00"}, {"BITPOS", "z", "1"}, {"BITPOS", "z", "0"}, {"BITPOS", "z", "1", "1"}, {"BITPOS", "z", "0", "2"},
		{"SET", "p", "\x00\xff\xf0"}, {"BITPOS", "p", "1"}, {"BITPOS", "p", "0"}, {"BITPOS", "p", "1", "2"}, {"BITPOS", "p", "1", "2", "-1"},
		{"BITPOS", "p", "0", "1", "-1"}, {"BITPOS", "p", "0", "8", "-1", "BIT"}, {"BITPOS", "p", "0", "8", "19", "BIT"},
		{"BITPOS", "p", "0", "8", "20", "BIT"}, {"BITPOS", "p", "1", "3", "7", "BIT"}, {"BITPOS", "p", "1", "7", "9", "bit"},
		{"BITPOS", "p", "1", "-3", "-1", "BIT"}, {"BITPOS", "p", "0", "-3", "-1", "BIT"}, {"BITPOS", "p", "1", "5", "2"},
		{"BITPOS", "p", "1", "0", "0", "BYTE"}, {"BITPOS", "p", "0", "9223372036854775807"}, {"BITPOS", "p", "0", "-9223372036854775808"},
		{"BITPOS", "p", "1", "0", "9223372036854775807", "BIT"}, {"BITPOS", "p", "0", "16", "9223372036854775807", "BIT"},
		{"BITPOS", "p", "2"}, {"BITPOS", "p", "-1"}, {"BITPOS", "p", "x"}, {"BITPOS", "p", "01"}, {"BITPOS", "p", "1", "x"},
		{"BITPOS", "p", "1", "0", "x"}, {"BITPOS", "p", "1", "0", "1", "x"}, {"BITPOS", "p", "1", "x", "1", "BIT"},
		{"BITPOS", "p", "1", "0", "x", "BIT"}, {"BITPOS", "p", "1", "0", "x", "foo"}, {"BITPOS", "p", "1", "1", "2", "3", "4"},
		{"BITPOS", "p", "1", "0", "1", ""}, {"BITPOS", "nokey", "1"}, {"BITPOS", "nokey", "0"}, {"BITPOS", "nokey", "2"},
		{"BITPOS", "nokey", "1", "x"}, {"BITPOS", "nokey", "0", "0", "1", "foo"}, {"BITPOS", "l", "1"}, {"BITPOS", "l", "2"},
		{"BITPOS", "l", "1", "x"}, {"BITPOS", "empty", "0"}, {"BITPOS", "empty", "1"}, {"BITPOS", "empty", "0", "0", "-1"},
		{"BITPOS", "empty", "0", "0"}, {"BITPOS", "n", "0"}, {"BITPOS", "n", "1", "1"}, {"BITPOS"}, {"BITPOS", "p"},

		// BITOP: lengths, missing keys, NOT, the destination.
		{"SET", "a", "\xf0\x0f\xaa"}, {"SET", "c", "\xff"}, {"BITOP", "AND", "d", "a", "c"}, {"GET", "d"}, {"OBJECT", "ENCODING", "d"},
		{"BITOP", "OR", "d", "a", "c"}, {"GET", "d"}, {"BITOP", "XOR", "d", "a", "c", "a"}, {"GET", "d"},
		{"BITOP", "NOT", "d", "a"}, {"GET", "d"}, {"BITOP", "not", "d", "c"}, {"GET", "d"}, {"BITOP", "and", "d", "a", "nokey"}, {"GET", "d"},
		{"BITOP", "OR", "d", "nokey", "a"}, {"GET", "d"}, {"EXPIRE", "d", "100"}, {"BITOP", "OR", "d", "a"}, {"TTL", "d"},
		{"BITOP", "AND", "d", "nokey", "nokey2"}, {"EXISTS", "d"}, {"BITOP", "AND", "d", "nokey"}, {"EXISTS", "d"},
		{"BITOP", "OR", "d", "empty"}, {"EXISTS", "d"}, {"BITOP", "OR", "l", "a"}, {"TYPE", "l"}, {"GET", "l"},
		{"RPUSH", "l", "a"}, {"BITOP", "OR", "d", "a", "l"}, {"BITOP", "OR", "a", "a", "n"}, {"GET", "a"},
		{"BITOP", "NOT", "d", "a", "c"}, {"BITOP", "NOT", "d", "l", "c"}, {"BITOP", "FOO", "d", "a"}, {"BITOP", "AN", "d", "a"},
		{"BITOP", "", "d", "a"}, {"BITOP", "AND", "d"}, {"BITOP", "NOT", "d"}, {"BITOP", "AND"}, {"BITOP", "XOR", "x", "x"},
		{"EXISTS", "x"}, {"SET", "big", "0123456789abcdefghijklmnopqrstuvwxyz"}, {"BITOP", "XOR", "d", "big", "a", "big"}, {"GET", "d"},
		{"BITOP", "NOT", "d", "big"}, {"GET", "d"}, {"BITOP", "AND", "d", "big", "big"}, {"GET", "d"},

		// BITFIELD: types, offsets, overflow modes, several operations.
		{"BITFIELD", "f", "SET", "i8", "0", "100"}, {"BITFIELD", "f", "GET", "i8", "0"}, {"GET", "f"}, {"OBJECT", "ENCODING", "f"},
		{"BITFIELD", "f", "INCRBY", "i8", "0", "27"}, {"BITFIELD", "f", "INCRBY", "i8", "0", "1"},
		{"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100", "INCRBY", "i8", "0", "-1000"},
		{"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "1000", "GET", "i8", "0", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "300"},
		{"BITFIELD", "f", "SET", "u8", "#1", "255", "GET", "u4", "#2", "GET", "u4", "#3", "INCRBY", "u8", "#1", "1"},
		{"BITFIELD", "f", "OVERFLOW", "SAT", "SET", "u8", "8", "1000", "SET", "i8", "8", "-1000", "GET", "u8", "8"},
		{"BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "8", "256", "SET", "u8", "8", "-1", "SET", "i4", "8", "8", "SET", "i4", "8", "-9"},
		{"BITFIELD", "f", "SET", "u8", "8", "256", "SET", "u8", "8", "-1", "GET", "u8", "8"},
		{"BITFIELD", "f", "SET", "i64", "0", "-9223372036854775808", "GET", "i64", "0", "INCRBY", "i64", "0", "-1", "GET", "u63", "0"},
		{"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"},
		{"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1", "INCRBY", "i64", "0", "-9223372036854775808"},
		{"BITFIELD", "f", "SET", "u63", "1", "9223372036854775807", "INCRBY", "u63", "1", "1", "OVERFLOW", "SAT", "INCRBY", "u63", "1", "-1",
			"INCRBY", "u63", "1", "9223372036854775807", "INCRBY", "u63", "1", "-9223372036854775808"},
		{"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u63", "1", "-9223372036854775808", "SET", "u63", "1", "-1", "GET", "i64", "0"},
		{"BITFIELD", "f", "SET", "u1", "5", "1", "SET", "i1", "6", "1", "GET", "i1", "5", "INCRBY", "i1", "6", "1", "INCRBY", "u1", "6", "3"},
		{"BITFIELD", "f", "GET", "u8", "1000", "GET", "i64", "4294967231", "GET", "u63", "#68174084"}, {"STRLEN", "f"},
		{"BITFIELD", "f", "SET", "i5", "3", "7", "GET", "i5", "3", "GET", "u16", "0"}, {"GET", "f"},
		{"BITFIELD", "f", "GET", "u8", "#2305843009213693952"}, {"BITFIELD", "f", "GET", "i64", "#67108863"},
		{"BITFIELD", "f", "GET", "i64", "#67108864"}, {"BITFIELD", "f", "GET", "u8", "4294967296"}, {"BITFIELD", "f", "GET", "u8", "-1"},
		{"BITFIELD", "f", "GET", "u8", "#-1"}, {"BITFIELD", "f", "GET", "u8", "#"}, {"BITFIELD", "f", "GET", "u8", "##1"},
		{"BITFIELD", "f", "GET", "u8", "+1"}, {"BITFIELD", "f", "GET", "u8", ""}, {"BITFIELD", "f", "GET", "u0", "0"},
		{"BITFIELD", "f", "GET", "u64", "0"}, {"BITFIELD", "f", "GET", "i65", "0"}, {"BITFIELD", "f", "GET", "I8", "0"},
		{"BITFIELD", "f", "GET", "i08", "0"}, {"BITFIELD", "f", "GET", "i+8", "0"}, {"BITFIELD", "f", "GET", "i", "0"},
		{"BITFIELD", "f", "GET", "", "0"}, {"BITFIELD", "f", "GET", "x8", "0"}, {"BITFIELD", "f", "GET", "u-1", "0"},
		{"BITFIELD", "f", "SET", "u8", "0", "x"}, {"BITFIELD", "f", "SET", "u8", "0", "9223372036854775808"},
		{"BITFIELD", "f", "INCRBY", "u8", "0", ""}, {"BITFIELD", "f", "OVERFLOW", "FOO", "GET", "u8", "0"},
		{"BITFIELD", "f", "OVERFLOW"}, {"BITFIELD", "f", "GET", "u8"}, {"BITFIELD", "f", "SET", "u8", "0"},
		{"BITFIELD", "f", "INCRBY", "u8", "0"}, {"BITFIELD", "f", "FOO"}, {"BITFIELD", "f", "GET", "u8", "0", "FOO"},
		{"BITFIELD", "f", "GET", "u8", "0", "OVERFLOW", "BAD", "GET", "u99", "0"}, {"BITFIELD", "f", "GET", "u99", "0", "OVERFLOW", "BAD"},
		{"BITFIELD", "f", "GET", "u8", "x", "GET", "u99", "0"}, {"BITFIELD", "f", "SET", "u8", "0", "x", "GET", "u99", "0"},
		{"BITFIELD", "f"}, {"BITFIELD", "f", "OVERFLOW", "WRAP"}, {"BITFIELD", "f", "get", "u8", "0", "overflow", "fail", "incrby", "u8", "0", "1"},
		{"BITFIELD", "nokey", "GET", "u8", "0"}, {"EXISTS", "nokey"}, {"BITFIELD", "nokey"}, {"BITFIELD", "fail", "OVERFLOW", "FAIL", "INCRBY", "u8", "16", "300"},
		{"EXISTS", "fail"}, {"GET", "fail"}, {"BITFIELD", "fail", "OVERFLOW", "FAIL", "INCRBY", "u8", "40", "300", "SET", "u8", "0", "0"}, {"GET", "fail"},
		{"BITFIELD", "l", "GET", "u8", "0"}, {"BITFIELD", "l", "SET", "u8", "0", "1"}, {"BITFIELD", "l", "GET", "u99", "0"},
		{"BITFIELD", "l"}, {"BITFIELD", "n", "GET", "u8", "0", "INCRBY", "u8", "0", "1"}, {"GET", "n"}, {"OBJECT", "ENCODING", "n"},
		{"BITFIELD", "f", "SET", "u8", "4294967296", "1"}, {"BITFIELD", "f", "INCRBY", "u8", "#536870912", "1"},
		{"BITFIELD"},

		// BITFIELD_RO: GET only.
		{"BITFIELD_RO", "f", "GET", "u8", "0", "GET", "i16", "#1"}, {"BITFIELD_RO", "f", "SET", "u8", "0", "1"},
		{"BITFIELD_RO", "f", "GET", "u8", "0", "INCRBY", "u8", "0", "1"}, {"BITFIELD_RO", "f", "OVERFLOW", "FAIL", "GET", "u8", "0"},
		{"BITFIELD_RO", "f", "OVERFLOW", "BAD"}, {"BITFIELD_RO", "f", "SET", "u8", "0", "1", "GET", "u99", "0"},
		{"BITFIELD_RO", "l", "GET", "u8", "0"}, {"BITFIELD_RO", "l", "SET", "u8", "0", "1"}, {"BITFIELD_RO", "nokey", "GET", "u8", "0"},
		{"BITFIELD_RO", "nokey", "SET", "u8", "0", "1"}, {"EXISTS", "nokey"}, {"BITFIELD_RO", "f"}, {"BITFIELD_RO", "f", "FOO"}, {"BITFIELD_RO"},
		{"BITFIELD_RO", "f", "GET", "u64", "0"},
	}
}
