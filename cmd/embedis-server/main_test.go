package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/resp"
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
	return startServerWith(t, "--dir "+t.TempDir())
}

// startServerWith is startServer with more flags.
func startServerWith(t *testing.T, extra string) (*exec.Cmd, string) {
	t.Helper()
	return startServerLogging(t, extra, os.Stderr)
}

// syncBuffer is a log destination the test reads while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startServerLogging is startServerWith with the server's log (stderr) sent
// to logs.
func startServerLogging(t *testing.T, extra string, logs io.Writer) (*exec.Cmd, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "embedis.sock")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "EMBEDIS_SERVER_ARGS=--port "+strconv.Itoa(port)+" --unixsocket "+sock+" --loglevel warning "+extra)
	cmd.Stderr = logs
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
	stop(t, cmd)
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
	waitExit(t, cmd, "SHUTDOWN")
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
			"-proto-max-bulk-len", "-loglevel", "-io-threads", "-dir", "-dbfilename", "-save",
			"-appendonly", "-appendfsync", "-appenddirname"} {
			if !strings.Contains(stdout, "\n  "+flag+" ") {
				t.Errorf("%s does not list %s:\n%s", arg, flag, stdout)
			}
		}
		for _, say := range []string{"it has save points unless --save \"\" turns them off", `(default, as redis-server's: "3600 1 300 100 60 10000")`,
			"CONFIG SET appendonly and appendfsync switch it at run time, as on redis-server."} {
			if !strings.Contains(stdout, say) {
				t.Errorf("%s does not say %q:\n%s", arg, say, stdout)
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
		{"--appendonly maybe", "1", "embedis-server: --appendonly \"maybe\": argument must be 'yes' or 'no'\n"},
		{"--appendfsync sometimes", "1", "embedis-server: --appendfsync \"sometimes\": argument(s) must be one of the following: always, everysec, no\n"},
		{"--appenddirname a/b", "1", "embedis-server: --appenddirname \"a/b\": appenddirname can't be a path, just a dirname\n"},
		{"--save 900", "1", "embedis-server: --save \"900\": Invalid save parameters\n"},
		{"--save 0 1", "1", "embedis-server: --save \"0 1\": Invalid save parameters\n"},
		{"--save 60 1 --save 10", "1", "embedis-server: --save \"10\": Invalid save parameters\n"},
		{"--maxmemory 1mb", "2", "flag provided but not defined: -maxmemory\n"},
		{"--port 0 extra", "2", "unexpected argument \"extra\""},
		{"--port 0 --loglevel loud", "1", "embedis-server: --loglevel \"loud\": want debug, verbose, notice or warning"},
		{"--port 0 --io-threads 0", "1", "embedis-server: --io-threads must be at least 1"},
		{"--port 0 --proto-max-bulk-len 1048575", "1", "embedis-server: --proto-max-bulk-len 1048575: argument must be between 1048576 and 9223372036854775807 inclusive"},
		{"--port 0 --dir " + os.TempDir(), "1", "embedis-server: nothing to listen on: give --port or --unixsocket"},
		{"--port 0 --dir /nonexistent/embedis", "1", "embedis-server: --dir: stat /nonexistent/embedis: no such file or directory"},
		{"--port 0 --dir " + os.Args[0], "1", "embedis-server: --dir " + os.Args[0] + ": not a directory"},
		{"--port 0 --dbfilename a/b.rdb", "1", "embedis-server: --dbfilename \"a/b.rdb\": dbfilename can't be a path, just a filename"},
	} {
		code, stdout, stderr := runChild(t, tc.args)
		if strconv.Itoa(code) != tc.code || !strings.HasPrefix(stderr, tc.stderr) || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %s, stderr starting %q", tc.args, code, stdout, stderr, tc.code, tc.stderr)
		}
	}
}

// do sends one command over a new connection and returns its reply as
// resp.Reply.String renders it.
func do(t *testing.T, sock string, args ...string) string {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	c.Write([]byte(b.String()))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r, err := resp.ReadReply(bufio.NewReader(c))
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return r.String()
}

