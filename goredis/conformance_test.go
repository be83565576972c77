package goredis_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/helpersuite"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

var envs atomic.Int64

// TestConformanceRedis runs every helper's conformance suite on a real
// redis-server (one per suite run, on a Unix socket), through go-redis.
func TestConformanceRedis(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	helpersuite.RunAll(t, func(t *testing.T) helpersuite.Env {
		return helpersuite.Env{
			Name:    "redis",
			Backend: goredis.New(rdb),
			Prefix:  fmt.Sprintf("t%d:", envs.Add(1)),
			Advance: time.Sleep,
			Remote:  true,
		}
	})
}

// TestConformanceCluster runs every helper's conformance suite on a 3-node
// Redis Cluster on loopback (the test binary's shared cluster, each subtest
// with its own key prefix), through go-redis's cluster client, which sends
// each script to the node serving its keys' slot.
func TestConformanceCluster(t *testing.T) {
	cluster := sharedCluster(t)
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Addrs})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.ForEachShard(context.Background(), func(ctx context.Context, c *redis.Client) error {
		return c.Ping(ctx).Err()
	}); err != nil {
		t.Fatal(err)
	}
	helpersuite.RunAll(t, func(t *testing.T) helpersuite.Env {
		return helpersuite.Env{
			Name:    "cluster",
			Backend: goredis.New(rdb),
			Prefix:  fmt.Sprintf("t%d:", envs.Add(1)),
			Advance: time.Sleep,
			Remote:  true,
		}
	})
}
