package number

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// ParseDouble parses s the way Redis 7.0's getDoubleFromObject does, the
// strict strtod-based parse behind ZADD and ZINCRBY scores (and other double
// arguments) whose failure is "value is not a valid float".
//
// s must be a complete strtod literal: decimal ("0.1", "-.5", "5.", "1e-3",
// "+2"), hexadecimal ("0x10", "0x1p-3") or an infinity ("inf", "+inf",
// "-Infinity", any case), which gives ±Inf. It is rejected when empty, when
// it starts with white space, when anything follows the number (trailing
// white space and NUL bytes included), for any NaN spelling, and for a
// finite literal that overflows ("1e400") or is non-zero but rounds to zero
// ("1e-400"). Values that round to a subnormal are accepted.
func ParseDouble(s string) (float64, bool) {
	if len(s) == 0 || isCSpace(s[0]) {
		return 0, false
	}
	lit, n := scanFloat(s)
	if n != len(s) {
		return 0, false
	}
	f, res, ok := lit.float64(s)
	if !ok || res != roundOK {
		return 0, false
	}
	return f, true
}

// ParseScoreBound parses a ZRANGEBYSCORE-style score bound the way Redis
// 7.0's zslParseRange does (ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZCOUNT,
// ZREMRANGEBYSCORE, ZRANGE ... BYSCORE; the error is "min or max is not a
// float").
//
// A leading '(' makes the bound exclusive. The rest goes to strtod with a
// much laxer check than ParseDouble: the string ends at its first NUL byte,
// leading white space is skipped, the empty string (so also "(") means 0,
// overflow gives ±Inf ("1e400" is +Inf) and underflow gives 0. Only NaN and
// bytes after the number (trailing white space included) are rejected.
func ParseScoreBound(s string) (value float64, exclusive bool, ok bool) {
	if strings.HasPrefix(s, "(") {
		exclusive = true
		s = s[1:]
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i] // what C sees of the string
	}
	if s == "" {
		// strtod converts nothing and leaves the end pointer at the
		// terminating NUL, which Redis accepts as 0.
		return 0, exclusive, true
	}
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	lit, n := scanFloat(s[i:])
	if n == 0 || i+n != len(s) {
		// With no conversion strtod's end pointer is s itself, which is
		// not at the end since s is not empty.
		return 0, false, false
	}
	f, _, ok := lit.float64(s[i : i+n])
	if !ok {
		return 0, false, false
	}
	return f, exclusive, true
}

// float64 converts the literal src (which scanned as lit) to a float64 the
// way strtod does. ok is false for NaN. On overflow f is ±Inf and on
// underflow ±0, with res telling which (strtod's ERANGE cases).
func (lit *floatLit) float64(src string) (f float64, res roundResult, ok bool) {
	switch lit.kind {
	case litNaN:
		return 0, roundOK, false
	case litInf:
		if lit.neg {
			return math.Inf(-1), roundOK, true
		}
		return math.Inf(1), roundOK, true
	}
	if !lit.hex {
		// A decimal strtod literal is also valid Go syntax, and strconv
		// rounds correctly like glibc does.
		v, err := strconv.ParseFloat(src, 64)
		switch {
		case err != nil:
			return v, roundOverflow, true
		case v == 0 && lit.digits != "":
			return v, roundUnderflow, true
		}
		return v, roundOK, true
	}
	mant, exp, res := lit.round(binary64)
	switch res {
	case roundOverflow:
		if lit.neg {
			return math.Inf(-1), res, true
		}
		return math.Inf(1), res, true
	case roundUnderflow:
		mant, exp = 0, 0
	}
	return toFloat64(lit.neg, mant, exp), res, true
}

