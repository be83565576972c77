package bench

import (
	"context"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	_ "github.com/embedis/embedis/scripting"
	"github.com/redis/go-redis/v9"
)

// lockRelease is the lock release every Redis lock library sends (redislock,
// redsync, the seed's own lock): delete the key only if it still holds the
// caller's token.
const lockRelease = `if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end`

// lockReleaseLibrary is the same release as a Redis 7.0 function, for
// FCALL release 1 lock token.
const lockReleaseLibrary = "#!lua name=lockbench\n" +
	`redis.register_function('release', function(keys, args) if redis.call("get",keys[1]) == args[1] then return redis.call("del",keys[1]) else return 0 end end)`

// BenchmarkLockRelease: the lock release script, two ways per op.
//
//   - held: SET the lock to the token, then release it (GET, compare, DEL:
//     the script returns 1). Remote lines send SET and EVALSHA in one
//     pipeline (one round trip).
//   - other: the lock holds another token, so the release only reads it
//     (GET, compare: the script returns 0) — the script's own cost, nothing
//     written.
//
// Each runs as Store.Eval, Store.EvalSha and Store.FCall on the embedded
// store, as a Go Atomic closure doing the same (Get, compare, Del), and as
// EVALSHA and FCALL through go-redis to an embedis server and to
// redis-server on Unix sockets (the redis lines are skipped without
// redis-server). The lines of one way sit together.
//
//	cd bench && go test -run '^$' -bench BenchmarkLockRelease -benchmem
func BenchmarkLockRelease(b *testing.B) {
	ctx := context.Background()
	keys := []string{"lock"}
	type step struct {
		name  string
		value string // what the lock holds before the release
		want  int64
	}
	steps := []step{{"held", "token", 1}, {"other", "someone-else", 0}}

	embedded := func(b *testing.B, st step, release func(s *embedis.Store, sha string) (int64, error)) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		sha, err := s.ScriptLoad(ctx, lockRelease)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.FunctionLoad(ctx, lockReleaseLibrary, true); err != nil {
			b.Fatal(err)
		}
		if err := s.Set(ctx, "lock", st.value, 0); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if st.want == 1 {
				if err := s.Set(ctx, "lock", st.value, 0); err != nil {
					b.Fatal(err)
				}
			}
			if n, err := release(s, sha); err != nil || n != st.want {
				b.Fatal(n, err)
			}
		}
	}
	remote := func(b *testing.B, st step, rdb *redis.Client, fcall bool) {
		sha, err := rdb.ScriptLoad(ctx, lockRelease).Result()
		if err != nil {
			b.Fatal(err)
		}
		if err := rdb.FunctionLoadReplace(ctx, lockReleaseLibrary).Err(); err != nil {
			b.Fatal(err)
		}
		release := func(c redis.Cmdable) *redis.Cmd {
			if fcall {
				return c.FCall(ctx, "release", keys, "token")
			}
			return c.EvalSha(ctx, sha, keys, "token")
		}
		if err := rdb.Set(ctx, "lock", st.value, 0).Err(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			var cmd *redis.Cmd
			if st.want == 1 {
				p := rdb.Pipeline()
				p.Set(ctx, "lock", st.value, 0)
				cmd = release(p)
				if _, err := p.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			} else {
				cmd = release(rdb)
			}
			if n, err := cmd.Int64(); err != nil || n != st.want {
				b.Fatal(n, err)
			}
		}
	}

	for _, st := range steps {
		b.Run(st.name+"/embedded-eval", func(b *testing.B) {
			embedded(b, st, func(s *embedis.Store, _ string) (int64, error) {
				v, err := s.Eval(ctx, lockRelease, keys, "token")
				n, _ := v.(int64)
				return n, err
			})
		})
		b.Run(st.name+"/embedded-evalsha", func(b *testing.B) {
			embedded(b, st, func(s *embedis.Store, sha string) (int64, error) {
				v, err := s.EvalSha(ctx, sha, keys, "token")
				n, _ := v.(int64)
				return n, err
			})
		})
		b.Run(st.name+"/embedded-fcall", func(b *testing.B) {
			embedded(b, st, func(s *embedis.Store, _ string) (int64, error) {
				v, err := s.FCall(ctx, "release", keys, "token")
				n, _ := v.(int64)
				return n, err
			})
		})
		b.Run(st.name+"/embedded-atomic", func(b *testing.B) {
			embedded(b, st, func(s *embedis.Store, _ string) (int64, error) {
				var n int64
				err := s.Atomic(ctx, func(tx *embedis.Tx) error {
					v, err := tx.Get("lock")
					if err != nil || v != "token" {
						return nil
					}
					n, err = tx.Del("lock")
					return err
				})
				return n, err
			})
		})
		for _, fcall := range []bool{false, true} {
			how := "evalsha"
			if fcall {
				how = "fcall"
			}
			b.Run(st.name+"/embedis-server-"+how, func(b *testing.B) {
				remote(b, st, inProcessServerClient(b), fcall)
			})
			b.Run(st.name+"/redis-"+how, func(b *testing.B) {
				srv := redistest.Start(b) // skips without redis-server (fails with CI=true)
				rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
				defer rdb.Close()
				remote(b, st, rdb, fcall)
			})
		}
	}
}
