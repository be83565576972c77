package goredis_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/helpersuite"
	"github.com/embedis/embedis/server"
	"github.com/redis/go-redis/v9"
)

// TestConformanceEmbedisServer runs every helper's conformance suite on an
// embedis server, through go-redis, as on redis-server: the helpers' Lua
// scripts (EVALSHA, then EVAL on NOSCRIPT) run unchanged on embedis's
// scripting. The store runs on the wall clock, as redis-server does, since
// the remote suites wait in real time.
func TestConformanceEmbedisServer(t *testing.T) {
	store, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(store, server.Options{Dir: t.TempDir()})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	rdb := redis.NewClient(&redis.Options{Addr: l.Addr().String()})
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	helpersuite.RunAll(t, func(t *testing.T) helpersuite.Env {
		return helpersuite.Env{
			Name:    "embedis-server",
			Backend: goredis.New(rdb),
			Prefix:  fmt.Sprintf("t%d:", envs.Add(1)),
			Advance: time.Sleep,
			Remote:  true,
		}
	})
}
