package embedis

// The big-keys report: what redis-cli --bigkeys and --memkeys say of a
// Redis database, computed on the store. redis-cli walks the keyspace with
// SCAN and asks TYPE and a size (STRLEN, LLEN, SCARD, HLEN, ZCARD, XLEN,
// or MEMORY USAGE) of each key it gets; BigKeys walks it the same way, one
// SCAN-sized batch per turn of the owner role, so that a database of any
// size never holds the other callers for longer than one batch, and a
// context that ends stops the walk between two batches.
//
// The text form (BigKeysHeader, BigKeysProgress.String, BigKeysReport.
// WriteTo) is redis-cli 7.0's, byte for byte in the summary, so that a
// report on embedis reads as the one people know and tools that parse it
// keep working (cmd/embedis-server --bigkeys prints it).

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/embedis/embedis/internal/resp"
)

// BigKeysOptions says how Store.BigKeys measures the keys. The zero value is
// redis-cli --bigkeys.
type BigKeysOptions struct {
	// Memory ranks keys by their MEMORY USAGE estimate in bytes, as
	// redis-cli --memkeys does, instead of by size (redis-cli --bigkeys:
	// a string's bytes, the elements of a list, set, hash, sorted set or
	// stream).
	Memory bool
	// MemorySamples is MEMORY USAGE's SAMPLES, as redis-cli
	// --memkeys-samples: 0 leaves it out. embedis's estimate is kept
	// exactly as values change, so the count changes nothing (see
	// MemoryUsage); a negative count is ErrSyntax, as MEMORY USAGE says.
	MemorySamples int
	// Count is how many keys one turn of the owner role looks at, SCAN's
	// COUNT hint (and, as for SCAN, a hint: a turn may return a few more or
	// fewer). 0 or less means 10, SCAN's default, which redis-cli uses.
	// It bounds how long the walk holds the other callers at a time: a
	// Count as large as the database walks it in one turn, as KEYS would.
	Count int
	// Progress, if not nil, is called for each line redis-cli prints while
	// it scans: a key that is bigger than every key of its type seen before
	// it, and every 1,000,000 keys sampled. It is called in scan order,
	// after the turn that found the keys and outside the owner role, on the
	// goroutine that called BigKeys: it may call the store.
	Progress func(BigKeysProgress)
}

// BigKey is a key and its size in a big-keys report.
type BigKey struct {
	Key  string
	Type string // as TYPE names it: "string", "list", "set", "hash", "zset" or "stream"
	Size int64
	Unit string // what Size counts: "bytes", "items", "members", "fields" or "entries"
}

// BigKeysType is what a big-keys report says of one type.
type BigKeysType struct {
	Type string // "string", "list", "set", "hash", "zset" or "stream"
	Unit string // what the sizes count: "bytes" for strings and in memory mode, "items", "members", "fields", "entries"
	// Keys is the number of keys of this type sampled, and TotalSize the
	// sum of their sizes.
	Keys      int64
	TotalSize int64
	// Biggest is the biggest key of this type, the first seen of equal
	// ones; nil when there is none or when every key of the type has size
	// 0 (an empty string, a stream without entries), as redis-cli reports
	// no biggest key then.
	Biggest *BigKey
}

// BigKeysReport is the result of Store.BigKeys: the numbers of redis-cli's
// summary.
type BigKeysReport struct {
	// Memory is true when the sizes are MEMORY USAGE bytes
	// (BigKeysOptions.Memory).
	Memory bool
	// DBSize is the database's DBSIZE when the walk began: the
	// denominator of the progress percentages, as redis-cli computes them.
	// It counts keys past their deadline that the walk then skips.
	DBSize int64
	// Sampled is the number of keys measured, and KeyBytes the sum of
	// their names' lengths in bytes.
	Sampled  int64
	KeyBytes int64
	// Types has the six types in the order string, list, set, hash, zset,
	// stream, each present even when no key has it.
	Types []BigKeysType
}

