package workload

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/crc64"
	"github.com/embedis/embedis/internal/rdb"
)

// DUMP and RESTORE: hand-written cases that DUMP values of every type and
// encoding built by commands (the payloads are compared byte for byte with
// redis-server's, where Redis's bytes are fixed by the value's history),
// RESTORE payloads that redis-server wrote and read them back (values,
// OBJECT ENCODING, DUMP again), RESTORE payloads in the encodings Redis
// re-decides on loading, and every error of both commands.
//
// Not compared: DUMP of a set or hash that Redis holds as a hash table
// (its element order comes from Redis's random hash seed; the cases read
// such values back with commands instead), and OBJECT IDLETIME after
// RESTORE … IDLETIME (embedis keeps no access times yet). Streams are
// dumped and restored in the stream cases (stream.go).

func init() { RegisterCases("dump", DumpCases) }

// redisPayloads are DUMP replies of redis-server 7.0.15, as redis-cli
// --no-raw prints them, after:
//
//	SET s hello; SET i 42; RPUSH l a b c 1; SADD si 1 2 3; SADD ss a b;
//	HSET h f 1 g v; ZADD z 1 a 2.5 b
//	XADD x 1-1 a 1 b hello; XADD x 1-2 a 300 b x
//
// and "sg", a stream with consumer groups, after:
//
//	XADD sg 1-1 a 1; XADD sg 2-1 b 2; XADD sg 3-1 c 3; XGROUP CREATE sg g 0;
//	XGROUP CREATE sg h $ ENTRIESREAD 2; XREADGROUP GROUP g alice COUNT 2 STREAMS sg >;
//	XCLAIM sg g bob 0 3-1 FORCE TIME 1000 RETRYCOUNT 4; XGROUP CREATECONSUMER sg g zed;
//	XDEL sg 2-1
var redisPayloads = map[string]string{
	"sg": "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01::\x00\x00\x00\x18\x00\x02\x01\x01\x01\x01\x01\x81a\x02\x00\x01\x02\x01\x00\x01\x00\x01\x01\x01\x04\x01\x01\x01\x01\x01\x00\x01\x01\x01\x81b\x02\x02\x01\x06\x01\x00\x01\x02\x01\x00\x01\x01\x01\x81c\x02\x03\x01\x06\x01\xff\x02\x03\x01\x01\x01\x02\x01\x03\x02\x01g\x02\x01\x02\x03\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\xe9\xe8;R\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x01\xe9\xe8;R\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x01\xe8\x03\x00\x00\x00\x00\x00\x00\x04\x03\x05alice\xe9\xe8;R\xa2\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x01\x03bob\xf2\xe8;R\xa2\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x01\x03zed\xfb\xe8;R\xa2\x01\x00\x00\x00\x01h\x03\x01\x02\x00\x00\x0a\x00\xc59\xd0b\x1b\xba\x0bP",
	"x":  "\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x0144\x00\x00\x00\x12\x00\x02\x01\x00\x01\x02\x01\x81a\x02\x81b\x02\x00\x01\x02\x01\x00\x01\x00\x01\x01\x01\x85hello\x06\x05\x01\x02\x01\x00\x01\x01\x01\xc1,\x02\x81x\x02\x05\x01\xff\x02\x01\x02\x01\x01\x00\x00\x02\x00\n\x00\x04)\t\x8f\x12{\xc5\xb2",
	"s":  "\x00\x05hello\n\x00cr\xdfve4 \n",
	"i":  "\x00\xc0*\n\x00\x81\xfb\\\xfa\x86cOP",
	"l":  "\x12\x01\x02\x12\x12\x00\x00\x00\x04\x00\x81a\x02\x81b\x02\x81c\x02\x01\x01\xff\n\x00W\xde\xa3\xd9\a\xb3\x97\xaa",
	"si": "\x0b\x0e\x02\x00\x00\x00\x03\x00\x00\x00\x01\x00\x02\x00\x03\x00\n\x00\xa5\x02\\\xe2mnM\x1b",
	"ss": "\x02\x02\x01b\x01a\n\x00u\xd9\x9d\x83^\xf8_e",
	"h":  "\x10\x12\x12\x00\x00\x00\x04\x00\x81f\x02\x01\x01\x81g\x02\x81v\x02\xff\n\x00-p\xa0\xe7m\xcc\xa7g",
	"z":  "\x11\x14\x14\x00\x00\x00\x04\x00\x81a\x02\x01\x01\x81b\x02\x832.5\x04\xff\n\x00\xd4Ln\xa4\xf6D\xd9\xd7",
}

