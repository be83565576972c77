package embedis

import (
	"math"
	"strings"

	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/internal/zset"
)

// Handlers of the sorted-set commands: argument parsing and reply writing
// around the Tx methods of zset.go.

func init() {
	ro, w, fast, deny, mk, bl := "readonly", "write", "fast", "denyoom", "movablekeys", "blocking"
	one := func(name string, arity int, run func(*Tx, []string, ReplyWriter), flags ...string) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, FirstKey: 1, LastKey: 1, KeyStep: 1, run: run}
	}
	register(
		one("zadd", -4, cmdZAdd, w, deny, fast),
		one("zincrby", 4, cmdZIncrBy, w, deny, fast),
		one("zrem", -3, cmdZRem, w, fast),
		one("zcard", 2, cmdZCard, ro, fast),
		one("zcount", 4, cmdZCount, ro, fast),
		one("zlexcount", 4, cmdZLexCount, ro, fast),
		one("zscore", 3, cmdZScore, ro, fast),
		one("zmscore", -3, cmdZMScore, ro, fast),
		one("zrank", 3, cmdZRank, ro, fast),
		one("zrevrank", 3, cmdZRank, ro, fast),
		one("zrange", -4, cmdZRange, ro),
		&Command{Name: "zrangestore", Arity: -5, Flags: []string{w, deny}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdZRange},
		one("zrangebyscore", -4, cmdZRange, ro),
		one("zrevrangebyscore", -4, cmdZRange, ro),
		one("zrangebylex", -4, cmdZRange, ro),
		one("zrevrangebylex", -4, cmdZRange, ro),
		one("zrevrange", -4, cmdZRange, ro),
		one("zremrangebyrank", 4, cmdZRemRange, w),
		one("zremrangebyscore", 4, cmdZRemRange, w),
		one("zremrangebylex", 4, cmdZRemRange, w),
		one("zpopmin", -2, cmdZPop, w, fast),
		one("zpopmax", -2, cmdZPop, w, fast),
		&Command{Name: "zmpop", Arity: -4, Flags: []string{w, mk}, run: cmdZMPop},
		&Command{Name: "bzpopmin", Arity: -3, Flags: []string{w, fast, bl, "noscript"}, FirstKey: 1, LastKey: -2, KeyStep: 1, run: cmdBZPop},
		&Command{Name: "bzpopmax", Arity: -3, Flags: []string{w, fast, bl, "noscript"}, FirstKey: 1, LastKey: -2, KeyStep: 1, run: cmdBZPop},
		&Command{Name: "bzmpop", Arity: -5, Flags: []string{w, bl, mk}, run: cmdZMPop},
		one("zrandmember", -2, cmdZRandMember, ro),
		&Command{Name: "zunion", Arity: -3, Flags: []string{ro, mk}, run: cmdZSetOp},
		&Command{Name: "zinter", Arity: -3, Flags: []string{ro, mk}, run: cmdZSetOp},
		&Command{Name: "zdiff", Arity: -3, Flags: []string{ro, mk}, run: cmdZSetOp},
		&Command{Name: "zunionstore", Arity: -4, Flags: []string{w, deny, mk}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdZSetOp},
		&Command{Name: "zinterstore", Arity: -4, Flags: []string{w, deny, mk}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdZSetOp},
		&Command{Name: "zdiffstore", Arity: -4, Flags: []string{w, deny, mk}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdZSetOp},
		&Command{Name: "zintercard", Arity: -3, Flags: []string{ro, mk}, run: cmdZInterCard},
		one("zscan", -3, cmdZScan, ro),
	)
}

// resp3 reports whether w writes RESP3.
func resp3(w ReplyWriter) bool {
	p, ok := w.(protocolWriter)
	return ok && p.Protocol() == 3
}

// writeZs writes members, with their scores if withScores: RESP2 a flat
// array, RESP3 an array of [member, score] pairs.
func writeZs(w ReplyWriter, zs []Z, withScores bool) {
	if !withScores {
		w.WriteArrayLen(len(zs))
		for _, z := range zs {
			w.WriteBulk(z.Member)
		}
		return
	}
	nested := resp3(w)
	writeZPairs(w, zs, nested)
}

// writeZPairs writes members with scores as [member, score] pairs (nested)
// or a flat array.
func writeZPairs(w ReplyWriter, zs []Z, nested bool) {
	if nested {
		w.WriteArrayLen(len(zs))
		for _, z := range zs {
			w.WriteArrayLen(2)
			w.WriteBulk(z.Member)
			w.WriteDouble(z.Score)
		}
		return
	}
	w.WriteArrayLen(2 * len(zs))
	for _, z := range zs {
		w.WriteBulk(z.Member)
		w.WriteDouble(z.Score)
	}
}

