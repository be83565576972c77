package server_test

import (
	"testing"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// TestDiffRandomGroupMix runs workload's GroupMixCommand — two streams,
// three groups, four consumers; reads, acks, claims with every option,
// XAUTOCLAIM, XPENDING, XINFO STREAM FULL — over the wire, in RESP2 and
// RESP3, against redis-server. The time fields are normalized here
// (normalizeGroupTimes: the two servers' clocks differ); the root
// package's TestRedisDiffGroupTimes checks them under a clock that follows
// redis-server's.
func TestDiffRandomGroupMix(t *testing.T) {
	s := startBoth(t)
	seed := redistest.Seed(t, "EMBEDIS_SEED")
	steps := 2000
	if testing.Short() || raceEnabled {
		steps = 500
	}
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			p := s.pair(t)
			p.redis.send("HELLO", proto)
			p.embed.send("HELLO", proto)
			p.redis.read(t)
			p.embed.read(t)
			p.do("FLUSHALL")
			p.realTime = true
			w := workload.New(uint64(seed), 5, []string{"s1", "s2"}, 100_000)
			// Not through pair.random: its MULTI/EXEC replies are compared
			// without normalizeGroupTimes.
			for i := 0; i < steps; i++ {
				p.do(w.GroupMixCommand()...)
			}
			for _, k := range []string{"s1", "s2"} {
				p.do("XINFO", "STREAM", k, "FULL")
			}
			p.compareKeyspace()
		})
	}
}
