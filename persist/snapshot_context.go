package persist

import (
	"context"
	"io"
)

// WriteSnapshotFileContext is WriteSnapshotFile that stops when ctx ends:
// it then returns ctx's error (wrapped, naming the path), removes its
// temporary file and leaves the file at path as it was — what a server needs
// to abandon a background save, as redis-server kills its saving child. ctx
// is checked before each write to the file (the encoder writes in buffered
// chunks) and once more before the rename.
func WriteSnapshotFileContext(ctx context.Context, sn io.WriterTo, path string) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		cw := ctxWriter{ctx: ctx, w: w}
		var err error
		if compressed(path) {
			err = writeZstd(cw, func(w io.Writer) error { _, err := sn.WriteTo(w); return err })
		} else {
			_, err = sn.WriteTo(cw)
		}
		if err != nil {
			return err
		}
		return ctx.Err()
	})
}

// ctxWriter fails every write once its context has ended.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
