package embedis

import (
	"strings"
)

// Handlers of the set commands: argument parsing and reply writing around
// the Tx methods of set.go.

func init() {
	ro, w, fast, deny := "readonly", "write", "fast", "denyoom"
	register(
		&Command{Name: "sadd", Arity: -3, Flags: []string{w, deny, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSAdd},
		&Command{Name: "srem", Arity: -3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSRem},
		&Command{Name: "smembers", Arity: 2, Flags: []string{ro}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSMembers},
		&Command{Name: "sismember", Arity: 3, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSIsMember},
		&Command{Name: "smismember", Arity: -3, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSMIsMember},
		&Command{Name: "scard", Arity: 2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSCard},
		&Command{Name: "spop", Arity: -2, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSPop},
		&Command{Name: "srandmember", Arity: -2, Flags: []string{ro}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSRandMember},
		&Command{Name: "smove", Arity: 4, Flags: []string{w, fast}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdSMove},
		&Command{Name: "sinter", Arity: -2, Flags: []string{ro}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdSInter},
		&Command{Name: "sintercard", Arity: -3, Flags: []string{ro, "movablekeys"}, run: cmdSInterCard},
		&Command{Name: "sinterstore", Arity: -3, Flags: []string{w, deny}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdSInterStore},
		&Command{Name: "sunion", Arity: -2, Flags: []string{ro}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdSUnion},
		&Command{Name: "sunionstore", Arity: -3, Flags: []string{w, deny}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdSUnionStore},
		&Command{Name: "sdiff", Arity: -2, Flags: []string{ro}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdSDiff},
		&Command{Name: "sdiffstore", Arity: -3, Flags: []string{w, deny}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdSDiffStore},
		&Command{Name: "sscan", Arity: -3, Flags: []string{ro}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSScan},
	)
}

// writeSet writes members as a set reply (RESP3 ~, RESP2 an array).
func writeSet(w ReplyWriter, ms []string, err error) {
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteSetLen(len(ms))
	for _, m := range ms {
		w.WriteBulk(m)
	}
}

func cmdSAdd(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SAdd(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdSRem(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SRem(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdSMembers(tx *Tx, args []string, w ReplyWriter) {
	ms, err := tx.SMembers(args[1])
	writeSet(w, ms, err)
}

func cmdSIsMember(tx *Tx, args []string, w ReplyWriter) {
	ok, err := tx.SIsMember(args[1], args[2])
	writeBoolOrError(w, ok, err)
}

func cmdSMIsMember(tx *Tx, args []string, w ReplyWriter) {
	bs, err := tx.SMIsMember(args[1], args[2:]...)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(bs))
	for _, b := range bs {
		writeBool(w, b)
	}
}

func cmdSCard(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SCard(args[1])
	writeIntOrError(w, n, err)
}

func cmdSPop(tx *Tx, args []string, w ReplyWriter) {
	switch len(args) {
	case 2:
		m, err := tx.SPop(args[1])
		writeStringOrNull(w, m, err)
	case 3:
		n, err := parseIntArg(args[2])
		if err != nil || n < 0 {
			w.WriteError(ErrNotPositive)
			return
		}
		ms, err := tx.SPopN(args[1], n)
		writeSet(w, ms, err)
	default:
		w.WriteError(ErrSyntax)
	}
}

func cmdSRandMember(tx *Tx, args []string, w ReplyWriter) {
	switch len(args) {
	case 2:
		m, err := tx.SRandMember(args[1])
		writeStringOrNull(w, m, err)
	case 3:
		n, err := parseIntArg(args[2])
		if err != nil {
			w.WriteError(err)
			return
		}
		ms, err := tx.SRandMemberN(args[1], n)
		if err != nil {
			w.WriteError(err)
			return
		}
		writeStrings(w, ms)
	default:
		w.WriteError(ErrSyntax)
	}
}

func cmdSMove(tx *Tx, args []string, w ReplyWriter) {
	ok, err := tx.SMove(args[1], args[2], args[3])
	writeBoolOrError(w, ok, err)
}

func cmdSInter(tx *Tx, args []string, w ReplyWriter) {
	ms, err := tx.SInter(args[1:]...)
	writeSet(w, ms, err)
}

func cmdSInterCard(tx *Tx, args []string, w ReplyWriter) {
	numKeys, err := parseIntArg(args[1])
	if err != nil || numKeys < 1 {
		w.WriteError(ErrNumKeys)
		return
	}
	if numKeys > int64(len(args)-2) {
		w.WriteError(ErrNumKeysArgs)
		return
	}
	var limit int64
	for i := 2 + int(numKeys); i < len(args); i++ {
		if strings.EqualFold(args[i], "LIMIT") && i+1 < len(args) {
			i++
			n, err := parseIntArg(args[i])
			if err != nil || n < 0 {
				w.WriteError(ErrLimitNegative)
				return
			}
			limit = n
			continue
		}
		w.WriteError(ErrSyntax)
		return
	}
	n, err := tx.SInterCard(limit, args[2:2+numKeys]...)
	writeIntOrError(w, n, err)
}

func cmdSInterStore(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SInterStore(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdSUnion(tx *Tx, args []string, w ReplyWriter) {
	ms, err := tx.SUnion(args[1:]...)
	writeSet(w, ms, err)
}

func cmdSUnionStore(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SUnionStore(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdSDiff(tx *Tx, args []string, w ReplyWriter) {
	ms, err := tx.SDiff(args[1:]...)
	writeSet(w, ms, err)
}

func cmdSDiffStore(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SDiffStore(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

// cmdSScan follows Redis's order of checks: the cursor first, then the key
// (a missing key replies an empty page before the options are looked at),
// then the options.
func cmdSScan(tx *Tx, args []string, w ReplyWriter) {
	scanValue(tx, args, w, func(key string) (bool, error) {
		sv, err := keyAs[*setValue](tx.live(key))
		return sv != nil, err
	}, tx.SScan)
}
