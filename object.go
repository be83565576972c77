package embedis

import "github.com/embedis/embedis/internal/number"

// OBJECT: what Redis 7.0 would say of how it holds a value.
//
// embedis's structures are its own (see each type's file), so OBJECT
// ENCODING answers with the encoding redis-server would be using for the
// same value after the same commands, from what each type remembers:
//
//   - strings: "int" for the canonical decimal spelling of an int64 (at
//     most 20 bytes), "embstr" up to 44 bytes, "raw" beyond, as Redis
//     encodes a value it is given (SET, MSET, GETSET, a new key of APPEND,
//     INCR's results); a value APPEND or SETRANGE changed in place is
//     always "raw", and INCRBYFLOAT's result is never "int".
//   - lists: "quicklist" (Redis 7.0 holds every list so).
//   - sets: "intset" while every member is an integer and there are at
//     most 512, "hashtable" otherwise (Redis 7.0 has no listpack sets).
//   - sorted sets: "listpack" while Redis would still hold the set as one
//     (128 members of at most 64 bytes; never again once past them, or once
//     sorted by SORT), "skiplist" otherwise.
//   - hashes: "listpack" while Redis would still hold the hash as one (512
//     fields, fields and values of at most 64 bytes; never again once past
//     them), "hashtable" otherwise.
//
// OBJECT REFCOUNT is 2147483647 for a string Redis would share (an integer
// from 0 to 9999 held as "int", except a copy made by COPY) and 1 otherwise.
// One known difference: inside a MULTI (or a script), Redis reports 2 for a
// string value stored earlier in the same transaction from a command's
// argument, which the queued command still holds until EXEC ends; embedis
// reports 1.
// OBJECT FREQ fails as in Redis under its default maxmemory policy (the only
// one embedis has). OBJECT IDLETIME fails with ErrIdleTimeNotTracked: Redis
// answers it, embedis does not track access times yet.

// stringEnc tells how Redis would hold a string value (see OBJECT above).
// The zero value is the common case: a value stored whole from an argument
// or a computed integer. A command that edits a string in place must set
// strRaw, as Redis unshares such a value into a raw one first (APPEND and
// SETRANGE do; SETBIT, BITFIELD and PFADD will).
type stringEnc uint8

const (
	// strAuto: as Redis encodes a value it is given (tryObjectEncoding):
	// int, embstr or raw by content, small integers shared.
	strAuto stringEnc = iota
	// strCopied: strAuto, copied by COPY, which never shares.
	strCopied
	// strRaw: changed in place by APPEND or SETRANGE.
	strRaw
	// strFromFloat: INCRBYFLOAT's result, embstr or raw by length.
	strFromFloat
)

// Redis's limits behind the string encodings.
const (
	embstrMaxLen      = 44    // OBJ_ENCODING_EMBSTR_SIZE_LIMIT
	sharedIntegers    = 10000 // OBJ_SHARED_INTEGERS
	sharedRefCount    = 2147483647
	intEncodingMaxLen = 20
)

func (e stringEnc) copied() stringEnc {
	if e == strAuto {
		return strCopied
	}
	return e
}

// encoding returns Redis's name for how it would hold v, and whether it
// would be one of its shared integers.
func (v *stringValue) encoding() (enc string, shared bool) {
	switch v.enc {
	case strRaw:
		return "raw", false
	case strAuto, strCopied:
		if v.len() <= intEncodingMaxLen {
			if n, ok := number.ParseInt(v.peek()); ok {
				return "int", v.enc == strAuto && n >= 0 && n < sharedIntegers
			}
		}
	}
	if v.len() <= embstrMaxLen {
		return "embstr", false
	}
	return "raw", false
}

// encodingName returns what OBJECT ENCODING says of v.
func encodingName(v value) string {
	switch v := v.(type) {
	case *stringValue:
		enc, _ := v.encoding()
		return enc
	case *listValue:
		return "quicklist"
	case *setValue:
		if v.enc == setIntset {
			return "intset"
		}
		return "hashtable"
	case *zsetValue:
		if v.listpack {
			return "listpack"
		}
		return "skiplist"
	case *hashValue:
		if v.hashtable {
			return "hashtable"
		}
		return "listpack"
	}
	return "unknown"
}

// ObjectEncoding returns the name of the encoding Redis 7.0 would use for
// the value at key (see the list in object.go's overview: "int", "embstr",
// "raw", "quicklist", "intset", "hashtable", "listpack" or "skiplist"), or
// ErrNotFound if the key does not exist. It is a read: it changes nothing.
func (tx *Tx) ObjectEncoding(key string) (string, error) {
	v := tx.lookupKey(key, lookupNoTouch|lookupNoNotify)
	if v == nil {
		return "", ErrNotFound
	}
	return encodingName(v), nil
}

// ObjectRefCount returns the reference count Redis 7.0 would report for the
// value at key: 2147483647 for a string it would hold as one of its shared
// integers (0 to 9999, not made by COPY), 1 for every other value; or
// ErrNotFound if the key does not exist.
func (tx *Tx) ObjectRefCount(key string) (int64, error) {
	v := tx.lookupKey(key, lookupNoTouch|lookupNoNotify)
	if v == nil {
		return 0, ErrNotFound
	}
	if sv, ok := v.(*stringValue); ok {
		if _, shared := sv.encoding(); shared {
			return sharedRefCount, nil
		}
	}
	return 1, nil
}

// ObjectFreq is OBJECT FREQ: ErrNotFound if the key does not exist,
// otherwise ErrNoLFU, as Redis answers when its maxmemory policy is not an
// LFU one (embedis has no eviction policies).
func (tx *Tx) ObjectFreq(key string) (int64, error) {
	if tx.lookupKey(key, lookupNoTouch|lookupNoNotify) == nil {
		return 0, ErrNotFound
	}
	return 0, ErrNoLFU
}

// ObjectIdleTime is OBJECT IDLETIME: ErrNotFound if the key does not exist,
// otherwise ErrIdleTimeNotTracked. Redis answers the seconds since the key
// was last read or written; embedis does not record access times yet.
func (tx *Tx) ObjectIdleTime(key string) (int64, error) {
	if tx.lookupKey(key, lookupNoTouch|lookupNoNotify) == nil {
		return 0, ErrNotFound
	}
	return 0, ErrIdleTimeNotTracked
}
