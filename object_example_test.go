package embedis_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
)

func ExampleStore_ObjectEncoding() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.Set(ctx, "counter", "42", 0)
	s.Set(ctx, "name", "alice", 0)
	s.Append(ctx, "log", "started")
	s.Append(ctx, "log", ", running")
	s.SAdd(ctx, "ids", "1", "2", "3")
	for _, k := range []string{"counter", "name", "log", "ids"} {
		enc, _ := s.ObjectEncoding(ctx, k)
		fmt.Println(k, enc)
	}
	// Output:
	// counter int
	// name embstr
	// log raw
	// ids intset
}

func ExampleStore_Move() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.Set(ctx, "session", "abc", 0)
	moved, _ := s.Move(ctx, "session", 1)
	v, _ := s.DB(1).Get(ctx, "session")
	n, _ := s.Exists(ctx, "session")
	fmt.Println(moved, v, n)
	// Output: true abc 0
}
