package bench

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

// Hash benchmarks: HSET and HINCRBY on 100 hashes of 100 fields each (small
// enough for the compact encoding in embedis and the listpack in Redis, as
// user records are), compared with miniredis's Go API and redis-server
// through go-redis. Command i works on hash i%100, field i/100.

const (
	nHashes      = 100
	hashFields   = nKeys / nHashes
	memHashField = 1_000_000
)

// hashKeys name the HSET hashes, ctrHashKeys the HINCRBY ones; fieldNames
// are the fields of each.
var hashKeys, ctrHashKeys, fieldNames = func() (h, c, f []string) {
	h, c, f = make([]string, nHashes), make([]string, nHashes), make([]string, hashFields)
	for i := range h {
		h[i] = "hbench:" + strconv.Itoa(i)
		c[i] = "hctr:" + strconv.Itoa(i)
	}
	for i := range f {
		f[i] = "f:" + strconv.Itoa(i)
	}
	return h, c, f
}()

func hashOf(i int) (hash, ctr, field string) {
	return hashKeys[i%nHashes], ctrHashKeys[i%nHashes], fieldNames[i/nHashes]
}

func BenchmarkHSet(b *testing.B)    { benchHash(b, false) }
func BenchmarkHIncrBy(b *testing.B) { benchHash(b, true) }

func benchHash(b *testing.B, incr bool) {
	ctx := context.Background()
	b.Run("embedis/1", func(b *testing.B) {
		s := openEmbedisHashes(b)
		runSerial(b, func(i int) error {
			h, c, f := hashOf(i)
			if incr {
				_, err := s.HIncrBy(ctx, c, f, 1)
				return err
			}
			_, err := s.HSet(ctx, h, f, value16)
			return err
		})
	})
	b.Run("embedis-pipeline100", func(b *testing.B) {
		s := openEmbedisHashes(b)
		p := s.Pipeline()
		runPipelined(b, func(start, n int) error {
			for j := 0; j < n; j++ {
				h, c, f := hashOf((start + j) % nKeys)
				if incr {
					p.HIncrBy(c, f, 1)
				} else {
					p.HSet(h, f, value16)
				}
			}
			return p.Exec(ctx)
		})
	})
	b.Run("miniredis/1", func(b *testing.B) {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(m.Close)
		for i := 0; i < nKeys; i++ {
			h, c, f := hashOf(i)
			m.HSet(h, f, prefillValue(i))
			m.HSet(c, f, "0")
		}
		runSerial(b, func(i int) error {
			h, c, f := hashOf(i)
			if incr {
				_, err := m.HIncrBy(c, f, 1)
				return err
			}
			m.HSet(h, f, value16)
			return nil
		})
	})
	b.Run("goredis/1", func(b *testing.B) {
		rc := openGoRedisHashes(b)
		runSerial(b, func(i int) error {
			h, c, f := hashOf(i)
			if incr {
				return rc.HIncrBy(ctx, c, f, 1).Err()
			}
			return rc.HSet(ctx, h, f, value16).Err()
		})
	})
	b.Run("goredis-pipeline100", func(b *testing.B) {
		rc := openGoRedisHashes(b)
		runPipelined(b, func(start, n int) error {
			p := rc.Pipeline()
			for j := 0; j < n; j++ {
				h, c, f := hashOf((start + j) % nKeys)
				if incr {
					p.HIncrBy(ctx, c, f, 1)
				} else {
					p.HSet(ctx, h, f, value16)
				}
			}
			_, err := p.Exec(ctx)
			return err
		})
	})
}

// openEmbedisHashes opens a Store with the benchmark's hashes prefilled.
func openEmbedisHashes(b *testing.B) *embedis.Store {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	p := s.Pipeline()
	for i := 0; i < nKeys; i++ {
		h, c, f := hashOf(i)
		p.HSet(h, f, prefillValue(i))
		p.HSet(c, f, "0")
	}
	if err := p.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

// openGoRedisHashes connects to the local redis-server (or skips) and
// prefills the benchmark's hashes.
func openGoRedisHashes(b *testing.B) *redis.Client {
	rc := redisClient(b)
	b.Cleanup(func() { rc.Close() })
	ctx := context.Background()
	p := rc.Pipeline()
	for i := 0; i < nKeys; i++ {
		h, c, f := hashOf(i)
		p.HSet(ctx, h, f, prefillValue(i))
		p.HSet(ctx, c, f, "0")
	}
	if _, err := p.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	return rc
}

// TestMemoryPerHashField measures bytes per field of one hash of 1,000,000
// fields "key:N" with 16-byte values, in embedis (live heap) and in
// redis-server (used_memory from INFO memory) after the same HSETs. It
// takes a while: set EMBEDIS_MEMORY=1.
func TestMemoryPerHashField(t *testing.T) {
	if os.Getenv("EMBEDIS_MEMORY") != "1" {
		t.Skip("set EMBEDIS_MEMORY=1 to measure memory per hash field (takes a while)")
	}
	ctx := context.Background()
	before := liveHeap()
	store := func() *embedis.Store {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		args := make([]string, 0, 2000)
		for start := 0; start < memHashField; start += 1000 {
			args = args[:0]
			for i := start; i < start+1000; i++ {
				args = append(args, memKey(i), memValue(i))
			}
			if _, err := s.HSet(ctx, "big", args...); err != nil {
				t.Fatal(err)
			}
		}
		if n, _ := s.HLen(ctx, "big"); n != memHashField {
			t.Fatalf("HLen = %d", n)
		}
		return s
	}()
	emb := (float64(liveHeap()) - float64(before)) / memHashField
	store.Close()
	t.Logf("embedis       %8.2f bytes/field", emb)
	t.Run("redis", func(t *testing.T) {
		c := redisClient(t) // skips this subtest when no server answers
		defer c.Close()
		if err := c.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		usedMemory := func() float64 { return redisUsedMemory(t, ctx, c) }
		before := usedMemory()
		for start := 0; start < memHashField; start += 1000 {
			args := make([]any, 0, 2000)
			for i := start; i < start+1000; i++ {
				args = append(args, memKey(i), memValue(i))
			}
			if err := c.HSet(ctx, "big", args...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := c.HLen(ctx, "big").Result(); err != nil || n != memHashField {
			t.Fatalf("redis HLEN = %d, %v", n, err)
		}
		red := (usedMemory() - before) / memHashField
		c.Del(ctx, "big")
		t.Logf("redis-server  %8.2f bytes/field; embedis / redis-server = %.2fx", red, emb/red)
	})
}
