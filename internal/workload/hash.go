package workload

import "strconv"

// The hash family: random hash commands over the generator's keys (which
// collide with the strings family's values, so WRONGTYPE paths are
// exercised), and hand-written cases for every hash command and its errors.
//
// The hand-written cases may use HRANDFIELD at random and HGETALL on large
// hashes: the differential tests compare those by shape or sorted (see
// OrderOf). The random commands may not, since inside MULTI the tests
// compare EXEC's reply exactly: they keep hashes small (few fields, short
// values), in Redis's listpack and embedis's compact form, whose order
// (insertion order) is the same, and only ask HRANDFIELD for the whole hash
// or nothing. HSCAN of a small hash returns everything at once.

func init() {
	Register("hashes", (*Gen).HashCommand)
	RegisterCases("hashes", HashCases)
}

// field returns one of a few field names.
func (w *Gen) field() string { return "f" + strconv.Itoa(w.r.IntN(6)) }

// HashCommand returns a random hash command.
func (w *Gen) HashCommand() []string {
	k := w.key()
	switch w.r.IntN(20) {
	case 0, 1, 2:
		return []string{"HSET", k, w.field(), w.str()}
	case 3:
		return []string{"HSET", k, w.field(), w.str(), w.field(), w.num()}
	case 4:
		return []string{"HMSET", k, w.field(), w.str(), w.field(), w.str()}
	case 5:
		return []string{"HSETNX", k, w.field(), w.str()}
	case 6:
		return []string{"HGET", k, w.field()}
	case 7:
		return []string{"HMGET", k, w.field(), w.field(), "nofield"}
	case 8:
		return []string{"HDEL", k, w.field(), w.field()}
	case 9:
		return []string{"HEXISTS", k, w.field()}
	case 10:
		return []string{"HLEN", k}
	case 11:
		return []string{"HSTRLEN", k, w.field()}
	case 12:
		return []string{[]string{"HKEYS", "HVALS", "HGETALL"}[w.r.IntN(3)], k}
	case 13, 14:
		return []string{"HINCRBY", k, w.field(), w.num()}
	case 15:
		return []string{"HINCRBYFLOAT", k, w.field(), []string{"0.1", "-2.5", "1e3", "3", "abc", "inf"}[w.r.IntN(6)]}
	case 16:
		// Deterministic forms only (the whole hash, in its order, or
		// nothing): inside MULTI the differential tests compare EXEC's
		// reply exactly, so OrderOf's shape comparison does not apply.
		opts := [][]string{{"100"}, {"100", "WITHVALUES"}, {"0"}, {"x"}, {"1", "FOO"}}
		return append([]string{"HRANDFIELD", k}, opts[w.r.IntN(len(opts))]...)
	case 17:
		opts := [][]string{{}, {"MATCH", "f[0-2]"}, {"COUNT", "2"}, {"COUNT", "0"}}
		return append([]string{"HSCAN", k, "0"}, opts[w.r.IntN(len(opts))]...)
	case 18:
		return []string{"HDEL", k, w.field()}
	default:
		return []string{"HGETALL", k}
	}
}

