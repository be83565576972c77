package workload

import "strconv"

// The set family: random set commands over the generator's keys (which
// collide with the other families' values, so WRONGTYPE paths are
// exercised), and hand-written cases for every set command and its errors.
//
// Redis leaves the order of SMEMBERS, SINTER, SUNION, SDIFF, SPOP with a
// count, SRANDMEMBER and SSCAN pages unspecified, and the differential tests
// compare replies exactly. So:
//
//   - the random generator asks for members only through order-free replies
//     (SCARD, SISMEMBER, SMISMEMBER, SINTERCARD, the *STORE commands'
//     counts), never SMEMBERS or SSCAN, and pops or draws random members only
//     in deterministic forms (a count of 0, or an error) — except when the
//     generator is not used against a real server (minTTL 0: the
//     write-effect replay test), where real SPOP and SRANDMEMBER make sure
//     the stream never replays randomness;
//   - the hand-written cases read whole sets only where Redis's order is
//     fixed: sets of at most 512 integers (an intset, iterated in ascending
//     order by both), sets of one member, and SSCAN of an intset (all of it
//     at once, cursor 0).

func init() {
	Register("sets", (*Gen).SetCommand)
	RegisterCases("sets", SetCases)
}

// member returns a set member: half small canonical integers (so sets start
// as intsets), half short strings or non-canonical integers (so they
// convert).
func (w *Gen) member() string {
	switch w.r.IntN(8) {
	case 0, 1, 2, 3:
		return strconv.Itoa(w.r.IntN(16))
	case 4:
		return []string{"007", "-0", "+1", "1.0", "-3", "9223372036854775807", "9223372036854775808"}[w.r.IntN(7)]
	default:
		return w.str()
	}
}

func (w *Gen) members(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = w.member()
	}
	return out
}

// SetCommand returns a random set command.
func (w *Gen) SetCommand() []string {
	k := w.key()
	random := w.minTTL == 0 // not compared with a server: random replies are fine
	switch w.r.IntN(24) {
	case 0, 1, 2:
		return append([]string{"SADD", k}, w.members(1+w.r.IntN(3))...)
	case 3:
		// Integers only, sometimes past the intset limit (512) or as many
		// strings as pass the small-set limit (128).
		n := []int{4, 20, 513, 130}[w.r.IntN(4)]
		args := []string{"SADD", k}
		for i := 0; i < n; i++ {
			if n == 130 {
				args = append(args, "m"+strconv.Itoa(i))
			} else {
				args = append(args, strconv.Itoa(i))
			}
		}
		return args
	case 4, 5:
		return append([]string{"SREM", k}, w.members(1+w.r.IntN(3))...)
	case 6:
		return []string{"SCARD", k}
	case 7, 8:
		return []string{"SISMEMBER", k, w.member()}
	case 9:
		return append([]string{"SMISMEMBER", k}, w.members(1+w.r.IntN(4))...)
	case 10:
		if random {
			return []string{"SPOP", k}
		}
		return []string{"SPOP", k, []string{"0", "-1", "x"}[w.r.IntN(3)]}
	case 11:
		if random {
			return []string{"SPOP", k, strconv.Itoa(w.r.IntN(5))}
		}
		return []string{"SRANDMEMBER", k, []string{"0", "x", "-9223372036854775808"}[w.r.IntN(3)]}
	case 12:
		if random {
			return []string{"SRANDMEMBER", k, strconv.Itoa(w.r.IntN(9) - 4)}
		}
		return []string{"SCARD", k}
	case 13, 14:
		return []string{"SMOVE", k, w.key(), w.member()}
	case 15:
		return []string{"SINTERCARD", "2", k, w.key()}
	case 16:
		return []string{"SINTERCARD", "3", k, w.key(), w.key(), "LIMIT", strconv.Itoa(w.r.IntN(3))}
	case 17:
		return []string{"SINTERSTORE", k, w.key(), w.key()}
	case 18:
		return []string{"SUNIONSTORE", k, w.key(), w.key()}
	case 19:
		return []string{"SDIFFSTORE", k, w.key(), w.key()}
	case 20:
		return []string{"SDIFFSTORE", w.key(), k}
	case 21:
		// The whole set, order-free: how many members, and which of a few.
		return append([]string{"SMISMEMBER", k}, "0", "1", "2", "3", "a0", "b1", "007", "-0")
	case 22:
		return []string{"SCARD", k}
	default:
		return []string{"TYPE", k}
	}
}

