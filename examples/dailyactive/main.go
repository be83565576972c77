// Command dailyactive counts daily-active users with bitmaps on embedis: a
// week of logins, one bit per user id in one key per day (SETBIT), the
// users of each day (BITCOUNT), those active every day (BITOP AND), on any
// day (BITOP OR), the first user who came back (BITPOS), and per-user
// feature flags packed in one string (BITFIELD).
//
//	go run ./examples/dailyactive
//
// The data is generated from a fixed seed, so the output is the same on
// every run.
package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/embedis/embedis"
)

const users = 100_000

func main() {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	r := rand.New(rand.NewPCG(2026, 12))
	days := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	keys := make([]string, len(days))
	for d, day := range days {
		keys[d] = "active:" + day
		// Heavy users (the first thousand ids) come most days; the rest
		// now and then.
		for id := int64(0); id < users; id++ {
			p := 0.05
			if id < 1000 {
				p = 0.9
			}
			if r.Float64() < p {
				if _, err := s.SetBit(ctx, keys[d], id, 1); err != nil {
					log.Fatal(err)
				}
			}
		}
		n, _ := s.BitCount(ctx, keys[d], nil)
		fmt.Printf("%s: %d users\n", day, n)
	}

	size, _ := s.BitOpAnd(ctx, "active:every-day", keys...)
	every, _ := s.BitCount(ctx, "active:every-day", nil)
	s.BitOpOr(ctx, "active:any-day", keys...)
	anyDay, _ := s.BitCount(ctx, "active:any-day", nil)
	fmt.Printf("every day: %d users; any day: %d users (each bitmap %d bytes)\n", every, anyDay, size)

	// Heavy users among those active every day: the count in the first
	// 1000 bits (125 bytes).
	heavy, _ := s.BitCount(ctx, "active:every-day", &embedis.BitCount{Start: 0, End: 999, Unit: embedis.BitCountIndexBit})
	first, _ := s.BitPos(ctx, "active:every-day", 1)
	firstAbsent, _ := s.BitPos(ctx, "active:every-day", 0)
	fmt.Printf("of them heavy users: %d; first id active every day: %d; first id not: %d\n", heavy, first, firstAbsent)

	// Feature flags: four bits per user ("#id" is the id-th 4-bit field),
	// one bit per feature.
	const darkMode, beta = 1, 2
	for _, id := range []int64{first, 42, 99_999} {
		s.BitField(ctx, "flags", embedis.BitFieldSet("u4", fmt.Sprintf("#%d", id), darkMode|beta))
	}
	s.BitField(ctx, "flags", embedis.BitFieldSet("u4", "#42", beta))
	res, _ := s.BitFieldRO(ctx, "flags", embedis.BitFieldGet("u4", "#42"), embedis.BitFieldGet("u4", "#7"))
	fmt.Printf("user 42: dark mode %v, beta %v; user 7: flags %04b\n", res[0].Value&darkMode != 0, res[0].Value&beta != 0, res[1].Value)
	flagBytes, _ := s.StrLen(ctx, "flags")
	fmt.Printf("flags for %d users in %d bytes\n", users, flagBytes)
}
