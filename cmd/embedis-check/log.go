package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/embedis/embedis/persist"
)

// More verdicts, of a data directory or a log segment.
const (
	statusTorn  = "torn"  // sound but for a torn tail, left in place
	statusFixed = "fixed" // sound once --fix cut its torn tail off
)

// logReport is what embedis-check found in a data directory (or in one log
// segment, with --log); --json prints it as is.
type logReport struct {
	// Dir is the data directory; "" with --log.
	Dir string `json:"dir,omitempty"`
	// Base is the report on the base snapshot, when the manifest names one.
	Base *rdbReport `json:"base,omitempty"`
	// Segments are the log segments, oldest first, as far as they were read.
	Segments []segReport `json:"segments"`
	// Status is "ok", "torn" (a torn tail, not cut off), "fixed" (a torn
	// tail cut off by --fix), "damaged" or "unsupported" (the base
	// snapshot holds data embedis cannot load).
	Status string `json:"status"`
	// Damage is the first damage in the log (see Base.Damage for the base
	// snapshot's).
	Damage *logDamage `json:"damage,omitempty"`
	// FixError is why --fix could not cut a torn tail off.
	FixError string `json:"fixError,omitempty"`
}

// segReport is one log segment.
type segReport struct {
	File     string `json:"file"`
	Size     int64  `json:"size"`
	Records  int    `json:"records"`
	Commands int    `json:"commands"`
	// End is the offset after the last whole record.
	End    int64 `json:"end"`
	Sealed bool  `json:"sealed"`
	// Torn, when not empty, is why the bytes from End to Size are a torn
	// tail (a record cut off by a crash).
	Torn   string `json:"torn,omitempty"`
	Unread bool   `json:"unread,omitempty"`
}

// logDamage is damage in the manifest or a segment.
type logDamage struct {
	File   string `json:"file"`
	Offset int64  `json:"offset"`
	Reason string `json:"reason"`
}

func segReportOf(s persist.SegmentInfo) segReport {
	return segReport{File: s.File, Size: s.Size, Records: s.Records, Commands: s.Commands, End: s.End, Sealed: s.Sealed, Torn: s.Torn, Unread: s.Unread}
}

// logDamageOf turns a damaged-file error into its report; ok is false for
// other errors (a file that cannot be read: no verdict).
func logDamageOf(err error) (d *logDamage, ok bool) {
	var ce *persist.CorruptError
	if errors.As(err, &ce) {
		return &logDamage{File: ce.File, Offset: ce.Offset, Reason: ce.Reason}, true
	}
	var pe *fs.PathError
	if errors.Is(err, fs.ErrNotExist) && errors.As(err, &pe) {
		// A file the manifest names is missing.
		return &logDamage{File: pe.Path, Offset: 0, Reason: "missing (named by the manifest)"}, true
	}
	return nil, false
}

// checkDir checks the data directory dir: its base snapshot, then its log;
// with fix, a torn tail (and nothing else) is cut off. An error means no
// verdict.
func checkDir(dir string, fix bool) (*logReport, error) {
	info, err := persist.CheckLog(dir)
	rep := &logReport{Dir: dir, Segments: []segReport{}}
	if err == nil && !info.Manifest {
		return nil, fmt.Errorf("%s has no %s: not an embedis data directory (give a snapshot file's path to check it)", dir, "embedis.manifest")
	}
	if info != nil {
		for _, s := range info.Segments {
			rep.Segments = append(rep.Segments, segReportOf(s))
		}
		if info.Base != "" {
			base, berr := checkRDBFile(info.Base)
			if berr != nil {
				d, ok := logDamageOf(berr)
				if !ok {
					return nil, berr
				}
				rep.Status, rep.Damage = statusDamaged, d
				return rep, nil
			}
			rep.Base = base
			if base.Status != statusOK {
				rep.Status = base.Status
				return rep, nil
			}
		}
	}
	if err != nil {
		d, ok := logDamageOf(err)
		if !ok {
			return nil, err
		}
		rep.Status, rep.Damage = statusDamaged, d
		return rep, nil
	}
	rep.Status = statusOK
	for _, s := range rep.Segments {
		if s.Torn != "" {
			rep.Status = statusTorn
		}
	}
	if rep.Status == statusTorn && fix {
		// Check reads the directory again under its lock, and cuts the
		// torn tail off only when nothing else is damaged.
		fixed, err := persist.Check(dir, true)
		switch {
		case err != nil:
			rep.FixError = err.Error()
		case fixed.Repaired:
			rep.Status = statusFixed
		default:
			// Gone since the first look (a process opened the directory
			// and repaired it): look again.
			return checkDir(dir, false)
		}
	}
	return rep, nil
}

