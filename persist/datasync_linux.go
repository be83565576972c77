package persist

import (
	"os"
	"syscall"
)

// dataSyncFile is a segment file whose Sync is fdatasync(2), as
// redis-server's AOF fsync is on Linux: the data and the metadata needed to
// read it back (the file's size) reach the disk, the modification time does
// not wait for it.
type dataSyncFile struct{ *os.File }

func (f dataSyncFile) Sync() error {
	rc, err := f.File.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return &os.PathError{Op: "fdatasync", Path: f.Name(), Err: serr}
	}
	return nil
}

func segmentOf(f *os.File) segmentFile { return dataSyncFile{f} }
