package server

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
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
	c.expect(`-"ERR embedis rewrites the append-only file only with appendonly yes"`, "BGREWRITEAOF")
	c.expect(`*[$"appendonly", $"no"]`, "CONFIG", "GET", "appendonly")
	c.expect(`*[$"appenddirname", $"appendonlydir"]`, "CONFIG", "GET", "appenddirname")
	expectFields(t, c, map[string]string{"aof_enabled": "0", "aof_rewrites": "0"})
	if _, ok := infoFields(c, "persistence")["aof_current_size"]; ok {
		t.Error("aof_current_size shown with appendonly no (Redis shows it only with appendonly yes)")
	}
}

// TestAOFConfig: CONFIG GET shows the settings in effect; appendonly and
// appendfsync change at run time; appenddirname is immutable.
func TestAOFConfig(t *testing.T) {
	s, _ := aofStart(t, t.TempDir(), persist.FsyncAlways)
	c := s.dial(t)
	c.expect(`*[$"appendonly", $"yes"]`, "CONFIG", "GET", "appendonly")
	c.expect(`*[$"appendfsync", $"always"]`, "CONFIG", "GET", "appendfsync")
	c.expect(`*[$"appenddirname", $"appendonlydir"]`, "CONFIG", "GET", "appenddirname")
	c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "YES", "appendfsync", "always")
	c.expect(`+"OK"`, "CONFIG", "SET", "appendfsync", "no")
	c.expect(`*[$"appendfsync", $"no"]`, "CONFIG", "GET", "appendfsync")
	if got := s.srv.persist.aof.db.AppendFsync(); got != persist.FsyncNo {
		t.Errorf("the log's policy after CONFIG SET appendfsync no: %v", got)
	}
	c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "no")
	if s.srv.persist.aof.db.AppendOnly() {
		t.Error("the log still on when CONFIG SET appendonly no answered")
	}
	c.expect(`*[$"appendonly", $"no"]`, "CONFIG", "GET", "appendonly")
	c.expect(`-"ERR embedis rewrites the append-only file only with appendonly yes"`, "BGREWRITEAOF")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'appenddirname') - can't set immutable config"`, "CONFIG", "SET", "appenddirname", "x")
	c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "yes")
	waitRewriteEnds(t, c)
	if !s.srv.persist.aof.db.AppendOnly() {
		t.Error("the log off after CONFIG SET appendonly yes and its rewrite")
	}
	expectFields(t, c, map[string]string{"aof_enabled": "1", "aof_rewrites": "1", "aof_last_bgrewrite_status": "ok"})
}

