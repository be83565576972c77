package helpersuite

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

func init() { Register("Backend", backendSuite) }

var (
	replyScript = embedis.NewScript(`return {tonumber(ARGV[1]) + 1, ARGV[2], false, {KEYS[1]}}`)
	nilScript   = embedis.NewScript(`return false`)
	errScript   = embedis.NewScript(`return redis.error_reply("ERR helpersuite: refused " .. ARGV[1])`)
	writeScript = embedis.NewScript(`redis.call("SET", KEYS[1], ARGV[1]); return redis.call("GET", KEYS[1])`)
	// nodeScript writes and reads its key and says which server ran it
	// (INFO's run_id, unique to each redis-server process).
	nodeScript = embedis.NewScript(`redis.call("SET", KEYS[1], ARGV[1])
return {redis.call("GET", KEYS[1]), string.match(redis.call("INFO", "server"), "run_id:(%x+)")}`)
	// twoKeysScript touches two keys.
	twoKeysScript = embedis.NewScript(`redis.call("SET", KEYS[1], ARGV[1]); redis.call("SET", KEYS[2], ARGV[1]); return 1`)
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
	slotRouting(t, env)
}

// slotRouting checks that a script runs on the node that serves its key's
// slot. Three keys whose hash tags fall in different thirds of the 16384
// slots are each written and read back by a script: on a 3-node cluster
// (which redis-cli --cluster create splits in thirds) the three runs land
// on three different servers, and each succeeds — a cluster node refuses a
// script that touches a key of a slot it does not serve, so success means
// the client sent each to the slot's owner (following MOVED if it had to).
// On one redis-server all three run on it. A script whose keys are in two
// slots is refused by a cluster (CROSSSLOT), which is why every helper
// puts all the keys of one step under one hash tag.
func slotRouting(t *testing.T, env Env) {
	ctx := context.Background()
	thirds := [][2]int{{0, 5000}, {6000, 10500}, {11500, 16383}}
	var keys []string
	for i := 0; len(keys) < len(thirds); i++ {
		key := fmt.Sprintf("{%snode%d}:k", env.Prefix, i)
		r := thirds[len(keys)]
		if s := KeySlot(key); s >= r[0] && s <= r[1] {
			keys = append(keys, key)
		}
	}
	servers := map[string]bool{}
	for _, key := range keys {
		got, err := env.Backend.Run(ctx, nodeScript, []string{key}, key)
		reply, ok := got.([]any)
		if err != nil || !ok || len(reply) != 2 || reply[0] != key {
			t.Fatalf("slot %d: Run = %#v, %v; want {%q, run_id}", KeySlot(key), got, err, key)
		}
		id, _ := reply[1].(string)
		if len(id) != 40 {
			t.Fatalf("slot %d: run_id %#v", KeySlot(key), reply[1])
		}
		servers[id] = true
	}
	want := 1
	if env.Name == "cluster" {
		want = 3
	}
	if len(servers) != want {
		t.Errorf("scripts on keys of slots %d, %d, %d ran on %d servers, want %d",
			KeySlot(keys[0]), KeySlot(keys[1]), KeySlot(keys[2]), len(servers), want)
	}
	_, err := env.Backend.Run(ctx, twoKeysScript, keys[:2], "x")
	switch {
	case env.Name == "cluster" && (err == nil || !strings.HasPrefix(err.Error(), "CROSSSLOT ")):
		t.Errorf("a script over two slots on a cluster: err = %v, want CROSSSLOT", err)
	case env.Name != "cluster" && err != nil:
		t.Errorf("a script over two keys on one server: %v", err)
	}
}
