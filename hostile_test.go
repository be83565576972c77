package embedis

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// TestRedisDiffHostileArguments walks the whole command table with hostile
// arguments (see internal/workload/hostile.go): for every command, every
// argument position gets every value of the pool, on a fresh fixture, and
// the reply of Store.Do is compared with redis-server's. No vector may
// panic or hang; a reply may differ from Redis's only where
// hostileAccepted says why. EMBEDIS_HOSTILE_FULL=1 adds every pair of
// boundary integers in adjacent positions.
func TestRedisDiffHostileArguments(t *testing.T) {
	srv := redistest.Start(t)
	rc := srv.Dial(t)
	rc.Timeout = 20 * time.Second
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	full := os.Getenv("EMBEDIS_HOSTILE_FULL") == "1"

	fixture := append([][]string{{"FLUSHALL"}}, workload.HostileFixture()...)
	reset := func() {
		rc.Pipeline(t, append(fixture, []string{"SELECT", "0"}))
		for _, c := range fixture {
			if _, err := s.Do(ctx, c...); err != nil {
				t.Fatalf("fixture %q: %v", c, err)
			}
		}
	}
	// start runs args on the Store while the caller asks Redis; wait
	// returns the Store's reply, failing the test if none comes within a
	// deadline. A panic stops the Store (see panic.go): it is counted,
	// reported and the Store replaced by a fresh one.
	var panics, hangs int
	type result struct {
		v   any
		err error
	}
	start := func(args []string) chan result {
		done := make(chan result, 1)
		go func() {
			v, err := s.Do(ctx, args...)
			done <- result{v, err}
		}()
		return done
	}
	wait := func(args []string, done chan result) (any, error) {
		select {
		case r := <-done:
			var pe *PanicError
			if errors.As(r.err, &pe) {
				panics++
				t.Errorf("%s: panic: %v\n%s", workload.HostileShow(args), pe.Value, pe.Stack)
				s.Close()
				if s, err = Open(Options{}); err != nil {
					t.Fatal(err)
				}
			}
			return r.v, r.err
		case <-time.After(20 * time.Second):
			hangs++
			t.Fatalf("%s: no reply after 20 s", workload.HostileShow(args))
		}
		return nil, nil
	}

	var last []string // the vector running, named if Redis fails to answer it
	defer func() {
		if t.Failed() && last != nil {
			t.Logf("last vector: %s", workload.HostileShow(last))
		}
	}()
	var ncmds, nvecs, ncompared, nlisted, nmismatch int
	listed := map[string]int{}
	for _, c := range Commands() {
		if c.serverOnly {
			continue
		}
		spec := hostileSpec(c)
		ncmds++
		bases := workload.ChooseBases(spec, full, func(args []string) bool {
			reset()
			_, bad := rc.Do(t, args...).(redistest.ReplyError)
			return !bad
		})
		if testing.Verbose() {
			t.Logf("%s: bases %q", c.Name, bases)
		}
		dirty := true
		began := time.Now()
		var vectors [][]string
		for _, base := range bases {
			vectors = append(vectors, workload.HostileVectors(spec, base, full)...)
		}
		for _, args := range vectors {
			args = workload.ShortTimeout(spec, args)
			nvecs++
			if reason := workload.HostileSkip(args); reason != "" {
				nlisted++
				listed[reason]++
				continue
			}
			if dirty {
				reset()
			}
			dirty = slices.Contains(c.Flags, "write") || c.Name == "select"
			last = args
			done := start(args)
			want := normalize(args, rc.Do(t, args...), nil)
			v, err := wait(args, done)
			if err != nil && errors.Is(err, ErrClosed) {
				dirty = true // a fresh Store after a panic
			}
			got := normalize(args, v, err)
			if c.Name == "time" {
				want, got = hostileShape(want), hostileShape(got)
			}
			want, got = workload.NormalizeGroupTimes(args, want), workload.NormalizeGroupTimes(args, got)
			failed := false
			if w, ok := want.(string); ok && strings.HasPrefix(w, "ERROR ") {
				failed = true
			}
			if reason := workload.HostileUncompared(args, failed); reason != "" {
				nlisted++
				listed[reason]++
				continue
			}
			if c.Name == "sscan" {
				want, got = sortedScanPage(want), sortedScanPage(got)
			}
			ncompared++
			if !reflect.DeepEqual(want, got) {
				nmismatch++
				if nmismatch <= 2000 {
					t.Errorf("%s:\n redis:   %.300s\n embedis: %.300s", workload.HostileShow(args), fmt.Sprintf("%#v", want), fmt.Sprintf("%#v", got))
				}
			}
		}
		if testing.Verbose() {
			t.Logf("%s: %v", c.Name, time.Since(began))
		}
	}
	for reason, n := range listed {
		t.Logf("listed (not compared): %d vectors: %s", n, reason)
	}
	t.Logf("hostile-argument suite: %d commands, %d argument vectors, %d comparisons with redis-server, %d listed mismatches, %d mismatches, %d panics, %d hangs",
		ncmds, nvecs, ncompared, nlisted, nmismatch, panics, hangs)
}

// hostileSpec describes c to the generator.
func hostileSpec(c *Command) workload.CommandSpec {
	return workload.CommandSpec{
		Name: c.Name, Arity: c.Arity, FirstKey: c.FirstKey, LastKey: c.LastKey, KeyStep: c.KeyStep,
		Write: slices.Contains(c.Flags, "write"), Blocking: slices.Contains(c.Flags, "blocking"),
	}
}

// hostileShape reduces a reply to its shape: TIME's seconds and
// microseconds are the machine's.
func hostileShape(v any) any {
	if arr, ok := v.([]any); ok {
		return fmt.Sprintf("array of %d", len(arr))
	}
	return v
}

// sortedScanPage sorts the elements of a SCAN-family page: a page of a
// hash-table set comes in Redis's hash order.
func sortedScanPage(v any) any {
	page, ok := v.([]any)
	if !ok || len(page) != 2 {
		return v
	}
	elems, ok := page[1].([]any)
	if !ok {
		return v
	}
	ss := make([]string, len(elems))
	for i, e := range elems {
		ss[i] = fmt.Sprint(e)
	}
	sort.Strings(ss)
	return []any{page[0], ss}
}
