package persist_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/embedis/embedis/persist"
)

// Keep a store in a data directory with the append-only log: every write is
// on disk before it is answered (appendfsync always), and reopening the
// directory gives the data back.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	opts := persist.Options{AppendOnly: true, AppendFsync: persist.FsyncAlways}
	db, err := persist.Open(dir, opts)
	if err != nil {
		log.Fatal(err)
	}
	db.Set(ctx, "greeting", "hello", 0)
	db.Incr(ctx, "visits")
	db.Save(ctx) // a new base snapshot; the log starts again after it
	db.Incr(ctx, "visits")
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}

	db, err = persist.Open(dir, opts)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	greeting, _ := db.Get(ctx, "greeting")
	visits, _ := db.Get(ctx, "visits")
	fmt.Println(greeting, visits)

	// A second Open of the same directory is refused while it is open.
	_, err = persist.Open(dir, opts)
	fmt.Println(err != nil)
	// Output:
	// hello 2
	// true
}
