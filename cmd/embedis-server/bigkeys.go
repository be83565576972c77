package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
	"github.com/embedis/embedis/server"
)

// bigKeysData says where --bigkeys and --memkeys find the dataset: the one
// the server would load at start with the same flags.
type bigKeysData struct {
	memory    bool
	databases int
	aof       bool   // --appendonly yes: the append-only directory appendDir
	appendDir string // --dir/--appenddirname
	rdbPath   string // --dir/--dbfilename
	logger    *slog.Logger
}

// printBigKeys loads the dataset the server would start with and prints
// redis-cli's --bigkeys (or, with d.memory, --memkeys) report on its
// database 0 to stdout, as redis-cli prints it for a server holding that
// data: the header, a line per key found bigger than those of its type
// before it, the summary. It serves nothing and writes no file: the RDB
// file is only read, and the append-only directory is opened without its
// log (persist.Options.AppendOnly false), so a torn tail is skipped, not
// cut off; a directory a running server holds is refused (ErrLocked), and
// redis-cli --bigkeys against that server gives its report. A SIGINT or
// SIGTERM stops the load or the walk with an error.
func printBigKeys(d bigKeysData, stdout io.Writer) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	opts := embedis.Options{Databases: d.databases}
	var store *embedis.Store
	_, statErr := os.Stat(d.appendDir)
	switch {
	case d.aof && statErr == nil:
		db, err := persist.OpenContext(ctx, d.appendDir, persist.Options{Store: opts, Logger: d.logger})
		if errors.Is(err, persist.ErrLocked) {
			return fmt.Errorf("%s: %w: run redis-cli --bigkeys against the server that has it open", d.appendDir, err)
		}
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, db.Close()) }()
		store = db.Store
	case d.aof:
		// As the server, which starts empty without the directory; it is
		// not created here, since the report writes nothing.
		if store, err = embedis.Open(opts); err != nil {
			return err
		}
		defer store.Close()
	default:
		if store, _, err = server.OpenStore(d.rdbPath, opts, nil); err != nil {
			return err
		}
		defer store.Close()
	}
	out := bufio.NewWriter(stdout)
	out.WriteString(embedis.BigKeysHeader)
	report, err := store.BigKeys(ctx, embedis.BigKeysOptions{
		Memory:   d.memory,
		Progress: func(p embedis.BigKeysProgress) { fmt.Fprintln(out, p.String()) },
	})
	if err != nil {
		out.Flush()
		return err
	}
	report.WriteTo(out)
	return out.Flush()
}
