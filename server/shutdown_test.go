package server

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log destination the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// shutdownServer starts a server whose log the test can read.
func shutdownServer(t *testing.T) (*admServer, *syncBuffer) {
	logs := &syncBuffer{}
	s := admStart(t, Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	return s, logs
}

func isDone(s *Server) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

func waitDone(t *testing.T, s *Server) {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not shut down")
	}
}

// TestShutdownSaveRefused: SHUTDOWN SAVE cannot save, so it fails as
// Redis's does when its save fails, and the server keeps the data and
// serves on; the replies that do not shut down are Redis's.
func TestShutdownSaveRefused(t *testing.T) {
	s, logs := shutdownServer(t)
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`-"ERR Errors trying to SHUTDOWN. Check logs."`, "SHUTDOWN", "SAVE")
	c.expect(`-"ERR Errors trying to SHUTDOWN. Check logs."`, "SHUTDOWN", "now", "save")
	c.expect(`-"ERR No shutdown in progress."`, "SHUTDOWN", "ABORT")
	c.expect(`-"ERR No shutdown in progress."`, "SHUTDOWN", "abort", "ABORT")
	for _, args := range [][]string{{"SAVE", "NOSAVE"}, {"NOSAVE", "SAVE"}, {"ABORT", "NOW"}, {"NOSAVE", "ABORT"}, {"foo"}} {
		c.expect(`-"ERR syntax error"`, append([]string{"SHUTDOWN"}, args...)...)
	}
	c.expect(`+"OK"`, "MULTI")
	c.expect(`-"ERR Command not allowed inside a transaction"`, "SHUTDOWN", "NOSAVE")
	c.expect(`+"OK"`, "DISCARD")
	c.expect(`$"v"`, "GET", "k")
	if isDone(s.srv) {
		t.Fatal("the server shut down")
	}
	if !strings.Contains(logs.String(), "SHUTDOWN SAVE refused: embedis does not implement persistence yet") {
		t.Errorf("the log does not say why SHUTDOWN SAVE failed:\n%s", logs)
	}
}

func TestShutdownForms(t *testing.T) {
	for _, args := range [][]string{{}, {"NOSAVE"}, {"nosave", "now", "force"}, {"SAVE", "FORCE"}} {
		s, logs := shutdownServer(t)
		c := s.dial(t)
		c.send(append([]string{"SHUTDOWN"}, args...)...)
		waitDone(t, s.srv)
		if !c.closed() {
			t.Errorf("SHUTDOWN %q: the connection is still open", args)
		}
		saidNotSaved := strings.Contains(logs.String(), "shutting down WITHOUT saving the data")
		if wantSaid := len(args) > 0 && args[0] == "SAVE"; saidNotSaved != wantSaid {
			t.Errorf("SHUTDOWN %q: the log says nothing was saved: %v, want %v\n%s", args, saidNotSaved, wantSaid, logs)
		}
	}
}
