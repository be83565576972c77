// Package hll is Redis 7.0's HyperLogLog, byte for byte: the same value
// layout, the same hash, the same sparse-to-dense promotion and the same
// estimator, so a value written by PFADD here and one written by
// redis-server from the same elements are equal strings, and PFCOUNT of
// either gives the same number.
//
// # Layout
//
// A value is a string of a 16-byte header followed by the registers:
//
//	"HYLL" encoding(1) unused(3) cached-cardinality(8, little endian)
//
// The encoding byte is 0 (dense) or 1 (sparse); Redis also has a raw
// encoding (255, one byte per register) that it uses only for the
// temporary union of a multi-key PFCOUNT and never stores: a stored value
// claiming it is invalid. The cached cardinality is the last PFCOUNT's
// result; a write sets the top bit of its last byte (the invalidation bit)
// and leaves the other bits as they were, which is why two values with the
// same registers may differ in those bytes and why PFCOUNT, which writes
// the cache back, changes the value.
//
// There are 16,384 registers of 6 bits. An element's 64-bit MurmurHash64A
// (seed 0xadc83b19) picks its register with its low 14 bits; the register
// keeps the largest "pattern length" seen: the number of trailing zeros of
// the remaining 50 bits plus one (51 when they are all zero).
//
// The dense encoding packs the registers little-endian, 6 bits each, in
// 12,288 bytes: a dense value is exactly 12,304 bytes long. The sparse
// encoding run-length codes the registers with three opcodes:
//
//	ZERO  00xxxxxx           1..64 registers set to 0
//	XZERO 01xxxxxx yyyyyyyy  1..16384 registers set to 0 (14-bit length)
//	VAL   1vvvvvxx           1..4 registers set to 1..32
//
// A new value is sparse (one XZERO covering all registers). It is promoted
// to dense, for good, when a register must hold more than 32 or when an
// update would make the value longer than the sparse limit
// (hll-sparse-max-bytes, 3000 by default). The updates edit the opcodes in
// place exactly as Redis's hllSparseSet does (split the opcode covering
// the register into at most three, then merge equal neighbouring VALs in a
// window of five opcodes), because only the same edits give the same bytes.
//
// # Corrupted values
//
// Any string may be stored with SET and then handed to PFADD or PFCOUNT.
// Valid checks what Redis's isHLLObjectOrReply checks (length, magic,
// encoding, dense length); the sparse opcodes are checked as they are
// walked, and a walk that does not cover exactly 16,384 registers reports
// the value corrupted, as Redis's INVALIDOBJ. Reading never goes past the
// value: where Redis reads the byte after the value (its string's
// terminating zero, for the second byte of an XZERO cut at the end, or the
// byte after the last dense register), these functions read a zero.
package hll

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// The shape of a value.
const (
	HeaderSize = 16                               // "HYLL", encoding, 3 unused bytes, 8-byte cached cardinality
	P          = 14                               // bits of the hash that pick the register
	Q          = 64 - P                           // bits left for the pattern
	Registers  = 1 << P                           // 16384
	RegBits    = 6                                // bits per dense register
	RegMax     = 1<<RegBits - 1                   // 63
	DenseSize  = HeaderSize + Registers*RegBits/8 // 12304: the only valid length of a dense value

	Dense  = 0 // the encoding byte of a dense value
	Sparse = 1 // the encoding byte of a sparse value

	// DefaultSparseMaxBytes is hll-sparse-max-bytes's default: a sparse
	// value is promoted to dense rather than grow past it.
	DefaultSparseMaxBytes = 3000

	// Seed is the seed Redis gives MurmurHash64A.
	Seed = 0xadc83b19

	sparseValMax   = 32    // largest register value a VAL opcode holds
	sparseValLen   = 4     // longest run of a VAL opcode
	sparseZeroLen  = 64    // longest run of a ZERO opcode
	sparseXZeroLen = 16384 // longest run of an XZERO opcode

	alphaInf = 0.721347520444481703680 // 0.5/ln(2)
)

// magic is the first four bytes of every value.
const magic = "HYLL"

// Valid reports whether s may be treated as a HyperLogLog, as Redis's
// isHLLObjectOrReply decides: at least a header long, "HYLL", encoding
// dense or sparse, and exactly DenseSize bytes when dense. A sparse value
// that passes can still turn out corrupted when its opcodes are walked.
func Valid[T ~string | ~[]byte](s T) bool {
	if len(s) < HeaderSize || string(s[:4]) != magic {
		return false
	}
	switch s[4] {
	case Dense:
		return len(s) == DenseSize
	case Sparse:
		return true
	}
	return false
}

