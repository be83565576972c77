package embedis_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/embedis/embedis"
)

// nearCache keeps values read from the store until the store says they may
// have changed.
type nearCache struct {
	tk *embedis.Tracking
	mu sync.Mutex
	m  map[string]string
}

func (c *nearCache) get(ctx context.Context, key string) (v string, hit bool) {
	c.drain()
	c.mu.Lock()
	v, hit = c.m[key]
	c.mu.Unlock()
	if hit {
		return v, true
	}
	c.tk.Atomic(ctx, func(tx *embedis.Tx) error {
		v, _ = tx.Get(key)
		return nil
	})
	c.mu.Lock()
	c.m[key] = v
	c.mu.Unlock()
	return v, false
}

// drain applies the invalidations that have arrived.
func (c *nearCache) drain() {
	for {
		select {
		case inv := <-c.tk.Invalidations():
			c.mu.Lock()
			if inv.Flush {
				clear(c.m)
			}
			for _, k := range inv.Keys {
				delete(c.m, k)
			}
			c.mu.Unlock()
		default:
			return
		}
	}
}

// A near-cache on Store.Track: reads are served locally until a write, from
// anywhere, invalidates them.
func ExampleStore_Track() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	s.Set(ctx, "greeting", "hello", 0)

	tk, _ := s.Track(ctx, embedis.TrackingOptions{})
	defer tk.Close()
	c := &nearCache{tk: tk, m: map[string]string{}}

	fmt.Println(c.get(ctx, "greeting"))
	fmt.Println(c.get(ctx, "greeting"))
	s.Set(ctx, "greeting", "bonjour", 0)
	inv := <-tk.Invalidations() // queued before Set returned
	fmt.Println("invalidated:", inv.Keys)
	c.mu.Lock()
	delete(c.m, inv.Keys[0])
	c.mu.Unlock()
	fmt.Println(c.get(ctx, "greeting"))
	// Output:
	// hello false
	// hello true
	// invalidated: [greeting]
	// bonjour false
}
