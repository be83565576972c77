package embedis_test

import (
	"context"
	"fmt"
	"strconv"

	"github.com/embedis/embedis"
)

// Counting distinct visitors in at most 12 KB. The numbers and the value's
// bytes are redis-server's for the same commands (1000 visitors a day, 500
// of them on both days: 1500 distinct); the week's value is still sparse,
// 2742 bytes.
func ExampleStore_PFAdd() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	for day := 0; day < 2; day++ {
		key := "visitors:day" + strconv.Itoa(day)
		for i := 0; i < 1000; i++ {
			s.PFAdd(ctx, key, "user:"+strconv.Itoa(day*500+i))
		}
	}
	d0, _ := s.PFCount(ctx, "visitors:day0")
	both, _ := s.PFCount(ctx, "visitors:day0", "visitors:day1")
	s.PFMerge(ctx, "visitors:week", "visitors:day0", "visitors:day1")
	week, _ := s.PFCount(ctx, "visitors:week")
	v, _ := s.Get(ctx, "visitors:week")
	fmt.Println(d0, both, week, len(v), v[:4])
	// Output: 1007 1516 1516 2742 HYLL
}
