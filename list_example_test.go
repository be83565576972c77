package embedis_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
)

// Lists cut their nodes (Redis's quicklist of listpacks) by
// list-max-listpack-size, fixed when a list is created: here at most 2
// elements a node, so a list of 5 takes 3 nodes and a DUMP payload of 3
// listpacks, as redis-server with the same setting writes it.
func ExampleStore_SetListMaxListpackSize() {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	s.SetListMaxListpackSize(ctx, 2) // CONFIG SET list-max-listpack-size 2
	s.RPush(ctx, "queue", "a", "b", "c", "d", "e")
	n, _ := s.ListMaxListpackSize(ctx)
	enc, _ := s.ObjectEncoding(ctx, "queue")
	payload, _, _ := s.Dump(ctx, "queue")
	fmt.Println(n, enc, payload[1]) // payload[1]: the number of nodes
	// Output: 2 quicklist 3
}
