package bench

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/embedis/embedis"
)

// Sessions: a Get inside the touch interval (a read, the common case), a
// Get that touches (a write to the session and its user's index), and a
// log-in (Create) with its log-out (Destroy); SCSStore's Find next to
// scs's own in-process memstore. Embedded and on redis-server (one script
// per step):
//
//	cd bench && go test -run '^$' -bench 'Session|SCS' -benchtime 1s -count 3

// benchSessions makes 1,000 sessions of 100 users, each with two values.
func benchSessions(b *testing.B, be embedis.Backend, opts embedis.SessionOptions) (*embedis.Sessions, []string) {
	m, err := embedis.NewSessions(be, "bench-sess", opts)
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, 1000)
	for i := range tokens {
		s, err := m.Create(context.Background(), "user"+strconv.Itoa(i%100),
			map[string]string{"csrf": "0123456789abcdef", "cart": strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = s.Token
	}
	return m, tokens
}

func BenchmarkSessionGet(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		m, tokens := benchSessions(b, be, embedis.SessionOptions{}) // touch at most every 3 minutes
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := m.Get(ctx, tokens[i%len(tokens)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSessionGetTouch(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		// A 1 ms touch interval: on a wall clock nearly every Get writes.
		m, tokens := benchSessions(b, be, embedis.SessionOptions{TouchInterval: time.Millisecond})
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := m.Get(ctx, tokens[i%len(tokens)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSessionCreateDestroy(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		ctx := context.Background()
		m, _ := benchSessions(b, be, embedis.SessionOptions{})
		values := map[string]string{"csrf": "0123456789abcdef"}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s, err := m.Create(ctx, "user"+strconv.Itoa(i%100), values)
			if err != nil {
				b.Fatal(err)
			}
			if err := m.Destroy(ctx, s.Token); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// scsFinder is the part of scs's store interface the benchmark calls.
type scsFinder interface {
	Find(token string) ([]byte, bool, error)
	Commit(token string, b []byte, expiry time.Time) error
}

func benchSCSFind(b *testing.B, st scsFinder) {
	tokens := make([]string, 1000)
	data := make([]byte, 200)
	for i := range tokens {
		tokens[i] = "scs-token-" + strconv.Itoa(i)
		if err := st.Commit(tokens[i], data, time.Now().Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := st.Find(tokens[i%len(tokens)]); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkSCSFind(b *testing.B) {
	onBackends(b, func(b *testing.B, be embedis.Backend) {
		st, err := embedis.NewSCSStore(be, "bench-scs")
		if err != nil {
			b.Fatal(err)
		}
		benchSCSFind(b, st)
	})
	b.Run("scs-memstore", func(b *testing.B) {
		st := memstore.NewWithCleanupInterval(0)
		benchSCSFind(b, st)
	})
}
