package bench

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// BenchmarkMaxMemorySetGet is GET and SET throughput with maxmemory set
// and evicting, next to the same commands without a limit, on three
// targets whose lines sit together:
//
//   - embedded: the Store in process, one call per command;
//   - server: embedis-server (cmd/embedis-server) through go-redis on a
//     Unix socket, pipelines of 100 commands;
//   - redis: redis-server (internal/redistest) the same way.
//
// Each target is first filled with keysLimited keys "key:N" holding
// distinct 64-byte values. Then, for the "allkeys-lru" and "allkeys-lfu"
// rows, maxmemory is set to the memory the target reports holding at that
// moment (UsedMemory; INFO memory's used_memory), under that policy; for
// the "nolimit" rows it stays 0. SET writes a new key per command
// ("new:N"), so under a limit every SET evicts about one key (the
// "evicted" metric counts them); GET reads a random key of the fill, so
// under a limit it pays the LRU/LFU access update with the store full.
// ns/op is per command. (redis-server's used_memory counts its client
// buffers, so its first pipeline under the limit evicts a few hundred keys
// at once to make room for them; "evicted" shows it.)
//
//	cd bench && go test -run '^$' -bench MaxMemorySetGet -benchtime 1s -count 3
//
// Under -short the fill is 1,000 keys instead of 100,000.
func BenchmarkMaxMemorySetGet(b *testing.B) {
	fill := sized(100_000, 1_000)
	for _, op := range []string{"SET", "GET"} {
		for _, mode := range []string{"nolimit", embedis.PolicyAllKeysLRU, embedis.PolicyAllKeysLFU} {
			prefix := op + "/" + mode + "/"
			b.Run(prefix+"embedded", func(b *testing.B) { benchMaxMemory(b, op, mode, fill, storeMM(b)) })
			b.Run(prefix+"server", func(b *testing.B) {
				benchMaxMemory(b, op, mode, fill, remoteMM(b, startEmbedisServer(b).sock))
			})
			b.Run(prefix+"redis", func(b *testing.B) {
				benchMaxMemory(b, op, mode, fill, remoteMM(b, redistest.Start(b).Socket))
			})
		}
	}
}

// mmBatch is how many commands a server or redis pipeline holds.
const mmBatch = 100

// mmTarget is one of the targets: batches of SETs and GETs, the memory it
// reports, and how to set its limit.
type mmTarget struct {
	set     func(keys, values []string) error
	get     func(keys []string) error
	used    func() (int64, error)
	limit   func(maxmemory int64, policy string) error
	evicted func() (int64, error)
}

func storeMM(b *testing.B) mmTarget {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	return mmTarget{
		set: func(keys, values []string) error {
			for i, k := range keys {
				if err := s.Set(ctx, k, values[i], 0); err != nil {
					return err
				}
			}
			return nil
		},
		get: func(keys []string) error {
			for _, k := range keys {
				if _, err := s.Get(ctx, k); err != nil && !errors.Is(err, embedis.ErrNotFound) {
					return err
				}
			}
			return nil
		},
		used: func() (int64, error) { return s.UsedMemory(ctx) },
		limit: func(maxmemory int64, policy string) error {
			c := embedis.DefaultEviction()
			c.MaxMemory, c.Policy = uint64(maxmemory), policy
			return s.ConfigureEviction(ctx, c)
		},
		evicted: func() (int64, error) {
			st, err := s.Stats(ctx)
			return st.EvictedKeys, err
		},
	}
}

func remoteMM(b *testing.B, sock string) mmTarget {
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	b.Cleanup(func() { rc.Close() })
	ctx := context.Background()
	info := func(section, field string) (int64, error) {
		text, err := rc.Info(ctx, section).Result()
		if err != nil {
			return 0, err
		}
		for _, line := range strings.Split(text, "\r\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				return strconv.ParseInt(v, 10, 64)
			}
		}
		return 0, errNoInfoField(field)
	}
	return mmTarget{
		set: func(keys, values []string) error {
			p := rc.Pipeline()
			for i, k := range keys {
				p.Set(ctx, k, values[i], 0)
			}
			_, err := p.Exec(ctx)
			return err
		},
		get: func(keys []string) error {
			p := rc.Pipeline()
			for _, k := range keys {
				p.Get(ctx, k)
			}
			if _, err := p.Exec(ctx); err != nil && err != redis.Nil {
				return err
			}
			return nil
		},
		used: func() (int64, error) { return info("memory", "used_memory") },
		limit: func(maxmemory int64, policy string) error {
			if err := rc.ConfigSet(ctx, "maxmemory-policy", policy).Err(); err != nil {
				return err
			}
			return rc.ConfigSet(ctx, "maxmemory", strconv.FormatInt(maxmemory, 10)).Err()
		},
		evicted: func() (int64, error) { return info("stats", "evicted_keys") },
	}
}

// errNoInfoField is an INFO reply without the field asked for.
type errNoInfoField string

func (e errNoInfoField) Error() string { return "no " + string(e) + " in INFO" }

// benchMaxMemory fills t with fill keys, sets the limit for mode, and runs
// b.N commands op in batches of mmBatch. Every SET stores a value of its
// own (64 bytes, built in the loop for every target alike), as an
// application's values are.
func benchMaxMemory(b *testing.B, op, mode string, fill int, t mmTarget) {
	value := func(i int) string { return strconv.Itoa(1e9+i) + strings.Repeat("v", 54) }
	keys := make([]string, 0, mmBatch)
	vals := make([]string, 0, mmBatch)
	for start := 0; start < fill; start += mmBatch {
		keys, vals = keys[:0], vals[:0]
		for i := start; i < min(start+mmBatch, fill); i++ {
			keys = append(keys, "key:"+strconv.Itoa(i))
			vals = append(vals, value(i))
		}
		if err := t.set(keys, vals); err != nil {
			b.Fatal(err)
		}
	}
	if mode != "nolimit" {
		used, err := t.used()
		if err != nil {
			b.Fatal(err)
		}
		if err := t.limit(used, mode); err != nil {
			b.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += mmBatch {
		keys, vals = keys[:0], vals[:0]
		for j := i; j < min(i+mmBatch, b.N); j++ {
			if op == "SET" {
				keys = append(keys, "new:"+strconv.Itoa(j))
				vals = append(vals, value(j))
			} else {
				keys = append(keys, "key:"+strconv.Itoa(r.IntN(fill)))
			}
		}
		var err error
		if op == "SET" {
			err = t.set(keys, vals)
		} else {
			err = t.get(keys)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	ev, err := t.evicted()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(ev), "evicted")
}
