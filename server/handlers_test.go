package server

import (
	"maps"
	"net"
	"testing"

	"github.com/embedis/embedis"
)

// TestEveryServerOnlyCommandHasAHandler is the guard derived from the
// command table: every command the table marks server-only has a handler
// here, and every handler serves such a command.
func TestEveryServerOnlyCommandHasAHandler(t *testing.T) {
	serverOnly := make(map[string]bool)
	for _, cmd := range embedis.Commands() {
		if !cmd.ServerOnly() {
			continue
		}
		serverOnly[cmd.Name] = true
		if serverCommands[cmd.Name] == nil {
			t.Errorf("server-only command %q has no handler in serverCommands", cmd.Name)
		}
	}
	if len(serverOnly) == 0 {
		t.Fatal("the table has no server-only commands")
	}
	for name := range serverCommands {
		if !serverOnly[name] {
			t.Errorf("serverCommands has %q, which is not a server-only command of the table", name)
		}
	}
}

// TestEverySubcommandHasAHandler: the subcommands of CLIENT, CONFIG and
// COMMAND each have a function to run.
func TestEverySubcommandHasAHandler(t *testing.T) {
	for container, subs := range map[string]map[string]*subcommand{
		"client": clientSubcommands, "config": configSubcommands, "command": commandSubcommands,
	} {
		for name, sub := range subs {
			if sub.run == nil {
				t.Errorf("%s %s has no handler", container, name)
			}
		}
	}
}

// TestMissingHandlerFailsCleanly: a server-only command without a handler
// gets an error reply, and the connection and the server go on.
func TestMissingHandlerFailsCleanly(t *testing.T) {
	store, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	srv := New(store, Options{})
	srv.handlers = maps.Clone(serverCommands)
	delete(srv.handlers, "info")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	defer srv.Close()
	c := admDial(t, "tcp", l.Addr().String())
	c.expect(`-"ERR the server has no handler for 'info'"`, "INFO")
	c.expect(`+"OK"`, "MULTI")
	c.expect(`+"QUEUED"`, "INFO", "server")
	c.expect(`*[-"ERR the server has no handler for 'info'"]`, "EXEC")
	c.expect(`+"PONG"`, "PING")
}
