package embedis

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// snapshot describes every live key of every database: its type, value and
// deadline. Two stores with equal snapshots hold the same data.
func snapshot(t testing.TB, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.Atomic(ctx, func(tx *Tx) error {
		now := tx.nowMs()
		for i, db := range tx.e.dbs {
			db.keys.Range(func(k string, v value) bool {
				at, has := db.expires[k]
				if has && now > at {
					return true // past its deadline: not live
				}
				out[fmt.Sprintf("%d/%q", i, k)] = fmt.Sprintf("%s %s @%d", v.typeName(), describe(v), at)
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

// describe renders a value for comparison. Each data type adds its case.
func describe(v value) string {
	switch v := v.(type) {
	case *stringValue:
		return strconv.Quote(v.s)
	default:
		return fmt.Sprintf("%T", v)
	}
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

// workload is a random command generator over a few keys, so that commands
// collide, overwrite, expire and fail on each other's values.
type workload struct {
	r      *rand.Rand
	keys   []string
	minTTL int // added to every positive relative TTL, in ms: long TTLs keep timing out of differential runs
}

// ms returns a relative TTL of n milliseconds plus minTTL.
func (w *workload) ms(n int) string { return strconv.Itoa(n + w.minTTL) }

// sec returns a relative TTL of n seconds plus minTTL.
func (w *workload) sec(n int) string { return strconv.Itoa(n + w.minTTL/1000) }

func (w *workload) key() string { return w.keys[w.r.IntN(len(w.keys))] }

func (w *workload) num() string {
	switch w.r.IntN(6) {
	case 0:
		return strconv.FormatInt(w.r.Int64(), 10) // may overflow on add
	case 1:
		return "x" + strconv.Itoa(w.r.IntN(10)) // not a number
	default:
		return strconv.Itoa(w.r.IntN(200) - 100)
	}
}

func (w *workload) str() string {
	return string("abcxyz"[w.r.IntN(6)]) + strconv.Itoa(w.r.IntN(5))
}

// stringCommand returns a random string or keyspace command.
func (w *workload) stringCommand() []string {
	k := w.key()
	switch w.r.IntN(30) {
	case 0:
		return []string{"SET", k, w.str()}
	case 1:
		return []string{"SET", k, w.str(), "PX", w.ms(1 + w.r.IntN(3000))}
	case 2:
		opts := [][]string{{"NX"}, {"XX"}, {"GET"}, {"KEEPTTL"}, {"EX", w.sec(2)}, {"XX", "GET", "PX", w.ms(500)}}
		return append([]string{"SET", k, w.str()}, opts[w.r.IntN(len(opts))]...)
	case 3:
		return []string{"SETNX", k, w.str()}
	case 4:
		return []string{"SETEX", k, w.sec(1 + w.r.IntN(3)), w.str()}
	case 5:
		return []string{"PSETEX", k, w.ms(1 + w.r.IntN(3000)), w.str()}
	case 6:
		return []string{"GETSET", k, w.str()}
	case 7:
		return []string{"GETDEL", k}
	case 8:
		opts := [][]string{{"PX", w.ms(1500)}, {"PERSIST"}, {"EX", w.sec(1)}, {}}
		return append([]string{"GETEX", k}, opts[w.r.IntN(len(opts))]...)
	case 9:
		return []string{"MSET", k, w.str(), w.key(), w.str()}
	case 10:
		return []string{"MSETNX", k, w.str(), w.key(), w.str()}
	case 11:
		return []string{"APPEND", k, w.str()}
	case 12:
		return []string{"SETRANGE", k, strconv.Itoa(w.r.IntN(8)), w.str()}
	case 13, 14:
		return []string{"INCR", k}
	case 15:
		return []string{"DECRBY", k, w.num()}
	case 16:
		return []string{"INCRBY", k, w.num()}
	case 17:
		return []string{"INCRBYFLOAT", k, []string{"0.1", "-2.5", "1e3", "3"}[w.r.IntN(4)]}
	case 18:
		return []string{"DEL", k, w.key()}
	case 19:
		return []string{"RENAME", k, w.key()}
	case 20:
		return []string{"RENAMENX", k, w.key()}
	case 21:
		return []string{"COPY", k, w.key(), "DB", strconv.Itoa(w.r.IntN(3)), "REPLACE"}
	case 22:
		if n := w.r.IntN(4) - 1; n > 0 {
			return []string{"EXPIRE", k, w.sec(n)}
		}
		return []string{"EXPIRE", k, strconv.Itoa(w.r.IntN(2) - 1)}
	case 23:
		return []string{"PEXPIRE", k, w.ms(1 + w.r.IntN(3000)), []string{"NX", "XX", "GT", "LT"}[w.r.IntN(4)]}
	case 24:
		return []string{"PERSIST", k}
	case 25:
		return []string{"SELECT", strconv.Itoa(w.r.IntN(3))}
	case 26:
		return []string{"UNLINK", k}
	case 27:
		switch w.r.IntN(40) {
		case 0:
			return []string{"FLUSHDB"}
		case 1:
			return []string{"SWAPDB", strconv.Itoa(w.r.IntN(3)), strconv.Itoa(w.r.IntN(3))}
		}
		return []string{"GET", k}
	case 28:
		return []string{"EXPIREAT", k, strconv.Itoa(w.r.IntN(2))} // in the past: deletes
	default:
		return []string{"TTL", k}
	}
}

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
	w := &workload{r: rand.New(rand.NewPCG(seed, 1)), keys: []string{"a", "b", "c", "d", "e", "f", "g", "h"}}
	const steps = 20000
	for i := 0; i < steps; i++ {
		switch w.r.IntN(10) {
		case 0:
			clock.Advance(time.Duration(w.r.IntN(400)) * time.Millisecond)
		case 1:
			// Several commands as one unit, on a random database.
			orig.Atomic(ctx, func(tx *Tx) error {
				tx.Select(w.r.IntN(3))
				for j := 0; j < 3; j++ {
					tx.Do(&valueReply{}, w.stringCommand()...)
				}
				return nil
			})
		default:
			orig.DB(w.r.IntN(3)).Do(ctx, w.stringCommand()...)
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
