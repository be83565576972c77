package bench

import "testing"

// sized returns full, or short under -short: test.sh runs every benchmark
// once with -short to keep it working, and the sizes that make a figure
// meaningful (a million members, 100,000 keys) only make that pass slow —
// and a big data set built once stays on the heap, slowing every later
// benchmark's garbage collections.
func sized(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

// skipBigUnderShort skips a sub-benchmark of more than 1,000 elements under
// -short (see sized).
func skipBigUnderShort(b *testing.B, n int) {
	if testing.Short() && n > 1_000 {
		b.Skip("-short: the 1K row runs the same code")
	}
}
