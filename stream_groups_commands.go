package embedis

import (
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/internal/stream"
)

// Handlers of the consumer-group commands: argument parsing in Redis's
// order around the Tx methods of stream_groups.go.

func init() {
	w := "write"
	register(
		&Command{Name: "xgroup", Arity: -2, run: cmdXGroup, denyOOMSubs: map[string]int{"create": xgroupArity["create"], "createconsumer": xgroupArity["createconsumer"]}},
		// XREADGROUP's keys follow STREAMS: Redis reports 0 0 0 and movablekeys.
		&Command{Name: "xreadgroup", Arity: -7, Flags: []string{w, "blocking", "movablekeys"}, run: cmdXReadGroup},
		&Command{Name: "xack", Arity: -4, Flags: []string{w, "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXAck},
		&Command{Name: "xpending", Arity: -3, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXPending},
		&Command{Name: "xclaim", Arity: -6, Flags: []string{w, "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXClaim},
		&Command{Name: "xautoclaim", Arity: -6, Flags: []string{w, "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdXAutoClaim},
	)
}

// xgroupHelp is XGROUP HELP's text between its first line and the closing
// HELP entry, as Redis 7.0 writes it.
var xgroupHelp = []string{
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
}

// xgroupArity are the arities of XGROUP's subcommands (COMMAND INFO's).
var xgroupArity = map[string]int{"create": -5, "setid": -5, "destroy": 4, "createconsumer": 5, "delconsumer": 5, "help": 2}

func cmdXGroup(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	arity, ok := xgroupArity[sub]
	if !ok {
		w.WriteError(unknownSubcommand(args[1], "XGROUP"))
		return
	}
	if arity > 0 && len(args) != arity || arity < 0 && len(args) < -arity {
		w.WriteError(ArityError("xgroup|" + sub))
		return
	}
	if sub == "help" {
		w.WriteArrayLen(len(xgroupHelp) + 3)
		w.WriteStatus("XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range xgroupHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
		return
	}
	// Redis refuses a denyoom subcommand before it reads its arguments.
	if (sub == "create" || sub == "createconsumer") && tx.refuseOOM() {
		w.WriteError(ErrOOM)
		return
	}
	mkStream := false
	entriesRead := int64(stream.InvalidEntriesRead)
	if sub == "create" || sub == "setid" {
		for i := 5; i < len(args); {
			switch {
			case sub == "create" && strings.EqualFold(args[i], "MKSTREAM"):
				mkStream = true
				i++
			case strings.EqualFold(args[i], "ENTRIESREAD") && i+1 < len(args):
				n, ok := number.ParseInt(args[i+1])
				if !ok {
					w.WriteError(ErrNotInteger)
					return
				}
				if n < 0 && n != stream.InvalidEntriesRead {
					w.WriteError(errEntriesRead)
					return
				}
				entriesRead = n
				i += 2
			default:
				w.WriteError(xgroupSyntaxError(args[1]))
				return
			}
		}
	}
	key, group := args[2], args[3]
	// Redis checks the key, then the group, before the subcommand's own
	// argument count.
	sv, err := tx.writeStream(key)
	if err != nil {
		w.WriteError(err)
		return
	}
	if !mkStream {
		if sv == nil {
			w.WriteError(errXGroupNoKey)
			return
		}
		if sv.s.Group(group) == nil && (sub == "setid" || sub == "createconsumer" || sub == "delconsumer") {
			w.WriteError(noGroupForKeyError(key, group))
			return
		}
	}
	switch {
	case sub == "create" && len(args) <= 8:
		writeOKOrError(w, tx.xgroupCreate(key, group, args[4], mkStream, entriesRead))
	case sub == "setid" && (len(args) == 5 || len(args) == 7):
		writeOKOrError(w, tx.xgroupSetID(key, group, args[4], entriesRead))
	case sub == "destroy":
		n, err := tx.XGroupDestroy(key, group)
		writeIntOrError(w, n, err)
	case sub == "createconsumer":
		n, err := tx.XGroupCreateConsumer(key, group, args[4])
		writeIntOrError(w, n, err)
	case sub == "delconsumer":
		n, err := tx.XGroupDelConsumer(key, group, args[4])
		writeIntOrError(w, n, err)
	default:
		w.WriteError(xgroupSyntaxError(args[1]))
	}
}

// writeGroupMessages writes entries where one deleted from the stream (nil
// Values) is [id, null], as XREADGROUP's history read has it.
func writeGroupMessages(w ReplyWriter, ms []XMessage) {
	w.WriteArrayLen(len(ms))
	for _, m := range ms {
		if m.Values == nil {
			w.WriteArrayLen(2)
			w.WriteBulk(m.ID)
			w.WriteNullArray()
			continue
		}
		writeXMessage(w, m)
	}
}

func writeGroupStreams(w ReplyWriter, ss []XStream) {
	if resp3(w) {
		w.WriteMapLen(len(ss))
	} else {
		w.WriteArrayLen(len(ss))
	}
	for _, s := range ss {
		if !resp3(w) {
			w.WriteArrayLen(2)
		}
		w.WriteBulk(s.Stream)
		writeGroupMessages(w, s.Messages)
	}
}

func cmdXReadGroup(tx *Tx, args []string, w ReplyWriter) {
	a, err := parseXReadArgs(tx, args, true)
	if err != nil {
		w.WriteError(err)
		return
	}
	if !a.haveGroup {
		w.WriteError(errXReadGroupMissing)
		return
	}
	timeout, count, streamsAt := a.timeout, a.count, a.streamsAt
	group, consumer, noAck := a.group, a.consumer, a.noAck
	n := (len(args) - streamsAt) / 2
	r, err := tx.xreadGroupParse(group, consumer, args[streamsAt:streamsAt+n], args[streamsAt+n:], count, noAck)
	if err != nil {
		w.WriteError(err)
		return
	}
	if out := tx.xreadGroupServe(r); len(out) > 0 {
		writeGroupStreams(w, out)
		return
	}
	if timeout < 0 {
		w.WriteNullArray()
		return
	}
	write := func(w ReplyWriter, key string, msgs []XMessage) {
		writeGroupStreams(w, []XStream{{Stream: key, Messages: msgs}})
	}
	r.keys = append([]string(nil), r.keys...)
	blockingReply(tx, w, r.keys, "stream", float64(timeout)/1000, xreadGroupAttempt(r), write, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}

func cmdXAck(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.XAck(args[1], args[2], args[3:]...)
	writeIntOrError(w, n, err)
}

func cmdXPending(tx *Tx, args []string, w ReplyWriter) {
	if len(args) != 3 && (len(args) < 6 || len(args) > 9) {
		w.WriteError(ErrSyntax)
		return
	}
	key, group := args[1], args[2]
	if len(args) == 3 {
		_, g, err := tx.groupOf(key, group, false)
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteArrayLen(4)
		w.WriteInt(g.PendingLen())
		if g.PendingLen() == 0 {
			w.WriteNull()
			w.WriteNull()
			w.WriteNullArray()
			return
		}
		w.WriteBulk(g.FirstPending().ID.String())
		w.WriteBulk(g.LastPending().ID.String())
		cs := pendingConsumers(g)
		w.WriteArrayLen(len(cs))
		for _, c := range cs {
			w.WriteArrayLen(2)
			w.WriteBulk(c.Name)
			w.WriteBulk(strconv.FormatInt(c.PendingLen(), 10))
		}
		return
	}
	at := 3
	var minIdle int64
	if strings.EqualFold(args[3], "IDLE") {
		n, ok := number.ParseInt(args[4])
		if !ok {
			w.WriteError(ErrNotInteger)
			return
		}
		if len(args) < 8 {
			w.WriteError(ErrSyntax)
			return
		}
		minIdle = n
		at += 2
	}
	count, ok := number.ParseInt(args[at+2])
	if !ok {
		w.WriteError(ErrNotInteger)
		return
	}
	start, end, err := parseInterval(args[at], args[at+1])
	if err != nil {
		w.WriteError(err)
		return
	}
	consumer, byConsumer := "", at+3 < len(args)
	if byConsumer {
		consumer = args[at+3]
	}
	list, err := tx.xpendingExt(key, group, minIdle, start, end, max(count, 0), consumer, byConsumer)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(list))
	for _, p := range list {
		w.WriteArrayLen(4)
		w.WriteBulk(p.ID)
		w.WriteBulk(p.Consumer)
		w.WriteInt(p.Idle.Milliseconds())
		w.WriteInt(p.RetryCount)
	}
}

// streamOption is one option of XCLAIM or XAUTOCLAIM: a flag (flag set)
// or an option with an argument (arg set; its error is the reply).
type streamOption struct {
	name string
	flag func()
	arg  func(v string) error
}

// parseStreamOptions reads args as opts, in any order and as often as
// given (the last one wins); a word that is no option, or an option
// missing its argument, is unknown(word). The first error ends the parse,
// as Redis reads the options one by one.
func parseStreamOptions(args []string, opts []streamOption, unknown func(opt string) error) error {
	for j := 0; j < len(args); j++ {
		var o *streamOption
		for i := range opts {
			if strings.EqualFold(args[j], opts[i].name) {
				o = &opts[i]
				break
			}
		}
		switch {
		case o == nil || o.flag == nil && j+1 >= len(args):
			return unknown(args[j])
		case o.flag != nil:
			o.flag()
		default:
			j++
			if err := o.arg(args[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// intOption is the arg of an option taking an integer: bad is the reply
// when it is not one.
func intOption(bad error, set func(n int64)) func(string) error {
	return func(v string) error {
		n, ok := number.ParseInt(v)
		if !ok {
			return bad
		}
		set(n)
		return nil
	}
}

func cmdXClaim(tx *Tx, args []string, w ReplyWriter) {
	key, group := args[1], args[2]
	sv, g, err := tx.groupOf(key, group, true)
	if err != nil {
		w.WriteError(err)
		return
	}
	minIdle, ok := number.ParseInt(args[4])
	if !ok {
		w.WriteError(errXClaimMinIdle)
		return
	}
	r := xclaimReq{key: key, group: group, consumer: args[3], minIdle: max(minIdle, 0), delivery: -1, retryCount: -1}
	j := 5
	for ; j < len(args); j++ {
		id, _, err := parseStreamID(args[j], 0, true, false)
		if err != nil {
			break
		}
		r.ids = append(r.ids, id)
	}
	now := tx.nowMs()
	err = parseStreamOptions(args[j:], []streamOption{
		{name: "FORCE", flag: func() { r.force = true }},
		{name: "JUSTID", flag: func() { r.justID = true }},
		{name: "IDLE", arg: intOption(errXClaimIdle, func(n int64) { r.delivery = now - n })},
		{name: "TIME", arg: intOption(errXClaimTime, func(n int64) { r.delivery = n })},
		{name: "RETRYCOUNT", arg: intOption(errXClaimRetryCount, func(n int64) { r.retryCount = n })},
		{name: "LASTID", arg: func(v string) (err error) {
			r.lastID, _, err = parseStreamID(v, 0, true, false)
			return err
		}},
	}, xclaimOptionError)
	if err != nil {
		w.WriteError(err)
		return
	}
	msgs, ids := tx.xclaim(sv, g, r)
	if r.justID {
		writeStrings(w, ids)
		return
	}
	writeXMessages(w, msgs)
}

func cmdXAutoClaim(tx *Tx, args []string, w ReplyWriter) {
	v := tx.lookupKey(args[1], lookupReadChange)
	minIdle, ok := number.ParseInt(args[4])
	if !ok {
		w.WriteError(errXAutoClaimMinIdle)
		return
	}
	start, _, err := parseInterval(args[5], "+")
	if err != nil {
		w.WriteError(err)
		return
	}
	count := int64(100)
	justID := false
	err = parseStreamOptions(args[6:], []streamOption{
		{name: "COUNT", arg: func(v string) error {
			n, ok := number.ParseInt(v)
			if !ok || n < 1 || n > xautoclaimMaxCount {
				return errGeoCount
			}
			count = n
			return nil
		}},
		{name: "JUSTID", flag: func() { justID = true }},
	}, func(string) error { return ErrSyntax })
	if err != nil {
		w.WriteError(err)
		return
	}
	res, err := tx.xautoclaim(v, args[1], args[2], args[3], max(minIdle, 0), start, count, justID)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(3)
	w.WriteBulk(res.Next)
	if justID {
		writeStrings(w, res.IDs)
	} else {
		writeXMessages(w, res.Messages)
	}
	writeStrings(w, res.Deleted)
}

// writeXInfoGroups writes XINFO GROUPS' reply.
func writeXInfoGroups(w ReplyWriter, gs []XInfoGroup) {
	w.WriteArrayLen(len(gs))
	for _, g := range gs {
		w.WriteMapLen(6)
		w.WriteBulk("name")
		w.WriteBulk(g.Name)
		w.WriteBulk("consumers")
		w.WriteInt(g.Consumers)
		w.WriteBulk("pending")
		w.WriteInt(g.Pending)
		w.WriteBulk("last-delivered-id")
		w.WriteBulk(g.LastDeliveredID)
		writeReadLag(w, g.EntriesRead, g.Lag, g.LagValid)
	}
}

func writeReadLag(w ReplyWriter, read, lag int64, lagValid bool) {
	w.WriteBulk("entries-read")
	if read == stream.InvalidEntriesRead {
		w.WriteNull()
	} else {
		w.WriteInt(read)
	}
	w.WriteBulk("lag")
	if lagValid {
		w.WriteInt(lag)
	} else {
		w.WriteNull()
	}
}

func writeXInfoConsumers(w ReplyWriter, cs []XInfoConsumer) {
	w.WriteArrayLen(len(cs))
	for _, c := range cs {
		w.WriteMapLen(3)
		w.WriteBulk("name")
		w.WriteBulk(c.Name)
		w.WriteBulk("pending")
		w.WriteInt(c.Pending)
		w.WriteBulk("idle")
		w.WriteInt(c.Idle.Milliseconds())
	}
}

// writeXInfoFullGroups writes XINFO STREAM FULL's groups.
func writeXInfoFullGroups(w ReplyWriter, gs []XInfoStreamGroup) {
	w.WriteArrayLen(len(gs))
	for _, g := range gs {
		w.WriteMapLen(7)
		w.WriteBulk("name")
		w.WriteBulk(g.Name)
		w.WriteBulk("last-delivered-id")
		w.WriteBulk(g.LastDeliveredID)
		writeReadLag(w, g.EntriesRead, g.Lag, g.LagValid)
		w.WriteBulk("pel-count")
		w.WriteInt(g.PelCount)
		w.WriteBulk("pending")
		w.WriteArrayLen(len(g.Pending))
		for _, p := range g.Pending {
			w.WriteArrayLen(4)
			w.WriteBulk(p.ID)
			w.WriteBulk(p.Consumer)
			w.WriteInt(p.DeliveryTime.UnixMilli())
			w.WriteInt(p.DeliveryCount)
		}
		w.WriteBulk("consumers")
		w.WriteArrayLen(len(g.Consumers))
		for _, c := range g.Consumers {
			w.WriteMapLen(4)
			w.WriteBulk("name")
			w.WriteBulk(c.Name)
			w.WriteBulk("seen-time")
			w.WriteInt(c.SeenTime.UnixMilli())
			w.WriteBulk("pel-count")
			w.WriteInt(c.PelCount)
			w.WriteBulk("pending")
			w.WriteArrayLen(len(c.Pending))
			for _, p := range c.Pending {
				w.WriteArrayLen(3)
				w.WriteBulk(p.ID)
				w.WriteInt(p.DeliveryTime.UnixMilli())
				w.WriteInt(p.DeliveryCount)
			}
		}
	}
}
