package glob

// Pattern is a pre-parsed glob pattern. It matches exactly like Match (with
// ASCII letters folded, for a pattern made by CompileFold) but does not
// re-read bracket expressions for every byte, so it is the better choice when
// one pattern is tested against many strings (KEYS, SCAN, pattern
// subscriptions). A Pattern is immutable and safe for concurrent use.
type Pattern struct {
	src    string
	fold   bool
	tokens []token
	// never is set when the pattern exceeds the star nesting limit.
	never bool
}

// token is one element of a compiled pattern.
type token struct {
	kind tokenKind
	b    byte     // the byte of a tokByte (already lowered when folding)
	set  *byteSet // the bytes a tokSet accepts
}

type tokenKind uint8

const (
	tokStar tokenKind = iota // one group of consecutive stars
	tokAny                   // '?'
	tokByte                  // a literal (possibly escaped) byte
	tokSet                   // a bracket expression
)

// byteSet is a set of bytes as a 256-bit bitmap.
type byteSet [4]uint64

func (s *byteSet) add(c byte)      { s[c>>6] |= 1 << (c & 63) }
func (s *byteSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }
func (s *byteSet) invert()         { s[0], s[1], s[2], s[3] = ^s[0], ^s[1], ^s[2], ^s[3] }
func (s *byteSet) addFunc(f func(byte) bool) {
	for c := 0; c < 256; c++ {
		if f(byte(c)) {
			s.add(byte(c))
		}
	}
}

// Compile parses pattern for case-sensitive matching, like Match. Every
// byte string is a valid pattern, so Compile cannot fail.
func Compile(pattern string) *Pattern {
	return compile(pattern, false)
}

// CompileFold parses pattern for ASCII case-insensitive matching, as Redis's
// nocase flag does (see the package documentation for its quirks).
func CompileFold(pattern string) *Pattern {
	return compile(pattern, true)
}

// String returns the source text of the pattern.
func (p *Pattern) String() string { return p.src }

// Fold reports whether the pattern was compiled by CompileFold.
func (p *Pattern) Fold() bool { return p.fold }

func compile(p string, fold bool) *Pattern {
	pat := &Pattern{src: p, fold: fold}
	if tooManyStars(p) {
		pat.never = true
		return pat
	}
	for i := 0; i < len(p); {
		switch p[i] {
		case '*':
			for i < len(p) && p[i] == '*' {
				i++
			}
			pat.tokens = append(pat.tokens, token{kind: tokStar})
		case '?':
			pat.tokens = append(pat.tokens, token{kind: tokAny})
			i++
		case '[':
			var set *byteSet
			set, i = compileClass(p, i, fold)
			pat.tokens = append(pat.tokens, token{kind: tokSet, set: set})
		default:
			c := p[i]
			if c == '\\' && i+1 < len(p) {
				i++
				c = p[i]
			}
			if fold {
				c = lower(c)
			}
			pat.tokens = append(pat.tokens, token{kind: tokByte, b: c})
			i++
		}
	}
	return pat
}

// compileClass builds the set of bytes accepted by the bracket expression
// whose '[' is at p[i], and returns it with the index just past it.
func compileClass(p string, i int, fold bool) (*byteSet, int) {
	set := new(byteSet)
	i++ // skip '['
	neg := false
	if i < len(p) && p[i] == '^' {
		neg = true
		i++
	}
	for {
		kind, lo, hi, next := classItem(p, i)
		i = next
		switch kind {
		case itemEnd:
			if neg {
				set.invert()
			}
			return set, i
		case itemEscaped:
			set.add(lo)
		case itemRange:
			set.addFunc(func(c byte) bool { return inRange(lo, hi, c, fold) })
		case itemByte:
			set.add(lo)
			if fold {
				set.addFunc(func(c byte) bool { return lower(c) == lower(lo) })
			}
		}
	}
}

// Match reports whether s matches the pattern. It gives the same answer as
// Match(p.String(), s), with ASCII letters folded for a pattern made by
// CompileFold.
func (p *Pattern) Match(s string) bool {
	if len(s) == 0 {
		return len(p.src) == 0
	}
	if p.never {
		return false
	}
	toks := p.tokens
	ti, si := 0, 0
	starT, starS := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			if t.kind == tokStar {
				ti++
				if ti == len(toks) {
					return true
				}
				starT, starS = ti, si
				continue
			}
			if si < len(s) && t.matches(s[si], p.fold) {
				ti, si = ti+1, si+1
				continue
			}
		} else if si == len(s) {
			return true
		}
		if starT < 0 || starS+1 >= len(s) {
			return false
		}
		starS++
		ti, si = starT, starS
	}
}

func (t *token) matches(c byte, fold bool) bool {
	switch t.kind {
	case tokAny:
		return true
	case tokByte:
		if fold {
			c = lower(c)
		}
		return t.b == c
	default: // tokSet
		return t.set.has(c)
	}
}
