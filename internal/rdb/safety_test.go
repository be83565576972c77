package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/embedis/embedis/internal/stream"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/embedis/embedis/internal/redistest"
)

// smallDataset fills redis-server with one key of each encoding Redis 7.0
// writes, small enough that the dump can be cut at every byte and have
// every bit flipped in a test.
func smallDataset(r redisConn) {
	r.do("SET", "str", "hello")
	r.do("SET", "int", "-1234567")
	r.do("SET", "lzf", strings.Repeat("abc", 30))
	r.do("SET", "ttl", "v", "PXAT", "4102444800000")
	r.do("RPUSH", "list", "a", "1", "bb", "300", "-70000")
	r.do("SADD", "intset", "1", "2", "3")
	r.do("SADD", "set", "x", "y")
	r.do("HSET", "hash", "f", "v", "n", "5")
	r.do("HSET", "bighash", "f", strings.Repeat("v", 65))
	r.do("ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c")
	r.do("ZADD", "zset2", "1", "a", "2", strings.Repeat("m", 65))
	r.do("SELECT", "3")
	r.do("SET", "db3", "x")
	r.do("SELECT", "0")
}

// TestWriteTestdata regenerates testdata/small.rdb and the fuzz seed
// corpora from redis-server when RDB_WRITE_TESTDATA=1.
func TestWriteTestdata(t *testing.T) {
	if os.Getenv("RDB_WRITE_TESTDATA") != "1" {
		t.Skip("set RDB_WRITE_TESTDATA=1 to regenerate testdata from redis-server")
	}
	s := redistest.Start(t)
	r := redisConn{t, s.Dial(t)}
	smallDataset(r)
	small := saveDump(t, s, r)
	if err := os.WriteFile("testdata/small.rdb", small, 0o644); err != nil {
		t.Fatal(err)
	}
	seed := func(fuzzer, name string, b []byte) {
		dir := filepath.Join("testdata", "fuzz", fuzzer)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	seed("FuzzReader", "redis-small", small)
	for _, key := range []string{"str", "int", "lzf", "list", "intset", "set", "hash", "bighash", "zset", "zset2"} {
		seed("FuzzDecodePayload", "redis-"+key, r.dump(key))
	}
	for i, c := range oldCases(&Encoder{Compress: true}) {
		seed("FuzzDecodePayload", fmt.Sprintf("old-%02d", i), AppendPayloadTrailer(c.payload))
	}
	seed("FuzzReader", "old-version", oldVersionFile(t))
}

func readSmall(t *testing.T) []byte {
	data, err := os.ReadFile("testdata/small.rdb")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSmallDump reads the committed dump and checks every key.
func TestSmallDump(t *testing.T) {
	entries, rd := readAll(t, readSmall(t))
	if len(entries) != 12 || rd.Aux()["redis-ver"] != "7.0.15" {
		t.Fatalf("%d entries, aux %v", len(entries), rd.Aux())
	}
	got := map[string]Entry{}
	for _, e := range entries {
		got[e.Key] = e
	}
	if e := got["ttl"]; e.ExpireMs != 4102444800000 {
		t.Errorf("ttl expire %d", e.ExpireMs)
	}
	if e := got["db3"]; e.DB != 3 || e.Value.Str != "x" {
		t.Errorf("db3: %+v", e)
	}
	if e := got["lzf"]; e.Value.Str != strings.Repeat("abc", 30) {
		t.Errorf("lzf: %q", e.Value.Str)
	}
	if e := got["zset"]; fmt.Sprint(e.Value.ZSet) != "[{c -Inf} {a 1} {b 2.5}]" {
		t.Errorf("zset: %v", e.Value.ZSet)
	}
}

// checkFails reads data to its end and requires an *Error with an offset
// within the data.
func checkFails(t *testing.T, what string, data []byte) {
	t.Helper()
	_, err := tryReadAll(data)
	var re *Error
	if !errors.As(err, &re) {
		t.Fatalf("%s: err %v, want an *rdb.Error", what, err)
	}
	if re.Offset < 0 || re.Offset > int64(len(data)) {
		t.Fatalf("%s: offset %d outside the %d bytes", what, re.Offset, len(data))
	}
}

// TestTruncatedEverywhere cuts the dump at every byte: each prefix fails
// with an offset within it, never a panic, never a clean end.
func TestTruncatedEverywhere(t *testing.T) {
	data := readSmall(t)
	for i := 0; i < len(data); i++ {
		checkFails(t, fmt.Sprintf("cut at %d", i), data[:i])
		_, err := tryReadAll(data[:i])
		if i >= 9 && !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: %v, want ErrTruncated", i, err)
		}
	}
}

// TestBitFlipsEverywhere flips every bit of the dump: each fails with an
// offset within the file (a flip inside a string's bytes is caught by the
// checksum at the end).
func TestBitFlipsEverywhere(t *testing.T) {
	data := readSmall(t)
	for i := range data {
		for bit := 0; bit < 8; bit++ {
			d := bytes.Clone(data)
			d[i] ^= 1 << bit
			checkFails(t, fmt.Sprintf("byte %d bit %d", i, bit), d)
		}
	}
}

// TestLyingLengths: lengths far beyond the input fail fast, without
// allocating for what they claim.
func TestLyingLengths(t *testing.T) {
	huge := appendLen(nil, 1<<40)
	cases := map[string][]byte{
		"string":        append([]byte{TypeString}, huge...),
		"list count":    append([]byte{TypeList}, huge...),
		"set count":     append([]byte{TypeSet}, huge...),
		"zset count":    append([]byte{TypeZSet2}, huge...),
		"hash count":    append([]byte{TypeHash}, huge...),
		"quicklist":     append([]byte{TypeListQuicklist2}, huge...),
		"listpack blob": append([]byte{TypeHashListpack}, huge...),
		"lzf clen":      append(append([]byte{TypeString, 0xC3}, huge...), 0x81, 0, 0, 0x10, 0, 0, 0, 0, 0),
		"lzf ulen":      append([]byte{TypeString, 0xC3, 3}, append(appendLen(nil, 300), 1, 2, 3)...),
		"64-bit count":  {TypeList, 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},
	}
	for name, body := range cases {
		p := AppendPayloadTrailer(body)
		allocated := allocs(func() { DecodePayload(p) })
		if _, err := DecodePayload(p); err == nil {
			t.Errorf("%s: no error", name)
		}
		if allocated > 1<<16 {
			t.Errorf("%s payload: %d bytes allocated", name, allocated)
		}
		file := fileWith(body)
		allocated = allocs(func() { tryReadAll(file) })
		if _, err := tryReadAll(file); err == nil {
			t.Errorf("%s file: no error", name)
		}
		// The Reader's own buffer (64 KB) and bookkeeping; nothing sized by
		// the lying length.
		if allocated > 1<<18 {
			t.Errorf("%s file: %d bytes allocated", name, allocated)
		}
	}
}

func allocs(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// fileWith is a file holding one key whose type byte and body are typBody.
func fileWith(typBody []byte) []byte {
	f := []byte("REDIS0010")
	f = append(f, opSelectDB, 0, typBody[0], 1, 'k')
	return append(f, typBody[1:]...)
}

// oldVersionFile is a version 6 file as Redis 5 would have written it:
// ziplists, a linked list, seconds expiry, no AUX fields.
func oldVersionFile(t testing.TB) []byte {
	e := &Encoder{Compress: true}
	f := []byte("REDIS0006")
	f = append(f, opSelectDB, 0)
	f = append(f, opExpire, 0x00, 0x94, 0x35, 0x77) // 2000000000 seconds (2033)
	f = append(f, TypeString)
	f = e.AppendString(f, "old")
	f = e.AppendString(f, "value")
	f = append(f, TypeHashZiplist)
	f = e.AppendString(f, "h")
	f = e.appendBytes(f, buildZiplist([]string{"a", "1", "b", "2"}))
	f = append(f, TypeListQuicklist)
	f = e.AppendString(f, "l")
	f = appendLen(f, 1)
	f = e.appendBytes(f, buildZiplist([]string{"x", "y", "42"}))
	f = append(f, TypeZSet)
	f = e.AppendString(f, "z")
	f = append(f, zsetStringScores([]ZMember{{"a", 1.5}, {"b", math.Inf(1)}})...)
	f = append(f, opEOF)
	return append(f, make([]byte, 8)...) // checksum 0: not computed
}

// TestOldVersionFile reads a version 6 file and versions 4 and 1 of it (no
// checksum before version 5), and redis-server 7.0 loads the same files.
func TestOldVersionFile(t *testing.T) {
	v6 := oldVersionFile(t)
	v4 := append([]byte("REDIS0004"), v6[9:len(v6)-8]...)
	v1 := append([]byte("REDIS0001"), v6[9:len(v6)-8]...)
	for _, data := range [][]byte{v6, v4, v1} {
		entries, err := tryReadAll(data)
		if err != nil {
			t.Fatal(err)
		}
		want := "[old 2000000000000 value] [h -1 [a 1 b 2]] [l -1 [x y 42]] [z -1 [{a 1.5} {b +Inf}]]"
		var got []string
		for _, e := range entries {
			var v any
			switch e.Value.Kind {
			case KindString:
				v = e.Value.Str
			case KindHash:
				v = e.Value.Hash
			case KindList:
				v = e.Value.List
			case KindZSet:
				v = e.Value.ZSet
			}
			got = append(got, fmt.Sprint([]any{e.Key, e.ExpireMs, v}))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
		}
	}
	for _, data := range [][]byte{v6, v4, v1} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "old.rdb"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := redistest.StartArgs(t, "--dir", dir, "--dbfilename", "old.rdb")
		r := redisConn{t, s.Dial(t)}
		if got := fmt.Sprint(r.do("GET", "old"), r.do("HGETALL", "h"), r.do("LRANGE", "l", "0", "-1"), r.do("ZRANGE", "z", "0", "-1", "WITHSCORES")); got != "value[a 1 b 2] [x y 42] [a 1.5 b inf]" {
			t.Errorf("redis-server reads %s", got)
		}
	}
}

// TestReaderRefuses: module data, functions, version-1 streams and unknown opcodes stop the
// Reader with ErrUnsupported naming the opcode and its offset.
func TestReaderRefuses(t *testing.T) {
	for _, c := range []struct {
		op   byte
		want string
	}{
		{opModuleAux, "rdb: byte 11: module data (opcode 247) is not supported"},
		{opFunction2, "rdb: byte 11: functions (opcode 245) are not supported"},
		{opFunction, "rdb: byte 11: functions (opcode 246) are not supported"},
		{TypeModule2, "rdb: byte 11: module type 7 is not supported"},
		{8, "rdb: byte 11: unknown opcode or type 8"},
		{100, "rdb: byte 11: unknown opcode or type 100"},
	} {
		f := append([]byte("REDIS0010"), opSelectDB, 0, c.op, 1, 'k', 0, 0, 0)
		_, err := tryReadAll(f)
		if !errors.Is(err, ErrUnsupported) || err.Error() != c.want {
			t.Errorf("opcode %d: %v, want %s", c.op, err, c.want)
		}
	}
	for _, h := range []string{"REDIS0011", "REDIS0000", "REDIS001a", "RADIS0010", "REDIS"} {
		_, err := NewReader(strings.NewReader(h))
		var re *Error
		if !errors.As(err, &re) {
			t.Errorf("header %q: %v", h, err)
		}
	}
	if _, err := NewReader(strings.NewReader("REDIS0011")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("version 11: %v", err)
	}
}

// TestEmptyKeysSkipped: in a file, an empty aggregate is skipped, as Redis
// skips it, and the next key is read.
func TestEmptyKeysSkipped(t *testing.T) {
	e := &Encoder{}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Header()
	w.SelectDB(0)
	w.Entry("empty", 5, TypeHashListpack, e.AppendHashListpack(nil, nil))
	w.Entry("empty2", -1, TypeSet, e.AppendSet(nil, nil))
	w.String("k", -1, "v")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var en Entry
	if err := rd.Next(&en); err != nil || en.Key != "k" || en.ExpireMs != -1 || rd.Skipped() != 2 {
		t.Fatalf("%v %+v skipped %d", err, en, rd.Skipped())
	}
	if err := rd.Next(&en); err != io.EOF {
		t.Fatalf("%v", err)
	}
}

type stuckReader struct{ r io.Reader }

func (s *stuckReader) Read(p []byte) (int, error) {
	if len(p) > 0 {
		n, err := s.r.Read(p[:1])
		if err == io.EOF {
			return 0, nil // never progresses again, never says so
		}
		return n, err
	}
	return 0, nil
}

// TestReaderStuckSource: a source that stops delivering without an error
// ends the Reader with ErrTruncated rather than a spin; one that delivers
// a byte at a time reads fine.
func TestReaderStuckSource(t *testing.T) {
	data := readSmall(t)
	rd, err := NewReader(&stuckReader{bytes.NewReader(data[:100])})
	if err != nil {
		t.Fatal(err)
	}
	var e Entry
	for err == nil {
		err = rd.Next(&e)
	}
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "multiple Read calls return no data or error") {
		t.Fatalf("%v", err)
	}
	entries, err := tryReadAllFrom(iotest.OneByteReader(bytes.NewReader(data)))
	if err != nil || len(entries) != 12 {
		t.Fatalf("one byte at a time: %d entries, %v", len(entries), err)
	}
}