// checkSegment checks one segment file as the last of a log.
func checkSegment(path string) (*logReport, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if st.IsDir() {
		return nil, fmt.Errorf("--log %s: a directory (give a segment file, or the directory without --log)", path)
	}
	s, err := persist.CheckSegment(path)
	rep := &logReport{Segments: []segReport{segReportOf(s)}, Status: statusOK}
	if err != nil {
		d, ok := logDamageOf(err)
		if !ok {
			return nil, err
		}
		rep.Status, rep.Damage = statusDamaged, d
	} else if s.Torn != "" {
		rep.Status = statusTorn
	}
	return rep, nil
}

// writeText prints the report as writeText of rdbReport does: one fact per
// line, the verdict last: "OK", "TORN …", "FIXED …", "DAMAGED …" or
// "UNSUPPORTED …".
func (rep *logReport) writeText(w io.Writer) {
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-10s %s\n", label, fmt.Sprintf(format, args...))
	}
	if rep.Dir != "" {
		line("dir", "%s", rep.Dir)
	}
	if b := rep.Base; b != nil {
		what := fmt.Sprintf("%s: %d bytes", filepath.Base(b.File), b.FileSize)
		if b.Zstd {
			what += ", zstd-compressed"
		}
		if b.Version > 0 {
			what += fmt.Sprintf(", RDB version %d", b.Version)
		}
		if b.Status == statusOK {
			what += fmt.Sprintf(", %s, %d with a deadline, in %s", plural(b.Keys, "key"), b.Deadlines, plural(len(b.Databases), "database"))
		}
		line("base", "%s", what)
	}
	var torn *segReport
	for i, s := range rep.Segments {
		if s.Unread {
			line("segment", "%s: not read (an earlier file is damaged)", filepath.Base(s.File))
			continue
		}
		what := fmt.Sprintf("%s: %d bytes, %s (%s)", filepath.Base(s.File), s.Size, plural(s.Records, "record"), plural(s.Commands, "command"))
		if rep.Damage != nil && rep.Damage.File == s.File {
			what += " before the damage"
		}
		if s.Sealed {
			what += ", sealed"
		}
		if s.Torn != "" {
			what += fmt.Sprintf(", then a torn tail of %d bytes at byte %d (%s)", s.Size-s.End, s.End, s.Torn)
			torn = &rep.Segments[i]
		}
		line("segment", "%s", what)
	}
	switch rep.Status {
	case statusOK:
		fmt.Fprintln(w, "OK")
	case statusTorn:
		if rep.FixError != "" {
			line("fix", "not done: %s", rep.FixError)
		}
		fmt.Fprintf(w, "TORN %s byte %d: %d bytes of a record cut off (loading drops them; --fix cuts them off)\n", torn.File, torn.End, torn.Size-torn.End)
	case statusFixed:
		fmt.Fprintf(w, "FIXED %s: cut to %d bytes (%d bytes of a torn record removed)\n", torn.File, torn.End, torn.Size-torn.End)
	default:
		if d := rep.Damage; d != nil {
			fmt.Fprintf(w, "DAMAGED %s byte %d: %s\n", d.File, d.Offset, d.Reason)
			return
		}
		// The base snapshot: its own report's last lines.
		b := rep.Base
		d := b.Damage
		if what := d.while(); what != "" {
			line("while", "%s", what)
		}
		fmt.Fprintf(w, "%s %s byte %d: %s (%s)\n", strings.ToUpper(b.Status), b.File, d.Offset, d.Reason, d.Kind)
	}
}
