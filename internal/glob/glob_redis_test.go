package glob

// Differential tests against a real redis-server: random (pattern, string)
// pairs are checked with KEYS (case-sensitive matching) and CONFIG GET
// (case-insensitive matching), and the documented corner cases are re-checked.

import (
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
)

func toStrings(t *testing.T, v any) []string {
	t.Helper()
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("expected an array reply, got %#v", v)
	}
	out := make([]string, len(arr))
	for i, x := range arr {
		s, ok := x.(string)
		if !ok {
			t.Fatalf("expected a bulk string in array, got %#v", x)
		}
		out[i] = s
	}
	return out
}

// keysMatch is what KEYS pattern lists for key: Redis lists every key for
// the pattern "*" without calling the matcher.
func keysMatch(pattern, key string) bool {
	return pattern == "*" || Match(pattern, key)
}

// checkKeys stores keys, sends KEYS for every pattern in one pipeline and
// compares each reply with Match. It returns the number of matching pairs.
func checkKeys(t *testing.T, rc *redistest.Client, keys, patterns []string) int {
	t.Helper()
	rc.Send("FLUSHALL")
	for _, k := range keys {
		rc.Send("SET", k, "1")
	}
	for _, p := range patterns {
		rc.Send("KEYS", p)
	}
	for i := 0; i < 1+len(keys); i++ {
		if e, ok := rc.Receive(t).(redistest.ReplyError); ok {
			t.Fatalf("setup command failed: %s", e)
		}
	}
	matched := 0
	for _, p := range patterns {
		v := rc.Receive(t)
		got := map[string]bool{}
		for _, k := range toStrings(t, v) {
			got[k] = true
		}
		for _, k := range keys {
			want := keysMatch(p, k)
			if got[k] != want {
				t.Errorf("KEYS %q: redis lists %q: %v, Match says %v", p, k, got[k], want)
			}
			if got[k] {
				matched++
			}
		}
	}
	return matched
}

func TestRedisKeysDifferential(t *testing.T) {
	rc := redistest.Start(t).Dial(t)
	r := rand.New(rand.NewSource(redistest.Seed(t, "GLOB_TEST_SEED")))
	const rounds, nKeys, nPatterns = 1500, 50, 50
	matched, total := 0, 0
	start := time.Now()
	for round := 0; round < rounds && !t.Failed(); round++ {
		keySet := map[string]bool{}
		var keys []string
		for len(keys) < nKeys {
			k := randomFrom(r, stringAlphabet, 6)
			if !keySet[k] {
				keySet[k] = true
				keys = append(keys, k)
			}
		}
		patterns := make([]string, nPatterns)
		for i := range patterns {
			if i%2 == 0 {
				patterns[i] = randomFrom(r, patternAlphabet, 8)
			} else {
				patterns[i] = randomPatternFor(r, keys[r.Intn(len(keys))])
			}
		}
		matched += checkKeys(t, rc, keys, patterns)
		total += nKeys * nPatterns
	}
	t.Logf("%d of %d (pattern, key) pairs matched, in %v", matched, total, time.Since(start))
	if matched < total/50 {
		t.Errorf("only %d of %d pairs matched: the generator is too weak", matched, total)
	}
}

// TestRedisCornerCases re-checks the hand-written table and the nesting limit
// against Redis.
func TestRedisCornerCases(t *testing.T) {
	rc := redistest.Start(t).Dial(t)
	for _, c := range append(append([]matchCase{}, matchCases...), nestingCases()...) {
		if c.fold {
			continue // checked through CONFIG GET below
		}
		if c.s == "" && c.pattern == "*" {
			continue // KEYS special-cases "*"; checked separately
		}
		rc.Send("FLUSHALL")
		rc.Send("SET", c.s, "1")
		rc.Send("EXISTS", c.s)
		rc.Send("KEYS", c.pattern)
		for i := 0; i < 2; i++ {
			rc.Receive(t)
		}
		if v := rc.Receive(t); v != int64(1) {
			t.Fatalf("EXISTS %q = %v", c.s, v)
		}
		got := len(toStrings(t, rc.Receive(t))) == 1
		if got != c.want {
			t.Errorf("redis: KEYS %.40q with key %.40q: %v, table says %v", c.pattern, c.s, got, c.want)
		}
	}

	// The empty key: KEYS "*" lists it (special case), "**" does not.
	rc.MustDo(t, "FLUSHALL")
	rc.MustDo(t, "SET", "", "1")
	if got := toStrings(t, rc.MustDo(t, "KEYS", "*")); len(got) != 1 {
		t.Errorf("KEYS * with the empty key: %q", got)
	}
	if got := toStrings(t, rc.MustDo(t, "KEYS", "**")); len(got) != 0 {
		t.Errorf("KEYS ** with the empty key: %q", got)
	}
	if Match("**", "") || Match("*", "") {
		t.Errorf("Match(*, \"\") or Match(**, \"\") is true")
	}

	// Case-insensitive cases go through CONFIG GET, which matches config
	// names with nocase. Only cases whose subject is a config name apply.
	names := configNames(t, rc)
	for _, c := range matchCases {
		if !c.fold || !names[c.s] || !strings.ContainsAny(c.pattern, "[*?") {
			continue
		}
		got := configGet(t, rc, c.pattern)[c.s]
		if got != c.want {
			t.Errorf("redis: CONFIG GET %q lists %q: %v, table says %v", c.pattern, c.s, got, c.want)
		}
	}
}

