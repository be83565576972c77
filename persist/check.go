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
// cut off the file (Repaired), as redis-check-aof --fix does, once the
// whole directory has been read and found sound otherwise; it is never an
// error. CheckLog, which Check uses for the log, reads without the lock and
// reports more of each segment. Check does not replay the records, so a record that decodes but
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
	info, err := CheckLog(dir)
	if info != nil {
		for _, s := range info.Segments {
			if s.Unread {
				continue
			}
			sr := SegmentReport{File: s.File, Records: s.Records, Size: s.Size, Sealed: s.Sealed, TornAt: -1}
			if s.Torn != "" {
				sr.TornAt = s.End
				rep.Torn = true
			}
			rep.Segments = append(rep.Segments, sr)
		}
	}
	if err != nil {
		return rep, err
	}
	// Only once everything has been read: a torn tail is cut off only from
	// a directory with no other damage.
	if rep.Torn && repair {
		for _, s := range rep.Segments {
			if s.TornAt >= 0 {
				if err := truncateSegment(s.File, s.TornAt, false); err != nil {
					return rep, err
				}
				rep.Repaired = true
			}
		}
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
	// Libraries of functions are read (their records checked); their code
	// is run when the store loads the file.
	rd.OnFunction = func(string) error { return nil }
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

// CheckLog and CheckSegment read a data directory's log with the same scan
// Open loads it with, without a store and without the lock: Check builds on
// CheckLog, and cmd/embedis-check uses both.

// LogInfo describes a data directory's log as Open would read it.
type LogInfo struct {
	// Manifest is false for a directory without a manifest: Open starts it
	// empty, and there is nothing else to check.
	Manifest bool
	// Base is the path of the base snapshot the manifest names, "" for
	// none. CheckLog does not read it: check it as an RDB file.
	Base string
	// Segments are the log segments the manifest names, oldest first.
	Segments []SegmentInfo
}

// SegmentInfo is what was found in one log segment.
type SegmentInfo struct {
	File     string // its path
	Size     int64  // bytes
	Records  int    // whole records (units), the seal not counted
	Commands int    // commands in those records
	// End is the offset after the last whole record (or the seal).
	End int64
	// Sealed: the segment ends with its seal, written when the log moved
	// on to the next segment.
	Sealed bool
	// Torn, when not empty, says why the bytes from End to Size are a torn
	// tail (a record cut off by a crash): Open drops them with a warning,
	// and cuts them off with AppendOnly. Only the last segment holding
	// records may have one.
	Torn string
	// Unread: the segment was not read, because an earlier one is damaged.
	Unread bool
}

// CheckLog reads dir's manifest and every log segment it names as Open
// does — each record's length check, checksum and payload, the seal that
// must end every segment before the last one holding records — without
// reading the base snapshot or replaying anything, and without taking the
// directory's lock: while a process has the directory open, the record it
// is writing may look torn. The first damage is returned as a
// *CorruptError naming the file, offset and reason, with the LogInfo read
// up to it (the segments after it marked Unread); other errors (a file
// that cannot be read) come with a nil LogInfo.
func CheckLog(dir string) (*LogInfo, error) {
	m, found, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	info := &LogInfo{Manifest: found}
	if !found {
		return info, nil
	}
	if m.base != "" {
		info.Base = filepath.Join(dir, m.base)
	}
	for _, name := range m.segments {
		info.Segments = append(info.Segments, SegmentInfo{File: filepath.Join(dir, name), Unread: true})
	}
	lastFull, err := lastWithRecords(dir, m.segments)
	if err != nil {
		return nil, err
	}
	for i := range info.Segments {
		seg := &info.Segments[i]
		if err := scanInto(seg, i < lastFull); err != nil {
			return info, err
		}
	}
	return info, nil
}

// CheckSegment reads one segment file as the last segment of a log (a torn
// tail allowed), as CheckLog does. Damage is a *CorruptError, with the
// SegmentInfo read up to it.
func CheckSegment(path string) (SegmentInfo, error) {
	seg := SegmentInfo{File: path}
	err := scanInto(&seg, false)
	return seg, err
}

func scanInto(seg *SegmentInfo, needSeal bool) error {
	sc, err := scanSegment(seg.File, needSeal, func(unit [][]string, off int64) error {
		seg.Commands += len(unit)
		return nil
	})
	seg.Unread = false
	seg.Size, seg.Records, seg.End, seg.Sealed = sc.size, sc.records, sc.end, sc.sealed
	if sc.torn {
		seg.Torn = sc.tornWhy
	}
	return err
}
