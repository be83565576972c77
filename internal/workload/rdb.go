package workload

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Datasets for the RDB and DUMP/RESTORE round trips against redis-server
// (rdb_redis_test.go): command sequences, SELECTs included, that build the
// same data in both. The fixed dataset holds every type in each of the
// encodings Redis 7.0 keeps it in, on both sides of each size limit (the
// limits are Redis 7.0's defaults, named below), so that a snapshot file
// and a DUMP payload carry every encoding the format has; the random one
// mixes the same shapes from a seed.

// Redis 7.0's default limits between the small and the large encodings.
const (
	setMaxIntsetEntries   = 512  // set-max-intset-entries
	hashMaxListpackFields = 512  // hash-max-listpack-entries
	hashMaxListpackValue  = 64   // hash-max-listpack-value
	zsetMaxListpackLen    = 128  // zset-max-listpack-entries
	zsetMaxListpackValue  = 64   // zset-max-listpack-value
	listpackNodeBytes     = 8192 // list-max-listpack-size -2
)

// RDBDatabases are the databases the RDB datasets fill: the first, one in
// the middle and the last of Redis's default 16.
var RDBDatabases = []int{0, 5, 15}

// RDBFarExpiry is the absolute expiry (Unix ms) the datasets give keys
// that must outlive any test: 2100-01-01 plus 123 ms, so that a loader
// that drops the milliseconds is caught.
const RDBFarExpiry int64 = 4102444800123

// RDBDataset returns the fixed dataset: in each of RDBDatabases, every type
// in every encoding (see rdbShapes), some keys with RDBFarExpiry as a
// millisecond (PEXPIREAT) or second (EXPIREAT) deadline. Keys carry their
// database's number, so a key loaded into the wrong database is seen.
func RDBDataset() [][]string {
	var cmds [][]string
	for _, db := range RDBDatabases {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(db)})
		p := "db" + strconv.Itoa(db) + ":"
		for i, s := range rdbShapes() {
			k := p + s.name
			cmds = append(cmds, s.build(k)...)
			switch i % 4 { // a deadline on every other shape, both spellings
			case 1:
				cmds = append(cmds, []string{"PEXPIREAT", k, strconv.FormatInt(RDBFarExpiry, 10)})
			case 3:
				cmds = append(cmds, []string{"EXPIREAT", k, strconv.FormatInt(RDBFarExpiry/1000+int64(db), 10)})
			}
		}
	}
	return cmds
}

// RDBSmallDataset returns a dataset whose snapshot file is a few hundred
// bytes and still holds every small encoding, a large-encoding set, hash
// and sorted set, a deadline and two databases: the file the
// damaged-file tests cut and flip bit by bit.
func RDBSmallDataset() [][]string {
	return [][]string{
		{"SET", "int", "12345"}, {"SET", "str", "hello"},
		{"SET", "lzf", strings.Repeat("abc", 20)},
		{"RPUSH", "list", "a", "1", "-300", "70000"},
		{"SADD", "intset", "1", "-2", "300"},
		{"SADD", "set", "a", "b", "c"},
		{"HSET", "hash", "f", "v", "n", "7"},
		{"HSET", "bighash", "f", strings.Repeat("v", hashMaxListpackValue+1)},
		{"ZADD", "zset", "1.5", "a", "-inf", "b", "3", "c"},
		{"ZADD", "bigzset", "2.5", strings.Repeat("m", zsetMaxListpackValue+1), "-0", "z"},
		{"PEXPIREAT", "str", strconv.FormatInt(RDBFarExpiry, 10)},
		{"SELECT", "5"}, {"SET", "other", "db"},
		{"SELECT", "0"},
	}
}

// RDBExpiring returns commands that create, in each of RDBDatabases, keys
// of every type that expire at deadlineMs: a test makes them, snapshots
// before the deadline and loads after it, and the loaders must drop them
// (as Redis drops keys already expired when it loads a file). The keys are
// named "expiring:…", apart from the dataset's. The connection is left on
// database 0.
func RDBExpiring(deadlineMs int64) [][]string {
	at := strconv.FormatInt(deadlineMs, 10)
	var cmds [][]string
	for _, db := range RDBDatabases {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(db)},
			[]string{"SET", "expiring:str", "v", "PXAT", at},
			[]string{"RPUSH", "expiring:list", "a", "b"}, []string{"PEXPIREAT", "expiring:list", at},
			[]string{"SADD", "expiring:set", "1", "2"}, []string{"PEXPIREAT", "expiring:set", at},
			[]string{"HSET", "expiring:hash", "f", "v"}, []string{"PEXPIREAT", "expiring:hash", at},
			[]string{"ZADD", "expiring:zset", "1", "m"}, []string{"PEXPIREAT", "expiring:zset", at})
	}
	return append(cmds, []string{"SELECT", "0"})
}

