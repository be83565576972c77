package stream

import (
	"strconv"
	"testing"
)

// The figures behind the choice of a sorted slice of nodes (see the
// package comment): an append, the seek and read of a range, and the one
// operation whose cost grows with the stream, removing a node from the
// middle of the slice, on a stream of a million entries (10,000 nodes).

const benchEntries = 1_000_000

func benchStream(b *testing.B) *Stream {
	b.Helper()
	var s Stream
	for i := 1; i <= benchEntries; i++ {
		s.Append(ID{uint64(i), 0}, []string{"field", "value-" + strconv.Itoa(i%1000)})
	}
	return &s
}

func BenchmarkAppend(b *testing.B) {
	var s Stream
	f := []string{"field", "0123456789abcdef"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Append(ID{uint64(i + 1), 0}, f)
	}
}

// BenchmarkRange10 seeks a random place of the stream and reads 10
// entries.
func BenchmarkRange10(b *testing.B) {
	s := benchStream(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := ID{uint64(i*7919%benchEntries + 1), 0}
		n := 0
		s.Range(start, MaxID, false, func(Entry) bool { n++; return n < 10 })
	}
}

// BenchmarkRemoveMiddleNode removes the node in the middle of the slice
// (a copy of the 5,000 pointers after it: what XDEL of a node's last live
// entry costs beyond the delete itself) and puts it back at the end.
func BenchmarkRemoveMiddleNode(b *testing.B) {
	s := benchStream(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mid := len(s.nodes) / 2
		n := s.nodes[mid]
		s.removeNode(mid)
		s.nodes = append(s.nodes, n)
	}
}

// BenchmarkDelete deletes one entry from a random node (a seek and a walk
// of at most 100 entries).
func BenchmarkDelete(b *testing.B) {
	s := benchStream(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Delete(ID{uint64(i*7919%benchEntries + 1), 0})
	}
}
