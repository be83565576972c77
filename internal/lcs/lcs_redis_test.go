package lcs

// Differential test against a real redis-server: for random short strings,
// LCS, LCS LEN, LCS IDX WITHMATCHLEN and LCS IDX MINMATCHLEN n must all agree
// with Compute.

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
	"reflect"
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

func (rc *respConn) read() (any, error) {
	l, err := rc.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(l) < 3 || !strings.HasSuffix(l, "\r\n") {
		return nil, fmt.Errorf("resp: bad line %q", l)
	}
	body := l[1 : len(l)-2]
	switch l[0] {
	case '+':
		return body, nil
	case '-':
		return respError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rc.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = rc.read(); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, errors.New("resp: unexpected reply " + strconv.Quote(l))
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
			if v, err := rc.do("PING"); err != nil || v != "PONG" {
				t.Fatalf("PING: %v, %v", v, err)
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

// decodeIdx turns the RESP2 reply of LCS ... IDX into matches and the total
// length.
func decodeIdx(v any) ([]Match, int, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) != 4 || arr[0] != "matches" || arr[2] != "len" {
		return nil, 0, fmt.Errorf("unexpected IDX reply %#v", v)
	}
	total, ok := arr[3].(int64)
	if !ok {
		return nil, 0, fmt.Errorf("unexpected len %#v", arr[3])
	}
	list, ok := arr[1].([]any)
	if !ok {
		return nil, 0, fmt.Errorf("unexpected matches %#v", arr[1])
	}
	pair := func(x any) ([2]int, error) {
		p, ok := x.([]any)
		if !ok || len(p) != 2 {
			return [2]int{}, fmt.Errorf("unexpected range %#v", x)
		}
		s, ok1 := p[0].(int64)
		e, ok2 := p[1].(int64)
		if !ok1 || !ok2 {
			return [2]int{}, fmt.Errorf("unexpected range %#v", x)
		}
		return [2]int{int(s), int(e)}, nil
	}
	matches := []Match{}
	for _, x := range list {
		item, ok := x.([]any)
		if !ok || len(item) < 2 || len(item) > 3 {
			return nil, 0, fmt.Errorf("unexpected match %#v", x)
		}
		var m Match
		var err error
		if m.A, err = pair(item[0]); err != nil {
			return nil, 0, err
		}
		if m.B, err = pair(item[1]); err != nil {
			return nil, 0, err
		}
		if len(item) == 3 {
			l, ok := item[2].(int64)
			if !ok {
				return nil, 0, fmt.Errorf("unexpected match length %#v", item[2])
			}
			m.Len = int(l)
		} else {
			m.Len = -1 // not reported
		}
		matches = append(matches, m)
	}
	return matches, int(total), nil
}

// withoutLen copies matches with Len set to -1, as IDX reports them without
// WITHMATCHLEN.
func withoutLen(ms []Match) []Match {
	out := make([]Match, len(ms))
	for i, m := range ms {
		m.Len = -1
		out[i] = m
	}
	return out
}

type lcsCase struct {
	a, b   string
	minLen int
}

// checkBatch sends the four LCS forms for every case in one pipeline and
// compares the replies with Compute.
func checkBatch(t *testing.T, rc *respConn, cases []lcsCase) {
	t.Helper()
	for _, c := range cases {
		rc.send("SET", "a", c.a)
		rc.send("SET", "b", c.b)
		rc.send("LCS", "a", "b")
		rc.send("LCS", "a", "b", "LEN")
		rc.send("LCS", "a", "b", "IDX", "WITHMATCHLEN")
		rc.send("LCS", "a", "b", "IDX", "MINMATCHLEN", strconv.Itoa(c.minLen))
	}
	if err := rc.flush(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var replies [6]any
		for i := range replies {
			v, err := rc.read()
			if err != nil {
				t.Fatal(err)
			}
			if e, ok := v.(respError); ok {
				t.Fatalf("(%q, %q): redis error %s", c.a, c.b, e)
			}
			replies[i] = v
		}
		r := Compute(c.a, c.b)
		if replies[2] != r.LCS {
			t.Errorf("LCS %q %q: redis %q, Compute %q", c.a, c.b, replies[2], r.LCS)
		}
		if replies[3] != int64(r.Len) {
			t.Errorf("LCS %q %q LEN: redis %v, Compute %d", c.a, c.b, replies[3], r.Len)
		}
		ms, total, err := decodeIdx(replies[4])
		if err != nil {
			t.Fatal(err)
		}
		if total != r.Len || !reflect.DeepEqual(ms, append([]Match{}, r.Matches...)) {
			t.Errorf("LCS %q %q IDX WITHMATCHLEN: redis %v len %d, Compute %v len %d", c.a, c.b, ms, total, r.Matches, r.Len)
		}
		ms, total, err = decodeIdx(replies[5])
		if err != nil {
			t.Fatal(err)
		}
		if want := withoutLen(r.Filter(c.minLen)); total != r.Len || !reflect.DeepEqual(ms, want) {
			t.Errorf("LCS %q %q IDX MINMATCHLEN %d: redis %v len %d, Compute %v len %d", c.a, c.b, c.minLen, ms, total, want, r.Len)
		}
	}
}

func TestRedisDifferential(t *testing.T) {
	rc := startRedis(t)
	seed := time.Now().UnixNano()
	if s := os.Getenv("LCS_TEST_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("bad LCS_TEST_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (set LCS_TEST_SEED to replay)", seed)
	r := rand.New(rand.NewSource(seed))

	// Fixed cases first: the documentation example and the corner cases.
	fixed := []lcsCase{
		{"ohmytext", "mynewtext", 4},
		{"ohmytext", "mynewtext", 0},
		{"ohmytext", "mynewtext", -3},
		{"", "", 0},
		{"abc", "", 1},
		{"ab", "ba", 0},
		{"ba", "ab", 0},
		{"aaa", "a", 0},
		{"a", "aaa", 0},
		{"\x00\xff", "\xff\x00\xff", 2},
	}
	checkBatch(t, rc, fixed)

	alphabets := []string{"ab", "abc", "abcd", "ab\x00\xff"}
	matches, multi := 0, 0
	const batches, perBatch = 60, 100
	for batch := 0; batch < batches && !t.Failed(); batch++ {
		cases := make([]lcsCase, perBatch)
		for i := range cases {
			alpha := alphabets[r.Intn(len(alphabets))]
			cases[i] = lcsCase{
				a:      randomString(r, alpha, 14),
				b:      randomString(r, alpha, 14),
				minLen: r.Intn(6) - 1,
			}
			res := Compute(cases[i].a, cases[i].b)
			matches += len(res.Matches)
			if len(res.Matches) > 1 {
				multi++
			}
		}
		checkBatch(t, rc, cases)
	}
	t.Logf("%d random pairs, %d matches, %d pairs with several matches", batches*perBatch, matches, multi)
	if multi < batches*perBatch/4 {
		t.Errorf("only %d pairs had several matches: the generator is too weak", multi)
	}
}

// TestRedisTableLimit checks that Redis refuses exactly when TableBytes
// exceeds proto-max-bulk-len.
func TestRedisTableLimit(t *testing.T) {
	rc := startRedis(t)
	const limit = 1 << 20
	if v, err := rc.do("CONFIG", "SET", "proto-max-bulk-len", strconv.Itoa(limit)); err != nil || v != "OK" {
		t.Fatalf("CONFIG SET: %v %v", v, err)
	}
	for _, sz := range [][2]int{{511, 511}, {512, 511}, {1000, 200}, {1000, 300}} {
		rc.send("SET", "a", strings.Repeat("x", sz[0]))
		rc.send("SET", "b", strings.Repeat("y", sz[1]))
		rc.send("LCS", "a", "b", "LEN")
		if err := rc.flush(); err != nil {
			t.Fatal(err)
		}
		var v any
		for i := 0; i < 3; i++ {
			var err error
			if v, err = rc.read(); err != nil {
				t.Fatal(err)
			}
		}
		_, refused := v.(respError)
		if want := TableBytes(sz[0], sz[1]) > limit; refused != want {
			t.Errorf("lengths %v: redis refused=%v (%v), TableBytes=%d > %d is %v",
				sz, refused, v, TableBytes(sz[0], sz[1]), limit, want)
		}
	}
}
