package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"testing"
)

// checkValue fails unless v keeps the promises of Value's doc: exactly its
// kind's field set, not empty, no duplicates, no NaN, intsets ascending.
func checkValue(t *testing.T, v *Value) {
	t.Helper()
	set := 0
	for _, n := range []int{len(v.List), len(v.Set) + len(v.SetInts), len(v.Hash), len(v.ZSet)} {
		if n > 0 {
			set++
		}
	}
	switch v.Kind {
	case KindString:
		if set != 0 {
			t.Fatalf("string with elements: %+v", v)
		}
		return
	case KindList, KindSet, KindHash, KindZSet:
		if set != 1 || v.Len() == 0 {
			t.Fatalf("kind %v with fields %+v", v.Kind, v)
		}
	case KindStream:
		if set != 0 || v.Stream == nil {
			t.Fatalf("stream with other fields: %+v", v)
		}
		return
	default:
		t.Fatalf("kind %v", v.Kind)
	}
	if v.Set != nil && v.SetInts != nil {
		t.Fatalf("set with both forms")
	}
	if _, dup := findDup(v.Set, 1); dup {
		t.Fatalf("duplicate set member")
	}
	if len(v.Hash)%2 != 0 {
		t.Fatalf("odd hash")
	}
	if _, dup := findDup(v.Hash, 2); dup {
		t.Fatalf("duplicate hash field")
	}
	for i := 1; i < len(v.SetInts); i++ {
		if v.SetInts[i] <= v.SetInts[i-1] {
			t.Fatalf("intset out of order")
		}
	}
	for _, m := range v.ZSet {
		if math.IsNaN(m.Score) {
			t.Fatalf("NaN score")
		}
	}
	if checkZDups(v.ZSet, 0) != nil {
		t.Fatalf("duplicate zset member")
	}
}

// reencode writes v in one of the encodings Redis 7.0 writes and reads it
// back: the value must survive.
func reencode(t *testing.T, v *Value) {
	t.Helper()
	e := &Encoder{Compress: true}
	var p []byte
	switch v.Kind {
	case KindString:
		p = e.AppendString([]byte{TypeString}, v.Str)
	case KindList:
		p = e.AppendList([]byte{TypeListQuicklist2}, v.List)
	case KindSet:
		if v.SetInts != nil {
			p = e.AppendIntset([]byte{TypeSetIntset}, v.SetInts, 0)
		} else {
			p = e.AppendSet([]byte{TypeSet}, v.Set)
		}
	case KindHash:
		p = e.AppendHashListpack([]byte{TypeHashListpack}, v.Hash)
	case KindZSet:
		ms := append([]ZMember(nil), v.ZSet...)
		sortZ(ms)
		p = e.AppendZSetListpack([]byte{TypeZSetListpack}, ms)
		q := e.AppendZSet2([]byte{TypeZSet2}, ms)
		w, err := DecodePayload(AppendPayloadTrailer(q))
		if err != nil {
			t.Fatalf("re-read zset2: %v", err)
		}
		sortZ(w.ZSet)
		if !sameZ(w.ZSet, ms) {
			t.Fatalf("zset2 changed")
		}
	case KindStream:
		// The nodes are written as they were read: the same bytes.
		p = e.AppendStream([]byte{TypeStreamListpacks2}, v.Stream)
		w, err := DecodePayload(AppendPayloadTrailer(p))
		if err != nil {
			t.Fatalf("re-read stream: %v", err)
		}
		q := e.AppendStream([]byte{TypeStreamListpacks2}, w.Stream)
		if !bytes.Equal(p, q) {
			t.Fatalf("stream changed")
		}
		return
	}
	w, err := DecodePayload(AppendPayloadTrailer(p))
	if err != nil {
		t.Fatalf("re-read %v: %v", v.Kind, err)
	}
	switch v.Kind {
	case KindString:
		if w.Str != v.Str {
			t.Fatalf("string changed")
		}
	case KindList:
		if !reflect.DeepEqual(w.List, v.List) {
			t.Fatalf("list changed")
		}
	case KindSet:
		if !reflect.DeepEqual(w.Set, v.Set) || !reflect.DeepEqual(w.SetInts, v.SetInts) {
			t.Fatalf("set changed")
		}
	case KindHash:
		if !reflect.DeepEqual(w.Hash, v.Hash) {
			t.Fatalf("hash changed")
		}
	case KindZSet:
		ms := append([]ZMember(nil), v.ZSet...)
		sortZ(ms)
		if !sameZ(w.ZSet, ms) {
			t.Fatalf("zset changed:\n%v\n%v", w.ZSet, ms)
		}
	}
}

// sameZ compares members and scores, telling -0 from 0 apart only as
// the listpack's text does ("-0").
func sameZ(a, b []ZMember) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Member != b[i].Member || a[i].Score != b[i].Score {
			return false
		}
	}
	return true
}

func checkError(t *testing.T, err error, n int) {
	t.Helper()
	var re *Error
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not an *rdb.Error", err, err)
	}
	if re.Offset < 0 || re.Offset > int64(n) {
		t.Fatalf("offset %d outside %d bytes: %v", re.Offset, n, err)
	}
	for _, k := range []error{ErrTruncated, ErrChecksum, ErrUnsupported, ErrCorrupt, ErrPayload} {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("%v matches no sentinel", err)
}

// FuzzDecodePayload decodes payloads whose trailer checksum is made right,
// so that mutations reach the value decoder.
func FuzzDecodePayload(f *testing.F) {
	f.Add(AppendPayloadTrailer([]byte{TypeString, 1, 'x'}))
	f.Fuzz(func(t *testing.T, p []byte) {
		p = bytes.Clone(p)
		if len(p) >= 10 {
			binary.LittleEndian.PutUint64(p[len(p)-8:], crcUpdate(0, p[:len(p)-8]))
		}
		v, err := DecodePayload(p)
		if err != nil {
			checkError(t, err, len(p))
			return
		}
		checkValue(t, &v)
		reencode(t, &v)
	})
}

// FuzzReader reads files to their end.
func FuzzReader(f *testing.F) {
	f.Add([]byte("REDIS0010\xff\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("REDIS0010\xf5\x03abc\xff\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			checkError(t, err, len(data))
			return
		}
		read := 0
		rd.OnFunction = func(code string) error {
			if read += len(code); read > len(data)*8 {
				t.Fatalf("libraries of %d bytes from a file of %d", read, len(data))
			}
			return nil
		}
		for i := 0; ; i++ {
			var e Entry
			err := rd.Next(&e)
			if err == io.EOF {
				return
			}
			if err != nil {
				checkError(t, err, len(data))
				if err2 := rd.Next(&e); err2 != err {
					t.Fatalf("error not sticky: %v then %v", err, err2)
				}
				return
			}
			checkValue(t, &e.Value)
			if i > len(data) {
				t.Fatalf("more entries than bytes")
			}
		}
	})
}
