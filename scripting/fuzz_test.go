package scripting_test

import (
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

// FuzzScript compiles any source (SCRIPT LOAD) and runs the ones that must
// end (no loop, no function, nothing that builds code or huge strings: a
// script has no time limit yet) with a key and an argument: no input may
// panic, and the store must keep answering.
func FuzzScript(f *testing.F) {
	for _, seed := range []string{
		"return 1", "return redis.call('SET', KEYS[1], ARGV[1])", "return {1, {err='x'}, {ok='y'}, {double=1.5}}",
		"return redis.pcall('INCR', KEYS[1])", "error({err='E x'})", "return {map={a={set={b=true}}}}",
		"redis.setresp(3) return redis.call('HGETALL', KEYS[1])", "x = 1", "return 1 +", "#!lua flags=no-writes\nreturn 1",
		"return redis.call('GET', KEYS[1]) .. nil", "return math.random(1, 10)", "local t = {} t[1] = t return t",
	} {
		f.Add(seed)
	}
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, src string) {
		s.ScriptLoad(ctx, src)
		for _, word := range []string{"while", "repeat", "for", "goto", "function", "load", "rep", "coroutine", "..."} {
			if strings.Contains(src, word) {
				return
			}
		}
		s.Eval(ctx, src, []string{"k"}, "v")
		if v, err := s.Eval(ctx, "return 'alive'", nil); err != nil || v != "alive" {
			t.Fatalf("after %q: %v, %v", src, v, err)
		}
	})
}
