package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/internal/workload"
)

// The differential suite sends the same commands over the wire to a real
// redis-server 7.0 and to an embedis server and compares the replies as
// RESP values, exactly: types, texts, error messages. Where Redis leaves the
// order unspecified (KEYS) the elements are sorted; replies that carry
// identities (CLIENT ID, HELLO's id) are compared by shape.

// compared counts the replies compared by every test of the package; TestMain
// prints it.
var compared atomic.Int64

func TestMain(m *testing.M) {
	code := m.Run()
	if n := compared.Load(); n > 0 {
		fmt.Printf("differential suite: %d replies compared with redis-server\n", n)
	}
	os.Exit(code)
}

// wire is a raw RESP connection.
type wire struct {
	c net.Conn
	r *bufio.Reader
}

func dialWire(t testing.TB, network, addr string) *wire {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &wire{c: c, r: bufio.NewReader(c)}
}

func (w *wire) send(args ...string) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	w.c.Write([]byte(b.String()))
}

func (w *wire) sendRaw(s string) { w.c.Write([]byte(s)) }

func (w *wire) read(t testing.TB) resp.Reply {
	t.Helper()
	w.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r, err := resp.ReadReply(w.r)
	if err != nil {
		t.Fatalf("read reply: %v", err)
	}
	return r
}

// pair is one connection to each server.
type pair struct {
	t      *testing.T
	redis  *wire
	embed  *wire
	sorted map[string]bool // commands whose array replies are compared sorted

	inMulti bool
	queued  []string // commands queued since MULTI, to normalize EXEC's replies

	clock *embedis.ManualClock // embedis's clock, advanced while a blocking command waits
	// realTime keeps embedis's clock in step with the wall clock that
	// redis-server runs on, advancing it by the real time elapsed before
	// each command: random runs set it, so that relative expiries compared
	// with GT or LT a few milliseconds apart come out the same on both.
	realTime bool
	last     time.Time

	statsAfter []string     // the command TestDiffKeyspaceStats compared the counters after
	changes    changeCounts // how much rdb_changes_since_last_save grew, as both agreed (keyspaceStats)
}

// sync advances embedis's clock by the real time elapsed since the last
// call, when the pair runs in real time.
func (p *pair) sync() {
	if !p.realTime {
		return
	}
	now := time.Now()
	if !p.last.IsZero() {
		p.clock.Advance(now.Sub(p.last))
	}
	p.last = now
}

// servers starts both servers once per test.
type servers struct {
	redisSock string
	embedAddr string
	embed     *embedistest.Server
}

func startBoth(t *testing.T) *servers {
	t.Helper()
	rs := redistest.Start(t)
	es := embedistest.Run(t)
	return &servers{redisSock: rs.Socket, embedAddr: es.Addr, embed: es}
}

func (s *servers) pair(t *testing.T) *pair {
	p := &pair{t: t, redis: dialWire(t, "unix", s.redisSock), embed: dialWire(t, "tcp", s.embedAddr), clock: s.embed.Clock}
	p.sorted = map[string]bool{"KEYS": true}
	return p
}

func normalizeReply(cmd string, r resp.Reply, sorted bool) string {
	switch cmd {
	case "SCAN":
		// Which keys one page holds depends on the hash table; the root
		// package's tests compare whole iterations.
		if r.Kind == '*' && len(r.Elems) == 2 {
			return "a SCAN page"
		}
	case "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME":
		// Keys set a few microseconds apart on the two servers: compare the sign.
		if r.Kind == ':' && r.Int > 0 {
			return ":positive"
		}
	}
	if !r.Null && (r.Kind == '*' || r.Kind == '~' || r.Kind == '%') {
		switch workload.OrderOf(cmd) {
		case workload.Unordered:
			sorted = true
		case workload.UnorderedPairs:
			// A RESP3 map holds its keys and values in turn, as a RESP2 array.
			var pairs []string
			for i := 0; i+1 < len(r.Elems); i += 2 {
				pairs = append(pairs, r.Elems[i].String()+"="+r.Elems[i+1].String())
			}
			sort.Strings(pairs)
			return fmt.Sprintf("pairs[%s]", strings.Join(pairs, ", "))
		case workload.Random:
			return fmt.Sprintf("%c with %d random elements", r.Kind, len(r.Elems))
		}
	}
	if r.Kind == '$' && !r.Null && workload.OrderOf(cmd) == workload.Random {
		return "a random bulk"
	}
	if sorted && (r.Kind == '*' || r.Kind == '~') && !r.Null {
		elems := make([]string, len(r.Elems))
		for i, e := range r.Elems {
			elems[i] = e.String()
		}
		sort.Strings(elems)
		return fmt.Sprintf("%c%d[%s]", r.Kind, len(elems), strings.Join(elems, ", "))
	}
	return r.String()
}