// RedisPayload returns the DUMP payload redis-server 7.0.15 gave for the
// value named name in redisPayloads' comment ("s", "i", "l", "si", "ss",
// "h", "z" or "x"), or "" for another name.
func RedisPayload(name string) string { return redisPayloads[name] }

// randomPayloads are the payloads the random workload restores: small
// values whose replies are deterministic on both sides (no hash-table set).
var randomPayloads = []string{
	redisPayloads["s"], redisPayloads["i"], redisPayloads["l"], redisPayloads["si"],
	redisPayloads["h"], redisPayloads["z"],
}

// restoreCommand returns a random RESTORE of key k.
func (w *Gen) restoreCommand(k string) []string {
	p := randomPayloads[w.r.IntN(len(randomPayloads))]
	switch w.r.IntN(8) {
	case 0:
		return []string{"RESTORE", k, "0", p}
	case 1:
		return []string{"RESTORE", k, w.ms(1 + w.r.IntN(3000)), p, "REPLACE"}
	case 2:
		// An absolute deadline in the past: nothing is restored, and with
		// REPLACE the key is deleted.
		return []string{"RESTORE", k, strconv.Itoa(1 + w.r.IntN(2000)), p, "ABSTTL", "REPLACE"}
	case 3:
		return []string{"RESTORE", k, "0", p, "REPLACE", "IDLETIME", strconv.Itoa(w.r.IntN(100))}
	case 4:
		return []string{"RESTORE", k, "0", p, "FREQ", strconv.Itoa(w.r.IntN(256)), "REPLACE"}
	case 5:
		return []string{"RESTORE", k, "0", p[:len(p)-1] + "\x00", "REPLACE"} // wrong checksum
	default:
		return []string{"RESTORE", k, "0", p, "REPLACE"}
	}
}

// payload returns the DUMP payload of a value of type typ with RDB body
// body: the type byte, the body, RDB version 10 and the CRC-64.
func payload(typ byte, body []byte) string {
	return string(rdb.AppendPayloadTrailer(append([]byte{typ}, body...)))
}

// withTrailer returns typ and body followed by the RDB version ver and a
// correct CRC-64: a payload of another version, or a damaged body whose
// checksum is right.
func withTrailer(typ byte, body []byte, ver uint16) string {
	b := append([]byte{typ}, body...)
	b = binary.LittleEndian.AppendUint16(b, ver)
	return string(binary.LittleEndian.AppendUint64(b, crc64.Update(0, b)))
}

