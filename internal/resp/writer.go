package resp

import (
	"io"
	"math"
	"strconv"
)

// Writer buffer sizes.
const (
	// writeBufSize is the capacity a Writer's buffer starts with.
	writeBufSize = 1024
	// writeBufKeep is the largest buffer a Writer keeps after a Flush; a
	// bigger one, grown for a long reply, is given back.
	writeBufKeep = 1 << 20
)

// Writer encodes replies in RESP2 or RESP3 by appending them to an internal
// buffer; nothing reaches the underlying writer until Flush. No method but
// Flush allocates, except when the buffer grows. A Writer is not safe for
// concurrent use.
type Writer struct {
	w     io.Writer
	buf   []byte
	proto int
}

// NewWriter returns a Writer that flushes to w and speaks RESP2.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, buf: make([]byte, 0, writeBufSize), proto: 2}
}

// SetProtocol sets the protocol of the replies that follow: 3 for RESP3,
// anything else for RESP2 (what HELLO negotiates).
func (w *Writer) SetProtocol(v int) {
	if v != 3 {
		v = 2
	}
	w.proto = v
}

// Protocol returns the protocol the Writer speaks, 2 or 3.
func (w *Writer) Protocol() int { return w.proto }

// Buffered returns the number of bytes waiting for Flush.
func (w *Writer) Buffered() int { return len(w.buf) }

// Flush writes the buffered replies to the underlying writer. On an error
// the bytes that were not written stay buffered.
func (w *Writer) Flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	n, err := w.w.Write(w.buf)
	if n < len(w.buf) && err == nil {
		err = io.ErrShortWrite
	}
	if err != nil {
		if n > 0 && n < len(w.buf) {
			w.buf = w.buf[:copy(w.buf, w.buf[n:])]
		}
		return err
	}
	if cap(w.buf) > writeBufKeep {
		w.buf = make([]byte, 0, writeBufSize)
	} else {
		w.buf = w.buf[:0]
	}
	return nil
}

// appendLen appends a type byte, n and CRLF.
func appendLen(b []byte, kind byte, n int64) []byte {
	if uint64(n) < 10 {
		return append(b, kind, byte('0'+n), '\r', '\n')
	}
	b = append(b, kind)
	b = strconv.AppendInt(b, n, 10)
	return append(b, '\r', '\n')
}

// appendLine appends a type byte, s with CR and LF turned into spaces, and
// CRLF.
func appendLine(b []byte, kind byte, s string) []byte {
	b = append(b, kind)
	start := len(b)
	b = append(b, s...)
	for i := start; i < len(b); i++ {
		if b[i] == '\r' || b[i] == '\n' {
			b[i] = ' '
		}
	}
	return append(b, '\r', '\n')
}

// WriteStatus writes a simple string reply, "+s". CR and LF in s, which the
// protocol cannot carry there, are written as spaces.
func (w *Writer) WriteStatus(s string) { w.buf = appendLine(w.buf, '+', s) }

// WriteError writes an error reply, "-msg": msg holds the error code too,
// as in "ERR syntax error" or "WRONGTYPE ...". As Redis's
// addReplyErrorFormat does, CR and LF at either end of msg are dropped and
// those inside it are written as spaces. For a *ProtocolError the server
// writes "ERR " + err.Error().
func (w *Writer) WriteError(msg string) {
	for len(msg) > 0 && (msg[0] == '\r' || msg[0] == '\n') {
		msg = msg[1:]
	}
	for len(msg) > 0 && (msg[len(msg)-1] == '\r' || msg[len(msg)-1] == '\n') {
		msg = msg[:len(msg)-1]
	}
	w.buf = appendLine(w.buf, '-', msg)
}

// WriteInt writes an integer reply, ":n".
func (w *Writer) WriteInt(n int64) { w.buf = appendLen(w.buf, ':', n) }

