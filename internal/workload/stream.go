package workload

import (
	"strconv"
	"strings"
)

// The stream family: random stream commands over the generator's keys, and
// hand-written cases for every stream command and its errors. IDs are
// always explicit here: "*" takes the server's clock, which two servers do
// not share (the root package tests "*" with a manual clock).

func init() {
	Register("streams", (*Gen).StreamCommand)
	RegisterCases("streams", StreamCases)
}

// streamID returns an ID near the small range the generator uses, so that
// adds collide with the last ID now and then.
func (w *Gen) streamID() string {
	switch w.r.IntN(10) {
	case 0:
		return strconv.Itoa(w.r.IntN(40)) + "-*"
	case 1:
		return strconv.Itoa(w.r.IntN(40))
	case 2:
		return []string{"0-0", "-", "+", "x", "1-x", "18446744073709551615-18446744073709551615"}[w.r.IntN(6)]
	}
	return strconv.Itoa(w.r.IntN(40)) + "-" + strconv.Itoa(w.r.IntN(4))
}

// StreamCommand returns a random stream command.
func (w *Gen) StreamCommand() []string {
	k := w.key()
	switch w.r.IntN(14) {
	case 0, 1, 2, 3:
		cmd := []string{"XADD", k}
		switch w.r.IntN(6) {
		case 0:
			cmd = append(cmd, "MAXLEN", []string{"=", "~"}[w.r.IntN(2)], strconv.Itoa(w.r.IntN(6)))
		case 1:
			cmd = append(cmd, "MINID", w.streamID())
		case 2:
			cmd = append(cmd, "NOMKSTREAM")
		}
		cmd = append(cmd, w.streamID(), "f", w.str())
		if w.r.IntN(3) == 0 {
			cmd = append(cmd, "g", w.num())
		}
		return cmd
	case 4:
		return []string{"XLEN", k}
	case 5:
		return []string{"XRANGE", k, w.streamID(), w.streamID()}
	case 6:
		return []string{"XREVRANGE", k, "+", "-", "COUNT", strconv.Itoa(w.r.IntN(4))}
	case 7, 8:
		return []string{"XDEL", k, w.streamID(), w.streamID()}
	case 9, 10:
		if w.r.IntN(2) == 0 {
			return []string{"XTRIM", k, "MAXLEN", []string{"=", "~"}[w.r.IntN(2)], strconv.Itoa(w.r.IntN(6))}
		}
		return []string{"XTRIM", k, "MINID", w.streamID()}
	case 11:
		return []string{"XREAD", "COUNT", strconv.Itoa(w.r.IntN(3)), "STREAMS", k, w.key(), w.streamID(), w.streamID()}
	case 12:
		return []string{"XSETID", k, w.streamID()}
	}
	return []string{"XINFO", "STREAM", k}
}

