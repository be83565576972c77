package bench

import (
	"context"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// onBackends runs fn as two sub-benchmarks of b, so that their lines sit
// together: "embedded" on an in-memory Store, and "redis" on a redis-server
// of its own (a Unix socket, started by internal/redistest; skipped without
// one unless CI=true) through go-redis and goredis.New. Each gets a fresh,
// empty backend, made once for all of its b.N rounds.
func onBackends(b *testing.B, fn func(b *testing.B, be embedis.Backend)) {
	b.Run("embedded", func(b *testing.B) {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		fn(b, embedis.Embedded(s))
	})
	b.Run("redis", func(b *testing.B) {
		srv := redistest.Start(b)
		rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Socket})
		defer rc.Close()
		if err := rc.Ping(context.Background()).Err(); err != nil {
			b.Fatal(err)
		}
		fn(b, goredis.New(rc))
	})
}
