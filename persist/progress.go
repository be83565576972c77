package persist

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/embedis/embedis"
)

// progressEvery is the least time between two progress lines of one long
// load or save; tests shorten it.
var progressEvery = 2 * time.Second

// progress reports a long load or save through a logger, at most once
// every progressEvery: the bytes (and, where known, keys or records) done,
// of how many, and the rate. A load or save shorter than progressEvery
// logs no progress line, only its end (see the callers).
type progress struct {
	logger *slog.Logger
	msg    string // "Loading RDB", "Replaying the append-only log", "Saving RDB"
	file   string
	total  int64 // bytes expected; 0: unknown
	start  time.Time
	last   time.Time
	bytes  int64
	items  int64
	unit   string // "keys" or "records": what items counts
}

func newProgress(logger *slog.Logger, msg, file string, total int64, unit string) *progress {
	now := time.Now()
	return &progress{logger: logger, msg: msg, file: file, total: total, start: now, last: now, unit: unit}
}

// add counts bytes and items done and logs a line if progressEvery has
// passed since the last one.
func (p *progress) add(bytes, items int64) {
	p.bytes += bytes
	p.items += items
	now := time.Now()
	if now.Sub(p.last) < progressEvery {
		return
	}
	p.last = now
	p.logger.Info(p.msg, p.attrs(now)...)
}

// attrs are the line's attributes: file, bytes done (of total, percent),
// items done, elapsed seconds and the rate in MB/s and items/s.
func (p *progress) attrs(now time.Time) []any {
	secs := now.Sub(p.start).Seconds()
	a := []any{"file", p.file, "bytes", p.bytes}
	if p.total > 0 {
		a = append(a, "total_bytes", p.total, "percent", fmt.Sprintf("%.1f", 100*float64(p.bytes)/float64(p.total)))
	}
	if p.unit != "" {
		a = append(a, p.unit, p.items)
	}
	a = append(a, "seconds", fmt.Sprintf("%.3f", secs))
	if secs > 0 {
		a = append(a, "mb_per_sec", fmt.Sprintf("%.1f", float64(p.bytes)/secs/1e6))
		if p.unit != "" {
			a = append(a, p.unit+"_per_sec", int64(float64(p.items)/secs))
		}
	}
	return a
}

// loadReader reads a file being loaded: it counts the bytes into a
// progress and fails with ctx's error once ctx ends, so that a long load
// can be cancelled between two reads.
type loadReader struct {
	ctx context.Context
	r   io.Reader
	p   *progress
}

func (lr *loadReader) Read(b []byte) (int, error) {
	if err := lr.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := lr.r.Read(b)
	lr.p.add(int64(n), 0)
	return n, err
}

// saveWriter counts the bytes written of a snapshot being saved into a
// progress.
type saveWriter struct {
	w io.Writer
	p *progress
}

func (sw *saveWriter) Write(b []byte) (int, error) {
	n, err := sw.w.Write(b)
	sw.p.add(int64(n), 0)
	return n, err
}

// OpenSnapshotContext is OpenSnapshot for a long load: it stops when ctx
// ends (between two reads of the file; the error is then ctx's and no
// store is left) and, with a logger, reports its progress at most every 2
// seconds ("Loading RDB": the file, the bytes read of its size, the rate),
// as redis-server shows its loading. A nil logger logs nothing.
func OpenSnapshotContext(ctx context.Context, path string, opts embedis.Options, logger *slog.Logger) (*embedis.Store, error) {
	if logger == nil {
		logger = slog.New(discardHandler{})
	}
	return openSnapshotLogged(ctx, path, opts, logger)
}

// discardHandler drops every line.
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (h discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h discardHandler) WithGroup(string) slog.Handler           { return h }

// openSnapshotLogged is OpenSnapshotContext with a logger.
func openSnapshotLogged(ctx context.Context, path string, opts embedis.Options, logger *slog.Logger) (*embedis.Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("persist: open snapshot: %w", err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	p := newProgress(logger, "Loading RDB", path, size, "")
	r, closeDec, err := rdbReader(&loadReader{ctx: ctx, r: f, p: p})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("persist: open snapshot %s: %w", path, err)
	}
	defer closeDec()
	s, err := embedis.OpenSnapshot(r, opts)
	if ctx.Err() != nil {
		if s != nil {
			s.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("persist: open snapshot %s: %w", path, err)
	}
	return s, nil
}

// writeSnapshotLogged is WriteSnapshotFile logging the progress of a long
// write (the keys are known at the end only: sn.Keys in the last line).
func writeSnapshotLogged(sn *embedis.Snapshot, path string, logger *slog.Logger) error {
	p := newProgress(logger, "Saving RDB", path, 0, "")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		sw := &saveWriter{w: w, p: p}
		if compressed(path) {
			return writeZstd(sw, func(w io.Writer) error { _, err := sn.WriteTo(w); return err })
		}
		_, err := sn.WriteTo(sw)
		return err
	})
	if err == nil {
		logger.Info("DB saved on disk", append(p.attrs(time.Now()), "keys", sn.Keys())...)
	}
	return err
}