// StreamCases returns the cases of the stream commands.
func StreamCases() [][]string {
	cases := [][]string{
		// XADD: IDs explicit, "<ms>-*", errors for equal, smaller, 0-0 and
		// malformed IDs, options in every order, arity.
		{"XADD", "s", "1-1", "a", "1", "b", "hello"}, {"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "1-0", "a", "1"},
		{"XADD", "s", "0-0", "a", "1"}, {"XADD", "s2", "0-0", "a", "1"}, {"EXISTS", "s2"}, {"XADD", "s", "0", "a", "1"},
		{"XADD", "s", "1-*", "a", "2"}, {"XADD", "s", "2-*", "a", "3"}, {"XADD", "s", "2", "a", "4"}, {"XADD", "s", "3", "a", "4"},
		{"XADD", "s", "4-5", "a"}, {"XADD", "s", "4-5", "a", "1", "b"}, {"XADD", "s", "4-5"}, {"XADD", "s"},
		{"XADD", "s", "x", "a", "1"}, {"XADD", "s", "4-x", "a", "1"}, {"XADD", "s", "-", "a", "1"}, {"XADD", "s", "+", "a", "1"},
		{"XADD", "s", "-1", "a", "1"}, {"XADD", "s", "5--0", "a", "1"}, {"XADD", "s", "007-1", "a", "1"}, {"XADD", "s", " 8", "a", "1"},
		{"XADD", "s", "+9", "a", "1"}, {"XADD", "s", "10-*5", "a", "1"}, {"XADD", "s", "*-1", "a", "1"}, {"XADD", "s", "11-", "a", "1"},
		{"XADD", "s", "18446744073709551616", "a", "1"}, {"XADD", "s", "12-18446744073709551615", "a", "1"}, {"XADD", "s", "12-*", "a", "1"},
		{"XADD", "s", "-9223372036854775809", "a", "1"}, {"XADD", "s", strings.Repeat("1", 128), "a", "1"},
		{"XADD", "s", "NOMKSTREAM", "20-1", "a", "1"}, {"XADD", "nope", "NOMKSTREAM", "1-1", "a", "1"}, {"EXISTS", "nope"},
		{"XADD", "s", "MAXLEN", "x", "21-1", "a", "1"}, {"XADD", "s", "MAXLEN", "-1", "21-1", "a", "1"},
		{"XADD", "s", "MAXLEN", "5", "MINID", "1", "21-1", "a", "1"}, {"XADD", "s", "LIMIT", "5", "21-1", "a", "1"},
		{"XADD", "s", "MAXLEN", "5", "LIMIT", "5", "21-1", "a", "1"}, {"XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "21-1", "a", "1"},
		{"XADD", "s", "MAXLEN", "~", "5", "LIMIT", "x", "21-1", "a", "1"}, {"XADD", "s", "MINID", "-", "21-1", "a", "1"},
		{"XADD", "s", "MINID", "x", "21-1", "a", "1"}, {"XADD", "s", "FOO", "21-1", "a", "1"}, {"XADD", "s", "MAXLEN"},
		{"XADD", "s", "MAXLEN", "=", "6", "21-1", "a", "1"}, {"XLEN", "s"}, {"XADD", "s", "maxlen", "~", "2", "22-1", "a", "1"},
		{"XLEN", "s"}, {"XADD", "s", "MINID", "=", "12", "23-1", "a", "1"}, {"XLEN", "s"}, {"XRANGE", "s", "-", "+"},
		{"XADD", "s", "nomkstream", "MAXLEN", "~", "1", "LIMIT", "0", "24-1", "f", "v", "f", "w"},
		// XLEN, TYPE, OBJECT ENCODING.
		{"XLEN", "s"}, {"XLEN", "nope"}, {"TYPE", "s"}, {"OBJECT", "ENCODING", "s"}, {"SET", "str", "x"}, {"XLEN", "str"},
		{"XADD", "str", "1-1", "a", "1"}, {"XADD", "str", "0-0", "a", "1"}, {"XADD", "str", "x", "a", "1"},
		// XRANGE and XREVRANGE: bounds, exclusions, COUNT, errors.
		{"XRANGE", "s", "-", "+"}, {"XRANGE", "s", "+", "-"}, {"XREVRANGE", "s", "+", "-"}, {"XREVRANGE", "s", "-", "+"},
		{"XRANGE", "s", "12", "22"}, {"XRANGE", "s", "(12-18446744073709551615", "(24-1"}, {"XRANGE", "s", "(-", "+"},
		{"XRANGE", "s", "-", "(+"}, {"XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"}, {"XRANGE", "s", "-", "(0-0"},
		{"XRANGE", "s", "(", "+"}, {"XRANGE", "s", "((1", "+"}, {"XRANGE", "s", "x", "+"}, {"XRANGE", "s", "-", "y"},
		{"XRANGE", "s", "-", "+", "COUNT", "1"}, {"XRANGE", "s", "-", "+", "COUNT", "0"}, {"XRANGE", "s", "-", "+", "COUNT", "-5"},
		{"XRANGE", "s", "-", "+", "COUNT"}, {"XRANGE", "s", "-", "+", "COUNT", "x"}, {"XRANGE", "s", "-", "+", "FOO", "1"},
		{"XRANGE", "s", "-", "+", "COUNT", "1", "COUNT", "2"}, {"XREVRANGE", "s", "+", "-", "COUNT", "2"},
		{"XREVRANGE", "s", "(24-1", "(12-1"}, {"XREVRANGE", "s", "22", "22"}, {"XRANGE", "nope", "-", "+"},
		{"XRANGE", "nope", "-", "+", "COUNT", "0"}, {"XRANGE", "str", "-", "+"}, {"XRANGE", "str", "x", "+"}, {"XRANGE", "s"},
		// XDEL: the key is looked up before the IDs are read.
		{"XDEL", "s", "22-1"}, {"XDEL", "s", "22-1"}, {"XDEL", "s", "x"}, {"XDEL", "s", "23-1", "x"}, {"XLEN", "s"},
		{"XDEL", "nope", "x"}, {"XDEL", "str", "1-1"}, {"XDEL", "s", "-"}, {"XDEL", "s", "24"}, {"XRANGE", "s", "-", "+"},
		{"XINFO", "STREAM", "s"},
		// XTRIM.
		{"XTRIM", "s"}, {"XTRIM", "s", "MAXLEN"}, {"XTRIM", "s", "FOO", "1"}, {"XTRIM", "s", "MAXLEN", "x"}, {"XTRIM", "s", "LIMIT", "1"},
		{"XTRIM", "s", "MAXLEN", "1", "LIMIT", "1"}, {"XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "1"}, {"XTRIM", "nope", "MAXLEN", "1"},
		{"XTRIM", "str", "MAXLEN", "1"}, {"XTRIM", "s", "MAXLEN", "1", "MINID", "1"}, {"XTRIM", "s", "MINID", "+"},
		{"XTRIM", "s", "MAXLEN", "1"}, {"XRANGE", "s", "-", "+"}, {"XTRIM", "s", "MINID", "100"}, {"XLEN", "s"}, {"EXISTS", "s"},
		{"XINFO", "STREAM", "s"}, {"XADD", "s", "24-1", "a", "1"}, {"XADD", "s", "24-2", "a", "1"},
		// XSETID.
		{"XSETID", "s", "30-0"}, {"XADD", "s", "29-0", "a", "1"}, {"XADD", "s", "30-*", "a", "1"}, {"XSETID", "s", "1-0"},
		{"XSETID", "nope", "1-0"}, {"XSETID", "str", "1-0"}, {"XSETID", "s", "x"}, {"XSETID", "s", "40-0", "ENTRIESADDED", "-1"},
		{"XSETID", "s", "40-0", "ENTRIESADDED", "1"}, {"XSETID", "s", "40-0", "ENTRIESADDED", "x"}, {"XSETID", "s", "40-0", "MAXDELETEDID", "41-0"},
		{"XSETID", "s", "40-0", "MAXDELETEDID", "x"}, {"XSETID", "s", "40-0", "FOO", "1"}, {"XSETID", "s", "40-0", "ENTRIESADDED"},
		{"XSETID", "s", "40-0", "ENTRIESADDED", "100", "MAXDELETEDID", "39-0"}, {"XINFO", "STREAM", "s"}, {"XSETID", "s", "35-0"},
		{"XSETID", "s", "+"}, {"XSETID", "s", "18446744073709551615-18446744073709551615"}, {"XADD", "s", "*", "a", "1"},
		{"XADD", "s", "18446744073709551615-*", "a", "1"},
		// XREAD without blocking (and BLOCK inside MULTI answers at once).
		{"DEL", "s"}, {"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "2-1", "b", "2"}, {"XADD", "t", "5-1", "c", "3"},
		{"XREAD", "STREAMS", "s", "0"}, {"XREAD", "STREAMS", "s", "t", "0", "0"}, {"XREAD", "COUNT", "1", "STREAMS", "s", "t", "1-1", "0-0"},
		{"XREAD", "STREAMS", "s", "t", "$", "$"}, {"XREAD", "STREAMS", "s", "2-1"}, {"XREAD", "STREAMS", "nope", "0"},
		{"XREAD", "STREAMS", "s", "t", "0"}, {"XREAD", "STREAMS", "s"}, {"XREAD", "COUNT", "x", "STREAMS", "s", "0"},
		{"XREAD", "COUNT", "-1", "STREAMS", "s", "0"}, {"XREAD", "BLOCK", "x", "STREAMS", "s", "0"}, {"XREAD", "BLOCK", "-1", "STREAMS", "s", "0"},
		{"XREAD", "FOO", "STREAMS", "s", "0"}, {"XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"}, {"XREAD", "NOACK", "STREAMS", "s", "0"},
		{"XREAD", "STREAMS", "s", ">"}, {"XREAD", "STREAMS", "s", "x"}, {"XREAD", "STREAMS", "str", "0"}, {"XREAD", "STREAMS", "s", "str", "0", "x"},
		{"XREAD", "COUNT", "1"}, {"XREAD", "STREAMS", "s", "-"}, {"XREAD", "STREAMS", "s", "+"},
		{"XREAD", "BLOCK", "0", "STREAMS", "s", "0"}, {"XREAD", "BLOCK", "100000", "COUNT", "1", "STREAMS", "s", "0"},
		// XINFO.
		{"XINFO", "STREAM", "s"}, {"XINFO", "STREAM", "s", "FULL"}, {"XINFO", "STREAM", "s", "FULL", "COUNT", "1"},
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, {"XINFO", "STREAM", "s", "FULL", "COUNT", "-1"}, {"XINFO", "STREAM", "s", "FULL", "COUNT", "x"},
		{"XINFO", "STREAM", "s", "FOO"}, {"XINFO", "STREAM", "s", "FULL", "FOO", "1"}, {"XINFO", "STREAM", "s", "FULL", "COUNT"},
		{"XINFO", "STREAM", "nope"}, {"XINFO", "STREAM", "nope", "FOO"}, {"XINFO", "STREAM", "str"}, {"XINFO", "STREAM"},
		{"XINFO", "FOO", "s"}, {"XINFO", "HELP"}, {"XINFO", "help", "x"}, {"XINFO"},
		{"XDEL", "s", "1-1", "2-1"}, {"XINFO", "STREAM", "s"}, {"XINFO", "STREAM", "s", "FULL"},
	}
	// Node boundaries: 250 entries make three nodes; "~" trims remove
	// whole nodes only, and LIMIT stops before a node that would pass it.
	for i := 1; i <= 250; i++ {
		cases = append(cases, []string{"XADD", "big", strconv.Itoa(i) + "-1", "f", strconv.Itoa(i)})
	}
	cases = append(cases,
		[][]string{{"XINFO", "STREAM", "big"}, {"XTRIM", "big", "MAXLEN", "~", "180"}, {"XLEN", "big"},
			{"XTRIM", "big", "MAXLEN", "~", "10", "LIMIT", "99"}, {"XLEN", "big"}, {"XTRIM", "big", "MAXLEN", "~", "10", "LIMIT", "100"},
			{"XLEN", "big"}, {"XINFO", "STREAM", "big"}, {"XADD", "big", "MINID", "~", "230", "300-1", "f", "v"}, {"XLEN", "big"},
			{"XTRIM", "big", "MINID", "230"}, {"XLEN", "big"}, {"XINFO", "STREAM", "big"}, {"XRANGE", "big", "-", "+", "COUNT", "3"}}...)
	// Long values fill nodes by bytes before they reach 100 entries.
	for i := 1; i <= 12; i++ {
		cases = append(cases, []string{"XADD", "wide", strconv.Itoa(i) + "-0", "f", strings.Repeat("x", 900+i)})
	}
	cases = append(cases, []string{"XINFO", "STREAM", "wide"}, []string{"XTRIM", "wide", "MAXLEN", "~", "5"},
		[]string{"XLEN", "wide"}, []string{"XINFO", "STREAM", "wide"})
	// Deleting every entry of a middle node removes it; the empty stream
	// stays.
	for i := 1; i <= 100; i++ {
		cases = append(cases, []string{"XDEL", "big", strconv.Itoa(i+150) + "-1"})
	}
	// DUMP payloads are redis-server's byte for byte; RESTORE keeps the
	// nodes as they were written.
	cases = append(cases, []string{"DUMP", "big"}, []string{"DUMP", "wide"}, []string{"DUMP", "s"},
		[]string{"RESTORE", "big2", "0", RedisPayload("x")}, []string{"XINFO", "STREAM", "big2", "FULL"},
		[]string{"XADD", "big2", "3-0", "f", "v"}, []string{"XLEN", "big2"}, []string{"DUMP", "big2"},
		[]string{"RESTORE", "big2", "0", RedisPayload("x")}, []string{"RESTORE", "big2", "0", RedisPayload("x"), "REPLACE"},
		[]string{"XRANGE", "big2", "-", "+"})
	cases = append(cases, []string{"XINFO", "STREAM", "big"}, []string{"XTRIM", "big", "MAXLEN", "0"},
		[]string{"XINFO", "STREAM", "big", "FULL"}, []string{"XLEN", "big"}, []string{"TYPE", "big"})
	return cases
}

// GroupMixCommand returns a random command of a stream with several groups
// (g1, g2, g3) and consumers (c1 to c4), richer in group commands than
// GroupCommand: reads of new and pending entries (of one or two streams,
// with COUNT and NOACK), acks, claims with every option, XAUTOCLAIM,
// XPENDING in both forms, XINFO STREAM FULL, GROUPS and CONSUMERS, and
// the writes that change what the groups see (XADD, XDEL, XTRIM, XGROUP).
// Times that decide a result are far from any idle time a run reaches
// (min-idle and XPENDING's IDLE are 0 or 1,000,000,000 ms; XCLAIM's IDLE is
// 2,000,000,000 ms and its TIME a fixed past), so that two servers whose
// clocks differ by a millisecond agree; the times in the replies are
// compared by the test (see GroupTimeFields).
func (w *Gen) GroupMixCommand() []string {
	k := w.key()
	g := []string{"g1", "g2", "g3"}[w.r.IntN(3)]
	c := []string{"c1", "c2", "c3", "c4"}[w.r.IntN(4)]
	minIdle := []string{"0", "0", "1000000000"}[w.r.IntN(3)]
	ids := func() []string {
		out := []string{w.streamID()}
		for w.r.IntN(2) == 0 {
			out = append(out, w.streamID())
		}
		return out
	}
	switch w.r.IntN(24) {
	case 0, 1, 2, 3:
		return []string{"XADD", k, strconv.Itoa(w.r.IntN(40)) + "-*", "f", w.str()}
	case 4:
		return []string{"XDEL", k, w.streamID()}
	case 5:
		return []string{"XTRIM", k, "MAXLEN", strconv.Itoa(w.r.IntN(8))}
	case 6:
		start := []string{"0", "$", w.streamID()}[w.r.IntN(3)]
		if w.r.IntN(2) == 0 {
			return []string{"XGROUP", "CREATE", k, g, start, "MKSTREAM"}
		}
		return []string{"XGROUP", "SETID", k, g, start}
	case 7:
		return []string{"XGROUP", []string{"CREATECONSUMER", "DELCONSUMER", "CREATECONSUMER"}[w.r.IntN(3)], k, g, c}
	case 8:
		if w.r.IntN(4) == 0 {
			return []string{"XGROUP", "DESTROY", k, g}
		}
		return []string{"XINFO", "GROUPS", k}
	case 9, 10, 11, 12:
		cmd := []string{"XREADGROUP", "GROUP", g, c}
		if w.r.IntN(3) != 0 {
			cmd = append(cmd, "COUNT", strconv.Itoa(1+w.r.IntN(4)))
		}
		if w.r.IntN(6) == 0 {
			cmd = append(cmd, "NOACK")
		}
		id := func() string { return []string{">", ">", "0", w.streamID()}[w.r.IntN(4)] }
		if w.r.IntN(4) == 0 {
			return append(cmd, "STREAMS", k, w.key(), id(), id())
		}
		return append(cmd, "STREAMS", k, id())
	case 13, 14:
		return append([]string{"XACK", k, g}, ids()...)
	case 15, 16:
		cmd := append([]string{"XCLAIM", k, g, c, minIdle}, ids()...)
		for _, opt := range [][]string{{"IDLE", "2000000000"}, {"TIME", "1000"}, {"RETRYCOUNT", strconv.Itoa(w.r.IntN(5))},
			{"FORCE"}, {"JUSTID"}, {"LASTID", w.streamID()}} {
			if w.r.IntN(5) == 0 {
				cmd = append(cmd, opt...)
			}
		}
		return cmd
	case 17, 18:
		cmd := []string{"XAUTOCLAIM", k, g, c, minIdle, []string{"0", "0", w.streamID()}[w.r.IntN(3)], "COUNT", strconv.Itoa(1 + w.r.IntN(5))}
		if w.r.IntN(3) == 0 {
			cmd = append(cmd, "JUSTID")
		}
		return cmd
	case 19:
		return []string{"XPENDING", k, g}
	case 20:
		cmd := []string{"XPENDING", k, g}
		if w.r.IntN(3) == 0 {
			cmd = append(cmd, "IDLE", minIdle)
		}
		cmd = append(cmd, "-", "+", strconv.Itoa(w.r.IntN(8)))
		if w.r.IntN(2) == 0 {
			cmd = append(cmd, c)
		}
		return cmd
	case 21:
		return []string{"XINFO", "CONSUMERS", k, g}
	}
	if w.r.IntN(3) == 0 {
		return []string{"XINFO", "STREAM", k, "FULL", "COUNT", strconv.Itoa(w.r.IntN(4))}
	}
	return []string{"XINFO", "STREAM", k, "FULL"}
}
