package workload

import (
	"strconv"
	"strings"
)

// The HyperLogLog family: PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST.
// Their values are strings laid out as Redis lays them out, so the cases
// GET them and the differential tests compare the bytes: sparse, at the
// promotion to dense, dense, merged, with the cached count written by
// PFCOUNT, and corrupted by hand (SET, SETRANGE, APPEND).

func init() {
	Register("hll", (*Gen).HLLCommand)
	RegisterCases("hll", HLLCases)
}

// hllElements returns n elements named from base.
func hllElements(base, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "el:" + strconv.Itoa(base+i)
	}
	return out
}

// HLLCommand returns a random HyperLogLog command.
func (w *Gen) HLLCommand() []string {
	k := w.key()
	switch w.r.IntN(12) {
	case 0, 1, 2:
		n := 1 + w.r.IntN(4)
		args := []string{"PFADD", k}
		for i := 0; i < n; i++ {
			args = append(args, w.str())
		}
		return args
	case 3:
		// A batch large enough to promote a sparse value to dense.
		return append([]string{"PFADD", k}, hllElements(w.r.IntN(5000), []int{50, 400, 1500}[w.r.IntN(3)])...)
	case 4:
		return []string{"PFADD", k}
	case 5, 6:
		return []string{"PFCOUNT", k}
	case 7:
		return []string{"PFCOUNT", k, w.key()}
	case 8:
		return []string{"PFMERGE", k, w.key(), w.key()}
	case 9:
		return []string{"PFDEBUG", []string{"TODENSE", "ENCODING", "DECODE"}[w.r.IntN(3)], k}
	case 10:
		return []string{"GET", k}
	default:
		return []string{"STRLEN", k}
	}
}

// hllSparse builds a sparse value with the given cached-count bytes and
// opcodes, as a hand-corrupted value would be SET.
func hllSparse(card, ops string) string {
	return "HYLL\x01\x00\x00\x00" + card + ops
}

