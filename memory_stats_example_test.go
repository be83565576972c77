package embedis_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/embedis/embedis"
)

// A bounded cache that counts what it evicts: Options.OnEvicted is called
// for every key the policy removes, after the command that evicted it, and
// MemoryStats reports the memory as MEMORY STATS does.
func ExampleOptions_onEvicted() {
	ctx := context.Background()
	var evicted atomic.Int64
	c := embedis.DefaultEviction()
	c.Policy = embedis.PolicyAllKeysLRU
	c.MaxMemory = 256 << 10 // 256 KB of data
	s, _ := embedis.Open(embedis.Options{
		Eviction:  &c,
		OnEvicted: func(db int, key string) { evicted.Add(1) },
	})
	defer s.Close()
	for i := 0; i < 10000; i++ {
		s.Set(ctx, fmt.Sprintf("item:%d", i), strings.Repeat("x", 100), 0)
	}
	st, _ := s.MemoryStats(ctx)
	stats, _ := s.Stats(ctx)
	// Eviction runs before each write, so the last write may pass the
	// limit by what it added.
	fmt.Println("within the limit:", st.TotalAllocated <= int64(c.MaxMemory)+1024)
	fmt.Println("keys + evicted = written:", st.KeysCount+evicted.Load() == 10000)
	fmt.Println("hook saw every eviction:", evicted.Load() == stats.EvictedKeys)
	// Output:
	// within the limit: true
	// keys + evicted = written: true
	// hook saw every eviction: true
}
