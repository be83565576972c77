package embedis

import (
	"strconv"
	"testing"
)

// Allocation counts of the hot paths issue 20 names, asserted exactly: they
// are deterministic (testing.AllocsPerRun), except under the race detector,
// whose instrumentation allocates.

func skipAllocsUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
}

// zsetForAllocs opens a store with a sorted set "z" of n members m0..m(n-1)
// scored 0..n-1, and returns the members.
func zsetForAllocs(t *testing.T, n int) (*Store, []string) {
	t.Helper()
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	members := make([]string, n)
	zs := make([]Z, 0, 1000)
	for i := range members {
		members[i] = "m" + strconv.Itoa(i)
		zs = append(zs, Z{Score: float64(i), Member: members[i]})
		if len(zs) == cap(zs) || i == n-1 {
			if _, err := s.ZAdd(ctx, "z", zs...); err != nil {
				t.Fatal(err)
			}
			zs = zs[:0]
		}
	}
	return s, members
}

func TestZSetUpdateAllocs(t *testing.T) {
	skipAllocsUnderRace(t)
	for _, n := range []int{100, 1000, 100000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			s, members := zsetForAllocs(t, n)
			i := 0
			// ZADD of an existing member with a new score, moved anywhere
			// in the set (mostly to another leaf) and a little (in place).
			zs := []Z{{}}
			far := testing.AllocsPerRun(1000, func() {
				i++
				zs[0] = Z{Score: float64((i * 7919) % (2 * n)), Member: members[(i*104729)%n]}
				if added, err := s.ZAdd(ctx, "z", zs...); err != nil || added != 0 {
					t.Fatal(added, err)
				}
			})
			near := testing.AllocsPerRun(1000, func() {
				i++
				m := members[(i*104729)%n]
				sc, _ := s.ZScore(ctx, "z", m)
				zs[0] = Z{Score: sc + 0.5, Member: m}
				if added, err := s.ZAdd(ctx, "z", zs...); err != nil || added != 0 {
					t.Fatal(added, err)
				}
			})
			incr := testing.AllocsPerRun(1000, func() {
				i++
				if _, err := s.ZIncrBy(ctx, "z", float64(i%100+1), members[(i*104729)%n]); err != nil {
					t.Fatal(err)
				}
			})
			if far != 0 || near != 0 || incr != 0 {
				t.Errorf("allocations per update: ZADD far %v, ZADD near %v, ZINCRBY %v; want 0", far, near, incr)
			}
			if c, _ := s.ZCard(ctx, "z"); c != int64(n) {
				t.Errorf("ZCARD %d, want %d", c, n)
			}
		})
	}
}

func TestPipelineReusedAllocs(t *testing.T) {
	skipAllocsUnderRace(t)
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	keys, counters := make([]string, 100), make([]string, 100)
	for i := range keys {
		keys[i], counters[i] = "key:"+strconv.Itoa(i), "n:"+strconv.Itoa(i)
		if err := s.Set(ctx, keys[i], "0123456789abcdef", 0); err != nil {
			t.Fatal(err)
		}
		// Past 99, the counters' digits are no static string: the first
		// INCR gives each its buffer, later ones write in it.
		if err := s.Set(ctx, counters[i], "1000", 0); err != nil {
			t.Fatal(err)
		}
	}
	p := s.Pipeline()
	for _, c := range []struct {
		name  string
		queue func(i int)
	}{
		{"GET", func(i int) { p.Get(keys[i]) }},
		{"SET", func(i int) { p.Set(keys[i], "0123456789abcdef", 0) }},
		{"INCR", func(i int) { p.Incr(counters[i]) }},
	} {
		batch := func() {
			for i := range keys {
				c.queue(i)
			}
			if err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		batch() // the pipeline's and the keys' memory, once
		if got := testing.AllocsPerRun(100, batch); got != 0 {
			t.Errorf("%s: %v allocations per 100-command batch on a reused Pipeline, want 0", c.name, got)
		}
	}
}

// TestIncrInPlaceKeepsHandedOutValues: a counter's digits are written in
// place (setInt), so a value GET handed out must not change under its holder,
// and the encoding stays Redis's.
func TestIncrInPlaceKeepsHandedOutValues(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(ctx, "n", "998", 0); err != nil {
		t.Fatal(err)
	}
	var held []string
	for want := int64(999); want < 1010; want++ {
		if got, err := s.Incr(ctx, "n"); err != nil || got != want {
			t.Fatalf("INCR = %d, %v; want %d", got, err, want)
		}
		if want%3 == 0 {
			v, err := s.Get(ctx, "n")
			if err != nil || v != strconv.FormatInt(want, 10) {
				t.Fatalf("GET = %q, %v; want %d", v, err, want)
			}
			held = append(held, v)
		}
	}
	for i, v := range held {
		if want := strconv.Itoa(999 + 3*i); v != want {
			t.Errorf("a value GET handed out changed to %q, want %q", v, want)
		}
	}
	if got, err := s.DecrBy(ctx, "n", 2000); err != nil || got != -991 {
		t.Fatalf("DECRBY = %d, %v", got, err)
	}
	if enc, err := s.ObjectEncoding(ctx, "n"); err != nil || enc != "int" {
		t.Errorf("OBJECT ENCODING = %q, %v; want int", enc, err)
	}
	if v, _ := s.Get(ctx, "n"); v != "-991" {
		t.Errorf("GET = %q, want -991", v)
	}
}
