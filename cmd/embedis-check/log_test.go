package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// dataDir makes a data directory with persist.Open: a base snapshot
// (written by Save) and the log segment written after it, with records in
// three databases. It returns the directory and the paths of the base and
// of the last segment. (Sealed segments, left only by a Save that stopped
// half-way, are in persist's own CheckLog tests.)
func dataDir(t *testing.T) (dir, base, last string) {
	t.Helper()
	dir = t.TempDir()
	ctx := context.Background()
	opts := persist.Options{AppendOnly: true, AppendFsync: persist.FsyncNo, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	db, err := persist.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	do := func(n int, args ...string) {
		t.Helper()
		if _, err := db.DB(n).Do(ctx, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	do(0, "SET", "a", "1")
	do(1, "RPUSH", "l", "x", "y")
	if err := db.Save(ctx); err != nil {
		t.Fatal(err)
	}
	do(0, "INCR", "a")
	do(1, "HSET", "h", "f", "v")
	do(0, "SET", "t", "v", "PXAT", fmt.Sprint(deadline))
	do(2, "SADD", "s", "m1", "m2")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	info, err := persist.CheckLog(dir)
	if err != nil || info.Base == "" || len(info.Segments) == 0 {
		t.Fatalf("CheckLog: %+v, %v", info, err)
	}
	return dir, info.Base, info.Segments[len(info.Segments)-1].File
}

func checkDirJSON(t *testing.T, args ...string) (int, *logReport) {
	t.Helper()
	code, out, errOut := check(t, append([]string{"--json"}, args...)...)
	var rep logReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("embedis-check --json %q: %v\nstdout: %s\nstderr: %s", args, err, out, errOut)
	}
	return code, &rep
}

// snapshotFiles returns the contents of every file in dir but the lock.
func snapshotFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		if e.Name() == "embedis.lock" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestDataDir: a sound directory is OK, with its base snapshot's keys and
// each segment's records; the text report in full.
func TestDataDir(t *testing.T) {
	dir, base, last := dataDir(t)
	info, _ := persist.CheckLog(dir)
	code, out, errOut := check(t, dir)
	var want strings.Builder
	fmt.Fprintf(&want, "dir        %s\n", dir)
	st, _ := os.Stat(base)
	fmt.Fprintf(&want, "base       %s: %d bytes, RDB version 10, 2 keys, 0 with a deadline, in 2 databases\n", filepath.Base(base), st.Size())
	for _, s := range info.Segments {
		sealed := ""
		if s.Sealed {
			sealed = ", sealed"
		}
		fmt.Fprintf(&want, "segment    %s: %d bytes, %s (%s)%s\n", filepath.Base(s.File), s.Size, plural(s.Records, "record"), plural(s.Commands, "command"), sealed)
	}
	want.WriteString("OK\n")
	if code != exitOK || out != want.String() || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want.String())
	}
	if n := len(info.Segments); n != 1 || info.Segments[n-1].Records != 4 || info.Segments[n-1].Commands != 8 || info.Segments[n-1].File != last {
		t.Errorf("the directory is not as the test means it: %+v", info)
	}
	code, rep := checkDirJSON(t, dir)
	if code != exitOK || rep.Status != statusOK || rep.Base == nil || rep.Base.Keys != 2 || len(rep.Segments) != len(info.Segments) {
		t.Errorf("--json: exit %d, %+v", code, rep)
	}
	// --fix on a sound directory changes nothing.
	before := snapshotFiles(t, dir)
	if code, _, _ := check(t, "--fix", dir); code != exitOK {
		t.Errorf("--fix on a sound directory: exit %d", code)
	}
	if after := snapshotFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("--fix changed a sound directory")
	}
}

