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

// List benchmarks: LPUSH and RPOP of 16-byte elements spread over nKeys lists
// "list:N" (round robin, so that no list grows long enough to favour one
// structure: miniredis prepends by copying its whole slice), and the memory
// of one list of a million elements.

var listKeys = func() []string {
	k := make([]string, nKeys)
	for i := range k {
		k[i] = "list:" + strconv.Itoa(i)
	}
	return k
}()

func BenchmarkLPush(b *testing.B) { benchList(b, false) }
func BenchmarkRPop(b *testing.B)  { benchList(b, true) }

// listImpl prepares one implementation: fill(perList) pushes perList
// elements onto every list (for RPOP), and it returns the single command and
// the pipelined batch (nil if none).
type listImpl struct {
	name  string
	setup func(b *testing.B, pop bool, perList int) (cmd, pipe)
}

func benchList(b *testing.B, pop bool) {
	for _, im := range []listImpl{
		{"embedis", setupEmbedisList},
		{"miniredis", setupMiniredisList},
		{"goredis", setupGoRedisList},
	} {
		b.Run(im.name+"/1", func(b *testing.B) {
			c, _ := im.setup(b, pop, b.N/nKeys+1)
			runSerial(b, c)
		})
		if im.name != "miniredis" {
			b.Run(im.name+"-pipeline100", func(b *testing.B) {
				_, p := im.setup(b, pop, b.N/nKeys+1)
				runPipelined(b, p)
			})
		}
	}
}

// fillValues returns n copies of the 16-byte value.
func fillValues(n int) []string {
	vs := make([]string, n)
	for i := range vs {
		vs[i] = value16
	}
	return vs
}

func setupEmbedisList(b *testing.B, pop bool, perList int) (cmd, pipe) {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if pop {
		vs := fillValues(perList)
		for _, k := range listKeys {
			if _, err := s.RPush(ctx, k, vs...); err != nil {
				b.Fatal(err)
			}
		}
		c := func(i int) error { _, err := s.RPop(ctx, listKeys[i]); return err }
		return c, pipeOf(s, false, func(p *embedis.Pipeline, i int) embedis.Result[string] { return p.RPop(listKeys[i]) })
	}
	c := func(i int) error { _, err := s.LPush(ctx, listKeys[i], value16); return err }
	return c, pipeOf(s, false, func(p *embedis.Pipeline, i int) embedis.Result[int64] { return p.LPush(listKeys[i], value16) })
}

func setupMiniredisList(b *testing.B, pop bool, perList int) (cmd, pipe) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Close)
	if pop {
		vs := fillValues(perList)
		for _, k := range listKeys {
			if _, err := m.Push(k, vs...); err != nil {
				b.Fatal(err)
			}
		}
		return func(i int) error { _, err := m.Pop(listKeys[i]); return err }, nil
	}
	return func(i int) error { _, err := m.Lpush(listKeys[i], value16); return err }, nil
}

func setupGoRedisList(b *testing.B, pop bool, perList int) (cmd, pipe) {
	rc := redisClient(b)
	b.Cleanup(func() { rc.Close() })
	ctx := context.Background()
	clear := func() {
		for start := 0; start < nKeys; start += 1000 {
			if err := rc.Del(ctx, listKeys[start:min(start+1000, nKeys)]...).Err(); err != nil {
				b.Fatal(err)
			}
		}
	}
	clear()
	b.Cleanup(clear)
	if pop {
		vs := make([]any, perList)
		for i := range vs {
			vs[i] = value16
		}
		for start := 0; start < nKeys; start += 100 {
			p := rc.Pipeline()
			for i := start; i < start+100 && i < nKeys; i++ {
				p.RPush(ctx, listKeys[i], vs...)
			}
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	one := func(p redis.Cmdable, i int) error {
		if pop {
			return p.RPop(ctx, listKeys[i]).Err()
		}
		return p.LPush(ctx, listKeys[i], value16).Err()
	}
	pl := func(start, n int) error {
		p := rc.Pipeline()
		for j := 0; j < n; j++ {
			one(p, (start+j)%nKeys)
		}
		_, err := p.Exec(ctx)
		return err
	}
	return func(i int) error { return one(rc, i) }, pl
}

// TestMemoryPerListElement measures bytes per element of one list of
// 1,000,000 distinct 16-byte elements in embedis, miniredis and redis-server
// (used_memory growth). Set EMBEDIS_MEMORY=1 to run it.
func TestMemoryPerListElement(t *testing.T) {
	if os.Getenv("EMBEDIS_MEMORY") != "1" {
		t.Skip("set EMBEDIS_MEMORY=1 to measure memory per list element (takes a while)")
	}
	ctx := context.Background()
	var rows []memRow
	rows = append(rows, memRow{"embedis Store", heapPerKey(t, func() any {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := s.Pipeline()
		for start := 0; start < memKeys; start += 1000 {
			vs := make([]string, 1000)
			for i := range vs {
				vs[i] = memValue(start + i)
			}
			p.RPush("list", vs...)
			if err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.LLen(ctx, "list"); err != nil || n != memKeys {
			t.Fatalf("embedis LLEN = %d, %v", n, err)
		}
		return s
	}), "Go heap (HeapAlloc delta)"})
	rows = append(rows, memRow{"[]string", heapPerKey(t, func() any {
		var ss []string // grown by appends, as a slice-backed list would be
		for i := 0; i < memKeys; i++ {
			ss = append(ss, memValue(i))
		}
		return ss
	}), "Go heap (HeapAlloc delta)"})
	rows = append(rows, memRow{"miniredis", heapPerKey(t, func() any {
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			t.Fatal(err)
		}
		for start := 0; start < memKeys; start += 1000 {
			vs := make([]string, 1000)
			for i := range vs {
				vs[i] = memValue(start + i)
			}
			if _, err := m.Push("list", vs...); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}), "Go heap (HeapAlloc delta), server started"})
	rows = append(rows, redisListRow(t, ctx))

	t.Logf("bytes per element, one list of %d distinct 16-byte elements:", memKeys)
	logMemTable(t, "bytes/elem", rows)
}

// redisListRow measures used_memory growth on the local redis-server for the
// same list, or returns a row saying why it could not.
func redisListRow(t *testing.T, ctx context.Context) memRow {
	r := memRow{name: "redis-server", bytes: -1, note: "skipped: no redis-server on PATH"}
	t.Run("redis", func(t *testing.T) {
		c := redisClient(t)
		defer c.Close()
		const key = "embedis:bench:list"
		c.Del(ctx, key)
		used := func() float64 { return redisUsedMemory(t, ctx, c) }
		before := used()
		for start := 0; start < memKeys; start += 1000 {
			vs := make([]any, 1000)
			for i := range vs {
				vs[i] = memValue(start + i)
			}
			if err := c.RPush(ctx, key, vs...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		after := used()
		r.bytes = (after - before) / memKeys
		r.note = "used_memory delta (INFO memory)"
		c.Del(ctx, key)
	})
	return r
}
