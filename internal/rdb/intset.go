package rdb

import "encoding/binary"

// An intset (a set of integers only) is
//
//	<width u32 LE: 2, 4 or 8> <count u32 LE> <count integers of width bytes, LE, ascending>
//
// Redis refuses an empty one and one whose size is not exactly the header
// plus count×width; with deep checks, one out of order or with duplicates.

// intsetWidth is the smallest width that holds v (Redis's _intsetValueEncoding).
func intsetWidth(v int64) int {
	switch {
	case v >= -32768 && v <= 32767:
		return 2
	case v >= -2147483648 && v <= 2147483647:
		return 4
	}
	return 8
}

// appendIntsetBlob appends the intset of ints (ascending, unique) with the
// given width (0, or one too narrow: the smallest that holds them all).
func appendIntsetBlob(dst []byte, ints []int64, width int) []byte {
	need := 2
	for _, v := range ints {
		need = max(need, intsetWidth(v))
	}
	if (width != 2 && width != 4 && width != 8) || width < need {
		width = need
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(width))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(ints)))
	for _, v := range ints {
		switch width {
		case 2:
			dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
		case 4:
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		default:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	}
	return dst
}

// intsetDecode checks the intset b and returns its members (their width
// is b's first byte).
func intsetDecode(b []byte) ([]int64, string) {
	if len(b) < 8 {
		return nil, "intset shorter than its header"
	}
	width := binary.LittleEndian.Uint32(b)
	if width != 2 && width != 4 && width != 8 {
		return nil, "intset with an invalid width"
	}
	count := uint64(binary.LittleEndian.Uint32(b[4:]))
	if 8+count*uint64(width) != uint64(len(b)) {
		return nil, "intset size does not match its count"
	}
	if count == 0 {
		return nil, "empty intset"
	}
	out := make([]int64, count)
	p := b[8:]
	for i := range out {
		var v int64
		switch width {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(p[2*i:])))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(p[4*i:])))
		default:
			v = int64(binary.LittleEndian.Uint64(p[8*i:]))
		}
		if i > 0 && v <= out[i-1] {
			return nil, "intset members out of order or duplicated"
		}
		out[i] = v
	}
	return out, ""
}
