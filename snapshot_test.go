package embedis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/rdb"
	"github.com/embedis/embedis/internal/redistest"
)

// everyEncoding is a command script that builds a value of every type in
// each of its encodings (OBJECT ENCODING), across three databases, some
// with deadlines.
func everyEncoding() [][]string {
	nums := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}
	with := func(head []string, rest ...string) []string { return append(head, rest...) }
	zbig := []string{"ZADD", "zskip"}
	for i := 0; i < 200; i++ {
		zbig = append(zbig, strconv.Itoa(i%17)+".5", "m"+strconv.Itoa(i))
	}
	hbig := []string{"HSET", "hbig"}
	for i := 0; i < 600; i++ {
		hbig = append(hbig, "f"+strconv.Itoa(i), "v"+strconv.Itoa(i))
	}
	return [][]string{
		{"SET", "int", "12345"}, {"SET", "embstr", "hello"}, {"SET", "raw", strings.Repeat("r", 100)},
		{"SET", "big", "9223372036854775807"}, {"SET", "empty", ""}, {"APPEND", "appended", "5"},
		{"SET", "ttl", "v", "PX", "100000"}, {"INCRBYFLOAT", "float", "2.5"},
		{"RPUSH", "list", "a", "1", "-70000"}, with([]string{"RPUSH", "longlist"}, nums("item", 3000)...),
		{"SADD", "intset", "1", "2", "70000"}, {"SREM", "intset", "70000"}, {"SADD", "small", "a", "b"},
		with([]string{"SADD", "bigset"}, nums("m", 100)...), with([]string{"SADD", "bigints"}, nums("", 600)...),
		{"HSET", "hlp", "f", "v", "n", "1"}, hbig, {"HSET", "hlong", "f", strings.Repeat("x", 65)},
		{"ZADD", "zlp", "1", "a", "2.5", "b", "-inf", "c"}, zbig, {"ZADD", "zlong", "1", strings.Repeat("m", 65)},
		{"PEXPIRE", "zlp", "500000"}, {"PEXPIRE", "hbig", "700000"},
		{"SELECT", "1"}, {"SET", "db1", "x"}, {"RPUSH", "db1list", "q"}, {"PEXPIRE", "db1list", "300000"},
		{"SELECT", "5"}, {"SADD", "db5", "-1", "5000000000"},
		{"SELECT", "0"},
	}
}

// fillStore runs script on s, tracking SELECT.
func fillStore(t testing.TB, s *Store, script [][]string) {
	t.Helper()
	db := 0
	for _, args := range script {
		if args[0] == "SELECT" {
			db, _ = strconv.Atoi(args[1])
			continue
		}
		if _, err := s.DB(db).Do(context.Background(), args...); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
	}
}

// encodings returns OBJECT ENCODING of every key of every database.
func encodings(t testing.TB, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	s.Atomic(ctx, func(tx *Tx) error {
		for i, db := range tx.e.dbs {
			db.keys.Range(func(k string, sl slot) bool {
				out[fmt.Sprintf("%d/%s", i, k)] = encodingName(sl.v)
				return true
			})
		}
		return nil
	})
	return out
}

