package server_test

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Client-side caching compared with redis-server: each step runs a command
// on one connection and compares its reply, then collects what every
// connection involved has received since (invalidation pushes, pub/sub
// messages on __redis__:invalidate) up to the reply of a PING sent after it,
// and compares those too, connection by connection. A push caused by another
// connection's command is in the mailbox before that command is answered,
// so the PING's reply comes after it on both servers.

// drain sends PING <marker> and returns the frames p received before its
// reply, one list per server; client IDs are replaced by "ID".
func (p *pair) drain(t *testing.T, ids ...[2]int64) (redis, embed []string) {
	t.Helper()
	const marker = "drain-marker"
	read := func(w *wire, id int) []string {
		w.send("PING", marker)
		var out []string
		for {
			r := w.read(t)
			s := r.String()
			if strings.Contains(s, marker) && (r.Kind == '$' || r.Kind == '*' || r.Kind == '+') {
				return out
			}
			out = append(out, maskIDs(s, ids, id))
		}
	}
	return read(p.redis, 0), read(p.embed, 1)
}

// maskIDs replaces the integers in a reply's text that are one of the
// client IDs of server which (0 redis, 1 embedis) by "ID".
func maskIDs(s string, ids [][2]int64, which int) string {
	return intPattern.ReplaceAllStringFunc(s, func(m string) string {
		for _, id := range ids {
			if m[1:] == strconv.FormatInt(id[which], 10) {
				return ":ID"
			}
		}
		return m
	})
}

var intPattern = regexp.MustCompile(`:-?[0-9]+\b`)

// clientIDs returns the CLIENT ID of p's connection on each server.
func (p *pair) clientIDs(t *testing.T) [2]int64 {
	t.Helper()
	p.sendBoth("CLIENT", "ID")
	return [2]int64{p.redis.read(t).Int, p.embed.read(t).Int}
}

// infoFields returns the tracking fields of INFO on each server.
func trackingInfo(t *testing.T, p *pair) (redis, embed string) {
	t.Helper()
	get := func(w *wire) string {
		w.send("INFO", "everything")
		var out []string
		for _, l := range strings.Split(w.read(t).Str, "\r\n") {
			if strings.HasPrefix(l, "tracking_") {
				out = append(out, l)
			}
		}
		return strings.Join(out, " ")
	}
	return get(p.redis), get(p.embed)
}

