package embedis_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
)

// Daily-active users as bitmaps: one bit per user id, one key per day.
func ExampleStore_SetBit() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	for _, id := range []int64{3, 7, 1000} {
		s.SetBit(ctx, "active:2026-12-06", id, 1)
	}
	for _, id := range []int64{7, 1000, 4242} {
		s.SetBit(ctx, "active:2026-12-07", id, 1)
	}
	today, _ := s.BitCount(ctx, "active:2026-12-07", nil)
	both, _ := s.BitOpAnd(ctx, "active:both", "active:2026-12-06", "active:2026-12-07")
	returning, _ := s.BitCount(ctx, "active:both", nil)
	first, _ := s.BitPos(ctx, "active:both", 1)
	was, _ := s.GetBit(ctx, "active:2026-12-06", 4242)
	fmt.Println(today, returning, first, was, both)
	// Output: 3 2 7 0 531
}

// Per-user counters packed in a string: a 4-bit saturating counter per user
// ("#id" addresses the id-th 4-bit integer).
func ExampleStore_BitField() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	for i := 0; i < 20; i++ {
		s.BitField(ctx, "logins", embedis.BitFieldOverflow("SAT"), embedis.BitFieldIncrBy("u4", "#12", 1))
	}
	res, _ := s.BitField(ctx, "logins",
		embedis.BitFieldGet("u4", "#12"),
		embedis.BitFieldOverflow("FAIL"),
		embedis.BitFieldIncrBy("u4", "#12", 1),
		embedis.BitFieldSet("u4", "#13", 9))
	fmt.Println(res[0].Value, res[1].Failed, res[2].Value)
	// Output: 15 true 0
}
