// Package rdb reads and writes Redis 7.0's RDB format (version 10): the
// values of DUMP/RESTORE payloads and whole snapshot files (dump.rdb).
//
// It is pure: no engine, no files, no goroutines. The engine turns its
// values into the bodies built by an Encoder and hands them to a Writer or
// to AppendPayloadTrailer; going the other way, DecodePayload and Reader
// return each value as a Value, whatever encoding the file used.
//
// # What is written, and how it compares with redis-server
//
// The Encoder writes the encodings Redis 7.0 writes, byte for byte where
// Redis is deterministic: strings (raw, integer-encoded, LZF-compressed as
// with Redis's default rdbcompression yes), hash and sorted-set listpacks,
// intsets, sorted sets as ZSET_2 (highest score first), and lists as
// quicklist 2 with the nodes RPUSH would have built under the default
// list-max-listpack-size -2 (8 KB per node). A list that Redis built in
// another way (LPUSH, LINSERT, LREM …) may be split into different nodes in
// Redis's DUMP; the list is the same. TypeSet and TypeHash (the hash-table
// encodings) are written in the order the caller gives, while Redis writes
// its hash table's order: those compare by value, not by bytes. A Writer
// given Redis's AUX values (AuxRedis) and its keys in its order writes
// redis-server's dump.rdb byte for byte.
//
// # What is read
//
// Everything Redis 7.0 loads except module data and functions: the
// encodings above plus the older ones Redis 7.0 still loads (ziplists,
// zipmaps, linked lists, ZSET with string scores, quicklist 1), from files
// of RDB versions 1 to 10, and streams as Redis 7.0 writes them
// (STREAM_LISTPACKS_2, each node's listpack checked entry by entry by
// stream.Load, and their consumer groups: PELs, consumers) and as older
// versions did (STREAM_LISTPACKS, type 15, whose groups' entries-read is
// estimated as Redis does). Module types, function opcodes and unknown
// types or opcodes are refused with ErrUnsupported, naming the type and
// the byte offset: nothing is skipped silently.
//
// Decoding checks the structure of every embedded blob (listpack, ziplist,
// intset, zipmap: header sizes, counts, back-lengths, terminators, entry
// bounds) and refuses values the engine could not hold: duplicate set
// members, hash fields or sorted-set members, NaN scores, intsets out of
// order. Redis checks some of these only with sanitize-dump-payload yes; we
// always check them. An aggregate with no elements is refused by
// DecodePayload (Redis's RESTORE answers "Bad data format") and skipped by
// the Reader (Redis skips empty keys when it loads a file).
//
// No input panics, and no allocation is larger than what the remaining
// input could hold (for a file read from an io.Reader, buffers grow as the
// bytes actually arrive; an LZF string may expand to what its stored
// length says, at most 100 times its compressed size).
//
// # Where we differ from redis-server on purpose
//
//   - The checks above always run; Redis runs the duplicate and order checks
//     only with sanitize-dump-payload yes, and may accept a payload that
//     later breaks it.
//   - A payload's value ends before its 10-byte trailer; Redis reads a value
//     that is too short on into the trailer's bytes. Bytes between the value
//     and the trailer are ignored by both.
//   - Module values, which Redis loads, are refused: module data has no
//     meaning outside its module.
package rdb

import (
	"errors"
	"fmt"

	"github.com/embedis/embedis/internal/stream"
)

// Version is the RDB version written: Redis 7.0's.
const Version = 10

// Type bytes of values (Redis's RDB_TYPE_*).
const (
	TypeString           = 0
	TypeList             = 1
	TypeSet              = 2
	TypeZSet             = 3
	TypeHash             = 4
	TypeZSet2            = 5
	TypeModule           = 6
	TypeModule2          = 7
	TypeHashZipmap       = 9
	TypeListZiplist      = 10
	TypeSetIntset        = 11
	TypeZSetZiplist      = 12
	TypeHashZiplist      = 13
	TypeListQuicklist    = 14
	TypeStreamListpacks  = 15
	TypeHashListpack     = 16
	TypeZSetListpack     = 17
	TypeListQuicklist2   = 18
	TypeStreamListpacks2 = 19
)

// Opcodes of a file (Redis's RDB_OPCODE_*).
const (
	opFunction2         = 245
	opFunction          = 246
	opModuleAux         = 247
	opIdle              = 248
	opFreq              = 249
	opAux               = 250
	opResizeDB          = 251
	opExpireMs          = 252
	opExpire            = 253
	opSelectDB          = 254
	opEOF               = 255
	quicklistNodePlain  = 1
	quicklistNodePacked = 2
)

// Kind is the data type of a decoded value.
type Kind uint8