// rdbShape is one key of the fixed dataset: a name saying what it is and
// the commands that build it.
type rdbShape struct {
	name  string
	build func(key string) [][]string
}

func one(args ...string) func(string) [][]string {
	return func(k string) [][]string { return [][]string{append([]string{args[0], k}, args[1:]...)} }
}

// pushAll returns one command per batch of at most 100 items: cmd key items….
func pushAll(cmd, key string, items []string) [][]string {
	var cmds [][]string
	for len(items) > 0 {
		n := min(len(items), 100)
		cmds = append(cmds, append([]string{cmd, key}, items[:n]...))
		items = items[n:]
	}
	return cmds
}

// numbered returns n strings prefix0, prefix1, ….
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// ints returns n integers from start by step, as decimal strings.
func ints(start, step int64, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.FormatInt(start+int64(i)*step, 10)
	}
	return out
}

// pairs interleaves fields and values: f0 v0 f1 v1 ….
func pairs(fields, values []string) []string {
	out := make([]string, 0, 2*len(fields))
	for i := range fields {
		out = append(out, fields[i], values[i%len(values)])
	}
	return out
}

// scored returns score member pairs for ZADD: member prefix+i with score i*step.
func scored(prefix string, n int, step float64) []string {
	out := make([]string, 0, 2*n)
	for i := 0; i < n; i++ {
		out = append(out, strconv.FormatFloat(float64(i)*step, 'g', -1, 64), prefix+strconv.Itoa(i))
	}
	return out
}

// binaryBytes is every byte value once, CR, LF and NUL included.
func binaryBytes() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