// stop sends SIGTERM and waits for a clean exit.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	waitExit(t, cmd, "SIGTERM")
}

// waitExit waits up to 10 seconds for the server to exit with status 0
// after what (a signal or a command) asked it to stop.
func waitExit(t *testing.T, cmd *exec.Cmd, what string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after %s: %v", what, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not stop on %s", what)
	}
}

// TestSaveStopStartKeepsTheData: SAVE, stop, start again on the same
// --dir/--dbfilename: the data is back, TTLs included; with --save= (no
// save points) a SIGTERM saves nothing, so what was written after the SAVE
// is gone, as on redis-server --save "". A dbfilename ending in ".zst" is
// a zstd-compressed RDB file.
func TestSaveStopStartKeepsTheData(t *testing.T) {
	for _, name := range []string{"snap.rdb", "snap.rdb.zst"} {
		t.Run(name, func(t *testing.T) { saveStopStart(t, name) })
	}
}

func saveStopStart(t *testing.T, name string) {
	dir := t.TempDir()
	flags := "--dir " + dir + " --dbfilename " + name + " --databases 4 --save="
	cmd, sock := startServerWith(t, flags)
	for _, c := range [][]string{
		{"SET", "s", "v"}, {"RPUSH", "l", "a", "b", "c"}, {"HSET", "h", "f", "1", "g", "2"}, {"SADD", "set", "x", "y"},
		{"ZADD", "z", "1.5", "m", "2", "n"}, {"SET", "ttl", "v", "EX", "1000"}, {"MSET", "a", "1", "b", "2"},
		{"MOVE", "b", "3"}, // every do is a new connection, on database 0
	} {
		if got := do(t, sock, c...); strings.HasPrefix(got, "-") {
			t.Fatalf("%q: %s", c, got)
		}
	}
	if got := do(t, sock, "SAVE"); got != `+"OK"` {
		t.Fatalf("SAVE: %s", got)
	}
	do(t, sock, "SET", "after", "lost")
	stop(t, cmd)
	head := make([]byte, 9)
	if f, err := os.Open(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	} else {
		f.Read(head)
		f.Close()
	}
	if want := "REDIS0010"; strings.HasSuffix(name, ".zst") {
		if string(head[:4]) != "\x28\xb5\x2f\xfd" {
			t.Errorf("%s starts %q, want zstd's magic number", name, head)
		}
	} else if string(head) != want {
		t.Errorf("%s starts %q, want %q", name, head, want)
	}
	_, sock = startServerWith(t, flags)
	for _, tc := range []struct {
		want string
		args []string
	}{
		{`$"v"`, []string{"GET", "s"}}, {`*[$"a", $"b", $"c"]`, []string{"LRANGE", "l", "0", "-1"}},
		{`$"2"`, []string{"HGET", "h", "g"}}, {`:2`, []string{"SCARD", "set"}},
		{`*[$"m", $"1.5", $"n", $"2"]`, []string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}},
		{`:1`, []string{"EXISTS", "ttl"}}, {`$"1"`, []string{"GET", "a"}}, {`:0`, []string{"EXISTS", "after"}},
		{`:7`, []string{"DBSIZE"}},
	} {
		if got := do(t, sock, tc.args...); got != tc.want {
			t.Errorf("after restart, %q = %s, want %s", tc.args, got, tc.want)
		}
	}
	if got := do(t, sock, "TTL", "ttl"); got == ":-1" || got == ":-2" {
		t.Errorf("after restart, TTL ttl = %s, want the TTL kept", got)
	}
	if info := do(t, sock, "INFO", "keyspace"); !strings.Contains(info, `db3:keys=1,expires=0`) {
		t.Errorf("INFO keyspace after restart: %s", info)
	}
	info := do(t, sock, "INFO", "persistence")
	if !strings.Contains(info, `rdb_last_load_keys_loaded:8\r\n`) || !strings.Contains(info, `rdb_changes_since_last_save:0\r\n`) {
		t.Errorf("INFO persistence after loading 8 keys: %s", info)
	}
}