// The kinds of values.
const (
	KindString Kind = 1 + iota
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
)

// String returns the kind's name as Redis's TYPE command spells it.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindList:
		return "list"
	case KindSet:
		return "set"
	case KindZSet:
		return "zset"
	case KindHash:
		return "hash"
	case KindStream:
		return "stream"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ZMember is one member of a sorted set with its score.
type ZMember struct {
	Member string
	Score  float64
}

// Value is one decoded value, whatever encoding the file used. Exactly the
// field of its Kind is set. Aggregates are never empty, sets have no
// duplicate members, hashes no duplicate fields, sorted sets no duplicate
// members and no NaN scores. Its slices and strings are allocated for the
// value alone (never a reused buffer), so a caller may keep them.
type Value struct {
	Kind Kind
	Type byte // the type byte it was read with

	Str     string    // KindString
	List    []string  // KindList, head to tail
	Set     []string  // KindSet members (nil when SetInts holds them)
	SetInts []int64   // KindSet read from an intset: its members, ascending
	Hash    []string  // KindHash: field, value, field, value, … in file order
	ZSet    []ZMember // KindZSet, in file order (ZSET_2: highest score first)
	// Stream is a KindStream value: its nodes as they were written
	// (checked by stream.Load), its counters and its consumer groups.
	Stream *stream.Stream

	// IntsetWidth is the width in bytes (2, 4 or 8) of the intset SetInts
	// was read from: Redis keeps an intset as it was written, so a DUMP
	// after a RESTORE gives the same bytes.
	IntsetWidth int

	// ListNodes is, for a list read from a quicklist (TypeListQuicklist or
	// TypeListQuicklist2), the number of elements of each of its non-empty
	// nodes, head to tail: Redis keeps a loaded list's nodes as they were
	// written. Nil for the older list types, which Redis rebuilds by
	// pushing each element at the tail.
	ListNodes []int
}

// Len is the number of elements of the value: 1 for a string, members,
// fields or items otherwise.
func (v *Value) Len() int {
	switch v.Kind {
	case KindString:
		return 1
	case KindList:
		return len(v.List)
	case KindSet:
		return len(v.Set) + len(v.SetInts)
	case KindZSet:
		return len(v.ZSet)
	case KindHash:
		return len(v.Hash) / 2
	case KindStream:
		return int(v.Stream.Len())
	}
	return 0
}

// Error is a failure to decode RDB data: where (the byte offset from the
// start of the file or payload) and why. It matches one of the sentinels
// below with errors.Is.
type Error struct {
	Offset int64
	Reason string
	kind   error
}

func (e *Error) Error() string { return fmt.Sprintf("rdb: byte %d: %s", e.Offset, e.Reason) }

// Is reports whether target is the sentinel this error is a kind of. An
// empty-value error (ErrEmpty) is also ErrCorrupt.
func (e *Error) Is(target error) bool {
	if target == e.kind {
		return true
	}
	return e.kind == ErrEmpty && target == ErrCorrupt
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.kind }

// The kinds of errors.
var (
	// ErrTruncated: the data ends before the structure it started.
	ErrTruncated = errors.New("rdb: unexpected end of data")
	// ErrChecksum: a file's CRC-64 does not match its contents.
	ErrChecksum = errors.New("rdb: wrong checksum")
	// ErrUnsupported: module data, functions, an unknown type
	// or opcode, or a version newer than 10.
	ErrUnsupported = errors.New("rdb: unsupported data")
	// ErrCorrupt: the data is not in the format (bad length, broken
	// listpack, duplicate member, NaN score, …).
	ErrCorrupt = errors.New("rdb: corrupt data")
	// ErrEmpty: an aggregate value with no elements. It also matches
	// ErrCorrupt: DecodePayload refuses such a value, as RESTORE does
	// ("Bad data format"), while the Reader skips such keys, as Redis does
	// when it loads a file.
	ErrEmpty = errors.New("rdb: empty aggregate value")
	// ErrPayload: a DUMP payload whose RDB version is newer than 10 or whose
	// checksum is wrong (Redis: "DUMP payload version or checksum are wrong").
	ErrPayload = errors.New("rdb: DUMP payload version or checksum are wrong")
)

func newError(kind error, off int64, format string, args ...any) *Error {
	return &Error{Offset: off, Reason: fmt.Sprintf(format, args...), kind: kind}
}

// typeName names a type byte for error messages.
func typeName(t byte) string {
	switch t {
	case TypeModule, TypeModule2:
		return fmt.Sprintf("module type %d", t)
	case TypeStreamListpacks, TypeStreamListpacks2:
		return fmt.Sprintf("stream type %d", t)
	}
	return fmt.Sprintf("type %d", t)
}
