package server_test

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/internal/workload"
	"github.com/embedis/embedis/server"
)

// hostileWireSkipped are the server-only commands the wire run leaves out:
// they end the connection (QUIT, RESET, SHUTDOWN), change how it talks
// (HELLO, CLIENT REPLY), change the server for later vectors (CONFIG SET,
// CLIENT PAUSE/KILL), queue instead of run (MULTI, EXEC, DISCARD), answer
// with the server's own state (INFO, COMMAND, CLIENT LIST), or write the
// snapshot file and answer with the time and state of saves (SAVE, BGSAVE,
// LASTSAVE, BGREWRITEAOF: a BGSAVE still running on one server and not on the other
// answers differently), enter subscribed mode, where a command of n
// channels gets n replies and the fixture's commands are refused
// (SUBSCRIBE and its relatives), or make the server a replica of some host
// (REPLICAOF, SLAVEOF: replica_test.go; ROLE then answers with the link's
// state), or make the connection a monitor, which refuses the fixture's
// commands (MONITOR: monitor_diff_test.go). The server's tests compare them
// with Redis on their own.
var hostileWireSkipped = map[string]bool{
	"quit": true, "reset": true, "shutdown": true, "hello": true, "client": true, "config": true,
	"multi": true, "exec": true, "discard": true, "info": true, "command": true,
	"save": true, "bgsave": true, "lastsave": true, "bgrewriteaof": true,
	"subscribe": true, "psubscribe": true, "ssubscribe": true,
	"unsubscribe": true, "punsubscribe": true, "sunsubscribe": true,
	"replicaof": true, "slaveof": true, "role": true, "monitor": true,
}

// TestDiffHostileArguments is the hostile-argument suite of the root
// package (see internal/workload/hostile.go) over the wire: every command of
// the table but the few above, every argument position, every pool value,
// sent as RESP2 to redis-server and to an embedis server (on the wall
// clock, so that blocking commands time out as Redis's do) and compared as
// RESP values. No vector may panic, hang or break the connection.
// EMBEDIS_HOSTILE_FULL=1 runs the longer mode and RESP3 as well.
func TestDiffHostileArguments(t *testing.T) {
	full := os.Getenv("EMBEDIS_HOSTILE_FULL") == "1"
	protos := []string{"2"}
	if full {
		protos = append(protos, "3")
	}
	for _, proto := range protos {
		t.Run("RESP"+proto, func(t *testing.T) { hostileWire(t, proto, full) })
	}
}

func hostileWire(t *testing.T, proto string, full bool) {
	rs := redistest.Start(t)
	redis := dialWire(t, "unix", rs.Socket)
	var embed *wire
	var panics int
	startEmbedis := func() {
		store, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := server.New(store, server.Options{})
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(l)
		t.Cleanup(func() { srv.Close(); store.Close() })
		embed = dialWire(t, "tcp", l.Addr().String())
	}
	startEmbedis()
	// read reads a reply, failing the test on a hang or a broken connection.
	read := func(w *wire, args []string) resp.Reply {
		t.Helper()
		w.c.SetReadDeadline(time.Now().Add(60 * time.Second))
		r, err := resp.ReadReply(w.r)
		if err != nil {
			t.Fatalf("%s: no reply: %v", workload.HostileShow(args), err)
		}
		return r
	}
	both := func(args ...string) (resp.Reply, resp.Reply) {
		redis.send(args...)
		embed.send(args...)
		return read(redis, args), read(embed, args)
	}
	fixture := append([][]string{{"FLUSHALL"}, {"SELECT", "0"}, {"UNWATCH"}}, workload.HostileFixture()...)
	reset := func() {
		for _, w := range []*wire{redis, embed} {
			var b strings.Builder
			for _, c := range fixture {
				fmt.Fprintf(&b, "*%d\r\n", len(c))
				for _, a := range c {
					fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
				}
			}
			w.sendRaw(b.String())
		}
		for _, c := range fixture {
			if want, got := both2(redis, embed, read, c); want.Kind == '-' || got.Kind == '-' {
				t.Fatalf("fixture %q: %s / %s", c, want, got)
			}
		}
	}
	both("HELLO", proto)

	var ncmds, nvecs, ncompared, nlisted, nmismatch int
	for _, c := range embedis.Commands() {
		if hostileWireSkipped[c.Name] {
			continue
		}
		ncmds++
		spec := workload.CommandSpec{
			Name: c.Name, Arity: c.Arity, FirstKey: c.FirstKey, LastKey: c.LastKey, KeyStep: c.KeyStep,
			Write: slices.Contains(c.Flags, "write"), Blocking: slices.Contains(c.Flags, "blocking"),
		}
		bases := workload.ChooseBases(spec, full, func(args []string) bool {
			reset()
			redis.send(args...)
			return read(redis, args).Kind != '-'
		})
		var vectors [][]string
		for _, base := range bases {
			vectors = append(vectors, workload.HostileVectors(spec, base, full)...)
		}
		dirty := true
		for _, args := range vectors {
			args = workload.ShortTimeout(spec, args)
			nvecs++
			if workload.HostileSkip(args) != "" {
				nlisted++
				continue
			}
			if dirty {
				reset()
			}
			dirty = slices.Contains(c.Flags, "write") || c.Name == "select" || c.Name == "watch" || c.Name == "auth"
			want, got := both(args...)
			if got.Kind == '-' && strings.Contains(got.Str, "store stopped after a command panicked") {
				panics++
				t.Errorf("%s: panic: %s", workload.HostileShow(args), got.Str)
				startEmbedis()
				both("HELLO", proto)
				dirty = true
				continue
			}
			normalizeGroupTimes(args, &want)
			normalizeGroupTimes(args, &got)
			cmd := strings.ToUpper(args[0])
			w, g := normalizeReply(cmd, want, false), normalizeReply(cmd, got, false)
			if cmd == "TIME" {
				w, g = fmt.Sprintf("%c%d", want.Kind, len(want.Elems)), fmt.Sprintf("%c%d", got.Kind, len(got.Elems))
			}
			if workload.HostileUncompared(args, want.Kind == '-') != "" {
				nlisted++
				continue
			}
			if cmd == "SSCAN" {
				w, g = sortedPage(want), sortedPage(got)
			}
			ncompared++
			compared.Add(1)
			if w != g {
				nmismatch++
				t.Errorf("%s:\n redis:   %.300s\n embedis: %.300s", workload.HostileShow(args), w, g)
			}
		}
	}
	t.Logf("hostile-argument suite: RESP%s over the wire: %d commands, %d argument vectors, %d comparisons with redis-server, %d listed mismatches (see workload.HostileSkip and HostileUncompared), %d mismatches, %d panics, 0 hangs",
		proto, ncmds, nvecs, ncompared, nlisted, nmismatch, panics)
}

// both2 reads the next reply of each connection.
func both2(redis, embed *wire, read func(*wire, []string) resp.Reply, args []string) (resp.Reply, resp.Reply) {
	return read(redis, args), read(embed, args)
}

// sortedPage prints a SCAN-family page with its elements sorted.
func sortedPage(r resp.Reply) string {
	if r.Kind != '*' || len(r.Elems) != 2 {
		return r.String()
	}
	return r.Elems[0].String() + " " + normalizeReply("SMEMBERS", r.Elems[1], true)
}
