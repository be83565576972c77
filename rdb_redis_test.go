package embedis

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/rdb"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// Round trips of data between embedis and a real redis-server 7.0 through
// RDB snapshot files and DUMP payloads (issue 12). The same commands build
// the same dataset in both (internal/workload's RDB datasets: every type in
// every encoding, deadlines, databases 0, 5 and 15); then:
//
//	build   redis-server and embedis answer alike before anything moves;
//	(a)     redis-server SAVEs; embedis opens its dump.rdb, and answers as a
//	        redis-server started on the same file does;
//	(b)     embedis writes a snapshot; a redis-server started on it answers
//	        as the redis-server of (a) does, and so does embedis reopening it;
//	(c)     DUMP payloads of every key move both ways through RESTORE, and
//	        the receivers answer as the redis-server of (a) does; where
//	        Redis's payload is deterministic, embedis's is byte-identical.
//
// "Answers" are, for every key of every database: TYPE, PEXPIRETIME, OBJECT
// ENCODING and the whole value (GET, LRANGE 0 -1, SMEMBERS sorted, HGETALL
// — sorted when the hash is a hashtable, whose order is the hash table's —
// and ZRANGE 0 -1 WITHSCORES); and DBSIZE of all 16 databases. The
// reference for a loaded dataset is a redis-server that loaded it, because
// loading changes encodings: a set of integers that grew past the intset
// limit and shrank again is a hashtable in memory and an intset once
// loaded, a string made by APPEND is "raw" in memory and "embstr" once
// loaded.
//
// Keys that expire between the snapshot and the load (workload.RDBExpiring)
// are in the files and must not be loaded by either side.

// replyError is an error reply, kept apart from strings.
type replyError string

// rdbSide is one server answering commands on a database.
type rdbSide struct {
	name string
	do   func(db int, args ...string) any
}

// redisSide answers through a connection to redis-server.
func redisSide(t *testing.T, name string, c *redistest.Client) rdbSide {
	selected := 0
	return rdbSide{name: name, do: func(db int, args ...string) any {
		t.Helper()
		if db != selected {
			c.MustDo(t, "SELECT", strconv.Itoa(db))
			selected = db
		}
		v := c.Do(t, args...)
		if e, ok := v.(redistest.ReplyError); ok {
			return replyError(e)
		}
		return v
	}}
}

// storeSide answers through Store.Do on the database's handle.
func storeSide(name string, s *Store) rdbSide {
	return rdbSide{name: name, do: func(db int, args ...string) any {
		v, err := s.DB(db).Do(ctx, args...)
		if err != nil {
			return replyError(err.Error())
		}
		return v
	}}
}

// sendAll runs cmds (SELECTs included) on every side and fails the test
// where a reply differs from the first side's.
func sendAll(t *testing.T, cmds [][]string, sides ...rdbSide) {
	t.Helper()
	db := 0
	for _, args := range cmds {
		if strings.EqualFold(args[0], "SELECT") {
			db, _ = strconv.Atoi(args[1])
			continue
		}
		var want any
		for i, sd := range sides {
			got := sd.do(db, args...)
			if i == 0 {
				want = got
			} else if !reflect.DeepEqual(got, want) {
				t.Errorf("building: db %d %s: %s says %s, %s says %s",
					db, showCommand(args), sides[0].name, showReply(want), sd.name, showReply(got))
			}
		}
	}
}

// keyView is what a server answers about one key.
type keyView struct {
	Type, PExpireTime, Encoding, Value any
}

// dataView is what a server answers about all its data.
type dataView struct {
	sizes [16]any                    // DBSIZE of each database
	keys  map[int]map[string]keyView // databases with keys: key → answers
}

