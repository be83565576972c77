package listpack

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzCheck feeds arbitrary bytes to Check and Iter: no panic, no read past
// the slice, and a listpack accepted reads the same backwards (PrevLen,
// Decode) as forwards, and its entries written again read back the same.
func FuzzCheck(f *testing.F) {
	f.Add(build(samples[:10]))
	f.Add(build([]string{"a", "1", strings.Repeat("z", 300)}))
	f.Add([]byte{7, 0, 0, 0, 0, 0, EOF})
	f.Add([]byte{8, 0, 0, 0, 1, 0, 0xF7, EOF})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := walk(b)
		if err != nil {
			return
		}
		ents := Entries(b)
		for i := len(got) - 1; i >= 0; i-- {
			n := PrevLen(ents)
			if n == 0 {
				t.Fatalf("entry %d: no PrevLen in an accepted listpack", i)
			}
			e, size := Decode(ents[len(ents)-n:])
			if size != n || e.String() != got[i] {
				t.Fatalf("entry %d backwards: %q (%d bytes), forwards %q", i, e.String(), size, got[i])
			}
			ents = ents[:len(ents)-n]
		}
		if len(ents) != 0 {
			t.Fatalf("%d bytes before the first entry", len(ents))
		}
		again, err := walk(build(got))
		if err != nil || strings.Join(again, "\x00") != strings.Join(got, "\x00") {
			t.Fatalf("rewritten: %q, %v", again, err)
		}
	})
}

// FuzzDecode feeds arbitrary bytes to the trusted readers: on bytes that
// are not entries they answer 0, never a size past the slice, and never
// panic.
func FuzzDecode(f *testing.F) {
	f.Add(AppendString(nil, "hello"))
	f.Add(AppendString(nil, "-123456789"))
	f.Add([]byte{0xF0, 0xFF, 0xFF, 0xFF, 0x7F})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, n := Decode(b); n > len(b) {
			t.Fatalf("Decode size %d of %d bytes", n, len(b))
		}
		if n := EntryLen(b); n > len(b) {
			t.Fatalf("EntryLen %d of %d bytes", n, len(b))
		}
		if n := PrevLen(b); n > len(b) {
			t.Fatalf("PrevLen %d of %d bytes", n, len(b))
		}
		// An entry written and decoded is the string written.
		s := string(b)
		e, n := Decode(AppendString(nil, s))
		if n != EntrySize(s) || e.String() != s || !bytes.Equal(e.AppendTo(nil), b) {
			t.Fatalf("%q: decoded %q, %d bytes", s, e.String(), n)
		}
	})
}
