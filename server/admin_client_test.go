package server

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

// The expected texts below are redis-server 7.0.15's replies to the same
// commands (7.2's for CLIENT SETINFO).

func TestClientNameAndID(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	id := c.do("CLIENT", "ID")
	if id.Kind != ':' || id.Int <= 0 {
		t.Fatalf("CLIENT ID = %s", id)
	}
	c.expect("$-1", "CLIENT", "GETNAME")
	c.expect(`-"ERR Client names cannot contain spaces, newlines or special characters."`, "CLIENT", "SETNAME", "a b")
	c.expect(`-"ERR Client names cannot contain spaces, newlines or special characters."`, "CLIENT", "SETNAME", "é")
	c.expect(`+"OK"`, "CLIENT", "SETNAME", "worker-1")
	c.expect(`$"worker-1"`, "CLIENT", "getname")
	c.expect(`+"OK"`, "CLIENT", "SETNAME", "")
	c.expect("$-1", "CLIENT", "GETNAME")
	c.expect(`-"ERR wrong number of arguments for 'client|setname' command"`, "CLIENT", "SETNAME")
	c.expect(`-"ERR wrong number of arguments for 'client|setname' command"`, "CLIENT", "SETNAME", "a", "b")
	c.expect(`-"ERR wrong number of arguments for 'client|getname' command"`, "CLIENT", "GETNAME", "x")
	c.expect(`-"ERR wrong number of arguments for 'client|id' command"`, "CLIENT", "ID", "x")
	c.expect(`-"ERR wrong number of arguments for 'client|kill' command"`, "CLIENT", "KILL")
	c.expect(`-"ERR wrong number of arguments for 'client|no-evict' command"`, "CLIENT", "NO-EVICT")
	c.expect(`-"ERR wrong number of arguments for 'client' command"`, "CLIENT")
	c.expect(`-"ERR unknown subcommand 'foo'. Try CLIENT HELP."`, "CLIENT", "foo")
	c.expect(`-"ERR unknown subcommand 'foo'. Try CLIENT HELP."`, "client", "foo")
	c.expect(`-"ERR unknown subcommand '`+strings.Repeat("x", 128)+`'. Try CLIENT HELP."`, "CLIENT", strings.Repeat("x", 200))
	c.expect(`+"OK"`, "CLIENT", "NO-EVICT", "on")
	c.expect(`+"OK"`, "CLIENT", "no-evict", "OFF")
	c.expect(`-"ERR syntax error"`, "CLIENT", "NO-EVICT", "maybe")

	help := c.do("CLIENT", "HELP")
	if len(help.Elems) != 48 || help.Elems[0].Str != "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" ||
		help.Elems[47].Str != "    Prints this help." || help.Elems[0].Kind != '+' {
		t.Errorf("CLIENT HELP = %s", help)
	}
}

func TestClientSetInfo(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	c.expect(`+"OK"`, "CLIENT", "SETINFO", "LIB-NAME", "go-redis(,go1.22)")
	c.expect(`+"OK"`, "CLIENT", "SETINFO", "lib-ver", "9.5.1")
	c.expect(`-"ERR Unrecognized option 'badger'"`, "CLIENT", "SETINFO", "badger", "hamster")
	c.expect(`-"ERR lib-name cannot contain spaces, newlines or special characters."`, "CLIENT", "SETINFO", "lib-name", "redis py")
	c.expect(`-"ERR LIB-VER cannot contain spaces, newlines or special characters."`, "CLIENT", "SETINFO", "LIB-VER", "1.0\n")
	c.expect(`-"ERR wrong number of arguments for 'client|setinfo' command"`, "CLIENT", "SETINFO", "lib-name")
	var name, ver string
	s.store.Atomic(context.Background(), func(tx *embedis.Tx) error { // the fields are the owner's
		for _, cc := range s.srv.clientsByID() {
			name, ver = cc.libName, cc.libVer
		}
		return nil
	})
	if name != "go-redis(,go1.22)" || ver != "9.5.1" {
		t.Errorf("lib-name %q lib-ver %q", name, ver)
	}
}

