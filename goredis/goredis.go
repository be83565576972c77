// Package goredis runs embedis's typed helpers (Leaderboard, Cache,
// RateLimiter, Lock, Sessions, Counter, StreamWorker) on a real Redis or
// Valkey — standalone, Sentinel or Cluster — through
// github.com/redis/go-redis/v9.
//
// It is a module of its own, so that applications that embed embedis and
// never talk to a Redis server do not depend on go-redis:
//
//	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
//	limiter, err := embedis.NewRateLimiter(goredis.New(rdb), "api", limit)
//
// is the same limiter as one built on embedis.Embedded(store), with its
// state in the cluster instead of the process.
package goredis

import (
	"context"
	"errors"
	"strings"

	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

// New returns the Backend of a go-redis client: a *redis.Client, a
// *redis.ClusterClient, a *redis.Ring or any other redis.UniversalClient.
// Each helper step runs as one script: EVALSHA, then EVAL on NOSCRIPT (a
// server restarted, a cluster node added, SCRIPT FLUSH), so no SCRIPT LOAD
// is needed up front and every node learns the scripts it is sent. The
// client stays the caller's: closing it is the caller's job. New panics if
// c is nil.
func New(c redis.UniversalClient) embedis.Backend {
	if c == nil {
		panic("goredis: New(nil)")
	}
	return backend{c}
}

type backend struct{ c redis.UniversalClient }

// Store returns nil: the state is in the remote Redis.
func (backend) Store() *embedis.Store { return nil }

// Run runs script with EVALSHA, falling back to EVAL when the server does
// not know it, and converts a nil reply to (nil, nil).
func (b backend) Run(ctx context.Context, script *embedis.Script, keys []string, args ...any) (any, error) {
	v, err := b.c.EvalSha(ctx, script.Hash(), keys, args...).Result()
	if err != nil && isNoScript(err) {
		v, err = b.c.Eval(ctx, script.Source(), keys, args...).Result()
	}
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return v, err
}

// isNoScript reports whether err is the server's NOSCRIPT error reply.
func isNoScript(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && strings.HasPrefix(re.Error(), "NOSCRIPT")
}
