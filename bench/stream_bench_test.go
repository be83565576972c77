package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// Stream benchmarks: XADD of one 16-byte field-value pair with a generated
// ID, XRANGE … COUNT 100 from the start of a 100,000-entry stream, and a
// consumer's XREADGROUP of one entry and its XACK, each through the Store
// ("embedded"), through embedis-server over
// go-redis ("embedis-server") and through redis-server over go-redis
// ("redis"), so that the three lines sit together. The servers listen on
// Unix sockets of their own. TestMemoryPerStreamEntry compares the memory
// of a million entries.

func streamBenchLen() int { return sized(100_000, 10_000) }

// streamTargets runs fn on the three targets, each with a fresh empty
// store: xadd adds an entry with a generated ID, xrange reads up to 100
// entries from start.
func streamTargets(b *testing.B, fn func(b *testing.B, xadd func() error, xrange func(start string) (int, error))) {
	ctx := context.Background()
	b.Run("embedded", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		args := embedis.XAddArgs{Stream: "st", Values: []string{"field", value16}}
		fn(b, func() error { _, err := s.XAdd(ctx, args); return err },
			func(start string) (int, error) { ms, err := s.XRangeN(ctx, "st", start, "+", 100); return len(ms), err })
	})
	remote := func(b *testing.B, rc *redis.Client) {
		defer rc.Close()
		args := &redis.XAddArgs{Stream: "st", Values: []any{"field", value16}}
		fn(b, func() error { return rc.XAdd(ctx, args).Err() },
			func(start string) (int, error) {
				ms, err := rc.XRangeN(ctx, "st", start, "+", 100).Result()
				return len(ms), err
			})
	}
	b.Run("embedis-server", func(b *testing.B) {
		p := startEmbedisServer(b)
		remote(b, redis.NewClient(&redis.Options{Network: "unix", Addr: p.sock}))
	})
	b.Run("redis", func(b *testing.B) {
		srv := redistest.Start(b)
		remote(b, redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket}))
	})
}

func BenchmarkXAdd(b *testing.B) {
	streamTargets(b, func(b *testing.B, xadd func() error, _ func(string) (int, error)) {
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := xadd(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkXRange100 reads the first 100 entries of the stream: the seek
// (a binary search here, a radix-tree walk in Redis) and the 100 entries.
func BenchmarkXRange100(b *testing.B) {
	streamTargets(b, func(b *testing.B, xadd func() error, xrange func(string) (int, error)) {
		for i := 0; i < streamBenchLen(); i++ {
			if err := xadd(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			n, err := xrange("-")
			if err != nil || n != 100 {
				b.Fatalf("XRANGE gave %d entries, %v", n, err)
			}
		}
	})
}

// groupTargets runs fn on the three targets, each with a fresh store
// holding stream "st" and its group "g" (created at "$"): add adds n
// entries (one 16-byte field-value pair each), readAck reads one new entry
// as consumer "c" (XREADGROUP … COUNT 1 STREAMS st >) and acknowledges it
// (XACK), and reports whether there was one.
func groupTargets(b *testing.B, fn func(b *testing.B, add func(n int) error, readAck func() (bool, error))) {
	ctx := context.Background()
	b.Run("embedded", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		if err := s.XGroupCreateMkStream(ctx, "st", "g", "$"); err != nil {
			b.Fatal(err)
		}
		args := embedis.XAddArgs{Stream: "st", Values: []string{"field", value16}}
		read := embedis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"st", ">"}, Count: 1, Block: -1}
		fn(b, func(n int) error {
			p := s.Pipeline()
			for i := 0; i < n; i++ {
				p.XAdd(args)
			}
			return p.Exec(ctx)
		}, func() (bool, error) {
			ss, err := s.XReadGroup(ctx, read)
			if errors.Is(err, embedis.ErrNotFound) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			n, err := s.XAck(ctx, "st", "g", ss[0].Messages[0].ID)
			if err == nil && n != 1 {
				err = fmt.Errorf("XACK acknowledged %d", n)
			}
			return true, err
		})
	})
	remote := func(b *testing.B, rc *redis.Client) {
		defer rc.Close()
		if err := rc.XGroupCreateMkStream(ctx, "st", "g", "$").Err(); err != nil {
			b.Fatal(err)
		}
		args := &redis.XAddArgs{Stream: "st", Values: []any{"field", value16}}
		read := &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"st", ">"}, Count: 1, Block: -1}
		fn(b, func(n int) error {
			// Pipelines of at most 1,000: embedis-server stops reading a
			// connection while its replies wait to be written, so one
			// pipeline of 100,000 XADDs, whose replies go-redis reads only
			// once all are written, ran into go-redis's write timeout
			// (redis-server buffers the replies and reads on).
			for done := 0; done < n; done += 1000 {
				p := rc.Pipeline()
				for i := done; i < min(done+1000, n); i++ {
					p.XAdd(ctx, args)
				}
				if _, err := p.Exec(ctx); err != nil {
					return err
				}
			}
			return nil
		}, func() (bool, error) {
			ss, err := rc.XReadGroup(ctx, read).Result()
			if errors.Is(err, redis.Nil) {
				return false, nil
			}
			if err != nil {
				return false, err
			}
			n, err := rc.XAck(ctx, "st", "g", ss[0].Messages[0].ID).Result()
			if err == nil && n != 1 {
				err = fmt.Errorf("XACK acknowledged %d", n)
			}
			return true, err
		})
	}
	b.Run("embedis-server", func(b *testing.B) {
		p := startEmbedisServer(b)
		remote(b, redis.NewClient(&redis.Options{Network: "unix", Addr: p.sock}))
	})
	b.Run("redis", func(b *testing.B) {
		srv := redistest.Start(b)
		remote(b, redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket}))
	})
}