// configNames returns every config parameter name (and alias) the server has.
func configNames(t *testing.T, rc *redistest.Client) map[string]bool {
	t.Helper()
	names := configGet(t, rc, "*")
	if len(names) < 50 || !names["maxmemory"] {
		t.Fatalf("CONFIG GET * returned only %d names", len(names))
	}
	return names
}

// configGet returns the set of names listed by CONFIG GET pattern.
func configGet(t *testing.T, rc *redistest.Client, pattern string) map[string]bool {
	t.Helper()
	return namesFromConfigReply(t, rc.MustDo(t, "CONFIG", "GET", pattern))
}

func namesFromConfigReply(t *testing.T, v any) map[string]bool {
	t.Helper()
	kv := toStrings(t, v)
	names := map[string]bool{}
	for i := 0; i < len(kv); i += 2 {
		names[kv[i]] = true
	}
	return names
}

// randomFoldPattern derives a pattern from a config name, with case changes,
// wildcards, bracket expressions (including ranges with upper-case bounds and
// escapes) that exercise the nocase quirks.
func randomFoldPattern(r *rand.Rand, name string) string {
	const bounds = "aAmMzZ_`[-.09bBnN"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch r.Intn(14) {
		case 0:
			b.WriteByte('?')
		case 1:
			b.WriteByte('*')
			i += r.Intn(4)
		case 2:
			fmt.Fprintf(&b, "[%c%c]", bounds[r.Intn(len(bounds))], flipCase(c))
		case 3:
			fmt.Fprintf(&b, "[\\%c]", maybeFlip(r, c))
		case 4:
			fmt.Fprintf(&b, "[%c-%c]", bounds[r.Intn(len(bounds))], bounds[r.Intn(len(bounds))])
		case 5:
			fmt.Fprintf(&b, "[^%c]", maybeFlip(r, c))
		case 6:
			fmt.Fprintf(&b, "\\%c", maybeFlip(r, c))
		default:
			b.WriteByte(maybeFlip(r, c))
		}
	}
	switch r.Intn(6) {
	case 0:
		b.WriteByte('*')
	case 1:
		b.WriteString("[")
	}
	p := b.String()
	if !strings.ContainsAny(p, "[*?") {
		// Without one of these CONFIG GET does an exact lookup instead of
		// matching.
		p += "*"
	}
	return p
}

func flipCase(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z':
		return c - 32
	case 'A' <= c && c <= 'Z':
		return c + 32
	}
	return c
}

func maybeFlip(r *rand.Rand, c byte) byte {
	if r.Intn(2) == 0 {
		return flipCase(c)
	}
	return c
}

func TestRedisConfigGetFoldDifferential(t *testing.T) {
	rc := redistest.Start(t).Dial(t)
	names := configNames(t, rc)
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	r := rand.New(rand.NewSource(redistest.Seed(t, "GLOB_TEST_SEED")))
	const batches, perBatch = 100, 100
	matched := 0
	for batch := 0; batch < batches && !t.Failed(); batch++ {
		patterns := make([]string, perBatch)
		for i := range patterns {
			patterns[i] = randomFoldPattern(r, sorted[r.Intn(len(sorted))])
			rc.Send("CONFIG", "GET", patterns[i])
		}
		for _, p := range patterns {
			got := namesFromConfigReply(t, rc.Receive(t))
			for _, n := range sorted {
				want := matchFold(p, n)
				if got[n] != want {
					t.Errorf("CONFIG GET %q: redis lists %q: %v, matchFold says %v", p, n, got[n], want)
				}
				if want {
					matched++
				}
			}
		}
	}
	t.Logf("%d (pattern, name) pairs matched", matched)
	if matched < batches*perBatch/4 {
		t.Errorf("only %d pairs matched: the generator is too weak", matched)
	}
}
