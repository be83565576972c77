package bench

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

// TestMemoryPerZSetMember measures bytes per member of one sorted set of
// 1,000,000 members "member:N" with distinct scores, in embedis, a Go
// sorted set on github.com/huandu/skiplist (with its member-to-score map),
// miniredis and redis-server (used_memory from INFO memory). The scores
// are a seeded permutation of 0…999,999, so members land all over the
// structure as they are added; a last row adds the members to embedis in
// ascending score order instead, which fills the B+tree's leaves
// completely. It takes a while: set EMBEDIS_MEMORY=1.
//
//	cd bench && EMBEDIS_MEMORY=1 go test -run TestMemoryPerZSetMember -v -count 1
func TestMemoryPerZSetMember(t *testing.T) {
	if os.Getenv("EMBEDIS_MEMORY") != "1" {
		t.Skip("set EMBEDIS_MEMORY=1 to measure memory per sorted-set member (takes a while)")
	}
	ctx := context.Background()
	const chunk = 1000
	const key = "bench:zset:mem"
	perm := rand.New(rand.NewPCG(7, 8)).Perm(memKeys)
	randomScore := func(i int) float64 { return float64(perm[i]) }
	ascendingScore := func(i int) float64 { return float64(i) }
	var rows []memRow

	embedisRow := func(score func(int) float64) float64 {
		return heapPerKey(t, func() any {
			s, err := embedis.Open(embedis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			zs := make([]embedis.Z, 0, chunk)
			for start := 0; start < memKeys; start += chunk {
				zs = zs[:0]
				for i := start; i < start+chunk; i++ {
					zs = append(zs, embedis.Z{Score: score(i), Member: memMember(i)})
				}
				if _, err := s.ZAdd(ctx, key, zs...); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := s.ZCard(ctx, key); err != nil || n != memKeys {
				t.Fatalf("embedis ZCard = %d, %v; want %d", n, err, memKeys)
			}
			return s
		})
	}

	rows = append(rows, memRow{"embedis Store", embedisRow(randomScore), "Go heap (HeapAlloc delta)"})

	rows = append(rows, memRow{"huandu/skiplist+map", heapPerKey(t, func() any {
		s := newSkiplistSet()
		for i := 0; i < memKeys; i++ {
			s.add(memMember(i), randomScore(i))
		}
		if s.list.Len() != memKeys {
			t.Fatalf("skiplist has %d members; want %d", s.list.Len(), memKeys)
		}
		return s
	}), "Go heap (HeapAlloc delta)"})

	rows = append(rows, memRow{"miniredis", heapPerKey(t, func() any {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < memKeys; i++ {
			if _, err := m.ZAdd(key, randomScore(i), memMember(i)); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}), "Go heap (HeapAlloc delta), server started"})

	rows = append(rows, redisZSetRow(t, ctx, key, randomScore))

	rows = append(rows, memRow{"embedis, ascending", embedisRow(ascendingScore),
		"Go heap (HeapAlloc delta), members added in score order"})

	runtime.KeepAlive(perm) // live through every reading
	t.Logf("bytes per member, one sorted set of %d members \"member:N\" with distinct scores:", memKeys)
	logMemTable(t, "bytes/mem", rows)
}

// redisZSetRow measures used_memory growth on the local redis-server for the
// same sorted set, or returns a row saying why it could not.
func redisZSetRow(t *testing.T, ctx context.Context, key string, score func(int) float64) memRow {
	r := memRow{name: "redis-server", bytes: -1, note: "skipped: no redis-server on PATH"}
	t.Run("redis", func(t *testing.T) {
		c := redisClient(t)
		defer c.Close()
		if err := c.Del(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
		before := redisUsedMemory(t, ctx, c)
		zs := make([]redis.Z, 0, 1000)
		for start := 0; start < memKeys; start += 1000 {
			zs = zs[:0]
			for i := start; i < start+1000; i++ {
				zs = append(zs, redis.Z{Score: score(i), Member: memMember(i)})
			}
			if err := c.ZAdd(ctx, key, zs...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := c.ZCard(ctx, key).Result(); err != nil || n != memKeys {
			t.Fatalf("redis ZCARD = %d, %v; want %d", n, err, memKeys)
		}
		r.bytes = (redisUsedMemory(t, ctx, c) - before) / memKeys
		r.note = "used_memory delta (INFO memory)"
		if err := c.Del(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
	})
	return r
}
