package server

import (
	"strings"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/resp"
)

// Checks of the administrative commands against a live redis-server 7.0
// (skipped without one, fatal under CI=true).

// configMachineDependent are the parameters whose value depends on the
// machine, the process or the options redistest starts redis-server with.
var configMachineDependent = map[string]bool{
	"dir": true, "unixsocket": true, "port": true, "bind": true, "pidfile": true, "logfile": true,
	"loglevel": true, "io-threads": true, "daemonize": true, "appendonly": true, "unixsocketperm": true,
}

// configDiffersOnPurpose reports whether embedis shows another value than
// Redis's default for the parameter because the default is not in effect
// (configInEffect; save matches, as redistest starts Redis with --save "").
func configDiffersOnPurpose(name string) bool {
	_, ok := configInEffect[name]
	return ok && name != "save"
}

func TestConfigGetAllMatchesRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	emb := admStart(t, Options{}).dial(t)

	values := func(c *admConn, args ...string) map[string]string {
		m := make(map[string]string)
		for k, v := range admPairs(c.do(args...)) {
			m[k] = v.Str
		}
		return m
	}
	want, got := values(red, "CONFIG", "GET", "*"), values(emb, "CONFIG", "GET", "*")
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("CONFIG GET * lacks %q (Redis: %q)", name, w)
		case g != w && !configMachineDependent[name] && !configDiffersOnPurpose(name):
			t.Errorf("CONFIG GET %s = %q, Redis %q", name, g, w)
		}
	}
	for name := range got {
		// A redis-server built without TLS lacks the tls-* parameters.
		if _, ok := want[name]; !ok && !strings.HasPrefix(name, "tls-") {
			t.Errorf("CONFIG GET * has %q, which Redis does not", name)
		}
	}
	// The hidden ones answer only to their exact names.
	for i := range configTable {
		p := &configTable[i]
		if p.flags&cfgHidden == 0 {
			continue
		}
		w, g := red.do("CONFIG", "GET", p.name).String(), emb.do("CONFIG", "GET", p.name).String()
		if g != w {
			t.Errorf("CONFIG GET %s = %s, Redis %s", p.name, g, w)
		}
	}
}

func TestConfigSetCasesMatchRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	for _, tc := range configSetCases {
		want, _ := splitRedisVsOurs(tc.want)
		if tc.args == nil {
			name, value, _ := strings.Cut(want[1:], " ")
			if got := red.do("CONFIG", "GET", name); len(got.Elems) != 2 || got.Elems[1].Str != value {
				t.Errorf("Redis: CONFIG GET %s = %s, the case says %q", name, got, value)
			}
			continue
		}
		r := red.do(append([]string{"CONFIG", "SET"}, tc.args...)...)
		if got := renderConfigReply(r.Kind, r.Str); got != want {
			t.Errorf("Redis: CONFIG SET %q:\n got %s\n the case says %s", tc.args, got, want)
		}
	}
}

// TestAdminRepliesMatchRedis compares replies that carry no identities.
func TestAdminRepliesMatchRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	emb := admStart(t, Options{}).dial(t)
	for _, args := range [][]string{
		{"CLIENT", "HELP"}, {"CONFIG", "HELP"}, {"COMMAND", "HELP"},
		{"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", "a b"}, {"CLIENT", "SETNAME", "x"}, {"CLIENT", "GETNAME"},
		{"CLIENT", "NOPE"}, {"CLIENT", "LIST", "TYPE", "pubsub"}, {"CLIENT", "LIST", "ID", "x"},
		{"CLIENT", "KILL", "ID", "0"}, {"CLIENT", "KILL", "1.2.3.4:5"}, {"CLIENT", "KILL", "USER", "nobody"},
		{"CLIENT", "NO-EVICT", "x"}, {"CONFIG", "REWRITE"}, {"CONFIG", "GET"}, {"COMMAND", "GETKEYS", "nosuch", "x"},
		{"COMMAND", "GETKEYS", "get", "a", "b"}, {"COMMAND", "GETKEYS", "mset", "a", "1", "b"}, {"COMMAND", "DOCS", "nosuch"},
		{"COMMAND", "INFO", "nosuch"}, {"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}, {"COMMAND", "LIST", "nope"},
		{"INFO", "nosuch"}, {"INFO", "modules"}, {"INFO", "cluster"},
		// The SHUTDOWN forms that do not shut down (SHUTDOWN SAVE:
		// TestShutdownForms, TestShutdownSaveFails).
		{"SHUTDOWN", "ABORT"}, {"SHUTDOWN", "abort", "abort"}, {"SHUTDOWN", "SAVE", "NOSAVE"}, {"SHUTDOWN", "ABORT", "NOW"},
		{"SHUTDOWN", "NOSAVE", "ABORT"}, {"SHUTDOWN", "foo"},
	} {
		if w, g := red.do(args...).String(), emb.do(args...).String(); g != w {
			t.Errorf("%q:\n got %s\nwant %s", args, g, w)
		}
	}
}

