package rdb

import (
	"io"
	"math"
	"strconv"
	"unsafe"
)

// input is what values are decoded from: either a payload held in memory
// (src nil: buf is everything) or a file read through an io.Reader into a
// buffer that is refilled as it is consumed. One decoder serves both, so a
// DUMP payload and a file go through the same checks.
//
// For a file, the CRC-64 of every consumed byte is kept: bytes are added to
// it when the buffer is compacted (buf[crcPos:pos] are consumed but not yet
// in crc), so the hot path pays nothing per read.
type input struct {
	buf    []byte
	pos    int
	base   int64     // offset of buf[0] in the file or payload
	src    io.Reader // nil: in memory
	err    error     // the first read error of src (io.EOF at its end)
	crc    uint64
	crcPos int

	scratch []byte // blobs (listpacks, ziplists, …), reused
	lzf     []byte // compressed bytes, reused
}

const (
	fileBuffer = 64 << 10
)

func (in *input) off() int64 { return in.base + int64(in.pos) }

func (in *input) truncated(what string) error {
	if in.err != nil && in.err != io.EOF && in.err != io.ErrUnexpectedEOF {
		return &Error{Offset: in.base + int64(len(in.buf)), Reason: "reading " + what + ": " + in.err.Error(), kind: ErrTruncated}
	}
	return newError(ErrTruncated, in.base+int64(len(in.buf)), "data ends inside %s", what)
}

// fill makes n bytes available at buf[pos:]; it returns false when the
// data ends first. n is small (at most a few dozen bytes) except for
// in-memory inputs, where nothing is read.
func (in *input) fill(n int) bool {
	if len(in.buf)-in.pos >= n {
		return true
	}
	if in.src == nil || in.err != nil {
		return false
	}
	in.compact()
	if cap(in.buf) < n {
		nb := make([]byte, len(in.buf), n+fileBuffer)
		copy(nb, in.buf)
		in.buf = nb
	}
	for empty := 0; len(in.buf)-in.pos < n; {
		m, err := in.src.Read(in.buf[len(in.buf):cap(in.buf)])
		in.buf = in.buf[:len(in.buf)+m]
		if m == 0 && err == nil {
			// A reader that keeps returning nothing would spin: give up as
			// bufio.Reader does.
			if empty++; empty >= 100 {
				err = io.ErrNoProgress
			}
		}
		if err != nil {
			in.err = err
			return len(in.buf)-in.pos >= n
		}
	}
	return true
}

// compact moves the unread bytes to the front of the buffer, adding the
// consumed ones to the checksum.
func (in *input) compact() {
	in.crc = crcUpdate(in.crc, in.buf[in.crcPos:in.pos])
	rest := copy(in.buf[:cap(in.buf)], in.buf[in.pos:])
	in.base += int64(in.pos)
	in.buf = in.buf[:rest]
	in.pos, in.crcPos = 0, 0
	if cap(in.buf) == 0 {
		in.buf = make([]byte, 0, fileBuffer)
	}
}

// sum returns the checksum of every byte consumed so far.
func (in *input) sum() uint64 {
	in.crc = crcUpdate(in.crc, in.buf[in.crcPos:in.pos])
	in.crcPos = in.pos
	return in.crc
}

func (in *input) readByte(what string) (byte, error) {
	if in.pos >= len(in.buf) && !in.fill(1) {
		return 0, in.truncated(what)
	}
	b := in.buf[in.pos]
	in.pos++
	return b, nil
}

// next returns the next n bytes (n small), valid until the next read.
func (in *input) next(n int, what string) ([]byte, error) {
	if !in.fill(n) {
		return nil, in.truncated(what)
	}
	b := in.buf[in.pos : in.pos+n]
	in.pos += n
	return b, nil
}

// remaining is an upper bound of the bytes still to come when known
// (in memory), else -1.
func (in *input) remaining() int64 {
	if in.src == nil {
		return int64(len(in.buf) - in.pos)
	}
	return -1
}

// capHint bounds a preallocation for count elements of at least minSize
// bytes each by what the input can hold.
func (in *input) capHint(count uint64, minSize int) int {
	// In memory the rest of the input bounds it; from a file, what is
	// buffered does (append grows the slice as more elements arrive).
	r := in.remaining()
	if r < 0 {
		r = int64(len(in.buf) - in.pos)
	}
	limit := uint64(r) / uint64(minSize)
	if count < limit {
		return int(count)
	}
	return int(limit)
}

// readLen reads a length: 6, 14, 32 or 64 bits, or (encoded true) the
// special string encoding in the low 6 bits of 11xxxxxx.
func (in *input) readLen(what string) (n uint64, encoded bool, err error) {
	start := in.off()
	b, err := in.readByte(what)
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case 0:
		return uint64(b & 63), false, nil
	case 1:
		c, err := in.readByte(what)
		if err != nil {
			return 0, false, err
		}
		return uint64(b&63)<<8 | uint64(c), false, nil
	case 3:
		return uint64(b & 63), true, nil
	}
	switch b {
	case 0x80:
		p, err := in.next(4, what)
		if err != nil {
			return 0, false, err
		}
		return uint64(p[0])<<24 | uint64(p[1])<<16 | uint64(p[2])<<8 | uint64(p[3]), false, nil
	case 0x81:
		p, err := in.next(8, what)
		if err != nil {
			return 0, false, err
		}
		var v uint64
		for _, c := range p {
			v = v<<8 | uint64(c)
		}
		return v, false, nil
	}
	return 0, false, newError(ErrCorrupt, start, "unknown length encoding 0x%02x in %s", b, what)
}