// TestAOFConfigRefusals: the aof-* knobs embedis does not implement, and
// automatic compaction (set when the directory is opened), are refused
// with their reason unless the value is the one in effect; appendonly yes
// is refused on a server with no way to log.
func TestAOFConfigRefusals(t *testing.T) {
	c := admStart(t, Options{}).dial(t)
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'appendonly') - `+errNoAppendLog+`"`, "CONFIG", "SET", "appendonly", "yes")
	c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "no", "appendfsync", "always")
	c.expect(`*[$"appendfsync", $"always"]`, "CONFIG", "GET", "appendfsync")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'auto-aof-rewrite-percentage') - embedis sets automatic log compaction when the data directory is opened (persist.Options.AutoCompactPercent and AutoCompactMinSize), not at run time"`, "CONFIG", "SET", "auto-aof-rewrite-percentage", "50")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'aof-use-rdb-preamble') - embedis does not implement this persistence setting (its log and snapshots behave as the default value says)"`, "CONFIG", "SET", "aof-use-rdb-preamble", "no")
	c.expect(`+"OK"`, "CONFIG", "SET", "aof-use-rdb-preamble", "yes", "auto-aof-rewrite-percentage", "100")
}

// hookStart starts a server as embedis-server --appendonly no does: the
// store opened with a persist.Log, which CONFIG SET appendonly yes
// attaches to dir/appendonlydir.
func hookStart(t *testing.T, dir string) (*admServer, func()) {
	t.Helper()
	hook := persist.NewLog()
	store, err := embedis.Open(embedis.Options{Log: hook})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(store, Options{Dir: dir, AppendLog: hook})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	go srv.Serve(l)
	stop := func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Server.Close: %v", err)
		}
		store.Close()
	}
	t.Cleanup(stop)
	return &admServer{srv: srv, store: store, addr: l.Addr().String()}, stop
}

// infoNames lists INFO persistence's field names in order.
func infoNames(c *admConn) string {
	var out []string
	for _, l := range strings.Split(c.text("INFO", "persistence"), "\r\n")[1:] {
		if name, _, ok := strings.Cut(l, ":"); ok {
			out = append(out, name)
		}
	}
	return strings.Join(out, " ")
}

// TestAppendOnlyAtRunTimeMatchesRedis sends the same CONFIG SET appendonly
// and appendfsync sequence to redis-server (started with appendonly no)
// and to embedis started as embedis-server --appendonly no: same replies,
// same INFO persistence fields and values after each step; and embedis's
// directory holds what was written while the log was on.
func TestAppendOnlyAtRunTimeMatchesRedis(t *testing.T) {
	rs := redistest.StartArgs(t, "--appendonly", "no")
	red := admDial(t, "unix", rs.Socket)
	dir := t.TempDir()
	s, stop := hookStart(t, dir)
	emb := s.dial(t)
	both := func(want string, args ...string) {
		t.Helper()
		red.expect(want, args...)
		emb.expect(want, args...)
	}
	sameInfo := func(step string, fields ...string) {
		t.Helper()
		if g, w := infoNames(emb), infoNames(red); g != w {
			t.Errorf("%s: INFO persistence fields\n got %s\nwant %s", step, g, w)
		}
		fr, fe := infoFields(red, "persistence"), infoFields(emb, "persistence")
		for _, f := range fields {
			if fr[f] != fe[f] {
				t.Errorf("%s: %s = %q, redis-server %q", step, f, fe[f], fr[f])
			}
		}
	}
	status := []string{"aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_rewrites",
		"aof_last_bgrewrite_status", "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_current_rewrite_time_sec"}
	both(`+"OK"`, "SET", "before", "1")
	both(`-"ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"`, "CONFIG", "SET", "appendonly", "maybe")
	both(`-"ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no"`, "CONFIG", "SET", "appendfsync", "sometimes")
	both(`-"ERR CONFIG SET failed (possibly related to argument 'appenddirname') - can't set immutable config"`, "CONFIG", "SET", "appenddirname", "x")
	both(`+"OK"`, "CONFIG", "SET", "appendonly", "no")
	sameInfo("appendonly no (in effect)", status...)
	both(`+"OK"`, "CONFIG", "SET", "appendonly", "yes")
	expectFields(t, emb, map[string]string{"aof_enabled": "1", "aof_rewrites": "1"})
	waitRewriteEnds(t, red)
	waitRewriteEnds(t, emb)
	sameInfo("after appendonly yes", status...)
	both(`+"OK"`, "CONFIG", "SET", "appendfsync", "always")
	both(`*[$"appendfsync", $"always"]`, "CONFIG", "GET", "appendfsync")
	both(`*[$"appendonly", $"yes"]`, "CONFIG", "GET", "appendonly")
	both(`+"OK"`, "SET", "logged", "2")
	both(`+"OK"`, "CONFIG", "SET", "appendonly", "no")
	sameInfo("after appendonly no", status...)
	both(`*[$"appendonly", $"no"]`, "CONFIG", "GET", "appendonly")
	both(`+"OK"`, "SET", "not-logged", "3")
	stop()

	db, err := persist.Open(filepath.Join(dir, "appendonlydir"), persist.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for k, want := range map[string]string{"before": "1", "logged": "2", "not-logged": ""} {
		if got, _ := db.Get(context.Background(), k); got != want {
			t.Errorf("the directory after appendonly yes then no: %s = %q, want %q", k, got, want)
		}
	}
}

// TestAppendOnlyYesDuringBgsaveMatchesRedis: appendonly yes while a BGSAVE
// runs schedules the rewrite, as Redis does (aof_enabled:1,
// aof_rewrite_scheduled:1, BGREWRITEAOF answers "scheduled"); it starts
// when the BGSAVE ends.
func TestAppendOnlyYesDuringBgsaveMatchesRedis(t *testing.T) {
	rs := redistest.StartArgs(t, "--appendonly", "no", "--rdb-key-save-delay", "2000000")
	red := admDial(t, "unix", rs.Socket)
	s, _ := hookStart(t, t.TempDir())
	emb := s.dial(t)
	hold := make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-hold }
	for _, c := range []*admConn{red, emb} {
		c.expect(`+"OK"`, "SET", "k", "v")
		c.expect(`+"Background saving started"`, "BGSAVE")
		c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "yes")
		c.expect(`+"Background append only file rewriting scheduled"`, "BGREWRITEAOF")
		expectFields(t, c, map[string]string{"aof_enabled": "1", "aof_rewrite_scheduled": "1", "aof_pending_rewrite": "1",
			"aof_rewrite_in_progress": "0", "rdb_bgsave_in_progress": "1", "aof_rewrites": "0"})
	}
	if g, w := infoNames(emb), infoNames(red); g != w {
		t.Errorf("INFO persistence fields with a rewrite scheduled\n got %s\nwant %s", g, w)
	}
	close(hold)
	waitBgsaveEnds(t, emb)
	waitRewriteEnds(t, emb)
	expectFields(t, emb, map[string]string{"aof_enabled": "1", "aof_rewrites": "1", "aof_last_bgrewrite_status": "ok"})
	if !s.srv.persist.aof.db.AppendOnly() {
		t.Error("the log is off after the scheduled rewrite of appendonly yes")
	}
	red.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "no") // stops redis-server's slow BGSAVE wait
}

// TestAppendOnlyNoDuringRewrite: appendonly no while a rewrite runs is
// answered at once (Redis kills its rewrite); the log stops when the
// rewrite ends.
func TestAppendOnlyNoDuringRewrite(t *testing.T) {
	s, _ := aofStart(t, t.TempDir(), persist.FsyncAlways)
	c := s.dial(t)
	release := make(chan struct{})
	s.srv.persist.beforeRewrite = func() { <-release }
	c.expect(`+"Background append only file rewriting started"`, "BGREWRITEAOF")
	c.expect(`+"OK"`, "CONFIG", "SET", "appendonly", "no") // answered with the rewrite held
	expectFields(t, c, map[string]string{"aof_enabled": "0", "aof_rewrite_in_progress": "1"})
	close(release)
	waitRewriteEnds(t, c)
	deadline := time.Now().Add(10 * time.Second)
	for s.srv.persist.aof.db.AppendOnly() {
		if time.Now().After(deadline) {
			t.Fatal("the log is still on after the rewrite ended")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
