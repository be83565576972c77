package helpersuite

import (
	"context"
	"testing"

	"github.com/embedis/embedis"
)

// doScript runs the command in ARGV; KEYS[1] only routes it to the node of
// the key's slot.
var doScript = embedis.NewScript(`return redis.call(unpack(ARGV))`)

// Do runs one Redis command about key on env's backend, for a suite that
// looks at (or plants) what a helper keeps: Do(t, env, key, "PTTL", key).
// The command goes to the store (Store.Do) or, remote, to the node serving
// key's slot. Replies are Store.Do's: string, int64, []any, nil; an error
// reply fails the test.
func Do(t testing.TB, env Env, key string, args ...string) any {
	t.Helper()
	var v any
	var err error
	if env.Remote {
		argv := make([]any, len(args))
		for i, a := range args {
			argv[i] = a
		}
		v, err = env.Backend.Run(context.Background(), doScript, []string{key}, argv...)
	} else {
		v, err = env.Store.Do(context.Background(), args...)
	}
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return v
}
