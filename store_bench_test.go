package embedis

import (
	"strconv"
	"testing"
)

// Benchmarks of the Store alone; bench/ compares them with the peers.

func benchStore(b *testing.B) *Store {
	s, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for i := 0; i < 10000; i++ {
		s.Set(ctx, "key:"+strconv.Itoa(i), "0123456789abcdef", 0)
	}
	return s
}

func benchKeys() []string {
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
	}
	return keys
}

func BenchmarkStoreGet(b *testing.B) {
	s, keys := benchStore(b), benchKeys()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Get(ctx, keys[i%len(keys)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStoreSet(b *testing.B) {
	s, keys := benchStore(b), benchKeys()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Set(ctx, keys[i%len(keys)], "0123456789abcdef", 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStoreIncr(b *testing.B) {
	s, keys := benchStore(b), benchKeys()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Incr(ctx, "n"+keys[i%100]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStorePipelineGet100(b *testing.B) {
	s, keys := benchStore(b), benchKeys()
	b.ReportAllocs()
	b.ResetTimer()
	p := s.Pipeline()
	for i := 0; i < b.N; i += 100 {
		for j := 0; j < 100; j++ {
			p.Get(keys[(i+j)%len(keys)])
		}
		if err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
