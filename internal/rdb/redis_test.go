package rdb

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// These tests hold the Encoder to redis-server 7.0's DUMP output, byte for
// byte where Redis is deterministic, and the decoder to what redis-server
// reads back from a payload.

type redisConn struct {
	t *testing.T
	c *redistest.Client
}

// startRedis starts a redis-server with rdbcompression yes (its default)
// or no, so that every encoding is checked both with and without LZF.
func startRedis(t *testing.T, compress bool) redisConn {
	arg := "no"
	if compress {
		arg = "yes"
	}
	s := redistest.StartArgs(t, "--rdbcompression", arg)
	return redisConn{t, s.Dial(t)}
}

// bothCompressions runs f with compression on and off.
func bothCompressions(t *testing.T, f func(t *testing.T, r redisConn, e *Encoder)) {
	for _, c := range []bool{false, true} {
		t.Run(fmt.Sprintf("compress=%v", c), func(t *testing.T) {
			f(t, startRedis(t, c), &Encoder{Compress: c})
		})
	}
}

func (r redisConn) do(args ...string) any {
	r.t.Helper()
	return r.c.MustDo(r.t, args...)
}

func (r redisConn) dump(key string) []byte {
	r.t.Helper()
	v := r.do("DUMP", key)
	s, ok := v.(string)
	if !ok {
		r.t.Fatalf("DUMP %s = %#v", key, v)
	}
	return []byte(s)
}

func strs(v any) []string {
	a, _ := v.([]any)
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = fmt.Sprint(x)
	}
	return out
}

// checkSame compares our payload with Redis's and, on a difference, shows
// both.
func checkSame(t *testing.T, name string, ours, redis []byte) {
	t.Helper()
	if string(ours) != string(redis) {
		t.Errorf("%s: payload differs from redis-server's\n ours  %q\n redis %q", name, trim(ours), trim(redis))
	}
}

func trim(b []byte) []byte {
	if len(b) > 300 {
		return append(b[:150:150], append([]byte("…"), b[len(b)-150:]...)...)
	}
	return b
}

func testStrings() []string {
	r := rand.New(rand.NewSource(7))
	random := func(n int) string {
		b := make([]byte, n)
		r.Read(b)
		return string(b)
	}
	out := []string{"", "a", "0", "-1", "1", "127", "128", "-128", "-129", "255", "256", "32767", "32768",
		"-32768", "-32769", "2147483647", "2147483648", "-2147483648", "-2147483649", "12345678901",
		"-1234567890", "-12345678901", "01", "-0", "+1", " 1", "1 ", "1.5", "12345678901234567890",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808",
		strings.Repeat("a", 20), strings.Repeat("a", 21), strings.Repeat("ab", 12), random(21), random(25),
		strings.Repeat("hello world ", 1000), random(10000), strings.Repeat("x", 70000)}
	for _, n := range []int{63, 64, 65, 16383, 16384, 16385} {
		out = append(out, random(n))
	}
	return out
}

func TestRedisStrings(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		for i, s := range testStrings() {
			key := "s" + strconv.Itoa(i)
			r.do("SET", key, s)
			ours := AppendPayloadTrailer(e.AppendString([]byte{TypeString}, s))
			checkSame(t, fmt.Sprintf("string %q", trim([]byte(s))), ours, r.dump(key))
			v, err := DecodePayload(r.dump(key))
			if err != nil || v.Kind != KindString || v.Str != s {
				t.Errorf("decode string %q: %v %v", trim([]byte(s)), v.Kind, err)
			}
		}
	})
}

// listpackStrings exercises every listpack entry encoding.
func listpackStrings() []string {
	out := []string{"", "a", "0", "1", "127", "128", "-1", "4095", "4096", "-4096", "-4097", "32767", "32768",
		"-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648",
		"-2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"-0", "01", "+5", "1.5", strings.Repeat("v", 63), strings.Repeat("w", 64)}
	return out
}

func TestRedisHashListpack(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		vals := listpackStrings()
		var pairs []string
		for i, v := range vals {
			pairs = append(pairs, "f"+strconv.Itoa(i), v)
			pairs = append(pairs, v, "x"+strconv.Itoa(i))
		}
		// Several hashes: one of each size, so both compressed and plain blobs show.
		for n := 1; n <= len(pairs)/2; n += 7 {
			key := "h" + strconv.Itoa(n)
			args := append([]string{"HSET", key}, pairs[:2*n]...)
			r.do(args...)
			ours := AppendPayloadTrailer(e.AppendHashListpack([]byte{TypeHashListpack}, pairs[:2*n]))
			red := r.dump(key)
			checkSame(t, key, ours, red)
			v, err := DecodePayload(red)
			if err != nil || !reflect.DeepEqual(v.Hash, pairs[:2*n]) {
				t.Errorf("decode %s: %v %q", key, err, v.Hash)
			}
		}
	})
}

