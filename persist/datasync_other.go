//go:build !linux

package persist

import "os"

// segmentOf returns f as a segment file: Sync is the platform's fsync.
func segmentOf(f *os.File) segmentFile { return f }