func TestDiffClientTracking(t *testing.T) {
	s := startBoth(t)
	a, b := s.pair(t), s.pair(t) // a tracks, b writes
	hello := func(p *pair, proto string) {
		p.sendBoth("HELLO", proto)
		p.redis.read(t)
		p.embed.read(t)
	}
	hello(a, "3")
	hello(b, "3")
	// step runs args on on, compares its reply, then what each of watch
	// received.
	var ids [][2]int64
	step := func(on *pair, args []string, watch ...*pair) {
		t.Helper()
		on.do(args...)
		for i, w := range watch {
			r, e := w.drain(t, ids...)
			compared.Add(1)
			if !slices.Equal(r, e) {
				t.Fatalf("%q, pushes on connection %d:\n redis:   %q\n embedis: %q", args, i, r, e)
			}
		}
	}
	info := func(what string) {
		t.Helper()
		r, e := trackingInfo(t, b)
		compared.Add(1)
		if r != e {
			t.Fatalf("INFO tracking fields %s:\n redis:   %s\n embedis: %s", what, r, e)
		}
	}
	cmd := func(args ...string) []string { return args }

	// Error paths and arities.
	for _, args := range [][]string{
		{"CLIENT", "TRACKING"}, {"CLIENT", "TRACKING", "MAYBE"}, {"CLIENT", "TRACKING", "ON", "FOO"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT"}, {"CLIENT", "TRACKING", "ON", "REDIRECT", "x"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "999999"}, {"CLIENT", "TRACKING", "ON", "REDIRECT", "0"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "-5"}, {"CLIENT", "TRACKING", "ON", "PREFIX", "a"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"}, {"CLIENT", "TRACKING", "ON", "BCAST", "OPTOUT"},
		{"CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"}, {"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "a"},
		{"CLIENT", "CACHING"}, {"CLIENT", "CACHING", "YES"}, {"CLIENT", "CACHING", "NO"}, {"CLIENT", "CACHING", "maybe"},
		{"CLIENT", "CACHING", "yes", "no"}, {"CLIENT", "GETREDIR"}, {"CLIENT", "GETREDIR", "x"},
		{"CLIENT", "TRACKINGINFO"}, {"CLIENT", "TRACKINGINFO", "x"}, {"CLIENT", "TRACKING", "OFF"},
		{"CLIENT", "TRACKING", "off", "BCAST", "NOLOOP"},
	} {
		step(a, args, a)
	}
	info("with nobody tracking")

	// Default mode, RESP3: reads remembered, writes by anyone invalidate.
	step(a, cmd("CLIENT", "TRACKING", "on"), a)
	step(a, cmd("CLIENT", "TRACKINGINFO"), a)
	step(a, cmd("CLIENT", "GETREDIR"), a)
	step(a, cmd("CACHING", "YES"), a)
	step(a, cmd("CLIENT", "CACHING", "YES"), a)
	step(a, cmd("CLIENT", "CACHING", "NO"), a)
	step(a, cmd("CLIENT", "TRACKING", "ON", "BCAST"), a)
	step(a, cmd("GET", "k"), a)
	step(b, cmd("SET", "k", "1"), a, b)
	step(b, cmd("SET", "k", "2"), a, b) // invalidated once per read
	step(a, cmd("GET", "k"), a)
	step(a, cmd("SET", "k", "3"), a) // its own write: after the reply
	step(a, cmd("GET", "k"), a)
	a.do("MULTI")
	a.do("GET", "k")
	a.do("SET", "k", "4")
	a.do("GET", "k")
	step(a, cmd("EXEC"), a) // after EXEC's reply
	step(b, cmd("DEL", "k"), a)
	step(a, cmd("MGET", "x", "y", "z"), a)
	step(b, cmd("MSET", "y", "1", "x", "2"), a)
	step(b, cmd("SET", "z", "1"), a)
	info("after MGET's keys were invalidated")
	step(a, cmd("GET", "k"), a)
	step(a, cmd("GET", "k2"), a)
	step(b, cmd("SELECT", "1"), a)
	step(b, cmd("SET", "k", "db1"), a) // the table knows names, not databases
	step(b, cmd("SELECT", "0"), a)
	step(b, cmd("SET", "k2", "v"), a)
	// Write commands do not remember the keys they read.
	step(a, cmd("SUNIONSTORE", "dst", "s1", "s2"), a)
	step(a, cmd("INCR", "n"), a)
	step(b, cmd("SADD", "s1", "x"), a)
	step(b, cmd("INCR", "n"), a)
	info("after writes")

	// Read-only commands of every family remember their keys; a write of
	// another client invalidates each, in the order it writes them.
	setup := [][]string{
		{"SET", "str", "hello"}, {"RPUSH", "list", "a", "b"}, {"SADD", "set", "a", "b"}, {"SADD", "set2", "b"},
		{"HSET", "hash", "f", "v"}, {"ZADD", "zset", "1", "a"}, {"PFADD", "hll", "a"},
		{"XADD", "stream", "1-1", "f", "v"}, {"GEOADD", "geo", "13.361389", "38.115556", "p"},
	}
	all := []string{"str", "list", "set", "set2", "hash", "zset", "hll", "stream", "geo", "missing"}
	reads := [][]string{
		{"GET", "str"}, {"STRLEN", "str"}, {"GETRANGE", "str", "0", "1"}, {"EXISTS", "str", "missing", "list"},
		{"TYPE", "hash"}, {"TTL", "str"}, {"PTTL", "missing"}, {"DUMP", "str"}, {"OBJECT", "ENCODING", "list"},
		{"MEMORY", "USAGE", "str"}, {"TOUCH", "str", "missing"}, {"LRANGE", "list", "0", "-1"}, {"LLEN", "list"},
		{"LINDEX", "list", "0"}, {"SMEMBERS", "set"}, {"SISMEMBER", "set", "a"}, {"SINTER", "set", "missing", "set2"},
		{"SINTERCARD", "2", "set", "set2"}, {"SCARD", "set"}, {"HGET", "hash", "f"}, {"HGETALL", "hash"},
		{"HLEN", "hash"}, {"ZRANGE", "zset", "0", "-1"}, {"ZSCORE", "zset", "a"}, {"ZCARD", "zset"},
		{"ZUNION", "2", "zset", "missing"}, {"PFCOUNT", "hll"}, {"XRANGE", "stream", "-", "+"}, {"XLEN", "stream"},
		{"GEOPOS", "geo", "p"}, {"BITCOUNT", "str"}, {"LCS", "str", "missing"}, {"SORT_RO", "list", "ALPHA"},
		{"GET", "list"}, // WRONGTYPE: still remembered
		{"SRANDMEMBER", "missing"}, {"HEXISTS", "hash", "f"}, {"ZRANK", "zset", "a"}, {"LPOS", "list", "a"},
	}
	for _, r := range reads {
		for _, c := range setup {
			b.do(c...)
		}
		if r[0] == "MEMORY" {
			// Its number is embedis's own estimate: only the tracking
			// is compared.
			a.sendBoth(r...)
			a.redis.read(t)
			a.embed.read(t)
		} else {
			step(a, r, a)
		}
		step(b, append([]string{"DEL"}, all...), a)
	}
	info("after the reads")
	step(b, cmd("SET", "missing", "now"), a) // tracked while it did not exist

	// Expiry and FLUSHDB/FLUSHALL.
	step(b, cmd("SET", "e", "v", "PX", "50"), a)
	step(a, cmd("GET", "e"), a)
	time.Sleep(120 * time.Millisecond)
	s.embed.Clock.Advance(120 * time.Millisecond)
	step(b, cmd("GET", "e"), a, b) // expired on access, if not already
	step(a, cmd("GET", "f"), a)
	step(b, cmd("FLUSHDB"), a, b) // a null for every tracking client
	info("after FLUSHDB")
	step(a, cmd("GET", "f"), a)
	step(a, cmd("FLUSHALL"), a) // its own: after the reply
	info("after FLUSHALL")

	// NOLOOP.
	step(a, cmd("CLIENT", "TRACKING", "ON", "NOLOOP"), a)
	step(a, cmd("CLIENT", "TRACKINGINFO"), a)
	step(a, cmd("GET", "k"), a)
	step(a, cmd("SET", "k", "mine"), a)
	step(b, cmd("SET", "k", "theirs"), a)
	step(a, cmd("GET", "k"), a)
	step(b, cmd("SET", "k", "theirs again"), a)

	// OPTIN and OPTOUT.
	step(a, cmd("CLIENT", "TRACKING", "ON", "OPTOUT"), a)
	step(a, cmd("CLIENT", "TRACKING", "OFF"), a)
	step(a, cmd("CLIENT", "TRACKING", "ON", "OPTIN"), a)
	step(a, cmd("CLIENT", "TRACKINGINFO"), a)
	step(a, cmd("CLIENT", "CACHING", "NO"), a)
	a.do("CLIENT", "CACHING", "YES")
	a.do("CLIENT", "TRACKINGINFO")
	a.do("GET", "in1")  // remembered
	a.do("GET", "out1") // not: CACHING applies to one command
	step(a, cmd("CLIENT", "TRACKINGINFO"), a)
	a.do("CLIENT", "CACHING", "YES")
	a.do("MULTI")
	a.do("GET", "in2")
	a.do("GET", "in3")
	a.do("EXEC")
	step(b, cmd("MSET", "in1", "1", "out1", "1", "in2", "1", "in3", "1"), a)
	step(a, cmd("CLIENT", "TRACKING", "OFF"), a)
	step(a, cmd("CLIENT", "TRACKING", "ON", "OPTOUT"), a)
	step(a, cmd("CLIENT", "CACHING", "YES"), a)
	a.do("CLIENT", "CACHING", "NO")
	a.do("CLIENT", "TRACKINGINFO")
	a.do("GET", "out2") // not remembered
	a.do("GET", "in4")
	step(b, cmd("MSET", "out2", "1", "in4", "1"), a)
	step(a, cmd("CLIENT", "TRACKING", "OFF"), a)

	// BCAST with prefixes: one message per prefix, keys sorted.
	step(a, cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "item:"), a)
	step(a, cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:x"), a)
	step(a, cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "zz", "PREFIX", "q", "PREFIX", "qq"), a) // Redis: error, then OK
	step(a, cmd("CLIENT", "TRACKINGINFO"), a)
	info("with BCAST prefixes")
	step(b, cmd("MSET", "user:2", "a", "item:1", "b", "user:1", "c", "other", "d", "qq1", "e"), a)
	step(a, cmd("SET", "user:3", "mine"), a)
	step(b, cmd("DEL", "user:1", "nosuch:1"), a)
	step(a, cmd("CLIENT", "TRACKING", "OFF"), a)
	step(a, cmd("CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP"), a)
	step(a, cmd("MSET", "p1", "1", "p2", "2"), a) // all its own: nothing
	step(b, cmd("MSET", "p1", "x"), a)
	step(a, cmd("CLIENT", "TRACKING", "OFF"), a)
	info("after BCAST")

	// RESET turns tracking off.
	step(a, cmd("CLIENT", "TRACKING", "ON"), a)
	step(a, cmd("RESET"), a)
	hello(a, "3")
	step(a, cmd("CLIENT", "TRACKINGINFO"), a)
	info("after RESET")

	// tracking-table-max-keys: the table is trimmed before the next
	// command, invalidating keys picked at random.
	step(b, cmd("CONFIG", "SET", "tracking-table-max-keys", "-1"), b)
	step(b, cmd("CONFIG", "SET", "tracking-table-max-keys", "x"), b)
	step(b, cmd("CONFIG", "SET", "tracking-table-max-keys", "2"), b)
	step(b, cmd("CONFIG", "GET", "tracking-table-max-keys"), b)
	step(a, cmd("CLIENT", "TRACKING", "ON"), a)
	a.do("MGET", "m1", "m2", "m3", "m4")
	r, e := a.drain(t) // PING: trimmed to 2 before it runs
	if len(r) != 2 || len(e) != 2 {
		t.Fatalf("tracking-table-max-keys 2 after 4 keys: redis pushed %q, embedis %q", r, e)
	}
	for _, m := range append(r, e...) {
		if !strings.Contains(m, "invalidate") || !strings.Contains(m, "m") {
			t.Fatalf("not an invalidation of m1-m4: %q", m)
		}
	}
	info("after the table was trimmed")
	step(b, cmd("CONFIG", "SET", "tracking-table-max-keys", "0"), b)
	step(b, cmd("FLUSHALL"), a, b)
	step(a, cmd("CLIENT", "TRACKING", "OFF"), a)
}