// writeSnapshot writes s's snapshot to a buffer.
func writeSnapshot(t testing.TB, s *Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WriteSnapshot(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	s, clock := openTest(t)
	fillStore(t, s, everyEncoding())
	wantEnc := encodings(t, s)
	for _, enc := range []string{"int", "embstr", "raw", "quicklist", "intset", "hashtable", "listpack", "skiplist"} {
		found := false
		for _, e := range wantEnc {
			found = found || e == enc
		}
		if !found {
			t.Fatalf("the fixture has no %s value", enc)
		}
	}
	file := writeSnapshot(t, s)
	back, err := OpenSnapshot(bytes.NewReader(file), Options{Clock: NewManualClock(clock.Now())})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	compareSnapshots(t, snapshot(t, s), snapshot(t, back))
	gotEnc := encodings(t, back)
	for k, e := range wantEnc {
		if gotEnc[k] != e {
			t.Errorf("%s: OBJECT ENCODING %s, after the round trip %s", k, e, gotEnc[k])
		}
	}
	// Every value DUMPs to the same bytes (hash tables aside, whose order
	// is the dict's).
	for k := range wantEnc {
		db, key, _ := strings.Cut(k, "/")
		n, _ := strconv.Atoi(db)
		if wantEnc[k] == "hashtable" {
			continue
		}
		p1, _, err1 := s.DB(n).Dump(ctx, key)
		p2, _, err2 := back.DB(n).Dump(ctx, key)
		if err1 != nil || err2 != nil || p1 != p2 {
			t.Errorf("%s: DUMP differs after the round trip (%v, %v)", k, err1, err2)
		}
	}
	// And writing the opened store gives the same file but for the AUX
	// fields and the order of keys in a database.
	if again := writeSnapshot(t, back); len(again) != len(file) {
		t.Errorf("the file written again has %d bytes, the first %d", len(again), len(file))
	}
	t.Logf("%d keys, %d bytes", len(wantEnc), len(file))
}

func TestSnapshotIsPointInTime(t *testing.T) {
	s, clock := openTest(t)
	fillStore(t, s, everyEncoding())
	want := snapshot(t, s)
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sn.Keys() != len(want) {
		t.Errorf("Keys() = %d, want %d", sn.Keys(), len(want))
	}
	changes := sn.Changes()
	if changes <= 0 {
		t.Errorf("Changes() = %d after %d writes", changes, len(everyEncoding()))
	}
	// Change every kind of value in place after the copy.
	for _, args := range [][]string{
		{"APPEND", "embstr", "!"}, {"RPUSH", "list", "new"}, {"SADD", "intset", "9"}, {"SADD", "small", "c"},
		{"HSET", "hlp", "f", "changed"}, {"ZADD", "zlp", "9", "z"}, {"ZADD", "zskip", "99", "m1"}, {"DEL", "int"},
		{"SET", "added", "1"}, {"PERSIST", "ttl"}, {"FLUSHDB"},
	} {
		if _, err := s.Do(ctx, args...); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
	}
	if n, _ := s.DBSize(ctx); n != 0 {
		t.Fatal("FLUSHDB left keys")
	}
	var buf bytes.Buffer
	n, err := sn.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d bytes", n, err, buf.Len())
	}
	back, err := OpenSnapshot(&buf, Options{Clock: NewManualClock(clock.Now())})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	compareSnapshots(t, want, snapshot(t, back))
	if s2, _ := s.Snapshot(ctx); s2.Changes() <= changes {
		t.Errorf("Changes() went from %d to %d after more writes", changes, s2.Changes())
	}
}

func TestSnapshotSkipsExpiredKeys(t *testing.T) {
	s, clock := openTest(t)
	s.Set(ctx, "soon", "v", time.Second)
	s.Set(ctx, "later", "v", time.Hour)
	s.Set(ctx, "never", "v", 0)
	file := writeSnapshot(t, s)

	// Opened two seconds later: "soon" is gone, the others are there with
	// their deadlines, and "later" still expires on its own.
	c2 := NewManualClock(clock.Now().Add(2 * time.Second))
	back, err := OpenSnapshot(bytes.NewReader(file), Options{Clock: c2})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if n, _ := back.DBSize(ctx); n != 2 {
		t.Fatalf("DBSize = %d, want 2", n)
	}
	if d, _ := back.PTTL(ctx, "later"); d <= 0 || d > time.Hour {
		t.Errorf("PTTL later = %v", d)
	}
	// The load counted what it loaded and what it skipped (INFO's
	// rdb_last_load_keys_loaded and rdb_last_load_keys_expired), and no
	// change: nothing is unsaved.
	if st, _ := back.Stats(ctx); st.LoadKeysLoaded != 2 || st.LoadKeysExpired != 1 || st.Changes != 0 {
		t.Errorf("after the load: %d keys loaded, %d expired, %d changes; want 2, 1, 0", st.LoadKeysLoaded, st.LoadKeysExpired, st.Changes)
	}
	c2.Advance(2 * time.Hour)
	if n, _ := back.DBSize(ctx); n != 1 {
		t.Errorf("after the deadline DBSize = %d, want 1 (active expiry of a loaded key)", n)
	}
	if st, _ := back.Stats(ctx); st.ExpiredKeys != 1 || st.LoadKeysLoaded != 2 || st.LoadKeysExpired != 1 || st.Changes != 0 {
		t.Errorf("expired_keys = %d, want 1; load counts %d and %d, want 2 and 1 still; %d changes, want none for an expiry",
			st.ExpiredKeys, st.LoadKeysLoaded, st.LoadKeysExpired, st.Changes)
	}
	if st, _ := s.Stats(ctx); st.LoadKeysLoaded != 0 || st.LoadKeysExpired != 0 || st.Changes != 3 {
		t.Errorf("a store not loaded from a file: load counts %d and %d, want 0; %d changes, want 3", st.LoadKeysLoaded, st.LoadKeysExpired, st.Changes)
	}

	// A key past its deadline when the snapshot is taken is left out.
	clock.Advance(2 * time.Second)
	sn, _ := s.Snapshot(ctx)
	if sn.Keys() != 2 {
		t.Errorf("snapshot after the deadline has %d keys, want 2", sn.Keys())
	}
}

