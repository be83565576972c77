package persist

import (
	"encoding/binary"
	"hash/crc32"
	"strconv"
)

// The append-only log is a sequence of records, one per atomic unit of the
// write-effect stream (one command, one Atomic closure, one MULTI/EXEC, one
// Pipeline — what embedis.Options.OnEffects receives), so a unit is replayed
// whole or not at all. A record is
//
//	length   uint32, little endian: the payload's length in bytes (≥ 1)
//	lencheck uint32, little endian: CRC-32C (Castagnoli) of the 4 length bytes
//	check    uint32, little endian: CRC-32C of the payload
//	payload  the unit's commands, each a RESP array of bulk strings:
//	         *<n>\r\n then n times $<len>\r\n<bytes>\r\n
//
// The payload is what redis-cli --pipe or a Redis AOF holds, so
// `tail -c +17 log.1.seg` shows readable commands between the binary
// headers. The length has a check of its own so that a damaged length is
// told apart from a record cut off by a crash: only a record whose header is
// intact and whose payload runs past the end of the file (or a header cut
// short, or a tail of zero bytes) is a torn tail.

// sealUnit is the payload of the record that ends a segment the log has
// moved on from (see segment.go); no command has its name.
var sealUnit = [][]string{{"EMBEDIS-SEGMENT-END"}}

// sealRecord is the whole record.
var sealRecord = appendRecord(nil, sealUnit)

// isSeal reports whether unit is sealUnit.
func isSeal(unit [][]string) bool {
	return len(unit) == 1 && len(unit[0]) == 1 && unit[0][0] == sealUnit[0][0]
}

const (
	recordHeaderSize = 12
	// maxRecordPayload bounds a record's payload: 2 GiB - 1, past any unit
	// the engine makes (a Redis bulk string is at most 512 MiB).
	maxRecordPayload = 1<<31 - 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendRecord appends the record of unit to dst.
func appendRecord(dst []byte, unit [][]string) []byte {
	at := len(dst)
	dst = append(dst, make([]byte, recordHeaderSize)...)
	dst = appendUnit(dst, unit)
	n := len(dst) - at - recordHeaderSize
	binary.LittleEndian.PutUint32(dst[at:], uint32(n))
	binary.LittleEndian.PutUint32(dst[at+4:], crc32.Checksum(dst[at:at+4], castagnoli))
	binary.LittleEndian.PutUint32(dst[at+8:], crc32.Checksum(dst[at+recordHeaderSize:], castagnoli))
	return dst
}

// appendUnit appends the RESP encoding of unit's commands to dst.
func appendUnit(dst []byte, unit [][]string) []byte {
	for _, cmd := range unit {
		dst = append(dst, '*')
		dst = strconv.AppendInt(dst, int64(len(cmd)), 10)
		dst = append(dst, '\r', '\n')
		for _, arg := range cmd {
			dst = append(dst, '$')
			dst = strconv.AppendInt(dst, int64(len(arg)), 10)
			dst = append(dst, '\r', '\n')
			dst = append(dst, arg...)
			dst = append(dst, '\r', '\n')
		}
	}
	return dst
}

// recordHeader is a record's header, decoded.
type recordHeader struct {
	length uint32
	check  uint32
}

// parseRecordHeader decodes a header; ok is false when its length check
// fails or the length is 0 or too large.
func parseRecordHeader(b []byte) (h recordHeader, reason string) {
	h.length = binary.LittleEndian.Uint32(b)
	if crc32.Checksum(b[:4], castagnoli) != binary.LittleEndian.Uint32(b[4:]) {
		return h, "record length check mismatch"
	}
	if h.length == 0 || h.length > maxRecordPayload {
		return h, "record length " + strconv.FormatUint(uint64(h.length), 10) + " out of range"
	}
	h.check = binary.LittleEndian.Uint32(b[8:])
	return h, ""
}

// decodeUnit decodes a record's payload into its commands. It never panics
// and allocates no more than a bounded multiple of len(p). reason is empty
// on success; off is the offset in p of what is wrong.
func decodeUnit(p []byte) (unit [][]string, off int, reason string) {
	for off < len(p) {
		start := off
		if p[off] != '*' {
			return nil, off, "expected '*' (a command's array)"
		}
		n, next, ok := parseRESPInt(p, off+1)
		if !ok {
			return nil, start, "bad array length"
		}
		// Each element takes at least 6 bytes ($0\r\n\r\n).
		if n < 1 || n > int64(len(p)-next)/6 {
			return nil, start, "array length " + strconv.FormatInt(n, 10) + " out of range"
		}
		off = next
		cmd := make([]string, 0, n)
		for i := int64(0); i < n; i++ {
			if off >= len(p) || p[off] != '$' {
				return nil, off, "expected '$' (a bulk string)"
			}
			l, next, ok := parseRESPInt(p, off+1)
			if !ok || l > int64(len(p)-next-2) {
				return nil, off, "bad bulk string length"
			}
			end := next + int(l)
			if p[end] != '\r' || p[end+1] != '\n' {
				return nil, end, "bulk string not followed by CRLF"
			}
			cmd = append(cmd, string(p[next:end]))
			off = end + 2
		}
		unit = append(unit, cmd)
	}
	if len(unit) == 0 {
		return nil, 0, "empty unit"
	}
	return unit, off, ""
}

// parseRESPInt reads a non-negative decimal integer in canonical form (no
// sign, no leading zero, at most 18 digits) ending in CRLF at p[i:]; next is
// the offset after the CRLF. Only the canonical form is accepted, so that a
// payload decodes only if it is exactly what appendUnit writes.
func parseRESPInt(p []byte, i int) (n int64, next int, ok bool) {
	start := i
	for i < len(p) && p[i] >= '0' && p[i] <= '9' {
		if i-start == 18 {
			return 0, 0, false
		}
		n = n*10 + int64(p[i]-'0')
		i++
	}
	digits := i - start
	if digits == 0 || (digits > 1 && p[start] == '0') || i+1 >= len(p) || p[i] != '\r' || p[i+1] != '\n' {
		return 0, 0, false
	}
	return n, i + 2, true
}
