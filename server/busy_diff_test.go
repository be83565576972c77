package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/resp"
)

// loop2s is a script body that loops for two seconds of the
// server's time, so that it ends by itself.
const loop2s = `local t = redis.call('TIME')
local stop = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + 2000
repeat t = redis.call('TIME') until tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) >= stop
`

// TestDiffBusyScript runs the same long-script scenario on redis-server and
// on embedis and compares every reply: past busy-reply-threshold another
// client gets BUSY (after the threshold, never before: its first command
// waits), the commands Redis lets through while busy answer, SCRIPT KILL
// stops a script that has not written (its client gets Redis's killed
// text, with the SHA-1 and line) and is UNKILLABLE for one that has written,
// which then finishes.
func TestDiffBusyScript(t *testing.T) {
	s := startBoth(t)
	results := map[string][]string{}
	for _, side := range []struct {
		name string
		dial func() *wire
		tick func() // advances the server's clock (embedis's is a manual one)
	}{
		{"redis", func() *wire { return dialWire(t, "unix", s.redisSock) }, func() {}},
		{"embedis", func() *wire { return dialWire(t, "tcp", s.embedAddr) }, func() { s.embed.Clock.Advance(3 * time.Second) }},
	} {
		t.Run(side.name, func(t *testing.T) {
			runner, other := side.dial(), side.dial()
			var got []string
			note := func(r resp.Reply) { got = append(got, r.String()) }
			do := func(w *wire, args ...string) { w.send(args...); note(w.read(t)) }

			do(other, "CONFIG", "SET", "lua-time-limit", "50")
			do(other, "CONFIG", "GET", "busy-reply-threshold")
			runner.send("EVAL", "local i = 0\nwhile true do i = i + 1 end", "0")
			untilBusy(t, other)
			do(other, "GET", "k")
			do(other, "NOSUCHCOMMAND")
			do(other, "GET")
			do(other, "SCRIPT", "KILL")
			note(runner.read(t))
			do(other, "SCRIPT", "KILL")
			do(other, "GET", "k")

			runner.send("EVAL", "redis.call('SET', KEYS[1], 'v')\n"+loop2s+"return 'finished'", "1", "k")
			untilBusy(t, other)
			do(other, "SCRIPT", "KILL")
			side.tick()
			note(runner.read(t))
			do(other, "GET", "k")
			do(other, "CONFIG", "SET", "busy-reply-threshold", "5000")
			do(other, "CONFIG", "GET", "lua-time-limit")
			do(other, "DEL", "k")
			results[side.name] = got
		})
	}
	r, e := results["redis"], results["embedis"]
	if len(r) != len(e) {
		t.Fatalf("replies: redis %d, embedis %d\nredis   %q\nembedis %q", len(r), len(e), r, e)
	}
	for i := range r {
		compared.Add(1)
		if r[i] != e[i] {
			t.Errorf("reply %d:\nredis   %s\nembedis %s", i, r[i], e[i])
		}
	}
}

// untilBusy sends PING until the reply is BUSY: the other client's EVAL may
// reach the server after a PING (answered PONG); once the script runs, PING
// waits for the threshold and gets BUSY.
func untilBusy(t *testing.T, w *wire) {
	t.Helper()
	for start := time.Now(); ; {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the server was not busy with the script within 10 s")
		}
		w.send("PING")
		r := w.read(t)
		if r.Kind == '-' {
			if !strings.HasPrefix(r.Str, "BUSY ") {
				t.Fatalf("PING: %s", r.Str)
			}
			return
		}
	}
}

// zeroDurations sets the duration_ms of a FUNCTION STATS reply to 0: the
// time a function has run differs between the two servers.
func zeroDurations(r *resp.Reply) {
	for i := range r.Elems {
		if r.Elems[i].Str == "duration_ms" && i+1 < len(r.Elems) {
			r.Elems[i+1].Int = 0
		}
		zeroDurations(&r.Elems[i])
	}
}

// TestDiffBusyFunction is TestDiffBusyScript for a function run by FCALL:
// BUSY names FUNCTION KILL, FUNCTION STATS names the function running,
// FUNCTION KILL stops one that has not written and is UNKILLABLE for one
// that has; FUNCTION STATS while an EVAL script is busy is BUSY.
func TestDiffBusyFunction(t *testing.T) {
	s := startBoth(t)
	results := map[string][]string{}
	lib := "#!lua name=busy\n" +
		"redis.register_function('spin', function(keys, args) local i = 0 while true do i = i + 1 end end)\n" +
		"redis.register_function('wspin', function(keys, args) redis.call('SET', keys[1], 'v')\n" + loop2s + " return 'finished' end)\n"
	for _, side := range []struct {
		name string
		dial func() *wire
		tick func()
	}{
		{"redis", func() *wire { return dialWire(t, "unix", s.redisSock) }, func() {}},
		{"embedis", func() *wire { return dialWire(t, "tcp", s.embedAddr) }, func() { s.embed.Clock.Advance(3 * time.Second) }},
	} {
		t.Run(side.name, func(t *testing.T) {
			runner, other := side.dial(), side.dial()
			var got []string
			note := func(r resp.Reply) { zeroDurations(&r); got = append(got, r.String()) }
			do := func(w *wire, args ...string) { w.send(args...); note(w.read(t)) }

			do(other, "FUNCTION", "FLUSH")
			do(other, "FUNCTION", "LOAD", lib)
			do(other, "CONFIG", "SET", "lua-time-limit", "50")
			runner.send("FCALL", "spin", "0")
			untilBusy(t, other)
			do(other, "GET", "k")
			do(other, "SCRIPT", "KILL")
			do(other, "FUNCTION", "STATS")
			do(other, "FUNCTION", "KILL")
			note(runner.read(t))
			do(other, "FUNCTION", "KILL")
			do(other, "FUNCTION", "STATS")

			runner.send("EVAL", "local i = 0\nwhile true do i = i + 1 end", "0")
			untilBusy(t, other)
			do(other, "FUNCTION", "STATS")
			do(other, "FUNCTION", "KILL")
			do(other, "SCRIPT", "KILL")
			note(runner.read(t))

			runner.send("FCALL", "wspin", "1", "k")
			untilBusy(t, other)
			do(other, "FUNCTION", "KILL")
			side.tick()
			note(runner.read(t))
			do(other, "GET", "k")
			do(other, "CONFIG", "SET", "busy-reply-threshold", "5000")
			do(other, "DEL", "k")
			do(other, "FUNCTION", "FLUSH")
			results[side.name] = got
		})
	}
	r, e := results["redis"], results["embedis"]
	if len(r) != len(e) {
		t.Fatalf("replies: redis %d, embedis %d\nredis   %q\nembedis %q", len(r), len(e), r, e)
	}
	for i := range r {
		compared.Add(1)
		if r[i] != e[i] {
			t.Errorf("reply %d:\nredis   %s\nembedis %s", i, r[i], e[i])
		}
	}
}