func TestOpenSnapshotRefuses(t *testing.T) {
	s, _ := openTest(t)
	s.DB(7).Set(ctx, "k", "v", 0)
	s.Set(ctx, "a", "1", 0)
	file := writeSnapshot(t, s)
	if _, err := OpenSnapshot(bytes.NewReader(file), Options{Databases: 7}); !errors.Is(err, ErrSnapshotDatabases) || !strings.Contains(err.Error(), "byte ") {
		t.Errorf("a file with database 7 into 7 databases: %v", err)
	}
	if back, err := OpenSnapshot(bytes.NewReader(file), Options{Databases: 8}); err != nil {
		t.Errorf("into 8 databases: %v", err)
	} else {
		back.Close()
	}

	// A key twice in one database.
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf)
	var e rdb.Encoder
	w.Header()
	w.SelectDB(0)
	w.Entry("k", -1, rdb.TypeString, e.AppendString(nil, "1"))
	w.Entry("k", -1, rdb.TypeString, e.AppendString(nil, "2"))
	w.Close()
	if _, err := OpenSnapshot(&buf, Options{}); !errors.Is(err, ErrSnapshotDuplicateKey) || !strings.Contains(err.Error(), "byte ") {
		t.Errorf("a key twice: %v", err)
	}

	// Every truncation and every single-bit flip is an error naming an
	// offset (or, for a flip in a value's bytes that keeps it valid, a
	// store), never a panic.
	small, _ := openTest(t)
	fillStore(t, small, [][]string{{"SET", "a", "1"}, {"RPUSH", "l", "x", "y"}, {"SADD", "s", "1", "2"},
		{"HSET", "h", "f", "v"}, {"ZADD", "z", "1", "m"}, {"SET", "t", "v", "EX", "100"}})
	file = writeSnapshot(t, small)
	for n := 0; n < len(file); n++ {
		if st, err := OpenSnapshot(bytes.NewReader(file[:n]), Options{}); err == nil {
			st.Close()
			t.Fatalf("a file cut at %d of %d bytes opened", n, len(file))
		} else if n >= 9 && !strings.Contains(err.Error(), "byte ") {
			t.Fatalf("cut at %d: error %q names no offset", n, err)
		}
	}
	flipped := 0
	for i := range file {
		for bit := 0; bit < 8; bit++ {
			f := bytes.Clone(file)
			f[i] ^= 1 << bit
			st, err := OpenSnapshot(bytes.NewReader(f), Options{})
			if err == nil {
				st.Close()
				t.Fatalf("byte %d bit %d flipped: the file opened (the checksum should catch it)", i, bit)
			}
			flipped++
		}
	}
	t.Logf("%d truncations and %d bit flips refused", len(file), flipped)
}

