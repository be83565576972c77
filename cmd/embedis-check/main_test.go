package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/rdb"
	"github.com/embedis/embedis/internal/redistest"
)

// check runs the command on args and returns its exit status and output.
func check(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// checkJSON runs the command with --json on path and decodes the report.
func checkJSON(t *testing.T, path string) (int, *rdbReport) {
	t.Helper()
	code, out, errOut := check(t, "--json", path)
	var rep rdbReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("embedis-check --json %s: %v\nstdout: %s\nstderr: %s", path, err, out, errOut)
	}
	return code, &rep
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// deadline is a fixed deadline far in the future (2100-01-01), so that no
// key expires while a test runs.
const deadline int64 = 4102444800000

// engineSnapshot fills a Store with keys of every type and encoding in
// three databases and returns the RDB file it writes.
func engineSnapshot(t testing.TB) []byte {
	t.Helper()
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	do := func(db int, args ...string) {
		t.Helper()
		if _, err := s.DB(db).Do(ctx, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	do(0, "SET", "str", "hello")
	do(0, "SET", "int", "-1234567")
	do(0, "SET", "lzf", strings.Repeat("abc", 30))
	do(0, "SET", "ttl", "v", "PXAT", fmt.Sprint(deadline))
	do(0, "RPUSH", "list", "a", "1", "bb", "300", "-70000")
	do(0, "SADD", "intset", "1", "2", "3")
	do(0, "SADD", "set", "x", "y")
	do(0, "HSET", "hash", "f", "v", "n", "5")
	do(0, "HSET", "bighash", "f", strings.Repeat("v", 65))
	do(0, "ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c")
	do(0, "ZADD", "zset2", "1", "a", "2", strings.Repeat("m", 65))
	do(0, "PEXPIREAT", "zset2", fmt.Sprint(deadline))
	do(3, "SET", "db3", "x")
	do(15, "SADD", "s", "m")
	do(15, "PEXPIREAT", "s", fmt.Sprint(deadline))
	var b bytes.Buffer
	if err := s.WriteSnapshot(ctx, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestEngineSnapshot: a file embedis wrote is OK, with the counts of what
// was written, per database, by type and by encoding.
func TestEngineSnapshot(t *testing.T) {
	data := engineSnapshot(t)
	code, rep := checkJSON(t, writeFile(t, "dump.rdb", data))
	if code != exitOK || rep.Status != statusOK || rep.Damage != nil {
		t.Fatalf("exit %d, status %q, damage %+v", code, rep.Status, rep.Damage)
	}
	if rep.Version != 10 || rep.Zstd || rep.FileSize != int64(len(data)) || rep.Aux["redis-ver"] == "" {
		t.Errorf("version %d, zstd %v, size %d (want %d), aux %v", rep.Version, rep.Zstd, rep.FileSize, len(data), rep.Aux)
	}
	want := []dbReport{
		{DB: 0, Keys: 11, Deadlines: 2,
			Types:     map[string]int{"string": 4, "list": 1, "set": 2, "hash": 2, "zset": 2},
			Encodings: map[string]int{"string": 4, "list-quicklist2": 1, "set-intset": 1, "set-hashtable": 1, "hash-listpack": 1, "hash-hashtable": 1, "zset-listpack": 1, "zset2-skiplist": 1}},
		{DB: 3, Keys: 1, Types: map[string]int{"string": 1}, Encodings: map[string]int{"string": 1}},
		{DB: 15, Keys: 1, Deadlines: 1, Types: map[string]int{"set": 1}, Encodings: map[string]int{"set-hashtable": 1}},
	}
	if len(rep.Databases) != len(want) {
		t.Fatalf("databases %+v, want %+v", rep.Databases, want)
	}
	for i, d := range rep.Databases {
		w := want[i]
		if d.DB != w.DB || d.Keys != w.Keys || d.Deadlines != w.Deadlines || fmt.Sprint(d.Types) != fmt.Sprint(w.Types) || fmt.Sprint(d.Encodings) != fmt.Sprint(w.Encodings) {
			t.Errorf("database %d: got %+v\nwant %+v", i, *d, w)
		}
	}
	if rep.MinDatabases != 16 || strings.Contains(mustText(t, data), "\ndatabases ") {
		t.Errorf("minDatabases %d, or a note about databases for a file within 16", rep.MinDatabases)
	}
	if rep.Keys != 13 || rep.Deadlines != 3 || fmt.Sprint(rep.Types) != fmt.Sprint(map[string]int{"string": 5, "list": 1, "set": 3, "hash": 2, "zset": 2}) {
		t.Errorf("totals: %d keys, %d deadlines, %v", rep.Keys, rep.Deadlines, rep.Types)
	}
}

// goldenFile is an RDB file with fixed contents, so that the whole report
// can be compared with the text below.
func goldenFile(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	w := rdb.NewWriter(&b)
	var e rdb.Encoder
	w.Header()
	w.Aux("redis-ver", "7.0.15")
	w.Aux("odd\nname", "v\x00")
	w.SelectDB(0)
	w.ResizeDB(3, 1)
	w.String("a", -1, "1")
	w.String("b", deadline, "two")
	w.Entry("l", -1, rdb.TypeListQuicklist2, e.AppendList(nil, []string{"x", "y"}))
	w.Entry("empty", -1, rdb.TypeSet, e.AppendSet(nil, nil))
	w.SelectDB(2)
	w.ResizeDB(1, 0)
	w.Entry("h", -1, rdb.TypeHashListpack, e.AppendHashListpack(nil, []string{"f", "v"}))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGoldenText: the text report of a fixed file, whole; then of the same
// file cut inside the list's value, and with its checksum damaged.
func TestGoldenText(t *testing.T) {
	data := goldenFile(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "golden.rdb")
	os.WriteFile(path, data, 0o644)
	code, out, errOut := check(t, path)
	want := fmt.Sprintf(`file       %s
size       %d bytes
format     RDB version 10
aux        "odd\nname" = "v\x00"
aux        "redis-ver" = "7.0.15"
db 0       3 keys, 1 with a deadline; list 1, string 2; encodings list-quicklist2 1, string 2
db 2       1 key, 0 with a deadline; hash 1; encodings hash-listpack 1
total      4 keys, 1 with a deadline, in 2 databases; hash 1, list 1, string 2
skipped    1 key (empty aggregates, skipped on load as Redis does)
OK
`, path, len(data))
	if code != exitOK || out != want || errOut != "" {
		t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}

	// Cut inside the list's value: the key and the key before it are named.
	at := bytes.Index(data, []byte("\x01l")) + 2 + 3
	cut := filepath.Join(dir, "cut.rdb")
	os.WriteFile(cut, data[:at], 0o644)
	code, out, _ = check(t, cut)
	wantCut := fmt.Sprintf(`file       %s
size       %d bytes
format     RDB version 10
aux        "odd\nname" = "v\x00"
aux        "redis-ver" = "7.0.15"
db 0       2 keys, 1 with a deadline; string 2; encodings string 2
read       2 keys, 1 with a deadline, in 1 database; string 2
while      reading the entry at byte %d (key "l", list-quicklist2, db 0), after key "b"
DAMAGED byte %d: `, cut, at, bytes.Index(data, []byte("\x12\x01l")), at)
	if code != exitDamaged || !strings.HasPrefix(out, wantCut) || !strings.HasSuffix(out, " (truncated)\n") || strings.Count(out, "\n") != 9 {
		t.Errorf("exit %d, stdout:\n%s\nwant it to start with:\n%s", code, out, wantCut)
	}

	// Bytes after the checksum are mentioned, not damage.
	extra := filepath.Join(dir, "extra.rdb")
	os.WriteFile(extra, append(append([]byte(nil), data...), "junk"...), 0o644)
	code, out, _ = check(t, extra)
	if wantLine := fmt.Sprintf("\ntrailing   4 bytes after the checksum, at byte %d (ignored when the file is loaded)\n", len(data)); code != exitOK || !strings.Contains(out, wantLine) || !strings.HasSuffix(out, "\nOK\n") {
		t.Errorf("exit %d, stdout:\n%s\nwant the line %q", code, out, wantLine)
	}

	// The checksum.
	bad := append([]byte(nil), data...)
	bad[len(bad)-1] ^= 0x80
	sum := filepath.Join(dir, "sum.rdb")
	os.WriteFile(sum, bad, 0o644)
	code, out, _ = check(t, sum)
	last := out[strings.LastIndexByte(out[:len(out)-1], '\n')+1:]
	wantLast := fmt.Sprintf("DAMAGED byte %d: wrong RDB checksum", len(data)-8)
	if code != exitDamaged || !strings.HasPrefix(last, wantLast) || !strings.HasSuffix(last, " (checksum)\n") || !strings.Contains(out, "\nread       4 keys, 1 with a deadline, in 2 databases;") {
		t.Errorf("exit %d, stdout:\n%s\nwant the last line to start with %q", code, out, wantLast)
	}
}

// TestZstd: a zstd-compressed file is recognised by its magic number,
// whatever its name; every cut of it is damage.
func TestZstd(t *testing.T) {
	data := goldenFile(t)
	var z bytes.Buffer
	enc, _ := zstd.NewWriter(&z)
	enc.Write(data)
	enc.Close()
	path := writeFile(t, "dump.rdb", z.Bytes())
	code, rep := checkJSON(t, path)
	if code != exitOK || !rep.Zstd || rep.RDBSize != int64(len(data)) || rep.FileSize != int64(z.Len()) || rep.Keys != 4 {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
	_, out, _ := check(t, path)
	if want := fmt.Sprintf("size       %d bytes, zstd-compressed (%d bytes of RDB data)\n", z.Len(), len(data)); !strings.Contains(out, want) {
		t.Errorf("output:\n%s\nwant the line %q", out, want)
	}
	zb := z.Bytes()
	dir := t.TempDir()
	for n := 0; n < len(zb); n++ {
		p := filepath.Join(dir, fmt.Sprintf("cut%d", n))
		os.WriteFile(p, zb[:n], 0o644)
		code, rep := checkJSON(t, p)
		if code != exitDamaged || rep.Damage == nil || rep.Damage.Offset < 0 || rep.Damage.Offset > int64(len(data)) {
			t.Fatalf("cut at %d of %d: exit %d, damage %+v", n, len(zb), code, rep.Damage)
		}
	}
}

// damageAll cuts data at every offset and flips every bit of it: each is
// reported as damage (exit 1) at an offset inside the file or at its end
// (where a length made too large by a flip runs out of data), and nothing
// panics.
func damageAll(t *testing.T, data []byte) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.rdb")
	try := func(what string, b []byte, maxOff int, text bool) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		code, rep := checkJSON(t, path)
		d := rep.Damage
		if code != exitDamaged || d == nil || rep.Status == statusOK || d.Offset < 0 || d.Offset > int64(maxOff) || d.Reason == "" {
			t.Fatalf("%s: exit %d, status %q, damage %+v (want an offset in 0..%d)", what, code, rep.Status, d, maxOff)
		}
		if !text {
			return
		}
		// The text form says the same.
		code2, out, _ := check(t, path)
		if code2 != code || !strings.Contains(out, fmt.Sprintf("byte %d: ", d.Offset)) {
			t.Fatalf("%s: text output (exit %d) disagrees with JSON (offset %d):\n%s", what, code2, d.Offset, out)
		}
	}
	for n := 0; n < len(data); n++ {
		try(fmt.Sprintf("cut at %d", n), data[:n], n, true)
	}
	b := append([]byte(nil), data...)
	for i := range b {
		for bit := 0; bit < 8; bit++ {
			if testing.Short() && bit%3 != 0 {
				continue // every bit without -short
			}
			b[i] ^= 1 << bit
			try(fmt.Sprintf("bit %d of byte %d flipped", bit, i), b, len(b), bit == 0)
			b[i] ^= 1 << bit
		}
	}
}

// TestDamageEngineFile: every cut and bit flip of a file embedis wrote.
func TestDamageEngineFile(t *testing.T) {
	damageAll(t, engineSnapshot(t))
}

// redisDump returns the dump.rdb redis-server writes for a small dataset
// with a key of each encoding (skipped without redis-server).
func redisDump(t *testing.T) []byte {
	t.Helper()
	s := redistest.Start(t)
	c := s.Dial(t)
	for _, cmd := range [][]string{
		{"SET", "str", "hello"},
		{"SET", "int", "-1234567"},
		{"SET", "lzf", strings.Repeat("abc", 30)},
		{"SET", "ttl", "v", "PXAT", fmt.Sprint(deadline)},
		{"RPUSH", "list", "a", "1", "bb", "300", "-70000"},
		{"SADD", "intset", "1", "2", "3"},
		{"SADD", "set", "x", "y"},
		{"HSET", "hash", "f", "v", "n", "5"},
		{"HSET", "bighash", "f", strings.Repeat("v", 65)},
		{"ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c"},
		{"ZADD", "zset2", "1", "a", "2", strings.Repeat("m", 65)},
		{"SET", strings.Repeat("long-key-", 5), "lzf-compressed key name"},
		{"SELECT", "3"},
		{"SET", "db3", "x"},
		{"SAVE"},
	} {
		c.MustDo(t, cmd...)
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(s.Socket), "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRedisDump: redis-server's own dump.rdb is OK, with its counts; every
// cut and bit flip of it is damage.
func TestRedisDump(t *testing.T) {
	data := redisDump(t)
	code, rep := checkJSON(t, writeFile(t, "dump.rdb", data))
	if code != exitOK || rep.Keys != 13 || rep.Deadlines != 1 || len(rep.Databases) != 2 || rep.Aux["redis-ver"] != "7.0.15" ||
		fmt.Sprint(rep.Types) != fmt.Sprint(map[string]int{"string": 6, "list": 1, "set": 2, "hash": 2, "zset": 2}) {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
	damageAll(t, data)
}

// TestKeyNamed: damage inside a value names its key, whatever the key's
// encoding (an integer, an LZF-compressed name) and when the value or the
// one before it is larger than what is kept of an entry.
func TestKeyNamed(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	big := make([]byte, 3<<20) // incompressible, larger than maxHead and maxTail
	rnd.Read(big)
	longKey := strings.Repeat("compressible-key-", 4)
	var e rdb.Encoder
	var b bytes.Buffer
	w := rdb.NewWriter(&b)
	w.Header()
	w.SelectDB(5)
	w.Entry("12345", -1, rdb.TypeListQuicklist2, e.AppendList(nil, []string{"a", "b"}))
	w.Entry(longKey, deadline, rdb.TypeZSetListpack, e.AppendZSetListpack(nil, []rdb.ZMember{{Member: "m", Score: 1}}))
	w.Enc.Compress = false
	w.String("big", -1, string(big))
	w.Entry("after-big", -1, rdb.TypeHashListpack, e.AppendHashListpack(nil, []string{"f", "v"}))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	if bytes.Contains(data, []byte("12345")) || bytes.Contains(data, []byte(longKey)) {
		t.Fatal("the test file does not encode its keys as intended (integer, LZF)")
	}
	valueOf := func(key []byte) int { // an offset inside the value after key
		i := bytes.Index(data, key)
		if i < 0 {
			t.Fatalf("%q not in the file", key)
		}
		return i + len(key) + 2
	}
	intKey := []byte{0xc1, 0x39, 0x30} // 12345 as a 16-bit integer
	cases := []struct {
		cut           int
		key, typ, aft string
	}{
		{valueOf(intKey), "12345", "list-quicklist2", ""},
		{valueOf([]byte("big")) + 1<<20, "big", "string", longKey},
		{valueOf([]byte("after-big")), "after-big", "hash-listpack", "big"},
	}
	// The zset's value follows its LZF-compressed name: cut one byte
	// before the string "big"'s entry starts.
	cases = append(cases, struct {
		cut           int
		key, typ, aft string
	}{bytes.Index(data, []byte("\x00\x03big")) - 1, longKey, "zset-listpack", "12345"})
	for _, c := range cases {
		path := writeFile(t, "cut.rdb", data[:c.cut])
		code, rep := checkJSON(t, path)
		d := rep.Damage
		if code != exitDamaged || d == nil || d.Key == nil || *d.Key != c.key || d.Type != c.typ || d.DB == nil || *d.DB != 5 ||
			(c.aft == "") != (d.After == nil) || (d.After != nil && *d.After != c.aft) || d.Kind != "truncated" {
			t.Errorf("cut at %d: exit %d, damage %+v, want key %q (%s) after %q", c.cut, code, d, c.key, c.typ, c.aft)
			if d != nil && d.Key != nil {
				t.Logf("key %q", *d.Key)
			}
		}
	}
}

// mustText returns the text report on data.
func mustText(t *testing.T, data []byte) string {
	t.Helper()
	_, out, _ := check(t, writeFile(t, "f.rdb", data))
	return out
}

// TestManyDatabases: a file using database 30 says how many databases a
// store needs to open it, and is OK.
func TestManyDatabases(t *testing.T) {
	var b bytes.Buffer
	w := rdb.NewWriter(&b)
	w.Header()
	w.SelectDB(20)
	w.String("k", -1, "v")
	w.SelectDB(30) // a size hint for an empty database: still refused by a store of 30
	w.ResizeDB(0, 0)
	w.Close()
	path := writeFile(t, "db20.rdb", b.Bytes())
	code, out, _ := check(t, path)
	want := "\ndatabases  the file uses database 30: open it with Options.Databases (embedis-server --databases) of at least 31, not the default 16\n"
	if code != exitOK || !strings.Contains(out, want) || !strings.HasSuffix(out, "\nOK\n") {
		t.Errorf("exit %d, output\n%s\nwant the line %q", code, out, want)
	}
	if _, rep := checkJSON(t, path); rep.MinDatabases != 31 {
		t.Errorf("minDatabases %d", rep.MinDatabases)
	}
}

// TestNotLoadable: a key stored twice is damage; a stream or module value
// is reported as unsupported; both exit 1.
func TestNotLoadable(t *testing.T) {
	var b bytes.Buffer
	w := rdb.NewWriter(&b)
	w.Header()
	w.SelectDB(1)
	w.String("k", -1, "1")
	w.String("other", -1, "1")
	w.String("k", -1, "2")
	w.Close()
	at := int64(bytes.LastIndex(b.Bytes(), []byte{rdb.TypeString, 1, 'k'}))
	code, rep := checkJSON(t, writeFile(t, "dup.rdb", b.Bytes()))
	if d := rep.Damage; code != exitDamaged || rep.Status != statusDamaged || d == nil || d.Kind != "corrupt" || d.Offset != at ||
		!strings.Contains(d.Reason, `key "k" is stored twice in database 1`) || d.Key == nil || *d.Key != "k" {
		t.Errorf("duplicate key: exit %d, status %q, damage %+v (want offset %d)", code, rep.Status, rep.Damage, at)
	}

	// Streams of 7.0's type (19) and of 5.0's (15) are loaded now: garbage
	// in one is damage.
	for _, typ := range []byte{rdb.TypeStreamListpacks2, rdb.TypeStreamListpacks} {
		b.Reset()
		w = rdb.NewWriter(&b)
		w.Header()
		w.SelectDB(0)
		w.Entry("s", -1, typ, []byte{1, 2, 3})
		w.Close()
		at = int64(bytes.Index(b.Bytes(), []byte{typ, 1, 's'}))
		if code, rep := checkJSON(t, writeFile(t, "badstream.rdb", b.Bytes())); code != exitDamaged || rep.Status != statusDamaged ||
			rep.Damage == nil || rep.Damage.Kind != "corrupt" || rep.Damage.Offset < at {
			t.Errorf("garbled stream of type %d: exit %d, status %q, damage %+v (want corrupt, at or after byte %d)", typ, code, rep.Status, rep.Damage, at)
		}
	}

	for _, typ := range []byte{rdb.TypeModule2} {
		b.Reset()
		w := rdb.NewWriter(&b)
		w.Header()
		w.SelectDB(0)
		w.Entry("s", -1, typ, []byte{1, 2, 3})
		w.Close()
		at := int64(bytes.Index(b.Bytes(), []byte{typ, 1, 's'}))
		path := writeFile(t, "unsupported.rdb", b.Bytes())
		code, rep := checkJSON(t, path)
		if d := rep.Damage; code != exitDamaged || rep.Status != statusUnsupported || d == nil || d.Kind != "unsupported" || d.Offset != at {
			t.Errorf("type %d: exit %d, status %q, damage %+v (want offset %d)", typ, code, rep.Status, rep.Damage, at)
		}
		if _, out, _ := check(t, path); !strings.Contains(out, fmt.Sprintf("\nUNSUPPORTED byte %d: ", at)) {
			t.Errorf("type %d: output\n%s", typ, out)
		}
	}
}

// TestUsage: --help prints the package documentation and exits 0; bad
// arguments and files that cannot be opened exit 2 with a message.
func TestUsage(t *testing.T) {
	code, out, errOut := check(t, "--help")
	if code != exitOK || !strings.HasPrefix(out, "Command embedis-check checks") || !strings.Contains(out, "\tembedis-check [--json] <file.rdb>\n") ||
		strings.Contains(out, "package main") || strings.Contains(out, "// ") || !strings.Contains(out, "\nData directories\n") || errOut != "" {
		t.Errorf("--help: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{},
		{"a.rdb", "b.rdb"},
		{"--nosuchflag", "a.rdb"},
		{filepath.Join(dir, "missing.rdb")},
		{dir},
	} {
		code, out, errOut := check(t, args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errOut, "embedis-check: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// TestRedisCheckRDB: redis-check-rdb says a file embedis wrote is OK, and
// that a cut one is not (skipped without redis-check-rdb; a failure under
// CI=true, where ./test.sh installs redis-tools).
func TestRedisCheckRDB(t *testing.T) {
	tool, err := exec.LookPath("redis-check-rdb")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-check-rdb is not on PATH and CI=true (./test.sh installs redis-tools)")
		}
		t.Skip("redis-check-rdb is not on PATH: skipping the check of our files by Redis's own tool")
	}
	data := engineSnapshot(t)
	path := writeFile(t, "dump.rdb", data)
	out, err := exec.Command(tool, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "RDB looks OK") || !strings.Contains(string(out), "[info] 13 keys read") {
		t.Errorf("redis-check-rdb on a file embedis wrote: %v\n%s", err, out)
	}
	cut := writeFile(t, "cut.rdb", data[:len(data)/2])
	out, err = exec.Command(tool, cut).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "RDB ERROR DETECTED") {
		t.Errorf("redis-check-rdb on a cut file: %v\n%s", err, out)
	}
}
