package embedis

import (
	"strconv"
	"testing"
)

// Benchmarks of the list commands on the Store alone, on 100 lists of
// 16-byte elements: pushes and pops at both ends (each pop is refilled by a
// push, so the lists keep their length), LRANGE of 100 elements and LINDEX
// in the middle of a list of 10,000. Run them with
//
//	go test -run XXX -bench 'BenchmarkList' -benchmem .

func benchListStore(b *testing.B, perList int) (*Store, []string) {
	s, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	keys := make([]string, 100)
	vals := make([]string, perList)
	for i := range vals {
		vals[i] = "value:" + strconv.Itoa(100000000 + i)[1:] + "xx" // 16 bytes
	}
	for i := range keys {
		keys[i] = "list:" + strconv.Itoa(i)
		if perList > 0 {
			if _, err := s.RPush(ctx, keys[i], vals...); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	return s, keys
}

const benchElem = "0123456789abcdef"

func BenchmarkListLPush(b *testing.B) {
	s, keys := benchListStore(b, 0)
	for i := 0; i < b.N; i++ {
		if _, err := s.LPush(ctx, keys[i%len(keys)], benchElem); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListRPush(b *testing.B) {
	s, keys := benchListStore(b, 0)
	for i := 0; i < b.N; i++ {
		if _, err := s.RPush(ctx, keys[i%len(keys)], benchElem); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListLPopRPush(b *testing.B) {
	s, keys := benchListStore(b, 1000)
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		v, err := s.LPop(ctx, k)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.RPush(ctx, k, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListLRange100(b *testing.B) {
	s, keys := benchListStore(b, 1000)
	for i := 0; i < b.N; i++ {
		if vs, err := s.LRange(ctx, keys[i%len(keys)], 450, 549); err != nil || len(vs) != 100 {
			b.Fatal(len(vs), err)
		}
	}
}

func BenchmarkListLIndexMiddle(b *testing.B) {
	s, keys := benchListStore(b, 10000)
	for i := 0; i < b.N; i++ {
		if _, err := s.LIndex(ctx, keys[i%len(keys)], 5000); err != nil {
			b.Fatal(err)
		}
	}
}