// errWriter fails after n bytes.
type errWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *errWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteSnapshotErrors(t *testing.T) {
	s, _ := openTest(t)
	fillStore(t, s, everyEncoding())
	if err := s.WriteSnapshot(ctx, &errWriter{n: 100}); !errors.Is(err, errDiskFull) {
		t.Errorf("a failing writer: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.WriteSnapshot(cctx, io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("an ended context: %v", err)
	}
	s.Close()
	if err := s.WriteSnapshot(ctx, io.Discard); !errors.Is(err, ErrClosed) {
		t.Errorf("a closed store: %v", err)
	}
}

// snapshotBenchStore returns a store with n string keys of 16-byte values, a tenth
// of them with a deadline.
func snapshotBenchStore(b *testing.B, n int) *Store {
	s, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	p := s.Pipeline()
	for i := 0; i < n; i++ {
		k := "key:" + strconv.Itoa(i)
		if i%10 == 0 {
			p.Set(k, "value-"+strconv.Itoa(i*7919), time.Hour)
		} else {
			p.Set(k, "value-"+strconv.Itoa(i*7919), 0)
		}
		if i%1000 == 999 {
			p.Exec(ctx)
		}
	}
	p.Exec(ctx)
	return s
}

const snapshotBenchKeys = 100000

// BenchmarkSnapshotTake measures the copy Tx.Snapshot makes in one turn
// (the time other callers would wait for it), per key.
func BenchmarkSnapshotTake(b *testing.B) {
	s := snapshotBenchStore(b, snapshotBenchKeys)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Atomic(ctx, func(tx *Tx) error { tx.Snapshot(); return nil })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/snapshotBenchKeys, "ns/key")
}

// BenchmarkSnapshotSlice measures one slice of the hand-out of
// Store.Snapshot, WriteSnapshot and StartSnapshot: the longest a caller
// waits for a snapshot of string keys (ns/op), and the keys it hands out.
func BenchmarkSnapshotSlice(b *testing.B) {
	s := snapshotBenchStore(b, snapshotBenchKeys)
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	tx := &e.tx
	tx.start(0)
	var r *snapshotRun
	keys := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r == nil {
			b.StopTimer()
			r = e.startSnapshot(tx)
			b.StartTimer()
		}
		bt, ok := r.step(snapshotSliceWork)
		keys += len(bt.entries)
		if !ok {
			e.endSnapshot(r, nil)
			r = nil
		}
	}
	b.ReportMetric(float64(keys)/float64(b.N), "keys/slice")
}

// BenchmarkSnapshotBigList measures the slice that hands out a list of a
// million elements: one aggregate is cloned whole, in one slice.
func BenchmarkSnapshotBigList(b *testing.B) {
	s, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Atomic(ctx, func(tx *Tx) error {
		for i := 0; i < 1000; i++ {
			batch := make([]string, 1000)
			for j := range batch {
				batch[j] = "element-" + strconv.Itoa(i*1000+j)
			}
			tx.RPush("biglist", batch...)
		}
		return nil
	})
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	tx := &e.tx
	tx.start(0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := e.startSnapshot(tx)
		b.StartTimer()
		if bt, _ := r.step(snapshotSliceWork); len(bt.entries) != 1 {
			b.Fatalf("%d keys", len(bt.entries))
		}
		b.StopTimer()
		e.endSnapshot(r, nil)
		b.StartTimer()
	}
}

// BenchmarkSnapshotWrite measures encoding and writing a snapshot of
// 100,000 string keys, off the owner.
func BenchmarkSnapshotWrite(b *testing.B) {
	s := snapshotBenchStore(b, snapshotBenchKeys)
	sn, _ := s.Snapshot(ctx)
	b.ReportAllocs()
	b.ResetTimer()
	var n int64
	for i := 0; i < b.N; i++ {
		n, _ = sn.WriteTo(io.Discard)
	}
	b.SetBytes(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/snapshotBenchKeys, "ns/key")
}

