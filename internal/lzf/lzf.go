// Package lzf implements LZF, the compression Redis applies to strings in RDB
// files and DUMP payloads, in both directions.
//
// # The format
//
// An LZF block is a sequence of commands, each starting with a control byte:
//
//	000LLLLL <L+1 literal bytes>        copy L+1 (1..32) bytes from the input
//	LLLooooo oooooooo                   back-reference: copy L+2 (3..8) bytes
//	111ooooo LLLLLLLL oooooooo          back-reference: copy L+9 (9..264) bytes
//
// A back-reference copies from the output already produced, starting
// o+1 (1..8192) bytes back; source and destination may overlap (an offset of
// 1 repeats the last byte). The block carries neither its own length nor the
// uncompressed length: Redis stores both in front of it.
//
// # Decompress
//
// Decompress is the safe direction, for bytes from any file or payload: it
// never panics, never writes outside dst, and reports a block that ends inside
// a command (ErrTruncated), a back-reference to before the start of the
// output (ErrBackref) and output that does not fit in dst (ErrOverrun).
//
// # Compress, byte for byte as Redis
//
// There are many valid LZF encodings of the same input; Compress produces the
// one Redis 7.0 produces, so that an RDB file or DUMP payload we write is
// byte-identical to redis-server's. Redis vendors liblzf 3.6 with these
// settings in lzfP.h: HLOG 16 (a hash table of 65536 slots), VERY_FAST 1,
// ULTRA_FAST 0, INIT_HTAB 0 (the table is not cleared between calls), and
// the shift-and-subtract hash rather than 3.6's optional multiplicative one
// (the comparison tests against redis-server tell the two apart). The
// compressor:
//
//   - hashes the three bytes at each position p with
//     h = b0<<16 | b1<<8 | b2, slot = ((h >> 8) - h*5) & 0xffff, in 32-bit
//     unsigned arithmetic, and remembers p in that slot (the latest position
//     wins);
//   - at position p takes the slot's previous position r as a match when
//     0 < r < p (a match never starts at the input's first byte),
//     p-r-1 < 8192 and the three bytes at r and p are equal — also in the
//     last three bytes of the input;
//   - extends the match greedily up to maxlen = min(len(in)-p-2, 264) bytes,
//     with one quirk kept: when maxlen is above 16, liblzf first compares 16
//     bytes unrolled and then always advances once more, so when maxlen is 17
//     or 18 a match can reach 19 bytes (never past the end of the input);
//   - after a match, moves past it, stops looking for matches when fewer than
//     three bytes remain, and otherwise enters only the last two positions
//     of the match into the table (VERY_FAST);
//   - otherwise emits one literal byte, closing a literal run at 32 bytes;
//   - gives up and returns 0 as soon as the output might not fit, with
//     liblzf's conservative tests: before a back-reference when fewer than 5
//     bytes remain in dst (after dropping an empty literal run), before a
//     literal byte when dst is full, and before the last (at most two) bytes
//     when fewer than 3 bytes remain.
//
// Redis calls it with an output limit of len(in)-4 and stores the string
// uncompressed when it returns 0, and tries only strings longer than 20
// bytes (with rdbcompression yes, the default); the RDB encoder does that.
//
// # The uninitialised hash table
//
// With INIT_HTAB 0 liblzf's table is an uninitialised array on the C stack:
// a slot not written yet in this call holds whatever an earlier call (or
// other code) left there. That is the one theoretical source of a difference
// from a Go compressor whose table starts empty. A stale slot can only give
// a match if it points inside the current input, before the current position
// and within 8192 bytes of it, with the same three bytes there; and it cannot
// do even that. Let T be the three bytes at the current position p. If T
// occurs earlier in the input, its first occurrence q was entered into T's
// slot during this call: q is either a literal position, or one of the two
// positions entered after a match, or the start of a match — never a
// position skipped inside a match, because the three bytes there lie inside
// the match and so occur earlier still. So T's slot was written during this
// call and is not stale (it may hold another trigram with the same hash,
// which the byte comparison rejects, as in C). If T does not occur earlier,
// no position before p holds T, so a stale value is rejected by the byte
// comparison. Either way stale contents never change the output, and Compress
// reuses its table without clearing it (it is pooled), exactly as liblzf
// does; the tests compare it with a transcription of lzf_compress that zeroes
// its table on every call.
package lzf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sync"
)

