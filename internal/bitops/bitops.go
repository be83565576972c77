// Package bitops holds the word-at-a-time loops behind Redis's bitmap
// commands (BITCOUNT, BITPOS, BITOP, BITFIELD), on byte strings addressed
// as Redis addresses them: bit 0 is the most significant bit of byte 0, bit
// 7 its least significant, bit 8 the most significant of byte 1, and so on.
//
// # Why word at a time
//
// A bitmap is a string of up to 512 MB. Looking at it a bit at a time costs
// eight steps per byte; these loops load eight bytes at once into a uint64
// and let one instruction (math/bits: POPCNT, LZCNT) answer for all 64 bits:
//
//   - Count sums bits.OnesCount64 over the 8-byte words and then the few
//     bytes that remain, as Redis's redisPopcount does with its lookup
//     table (and AVX2 where it has it).
//   - First loads each word big-endian, so that the string's first bit is
//     the word's most significant bit, skips the words that cannot hold
//     the bit sought (all zeros when looking for a 1, all ones when looking
//     for a 0) and finds the bit with bits.LeadingZeros64: the same answer
//     as Redis's redisBitpos.
//   - Op combines whole words with AND, OR, XOR or NOT, then the tail bytes.
//
// The bit ranges of BITCOUNT and BITPOS (BIT mode, Redis 7.0) start and end
// inside bytes: CountRange and FirstRange handle the partial first and last
// bytes with masks and hand the whole bytes between them to the word loops.
//
// Nothing here allocates except Op's result; nothing reads outside the
// slices it is given. The package knows nothing of keys or commands.
package bitops

import (
	"encoding/binary"
	"math/bits"
)

