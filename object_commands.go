package embedis

import "strings"

// Handler of OBJECT: subcommand dispatch around the Tx methods of
// object.go, with Redis's errors for an unknown subcommand or a wrong number
// of arguments.

func init() {
	register(&Command{Name: "object", Arity: -2, run: cmdObject})
}

// objectHelp is OBJECT HELP's text between its first line and the closing
// HELP entry, as Redis 7.0 writes it.
var objectHelp = []string{
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
}

func cmdObject(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	arity := 3
	switch sub {
	case "help":
		arity = 2
	case "encoding", "refcount", "freq", "idletime":
	default:
		w.WriteError(unknownSubcommand(args[1], "OBJECT"))
		return
	}
	if len(args) != arity {
		w.WriteError(ArityError("object|" + sub))
		return
	}
	switch sub {
	case "help":
		w.WriteArrayLen(len(objectHelp) + 3)
		w.WriteStatus("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range objectHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
	case "encoding":
		enc, err := tx.ObjectEncoding(args[2])
		writeStringOrNull(w, enc, err)
	case "refcount":
		n, err := tx.ObjectRefCount(args[2])
		writeIntOrNull(w, n, err)
	case "freq":
		n, err := tx.ObjectFreq(args[2])
		writeIntOrNull(w, n, err)
	default:
		n, err := tx.ObjectIdleTime(args[2])
		writeIntOrNull(w, n, err)
	}
}
