package lzf

import (
	"bytes"
	"errors"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

var refTable [1 << 16]int32 // referenceCompress's table; tests using it do not run in parallel

// referenceCompress is lzf_compress transcribed statement by statement (the
// pointer arithmetic as indexes, the hash table zeroed, out-of-range writes
// of the C code into Redis's spare byte kept in a spare byte here too), as
// an independent model of Compress's fast paths: matchLen's word compares,
// the pooled table with its base, the reordered output checks.
func referenceCompress(out, in []byte) int {
	const hsize = 1 << 16
	htab := refTable[:]
	clear(htab) // position+1; 0 = NULL
	idx := func(h uint32) int { return int(((h >> 8) - h*5) & (hsize - 1)) }
	o := make([]byte, len(out)+1) // Redis allocates outlen+1
	inEnd, outEnd := len(in), len(out)
	if inEnd == 0 || outEnd == 0 {
		return 0
	}
	ip, op, lit := 0, 1, 0
	var hval uint32
	if inEnd >= 2 {
		hval = uint32(in[0])<<8 | uint32(in[1])
	}
	for ip < inEnd-2 {
		hval = hval<<8 | uint32(in[ip+2])
		hslot := idx(hval)
		ref := int(htab[hslot]) - 1
		htab[hslot] = int32(ip + 1)
		if ref >= 0 && uint(ip-ref-1) < maxOff && ref > 0 &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			off := ip - ref - 1
			ln := 2
			maxlen := inEnd - ip - ln
			if maxlen > maxRef {
				maxlen = maxRef
			}
			o[op-lit-1] = byte(lit - 1)
			if lit == 0 {
				op--
			}
			if op+3+1 >= outEnd {
				return 0
			}
			func() {
				if maxlen > 16 {
					for range 16 {
						ln++
						if in[ref+ln] != in[ip+ln] {
							return
						}
					}
				}
				for {
					ln++
					if !(ln < maxlen && in[ref+ln] == in[ip+ln]) {
						break
					}
				}
			}()
			ln -= 2
			ip++
			if ln < 7 {
				o[op] = byte(off>>8 + ln<<5)
				op++
			} else {
				o[op] = byte(off>>8 + 7<<5)
				o[op+1] = byte(ln - 7)
				op += 2
			}
			o[op] = byte(off)
			op++
			lit = 0
			op++
			ip += ln + 1
			if ip >= inEnd-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			htab[idx(hval)] = int32(ip + 1)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab[idx(hval)] = int32(ip + 1)
			ip++
		} else {
			if op >= outEnd {
				return 0
			}
			lit++
			o[op] = in[ip]
			op++
			ip++
			if lit == maxLit {
				o[op-lit-1] = byte(lit - 1)
				lit = 0
				op++
			}
		}
	}
	if op+3 > outEnd {
		return 0
	}
	for ip < inEnd {
		lit++
		o[op] = in[ip]
		op++
		ip++
		if lit == maxLit {
			o[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	o[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	copy(out, o[:op])
	return op
}

// sample returns a test input of length n drawn from one of several shapes.
func sample(r *rand.Rand, shape, n int) []byte {
	b := make([]byte, n)
	switch shape % 8 {
	case 0: // random binary: incompressible
		r.Read(b)
	case 1: // text from a small vocabulary
		words := []string{"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "redis ", "embedis ", "\n"}
		var s strings.Builder
		for s.Len() < n {
			s.WriteString(words[r.Intn(len(words))])
		}
		copy(b, s.String())
	case 2: // a repeated pattern of random period
		p := make([]byte, 1+r.Intn(300))
		r.Read(p)
		for i := range b {
			b[i] = p[i%len(p)]
		}
	case 3: // long runs of a few bytes
		for i := 0; i < n; {
			c, k := byte(r.Intn(4)), 1+r.Intn(600)
			for ; k > 0 && i < n; k-- {
				b[i] = c
				i++
			}
		}
	case 4: // random bytes with copies of earlier chunks, near and far (beyond 8192)
		r.Read(b)
		for i := 0; n > 0 && i < 1+n/50; i++ {
			k := 3 + r.Intn(40)
			dst := r.Intn(n)
			src := dst - 1 - r.Intn(10000)
			if src < 0 || dst+k > n {
				continue
			}
			copy(b[dst:dst+k], b[src:src+k])
		}
	case 5: // a small alphabet: many short matches
		for i := range b {
			b[i] = "ab"[r.Intn(2)]
		}
	case 6: // barely compressible: random with one repeated chunk (near the 4-byte saving limit)
		r.Read(b)
		if n > 30 {
			k := 4 + r.Intn(12)
			at := r.Intn(n - k)
			from := r.Intn(at + 1)
			copy(b[at:at+k], b[from:from+k])
		}
	case 7: // digits and separators, like serialised numbers
		for i := range b {
			b[i] = "0123456789,.:"[r.Intn(13)]
		}
	}
	return b
}

// TestCompressMatchesReference compares Compress with the transcription of
// lzf_compress on inputs of every shape, for output limits below, at and
// above what the block needs (Redis's len-4 included), with the pooled table
// reused across calls.
func TestCompressMatchesReference(t *testing.T) {
	r := rand.New(rand.NewSource(redistest.Seed(t, "LZF_SEED")))
	for i := range 3000 {
		n := r.Intn(300)
		if i%10 == 0 {
			n = r.Intn(40000)
		}
		in := sample(r, i, n)
		limits := []int{len(in) - 4, len(in) + len(in)/32 + 8, r.Intn(len(in) + 10), 0, 1, 4}
		for _, lim := range limits {
			if lim < 0 {
				continue
			}
			want := make([]byte, lim)
			got := make([]byte, lim)
			wn := referenceCompress(want, in)
			gn := Compress(got, in)
			if gn != wn || !bytes.Equal(got[:gn], want[:wn]) {
				t.Fatalf("shape %d len %d limit %d: Compress = %d bytes, reference = %d bytes\nin  %x\ngot %x\nwant %x",
					i%8, len(in), lim, gn, wn, in, got[:gn], want[:wn])
			}
		}
	}
}

// TestCompressSmallExhaustive compares Compress with the reference on every
// input of up to 12 bytes over a two-letter alphabet (where matches, their
// ends and the output limits meet in every combination), for every output
// limit up to the input's length plus 4.
func TestCompressSmallExhaustive(t *testing.T) {
	for n := 0; n <= 12; n++ {
		in := make([]byte, n)
		for bits := 0; bits < 1<<n; bits++ {
			for i := range in {
				in[i] = 'a' + byte(bits>>i&1)
			}
			for lim := 0; lim <= n+4; lim++ {
				got, want := make([]byte, lim), make([]byte, lim)
				gn, wn := Compress(got, in), referenceCompress(want, in)
				if gn != wn || !bytes.Equal(got[:gn], want[:wn]) {
					t.Fatalf("%q limit %d: Compress = %x, reference %x", in, lim, got[:gn], want[:wn])
				}
				if gn > 0 {
					out := make([]byte, n)
					if m, err := Decompress(out, got[:gn]); err != nil || m != n || !bytes.Equal(out, in) {
						t.Fatalf("%q: round trip %q, %v", in, out[:m], err)
					}
				}
			}
		}
	}
}

// TestRoundTrip decompresses what Compress produced.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(redistest.Seed(t, "LZF_SEED")))
	for i := range 2000 {
		in := sample(r, i, r.Intn(20000))
		c := make([]byte, len(in)+len(in)/32+8)
		cn := Compress(c, in)
		if cn == 0 {
			if len(in) > 0 {
				t.Fatalf("len %d: Compress with room for the worst case returned 0", len(in))
			}
			continue
		}
		out := make([]byte, len(in))
		n, err := Decompress(out, c[:cn])
		if err != nil || n != len(in) || !bytes.Equal(out, in) {
			t.Fatalf("shape %d len %d: Decompress = %d, %v; equal %v", i%8, len(in), n, err, bytes.Equal(out[:n], in[:n]))
		}
		// One byte less of room is an overrun, reported, never written past.
		if len(in) > 0 {
			short := make([]byte, len(in)-1, len(in)+64)
			n, err := Decompress(short, c[:cn])
			if !errors.Is(err, ErrOverrun) || n > len(short) {
				t.Fatalf("len %d into %d bytes: %d, %v; want ErrOverrun", len(in), len(short), n, err)
			}
			if tail := short[len(short):cap(short)]; bytes.Count(tail, []byte{0}) != len(tail) {
				t.Fatalf("len %d: Decompress wrote past len(dst)", len(in))
			}
		}
	}
}

func TestDecompressErrors(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
		dst  int
		n    int
		err  error
	}{
		{"empty", nil, 10, 0, nil},
		{"literal", []byte{2, 'a', 'b', 'c'}, 3, 3, nil},
		{"literal cut short", []byte{2, 'a', 'b'}, 10, 0, ErrTruncated},
		{"literal too long for dst", []byte{2, 'a', 'b', 'c'}, 2, 0, ErrOverrun},
		{"run of one byte", []byte{0, 'x', 0xe0, 5, 0}, 20, 15, nil},
		{"short back-reference", []byte{1, 'a', 'b', 0x20, 1}, 10, 5, nil},
		{"back-reference before start", []byte{0, 'a', 0x20, 1}, 10, 1, ErrBackref},
		{"back-reference with nothing written", []byte{0x20, 0}, 10, 0, ErrBackref},
		{"back-reference missing its offset", []byte{0, 'a', 0x20}, 10, 1, ErrTruncated},
		{"long back-reference missing its length", []byte{0, 'a', 0xe0}, 10, 1, ErrTruncated},
		{"long back-reference missing its offset", []byte{0, 'a', 0xe0, 3}, 10, 1, ErrTruncated},
		{"back-reference too long for dst", []byte{0, 'a', 0x20, 0}, 3, 1, ErrOverrun},
		{"far offset", []byte{0, 'a', 0x3f, 0xff}, 10, 1, ErrBackref},
	}
	for _, c := range cases {
		dst := make([]byte, c.dst)
		n, err := Decompress(dst, c.src)
		if n != c.n || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("%s: Decompress = %d, %v; want %d, %v", c.name, n, err, c.n, c.err)
		}
	}
	dst := make([]byte, 15)
	Decompress(dst, []byte{0, 'x', 0xe0, 5, 0})
	if string(dst) != strings.Repeat("x", 15) {
		t.Errorf("run: %q", dst)
	}
	dst = dst[:5]
	Decompress(dst, []byte{1, 'a', 'b', 0x20, 1})
	if string(dst) != "ababa" {
		t.Errorf("overlapping back-reference: %q", dst)
	}
}

// readLen reads an RDB length: the length, whether it is a special encoding
// (then the length is the encoding number), and the rest.
func readLen(t *testing.T, p []byte) (uint64, bool, []byte) {
	t.Helper()
	if len(p) == 0 {
		t.Fatal("payload ends inside a length")
	}
	switch p[0] >> 6 {
	case 0:
		return uint64(p[0] & 0x3f), false, p[1:]
	case 1:
		return uint64(p[0]&0x3f)<<8 | uint64(p[1]), false, p[2:]
	case 3:
		return uint64(p[0] & 0x3f), true, p[1:]
	}
	switch p[0] {
	case 0x80:
		var v uint64
		for _, b := range p[1:5] {
			v = v<<8 | uint64(b)
		}
		return v, false, p[5:]
	case 0x81:
		var v uint64
		for _, b := range p[1:9] {
			v = v<<8 | uint64(b)
		}
		return v, false, p[9:]
	}
	t.Fatalf("bad length byte %#x", p[0])
	return 0, false, nil
}

// TestCompressMatchesRedis SETs strings of every shape and of lengths from
// 21 bytes to 100 KB in a real redis-server and compares the LZF block inside
// each DUMP payload (or Redis's choice to store the string raw) with
// Compress's output under Redis's output limit of len-4.
func TestCompressMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	r := rand.New(rand.NewSource(redistest.Seed(t, "LZF_SEED")))
	const keys = 1200
	vals := make([][]byte, keys)
	for i := range vals {
		var n int
		switch {
		case i%4 == 0:
			n = 21 + r.Intn(100000)
		case i%4 == 1:
			n = 21 + r.Intn(3000)
		default:
			n = 21 + r.Intn(200)
		}
		vals[i] = sample(r, i, n)
	}
	compressed, raw := 0, 0
	for start := 0; start < keys; start += 100 {
		var cmds [][]string
		for i := start; i < start+100; i++ {
			cmds = append(cmds, []string{"SET", "k" + strconv.Itoa(i), string(vals[i])})
		}
		for i := start; i < start+100; i++ {
			cmds = append(cmds, []string{"DUMP", "k" + strconv.Itoa(i)})
		}
		replies := c.Pipeline(t, cmds)
		for i := start; i < start+100; i++ {
			in := vals[i]
			p := []byte(replies[100+i-start].(string))
			if p[0] != 0 {
				t.Fatalf("key %d: DUMP type byte %d", i, p[0])
			}
			body := p[1 : len(p)-10]
			dst := make([]byte, len(in)-4)
			cn := Compress(dst, in)
			l, special, rest := readLen(t, body)
			if !special {
				raw++
				if cn != 0 {
					t.Fatalf("key %d (shape %d, %d bytes): Redis stored it raw, Compress made %d bytes", i, i%8, len(in), cn)
				}
				if l != uint64(len(in)) || !bytes.Equal(rest, in) {
					t.Fatalf("key %d: raw string in DUMP differs from the value", i)
				}
				continue
			}
			compressed++
			if l != 3 {
				t.Fatalf("key %d: special encoding %d, want 3 (LZF)", i, l)
			}
			clen, _, rest := readLen(t, rest)
			ulen, _, rest := readLen(t, rest)
			if ulen != uint64(len(in)) || clen != uint64(len(rest)) {
				t.Fatalf("key %d: LZF lengths %d/%d, value %d bytes, block %d bytes", i, clen, ulen, len(in), len(rest))
			}
			if cn == 0 || !bytes.Equal(dst[:cn], rest) {
				t.Fatalf("key %d (shape %d, %d bytes): Compress = %d bytes, Redis's block %d bytes; first difference at %d",
					i, i%8, len(in), cn, len(rest), firstDiff(dst[:cn], rest))
			}
			out := make([]byte, len(in))
			if n, err := Decompress(out, rest); err != nil || n != len(in) || !bytes.Equal(out, in) {
				t.Fatalf("key %d: Decompress of Redis's block = %d, %v", i, n, err)
			}
		}
	}
	t.Logf("%d values compared: %d LZF-compressed by Redis, %d stored raw", keys, compressed, raw)
	if compressed < keys/3 || raw < keys/20 {
		t.Fatalf("the sample should exercise both outcomes: %d compressed, %d raw", compressed, raw)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func FuzzDecompress(f *testing.F) {
	f.Add([]byte{2, 'a', 'b', 'c'}, uint16(3))
	f.Add([]byte{0, 'x', 0xe0, 5, 0}, uint16(15))
	f.Add([]byte{0, 'a', 0x3f, 0xff}, uint16(100))
	c := make([]byte, 200)
	in := []byte(strings.Repeat("hello world, hello lzf; ", 6))
	f.Add(c[:Compress(c, in)], uint16(len(in)))
	f.Fuzz(func(t *testing.T, src []byte, size uint16) {
		buf := make([]byte, int(size)+16)
		dst := buf[:size]
		n, err := Decompress(dst, src)
		if n < 0 || n > len(dst) {
			t.Fatalf("Decompress = %d for a %d-byte dst", n, len(dst))
		}
		for _, b := range buf[size:] {
			if b != 0 {
				t.Fatal("Decompress wrote past len(dst)")
			}
		}
		if err != nil && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrBackref) && !errors.Is(err, ErrOverrun) {
			t.Fatalf("unexpected error %v", err)
		}
		// With unlimited room the result extends this one.
		big := make([]byte, 1<<16+len(src)*264)
		m, err2 := Decompress(big, src)
		if !bytes.Equal(big[:n], dst[:n]) || m < n {
			t.Fatalf("with more room: %d bytes (%v), with %d: %d bytes (%v), prefixes differ or shrink", m, err2, size, n, err)
		}
		if err == nil && (err2 != nil || m != n) {
			t.Fatalf("succeeded with %d bytes of room (%d) but not with more: %d, %v", size, n, m, err2)
		}
	})
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), uint16(10))
	f.Add([]byte(strings.Repeat("abcdefghij0123456789", 40)), uint16(100))
	f.Add([]byte{}, uint16(0))
	f.Fuzz(func(t *testing.T, in []byte, limit uint16) {
		dst := make([]byte, int(limit))
		want := make([]byte, int(limit))
		n := Compress(dst, in)
		if wn := referenceCompress(want, in); n != wn || !bytes.Equal(dst[:n], want[:wn]) {
			t.Fatalf("Compress = %x, reference %x", dst[:n], want[:wn])
		}
		if n > len(dst) {
			t.Fatalf("Compress = %d for a %d-byte dst", n, len(dst))
		}
		if n == 0 {
			return
		}
		out := make([]byte, len(in))
		m, err := Decompress(out, dst[:n])
		if err != nil || m != len(in) || !bytes.Equal(out, in) {
			t.Fatalf("round trip: %d, %v", m, err)
		}
	})
}