// clientLineRE is the form of a CLIENT LIST line, fields in Redis 7.0's
// order.
var clientLineRE = regexp.MustCompile(`^id=(\d+) addr=(\S+) laddr=(\S+) fd=-?\d+ name=(\S*) age=\d+ idle=\d+ flags=([a-zA-Z]+) db=(\d+) ` +
	`sub=0 psub=0 ssub=0 multi=(-?\d+) qbuf=\d+ qbuf-free=\d+ argv-mem=\d+ multi-mem=\d+ rbs=\d+ rbp=\d+ obl=\d+ oll=\d+ ` +
	`omem=\d+ tot-mem=\d+ events=r cmd=(\S+) user=default redir=-1 resp=([23])$`)

func parseClientList(t *testing.T, text string) []map[string]string {
	t.Helper()
	if text != "" && !strings.HasSuffix(text, "\n") {
		t.Fatalf("CLIENT LIST text does not end in a newline: %q", text)
	}
	var out []map[string]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		m := clientLineRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("CLIENT LIST line not in Redis's form: %q", line)
		}
		out = append(out, map[string]string{"id": m[1], "addr": m[2], "laddr": m[3], "name": m[4], "flags": m[5],
			"db": m[6], "multi": m[7], "cmd": m[8], "resp": m[9]})
	}
	return out
}

func TestClientListAndInfo(t *testing.T) {
	s := admStart(t, Options{})
	a, b := s.dial(t), s.dial(t)
	idA := strconv.FormatInt(a.do("CLIENT", "ID").Int, 10)
	idB := strconv.FormatInt(b.do("CLIENT", "ID").Int, 10)
	b.expect(`+"OK"`, "CLIENT", "SETNAME", "bee")
	b.expect(`+"OK"`, "SELECT", "3")
	b.expect(`+"OK"`, "MULTI")
	b.expect(`+"QUEUED"`, "PING")

	list := parseClientList(t, a.text("CLIENT", "LIST"))
	if len(list) != 2 || list[0]["id"] != idA || list[1]["id"] != idB {
		t.Fatalf("CLIENT LIST = %v", list)
	}
	me, other := list[0], list[1]
	if me["cmd"] != "client|list" || me["flags"] != "N" || me["multi"] != "-1" || me["resp"] != "2" || me["db"] != "0" {
		t.Errorf("own line %v", me)
	}
	if other["name"] != "bee" || other["db"] != "3" || other["flags"] != "x" || other["multi"] != "1" {
		t.Errorf("other line %v", other)
	}
	if me["laddr"] != s.addr || other["addr"] == me["addr"] {
		t.Errorf("addresses %v %v", me, other)
	}

	info := parseClientList(t, a.text("CLIENT", "INFO"))
	if len(info) != 1 || info[0]["id"] != idA || info[0]["cmd"] != "client|info" {
		t.Errorf("CLIENT INFO = %v", info)
	}
	a.expect(`-"ERR wrong number of arguments for 'client|info' command"`, "CLIENT", "INFO", "x")

	// Filters.
	if l := parseClientList(t, a.text("CLIENT", "LIST", "TYPE", "normal")); len(l) != 2 {
		t.Errorf("TYPE normal: %v", l)
	}
	for _, typ := range []string{"master", "replica", "slave", "PUBSUB"} {
		a.expect(`$""`, "CLIENT", "LIST", "TYPE", typ)
	}
	if l := parseClientList(t, a.text("CLIENT", "LIST", "ID", idB, "999", idA, idB)); len(l) != 3 ||
		l[0]["id"] != idB || l[1]["id"] != idA || l[2]["id"] != idB {
		t.Errorf("ID filter: %v", l)
	}
	a.expect(`$""`, "CLIENT", "LIST", "ID", "0")
	a.expect(`$""`, "CLIENT", "LIST", "ID", "-1")
	a.expect(`-"ERR Unknown client type 'bogus'"`, "CLIENT", "LIST", "TYPE", "bogus")
	a.expect(`-"ERR Invalid client ID"`, "CLIENT", "LIST", "ID", "1", "2", "x")
	a.expect(`-"ERR Invalid client ID"`, "CLIENT", "LIST", "ID", "1", "TYPE", "normal")
	for _, args := range [][]string{{"ID"}, {"foo"}, {"TYPE"}, {"TYPE", "normal", "ID", "1"}} {
		a.expect(`-"ERR syntax error"`, append([]string{"CLIENT", "LIST"}, args...)...)
	}

	// RESP3: a verbatim string.
	a.expect(`%{$"server": $"redis", $"version": $"7.0.15", $"proto": :3, $"id": :`+idA+
		`, $"mode": $"standalone", $"role": $"master", $"modules": *[]}`, "HELLO", "3")
	r := a.do("CLIENT", "INFO")
	if r.Kind != '=' || !strings.HasPrefix(r.Str, "txt:id="+idA+" ") || !strings.HasSuffix(r.Str, " resp=3\n") {
		t.Errorf("RESP3 CLIENT INFO = %s", r)
	}
	a.expect("_", "CLIENT", "GETNAME")
}

