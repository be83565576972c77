package embedis

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMemoryStats checks MEMORY STATS's figures against each other and the
// accounting: the total is UsedMemory, startup what the empty store held,
// db entries only for databases with keys, overhead their tables plus
// startup, dataset the rest, and the peak the highest total seen, kept
// after the data shrinks.
func TestMemoryStats(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	empty, _ := s.MemoryStats(ctx)
	if empty.TotalAllocated != empty.StartupAllocated || empty.KeysCount != 0 || len(empty.Databases) != 0 || empty.BytesPerKey != 0 {
		t.Fatalf("empty store: %+v", empty)
	}
	for i := 0; i < 1000; i++ {
		s.Set(ctx, "k"+strings.Repeat("x", i%50)+string(rune('a'+i%26))+strconv.Itoa(i), strings.Repeat("v", 200), 0)
	}
	s.DB(3).Set(ctx, "other", "v", time.Hour)
	st, _ := s.MemoryStats(ctx)
	used, _ := s.UsedMemory(ctx)
	if st.TotalAllocated != used {
		t.Fatalf("total %d, UsedMemory %d", st.TotalAllocated, used)
	}
	if st.KeysCount != 1001 || len(st.Databases) != 2 || st.Databases[0].DB != 0 || st.Databases[1].DB != 3 {
		t.Fatalf("keys %d, databases %+v", st.KeysCount, st.Databases)
	}
	if st.Databases[1].OverheadExpires != expiryBytes || st.Databases[0].OverheadExpires != 0 {
		t.Fatalf("expires overhead: %+v", st.Databases)
	}
	over := st.StartupAllocated + st.Databases[0].OverheadMain + st.Databases[1].OverheadMain + expiryBytes
	if st.OverheadTotal != over || st.DatasetBytes != st.TotalAllocated-over {
		t.Fatalf("overhead %d (want %d), dataset %d", st.OverheadTotal, over, st.DatasetBytes)
	}
	if st.BytesPerKey != (st.TotalAllocated-st.StartupAllocated)/1001 {
		t.Fatalf("bytes per key %d", st.BytesPerKey)
	}
	if st.PeakAllocated != st.TotalAllocated || st.PeakPercentage != 100 {
		t.Fatalf("peak %d %.2f%%, total %d", st.PeakAllocated, st.PeakPercentage, st.TotalAllocated)
	}
	if st.DatasetPercentage < 50 || st.DatasetPercentage > 100 {
		t.Fatalf("dataset %.2f%%", st.DatasetPercentage)
	}
	if st.AllocatorAllocated <= 0 || st.AllocatorActive < st.AllocatorAllocated/2 || st.AllocatorResident < st.AllocatorActive {
		t.Fatalf("allocator: %+v", st)
	}
	s.FlushAll(ctx)
	after, _ := s.MemoryStats(ctx)
	if after.PeakAllocated != st.PeakAllocated || after.TotalAllocated != after.StartupAllocated || after.PeakPercentage >= 50 {
		t.Fatalf("after FLUSHALL: peak %d (was %d), total %d, %.2f%%", after.PeakAllocated, st.PeakAllocated, after.TotalAllocated, after.PeakPercentage)
	}
	if sts, _ := s.Stats(ctx); sts.PeakMemory != st.PeakAllocated || sts.MaxMemoryPolicy != PolicyNoEviction || sts.MaxMemory != 0 {
		t.Fatalf("Stats: peak %d, policy %q, maxmemory %d", sts.PeakMemory, sts.MaxMemoryPolicy, sts.MaxMemory)
	}
}

// TestMemoryDoctorReports checks each report of MEMORY DOCTOR on made-up
// figures, and the empty-instance text on an empty store.
func TestMemoryDoctorReports(t *testing.T) {
	s, _ := Open(Options{})
	defer s.Close()
	if r, _ := s.MemoryDoctor(ctx); r != doctorEmpty {
		t.Fatalf("empty store: %q", r)
	}
	ok := MemoryStats{PeakAllocated: 10 << 20, TotalAllocated: 10 << 20, Fragmentation: 1.2, FragmentationBytes: 2 << 20,
		AllocatorFragmentationRatio: 1.05, AllocatorRSSRatio: 1.05, RSSOverheadRatio: 1.05}
	if r := doctorReport(ok); r != doctorNoIssue {
		t.Fatalf("no issue: %q", r)
	}
	peak := ok
	peak.PeakAllocated = 16 << 20
	if r := doctorReport(peak); r != doctorIssues+doctorPeak+doctorEnd {
		t.Fatalf("peak: %q", r)
	}
	all := peak
	all.Fragmentation, all.FragmentationBytes = 3, 20<<20
	all.AllocatorFragmentationRatio, all.AllocatorFragmentationBytes = 1.5, 11<<20
	all.AllocatorRSSRatio, all.AllocatorRSSBytes = 1.5, 11<<20
	all.RSSOverheadRatio, all.RSSOverheadBytes = 1.5, 11<<20
	if r := doctorReport(all); r != doctorIssues+doctorPeak+doctorFrag+doctorAllocFrag+doctorAllocRSS+doctorProcRSS+doctorEnd {
		t.Fatalf("all: %q", r)
	}
	// A ratio over its bound with under 10 MB is no issue.
	small := ok
	small.Fragmentation, small.FragmentationBytes = 3, 9<<20
	if r := doctorReport(small); r != doctorNoIssue {
		t.Fatalf("small fragmentation: %q", r)
	}
}