func tryReadAllFrom(r io.Reader) ([]Entry, error) {
	rd, err := NewReader(r)
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

// TestRedisFunctionsRefused: redis-server writes a function library into
// its dump (opcode 245); the Reader refuses it, naming the opcode and its
// offset, rather than dropping it silently.
func TestRedisFunctionsRefused(t *testing.T) {
	s := redistest.Start(t)
	r := redisConn{t, s.Dial(t)}
	r.do("FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f', function() return 1 end)")
	r.do("SET", "k", "v")
	data := saveDump(t, s, r)
	_, err := tryReadAll(data)
	// The library follows the last AUX field, aof-base 0 (0xC0 0x00).
	at := bytes.Index(data, []byte("aof-base\xc0\x00")) + len("aof-base") + 2
	if data[at] != opFunction2 {
		t.Fatalf("byte %d is %#x, not the function opcode", at, data[at])
	}
	want := fmt.Sprintf("rdb: byte %d: functions (opcode 245) are not supported", at)
	if !errors.Is(err, ErrUnsupported) || err.Error() != want {
		t.Fatalf("%v, want %s", err, want)
	}
}

// TestRedisStreams: streams from redis-server (type 19) decode, in a
// payload and in a file, and AppendStream writes the very bytes of
// redis-server's DUMP (nodes by count and by size, deleted entries, an
// emptied node removed, trims, an emptied stream, integer and long
// values); a stream with a consumer group is refused, with the reason.
func TestRedisStreams(t *testing.T) {
	s := redistest.Start(t)
	r := redisConn{t, s.Dial(t)}
	r.do("XADD", "one", "1-1", "f", "v")
	for i := 1; i <= 250; i++ {
		r.do("XADD", "many", fmt.Sprintf("%d-%d", i, i%3), "f", strconv.Itoa(i*1000), "g", "x")
		if i%7 == 0 {
			r.do("XADD", "many", fmt.Sprintf("%d-9", i), "other", strings.Repeat("y", i))
		}
	}
	for i := 1; i <= 120; i += 2 {
		r.do("XDEL", "many", fmt.Sprintf("%d-%d", i, i%3))
	}
	r.do("XTRIM", "many", "MINID", "30")
	for i := 1; i <= 20; i++ {
		r.do("XADD", "wide", fmt.Sprintf("%d-0", i), "f", strings.Repeat("z", 300*i), "n", "-70000")
	}
	r.do("XADD", "empty", "5-5", "f", "v")
	r.do("XDEL", "empty", "5-5")
	r.do("XSETID", "empty", "9-9", "ENTRIESADDED", "3", "MAXDELETEDID", "7-7")
	for _, k := range []string{"one", "many", "wide", "empty"} {
		p := r.dump(k)
		v, err := DecodePayload(p)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if v.Kind != KindStream {
			t.Fatalf("%s: kind %v", k, v.Kind)
		}
		e := Encoder{Compress: true}
		mine := AppendPayloadTrailer(e.AppendStream([]byte{TypeStreamListpacks2}, v.Stream))
		if !bytes.Equal(mine, p) {
			t.Fatalf("%s: our payload differs from redis-server's\n ours  %q\n redis %q", k, mine, p)
		}
	}
	data := saveDump(t, s, r)
	if _, err := tryReadAll(data); err != nil {
		t.Fatalf("file: %v", err)
	}
	// Consumer groups: PELs with delivery times and counts, consumers with
	// seen-times and PELs of their own, an empty group, an unknown
	// entries-read (-1), a deleted entry still pending; our bytes are
	// redis-server's.
	r.do("XGROUP", "CREATE", "many", "g1", "0")
	r.do("XGROUP", "CREATE", "many", "g0", "$")
	r.do("XGROUP", "CREATE", "many", "a-group", "0", "ENTRIESREAD", "3")
	r.do("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "many", ">")
	r.do("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "many", ">")
	r.do("XCLAIM", "many", "g1", "carol", "0", "130-1", "TIME", "12345", "RETRYCOUNT", "9", "FORCE")
	r.do("XGROUP", "CREATECONSUMER", "many", "g1", "idle")
	r.do("XREADGROUP", "GROUP", "a-group", "x", "NOACK", "COUNT", "2", "STREAMS", "many", ">")
	r.do("XGROUP", "SETID", "many", "a-group", "0")
	r.do("XGROUP", "CREATE", "empty", "g", "$")
	for _, k := range []string{"many", "empty"} {
		p := r.dump(k)
		v, err := DecodePayload(p)
		if err != nil {
			t.Fatalf("%s with groups: %v", k, err)
		}
		if v.Stream.NumGroups() == 0 {
			t.Fatalf("%s: groups lost", k)
		}
		e := Encoder{Compress: true}
		mine := AppendPayloadTrailer(e.AppendStream([]byte{TypeStreamListpacks2}, v.Stream))
		if !bytes.Equal(mine, p) {
			t.Fatalf("%s with groups: our payload differs from redis-server's\n ours  %q\n redis %q", k, mine, p)
		}
	}
	g := func() *stream.Group { v, _ := DecodePayload(r.dump("many")); return v.Stream.Group("g1") }()
	if g.PendingLen() != 9 || g.Consumer("carol").PendingLen() != 1 || g.Pending(stream.ID{Ms: 130, Seq: 1}).DeliveryCount != 9 ||
		g.Pending(stream.ID{Ms: 130, Seq: 1}).DeliveryTime != 12345 || g.Consumer("idle") == nil {
		t.Fatal("the group read from redis-server's payload is not the one written")
	}
	if _, err := tryReadAll(saveDump(t, s, r)); err != nil {
		t.Fatalf("file with groups: %v", err)
	}
}

// TestPayloadCutEverywhere cuts the value of every seed payload (real DUMP
// payloads and the old encodings) at every byte and gives it a correct
// trailer, so the decoder itself meets the cut: each must fail with an
// *Error within the payload.
func TestPayloadCutEverywhere(t *testing.T) {
	files, err := filepath.Glob("testdata/fuzz/FuzzDecodePayload/*")
	if err != nil || len(files) < 20 {
		t.Fatalf("%d seeds, %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 3)
		q := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
		s, err := strconv.Unquote(q)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		body := []byte(s[:len(s)-10])
		if _, err := DecodePayload(AppendPayloadTrailer(bytes.Clone(body))); err != nil {
			t.Fatalf("%s: the whole payload fails: %v", f, err)
		}
		for i := 0; i < len(body); i++ {
			p := AppendPayloadTrailer(bytes.Clone(body[:i]))
			_, err := DecodePayload(p)
			var re *Error
			if !errors.As(err, &re) || re.Offset < 0 || re.Offset > int64(len(p)) {
				t.Fatalf("%s cut at %d: %v", filepath.Base(f), i, err)
			}
		}
	}
}

// TestTruncatedOneByteAtATime is TestTruncatedEverywhere through a source
// that delivers one byte per Read, so every cut also falls on a refill.
func TestTruncatedOneByteAtATime(t *testing.T) {
	data := readSmall(t)
	for i := 0; i < len(data); i++ {
		_, err := tryReadAllFrom(iotest.OneByteReader(bytes.NewReader(data[:i])))
		var re *Error
		if !errors.As(err, &re) || re.Offset < 0 || re.Offset > int64(i) {
			t.Fatalf("cut at %d: %v", i, err)
		}
	}
}
