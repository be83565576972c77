package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as the server: the tests below start
// it as a child process with EMBEDIS_SERVER_ARGS set.
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("EMBEDIS_SERVER_ARGS"); ok {
		os.Exit(exitCode(strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// startServer runs the server in a child process on a Unix socket and a free
// TCP port and waits until it answers.
func startServer(t *testing.T) (*exec.Cmd, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "embedis.sock")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "EMBEDIS_SERVER_ARGS=--port "+strconv.Itoa(port)+" --unixsocket "+sock+" --loglevel warning")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cmd, sock
}

func roundTrip(t *testing.T, network, addr, req string) string {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(req))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return line
}

func TestServesUnixSocketAndStopsOnSIGTERM(t *testing.T) {
	cmd, sock := startServer(t)
	if got := roundTrip(t, "unix", sock, "SET k v\r\n"); got != "+OK\r\n" {
		t.Fatalf("SET over the Unix socket: %q", got)
	}
	if got := roundTrip(t, "unix", sock, "GET k\r\n"); got != "$1\r\n" {
		t.Fatalf("GET over the Unix socket: %q", got)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Fatalf("Unix socket left behind: %v", err)
	}
}

func TestStopsOnSHUTDOWN(t *testing.T) {
	cmd, sock := startServer(t)
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("SHUTDOWN NOSAVE\r\n"))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SHUTDOWN: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop on SHUTDOWN")
	}
}

// runChild runs the server in a child process with args and returns its
// exit status, stdout and stderr; it must exit by itself.
func runChild(t *testing.T, args string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "EMBEDIS_SERVER_ARGS="+args)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%q: the server did not exit", args)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "-help", "--port 0 --help"} {
		code, stdout, stderr := runChild(t, arg)
		if code != 0 || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q", arg, code, stderr)
		}
		for _, flag := range []string{"-port", "-bind", "-unixsocket", "-requirepass", "-databases", "-maxclients",
			"-proto-max-bulk-len", "-loglevel", "-io-threads"} {
			if !strings.Contains(stdout, "\n  "+flag+" ") {
				t.Errorf("%s does not list %s:\n%s", arg, flag, stdout)
			}
		}
		if !strings.HasPrefix(stdout, "Usage: embedis-server [flags]") {
			t.Errorf("%s: usage starts %q", arg, stdout[:min(len(stdout), 40)])
		}
	}
}

// TestRefusesWhatItDoesNotDo: redis.conf directives for what embedis does
// not do are not flags, and a bad flag value fails at start.
func TestRefusesWhatItDoesNotDo(t *testing.T) {
	for _, tc := range []struct{ args, code, stderr string }{
		{"--appendonly yes", "2", "flag provided but not defined: -appendonly\nUsage: embedis-server [flags]"},
		{"--save 900", "2", "flag provided but not defined: -save\n"},
		{"--maxmemory 1mb", "2", "flag provided but not defined: -maxmemory\n"},
		{"--port 0 extra", "2", "unexpected argument \"extra\""},
		{"--port 0 --loglevel loud", "1", "embedis-server: --loglevel \"loud\": want debug, verbose, notice or warning"},
		{"--port 0 --io-threads 0", "1", "embedis-server: --io-threads must be at least 1"},
		{"--port 0", "1", "embedis-server: nothing to listen on: give --port or --unixsocket"},
	} {
		code, stdout, stderr := runChild(t, tc.args)
		if strconv.Itoa(code) != tc.code || !strings.HasPrefix(stderr, tc.stderr) || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %s, stderr starting %q", tc.args, code, stdout, stderr, tc.code, tc.stderr)
		}
	}
}
