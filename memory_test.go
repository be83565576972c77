package embedis

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/memsize"
	"github.com/embedis/embedis/internal/workload"
)

// recounted returns v's size counted afresh: the counters of a hash or a
// set rebuilt by walking it. (Lists and sorted sets keep theirs inside
// internal/quicklist and internal/zset, whose tests check them.)
func recounted(v value) int64 {
	switch v := v.(type) {
	case *hashValue:
		c := *v
		c.counted = false
		return c.memUsage()
	case *setValue:
		c := *v
		c.counted = false
		return c.memUsage()
	}
	return v.memUsage()
}

// checkAccounting compares every database's sums with a walk of its keys.
func checkAccounting(t *testing.T, s *Store, step any) {
	t.Helper()
	err := s.Atomic(ctx, func(tx *Tx) error {
		tx.settle()
		for i, d := range tx.e.dbs {
			var keys, values int64
			d.keys.Range(func(k string, sl slot) bool {
				keys += memsize.String(len(k))
				u := sl.v.memUsage()
				if r := recounted(sl.v); r != u {
					t.Errorf("step %v: db %d key %q (%s): memUsage %d, counted afresh %d", step, i, k, sl.v.typeName(), u, r)
				}
				values += u
				return true
			})
			if d.mem.keys != keys || d.mem.values != values {
				t.Fatalf("step %v: db %d accounts keys %d values %d; a walk finds %d and %d", step, i, d.mem.keys, d.mem.values, keys, values)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMemoryAccounting runs random commands of every family, alone and
// several to a unit, with time passing (so that keys expire on access and
// actively), and checks after every unit that each database's accounted
// keys and values are what a walk of the database says.
func TestMemoryAccounting(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("EMBEDIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with EMBEDIS_SEED=%d)", seed, seed)
	for _, fam := range workload.Families() {
		t.Run(fam, func(t *testing.T) {
			clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			s, err := Open(Options{Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			w := workload.New(seed, 7, replayKeys, 0)
			for i := 0; i < 1500; i++ {
				var unit [][]string
				switch w.IntN(12) {
				case 0:
					clock.Advance(time.Duration(w.IntN(400)) * time.Millisecond)
				case 1:
					s.Atomic(ctx, func(tx *Tx) error {
						tx.Select(w.IntN(3))
						for j := 0; j < 4; j++ {
							cmd := w.FamilyCommand(fam)
							unit = append(unit, cmd)
							tx.Do(&valueReply{}, cmd...)
						}
						return nil
					})
				default:
					cmd := w.FamilyCommand(fam)
					unit = append(unit, cmd)
					s.DB(w.IntN(3)).Do(ctx, cmd...)
				}
				checkAccounting(t, s, fmt.Sprint(i, unit))
			}
		})
	}
}

// TestMemoryEstimateMatchesHeap fills stores with each data type at a few
// sizes and compares what the accounting says the data holds with what the
// Go heap grew by (runtime.MemStats.HeapAlloc after a GC, before and after
// the fill). The ratio estimate/heap must stay within 0.8 to 1.2; each is
// printed with -v.
func TestMemoryEstimateMatchesHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a few hundred MB")
	}
	str := func(prefix string, i, size int) string {
		s := prefix + strconv.Itoa(i)
		for len(s) < size {
			s += "-" + strconv.Itoa(i)
		}
		return s[:max(size, 1)]
	}
	type fill struct {
		name string
		keys int
		put  func(s *Store, key string, k int)
	}
	fills := []fill{
		{"string 10B", 100000, func(s *Store, key string, k int) { s.Set(ctx, key, str("v", k, 10), 0) }},
		{"string 100B", 50000, func(s *Store, key string, k int) { s.Set(ctx, key, str("v", k, 100), 0) }},
		{"string 1000B", 20000, func(s *Store, key string, k int) { s.Set(ctx, key, str("v", k, 1000), 0) }},
		{"string 10B with TTL", 100000, func(s *Store, key string, k int) { s.Set(ctx, key, str("v", k, 10), time.Hour) }},
		{"integer strings", 100000, func(s *Store, key string, k int) { s.Set(ctx, key, strconv.Itoa(k), 0) }},
		{"hash 10 fields", 10000, func(s *Store, key string, k int) {
			for f := 0; f < 10; f++ {
				s.HSet(ctx, key, str("field", f, 8), str("v", k*10+f, 12))
			}
		}},
		{"hash 1000 fields", 100, func(s *Store, key string, k int) {
			for f := 0; f < 1000; f++ {
				s.HSet(ctx, key, str("field", f, 10), str("v", k*1000+f, 20))
			}
		}},
		{"list 10 elements", 10000, func(s *Store, key string, k int) {
			for f := 0; f < 10; f++ {
				s.RPush(ctx, key, str("e", k*10+f, 12))
			}
		}},
		{"list 10000 elements", 20, func(s *Store, key string, k int) {
			for f := 0; f < 10000; f++ {
				s.RPush(ctx, key, str("e", k*10000+f, 20))
			}
		}},
		{"set 10 integers", 10000, func(s *Store, key string, k int) {
			for f := 0; f < 10; f++ {
				s.SAdd(ctx, key, strconv.Itoa(k*10+f))
			}
		}},
		{"set 10 strings", 10000, func(s *Store, key string, k int) {
			for f := 0; f < 10; f++ {
				s.SAdd(ctx, key, str("m", k*10+f, 12))
			}
		}},
		{"set 1000 strings", 100, func(s *Store, key string, k int) {
			for f := 0; f < 1000; f++ {
				s.SAdd(ctx, key, str("m", k*1000+f, 20))
			}
		}},
		{"zset 10 members", 10000, func(s *Store, key string, k int) {
			for f := 0; f < 10; f++ {
				s.ZAdd(ctx, key, Z{Score: float64(f), Member: str("m", k*10+f, 12)})
			}
		}},
		{"zset 10000 members", 20, func(s *Store, key string, k int) {
			for f := 0; f < 10000; f++ {
				s.ZAdd(ctx, key, Z{Score: float64(f * 7 % 10000), Member: str("m", k*10000+f, 20)})
			}
		}},
	}
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for _, f := range fills {
		s, err := Open(Options{})
		if err != nil {
			t.Fatal(err)
		}
		est0, _ := s.UsedMemory(ctx)
		h0 := heap()
		for k := 0; k < f.keys; k++ {
			f.put(s, "key:"+strconv.Itoa(k), k)
		}
		h1 := heap()
		est1, _ := s.UsedMemory(ctx)
		grew, est := float64(h1)-float64(h0), float64(est1-est0)
		ratio := est / grew
		t.Logf("%-22s %7d keys: estimate %10.0f B, heap %10.0f B, ratio %.3f", f.name, f.keys, est, grew, ratio)
		if ratio < 0.8 || ratio > 1.2 {
			t.Errorf("%s: the estimate is %.3f times what the heap holds (want 0.8 to 1.2)", f.name, ratio)
		}
		runtime.KeepAlive(s)
		s.Close()
	}
}
