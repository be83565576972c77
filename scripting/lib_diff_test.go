package scripting_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// TestLibsDiff runs the cases of the cjson, cmsgpack, bit and struct
// libraries (internal/workload's ScriptLibCases) on redis-server and on a
// Store and reports every reply that differs (the differential suites of
// the root and server packages run them too, stopping at the first).
func TestLibsDiff(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	c.Do(t, "FLUSHALL")
	c.Do(t, "SCRIPT", "FLUSH")
	s := open(t, embedis.Options{})
	cases := workload.ScriptLibCases()
	for _, args := range cases {
		want := showReply(c.Do(t, args...))
		v, err := s.Do(ctx, args...)
		got := showReply(v)
		if err != nil {
			got = showReply(err)
		}
		if want != got {
			t.Errorf("%q:\n redis:   %s\n embedis: %s", args, want, got)
		}
	}
	t.Logf("%d cases compared", len(cases))
}

// TestLibsHostileDiff feeds the hostile-argument pools (boundary integers,
// odd doubles, empty, huge and binary strings) and some formats of each
// library to the decoders and converters through ARGV, on redis-server and
// on a Store, and reports every reply that differs.
func TestLibsHostileDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of scripts on both sides")
	}
	srv := redistest.Start(t)
	c := srv.Dial(t)
	c.Do(t, "SCRIPT", "FLUSH")
	s := open(t, embedis.Options{})
	var pool []string
	pool = append(pool, workload.HostileIntegers...)
	pool = append(pool, workload.HostileDoubles...)
	pool = append(pool, workload.HostileStrings...)
	pool = append(pool, "b", "i", ">I2", "<i16", "c0", "bc0", "s", "!8bd", "x", "i33", "c99999999999", "!3", "z", " ",
		"[1]", `{"a":[1,2]}`, `"x`, "[", "\x91\x01", "\xdd\xff\xff\xff\xff", "\x81\xc0\x01", "\xcf\xff\xff\xff\xff\xff\xff\xff\xff", "0x1p4", "1e5", "-0")
	one := []string{
		"return cjson.decode(ARGV[1])", "return cjson.encode(ARGV[1])", "return {cmsgpack.unpack(ARGV[1])}", "return struct.size(ARGV[1])",
		"return bit.tobit(ARGV[1])", "return cmsgpack.pack(ARGV[1])", "return {bit.bswap(ARGV[1]), bit.bnot(ARGV[1]), bit.tohex(ARGV[1])}",
	}
	two := []string{
		"return {cmsgpack.unpack_one(ARGV[1], ARGV[2])}", "return {cmsgpack.unpack_limit(ARGV[1], ARGV[2])}",
		"return {struct.unpack(ARGV[1], ARGV[2])}", "return struct.pack(ARGV[1], ARGV[2])", "return {struct.unpack('b', ARGV[1], ARGV[2])}",
		"return {bit.tohex(ARGV[1], ARGV[2]), bit.lshift(ARGV[1], ARGV[2]), bit.arshift(ARGV[1], ARGV[2]), bit.rol(ARGV[1], ARGV[2]), bit.band(ARGV[1], ARGV[2])}",
	}
	n, bad := 0, 0
	compare := func(args ...string) {
		n++
		want := showReply(c.Do(t, args...))
		v, err := s.Do(ctx, args...)
		got := showReply(v)
		if err != nil {
			got = showReply(err)
		}
		if want != got {
			bad++
			if bad <= 30 {
				t.Errorf("%.200q:\n redis:   %.300s\n embedis: %.300s", args, want, got)
			}
		}
	}
	for _, script := range one {
		for _, a := range pool {
			compare("EVAL", script, "0", a)
		}
	}
	for _, script := range two {
		for _, a := range pool {
			for _, b := range pool {
				compare("EVAL", script, "0", a, b)
			}
		}
	}
	t.Logf("%d scripts compared, %d differ", n, bad)
}

// showReply writes a reply of either side the same way: errors as
// "ERROR text", arrays element by element.
func showReply(v any) string {
	switch v := v.(type) {
	case redistest.ReplyError:
		return "ERROR " + string(v)
	case error:
		return "ERROR " + v.Error()
	case []any:
		out := "["
		for i, x := range v {
			if i > 0 {
				out += ", "
			}
			out += showReply(x)
		}
		return out + "]"
	}
	return fmt.Sprintf("%#v", v)
}

// TestLibsNumbersDiff formats seeded random doubles of every magnitude with
// cjson (precision 14 and 3), cmsgpack, struct and bit on redis-server and
// on a Store, and reports every reply that differs.
func TestLibsNumbersDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of scripts on both sides")
	}
	srv := redistest.Start(t)
	c := srv.Dial(t)
	c.Do(t, "SCRIPT", "FLUSH")
	s := open(t, embedis.Options{})
	const hex = "local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end "
	scripts := []string{
		"return cjson.encode({tonumber(ARGV[1])})",
		"local c = cjson.new() c.encode_number_precision(3) return c.encode(tonumber(ARGV[1]))",
		hex + "return hex(cmsgpack.pack(tonumber(ARGV[1])))",
		hex + "return hex(struct.pack('<dfli3I', tonumber(ARGV[1]), tonumber(ARGV[1]), tonumber(ARGV[1]), tonumber(ARGV[1]), tonumber(ARGV[1])))",
		"return {bit.tobit(tonumber(ARGV[1])), bit.tohex(tonumber(ARGV[1]))}",
		"return cjson.encode(cjson.decode(ARGV[1]))",
	}
	rng := rand.New(rand.NewPCG(19, 7))
	var nums []string
	for len(nums) < 600 {
		var f float64
		switch len(nums) % 3 {
		case 0: // any bit pattern
			f = math.Float64frombits(rng.Uint64())
		case 1: // around the integers
			f = math.Trunc(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(20)))) + float64(rng.IntN(3))/2
		case 2: // decimals of few digits
			f = float64(rng.IntN(2000000)-1000000) / math.Pow(10, float64(rng.IntN(12)))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		nums = append(nums, strconv.FormatFloat(f, 'g', -1, 64))
	}
	n, bad := 0, 0
	for _, script := range scripts {
		for _, a := range nums {
			n++
			args := []string{"EVAL", script, "0", a}
			want := showReply(c.Do(t, args...))
			v, err := s.Do(ctx, args...)
			got := showReply(v)
			if err != nil {
				got = showReply(err)
			}
			if want != got {
				bad++
				if bad <= 30 {
					t.Errorf("%.200q:\n redis:   %.300s\n embedis: %.300s", args, want, got)
				}
			}
		}
	}
	t.Logf("%d scripts compared, %d differ", n, bad)
}