// IsDense reports whether the valid value s is dense.
func IsDense[T ~string | ~[]byte](s T) bool { return s[4] == Dense }

// New returns an empty value, as PFADD creates it: sparse, all registers in
// XZERO opcodes, cached cardinality 0 (valid).
func New() []byte {
	b := make([]byte, HeaderSize, HeaderSize+2*((Registers+sparseXZeroLen-1)/sparseXZeroLen)+8)
	copy(b, magic)
	b[4] = Sparse
	for left := Registers; left > 0; left -= sparseXZeroLen {
		b = appendXZero(b, min(left, sparseXZeroLen))
	}
	return b
}

// Cached returns the cached cardinality of the valid value s and whether it
// is valid (the invalidation bit clear).
func Cached[T ~string | ~[]byte](s T) (uint64, bool) {
	if s[15]&0x80 != 0 {
		return 0, false
	}
	var c uint64
	for i := 7; i >= 0; i-- {
		c = c<<8 | uint64(s[8+i])
	}
	return c, true
}

// SetCached stores card as h's cached cardinality (clearing the
// invalidation bit, which card < 2^63 leaves clear).
func SetCached(h []byte, card uint64) { binary.LittleEndian.PutUint64(h[8:16], card) }

// Invalidate sets h's invalidation bit, leaving the rest of the cached
// cardinality as it was (as Redis's HLL_INVALIDATE_CACHE).
func Invalidate(h []byte) { h[15] |= 0x80 }

// Hash returns the register an element goes to and the pattern length it
// offers it (1..Q+1), as Redis's hllPatLen.
func Hash(elem string) (index int, count uint8) {
	h := murmurHash64A(elem, Seed)
	index = int(h & (Registers - 1))
	h >>= P
	h |= 1 << Q
	return index, uint8(bits.TrailingZeros64(h) + 1)
}

