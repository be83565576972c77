package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
	"github.com/redis/go-redis/v9"
)

// The append-only log side by side with redis-server's AOF, each
// configured the same way (appendonly yes, the same appendfsync, no save
// points):
//
//   - BenchmarkAOFWrite: SET throughput with appendfsync always, everysec
//     and no — go-redis with 50 concurrent clients (a pool of 50
//     connections) against the embedis-server binary and against
//     redis-server, both on a Unix socket in their own process, and 50
//     goroutines calling Store.Set on a persist.DB in this process. It
//     reports ops/s.
//   - BenchmarkAOFRestart: the time from starting the server to its first
//     PONG (redis-server answers LOADING until it has loaded; embedis-server
//     listens once it has) on a directory holding N keys: as a log only
//     (embedis: log segments of one SET each; redis-server: its AOF's incr
//     file), as a snapshot (embedis: the base after BGREWRITEAOF;
//     redis-server: its AOF's RDB base after BGREWRITEAOF), and
//     redis-server's dump.rdb with appendonly no. It reports restart-s and
//     the directory's size.
//
// N is 100,000 by default (test.sh's single pass stays short), 1,000,000
// with EMBEDIS_BENCH_RDB=1m and 10,000,000 with EMBEDIS_BENCH_RDB=10m:
//
//	cd bench && go test -run '^$' -bench 'AOFWrite' -benchtime 200000x
//	cd bench && EMBEDIS_BENCH_RDB=1m go test -run '^$' -bench 'AOFRestart' -benchtime 1x -timeout 1h

// embedisServerBin builds cmd/embedis-server once per run.
var embedisServerBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "embedis-server-bin-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "embedis-server")
	out, err := exec.Command("go", "build", "-o", path, "github.com/embedis/embedis/cmd/embedis-server").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build embedis-server: %v\n%s", err, out)
	}
	return path, nil
})

// embedisProc is an embedis-server process on a Unix socket.
type embedisProc struct {
	cmd    *exec.Cmd
	sock   string
	exited chan struct{}
}

