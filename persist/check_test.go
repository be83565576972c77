package persist

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestCheckLogAgreesWithOpen cuts the manifest and the segments of the
// small damage directory at every offset and flips each of their bits:
// CheckLog refuses exactly what Open refuses, with the same file and
// offset, and reports a torn tail exactly where Open drops one with a
// warning. Check with repair then cuts that tail off, and the directory
// opens without a warning.
func TestCheckLogAgreesWithOpen(t *testing.T) {
	files, _ := damageDir(t, t.TempDir())
	dir := t.TempDir()
	cases, torn := 0, 0
	try := func(what string, damaged map[string][]byte) {
		t.Helper()
		cases++
		// openDamaged writes the files: open (and close) first, then check
		// the same files, rewritten.
		db, warnings, openErr := openDamaged(t, dir, damaged, false)
		if openErr == nil {
			db.Close()
		}
		for name, b := range damaged {
			os.WriteFile(filepath.Join(dir, name), b, 0o644)
		}
		info, err := CheckLog(dir)
		var want, got *CorruptError
		switch {
		case openErr == nil && err == nil:
		case errors.As(openErr, &want) && errors.As(err, &got):
			if want.File == filepath.Join(dir, "base.1.rdb") {
				t.Fatalf("%s: damage in the base snapshot: %v", what, openErr)
			}
			if got.File != want.File || got.Offset != want.Offset {
				t.Fatalf("%s: CheckLog: %v; Open: %v", what, err, openErr)
			}
			return
		default:
			t.Fatalf("%s: CheckLog: %v; Open: %v", what, err, openErr)
		}
		var tornSegs []SegmentInfo
		for _, s := range info.Segments {
			if s.Torn != "" {
				tornSegs = append(tornSegs, s)
			}
			if s.Unread {
				t.Fatalf("%s: %s unread, and no damage", what, s.File)
			}
		}
		if (warnings > 0) != (len(tornSegs) > 0) || len(tornSegs) > 1 {
			t.Fatalf("%s: Open warned %d times; torn segments %+v", what, warnings, tornSegs)
		}
		rep, err := Check(dir, true)
		cut := err == nil && rep.Repaired
		if err != nil || cut != (len(tornSegs) > 0) || rep.Torn != cut {
			t.Fatalf("%s: Check(repair): %+v, %v; want torn %+v", what, rep, err, tornSegs)
		}
		if !cut {
			return
		}
		seg := tornSegs[0]
		torn++
		if st, err := os.Stat(seg.File); err != nil || st.Size() != seg.End {
			t.Fatalf("%s: after the repair the segment has %v bytes (%v), want %d", what, st.Size(), err, seg.End)
		}
		info2, err := CheckLog(dir)
		if err != nil {
			t.Fatalf("%s: after the repair: %v", what, err)
		}
		for i, s := range info2.Segments {
			if s.Torn != "" || s.Records != info.Segments[i].Records || s.Commands != info.Segments[i].Commands {
				t.Fatalf("%s: after the repair: %+v, before %+v", what, s, info.Segments[i])
			}
		}
		db, err = Open(dir, Options{Logger: nil})
		if err != nil {
			t.Fatalf("%s: after the repair, Open: %v", what, err)
		}
		db.Close()
	}
	for _, name := range []string{manifestName, "log.1.seg", "log.2.seg"} {
		full := files[name]
		for k := 0; k < len(full); k++ {
			try(name+" cut at "+strconv.Itoa(k), withFile(files, name, full[:k]))
		}
		for i := range full {
			for bit := 0; bit < 8; bit++ {
				if testing.Short() && bit%3 != 0 {
					continue
				}
				b := append([]byte(nil), full...)
				b[i] ^= 1 << bit
				try(name+" byte "+strconv.Itoa(i)+" bit "+strconv.Itoa(bit), withFile(files, name, b))
			}
		}
	}
	if torn == 0 {
		t.Fatal("no torn tail was found")
	}
	t.Logf("%d damaged directories, %d torn tails cut", cases, torn)
}

// TestCheckLogIntact: the records and commands of each segment, its seal,
// and the base snapshot's path.
func TestCheckLogIntact(t *testing.T) {
	dir := t.TempDir()
	damageDir(t, dir)
	info, err := CheckLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []SegmentInfo{
		{File: filepath.Join(dir, "log.1.seg"), Records: 3, Commands: 5, Sealed: true},
		{File: filepath.Join(dir, "log.2.seg"), Records: 3, Commands: 6},
	}
	if !info.Manifest || info.Base != filepath.Join(dir, "base.1.rdb") || len(info.Segments) != 2 {
		t.Fatalf("%+v", info)
	}
	for i, s := range info.Segments {
		st, _ := os.Stat(s.File)
		want[i].Size, want[i].End = st.Size(), st.Size()
		if s != want[i] {
			t.Errorf("segment %d: %+v, want %+v", i, s, want[i])
		}
	}
	one, err := CheckSegment(filepath.Join(dir, "log.1.seg"))
	if err != nil || one != want[0] {
		t.Errorf("CheckSegment: %+v, %v", one, err)
	}

	// No manifest: nothing to check.
	info, err = CheckLog(t.TempDir())
	if err != nil || info.Manifest || len(info.Segments) != 0 {
		t.Errorf("empty directory: %+v, %v", info, err)
	}
}

// TestRepairLeavesOtherDamage: Check with repair cuts nothing off a
// directory that is damaged elsewhere: here the last segment holding
// records has a torn tail, and an (empty) segment after it a broken header.
// Nor anything off a directory a DB has open.
func TestRepairLeavesOtherDamage(t *testing.T) {
	dir := t.TempDir()
	files, ends := damageDir(t, dir)
	seg2 := filepath.Join(dir, "log.2.seg")
	cutAt := ends[1] + 3
	os.WriteFile(seg2, files["log.2.seg"][:cutAt], 0o644)
	bad := segmentHeader()
	bad[3] ^= 1
	os.WriteFile(filepath.Join(dir, "log.3.seg"), bad, 0o644)
	if err := writeManifest(dir, &manifest{seq: 3, base: "base.1.rdb", segments: []string{"log.1.seg", "log.2.seg", "log.3.seg"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir, true)
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.File != filepath.Join(dir, "log.3.seg") || rep.Repaired {
		t.Fatalf("Check(repair): %+v, %v", rep, err)
	}
	if st, _ := os.Stat(seg2); st.Size() != int64(cutAt) {
		t.Errorf("the torn segment has %d bytes, want %d (untouched)", st.Size(), cutAt)
	}

	os.Remove(filepath.Join(dir, "log.3.seg"))
	writeManifest(dir, &manifest{seq: 2, base: "base.1.rdb", segments: []string{"log.1.seg", "log.2.seg"}})
	os.WriteFile(seg2, files["log.2.seg"], 0o644)
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	os.WriteFile(seg2, files["log.2.seg"][:cutAt], 0o644)
	if _, err := Check(dir, true); !errors.Is(err, ErrLocked) {
		t.Fatalf("Check(repair) on an open directory: %v, want ErrLocked", err)
	}
	if st, _ := os.Stat(seg2); st.Size() != int64(cutAt) {
		t.Errorf("the segment has %d bytes, want %d (untouched)", st.Size(), cutAt)
	}
}
