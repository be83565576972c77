package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"testing"
)

func TestCRC64Check(t *testing.T) {
	if got := crcUpdate(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64 = %x", got)
	}
}

// Payloads redis-server 7.0.15 returned for DUMP.
var redisPayloads = []struct {
	name    string
	payload string
	want    Value
}{
	{"string", "\x00\x05hello\n\x00cr\xdfve4 \n", Value{Kind: KindString, Type: TypeString, Str: "hello"}},
	{"int", "\x00\xc190\n\x00\x9d\x94\xea'\x93\xfc\b\xb9", Value{Kind: KindString, Type: TypeString, Str: "12345"}},
	{"list", "\x12\x01\x02\x11\x11\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x01\x01\x02\x01\xff\n\x00mrq>\x9bCH+",
		Value{Kind: KindList, Type: TypeListQuicklist2, List: []string{"a", "b", "1", "2"}, ListNodes: []int{4}}},
	{"hash", "\x10\x13\x13\x00\x00\x00\x04\x00\x82f1\x03\x82v1\x03\x0c\x01\"\x01\xff\n\x00\x91\xd7\t\xd7_\xb1\xdb\x94",
		Value{Kind: KindHash, Type: TypeHashListpack, Hash: []string{"f1", "v1", "12", "34"}}},
	{"intset", "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\\\xe2mnM\x1b",
		Value{Kind: KindSet, Type: TypeSetIntset, SetInts: []int64{1, 2, 3}, IntsetWidth: 2}},
	{"set", "\x02\x02\x01b\x01a\n\x00u\xd9\x9d\x83^\xf8_e", Value{Kind: KindSet, Type: TypeSet, Set: []string{"b", "a"}}},
}

func TestDecodeRedisPayloads(t *testing.T) {
	for _, c := range redisPayloads {
		v, err := DecodePayload([]byte(c.payload))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(v, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, v, c.want)
		}
	}
}

func TestEncodeMatchesRedisPayloads(t *testing.T) {
	var e Encoder
	e.Compress = true
	for _, c := range redisPayloads {
		var body []byte
		switch c.want.Type {
		case TypeString:
			body = e.AppendString([]byte{TypeString}, c.want.Str)
		case TypeListQuicklist2:
			body = e.AppendList([]byte{TypeListQuicklist2}, c.want.List)
		case TypeHashListpack:
			body = e.AppendHashListpack([]byte{TypeHashListpack}, c.want.Hash)
		case TypeSetIntset:
			body = e.AppendIntset([]byte{TypeSetIntset}, c.want.SetInts, 0)
		case TypeSet:
			body = e.AppendSet([]byte{TypeSet}, c.want.Set)
		}
		if got := AppendPayloadTrailer(body); string(got) != c.payload {
			t.Errorf("%s: got %q, want %q", c.name, got, c.payload)
		}
	}
}

func TestWriterReaderRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	var e Encoder
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Header())
	must(w.Aux("redis-ver", "7.0.15"))
	must(w.Aux("redis-bits", "64"))
	must(w.SelectDB(0))
	must(w.ResizeDB(3, 1))
	must(w.String("k", 1234567, "v"))
	must(w.Entry("l", -1, TypeListQuicklist2, e.AppendList(nil, []string{"a", "1"})))
	must(w.Entry("z", -1, TypeZSet2, e.AppendZSet2(nil, []ZMember{{"a", 1}, {"b", 2.5}})))
	must(w.SelectDB(3))
	must(w.Entry("h", -1, TypeHash, e.AppendHash(nil, []string{"f", "v"})))
	must(w.Close())
	r, err := NewReader(&buf)
	must(err)
	var got []Entry
	for {
		var en Entry
		err := r.Next(&en)
		if err == io.EOF {
			break
		}
		must(err)
		got = append(got, en)
	}
	want := []Entry{
		{DB: 0, Key: "k", ExpireMs: 1234567, Idle: -1, Freq: -1, Value: Value{Kind: KindString, Type: TypeString, Str: "v"}},
		{DB: 0, Key: "l", ExpireMs: -1, Idle: -1, Freq: -1, Value: Value{Kind: KindList, Type: TypeListQuicklist2, List: []string{"a", "1"}, ListNodes: []int{2}}},
		{DB: 0, Key: "z", ExpireMs: -1, Idle: -1, Freq: -1, Value: Value{Kind: KindZSet, Type: TypeZSet2, ZSet: []ZMember{{"b", 2.5}, {"a", 1}}}},
		{DB: 3, Key: "h", ExpireMs: -1, Idle: -1, Freq: -1, Value: Value{Kind: KindHash, Type: TypeHash, Hash: []string{"f", "v"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if r.Aux()["redis-ver"] != "7.0.15" || r.Aux()["redis-bits"] != "64" {
		t.Fatalf("aux %v", r.Aux())
	}
}

func TestPayloadErrors(t *testing.T) {
	p := AppendPayloadTrailer(append([]byte{TypeString}, 1, 'x'))
	if _, err := DecodePayload(p); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(p)
	bad[len(bad)-1] ^= 1
	if _, err := DecodePayload(bad); !errors.Is(err, ErrPayload) {
		t.Fatalf("bad crc: %v", err)
	}
	if _, err := DecodePayload(payloadVersion([]byte{TypeString, 1, 'x'}, 11)); !errors.Is(err, ErrPayload) {
		t.Fatalf("version 11: %v", err)
	}
	if _, err := DecodePayload(payloadVersion([]byte{TypeString, 1, 'x'}, 9)); err != nil {
		t.Fatalf("version 9: %v", err)
	}
	if _, err := DecodePayload(p[:9]); !errors.Is(err, ErrPayload) {
		t.Fatalf("short: %v", err)
	}
}

// payloadVersion is AppendPayloadTrailer with another RDB version.
func payloadVersion(body []byte, ver uint16) []byte {
	p := append(bytes.Clone(body), byte(ver), byte(ver>>8))
	return binary.LittleEndian.AppendUint64(p, crcUpdate(0, p))
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k := f.n
		f.n = 0
		return k, io.ErrClosedPipe
	}
	f.n -= len(p)
	return len(p), nil
}

// TestWriterErrors: the first error of the io.Writer is returned by the
// call that met it and every later one; large bodies bypass the buffer and
// still count in the checksum.
func TestWriterErrors(t *testing.T) {
	big := bytes.Repeat([]byte{'x'}, 200_000)
	e := &Encoder{}
	body := e.AppendString(nil, string(big))
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Header()
	w.SelectDB(0)
	w.String("a", -1, "1")
	w.Entry("big", -1, TypeString, body)
	w.String("b", -1, "2")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Written() != int64(buf.Len()) {
		t.Fatalf("Written %d, %d bytes", w.Written(), buf.Len())
	}
	entries, err := tryReadAll(buf.Bytes())
	if err != nil || len(entries) != 3 || entries[1].Value.Str != string(big) {
		t.Fatalf("%v, %d entries", err, len(entries))
	}
	for _, limit := range []int{0, 5, 100, 70_000, buf.Len() - 1} {
		w := NewWriter(&failingWriter{n: limit})
		w.Header()
		w.SelectDB(0)
		w.String("a", -1, "1")
		w.Entry("big", -1, TypeString, body)
		w.String("b", -1, "2")
		if err := w.Close(); err != io.ErrClosedPipe {
			t.Errorf("limit %d: Close = %v", limit, err)
		}
		if err := w.String("c", -1, "3"); err != io.ErrClosedPipe {
			t.Errorf("limit %d: after the error: %v", limit, err)
		}
	}
}
