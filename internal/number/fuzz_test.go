package number

import (
	"math"
	"strconv"
	"testing"
)

// FuzzParseInt checks ParseInt against strconv.ParseInt where the two rules
// agree: Redis accepts exactly the canonical spellings that strconv accepts.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "1", "-1", "+1", "007", " 1", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "", "-", "1_0", "0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseInt(s)
		want, err := strconv.ParseInt(s, 10, 64)
		canonical := err == nil && strconv.FormatInt(want, 10) == s
		if ok != canonical || (ok && got != want) {
			t.Fatalf("ParseInt(%q) = %d, %v; strconv says %d, %v (canonical %v)", s, got, ok, want, err, canonical)
		}
	})
}

// FuzzLongDouble checks that parsing, adding and formatting long doubles
// never panics, that FormatHuman's output parses back to a value with the
// same text, and that IncrByFloat is commutative.
func FuzzLongDouble(f *testing.F) {
	for _, tt := range incrByFloatTests {
		if len(tt.cur) < 100 && len(tt.incr) < 100 {
			f.Add(tt.cur, tt.incr)
		}
	}
	f.Add("0x1.fffffffffffffffep16383", "-0x1p16319")
	f.Add("1e-4950", "-1e-4950")
	f.Fuzz(func(t *testing.T, a, b string) {
		x, okx := ParseLongDouble(a)
		y, oky := ParseLongDouble(b)
		for _, v := range []struct {
			s  string
			x  LongDouble
			ok bool
		}{{a, x, okx}, {b, y, oky}} {
			if !v.ok || v.x.IsInf() {
				continue
			}
			h := v.x.FormatHuman()
			z, ok := ParseLongDouble(h)
			if !ok {
				t.Fatalf("FormatHuman(ParseLongDouble(%q)) = %q does not parse", v.s, h)
			}
			if h2 := z.FormatHuman(); h2 != h {
				t.Fatalf("%q -> %q -> %q: formatting is not stable", v.s, h, h2)
			}
			if sum, ok := v.x.Add(LongDouble{}); !ok || sum != v.x && !(sum.mant == 0 && v.x.mant == 0) {
				t.Fatalf("%q + 0 = %+v, %v; want %+v", v.s, sum, ok, v.x)
			}
			neg := v.x
			neg.neg = !neg.neg
			if sum, ok := v.x.Add(neg); !ok || sum != (LongDouble{}) {
				t.Fatalf("%q - itself = %+v, %v", v.s, sum, ok)
			}
		}
		r1, err1 := IncrByFloat(a, b)
		r2, err2 := IncrByFloat(b, a)
		if r1 != r2 || err1 != err2 {
			t.Fatalf("IncrByFloat(%q, %q) = %q, %v but swapped gives %q, %v", a, b, r1, err1, r2, err2)
		}
		if err1 == nil {
			if r3, err := IncrByFloat(r1, "0"); err != nil || r3 != r1 {
				t.Fatalf("IncrByFloat(%q, 0) = %q, %v", r1, r3, err)
			}
		}
		ParseScoreBound(a)
	})
}

// FuzzParseDouble checks the exact big-integer rounding (which LongDouble
// relies on) against strconv's for binary64, and that FormatDouble's text
// identifies the double.
func FuzzParseDouble(f *testing.F) {
	for _, tt := range zaddTests {
		if len(tt.in) < 100 {
			f.Add(tt.in)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseDouble(s)
		lit, n := scanFloat(s)
		if n > 0 && lit.kind == litFinite && !lit.hex {
			want, err := strconv.ParseFloat(s[:n], 64)
			mant, exp, res := lit.round(binary64)
			switch {
			case err != nil:
				if res != roundOverflow {
					t.Fatalf("%q: strconv overflows, round gives %d, %d, %d", s[:n], mant, exp, res)
				}
			case want == 0 && lit.digits != "":
				if res != roundUnderflow {
					t.Fatalf("%q: strconv underflows, round gives %d, %d, %d", s[:n], mant, exp, res)
				}
			default:
				if got := toFloat64(lit.neg, mant, exp); res != roundOK || got != want || math.Signbit(got) != math.Signbit(want) {
					t.Fatalf("%q: strconv gives %v, round gives %v (%d)", s[:n], want, got, res)
				}
			}
		}
		if ok && !math.IsInf(v, 0) {
			text := FormatDouble(v)
			if w, ok := ParseDouble(text); !ok || w != v {
				t.Fatalf("ParseDouble(FormatDouble(%v) = %q) = %v, %v", v, text, w, ok)
			}
		}
	})
}
