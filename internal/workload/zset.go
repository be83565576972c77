package workload

import (
	"strconv"
	"strings"
)

// The sorted-set family: random sorted-set commands over the generator's
// keys (which collide with the other families' values, so WRONGTYPE paths
// are exercised), and hand-written cases for every sorted-set command of
// Redis 7.0 and its errors.
//
// Sorted sets are ordered by (score, member), so nearly every reply is
// deterministic. The exceptions, and how they are avoided:
//
//   - ZRANDMEMBER: the random generator asks only for deterministic forms (a
//     count of 0, or an error) except when the generator is not
//     used against a real server (minTTL 0: the write-effect replay test);
//     the hand-written cases may use it freely, since OrderOf makes the
//     differential tests compare its replies by shape;
//   - ZSCAN: a small sorted set (at most 128 members of at most 64 bytes) is
//     a listpack in Redis, scanned whole in one call in (score, member)
//     order with cursor 0; a large one is a hash table, scanned in hash
//     order. So the random zsets on the generator's keys stay small: members
//     come from a small alphabet of short strings (with the geo family's,
//     far fewer than 128), and large sorted sets are built only on keys of
//     their own (zbig, zlex, zbig2) that ZSCAN never reads and that never
//     feed a store into the generator's keys. ZUNIONSTORE, ZINTERSTORE and
//     ZDIFFSTORE, which accept sets (the sets family's may hold 513
//     members), store into keys of their own too (zstore0, zstore1);
//   - lex ranges over members of different scores are "undefined" in
//     Redis: on a listpack they are a deterministic linear scan (kept in the
//     random commands on small sets), on a skiplist they depend on the
//     random levels of the nodes. So the large sorted set that lex ranges
//     read (zlex) has all its scores 0;
//   - BZPOPMIN, BZPOPMAX and BZMPOP use a 10 ms timeout, so that on an
//     empty key a real server returns nil at once, as the Store and MULTI
//     do.

func init() {
	Register("zsets", (*Gen).ZSetCommand)
	RegisterCases("zsets", ZSetCases)
}

// zmember returns a short member from a small alphabet of shared prefixes,
// so that lex ranges and ties on equal scores matter.
func (w *Gen) zmember() string {
	if w.r.IntN(10) == 0 {
		return w.str()
	}
	return []string{"a", "aa", "ab", "abc", "b", "ba", "bb", "c", "cab", "d", "e1", "e2", ""}[w.r.IntN(13)]
}

func (w *Gen) zmembers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = w.zmember()
	}
	return out
}

// zscore returns a score: mostly small integers (so scores tie), sometimes
// decimals, infinities, numbers that format interestingly, or not a float.
func (w *Gen) zscore() string {
	switch w.r.IntN(16) {
	case 0, 1:
		return []string{"1.5", "-0", "0.1", "3.0000000000000004", "-2.5", "1e3", "1E-5", "100000000000000000000", "0x10"}[w.r.IntN(9)] // strtod reads hex
	case 2:
		return []string{"+inf", "-inf", "inf", "-Inf"}[w.r.IntN(4)]
	case 3:
		return []string{"nan", "x", "", "1 ", "1.5.5"}[w.r.IntN(5)] // not a valid float
	default:
		return strconv.Itoa(w.r.IntN(9) - 3)
	}
}

// zpairs returns n score-member pairs.
func (w *Gen) zpairs(n int) []string {
	out := make([]string, 0, 2*n)
	for i := 0; i < n; i++ {
		out = append(out, w.zscore(), w.zmember())
	}
	return out
}

// zbound returns a score range bound: inclusive or exclusive, infinite, or
// not a float.
func (w *Gen) zbound() string {
	switch w.r.IntN(12) {
	case 0:
		return "-inf"
	case 1:
		return "+inf"
	case 2:
		return []string{"(-inf", "(+inf", "(1.5", "-0", "inf"}[w.r.IntN(5)]
	case 3:
		return []string{"x", "(x", "nan", "[1", "", "("}[w.r.IntN(6)] // not a float, but "" and "(" read as 0
	case 4, 5, 6:
		return "(" + strconv.Itoa(w.r.IntN(9)-3)
	default:
		return strconv.Itoa(w.r.IntN(9) - 3)
	}
}

// zlexbound returns a lex range bound, sometimes invalid.
func (w *Gen) zlexbound() string {
	switch w.r.IntN(12) {
	case 0:
		return "-"
	case 1:
		return "+"
	case 2:
		return []string{"a", "", "]a", "-a", "+"}[w.r.IntN(5)] // invalid but the last
	case 3:
		return []string{"[", "("}[w.r.IntN(2)]
	default:
		return []string{"[", "("}[w.r.IntN(2)] + w.zmember()
	}
}

// zrank returns a rank: mostly small, sometimes negative, huge or not a
// number.
func (w *Gen) zrank() string {
	switch w.r.IntN(14) {
	case 0:
		return "x"
	case 1:
		return []string{"9223372036854775807", "-9223372036854775808", "100", "-100"}[w.r.IntN(4)]
	default:
		return strconv.Itoa(w.r.IntN(12) - 5)
	}
}

// zlimit returns a LIMIT offset count clause, sometimes none.
func (w *Gen) zlimit() []string {
	switch w.r.IntN(6) {
	case 0:
		return []string{"LIMIT", strconv.Itoa(w.r.IntN(4)), strconv.Itoa(w.r.IntN(5) - 1)}
	case 1:
		return []string{"LIMIT", []string{"-1", "0", "x"}[w.r.IntN(3)], []string{"-5", "2", "y"}[w.r.IntN(3)]}
	}
	return nil
}

func (w *Gen) withscores() []string {
	if w.r.IntN(2) == 0 {
		return []string{"WITHSCORES"}
	}
	return nil
}

// zkeys returns "numkeys key..." for the multi-key commands: usually right,
// sometimes a numkeys that does not match.
func (w *Gen) zkeys(first string) []string {
	n := 1 + w.r.IntN(3)
	out := []string{strconv.Itoa(n), first}
	for i := 1; i < n; i++ {
		out = append(out, w.key())
	}
	if w.r.IntN(25) == 0 {
		out[0] = []string{"0", "-1", "x", "9"}[w.r.IntN(4)]
	}
	return out
}

// zsetop returns the options of ZUNION, ZINTER and their STORE forms
// (ZDIFF takes none) for n keys.
func (w *Gen) zsetop(n int) []string {
	var out []string
	if w.r.IntN(3) == 0 {
		out = append(out, "WEIGHTS")
		m := n
		if w.r.IntN(10) == 0 {
			m = n + 1 // count mismatch
		}
		for i := 0; i < m; i++ {
			out = append(out, []string{"1", "2", "-1", "0", "0.5", "inf", "1", "2", "3", "-0.5", "x"}[w.r.IntN(11)])
		}
	}
	if w.r.IntN(3) == 0 {
		out = append(out, "AGGREGATE", []string{"SUM", "MIN", "MAX", "max", "min", "sum", "MIN", "MAX", "AVG"}[w.r.IntN(9)])
	}
	return out
}

