package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// writeText prints the report, one fact per line: a label padded to 10
// columns, then the fact. The last line is the verdict: "OK", or "DAMAGED"
// or "UNSUPPORTED" with the offset and the reason. Names and values from
// the file are quoted as Go strings, so that any byte prints safely.
func (rep *rdbReport) writeText(w io.Writer) {
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-10s %s\n", label, fmt.Sprintf(format, args...))
	}
	line("file", "%s", rep.File)
	if rep.Zstd {
		if rep.RDBSize > 0 {
			line("size", "%d bytes, zstd-compressed (%d bytes of RDB data)", rep.FileSize, rep.RDBSize)
		} else {
			line("size", "%d bytes, zstd-compressed", rep.FileSize)
		}
	} else {
		line("size", "%d bytes", rep.FileSize)
		if rep.RDBSize > 0 && rep.RDBSize < rep.FileSize {
			line("trailing", "%d bytes after the checksum, at byte %d (ignored when the file is loaded)", rep.FileSize-rep.RDBSize, rep.RDBSize)
		}
	}
	if rep.Version > 0 {
		line("format", "RDB version %d", rep.Version)
	}
	for _, k := range sortedKeys(rep.Aux) {
		line("aux", "%s = %s", strconv.Quote(k), strconv.Quote(rep.Aux[k]))
	}
	for _, d := range rep.Databases {
		line("db "+strconv.Itoa(d.DB), "%s, %d with a deadline; %s; encodings %s",
			plural(d.Keys, "key"), d.Deadlines, counts(d.Types), counts(d.Encodings))
	}
	if rep.Status == statusOK || rep.Keys > 0 {
		what := "total"
		if rep.Status != statusOK {
			what = "read"
		}
		line(what, "%s, %d with a deadline, in %s; %s",
			plural(rep.Keys, "key"), rep.Deadlines, plural(len(rep.Databases), "database"), counts(rep.Types))
	}
	if rep.MinDatabases > defaultDatabases {
		line("databases", "the file uses database %d: open it with Options.Databases (embedis-server --databases) of at least %d, not the default %d",
			rep.MinDatabases-1, rep.MinDatabases, defaultDatabases)
	}
	if rep.EmptySkipped > 0 {
		line("skipped", "%s (empty aggregates, skipped on load as Redis does)", plural(rep.EmptySkipped, "key"))
	}
	if d := rep.Damage; d != nil {
		if what := d.while(); what != "" {
			line("while", "%s", what)
		}
		fmt.Fprintf(w, "%s byte %d: %s (%s)\n", strings.ToUpper(rep.Status), d.Offset, d.Reason, d.Kind)
		return
	}
	fmt.Fprintln(w, "OK")
}

// defaultDatabases is embedis's (and Redis's) default number of databases.
const defaultDatabases = 16

// counts renders a count per name, by name: "hash 1, string 2"; "none" for
// no names.
func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+" "+strconv.Itoa(m[k]))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// while says what was being read when the damage was found, "" when
// nothing is known (the header, or no entry started).
func (d *damage) while() string {
	if d.Entry < 0 {
		return ""
	}
	what := fmt.Sprintf("reading the entry at byte %d", d.Entry)
	switch {
	case d.Key != nil:
		what += fmt.Sprintf(" (key %s, %s, db %d)", strconv.Quote(*d.Key), d.Type, *d.DB)
	case d.Type != "":
		what += fmt.Sprintf(" (a key of type %s, db %d)", d.Type, *d.DB)
	}
	if d.After != nil {
		what += ", after key " + strconv.Quote(*d.After)
	}
	return what
}
