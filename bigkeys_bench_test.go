package embedis

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
)

// benchBigKeysKeys is the size of the benchmarks' database: mixed types,
// as a cache holds them.
const benchBigKeysKeys = 50_000

// benchBigKeysCommand is the i-th command that fills the database.
func benchBigKeysCommand(i int) []string {
	k := "key:" + strconv.Itoa(i)
	switch i % 4 {
	case 0:
		return []string{"SET", k, strings.Repeat("v", i%200)}
	case 1:
		return []string{"RPUSH", k, "a", "b", "c"}
	case 2:
		return []string{"HSET", k, "f", "v", "g", "w"}
	default:
		return []string{"SADD", k, "x", "y"}
	}
}

// BenchmarkBigKeys is the time to a big-keys report on 50,000 keys: ns/key
// per key of the database. The embedded lines also report the longest a
// concurrent GET waited for the owner role while the walk ran
// (max-get-µs), which the walk's batches keep short; "count=all" walks the
// database in one turn, to show what the batches save. The redis-cli lines
// are redis-cli --bigkeys and --memkeys on redis-server holding the same
// keys, over a Unix socket (skipped without redis-cli, unless CI=true).
//
//	go test -run '^$' -bench BenchmarkBigKeys -benchtime 5x .
func BenchmarkBigKeys(b *testing.B) {
	b.Run("embedded", func(b *testing.B) {
		s, err := Open(Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		for i := 0; i < benchBigKeysKeys; i++ {
			if _, err := s.Do(ctx, benchBigKeysCommand(i)...); err != nil {
				b.Fatal(err)
			}
		}
		for _, c := range []struct {
			name string
			opts BigKeysOptions
		}{
			{"bigkeys", BigKeysOptions{}},
			{"memkeys", BigKeysOptions{Memory: true}},
			{"bigkeys/count=all", BigKeysOptions{Count: 1 << 30}},
		} {
			b.Run(c.name, func(b *testing.B) {
				var (
					stop    = make(chan struct{})
					wg      sync.WaitGroup
					maxWait time.Duration
				)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						start := time.Now()
						s.Get(ctx, "key:0")
						maxWait = max(maxWait, time.Since(start))
						time.Sleep(50 * time.Microsecond)
					}
				}()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					r, err := s.BigKeys(ctx, c.opts)
					if err != nil || r.Sampled != benchBigKeysKeys {
						b.Fatalf("BigKeys = %v, %v", r, err)
					}
				}
				b.StopTimer()
				close(stop)
				wg.Wait()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBigKeysKeys, "ns/key")
				b.ReportMetric(float64(maxWait.Microseconds()), "max-get-µs")
			})
		}
	})
	b.Run("redis-cli", func(b *testing.B) {
		cli, err := exec.LookPath("redis-cli")
		if err != nil {
			redistest.SkipUnlessCI(b, redistest.ErrNotInstalled)
		}
		srv := redistest.Start(b)
		c := srv.Dial(b)
		cmds := make([][]string, benchBigKeysKeys)
		for i := range cmds {
			cmds[i] = benchBigKeysCommand(i)
		}
		c.Pipeline(b, cmds)
		for _, mode := range []string{"bigkeys", "memkeys"} {
			b.Run(mode, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					out, err := exec.Command(cli, "-s", srv.Socket, "--"+mode).Output()
					if err != nil || !strings.Contains(string(out), "Sampled "+strconv.Itoa(benchBigKeysKeys)+" keys") {
						b.Fatalf("redis-cli --%s: %v\n%s", mode, err, out)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBigKeysKeys, "ns/key")
			})
		}
	})
}
