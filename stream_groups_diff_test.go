package embedis

import (
	"fmt"
	"os"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// TestRedisDiffGroupTimes runs random sequences over two streams with
// three groups and four consumers (workload's GroupMixCommand: reads,
// acks, claims with every option, XAUTOCLAIM, XPENDING, XINFO STREAM FULL
// and CONSUMERS) against redis-server and a Store, and compares every
// reply field by field — the times included, under a fixed clock.
//
// redis-server's clock cannot be stopped, so the Store's follows it: before
// each command the test reads redis-server's TIME, waiting for a
// millisecond no earlier command ran in, and sets the Store's manual clock
// to it; after the command it reads TIME again. Each command thus has a
// millisecond of its own, and a time in a reply names the command that set
// it. The time fields (workload.GroupTimeFields: XINFO STREAM FULL's
// delivery and seen-times, XPENDING's and XINFO CONSUMERS' idle times) are
// not normalized away but checked: a Unix time t in embedis's reply must be
// in redis-server's as t plus at most the time the command that set it took
// to run there (0 ms unless it ran across a millisecond's end), and an idle
// time must match within the time this command and the one that set
// the entry's time took to run (usually 0). A
// delivery time that one side updates and the other does not points to
// different commands, milliseconds apart, and fails. Once checked, both
// fields are replaced by the same placeholder and the replies compared
// whole.
func TestRedisDiffGroupTimes(t *testing.T) {
	srv := redistest.Start(t)
	rc := srv.Dial(t)
	clock := NewManualClock(time.Now())
	s, err := Open(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("EMBEDIS_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (rerun with EMBEDIS_SEED=%d)", seed, seed)
	steps := 3000
	if testing.Short() || raceEnabled {
		steps = 1000
	}
	redisMs := func() int64 {
		r, ok := rc.MustDo(t, "TIME").([]any)
		if !ok || len(r) != 2 {
			t.Fatalf("TIME: %v", r)
		}
		sec, _ := strconv.ParseInt(fmt.Sprint(r[0]), 10, 64)
		usec, _ := strconv.ParseInt(fmt.Sprint(r[1]), 10, 64)
		return sec*1000 + usec/1000
	}
	took := map[int64]int64{} // a command's millisecond on embedis → ms it took on redis-server
	var slowest, last int64
	compared, checkedTimes := 0, 0
	run := func(args []string) {
		t.Helper()
		now := redisMs()
		for now <= last {
			now = redisMs()
		}
		clock.Set(time.UnixMilli(now))
		rv := rc.Do(t, args...)
		ev, err := s.Do(ctx, args...)
		last = redisMs()
		took[now] = last - now
		slowest = max(slowest, last-now)
		want, got := normalize(args, rv, nil), normalize(args, ev, err)
		fr, fe := workload.GroupTimeFields(args, want), workload.GroupTimeFields(args, got)
		if len(fr) == len(fe) {
			for i := range fr {
				r, rok := fr[i].Value.(int64)
				e, eok := fe[i].Value.(int64)
				if !rok || !eok {
					continue // left to the comparison
				}
				// The command that set the time: its millisecond is e, or
				// now minus e for an idle time.
				set := e
				if fr[i].Idle {
					set = now - e
				}
				wSet, ok := took[set]
				if !ok {
					wSet = slowest // a time set with XCLAIM's IDLE or TIME
				}
				d, lo, hi := r-e, int64(0), wSet
				if fr[i].Idle {
					// redis-server's idle is (its now) − (its time of the
					// setting command): off by this command's run time
					// one way, by the setting command's the other.
					lo, hi = -wSet, last-now
				}
				if d < lo || d > hi {
					t.Fatalf("%q: time field %d: redis %d, embedis %d (allowed difference %d..%d ms)\n redis:   %#v\n embedis: %#v",
						args, i, r, e, lo, hi, want, got)
				}
				fr[i].Set("time checked")
				fe[i].Set("time checked")
				checkedTimes++
			}
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%q:\n redis:   %#v\n embedis: %#v", args, want, got)
		}
		compared++
	}
	w := workload.New(seed, 4, []string{"s1", "s2"}, 100_000)
	for i := 0; i < steps; i++ {
		run(w.GroupMixCommand())
		if i%500 == 499 {
			for _, k := range []string{"s1", "s2"} {
				run([]string{"XINFO", "STREAM", k, "FULL"})
			}
		}
	}
	for _, k := range []string{"s1", "s2"} {
		run([]string{"XINFO", "STREAM", k, "FULL"})
	}
	if checkedTimes == 0 {
		t.Fatal("no time field was compared")
	}
	t.Logf("%d commands compared, %d time fields checked; the slowest command took %d ms on redis-server", compared, checkedTimes, slowest)
}
