package persist

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The manifest names the files that hold a data directory's data: the base
// snapshot (an RDB file, absent in a directory never saved) and the log
// segments written after it, oldest first. Loading reads the base, then
// replays the segments in order. It is a small text file, replaced whole
// with WriteFileAtomic, so a crash leaves either the old or the new one:
//
//	embedis-manifest 1
//	seq 3
//	base base.3.rdb
//	log log.3.seg
//	log log.4.seg
//	crc32c 8d1f22a0
//
// seq is the highest sequence number used in a file name (base.<seq>.rdb,
// log.<seq>.seg; Redis 7.0's appendonly.aof.<seq>.base.rdb and
// appendonly.aof.<seq>.incr.aof play the same parts), so new files never
// reuse a name. The last line is the CRC-32C of every byte before it, in
// hexadecimal.

const (
	manifestName    = "embedis.manifest"
	manifestHeader  = "embedis-manifest 1"
	lockName        = "embedis.lock"
	maxManifestSize = 1 << 20
)

type manifest struct {
	seq      uint64
	base     string   // "" when none
	segments []string // oldest first
}

func baseName(seq uint64) string    { return "base." + strconv.FormatUint(seq, 10) + ".rdb" }
func segmentName(seq uint64) string { return "log." + strconv.FormatUint(seq, 10) + ".seg" }

func (m *manifest) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nseq %d\n", manifestHeader, m.seq)
	if m.base != "" {
		fmt.Fprintf(&b, "base %s\n", m.base)
	}
	for _, s := range m.segments {
		fmt.Fprintf(&b, "log %s\n", s)
	}
	fmt.Fprintf(&b, "crc32c %08x\n", crc32.Checksum(b.Bytes(), castagnoli))
	return b.Bytes()
}

// writeManifest replaces dir's manifest with m, atomically and durably.
func writeManifest(dir string, m *manifest) error {
	data := m.encode()
	return WriteFileAtomic(filepath.Join(dir, manifestName), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// readManifest reads dir's manifest; ok is false when there is none.
func readManifest(dir string) (m *manifest, ok bool, err error) {
	path := filepath.Join(dir, manifestName)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("persist: read manifest: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestSize+1))
	if err != nil {
		return nil, false, fmt.Errorf("persist: read manifest: %w", err)
	}
	if len(data) > maxManifestSize {
		return nil, false, &CorruptError{File: path, Offset: maxManifestSize, Reason: "manifest too large"}
	}
	m, err = parseManifest(path, data)
	return m, err == nil, err
}

// parseManifest decodes a manifest's bytes; path names it in errors.
func parseManifest(path string, data []byte) (*manifest, error) {
	bad := func(off int, reason string) error {
		return &CorruptError{File: path, Offset: int64(off), Reason: reason}
	}
	// The checksum line comes last: find it and check it first.
	body := data
	if len(body) == 0 || body[len(body)-1] != '\n' {
		return nil, bad(len(data), "manifest does not end with a newline")
	}
	last := bytes.LastIndexByte(body[:len(body)-1], '\n') + 1
	sumLine := string(body[last : len(body)-1])
	hex, found := strings.CutPrefix(sumLine, "crc32c ")
	if !found || len(hex) != 8 {
		return nil, bad(last, "manifest's last line is not its checksum")
	}
	// Lower case only: a flipped bit turning 'a' into 'A' must not pass.
	want, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || strings.ToLower(hex) != hex {
		return nil, bad(last, "manifest checksum is not hexadecimal")
	}
	if uint32(want) != crc32.Checksum(body[:last], castagnoli) {
		return nil, bad(last, "manifest checksum mismatch")
	}
	m := &manifest{}
	off := 0
	seenSeq := false
	for i, line := range strings.Split(string(body[:last]), "\n") {
		if off >= last {
			break
		}
		lineOff := off
		off += len(line) + 1
		if i == 0 {
			if line != manifestHeader {
				return nil, bad(lineOff, "not an embedis manifest, or another version")
			}
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "seq":
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil || seenSeq {
				return nil, bad(lineOff, "bad seq line")
			}
			m.seq, seenSeq = n, true
		case "base":
			if m.base != "" || len(m.segments) > 0 || !plainName(val) {
				return nil, bad(lineOff, "bad base line")
			}
			m.base = val
		case "log":
			if !plainName(val) {
				return nil, bad(lineOff, "bad log line")
			}
			m.segments = append(m.segments, val)
		default:
			return nil, bad(lineOff, fmt.Sprintf("unknown manifest line %q", truncateName(line)))
		}
	}
	if !seenSeq {
		return nil, bad(0, "manifest has no seq line")
	}
	return m, nil
}

// plainName reports whether s names a file directly inside the directory.
func plainName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00") && len(s) <= 255
}

func truncateName(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
