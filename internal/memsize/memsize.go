// Package memsize estimates what the Go heap spends on an allocation, for
// the store's memory accounting (MEMORY USAGE, INFO memory, maxmemory).
//
// The Go allocator rounds every small object (up to 32 KiB) up to one of
// its size classes and every larger one up to whole 8 KiB pages, so a
// 17-byte string costs 24 bytes and a 33-byte one 48. Counting len(s)
// instead would under-report short strings by up to a half, and short
// strings are most of a cache's keys and values. The table below is the
// runtime's (runtime/sizeclasses.go, Go 1.21 to 1.26); a test compares it
// with what the allocator really hands out, so a Go release that changes
// the classes fails loudly rather than skewing the estimates.
//
// What the estimate leaves out: the allocator's per-span bookkeeping, heap
// fragmentation and the garbage not yet collected. Those are the Go
// runtime's, reported next to the estimate (INFO memory's
// mem_fragmentation_ratio), not attributed to keys.
package memsize

// classes are the runtime's small-object size classes, ascending.
var classes = [...]uint32{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
}

// small maps (n+7)/8 to the index of the smallest class holding n bytes,
// for n up to 1024: most allocations the store makes are this small, and a
// table lookup beats a binary search on the hot path.
var small [1024/8 + 1]uint8

func init() {
	c := 0
	for i := range small {
		for int(classes[c]) < i*8 {
			c++
		}
		small[i] = uint8(c)
	}
}

const (
	maxSmall = 32768
	pageSize = 8192
)

// Alloc returns the bytes the Go allocator spends on an object of n bytes:
// 0 for n ≤ 0, the size class for small objects, whole pages beyond.
func Alloc(n int) int64 {
	switch {
	case n <= 0:
		return 0
	case n <= 1024:
		return int64(classes[small[(n+7)>>3]])
	case n <= maxSmall:
		lo, hi := int(small[128]), len(classes)-1
		for lo < hi {
			m := (lo + hi) / 2
			if int(classes[m]) < n {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return int64(classes[lo])
	}
	return (int64(n) + pageSize - 1) / pageSize * pageSize
}

// String returns the bytes a string of n bytes holds on the heap, beyond
// its 16-byte header (counted where the header lives). Below 16 bytes the
// runtime's tiny allocator packs pointer-free objects into shared 16-byte
// blocks: a block holds 16/n strings of n bytes, the rest of it is lost, so
// such a string costs 16/(16/n) bytes (5 bytes: 5; 12 bytes: 16). From 16
// bytes on it costs its size class. (A string of one byte converted from a
// byte slice costs nothing: the runtime has them all; it is counted as 1.)
func String(n int) int64 {
	switch {
	case n <= 1:
		return int64(max(n, 0))
	case n < 16:
		return int64(16 / (16 / n))
	}
	return Alloc(n)
}
