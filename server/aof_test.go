package server

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
)

// aofStart starts a server over a data directory opened with its
// append-only log on, as embedis-server --appendonly yes does; the server
// and then the DB close when the test ends (or earlier, by the returned
// function, idempotent).
func aofStart(t *testing.T, dir string, fsync persist.Fsync) (*admServer, func()) {
	t.Helper()
	db, err := persist.Open(filepath.Join(dir, "appendonlydir"), persist.Options{AppendOnly: true, AppendFsync: fsync})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(db.Store, Options{Dir: dir, AppendOnly: db, AppendFsync: fsync, AppendDirName: "appendonlydir"})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	go srv.Serve(l)
	stop := func() {
		srv.Close()
		if err := db.Close(); err != nil {
			t.Errorf("DB.Close: %v", err)
		}
	}
	t.Cleanup(stop)
	return &admServer{srv: srv, store: db.Store, addr: l.Addr().String()}, stop
}

// waitRewriteEnds waits until INFO says no rewrite is in progress or
// scheduled.
func waitRewriteEnds(t *testing.T, c *admConn) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		f := infoFields(c, "persistence")
		if f["aof_rewrite_in_progress"] == "0" && f["aof_rewrite_scheduled"] == "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the rewrite did not end")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAOFInfoFieldsMatchRedis: with appendonly yes, INFO persistence has
// Redis's fields in Redis's order (Redis adds aof_current_size and five
// more then).
func TestAOFInfoFieldsMatchRedis(t *testing.T) {
	rs := redistest.StartArgs(t, "--appendonly", "yes")
	red := admDial(t, "unix", rs.Socket)
	s, _ := aofStart(t, t.TempDir(), persist.FsyncEverysec)
	emb := s.dial(t)
	names := func(c *admConn) string {
		var out []string
		for _, l := range strings.Split(c.text("INFO", "persistence"), "\r\n")[1:] {
			if name, _, ok := strings.Cut(l, ":"); ok {
				out = append(out, name)
			}
		}
		return strings.Join(out, " ")
	}
	w, g := names(red), names(emb)
	if g != w {
		t.Errorf("INFO persistence fields with appendonly yes:\n got %s\nwant %s", g, w)
	}
	if !strings.Contains(w, "aof_current_size") {
		t.Errorf("redis-server's INFO persistence has no aof_current_size: %s", w)
	}
	for _, c := range []*admConn{red, emb} {
		expectFields(t, c, map[string]string{"aof_enabled": "1", "aof_rewrite_in_progress": "0", "aof_rewrites": "0",
			"aof_last_rewrite_time_sec": "-1", "aof_last_bgrewrite_status": "ok", "aof_last_write_status": "ok"})
	}
}

// TestBGREWRITEAOF: the rewrite compacts the data directory (a new base
// snapshot), INFO follows it, and the directory reopens with the data.
func TestBGREWRITEAOF(t *testing.T) {
	dir := t.TempDir()
	s, stop := aofStart(t, dir, persist.FsyncAlways)
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`:3`, "RPUSH", "l", "a", "b", "c")
	expectFields(t, c, map[string]string{"aof_base_size": "0"})
	if f := infoFields(c, "persistence"); f["aof_current_size"] == "0" {
		t.Errorf("aof_current_size = 0 after two writes")
	}
	c.expect(`+"Background append only file rewriting started"`, "BGREWRITEAOF")
	waitRewriteEnds(t, c)
	f := infoFields(c, "persistence")
	for k, want := range map[string]string{"aof_rewrites": "1", "aof_last_bgrewrite_status": "ok",
		"aof_rewrites_consecutive_failures": "0", "aof_current_rewrite_time_sec": "-1"} {
		if f[k] != want {
			t.Errorf("after BGREWRITEAOF, %s = %q, want %q", k, f[k], want)
		}
	}
	if f["aof_last_rewrite_time_sec"] == "-1" || f["aof_base_size"] == "0" || f["aof_base_size"] != f["aof_current_size"] {
		t.Errorf("after BGREWRITEAOF: last_rewrite_time_sec %s, base_size %s, current_size %s",
			f["aof_last_rewrite_time_sec"], f["aof_base_size"], f["aof_current_size"])
	}
	c.expect(`+"OK"`, "SET", "after", "1") // in the new segment
	c.expect(`-"ERR wrong number of arguments for 'bgrewriteaof' command"`, "BGREWRITEAOF", "x")
	c.expect(`+"OK"`, "CONFIG", "RESETSTAT")
	expectFields(t, c, map[string]string{"aof_rewrites": "0"})
	stop()

	s, _ = aofStart(t, dir, persist.FsyncAlways)
	c = s.dial(t)
	c.expect(`$"v"`, "GET", "k")
	c.expect(`*[$"a", $"b", $"c"]`, "LRANGE", "l", "0", "-1")
	c.expect(`$"1"`, "GET", "after")
}

