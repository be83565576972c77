package hll

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestNewIsRedisEmptyValue(t *testing.T) {
	// HYLL, sparse, 3 unused, card 0, XZERO of 16384 (0x7f 0xff).
	want := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"
	if got := string(New()); got != want {
		t.Fatalf("New() = %q, want %q", got, want)
	}
	if c, ok := Count(New()); !ok || c != 0 {
		t.Fatalf("Count(New()) = %d, %v", c, ok)
	}
}

func TestValid(t *testing.T) {
	dense, _ := ToDense(New())
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{string(New()), true},
		{string(dense), true},
		{string(dense[:len(dense)-1]), false},
		{string(dense) + "x", false},
		{"HYLL\x01" + strings.Repeat("\x00", 11), true}, // header only: valid, corrupted when walked
		{"HYLL\x01" + strings.Repeat("\x00", 10), false},
		{"HYLL\x02" + strings.Repeat("\x00", 11), false},
		{"HYLL\xff" + strings.Repeat("\x00", 11) + "\x7f\xff", false}, // raw is never stored
		{"HYLX\x01" + strings.Repeat("\x00", 11) + "\x7f\xff", false},
		{"", false},
	} {
		if got := Valid(tc.s); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
	if _, ok := Count("HYLL\x01" + strings.Repeat("\x00", 11)); ok {
		t.Error("Count accepted a sparse value covering no register")
	}
}

// TestPromotionByValue: a register over 32 cannot be a VAL opcode, so the
// value turns dense (PFADD meets this once in 2^32 elements, so it is
// driven through set here).
func TestPromotionByValue(t *testing.T) {
	h := New()
	h, res := set(h, 100, 32, DefaultSparseMaxBytes)
	if res != 1 || IsDense(h) {
		t.Fatalf("32: res %d, dense %v", res, IsDense(h))
	}
	h, res = set(h, 200, 33, DefaultSparseMaxBytes)
	if res != 1 || !IsDense(h) || len(h) != DenseSize {
		t.Fatalf("33: res %d, dense %v, %d bytes", res, IsDense(h), len(h))
	}
	if Register(h, 100) != 32 || Register(h, 200) != 33 || Register(h, 0) != 0 {
		t.Fatalf("registers %d %d %d", Register(h, 100), Register(h, 200), Register(h, 0))
	}
}

// TestCacheBytes: a write sets only the top bit of the cached cardinality.
func TestCacheBytes(t *testing.T) {
	h, _, _ := Add(string(New()), []string{"a", "b", "c"}, DefaultSparseMaxBytes)
	if _, ok := Cached(h); ok {
		t.Fatal("cache valid after an add")
	}
	c, _ := Count(h)
	SetCached(h, c)
	if got, ok := Cached(h); !ok || got != 3 {
		t.Fatalf("Cached = %d, %v", got, ok)
	}
	h2, changed, _ := Add(string(h), []string{"d"}, DefaultSparseMaxBytes)
	if changed != 1 || string(h2[8:16]) != "\x03\x00\x00\x00\x00\x00\x00\x80" {
		t.Fatalf("card bytes %x", h2[8:16])
	}
	if out, changed, _ := Add(string(h2), []string{"a"}, DefaultSparseMaxBytes); changed != 0 || out != nil {
		t.Fatal("re-adding an element changed the value")
	}
}

// TestCorruptSparse: opcodes covering too few or too many registers are
// reported, by every reader.
func TestCorruptSparse(t *testing.T) {
	hdr := "HYLL\x01" + strings.Repeat("\x00", 11)
	for _, body := range []string{
		"",
		"\x7f\xfe",                   // 16383 registers
		"\x7f\xff\x00",               // 16385
		"\x7f",                       // XZERO cut short: its second byte reads as 0 (16129 registers)
		"\xfc\x7f\xff",               // VAL then 16384 zeros
		strings.Repeat("\xff", 5000), // VAL 32×4 runs far past the end
	} {
		s := hdr + body
		if _, ok := Count(s); ok {
			t.Errorf("Count(%q) ok", body)
		}
		if _, ok := ToDense(s); ok {
			t.Errorf("ToDense(%q) ok", body)
		}
		var u Union
		if u.Merge(s) {
			t.Errorf("Merge(%q) ok", body)
		}
		if _, _, corrupt := Add(s, []string{"x", "y", "z"}, DefaultSparseMaxBytes); !corrupt && body == "" {
			t.Errorf("Add(%q) not corrupt", body)
		}
	}
}

func TestSelfTest(t *testing.T) {
	if err := SelfTest(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(ErrSelfTest, ErrSelfTest) {
		t.Fatal()
	}
}

// TestSparseEqualsDense: registers read the same whichever way the value
// was built.
func TestSparseEqualsDense(t *testing.T) {
	sp := New()
	de, _ := ToDense(New())
	for i := 0; i < 1500; i++ {
		idx, c := Hash("k" + strconv.Itoa(i))
		sp, _ = set(sp, idx, c, 1<<20)
		de, _ = set(de, idx, c, 0)
	}
	if IsDense(sp) {
		t.Fatal("promoted despite the limit")
	}
	d2, ok := ToDense(sp)
	if !ok || string(d2) != string(de) {
		t.Fatal("sparse and dense registers differ")
	}
}