// TestCommandDocsMatchRedis checks the generated documentation and the
// categories of every command of the table against Redis's.
func TestCommandDocsMatchRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	emb := admStart(t, Options{}).dial(t)
	for _, cmd := range embedis.Commands() {
		w := admPairs(red.do("COMMAND", "DOCS", cmd.Name))[cmd.Name]
		g := admPairs(emb.do("COMMAND", "DOCS", cmd.Name))[cmd.Name]
		wd, gd := admPairs(w), admPairs(g)
		for _, f := range []string{"summary", "since", "group", "complexity"} {
			if wd[f].Str != gd[f].Str {
				t.Errorf("COMMAND DOCS %s %s = %q, Redis %q", cmd.Name, f, gd[f].Str, wd[f].Str)
			}
		}
		// The categories follow from the flags: they match Redis's
		// where the table's flags do.
		wi, gi := red.do("COMMAND", "INFO", cmd.Name).Elems[0], emb.do("COMMAND", "INFO", cmd.Name).Elems[0]
		if wi.Elems[2].String() == gi.Elems[2].String() && wi.Elems[6].String() != gi.Elems[6].String() {
			t.Errorf("COMMAND INFO %s categories %s, Redis %s", cmd.Name, gi.Elems[6], wi.Elems[6])
		}
	}
	// The subcommands embedis implements.
	for _, container := range []string{"client", "config", "command"} {
		for _, sub := range sortedSubcommands(container) {
			if sub.name == "client|setinfo" { // Redis 7.2's
				continue
			}
			w, g := red.do("COMMAND", "INFO", sub.name), emb.do("COMMAND", "INFO", sub.name)
			if w.Elems[0].Null || clearKeySpecs(w).String() != g.String() {
				t.Errorf("COMMAND INFO %s:\n got %s\nwant %s", sub.name, g, w)
			}
			wd := admPairs(admPairs(red.do("COMMAND", "DOCS", sub.name))[sub.name])
			gd := admPairs(admPairs(emb.do("COMMAND", "DOCS", sub.name))[sub.name])
			for _, f := range []string{"summary", "since", "group", "complexity"} {
				if wd[f].Str != gd[f].Str {
					t.Errorf("COMMAND DOCS %s %s = %q, Redis %q", sub.name, f, gd[f].Str, wd[f].Str)
				}
			}
		}
	}
}

// clearKeySpecs empties the key specs of COMMAND INFO entries, which
// embedis does not give.
func clearKeySpecs(r resp.Reply) resp.Reply {
	for i := range r.Elems {
		if len(r.Elems[i].Elems) == 10 {
			r.Elems[i].Elems[8].Elems = nil
		}
	}
	return r
}

// TestInfoFieldsMatchRedis checks that INFO everything has every section and
// field of Redis's, in Redis's order (the fields embedis adds aside).
func TestInfoFieldsMatchRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	emb := admStart(t, Options{}).dial(t)
	layout := func(c *admConn) (titles []string, fields map[string][]string) {
		fields = make(map[string][]string)
		text := c.text("INFO", "everything")
		for _, sec := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n\r\n") {
			lines := strings.Split(sec, "\r\n")
			title := strings.TrimPrefix(lines[0], "# ")
			titles = append(titles, title)
			for _, l := range lines[1:] {
				name, _, _ := strings.Cut(l, ":")
				fields[title] = append(fields[title], name)
			}
		}
		return titles, fields
	}
	wt, wf := layout(red)
	gt, gf := layout(emb)
	if strings.Join(gt, " ") != strings.Join(wt, " ") {
		t.Fatalf("INFO everything sections %q, Redis %q", gt, wt)
	}
	extra := map[string]bool{"embedis_version": true, "go_version": true}
	for _, title := range wt {
		if title == "Commandstats" || title == "Errorstats" || title == "Latencystats" || title == "Keyspace" {
			continue
		}
		var g []string
		for _, f := range gf[title] {
			if !extra[f] {
				g = append(g, f)
			}
		}
		if strings.Join(g, " ") != strings.Join(wf[title], " ") {
			t.Errorf("INFO %s fields:\n got %q\nwant %q", title, g, wf[title])
		}
	}
}

// TestClientListMatchesRedis checks the fields of a CLIENT LIST line.
func TestClientListMatchesRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	emb := admStart(t, Options{}).dial(t)
	names := func(line string) string {
		var out []string
		for _, f := range strings.Fields(line) {
			name, _, _ := strings.Cut(f, "=")
			out = append(out, name)
		}
		return strings.Join(out, " ")
	}
	w, g := names(red.text("CLIENT", "INFO")), names(emb.text("CLIENT", "INFO"))
	if g != w {
		t.Errorf("CLIENT INFO fields:\n got %s\nwant %s", g, w)
	}
}

// TestConfigRefusalsMatchRedisOnDefaults checks every refused parameter
// against redis-server: the value in effect, which embedis accepts, Redis
// accepts too (so a client that sets the defaults works on both), and the
// other value embedis refuses is one Redis accepts (so the refusal is about
// embedis's missing behaviour, not the value).
func TestConfigRefusalsMatchRedisOnDefaults(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	emb := admStart(t, Options{}).dial(t)
	for i := range configTable {
		p := &configTable[i]
		// port would move Redis's listener; tls-port would open one.
		if !p.class.refused() || p.canonical() == "port" || p.canonical() == "tls-port" {
			continue
		}
		cur := emb.do("CONFIG", "GET", p.name).Elems[1].Str
		w, g := red.do("CONFIG", "SET", p.name, cur).String(), emb.do("CONFIG", "SET", p.name, cur).String()
		if w != `+"OK"` || g != w {
			t.Errorf("CONFIG SET %s %q: embedis %s, Redis %s", p.name, cur, g, w)
		}
		redisCur := red.do("CONFIG", "GET", p.name).Elems[1].Str
		other := otherConfigValue(t, p, cur)
		if r := red.do("CONFIG", "SET", p.name, other).String(); r != `+"OK"` {
			t.Errorf("Redis refuses CONFIG SET %s %q: %s", p.name, other, r)
		}
		red.expect(`+"OK"`, "CONFIG", "SET", p.name, redisCur)
		emb.expect(`-"`+configSetFailed(p.name, configRefusals[p.class])+`"`, "CONFIG", "SET", p.name, other)
	}
}
