// Package redistest starts a real redis-server for differential tests and
// talks to it with a minimal RESP2 client. Replies come back as the same Go
// values embedis's Store.Do returns: string for bulk and status replies,
// int64 for integers, []any for arrays, nil for null replies, and a
// ReplyError for error replies. Tests that must tell a status reply from a
// bulk string read replies as text instead (ReceiveText, PipelineText).
//
// StartCluster (cluster.go) starts a 3-node Redis Cluster on loopback for
// the tests that run embedis's helpers on a cluster.
//
// When redis-server is not on PATH, Start skips the test with a message;
// under CI=true it fails it instead, because CI must run the differential
// tests.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ReplyError is an error reply from the server; its text is the reply's.
type ReplyError string

func (e ReplyError) Error() string { return string(e) }

// Server is a running redis-server.
type Server struct {
	Socket string
	// Addr is the TCP address ("127.0.0.1:port") of a server that
	// listens on one (a Cluster's nodes); empty for Start's servers,
	// which listen only on Socket.
	Addr string
	// Dir and DBFilename are its --dir and --dbfilename: the snapshot it
	// loads at start and writes on SAVE is RDBPath.
	Dir, DBFilename string

	cmd     *exec.Cmd
	logs    *syncBuffer
	exited  chan struct{}
	stopped sync.Once
	tempDir string // removed by Cluster.Stop; Start's is removed by a cleanup
}

// Start runs a redis-server with no persistence on a Unix socket in a
// temporary directory and stops it when the test ends. The directory is
// made directly under the system's temporary directory, because Unix
// socket paths are limited to about 100 bytes. Start returns once the
// server answers PING; if the server exits or does not answer within 10
// seconds, the test fails with the server's log.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartArgs(t)
}

// StartArgs is Start with extra redis-server arguments (for example
// "--enable-debug-command", "yes").
func StartArgs(t testing.TB, extra ...string) *Server {
	t.Helper()
	return StartConfig(t, Config{Args: extra})
}

// Config says how StartConfig runs redis-server. The zero value is Start's
// server.
type Config struct {
	// Dir is the server's --dir: where it looks for DBFilename at start
	// (loading it if it exists, as redis-server does) and where SAVE
	// writes it. Empty means a fresh temporary directory, removed when the
	// test ends; a directory the test gives is left as it is.
	Dir string
	// DBFilename is the server's --dbfilename; empty means "dump.rdb".
	DBFilename string
	// Args are extra redis-server arguments, after the defaults (so they
	// win: "--loglevel", "notice" makes the log say how long loading took).
	Args []string
}