// TestMemoryCommandsDo runs MEMORY STATS, DOCTOR, MALLOC-STATS and PURGE
// through the command table.
func TestMemoryCommandsDo(t *testing.T) {
	s, _ := Open(Options{})
	defer s.Close()
	s.Set(ctx, "a", "1", 0)
	r, err := s.Do(ctx, "MEMORY", "STATS")
	if err != nil {
		t.Fatal(err)
	}
	arr := r.([]any)
	var names []string
	for i := 0; i < len(arr); i += 2 {
		names = append(names, arr[i].(string))
	}
	want := "peak.allocated total.allocated startup.allocated db.0 overhead.total keys.count keys.bytes-per-key dataset.bytes dataset.percentage peak.percentage allocator.allocated allocator.active allocator.resident allocator-fragmentation.ratio allocator-fragmentation.bytes allocator-rss.ratio allocator-rss.bytes rss-overhead.ratio rss-overhead.bytes fragmentation fragmentation.bytes"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("MEMORY STATS names:\n got %s\nwant %s", got, want)
	}
	if db := arr[7].([]any); len(db) != 6 || db[0] != "overhead.hashtable.main" || db[4] != "overhead.hashtable.slot-to-keys" {
		t.Fatalf("db.0: %v", db)
	}
	if r, err := s.Do(ctx, "MEMORY", "MALLOC-STATS"); r != "Stats not supported for the current allocator" || err != nil {
		t.Fatalf("MALLOC-STATS: %v %v", r, err)
	}
	if r, err := s.Do(ctx, "memory", "purge"); r != "OK" || err != nil {
		t.Fatalf("PURGE: %v %v", r, err)
	}
	if r, err := s.Do(ctx, "MEMORY", "DOCTOR"); r != doctorEmpty || err != nil {
		t.Fatalf("DOCTOR: %v %v", r, err)
	}
	if _, err := s.Do(ctx, "MEMORY", "STATS", "x"); err == nil || err.Error() != "ERR wrong number of arguments for 'memory|stats' command" {
		t.Fatalf("STATS x: %v", err)
	}
}

// TestEvictedExpiredHooks: the hooks get every key evicted and expired,
// after the unit, and may call the Store from there.
func TestEvictedExpiredHooks(t *testing.T) {
	var mu sync.Mutex
	var evicted, expired []string
	var s *Store
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := DefaultEviction()
	c.Policy = PolicyAllKeysLRU
	var err error
	s, err = Open(Options{Clock: clock, Eviction: &c,
		OnEvicted: func(db int, key string) {
			mu.Lock()
			evicted = append(evicted, key)
			mu.Unlock()
			// The owner role is released: the hook may call the Store,
			// and the key is gone.
			if n, err := s.DB(db).Exists(ctx, key); n != 0 || err != nil {
				t.Errorf("Exists(%q) from the hook: %d %v", key, n, err)
			}
		},
		OnExpired: func(db int, key string) {
			mu.Lock()
			expired = append(expired, key)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Set(ctx, "soon", "v", time.Second)
	s.Set(ctx, "lazy", "v", time.Second)
	clock.Advance(2 * time.Second) // active expiry
	if _, err := s.Get(ctx, "lazy"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get lazy: %v", err)
	}
	mu.Lock()
	if len(expired) != 2 {
		t.Fatalf("expired: %v", expired)
	}
	mu.Unlock()
	base, _ := s.UsedMemory(ctx)
	c.MaxMemory = uint64(base) + 20000
	s.ConfigureEviction(ctx, c)
	for i := 0; i < 500; i++ {
		s.Set(ctx, "k"+strconv.Itoa(i)+strings.Repeat("x", i/1000), strings.Repeat("v", 100), 0)
	}
	st, _ := s.Stats(ctx)
	mu.Lock()
	defer mu.Unlock()
	if st.EvictedKeys == 0 || int64(len(evicted)) != st.EvictedKeys {
		t.Fatalf("evicted_keys %d, hook saw %d", st.EvictedKeys, len(evicted))
	}
}

// TestMemoryPurgeOffOwner: MEMORY PURGE's collection runs once the unit
// has released the owner role (a Store call made from it neither fails
// with ErrReentrant nor waits for itself), and before the call returns —
// through a Store call, Do, an Atomic closure and a Pipeline alike.
func TestMemoryPurgeOffOwner(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var calls int
	var inner error
	saved := freeOSMemory
	defer func() { freeOSMemory = saved }()
	freeOSMemory = func() {
		calls++
		_, inner = s.DBSize(ctx) // would be ErrReentrant while the role is held
	}
	check := func(name string, err error) {
		t.Helper()
		if err != nil || inner != nil || calls != 1 {
			t.Fatalf("%s: err %v, the collection's Store call %v, %d collections (want 1)", name, err, inner, calls)
		}
		calls, inner = 0, nil
	}
	check("Store.MemoryPurge", s.MemoryPurge(ctx))
	_, err = s.Do(ctx, "MEMORY", "PURGE")
	check("Do MEMORY PURGE", err)
	check("Atomic", s.Atomic(ctx, func(tx *Tx) error {
		if err := tx.MemoryPurge(); err != nil {
			return err
		}
		if calls != 0 {
			t.Error("the collection ran inside the closure")
		}
		return nil
	}))
	p := s.Pipeline()
	p.MemoryPurge()
	check("Pipeline", p.Exec(ctx))
}
