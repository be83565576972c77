package workload

import "strings"

// Hand-written cases for the differential tests: command sequences with
// their error paths, run in order against redis-server and embedis (through
// the Store and over the wire) and compared reply by reply. Each data type
// adds its list.

var cases = map[string]func() [][]string{
	"strings": StringCases,
	"keys":    KeyCases,
}

// RegisterCases adds the hand-written cases of a data type.
func RegisterCases(name string, c func() [][]string) { cases[name] = c }

// Cases returns every registered list of cases by name. Each list starts
// from an empty server.
func Cases() map[string][][]string {
	out := make(map[string][][]string, len(cases))
	for name, c := range cases {
		out[name] = c()
	}
	return out
}

// StringCases returns the cases of the string commands.
func StringCases() [][]string {
	return [][]string{
		{"GET", "k"}, {"SET", "k", "v"}, {"GET", "k"}, {"GET"}, {"GET", "a", "b"},
		{"SET", "k", "v", "EX", "0"}, {"SET", "k", "v", "EX", "-1"}, {"SET", "k", "v", "PX", "abc"},
		{"SET", "k", "v", "EX", "10", "PX", "10"}, {"SET", "k", "v", "NX", "XX"}, {"SET", "k", "v", "KEEPTTL", "EX", "10"},
		{"SET", "k", "v", "EX"}, {"SET", "k", "v", "FOO"}, {"SET", "k", "v", "EX", "9223372036854775807"},
		{"SET", "k", "v", "PXAT", "0"}, {"SET", "k", "v", "EXAT", "92233720368547758"},
		{"SET", "k", "w", "NX"}, {"SET", "k", "w", "XX", "GET"}, {"SET", "n", "w", "XX", "GET"}, {"SET", "n", "w", "NX", "GET"},
		{"SET", "k", "x", "get", "px", "100000"}, {"TTL", "k"}, {"SET", "k", "y", "KEEPTTL"}, {"TTL", "k"},
		{"SETNX", "k", "z"}, {"SETNX", "new", "z"}, {"SETEX", "k", "0", "v"}, {"SETEX", "k", "abc", "v"}, {"SETEX", "k", "100", "v"},
		{"PSETEX", "k", "-5", "v"}, {"PSETEX", "k", "100000", "v"}, {"PTTL", "k"},
		{"GETSET", "k", "g"}, {"GETSET", "missing", "g"}, {"GETDEL", "missing"}, {"GETDEL", "missing"},
		{"GETEX", "k"}, {"GETEX", "k", "EX", "0"}, {"GETEX", "k", "PERSIST", "EX", "1"}, {"GETEX", "k", "EX", "100"},
		{"TTL", "k"}, {"GETEX", "k", "PERSIST"}, {"TTL", "k"}, {"GETEX", "nope", "EX", "10"}, {"GETEX", "k", "FOO"},
		{"GETEX", "k", "EXAT", "1"}, {"EXISTS", "k"},
		{"MSET", "a", "1", "b", "2"}, {"MSET", "a"}, {"MSET", "a", "1", "b"}, {"MGET", "a", "b", "nope"},
		{"MSETNX", "a", "1", "c", "3"}, {"MSETNX", "c", "3", "d", "4"}, {"MSETNX", "x"},
		{"APPEND", "a", "xyz"}, {"APPEND", "fresh", ""}, {"STRLEN", "a"}, {"STRLEN", "nope"}, {"EXISTS", "fresh"},
		{"SET", "s", "Hello World"}, {"GETRANGE", "s", "0", "4"}, {"GETRANGE", "s", "-5", "-1"}, {"GETRANGE", "s", "5", "3"},
		{"GETRANGE", "s", "0", "-100"}, {"GETRANGE", "s", "-100", "-50"}, {"GETRANGE", "s", "-1", "-5"}, {"GETRANGE", "s", "20", "30"},
		{"GETRANGE", "s", "a", "1"}, {"GETRANGE", "nope", "0", "1"}, {"SUBSTR", "s", "1", "3"},
		{"SETRANGE", "s", "6", "Redis"}, {"GET", "s"}, {"SETRANGE", "s", "-1", "x"}, {"SETRANGE", "s", "20", "!"}, {"GET", "s"},
		{"SETRANGE", "nope", "5", ""}, {"EXISTS", "nope"}, {"SETRANGE", "s", "536870911", "ab"}, {"SETRANGE", "s", "x", "a"},
		{"SET", "i", "10"}, {"INCR", "i"}, {"DECR", "i"}, {"INCRBY", "i", "-20"}, {"DECRBY", "i", "5"}, {"INCRBY", "i", "x"},
		{"SET", "i", "007"}, {"INCR", "i"}, {"SET", "i", "+1"}, {"INCR", "i"}, {"SET", "i", " 1"}, {"INCR", "i"},
		{"SET", "i", "1 "}, {"INCR", "i"}, {"SET", "i", "9223372036854775807"}, {"INCR", "i"}, {"DECRBY", "i", "-1"},
		{"SET", "i", "-9223372036854775808"}, {"DECR", "i"}, {"INCRBY", "i", "-1"}, {"DECRBY", "i", "-9223372036854775808"},
		{"SET", "i", "0"}, {"DECRBY", "i", "-9223372036854775808"}, {"INCRBY", "i", "9223372036854775808"}, {"INCRBY", "i", "-0"},
		{"INCR", "new-counter"}, {"GET", "i"},
		{"SET", "f", "10.50"}, {"INCRBYFLOAT", "f", "0.1"}, {"INCRBYFLOAT", "f", "-5.0e3"}, {"INCRBYFLOAT", "f", "abc"},
		{"INCRBYFLOAT", "f", "inf"}, {"INCRBYFLOAT", "f", "1e400"}, {"INCRBYFLOAT", "g", "0.1"}, {"INCRBYFLOAT", "g", "0.1"},
		{"INCRBYFLOAT", "g", "0.1"}, {"INCRBYFLOAT", "g", "1e20"}, {"INCRBYFLOAT", "g", "1e-20"}, {"SET", "h", "abc"},
		{"INCRBYFLOAT", "h", "1"}, {"INCRBYFLOAT", "g", " 1"}, {"INCRBYFLOAT", "g", ""}, {"INCRBYFLOAT", "z", "3"},
		{"MSET", "key1", "ohmytext", "key2", "mynewtext"}, {"LCS", "key1", "key2"}, {"LCS", "key1", "key2", "LEN"},
		{"LCS", "key1", "key2", "IDX"}, {"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"},
		{"LCS", "key1", "key2", "LEN", "IDX"}, {"LCS", "key1", "key2", "FOO"}, {"LCS", "key1", "nope"},
		{"LCS", "key1", "key2", "MINMATCHLEN"}, {"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "-1"},
		// Offsets whose sum with the value's length overflows int64, or
		// passes 512 MB by a few bytes (found by the hostile-argument test).
		{"SETRANGE", "s", "9223372036854775807", "A"}, {"SETRANGE", "s", "9223372036854775807", ""},
		{"SETRANGE", "s", "9223372036854775806", "AB"}, {"SETRANGE", "fresh2", "536870912", "A"},
		{"SETRANGE", "fresh2", "536870908", "Redis"}, {"EXISTS", "fresh2"}, {"SETRANGE", "s", "-9223372036854775808", "A"},
		// An expiry option may repeat (the last value wins, and only it is
		// checked); two different ones may not. GETEX looks the key up
		// before it checks the time.
		{"SET", "k", "v", "KEEPTTL", "KEEPTTL"}, {"SET", "k", "v", "EX", "abc", "EX", "100"}, {"TTL", "k"},
		{"SET", "k", "v", "EX", "100", "EX", "0"}, {"SET", "k", "v", "EX", "0", "KEEPTTL"}, {"SET", "k", "v", "KEEPTTL", "PX", "10"},
		{"SET", "k", "v", "EX", "abc", "FOO"}, {"SET", "k", "v", "PX", "100000", "PX", "200000", "GET"}, {"TTL", "k"},
		{"GETEX", "k", "PERSIST", "PERSIST"}, {"TTL", "k"}, {"GETEX", "k", "EX", "abc", "EX", "100"}, {"TTL", "k"},
		{"GETEX", "k", "EX", "100", "PERSIST"}, {"GETEX", "k", "PERSIST", "EX", "abc"}, {"GETEX", "k", "EX", "abc"},
		{"GETEX", "nope", "EX", "abc"}, {"GETEX", "nope", "PX", "0"}, {"GETEX", "k", "KEEPTTL"},
		{"HSET", "hk", "f", "v"}, {"GETEX", "hk", "EX", "abc"}, {"GETEX", "hk", "EX", "abc", "FOO"},
	}
}

// KeyCases returns the cases of the keyspace commands. It uses databases 0
// to 2 and ends with FLUSHALL.
func KeyCases() [][]string {
	return [][]string{
		{"SET", "a", "1"}, {"SET", "b", "2"}, {"DEL", "a", "b", "c", "a"}, {"UNLINK", "x"}, {"DEL"},
		{"SET", "a", "1"}, {"EXISTS", "a", "a", "b"}, {"TOUCH", "a", "b"}, {"TYPE", "a"}, {"TYPE", "nope"},
		{"RENAME", "nope", "x"}, {"RENAME", "a", "a"}, {"RENAMENX", "a", "a"}, {"SET", "b", "2"}, {"RENAMENX", "a", "b"},
		{"EXPIRE", "a", "100"}, {"RENAME", "a", "b"}, {"TTL", "b"}, {"GET", "b"}, {"EXISTS", "a"},
		{"COPY", "b", "b"}, {"COPY", "b", "c"}, {"TTL", "c"}, {"COPY", "b", "c"}, {"COPY", "b", "c", "REPLACE"},
		{"COPY", "b", "c", "DB", "99"}, {"COPY", "b", "c", "DB", "x"}, {"COPY", "b", "b", "DB", "1"}, {"COPY", "b", "c", "FOO"},
		{"COPY", "nope", "c"}, {"COPY", "b", "c", "DB"},
		{"SET", "e", "1"}, {"EXPIRE", "e", "100", "NX"}, {"EXPIRE", "e", "100", "NX"}, {"EXPIRE", "e", "50", "GT"},
		{"EXPIRE", "e", "500", "GT"}, {"EXPIRE", "e", "50", "LT"}, {"EXPIRE", "e", "100", "XX", "GT"}, {"EXPIRE", "e", "1", "NX", "XX"},
		{"EXPIRE", "e", "1", "GT", "LT"}, {"EXPIRE", "e", "1", "FOO"}, {"EXPIRE", "e", "abc"}, {"EXPIRE", "e", "abc", "FOO"},
		{"EXPIRE", "e", "9223372036854775807"}, {"PEXPIRE", "e", "9223372036854775807"}, {"EXPIREAT", "e", "9223372036854775807"},
		{"PEXPIREAT", "e", "9223372036854775807"}, {"TTL", "e"}, {"PERSIST", "e"}, {"PERSIST", "e"}, {"TTL", "e"},
		{"EXPIRE", "e", "100", "LT"}, {"TTL", "e"}, {"PERSIST", "e"}, {"EXPIRE", "e", "100", "GT"}, {"EXPIRE", "e", "100", "XX"},
		{"EXPIRE", "nope", "100"}, {"TTL", "nope"}, {"PTTL", "nope"}, {"EXPIRETIME", "nope"}, {"PEXPIRETIME", "e"},
		{"EXPIRE", "e", "-1"}, {"EXISTS", "e"}, {"SET", "e", "1"}, {"PEXPIREAT", "e", "1"}, {"EXISTS", "e"},
		{"SET", "e", "1"}, {"EXPIREAT", "e", "0"}, {"EXISTS", "e"}, {"SET", "e", "1"}, {"EXPIRE", "e", "0"}, {"EXISTS", "e"},
		{"SET", "e", "1"}, {"EXPIREAT", "e", "4102444800"}, {"EXPIRETIME", "e"}, {"PEXPIRETIME", "e"},
		{"MSET", "user:1", "a", "user:2", "b", "user:10", "c", "u[1]", "d", "U:1", "e"},
		{"KEYS", "*"}, {"KEYS", "user:?"}, {"KEYS", "user:*"}, {"KEYS", "u\\[1\\]"}, {"KEYS", "user:[^a-z]*"}, {"KEYS", "[uU]*"},
		{"KEYS", "user:[0-9]"}, {"KEYS", "*[1"}, {"KEYS", ""}, {"KEYS"},
		{"SCAN", "abc"}, {"SCAN", "0", "COUNT", "0"}, {"SCAN", "0", "COUNT", "x"}, {"SCAN", "0", "MATCH"}, {"SCAN", "0", "FOO", "1"},
		{"SCAN", "-1"}, {"SCAN", "+"}, {"SCAN", ""}, {"SCAN", " 1"}, {"SCAN", "18446744073709551616"}, {"SCAN", "0", "TYPE"},
		{"DBSIZE"}, {"SELECT", "1"}, {"DBSIZE"}, {"SET", "only1", "x"}, {"SELECT", "0"}, {"EXISTS", "only1"},
		{"SELECT", "16"}, {"SELECT", "-1"}, {"SELECT", "x"},
		{"FLUSHDB", "FOO"}, {"FLUSHDB", "ASYNC", "SYNC"}, {"FLUSHDB", "SYNC"}, {"DBSIZE"}, {"RANDOMKEY"},
		{"SELECT", "2"}, {"SET", "solo", "1"}, {"RANDOMKEY"},
		{"SWAPDB", "0", "2"}, {"RANDOMKEY"}, {"SELECT", "0"}, {"GET", "solo"}, {"SWAPDB", "x", "1"}, {"SWAPDB", "1", "x"},
		{"SWAPDB", "0", "16"}, {"SWAPDB", "-1", "0"}, {"SWAPDB", "1", "1"},
		// Database numbers are C ints: past the int32 range is another error.
		{"SELECT", "2147483648"}, {"SELECT", "-2147483649"}, {"SELECT", "2147483647"}, {"SELECT", "9223372036854775808"},
		{"SWAPDB", "4294967296", "0"}, {"SWAPDB", "0", "-9223372036854775808"}, {"SET", "cp", "1"},
		{"COPY", "cp", "cp2", "DB", "2147483648"}, {"COPY", "cp", "cp2", "DB", "-9223372036854775808"}, {"COPY", "cp", "cp2", "DB", "2147483647"},
		{"PING", "hello"}, {"ECHO", "x"}, {"ECHO", ""},
		// An option echoed in an error is printed as C prints it: cut at a
		// NUL byte, line breaks made spaces. MATCH "" matches "" only.
		{"EXPIRE", "cp", "10", "a\x00b"}, {"EXPIRE", "cp", "10", "NX", "x\r\ny"}, {"NOSUCH\x00CMD", "a\x00b", "c\nd"},
		{"NOSUCH", strings.Repeat("a", 200)}, {"NOSUCH", strings.Repeat("b", 100), strings.Repeat("c", 100), "d"},
		{"SET", "", "empty"}, {"SCAN", "0", "MATCH", ""}, {"SCAN", "0", "MATCH", "", "MATCH", "*", "COUNT", "100"}, {"DEL", ""}, {"SELECT", "2"}, {"FLUSHALL", "ASYNC"}, {"RANDOMKEY"}, {"DBSIZE"}, {"NOSUCHCOMMAND", "a", "b"},
	}
}
