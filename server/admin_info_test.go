package server

import (
	"regexp"
	"strings"
	"testing"
)

// infoSectionsOf returns the section titles of an INFO text, checking its
// layout on the way: "# Title" headers, "name:value" lines, "\r\n" line
// ends and one blank line between sections.
func infoSectionsOf(t *testing.T, text string) (titles []string, fields map[string]string) {
	t.Helper()
	fields = make(map[string]string)
	if text == "" {
		return nil, fields
	}
	if !strings.HasSuffix(text, "\r\n") || strings.HasSuffix(text, "\r\n\r\n") {
		t.Fatalf("INFO text ends badly: %q", text[max(0, len(text)-20):])
	}
	for i, sec := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n\r\n") {
		lines := strings.Split(sec, "\r\n")
		if !strings.HasPrefix(lines[0], "# ") {
			t.Fatalf("section %d starts with %q", i, lines[0])
		}
		titles = append(titles, lines[0][2:])
		for _, l := range lines[1:] {
			name, value, ok := strings.Cut(l, ":")
			if !ok || name == "" || strings.ContainsAny(l, "\r\n") {
				t.Fatalf("bad INFO line %q", l)
			}
			fields[name] = value
		}
	}
	return titles, fields
}

func TestInfoSections(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	def := "Server Clients Memory Persistence Stats Replication CPU Modules Errorstats Cluster Keyspace"
	all := "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Latencystats Cluster Keyspace"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, def},
		{[]string{"default"}, def},
		{[]string{"all"}, all},
		{[]string{"EVERYTHING"}, all},
		{[]string{"everything", "foo"}, all},
		{[]string{"clients", "SERVER"}, "Server Clients"},
		{[]string{"default", "commandstats"}, "Server Clients Memory Persistence Stats Replication CPU Modules Commandstats Errorstats Cluster Keyspace"},
		{[]string{"keyspace", "keyspace"}, "Keyspace"},
		{[]string{"foo"}, ""},
	} {
		titles, _ := infoSectionsOf(t, c.text(append([]string{"INFO"}, tc.args...)...))
		if got := strings.Join(titles, " "); got != tc.want {
			t.Errorf("INFO %q sections: %q, want %q", tc.args, got, tc.want)
		}
	}
	c.expect(`$""`, "INFO", "foo")
	c.expect(`$"# Modules\r\n"`, "INFO", "modules")
	c.expect(`$"# Cluster\r\ncluster_enabled:0\r\n"`, "INFO", "cluster")
	c.do("HELLO", "3")
	c.expect(`="txt:"`, "INFO", "foo")
	c.expect(`="txt:# Cluster\r\ncluster_enabled:0\r\n"`, "INFO", "cluster")
}

func TestInfoFields(t *testing.T) {
	s := admStart(t, Options{MaxClients: 77})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`+"OK"`, "SET", "t", "v", "EX", "100")
	c.expect(`$"v"`, "GET", "k")
	c.expect("$-1", "GET", "nokey")
	c.expect(`-"ERR syntax error"`, "SET", "k", "v", "NOPE")
	c.expect(`-"ERR Invalid number of arguments specified for command"`, "COMMAND", "GETKEYS", "get", "a", "b", "c")
	c.expect(`+"OK"`, "SELECT", "2")
	c.expect(`+"OK"`, "SET", "x", "1")

	_, f := infoSectionsOf(t, c.text("INFO", "everything"))
	exact := map[string]string{
		"redis_version": "7.0.15", "redis_mode": "standalone", "uptime_in_days": "0", "tcp_port": s.addr[strings.LastIndexByte(s.addr, ':')+1:],
		"connected_clients": "1", "blocked_clients": "0", "maxclients": "77",
		"maxmemory": "0", "maxmemory_human": "0B", "maxmemory_policy": "noeviction", "mem_allocator": "go",
		"loading": "0", "aof_enabled": "0", "rdb_bgsave_in_progress": "0",
		"total_connections_received": "1", "rejected_connections": "0", "expired_keys": "0", "evicted_keys": "0",
		"keyspace_hits": "1", "keyspace_misses": "1", "total_error_replies": "2",
		"role": "master", "connected_slaves": "0", "repl_backlog_size": "1048576",
		"errorstat_ERR": "count=2", "cluster_enabled": "0",
	}
	for name, want := range exact {
		if got, ok := f[name]; !ok || got != want {
			t.Errorf("INFO %s = %q (present %v), want %q", name, got, ok, want)
		}
	}
	patterns := map[string]string{
		"os": `^\S+ \S+$`, "arch_bits": `^(32|64)$`, "process_id": `^\d+$`, "run_id": `^[0-9a-f]{40}$`,
		"uptime_in_seconds": `^\d+$`, "used_memory": `^[1-9]\d*$`, "used_memory_human": `^\d+(\.\d\d[KMGTP]|B)$`,
		"used_memory_peak": `^[1-9]\d*$`, "used_cpu_sys": `^\d+\.\d{6}$`, "used_cpu_user": `^\d+\.\d{6}$`,
		"total_commands_processed": `^\d+$`, "instantaneous_ops_per_sec": `^0$`, "embedis_version": `.`,
		"master_replid": `^[0-9a-f]{40}$`, "total_net_output_bytes": `^\d+$`, "total_net_input_bytes": `^\d+$`,
		"cmdstat_set":                 `^calls=4,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=1$`,
		"cmdstat_get":                 `^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$`,
		"db0":                         `^keys=2,expires=1,avg_ttl=\d+$`,
		"db2":                         `^keys=1,expires=0,avg_ttl=0$`,
		"used_cpu_sys_children":       `^0\.000000$`,
		"rdb_changes_since_last_save": `^[1-9]\d*$`, // nothing was saved
	}
	for name, pat := range patterns {
		if got, ok := f[name]; !ok || !regexp.MustCompile(pat).MatchString(got) {
			t.Errorf("INFO %s = %q (present %v), want /%s/", name, got, ok, pat)
		}
	}
	if _, ok := f["db1"]; ok {
		t.Error("INFO lists the empty db1")
	}
}

