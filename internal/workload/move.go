package workload

// MOVE: hand-written cases for every reply and error of MOVE. The random
// generator of the keyspace commands (StringCommand) sends MOVE too.

func init() { RegisterCases("move", MoveCases) }

// MoveCases returns the cases of MOVE. They use databases 0 to 2.
func MoveCases() [][]string {
	return [][]string{
		{"SET", "k", "v"}, {"MOVE", "k", "0"}, {"MOVE", "nope", "0"}, {"MOVE", "k", "16"}, {"MOVE", "k", "-1"},
		{"MOVE", "k", "x"}, {"MOVE", "k", " 1"}, {"MOVE", "k", "1.0"}, {"MOVE", "k", ""},
		{"MOVE", "k", "2147483647"}, {"MOVE", "k", "2147483648"}, {"MOVE", "k", "-2147483649"},
		{"MOVE", "k", "9223372036854775808"}, {"MOVE", "nope", "16"}, {"MOVE", "nope", "x"},
		{"MOVE", "k"}, {"MOVE", "k", "1", "2"}, {"MOVE", "nope", "1"},
		{"SELECT", "1"}, {"SET", "k", "there"}, {"SELECT", "0"}, {"MOVE", "k", "1"}, {"GET", "k"},
		{"EXPIRE", "k", "1000"}, {"MOVE", "k", "2"}, {"EXISTS", "k"}, {"SELECT", "2"}, {"GET", "k"}, {"TTL", "k"},
		{"MOVE", "k", "0"}, {"SELECT", "0"}, {"TTL", "k"}, {"PERSIST", "k"},
		{"RPUSH", "l", "a", "b"}, {"MOVE", "l", "1"}, {"SELECT", "1"}, {"LRANGE", "l", "0", "-1"}, {"TYPE", "l"},
		{"HSET", "h", "f", "v"}, {"MOVE", "h", "0"}, {"SELECT", "0"}, {"HGETALL", "h"},
		{"ZADD", "z", "1", "a"}, {"SADD", "s", "1", "x"}, {"MOVE", "z", "2"}, {"MOVE", "s", "2"},
		{"SELECT", "2"}, {"ZRANGE", "z", "0", "-1", "WITHSCORES"}, {"SMEMBERS", "s"}, {"DBSIZE"}, {"SELECT", "0"}, {"DBSIZE"},
	}
}