// TestDiffClientTrackingRedirect: REDIRECT to a RESP2 connection in
// subscribed mode (messages on __redis__:invalidate) and to a RESP3 one
// (pushes), CLIENT GETREDIR, TRACKINGINFO and CLIENT LIST's flags, and a
// redirection broken by the target's disconnection.
func TestDiffClientTrackingRedirect(t *testing.T) {
	s := startBoth(t)
	a, b, sub := s.pair(t), s.pair(t), s.pair(t)
	subID := sub.clientIDs(t)
	aID := a.clientIDs(t)
	ids := [][2]int64{subID, aID}
	// each runs a command naming a client ID, with each server's own.
	each := func(p *pair, id [2]int64, args ...string) {
		t.Helper()
		sub := func(v int64) []string {
			out := slices.Clone(args)
			for i, x := range out {
				if x == "ID" {
					out[i] = strconv.FormatInt(v, 10)
				}
			}
			return out
		}
		p.redis.send(sub(id[0])...)
		p.embed.send(sub(id[1])...)
		w, g := p.redis.read(t).String(), p.embed.read(t).String()
		w, g = maskIDs(w, ids, 0), maskIDs(g, ids, 1)
		compared.Add(1)
		if w != g {
			t.Fatalf("%q:\n redis:   %s\n embedis: %s", args, w, g)
		}
	}
	hello3 := func(p *pair) { // its reply holds the ID: TestDiffHello compares it
		p.sendBoth("HELLO", "3")
		p.redis.read(t)
		p.embed.read(t)
	}
	pushes := func(p *pair, what string) {
		t.Helper()
		r, e := p.drain(t, ids...)
		compared.Add(1)
		if !slices.Equal(r, e) {
			t.Fatalf("%s:\n redis:   %q\n embedis: %q", what, r, e)
		}
	}
	clientFlags := func(p *pair) {
		t.Helper()
		get := func(w *wire) string {
			w.send("CLIENT", "INFO")
			var keep []string
			for _, f := range strings.Fields(w.read(t).Str) {
				if strings.HasPrefix(f, "flags=") || strings.HasPrefix(f, "redir=") {
					keep = append(keep, f)
				}
			}
			return strings.Join(keep, " ")
		}
		// The pair reaches redis-server on a Unix socket (flag U), embedis
		// on TCP.
		r, e := strings.Replace(get(p.redis), "U", "", 1), get(p.embed)
		r = strings.Replace(r, "flags= ", "flags=N ", 1)
		r = strings.ReplaceAll(r, "redir="+strconv.FormatInt(subID[0], 10), "redir=ID")
		e = strings.ReplaceAll(e, "redir="+strconv.FormatInt(subID[1], 10), "redir=ID")
		compared.Add(1)
		if r != e {
			t.Fatalf("CLIENT INFO flags:\n redis:   %s\n embedis: %s", r, e)
		}
	}
	// RESP2 tracker redirecting to a RESP2 subscriber.
	sub.do("SUBSCRIBE", "__redis__:invalidate")
	each(a, subID, "CLIENT", "TRACKING", "ON", "REDIRECT", "ID", "REDIRECT", "ID")
	each(a, subID, "CLIENT", "TRACKING", "ON", "REDIRECT", "ID")
	each(a, subID, "CLIENT", "GETREDIR")
	each(a, subID, "CLIENT", "TRACKINGINFO")
	clientFlags(a)
	a.do("GET", "k")
	a.do("MGET", "k2", "k3")
	b.do("MSET", "k", "1", "k2", "2")
	pushes(sub, "RESP2 redirect")
	pushes(a, "nothing on the RESP2 tracker")
	a.do("SET", "k3", "mine")
	pushes(sub, "the tracker's own write")
	a.do("GET", "k")
	b.do("FLUSHALL")
	pushes(sub, "flush through the redirect")
	// The subscriber in RESP3: pushes.
	sub.do("UNSUBSCRIBE")
	hello3(sub)
	a.do("GET", "k")
	b.do("SET", "k", "x")
	pushes(sub, "RESP3 redirect target")
	// The target leaves: a RESP3 tracker is told, a RESP2 one is not.
	hello3(a)
	a.do("GET", "k")
	a.do("GET", "k2")
	sub.redis.c.Close()
	sub.embed.c.Close()
	// Wait until both servers have dropped it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.sendBoth("CLIENT", "LIST")
		rl, el := b.redis.read(t).Str, b.embed.read(t).Str
		if strings.Count(rl, "\n") == 2 && strings.Count(el, "\n") == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the redirect target is still listed:\n%s\n%s", rl, el)
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.do("SET", "k", "y")
	pushes(a, "redirect broken")
	each(a, subID, "CLIENT", "TRACKINGINFO")
	clientFlags(a)
	each(a, subID, "CLIENT", "GETREDIR")
	a.do("GET", "k2")
	b.do("FLUSHDB")
	pushes(a, "flush with the redirect broken")
	a.do("CLIENT", "TRACKING", "OFF")
	each(a, subID, "CLIENT", "TRACKINGINFO")
	clientFlags(a)
}

