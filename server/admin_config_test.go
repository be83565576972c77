package server

import (
	"context"
	"net"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

// configSetCases are CONFIG SET commands and redis-server 7.0.15's replies
// (a reply "=name value" is the value CONFIG GET name shows afterwards);
// where embedis's reply differs from Redis's on purpose (a refused
// parameter, configClass), want holds both (redisVsOurs). They run in
// order on one connection; admin_redis_test.go replays them on a live
// redis-server.
var configSetCases = []struct {
	args []string
	want string // Redis's reply, or redisVsOurs(Redis's, embedis's)
}{
	// Names.
	{[]string{"NoSuch", "1"}, "ERR Unknown option or number of arguments for CONFIG SET - 'NoSuch'"},
	{[]string{"maxmemory", "x", "nosuch", "1"}, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
	{[]string{"nosuch", "2", "databases", "1"}, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
	{[]string{"databases", "1", "nosuch", "2"}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
	{[]string{"DATABASES", "1"}, "ERR CONFIG SET failed (possibly related to argument 'DATABASES') - can't set immutable config"},
	{[]string{"Dir", "/tmp"}, "ERR CONFIG SET failed (possibly related to argument 'Dir') - can't set protected config"},
	{[]string{"dbfilename", "x.rdb"}, "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"},
	{[]string{"enable-debug-command", "yes"}, "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config"},
	{[]string{"maxmemory", "1", "MaxMemory", "2"}, "ERR CONFIG SET failed (possibly related to argument 'MaxMemory') - duplicate parameter"},
	{[]string{"maxmemory", "1", "slave-read-only", "x"}, "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'"},
	{[]string{"SLAVE-READ-ONLY", "maybe"}, "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'"},
	{[]string{"MAXMEMORY", "abc"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
	{[]string{"appendonly", "maybe", "hz", "x"}, "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"},
	{[]string{"a", "b", "c"}, "ERR syntax error"},
	{[]string{"maxmemory"}, "ERR wrong number of arguments for 'config|set' command"},
	{[]string{"maxmemory", "0"}, "OK"},
	{[]string{"slave-read-only", "yes", "replica-read-only", "no"}, "OK"},
	{nil, "=replica-read-only no"},
	{[]string{"replica-read-only", "YES"}, "OK"},
	{nil, "=slave-read-only yes"},
	// Booleans and enumerations.
	{[]string{"activedefrag", "yes"}, "ERR CONFIG SET failed (possibly related to argument 'activedefrag') - Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"},
	{[]string{"loglevel", "foo"}, "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"},
	{[]string{"loglevel", "debug verbose"}, "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning"},
	{[]string{"loglevel", "WARNING"}, "OK"},
	{nil, "=loglevel warning"},
	{[]string{"loglevel", "notice"}, "OK"},
	{[]string{"maxmemory-policy", "ALLKEYS-LRU"}, "OK"},
	{nil, "=maxmemory-policy allkeys-lru"},
	{[]string{"maxmemory-policy", "lru"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"},
	{[]string{"maxmemory-policy", "noeviction"}, "OK"},
	{[]string{"oom-score-adj", "relative"}, "OK"},
	{nil, "=oom-score-adj yes"},
	{[]string{"oom-score-adj", "no"}, "OK"},
	{[]string{"shutdown-on-sigterm", "save now force"}, "OK"},
	{nil, "=shutdown-on-sigterm save now force"},
	{[]string{"shutdown-on-sigterm", "FORCE Now"}, "OK"},
	{nil, "=shutdown-on-sigterm now force"},
	{[]string{"shutdown-on-sigint", "save nosave"}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously"},
	{[]string{"shutdown-on-sigterm", "default"}, "OK"},
	{nil, "=shutdown-on-sigterm default"},
	{[]string{"shutdown-on-sigterm", "default now"}, "OK"},
	{nil, "=shutdown-on-sigterm now"},
	{[]string{"shutdown-on-sigterm", "save nosave"}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - shutdown options SAVE and NOSAVE can't be used simultaneously"},
	{[]string{"shutdown-on-sigterm", ""}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - argument(s) must be one of the following: default, save, nosave, now, force"},
	{[]string{"shutdown-on-sigterm", "SAVE  now"}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - argument(s) must be one of the following: default, save, nosave, now, force"},
	{[]string{"shutdown-on-sigterm", "default"}, "OK"},
	// Integers.
	{[]string{"hz", "abc"}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
	{[]string{"hz", "05"}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
	{[]string{"hz", "+5"}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
	{[]string{"hz", " 5"}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
	{[]string{"hz", "-5"}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"},
	{[]string{"hz", "1000"}, "OK"},
	{nil, "=hz 500"},
	{[]string{"hz", "0"}, "OK"},
	{nil, "=hz 1"},
	{[]string{"hz", "10"}, "OK"},
	{[]string{"port", "70000"}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"},
	{[]string{"maxclients", "0"}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"},
	{[]string{"slowlog-log-slower-than", "-2"}, "ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive"},
	{[]string{"list-max-ziplist-size", "5"}, "OK"},
	{nil, "=list-max-listpack-size 5"},
	{[]string{"list-max-listpack-size", "-2"}, "OK"},
	{[]string{"hash-max-ziplist-entries", "5"}, redisVsOurs("OK", "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - embedis keeps Redis's default encoding thresholds")},
	{nil, redisVsOurs("=hash-max-listpack-entries 5", "=hash-max-listpack-entries 512")},
	{[]string{"hash-max-listpack-entries", "512"}, "OK"},
	// Memory values.
	{[]string{"maxmemory", "1kb"}, "OK"},
	{nil, "=maxmemory 1024"},
	{[]string{"maxmemory", "2K"}, "OK"},
	{nil, "=maxmemory 2000"},
	{[]string{"maxmemory", "1Gb"}, "OK"},
	{nil, "=maxmemory 1073741824"},
	{[]string{"maxmemory", "20000000000gb"}, "OK"},
	{nil, "=maxmemory 3028092406290448384"},
	{[]string{"maxmemory", "99999999999999999999"}, "OK"},
	{nil, "=maxmemory 18446744073709551615"},
	{[]string{"maxmemory", ""}, "OK"},
	{nil, "=maxmemory 0"},
	// The same parsing on a parameter embedis accepts.
	{[]string{"cluster-link-sendbuf-limit", "1kb"}, "OK"},
	{nil, "=cluster-link-sendbuf-limit 1024"},
	{[]string{"cluster-link-sendbuf-limit", "2K"}, "OK"},
	{nil, "=cluster-link-sendbuf-limit 2000"},
	{[]string{"cluster-link-sendbuf-limit", "1Gb"}, "OK"},
	{nil, "=cluster-link-sendbuf-limit 1073741824"},
	{[]string{"cluster-link-sendbuf-limit", "20000000000gb"}, "OK"},
	{nil, "=cluster-link-sendbuf-limit 3028092406290448384"},
	{[]string{"cluster-link-sendbuf-limit", "99999999999999999999"}, "OK"},
	{nil, "=cluster-link-sendbuf-limit 18446744073709551615"},
	{[]string{"cluster-link-sendbuf-limit", ""}, "OK"},
	{nil, "=cluster-link-sendbuf-limit 0"},
	{[]string{"cluster-link-sendbuf-limit", "-1"}, "ERR CONFIG SET failed (possibly related to argument 'cluster-link-sendbuf-limit') - argument must be a memory value"},
	{[]string{"maxmemory", "-1"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
	{[]string{"maxmemory", "+1"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
	{[]string{"maxmemory", "1.5k"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
	{[]string{"maxmemory", "1Tb"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
	{[]string{"hash-max-listpack-value", "99999999999999999999"}, "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-value') - argument must be between 0 and 9223372036854775807 inclusive"},
	{[]string{"proto-max-bulk-len", "1k"}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"},
	{[]string{"repl-backlog-size", "1"}, "OK"},
	{nil, "=repl-backlog-size 16384"},
	{[]string{"repl-backlog-size", "1mb"}, "OK"},
	{[]string{"maxmemory-clients", "5%"}, redisVsOurs("OK", "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - embedis does not implement client eviction or lazy freeing of evicted keys yet")},
	{nil, redisVsOurs("=maxmemory-clients 5%", "=maxmemory-clients 0")},
	{[]string{"maxmemory-clients", "18446744073709551615"}, redisVsOurs("OK", "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - embedis does not implement client eviction or lazy freeing of evicted keys yet")},
	{nil, redisVsOurs("=maxmemory-clients 1%", "=maxmemory-clients 0")},
	{[]string{"maxmemory-clients", "101%"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"},
	{[]string{"maxmemory-clients", "-1%"}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value"},
	{[]string{"maxmemory-clients", "0%"}, "OK"},
	{nil, "=maxmemory-clients 0"},
	// The parameters with their own syntax.
	{[]string{"save", "100 10 200"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", "0 1"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", "1  2"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", "10 -1"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", "10 +5 20 99999999999"}, "OK"},
	{nil, "=save 10 5 20 1215752191"},
	{[]string{"save", "1 2 3"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", "x 1"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", " 10 20"}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{[]string{"save", "   "}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
	{nil, "=save 10 5 20 1215752191"},
	{[]string{"save", "01 +2 1 1 1 1"}, "OK"},
	{nil, "=save 1 2 1 1 1 1"},
	{[]string{"save", "99999999999999999999 1"}, "OK"},
	{nil, "=save 9223372036854775807 1"},
	{[]string{"save", ""}, "OK"},
	{nil, "=save "},
	{[]string{"save", "3600 1 300 100 60 10000"}, "OK"},
	{nil, "=save 3600 1 300 100 60 10000"},
	{[]string{"save", ""}, "OK"},
	{[]string{"client-output-buffer-limit", "pubsub 1k 1kb 5"}, "OK"},
	{nil, "=client-output-buffer-limit normal 0 0 0 slave 268435456 67108864 60 pubsub 1000 1024 5"},
	{[]string{"client-output-buffer-limit", "master 1 2 3"}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration."},
	{[]string{"client-output-buffer-limit", "normal x 2 3"}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration."},
	{[]string{"client-output-buffer-limit", "normal 1 2 -3"}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration."},
	{[]string{"client-output-buffer-limit", "normal 0 0 0  slave 1 2 3"}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration."},
	{[]string{"client-output-buffer-limit", "NORMAL 0 0 0 replica 1 2 3"}, "OK"},
	{nil, "=client-output-buffer-limit normal 0 0 0 slave 1 2 3 pubsub 1000 1024 5"},
	{[]string{"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}, "OK"},
	{[]string{"oom-score-adj-values", "5000 0 0"}, "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
	{[]string{"oom-score-adj-values", "0 200"}, "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments"},
	{[]string{"oom-score-adj-values", "+1 -2 3"}, "OK"},
	{nil, "=oom-score-adj-values 1 -2 3"},
	{[]string{"oom-score-adj-values", "0 200 800"}, "OK"},
	{[]string{"notify-keyspace-events", "Z"}, "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
	{[]string{"notify-keyspace-events", "KEA"}, "OK"},
	{nil, "=notify-keyspace-events AKE"},
	{[]string{"notify-keyspace-events", "Exgm"}, "OK"},
	{nil, "=notify-keyspace-events gxEm"},
	{[]string{"notify-keyspace-events", "$mtdn"}, "OK"},
	{nil, "=notify-keyspace-events $tdnm"},
	{[]string{"notify-keyspace-events", "ghlsz$xetd"}, "OK"},
	{nil, "=notify-keyspace-events A"},
	{[]string{"notify-keyspace-events", "KEAn"}, "OK"},
	{nil, "=notify-keyspace-events AKE"},
	{[]string{"notify-keyspace-events", ""}, "OK"},
	{[]string{"latency-tracking-info-percentiles", "1e1 0.5 .5 100"}, "OK"},
	{nil, "=latency-tracking-info-percentiles 10 0.5 0.5 100"},
	{[]string{"latency-tracking-info-percentiles", "101"}, "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
	{[]string{"latency-tracking-info-percentiles", "x"}, "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"},
	{[]string{"latency-tracking-info-percentiles", "50 99 99.9"}, "OK"},
	{[]string{"bind", "a b c d e f g h i j k l m n o p q"}, "ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses specified."},
	{[]string{"proc-title-template", "{title}"}, "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"},
	{[]string{"proc-title-template", "{nosuch} x"}, "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"},
	{[]string{"proc-title-template", "{title"}, "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"},
	{[]string{"proc-title-template", "{{title}}"}, "OK"},
	{[]string{"proc-title-template", "{title} {listen-addr} {server-mode}"}, "OK"},
	{[]string{"cluster-announce-hostname", "a_b"}, "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - Hostnames may only contain alphanumeric characters, hyphens or dots"},
	{[]string{"cluster-announce-hostname", strings.Repeat("a", 300)}, "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - Hostnames must be less than 256 characters"},
	{[]string{"cluster-announce-hostname", "a-b.c"}, "OK"},
	{nil, "=cluster-announce-hostname a-b.c"},
	{[]string{"cluster-announce-hostname", ""}, "OK"},
	// All or nothing.
	{[]string{"maxmemory", "100", "hz", "x"}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
	{nil, "=maxmemory 0"},
}

// redisVsOurs joins Redis's reply and embedis's for a configSetCases row
// where they differ on purpose; splitRedisVsOurs parts them again.
func redisVsOurs(redis, ours string) string { return redis + "\x00" + ours }

func splitRedisVsOurs(want string) (redis, ours string) {
	redis, ours, found := strings.Cut(want, "\x00")
	if !found {
		ours = redis
	}
	return redis, ours
}

// renderConfigReply renders a reply as configSetCases writes it.
func renderConfigReply(kind byte, s string) string {
	if kind == '+' || kind == '-' {
		return s
	}
	return "?" + string(kind) + s
}

func TestConfigSetCases(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	for _, tc := range configSetCases {
		_, want := splitRedisVsOurs(tc.want)
		if tc.args == nil {
			name, value, _ := strings.Cut(want[1:], " ")
			got := c.do("CONFIG", "GET", name)
			if len(got.Elems) != 2 || got.Elems[1].Str != value {
				t.Errorf("CONFIG GET %s = %s, want %q", name, got, value)
			}
			continue
		}
		r := c.do(append([]string{"CONFIG", "SET"}, tc.args...)...)
		if got := renderConfigReply(r.Kind, r.Str); got != want {
			t.Errorf("CONFIG SET %q:\n got %s\nwant %s", tc.args, got, want)
		}
	}
}

func TestConfigGet(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	c.expect(`*[$"MAXMEMORY", $"0"]`, "CONFIG", "GET", "MAXMEMORY", "maxmemory")
	c.expect(`*[$"maxmemory", $"0", $"maxmemory-clients", $"0", $"maxmemory-eviction-tenacity", $"10", `+
		`$"maxmemory-policy", $"noeviction", $"maxmemory-samples", $"5"]`, "CONFIG", "GET", "maxmemory", "MAXMEM*")
	c.expect(`*[$"slave-read-only", $"yes", $"replica-read-only", $"yes"]`, "CONFIG", "GET", "slave-read-only", "replica-read-only")
	c.expect(`*[$"Key-Load-Delay", $"0"]`, "CONFIG", "GET", "Key-Load-Delay")
	c.expect(`*[]`, "CONFIG", "GET", "key-load-*")
	c.expect(`*[]`, "CONFIG", "GET", "nosuch")
	c.expect(`*[$"databases", $"16"]`, "CONFIG", "GET", "databases")
	c.expect(`*[$"io-threads", $"`+strconv.Itoa(runtime.GOMAXPROCS(0))+`"]`, "CONFIG", "GET", "io-threads")
	c.expect(`*[$"save", $""]`, "CONFIG", "GET", "save") // Options{} names no save points
	c.expect(`*[$"protected-mode", $"no"]`, "CONFIG", "GET", "protected-mode")
	c.expect(`*[$"client-output-buffer-limit", $"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"]`,
		"CONFIG", "GET", "client-output-buffer-limit")
	_, port, _ := net.SplitHostPort(s.addr)
	c.expect(`*[$"port", $"`+port+`"]`, "CONFIG", "GET", "port")
	c.expect(`*[$"unixsocket", $""]`, "CONFIG", "GET", "unixsocket")
	c.expect(`-"ERR wrong number of arguments for 'config|get' command"`, "CONFIG", "GET")
	c.expect(`-"ERR wrong number of arguments for 'config' command"`, "CONFIG")
	c.expect(`-"ERR unknown subcommand 'foo'. Try CONFIG HELP."`, "CONFIG", "foo")
	c.expect(`-"ERR The server is running without a config file"`, "CONFIG", "REWRITE")
	c.expect(`-"ERR wrong number of arguments for 'config|rewrite' command"`, "CONFIG", "REWRITE", "x")
	c.expect(`*[+"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", +"GET <pattern>", `+
		`+"    Return parameters matching the glob-like <pattern> and their values.", +"SET <directive> <value>", `+
		`+"    Set the configuration <directive> to <value>.", +"RESETSTAT", +"    Reset statistics reported by the INFO command.", `+
		`+"REWRITE", +"    Rewrite the configuration file.", +"HELP", +"    Prints this help."]`, "CONFIG", "HELP")

	all := c.do("CONFIG", "GET", "*")
	var names []string
	for i := 0; i < len(all.Elems); i += 2 {
		names = append(names, all.Elems[i].Str)
	}
	sort.Strings(names)
	if want := configNames(); strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("CONFIG GET * names differ from the table:\n got %q\nwant %q", names, want)
	}
	if len(names) != 192 {
		t.Errorf("CONFIG GET * lists %d parameters, Redis 7.0.15 192", len(names))
	}
	c.do("HELLO", "3")
	c.expect(`%{$"maxmemory": $"0", $"hz": $"10"}`, "CONFIG", "GET", "maxmemory", "hz")
}

func TestConfigHonoured(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)

	// requirepass: new connections must AUTH; existing ones stay in.
	c.expect(`+"OK"`, "CONFIG", "SET", "requirepass", "s3cret")
	d := s.dial(t)
	d.expect(`-"NOAUTH Authentication required."`, "PING")
	d.expect(`+"OK"`, "AUTH", "s3cret")
	c.expect(`+"PONG"`, "PING")
	c.expect(`+"OK"`, "CONFIG", "SET", "requirepass", "")
	s.dial(t).expect(`+"PONG"`, "PING")

	// maxclients.
	c.expect(`+"OK"`, "CONFIG", "SET", "maxclients", "2")
	e := s.dial(t)
	e.expect(`-"ERR max number of clients reached"`, "PING")
	c.expect(`+"OK"`, "CONFIG", "SET", "maxclients", "10000")
	s.srv.mu.Lock()
	if got := s.srv.opts.MaxClients; got != 10000 {
		t.Errorf("opts.MaxClients = %d", got)
	}
	s.srv.mu.Unlock()

	// proto-max-bulk-len, for every connection (one opened before the
	// change included), whether CONFIG SET or the store's SetLimits in Go
	// changes it: the wire's limit is the store's.
	overLimit := func(name string, f *admConn) {
		t.Helper()
		// Only the header of the long bulk: the server answers and closes
		// as soon as it reads the length, and a body it never reads would
		// make the close a reset that can swallow the reply.
		if _, err := f.nc.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")); err != nil {
			t.Fatal(err)
		}
		if r := f.read(); r.Kind != '-' || !strings.Contains(r.Str, "invalid bulk length") {
			t.Errorf("%s: a bulk over proto-max-bulk-len: %s", name, r)
		}
	}
	before := s.dial(t)
	before.expect(`+"PONG"`, "PING")
	c.expect(`+"OK"`, "CONFIG", "SET", "proto-max-bulk-len", "1mb")
	overLimit("CONFIG SET, a connection opened before", before)
	overLimit("CONFIG SET, a new connection", s.dial(t))
	c.expect(`+"OK"`, "CONFIG", "SET", "proto-max-bulk-len", "512mb")
	lim, _ := s.srv.store.Limits(context.Background())
	lim.MaxStringLength = 1 << 20
	if err := s.srv.store.SetLimits(context.Background(), lim); err != nil {
		t.Fatal(err)
	}
	c.expect(`*[$"proto-max-bulk-len", $"1048576"]`, "CONFIG", "GET", "proto-max-bulk-len")
	overLimit("Store.SetLimits", s.dial(t))
	c.expect(`+"OK"`, "CONFIG", "SET", "proto-max-bulk-len", "512mb")

	// client-output-buffer-limit's normal hard limit.
	if got := s.srv.outputBufferLimit(); got != defaultOutputBufferLimit {
		t.Errorf("output buffer limit %d", got)
	}
	c.expect(`+"OK"`, "CONFIG", "SET", "client-output-buffer-limit", "normal 64mb 0 0")
	if got := s.srv.outputBufferLimit(); got != 64<<20 {
		t.Errorf("output buffer limit %d, want 64 MB", got)
	}
	c.expect(`+"OK"`, "CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0")
	if got := s.srv.outputBufferLimit(); got != defaultOutputBufferLimit {
		t.Errorf("output buffer limit %d after a hard limit of 0", got)
	}
}

func TestConfigFromOptions(t *testing.T) {
	s := admStart(t, Options{RequirePass: "pw", MaxClients: 5, OutputBufferLimit: 1 << 20, ProtoMaxBulkLen: 2 << 20})
	c := s.dial(t)
	c.expect(`+"OK"`, "AUTH", "pw")
	c.expect(`*[$"requirepass", $"pw", $"maxclients", $"5", $"proto-max-bulk-len", $"2097152", `+
		`$"client-output-buffer-limit", $"normal 1048576 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"]`,
		"CONFIG", "GET", "requirepass", "maxclients", "proto-max-bulk-len", "client-output-buffer-limit")
}

func TestConfigParsers(t *testing.T) {
	for s, want := range map[string]uint64{
		"0": 0, "1": 1, "01": 1, "1b": 1, "1B": 1, "1k": 1000, "1K": 1000, "1kb": 1024, "1KB": 1024, "2m": 2e6, "2mb": 2 << 20,
		"3g": 3e9, "3gb": 3 << 30, "": 0, "kb": 0, "18446744073709551615": 1<<64 - 1, "99999999999999999999": 1<<64 - 1,
	} {
		if got, ok := memToUint64(s); !ok || got != want {
			t.Errorf("memToUint64(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"-1", "+1", " 1", "1 ", "1.5k", "1tb", "0x10", "1kbb", strings.Repeat("1", 128)} {
		if got, ok := memToUint64(s); ok {
			t.Errorf("memToUint64(%q) = %d, want an error", s, got)
		}
	}
	for _, tc := range []struct {
		s  string
		n  int64
		ok bool
	}{
		{"", 0, true}, {"5", 5, true}, {" \t5", 5, true}, {"+5", 5, true}, {"-5", -5, true}, {"5 ", 5, false},
		{"+", 0, false}, {" ", 0, false}, {"0x10", 0, false}, {"99999999999999999999", 1<<63 - 1, true},
		{"-99999999999999999999", -1 << 63, true},
	} {
		if n, ok := strtoll(tc.s); n != tc.n || ok != tc.ok {
			t.Errorf("strtoll(%q) = %d, %v; want %d, %v", tc.s, n, ok, tc.n, tc.ok)
		}
	}
}

// TestConfigEveryParameterClassified checks the classification of every
// parameter: each has a class, an alias has its parameter's, each refused
// class has a reason, and a refused parameter can be set (immutable and
// protected ones are refused by Redis's own rule).
func TestConfigEveryParameterClassified(t *testing.T) {
	counts := make(map[configClass]int)
	for i := range configTable {
		p := &configTable[i]
		counts[p.class]++
		if p.class == cfgUnclassified {
			t.Errorf("%s has no class", p.name)
		}
		if p.aliasOf != "" {
			if c := lookupConfig(p.aliasOf); c == nil || c.class != p.class {
				t.Errorf("alias %s of %s has another class", p.name, p.aliasOf)
			}
		}
		if p.class.refused() {
			if configRefusals[p.class] == "" {
				t.Errorf("%s: class %d has no reason", p.name, p.class)
			}
			if p.flags&(cfgImmutable|cfgProtected) != 0 {
				t.Errorf("%s is refused but CONFIG SET cannot set it anyway", p.name)
			}
		}
	}
	if len(configTable) != 197 {
		t.Errorf("%d parameters, Redis 7.0.15 has 197", len(configTable))
	}
	t.Logf("%d honoured, %d harmless, %d refused", counts[cfgHonoured], counts[cfgHarmless],
		len(configTable)-counts[cfgHonoured]-counts[cfgHarmless])
}

// otherConfigValue returns a valid value of p other than cur, as CONFIG SET
// takes it.
func otherConfigValue(t *testing.T, p *configParam, cur string) string {
	t.Helper()
	special := map[string]string{
		"save": "900 1", "notify-keyspace-events": "KEA", "bind": "192.0.2.1",
		"shutdown-on-sigint": "save", "shutdown-on-sigterm": "save",
		"cluster-announce-hostname": "a.b", "oom-score-adj-values": "1 2 3", "latency-tracking-info-percentiles": "50",
		"proc-title-template": "{title} x",
	}
	if v, ok := special[p.canonical()]; ok {
		return v
	}
	switch p.kind {
	case cfgBool:
		if cur == "yes" {
			return "no"
		}
		return "yes"
	case cfgEnum:
		for _, e := range configEnums[p.canonical()] {
			if e.name != cur {
				return e.name
			}
		}
	case cfgInt, cfgMemory, cfgMemoryPercent:
		n, err := strconv.ParseInt(cur, 10, 64)
		if err != nil {
			t.Fatalf("%s: value %q", p.name, cur)
		}
		if p.flags&cfgUnsigned != 0 || n < p.max {
			return strconv.FormatInt(n+1, 10)
		}
		return strconv.FormatInt(n-1, 10)
	case cfgString:
		return cur + "x"
	}
	t.Fatalf("%s: no other value", p.name)
	return ""
}

// TestConfigRefusedParameters sets every refused parameter (aliases too) to
// another value, which must fail with the class's reason and leave the value
// as it was, and to the value in effect (Redis's default, configInEffect
// aside), which must succeed.
func TestConfigRefusedParameters(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	refused := 0
	for i := range configTable {
		p := &configTable[i]
		if !p.class.refused() {
			continue
		}
		refused++
		cur := c.do("CONFIG", "GET", p.name).Elems[1].Str
		want := p.def
		if v, ok := configInEffect[p.canonical()]; ok {
			want = v
		}
		switch p.name {
		case "port":
			_, want, _ = net.SplitHostPort(s.addr)
		case "bind":
			want, _, _ = net.SplitHostPort(s.addr)
		}
		if cur != want {
			t.Errorf("CONFIG GET %s = %q, want %q", p.name, cur, want)
		}
		other := otherConfigValue(t, p, cur)
		c.expect(`-"`+configSetFailed(p.name, configRefusals[p.class])+`"`, "CONFIG", "SET", p.name, other)
		if got := c.do("CONFIG", "GET", p.name).Elems[1].Str; got != cur {
			t.Errorf("%s changed to %q by a refused CONFIG SET", p.name, got)
		}
		c.expect(`+"OK"`, "CONFIG", "SET", p.name, cur)
		// In a batch, the refusal fails the whole command.
		c.expect(`-"`+configSetFailed(p.name, configRefusals[p.class])+`"`, "CONFIG", "SET", "hz", "20", p.name, other)
		c.expect(`*[$"hz", $"10"]`, "CONFIG", "GET", "hz")
	}
	// A floor that shows the loop ran over the table: it falls as settings
	// are built (39 after this session's tracking, scripting, list and
	// replication settings).
	if refused < 30 {
		t.Errorf("only %d parameters refused", refused)
	}
	// Values equal to the one in effect in another spelling are accepted.
	c.expect(`+"OK"`, "CONFIG", "SET", "maxmemory", "0mb", "appendonly", "NO", "maxmemory-policy", "NoEviction")
}

// TestConfigBindInEffect: CONFIG GET bind shows where the server listens.
func TestConfigBindInEffect(t *testing.T) {
	for _, tc := range []struct {
		network, addr, want string
	}{
		{"tcp", ":0", "* -::*"},
		{"tcp4", "0.0.0.0:0", "*"},
		{"tcp", "127.0.0.1:0", "127.0.0.1"},
		{"unix", "", "* -::*"}, // no TCP listener: bind binds nothing, and shows Redis's default
	} {
		store, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := New(store, Options{})
		addr := tc.addr
		if tc.network == "unix" {
			addr = t.TempDir() + "/s.sock"
		}
		l, err := net.Listen(tc.network, addr)
		if err != nil {
			t.Fatal(err)
		}
		go srv.Serve(l)
		network := "tcp"
		if tc.network == "unix" {
			network = "unix"
		}
		c := admDial(t, network, l.Addr().String())
		c.expect(`*[$"bind", $"`+tc.want+`"]`, "CONFIG", "GET", "bind")
		c.expect(`+"OK"`, "CONFIG", "SET", "bind", tc.want)
		srv.Close()
		store.Close()
	}
}

// TestConfigHarmlessParameters sets every settable harmless parameter to
// another value, which CONFIG SET keeps and CONFIG GET shows, and back.
func TestConfigHarmlessParameters(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	n := 0
	for i := range configTable {
		p := &configTable[i]
		if p.class != cfgHarmless || p.flags&(cfgImmutable|cfgProtected) != 0 || p.name == "activedefrag" {
			continue // activedefrag yes fails as on a Redis without jemalloc (configSetCases)
		}
		n++
		cur := c.do("CONFIG", "GET", p.name).Elems[1].Str
		other := otherConfigValue(t, p, cur)
		c.expect(`+"OK"`, "CONFIG", "SET", p.name, other)
		if got := c.do("CONFIG", "GET", p.name).Elems[1].Str; got == cur {
			t.Errorf("CONFIG SET %s %q kept %q", p.name, other, got)
		}
		c.expect(`+"OK"`, "CONFIG", "SET", p.name, cur)
	}
	if n < 90 {
		t.Errorf("only %d harmless parameters settable", n)
	}
}
