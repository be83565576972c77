package scripting_test

import (
	"testing"

	"github.com/embedis/embedis"
)

// fuzzLib runs script (which calls a decoder under pcall) on the fuzzer's
// inputs through EVALSHA: no input may panic, a decoder's failure must be
// a Lua error (pcall returns false and a message), and the store must keep
// answering.
func fuzzLib(f *testing.F, script string) {
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	sha, err := s.ScriptLoad(ctx, script)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		v, err := s.EvalSha(ctx, sha, nil, a, b)
		if err != nil {
			t.Fatalf("%q %q: %v", a, b, err)
		}
		if r, ok := v.([]any); !ok || len(r) != 2 {
			t.Fatalf("%q %q: reply %#v", a, b, v)
		} else if r[0] != int64(1) {
			if _, ok := r[1].(string); !ok {
				t.Fatalf("%q %q: failed without a message: %#v", a, b, v)
			}
		}
		if v, err := s.Eval(ctx, "return 'alive'", nil); err != nil || v != "alive" {
			t.Fatalf("after %q %q: %v, %v", a, b, v, err)
		}
	})
}

// FuzzCJSONDecode decodes any text with cjson.decode and, when that
// succeeds, encodes the value again (which may fail only with a Lua error,
// as for a sparse array).
func FuzzCJSONDecode(f *testing.F) {
	for _, seed := range []string{
		`[1,2,{"a":1}]`, `{"a":[1,{"b":null}],"c":"\u00e9\ud83d\ude00"}`, `"\\x"`, `[1,2`, `+1`, `0x10`, `nan`, `-Infinity`,
		`1e400`, `"\ud800"`, "[1]\x00x", "\x00[", `[[[[[[[[[[]]]]]]]]]]`, `{"a":1,"a":2}`, `-`, `tru`, `1.`, `[1 2]`,
	} {
		f.Add(seed, "")
	}
	fuzzLib(f, `local ok, v = pcall(cjson.decode, ARGV[1])
if not ok then return {0, v} end
local ok2, s = pcall(cjson.encode, v)
if not ok2 then return {0, s} end
return {1, s}`)
}

// FuzzCMsgpackUnpack decodes any bytes with cmsgpack.unpack, unpack_one
// and unpack_limit, and packs what unpack returned.
func FuzzCMsgpackUnpack(f *testing.F) {
	for _, seed := range []string{
		"\x93\x01\xa1x\xc3", "\x81\xa1k\x92\x01\x02", "\xcf\xff\xff\xff\xff\xff\xff\xff\xff", "\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00",
		"\xdd\xff\xff\xff\xff", "\xdb\xff\xff\xff\xff", "\x81\xc0\x01", "\x81\xce\x03\xff\xff\xff\x01", "\xc4\x01a", "\x91\x91\x91\x91\x01",
		"\x01\x02\x03", "\xd9\x03abc\xc2", "",
	} {
		f.Add(seed, "1")
	}
	fuzzLib(f, `local off = tonumber(ARGV[2]) or 0
local ok, err = pcall(cmsgpack.unpack_one, ARGV[1], off)
if not ok then return {0, err} end
ok, err = pcall(cmsgpack.unpack_limit, ARGV[1], 2, off)
if not ok then return {0, err} end
local r = {pcall(cmsgpack.unpack, ARGV[1])}
if not r[1] then return {0, r[2]} end
table.remove(r, 1)
if #r == 0 then return {1, ''} end
local ok2, s = pcall(cmsgpack.pack, unpack(r))
if not ok2 then return {0, s} end
return {1, s}`)
}

// FuzzStructUnpack runs struct.unpack, struct.size and struct.pack with any
// format on any data.
func FuzzStructUnpack(f *testing.F) {
	for _, seed := range [][2]string{
		{"bBhHlLTiI", "0123456789abcdefghijklmnopqrstuvwxyz0123456789"}, {">i3I9", "abcdefghijkl"}, {"!8bi3d", "abcdefghijklmnopqrstuvwx"},
		{"bc0", "\x02abc"}, {"bc0", "\xffabc"}, {"s", "abc"}, {"ss", "ab\x00cd\x00"}, {"c99999999999", "x"}, {"i33", ""},
		{"!3i", ""}, {"<i16", "0123456789abcdef"}, {"fdx", "0123456789abcdef"}, {"z", ""}, {"c0", "12"},
	} {
		f.Add(seed[0], seed[1])
	}
	fuzzLib(f, `local ok, err = pcall(struct.unpack, ARGV[1], ARGV[2])
if not ok then return {0, err} end
ok, err = pcall(struct.unpack, ARGV[1], ARGV[2], 2)
if not ok then return {0, err} end
pcall(struct.size, ARGV[1])
local ok2, s = pcall(struct.pack, ARGV[1], 1, -2, 3.5, ARGV[2], 2^40, -1, 'xyz', 7)
if not ok2 then return {0, s} end
return {1, s}`)
}