// DumpCases returns the cases of DUMP and RESTORE.
func DumpCases() [][]string {
	var cs [][]string
	add := func(c ...[]string) { cs = append(cs, c...) }
	dump := func(keys ...string) {
		for _, k := range keys {
			add([]string{"DUMP", k})
		}
	}
	encoding := func(keys ...string) {
		for _, k := range keys {
			add([]string{"OBJECT", "ENCODING", k})
		}
	}
	nums := func(prefix string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}
	cmd := func(name, key string, args ...string) []string {
		return append([]string{name, key}, args...)
	}
	var e rdb.Encoder
	e.Compress = true

	// DUMP: arity, a missing key, every string form.
	add([]string{"DUMP"}, []string{"DUMP", "a", "b"}, []string{"DUMP", "nosuch"})
	strs := map[string]string{
		"s1": "hello", "s2": "42", "s3": "-129", "s4": "32768", "s5": "2147483647", "s6": "2147483648",
		"s7": "9223372036854775807", "s8": "-9223372036854775808", "s9": "", "s10": "007", "s11": "-0",
		"s12": " 1", "s13": "12345678901", "s14": strings.Repeat("a", 20), "s15": strings.Repeat("ab", 30),
		"s16": "abcdefghijklmnopqrstuvwxyz0123456789", "s17": strings.Repeat("xyz", 300), "s18": "1.5",
	}
	for i := 1; i <= len(strs); i++ {
		k := "s" + strconv.Itoa(i)
		add([]string{"SET", k, strs[k]})
		dump(k)
	}
	add([]string{"INCRBYFLOAT", "f", "1.5"}, []string{"APPEND", "ap", "12"}, []string{"SETRANGE", "sr", "3", "x"},
		[]string{"INCR", "n"}, []string{"INCRBY", "n", "70000"})
	dump("f", "ap", "sr", "n")

	// Lists: the listpack's integer and string forms, one node and several.
	add(cmd("RPUSH", "l1", "a", "b", "c", "1", "2", "3"))
	add(cmd("RPUSH", "l2", "0", "127", "128", "-1", "-64", "-65", "4095", "4096", "-4096", "-4097", "32767", "32768",
		"-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648",
		"-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-0", "01", " 1", "+1", ""))
	add(cmd("RPUSH", "l3", strings.Repeat("a", 63), strings.Repeat("b", 64), strings.Repeat("c", 4095), strings.Repeat("d", 4096)))
	add(cmd("LPUSH", "l4", "x", "y", "z"), cmd("RPUSH", "l5", nums("item-", 2000)...), cmd("RPUSH", "l6", nums("", 3000)...))
	add(cmd("RPUSH", "l7", "abcdefghij", "klmnopqrst", "uvwxyz0123"))
	dump("l1", "l2", "l3", "l4", "l5", "l6", "l7")

	// Lists built at the head, at both ends, popped and trimmed: Redis
	// fills the end node a push goes to, so the nodes are not where a list
	// built at the tail has them.
	add(cmd("LPUSH", "lh1", nums("element-pushed-at-the-head:", 3000)...), cmd("LPUSH", "lh2", nums("h", 2500)...),
		cmd("RPUSH", "lh2", nums("t", 2500)...), cmd("LPUSH", "lh2", nums("hh", 1200)...))
	dump("lh1", "lh2")
	add(cmd("LPOP", "lh1", "700"), cmd("RPOP", "lh1", "5"), cmd("RPOP", "lh2", "1300"), cmd("LPOP", "lh2", "2"))
	dump("lh1", "lh2")
	add(cmd("LTRIM", "lh1", "3", "-900"), cmd("LTRIM", "lh2", "1000", "2000"))
	dump("lh1", "lh2")
	add(cmd("LMOVE", "lh1", "lh3", "LEFT", "LEFT"), cmd("RPOPLPUSH", "lh1", "lh3"), cmd("LMOVE", "lh1", "lh1", "RIGHT", "LEFT"),
		cmd("LPUSH", "lh3", nums("m", 900)...), cmd("LMOVE", "lh2", "lh3", "LEFT", "RIGHT"))
	dump("lh1", "lh2", "lh3")
	add(cmd("SORT", "lh3", "ALPHA", "STORE", "lh4"), cmd("LPUSH", "lh4", nums("s", 1000)...), cmd("COPY", "lh2", "lh5"),
		cmd("LPUSH", "lh5", nums("c", 800)...))
	dump("lh4", "lh5")
	add(cmd("LSET", "lh5", "0", "x"), cmd("LSET", "lh5", "-1", strings.Repeat("w", 100)), cmd("LSET", "lh5", "500", "5"))
	dump("lh5")
	add(cmd("LSET", "lh5", "1", strings.Repeat("v", 5000)), cmd("LPUSH", "lh5", "after-the-big-one"))
	dump("lh5")
	ab := make([]string, 6000)
	for i := range ab {
		ab[i] = []string{"aaaa", "bbbb", "cccc"}[i%3]
		if i > 4000 {
			ab[i] = "dddd"
		}
	}
	add(cmd("LPUSH", "lh6", ab...), cmd("LREM", "lh6", "700", "aaaa"), cmd("LREM", "lh6", "-300", "bbbb"))
	dump("lh6")
	add(cmd("LREM", "lh6", "0", "dddd"), cmd("LPUSH", "lh6", "x", "y"), cmd("RPUSH", "lh6", "z"))
	dump("lh6")
	add(cmd("LINSERT", "lh6", "BEFORE", "cccc", "inserted"), cmd("LRANGE", "lh6", "0", "3"))
	dump("lh6")
	// LINSERT into full nodes: at a node's ends (into the neighbour, or a
	// node of its own) and in the middle (a split, then merges).
	li := nums("linsert-element-", 2400)
	add(cmd("RPUSH", "li1", li...))
	for _, c := range [][]string{
		{"BEFORE", "linsert-element-0"}, {"AFTER", "linsert-element-2399"}, {"AFTER", "linsert-element-1200"},
		{"BEFORE", "linsert-element-1200"}, {"AFTER", "linsert-element-300"}, {"BEFORE", "linsert-element-301"},
		{"AFTER", "linsert-element-299"}, {"BEFORE", "linsert-element-600"}, {"AFTER", "linsert-element-1799"},
	} {
		add(cmd("LINSERT", "li1", c[0], c[1], "new:"+c[1]))
		dump("li1")
	}
	for i := 0; i < 40; i++ {
		where := []string{"BEFORE", "AFTER"}[i%2]
		add(cmd("LINSERT", "li1", where, "linsert-element-"+strconv.Itoa((i*337)%2400), strings.Repeat("L", i*40)))
	}
	dump("li1")
	add(cmd("LPUSH", "li2", nums("head-built-", 1500)...), cmd("LINSERT", "li2", "BEFORE", "head-built-700", strings.Repeat("b", 3000)),
		cmd("LINSERT", "li2", "AFTER", "head-built-10", strings.Repeat("a", 7000)), cmd("LINSERT", "li2", "AFTER", "head-built-0", "end"),
		cmd("LPUSH", "li2", "h"), cmd("RPOP", "li2", "50"))
	dump("li2")
	cs = append(cs, listNodeChurn(1, "lc1")...)
	cs = append(cs, listNodeChurn(2, "lc2")...)

	// Sets: intsets of each width; the width stays when the wide member goes.
	add(cmd("SADD", "i16", "1", "-2", "3"), cmd("SADD", "i32", "1", "70000", "-70000"),
		cmd("SADD", "i64", "1", "5000000000", "-9223372036854775808"), cmd("SADD", "iw", "1", "2", "70000"),
		cmd("SREM", "iw", "70000"), cmd("SADD", "iw64", "5", "9223372036854775807"), cmd("SREM", "iw64", "9223372036854775807"),
		cmd("SADD", "ibig", nums("", 512)...))
	dump("i16", "i32", "i64", "iw", "iw64", "ibig")
	encoding("iw", "ibig")

	// Hashes and sorted sets as listpacks, and sorted sets as skiplists.
	add(cmd("HSET", "h1", "f", "v", "num", "12", "neg", "-300", "big", "9223372036854775807", "empty", ""),
		cmd("HSET", "h1", "f", "w"), cmd("HDEL", "h1", "num"), cmd("HSET", "h1", "num", "13"),
		cmd("HSET", "h2", nums("f", 200)...), cmd("HINCRBYFLOAT", "h3", "x", "2.5"))
	dump("h1", "h2", "h3")
	add(cmd("ZADD", "z1", "1", "a", "2.5", "b", "-inf", "c", "+inf", "d", "0", "e", "1e300", "f",
		"3.0000000000000004", "g", "-7", "h", "4611686018427387904", "i", "-0.5", "j", "123456789012", "k"),
		cmd("ZINCRBY", "z1", "1", "a"), cmd("ZREM", "z1", "c"))
	zbig := []string{"ZADD", "z2"}
	for i := 0; i < 200; i++ {
		zbig = append(zbig, strconv.Itoa(i%37)+".25", "m"+strconv.Itoa(i))
	}
	add(zbig, cmd("ZADD", "z3", "1", strings.Repeat("m", 65), "2", "short", "-inf", "lowest", "inf", "highest"),
		cmd("ZADD", "z4", "0", "a", "0", "b", "0", "c"), cmd("ZADD", "z5", "1", "x"), cmd("ZADD", "z5", "-0", "y"))
	dump("z1", "z2", "z3", "z4", "z5")
	encoding("z1", "z2", "z3")

	// RESTORE of redis-server's payloads, read back.
	for _, k := range []string{"s", "i", "l", "si", "ss", "h", "z"} {
		add([]string{"RESTORE", "r" + k, "0", redisPayloads[k]})
	}
	add([]string{"GET", "rs"}, []string{"GET", "ri"}, []string{"OBJECT", "REFCOUNT", "ri"}, []string{"LRANGE", "rl", "0", "-1"},
		[]string{"SMEMBERS", "rsi"}, []string{"SMEMBERS", "rss"}, []string{"HGETALL", "rh"},
		[]string{"ZRANGE", "rz", "0", "-1", "WITHSCORES"}, []string{"TYPE", "rss"})
	encoding("rs", "ri", "rl", "rsi", "rss", "rh", "rz")
	dump("rs", "ri", "rl", "rsi", "rh", "rz")

	// RESTORE re-decides the encoding as Redis does on loading.
	ints := nums("", 10)
	intsBig := nums("", 600)
	mixed := append(nums("", 5), "x")
	add([]string{"RESTORE", "e1", "0", payload(rdb.TypeSet, e.AppendSet(nil, ints))},
		[]string{"RESTORE", "e2", "0", payload(rdb.TypeSet, e.AppendSet(nil, intsBig))},
		[]string{"RESTORE", "e3", "0", payload(rdb.TypeSet, e.AppendSet(nil, mixed))},
		[]string{"RESTORE", "e4", "0", payload(rdb.TypeSetIntset, e.AppendIntset(nil, []int64{1, 2, 3}, 8))},
		[]string{"RESTORE", "e5", "0", payload(rdb.TypeSetIntset, e.AppendIntset(nil, seq(600), 0))},
		[]string{"RESTORE", "e6", "0", payload(rdb.TypeSet, e.AppendSet(nil, []string{"1", "01", "2"}))})
	dump("e1", "e4")
	encoding("e1", "e2", "e3", "e4", "e5", "e6")
	add([]string{"SMEMBERS", "e1"}, []string{"SCARD", "e2"}, []string{"SMEMBERS", "e3"}, []string{"SMEMBERS", "e4"},
		[]string{"SISMEMBER", "e5", "599"}, []string{"SMEMBERS", "e6"}, []string{"SADD", "e4", "7"})
	dump("e4")

	pairs := func(n, valueLen int) []string {
		out := make([]string, 0, 2*n)
		for i := 0; i < n; i++ {
			out = append(out, "f"+strconv.Itoa(i), strings.Repeat("v", valueLen))
		}
		return out
	}
	add([]string{"RESTORE", "e7", "0", payload(rdb.TypeHash, e.AppendHash(nil, pairs(5, 3)))},
		[]string{"RESTORE", "e8", "0", payload(rdb.TypeHash, e.AppendHash(nil, pairs(5, 65)))},
		[]string{"RESTORE", "e9", "0", payload(rdb.TypeHash, e.AppendHash(nil, pairs(600, 1)))},
		[]string{"RESTORE", "e10", "0", payload(rdb.TypeHashListpack, e.AppendHashListpack(nil, pairs(3, 100)))},
		[]string{"RESTORE", "e11", "0", payload(rdb.TypeHash, e.AppendHash(nil, pairs(512, 64)))})
	dump("e7", "e10")
	encoding("e7", "e8", "e9", "e10", "e11")
	add([]string{"HGETALL", "e7"}, []string{"HGETALL", "e8"}, []string{"HLEN", "e9"}, []string{"HGET", "e9", "f599"},
		[]string{"HGETALL", "e10"}, []string{"HLEN", "e11"}, []string{"HSET", "e10", "new", "v"})
	dump("e10")

	zms := func(n, memberLen int) []rdb.ZMember {
		out := make([]rdb.ZMember, n)
		for i := range out {
			out[i] = rdb.ZMember{Member: strings.Repeat("m", memberLen) + strconv.Itoa(i), Score: float64(i) / 4}
		}
		return out
	}
	add([]string{"RESTORE", "e12", "0", payload(rdb.TypeZSet2, e.AppendZSet2(nil, zms(5, 1)))},
		[]string{"RESTORE", "e13", "0", payload(rdb.TypeZSet2, e.AppendZSet2(nil, zms(5, 70)))},
		[]string{"RESTORE", "e14", "0", payload(rdb.TypeZSet2, e.AppendZSet2(nil, zms(200, 1)))},
		[]string{"RESTORE", "e15", "0", payload(rdb.TypeZSetListpack, e.AppendZSetListpack(nil, zms(3, 80)))},
		[]string{"RESTORE", "e16", "0", payload(rdb.TypeZSet2, e.AppendZSet2(nil, []rdb.ZMember{{Member: "a", Score: 0}, {Member: "b", Score: 1}}))})
	dump("e12", "e13", "e14", "e15", "e16")
	encoding("e12", "e13", "e14", "e15", "e16")
	add([]string{"ZRANGE", "e12", "0", "-1", "WITHSCORES"}, []string{"ZRANGE", "e13", "0", "1", "WITHSCORES"},
		[]string{"ZCARD", "e14"}, []string{"ZRANGE", "e14", "100", "102", "WITHSCORES"}, []string{"ZRANGE", "e15", "0", "-1", "WITHSCORES"},
		[]string{"ZSCORE", "e16", "a"})

	add([]string{"RESTORE", "e17", "0", payload(rdb.TypeListQuicklist2, e.AppendList(nil, nums("x", 1500)))},
		[]string{"LLEN", "e17"}, []string{"LINDEX", "e17", "1499"})
	dump("e17")
	encoding("e17")
	// A list whose nodes are not where pushes at the tail would put them
	// keeps them, in Redis as in embedis, and grows from them.
	add([]string{"RESTORE", "e18", "0", payload(rdb.TypeListQuicklist2, e.AppendListNodes(nil, nums("y", 2000), []int{3, 997, 1000}))},
		cmd("LPUSH", "e18", nums("z", 600)...), []string{"RPUSH", "e18", "tail"})
	dump("e18")

	// Options: TTLs, ABSTTL, REPLACE, IDLETIME, FREQ and their errors, in
	// Redis's order (options, then the existing key, then the TTL, then the
	// payload).
	p := redisPayloads["s"]
	add([]string{"RESTORE", "t1", "100000", p}, []string{"PTTL", "t1"}, []string{"GET", "t1"},
		[]string{"RESTORE", "t1", "0", p}, []string{"RESTORE", "t1", "0", p, "REPLACE"}, []string{"PTTL", "t1"},
		[]string{"RESTORE", "t2", "4102444800000", p, "ABSTTL"}, []string{"PEXPIRETIME", "t2"},
		[]string{"RESTORE", "t3", "1", p, "ABSTTL"}, []string{"EXISTS", "t3"},
		[]string{"RESTORE", "t2", "1", p, "ABSTTL", "REPLACE"}, []string{"EXISTS", "t2"},
		[]string{"RESTORE", "t4", "9223372036854775807", p}, []string{"EXISTS", "t4"},
		[]string{"RESTORE", "t5", "9223372036854775807", p, "ABSTTL"}, []string{"PEXPIRETIME", "t5"},
		[]string{"RESTORE", "t6", "0", p, "abstTL", "replace", "REPLACE", "ABSTTL"}, []string{"TTL", "t6"},
		[]string{"RESTORE", "t7", "0", p, "IDLETIME", "5"}, []string{"RESTORE", "t8", "0", p, "FREQ", "7"},
		[]string{"OBJECT", "FREQ", "t8"}, []string{"RESTORE", "t9", "0", p, "IDLETIME", "1", "IDLETIME", "2"},
		[]string{"RESTORE", "t10", "0", p, "FREQ", "0", "FREQ", "255"}, []string{"EXISTS", "t7", "t8", "t9", "t10"},
		[]string{"RESTORE", "t11", "0", p, "IDLETIME", "5", "FREQ", "3"}, []string{"RESTORE", "t11", "0", p, "FREQ", "3", "IDLETIME", "5"},
		[]string{"RESTORE", "t11", "0", p, "FREQ", "256"}, []string{"RESTORE", "t11", "0", p, "FREQ", "-1"},
		[]string{"RESTORE", "t11", "0", p, "FREQ", "x"}, []string{"RESTORE", "t11", "0", p, "IDLETIME", "-1"},
		[]string{"RESTORE", "t11", "0", p, "IDLETIME", "x"}, []string{"RESTORE", "t11", "0", p, "IDLETIME"},
		[]string{"RESTORE", "t11", "0", p, "FREQ"}, []string{"RESTORE", "t11", "0", p, "FOO"},
		[]string{"RESTORE", "t11", "-1", p}, []string{"RESTORE", "t11", "x", p}, []string{"RESTORE", "t11", "1.5", p},
		[]string{"RESTORE", "t1", "-1", p}, []string{"RESTORE", "t1", "x", "garbage"}, []string{"RESTORE", "t1", "-1", p, "FOO"},
		[]string{"RESTORE", "t1", "0", "garbage", "REPLACE"}, []string{"RESTORE", "t11", "-1", "garbage"},
		[]string{"RESTORE", "t11"}, []string{"RESTORE", "t11", "0"}, []string{"EXISTS", "t11"})

	// Damaged payloads: trailer errors, then body errors behind a right
	// trailer.
	body := []byte(p[1 : len(p)-10])
	add([]string{"RESTORE", "d1", "0", ""}, []string{"RESTORE", "d1", "0", "\x00"},
		[]string{"RESTORE", "d1", "0", p[:len(p)-1] + "\x00"}, []string{"RESTORE", "d1", "0", p[:len(p)-1]},
		[]string{"RESTORE", "d1", "0", "x" + p[1:]},
		[]string{"RESTORE", "d1", "0", withTrailer(rdb.TypeString, body, 11)},
		[]string{"RESTORE", "d1", "0", withTrailer(rdb.TypeString, body, 9)}, []string{"GET", "d1"},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeString, []byte{0x32, 'a'}, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(200, body, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeModule2, body, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeListQuicklist2, []byte{0}, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeSet, []byte{0}, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeSet, []byte{2, 1, 'a', 1, 'a'}, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeZSet2, []byte{1, 1, 'a', 0, 0, 0, 0, 0, 0, 0xf8, 0x7f}, 10)},
		[]string{"RESTORE", "d2", "0", withTrailer(rdb.TypeSetIntset, []byte{12, 4, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0}, 10)},
		[]string{"EXISTS", "d1", "d2"})

	// Wrong types do not matter to RESTORE REPLACE; DUMP of every type.
	add([]string{"SET", "w", "x"}, []string{"RESTORE", "w", "0", redisPayloads["z"], "REPLACE"}, []string{"TYPE", "w"},
		[]string{"RESTORE", "w", "0", redisPayloads["l"]}, []string{"SELECT", "1"}, []string{"RESTORE", "w", "0", redisPayloads["l"]},
		[]string{"LRANGE", "w", "0", "-1"}, []string{"DUMP", "w"}, []string{"SELECT", "0"})
	return cs
}

