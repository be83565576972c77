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
// For a client with no socket at all, use the in-memory dialer:
//
//	rdb := redis.NewClient(&redis.Options{Dialer: srv.Dialer()})
package embedistest

import (
	"context"
	"net"
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
}

// Options adjust Run. The zero value is the usual choice.
type Options struct {
	// Start is the clock's initial time; zero means the current time.
	Start time.Time
	// Server configures the RESP server (password, limits).
	Server server.Options
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
	store, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		t.Fatalf("embedistest: open store: %v", err)
	}
	srv := server.New(store, opts.Server)
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
	return &Server{Addr: l.Addr().String(), Store: store, Clock: clock, Server: srv}
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