func parseScore(s string) (float64, error) {
	f, ok := number.ParseDouble(s)
	if !ok {
		return 0, ErrNotFloat
	}
	return f, nil
}

func cmdZAdd(tx *Tx, args []string, w ReplyWriter) {
	var a ZAddArgs
	incr := false
	i := 2
options:
	for ; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "NX":
			a.NX = true
		case "XX":
			a.XX = true
		case "GT":
			a.GT = true
		case "LT":
			a.LT = true
		case "CH":
			a.Ch = true
		case "INCR":
			incr = true
		default:
			break options
		}
	}
	elems := args[i:]
	if len(elems) == 0 || len(elems)%2 != 0 {
		w.WriteError(ErrSyntax)
		return
	}
	switch {
	case incr && len(elems) > 2:
		w.WriteError(errZAddIncrPair)
		return
	case a.NX && a.XX:
		w.WriteError(errZAddXXNX)
		return
	case a.GT && a.NX || a.LT && a.NX || a.GT && a.LT:
		w.WriteError(errZAddGTLTNX)
		return
	}
	a.Members = make([]Z, len(elems)/2)
	for j := range a.Members {
		sc, err := parseScore(elems[2*j])
		if err != nil {
			w.WriteError(err)
			return
		}
		a.Members[j] = Z{sc, elems[2*j+1]}
	}
	if incr {
		sc, err := tx.ZAddArgsIncr(args[1], a)
		writeDoubleOrNull(w, sc, err)
		return
	}
	n, err := tx.ZAddArgs(args[1], a)
	writeIntOrError(w, n, err)
}