func sortZ(ms []ZMember) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Score != ms[j].Score {
			return ms[i].Score < ms[j].Score
		}
		return ms[i].Member < ms[j].Member
	})
}

func zaddArgs(key string, ms []ZMember) []string {
	args := []string{"ZADD", key}
	for _, m := range ms {
		args = append(args, strconv.FormatFloat(m.Score, 'g', -1, 64), m.Member)
	}
	return args
}

func testScores(r *rand.Rand) []float64 {
	out := []float64{0, 1, -1, 0.1, 0.5, 1.5, -2.25, 1e300, -1e300, math.Inf(1), math.Inf(-1), 1 << 53, 1<<53 + 2,
		-(1 << 53), 1 << 52, 1<<52 - 1, -(1<<52 - 1), -(1 << 52), 4503599627370495.5, 1e16, 1e17, 1e21, 1e-5,
		2.5e-7, 5e-324, math.MaxFloat64, -math.MaxFloat64, 127, 128, 4096, 32768, 8388608, 2147483648,
		123456789012345678, 1.0000000000000002, 3.141592653589793,
		// Around ±2^62, where Redis stops printing integral scores as integers.
		1 << 62, -(1 << 62), math.Nextafter(1<<62, math.Inf(1)), math.Nextafter(-(1 << 62), math.Inf(-1)),
		math.Nextafter(1<<62, 0), 1 << 63, -(1 << 63), 1 << 64}
	for i := 0; i < 300; i++ {
		switch i % 3 {
		case 0:
			f := math.Float64frombits(r.Uint64())
			if math.IsNaN(f) {
				f = 0.25
			}
			out = append(out, f)
		case 1:
			out = append(out, float64(r.Intn(100000))/float64(r.Intn(1000)+1))
		default:
			out = append(out, r.NormFloat64()*math.Pow(10, float64(r.Intn(40)-20)))
		}
	}
	return out
}

func TestRedisZSetListpack(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		scores := testScores(rand.New(rand.NewSource(3)))
		for start := 0; start < len(scores); start += 100 {
			var ms []ZMember
			for i, f := range scores[start:min(start+100, len(scores))] {
				ms = append(ms, ZMember{Member: "m" + strconv.Itoa(i), Score: f})
			}
			key := "z" + strconv.Itoa(start)
			r.do(zaddArgs(key, ms)...)
			sortZ(ms)
			red := r.dump(key)
			if red[0] != TypeZSetListpack {
				t.Fatalf("%s: type %d", key, red[0])
			}
			checkSame(t, key, AppendPayloadTrailer(e.AppendZSetListpack([]byte{TypeZSetListpack}, ms)), red)
			v, err := DecodePayload(red)
			if err != nil || !reflect.DeepEqual(v.ZSet, ms) {
				t.Errorf("decode %s: %v\n got %v\nwant %v", key, err, v.ZSet, ms)
			}
		}
		// Negative zero: Redis writes it as 0 (seen through a ZSET_2
		// payload, which Redis turns into a listpack on RESTORE).
		negZero := []ZMember{{"a", math.Copysign(0, -1)}}
		r.do("RESTORE", "negzero", "0", string(AppendPayloadTrailer(e.AppendZSet2([]byte{TypeZSet2}, negZero))))
		checkSame(t, "-0", AppendPayloadTrailer(e.AppendZSetListpack([]byte{TypeZSetListpack}, negZero)), r.dump("negzero"))
		// Each score alone, so a difference names it.
		for i, f := range scores[:50] {
			ms := []ZMember{{"m", f}}
			key := "one" + strconv.Itoa(i)
			r.do(zaddArgs(key, ms)...)
			checkSame(t, fmt.Sprintf("score %v", f), AppendPayloadTrailer(e.AppendZSetListpack([]byte{TypeZSetListpack}, ms)), r.dump(key))
		}
	})
}

