//go:build unix

package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/persist"
)

// The wire crash harness (issue 13): TestAOFCrashKillsExec starts a server
// process (TestAOFCrashChild, the test binary run again: a Server over a
// persist.DB with appendonly yes and appendfsync always, on a Unix socket)
// again and again on one data directory, and sends it MULTI/EXEC blocks
// over every data type, with absolute deadlines (SET PXAT, PEXPIREAT, some
// already past: the key is deleted), in databases 0 and 1, and now and then
// BGREWRITEAOF. It kills the process with SIGKILL at a random moment
// (a random 0–100 ms after its start, during writes and rewrites alike) and
// reopens the directory: its keyspace must be the model's — an in-memory
// store to which the parent applied every EXEC the server acknowledged — or
// the model's plus the one EXEC in flight (sent, its reply not read). Any
// other state is a lost acknowledged EXEC or a half-applied one. The first
// command of every EXEC of kind 0 writes the unit's number into five keys
// of five types, so that a half-applied EXEC is seen directly too.
//
// The count of kills is EMBEDIS_CRASH_KILLS (shared with persist's
// harness), 200 by default:
//
//	EMBEDIS_CRASH_KILLS=10000 go test -run TestAOFCrashKillsExec -v -timeout 3h ./server

const (
	aofCrashDirEnv  = "EMBEDIS_AOF_CRASH_DIR"
	aofCrashSockEnv = "EMBEDIS_AOF_CRASH_SOCK"
)

// aofCrashFar is the base of the deadlines the units set: far in the
// future, so that no key expires between the writer and the check.
var aofCrashFar = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// aofCrashUnit returns unit n: the database it runs in and its commands,
// sent between MULTI and EXEC.
func aofCrashUnit(n int) (db int, cmds [][]string) {
	ns := strconv.Itoa(n)
	mod := func(m int) string { return strconv.Itoa(n % m) }
	far := func(d int) string { return strconv.FormatInt(aofCrashFar+int64(d), 10) }
	switch n % 4 {
	case 0: // the counter keys, every type at once
		return 0, [][]string{
			{"SET", "c:str", ns},
			{"RPUSH", "c:list", ns}, {"LTRIM", "c:list", "-4", "-1"},
			{"HSET", "c:hash", "n", ns, "f" + mod(5), ns},
			{"SADD", "c:set", ns}, {"SREM", "c:set", strconv.Itoa(n - 12)},
			{"ZADD", "c:zset", ns, ns}, {"ZREMRANGEBYRANK", "c:zset", "0", "-4"},
			{"PEXPIREAT", "c:hash", far(n)},
		}
	case 1:
		return 0, [][]string{
			{"SET", "s:" + mod(7), ns, "PXAT", far(n)},
			{"INCR", "cnt"},
			{"LPUSH", "l:" + mod(3), ns, ns + "b"}, {"LTRIM", "l:" + mod(3), "0", "5"},
			{"DEL", "s:" + strconv.Itoa((n+3)%7)},
			{"SET", "gone:" + mod(5), ns}, {"PEXPIREAT", "gone:" + mod(5), "1"}, // past: deleted
		}
	case 2:
		return 1, [][]string{
			{"HSET", "h:" + mod(4), "f" + mod(3), ns},
			{"SADD", "st:" + mod(3), ns, "m" + mod(5)}, {"SREM", "st:" + mod(3), "m" + mod(4)},
			{"ZINCRBY", "z", "1.5", "m" + mod(6)},
			{"SETRANGE", "r:" + mod(2), strconv.Itoa(n % 9), ns},
			{"PEXPIREAT", "h:" + mod(4), far(2 * n)},
		}
	default:
		return 1, [][]string{
			{"APPEND", "a", ns + ","},
			{"RPUSH", "q", ns}, {"LPOP", "q"}, {"RPUSH", "q", ns + "x"},
			{"HINCRBY", "hc", "f" + mod(3), "2"},
			{"ZADD", "zz", strconv.Itoa(n % 10), "m" + mod(7)},
			{"DEL", "st:" + mod(3)},
		}
	}
}

