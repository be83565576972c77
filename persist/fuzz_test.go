package persist

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/embedis/embedis"
)

// FuzzScanSegment feeds arbitrary bytes to the log loader as the last
// segment and as an earlier one, replaying what it reads into a store: it
// must never panic, and whatever it accepts must be exactly the records it
// would write for the units it read (so no damaged byte is accepted).
func FuzzScanSegment(f *testing.F) {
	seg1, _ := segmentBytes(seg1Units, true)
	seg2, _ := segmentBytes(seg2Units, false)
	f.Add(seg1)
	f.Add(seg2)
	f.Add(segmentHeader())
	f.Add(append(seg2[:len(seg2)-3:len(seg2)-3], 0, 0, 0))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "log.1.seg")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, needSeal := range []bool{false, true} {
			s, err := embedis.Open(embedis.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var units [][][]string
			db := 0
			sc, err := scanSegment(path, needSeal, func(unit [][]string, off int64) error {
				units = append(units, unit)
				err := s.DB(db).Apply(bg, unit)
				for _, cmd := range unit {
					if isSelect(cmd) {
						db = selectedDB(cmd)
					}
				}
				return err
			})
			s.Close()
			if err != nil {
				continue
			}
			if needSeal && (!sc.sealed || sc.torn) {
				t.Fatalf("accepted as an earlier segment without its seal (%+v)", sc)
			}
			want := segmentHeader()
			for _, u := range units {
				want = appendRecord(want, u)
			}
			if sc.sealed {
				want = append(want, sealRecord...)
			}
			if !bytes.Equal(want, data[:sc.end]) {
				t.Fatalf("accepted bytes that are not what the units encode to:\n got %q\nwant %q", data[:sc.end], want)
			}
			if !sc.torn && sc.end != int64(len(data)) {
				t.Fatalf("stopped at %d of %d without a torn tail", sc.end, len(data))
			}
		}
	})
}

// FuzzParseManifest checks that the manifest parser never panics and
// accepts only what encode writes.
func FuzzParseManifest(f *testing.F) {
	f.Add((&manifest{seq: 2, base: "base.1.rdb", segments: []string{"log.1.seg", "log.2.seg"}}).encode())
	f.Add((&manifest{}).encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest("m", data)
		if err != nil {
			return
		}
		if got := m.encode(); !bytes.Equal(got, data) {
			t.Fatalf("accepted %q, which encodes back to %q", data, got)
		}
	})
}
