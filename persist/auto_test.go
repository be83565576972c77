package persist

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// manualTicks makes the automatic saves tick when the test says: tick
// returns once the tick before it has been handled.
func manualTicks(t *testing.T) (tick func()) {
	ch := make(chan time.Time)
	orig := autoTick
	autoTick = func() (<-chan time.Time, func()) { return ch, func() {} }
	t.Cleanup(func() { autoTick = orig })
	return func() {
		ch <- time.Time{}
		ch <- time.Time{} // received only once the first was handled
	}
}

func baseOf(t *testing.T, dir string) string {
	m, _, err := readManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	return m.base
}

// TestSaveRules checks that a save point saves once both its time (on the
// store's clock) and its count of changes are reached, and not before.
func TestSaveRules(t *testing.T) {
	tick := manualTicks(t)
	clock := embedis.NewManualClock(damageStart)
	dir := t.TempDir()
	db, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger(), Store: embedis.Options{Clock: clock},
		SaveRules: []SaveRule{{After: time.Hour, Changes: 1}, {After: time.Minute, Changes: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Set(bg, "a", "1", 0)
	db.Set(bg, "b", "1", 0)
	clock.Advance(2 * time.Minute)
	tick()
	if b := baseOf(t, dir); b != "" {
		t.Fatalf("saved (%s) with 2 changes in 2 minutes", b)
	}
	db.Set(bg, "c", "1", 0)
	tick()
	first := baseOf(t, dir)
	if first == "" {
		t.Fatal("not saved with 3 changes in 2 minutes")
	}
	db.Set(bg, "d", "1", 0)
	clock.Advance(59 * time.Minute)
	tick()
	if b := baseOf(t, dir); b != first {
		t.Fatal("saved again with 1 change in 59 minutes")
	}
	clock.Advance(time.Minute)
	tick()
	if b := baseOf(t, dir); b == first {
		t.Fatal("not saved with 1 change in an hour")
	}
}

// TestAutoCompaction checks that the log is compacted into a new base once
// it is at least the minimum size and has grown past the percentage of the
// base.
func TestAutoCompaction(t *testing.T) {
	tick := manualTicks(t)
	dir := t.TempDir()
	db, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger(), AutoCompactPercent: 100, AutoCompactMinSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	value := string(make([]byte, 100))
	for i := 0; i < 20; i++ { // about 2.6 KB of records: under the minimum
		db.Set(bg, "k", value, 0)
	}
	tick()
	if b := baseOf(t, dir); b != "" {
		t.Fatal("compacted under the minimum size")
	}
	for i := 0; i < 20; i++ {
		db.Set(bg, "k", value, 0)
	}
	tick()
	b1 := baseOf(t, dir)
	if b1 == "" {
		t.Fatal("not compacted past the minimum size with no base")
	}
	st, _ := os.Stat(filepath.Join(dir, b1))
	// The base holds one key; the log starts again: 40 more writes go past
	// the minimum and past 100% of the small base.
	for i := 0; i < 40; i++ {
		db.Set(bg, "k", value, 0)
	}
	tick()
	if b := baseOf(t, dir); b == b1 {
		t.Fatalf("not compacted: log past %d bytes, base %d bytes", 4096, st.Size())
	}
	if v, _ := db.Get(bg, "k"); v != value {
		t.Fatal("value lost")
	}
}

// TestAutoCompactionPercentage checks that a log smaller than the
// percentage of the base is left alone.
func TestAutoCompactionPercentage(t *testing.T) {
	tick := manualTicks(t)
	dir := t.TempDir()
	db, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger(), AutoCompactPercent: 100, AutoCompactMinSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 10000) // random: LZF does not shrink it in the base
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	big := string(b)
	db.Set(bg, "big", big, 0)
	tick()
	b1 := baseOf(t, dir)
	if b1 == "" {
		t.Fatal("not compacted")
	}
	for i := 0; i < 20; i++ {
		db.Incr(bg, "n") // about 1 KB of log against a 10 KB base
	}
	tick()
	if baseOf(t, dir) != b1 {
		t.Fatal("compacted a log a tenth of the base's size at 100%")
	}
	db.Set(bg, "big2", big, 0)
	tick()
	if baseOf(t, dir) == b1 {
		t.Fatal("not compacted once the log outgrew the base")
	}
}