// takeView asks sd about every key of every database.
func takeView(sd rdbSide) dataView {
	v := dataView{keys: map[int]map[string]keyView{}}
	for db := range v.sizes {
		v.sizes[db] = sd.do(db, "DBSIZE")
		if v.sizes[db] == int64(0) {
			continue
		}
		keys, _ := sd.do(db, "KEYS", "*").([]any)
		m := map[string]keyView{}
		for _, k := range keys {
			key, _ := k.(string)
			kv := keyView{
				Type:        sd.do(db, "TYPE", key),
				PExpireTime: sd.do(db, "PEXPIRETIME", key),
				Encoding:    sd.do(db, "OBJECT", "ENCODING", key),
			}
			kv.Value = rdbValueOf(sd, db, key, kv.Type, kv.Encoding)
			m[key] = kv
		}
		v.keys[db] = m
	}
	return v
}

// rdbValueOf reads the whole value of key, of type typ held in encoding enc.
func rdbValueOf(sd rdbSide, db int, key string, typ, enc any) any {
	switch typ {
	case "string":
		return sd.do(db, "GET", key)
	case "list":
		return sd.do(db, "LRANGE", key, "0", "-1")
	case "set":
		return sortedReply(sd.do(db, "SMEMBERS", key))
	case "hash":
		all := sd.do(db, "HGETALL", key)
		if enc != "hashtable" {
			return all
		}
		arr, ok := all.([]any)
		if !ok {
			return all
		}
		kv := make([]string, 0, len(arr)/2)
		for i := 0; i+1 < len(arr); i += 2 {
			kv = append(kv, fmt.Sprintf("%q=%q", arr[i], arr[i+1]))
		}
		sort.Strings(kv)
		return kv
	case "zset":
		return sd.do(db, "ZRANGE", key, "0", "-1", "WITHSCORES")
	}
	return fmt.Sprintf("unexpected type %v", typ)
}

// sortedReply returns an array reply's elements sorted; any other reply
// as it is.
func sortedReply(v any) any {
	arr, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]string, len(arr))
	for i, x := range arr {
		out[i], _ = x.(string)
	}
	sort.Strings(out)
	return out
}

// compareViews reports every difference between want (from the side named
// wantName) and got, one error per key and answer, at most 60.
func compareViews(t *testing.T, what, wantName, gotName string, want, got dataView) {
	t.Helper()
	var diffs []string
	for db := range want.sizes {
		if !reflect.DeepEqual(want.sizes[db], got.sizes[db]) {
			diffs = append(diffs, fmt.Sprintf("db %d DBSIZE: %s %s, %s %s", db, wantName, showReply(want.sizes[db]), gotName, showReply(got.sizes[db])))
		}
		var keys []string
		for k := range want.keys[db] {
			keys = append(keys, k)
		}
		for k := range got.keys[db] {
			if _, ok := want.keys[db][k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			w, inW := want.keys[db][k]
			g, inG := got.keys[db][k]
			switch {
			case !inW:
				diffs = append(diffs, fmt.Sprintf("db %d key %q: only %s has it (%v, %v)", db, k, gotName, g.Type, g.Encoding))
				continue
			case !inG:
				diffs = append(diffs, fmt.Sprintf("db %d key %q: only %s has it (%v, %v)", db, k, wantName, w.Type, w.Encoding))
				continue
			}
			for _, f := range []struct {
				name string
				w, g any
			}{{"TYPE", w.Type, g.Type}, {"PEXPIRETIME", w.PExpireTime, g.PExpireTime},
				{"OBJECT ENCODING", w.Encoding, g.Encoding}, {"value", w.Value, g.Value}} {
				if !reflect.DeepEqual(f.w, f.g) {
					diffs = append(diffs, fmt.Sprintf("db %d key %q (%v, %s: %v): %s: %s", db, k, w.Type, wantName, w.Encoding, f.name,
						describeDiff(wantName, gotName, f.w, f.g)))
				}
			}
		}
	}
	reportDiffs(t, what, diffs)
}

// reportDiffs fails the test with each difference, at most 60 of them.
func reportDiffs(t *testing.T, what string, diffs []string) {
	t.Helper()
	for i, d := range diffs {
		if i == 60 {
			t.Errorf("%s: … and %d more differences", what, len(diffs)-i)
			break
		}
		t.Errorf("%s: %s", what, d)
	}
}

// describeDiff says how two answers differ: for arrays of the same kind,
// their lengths and the first element that differs.
func describeDiff(wantName, gotName string, w, g any) string {
	wl, gl := replyList(w), replyList(g)
	if wl == nil || gl == nil {
		return fmt.Sprintf("%s %s, %s %s", wantName, showReply(w), gotName, showReply(g))
	}
	i := 0
	for i < len(wl) && i < len(gl) && reflect.DeepEqual(wl[i], gl[i]) {
		i++
	}
	el := func(l []any) string {
		if i < len(l) {
			return showReply(l[i])
		}
		return "(none)"
	}
	return fmt.Sprintf("%s has %d elements, %s %d; first difference at %d: %s %s, %s %s",
		wantName, len(wl), gotName, len(gl), i, wantName, el(wl), gotName, el(gl))
}

func replyList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	return nil
}

