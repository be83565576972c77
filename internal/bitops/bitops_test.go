package bitops

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The model: every function again, one bit at a time.

func bitAt(p []byte, i int64) int {
	if i>>3 >= int64(len(p)) {
		return 0
	}
	return int(p[i>>3]>>(7-i&7)) & 1
}

func modelCount(p []byte, start, end int64) int64 {
	var n int64
	for i := start; i <= end; i++ {
		n += int64(bitAt(p, i))
	}
	return n
}

func modelFirst(p []byte, bit int, start, end int64) int64 {
	for i := start; i <= end; i++ {
		if bitAt(p, i) == bit {
			return i
		}
	}
	return -1
}

func randomBytes(r *rand.Rand, n int) []byte {
	p := make([]byte, n)
	mode := r.IntN(4)
	for i := range p {
		switch mode {
		case 0:
			p[i] = byte(r.Uint32())
		case 1: // mostly zeros, a few ones
			if r.IntN(50) == 0 {
				p[i] = 1 << r.IntN(8)
			}
		case 2: // mostly ones, a few zeros
			p[i] = 0xff
			if r.IntN(50) == 0 {
				p[i] &^= 1 << r.IntN(8)
			}
		case 3:
			p[i] = []byte{0, 0xff}[r.IntN(2)]
		}
	}
	return p
}

func TestCountAndFirstMatchTheModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 3000; iter++ {
		p := randomBytes(r, r.IntN(100))
		nbits := int64(len(p)) * 8
		if got, want := Count(p), modelCount(p, 0, nbits-1); got != want {
			t.Fatalf("Count(%x) = %d, want %d", p, got, want)
		}
		for bit := 0; bit < 2; bit++ {
			if got, want := First(p, bit), modelFirst(p, bit, 0, nbits-1); got != want {
				t.Fatalf("First(%x, %d) = %d, want %d", p, bit, got, want)
			}
		}
		if nbits == 0 {
			continue
		}
		start := r.Int64N(nbits)
		end := start + r.Int64N(nbits-start)
		if got, want := CountRange(p, start, end), modelCount(p, start, end); got != want {
			t.Fatalf("CountRange(%x, %d, %d) = %d, want %d", p, start, end, got, want)
		}
		for bit := 0; bit < 2; bit++ {
			if got, want := FirstRange(p, bit, start, end), modelFirst(p, bit, start, end); got != want {
				t.Fatalf("FirstRange(%x, %d, %d, %d) = %d, want %d", p, bit, start, end, got, want)
			}
		}
	}
}

func modelApply(op Op, srcs ...[]byte) []byte {
	n := 0
	for _, s := range srcs {
		n = max(n, len(s))
	}
	out := make([]byte, n)
	for i := range out {
		at := func(s []byte) byte {
			if i < len(s) {
				return s[i]
			}
			return 0
		}
		v := at(srcs[0])
		if op == Not {
			v = ^v
		}
		for _, s := range srcs[1:] {
			switch op {
			case And:
				v &= at(s)
			case Or:
				v |= at(s)
			case Xor:
				v ^= at(s)
			}
		}
		out[i] = v
	}
	return out
}

func TestApplyMatchesTheModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 2000; iter++ {
		op := Op(r.IntN(4))
		n := 1
		if op != Not {
			n = 1 + r.IntN(4)
		}
		srcs := make([][]byte, n)
		for i := range srcs {
			srcs[i] = randomBytes(r, r.IntN(40))
		}
		saved := make([][]byte, n)
		for i := range srcs {
			saved[i] = bytes.Clone(srcs[i])
		}
		got, want := Apply(op, srcs...), modelApply(op, srcs...)
		if !bytes.Equal(got, want) {
			t.Fatalf("Apply(%d, %x) = %x, want %x", op, srcs, got, want)
		}
		for i := range srcs {
			if !bytes.Equal(srcs[i], saved[i]) {
				t.Fatalf("Apply changed its source %d", i)
			}
		}
	}
}

func modelGet(p []byte, off uint64, n int) uint64 {
	var v uint64
	for i := 0; i < n; i++ {
		v = v<<1 | uint64(bitAt(p, int64(off)+int64(i)))
	}
	return v
}

func TestGetSetMatchTheModel(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 20000; iter++ {
		p := randomBytes(r, 1+r.IntN(24))
		n := 1 + r.IntN(64)
		off := uint64(r.IntN(len(p)*8 + 16))
		if got, want := Get(p, off, n), modelGet(p, off, n); got != want {
			t.Fatalf("Get(%x, %d, %d) = %#x, want %#x", p, off, n, got, want)
		}
		if off+uint64(n) > uint64(len(p))*8 {
			continue
		}
		v := r.Uint64()
		q := bytes.Clone(p)
		Set(q, off, n, v)
		mask := ^uint64(0) >> (64 - n)
		if got := Get(q, off, n); got != v&mask {
			t.Fatalf("Set(%x, %d, %d, %#x) then Get = %#x", p, off, n, v, got)
		}
		// The bits around the field are unchanged.
		for i := int64(0); i < int64(len(p))*8; i++ {
			if (i < int64(off) || i >= int64(off)+int64(n)) && bitAt(p, i) != bitAt(q, i) {
				t.Fatalf("Set(%x, %d, %d) changed bit %d", p, off, n, i)
			}
		}
	}
}

// BenchmarkCount1MB compares Count, eight bytes at a time, with a loop over
// the bits, on 1 MB.
func BenchmarkCount1MB(b *testing.B) {
	p := randomBytes(rand.New(rand.NewPCG(7, 8)), 1<<20)
	b.Run("words", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for i := 0; i < b.N; i++ {
			Count(p)
		}
	})
	b.Run("bit-by-bit", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for i := 0; i < b.N; i++ {
			modelCount(p, 0, int64(len(p))*8-1)
		}
	})
}

// BenchmarkFirst1MB compares First with a loop over the bits, looking for
// a set bit at the end of 1 MB of zeros.
func BenchmarkFirst1MB(b *testing.B) {
	p := make([]byte, 1<<20)
	p[len(p)-1] = 1
	b.Run("words", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for i := 0; i < b.N; i++ {
			First(p, 1)
		}
	})
	b.Run("bit-by-bit", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for i := 0; i < b.N; i++ {
			modelFirst(p, 1, 0, int64(len(p))*8-1)
		}
	})
}
