package persist

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/embedis/embedis"
)

// SaveSnapshot writes a snapshot of every database of s to the file at path,
// atomically (see WriteFileAtomic): an RDB version 10 file that redis-server
// 7.0 loads, zstd-compressed when path ends in ".zst". The point-in-time view
// is taken as Store.WriteSnapshot takes it; encoding, compression and the
// disk writes follow it. On an error (ctx ending included) the file at path
// is left as it was.
func SaveSnapshot(ctx context.Context, s *embedis.Store, path string) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		if compressed(path) {
			return writeZstd(w, func(w io.Writer) error { return s.WriteSnapshot(ctx, w) })
		}
		return s.WriteSnapshot(ctx, w)
	})
}

// WriteSnapshotFile writes a snapshot taken earlier to the file at path, as
// SaveSnapshot does: atomically, zstd-compressed when path ends in ".zst".
// sn is an *embedis.Snapshot (Store.Snapshot, Tx.Snapshot: a copy, which
// may be written to several files) or an *embedis.PendingSnapshot
// (Tx.StartSnapshot: handed out of the store as it is written, once). It
// may run while the store serves other calls.
func WriteSnapshotFile(sn io.WriterTo, path string) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		if compressed(path) {
			return writeZstd(w, func(w io.Writer) error { _, err := sn.WriteTo(w); return err })
		}
		_, err := sn.WriteTo(w)
		return err
	})
}

// OpenSnapshot returns a new Store, configured by opts, holding the data of
// the snapshot file at path: an RDB file (written by us or by redis-server,
// versions as embedis.OpenSnapshot accepts them), or one compressed with
// zstd, which is recognised by its magic number whatever the file's name.
// A file that cannot be read entirely gives an error naming the path, never
// a partly loaded Store; a missing file's error matches fs.ErrNotExist.
func OpenSnapshot(path string, opts embedis.Options) (*embedis.Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("persist: open snapshot: %w", err)
	}
	defer f.Close()
	r, closeDec, err := rdbReader(f)
	if err != nil {
		return nil, fmt.Errorf("persist: open snapshot %s: %w", path, err)
	}
	defer closeDec()
	s, err := embedis.OpenSnapshot(r, opts)
	if err != nil {
		return nil, fmt.Errorf("persist: open snapshot %s: %w", path, err)
	}
	return s, nil
}

// compressed reports whether a snapshot written to path is zstd-compressed.
func compressed(path string) bool { return strings.HasSuffix(path, ".zst") }
