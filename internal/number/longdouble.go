package number

import (
	"errors"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// LongDouble is a C long double as Redis 7.0 uses it on amd64: an x87 80-bit
// extended-precision number with a 64-bit significand and a 15-bit exponent,
// so normal numbers span about 3.4e-4932 to 1.19e4932, with subnormals down
// to about 3.6e-4951. It can also be +Inf or -Inf, never NaN.
//
// The zero value is +0, which is what Redis adds to when INCRBYFLOAT or
// HINCRBYFLOAT targets a missing key or field. LongDouble values are
// comparable with == (equal values, including the sign of zero, have equal
// representations).
type LongDouble struct {
	// The value is (-1)^neg × mant × 2^exp. For finite non-zero normal
	// numbers the top bit of mant is set; subnormals have exp equal to
	// extended.minLsb(). Zero has mant == 0 and exp == 0.
	mant uint64
	exp  int32
	neg  bool
	inf  bool
}

// maxLongDoubleChars mirrors Redis's MAX_LONG_DOUBLE_CHARS: strings of this
// length or longer are never accepted as a long double.
const maxLongDoubleChars = 5 * 1024

// Errors returned by IncrByFloat. Their texts are the Redis error messages
// without the "ERR " prefix.
var (
	// ErrNotFloat means an operand is not a valid long double.
	ErrNotFloat = errors.New("value is not a valid float")
	// ErrNaNOrInf means the sum is NaN or infinite.
	ErrNaNOrInf = errors.New("increment would produce NaN or Infinity")
)

// ParseLongDouble parses s the way Redis 7.0's string2ld does; Redis uses
// it for both operands of INCRBYFLOAT and HINCRBYFLOAT.
//
// s must be a complete strtold literal: decimal ("1", "-.5", "5.", "1e-3",
// "+2"), hexadecimal ("0x1p3", "0x10", "0x.8") or an infinity ("inf",
// "-Infinity", any case). It is rejected when empty, 5120 bytes or longer,
// when it starts with white space, has anything after the number (trailing
// white space and NUL bytes included), is any NaN spelling, or is a finite
// literal that overflows the long double range or underflows to zero
// ("1e5000", "1e-5000"). Values that round to a subnormal are accepted.
func ParseLongDouble(s string) (LongDouble, bool) {
	if len(s) == 0 || len(s) >= maxLongDoubleChars || isCSpace(s[0]) {
		return LongDouble{}, false
	}
	lit, n := scanFloat(s)
	if n != len(s) {
		return LongDouble{}, false
	}
	switch lit.kind {
	case litNaN:
		return LongDouble{}, false
	case litInf:
		return LongDouble{neg: lit.neg, inf: true}, true
	}
	if mant, exp, ok := lit.fastExtended(); ok {
		return LongDouble{mant: mant, exp: int32(exp), neg: lit.neg}, true
	}
	mant, exp, res := lit.round(extended)
	if res != roundOK {
		return LongDouble{}, false
	}
	if mant == 0 {
		return LongDouble{neg: lit.neg}, true
	}
	return LongDouble{mant: mant, exp: int32(exp), neg: lit.neg}, true
}

// LongDoubleFromFloat64 converts f exactly (every float64 is a long double).
// It panics if f is NaN.
func LongDoubleFromFloat64(f float64) LongDouble {
	switch {
	case math.IsNaN(f):
		panic("number: LongDoubleFromFloat64 of NaN")
	case math.IsInf(f, 0):
		return LongDouble{neg: f < 0, inf: true}
	case f == 0:
		return LongDouble{neg: math.Signbit(f)}
	}
	frac, exp := math.Frexp(math.Abs(f)) // frac in [0.5, 1)
	mant := uint64(math.Ldexp(frac, 64)) // exact: frac has at most 53 bits
	return LongDouble{mant: mant, exp: int32(exp - 64), neg: f < 0}
}

// IsInf reports whether x is +Inf or -Inf. HINCRBYFLOAT refuses such an
// increment up front with "value is NaN or Infinity".
func (x LongDouble) IsInf() bool { return x.inf }

// Add returns x+y rounded to long double precision (to nearest, ties to
// even), like the x87 addition in Redis's INCRBYFLOAT. ok is false when the
// sum is NaN or infinite, which Redis refuses with "increment would produce
// NaN or Infinity"; sum is then the infinity, or the zero value for NaN.
func (x LongDouble) Add(y LongDouble) (sum LongDouble, ok bool) {
	switch {
	case x.inf && y.inf && x.neg != y.neg:
		return LongDouble{}, false
	case x.inf:
		return x, false
	case y.inf:
		return y, false
	case x.mant == 0 && y.mant == 0:
		return LongDouble{neg: x.neg && y.neg}, true
	case x.mant == 0:
		return y, true
	case y.mant == 0:
		return x, true
	}
	if sum, ok := addFast(x, y); ok {
		return sum, true
	}
	return addExact(x, y)
}

// addExact adds two finite non-zero long doubles by computing the exact
// sum with big integers, then rounding once.
func addExact(x, y LongDouble) (sum LongDouble, ok bool) {
	e := min(x.exp, y.exp)
	var a, b big.Int
	a.SetUint64(x.mant)
	a.Lsh(&a, uint(x.exp-e))
	if x.neg {
		a.Neg(&a)
	}
	b.SetUint64(y.mant)
	b.Lsh(&b, uint(y.exp-e))
	if y.neg {
		b.Neg(&b)
	}
	a.Add(&a, &b)
	if a.Sign() == 0 {
		return LongDouble{}, true // x + (-x) is +0 when rounding to nearest
	}
	neg := a.Sign() < 0
	a.Abs(&a)
	mant, exp, res := roundRat(&a, bigOne, int(e), extended)
	if res == roundOverflow {
		return LongDouble{neg: neg, inf: true}, false
	}
	// An exact sum of values on the subnormal grid is on that grid, so it
	// cannot underflow to zero.
	return LongDouble{mant: mant, exp: int32(exp), neg: neg}, true
}

// pow10x17 is 10^17, the scale of "%.17Lf".
const pow10x17 = 100000000000000000

// FormatHuman formats x like Redis 7.0's ld2string in LD_STR_HUMAN mode,
// which produces every INCRBYFLOAT and HINCRBYFLOAT reply (and GEOPOS
// coordinates): C's "%.17Lf" (exact decimal expansion rounded to 17
// fractional digits, ties to even) with trailing zeros after the point
// removed, the point too if nothing remains after it, and "-0" turned into
// "0". It never uses exponent notation, so 1e20 is "100000000000000000000"
// and 1e-20 is "0". Infinities are "inf" and "-inf".
func (x LongDouble) FormatHuman() string {
	if x.inf {
		if x.neg {
			return "-inf"
		}
		return "inf"
	}
	if x.mant == 0 {
		return "0"
	}
	var buf []byte
	if x.neg {
		buf = append(buf, '-')
	}
	if x.exp >= 0 {
		// An integer.
		if x.exp == 0 {
			return string(strconv.AppendUint(buf, x.mant, 10))
		}
		var v big.Int
		v.SetUint64(x.mant)
		v.Lsh(&v, uint(x.exp))
		return string(v.Append(buf, 10))
	}
	// q = round(mant × 10^17 / 2^s), an exact 128-bit computation: the
	// product is below 2^121, and because exp < 0 the value is below 2^63,
	// so q/10^17 fits in 64 bits.
	s := uint(-x.exp)
	if s >= 122 {
		return "0" // below 0.5e-17 (or exactly at it, rounding to even 0)
	}
	hi, lo := bits.Mul64(x.mant, pow10x17)
	qhi, qlo, half, sticky := shr128(hi, lo, s)
	if half && (sticky || qlo&1 == 1) {
		var c uint64
		qlo, c = bits.Add64(qlo, 1, 0)
		qhi += c
	}
	ip, fp := bits.Div64(qhi, qlo, pow10x17)
	if ip == 0 && fp == 0 {
		return "0"
	}
	buf = strconv.AppendUint(buf, ip, 10)
	if fp != 0 {
		var frac [17]byte
		for i := 16; i >= 0; i-- {
			frac[i] = byte('0' + fp%10)
			fp /= 10
		}
		end := 17
		for frac[end-1] == '0' {
			end--
		}
		buf = append(buf, '.')
		buf = append(buf, frac[:end]...)
	}
	return string(buf)
}

// shr128 shifts the 128-bit number hi:lo right by s (1 <= s < 128) and
// reports the most significant discarded bit (half) and whether any other
// discarded bit is set (sticky).
func shr128(hi, lo uint64, s uint) (qhi, qlo uint64, half, sticky bool) {
	if s < 64 {
		qlo = lo>>s | hi<<(64-s)
		qhi = hi >> s
		half = lo>>(s-1)&1 == 1
		sticky = lo&(1<<(s-1)-1) != 0
		return
	}
	qlo = hi >> (s - 64)
	if s == 64 {
		half = lo>>63 == 1
		sticky = lo&(1<<63-1) != 0
		return
	}
	half = hi>>(s-65)&1 == 1
	sticky = lo != 0 || hi&(1<<(s-65)-1) != 0
	return
}

// IncrByFloat performs the arithmetic of INCRBYFLOAT on strings: it parses
// current (the stored value; pass "0" for a missing key) and incr with
// ParseLongDouble, adds them and formats the sum with FormatHuman, which is
// both the reply and the new stored value.
//
// It returns ErrNotFloat if either operand does not parse, and ErrNaNOrInf
// if the sum is NaN or infinite: an infinite operand, or a finite sum beyond
// the long double range.
//
// HINCRBYFLOAT does the same arithmetic but checks in a different order with
// different texts: it parses the increment first ("value is not a valid
// float"), refuses an infinite increment ("value is NaN or Infinity"), then
// parses the field's value ("hash value is not a float"), and finally
// refuses a NaN or infinite sum ("increment would produce NaN or
// Infinity"). Build it from ParseLongDouble, IsInf, Add and FormatHuman.
func IncrByFloat(current, incr string) (string, error) {
	a, ok := ParseLongDouble(current)
	if !ok {
		return "", ErrNotFloat
	}
	b, ok := ParseLongDouble(incr)
	if !ok {
		return "", ErrNotFloat
	}
	sum, ok := a.Add(b)
	if !ok {
		return "", ErrNaNOrInf
	}
	return sum.FormatHuman(), nil
}
