package persist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
)

// testDBs are the databases the tests fill.
var testDBs = []int{0, 1, 5, 15}

// doer runs one command in database db and returns its reply as
// Store.Do and redistest's client return them.
type doer func(db int, args ...string) any

func storeDoer(t *testing.T, s *embedis.Store) doer {
	return func(db int, args ...string) any {
		t.Helper()
		v, err := s.DB(db).Do(context.Background(), args...)
		if err != nil {
			t.Fatalf("db %d %v: %v", db, args, err)
		}
		return v
	}
}

func redisDoer(t *testing.T, c *redistest.Client) doer {
	return func(db int, args ...string) any {
		t.Helper()
		c.MustDo(t, "SELECT", strconv.Itoa(db))
		return c.MustDo(t, args...)
	}
}

// fill writes keys of every type, in their small and large encodings, with
// and without deadlines, into the test databases.
func fill(do doer) {
	deadline := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	for _, db := range testDBs {
		p := fmt.Sprintf("db%d:", db)
		do(db, "SET", p+"str", "hello")
		do(db, "SET", p+"int", "-12345")
		do(db, "SET", p+"long", strings.Repeat("compressible text ", 50))
		do(db, "SET", p+"ttl", "expires", "PXAT", deadline)
		do(db, "RPUSH", p+"list", "a", "b", "c", "1", "2")
		do(db, "SADD", p+"intset", "3", "1", "2", "-7")
		do(db, "SADD", p+"set", "x", "y", "z")
		do(db, "HSET", p+"hash", "f1", "v1", "f2", "v2")
		do(db, "ZADD", p+"zset", "1.5", "a", "-2", "b", "3e10", "c")
		var items, members, pairs, zs []string
		for i := range 300 {
			items = append(items, "item"+strconv.Itoa(i))
			members = append(members, "member"+strconv.Itoa(i))
			pairs = append(pairs, "field"+strconv.Itoa(i), strings.Repeat("v", i%90))
			zs = append(zs, strconv.FormatFloat(float64(i)/7, 'g', -1, 64), "m"+strconv.Itoa(i))
		}
		do(db, append([]string{"RPUSH", p + "biglist"}, items...)...)
		do(db, append([]string{"SADD", p + "bigset"}, members...)...)
		do(db, append([]string{"HSET", p + "bighash"}, pairs...)...)
		do(db, append([]string{"ZADD", p + "bigzset"}, zs...)...)
		do(db, "PEXPIREAT", p+"bighash", deadline)
	}
}

// state describes every key of the test databases, with its type, value and
// deadline, through commands both Redis and embedis answer; unordered
// collections are sorted.
func state(t *testing.T, do doer) []string {
	t.Helper()
	var lines []string
	for _, db := range testDBs {
		keys, _ := do(db, "KEYS", "*").([]any)
		for _, k := range keys {
			key := k.(string)
			typ := do(db, "TYPE", key).(string)
			var val any
			switch typ {
			case "string":
				val = do(db, "GET", key)
			case "list":
				val = do(db, "LRANGE", key, "0", "-1")
			case "set":
				val = sorted(do(db, "SMEMBERS", key))
			case "hash":
				val = sorted(do(db, "HGETALL", key))
			case "zset":
				val = do(db, "ZRANGE", key, "0", "-1", "WITHSCORES")
			default:
				t.Fatalf("db %d key %q: type %q", db, key, typ)
			}
			lines = append(lines, fmt.Sprintf("%d %q %s %v deadline=%v", db, key, typ, val, do(db, "PEXPIRETIME", key)))
		}
	}
	sort.Strings(lines)
	return lines
}

func sorted(v any) []string {
	var s []string
	for _, x := range v.([]any) {
		s = append(s, x.(string))
	}
	sort.Strings(s)
	return s
}

func sameState(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the expected state is empty", what)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		for i := range max(len(got), len(want)) {
			var g, w string
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Fatalf("%s: %d keys, want %d; first difference:\n got  %.300s\n want %.300s", what, len(got), len(want), g, w)
			}
		}
	}
}