// BenchmarkOpenSnapshot measures loading a file of 100,000 string keys.
func BenchmarkOpenSnapshot(b *testing.B) {
	s := snapshotBenchStore(b, snapshotBenchKeys)
	var buf bytes.Buffer
	if err := s.WriteSnapshot(ctx, &buf); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := OpenSnapshot(bytes.NewReader(file), Options{})
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/snapshotBenchKeys, "ns/key")
}

// TestSnapshotLoadsInRedis starts redis-server 7.0 on a file written by
// WriteTo and checks every key there: type, encoding, deadline, and DUMP
// bytes (members of hash tables, whose DUMP order is each side's own, are
// compared sorted). Then redis-server SAVEs and OpenSnapshot opens its
// dump.rdb: the same data again.
func TestSnapshotLoadsInRedis(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fillStore(t, s, everyEncoding())
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "embedis.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteSnapshot(ctx, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	srv := redistest.StartArgs(t, "--dir", dir, "--dbfilename", "embedis.rdb")
	c := srv.Dial(t)
	enc := encodings(t, s)
	for k, e := range enc {
		dbs, key, _ := strings.Cut(k, "/")
		db, _ := strconv.Atoi(dbs)
		c.MustDo(t, "SELECT", dbs)
		if got := c.Do(t, "OBJECT", "ENCODING", key); got != e {
			t.Errorf("%s: OBJECT ENCODING in redis-server %v, embedis %s", k, got, e)
		}
		ttl, _ := s.DB(db).PTTL(ctx, key)
		if got, _ := c.Do(t, "PTTL", key).(int64); (got > 0) != (ttl > 0) || got > ttl.Milliseconds() {
			t.Errorf("%s: PTTL in redis-server %d, embedis %v", k, got, ttl)
		}
		switch typ, _ := s.DB(db).Type(ctx, key); {
		case e != "hashtable":
			want, _, _ := s.DB(db).Dump(ctx, key)
			if got := c.Do(t, "DUMP", key); got != want {
				t.Errorf("%s: DUMP differs\n redis-server %q\n embedis      %q", k, got, want)
			}
		case typ == "set":
			want, _ := s.DB(db).SMembers(ctx, key)
			if got := sortedStrings(c.Do(t, "SMEMBERS", key)); !slices.Equal(got, sorted(want)) {
				t.Errorf("%s: members differ", k)
			}
		case typ == "hash":
			want, _ := s.DB(db).HGetAll(ctx, key)
			got := c.Do(t, "HGETALL", key).([]any)
			if len(got) != 2*len(want) {
				t.Errorf("%s: %d fields in redis-server, %d in embedis", k, len(got)/2, len(want))
			}
			for i := 0; i+1 < len(got); i += 2 {
				if want[got[i].(string)] != got[i+1] {
					t.Errorf("%s: field %v differs", k, got[i])
				}
			}
		}
	}
	c.MustDo(t, "SAVE")
	f, err = os.Open(filepath.Join(dir, "embedis.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := OpenSnapshot(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	compareSnapshots(t, snapshot(t, s), snapshot(t, back))
	for k, e := range encodings(t, back) {
		if enc[k] != e {
			t.Errorf("%s: OBJECT ENCODING %s, after the trip through redis-server %s", k, enc[k], e)
		}
	}
	t.Logf("%d keys compared in redis-server and back", len(enc))
}

func sortedStrings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, len(arr))
	for i, x := range arr {
		out[i], _ = x.(string)
	}
	return sorted(out)
}

func sorted(ss []string) []string {
	ss = slices.Clone(ss)
	slices.Sort(ss)
	return ss
}

// TestOpenSnapshotHugeResizeHint: a RESIZEDB hint of 2^40 keys in front of
// one key allocates room for a few thousand, not for the hint.
func TestOpenSnapshotHugeResizeHint(t *testing.T) {
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf)
	var e rdb.Encoder
	w.Header()
	w.SelectDB(0)
	w.ResizeDB(1<<40, 1<<40)
	w.Entry("k", -1, rdb.TypeString, e.AppendString(nil, "v"))
	w.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := OpenSnapshot(bytes.NewReader(buf.Bytes()), Options{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("opening a one-key file with a huge RESIZEDB hint allocated %d bytes", got)
	}
	if v, _ := s.Get(ctx, "k"); v != "v" {
		t.Errorf("k = %q", v)
	}
}