// TestDamagedSnapshotRefusesStart: as redis-server refuses to start on a
// corrupt RDB file, a damaged dump.rdb stops the start with the error and
// its offset, exit status 1.
func TestDamagedSnapshotRefusesStart(t *testing.T) {
	dir := t.TempDir()
	cmd, sock := startServerWith(t, "--dir "+dir)
	do(t, sock, "SET", "k", "a value long enough to be worth a few bytes")
	if got := do(t, sock, "SAVE"); got != `+"OK"` {
		t.Fatalf("SAVE: %s", got)
	}
	stop(t, cmd)
	path := filepath.Join(dir, "dump.rdb")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"truncated":   good[:len(good)-12],
		"bit flipped": append(append([]byte(nil), good[:len(good)-20]...), append([]byte{good[len(good)-20] ^ 4}, good[len(good)-19:]...)...),
		"not an RDB":  []byte("hello, world\n"),
	} {
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runChild(t, "--port 0 --unixsocket "+filepath.Join(dir, "s.sock")+" --dir "+dir)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "embedis-server: persist: open snapshot "+path+": ") || !strings.Contains(stderr, "byte ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and the error with its offset", name, code, stdout, stderr)
		}
	}
}

// TestSIGTERMDoesNotSave: without save points (--save=, or --save "" put
// after others) a stop writes no snapshot.
func TestSIGTERMDoesNotSave(t *testing.T) {
	for _, flag := range []string{"--save=", "--save 60 1 --save="} {
		dir := t.TempDir()
		cmd, sock := startServerWith(t, "--dir "+dir+" "+flag)
		if got := do(t, sock, "CONFIG", "GET", "save"); got != `*[$"save", $""]` {
			t.Errorf("%s: CONFIG GET save = %s", flag, got)
		}
		do(t, sock, "SET", "k", "v")
		stop(t, cmd)
		if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); !os.IsNotExist(err) {
			t.Errorf("%s: dump.rdb after SIGTERM: %v, want none", flag, err)
		}
	}
}

// TestSignalsSave: with save points — redis-server's default when no
// --save is given — SIGTERM and SIGINT save the data before the server
// exits, and the next start has it; the save points the flags give are
// those CONFIG GET save shows, in redis-server's command-line forms.
func TestSignalsSave(t *testing.T) {
	for _, tc := range []struct {
		flags, save string
		sig         syscall.Signal
	}{
		{"", "3600 1 300 100 60 10000", syscall.SIGTERM},
		{"", "3600 1 300 100 60 10000", syscall.SIGINT},
		{"--save 60 1 300 10", "60 1 300 10", syscall.SIGTERM},
		{"--save 60 1 --save 300 10", "60 1 300 10", syscall.SIGTERM},
		{"--save= --save 900 1", "900 1", syscall.SIGINT},
	} {
		dir := t.TempDir()
		cmd, sock := startServerWith(t, "--dir "+dir+" "+tc.flags)
		if got := do(t, sock, "CONFIG", "GET", "save"); got != `*[$"save", $"`+tc.save+`"]` {
			t.Errorf("%q: CONFIG GET save = %s, want %q", tc.flags, got, tc.save)
		}
		do(t, sock, "SET", "k", "kept")
		cmd.Process.Signal(tc.sig)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("%q: exit after %v: %v", tc.flags, tc.sig, err)
		}
		_, sock = startServerWith(t, "--dir "+dir+" --save=")
		if got := do(t, sock, "GET", "k"); got != `$"kept"` {
			t.Errorf("%q, %v: after the restart GET k = %s", tc.flags, tc.sig, got)
		}
	}
}

