package persist

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/embedis/embedis/internal/rdb"
)

// CheckReport is what Check found in a data directory.
type CheckReport struct {
	// Base is the base snapshot's path ("" when the manifest names none)
	// and BaseKeys the number of keys in it.
	Base     string
	BaseKeys int
	// Segments are the log segments, in replay order.
	Segments []SegmentReport
	// Torn reports that the log ends with a torn tail (a record cut off by
	// a crash), which Open drops with a warning; Repaired that Check cut it
	// off the file.
	Torn     bool
	Repaired bool
}

// SegmentReport describes one log segment.
type SegmentReport struct {
	File    string
	Records int   // whole records (units), the seal not counted
	Size    int64 // bytes in the file
	Sealed  bool  // the segment ends with its seal: the log moved on from it
	// TornAt is the offset of the torn tail (where the file is cut when
	// repaired), or -1.
	TornAt int64
}

// Check verifies every file of the data directory dir as Open would read
// it — the manifest, the base snapshot (its CRC-64 and every value) and
// every record of every log segment (lengths, checksums, RESP payloads,
// seals) — without loading the data into a store, like redis-check-aof and
// redis-check-rdb. It locks the directory while it runs, so it fails with
// ErrLocked on a directory a DB has open.
//
// Damage that Open would refuse is returned as the same *CorruptError
// (naming the file, offset and reason), with the report of what was read
// before it. A torn tail of the log is reported (Torn) and, with repair,
// cut off the file (Repaired), as redis-check-aof --fix does; it is never
// an error. Check does not replay the records, so a record that decodes but
// would fail to replay (a command on a database the store does not have) is
// found by Open only.
func Check(dir string, repair bool) (*CheckReport, error) {
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	rep := &CheckReport{}
	m, found, err := readManifest(dir)
	if err != nil {
		return rep, err
	}
	if !found {
		return rep, fmt.Errorf("persist: check %s: no %s: %w", dir, manifestName, os.ErrNotExist)
	}
	if m.base != "" {
		rep.Base = filepath.Join(dir, m.base)
		n, err := checkBaseFile(rep.Base)
		rep.BaseKeys = n
		if err != nil {
			return rep, err
		}
	}
	lastFull := -1
	for i, name := range m.segments {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return rep, fmt.Errorf("persist: log segment named by the manifest: %w", err)
		}
		if st.Size() != segmentHeaderSize {
			lastFull = i
		}
	}
	for i, name := range m.segments {
		path := filepath.Join(dir, name)
		sc, err := scanSegment(path, i < lastFull, func([][]string, int64) error { return nil })
		sr := SegmentReport{File: path, Records: sc.records, Size: sc.size, Sealed: sc.sealed, TornAt: -1}
		if err != nil {
			rep.Segments = append(rep.Segments, sr)
			return rep, err
		}
		if sc.torn {
			sr.TornAt = sc.end
			rep.Torn = true
			if repair {
				if err := truncateSegment(path, sc.end, false); err != nil {
					rep.Segments = append(rep.Segments, sr)
					return rep, err
				}
				rep.Repaired = true
			}
		}
		rep.Segments = append(rep.Segments, sr)
	}
	return rep, nil
}

// checkBaseFile reads a base snapshot through, value by value, and returns
// the number of keys in it.
func checkBaseFile(path string) (keys int, err error) {
	if err := checkBase(path); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("persist: base snapshot named by the manifest: %w", err)
	}
	defer f.Close()
	r, closeDec, err := rdbReader(f)
	if err != nil {
		return 0, fmt.Errorf("persist: base snapshot %s: %w", path, err)
	}
	defer closeDec()
	corrupt := func(err error) error {
		var re *rdb.Error
		if errors.As(err, &re) {
			return &CorruptError{File: path, Offset: re.Offset, Reason: re.Reason, Err: err}
		}
		return fmt.Errorf("persist: base snapshot %s: %w", path, err)
	}
	rd, err := rdb.NewReader(r)
	if err != nil {
		return 0, corrupt(err)
	}
	var ent rdb.Entry
	for {
		err := rd.Next(&ent)
		if err == io.EOF {
			return keys, nil
		}
		if err != nil {
			return keys, corrupt(err)
		}
		keys++
	}
}