// WriteBulk writes a bulk string reply, "$len" and s.
func (w *Writer) WriteBulk(s string) {
	w.buf = appendLen(w.buf, '$', int64(len(s)))
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// WriteBulkBytes writes a bulk string reply, "$len" and b.
func (w *Writer) WriteBulkBytes(b []byte) {
	w.buf = appendLen(w.buf, '$', int64(len(b)))
	w.buf = append(w.buf, b...)
	w.buf = append(w.buf, '\r', '\n')
}

// WriteNull writes a null reply: "$-1" (the null bulk string) in RESP2,
// "_" in RESP3.
func (w *Writer) WriteNull() {
	if w.proto == 3 {
		w.buf = append(w.buf, "_\r\n"...)
	} else {
		w.buf = append(w.buf, "$-1\r\n"...)
	}
}

// WriteNullArray writes a null array reply: "*-1" in RESP2, "_" in RESP3.
func (w *Writer) WriteNullArray() {
	if w.proto == 3 {
		w.buf = append(w.buf, "_\r\n"...)
	} else {
		w.buf = append(w.buf, "*-1\r\n"...)
	}
}

// WriteArrayLen starts an array reply of n elements, "*n"; the elements
// follow.
func (w *Writer) WriteArrayLen(n int) { w.buf = appendLen(w.buf, '*', int64(n)) }

// WriteMapLen starts a map reply of n key-value pairs: "%n" in RESP3, an
// array of 2n elements in RESP2. The keys and values follow, alternating.
func (w *Writer) WriteMapLen(n int) {
	if w.proto == 3 {
		w.buf = appendLen(w.buf, '%', int64(n))
	} else {
		w.buf = appendLen(w.buf, '*', 2*int64(n))
	}
}

// WriteSetLen starts a set reply of n elements: "~n" in RESP3, an array in
// RESP2.
func (w *Writer) WriteSetLen(n int) {
	if w.proto == 3 {
		w.buf = appendLen(w.buf, '~', int64(n))
	} else {
		w.buf = appendLen(w.buf, '*', int64(n))
	}
}

// WriteRaw appends b, already encoded RESP (messages queued for a
// connection while it was not running), to the buffer unchanged.
func (w *Writer) WriteRaw(b []byte) { w.buf = append(w.buf, b...) }

// WritePushLen starts an out-of-band push message of n elements: ">n" in
// RESP3, an array in RESP2.
func (w *Writer) WritePushLen(n int) {
	if w.proto == 3 {
		w.buf = appendLen(w.buf, '>', int64(n))
	} else {
		w.buf = appendLen(w.buf, '*', int64(n))
	}
}

// AppendDouble appends f as Redis 7.0 formats a double reply: C's "%.17g"
// ("1.5", "0.10000000000000001", "1e+20"), with "inf" and "-inf" for the
// infinities and "nan" or, when the sign bit is set, "-nan" (glibc's
// output) for NaN.
func AppendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}

// WriteDouble writes a double reply: ",f" in RESP3, a bulk string with the
// same text in RESP2, formatted as AppendDouble does.
func (w *Writer) WriteDouble(f float64) {
	if w.proto == 3 {
		w.buf = append(w.buf, ',')
		w.buf = AppendDouble(w.buf, f)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	var tmp [32]byte
	s := AppendDouble(tmp[:0], f)
	w.WriteBulkBytes(s)
}

// WriteDoubleText writes a double reply whose text the caller formatted:
// ",s" in RESP3, a bulk string in RESP2 (Redis's GEOPOS coordinates are
// doubles printed in a format of their own).
func (w *Writer) WriteDoubleText(s string) {
	if w.proto == 3 {
		w.buf = append(w.buf, ',')
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '\r', '\n')
		return
	}
	w.WriteBulk(s)
}

// WriteBool writes a boolean reply: "#t" or "#f" in RESP3, the integer 1 or
// 0 in RESP2.
func (w *Writer) WriteBool(v bool) {
	switch {
	case w.proto == 3 && v:
		w.buf = append(w.buf, "#t\r\n"...)
	case w.proto == 3:
		w.buf = append(w.buf, "#f\r\n"...)
	case v:
		w.buf = append(w.buf, ":1\r\n"...)
	default:
		w.buf = append(w.buf, ":0\r\n"...)
	}
}

// WriteVerbatim writes a verbatim string reply: in RESP3 "=len" and
// "format:s", where format is three bytes such as "txt" or "mkd"; in RESP2
// a bulk string of s alone.
func (w *Writer) WriteVerbatim(format, s string) {
	if w.proto != 3 {
		w.WriteBulk(s)
		return
	}
	w.buf = appendLen(w.buf, '=', int64(len(format)+1+len(s)))
	w.buf = append(w.buf, format...)
	w.buf = append(w.buf, ':')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}

// WriteBigNumber writes a big number reply: "(s" in RESP3, a bulk string in
// RESP2. s holds the decimal digits, with an optional leading '-'.
func (w *Writer) WriteBigNumber(s string) {
	if w.proto != 3 {
		w.WriteBulk(s)
		return
	}
	w.buf = append(w.buf, '(')
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, '\r', '\n')
}
