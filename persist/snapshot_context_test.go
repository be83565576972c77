package persist

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

// TestWriteSnapshotFileContext: with a live context it writes what
// WriteSnapshotFile writes; with an ended one it fails with the context's
// error and leaves the old file and no temporary file.
func TestWriteSnapshotFileContext(t *testing.T) {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fill(storeDoer(t, s))
	sn, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dump.rdb", "dump.rdb.zst"} {
		dir := t.TempDir()
		path, want := filepath.Join(dir, name), filepath.Join(dir, "want-"+name)
		if err := WriteSnapshotFile(sn, want); err != nil {
			t.Fatal(err)
		}
		if err := WriteSnapshotFileContext(context.Background(), sn, path); err != nil {
			t.Fatal(err)
		}
		// The same file but for the AUX fields ctime and used-mem: the
		// same size, and the same data once opened.
		got, _ := os.ReadFile(path)
		w, _ := os.ReadFile(want)
		if len(got) != len(w) && !strings.HasSuffix(name, ".zst") {
			t.Errorf("%s: WriteSnapshotFileContext wrote %d bytes, WriteSnapshotFile %d", name, len(got), len(w))
		}
		keys := func(p string) (out []string) {
			st, err := OpenSnapshot(p, embedis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			stats, _ := st.Stats(context.Background())
			for _, d := range stats.Databases {
				out = append(out, fmt.Sprintf("%d keys, %d expires", d.Keys, d.Expires))
			}
			return out
		}
		if g, w := keys(path), keys(want); fmt.Sprint(g) != fmt.Sprint(w) {
			t.Errorf("%s: opened, %v, want %v", name, g, w)
		}
		os.Remove(want)
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := WriteSnapshotFileContext(ctx, sn, path); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with an ended context: %v, want context.Canceled", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("%s: the old file changed under a cancelled write", name)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("%s: the directory holds %v after a cancelled write", name, entries)
		}
	}
}