func benchInputs() map[string][]byte {
	r := rand.New(rand.NewSource(1))
	return map[string][]byte{
		"text-64KiB":   sample(r, 1, 64<<10),
		"binary-64KiB": sample(r, 0, 64<<10),
		"runs-64KiB":   sample(r, 3, 64<<10),
		"text-100B":    sample(r, 1, 100),
	}
}

func BenchmarkCompress(b *testing.B) {
	for _, name := range []string{"text-100B", "text-64KiB", "binary-64KiB", "runs-64KiB"} {
		in := benchInputs()[name]
		b.Run(name, func(b *testing.B) {
			dst := make([]byte, len(in)-4)
			b.SetBytes(int64(len(in)))
			var n int
			for range b.N {
				n = Compress(dst, in)
			}
			b.ReportMetric(float64(n)/float64(len(in)), "ratio")
		})
	}
}

func BenchmarkDecompress(b *testing.B) {
	for _, name := range []string{"text-100B", "text-64KiB", "runs-64KiB"} {
		in := benchInputs()[name]
		b.Run(name, func(b *testing.B) {
			c := make([]byte, len(in))
			c = c[:Compress(c, in)]
			if len(c) == 0 {
				b.Fatalf("%s does not compress", name)
			}
			out := make([]byte, len(in))
			b.SetBytes(int64(len(in)))
			for range b.N {
				if _, err := Decompress(out, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