// StartConfig runs a redis-server as Config says, on a Unix socket in its
// own temporary directory, with no automatic saves and no append-only
// file, and stops it (SIGKILL, so it never saves on the way out) when the
// test ends. It returns once the server answers PING (or NOAUTH, when Args
// set a password): a server still
// loading its snapshot answers LOADING, and StartConfig waits for it for as
// long as the process lives, up to 10 minutes. If the server exits or never
// answers, the test fails with the server's log.
func StartConfig(t testing.TB, cfg Config) *Server {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on PATH, and CI=true: the differential tests must run (./test.sh installs it)")
		}
		t.Skip("redis-server is not on PATH: skipping the differential test against real Redis (./test.sh installs it)")
	}
	sockDir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	if cfg.Dir == "" {
		cfg.Dir = sockDir
	}
	if cfg.DBFilename == "" {
		cfg.DBFilename = "dump.rdb"
	}
	sock := filepath.Join(sockDir, "redis.sock")
	cmd := exec.Command(path, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
		"--dir", cfg.Dir, "--dbfilename", cfg.DBFilename, "--daemonize", "no", "--loglevel", "warning")
	cmd.Args = append(cmd.Args, cfg.Args...)
	s := &Server{Socket: sock, Dir: cfg.Dir, DBFilename: cfg.DBFilename, cmd: cmd,
		logs: new(syncBuffer), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	go func() { cmd.Wait(); close(s.exited) }()
	t.Cleanup(s.Stop)
	listenBy := time.Now().Add(10 * time.Second)
	loadedBy := time.Now().Add(10 * time.Minute)
	for {
		select {
		case <-s.exited:
			t.Fatalf("redis-server exited early: %s", s.Log())
		default:
		}
		c, err := net.Dial("unix", sock)
		if err != nil {
			if time.Now().After(listenBy) {
				s.Stop()
				t.Fatalf("redis-server did not listen on %s: %v\n%s", sock, err, s.Log())
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		pong, err := ping(c)
		c.Close()
		if e, ok := pong.(ReplyError); ok && strings.HasPrefix(string(e), "LOADING ") && time.Now().Before(loadedBy) {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		// A server started with --requirepass answers NOAUTH: it is up.
		if e, ok := pong.(ReplyError); ok && err == nil && strings.HasPrefix(string(e), "NOAUTH ") {
			return s
		}
		if err != nil || pong != "PONG" {
			s.Stop()
			t.Fatalf("redis-server: PING = %#v, %v\n%s", pong, err, s.Log())
		}
		return s
	}
}

// RDBPath is the snapshot file the server loads at start and SAVE writes.
func (s *Server) RDBPath() string { return filepath.Join(s.Dir, s.DBFilename) }

// Save runs SAVE on a connection of its own and returns RDBPath; an error
// reply or a missing file fails the test, and so does a SAVE that takes
// more than 10 minutes (ten million keys take under a minute).
func (s *Server) Save(t testing.TB) string {
	t.Helper()
	c := s.Dial(t)
	c.Timeout = 10 * time.Minute
	defer c.conn.Close()
	if v := c.Do(t, "SAVE"); v != "OK" {
		t.Fatalf("SAVE = %#v\n%s", v, s.Log())
	}
	if _, err := os.Stat(s.RDBPath()); err != nil {
		t.Fatalf("SAVE answered OK but: %v", err)
	}
	return s.RDBPath()
}

// Pid is the server's process id (to read its /proc/<pid>/status).
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Log is what the server has written to its standard output and error so
// far (its log, at the --loglevel it was given).
func (s *Server) Log() string { return s.logs.String() }

// Stop kills the server (SIGKILL: it does not save) and waits for it to
// exit. It may be called more than once; the test's end calls it too.
func (s *Server) Stop() {
	s.stopped.Do(func() {
		s.cmd.Process.Kill()
		<-s.exited
	})
}

// syncBuffer is a bytes.Buffer that the server's output goroutine writes
// while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Seed returns the seed for a randomized test: the integer in the
// environment variable env if it is set (a value that is not an integer
// fails the test), else one taken from the clock. It logs the seed and env
// so that a failure can be replayed.
func Seed(t testing.TB, env string) int64 {
	t.Helper()
	seed := time.Now().UnixNano()
	if s := os.Getenv(env); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("bad %s: %v", env, err)
		}
		seed = v
	}
	t.Logf("seed %d (set %s to replay)", seed, env)
	return seed
}

// ping sends PING on a fresh connection and returns the reply.
func ping(conn net.Conn) (any, error) {
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, "*1\r\n$4\r\nPING\r\n"); err != nil {
		return nil, err
	}
	return readReply(bufio.NewReader(conn), false)
}

// Client is a connection to the server.
type Client struct {
	// Timeout bounds each Do, Receive and Pipeline call (a whole pipeline
	// counts as one call): past it the call fails the test instead of
	// hanging on a stuck server. Dial sets it to 30 seconds; 0 means no
	// limit.
	Timeout time.Duration

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
	return &Client{Timeout: 30 * time.Second, conn: c, r: bufio.NewReader(c), w: bufio.NewWriterSize(c, 1<<16)}
}

// Do sends one command and returns its reply; a transport failure fails the
// test, an error reply is returned as a ReplyError.
func (c *Client) Do(t testing.TB, args ...string) any {
	t.Helper()
	c.Send(args...)
	return c.Receive(t)
}

// MustDo is Do for commands that must succeed: an error reply fails the
// test too.
func (c *Client) MustDo(t testing.TB, args ...string) any {
	t.Helper()
	v := c.Do(t, args...)
	if e, ok := v.(ReplyError); ok {
		t.Fatalf("%q: redis error %s", args, e)
	}
	return v
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
	return receive(t, c, false)
}

