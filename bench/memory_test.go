package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

const memKeys = 1_000_000

// memKey and memValue give the i-th key ("key:N") and its distinct 16-byte
// value. Both are built afresh for every insert, so that the bytes of keys
// and values are counted with the store that keeps them, as Redis counts
// them in used_memory.
func memKey(i int) string   { return "key:" + strconv.Itoa(i) }
func memValue(i int) string { return fmt.Sprintf("v%015d", i) }

// liveHeap returns the live heap after two full collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// heapPerKey returns the live heap bytes per key that fill leaves behind:
// fill builds the store, inserts memKeys keys and returns the store, which is
// kept reachable until the second reading.
func heapPerKey(t *testing.T, fill func() any) float64 {
	t.Helper()
	before := liveHeap()
	store := fill()
	after := liveHeap()
	runtime.KeepAlive(store)
	return (float64(after) - float64(before)) / memKeys
}

// TestMemoryPerKey measures bytes per key for 1,000,000 string keys "key:N"
// with 16-byte values in embedis, a plain map, miniredis and redis-server
// (used_memory from INFO memory). It takes a while: set EMBEDIS_MEMORY=1.
func TestMemoryPerKey(t *testing.T) {
	if os.Getenv("EMBEDIS_MEMORY") != "1" {
		t.Skip("set EMBEDIS_MEMORY=1 to measure memory per key (takes a while)")
	}
	ctx := context.Background()
	var rows []memRow

	rows = append(rows, memRow{"embedis Store", heapPerKey(t, func() any {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < memKeys; i++ {
			if err := s.Set(ctx, memKey(i), memValue(i), 0); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.DBSize(ctx); err != nil || n != memKeys {
			t.Fatalf("embedis DBSize = %d, %v; want %d", n, err, memKeys)
		}
		return s
	}), "Go heap (HeapAlloc delta)"})

	rows = append(rows, memRow{"map[string]string", heapPerKey(t, func() any {
		m := make(map[string]string) // grown by inserts, as a store's map would be
		for i := 0; i < memKeys; i++ {
			m[memKey(i)] = memValue(i)
		}
		return m
	}), "Go heap (HeapAlloc delta)"})

	rows = append(rows, memRow{"miniredis", heapPerKey(t, func() any {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < memKeys; i++ {
			if err := m.Set(memKey(i), memValue(i)); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(m.Keys()); n != memKeys {
			t.Fatalf("miniredis has %d keys; want %d", n, memKeys)
		}
		return m
	}), "Go heap (HeapAlloc delta), server started"})

	rows = append(rows, redisRow(t, ctx))

	t.Logf("bytes per key, %d keys \"key:N\" with 16-byte values:", memKeys)
	logMemTable(t, "bytes/key", rows)
}

// memRow is one line of the table: bytes < 0 means not measured.
type memRow struct {
	name  string
	bytes float64
	note  string
}

// redisRow measures used_memory growth on the local redis-server for the same
// keys, or returns a row saying why it could not.
func redisRow(t *testing.T, ctx context.Context) memRow {
	r := memRow{name: "redis-server", bytes: -1, note: "skipped: no redis-server on PATH"}
	t.Run("redis", func(t *testing.T) {
		c := redisClient(t) // skips this subtest when no server answers
		defer c.Close()
		if err := c.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		usedMemory := func() float64 { return redisUsedMemory(t, ctx, c) }
		before := usedMemory()
		for start := 0; start < memKeys; start += 1000 {
			p := c.Pipeline()
			for i := start; i < start+1000; i++ {
				p.Set(ctx, memKey(i), memValue(i), 0)
			}
			if _, err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := c.DBSize(ctx).Result(); err != nil || n != memKeys {
			t.Fatalf("redis DBSIZE = %d, %v; want %d", n, err, memKeys)
		}
		after := usedMemory()
		r.bytes = (after - before) / memKeys
		r.note = "used_memory delta (INFO memory)"
		if err := c.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
	})
	return r
}

// redisUsedMemory returns used_memory from the server's INFO memory.
func redisUsedMemory(t *testing.T, ctx context.Context, c *redis.Client) float64 {
	t.Helper()
	info, err := c.Info(ctx, "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}

// logMemTable logs the rows (embedis first, redis-server fourth) with their
// unit, and the ratio of embedis to redis-server when both were measured.
func logMemTable(t *testing.T, unit string, rows []memRow) {
	t.Logf("%-20s %10s %12s  %s", "store", unit, "total MiB", "measured as")
	for _, r := range rows {
		if r.bytes < 0 {
			t.Logf("%-20s %10s %12s  %s", r.name, "-", "-", r.note)
			continue
		}
		t.Logf("%-20s %10.2f %12.2f  %s", r.name, r.bytes, r.bytes*memKeys/(1<<20), r.note)
	}
	if e, r := rows[0].bytes, rows[3].bytes; r > 0 {
		t.Logf("embedis / redis-server = %.2fx", e/r)
	}
}
