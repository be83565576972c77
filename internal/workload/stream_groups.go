package workload

import (
	"strconv"
	"strings"
	"time"
)

// Consumer groups: hand-written cases for XGROUP, XREADGROUP, XACK,
// XPENDING, XCLAIM, XAUTOCLAIM and XINFO GROUPS/CONSUMERS/STREAM FULL, and
// random group commands. Times differ between two servers: the
// differential tests compare idle times and recent delivery and seen times
// through NormalizeStreamTimes; cases that test time set it with XCLAIM's
// TIME (a fixed past time) and IDLE.

func init() {
	Register("groups", (*Gen).GroupCommand)
	RegisterCases("groups", GroupCases)
}

// groupName returns one of a few group names.
func (w *Gen) groupName() string { return []string{"g1", "g2", "nog"}[w.r.IntN(3)] }

// consumerName returns one of a few consumer names.
func (w *Gen) consumerName() string { return []string{"c1", "c2", "c3"}[w.r.IntN(3)] }

// GroupCommand returns a random consumer-group command.
func (w *Gen) GroupCommand() []string {
	k := w.key()
	g := w.groupName()
	switch w.r.IntN(16) {
	case 0, 1:
		return []string{"XADD", k, w.streamID(), "f", w.str()}
	case 2:
		cmd := []string{"XGROUP", "CREATE", k, g, []string{"0", "$", w.streamID()}[w.r.IntN(3)]}
		if w.r.IntN(2) == 0 {
			cmd = append(cmd, "MKSTREAM")
		}
		return cmd
	case 3:
		return []string{"XGROUP", "SETID", k, g, []string{"0", "$", w.streamID()}[w.r.IntN(3)]}
	case 4:
		return []string{"XGROUP", []string{"CREATECONSUMER", "DELCONSUMER"}[w.r.IntN(2)], k, g, w.consumerName()}
	case 5:
		return []string{"XGROUP", "DESTROY", k, g}
	case 6, 7, 8:
		cmd := []string{"XREADGROUP", "GROUP", g, w.consumerName(), "COUNT", strconv.Itoa(w.r.IntN(3))}
		if w.r.IntN(4) == 0 {
			cmd = append(cmd, "NOACK")
		}
		id := ">"
		if w.r.IntN(3) == 0 {
			id = w.streamID()
		}
		return append(cmd, "STREAMS", k, id)
	case 9, 10:
		return []string{"XACK", k, g, w.streamID(), w.streamID()}
	case 11:
		return []string{"XPENDING", k, g}
	case 12:
		return []string{"XPENDING", k, g, "-", "+", strconv.Itoa(w.r.IntN(5)), w.consumerName()}
	case 13:
		cmd := []string{"XCLAIM", k, g, w.consumerName(), "0", w.streamID(), w.streamID()}
		if w.r.IntN(3) == 0 {
			cmd = append(cmd, "FORCE")
		}
		if w.r.IntN(3) == 0 {
			cmd = append(cmd, "JUSTID")
		}
		return cmd
	case 14:
		return []string{"XAUTOCLAIM", k, g, w.consumerName(), "0", w.streamID(), "COUNT", strconv.Itoa(1 + w.r.IntN(3))}
	}
	return []string{"XINFO", []string{"GROUPS", "STREAM"}[w.r.IntN(2)], k}
}

