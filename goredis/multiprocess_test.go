package goredis_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// Several processes on one Redis: the tests that show a helper's state is
// shared by processes (a rate limit admits exactly its limit across three
// processes; lock holders in different processes never overlap) run the
// same test function in child processes of this test binary.
//
// A test calls childProcess first: in a child it returns the child's side
// (its index, a go-redis client on the parent's Redis, Ready, Report), and
// the test does the child's work and returns. In the parent it returns nil,
// and the test starts a Redis and calls runProcesses, which runs the test
// (and only it) in n children and returns what each reported:
//
//	func TestLimitAcrossProcesses(t *testing.T) {
//		if p := childProcess(t); p != nil {
//			limiter := ... built on goredis.New(p.Client) ...
//			p.Ready() // all children start together
//			p.Report(strconv.Itoa(admitted))
//			return
//		}
//		reports := runProcesses(t, 3, redisTarget(redistest.Start(t)))
//		// reports[i] is child i's Report lines
//	}
//
// A child that fails its test fails the parent's, with the child's output.

// target is the Redis the children connect to.
type target struct {
	// Network and Addrs are a standalone server's ("unix", {socket}) or a
	// cluster's ("cluster", the nodes' host:ports).
	Network string
	Addrs   []string
}

// redisTarget is the target of a standalone server started by redistest.
func redisTarget(s *redistest.Server) target {
	return target{Network: "unix", Addrs: []string{s.Socket}}
}

// clusterTarget is the target of a cluster started by redistest.
func clusterTarget(c *redistest.Cluster) target {
	return target{Network: "cluster", Addrs: c.Addrs}
}

