package server

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
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

// shutdownServer starts a server whose log the test can read, saving its
// snapshots in dir ("": a temporary directory).
func shutdownServer(t *testing.T, dir string) (*admServer, *syncBuffer) {
	logs := &syncBuffer{}
	s := admStart(t, Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Dir: dir})
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

// TestShutdownSaveFails: when SHUTDOWN SAVE cannot write the snapshot (its
// directory is gone), it fails as Redis's does, the log says why, and the
// server keeps the data and serves on; the replies that do not shut down
// are Redis's.
func TestShutdownSaveFails(t *testing.T) {
	s, logs := shutdownServer(t, filepath.Join(t.TempDir(), "gone"))
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
	for _, line := range []string{"Error trying to save the DB, can't exit.", "no such file or directory"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("the log does not say %q:\n%s", line, logs)
		}
	}
}

// TestShutdownForms: every form shuts down; SHUTDOWN SAVE (FORCE or not)
// leaves the snapshot file, the others none (there are no save points);
// SHUTDOWN SAVE FORCE shuts down even when the save fails.
func TestShutdownForms(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		saves bool
	}{
		{nil, false}, {[]string{"NOSAVE"}, false}, {[]string{"nosave", "now", "force"}, false},
		{[]string{"SAVE"}, true}, {[]string{"save", "FORCE"}, true}, {[]string{"NOW", "SAVE"}, true},
	} {
		dir := t.TempDir()
		s, logs := shutdownServer(t, dir)
		c := s.dial(t)
		c.expect(`+"OK"`, "SET", "k", "v")
		c.send(append([]string{"SHUTDOWN"}, tc.args...)...)
		waitDone(t, s.srv)
		if !c.closed() {
			t.Errorf("SHUTDOWN %q: the connection is still open", tc.args)
		}
		_, err := os.Stat(filepath.Join(dir, "dump.rdb"))
		if saved := err == nil; saved != tc.saves {
			t.Errorf("SHUTDOWN %q: dump.rdb written: %v, want %v\n%s", tc.args, saved, tc.saves, logs)
		}
	}
	s, logs := shutdownServer(t, filepath.Join(t.TempDir(), "gone"))
	s.dial(t).send("SHUTDOWN", "SAVE", "FORCE")
	waitDone(t, s.srv)
	if !strings.Contains(logs.String(), "Error trying to save the DB. Exit anyway.") {
		t.Errorf("SHUTDOWN SAVE FORCE with a failed save: the log does not say so:\n%s", logs)
	}
}
