package persist

import (
	"errors"
	"fmt"
)

// ErrCorrupt matches (with errors.Is) every *CorruptError: damage found in
// a file of a data directory.
var ErrCorrupt = errors.New("persist: damaged file")

// ErrLocked is returned by Open when another DB, in this process or another
// one, has the directory open.
var ErrLocked = errors.New("persist: data directory is in use by another process")

// ErrLogFailed matches the error that every write returns once the
// append-only log could not write or fsync: the write was made in memory, but
// the log no longer vouches for anything after the failure. Close the DB; on
// reopen the log holds what reached the disk.
var ErrLogFailed = errors.New("persist: append-only log failed")

// ErrClosed is returned by Save on a closed DB.
var ErrClosed = errors.New("persist: DB is closed")

// CorruptError reports damage found while loading a data directory: the
// file (its path), the byte offset in it, and the reason. The offset is
// where the damaged piece starts — the record whose checksum failed, the
// segment header, the line of the manifest — or, when a checksum covers a
// whole file (the manifest's last line, a snapshot's CRC-64), where that
// checksum is. It matches ErrCorrupt with errors.Is.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
	Err    error // the underlying error (an *rdb.Error from a base snapshot), or nil
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("persist: %s: byte %d: %s", e.File, e.Offset, e.Reason)
}

// Unwrap returns Err.
func (e *CorruptError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }
