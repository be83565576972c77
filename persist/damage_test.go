package persist

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// countingHandler counts the warnings logged through it.
type countingHandler struct{ warnings atomic.Int64 }

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		h.warnings.Add(1)
	}
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

var damageStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// The small directory of the damage tests: a base snapshot, a sealed
// segment and a last segment, each segment's units spanning two databases,
// with a deadline.
var (
	seg1Units = [][][]string{
		{{"SET", "a", "1"}},
		{{"SELECT", "1"}, {"SET", "b", "2"}, {"PEXPIREAT", "b", strconv.FormatInt(damageStart.Add(time.Hour).UnixMilli(), 10)}},
		{{"RPUSH", "l", "x", "y"}},
	}
	seg2Units = [][][]string{
		{{"SELECT", "1"}, {"HSET", "h", "f", "v"}},
		{{"SELECT", "0"}, {"INCR", "a"}},
		{{"SADD", "s", "m1", "m2"}, {"ZADD", "z", "2.5", "q"}},
	}
)

func segmentBytes(units [][][]string, seal bool) (data []byte, ends []int) {
	data = segmentHeader()
	for _, u := range units {
		data = appendRecord(data, u)
		ends = append(ends, len(data))
	}
	if seal {
		data = append(data, sealRecord...)
	}
	return data, ends
}

// damageDir writes the small directory into dir and returns its files'
// contents by name, and the offsets where seg2's records end.
func damageDir(t *testing.T, dir string) (files map[string][]byte, seg2Ends []int) {
	t.Helper()
	s, err := embedis.Open(embedis.Options{Clock: embedis.NewManualClock(damageStart)})
	if err != nil {
		t.Fatal(err)
	}
	s.Set(bg, "base", "v", 0)
	s.DB(2).SAdd(bg, "bs", "1", "2", "3")
	if err := SaveSnapshot(bg, s, filepath.Join(dir, "base.1.rdb")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	seg1, _ := segmentBytes(seg1Units, true)
	seg2, ends := segmentBytes(seg2Units, false)
	files = map[string][]byte{"log.1.seg": seg1, "log.2.seg": seg2}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeManifest(dir, &manifest{seq: 2, base: "base.1.rdb", segments: []string{"log.1.seg", "log.2.seg"}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"base.1.rdb", manifestName} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	return files, ends
}

// damageWants returns the keyspace after the base, seg1 and the first j
// records of seg2, for j = 0..len(seg2Units), built with Apply.
func damageWants(t *testing.T, dir string) []map[string]string {
	var out []map[string]string
	for j := 0; j <= len(seg2Units); j++ {
		s, err := OpenSnapshot(filepath.Join(dir, "base.1.rdb"), embedis.Options{Clock: embedis.NewManualClock(damageStart)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(bg, seg1Units...); err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(bg, seg2Units[:j]...); err != nil {
			t.Fatal(err)
		}
		out = append(out, keyspaceOf(t, s, 16))
		s.Close()
	}
	return out
}

// openDamaged writes files (one of them damaged) into a fresh directory and
// opens it, without the log (so the directory is not repaired) unless
// appendOnly.
func openDamaged(t *testing.T, dir string, files map[string][]byte, appendOnly bool) (db *DB, warnings int64, err error) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.Remove(filepath.Join(dir, e.Name()))
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := &countingHandler{}
	db, err = Open(dir, Options{AppendOnly: appendOnly, AppendFsync: FsyncNo, Logger: slog.New(h),
		Store: embedis.Options{Clock: embedis.NewManualClock(damageStart)}})
	return db, h.warnings.Load(), err
}

func withFile(files map[string][]byte, name string, b []byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range files {
		out[k] = v
	}
	out[name] = b
	return out
}

// checkRefused checks that err is a precise refusal: it names the damaged
// file and, for our own files, is a *CorruptError at or before the damage.
func checkRefused(t *testing.T, what string, err error, dir, name string, at int) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: opened", what)
	}
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("%s: %v is not a *CorruptError", what, err)
	}
	if ce.File != filepath.Join(dir, name) {
		t.Fatalf("%s: error names %s, want %s (%v)", what, ce.File, name, err)
	}
	if name != "base.1.rdb" && name != manifestName && ce.Offset > int64(at) {
		t.Fatalf("%s: error at byte %d, after the damage at %d (%v)", what, ce.Offset, at, err)
	}
}

