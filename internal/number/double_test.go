package number

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

// Observed on redis-server 7.0.15: ZADD z <in> m; ZSCORE z m (want "" means
// ZADD answered "ERR value is not a valid float").
var zaddTests = []struct{ in, want string }{
	{"0.1", "0.10000000000000001"},
	{"0.3", "0.29999999999999999"},
	{"1", "1"},
	{"0", "0"},
	{"100", "100"},
	{"3.14159", "3.1415899999999999"},
	{"-2.5e-10", "-2.5000000000000002e-10"},
	{"1e15", "1000000000000000"},
	{"1e16", "10000000000000000"},
	{"12345678901234567", "12345678901234568"},
	{"9007199254740993", "9007199254740992"},
	{"1e17", "1e+17"},
	{"123456789012345678", "1.2345678901234568e+17"},
	{"1e20", "1e+20"},
	{"1e21", "1e+21"},
	{"1e22", "1e+22"},
	{"0.0001", "0.0001"},
	{"0.00001", "1.0000000000000001e-05"},
	{"1e-5", "1.0000000000000001e-05"},
	{"1.5e-7", "1.4999999999999999e-07"},
	{"1e308", "1e+308"},
	{"1.7976931348623157e308", "1.7976931348623157e+308"},
	{"4.9406564584124654e-324", "4.9406564584124654e-324"},
	{"3e-324", "4.9406564584124654e-324"},
	{"2.4703282292062328e-324", "4.9406564584124654e-324"},
	{"0x10", "16"},
	{"0x1p-1074", "4.9406564584124654e-324"},
	{".5", "0.5"},
	{"5.", "5"},
	{"1." + strings.Repeat("0", 6000), "1"},
	{"inf", "inf"},
	{"+inf", "inf"},
	{"INF", "inf"},
	{"Infinity", "inf"},
	{"-inf", "-inf"},
	{"-Infinity", "-inf"},
	// Refused.
	{"1.7976931348623159e308", ""},
	{"1e400", ""},
	{"-1e400", ""},
	{"1e-400", ""},
	{"2e-324", ""},
	{"2.4703282292062327e-324", ""},
	{"nan", ""},
	{"-nan", ""},
	{" 1", ""},
	{"1 ", ""},
	{"", ""},
	{"1e", ""},
	{"1\x00", ""},
	{"(1", ""},
}

func TestParseDoubleFormatDouble(t *testing.T) {
	for _, tt := range zaddTests {
		f, ok := ParseDouble(tt.in)
		if ok != (tt.want != "") {
			t.Errorf("ParseDouble(%.40q) ok = %v, want %v", tt.in, ok, !ok)
			continue
		}
		if ok && FormatDouble(f) != tt.want {
			t.Errorf("FormatDouble(ParseDouble(%.40q)) = %q, want %q", tt.in, FormatDouble(f), tt.want)
		}
	}
}

