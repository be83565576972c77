package embedis_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/embedis/embedis"
)

// A big-keys report, read as Go values and printed as redis-cli --bigkeys
// prints its summary.
func ExampleStore_BigKeys() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.Set(ctx, "greeting", "hello", 0)
	s.Set(ctx, "page:/", strings.Repeat("<p>", 100), 0)
	s.RPush(ctx, "queue", "a", "b", "c")
	s.HSet(ctx, "user:1", "name", "alice", "email", "alice@example.com")

	r, err := s.BigKeys(ctx, embedis.BigKeysOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	str := r.Type("string")
	fmt.Printf("%d keys; biggest string %q, %d %s\n", r.Sampled, str.Biggest.Key, str.Biggest.Size, str.Biggest.Unit)
	r.WriteTo(os.Stdout)
	// Output:
	// 4 keys; biggest string "page:/", 300 bytes
	//
	// -------- summary -------
	//
	// Sampled 4 keys in the keyspace!
	// Total key length in bytes is 25 (avg len 6.25)
	//
	// Biggest   list found '"queue"' has 3 items
	// Biggest   hash found '"user:1"' has 2 fields
	// Biggest string found '"page:/"' has 300 bytes
	//
	// 1 lists with 3 items (25.00% of keys, avg size 3.00)
	// 1 hashs with 2 fields (25.00% of keys, avg size 2.00)
	// 2 strings with 305 bytes (50.00% of keys, avg size 152.50)
	// 0 streams with 0 entries (00.00% of keys, avg size 0.00)
	// 0 sets with 0 members (00.00% of keys, avg size 0.00)
	// 0 zsets with 0 members (00.00% of keys, avg size 0.00)
}