// TestClientTrackingLimitBeforeReply: invalidations from trimming the table
// come before the reply of the command they precede (Redis trims in
// processCommand, before the command runs), whatever keys are picked.
func TestClientTrackingLimitBeforeReply(t *testing.T) {
	s := startBoth(t)
	a := s.pair(t)
	a.sendBoth("HELLO", "3")
	a.redis.read(t)
	a.embed.read(t)
	a.do("CONFIG", "SET", "tracking-table-max-keys", "1")
	a.do("CLIENT", "TRACKING", "ON")
	a.do("MGET", "a", "b", "c")
	for _, w := range []*wire{a.redis, a.embed} {
		w.send("ECHO", "after")
		var kinds []byte
		var keys []string
		for {
			r := w.read(t)
			kinds = append(kinds, r.Kind)
			if r.Kind == '$' {
				break
			}
			keys = append(keys, r.Elems[1].Elems[0].Str)
		}
		sort.Strings(keys)
		if string(kinds) != ">>$" || len(keys) != 2 {
			t.Fatalf("pushes and reply: %q, keys %q", kinds, keys)
		}
	}
	a.do("CONFIG", "SET", "tracking-table-max-keys", "0")
}

// TestDiffClientTrackingHostile: hostile arguments to CLIENT TRACKING and
// CACHING (binary and empty prefixes, NUL bytes in an error's text, huge or
// malformed IDs, repeated options, many prefixes), compared with
// redis-server; each vector is followed by TRACKING OFF.
func TestDiffClientTrackingHostile(t *testing.T) {
	s := startBoth(t)
	a := s.pair(t)
	many := []string{"CLIENT", "TRACKING", "ON", "BCAST"}
	for i := 0; i < 200; i++ {
		many = append(many, "PREFIX", "p"+strconv.Itoa(i)+":")
	}
	vectors := [][]string{
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a\x00b", "PREFIX", "a"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "x", "PREFIX", "a\x00b", "PREFIX", "a"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", ""},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "", "PREFIX", "a"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "\xff\xfe", "PREFIX", "\r\n"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "9223372036854775807"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "9223372036854775808"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "-9223372036854775808"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", ""},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", " 1"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "BCAST", "NOLOOP", "NOLOOP"},
		{"CLIENT", "TRACKING", "ON", "OPTIN", "OPTIN"},
		{"CLIENT", "TRACKING", "", "BCAST"},
		{"CLIENT", "TRACKING", "ON", "prefix"},
		{"CLIENT", "TRACKING", "ON", "bcast", "prefix", "x", "optout"},
		{"CLIENT", "CACHING", ""},
		{"CLIENT", "CACHING", "\x00"},
		many,
	}
	for _, v := range vectors {
		a.do(v...)
		a.do("CLIENT", "TRACKINGINFO")
		a.do("CLIENT", "TRACKING", "OFF")
	}
}
