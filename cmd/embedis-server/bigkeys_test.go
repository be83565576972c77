package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
)

// bigKeysData is the data of the differential tests: every type, keys of
// many sizes over several SCAN batches, binary key names, integer-encoded
// and empty strings, a HyperLogLog (a string whose bytes are Redis's), a
// stream without entries, keys with a time to live. The biggest key of
// each type is bigger than the others by far, in size and in memory, so
// that neither a tie nor the two stores' different memory estimates can
// choose another.
func bigKeysCommands() [][]string {
	cmds := [][]string{
		{"SET", "big:string", strings.Repeat("s", 20000)},
		{"SET", "int", "1234567"},
		{"SET", "", ""},
		{"SET", "empty", ""},
		{"SET", "bin\x00key\xff\t\"q\"\\", "binary"},
		{"SET", "ttl", "value", "EX", "3600"},
		{"PFADD", "hll", "a", "b", "c", "d"},
		{"SETBIT", "bits", "100", "1"},
		{"XADD", "empty:stream", "1-1", "f", "v"},
		{"XDEL", "empty:stream", "1-1"},
		{"HSET", "small:hash", "f", "v"},
		{"SADD", "small:intset", "1", "2", "3"},
		{"ZADD", "small:zset", "1", "a", "2", "b"},
		{"RPUSH", "small:list", "a", "b"},
	}
	list := []string{"RPUSH", "big:list"}
	hash := []string{"HSET", "big:hash"}
	set := []string{"SADD", "big:set"}
	zset := []string{"ZADD", "big:zset"}
	for i := 0; i < 2000; i++ {
		n := strconv.Itoa(i)
		list = append(list, "element-"+n)
		hash = append(hash, "field-"+n, "value-"+n)
		set = append(set, "member-"+n)
		zset = append(zset, n, "member-"+n)
	}
	cmds = append(cmds, list, hash, set, zset)
	for i := 0; i < 1500; i++ {
		cmds = append(cmds, []string{"XADD", "big:stream", strconv.Itoa(i+1) + "-0", "field", strings.Repeat("v", 20)})
	}
	for i := 0; i < 5; i++ {
		cmds = append(cmds, []string{"XADD", "small:stream", strconv.Itoa(i+1) + "-0", "f", "v"})
	}
	for i := 0; i < 300; i++ {
		n := strconv.Itoa(i)
		switch i % 5 {
		case 0:
			cmds = append(cmds, []string{"SET", "filler:" + n, strings.Repeat("x", i%97)})
		case 1:
			cmds = append(cmds, []string{"RPUSH", "filler:" + n, "a", n})
		case 2:
			cmds = append(cmds, []string{"SADD", "filler:" + n, "m" + n, "x"})
		case 3:
			cmds = append(cmds, []string{"HSET", "filler:" + n, "f", n, "g", n})
		case 4:
			cmds = append(cmds, []string{"ZADD", "filler:" + n, "1", n})
		}
	}
	return cmds
}

// redisCli returns the path of redis-cli, skipping the test when it is not
// installed (failing it under CI=true, as the differential tests do for
// redis-server).
func redisCli(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-cli")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-cli is not on PATH, and CI=true: the differential tests must run (./test.sh installs it)")
		}
		t.Skip("redis-cli is not on PATH: skipping the comparison with redis-cli --bigkeys")
	}
	return path
}

// runRedisCli runs redis-cli with args and returns its standard output.
func runRedisCli(t *testing.T, cli string, args ...string) string {
	t.Helper()
	out, err := exec.Command(cli, args...).Output()
	if err != nil {
		t.Fatalf("redis-cli %q: %v", args, err)
	}
	return string(out)
}

// runBigKeys runs embedis-server with args in this process and returns its
// standard output; it must exit with status 0.
func runBigKeys(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr strings.Builder
	if code := exitCode(args, &stdout, &stderr); code != 0 {
		t.Fatalf("embedis-server %q: exit status %d\n%s", args, code, stderr.String())
	}
	return stdout.String()
}

// summary returns the summary section of a --bigkeys output, from its
// "-------- summary -------" line to the end, and checks what comes before
// it: the header, then progress lines only.
func summary(t *testing.T, who, out string) string {
	t.Helper()
	i := strings.Index(out, "\n-------- summary -------\n")
	if i < 0 {
		t.Fatalf("%s: no summary in\n%s", who, out)
	}
	head, rest := out[:i], out[i:]
	if !strings.HasPrefix(head, embedis.BigKeysHeader) {
		t.Fatalf("%s: output does not start with the header:\n%s", who, out)
	}
	progress := regexp.MustCompile(`^\[\d\d+\.\d\d%\] (Biggest (string|list|set|hash|zset|stream) * found so far '.*' with \d+ (bytes|items|members|fields|entries)|Sampled \d+ keys so far)$`)
	for _, line := range strings.Split(strings.TrimSuffix(head[len(embedis.BigKeysHeader):], "\n"), "\n") {
		if line != "" && !progress.MatchString(line) {
			t.Errorf("%s: not a progress line: %q", who, line)
		}
	}
	return rest
}

