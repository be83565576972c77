package persist_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// Turn the append-only log off and on while the store is open, and change
// its fsync policy, as CONFIG SET appendonly and appendfsync do.
func ExampleDB_SetAppendOnly() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db, err := persist.Open(dir, persist.Options{Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	db.Set(ctx, "k", "kept by the rewrite", 0)
	// On: a new base snapshot holds k; every later write is logged.
	if err := db.SetAppendOnly(ctx, true); err != nil {
		log.Fatal(err)
	}
	db.SetAppendFsync(persist.FsyncAlways)
	db.Incr(ctx, "n") // answered once on disk
	fmt.Println(db.AppendOnly(), db.AppendFsync())
	// Off: everything logged so far is fsynced; later writes are kept by Save only.
	db.SetAppendOnly(ctx, false)
	fmt.Println(db.AppendOnly())
	db.Close()
	// Output:
	// true always
	// false
}

// A store opened from an RDB file (or from nothing) with a NewLog gets a
// data directory later: Attach writes its data there and starts the log.
func ExampleAttach() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	lg := persist.NewLog()
	store, err := embedis.Open(embedis.Options{Log: lg})
	if err != nil {
		log.Fatal(err)
	}
	store.Set(ctx, "before", "1", 0)
	db, err := persist.Attach(ctx, filepath.Join(dir, "appendonlydir"), store, lg,
		persist.Options{AppendOnly: true, Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	store.Set(ctx, "after", "2", 0) // logged
	db.Close()                      // closes store too

	db, err = persist.Open(filepath.Join(dir, "appendonlydir"), persist.Options{Logger: quiet})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	n, _ := db.DBSize(ctx)
	fmt.Println(n)
	// Output:
	// 2
}

// A load that takes too long can be given up: the directory is left as it
// was.
func ExampleOpenContext() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a deadline that has passed, say
	_, err = persist.OpenContext(ctx, dir, persist.Options{AppendOnly: true})
	fmt.Println(errors.Is(err, context.Canceled))
	// Output:
	// true
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