// incompressible returns n bytes LZF cannot shorten (a fixed pseudo-random
// sequence).
func incompressible(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

// listInts are integers of every width a listpack stores an integer in
// (7-bit, 13-bit, 16, 24, 32 and 64-bit), their edges, and near-integers
// that stay strings.
var listInts = []string{
	"0", "127", "-1", "128", "4095", "-4096", "4096", "32767", "-32768", "32768",
	"8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648",
	"9223372036854775807", "-9223372036854775808", "9223372036854775808",
	"007", "+1", " 1", "1.5", "-0", "",
}

// rdbShapes lists the fixed dataset's keys.
func rdbShapes() []rdbShape {
	long := strings.Repeat("x", listpackNodeBytes+100)
	return []rdbShape{
		// Strings: int, embstr, raw; the 20/21-byte edge where int encoding
		// ends and LZF compression starts; long compressible and
		// incompressible; binary; empty.
		{"str:int", one("SET", "12345")},
		{"str:int:small", one("SET", "7")},
		{"str:int:neg", one("SET", "-1")},
		{"str:int:min", one("SET", "-9223372036854775808")},
		{"str:int:max", one("SET", "9223372036854775807")},
		{"str:int:32", one("SET", "2147483648")},
		{"str:notint:lead0", one("SET", "0123")},
		{"str:notint:plus", one("SET", "+5")},
		{"str:notint:big", one("SET", "99999999999999999999")}, // 20 digits, past int64
		{"str:embstr", one("SET", "hello world")},
		{"str:embstr:44", one("SET", strings.Repeat("e", 44))},
		{"str:raw:45", one("SET", strings.Repeat("r", 45))},
		{"str:raw:append", func(k string) [][]string { return [][]string{{"SET", k, "ab"}, {"APPEND", k, "cd"}} }},
		{"str:incr", func(k string) [][]string { return [][]string{{"SET", k, "41"}, {"INCR", k}} }},
		{"str:float", func(k string) [][]string { return [][]string{{"SET", k, "1.5"}, {"INCRBYFLOAT", k, "0.25"}} }},
		{"str:20", one("SET", strings.Repeat("a", 20))},
		{"str:21", one("SET", strings.Repeat("a", 21))},
		{"str:long:compressible", one("SET", strings.Repeat("0123456789abcdef", 8192))},
		{"str:long:incompressible", one("SET", incompressible(10000, 1))},
		{"str:binary", one("SET", binaryBytes())},
		{"str:empty", one("SET", "")},

		// Lists: one listpack node (strings and integers of every width);
		// many nodes past 8 KB, pushed at the tail and at the head; an
		// element over 8 KB between small ones; a list of only integers.
		{"list:small", func(k string) [][]string { return pushAll("RPUSH", k, append([]string{"a", "b"}, listInts...)) }},
		{"list:lpush", func(k string) [][]string { return pushAll("LPUSH", k, numbered("e", 50)) }},
		// Built from the head: Redis fills the head node, so the nodes are
		// cut elsewhere than in a list built from the tail.
		{"list:lpush:nodes", func(k string) [][]string { return pushAll("LPUSH", k, numbered("element-pushed-at-the-head:", 3000)) }},
		{"list:nodes", func(k string) [][]string { return pushAll("RPUSH", k, numbered("element-of-a-long-list:", 3000)) }},
		{"list:ints:nodes", func(k string) [][]string { return pushAll("RPUSH", k, ints(-100000, 977, 4000)) }},
		{"list:huge:element", func(k string) [][]string {
			return [][]string{{"RPUSH", k, "first", long, "middle", long + "y", "last"}}
		}},
		{"list:binary", one("RPUSH", binaryBytes(), "", "\x00", "\r\n")},

		// Sets: intsets of 16-, 32- and 64-bit integers; exactly at and
		// just past the intset limit; strings; integers and a string;
		// a set shrunk back below the limit (a hashtable in memory, an
		// intset once loaded).
		{"set:intset16", one("SADD", "1", "-2", "32767", "-32768", "300")},
		{"set:intset32", one("SADD", "1", "32768", "-2147483648", "2147483647")},
		{"set:intset64", one("SADD", "1", "2147483648", "-9223372036854775808", "9223372036854775807")},
		{"set:intset:512", func(k string) [][]string { return pushAll("SADD", k, ints(-256, 3, setMaxIntsetEntries)) }},
		{"set:intset:513", func(k string) [][]string { return pushAll("SADD", k, ints(-256, 3, setMaxIntsetEntries+1)) }},
		{"set:ints:many", func(k string) [][]string { return pushAll("SADD", k, ints(-1e12, 1e9+7, 2000)) }},
		{"set:strings", one("SADD", "apple", "banana", "cherry", "", binaryBytes())},
		{"set:strings:many", func(k string) [][]string { return pushAll("SADD", k, numbered("member:", 1000)) }},
		{"set:mixed", one("SADD", "1", "2", "x")},
		{"set:notint", one("SADD", "007", "1.0", "+1")},
		{"set:shrunk", func(k string) [][]string {
			return append(pushAll("SADD", k, ints(0, 1, setMaxIntsetEntries+10)), pushAll("SREM", k, ints(5, 1, setMaxIntsetEntries+5))...)
		}},

		// Hashes: listpack (integers and strings); exactly at the field
		// limit and past it; many fields; a value and a field just at and
		// just over 64 bytes.
		{"hash:small", one("HSET", "name", "embedis", "n", "42", "neg", "-7", "big", "9223372036854775807", "empty", "", "bin", "\x00\r\n")},
		{"hash:512", func(k string) [][]string {
			return pushAll("HSET", k, pairs(numbered("f", hashMaxListpackFields), []string{"v", "1", "-300"}))
		}},
		{"hash:513", func(k string) [][]string {
			return pushAll("HSET", k, pairs(numbered("f", hashMaxListpackFields+1), []string{"v", "1", "-300"}))
		}},
		{"hash:many", func(k string) [][]string {
			return pushAll("HSET", k, pairs(numbered("field:", 1000), numbered("value:", 7)))
		}},
		{"hash:value:64", one("HSET", "f", strings.Repeat("v", hashMaxListpackValue), "g", "1")},
		{"hash:value:65", one("HSET", "f", strings.Repeat("v", hashMaxListpackValue+1), "g", "1")},
		{"hash:field:65", one("HSET", strings.Repeat("f", hashMaxListpackValue+1), "v")},
		{"hash:incr", func(k string) [][]string {
			return [][]string{{"HSET", k, "a", "1"}, {"HINCRBY", k, "a", "41"}, {"HINCRBYFLOAT", k, "b", "2.5"}}
		}},

		// Sorted sets: listpack with awkward scores (inf, -inf, -0,
		// 1e-300, integers, fractions); exactly at the member limit and
		// past it; a member at and over 64 bytes; a large set with the
		// same awkward scores; one shrunk back below the limits.
		{"zset:small", one("ZADD", "inf", "pinf", "-inf", "ninf", "-0", "negzero", "0", "zero", "1e-300", "tiny",
			"3", "three", "-42", "neg", "0.1", "tenth", "1.7976931348623157e308", "max", "4.9e-324", "denorm",
			"123456789012345678", "bigint", "5", "")},
		{"zset:128", func(k string) [][]string { return pushAll("ZADD", k, scored("m", zsetMaxListpackLen, 0.5)) }},
		{"zset:129", func(k string) [][]string { return pushAll("ZADD", k, scored("m", zsetMaxListpackLen+1, 0.5)) }},
		{"zset:member:64", one("ZADD", "1", strings.Repeat("m", zsetMaxListpackValue))},
		{"zset:member:65", one("ZADD", "1", strings.Repeat("m", zsetMaxListpackValue+1), "2", "short")},
		{"zset:many", func(k string) [][]string {
			cmds := pushAll("ZADD", k, scored("member:", 1000, -1.25))
			return append(cmds, []string{"ZADD", k, "inf", "pinf", "-inf", "ninf", "-0", "negzero", "1e-300", "tiny",
				strconv.FormatFloat(math.Pi, 'g', -1, 64), "pi", "1e15", "e15"})
		}},
		{"zset:ties", func(k string) [][]string {
			return pushAll("ZADD", k, pairs([]string{"1", "1", "1", "1"}, []string{"d", "b", "c", "a"}))
		}},
		{"zset:shrunk", func(k string) [][]string {
			cmds := pushAll("ZADD", k, scored("m", zsetMaxListpackLen+20, 1))
			return append(cmds, pushAll("ZREM", k, numbered("m", zsetMaxListpackLen+10))...)
		}},
		{"zset:incr", func(k string) [][]string { return [][]string{{"ZINCRBY", k, "0.1", "a"}, {"ZINCRBY", k, "0.2", "a"}} }},
	}
}

// RDBRandomDataset returns commands building keys "rnd:N" (a list pushed
// at the head is "rnd:N:lpush") in RDBDatabases, of random types and sizes
// from seed: sizes are drawn around each encoding limit and far past it,
// elements are integers (of every width), short and long strings and
// binary, a third of the keys get a deadline (RDBFarExpiry plus a random
// offset). The connection is left on database 0.
func RDBRandomDataset(seed uint64, keys int) [][]string {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	elem := func() string {
		switch r.IntN(8) {
		case 0:
			return strconv.FormatInt(r.Int64N(1<<16)-1<<15, 10)
		case 1:
			return strconv.FormatInt(int64(r.Uint64()), 10)
		case 2:
			return strconv.FormatInt(r.Int64N(1<<32)-1<<31, 10)
		case 3:
			return strings.Repeat(string(rune('a'+r.IntN(26))), r.IntN(100))
		case 4:
			return incompressible(r.IntN(70), r.Uint64())
		default:
			return "e" + strconv.Itoa(r.IntN(100000))
		}
	}
	size := func(limit int) int {
		switch r.IntN(4) {
		case 0:
			return 1 + r.IntN(8)
		case 1:
			return max(1, limit-2+r.IntN(5)) // around the limit
		case 2:
			return limit * (2 + r.IntN(4))
		}
		return 1 + r.IntN(limit)
	}
	var cmds [][]string
	for i := 0; i < keys; i++ {
		db := RDBDatabases[r.IntN(len(RDBDatabases))]
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(db)})
		k := "rnd:" + strconv.Itoa(i)
		switch r.IntN(5) {
		case 0:
			v := elem()
			if r.IntN(8) == 0 {
				v = strings.Repeat(elem()+"-", 1+r.IntN(500))
			}
			cmds = append(cmds, []string{"SET", k, v})
		case 1:
			items := make([]string, size(300))
			for j := range items {
				items[j] = elem()
			}
			if r.IntN(10) == 0 {
				items = append(items, strings.Repeat("L", listpackNodeBytes+r.IntN(100)))
			}
			push := "RPUSH"
			if r.IntN(2) == 0 {
				push, k = "LPUSH", k+":lpush" // the name says how the list was built
			}
			cmds = append(cmds, pushAll(push, k, items)...)
		case 2:
			ints := r.IntN(3) > 0
			items := make([]string, size(setMaxIntsetEntries))
			for j := range items {
				if ints {
					items[j] = strconv.FormatInt(r.Int64N(1<<40)-1<<39, 10)
				} else {
					items[j] = elem()
				}
			}
			cmds = append(cmds, pushAll("SADD", k, items)...)
		case 3:
			n := size(hashMaxListpackFields)
			kv := make([]string, 0, 2*n)
			for j := 0; j < n; j++ {
				kv = append(kv, "f"+elem(), elem())
			}
			cmds = append(cmds, pushAll("HSET", k, kv)...)
		case 4:
			n := size(zsetMaxListpackLen)
			sm := make([]string, 0, 2*n)
			for j := 0; j < n; j++ {
				var score string
				switch r.IntN(6) {
				case 0:
					score = strconv.Itoa(r.IntN(2000) - 1000)
				case 1:
					score = []string{"inf", "-inf", "-0", "1e-300", "0"}[r.IntN(5)]
				default:
					score = strconv.FormatFloat(r.NormFloat64()*1e6, 'g', -1, 64)
				}
				sm = append(sm, score, elem())
			}
			cmds = append(cmds, pushAll("ZADD", k, sm)...)
		}
		if r.IntN(3) == 0 {
			cmds = append(cmds, []string{"PEXPIREAT", k, strconv.FormatInt(RDBFarExpiry+r.Int64N(1e9), 10)})
		}
	}
	return append(cmds, []string{"SELECT", "0"})
}
