package embedis

// Handlers of the bitmap commands: argument parsing, in Redis's order of
// checks, and reply writing around the Tx methods of bitmap.go.

func init() {
	register(
		&Command{Name: "setbit", Arity: 4, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSetBit},
		&Command{Name: "getbit", Arity: 3, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdGetBit},
		&Command{Name: "bitcount", Arity: -2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdBitCount},
		&Command{Name: "bitpos", Arity: -3, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdBitPos},
		&Command{Name: "bitop", Arity: -4, Flags: []string{"write", "denyoom"}, FirstKey: 2, LastKey: -1, KeyStep: 1, run: cmdBitOp},
		&Command{Name: "bitfield", Arity: -2, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdBitField},
		&Command{Name: "bitfield_ro", Arity: -2, Flags: []string{"readonly", "fast"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdBitField},
	)
}

func cmdSetBit(tx *Tx, args []string, w ReplyWriter) {
	off, err := parseBitOffset(args[2], false, 0, tx.maxBitOffset())
	if err != nil {
		w.WriteError(err)
		return
	}
	v, err := parseIntArg(args[3])
	if err != nil || (v != 0 && v != 1) {
		w.WriteError(ErrBitValue)
		return
	}
	n, err := tx.SetBit(args[1], int64(off), int(v))
	writeIntOrError(w, n, err)
}

func cmdGetBit(tx *Tx, args []string, w ReplyWriter) {
	off, err := parseBitOffset(args[2], false, 0, tx.maxBitOffset())
	if err != nil {
		w.WriteError(err)
		return
	}
	n, err := tx.GetBit(args[1], int64(off))
	writeIntOrError(w, n, err)
}

// parseBitRange parses BITCOUNT's start, end and unit (args after the key);
// an error waits in the range until the key has been looked up, as Redis
// reports it.
func parseBitRange(args []string) bitRange {
	var r bitRange
	switch len(args) {
	case 0:
		return r
	case 2, 3:
	default:
		r.err = ErrSyntax
		return r
	}
	r.hasStart, r.hasEnd = true, true
	var err error
	if r.start, err = parseIntArg(args[0]); err != nil {
		r.err = err
	} else if r.end, err = parseIntArg(args[1]); err != nil {
		r.err = err
	}
	if len(args) == 3 {
		r.unit = args[2]
		if r.unit == "" {
			r.unit = "?" // an empty word is no unit
		}
	}
	return r
}

func cmdBitCount(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.bitCount(args[1], parseBitRange(args[2:]))
	writeIntOrError(w, n, err)
}

func cmdBitPos(tx *Tx, args []string, w ReplyWriter) {
	bit, err := parseIntArg(args[2])
	if err != nil {
		w.WriteError(err)
		return
	}
	// Redis reads start, then the unit, then end.
	var r bitRange
	rest := args[3:]
	if len(rest) > 3 {
		r.err = ErrSyntax
	} else if len(rest) > 0 {
		r.hasStart = true
		r.start, r.err = parseIntArg(rest[0])
		if len(rest) == 3 {
			r.unit = rest[2]
			if r.unit == "" {
				r.unit = "?"
			}
			if _, uerr := unitIsBit(r.unit); r.err == nil && uerr != nil {
				r.err = uerr
			}
		}
		if len(rest) >= 2 {
			r.hasEnd = true
			var err error
			if r.end, err = parseIntArg(rest[1]); r.err == nil && err != nil {
				r.err = err
			}
		}
	}
	n, err := tx.bitPos(args[1], bit, r)
	writeIntOrError(w, n, err)
}

func cmdBitOp(tx *Tx, args []string, w ReplyWriter) {
	var op BitOp
	switch {
	case cwordEq(args[1], "and"):
		op = BitOpAnd
	case cwordEq(args[1], "or"):
		op = BitOpOr
	case cwordEq(args[1], "xor"):
		op = BitOpXor
	case cwordEq(args[1], "not"):
		op = BitOpNot
	default:
		w.WriteError(ErrSyntax)
		return
	}
	n, err := tx.bitOp(op, args[2], args[3:])
	writeIntOrError(w, n, err)
}

// parseBitField parses BITFIELD's operations (args after the key) in
// order, as Redis: a sub-command needs its arguments (else ErrSyntax), then
// its type, offset and value are checked before the next is read.
func parseBitField(args []string, maxOff int64) ([]bitFieldOp, error) {
	var ops []bitFieldOp
	overflow := overflowWrap
	for j := 0; j < len(args); j++ {
		remaining := len(args) - j - 1
		sub := args[j]
		var op BitFieldOp
		switch {
		case cwordEq(sub, "get") && remaining >= 2:
			op = BitFieldOp{kind: bfGet, typ: args[j+1], offset: args[j+2]}
		case cwordEq(sub, "set") && remaining >= 3:
			op = BitFieldOp{kind: bfSet, typ: args[j+1], offset: args[j+2]}
		case cwordEq(sub, "incrby") && remaining >= 3:
			op = BitFieldOp{kind: bfIncrBy, typ: args[j+1], offset: args[j+2]}
		case cwordEq(sub, "overflow") && remaining >= 1:
			m, err := parseOverflow(args[j+1])
			if err != nil {
				return nil, err
			}
			overflow = m
			j++
			continue
		default:
			return nil, ErrSyntax
		}
		c, err := op.compile(overflow, maxOff)
		if err != nil {
			return nil, err
		}
		if op.kind != bfGet {
			if c.value, err = parseIntArg(args[j+3]); err != nil {
				return nil, err
			}
			j += 3
		} else {
			j += 2
		}
		ops = append(ops, c)
	}
	return ops, nil
}

func cmdBitField(tx *Tx, args []string, w ReplyWriter) {
	ops, err := parseBitField(args[2:], tx.maxBitOffset())
	if err != nil {
		w.WriteError(err)
		return
	}
	res, err := tx.bitField(args[1], ops, commandName(args) == "bitfield_ro")
	if err != nil {
		w.WriteError(err)
		return
	}
	w.WriteArrayLen(len(res))
	for _, r := range res {
		if r.Failed {
			w.WriteNull()
		} else {
			w.WriteInt(r.Value)
		}
	}
}
