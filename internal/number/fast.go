package number

import "math/bits"

// Fast paths for the common cases of long double parsing and addition,
// using 64- and 128-bit integer arithmetic instead of math/big. Each returns
// ok == false when its case does not apply, and the caller then falls back
// to the exact big-integer code, which the fast paths must agree with.

// pow10u64[i] is 10^i.
var pow10u64 = [20]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// pow5u64[i] is 5^i; 5^27 is the largest power of five below 2^64.
var pow5u64 = func() (p [28]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 5
	}
	return p
}()

// roundShift128 shifts hi:lo right by t (0 <= t < 128) and rounds to
// nearest, ties to even, treating extra as further sticky bits below the
// shifted-out ones. The result must fit in 64 bits before rounding;
// carry reports that rounding overflowed it (the result is then 2^64).
func roundShift128(hi, lo uint64, t uint, extra bool) (q uint64, carry bool) {
	var half, sticky bool
	switch {
	case t == 0:
		q = lo
	case t < 64:
		q = lo>>t | hi<<(64-t)
		half = lo>>(t-1)&1 == 1
		sticky = lo&(1<<(t-1)-1) != 0
	case t == 64:
		q = hi
		half = lo>>63 == 1
		sticky = lo&(1<<63-1) != 0
	default:
		q = hi >> (t - 64)
		half = hi>>(t-65)&1 == 1
		sticky = lo != 0 || hi&(1<<(t-65)-1) != 0
	}
	if half && (sticky || extra || q&1 == 1) {
		q++
		carry = q == 0
	}
	return q, carry
}

// fastExtended converts a finite decimal literal with at most 19
// significant digits and a small exponent to extended precision.
func (lit *floatLit) fastExtended() (mant uint64, exp int, ok bool) {
	if lit.hex || lit.digits == "" || len(lit.digits) > 19 {
		return 0, 0, false
	}
	var m uint64
	for i := 0; i < len(lit.digits); i++ {
		m = m*10 + uint64(lit.digits[i]-'0')
	}
	e := lit.exp
	switch {
	case e >= 0 && e < int64(len(pow10u64)):
		hi, lo := bits.Mul64(m, pow10u64[e])
		if hi != 0 {
			return 0, 0, false
		}
		s := bits.LeadingZeros64(lo)
		return lo << s, -s, true // exact: at most 64 significant bits
	case e < 0 && -e < int64(len(pow5u64)):
		// m / 10^k = (m / 5^k) × 2^-k. With n = m normalised to 64 bits,
		// Q = floor(n × 2^64 / 5^k) has at least 64 bits because
		// n >= 2^63 > 5^k / 2.
		k := int(-e)
		d := pow5u64[k]
		s := bits.LeadingZeros64(m)
		n := m << s
		q1, r1 := bits.Div64(0, n, d)
		q0, r0 := bits.Div64(r1, 0, d)
		var t uint
		if q1 != 0 {
			t = uint(bits.Len64(q1))
		}
		if t == 0 {
			// Q has exactly 64 bits (q0 >= 2^63): the rounding bit
			// comes from the remainder; 5^k is odd so there is no tie.
			q := q0
			if r0 > d-r0 {
				q++
				if q == 0 {
					return 1 << 63, -64 - s - k + 1, true
				}
			}
			return q, -64 - s - k, true
		}
		q, carry := roundShift128(q1, q0, t, r0 != 0)
		exp = int(t) - 64 - s - k
		if carry {
			return 1 << 63, exp + 1, true
		}
		return q, exp, true
	}
	return 0, 0, false
}

// addFast adds two finite non-zero long doubles whose exponents are close,
// when the result is a normal number. It does not handle overflow or
// subnormal results.
func addFast(x, y LongDouble) (LongDouble, bool) {
	if x.exp < y.exp {
		x, y = y, x
	}
	d := uint(x.exp - y.exp)
	if d > 63 {
		return LongDouble{}, false
	}
	// A = x.mant << d as a 128-bit number; B = y.mant.
	ahi, alo := x.mant>>(64-d), x.mant<<d // x.mant>>64 is 0 in Go
	var hi, lo uint64
	neg := x.neg
	if x.neg == y.neg {
		var c uint64
		lo, c = bits.Add64(alo, y.mant, 0)
		hi = ahi + c
	} else {
		var b uint64
		lo, b = bits.Sub64(alo, y.mant, 0)
		hi = ahi - b
		if b > ahi { // A < B
			lo, hi = -lo, -hi
			if lo != 0 {
				hi--
			}
			neg = y.neg
		}
		if hi == 0 && lo == 0 {
			return LongDouble{}, true
		}
	}
	var mant uint64
	exp := int(y.exp)
	if hi == 0 {
		s := bits.LeadingZeros64(lo)
		mant = lo << s
		exp -= s
	} else {
		t := uint(bits.Len64(hi))
		var carry bool
		mant, carry = roundShift128(hi, lo, t, false)
		exp += int(t)
		if carry {
			mant = 1 << 63
			exp++
		}
	}
	if exp < extended.minLsb() || exp+63 > extended.maxExp {
		return LongDouble{}, false
	}
	return LongDouble{mant: mant, exp: int32(exp), neg: neg}, true
}
