package embedis

import (
	"bufio"
	"fmt"
	"net"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/internal/workload"
)

// eventScript is the command sequence TestKeyspaceEvents runs on both
// sides: at least one case of every write command of each family, the
// cases where a command writes nothing, deletions of emptied containers,
// reads of missing keys (keymiss), and lazily expired keys. "WAIT ms" lets
// time pass on both sides.
var eventScript = [][]string{
	// strings
	{"SET", "s1", "v"}, {"SET", "s1", "v2"}, {"SET", "s2", "v", "EX", "100"}, {"SET", "s2", "w", "KEEPTTL"},
	{"SET", "s1", "x", "NX"}, {"SET", "s1", "y", "XX"}, {"SET", "s3", "v", "XX"}, {"SET", "s1", "z", "GET"},
	{"SET", "s3", "v", "GET"}, {"SET", "s2", "v"},
	{"SETNX", "s1", "x"}, {"SETNX", "s4", "x"}, {"SETEX", "s5", "100", "v"}, {"PSETEX", "s6", "100000", "v"},
	{"GETSET", "s1", "v3"}, {"GETSET", "s7", "v"}, {"GETDEL", "s4"}, {"GETDEL", "nosuch"},
	{"GETEX", "s1", "EX", "100"}, {"GETEX", "s1", "PERSIST"}, {"GETEX", "s1", "PERSIST"}, {"GETEX", "s1"},
	{"GETEX", "s7", "PXAT", "1"}, {"GETEX", "nosuch", "EX", "10"},
	{"MSET", "a", "1", "b", "2"}, {"MSETNX", "c", "1", "d", "2"}, {"MSETNX", "a", "1", "e", "2"},
	{"APPEND", "a", "x"}, {"APPEND", "app", "x"}, {"SETRANGE", "a", "0", "z"}, {"SETRANGE", "sr", "2", "ab"},
	{"SETRANGE", "sr2", "0", ""}, {"SETRANGE", "a", "0", ""},
	{"INCR", "n"}, {"INCRBY", "n", "5"}, {"DECR", "n"}, {"DECRBY", "n", "2"}, {"INCR", "a"},
	{"INCRBYFLOAT", "f", "1.5"}, {"INCRBYFLOAT", "f", "2"},
	{"GET", "nosuch"}, {"GET", "n"}, {"MGET", "a", "nosuch", "n"}, {"STRLEN", "a"}, {"GETRANGE", "a", "0", "1"},
	{"LCS", "a", "nosuch"}, {"SET", "past", "v", "PXAT", "1"}, {"GET", "past"},

	// keys
	{"DEL", "a", "b", "nosuch"}, {"UNLINK", "c"}, {"EXISTS", "d", "nosuch"}, {"TYPE", "d"}, {"TYPE", "nosuch"},
	{"RENAME", "d", "d2"}, {"RENAME", "d2", "d2"}, {"SET", "e", "1"}, {"RENAMENX", "d2", "e"}, {"RENAMENX", "d2", "d"},
	{"RENAME", "d", "e"}, {"RENAME", "nosuch", "x"},
	{"COPY", "e", "d3"}, {"COPY", "e", "d3"}, {"COPY", "e", "d3", "REPLACE"}, {"COPY", "e", "d4", "DB", "1"},
	{"COPY", "nosuch", "d5"},
	{"EXPIRE", "e", "100"}, {"EXPIRE", "e", "100", "NX"}, {"EXPIRE", "e", "200", "GT"}, {"PEXPIRE", "e", "300000"},
	{"EXPIREAT", "e", "4102444800"}, {"PEXPIREAT", "d3", "1"}, {"EXPIRE", "nosuch", "10"}, {"EXPIRE", "e2", "0"},
	{"SET", "ex0", "v"}, {"EXPIRE", "ex0", "-1"},
	{"PERSIST", "e"}, {"PERSIST", "e"}, {"PERSIST", "nosuch"},
	{"TTL", "e"}, {"PTTL", "nosuch"}, {"EXPIRETIME", "e"}, {"PEXPIRETIME", "nosuch"}, {"TOUCH", "e", "nosuch"},
	{"SELECT", "1"}, {"SET", "x", "1"}, {"INCR", "x"}, {"DEL", "x", "d4"}, {"SELECT", "0"},
	{"SET", "mv", "1"}, {"MOVE", "mv", "1"}, {"SET", "mv", "2"}, {"MOVE", "mv", "1"}, {"MOVE", "nosuch", "1"},
	{"OBJECT", "ENCODING", "mv"}, {"OBJECT", "ENCODING", "nosuch"}, {"OBJECT", "REFCOUNT", "mv"},
	{"RPUSH", "so", "3", "1", "2"}, {"SORT", "so", "STORE", "sod"}, {"SORT", "so", "BY", "w_*", "GET", "#", "GET", "g_*"},
	{"SET", "w_1", "9"}, {"SORT", "so", "BY", "w_*", "STORE", "sod"}, {"SORT", "nosuch", "STORE", "sod"},
	{"SORT", "nosuch", "STORE", "sod"}, {"SORT_RO", "so"},
	{"SWAPDB", "0", "1"}, {"SWAPDB", "0", "1"}, {"FLUSHDB"},
	{"RESTORE", "rs", "0", workload.RedisPayload("s")}, {"RESTORE", "rs", "0", workload.RedisPayload("s")},
	{"RESTORE", "rs", "0", workload.RedisPayload("z"), "REPLACE"}, {"RESTORE", "rs2", "100000", workload.RedisPayload("h")},
	{"RESTORE", "rs", "1", workload.RedisPayload("l"), "ABSTTL", "REPLACE"}, {"RESTORE", "rs3", "1", workload.RedisPayload("l"), "ABSTTL"},
	{"RESTORE", "rs4", "0", "bad"}, {"DUMP", "rs2"}, {"DUMP", "nosuch"}, {"DEL", "rs2"},

	// hashes
	{"HSET", "h", "f", "v", "g", "w"}, {"HSET", "h", "f", "v2"}, {"HSETNX", "h", "f", "x"}, {"HSETNX", "h", "n", "x"},
	{"HSETNX", "h3", "n", "x"}, {"HMSET", "h", "a", "1"}, {"HINCRBY", "h", "c", "1"}, {"HINCRBY", "h", "f", "1"},
	{"HINCRBYFLOAT", "h", "fl", "1.5"}, {"HINCRBY", "h2", "x", "1"}, {"HINCRBYFLOAT", "h4", "x", "1"},
	{"HGET", "nosuch", "f"}, {"HGET", "h", "f"}, {"HGETALL", "h"}, {"HLEN", "h"}, {"HEXISTS", "h", "zz"},
	{"HDEL", "h", "zz"}, {"HDEL", "nosuch", "f"}, {"HDEL", "h", "f", "g", "n", "a", "c", "fl"},

	// lists
	{"RPUSH", "l", "a", "b", "c"}, {"LPUSH", "l", "z"}, {"LPUSHX", "nol", "a"}, {"RPUSHX", "l", "d"},
	{"LINSERT", "l", "BEFORE", "a", "q"}, {"LINSERT", "l", "BEFORE", "nope", "q"}, {"LINSERT", "nol", "BEFORE", "a", "q"},
	{"LSET", "l", "0", "y"}, {"LREM", "l", "1", "q"}, {"LREM", "l", "1", "nope"}, {"LTRIM", "l", "0", "-1"},
	{"LTRIM", "l", "0", "3"}, {"LPOP", "l"}, {"RPOP", "l", "1"}, {"LPOP", "l", "0"}, {"LPOP", "nol"},
	{"LMOVE", "l", "l2", "LEFT", "RIGHT"}, {"RPOPLPUSH", "l2", "l"}, {"LMOVE", "l", "l", "LEFT", "RIGHT"},
	{"LMPOP", "2", "nol", "l", "LEFT", "COUNT", "10"}, {"LMPOP", "1", "nol", "LEFT"},
	{"RPUSH", "l3", "a", "b", "c", "d", "e"}, {"BLPOP", "l3", "1"}, {"BRPOP", "l3", "1"},
	{"BLMOVE", "l3", "l4", "RIGHT", "LEFT", "1"}, {"BLMPOP", "1", "1", "l3", "RIGHT"}, {"BRPOPLPUSH", "l3", "l4", "1"},
	{"LTRIM", "l4", "5", "10"}, {"RPUSH", "l5", "x"}, {"LREM", "l5", "0", "x"},
	{"LRANGE", "nol", "0", "-1"}, {"LINDEX", "l3", "0"}, {"LLEN", "l3"}, {"LPOS", "nol", "a"},

	// sets
	{"SADD", "st", "a", "b", "c"}, {"SADD", "st", "a"}, {"SREM", "st", "a", "z"}, {"SREM", "st", "z"},
	{"SREM", "st", "b", "c"}, {"SADD", "st", "a", "b", "c", "d"}, {"SPOP", "st"}, {"SPOP", "st", "1"},
	{"SPOP", "st", "0"}, {"SPOP", "st", "10"}, {"SPOP", "nosuch"},
	{"SADD", "st2", "a", "b"}, {"SMOVE", "st2", "st3", "a"}, {"SADD", "st3", "b"}, {"SMOVE", "st2", "st3", "b"},
	{"SMOVE", "st3", "st3", "a"}, {"SMOVE", "st3", "st4", "nope"},
	{"SADD", "s1", "1", "2", "3"}, {"SADD", "s2", "2", "3", "4"}, {"SINTERSTORE", "sd", "s1", "s2"},
	{"SUNIONSTORE", "sd", "s1", "s2"}, {"SDIFFSTORE", "sd", "s1", "s2"}, {"SINTERSTORE", "sd", "s1", "nosuch"},
	{"SINTERSTORE", "sd", "s1", "nosuch"}, {"SMEMBERS", "s1"}, {"SISMEMBER", "nosuch", "a"}, {"SCARD", "s1"},
	{"SINTERCARD", "2", "s1", "s2"}, {"SUNION", "s1", "nosuch"}, {"SMISMEMBER", "s1", "1"},

	// sorted sets
	{"ZADD", "z", "1", "a", "2", "b"}, {"ZADD", "z", "3", "a"}, {"ZADD", "z", "3", "a"}, {"ZADD", "z", "NX", "5", "a"},
	{"ZADD", "z", "XX", "1", "nope"}, {"ZADD", "nz", "XX", "1", "a"}, {"ZADD", "z", "INCR", "1", "a"},
	{"ZADD", "z", "GT", "CH", "0", "a"}, {"ZINCRBY", "z", "1", "b"}, {"ZINCRBY", "nz2", "1", "b"},
	{"ZADD", "zinf", "+inf", "a"}, {"ZINCRBY", "zinf", "-inf", "a"}, {"ZREM", "z", "nope"},
	{"ZADD", "z", "4", "c", "5", "d", "6", "e"}, {"ZREMRANGEBYRANK", "z", "0", "0"}, {"ZREMRANGEBYRANK", "z", "9", "10"},
	{"ZREMRANGEBYSCORE", "z", "5", "5"}, {"ZADD", "zl", "0", "a", "0", "b", "0", "c", "0", "d"},
	{"ZREMRANGEBYLEX", "zl", "[a", "[b"}, {"ZPOPMIN", "z"}, {"ZPOPMAX", "z", "1"}, {"ZPOPMIN", "nosuch"},
	{"ZMPOP", "1", "z", "MIN", "COUNT", "10"}, {"BZPOPMIN", "zl", "1"}, {"BZPOPMAX", "zl", "1"},
	{"BZMPOP", "1", "1", "zinf", "MAX"},
	{"ZADD", "z1", "1", "a", "2", "b"}, {"ZADD", "z2", "2", "b", "3", "c"}, {"ZUNIONSTORE", "zd", "2", "z1", "z2"},
	{"ZINTERSTORE", "zd", "2", "z1", "z2"}, {"ZDIFFSTORE", "zd", "2", "z1", "z2"}, {"ZRANGESTORE", "zd", "z1", "0", "-1"},
	{"ZRANGESTORE", "zd", "nosuch", "0", "-1"}, {"ZRANGESTORE", "zd", "nosuch", "0", "-1"},
	{"ZINTERSTORE", "zd", "2", "z1", "nosuch"}, {"ZUNIONSTORE", "zd2", "1", "s1"},
	{"ZSCORE", "z1", "a"}, {"ZRANGE", "nosuch", "0", "-1"}, {"ZINTERCARD", "2", "z1", "z2"}, {"ZCARD", "nosuch"},
	{"ZREM", "z1", "a", "b"},

	// geo
	{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
	{"GEOADD", "g", "XX", "13", "38", "Palermo"}, {"GEOADD", "g", "NX", "13", "38", "Palermo"},
	{"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gs"},
	{"GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
	{"GEOSEARCHSTORE", "gs2", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"},
	{"GEORADIUSBYMEMBER", "g", "Palermo", "100", "km", "STOREDIST", "gs3"},
	{"GEORADIUS", "nosuch", "15", "37", "200", "km", "STORE", "gs"},
	{"GEODIST", "g", "Palermo", "Catania"}, {"GEOPOS", "nosuch", "a"}, {"GEOHASH", "g", "Palermo"},

	// streams: an emptied stream stays (no "del"); trims that remove
	// nothing raise nothing
	{"XADD", "x", "1-1", "f", "v"}, {"XADD", "x", "2-1", "f", "v"}, {"XADD", "x", "1-1", "f", "v"},
	{"XADD", "nosuchx", "NOMKSTREAM", "1-1", "f", "v"}, {"XADD", "x", "MAXLEN", "2", "3-1", "f", "v"},
	{"XADD", "x", "MAXLEN", "=", "5", "4-1", "f", "v"}, {"XDEL", "x", "9-9"}, {"XDEL", "x", "2-1"},
	{"XTRIM", "x", "MAXLEN", "10"}, {"XTRIM", "x", "MINID", "4"}, {"XTRIM", "nosuch", "MAXLEN", "0"},
	{"XSETID", "x", "10-0"}, {"XSETID", "nosuch", "1-0"}, {"XLEN", "nosuch"}, {"XRANGE", "x", "-", "+"},
	{"XREAD", "STREAMS", "x", "nosuch", "0", "0"}, {"XDEL", "x", "4-1"}, {"XINFO", "STREAM", "x"},

	// consumer groups: "xgroup-*" events; a consumer created on the way by
	// XREADGROUP, XCLAIM or XAUTOCLAIM raises "xgroup-createconsumer";
	// XACK, XCLAIM and XREADGROUP raise nothing of their own; DELCONSUMER
	// of no consumer raises nothing
	{"XADD", "gx", "1-1", "f", "v"}, {"XADD", "gx", "2-1", "f", "v"}, {"XGROUP", "CREATE", "gx", "g", "0"},
	{"XGROUP", "CREATE", "gx", "g", "0"}, {"XGROUP", "CREATE", "gnew", "g", "$", "MKSTREAM"},
	{"XGROUP", "CREATECONSUMER", "gx", "g", "c1"}, {"XGROUP", "CREATECONSUMER", "gx", "g", "c1"},
	{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "gx", ">"}, {"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "gx", ">"},
	{"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "gx", "0"}, {"XACK", "gx", "g", "1-1"}, {"XACK", "gx", "g", "1-1"},
	{"XCLAIM", "gx", "g", "c3", "0", "2-1"}, {"XAUTOCLAIM", "gx", "g", "c4", "0", "0"}, {"XPENDING", "gx", "g"},
	{"XGROUP", "SETID", "gx", "g", "0"}, {"XGROUP", "DELCONSUMER", "gx", "g", "nobody"},
	{"XGROUP", "DELCONSUMER", "gx", "g", "c4"}, {"XGROUP", "DESTROY", "gx", "g"}, {"XGROUP", "DESTROY", "gx", "g"},

	// bitmaps: "setbit" only when the string changed; BITOP's "set" or "del"
	{"SETBIT", "bm", "7", "0"}, {"SETBIT", "bm", "7", "0"}, {"SETBIT", "bm", "7", "1"}, {"SETBIT", "bm", "7", "1"},
	{"SETBIT", "bm", "40", "0"}, {"SETBIT", "bm", "-1", "1"}, {"SETBIT", "h", "1", "1"}, {"GETBIT", "nosuch", "1"},
	{"BITCOUNT", "nosuch"}, {"BITPOS", "nosuch", "1"}, {"SET", "bs", "x"}, {"BITOP", "AND", "bd", "bs", "bm"},
	{"BITOP", "AND", "bd", "nosuch", "nosuch2"}, {"BITOP", "AND", "bd", "nosuch"}, {"BITOP", "NOT", "bd", "bs"},
	{"BITOP", "OR", "bs", "bs"}, {"BITOP", "NOT", "bd", "bs", "bm"},
	{"BITFIELD", "bf", "GET", "u8", "0"}, {"BITFIELD", "bf", "SET", "u8", "0", "0"}, {"BITFIELD", "bf", "SET", "u8", "0", "0"},
	{"BITFIELD", "bf", "INCRBY", "u8", "0", "0"}, {"BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"},
	{"BITFIELD", "bf", "GET", "u8", "0", "SET", "u8", "0", "5"}, {"BITFIELD", "bf2", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300"},
	{"BITFIELD", "bf2", "SET", "u8", "100", "0"}, {"BITFIELD_RO", "bf", "GET", "u8", "0"}, {"BITFIELD_RO", "nosuch", "GET", "u8", "0"},
	{"BITFIELD", "bf", "SET", "u8", "0", "x"},

	// expired keys, found by a read, a write, DEL, a type check and a scan
	{"SET", "e1", "v", "PX", "5"}, {"SET", "e2", "v", "PX", "5"}, {"HSET", "eh", "f", "v"}, {"PEXPIRE", "eh", "5"},
	{"SET", "e3", "v", "PX", "5"}, {"SET", "e4", "v", "PX", "5"}, {"SET", "e5", "v", "PX", "5"},
	{"RPUSH", "el", "a"}, {"PEXPIRE", "el", "5"}, {"SADD", "es", "a"}, {"PEXPIRE", "es", "5"},
	{"WAIT", "30"},
	{"GET", "e1"}, {"EXISTS", "e2"}, {"HGET", "eh", "f"}, {"SET", "e3", "w"}, {"DEL", "e4"}, {"RPUSH", "e5", "a"},
	{"LPOP", "el"}, {"SCARD", "es"},
	{"SET", "e6", "v", "PX", "5"}, {"SET", "e7", "v", "PX", "5"}, {"SET", "e8", "v", "PX", "5"}, {"WAIT", "30"},
	{"TTL", "e6"}, {"RENAME", "e7", "x"}, {"EXPIRE", "e8", "100"},
	{"SET", "e9", "v", "PX", "5"}, {"SET", "e10", "v", "PX", "5"}, {"SADD", "es1", "a"}, {"SET", "e11", "v", "PX", "5"},
	{"SET", "e12", "v", "PX", "5"}, {"SET", "e13", "v", "PX", "5"}, {"WAIT", "30"},
	{"MSET", "e9", "1", "e10", "2"}, {"SUNIONSTORE", "e11", "es1"}, {"COPY", "es1", "e12"}, {"RENAME", "es1", "e13"},

	// HyperLogLog: PFMERGE raises "pfadd" as Redis does; PFCOUNT writing
	// its cache and PFDEBUG converting raise nothing.
	{"PFADD", "hl", "a", "b"}, {"PFADD", "hl", "a"}, {"PFADD", "hl2"}, {"PFADD", "hl2"}, {"PFCOUNT", "hl"},
	{"PFCOUNT", "hl"}, {"PFCOUNT", "hl", "nohl"}, {"PFMERGE", "hl3", "hl", "hl2"}, {"PFMERGE", "hl4"},
	{"PFMERGE", "hl3", "nohl"}, {"PFDEBUG", "TODENSE", "hl"}, {"PFDEBUG", "TODENSE", "hl"}, {"PFDEBUG", "GETREG", "hl2"},
	{"PFDEBUG", "ENCODING", "nohl"}, {"SET", "hls", "x"}, {"PFADD", "hls", "a"}, {"PFMERGE", "hls", "hl"},
	{"SET", "hlc", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"}, {"PFADD", "hlc", "a", "b", "c", "d"},
	{"SET", "hle", "v", "PX", "5"}, {"WAIT", "30"}, {"PFADD", "hle", "a"}, {"SET", "hle2", "v", "PX", "5"}, {"WAIT", "30"},
	{"PFCOUNT", "hle2"}, {"PFSELFTEST"},
	{"FLUSHALL"},
}

// TestEventScriptCoversWriteCommands: every write command of the command
// table is in eventScript, so TestKeyspaceEvents compares its events with
// Redis's.
func TestEventScriptCoversWriteCommands(t *testing.T) {
	in := map[string]bool{}
	for _, a := range eventScript {
		in[strings.ToLower(a[0])] = true
	}
	n := 0
	for _, c := range Commands() {
		if slices.Contains(c.Flags, "write") {
			n++
			if !in[c.Name] {
				t.Errorf("write command %s is not in eventScript", c.Name)
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d write commands in the table", n)
	}
}

// noTimerClock is a ManualClock whose timers never fire: the store expires
// keys only when it finds them, as redis-server does with active expiry
// turned off (DEBUG SET-ACTIVE-EXPIRE 0), so both sides expire the same keys
// at the same commands.
type noTimerClock struct{ *ManualClock }

type noTimer struct{}

func (noTimer) Stop() bool { return true }

func (noTimerClock) AfterFunc(time.Duration, func()) Timer { return noTimer{} }

// TestKeyspaceEvents runs eventScript on redis-server 7.0 and on a Store,
// both with notify-keyspace-events set, and compares what a subscriber to
// "__key*@*__:*" receives from each, message by message: the channel
// (__keyspace@<db>__:<key> or __keyevent@<db>__:<event>) and the payload, in
// order, for every command, and the command's reply. On the Store's side the
// subscriber is a Go Subscription (PSubscribe), so the events are compared
// as they are delivered. A message on "mark" after each command on both
// sides ends the command's stream. It runs once with every class selected
// and once per class letter, so each event's class is checked too, and once
// with K alone.
func TestKeyspaceEvents(t *testing.T) {
	srv := redistest.StartArgs(t, "--enable-debug-command", "yes")
	cmd := srv.Dial(t)
	sub := srv.Dial(t)
	cmd.MustDo(t, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	sub.Send("PSUBSCRIBE", "__key*@*__:*", "mark")
	sub.Receive(t)
	sub.Receive(t)
	classes := []string{"KEA" + "nm", "Eg", "E$", "El", "Es", "Eh", "Ez", "Ex", "En", "Em", "Kgl"}
	for _, cl := range classes {
		t.Run(cl, func(t *testing.T) { runEventScript(t, cmd, sub, cl) })
	}
}

func runEventScript(t *testing.T, cmd, sub *redistest.Client, classes string) {
	cmd.MustDo(t, "FLUSHALL")
	cmd.MustDo(t, "SELECT", "0")
	cmd.MustDo(t, "CONFIG", "SET", "notify-keyspace-events", classes)
	clock := noTimerClock{NewManualClock(time.Now())}
	s, err := Open(Options{Clock: clock, NotifyKeyspaceEvents: classes})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gosub, err := s.PSubscribe(ctx, "__key*@*__:*", "mark")
	if err != nil {
		t.Fatal(err)
	}
	defer gosub.Close()
	db := 0
	events := 0
	for i, args := range eventScript {
		if args[0] == "WAIT" {
			ms, _ := strconv.Atoi(args[1])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			clock.Advance(time.Duration(ms) * time.Millisecond)
			continue
		}
		wantReply := normalize(args, cmd.Do(t, args...), nil)
		cmd.MustDo(t, "PUBLISH", "mark", strconv.Itoa(i))
		var want []string
		for {
			m, ok := sub.Receive(t).([]any)
			if !ok || len(m) != 4 {
				t.Fatalf("subscriber got %#v", m)
			}
			if m[2] == "mark" {
				break
			}
			want = append(want, fmt.Sprintf("%v %v %v", m[1], m[2], m[3]))
		}
		v, err := s.DB(db).Do(ctx, args...)
		gotReply := normalize(args, v, err)
		if _, err := s.Publish(ctx, "mark", strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			m := recv(t, gosub)
			if m.Channel == "mark" {
				break
			}
			got = append(got, fmt.Sprintf("%v %v %v", m.Pattern, m.Channel, m.Payload))
		}
		if !reflect.DeepEqual(wantReply, gotReply) {
			t.Errorf("%q: reply\n redis:   %#v\n embedis: %#v", args, wantReply, gotReply)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%q: messages\n redis:   %q\n embedis: %q", args, want, got)
		}
		events += len(want)
		if strings.EqualFold(args[0], "SELECT") && err == nil {
			db, _ = strconv.Atoi(args[1])
		}
	}
	if classes == "KEAnm" && events < 400 {
		t.Errorf("only %d messages compared: the script lost its coverage", events)
	}
	t.Logf("%d commands, %d messages compared", len(eventScript), events)
}

// TestKeyspacePathAllocations: with no event hook and no effect stream, the
// read and write paths allocate nothing for a read, an in-place write or a
// failed type check.
func TestKeyspacePathAllocations(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Set(ctx, "k", "v", 0)
	s.HSet(ctx, "h", "f", "v")
	for name, fn := range map[string]func(){
		"GET":       func() { s.Get(ctx, "k") },
		"GET miss":  func() { s.Get(ctx, "nosuch") },
		"SET":       func() { s.Set(ctx, "k", "v", 0) },
		"HSET":      func() { s.HSet(ctx, "h", "f", "w") },
		"EXISTS":    func() { s.Exists(ctx, "k") },
		"WRONGTYPE": func() { s.Get(ctx, "h") },
	} {
		if n := testing.AllocsPerRun(100, fn); n != 0 {
			t.Errorf("%s: %v allocations per call", name, n)
		}
	}
}

// TestKeyspaceEventsServedWaiters: a caller blocked in BLPOP, BLMOVE or
// BZPOPMIN and served by a later write raises the same events, in the same
// order, as a client Redis serves.
func TestKeyspaceEventsServedWaiters(t *testing.T) {
	srv := redistest.Start(t)
	cmd := srv.Dial(t)
	blocked, err := net.Dial("unix", srv.Socket) // raw: its blocking command is sent at once
	if err != nil {
		t.Fatal(err)
	}
	defer blocked.Close()
	blockedReplies := bufio.NewReader(blocked)
	sub := srv.Dial(t)
	cmd.MustDo(t, "CONFIG", "SET", "notify-keyspace-events", "KEAnm")
	sub.Send("PSUBSCRIBE", "__keyevent@*__:*", "mark")
	sub.Receive(t)
	sub.Receive(t)

	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mu sync.Mutex
	var got []string
	s.e.onKeyEvent = func(db int, class eventClass, event, key string) {
		mu.Lock()
		got = append(got, fmt.Sprintf("%d %s %s", db, event, key))
		mu.Unlock()
	}

	cases := []struct {
		block []string
		wait  func() error
		write []string
	}{
		{[]string{"BLPOP", "bl", "0"}, func() error { _, _, err := s.BLPop(ctx, "bl"); return err },
			[]string{"RPUSH", "bl", "a"}},
		{[]string{"BLPOP", "bl2", "0"}, func() error { _, _, err := s.BLPop(ctx, "bl2"); return err },
			[]string{"RPUSH", "bl2", "a", "b"}},
		{[]string{"BLMOVE", "bm", "bd", "LEFT", "RIGHT", "0"}, func() error {
			_, err := s.BLMove(ctx, "bm", "bd", "LEFT", "RIGHT")
			return err
		}, []string{"LPUSH", "bm", "x"}},
		{[]string{"BZPOPMIN", "bz", "0"}, func() error { _, err := s.BZPopMin(ctx, "bz"); return err },
			[]string{"ZADD", "bz", "1", "m"}},
	}
	for i, c := range cases {
		// Redis: one client blocks, another writes; the served pop's events
		// follow the write's.
		fmt.Fprintf(blocked, "*%d\r\n", len(c.block))
		for _, a := range c.block {
			fmt.Fprintf(blocked, "$%d\r\n%s\r\n", len(a), a)
		}
		waitFor(t, func() bool {
			info, _ := cmd.Do(t, "INFO", "clients").(string)
			return strings.Contains(info, "blocked_clients:1")
		})
		cmd.MustDo(t, c.write...)
		if _, err := resp.ReadReply(blockedReplies); err != nil {
			t.Fatal(err)
		}
		cmd.MustDo(t, "PUBLISH", "mark", strconv.Itoa(i))
		var want []string
		for {
			m := sub.Receive(t).([]any)
			if m[2] == "mark" {
				break
			}
			var db int
			var name string
			fmt.Sscanf(m[2].(string), "__keyevent@%d__:%s", &db, &name)
			want = append(want, fmt.Sprintf("%d %s %v", db, name, m[3]))
		}

		mu.Lock()
		got = got[:0]
		mu.Unlock()
		done := make(chan error, 1)
		go func() { done <- c.wait() }()
		waitFor(t, func() bool {
			var st Stats
			s.Atomic(ctx, func(tx *Tx) error { st, _ = tx.Stats(); return nil })
			return st.Blocked == 1
		})
		if _, err := s.Do(ctx, c.write...); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatalf("%q: %v", c.block, err)
		}
		if len(want) < 3 {
			t.Fatalf("%q: redis published only %q", c.block, want)
		}
		mu.Lock()
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%q served by %q: events\n redis:   %q\n embedis: %q", c.block, c.write, want, got)
		}
		mu.Unlock()
	}
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
