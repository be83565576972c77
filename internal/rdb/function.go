package rdb

import "encoding/binary"

// Functions: Redis 7.0 keeps each library of functions as a FUNCTION2
// record, the opcode then the library's whole code as a string, between a
// file's AUX fields and its first database (and, in FUNCTION DUMP's
// payload, one record per library before the payload's trailer). The
// release candidates' FUNCTION records (opcode 246: name, engine,
// description and code) are not read.

// The opcodes of function records.
const (
	OpFunction2 = opFunction2
	OpFunction  = opFunction
)

// Function writes a FUNCTION2 record: a library's code.
func (w *Writer) Function(code string) error {
	w.buf = append(w.buf, opFunction2)
	w.buf = w.Enc.AppendString(w.buf, code)
	return w.maybeFlush()
}

// PayloadChecksumOK reports whether the last 8 bytes of a DUMP payload
// (of at least 10 bytes) are the CRC-64 of the bytes before them.
func PayloadChecksumOK(p []byte) bool {
	if len(p) < 10 {
		return false
	}
	return crcUpdate(0, p[:len(p)-8]) == binary.LittleEndian.Uint64(p[len(p)-8:])
}

// DecodeString decodes the RDB string at the start of p (a length, an
// integer encoding or LZF) and returns it with the number of bytes it
// took; an error when p ends inside it or its encoding is wrong.
func DecodeString(p []byte) (s string, n int, err error) {
	in := input{buf: p}
	s, err = in.readString("a string")
	if err != nil {
		return "", 0, err
	}
	return s, in.pos, nil
}
