package embedistest_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/resp"
)

func readReply(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	rep, err := resp.ReadReply(r)
	if err != nil {
		t.Fatal(err)
	}
	return rep.String()
}

func TestRunServesTCPAndSharesTheStore(t *testing.T) {
	srv := embedistest.Run(t)
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprint(c, "SET session alice PX 1500\r\n")
	if got := readReply(t, r); got != `+"OK"` {
		t.Fatalf("SET: %s", got)
	}
	if v, err := srv.Store.Get(context.Background(), "session"); err != nil || v != "alice" {
		t.Fatalf("the Store does not see the server's write: %q, %v", v, err)
	}
	// Advancing the clock expires the key by itself: no access needed.
	srv.Clock.Advance(2 * time.Second)
	if n, _ := srv.Store.DBSize(context.Background()); n != 0 {
		t.Fatalf("DBSIZE after the TTL passed = %d", n)
	}
	fmt.Fprint(c, "GET session\r\n")
	if got := readReply(t, r); got != "$-1" {
		t.Fatalf("GET after expiry: %s", got)
	}
}

// TestDialerPipelines writes many commands before reading any reply through
// the in-memory dialer: the buffered pipe must not deadlock.
func TestDialerPipelines(t *testing.T) {
	srv := embedistest.Run(t)
	c, err := srv.Dialer()(context.Background(), "tcp", "ignored")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const n = 5000
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n")
	}
	if _, err := c.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	for i := 1; i <= n; i++ {
		if got, want := readReply(t, r), fmt.Sprintf(":%d", i); got != want {
			t.Fatalf("reply %d = %s, want %s", i, got, want)
		}
	}
}

func TestDialerDeadlinesAndClose(t *testing.T) {
	srv := embedistest.Run(t)
	c, err := srv.Dialer()(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	buf := make([]byte, 1)
	_, err = c.Read(buf)
	var ne net.Error
	if ne, _ = err.(net.Error); ne == nil || !ne.Timeout() {
		t.Fatalf("read past the deadline = %v, want a timeout", err)
	}
	c.SetReadDeadline(time.Time{})
	fmt.Fprint(c, "QUIT\r\n")
	r := bufio.NewReader(c)
	if got := readReply(t, r); got != `+"OK"` {
		t.Fatalf("QUIT: %s", got)
	}
	if _, err := r.ReadByte(); err == nil {
		t.Fatal("connection still open after QUIT")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := srv.Dialer()(ctx, "", ""); err == nil {
		t.Fatal("dial with a canceled context succeeded")
	}
}

// TestRunWithDumpFile starts a fake from a dump.rdb that another server
// wrote with SAVE: the data is there, key deadlines count on the fake's
// clock, and a SAVE on the fake writes to its own temporary directory,
// never over the fixture.
func TestRunWithDumpFile(t *testing.T) {
	start := time.Now()
	first := embedistest.RunWith(t, embedistest.Options{Start: start})
	do := func(srv *embedistest.Server, cmd string) string {
		t.Helper()
		c, err := net.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprint(c, cmd+"\r\n")
		return readReply(t, bufio.NewReader(c))
	}
	for _, cmd := range []string{"SET user:1 alice", "SET token t PX 60000", "RPUSH queue a b", "SAVE"} {
		if got := do(first, cmd); got != `+"OK"` && got != ":2" {
			t.Fatalf("%s: %s", cmd, got)
		}
	}
	fixture := filepath.Join(first.Dir, "dump.rdb")
	before, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}

	fake := embedistest.RunWith(t, embedistest.Options{Start: start, DumpFile: fixture})
	if got := do(fake, "GET user:1"); got != `$"alice"` {
		t.Errorf("GET user:1 from the dump: %s", got)
	}
	if got := do(fake, "LRANGE queue 0 -1"); got != `*[$"a", $"b"]` {
		t.Errorf("LRANGE queue from the dump: %s", got)
	}
	fake.Clock.Advance(2 * time.Minute)
	if got := do(fake, "EXISTS token"); got != ":0" {
		t.Errorf("token after its TTL on the fake's clock: %s", got)
	}
	if got := do(fake, "SET user:1 bob"); got != `+"OK"` {
		t.Fatal(got)
	}
	if got := do(fake, "SAVE"); got != `+"OK"` {
		t.Fatalf("SAVE on the fake: %s", got)
	}
	if after, err := os.ReadFile(fixture); err != nil || string(after) != string(before) {
		t.Errorf("the fixture changed under the fake's SAVE (%v)", err)
	}
	if info := do(fake, "INFO persistence"); !strings.Contains(info, `rdb_last_load_keys_loaded:3\r\n`) {
		t.Errorf("INFO persistence of the fake: %s", info)
	}
}
