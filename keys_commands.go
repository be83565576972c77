package embedis

import (
	"math"
	"strconv"
	"strings"
)

// Handlers of the keyspace commands: argument parsing and reply writing
// around the Tx methods of keys.go.

func init() {
	ro, w, fast := "readonly", "write", "fast"
	register(
		&Command{Name: "del", Arity: -2, Flags: []string{w}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdDel},
		&Command{Name: "unlink", Arity: -2, Flags: []string{w, fast}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdDel},
		&Command{Name: "exists", Arity: -2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdExists},
		&Command{Name: "touch", Arity: -2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdExists},
		&Command{Name: "type", Arity: 2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdType},
		&Command{Name: "rename", Arity: 3, Flags: []string{w}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdRename},
		&Command{Name: "renamenx", Arity: 3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdRename},
		&Command{Name: "copy", Arity: -3, Flags: []string{w, "denyoom"}, FirstKey: 1, LastKey: 2, KeyStep: 1, run: cmdCopy},
		&Command{Name: "expire", Arity: -3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdExpire},
		&Command{Name: "pexpire", Arity: -3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdExpire},
		&Command{Name: "expireat", Arity: -3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdExpire},
		&Command{Name: "pexpireat", Arity: -3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdExpire},
		&Command{Name: "ttl", Arity: 2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdTTL},
		&Command{Name: "pttl", Arity: 2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdTTL},
		&Command{Name: "expiretime", Arity: 2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdTTL},
		&Command{Name: "pexpiretime", Arity: 2, Flags: []string{ro, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdTTL},
		&Command{Name: "persist", Arity: 2, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPersist},
		&Command{Name: "scan", Arity: -2, Flags: []string{ro}, run: cmdScan},
		&Command{Name: "keys", Arity: 2, Flags: []string{ro}, run: cmdKeys},
		&Command{Name: "randomkey", Arity: 1, Flags: []string{ro}, run: cmdRandomKey},
		&Command{Name: "dbsize", Arity: 1, Flags: []string{ro, fast}, run: cmdDBSize},
		&Command{Name: "flushdb", Arity: -1, Flags: []string{w}, run: cmdFlush},
		&Command{Name: "flushall", Arity: -1, Flags: []string{w}, run: cmdFlush},
		&Command{Name: "swapdb", Arity: 3, Flags: []string{w, fast}, run: cmdSwapDB},
		&Command{Name: "move", Arity: 3, Flags: []string{w, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdMove},
		&Command{Name: "select", Arity: 2, Flags: []string{"loading", "stale", fast}, run: cmdSelect},
	)
}

func cmdDel(tx *Tx, args []string, w ReplyWriter) {
	n, _ := tx.Del(args[1:]...)
	w.WriteInt(n)
}

func cmdExists(tx *Tx, args []string, w ReplyWriter) {
	n, _ := tx.Exists(args[1:]...)
	w.WriteInt(n)
}

func cmdType(tx *Tx, args []string, w ReplyWriter) {
	t, _ := tx.Type(args[1])
	w.WriteStatus(t)
}

func cmdRename(tx *Tx, args []string, w ReplyWriter) {
	nx := strings.EqualFold(args[0], "renamenx")
	ok, err := tx.rename(args[1], args[2], nx)
	switch {
	case err != nil:
		w.WriteError(err)
	case nx:
		writeBool(w, ok)
	default:
		writeOK(w)
	}
}

func cmdCopy(tx *Tx, args []string, w ReplyWriter) {
	db, replace := tx.dbIndex, false
	for i := 3; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "REPLACE":
			replace = true
		case "DB":
			if i+1 >= len(args) {
				w.WriteError(ErrSyntax)
				return
			}
			i++
			n, err := parseIntArg(args[i])
			if err != nil {
				w.WriteError(ErrNotInteger)
				return
			}
			if n < 0 || n >= int64(len(tx.e.dbs)) {
				w.WriteError(ErrDBIndex)
				return
			}
			db = int(n)
		default:
			w.WriteError(ErrSyntax)
			return
		}
	}
	ok, err := tx.Copy(args[1], args[2], db, replace)
	writeBoolOrError(w, ok, err)
}

