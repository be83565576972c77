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
	if args := os.Getenv("EMBEDIS_SERVER_ARGS"); args != "" {
		if err := run(strings.Fields(args)); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
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
