package bench

import (
	"context"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// Bitmap benchmarks: SETBIT at random offsets of a 1 MB bitmap, BITCOUNT of
// a 1 MB string, BITFIELD INCRBY of a u8 at random "#n" offsets of the 1 MB
// string, and BITOP AND of two 10 MB strings. Each runs
//
//   - embedded: through the Store's typed calls, in process;
//   - embedis-server: cmd/embedis-server on a Unix socket, through go-redis;
//   - redis-server: a redis-server of its own on a Unix socket (started by
//     internal/redistest; skipped without one unless CI=true), through
//     go-redis;
//
// so that the three lines of one command sit together. BITCOUNT has a
// fourth, bit-by-bit: the same count one bit at a time in Go, the
// reference for the word-at-a-time loop (internal/bitops). Run them with
//
//	cd bench && go test -run '^$' -bench 'SetBit|BitCount1MB|BitField|BitOp10MB' -benchtime 1s
//
// (-benchtime 1x checks that they run). The strings are filled outside the
// timer from a fixed seed, identical on every side.

const (
	bitmapBytes = 1 << 20
	bitopBytes  = 10 << 20
)

// bitmapData returns n seeded random bytes.
func bitmapData(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 21))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return string(b)
}

// bitmapOffsets returns nKeys seeded random bit offsets inside 1 MB and
// their text.
func bitmapOffsets() ([]int64, []string) {
	r := rand.New(rand.NewPCG(22, 23))
	n, s := make([]int64, nKeys), make([]string, nKeys)
	for i := range n {
		n[i] = r.Int64N(bitmapBytes * 8)
		s[i] = strconv.FormatInt(n[i], 10)
	}
	return n, s
}

// bitmapSides runs fn as the embedded sub-benchmark, and remote (with a
// go-redis client) as the embedis-server and redis-server ones.
func bitmapSides(b *testing.B, embedded func(b *testing.B, s *embedis.Store), remote func(b *testing.B, rc *redis.Client)) {
	b.Run("embedded", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		embedded(b, s)
	})
	b.Run("embedis-server", func(b *testing.B) {
		p := startEmbedisServer(b)
		rc := redis.NewClient(&redis.Options{Network: "unix", Addr: p.sock})
		defer rc.Close()
		remote(b, rc)
	})
	b.Run("redis-server", func(b *testing.B) {
		srv := redistest.Start(b)
		rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
		defer rc.Close()
		remote(b, rc)
	})
}

func BenchmarkSetBit(b *testing.B) {
	ctx := context.Background()
	offs, _ := bitmapOffsets()
	data := bitmapData(bitmapBytes, 1)
	bitmapSides(b, func(b *testing.B, s *embedis.Store) {
		if err := s.Set(ctx, "bm", data, 0); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.SetBit(ctx, "bm", offs[i%nKeys], i&1); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B, rc *redis.Client) {
		if err := rc.Set(ctx, "bm", data, 0).Err(); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := rc.SetBit(ctx, "bm", offs[i%nKeys], i&1).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkBitCount1MB(b *testing.B) {
	ctx := context.Background()
	data := bitmapData(bitmapBytes, 2)
	var want int64
	for i := 0; i < len(data); i++ {
		want += int64(bits.OnesCount8(data[i]))
	}
	check := func(b *testing.B, n int64) {
		if n != want {
			b.Fatalf("BITCOUNT %d, want %d", n, want)
		}
	}
	bitmapSides(b, func(b *testing.B, s *embedis.Store) {
		if err := s.Set(ctx, "bm", data, 0); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(bitmapBytes)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			n, err := s.BitCount(ctx, "bm", nil)
			if err != nil {
				b.Fatal(err)
			}
			check(b, n)
		}
	}, func(b *testing.B, rc *redis.Client) {
		if err := rc.Set(ctx, "bm", data, 0).Err(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(bitmapBytes)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			n, err := rc.BitCount(ctx, "bm", nil).Result()
			if err != nil {
				b.Fatal(err)
			}
			check(b, n)
		}
	})
	b.Run("bit-by-bit", func(b *testing.B) {
		b.SetBytes(bitmapBytes)
		for i := 0; i < b.N; i++ {
			var n int64
			for j := 0; j < len(data)*8; j++ {
				n += int64(data[j>>3]>>(7-j&7)) & 1
			}
			check(b, n)
		}
	})
}

func BenchmarkBitField(b *testing.B) {
	ctx := context.Background()
	data := bitmapData(bitmapBytes, 3)
	offs, _ := bitmapOffsets()
	fields := make([]string, nKeys)
	for i, o := range offs {
		fields[i] = "#" + strconv.FormatInt(o/8, 10) // the u8 fields of the 1 MB string
	}
	bitmapSides(b, func(b *testing.B, s *embedis.Store) {
		if err := s.Set(ctx, "bm", data, 0); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := s.BitField(ctx, "bm", embedis.BitFieldIncrBy("u8", fields[i%nKeys], 1)); err != nil {
				b.Fatal(err)
			}
		}
	}, func(b *testing.B, rc *redis.Client) {
		if err := rc.Set(ctx, "bm", data, 0).Err(); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := rc.BitField(ctx, "bm", "INCRBY", "u8", fields[i%nKeys], 1).Err(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkBitOp10MB(b *testing.B) {
	ctx := context.Background()
	x, y := bitmapData(bitopBytes, 4), bitmapData(bitopBytes, 5)
	bitmapSides(b, func(b *testing.B, s *embedis.Store) {
		if err := s.MSet(ctx, "x", x, "y", y); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(bitopBytes)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if n, err := s.BitOpAnd(ctx, "d", "x", "y"); err != nil || n != bitopBytes {
				b.Fatal(n, err)
			}
		}
	}, func(b *testing.B, rc *redis.Client) {
		if err := rc.MSet(ctx, "x", x, "y", y).Err(); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(bitopBytes)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if n, err := rc.BitOpAnd(ctx, "d", "x", "y").Result(); err != nil || n != bitopBytes {
				b.Fatal(n, err)
			}
		}
	})
}