func TestRedisZSet2(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		rng := rand.New(rand.NewSource(5))
		scores := testScores(rng)
		var ms []ZMember
		for i, f := range scores[:200] {
			ms = append(ms, ZMember{Member: fmt.Sprintf("member-%d-%d", i, rng.Intn(1000)), Score: f})
		}
		r.do(zaddArgs("big", ms)...)
		sortZ(ms)
		red := r.dump("big")
		if red[0] != TypeZSet2 {
			t.Fatalf("type %d", red[0])
		}
		checkSame(t, "zset2", AppendPayloadTrailer(e.AppendZSet2([]byte{TypeZSet2}, ms)), red)
		v, err := DecodePayload(red)
		if err != nil {
			t.Fatal(err)
		}
		got := append([]ZMember(nil), v.ZSet...)
		sortZ(got)
		if !reflect.DeepEqual(got, ms) {
			t.Errorf("decode zset2 differs")
		}
		// A long member forces ZSET_2 with few members.
		long := []ZMember{{"a", 1}, {strings.Repeat("m", 100), 2}}
		r.do(zaddArgs("long", long)...)
		checkSame(t, "zset2 long", AppendPayloadTrailer(e.AppendZSet2([]byte{TypeZSet2}, long)), r.dump("long"))
	})
}

func TestRedisIntsets(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		cases := map[string][]int64{
			"i16":  {-32768, -5, 0, 1, 2, 3, 32767},
			"i32":  {-2147483648, -1, 5, 2147483647},
			"i64":  {math.MinInt64, -1, 0, math.MaxInt64},
			"many": nil,
		}
		for i := int64(0); i < 500; i++ {
			cases["many"] = append(cases["many"], i*3)
		}
		for key, ints := range cases {
			args := []string{"SADD", key}
			for _, v := range ints {
				args = append(args, strconv.FormatInt(v, 10))
			}
			r.do(args...)
			red := r.dump(key)
			checkSame(t, key, AppendPayloadTrailer(e.AppendIntset([]byte{TypeSetIntset}, ints, 0)), red)
			v, err := DecodePayload(red)
			if err != nil || !reflect.DeepEqual(v.SetInts, ints) {
				t.Errorf("decode %s: %v", key, err)
			}
		}
		// An intset keeps its width after its wide members are removed,
		// and the decoder reports it.
		r.do("SADD", "shrunk", "1", "2", "100000")
		r.do("SREM", "shrunk", "100000")
		checkSame(t, "shrunk", AppendPayloadTrailer(e.AppendIntset([]byte{TypeSetIntset}, []int64{1, 2}, 4)), r.dump("shrunk"))
		if v, err := DecodePayload(r.dump("shrunk")); err != nil || v.IntsetWidth != 4 {
			t.Errorf("shrunk: width %d, %v", v.IntsetWidth, err)
		}
	})
}

func TestRedisLists(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		rng := rand.New(rand.NewSource(11))
		lists := map[string][]string{
			"small":   listpackStrings(),
			"strings": {strings.Repeat("s", 4095), strings.Repeat("t", 4096), strings.Repeat("u", 5000)},
		}
		for _, maxLen := range []int{10, 100, 1000, 3000, 9000} {
			var items []string
			for i := 0; i < 300; i++ {
				n := rng.Intn(maxLen + 1)
				b := make([]byte, n)
				for j := range b {
					b[j] = byte('a' + rng.Intn(3))
				}
				if rng.Intn(5) == 0 {
					items = append(items, strconv.Itoa(rng.Intn(1<<30)-1<<29))
				} else {
					items = append(items, string(b))
				}
			}
			lists["random"+strconv.Itoa(maxLen)] = items
		}
		var ints []string
		for i := 0; i < 5000; i++ {
			ints = append(ints, strconv.Itoa(i))
		}
		lists["ints"] = ints
		for key, items := range lists {
			for i := 0; i < len(items); i += 50 {
				r.do(append([]string{"RPUSH", key}, items[i:min(i+50, len(items))]...)...)
			}
			red := r.dump(key)
			checkSame(t, key, AppendPayloadTrailer(e.AppendList([]byte{TypeListQuicklist2}, items)), red)
			v, err := DecodePayload(red)
			if err != nil || !reflect.DeepEqual(v.List, items) {
				t.Errorf("decode %s: %v", key, err)
			}
		}
	})
}

