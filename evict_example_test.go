package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/embedis/embedis"
)

// A bounded cache: a memory limit with allkeys-lru keeps the store under
// it by evicting the least recently used keys; under noeviction, writes
// fail with ErrOOM instead.
func ExampleEvictionConfig() {
	ctx := context.Background()
	c := embedis.DefaultEviction()
	c.MaxMemory = 1 << 20 // 1 MB of keys, values and their bookkeeping
	c.Policy = embedis.PolicyAllKeysLRU
	s, err := embedis.Open(embedis.Options{Eviction: &c})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for i := 0; i < 20000; i++ {
		s.Set(ctx, "page:"+strconv.Itoa(i), strings.Repeat("x", 100), 0)
	}
	used, _ := s.UsedMemory(ctx)
	st, _ := s.Stats(ctx)
	fmt.Println("under the limit:", used <= int64(c.MaxMemory), "evicted some:", st.EvictedKeys > 0)
	n, _ := s.MemoryUsage(ctx, "page:19999", 0)
	fmt.Println("one key's bytes estimated:", n > 100)

	c.Policy = embedis.PolicyNoEviction
	c.MaxMemory = 1000
	s.ConfigureEviction(ctx, c)
	err = s.Set(ctx, "one-more", "v", 0)
	fmt.Println(errors.Is(err, embedis.ErrOOM), err)
	// Output:
	// under the limit: true evicted some: true
	// one key's bytes estimated: true
	// true OOM command not allowed when used memory > 'maxmemory'.
}
