package goredis

import (
	"context"
	"sync"

	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

var _ embedis.KeyScanner = backend{}

// scanCount is SCAN's COUNT hint: the keys one SCAN call looks at.
const scanCount = 256

// ScanKeys lists the keys matching the glob pattern match with SCAN on
// every node that holds data: each master of a Cluster (a replica holds
// the same keys), each shard of a Ring, the one server otherwise. It calls
// fn with each batch SCAN returns, one call at a time even though the
// nodes are scanned in parallel. A key present for the whole scan is
// passed at least once and may be passed more than once (as SCAN
// guarantees; a slot migrating meanwhile can also move a key past the
// scan). It implements embedis.KeyScanner, which Cache.InvalidatePrefix
// uses.
func (b backend) ScanKeys(ctx context.Context, match string, fn func(keys []string) error) error {
	var mu sync.Mutex
	scan := func(ctx context.Context, c redis.Cmdable) error {
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, match, scanCount).Result()
			if err != nil {
				return err
			}
			if len(keys) > 0 {
				mu.Lock()
				err = fn(keys)
				mu.Unlock()
				if err != nil {
					return err
				}
			}
			if next == 0 {
				return nil
			}
			cursor = next
		}
	}
	each := func(ctx context.Context, c *redis.Client) error { return scan(ctx, c) }
	switch c := b.c.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, each)
	case *redis.Ring:
		return c.ForEachShard(ctx, each)
	}
	return scan(ctx, b.c)
}
