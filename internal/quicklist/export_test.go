package quicklist

// SetPackedThreshold sets the size from which elements get plain nodes
// (Redis's DEBUG QUICKLIST-PACKED-THRESHOLD) and returns a function that
// restores the previous one.
func SetPackedThreshold(n int) func() {
	old := packedThreshold
	packedThreshold = n
	return func() { packedThreshold = old }
}
