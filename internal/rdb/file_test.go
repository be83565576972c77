package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/embedis/embedis/internal/redistest"
)

// populate fills redis-server with every type in its small and large
// encodings, in databases 0, 1 and 5, some keys with a TTL, and returns
// key → kind per database.
func populate(t *testing.T, r redisConn) map[int]map[string]Kind {
	keys := map[int]map[string]Kind{}
	add := func(db int, key string, kind Kind) {
		if keys[db] == nil {
			keys[db] = map[string]Kind{}
		}
		keys[db][key] = kind
	}
	for _, db := range []int{0, 1, 5} {
		r.do("SELECT", strconv.Itoa(db))
		p := fmt.Sprintf("db%d:", db)
		r.do("SET", p+"str", "hello")
		r.do("SET", p+"int", "12345")
		r.do("SET", p+"long", strings.Repeat("compressible ", 100))
		r.do("SET", p+"ttl", "v", "PX", "100000000")
		add(db, p+"str", KindString)
		add(db, p+"int", KindString)
		add(db, p+"long", KindString)
		add(db, p+"ttl", KindString)
		r.do(append([]string{"RPUSH", p + "list"}, listItems()...)...)
		add(db, p+"list", KindList)
		r.do("SADD", p+"intset", "1", "2", "-70000")
		add(db, p+"intset", KindSet)
		r.do(append([]string{"SADD", p + "set"}, listItems()...)...)
		add(db, p+"set", KindSet)
		r.do(append([]string{"HSET", p + "hash"}, hashPairs()...)...)
		add(db, p+"hash", KindHash)
		r.do(zaddArgs(p+"zset", zsetMembers())...)
		add(db, p+"zset", KindZSet)
		var big []ZMember
		var bigHash []string
		for i := 0; i < 600; i++ {
			big = append(big, ZMember{"m" + strconv.Itoa(i), float64(i) / 3})
			bigHash = append(bigHash, "f"+strconv.Itoa(i), strconv.Itoa(i))
		}
		r.do(zaddArgs(p+"bigzset", big)...)
		add(db, p+"bigzset", KindZSet)
		r.do(append([]string{"HSET", p + "bighash"}, bigHash...)...)
		add(db, p+"bighash", KindHash)
		r.do("EXPIRE", p+"bighash", "1000000")
	}
	r.do("SELECT", "0")
	return keys
}