const (
	hashLog  = 16
	maxLit   = 1 << 5         // longest literal run
	maxOff   = 1 << 13        // farthest back-reference distance
	maxRef   = 1<<8 + 1<<3    // longest back-reference, as liblzf limits it
	maxInput = math.MaxUint32 // inputs this long or longer are not compressed
)

// Errors reported by Decompress, wrapped with the input offset of the command
// at fault; match them with errors.Is.
var (
	// ErrTruncated: the block ends inside a command.
	ErrTruncated = errors.New("lzf: block ends inside a command")
	// ErrBackref: a back-reference reaches before the start of the output.
	ErrBackref = errors.New("lzf: back-reference before the start of the output")
	// ErrOverrun: the output does not fit in the destination.
	ErrOverrun = errors.New("lzf: output longer than the destination")
)

// Decompress decodes the LZF block src into dst and returns the number of
// bytes written. On an error it returns the bytes written before the faulty
// command and an error matching ErrTruncated, ErrBackref or ErrOverrun. An
// empty src decodes to nothing. Decompress never panics and never writes
// outside dst, whatever src holds; it may overwrite up to 7 bytes of dst
// beyond the bytes it reports (short back-references are copied in 8-byte
// words when dst has room). The caller knows the uncompressed length
// (Redis stores it) and should treat a shorter result as corrupt.
func Decompress(dst, src []byte) (int, error) {
	ip, op := 0, 0
	for ip < len(src) {
		at := ip
		ctrl := int(src[ip])
		ip++
		if ctrl < maxLit {
			n := ctrl + 1
			if n > len(src)-ip {
				return op, fmt.Errorf("%w (literal run at input byte %d)", ErrTruncated, at)
			}
			if n > len(dst)-op {
				return op, fmt.Errorf("%w (literal run at input byte %d)", ErrOverrun, at)
			}
			copy(dst[op:op+n], src[ip:ip+n])
			op += n
			ip += n
			continue
		}
		n := ctrl >> 5
		if n == 7 {
			if ip >= len(src) {
				return op, fmt.Errorf("%w (back-reference at input byte %d)", ErrTruncated, at)
			}
			n += int(src[ip])
			ip++
		}
		if ip >= len(src) {
			return op, fmt.Errorf("%w (back-reference at input byte %d)", ErrTruncated, at)
		}
		ref := op - (ctrl&0x1f)<<8 - int(src[ip]) - 1
		ip++
		n += 2
		if ref < 0 {
			return op, fmt.Errorf("%w (back-reference at input byte %d reaches %d bytes back from output byte %d)", ErrBackref, at, op-ref, op)
		}
		if n > len(dst)-op {
			return op, fmt.Errorf("%w (back-reference at input byte %d)", ErrOverrun, at)
		}
		end := op + n
		switch d := op - ref; {
		case d >= 8 && n <= 32 && end+8 <= len(dst):
			// A short copy in 8-byte words: each word reads bytes already
			// final (d >= 8), and the last may spill up to 7 bytes past end,
			// still inside dst, into output not produced yet.
			for i := 0; i < n; i += 8 {
				binary.LittleEndian.PutUint64(dst[op+i:], binary.LittleEndian.Uint64(dst[ref+i:]))
			}
			op = end
		default:
			// One copy without overlap; with an overlap, copies in growing
			// chunks (dst[ref:op] repeats with period d, so each copy may
			// take everything written so far).
			for op < end {
				op += copy(dst[op:end], dst[ref:op])
			}
		}
	}
	return op, nil
}

// table is the compressor's hash table: slot[h] is the position last entered
// with hash h, possibly by an earlier call (see the package doc for why that
// is harmless).
type table [1 << hashLog]uint32

var tables = sync.Pool{New: func() any { return new(table) }}

// hashSlot is liblzf's IDX for HLOG 16 and VERY_FAST: only the low 24 bits of
// h (the three bytes at the position) affect it.
func hashSlot(h uint32) uint32 {
	return ((h >> (3*8 - hashLog)) - h*5) & (1<<hashLog - 1)
}

