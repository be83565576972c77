package number

import "strings"

// litKind tells what a scanned floating-point literal denotes.
type litKind uint8

const (
	litFinite litKind = iota
	litInf
	litNaN
)

// floatLit is a floating-point literal in the syntax accepted by glibc's
// strtod family in the C locale.
//
// For a finite decimal literal the value is digits × 10^exp; for a
// hexadecimal one it is digits (read in base 16) × 2^exp. digits has no
// leading or trailing zeros, so an empty digits means the value is zero.
type floatLit struct {
	kind   litKind
	neg    bool
	hex    bool
	digits string
	exp    int64
}

// expLimit bounds the magnitude of an exponent while scanning. Any literal
// whose exponent is beyond it is far outside every format's range, whatever
// its digits are, so saturating there keeps the arithmetic in int64 without
// changing a result.
const expLimit = 1 << 40

// isCSpace reports whether c is white space for C's isspace in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word w,
// ignoring ASCII case.
func hasPrefixFold(s, w string) bool {
	return len(s) >= len(w) && strings.EqualFold(s[:len(w)], w)
}

// scanFloat reads the longest prefix of s that strtod would convert, without
// skipping leading white space (callers deal with that), and returns the
// literal and the number of bytes it used. n is 0 when strtod would perform
// no conversion at all.
func scanFloat(s string) (lit floatLit, n int) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		lit.neg = s[i] == '-'
		i++
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "inf"):
		lit.kind = litInf
		if hasPrefixFold(rest, "infinity") {
			return lit, i + 8
		}
		return lit, i + 3
	case hasPrefixFold(rest, "nan"):
		lit.kind = litNaN
		j := i + 3
		if j < len(s) && s[j] == '(' {
			k := j + 1
			for k < len(s) && (isDigit(s[k]) || s[k] == '_' || (s[k]|0x20 >= 'a' && s[k]|0x20 <= 'z')) {
				k++
			}
			if k < len(s) && s[k] == ')' {
				return lit, k + 1
			}
		}
		return lit, j
	case len(rest) >= 2 && rest[0] == '0' && rest[1]|0x20 == 'x':
		if end, ok := scanHex(s, i+2, &lit); ok {
			return lit, end
		}
		// No hex digits: strtod converts the "0" and stops at the 'x'.
	}
	return scanDecimal(s, i, lit)
}

// scanMantissa reads digits[.digits] starting at s[i], in base 16 if hex
// is set and base 10 otherwise. It returns the significant digits (leading
// and trailing zeros removed), how many places the point must move left to
// go from that digit string to the literal's value (digits after the point,
// minus trailing zeros dropped), the end offset and whether any digit was
// seen.
func scanMantissa(s string, i int, hex bool) (digits string, fracShift int64, end int, any bool) {
	var buf []byte
	zeros := 0      // pending zeros, emitted only if a non-zero digit follows
	var scale int64 // number of digits seen after the point
	afterPoint := false
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' && !afterPoint {
			afterPoint = true
			continue
		}
		if !isDigit(c) {
			if _, ok := hexVal(c); !hex || !ok {
				break
			}
		}
		any = true
		if afterPoint {
			scale++
		}
		if c == '0' {
			// A leading zero only matters through scale; any other zero
			// is held back until a non-zero digit shows it is not trailing.
			if len(buf) > 0 {
				zeros++
			}
			continue
		}
		if buf == nil {
			buf = make([]byte, 0, len(s)-i)
		}
		for ; zeros > 0; zeros-- {
			buf = append(buf, '0')
		}
		buf = append(buf, c)
	}
	// Trailing zeros that were never emitted scale the value up instead.
	return string(buf), scale - int64(zeros), i, any
}

// scanExponent reads an exponent introduced by one of the bytes in marks at
// s[i]. It returns the exponent (saturated to ±expLimit) and the end offset;
// if there is no well-formed exponent it returns 0 and i.
func scanExponent(s string, i int, marks string) (int64, int) {
	if i >= len(s) || strings.IndexByte(marks, s[i]) < 0 {
		return 0, i
	}
	j := i + 1
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	if j >= len(s) || !isDigit(s[j]) {
		return 0, i
	}
	var e int64
	for ; j < len(s) && isDigit(s[j]); j++ {
		if e < expLimit {
			e = e*10 + int64(s[j]-'0')
		}
	}
	if e > expLimit {
		e = expLimit
	}
	if neg {
		e = -e
	}
	return e, j
}

func clampExp(e int64) int64 {
	if e > expLimit {
		return expLimit
	}
	if e < -expLimit {
		return -expLimit
	}
	return e
}

func scanDecimal(s string, i int, lit floatLit) (floatLit, int) {
	digits, shift, end, any := scanMantissa(s, i, false)
	if !any {
		return floatLit{}, 0
	}
	e, end := scanExponent(s, end, "eE")
	lit.digits = digits
	lit.exp = clampExp(e - shift)
	return lit, end
}

func scanHex(s string, i int, lit *floatLit) (int, bool) {
	digits, shift, end, any := scanMantissa(s, i, true)
	if !any {
		return 0, false
	}
	e, end := scanExponent(s, end, "pP")
	lit.hex = true
	lit.digits = digits
	lit.exp = clampExp(e - 4*shift)
	return end, true
}
