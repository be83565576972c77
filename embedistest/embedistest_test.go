package embedistest_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
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
