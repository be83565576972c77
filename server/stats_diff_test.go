package server_test

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
	"github.com/embedis/embedis/server"
)

// TestDiffKeyspaceStats compares INFO's keyspace_hits, keyspace_misses and
// expired_keys with redis-server's after the same commands, from a CONFIG
// RESETSTAT on both, and how much rdb_changes_since_last_save (Redis's
// server.dirty, embedis's Stats.Changes) grew:
//
//   - the random workload of every family registered in internal/workload
//     (replies compared as in TestDiffRandomFamilies), whose long TTLs never
//     expire: it checks which lookups count as hits and misses and how many
//     changes each command counts, command by command (a MULTI/EXEC as a
//     whole);
//   - an expiry phase: keys of every type with deadlines a few milliseconds
//     away, some then found by reads and writes and the rest by a full SCAN
//     of every database, so that each one is expired, lazily or actively, by
//     the time INFO is read. Which of the two paths expires a key differs
//     between the servers (their active expiry runs on their own timers),
//     but each key is counted once either way, so the totals must agree.
//
// The hit and miss counts of the expiry phase's reads depend only on the
// keys being gone, which both servers agree on; its change count does not
// depend on which path expired a key either, since neither counts expiries.
func TestDiffKeyspaceStats(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	p.do("CONFIG", "RESETSTAT")
	seed := redistest.Seed(t, "EMBEDIS_SEED")
	p.realTime = true
	for _, fam := range workload.Families() {
		w := workload.New(uint64(seed), 5, []string{"a", "b", "c", "d", "e"}, 100_000)
		for i := 0; i < 800; i++ {
			var after []string
			if w.IntN(50) == 0 {
				p.do("MULTI")
				after = []string{"MULTI"}
				for j := 0; j < 3; j++ {
					cmd := w.FamilyCommand(fam)
					p.do(cmd...)
					after = append(after, cmd...)
					after = append(after, ";")
				}
				after = append(after, "EXEC")
				p.do("EXEC")
			} else {
				after = w.FamilyCommand(fam)
				p.do(after...)
			}
			p.statsAfter = after
			p.keyspaceStats() // after every command, to name the one that counts wrong
		}
	}
	hits, misses, expired := p.keyspaceStats()
	if hits == 0 || misses == 0 {
		t.Fatalf("the workload counted %d hits and %d misses: it no longer reads", hits, misses)
	}
	changes := p.changes
	if changes.total == 0 || changes.multi == 0 || changes.several == 0 {
		t.Fatalf("the workload counted %d changes, %d changes by transactions and %d commands that count several: it no longer writes", changes.total, changes.multi, changes.several)
	}
	t.Logf("random workload: %d hits, %d misses, %d expired keys, %d changes (%d commands counting more than one, %d by transactions) on both",
		hits, misses, expired, changes.total, changes.several, changes.multi)

	// The expiry phase.
	p.do("FLUSHALL")
	const n = 60
	for i := 0; i < n; i++ {
		k := "x" + strconv.Itoa(i)
		p.do("SELECT", strconv.Itoa(i%3))
		switch i % 4 {
		case 0:
			p.do("SET", k, "v", "PX", strconv.Itoa(1+i%5))
		case 1:
			p.do("HSET", k, "f", "v")
			p.do("PEXPIRE", k, strconv.Itoa(1+i%5))
		case 2:
			p.do("RPUSH", k, "a", "b")
			p.do("PEXPIRE", k, strconv.Itoa(1+i%5))
		default:
			p.do("ZADD", k, "1", "m")
			p.do("PEXPIRE", k, strconv.Itoa(1+i%5))
		}
	}
	time.Sleep(20 * time.Millisecond)
	for i := 0; i < n; i += 2 {
		k := "x" + strconv.Itoa(i)
		p.do("SELECT", strconv.Itoa(i%3))
		switch i % 8 {
		case 0:
			p.do("GET", k)
		case 2:
			p.do("LLEN", k)
		case 4:
			p.do("EXISTS", k)
		default:
			p.do("SET", k, "w") // a write finds it expired too (and stores a new key)
		}
	}
	p.scanAll(p.redis)
	p.scanAll(p.embed)
	p.statsAfter = []string{"the expiry phase"}
	before := p.changes.total
	hits2, misses2, expired2 := p.keyspaceStats()
	if expired2-expired != n {
		t.Errorf("expired_keys grew by %d in the expiry phase, want %d", expired2-expired, n)
	}
	t.Logf("after the expiry phase: %d hits, %d misses, %d expired keys, %d changes in the phase on both", hits2, misses2, expired2, p.changes.total-before)
}