// SetCases returns the cases of the set commands.
func SetCases() [][]string {
	long := string(make([]byte, 65))
	cs := [][]string{
		// SADD, SCARD, SISMEMBER, SMISMEMBER on an intset.
		{"SADD", "s", "3", "1", "2"}, {"SADD", "s", "2", "4"}, {"SADD", "s"}, {"SADD"}, {"SMEMBERS", "s"},
		{"SCARD", "s"}, {"SCARD", "nokey"}, {"SCARD"}, {"SISMEMBER", "s", "3"}, {"SISMEMBER", "s", "03"},
		{"SISMEMBER", "s", "x"}, {"SISMEMBER", "nokey", "x"}, {"SISMEMBER", "s"},
		{"SMISMEMBER", "s", "1", "9", "x", "1"}, {"SMISMEMBER", "nokey", "a", "b"}, {"SMISMEMBER", "s"},
		{"TYPE", "s"}, {"SMEMBERS", "nokey"}, {"SMEMBERS"},
		// SSCAN of an intset: everything, ascending, cursor 0, whatever the cursor.
		{"SSCAN", "s", "0"}, {"SSCAN", "s", "123"}, {"SSCAN", "s", "0", "MATCH", "[12]"}, {"SSCAN", "s", "0", "COUNT", "1"},
		{"SSCAN", "s", "0", "MATCH", "*", "COUNT", "100"}, {"SSCAN", "s", "x"}, {"SSCAN", "s", "-1"},
		{"SSCAN", "s", "0", "MATCH", ""}, {"SADD", "s", ""}, {"SSCAN", "s", "0", "MATCH", ""}, {"SREM", "s", ""},
		{"SSCAN", "s", "18446744073709551616"}, {"SSCAN", "nokey", "0"}, {"SSCAN", "nokey", "0", "FOO"},
		{"SSCAN", "nokey", "x"}, {"SSCAN", "s", "0", "TYPE", "string"}, {"SSCAN", "s", "0", "COUNT", "0"},
		{"SSCAN", "s", "0", "COUNT"}, {"SSCAN", "s", "0", "COUNT", "x"}, {"SSCAN", "s", "0", "MATCH"},
		{"SSCAN", "s", "0", "FOO", "1"}, {"SSCAN", "s"},
		// SREM and the removal of an emptied set.
		{"SREM", "s", "1", "9", "x"}, {"SREM", "nokey", "1"}, {"SREM", "s"}, {"SMEMBERS", "s"},
		{"SREM", "s", "2", "3", "4"}, {"EXISTS", "s"}, {"TYPE", "s"},
		// Integers: canonical int64 spellings only.
		{"SADD", "bi", "9223372036854775807", "-9223372036854775808", "0"}, {"SMEMBERS", "bi"},
		{"SADD", "nc", "007", "7", "-0", "0", "+1", "1", " 1"}, {"SCARD", "nc"}, {"SISMEMBER", "nc", "07"},
		{"SISMEMBER", "nc", "7"}, {"SMISMEMBER", "nc", "-0", "0", "+1", "1", "1 "},
		{"SADD", "bi", "9223372036854775808"}, {"SCARD", "bi"}, {"SISMEMBER", "bi", "9223372036854775808"},
		{"SADD", "lg", long}, {"SISMEMBER", "lg", long}, {"SMEMBERS", "lg"}, {"SADD", "lg", "1"}, {"SCARD", "lg"},
		// Wrong type, both ways.
		{"SET", "str", "v"}, {"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SMEMBERS", "str"}, {"SCARD", "str"},
		{"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a"}, {"SPOP", "str"}, {"SPOP", "str", "1"}, {"SPOP", "str", "-1"},
		{"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "1"}, {"SRANDMEMBER", "str", "x"}, {"SSCAN", "str", "0"},
		{"SSCAN", "str", "x"}, {"SSCAN", "str", "0", "FOO"}, {"GET", "str"},
		{"SADD", "w", "1"}, {"GET", "w"}, {"INCR", "w"}, {"APPEND", "w", "x"}, {"STRLEN", "w"},
		// SPOP.
		{"SADD", "one", "x"}, {"SPOP", "one"}, {"EXISTS", "one"}, {"SPOP", "one"}, {"SPOP", "nokey"},
		{"SPOP", "nokey", "2"}, {"SPOP", "nokey", "0"}, {"SPOP", "nokey", "-1"}, {"SPOP", "s", "x"},
		{"SPOP", "s", "1", "2"}, {"SPOP"},
		{"SADD", "p", "5", "3", "9"}, {"SPOP", "p", "0"}, {"SPOP", "p", "-5"}, {"SPOP", "p", "10"}, {"EXISTS", "p"},
		{"SADD", "p", "7", "8"}, {"SPOP", "p", "2"}, {"EXISTS", "p"}, {"SADD", "p", "only"}, {"SPOP", "p", "1"}, {"EXISTS", "p"},
		{"SADD", "p", "x", "y"}, {"SPOP", "p", "0"}, {"SCARD", "p"}, {"DEL", "p"},
		// SRANDMEMBER.
		{"SADD", "r", "solo"}, {"SRANDMEMBER", "r"}, {"SRANDMEMBER", "r", "5"}, {"SRANDMEMBER", "r", "-3"},
		{"SRANDMEMBER", "r", "0"}, {"SRANDMEMBER", "r", "1"}, {"SRANDMEMBER", "nokey"}, {"SRANDMEMBER", "nokey", "3"},
		{"SRANDMEMBER", "nokey", "-3"}, {"SRANDMEMBER", "r", "x"}, {"SRANDMEMBER", "r", "-9223372036854775808"},
		{"SRANDMEMBER", "nokey", "-9223372036854775808"}, {"SRANDMEMBER", "r", "1", "2"}, {"SRANDMEMBER"},
		{"SADD", "ri", "30", "10", "20"}, {"SRANDMEMBER", "ri", "3"}, {"SRANDMEMBER", "ri", "100"}, {"SCARD", "ri"},
		// SMOVE.
		{"SADD", "m1", "a", "b"}, {"SMOVE", "m1", "m2", "a"}, {"SMOVE", "m1", "m2", "zz"}, {"SMOVE", "nokey", "m2", "a"},
		{"SMOVE", "nokey", "str", "a"}, {"SMOVE", "m1", "str", "b"}, {"SMOVE", "str", "m1", "b"}, {"SMOVE", "m1", "m1", "b"},
		{"SMOVE", "m1", "m1", "q"}, {"SMOVE", "m1", "m2", "b"}, {"EXISTS", "m1"}, {"SCARD", "m2"},
		{"SMISMEMBER", "m2", "a", "b"}, {"SMOVE", "m2", "m3", "a"}, {"SMEMBERS", "m3"}, {"SMEMBERS", "m2"}, {"SMOVE", "m1"},
		{"SADD", "mi", "1"}, {"SMOVE", "m2", "mi", "b"}, {"SMOVE", "mi", "m3", "1"}, {"EXISTS", "mi"}, {"SCARD", "m3"},
		{"SADD", "mi", "2"}, {"SMOVE", "mi", "m4", "2"}, {"SMEMBERS", "m4"}, {"TYPE", "m4"},
		// SINTER, SUNION, SDIFF over intsets (ascending on both sides).
		{"SADD", "i1", "1", "2", "3", "4"}, {"SADD", "i2", "3", "4", "5"}, {"SADD", "i3", "4", "6"},
		{"SINTER", "i1", "i2"}, {"SINTER", "i1", "i2", "i3"}, {"SINTER", "i2", "i1"}, {"SINTER", "i1"},
		{"SINTER", "i1", "nokey"}, {"SINTER", "nokey", "i1"}, {"SINTER", "i1", "i1"}, {"SINTER", "i3", "mi"},
		{"SUNION", "i1", "i2", "i3"}, {"SUNION", "nokey"}, {"SUNION", "i3", "nokey", "i3"},
		{"SDIFF", "i1", "i2"}, {"SDIFF", "i1", "i2", "i3"}, {"SDIFF", "i1", "nokey"}, {"SDIFF", "nokey", "i1"},
		{"SDIFF", "i1", "i1"}, {"SDIFF", "i3"}, {"SINTER"}, {"SUNION"}, {"SDIFF"},
		{"SINTER", "i1", "str"}, {"SINTER", "nokey", "str"}, {"SINTER", "str", "nokey"}, {"SUNION", "i1", "str"},
		{"SDIFF", "nokey", "str"}, {"SDIFF", "i1", "str"},
		// SINTERCARD.
		{"SINTERCARD", "2", "i1", "i2"}, {"SINTERCARD", "2", "i1", "i2", "LIMIT", "1"}, {"SINTERCARD", "2", "i1", "i2", "limit", "0"},
		{"SINTERCARD", "2", "i1", "i2", "LIMIT", "5"}, {"SINTERCARD", "1", "i1"}, {"SINTERCARD", "1", "nokey"},
		{"SINTERCARD", "2", "i1", "nokey"}, {"SINTERCARD", "2", "i1", "str"}, {"SINTERCARD", "2", "nokey", "str"},
		{"SINTERCARD", "0", "i1"}, {"SINTERCARD", "-1", "i1"}, {"SINTERCARD", "x", "i1"}, {"SINTERCARD", "3", "i1", "i2"},
		{"SINTERCARD", "2", "i1", "i2", "LIMIT", "-1"}, {"SINTERCARD", "2", "i1", "i2", "LIMIT", "x"},
		{"SINTERCARD", "2", "i1", "i2", "LIMIT"}, {"SINTERCARD", "2", "i1", "i2", "FOO"}, {"SINTERCARD", "1", "i1", "i2"},
		{"SINTERCARD", "2", "i1", "i2", "LIMIT", "1", "LIMIT", "3"}, {"SINTERCARD", "1"}, {"SINTERCARD"},
		{"SINTERCARD", "1", "LIMIT"}, {"SINTERCARD", "1", "LIMIT", "1"},
		// The *STORE commands.
		{"SINTERSTORE", "dst", "i1", "i2"}, {"SMEMBERS", "dst"}, {"TYPE", "dst"}, {"EXPIRE", "dst", "100"},
		{"SINTERSTORE", "dst", "i1", "i2"}, {"TTL", "dst"}, {"SINTERSTORE", "dst", "i1", "nokey"}, {"EXISTS", "dst"},
		{"SINTERSTORE", "dst", "i1", "i3", "i2"}, {"SMEMBERS", "dst"},
		{"SET", "dst2", "x"}, {"SUNIONSTORE", "dst2", "i1", "i3"}, {"TYPE", "dst2"}, {"SMEMBERS", "dst2"},
		{"SDIFFSTORE", "d3", "i2", "i2"}, {"EXISTS", "d3"}, {"SDIFFSTORE", "i1", "i1", "i2"}, {"SMEMBERS", "i1"},
		{"SET", "d5", "x"}, {"SDIFFSTORE", "d5", "nokey", "i1"}, {"EXISTS", "d5"}, {"SUNIONSTORE", "d6", "nokey"}, {"EXISTS", "d6"},
		{"SINTERSTORE", "x", "str", "i1"}, {"SINTERSTORE", "x", "nokey", "str"}, {"SUNIONSTORE", "x", "i1", "str"},
		{"SDIFFSTORE", "x", "i1", "str"}, {"SET", "x", "keep"}, {"SUNIONSTORE", "x", "str"}, {"GET", "x"},
		{"SINTERSTORE", "dst"}, {"SUNIONSTORE", "dst"}, {"SDIFFSTORE", "dst"}, {"SINTERSTORE", "str", "i2", "i3"},
		{"SMEMBERS", "str"}, {"SUNIONSTORE", "i3", "i3", "i2"}, {"SMEMBERS", "i3"},
		{"SADD", "mix", "1", "a"}, {"SINTERSTORE", "d4", "mix", "i1"}, {"SMEMBERS", "d4"}, {"SINTERCARD", "2", "mix", "i1"},
		{"SINTER", "mix", "i2"}, {"SUNIONSTORE", "d7", "mix", "i1"}, {"SCARD", "d7"}, {"SMISMEMBER", "d7", "1", "2", "a", "b"},
		{"SDIFFSTORE", "d8", "mix", "i1"}, {"SMEMBERS", "d8"}, {"SDIFF", "mix", "i1"},
		// Keyspace commands on sets.
		{"COPY", "i2", "icopy"}, {"SMEMBERS", "icopy"}, {"SADD", "icopy", "99"}, {"SCARD", "i2"}, {"RENAME", "icopy", "i4"},
		{"SMEMBERS", "i4"}, {"EXPIRE", "i4", "100"}, {"SADD", "i4", "100"}, {"TTL", "i4"}, {"SREM", "i4", "100"}, {"TTL", "i4"},
		{"DEL", "i4"}, {"EXISTS", "i4"},
	}
	// The intset limit: 512 integers stay an intset (SMEMBERS ascending on
	// both sides); the 513th converts, after which only order-free replies
	// are compared.
	big := []string{"SADD", "big"}
	for i := 512; i >= 1; i-- {
		big = append(big, strconv.Itoa(i))
	}
	strs := []string{"SADD", "strs"}
	for i := 0; i < 129; i++ {
		strs = append(strs, "m"+strconv.Itoa(i))
	}
	cs = append(cs, big, []string{"SCARD", "big"}, []string{"SMEMBERS", "big"}, []string{"SSCAN", "big", "0", "MATCH", "5?"},
		[]string{"SADD", "big", "513"}, []string{"SCARD", "big"}, []string{"SISMEMBER", "big", "513"},
		[]string{"SREM", "big", "1", "2", "513"}, []string{"SCARD", "big"}, []string{"SINTERCARD", "2", "big", "i2"},
		[]string{"SINTER", "big", "i2"}, []string{"SINTERSTORE", "bs", "big", "i3"}, []string{"SMEMBERS", "bs"},
		strs, []string{"SCARD", "strs"}, []string{"SISMEMBER", "strs", "m128"}, []string{"SREM", "strs", "m0"},
		[]string{"SMISMEMBER", "strs", "m0", "m1", "m128"}, []string{"SMOVE", "strs", "big", "m5"}, []string{"SCARD", "big"},
		[]string{"SDIFFSTORE", "dd", "strs", "big"}, []string{"SCARD", "dd"}, []string{"SUNIONSTORE", "uu", "strs", "big"},
		[]string{"SCARD", "uu"}, []string{"SINTERCARD", "2", "uu", "strs", "LIMIT", "50"}, []string{"FLUSHALL"})
	return cs
}
