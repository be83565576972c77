package server

import (
	"strconv"
	"strings"
	"testing"
)

// TestIdleTimeout: with timeout set, an idle client is disconnected, a
// client waiting in a blocking command is not, and timeout 0 stops it.
func TestIdleTimeout(t *testing.T) {
	s := admStart(t, Options{})
	idle := s.dial(t)
	idle.expect(`+"PONG"`, "PING")
	blocked := s.dial(t)
	blockedID := blocked.do("CLIENT", "ID").Int
	ctl := s.dial(t)
	ctl.expect(`+"OK"`, "CONFIG", "SET", "timeout", "1")
	blocked.send("BLPOP", "list", "0")
	closed := false
	for i := 0; i < 4 && !closed; i++ { // up to 20s on a loaded machine
		closed = idle.closed()
	}
	if !closed {
		t.Fatal("the idle client is still connected")
	}
	// A new client: the others may have been idle as long as the first.
	d := s.dial(t)
	if list := d.text("CLIENT", "LIST"); !strings.Contains(list, "id="+strconv.FormatInt(blockedID, 10)+" ") {
		t.Fatalf("the blocked client was disconnected:\n%s", list)
	}
	d.expect(`+"OK"`, "CONFIG", "SET", "timeout", "0")
	d.expect(`:1`, "LPUSH", "list", "x")
	if got := blocked.read().String(); got != `*[$"list", $"x"]` { // the BLPOP's reply
		t.Errorf("BLPOP after timeout 0: %s", got)
	}
}
