package embedis

import (
	"math"
	"strings"
)

// Handlers of the string commands: argument parsing and reply writing around
// the Tx methods of strings.go.

func init() {
	register(
		&Command{Name: "get", Arity: 2, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGet},
		&Command{Name: "set", Arity: -3, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSet},
		&Command{Name: "setnx", Arity: 3, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSetNX},
		&Command{Name: "setex", Arity: 4, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSetEx},
		&Command{Name: "psetex", Arity: 4, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSetEx},
		&Command{Name: "getset", Arity: 3, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGetSet},
		&Command{Name: "getdel", Arity: 2, Flags: []string{"write", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGetDel},
		&Command{Name: "getex", Arity: -2, Flags: []string{"write", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGetEx},
		&Command{Name: "mget", Arity: -2, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdMGet},
		&Command{Name: "mset", Arity: -3, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: -1, KeyStep: 2, run: cmdMSet},
		&Command{Name: "msetnx", Arity: -3, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: -1, KeyStep: 2, run: cmdMSetNX},
		&Command{Name: "append", Arity: 3, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdAppend},
		&Command{Name: "strlen", Arity: 2, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdStrLen},
		&Command{Name: "getrange", Arity: 4, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGetRange},
		&Command{Name: "substr", Arity: 4, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGetRange},
		&Command{Name: "setrange", Arity: 4, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSetRange},
		&Command{Name: "lcs", Arity: -3, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdLCS},
		&Command{Name: "incr", Arity: 2, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdIncr},
		&Command{Name: "decr", Arity: 2, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdIncr},
		&Command{Name: "incrby", Arity: 3, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdIncr},
		&Command{Name: "decrby", Arity: 3, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdIncr},
		&Command{Name: "incrbyfloat", Arity: 3, Flags: []string{"write", "denyoom", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdIncrByFloat},
	)
}

func cmdGet(tx *Tx, args []string, w ReplyWriter) {
	v, err := tx.Get(args[1])
	writeStringOrNull(w, v, err)
}

// expireArg parses the time argument of EX/PX/EXAT/PXAT into an absolute
// deadline in Unix ms, with Redis's checks: positive, and no overflow.
func (tx *Tx) expireArg(s string, unitMs int64, relative bool, cmd string) (int64, error) {
	n, err := parseIntArg(s)
	if err != nil {
		return 0, err
	}
	if n <= 0 || n > math.MaxInt64/unitMs {
		return 0, invalidExpire(cmd)
	}
	n *= unitMs
	if relative {
		now := tx.nowMs()
		if n > math.MaxInt64-now {
			return 0, invalidExpire(cmd)
		}
		n += now
	}
	return n, nil
}

// expiryOption collects the expiry option of SET (KEEPTTL, EX, PX, EXAT,
// PXAT) or GETEX (PERSIST and the same four) as Redis parses it: one option
// may repeat, and the last value given wins; two different ones are a
// syntax error. Only the value that wins is checked, after every option has
// been read, so a syntax error anywhere comes first.
type expiryOption struct {
	kind string // "" (none), "KEEPTTL", "PERSIST", "EX", "PX", "EXAT" or "PXAT"
	arg  string
}

// take reads option o (upper case) at opts[i], if it is one of keep (the
// command's value-less option) or the four timed ones; it returns how many
// arguments it consumed (0 if o is no expiry option) or a syntax error.
func (e *expiryOption) take(o, keep string, opts []string, i int) (int, error) {
	switch o {
	case keep:
		if e.kind != "" && e.kind != o {
			return 0, ErrSyntax
		}
		e.kind = o
		return 1, nil
	case "EX", "PX", "EXAT", "PXAT":
		if (e.kind != "" && e.kind != o) || i+1 >= len(opts) {
			return 0, ErrSyntax
		}
		e.kind, e.arg = o, opts[i+1]
		return 2, nil
	}
	return 0, nil
}

// deadline returns the absolute deadline of a timed option, in Unix ms.
func (e *expiryOption) deadline(tx *Tx, cmd string) (int64, error) {
	unit := int64(1000)
	if e.kind == "PX" || e.kind == "PXAT" {
		unit = 1
	}
	return tx.expireArg(e.arg, unit, e.kind == "EX" || e.kind == "PX", cmd)
}

// timed reports whether the option sets a deadline.
func (e *expiryOption) timed() bool {
	return e.kind != "" && e.kind != "KEEPTTL" && e.kind != "PERSIST"
}

// parseSetOptions parses SET's options (args after key and value).
func (tx *Tx) parseSetOptions(opts []string) (setSpec, error) {
	var sp setSpec
	var exp expiryOption
	for i := 0; i < len(opts); i++ {
		o := strings.ToUpper(opts[i])
		switch o {
		case "NX":
			if sp.xx {
				return sp, ErrSyntax
			}
			sp.nx = true
		case "XX":
			if sp.nx {
				return sp, ErrSyntax
			}
			sp.xx = true
		case "GET":
			sp.get = true
		default:
			n, err := exp.take(o, "KEEPTTL", opts, i)
			if err != nil {
				return sp, err
			}
			if n == 0 {
				return sp, ErrSyntax
			}
			i += n - 1
		}
	}
	sp.keepTTL = exp.kind == "KEEPTTL"
	if exp.timed() {
		at, err := exp.deadline(tx, "set")
		if err != nil {
			return sp, err
		}
		sp.at = at
	}
	return sp, nil
}

func cmdSet(tx *Tx, args []string, w ReplyWriter) {
	sp, err := tx.parseSetOptions(args[3:])
	if err != nil {
		w.WriteError(err)
		return
	}
	r, err := tx.set(args[1], args[2], sp)
	switch {
	case err != nil:
		w.WriteError(err)
	case sp.get && r.OldExists:
		w.WriteBulk(r.Old)
	case sp.get || !r.Written:
		w.WriteNull()
	default:
		writeOK(w)
	}
}

func cmdSetNX(tx *Tx, args []string, w ReplyWriter) {
	r, err := tx.set(args[1], args[2], setSpec{nx: true})
	writeBoolOrError(w, r.Written, err)
}

func cmdSetEx(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	unit := int64(1000)
	if name == "psetex" {
		unit = 1
	}
	at, err := tx.expireArg(args[2], unit, true, name)
	if err != nil {
		w.WriteError(err)
		return
	}
	_, err = tx.set(args[1], args[3], setSpec{at: at})
	writeOKOrError(w, err)
}

func cmdGetSet(tx *Tx, args []string, w ReplyWriter) {
	v, err := tx.GetSet(args[1], args[2])
	writeStringOrNull(w, v, err)
}

func cmdGetDel(tx *Tx, args []string, w ReplyWriter) {
	v, err := tx.GetDel(args[1])
	writeStringOrNull(w, v, err)
}

func cmdGetEx(tx *Tx, args []string, w ReplyWriter) {
	var exp expiryOption
	opts := args[2:]
	for i := 0; i < len(opts); i++ {
		n, err := exp.take(strings.ToUpper(opts[i]), "PERSIST", opts, i)
		if err == nil && n == 0 {
			err = ErrSyntax
		}
		if err != nil {
			w.WriteError(err)
			return
		}
		i += n - 1
	}
	mode, at := getExKeep, int64(0)
	switch {
	case exp.kind == "PERSIST":
		mode = getExPersist
	case exp.timed():
		var err error
		if at, err = exp.deadline(tx, "getex"); err != nil {
			// Redis looks the key up first: a missing key or another
			// type answers before a bad time does.
			if _, lerr := tx.getEx(args[1], getExKeep, 0, "getex"); lerr != nil {
				err = lerr
			}
			writeStringOrNull(w, "", err)
			return
		}
		mode = getExSet
	}
	v, err := tx.getEx(args[1], mode, at, "getex")
	writeStringOrNull(w, v, err)
}

func cmdMGet(tx *Tx, args []string, w ReplyWriter) {
	vals, _ := tx.MGet(args[1:]...)
	writeStringPtrs(w, vals)
}

func cmdMSet(tx *Tx, args []string, w ReplyWriter) {
	if len(args)%2 == 0 {
		w.WriteError(ArityError(strings.ToLower(args[0])))
		return
	}
	writeOKOrError(w, tx.MSet(args[1:]...))
}

func cmdMSetNX(tx *Tx, args []string, w ReplyWriter) {
	if len(args)%2 == 0 {
		w.WriteError(ArityError(strings.ToLower(args[0])))
		return
	}
	ok, err := tx.MSetNX(args[1:]...)
	writeBoolOrError(w, ok, err)
}

func cmdAppend(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.Append(args[1], args[2])
	writeIntOrError(w, n, err)
}

func cmdStrLen(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.StrLen(args[1])
	writeIntOrError(w, n, err)
}

func cmdGetRange(tx *Tx, args []string, w ReplyWriter) {
	start, err1 := parseIntArg(args[2])
	end, err2 := parseIntArg(args[3])
	if err1 != nil || err2 != nil {
		w.WriteError(ErrNotInteger)
		return
	}
	s, err := tx.GetRange(args[1], start, end)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteBulk(s)
}

func cmdSetRange(tx *Tx, args []string, w ReplyWriter) {
	off, err := parseIntArg(args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	n, err := tx.SetRange(args[1], off, args[3])
	writeIntOrError(w, n, err)
}

func cmdIncr(tx *Tx, args []string, w ReplyWriter) {
	var delta int64 = 1
	name := commandName(args)
	if name == "incrby" || name == "decrby" {
		var err error
		if delta, err = parseIntArg(args[2]); err != nil {
			w.WriteError(err)
			return
		}
	}
	var n int64
	var err error
	switch name {
	case "decr":
		n, err = tx.Decr(args[1])
	case "decrby":
		n, err = tx.DecrBy(args[1], delta)
	default:
		n, err = tx.IncrBy(args[1], delta)
	}
	writeIntOrError(w, n, err)
}

func cmdIncrByFloat(tx *Tx, args []string, w ReplyWriter) {
	s, err := tx.incrByFloat(args[1], args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteBulk(s)
}

func cmdLCS(tx *Tx, args []string, w ReplyWriter) {
	var getLen, getIdx, withMatchLen bool
	var minLen int64
	for i := 3; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "LEN":
			getLen = true
		case "IDX":
			getIdx = true
		case "WITHMATCHLEN":
			withMatchLen = true
		case "MINMATCHLEN":
			if i+1 >= len(args) {
				w.WriteError(ErrSyntax)
				return
			}
			i++
			n, err := parseIntArg(args[i])
			if err != nil {
				w.WriteError(err)
				return
			}
			if n < 0 {
				n = 0
			}
			minLen = n
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	if getLen && getIdx {
		w.WriteError(errLCSLenAndIdx)
		return
	}
	switch {
	case getIdx:
		r, err := tx.LCSIdx(args[1], args[2], minLen)
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteMapLen(2)
		w.WriteBulk("matches")
		w.WriteArrayLen(len(r.Matches))
		for _, m := range r.Matches {
			if withMatchLen {
				w.WriteArrayLen(3)
			} else {
				w.WriteArrayLen(2)
			}
			w.WriteArrayLen(2)
			w.WriteInt(m.A[0])
			w.WriteInt(m.A[1])
			w.WriteArrayLen(2)
			w.WriteInt(m.B[0])
			w.WriteInt(m.B[1])
			if withMatchLen {
				w.WriteInt(m.Len)
			}
		}
		w.WriteBulk("len")
		w.WriteInt(r.Len)
	case getLen:
		n, err := tx.LCSLen(args[1], args[2])
		writeIntOrError(w, n, err)
	default:
		s, err := tx.LCS(args[1], args[2])
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteBulk(s)
	}
}
