package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
)

// RDB snapshot benchmarks: SAVE and load of the same data in embedis and in
// redis-server, in the same run, one side at a time (each side's data is
// freed before the other's is built). Two datasets:
//
//   - strings: keys "key:N" holding "value:N" (redis-server fills itself
//     with DEBUG POPULATE, which makes exactly these);
//   - mixed: key N is, by N mod 5, a string, a list of 8 elements, an intset
//     of 8 integers, a hash of 4 fields or a sorted set of 8 members (the
//     small encodings), and every 10,000th key is instead a list, set of
//     strings, hash or sorted set of 1,000 (the large ones); every 7th key
//     has a deadline (PEXPIREAT in 2100). redis-server is filled by a
//     pipelined RESP stream from Go.
//
// The size is 100,000 keys, so that test.sh's one pass stays short; set
// EMBEDIS_BENCH_RDB=1m or 10m for 1 or 10 million keys, with
//
//	cd bench && EMBEDIS_BENCH_RDB=1m go test -run '^$' -bench 'RDB' -benchtime 1x -timeout 2h
//
// Each sub-benchmark runs once and reports, besides ns/op (the save and
// load together):
//
//   - save-s: embedis: Store.Snapshot (taken under the owner role), WriteTo
//     a file, fsync; redis-server: the SAVE command's round trip (Redis
//     writes a temporary file, fsyncs and renames it);
//   - save-cpu-s: the CPU time (user and system) the saving process spent
//     on it: this benchmark's process for embedis (getrusage), redis-server's
//     (/proc/<pid>/stat before and after);
//   - load-s: embedis: OpenSnapshot on the file, in a child process (this
//     test binary re-run), timed inside it; redis-server: the "DB loaded
//     from disk: X seconds" line of a redis-server started on the file;
//   - start-s: the wall time from starting the loading process until it
//     has loaded (the child's exit; redis-server's first PONG);
//   - cpu-s: the CPU time (user and system) of the loading process until
//     then: the whole child for embedis (its Go runtime's garbage
//     collector runs on the second core while loading); redis-server's
//     from /proc/<pid>/stat once it answers;
//   - peak-MB: the peak resident set (VmHWM) of the loading process: the
//     child for embedis (its Go runtime included, about 5 MB idle),
//     redis-server's pid for redis-server;
//   - held-MB: after loading: embedis's live Go heap (HeapAlloc after a
//     GC), redis-server's used_memory;
//   - file-MB: the size of the file.
//
// The data directory is $EMBEDIS_BENCH_RDB_DIR, or the system's temporary
// directory.

// rdbKeys is the dataset size from EMBEDIS_BENCH_RDB.
func rdbKeys(b *testing.B) int {
	switch v := os.Getenv("EMBEDIS_BENCH_RDB"); v {
	case "":
		return sized(100_000, 10_000)
	case "1m":
		return 1_000_000
	case "10m":
		return 10_000_000
	default:
		b.Fatalf("EMBEDIS_BENCH_RDB=%q: want 1m or 10m (or unset for 100,000 keys)", v)
		return 0
	}
}

// rdbFarExpiry is the deadline of every 7th mixed key: 2100-01-01.
const rdbFarExpiry = 4102444800000

// rdbMixed returns the command that builds mixed key i (see the top).
func rdbMixed(i int) []string {
	key := "key:" + strconv.Itoa(i)
	n, large := 8, i%10_000 == 0
	if large {
		n = 1000
	}
	elems := func(prefix string, count int) []string {
		out := make([]string, count)
		for j := range out {
			out[j] = prefix + strconv.Itoa(j)
		}
		return out
	}
	switch i % 5 {
	case 1:
		return append([]string{"RPUSH", key}, elems("item:", n)...)
	case 2:
		if large {
			return append([]string{"SADD", key}, elems("member:", n)...)
		}
		cmd := []string{"SADD", key}
		for j := 0; j < n; j++ {
			cmd = append(cmd, strconv.Itoa(i*8+j))
		}
		return cmd
	case 3:
		cmd := []string{"HSET", key}
		for j := 0; j < max(4, n/2); j++ {
			cmd = append(cmd, "field:"+strconv.Itoa(j), "v:"+strconv.Itoa(i+j))
		}
		return cmd
	case 4:
		cmd := []string{"ZADD", key}
		for j := 0; j < n; j++ {
			cmd = append(cmd, strconv.Itoa(j*3-7), "m:"+strconv.Itoa(j))
		}
		return cmd
	}
	if large {
		return []string{"SET", key, strings.Repeat("value:"+strconv.Itoa(i), 100)}
	}
	return []string{"SET", key, "value:" + strconv.Itoa(i)}
}

// rdbExpiring reports whether mixed key i has a deadline.
func rdbExpiring(i int) bool { return i%7 == 0 }

