package number

import (
	"math"
	"math/big"
)

// binFormat describes a binary floating-point format with subnormals:
// prec significand bits (including the leading one), normal numbers in
// [2^minExp, 2^(maxExp+1)).
type binFormat struct {
	prec   int
	minExp int
	maxExp int
	// maxDigits is how many significant decimal digits are kept before the
	// rest is folded into a sticky digit. It must exceed the number of
	// significant digits of any value halfway between two neighbours of
	// the format, so that the fold never changes a rounding decision.
	maxDigits int
}

var (
	// x87 80-bit extended precision, C long double on amd64.
	extended = binFormat{prec: 64, minExp: -16382, maxExp: 16383, maxDigits: 12000}
	// IEEE 754 binary64, C and Go double.
	binary64 = binFormat{prec: 53, minExp: -1022, maxExp: 1023, maxDigits: 800}
)

// minLsb is the exponent of the least significant bit of the format's
// subnormals, the smallest positive value being 2^minLsb.
func (f binFormat) minLsb() int { return f.minExp - (f.prec - 1) }

// roundResult classifies the outcome of rounding an exact value.
type roundResult uint8

const (
	roundOK        roundResult = iota // finite, non-zero result, or exact zero
	roundOverflow                     // magnitude rounds beyond the largest finite value
	roundUnderflow                    // non-zero value that rounds to zero
)

var bigOne = big.NewInt(1)

// roundRat rounds num/den × 2^shift (num, den > 0) to the nearest value of
// format f, ties to even, as IEEE 754 does, subnormals included. The result
// is mant × 2^exp with mant < 2^f.prec.
func roundRat(num, den *big.Int, shift int, f binFormat) (mant uint64, exp int, res roundResult) {
	// k = floor(log2(num/den)).
	k := num.BitLen() - den.BitLen()
	var t big.Int
	if k >= 0 {
		if num.Cmp(t.Lsh(den, uint(k))) < 0 {
			k--
		}
	} else if t.Lsh(num, uint(-k)).Cmp(den) < 0 {
		k--
	}
	top := k + shift
	if top > f.maxExp {
		return 0, 0, roundOverflow
	}
	if top < f.minLsb()-1 {
		// Below half the smallest subnormal: rounds to zero.
		return 0, 0, roundUnderflow
	}
	lsb := top - (f.prec - 1)
	if lsb < f.minLsb() {
		lsb = f.minLsb()
	}
	// q, r = divmod(num × 2^(shift-lsb), den)
	var n, d, q, r big.Int
	if s := shift - lsb; s >= 0 {
		n.Lsh(num, uint(s))
		d.Set(den)
	} else {
		n.Set(num)
		d.Lsh(den, uint(-s))
	}
	q.QuoRem(&n, &d, &r)
	r.Lsh(&r, 1)
	if c := r.Cmp(&d); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(&q, bigOne)
	}
	if q.Sign() == 0 {
		return 0, 0, roundUnderflow
	}
	if q.BitLen() > f.prec {
		// Rounding carried into a new bit: q is exactly 2^prec.
		q.Rsh(&q, 1)
		lsb++
	}
	if lsb+q.BitLen()-1 > f.maxExp {
		return 0, 0, roundOverflow
	}
	return q.Uint64(), lsb, roundOK
}

// log2of10 is log2(10), used for conservative range estimates.
const log2of10 = 3.321928094887362

// round converts a finite literal to format f. A zero literal gives
// mant == 0 and roundOK.
func (lit *floatLit) round(f binFormat) (mant uint64, exp int, res roundResult) {
	if lit.digits == "" {
		return 0, 0, roundOK
	}
	if lit.hex {
		return lit.roundHex(f)
	}
	digits, e := lit.digits, lit.exp
	if len(digits) > f.maxDigits {
		// Every dropped digit run ends in a non-zero digit (digits has no
		// trailing zeros), so replacing it with a single '1' keeps the
		// value strictly between the same two neighbours.
		e += int64(len(digits) - f.maxDigits - 1)
		digits = digits[:f.maxDigits] + "1"
	}
	// The value lies in [10^(e+nd-1), 10^(e+nd)).
	mag := e + int64(len(digits))
	if float64(mag-1)*log2of10 > float64(f.maxExp+2) {
		return 0, 0, roundOverflow
	}
	if float64(mag)*log2of10 < float64(f.minLsb()-2) {
		return 0, 0, roundUnderflow
	}
	var num, den big.Int
	num.SetString(digits, 10)
	den.SetInt64(1)
	var p big.Int
	if e >= 0 {
		num.Mul(&num, p.Exp(big.NewInt(10), big.NewInt(e), nil))
	} else {
		den.Exp(big.NewInt(10), big.NewInt(-e), nil)
	}
	return roundRat(&num, &den, 0, f)
}

func (lit *floatLit) roundHex(f binFormat) (mant uint64, exp int, res roundResult) {
	digits, e := lit.digits, lit.exp
	// 32 hex digits are 128 bits, more than any format needs to round
	// correctly; the rest only matters as a sticky bit.
	const maxHex = 32
	if len(digits) > maxHex {
		e += 4 * int64(len(digits)-maxHex-1)
		digits = digits[:maxHex] + "1"
	}
	top := e + 4*int64(len(digits))
	if top > int64(f.maxExp)+8 {
		return 0, 0, roundOverflow
	}
	if top < int64(f.minLsb())-8 {
		return 0, 0, roundUnderflow
	}
	var num big.Int
	num.SetString(digits, 16)
	return roundRat(&num, bigOne, int(e), f)
}

// toFloat64 converts a finite result of format binary64 to a float64.
func toFloat64(neg bool, mant uint64, exp int) float64 {
	v := math.Ldexp(float64(mant), exp)
	if neg {
		v = -v
	}
	return v
}
