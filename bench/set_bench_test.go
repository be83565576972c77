package bench

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/embedis/embedis"
)

// Set benchmarks: SADD into, and SISMEMBER against, one set of nKeys
// members ("key:N"), prefilled, so SADD re-adds existing members after the
// first pass and SISMEMBER always hits. Run them with
//
//	cd bench && go test -run '^$' -bench 'SAdd|SIsMember' -benchtime 1s
//
// The goredis ones use the run's own redis-server (redisserver_test.go).

const setKey = "bench:set"

type setOp int

const (
	opSAdd setOp = iota
	opSIsMember
)

func BenchmarkSAdd(b *testing.B)      { benchSetOp(b, opSAdd) }
func BenchmarkSIsMember(b *testing.B) { benchSetOp(b, opSIsMember) }

func benchSetOp(b *testing.B, o setOp) {
	b.Run("embedis/1", func(b *testing.B) {
		c, _ := setupEmbedisSet(b, o)
		runSerial(b, c)
	})
	b.Run("embedis-pipeline100", func(b *testing.B) {
		_, p := setupEmbedisSet(b, o)
		runPipelined(b, p)
	})
	b.Run("miniredis/1", func(b *testing.B) {
		runSerial(b, setupMiniredisSet(b, o))
	})
	b.Run("goredis/1", func(b *testing.B) {
		c, _ := setupGoRedisSet(b, o)
		runSerial(b, c)
	})
	b.Run("goredis-pipeline100", func(b *testing.B) {
		_, p := setupGoRedisSet(b, o)
		runPipelined(b, p)
	})
}

func setupEmbedisSet(b *testing.B, o setOp) (cmd, pipe) {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.SAdd(ctx, setKey, keys...); err != nil {
		b.Fatal(err)
	}
	if o == opSAdd {
		c := func(i int) error { _, err := s.SAdd(ctx, setKey, keys[i]); return err }
		return c, pipeOf(s, false, func(p *embedis.Pipeline, i int) embedis.Result[int64] { return p.SAdd(setKey, keys[i]) })
	}
	c := func(i int) error {
		ok, err := s.SIsMember(ctx, setKey, keys[i])
		if err == nil && !ok {
			b.Fatalf("%s is no member", keys[i])
		}
		return err
	}
	return c, pipeOf(s, false, func(p *embedis.Pipeline, i int) embedis.Result[bool] { return p.SIsMember(setKey, keys[i]) })
}

func setupMiniredisSet(b *testing.B, o setOp) cmd {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Close)
	if _, err := m.SAdd(setKey, keys...); err != nil {
		b.Fatal(err)
	}
	if o == opSAdd {
		return func(i int) error { _, err := m.SAdd(setKey, keys[i]); return err }
	}
	return func(i int) error { _, err := m.IsMember(setKey, keys[i]); return err }
}

func setupGoRedisSet(b *testing.B, o setOp) (cmd, pipe) {
	rc := redisClient(b)
	b.Cleanup(func() { rc.Close() })
	ctx := context.Background()
	if err := rc.Del(ctx, setKey).Err(); err != nil {
		b.Fatal(err)
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	if err := rc.SAdd(ctx, setKey, args...).Err(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rc.Del(ctx, setKey) })
	c := func(i int) error {
		if o == opSAdd {
			return rc.SAdd(ctx, setKey, keys[i]).Err()
		}
		return rc.SIsMember(ctx, setKey, keys[i]).Err()
	}
	pl := func(start, n int) error {
		p := rc.Pipeline()
		for j := 0; j < n; j++ {
			k := (start + j) % nKeys
			if o == opSAdd {
				p.SAdd(ctx, setKey, keys[k])
			} else {
				p.SIsMember(ctx, setKey, keys[k])
			}
		}
		_, err := p.Exec(ctx)
		return err
	}
	return c, pl
}

// memMember gives the i-th member ("member:N"), built afresh for every
// insert so that its bytes are counted with the store that keeps it.
func memMember(i int) string { return "member:" + strconv.Itoa(i) }

// TestMemoryPerSetMember measures bytes per member of one set of 1,000,000
// members "member:N" in embedis, miniredis and redis-server (used_memory
// from INFO memory). It takes a while: set EMBEDIS_MEMORY=1.
func TestMemoryPerSetMember(t *testing.T) {
	if os.Getenv("EMBEDIS_MEMORY") != "1" {
		t.Skip("set EMBEDIS_MEMORY=1 to measure memory per set member (takes a while)")
	}
	ctx := context.Background()
	const chunk = 1000
	var rows []memRow

	rows = append(rows, memRow{"embedis Store", heapPerKey(t, func() any {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]string, 0, chunk)
		for start := 0; start < memKeys; start += chunk {
			buf = buf[:0]
			for i := start; i < start+chunk; i++ {
				buf = append(buf, memMember(i))
			}
			if _, err := s.SAdd(ctx, setKey, buf...); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.SCard(ctx, setKey); err != nil || n != memKeys {
			t.Fatalf("embedis SCard = %d, %v; want %d", n, err, memKeys)
		}
		return s
	}), "Go heap (HeapAlloc delta)"})

	rows = append(rows, memRow{"map[string]struct{}", heapPerKey(t, func() any {
		m := make(map[string]struct{})
		for i := 0; i < memKeys; i++ {
			m[memMember(i)] = struct{}{}
		}
		return m
	}), "Go heap (HeapAlloc delta)"})

	rows = append(rows, memRow{"miniredis", heapPerKey(t, func() any {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]string, 0, chunk)
		for start := 0; start < memKeys; start += chunk {
			buf = buf[:0]
			for i := start; i < start+chunk; i++ {
				buf = append(buf, memMember(i))
			}
			if _, err := m.SAdd(setKey, buf...); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}), "Go heap (HeapAlloc delta), server started"})

	rows = append(rows, redisSetRow(t, ctx))

	t.Logf("bytes per member, one set of %d members \"member:N\":", memKeys)
	logMemTable(t, "bytes/mem", rows)
}

// redisSetRow measures used_memory growth on the local redis-server for the
// same set, or returns a row saying why it could not.
func redisSetRow(t *testing.T, ctx context.Context) memRow {
	r := memRow{name: "redis-server", bytes: -1, note: "skipped: no redis-server on PATH"}
	t.Run("redis", func(t *testing.T) {
		c := redisClient(t)
		defer c.Close()
		if err := c.Del(ctx, setKey).Err(); err != nil {
			t.Fatal(err)
		}
		usedMemory := func() float64 { return redisUsedMemory(t, ctx, c) }
		before := usedMemory()
		for start := 0; start < memKeys; start += 1000 {
			args := make([]any, 0, 1000)
			for i := start; i < start+1000; i++ {
				args = append(args, memMember(i))
			}
			if err := c.SAdd(ctx, setKey, args...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := c.SCard(ctx, setKey).Result(); err != nil || n != memKeys {
			t.Fatalf("redis SCARD = %d, %v; want %d", n, err, memKeys)
		}
		after := usedMemory()
		r.bytes = (after - before) / memKeys
		r.note = "used_memory delta (INFO memory)"
		if err := c.Del(ctx, setKey).Err(); err != nil {
			t.Fatal(err)
		}
	})
	return r
}
