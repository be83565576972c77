package server

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

func TestCommandCountAndList(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	n := len(embedis.Commands())
	c.expect(":"+strconv.Itoa(n), "COMMAND", "COUNT")
	c.expect(`-"ERR wrong number of arguments for 'command|count' command"`, "COMMAND", "COUNT", "x")

	all := admStrs(c.do("COMMAND", "LIST"))
	have := make(map[string]bool)
	for _, name := range all {
		have[name] = true
	}
	for _, cmd := range embedis.Commands() {
		if !have[cmd.Name] {
			t.Errorf("COMMAND LIST lacks %q", cmd.Name)
		}
	}
	for _, sub := range []string{"client|list", "client|setinfo", "config|get", "command|docs"} {
		if !have[sub] {
			t.Errorf("COMMAND LIST lacks %q", sub)
		}
	}

	got := admStrs(c.do("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG|*"))
	sort.Strings(got)
	if want := "config|get config|help config|resetstat config|rewrite config|set"; strings.Join(got, " ") != want {
		t.Errorf("FILTERBY PATTERN CONFIG|* = %q", got)
	}
	got = admStrs(c.do("COMMAND", "LIST", "FILTERBY", "ACLCAT", "String"))
	if len(got) == 0 || !admContains(got, "get") || admContains(got, "del") {
		t.Errorf("FILTERBY ACLCAT string = %q", got)
	}
	got = admStrs(c.do("COMMAND", "LIST", "FILTERBY", "aclcat", "connection"))
	if !admContains(got, "ping") || !admContains(got, "client|kill") || admContains(got, "client") {
		t.Errorf("FILTERBY ACLCAT connection = %q", got)
	}
	c.expect("*[]", "COMMAND", "LIST", "FILTERBY", "MODULE", "x")
	c.expect("*[]", "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat")
	for _, args := range [][]string{{"x"}, {"FILTERBY"}, {"FILTERBY", "foo", "x"}, {"FILTERBY", "ACLCAT", "read", "x"}} {
		c.expect(`-"ERR syntax error"`, append([]string{"COMMAND", "LIST"}, args...)...)
	}
	c.expect(`-"ERR unknown subcommand 'foo'. Try COMMAND HELP."`, "COMMAND", "foo")
	if h := c.do("COMMAND", "HELP"); len(h.Elems) != 21 || h.Elems[1].Str != "(no subcommand)" {
		t.Errorf("COMMAND HELP = %s", h)
	}
}

func admContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCommandInfo(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	// Redis 7.0.15's entries, but for the key specs, which embedis leaves
	// empty.
	c.expect(`*[*[$"get", :2, *[+"readonly", +"fast"], :1, :1, :1, *[+"@read", +"@string", +"@fast"], *[], *[], *[]], `+
		`*[$"mset", :-3, *[+"write", +"denyoom"], :1, :-1, :2, *[+"@write", +"@string", +"@slow"], *[], *[], *[]], `+
		`$-1, `+
		`*[$"client|list", :-2, *[+"admin", +"noscript", +"loading", +"stale"], :0, :0, :0, `+
		`*[+"@admin", +"@slow", +"@dangerous", +"@connection"], *[$"nondeterministic_output"], *[], *[]], `+
		`$-1, `+
		`*[$"config|get", :-3, *[+"admin", +"noscript", +"loading", +"stale"], :0, :0, :0, *[+"@admin", +"@slow", +"@dangerous"], *[], *[], *[]]]`,
		"COMMAND", "INFO", "get", "MSET", "nosuch", "client|list", "client|nosuch", "CONFIG|GET")

	// A container lists its subcommands.
	r := c.do("COMMAND", "INFO", "config")
	e := r.Elems[0]
	if e.Elems[0].Str != "config" || e.Elems[1].Int != -2 || len(e.Elems[2].Elems) != 0 || len(e.Elems[9].Elems) != 5 {
		t.Errorf("COMMAND INFO config = %s", r)
	}

	// Without names: every command, in RESP3 with sets.
	all := c.do("COMMAND")
	if len(all.Elems) != len(embedis.Commands()) {
		t.Errorf("COMMAND: %d entries, want %d", len(all.Elems), len(embedis.Commands()))
	}
	if r := c.do("COMMAND", "INFO"); len(r.Elems) != len(all.Elems) {
		t.Errorf("COMMAND INFO: %d entries", len(r.Elems))
	}
	c.do("HELLO", "3")
	c.expect(`*[*[$"incr", :2, ~{+"write", +"denyoom", +"fast"}, :1, :1, :1, ~{+"@write", +"@string", +"@fast"}, ~{}, ~{}, *[]], _]`,
		"COMMAND", "INFO", "incr", "nosuch")
}