// Compress compresses src into dst exactly as Redis's lzf_compress does (see
// the package doc) and returns the length of the block, or 0 when src is
// empty, dst is empty, or the block might not fit in dst (liblzf's tests are
// conservative: a block that would fit exactly can still be refused, as in
// Redis). Bytes of dst beyond the returned length are unspecified. Inputs of
// 2^32-1 bytes or more (beyond Redis's unsigned-int lengths) are not
// compressed: Compress returns 0. Compress is safe for concurrent use.
func Compress(dst, src []byte) int {
	if len(src) == 0 || len(dst) == 0 || uint64(len(src)) >= maxInput {
		return 0
	}
	t := tables.Get().(*table)
	n := t.compress(dst, src)
	tables.Put(t)
	return n
}

// compress is lzf_compress with positions in place of pointers: op is the
// output position, lit the length of the literal run in progress, whose
// control byte is at op-lit-1 (reserved when the run started).
func (t *table) compress(dst, src []byte) int {
	n, outEnd := len(src), len(dst)
	op, lit, ip := 1, 0, 0
	var h uint32
	if n >= 2 {
		h = uint32(src[0])<<8 | uint32(src[1])
	}
	for ip < n-2 {
		h = h<<8 | uint32(src[ip+2])
		slot := &t[hashSlot(h)]
		ref := int(*slot)
		*slot = uint32(ip)
		// As in C, off is unsigned: a slot holding a position at or after
		// ip (left by an earlier call) wraps around and is refused.
		if uint(ip-ref-1) < maxOff && ref > 0 &&
			src[ref] == src[ip] && src[ref+1] == src[ip+1] && src[ref+2] == src[ip+2] {
			off := ip - ref - 1
			// A match: close the literal run (dropping it if empty).
			if lit == 0 {
				op--
			}
			if op+3+1 >= outEnd {
				return 0
			}
			if lit > 0 {
				dst[op-lit-1] = byte(lit - 1)
			}
			ln := matchLen(src, ref, ip) - 2 // bytes to copy, minus one
			ip++
			if ln < 7 {
				dst[op] = byte(off>>8 + ln<<5)
				op++
			} else {
				dst[op] = byte(off>>8 + 7<<5)
				dst[op+1] = byte(ln - 7)
				op += 2
			}
			dst[op] = byte(off)
			op++
			lit = 0
			op++ // start a run
			ip += ln + 1
			if ip >= n-2 {
				break
			}
			// VERY_FAST: enter the match's last two positions.
			ip -= 2
			h = uint32(src[ip])<<16 | uint32(src[ip+1])<<8 | uint32(src[ip+2])
			t[hashSlot(h)] = uint32(ip)
			ip++
			h = h<<8 | uint32(src[ip+2])
			t[hashSlot(h)] = uint32(ip)
			ip++
			continue
		}
		if op >= outEnd {
			return 0
		}
		dst[op] = src[ip]
		op++
		ip++
		lit++
		if lit == maxLit {
			dst[op-lit-1] = maxLit - 1
			lit = 0
			op++
		}
	}
	// At most two bytes and a control byte remain to be written.
	if op+3 > outEnd {
		return 0
	}
	for ip < n {
		dst[op] = src[ip]
		op++
		ip++
		lit++
		if lit == maxLit {
			dst[op-lit-1] = maxLit - 1
			lit = 0
			op++
		}
	}
	if lit > 0 {
		dst[op-lit-1] = byte(lit - 1)
	} else {
		op--
	}
	return op
}

// matchLen returns the length liblzf gives a match between the positions ref
// and ip < len(src)-4, whose first three bytes are known equal. liblzf limits
// it to maxlen = min(len(src)-ip-2, maxRef), but compares 16 bytes unrolled
// (indexes 3 to 18) when maxlen > 16 and then always advances once more, so
// when maxlen is 17 or 18 a match of 19 bytes stays 19 (still inside src,
// which holds len(src)-ip = maxlen+2 bytes from ip).
func matchLen(src []byte, ref, ip int) int {
	limit := min(len(src)-ip-2, maxRef)
	if limit > 16 {
		limit = max(limit, 19)
	}
	a, b := src[ref:ref+limit], src[ip:ip+limit]
	i := 3
	for i+8 <= limit {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
		i += 8
	}
	for i < limit && a[i] == b[i] {
		i++
	}
	return i
}
