package listpack

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// samples are strings of every entry encoding: integers of each width and
// their edges, non-canonical numbers (stored as strings), and strings of
// each length header.
var samples = []string{
	"0", "1", "127", "128", "-1", "4095", "-4096", "4096", "-4097", "32767", "-32768",
	"32768", "8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
	strconv.FormatInt(math.MaxInt64, 10), strconv.FormatInt(math.MinInt64, 10),
	"9223372036854775808", "-9223372036854775809", "-0", "01", "+1", " 1", "1.0", "",
	"a", strings.Repeat("b", 63), strings.Repeat("c", 64), strings.Repeat("d", 4095),
	strings.Repeat("e", 4096), strings.Repeat("f", 20000),
}

func build(ss []string) []byte {
	b, at := Start(nil)
	for _, s := range ss {
		b = AppendString(b, s)
	}
	return Finish(b, at, len(ss))
}

// walk checks b and returns its entries as text.
func walk(b []byte) ([]string, error) {
	it, err := Check(b)
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		s, done, err := it.NextString()
		if err != nil {
			return out, err
		}
		if done {
			return out, nil
		}
		out = append(out, string(s))
	}
}

func TestRoundTrip(t *testing.T) {
	b := build(samples)
	got, err := walk(b)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != strings.Join(samples, "|") {
		t.Fatalf("read back %q", got)
	}
	size := EmptySize
	for _, s := range samples {
		size += EntrySize(s)
	}
	if size != len(b) {
		t.Fatalf("EntrySize adds up to %d, the listpack has %d bytes", size, len(b))
	}
	// Backwards through the entries, with PrevLen and Decode.
	ents := Entries(b)
	for i := len(samples) - 1; i >= 0; i-- {
		n := PrevLen(ents)
		if n == 0 || n != EntrySize(samples[i]) {
			t.Fatalf("entry %d (%q): PrevLen %d, EntrySize %d", i, samples[i], n, EntrySize(samples[i]))
		}
		e, size := Decode(ents[len(ents)-n:])
		if size != n || e.String() != samples[i] || e.Len() != len(samples[i]) {
			t.Fatalf("entry %d: decoded %q (%d bytes), want %q", i, e.String(), size, samples[i])
		}
		if EntryLen(ents[len(ents)-n:]) != n {
			t.Fatalf("entry %d: EntryLen differs", i)
		}
		ents = ents[:len(ents)-n]
	}
	if len(ents) != 0 {
		t.Fatalf("%d bytes left", len(ents))
	}
}

// TestEncodings pins the bytes of one entry of each kind, as Redis's
// listpack.c writes them.
func TestEncodings(t *testing.T) {
	for _, c := range []struct {
		s    string
		want []byte
	}{
		{"7", []byte{0x07, 0x01}},
		{"-1", []byte{0xDF, 0xFF, 0x02}},
		{"1000", []byte{0xC3, 0xE8, 0x02}},
		{"-32768", []byte{0xF1, 0x00, 0x80, 0x03}},
		{"8388607", []byte{0xF2, 0xFF, 0xFF, 0x7F, 0x04}},
		{"-2147483648", []byte{0xF3, 0x00, 0x00, 0x00, 0x80, 0x05}},
		{"4294967296", []byte{0xF4, 0, 0, 0, 0, 1, 0, 0, 0, 0x09}},
		{"ab", []byte{0x82, 'a', 'b', 0x03}},
		{"01", []byte{0x82, '0', '1', 0x03}},
	} {
		if got := AppendString(nil, c.s); !bytes.Equal(got, c.want) {
			t.Errorf("%q: % x, want % x", c.s, got, c.want)
		}
	}
	long := strings.Repeat("x", 200) // 2-byte header, 202 bytes: 2-byte backlen
	e := AppendString(nil, long)
	if len(e) != 2+200+2 || e[0] != 0xE0 || e[1] != 200 || e[202] != 202>>7 || e[203] != 202&127|128 {
		t.Fatalf("200-byte string: % x…% x", e[:2], e[202:])
	}
	if b := build(nil); !bytes.Equal(b, []byte{7, 0, 0, 0, 0, 0, EOF}) {
		t.Fatalf("empty listpack % x", b)
	}
}

