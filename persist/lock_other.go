//go:build !unix

package persist

import (
	"errors"
	"fmt"
	"runtime"
)

// errLockUnsupported is returned by Open where lockDir has no
// implementation: without a lock two processes could open one directory and
// interleave their logs, so Open refuses rather than risk it.
var errLockUnsupported = errors.New("persist: data directory locking is not supported on " + runtime.GOOS)

func lockDir(dir string) (unlock func() error, err error) {
	return nil, fmt.Errorf("persist: open %s: %w", dir, errLockUnsupported)
}
