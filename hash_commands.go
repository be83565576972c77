package embedis

import (
	"math"
	"strings"

	"github.com/embedis/embedis/internal/number"
)

// Handlers of the hash commands: argument parsing and reply writing around
// the Tx methods of hash.go.

func init() {
	register(
		&Command{Name: "hset", Arity: -4, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHSet},
		&Command{Name: "hmset", Arity: -4, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHSet},
		&Command{Name: "hsetnx", Arity: 4, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHSetNX},
		&Command{Name: "hget", Arity: 3, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHGet},
		&Command{Name: "hmget", Arity: -3, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHMGet},
		&Command{Name: "hdel", Arity: -3, Flags: []string{"write", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHDel},
		&Command{Name: "hexists", Arity: 3, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHExists},
		&Command{Name: "hlen", Arity: 2, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHLen},
		&Command{Name: "hstrlen", Arity: 3, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHStrLen},
		&Command{Name: "hkeys", Arity: 2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHKeys},
		&Command{Name: "hvals", Arity: 2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHVals},
		&Command{Name: "hgetall", Arity: 2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHGetAll},
		&Command{Name: "hincrby", Arity: 4, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHIncrBy},
		&Command{Name: "hincrbyfloat", Arity: 4, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHIncrByFloat},
		&Command{Name: "hrandfield", Arity: -2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHRandField},
		&Command{Name: "hscan", Arity: -3, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdHScan},
	)
}

func cmdHSet(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	if len(args)%2 != 0 {
		w.WriteError(ArityError(name))
		return
	}
	n, err := tx.hset(args[1], args[2:], name)
	switch {
	case err != nil:
		w.WriteError(err)
	case name == "hmset":
		writeOK(w)
	default:
		w.WriteInt(n)
	}
}

func cmdHSetNX(tx *Tx, args []string, w ReplyWriter) {
	ok, err := tx.HSetNX(args[1], args[2], args[3])
	writeBoolOrError(w, ok, err)
}

func cmdHGet(tx *Tx, args []string, w ReplyWriter) {
	v, err := tx.HGet(args[1], args[2])
	writeStringOrNull(w, v, err)
}

func cmdHMGet(tx *Tx, args []string, w ReplyWriter) {
	vals, err := tx.HMGet(args[1], args[2:]...)
	if err != nil {
		w.WriteError(err)
		return
	}
	writeStringPtrs(w, vals)
}

func cmdHDel(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.HDel(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdHExists(tx *Tx, args []string, w ReplyWriter) {
	ok, err := tx.HExists(args[1], args[2])
	writeBoolOrError(w, ok, err)
}

func cmdHLen(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.HLen(args[1])
	writeIntOrError(w, n, err)
}

func cmdHStrLen(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.HStrLen(args[1], args[2])
	writeIntOrError(w, n, err)
}

func cmdHKeys(tx *Tx, args []string, w ReplyWriter) {
	ss, err := tx.HKeys(args[1])
	if err != nil {
		w.WriteError(err)
		return
	}
	writeStrings(w, ss)
}

func cmdHVals(tx *Tx, args []string, w ReplyWriter) {
	ss, err := tx.HVals(args[1])
	if err != nil {
		w.WriteError(err)
		return
	}
	writeStrings(w, ss)
}

func cmdHGetAll(tx *Tx, args []string, w ReplyWriter) {
	pairs, err := tx.hgetAll(args[1])
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteMapLen(len(pairs) / 2)
	for _, s := range pairs {
		w.WriteBulk(s)
	}
}

func cmdHIncrBy(tx *Tx, args []string, w ReplyWriter) {
	incr, err := parseIntArg(args[3])
	if err != nil {
		w.WriteError(err)
		return
	}
	n, err := tx.HIncrBy(args[1], args[2], incr)
	writeIntOrError(w, n, err)
}

func cmdHIncrByFloat(tx *Tx, args []string, w ReplyWriter) {
	incr, ok := number.ParseLongDouble(args[3])
	if !ok {
		w.WriteError(ErrNotFloat)
		return
	}
	if incr.IsInf() {
		w.WriteError(ErrHashNaNOrInfinity)
		return
	}
	s, err := tx.hincrByFloat(args[1], args[2], incr)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteBulk(s)
}

func cmdHRandField(tx *Tx, args []string, w ReplyWriter) {
	if len(args) == 2 {
		f, err := tx.hrandOne(args[1])
		writeStringOrNull(w, f, err)
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
	withValues := false
	if len(args) > 4 || (len(args) == 4 && !strings.EqualFold(args[3], "withvalues")) {
		w.WriteError(ErrSyntax)
		return
	} else if len(args) == 4 {
		withValues = true
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			w.WriteError(ErrValueOutOfRange)
			return
		}
	}
	kvs, err := tx.hrandField(args[1], count)
	if err != nil {
		w.WriteError(err)
		return
	}
	if !withValues {
		w.WriteArrayLen(len(kvs))
		for _, kv := range kvs {
			w.WriteBulk(kv.Key)
		}
		return
	}
	writeFieldValuePairs(w, kvs)
}

// protocolWriter is implemented by reply writers that know their protocol
// version (the server's, through resp.Writer). Store.Do's writer does not:
// it gets RESP2's shape.
type protocolWriter interface{ Protocol() int }

// writeFieldValuePairs writes HRANDFIELD ... WITHVALUES's reply: a flat
// array in RESP2, an array of two-element arrays in RESP3.
func writeFieldValuePairs(w ReplyWriter, kvs []KeyValue) {
	if p, ok := w.(protocolWriter); ok && p.Protocol() == 3 {
		w.WriteArrayLen(len(kvs))
		for _, kv := range kvs {
			w.WriteArrayLen(2)
			w.WriteBulk(kv.Key)
			w.WriteBulk(kv.Value)
		}
		return
	}
	w.WriteArrayLen(2 * len(kvs))
	for _, kv := range kvs {
		w.WriteBulk(kv.Key)
		w.WriteBulk(kv.Value)
	}
}

func cmdHScan(tx *Tx, args []string, w ReplyWriter) {
	scanValue(tx, args, w, func(key string) (bool, error) {
		h, err := keyAs[*hashValue](tx.live(key))
		return h != nil, err
	}, tx.HScan)
}