// BigKeysProgress is one of the lines redis-cli --bigkeys prints while it
// scans (see BigKeysOptions.Progress).
type BigKeysProgress struct {
	// Percent is how far the walk had got when the batch holding this key
	// began: 100 × the keys sampled before that batch ÷
	// BigKeysReport.DBSize, as redis-cli computes it. It may pass 100 when
	// keys are added during the walk, and is NaN or +Inf when the
	// database was empty at the start and keys came since.
	Percent float64
	// Sampled is the number of keys sampled so far, this one included.
	Sampled int64
	// Biggest is the key that has just become the biggest of its type; nil
	// on the line printed every 1,000,000 keys sampled.
	Biggest *BigKey
}

// BigKeysHeader is what redis-cli --bigkeys and --memkeys print before
// they scan: the progress lines (BigKeysProgress.String) follow, then the
// summary (BigKeysReport.WriteTo).
const BigKeysHeader = "\n# Scanning the entire keyspace to find biggest keys as well as\n" +
	"# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n" +
	"# per 100 SCAN commands (not usually needed).\n\n"

// bigKeysTypes are the types of the report, in redis-cli's order of
// registration, with the unit of their size.
var bigKeysTypes = [...]struct{ name, unit string }{
	{"string", "bytes"}, {"list", "items"}, {"set", "members"},
	{"hash", "fields"}, {"zset", "members"}, {"stream", "entries"},
}

// bigKeysMilestone is how often redis-cli reports the keys sampled so far
// (a variable only so that a test need not store a million keys).
var bigKeysMilestone int64 = 1_000_000

// BigKeys walks the database and reports, per type, the number of keys,
// the total of their sizes and the biggest key, with the number of keys
// and the bytes of their names: redis-cli --bigkeys (by size: a string's
// bytes, an aggregate's elements) or, with opts.Memory, --memkeys (by
// MEMORY USAGE). It walks the keyspace as SCAN does, one batch of about
// opts.Count keys per turn of the owner role, so other callers run between
// two batches; ctx is checked before each, and when it ends BigKeys returns
// its error and no report.
//
// Since the walk takes many turns, the report is not a point-in-time view
// of a database that changes meanwhile: a key is measured as it is when its
// batch is taken; a key added or removed during the walk may or may not be
// counted; a key present for the whole walk is counted, and, as with SCAN,
// may be counted twice when the keyspace's table is resized between two
// batches (redis-cli counts it twice too). The biggest key reported may
// have changed or gone since its batch.
//
// Keys past their deadline are not counted, and are removed as SCAN
// removes them; DBSize, taken at the start, counts them, so the last
// Percent may stay below 100. An empty database gives a report with
// Sampled 0 and the six types at zero, without a biggest key. A key of size
// 0 (an empty string, a stream without entries) is counted but never the
// biggest, and of two keys of equal size the first seen is, as in
// redis-cli. The walk counts no keyspace hit or miss and changes no key's
// access time (redis-cli's TYPE and STRLEN calls do both).
//
// BigKeys runs on the handle's database, as redis-cli on the one -n
// selects. Inside an Atomic closure it fails with ErrReentrant.
func (s *Store) BigKeys(ctx context.Context, opts BigKeysOptions) (*BigKeysReport, error) {
	if opts.MemorySamples < 0 {
		return nil, ErrSyntax
	}
	r := &BigKeysReport{Memory: opts.Memory, DBSize: -1, Types: make([]BigKeysType, len(bigKeysTypes))}
	for i, t := range bigKeysTypes {
		r.Types[i] = BigKeysType{Type: t.name, Unit: t.unit}
		if opts.Memory {
			r.Types[i].Unit = "bytes"
		}
	}
	w := &bigKeysWalk{report: r, opts: opts, count: int64(opts.Count)}
	if w.count <= 0 {
		w.count = 10
	}
	for {
		done, err := s.bigKeysBatch(ctx, w)
		if err != nil {
			return nil, err
		}
		if opts.Progress != nil {
			for _, p := range w.events {
				opts.Progress(p)
			}
		}
		if done {
			return r, nil
		}
	}
}

