// Package compat checks that real Redis clients work unchanged against an
// embedis server. It is a module of its own so that the clients never enter
// embedis's go.mod.
package compat

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/redis/go-redis/v9"
)

var ctx = context.Background()

// clients returns go-redis clients of the server: over TCP in RESP2 and
// RESP3 (go-redis v9's default, negotiated with HELLO), and through the
// in-memory dialer.
func clients(t *testing.T, srv *embedistest.Server) map[string]*redis.Client {
	t.Helper()
	out := map[string]*redis.Client{
		"tcp-resp2": redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: 2}),
		"tcp-resp3": redis.NewClient(&redis.Options{Addr: srv.Addr, Protocol: 3}),
		"in-memory": redis.NewClient(&redis.Options{Dialer: srv.Dialer(), Protocol: 3}),
	}
	for _, c := range out {
		t.Cleanup(func() { c.Close() })
	}
	return out
}

func TestGoRedisPlain(t *testing.T) {
	srv := embedistest.Run(t)
	for name, rdb := range clients(t, srv) {
		t.Run(name, func(t *testing.T) {
			rdb.FlushAll(ctx)
			if err := rdb.Set(ctx, "k", "v", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
				t.Fatalf("GET = %q, %v", v, err)
			}
			if _, err := rdb.Get(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
				t.Fatalf("GET missing = %v, want redis.Nil", err)
			}
			if n, err := rdb.IncrBy(ctx, "n", 5).Result(); err != nil || n != 5 {
				t.Fatalf("INCRBY = %d, %v", n, err)
			}
			if f, err := rdb.IncrByFloat(ctx, "f", 0.1).Result(); err != nil || f != 0.1 {
				t.Fatalf("INCRBYFLOAT = %v, %v", f, err)
			}
			if d, err := rdb.TTL(ctx, "k").Result(); err != nil || d != time.Minute {
				t.Fatalf("TTL = %v, %v", d, err)
			}
			vals, err := rdb.MGet(ctx, "k", "missing", "n").Result()
			if err != nil || len(vals) != 3 || vals[0] != "v" || vals[1] != nil || vals[2] != "5" {
				t.Fatalf("MGET = %#v, %v", vals, err)
			}
			err = rdb.Incr(ctx, "k").Err()
			if err == nil || err.Error() != "ERR value is not an integer or out of range" {
				t.Fatalf("INCR of a string: %v", err)
			}
			keys, err := rdb.Keys(ctx, "*").Result()
			if err != nil || len(keys) != 3 {
				t.Fatalf("KEYS = %v, %v", keys, err)
			}
			var all []string
			iter := rdb.Scan(ctx, 0, "*", 2).Iterator()
			for iter.Next(ctx) {
				all = append(all, iter.Val())
			}
			if iter.Err() != nil || len(all) != 3 {
				t.Fatalf("SCAN iterator = %v, %v", all, iter.Err())
			}
			if s, err := rdb.Ping(ctx).Result(); err != nil || s != "PONG" {
				t.Fatalf("PING = %q, %v", s, err)
			}
			if info, err := rdb.Info(ctx, "keyspace").Result(); err != nil || len(info) == 0 {
				t.Fatalf("INFO = %q, %v", info, err)
			}
			if cfg, err := rdb.ConfigGet(ctx, "maxmemory").Result(); err != nil || cfg["maxmemory"] != "0" {
				t.Fatalf("CONFIG GET = %v, %v", cfg, err)
			}
		})
	}
}