func TestFormatDouble(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables, so the sum is rounded at run time
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"}, // ZINCRBY z -0 m on a new member replies "-0"
		{1, "1"},
		{-1, "-1"},
		{0.5, "0.5"},
		{1.1, "1.1000000000000001"},
		{123.456, "123.456"},
		{1e-4, "0.0001"},
		{1.5e-4, "0.00014999999999999999"},
		{9.9999999999999995e-5, "9.9999999999999991e-05"},
		{1e16, "10000000000000000"},
		{99999999999999999, "1e+17"}, // rounds up into the exponent form
		{1e100, "1e+100"},
		{1.5e300, "1.5000000000000001e+300"},
		{-1.5e-300, "-1.5000000000000001e-300"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{math.SmallestNonzeroFloat64, "4.9406564584124654e-324"},
		{2.2250738585072014e-308, "2.2250738585072014e-308"},
		{math.Inf(1), "inf"},
		{math.Inf(-1), "-inf"},
		{math.NaN(), "nan"},
		{-math.NaN(), "-nan"},
		{float64(1 << 53), "9007199254740992"},
		{tenth + fifth, "0.30000000000000004"},
	}
	for _, tt := range tests {
		if got := FormatDouble(tt.f); got != tt.want {
			t.Errorf("FormatDouble(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestFormatDoubleRoundTrip(t *testing.T) {
	// "%.17g" always identifies the double uniquely.
	for _, f := range []float64{0.1, 1.0 / 3, math.Pi, 1e-310, 123456789.123456789, -7e22, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		s := FormatDouble(f)
		g, ok := ParseDouble(s)
		if !ok || g != f {
			t.Errorf("ParseDouble(FormatDouble(%v) = %q) = %v, %v", f, s, g, ok)
		}
		if h, err := strconv.ParseFloat(s, 64); err != nil || h != f {
			t.Errorf("strconv.ParseFloat(%q) = %v, %v", s, h, err)
		}
	}
}

func TestParseDoubleValues(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"0x1.8p1", 3},
		{"-0x1p-1", -0.5},
		{"0x1.fffffffffffff8p1023", 0}, // rounds up to 2^1024: refused
		{"0x1.fffffffffffff7ffp1023", math.MaxFloat64},
		{"0x0.0000000000001p-1022", math.SmallestNonzeroFloat64},
		{"0x1p-1075", 0}, // tie with zero: refused
		{"0x1.0000000000001p-1075", 5e-324},
		{"0x1" + strings.Repeat("0", 300) + "p-1200", 1}, // 2^1200 × 2^-1200
		{"0x" + strings.Repeat("0", 50) + "1p0", 1},
		{"1e-99999999999999999999999999", 0},
		{"0e999999999999999999999", 0},
		{"-0", math.Copysign(0, -1)},
	}
	for _, tt := range tests {
		got, ok := ParseDouble(tt.in)
		wantOK := tt.want != 0 || tt.in == "0e999999999999999999999" || tt.in == "-0"
		if ok != wantOK || got != tt.want || math.Signbit(got) != math.Signbit(tt.want) {
			t.Errorf("ParseDouble(%.40q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, wantOK)
		}
	}
}

// Observed on redis-server 7.0.15 with ZRANGEBYSCORE and ZCOUNT.
func TestParseScoreBound(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		in    string
		want  float64
		excl  bool
		valid bool
	}{
		{"1", 1, false, true},
		{"(1", 1, true, true},
		{"", 0, false, true},
		{"(", 0, true, true},
		{" 1", 1, false, true},
		{"\t\n1", 1, false, true},
		{"( 1", 1, true, true},
		{"1e400", inf, false, true},
		{"-1e400", -inf, false, true},
		{"1e-400", 0, false, true},
		{"0x1", 1, false, true},
		{"1\x00x", 1, false, true},
		{"\x00", 0, false, true},
		{"-inf", -inf, false, true},
		{"+inf", inf, false, true},
		{"Infinity", inf, false, true},
		{"(inf", inf, true, true},
		{"1 ", 0, false, false},
		{" ", 0, false, false},
		{"( ", 0, false, false},
		{"nan", 0, false, false},
		{"1e", 0, false, false},
		{"((1", 0, false, false},
		{"[1", 0, false, false},
		{"abc", 0, false, false},
	}
	for _, tt := range tests {
		got, excl, ok := ParseScoreBound(tt.in)
		if ok != tt.valid || got != tt.want || excl != tt.excl {
			t.Errorf("ParseScoreBound(%q) = %v, %v, %v; want %v, %v, %v", tt.in, got, excl, ok, tt.want, tt.excl, tt.valid)
		}
	}
}

func TestScanFloat(t *testing.T) {
	tests := []struct {
		in     string
		n      int
		kind   litKind
		neg    bool
		hex    bool
		digits string
		exp    int64
	}{
		{"123", 3, litFinite, false, false, "123", 0},
		{"-0012.3400e2x", 12, litFinite, true, false, "1234", 0},
		{"0.000", 5, litFinite, false, false, "", -3},
		{"100", 3, litFinite, false, false, "1", 2},
		{"1.e5", 4, litFinite, false, false, "1", 5},
		{"1e+", 1, litFinite, false, false, "1", 0},
		{"1e-x", 1, litFinite, false, false, "1", 0},
		{".", 0, litFinite, false, false, "", 0},
		{"+", 0, litFinite, false, false, "", 0},
		{"-.e1", 0, litFinite, false, false, "", 0},
		{"1.2.3", 3, litFinite, false, false, "12", -1},
		{"0x1A.8p-3", 9, litFinite, false, true, "1A8", -7},
		{"0x100", 5, litFinite, false, true, "1", 8},
		{"0xg", 1, litFinite, false, false, "", 0},
		{"0x.p1", 1, litFinite, false, false, "", 0},
		{"0x1p", 3, litFinite, false, true, "1", 0},
		{"-infinity", 9, litInf, true, false, "", 0},
		{"INFINITE", 3, litInf, false, false, "", 0},
		{"nan", 3, litNaN, false, false, "", 0},
		{"nan(ab_9)", 9, litNaN, false, false, "", 0},
		{"nan(a b)", 3, litNaN, false, false, "", 0},
		{"nan(", 3, litNaN, false, false, "", 0},
		{"1e99999999999999999999999", 25, litFinite, false, false, "1", expLimit},
		{"1e-99999999999999999999999", 26, litFinite, false, false, "1", -expLimit},
	}
	for _, tt := range tests {
		lit, n := scanFloat(tt.in)
		want := floatLit{kind: tt.kind, neg: tt.neg, hex: tt.hex, digits: tt.digits, exp: tt.exp}
		if n == 0 {
			want = floatLit{}
		}
		if n != tt.n || lit != want {
			t.Errorf("scanFloat(%q) = %+v, %d; want %+v, %d", tt.in, lit, n, want, tt.n)
		}
	}
}
