package embedis

import (
	"math"
	"strings"
)

// Handlers of the list commands: argument parsing and reply writing around
// the Tx methods of list.go. Where Redis looks the key up before parsing an
// argument (LINDEX, LSET), the handlers do the same, so that the same bad
// command fails the same way.

func init() {
	w, r, bl, ns := "write", "readonly", "blocking", "noscript"
	register(
		&Command{Name: "lpush", Arity: -3, Flags: []string{w, "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPush},
		&Command{Name: "rpush", Arity: -3, Flags: []string{w, "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPush},
		&Command{Name: "lpushx", Arity: -3, Flags: []string{w, "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPush},
		&Command{Name: "rpushx", Arity: -3, Flags: []string{w, "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPush},
		&Command{Name: "linsert", Arity: 5, Flags: []string{w, "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLInsert},
		&Command{Name: "lpop", Arity: -2, Flags: []string{w, "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPop},
		&Command{Name: "rpop", Arity: -2, Flags: []string{w, "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPop},
		&Command{Name: "llen", Arity: 2, Flags: []string{r, "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLLen},
		&Command{Name: "lindex", Arity: 3, Flags: []string{r}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLIndex},
		&Command{Name: "lset", Arity: 4, Flags: []string{w, "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLSet},
		&Command{Name: "lrange", Arity: 4, Flags: []string{r}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLRange},
		&Command{Name: "ltrim", Arity: 4, Flags: []string{w}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLTrim},
		&Command{Name: "lpos", Arity: -3, Flags: []string{r}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLPos},
		&Command{Name: "lrem", Arity: 4, Flags: []string{w}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdLRem},
		&Command{Name: "rpoplpush", Arity: 3, Flags: []string{w, "denyoom"}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdRPopLPush},
		&Command{Name: "lmove", Arity: 5, Flags: []string{w, "denyoom"}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdLMove},
		// LMPOP's keys follow numkeys: Redis reports 0 0 0 and movablekeys.
		&Command{Name: "lmpop", Arity: -4, Flags: []string{w, "movablekeys"}, run: cmdLMPop},
		// The blocking commands (see blocking.go).
		&Command{Name: "blpop", Arity: -3, Flags: []string{w, bl, ns}, FirstKey: 1, LastKey: -2, KeyStep: 1, run: cmdBPop},
		&Command{Name: "brpop", Arity: -3, Flags: []string{w, bl, ns}, FirstKey: 1, LastKey: -2, KeyStep: 1, run: cmdBPop},
		&Command{Name: "brpoplpush", Arity: 4, Flags: []string{w, "denyoom", bl, ns}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdBMove},
		&Command{Name: "blmove", Arity: 6, Flags: []string{w, "denyoom", bl, ns}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdBMove},
		&Command{Name: "blmpop", Arity: -5, Flags: []string{w, bl, "movablekeys"}, run: cmdBLMPop},
	)
}

func cmdPush(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	n, err := tx.push(name, args[1], name[0] == 'l', name[len(name)-1] == 'x', args[2:])
	writeIntOrError(w, n, err)
}

func cmdLInsert(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.LInsert(args[1], args[2], args[3], args[4])
	writeIntOrError(w, n, err)
}

func cmdPop(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	left := name == "lpop"
	switch len(args) {
	case 2:
		v, err := tx.popOne(args[1], left)
		writeStringOrNull(w, v, err)
	case 3:
		n, err := parseIntArg(args[2])
		if err != nil || n < 0 {
			w.WriteError(ErrNotPositive)
			return
		}
		vs, err := tx.popCount(args[1], left, int(min(n, math.MaxInt32)))
		writeStringsOrNullArray(w, vs, err)
	default:
		w.WriteError(ArityError(name))
	}
}

// writeStringsOrNullArray writes ss, a null array for ErrNotFound, or the
// error.
func writeStringsOrNullArray(w ReplyWriter, ss []string, err error) {
	switch {
	case err == nil:
		writeStrings(w, ss)
	case err == ErrNotFound:
		w.WriteNullArray()
	default:
		w.WriteError(err)
	}
}

func cmdLLen(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.LLen(args[1])
	writeIntOrError(w, n, err)
}

// keyFirst writes the reply Redis gives when it looks key up before parsing
// a bad argument: WRONGTYPE, the missing-key reply, or argErr.
func keyFirst(key string, lookup func(string) (*listValue, error), w ReplyWriter, missing func(), argErr error) {
	lv, err := lookup(key)
	switch {
	case err != nil:
		w.WriteError(err)
	case lv == nil:
		missing()
	default:
		w.WriteError(argErr)
	}
}

func cmdLIndex(tx *Tx, args []string, w ReplyWriter) {
	i, err := parseIntArg(args[2])
	if err != nil {
		keyFirst(args[1], tx.readList, w, w.WriteNull, err)
		return
	}
	v, err := tx.LIndex(args[1], i)
	writeStringOrNull(w, v, err)
}

func cmdLSet(tx *Tx, args []string, w ReplyWriter) {
	i, err := parseIntArg(args[2])
	if err != nil {
		keyFirst(args[1], tx.writeList, w, func() { w.WriteError(ErrNoSuchKey) }, err)
		return
	}
	writeOKOrError(w, tx.LSet(args[1], i, args[3]))
}

// parseTwoInts parses the start and stop of LRANGE and LTRIM.
func parseTwoInts(a, b string) (int64, int64, error) {
	x, err := parseIntArg(a)
	if err != nil {
		return 0, 0, err
	}
	y, err := parseIntArg(b)
	return x, y, err
}

func cmdLRange(tx *Tx, args []string, w ReplyWriter) {
	start, stop, err := parseTwoInts(args[2], args[3])
	if err != nil {
		w.WriteError(err)
		return
	}
	vs, err := tx.LRange(args[1], start, stop)
	if err != nil {
		w.WriteError(err)
		return
	}
	writeStrings(w, vs)
}

func cmdLTrim(tx *Tx, args []string, w ReplyWriter) {
	start, stop, err := parseTwoInts(args[2], args[3])
	if err != nil {
		w.WriteError(err)
		return
	}
	writeOKOrError(w, tx.LTrim(args[1], start, stop))
}

func cmdLRem(tx *Tx, args []string, w ReplyWriter) {
	count, err := parseIntArg(args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	n, err := tx.LRem(args[1], count, args[3])
	writeIntOrError(w, n, err)
}

func cmdLPos(tx *Tx, args []string, w ReplyWriter) {
	var a LPosArgs
	count := int64(-1) // no COUNT
	for i := 3; i < len(args); i++ {
		more := i+1 < len(args)
		switch {
		case strings.EqualFold(args[i], "RANK") && more:
			i++
			n, err := parseIntArg(args[i])
			if err != nil {
				w.WriteError(err)
				return
			}
			if n == 0 {
				w.WriteError(ErrRankZero)
				return
			}
			a.Rank = n
		case strings.EqualFold(args[i], "COUNT") && more:
			i++
			n, err := parseIntArg(args[i])
			if err != nil || n < 0 {
				w.WriteError(ErrNegativeCount)
				return
			}
			count = n
		case strings.EqualFold(args[i], "MAXLEN") && more:
			i++
			n, err := parseIntArg(args[i])
			if err != nil || n < 0 {
				w.WriteError(ErrNegativeMaxLen)
				return
			}
			a.MaxLen = n
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	if count < 0 {
		p, err := tx.LPos(args[1], args[2], a)
		switch {
		case err == ErrNotFound:
			w.WriteNull()
		default:
			writeIntOrError(w, p, err)
		}
		return
	}
	ps, err := tx.LPosCount(args[1], args[2], count, a)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(ps))
	for _, p := range ps {
		w.WriteInt(p)
	}
}

func cmdRPopLPush(tx *Tx, args []string, w ReplyWriter) {
	v, err := tx.RPopLPush(args[1], args[2])
	writeStringOrNull(w, v, err)
}

func cmdLMove(tx *Tx, args []string, w ReplyWriter) {
	v, err := tx.LMove(args[1], args[2], args[3], args[4])
	writeStringOrNull(w, v, err)
}

// parseMPop reads what LMPOP, BLMPOP, ZMPOP and BZMPOP share, starting at
// numkeys in args[first]: the keys, the end word that end parses (LEFT or
// RIGHT, MIN or MAX) and COUNT (1 when absent).
func parseMPop(args []string, first int, end func(string) (bool, error)) (keys []string, word string, which bool, count int64, err error) {
	numkeys, err := parseIntArg(args[first])
	if err != nil || numkeys < 1 {
		return nil, "", false, 0, ErrNumKeys
	}
	if numkeys > int64(len(args)-first-2) {
		return nil, "", false, 0, ErrSyntax
	}
	keys = args[first+1 : first+1+int(numkeys)]
	rest := args[first+1+int(numkeys):]
	if which, err = end(rest[0]); err != nil {
		return nil, "", false, 0, ErrSyntax
	}
	count = 1
	switch {
	case len(rest) == 1:
	case len(rest) == 3 && strings.EqualFold(rest[1], "COUNT"):
		if count, err = parseIntArg(rest[2]); err != nil || count <= 0 {
			return nil, "", false, 0, ErrCountNotPositive
		}
	default:
		return nil, "", false, 0, ErrSyntax
	}
	return keys, rest[0], which, count, nil
}

func cmdLMPop(tx *Tx, args []string, w ReplyWriter) {
	keys, dir, _, count, err := parseMPop(args, 1, listEnd)
	if err != nil {
		w.WriteError(err)
		return
	}
	k, vs, err := tx.LMPop(dir, count, keys...)
	switch {
	case err == ErrNotFound:
		w.WriteNullArray()
	case err != nil:
		w.WriteError(err)
	default:
		w.WriteArrayLen(2)
		w.WriteBulk(k)
		writeStrings(w, vs)
	}
}

// Handlers of the blocking list commands. Run by a server connection that
// allows blocking (Tx.AllowBlocking), a command with no data leaves a
// Blocked for the server to wait on; anywhere else (MULTI, Store.Do) it
// answers at once as on timeout, as Redis does inside a transaction.

func cmdBPop(tx *Tx, args []string, w ReplyWriter) {
	left := commandName(args) == "blpop"
	timeout, err := parseTimeout(args[len(args)-1], tx.nowMs())
	if err != nil {
		w.WriteError(err)
		return
	}
	write := func(w ReplyWriter, key string, vals []string) {
		w.WriteArrayLen(2)
		w.WriteBulk(key)
		w.WriteBulk(vals[0])
	}
	blockingReply(tx, w, args[1:len(args)-1], "list", timeout, listPop(left, 1, false), write, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
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
	write := func(w ReplyWriter, _ string, v string) { w.WriteBulk(v) }
	// Redis answers a null bulk in a transaction, a null array on timeout.
	blockingReply(tx, w, []string{src}, "list", timeout, listMove(dst, from, to), write, ReplyWriter.WriteNull, ReplyWriter.WriteNullArray)
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
	write := func(w ReplyWriter, key string, vals []string) {
		w.WriteArrayLen(2)
		w.WriteBulk(key)
		writeStrings(w, vals)
	}
	blockingReply(tx, w, keys, "list", timeout, listPop(left, count, true), write, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}
