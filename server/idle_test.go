package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/server"
)

// idleBudget is the documented memory budget of one idle connection: its
// goroutine's stack, its 16 KB read buffer, its write buffer (1 KB until a
// reply needs more) and its state; about 21 KB measured. (Redis keeps about
// 20 KB per client, mostly its 16 KB reply buffer.)
const idleBudget = 24 << 10

// TestIdleConnectionsMemory opens 10,000 connections from a child process
// (the file-descriptor limit of one process would not hold both ends), lets
// each run one command, and checks the server's memory per idle connection.
func TestIdleConnectionsMemory(t *testing.T) {
	if addr := os.Getenv("EMBEDIS_IDLE_CLIENT_OF"); addr != "" {
		idleClients(addr)
		return
	}
	if raceEnabled {
		// Instrumented frames push an idle connection's goroutine stack
		// past 8 KB into a 16 KB one: the figure would be the race
		// detector's, not the server's. test.sh runs this test without it.
		t.Skip("measured without -race (test.sh runs it so)")
	}
	if testing.Short() {
		t.Skip("opens 10,000 connections")
	}
	const n = 10000
	store, _ := embedis.Open(embedis.Options{})
	defer store.Close()
	srv := server.New(store, server.Options{MaxClients: n + 10})
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)

	before := liveMemory()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleConnectionsMemory$")
	cmd.Env = append(os.Environ(), "EMBEDIS_IDLE_CLIENT_OF="+l.Addr().String(), "EMBEDIS_IDLE_CLIENTS="+strconv.Itoa(n))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("client process: %q, %v", line, err)
	}
	after := liveMemory()
	per := float64(after-before) / n
	t.Logf("%d idle connections: %.0f bytes each (heap and stacks), budget %d", n, per, idleBudget)
	if per > idleBudget {
		t.Fatalf("%.0f bytes per idle connection, over the %d budget", per, idleBudget)
	}
}

// liveMemory returns the bytes of live heap and goroutine stacks after a GC.
func liveMemory() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// idleClients is the child process: it opens the connections, runs PING on
// each, says "ready" and waits for its standard input to close.
func idleClients(addr string) {
	n, _ := strconv.Atoi(os.Getenv("EMBEDIS_IDLE_CLIENTS"))
	conns := make([]net.Conn, 0, n)
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			os.Exit(1)
		}
		c.Write([]byte("PING\r\n"))
		conns = append(conns, c)
	}
	buf := make([]byte, 7)
	for _, c := range conns {
		if _, err := io.ReadFull(c, buf); err != nil {
			fmt.Fprintln(os.Stderr, "read:", err)
			os.Exit(1)
		}
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