// TestTruncationAtEveryOffset cuts each file of a small directory at every
// byte offset: a cut of the last segment past its header loads the records
// before the cut (with a warning when a record was cut in two), and with
// AppendOnly truncates the segment so that it reopens cleanly; every other
// cut refuses to open, naming the file.
func TestTruncationAtEveryOffset(t *testing.T) {
	src := t.TempDir()
	files, ends := damageDir(t, src)
	wants := damageWants(t, src)
	cases := 0
	dir := t.TempDir()
	for name, full := range files {
		for k := 0; k < len(full); k++ {
			cases++
			what := name + " cut at " + strconv.Itoa(k)
			damaged := withFile(files, name, full[:k])
			appendOnly := k%2 == 0
			db, warnings, err := openDamaged(t, dir, damaged, appendOnly)
			if name != "log.2.seg" || k < segmentHeaderSize {
				checkRefused(t, what, err, dir, name, k)
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			j := 0
			for j < len(ends) && ends[j] <= k {
				j++
			}
			boundary := k == segmentHeaderSize || (j > 0 && ends[j-1] == k)
			if wantWarn := !boundary; (warnings > 0) != wantWarn {
				t.Errorf("%s: %d warnings, want a warning: %v", what, warnings, wantWarn)
			}
			sameKeyspace(t, what, wants[j], keyspaceOf(t, db.Store, 16))
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			if appendOnly {
				// Repaired: it reopens without a warning, and goes on.
				h := &countingHandler{}
				db, err := Open(dir, Options{AppendOnly: true, Logger: slog.New(h), Store: embedis.Options{Clock: embedis.NewManualClock(damageStart)}})
				if err != nil {
					t.Fatalf("%s, reopened: %v", what, err)
				}
				if h.warnings.Load() != 0 {
					t.Errorf("%s: reopening a repaired directory warned", what)
				}
				sameKeyspace(t, what+", reopened", wants[j], keyspaceOf(t, db.Store, 16))
				db.Close()
			}
		}
	}
	t.Logf("%d cuts", cases)
}

// TestBitFlipAnywhere flips every bit of every file of the small directory
// in turn: each flip refuses to open, naming the file and (for the log and
// the manifest) an offset at or before the flipped byte. None loads a
// wrong value, none panics.
func TestBitFlipAnywhere(t *testing.T) {
	files, _ := damageDir(t, t.TempDir())
	cases := 0
	dir := t.TempDir()
	for name, full := range files {
		for i := 0; i < len(full); i++ {
			if testing.Short() && name == "base.1.rdb" && i%8 != 0 {
				continue // the RDB reader's own tests flip every bit of snapshots
			}
			for bit := 0; bit < 8; bit++ {
				cases++
				b := append([]byte(nil), full...)
				b[i] ^= 1 << bit
				db, _, err := openDamaged(t, dir, withFile(files, name, b), false)
				if err == nil {
					db.Close()
				}
				// Check finds the same damage, without loading.
				if _, cerr := Check(dir, true); cerr == nil || err == nil || cerr.Error() != err.Error() {
					t.Fatalf("%s byte %d bit %d: Check: %v; Open: %v", name, i, bit, cerr, err)
				}
				checkRefused(t, name+" byte "+strconv.Itoa(i)+" bit "+strconv.Itoa(bit), err, dir, name, i)
			}
		}
	}
	t.Logf("%d flips", cases)
}

// TestCheck checks the report of an intact directory, a torn tail found and
// repaired, and the refusal of a directory in use.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	files, ends := damageDir(t, dir)
	rep, err := Check(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.BaseKeys != 2 || len(rep.Segments) != 2 || rep.Torn ||
		rep.Segments[0].Records != 3 || !rep.Segments[0].Sealed ||
		rep.Segments[1].Records != 3 || rep.Segments[1].Sealed || rep.Segments[1].TornAt != -1 {
		t.Fatalf("intact directory: %+v", rep)
	}

	cut := ends[1] + 5
	seg2 := filepath.Join(dir, "log.2.seg")
	if err := os.WriteFile(seg2, files["log.2.seg"][:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = Check(dir, false)
	if err != nil || !rep.Torn || rep.Repaired || rep.Segments[1].TornAt != int64(ends[1]) || rep.Segments[1].Records != 2 {
		t.Fatalf("torn tail: %+v, %v", rep, err)
	}
	if st, _ := os.Stat(seg2); st.Size() != int64(cut) {
		t.Fatal("Check without repair changed the file")
	}
	rep, err = Check(dir, true)
	if err != nil || !rep.Repaired {
		t.Fatalf("repair: %+v, %v", rep, err)
	}
	if st, _ := os.Stat(seg2); st.Size() != int64(ends[1]) {
		t.Fatalf("repaired to %d bytes, want %d", st.Size(), ends[1])
	}
	h := &countingHandler{}
	db, err := Open(dir, Options{Logger: slog.New(h), Store: embedis.Options{Clock: embedis.NewManualClock(damageStart)}})
	if err != nil {
		t.Fatal(err)
	}
	if h.warnings.Load() != 0 {
		t.Error("Open warned after the repair")
	}
	if _, err := Check(dir, false); !errors.Is(err, ErrLocked) {
		t.Errorf("Check of an open directory: %v, want ErrLocked", err)
	}
	db.Close()
}

// TestZeroedTailAtEveryOffset turns the last segment into zeros from every
// byte offset past its header to its end, the file keeping its size — what
// a power loss leaves when a file system made the file's size durable but
// not the blocks written last: each loads the records wholly before the
// zeros, with a warning, and a segment that is not the last refuses.
func TestZeroedTailAtEveryOffset(t *testing.T) {
	src := t.TempDir()
	files, ends := damageDir(t, src)
	wants := damageWants(t, src)
	dir := t.TempDir()
	cases := 0
	for _, name := range []string{"log.1.seg", "log.2.seg"} {
		full := files[name]
		for k := segmentHeaderSize; k < len(full); k++ {
			cases++
			what := name + " zeroed from " + strconv.Itoa(k)
			b := append([]byte(nil), full...)
			clear(b[k:])
			db, warnings, err := openDamaged(t, dir, withFile(files, name, b), false)
			if name == "log.1.seg" {
				checkRefused(t, what, err, dir, name, k)
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			j := 0
			for j < len(ends) && ends[j] <= k {
				j++
			}
			if warnings == 0 {
				t.Errorf("%s: no warning for the torn tail", what)
			}
			sameKeyspace(t, what, wants[j], keyspaceOf(t, db.Store, 16))
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d zeroed tails", cases)
}
