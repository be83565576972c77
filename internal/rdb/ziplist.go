package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
)

// A ziplist (Redis before 7.0; 7.0 still loads it) is
//
//	<total bytes u32 LE> <offset of the last entry u32 LE> <count u16 LE, 65535 = unknown> <entry>… 0xFF
//
// and each entry is the previous entry's size (1 byte below 254, else 0xFE
// and 4 bytes LE), an encoding and the data. Encodings: 00xxxxxx,
// 01xxxxxx xxxxxxxx (big-endian) and 10______ + 4 bytes big-endian are
// string lengths; 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8
// (all little-endian); 0xF1…0xFD hold the integers 0…12 themselves.

const zlHeaderSize = 10

// zlAppendStrings checks the ziplist b and appends its elements, as
// strings, to dst. It returns a reason when b is not a valid ziplist.
func zlAppendStrings(dst []string, b []byte) ([]string, string) {
	if len(b) < zlHeaderSize+1 {
		return dst, "ziplist shorter than its header"
	}
	if uint64(binary.LittleEndian.Uint32(b)) != uint64(len(b)) {
		return dst, "ziplist size in its header does not match its length"
	}
	if b[len(b)-1] != 0xFF {
		return dst, "ziplist does not end with its terminator"
	}
	if uint64(binary.LittleEndian.Uint32(b[4:])) > uint64(len(b)-1) {
		return dst, "ziplist tail offset past its end"
	}
	tail := int(binary.LittleEndian.Uint32(b[4:]))
	declared := int(binary.LittleEndian.Uint16(b[8:]))
	end := len(b) - 1
	p, prevSize, last, count := zlHeaderSize, 0, -1, 0
	var num [20]byte
	for p < end {
		start := p
		var prev int
		if b[p] < 254 {
			prev = int(b[p])
			p++
		} else if b[p] == 254 {
			if p+5 > end {
				return dst, "ziplist entry runs past its end"
			}
			prev = int(min(binary.LittleEndian.Uint32(b[p+1:]), math.MaxInt32)) // 32-bit platforms
			p += 5
		} else {
			return dst, "ziplist entry with an invalid previous length"
		}
		if prev != prevSize {
			return dst, "ziplist entry's previous length does not match"
		}
		if p >= end {
			return dst, "ziplist entry runs past its end"
		}
		c := b[p]
		var s []byte
		switch {
		case c>>6 < 3:
			var n, hdr int
			switch c >> 6 {
			case 0:
				n, hdr = int(c&0x3F), 1
			case 1:
				if p+2 > end {
					return dst, "ziplist entry runs past its end"
				}
				n, hdr = int(c&0x3F)<<8|int(b[p+1]), 2
			default:
				if p+5 > end {
					return dst, "ziplist entry runs past its end"
				}
				n, hdr = int(min(binary.BigEndian.Uint32(b[p+1:]), math.MaxInt32)), 5
			}
			if n > end-p-hdr {
				return dst, "ziplist entry runs past its end"
			}
			s = b[p+hdr : p+hdr+n]
			p += hdr + n
		default:
			var size int
			switch c {
			case 0xC0:
				size = 2
			case 0xD0:
				size = 4
			case 0xE0:
				size = 8
			case 0xF0:
				size = 3
			case 0xFE:
				size = 1
			default:
				if c < 0xF1 || c > 0xFD {
					return dst, "ziplist entry with an invalid encoding"
				}
			}
			if p+1+size > end {
				return dst, "ziplist entry runs past its end"
			}
			var v int64
			if size == 0 {
				v = int64(c&0x0F) - 1
			} else {
				var u uint64
				for i := size - 1; i >= 0; i-- {
					u = u<<8 | uint64(b[p+1+i])
				}
				shift := 64 - 8*size
				v = int64(u<<shift) >> shift
			}
			s = strconv.AppendInt(num[:0], v, 10)
			p += 1 + size
		}
		dst = append(dst, string(s))
		prevSize = p - start
		last = start
		count++
	}
	if p != end {
		return dst, "ziplist entry runs past its end"
	}
	if last >= 0 && last != tail {
		return dst, "ziplist tail offset does not point at its last entry"
	}
	if declared != 65535 && declared != count {
		return dst, "ziplist element count does not match its header"
	}
	return dst, ""
}

// A zipmap (Redis before 2.6 for small hashes) is
//
//	<count u8, 254 or more = unknown> (<len> field <len> <free u8> value <free bytes>)… 0xFF
//
// where a len is one byte below 254, else 254 and 4 bytes LE.

// zmAppendStrings checks the zipmap b and appends field, value, … to dst.
func zmAppendStrings(dst []string, b []byte) ([]string, string) {
	if len(b) < 2 {
		return dst, "zipmap shorter than its header"
	}
	declared := int(b[0])
	end := len(b) - 1
	if b[end] != 0xFF {
		return dst, "zipmap does not end with its terminator"
	}
	readLen := func(p int) (n, size int, ok bool) {
		if p >= end {
			return 0, 0, false
		}
		switch {
		case b[p] < 254:
			return int(b[p]), 1, true
		case b[p] == 254:
			if p+5 > end {
				return 0, 0, false
			}
			return int(min(binary.LittleEndian.Uint32(b[p+1:]), math.MaxInt32)), 5, true
		}
		return 0, 0, false
	}
	p, count := 1, 0
	for p < end {
		n, size, ok := readLen(p)
		if !ok || n > end-p-size {
			return dst, "zipmap entry runs past its end"
		}
		field := b[p+size : p+size+n]
		p += size + n
		n, size, ok = readLen(p)
		if !ok || p+size >= end {
			return dst, "zipmap entry runs past its end"
		}
		free := int(b[p+size])
		p += size + 1
		if n > end-p || free > end-p-n {
			return dst, "zipmap entry runs past its end"
		}
		dst = append(dst, string(field), string(b[p:p+n]))
		p += n + free
		count++
	}
	if p != end {
		return dst, "zipmap entry runs past its end"
	}
	if declared < 254 && declared != count {
		return dst, "zipmap element count does not match its header"
	}
	return dst, ""
}
