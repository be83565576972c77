package dict

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// The Dict benchmarks and the built-in map benchmarks below use the same
// 1M keys ("key:N"), the same values (*val holding a 16-byte string) and the
// same random access order, so their results can be compared line by line.

const benchEntries = 1_000_000

var bench struct {
	once  sync.Once
	keys  []string
	order []int32 // random indices into keys, len a power of two
	dict  *Dict[*val]
	m     map[string]*val
}

func benchSetup(b *testing.B) {
	b.Helper()
	bench.once.Do(func() {
		bench.keys = make([]string, benchEntries)
		for i := range bench.keys {
			bench.keys[i] = memKey(i)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		bench.order = make([]int32, 1<<20)
		for i := range bench.order {
			bench.order[i] = int32(rng.IntN(benchEntries))
		}
		bench.dict = New[*val]()
		bench.m = make(map[string]*val)
		for i, k := range bench.keys {
			v := &val{memValue(i)}
			bench.dict.Set(k, v)
			bench.m[k] = v
		}
		for bench.dict.RehashStep(1 << 20) {
		}
	})
	b.ResetTimer()
}

func BenchmarkDictGet(b *testing.B) {
	benchSetup(b)
	d, keys, order := bench.dict, bench.keys, bench.order
	mask := len(order) - 1
	hits := 0
	for i := 0; i < b.N; i++ {
		if _, ok := d.Get(keys[order[i&mask]]); ok {
			hits++
		}
	}
	if hits != b.N {
		b.Fatal("missing keys")
	}
}

func BenchmarkMapGet(b *testing.B) {
	benchSetup(b)
	m, keys, order := bench.m, bench.keys, bench.order
	mask := len(order) - 1
	hits := 0
	for i := 0; i < b.N; i++ {
		if _, ok := m[keys[order[i&mask]]]; ok {
			hits++
		}
	}
	if hits != b.N {
		b.Fatal("missing keys")
	}
}

// BenchmarkDictSet replaces the value of existing keys of a 1M-entry dict.
func BenchmarkDictSet(b *testing.B) {
	benchSetup(b)
	d, keys, order := bench.dict, bench.keys, bench.order
	mask := len(order) - 1
	v := &val{"0123456789abcdef"}
	for i := 0; i < b.N; i++ {
		d.Set(keys[order[i&mask]], v)
	}
}

// BenchmarkMapSet replaces the value of existing keys of a 1M-entry map.
func BenchmarkMapSet(b *testing.B) {
	benchSetup(b)
	m, keys, order := bench.m, bench.keys, bench.order
	mask := len(order) - 1
	v := &val{"0123456789abcdef"}
	for i := 0; i < b.N; i++ {
		m[keys[order[i&mask]]] = v
	}
}

// BenchmarkDictInsert inserts keys into a dict growing from empty to 1M
// entries (then starts over with a new one); the cost of every resize is
// included.
func BenchmarkDictInsert(b *testing.B) {
	benchSetup(b)
	keys := bench.keys
	v := &val{"0123456789abcdef"}
	var d *Dict[*val]
	for i := 0; i < b.N; i++ {
		j := i % len(keys)
		if j == 0 {
			d = New[*val]()
		}
		d.Set(keys[j], v)
	}
}

// BenchmarkMapInsert is BenchmarkDictInsert for a map without size hint.
func BenchmarkMapInsert(b *testing.B) {
	benchSetup(b)
	keys := bench.keys
	v := &val{"0123456789abcdef"}
	var m map[string]*val
	for i := 0; i < b.N; i++ {
		j := i % len(keys)
		if j == 0 {
			m = make(map[string]*val)
		}
		m[keys[j]] = v
	}
}

// BenchmarkDictDelete deletes and re-inserts random keys of a 1M-entry dict.
func BenchmarkDictDelete(b *testing.B) {
	benchSetup(b)
	d, keys, order := bench.dict, bench.keys, bench.order
	mask := len(order) - 1
	for i := 0; i < b.N; i++ {
		k := keys[order[i&mask]]
		v, _ := d.Delete(k)
		d.Set(k, v)
	}
}

// BenchmarkMapDelete deletes and re-inserts random keys of a 1M-entry map.
func BenchmarkMapDelete(b *testing.B) {
	benchSetup(b)
	m, keys, order := bench.m, bench.keys, bench.order
	mask := len(order) - 1
	for i := 0; i < b.N; i++ {
		k := keys[order[i&mask]]
		v := m[k]
		delete(m, k)
		m[k] = v
	}
}

func BenchmarkDictScan(b *testing.B) {
	benchSetup(b)
	d := bench.dict
	n := 0
	var c uint64
	for i := 0; i < b.N; i++ {
		c = d.Scan(c, func(string, *val) { n++ })
	}
}

func BenchmarkDictRandomKey(b *testing.B) {
	benchSetup(b)
	d := bench.dict
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < b.N; i++ {
		d.RandomKey(rng.Uint64)
	}
}

// The memory benchmarks build a 1M-entry table per iteration and report the
// live heap it occupies, keys and values included, as B/entry.

func benchMemory(b *testing.B, build func(int) any) {
	var bpe float64
	for i := 0; i < b.N; i++ {
		bpe = bytesPerEntry(memEntries, build)
	}
	b.ReportMetric(bpe, "B/entry")
}

func BenchmarkDictMemory(b *testing.B)      { benchMemory(b, buildDictPtr) }
func BenchmarkMapMemory(b *testing.B)       { benchMemory(b, buildMapPtr) }
func BenchmarkDictMemoryIface(b *testing.B) { benchMemory(b, buildDictIface) }
func BenchmarkMapMemoryIface(b *testing.B)  { benchMemory(b, buildMapIface) }

// The 1K benchmarks use a table that fits in cache, so they measure the
// CPU cost of hashing and probing rather than memory latency.

var small struct {
	once sync.Once
	keys []string
	dict *Dict[*val]
	m    map[string]*val
}

func smallSetup(b *testing.B) {
	b.Helper()
	small.once.Do(func() {
		small.keys = make([]string, 1024)
		small.dict = New[*val]()
		small.m = make(map[string]*val)
		for i := range small.keys {
			small.keys[i] = memKey(i)
			v := &val{memValue(i)}
			small.dict.Set(small.keys[i], v)
			small.m[small.keys[i]] = v
		}
		for small.dict.RehashStep(1 << 10) {
		}
	})
	b.ResetTimer()
}

func BenchmarkDictGet1K(b *testing.B) {
	smallSetup(b)
	d, keys := small.dict, small.keys
	for i := 0; i < b.N; i++ {
		d.Get(keys[(i*7)&1023])
	}
}

func BenchmarkMapGet1K(b *testing.B) {
	smallSetup(b)
	m, keys := small.m, small.keys
	for i := 0; i < b.N; i++ {
		_ = m[keys[(i*7)&1023]]
	}
}

func BenchmarkDictSet1K(b *testing.B) {
	smallSetup(b)
	d, keys := small.dict, small.keys
	v := &val{"0123456789abcdef"}
	for i := 0; i < b.N; i++ {
		d.Set(keys[(i*7)&1023], v)
	}
}

func BenchmarkMapSet1K(b *testing.B) {
	smallSetup(b)
	m, keys := small.m, small.keys
	v := &val{"0123456789abcdef"}
	for i := 0; i < b.N; i++ {
		m[keys[(i*7)&1023]] = v
	}
}