// TestRedisHashTableEncodings compares TypeSet and TypeHash by value: Redis
// writes them in its hash table's order.
func TestRedisHashTableEncodings(t *testing.T) {
	bothCompressions(t, func(t *testing.T, r redisConn, e *Encoder) {
		var members, pairs []string
		for i := 0; i < 600; i++ { // past hash-max-listpack-entries 512
			members = append(members, fmt.Sprintf("member:%d", i))
			pairs = append(pairs, fmt.Sprintf("field:%d", i), strconv.Itoa(i*7))
		}
		r.do(append([]string{"SADD", "set"}, members...)...)
		r.do(append([]string{"HSET", "hash"}, pairs...)...)
		sv, err := DecodePayload(r.dump("set"))
		if err != nil || sv.Type != TypeSet {
			t.Fatalf("set: %v %d", err, sv.Type)
		}
		got := append([]string(nil), sv.Set...)
		sort.Strings(got)
		want := append([]string(nil), members...)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("set members differ")
		}
		// Our encoding of Redis's order is Redis's bytes.
		checkSame(t, "set in Redis's order", AppendPayloadTrailer(e.AppendSet([]byte{TypeSet}, sv.Set)), r.dump("set"))
		hv, err := DecodePayload(r.dump("hash"))
		if err != nil || hv.Type != TypeHash {
			t.Fatalf("hash: %v %d", err, hv.Type)
		}
		m := map[string]string{}
		for i := 0; i < len(hv.Hash); i += 2 {
			m[hv.Hash[i]] = hv.Hash[i+1]
		}
		for i := 0; i < len(pairs); i += 2 {
			if m[pairs[i]] != pairs[i+1] {
				t.Fatalf("hash field %s = %q", pairs[i], m[pairs[i]])
			}
		}
		checkSame(t, "hash in Redis's order", AppendPayloadTrailer(e.AppendHash([]byte{TypeHash}, hv.Hash)), r.dump("hash"))
		// A payload of ours RESTOREs.
		r.do("RESTORE", "set2", "0", string(AppendPayloadTrailer(e.AppendSet([]byte{TypeSet}, members))))
		if n := r.do("SCARD", "set2"); n != int64(len(members)) {
			t.Errorf("SCARD after RESTORE = %v", n)
		}
		r.do("RESTORE", "hash2", "0", string(AppendPayloadTrailer(e.AppendHash([]byte{TypeHash}, pairs))))
		if n := r.do("HLEN", "hash2"); n != int64(len(pairs)/2) {
			t.Errorf("HLEN after RESTORE = %v", n)
		}
	})
}

// TestRedisCompressedListNodes: with list-compress-depth, Redis keeps
// interior quicklist nodes LZF-compressed and writes them as they are; the
// decoder reads them like any LZF string.
func TestRedisCompressedListNodes(t *testing.T) {
	s := redistest.StartArgs(t, "--list-compress-depth", "1", "--rdbcompression", "no")
	r := redisConn{t, s.Dial(t)}
	var items []string
	for i := 0; i < 3000; i++ {
		items = append(items, fmt.Sprintf("item number %d of a long list", i))
	}
	for i := 0; i < len(items); i += 100 {
		r.do(append([]string{"RPUSH", "l"}, items[i:i+100]...)...)
	}
	p := r.dump("l")
	plain := AppendPayloadTrailer((&Encoder{}).AppendList([]byte{TypeListQuicklist2}, items))
	if len(p) >= len(plain) {
		t.Fatalf("no compressed node in the payload: %d bytes, %d uncompressed", len(p), len(plain))
	}
	v, err := DecodePayload(p)
	if err != nil || !reflect.DeepEqual(v.List, items) {
		t.Fatalf("decode: %v (%d items)", err, len(v.List))
	}
}
