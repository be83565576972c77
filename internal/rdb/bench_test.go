package rdb

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
)

const benchKeys = 100_000

// benchFile is a file of benchKeys keys: strings only, or a mix of every
// type in its small encoding.
func benchFile(b *testing.B, mixed bool) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Header()
	w.Aux("redis-ver", "7.0.15")
	w.SelectDB(0)
	w.ResizeDB(benchKeys, 0)
	e := &Encoder{Compress: true}
	items := []string{"alpha", "beta", "12345", "gamma-delta", "7"}
	pairs := []string{"name", "embedis", "visits", "1234", "email", "someone@example.com"}
	ms := []ZMember{{"a", 1}, {"b", 2.5}, {"c", 1e9}}
	var body []byte
	for i := 0; i < benchKeys; i++ {
		key := "key:" + strconv.Itoa(i)
		if !mixed || i%5 == 0 {
			w.String(key, -1, "value:"+strconv.Itoa(i*7919))
			continue
		}
		switch i % 5 {
		case 1:
			body = e.AppendList(body[:0], items)
			w.Entry(key, -1, TypeListQuicklist2, body)
		case 2:
			body = e.AppendHashListpack(body[:0], pairs)
			w.Entry(key, -1, TypeHashListpack, body)
		case 3:
			body = e.AppendZSetListpack(body[:0], ms)
			w.Entry(key, -1, TypeZSetListpack, body)
		case 4:
			body = e.AppendIntset(body[:0], []int64{1, 2, int64(i)}, 0)
			w.Entry(key, 1<<40, TypeSetIntset, body)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchRead(b *testing.B, mixed bool) {
	data := benchFile(b, mixed)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			var e Entry
			err := rd.Next(&e)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchKeys {
			b.Fatalf("%d keys", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchKeys), "ns/key")
}

// BenchmarkReader reads 100k keys per op: "strings" has two allocations
// per key (the key and the value).
func BenchmarkReader(b *testing.B) {
	b.Run("strings", func(b *testing.B) { benchRead(b, false) })
	b.Run("mixed", func(b *testing.B) { benchRead(b, true) })
}

func BenchmarkEncoder(b *testing.B) {
	e := &Encoder{Compress: true}
	var dst []byte
	b.Run("string", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			dst = e.AppendString(dst[:0], "value:12345678")
		}
	})
	long := strings.Repeat("some compressible text ", 20)
	b.Run("string-lzf", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(long)))
		for i := 0; i < b.N; i++ {
			dst = e.AppendString(dst[:0], long)
		}
	})
	pairs := []string{"name", "embedis", "visits", "1234", "email", "someone@example.com"}
	b.Run("hash-listpack", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			dst = e.AppendHashListpack(dst[:0], pairs)
		}
	})
	items := make([]string, 1000)
	for i := range items {
		items[i] = "item-" + strconv.Itoa(i)
	}
	b.Run("list-1000", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			dst = e.AppendList(dst[:0], items)
		}
	})
	ms := make([]ZMember, 100)
	for i := range ms {
		ms[i] = ZMember{"member-" + strconv.Itoa(i), float64(i) * 1.5}
	}
	b.Run("zset-listpack-100", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			dst = e.AppendZSetListpack(dst[:0], ms)
		}
	})
	b.Run("writer-strings", func(b *testing.B) {
		b.ReportAllocs()
		w := NewWriter(io.Discard)
		w.Header()
		for i := 0; i < b.N; i++ {
			w.String("key:12345678", -1, "value:12345678")
		}
		w.Close()
	})
}