// changeCounts sums how rdb_changes_since_last_save grew in a test, as both
// servers agreed.
type changeCounts struct {
	total   int64
	multi   int64 // by MULTI/EXEC transactions
	several int64 // commands (or transactions) that counted more than one
	last    map[*wire]int64
}

// keyspaceStats reads keyspace_hits, keyspace_misses and expired_keys from
// both servers' INFO stats, and rdb_changes_since_last_save from their INFO
// persistence, and fails the test if the counters differ or if the change
// count grew by a different amount since the last call (which p.changes
// sums).
func (p *pair) keyspaceStats() (hits, misses, expired int64) {
	p.t.Helper()
	fields := []string{"keyspace_hits", "keyspace_misses", "expired_keys", "rdb_changes_since_last_save"}
	read := func(w *wire) map[string]int64 {
		w.send("INFO", "stats", "persistence")
		r := w.read(p.t)
		out := map[string]int64{}
		for _, line := range strings.Split(r.Str, "\r\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && slices.Contains(fields, k) {
				out[k], _ = strconv.ParseInt(v, 10, 64)
			}
		}
		if len(out) != len(fields) {
			p.t.Fatalf("INFO stats persistence lacks some of %v: %q", fields, r.Str)
		}
		return out
	}
	want, got := read(p.redis), read(p.embed)
	c := &p.changes
	if c.last == nil {
		// The first reading: both count from here.
		c.last = map[*wire]int64{p.redis: want["rdb_changes_since_last_save"], p.embed: got["rdb_changes_since_last_save"]}
	}
	dw := want["rdb_changes_since_last_save"] - c.last[p.redis]
	dg := got["rdb_changes_since_last_save"] - c.last[p.embed]
	c.last[p.redis], c.last[p.embed] = want["rdb_changes_since_last_save"], got["rdb_changes_since_last_save"]
	if dw != dg {
		p.t.Fatalf("rdb_changes_since_last_save grew by %d on redis, %d on embedis, after %q", dw, dg, p.statsAfter)
	}
	c.total += dw
	if len(p.statsAfter) > 0 && p.statsAfter[0] == "MULTI" {
		c.multi += dw
	}
	if dw > 1 {
		c.several++
	}
	delete(want, "rdb_changes_since_last_save")
	delete(got, "rdb_changes_since_last_save")
	if fmt.Sprint(want) != fmt.Sprint(got) {
		p.t.Fatalf("INFO stats after %q:\n redis:   %v\n embedis: %v", p.statsAfter, want, got)
	}
	return want["keyspace_hits"], want["keyspace_misses"], want["expired_keys"]
}

// scanAll runs a full SCAN of the first three databases on one server (the
// cursors differ between the servers, so each runs its own), which expires
// every key it finds past its deadline.
func (p *pair) scanAll(w *wire) {
	p.t.Helper()
	p.sync()
	for db := 0; db < 3; db++ {
		w.send("SELECT", strconv.Itoa(db))
		w.read(p.t)
		cursor := "0"
		for {
			w.send("SCAN", cursor, "COUNT", "100")
			r := w.read(p.t)
			if len(r.Elems) != 2 {
				p.t.Fatalf("SCAN reply %s", r.String())
			}
			cursor = r.Elems[0].Str
			if cursor == "0" {
				break
			}
		}
	}
}

