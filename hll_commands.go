package embedis

import (
	"strings"

	"github.com/embedis/embedis/internal/hll"
)

// Handlers of the HyperLogLog commands: argument parsing and reply writing
// around the Tx methods of hll.go, and PFSELFTEST and PFDEBUG, which have
// no Go API of their own (Store.Do runs them).

func init() {
	ro, w, fast, deny, admin := "readonly", "write", "fast", "denyoom", "admin"
	register(
		&Command{Name: "pfadd", Arity: -2, Flags: []string{w, deny, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdPFAdd},
		&Command{Name: "pfcount", Arity: -2, Flags: []string{ro}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdPFCount},
		&Command{Name: "pfmerge", Arity: -2, Flags: []string{w, deny}, FirstKey: 1, LastKey: -1, KeyStep: 1, run: cmdPFMerge},
		&Command{Name: "pfselftest", Arity: 1, Flags: []string{admin}, run: cmdPFSelfTest},
		&Command{Name: "pfdebug", Arity: 3, Flags: []string{w, deny, admin}, FirstKey: 2, LastKey: 2, KeyStep: 1, run: cmdPFDebug},
	)
}

func cmdPFAdd(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.PFAdd(args[1], args[2:]...)
	writeIntOrError(w, n, err)
}

func cmdPFCount(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.PFCount(args[1:]...)
	writeIntOrError(w, n, err)
}

func cmdPFMerge(tx *Tx, args []string, w ReplyWriter) {
	if err := tx.PFMerge(args[1], args[2:]...); err != nil {
		w.WriteError(err)
		return
	}
	writeOK(w)
}

// cmdPFSelfTest checks the HyperLogLog implementation (internal/hll's
// SelfTest: register packing, sparse against dense, the estimate's error).
func cmdPFSelfTest(tx *Tx, args []string, w ReplyWriter) {
	if err := hll.SelfTest(); err != nil {
		w.WriteError(hllSelfTestFailed(err))
		return
	}
	writeOK(w)
}

// cmdPFDebug is PFDEBUG <subcommand> <key>, in Redis's order of checks: the
// key must exist and be a HyperLogLog whatever the subcommand, then the
// subcommand is looked at.
//
//   - GETREG: the 16,384 registers (a sparse value is made dense first).
//   - DECODE: the sparse opcodes as text ("ERR HLL encoding is not sparse"
//     for a dense value).
//   - ENCODING: "sparse" or "dense".
//   - TODENSE: makes the value dense; 1 if it converted, 0 if it was dense.
func cmdPFDebug(tx *Tx, args []string, w ReplyWriter) {
	sub, key := args[1], args[2]
	sv, err := tx.pfDebugValue(key)
	if err != nil {
		w.WriteError(err)
		return
	}
	switch strings.ToLower(sub) {
	case "getreg":
		if _, err := tx.pfToDense(key, sv); err != nil {
			w.WriteError(err)
			return
		}
		w.WriteArrayLen(hll.Registers)
		for i := 0; i < hll.Registers; i++ {
			w.WriteInt(int64(hll.Register(sv.peek(), i)))
		}
	case "decode":
		if hll.IsDense(sv.peek()) {
			w.WriteError(errPFDebugNotSparse)
			return
		}
		w.WriteBulk(hll.Decode(sv.peek()))
	case "encoding":
		if hll.IsDense(sv.peek()) {
			w.WriteStatus("dense")
		} else {
			w.WriteStatus("sparse")
		}
	case "todense":
		conv, err := tx.pfToDense(key, sv)
		writeBoolOrError(w, conv, err)
	default:
		w.WriteError(pfDebugUnknown(sub))
	}
}
