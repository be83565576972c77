package embedis

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
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
				t.Errorf("%s: panic: %v\n%s", hostileShow(args), pe.Value, pe.Stack)
				s.Close()
				if s, err = Open(Options{}); err != nil {
					t.Fatal(err)
				}
			}
			return r.v, r.err
		case <-time.After(20 * time.Second):
			hangs++
			t.Fatalf("%s: no reply after 20 s", hostileShow(args))
		}
		return nil, nil
	}

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
			if reason := hostileAccepted(args); reason != "" {
				nlisted++
				listed[reason]++
				continue
			}
			if dirty {
				reset()
			}
			dirty = c.IsWrite() || c.Name == "select"
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
			if reason := hostileLayout(args, want); reason != "" {
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
					t.Errorf("%s:\n redis:   %.300s\n embedis: %.300s", hostileShow(args), fmt.Sprintf("%#v", want), fmt.Sprintf("%#v", got))
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
		Write: c.IsWrite(), Blocking: slices.Contains(c.Flags, "blocking"),
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

// hostileShow prints args for a failure, with the huge string abbreviated.
func hostileShow(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 64 {
			a = fmt.Sprintf("%.16s…(%d bytes)", a, len(a))
		}
		out[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// hostileAccepted returns why a vector is not compared with Redis, or "".
// Each reason is Redis's: the vector makes redis-server attempt an
// allocation that the test machine cannot afford (and that embedis then
// attempts as well), so neither side runs it.
func hostileAccepted(args []string) string {
	name := strings.ToUpper(args[0])
	intArg := func(i int) (int64, bool) {
		if i >= len(args) {
			return 0, false
		}
		n, err := strconv.ParseInt(args[i], 10, 64)
		return n, err == nil
	}
	switch name {
	case "SETRANGE":
		// Redis grows the string to offset+len(value) bytes, up to 512 MB.
		if off, ok := intArg(2); ok && len(args) == 4 && args[3] != "" && off >= 1<<20 && off <= 512<<20-int64(len(args[3])) {
			return "SETRANGE with an offset past 1 MB: Redis allocates the string (up to 512 MB)"
		}
	case "SRANDMEMBER", "ZRANDMEMBER", "HRANDFIELD":
		// A negative count asks for -count members, repeats allowed, and
		// Redis builds the whole reply: minutes and many GB for 2³¹.
		withPairs := len(args) > 3 && name != "SRANDMEMBER"
		if n, ok := intArg(2); ok && n < -1<<20 && (!withPairs || n >= -(1<<62)) && holdsType(name, args[1]) {
			return name + " with a count below -2²⁰ on an existing key: Redis builds a reply of -count elements"
		}
	}
	return ""
}

// holdsType reports whether fixture key k holds the type the random
// command name draws from.
func holdsType(name, k string) bool {
	switch name {
	case "SRANDMEMBER":
		return k == "set" || k == "set2"
	case "HRANDFIELD":
		return k == "hash" || k == "hash2"
	}
	return k == "zset" || k == "zset2" || k == "geo" || k == "geo2"
}

// hostileLayout returns why a vector's reply, want being Redis's, is not
// compared, or "": where Redis's reply depends on its memory layout.
func hostileLayout(args []string, want any) string {
	if _, isErr := want.(string); isErr && strings.HasPrefix(want.(string), "ERROR ") {
		return ""
	}
	if strings.EqualFold(args[0], "SSCAN") && (args[1] == "set" || args[1] == "set2") {
		// The fixture's sets are hash tables in Redis 7.0 (their members
		// are not all integers).
		if args[2] != "0" {
			return "SSCAN of a hash-table set from a cursor other than 0: which buckets the cursor skips depends on Redis's hash seed"
		}
		count := int64(10)
		for i := 3; i+1 < len(args); i += 2 {
			if strings.EqualFold(args[i], "COUNT") {
				count, _ = strconv.ParseInt(args[i+1], 10, 64)
			}
		}
		if count < 6 {
			return "SSCAN of a hash-table set with a COUNT below its size: where the page ends depends on Redis's hash seed"
		}
	}
	return ""
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
