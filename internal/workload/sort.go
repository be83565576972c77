package workload

import "strconv"

// SORT and SORT_RO: a random generator and hand-written cases.
//
// The random commands fill lists, sets and sorted sets with numbers (and
// now and then something that is not one) and weight keys "w_<n>" and
// hashes "o_<n>" for the BY and GET patterns, then sort them. They only use
// forms whose reply Redis fixes: numeric order is total (ties go by the
// element's bytes), ALPHA without BY compares distinct strings, and BY
// nosort, which returns a set in its hash-table order, comes only with
// STORE (where Redis sorts a set with ALPHA instead). ALPHA with BY, whose
// ties follow Redis's sort algorithm, is in the hand-written cases on lists
// only.
//
// Redis's SORT reads a weight held as text with strtod and then tests errno
// for ERANGE without clearing it first, so once any strtod in the server
// has overflowed or underflowed (a GEOSEARCH radius of 1e400 will do), every
// numeric SORT whose weights are held as text (the members of a set, a
// float in a list) fails with "One or more scores can't be converted into
// double" until the next connection is accepted (accept's EAGAIN resets
// errno). embedis sorts them. So the random commands sort numerically only
// by weights Redis holds as integers (BY patterns naming integers), and the
// hand-written cases that make strtod overflow come last, each list
// starting on a new connection.

func init() {
	Register("sort", (*Gen).SortCommand)
	RegisterCases("sort", SortCases)
}

// sortElem returns a small integer, or now and then a float, a string that
// is not a number or a huge integer.
func (w *Gen) sortElem() string {
	switch w.r.IntN(24) {
	case 0:
		return "x" + strconv.Itoa(w.r.IntN(3))
	case 1:
		return strconv.Itoa(w.r.IntN(20)-10) + ".5"
	case 2:
		return strconv.FormatInt(w.r.Int64(), 10)
	}
	return strconv.Itoa(w.r.IntN(20) - 10)
}

// sortWeight returns a weight Redis holds as an integer, or one time in
// twelve a string that is not a number.
func (w *Gen) sortWeight() string {
	switch w.r.IntN(12) {
	case 0:
		return "x" + strconv.Itoa(w.r.IntN(3))
	case 1:
		return strconv.FormatInt(w.r.Int64(), 10)
	}
	return strconv.Itoa(w.r.IntN(20) - 10)
}

// sortKey returns one of the keys the sort family sorts. They are its own:
// sorting a sorted set makes Redis hold it as a skiplist for good, where
// the lex range commands of the sorted-set family, given members of
// different scores, answer according to the skiplist's random levels.
func (w *Gen) sortKey() string { return []string{"sa", "sb", "sc"}[w.r.IntN(3)] }

// SortCommand returns a random SORT, SORT_RO or a write that prepares one,
// or now and then OBJECT ENCODING of any key, whose answers follow every
// family's writes.
func (w *Gen) SortCommand() []string {
	k := w.sortKey()
	switch w.r.IntN(14) {
	case 0, 1:
		return []string{"RPUSH", k, w.sortElem(), w.sortElem(), w.sortElem()}
	case 2:
		return []string{"SADD", k, w.sortElem(), w.sortElem()}
	case 3:
		return []string{"ZADD", k, strconv.Itoa(w.r.IntN(5)), w.sortElem()}
	case 4:
		return []string{"SET", "w_" + strconv.Itoa(w.r.IntN(20)-10), w.sortWeight()}
	case 5:
		return []string{"HSET", "o_" + strconv.Itoa(w.r.IntN(20)-10), "f", w.sortWeight()}
	case 6:
		// Not REFCOUNT: inside MULTI, Redis counts the queued command's
		// argument that a value stored earlier in the transaction still is.
		return []string{"OBJECT", "ENCODING", w.key()}
	}
	cmd := "SORT"
	if w.r.IntN(3) == 0 {
		cmd = "SORT_RO"
	}
	args := []string{cmd, k}
	store := cmd == "SORT" && w.r.IntN(3) == 0
	switch w.r.IntN(4) {
	case 0:
		args = append(args, "BY", "w_*")
	case 1:
		args = append(args, "BY", "o_*->f")
	case 2:
		if store {
			args = append(args, "BY", "nosort")
			break
		}
		args = append(args, "ALPHA")
	default:
		args = append(args, "ALPHA")
	}
	for n := w.r.IntN(4); n > 0; n-- {
		switch w.r.IntN(5) {
		case 0:
			args = append(args, []string{"DESC", "ASC"}[w.r.IntN(2)])
		case 1:
			args = append(args, "LIMIT", strconv.Itoa(w.r.IntN(6)-1), strconv.Itoa(w.r.IntN(6)-1))
		case 2:
			args = append(args, "GET", "#")
		case 3:
			args = append(args, "GET", "w_*")
		default:
			args = append(args, "GET", "o_*->f")
		}
	}
	if store {
		dst := w.sortKey()
		if w.r.IntN(2) == 0 {
			dst = w.key()
		}
		args = append(args, "STORE", dst)
	}
	return args
}