// bigKeysWalk is the state of a BigKeys walk between its turns.
type bigKeysWalk struct {
	report *BigKeysReport
	opts   BigKeysOptions
	count  int64
	cursor uint64
	events []BigKeysProgress // the batch's progress lines, handed out after its turn
}

// bigKeysBatch measures one SCAN batch of keys in one turn of the owner
// role and reports whether the walk is done.
func (s *Store) bigKeysBatch(ctx context.Context, w *bigKeysWalk) (done bool, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return false, err
	}
	defer s.end(tx, &err)
	r := w.report
	if r.DBSize < 0 {
		r.DBSize, _ = tx.DBSize()
	}
	w.events = w.events[:0]
	pct := 100 * float64(r.Sampled) / float64(r.DBSize)
	keys, next, err := tx.scan(w.cursor, "", w.count, "")
	if err != nil {
		return false, err
	}
	w.cursor = next
	for _, k := range keys {
		v := tx.live(k)
		if v == nil {
			continue // scan returned it live in this very turn; kept for safety
		}
		ti := bigKeysTypeIndex(v.typeName())
		if ti < 0 {
			continue
		}
		var size int64
		if w.opts.Memory {
			if size, err = tx.MemoryUsage(k, w.opts.MemorySamples); err != nil {
				return false, err
			}
		} else {
			size = valueSize(v)
		}
		t := &r.Types[ti]
		t.Keys++
		t.TotalSize += size
		r.Sampled++
		r.KeyBytes += int64(len(k))
		biggest := int64(0) // redis-cli's starting point: a key of size 0 is never the biggest
		if t.Biggest != nil {
			biggest = t.Biggest.Size
		}
		if size > biggest {
			t.Biggest = &BigKey{Key: k, Type: t.Type, Size: size, Unit: t.Unit}
			if w.opts.Progress != nil {
				b := *t.Biggest
				w.events = append(w.events, BigKeysProgress{Percent: pct, Sampled: r.Sampled, Biggest: &b})
			}
		}
		if r.Sampled%bigKeysMilestone == 0 && w.opts.Progress != nil {
			w.events = append(w.events, BigKeysProgress{Percent: pct, Sampled: r.Sampled})
		}
	}
	return next == 0, nil
}

// bigKeysTypeIndex is the index in bigKeysTypes of the type named name, -1
// if none.
func bigKeysTypeIndex(name string) int {
	for i, t := range bigKeysTypes {
		if t.name == name {
			return i
		}
	}
	return -1
}

// valueSize is redis-cli --bigkeys's size of v: STRLEN of a string, LLEN,
// SCARD, HLEN, ZCARD or XLEN of the others.
func valueSize(v value) int64 {
	switch v := v.(type) {
	case *stringValue:
		return int64(v.len())
	case *listValue:
		return int64(v.l.Len())
	case *setValue:
		return int64(v.card())
	case *hashValue:
		return int64(v.len())
	case *zsetValue:
		return int64(v.s.Len())
	case *streamValue:
		return v.s.Len()
	}
	return 0
}

// Type returns the report's entry for the type named typ ("string",
// "list", "set", "hash", "zset", "stream"), or nil for another name.
func (r *BigKeysReport) Type(typ string) *BigKeysType {
	for i := range r.Types {
		if r.Types[i].Type == typ {
			return &r.Types[i]
		}
	}
	return nil
}

