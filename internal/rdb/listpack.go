package rdb

import "github.com/embedis/embedis/internal/listpack"

// Listpacks (Redis 7.0's small-aggregate encoding) are internal/listpack's:
// these are the names this package's encoders and readers use for it.

const (
	lpHeaderSize   = listpack.HeaderSize
	lpCountUnknown = listpack.CountUnknown
)

// parseCanonicalInt is listpack.ParseInt: whether s is a decimal integer
// as Redis's ll2string writes it.
func parseCanonicalInt(s string) (int64, bool) { return listpack.ParseInt(s) }

func lpEntrySize(s string) int                   { return listpack.EntrySize(s) }
func lpAppendString(dst []byte, s string) []byte { return listpack.AppendString(dst, s) }
func lpStart(dst []byte) ([]byte, int)           { return listpack.Start(dst) }
func lpFinish(dst []byte, at, count int) []byte  { return listpack.Finish(dst, at, count) }

// lpIter walks a listpack from a file, checking it (listpack.Iter), with
// reasons as text for this package's errors.
type lpIter struct{ it listpack.Iter }

// lpCheckHeader checks a listpack's header and returns an iterator.
func lpCheckHeader(b []byte) (lpIter, string) {
	it, err := listpack.Check(b)
	if err != nil {
		return lpIter{}, err.Error()
	}
	return lpIter{it}, ""
}

// next returns the next entry: its string bytes, or (isInt) its integer.
// done is true at the terminator; reason is set when the listpack is
// broken.
func (it *lpIter) next() (s []byte, v int64, isInt, done bool, reason string) {
	e, done, err := it.it.Next()
	if err != nil {
		return nil, 0, false, done, err.Error()
	}
	return e.Str, e.Int, e.IsInt, done, ""
}

// nextString is next with integers rendered as decimal text in the
// iterator's buffer (valid until the next call).
func (it *lpIter) nextString() (s []byte, done bool, reason string) {
	s, done, err := it.it.NextString()
	if err != nil {
		return nil, done, err.Error()
	}
	return s, done, ""
}
