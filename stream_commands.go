package embedis

import (
	"strings"

	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/internal/stream"
)

// Handlers of the stream commands: argument parsing (in Redis's order, so
// that the same bad command fails the same way) and reply writing around
// the Tx methods of stream.go and stream_blocking.go.

func init() {
	w, r, fast := "write", "readonly", "fast"
	register(
		&Command{Name: "xadd", Arity: -5, Flags: []string{w, "denyoom", fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXAdd},
		&Command{Name: "xlen", Arity: 2, Flags: []string{r, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXLen},
		&Command{Name: "xrange", Arity: -4, Flags: []string{r}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXRange},
		&Command{Name: "xrevrange", Arity: -4, Flags: []string{r}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXRange},
		&Command{Name: "xdel", Arity: -3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXDel},
		&Command{Name: "xtrim", Arity: -4, Flags: []string{w}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXTrim},
		// XREAD's keys follow STREAMS: Redis reports 0 0 0 and movablekeys.
		&Command{Name: "xread", Arity: -4, Flags: []string{r, "blocking", "movablekeys"}, run: cmdXRead},
		&Command{Name: "xsetid", Arity: -3, Flags: []string{w, "denyoom", fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXSetID},
		&Command{Name: "xinfo", Arity: -2, run: cmdXInfo},
	)
}

// writeXMessage writes one entry: [id, [field, value, …]].
func writeXMessage(w ReplyWriter, m XMessage) {
	w.WriteArrayLen(2)
	w.WriteBulk(m.ID)
	writeStrings(w, m.Values)
}

func writeXMessages(w ReplyWriter, ms []XMessage) {
	w.WriteArrayLen(len(ms))
	for _, m := range ms {
		writeXMessage(w, m)
	}
}

// writeXStreams writes XREAD's reply: RESP2 an array of [key, entries],
// RESP3 a map from key to entries.
func writeXStreams(w ReplyWriter, ss []XStream) {
	if resp3(w) {
		w.WriteMapLen(len(ss))
		for _, s := range ss {
			w.WriteBulk(s.Stream)
			writeXMessages(w, s.Messages)
		}
		return
	}
	w.WriteArrayLen(len(ss))
	for _, s := range ss {
		w.WriteArrayLen(2)
		w.WriteBulk(s.Stream)
		writeXMessages(w, s.Messages)
	}
}

func cmdXAdd(tx *Tx, args []string, w ReplyWriter) {
	a, idPos, err := parseAddTrim(args, true, tx.loading)
	if err != nil {
		w.WriteError(err)
		return
	}
	fields := args[idPos+1:]
	if len(fields) < 2 || len(fields)%2 != 0 {
		w.WriteError(ArityError("xadd"))
		return
	}
	id, err := tx.xadd(args[1], a, fields)
	if err == ErrNotFound {
		w.WriteNull()
		return
	}
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteBulk(id.String())
}

func cmdXLen(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.XLen(args[1])
	writeIntOrError(w, n, err)
}

func cmdXRange(tx *Tx, args []string, w ReplyWriter) {
	rev := commandName(args) == "xrevrange"
	start, end := args[2], args[3]
	if rev {
		start, end = end, start
	}
	s, e, err := parseInterval(start, end)
	if err != nil {
		w.WriteError(err)
		return
	}
	count := int64(-1)
	for i := 4; i < len(args); i++ {
		if strings.EqualFold(args[i], "COUNT") && i+1 < len(args) {
			n, ok := number.ParseInt(args[i+1])
			if !ok {
				w.WriteError(ErrNotInteger)
				return
			}
			count = max(n, 0)
			i++
			continue
		}
		w.WriteError(ErrSyntax)
		return
	}
	sv, err := tx.readStream(args[1])
	switch {
	case err != nil:
		w.WriteError(err)
	case sv == nil:
		w.WriteArrayLen(0)
	case count == 0:
		w.WriteNullArray()
	default:
		writeXMessages(w, streamRange(sv, s, e, count, rev))
	}
}

func cmdXDel(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.XDel(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdXTrim(tx *Tx, args []string, w ReplyWriter) {
	a, _, err := parseAddTrim(args, false, tx.loading)
	if err != nil {
		w.WriteError(err)
		return
	}
	n, err := tx.xtrim(args[1], a.trim)
	writeIntOrError(w, n, err)
}

// xreadArgs are XREAD's and XREADGROUP's options.
type xreadArgs struct {
	timeout         int64 // BLOCK in ms; -1 without
	count           int64
	streamsAt       int // the index of the first key
	group, consumer string
	haveGroup       bool
	noAck           bool
}

// parseXReadArgs parses the options before STREAMS as Redis 7.0 does, in
// order, the first bad one being the error; GROUP and NOACK are
// XREADGROUP's (group true), errors for XREAD.
func parseXReadArgs(tx *Tx, args []string, group bool) (xreadArgs, error) {
	a := xreadArgs{timeout: -1}
	for i := 1; i < len(args) && a.streamsAt == 0; i++ {
		more := len(args) - 1 - i
		switch o := args[i]; {
		case strings.EqualFold(o, "BLOCK") && more > 0:
			i++
			ms, err := parseTimeoutMs(args[i], tx.nowMs())
			if err != nil {
				return a, err
			}
			a.timeout = ms
		case strings.EqualFold(o, "COUNT") && more > 0:
			i++
			n, ok := number.ParseInt(args[i])
			if !ok {
				return a, ErrNotInteger
			}
			a.count = max(n, 0)
		case strings.EqualFold(o, "STREAMS") && more > 0:
			a.streamsAt = i + 1
			if (len(args)-a.streamsAt)%2 != 0 {
				return a, errXReadUnbalanced
			}
		case strings.EqualFold(o, "GROUP") && more >= 2:
			if !group {
				return a, errXReadGroupOption
			}
			a.group, a.consumer, a.haveGroup = args[i+1], args[i+2], true
			i += 2
		case strings.EqualFold(o, "NOACK"):
			if !group {
				return a, errXReadNoAck
			}
			a.noAck = true
		default:
			return a, ErrSyntax
		}
	}
	if a.streamsAt == 0 {
		return a, ErrSyntax
	}
	return a, nil
}

func cmdXRead(tx *Tx, args []string, w ReplyWriter) {
	a, err := parseXReadArgs(tx, args, false)
	if err != nil {
		w.WriteError(err)
		return
	}
	timeout, count, streamsAt := a.timeout, a.count, a.streamsAt
	n := (len(args) - streamsAt) / 2
	r, err := tx.xreadResolve(args[streamsAt:streamsAt+n], args[streamsAt+n:], count)
	if err != nil {
		w.WriteError(err)
		return
	}
	if out := tx.xreadServe(r); len(out) > 0 {
		writeXStreams(w, out)
		return
	}
	if timeout < 0 {
		w.WriteNullArray()
		return
	}
	write := func(w ReplyWriter, key string, msgs []XMessage) {
		writeXStreams(w, []XStream{{Stream: key, Messages: msgs}})
	}
	r.keys = append([]string(nil), r.keys...)
	blockingReply(tx, w, r.keys, "stream", float64(timeout)/1000, xreadAttempt(r), write, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}

// parseTimeoutMs reads a timeout in milliseconds (XREAD's BLOCK) as Redis
// 7.0 does: an integer, not negative. Redis adds it to the time now with no
// range check, and a sum past the int64 range never fires: such a timeout
// waits for ever, as 0 does.
func parseTimeoutMs(s string, nowMs int64) (int64, error) {
	n, ok := number.ParseInt(s)
	if !ok {
		return 0, errTimeoutNotInteger
	}
	if n < 0 {
		return 0, errTimeoutNegative
	}
	if n > (1<<63-1)-nowMs {
		return 0, nil
	}
	return n, nil
}

func cmdXSetID(tx *Tx, args []string, w ReplyWriter) {
	id, _, err := parseStreamID(args[2], 0, true, false)
	if err != nil {
		w.WriteError(err)
		return
	}
	added := int64(-1)
	var maxDel stream.ID
	for i := 3; i < len(args); i += 2 {
		more := len(args) - 1 - i
		switch {
		case strings.EqualFold(args[i], "ENTRIESADDED") && more > 0:
			n, ok := number.ParseInt(args[i+1])
			if !ok {
				w.WriteError(ErrNotInteger)
				return
			}
			if n < 0 {
				w.WriteError(errXSetIDEntriesAdded)
				return
			}
			added = n
		case strings.EqualFold(args[i], "MAXDELETEDID") && more > 0:
			if maxDel, _, err = parseStreamID(args[i+1], 0, true, false); err != nil {
				w.WriteError(err)
				return
			}
			if id.Less(maxDel) {
				w.WriteError(errXSetIDMaxDeleted)
				return
			}
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	writeOKOrError(w, tx.xsetid(args[1], id, added, maxDel))
}

// xinfoHelp is XINFO HELP's text between its first line and the closing
// HELP entry, as Redis 7.0 writes it.
var xinfoHelp = []string{
	"CONSUMERS <key> <groupname>",
	"    Show consumers of <groupname>.",
	"GROUPS <key>",
	"    Show the stream consumer groups.",
	"STREAM <key> [FULL [COUNT <count>]",
	"    Show information about the stream.",
}

func cmdXInfo(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	switch {
	case sub == "help" && len(args) == 2:
		w.WriteArrayLen(len(xinfoHelp) + 3)
		w.WriteStatus("XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range xinfoHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
		return
	case sub == "help":
		w.WriteError(ArityError("xinfo|help"))
		return
	case sub == "groups":
		if len(args) != 3 {
			w.WriteError(ArityError("xinfo|groups"))
			return
		}
		gs, err := tx.XInfoGroups(args[2])
		if err != nil {
			w.WriteError(err)
			return
		}
		writeXInfoGroups(w, gs)
		return
	case sub == "consumers":
		if len(args) != 4 {
			w.WriteError(ArityError("xinfo|consumers"))
			return
		}
		cs, err := tx.XInfoConsumers(args[2], args[3])
		if err != nil {
			w.WriteError(err)
			return
		}
		writeXInfoConsumers(w, cs)
		return
	case sub != "stream":
		w.WriteError(unknownSubcommand(args[1], "XINFO"))
		return
	case len(args) < 3:
		w.WriteError(ArityError("xinfo|stream"))
		return
	}
	sv, err := tx.readStream(args[2])
	if err == nil && sv == nil {
		err = ErrNoSuchKey
	}
	if err != nil {
		w.WriteError(err)
		return
	}
	opts := args[3:]
	if len(opts) == 0 {
		writeXInfoStream(w, streamInfo(sv))
		return
	}
	if len(opts) != 1 && len(opts) != 3 || !strings.EqualFold(opts[0], "FULL") ||
		len(opts) == 3 && !strings.EqualFold(opts[1], "COUNT") {
		w.WriteError(xinfoSyntaxError(args[1]))
		return
	}
	count := int64(10)
	if len(opts) == 3 {
		n, ok := number.ParseInt(opts[2])
		if !ok {
			w.WriteError(ErrNotInteger)
			return
		}
		count = n
	}
	full := streamInfoFull(sv, count)
	w.WriteMapLen(9)
	writeXInfoHead(w, full.Length, full.RadixTreeKeys, full.RadixTreeNodes, full.LastGeneratedID,
		full.MaxDeletedEntryID, full.EntriesAdded, full.RecordedFirstEntryID)
	w.WriteBulk("entries")
	writeXMessages(w, full.Entries)
	w.WriteBulk("groups")
	writeXInfoFullGroups(w, full.Groups)
}

func writeXInfoHead(w ReplyWriter, length, keys, nodes int64, last, maxDel string, added int64, first string) {
	w.WriteBulk("length")
	w.WriteInt(length)
	w.WriteBulk("radix-tree-keys")
	w.WriteInt(keys)
	w.WriteBulk("radix-tree-nodes")
	w.WriteInt(nodes)
	w.WriteBulk("last-generated-id")
	w.WriteBulk(last)
	w.WriteBulk("max-deleted-entry-id")
	w.WriteBulk(maxDel)
	w.WriteBulk("entries-added")
	w.WriteInt(added)
	w.WriteBulk("recorded-first-entry-id")
	w.WriteBulk(first)
}

func writeXInfoStream(w ReplyWriter, info XInfoStream) {
	w.WriteMapLen(10)
	writeXInfoHead(w, info.Length, info.RadixTreeKeys, info.RadixTreeNodes, info.LastGeneratedID,
		info.MaxDeletedEntryID, info.EntriesAdded, info.RecordedFirstEntryID)
	w.WriteBulk("groups")
	w.WriteInt(info.Groups)
	for _, e := range []struct {
		name string
		m    XMessage
	}{{"first-entry", info.FirstEntry}, {"last-entry", info.LastEntry}} {
		w.WriteBulk(e.name)
		if info.Length == 0 {
			w.WriteNull()
		} else {
			writeXMessage(w, e.m)
		}
	}
}
