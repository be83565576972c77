package embedis

import (
	"strings"

	"github.com/embedis/embedis/internal/number"
)

// Handler of MEMORY: subcommand dispatch around the Tx methods of
// memory.go, with Redis's arity and syntax errors. MEMORY USAGE and HELP are
// built; DOCTOR, STATS, PURGE and MALLOC-STATS are not (they answer as an
// unknown subcommand).

func init() {
	register(&Command{Name: "memory", Arity: -2, run: cmdMemory})
}

// memoryHelp is MEMORY HELP's text between its first line and the closing
// HELP entry, as Redis 7.0 writes it.
var memoryHelp = []string{
	"DOCTOR",
	"    Return memory problems reports.",
	"MALLOC-STATS",
	"    Return internal statistics report from the memory allocator.",
	"PURGE",
	"    Attempt to purge dirty pages for reclamation by the allocator.",
	"STATS",
	"    Return information about the memory usage of the server.",
	"USAGE <key> [SAMPLES <count>]",
	"    Return memory in bytes used by <key> and its value. Nested values are",
	"    sampled up to <count> times (default: 5, 0 means sample all).",
}

func cmdMemory(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	switch sub {
	case "help":
		if len(args) != 2 {
			w.WriteError(ArityError("memory|help"))
			return
		}
		w.WriteArrayLen(len(memoryHelp) + 3)
		w.WriteStatus("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range memoryHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
	case "usage":
		if len(args) < 3 {
			w.WriteError(ArityError("memory|usage"))
			return
		}
		// As Redis: the options are parsed before the key is looked up.
		samples := int64(5)
		for j := 3; j < len(args); j += 2 {
			if !strings.EqualFold(args[j], "samples") || j+1 >= len(args) {
				w.WriteError(ErrSyntax)
				return
			}
			n, ok := number.ParseInt(args[j+1])
			if !ok {
				w.WriteError(ErrNotInteger)
				return
			}
			if n < 0 {
				w.WriteError(ErrSyntax)
				return
			}
			samples = n
		}
		n, err := tx.MemoryUsage(args[2], int(min(samples, 1<<30)))
		writeIntOrNull(w, n, err)
	default:
		w.WriteError(unknownSubcommand(args[1], "MEMORY"))
	}
}
