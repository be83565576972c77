// Command embedis-check verifies a persist data directory — the manifest,
// the base snapshot and every record of the append-only log — without
// loading it, as redis-check-aof and redis-check-rdb do for Redis's files,
// and with -fix cuts a torn tail (a record cut off by a crash) off the log.
//
//	embedis-check [-fix] DIR
//
// It prints what it found and exits with 0 when the directory is intact (or
// was repaired), 1 when it is damaged (the file, byte offset and reason are
// printed; the directory is left as it is: embedis refuses to open it), 2
// when the log ends with a torn tail and -fix was not given (embedis opens
// it, dropping the tail with a warning), and 64 on a usage error. A
// directory a process has open is refused (it is locked).
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/embedis/embedis/persist"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("embedis-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fix := fs.Bool("fix", false, "cut a torn tail off the log")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: embedis-check [-fix] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		if err == nil {
			fs.Usage()
		}
		return 64
	}
	rep, err := persist.Check(fs.Arg(0), *fix)
	if rep != nil {
		if rep.Base != "" {
			fmt.Fprintf(stdout, "base snapshot %s: %d keys\n", rep.Base, rep.BaseKeys)
		}
		for _, s := range rep.Segments {
			state := "open"
			if s.Sealed {
				state = "sealed"
			}
			fmt.Fprintf(stdout, "log segment %s: %d records, %d bytes, %s\n", s.File, s.Records, s.Size, state)
			if s.TornAt >= 0 {
				fmt.Fprintf(stdout, "  torn tail at byte %d: %d bytes of a record cut off by a crash\n", s.TornAt, s.Size-s.TornAt)
			}
		}
	}
	switch {
	case err != nil:
		fmt.Fprintf(stdout, "DAMAGED: %v\n", err)
		return 1
	case rep.Repaired:
		fmt.Fprintln(stdout, "REPAIRED: the torn tail was cut off")
		return 0
	case rep.Torn:
		fmt.Fprintln(stdout, "TORN TAIL: embedis drops it on open with a warning; run with -fix to cut it off")
		return 2
	}
	fmt.Fprintln(stdout, "OK")
	return 0
}
