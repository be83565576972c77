package persist_test

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"

	"github.com/embedis/embedis/persist"
	"github.com/embedis/embedis/server"
)

// replyCheckConn is the server's side of a connection: when the server
// writes a reply, it records whether the command's record was durable at
// that instant.
type replyCheckConn struct {
	net.Conn
	g     *persist.Gate
	unit  [][]string
	mu    sync.Mutex
	early bool
	seen  bool
}

func (c *replyCheckConn) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("+OK")) {
		c.mu.Lock()
		c.seen = true
		if !c.g.DurableHas(c.unit) {
			c.early = true
		}
		c.mu.Unlock()
	}
	return c.Conn.Write(p)
}

// TestServerRepliesAfterFsync checks the server's command path with
// appendfsync always: a SET's +OK is written only once its record is
// fsynced.
func TestServerRepliesAfterFsync(t *testing.T) {
	g := persist.GateSegments(t)
	db, err := persist.Open(t.TempDir(), persist.Options{AppendOnly: true, AppendFsync: persist.FsyncAlways,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(db.Store, server.Options{})
	defer func() {
		g.Arm(false)
		srv.Close()
		db.Close()
	}()
	client, serverSide := net.Pipe()
	sc := &replyCheckConn{Conn: serverSide, g: g, unit: [][]string{{"SET", "k", "v"}}}
	go srv.ServeConn(sc)
	g.Arm(true)
	go client.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"))
	<-g.Started()
	g.Release(nil)
	line, err := bufio.NewReader(client).ReadString('\n')
	if err != nil || line != "+OK\r\n" {
		t.Fatalf("reply %q, %v", line, err)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if !sc.seen || sc.early {
		t.Fatalf("reply written before the record was fsynced (seen %v, early %v)", sc.seen, sc.early)
	}
	client.Close()
}