// FormatDouble formats f like C's printf("%.17g"), which is how Redis 7.0
// replies with a double such as a sorted-set score (ZSCORE, ZINCRBY, ZRANGE
// WITHSCORES, ...): 17 significant digits with trailing zeros removed, in
// exponent form ("1e+20", "1.0000000000000001e-05") when the decimal
// exponent is below -4 or at least 17. Infinities are "inf" and "-inf", and
// negative zero is "-0". In RESP2 the text goes in a bulk string; RESP3
// sends the same text as a double (",1.5\r\n").
//
// This differs from FormatHuman (INCRBYFLOAT replies), which works in long
// double precision, never uses exponent notation and prints 0.1 as "0.1".
func FormatDouble(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	// 17 significant digits, correctly rounded: "-d.dddddddddddddddde±XX".
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', 16, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	ePos := 0
	for e[ePos] != 'e' {
		ePos++
	}
	x, _ := strconv.Atoi(string(e[ePos+1:]))
	var digits [17]byte
	digits[0] = e[0]
	copy(digits[1:], e[2:ePos])
	nd := 17
	for nd > 1 && digits[nd-1] == '0' {
		nd--
	}

	out := make([]byte, 0, 32)
	if neg {
		out = append(out, '-')
	}
	if x < -4 || x >= 17 {
		out = append(out, digits[0])
		if nd > 1 {
			out = append(out, '.')
			out = append(out, digits[1:nd]...)
		}
		return string(append(out, e[ePos:]...)) // Go also writes "e+20", "e-05"
	}
	if x < 0 {
		out = append(out, '0', '.')
		for i := -1; i > x; i-- {
			out = append(out, '0')
		}
		return string(append(out, digits[:nd]...))
	}
	if nd <= x+1 {
		out = append(out, digits[:nd]...)
		for i := nd; i <= x; i++ {
			out = append(out, '0')
		}
		return string(out)
	}
	out = append(out, digits[:x+1]...)
	out = append(out, '.')
	return string(append(out, digits[x+1:nd]...))
}

// ParseSortScore parses s the way Redis 7.0's SORT reads a weight (an
// element, or the value a BY pattern names) when it sorts numerically: with
// strtod, checking only that the end pointer is at the string's end and that
// errno is not ERANGE. So the string ends at its first NUL byte, leading
// white space is skipped, the empty string is 0, and trailing bytes
// (trailing white space included) and NaN are rejected; so are a literal that
// overflows ("1e400"), one that underflows to zero ("1e-400") and one whose
// value is subnormal and not exactly representable ("1e-310"), the cases
// where glibc's strtod sets ERANGE. An exact subnormal ("0x1p-1074") is
// accepted.
func ParseSortScore(s string) (float64, bool) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return 0, true
	}
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	lit, n := scanFloat(s[i:])
	if n == 0 || i+n != len(s) {
		return 0, false
	}
	f, res, ok := lit.float64(s[i:])
	if !ok || res != roundOK {
		return 0, false
	}
	if f != 0 && math.Abs(f) < 0x1p-1022 && !lit.exactly(f) {
		return 0, false // glibc reports an inexact subnormal as ERANGE
	}
	return f, true
}

// exactly reports whether the finite literal lit denotes exactly f, a
// subnormal. Every subnormal is a multiple of 2^-1074, which needs at most
// 1074 decimal places (1074 binary ones): a literal with a digit beyond
// that cannot be one, and the check stops there, so the arithmetic below
// stays small however long the literal is.
func (lit *floatLit) exactly(f float64) bool {
	base, scale := 10, int64(10)
	if lit.hex {
		base, scale = 16, 2
	}
	if lit.exp < -1074-3 || (!lit.hex && lit.exp < -1074) {
		return false
	}
	num, ok := new(big.Int).SetString(lit.digits, base)
	if !ok {
		return false
	}
	v := new(big.Rat).SetInt(num)
	e := lit.exp
	if e < 0 {
		e = -e
	}
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(scale), big.NewInt(e), nil))
	if lit.exp < 0 {
		v.Quo(v, p)
	} else {
		v.Mul(v, p)
	}
	return v.Cmp(new(big.Rat).SetFloat64(math.Abs(f))) == 0
}