// do sends one command to both and fails the test if the replies differ.
func (p *pair) do(args ...string) resp.Reply {
	p.t.Helper()
	p.sync()
	p.redis.send(args...)
	p.embed.send(args...)
	want := p.redis.read(p.t)
	var got resp.Reply
	if c := embedis.LookupCommand(args[0]); c != nil && slices.Contains(c.Flags, "blocking") && !p.inMulti {
		got = p.readBlocked()
	} else {
		got = p.embed.read(p.t)
	}
	cmd := strings.ToUpper(args[0])
	compared.Add(1)
	normalizeGroupTimes(args, &want)
	normalizeGroupTimes(args, &got)
	w, g := normalizeReply(cmd, want, p.sorted[cmd]), normalizeReply(cmd, got, p.sorted[cmd])
	if cmd == "EXEC" && want.Kind == '*' && got.Kind == '*' && len(want.Elems) == len(p.queued) && len(got.Elems) == len(p.queued) {
		// Each reply of a transaction is compared as its command's.
		var ws, gs []string
		for i, q := range p.queued {
			ws = append(ws, normalizeReply(q, want.Elems[i], p.sorted[q]))
			gs = append(gs, normalizeReply(q, got.Elems[i], p.sorted[q]))
		}
		w, g = strings.Join(ws, " | "), strings.Join(gs, " | ")
	}
	switch {
	case cmd == "MULTI":
		p.inMulti, p.queued = true, nil
	case cmd == "EXEC" || cmd == "DISCARD":
		p.inMulti, p.queued = false, nil
	case p.inMulti && cmd != "WATCH" && cmd != "RESET" && cmd != "QUIT":
		p.queued = append(p.queued, cmd)
	}
	if w != g {
		p.t.Fatalf("%q:\n redis:   %s\n embedis: %s", args, w, g)
	}
	return want
}

// readBlocked reads the reply of a blocking command from embedis. Its clock
// is manual, so a timeout passes only when the test advances it: while no
// reply has arrived, advance it 10 ms at a time (redis-server has already
// waited out the same timeout in real time).
func (p *pair) readBlocked() resp.Reply {
	p.t.Helper()
	for i := 0; i < 10_000; i++ {
		p.embed.c.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
		if _, err := p.embed.r.Peek(1); err == nil {
			return p.embed.read(p.t)
		}
		if p.realTime {
			p.sync()
		} else {
			p.clock.Advance(10 * time.Millisecond)
		}
	}
	p.t.Fatalf("no reply to a blocking command after 100 s of embedis time")
	return resp.Reply{}
}

// raw sends the same bytes to both and compares the next reply.
func (p *pair) raw(data string) { p.t.Helper(); p.rawN(data, 1) }

// rawN sends the same bytes to both and compares the next n replies.
func (p *pair) rawN(data string, n int) {
	p.t.Helper()
	p.redis.sendRaw(data)
	p.embed.sendRaw(data)
	for i := 0; i < n; i++ {
		want, got := p.redis.read(p.t), p.embed.read(p.t)
		compared.Add(1)
		if want.String() != got.String() {
			p.t.Fatalf("raw %q, reply %d:\n redis:   %s\n embedis: %s", data, i, want, got)
		}
	}
}

// closedAfter checks that both servers closed the connection.
func (p *pair) closedAfter() {
	p.t.Helper()
	for name, w := range map[string]*wire{"redis": p.redis, "embedis": p.embed} {
		w.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := w.r.ReadByte(); err == nil {
			p.t.Fatalf("%s kept the connection open", name)
		}
	}
}

