package rdb

import "encoding/binary"

// A DUMP payload is a value's type byte and body, then the RDB version as
// 2 bytes LE and the CRC-64 of everything before it as 8 bytes LE.

// AppendPayloadTrailer appends the RDB version (10) and the CRC-64 of
// dst (the type byte and body already appended) to dst.
func AppendPayloadTrailer(dst []byte) []byte {
	dst = append(dst, Version, 0)
	return binary.LittleEndian.AppendUint64(dst, crcUpdate(0, dst))
}

// DecodePayload decodes a DUMP payload. It returns an error matching
// ErrPayload when the payload is shorter than its trailer, its version is
// newer than 10 or its checksum is wrong (Redis: "DUMP payload version or
// checksum are wrong"; a checksum of 0 is wrong too, unlike in a file);
// any other error is a format error (Redis: "Bad data format"), including
// an empty aggregate (ErrEmpty). Bytes between the value and the trailer
// are ignored, as RESTORE ignores them.
func DecodePayload(p []byte) (Value, error) {
	var v Value
	if len(p) < 10 {
		return v, newError(ErrPayload, 0, "DUMP payload of %d bytes is shorter than its trailer", len(p))
	}
	body := len(p) - 10
	if ver := binary.LittleEndian.Uint16(p[body:]); ver > Version {
		return v, newError(ErrPayload, int64(body), "DUMP payload of RDB version %d", ver)
	}
	if crcUpdate(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(p[len(p)-8:]) {
		return v, newError(ErrPayload, int64(len(p)-8), "DUMP payload checksum is wrong")
	}
	if body == 0 {
		return v, newError(ErrTruncated, 0, "DUMP payload without a value")
	}
	in := input{buf: p[1:body], base: 1}
	err := in.readValue(p[0], &v)
	return v, err
}
