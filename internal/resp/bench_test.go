package resp

import (
	"strings"
	"testing"
)

// BenchmarkReadCommand reads pipelined commands as redis-benchmark sends
// them; the figures are per command.
func BenchmarkReadCommand(b *testing.B) {
	for _, bc := range []struct {
		name string
		req  string
	}{
		{"SET", mb("SET", "key:000000001234", "xxx")},
		{"GET", mb("GET", "key:000000001234")},
		{"SET1K", mb("SET", "key:000000001234", strings.Repeat("x", 1024))},
		{"MSET10", mb(append([]string{"MSET"}, strings.Fields(strings.Repeat("key:000000001234 xxx ", 10))...)...)},
		{"inline", "SET key:000000001234 xxx\r\n"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := NewReader(&loopReader{data: []byte(strings.Repeat(bc.req, 16))}, Limits{})
			b.SetBytes(int64(len(bc.req)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := r.ReadCommand(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteBulk writes a 3-byte bulk reply (GET's reply in
// redis-benchmark), flushing every 16 replies.
func BenchmarkWriteBulk(b *testing.B) {
	w := NewWriter(discard{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.WriteBulk("xxx")
		if i%16 == 15 {
			w.Flush()
		}
	}
}

// BenchmarkWriteInt writes integer replies, small (one digit) and large,
// flushing every 16 replies.
func BenchmarkWriteInt(b *testing.B) {
	for _, bc := range []struct {
		name string
		n    int64
	}{{"small", 1}, {"medium", 1234}, {"large", 1234567890123}} {
		b.Run(bc.name, func(b *testing.B) {
			w := NewWriter(discard{})
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				w.WriteInt(bc.n)
				if i%16 == 15 {
					w.Flush()
				}
			}
		})
	}
}

// BenchmarkWriteDouble writes a double reply in RESP3.
func BenchmarkWriteDouble(b *testing.B) {
	w := NewWriter(discard{})
	w.SetProtocol(3)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.WriteDouble(3.14159)
		if i%16 == 15 {
			w.Flush()
		}
	}
}
