package workload

// The connection and server commands: hand-written cases whose replies do
// not depend on the machine, the time or the process (error paths, arity,
// MULTI/EXEC; SAVE, whose OK does not, but no BGSAVE, which would still be
// running on one server when the next case runs, nor LASTSAVE's time). The Store-level differential test skips the server-only
// ones, which an embedded Store refuses by design; the wire tests run them
// all. The cases end with QUIT, which closes the connection.

func init() {
	RegisterCases("server", ServerCases)
}

// ServerCases returns the cases of the connection and server commands.
func ServerCases() [][]string {
	return [][]string{
		{"PING"}, {"PING", "hello"}, {"PING", "a", "b"}, {"ECHO", "x"}, {"ECHO", ""}, {"ECHO"}, {"TIME", "x"},
		{"AUTH", "pw"}, {"AUTH", "user", "pw"}, {"AUTH", "a", "b", "c"}, {"AUTH"},
		{"HELLO", "4"}, {"HELLO", "x"}, {"HELLO", "2", "FOO"}, {"HELLO", "2", "AUTH", "default"}, {"HELLO", "1"},
		{"CLIENT"}, {"CLIENT", "FOO"}, {"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", "a b"}, {"CLIENT", "SETNAME", "me"},
		{"CLIENT", "GETNAME"}, {"CLIENT", "ID", "x"}, {"CLIENT", "NO-EVICT", "maybe"},
		{"COMMAND", "FOO"}, {"COMMAND", "GETKEYS", "get", "k"}, {"COMMAND", "GETKEYS", "set"}, {"COMMAND", "GETKEYS"},
		{"COMMAND", "INFO", "nosuch"}, {"COMMAND", "COUNT", "x"}, {"COMMAND", "DOCS", "nosuch"},
		{"FLUSHALL"}, {"INFO", "keyspace"}, {"INFO", "nosuchsection"}, {"INFO", "a", "b", "c"},
		{"CONFIG"}, {"CONFIG", "FOO"}, {"CONFIG", "GET"}, {"CONFIG", "GET", "nosuch"}, {"CONFIG", "GET", "maxmemory"},
		{"CONFIG", "SET", "nosuch", "1"}, {"CONFIG", "SET", "maxmemory", "x"}, {"CONFIG", "RESETSTAT", "x"},
		// Save points: Redis's parsing and CONFIG GET's form (set back to
		// none at once: no save may start on either server).
		{"CONFIG", "SET", "save", "1 2 3"}, {"CONFIG", "SET", "save", "0 1"}, {"CONFIG", "SET", "save", "1  2"},
		{"CONFIG", "SET", "save", "-1 2"}, {"CONFIG", "SET", "save", "1 x"}, {"CONFIG", "GET", "save"},
		{"CONFIG", "SET", "save", "3600 +1 300 0100 60 99999999999"}, {"CONFIG", "GET", "save"},
		{"CONFIG", "SET", "save", ""}, {"CONFIG", "GET", "save"}, {"CONFIG", "GET", "sav*"},
		{"CONFIG", "SET", "shutdown-on-sigterm", "save nosave"}, {"CONFIG", "SET", "shutdown-on-sigint", "Force NOW"},
		{"CONFIG", "GET", "shutdown-on-sigterm"}, {"CONFIG", "GET", "shutdown-on-sigint"}, {"CONFIG", "SET", "shutdown-on-sigint", "default"}, {"CONFIG", "GET", "shutdown-on-sigint"},
		{"MULTI"}, {"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"PING"}, {"EXEC"}, {"EXEC"}, {"DISCARD"},
		{"MULTI"}, {"SET", "a", "2"}, {"NOSUCHCOMMAND"}, {"EXEC"}, {"GET", "a"},
		{"MULTI"}, {"SET", "a", "3"}, {"DISCARD"}, {"GET", "a"}, {"MULTI"}, {"WATCH", "a"}, {"DISCARD"},
		{"WATCH", "a"}, {"SET", "a", "4"}, {"MULTI"}, {"INCR", "a"}, {"EXEC"}, {"GET", "a"},
		{"WATCH", "b"}, {"UNWATCH"}, {"UNWATCH", "b"}, {"WATCH"}, {"MULTI"}, {"UNWATCH"}, {"EXEC"},
		{"SAVE", "x"}, {"SAVE"}, {"BGSAVE", "x"}, {"BGSAVE", "SCHEDULE", "x"}, {"BGSAVE", "a", "b"}, {"LASTSAVE", "x"}, {"BGREWRITEAOF", "x"},
		{"MULTI"}, {"SAVE"}, {"LASTSAVE"}, {"DISCARD"}, {"SAVE"},
		// Replication: errors, and NO ONE on a master (no link is made).
		{"ROLE"}, {"ROLE", "x"}, {"REPLICAOF", "a"}, {"REPLICAOF", "h", "abc"}, {"REPLICAOF", "h", "-1"}, {"REPLICAOF", "h", "65536"},
		{"SLAVEOF", "yes", "one"}, {"REPLICAOF", "NO", "ONE"}, {"SLAVEOF", "no", "one"}, {"MULTI"}, {"REPLICAOF", "NO", "ONE"}, {"ROLE"}, {"EXEC"},
		{"SHUTDOWN", "FOO"}, {"RESET", "x"}, {"SELECT", "1"}, {"RESET"}, {"GET", "a"}, {"QUIT"},
	}
}
