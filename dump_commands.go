package embedis

import "strings"

// Handlers of DUMP and RESTORE: argument parsing and reply writing around
// the Tx methods of dump.go.

func init() {
	register(
		&Command{Name: "dump", Arity: 2, Flags: []string{"readonly"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdDump},
		&Command{Name: "restore", Arity: -4, Flags: []string{"write", "denyoom"}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdRestore},
	)
}

func cmdDump(tx *Tx, args []string, w ReplyWriter) {
	p, ok, err := tx.Dump(args[1])
	switch {
	case err != nil:
		w.WriteError(err)
	case !ok:
		w.WriteNull()
	default:
		w.WriteBulk(p)
	}
}

// cmdRestore parses RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME
// seconds] [FREQ frequency] as Redis 7.0 does: options in any order, each
// may repeat, IDLETIME and FREQ exclude each other (a syntax error), and
// an option's bad value is reported as soon as it is read. The TTL's own
// errors come after the check for an existing key, as in Redis.
func cmdRestore(tx *Tx, args []string, w ReplyWriter) {
	writeOKOrError(w, tx.parseRestore(args))
}

func (tx *Tx) parseRestore(args []string) error {
	sp := restoreSpec{idle: -1, freq: -1}
	for i := 4; i < len(args); i++ {
		more := len(args) - i - 1
		switch o := strings.ToUpper(args[i]); {
		case o == "REPLACE":
			sp.replace = true
		case o == "ABSTTL":
			sp.abs = true
		case o == "IDLETIME" && more >= 1 && sp.freq < 0:
			n, err := parseIntArg(args[i+1])
			if err != nil {
				return err
			}
			if n < 0 {
				return ErrInvalidIdleTime
			}
			sp.idle = n
			i++
		case o == "FREQ" && more >= 1 && sp.idle < 0:
			n, err := parseIntArg(args[i+1])
			if err != nil {
				return err
			}
			if n < 0 || n > 255 {
				return ErrInvalidFreq
			}
			sp.freq = n
			i++
		default:
			return ErrSyntax
		}
	}
	switch ttl, err := parseIntArg(args[2]); {
	case err != nil:
		sp.ttlErr = err
	case ttl < 0:
		sp.ttlErr = ErrInvalidTTL
	default:
		sp.hasTTL, sp.ttl = ttl != 0, ttl
	}
	return tx.restore(args[1], args[3], sp)
}