// SortCases returns the cases of SORT and SORT_RO.
func SortCases() [][]string {
	return [][]string{
		// Numbers, ALPHA, DESC, LIMIT.
		{"RPUSH", "l", "3", "1", "2", "10", "-1.5", "1e2", "+4", " 7", "0x10", "010", "1.0", "inf", "-inf"},
		{"SORT", "l"}, {"SORT", "l", "DESC"}, {"SORT", "l", "ALPHA"}, {"SORT", "l", "ALPHA", "DESC"},
		{"SORT", "l", "asc", "desc", "Alpha"}, {"SORT", "l", "DESC", "ASC"}, {"SORT_RO", "l"}, {"SORT_RO", "l", "DESC", "ALPHA"},
		{"SORT", "l", "LIMIT", "0", "3"}, {"SORT", "l", "LIMIT", "2", "3", "DESC"}, {"SORT", "l", "LIMIT", "-5", "2"},
		{"SORT", "l", "LIMIT", "2", "-1"}, {"SORT", "l", "LIMIT", "100", "1"}, {"SORT", "l", "LIMIT", "0", "0"},
		{"SORT", "l", "LIMIT", "12", "100"}, {"SORT", "l", "LIMIT", "13", "100"}, {"SORT", "l", "LIMIT", "1", "2", "LIMIT", "3", "1"},
		{"SORT", "l", "LIMIT", "1", "9223372036854775807"}, {"SORT", "l", "LIMIT", "2", "9223372036854775807"},
		{"SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"},
		{"SORT", "l", "LIMIT", "-9223372036854775808", "-9223372036854775808"},
		// Equal scores go by the elements' bytes; DESC reverses that too.
		{"RPUSH", "eq", "1.0", "1", "01", "+1", "1e0", "2", "0x1"}, {"SORT", "eq"}, {"SORT", "eq", "DESC"}, {"SORT", "eq", "LIMIT", "1", "3"},
		// Weights strtod reads or refuses.
		{"RPUSH", "w1", "", "5", " 6", "\t7"}, {"SORT", "w1"}, {"SORT", "w1", "DESC"},
		{"RPUSH", "nul", "2\x00x", "1", "3"}, {"SORT", "nul"},
		{"RPUSH", "sub", "0x1p-1074", "0x1p-1030", "1", "0e-999", "2.2250738585072014e-308"}, {"SORT", "sub"},
		{"RPUSH", "bad2", "1", "5 "}, {"SORT", "bad2"}, {"SORT_RO", "bad2", "LIMIT", "0", "1"},
		{"RPUSH", "bad3", "nan", "1"}, {"SORT", "bad3"}, {"RPUSH", "bad6", "0x", "1e5x", "abc"}, {"SORT", "bad6"},
		// ALPHA compares C strings: NUL ends them, except with STORE.
		{"RPUSH", "nuls", "b\x00z", "b\x00a", "b", "a", "B", "ab", ""},
		{"SORT", "nuls", "ALPHA"}, {"SORT", "nuls", "ALPHA", "DESC"}, {"SORT", "nuls", "ALPHA", "STORE", "nd"}, {"LRANGE", "nd", "0", "-1"},
		{"SORT", "nuls", "ALPHA", "DESC", "STORE", "nd"}, {"LRANGE", "nd", "0", "-1"},
		{"RPUSH", "high", "\xff", "\xc3\xa9", "z", "\xe2\x82\xac", "e", "\x80a", "E", "\xc3", "\x01"},
		{"SORT", "high", "ALPHA"}, {"SORT", "high", "ALPHA", "DESC", "LIMIT", "2", "4"},
		// BY and GET patterns.
		{"DEL", "l"}, {"RPUSH", "l", "3", "1", "2", "4"},
		{"HSET", "h_1", "f", "30", "g", "x"}, {"HSET", "h_2", "f", "20"}, {"HSET", "h_4", "g", "y"},
		{"MSET", "s_3", "10", "s_1", "5", "v_1", "one", "v_2", "two", "v_4", "four"}, {"SADD", "v_3", "notastring"},
		{"SORT", "l", "BY", "h_*->f"}, {"SORT", "l", "BY", "h_*->f", "DESC"}, {"SORT", "l", "BY", "s_*"},
		{"SORT", "l", "BY", "s_*", "DESC", "LIMIT", "1", "2"}, {"SORT", "l", "BY", "h_*->"}, {"SORT", "l", "BY", "h_*->g"},
		{"SORT", "l", "BY", "v_*"}, {"SORT", "l", "BY", "v_*", "ALPHA"}, {"SORT", "l", "BY", "v_*", "ALPHA", "DESC"},
		{"SORT", "l", "BY", "h_*->f", "ALPHA"}, {"SORT", "l", "BY", "h_*->f", "ALPHA", "DESC"},
		{"SORT", "l", "BY", "h_*->g", "ALPHA"}, {"SORT", "l", "BY", "h_*->g", "ALPHA", "STORE", "gd"}, {"LRANGE", "gd", "0", "-1"},
		{"SORT", "l", "BY", "s_*->f"}, {"SORT", "l", "BY", "h_*"}, {"SORT", "l", "BY", "x*y"},
		{"SET", "s_1*", "50"}, {"SET", "h->f_2", "40"}, {"HSET", "q_3", "->g", "9", "g", "1"}, {"SORT", "l", "BY", "s_**"},
		{"SORT", "l", "GET", "s_**"}, {"SORT", "l", "BY", "h->f_*"}, {"SORT", "l", "BY", "q_*->->g"}, {"SORT", "l", "GET", "q_*->->g"},
		{"SORT", "l", "GET", "*"}, {"SORT", "l", "BY", "*", "GET", "*"}, {"SORT", "l", "GET", "*->"}, {"SORT", "l", "GET", "->*"},
		{"SORT", "l", "GET", "#", "GET", "v_*", "GET", "h_*->g", "GET", "h_*->f"},
		{"SORT", "l", "GET", "nostar"}, {"SORT", "l", "GET", "#x"}, {"SORT", "l", "GET", "#\x00x"}, {"SORT", "l", "GET", "h_*->f->g"},
		{"SORT", "l", "GET", "v_*", "LIMIT", "1", "2", "DESC"}, {"SORT", "l", "GET", "#", "BY", "nosort", "DESC"},
		{"SORT", "l", "BY", "w_\x00*"}, {"SORT", "l", "BY", "s_*\x00"}, {"SORT", "l", "GET", "v_\x00*"},
		{"HSET", "h_1", "f\x00z", "7"}, {"SORT", "l", "BY", "h_*->f\x00z"}, {"SORT", "l", "GET", "h_*->f\x00z"},
		{"SORT", "l", "BY", "nosort"}, {"SORT", "l", "BY", "nosort", "DESC"}, {"SORT", "l", "BY", "nosort", "LIMIT", "1", "2"},
		{"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"}, {"SORT", "l", "BY", "nosort", "DESC", "LIMIT", "3", "5"},
		{"SORT", "l", "BY", "nosort", "BY", "s_*"}, {"SORT", "l", "BY", "s_*", "BY", "nosort"}, {"SORT", "l", "BY", ""},
		{"SORT", "l", "BY", "nosort", "LIMIT", "9", "1"}, {"SORT", "l", "BY", "nosort", "LIMIT", "0", "0"},
		// STORE.
		{"SORT", "l", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"}, {"TYPE", "dst"},
		{"SORT", "l", "GET", "v_*", "GET", "#", "STORE", "dst"}, {"LRANGE", "dst", "0", "-1"},
		{"SET", "sdst", "x", "EX", "1000"}, {"SORT", "l", "DESC", "STORE", "sdst"}, {"TTL", "sdst"}, {"LRANGE", "sdst", "0", "-1"},
		{"SORT", "l", "LIMIT", "5", "1", "STORE", "sdst"}, {"EXISTS", "sdst"}, {"SORT", "nokey", "STORE", "dst"}, {"EXISTS", "dst"},
		{"SORT", "l", "STORE", "a", "STORE", "b"}, {"EXISTS", "a", "b"}, {"SORT", "l", "STORE", "l"}, {"LRANGE", "l", "0", "-1"},
		{"SORT", "nokey", "STORE", "nokey2"}, {"EXISTS", "nokey2"},
		// Sets and sorted sets.
		{"SADD", "is", "5", "-3", "10", "7"}, {"SORT", "is"}, {"SORT", "is", "DESC", "LIMIT", "1", "2"}, {"SORT", "is", "BY", "nosort"},
		{"SORT", "is", "BY", "nosort", "DESC", "LIMIT", "1", "2"}, {"SORT", "is", "ALPHA"},
		{"SADD", "ss", "banana", "apple", "cherry", "10", "9"}, {"SORT", "ss", "ALPHA"}, {"SORT", "ss", "ALPHA", "DESC", "LIMIT", "1", "3"},
		{"SORT", "ss"}, {"SORT", "ss", "BY", "nosort", "STORE", "sd"}, {"LRANGE", "sd", "0", "-1"},
		{"SORT", "ss", "BY", "nosort", "DESC", "LIMIT", "1", "2", "STORE", "sd"}, {"LRANGE", "sd", "0", "-1"},
		{"SORT", "ss", "BY", "s_*", "STORE", "sd"},
		{"ZADD", "z", "1", "c", "2", "b", "3", "a", "4", "10"}, {"SORT", "z", "BY", "nosort"},
		{"SORT", "z", "BY", "nosort", "DESC"}, {"SORT", "z", "BY", "nosort", "LIMIT", "1", "1"},
		{"SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"}, {"SORT", "z", "BY", "nosort", "LIMIT", "4", "5"},
		{"SORT", "z", "ALPHA"}, {"SORT", "z", "ALPHA", "DESC"}, {"SORT", "z"}, {"SORT", "z", "BY", "nosort", "STORE", "zd"}, {"LRANGE", "zd", "0", "-1"},
		{"ZADD", "zn", "3", "1", "2", "2", "1", "3"}, {"SORT", "zn"}, {"SORT", "zn", "BY", "nosort"}, {"SORT", "zn", "BY", "h_*->f", "GET", "v_*"},
		// Errors: parsing comes before the key's type.
		{"SET", "str", "x"}, {"HSET", "hh", "a", "1"}, {"SORT", "str"}, {"SORT", "hh"}, {"SORT_RO", "str"}, {"SORT", "str", "FOO"},
		{"SORT", "str", "LIMIT", "x", "1"}, {"SORT", "str", "STORE", "dst"}, {"SORT", "str", "BY", "nosort"},
		{"SORT_RO", "l", "STORE", "x"}, {"SORT_RO", "l", "STORE"}, {"SORT", "l", "STORE"}, {"SORT", "l", "LIMIT", "1"}, {"SORT", "l", "LIMIT"},
		{"SORT", "l", "LIMIT", "a", "1"}, {"SORT", "l", "LIMIT", "1", "a"}, {"SORT", "l", "LIMIT", "1.5", "1"},
		{"SORT", "l", "BY"}, {"SORT", "l", "GET"}, {"SORT", "l", "GET", "#", "GET"}, {"SORT", "l", "DESC", "FOO"}, {"SORT", "l", "ALPHA", "LIMIT", "0"},
		{"SORT"}, {"SORT_RO"}, {"SORT", "nokey"}, {"SORT", "nokey", "BY", "nosort", "LIMIT", "1", "1"}, {"SORT_RO", "nokey", "GET", "#"},
		{"SORT", "bad2", "STORE", "l"}, {"LRANGE", "l", "0", "-1"},
		// Weights strtod overflows or underflows on (ERANGE): last, see above.
		{"RPUSH", "bad1", "1e-310"}, {"SORT", "bad1"}, {"SORT", "bad1", "ALPHA"}, {"SORT", "bad1", "BY", "nosort"},
		{"RPUSH", "bad4", "1e400"}, {"SORT", "bad4"}, {"RPUSH", "bad5", "1e-400"}, {"SORT", "bad5"},
		{"RPUSH", "bad7", "4.9e-324"}, {"SORT", "bad7", "DESC"}, {"SORT", "bad7", "STORE", "bad7dst"}, {"EXISTS", "bad7dst"},
	}
}