// seq returns 0, 1, …, n-1.
func seq(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

// listNodeChurn returns a seeded random sequence of every list command
// that moves quicklist nodes (pushes, pops, LINSERT, LSET, LREM, LTRIM,
// LMOVE) on key, with elements of many sizes, and a DUMP every few
// commands: each compares the nodes embedis follows with redis-server's.
func listNodeChurn(seed uint64, key string) [][]string {
	r := rand.New(rand.NewPCG(seed, 7))
	elem := func() string {
		switch r.IntN(5) {
		case 0:
			return strconv.Itoa(r.IntN(200000) - 100000)
		case 1:
			return strings.Repeat("x", r.IntN(2500))
		default:
			return "e" + strconv.Itoa(r.IntN(40))
		}
	}
	var cs [][]string
	for i := 0; i < 3000; i++ {
		switch op := r.IntN(20); {
		case op < 5:
			cs = append(cs, []string{"LPUSH", key, elem(), elem()})
		case op < 10:
			cs = append(cs, []string{"RPUSH", key, elem(), elem()})
		case op == 10:
			cs = append(cs, []string{"LPOP", key})
		case op == 11:
			cs = append(cs, []string{"RPOP", key, "2"})
		case op < 15:
			where := []string{"BEFORE", "AFTER"}[r.IntN(2)]
			cs = append(cs, []string{"LINSERT", key, where, "e" + strconv.Itoa(r.IntN(40)), elem()})
		case op == 15:
			cs = append(cs, []string{"LSET", key, strconv.Itoa(r.IntN(50) - 25), elem()})
		case op == 16:
			cs = append(cs, []string{"LREM", key, strconv.Itoa(r.IntN(5) - 2), "e" + strconv.Itoa(r.IntN(40))})
		case op == 17 && r.IntN(10) == 0:
			cs = append(cs, []string{"LTRIM", key, strconv.Itoa(r.IntN(5)), strconv.Itoa(-1 - r.IntN(5))})
		default:
			cs = append(cs, []string{"LMOVE", key, key, []string{"LEFT", "RIGHT"}[r.IntN(2)], []string{"LEFT", "RIGHT"}[r.IntN(2)]})
		}
		if i%25 == 24 {
			cs = append(cs, []string{"DUMP", key})
		}
	}
	return append(cs, []string{"DUMP", key}, []string{"LLEN", key})
}
