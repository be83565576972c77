package rdb

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
)

// Reader reads the entries of an RDB file one at a time.
type Reader struct {
	// OnResizeDB, when set, is called with each RESIZEDB size hint: the
	// database being read, its number of keys and of keys with an expiry.
	OnResizeDB func(db int, keys, expires uint64)
	// OnFunction, when set, is called with the code of each library of
	// functions (a FUNCTION2 record); an error it returns stops the read.
	// Without it a file holding functions is ErrUnsupported.
	OnFunction func(code string) error

	in      input
	version int
	aux     map[string]string
	db      int
	done    bool
	err     error
	skipped int
}

// Entry is one key of a file.
type Entry struct {
	DB       int
	Key      string
	ExpireMs int64 // absolute Unix time in milliseconds; -1: none
	Idle     int64 // seconds since last access (LRU); -1: not in the file
	Freq     int   // LFU counter; -1: not in the file
	Value    Value
}

// NewReader reads and checks the header of an RDB file ("REDIS" and a
// version of four digits, 1 to 10, as Redis 7.0 loads). A newer version is
// ErrUnsupported; anything else that is not a header is ErrCorrupt.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{in: input{src: r, buf: make([]byte, 0, fileBuffer)}, aux: map[string]string{}}
	h, err := rd.in.next(9, "the header")
	if err != nil {
		return nil, err
	}
	if string(h[:5]) != "REDIS" {
		return nil, newError(ErrCorrupt, 0, "not an RDB file: wrong signature %q", h[:5])
	}
	v := 0
	for _, c := range h[5:] {
		if c < '0' || c > '9' {
			return nil, newError(ErrCorrupt, 5, "RDB version %q is not a number", h[5:])
		}
		v = v*10 + int(c-'0')
	}
	if v < 1 || v > Version {
		return nil, newError(ErrUnsupported, 5, "can't handle RDB format version %d", v)
	}
	rd.version = v
	return rd, nil
}

// Version is the file's RDB version.
func (r *Reader) Version() int { return r.version }

// Aux returns the AUX fields read so far (all of them once Next has
// returned io.EOF). The map is the Reader's: do not modify it.
func (r *Reader) Aux() map[string]string { return r.aux }

// Skipped is the number of empty keys skipped so far: Redis skips an
// aggregate with no elements when it loads a file, and so does Next.
func (r *Reader) Skipped() int { return r.skipped }

// Offset is the offset of the next byte to read.
func (r *Reader) Offset() int64 { return r.in.off() }

// Next reads the next key into e. It returns io.EOF after the EOF opcode
// and a matching checksum (for version 5 and later; a stored checksum of 0
// means "not computed" and is accepted, as Redis does); it reads nothing
// after the checksum. Any other error is an *Error, and every later call
// returns it again. Expired keys are returned like the others: deciding
// to drop them is the caller's business.
func (r *Reader) Next(e *Entry) error {
	if r.err != nil {
		return r.err
	}
	if r.done {
		return io.EOF
	}
	err := r.next(e)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return err
}

func (r *Reader) next(e *Entry) error {
	in := &r.in
	expire, idle, freq := int64(-1), int64(-1), -1
	for {
		at := in.off()
		op, err := in.readByte("the next opcode")
		if err != nil {
			return err
		}
		switch op {
		case opExpire:
			p, err := in.next(4, "an expire time")
			if err != nil {
				return err
			}
			expire = int64(int32(binary.LittleEndian.Uint32(p))) * 1000
		case opExpireMs:
			p, err := in.next(8, "an expire time")
			if err != nil {
				return err
			}
			expire = int64(binary.LittleEndian.Uint64(p))
		case opFreq:
			b, err := in.readByte("an LFU frequency")
			if err != nil {
				return err
			}
			freq = int(b)
		case opIdle:
			n, err := in.readCount("an LRU idle time")
			if err != nil {
				return err
			}
			if n > math.MaxInt64 {
				return newError(ErrCorrupt, at, "LRU idle time %d", n)
			}
			idle = int64(n)
		case opSelectDB:
			n, err := in.readCount("a database number")
			if err != nil {
				return err
			}
			if n > math.MaxInt32 {
				return newError(ErrCorrupt, at, "database number %d", n)
			}
			r.db = int(n)
		case opResizeDB:
			keys, err := in.readCount("a RESIZEDB size")
			if err != nil {
				return err
			}
			expires, err := in.readCount("a RESIZEDB size")
			if err != nil {
				return err
			}
			if r.OnResizeDB != nil {
				r.OnResizeDB(r.db, keys, expires)
			}
		case opAux:
			k, err := in.readString("an AUX field name")
			if err != nil {
				return err
			}
			v, err := in.readString("an AUX field value")
			if err != nil {
				return err
			}
			r.aux[k] = v
		case opModuleAux:
			return newError(ErrUnsupported, at, "module data (opcode %d) is not supported", op)
		case opFunction2:
			if r.OnFunction == nil {
				return newError(ErrUnsupported, at, "functions (opcode %d) are not supported", op)
			}
			code, err := in.readString("a library's code")
			if err != nil {
				return err
			}
			if err := r.OnFunction(code); err != nil {
				return err
			}
		case opFunction:
			return newError(ErrUnsupported, at, "functions (opcode %d) are not supported", op)
		case opEOF:
			if r.version >= 5 {
				want := in.sum()
				sumAt := in.off()
				p, err := in.next(8, "the checksum")
				if err != nil {
					return err
				}
				if got := binary.LittleEndian.Uint64(p); got != 0 && got != want {
					return newError(ErrChecksum, sumAt, "wrong RDB checksum %016x, want %016x", got, want)
				}
			}
			r.done = true
			return io.EOF
		default:
			if !isValueType(op) {
				return newError(ErrUnsupported, at, "unknown opcode or type %d", op)
			}
			if op == TypeModule || op == TypeModule2 {
				return newError(ErrUnsupported, at, "%s is not supported", typeName(op))
			}
			key, err := in.readString("a key")
			if err != nil {
				return err
			}
			err = in.readValue(op, &e.Value)
			if errors.Is(err, ErrEmpty) {
				r.skipped++
				expire, idle, freq = -1, -1, -1
				continue
			}
			if err != nil {
				return err
			}
			e.DB, e.Key, e.ExpireMs, e.Idle, e.Freq = r.db, key, expire, idle, freq
			return nil
		}
	}
}

// isValueType reports whether t is a type byte Redis 7.0 knows.
func isValueType(t byte) bool { return t <= 7 || (t >= 9 && t <= 19) }