// startEmbedisServer starts embedis-server with args on a fresh Unix
// socket and returns once it answers PING (it listens only after loading).
// It is killed when the benchmark ends.
func startEmbedisServer(b *testing.B, args ...string) *embedisProc {
	b.Helper()
	bin, err := embedisServerBin()
	if err != nil {
		b.Fatal(err)
	}
	sockDir, err := os.MkdirTemp("", "embedis-sock-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(sockDir) })
	p := &embedisProc{sock: filepath.Join(sockDir, "s"), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"--port", "0", "--unixsocket", p.sock, "--save", "", "--loglevel", "warning"}, args...)...)
	var out syncWriter
	p.cmd.Stdout, p.cmd.Stderr = &out, &out
	if err := p.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	b.Cleanup(p.stop)
	for {
		select {
		case <-p.exited:
			b.Fatalf("embedis-server exited: %s", out.String())
		default:
		}
		c, err := net.Dial("unix", p.sock)
		if err != nil {
			time.Sleep(2 * time.Millisecond)
			continue
		}
		c.Write([]byte("*1\r\n$4\r\nPING\r\n"))
		buf := make([]byte, 7)
		_, err = io.ReadFull(c, buf)
		c.Close()
		if err == nil && string(buf) == "+PONG\r\n" {
			return p
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// stop kills the process (SIGKILL: with appendfsync always nothing
// acknowledged is lost) and waits for it.
func (p *embedisProc) stop() {
	p.cmd.Process.Kill()
	<-p.exited
}

// syncWriter collects a process's output.
type syncWriter struct {
	mu  sync.Mutex
	buf []byte
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

// aofClients is the number of concurrent clients of BenchmarkAOFWrite.
const aofClients = 50

// runClients runs b.N operations over aofClients goroutines, each calling
// op with the operation's number, and reports ops/s.
func runClients(b *testing.B, op func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	b.ResetTimer()
	start := time.Now()
	for range aofClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(i); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
}

func BenchmarkAOFWrite(b *testing.B) {
	ctx := context.Background()
	for _, policy := range []string{"always", "everysec", "no"} {
		b.Run(policy+"/embedis-server", func(b *testing.B) {
			p := startEmbedisServer(b, "--dir", b.TempDir(), "--appendonly", "yes", "--appendfsync", policy)
			rc := redis.NewClient(&redis.Options{Network: "unix", Addr: p.sock, PoolSize: aofClients})
			defer rc.Close()
			runClients(b, func(i int) error { return rc.Set(ctx, memKey(i&0xffff), memValue(i), 0).Err() })
		})
		b.Run(policy+"/redis-server", func(b *testing.B) {
			rs := redistest.StartConfig(b, redistest.Config{Dir: b.TempDir(), Args: []string{"--appendonly", "yes", "--appendfsync", policy}})
			rc := redis.NewClient(&redis.Options{Network: "unix", Addr: rs.Socket, PoolSize: aofClients})
			defer rc.Close()
			runClients(b, func(i int) error { return rc.Set(ctx, memKey(i&0xffff), memValue(i), 0).Err() })
		})
		b.Run(policy+"/in-process", func(b *testing.B) {
			f, _ := persist.ParseFsync(policy)
			db, err := persist.Open(b.TempDir(), persist.Options{AppendOnly: true, AppendFsync: f,
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			runClients(b, func(i int) error { return db.Set(ctx, memKey(i&0xffff), memValue(i), 0) })
		})
	}
}

// aofFill writes keys 0..n-1 through a client on socket, pipelined 10,000
// at a time (one atomic unit, one log record, per SET).
func aofFill(b *testing.B, socket string, n int) {
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: socket, ReadTimeout: -1, WriteTimeout: -1})
	defer rc.Close()
	ctx := context.Background()
	for i := 0; i < n; {
		p := rc.Pipeline()
		for j := 0; j < 10_000 && i < n; j, i = j+1, i+1 {
			p.Set(ctx, memKey(i), memValue(i), 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if got := rc.DBSize(ctx).Val(); got != int64(n) {
		b.Fatalf("DBSIZE after the fill = %d, want %d", got, n)
	}
}

// waitRewrite waits until INFO persistence shows no rewrite in progress or
// scheduled.
func waitRewrite(b *testing.B, socket string) {
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: socket})
	defer rc.Close()
	ctx := context.Background()
	if err := rc.BgRewriteAOF(ctx).Err(); err != nil {
		b.Fatal(err)
	}
	for {
		info := rc.Info(ctx, "persistence").Val()
		if containsLine(info, "aof_rewrite_in_progress:0") && containsLine(info, "aof_rewrite_scheduled:0") {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func containsLine(text, line string) bool {
	for len(text) > 0 {
		i := 0
		for i < len(text) && text[i] != '\n' {
			i++
		}
		l := text[:i]
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		if l == line {
			return true
		}
		if i == len(text) {
			break
		}
		text = text[i+1:]
	}
	return false
}

// dirSize is the bytes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if st, err := d.Info(); err == nil {
				n += st.Size()
			}
		}
		return nil
	})
	return n
}

func BenchmarkAOFRestart(b *testing.B) {
	n := rdbKeys(b)
	for _, form := range []string{"log", "snapshot"} {
		b.Run(fmt.Sprintf("%s/%d/embedis-server", form, n), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				dir := b.TempDir()
				args := []string{"--dir", dir, "--appendonly", "yes", "--appendfsync", "always"}
				p := startEmbedisServer(b, args...)
				aofFill(b, p.sock, n)
				if form == "snapshot" {
					waitRewrite(b, p.sock)
				}
				p.stop()
				size := dirSize(filepath.Join(dir, "appendonlydir"))
				b.StartTimer()
				start := time.Now()
				p = startEmbedisServer(b, args...)
				restart := time.Since(start)
				b.StopTimer()
				checkDBSize(b, p.sock, n)
				p.stop()
				b.ReportMetric(restart.Seconds(), "restart-s")
				b.ReportMetric(float64(size)/(1<<20), "dir-MB")
			}
		})
		b.Run(fmt.Sprintf("%s/%d/redis-server", form, n), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				dir := b.TempDir()
				args := []string{"--appendonly", "yes", "--appendfsync", "always"}
				rs := redistest.StartConfig(b, redistest.Config{Dir: dir, Args: args})
				aofFill(b, rs.Socket, n)
				if form == "snapshot" {
					waitRewrite(b, rs.Socket)
				}
				rs.Stop()
				size := dirSize(filepath.Join(dir, "appendonlydir"))
				b.StartTimer()
				start := time.Now()
				rs = redistest.StartConfig(b, redistest.Config{Dir: dir, Args: args})
				restart := time.Since(start)
				b.StopTimer()
				checkDBSize(b, rs.Socket, n)
				rs.Stop()
				b.ReportMetric(restart.Seconds(), "restart-s")
				b.ReportMetric(float64(size)/(1<<20), "dir-MB")
			}
		})
	}
	b.Run(fmt.Sprintf("dump.rdb/%d/redis-server", n), func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			dir := b.TempDir()
			rs := redistest.StartConfig(b, redistest.Config{Dir: dir})
			aofFill(b, rs.Socket, n)
			path := rs.Save(b)
			rs.Stop()
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			rs = redistest.StartConfig(b, redistest.Config{Dir: dir})
			restart := time.Since(start)
			b.StopTimer()
			checkDBSize(b, rs.Socket, n)
			rs.Stop()
			b.ReportMetric(restart.Seconds(), "restart-s")
			b.ReportMetric(float64(st.Size())/(1<<20), "dir-MB")
		}
	})
}

// checkDBSize fails unless the server on socket holds n keys.
func checkDBSize(b *testing.B, socket string, n int) {
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: socket})
	defer rc.Close()
	got, err := rc.DBSize(context.Background()).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		b.Fatal(err)
	}
	if got != int64(n) {
		b.Fatalf("DBSIZE after the restart = %d, want %d", got, n)
	}
}
