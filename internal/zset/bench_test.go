package zset

import (
	"strconv"
	"testing"
)

func benchSet(n int) (*Set, []string) {
	s := New()
	members := make([]string, n)
	for i := range members {
		members[i] = "member:" + strconv.Itoa(i)
		s.Add(members[i], float64((i*7919)%n))
	}
	return s, members
}

// BenchmarkRank: rank of a random member of a 1-million-member set.
func BenchmarkRank(b *testing.B) {
	s, members := benchSet(1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := s.Rank(members[(i*104729)%len(members)]); !ok {
			b.Fatal("missing")
		}
	}
}

// BenchmarkAdd: updating scores of a 1-million-member set.
func BenchmarkAdd(b *testing.B) {
	s, members := benchSet(1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Add(members[(i*104729)%len(members)], float64(i%1000))
	}
}

// BenchmarkAt: the member at a random rank of a 1-million-member set.
func BenchmarkAt(b *testing.B) {
	s, _ := benchSet(1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if it := s.At((i * 104729) % 1_000_000); !it.Valid() {
			b.Fatal("nil")
		}
	}
}
