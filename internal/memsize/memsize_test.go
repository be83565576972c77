package memsize

import (
	"runtime"
	"testing"
)

// TestAllocMatchesRuntime checks the class table against the allocator: for
// each size, the heap grows by Alloc(n) per object allocated.
func TestAllocMatchesRuntime(t *testing.T) {
	const count = 2000
	sizes := []int{16, 17, 24, 25, 33, 48, 49, 100, 500, 1000, 1025, 2000, 3000, 5000, 9000, 20000, 33000, 70000}
	var keep [][]*byte
	for _, n := range sizes {
		keep = make([][]*byte, 0, count)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < count; i++ {
			keep = append(keep, make([]*byte, (n+7)/8)) // pointers: no tiny allocator

		}
		runtime.ReadMemStats(&after)
		per := float64(after.TotalAlloc-before.TotalAlloc) / count
		want := float64(Alloc((n + 7) / 8 * 8))
		// The keep slice's own growth is amortised into per: about 16 bytes a
		// slice header, doubled. Allow it.
		if per < want || per > want+48 {
			t.Errorf("Alloc(%d) = %v, the allocator spent %.1f bytes per object", n, want, per)
		}
	}
	runtime.KeepAlive(keep)
}

func TestAllocEdges(t *testing.T) {
	for _, c := range []struct {
		n    int
		want int64
	}{{-1, 0}, {0, 0}, {1, 8}, {8, 8}, {9, 16}, {1024, 1024}, {1025, 1152}, {32768, 32768}, {32769, 40960}} {
		if got := Alloc(c.n); got != c.want {
			t.Errorf("Alloc(%d) = %d, want %d", c.n, got, c.want)
		}
	}
	prev := int64(0)
	for n := 1; n <= 40000; n++ {
		a := Alloc(n)
		if a < int64(n) || a < prev {
			t.Fatalf("Alloc(%d) = %d (previous %d)", n, a, prev)
		}
		prev = a
	}
}

// TestStringMatchesRuntime checks String against the heap's growth for
// strings built at run time, tiny ones included.
func TestStringMatchesRuntime(t *testing.T) {
	const count = 4000
	src := make([]byte, 40000)
	for _, n := range []int{2, 5, 6, 8, 12, 15, 16, 17, 30, 33, 64, 65, 200, 1000, 5000, 40000} {
		keep := make([]string, 0, count)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < count; i++ {
			keep = append(keep, string(src[:n]))
		}
		runtime.ReadMemStats(&after)
		per := float64(after.TotalAlloc-before.TotalAlloc) / count
		want := float64(String(n))
		if raceEnabled {
			// No tiny allocator under -race: String estimates a build
			// without it; -race spends a size class of at least 16 bytes.
			want = float64(max(Alloc(n), 16))
		}
		if per < want*0.9 || per > want*1.15+2 {
			t.Errorf("String(%d) = %v, the allocator spent %.1f bytes per string", n, want, per)
		}
		runtime.KeepAlive(keep)
	}
}
