package glob

// Differential tests against a real redis-server: random (pattern, string)
// pairs are checked with KEYS (case-sensitive matching) and CONFIG GET
// (case-insensitive matching), and the documented corner cases are re-checked.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// respConn is a minimal RESP2 client: commands are arrays of bulk strings,
// replies are decoded into string (simple and bulk), int64, respError, nil
// (null bulk or array) and []any (arrays).
type respConn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

type respError string

func (e respError) Error() string { return string(e) }

func (rc *respConn) send(args ...string) {
	fmt.Fprintf(rc.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(rc.w, "$%d\r\n%s\r\n", len(a), a)
	}
}

func (rc *respConn) flush() error { return rc.w.Flush() }

func (rc *respConn) line() (string, error) {
	l, err := rc.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(l, "\r\n") {
		return "", fmt.Errorf("resp: line without CRLF: %q", l)
	}
	return l[:len(l)-2], nil
}

func (rc *respConn) read() (any, error) {
	l, err := rc.line()
	if err != nil {
		return nil, err
	}
	if l == "" {
		return nil, errors.New("resp: empty line")
	}
	body := l[1:]
	switch l[0] {
	case '+':
		return body, nil
	case '-':
		return respError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rc.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = rc.read(); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("resp: unexpected reply %q", l)
}

// do sends one command and returns its reply; a Redis error reply is
// returned as a respError value, not as err.
func (rc *respConn) do(args ...string) (any, error) {
	rc.send(args...)
	if err := rc.flush(); err != nil {
		return nil, err
	}
	return rc.read()
}

// mustDo is do for commands that must succeed.
func (rc *respConn) mustDo(t *testing.T, args ...string) any {
	t.Helper()
	v, err := rc.do(args...)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	if e, ok := v.(respError); ok {
		t.Fatalf("%q: redis error %s", args, e)
	}
	return v
}

// startRedis starts a private redis-server on a Unix socket and returns a
// connection to it. It skips the test when redis-server is not installed,
// unless CI=true, where it fails.
func startRedis(t *testing.T) *respConn {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server not found on PATH (required when CI=true): %v", err)
		}
		t.Skip("redis-server not found on PATH; skipping the differential test against Redis")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "r.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no", "--dir", dir)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			rc := &respConn{c: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
			t.Cleanup(func() { c.Close() })
			if v := rc.mustDo(t, "PING"); v != "PONG" {
				t.Fatalf("PING replied %v", v)
			}
			return rc
		}
		select {
		case <-exited:
			t.Fatalf("redis-server exited early: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not open %s: %v\n%s", sock, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testSeed returns the seed for a randomized test, from GLOB_TEST_SEED if
// set, and logs it so that a failure can be replayed.
func testSeed(t *testing.T) int64 {
	seed := time.Now().UnixNano()
	if s := os.Getenv("GLOB_TEST_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("bad GLOB_TEST_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (set GLOB_TEST_SEED to replay)", seed)
	return seed
}

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
func checkKeys(t *testing.T, rc *respConn, keys, patterns []string) int {
	t.Helper()
	rc.send("FLUSHALL")
	for _, k := range keys {
		rc.send("SET", k, "1")
	}
	for _, p := range patterns {
		rc.send("KEYS", p)
	}
	if err := rc.flush(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1+len(keys); i++ {
		v, err := rc.read()
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := v.(respError); ok {
			t.Fatalf("setup command failed: %s", e)
		}
	}
	matched := 0
	for _, p := range patterns {
		v, err := rc.read()
		if err != nil {
			t.Fatal(err)
		}
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
	rc := startRedis(t)
	r := rand.New(rand.NewSource(testSeed(t)))
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
	rc := startRedis(t)
	for _, c := range append(append([]matchCase{}, matchCases...), nestingCases()...) {
		if c.fold {
			continue // checked through CONFIG GET below
		}
		if c.s == "" && c.pattern == "*" {
			continue // KEYS special-cases "*"; checked separately
		}
		rc.send("FLUSHALL")
		rc.send("SET", c.s, "1")
		rc.send("EXISTS", c.s)
		rc.send("KEYS", c.pattern)
		if err := rc.flush(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if _, err := rc.read(); err != nil {
				t.Fatal(err)
			}
		}
		if v, err := rc.read(); err != nil || v != int64(1) {
			t.Fatalf("EXISTS %q = %v, %v", c.s, v, err)
		}
		v, err := rc.read()
		if err != nil {
			t.Fatal(err)
		}
		got := len(toStrings(t, v)) == 1
		if got != c.want {
			t.Errorf("redis: KEYS %.40q with key %.40q: %v, table says %v", c.pattern, c.s, got, c.want)
		}
	}

	// The empty key: KEYS "*" lists it (special case), "**" does not.
	rc.mustDo(t, "FLUSHALL")
	rc.mustDo(t, "SET", "", "1")
	if got := toStrings(t, rc.mustDo(t, "KEYS", "*")); len(got) != 1 {
		t.Errorf("KEYS * with the empty key: %q", got)
	}
	if got := toStrings(t, rc.mustDo(t, "KEYS", "**")); len(got) != 0 {
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
func configNames(t *testing.T, rc *respConn) map[string]bool {
	t.Helper()
	names := configGet(t, rc, "*")
	if len(names) < 50 || !names["maxmemory"] {
		t.Fatalf("CONFIG GET * returned only %d names", len(names))
	}
	return names
}

// configGet returns the set of names listed by CONFIG GET pattern.
func configGet(t *testing.T, rc *respConn, pattern string) map[string]bool {
	t.Helper()
	return namesFromConfigReply(t, rc.mustDo(t, "CONFIG", "GET", pattern))
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
	rc := startRedis(t)
	names := configNames(t, rc)
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	r := rand.New(rand.NewSource(testSeed(t)))
	const batches, perBatch = 100, 100
	matched := 0
	for batch := 0; batch < batches && !t.Failed(); batch++ {
		patterns := make([]string, perBatch)
		for i := range patterns {
			patterns[i] = randomFoldPattern(r, sorted[r.Intn(len(sorted))])
			rc.send("CONFIG", "GET", patterns[i])
		}
		if err := rc.flush(); err != nil {
			t.Fatal(err)
		}
		for _, p := range patterns {
			v, err := rc.read()
			if err != nil {
				t.Fatal(err)
			}
			got := namesFromConfigReply(t, v)
			for _, n := range sorted {
				want := MatchFold(p, n)
				if got[n] != want {
					t.Errorf("CONFIG GET %q: redis lists %q: %v, MatchFold says %v", p, n, got[n], want)
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
