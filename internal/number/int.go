package number

import "math"

// ParseInt parses s the way Redis 7.0's string2ll does, which is the rule
// behind "value is not an integer or out of range" (INCR, INCRBY, DECRBY,
// EXPIRE, SETRANGE offsets, ...).
//
// Only the canonical decimal spelling of an int64 is accepted: an optional
// '-' followed by digits, with no '+', no white space anywhere, no leading
// zeros (the string "0" itself is fine, "-0" and "007" are not) and a value
// within [math.MinInt64, math.MaxInt64]. In other words ParseInt(s) succeeds
// exactly when s == strconv.FormatInt(n, 10) for some int64 n.
func ParseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	neg := false
	i := 0
	if s[0] == '-' {
		neg = true
		i = 1
		if len(s) == 1 {
			return 0, false
		}
	}
	// The first digit must be 1-9: this rejects leading zeros and "-0".
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > uint64(math.MaxInt64)+1 {
			return 0, false
		}
		return -int64(v), true // wraps correctly for math.MinInt64
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}
