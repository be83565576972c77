package server

import (
	"testing"

	"github.com/embedis/embedis"
)

// TestEveryServerOnlyCommandHasHandler checks that every command the table
// marks server-only (run by the server, refused by Tx.Do) has a handler in
// serverCommands, and that every handler belongs to such a command: a
// server-only command added to the table without one would reach a nil
// handler.
func TestEveryServerOnlyCommandHasHandler(t *testing.T) {
	serverOnly := map[string]bool{}
	for _, c := range embedis.Commands() {
		if !c.ServerOnly() {
			continue
		}
		serverOnly[c.Name] = true
		if serverCommands[c.Name] == nil {
			t.Errorf("%s is server-only in the command table but has no handler in serverCommands (server/conn.go)", c.Name)
		}
	}
	for name := range serverCommands {
		if !serverOnly[name] {
			t.Errorf("serverCommands has a handler for %s, which the command table does not mark server-only: it would never run", name)
		}
	}
	if len(serverOnly) == 0 {
		t.Fatal("no server-only command in the table: the test has lost sight of them")
	}
}
