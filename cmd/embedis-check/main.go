package main

import (
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// Exit statuses.
const (
	exitOK      = 0 // a sound file, or --help
	exitDamaged = 1 // a damaged or unsupported file
	exitUsage   = 2 // bad arguments, or a file that cannot be opened
)

//go:embed doc.go
var docSource string

// usageText is the package documentation as plain text (headings without
// their "# "): --help prints it, so the usage is written once.
func usageText() string {
	var b strings.Builder
	for _, line := range strings.Split(docSource, "\n") {
		if strings.HasPrefix(line, "package ") {
			break
		}
		line = strings.TrimPrefix(line, "//")
		line = strings.TrimPrefix(line, " ")
		line = strings.TrimPrefix(line, "# ") // a heading: its text
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

const usageLine = "Usage: embedis-check [--json] <file.rdb>\n" +
	"       embedis-check [--json] [--fix] <data-dir>\n" +
	"       embedis-check [--json] --log <segment>\n" +
	"(--help for more)\n"

// run checks what argv names and returns the exit status.
func run(argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("embedis-check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	fix := fs.Bool("fix", false, "cut a torn tail off a data directory's log")
	segment := fs.String("log", "", "check this one log segment")
	usage := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "embedis-check: "+format+"\n"+usageLine, args...)
		return exitUsage
	}
	if err := fs.Parse(argv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText())
			return exitOK
		}
		return usage("%v", err)
	}
	var (
		rep report
		err error
	)
	switch {
	case *segment != "":
		if fs.NArg() != 0 || *fix {
			return usage("--log takes one segment, and no other file nor --fix (--fix needs the data directory, whose lock keeps a running process away)")
		}
		rep, err = nilIfErr(checkSegment(*segment))
	case fs.NArg() != 1:
		return usage("want one file or directory, got %d arguments", fs.NArg())
	default:
		path := fs.Arg(0)
		st, serr := os.Stat(path)
		switch {
		case serr != nil:
			err = serr
		case st.IsDir():
			rep, err = nilIfErr(checkDir(path, *fix))
		case *fix:
			return usage("--fix repairs a data directory's log; %s is a file (a damaged snapshot cannot be repaired)", path)
		default:
			rep, err = nilIfErr(checkRDBFile(path))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "embedis-check: %v\n", err)
		return exitUsage
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		rep.writeText(stdout)
	}
	switch rep.status() {
	case statusOK, statusFixed:
		return exitOK
	}
	return exitDamaged
}

// report is a check's outcome: an *rdbReport or a *logReport.
type report interface {
	writeText(io.Writer)
	status() string
}

// nilIfErr returns a nil report with an error, so that a typed nil pointer
// never stands for a report.
func nilIfErr[R report](r R, err error) (report, error) {
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (rep *rdbReport) status() string { return rep.Status }
func (rep *logReport) status() string { return rep.Status }
