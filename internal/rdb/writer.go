package rdb

import (
	"encoding/binary"
	"io"
	"strconv"
)

// Writer writes an RDB file: Header, then Aux fields, then for each
// non-empty database SelectDB, ResizeDB and its entries, then Close. It
// buffers its output and keeps the running CRC-64 that Close appends.
// After the first error every call returns that error.
type Writer struct {
	// Enc encodes keys, AUX values and String values; NewWriter sets
	// Enc.Compress (Redis's default rdbcompression yes).
	Enc Encoder

	w       io.Writer
	buf     []byte
	crc     uint64
	written int64
	err     error
}

const writerBuffer = 64 << 10

// NewWriter returns a Writer to w that compresses strings as Redis does by
// default.
func NewWriter(w io.Writer) *Writer {
	return &Writer{Enc: Encoder{Compress: true}, w: w, buf: make([]byte, 0, writerBuffer)}
}

// Written is the number of bytes handed to the io.Writer so far (all of
// them once Close has returned).
func (w *Writer) Written() int64 { return w.written }

func (w *Writer) flush() error {
	if w.err != nil {
		w.buf = w.buf[:0] // a caller writing on after an error does not grow it
		return w.err
	}
	err := w.write(w.buf)
	w.buf = w.buf[:0]
	if cap(w.buf) > 4*writerBuffer {
		// One huge value grew it: do not keep that much for the rest.
		w.buf = make([]byte, 0, writerBuffer)
	}
	return err
}

// write hands p to the io.Writer, adding it to the checksum.
func (w *Writer) write(p []byte) error {
	w.crc = crcUpdate(w.crc, p)
	n, err := w.w.Write(p)
	w.written += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	w.err = err
	return err
}

func (w *Writer) maybeFlush() error {
	if len(w.buf) >= writerBuffer || w.err != nil {
		return w.flush()
	}
	return w.err
}

// Header writes "REDIS0010".
func (w *Writer) Header() error {
	w.buf = append(w.buf, "REDIS"...)
	w.buf = append(w.buf, []byte("0000")[:4-len(strconv.Itoa(Version))]...)
	w.buf = strconv.AppendInt(w.buf, Version, 10)
	return w.maybeFlush()
}

// Aux writes an AUX field. Redis 7.0 writes redis-ver, redis-bits, ctime,
// used-mem and aof-base, in that order (and repl-stream-db, repl-id,
// repl-offset before aof-base when it has replication state); values are
// strings, written integer-encoded when they are canonical integers, as
// Redis does.
func (w *Writer) Aux(key, value string) error {
	w.buf = append(w.buf, opAux)
	w.buf = w.Enc.AppendString(w.buf, key)
	w.buf = w.Enc.AppendString(w.buf, value)
	return w.maybeFlush()
}

// RedisVersion is the redis-ver AUX value AuxRedis writes: the Redis
// whose format and behaviour embedis follows.
const RedisVersion = "7.0.15"

// AuxRedis writes the AUX fields redis-server 7.0 writes at the start of
// its dump.rdb, in its order: redis-ver (RedisVersion), redis-bits (64),
// ctime (the Unix time of the snapshot, in seconds), used-mem (bytes) and
// aof-base (0: not an AOF preamble). A file written with the ctime and
// used-mem of a redis-server's dump and the same keys in the same order is
// that dump, byte for byte.
func (w *Writer) AuxRedis(ctime, usedMem int64) error {
	for _, kv := range [...][2]string{
		{"redis-ver", RedisVersion},
		{"redis-bits", "64"},
		{"ctime", strconv.FormatInt(ctime, 10)},
		{"used-mem", strconv.FormatInt(usedMem, 10)},
		{"aof-base", "0"},
	} {
		if err := w.Aux(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// SelectDB starts the entries of database n (n ≥ 0).
func (w *Writer) SelectDB(n int) error {
	w.buf = append(w.buf, opSelectDB)
	w.buf = appendLen(w.buf, uint64(n))
	return w.maybeFlush()
}

// ResizeDB writes the size hint Redis writes after SELECTDB: the number of
// keys in the database and how many of them have an expiry.
func (w *Writer) ResizeDB(keys, expires uint64) error {
	w.buf = append(w.buf, opResizeDB)
	w.buf = appendLen(w.buf, keys)
	w.buf = appendLen(w.buf, expires)
	return w.maybeFlush()
}

// Entry writes one key: its expiry (EXPIRETIME_MS, an absolute Unix time
// in milliseconds, when expireMs ≥ 0), then the type byte, the key and the
// body built by an Encoder for that type.
func (w *Writer) Entry(key string, expireMs int64, typ byte, body []byte) error {
	w.entryHead(key, expireMs, typ)
	if len(body) >= writerBuffer && w.err == nil {
		// A large body goes to the io.Writer as it is, not through the
		// buffer.
		if err := w.flush(); err != nil {
			return err
		}
		return w.write(body)
	}
	w.buf = append(w.buf, body...)
	return w.maybeFlush()
}

// String writes a string key: Entry with the body encoded in place.
func (w *Writer) String(key string, expireMs int64, value string) error {
	w.entryHead(key, expireMs, TypeString)
	w.buf = w.Enc.AppendString(w.buf, value)
	return w.maybeFlush()
}

func (w *Writer) entryHead(key string, expireMs int64, typ byte) {
	if expireMs >= 0 {
		w.buf = append(w.buf, opExpireMs)
		w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(expireMs))
	}
	w.buf = append(w.buf, typ)
	w.buf = w.Enc.AppendString(w.buf, key)
}

// Close writes the EOF opcode and the CRC-64 of the whole file, and flushes
// everything to the io.Writer, which it does not close.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.buf = append(w.buf, opEOF)
	crc := crcUpdate(w.crc, w.buf)
	w.buf = binary.LittleEndian.AppendUint64(w.buf, crc)
	return w.flush()
}