func TestGoRedisPipelineAndTransactions(t *testing.T) {
	srv := embedistest.Run(t)
	for name, rdb := range clients(t, srv) {
		t.Run(name, func(t *testing.T) {
			rdb.FlushAll(ctx)
			cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := 0; i < 100; i++ {
					p.Incr(ctx, "counter")
				}
				p.Get(ctx, "counter")
				return nil
			})
			if err != nil || len(cmds) != 101 {
				t.Fatalf("pipeline: %d cmds, %v", len(cmds), err)
			}
			if v := cmds[100].(*redis.StringCmd).Val(); v != "100" {
				t.Fatalf("pipelined GET = %q", v)
			}
			// MULTI/EXEC.
			cmds, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "a", "1", 0)
				p.Incr(ctx, "a")
				return nil
			})
			if err != nil || cmds[1].(*redis.IntCmd).Val() != 2 {
				t.Fatalf("MULTI/EXEC: %v, %v", cmds, err)
			}
			// WATCH: a concurrent increment loop with optimistic retries
			// must not lose updates.
			const workers, each = 8, 25
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						for {
							err := rdb.Watch(ctx, func(tx *redis.Tx) error {
								n, err := tx.Get(ctx, "watched").Int()
								if err != nil && !errors.Is(err, redis.Nil) {
									return err
								}
								_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
									p.Set(ctx, "watched", strconv.Itoa(n+1), 0)
									return nil
								})
								return err
							}, "watched")
							if err == nil {
								break
							}
							if !errors.Is(err, redis.TxFailedErr) {
								t.Error(err)
								return
							}
						}
					}
				}()
			}
			wg.Wait()
			if n, _ := rdb.Get(ctx, "watched").Int(); n != workers*each {
				t.Fatalf("watched counter = %d, want %d: a WATCH let an update be lost", n, workers*each)
			}
		})
	}
}

func TestGoRedisExpiryFollowsTheManualClock(t *testing.T) {
	srv := embedistest.Run(t)
	rdb := redis.NewClient(&redis.Options{Dialer: srv.Dialer()})
	defer rdb.Close()
	rdb.Set(ctx, "session", "alice", 30*time.Minute)
	srv.Clock.Advance(30*time.Minute + time.Millisecond)
	if _, err := rdb.Get(ctx, "session").Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET after the TTL = %v, want redis.Nil", err)
	}
	if n, _ := rdb.DBSize(ctx).Result(); n != 0 {
		t.Fatalf("DBSIZE = %d: the key was not removed by the clock", n)
	}
}

// TestGoRedisSnapshots: go-redis's Save, BgSave and LastSave, and a fake
// started from the dump.rdb they wrote.
func TestGoRedisSnapshots(t *testing.T) {
	srv := embedistest.Run(t)
	for name, rdb := range clients(t, srv) {
		t.Run(name, func(t *testing.T) {
			before, err := rdb.LastSave(ctx).Result()
			if err != nil || before <= 0 {
				t.Fatalf("LASTSAVE = %d, %v", before, err)
			}
			rdb.Set(ctx, "k", name, 0)
			if s, err := rdb.Save(ctx).Result(); err != nil || s != "OK" {
				t.Fatalf("SAVE = %q, %v", s, err)
			}
			if after, err := rdb.LastSave(ctx).Result(); err != nil || after < before {
				t.Fatalf("LASTSAVE after SAVE = %d, %v; before %d", after, err, before)
			}
			if s, err := rdb.BgSave(ctx).Result(); err != nil || s != "Background saving started" {
				t.Fatalf("BGSAVE = %q, %v", s, err)
			}
			// A second BGSAVE may find the first still running: Redis's error.
			if err := rdb.BgSave(ctx).Err(); err != nil && err.Error() != "ERR Background save already in progress" {
				t.Fatalf("second BGSAVE: %v", err)
			}
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				info, err := rdb.Info(ctx, "persistence").Result()
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(info, "rdb_bgsave_in_progress:0\r\n") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the BGSAVE did not end")
				}
			}
		})
	}
	srv.Server.Close() // waits for (abandons) the BGSAVE; the SAVEd file stays
	fake := embedistest.RunWith(t, embedistest.Options{DumpFile: srv.Dir + "/dump.rdb"})
	rdb := redis.NewClient(&redis.Options{Addr: fake.Addr})
	defer rdb.Close()
	if v, err := rdb.Get(ctx, "k").Result(); err != nil || v == "" {
		t.Fatalf("GET k from the dump = %q, %v", v, err)
	}
}