// readCount reads a plain (not encoded) length.
func (in *input) readCount(what string) (uint64, error) {
	start := in.off()
	n, enc, err := in.readLen(what)
	if err == nil && enc {
		err = newError(ErrCorrupt, start, "%s: an encoded string where a length belongs", what)
	}
	return n, err
}

// readString reads a string value into a new string (one allocation).
func (in *input) readString(what string) (string, error) {
	start := in.off()
	n, enc, err := in.readLen(what)
	if err != nil {
		return "", err
	}
	if !enc {
		if n <= uint64(len(in.buf)-in.pos) {
			s := string(in.buf[in.pos : in.pos+int(n)])
			in.pos += int(n)
			return s, nil
		}
		b, err := in.readRaw(nil, n, what)
		if err != nil || len(b) == 0 {
			return "", err
		}
		return unsafe.String(&b[0], len(b)), nil
	}
	b, err := in.readEncoded(nil, start, n, what)
	if err != nil || len(b) == 0 {
		return "", err
	}
	return unsafe.String(&b[0], len(b)), nil
}

// readBlob reads a string value into in.scratch (valid until the next
// readBlob), for listpacks, ziplists, intsets and zipmaps.
func (in *input) readBlob(what string) ([]byte, error) {
	start := in.off()
	n, enc, err := in.readLen(what)
	if err != nil {
		return nil, err
	}
	var b []byte
	if enc {
		b, err = in.readEncoded(in.scratch[:0], start, n, what)
	} else {
		b, err = in.readRaw(in.scratch[:0], n, what)
	}
	if cap(b) <= 16<<20 {
		in.scratch = b[:0]
	}
	return b, err
}

// readRaw appends n raw bytes to dst.
func (in *input) readRaw(dst []byte, n uint64, what string) ([]byte, error) {
	if r := in.remaining(); r >= 0 && n > uint64(r) {
		in.pos = len(in.buf)
		return dst, in.truncated(what)
	}
	if n <= uint64(len(in.buf)-in.pos) {
		dst = append(dst, in.buf[in.pos:in.pos+int(n)]...)
		in.pos += int(n)
		return dst, nil
	}
	if n > math.MaxInt-uint64(len(dst)) {
		return dst, in.truncated(what)
	}
	want := len(dst) + int(n)
	// Reserve what is buffered plus one refill at most: a length that lies
	// then costs no more than the bytes that actually arrive (append
	// doubles the rest).
	dst = grow(dst, min(int(n), len(in.buf)-in.pos+fileBuffer))
	for len(dst) < want {
		if in.pos == len(in.buf) {
			if !in.fill(1) {
				return dst, in.truncated(what)
			}
		}
		k := min(len(in.buf)-in.pos, want-len(dst))
		dst = append(dst, in.buf[in.pos:in.pos+k]...)
		in.pos += k
	}
	return dst, nil
}

func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}

// readEncoded appends a specially encoded string (integer or LZF; kind is
// the low 6 bits of the length byte at start) to dst.
func (in *input) readEncoded(dst []byte, start int64, kind uint64, what string) ([]byte, error) {
	switch kind {
	case 0:
		b, err := in.readByte(what)
		if err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(int8(b)), 10), nil
	case 1:
		p, err := in.next(2, what)
		if err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(int16(uint16(p[0])|uint16(p[1])<<8)), 10), nil
	case 2:
		p, err := in.next(4, what)
		if err != nil {
			return dst, err
		}
		return strconv.AppendInt(dst, int64(int32(uint32(p[0])|uint32(p[1])<<8|uint32(p[2])<<16|uint32(p[3])<<24)), 10), nil
	case 3:
		clen, err := in.readCount(what)
		if err != nil {
			return dst, err
		}
		ulen, err := in.readCount(what)
		if err != nil {
			return dst, err
		}
		// LZF expands at most 264 bytes from a 3-byte back reference.
		if clen == 0 || ulen == 0 || ulen/100 > clen {
			return dst, newError(ErrCorrupt, start, "%s: LZF string with compressed length %d and length %d", what, clen, ulen)
		}
		comp, err := in.readRaw(in.lzf[:0], clen, what)
		if cap(comp) <= 16<<20 {
			in.lzf = comp[:0]
		}
		if err != nil {
			return dst, err
		}
		if ulen > math.MaxInt-uint64(len(dst)) {
			return dst, newError(ErrCorrupt, start, "%s: LZF length %d", what, ulen)
		}
		dst = grow(dst, int(ulen))
		n, err := lzfDecompress(dst[len(dst):len(dst)+int(ulen)], comp)
		if err != nil || n != int(ulen) {
			return dst, newError(ErrCorrupt, start, "%s: invalid LZF compressed string", what)
		}
		return dst[:len(dst)+int(ulen)], nil
	}
	return dst, newError(ErrCorrupt, start, "%s: unknown string encoding %d", what, kind)
}