// TestTornTailFix cuts the last segment at every offset past its header:
// a cut between records is OK; a cut inside one is TORN (exit 1), and
// --fix cuts the record off (exit 0), after which the directory checks OK
// and opens with the whole records before the cut. --log reports the same
// about the segment alone.
func TestTornTailFix(t *testing.T) {
	dir, _, last := dataDir(t)
	full, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	seg, _ := persist.CheckSegment(last)
	torn := 0
	for k := 16; k < len(full); k++ {
		os.WriteFile(last, full[:k], 0o644)
		s, err := persist.CheckSegment(last)
		if err != nil {
			t.Fatalf("cut at %d: %v", k, err)
		}
		code, rep := checkDirJSON(t, dir)
		lcode, lrep := checkDirJSON(t, "--log", last)
		if s.Torn == "" {
			if code != exitOK || rep.Status != statusOK || lcode != exitOK || lrep.Status != statusOK {
				t.Fatalf("cut at %d, between records: exit %d %q, --log exit %d %q", k, code, rep.Status, lcode, lrep.Status)
			}
			continue
		}
		torn++
		if code != exitDamaged || rep.Status != statusTorn || lcode != exitDamaged || lrep.Status != statusTorn {
			t.Fatalf("cut at %d: exit %d %q, --log exit %d %q", k, code, rep.Status, lcode, lrep.Status)
		}
		_, out, _ := check(t, dir)
		wantLast := fmt.Sprintf("TORN %s byte %d: %d bytes of a record cut off (loading drops them; --fix cuts them off)\n", last, s.End, int64(k)-s.End)
		if !strings.HasSuffix(out, "\n"+wantLast) {
			t.Fatalf("cut at %d: output\n%s\nwant it to end with %q", k, out, wantLast)
		}
		code, out, _ = check(t, "--fix", dir)
		wantFixed := fmt.Sprintf("FIXED %s: cut to %d bytes (%d bytes of a torn record removed)\n", last, s.End, int64(k)-s.End)
		if code != exitOK || !strings.HasSuffix(out, "\n"+wantFixed) {
			t.Fatalf("cut at %d: --fix: exit %d, output\n%s\nwant it to end with %q", k, code, out, wantFixed)
		}
		if st, _ := os.Stat(last); st.Size() != s.End {
			t.Fatalf("cut at %d: --fix left %d bytes, want %d", k, st.Size(), s.End)
		}
		if code, _, _ := check(t, dir); code != exitOK {
			t.Fatalf("cut at %d: after --fix, exit %d", k, code)
		}
		db, err := persist.Open(dir, persist.Options{})
		if err != nil {
			t.Fatalf("cut at %d: after --fix, Open: %v", k, err)
		}
		n, _ := db.DBSize(context.Background())
		db.Close()
		if n != 1 && n != 2 {
			t.Fatalf("cut at %d: database 0 has %d keys after --fix", k, n)
		}
	}
	if torn == 0 || seg.Records != 4 {
		t.Fatalf("%d torn cuts; segment %+v", torn, seg)
	}
	os.WriteFile(last, full, 0o644)
}

