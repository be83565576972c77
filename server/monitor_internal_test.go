package server

import (
	"bufio"
	"context"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

var monitorLineRe = regexp.MustCompile(`^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] `)

// internalClient is a raw RESP connection for the white-box tests.
type internalClient struct {
	c net.Conn
	r *bufio.Reader
}

func dialInternal(t *testing.T, addr string) *internalClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &internalClient{c: c, r: bufio.NewReader(c)}
}

// do sends an inline command and returns its reply's first line.
func (ic *internalClient) do(t *testing.T, line string) string {
	t.Helper()
	if _, err := ic.c.Write([]byte(line + "\r\n")); err != nil {
		t.Fatal(err)
	}
	return ic.line(t)
}

func (ic *internalClient) line(t *testing.T) string {
	t.Helper()
	ic.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	s, err := ic.r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(s, "\r\n")
}

// TestMonitorFormatsOffOwner: the owner hands a monitor the command's
// arguments, not its line: with the monitor's output held (so that its
// pusher cannot run), a command run by another client leaves one queued
// command in the monitor's mailbox and no bytes; once the output is
// released the pusher writes the line, formatted. When the monitor leaves,
// monitorCount is back to 0, the one thing a command checks when nobody
// monitors.
func TestMonitorFormatsOffOwner(t *testing.T) {
	store, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := New(store, Options{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()

	mon := dialInternal(t, l.Addr().String())
	if r := mon.do(t, "MONITOR"); r != "+OK" {
		t.Fatalf("MONITOR: %q", r)
	}
	var m *conn
	store.Atomic(context.Background(), func(*embedis.Tx) error {
		if len(srv.monitors) == 1 {
			m = srv.monitors[0]
		}
		return nil
	})
	if m == nil {
		t.Fatal("no monitor registered")
	}
	cl := dialInternal(t, l.Addr().String())
	m.outMu.Lock()
	if r := cl.do(t, "SET k \"a\\nb\""); r != "+OK" {
		m.outMu.Unlock()
		t.Fatalf("SET: %q", r)
	}
	m.mailMu.Lock()
	mail, marks := len(m.mail), slices.Clone(m.monMail)
	m.mailMu.Unlock()
	m.outMu.Unlock()
	if mail != 0 || len(marks) != 1 || !slices.Equal(marks[0].cmd.args, []string{"SET", "k", "a\nb"}) {
		t.Fatalf("the monitor's mailbox holds %d bytes and %d commands, want 0 and the SET's arguments", mail, len(marks))
	}
	if marks[0].cmd.size <= 0 {
		t.Errorf("the queued command counts %d bytes for the output limits", marks[0].cmd.size)
	}
	line := mon.line(t)
	if !monitorLineRe.MatchString(line) || !strings.HasSuffix(line, `] "SET" "k" "a\nb"`) {
		t.Fatalf("monitor line %q", line)
	}
	mon.c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for srv.monitorCount.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("monitorCount = %d after the monitor left", srv.monitorCount.Load())
		}
		time.Sleep(time.Millisecond)
	}
}