func TestCommandDocs(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	c.expect(`*[$"get", *[$"summary", $"Get the value of a key", $"since", $"1.0.0", $"group", $"string", $"complexity", $"O(1)"], `+
		`$"client|list", *[$"summary", $"Get the list of client connections", $"since", $"2.4.0", $"group", $"connection", `+
		`$"complexity", $"O(N) where N is the number of client connections"]]`,
		"COMMAND", "DOCS", "GET", "nosuch", "Client|list")
	c.expect("*[]", "COMMAND", "DOCS", "nosuch")

	docs := admPairs(c.do("COMMAND", "DOCS"))
	if len(docs) != len(embedis.Commands()) {
		t.Errorf("COMMAND DOCS: %d commands, want %d", len(docs), len(embedis.Commands()))
	}
	cfg := admPairs(docs["config"])
	if cfg["group"].Str != "server" || len(admPairs(cfg["subcommands"])) != 5 {
		t.Errorf("COMMAND DOCS config = %v", docs["config"])
	}
	c.do("HELLO", "3")
	c.expect(`%{$"ttl": %{$"summary": $"Get the time to live for a key in seconds", $"since": $"1.0.0", $"group": $"generic", $"complexity": $"O(1)"}}`,
		"COMMAND", "DOCS", "ttl")
}

func TestCommandGetKeys(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	c.expect(`*[$"a"]`, "COMMAND", "GETKEYS", "SET", "a", "b")
	c.expect(`*[$"a", $"b"]`, "COMMAND", "GETKEYS", "mset", "a", "1", "b", "2")
	c.expect(`*[$"a", $"b"]`, "COMMAND", "GETKEYS", "mset", "a", "1", "b")
	c.expect(`*[$"a", $"b", $"c"]`, "COMMAND", "GETKEYS", "del", "a", "b", "c")
	c.expect(`*[$"a", $"b"]`, "COMMAND", "GETKEYS", "rename", "a", "b")
	c.expect(`-"ERR The command has no key arguments"`, "COMMAND", "GETKEYS", "ping", "x")
	c.expect(`-"ERR The command has no key arguments"`, "COMMAND", "GETKEYS", "config", "get")
	c.expect(`-"ERR Invalid command specified"`, "COMMAND", "GETKEYS", "client", "nosuch")
	c.expect(`-"ERR Invalid command specified"`, "COMMAND", "GETKEYS", "nosuch", "a")
	c.expect(`-"ERR Invalid number of arguments specified for command"`, "COMMAND", "GETKEYS", "get", "a", "b")
	c.expect(`-"ERR Invalid number of arguments specified for command"`, "COMMAND", "GETKEYS", "mset", "a")
	c.expect(`-"ERR wrong number of arguments for 'command|getkeys' command"`, "COMMAND", "GETKEYS", "get")
	c.expect(`-"ERR wrong number of arguments for 'command|getkeys' command"`, "COMMAND", "GETKEYS")
}

func TestCategories(t *testing.T) {
	for _, tc := range []struct {
		flags    []string
		declared string
		want     string
	}{
		{[]string{"readonly", "fast"}, "@string", "read string fast"},
		{[]string{"write", "denyoom"}, "@string", "write string slow"},
		{[]string{"admin", "noscript"}, "@connection", "admin slow dangerous connection"},
		{[]string{"readonly"}, "@keyspace @dangerous", "keyspace read slow dangerous"},
		{nil, "", "slow"},
	} {
		if got := strings.Join(categories(tc.flags, tc.declared), " "); got != tc.want {
			t.Errorf("categories(%q, %q) = %q, want %q", tc.flags, tc.declared, got, tc.want)
		}
	}
}

func TestCheckSubcommand(t *testing.T) {
	for _, tc := range []struct {
		args           []string
		full, errorMsg string
	}{
		{[]string{"CLIENT", "LIST"}, "client|list", ""},
		{[]string{"client", "setname"}, "client|setname", "ERR wrong number of arguments for 'client|setname' command"},
		{[]string{"Config", "nope"}, "config", "ERR unknown subcommand 'nope'. Try CONFIG HELP."},
		{[]string{"command"}, "command", ""},
		{[]string{"get", "k"}, "get", ""},
	} {
		full, msg := checkSubcommand(strings.ToLower(tc.args[0]), tc.args)
		if full != tc.full || msg != tc.errorMsg {
			t.Errorf("checkSubcommand(%q) = %q, %q; want %q, %q", tc.args, full, msg, tc.full, tc.errorMsg)
		}
	}
}
