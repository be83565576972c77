package persist

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func TestWriteFileAtomicCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	if err := WriteFileAtomic(path, writeString("first")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("content %q", b)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("0123456789", 100000) // more than the write buffer
	if err := WriteFileAtomic(path, writeString(big)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != big {
		t.Fatalf("content of %d bytes, want %d", len(b), len(big))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v after a replace, want the old file's 0640", fi.Mode().Perm())
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only dump.rdb", names)
	}
}

func TestWriteFileAtomicRelativePath(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if err := WriteFileAtomic("dump.rdb", writeString("x")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile("dump.rdb"); string(b) != "x" {
		t.Fatalf("content %q", b)
	}
}

// TestWriteFileAtomicFailures injects a failure at each point that can fail
// without special privileges and checks that the old file is untouched and
// no temporary file is left behind.
func TestWriteFileAtomicFailures(t *testing.T) {
	errWrite := errors.New("disk on fire")
	cases := []struct {
		name  string
		path  func(dir string) string
		write func(io.Writer) error
		is    error
		text  string // in the error, when is is nil
	}{
		{"write fails at once", func(d string) string { return filepath.Join(d, "dump.rdb") },
			func(io.Writer) error { return errWrite }, errWrite, ""},
		{"write fails after writing more than the buffer", func(d string) string { return filepath.Join(d, "dump.rdb") },
			func(w io.Writer) error {
				w.Write(make([]byte, 1<<20))
				return errWrite
			}, errWrite, ""},
		{"directory missing", func(d string) string { return filepath.Join(d, "missing", "dump.rdb") },
			writeString("new"), os.ErrNotExist, ""},
		{"rename over a directory", func(d string) string {
			p := filepath.Join(d, "isdir")
			os.MkdirAll(filepath.Join(p, "inside"), 0o755)
			return p
		}, writeString("new"), nil, "rename "},
		{"no file name", func(d string) string { return d + string(filepath.Separator) },
			writeString("new"), nil, "not a file name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			old := filepath.Join(dir, "dump.rdb")
			if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			path := c.path(dir)
			before := entries(t, dir)
			err := WriteFileAtomic(path, c.write)
			if err == nil {
				t.Fatal("no error")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Fatalf("error %v, want one matching %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.text) {
				t.Fatalf("error %q, want one containing %q", err, c.text)
			}
			if !strings.HasPrefix(err.Error(), "persist: write ") {
				t.Fatalf("error %q does not say what failed", err)
			}
			if b, _ := os.ReadFile(old); string(b) != "old" {
				t.Fatalf("old file now holds %q", b)
			}
			if after := entries(t, dir); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Fatalf("directory was %v, now %v", before, after)
			}
		})
	}
}

func TestWriteFileAtomicPanicRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	os.WriteFile(path, []byte("old"), 0o644)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic did not propagate")
			}
		}()
		WriteFileAtomic(path, func(w io.Writer) error {
			w.Write([]byte("partial"))
			panic("boom")
		})
	}()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("old file now holds %q", b)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only dump.rdb", names)
	}
}