// TestSIGTERMSaveFails: when the save fails, SIGTERM does not stop the
// server, as redis-server's does not; SHUTDOWN NOSAVE does.
func TestSIGTERMSaveFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd, sock := startServerLogging(t, "--dir "+dir, logs)
	do(t, sock, "SET", "k", "v")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	cmd.Process.Signal(syscall.SIGTERM)
	// Once the log says the save failed, the commands after it are served
	// and the process is still there.
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "errors trying to shut down the server") {
		if time.Now().After(deadline) {
			t.Fatalf("SIGTERM: the log does not say the shutdown failed:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "Error trying to save the DB, can't exit.") {
		t.Errorf("the log does not say why:\n%s", logs)
	}
	if got := do(t, sock, "GET", "k"); got != `$"v"` {
		t.Fatalf("GET k after a failed SIGTERM = %s", got)
	}
	select {
	case err := <-exited:
		t.Fatalf("the server exited after SIGTERM with a failing save: %v", err)
	default:
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("SHUTDOWN NOSAVE\r\n"))
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SHUTDOWN NOSAVE: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop on SHUTDOWN NOSAVE")
	}
}

func TestJoinSaveWords(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"--save", "60", "1", "300", "10", "--port", "0"}, []string{"--save", "60 1 300 10", "--port", "0"}},
		{[]string{"-save", "60 1", "--save", ""}, []string{"-save", "60 1", "--save", ""}},
		{[]string{"--save=", "--save"}, []string{"--save=", "--save"}},
		{[]string{"--", "--save", "1", "1"}, []string{"--", "--save", "1", "1"}},
	} {
		if got := joinSaveWords(tc.in); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("joinSaveWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTooFewDatabasesRefusesStart: as redis-server refuses a file with a
// database its --databases does not have, so does embedis-server.
func TestTooFewDatabasesRefusesStart(t *testing.T) {
	dir := t.TempDir()
	cmd, sock := startServerWith(t, "--dir "+dir+" --databases 8")
	if got := do(t, sock, "SET", "k", "v"); got != `+"OK"` {
		t.Fatal(got)
	}
	if got := do(t, sock, "MOVE", "k", "7"); got != ":1" {
		t.Fatal(got)
	}
	if got := do(t, sock, "SAVE"); got != `+"OK"` {
		t.Fatal(got)
	}
	stop(t, cmd)
	code, stdout, stderr := runChild(t, "--port 0 --unixsocket "+filepath.Join(dir, "s.sock")+" --dir "+dir+" --databases 4")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "database 7, the store has 4") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 naming database 7", code, stdout, stderr)
	}
}

