package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// blobPayload is a payload of type typ whose body is the raw blob b.
func blobPayload(typ byte, b []byte) []byte {
	return AppendPayloadTrailer(rawString([]byte{typ}, string(b)))
}

func TestStructureChecks(t *testing.T) {
	lp := func() []byte {
		b, at := lpStart(nil)
		for _, s := range []string{"f", "v", "n", "300", "long", strings.Repeat("x", 70)} {
			b = lpAppendString(b, s)
		}
		return lpFinish(b, at, 6)
	}
	zl := func() []byte { return buildZiplist([]string{"a", "1", "b", "300"}) }
	is := func() []byte { return appendIntsetBlob(nil, []int64{1, 2, 3}, 2) }
	zm := func() []byte { return buildZipmap([]string{"a", "1", "b", "2"}) }
	type mut func(b []byte) []byte
	cases := []struct {
		name   string
		typ    byte
		blob   func() []byte
		mutate mut
		reason string
	}{
		{"listpack size", TypeHashListpack, lp, func(b []byte) []byte { b[0]++; return b }, "size in its header"},
		{"listpack count", TypeHashListpack, lp, func(b []byte) []byte { b[4] = 4; return b }, "element count"},
		{"listpack terminator", TypeHashListpack, lp, func(b []byte) []byte { b[len(b)-1] = 0; return b }, "terminator"},
		{"listpack early terminator", TypeHashListpack, lp, func(b []byte) []byte { b[lpHeaderSize] = 0xFF; return b }, "terminator before its end"},
		{"listpack backlen", TypeHashListpack, lp, func(b []byte) []byte { b[lpHeaderSize+2]++; return b }, "back-length"},
		{"listpack encoding", TypeHashListpack, lp, func(b []byte) []byte { b[lpHeaderSize] = 0xF5; return b }, "invalid encoding"},
		{"listpack string past end", TypeHashListpack, lp, func(b []byte) []byte { b[lpHeaderSize], b[lpHeaderSize+1] = 0xEF, 0xFF; return b }, "past its end"},
		{"listpack odd", TypeHashListpack, func() []byte {
			b, at := lpStart(nil)
			b = lpAppendString(b, "f")
			return lpFinish(b, at, 1)
		}, nil, "odd number"},
		{"listpack duplicate field", TypeHashListpack, func() []byte {
			b, at := lpStart(nil)
			for _, s := range []string{"f", "1", "f", "2"} {
				b = lpAppendString(b, s)
			}
			return lpFinish(b, at, 4)
		}, nil, "duplicate hash field"},
		{"zset listpack bad score", TypeZSetListpack, func() []byte {
			b, at := lpStart(nil)
			for _, s := range []string{"m", "abc"} {
				b = lpAppendString(b, s)
			}
			return lpFinish(b, at, 2)
		}, nil, "not a number"},
		{"zset listpack nan", TypeZSetListpack, func() []byte {
			b, at := lpStart(nil)
			for _, s := range []string{"m", "nan"} {
				b = lpAppendString(b, s)
			}
			return lpFinish(b, at, 2)
		}, nil, "not a number"},
		{"ziplist size", TypeListZiplist, zl, func(b []byte) []byte { b[0]++; return b }, "size in its header"},
		{"ziplist tail", TypeListZiplist, zl, func(b []byte) []byte { b[4]++; return b }, "tail offset"},
		{"ziplist count", TypeListZiplist, zl, func(b []byte) []byte { b[8] = 3; return b }, "element count"},
		{"ziplist prevlen", TypeListZiplist, zl, func(b []byte) []byte { b[zlHeaderSize+3]++; return b }, "previous length"},
		{"ziplist encoding", TypeListZiplist, zl, func(b []byte) []byte { b[zlHeaderSize+1] = 0xC1; return b }, "invalid encoding"},
		{"ziplist terminator", TypeListZiplist, zl, func(b []byte) []byte { b[len(b)-1] = 0; return b }, "terminator"},
		{"ziplist odd hash", TypeHashZiplist, func() []byte { return buildZiplist([]string{"a", "1", "b"}) }, nil, "odd number"},
		{"intset width", TypeSetIntset, is, func(b []byte) []byte { b[0] = 3; return b }, "width"},
		{"intset size", TypeSetIntset, is, func(b []byte) []byte { b[4] = 2; return b }, "size does not match"},
		{"intset order", TypeSetIntset, is, func(b []byte) []byte { b[10] = 9; return b }, "out of order"},
		{"intset duplicate", TypeSetIntset, is, func(b []byte) []byte { b[10] = 1; return b }, "out of order or duplicated"},
		{"zipmap count", TypeHashZipmap, zm, func(b []byte) []byte { b[0] = 3; return b }, "element count"},
		{"zipmap past end", TypeHashZipmap, zm, func(b []byte) []byte { b[1] = 200; return b }, "past its end"},
		{"zipmap terminator", TypeHashZipmap, zm, func(b []byte) []byte { b[len(b)-1] = 0; return b }, "terminator"},
		{"quicklist container", TypeListQuicklist2, nil, nil, "container 3"},
	}
	for _, c := range cases {
		var p []byte
		if c.blob == nil {
			p = AppendPayloadTrailer(rawString([]byte{c.typ, 1, 3}, "x"))
		} else {
			b := c.blob()
			if c.mutate != nil {
				b = c.mutate(bytes.Clone(b))
			}
			p = blobPayload(c.typ, b)
		}
		_, err := DecodePayload(p)
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: %v, want ErrCorrupt with %q", c.name, err, c.reason)
		}
		// The unmutated blob is valid.
		if c.mutate != nil {
			if _, err := DecodePayload(blobPayload(c.typ, c.blob())); err != nil {
				t.Errorf("%s: valid blob refused: %v", c.name, err)
			}
		}
	}
}

// TestListpackUnknownCount: a listpack of 65535 elements or more stores
// 65535 ("unknown") as its count, as Redis's does, and reads back.
func TestListpackUnknownCount(t *testing.T) {
	var pairs []string
	for i := 0; i < 40000; i++ {
		pairs = append(pairs, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	e := &Encoder{}
	body := e.AppendHashListpack(nil, pairs)
	b, err := (&input{buf: body}).readBlob("test")
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint16(b[4:]); n != lpCountUnknown {
		t.Fatalf("count %d", n)
	}
	v, err := DecodePayload(AppendPayloadTrailer(append([]byte{TypeHashListpack}, body...)))
	if err != nil || len(v.Hash) != len(pairs) {
		t.Fatalf("%v %d", err, len(v.Hash))
	}
}

// TestIntsetWidth: the width asked for is kept when it holds every member,
// widened when it does not.
func TestIntsetWidth(t *testing.T) {
	for _, c := range []struct {
		ints        []int64
		width, want int
	}{
		{[]int64{1, 2}, 0, 2}, {[]int64{1, 2}, 4, 4}, {[]int64{1, 2}, 8, 8}, {[]int64{1, 1 << 20}, 2, 4},
		{[]int64{1, 1 << 40}, 4, 8}, {[]int64{-1 << 40}, 0, 8}, {[]int64{1}, 3, 2},
	} {
		b := appendIntsetBlob(nil, c.ints, c.width)
		if w := int(binary.LittleEndian.Uint32(b)); w != c.want {
			t.Errorf("%v width %d: %d, want %d", c.ints, c.width, w, c.want)
		}
		got, reason := intsetDecode(b)
		if reason != "" || len(got) != len(c.ints) || got[len(got)-1] != c.ints[len(c.ints)-1] {
			t.Errorf("%v width %d: read back %v %s", c.ints, c.width, got, reason)
		}
	}
}