// TestBGREWRITEAOFAndBGSAVE: as Redis's one child at a time — a rewrite
// during a rewrite is refused, a BGSAVE during a rewrite is refused (or
// scheduled with SCHEDULE, and runs once it ends), a rewrite during a
// BGSAVE is scheduled and runs once the BGSAVE ends. Replies are Redis's
// (checked by hand against redis-server 7.0.15, whose rewrite cannot be
// held in progress by a test).
func TestBGREWRITEAOFAndBGSAVE(t *testing.T) {
	s, _ := aofStart(t, t.TempDir(), persist.FsyncEverysec)
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	release := make(chan struct{})
	s.srv.persist.beforeRewrite = func() { <-release }
	c.expect(`+"Background append only file rewriting started"`, "BGREWRITEAOF")
	c.expect(`-"ERR Background append only file rewriting already in progress"`, "BGREWRITEAOF")
	c.expect(`-"ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."`, "BGSAVE")
	expectFields(t, c, map[string]string{"aof_rewrite_in_progress": "1", "aof_rewrites": "1", "rdb_saves": "0"})
	if f := infoFields(c, "persistence"); f["aof_current_rewrite_time_sec"] == "-1" {
		t.Error("aof_current_rewrite_time_sec = -1 during a rewrite")
	}
	c.expect(`+"Background saving scheduled"`, "BGSAVE", "SCHEDULE")
	close(release)
	waitRewriteEnds(t, c)
	deadline := time.Now().Add(10 * time.Second)
	for infoFields(c, "persistence")["rdb_saves"] != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the scheduled BGSAVE did not start after the rewrite")
		}
		time.Sleep(5 * time.Millisecond)
	}
	waitBgsaveEnds(t, c)

	s.srv.persist.beforeRewrite = nil
	hold := make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-hold }
	c.expect(`+"Background saving started"`, "BGSAVE")
	c.expect(`+"Background append only file rewriting scheduled"`, "BGREWRITEAOF")
	c.expect(`+"Background append only file rewriting scheduled"`, "BGREWRITEAOF")
	expectFields(t, c, map[string]string{"aof_rewrite_scheduled": "1", "aof_pending_rewrite": "1", "aof_rewrite_in_progress": "0", "aof_rewrites": "1"})
	close(hold)
	waitBgsaveEnds(t, c)
	waitRewriteEnds(t, c)
	expectFields(t, c, map[string]string{"aof_rewrites": "2", "aof_last_bgrewrite_status": "ok"})

	// Inside MULTI/EXEC, as Redis: scheduled, started after the transaction.
	s.srv.persist.beforeWrite = nil
	c.expect(`+"OK"`, "MULTI")
	c.expect(`+"QUEUED"`, "BGREWRITEAOF")
	c.expect(`*[+"Background append only file rewriting scheduled"]`, "EXEC")
	waitRewriteEnds(t, c)
	expectFields(t, c, map[string]string{"aof_rewrites": "3"})
}

// TestBGREWRITEAOFWithoutAppendOnly: a server whose store has no data
// directory refuses BGREWRITEAOF (Redis's would write an AOF directory).
func TestBGREWRITEAOFWithoutAppendOnly(t *testing.T) {
	c := admStart(t, Options{}).dial(t)
	c.expect(`-"ERR embedis rewrites the append-only file only with appendonly yes (embedis-server --appendonly yes)"`, "BGREWRITEAOF")
	c.expect(`*[$"appendonly", $"no"]`, "CONFIG", "GET", "appendonly")
	c.expect(`*[$"appenddirname", $"appendonlydir"]`, "CONFIG", "GET", "appenddirname")
	expectFields(t, c, map[string]string{"aof_enabled": "0", "aof_rewrites": "0"})
	if _, ok := infoFields(c, "persistence")["aof_current_size"]; ok {
		t.Error("aof_current_size shown with appendonly no (Redis shows it only with appendonly yes)")
	}
}

// TestAOFConfig: CONFIG GET shows the settings in effect; CONFIG SET
// accepts them and refuses a change (they are set at start only).
func TestAOFConfig(t *testing.T) {
	s, _ := aofStart(t, t.TempDir(), persist.FsyncAlways)
	c := s.dial(t)
	c.expect(`*[$"appendonly", $"yes"]`, "CONFIG", "GET", "appendonly")
	c.expect(`*[$"appendfsync", $"always"]`, "CONFIG", "GET", "appendfsync")
	c.expect(`*[$"appenddirname", $"appendonlydir"]`, "CONFIG", "GET", "appenddirname")
	c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "YES", "appendfsync", "always")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'appendonly') - embedis does not implement the append-only file or this persistence setting yet"`, "CONFIG", "SET", "appendonly", "no")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'appendfsync') - embedis does not implement the append-only file or this persistence setting yet"`, "CONFIG", "SET", "appendfsync", "everysec")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'appenddirname') - can't set immutable config"`, "CONFIG", "SET", "appenddirname", "x")
}
