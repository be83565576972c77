package glob

import (
	"math/rand"
	"strings"
	"testing"
	"time"
)

type matchCase struct {
	pattern, s string
	fold       bool
	want       bool
}

// matchCases pins down Redis's behaviour. Every case involving brackets,
// escapes, high bytes, the empty string or the nesting limit was checked
// against redis-server 7.0.15 (KEYS for case-sensitive cases, CONFIG GET for
// case-insensitive ones); TestRedisCornerCases re-checks them when a server
// is available.
var matchCases = []matchCase{
	// Empty subject and empty pattern.
	{"", "", false, true},
	{"", "a", false, false},
	{"a", "", false, false},
	{"*", "", false, false}, // KEYS special-cases "*"; the matcher does not
	{"**", "", false, false},
	{"?", "", false, false},
	{"[^", "", false, false},

	// Stars.
	{"*", "abc", false, true},
	{"*", "\x00", false, true},
	{"a*", "a", false, true},
	{"a**", "a", false, true},
	{"a*b", "ab", false, true},
	{"a*b", "axxb", false, true},
	{"a*b", "axxbc", false, false},
	{"a*b*", "axxbc", false, true},
	{"*a", "a", false, true},
	{"*a", "ba", false, true},
	{"*a", "ab", false, false},
	{"*?", "a", false, true},
	{"*??", "a", false, false},
	{"?*?", "a", false, false},
	{"a*b*c", "abbbc", false, true},
	{"a*b*c", "acb", false, false},
	{"*ab*ab*", "xabyab", false, true},
	{"*ab*ab*", "xaby", false, false},
	{"a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 100), false, false},
	{"a*a*a*a*a*a*a*a*a*b", strings.Repeat("a", 100) + "b", false, true},

	// '?'.
	{"?", "a", false, true},
	{"?", "ab", false, false},
	{"??", "\xff\x00", false, true},
	{"?", "é", false, false}, // two bytes
	{"??", "é", false, true},
	{"h?llo", "hello", false, true},
	{"h?llo", "hllo", false, false},

	// Brackets.
	{"h[ae]llo", "hallo", false, true},
	{"h[ae]llo", "hillo", false, false},
	{"h[^e]llo", "hallo", false, true},
	{"h[^e]llo", "hello", false, false},
	{"h[a-b]llo", "hbllo", false, true},
	{"h[a-b]llo", "hcllo", false, false},
	{"[z-a]", "a", false, true},
	{"[z-a]", "z", false, true},
	{"[z-a]", "A", false, false},
	{"[a-c]", "-", false, false},
	{"[-a]", "-", false, true},
	{"[a-]]", "]", false, true},
	{"[a-]]", "_", false, true},
	{"[a-]]", "a]", false, false},
	{"[a-\\]]", "a]", false, true},
	{"[a-\\]]", "\\]", false, true},
	{"[a-\\]]", "]]", false, true},
	{"[a-\\]]", "b]", false, false},
	{"[]", "]", false, false},
	{"[]", "x", false, false},
	{"[]a]", "a]", false, false},
	{"[]a]", "]a]", false, false},
	{"[]-a]", "-a]", false, false},
	{"[^]", "]", false, true},
	{"[^]", "x", false, true},
	{"[^-^]", "-", false, false},
	{"[^-^]", "A", false, true}, // '-' cannot start a range here: the set is {'-', '^'}
	{"[^-^]", "^", false, false},
	{"[^-^]", "_", false, true},
	{"[*]", "*", false, true},
	{"[*]", "a", false, false},
	{"[?]", "?", false, true},
	{"[?]", "a", false, false},
	{"[[]", "[", false, true},
	{"[é]", "\xa9", false, true}, // a set of bytes, not of runes
	{"[ab][cd]", "bd", false, true},
	{"[ab][cd]", "bb", false, false},

	// Escapes, outside and inside brackets.
	{"\\*", "*", false, true},
	{"\\*", "a", false, false},
	{"\\?", "?", false, true},
	{"\\?", "a", false, false},
	{"\\[a]", "[a]", false, true},
	{"\\\\", "\\", false, true},
	{"\\a", "a", false, true},
	{"\\", "\\", false, true}, // a trailing lone backslash is literal
	{"a\\", "a\\", false, true},
	{"a\\", "a", false, false},
	{"[\\]]", "]", false, true},
	{"[\\^a]", "^", false, true},
	{"[\\a-b]", "-", false, true}, // "\a" is an item, so "-b" is not a range
	{"[\\a-b]", "a", false, true},
	{"[\\a-b]", "b", false, true},
	{"[\\a-b]", "c", false, false},
	{"[a\\-c]", "-", false, true},
	{"[a\\-c]", "b", false, false},
	{"[a\\]", "]", false, true}, // "\]" is an item; the bracket is unterminated
	{"[a\\]", "a", false, true},
	{"[a\\]", "\\", false, false},

	// Unterminated brackets: the rest of the pattern is the set.
	{"[", "[", false, false},
	{"[", "a", false, false},
	{"[a", "a", false, true},
	{"[a", "[", false, false},
	{"[abc", "c", false, true},
	{"[abc", "ab", false, false},
	{"[^", "x", false, true},
	{"[^", "xy", false, false},
	{"[^a", "a", false, false},
	{"[^a", "b", false, true},
	{"[a-", "a", false, true},
	{"[a-", "-", false, true},
	{"[a-", "b", false, false},
	{"[a-]", "]", false, true}, // range 'a'..']', unterminated
	{"[a-]", "^", false, true},
	{"[a-]", "a", false, true},
	{"[a-]", "-", false, false},
	{"[a-]", "b", false, false},
	{"[\\", "\\", false, true},
	{"[\\", "]", false, false},
	{"[\\]", "]", false, true},
	{"[\\]", "\\", false, false},
	{"x[*", "x*", false, true},
	{"x[*", "xy", false, false},

	// Range bounds compare as signed chars.
	{"[\x01-\xff]", "\x00", false, true},
	{"[\x01-\xff]", "\x01", false, true},
	{"[\x01-\xff]", "\xff", false, true},
	{"[\x01-\xff]", "\x02", false, false},
	{"[\x01-\xff]", "\x80", false, false},
	{"[\x7f-\x80]", "a", false, true},
	{"[\x7f-\x80]", "\xc3", false, true},
	{"[\x80-\xff]", "\xc3", false, true},
	{"[\x80-\xff]", "a", false, false},
	{"[^\x80-\xff]", "\x7f", false, true},
	{"[^\x80-\xff]", "\x80", false, false},
	{"[\x00-\x7f]", "\x80", false, false},
	{"[\x00-\x7f]", "\x00", false, true},

	// NUL bytes are ordinary bytes.
	{"a\x00*", "a\x00b", false, true},
	{"a?b", "a\x00b", false, true},
	{"[\x00]", "\x00", false, true},

	// Case sensitivity.
	{"abc", "ABC", false, false},
	{"abc", "ABC", true, true},
	{"MAXMEMORY", "maxmemory", true, true},
	{"\\Maxmemory*", "maxmemory", true, true},
	{"?AXMEMORY", "maxmemory", true, true},
	{"[M]axmemory*", "maxmemory", true, true},
	{"[^M]axmemory*", "maxmemory", true, false},
	{"[L-N]axmemory", "maxmemory", true, true},
	{"[l-n]AXMEMORY", "MAXMEMORY", true, true},
	{"[A-z]axmemory*", "maxmemory", true, true},
	{"[A-z]", "_", false, true},
	{"[A-z]", "_", true, false}, // bounds lowered: 'a'..'z'
	{"[\\M]axmemory*", "maxmemory", true, false},
	{"[\\M]axmemory*", "Maxmemory", true, true},
	{"[\\m]axmemory*", "maxmemory", true, true},
	{"[\\m]axmemory*", "Maxmemory", true, false},
	{"[Z-a]axmemory*", "maxmemory", true, false},
	{"[Z-a]", "z", true, false}, // ordered 'Z'..'a', then lowered: 'z'..'a', empty
	{"[Z-a]", "_", false, true},
	{"[Z-a]", "_", true, false},
	{"[B-_]", "C", false, true},
	{"[B-_]", "c", true, false}, // ordered 'B'..'_', then lowered: 'b'..'_', empty
	{"[B-_]", "C", true, false},
	{"[b-_]", "A", true, true}, // ordered '_'..'b'; 'A' is lowered to 'a'
	{"[Z-n]axmemory", "maxmemory", false, true},
	{"[Z-n]axmemory", "maxmemory", true, false},
	{"[.-M]axmemory", "maxmemory", false, false},
	{"[.-M]axmemory", "maxmemory", true, true}, // '.'..'m' once lowered
	{"[M-M]AXMEMORY*", "maxmemory", true, true},
	{"\xc3\xa9", "\xc3\x89", true, false}, // only ASCII folds
	{"[\xc3]", "\xe3", true, false},
}

func TestMatchTable(t *testing.T) {
	for _, c := range matchCases {
		var got, gotCompiled bool
		if c.fold {
			got, gotCompiled = matchFold(c.pattern, c.s), CompileFold(c.pattern).Match(c.s)
		} else {
			got, gotCompiled = Match(c.pattern, c.s), Compile(c.pattern).Match(c.s)
		}
		if got != c.want {
			t.Errorf("match(%q, %q, fold=%v) = %v, want %v", c.pattern, c.s, c.fold, got, c.want)
		}
		if gotCompiled != c.want {
			t.Errorf("compiled match(%q, %q, fold=%v) = %v, want %v", c.pattern, c.s, c.fold, gotCompiled, c.want)
		}
		if strings.Count(c.pattern, "*") > 6 {
			continue // too slow for the exponential reference
		}
		if ref := refMatch(c.pattern, c.s, c.fold); ref != c.want {
			t.Errorf("reference match(%q, %q, fold=%v) = %v, want %v", c.pattern, c.s, c.fold, ref, c.want)
		}
	}
}

// nestingCases probe Redis's limit of MaxStarGroups star groups.
func nestingCases() []matchCase {
	a := func(n int) string { return strings.Repeat("a", n) }
	return []matchCase{
		{strings.Repeat("*a", 1000), a(1000), false, true},
		{strings.Repeat("*a", 1001), a(1001), false, false},
		{strings.Repeat("*a", 1001), a(2000), false, false},
		{strings.Repeat("a*", 1001), a(1001), false, true},  // last group is trailing
		{strings.Repeat("a*", 1002), a(1002), false, false}, // 1001 non-trailing
		{strings.Repeat("**a", 1000) + "*", a(1000) + "x", false, true},
		{strings.Repeat("*a", 1000) + "*b", a(1000) + "b", false, false},
		{strings.Repeat("*a", 999) + "*b", a(1000) + "b", false, true},
		{strings.Repeat("*a", 1001), a(1001), true, false},
		{strings.Repeat("*\\*", 1001), strings.Repeat("*", 1001), false, false},
		// Escaped and bracketed stars are not star groups.
		{strings.Repeat("\\*", 1001) + "*", strings.Repeat("*", 1001) + "x", false, true},
		{strings.Repeat("[*]", 1001) + "*a", strings.Repeat("*", 1001) + "a", false, true},
	}
}

func TestNestingLimit(t *testing.T) {
	for _, c := range nestingCases() {
		m := Match
		if c.fold {
			m = matchFold
		}
		if got := m(c.pattern, c.s); got != c.want {
			t.Errorf("match(%.20q..., len(s)=%d, fold=%v) = %v, want %v", c.pattern, len(c.s), c.fold, got, c.want)
		}
		cp := Compile(c.pattern)
		if c.fold {
			cp = CompileFold(c.pattern)
		}
		if got := cp.Match(c.s); got != c.want {
			t.Errorf("compiled match(%.20q..., len(s)=%d) = %v, want %v", c.pattern, len(c.s), got, c.want)
		}
	}
}

// TestNotExponential runs patterns that make a naive backtracking matcher
// explode. Each must finish quickly.
func TestNotExponential(t *testing.T) {
	long := strings.Repeat("a", 20000)
	patterns := []string{
		strings.Repeat("a*", 30) + "b",
		strings.Repeat("*a", 30) + "*b",
		strings.Repeat("*[a-c]", 30) + "*b",
		strings.Repeat("*?", 40) + "b",
		"*" + strings.Repeat("[^b]", 50) + "*b",
	}
	for _, p := range patterns {
		start := time.Now()
		if Match(p, long) {
			t.Errorf("Match(%q, a^20000) = true, want false", p)
		}
		if Compile(p).Match(long) {
			t.Errorf("Compile(%q).Match(a^20000) = true, want false", p)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("pattern %q took %v", p, d)
		}
		// And each matches once the missing 'b' is there.
		if !Match(p, long+"b") {
			t.Errorf("Match(%q, a^20000 b) = false, want true", p)
		}
	}
}

func TestIsLiteral(t *testing.T) {
	cases := []struct {
		p    string
		want bool
	}{
		{"", true},
		{"foo", true},
		{"foo:bar-baz]^", true},
		{"\xff\x00", true},
		{"foo*", false},
		{"f?o", false},
		{"f[o", false},
		{"f\\o", false},
	}
	for _, c := range cases {
		if got := IsLiteral(c.p); got != c.want {
			t.Errorf("IsLiteral(%q) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestPatternAccessors(t *testing.T) {
	p := CompileFold("Foo*")
	if p.String() != "Foo*" || !p.Fold() {
		t.Errorf("CompileFold(Foo*): String()=%q Fold()=%v", p.String(), p.Fold())
	}
	if q := Compile("x"); q.Fold() {
		t.Errorf("Compile(x).Fold() = true")
	}
	if !p.Match("FOOBAR") || !p.Match("foo") || p.Match("fo") {
		t.Errorf("CompileFold(Foo*) matches wrongly")
	}
}

// randomPattern and randomString draw from a small alphabet that is rich in
// special bytes, so that every corner of the syntax is exercised.
const (
	patternAlphabet = "**??[[]]^^--\\\\aabbcA\x80\xff\x00"
	stringAlphabet  = "aaabbbcA]^-[\\*?\x80\xff\x00_`"
)

func randomFrom(r *rand.Rand, alphabet string, maxLen int) string {
	n := r.Intn(maxLen + 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

// randomPatternFor returns a pattern likely to match s: s with some bytes
// replaced by wildcards, bracket expressions or escapes.
func randomPatternFor(r *rand.Rand, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch r.Intn(12) {
		case 0:
			b.WriteByte('?')
		case 1:
			b.WriteByte('*')
		case 2:
			b.WriteString("*")
			b.WriteByte(c)
		case 3:
			b.WriteByte('[')
			if r.Intn(3) == 0 {
				b.WriteByte('^')
			}
			b.WriteByte(c)
			b.WriteString(randomFrom(r, patternAlphabet, 2))
			b.WriteByte(']')
		case 4:
			b.WriteByte('[')
			b.WriteByte(stringAlphabet[r.Intn(len(stringAlphabet))])
			b.WriteByte('-')
			b.WriteByte(stringAlphabet[r.Intn(len(stringAlphabet))])
			b.WriteByte(']')
		case 5:
			b.WriteByte('\\')
			b.WriteByte(c)
		case 6:
			b.WriteString(randomFrom(r, patternAlphabet, 2))
		default:
			b.WriteByte(c)
		}
	}
	if r.Intn(4) == 0 {
		b.WriteString(randomFrom(r, patternAlphabet, 3))
	}
	return b.String()
}

func TestAgainstReference(t *testing.T) {
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	matched := 0
	const n = 200000
	for i := 0; i < n; i++ {
		s := randomFrom(r, stringAlphabet, 8)
		var p string
		if i%2 == 0 {
			p = randomFrom(r, patternAlphabet, 10)
		} else {
			p = randomPatternFor(r, s)
		}
		for _, fold := range []bool{false, true} {
			want := refMatch(p, s, fold)
			var got, gotCompiled bool
			if fold {
				got, gotCompiled = matchFold(p, s), CompileFold(p).Match(s)
			} else {
				got, gotCompiled = Match(p, s), Compile(p).Match(s)
			}
			if got != want || gotCompiled != want {
				t.Fatalf("pattern %q subject %q fold=%v: Match=%v compiled=%v reference=%v",
					p, s, fold, got, gotCompiled, want)
			}
			if want {
				matched++
			}
		}
	}
	// The generator must produce a healthy share of matches, or the test
	// proves little.
	if matched < n/10 {
		t.Errorf("only %d of %d random pairs matched", matched, 2*n)
	}
}

// refMatch is a deliberately naive matcher used as an oracle: it follows the
// steps of Redis's recursive matcher literally (trying the rest of the
// pattern at every position after a star), which is exponential in the
// number of stars, so it is only used on short inputs.
func refMatch(p, s string, fold bool) bool {
	if s == "" {
		return p == ""
	}
	return refRec(p, s, fold, 0)
}

func refLower(c int) int {
	if 'A' <= c && c <= 'Z' {
		return c + 32
	}
	return c
}

func refRec(p, s string, fold bool, depth int) bool {
	for p != "" && s != "" {
		c := s[0]
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			if depth+1 > MaxStarGroups {
				return false
			}
			for k := 0; k < len(s); k++ {
				if refRec(p[1:], s[k:], fold, depth+1) {
					return true
				}
			}
			return false
		case '?':
			p = p[1:]
		case '[':
			p = p[1:]
			negate := p != "" && p[0] == '^'
			if negate {
				p = p[1:]
			}
			hit := false
		items:
			for {
				switch {
				case len(p) >= 2 && p[0] == '\\':
					hit = hit || p[1] == c
					p = p[2:]
				case p == "":
					break items
				case p[0] == ']':
					p = p[1:]
					break items
				case len(p) >= 3 && p[1] == '-':
					lo, hi, x := int(int8(p[0])), int(int8(p[2])), int(int8(c))
					if lo > hi {
						lo, hi = hi, lo
					}
					if fold {
						lo, hi, x = refLower(lo), refLower(hi), refLower(x)
					}
					hit = hit || (lo <= x && x <= hi)
					p = p[3:]
				default:
					hit = hit || p[0] == c || (fold && refLower(int(p[0])) == refLower(int(c)))
					p = p[1:]
				}
			}
			if hit == negate {
				return false
			}
		default:
			if p[0] == '\\' && len(p) >= 2 {
				p = p[1:]
			}
			if p[0] != c && !(fold && refLower(int(p[0])) == refLower(int(c))) {
				return false
			}
			p = p[1:]
		}
		s = s[1:]
	}
	if s == "" {
		p = strings.TrimLeft(p, "*")
	}
	return p == "" && s == ""
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lower(c)
	}
	return string(b)
}

func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{"", ""},
		{"*", ""},
		{"h*llo", "hello"},
		{"h[^e]llo", "hallo"},
		{"[a-]", "^"},
		{"[\\]", "]"},
		{"[\x01-\xff]", "\xff"},
		{"a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa"},
		{"\\", "\\"},
		{"[^", "x"},
		{"[Z-a]*", "z"},
		{"*\\*?[*]", "a***"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		got := Match(p, s)
		gotFold := matchFold(p, s)
		if c := Compile(p).Match(s); c != got {
			t.Fatalf("Compile(%q).Match(%q) = %v, Match = %v", p, s, c, got)
		}
		if c := CompileFold(p).Match(s); c != gotFold {
			t.Fatalf("CompileFold(%q).Match(%q) = %v, MatchFold = %v", p, s, c, gotFold)
		}
		// The reference is exponential in the number of stars: keep it
		// to inputs where that cannot hurt.
		if strings.Count(p, "*") <= 4 && len(s) <= 16 && len(p) <= 64 {
			if want := refMatch(p, s, false); got != want {
				t.Fatalf("Match(%q, %q) = %v, reference %v", p, s, got, want)
			}
			if want := refMatch(p, s, true); gotFold != want {
				t.Fatalf("MatchFold(%q, %q) = %v, reference %v", p, s, gotFold, want)
			}
		}
		if IsLiteral(p) && got != (p == s) {
			t.Fatalf("literal pattern %q: Match(%q) = %v", p, s, got)
		}
		// Without bracket expressions, folding is the same as lowering
		// both sides. (Inside brackets Redis's quirks make it differ.)
		if !strings.Contains(p, "[") {
			if want := Match(asciiLower(p), asciiLower(s)); gotFold != want {
				t.Fatalf("MatchFold(%q, %q) = %v, Match on lowered inputs = %v", p, s, gotFold, want)
			}
		}
		e := escape(s)
		if !Match(e, s) {
			t.Fatalf("Match(escape(%q) = %q, %q) = false", s, e, s)
		}
		if m := Match(e, p); m != (p == s) {
			t.Fatalf("Match(escape(%q), %q) = %v", s, p, m)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	benches := []struct {
		name, p, s string
	}{
		{"literal", "user:1000:profile", "user:1000:profile"},
		{"prefix", "user:*", "user:1000:profile"},
		{"suffix", "*:profile", "user:1000:profile"},
		{"class", "user:[0-9][0-9][0-9][0-9]:*", "user:1000:profile"},
		{"backtrack", "a*a*a*a*a*a*a*a*b", strings.Repeat("a", 200)},
		{"bigclass", "*[" + strings.Repeat("xyz", 100) + "]", strings.Repeat("a", 200)},
	}
	for _, bc := range benches {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				Match(bc.p, bc.s)
			}
		})
		b.Run(bc.name+"/compiled", func(b *testing.B) {
			p := Compile(bc.p)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p.Match(bc.s)
			}
		})
	}
}

// matchFold is Match folding ASCII letters as Redis's nocase flag does: the
// interpreted reference that CompileFold (which the server uses) is checked
// against.
func matchFold(pattern, s string) bool {
	return match(pattern, s, true)
}

// escape returns a pattern that matches exactly s, by putting a backslash
// before every byte that is special to the matcher.
func escape(s string) string {
	var buf []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', '\\':
			buf = append(buf, '\\')
		}
		buf = append(buf, s[i])
	}
	return string(buf)
}
