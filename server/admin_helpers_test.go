package server

import (
	"bufio"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
)

// Helpers of the administrative commands' tests: a server on a loopback
// port and raw RESP connections to it.

// admServer is a running server for one test.
type admServer struct {
	srv   *Server
	store *embedis.Store
	addr  string
}

// admStart starts a Store and a Server with opts on a free loopback port;
// both stop when the test ends. Without opts.Dir, snapshots go to a
// temporary directory.
func admStart(t *testing.T, opts Options) *admServer {
	t.Helper()
	store, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	srv := New(store, opts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	return &admServer{srv: srv, store: store, addr: l.Addr().String()}
}

// admConn is a raw RESP connection.
type admConn struct {
	t  *testing.T
	nc net.Conn
	r  *bufio.Reader
}

func (s *admServer) dial(t *testing.T) *admConn {
	t.Helper()
	return admDial(t, "tcp", s.addr)
}

// admDial connects to any RESP server (a redis-server too).
func admDial(t *testing.T, network, addr string) *admConn {
	t.Helper()
	nc, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &admConn{t: t, nc: nc, r: newAdmReader(nc)}
}

func newAdmReader(nc net.Conn) *bufio.Reader { return bufio.NewReader(nc) }

// readAdmReply reads a reply, returning the error instead of failing.
func readAdmReply(c *admConn) (resp.Reply, error) { return resp.ReadReply(c.r) }

func (c *admConn) send(args ...string) {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	if _, err := c.nc.Write([]byte(b.String())); err != nil {
		c.t.Fatalf("send %q: %v", args, err)
	}
}

func (c *admConn) read() resp.Reply {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	r, err := resp.ReadReply(c.r)
	if err != nil {
		c.t.Fatalf("read reply: %v", err)
	}
	return r
}

// do sends a command and returns its reply.
func (c *admConn) do(args ...string) resp.Reply {
	c.t.Helper()
	c.send(args...)
	return c.read()
}

// expect sends a command and checks the rendering of its reply (as
// resp.Reply.String renders it: +"OK", -"ERR ...", :1, $"v", ...).
func (c *admConn) expect(want string, args ...string) {
	c.t.Helper()
	if got := c.do(args...).String(); got != want {
		c.t.Errorf("%q:\n got %s\nwant %s", args, got, want)
	}
}

// text sends a command whose reply is a bulk or verbatim string and returns
// the string (without the verbatim format).
func (c *admConn) text(args ...string) string {
	c.t.Helper()
	r := c.do(args...)
	switch r.Kind {
	case '$':
		return r.Str
	case '=':
		return strings.TrimPrefix(r.Str, "txt:")
	}
	c.t.Fatalf("%q: got %s, want a string", args, r)
	return ""
}

// closed reports whether the server closed the connection (within 5s).
func (c *admConn) closed() bool {
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.r.ReadByte()
	return err != nil && !admIsTimeout(err)
}

func admIsTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// strs returns the strings of an aggregate reply's elements.
func admStrs(r resp.Reply) []string {
	out := make([]string, len(r.Elems))
	for i, e := range r.Elems {
		out[i] = e.Str
	}
	return out
}

// pairs returns a map reply (or its RESP2 flat array) as a Go map.
func admPairs(r resp.Reply) map[string]resp.Reply {
	m := make(map[string]resp.Reply)
	for i := 0; i+1 < len(r.Elems); i += 2 {
		m[r.Elems[i].Str] = r.Elems[i+1]
	}
	return m
}
