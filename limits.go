package embedis

import "math"

// Limits bounds what one command may build: Redis's proto-max-bulk-len for
// strings and hll-sparse-max-bytes for HyperLogLogs. Start from
// DefaultLimits, which holds Redis 7.0's defaults: the zero value is not
// valid (a MaxStringLength below 1 MB is an error, as CONFIG SET refuses).
type Limits struct {
	// MaxStringLength is the longest string a command may create or grow
	// (proto-max-bulk-len): SET, MSET and friends refuse a longer value,
	// APPEND and SETRANGE a longer result (ErrStringTooLong); SETBIT,
	// GETBIT and BITFIELD refuse a bit offset whose byte is at or past it
	// (ErrBitOffset; a BITFIELD field that starts below it may end past it,
	// as in Redis); LCS refuses when its table would pass it
	// (ErrLCSTooLarge). 1 MB (1<<20) to 2^63-1; the default is
	// MaxStringLength, 512 MB. Lowering it leaves longer strings as they
	// are. The server also refuses longer arguments with it.
	MaxStringLength int64
	// HLLSparseMaxBytes is hll-sparse-max-bytes: a sparse HyperLogLog
	// that would grow past it is made dense (0 makes every HyperLogLog
	// dense at its first write). 0 to 2^63-1; the default is 3000.
	HLLSparseMaxBytes int64
}

// DefaultLimits returns Redis 7.0's defaults: proto-max-bulk-len 512 MB,
// hll-sparse-max-bytes 3000.
func DefaultLimits() Limits {
	return Limits{MaxStringLength: MaxStringLength, HLLSparseMaxBytes: 3000}
}

// check validates l.
func (l *Limits) check() error {
	if l.MaxStringLength < 1<<20 || l.HLLSparseMaxBytes < 0 {
		return ErrLimitsConfig
	}
	return nil
}

// SetLimits changes the limits at run time (CONFIG SET proto-max-bulk-len
// and hll-sparse-max-bytes); they apply from the next command. Invalid
// limits are ErrLimitsConfig and change nothing.
func (tx *Tx) SetLimits(l Limits) error {
	if err := l.check(); err != nil {
		return err
	}
	tx.e.limits = l
	tx.e.maxStringLen.Store(l.MaxStringLength)
	return nil
}

// MaxStringLength returns Limits.MaxStringLength as it is now, without
// waiting for the owner role: a server checks each argument it reads
// against it (proto-max-bulk-len), so that SetLimits — from CONFIG SET or
// from Go — moves the wire's limit and the store's together. By the time it
// returns, a SetLimits of another goroutine may have changed the limit.
func (s *Store) MaxStringLength() int64 { return s.e.maxStringLen.Load() }

// Limits returns the limits in effect.
func (tx *Tx) Limits() (Limits, error) { return tx.e.limits, nil }

// maxStringLen is the limit a command obeys: MaxStringLength, or while a
// log or a master's stream is replayed (Apply) at least the default, so
// that lowering the limit never refuses data written under a higher one
// (Redis exempts its AOF and master clients).
func (tx *Tx) maxStringLen() int64 {
	if tx.loading {
		return max(tx.e.limits.MaxStringLength, MaxStringLength)
	}
	return tx.e.limits.MaxStringLength
}

// maxString is maxStringLen as an int.
func (tx *Tx) maxString() int {
	return int(min(tx.maxStringLen(), math.MaxInt))
}

// maxBitOffset is the highest bit offset a command accepts: its byte must
// be below MaxStringLength.
func (tx *Tx) maxBitOffset() int64 {
	m := tx.maxStringLen()
	if m > math.MaxInt64/8 {
		return math.MaxInt64
	}
	return m*8 - 1
}

// hllSparseMax is hll-sparse-max-bytes as an int.
func (tx *Tx) hllSparseMax() int {
	return int(min(tx.e.limits.HLLSparseMaxBytes, math.MaxInt))
}
