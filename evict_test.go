package embedis

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDenyOOMMethods checks the mapping from Store methods to the denyoom
// flag of the command each implements.
func TestDenyOOMMethods(t *testing.T) {
	deny := []string{"Set", "SetArgs", "SetNX", "SetXX", "SetEx", "MSet", "Incr", "IncrByFloat", "Append", "SetRange",
		"HSet", "HSetNX", "HIncrBy", "LPush", "RPushX", "LInsert", "LSet", "LMove", "SAdd", "SInterStore", "ZAdd",
		"ZAddArgs", "ZIncrBy", "ZUnionStore", "GeoAdd", "GeoSearchStore", "Copy", "Restore", "SortStore", "GetSet"}
	allow := []string{"Get", "Del", "Expire", "ExpireNX", "Persist", "LPop", "RPop", "SRem", "ZRem", "HDel", "GetDel",
		"GetEx", "Rename", "Move", "SMove", "FlushAll", "ConfigureEviction", "Eviction", "UsedMemory", "MemoryUsage",
		"ObjectFreq", "LTrim", "LRem", "ZPopMin", "SPop", "HGetAll", "GeoSearch", "Exists", "Unlink"}
	m := denyOOMMethods()
	for _, n := range deny {
		if !m[n] {
			t.Errorf("%s (%s) is not refused under OOM", n, commandOfMethod(n))
		}
	}
	for _, n := range allow {
		if m[n] {
			t.Errorf("%s (%s) is refused under OOM", n, commandOfMethod(n))
		}
	}
	var all []string
	for n := range m {
		all = append(all, n)
	}
	sort.Strings(all)
	t.Logf("refused under OOM: %v", all)
}