// showReply prints an answer, long strings shortened to their length and ends.
func showReply(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 80 {
			return fmt.Sprintf("%q…(%d bytes)…%q", v[:30], len(v), v[len(v)-10:])
		}
		return strconv.Quote(v)
	case []any:
		if len(v) > 6 {
			return fmt.Sprintf("[%d elements: %s %s … %s]", len(v), showReply(v[0]), showReply(v[1]), showReply(v[len(v)-1]))
		}
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = showReply(x)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case []string:
		return showReply(replyList(v))
	case replyError:
		return "error " + strconv.Quote(string(v))
	}
	return fmt.Sprintf("%#v", v)
}

func showCommand(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = showReply(a)
	}
	return strings.Join(parts, " ")
}

// coveredEncodings are the (type, OBJECT ENCODING) pairs the fixed dataset
// must hold in redis-server, as built and once loaded: a dataset that
// silently stopped covering one would prove nothing about it.
var coveredEncodings = []string{
	"string/int", "string/embstr", "string/raw", "list/quicklist", "set/intset", "set/hashtable",
	"hash/listpack", "hash/hashtable", "zset/listpack", "zset/skiplist",
}

func checkCoverage(t *testing.T, what string, v dataView) {
	t.Helper()
	seen := map[string]bool{}
	for _, keys := range v.keys {
		for _, kv := range keys {
			seen[fmt.Sprintf("%v/%v", kv.Type, kv.Encoding)] = true
		}
	}
	for _, enc := range coveredEncodings {
		if !seen[enc] {
			t.Errorf("%s: the dataset holds no %s", what, enc)
		}
	}
}

// deterministicDump reports whether Redis's DUMP payload for a value in
// encoding enc depends only on the value: not for hashtable sets and
// hashes, which Redis writes in its hash table's order.
func deterministicDump(enc any) bool { return enc != "hashtable" }

