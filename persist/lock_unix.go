//go:build unix

package persist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive flock on dir's lock file, failing at once with
// ErrLocked when another open file description holds it: another process,
// or another DB in this one. The kernel drops the lock when the process
// dies, so a crash never leaves a stale lock.
func lockDir(dir string) (unlock func() error, err error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("persist: lock %s: %w", dir, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("persist: open %s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("persist: lock %s: %w", dir, err)
	}
	return f.Close, nil // closing the file releases the lock
}
