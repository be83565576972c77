// Package glob implements Redis's glob-style pattern matching, the matcher
// behind KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH, PSUBSCRIBE and CONFIG GET.
//
// The semantics are those of Redis 7.0's stringmatchlen as shipped by the
// redis-server this package is tested against: Debian's 7.0.15, which
// carries the backported fix for CVE-2024-31228, a limit on the nesting of
// stars (upstream 7.0.15 itself has no such limit; the later upstream
// security releases of 6.2, 7.2 and 7.4 added one).
// Matching is byte-wise: patterns and subjects are arbitrary byte strings,
// not UTF-8 text, and a multi-byte rune is several bytes to '?'.
//
// # Syntax
//
// A pattern is a sequence of tokens. Every token except '*' matches exactly
// one byte:
//
//   - '*' matches any run of bytes, including the empty one. Consecutive
//     stars behave as one.
//   - '?' matches any single byte.
//   - '\x' matches the byte x literally, whatever x is. A backslash that is
//     the last byte of the pattern is an ordinary byte and matches '\'.
//   - '[' starts a bracket expression, described below.
//   - Any other byte (including ']', '^' and '-') matches itself.
//
// A bracket expression '[' ... ']' matches one byte that is (or, when the
// first byte after '[' is '^', is not) described by one of its items. The
// items are read left to right, in this order of precedence:
//
//   - '\x', when at least one byte follows the backslash, stands for x. This
//     is how ']', '^', '-' and '\' are put in a set: '[\]]' matches ']'.
//   - ']' ends the expression. There is no special case for a ']' right
//     after '[' or '[^': '[]' matches nothing, '[^]' matches any byte, and
//     '[]a]' is the empty set followed by the literal "a]".
//   - 'x-y', when at least three bytes remain, is the range from x to y
//     inclusive; a reversed range 'z-a' is the same as 'a-z'. The bounds are
//     taken as they are, never as escapes or as the closing bracket: in
//     '[a-]]' the range is 'a' to ']' and the second ']' closes, and '[a-]' is
//     the range 'a' to ']' in an unterminated expression.
//   - any other byte is itself ('-' when it cannot start a range, and a
//     lone trailing backslash, stand for themselves).
//
// # Corner cases
//
// These were all checked against a real redis-server (see
// glob_redis_test.go):
//
//   - An unterminated bracket expression is not an error: every byte up to
//     the end of the pattern is an item and the expression ends there, as if
//     the pattern ended with ']'. So '[abc' matches "a", "b" or "c"; '[' alone
//     is the empty set and matches nothing; '[^' matches any single byte;
//     '[\' matches a backslash; '[\]' matches ']'.
//   - Range bounds compare as C's signed char does on x86-64: bytes 0x80-0xff
//     sort below 0x00. '[\x01-\xff]' is therefore the range from -1 to 1 and
//     matches 0xff, 0x00 and 0x01 only, and '[\x7f-\x80]' matches every byte.
//   - The empty string is matched by the empty pattern only. Match("*", "")
//     is false, exactly as in stringmatchlen. KEYS and SCAN do list an empty
//     key for the pattern "*", but only because they special-case a pattern
//     that is exactly "*" and never call the matcher for it ("**" does not
//     list it); PSUBSCRIBE "*" does not receive PUBLISH "" messages. A caller
//     that implements KEYS or SCAN must make the same special case.
//   - Nesting limit: Redis recurses once per group of stars and gives up (no
//     match) past 1000 levels. Hence a pattern with more than MaxStarGroups
//     star groups followed by some other token matches nothing; a final group
//     of stars does not count.
//   - Case folding (CompileFold, Redis's nocase flag, used by CONFIG GET) folds
//     ASCII letters only, and it is not the same as lowering both inputs:
//     an escaped byte inside brackets is still compared case-sensitively
//     ('[\M]' does not match "m"), and a range is ordered first and only then
//     are its bounds lowered, so '[Z-a]' and '[B-_]' match nothing while
//     '[A-z]' matches letters but not '_'.
//
// # Algorithm
//
// Redis matches recursively, trying the rest of the pattern at every
// position after a '*'. Because every other token consumes exactly one byte,
// the same language is decided by the classic iterative matcher that keeps
// only the most recent '*' as a backtracking point: when a token fails, the
// last star swallows one more byte and matching resumes just after it.
// Earlier stars never need to be revisited: if the tail after the last star
// cannot match anywhere in the rest of the subject, no longer match of an
// earlier star can help, since it would only leave less of the subject for
// that same tail. The cost is O(len(pattern) * len(s)) in the worst case and
// there is no recursion, so patterns like "a*a*a*a*a*a*b" cannot blow up.
// Match interprets the pattern as it goes and allocates nothing (its folding
// twin is the reference the tests check CompileFold against); Compile
// pre-parses it, turning bracket expressions into 256-bit sets, which
// pays off when one pattern is matched against many strings.
package glob

// MaxStarGroups is Redis's recursion limit for '*': a pattern with more than
// this many groups of consecutive stars that are followed by another token
// matches no string. A trailing group of stars is not counted.
const MaxStarGroups = 1000

// Match reports whether s matches the glob pattern, byte-wise and
// case-sensitively, exactly as Redis's stringmatchlen with nocase=0 (KEYS,
// SCAN MATCH, PSUBSCRIBE). Note that Match("*", "") is false; see the package
// documentation.
func Match(pattern, s string) bool {
	return match(pattern, s, false)
}

