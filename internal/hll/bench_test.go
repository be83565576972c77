package hll

import (
	"strconv"
	"testing"
)

func denseOf(n int) string {
	elems := make([]string, n)
	for i := range elems {
		elems[i] = "e" + strconv.Itoa(i)
	}
	h, _, _ := Add(string(New()), elems, DefaultSparseMaxBytes)
	return string(h)
}

// BenchmarkUnionDense: one dense value merged into a union.
func BenchmarkUnionDense(b *testing.B) {
	s := denseOf(100000)
	var u Union
	for i := 0; i < b.N; i++ {
		u.Merge(s)
	}
}

// BenchmarkCountDense: the estimate of a dense value.
func BenchmarkCountDense(b *testing.B) {
	s := denseOf(100000)
	for i := 0; i < b.N; i++ {
		Count(s)
	}
}

// BenchmarkAddDense: one new element added to a dense value.
func BenchmarkAddDense(b *testing.B) {
	s := denseOf(100000)
	el := make([]string, 1)
	for i := 0; i < b.N; i++ {
		el[0] = "x" + strconv.Itoa(i)
		if out, _, _ := Add(s, el, DefaultSparseMaxBytes); out != nil {
			s = string(out)
		}
	}
}
