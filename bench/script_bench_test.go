package bench

import (
	"context"
	"net"
	"path/filepath"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	_ "github.com/embedis/embedis/scripting"
	"github.com/embedis/embedis/server"
	"github.com/redis/go-redis/v9"
)

// benchRelease is a lock's set-and-release as one small script: SET the
// token, then DEL the key if it still holds it (GET, compare, DEL).
const benchRelease = `redis.call('SET', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

// BenchmarkEvalShaRelease: one EVALSHA of a small script (SET, GET, DEL) per
// op — Store.EvalSha on the embedded store, the same three commands as a Go
// Atomic closure, and EVALSHA through go-redis to an embedis server and to
// redis-server, both on Unix sockets (the remote lines are skipped without
// redis-server).
//
//	cd bench && go test -run '^$' -bench BenchmarkEvalShaRelease -benchmem
func BenchmarkEvalShaRelease(b *testing.B) {
	ctx := context.Background()
	keys := []string{"lock"}
	b.Run("embedded-evalsha", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		sha, err := s.ScriptLoad(ctx, benchRelease)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if n, err := s.EvalSha(ctx, sha, keys, "token"); err != nil || n != int64(1) {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("embedded-atomic", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ReportAllocs()
		for b.Loop() {
			var n int64
			err := s.Atomic(ctx, func(tx *embedis.Tx) error {
				if err := tx.Set("lock", "token", 0); err != nil {
					return err
				}
				if v, err := tx.Get("lock"); err == nil && v == "token" {
					n, err = tx.Del("lock")
					return err
				}
				return nil
			})
			if err != nil || n != 1 {
				b.Fatal(n, err)
			}
		}
	})
	evalsha := func(b *testing.B, rdb *redis.Client) {
		sha, err := rdb.ScriptLoad(ctx, benchRelease).Result()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if n, err := rdb.EvalSha(ctx, sha, keys, "token").Int64(); err != nil || n != 1 {
				b.Fatal(n, err)
			}
		}
	}
	b.Run("embedis-server", func(b *testing.B) {
		evalsha(b, inProcessServerClient(b))
	})
	srv := redistest.Start(b) // skips the rest without redis-server (fails with CI=true)
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
	defer rdb.Close()
	b.Run("redis", func(b *testing.B) { evalsha(b, rdb) })
}

// inProcessServerClient serves a new Store with an embedis server in this
// process on a Unix socket and returns a go-redis client of it; both are
// closed when the benchmark ends.
func inProcessServerClient(b *testing.B) *redis.Client {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	srv := server.New(s, server.Options{Dir: b.TempDir()})
	sock := filepath.Join(b.TempDir(), "embedis.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(l)
	b.Cleanup(func() { srv.Close() })
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	b.Cleanup(func() { rdb.Close() })
	return rdb
}