// readAll reads every entry of a file.
func readAll(t *testing.T, data []byte) ([]Entry, *Reader) {
	t.Helper()
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for {
		var e Entry
		err := rd.Next(&e)
		if err == io.EOF {
			return out, rd
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}

func saveDump(t *testing.T, s *redistest.Server, r redisConn) []byte {
	t.Helper()
	r.do("SAVE")
	data, err := os.ReadFile(filepath.Join(filepath.Dir(s.Socket), "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRedisDumpFile reads a dump.rdb that redis-server wrote and compares
// every key with what redis-server answers.
func TestRedisDumpFile(t *testing.T) {
	s := redistest.Start(t)
	r := redisConn{t, s.Dial(t)}
	keys := populate(t, r)
	data := saveDump(t, s, r)
	entries, rd := readAll(t, data)
	// The RESIZEDB hints: keys and keys with an expiry, per database.
	hints := map[int][2]uint64{}
	rd2, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rd2.OnResizeDB = func(db int, keys, expires uint64) { hints[db] = [2]uint64{keys, expires} }
	for {
		var e Entry
		if err := rd2.Next(&e); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	for db, ks := range keys {
		if hints[db] != [2]uint64{uint64(len(ks)), 2} {
			t.Errorf("db %d: RESIZEDB %v, want %d keys and 2 expires", db, hints[db], len(ks))
		}
	}
	aux := rd.Aux()
	if aux["redis-ver"] != "7.0.15" || aux["redis-bits"] != "64" || aux["aof-base"] != "0" || aux["ctime"] == "" || aux["used-mem"] == "" {
		t.Errorf("aux %v", aux)
	}
	n := 0
	for db, ks := range keys {
		n += len(ks)
		_ = db
	}
	if len(entries) != n {
		t.Fatalf("%d entries, want %d", len(entries), n)
	}
	for _, e := range entries {
		kind, ok := keys[e.DB][e.Key]
		if !ok {
			t.Fatalf("unexpected key %d/%s", e.DB, e.Key)
		}
		if e.Value.Kind != kind {
			t.Errorf("%s: kind %v, want %v", e.Key, e.Value.Kind, kind)
		}
		r.do("SELECT", strconv.Itoa(e.DB))
		if kind == KindString {
			if got := r.do("GET", e.Key); got != e.Value.Str {
				t.Errorf("%s: %q, redis %q", e.Key, e.Value.Str, got)
			}
		} else if got, want := ourValue(e.Value), redisValue(r, e.Key, kind); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q\nredis %q", e.Key, got, want)
		}
		if want := r.do("PEXPIRETIME", e.Key).(int64); want != e.ExpireMs {
			t.Errorf("%s: expire %d, redis %d", e.Key, e.ExpireMs, want)
		}
		if e.Idle != -1 || e.Freq != -1 {
			t.Errorf("%s: idle %d freq %d without an eviction policy", e.Key, e.Idle, e.Freq)
		}
	}
}

// TestRedisLRULFU: with an LRU or LFU policy Redis writes IDLE or FREQ
// before each key.
func TestRedisLRULFU(t *testing.T) {
	for _, policy := range []string{"allkeys-lru", "allkeys-lfu"} {
		s := redistest.StartArgs(t, "--maxmemory-policy", policy)
		r := redisConn{t, s.Dial(t)}
		r.do("SET", "k", "v")
		r.do("GET", "k")
		entries, _ := readAll(t, saveDump(t, s, r))
		if len(entries) != 1 {
			t.Fatalf("%s: %d entries", policy, len(entries))
		}
		e := entries[0]
		if policy == "allkeys-lru" && (e.Idle < 0 || e.Idle > 100 || e.Freq != -1) {
			t.Errorf("%s: idle %d freq %d", policy, e.Idle, e.Freq)
		}
		if policy == "allkeys-lfu" && (e.Freq < 0 || e.Idle != -1) {
			t.Errorf("%s: idle %d freq %d", policy, e.Idle, e.Freq)
		}
	}
}

// writeFile writes entries as the engine would: AUX fields as Redis writes
// them, then each database with SELECTDB and RESIZEDB.
func writeFile(t *testing.T, entries []Entry) []byte {
	return writeFileAux(t, entries, 1700000000, 1000000)
}

func writeFileAux(t *testing.T, entries []Entry, ctime, usedMem int64) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Header())
	must(w.AuxRedis(ctime, usedMem))
	byDB := map[int][]Entry{}
	var dbs []int
	for _, e := range entries {
		if byDB[e.DB] == nil {
			dbs = append(dbs, e.DB)
		}
		byDB[e.DB] = append(byDB[e.DB], e)
	}
	var enc Encoder
	enc.Compress = true
	for _, db := range dbs {
		must(w.SelectDB(db))
		expires := 0
		for _, e := range byDB[db] {
			if e.ExpireMs >= 0 {
				expires++
			}
		}
		must(w.ResizeDB(uint64(len(byDB[db])), uint64(expires)))
		for _, e := range byDB[db] {
			v := e.Value
			var body []byte
			switch v.Type {
			case TypeString:
				must(w.String(e.Key, e.ExpireMs, v.Str))
				continue
			case TypeListQuicklist2:
				body = enc.AppendList(nil, v.List)
			case TypeSetIntset:
				body = enc.AppendIntset(nil, v.SetInts, 0)
			case TypeSet:
				body = enc.AppendSet(nil, v.Set)
			case TypeHashListpack:
				body = enc.AppendHashListpack(nil, v.Hash)
			case TypeHash:
				body = enc.AppendHash(nil, v.Hash)
			case TypeZSetListpack:
				body = enc.AppendZSetListpack(nil, v.ZSet)
			case TypeZSet2:
				ms := append([]ZMember(nil), v.ZSet...)
				sortZ(ms)
				body = enc.AppendZSet2(nil, ms)
			default:
				t.Fatalf("type %d", v.Type)
			}
			must(w.Entry(e.Key, e.ExpireMs, v.Type, body))
		}
	}
	must(w.Close())
	return buf.Bytes()
}

// TestRedisLoadsOurFile: a file the Writer wrote from redis-server's own
// dump, read back by redis-server, answers as the original (values,
// expiry times, encodings); and with Redis's key order and AUX values the
// file is byte-identical to redis-server's.
func TestRedisLoadsOurFile(t *testing.T) {
	s := redistest.Start(t)
	r := redisConn{t, s.Dial(t)}
	keys := populate(t, r)
	orig := saveDump(t, s, r)
	entries, rd := readAll(t, orig)
	ctime, _ := strconv.ParseInt(rd.Aux()["ctime"], 10, 64)
	usedMem, _ := strconv.ParseInt(rd.Aux()["used-mem"], 10, 64)
	ours := writeFileAux(t, entries, ctime, usedMem)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ours.rdb"), ours, 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := redistest.StartArgs(t, "--dir", dir, "--dbfilename", "ours.rdb")
	r2 := redisConn{t, s2.Dial(t)}
	for db, ks := range keys {
		r.do("SELECT", strconv.Itoa(db))
		r2.do("SELECT", strconv.Itoa(db))
		for key, kind := range ks {
			var a, b any
			if kind == KindString {
				a, b = r.do("GET", key), r2.do("GET", key)
			} else {
				a, b = redisValue(r, key, kind), redisValue(r2, key, kind)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%d/%s: redis %v, after our file %v", db, key, a, b)
			}
			if x, y := r.do("PEXPIRETIME", key), r2.do("PEXPIRETIME", key); x != y {
				t.Errorf("%d/%s: expire %v, after our file %v", db, key, x, y)
			}
			if x, y := r.do("OBJECT", "ENCODING", key), r2.do("OBJECT", "ENCODING", key); x != y {
				t.Errorf("%d/%s: encoding %v, after our file %v", db, key, x, y)
			}
		}
	}
	// With Redis's ctime and used-mem and its key order, our file is
	// Redis's, byte for byte.
	if !bytes.Equal(ours, orig) {
		t.Errorf("our file differs from redis-server's:\n ours  %q\n redis %q", trim(ours), trim(orig))
	}
}

// TestReaderTrailer: redis-server loads a file with a stored checksum of 0
// (not computed) and ignores bytes after the checksum; a wrong checksum
// is refused by both.
func TestReaderTrailer(t *testing.T) {
	good := writeFile(t, []Entry{{Key: "k", ExpireMs: -1, Value: Value{Kind: KindString, Type: TypeString, Str: "v"}}})
	zero := append(bytes.Clone(good[:len(good)-8]), 0, 0, 0, 0, 0, 0, 0, 0)
	wrong := bytes.Clone(good)
	wrong[len(wrong)-1] ^= 0x40
	extra := append(bytes.Clone(good), "garbage after the trailer"...)
	for _, c := range []struct {
		name string
		file []byte
		ok   bool
	}{{"zero", zero, true}, {"extra", extra, true}, {"wrong", wrong, false}} {
		entries, err := tryReadAll(c.file)
		if c.ok && (err != nil || len(entries) != 1) {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.ok && !errors.Is(err, ErrChecksum) {
			t.Errorf("%s: %v, want ErrChecksum", c.name, err)
		}
		// redis-server agrees.
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "f.rdb"), c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		if !c.ok {
			continue // redis-server exits; redistest would fail the test
		}
		s := redistest.StartArgs(t, "--dir", dir, "--dbfilename", "f.rdb")
		r := redisConn{t, s.Dial(t)}
		if got := r.do("GET", "k"); got != "v" {
			t.Errorf("%s: redis-server GET k = %v", c.name, got)
		}
	}
}

func tryReadAll(data []byte) ([]Entry, error) {
	rd, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var out []Entry
	for {
		var e Entry
		err := rd.Next(&e)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

// TestReaderLargeValues: values longer than the Reader's buffer, read
// whole and one byte at a time.
func TestReaderLargeValues(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 200_000)
	rng.Read(random)
	var items []string
	for i := 0; i < 100; i++ {
		items = append(items, strings.Repeat(string(rune('a'+i%26)), 3000)+strconv.Itoa(i))
	}
	nodes := make([]int, 50) // two elements of 3 KB fill a node of 8 KB
	for i := range nodes {
		nodes[i] = 2
	}
	var pairs []string
	for i := 0; i < 100; i++ {
		pairs = append(pairs, "f"+strconv.Itoa(i), string(random[i*1000:i*1000+700]))
	}
	want := []Entry{
		{Key: "random", ExpireMs: -1, Idle: -1, Freq: -1, Value: Value{Kind: KindString, Type: TypeString, Str: string(random)}},
		{Key: "repeat", ExpireMs: 7, Idle: -1, Freq: -1, Value: Value{Kind: KindString, Type: TypeString, Str: strings.Repeat("0123456789", 100_000)}},
		{Key: "list", ExpireMs: -1, Idle: -1, Freq: -1, Value: Value{Kind: KindList, Type: TypeListQuicklist2, List: items, ListNodes: nodes}},
		{Key: "hash", ExpireMs: -1, Idle: -1, Freq: -1, Value: Value{Kind: KindHash, Type: TypeHashListpack, Hash: pairs}},
	}
	data := writeFile(t, want)
	for name, r := range map[string]io.Reader{"whole": bytes.NewReader(data), "one byte": iotest.OneByteReader(bytes.NewReader(data))} {
		got, err := tryReadAllFrom(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: values differ", name)
		}
	}
}
