package server_test

import (
	"strconv"
	"strings"
	"testing"
)

// TestDiffLimits compares proto-max-bulk-len and hll-sparse-max-bytes with
// redis-server's: CONFIG GET and SET with their errors, the commands that
// grow a string refused at the lowered limit (SETBIT/GETBIT/BITFIELD
// offsets, SETRANGE, APPEND, LCS's table) and allowed just under it, and
// a HyperLogLog made dense at once, or kept sparse, by the sparse limit
// (PFDEBUG ENCODING and the raw bytes).
func TestDiffLimits(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	p.do("FLUSHALL")
	const mb = 1 << 20
	t.Cleanup(func() {
		p.do("CONFIG", "SET", "proto-max-bulk-len", "536870912", "hll-sparse-max-bytes", "3000")
		p.do("FLUSHALL")
	})
	a600 := strings.Repeat("a", 600)
	var elems []string
	for i := 0; i < 2000; i++ {
		elems = append(elems, "e"+strconv.Itoa(i))
	}
	cases := [][]string{
		{"CONFIG", "GET", "proto-max-bulk-len"}, {"CONFIG", "GET", "hll-sparse-max-bytes"},
		{"CONFIG", "SET", "proto-max-bulk-len", "1048575"}, {"CONFIG", "SET", "proto-max-bulk-len", "x"},
		{"CONFIG", "SET", "hll-sparse-max-bytes", "-1"}, {"CONFIG", "SET", "hll-sparse-max-bytes", "1kb"},
		{"CONFIG", "GET", "hll-sparse-max-bytes"},
		{"SET", "a", a600}, {"SET", "b", a600}, {"LCS", "a", "b", "LEN"},
		{"CONFIG", "SET", "proto-max-bulk-len", "1mb"}, {"CONFIG", "GET", "proto-max-bulk-len"},
		{"LCS", "a", "b", "LEN"},
		{"SETBIT", "k", strconv.Itoa(8 * mb), "1"}, {"SETBIT", "k", strconv.Itoa(8*mb - 1), "1"}, {"STRLEN", "k"},
		{"GETBIT", "k", strconv.Itoa(8 * mb)}, {"GETBIT", "k", strconv.Itoa(8*mb - 1)},
		{"SETRANGE", "r", strconv.Itoa(mb - 6), "abcdefg"}, {"SETRANGE", "r", strconv.Itoa(mb - 6), "abcdef"},
		{"APPEND", "r", "x"}, {"STRLEN", "r"},
		{"BITFIELD", "f", "SET", "u8", strconv.Itoa(8*mb - 8), "1"}, {"BITFIELD", "f", "SET", "u8", strconv.Itoa(8*mb - 1), "255"},
		{"STRLEN", "f"}, {"BITFIELD", "f", "GET", "u8", strconv.Itoa(8 * mb)}, {"BITFIELD", "f", "GET", "u8", "#1048576"},
		{"BITFIELD_RO", "f", "GET", "i8", strconv.Itoa(8 * mb)},
		{"CONFIG", "SET", "proto-max-bulk-len", "536870912"},
		{"SETRANGE", "r", strconv.Itoa(mb - 6), "abcdefg"}, {"APPEND", "r", "x"}, {"STRLEN", "r"}, {"LCS", "a", "b", "LEN"},
		// A sparse limit of 0: dense at the first PFADD.
		{"CONFIG", "SET", "hll-sparse-max-bytes", "0"}, {"PFADD", "h0", "a"}, {"PFDEBUG", "ENCODING", "h0"}, {"GET", "h0"},
		// A high one: sparse far past 3000 bytes while registers stay <= 32.
		{"CONFIG", "SET", "hll-sparse-max-bytes", "100000"}, {"CONFIG", "GET", "hll-sparse-max-bytes"},
		append([]string{"PFADD", "h1"}, elems...), {"PFDEBUG", "ENCODING", "h1"}, {"STRLEN", "h1"}, {"GET", "h1"}, {"PFCOUNT", "h1"},
		// Lowered again: the next change that grows it promotes it.
		{"CONFIG", "SET", "hll-sparse-max-bytes", "3000"}, {"PFADD", "h1", "x1", "x2", "x3"}, {"PFDEBUG", "ENCODING", "h1"},
		{"PFCOUNT", "h1"}, {"GET", "h1"},
	}
	for _, c := range cases {
		p.do(c...)
	}
}