// WriteTo writes the report's summary as redis-cli 7.0's --bigkeys or
// --memkeys prints it after its scan, byte for byte: the "-------- summary
// -------" line, the keys sampled and the length of their names, the
// biggest key of each type that has one, and one line per type with its
// count, total, share of the keys and average size. Keys are quoted and
// escaped as redis-cli quotes them ('"a\tb"'). The types come in the order
// redis-cli prints them, which is that of its table of types and so
// depends only on how many keys it looked up: it is reproduced for the
// report's number of keys sampled. It returns the bytes written and w's
// error.
func (r *BigKeysReport) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("\n-------- summary -------\n\n")
	fmt.Fprintf(&b, "Sampled %d keys in the keyspace!\n", r.Sampled)
	avg := 0.0
	if r.KeyBytes != 0 {
		avg = float64(r.KeyBytes) / float64(r.Sampled)
	}
	fmt.Fprintf(&b, "Total key length in bytes is %d (avg len %.2f)\n\n", r.KeyBytes, avg)
	order := r.summaryOrder()
	for _, t := range order {
		if t.Biggest != nil {
			fmt.Fprintf(&b, "Biggest %6s found '%s' has %d %s\n", t.Type, cliQuote(t.Biggest.Key), t.Biggest.Size, t.Unit)
		}
	}
	b.WriteString("\n")
	for _, t := range order {
		share, mean := 0.0, 0.0
		if r.Sampled != 0 {
			share = 100 * float64(t.Keys) / float64(r.Sampled)
		}
		if t.Keys != 0 {
			mean = float64(t.TotalSize) / float64(t.Keys)
		}
		fmt.Fprintf(&b, "%d %ss with %d %s (%s%% of keys, avg size %.2f)\n", t.Keys, t.Type, t.TotalSize, t.Unit, cFloat05(share), mean)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// summaryOrder returns the report's types in the order redis-cli 7.0 prints
// them. redis-cli keeps its six types in a hash table (its dict) and prints
// them in the table's order. Adding the sixth type makes the table grow
// from 4 to 8 buckets, incrementally: the move is left half done, and
// every lookup of a key's TYPE moves one more bucket, so the order is that
// of the half-moved table before any lookup, another after one, and the
// final one after two or more (what the keys' types are does not matter,
// only how many lookups there were: one per key sampled). The three orders
// were read from redis-cli 7.0.15; the differential test checks them.
func (r *BigKeysReport) summaryOrder() []*BigKeysType {
	var names [6]string
	switch {
	case r.Sampled == 0:
		names = [6]string{"hash", "list", "string", "stream", "set", "zset"}
	case r.Sampled == 1:
		names = [6]string{"string", "list", "hash", "stream", "set", "zset"}
	default:
		names = [6]string{"list", "hash", "string", "stream", "set", "zset"}
	}
	out := make([]*BigKeysType, 0, len(names))
	for _, n := range names {
		if t := r.Type(n); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// String returns the line redis-cli prints for p, without its newline:
// "[12.34%] Biggest string found so far '"key"' with 11 bytes", or
// "[12.34%] Sampled 1000000 keys so far".
func (p BigKeysProgress) String() string {
	if p.Biggest == nil {
		return fmt.Sprintf("[%s%%] Sampled %d keys so far", cFloat05(p.Percent), p.Sampled)
	}
	b := p.Biggest
	return fmt.Sprintf("[%s%%] Biggest %-6s found so far '%s' with %d %s", cFloat05(p.Percent), b.Type, cliQuote(b.Key), b.Size, b.Unit)
}

// cFloat05 formats f as C's printf "%05.2f" does, NaN and infinities
// included (which C writes in lower case and pads with blanks).
func cFloat05(f float64) string {
	switch {
	case math.IsNaN(f):
		return fmt.Sprintf("%5s", "nan")
	case math.IsInf(f, 1):
		return fmt.Sprintf("%5s", "inf")
	case math.IsInf(f, -1):
		return fmt.Sprintf("%5s", "-inf")
	}
	return fmt.Sprintf("%05.2f", f)
}

// cliQuote returns key quoted and escaped as redis-cli prints key names
// (Redis's sdscatrepr).
func cliQuote(key string) string {
	return string(resp.AppendRepr(make([]byte, 0, len(key)+2), key))
}
