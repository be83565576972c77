package embedis_test

import (
	"context"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

func ExampleStore_XAdd() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	// Explicit IDs here; leave ID empty for one made from the clock.
	s.XAdd(ctx, embedis.XAddArgs{Stream: "events", ID: "1-1", Values: []string{"user", "alice", "action", "login"}})
	s.XAdd(ctx, embedis.XAddArgs{Stream: "events", ID: "1-*", Values: []string{"user", "bob", "action", "login"}})
	// Keep the last two entries.
	s.XAdd(ctx, embedis.XAddArgs{Stream: "events", ID: "2-0", MaxLen: 2, Values: []string{"user", "alice", "action", "logout"}})

	msgs, _ := s.XRange(ctx, "events", "-", "+")
	for _, m := range msgs {
		fmt.Println(m.ID, m.Map()["user"], m.Map()["action"])
	}
	// Output:
	// 1-2 bob login
	// 2-0 alice logout
}

func ExampleStore_XRead() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	got := make(chan []embedis.XStream)
	go func() {
		// Wait up to a minute for entries added after now ("$").
		out, _ := s.XRead(ctx, embedis.XReadArgs{Streams: []string{"jobs", "$"}, Block: time.Minute})
		got <- out
	}()
	// Add entries until the reader, once waiting, receives them.
	for {
		select {
		case out := <-got:
			fmt.Println(out[0].Stream, out[0].Messages[0].Values)
			return
		case <-time.After(10 * time.Millisecond):
			s.XAdd(ctx, embedis.XAddArgs{Stream: "jobs", Values: []string{"task", "resize"}})
		}
	}
	// Output:
	// jobs [task resize]
}