// ReceiveText is Receive with the reply rendered as text that keeps every
// RESP2 type apart: its type byte followed by its payload, so "+OK"
// (status), "-ERR ..." (error), ":42" (integer), "$text" (bulk string) or
// "$nil" (null bulk string); an array is "*n" followed by "|" and the
// rendering of each element, and a null array is "*-1".
func (c *Client) ReceiveText(t testing.TB) string {
	t.Helper()
	return receive(t, c, true).(string)
}

func receive(t testing.TB, c *Client, text bool) any {
	t.Helper()
	c.setDeadline()
	if err := c.w.Flush(); err != nil {
		t.Fatal(err)
	}
	v, err := readReply(c.r, text)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	return v
}

// Pipeline sends cmds in one batch and returns their replies, as Receive
// decodes them, in order. The commands are written from another goroutine
// while the replies are read, so a batch of any size cannot stall on full
// socket buffers. There must be no replies pending from earlier Sends.
func (c *Client) Pipeline(t testing.TB, cmds [][]string) []any {
	t.Helper()
	return pipeline(t, c, cmds, func() (any, error) { return readReply(c.r, false) })
}

// PipelineText is Pipeline with the replies rendered as ReceiveText does.
func (c *Client) PipelineText(t testing.TB, cmds [][]string) []string {
	t.Helper()
	return pipeline(t, c, cmds, func() (string, error) {
		v, err := readReply(c.r, true)
		s, _ := v.(string)
		return s, err
	})
}

func pipeline[T any](t testing.TB, c *Client, cmds [][]string, read func() (T, error)) []T {
	t.Helper()
	c.setDeadline()
	werr := make(chan error, 1)
	go func() {
		for _, args := range cmds {
			c.Send(args...)
		}
		werr <- c.w.Flush()
	}()
	replies := make([]T, len(cmds))
	for i := range cmds {
		v, err := read()
		if err != nil {
			t.Fatalf("reading reply %d (%q): %v", i, cmds[i], err)
		}
		replies[i] = v
	}
	if err := <-werr; err != nil {
		t.Fatalf("writing commands: %v", err)
	}
	return replies
}

func (c *Client) setDeadline() {
	var d time.Time
	if c.Timeout > 0 {
		d = time.Now().Add(c.Timeout)
	}
	c.conn.SetDeadline(d)
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(line, "\r\n") {
		return "", fmt.Errorf("line without CRLF: %q", line)
	}
	return line[:len(line)-2], nil
}

// readReply reads one reply: decoded as Receive documents, or with text set
// rendered as a string as ReceiveText documents.
func readReply(r *bufio.Reader, text bool) (any, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	body := line[1:]
	switch line[0] {
	case '+', '-', ':':
		switch {
		case text:
			return line, nil
		case line[0] == '+':
			return body, nil
		case line[0] == '-':
			return ReplyError(body), nil
		}
		return strconv.ParseInt(body, 10, 64)
	case '$', '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		switch {
		case n < 0 && !text:
			return nil, nil
		case n < 0 && line[0] == '$':
			return "$nil", nil
		case n < 0:
			return line, nil
		case line[0] == '$':
			return readBulk(r, n, text)
		}
		return readArray(r, line, n, text)
	}
	return nil, fmt.Errorf("unknown reply type %q", line[0])
}

// readBulk reads the n bytes of a bulk string and their CRLF.
func readBulk(r *bufio.Reader, n int, text bool) (any, error) {
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	if text {
		return "$" + string(buf[:n]), nil
	}
	return string(buf[:n]), nil
}

// readArray reads the n elements of the array whose header is line.
func readArray(r *bufio.Reader, line string, n int, text bool) (any, error) {
	arr := make([]any, n)
	for i := range arr {
		var err error
		if arr[i], err = readReply(r, text); err != nil {
			return nil, err
		}
	}
	if !text {
		return arr, nil
	}
	var b strings.Builder
	b.WriteString(line)
	for _, el := range arr {
		b.WriteString("|" + el.(string))
	}
	return b.String(), nil
}
