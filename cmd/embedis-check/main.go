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

// usageText is the package documentation as plain text: --help prints it,
// so the usage is written once.
func usageText() string {
	var b strings.Builder
	for _, line := range strings.Split(docSource, "\n") {
		if strings.HasPrefix(line, "package ") {
			break
		}
		line = strings.TrimPrefix(line, "//")
		line = strings.TrimPrefix(line, " ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// run checks the file named by argv and returns the exit status.
func run(argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("embedis-check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	if err := fs.Parse(argv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText())
			return exitOK
		}
		fmt.Fprintf(stderr, "embedis-check: %v\nUsage: embedis-check [--json] <file.rdb> (--help for more)\n", err)
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "embedis-check: want one file, got %d arguments\nUsage: embedis-check [--json] <file.rdb> (--help for more)\n", fs.NArg())
		return exitUsage
	}
	rep, err := checkRDBFile(fs.Arg(0))
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
	if rep.Status != statusOK {
		return exitDamaged
	}
	return exitOK
}