// rdbRoundTrip runs the round trips on the dataset cmds (see the top of the
// file), adding workload.RDBExpiring's keys just before the snapshots.
// coverage says whether the dataset must hold every encoding of
// coveredEncodings.
func rdbRoundTrip(t *testing.T, cmds [][]string, coverage bool) {
	debug := []string{"--enable-debug-command", "yes"}
	dirR, dirE := t.TempDir(), t.TempDir()
	r1 := redistest.StartConfig(t, redistest.Config{Dir: dirR, Args: debug})
	e1, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e1.Close()
	rc := r1.Dial(t)
	r1s, e1s := redisSide(t, "redis-server", rc), storeSide("embedis", e1)

	sendAll(t, cmds, r1s, e1s)
	built := takeView(r1s)
	compareViews(t, "building", "redis-server", "embedis", built, takeView(e1s))
	if coverage {
		checkCoverage(t, "building", built)
	}
	if t.Failed() {
		t.FailNow() // the round trips below would repeat the same differences
	}

	// Keys that expire after the snapshots and before the loads: Redis's
	// active expiry is off so that it cannot remove them first.
	rc.MustDo(t, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	deadline := time.Now().Add(1500 * time.Millisecond)
	sendAll(t, workload.RDBExpiring(deadline.UnixMilli()), r1s, e1s)
	fileR := r1.Save(t)
	fileE := filepath.Join(dirE, "dump.rdb")
	f, err := os.Create(fileE)
	if err != nil {
		t.Fatal(err)
	}
	if err := e1.WriteSnapshot(ctx, f); err != nil {
		t.Fatalf("WriteSnapshot: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	sizeR, sizeE := rdbFileSize(t, fileR), rdbFileSize(t, fileE)
	t.Logf("redis-server's dump.rdb: %d bytes; embedis's: %d bytes", sizeR, sizeE)
	if time.Now().Before(deadline) {
		// Both files were written before the deadline, so they hold the
		// expiring keys, which the loaders below must drop.
		want := 5 * len(workload.RDBDatabases)
		for _, path := range []string{fileR, fileE} {
			if n := countExpiring(t, path); n != want {
				t.Errorf("%s holds %d expiring keys, want %d", path, n, want)
			}
		}
	}
	time.Sleep(time.Until(deadline) + 50*time.Millisecond)

	// (a) redis-server's file, loaded by both.
	r2 := redisSide(t, "redis-server on its dump.rdb", redistest.StartConfig(t, redistest.Config{Dir: dirR}).Dial(t))
	loaded := takeView(r2)
	if coverage {
		checkCoverage(t, "loaded", loaded)
	}
	if e2 := openSnapshotFile(t, fileR); e2 != nil {
		compareViews(t, "(a) redis-server's file", r2.name, "embedis on it", loaded, takeView(storeSide("", e2)))
	}

	// (c) DUMP payloads both ways, RESTOREd with their absolute deadlines.
	r5 := redisSide(t, "redis-server RESTOREing its own payloads", redistest.Start(t).Dial(t))
	r4 := redisSide(t, "redis-server RESTOREing embedis's payloads", redistest.Start(t).Dial(t))
	e4, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e4.Close()
	e4s := storeSide("embedis RESTOREing redis-server's payloads", e4)
	e5, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e5.Close()
	e5s := storeSide("embedis RESTOREing its own payloads", e5)
	identical, compared := 0, 0
	var dumpDiffs, restoreDiffs []string
	for _, db := range workload.RDBDatabases {
		keys := loaded.keys[db]
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, key := range names {
			kv := keys[key]
			ttl := "0"
			if at, _ := kv.PExpireTime.(int64); at > 0 {
				ttl = strconv.FormatInt(at, 10)
			}
			fromR, okR := r1s.do(db, "DUMP", key).(string)
			fromE, okE := e1s.do(db, "DUMP", key).(string)
			if !okR || !okE {
				dumpDiffs = append(dumpDiffs, fmt.Sprintf("db %d key %q: DUMP: redis-server %s, embedis %s",
					db, key, showReply(r1s.do(db, "DUMP", key)), showReply(e1s.do(db, "DUMP", key))))
				continue
			}
			if enc := built.keys[db][key].Encoding; deterministicDump(enc) {
				compared++
				if fromR == fromE {
					identical++
				} else {
					dumpDiffs = append(dumpDiffs, fmt.Sprintf("db %d key %q (%v, %v): DUMP payloads differ:\n redis-server %x\n embedis      %x",
						db, key, kv.Type, enc, shortenHex(fromR), shortenHex(fromE)))
				}
			}
			for _, to := range []struct {
				sd      rdbSide
				payload string
			}{{r5, fromR}, {e4s, fromR}, {r4, fromE}, {e5s, fromE}} {
				if v := to.sd.do(db, "RESTORE", key, ttl, to.payload, "ABSTTL"); v != "OK" {
					restoreDiffs = append(restoreDiffs, fmt.Sprintf("db %d key %q: %s: RESTORE = %s", db, key, to.sd.name, showReply(v)))
				}
			}
		}
	}
	reportDiffs(t, "(c) DUMP", dumpDiffs)
	reportDiffs(t, "(c) RESTORE", restoreDiffs)
	t.Logf("(c) DUMP payloads byte-identical to redis-server's: %d of the %d whose encoding is deterministic", identical, compared)
	compareViews(t, "(c) reference", r2.name, r5.name, loaded, takeView(r5))
	compareViews(t, "(c) redis-server's payloads", r2.name, e4s.name, loaded, takeView(e4s))
	compareViews(t, "(c) embedis's payloads", r2.name, r4.name, loaded, takeView(r4))
	compareViews(t, "(c) embedis's payloads", r2.name, e5s.name, loaded, takeView(e5s))

	// (b) last: a redis-server that refuses embedis's file ends the test
	// (with its log).
	r3 := redisSide(t, "redis-server on embedis's file", redistest.StartConfig(t, redistest.Config{Dir: dirE}).Dial(t))
	compareViews(t, "(b) embedis's file", r2.name, r3.name, loaded, takeView(r3))
	if e3 := openSnapshotFile(t, fileE); e3 != nil {
		compareViews(t, "(b) embedis's file", r2.name, "embedis on it", loaded, takeView(storeSide("", e3)))
	}
}

func shortenHex(s string) string {
	if len(s) > 64 {
		return s[:48] + "…" + s[len(s)-16:]
	}
	return s
}

func rdbFileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// countExpiring returns how many keys named "expiring:…" the RDB file at
// path holds, read with internal/rdb.
func countExpiring(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := rdb.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	n := 0
	for {
		var e rdb.Entry
		err := rd.Next(&e)
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if strings.HasPrefix(e.Key, "expiring:") {
			n++
		}
	}
}

// openSnapshotFile opens a Store on the RDB file at path; it is closed when
// the test ends. If OpenSnapshot fails, the test fails and the result is
// nil.
func openSnapshotFile(t *testing.T, path string) *Store {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := OpenSnapshot(f, Options{})
	if err != nil {
		t.Errorf("OpenSnapshot(%s): %v", path, err)
		return nil
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestRDBRedisRoundTrip(t *testing.T) {
	rdbRoundTrip(t, workload.RDBDataset(), true)
}

// The random dataset: set EMBEDIS_RDB_SEED to replay a seed.
func TestRDBRedisRoundTripRandom(t *testing.T) {
	seed := redistest.Seed(t, "EMBEDIS_RDB_SEED")
	rdbRoundTrip(t, workload.RDBRandomDataset(uint64(seed), 200), false)
}

// offsetInError finds the byte offset an error names ("… byte 1234: …").
var offsetInError = regexp.MustCompile(`\bbyte (\d+)\b`)

// TestRDBRedisDamagedFile cuts a small dump.rdb written by redis-server at
// every length and flips each of its bits in turn: OpenSnapshot must
// refuse every one (no Store) with an error naming a byte offset inside the
// file, and never panic. No single-bit flip leaves a valid file: the
// CRC-64 trailer covers every byte before it, and a flip inside the
// trailer breaks the match (the one exception Redis makes, a zero checksum
// meaning "not computed", needs all 64 bits clear: not one flip away from a
// real checksum with more than one bit set, which the test checks).
func TestRDBRedisDamagedFile(t *testing.T) {
	good := redisDump(t, workload.RDBSmallDataset())
	d := newDamage(t, good)
	for n := 0; n < len(good); n++ {
		d.check(fmt.Sprintf("cut to %d of %d bytes", n, len(good)), good[:n], n)
	}
	for i := range good {
		for bit := 0; bit < 8; bit++ {
			d.check(fmt.Sprintf("byte %d bit %d flipped", i, bit), d.flip(i, bit), len(good))
		}
	}
	d.done()
}

// TestRDBRedisDamagedFileRandom is TestRDBRedisDamagedFile on the dump of
// a small random dataset (EMBEDIS_RDB_SEED replays one), too large to
// damage every way: up to 3,000 cuts and bit flips (a third of them cuts;
// fewer for a larger file, about 24 MB read in all) at places drawn from
// the seed, and every cut and flip in the last 16 bytes (the EOF opcode and
// the checksum).
func TestRDBRedisDamagedFileRandom(t *testing.T) {
	seed := redistest.Seed(t, "EMBEDIS_RDB_SEED")
	good := redisDump(t, workload.RDBRandomDataset(uint64(seed), 6))
	d := newDamage(t, good)
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	cut := func(n int) { d.check(fmt.Sprintf("cut to %d of %d bytes", n, len(good)), good[:n], n) }
	flip := func(i, bit int) {
		d.check(fmt.Sprintf("byte %d bit %d flipped", i, bit), d.flip(i, bit), len(good))
	}
	for i := max(0, len(good)-16); i < len(good); i++ {
		cut(i)
		for bit := 0; bit < 8; bit++ {
			flip(i, bit)
		}
	}
	trials := min(3000, 24<<20/len(good)) // about 24 MB read in all
	for range trials / 3 {
		cut(r.IntN(len(good)))
	}
	for range trials - trials/3 {
		flip(r.IntN(len(good)), r.IntN(8))
	}
	d.done()
}

// redisDump returns the dump.rdb of a redis-server given cmds.
func redisDump(t *testing.T, cmds [][]string) []byte {
	t.Helper()
	srv := redistest.StartConfig(t, redistest.Config{})
	c := srv.Dial(t)
	for _, args := range cmds {
		c.MustDo(t, args...)
	}
	good, err := os.ReadFile(srv.Save(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("redis-server's dump.rdb: %d bytes", len(good))
	return good
}

// damage checks OpenSnapshot on damaged copies of a good file.
type damage struct {
	t        *testing.T
	good     []byte
	flipped  []byte
	failures int
}

// newDamage checks that good opens and that no single flip can turn its
// checksum into zero ("no checksum").
func newDamage(t *testing.T, good []byte) *damage {
	t.Helper()
	if s, err := OpenSnapshot(bytes.NewReader(good), Options{}); err != nil {
		t.Fatalf("the undamaged file: %v", err)
	} else {
		s.Close()
	}
	sum := good[len(good)-8:]
	bits := 0
	for _, b := range sum {
		for ; b != 0; b &= b - 1 {
			bits++
		}
	}
	if bits < 2 {
		t.Fatalf("the file's checksum %x has %d bits set: one flip could make it the zero \"no checksum\"", sum, bits)
	}
	return &damage{t: t, good: good, flipped: make([]byte, len(good))}
}

// flip returns the good file with bit of byte i flipped (in a buffer the
// next flip reuses).
func (d *damage) flip(i, bit int) []byte {
	copy(d.flipped, d.good)
	d.flipped[i] ^= 1 << bit
	return d.flipped
}

// check opens data, which must fail: no panic, no Store, an error naming a
// byte offset not past maxOffset. It stops reporting after 40 failures.
func (d *damage) check(what string, data []byte, maxOffset int) {
	t := d.t
	t.Helper()
	if d.failures >= 40 {
		return
	}
	var s *Store
	var err error
	panicked := func() (p any) {
		defer func() { p = recover() }()
		s, err = OpenSnapshot(bytes.NewReader(data), Options{})
		return nil
	}()
	switch {
	case panicked != nil:
		t.Errorf("%s: OpenSnapshot panicked: %v", what, panicked)
	case err == nil:
		n, _ := s.Do(ctx, "DBSIZE")
		t.Errorf("%s: OpenSnapshot accepted the file (DBSIZE %v)", what, n)
	case s != nil:
		t.Errorf("%s: OpenSnapshot returned a Store with its error %v", what, err)
	default:
		m := offsetInError.FindStringSubmatch(err.Error())
		if m == nil {
			t.Errorf("%s: the error names no byte offset: %v", what, err)
		} else if off, _ := strconv.Atoi(m[1]); off > maxOffset {
			t.Errorf("%s: the error names byte %d, past byte %d: %v", what, off, maxOffset, err)
		} else {
			return
		}
	}
	if s != nil {
		s.Close()
	}
	d.failures++
}

func (d *damage) done() {
	if d.failures >= 40 {
		d.t.Errorf("stopped after %d failures", d.failures)
	}
}
