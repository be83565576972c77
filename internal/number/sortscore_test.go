package number

import (
	"math"
	"strings"
	"testing"
)

// The answers of redis-server 7.0.15's SORT for a list holding each string
// (an error, or the number it sorts by).
func TestParseSortScore(t *testing.T) {
	ok := map[string]float64{
		"": 0, " 5": 5, "\t7": 7, "0x10": 16, "inf": math.Inf(1), "-inf": math.Inf(-1), "1.5": 1.5, "+3": 3,
		".5": 0.5, "2\x00x": 2, "0x1p-1074": 0x1p-1074, "0x1p-1030": 0x1p-1030, "0e-999": 0,
		"2.2250738585072014e-308": 0x1p-1022, "0x1.8p-1070": 0x1.8p-1070,
	}
	for s, want := range ok {
		if f, good := ParseSortScore(s); !good || f != want {
			t.Errorf("ParseSortScore(%q) = %v, %v; want %v", s, f, good, want)
		}
	}
	for _, s := range []string{"1e-310", "5 ", "nan", "1e-320", "4.9e-324", "2.2250738585072011e-308",
		"1e5x", "0x", "1e400", "1e-400", " ", "abc", "-nan"} {
		if f, good := ParseSortScore(s); good {
			t.Errorf("ParseSortScore(%q) = %v, accepted", s, f)
		}
	}
}

// A long literal that rounds to a subnormal is refused without arithmetic
// on its whole length.
func TestParseSortScoreLongSubnormal(t *testing.T) {
	long := "0." + strings.Repeat("0", 310) + strings.Repeat("7", 1<<20)
	if _, ok := ParseSortScore(long); ok {
		t.Fatal("an inexact subnormal was accepted")
	}
	exact := "0x" + strings.Repeat("0", 1<<20) + "1p-1074"
	if f, ok := ParseSortScore(exact); !ok || f != 0x1p-1074 {
		t.Fatalf("exact subnormal with leading zeros = %v, %v", f, ok)
	}
}