// Count returns the number of set bits in p.
func Count(p []byte) int64 {
	var n int
	for len(p) >= 32 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(p)) +
			bits.OnesCount64(binary.LittleEndian.Uint64(p[8:])) +
			bits.OnesCount64(binary.LittleEndian.Uint64(p[16:])) +
			bits.OnesCount64(binary.LittleEndian.Uint64(p[24:]))
		p = p[32:]
	}
	for len(p) >= 8 {
		n += bits.OnesCount64(binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	for _, b := range p {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// CountRange returns the number of set bits of p from bit start to bit end,
// both included. It requires 0 <= start <= end < 8*len(p).
func CountRange(p []byte, start, end int64) int64 {
	first, last := start>>3, end>>3
	// Keep the bits from start on in the first byte, up to end in the last.
	headMask := byte(0xff) >> (start & 7)
	tailMask := byte(0xff) << (7 - end&7)
	if first == last {
		return int64(bits.OnesCount8(p[first] & headMask & tailMask))
	}
	n := int64(bits.OnesCount8(p[first]&headMask)) + int64(bits.OnesCount8(p[last]&tailMask))
	return n + Count(p[first+1:last])
}

// First returns the position of the first bit of p equal to bit (0 or 1),
// or -1 if there is none.
func First(p []byte, bit int) int64 {
	var flip uint64 // XORed into each word so that the bit sought reads 1
	if bit == 0 {
		flip = ^uint64(0)
	}
	var pos int64
	for len(p) >= 8 {
		if w := binary.BigEndian.Uint64(p) ^ flip; w != 0 {
			return pos + int64(bits.LeadingZeros64(w))
		}
		p = p[8:]
		pos += 64
	}
	for _, b := range p {
		if w := b ^ byte(flip); w != 0 {
			return pos + int64(bits.LeadingZeros8(w))
		}
		pos += 8
	}
	return -1
}

// FirstRange returns the position of the first bit equal to bit (0 or 1)
// of p from bit start to bit end, both included, or -1 if there is none.
// It requires 0 <= start <= end < 8*len(p).
func FirstRange(p []byte, bit int, start, end int64) int64 {
	first, last := start>>3, end>>3
	headMask := byte(0xff) >> (start & 7)
	tailMask := byte(0xff) << (7 - end&7)
	flip := byte(0) // XORed into a byte so that the bit sought reads 1
	if bit == 0 {
		flip = 0xff
	}
	// In the partial bytes, the bits outside the range are masked off.
	look := func(i int64, mask byte) int64 {
		b := (p[i] ^ flip) & mask
		if b == 0 {
			return -1
		}
		return i*8 + int64(bits.LeadingZeros8(b))
	}
	if first == last {
		return look(first, headMask&tailMask)
	}
	if r := look(first, headMask); r >= 0 {
		return r
	}
	if r := First(p[first+1:last], bit); r >= 0 {
		return (first+1)*8 + r
	}
	return look(last, tailMask)
}

// Op is a bitwise operation of BITOP.
type Op int

// The operations of BITOP.
const (
	And Op = iota
	Or
	Xor
	Not
)

// Apply returns op applied to srcs, byte by byte, as long as the longest
// source; a shorter source counts as padded with zero bytes. Not takes one
// source. With no source, or only empty ones, it returns an empty slice.
func Apply(op Op, srcs ...[]byte) []byte {
	maxLen := 0
	for _, s := range srcs {
		maxLen = max(maxLen, len(s))
	}
	out := make([]byte, maxLen)
	if maxLen == 0 {
		return out
	}
	if op == Not {
		s := srcs[0]
		i := 0
		for ; i+8 <= len(s); i += 8 {
			binary.LittleEndian.PutUint64(out[i:], ^binary.LittleEndian.Uint64(s[i:]))
		}
		for ; i < len(s); i++ {
			out[i] = ^s[i]
		}
		return out
	}
	copy(out, srcs[0])
	for _, s := range srcs[1:] {
		if op == And {
			// Past the end of s every result byte is ANDed with zero.
			clear(out[len(s):])
			s = s[:min(len(s), len(out))]
		}
		combine(op, out[:len(s)], s)
	}
	return out
}

// combine sets dst[i] = dst[i] op src[i] for op And, Or or Xor; dst and src
// have the same length.
func combine(op Op, dst, src []byte) {
	i := 0
	switch op {
	case And:
		for ; i+8 <= len(src); i += 8 {
			binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(dst[i:])&binary.LittleEndian.Uint64(src[i:]))
		}
		for ; i < len(src); i++ {
			dst[i] &= src[i]
		}
	case Or:
		for ; i+8 <= len(src); i += 8 {
			binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(dst[i:])|binary.LittleEndian.Uint64(src[i:]))
		}
		for ; i < len(src); i++ {
			dst[i] |= src[i]
		}
	case Xor:
		for ; i+8 <= len(src); i += 8 {
			binary.LittleEndian.PutUint64(dst[i:], binary.LittleEndian.Uint64(dst[i:])^binary.LittleEndian.Uint64(src[i:]))
		}
		for ; i < len(src); i++ {
			dst[i] ^= src[i]
		}
	}
}

// Get returns the unsigned integer of width n bits (1 to 64) that starts at
// bit off of p, most significant bit first. Bits past the end of p read as
// zero. off+n must not overflow.
func Get(p []byte, off uint64, n int) uint64 {
	var v uint64
	byteIdx := off >> 3
	// Fast path: the field lies in 9 bytes from byteIdx; read them as a
	// big-endian 64-bit word plus one byte.
	if byteIdx+9 <= uint64(len(p)) {
		w := binary.BigEndian.Uint64(p[byteIdx:])
		shift := off & 7
		hi := w << shift
		if shift != 0 {
			hi |= uint64(p[byteIdx+8]) >> (8 - shift)
		}
		return hi >> (64 - n)
	}
	for i := 0; i < n; i++ {
		b := off + uint64(i)
		bit := uint64(0)
		if idx := b >> 3; idx < uint64(len(p)) {
			bit = uint64(p[idx]>>(7-b&7)) & 1
		}
		v = v<<1 | bit
	}
	return v
}

// Set writes the low n bits (1 to 64) of v at bit off of p, most
// significant bit first. p must hold bit off+n-1.
func Set(p []byte, off uint64, n int, v uint64) {
	for i := n - 1; i >= 0; i-- {
		b := off + uint64(i)
		idx, sh := b>>3, 7-b&7
		if v&1 != 0 {
			p[idx] |= 1 << sh
		} else {
			p[idx] &^= 1 << sh
		}
		v >>= 1
	}
}
