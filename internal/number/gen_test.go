package number

import (
	"math"
	"math/rand"
	"strconv"
	"strings"
)

// Random input generators shared by the differential tests. They favour
// the corners where Redis's rules are subtle.

func randDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.Intn(10))
	}
	return string(b)
}

// randIntString returns a string that is often, but not always, an integer
// Redis accepts.
func randIntString(r *rand.Rand) string {
	switch r.Intn(12) {
	case 0, 1, 2:
		return strconv.FormatInt(r.Int63n(2001)-1000, 10)
	case 3, 4:
		n := r.Int63() >> uint(r.Intn(63))
		if r.Intn(2) == 0 {
			n = -n
		}
		return strconv.FormatInt(n, 10)
	case 5:
		edges := []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 0, 1, -1}
		return strconv.FormatInt(edges[r.Intn(len(edges))], 10)
	case 6:
		edges := []string{"9223372036854775808", "-9223372036854775809", "18446744073709551615", "99999999999999999999", "-0", "+1", "007", "00", " 1", "1 ", "", "-", "1.0", "1e3", "0x10"}
		return edges[r.Intn(len(edges))]
	case 7:
		return randDigits(r, 1+r.Intn(21))
	case 8:
		return "-" + randDigits(r, 1+r.Intn(21))
	case 9:
		return "+" + strconv.Itoa(r.Intn(100))
	case 10:
		return strings.Repeat("0", 1+r.Intn(3)) + strconv.Itoa(r.Intn(1000))
	default:
		s := strconv.FormatInt(r.Int63n(1000), 10)
		i := r.Intn(len(s) + 1)
		junk := " \t.xe-+\x00"
		return s[:i] + string(junk[r.Intn(len(junk))]) + s[i:]
	}
}

// randExponent picks a decimal exponent, mostly small, sometimes near the
// double and long double limits.
func randExponent(r *rand.Rand) int {
	switch r.Intn(10) {
	case 0:
		return r.Intn(801) - 400
	case 1:
		return r.Intn(10001) - 5000
	case 2:
		edges := []int{308, 309, -307, -308, -323, -324, -325, 4931, 4932, 4933, -4931, -4950, -4951, -4952, 16, 17, 18, -4, -5}
		return edges[r.Intn(len(edges))]
	default:
		return r.Intn(61) - 30
	}
}

// randFloatString returns a string in or near strtod's syntax.
func randFloatString(r *rand.Rand) string {
	var b strings.Builder
	switch r.Intn(40) {
	case 0:
		specials := []string{"inf", "-inf", "+inf", "Infinity", "-INFINITY", "nan", "-nan", "NaN(1)", "infin", "", " ", ".", "-", "0x", "1e", "1e+", "5.", ".5", "-0", "0", "-.0e5"}
		return specials[r.Intn(len(specials))]
	case 1:
		// hexadecimal
		if r.Intn(2) == 0 {
			b.WriteByte('-')
		}
		b.WriteString("0x")
		const hex = "0123456789abcdefABCDEF"
		for i := r.Intn(20); i >= 0; i-- {
			b.WriteByte(hex[r.Intn(len(hex))])
			if r.Intn(15) == 0 {
				b.WriteByte('.')
			}
		}
		if r.Intn(3) > 0 {
			b.WriteByte("pP"[r.Intn(2)])
			b.WriteString(strconv.Itoa(randExponent(r) * 3))
		}
		return b.String()
	case 2, 3:
		// short, human-looking decimals
		b.WriteString(strconv.Itoa(r.Intn(2001) - 1000))
		if r.Intn(4) > 0 {
			b.WriteByte('.')
			b.WriteString(randDigits(r, 1+r.Intn(4)))
		}
		return b.String()
	}
	switch r.Intn(6) {
	case 0:
		b.WriteByte('-')
	case 1:
		b.WriteByte('+')
	}
	if r.Intn(8) == 0 {
		b.WriteString(strings.Repeat("0", 1+r.Intn(3)))
	}
	d := randDigits(r, 1+r.Intn(25))
	if p := r.Intn(len(d) + 4); p <= len(d) {
		d = d[:p] + "." + d[p:]
	}
	b.WriteString(d)
	if r.Intn(3) > 0 {
		b.WriteByte("eE"[r.Intn(2)])
		e := randExponent(r)
		if e >= 0 && r.Intn(3) == 0 {
			b.WriteByte('+')
		}
		b.WriteString(strconv.Itoa(e))
	}
	s := b.String()
	if r.Intn(40) == 0 {
		// a stray byte somewhere
		junk := " \t\nx.,e\x00"
		i := r.Intn(len(s) + 1)
		s = s[:i] + string(junk[r.Intn(len(junk))]) + s[i:]
	}
	return s
}