// fillEmbedis builds the dataset in a new Store, 1,000 keys per Atomic.
func fillEmbedis(b testing.TB, mixed bool, n int) *embedis.Store {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	deadline := time.UnixMilli(rdbFarExpiry)
	for start := 0; start < n; start += 1000 {
		err := s.Atomic(ctx, func(tx *embedis.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				if !mixed {
					if err := tx.Set("key:"+strconv.Itoa(i), "value:"+strconv.Itoa(i), 0); err != nil {
						return err
					}
					continue
				}
				cmd := rdbMixed(i)
				key, args := cmd[1], cmd[2:]
				var err error
				switch cmd[0] {
				case "SET":
					err = tx.Set(key, args[0], 0)
				case "RPUSH":
					_, err = tx.RPush(key, args...)
				case "SADD":
					_, err = tx.SAdd(key, args...)
				case "HSET":
					_, err = tx.HSet(key, args...)
				case "ZADD":
					ms := make([]embedis.Z, 0, len(args)/2)
					for j := 0; j+1 < len(args); j += 2 {
						score, _ := strconv.ParseFloat(args[j], 64)
						ms = append(ms, embedis.Z{Score: score, Member: args[j+1]})
					}
					_, err = tx.ZAdd(key, ms...)
				}
				if err == nil && rdbExpiring(i) {
					_, err = tx.PExpireAt(key, deadline)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// fillRedis builds the dataset in redis-server: DEBUG POPULATE for the
// strings, a pipelined stream of 10,000 commands at a time for the mixed
// one.
func fillRedis(b *testing.B, srv *redistest.Server, mixed bool, n int) {
	c := srv.Dial(b)
	c.Timeout = 0
	if !mixed {
		c.MustDo(b, "DEBUG", "POPULATE", strconv.Itoa(n), "key")
		return
	}
	var batch [][]string
	flush := func() {
		for i, v := range c.Pipeline(b, batch) {
			if e, ok := v.(redistest.ReplyError); ok {
				b.Fatalf("%q: %v", batch[i][:2], e)
			}
		}
		batch = batch[:0]
	}
	at := strconv.FormatInt(rdbFarExpiry, 10)
	for i := 0; i < n; i++ {
		cmd := rdbMixed(i)
		batch = append(batch, cmd)
		if rdbExpiring(i) {
			batch = append(batch, []string{"PEXPIREAT", cmd[1], at})
		}
		if len(batch) >= 10_000 {
			flush()
		}
	}
	flush()
	if v := c.MustDo(b, "DBSIZE"); v != int64(n) {
		b.Fatalf("redis-server DBSIZE = %v, want %d", v, n)
	}
}

// rdbDir is where the benchmark writes its files.
func rdbDir(b *testing.B) string {
	parent := os.Getenv("EMBEDIS_BENCH_RDB_DIR")
	dir, err := os.MkdirTemp(parent, "embedis-rdb-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func BenchmarkRDB(b *testing.B) {
	n := rdbKeys(b)
	for _, data := range []struct {
		name  string
		mixed bool
	}{{"strings", false}, {"mixed", true}} {
		b.Run(fmt.Sprintf("%s/%d/embedis", data.name, n), func(b *testing.B) { benchRDBEmbedis(b, data.mixed, n) })
		b.Run(fmt.Sprintf("%s/%d/redis-server", data.name, n), func(b *testing.B) { benchRDBRedis(b, data.mixed, n) })
	}
}

// rdbResult is what one side measured.
type rdbResult struct {
	save, saveCPU, load, start, cpu time.Duration
	peak, held, file                int64 // bytes
}

func (r rdbResult) report(b *testing.B) {
	b.ReportMetric(r.save.Seconds(), "save-s")
	b.ReportMetric(r.saveCPU.Seconds(), "save-cpu-s")
	b.ReportMetric(r.load.Seconds(), "load-s")
	b.ReportMetric(r.start.Seconds(), "start-s")
	b.ReportMetric(r.cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(r.peak)/(1<<20), "peak-MB")
	b.ReportMetric(float64(r.held)/(1<<20), "held-MB")
	b.ReportMetric(float64(r.file)/(1<<20), "file-MB")
	b.Logf("save %.2fs (CPU %.2fs), load %.2fs (start to loaded %.2fs, CPU %.2fs), peak RSS %d MB, held %d MB, file %d MB",
		r.save.Seconds(), r.saveCPU.Seconds(), r.load.Seconds(), r.start.Seconds(), r.cpu.Seconds(), r.peak>>20, r.held>>20, r.file>>20)
}

func benchRDBEmbedis(b *testing.B, mixed bool, n int) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := fillEmbedis(b, mixed, n)
		path := filepath.Join(rdbDir(b), "dump.rdb")
		runtime.GC()
		b.StartTimer()

		var r rdbResult
		start, cpu0 := time.Now(), selfCPU(b)
		sn, err := s.Snapshot(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		if _, err := sn.WriteTo(w); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		r.save, r.saveCPU = time.Since(start), selfCPU(b)-cpu0
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		runtime.GC() // the store is gone before the child loads
		r.file = fileBytes(b, path)

		start = time.Now()
		child := loadInChild(b, path, n)
		r.start = time.Since(start)
		r.load, r.peak, r.held, r.cpu = child.Load, child.VmHWM, child.HeapAlloc, child.cpu
		b.StopTimer()
		r.report(b)
	}
}

func benchRDBRedis(b *testing.B, mixed bool, n int) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := rdbDir(b)
		builder := redistest.StartConfig(b, redistest.Config{Dir: dir, Args: []string{"--enable-debug-command", "yes"}})
		fillRedis(b, builder, mixed, n)
		b.StartTimer()

		var r rdbResult
		start, cpu0 := time.Now(), cpuTime(b, builder.Pid())
		path := builder.Save(b)
		r.save, r.saveCPU = time.Since(start), cpuTime(b, builder.Pid())-cpu0
		builder.Stop() // its memory is freed before the loader starts
		r.file = fileBytes(b, path)

		start = time.Now()
		loader := redistest.StartConfig(b, redistest.Config{Dir: dir, Args: []string{"--loglevel", "notice"}})
		r.start = time.Since(start)
		b.StopTimer()
		// The log reaches us through a pipe and a copying goroutine, so the
		// line can arrive after the first PONG: wait for it a little.
		loaded := regexp.MustCompile(`DB loaded from disk: ([0-9.]+) seconds`)
		m := loaded.FindStringSubmatch(loader.Log())
		for wait := 0; m == nil && wait < 100; wait++ {
			time.Sleep(100 * time.Millisecond)
			m = loaded.FindStringSubmatch(loader.Log())
		}
		if m == nil {
			b.Fatalf("no \"DB loaded from disk\" line in redis-server's log:\n%s", loader.Log())
		}
		secs, _ := strconv.ParseFloat(m[1], 64)
		r.load = time.Duration(secs * float64(time.Second))
		r.peak = vmHWM(b, loader.Pid())
		r.cpu = cpuTime(b, loader.Pid())
		lc := loader.Dial(b)
		if v := lc.MustDo(b, "DBSIZE"); v != int64(n) {
			b.Fatalf("loaded redis-server DBSIZE = %v, want %d", v, n)
		}
		info, _ := lc.MustDo(b, "INFO", "memory").(string)
		used := regexp.MustCompile(`(?m)^used_memory:(\d+)\r?$`).FindStringSubmatch(info)
		if used == nil {
			b.Fatalf("no used_memory in INFO memory:\n%s", info)
		}
		r.held, _ = strconv.ParseInt(used[1], 10, 64)
		loader.Stop()
		r.report(b)
	}
}

func fileBytes(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

// vmHWM returns the peak resident set of process pid ("self" for this
// one), from /proc/<pid>/status, in bytes.
func vmHWM(tb testing.TB, pid any) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%v/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB$`).FindSubmatch(status)
	if m == nil {
		tb.Fatalf("no VmHWM in /proc/%v/status", pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

// cpuTime returns the user and system CPU time process pid has used so
// far, from /proc/<pid>/stat (in clock ticks of 1/100 s, Linux's USER_HZ).
func cpuTime(tb testing.TB, pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: state is field 3, utime 14 and stime 15.
	rest := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(rest) < 13 {
		tb.Fatalf("/proc/%d/stat: %q", pid, stat)
	}
	utime, err1 := strconv.ParseInt(rest[11], 10, 64)
	stime, err2 := strconv.ParseInt(rest[12], 10, 64)
	if err1 != nil || err2 != nil {
		tb.Fatalf("/proc/%d/stat: %q", pid, stat)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// selfCPU returns the user and system CPU time this process has used.
func selfCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// childResult is what TestRDBLoadChild prints for its parent (cpu is
// filled in by the parent, from the child's exit status).
type childResult struct {
	Keys      int64
	Load      time.Duration
	VmHWM     int64
	HeapAlloc int64
	cpu       time.Duration
}

const childEnv = "EMBEDIS_BENCH_RDB_CHILD"

// loadInChild runs TestRDBLoadChild in a new process of this test binary
// on the file at path and returns what it measured.
func loadInChild(b *testing.B, path string, keys int) childResult {
	cmd := exec.Command(os.Args[0], "-test.run", "^TestRDBLoadChild$", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("the loading child: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`RDBCHILD (\{.*\})`).FindSubmatch(out.Bytes())
	if m == nil {
		b.Fatalf("the loading child printed no result:\n%s", out.String())
	}
	var r childResult
	if err := json.Unmarshal(m[1], &r); err != nil {
		b.Fatal(err)
	}
	if r.Keys != int64(keys) {
		b.Fatalf("the loading child has %d keys, want %d", r.Keys, keys)
	}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return r
}

// TestRDBLoadChild is the child process of BenchmarkRDB's embedis rows: it
// opens the file named by EMBEDIS_BENCH_RDB_CHILD and prints what loading
// it cost. Without that variable it skips.
func TestRDBLoadChild(t *testing.T) {
	path := os.Getenv(childEnv)
	if path == "" {
		t.Skip("the child process of BenchmarkRDB")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	s, err := embedis.OpenSnapshot(bufio.NewReaderSize(f, 1<<20), embedis.Options{})
	load := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := childResult{Load: load, VmHWM: vmHWM(t, "self")}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.HeapAlloc = int64(ms.HeapAlloc)
	if r.Keys, err = s.DBSize(context.Background()); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(r)
	fmt.Printf("RDBCHILD %s\n", out)
}