// IsLiteral reports whether pattern contains none of the bytes that have a
// meaning to the matcher ('*', '?', '[' and '\'), so that Match(pattern, s)
// holds exactly when s == pattern. A SCAN MATCH or KEYS with such a pattern
// can be answered with a single lookup (for the case-sensitive Match only).
func IsLiteral(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?', '[', '\\':
			return false
		}
	}
	return true
}

// lower folds an ASCII upper-case letter to lower case, as C's tolower does
// in the "C" locale; every other byte is returned unchanged.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// Kinds of item in a bracket expression, as returned by classItem.
const (
	itemEnd     = iota // the expression ends (by ']' or by the end of the pattern)
	itemEscaped        // '\x': the byte x, compared case-sensitively
	itemRange          // 'x-y': the range between x and y
	itemByte           // any other byte, itself
)

// classItem parses the bracket item starting at p[i]. It returns the item's
// kind, its byte(s) (lo alone for itemEscaped and itemByte) and the index just
// past it. For itemEnd, next is past the ']' or len(p).
func classItem(p string, i int) (kind int, lo, hi byte, next int) {
	switch {
	case i+1 < len(p) && p[i] == '\\':
		return itemEscaped, p[i+1], 0, i + 2
	case i >= len(p):
		return itemEnd, 0, 0, len(p)
	case p[i] == ']':
		return itemEnd, 0, 0, i + 1
	case i+2 < len(p) && p[i+1] == '-':
		return itemRange, p[i], p[i+2], i + 3
	default:
		return itemByte, p[i], 0, i + 1
	}
}

// inRange reports whether c is in the range with bounds x and y, comparing as
// signed chars. With fold, the bounds are ordered first and then lowered,
// and c is lowered, as Redis does.
func inRange(x, y, c byte, fold bool) bool {
	lo, hi := int8(x), int8(y)
	if lo > hi {
		lo, hi = hi, lo
	}
	v := int8(c)
	if fold {
		lo, hi, v = int8(lower(byte(lo))), int8(lower(byte(hi))), int8(lower(c))
	}
	return lo <= v && v <= hi
}

// matchClass matches c against the bracket expression whose '[' is at p[i],
// returning the result and the index just past the expression.
func matchClass(p string, i int, c byte, fold bool) (bool, int) {
	i++ // skip '['
	neg := false
	if i < len(p) && p[i] == '^' {
		neg = true
		i++
	}
	found := false
	for {
		kind, lo, hi, next := classItem(p, i)
		i = next
		switch kind {
		case itemEnd:
			return found != neg, i
		case itemEscaped:
			found = found || lo == c
		case itemRange:
			found = found || inRange(lo, hi, c, fold)
		case itemByte:
			found = found || lo == c || (fold && lower(lo) == lower(c))
		}
	}
}

// matchToken matches c against the single-byte token (anything but '*') at
// p[i] and returns the result and the index just past the token.
func matchToken(p string, i int, c byte, fold bool) (bool, int) {
	switch p[i] {
	case '?':
		return true, i + 1
	case '[':
		return matchClass(p, i, c, fold)
	case '\\':
		if i+1 < len(p) {
			i++
		}
	}
	return p[i] == c || (fold && lower(p[i]) == lower(c)), i + 1
}

// skipToken returns the index just past the token at p[i].
func skipToken(p string, i int) int {
	switch p[i] {
	case '[':
		_, next := matchClass(p, i, 0, false)
		return next
	case '\\':
		if i+1 < len(p) {
			return i + 2
		}
	}
	return i + 1
}

// tooManyStars reports whether p has more than MaxStarGroups groups of stars
// that are followed by a non-star token.
func tooManyStars(p string) bool {
	// Cheap pre-check: a star group contains at least one '*' byte.
	n := 0
	for i := 0; i < len(p) && n <= MaxStarGroups; i++ {
		if p[i] == '*' {
			n++
		}
	}
	if n <= MaxStarGroups {
		return false
	}
	groups := 0
	for i := 0; i < len(p); {
		if p[i] != '*' {
			i = skipToken(p, i)
			continue
		}
		for i < len(p) && p[i] == '*' {
			i++
		}
		if i < len(p) {
			groups++
			if groups > MaxStarGroups {
				return true
			}
		}
	}
	return false
}

func match(p, s string, fold bool) bool {
	if len(s) == 0 {
		// stringmatchlen never enters its loop for an empty subject.
		return len(p) == 0
	}
	if !fold && IsLiteral(p) {
		return p == s
	}
	if tooManyStars(p) {
		return false
	}
	pi, si := 0, 0
	// Backtracking point: the pattern index just after the last star group
	// seen, and the subject index at which to retry after it. starP < 0
	// means no star has been seen yet.
	starP, starS := -1, 0
	for {
		if pi < len(p) {
			if p[pi] == '*' {
				for pi < len(p) && p[pi] == '*' {
					pi++
				}
				if pi == len(p) {
					return true // a final star swallows the rest
				}
				starP, starS = pi, si
				continue
			}
			if si < len(s) {
				ok, next := matchToken(p, pi, s[si], fold)
				if ok {
					pi, si = next, si+1
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star swallow one more byte. The tail after
		// a star needs at least one byte, so give up once none is left.
		if starP < 0 || starS+1 >= len(s) {
			return false
		}
		starS++
		pi, si = starP, starS
	}
}
