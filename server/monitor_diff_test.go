package server_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
)

// monitorLine is a MONITOR line's time and client address, replaced by
// placeholders for the comparison ("lua" is kept).
var monitorLine = regexp.MustCompile(`^(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] `)

// readMonitorLines reads a monitor's lines up to the one that shows the
// client's closing PING.
func readMonitorLines(t *testing.T, m *wire) []string {
	t.Helper()
	var lines []string
	for {
		r := m.read(t)
		if r.Kind != '+' {
			t.Fatalf("monitor got %c %q", r.Kind, r.Str)
		}
		lines = append(lines, r.Str)
		if strings.HasSuffix(r.Str, `"PING" "end-of-test"`) {
			return lines
		}
	}
}

func normalizeMonitorLine(t *testing.T, line string) (string, string) {
	t.Helper()
	sm := monitorLine.FindStringSubmatch(line)
	if sm == nil {
		t.Fatalf("not a monitor line: %q", line)
	}
	addr := sm[4]
	if addr != "lua" {
		addr = "ADDR"
	}
	return "+T [" + sm[3] + " " + addr + "] " + line[len(sm[0]):], sm[4]
}

// TestDiffMonitor sends the same commands to redis-server and embedis on one
// connection while another MONITORs, and compares the monitors' lines.
func TestDiffMonitor(t *testing.T) {
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			s := startBoth(t)
			p := s.pair(t)
			mon := s.pair(t)
			for _, w := range []*wire{mon.redis, mon.embed} {
				w.send("HELLO", proto)
				w.read(t)
				w.send("MONITOR")
				if r := w.read(t); r.Kind != '+' || r.Str != "OK" {
					t.Fatalf("MONITOR: %c %q", r.Kind, r.Str)
				}
			}
			cmds := [][]string{
				{"SET", "k", "v"},
				{"set", "bin", "a\nb\r\t\a\b\\\"\x00\x7f\xc3\xa9 z"},
				{"GET", "bin"},
				{"AUTH", "secret"},
				{"AUTH", "user", "secret"},
				{"HELLO", "3", "AUTH", "default", "pw", "SETNAME", "me"},
				{"HELLO", "2"},
				{"HELLO", "4", "AUTH", "default", "pw"},
				{"SELECT", "3"},
				{"SET", "in3", "1"},
				{"SELECT", "0"},
				{"INCR", "k"},
				{"NOSUCH", "x"},
				{"GET"},
				{"CONFIG", "GET", "maxmemory"},
				{"CLIENT", "LIST"},
				{"CLIENT", "GETNAME"},
				{"MULTI"},
				{"SET", "m", "1"},
				{"INCR", "m"},
				{"LPUSH", "m", "x"},
				{"MONITOR"},
				{"EXEC"},
				{"MULTI"},
				{"SET", "m"},
				{"EXEC"},
				{"EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])", "1", "sk", "sv\n"},
				{"EVAL", "return redis.call('select', '2')", "0"},
				{"EVAL", "return redis.call('incr', 'k')", "0"},
				{"EVAL", "return redis.call('nosuch')", "0"},
				{"EVAL", "return redis.call('get')", "0"},
				{"EVAL", "return redis.pcall('lpush', 'sk', 'x')", "0"},
				{"DEL", "k", "bin", "m", "sk", "in3"},
				{"RESET"},
				{"PING", "end-of-test"},
			}
			for _, cmd := range cmds {
				p.redis.send(cmd...)
				p.embed.send(cmd...)
				p.redis.read(t)
				p.embed.read(t)
			}
			want := readMonitorLines(t, mon.redis)
			got := readMonitorLines(t, mon.embed)
			if len(want) != len(got) {
				t.Errorf("redis-server showed %d lines, embedis %d", len(want), len(got))
			}
			port := p.embed.c.LocalAddr().String()
			for i := 0; i < len(want) || i < len(got); i++ {
				var w, g, addr string
				if i < len(want) {
					w, _ = normalizeMonitorLine(t, want[i])
				}
				if i < len(got) {
					g, addr = normalizeMonitorLine(t, got[i])
					if addr != "lua" && addr != port {
						t.Errorf("line %d: address %q, want the client's %q", i, addr, port)
					}
				}
				if w != g {
					t.Errorf("line %d:\nredis:   %s\nembedis: %s", i, w, g)
				}
			}
			if len(want) < 20 {
				t.Errorf("only %d lines: %q", len(want), want)
			}
		})
	}
}

