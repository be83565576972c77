package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/embedis/embedis"
)

type product struct {
	SKU   string
	Price int
}

// A read-through cache in front of a slow lookup: the first GetOrLoad
// loads, the next ones hit; an unknown SKU is cached as not found for a
// shorter time.
func ExampleCache_GetOrLoad() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	products, err := embedis.NewCache(embedis.Embedded(s), "products", embedis.CacheOptions[product]{
		TTL:         time.Minute,
		Jitter:      0.1, // each value lives 60 to 66 s
		NegativeTTL: 5 * time.Second,
	})
	if err != nil {
		panic(err)
	}
	load := func(ctx context.Context, sku string) (product, error) {
		if sku != "A-1" {
			return product{}, fmt.Errorf("sku %s: %w", sku, embedis.ErrCacheNotFound)
		}
		return product{sku, 1200}, nil
	}

	p, _ := products.GetOrLoad(ctx, "A-1", load)
	p, _ = products.GetOrLoad(ctx, "A-1", load)
	fmt.Println(p.SKU, p.Price)
	_, err = products.GetOrLoad(ctx, "Z-9", load)
	fmt.Println(errors.Is(err, embedis.ErrCacheNotFound))

	raw, _ := s.Get(ctx, "products:{A-1}")
	fmt.Println(raw)
	fmt.Printf("%+v\n", products.Stats())
	// Output:
	// A-1 1200
	// true
	// {"SKU":"A-1","Price":1200}
	// {Hits:1 NegativeHits:0 Misses:2 Loads:2}
}

// However many callers miss a key at once, the loader runs once.
func ExampleCache_GetOrLoad_stampede() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	c, _ := embedis.NewCache(embedis.Embedded(s), "reports", embedis.CacheOptions[string]{TTL: time.Minute})

	var mu sync.Mutex
	calls := 0
	slowReport := func(ctx context.Context, key string) (string, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		return "report " + key, nil
	}
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.GetOrLoad(ctx, "2026-q4", slowReport)
		}()
	}
	wg.Wait()
	v, _ := c.Get(ctx, "2026-q4")
	fmt.Println(v, "- loader calls:", calls)
	// Output: report 2026-q4 - loader calls: 1
}

// Tags group keys for invalidation: everything cached about one user goes
// at once.
func ExampleCache_InvalidateTag() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	c, _ := embedis.NewCache(embedis.Embedded(s), "pages", embedis.CacheOptions[string]{TTL: time.Hour})

	c.Set(ctx, "/u/42/profile", "<profile>", "user:42")
	c.Set(ctx, "/u/42/orders", "<orders>", "user:42")
	c.Set(ctx, "/u/7/profile", "<profile>", "user:7")

	n, _ := c.InvalidateTag(ctx, "user:42")
	_, err := c.Get(ctx, "/u/42/orders")
	v, _ := c.Get(ctx, "/u/7/profile")
	fmt.Println(n, errors.Is(err, embedis.ErrCacheMiss), v)

	n, _ = c.InvalidatePrefix(ctx, "/u/")
	fmt.Println(n)
	// Output:
	// 2 true <profile>
	// 1
}