func TestDiffConnectionCommands(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	for _, c := range [][]string{
		{"PING"}, {"PING", "hello"}, {"PING", "a", "b"}, {"ECHO", "x"}, {"ECHO"},
		{"SELECT", "1"}, {"SET", "k", "in1"}, {"SELECT", "0"}, {"GET", "k"}, {"SELECT", "1"}, {"GET", "k"},
		{"SELECT", "99"}, {"SELECT", "x"}, {"DBSIZE"}, {"FLUSHALL"},
		{"AUTH", "pw"}, {"AUTH", "user", "pw"}, {"AUTH", "a", "b", "c"},
		{"HELLO", "4"}, {"HELLO", "x"}, {"HELLO", "2", "FOO"}, {"HELLO", "2", "AUTH", "default"},
		{"NOSUCHCMD"}, {"nosuchcmd", "a", "b"}, {"GET"}, {"get", "a", "b"},
		{"MULTI"}, {"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"GET", "a"}, {"EXEC"},
		{"EXEC"}, {"DISCARD"},
		{"MULTI"}, {"SET", "a", "1"}, {"NOSUCHCMD"}, {"GET"}, {"EXEC"}, {"GET", "a"},
		{"MULTI"}, {"SET", "a", "2"}, {"DISCARD"}, {"GET", "a"},
		{"MULTI"}, {"WATCH", "a"}, {"INCR", "a"}, {"SETRANGE", "a", "-1", "x"}, {"EXEC"},
		{"MULTI"}, {"SET", "s", "x"}, {"INCR", "s"}, {"GET", "s"}, {"EXEC"},
		{"WATCH", "w"}, {"UNWATCH"}, {"WATCH"},
		{"MULTI"}, {"SELECT", "2"}, {"SET", "in2", "v"}, {"EXEC"}, {"GET", "in2"}, {"SELECT", "0"},
		{"RESET"}, {"GET", "in2"},
	} {
		p.do(c...)
	}
	p.do("QUIT")
	p.closedAfter()
}

// TestDiffConfigDefaults: the settings embedis refuses (persistence, a
// memory limit, notifications) answer OK on both servers when set to the
// value in effect, as a client's start-up configuration sets them; a
// malformed value gets Redis's error before embedis's refusal.
func TestDiffConfigDefaults(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	for _, c := range [][]string{
		{"CONFIG", "SET", "appendonly", "no"}, {"CONFIG", "SET", "save", ""}, {"CONFIG", "SET", "appendfsync", "everysec"},
		{"CONFIG", "SET", "maxmemory", "0"}, {"CONFIG", "SET", "maxmemory", "0gb"}, {"CONFIG", "SET", "maxmemory-policy", "noeviction"},
		{"CONFIG", "SET", "notify-keyspace-events", ""}, {"CONFIG", "SET", "slowlog-max-len", "128"},
		{"CONFIG", "SET", "appendonly", "no", "maxmemory", "0", "save", "", "hz", "10"},
		{"CONFIG", "SET", "appendonly", "maybe"}, {"CONFIG", "SET", "maxmemory", "1mb", "hz", "x"},
		{"CONFIG", "GET", "appendonly"}, {"CONFIG", "GET", "save"}, {"CONFIG", "GET", "maxmemory"}, {"CONFIG", "GET", "maxmemory-policy"},
		{"CONFIG", "GET", "notify-keyspace-events"}, {"SHUTDOWN", "ABORT"},
	} {
		p.do(c...)
	}
}

func TestDiffWatch(t *testing.T) {
	s := startBoth(t)
	p, q := s.pair(t), s.pair(t) // two clients on each server
	p.do("SET", "k", "1")
	p.do("WATCH", "k")
	q.do("SET", "k", "2") // another client writes: the transaction must fail
	p.do("MULTI")
	p.do("SET", "k", "3")
	p.do("EXEC")
	p.do("GET", "k")
	// A watch on a key that is not written lets EXEC run.
	p.do("WATCH", "k")
	q.do("SET", "other", "x")
	q.do("GET", "k")
	p.do("MULTI")
	p.do("INCR", "k")
	p.do("EXEC")
	// Expiry breaks a WATCH.
	p.do("SET", "e", "1", "PX", "30")
	p.do("WATCH", "e")
	time.Sleep(60 * time.Millisecond)
	s.embed.Clock.Advance(60 * time.Millisecond)
	p.do("MULTI")
	p.do("SET", "e", "2")
	p.do("EXEC")
	// DEL of a missing key is no write; FLUSHALL of a missing key neither.
	p.do("WATCH", "missing")
	q.do("DEL", "missing")
	p.do("MULTI")
	p.do("PING")
	p.do("EXEC")
}

func TestDiffProtocol(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	p.raw("PING\r\n")
	p.raw("ECHO \"hello world\"\r\n")
	p.raw("SET 'k 1' \"a\\x41\\n\"\r\n")
	p.raw("GET 'k 1'\r\n")
	p.raw("\r\n\r\nPING\n")
	p.raw("*0\r\n*-1\r\nPING\r\n")
	p.raw("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n")
	for _, bad := range []string{
		"*2\r\n$4\r\nECHO\r\n?3\r\nabc\r\n",
		"*abc\r\n",
		"*1\r\n$-1\r\n",
		"*1\r\n$536870913\r\n",
		"ECHO \"unbalanced\r\n",
		"ECHO \"a\"b\r\n",
	} {
		q := s.pair(t)
		q.raw(bad)
		q.closedAfter()
	}
	// Pipelined commands in one write.
	p.rawN("SET a 1\r\nINCR a\r\nINCR a\r\n", 3)
	p.do("GET", "a")
}

func TestDiffRESP3(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	p.redis.send("HELLO", "3")
	p.embed.send("HELLO", "3")
	want, got := p.redis.read(t), p.embed.read(t)
	if want.Kind != '%' || got.Kind != '%' || len(want.Elems) != len(got.Elems) {
		t.Fatalf("HELLO 3:\n redis:   %s\n embedis: %s", want, got)
	}
	for _, c := range [][]string{
		{"SET", "k", "v"}, {"GET", "k"}, {"GET", "missing"}, {"MGET", "k", "missing"}, {"INCR", "n"},
		{"INCRBYFLOAT", "f", "1.5"}, {"SET", "k", "v", "GET"}, {"MULTI"}, {"GET", "missing"}, {"EXEC"},
		{"SET", "key1", "ohmytext"}, {"SET", "key2", "mynewtext"}, {"LCS", "key1", "key2", "IDX", "WITHMATCHLEN"},
		{"NOSUCHCMD"}, {"TTL", "k"}, {"WATCH", "k"}, {"MULTI"}, {"EXEC"},
	} {
		p.do(c...)
	}
}

// TestDiffRandom sends a seeded random sequence of string and keyspace
// commands (some inside MULTI/EXEC) to both servers over the wire, compares
// every reply, then the whole keyspace.
func TestDiffRandom(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	seed := redistest.Seed(t, "EMBEDIS_SEED")
	w := workload.New(uint64(seed), 3, []string{"a", "b", "c", "d", "e"}, 100_000)
	const steps = 5000
	p.realTime = true
	p.random(w, steps, w.Command)
	p.compareKeyspace()
	t.Logf("%d random commands compared over the wire", steps)
}

// TestDiffRandomFamilies runs each data type's random commands on their own
// over RESP3, where several reply shapes differ from RESP2 (maps, sets,
// doubles, nested score pairs).
func TestDiffRandomFamilies(t *testing.T) {
	s := startBoth(t)
	seed := redistest.Seed(t, "EMBEDIS_SEED")
	for _, fam := range workload.Families() {
		t.Run(fam, func(t *testing.T) {
			p := s.pair(t)
			p.redis.send("HELLO", "3")
			p.embed.send("HELLO", "3")
			p.redis.read(t)
			p.embed.read(t)
			p.do("FLUSHALL")
			p.realTime = true
			w := workload.New(uint64(seed), 4, []string{"a", "b", "c", "d", "e"}, 100_000)
			p.random(w, 1500, func() []string { return w.FamilyCommand(fam) })
			p.compareKeyspace()
		})
	}
}

// random sends steps commands from gen to both, some of them inside
// MULTI/EXEC.
func (p *pair) random(w *workload.Gen, steps int, gen func() []string) {
	for i := 0; i < steps; i++ {
		if w.IntN(50) == 0 {
			p.do("MULTI")
			for j := 0; j < 3; j++ {
				p.do(gen()...)
			}
			p.do("EXEC")
			continue
		}
		p.do(gen()...)
	}
}

// compareKeyspace compares every key of the first three databases: type,
// time to live, OBJECT encoding and whole value.
func (p *pair) compareKeyspace() {
	for db := 0; db < 3; db++ {
		p.do("SELECT", fmt.Sprint(db))
		keys := p.do("KEYS", "*")
		for _, k := range keys.Elems {
			typ := p.do("TYPE", k.Str)
			p.do("TTL", k.Str)
			p.do("OBJECT", "ENCODING", k.Str)
			switch typ.Str {
			case "hash":
				p.do("HGETALL", k.Str)
			case "list":
				p.do("LRANGE", k.Str, "0", "-1")
			case "set":
				p.do("SMEMBERS", k.Str)
			case "zset":
				p.do("ZRANGE", k.Str, "0", "-1", "WITHSCORES")
			case "stream":
				p.do("XRANGE", k.Str, "-", "+")
				p.do("XINFO", "STREAM", k.Str)
			default:
				p.do("GET", k.Str)
			}
		}
	}
}

// TestDiffCases runs the hand-written cases of every data type over the wire.
func TestDiffCases(t *testing.T) {
	s := startBoth(t)
	for name, cases := range workload.Cases() {
		for _, proto := range []string{"2", "3"} {
			t.Run(name+"/RESP"+proto, func(t *testing.T) {
				p := s.pair(t)
				p.redis.send("HELLO", proto)
				p.embed.send("HELLO", proto)
				p.redis.read(t) // HELLO's reply differs by id and version: checked in TestDiffRESP3
				p.embed.read(t)
				p.do("FLUSHALL")
				for _, c := range cases {
					p.do(c...)
				}
			})
		}
	}
}

// both sends a command on p to both servers without reading the reply.
func (p *pair) sendBoth(args ...string) {
	p.redis.send(args...)
	p.embed.send(args...)
}

// compareNext reads the next reply from both and compares them.
func (p *pair) compareNext(what string) {
	p.t.Helper()
	want, got := p.redis.read(p.t), p.embed.read(p.t)
	compared.Add(1)
	if want.String() != got.String() {
		p.t.Fatalf("%s:\n redis:   %s\n embedis: %s", what, want, got)
	}
}

// waitBlocked waits until n clients are blocked on each server.
func (s *servers) waitBlocked(t *testing.T, watcher *pair, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		watcher.redis.send("INFO", "clients")
		info := watcher.redis.read(t).Str
		st, err := s.embed.Store.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(info, fmt.Sprintf("blocked_clients:%d\r\n", n)) && st.Blocked == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %d blocked clients: embedis has %d, redis says %q", n, st.Blocked, info)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestDiffBlocking(t *testing.T) {
	s := startBoth(t)
	p, q := s.pair(t), s.pair(t)
	for _, c := range [][]string{
		{"BLPOP", "bl", "-1"}, {"BLPOP", "bl", "abc"}, {"BLPOP", "bl", "nan"}, {"BRPOP", "bl"},
		{"BLMOVE", "bl", "x", "UP", "LEFT", "0"}, {"BLMPOP", "0", "0", "bl", "LEFT"}, {"BLMPOP", "0", "2", "bl", "LEFT"},
		{"BLMPOP", "0", "1", "bl", "MIDDLE"}, {"BLMPOP", "0", "1", "bl", "LEFT", "COUNT", "0"},
		{"SET", "str", "x"}, {"BLPOP", "str", "0"}, {"BLMOVE", "str", "x", "LEFT", "LEFT", "0"},
		{"RPUSH", "bl", "a", "b", "c"}, {"BLPOP", "none", "bl", "0"}, {"BRPOP", "bl", "0"},
		{"BLMOVE", "bl", "dst", "LEFT", "RIGHT", "0"}, {"BRPOPLPUSH", "dst", "bl", "0"},
		{"BLMPOP", "0", "2", "none", "bl", "RIGHT", "COUNT", "5"}, {"EXISTS", "bl"},
		// In a transaction a blocking command with no data answers at once.
		{"MULTI"}, {"BLPOP", "bl", "0"}, {"BLMOVE", "bl", "x", "LEFT", "RIGHT", "0"},
		{"BRPOPLPUSH", "bl", "x", "0"}, {"BLMPOP", "0", "1", "bl", "LEFT"}, {"EXEC"},
	} {
		p.do(c...)
	}
	// A timeout passes (real time for Redis, the manual clock for embedis).
	p.sendBoth("BLPOP", "bl", "0.05")
	s.waitBlocked(t, q, 1)
	s.embed.Clock.Advance(100 * time.Millisecond)
	p.compareNext("BLPOP after its timeout")
	p.sendBoth("BLMOVE", "bl", "x", "LEFT", "RIGHT", "0.05")
	s.waitBlocked(t, q, 1)
	s.embed.Clock.Advance(100 * time.Millisecond)
	p.compareNext("BLMOVE after its timeout")
	// Another client's push serves the blocked one; commands pipelined after
	// the blocking one run once it is served.
	p.redis.sendRaw("BLPOP bl 0\r\nGET str\r\n")
	p.embed.sendRaw("BLPOP bl 0\r\nGET str\r\n")
	s.waitBlocked(t, q, 1)
	q.do("RPUSH", "bl", "served", "left")
	p.compareNext("BLPOP served by another client")
	p.compareNext("the command pipelined after BLPOP")
	q.do("LRANGE", "bl", "0", "-1")

	// Several waiters are served in the order they blocked.
	r := s.pair(t)
	q.do("DEL", "fifo")
	p.sendBoth("BRPOP", "fifo", "0")
	s.waitBlocked(t, q, 1)
	r.sendBoth("BLPOP", "other", "fifo", "0")
	s.waitBlocked(t, q, 2)
	q.do("RPUSH", "fifo", "1", "2", "3")
	p.compareNext("first waiter")
	r.compareNext("second waiter")
	q.do("LRANGE", "fifo", "0", "-1")

	// A push and a pop in one transaction give the waiter nothing; it is
	// served by the next push.
	p.sendBoth("BLPOP", "tx", "0")
	s.waitBlocked(t, q, 1)
	q.do("MULTI")
	q.do("LPUSH", "tx", "taken")
	q.do("LPOP", "tx")
	q.do("EXEC")
	q.do("RPUSH", "tx", "given")
	p.compareNext("BLPOP after a push popped in the same transaction")
	q.do("EXISTS", "tx")

	// A value that arrives whole (RENAME, a *STORE) serves waiters as a
	// push does.
	q.do("RPUSH", "src", "moved")
	p.sendBoth("BLPOP", "renamed", "0")
	s.waitBlocked(t, q, 1)
	q.do("RENAME", "src", "renamed")
	p.compareNext("BLPOP served by RENAME")
	q.do("ZADD", "z1", "1", "a", "2", "b")
	p.sendBoth("BZPOPMIN", "zdst", "0")
	s.waitBlocked(t, q, 1)
	q.do("ZUNIONSTORE", "zdst", "1", "z1")
	p.compareNext("BZPOPMIN served by ZUNIONSTORE")
	// A value of another type leaves the waiter blocked; a sorted set
	// arriving later serves it.
	p.sendBoth("BZPOPMAX", "zw", "0")
	s.waitBlocked(t, q, 1)
	q.do("RPUSH", "l2", "x")
	q.do("RENAME", "l2", "zw")
	q.do("DEL", "zw")
	s.waitBlocked(t, q, 1)
	q.do("ZADD", "zw", "5", "m", "7", "n")
	p.compareNext("BZPOPMAX served after a list came and went")
	q.do("ZRANGE", "zw", "0", "-1", "WITHSCORES")
	// BZMPOP and a GEOSEARCHSTORE destination.
	q.do("GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")
	p.sendBoth("BZMPOP", "0", "2", "none", "near", "MIN", "COUNT", "5")
	s.waitBlocked(t, q, 1)
	q.do("GEOSEARCHSTORE", "near", "geo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "STOREDIST")
	p.compareNext("BZMPOP served by GEOSEARCHSTORE")
	// SORT ... STORE and a MOVE into the waiter's database.
	q.do("RPUSH", "unsorted", "3", "1", "2")
	p.sendBoth("BLPOP", "sorted", "0")
	s.waitBlocked(t, q, 1)
	q.do("SORT", "unsorted", "STORE", "sorted")
	p.compareNext("BLPOP served by SORT ... STORE")
	q.do("LRANGE", "sorted", "0", "-1")
	p.do("SELECT", "1")
	p.sendBoth("BLPOP", "mv", "0")
	s.waitBlocked(t, q, 1)
	q.do("RPUSH", "mv", "moved")
	q.do("MOVE", "mv", "1")
	p.compareNext("BLPOP served by MOVE")
	p.do("SELECT", "0")
}

// TestDiffBlockingUnusableData: what a blocked client gets when the data
// that wakes it cannot be used — its destination holds another type (Redis
// 7.0 answers WRONGTYPE and leaves the element in the source, then offers it
// to the next waiter), its key holds another type (a waiter is only offered
// a key holding its type: it stays blocked), or the data is gone again by
// the end of the unit. Each case compares the waiters' replies in order,
// checks who is still blocked, releases them, and compares every key.
func TestDiffBlockingUnusableData(t *testing.T) {
	cases := []struct {
		name    string
		setup   [][]string // before the waiters block
		waiters [][]string // each blocks on its own connection, in this order
		trigger [][]string // another client's unit(s)
		blocked int        // how many waiters are still blocked after the trigger
		release [][]string // then serves the others
	}{
		{"BRPOPLPUSH onto a string", [][]string{{"SET", "dst", "str"}},
			[][]string{{"BRPOPLPUSH", "src", "dst", "0"}}, [][]string{{"RPUSH", "src", "foo"}}, 0, nil},
		{"BLMOVE onto a sorted set", [][]string{{"ZADD", "dst", "1", "a"}},
			[][]string{{"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}}, [][]string{{"RPUSH", "src", "foo", "bar"}}, 0, nil},
		{"BLMOVE, destination set in the same unit", nil,
			[][]string{{"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"}},
			[][]string{{"MULTI"}, {"RPUSH", "src", "a"}, {"SET", "dst", "str"}, {"EXEC"}}, 0, nil},
		{"WRONGTYPE, then BLPOP gets the element", [][]string{{"SET", "dst", "str"}},
			[][]string{{"BRPOPLPUSH", "src", "dst", "0"}, {"BLPOP", "src", "0"}}, [][]string{{"RPUSH", "src", "foo"}}, 0, nil},
		{"WRONGTYPE, then BRPOPLPUSH moves it", [][]string{{"SET", "dst", "str"}},
			[][]string{{"BLMOVE", "src", "dst", "LEFT", "LEFT", "0"}, {"BRPOPLPUSH", "src", "dst2", "0"}}, [][]string{{"RPUSH", "src", "foo"}}, 0, nil},
		{"WRONGTYPE, then BLMPOP takes all", [][]string{{"SET", "dst", "str"}},
			[][]string{{"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}, {"BLMPOP", "0", "1", "src", "LEFT", "COUNT", "5"}}, [][]string{{"RPUSH", "src", "a", "b"}}, 0, nil},
		{"a move serves the next waiter", nil,
			[][]string{{"BRPOPLPUSH", "src", "mid", "0"}, {"BLPOP", "mid", "0"}}, [][]string{{"RPUSH", "src", "x", "y"}}, 0, nil},
		{"a move onto its own source", nil,
			[][]string{{"BLMOVE", "src", "src", "LEFT", "RIGHT", "0"}}, [][]string{{"RPUSH", "src", "a", "b"}}, 0, nil},
		{"a list skips a BZPOPMIN waiter", nil,
			[][]string{{"BZPOPMIN", "k", "0"}, {"BLPOP", "k", "0"}}, [][]string{{"RPUSH", "k", "a"}}, 1,
			[][]string{{"ZADD", "k", "1", "m"}}},
		{"a sorted set skips a BLPOP waiter", nil,
			[][]string{{"BLPOP", "k", "0"}, {"BZPOPMIN", "k", "0"}}, [][]string{{"ZADD", "k", "1", "a"}}, 1,
			[][]string{{"RPUSH", "k", "x"}}},
		{"deleted and set to a string in one unit", nil,
			[][]string{{"BLPOP", "k", "0"}}, [][]string{{"MULTI"}, {"DEL", "k"}, {"SET", "k", "str"}, {"EXEC"}}, 1,
			[][]string{{"DEL", "k"}, {"RPUSH", "k", "x"}}},
		{"a string renamed onto the key", [][]string{{"SET", "s", "str"}},
			[][]string{{"BRPOP", "k", "0"}}, [][]string{{"RENAME", "s", "k"}}, 1,
			[][]string{{"DEL", "k"}, {"RPUSH", "k", "x"}}},
		{"pushed, then overwritten by SET", nil,
			[][]string{{"BLPOP", "k", "0"}}, [][]string{{"MULTI"}, {"RPUSH", "k", "a"}, {"SET", "k", "str"}, {"EXEC"}}, 1,
			[][]string{{"DEL", "k"}, {"LPUSH", "k", "x"}}},
		{"pushed, then deleted", nil,
			[][]string{{"BLPOP", "k", "0"}}, [][]string{{"MULTI"}, {"RPUSH", "k", "a"}, {"DEL", "k"}, {"EXEC"}}, 1,
			[][]string{{"RPUSH", "k", "x"}}},
		{"BLMPOP: pushed, then overwritten", nil,
			[][]string{{"BLMPOP", "0", "2", "j", "k", "LEFT", "COUNT", "2"}}, [][]string{{"MULTI"}, {"RPUSH", "k", "a", "b", "c"}, {"SET", "k", "str"}, {"EXEC"}}, 1,
			[][]string{{"RPUSH", "j", "x", "y", "z"}}},
		{"BRPOPLPUSH: source overwritten by RENAME", [][]string{{"SET", "s", "str"}},
			[][]string{{"BRPOPLPUSH", "src", "dst", "0"}}, [][]string{{"MULTI"}, {"RPUSH", "src", "a"}, {"RENAME", "s", "src"}, {"EXEC"}}, 1,
			[][]string{{"DEL", "src"}, {"RPUSH", "src", "x"}}},
		{"BZPOPMAX: added, then overwritten", nil,
			[][]string{{"BZPOPMAX", "k", "0"}}, [][]string{{"MULTI"}, {"ZADD", "k", "1", "a"}, {"SET", "k", "str"}, {"EXEC"}}, 1,
			[][]string{{"DEL", "k"}, {"ZADD", "k", "2", "b", "3", "c"}}},
		{"BZMPOP: added, then deleted", nil,
			[][]string{{"BZMPOP", "0", "1", "k", "MIN", "COUNT", "2"}}, [][]string{{"MULTI"}, {"ZADD", "k", "1", "a"}, {"DEL", "k"}, {"EXEC"}}, 1,
			[][]string{{"ZADD", "k", "2", "b", "3", "c", "4", "d"}}},
		{"BZPOPMIN: a list renamed onto the key", [][]string{{"RPUSH", "l", "x"}},
			[][]string{{"BZPOPMIN", "k", "0"}}, [][]string{{"RENAME", "l", "k"}}, 1,
			[][]string{{"DEL", "k"}, {"ZADD", "k", "1", "m"}}},
	}
	s := startBoth(t)
	for _, proto := range []string{"2", "3"} {
		for _, tc := range cases {
			t.Run(tc.name+"/RESP"+proto, func(t *testing.T) {
				hello := func(p *pair) *pair {
					p.redis.send("HELLO", proto)
					p.embed.send("HELLO", proto)
					p.redis.read(t) // HELLO's reply differs by id: checked in TestDiffRESP3
					p.embed.read(t)
					return p
				}
				q := hello(s.pair(t))
				q.do("FLUSHALL")
				for _, cmd := range tc.setup {
					q.do(cmd...)
				}
				var ws []*pair
				for i, cmd := range tc.waiters {
					w := hello(s.pair(t))
					w.sendBoth(cmd...)
					s.waitBlocked(t, q, int64(i+1))
					ws = append(ws, w)
				}
				for _, cmd := range tc.trigger {
					q.do(cmd...)
				}
				// Those not answered by the trigger are still blocked; they
				// are answered, in order, by what release adds.
				s.waitBlocked(t, q, int64(tc.blocked))
				for _, cmd := range tc.release {
					q.do(cmd...)
				}
				for i, w := range ws {
					w.compareNext(fmt.Sprintf("waiter %d, %q", i, tc.waiters[i]))
				}
				s.waitBlocked(t, q, 0)
				q.compareKeyspace()
			})
		}
	}
}

// TestDiffRandomWholeCollection: a random draw whose count covers the whole
// collection has an order Redis fixes — an intset ascending, a compact hash
// in insertion order, a sorted set highest score first — so these replies
// are compared exactly, not just by shape as the random commands otherwise
// are (random_test.go in the root package checks the draws' fairness).
func TestDiffRandomWholeCollection(t *testing.T) {
	s := startBoth(t)
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			p := s.pair(t)
			p.redis.send("HELLO", proto)
			p.embed.send("HELLO", proto)
			p.redis.read(t)
			p.embed.read(t)
			p.do("FLUSHALL")
			p.do("SADD", "ints", "5", "3", "9", "1", "7")
			p.do("HSET", "h", "z", "1", "a", "2", "m", "3")
			p.do("ZADD", "z", "3", "c", "1", "a", "2", "b")
			p.do("ZADD", "zbig", "1", strings.Repeat("x", 70), "2", "y", "0", "w")
			for _, cmd := range [][]string{
				{"SRANDMEMBER", "ints", "5"}, {"SRANDMEMBER", "ints", "100"},
				{"HRANDFIELD", "h", "3"}, {"HRANDFIELD", "h", "10", "WITHVALUES"},
				{"ZRANDMEMBER", "z", "3"}, {"ZRANDMEMBER", "z", "10", "WITHSCORES"},
				{"ZRANDMEMBER", "zbig", "3", "WITHSCORES"},
				{"SPOP", "ints", "5"}, {"EXISTS", "ints"},
			} {
				p.sendBoth(cmd...)
				p.compareNext(fmt.Sprintf("%q", cmd))
			}
		})
	}
}

// TestDiffUnauthenticated: with requirepass set, a client that has not
// authenticated gets Redis's tighter protocol limits and NOAUTH errors.
func TestDiffUnauthenticated(t *testing.T) {
	s := startBoth(t)
	admin := s.pair(t)
	admin.do("CONFIG", "SET", "requirepass", "pw")
	for _, bad := range []string{
		"*11\r\n",
		"*2\r\n$16385\r\n",
	} {
		q := s.pair(t)
		q.raw(bad)
		q.closedAfter()
	}
	q := s.pair(t)
	q.raw("*1\r\n$16384\r\n" + strings.Repeat("x", 16384) + "\r\n") // at the limit: an unknown command
	q.do("GET", "k")
	q.do("AUTH", "wrong")
	q.do("AUTH", "pw")
	q.do("ECHO", strings.Repeat("y", 20000)) // authenticated: no limit
	q.rawN("*11\r\n$4\r\nECHO\r\n"+strings.Repeat("$1\r\na\r\n", 10), 1)
}

// normalizeGroupTimes makes the time fields of the consumer-group replies
// comparable between two servers with their own clocks, as
// workload.NormalizeGroupTimes does for the root package's differ: idle
// times become 0, and delivery and seen times within a day of now become
// 0; fixed times set with XCLAIM's TIME stay.
func normalizeGroupTimes(args []string, r *resp.Reply) {
	if len(args) < 2 {
		return
	}
	recent := func(e *resp.Reply) {
		if e.Kind == ':' {
			if d := time.Now().UnixMilli() - e.Int; d > -86400000 && d < 86400000 {
				e.Int = 0
			}
		}
	}
	field := func(m *resp.Reply, name string, f func(*resp.Reply)) {
		for i := 0; i+1 < len(m.Elems); i += 2 {
			if m.Elems[i].Str == name {
				f(&m.Elems[i+1])
			}
		}
	}
	switch strings.ToUpper(args[0]) {
	case "XPENDING":
		if len(args) > 3 {
			for i := range r.Elems {
				if len(r.Elems[i].Elems) == 4 {
					r.Elems[i].Elems[2].Int = 0
				}
			}
		}
	case "XINFO":
		switch strings.ToUpper(args[1]) {
		case "CONSUMERS":
			for i := range r.Elems {
				field(&r.Elems[i], "idle", func(e *resp.Reply) { e.Int = 0 })
			}
		case "STREAM":
			field(r, "groups", func(gs *resp.Reply) {
				for i := range gs.Elems {
					g := &gs.Elems[i]
					field(g, "pending", func(p *resp.Reply) {
						for j := range p.Elems {
							if len(p.Elems[j].Elems) > 2 {
								recent(&p.Elems[j].Elems[2])
							}
						}
					})
					field(g, "consumers", func(cs *resp.Reply) {
						for j := range cs.Elems {
							c := &cs.Elems[j]
							field(c, "seen-time", recent)
							field(c, "pending", func(p *resp.Reply) {
								for k := range p.Elems {
									if len(p.Elems[k].Elems) > 1 {
										recent(&p.Elems[k].Elems[1])
									}
								}
							})
						}
					})
				}
			})
		}
	}
}