func cmdZIncrBy(tx *Tx, args []string, w ReplyWriter) {
	incr, err := parseScore(args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	sc, err := tx.ZIncrBy(args[1], incr, args[3])
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteDouble(sc)
}

func cmdZRem(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.ZRem(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdZCard(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.ZCard(args[1])
	writeIntOrError(w, n, err)
}

func cmdZCount(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.ZCount(args[1], args[2], args[3])
	writeIntOrError(w, n, err)
}

func cmdZLexCount(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.ZLexCount(args[1], args[2], args[3])
	writeIntOrError(w, n, err)
}

func cmdZScore(tx *Tx, args []string, w ReplyWriter) {
	sc, err := tx.ZScore(args[1], args[2])
	writeDoubleOrNull(w, sc, err)
}

func cmdZMScore(tx *Tx, args []string, w ReplyWriter) {
	scs, err := tx.ZMScore(args[1], args[2:]...)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(scs))
	for _, sc := range scs {
		if sc == nil {
			w.WriteNull()
		} else {
			w.WriteDouble(*sc)
		}
	}
}

func cmdZRank(tx *Tx, args []string, w ReplyWriter) {
	var r int64
	var err error
	if commandName(args) == "zrank" {
		r, err = tx.ZRank(args[1], args[2])
	} else {
		r, err = tx.ZRevRank(args[1], args[2])
	}
	writeIntOrNull(w, r, err)
}

// cmdZRange serves ZRANGE, ZRANGESTORE and the older ZRANGEBYSCORE,
// ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX and ZREVRANGE, which are
// ZRANGE with the range type or the direction fixed.
func cmdZRange(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	var kind byte // 0: chosen by BYSCORE/BYLEX, else rank
	dir := 0      // 0: chosen by REV; 1 forward; -1 reverse
	at := 1       // the source key's index
	store := false
	switch name {
	case "zrangestore":
		at, store = 2, true
	case "zrangebyscore":
		kind, dir = 's', 1
	case "zrevrangebyscore":
		kind, dir = 's', -1
	case "zrangebylex":
		kind, dir = 'l', 1
	case "zrevrangebylex":
		kind, dir = 'l', -1
	case "zrevrange":
		kind, dir = 'r', -1
	}
	withScores := false
	offset, limit := int64(0), int64(-1)
	for j := at + 3; j < len(args); j++ {
		left := len(args) - j - 1
		opt := strings.ToUpper(args[j])
		switch {
		case opt == "WITHSCORES" && !store:
			withScores = true
		case opt == "LIMIT" && left >= 2:
			var err error
			if offset, limit, err = parseTwoInts(args[j+1], args[j+2]); err != nil {
				w.WriteError(err)
				return
			}
			j += 2
		case opt == "REV" && dir == 0:
			dir = -1
		case opt == "BYSCORE" && kind == 0:
			kind = 's'
		case opt == "BYLEX" && kind == 0:
			kind = 'l'
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	if kind == 0 {
		kind = 'r'
	}
	if limit != -1 && kind == 'r' {
		w.WriteError(errLimitOnlyByScore)
		return
	}
	if withScores && kind == 'l' {
		w.WriteError(errWithScoresByLex)
		return
	}
	q, err := newZRangeQuery(kind, dir == -1, args[at+1], args[at+2], offset, limit)
	if err != nil {
		w.WriteError(err)
		return
	}
	if store {
		zs, err := tx.zrangeRun(args[2], &q)
		if err != nil {
			w.WriteError(err)
			return
		}
		s := zset.New()
		for _, z := range zs {
			s.Add(z.Member, z.Score)
		}
		w.WriteInt(tx.storeZSet(args[1], s, evZRangeSt, 1))
		return
	}
	zs, err := tx.zrangeRun(args[1], &q)
	if err != nil {
		w.WriteError(err)
		return
	}
	writeZs(w, zs, withScores)
}

func cmdZRemRange(tx *Tx, args []string, w ReplyWriter) {
	var n int64
	var err error
	switch commandName(args) {
	case "zremrangebyrank":
		var start, stop int64
		if start, stop, err = parseTwoInts(args[2], args[3]); err == nil {
			n, err = tx.ZRemRangeByRank(args[1], start, stop)
		}
	case "zremrangebyscore":
		n, err = tx.ZRemRangeByScore(args[1], args[2], args[3])
	default:
		n, err = tx.ZRemRangeByLex(args[1], args[2], args[3])
	}
	writeIntOrError(w, n, err)
}

func cmdZPop(tx *Tx, args []string, w ReplyWriter) {
	if len(args) > 3 {
		w.WriteError(ErrSyntax)
		return
	}
	count := int64(1)
	if len(args) == 3 {
		var err error
		if count, err = parseIntArg(args[2]); err != nil || count < 0 {
			w.WriteError(ErrNotPositive)
			return
		}
	}
	var zs []Z
	var err error
	if commandName(args) == "zpopmin" {
		zs, err = tx.ZPopMin(args[1], count)
	} else {
		zs, err = tx.ZPopMax(args[1], count)
	}
	if err != nil {
		w.WriteError(err)
		return
	}
	// RESP3 nests pairs only when a count was given.
	writeZPairs(w, zs, resp3(w) && len(args) == 3)
}

// cmdZMPop serves ZMPOP numkeys key... MIN|MAX [COUNT n] and BZMPOP timeout
// numkeys ....
func cmdZMPop(tx *Tx, args []string, w ReplyWriter) {
	blocking := commandName(args) == "bzmpop"
	first := 1
	if blocking {
		first = 2
	}
	keys, _, max, count, err := parseMPop(args, first, zsetEnd)
	if err != nil {
		w.WriteError(err)
		return
	}
	// Redis reads the timeout after the other arguments.
	var timeout float64
	if blocking {
		if timeout, err = parseTimeout(args[1], tx.nowMs()); err != nil {
			w.WriteError(err)
			return
		}
	}
	write := func(w ReplyWriter, key string, zs []Z) {
		w.WriteArrayLen(2)
		w.WriteBulk(key)
		writeZPairs(w, zs, true)
	}
	if !blocking {
		key, zs, ok, err := firstServed(tx, keys, zsetPop(max, count))
		switch {
		case err != nil:
			w.WriteError(err)
		case ok:
			write(w, key, zs)
		default:
			w.WriteNullArray()
		}
		return
	}
	blockingReply(tx, w, keys, "zset", timeout, zsetPop(max, count), write, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}

func cmdBZPop(tx *Tx, args []string, w ReplyWriter) {
	max := commandName(args) == "bzpopmax"
	timeout, err := parseTimeout(args[len(args)-1], tx.nowMs())
	if err != nil {
		w.WriteError(err)
		return
	}
	write := func(w ReplyWriter, key string, zs []Z) {
		w.WriteArrayLen(3)
		w.WriteBulk(key)
		w.WriteBulk(zs[0].Member)
		w.WriteDouble(zs[0].Score)
	}
	blockingReply(tx, w, args[1:len(args)-1], "zset", timeout, zsetPop(max, 1), write, ReplyWriter.WriteNullArray, ReplyWriter.WriteNullArray)
}

func cmdZRandMember(tx *Tx, args []string, w ReplyWriter) {
	if len(args) == 2 {
		zs, err := tx.zrandmember(args[1], 1)
		switch {
		case err != nil:
			w.WriteError(err)
		case len(zs) == 0:
			w.WriteNull()
		default:
			w.WriteBulk(zs[0].Member)
		}
		return
	}
	count, err := parseIntArg(args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	if count == math.MinInt64 {
		w.WriteError(ErrRandCountRange)
		return
	}
	withScores := false
	switch {
	case len(args) == 4 && strings.EqualFold(args[3], "WITHSCORES"):
		withScores = true
		// Redis refuses what would overflow a reply of pairs.
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			w.WriteError(ErrValueOutOfRange)
			return
		}
	case len(args) > 3:
		w.WriteError(ErrSyntax)
		return
	}
	zs, err := tx.zrandmember(args[1], count)
	if err != nil {
		w.WriteError(err)
		return
	}
	writeZs(w, zs, withScores)
}

// cmdZSetOp serves ZUNION, ZINTER, ZDIFF and their STORE forms.
func cmdZSetOp(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	store := strings.HasSuffix(name, "store")
	op := name[1] // 'u', 'i' or 'd'
	at := 1
	if store {
		at = 2
	}
	n, err := parseIntArg(args[at])
	if err != nil {
		w.WriteError(err)
		return
	}
	if n < 1 {
		w.WriteError(needInputKey(name))
		return
	}
	if n > int64(len(args)-at-1) {
		w.WriteError(ErrSyntax)
		return
	}
	keys := args[at+1 : at+1+int(n)]
	// Redis looks the inputs up (and checks their types) before it parses
	// the options, and only once.
	srcs, err := tx.zsetOpSources(keys, nil)
	if err != nil {
		w.WriteError(err)
		return
	}
	st := ZStore{Keys: keys}
	withScores := false
	for j := at + 1 + int(n); j < len(args); j++ {
		left := len(args) - j - 1
		opt := strings.ToUpper(args[j])
		switch {
		case op != 'd' && opt == "WEIGHTS" && int64(left) >= n:
			st.Weights = make([]float64, n)
			for i := range st.Weights {
				f, ok := number.ParseDouble(args[j+1+i])
				if !ok {
					w.WriteError(errWeightNotFloat)
					return
				}
				st.Weights[i] = f
			}
			j += int(n)
		case op != 'd' && opt == "AGGREGATE" && left >= 1:
			// The Go API's "" (SUM) is no spelling of the command's.
			if _, err := parseAggregate(args[j+1]); err != nil || args[j+1] == "" {
				w.WriteError(ErrSyntax)
				return
			}
			st.Aggregate = args[j+1]
			j++
		case !store && opt == "WITHSCORES":
			withScores = true
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	for i := range srcs {
		if st.Weights != nil {
			srcs[i].weight = st.Weights[i]
		}
	}
	agg, _ := parseAggregate(st.Aggregate) // checked above
	res := zsetOpOn(op, agg, srcs)
	if store {
		w.WriteInt(tx.storeZSet(args[1], res, zsetStoreEvent(op), 1))
		return
	}
	writeZs(w, setToZs(res), withScores)
}

func cmdZInterCard(tx *Tx, args []string, w ReplyWriter) {
	n, err := parseIntArg(args[1])
	if err != nil {
		w.WriteError(err)
		return
	}
	if n < 1 {
		w.WriteError(needInputKey("zintercard"))
		return
	}
	if n > int64(len(args)-2) {
		w.WriteError(ErrSyntax)
		return
	}
	keys := args[2 : 2+n]
	srcs, err := tx.zsetOpSources(keys, nil) // once, before the options
	if err != nil {
		w.WriteError(err)
		return
	}
	limit := int64(0)
	rest := args[2+n:]
	for j := 0; j < len(rest); j++ {
		if strings.EqualFold(rest[j], "LIMIT") && j+1 < len(rest) {
			l, err := parseIntArg(rest[j+1])
			if err != nil || l < 0 {
				w.WriteError(ErrLimitNegative)
				return
			}
			limit = l
			j++
			continue
		}
		w.WriteError(ErrSyntax)
		return
	}
	w.WriteInt(zinterCard(srcs, limit))
}

func cmdZScan(tx *Tx, args []string, w ReplyWriter) {
	scanValue(tx, args, w, func(key string) (bool, error) {
		zv, err := keyAs[*zsetValue](tx.live(key))
		return zv != nil, err
	}, tx.ZScan)
}