// evictStore opens a store on a manual clock with policy and a limit of
// roughly room 100-byte string keys.
func evictStore(t *testing.T, policy string, room int) (*Store, *ManualClock) {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := DefaultEviction()
	c.Policy = policy
	s, err := Open(Options{Clock: clock, Eviction: &c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	base, _ := s.UsedMemory(ctx)
	s.Set(ctx, "probe", strings.Repeat("x", 100), 0)
	one, _ := s.UsedMemory(ctx)
	s.Del(ctx, "probe")
	c.MaxMemory = uint64(base + int64(room)*(one-base))
	if err := s.ConfigureEviction(ctx, c); err != nil {
		t.Fatal(err)
	}
	return s, clock
}

func val() string { return strings.Repeat("v", 100) }

func survivors(s *Store, keys []string) int {
	n := 0
	for _, k := range keys {
		if ok, _ := s.Exists(ctx, k); ok == 1 {
			n++
		}
	}
	return n
}

func keyNames(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

func TestEvictionNoEvictionRefusesWrites(t *testing.T) {
	s, _ := evictStore(t, PolicyNoEviction, 50)
	var refusedAt int
	for i := 0; i < 200; i++ {
		if err := s.Set(ctx, "k"+strconv.Itoa(i), val(), 0); err != nil {
			if !errors.Is(err, ErrOOM) || err.Error() != "OOM command not allowed when used memory > 'maxmemory'." {
				t.Fatalf("Set #%d: %v", i, err)
			}
			refusedAt = i
			break
		}
	}
	if refusedAt < 40 || refusedAt > 60 {
		t.Fatalf("refused at key %d, want about 50", refusedAt)
	}
	// Reads, deletions and commands that do not add data go on; the
	// command-table path (Do) refuses as the Store methods do.
	if v, err := s.Get(ctx, "k0"); err != nil || v != val() {
		t.Fatalf("Get under OOM: %q, %v", v, err)
	}
	if _, err := s.Do(ctx, "SET", "x", "1"); !errors.Is(err, ErrOOM) {
		t.Fatalf("Do SET under OOM: %v", err)
	}
	if _, err := s.LPush(ctx, "l", "1"); !errors.Is(err, ErrOOM) {
		t.Fatalf("LPush under OOM: %v", err)
	}
	if _, err := s.Expire(ctx, "k0", time.Hour); err != nil {
		t.Fatalf("Expire under OOM: %v", err)
	}
	if n, err := s.Del(ctx, keyNames("k", 0, 10)...); n != 10 || err != nil {
		t.Fatalf("Del under OOM: %d, %v", n, err)
	}
	if err := s.Set(ctx, "x", "1", 0); err != nil {
		t.Fatalf("Set after freeing memory: %v", err)
	}
	used, _ := s.UsedMemory(ctx)
	c, _ := s.Eviction(ctx)
	if uint64(used) > c.MaxMemory+uint64(len(val()))*4 {
		t.Fatalf("used %d, limit %d", used, c.MaxMemory)
	}
}

// TestEvictionLRUKeepsWorkingSet is Redis's LRU test idea: fill, read a
// subset, add more keys, count the subset's survivors: allkeys-lru keeps
// nearly all of it, allkeys-random about the share of keys that stay.
func TestEvictionLRUKeepsWorkingSet(t *testing.T) {
	run := func(policy string) float64 {
		s, clock := evictStore(t, policy, 1000)
		old := keyNames("old", 0, 1000)
		for _, k := range old {
			if err := s.Set(ctx, k, val(), 0); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(10 * time.Second)
		hot := old[:200]
		for _, k := range hot {
			s.Get(ctx, k)
		}
		clock.Advance(10 * time.Second)
		for _, k := range keyNames("new", 0, 500) {
			if err := s.Set(ctx, k, val(), 0); err != nil {
				t.Fatal(err)
			}
		}
		st, _ := s.Stats(ctx)
		if st.EvictedKeys < 400 {
			t.Fatalf("%s: %d keys evicted, want about 500", policy, st.EvictedKeys)
		}
		return float64(survivors(s, hot)) / float64(len(hot))
	}
	lru, random := run(PolicyAllKeysLRU), run(PolicyAllKeysRandom)
	t.Logf("working set kept: allkeys-lru %.2f, allkeys-random %.2f", lru, random)
	if lru < 0.9 || random > 0.75 {
		t.Fatalf("allkeys-lru kept %.2f of the working set (want ≥ 0.9), allkeys-random %.2f (want ≤ 0.75)", lru, random)
	}
}

// TestEvictionLFUKeepsHotKeys: keys read often survive a flood of new keys
// under allkeys-lfu, even read long ago.
func TestEvictionLFUKeepsHotKeys(t *testing.T) {
	s, clock := evictStore(t, PolicyAllKeysLFU, 1200)
	keys := keyNames("k", 0, 1000)
	for _, k := range keys {
		s.Set(ctx, k, val(), 0)
	}
	hot := keys[:100]
	for i := 0; i < 50; i++ {
		for _, k := range hot {
			s.Get(ctx, k)
		}
	}
	if f, err := s.ObjectFreq(ctx, hot[0]); err != nil || f <= lfuInit {
		t.Fatalf("OBJECT FREQ of a hot key: %d, %v", f, err)
	}
	if f, err := s.ObjectFreq(ctx, keys[500]); err != nil || f != lfuInit {
		t.Fatalf("OBJECT FREQ of a key written once: %d, %v (want %d)", f, err, lfuInit)
	}
	if _, err := s.ObjectIdleTime(ctx, hot[0]); !errors.Is(err, ErrIdleTimeNotTracked) {
		t.Fatalf("OBJECT IDLETIME under LFU: %v", err)
	}
	clock.Advance(30 * time.Second)
	for _, k := range keyNames("new", 0, 800) {
		s.Set(ctx, k, val(), 0)
		s.Get(ctx, k)
	}
	if n := survivors(s, hot); n < 95 {
		t.Fatalf("%d of 100 hot keys survived", n)
	}
}

func TestEvictionLFUDecay(t *testing.T) {
	s, clock := evictStore(t, PolicyAllKeysLFU, 1000)
	s.Set(ctx, "k", "v", 0)
	for i := 0; i < 200; i++ {
		s.Get(ctx, "k")
	}
	f0, _ := s.ObjectFreq(ctx, "k")
	clock.Advance(3 * time.Minute) // lfu-decay-time 1: one a minute
	if f, _ := s.ObjectFreq(ctx, "k"); f != f0-3 {
		t.Fatalf("OBJECT FREQ %d three minutes after %d", f, f0)
	}
	c, _ := s.Eviction(ctx)
	c.LFUDecayTime = 0
	s.ConfigureEviction(ctx, c)
	// With no decay the counter is what the last access left (OBJECT FREQ
	// stores nothing), however long ago.
	clock.Advance(time.Hour)
	if f, _ := s.ObjectFreq(ctx, "k"); f != f0 {
		t.Fatalf("OBJECT FREQ %d with lfu-decay-time 0, want %d", f, f0)
	}
}

// TestEvictionVolatile: the volatile policies evict only keys with a
// deadline, and refuse writes when none is left; volatile-ttl takes the
// nearest deadlines first.
func TestEvictionVolatile(t *testing.T) {
	for _, policy := range []string{PolicyVolatileLRU, PolicyVolatileLFU, PolicyVolatileRandom, PolicyVolatileTTL} {
		s, _ := evictStore(t, policy, 1000)
		persistent := keyNames("p", 0, 400)
		for _, k := range persistent {
			s.Set(ctx, k, val(), 0)
		}
		volatile := keyNames("v", 0, 600)
		for i, k := range volatile {
			s.Set(ctx, k, val(), time.Hour+time.Duration(i)*time.Second)
		}
		var err error
		for i := 0; i < 2000 && err == nil; i++ {
			err = s.Set(ctx, "n"+strconv.Itoa(i), val(), 0)
		}
		if !errors.Is(err, ErrOOM) {
			t.Fatalf("%s: writes never refused once the volatile keys are gone: %v", policy, err)
		}
		if n := survivors(s, persistent); n != len(persistent) {
			t.Fatalf("%s: %d of %d keys without a deadline survived", policy, n, len(persistent))
		}
		if n := survivors(s, volatile); n != 0 {
			t.Fatalf("%s: %d volatile keys left while refusing writes", policy, n)
		}
	}
	s, _ := evictStore(t, PolicyVolatileTTL, 1000)
	volatile := keyNames("v", 0, 1000)
	for i, k := range volatile {
		s.Set(ctx, k, val(), time.Hour+time.Duration(i)*time.Second)
	}
	for i := 0; i < 300; i++ {
		s.Set(ctx, "n"+strconv.Itoa(i), val(), 0)
	}
	near, far := survivors(s, volatile[:200]), survivors(s, volatile[800:])
	t.Logf("volatile-ttl: %d of the 200 nearest deadlines survived, %d of the 200 farthest", near, far)
	if near > 100 || far < 190 {
		t.Fatalf("volatile-ttl kept %d of the nearest and %d of the farthest deadlines", near, far)
	}
}

// TestEvictionThroughKeyspacePath: an eviction raises "evicted", records a
// DEL and counts evicted_keys, and the accounted memory stays under the
// limit.
func TestEvictionThroughKeyspacePath(t *testing.T) {
	var units [][][]string
	c := DefaultEviction()
	c.Policy = PolicyAllKeysRandom
	c.MaxMemory = 20000
	s, err := Open(Options{Eviction: &c, OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var evicted []string
	s.e.onKeyEvent = func(db int, class eventClass, event, key string) {
		if event == "evicted" {
			if class != classEvicted {
				t.Errorf("evicted in class %c", class)
			}
			evicted = append(evicted, key)
		}
	}
	for i := 0; i < 500; i++ {
		if err := s.Set(ctx, "k"+strconv.Itoa(i), val(), 0); err != nil {
			t.Fatal(err)
		}
		if used, _ := s.UsedMemory(ctx); uint64(used) > c.MaxMemory+1000 {
			t.Fatalf("used %d after key %d, limit %d", used, i, c.MaxMemory)
		}
	}
	st, _ := s.Stats(ctx)
	if len(evicted) == 0 || st.EvictedKeys != int64(len(evicted)) {
		t.Fatalf("%d evicted events, evicted_keys %d", len(evicted), st.EvictedKeys)
	}
	dels := 0
	for _, u := range units {
		for _, cmd := range u {
			if cmd[0] == "DEL" {
				dels++
			}
		}
	}
	if dels != len(evicted) {
		t.Fatalf("%d DEL effects for %d evictions", dels, len(evicted))
	}
	// Replaying the effects gives the same keys.
	r, _ := Open(Options{})
	defer r.Close()
	if err := r.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	a, _ := s.DBSize(ctx)
	b, _ := r.DBSize(ctx)
	if a != b {
		t.Fatalf("replayed store has %d keys, the original %d", b, a)
	}
}

func TestEvictionConfigInvalid(t *testing.T) {
	for _, c := range []EvictionConfig{
		{Policy: "lru", Samples: 5},
		{Policy: PolicyAllKeysLRU, Samples: 0},
		{Policy: PolicyAllKeysLRU, Samples: 5, Tenacity: 101},
		{Policy: PolicyAllKeysLRU, Samples: 5, LFULogFactor: -1},
		{Policy: PolicyAllKeysLRU, Samples: 5, LFUDecayTime: -1},
		{},
	} {
		if _, err := Open(Options{Eviction: &c}); err == nil {
			t.Errorf("Open accepted %+v", c)
		}
		s, _ := Open(Options{})
		if err := s.ConfigureEviction(ctx, c); err == nil {
			t.Errorf("ConfigureEviction accepted %+v", c)
		}
		if got, _ := s.Eviction(ctx); got != DefaultEviction() {
			t.Errorf("a refused configuration changed the store: %+v", got)
		}
		s.Close()
	}
}
