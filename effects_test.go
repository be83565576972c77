package embedis

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/workload"
)

// snapshot describes every live key of every database: its type, value and
// deadline. Two stores with equal snapshots hold the same data.
func snapshot(t testing.TB, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.Atomic(ctx, func(tx *Tx) error {
		now := tx.nowMs()
		for i, db := range tx.e.dbs {
			db.keys.Range(func(k string, sl slot) bool {
				v := sl.v
				at, has := db.expires[k]
				if has && now > at {
					return true // past its deadline: not live
				}
				out[fmt.Sprintf("%d/%q", i, k)] = fmt.Sprintf("%s %s @%d", v.typeName(), v.dump(), at)
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compareSnapshots(t *testing.T, want, got map[string]string) {
	t.Helper()
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("key %s: original %s, replayed %q", k, w, g)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("key %s only in replay: %s", k, g)
		}
	}
}

// replayKeys and replaySteps shape the random workload of
// TestEffectStreamReplay; TestEveryWriteCommandIsReplayed runs the same.
var replayKeys = []string{"a", "b", "c", "d", "e", "f", "g", "h"}

const replaySteps = 20000

// TestEffectStreamReplay runs a long random workload on a store that records
// its write-effect stream, replays the stream into a fresh store, and checks
// the two hold the same keys, values and deadlines.
func TestEffectStreamReplay(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("EMBEDIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with EMBEDIS_SEED=%d)", seed, seed)
	var units [][][]string
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	orig, err := Open(Options{Clock: clock, OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	w := workload.New(seed, 1, replayKeys, 0)
	const steps = replaySteps
	for i := 0; i < steps; i++ {
		switch w.IntN(10) {
		case 0:
			clock.Advance(time.Duration(w.IntN(400)) * time.Millisecond)
		case 1:
			// Several commands as one unit, on a random database.
			orig.Atomic(ctx, func(tx *Tx) error {
				tx.Select(w.IntN(3))
				for j := 0; j < 3; j++ {
					tx.Do(&valueReply{}, w.Command()...)
				}
				return nil
			})
		default:
			orig.DB(w.IntN(3)).Do(ctx, w.Command()...)
		}
	}
	want := snapshot(t, orig)
	if len(want) == 0 {
		t.Fatal("workload left no keys: the test would prove nothing")
	}
	replayClock := NewManualClock(clock.Now())
	replica, err := Open(Options{Clock: replayClock})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	if err := replica.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, want, snapshot(t, replica))
	t.Logf("%d commands, %d effect units, %d live keys compared", steps, len(units), len(want))
}
