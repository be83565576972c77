package compat

import (
	"slices"
	"testing"

	"github.com/embedis/embedis/embedistest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisBitmaps: go-redis's bitmap calls against an embedis server,
// in RESP2 and RESP3: BitCount's range struct in bits, BitPos and
// BitPosSpan, BitOp, and BitField with OVERFLOW FAIL's null reply.
func TestGoRedisBitmaps(t *testing.T) {
	srv := embedistest.Run(t)
	for name, rdb := range clients(t, srv) {
		t.Run(name, func(t *testing.T) {
			rdb.FlushAll(ctx)
			for _, off := range []int64{1, 7, 12} {
				if err := rdb.SetBit(ctx, "b", off, 1).Err(); err != nil {
					t.Fatal(err)
				}
			}
			if v, err := rdb.GetBit(ctx, "b", 7).Result(); err != nil || v != 1 {
				t.Fatalf("GETBIT = %d, %v", v, err)
			}
			if n, err := rdb.BitCount(ctx, "b", &redis.BitCount{Start: 2, End: 12, Unit: redis.BitCountIndexBit}).Result(); err != nil || n != 2 {
				t.Fatalf("BITCOUNT 2 12 BIT = %d, %v", n, err)
			}
			if p, err := rdb.BitPos(ctx, "b", 1, 1).Result(); err != nil || p != 12 {
				t.Fatalf("BITPOS 1 1 = %d, %v", p, err)
			}
			if p, err := rdb.BitPosSpan(ctx, "b", 0, 1, 7, "bit").Result(); err != nil || p != 2 {
				t.Fatalf("BITPOS 0 1 7 BIT = %d, %v", p, err)
			}
			if n, err := rdb.BitOpNot(ctx, "n", "b").Result(); err != nil || n != 2 {
				t.Fatalf("BITOP NOT = %d, %v", n, err)
			}
			if v, err := rdb.Get(ctx, "n").Result(); err != nil || v != "\xbe\xf7" {
				t.Fatalf("GET n = %x, %v", v, err)
			}
			vals, err := rdb.BitField(ctx, "f", "SET", "u8", "#0", 250, "OVERFLOW", "FAIL", "INCRBY", "u8", "#0", 10, "GET", "u8", "#0").Result()
			if err != nil || !slices.Equal(vals, []int64{0, 0, 250}) {
				t.Fatalf("BITFIELD = %v, %v (OVERFLOW FAIL answers null, which go-redis reads as 0)", vals, err)
			}
			ro, err := rdb.BitFieldRO(ctx, "f", "u8", "#0").Result()
			if err != nil || !slices.Equal(ro, []int64{250}) {
				t.Fatalf("BITFIELD_RO = %v, %v", ro, err)
			}
			raw, err := rdb.Do(ctx, "BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "10").Slice()
			if err != nil || len(raw) != 1 || raw[0] != nil {
				t.Fatalf("BITFIELD with FAIL = %#v, %v; want a null element", raw, err)
			}
		})
	}
}