// TestDiffLoadKeysExpired: a dump.rdb holding keys already past their
// deadline (written by redis-server with active expiry off, so that SAVE
// finds them still there) loads into a second redis-server and into
// embedis with the same INFO persistence rdb_last_load_keys_loaded and
// rdb_last_load_keys_expired, the same keys in each database, and the same
// "Done loading RDB" log line.
func TestDiffLoadKeysExpired(t *testing.T) {
	src := redistest.StartArgs(t, "--enable-debug-command", "yes")
	c := src.Dial(t)
	c.MustDo(t, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	const n = 40
	wantExpired := 0
	for i := 0; i < n; i++ {
		k := "k" + strconv.Itoa(i)
		c.MustDo(t, "SELECT", strconv.Itoa(i%3))
		switch i % 5 {
		case 0:
			c.MustDo(t, "SET", k, "v")
		case 1:
			c.MustDo(t, "RPUSH", k, "a", "b")
		case 2:
			c.MustDo(t, "HSET", k, "f", "v")
		case 3:
			c.MustDo(t, "SADD", k, "1", "2")
		default:
			c.MustDo(t, "ZADD", k, "1", "m")
		}
		switch i % 4 {
		case 0, 1:
			c.MustDo(t, "PEXPIRE", k, "1") // past its deadline when the files are loaded
			wantExpired++
		case 2:
			c.MustDo(t, "PEXPIRE", k, "100000000")
		}
	}
	time.Sleep(20 * time.Millisecond)
	c.MustDo(t, "SAVE")
	dump, err := os.ReadFile(src.RDBPath())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	if err := os.WriteFile(path, dump, 0o644); err != nil {
		t.Fatal(err)
	}

	rs := redistest.StartConfig(t, redistest.Config{Dir: dir, Args: []string{"--loglevel", "notice"}})
	es := embedistest.RunWith(t, embedistest.Options{DumpFile: path})
	p := &pair{t: t, redis: dialWire(t, "unix", rs.Socket), embed: dialWire(t, "tcp", es.Addr), clock: es.Clock, sorted: map[string]bool{"KEYS": true}}
	for db := 0; db < 3; db++ {
		p.do("SELECT", strconv.Itoa(db))
		p.do("DBSIZE")
		p.do("KEYS", "*")
	}
	fields := func(w *wire) map[string]string {
		w.send("INFO", "persistence")
		out := map[string]string{}
		for _, line := range strings.Split(w.read(t).Str, "\r\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(k, "rdb_last_load_keys_") {
				out[k] = v
			}
		}
		return out
	}
	want, got := fields(p.redis), fields(p.embed)
	if fmt.Sprint(want) != fmt.Sprint(got) || len(want) != 2 {
		t.Fatalf("INFO persistence after loading:\n redis:   %v\n embedis: %v", want, got)
	}
	if want["rdb_last_load_keys_expired"] != strconv.Itoa(wantExpired) || want["rdb_last_load_keys_loaded"] != strconv.Itoa(n-wantExpired) {
		t.Fatalf("redis-server loaded %v, want %d keys expired of %d: the file did not hold them", want, wantExpired, n)
	}

	// The log line, as redis-server words it.
	i := strings.Index(rs.Log(), "Done loading RDB")
	if i < 0 {
		t.Fatalf("no \"Done loading RDB\" line in redis-server's log:\n%s", rs.Log())
	}
	line, _, _ := strings.Cut(rs.Log()[i:], "\n")
	var logs strings.Builder
	store, stats, err := server.OpenStore(path, embedis.Options{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	if !strings.Contains(logs.String(), "msg="+strconv.Quote(line)) {
		t.Errorf("OpenStore's log lacks redis-server's line %q:\n%s", line, logs.String())
	}
	if !stats.Loaded || stats.KeysExpired != int64(wantExpired) || stats.KeysLoaded != int64(n-wantExpired) {
		t.Errorf("OpenStore's LoadStats %+v, want %d keys loaded and %d expired", stats, n-wantExpired, wantExpired)
	}
	t.Logf("both loaded %s keys and skipped %s expired ones", want["rdb_last_load_keys_loaded"], want["rdb_last_load_keys_expired"])
}

// TestDiffChangesByCommand runs, on both servers, the branches of every
// command that count changes differently (nothing changed, one element,
// several, a key emptied, a destination deleted, a key announced twice) and
// compares after each how much rdb_changes_since_last_save grew: the random
// workload of TestDiffKeyspaceStats meets most of them, this meets each one
// on every run.
func TestDiffChangesByCommand(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	p.realTime = true
	p.keyspaceStats()
	run := func(cmds ...[]string) {
		t.Helper()
		for _, c := range cmds {
			p.do(c...)
			p.statsAfter = c
			p.keyspaceStats()
		}
	}
	cmd := func(s string) []string { return strings.Fields(s) }
	var script [][]string
	for _, line := range []string{
		// Strings and the keyspace.
		"FLUSHALL", "FLUSHALL", "SET a 1", "SET a 1 PX 100000000", "SET a 2 NX", "SET n 1 XX", "SET a 3 XX GET",
		"SET a 4 KEEPTTL", "SETNX a 1", "SETNX q 1", "SETEX q 100000 2", "PSETEX q 100000000 2", "GETSET a 5",
		"MSET a 1 b 2 a 3", "MSETNX a 1 z 2", "MSETNX y 1 z 2", "INCR a", "INCRBY a 5", "DECRBY a 1",
		"INCR y x", "INCRBYFLOAT a 1.5", "INCR q", "APPEND ap x", "APPEND ap", "APPEND ap ''",
		"SETRANGE ap 0 ''", "SETRANGE ap 5 x", "SETRANGE nope 0 ''", "SETRANGE sr 2 x",
		"GETEX ap", "GETEX ap PX 100000000", "GETEX ap PERSIST", "GETEX ap PERSIST", "GETEX ap PXAT 1",
		"GETDEL sr", "GETDEL sr", "DEL a q y z nope", "SET a 1", "UNLINK a nope",
		"SET a 1", "RENAME a b", "RENAME b b", "RENAMENX b b", "SET a 1", "RENAMENX a b", "RENAMENX a c",
		"COPY b c", "COPY b c", "COPY b c REPLACE", "COPY b c DB 1", "MOVE c 1", "MOVE b 1", "MOVE nope 1",
		"EXPIRE a 100000", "EXPIRE nope 100000", "EXPIRE a 100000 NX", "PEXPIRE a 100 GT", "PEXPIRE a 100000000000 GT",
		"PERSIST a", "PERSIST a", "EXPIREAT a 1", "EXPIRE c 0", "SET a 1", "PEXPIREAT a 1",
		"SWAPDB 0 1", "SWAPDB 0 0", "SWAPDB 0 1", "MSET a 1 b 2 c 3", "FLUSHDB", "FLUSHDB", "MSET a 1 b 2",
		// Hashes.
		"HSET h a 1 b 2 a 3", "HSET h a 1", "HMSET h a 1 c 2", "HSETNX h a 1", "HSETNX h z 1", "HDEL h a b nope",
		"HINCRBY h c 1", "HINCRBYFLOAT h c 1.5", "HINCRBY h z x", "HDEL h c z", "HDEL h c", "HDEL nope a",
		// Lists.
		"RPUSH l a b c a a", "LPUSH l x y", "LPUSHX l x y", "LPUSHX nol x", "RPUSHX l z", "LINSERT l BEFORE a q",
		"LINSERT l BEFORE nope q", "LSET l 0 w", "LREM l 0 a", "LREM l 0 nope", "LMOVE l l2 LEFT RIGHT",
		"RPOPLPUSH l l", "LPOP l 2", "LPOP l", "LPOP l 0", "RPOP l 100", "LPOP nol", "RPUSH l a b c d",
		"LTRIM l 0 -1", "LTRIM l 1 2", "LTRIM l 5 10", "RPUSH l a b c", "LMPOP 2 nol l LEFT COUNT 2",
		"LMPOP 1 l RIGHT COUNT 10", "BLPOP l2 0", "RPUSH l a b c", "BLMPOP 0 1 l LEFT COUNT 2", "BRPOPLPUSH l l3 0",
		"BLMOVE l3 l3 LEFT LEFT 0",
		// Sets.
		"SADD s a b c d e", "SADD s a x", "SADD s a", "SREM s a nope", "SREM s nope", "SPOP s", "SPOP s 2", "SPOP s 0",
		"SPOP s 10", "SPOP s", "SADD s a b c", "SADD t b c d", "SMOVE s t a", "SMOVE s t b", "SMOVE t t b",
		"SMOVE s t nope", "SMOVE nope t a", "SINTERSTORE d s t", "SINTERSTORE d s nope", "SINTERSTORE d s nope",
		"SUNIONSTORE d s t", "SDIFFSTORE d s s", "SDIFFSTORE d s s", "SUNIONSTORE d nope nope2",
		// Sorted sets.
		"ZADD z 1 a 2 b", "ZADD z 1 a 3 b 4 c", "ZADD z CH 1 a 3 b", "ZADD z NX 5 a", "ZADD z XX 5 a 6 q",
		"ZADD z GT 0 a", "ZADD z INCR 1 a", "ZADD z NX INCR 1 a", "ZINCRBY z 1 a", "ZINCRBY z 1 n", "ZREM z n nope",
		"ZREM z nope", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 100 200", "ZREMRANGEBYLEX z - +",
		"ZADD z 1 a 2 b 3 c", "ZADD y 1 b 5 c", "ZUNIONSTORE d 2 z y", "ZINTERSTORE d 2 z y", "ZDIFFSTORE d 2 z z",
		"ZDIFFSTORE d 2 z z", "ZRANGESTORE d z 0 -1", "ZRANGESTORE d z 5 6", "ZRANGESTORE d z 5 6",
		"ZMPOP 1 z MIN COUNT 2", "BZPOPMIN z 0", "BZMPOP 0 1 y MAX COUNT 5", "ZPOPMAX nope", "ZADD z 1 a 2 b 3 c",
		"ZPOPMIN z 2", "ZPOPMAX z 5",
		// Geo.
		"GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g 13.361389 38.115556 Palermo",
		"GEOADD g CH 13.4 38.1 Palermo", "GEOADD g XX 13.4 38.1 Nowhere", "GEORADIUS g 15 37 200 km STORE gd",
		"GEORADIUS g 15 37 1 km STORE gd", "GEORADIUS g 15 37 1 km STORE gd", "GEORADIUS g 15 37 200 km STOREDIST gd",
		"GEOSEARCHSTORE gd g FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCHSTORE gd g FROMLONLAT 15 37 BYRADIUS 1 km",
		"GEORADIUSBYMEMBER g Palermo 300 km STORE gd",
		// Sort.
		"RPUSH sl 3 1 2", "SORT sl STORE sd", "SORT sl LIMIT 5 5 STORE sd", "SORT sl LIMIT 5 5 STORE sd", "SORT sl",
	} {
		c := cmd(line)
		for i, a := range c {
			if a == "''" {
				c[i] = ""
			}
		}
		script = append(script, c)
	}
	run(script...)
	// RESTORE, with the payload redis-server dumps.
	run(cmd("SET k v"))
	payload := p.do("DUMP", "k").Str
	run([]string{"RESTORE", "r", "0", payload}, []string{"RESTORE", "r", "0", payload, "REPLACE"},
		[]string{"RESTORE", "r", "1", payload, "REPLACE", "ABSTTL"}, []string{"RESTORE", "r", "1", payload, "REPLACE", "ABSTTL"},
		[]string{"RESTORE", "r2", "0", payload, "IDLETIME", "100"})
	// Waiting commands served by another client's write: Redis 7.0 counts
	// a BLMPOP's and a BZPOPMIN's pops then, not a BLPOP's nor a BLMOVE's.
	q := s.pair(t) // the waiting client
	blocked := func(w *wire) bool {
		w.send("INFO", "clients")
		return strings.Contains(w.read(t).Str, "blocked_clients:1\r\n")
	}
	for _, c := range []struct{ wait, write string }{
		{"BLPOP wl 0", "RPUSH wl x y"}, {"BRPOP wl2 0", "LPUSH wl2 x"},
		{"BLMOVE wl3 wd LEFT RIGHT 0", "RPUSH wl3 z"}, {"BRPOPLPUSH wl4 wd 0", "RPUSH wl4 z y"},
		{"BLMPOP 0 1 wl5 LEFT COUNT 5", "RPUSH wl5 a b c"}, {"BLMPOP 0 1 wl6 RIGHT COUNT 1", "RPUSH wl6 a b c"},
		{"BZPOPMIN wz 0", "ZADD wz 1 a 2 b"}, {"BZMPOP 0 1 wz2 MAX COUNT 5", "ZADD wz2 1 a 2 b"},
	} {
		q.redis.send(cmd(c.wait)...)
		q.embed.send(cmd(c.wait)...)
		for i := 0; !blocked(p.redis) || !blocked(p.embed); i++ {
			if i == 1000 {
				t.Fatalf("%s is not waiting on both servers", c.wait)
			}
			time.Sleep(10 * time.Millisecond)
		}
		run(cmd(c.write))
		if want, got := q.redis.read(t).String(), q.embed.read(t).String(); want != got {
			t.Fatalf("%s served by %s:\n redis:   %s\n embedis: %s", c.wait, c.write, want, got)
		}
	}
	// A transaction counts its commands' changes.
	p.do("MULTI")
	for _, c := range []string{"SET m 1", "RPUSH ml a b c", "INCR ml", "SADD ms a b"} {
		p.do(cmd(c)...)
	}
	run(cmd("EXEC"))
	t.Logf("%d changes, %d commands counting more than one, on both", p.changes.total, p.changes.several)
}
