package crc64

import (
	"encoding/binary"
	stdcrc64 "hash/crc64"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// TestCheckValue is the check value Redis's crc64.c tests itself with.
func TestCheckValue(t *testing.T) {
	if got := Update(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64(123456789) = %#x, want 0xe9c6d914c4b8d9ca", got)
	}
	if got := Update(0, nil); got != 0 {
		t.Fatalf("crc64 of nothing = %#x, want 0", got)
	}
}

// bitwise is the definition, one bit at a time, straight from the polynomial.
func bitwise(crc uint64, p []byte) uint64 {
	for _, b := range p {
		crc ^= uint64(b)
		for range 8 {
			if crc&1 == 1 {
				crc = crc>>1 ^ poly
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// TestAgainstReferences compares Update with the bit-at-a-time definition
// and with the standard library's table-driven CRC (same polynomial, with
// its complement before and after undone), for every length up to 300 and
// every alignment of the slicing loop, and checks that Update can be
// computed in pieces.
func TestAgainstReferences(t *testing.T) {
	std := stdcrc64.MakeTable(poly)
	r := rand.New(rand.NewSource(1))
	buf := make([]byte, 320)
	r.Read(buf)
	for n := 0; n <= 300; n++ {
		for off := 0; off < 8; off++ {
			p := buf[off : off+n]
			want := bitwise(0, p)
			if got := Update(0, p); got != want {
				t.Fatalf("len %d off %d: Update = %#x, bitwise = %#x", n, off, got, want)
			}
			if got := ^stdcrc64.Update(^uint64(0), std, p); got != want {
				t.Fatalf("len %d off %d: hash/crc64 = %#x, bitwise = %#x", n, off, got, want)
			}
		}
		for cut := 0; cut <= n; cut += 1 + n/7 {
			if got, want := Update(Update(0, buf[:cut]), buf[cut:n]), Update(0, buf[:n]); got != want {
				t.Fatalf("len %d cut %d: in pieces %#x, at once %#x", n, cut, got, want)
			}
		}
	}
	// Nonzero starting values go through the same path.
	for i := range 1000 {
		crc := r.Uint64()
		p := buf[:i%300]
		if got, want := Update(crc, p), bitwise(crc, p); got != want {
			t.Fatalf("start %#x len %d: Update = %#x, bitwise = %#x", crc, len(p), got, want)
		}
	}
}

// TestDumpPayloadTrailers checks Update against redis-server itself: the last
// 8 bytes of a DUMP payload are the little-endian CRC-64 of everything
// before them.
func TestDumpPayloadTrailers(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	r := rand.New(rand.NewSource(redistest.Seed(t, "CRC64_SEED")))
	var cmds [][]string
	for i := range 200 {
		k := "k" + strconv.Itoa(i)
		switch i % 5 {
		case 0: // random binary of random length (raw or LZF-compressed)
			b := make([]byte, r.Intn(5000))
			r.Read(b)
			cmds = append(cmds, []string{"SET", k, string(b)})
		case 1: // compressible text
			cmds = append(cmds, []string{"SET", k, strings.Repeat("abc"+strconv.Itoa(i), 1+r.Intn(400))})
		case 2: // integer encoding
			cmds = append(cmds, []string{"SET", k, strconv.FormatInt(r.Int63()-r.Int63(), 10)})
		case 3: // a listpack hash
			cmds = append(cmds, []string{"HSET", k, "f", strconv.Itoa(i), "g", "value"})
		case 4: // a sorted set
			cmds = append(cmds, []string{"ZADD", k, strconv.Itoa(i), "m", "1.5", "n"})
		}
	}
	c.Pipeline(t, cmds)
	for i := range 200 {
		k := "k" + strconv.Itoa(i)
		p, ok := c.MustDo(t, "DUMP", k).(string)
		if !ok || len(p) < 10 {
			t.Fatalf("DUMP %s = %q", k, p)
		}
		body, trailer := p[:len(p)-8], p[len(p)-8:]
		want := binary.LittleEndian.Uint64([]byte(trailer))
		if got := Update(0, []byte(body)); got != want {
			t.Fatalf("DUMP %s (%d bytes): crc64 = %#x, trailer = %#x", k, len(p), got, want)
		}
	}
}

func BenchmarkUpdate(b *testing.B) {
	for _, n := range []int{16, 1 << 10, 1 << 20} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			p := make([]byte, n)
			rand.New(rand.NewSource(1)).Read(p)
			b.SetBytes(int64(n))
			var crc uint64
			for range b.N {
				crc = Update(crc, p)
			}
			_ = crc
		})
	}
}