// loadBoth runs cmds on a new redis-server and on a new embedis store, and
// writes the store's snapshot to dir/dump.rdb.
func loadBoth(t *testing.T, cmds [][]string, dir string) *redistest.Server {
	t.Helper()
	srv := redistest.Start(t)
	c := srv.Dial(t)
	for _, r := range c.Pipeline(t, cmds) {
		if e, ok := r.(redistest.ReplyError); ok {
			t.Fatalf("redis-server: %v", e)
		}
	}
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, cmd := range cmds {
		if _, err := s.Do(ctx, cmd...); err != nil {
			t.Fatalf("embedis %q: %v", cmd, err)
		}
	}
	f, err := os.Create(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteSnapshot(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestBigKeysAsRedisCli loads the same data into redis-server and embedis
// and compares the summary of redis-cli --bigkeys on the server with that
// of embedis-server --bigkeys, byte for byte: on embedis's own snapshot,
// on redis-server's dump.rdb, and (redis-cli against embedis-server) over
// the wire. Progress lines come in each keyspace's own order, so only their
// form is checked.
func TestBigKeysAsRedisCli(t *testing.T) {
	cli := redisCli(t)
	dir := t.TempDir()
	srv := loadBoth(t, bigKeysCommands(), dir)
	want := summary(t, "redis-cli", runRedisCli(t, cli, "-s", srv.Socket, "--bigkeys"))
	for _, line := range []string{"Sampled 319 keys in the keyspace!", "Biggest string found '\"big:string\"' has 20000 bytes",
		"Biggest stream found '\"big:stream\"' has 1500 entries"} {
		if !strings.Contains(want, line+"\n") {
			t.Fatalf("redis-cli's summary lacks %q: the data is not what the test means\n%s", line, want)
		}
	}

	if got := summary(t, "embedis-server", runBigKeys(t, "--dir", dir, "--bigkeys")); got != want {
		t.Errorf("embedis-server --bigkeys on its snapshot:\n%s\nredis-cli --bigkeys on redis-server:\n%s", got, want)
	}

	redisDir := filepath.Dir(srv.Save(t))
	if got := summary(t, "embedis-server", runBigKeys(t, "--dir", redisDir, "--bigkeys")); got != want {
		t.Errorf("embedis-server --bigkeys on redis-server's dump.rdb:\n%s\nredis-cli --bigkeys on redis-server:\n%s", got, want)
	}

	_, sock := startServerWith(t, "--dir "+dir+" --save=")
	if got := summary(t, "redis-cli on embedis-server", runRedisCli(t, cli, "-s", sock, "--bigkeys")); got != want {
		t.Errorf("redis-cli --bigkeys on embedis-server:\n%s\nredis-cli --bigkeys on redis-server:\n%s", got, want)
	}
}

// TestBigKeysSmallSummariesAsRedisCli compares the summaries on databases
// of 0, 1 and 2 keys, where redis-cli prints its types in three different
// orders (embedis.BigKeysReport.WriteTo).
func TestBigKeysSmallSummariesAsRedisCli(t *testing.T) {
	cli := redisCli(t)
	for _, cmds := range [][][]string{
		nil,
		{{"HSET", "h", "f", "v"}},
		{{"ZADD", "z", "1", "a"}, {"SET", "s", "v"}},
	} {
		dir := t.TempDir()
		srv := loadBoth(t, cmds, dir)
		want := summary(t, "redis-cli", runRedisCli(t, cli, "-s", srv.Socket, "--bigkeys"))
		if got := summary(t, "embedis-server", runBigKeys(t, "--dir", dir, "--bigkeys")); got != want {
			t.Errorf("%q: embedis-server --bigkeys:\n%s\nredis-cli --bigkeys:\n%s", cmds, got, want)
		}
	}
}

// memSummary is what must match between two --memkeys summaries, whose
// byte figures differ by nature (each server estimates its own memory):
// the keys sampled, their names' length, the biggest key of each type and
// the number of keys of each type with its share.
func memSummary(t *testing.T, who, out string) string {
	t.Helper()
	var b strings.Builder
	biggest := regexp.MustCompile(`^Biggest +(\w+) found ('.*') has \d+ bytes$`)
	counts := regexp.MustCompile(`^(\d+) (\w+)s with \d+ bytes \((\d+\.\d\d% of keys), avg size \d+\.\d\d\)$`)
	for _, line := range strings.Split(summary(t, who, out), "\n") {
		switch {
		case strings.HasPrefix(line, "Sampled ") || strings.HasPrefix(line, "Total key length"):
			fmt.Fprintln(&b, line)
		case biggest.MatchString(line):
			m := biggest.FindStringSubmatch(line)
			fmt.Fprintln(&b, "biggest", m[1], m[2])
		case counts.MatchString(line):
			m := counts.FindStringSubmatch(line)
			fmt.Fprintln(&b, m[2], m[1], m[3])
		case line == "" || line == "-------- summary -------":
		default:
			t.Errorf("%s: unexpected summary line %q", who, line)
		}
	}
	return b.String()
}

// TestMemKeysAsRedisCli compares --memkeys as far as two memory estimates
// allow (memSummary), and checks that the biggest keys are the ones the
// data makes biggest by far; against embedis-server, whose estimate is
// embedis's, redis-cli's summary must match byte for byte.
func TestMemKeysAsRedisCli(t *testing.T) {
	cli := redisCli(t)
	dir := t.TempDir()
	srv := loadBoth(t, bigKeysCommands(), dir)
	want := memSummary(t, "redis-cli", runRedisCli(t, cli, "-s", srv.Socket, "--memkeys"))
	for _, typ := range []string{"string", "list", "set", "hash", "zset", "stream"} {
		if line := fmt.Sprintf("biggest %s '\"big:%s\"'\n", typ, typ); !strings.Contains(want, line) {
			t.Fatalf("redis-cli --memkeys does not find big:%s the biggest: the data is not what the test means\n%s", typ, want)
		}
	}
	out := runBigKeys(t, "--dir", dir, "--memkeys")
	if got := memSummary(t, "embedis-server", out); got != want {
		t.Errorf("embedis-server --memkeys:\n%s\nredis-cli --memkeys:\n%s", got, want)
	}
	// redis-cli --memkeys on embedis-server asks MEMORY USAGE of the same
	// estimate: there the summaries match byte for byte.
	_, sock := startServerWith(t, "--dir "+dir+" --save=")
	if got, want := summary(t, "redis-cli on embedis-server", runRedisCli(t, cli, "-s", sock, "--memkeys")), summary(t, "embedis-server", out); got != want {
		t.Errorf("redis-cli --memkeys on embedis-server:\n%s\nembedis-server --memkeys:\n%s", got, want)
	}
	// With both flags, --bigkeys wins, as in redis-cli.
	if out := runBigKeys(t, "--dir", dir, "--memkeys", "--bigkeys"); !strings.Contains(out, "has 20000 bytes\n") {
		t.Errorf("--memkeys --bigkeys is not --bigkeys:\n%s", out)
	}
}

// TestBigKeysAppendOnlyDirectory: with --appendonly yes the report is on
// the append-only directory, which it leaves as it was; a directory a
// server holds is refused; a missing one is an empty database.
func TestBigKeysAppendOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	aofDir := filepath.Join(dir, "appendonlydir")
	db, err := persist.Open(aofDir, persist.Options{AppendOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, cmd := range [][]string{{"SET", "a", "12345"}, {"RPUSH", "l", "x", "y"}, {"SET", "b", "123"}} {
		if _, err := db.Do(ctx, cmd...); err != nil {
			t.Fatal(err)
		}
	}
	// Held by a DB (a running server): refused.
	var stdout, stderr strings.Builder
	if code := exitCode([]string{"--dir", dir, "--appendonly", "yes", "--bigkeys"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "in use") || stdout.Len() != 0 {
		t.Errorf("--bigkeys on a directory in use: status %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := dirListing(t, aofDir)
	out := runBigKeys(t, "--dir", dir, "--appendonly", "yes", "--bigkeys")
	for _, line := range []string{"Sampled 3 keys in the keyspace!\n", "Biggest string found '\"a\"' has 5 bytes\n", "2 strings with 8 bytes (66.67% of keys, avg size 4.00)\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if after := dirListing(t, aofDir); after != before {
		t.Errorf("the report changed the directory:\nbefore %s\nafter  %s", before, after)
	}
	// A dump.rdb beside it is not what the server would load.
	if out := runBigKeys(t, "--dir", t.TempDir(), "--appendonly", "yes", "--bigkeys"); !strings.Contains(out, "Sampled 0 keys") {
		t.Errorf("missing append-only directory:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); err == nil {
		t.Error("the report wrote dump.rdb")
	}
}

// dirListing lists dir's files with their sizes and modification times.
func dirListing(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d:%d ", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	return b.String()
}

// TestBigKeysRefusesADamagedFile: the report loads what the server would,
// and fails as it would on a file it cannot load whole.
func TestBigKeysRefusesADamagedFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), []byte("REDIS0010\xfa"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	if code := exitCode([]string{"--dir", dir, "--bigkeys"}, &stdout, &stderr); code != 1 || stdout.Len() != 0 || stderr.Len() == 0 {
		t.Errorf("--bigkeys on a damaged file: status %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