func openStore(t *testing.T) *embedis.Store {
	t.Helper()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openFile(t *testing.T, path string) *embedis.Store {
	t.Helper()
	s, err := OpenSnapshot(path, embedis.Options{})
	if err != nil {
		t.Fatalf("OpenSnapshot(%s): %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSaveAndOpenSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	fill(storeDoer(t, s))
	want := state(t, storeDoer(t, s))
	dir := t.TempDir()
	for _, name := range []string{"dump.rdb", "dump.rdb.zst"} {
		path := filepath.Join(dir, name)
		if err := SaveSnapshot(ctx, s, path); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if z := strings.HasSuffix(name, ".zst"); z != isZstd(b) || !z && !bytes.HasPrefix(b, []byte("REDIS0010")) {
			t.Fatalf("%s starts with % x", name, b[:min(9, len(b))])
		}
		sameState(t, name, state(t, storeDoer(t, openFile(t, path))), want)
	}
	if names := entries(t, dir); len(names) != 2 {
		t.Fatalf("directory holds %v", names)
	}
}

// TestWriteSnapshotFile writes a snapshot taken before later writes: the file
// holds the data as it was when the snapshot was taken.
func TestWriteSnapshotFile(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	fill(storeDoer(t, s))
	want := state(t, storeDoer(t, s))
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Set(ctx, "db0:str", "changed after the snapshot", 0)
	s.Set(ctx, "db0:new", "added after the snapshot", 0)
	s.DB(1).Do(ctx, "RPUSH", "db1:biglist", "more")
	dir := t.TempDir()
	for _, name := range []string{"a.rdb", "b.rdb.zst"} {
		path := filepath.Join(dir, name)
		if err := WriteSnapshotFile(sn, path); err != nil {
			t.Fatal(err)
		}
		sameState(t, name, state(t, storeDoer(t, openFile(t, path))), want)
	}
}

// TestSaveSnapshotCancelled: a context that has ended fails the save and
// leaves the old file.
func TestSaveSnapshotCancelled(t *testing.T) {
	s := openStore(t)
	fill(storeDoer(t, s))
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb.zst")
	os.WriteFile(path, []byte("old"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SaveSnapshot(ctx, s, path); !errors.Is(err, context.Canceled) {
		t.Fatalf("SaveSnapshot with a cancelled context: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("old file now holds %q", b)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v", names)
	}
}

func TestOpenSnapshotErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenSnapshot(filepath.Join(dir, "missing.rdb"), embedis.Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	s := openStore(t)
	fill(storeDoer(t, s))
	good := filepath.Join(dir, "good.rdb.zst")
	if err := SaveSnapshot(context.Background(), s, good); err != nil {
		t.Fatal(err)
	}
	z, _ := os.ReadFile(good)
	var plain bytes.Buffer
	if err := s.WriteSnapshot(context.Background(), &plain); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"empty":                   nil,
		"not an RDB file":         []byte("hello, this is not a snapshot"),
		"zstd cut short":          z[:len(z)/2],
		"zstd holding garbage":    zstdOf(t, []byte("REDIS0010 and then nonsense")),
		"RDB cut short":           plain.Bytes()[:plain.Len()-100],
		"RDB cut short, in zstd":  zstdOf(t, plain.Bytes()[:plain.Len()/2]),
		"RDB with a flipped byte": flip(plain.Bytes(), plain.Len()/2),
	} {
		path := filepath.Join(dir, "bad.rdb")
		os.WriteFile(path, content, 0o644)
		st, err := OpenSnapshot(path, embedis.Options{})
		if err == nil || st != nil {
			t.Fatalf("%s: OpenSnapshot = %v, %v; want an error and no store", name, st, err)
		}
		if !strings.Contains(err.Error(), path) {
			t.Fatalf("%s: error %q does not name the file", name, err)
		}
	}
}

func zstdOf(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	if err := writeZstd(&buf, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func flip(b []byte, at int) []byte {
	b = bytes.Clone(b)
	b[at] ^= 1
	return b
}

// TestZstdSnapshotLoadsInRedis: `zstd -d` of a .zst snapshot gives a file
// redis-server starts on, with the same data.
func TestZstdSnapshotLoadsInRedis(t *testing.T) {
	tool := zstdTool(t)
	s := openStore(t)
	fill(storeDoer(t, s))
	want := state(t, storeDoer(t, s))
	dir, err := os.MkdirTemp("", "persist-") // short: redis-server's socket path lives near it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	zpath := filepath.Join(dir, "dump.rdb.zst")
	if err := SaveSnapshot(context.Background(), s, zpath); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(tool, "-q", "-d", zpath, "-o", filepath.Join(dir, "dump.rdb")).CombinedOutput(); err != nil {
		t.Fatalf("zstd -d: %v %s", err, msg)
	}
	srv := redistest.StartArgs(t, "--dir", dir, "--dbfilename", "dump.rdb")
	sameState(t, "redis-server on the decompressed file", state(t, redisDoer(t, srv.Dial(t))), want)
}

// TestOpenRedisDump opens a dump.rdb that redis-server saved, plain and
// compressed by the zstd tool.
func TestOpenRedisDump(t *testing.T) {
	tool := zstdTool(t)
	dir, err := os.MkdirTemp("", "persist-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv := redistest.StartArgs(t, "--dir", dir, "--dbfilename", "redis.rdb")
	c := srv.Dial(t)
	fill(redisDoer(t, c))
	want := state(t, redisDoer(t, c))
	c.MustDo(t, "SAVE")
	path := filepath.Join(dir, "redis.rdb")
	if msg, err := exec.Command(tool, "-q", "-19", path, "-o", path+".zst").CombinedOutput(); err != nil {
		t.Fatalf("zstd: %v %s", err, msg)
	}
	for _, p := range []string{path, path + ".zst"} {
		sameState(t, filepath.Base(p), state(t, storeDoer(t, openFile(t, p))), want)
	}
}