// HLLCases returns the cases of the HyperLogLog commands.
func HLLCases() [][]string {
	noCache := "\x00\x00\x00\x00\x00\x00\x00\x80"
	cs := [][]string{
		// PFADD and PFCOUNT on small (sparse) values; the cache in the bytes.
		{"PFADD", "h1", "a", "b", "c"}, {"GET", "h1"}, {"PFADD", "h1", "a"}, {"PFADD", "h1", "a", "d"}, {"GET", "h1"},
		{"PFADD", "h2"}, {"GET", "h2"}, {"PFADD", "h2"}, {"PFCOUNT", "h2"}, {"GET", "h2"},
		{"PFCOUNT", "h1"}, {"GET", "h1"}, {"PFCOUNT", "h1"}, {"PFADD", "h1", "e"}, {"GET", "h1"}, {"PFCOUNT", "h1"},
		{"PFCOUNT", "h1", "h2"}, {"PFCOUNT", "nokey"}, {"PFCOUNT", "nokey", "h1"}, {"PFCOUNT", "nokey", "nokey2"},
		{"PFCOUNT", "h1", "h1"}, {"EXISTS", "nokey"},
		{"TYPE", "h1"}, {"OBJECT", "ENCODING", "h1"}, {"STRLEN", "h1"}, {"PFADD", "h1", ""}, {"PFADD", "h1", "a\x00b", "\xff"},
		{"PFDEBUG", "ENCODING", "h1"}, {"PFDEBUG", "DECODE", "h1"}, {"PFDEBUG", "decode", "h2"},
		// A SET value is an HLL once it has the layout; PFADD makes it raw.
		{"SET", "copy", hllSparse(noCache, "\x7f\xff")}, {"OBJECT", "ENCODING", "copy"}, {"PFCOUNT", "copy"},
		{"OBJECT", "ENCODING", "copy"}, {"GET", "copy"}, {"PFADD", "copy", "x"}, {"GET", "copy"},
		// TTLs survive the in-place writes.
		{"EXPIRE", "h1", "1000"}, {"PFADD", "h1", "ttl1", "ttl2"}, {"TTL", "h1"}, {"PFCOUNT", "h1"}, {"TTL", "h1"},
		{"PFMERGE", "h1", "h2"}, {"TTL", "h1"}, {"PFDEBUG", "TODENSE", "h1"}, {"TTL", "h1"},
		// Arity and types.
		{"PFADD"}, {"PFCOUNT"}, {"PFMERGE"}, {"PFSELFTEST", "x"}, {"PFDEBUG", "ENCODING"}, {"PFDEBUG", "ENCODING", "h1", "x"},
		{"SET", "str", "hello"}, {"PFADD", "str", "x"}, {"PFCOUNT", "str"}, {"PFCOUNT", "h1", "str"}, {"PFCOUNT", "nokey", "str"},
		{"PFMERGE", "str", "h1"}, {"PFMERGE", "h3", "str"}, {"EXISTS", "h3"}, {"PFMERGE", "h3", "h1", "str"}, {"EXISTS", "h3"},
		{"SET", "num", "12345678901234567"}, {"PFADD", "num", "x"}, {"PFCOUNT", "num"},
		{"RPUSH", "l", "x"}, {"PFADD", "l", "x"}, {"PFCOUNT", "l"}, {"PFCOUNT", "h1", "l"}, {"PFMERGE", "h1", "l"},
		{"PFMERGE", "l", "h1"}, {"PFDEBUG", "GETREG", "l"}, {"PFDEBUG", "NOPE", "l"},
		{"SET", "short", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}, {"PFCOUNT", "short"},
		{"SET", "magic", "HYLX\x01\x00\x00\x00" + noCache + "\x7f\xff"}, {"PFADD", "magic", "a"},
		{"SET", "enc2", "HYLL\x02\x00\x00\x00" + noCache + "\x7f\xff"}, {"PFCOUNT", "enc2"},
		{"SET", "raw", "HYLL\xff\x00\x00\x00" + noCache + strings.Repeat("\x00", 16384)}, {"PFCOUNT", "raw"},
		{"SET", "dshort", "HYLL\x00\x00\x00\x00" + noCache + strings.Repeat("\x00", 100)}, {"PFCOUNT", "dshort"},
		{"PFDEBUG", "ENCODING", "dshort"}, {"PFMERGE", "dshort", "h1"}, {"GET", "dshort"},
		// Corrupted sparse values: too few registers, too many, half an
		// XZERO at the end; a valid cache is believed without a look.
		{"SET", "few", hllSparse(noCache, "\x7f\xfe")}, {"PFCOUNT", "few"}, {"PFCOUNT", "few", "h1"}, {"PFMERGE", "m", "few"},
		{"EXISTS", "m"}, {"PFDEBUG", "TODENSE", "few"}, {"PFDEBUG", "GETREG", "few"}, {"PFDEBUG", "DECODE", "few"},
		append([]string{"PFADD", "few"}, hllElements(0, 30)...), {"GET", "few"},
		{"SET", "many", hllSparse(noCache, "\x7f\xff\x00")}, {"PFADD", "many", "a", "b"}, {"GET", "many"}, {"PFCOUNT", "many"},
		{"SET", "cached", hllSparse("\x05\x00\x00\x00\x00\x00\x00\x00", "\x7f\xfe")}, {"PFCOUNT", "cached"},
		{"PFCOUNT", "cached", "h1"}, {"PFADD", "cached", "a"}, {"PFCOUNT", "cached"},
		{"SET", "big", hllSparse(noCache, strings.Repeat("\xff", 300))}, {"PFCOUNT", "big"}, {"PFADD", "big", "a"},
		{"SET", "cut", hllSparse(noCache, "\x7e\xfe\x41")}, {"PFCOUNT", "cut"}, {"PFDEBUG", "DECODE", "cut"},
		append([]string{"PFADD", "cut"}, hllElements(100, 300)...), {"GET", "cut"}, {"PFCOUNT", "cut"},
		{"SET", "cut2", hllSparse(noCache, "\x7e\xfe\x41")}, {"PFDEBUG", "TODENSE", "cut2"}, {"PFCOUNT", "cut2"},
		{"SET", "cut3", hllSparse(noCache, "\x7e\xfe\x41")}, {"PFMERGE", "cut3", "h1"}, {"GET", "cut3"},
		{"PFADD", "ap", "a"}, {"APPEND", "ap", "\x00"}, {"PFCOUNT", "ap"}, {"PFADD", "ap", "zz"},
		{"PFADD", "sr", "a"}, {"SETRANGE", "sr", "4", "\x00"}, {"PFCOUNT", "sr"}, {"SETRANGE", "sr", "4", "\x07"}, {"PFADD", "sr", "x"},
		// Promotion to dense: by length (hll-sparse-max-bytes 3000) in one
		// PFADD and over several; then dense adds and counts.
		append([]string{"PFADD", "p1"}, hllElements(0, 1200)...), {"PFDEBUG", "ENCODING", "p1"}, {"STRLEN", "p1"}, {"GET", "p1"},
		append([]string{"PFADD", "p1"}, hllElements(1200, 1200)...), {"PFDEBUG", "ENCODING", "p1"}, {"GET", "p1"},
		append([]string{"PFADD", "p1"}, hllElements(2400, 2000)...), {"PFDEBUG", "ENCODING", "p1"}, {"GET", "p1"},
		{"PFCOUNT", "p1"}, {"GET", "p1"}, append([]string{"PFADD", "p1"}, hllElements(0, 100)...), {"PFADD", "p1", "new!"},
		{"GET", "p1"}, {"PFCOUNT", "p1"}, {"PFDEBUG", "TODENSE", "p1"}, {"PFDEBUG", "DECODE", "p1"},
		append([]string{"PFADD", "p2"}, hllElements(5000, 4000)...), {"PFDEBUG", "ENCODING", "p2"}, {"GET", "p2"},
		// PFMERGE: sparse with sparse, sparse into dense, dense into sparse,
		// into a missing key, the destination alone.
		{"PFMERGE", "m1", "h1", "h2"}, {"GET", "m1"}, {"PFCOUNT", "m1"}, {"PFDEBUG", "ENCODING", "m1"},
		{"PFMERGE", "m2", "h2", "p1"}, {"PFDEBUG", "ENCODING", "m2"}, {"GET", "m2"}, {"PFCOUNT", "m2"},
		{"PFMERGE", "p2", "h1"}, {"GET", "p2"}, {"PFMERGE", "h2", "p2"}, {"GET", "h2"}, {"PFCOUNT", "h2", "p1", "h1"},
		{"PFMERGE", "m3"}, {"GET", "m3"}, {"PFMERGE", "m3"}, {"PFMERGE", "m4", "nokey"}, {"GET", "m4"},
		{"PFMERGE", "m5", "copy", "h1", "copy"}, {"GET", "m5"}, {"PFMERGE", "p1", "p1"}, {"GET", "p1"},
		// PFDEBUG.
		{"PFDEBUG", "ENCODING", "nokey"}, {"PFDEBUG", "NOPE", "nokey"}, {"PFDEBUG", "NOPE", "m1"},
		{"PFDEBUG", "NOPE", "str"}, {"PFDEBUG", "ENCODING", "str"}, {"PFDEBUG", "TODENSE", "m1"}, {"PFDEBUG", "TODENSE", "m1"},
		{"PFDEBUG", "DECODE", "m1"}, {"GET", "m1"}, {"PFDEBUG", "GETREG", "h2"}, {"PFADD", "g", "a", "b"},
		{"PFDEBUG", "GETREG", "g"}, {"PFDEBUG", "ENCODING", "g"}, {"GET", "g"}, {"PFDEBUG", "getreg", "m4"},
		{"PFSELFTEST"},
		// DUMP payloads (a dense value is LZF-compressed, as Redis does) and
		// RESTORE of them.
		{"DUMP", "p1"}, {"DUMP", "h1"}, {"DUMP", "cut"},
		// Keyspace commands on HyperLogLogs.
		{"COPY", "h1", "hc"}, {"PFADD", "hc", "zzz"}, {"PFCOUNT", "hc"}, {"PFCOUNT", "h1"}, {"RENAME", "hc", "hr"},
		{"PFCOUNT", "hr"}, {"DEL", "hr"}, {"PFCOUNT", "hr"}, {"FLUSHALL"},
	}
	return cs
}