func TestParseInt(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-0": false, "00": false, "1": true, "-1": true, "+1": false, "": false, "-": false,
		"9223372036854775807": true, "9223372036854775808": false, "-9223372036854775808": true,
		"-9223372036854775809": false, "18446744073709551616": false, "99999999999999999999": false,
		"123456789012345678901": false, "1a": false, " 1": false, "1 ": false,
	} {
		v, ok := ParseInt(s)
		if ok != want {
			t.Errorf("ParseInt(%q) ok = %v", s, ok)
			continue
		}
		if ok && strconv.FormatInt(v, 10) != s {
			t.Errorf("ParseInt(%q) = %d", s, v)
		}
	}
}

func TestCheckFindsDamage(t *testing.T) {
	good := build([]string{"abc", "12", "xyz"})
	for _, c := range []struct {
		name   string
		break_ func([]byte) []byte
		want   error
	}{
		{"short", func(b []byte) []byte { return b[:5] }, ErrShort},
		{"size", func(b []byte) []byte { b[0]++; return b }, ErrSizeMismatch},
		{"terminator", func(b []byte) []byte { b[len(b)-1] = 0; return b }, ErrNoTerminator},
		{"count", func(b []byte) []byte { b[4] = 2; return b }, ErrCountMismatch},
		{"early end", func(b []byte) []byte { b[HeaderSize] = EOF; return b }, ErrEarlyEnd},
		{"encoding", func(b []byte) []byte { b[HeaderSize] = 0xF7; return b }, ErrEncoding},
		{"backlen", func(b []byte) []byte { b[HeaderSize+4]++; return b }, ErrBacklen},
		{"past end", func(b []byte) []byte { b[HeaderSize] = 0x80 | 40; return b }, ErrPastEnd},
	} {
		_, err := walk(c.break_(bytes.Clone(good)))
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestCountUnknown(t *testing.T) {
	ss := make([]string, 70000)
	for i := range ss {
		ss[i] = "1"
	}
	b := build(ss)
	if Count(b) != CountUnknown {
		t.Fatalf("header count %d", Count(b))
	}
	got, err := walk(b)
	if err != nil || len(got) != len(ss) {
		t.Fatalf("%d entries, %v", len(got), err)
	}
}

// TestReplaceInt replaces each entry of a listpack of every encoding with
// integers of every width and compares with the listpack written from
// scratch with that integer in its place: the same bytes, header included.
func TestReplaceInt(t *testing.T) {
	ints := []int64{0, 127, 128, -1, -4096, 4096, 32767, -32768, 8388607, -8388609, math.MaxInt32, math.MinInt64}
	for i := range samples {
		for _, v := range ints {
			lp := build(samples)
			pos := HeaderSize
			for j := 0; j < i; j++ {
				pos += EntryLen(lp[pos:])
			}
			got := ReplaceInt(lp, pos, v)
			want := append([]string(nil), samples...)
			want[i] = strconv.FormatInt(v, 10)
			if w := build(want); !bytes.Equal(got, w) {
				t.Fatalf("entry %d (%q) replaced by %d: %x, want %x", i, samples[i], v, got, w)
			}
		}
	}
	lp := build([]string{"1", "2"})
	for _, pos := range []int{-1, 0, HeaderSize - 1, len(lp) - 1, len(lp), len(lp) + 5} {
		if got := ReplaceInt(bytes.Clone(lp), pos, 300); !bytes.Equal(got, lp) {
			t.Fatalf("ReplaceInt at %d changed the listpack: %x", pos, got)
		}
	}
}

// TestOffset walks a listpack and checks that Offset is where each entry
// starts, the terminator's position at the end.
func TestOffset(t *testing.T) {
	lp := build(samples)
	it, err := Check(lp)
	if err != nil {
		t.Fatal(err)
	}
	want := HeaderSize
	for i := 0; ; i++ {
		if it.Offset() != want {
			t.Fatalf("entry %d: Offset %d, want %d", i, it.Offset(), want)
		}
		_, done, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		want += EntrySize(samples[i])
	}
	if want != len(lp)-1 {
		t.Fatalf("ended at %d, terminator at %d", want, len(lp)-1)
	}
}
