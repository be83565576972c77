package persist

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

// A segment is one file of the append-only log: a 16-byte header, then
// records (see record.go) up to the end of the file.
//
//	magic    8 bytes "EMBDSLOG"
//	version  uint16, little endian: 1
//	reserved uint16: 0
//	check    uint32, little endian: CRC-32C of the 12 bytes before it
//
// A segment is created with its header and fsynced before the manifest
// names it, so a segment named by a manifest always has a whole header.

const (
	segmentMagic      = "EMBDSLOG"
	segmentVersion    = 1
	segmentHeaderSize = 16
)

func segmentHeader() []byte {
	h := make([]byte, segmentHeaderSize)
	copy(h, segmentMagic)
	binary.LittleEndian.PutUint16(h[8:], segmentVersion)
	binary.LittleEndian.PutUint32(h[12:], crc32.Checksum(h[:12], castagnoli))
	return h
}

// segmentScan is the outcome of reading one segment.
type segmentScan struct {
	records int   // records replayed (the seal not counted)
	end     int64 // offset after the last whole record
	sealed  bool  // the segment ends with its seal
	torn    bool  // a torn tail follows end (only when allowed)
	tornWhy string
	size    int64
	db      int // database the stream has selected after the last record
}

// scanSegment reads the segment at path and calls fn with each record's
// unit and offset, in order. A segment followed by a segment holding records
// (needSeal) must end with its seal; a segment that is not (the last one
// holding records) may end with a torn tail instead — a record cut off by
// the end of the file (header or payload), or a tail of zero bytes — which
// ends the scan with torn set instead of an error. A record whose bytes
// turn to zeros at some point, with only zeros after it to the end of the
// file, is torn too: a power loss leaves that (a file's size made durable
// before the blocks written at its end), while a payload always ends with
// "\r\n", so no damage of a whole record looks like it. Any other damage, and an
// error of fn, stops it with a *CorruptError naming the file and offset.
func scanSegment(path string, needSeal bool, fn func(unit [][]string, off int64) error) (sc segmentScan, err error) {
	f, err := os.Open(path)
	if err != nil {
		return sc, fmt.Errorf("persist: open log segment: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return sc, fmt.Errorf("persist: open log segment: %w", err)
	}
	sc.size = st.Size()
	r := bufio.NewReaderSize(f, int(min(sc.size, 1<<20)))
	corrupt := func(off int64, reason string) error {
		return &CorruptError{File: path, Offset: off, Reason: reason}
	}
	hdr := make([]byte, segmentHeaderSize)
	if _, err := io.ReadFull(r, hdr); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return sc, corrupt(0, "segment header cut short")
		}
		return sc, fmt.Errorf("persist: read %s: %w", path, err)
	}
	switch {
	case string(hdr[:8]) != segmentMagic:
		return sc, corrupt(0, "not a log segment (bad magic)")
	case crc32.Checksum(hdr[:12], castagnoli) != binary.LittleEndian.Uint32(hdr[12:]):
		return sc, corrupt(0, "segment header check mismatch")
	case binary.LittleEndian.Uint16(hdr[8:]) != segmentVersion:
		return sc, corrupt(8, fmt.Sprintf("segment version %d, this release reads %d", binary.LittleEndian.Uint16(hdr[8:]), segmentVersion))
	}
	off := int64(segmentHeaderSize)
	sc.end = off
	var rh [recordHeaderSize]byte
	var payload []byte
	// torn ends the scan at off with a torn tail, if allowed.
	torn := func(why string) (segmentScan, error) {
		if needSeal {
			return sc, corrupt(off, why+" in a segment that is not the last")
		}
		sc.torn, sc.tornWhy = true, why
		return sc, nil
	}
	for off < sc.size {
		if sc.sealed {
			return sc, corrupt(off, "data after the segment's end record")
		}
		remaining := sc.size - off
		if remaining < recordHeaderSize {
			if zeroTail(r) {
				return torn("tail of zero bytes")
			}
			return torn("record header cut short")
		}
		if _, err := io.ReadFull(r, rh[:]); err != nil {
			return sc, fmt.Errorf("persist: read %s: %w", path, err)
		}
		h, reason := parseRecordHeader(rh[:])
		if reason != "" {
			// Zeros from inside the header to the end of the file: the
			// header was being written when the power went (a file
			// system may show the blocks it had not written as zeros).
			if rh[recordHeaderSize-1] == 0 && zeroTail(r) {
				return torn("tail of zero bytes")
			}
			return sc, corrupt(off, reason)
		}
		if int64(h.length) > remaining-recordHeaderSize {
			return torn("record cut short")
		}
		if cap(payload) < int(h.length) {
			payload = make([]byte, h.length)
		}
		payload = payload[:h.length]
		if _, err := io.ReadFull(r, payload); err != nil {
			return sc, fmt.Errorf("persist: read %s: %w", path, err)
		}
		if crc32.Checksum(payload, castagnoli) != h.check {
			// A payload ends with "\r\n": one that ends with zeros, with
			// nothing but zeros after it, was cut short by a power loss
			// (its last blocks not written, shown as zeros), not damaged.
			if payload[len(payload)-1] == 0 && zeroTail(r) {
				return torn("record cut short by a tail of zero bytes")
			}
			return sc, corrupt(off, "record checksum mismatch")
		}
		unit, at, reason := decodeUnit(payload)
		if reason != "" {
			return sc, corrupt(off+recordHeaderSize+int64(at), reason)
		}
		if isSeal(unit) {
			sc.sealed = true
			off += recordHeaderSize + int64(h.length)
			sc.end = off
			continue
		}
		if err := fn(unit, off); err != nil {
			return sc, &CorruptError{File: path, Offset: off, Reason: "replay: " + err.Error()}
		}
		for _, cmd := range unit {
			if isSelect(cmd) {
				sc.db = selectedDB(cmd)
			}
		}
		off += recordHeaderSize + int64(h.length)
		sc.end = off
		sc.records++
	}
	if needSeal && !sc.sealed {
		return sc, corrupt(off, "segment ends without its end record, and a later segment holds records (records lost)")
	}
	return sc, nil
}

// zeroTail reports whether everything left in r is zero bytes.
func zeroTail(r *bufio.Reader) bool {
	var buf [4096]byte
	for {
		n, err := r.Read(buf[:])
		if !bytes.Equal(buf[:n], make([]byte, n)) {
			return false
		}
		if err != nil {
			return errors.Is(err, io.EOF)
		}
	}
}
