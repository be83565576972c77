package embedis

import (
	"math"
	"strconv"
	"strings"
)

// Handlers of the blocking list commands. Run by a server connection that
// allows blocking (Tx.AllowBlocking), a command with no data leaves a
// Blocked for the server to wait on; anywhere else (MULTI, Store.Do) it
// answers at once as on timeout, as Redis does inside a transaction.

func init() {
	w, bl, ns := "write", "blocking", "noscript"
	register(
		&Command{Name: "blpop", Arity: -3, Flags: []string{w, bl, ns}, FirstKey: 1, LastKey: -2, KeyStep: 1, run: cmdBPop},
		&Command{Name: "brpop", Arity: -3, Flags: []string{w, bl, ns}, FirstKey: 1, LastKey: -2, KeyStep: 1, run: cmdBPop},
		&Command{Name: "brpoplpush", Arity: 4, Flags: []string{w, "denyoom", bl, ns}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdBMove},
		&Command{Name: "blmove", Arity: 6, Flags: []string{w, "denyoom", bl, ns}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdBMove},
		&Command{Name: "blmpop", Arity: -5, Flags: []string{w, bl, "movablekeys"}, run: cmdBLMPop},
	)
}

// parseTimeout reads a blocking command's timeout in seconds as Redis does
// (a long double, rounded up to the millisecond); 0 waits for ever. Redis
// converts the milliseconds to a C long long: values from 2^63 ms up (and
// infinity) wrap to a negative number, so they are "negative"; values that
// fit but overflow once added to the current time (nowMs) are "out of
// range".
func parseTimeout(s string, nowMs int64) (float64, error) {
	if s == "" || s[0] == ' ' || s[0] == '\t' || strings.ContainsAny(s, "nN") && strings.Contains(strings.ToLower(s), "nan") {
		return 0, errTimeoutNotFloat
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, errTimeoutNotFloat
	}
	ms := math.Ceil(f * 1000)
	if ms < 0 || ms >= 1<<63 {
		return 0, errTimeoutNegative
	}
	if int64(ms) > math.MaxInt64-nowMs {
		return 0, errTimeoutOutOfRange
	}
	return ms / 1000, nil
}

func cmdBPop(tx *Tx, args []string, w ReplyWriter) {
	left := commandName(args) == "blpop"
	timeout, err := parseTimeout(args[len(args)-1], tx.nowMs())
	if err != nil {
		w.WriteError(err)
		return
	}
	keys := args[1 : len(args)-1]
	serve := func(tx *Tx, key string) (func(ReplyWriter), error) {
		lv, err := tx.writeList(key)
		if err != nil || lv == nil {
			return nil, err
		}
		v := tx.popFrom(key, lv, left, 1)[0]
		return func(w ReplyWriter) {
			w.WriteArrayLen(2)
			w.WriteBulk(key)
			w.WriteBulk(v)
		}, nil
	}
	tx.blockingReply(w, keys, timeout, serve, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}

func cmdBMove(tx *Tx, args []string, w ReplyWriter) {
	from, to := false, true // BRPOPLPUSH
	src, dst := args[1], args[2]
	if commandName(args) == "blmove" {
		var err1, err2 error
		from, err1 = listEnd(args[3])
		to, err2 = listEnd(args[4])
		if err1 != nil || err2 != nil {
			w.WriteError(ErrSyntax)
			return
		}
	}
	timeout, err := parseTimeout(args[len(args)-1], tx.nowMs())
	if err != nil {
		w.WriteError(err)
		return
	}
	serve := func(tx *Tx, key string) (func(ReplyWriter), error) {
		v, err := tx.lmove(src, dst, from, to)
		if err == ErrNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return func(w ReplyWriter) { w.WriteBulk(v) }, nil
	}
	// Redis answers a null bulk in a transaction, a null array on timeout.
	tx.blockingReply(w, []string{src}, timeout, serve, ReplyWriter.WriteNull, ReplyWriter.WriteNullArray)
}

func cmdBLMPop(tx *Tx, args []string, w ReplyWriter) {
	// Redis reads the timeout after the other arguments.
	keys, _, left, count, err := parseMPop(args, 2, listEnd)
	if err != nil {
		w.WriteError(err)
		return
	}
	timeout, err := parseTimeout(args[1], tx.nowMs())
	if err != nil {
		w.WriteError(err)
		return
	}
	serve := func(tx *Tx, key string) (func(ReplyWriter), error) {
		lv, err := tx.writeList(key)
		if err != nil || lv == nil {
			return nil, err
		}
		vals := tx.popFrom(key, lv, left, int(min(count, int64(lv.d.Len())))) // int may be 32 bits
		return func(w ReplyWriter) {
			w.WriteArrayLen(2)
			w.WriteBulk(key)
			writeStrings(w, vals)
		}, nil
	}
	tx.blockingReply(w, keys, timeout, serve, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}

// serveFirst tries serve on each key in order and writes the reply (or the
// error) of the first key with data; it reports whether it wrote anything.
// The MPOP commands and the blocking commands' first try share it.
func serveFirst(tx *Tx, w ReplyWriter, keys []string, serve func(tx *Tx, key string) (func(ReplyWriter), error)) bool {
	for _, k := range keys {
		reply, err := serve(tx, k)
		if err != nil {
			w.WriteError(err)
			return true
		}
		if reply != nil {
			reply(w)
			return true
		}
	}
	return false
}

// blockingReply tries serve on each key in order; the first key with data
// answers. With no data it either leaves a Blocked for the server (when the
// unit allows blocking, to answer timedOut if its timeout passes) or
// answers with immediate at once.
func (tx *Tx) blockingReply(w ReplyWriter, keys []string, timeout float64, serve func(tx *Tx, key string) (func(ReplyWriter), error), immediate, timedOut func(ReplyWriter)) {
	if serveFirst(tx, w, keys, serve) {
		return
	}
	if !tx.canBlock {
		immediate(w)
		return
	}
	tx.blockForReply(append([]string(nil), keys...), timeout, func(tx *Tx, key string) func(ReplyWriter) {
		reply, _ := serve(tx, key)
		return reply
	}, timedOut)
}