// murmurHash64A is Austin Appleby's MurmurHash64A as Redis has it: the
// 8-byte blocks read little-endian, whatever the machine.
func murmurHash64A(key string, seed uint32) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	n := len(key)
	h := uint64(seed) ^ uint64(n)*m
	i := 0
	for ; i+8 <= n; i += 8 {
		k := uint64(key[i]) | uint64(key[i+1])<<8 | uint64(key[i+2])<<16 | uint64(key[i+3])<<24 |
			uint64(key[i+4])<<32 | uint64(key[i+5])<<40 | uint64(key[i+6])<<48 | uint64(key[i+7])<<56
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	if rest := n - i; rest > 0 {
		for j := rest - 1; j >= 0; j-- {
			h ^= uint64(key[i+j]) << (8 * j)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// denseGet returns register i of the dense registers regs (a value without
// its header). The byte after the last one reads as zero.
func denseGet[T ~string | ~[]byte](regs T, i int) uint8 {
	byt := i * RegBits / 8
	fb := uint(i * RegBits & 7)
	b0 := uint(regs[byt])
	var b1 uint
	if byt+1 < len(regs) {
		b1 = uint(regs[byt+1])
	}
	return uint8((b0>>fb | b1<<(8-fb)) & RegMax)
}

// denseSet stores v (0..63) in register i of regs.
func denseSet(regs []byte, i int, v uint8) {
	byt := i * RegBits / 8
	fb := uint(i * RegBits & 7)
	regs[byt] &^= byte(RegMax << fb)
	regs[byt] |= byte(uint(v) << fb)
	if byt+1 < len(regs) {
		regs[byt+1] &^= byte(RegMax >> (8 - fb))
		regs[byt+1] |= byte(uint(v) >> (8 - fb))
	}
}

// unpackDense reads the dense registers regs into out, four at a time from
// each three bytes.
func unpackDense(regs string, out *[Registers]uint8) {
	regs = regs[:Registers*RegBits/8]
	for i, p := 0, 0; i+3 < len(out) && p+2 < len(regs); i, p = i+4, p+3 {
		b0, b1, b2 := regs[p], regs[p+1], regs[p+2]
		out[i] = b0 & RegMax
		out[i+1] = (b0>>6 | b1<<2) & RegMax
		out[i+2] = (b1>>4 | b2<<4) & RegMax
		out[i+3] = b2 >> 2
	}
}

// Register returns register i (0..Registers-1) of the valid dense value s.
func Register[T ~string | ~[]byte](s T, i int) uint8 { return denseGet(s[HeaderSize:], i) }

// The sparse opcodes. at returns the byte at i of p, zero past its end (the
// second byte of an XZERO cut off by the end of the value, which Redis
// reads from its string's terminator).
func isZero(b byte) bool  { return b&0xc0 == 0 }
func isXZero(b byte) bool { return b&0xc0 == 0x40 }
func zeroLen(b byte) int  { return int(b&0x3f) + 1 }
func valValue(b byte) uint8 {
	return (b>>2)&0x1f + 1
}
func valLen(b byte) int { return int(b&0x3) + 1 }
func xzeroLen(b0, b1 byte) int {
	return int(b0&0x3f)<<8 | int(b1) + 1
}
func at[T ~string | ~[]byte](p T, i int) byte {
	if i < len(p) {
		return p[i]
	}
	return 0
}

func valOp(v uint8, n int) byte { return 0x80 | (v-1)<<2 | byte(n-1) }
func zeroOp(n int) byte         { return byte(n - 1) }
func appendXZero(b []byte, n int) []byte {
	return append(b, 0x40|byte((n-1)>>8), byte(n-1))
}

// appendZeros appends the opcode for a run of n zero registers: ZERO up to
// 64, XZERO beyond.
func appendZeros(b []byte, n int) []byte {
	if n > sparseZeroLen {
		return appendXZero(b, n)
	}
	return append(b, zeroOp(n))
}

// set raises register index of h to count if count is larger, as Redis's
// hllDenseSet or hllSparseSet. It returns the value (a new slice when a
// sparse value grew or was promoted), 1 if a register changed, 0 if not, and
// -1 if h is a corrupted sparse value (h may then be returned unchanged).
func set(h []byte, index int, count uint8, sparseMax int) ([]byte, int) {
	if h[4] == Dense {
		regs := h[HeaderSize:]
		if count > denseGet(regs, index) {
			denseSet(regs, index, count)
			return h, 1
		}
		return h, 0
	}
	return sparseSet(h, index, count, sparseMax)
}

// sparseSet is Redis's hllSparseSet: find the opcode covering index, and if
// the register must grow, replace that opcode with the sequence that
// splits it around index, then merge equal neighbouring VALs. A value that
// would need a register over 32, or grow past sparseMax bytes, is promoted
// to dense first.
func sparseSet(h []byte, index int, count uint8, sparseMax int) ([]byte, int) {
	if count > sparseValMax {
		return promoteAndSet(h, index, count)
	}
	end := len(h)
	p := HeaderSize
	prev := -1
	first, span := 0, 0
	for p < end {
		oplen := 1
		switch b := h[p]; {
		case isZero(b):
			span = zeroLen(b)
		case b&0x80 != 0:
			span = valLen(b)
		default:
			span = xzeroLen(b, at(h, p+1))
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || p >= end {
		return h, -1
	}
	op := h[p]
	var runlen int
	isVal := false
	switch {
	case isZero(op):
		runlen = zeroLen(op)
	case isXZero(op):
		runlen = xzeroLen(op, at(h, p+1))
	default:
		isVal = true
		runlen = valLen(op)
	}
	if isVal {
		old := valValue(op)
		if old >= count {
			return h, 0
		}
		if runlen == 1 {
			h[p] = valOp(count, 1)
			return sparseMerge(h, prev, p), 1
		}
	}
	if isZero(op) && runlen == 1 {
		h[p] = valOp(count, 1)
		return sparseMerge(h, prev, p), 1
	}

	// The general case: split the opcode around index.
	var seq [5]byte
	n := seq[:0]
	last := first + span - 1
	if !isVal {
		if index != first {
			n = appendZeros(n, index-first)
		}
		n = append(n, valOp(count, 1))
		if index != last {
			n = appendZeros(n, last-index)
		}
	} else {
		cur := valValue(op)
		if index != first {
			n = append(n, valOp(cur, index-first))
		}
		n = append(n, valOp(count, 1))
		if index != last {
			n = append(n, valOp(cur, last-index))
		}
	}
	oldlen := 1
	if isXZero(op) {
		oldlen = 2
	}
	delta := len(n) - oldlen
	if delta > 0 && len(h)+delta > sparseMax {
		return promoteAndSet(h, index, count)
	}
	// Replace h[p:p+oldlen] with n, moving the tail (Redis moves the tail
	// from the next opcode on, which is p+oldlen, or leaves it when the
	// opcode was the last one).
	next := p + oldlen
	if next > end {
		next = end // an XZERO cut off by the end: its second byte was read as zero
	}
	switch {
	case delta > 0:
		h = append(h, make([]byte, delta)...)
		copy(h[next+delta:], h[next:end])
	case delta < 0:
		copy(h[next+delta:], h[next:end])
		h = h[:end+delta]
	}
	copy(h[p:], n)
	return sparseMerge(h, prev, p), 1
}

// sparseMerge is step 4 of Redis's hllSparseSet: from the opcode before the
// one changed (or the first), look at up to five opcodes and merge two
// adjacent VALs of equal value whose runs fit in one VAL.
func sparseMerge(h []byte, prev, _ int) []byte {
	p := prev
	if p < 0 {
		p = HeaderSize
	}
	end := len(h)
	for scan := 5; p < end && scan > 0; {
		scan--
		b := h[p]
		if isXZero(b) {
			p += 2
			continue
		}
		if isZero(b) {
			p++
			continue
		}
		if p+1 < end && h[p+1]&0x80 != 0 {
			v1, v2 := valValue(b), valValue(h[p+1])
			if v1 == v2 {
				if n := valLen(b) + valLen(h[p+1]); n <= sparseValLen {
					h[p+1] = valOp(v1, n)
					copy(h[p:], h[p+1:end])
					end--
					h = h[:end]
					continue
				}
			}
		}
		p++
	}
	return h
}

// promoteAndSet converts the sparse h to dense and sets the register there.
func promoteAndSet(h []byte, index int, count uint8) ([]byte, int) {
	d, ok := ToDense(h)
	if !ok {
		return h, -1
	}
	regs := d[HeaderSize:]
	if count > denseGet(regs, index) {
		denseSet(regs, index, count)
	}
	return d, 1
}

// ToDense returns the dense form of the valid value h (h itself when it is
// dense already), with the same header bytes but the encoding: the cached
// cardinality and its invalidation bit travel as they are. It reports false
// if h is a sparse value whose opcodes do not cover exactly Registers
// registers.
func ToDense[T ~string | ~[]byte](h T) ([]byte, bool) {
	if h[4] == Dense {
		return []byte(h), true
	}
	d := make([]byte, DenseSize)
	copy(d, h[:HeaderSize])
	d[4] = Dense
	regs := d[HeaderSize:]
	idx := 0
	ok := walkSparse(h, func(v uint8, n int) bool {
		if v == 0 {
			idx += n
			return true
		}
		if idx+n > Registers || idx < 0 {
			return false
		}
		for ; n > 0; n-- {
			denseSet(regs, idx, v)
			idx++
		}
		return true
	})
	if !ok || idx != Registers {
		return nil, false
	}
	return d, true
}

// walkSparse calls fn with each opcode of the sparse value h in order: its
// value (0 for ZERO and XZERO) and run. It stops early, reporting false,
// when fn does.
func walkSparse[T ~string | ~[]byte](h T, fn func(v uint8, n int) bool) bool {
	for p := HeaderSize; p < len(h); {
		b := h[p]
		switch {
		case isZero(b):
			if !fn(0, zeroLen(b)) {
				return false
			}
			p++
		case isXZero(b):
			if !fn(0, xzeroLen(b, at(h, p+1))) {
				return false
			}
			p += 2
		default:
			if !fn(valValue(b), valLen(b)) {
				return false
			}
			p++
		}
	}
	return true
}

// Add adds the elements to the valid value s, as PFADD: it returns the new
// value's bytes and how many elements changed a register (what Redis adds
// to its count of changes). The bytes are nil when nothing changed (s stays
// as it is: a dense value is not copied unless a register grows), and
// otherwise a fresh slice with the invalidation bit set. corrupt reports a
// sparse value found corrupted; the elements added before it was found stay
// added, as in Redis, and out holds them when any did (then changed is not
// 0 either).
func Add(s string, elems []string, sparseMax int) (out []byte, changed int, corrupt bool) {
	var h []byte
	for _, e := range elems {
		index, count := Hash(e)
		if h == nil {
			if s[4] == Dense && count <= denseGet(s[HeaderSize:], index) {
				continue
			}
			h = make([]byte, len(s), len(s)+8)
			copy(h, s)
		}
		var r int
		h, r = set(h, index, count, sparseMax)
		switch r {
		case 1:
			changed++
		case -1:
			corrupt = true
		}
		if corrupt {
			break
		}
	}
	if changed == 0 {
		return nil, 0, corrupt
	}
	Invalidate(h)
	return h, changed, corrupt
}

// Count estimates the cardinality of the valid value s, as Redis's hllCount
// (Otmar Ertl's improved estimator over the register histogram). It reports
// false for a sparse value whose opcodes do not cover exactly Registers
// registers.
func Count[T ~string | ~[]byte](s T) (uint64, bool) {
	var histo [64]int32
	if s[4] == Dense {
		var regs [Registers]uint8
		unpackDense(string(s[HeaderSize:]), &regs)
		for _, v := range regs {
			histo[v&63]++
		}
		return estimate(&histo), true
	}
	// Redis sums in C ints, which wrap: a walk wraps the same way here,
	// so a value that comes back to 16384 after wrapping is as valid as
	// it is to Redis.
	var idx int32
	walkSparse(s, func(v uint8, n int) bool {
		idx += int32(n)
		histo[v] += int32(n)
		return true
	})
	if idx != Registers {
		return 0, false
	}
	return estimate(&histo), true
}

// Union is the registers of a union of values: each register the largest
// of theirs, one byte per register (Redis's raw encoding).
type Union [Registers]uint8

// Merge raises u's registers to those of the valid value s, as Redis's
// hllMerge. It reports false if s is a corrupted sparse value (u may then
// hold part of it).
func (u *Union) Merge(s string) bool {
	if s[4] == Dense {
		var regs [Registers]uint8
		unpackDense(s[HeaderSize:], &regs)
		for i, v := range regs {
			u[i] = max(u[i], v)
		}
		return true
	}
	i := 0
	ok := walkSparse(s, func(v uint8, n int) bool {
		if v == 0 {
			i += n
			return true
		}
		if i+n > Registers {
			return false
		}
		for ; n > 0; n-- {
			if v > u[i] {
				u[i] = v
			}
			i++
		}
		return true
	})
	return ok && i == Registers
}

// Count estimates the cardinality of the union.
func (u *Union) Count() uint64 {
	var histo [64]int32
	for _, v := range u {
		histo[v&63]++
	}
	return estimate(&histo)
}

// Store writes the union into the valid value h, as PFMERGE writes into its
// destination: h is made dense first if dense, then every non-zero register
// is raised (promoting a sparse h as PFADD would), and the cache is
// invalidated. It returns the new value, and false if h is corrupted.
func (u *Union) Store(h []byte, dense bool, sparseMax int) ([]byte, bool) {
	if dense {
		d, ok := ToDense(h)
		if !ok {
			return h, false
		}
		h = d
	}
	for i, v := range u {
		if v != 0 {
			h, _ = set(h, i, v, sparseMax)
		}
	}
	Invalidate(h)
	return h, true
}

// estimate is the cardinality from a register histogram: Ertl's improved
// raw estimator, as Redis 7.0's hllCount computes it, step for step (so the
// floating-point roundings are the same).
func estimate(histo *[64]int32) uint64 {
	const m = float64(Registers)
	z := m * tau((m-float64(histo[Q+1]))/m)
	for j := Q; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += float64(m * sigma(float64(histo[0])/m))
	return uint64(math.Round(alphaInf * m * m / z))
}

// sigma is Ertl's σ(x) = x + Σ x^(2^k) 2^(k-1), summed until it stops
// changing.
func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += float64(x * y)
		y += y
		if prev == z {
			return z
		}
	}
}

// tau is Ertl's τ(x), summed until it stops changing.
func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if prev == z {
			return z / 3
		}
	}
}

// Decode renders the opcodes of the valid sparse value s as PFDEBUG DECODE
// does: "z:<run>" for ZERO, "Z:<run>" for XZERO, "v:<value>,<run>" for VAL,
// separated by spaces.
func Decode(s string) string {
	var b strings.Builder
	for p := HeaderSize; p < len(s); {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		c := s[p]
		switch {
		case isZero(c):
			b.WriteString("z:")
			b.WriteString(strconv.Itoa(zeroLen(c)))
			p++
		case isXZero(c):
			b.WriteString("Z:")
			b.WriteString(strconv.Itoa(xzeroLen(c, at(s, p+1))))
			p += 2
		default:
			b.WriteString("v:")
			b.WriteString(strconv.Itoa(int(valValue(c))))
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(valLen(c)))
			p++
		}
	}
	return b.String()
}
