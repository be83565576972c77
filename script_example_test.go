package embedis_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
	_ "github.com/embedis/embedis/scripting" // links the Lua VM: EVAL, EVALSHA, SCRIPT
)

// A Lua script runs as one atomic step, as on Redis: here a lock release
// that deletes the key only if it still holds the caller's token.
func ExampleStore_Eval() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	s.Set(ctx, "lock", "token-1", 0)

	const release = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
	n, err := s.Eval(ctx, release, []string{"lock"}, "token-2")
	fmt.Println(n, err)
	n, err = s.Eval(ctx, release, []string{"lock"}, "token-1")
	fmt.Println(n, err)
	// Output:
	// 0 <nil>
	// 1 <nil>
}

// ScriptLoad compiles a script once; EvalSha runs it by its SHA-1.
func ExampleStore_EvalSha() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	sha, _ := s.ScriptLoad(ctx, "return {redis.call('INCRBY', KEYS[1], ARGV[1]), 'done'}")
	v, err := s.EvalSha(ctx, sha, []string{"visits"}, "5")
	fmt.Println(v, err)
	_, err = s.EvalSha(ctx, "0000000000000000000000000000000000000000", nil)
	fmt.Println(err)
	// Output:
	// [5 done] <nil>
	// NOSCRIPT No matching script. Please use EVAL.
}