// TestStartsOnRedisDump: embedis-server starts on a dump.rdb that
// redis-server 7.0 wrote, as redis-server itself would.
func TestStartsOnRedisDump(t *testing.T) {
	rs := redistest.Start(t)
	rc := rs.Dial(t)
	for _, c := range [][]string{
		{"SET", "s", "from redis"}, {"RPUSH", "l", "a", "b"}, {"HSET", "h", "f", "v"}, {"SADD", "ints", "1", "2", "3"},
		{"ZADD", "z", "2.5", "m"}, {"SET", "ttl", "v", "EX", "1000"}, {"SELECT", "2"}, {"SET", "db2", "x"}, {"SAVE"},
	} {
		rc.MustDo(t, c...)
	}
	dump, err := os.ReadFile(filepath.Join(filepath.Dir(rs.Socket), "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), dump, 0o644); err != nil {
		t.Fatal(err)
	}
	_, sock := startServerWith(t, "--dir "+dir)
	for _, tc := range []struct {
		want string
		args []string
	}{
		{`$"from redis"`, []string{"GET", "s"}}, {`*[$"a", $"b"]`, []string{"LRANGE", "l", "0", "-1"}},
		{`$"v"`, []string{"HGET", "h", "f"}}, {`*[$"1", $"2", $"3"]`, []string{"SMEMBERS", "ints"}},
		{`$"2.5"`, []string{"ZSCORE", "z", "m"}}, {`:6`, []string{"DBSIZE"}}, {`$"intset"`, []string{"OBJECT", "ENCODING", "ints"}},
	} {
		if got := do(t, sock, tc.args...); got != tc.want {
			t.Errorf("%q = %s, want %s", tc.args, got, tc.want)
		}
	}
	if info := do(t, sock, "INFO", "keyspace"); !strings.Contains(info, `db2:keys=1,expires=0`) {
		t.Errorf("INFO keyspace: %s", info)
	}
	if info := do(t, sock, "INFO", "persistence"); !strings.Contains(info, `rdb_last_load_keys_loaded:7\r\n`) {
		t.Errorf("INFO persistence: %s", info)
	}
}

// TestAppendOnlySurvivesSIGKILL: with --appendonly yes --appendfsync
// always, every acknowledged write is there after the process is killed
// hard (SIGKILL: nothing flushed on the way out) and started again; the
// data comes from the append-only directory, not from dump.rdb (as
// redis-server with appendonly yes); BGREWRITEAOF compacts it and the data
// is still there after another kill.
func TestAppendOnlySurvivesSIGKILL(t *testing.T) {
	dir := t.TempDir()
	// A dump.rdb that appendonly yes must not load.
	cmd, sock := startServerWith(t, "--dir "+dir+" --save=")
	do(t, sock, "SET", "from-rdb", "1")
	if got := do(t, sock, "SAVE"); got != `+"OK"` {
		t.Fatalf("SAVE: %s", got)
	}
	stop(t, cmd)

	flags := "--dir " + dir + " --save= --appendonly yes --appendfsync always --databases 4"
	kill := func(cmd *exec.Cmd) {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	cmd, sock = startServerWith(t, flags)
	if got := do(t, sock, "EXISTS", "from-rdb"); got != ":0" {
		t.Errorf("with --appendonly yes, EXISTS from-rdb = %s: dump.rdb was loaded", got)
	}
	writes := [][]string{
		{"SET", "s", "v"}, {"RPUSH", "l", "a", "b", "c"}, {"HSET", "h", "f", "1", "g", "2"}, {"SADD", "set", "x", "y"},
		{"ZADD", "z", "1.5", "m", "2", "n"}, {"SET", "ttl", "v", "EX", "1000"}, {"INCR", "n"}, {"INCR", "n"},
		{"MSET", "a", "1", "b", "2"}, {"MOVE", "b", "3"}, {"DEL", "a"},
	}
	for _, c := range writes {
		if got := do(t, sock, c...); strings.HasPrefix(got, "-") {
			t.Fatalf("%q: %s", c, got)
		}
	}
	kill(cmd)
	check := func(when string, sock string) {
		t.Helper()
		for _, tc := range []struct {
			want string
			args []string
		}{
			{`$"v"`, []string{"GET", "s"}}, {`*[$"a", $"b", $"c"]`, []string{"LRANGE", "l", "0", "-1"}},
			{`$"2"`, []string{"HGET", "h", "g"}}, {`:2`, []string{"SCARD", "set"}},
			{`*[$"m", $"1.5", $"n", $"2"]`, []string{"ZRANGE", "z", "0", "-1", "WITHSCORES"}},
			{`:1`, []string{"EXISTS", "ttl"}}, {`$"2"`, []string{"GET", "n"}}, {`:0`, []string{"EXISTS", "a"}},
			{`:7`, []string{"DBSIZE"}}, {`:0`, []string{"EXISTS", "from-rdb"}},
		} {
			if got := do(t, sock, tc.args...); got != tc.want {
				t.Errorf("%s, %q = %s, want %s", when, tc.args, got, tc.want)
			}
		}
		if got := do(t, sock, "TTL", "ttl"); got == ":-1" || got == ":-2" {
			t.Errorf("%s, TTL ttl = %s, want the TTL kept", when, got)
		}
		if info := do(t, sock, "INFO", "keyspace"); !strings.Contains(info, `db3:keys=1,expires=0`) {
			t.Errorf("%s, INFO keyspace: %s", when, info)
		}
	}
	var logs syncBuffer
	cmd, sock = startServerLogging(t, flags+" --loglevel notice", &logs)
	check("after SIGKILL", sock)
	if !strings.Contains(logs.String(), "DB loaded from append only file: ") {
		t.Errorf("the log does not say the append-only file was loaded:\n%s", logs.String())
	}
	if got := do(t, sock, "BGREWRITEAOF"); got != `+"Background append only file rewriting started"` {
		t.Fatalf("BGREWRITEAOF: %s", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(do(t, sock, "INFO", "persistence"), `aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n`) {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if info := do(t, sock, "INFO", "persistence"); !strings.Contains(info, `aof_enabled:1\r\n`) || !strings.Contains(info, `aof_rewrites:1\r\n`) ||
		!strings.Contains(info, `aof_last_bgrewrite_status:ok\r\n`) {
		t.Errorf("INFO persistence after BGREWRITEAOF: %s", info)
	}
	if got := do(t, sock, "CONFIG", "GET", "append*"); !strings.Contains(got, `$"appendonly", $"yes"`) || !strings.Contains(got, `$"appendfsync", $"always"`) {
		t.Errorf("CONFIG GET append*: %s", got)
	}
	kill(cmd)
	_, sock = startServerWith(t, flags)
	check("after BGREWRITEAOF and SIGKILL", sock)
	// As redis-server: the keys of the AOF's RDB base (7 in db 0, 1 in db 3).
	if info := do(t, sock, "INFO", "persistence"); !strings.Contains(info, `rdb_last_load_keys_loaded:8\r\n`) {
		t.Errorf("INFO persistence after loading a base of 8 keys: %s", info)
	}
}

// TestConfigSetAppendOnly: a server started with --appendonly no turns the
// log on with CONFIG SET appendonly yes (a rewrite of the data in memory
// into --appenddirname); a write after it survives SIGKILL, and a restart
// with --appendonly yes loads both.
func TestConfigSetAppendOnly(t *testing.T) {
	dir := t.TempDir()
	cmd, sock := startServerWith(t, "--dir "+dir+" --save=")
	do(t, sock, "SET", "before", "1")
	if got := do(t, sock, "CONFIG", "SET", "appendonly", "yes"); got != `+"OK"` {
		t.Fatalf("CONFIG SET appendonly yes: %s", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(do(t, sock, "INFO", "persistence"), `aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n`) {
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := do(t, sock, "CONFIG", "SET", "appendfsync", "always"); got != `+"OK"` {
		t.Fatalf("CONFIG SET appendfsync always: %s", got)
	}
	do(t, sock, "SET", "after", "2")
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	_, sock = startServerWith(t, "--dir "+dir+" --save= --appendonly yes")
	if got := do(t, sock, "MGET", "before", "after"); got != `*[$"1", $"2"]` {
		t.Errorf("after CONFIG SET appendonly yes, SIGKILL and a restart: MGET = %s", got)
	}
}

// TestDamagedLogRefusesStart: a damaged record of the append-only log
// stops the start with the file, the byte offset and the reason, exit
// status 1, as a damaged dump.rdb does.
func TestDamagedLogRefusesStart(t *testing.T) {
	dir := t.TempDir()
	flags := "--dir " + dir + " --save= --appendonly yes --appenddirname aof"
	cmd, sock := startServerWith(t, flags)
	for i := 0; i < 3; i++ {
		do(t, sock, "SET", "k"+strconv.Itoa(i), "a value long enough to be worth a few bytes")
	}
	stop(t, cmd)
	segs, err := filepath.Glob(filepath.Join(dir, "aof", "log.*.seg"))
	if err != nil || len(segs) != 1 {
		t.Fatalf("log segments in %s: %v %v", dir, segs, err)
	}
	data, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	data[40] ^= 1 // in the first record
	if err := os.WriteFile(segs[0], data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runChild(t, "--port 0 --unixsocket "+filepath.Join(dir, "s.sock")+" "+flags)
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "embedis-server: persist: "+segs[0]+": byte ") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and the file, offset and reason", code, stdout, stderr)
	}
}