// TestInfoPersistence checks that INFO persistence reports what is true:
// no log, no snapshot, and every change since the start unsaved.
func TestInfoPersistence(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	changes := func() string {
		_, f := infoSectionsOf(t, c.text("INFO", "persistence"))
		for _, name := range []string{"aof_enabled", "rdb_bgsave_in_progress", "aof_rewrite_in_progress", "rdb_saves"} {
			if f[name] != "0" {
				t.Errorf("INFO %s = %q, want 0", name, f[name])
			}
		}
		return f["rdb_changes_since_last_save"]
	}
	if got := changes(); got != "0" {
		t.Errorf("rdb_changes_since_last_save = %q on a new store", got)
	}
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`$"v"`, "GET", "k")
	c.expect(`:0`, "DEL", "nokey")
	if got := changes(); got != "1" { // as Redis: one SET, reads and no-op deletes count nothing
		t.Errorf("rdb_changes_since_last_save = %q after one SET", got)
	}
	c.expect(`+"OK"`, "CONFIG", "RESETSTAT") // counts changes, not statistics
	if got := changes(); got != "1" {
		t.Errorf("rdb_changes_since_last_save = %q after CONFIG RESETSTAT", got)
	}
}

func TestConfigResetStat(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`$"v"`, "GET", "k")
	c.expect("$-1", "GET", "nokey")
	c.expect(`-"ERR syntax error"`, "SET", "k", "v", "NOPE")
	c.expect(`+"OK"`, "CONFIG", "RESETSTAT")
	c.expect(`-"ERR wrong number of arguments for 'config|resetstat' command"`, "CONFIG", "RESETSTAT", "x")
	_, f := infoSectionsOf(t, c.text("INFO", "all"))
	for name, want := range map[string]string{
		"keyspace_hits": "0", "keyspace_misses": "0", "total_error_replies": "1", "errorstat_ERR": "count=1",
		"total_connections_received": "0", "total_commands_processed": "2",
	} {
		if f[name] != want {
			t.Errorf("after RESETSTAT, %s = %q, want %q", name, f[name], want)
		}
	}
	if _, ok := f["cmdstat_set"]; ok {
		t.Errorf("after RESETSTAT, cmdstat_set = %q", f["cmdstat_set"])
	}
	c.expect(`$"v"`, "GET", "k")
	_, f = infoSectionsOf(t, c.text("INFO", "stats"))
	if f["keyspace_hits"] != "1" {
		t.Errorf("keyspace_hits after RESETSTAT and a hit = %q", f["keyspace_hits"])
	}
}

func TestBytesToHuman(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0B", 1023: "1023B", 1024: "1.00K", 1536: "1.50K", 1410328: "1.34M", 25276514304: "23.54G",
	} {
		if got := bytesToHuman(n); got != want {
			t.Errorf("bytesToHuman(%d) = %q, want %q", n, got, want)
		}
	}
}