// BenchmarkXReadGroupAck is a consumer's loop: read one new entry of the
// group (XREADGROUP COUNT 1 >: the group's last ID moves, the entry joins
// the PEL) and acknowledge it (XACK: it leaves the PEL). One op is the
// pair. The stream is refilled, outside the timer, in batches of
// streamBenchLen entries.
func BenchmarkXReadGroupAck(b *testing.B) {
	groupTargets(b, func(b *testing.B, add func(int) error, readAck func() (bool, error)) {
		if err := add(streamBenchLen()); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			ok, err := readAck()
			if err != nil {
				b.Fatal(err)
			}
			if !ok {
				b.StopTimer()
				if err := add(streamBenchLen()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				i--
			}
		}
	})
}

// TestMemoryPerStreamEntry measures bytes per entry of one stream of
// 1,000,000 entries of one field and a distinct 16-byte value, in embedis
// (Go heap growth) and redis-server (used_memory growth). Set
// EMBEDIS_MEMORY=1 to run it.
func TestMemoryPerStreamEntry(t *testing.T) {
	if os.Getenv("EMBEDIS_MEMORY") != "1" {
		t.Skip("set EMBEDIS_MEMORY=1 to measure memory per stream entry (takes a while)")
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
			for i := start; i < start+1000; i++ {
				p.XAdd(embedis.XAddArgs{Stream: "st", ID: strconv.Itoa(i+1) + "-0", Values: []string{"field", memValue(i)}})
			}
			if err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}), "Go heap (HeapAlloc delta)"})
	r := memRow{name: "redis-server", bytes: -1}
	t.Run("redis", func(t *testing.T) {
		srv := redistest.Start(t)
		c := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
		defer c.Close()
		before := redisUsedMemory(t, ctx, c)
		for start := 0; start < memKeys; start += 1000 {
			p := c.Pipeline()
			for i := start; i < start+1000; i++ {
				p.XAdd(ctx, &redis.XAddArgs{Stream: "st", ID: strconv.Itoa(i+1) + "-0", Values: []any{"field", memValue(i)}})
			}
			if _, err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		r.bytes = (redisUsedMemory(t, ctx, c) - before) / memKeys
		r.note = "used_memory delta (INFO memory)"
	})
	rows = append(rows, r)
	t.Logf("bytes per entry, one stream of %d entries of one field and a 16-byte value:", memKeys)
	for _, r := range rows {
		t.Logf("%-16s %8.2f bytes/entry  %s", r.name, r.bytes, r.note)
	}
	if rows[1].bytes > 0 {
		t.Logf("embedis / redis-server = %.2fx", rows[0].bytes/rows[1].bytes)
	}
}
