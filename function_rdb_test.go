package embedis_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
)

// Libraries of functions move between embedis and redis-server 7.0.15 in
// RDB files (FUNCTION2 records) and FUNCTION DUMP payloads: what one side
// wrote, the other loads, lists alike (FUNCTION LIST WITHCODE) and runs.

var rdbLibraries = []string{
	"#!lua name=alpha\nredis.register_function('a1', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
		"redis.register_function{function_name='a2', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes', 'allow-stale'}, description='reads a key'}",
	// Long enough to be written LZF-compressed.
	"#!lua name=beta\n-- " + string(bytes.Repeat([]byte("padding "), 40)) + "\nredis.register_function('b1', function() return 'beta' end)",
}

// listing is FUNCTION LIST WITHCODE as a comparable string: libraries and
// their functions sorted (Redis lists them in hash-table order).
func listing(t *testing.T, reply any) string {
	t.Helper()
	libs, ok := reply.([]any)
	if !ok {
		t.Fatalf("FUNCTION LIST reply %#v", reply)
	}
	var out []string
	for _, l := range libs {
		fields := l.([]any)
		var fns []string
		for i := 0; i+1 < len(fields); i += 2 {
			if fields[i] == "functions" {
				for _, f := range fields[i+1].([]any) {
					fns = append(fns, fmt.Sprint(f))
				}
			}
		}
		sort.Strings(fns)
		out = append(out, fmt.Sprint(fields[:4], fns, fields[len(fields)-1]))
	}
	sort.Strings(out)
	return fmt.Sprint(out)
}

// TestRDBRedisFunctions saves libraries on each side and loads them on the
// other, through an RDB file and through FUNCTION DUMP and RESTORE.
func TestRDBRedisFunctions(t *testing.T) {
	ctx := context.Background()
	// redis-server → embedis, by file.
	srv := redistest.StartConfig(t, redistest.Config{Dir: t.TempDir()})
	c := srv.Dial(t)
	for _, lib := range rdbLibraries {
		c.MustDo(t, "FUNCTION", "LOAD", lib)
	}
	c.MustDo(t, "SET", "n", "10")
	want := listing(t, c.Do(t, "FUNCTION", "LIST", "WITHCODE"))
	redisDump := c.Do(t, "FUNCTION", "DUMP").(string)
	f, err := os.Open(srv.Save(t))
	if err != nil {
		t.Fatal(err)
	}
	s, err := embedis.OpenSnapshot(f, embedis.Options{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, _ := s.Do(ctx, "FUNCTION", "LIST", "WITHCODE"); listing(t, got) != want {
		t.Errorf("embedis on redis-server's file lists\n%s\nredis-server:\n%s", listing(t, got), want)
	}
	if v, err := s.FCall(ctx, "a1", []string{"n"}, "5"); err != nil || v != int64(15) {
		t.Errorf("FCALL a1 on the loaded store: %v, %v", v, err)
	}
	// embedis's DUMP payload of one library (Redis writes several in its
	// hash table's order) is redis-server's, byte for byte.
	c.MustDo(t, "FUNCTION", "DELETE", "alpha")
	if err := s.FunctionDelete(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	if want, got := c.Do(t, "FUNCTION", "DUMP"), mustDump(t, s); want != got {
		t.Errorf("FUNCTION DUMP differs:\n redis:   %q\n embedis: %q", want, got)
	}

	// embedis → redis-server, by file.
	e, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, lib := range rdbLibraries {
		if _, err := e.FunctionLoad(ctx, lib, false); err != nil {
			t.Fatal(err)
		}
	}
	e.Set(ctx, "n", "1", 0)
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.WriteSnapshot(ctx, out); err != nil {
		t.Fatal(err)
	}
	out.Close()
	r2 := redistest.StartConfig(t, redistest.Config{Dir: dir}).Dial(t)
	if got := listing(t, r2.Do(t, "FUNCTION", "LIST", "WITHCODE")); got != want {
		t.Errorf("redis-server on embedis's file lists\n%s\nwant\n%s", got, want)
	}
	if v := r2.Do(t, "FCALL", "a1", "1", "n", "2"); v != int64(3) {
		t.Errorf("FCALL a1 on redis-server: %#v", v)
	}
	// And embedis reopens its own file.
	f, _ = os.Open(filepath.Join(dir, "dump.rdb"))
	s2, err := embedis.OpenSnapshot(f, embedis.Options{})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, _ := s2.Do(ctx, "FUNCTION", "LIST", "WITHCODE"); listing(t, got) != want {
		t.Errorf("embedis on its own file lists %s", listing(t, got))
	}

	// FUNCTION DUMP both ways.
	ours, err := e.FunctionDump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r3 := redistest.Start(t).Dial(t)
	if v := r3.Do(t, "FUNCTION", "RESTORE", ours); v != "OK" {
		t.Fatalf("redis-server RESTOREing embedis's payload: %#v", v)
	}
	if got := listing(t, r3.Do(t, "FUNCTION", "LIST", "WITHCODE")); got != want {
		t.Errorf("redis-server after RESTORE lists %s", got)
	}
	s3, _ := embedis.Open(embedis.Options{})
	defer s3.Close()
	if err := s3.FunctionRestore(ctx, redisDump, embedis.FunctionRestoreAppend); err != nil {
		t.Fatal(err)
	}
	if got, _ := s3.Do(ctx, "FUNCTION", "LIST", "WITHCODE"); listing(t, got) != want {
		t.Errorf("embedis after RESTORE of redis-server's payload lists %s", listing(t, got))
	}
}

func mustDump(t *testing.T, s *embedis.Store) string {
	t.Helper()
	d, err := s.FunctionDump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOpenSnapshotBadLibrary checks that a library that fails to load
// makes its file fail to open.
func TestOpenSnapshotBadLibrary(t *testing.T) {
	ctx := context.Background()
	e, _ := embedis.Open(embedis.Options{})
	defer e.Close()
	// A snapshot of a store with a library whose code is then made
	// invalid in place.
	if _, err := e.FunctionLoad(ctx, "#!lua name=lib\nredis.register_function('okay', function() return 1 end)", false); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := e.WriteSnapshot(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	file := bytes.Replace(buf.Bytes(), []byte("'okay'"), []byte("'ok-y'"), 1)
	// The file's checksum no longer matches: zero it (Redis and embedis
	// accept a zero checksum as "not computed").
	copy(file[len(file)-8:], make([]byte, 8))
	_, err := embedis.OpenSnapshot(bytes.NewReader(file), embedis.Options{})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("Function names")) && !bytes.Contains([]byte(err.Error()), []byte("Library names")) {
		t.Errorf("OpenSnapshot of a file with a bad library: %v", err)
	}
}
