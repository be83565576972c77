package workload

import (
	"strconv"
	"strings"
)

// OBJECT: hand-written cases for every encoding Redis 7.0 reports, the
// commands that change it, REFCOUNT, FREQ and the subcommand errors.
//
// OBJECT IDLETIME of an existing key is a known difference: Redis answers
// the seconds since the key was last used, embedis replies "ERR embedis
// does not track idle time yet". Only its other replies (a missing key,
// the errors) are here.

func init() { RegisterCases("object", ObjectCases) }

// ObjectCases returns the cases of OBJECT.
func ObjectCases() [][]string {
	s44, s45, s64, s65 := strings.Repeat("x", 44), strings.Repeat("x", 45), strings.Repeat("y", 64), strings.Repeat("y", 65)
	enc := func(keys ...string) [][]string {
		var out [][]string
		for _, k := range keys {
			out = append(out, []string{"OBJECT", "ENCODING", k}, []string{"OBJECT", "REFCOUNT", k})
		}
		return out
	}
	var cs [][]string
	add := func(c ...[]string) { cs = append(cs, c...) }
	// Strings.
	add([]string{"SET", "a", "123"}, []string{"SET", "b", "12345678901234567890"}, []string{"SET", "c", "-5"},
		[]string{"SET", "d", "9999"}, []string{"SET", "f", "10000"}, []string{"SET", "m", "05"}, []string{"SET", "n", "-0"},
		[]string{"SET", "o", s44}, []string{"SET", "p", s45}, []string{"SET", "q", "9223372036854775807"},
		[]string{"SET", "q2", "-9223372036854775808"}, []string{"SET", "q3", "9223372036854775808"}, []string{"SET", "v", "1.5"},
		[]string{"SET", "x", " 5"}, []string{"SET", "y", "+5"}, []string{"SET", "e", ""}, []string{"SET", "zero", "0"})
	add(enc("a", "b", "c", "d", "f", "m", "n", "o", "p", "q", "q2", "q3", "v", "x", "y", "e", "zero")...)
	add([]string{"APPEND", "g", "5"}, []string{"OBJECT", "ENCODING", "g"}, []string{"OBJECT", "REFCOUNT", "g"},
		[]string{"APPEND", "g", "1"}, []string{"APPEND", "h", ""}, []string{"SET", "i", "x"}, []string{"APPEND", "i", ""},
		[]string{"SET", "z", "5"}, []string{"APPEND", "z", ""}, []string{"SETRANGE", "j", "0", "5"},
		[]string{"SET", "k", "7"}, []string{"SETRANGE", "k", "0", ""}, []string{"SETRANGE", "k2", "0", ""})
	add(enc("g", "h", "i", "z", "j", "k", "k2")...)
	add([]string{"SETRANGE", "k", "0", "8"}, []string{"INCRBYFLOAT", "l", "1"})
	add(enc("k", "l")...)
	add([]string{"INCR", "l"}, []string{"COPY", "d", "d2"}, []string{"INCR", "f"}, []string{"SET", "r", "5"},
		[]string{"INCRBY", "r", "10000"}, []string{"RENAME", "d", "d3"}, []string{"GETSET", "s", "3"}, []string{"MSET", "t", "4", "t2", s45},
		[]string{"SETEX", "u", "100", "6"}, []string{"INCRBYFLOAT", "w", "1e300"}, []string{"SETNX", "aa", "77"},
		[]string{"SET", "ab", "5"}, []string{"GETEX", "ab", "EX", "100"}, []string{"SET", "ac", "100"}, []string{"DECR", "ac"},
		[]string{"SET", "ad", "-1"}, []string{"INCR", "ad"}, []string{"SET", "ae", "x"}, []string{"SET", "ae", "5", "KEEPTTL"},
		[]string{"SET", "af", "20000"}, []string{"INCRBY", "af", "-15000"}, []string{"COPY", "af", "ag"}, []string{"DECR", "ag"},
		[]string{"COPY", "p", "p2"}, []string{"COPY", "g", "g2"}, []string{"COPY", "o", "o2"}, []string{"SET", "g", "1"},
		[]string{"INCRBYFLOAT", "v", "1"}, []string{"SET", "ah", "5"}, []string{"APPEND", "ah", "1"}, []string{"INCR", "ah"},
		[]string{"SET", "ai", "-3"}, []string{"MOVE", "ai", "1"}, []string{"SELECT", "1"}, []string{"OBJECT", "ENCODING", "ai"},
		[]string{"OBJECT", "REFCOUNT", "ai"}, []string{"SELECT", "0"}, []string{"SET", "aj", "6"}, []string{"MOVE", "aj", "1"},
		[]string{"SELECT", "1"}, []string{"OBJECT", "REFCOUNT", "aj"}, []string{"SELECT", "0"})
	add(enc("l", "d2", "f", "r", "d3", "s", "t", "t2", "u", "w", "aa", "ab", "ac", "ad", "ae", "af", "ag", "p2", "g2", "o2", "g", "v", "ah")...)

	// Lists.
	add([]string{"RPUSH", "list", "a"}, []string{"RPUSH", "biglist", s65}, []string{"SORT", "a", "STORE", "sorted"})
	add(enc("list", "biglist", "sorted")...)

	// Sets.
	ints := []string{"SADD", "bigints"}
	for i := 0; i < 513; i++ {
		ints = append(ints, strconv.Itoa(i))
	}
	add([]string{"SADD", "is", "1", "2"}, []string{"SADD", "hs", "a"}, []string{"SADD", "mixed", "1", "x"},
		[]string{"SADD", "big", "9223372036854775808"}, ints[:514], []string{"SADD", "bigints512"})
	cs[len(cs)-1] = append(cs[len(cs)-1], ints[2:514]...)
	add(enc("is", "hs", "mixed", "big", "bigints", "bigints512")...)
	add([]string{"SADD", "is", "x"}, []string{"SREM", "is", "x"}, []string{"SADD", "hs2", "1", "2", "x"}, []string{"SREM", "hs2", "x"},
		[]string{"SINTERSTORE", "inter", "hs2"}, []string{"SUNIONSTORE", "union", "hs2", "hs"}, []string{"SDIFFSTORE", "diff", "hs2", "hs"},
		[]string{"SMOVE", "hs2", "moved", "1"}, []string{"COPY", "hs2", "hs3"}, []string{"SADD", "bigints512", "x"})
	add(enc("is", "hs2", "inter", "union", "diff", "moved", "hs3", "bigints512")...)

	// Sorted sets.
	members := []string{"ZADD", "bigz"}
	for i := 0; i < 129; i++ {
		members = append(members, strconv.Itoa(i), "m"+strconv.Itoa(i))
	}
	add([]string{"ZADD", "z", "1", "a"}, []string{"ZADD", "zlong", "1", s65}, []string{"ZADD", "z64", "1", s64}, members,
		[]string{"ZADD", "zl2", "1", "a"}, []string{"ZADD", "zl2", "2", s65}, []string{"ZREM", "zl2", s65},
		[]string{"ZUNIONSTORE", "zu", "2", "z", "zl2"}, []string{"ZUNIONSTORE", "zu2", "1", "zlong"}, []string{"COPY", "zl2", "zl3"},
		[]string{"GEOADD", "geo", "13.361389", "38.115556", "Palermo"}, []string{"ZADD", "zs", "1", "a"}, []string{"SORT_RO", "zs", "ALPHA"})
	add(enc("z", "zlong", "z64", "bigz", "zl2", "zu", "zu2", "zl3", "geo", "zs")...)
	add([]string{"ZRANGESTORE", "zr", "bigz", "0", "9"}, []string{"ZRANGESTORE", "zr2", "bigz", "0", "-1"},
		[]string{"ZRANGESTORE", "zr3", "zlong", "0", "-1"}, []string{"ZINTERSTORE", "zi", "2", "bigz", "bigz"},
		[]string{"ZDIFFSTORE", "zd", "2", "bigz", "z"}, []string{"ZUNIONSTORE", "zu3", "2", "bigz", "zlong"},
		[]string{"ZREMRANGEBYRANK", "bigz", "0", "-10"}, []string{"ZPOPMIN", "zu2"}, []string{"ZADD", "zu2", "1", "a"},
		[]string{"GEOSEARCHSTORE", "geo2", "geo", "FROMLONLAT", "13", "38", "BYRADIUS", "500", "km"},
		[]string{"ZINCRBY", "zinc", "1", s65}, []string{"ZADD", "zinc2", "INCR", "1", "a"},
		[]string{"SUNIONSTORE", "su", "bigints", "is"}, []string{"SINTERSTORE", "si", "bigints", "bigints"},
		[]string{"SPOP", "is"}, []string{"SPOP", "bigints512", "600"}, []string{"SMOVE", "hs", "hsnew", "a"},
		[]string{"SINTERSTORE", "si2", "mixed", "mixed"}, []string{"SDIFFSTORE", "sd2", "mixed", "nothing"},
		[]string{"LMOVE", "list", "lnew", "LEFT", "RIGHT"}, []string{"RPOPLPUSH", "biglist", "lnew2"})
	add(enc("zr", "zr2", "zr3", "zi", "zd", "zu3", "bigz", "zu2", "geo2", "zinc", "zinc2", "su", "si", "is", "bigints512",
		"hsnew", "si2", "sd2", "lnew", "lnew2")...)

	// Hashes.
	fields := []string{"HSET", "bigh"} // 513 fields: past Redis's 512
	for i := 0; i < 513; i++ {
		fields = append(fields, "f"+strconv.Itoa(i), "v")
	}
	add(append([]string{"HSET", "h512"}, fields[2:1026]...), append([]string{"HSET", "h129"}, fields[2:260]...))
	add(enc("h512", "h129")...)
	add([]string{"HSET", "h512", "one", "more"})
	add(enc("h512")...)
	add([]string{"HSET", "hash", "a", "1"}, []string{"HSET", "hlong", "a", s65}, []string{"HSET", "hlongf", s65, "1"},
		[]string{"HSET", "h64", s64, s64}, fields, []string{"HSET", "hh", "a", "1"}, []string{"HSETNX", "hh", "a", s65},
		[]string{"HSET", "hi", "a", "1"}, []string{"HINCRBYFLOAT", "hi", s65, "1"}, []string{"HDEL", "hi", s65},
		[]string{"HSET", "hj", "a", "1"}, []string{"HINCRBY", "hj", s65, "1"}, []string{"COPY", "hi", "hi2"}, []string{"COPY", "hash", "hash2"})
	shrink := []string{"HDEL", "bigh"}
	for i := 0; i < 510; i++ {
		shrink = append(shrink, "f"+strconv.Itoa(i))
	}
	add(shrink)
	add(enc("hash", "hlong", "hlongf", "h64", "bigh", "hh", "hi", "hj", "hi2", "hash2")...)

	// FREQ, IDLETIME and errors.
	add([]string{"OBJECT", "FREQ", "a"}, []string{"OBJECT", "FREQ", "nope"}, []string{"OBJECT", "IDLETIME", "nope"},
		[]string{"OBJECT", "ENCODING", "nope"}, []string{"OBJECT", "REFCOUNT", "nope"}, []string{"OBJECT", "HELP"},
		[]string{"OBJECT", "help"}, []string{"object", "Encoding", "a"}, []string{"OBJECT", "HELP", "x"}, []string{"OBJECT", "ENCODING"},
		[]string{"OBJECT", "ENCODING", "a", "b"}, []string{"OBJECT", "REFCOUNT"}, []string{"OBJECT", "FREQ"}, []string{"OBJECT", "IDLETIME"},
		[]string{"OBJECT", "FREQ", "a", "b"}, []string{"OBJECT", "FOO"}, []string{"OBJECT", "FOO", "a"}, []string{"OBJECT"},
		[]string{"OBJECT", strings.Repeat("q", 200)}, []string{"SET", "exp", "1", "PX", "1"})
	return cs
}
