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
		{"MULTI"}, {"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"PING"}, {"EXEC"}, {"EXEC"}, {"DISCARD"},
		{"MULTI"}, {"SET", "a", "2"}, {"NOSUCHCOMMAND"}, {"EXEC"}, {"GET", "a"},
		{"MULTI"}, {"SET", "a", "3"}, {"DISCARD"}, {"GET", "a"}, {"MULTI"}, {"WATCH", "a"}, {"DISCARD"},
		{"WATCH", "a"}, {"SET", "a", "4"}, {"MULTI"}, {"INCR", "a"}, {"EXEC"}, {"GET", "a"},
		{"WATCH", "b"}, {"UNWATCH"}, {"UNWATCH", "b"}, {"WATCH"}, {"MULTI"}, {"UNWATCH"}, {"EXEC"},
		{"SAVE", "x"}, {"SAVE"}, {"BGSAVE", "x"}, {"BGSAVE", "SCHEDULE", "x"}, {"BGSAVE", "a", "b"}, {"LASTSAVE", "x"},
		{"MULTI"}, {"SAVE"}, {"LASTSAVE"}, {"DISCARD"}, {"SAVE"},
		{"SHUTDOWN", "FOO"}, {"RESET", "x"}, {"SELECT", "1"}, {"RESET"}, {"GET", "a"}, {"QUIT"},
	}
}
