package main

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// FuzzCheckRDB: on any bytes the check never panics, gives one verdict
// with a damage report exactly when it is not OK, at an offset within the
// data; and it agrees with the loader: embedis.OpenSnapshot (on a clock at
// 1970, so that no key has expired) opens exactly the files the check
// calls OK, but for databases the store does not have: then it opens them
// with the number of databases the check says.
func FuzzCheckRDB(f *testing.F) {
	f.Add(goldenFile(f))
	f.Add(engineSnapshot(f))
	if b, err := os.ReadFile("../../internal/rdb/testdata/small.rdb"); err == nil {
		f.Add(b) // redis-server's
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep := checkRDB(bytes.NewReader(data))
		switch rep.Status {
		case statusOK:
			if rep.Damage != nil {
				t.Fatalf("OK with damage %+v", rep.Damage)
			}
		case statusDamaged, statusUnsupported:
			if rep.Damage == nil {
				t.Fatal("no damage report")
			}
			if !rep.Zstd && (rep.Damage.Offset < 0 || rep.Damage.Offset > int64(len(data))) {
				t.Fatalf("damage at %d in %d bytes", rep.Damage.Offset, len(data))
			}
		default:
			t.Fatalf("status %q", rep.Status)
		}
		var out bytes.Buffer
		rep.writeText(&out)
		if rep.Zstd {
			return // embedis.OpenSnapshot reads plain RDB only
		}
		open := func(databases int) error {
			s, err := embedis.OpenSnapshot(bytes.NewReader(data), embedis.Options{Databases: databases, Clock: embedis.NewManualClock(time.Unix(0, 0))})
			if err == nil {
				s.Close()
			}
			return err
		}
		err := open(16)
		highDB := rep.MinDatabases > 16
		if highDB && rep.Status == statusOK && rep.MinDatabases <= 1024 {
			// With the databases the check says it needs, it opens.
			if err := open(rep.MinDatabases); err != nil {
				t.Fatalf("OpenSnapshot with %d databases: %v", rep.MinDatabases, err)
			}
		}
		switch {
		case err == nil && rep.Status != statusOK:
			t.Fatalf("OpenSnapshot opens it; the check says\n%s", out.String())
		case err != nil && rep.Status == statusOK && !(highDB && errors.Is(err, embedis.ErrSnapshotDatabases)):
			t.Fatalf("OpenSnapshot: %v; the check says\n%s", err, out.String())
		}
	})
}

// FuzzEntryStart: the parser that names the damaged key never panics on
// any bytes and any limit.
func FuzzEntryStart(f *testing.F) {
	f.Add(goldenFile(f)[9:], 100)
	f.Add([]byte{252, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0xc3, 2, 30, 0, 'a', 0xe0, 0}, 17)
	f.Fuzz(func(t *testing.T, b []byte, limit int) {
		info := readEntryStart(b, limit, 3)
		if info.hasKey && !info.hasType {
			t.Fatal("a key without a type")
		}
	})
}
