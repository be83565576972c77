package scripting_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/embedis/embedis"
	_ "github.com/embedis/embedis/scripting"
)

var ctx = context.Background()

func open(t *testing.T, opts embedis.Options) *embedis.Store {
	t.Helper()
	s, err := embedis.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestEvalResults checks the Go values Store.Eval returns for each kind of
// Lua value, and its errors.
func TestEvalResults(t *testing.T) {
	s := open(t, embedis.Options{})
	for _, c := range []struct {
		script string
		keys   []string
		args   []string
		want   any
	}{
		{"return 42", nil, nil, int64(42)},
		{"return -3.99", nil, nil, int64(-3)},
		{"return 'x'", nil, nil, "x"},
		{"return true", nil, nil, int64(1)},
		{"return false", nil, nil, nil},
		{"return nil", nil, nil, nil},
		{"return {ok='fine'}", nil, nil, "fine"},
		{"return {1, 'a', {2}, nil, 5}", nil, nil, []any{int64(1), "a", []any{int64(2)}}},
		{"return {KEYS[1], ARGV[1], ARGV[2]}", []string{"k"}, []string{"a", "b"}, []any{"k", "a", "b"}},
		{"redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", []string{"key"}, []string{"val"}, "val"},
		{"return redis.call('GET', 'missing')", nil, nil, nil},
		{"return redis.call('INCRBY', 'n', 5)", nil, nil, int64(5)},
	} {
		got, err := s.Eval(ctx, c.script, c.keys, c.args...)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Eval(%q) = %#v, %v; want %#v", c.script, got, err, c.want)
		}
	}
	// A nested error is an error value in the array.
	got, err := s.Eval(ctx, "return {1, {err='ERR inner'}}", nil)
	arr, ok := got.([]any)
	if err != nil || !ok || len(arr) != 2 || arr[1].(error).Error() != "ERR inner" {
		t.Errorf("nested error: %#v, %v", got, err)
	}

	_, err = s.Eval(ctx, "error('boom')", nil)
	if !errors.Is(err, embedis.ErrScript) || !strings.HasPrefix(err.Error(), "ERR user_script:1: boom script: ") {
		t.Errorf("error('boom'): %v", err)
	}
	_, err = s.Eval(ctx, "return {err='MY own'}", nil)
	if !errors.Is(err, embedis.ErrScript) || err.Error() != "MY own" {
		t.Errorf("{err=...}: %v", err)
	}
	s.Set(ctx, "str", "abc", 0)
	_, err = s.Eval(ctx, "return redis.call('INCR', 'str')", nil)
	if !errors.Is(err, embedis.ErrScript) || !strings.HasPrefix(err.Error(), "ERR value is not an integer or out of range script: ") {
		t.Errorf("redis.call error: %v", err)
	}
	_, err = s.EvalRO(ctx, "return redis.call('SET', 'a', 'b')", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "ERR Write commands are not allowed from read-only scripts.") {
		t.Errorf("EvalRO write: %v", err)
	}
	if v, err := s.EvalRO(ctx, "return redis.call('GET', KEYS[1])", []string{"str"}); err != nil || v != "abc" {
		t.Errorf("EvalRO read: %v, %v", v, err)
	}
}

// TestScriptCache checks ScriptLoad, EvalSha (any case), ScriptExists and
// ScriptFlush.
func TestScriptCache(t *testing.T) {
	s := open(t, embedis.Options{})
	sha, err := s.ScriptLoad(ctx, "return ARGV[1] .. '!'")
	if err != nil || sha != "6d5f0e04b2d6e0a6a42ebc51a1ef6da4ae4a5c6b" && len(sha) != 40 {
		t.Fatalf("ScriptLoad: %q, %v", sha, err)
	}
	if v, err := s.EvalSha(ctx, strings.ToUpper(sha), nil, "hi"); err != nil || v != "hi!" {
		t.Errorf("EvalSha: %v, %v", v, err)
	}
	if v, err := s.EvalShaRO(ctx, sha, nil, "ro"); err != nil || v != "ro!" {
		t.Errorf("EvalShaRO: %v, %v", v, err)
	}
	if found, err := s.ScriptExists(ctx, sha, "0000000000000000000000000000000000000000"); err != nil || !reflect.DeepEqual(found, []bool{true, false}) {
		t.Errorf("ScriptExists: %v, %v", found, err)
	}
	if err := s.ScriptFlush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EvalSha(ctx, sha, nil, "x"); !errors.Is(err, embedis.ErrNoScript) {
		t.Errorf("EvalSha after flush: %v", err)
	}
	// Eval caches what it runs.
	if _, err := s.Eval(ctx, "return ARGV[1] .. '!'", nil, "x"); err != nil {
		t.Fatal(err)
	}
	if found, _ := s.ScriptExists(ctx, sha); !found[0] {
		t.Error("Eval did not cache its script")
	}
	if _, err := s.ScriptLoad(ctx, "return 1 +"); !errors.Is(err, embedis.ErrScript) || !strings.HasPrefix(err.Error(), "ERR Error compiling script (new function): user_script:1: ") {
		t.Errorf("ScriptLoad of a bad script: %v", err)
	}
	// The Pipeline counterparts run in the pipeline's turn.
	p := s.Pipeline()
	r1 := p.Eval("return redis.call('INCR', KEYS[1])", []string{"pc"})
	r2 := p.Eval("return redis.call('INCR', KEYS[1])", []string{"pc"})
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if v1, _ := r1.Result(); v1 != int64(1) {
		t.Errorf("pipeline Eval 1: %v", v1)
	}
	if v2, _ := r2.Result(); v2 != int64(2) {
		t.Errorf("pipeline Eval 2: %v", v2)
	}
}

