package embedis

import (
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/number"
)

// Handler of MEMORY: subcommand dispatch around the Tx methods of
// memory.go and memory_stats.go, with Redis's arity and syntax errors.
// MALLOC-STATS answers as Redis built without jemalloc answers: the Go
// runtime's allocator has no such report (MEMORY STATS and INFO memory show
// its figures).

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
	case "stats", "doctor", "malloc-stats", "purge":
		if len(args) != 2 {
			w.WriteError(ArityError("memory|" + sub))
			return
		}
		switch sub {
		case "stats":
			st, _ := tx.MemoryStats()
			writeMemoryStats(w, st)
		case "doctor":
			r, _ := tx.MemoryDoctor()
			// A verbatim string in RESP3 where the writer has it (the
			// server's), a bulk string otherwise, as in RESP2.
			if vw, ok := w.(interface{ WriteVerbatim(format, s string) }); ok {
				vw.WriteVerbatim("txt", r)
			} else {
				w.WriteBulk(r)
			}
		case "malloc-stats":
			w.WriteBulk("Stats not supported for the current allocator")
		case "purge":
			tx.MemoryPurge()
			w.WriteStatus("OK")
		}
	default:
		w.WriteError(unknownSubcommand(args[1], "MEMORY"))
	}
}

// writeMemoryStats writes MEMORY STATS as Redis 7.0 does: a map of the
// fields in Redis's order (those MemoryStats leaves out are left out), the
// db.<n> entries maps of their own.
func writeMemoryStats(w ReplyWriter, st MemoryStats) {
	w.WriteMapLen(20 + len(st.Databases))
	kv := func(k string, v int64) { w.WriteBulk(k); w.WriteInt(v) }
	kd := func(k string, v float64) { w.WriteBulk(k); w.WriteDouble(v) }
	kv("peak.allocated", st.PeakAllocated)
	kv("total.allocated", st.TotalAllocated)
	kv("startup.allocated", st.StartupAllocated)
	for _, d := range st.Databases {
		w.WriteBulk("db." + strconv.Itoa(d.DB))
		w.WriteMapLen(3)
		kv("overhead.hashtable.main", d.OverheadMain)
		kv("overhead.hashtable.expires", d.OverheadExpires)
		kv("overhead.hashtable.slot-to-keys", 0) // no cluster: no slot table
	}
	kv("overhead.total", st.OverheadTotal)
	kv("keys.count", st.KeysCount)
	kv("keys.bytes-per-key", st.BytesPerKey)
	kv("dataset.bytes", st.DatasetBytes)
	kd("dataset.percentage", st.DatasetPercentage)
	kd("peak.percentage", st.PeakPercentage)
	kv("allocator.allocated", st.AllocatorAllocated)
	kv("allocator.active", st.AllocatorActive)
	kv("allocator.resident", st.AllocatorResident)
	kd("allocator-fragmentation.ratio", st.AllocatorFragmentationRatio)
	kv("allocator-fragmentation.bytes", st.AllocatorFragmentationBytes)
	kd("allocator-rss.ratio", st.AllocatorRSSRatio)
	kv("allocator-rss.bytes", st.AllocatorRSSBytes)
	kd("rss-overhead.ratio", st.RSSOverheadRatio)
	kv("rss-overhead.bytes", st.RSSOverheadBytes)
	kd("fragmentation", st.Fragmentation)
	kv("fragmentation.bytes", st.FragmentationBytes)
}
