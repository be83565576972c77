package persist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// recordingHandler keeps every line logged through it, and calls onLine
// (if set) for each.
type recordingHandler struct {
	mu     sync.Mutex
	lines  []slog.Record
	onLine func(r slog.Record)
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.lines = append(h.lines, r)
	f := h.onLine
	h.mu.Unlock()
	if f != nil {
		f(r)
	}
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

// find returns the attributes of the lines with message msg.
func (h *recordingHandler) find(msg string) []map[string]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]string
	for _, r := range h.lines {
		if r.Message != msg {
			continue
		}
		m := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			m[a.Key] = a.Value.String()
			return true
		})
		out = append(out, m)
	}
	return out
}

// progressDir makes a directory with a base snapshot of n keys and a log
// of n more single-key units after it.
func progressDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncNo)
	for i := 0; i < n; i++ {
		db.Set(bg, fmt.Sprint("base", i), "v", 0)
	}
	if err := db.Save(bg); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		db.Set(bg, fmt.Sprint("log", i), "v", 0)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func setProgressEvery(t *testing.T, d time.Duration) {
	old := progressEvery
	progressEvery = d
	t.Cleanup(func() { progressEvery = old })
}

// TestLoadAndSaveProgress: with progress lines due at every step, a load
// logs the base snapshot's bytes of its size, the records replayed, and
// its end with the keys; a Save logs its bytes and its end.
func TestLoadAndSaveProgress(t *testing.T) {
	dir := progressDir(t, 500)
	setProgressEvery(t, 0)
	h := &recordingHandler{}
	db, err := Open(dir, Options{AppendOnly: true, Logger: slog.New(h)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rdbLines := h.find("Loading RDB")
	if len(rdbLines) == 0 || rdbLines[len(rdbLines)-1]["bytes"] != rdbLines[len(rdbLines)-1]["total_bytes"] {
		t.Errorf("Loading RDB lines: %v (want the last at the file's size)", rdbLines)
	}
	if d := h.find("Done loading RDB"); len(d) != 1 || d[0]["keys_loaded"] != "500" {
		t.Errorf("Done loading RDB: %v, want keys_loaded 500", d)
	}
	replay := h.find("Replaying the append-only log")
	if len(replay) < 500 || replay[len(replay)-1]["records"] != "500" {
		t.Errorf("%d replay lines, the last %v: want one per record, up to 500", len(replay), replay[len(replay)-1:])
	}
	if d := h.find("DB loaded from disk"); len(d) != 1 || d[0]["keys"] != "1000" || d[0]["records"] != "500" {
		t.Errorf("DB loaded from disk: %v, want keys 1000 and records 500", d)
	}
	if li := db.Loaded(); li.BaseKeys != 500 || li.Records != 500 || li.LogBytes == 0 {
		t.Errorf("Loaded() = %+v, want 500 base keys and 500 records", li)
	}
	if err := db.Save(bg); err != nil {
		t.Fatal(err)
	}
	if s := h.find("Saving RDB"); len(s) == 0 {
		t.Error("no Saving RDB line")
	}
	if d := h.find("DB saved on disk"); len(d) != 1 || d[0]["keys"] != "1000" || d[0]["bytes"] == "0" {
		t.Errorf("DB saved on disk: %v, want keys 1000", d)
	}
}

// TestLoadProgressQuiet: a load shorter than progressEvery logs its end
// only.
func TestLoadProgressQuiet(t *testing.T) {
	dir := progressDir(t, 10)
	setProgressEvery(t, time.Hour)
	h := &recordingHandler{}
	db, err := Open(dir, Options{Logger: slog.New(h)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := len(h.find("Loading RDB")) + len(h.find("Replaying the append-only log")); n != 0 {
		t.Errorf("%d progress lines for a short load", n)
	}
	if len(h.find("DB loaded from disk")) != 1 {
		t.Error("no DB loaded from disk line")
	}
}

// dirFiles reads every file of dir but the lock.
func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range es {
		if e.Name() == lockName {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}

// TestOpenContextCancel cancels loads — before they start, during the base
// snapshot and during the log's replay, with a torn tail waiting to be cut —
// and checks that each returns ctx's error, leaves the directory's files
// as they were and the directory unlocked; then a plain Open loads it.
func TestOpenContextCancel(t *testing.T) {
	dir := progressDir(t, 300)
	// A torn tail on the last segment: the cut would change the file.
	m, _, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	last := filepath.Join(dir, m.segments[len(m.segments)-1])
	f, err := os.OpenFile(last, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{9, 0, 0})
	f.Close()
	before := dirFiles(t, dir)
	setProgressEvery(t, 0)

	for _, at := range []string{"", "Loading RDB", "Replaying the append-only log"} {
		ctx, cancel := context.WithCancel(context.Background())
		h := &recordingHandler{}
		if at == "" {
			cancel()
		} else {
			h.onLine = func(r slog.Record) {
				if r.Message == at {
					cancel()
				}
			}
		}
		db, err := OpenContext(ctx, dir, Options{AppendOnly: true, Logger: slog.New(h)})
		cancel()
		if !errors.Is(err, context.Canceled) || db != nil {
			t.Fatalf("cancelled at %q: %v, %v; want context.Canceled and no DB", at, db, err)
		}
		after := dirFiles(t, dir)
		if len(after) != len(before) {
			t.Errorf("cancelled at %q: files %d, before %d", at, len(after), len(before))
		}
		for name, b := range before {
			if !bytes.Equal(after[name], b) {
				t.Errorf("cancelled at %q: %s changed", at, name)
			}
		}
	}
	db, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.DBSize(bg); n != 600 {
		t.Errorf("%d keys after the cancelled loads, want 600", n)
	}
}