func cmdExpire(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	var cond expireCond
	for _, o := range args[3:] {
		switch strings.ToUpper(o) {
		case "NX":
			cond |= expireNX
		case "XX":
			cond |= expireXX
		case "GT":
			cond |= expireGT
		case "LT":
			cond |= expireLT
		default:
			w.WriteError(unsupportedOption(o))
			return
		}
	}
	if cond&expireNX != 0 && cond&(expireXX|expireGT|expireLT) != 0 {
		w.WriteError(ErrExpireOptions)
		return
	}
	if cond&expireGT != 0 && cond&expireLT != 0 {
		w.WriteError(ErrGTAndLT)
		return
	}
	n, err := parseIntArg(args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	// Redis's arithmetic: seconds to ms, then relative to absolute, refusing
	// overflow with the command's own error.
	if name == "expire" || name == "expireat" {
		if n > math.MaxInt64/1000 || n < math.MinInt64/1000 {
			w.WriteError(invalidExpire(name))
			return
		}
		n *= 1000
	}
	if name == "expire" || name == "pexpire" {
		now := tx.nowMs()
		if n > math.MaxInt64-now {
			w.WriteError(invalidExpire(name))
			return
		}
		n += now
	}
	ok, err := tx.expireAt(args[1], n, cond)
	writeBoolOrError(w, ok, err)
}

func cmdTTL(tx *Tx, args []string, w ReplyWriter) {
	switch commandName(args) {
	case "ttl":
		ms := tx.ttlMs(args[1])
		if ms >= 0 {
			ms = (ms + 500) / 1000
		}
		w.WriteInt(ms)
	case "pttl":
		w.WriteInt(tx.ttlMs(args[1]))
	case "expiretime":
		n, _ := tx.ExpireTime(args[1])
		w.WriteInt(n)
	default:
		n, _ := tx.PExpireTime(args[1])
		w.WriteInt(n)
	}
}

func cmdPersist(tx *Tx, args []string, w ReplyWriter) {
	ok, _ := tx.Persist(args[1])
	writeBool(w, ok)
}

func cmdScan(tx *Tx, args []string, w ReplyWriter) {
	cursor, ok := parseCursor(args[1])
	if !ok {
		w.WriteError(ErrInvalidCursor)
		return
	}
	match, count, typ, err := parseScanOptions(args[2:], true)
	if err != nil {
		w.WriteError(err)
		return
	}
	keys, next, _ := tx.scan(cursor, match, count, typ)
	w.WriteArrayLen(2)
	w.WriteBulk(strconv.FormatUint(next, 10))
	writeStrings(w, keys)
}

func cmdKeys(tx *Tx, args []string, w ReplyWriter) {
	keys, _ := tx.Keys(args[1])
	writeStrings(w, keys)
}

func cmdRandomKey(tx *Tx, args []string, w ReplyWriter) {
	k, err := tx.RandomKey()
	writeStringOrNull(w, k, err)
}

func cmdDBSize(tx *Tx, args []string, w ReplyWriter) {
	n, _ := tx.DBSize()
	w.WriteInt(n)
}

func cmdFlush(tx *Tx, args []string, w ReplyWriter) {
	if len(args) > 2 {
		w.WriteError(ErrSyntax)
		return
	}
	if len(args) == 2 {
		if m := strings.ToUpper(args[1]); m != "ASYNC" && m != "SYNC" {
			w.WriteError(ErrSyntax)
			return
		}
	}
	if strings.EqualFold(args[0], "flushall") {
		tx.FlushAll()
	} else {
		tx.FlushDB()
	}
	writeOK(w)
}

func cmdSelect(tx *Tx, args []string, w ReplyWriter) {
	n, err := parseIntArg(args[1])
	if err != nil {
		w.WriteError(ErrNotInteger)
		return
	}
	if n < 0 || n >= int64(len(tx.e.dbs)) {
		w.WriteError(ErrDBIndex)
		return
	}
	tx.Select(int(n))
	writeOK(w)
}

// parseCursor reads a SCAN cursor as Redis does, with C's strtoul: no leading
// space, an optional sign (a negative value wraps around, so "-1" is the
// largest cursor), decimal digits, no overflow; an empty string is 0.
func parseCursor(s string) (uint64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
		if s == "" {
			return 0, false // strtoul converts nothing and stops at the sign
		}
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

func cmdSwapDB(tx *Tx, args []string, w ReplyWriter) {
	a, err := parseIntArg(args[1])
	if err != nil {
		w.WriteError(errSwapDBFirst)
		return
	}
	b, err := parseIntArg(args[2])
	if err != nil {
		w.WriteError(errSwapDBSecond)
		return
	}
	if a < 0 || a >= int64(len(tx.e.dbs)) || b < 0 || b >= int64(len(tx.e.dbs)) {
		w.WriteError(ErrDBIndex)
		return
	}
	writeOKOrError(w, tx.SwapDB(int(a), int(b)))
}

// parseScanOptions reads the MATCH, COUNT and (for SCAN) TYPE options of
// the SCAN family, as Redis does: each takes a value, COUNT must be a
// positive integer, anything else is a syntax error.
func parseScanOptions(opts []string, allowType bool) (match string, count int64, typ string, err error) {
	count = 10
	for i := 0; i < len(opts); i += 2 {
		if i+1 >= len(opts) {
			return "", 0, "", ErrSyntax
		}
		switch v := opts[i+1]; strings.ToUpper(opts[i]) {
		case "MATCH":
			match = v
		case "COUNT":
			n, err := parseIntArg(v)
			if err != nil {
				return "", 0, "", err
			}
			if n < 1 {
				return "", 0, "", ErrSyntax
			}
			count = n
		case "TYPE":
			if !allowType {
				return "", 0, "", ErrSyntax
			}
			typ = strings.ToLower(v)
		default:
			return "", 0, "", ErrSyntax
		}
	}
	return match, count, typ, nil
}

// scanValue is HSCAN and SSCAN (key cursor [MATCH p] [COUNT n]): Redis
// parses the cursor, then looks the key up (a missing key replies an empty
// page even to bad options), then reads the options.
func scanValue(tx *Tx, args []string, w ReplyWriter, exists func(key string) (bool, error),
	scan func(key string, cursor uint64, match string, count int64) ([]string, uint64, error)) {
	cursor, ok := parseCursor(args[2])
	if !ok {
		w.WriteError(ErrInvalidCursor)
		return
	}
	// exists looks without counting; the scan counts the hit, as Redis's one
	// lookupKeyRead does, and a miss or wrong type is counted here.
	found, err := exists(args[1])
	if !found {
		tx.lookupRead(args[1])
	}
	if err != nil {
		w.WriteError(err)
		return
	}
	if !found {
		w.WriteArrayLen(2)
		w.WriteBulk("0")
		w.WriteArrayLen(0)
		return
	}
	match, count, _, err := parseScanOptions(args[3:], false)
	if err != nil {
		tx.lookupRead(args[1]) // Redis found the key (a hit) before the options
		w.WriteError(err)
		return
	}
	items, next, err := scan(args[1], cursor, match, count)
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(2)
	w.WriteBulk(strconv.FormatUint(next, 10))
	writeStrings(w, items)
}

func cmdMove(tx *Tx, args []string, w ReplyWriter) {
	n, err := parseIntArg(args[2])
	switch {
	case err != nil:
		w.WriteError(err)
		return
	case n < math.MinInt32 || n > math.MaxInt32:
		// Redis reads the index as a C int.
		w.WriteError(errMoveDBRange)
		return
	case n < 0 || n >= int64(len(tx.e.dbs)):
		w.WriteError(ErrDBIndex)
		return
	}
	ok, err := tx.Move(args[1], int(n))
	writeBoolOrError(w, ok, err)
}