// TestAOFCrashChild is the server process of TestAOFCrashKillsExec; it does
// nothing in a normal test run. It reports "ready" on file descriptor 3
// once it accepts connections, and runs until it is killed.
func TestAOFCrashChild(t *testing.T) {
	dir, sock := os.Getenv(aofCrashDirEnv), os.Getenv(aofCrashSockEnv)
	if dir == "" {
		t.Skip("the child of TestAOFCrashKillsExec")
	}
	report := os.NewFile(3, "report")
	db, err := persist.Open(dir, persist.Options{AppendOnly: true, AppendFsync: persist.FsyncAlways,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AutoCompactPercent: 100, AutoCompactMinSize: 32 << 10})
	if err != nil {
		fmt.Fprintf(report, "fail open: %v\n", err)
		os.Exit(2)
	}
	srv := New(db.Store, Options{Dir: filepath.Dir(dir), AppendOnly: db, AppendFsync: persist.FsyncAlways,
		AppendDirName: filepath.Base(dir)})
	os.Remove(sock)
	l, err := net.Listen("unix", sock)
	if err != nil {
		fmt.Fprintf(report, "fail listen: %v\n", err)
		os.Exit(2)
	}
	fmt.Fprintln(report, "ready")
	srv.Serve(l)
	select {}
}

// aofCrashKeyspace describes every key of databases 0 and 1 of s, with its
// deadline, unordered collections sorted.
func aofCrashKeyspace(t *testing.T, s *embedis.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	do := func(h *embedis.Store, args ...string) any {
		v, err := h.Do(context.Background(), args...)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return v
	}
	strs := func(v any) []string {
		var ss []string
		for _, x := range v.([]any) {
			ss = append(ss, fmt.Sprint(x))
		}
		return ss
	}
	for d := 0; d < 2; d++ {
		h := s.DB(d)
		for _, k := range strs(do(h, "KEYS", "*")) {
			var val []string
			switch typ := do(h, "TYPE", k).(string); typ {
			case "string":
				val = []string{fmt.Sprint(do(h, "GET", k))}
			case "list":
				val = strs(do(h, "LRANGE", k, "0", "-1"))
			case "set":
				val = strs(do(h, "SMEMBERS", k))
				sort.Strings(val)
			case "hash":
				val = strs(do(h, "HGETALL", k))
				var pairs []string
				for i := 0; i+1 < len(val); i += 2 {
					pairs = append(pairs, val[i]+"="+val[i+1])
				}
				sort.Strings(pairs)
				val = pairs
			case "zset":
				val = strs(do(h, "ZRANGE", k, "0", "-1", "WITHSCORES"))
			default:
				val = []string{"type " + typ}
			}
			out[fmt.Sprintf("%d/%s", d, k)] = fmt.Sprintf("%q @%v", val, do(h, "PEXPIRETIME", k))
		}
	}
	return out
}

// aofCrashDiff describes how got differs from want, "" when it does not.
func aofCrashDiff(want, got map[string]string) string {
	var d []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			d = append(d, fmt.Sprintf("%s missing (want %s)", k, w))
		} else if g != w {
			d = append(d, fmt.Sprintf("%s is %s, want %s", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("%s extra (%s)", k, g))
		}
	}
	sort.Strings(d)
	if len(d) > 8 {
		d = append(d[:8], fmt.Sprintf("and %d more", len(d)-8))
	}
	return strings.Join(d, "; ")
}

