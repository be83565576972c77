package embedis_test

import (
	"context"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
)

// TestLockFencingSurvivesRestart: the fencing counter is data like any
// other, so a durable directory keeps it, and the first lease after a
// restart gets a larger token than every lease before it — here with the
// lock key itself gone (released) and with a lease still running at the
// crash (its key reloaded, held until its TTL).
func TestLockFencingSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() (*persist.DB, *embedis.Locker) {
		t.Helper()
		db, err := persist.Open(dir, persist.Options{AppendOnly: true, AppendFsync: persist.FsyncAlways})
		if err != nil {
			t.Fatal(err)
		}
		l, err := embedis.NewLocker(embedis.Embedded(db.Store), "jobs", embedis.LockerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return db, l
	}
	db, l := open()
	var last int64
	for i := 0; i < 3; i++ {
		lease, err := l.TryLock(ctx, "nightly")
		if err != nil {
			t.Fatal(err)
		}
		last = lease.Token()
		if err := lease.Release(ctx); err != nil {
			t.Fatal(err)
		}
	}
	running, err := l.TryLock(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, l = open()
	defer db.Close()
	lease, err := l.TryLock(ctx, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	if lease.Token() <= last {
		t.Fatalf("token after a restart %d, not above %d", lease.Token(), last)
	}
	if v, err := db.Store.Get(ctx, l.Key("other")); err != nil || v != running.Owner() {
		t.Fatalf("a lease taken before the restart: key holds %q, %v; want its owner %q", v, err, running.Owner())
	}
}
