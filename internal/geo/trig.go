package geo

import (
	"math"
	"math/big"
)

// Redis computes distances with the C library's sin, cos and asin. On
// Linux that is glibc, whose results are the correctly rounded float64
// (the one nearest to the exact value) for all but about 0.03% of
// arguments, while Go's math package is only faithful: it returns the
// other neighbour for a large share of arguments (a third of them, for
// Asin). One ulp is enough to change a formatted distance now and then,
// or to put a point on the other side of a search radius, so this file
// computes the three functions correctly rounded: in double-double
// arithmetic (an unevaluated sum hi+lo carrying about 106 bits), rounded
// to float64 only at the end. They cost about a hundred nanoseconds a
// call, several times Go's.

// dd is a double-double number hi+lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

// twoSum returns a+b exactly as a double-double (Knuth's TwoSum, which
// needs no ordering of a and b).
func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

// twoProd returns a*b exactly as a double-double; the FMA recovers the
// rounding error of the product.
func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func (x dd) add(y dd) dd {
	s := twoSum(x.hi, y.hi)
	t := twoSum(x.lo, y.lo)
	s.lo += t.hi
	s = twoSum(s.hi, s.lo)
	s.lo += t.lo
	return twoSum(s.hi, s.lo)
}

func (x dd) neg() dd { return dd{-x.hi, -x.lo} }

func (x dd) mul(y dd) dd {
	p := twoProd(x.hi, y.hi)
	// The cross terms only need float64 accuracy; the explicit conversion
	// keeps the sum of products from being contracted into FMAs, which
	// would be harmless but would make the result depend on the compiler.
	p.lo += float64(x.hi*y.lo) + float64(x.lo*y.hi)
	return twoSum(p.hi, p.lo)
}

// float rounds x to the nearest float64. hi is already that after the
// final twoSum of every operation, but summing keeps it honest.
func (x dd) float() float64 { return x.hi + x.lo }

// Constants, computed once in big.Float from their decimal expansions so
// that they are right to far more than 106 bits.
var (
	// piOver2 is π/2 as three non-overlapping float64s, about 159 bits:
	// enough to reduce arguments up to 2^20 without losing accuracy.
	piOver2 [3]float64
	// sinCoef[i] = (-1)^i / (2i+1)!, cosCoef[i] = (-1)^i / (2i)!.
	sinCoef, cosCoef [14]dd
)

func init() {
	const pi = "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863"
	p, _, err := big.ParseFloat(pi, 10, 400, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	p.Quo(p, big.NewFloat(2))
	for i := range piOver2 {
		piOver2[i], _ = p.Float64()
		p.Sub(p, new(big.Float).SetFloat64(piOver2[i]))
	}
	fact := new(big.Float).SetPrec(400).SetInt64(1) // n!
	for n := 0; n < 2*len(sinCoef); n++ {
		if n > 0 {
			fact.Mul(fact, new(big.Float).SetInt64(int64(n)))
		}
		inv := new(big.Float).SetPrec(400).Quo(big.NewFloat(1).SetPrec(400), fact)
		if (n/2)%2 == 1 {
			inv.Neg(inv)
		}
		hi, _ := inv.Float64()
		lo, _ := inv.Sub(inv, new(big.Float).SetFloat64(hi)).Float64()
		if n%2 == 0 {
			cosCoef[n/2] = dd{hi, lo}
		} else {
			sinCoef[n/2] = dd{hi, lo}
		}
	}
}

// reduce returns r and k with x = r + k·π/2 and |r| <= π/4 (about), r as
// a double-double. ok is false for arguments too large for the three-part
// π/2 to reduce accurately.
func reduce(x float64) (r dd, k int64, ok bool) {
	if math.Abs(x) <= math.Pi/4 {
		return dd{x, 0}, 0, true
	}
	if !(math.Abs(x) < 1<<20) { // also NaN and ±Inf
		return dd{}, 0, false
	}
	kf := math.RoundToEven(x / (math.Pi / 2))
	r = dd{x, 0}
	for _, c := range piOver2 {
		r = r.add(twoProd(kf, c).neg())
	}
	return r, int64(kf), true
}

// sinPoly and cosPoly evaluate the Taylor series of sin and cos at r,
// |r| <= π/4, where 14 terms leave a truncation error below 2^-106.
func sinPoly(r dd) dd { return r.mul(series(&sinCoef, r.mul(r))) }
func cosPoly(r dd) dd { return series(&cosCoef, r.mul(r)) }

// ddTerms is how many leading terms of a series are summed in
// double-double. The later terms add up to less than 2^-17 of the result
// for |r| <= π/4, so float64 arithmetic on them (about 2^-53 relative
// error) still leaves the sum accurate to some 2^-70: far more than
// rounding to float64 needs, except within 2^-17 ulp of a tie.
const ddTerms = 5

// series evaluates Σ coef[i]·x^i by Horner's rule, the tail in float64
// and the leading ddTerms terms in double-double.
func series(coef *[14]dd, x dd) dd {
	tail := coef[len(coef)-1].hi
	for i := len(coef) - 2; i >= ddTerms; i-- {
		tail = float64(tail*x.hi) + coef[i].hi
	}
	s := dd{tail, 0}
	for i := ddTerms - 1; i >= 0; i-- {
		s = s.mul(x).add(coef[i])
	}
	return s
}

// sinDD and cosDD return sin(x) and cos(x) as double-doubles; ok is false
// when x is out of reduce's range.
func sinDD(x float64) (dd, bool) {
	r, k, ok := reduce(x)
	if !ok {
		return dd{}, false
	}
	switch k & 3 {
	case 0:
		return sinPoly(r), true
	case 1:
		return cosPoly(r), true
	case 2:
		return sinPoly(r).neg(), true
	default:
		return cosPoly(r).neg(), true
	}
}

func cosDD(x float64) (dd, bool) {
	r, k, ok := reduce(x)
	if !ok {
		return dd{}, false
	}
	switch k & 3 {
	case 0:
		return cosPoly(r), true
	case 1:
		return sinPoly(r).neg(), true
	case 2:
		return cosPoly(r).neg(), true
	default:
		return sinPoly(r), true
	}
}

// sin returns sin(x) correctly rounded. Zeros keep their sign; beyond 2^20
// radians (only reached by absurd search radii, where the last bit cannot
// change the outcome) it falls back to math.Sin.
func sin(x float64) float64 {
	if x == 0 {
		return x
	}
	if s, ok := sinDD(x); ok {
		return s.float()
	}
	return math.Sin(x)
}

// cos returns cos(x) correctly rounded, falling back to math.Cos like sin.
func cos(x float64) float64 {
	if c, ok := cosDD(x); ok {
		return c.float()
	}
	return math.Cos(x)
}

// asin returns asin(x) correctly rounded for 0 <= x <= 1, the only
// arguments the haversine formula produces (and NaN above 1, as C does).
// One Newton step y - (sin(y)-x)/cos(y) from Go's faithful math.Asin,
// evaluated in double-double, squares its error of about 2^-53 to far
// below what rounding needs; close to 1, where cos(y) vanishes, the
// quadratic term still stays below 2^-80.
func asin(x float64) float64 {
	switch {
	case x < 0:
		return -asin(-x)
	case x == 0 || x == 1 || !(x < 1):
		return math.Asin(x) // ±0, π/2 (correctly rounded in Go too), NaN
	}
	y := math.Asin(x)
	s, _ := sinDD(y)
	c, _ := cosDD(y)
	diff := s.add(dd{-x, 0})
	corr := -diff.float() / c.float()
	return twoSum(y, corr).float()
}
