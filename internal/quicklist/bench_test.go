package quicklist

import (
	"strconv"
	"testing"
)

func BenchmarkAppendRange100(b *testing.B) {
	l := New(DefaultFill)
	for i := range 1000 {
		l.PushBack("value:" + strconv.Itoa(100000000 + i)[1:] + "xx")
	}
	b.ReportAllocs()
	var out []string
	for range b.N {
		out = l.AppendRange(out[:0], 450, 549)
	}
}