func TestClientKill(t *testing.T) {
	s := admStart(t, Options{})
	a := s.dial(t)
	idA := strconv.FormatInt(a.do("CLIENT", "ID").Int, 10)

	a.expect(`-"ERR No such client"`, "CLIENT", "KILL", "1.2.3.4:5")
	a.expect(`-"ERR No such client"`, "CLIENT", "KILL", "id")
	a.expect(`-"ERR client-id should be greater than 0"`, "CLIENT", "KILL", "ID", "x")
	a.expect(`-"ERR client-id should be greater than 0"`, "CLIENT", "KILL", "ID", "0")
	a.expect(`:0`, "CLIENT", "KILL", "ID", "999")
	a.expect(`:0`, "CLIENT", "KILL", "ADDR", "x")
	a.expect(`:0`, "CLIENT", "KILL", "LADDR", "x")
	a.expect(`:0`, "CLIENT", "KILL", "TYPE", "master")
	a.expect(`-"ERR Unknown client type 'bogus'"`, "CLIENT", "KILL", "TYPE", "bogus")
	a.expect(`-"ERR syntax error"`, "CLIENT", "KILL", "SKIPME", "maybe")
	a.expect(`-"ERR No such user 'nobody'"`, "CLIENT", "KILL", "USER", "nobody")
	a.expect(`-"ERR syntax error"`, "CLIENT", "KILL", "foo", "bar")
	a.expect(`-"ERR syntax error"`, "CLIENT", "KILL", "a", "b", "c")
	a.expect(`-"ERR syntax error"`, "CLIENT", "KILL", "ID", "99", "TYPE")
	// SKIPME defaults to yes: the caller survives.
	a.expect(`:0`, "CLIENT", "KILL", "ID", idA)
	a.expect(`:0`, "CLIENT", "KILL", "USER", "default")

	// New form, by ID.
	b := s.dial(t)
	idB := strconv.FormatInt(b.do("CLIENT", "ID").Int, 10)
	a.expect(`:1`, "CLIENT", "KILL", "ID", idB, "USER", "default", "TYPE", "normal")
	if !b.closed() {
		t.Error("the killed connection is still open")
	}
	if l := parseClientList(t, a.text("CLIENT", "LIST")); len(l) != 1 || l[0]["id"] != idA {
		t.Errorf("after KILL: %v", l)
	}

	// Old form, by address.
	c := s.dial(t)
	c.expect(`+"PONG"`, "PING") // registered
	a.expect(`+"OK"`, "CLIENT", "KILL", c.nc.LocalAddr().String())
	if !c.closed() {
		t.Error("the killed connection is still open")
	}

	// LADDR, SKIPME no: everyone, the caller too, after the reply.
	d := s.dial(t)
	d.expect(`+"PONG"`, "PING")
	a.expect(`:2`, "CLIENT", "KILL", "LADDR", s.addr, "SKIPME", "no")
	if !a.closed() || !d.closed() {
		t.Error("CLIENT KILL SKIPME no left connections open")
	}

	// The old form kills the caller itself.
	e := s.dial(t)
	e.expect(`+"OK"`, "CLIENT", "KILL", e.nc.LocalAddr().String())
	if !e.closed() {
		t.Error("the old form did not close the caller")
	}
}