// FuzzOpenSnapshot opens arbitrary files (seeded with a snapshot of every
// encoding): never a panic, and either an error and no store or a store
// whose snapshot opens again to the same data.
func FuzzOpenSnapshot(f *testing.F) {
	src, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	fillStore(f, src, [][]string{{"SET", "a", "1"}, {"RPUSH", "l", "x", "y"}, {"SADD", "s", "1", "2"},
		{"SADD", "t", "a"}, {"HSET", "h", "f", "v"}, {"ZADD", "z", "1", "m"}, {"SET", "e", "v", "EX", "1000"},
		{"SELECT", "2"}, {"SET", "b", strings.Repeat("b", 40)}})
	f.Add(writeSnapshot(f, src))
	src.Close()
	f.Fuzz(func(t *testing.T, file []byte) {
		s, err := OpenSnapshot(bytes.NewReader(file), Options{})
		if err != nil {
			if s != nil {
				t.Fatal("an error and a store")
			}
			return
		}
		defer s.Close()
		back, err := OpenSnapshot(bytes.NewReader(writeSnapshot(t, s)), Options{})
		if err != nil {
			t.Fatalf("a snapshot of an opened file does not open: %v", err)
		}
		defer back.Close()
		compareSnapshots(t, snapshot(t, s), snapshot(t, back))
	})
}

// TestSnapshotWriteWhileStoreChanges writes a snapshot while other
// goroutines change every value in it (run with -race: the snapshot shares
// no memory the store writes).
func TestSnapshotWriteWhileStoreChanges(t *testing.T) {
	s, _ := openTest(t)
	fillStore(t, s, everyEncoding())
	want := snapshot(t, s)
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			for _, args := range [][]string{
				{"APPEND", "embstr", "!"}, {"LPUSH", "longlist", "x"}, {"RPOP", "list"}, {"SADD", "intset", strconv.Itoa(i)},
				{"SADD", "bigset", "n" + strconv.Itoa(i)}, {"HSET", "hlp", "f", strconv.Itoa(i)}, {"HDEL", "hbig", "f" + strconv.Itoa(i)},
				{"ZINCRBY", "zskip", "1", "m1"}, {"ZADD", "zlp", strconv.Itoa(i), "a"}, {"LSET", "longlist", "5", "y"},
			} {
				s.Do(ctx, args...)
			}
		}
	}()
	var buf bytes.Buffer
	if _, err := sn.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	<-done
	back, err := OpenSnapshot(&buf, Options{Clock: NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	compareSnapshots(t, want, snapshot(t, back))
}

// BenchmarkOpenSnapshotMixed measures loading 100,000 keys of every type in
// their small encodings (a fifth each: strings, lists of 8, intsets of 8,
// hashes of 4 fields, sorted sets of 8).
func BenchmarkOpenSnapshotMixed(b *testing.B) {
	s, err := Open(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := s.Pipeline()
	for i := 0; i < snapshotBenchKeys; i++ {
		k := "key:" + strconv.Itoa(i)
		switch i % 5 {
		case 0:
			p.Set(k, "value:"+strconv.Itoa(i), 0)
		case 1:
			p.RPush(k, "a", "b", "c", "d", "e", "f", "g", "h")
		case 2:
			p.SAdd(k, "1", "2", "3", "4", "5", "6", "7", strconv.Itoa(i))
		case 3:
			p.HSet(k, "f1", "v1", "f2", "v2", "f3", "v3", "f4", strconv.Itoa(i))
		default:
			p.ZAdd(k, Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"}, Z{5, "e"}, Z{6, "f"}, Z{7, "g"}, Z{8, "h"})
		}
		if i%1000 == 999 {
			p.Exec(ctx)
		}
	}
	p.Exec(ctx)
	var buf bytes.Buffer
	if err := s.WriteSnapshot(ctx, &buf); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := OpenSnapshot(bytes.NewReader(file), Options{})
		if err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/snapshotBenchKeys, "ns/key")
}
