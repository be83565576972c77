package embedis_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
)

func ExampleStore_Sort() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.RPush(ctx, "cart", "2", "1", "3")
	s.HSet(ctx, "item:1", "name", "apple", "price", "30")
	s.HSet(ctx, "item:2", "name", "bread", "price", "10")
	s.HSet(ctx, "item:3", "name", "cheese", "price", "20")

	ids, _ := s.Sort(ctx, "cart", embedis.SortArgs{})
	fmt.Println(ids)
	names, _ := s.Sort(ctx, "cart", embedis.SortArgs{By: "item:*->price", Desc: true, Get: []string{"item:*->name"}})
	fmt.Println(names)
	n, _ := s.SortStore(ctx, "cart", "cheapest", embedis.SortArgs{By: "item:*->price", Count: 1})
	first, _ := s.LRange(ctx, "cheapest", 0, -1)
	fmt.Println(n, first)
	// Output:
	// [1 2 3]
	// [apple cheese bread]
	// 1 [2]
}