// TestAOFCrashKillsExec is the harness described above.
func TestAOFCrashKillsExec(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	kills := 200
	if s := os.Getenv("EMBEDIS_CRASH_KILLS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("EMBEDIS_CRASH_KILLS=%q: want a positive number", s)
		}
		kills = n
	}
	start := time.Now()
	dir := filepath.Join(t.TempDir(), "appendonlydir")
	sockDir, err := os.MkdirTemp("", "aofcrash")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(sockDir)
	sock := filepath.Join(sockDir, "s")
	model, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	apply := func(n int) {
		d, cmds := aofCrashUnit(n)
		for _, c := range cmds {
			if _, err := model.DB(d).Do(context.Background(), c...); err != nil && !isNil(err) {
				t.Fatalf("model: unit %d %q: %v", n, c, err)
			}
		}
	}

	next := 0 // units 0..next-1 acknowledged (and in the model)
	var inFlight, rewrites, counterChecks int
	for k := 0; k < kills; k++ {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		cmd := exec.Command(os.Args[0], "-test.run=^TestAOFCrashChild$")
		cmd.Env = append(os.Environ(), aofCrashDirEnv+"="+dir, aofCrashSockEnv+"="+sock)
		cmd.ExtraFiles = []*os.File{w}
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		line, err := bufio.NewReader(r).ReadString('\n')
		r.Close()
		if line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: the server did not start: %q %v\n%s", k, line, err, out.String())
		}
		nc, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		killed := time.AfterFunc(time.Duration(rand.IntN(100000))*time.Microsecond, func() {
			cmd.Process.Signal(syscall.SIGKILL)
		})
		sent := -1 // the unit sent whose EXEC reply was not read
		br := bufio.NewReader(nc)
		curDB := 0
		for {
			n := next
			d, cmds := aofCrashUnit(n)
			var b strings.Builder
			enc := func(args ...string) {
				b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
				for _, a := range args {
					b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
				}
			}
			replies := 2 + len(cmds)
			rewriteAt := -1 // the index of BGREWRITEAOF's reply
			if d != curDB {
				enc("SELECT", strconv.Itoa(d))
				replies++
			}
			if n%25 == 24 {
				enc("BGREWRITEAOF")
				rewriteAt = replies - 2 - len(cmds)
				replies++
			}
			enc("MULTI")
			for _, c := range cmds {
				enc(c...)
			}
			enc("EXEC")
			sent = n
			if _, err := io.WriteString(nc, b.String()); err != nil {
				break
			}
			var last resp.Reply
			var rerr error
			for i := 0; i < replies && rerr == nil; i++ {
				last, rerr = resp.ReadReply(br)
				if rerr == nil && i == 0 && d != curDB {
					curDB = d
				}
				switch {
				case rerr != nil:
				case i == rewriteAt:
					// started, scheduled, or already in progress (an
					// automatic compaction is not one: see aof.go)
					if last.Kind == '+' {
						rewrites++
					}
				case last.Kind == '-':
					t.Fatalf("kill %d: unit %d: error reply %q", k, n, last.Str)
				}
			}
			if rerr != nil {
				break
			}
			if last.Kind != '*' || len(last.Elems) != len(cmds) {
				t.Fatalf("kill %d: unit %d: EXEC replied %v", k, n, last)
			}
			apply(n)
			next++
			sent = -1
		}
		killed.Stop()
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		nc.Close()

		db, err := persist.Open(dir, persist.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatalf("kill %d: reopen: %v", k, err)
		}
		got := aofCrashKeyspace(t, db.Store)
		if diff := aofCrashDiff(aofCrashKeyspace(t, model), got); diff != "" {
			if sent < 0 {
				t.Fatalf("kill %d: the directory differs from the %d acknowledged EXECs: %s", k, next, diff)
			}
			apply(sent) // the EXEC in flight, applied whole?
			if diff2 := aofCrashDiff(aofCrashKeyspace(t, model), got); diff2 != "" {
				t.Fatalf("kill %d: the directory holds neither EXECs 0..%d (%s) nor 0..%d (%s)", k, next-1, diff, next, diff2)
			}
			next++
			inFlight++
		}
		if v, err := db.Get(context.Background(), "c:str"); err == nil {
			last, _ := db.LRange(context.Background(), "c:list", -1, -1)
			h, _ := db.HGet(context.Background(), "c:hash", "n")
			top, _ := db.ZRange(context.Background(), "c:zset", -1, -1)
			if len(last) != 1 || last[0] != v || h != v || len(top) != 1 || top[0] != v {
				t.Fatalf("kill %d: half-applied EXEC: c:str %q, c:list ends %q, c:hash n %q, c:zset top %q", k, v, last, h, top)
			}
			counterChecks++
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d kills in %v: %d EXECs acknowledged, every one found after every later kill; %d more found whole though their reply was not read; "+
		"counter keys agreed after %d kills; %d BGREWRITEAOF started or scheduled; 0 lost, 0 half-applied",
		kills, time.Since(start).Round(time.Millisecond), next-inFlight, inFlight, counterChecks, rewrites)
	if next == 0 {
		t.Error("no EXEC was acknowledged in any run")
	}
}

// isNil reports whether err is the store's "no value" (a command of a unit
// that replies nil, as LPOP on an empty list).
func isNil(err error) bool { return err == embedis.ErrNotFound }