// TestScriptEffectsAreItsCommands checks that the write-effect stream holds
// the commands a script ran, not the script, and that replaying it (with no
// Lua) gives the same data; a script that fails after a write keeps the
// write, as in Redis.
func TestScriptEffectsAreItsCommands(t *testing.T) {
	var units [][][]string
	s := open(t, embedis.Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if _, err := s.Eval(ctx, "redis.call('SET', KEYS[1], 'v') redis.call('INCR', KEYS[2]) redis.call('SELECT', 2) redis.call('SET', 'x', 1) return 1", []string{"a", "n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Eval(ctx, "redis.call('RPUSH', 'l', 'e') error('after a write')", nil); err == nil {
		t.Fatal("want the script's error")
	}
	if _, err := s.Eval(ctx, "return redis.call('GET', 'a')", nil); err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, u := range units {
		for _, c := range u {
			all = append(all, strings.Join(c, " "))
		}
	}
	want := []string{"SELECT 0", "SET a v", "INCRBY n 1", "SELECT 2", "SET x 1", "SELECT 0", "RPUSH l e"}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("effects %q, want %q", all, want)
	}
	if len(units) != 2 {
		t.Errorf("%d units, want one per script that wrote", len(units))
	}
	replica := open(t, embedis.Options{})
	if err := replica.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		db       int
		key, val string
	}{{0, "a", "v"}, {0, "n", "1"}, {2, "x", "1"}} {
		if v, err := replica.DB(c.db).Get(ctx, c.key); err != nil || v != c.val {
			t.Errorf("replica db %d %s = %q, %v", c.db, c.key, v, err)
		}
	}
	if n, _ := replica.LLen(ctx, "l"); n != 1 {
		t.Errorf("replica l has %d elements", n)
	}
	// The script's SELECT did not move the caller.
	if v, err := s.Get(ctx, "a"); err != nil || v != "v" {
		t.Errorf("after the script's SELECT: %q, %v", v, err)
	}
}

// TestScriptWriteBreaksWatch checks that a key a script writes breaks a
// WATCH on it, as the command would.
func TestScriptWriteBreaksWatch(t *testing.T) {
	s := open(t, embedis.Options{})
	var w embedis.Watch
	s.Atomic(ctx, func(tx *embedis.Tx) error { tx.Watch(&w, "k"); return nil })
	if _, err := s.Eval(ctx, "return redis.call('GET', 'k')", nil); err != nil {
		t.Fatal(err)
	}
	broken := false
	s.Atomic(ctx, func(tx *embedis.Tx) error { broken = tx.WatchBroken(&w); return nil })
	if broken {
		t.Fatal("a read broke the WATCH")
	}
	if _, err := s.Eval(ctx, "return redis.call('SET', 'k', 1)", nil); err != nil {
		t.Fatal(err)
	}
	s.Atomic(ctx, func(tx *embedis.Tx) error { broken = tx.WatchBroken(&w); tx.Unwatch(&w); return nil })
	if !broken {
		t.Fatal("the script's SET did not break the WATCH")
	}
}

// TestHostileScripts runs scripts that try to exhaust the process or
// confuse the conversions: each fails or answers, and the store keeps
// serving. (Infinite loops are not among them, nor the endless tail call
// "return f(n)", which Lua runs in constant stack: a script has no time
// limit yet.)
func TestHostileScripts(t *testing.T) {
	s := open(t, embedis.Options{})
	for _, script := range []string{
		"local function f(n) return f(n + 1) + 1 end return f(1)",
		"local t = {} t[1] = t return t",
		"local t = {} local c = t for i = 1, 5000 do c[1] = {} c = c[1] end return t",
		"return string.rep('x', 2^40)",
		"return string.rep('x', -1)",
		"return unpack({}, 1, 1e8)",
		"return unpack({}, 1, 2^31)",
		"local t = {} for i = 1, 100000 do t[i] = i end return #t",
		"error()", "error(nil)", "error({})", "error({err=1})", "error(true)", "error(function() end)",
		"error(setmetatable({}, {__tostring = function() error('x') end}))",
		"return {err={}}", "return {ok={}}", "return {map='x'}", "return {double='x'}",
		"return {map={[{}]=1}}", "return {set={[{}]=true}}",
		"return coroutine.wrap(function() return redis.call('SET', 'co', 1) end)()",
		"return redis.call(string.rep('x', 100000))",
		"return loadstring('x = 1')()", "local f = loadstring('return 1 +') return f",
		"setmetatable(_G, {})", "getmetatable('').__index = nil", "return select(-1)",
		"return string.format('%99999999d', 1)", "return ('x'):rep(1e6):len()",
		"return redis.sha1hex({})", "return redis.log(1)", "return redis.setresp('3')",
		"return math.random(1, 2, 3)", "return math.randomseed()", "return tostring(2^63)",
		"return redis.call('EVAL', 'return 1', 0)", "return redis.pcall('SELECT', 99)",
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%q panicked: %v", script, p)
				}
			}()
			s.Eval(ctx, script, nil)
		}()
	}
	if v, err := s.Eval(ctx, "return 'still here'", nil); err != nil || v != "still here" {
		t.Fatalf("after the hostile scripts: %v, %v", v, err)
	}
	// Nothing leaked into the globals.
	if _, err := s.Eval(ctx, "return x", nil); err == nil {
		t.Error("a global survived a script")
	}
}
