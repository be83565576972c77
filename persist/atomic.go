package persist

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFileAtomic replaces the file at path with what write writes, so that
// path always names either the complete old file or the complete new one,
// also across a crash or power loss:
//
//  1. a temporary file is created in the same directory (named
//     ".<name>.tmp-<random>", so that the rename below stays inside one file
//     system);
//  2. write writes the contents to it, through a 64 KiB buffer;
//  3. the file is flushed, fsynced and closed;
//  4. it is renamed over path, atomically;
//  5. the directory is fsynced, so that the rename itself is durable.
//
// When write or any of the first four steps fails (or write panics), the
// temporary file is removed, the old file at path is untouched, and the error
// (wrapped, naming the path) is returned. An error from step 5 is returned
// too, but by then path already names the new file.
//
// A new file gets the permissions os.Create gives (0666 less the umask); a
// file that replaces one keeps the old file's permission bits. The directory
// must exist. A symbolic link at path is replaced by the new file, not
// followed (as redis-server replaces its dump.rdb). write must not retain w
// after it returns.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if name == "" {
		return fmt.Errorf("persist: write %q: not a file name", path)
	}
	f, tmp, err := createTemp(dir, name)
	if err != nil {
		return fmt.Errorf("persist: write %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done { // an error, or a panic in write
			f.Close()
			os.Remove(tmp)
		}
	}()
	if old, err := os.Stat(path); err == nil && old.Mode().IsRegular() {
		if err := f.Chmod(old.Mode().Perm()); err != nil {
			return fmt.Errorf("persist: write %s: %w", path, err)
		}
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return fmt.Errorf("persist: write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("persist: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("persist: write %s: fsync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("persist: write %s: %w", path, err)
	}
	if renameHook != nil {
		renameHook(path, false)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		done = true
		return fmt.Errorf("persist: write %s: %w", path, err)
	}
	done = true
	if renameHook != nil {
		renameHook(path, true)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("persist: write %s: fsync directory: %w", path, err)
	}
	return nil
}

// renameHook, when not nil, is called by WriteFileAtomic just before its
// rename (renamed false) and just after it, before the directory is fsynced
// (renamed true). The crash test's writer widens that window with it so that
// its kills land there; it is nil otherwise.
var renameHook func(path string, renamed bool)

// createTemp creates a new file next to name in dir, as os.Create would
// (mode 0666 before the umask; os.CreateTemp would give 0600), failing rather
// than opening a file that already exists.
func createTemp(dir, name string) (*os.File, string, error) {
	var b [8]byte
	for range 100 {
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		tmp := filepath.Join(dir, "."+name+".tmp-"+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", errors.New("could not find an unused temporary file name")
}

// syncDir fsyncs a directory, making a rename in it durable. Windows cannot
// open a directory for syncing (and its renames are durable without it).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
