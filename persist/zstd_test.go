package persist

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// zstdTool returns the path of the zstd command line tool, or skips the test
// when it is missing (fails it under CI=true, where it must be installed).
func zstdTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("zstd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the zstd tool is not on PATH, and CI=true: install it (apt-get install zstd)")
		}
		t.Skip("the zstd tool is not on PATH: skipping the check against it (apt-get install zstd)")
	}
	return p
}

// testData is compressible bytes of about n bytes.
func testData(n int) []byte {
	r := rand.New(rand.NewSource(int64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = "abcdefgh"[r.Intn(8)]
	}
	return b
}

// readAllRDB reads the RDB bytes of the file at path through rdbReader.
func readAllRDB(t *testing.T, path string) ([]byte, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, closeDec, err := rdbReader(f)
	if err != nil {
		return nil, err
	}
	defer closeDec()
	return io.ReadAll(r)
}

func TestZstdRoundTripAndDetection(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{0, 1, 3, 4, 1000, 3 << 20} {
		data := testData(n)
		zpath := filepath.Join(dir, "x.zst")
		if err := WriteFileAtomic(zpath, func(w io.Writer) error {
			return writeZstd(w, func(w io.Writer) error { _, err := w.Write(data); return err })
		}); err != nil {
			t.Fatal(err)
		}
		z, _ := os.ReadFile(zpath)
		if !isZstd(z) {
			t.Fatalf("%d bytes: the compressed file does not start with zstd's magic number: % x", n, z[:min(8, len(z))])
		}
		if n >= 1000 && len(z) >= n/2 {
			t.Fatalf("%d compressible bytes compressed to %d", n, len(z))
		}
		// Recognised by its content, whatever the name.
		other := filepath.Join(dir, "dump.rdb")
		os.WriteFile(other, z, 0o644)
		for _, p := range []string{zpath, other} {
			got, err := readAllRDB(t, p)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%d bytes via %s: read %d bytes, %v", n, filepath.Base(p), len(got), err)
			}
		}
		// A plain file passes through, even one named .zst.
		os.WriteFile(zpath, data, 0o644)
		if got, err := readAllRDB(t, zpath); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("plain %d bytes: read %d bytes, %v", n, len(got), err)
		}
	}
}

func TestZstdDamageDetected(t *testing.T) {
	dir := t.TempDir()
	data := testData(200000)
	var buf bytes.Buffer
	if err := writeZstd(&buf, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		t.Fatal(err)
	}
	z := buf.Bytes()
	path := filepath.Join(dir, "d.zst")
	for _, cut := range []int{5, len(z) / 2, len(z) - 1} {
		os.WriteFile(path, z[:cut], 0o644)
		if got, err := readAllRDB(t, path); err == nil {
			t.Fatalf("cut at %d of %d: read %d bytes without an error", cut, len(z), len(got))
		}
	}
	for _, at := range []int{len(z) / 3, len(z) - 2} { // inside a block; inside the checksum
		bad := bytes.Clone(z)
		bad[at] ^= 0x10
		os.WriteFile(path, bad, 0o644)
		if got, err := readAllRDB(t, path); err == nil && bytes.Equal(got, data) {
			t.Fatalf("flip at %d: damage not detected", at)
		} else if err == nil {
			t.Fatalf("flip at %d: read different data without an error", at)
		}
	}
}

func TestIsZstd(t *testing.T) {
	for _, c := range []struct {
		head []byte
		want bool
	}{
		{[]byte{0x28, 0xb5, 0x2f, 0xfd}, true},
		{[]byte{0x50, 0x2a, 0x4d, 0x18}, true}, // skippable frame
		{[]byte{0x5f, 0x2a, 0x4d, 0x18}, true},
		{[]byte("REDIS0010"), false},
		{[]byte{0x28, 0xb5, 0x2f}, false},
		{nil, false},
	} {
		if got := isZstd(c.head); got != c.want {
			t.Errorf("isZstd(% x) = %v", c.head, got)
		}
	}
}

// TestZstdTool checks both directions against the zstd command line tool:
// `zstd -d` restores what we wrote, and we read what it wrote (at its
// default level, its highest, and with a long window).
func TestZstdTool(t *testing.T) {
	tool := zstdTool(t)
	dir := t.TempDir()
	data := testData(1 << 20)
	ours := filepath.Join(dir, "ours.rdb.zst")
	if err := WriteFileAtomic(ours, func(w io.Writer) error {
		return writeZstd(w, func(w io.Writer) error { _, err := w.Write(data); return err })
	}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-q", "-d", "-c", ours).Output()
	if err != nil || !bytes.Equal(out, data) {
		t.Fatalf("zstd -d of our file: %d bytes, %v", len(out), err)
	}
	plain := filepath.Join(dir, "plain.rdb")
	os.WriteFile(plain, data, 0o644)
	for _, args := range [][]string{{}, {"-19"}, {"--long=27"}} {
		theirs := filepath.Join(dir, "theirs.zst")
		cmd := exec.Command(tool, append(append([]string{"-q", "-f"}, args...), plain, "-o", theirs)...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("zstd %v: %v %s", args, err, msg)
		}
		if got, err := readAllRDB(t, theirs); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("reading zstd %v output: %d bytes, %v", args, len(got), err)
		}
	}
}

// TestZstdWindowBounded: a frame whose header asks for a window above 128 MiB
// is refused before the decoder reserves it; 128 MiB itself is accepted.
func TestZstdWindowBounded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.zst")
	for _, c := range []struct {
		windowLog int
		ok        bool
	}{{27, true}, {28, false}, {31, false}} {
		// Magic, a frame header with no content size and a window of
		// 2^windowLog bytes, then one last raw block holding "R".
		frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, byte(c.windowLog-10) << 3, 0x09, 0x00, 0x00, 'R'}
		os.WriteFile(path, frame, 0o644)
		got, err := readAllRDB(t, path)
		if c.ok != (err == nil) || c.ok && string(got) != "R" {
			t.Fatalf("window 2^%d: read %q, %v", c.windowLog, got, err)
		}
		if !c.ok && !errors.Is(err, zstd.ErrWindowSizeExceeded) {
			t.Fatalf("window 2^%d: %v, want zstd.ErrWindowSizeExceeded", c.windowLog, err)
		}
	}
}
