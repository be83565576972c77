// Package embedistest gives a Go test a running embedis server in one line:
// a fake Redis on a free port, with the Store behind it and a manual clock,
// all cleaned up when the test ends.
//
//	func TestCache(t *testing.T) {
//		srv := embedistest.Run(t)
//		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
//		... // exercise the code under test against rdb
//		srv.Clock.Advance(time.Hour) // keys with a TTL under an hour are gone now
//	}
//
// The timeouts of blocking commands (BLPOP key 5) run on the same clock: a
// test decides when they pass by advancing it.
//
// To start from a snapshot — a dump.rdb copied from a production
// redis-server, or one an earlier test SAVEd:
//
//	srv := embedistest.RunWith(t, embedistest.Options{DumpFile: "testdata/dump.rdb"})
//
// For a client with no socket at all, use the in-memory dialer:
//
//	rdb := redis.NewClient(&redis.Options{Dialer: srv.Dialer()})
package embedistest

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/server"
)

// Server is a running server for one test.
type Server struct {
	// Addr is the server's TCP address, "127.0.0.1:port".
	Addr string
	// Store is the data the server serves: tests may read and write it
	// directly, and see the same data as the server's clients.
	Store *embedis.Store
	// Clock is the store's time. Advance it to expire keys.
	Clock *embedis.ManualClock
	// Server is the RESP server.
	Server *server.Server
	// Dir is the directory SAVE and BGSAVE write the snapshot file to
	// (Options.Server.Dir, or a temporary directory of the test's).
	Dir string
}

// Options adjust Run. The zero value is the usual choice.
type Options struct {
	// Start is the clock's initial time; zero means the current time.
	Start time.Time
	// Server configures the RESP server (password, limits). Without
	// Server.Dir, SAVE and BGSAVE write to a temporary directory of the
	// test's.
	Server server.Options
	// DumpFile, if set, is an RDB file (a dump.rdb written by redis-server
	// or by embedis, zstd-compressed or not) that the store starts with;
	// the file is only read, and the keys' deadlines are read against the
	// clock (a key whose deadline is before Start has expired). A file
	// that does not exist or cannot be loaded fails the test.
	DumpFile string
}

// Run starts a Store on a manual clock and a server for it on a free
// loopback port, and stops both when the test ends.
func Run(t testing.TB) *Server { return RunWith(t, Options{}) }

// RunWith is Run with options.
func RunWith(t testing.TB, opts Options) *Server {
	t.Helper()
	start := opts.Start
	if start.IsZero() {
		start = time.Now()
	}
	clock := embedis.NewManualClock(start)
	sopts := opts.Server
	if sopts.Dir == "" {
		sopts.Dir = t.TempDir()
	}
	var store *embedis.Store
	var err error
	if opts.DumpFile != "" {
		if _, err := os.Stat(opts.DumpFile); err != nil {
			t.Fatalf("embedistest: %v", err)
		}
		store, sopts.Loaded, err = server.OpenStore(opts.DumpFile, embedis.Options{Clock: clock}, nil)
	} else {
		store, err = embedis.Open(embedis.Options{Clock: clock})
	}
	if err != nil {
		t.Fatalf("embedistest: open store: %v", err)
	}
	srv := server.New(store, sopts)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		t.Fatalf("embedistest: listen: %v", err)
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	return &Server{Addr: l.Addr().String(), Store: store, Clock: clock, Server: srv, Dir: sopts.Dir}
}

// Dialer returns a dial function that connects to the server in memory,
// with no socket, in the form go-redis's Options.Dialer takes. The network
// and address arguments are ignored.
func (s *Server) Dialer() func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		client, end := memPipe()
		go s.Server.ServeConn(end)
		return client, nil
	}
}