// ZSetCommand returns a random sorted-set command.
func (w *Gen) ZSetCommand() []string {
	k := w.key()
	random := w.minTTL == 0 // not compared with a server: random replies are fine
	switch w.r.IntN(52) {
	case 0, 1, 2, 3:
		return append([]string{"ZADD", k}, w.zpairs(1+w.r.IntN(3))...)
	case 4, 5:
		opts := [][]string{{"NX"}, {"XX"}, {"GT"}, {"LT"}, {"CH"}, {"NX", "CH"}, {"XX", "GT", "CH"}, {"LT", "CH"},
			{"INCR"}, {"NX", "INCR"}, {"XX", "INCR"}, {"GT", "INCR"}, {"LT", "CH", "INCR"},
			{"NX", "XX"}, {"GT", "LT"}, {"NX", "GT"}, {"FOO"}}
		args := append([]string{"ZADD", k}, opts[w.r.IntN(len(opts))]...)
		n := 1
		if w.r.IntN(5) == 0 {
			n = 2 // with INCR: an error
		}
		return append(args, w.zpairs(n)...)
	case 6, 7:
		return []string{"ZINCRBY", k, []string{"1", "-2", "0.5", "+inf", "-inf", "x", "3"}[w.r.IntN(7)], w.zmember()}
	case 8, 9:
		return append([]string{"ZREM", k}, w.zmembers(1+w.r.IntN(3))...)
	case 10:
		return []string{"ZCARD", k}
	case 11:
		return []string{"ZCOUNT", k, w.zbound(), w.zbound()}
	case 12:
		return []string{"ZLEXCOUNT", k, w.zlexbound(), w.zlexbound()}
	case 13:
		return []string{"ZSCORE", k, w.zmember()}
	case 14:
		return append([]string{"ZMSCORE", k}, w.zmembers(1+w.r.IntN(4))...)
	case 15:
		return []string{[]string{"ZRANK", "ZREVRANK"}[w.r.IntN(2)], k, w.zmember()}
	case 16, 17:
		args := []string{"ZRANGE", k, w.zrank(), w.zrank()}
		if w.r.IntN(3) == 0 {
			args = append(args, "REV")
		}
		return append(args, w.withscores()...)
	case 18, 19:
		args := []string{"ZRANGE", k, w.zbound(), w.zbound(), "BYSCORE"}
		if w.r.IntN(2) == 0 {
			args = append(args, "REV")
		}
		return append(append(args, w.zlimit()...), w.withscores()...)
	case 20:
		args := []string{"ZRANGE", k, w.zlexbound(), w.zlexbound(), "BYLEX"}
		if w.r.IntN(2) == 0 {
			args = append(args, "REV")
		}
		return append(args, w.zlimit()...)
	case 21:
		switch w.r.IntN(3) {
		case 0:
			return []string{"ZRANGESTORE", w.key(), k, w.zrank(), w.zrank()}
		case 1:
			return append([]string{"ZRANGESTORE", w.key(), k, w.zbound(), w.zbound(), "BYSCORE", "REV"}, w.zlimit()...)
		}
		return []string{"ZRANGESTORE", w.key(), k, w.zlexbound(), w.zlexbound(), "BYLEX"}
	case 22:
		return append(append([]string{"ZRANGEBYSCORE", k, w.zbound(), w.zbound()}, w.withscores()...), w.zlimit()...)
	case 23:
		return append(append([]string{"ZREVRANGEBYSCORE", k, w.zbound(), w.zbound()}, w.zlimit()...), w.withscores()...)
	case 24:
		return append([]string{[]string{"ZRANGEBYLEX", "ZREVRANGEBYLEX"}[w.r.IntN(2)], k, w.zlexbound(), w.zlexbound()}, w.zlimit()...)
	case 25:
		return append([]string{"ZREVRANGE", k, w.zrank(), w.zrank()}, w.withscores()...)
	case 26:
		return []string{"ZREMRANGEBYRANK", k, w.zrank(), w.zrank()}
	case 27:
		return []string{"ZREMRANGEBYSCORE", k, w.zbound(), w.zbound()}
	case 28:
		return []string{"ZREMRANGEBYLEX", k, w.zlexbound(), w.zlexbound()}
	case 29, 30:
		args := []string{[]string{"ZPOPMIN", "ZPOPMAX"}[w.r.IntN(2)], k}
		if w.r.IntN(2) == 0 {
			args = append(args, []string{"0", "1", "2", "5", "-1", "x"}[w.r.IntN(6)])
		}
		return args
	case 31:
		args := append(append([]string{"ZMPOP"}, w.zkeys(k)...), []string{"MIN", "MAX", "max", "min", "MAX", "MIN", "MIN", "MAX", "MIN", "MAX", "MIN", "MIDDLE"}[w.r.IntN(12)])
		if w.r.IntN(2) == 0 {
			args = append(args, "COUNT", []string{"1", "2", "10", "3", "1", "2", "1", "2", "3", "0", "-1"}[w.r.IntN(11)])
		}
		return args
	case 32:
		return []string{[]string{"BZPOPMIN", "BZPOPMAX"}[w.r.IntN(2)], k, w.key(), []string{"0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "-1", "x"}[w.r.IntN(10)]}
	case 33:
		args := append(append([]string{"BZMPOP", "0.01"}, w.zkeys(k)...), []string{"MIN", "MAX"}[w.r.IntN(2)])
		if w.r.IntN(2) == 0 {
			args = append(args, "COUNT", []string{"1", "3", "2", "1", "0"}[w.r.IntN(5)])
		}
		return args
	case 34:
		if random {
			opts := [][]string{{}, {"2"}, {"-3"}, {"5", "WITHSCORES"}, {"-2", "WITHSCORES"}}
			return append([]string{"ZRANDMEMBER", k}, opts[w.r.IntN(len(opts))]...)
		}
		opts := [][]string{{"0"}, {"0", "WITHSCORES"}, {"0"}, {"x"}, {"1", "FOO"}, {"-9223372036854775808"}}
		return append([]string{"ZRANDMEMBER", k}, opts[w.r.IntN(len(opts))]...)
	case 35, 36:
		keys := w.zkeys(k)
		n, _ := strconv.Atoi(keys[0])
		cmd := []string{"ZUNION", "ZINTER", "ZDIFF"}[w.r.IntN(3)]
		args := append([]string{cmd}, keys...)
		if cmd != "ZDIFF" {
			args = append(args, w.zsetop(n)...)
		}
		return append(args, w.withscores()...)
	case 37, 38:
		// Into a key of its own: a union with a large set (the sets family
		// adds 513 integers) makes a large sorted set, which ZSCAN and lex
		// ranges must not read (see above).
		keys := w.zkeys(k)
		if w.r.IntN(4) == 0 {
			keys = append(keys[:len(keys)-1], "zstore0")
		}
		n, _ := strconv.Atoi(keys[0])
		cmd := []string{"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}[w.r.IntN(3)]
		args := append([]string{cmd, "zstore" + strconv.Itoa(w.r.IntN(2))}, keys...)
		if cmd != "ZDIFFSTORE" {
			args = append(args, w.zsetop(n)...)
		}
		return args
	case 39:
		args := append([]string{"ZINTERCARD"}, w.zkeys(k)...)
		if w.r.IntN(2) == 0 {
			args = append(args, "LIMIT", []string{"0", "1", "3", "-1"}[w.r.IntN(4)])
		}
		return args
	case 40:
		opts := [][]string{{}, {"MATCH", "a*"}, {"COUNT", "1"}, {"MATCH", "?", "COUNT", "100"}, {"COUNT", "0"}}
		return append([]string{"ZSCAN", k, "0"}, opts[w.r.IntN(len(opts))]...)
	case 41, 42:
		return []string{"ZRANGE", k, "0", "-1", "WITHSCORES"}
	case 43, 44:
		return w.zbigCommand()
	case 45:
		return []string{"TYPE", k}
	case 46:
		return []string{"ZADD", k, w.zscore(), w.zmember(), w.zscore(), w.zmember(), w.zscore(), w.zmember(), w.zscore(), w.zmember()}
	case 47:
		// Everything at one score: lex ranges over the whole set are defined.
		args := []string{"ZADD", k}
		for _, m := range w.zmembers(2 + w.r.IntN(4)) {
			args = append(args, "0", m)
		}
		return args
	default:
		return []string{"ZADD", k, w.zscore(), w.zmember()}
	}
}

// zbigCommand returns a command on the large sorted sets zbig (scores
// 0..49, ties), zlex (every score 0) and zbig2 (stores from them), the
// skiplist representation, or reads the results of ZUNIONSTORE,
// ZINTERSTORE and ZDIFFSTORE (zstore0, zstore1, which may be large). ZSCAN
// and lex ranges over different scores never read them, and they never
// feed a store into the generator's keys.
func (w *Gen) zbigCommand() []string {
	switch w.r.IntN(16) {
	case 0:
		args := []string{"ZADD", "zbig"}
		for i := 0; i < 130+w.r.IntN(20); i++ {
			args = append(args, strconv.Itoa(w.r.IntN(50)), "m"+strconv.Itoa(w.r.IntN(300)))
		}
		return args
	case 1:
		args := []string{"ZADD", "zlex"}
		for i := 0; i < 130+w.r.IntN(20); i++ {
			args = append(args, "0", string("abcdef"[w.r.IntN(6)])+strconv.Itoa(w.r.IntN(100)))
		}
		return args
	case 2:
		return []string{"ZRANGE", "zbig", w.zrank(), w.zrank(), "WITHSCORES"}
	case 3:
		return append([]string{"ZRANGE", "zbig", strconv.Itoa(w.r.IntN(50)), "(" + strconv.Itoa(w.r.IntN(50)), "BYSCORE"}, w.zlimit()...)
	case 4:
		return []string{[]string{"ZRANK", "ZREVRANK"}[w.r.IntN(2)], "zbig", "m" + strconv.Itoa(w.r.IntN(300))}
	case 5:
		return []string{"ZCOUNT", "zbig", strconv.Itoa(w.r.IntN(50)), strconv.Itoa(w.r.IntN(50))}
	case 6:
		return []string{"ZREMRANGEBYRANK", "zbig", strconv.Itoa(w.r.IntN(20)), strconv.Itoa(w.r.IntN(20))}
	case 7:
		return []string{"ZREMRANGEBYSCORE", "zbig", strconv.Itoa(w.r.IntN(50)), strconv.Itoa(w.r.IntN(50))}
	case 8:
		b := func() string {
			return []string{"[", "("}[w.r.IntN(2)] + string("abcdef"[w.r.IntN(6)]) + strconv.Itoa(w.r.IntN(100))
		}
		return append([]string{[]string{"ZRANGEBYLEX", "ZREVRANGEBYLEX"}[w.r.IntN(2)], "zlex", b(), b()}, w.zlimit()...)
	case 9:
		b := func() string { return []string{"[", "("}[w.r.IntN(2)] + string("abcdef"[w.r.IntN(6)]) }
		return []string{[]string{"ZLEXCOUNT", "ZREMRANGEBYLEX"}[w.r.IntN(2)], "zlex", b(), b()}
	case 10:
		return []string{[]string{"ZPOPMIN", "ZPOPMAX"}[w.r.IntN(2)], []string{"zbig", "zlex"}[w.r.IntN(2)], strconv.Itoa(w.r.IntN(5))}
	case 11:
		return []string{"ZUNIONSTORE", "zbig2", "2", "zbig", "zlex", "AGGREGATE", []string{"SUM", "MIN", "MAX"}[w.r.IntN(3)]}
	case 12:
		return []string{"ZRANGESTORE", "zbig2", "zbig", strconv.Itoa(w.r.IntN(200)), "-1"}
	case 13:
		return []string{"ZRANGE", "zbig2", "0", "-1", "WITHSCORES"}
	default:
		z := "zstore" + strconv.Itoa(w.r.IntN(2))
		switch w.r.IntN(4) {
		case 0:
			return []string{"ZCARD", z}
		case 1:
			return []string{"ZRANK", z, w.zmember()}
		case 2:
			return []string{"ZRANGE", z, "-20", "-1", "WITHSCORES"}
		}
		return []string{"ZRANGE", z, "0", "19", "WITHSCORES"}
	}
}

// ZSetCases returns the cases of the sorted-set commands.
func ZSetCases() [][]string {
	long := strings.Repeat("L", 65)
	cs := [][]string{
		// ZADD, ZCARD, ZSCORE, arity.
		{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "1", "a"}, {"ZADD", "z", "5", "a"}, {"ZCARD", "z"},
		{"ZRANGE", "z", "0", "-1", "WITHSCORES"}, {"ZADD", "z"}, {"ZADD", "z", "1"}, {"ZADD", "z", "1", "a", "2"}, {"ZADD"},
		{"ZADD", "z", "x", "a"}, {"ZADD", "z", "nan", "a"}, {"ZADD", "z", "0x10", "a"}, {"ZADD", "z", "", "a"},
		{"ZADD", "z", "1 ", "a"}, {"ZADD", "z", "2", "b", "x", "y"}, {"ZSCORE", "z", "y"}, {"ZADD", "z", "1", "a", "FOO"},
		{"ZADD", "fresh", "inf", "pinf", "-inf", "ninf", "+inf", "pinf2", "-0", "nz", "0", "z0"},
		{"ZRANGE", "fresh", "0", "-1", "WITHSCORES"}, {"ZSCORE", "fresh", "nz"}, {"ZSCORE", "fresh", "pinf"},
		{"ZADD", "fmt", "0.1", "a", "3.0000000000000004", "b", "1e3", "c", "1E-5", "d", "100000000000000000000", "e",
			"1.5", "f", "-2.5", "g", "123456789012345678", "h", "0.30000000000000004", "i", "1e308", "j", "4.9e-324", "k"},
		{"ZRANGE", "fmt", "0", "-1", "WITHSCORES"}, {"ZSCORE", "fmt", "b"}, {"ZSCORE", "fmt", "e"}, {"ZSCORE", "fmt", "k"},
		{"ZMSCORE", "fmt", "a", "i", "j", "nope"}, {"ZADD", "fmt", "1e400", "x"},
		{"ZSCORE", "z", "a"}, {"ZSCORE", "z", "nope"}, {"ZSCORE", "nokey", "a"}, {"ZSCORE", "z"}, {"ZSCORE", "z", "a", "b"},
		{"ZCARD", "nokey"}, {"ZCARD"}, {"ZCARD", "z", "x"}, {"TYPE", "z"},
		// ZADD options.
		{"ZADD", "o", "NX", "1", "a", "2", "b"}, {"ZADD", "o", "NX", "10", "a", "3", "c"}, {"ZADD", "o", "XX", "10", "a", "4", "d"},
		{"ZRANGE", "o", "0", "-1", "WITHSCORES"}, {"ZADD", "o", "CH", "10", "a", "20", "b", "5", "e"}, {"ZADD", "o", "CH", "10", "a"},
		{"ZADD", "o", "GT", "CH", "5", "a", "30", "b", "1", "f"}, {"ZADD", "o", "LT", "CH", "50", "b", "1", "e", "0", "g"},
		{"ZADD", "o", "XX", "GT", "CH", "100", "a", "100", "nope"}, {"ZADD", "o", "xx", "lt", "ch", "-1", "a"},
		{"ZRANGE", "o", "0", "-1", "WITHSCORES"},
		{"ZADD", "o", "NX", "XX", "1", "a"}, {"ZADD", "o", "GT", "LT", "1", "a"}, {"ZADD", "o", "NX", "GT", "1", "a"},
		{"ZADD", "o", "NX", "LT", "1", "a"}, {"ZADD", "o", "XX", "NX", "GT", "1", "a"}, {"ZADD", "o", "INCR", "1", "a", "2", "b"},
		{"ZADD", "o", "INCR"}, {"ZADD", "o", "NX"}, {"ZADD", "o", "NX", "1"}, {"ZADD", "o", "CH", "CH", "1", "a"},
		{"ZADD", "o", "NX", "NX", "1", "a"}, {"ZADD", "o", "GT", "GT", "2", "zz"}, {"ZADD", "o", "GT", "x", "a"},
		{"ZADD", "o", "INCR", "5", "a"}, {"ZADD", "o", "INCR", "x", "a"}, {"ZADD", "o", "NX", "INCR", "5", "a"},
		{"ZADD", "o", "NX", "INCR", "5", "new"}, {"ZADD", "o", "XX", "INCR", "5", "nope"}, {"EXISTS", "nope"},
		{"ZADD", "o", "XX", "INCR", "1", "new"}, {"ZADD", "o", "GT", "INCR", "-1", "a"}, {"ZADD", "o", "GT", "INCR", "1", "a"},
		{"ZADD", "o", "LT", "INCR", "1", "a"}, {"ZADD", "o", "LT", "INCR", "-1", "a"}, {"ZADD", "o", "CH", "INCR", "0", "a"},
		{"ZADD", "o", "GT", "INCR", "1", "brandnew"}, {"ZADD", "o", "LT", "CH", "INCR", "-3", "brandnew2"},
		{"ZADD", "o", "INCR", "+inf", "a"}, {"ZADD", "o", "INCR", "-inf", "a"}, {"ZSCORE", "o", "a"},
		{"ZADD", "o", "GT", "+inf", "b"}, {"ZADD", "o", "GT", "inf", "b"}, {"ZADD", "o", "LT", "-inf", "b"},
		{"ZADD", "o", "XX", "CH", "-0", "g"}, {"ZSCORE", "o", "g"}, {"ZADD", "o", "CH", "0", "g"}, {"ZSCORE", "o", "g"},
		{"ZADD", "nokey2", "XX", "1", "a"}, {"EXISTS", "nokey2"}, {"ZADD", "nokey2", "XX", "INCR", "1", "a"}, {"EXISTS", "nokey2"},
		{"ZRANGE", "o", "0", "-1", "WITHSCORES"},
		// ZINCRBY.
		{"ZINCRBY", "i", "1", "a"}, {"ZINCRBY", "i", "2.5", "a"}, {"ZINCRBY", "i", "-10", "a"}, {"ZINCRBY", "i", "0.1", "b"},
		{"ZINCRBY", "i", "0.2", "b"}, {"ZINCRBY", "i", "x", "a"}, {"ZINCRBY", "i", "nan", "a"}, {"ZINCRBY", "i", "", "a"},
		{"ZINCRBY", "i", "+inf", "c"}, {"ZINCRBY", "i", "-inf", "c"}, {"ZINCRBY", "i", "inf", "c"}, {"ZSCORE", "i", "c"},
		{"ZINCRBY", "i", "1"}, {"ZINCRBY", "i", "1", "a", "b"}, {"ZINCRBY", "nokey3", "x", "a"}, {"EXISTS", "nokey3"},
		{"ZINCRBY", "i", "1e308", "d"}, {"ZINCRBY", "i", "1e308", "d"}, {"ZRANGE", "i", "0", "-1", "WITHSCORES"},
		// ZREM and the removal of an emptied sorted set.
		{"ZADD", "r", "1", "a", "2", "b", "3", "c"}, {"ZREM", "r", "a", "nope", "a"}, {"ZREM", "nokey", "a"}, {"ZREM", "r"},
		{"ZREM", "r", "b", "c"}, {"EXISTS", "r"}, {"TYPE", "r"}, {"ZCARD", "r"},
		// Wrong type, both ways.
		{"SET", "str", "v"}, {"RPUSH", "lst", "a"}, {"ZADD", "str", "1", "a"}, {"ZADD", "lst", "1", "a"}, {"ZADD", "str", "x", "a"},
		{"ZADD", "str", "NX", "XX", "1", "a"}, {"ZINCRBY", "str", "1", "a"}, {"ZINCRBY", "lst", "x", "a"}, {"ZREM", "str", "a"},
		{"ZCARD", "str"}, {"ZCOUNT", "str", "0", "1"}, {"ZCOUNT", "lst", "x", "1"}, {"ZLEXCOUNT", "str", "-", "+"},
		{"ZLEXCOUNT", "str", "a", "+"}, {"ZSCORE", "str", "a"}, {"ZMSCORE", "lst", "a"}, {"ZRANK", "str", "a"},
		{"ZREVRANK", "lst", "a"}, {"ZRANGE", "str", "0", "-1"}, {"ZRANGE", "lst", "x", "1"}, {"ZRANGE", "str", "0", "1", "FOO"},
		{"ZRANGEBYSCORE", "str", "0", "1"}, {"ZREVRANGEBYSCORE", "lst", "1", "0"}, {"ZRANGEBYLEX", "str", "-", "+"},
		{"ZREVRANGEBYLEX", "lst", "+", "-"}, {"ZREVRANGE", "str", "0", "1"}, {"ZREMRANGEBYRANK", "str", "0", "1"},
		{"ZREMRANGEBYSCORE", "lst", "0", "1"}, {"ZREMRANGEBYLEX", "str", "-", "+"}, {"ZPOPMIN", "str"}, {"ZPOPMAX", "lst", "2"},
		{"ZPOPMIN", "str", "x"}, {"ZMPOP", "1", "str", "MIN"}, {"BZPOPMIN", "str", "0.01"}, {"BZPOPMAX", "nokey", "lst", "0.01"},
		{"BZMPOP", "0.01", "1", "lst", "MAX"}, {"ZRANDMEMBER", "str"}, {"ZRANDMEMBER", "lst", "1"}, {"ZRANDMEMBER", "str", "x"},
		{"ZUNION", "2", "z", "str"}, {"ZINTER", "2", "nokey", "lst"}, {"ZDIFF", "2", "z", "str"}, {"ZINTERCARD", "2", "z", "lst"},
		{"ZUNIONSTORE", "d", "1", "str"}, {"ZRANGESTORE", "d", "str", "0", "-1"}, {"ZSCAN", "str", "0"}, {"ZSCAN", "lst", "x"},
		{"SET", "str2", "v"}, {"ZRANGESTORE", "str2", "z", "0", "-1"}, {"TYPE", "str2"}, {"ZUNIONSTORE", "lst2", "1", "lst"}, {"ZADD", "zz", "1", "a"}, {"GET", "zz"}, {"LPUSH", "zz", "x"},
		{"SADD", "zz", "x"}, {"HSET", "zz", "f", "v"}, {"INCR", "zz"},
		// ZCOUNT.
		{"ZADD", "c", "1", "a", "2", "b", "2", "bb", "3", "c", "4.5", "d", "+inf", "e", "-inf", "f"},
		{"ZCOUNT", "c", "-inf", "+inf"}, {"ZCOUNT", "c", "2", "3"}, {"ZCOUNT", "c", "(2", "3"}, {"ZCOUNT", "c", "2", "(3"},
		{"ZCOUNT", "c", "(2", "(3"}, {"ZCOUNT", "c", "3", "2"}, {"ZCOUNT", "c", "(-inf", "(+inf"}, {"ZCOUNT", "c", "inf", "inf"},
		{"ZCOUNT", "c", "-inf", "-inf"}, {"ZCOUNT", "c", "4.5", "4.5"}, {"ZCOUNT", "c", "(4.5", "4.5"}, {"ZCOUNT", "c", "x", "1"},
		{"ZCOUNT", "c", "1", "(x"}, {"ZCOUNT", "c", "nan", "1"}, {"ZCOUNT", "c", "[1", "2"}, {"ZCOUNT", "c", "(", "2"},
		{"ZCOUNT", "c", "", "2"}, {"ZCOUNT", "nokey", "0", "1"}, {"ZCOUNT", "nokey", "x", "1"}, {"ZCOUNT", "c", "1"},
		{"ZCOUNT", "c", "1e0", "0x2"},
		// Score parsing: ZADD and ZINCRBY reject spaces and underflow, range bounds are read by strtod alone.
		{"ZADD", "c", " 1", "x"}, {"ZADD", "c", "1e-400", "x"}, {"ZINCRBY", "c", " 1", "a"}, {"ZCOUNT", "c", " 1", "2"},
		{"ZCOUNT", "c", "1 ", "2"}, {"ZCOUNT", "c", "(1", " 3"}, {"ZCOUNT", "c", "1e-400", "1"}, {"ZRANGE", "c", "(1", " 3", "BYSCORE"},
		{"ZRANGEBYSCORE", "c", "-inf ", "5"}, {"ZUNION", "1", "c", "WEIGHTS", " 1"}, {"ZUNION", "1", "c", "WEIGHTS", "1e-400", "WITHSCORES"},
		// ZLEXCOUNT and lex ranges.
		{"ZADD", "lx", "0", "a", "0", "aa", "0", "ab", "0", "abc", "0", "b", "0", "ba", "0", "c", "0", ""},
		{"ZLEXCOUNT", "lx", "-", "+"}, {"ZLEXCOUNT", "lx", "[a", "[b"}, {"ZLEXCOUNT", "lx", "(a", "(b"}, {"ZLEXCOUNT", "lx", "[ab", "+"},
		{"ZLEXCOUNT", "lx", "-", "(ab"}, {"ZLEXCOUNT", "lx", "+", "-"}, {"ZLEXCOUNT", "lx", "[b", "[a"}, {"ZLEXCOUNT", "lx", "[", "[a"},
		{"ZLEXCOUNT", "lx", "(", "+"}, {"ZLEXCOUNT", "lx", "-", "-"}, {"ZLEXCOUNT", "lx", "+", "+"}, {"ZLEXCOUNT", "lx", "a", "+"},
		{"ZLEXCOUNT", "lx", "-", "b"}, {"ZLEXCOUNT", "lx", "", "+"}, {"ZLEXCOUNT", "lx", "-a", "+"}, {"ZLEXCOUNT", "lx", "[a", "+b"},
		{"ZLEXCOUNT", "nokey", "a", "+"}, {"ZLEXCOUNT", "nokey", "-", "+"}, {"ZLEXCOUNT", "lx", "-"},
		{"ZRANGEBYLEX", "lx", "-", "+"}, {"ZRANGEBYLEX", "lx", "[aa", "(b"}, {"ZRANGEBYLEX", "lx", "(a", "[ba"},
		{"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "2", "3"}, {"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "2", "-1"},
		{"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "-1", "3"}, {"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "100", "3"},
		{"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "0", "0"}, {"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "1"},
		{"ZRANGEBYLEX", "lx", "-", "+", "LIMIT", "x", "1"}, {"ZRANGEBYLEX", "lx", "-", "+", "WITHSCORES"},
		{"ZRANGEBYLEX", "lx", "-", "+", "FOO"}, {"ZRANGEBYLEX", "lx", "a", "+"}, {"ZRANGEBYLEX", "lx", "[b", "[a"},
		{"ZREVRANGEBYLEX", "lx", "+", "-"}, {"ZREVRANGEBYLEX", "lx", "[b", "(a"}, {"ZREVRANGEBYLEX", "lx", "-", "+"},
		{"ZREVRANGEBYLEX", "lx", "+", "-", "LIMIT", "1", "2"}, {"ZREVRANGEBYLEX", "lx", "(ba", "-", "LIMIT", "0", "-1"},
		{"ZRANGEBYLEX", "nokey", "-", "+"}, {"ZRANGEBYLEX", "lx", "-"},
		// Lex ranges over different scores: a linear scan of a small set.
		{"ZADD", "mixed", "1", "c", "2", "a", "3", "d", "4", "b"}, {"ZRANGEBYLEX", "mixed", "[a", "[c"}, {"ZLEXCOUNT", "mixed", "[b", "+"},
		{"ZRANGEBYLEX", "mixed", "-", "+"}, {"ZREVRANGEBYLEX", "mixed", "+", "[b"},
		// ZRANK, ZREVRANK.
		{"ZRANK", "c", "f"}, {"ZRANK", "c", "bb"}, {"ZRANK", "c", "e"}, {"ZRANK", "c", "nope"}, {"ZREVRANK", "c", "f"},
		{"ZREVRANK", "c", "b"}, {"ZRANK", "nokey", "a"}, {"ZREVRANK", "nokey", "a"}, {"ZRANK", "c"}, {"ZRANK", "c", "a", "WITHSCORE"},
		{"ZRANK", "c", "a", "b"},
		// ZRANGE by rank.
		{"ZRANGE", "c", "0", "-1"}, {"ZRANGE", "c", "0", "-1", "WITHSCORES"}, {"ZRANGE", "c", "2", "3"}, {"ZRANGE", "c", "-2", "-1"},
		{"ZRANGE", "c", "-100", "100"}, {"ZRANGE", "c", "5", "2"}, {"ZRANGE", "c", "100", "200"}, {"ZRANGE", "c", "-1", "-3"},
		{"ZRANGE", "c", "0", "0", "withscores"}, {"ZRANGE", "c", "0", "-1", "REV"}, {"ZRANGE", "c", "0", "2", "REV", "WITHSCORES"},
		{"ZRANGE", "c", "-9223372036854775808", "9223372036854775807"}, {"ZRANGE", "c", "x", "1"}, {"ZRANGE", "c", "0", "y"},
		{"ZRANGE", "c", "1.5", "2"}, {"ZRANGE", "nokey", "0", "-1"}, {"ZRANGE", "nokey", "x", "1"}, {"ZRANGE", "c", "0"},
		{"ZRANGE", "c", "0", "-1", "LIMIT", "0", "1"}, {"ZRANGE", "c", "0", "-1", "FOO"}, {"ZRANGE", "c", "0", "-1", "WITHSCORES", "WITHSCORES"},
		{"ZRANGE", "c", "0", "-1", "REV", "REV"},
		// ZRANGE BYSCORE.
		{"ZRANGE", "c", "2", "3", "BYSCORE"}, {"ZRANGE", "c", "(2", "+inf", "BYSCORE", "WITHSCORES"},
		{"ZRANGE", "c", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "3"}, {"ZRANGE", "c", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "-1"},
		{"ZRANGE", "c", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"}, {"ZRANGE", "c", "+inf", "-inf", "BYSCORE"},
		{"ZRANGE", "c", "+inf", "-inf", "BYSCORE", "REV"}, {"ZRANGE", "c", "3", "(2", "BYSCORE", "REV", "WITHSCORES"},
		{"ZRANGE", "c", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "2", "2"}, {"ZRANGE", "c", "x", "1", "BYSCORE"},
		{"ZRANGE", "c", "0", "1", "BYSCORE", "LIMIT", "0"}, {"ZRANGE", "c", "0", "1", "BYSCORE", "LIMIT", "a", "b"},
		{"ZRANGE", "c", "0", "1", "BYSCORE", "BYLEX"}, {"ZRANGE", "c", "inf", "inf", "BYSCORE", "WITHSCORES"},
		{"ZRANGE", "nokey", "0", "1", "BYSCORE"}, {"ZRANGE", "nokey", "x", "1", "BYSCORE"},
		// ZRANGE BYLEX.
		{"ZRANGE", "lx", "[a", "(b", "BYLEX"}, {"ZRANGE", "lx", "-", "+", "BYLEX", "LIMIT", "1", "2"},
		{"ZRANGE", "lx", "+", "-", "BYLEX", "REV"}, {"ZRANGE", "lx", "[b", "[a", "BYLEX", "REV", "LIMIT", "0", "2"},
		{"ZRANGE", "lx", "-", "+", "BYLEX", "WITHSCORES"}, {"ZRANGE", "lx", "a", "+", "BYLEX"}, {"ZRANGE", "lx", "0", "-1", "BYLEX"},
		{"ZRANGE", "nokey", "-", "+", "BYLEX", "WITHSCORES"}, {"ZRANGE", "lx", "-", "+", "BYLEX", "LIMIT", "0", "-1", "REV"},
		// ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZREVRANGE.
		{"ZRANGEBYSCORE", "c", "-inf", "+inf"}, {"ZRANGEBYSCORE", "c", "2", "3", "WITHSCORES"}, {"ZRANGEBYSCORE", "c", "(1", "(4.5"},
		{"ZRANGEBYSCORE", "c", "-inf", "+inf", "LIMIT", "2", "2", "WITHSCORES"}, {"ZRANGEBYSCORE", "c", "-inf", "+inf", "WITHSCORES", "LIMIT", "0", "1"},
		{"ZRANGEBYSCORE", "c", "3", "2"}, {"ZRANGEBYSCORE", "c", "x", "2"}, {"ZRANGEBYSCORE", "c", "1", "2", "LIMIT", "1"},
		{"ZRANGEBYSCORE", "c", "1", "2", "FOO"}, {"ZRANGEBYSCORE", "c", "1", "2", "REV"}, {"ZRANGEBYSCORE", "c", "1"},
		{"ZREVRANGEBYSCORE", "c", "+inf", "-inf"}, {"ZREVRANGEBYSCORE", "c", "3", "(2", "WITHSCORES"}, {"ZREVRANGEBYSCORE", "c", "2", "3"},
		{"ZREVRANGEBYSCORE", "c", "+inf", "-inf", "LIMIT", "1", "2"}, {"ZREVRANGEBYSCORE", "c", "+inf", "(x"},
		{"ZREVRANGE", "c", "0", "-1"}, {"ZREVRANGE", "c", "0", "1", "WITHSCORES"}, {"ZREVRANGE", "c", "-2", "-1"}, {"ZREVRANGE", "c", "3", "1"},
		{"ZREVRANGE", "c", "0", "-1", "REV"}, {"ZREVRANGE", "c", "x", "1"}, {"ZREVRANGE", "nokey", "0", "-1"},
		// ZMSCORE.
		{"ZMSCORE", "c", "a", "nope", "e", "f", "a"}, {"ZMSCORE", "nokey", "a", "b"}, {"ZMSCORE", "c"}, {"ZMSCORE", "fmt", "d", "j"},
		// ZRANGESTORE.
		{"ZRANGESTORE", "dst", "c", "0", "2"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "dst", "c", "(2", "+inf", "BYSCORE", "LIMIT", "0", "2"},
		{"ZRANGE", "dst", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "dst", "lx", "[b", "-", "BYLEX", "REV"}, {"ZRANGE", "dst", "0", "-1"},
		{"ZRANGESTORE", "dst", "c", "+inf", "3", "BYSCORE", "REV"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
		{"EXPIRE", "dst", "100"}, {"ZRANGESTORE", "dst", "c", "0", "0"}, {"TTL", "dst"}, {"ZRANGESTORE", "dst", "c", "5", "2"},
		{"EXISTS", "dst"}, {"ZRANGESTORE", "dst", "c", "0", "1"}, {"ZRANGESTORE", "dst", "nokey", "0", "-1"}, {"EXISTS", "dst"},
		{"ZRANGESTORE", "dst", "c", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "dst", "c", "0", "-1", "LIMIT", "0", "1"},
		{"ZRANGESTORE", "dst", "c", "x", "1"}, {"ZRANGESTORE", "dst", "c"}, {"SET", "sdst", "x"}, {"ZRANGESTORE", "sdst", "c", "0", "0"},
		{"TYPE", "sdst"}, {"ZADD", "self", "1", "a", "2", "b", "3", "c"}, {"ZRANGESTORE", "self", "self", "1", "-1"},
		{"ZRANGE", "self", "0", "-1", "WITHSCORES"}, {"ZRANGESTORE", "self", "self", "5", "6"}, {"EXISTS", "self"},
		{"ZRANGESTORE", "dst", "lx", "-", "+", "BYLEX", "LIMIT", "2", "2"}, {"ZRANGE", "dst", "0", "-1", "WITHSCORES"},
		// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX.
		{"ZADD", "rr", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"}, {"ZREMRANGEBYRANK", "rr", "0", "0"},
		{"ZREMRANGEBYRANK", "rr", "-1", "-1"}, {"ZRANGE", "rr", "0", "-1"}, {"ZREMRANGEBYRANK", "rr", "5", "10"},
		{"ZREMRANGEBYRANK", "rr", "2", "1"}, {"ZREMRANGEBYRANK", "rr", "x", "1"}, {"ZREMRANGEBYRANK", "nokey", "0", "1"},
		{"ZREMRANGEBYRANK", "rr", "-100", "100"}, {"EXISTS", "rr"}, {"ZREMRANGEBYRANK", "rr", "0"},
		{"ZADD", "rs", "1", "a", "2", "b", "3", "c", "4", "d", "+inf", "e"}, {"ZREMRANGEBYSCORE", "rs", "(1", "2"},
		{"ZREMRANGEBYSCORE", "rs", "5", "1"}, {"ZREMRANGEBYSCORE", "rs", "x", "1"}, {"ZREMRANGEBYSCORE", "rs", "+inf", "+inf"},
		{"ZRANGE", "rs", "0", "-1"}, {"ZREMRANGEBYSCORE", "nokey", "-inf", "+inf"}, {"ZREMRANGEBYSCORE", "rs", "-inf", "(4"},
		{"ZREMRANGEBYSCORE", "rs", "-inf", "+inf"}, {"EXISTS", "rs"},
		{"ZADD", "rl", "0", "a", "0", "b", "0", "c", "0", "d"}, {"ZREMRANGEBYLEX", "rl", "(a", "[b"}, {"ZREMRANGEBYLEX", "rl", "a", "+"},
		{"ZREMRANGEBYLEX", "rl", "[z", "+"}, {"ZRANGE", "rl", "0", "-1"}, {"ZREMRANGEBYLEX", "nokey", "-", "+"},
		{"ZREMRANGEBYLEX", "rl", "-", "+"}, {"EXISTS", "rl"}, {"ZREMRANGEBYLEX", "rl", "-"},
		// ZPOPMIN, ZPOPMAX.
		{"ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d", "4", "e"}, {"ZPOPMIN", "p"}, {"ZPOPMAX", "p"}, {"ZPOPMIN", "p", "2"},
		{"ZPOPMIN", "p", "0"}, {"ZPOPMAX", "p", "0"}, {"ZPOPMIN", "p", "-1"}, {"ZPOPMAX", "p", "-5"}, {"ZPOPMIN", "p", "x"},
		{"ZPOPMIN", "p", "1", "2"}, {"ZPOPMAX", "p", "10"}, {"EXISTS", "p"}, {"ZPOPMIN", "p"}, {"ZPOPMIN", "p", "2"},
		{"ZPOPMAX", "nokey", "0"}, {"ZPOPMIN", "nokey", "-1"}, {"ZPOPMIN", "nokey", "x"}, {"ZPOPMIN"},
		{"ZADD", "p", "1", "a"}, {"ZPOPMAX", "p", "1"}, {"EXISTS", "p"},
		// ZMPOP.
		{"ZADD", "m1", "1", "a", "2", "b", "3", "c"}, {"ZADD", "m2", "10", "x", "20", "y"}, {"ZMPOP", "2", "nokey", "m1", "MIN"},
		{"ZMPOP", "2", "m1", "m2", "MAX", "COUNT", "5"}, {"ZMPOP", "2", "m1", "m2", "min", "COUNT", "1"}, {"EXISTS", "m1"},
		{"ZMPOP", "1", "nokey", "MIN"}, {"ZMPOP", "3", "nokey", "str", "m2", "MIN"}, {"ZMPOP", "2", "m2", "str", "MIN"},
		{"ZMPOP", "0", "m2", "MIN"}, {"ZMPOP", "-1", "m2", "MIN"}, {"ZMPOP", "x", "m2", "MIN"}, {"ZMPOP", "1", "m2", "MIDDLE"},
		{"ZMPOP", "1", "m2", "MIN", "COUNT", "0"}, {"ZMPOP", "1", "m2", "MIN", "COUNT", "-1"}, {"ZMPOP", "1", "m2", "MIN", "COUNT", "x"},
		{"ZMPOP", "1", "m2", "MIN", "COUNT"}, {"ZMPOP", "1", "m2", "MIN", "COUNT", "1", "COUNT", "1"}, {"ZMPOP", "1", "m2", "MIN", "FOO"},
		{"ZMPOP", "3", "m2", "MIN"}, {"ZMPOP", "2", "m2", "MIN"}, {"ZMPOP", "1", "m2"}, {"ZMPOP", "1"}, {"ZMPOP"},
		{"ZADD", "m2", "1", "p", "2", "q"}, {"ZMPOP", "1", "m2", "MAX", "COUNT", "9223372036854775807"}, {"EXISTS", "m2"}, {"ZMPOP", "0", "MIN", "x"},
		// BZPOPMIN, BZPOPMAX, BZMPOP: at once when there is something to pop.
		{"ZADD", "b1", "1", "a", "2", "b"}, {"BZPOPMIN", "nokey", "b1", "0.01"}, {"BZPOPMAX", "b1", "0"}, {"EXISTS", "b1"},
		{"BZPOPMIN", "nokey", "0.01"}, {"BZPOPMIN", "b1", "-1"}, {"BZPOPMIN", "b1", "x"}, {"BZPOPMIN", "b1", "inf"},
		{"BZPOPMIN", "b1"}, {"BZPOPMAX"}, {"ZADD", "b1", "1", "a", "2", "b", "3", "c"},
		{"BZMPOP", "0.01", "2", "nokey", "b1", "MIN", "COUNT", "2"}, {"BZMPOP", "0", "1", "b1", "MAX"}, {"BZMPOP", "0.01", "1", "b1", "MAX"},
		// BZMPOP reads its timeout after the other arguments.
		{"BZMPOP", "-1", "1", "b1", "MIDDLE"}, {"BZMPOP", "x", "0", "b1", "MIN"}, {"BZMPOP", "inf", "1", "b1", "MIN", "COUNT", "0"},
		{"BZMPOP", "-1", "1", "b1", "MIN"},
		{"BZMPOP", "-1", "1", "b1", "MAX"}, {"BZMPOP", "x", "1", "b1", "MAX"}, {"BZMPOP", "0.01", "0", "b1", "MAX"},
		{"BZMPOP", "0.01", "1", "b1", "MAX", "COUNT", "0"}, {"BZMPOP", "0.01", "2", "b1", "MAX"}, {"BZMPOP", "0.01", "1", "b1"},
		{"BZMPOP", "0.01"},
		// ZRANDMEMBER (its replies are compared by shape).
		{"ZADD", "rm", "1", "a", "2", "b", "3", "c"}, {"ZRANDMEMBER", "rm"}, {"ZRANDMEMBER", "rm", "2"}, {"ZRANDMEMBER", "rm", "10"},
		{"ZRANDMEMBER", "rm", "-5"}, {"ZRANDMEMBER", "rm", "0"}, {"ZRANDMEMBER", "rm", "0", "WITHSCORES"},
		{"ZRANDMEMBER", "rm", "2", "WITHSCORES"}, {"ZRANDMEMBER", "rm", "-4", "withscores"}, {"ZRANDMEMBER", "rm", "x"},
		{"ZRANDMEMBER", "rm", "1", "FOO"}, {"ZRANDMEMBER", "rm", "1", "WITHSCORES", "x"}, {"ZRANDMEMBER", "rm", "-9223372036854775808"},
		{"ZRANDMEMBER", "rm", "-9223372036854775808", "WITHSCORES"}, {"ZRANDMEMBER", "rm", "-4611686018427387904", "WITHSCORES"},
		{"ZRANDMEMBER", "nokey"}, {"ZRANDMEMBER", "nokey", "3"}, {"ZRANDMEMBER", "nokey", "-3", "WITHSCORES"},
		{"ZRANDMEMBER", "nokey", "x"}, {"ZRANDMEMBER"},
		// ZUNION, ZINTER, ZDIFF.
		{"ZADD", "u1", "1", "a", "2", "b", "3", "c"}, {"ZADD", "u2", "10", "b", "20", "c", "30", "d"}, {"SADD", "sset", "a", "d", "e"},
		{"ZUNION", "2", "u1", "u2"}, {"ZUNION", "2", "u1", "u2", "WITHSCORES"}, {"ZUNION", "2", "u1", "u2", "WEIGHTS", "2", "-1", "WITHSCORES"},
		{"ZUNION", "2", "u1", "u2", "AGGREGATE", "MIN", "WITHSCORES"}, {"ZUNION", "2", "u1", "u2", "AGGREGATE", "max", "WITHSCORES"},
		{"ZUNION", "3", "u1", "u2", "sset", "WITHSCORES"}, {"ZUNION", "2", "u1", "nokey", "WITHSCORES"}, {"ZUNION", "1", "nokey"},
		{"ZUNION", "2", "u1", "u2", "WEIGHTS", "1"}, {"ZUNION", "2", "u1", "u2", "WEIGHTS", "1", "2", "3"},
		{"ZUNION", "2", "u1", "u2", "WEIGHTS", "1", "x"}, {"ZUNION", "2", "u1", "u2", "AGGREGATE", "AVG"},
		{"ZUNION", "2", "u1", "u2", "AGGREGATE"}, {"ZUNION", "2", "u1", "u2", "FOO"}, {"ZUNION", "0", "u1"}, {"ZUNION", "-1", "u1"},
		{"ZUNION", "x", "u1"}, {"ZUNION", "3", "u1", "u2"}, {"ZUNION", "1"}, {"ZUNION"},
		{"ZUNION", "2", "u1", "u2", "WEIGHTS", "inf", "-inf", "WITHSCORES"}, {"ZUNION", "2", "u1", "u2", "WEIGHTS", "0", "0", "WITHSCORES"},
		{"ZADD", "infs", "+inf", "a", "-inf", "b"}, {"ZUNION", "2", "infs", "infs", "WITHSCORES"},
		{"ZUNION", "2", "infs", "infs", "WEIGHTS", "1", "-1", "WITHSCORES"}, {"ZINTER", "2", "infs", "u1", "WEIGHTS", "0", "1", "WITHSCORES"},
		{"ZINTER", "2", "u1", "u2"}, {"ZINTER", "2", "u1", "u2", "WITHSCORES"}, {"ZINTER", "2", "u1", "u2", "AGGREGATE", "MAX", "WITHSCORES"},
		{"ZINTER", "2", "u1", "u2", "WEIGHTS", "0.5", "2", "AGGREGATE", "MIN", "WITHSCORES"}, {"ZINTER", "2", "u1", "sset", "WITHSCORES"},
		{"ZINTER", "2", "u1", "nokey"}, {"ZINTER", "1", "u1", "WITHSCORES"}, {"ZINTER", "0", "u1"}, {"ZINTER", "2", "u1", "str"},
		{"ZDIFF", "2", "u1", "u2"}, {"ZDIFF", "2", "u1", "u2", "WITHSCORES"}, {"ZDIFF", "2", "u2", "u1", "WITHSCORES"},
		{"ZDIFF", "2", "u1", "sset", "WITHSCORES"}, {"ZDIFF", "1", "u1"}, {"ZDIFF", "2", "nokey", "u1"}, {"ZDIFF", "2", "u1", "u1"},
		{"ZDIFF", "2", "u1", "u2", "WEIGHTS", "1", "1"}, {"ZDIFF", "2", "u1", "u2", "AGGREGATE", "SUM"}, {"ZDIFF", "0", "u1"},
		{"ZDIFF", "3", "u1", "u2"}, {"ZDIFF", "1", "str"},
		// ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE.
		{"ZUNIONSTORE", "out", "2", "u1", "u2"}, {"ZRANGE", "out", "0", "-1", "WITHSCORES"}, {"EXPIRE", "out", "100"},
		{"ZUNIONSTORE", "out", "2", "u1", "u2", "WEIGHTS", "1", "0.5", "AGGREGATE", "MAX"}, {"TTL", "out"},
		{"ZRANGE", "out", "0", "-1", "WITHSCORES"}, {"ZINTERSTORE", "out", "2", "u1", "u2", "AGGREGATE", "MIN"},
		{"ZRANGE", "out", "0", "-1", "WITHSCORES"}, {"ZINTERSTORE", "out", "2", "u1", "nokey"}, {"EXISTS", "out"},
		{"ZDIFFSTORE", "out", "2", "u2", "u1"}, {"ZRANGE", "out", "0", "-1", "WITHSCORES"}, {"ZDIFFSTORE", "out", "2", "u1", "u1"},
		{"EXISTS", "out"}, {"SET", "out", "x"}, {"ZUNIONSTORE", "out", "1", "nokey"}, {"EXISTS", "out"},
		{"SET", "out", "x"}, {"ZUNIONSTORE", "out", "1", "u1"}, {"TYPE", "out"}, {"ZUNIONSTORE", "out", "2", "u1", "str"},
		{"ZUNIONSTORE", "out", "2", "u1"}, {"ZUNIONSTORE", "out", "0", "u1"}, {"ZUNIONSTORE", "out"}, {"ZUNIONSTORE", "out", "1", "u1", "WITHSCORES"},
		{"ZINTERSTORE", "out", "2", "u1", "u2", "WEIGHTS", "1"}, {"ZDIFFSTORE", "out", "1", "u1", "WEIGHTS", "1"},
		{"ZUNIONSTORE", "u1", "2", "u1", "u2"}, {"ZRANGE", "u1", "0", "-1", "WITHSCORES"}, {"ZINTERSTORE", "ss", "2", "sset", "sset"},
		{"ZRANGE", "ss", "0", "-1", "WITHSCORES"}, {"ZUNIONSTORE", "ss2", "2", "sset", "u2", "WEIGHTS", "2", "1"},
		{"ZRANGE", "ss2", "0", "-1", "WITHSCORES"}, {"ZDIFFSTORE", "ss3", "1", "sset"}, {"TYPE", "ss3"},
		// ZINTERCARD.
		{"ZINTERCARD", "2", "u1", "u2"}, {"ZINTERCARD", "2", "u1", "u2", "LIMIT", "1"}, {"ZINTERCARD", "2", "u1", "u2", "LIMIT", "0"},
		{"ZINTERCARD", "1", "u1"}, {"ZINTERCARD", "2", "u1", "nokey"}, {"ZINTERCARD", "2", "u1", "sset"},
		{"ZINTERCARD", "0", "u1"}, {"ZINTERCARD", "-1", "u1"}, {"ZINTERCARD", "x", "u1"}, {"ZINTERCARD", "3", "u1", "u2"},
		{"ZINTERCARD", "2", "u1", "u2", "LIMIT", "-1"}, {"ZINTERCARD", "2", "u1", "u2", "LIMIT", "x"}, {"ZINTERCARD", "2", "u1", "u2", "LIMIT"},
		{"ZINTERCARD", "2", "u1", "u2", "FOO"}, {"ZINTERCARD", "2", "u1", "str"}, {"ZINTERCARD", "1"},
		// ZSCAN of small sorted sets: everything at once, in order.
		{"ZSCAN", "c", "0"}, {"ZSCAN", "c", "17"}, {"ZSCAN", "c", "0", "MATCH", "b*"}, {"ZSCAN", "c", "0", "COUNT", "1"},
		{"ZSCAN", "fmt", "0"}, {"ZSCAN", "c", "0", "MATCH", "*", "COUNT", "100"}, {"ZSCAN", "c", "0", "COUNT", "0"},
		{"ZSCAN", "c", "0", "COUNT", "x"}, {"ZSCAN", "c", "0", "MATCH"}, {"ZSCAN", "c", "0", "FOO", "1"}, {"ZSCAN", "c", "x"},
		{"ZSCAN", "c", "-1"}, {"ZSCAN", "c", "0", "TYPE", "zset"}, {"ZSCAN", "nokey", "0"}, {"ZSCAN", "nokey", "x"}, {"ZSCAN", "c"},
		// Long members.
		{"ZADD", "lm", "1", "a", "2", long}, {"ZRANGE", "lm", "0", "-1", "WITHSCORES"}, {"ZSCORE", "lm", long}, {"ZRANK", "lm", long},
		{"ZRANGEBYLEX", "lm", "-", "+"}, {"ZREM", "lm", long}, {"ZCARD", "lm"}, {"ZINCRBY", "lm", "5", long}, {"ZPOPMAX", "lm"},
		// Keyspace commands on sorted sets.
		{"COPY", "c", "ccopy"}, {"ZRANGE", "ccopy", "0", "-1", "WITHSCORES"}, {"ZADD", "ccopy", "100", "new"}, {"ZCARD", "c"},
		{"RENAME", "ccopy", "c2"}, {"ZCARD", "c2"}, {"EXPIRE", "c2", "100"}, {"ZADD", "c2", "1", "x"}, {"TTL", "c2"},
		{"ZREM", "c2", "x"}, {"TTL", "c2"}, {"DEL", "c2"}, {"EXISTS", "c2"},
	}
	// The large representation: more than 128 members, ties on scores,
	// and a lex set at one score.
	big := []string{"ZADD", "big"}
	for i := 0; i < 200; i++ {
		big = append(big, strconv.Itoa((i*37)%50), "m"+strconv.Itoa(i))
	}
	lex := []string{"ZADD", "blex"}
	for i := 0; i < 150; i++ {
		lex = append(lex, "0", string(rune('a'+i%26))+strconv.Itoa(i))
	}
	small := []string{"ZADD", "edge"}
	for i := 0; i < 128; i++ {
		small = append(small, strconv.Itoa(i), "e"+strconv.Itoa(i))
	}
	cs = append(cs, big, lex, small)
	cs = append(cs, [][]string{
		{"ZCARD", "big"}, {"ZRANGE", "big", "0", "9", "WITHSCORES"}, {"ZRANGE", "big", "-5", "-1", "WITHSCORES"},
		{"ZRANGE", "big", "100", "104"}, {"ZREVRANGE", "big", "0", "4", "WITHSCORES"}, {"ZRANK", "big", "m0"}, {"ZRANK", "big", "m199"},
		{"ZREVRANK", "big", "m77"}, {"ZSCORE", "big", "m77"}, {"ZCOUNT", "big", "10", "(20"}, {"ZCOUNT", "big", "-inf", "+inf"},
		{"ZRANGEBYSCORE", "big", "(48", "+inf", "WITHSCORES"}, {"ZRANGEBYSCORE", "big", "10", "20", "LIMIT", "5", "5"},
		{"ZREVRANGEBYSCORE", "big", "30", "25", "LIMIT", "3", "4", "WITHSCORES"}, {"ZRANGE", "big", "(5", "7", "BYSCORE", "REV"}, {"ZRANGE", "big", "7", "(5", "BYSCORE", "REV", "WITHSCORES"},
		{"ZINCRBY", "big", "100", "m5"}, {"ZRANGE", "big", "-1", "-1", "WITHSCORES"}, {"ZADD", "big", "GT", "CH", "1", "m6", "99", "m7"},
		{"ZREM", "big", "m0", "m1", "nope"}, {"ZCARD", "big"}, {"ZPOPMIN", "big", "3"}, {"ZPOPMAX", "big", "2"},
		{"ZMPOP", "1", "big", "MIN", "COUNT", "2"}, {"ZREMRANGEBYRANK", "big", "0", "9"}, {"ZREMRANGEBYSCORE", "big", "40", "45"},
		{"ZCARD", "big"}, {"ZRANGE", "big", "0", "4", "WITHSCORES"}, {"ZMSCORE", "big", "m10", "m0", "m150"},
		{"ZRANGESTORE", "bdst", "big", "0", "49"}, {"ZCARD", "bdst"}, {"ZRANGE", "bdst", "0", "-1", "WITHSCORES"}, {"ZSCAN", "bdst", "0"},
		{"ZUNIONSTORE", "bu", "2", "big", "blex", "AGGREGATE", "MAX"}, {"ZCARD", "bu"}, {"ZRANGE", "bu", "140", "160", "WITHSCORES"},
		{"ZINTERSTORE", "bi", "2", "big", "bdst", "WEIGHTS", "1", "-1"}, {"ZRANGE", "bi", "0", "-1", "WITHSCORES"},
		{"ZDIFF", "2", "bdst", "big"}, {"ZINTERCARD", "2", "big", "bdst", "LIMIT", "10"}, {"ZINTERCARD", "2", "big", "bu"},
		{"ZLEXCOUNT", "blex", "-", "+"}, {"ZLEXCOUNT", "blex", "[b", "(d"}, {"ZRANGEBYLEX", "blex", "[c", "(d"},
		{"ZRANGEBYLEX", "blex", "(x", "+", "LIMIT", "2", "3"}, {"ZREVRANGEBYLEX", "blex", "[b1", "-", "LIMIT", "0", "5"},
		{"ZRANGE", "blex", "[m", "[n", "BYLEX"}, {"ZREMRANGEBYLEX", "blex", "[a", "(b"}, {"ZCARD", "blex"}, {"ZRANK", "blex", "z25"},
		{"ZCARD", "edge"}, {"ZSCAN", "edge", "0", "MATCH", "e12*"}, {"ZADD", "edge", "128", "e128"}, {"ZRANK", "edge", "e128"},
		{"ZRANGE", "edge", "125", "-1", "WITHSCORES"}, {"ZREM", "edge", "e0"}, {"ZRANGE", "edge", "0", "1"},
		{"ZRANDMEMBER", "big", "5"}, {"ZRANDMEMBER", "big", "-300", "WITHSCORES"}, {"ZRANDMEMBER", "big", "1000"}, {"ZRANDMEMBER", "big", "0"},
		{"FLUSHALL"},
	}...)
	// AGGREGATE "" is no spelling of SUM (found by the hostile-argument test).
	cs = append(cs, [][]string{
		{"ZADD", "ag1", "1", "a"}, {"ZADD", "ag2", "2", "a"}, {"ZUNIONSTORE", "ag3", "2", "ag1", "ag2", "AGGREGATE", ""},
		{"ZINTER", "2", "ag1", "ag2", "AGGREGATE", "", "WITHSCORES"}, {"ZUNION", "2", "ag1", "ag2", "AGGREGATE", "sum", "WITHSCORES"},
		// MATCH "" matches the empty member only.
		{"ZADD", "ag1", "2", ""}, {"ZSCAN", "ag1", "0", "MATCH", ""}, {"ZSCAN", "ag2", "0", "MATCH", ""},
	}...)
	return cs
}