// Client returns a go-redis client of the target, closed when t ends.
func (tg target) Client(t testing.TB) redis.UniversalClient {
	var c redis.UniversalClient
	if tg.Network == "cluster" {
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: tg.Addrs})
	} else {
		c = redis.NewClient(&redis.Options{Network: tg.Network, Addr: tg.Addrs[0]})
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The environment that makes a test binary a child, and the lines a child
// writes on its standard output for the parent.
const (
	envIndex     = "EMBEDIS_PROC_INDEX"
	envN         = "EMBEDIS_PROC_N"
	envTarget    = "EMBEDIS_PROC_TARGET"
	readyLine    = "embedis-proc-ready"
	reportPrefix = "embedis-proc-report "
)

// child is a child process's side of runProcesses.
type child struct {
	// Index is the child's number, 0 to N-1; N is how many run.
	Index, N int
	// Client is a go-redis client on the parent's Redis.
	Client redis.UniversalClient
}

// childProcess returns the child's side when this process is a child of
// runProcesses, and nil in the parent.
func childProcess(t *testing.T) *child {
	idx := os.Getenv(envIndex)
	if idx == "" {
		return nil
	}
	i, err1 := strconv.Atoi(idx)
	n, err2 := strconv.Atoi(os.Getenv(envN))
	network, addrs, ok := strings.Cut(os.Getenv(envTarget), " ")
	if err1 != nil || err2 != nil || !ok {
		t.Fatalf("bad child environment: %s=%q %s=%q %s=%q", envIndex, idx, envN, os.Getenv(envN),
			envTarget, os.Getenv(envTarget))
	}
	tg := target{Network: network, Addrs: strings.Split(addrs, ",")}
	return &child{Index: i, N: n, Client: tg.Client(t)}
}

// Ready waits until every child has called Ready (or exited), so that the
// children's work overlaps: each does its set-up, then Ready, then the part
// that must run at the same time as the others'.
func (c *child) Ready() {
	fmt.Fprintln(os.Stdout, readyLine)
	bufio.NewReader(os.Stdin).ReadString('\n')
}

// Report sends a line of text to the parent (no newlines in it); the
// parent gets each child's lines in order.
func (c *child) Report(s string) {
	fmt.Fprintln(os.Stdout, reportPrefix+strings.ReplaceAll(s, "\n", " "))
}

// runProcesses runs t's test in n child processes of this test binary
// against tg, releases them together once all are Ready (or exited), waits
// for them (two minutes at most) and returns each child's reported lines:
// reports[i] are child i's. A child that fails fails t, with its output.
func runProcesses(t *testing.T, n int, tg target) (reports [][]string) {
	t.Helper()
	if childProcess(t) != nil {
		t.Fatal("runProcesses called in a child: call childProcess first")
	}
	var run []string
	for _, part := range strings.Split(t.Name(), "/") {
		run = append(run, "^"+regexp.QuoteMeta(part)+"$")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	type proc struct {
		cmd    *exec.Cmd
		stdin  io.WriteCloser
		output strings.Builder // everything it wrote, for a failure
		done   chan struct{}
	}
	procs := make([]*proc, n)
	reports = make([][]string, n)
	events := make(chan int, 2*n) // a child's index when it is ready or gone
	var mu sync.Mutex
	for i := range procs {
		p := &proc{done: make(chan struct{})}
		procs[i] = p
		p.cmd = exec.CommandContext(ctx, os.Args[0], "-test.run", strings.Join(run, "/"), "-test.count=1", "-test.v")
		p.cmd.Env = append(os.Environ(), envIndex+"="+strconv.Itoa(i), envN+"="+strconv.Itoa(n),
			envTarget+"="+tg.Network+" "+strings.Join(tg.Addrs, ","))
		p.cmd.Stderr = &lockedWriter{mu: &mu, w: &p.output}
		stdout, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if p.stdin, err = p.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			defer close(p.done)
			ready := false
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				line := sc.Text()
				mu.Lock()
				p.output.WriteString(line + "\n")
				if r, ok := strings.CutPrefix(line, reportPrefix); ok {
					reports[i] = append(reports[i], r)
				}
				mu.Unlock()
				if line == readyLine && !ready {
					ready = true
					events <- i
				}
			}
			if !ready {
				events <- i
			}
		}()
	}
	for range n {
		<-events
	}
	for _, p := range procs {
		io.WriteString(p.stdin, "go\n")
		p.stdin.Close()
	}
	var failed []string
	for i, p := range procs {
		<-p.done
		if err := p.cmd.Wait(); err != nil {
			mu.Lock()
			failed = append(failed, fmt.Sprintf("child %d: %v\n%s", i, err, p.output.String()))
			mu.Unlock()
		}
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		t.Fatalf("%d of %d child processes failed:\n%s", len(failed), n, strings.Join(failed, "\n"))
	}
	return reports
}

// lockedWriter serialises writes to w with the output reader's lock.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// The harness itself: three processes each INCR one counter 200 times
// after Ready, on a redis-server and on a cluster; the counter ends at 600
// and every child reports its index.
func TestMultiProcess(t *testing.T) {
	const perChild = 200
	if p := childProcess(t); p != nil {
		ctx := context.Background()
		p.Ready()
		for range perChild {
			if err := p.Client.Incr(ctx, "{multiprocess}:n").Err(); err != nil {
				t.Fatal(err)
			}
		}
		p.Report("child " + strconv.Itoa(p.Index) + " of " + strconv.Itoa(p.N))
		return
	}
	for _, name := range []string{"redis", "cluster"} {
		t.Run(name, func(t *testing.T) {
			var tg target
			if name == "redis" {
				tg = redisTarget(redistest.Start(t))
			} else {
				tg = clusterTarget(sharedCluster(t))
			}
			if err := tg.Client(t).Del(context.Background(), "{multiprocess}:n").Err(); err != nil {
				t.Fatal(err)
			}
			reports := runProcesses(t, 3, tg)
			for i, r := range reports {
				if want := fmt.Sprintf("child %d of 3", i); len(r) != 1 || r[0] != want {
					t.Errorf("child %d reported %q, want [%q]", i, r, want)
				}
			}
			n, err := tg.Client(t).Get(context.Background(), "{multiprocess}:n").Int()
			if err != nil || n != 3*perChild {
				t.Errorf("counter = %d, %v; want %d", n, err, 3*perChild)
			}
		})
	}
}