// HashCases returns the cases of the hash commands.
func HashCases() [][]string {
	cs := [][]string{
		// HSET, HMSET, HSETNX and arity.
		{"HSET", "h", "f1", "v1"}, {"HSET", "h", "f1", "v1b", "f2", "v2"}, {"HSET", "h", "f3"}, {"HSET", "h"},
		{"HSET", "h", "a", "1", "b"}, {"HMSET", "h", "a", "1", "b"}, {"HMSET", "h", "f4", "v4", "f1", "v1c"},
		{"HGETALL", "h"}, {"HSETNX", "h", "f1", "x"}, {"HSETNX", "h", "f5", "v5"}, {"HSETNX", "h", "f5"},
		{"HSETNX", "fresh", "f", "v"}, {"HGETALL", "fresh"}, {"HSET", "h", "", ""}, {"HGET", "h", ""},
		// Reads.
		{"HGET", "h", "f1"}, {"HGET", "h", "nope"}, {"HGET", "nokey", "f"}, {"HGET", "h"},
		{"HMGET", "h", "f1", "nope", "f2"}, {"HMGET", "nokey", "a", "b"}, {"HMGET", "h"},
		{"HEXISTS", "h", "f1"}, {"HEXISTS", "h", "nope"}, {"HEXISTS", "nokey", "f"},
		{"HLEN", "h"}, {"HLEN", "nokey"}, {"HSTRLEN", "h", "f1"}, {"HSTRLEN", "h", "nope"}, {"HSTRLEN", "nokey", "f"},
		{"HKEYS", "h"}, {"HVALS", "h"}, {"HKEYS", "nokey"}, {"HVALS", "nokey"}, {"HGETALL", "nokey"}, {"HKEYS"},
		// HDEL and the removal of an emptied hash.
		{"HDEL", "h", "f2", "nope", "f2"}, {"HDEL", "nokey", "f"}, {"HDEL", "h"}, {"HGETALL", "h"},
		{"HDEL", "fresh", "f"}, {"EXISTS", "fresh"}, {"TYPE", "h"}, {"TYPE", "fresh"},
		// HINCRBY.
		{"HINCRBY", "n", "c", "5"}, {"HINCRBY", "n", "c", "-7"}, {"HINCRBY", "n", "c", "x"}, {"HINCRBY", "n", "c", "1.5"},
		{"HINCRBY", "n", "c", ""}, {"HSET", "n", "s", "abc", "big", "9223372036854775807", "pad", " 1", "z", "007"},
		{"HINCRBY", "n", "s", "1"}, {"HINCRBY", "n", "big", "1"}, {"HINCRBY", "n", "big", "0"}, {"HINCRBY", "n", "pad", "1"},
		{"HINCRBY", "n", "z", "1"}, {"HINCRBY", "n", "neg", "-9223372036854775808"}, {"HINCRBY", "n", "neg", "-1"},
		{"HINCRBY", "n", "c", "9223372036854775808"}, {"HINCRBY", "n", "c"}, {"HINCRBY", "nokey2", "f", "x"}, {"EXISTS", "nokey2"},
		{"HGETALL", "n"},
		// HINCRBYFLOAT and its error order.
		{"HINCRBYFLOAT", "fl", "f", "10.50"}, {"HINCRBYFLOAT", "fl", "f", "0.1"}, {"HINCRBYFLOAT", "fl", "f", "-5.0e3"},
		{"HINCRBYFLOAT", "fl", "f", "abc"}, {"HINCRBYFLOAT", "fl", "f", "inf"}, {"HINCRBYFLOAT", "fl", "f", "-inf"},
		{"HINCRBYFLOAT", "fl", "f", "nan"}, {"HINCRBYFLOAT", "fl", "f", "1e5000"}, {"HINCRBYFLOAT", "fl", "f", ""},
		{"HINCRBYFLOAT", "fl", "f", " 1"}, {"HINCRBYFLOAT", "fl", "g", "1e4000"}, {"HINCRBYFLOAT", "fl", "g", "1e4000"},
		{"HINCRBYFLOAT", "fl", "g", "1e4932"}, {"HSET", "fl", "s", "abc", "i", "17", "e", "1e3", "h", "0x10"},
		{"HINCRBYFLOAT", "fl", "s", "1"}, {"HINCRBYFLOAT", "fl", "s", "inf"}, {"HINCRBYFLOAT", "fl", "s", "x"},
		{"HINCRBYFLOAT", "fl", "i", "0.5"}, {"HINCRBYFLOAT", "fl", "e", "1"}, {"HINCRBYFLOAT", "fl", "h", "1"},
		{"HINCRBYFLOAT", "fl", "n", "3"}, {"HINCRBYFLOAT", "fl", "t", "1e20"}, {"HINCRBYFLOAT", "fl", "t", "1e-20"},
		{"HINCRBYFLOAT", "fl", "f"}, {"HGETALL", "fl"},
		// Wrong type, both ways.
		{"SET", "str", "x"}, {"HSET", "str", "f", "v"}, {"HMSET", "str", "f", "v"}, {"HSETNX", "str", "f", "v"},
		{"HGET", "str", "f"}, {"HMGET", "str", "f"}, {"HDEL", "str", "f"}, {"HEXISTS", "str", "f"}, {"HLEN", "str"},
		{"HSTRLEN", "str", "f"}, {"HKEYS", "str"}, {"HVALS", "str"}, {"HGETALL", "str"}, {"HINCRBY", "str", "f", "1"},
		{"HINCRBY", "str", "f", "x"}, {"HINCRBYFLOAT", "str", "f", "1"}, {"HINCRBYFLOAT", "str", "f", "x"},
		{"HINCRBYFLOAT", "str", "f", "inf"}, {"HRANDFIELD", "str"}, {"HRANDFIELD", "str", "1"}, {"HRANDFIELD", "str", "x"},
		{"HSCAN", "str", "0"}, {"HSCAN", "str", "x"}, {"HSCAN", "str", "0", "FOO"}, {"GET", "n"}, {"INCR", "n"}, {"APPEND", "n", "x"},
		// HRANDFIELD: only deterministic replies.
		{"HSET", "one", "only", "val"}, {"HRANDFIELD", "one"}, {"HRANDFIELD", "one", "1"}, {"HRANDFIELD", "one", "-3"},
		{"HRANDFIELD", "one", "-3", "WITHVALUES"}, {"HRANDFIELD", "one", "1", "withvalues"}, {"HRANDFIELD", "n", "100"},
		{"HRANDFIELD", "n", "6", "WITHVALUES"}, {"HRANDFIELD", "n", "0"}, {"HRANDFIELD", "n", "0", "WITHVALUES"},
		{"HRANDFIELD", "nokey"}, {"HRANDFIELD", "nokey", "5"}, {"HRANDFIELD", "nokey", "-5", "WITHVALUES"},
		{"HRANDFIELD", "n", "x"}, {"HRANDFIELD", "n", "1", "FOO"}, {"HRANDFIELD", "n", "1", "WITHVALUES", "x"},
		{"HRANDFIELD", "n", "-9223372036854775808"}, {"HRANDFIELD", "n", "9223372036854775808"},
		{"HRANDFIELD", "n", "9223372036854775807", "WITHVALUES"}, {"HRANDFIELD", "n", "-4611686018427387904", "WITHVALUES"},
		{"HRANDFIELD", "nokey", "x", "WITHVALUES"}, {"HRANDFIELD", "nokey", "1", "FOO"}, {"HRANDFIELD"},
		// HSCAN on a small hash: everything at once, cursor 0.
		{"HSCAN", "n", "0"}, {"HSCAN", "n", "17"}, {"HSCAN", "n", "0", "MATCH", "*i*"}, {"HSCAN", "n", "0", "COUNT", "1"},
		{"HSCAN", "n", "0", "COUNT", "0"}, {"HSCAN", "n", "0", "COUNT", "x"}, {"HSCAN", "n", "0", "MATCH"}, {"HSCAN", "n", "0", "TYPE", "string"},
		{"HSCAN", "n", "0", "FOO", "1"}, {"HSCAN", "n", "x"}, {"HSCAN", "n", "-1"}, {"HSCAN", "n", "18446744073709551616"},
		{"HSCAN", "nokey", "0"}, {"HSCAN", "nokey", "0", "FOO"}, {"HSCAN", "nokey", "x"}, {"HSCAN", "n"},
		// Keyspace commands on hashes.
		{"COPY", "n", "ncopy"}, {"HGETALL", "ncopy"}, {"RENAME", "ncopy", "n2"}, {"HGETALL", "n2"}, {"EXPIRE", "n2", "100"},
		{"HSET", "n2", "new", "1"}, {"TTL", "n2"}, {"HDEL", "n2", "new"}, {"TTL", "n2"}, {"DEL", "n2"},
	}
	// A hash of 128 fields, then 129 (still a listpack in Redis 7.0, which
	// converts past 512 fields: see "mid" below), and the conversion by
	// value length (65 > 64), whose large hash's order differs from Redis's,
	// so only order-free replies are compared on it.
	big := []string{"HSET", "big"}
	for i := 0; i < 128; i++ {
		big = append(big, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	long := string(make([]byte, 65))
	cs = append(cs, big)
	cs = append(cs, [][]string{
		{"HLEN", "big"}, {"HGETALL", "big"}, {"HSET", "big", "f128", "x"}, {"HLEN", "big"}, {"HGET", "big", "f77"},
		{"HINCRBY", "big", "f3", "10"}, {"HINCRBYFLOAT", "big", "f4", "0.5"}, {"HDEL", "big", "f0", "f1", "nope"},
		{"HLEN", "big"}, {"HEXISTS", "big", "f0"}, {"HSTRLEN", "big", "f100"}, {"HMGET", "big", "f5", "f0", "f127"},
		{"HRANDFIELD", "big", "0"}, {"HSCAN", "big", "0", "MATCH", "nomatch*", "COUNT", "1000"},
		{"HGETALL", "big"}, {"HKEYS", "big"}, {"HVALS", "big"}, {"HRANDFIELD", "big"}, {"HRANDFIELD", "big", "5"},
		{"HRANDFIELD", "big", "100", "WITHVALUES"}, {"HRANDFIELD", "big", "-300"}, {"HRANDFIELD", "big", "-7", "WITHVALUES"},
		{"HRANDFIELD", "big", "1000", "WITHVALUES"}, {"HRANDFIELD", "n", "2"}, {"HRANDFIELD", "n", "-10", "WITHVALUES"},
		{"HSET", "lv", "a", "1", "b", "2"}, {"HSET", "lv", "c", long}, {"HLEN", "lv"}, {"HSTRLEN", "lv", "c"}, {"HGET", "lv", "a"},
		{"HSET", "lf", long, "1"}, {"HGET", "lf", long}, {"HEXISTS", "lf", long},
	}...)
	// Up to 512 fields Redis 7.0 (started without a configuration file)
	// keeps a hash as a listpack: HSCAN answers every field at once, in
	// insertion order, whatever COUNT, and so does HRANDFIELD with a count
	// at least the size. The fields go in out of order (i*7 mod 300).
	mid := []string{"HSET", "mid"}
	for i := 0; i < 300; i++ {
		mid = append(mid, "m"+strconv.Itoa(i*7%300), strconv.Itoa(i))
	}
	cs = append(cs, mid)
	cs = append(cs, [][]string{
		{"HSCAN", "mid", "0"}, {"HSCAN", "mid", "0", "COUNT", "5"}, {"HSCAN", "mid", "0", "MATCH", "m1*"},
		{"HRANDFIELD", "mid", "300"}, {"HRANDFIELD", "mid", "1000", "WITHVALUES"}, {"OBJECT", "ENCODING", "mid"},
	}...)
	return cs
}
