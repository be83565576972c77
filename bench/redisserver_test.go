package bench

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The redis-server the "goredis" rows compare with: started by the first
// benchmark that needs one, on a free TCP port of 127.0.0.1 (TCP, as
// BENCHMARKS.md's figures were measured), shared by the whole run, and
// stopped by its pid when the run ends (TestMain). Without redis-server on
// PATH those rows skip, unless CI=true, where that is a failure.
var shared struct {
	once sync.Once
	addr string
	cmd  *exec.Cmd
	dir  string
	err  string // why there is no server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cmd != nil {
		shared.cmd.Process.Kill()
		shared.cmd.Wait()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// sharedRedisAddr returns the shared redis-server's address, starting it
// on first use, or skips (fails under CI=true) when none can run.
func sharedRedisAddr(tb testing.TB) string {
	tb.Helper()
	shared.once.Do(startShared)
	if shared.err != "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal(shared.err)
		}
		tb.Skip(shared.err)
	}
	return shared.addr
}

func startShared() {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		shared.err = "redis-server is not on PATH (./test.sh installs it)"
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		shared.err = "no free port: " + err.Error()
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "bench-redis-")
	if err != nil {
		shared.err = err.Error()
		return
	}
	shared.dir = dir
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", "")
	if err := cmd.Start(); err != nil {
		shared.err = "redis-server: " + err.Error()
		return
	}
	shared.cmd = cmd
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if pingOK(addr) {
			shared.addr = addr
			return
		}
	}
	shared.err = "redis-server on " + addr + " did not answer PING within 10 s"
}

func pingOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}
