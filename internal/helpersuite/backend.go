package helpersuite

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/embedis/embedis"
)

func init() { Register("Backend", backendSuite) }

var (
	replyScript = embedis.NewScript(`return {tonumber(ARGV[1]) + 1, ARGV[2], false, {KEYS[1]}}`)
	nilScript   = embedis.NewScript(`return false`)
	errScript   = embedis.NewScript(`return redis.error_reply("ERR helpersuite: refused " .. ARGV[1])`)
	writeScript = embedis.NewScript(`redis.call("SET", KEYS[1], ARGV[1]); return redis.call("GET", KEYS[1])`)
)

// backendSuite checks the Backend contract helpers rely on: an embedded
// backend hands out its Store and refuses Run; a remote one converts
// replies as Backend.Run documents, turns Lua false into (nil, nil),
// returns error replies as errors and loads a script the server does not
// know (NOSCRIPT) by itself.
func backendSuite(t *testing.T, newEnv NewEnv) {
	ctx := context.Background()
	env := newEnv(t)
	if !env.Remote {
		if env.Backend.Store() == nil || env.Backend.Store() != env.Store {
			t.Fatalf("embedded Backend.Store() = %p, want the env's store %p", env.Backend.Store(), env.Store)
		}
		if _, err := env.Backend.Run(ctx, replyScript, []string{"k"}, 1); !errors.Is(err, embedis.ErrNotRemote) {
			t.Fatalf("embedded Run: err = %v, want ErrNotRemote", err)
		}
		return
	}
	if env.Backend.Store() != nil {
		t.Fatalf("remote Backend.Store() = %p, want nil", env.Backend.Store())
	}
	key := "{" + env.Prefix + "backend}:k"
	got, err := env.Backend.Run(ctx, replyScript, []string{key}, 41, "text")
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(42), "text", nil, []any{key}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Run = %#v, want %#v", got, want)
	}
	if got, err := env.Backend.Run(ctx, nilScript, []string{key}); got != nil || err != nil {
		t.Fatalf("Run(false) = %#v, %v; want nil, nil", got, err)
	}
	_, err = env.Backend.Run(ctx, errScript, []string{key}, "x")
	if err == nil || err.Error() != "ERR helpersuite: refused x" {
		t.Fatalf("Run(error_reply) err = %v, want the server's text", err)
	}
	// Twice: the first run loads the script (NOSCRIPT, then EVAL), the
	// second finds it by its SHA-1.
	for i, v := range []string{"one", "two"} {
		got, err := env.Backend.Run(ctx, writeScript, []string{key}, v)
		if err != nil || got != v {
			t.Fatalf("run %d of a new script = %#v, %v; want %q", i, got, err, v)
		}
	}
}
