package helpersuite

import "testing"

// The slots redis-server's CLUSTER KEYSLOT gives for these keys.
func TestKeySlot(t *testing.T) {
	for key, want := range map[string]int{
		"":              0,
		"a":             15495,
		"b":             3300,
		"foo":           12182,
		"123456789":     12739,
		"{user1000}.x":  3443,
		"x{user1000}":   3443,
		"{}user1000":    7326,
		"{user1000":     8723,
		"a{}{user1000}": 6424,
		"{{user1000}}":  8723,
	} {
		if got := KeySlot(key); got != want {
			t.Errorf("KeySlot(%q) = %d, want %d", key, got, want)
		}
	}
}
