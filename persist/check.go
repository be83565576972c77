package persist

import "path/filepath"

// This file is what embedis-check (cmd/embedis-check) reads a data
// directory's log with: the same scan Open loads it with, without a store.

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

// TruncateTornTail cuts the torn tail of dir's log off its segment,
// durably, as Open does with AppendOnly, and returns that segment as it was
// before (cut false when there was no torn tail). It takes the directory's
// lock (ErrLocked while a process has it open) and checks the whole log
// first: when anything else in it is damaged it returns that
// *CorruptError and changes nothing. The base snapshot is not read.
func TruncateTornTail(dir string) (seg SegmentInfo, cut bool, err error) {
	unlock, err := lockDir(dir)
	if err != nil {
		return seg, false, err
	}
	defer unlock()
	info, err := CheckLog(dir)
	if err != nil {
		return seg, false, err
	}
	for _, s := range info.Segments {
		if s.Torn == "" {
			continue
		}
		if err := truncateSegment(s.File, s.End, false); err != nil {
			return s, false, err
		}
		return s, true, nil
	}
	return seg, false, nil
}
