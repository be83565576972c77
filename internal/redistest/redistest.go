// Package redistest starts a real redis-server for differential tests and
// talks to it with a minimal RESP2 client. Replies come back as the same Go
// values embedis's Store.Do returns: string for bulk and status replies,
// int64 for integers, []any for arrays, nil for null replies, and a
// ReplyError for error replies.
//
// When redis-server is not on PATH, Start skips the test with a message;
// under CI=true it fails it instead, because CI must run the differential
// tests.
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// ReplyError is an error reply from the server; its text is the reply's.
type ReplyError string

func (e ReplyError) Error() string { return string(e) }

// Server is a running redis-server.
type Server struct {
	Socket string
	cmd    *exec.Cmd
}

// Start runs a redis-server with no persistence on a Unix socket in a
// temporary directory and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on PATH, and CI=true: the differential tests must run (./test.sh installs it)")
		}
		t.Skip("redis-server is not on PATH: skipping the differential test against real Redis (./test.sh installs it)")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(path, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
		"--dir", dir, "--daemonize", "no", "--loglevel", "warning")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not listen on %s: %v", sock, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return &Server{Socket: sock, cmd: cmd}
}

// Client is a connection to the server.
type Client struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// Dial connects to the server; the connection is closed when the test ends.
func (s *Server) Dial(t testing.TB) *Client {
	t.Helper()
	c, err := net.Dial("unix", s.Socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Client{conn: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
}

// Do sends one command and returns its reply; a transport failure fails the
// test.
func (c *Client) Do(t testing.TB, args ...string) any {
	t.Helper()
	c.Send(args...)
	return c.Receive(t)
}

// Send queues a command; Receive reads replies in order (pipelining).
func (c *Client) Send(args ...string) {
	fmt.Fprintf(c.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(c.w, "$%d\r\n%s\r\n", len(a), a)
	}
}

// Receive flushes queued commands and reads the next reply.
func (c *Client) Receive(t testing.TB) any {
	t.Helper()
	if err := c.w.Flush(); err != nil {
		t.Fatal(err)
	}
	v, err := readReply(c.r)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	return v
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return "", errors.New("line without CRLF")
	}
	return line[:len(line)-2], nil
}

func readReply(r *bufio.Reader) (any, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	body := line[1:]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return ReplyError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = readReply(r); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unknown reply type %q", line[0])
}