// TestDirDamage: a bit flip in the last segment, a cut of its header, of
// the base snapshot and of the manifest are DAMAGED (exit 1), naming the
// file and offset, and --fix changes nothing.
func TestDirDamage(t *testing.T) {
	dir, base, last := dataDir(t)
	manifest := filepath.Join(dir, "embedis.manifest")
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		file string
		bad  func([]byte) []byte
		base bool // the damage is in the base snapshot
	}{
		{last, func(b []byte) []byte { b[len(b)-3] ^= 4; return b }, false},
		{last, func(b []byte) []byte { return b[:10] }, false},
		{manifest, func(b []byte) []byte { return b[:len(b)-2] }, false},
		{base, func(b []byte) []byte { return b[:len(b)/2] }, true},
		{base, func(b []byte) []byte { b[len(b)/2] ^= 1; return b }, true},
	}
	for _, c := range cases {
		good := read(c.file)
		os.WriteFile(c.file, c.bad(append([]byte(nil), good...)), 0o644)
		before := snapshotFiles(t, dir)
		for _, fix := range []bool{false, true} {
			args := []string{dir}
			if fix {
				args = []string{"--fix", dir}
			}
			code, rep := checkDirJSON(t, args...)
			if code != exitDamaged || rep.Status != statusDamaged {
				t.Fatalf("%s damaged (fix %v): exit %d, status %q", c.file, fix, code, rep.Status)
			}
			if c.base {
				if rep.Base == nil || rep.Base.Damage == nil || rep.Base.File != base || rep.Damage != nil {
					t.Fatalf("%s damaged: report %+v", c.file, rep)
				}
			} else if rep.Damage == nil || rep.Damage.File != c.file || rep.Damage.Offset < 0 || rep.Damage.Offset > int64(len(good)) {
				t.Fatalf("%s damaged: damage %+v", c.file, rep.Damage)
			}
			_, out, _ := check(t, args...)
			if !strings.Contains(out, "\nDAMAGED "+c.file+" byte ") {
				t.Fatalf("%s damaged: output\n%s", c.file, out)
			}
			if after := snapshotFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("%s damaged: --fix changed the directory", c.file)
			}
		}
		os.WriteFile(c.file, good, 0o644)
	}
	// A missing segment.
	os.Rename(last, last+".moved")
	code, rep := checkDirJSON(t, dir)
	if code != exitDamaged || rep.Damage == nil || rep.Damage.File != last {
		t.Errorf("a missing segment: exit %d, %+v", code, rep.Damage)
	}
	os.Rename(last+".moved", last)

	// --fix while a process has the directory open: refused, nothing cut.
	good := read(last)
	os.WriteFile(last, append(append([]byte(nil), good...), 1, 0, 0), 0o644)
	db, err := persist.Open(dir, persist.Options{Store: embedis.Options{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := check(t, "--fix", dir)
	db.Close()
	if st, _ := os.Stat(last); code != exitDamaged || !strings.Contains(out, "\nfix        not done: ") || !strings.Contains(out, "\nTORN ") || st.Size() != int64(len(good))+3 {
		t.Errorf("--fix on an open directory: exit %d, output\n%s", code, out)
	}
}

// TestLogUsage: the arguments of log mode that make no sense.
func TestLogUsage(t *testing.T) {
	dir, _, last := dataDir(t)
	rdbPath := writeFile(t, "dump.rdb", goldenFile(t))
	for _, args := range [][]string{
		{"--fix", rdbPath},
		{"--log", last, "--fix"},
		{"--log", last, dir},
		{"--log", filepath.Join(dir, "missing.seg")},
		{t.TempDir()}, // no manifest
	} {
		code, out, errOut := check(t, args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errOut, "embedis-check: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	// --log on a file that is not a segment is damage, at byte 0.
	code, rep := checkDirJSON(t, "--log", rdbPath)
	if code != exitDamaged || rep.Damage == nil || rep.Damage.Offset != 0 {
		t.Errorf("--log on an RDB file: exit %d, %+v", code, rep.Damage)
	}
}

// TestDirAgreesWithOpen cuts every file of a data directory at every
// offset and flips its bits: the check calls the directory OK or TORN
// exactly when persist.Open opens it, and a torn tail exactly when Open
// warns that it drops one.
func TestDirAgreesWithOpen(t *testing.T) {
	dir, _, _ := dataDir(t)
	files := snapshotFiles(t, dir)
	cases := map[string]int{}
	try := func(what string, name string, b []byte) {
		t.Helper()
		for n, content := range files {
			if n == name {
				content = string(b)
			}
			os.WriteFile(filepath.Join(dir, n), []byte(content), 0o644)
		}
		code, rep := checkDirJSON(t, dir)
		var warned countingHandler
		db, err := persist.Open(dir, persist.Options{Logger: slog.New(&warned)})
		if err == nil {
			db.Close()
		}
		cases[rep.Status]++
		switch {
		case err == nil && warned.n.Load() == 0 && rep.Status == statusOK && code == exitOK:
		case err == nil && warned.n.Load() > 0 && rep.Status == statusTorn && code == exitDamaged:
		case err != nil && (rep.Status == statusDamaged || rep.Status == statusUnsupported) && code == exitDamaged:
		default:
			t.Fatalf("%s: check exit %d, status %q, damage %+v; Open: %v, %d warnings", what, code, rep.Status, rep.Damage, err, warned.n.Load())
		}
	}
	for name, content := range files {
		full := []byte(content)
		for k := 0; k < len(full); k++ {
			try(fmt.Sprintf("%s cut at %d", name, k), name, full[:k])
		}
		for i := range full {
			for bit := 0; bit < 8; bit++ {
				if testing.Short() && bit%3 != 0 {
					continue
				}
				b := append([]byte(nil), full...)
				b[i] ^= 1 << bit
				try(fmt.Sprintf("%s byte %d bit %d", name, i, bit), name, b)
			}
		}
	}
	if cases[statusOK] == 0 || cases[statusTorn] == 0 || cases[statusDamaged] == 0 {
		t.Fatalf("verdicts %v: want some of each", cases)
	}
	t.Logf("verdicts %v", cases)
}

// countingHandler counts the log records at warning level or above.
type countingHandler struct{ n atomic.Int64 }

func (h *countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.n.Add(1)
	}
	return nil
}
func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }
