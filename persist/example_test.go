package persist_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// Save a store to a zstd-compressed snapshot and open it again.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	s.Set(ctx, "greeting", "hello", 0)
	s.RPush(ctx, "queue", "a", "b", "c")

	// `zstd -d dump.rdb.zst` gives a dump.rdb that redis-server loads.
	path := filepath.Join(dir, "dump.rdb.zst")
	if err := persist.SaveSnapshot(ctx, s, path); err != nil {
		log.Fatal(err)
	}

	restored, err := persist.OpenSnapshot(path, embedis.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer restored.Close()
	greeting, _ := restored.Get(ctx, "greeting")
	queue, _ := restored.LRange(ctx, "queue", 0, -1)
	fmt.Println(greeting, queue)
	// Output: hello [a b c]
}

// Replace a file so that it holds either its old or its new content, never a
// mixture, even across a crash.
func ExampleWriteFileAtomic() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "settings.txt")

	err = persist.WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "maxmemory 100mb\n")
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output: maxmemory 100mb
}