// TestMonitorSlowDisconnected: a monitor that never reads is disconnected at
// the normal class's output limit, and the server keeps serving the others.
func TestMonitorSlowDisconnected(t *testing.T) {
	es := embedistest.Run(t)
	c := dialWire(t, "tcp", es.Addr)
	c.send("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0")
	if r := c.read(t); r.Str != "OK" {
		t.Fatalf("CONFIG SET: %q", r.Str)
	}
	slow := dialWire(t, "tcp", es.Addr)
	slow.send("MONITOR")
	if r := slow.read(t); r.Str != "OK" {
		t.Fatalf("MONITOR: %q", r.Str)
	}
	c.send("CLIENT", "LIST")
	if r := c.read(t); !strings.Contains(r.Str, "flags=O") {
		t.Fatalf("CLIENT LIST shows no monitor: %q", r.Str)
	}
	big := strings.Repeat("x", 64<<10)
	for i := 0; i < 2000; i++ {
		c.send("SET", "k", big)
		if r := c.read(t); r.Str != "OK" {
			t.Fatalf("SET %d: %c %q", i, r.Kind, r.Str)
		}
	}
	// The monitor is gone: only c is listed, and reads on it end.
	c.send("CLIENT", "LIST")
	if r := c.read(t); strings.Contains(r.Str, "flags=O") || strings.Count(r.Str, "\n") != 1 {
		t.Fatalf("the slow monitor is still connected: %q", r.Str)
	}
	slow.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1<<20)
	for {
		if _, err := slow.c.Read(buf); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("the slow monitor's connection was not closed")
			}
			break
		}
	}
	c.send("GET", "k")
	if r := c.read(t); len(r.Str) != len(big) {
		t.Fatalf("GET after: %d bytes", len(r.Str))
	}
}

// TestDiffMonitorSubscribed: a monitor that also subscribes gets its
// messages and its monitor lines in Redis's order (a PUBLISH's message
// before the PUBLISH's line), though the owner queues the lines unformatted
// among the encoded messages of the mailbox.
func TestDiffMonitorSubscribed(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	mon := s.pair(t)
	for _, w := range []*wire{mon.redis, mon.embed} {
		w.send("MONITOR")
		if r := w.read(t); r.Kind != '+' || r.Str != "OK" {
			t.Fatalf("MONITOR: %c %q", r.Kind, r.Str)
		}
		w.send("SUBSCRIBE", "ch")
	}
	mon.compareNext("SUBSCRIBE")
	cmds := [][]string{
		{"PUBLISH", "ch", "one"}, {"SET", "k", "v"}, {"PUBLISH", "ch", "two\r\n"}, {"PUBLISH", "other", "x"},
		{"PUBLISH", "ch", "three"}, {"DEL", "k"}, {"PING", "end-of-test"},
	}
	for _, cmd := range cmds {
		p.do(cmd...)
	}
	stream := func(w *wire) []string {
		var out []string
		for {
			r := w.read(t)
			if r.Kind == '+' {
				line, _ := normalizeMonitorLine(t, r.Str)
				out = append(out, line)
				if strings.HasSuffix(r.Str, `"PING" "end-of-test"`) {
					return out
				}
				continue
			}
			out = append(out, r.String())
		}
	}
	want, got := stream(mon.redis), stream(mon.embed)
	if strings.Join(want, "\n") != strings.Join(got, "\n") {
		t.Fatalf("monitor's stream\nredis:\n%s\nembedis:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
	if len(want) != 11 {
		t.Errorf("%d lines and messages, want 11: %q", len(want), want)
	}
}
