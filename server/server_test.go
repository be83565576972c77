package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/server"
)

// needTool returns the path of a redis-tools program, skipping the test
// without it (and failing under CI=true, where ./test.sh installs it).
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH and CI=true (./test.sh installs redis-tools)", name)
		}
		t.Skipf("%s is not on PATH: skipping (./test.sh installs redis-tools)", name)
	}
	return path
}

func hostPort(t *testing.T, addr string) (string, string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

func TestRedisCLI(t *testing.T) {
	cli := needTool(t, "redis-cli")
	srv := embedistest.Run(t)
	host, port := hostPort(t, srv.Addr)
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(cli, append([]string{"-h", host, "-p", port}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %q: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run("", "SET", "greeting", "hello world"); got != "OK" {
		t.Fatalf("SET: %q", got)
	}
	if got := run("", "GET", "greeting"); got != "hello world" {
		t.Fatalf("GET: %q", got)
	}
	// Interactive use: commands on standard input, one per line.
	if got := run("INCR n\nINCR n\nGET n\n"); got != "1\n2\n2" {
		t.Fatalf("interactive: %q", got)
	}
	// Mass insertion with --pipe.
	var b strings.Builder
	const n = 20000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$5\r\nvalue\r\n", len(fmt.Sprint("key:", i)), i)
	}
	out := run(b.String(), "--pipe")
	if !strings.Contains(out, fmt.Sprintf("errors: 0, replies: %d", n)) {
		t.Fatalf("--pipe: %s", out)
	}
	if size, _ := srv.Store.DBSize(context.Background()); size != n+2 {
		t.Fatalf("DBSIZE after --pipe = %d, want %d", size, n+2)
	}
}

func TestRedisBenchmarkRuns(t *testing.T) {
	bench := needTool(t, "redis-benchmark")
	srv := embedistest.Run(t)
	host, port := hostPort(t, srv.Addr)
	out, err := exec.Command(bench, "-h", host, "-p", port, "-q", "-n", "2000", "-c", "10", "-P", "4", "-t", "set,get,incr,ping").CombinedOutput()
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	for _, test := range []string{"SET", "GET", "INCR", "PING_INLINE", "PING_MBULK"} {
		if !bytes.Contains(out, []byte(test+": ")) {
			t.Fatalf("redis-benchmark did not run %s:\n%s", test, out)
		}
	}
	if n, _ := srv.Store.Exists(context.Background(), "counter:__rand_int__"); n != 1 {
		t.Fatal("redis-benchmark's INCR left no counter")
	}
}

// TestOutputBufferLimit: a client whose pending replies pass the limit is
// disconnected, and the server goes on serving the others.
func TestOutputBufferLimit(t *testing.T) {
	srv := embedistest.RunWith(t, embedistest.Options{Server: server.Options{OutputBufferLimit: 1 << 20}})
	srv.Store.Set(context.Background(), "big", strings.Repeat("x", 300<<10), 0)
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Ten GETs in one write: 3 MB of replies for one turn.
	c.Write([]byte(strings.Repeat("GET big\r\n", 10)))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil && !errors.Is(err, io.EOF) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("connection over the output-buffer limit was not closed")
		}
	}
	other, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Write([]byte("PING\r\n"))
	line, err := bufio.NewReader(other).ReadString('\n')
	if err != nil || line != "+PONG\r\n" {
		t.Fatalf("other client after the disconnect: %q, %v", line, err)
	}
}

// TestBlockedClientDisconnects: a client that goes away while blocked in
// BLPOP is not served: the element pushed afterwards stays in the list.
func TestBlockedClientDisconnects(t *testing.T) {
	srv := embedistest.Run(t)
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("BLPOP jobs 0\r\n"))
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := srv.Store.Stats(context.Background())
		if st.Blocked == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the client never blocked")
		}
		time.Sleep(time.Millisecond)
	}
	c.Close()
	for {
		st, _ := srv.Store.Stats(context.Background())
		if st.Blocked == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the disconnected client is still blocked")
		}
		time.Sleep(time.Millisecond)
	}
	srv.Store.RPush(context.Background(), "jobs", "job-1")
	if n, _ := srv.Store.LLen(context.Background(), "jobs"); n != 1 {
		t.Fatal("the element was popped for a client that had gone")
	}
}

// TestBlockedClientKeepsItsPipelinedInput: a request sent while blocked
// runs after the blocking command is served.
func TestBlockedClientKeepsItsPipelinedInput(t *testing.T) {
	srv := embedistest.Run(t)
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	c.Write([]byte("BLPOP q 0\r\n"))
	time.Sleep(20 * time.Millisecond)
	c.Write([]byte("ECHO after\r\n")) // arrives while blocked
	time.Sleep(20 * time.Millisecond)
	srv.Store.RPush(context.Background(), "q", "v")
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []string
	for len(got) < 6 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, strings.TrimSpace(line))
	}
	want := []string{"*2", "$1", "q", "$1", "v", "$5"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("replies %q, want %q", got, want)
		}
	}
	if line, _ := r.ReadString('\n'); strings.TrimSpace(line) != "after" {
		t.Fatalf("the request sent while blocked answered %q", line)
	}
}
