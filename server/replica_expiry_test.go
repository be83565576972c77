package server_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
)

// TestReplicaExpiryAsRedis: a redis-server master with active expiry off,
// a redis-server replica and an embedis replica of it. Past a key's
// deadline both replicas hide it from reads and still count it (DBSIZE)
// until the master's DEL arrives; with replica-read-only no a write to an
// expired key deletes it first and DEL of one answers 1. Every reply is
// compared with the redis-server replica's.
func TestReplicaExpiryAsRedis(t *testing.T) {
	ms, port := startMaster(t)
	master := dialWire(t, "unix", ms.Socket)
	master.do(t, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	rs := redistest.StartArgs(t, "--replicaof", "127.0.0.1", strconv.Itoa(port))
	redisReplica := dialWire(t, "unix", rs.Socket)
	_, addr := startReplica(t)
	replica := dialWire(t, "tcp", addr)
	replica.do(t, "REPLICAOF", "127.0.0.1", strconv.Itoa(port))

	for _, c := range [][]string{
		{"SET", "k", "v", "PX", "300"}, {"SET", "w", "v", "PX", "300"}, {"SET", "d", "v", "PX", "300"},
		{"RPUSH", "l", "a", "b"}, {"PEXPIRE", "l", "300"}, {"SET", "p", "v"},
	} {
		master.do(t, c...)
	}
	waitSynced(t, master, replica)
	waitSynced(t, master, redisReplica)
	time.Sleep(500 * time.Millisecond) // past every deadline

	sorted := func(s string) string {
		f := strings.Fields(strings.Trim(s, "[]"))
		sort.Strings(f)
		return strings.Join(f, " ")
	}
	compare := func(stage string, cmds ...[]string) {
		t.Helper()
		for _, c := range cmds {
			want, got := redisReplica.do(t, c...), replica.do(t, c...)
			if c[0] == "KEYS" || c[0] == "SCAN" {
				want, got = sorted(want), sorted(got)
			}
			if got != want {
				t.Errorf("%s: %q on embedis = %q, on a redis-server replica %q", stage, c, got, want)
			}
		}
	}
	reads := [][]string{
		{"GET", "k"}, {"EXISTS", "k", "l", "p"}, {"TTL", "k"}, {"PTTL", "l"}, {"TYPE", "l"}, {"LRANGE", "l", "0", "-1"},
		{"STRLEN", "k"}, {"KEYS", "*"}, {"SCAN", "0", "COUNT", "100"}, {"DBSIZE"}, {"GET", "p"},
	}
	compare("reads past the deadline", reads...)
	if got := replica.do(t, "DBSIZE"); got != "5" {
		t.Fatalf("DBSIZE on the embedis replica = %s, want 5 (expired keys stay until the master's DEL)", got)
	}

	// The master's lazy expiry sends DEL k.
	master.do(t, "GET", "k")
	waitSynced(t, master, replica)
	waitSynced(t, master, redisReplica)
	compare("after the master's DEL", reads...)
	if got := replica.do(t, "DBSIZE"); got != "4" {
		t.Fatalf("DBSIZE after the master's DEL = %s, want 4", got)
	}

	// A writable replica: a write deletes the expired key first.
	for _, w := range []*wire{replica, redisReplica} {
		w.do(t, "CONFIG", "SET", "replica-read-only", "no")
	}
	compare("writes to expired keys on a writable replica",
		[]string{"APPEND", "w", "x"}, []string{"GET", "w"}, []string{"TTL", "w"},
		[]string{"DEL", "d"}, []string{"RPUSH", "l", "c"}, []string{"LRANGE", "l", "0", "-1"},
		[]string{"DBSIZE"}, []string{"KEYS", "*"})
}
