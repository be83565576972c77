package server_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/internal/workload"
	"github.com/embedis/embedis/server"
)

// FuzzServer writes arbitrary bytes to a connection of a fresh server (in
// memory, through ServeConn) and reads everything it answers until it
// closes the connection: the server must not panic (a command's panic
// stops the store and says so), hang, or answer anything that does not
// parse as RESP. The input ends as if the client had half-closed its
// connection, so a command blocked without a timeout ends with it.
// Each input gets its own store, so that a crasher replays on its own.
func FuzzServer(f *testing.F) {
	for _, seed := range []string{
		"PING\r\n", "*1\r\n$4\r\nPING\r\n", "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n", "*-1\r\n*0\r\nPING\r\n",
		"SET k v\r\nSETRANGE k 9223372036854775807 A\r\nGET k\r\n", "*1\r\n$536870913\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk",
		"HELLO 3\r\nHSET h f v\r\nHGETALL h\r\nZADD z 1 a\r\nZRANGE z 0 -1 WITHSCORES\r\n",
		"MULTI\r\nINCR n\r\nBLPOP l 0\r\nEXEC\r\n", "BLPOP l 0\r\nPING\r\n", "SUBSCRIBE c\r\nPING\r\n",
		"ECHO \"a\\x00b\r\nECHO 'unbalanced\r\n", "AUTH x\r\nCLIENT SETNAME a\r\nCLIENT LIST\r\nCONFIG GET maxmemory\r\n",
		"WATCH k\r\nMULTI\r\nSET k 1\r\nEXEC\r\nRESET\r\nQUIT\r\nPING\r\n",
	} {
		f.Add([]byte(seed))
	}
	// Every command of the table with an example invocation, as RESP.
	for _, c := range embedis.Commands() {
		spec := workload.CommandSpec{Name: c.Name, Arity: c.Arity, FirstKey: c.FirstKey, LastKey: c.LastKey, KeyStep: c.KeyStep}
		var b strings.Builder
		for _, args := range append(workload.HostileFixture(), workload.HostileBases(spec)[0]) {
			fmt.Fprintf(&b, "*%d\r\n", len(args))
			for _, a := range args {
				fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
			}
		}
		f.Add([]byte(b.String()))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		store, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		srv := server.New(store, server.Options{Dir: t.TempDir()}) // SAVE and BGSAVE write there
		defer srv.Close()
		out, w := io.Pipe()
		done := make(chan struct{})
		go func() {
			srv.ServeConn(&fuzzConn{in: bytes.NewReader(in), out: w})
			w.Close()
			close(done)
		}()
		read := make(chan error, 1)
		var replies int
		go func() {
			r := bufio.NewReader(out)
			for {
				reply, err := resp.ReadReply(r)
				if err != nil {
					if err == io.EOF {
						err = nil
					}
					read <- err
					return
				}
				replies++
				if reply.Kind == '-' && strings.Contains(reply.Str, "panicked") {
					read <- errors.New(reply.Str)
					return
				}
			}
		}()
		select {
		case err := <-read:
			if err != nil {
				t.Fatalf("%q: reply %d: %v", in, replies+1, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%q: the server neither answered nor closed within 20 s", in)
		}
		out.Close()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%q: the connection's goroutine did not end", in)
		}
	})
}

// fuzzConn is the server's end of a connection whose client wrote in and
// half-closed it: reads return in, then io.EOF; writes go to out.
type fuzzConn struct {
	in  *bytes.Reader
	out *io.PipeWriter
}

func (c *fuzzConn) Read(p []byte) (int, error)         { return c.in.Read(p) }
func (c *fuzzConn) Write(p []byte) (int, error)        { return c.out.Write(p) }
func (c *fuzzConn) Close() error                       { return c.out.Close() }
func (c *fuzzConn) LocalAddr() net.Addr                { return fuzzAddr{} }
func (c *fuzzConn) RemoteAddr() net.Addr               { return fuzzAddr{} }
func (c *fuzzConn) SetDeadline(t time.Time) error      { return nil }
func (c *fuzzConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *fuzzConn) SetWriteDeadline(t time.Time) error { return nil }

type fuzzAddr struct{}

func (fuzzAddr) Network() string { return "memory" }
func (fuzzAddr) String() string  { return "memory:fuzz" }
