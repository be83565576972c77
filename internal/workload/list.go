package workload

import "strconv"

// The list commands: a random generator over the Gen's keys (so lists collide
// with strings and other types, and empty out) and hand-written cases.

func init() {
	Register("lists", (*Gen).ListCommand)
	RegisterCases("lists", ListCases)
}

// idx returns a list index or range bound: mostly small, sometimes
// negative, huge or not a number.
func (w *Gen) idx() string {
	switch w.r.IntN(12) {
	case 0:
		return "x"
	case 1:
		return []string{"9223372036854775807", "-9223372036854775808", "100", "-100"}[w.r.IntN(4)]
	default:
		return strconv.Itoa(w.r.IntN(12) - 6)
	}
}

// elems returns 1 to 4 elements from a small alphabet, so that LREM, LPOS
// and LINSERT find matches.
func (w *Gen) elems() []string {
	out := make([]string, 1+w.r.IntN(4))
	for i := range out {
		out[i] = string("abc"[w.r.IntN(3)])
	}
	return out
}

func (w *Gen) elem() string { return string("abcd"[w.r.IntN(4)]) }

// timeout returns a blocking command's timeout: mostly 10 ms, sometimes
// invalid.
func (w *Gen) timeout() string {
	return []string{"0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "0.01", "-1", "x"}[w.r.IntN(10)]
}

func (w *Gen) side() string {
	return []string{"LEFT", "RIGHT", "left", "Right"}[w.r.IntN(4)]
}

// ListCommand returns a random list command.
func (w *Gen) ListCommand() []string {
	k := w.key()
	switch w.r.IntN(26) {
	case 0, 1, 2:
		return append([]string{"RPUSH", k}, w.elems()...)
	case 3, 4:
		return append([]string{"LPUSH", k}, w.elems()...)
	case 5:
		return append([]string{[]string{"LPUSHX", "RPUSHX"}[w.r.IntN(2)], k}, w.elems()...)
	case 6:
		return []string{"LPOP", k}
	case 7:
		return []string{"RPOP", k, strconv.Itoa(w.r.IntN(4) - []int{0, 1}[w.r.IntN(2)])}
	case 8:
		return []string{"LLEN", k}
	case 9, 10:
		return []string{"LRANGE", k, w.idx(), w.idx()}
	case 11:
		return []string{"LINDEX", k, w.idx()}
	case 12:
		return []string{"LSET", k, w.idx(), w.elem()}
	case 13:
		return []string{"LINSERT", k, []string{"BEFORE", "AFTER", "after", "AROUND"}[w.r.IntN(4)], w.elem(), w.elem()}
	case 14:
		return []string{"LREM", k, strconv.Itoa(w.r.IntN(5) - 2), w.elem()}
	case 15:
		return []string{"LTRIM", k, w.idx(), w.idx()}
	case 16:
		opts := [][]string{{}, {"RANK", "-1"}, {"RANK", "2"}, {"COUNT", "0"}, {"COUNT", "2", "RANK", "-2"}, {"MAXLEN", "2"}, {"RANK", "0"}, {"COUNT", "-1"}}
		return append([]string{"LPOS", k, w.elem()}, opts[w.r.IntN(len(opts))]...)
	case 17, 18:
		return []string{"LMOVE", k, w.key(), w.side(), w.side()}
	case 19:
		return []string{"RPOPLPUSH", k, w.key()}
	case 20:
		args := []string{"LMPOP", "2", k, w.key(), w.side()}
		if w.r.IntN(2) == 0 {
			args = append(args, "COUNT", strconv.Itoa(w.r.IntN(4)))
		}
		return args
	case 21:
		return []string{"TYPE", k}
	case 22:
		return []string{"LRANGE", k, "0", "-1"}
	case 23:
		// Blocking pops with a 10 ms timeout: on empty keys a real server
		// answers nil after it, as the Store and MULTI do at once.
		if w.r.IntN(3) == 0 {
			// Always a valid timeout: with a bad one and a bad COUNT,
			// embedis reports the timeout and Redis the count (an open
			// difference of the blocking code).
			args := []string{"BLMPOP", "0.01", "2", k, w.key(), w.side()}
			if w.r.IntN(2) == 0 {
				args = append(args, "COUNT", strconv.Itoa(w.r.IntN(4)))
			}
			return args
		}
		return []string{[]string{"BLPOP", "BRPOP"}[w.r.IntN(2)], k, w.key(), w.timeout()}
	case 24:
		if w.r.IntN(2) == 0 {
			return []string{"BRPOPLPUSH", k, w.key(), w.timeout()}
		}
		return []string{"BLMOVE", k, w.key(), w.side(), w.side(), w.timeout()}
	default:
		return []string{"RPUSH", k, w.elem()}
	}
}

// ListCases returns the cases of the list commands.
func ListCases() [][]string {
	return [][]string{
		// pushes
		{"LPUSH", "l"}, {"RPUSH", "l"}, {"LPUSH", "l", "a", "b", "c"}, {"RPUSH", "l", "d", "e"}, {"LRANGE", "l", "0", "-1"},
		{"LPUSHX", "nope", "a"}, {"RPUSHX", "nope", "a", "b"}, {"EXISTS", "nope"}, {"LPUSHX", "l", "x"}, {"RPUSHX", "l", "y", "z"},
		{"LLEN", "l"}, {"LLEN", "nope"}, {"TYPE", "l"}, {"SET", "s", "v"}, {"LPUSH", "s", "a"}, {"RPUSH", "s", "a"},
		{"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"}, {"LLEN", "s"}, {"LLEN"}, {"LLEN", "a", "b"},
		// LRANGE
		{"LRANGE", "l", "0", "0"}, {"LRANGE", "l", "-3", "-1"}, {"LRANGE", "l", "-100", "100"}, {"LRANGE", "l", "5", "2"},
		{"LRANGE", "l", "100", "200"}, {"LRANGE", "l", "-1", "-3"}, {"LRANGE", "l", "x", "1"}, {"LRANGE", "l", "0", "y"},
		{"LRANGE", "nope", "0", "-1"}, {"LRANGE", "nope", "x", "1"}, {"LRANGE", "s", "0", "1"}, {"LRANGE", "s", "x", "1"},
		{"LRANGE", "l", "-9223372036854775808", "9223372036854775807"}, {"LRANGE", "l", "0"},
		// LINDEX, LSET
		{"LINDEX", "l", "0"}, {"LINDEX", "l", "-1"}, {"LINDEX", "l", "8"}, {"LINDEX", "l", "100"}, {"LINDEX", "l", "-9"},
		{"LINDEX", "l", "x"}, {"LINDEX", "nope", "0"}, {"LINDEX", "nope", "x"}, {"LINDEX", "s", "0"}, {"LINDEX", "s", "x"},
		{"LSET", "l", "0", "A"}, {"LSET", "l", "-1", "Z"}, {"LSET", "l", "8", "v"}, {"LSET", "l", "-9", "v"}, {"LSET", "l", "x", "v"},
		{"LSET", "nope", "0", "v"}, {"LSET", "nope", "x", "v"}, {"LSET", "s", "0", "v"}, {"LSET", "s", "x", "v"},
		{"EXISTS", "nope"}, {"LRANGE", "l", "0", "-1"},
		// LINSERT
		{"LINSERT", "l", "BEFORE", "A", "first"}, {"LINSERT", "l", "after", "Z", "last"}, {"LINSERT", "l", "AFTER", "a", "mid"},
		{"LINSERT", "l", "BEFORE", "missing", "v"}, {"LINSERT", "l", "AROUND", "a", "v"}, {"LINSERT", "nope", "BEFORE", "a", "v"},
		{"LINSERT", "nope", "AROUND", "a", "v"}, {"LINSERT", "s", "BEFORE", "a", "v"}, {"LINSERT", "s", "AROUND", "a", "v"},
		{"LINSERT", "l", "BEFORE", "a"}, {"EXISTS", "nope"}, {"LRANGE", "l", "0", "-1"},
		// LPOP, RPOP
		{"RPUSH", "p", "1", "2", "3", "4", "5"}, {"LPOP", "p"}, {"RPOP", "p"}, {"LPOP", "p", "2"}, {"RPOP", "p", "0"},
		{"LPOP", "p", "-1"}, {"LPOP", "p", "x"}, {"LPOP", "p", "1", "2"}, {"RPOP", "p", "10"}, {"EXISTS", "p"}, {"LPOP", "p"},
		{"LPOP", "p", "2"}, {"RPOP", "p", "0"}, {"LPOP", "p", "-1"}, {"LPOP", "s"}, {"LPOP", "s", "1"}, {"LPOP", "s", "0"},
		{"LPOP", "s", "-1"}, {"RPOP", "s", "x"}, {"LPOP"}, {"RPUSH", "p", "x"}, {"RPOP", "p", "9223372036854775807"}, {"EXISTS", "p"},
		// LREM
		{"RPUSH", "r", "a", "b", "a", "c", "a", "b", "a"}, {"LREM", "r", "1", "a"}, {"LRANGE", "r", "0", "-1"}, {"LREM", "r", "-2", "a"},
		{"LRANGE", "r", "0", "-1"}, {"LREM", "r", "0", "b"}, {"LREM", "r", "0", "zz"}, {"LREM", "r", "x", "a"}, {"LREM", "nope", "1", "a"},
		{"LREM", "nope", "x", "a"}, {"LREM", "s", "1", "a"}, {"LREM", "s", "x", "a"}, {"LRANGE", "r", "0", "-1"},
		{"LREM", "r", "-9223372036854775808", "a"}, {"LREM", "r", "9223372036854775807", "c"}, {"EXISTS", "r"},
		// LTRIM
		{"RPUSH", "t", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, {"LTRIM", "t", "1", "-2"}, {"LRANGE", "t", "0", "-1"},
		{"LTRIM", "t", "-3", "100"}, {"LRANGE", "t", "0", "-1"}, {"LTRIM", "t", "0", "-1"}, {"LTRIM", "t", "x", "1"},
		{"LTRIM", "t", "0", "y"}, {"LTRIM", "nope", "0", "1"}, {"LTRIM", "nope", "x", "1"}, {"LTRIM", "s", "0", "1"},
		{"LTRIM", "s", "x", "1"}, {"LTRIM", "t", "2", "1"}, {"EXISTS", "t"}, {"RPUSH", "t", "a", "b"}, {"LTRIM", "t", "5", "10"},
		{"EXISTS", "t"}, {"RPUSH", "t", "a", "b"}, {"LTRIM", "t", "-1", "-2"}, {"EXISTS", "t"},
		// LPOS
		{"RPUSH", "q", "a", "b", "c", "1", "2", "3", "c", "c"}, {"LPOS", "q", "c"}, {"LPOS", "q", "c", "RANK", "2"},
		{"LPOS", "q", "c", "RANK", "-1"}, {"LPOS", "q", "c", "RANK", "-3"}, {"LPOS", "q", "c", "RANK", "4"}, {"LPOS", "q", "c", "COUNT", "2"},
		{"LPOS", "q", "c", "COUNT", "0"}, {"LPOS", "q", "c", "COUNT", "0", "RANK", "-1"}, {"LPOS", "q", "c", "COUNT", "2", "RANK", "2"},
		{"LPOS", "q", "c", "MAXLEN", "3"}, {"LPOS", "q", "c", "MAXLEN", "2"}, {"LPOS", "q", "c", "MAXLEN", "2", "COUNT", "0"},
		{"LPOS", "q", "c", "RANK", "-1", "MAXLEN", "1"}, {"LPOS", "q", "c", "RANK", "-1", "MAXLEN", "3", "COUNT", "0"},
		{"LPOS", "q", "zz"}, {"LPOS", "q", "zz", "COUNT", "1"}, {"LPOS", "q", "c", "RANK", "0"}, {"LPOS", "q", "c", "RANK", "x"},
		{"LPOS", "q", "c", "COUNT", "-1"}, {"LPOS", "q", "c", "COUNT", "x"}, {"LPOS", "q", "c", "MAXLEN", "-1"}, {"LPOS", "q", "c", "MAXLEN", "x"},
		{"LPOS", "q", "c", "FOO"}, {"LPOS", "q", "c", "RANK"}, {"LPOS", "q", "c", "COUNT"}, {"LPOS", "q", "c", "RANK", "1", "RANK", "3"},
		{"LPOS", "q", "c", "rank", "-9223372036854775808"}, {"LPOS", "q", "c", "rank", "9223372036854775807"},
		{"LPOS", "q", "c", "COUNT", "-1", "RANK", "0"}, {"LPOS", "q", "c", "RANK", "0", "COUNT", "-1"},
		{"LPOS", "nope", "c"}, {"LPOS", "nope", "c", "COUNT", "1"}, {"LPOS", "nope", "c", "RANK", "0"}, {"LPOS", "s", "c"},
		{"LPOS", "s", "c", "COUNT", "1"}, {"LPOS", "s", "c", "RANK", "0"}, {"LPOS", "q"},
		// LMOVE, RPOPLPUSH
		{"RPUSH", "m", "1", "2", "3"}, {"LMOVE", "m", "m", "LEFT", "RIGHT"}, {"LRANGE", "m", "0", "-1"}, {"LMOVE", "m", "m", "right", "left"},
		{"LMOVE", "m", "m", "LEFT", "LEFT"}, {"LRANGE", "m", "0", "-1"}, {"LMOVE", "m", "n", "LEFT", "RIGHT"}, {"LMOVE", "m", "n", "RIGHT", "LEFT"},
		{"LRANGE", "n", "0", "-1"}, {"LMOVE", "m", "n", "LEFT", "LEFT"}, {"EXISTS", "m"}, {"LMOVE", "m", "n", "LEFT", "LEFT"},
		{"LMOVE", "n", "s", "LEFT", "LEFT"}, {"LMOVE", "s", "n", "LEFT", "LEFT"}, {"LMOVE", "nope", "s", "LEFT", "LEFT"},
		{"LMOVE", "n", "m", "UP", "LEFT"}, {"LMOVE", "n", "m", "LEFT", "DOWN"}, {"LMOVE", "nope", "m", "UP", "LEFT"},
		{"LRANGE", "n", "0", "-1"}, {"RPOPLPUSH", "n", "n"}, {"RPOPLPUSH", "n", "o"}, {"RPOPLPUSH", "nope", "o"},
		{"RPOPLPUSH", "n", "s"}, {"RPOPLPUSH", "s", "n"}, {"RPOPLPUSH", "o", "o"}, {"LRANGE", "o", "0", "-1"}, {"RPOPLPUSH", "n", "o"},
		{"RPOPLPUSH", "n", "o"}, {"EXISTS", "n"}, {"LMOVE", "o", "o", "RIGHT", "RIGHT"}, {"LRANGE", "o", "0", "-1"},
		{"EXPIRE", "o", "1000"}, {"DEL", "o2"}, {"RPUSH", "o2", "only"}, {"EXPIRE", "o2", "1000"}, {"LMOVE", "o2", "o2", "LEFT", "RIGHT"},
		{"TTL", "o2"},
		// LMPOP
		{"RPUSH", "x1", "a", "b", "c"}, {"RPUSH", "x2", "d", "e"}, {"LMPOP", "2", "nope", "x1", "LEFT"}, {"LMPOP", "2", "x1", "x2", "RIGHT", "COUNT", "5"},
		{"LMPOP", "2", "x1", "x2", "left", "COUNT", "1"}, {"LMPOP", "1", "nope", "LEFT"}, {"LMPOP", "3", "nope", "s", "x2", "LEFT"},
		{"LMPOP", "2", "x2", "s", "LEFT"}, {"LMPOP", "0", "x1", "LEFT"}, {"LMPOP", "-1", "x1", "LEFT"}, {"LMPOP", "x", "x1", "LEFT"},
		{"LMPOP", "1", "x2", "MIDDLE"}, {"LMPOP", "1", "x2", "LEFT", "COUNT", "0"}, {"LMPOP", "1", "x2", "LEFT", "COUNT", "-1"},
		{"LMPOP", "1", "x2", "LEFT", "COUNT", "x"}, {"LMPOP", "1", "x2", "LEFT", "COUNT"}, {"LMPOP", "1", "x2", "LEFT", "COUNT", "1", "COUNT", "1"},
		{"LMPOP", "1", "x2", "LEFT", "FOO"}, {"LMPOP", "3", "x2", "LEFT"}, {"LMPOP", "2", "x2", "LEFT"}, {"LMPOP", "1", "x2"},
		{"LMPOP", "1", "x2", "RIGHT", "count", "9223372036854775807"}, {"EXISTS", "x2"}, {"LMPOP", "0", "LEFT", "x"},
		// BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP: at once when there is
		// something to pop; a 10 ms timeout otherwise (nil).
		{"RPUSH", "b1", "a", "b", "c"}, {"BLPOP", "nope", "b1", "0.01"}, {"BRPOP", "b1", "0"}, {"BLPOP", "nope", "0.01"},
		{"BRPOP", "nope", "s", "0.01"}, {"BLPOP", "b1", "-1"}, {"BLPOP", "b1", "x"}, {"BRPOP", "b1", "inf"}, {"BLPOP", "b1"},
		{"BRPOPLPUSH", "b1", "b2", "0.01"}, {"BRPOPLPUSH", "nope", "b2", "0.01"}, {"BRPOPLPUSH", "b1", "s", "0.01"},
		{"BRPOPLPUSH", "s", "b2", "0.01"}, {"BRPOPLPUSH", "b1", "b2", "-1"}, {"BRPOPLPUSH", "b1", "b2", "x"}, {"BRPOPLPUSH", "b1", "b2"},
		{"LRANGE", "b2", "0", "-1"}, {"EXISTS", "b1"},
		{"BLMOVE", "b2", "b3", "LEFT", "RIGHT", "0.01"}, {"BLMOVE", "b3", "b3", "right", "left", "0"}, {"BLMOVE", "nope", "b3", "LEFT", "LEFT", "0.01"},
		{"BLMOVE", "b2", "s", "LEFT", "LEFT", "0.01"}, {"BLMOVE", "b2", "b3", "UP", "LEFT", "0.01"}, {"BLMOVE", "b2", "b3", "LEFT", "LEFT", "-1"},
		{"BLMOVE", "b2", "b3", "LEFT", "LEFT", "x"}, {"BLMOVE", "b2", "b3", "LEFT", "LEFT"}, {"LRANGE", "b3", "0", "-1"},
		{"RPUSH", "b4", "1", "2", "3"}, {"BLMPOP", "0.01", "2", "nope", "b4", "LEFT"}, {"BLMPOP", "0", "2", "b4", "b3", "RIGHT", "COUNT", "5"},
		{"BLMPOP", "0.01", "1", "nope", "LEFT"}, {"BLMPOP", "0.01", "2", "nope", "s", "LEFT"}, {"BLMPOP", "0.01", "0", "b3", "LEFT"},
		{"BLMPOP", "0.01", "1", "b3", "MIDDLE"}, {"BLMPOP", "0.01", "1", "b3", "LEFT", "COUNT", "0"}, {"BLMPOP", "-1", "1", "b3", "LEFT"},
		{"BLMPOP", "x", "1", "b3", "LEFT"}, {"BLMPOP", "0.01", "2", "b3", "LEFT"}, {"BLMPOP", "0.01", "1", "b3"}, {"EXISTS", "b4"},
		// arity
		{"LPUSH"}, {"LINSERT", "l", "BEFORE"}, {"LINDEX", "l"}, {"LSET", "l", "0"}, {"LREM", "l", "0"}, {"LTRIM", "l", "0"},
		{"LMOVE", "l", "m", "LEFT"}, {"RPOPLPUSH", "l"}, {"LMPOP", "1", "l"}, {"LPOS"},
		{"TYPE", "l"}, {"COPY", "l", "lcopy"}, {"LRANGE", "lcopy", "0", "-1"}, {"RENAME", "lcopy", "lr"}, {"LRANGE", "lr", "0", "-1"},
	}
}