// GroupCases returns the cases of the consumer-group commands.
func GroupCases() [][]string {
	cases := [][]string{
		// XGROUP CREATE: $, IDs, MKSTREAM, ENTRIESREAD, errors in Redis's order.
		{"XADD", "s", "1-1", "a", "1"}, {"XADD", "s", "2-1", "b", "2"}, {"XADD", "s", "3-1", "c", "3"},
		{"XGROUP", "CREATE", "s", "g", "0"}, {"XGROUP", "CREATE", "s", "g2", "$"}, {"XGROUP", "CREATE", "s", "g3", "1-1"},
		{"XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "5"}, {"XGROUP", "CREATE", "s", "g5", "0", "entriesread", "-2"},
		{"XGROUP", "CREATE", "s", "g5", "0", "ENTRIESREAD", "x"}, {"XGROUP", "CREATE", "s", "g5", "0", "ENTRIESREAD", "-1"},
		{"XGROUP", "CREATE", "s", "g", "0"}, {"XGROUP", "CREATE", "nokey", "g", "0"}, {"XGROUP", "CREATE", "s", "gx", "x"},
		{"XGROUP", "CREATE", "s", "gx", "+"}, {"XGROUP", "CREATE", "s", "gx", "-"}, {"XGROUP", "CREATE", "s", "gx", "0", "MKSTREAM", "x"},
		{"XGROUP", "CREATE", "s", "gx", "0", "ENTRIESREAD"}, {"XGROUP", "CREATE", "s"}, {"XGROUP", "CREATE", "s", "g"},
		{"XGROUP", "CREATE", "q", "g", "$", "MKSTREAM"}, {"EXISTS", "q"}, {"TYPE", "q"}, {"XINFO", "STREAM", "q", "FULL"},
		{"XGROUP", "CREATE", "q2", "g", "5-5", "mkstream", "ENTRIESREAD", "3"}, {"XINFO", "GROUPS", "q2"},
		{"XGROUP", "CREATE", "s", "gm", "0", "MKSTREAM", "ENTRIESREAD", "1", "MKSTREAM"},
		{"SET", "str", "x"}, {"XGROUP", "CREATE", "str", "g", "0"}, {"XGROUP", "CREATE", "str", "g", "0", "MKSTREAM"},
		{"XINFO", "GROUPS", "s"}, {"XINFO", "STREAM", "s"},
		// XGROUP SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP.
		{"XGROUP", "SETID", "nokey", "g", "0"}, {"XGROUP", "SETID", "s", "nog", "0"}, {"XGROUP", "SETID", "s", "g3", "-"},
		{"XGROUP", "SETID", "s", "g3", "x"}, {"XGROUP", "SETID", "s", "g3", "2-1", "ENTRIESREAD", "2"}, {"XGROUP", "SETID", "s", "g3", "0", "ENTRIESREAD"},
		{"XGROUP", "SETID", "s", "g3", "0", "MKSTREAM"}, {"XGROUP", "SETID", "s", "g3", "0", "ENTRIESREAD", "1", "ENTRIESREAD", "2"},
		{"XGROUP", "SETID", "s", "g4", "$"}, {"XINFO", "GROUPS", "s"}, {"XGROUP", "SETID", "str", "g", "0"},
		{"XGROUP", "DESTROY", "s", "g5"}, {"XGROUP", "DESTROY", "s", "g5"}, {"XGROUP", "DESTROY", "nokey", "g"}, {"XGROUP", "DESTROY", "s"},
		{"XGROUP", "DESTROY", "s", "g", "x"}, {"XGROUP", "CREATECONSUMER", "s", "g", "c1"}, {"XGROUP", "CREATECONSUMER", "s", "g", "c1"},
		{"XGROUP", "CREATECONSUMER", "s", "nog", "c1"}, {"XGROUP", "CREATECONSUMER", "nokey", "g", "c1"}, {"XGROUP", "CREATECONSUMER", "s", "g"},
		{"XGROUP", "DELCONSUMER", "s", "g", "nobody"}, {"XGROUP", "DELCONSUMER", "s", "nog", "c"}, {"XGROUP", "DELCONSUMER", "str", "g", "c"},
		{"XGROUP", "HELP"}, {"XGROUP", "help", "x"}, {"XGROUP", "FOO"}, {"XGROUP", "FOO", "s", "g", "0"}, {"XGROUP"},
		// XREADGROUP: ">", history, COUNT, NOACK, errors.
		{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">"}, {"XINFO", "GROUPS", "s"},
		{"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0"}, {"XREADGROUP", "GROUP", "g", "c2", "NOACK", "STREAMS", "s", ">"},
		{"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"}, {"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"},
		{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "1-1"}, {"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", "0"},
		{"XDEL", "s", "2-1"}, {"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"},
		{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "18446744073709551615-18446744073709551615"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">", ">"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"}, {"XREADGROUP", "STREAMS", "s", ">", "x", "y"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"}, {"XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "-"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"}, {"XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "s", "0"},
		{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "-1", "STREAMS", "s", ">"}, {"XREADGROUP", "GROUP", "g", "c", "BLOCK", "x", "STREAMS", "s", ">"},
		{"XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">"}, {"XREADGROUP", "GROUP", "g", "STREAMS", "s", ">"},
		{"XREADGROUP", "COUNT", "1", "STREAMS", "s", ">", "x"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "str", ">", ">"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "q", ">", ">"},
		{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "0"},
		{"XREADGROUP", "GROUP", "g", "c", "COUNT", "-5", "STREAMS", "s", "0"},
		{"XADD", "s", "4-1", "d", "4"}, {"XADD", "q", "1-1", "e", "5"},
		{"XREADGROUP", "GROUP", "g", "c3", "STREAMS", "s", "q", ">", ">"}, {"XINFO", "GROUPS", "s"}, {"XINFO", "GROUPS", "q"},
		// XPENDING: the summary, the extended form, IDLE, consumer, errors.
		{"XPENDING", "s", "g"}, {"XPENDING", "s", "g", "-", "+", "10"}, {"XPENDING", "s", "g", "-", "+", "10", "c1"},
		{"XPENDING", "s", "g", "-", "+", "10", "nobody"}, {"XPENDING", "s", "g", "(1-1", "+", "1"}, {"XPENDING", "s", "g", "-", "(4-1", "10"},
		{"XPENDING", "s", "g", "-", "+", "0"}, {"XPENDING", "s", "g", "-", "+", "-1"}, {"XPENDING", "s", "g", "IDLE", "0", "-", "+", "10"},
		{"XPENDING", "s", "g", "IDLE", "100000000", "-", "+", "10"}, {"XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"},
		{"XPENDING", "s", "g", "IDLE", "5", "-", "+"}, {"XPENDING", "s", "g", "-", "+"}, {"XPENDING", "s", "g", "-", "+", "x"},
		{"XPENDING", "s", "g", "x", "+", "1"}, {"XPENDING", "s", "g", "(", "+", "1"}, {"XPENDING", "s", "g", "-", "+", "1", "c1", "extra1", "extra2"},
		{"XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", "1"}, {"XPENDING", "s", "g", "-", "(0-0", "1"},
		{"XPENDING", "s", "nog"}, {"XPENDING", "nokey", "g"}, {"XPENDING", "str", "g"}, {"XPENDING", "s"},
		{"XPENDING", "s", "g", "-"}, {"XPENDING", "s", "g", "-", "+", "1", "c", "d", "e", "f"}, {"XPENDING", "nokey", "g", "x", "+", "1"},
		{"XPENDING", "s", "g2"}, {"XPENDING", "s", "g2", "-", "+", "5"},
		// XACK.
		{"XACK", "s", "g", "1-1", "1-1"}, {"XACK", "s", "g", "1-1"}, {"XACK", "s", "g", "x"}, {"XACK", "s", "g", "3-1", "x"},
		{"XACK", "nokey", "g", "x"}, {"XACK", "s", "nog", "x"}, {"XACK", "str", "g", "1"}, {"XACK", "s", "g"}, {"XACK", "s", "g", "+"},
		{"XPENDING", "s", "g"},
		// XCLAIM: min-idle, deleted entries purged, FORCE, JUSTID,
		// RETRYCOUNT, TIME, IDLE, LASTID, errors.
		{"XADD", "s", "5-1", "e", "5"}, {"XADD", "s", "6-1", "f", "6"},
		{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"}, {"XDEL", "s", "5-1"},
		{"XCLAIM", "s", "g", "c3", "1000000", "4-1", "5-1"}, {"XPENDING", "s", "g"}, {"XPENDING", "s", "g", "-", "+", "10"},
		{"XCLAIM", "s", "g", "c3", "0", "4-1", "TIME", "1000", "RETRYCOUNT", "7"}, {"XINFO", "STREAM", "s", "FULL"},
		{"XCLAIM", "s", "g", "c3", "1000000", "4-1", "6-1"}, {"XCLAIM", "s", "g", "c2", "0", "1-1", "3-1", "6-1", "FORCE", "JUSTID"},
		{"XCLAIM", "s", "g", "c2", "0", "3-1", "FORCE"}, {"XCLAIM", "s", "g", "c4", "0", "9-9", "FORCE"}, {"XPENDING", "s", "g", "-", "+", "10"},
		{"XCLAIM", "s", "g", "c4", "0", "1-1", "IDLE", "500000000"}, {"XPENDING", "s", "g", "IDLE", "400000000", "-", "+", "10"},
		{"XCLAIM", "s", "g", "c4", "0", "1-1", "TIME", "99999999999999"}, {"XCLAIM", "s", "g", "c4", "0", "1-1", "TIME", "-5"},
		{"XCLAIM", "s", "g", "c4", "0", "1-1", "RETRYCOUNT", "-3"}, {"XCLAIM", "s", "g", "c4", "0", "1-1", "LASTID", "100-0"},
		{"XINFO", "GROUPS", "s"}, {"XCLAIM", "s", "g", "c4", "0", "1-1", "LASTID", "1-0", "JUSTID"}, {"XINFO", "GROUPS", "s"},
		{"XCLAIM", "s", "g", "c4", "-5", "1-1", "JUSTID"}, {"XCLAIM", "s", "nog", "c", "0", "1-1"}, {"XCLAIM", "nokey", "g", "c", "0", "1-1"},
		{"XCLAIM", "nokey", "g", "c", "x", "1-1"}, {"XCLAIM", "s", "g", "c", "x", "1-1"}, {"XCLAIM", "s", "g", "c", "0", "1-1", "IDLE", "x"},
		{"XCLAIM", "s", "g", "c", "0", "1-1", "TIME", "x"}, {"XCLAIM", "s", "g", "c", "0", "1-1", "RETRYCOUNT", "x"},
		{"XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "x"}, {"XCLAIM", "s", "g", "c", "0", "+"}, {"XCLAIM", "s", "g", "c", "0", "1-1", "IDLE"},
		{"XCLAIM", "s", "g", "c", "0", "1-1", "FOO"}, {"XCLAIM", "s", "g", "c", "0"}, {"XCLAIM", "str", "g", "c", "0", "1"},
		{"XCLAIM", "s", "g", "c", "0", "1-1", "x", "FORCE"}, {"XCLAIM", "s", "g", "c5", "0", "1", "3", "JUSTID"},
		{"XPENDING", "s", "g"}, {"XINFO", "CONSUMERS", "s", "g"},
		// XAUTOCLAIM: cursor, COUNT, deleted entries reported and purged, JUSTID, errors.
		{"XAUTOCLAIM", "s", "g", "c6", "0", "0"}, {"XAUTOCLAIM", "s", "g", "c6", "0", "0", "COUNT", "1"},
		{"XAUTOCLAIM", "s", "g", "c6", "0", "(1-1", "COUNT", "1", "JUSTID"}, {"XDEL", "s", "3-1"},
		{"XAUTOCLAIM", "s", "g", "c7", "0", "0", "JUSTID"}, {"XAUTOCLAIM", "s", "g", "c7", "100000000", "0"},
		{"XCLAIM", "s", "g", "c1", "0", "1-1", "TIME", "1000"}, {"XAUTOCLAIM", "s", "g", "c8", "100000000", "0", "COUNT", "5"},
		{"XAUTOCLAIM", "s", "g", "c", "x", "0"}, {"XAUTOCLAIM", "s", "g", "c", "0", "x"}, {"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"},
		{"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "576460752303423487"}, {"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "576460752303423488"},
		{"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "-1"}, {"XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT"},
		{"XAUTOCLAIM", "s", "nog", "c", "0", "0"}, {"XAUTOCLAIM", "s", "nog", "c", "0", "0", "FOO"}, {"XAUTOCLAIM", "nokey", "g", "c", "0", "0"},
		{"XAUTOCLAIM", "s", "g", "c", "0", "(18446744073709551615-18446744073709551615"}, {"XAUTOCLAIM", "str", "g", "c", "0", "0"},
		{"XAUTOCLAIM", "s", "g", "c", "0"}, {"XPENDING", "s", "g"},
		// XINFO GROUPS, CONSUMERS, STREAM FULL.
		{"XINFO", "GROUPS", "s"}, {"XINFO", "GROUPS", "nokey"}, {"XINFO", "GROUPS", "str"}, {"XINFO", "GROUPS", "s", "x"}, {"XINFO", "GROUPS"},
		{"XINFO", "CONSUMERS", "s", "g"}, {"XINFO", "CONSUMERS", "s", "nog"}, {"XINFO", "CONSUMERS", "nokey", "g"}, {"XINFO", "CONSUMERS", "s"},
		{"XINFO", "CONSUMERS", "str", "g"}, {"XINFO", "STREAM", "s", "FULL"}, {"XINFO", "STREAM", "s", "FULL", "COUNT", "1"},
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, {"XINFO", "STREAM", "s"},
		// Lag and entries-read through deletions, trims and SETID.
		{"XADD", "l", "1-0", "a", "1"}, {"XADD", "l", "2-0", "a", "1"}, {"XADD", "l", "3-0", "a", "1"}, {"XADD", "l", "4-0", "a", "1"},
		{"XGROUP", "CREATE", "l", "a", "0"}, {"XGROUP", "CREATE", "l", "b", "0"}, {"XGROUP", "CREATE", "l", "c", "$"},
		{"XREADGROUP", "GROUP", "a", "x", "COUNT", "1", "STREAMS", "l", ">"}, {"XINFO", "GROUPS", "l"}, {"XDEL", "l", "3-0"},
		{"XINFO", "GROUPS", "l"}, {"XREADGROUP", "GROUP", "a", "x", "COUNT", "1", "STREAMS", "l", ">"}, {"XINFO", "GROUPS", "l"},
		{"XREADGROUP", "GROUP", "a", "x", "STREAMS", "l", ">"}, {"XINFO", "GROUPS", "l"}, {"XTRIM", "l", "MAXLEN", "1"},
		{"XINFO", "GROUPS", "l"}, {"XADD", "l", "5-0", "a", "1"}, {"XINFO", "GROUPS", "l"}, {"XDEL", "l", "1-0"}, {"XDEL", "l", "4-0"},
		{"XINFO", "GROUPS", "l"}, {"XGROUP", "SETID", "l", "b", "2-0"}, {"XINFO", "GROUPS", "l"}, {"XSETID", "l", "9-0", "ENTRIESADDED", "20"},
		{"XINFO", "GROUPS", "l"}, {"XREADGROUP", "GROUP", "b", "y", "STREAMS", "l", ">"}, {"XINFO", "GROUPS", "l"},
		{"XINFO", "STREAM", "l", "FULL"}, {"DEL", "l"}, {"XGROUP", "CREATE", "l", "a", "$", "MKSTREAM"}, {"XINFO", "GROUPS", "l"},
		{"XADD", "l", "1-0", "a", "1"}, {"XINFO", "GROUPS", "l"},
		// XGROUP DELCONSUMER with entries pending, DESTROY with a PEL.
		{"XGROUP", "DELCONSUMER", "s", "g", "c8"}, {"XPENDING", "s", "g"}, {"XGROUP", "DELCONSUMER", "s", "g", "c8"},
		{"XGROUP", "DESTROY", "s", "g"}, {"XINFO", "GROUPS", "s"}, {"XINFO", "STREAM", "s"},
		// Groups in DUMP payloads, and RESTORE of them.
		{"DEL", "d"}, {"XADD", "d", "1-1", "a", "1"}, {"XADD", "d", "2-1", "b", "2"}, {"XGROUP", "CREATE", "d", "g", "0"},
		{"XGROUP", "CREATE", "d", "h", "$"}, {"XCLAIM", "d", "g", "alice", "0", "1-1", "FORCE", "TIME", "1000", "RETRYCOUNT", "3"},
		{"XCLAIM", "d", "g", "bob", "0", "2-1", "FORCE", "TIME", "2000"}, {"XGROUP", "SETID", "d", "g", "2-1", "ENTRIESREAD", "2"},
		{"XINFO", "STREAM", "d", "FULL"},
		// A stream with groups from redis-server's DUMP: RESTORE keeps its
		// PELs, delivery times and counts, consumers and seen-times.
		{"RESTORE", "sg", "0", RedisPayload("sg")}, {"XINFO", "STREAM", "sg", "FULL"}, {"XINFO", "GROUPS", "sg"},
		{"XPENDING", "sg", "g"}, {"XREADGROUP", "GROUP", "g", "alice", "STREAMS", "sg", "0"}, {"XPENDING", "sg", "g", "-", "+", "10"},
	}
	// A PEL of many entries: XPENDING's range, XAUTOCLAIM's cursor and its
	// ten-attempts-a-count limit.
	for i := 1; i <= 60; i++ {
		cases = append(cases, []string{"XADD", "m", strconv.Itoa(i) + "-0", "f", strconv.Itoa(i)})
	}
	cases = append(cases, []string{"XGROUP", "CREATE", "m", "g", "0"},
		[]string{"XREADGROUP", "GROUP", "g", "a", "COUNT", "30", "STREAMS", "m", ">"},
		[]string{"XREADGROUP", "GROUP", "g", "b", "STREAMS", "m", ">"},
		[]string{"XCLAIM", "m", "g", "a", "0", "10-0", "20-0", "30-0", "TIME", "1000"},
		[]string{"XAUTOCLAIM", "m", "g", "z", "100000000", "0", "COUNT", "1"},
		[]string{"XAUTOCLAIM", "m", "g", "z", "100000000", "0", "COUNT", "2"},
		[]string{"XAUTOCLAIM", "m", "g", "z", "100000000", "25-0", "COUNT", "2", "JUSTID"},
		[]string{"XPENDING", "m", "g"}, []string{"XPENDING", "m", "g", "25", "35", "100"},
		[]string{"XPENDING", "m", "g", "-", "+", "5", "b"}, []string{"XDEL", "m", "40-0", "41-0", "42-0"},
		[]string{"XAUTOCLAIM", "m", "g", "y", "0", "39-0", "COUNT", "2"}, []string{"XINFO", "STREAM", "m", "FULL", "COUNT", "3"},
		[]string{"XINFO", "CONSUMERS", "m", "g"}, []string{"XGROUP", "DELCONSUMER", "m", "g", "b"}, []string{"XPENDING", "m", "g"},
		[]string{"XACK", "m", "g", strings.Repeat("1", 3), "1-0", "2-0", "3", "45-0"}, []string{"XPENDING", "m", "g"})
	return cases
}

// NormalizeGroupTimes makes the replies of the consumer-group commands
// comparable between two servers with their own clocks: idle times
// (XPENDING's extended form, XINFO CONSUMERS) become "idle", and delivery
// and seen times within a day of now (XINFO STREAM FULL) become "recent";
// fixed times set with XCLAIM's TIME stay as they are. The fields are
// GroupTimeFields' (a test that fixes one side's clock compares them
// closer: see the root package's TestRedisDiffGroupTimes).
func NormalizeGroupTimes(args []string, v any) any {
	for _, f := range GroupTimeFields(args, v) {
		if f.Idle {
			f.Set("idle")
		} else {
			f.Set(recent(f.Value))
		}
	}
	return v
}

// TimeField is a field of a reply that holds a time: an idle time in ms
// (Idle) or a Unix time in ms; Set replaces it in the reply.
type TimeField struct {
	Idle  bool
	Value any
	Set   func(any)
}

// GroupTimeFields returns the time fields of a consumer-group command's
// reply v, in reply order: XPENDING's extended form's idle times, XINFO
// CONSUMERS' idle times, and XINFO STREAM FULL's delivery times (of the
// groups' and the consumers' PELs) and seen-times.
func GroupTimeFields(args []string, v any) []TimeField {
	if len(args) < 2 {
		return nil
	}
	var out []TimeField
	at := func(arr []any, i int, idle bool) {
		out = append(out, TimeField{Idle: idle, Value: arr[i], Set: func(x any) { arr[i] = x }})
	}
	// field adds field name of a map reply.
	field := func(m any, name string, idle bool) {
		replaceField(m, name, func(x any) any {
			// replaceField's callback runs in place: record a setter that
			// calls it again.
			out = append(out, TimeField{Idle: idle, Value: x, Set: func(y any) { replaceField(m, name, func(any) any { return y }) }})
			return x
		})
	}
	// each adds element i of every array in arr.
	each := func(arr any, i int) {
		a, _ := arr.([]any)
		for _, e := range a {
			if p, ok := e.([]any); ok && len(p) > i {
				at(p, i, false)
			}
		}
	}
	switch strings.ToUpper(args[0]) {
	case "XPENDING":
		if len(args) == 3 {
			return nil
		}
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				if p, ok := e.([]any); ok && len(p) == 4 {
					at(p, 2, true)
				}
			}
		}
	case "XINFO":
		switch strings.ToUpper(args[1]) {
		case "CONSUMERS":
			if arr, ok := v.([]any); ok {
				for _, c := range arr {
					field(c, "idle", true)
				}
			}
		case "STREAM":
			replaceField(v, "groups", func(gs any) any {
				arr, _ := gs.([]any)
				for _, g := range arr {
					replaceField(g, "pending", func(p any) any { each(p, 2); return p })
					replaceField(g, "consumers", func(cs any) any {
						carr, _ := cs.([]any)
						for _, c := range carr {
							field(c, "seen-time", false)
							replaceField(c, "pending", func(p any) any { each(p, 1); return p })
						}
						return cs
					})
				}
				return gs
			})
		}
	}
	return out
}

// replaceField replaces the value of field name in a map reply (RESP2's
// array of names and values, or a map).
func replaceField(v any, name string, f func(any) any) {
	switch m := v.(type) {
	case []any:
		for i := 0; i+1 < len(m); i += 2 {
			if s, ok := m[i].(string); ok && s == name {
				m[i+1] = f(m[i+1])
			}
		}
	case map[any]any:
		if x, ok := m[name]; ok {
			m[name] = f(x)
		}
	case map[string]any:
		if x, ok := m[name]; ok {
			m[name] = f(x)
		}
	}
}

// recent replaces a Unix-ms time within a day of now with "recent".
func recent(v any) any {
	if n, ok := v.(int64); ok {
		if d := time.Now().UnixMilli() - n; d > -86400000 && d < 86400000 {
			return "recent"
		}
	}
	return v
}
