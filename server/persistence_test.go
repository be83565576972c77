package server

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
)

// infoFields returns the fields of an INFO section as a map.
func infoFields(c *admConn, section string) map[string]string {
	c.t.Helper()
	m := make(map[string]string)
	for _, l := range strings.Split(c.text("INFO", section), "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[k] = v
		}
	}
	return m
}

// expectFields checks INFO persistence fields.
func expectFields(t *testing.T, c *admConn, want map[string]string) {
	t.Helper()
	got := infoFields(c, "persistence")
	for k, w := range want {
		if got[k] != w {
			t.Errorf("INFO persistence %s = %q, want %q", k, got[k], w)
		}
	}
}

// waitBgsaveEnds waits until INFO says no BGSAVE is in progress.
func waitBgsaveEnds(t *testing.T, c *admConn) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for infoFields(c, "persistence")["rdb_bgsave_in_progress"] != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the BGSAVE did not end")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSaveWritesTheFileAndMovesLastsave: SAVE answers OK with the file on
// disk; LASTSAVE, rdb_last_save_time, rdb_saves and
// rdb_changes_since_last_save follow as in Redis.
func TestSaveWritesTheFileAndMovesLastsave(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir, DBFilename: "snap.rdb"})
	c := s.dial(t)
	start := strconv.FormatInt(s.srv.started.Unix(), 10)
	c.expect(":"+start, "LASTSAVE") // the start counts as a save, as in Redis
	expectFields(t, c, map[string]string{
		"rdb_changes_since_last_save": "0", "rdb_last_save_time": start, "rdb_saves": "0",
		"rdb_bgsave_in_progress": "0", "rdb_last_bgsave_status": "ok", "rdb_last_bgsave_time_sec": "-1",
		"rdb_current_bgsave_time_sec": "-1", "current_save_keys_total": "0",
	})
	c.expect(`+"OK"`, "SET", "a", "1")
	c.expect(`+"OK"`, "SET", "b", "2")
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "2"})

	// Make the last save look old, so that LASTSAVE visibly moves.
	s.srv.persist.mu.Lock()
	s.srv.persist.lastSave = time.Unix(1000, 0)
	s.srv.persist.mu.Unlock()
	c.expect(":1000", "LASTSAVE")
	before := time.Now().Unix()
	c.expect(`+"OK"`, "SAVE")
	if _, err := os.Stat(filepath.Join(dir, "snap.rdb")); err != nil {
		t.Fatalf("SAVE answered OK, but: %v", err)
	}
	last := c.do("LASTSAVE")
	if last.Kind != ':' || last.Int < before {
		t.Errorf("LASTSAVE after SAVE = %s, want at least %d", last, before)
	}
	expectFields(t, c, map[string]string{
		"rdb_changes_since_last_save": "0", "rdb_saves": "1", "rdb_last_save_time": strconv.FormatInt(last.Int, 10),
		"rdb_last_bgsave_time_sec": "-1", // SAVE is no BGSAVE
	})
	c.expect(`:1`, "DEL", "a")
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "1"})
	c.expect(`+"OK"`, "CONFIG", "RESETSTAT")
	expectFields(t, c, map[string]string{"rdb_saves": "0", "rdb_changes_since_last_save": "1"})

	// A pipeline: SAVE's reply comes in its place, the commands after it
	// run after the file is written.
	c.send("SET", "c", "3")
	c.send("SAVE")
	c.send("GET", "c")
	for _, want := range []string{`+"OK"`, `+"OK"`, `$"3"`} {
		if got := c.read().String(); got != want {
			t.Errorf("pipeline SET, SAVE, GET: got %s, want %s", got, want)
		}
	}
	c.expect(`+"OK"`, "MULTI")
	c.expect(`-"ERR Command not allowed inside a transaction"`, "SAVE")
	c.expect(`-"EXECABORT Transaction discarded because of previous errors."`, "EXEC")
}

// TestBgsaveStates holds a BGSAVE in progress and checks Redis's replies
// and INFO fields around it.
func TestBgsaveStates(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir})
	release := make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-release }
	c := s.dial(t)
	c.expect(`+"OK"`, "MSET", "a", "1", "b", "2", "c", "3")
	c.expect(`-"ERR syntax error"`, "BGSAVE", "x")
	c.expect(`-"ERR syntax error"`, "BGSAVE", "SCHEDULE", "x")
	c.expect(`+"Background saving started"`, "BGSAVE")
	info := infoFields(c, "persistence")
	if info["rdb_bgsave_in_progress"] != "1" || info["current_save_keys_total"] != "3" || info["rdb_current_bgsave_time_sec"] == "-1" {
		t.Errorf("INFO during a BGSAVE: %v", info)
	}
	c.expect(`-"ERR Background save already in progress"`, "BGSAVE")
	c.expect(`-"ERR Background save already in progress"`, "BGSAVE", "schedule")
	c.expect(`-"ERR Background save already in progress"`, "SAVE")
	c.expect(`+"OK"`, "SET", "d", "4") // other commands go on meanwhile
	c.expect(`:1`, "DEL", "a")
	close(release)
	waitBgsaveEnds(t, c)
	if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); err != nil {
		t.Fatal(err)
	}
	info = infoFields(c, "persistence")
	if info["rdb_last_bgsave_status"] != "ok" || info["rdb_last_bgsave_time_sec"] == "-1" ||
		info["rdb_current_bgsave_time_sec"] != "-1" || info["rdb_saves"] != "1" || info["current_save_keys_total"] != "0" {
		t.Errorf("INFO after a BGSAVE: %v", info)
	}
	// The two writes after the snapshot are unsaved, as Redis counts them.
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "2"})

	// BGSAVE SCHEDULE with nothing running starts one; inside MULTI, BGSAVE
	// is scheduled and runs after EXEC.
	c.expect(`+"Background saving started"`, "BGSAVE", "SCHEDULE")
	waitBgsaveEnds(t, c)
	c.expect(`+"OK"`, "MULTI")
	c.expect(`+"QUEUED"`, "BGSAVE")
	c.expect(`+"QUEUED"`, "SET", "e", "5")
	c.expect(`*[+"Background saving scheduled", +"OK"]`, "EXEC")
	deadline := time.Now().Add(10 * time.Second)
	for infoFields(c, "persistence")["rdb_saves"] != "3" {
		if time.Now().After(deadline) {
			t.Fatal("the scheduled BGSAVE did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	waitBgsaveEnds(t, c)
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "0", "rdb_last_bgsave_status": "ok"})
}

// TestSaveFailures: a snapshot that cannot be written (its directory is
// gone) fails as in Redis: SAVE answers "ERR", a BGSAVE ends with
// rdb_last_bgsave_status:err, LASTSAVE does not move, and a later
// successful save sets the status back to ok.
func TestSaveFailures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	s := admStart(t, Options{Dir: dir})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	last := c.do("LASTSAVE").String()
	c.expect(`-"ERR"`, "SAVE")
	expectFields(t, c, map[string]string{"rdb_last_bgsave_status": "ok", "rdb_saves": "1", "rdb_changes_since_last_save": "1"})
	c.expect(`+"Background saving started"`, "BGSAVE")
	waitBgsaveEnds(t, c)
	expectFields(t, c, map[string]string{"rdb_last_bgsave_status": "err", "rdb_saves": "2", "rdb_changes_since_last_save": "1"})
	c.expect(last, "LASTSAVE")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	c.expect(`+"OK"`, "SAVE")
	expectFields(t, c, map[string]string{"rdb_last_bgsave_status": "ok", "rdb_changes_since_last_save": "0"})
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != "dump.rdb" {
		t.Errorf("the directory holds %v, want only dump.rdb (no temporary file left behind)", entries)
	}
}

// TestConfigGetDirAndDBFilename: CONFIG GET shows the options (dir as an
// absolute path), and CONFIG SET refuses them as Redis 7.0 refuses
// protected configs.
func TestConfigGetDirAndDBFilename(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir, DBFilename: "x.rdb"})
	c := s.dial(t)
	c.expect(`*[$"dir", $"`+dir+`"]`, "CONFIG", "GET", "dir")
	c.expect(`*[$"dbfilename", $"x.rdb"]`, "CONFIG", "GET", "dbfilename")
	c.expect(`-"ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"`, "CONFIG", "SET", "dir", dir)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// Without Dir: the working directory, as redis-server's default.
	store := s.store
	srv := New(store, Options{})
	if got := srv.persist.dir; got != wd {
		t.Errorf("default dir %q, want the working directory %q", got, wd)
	}
	if got := srv.persist.file; got != "dump.rdb" {
		t.Errorf("default dbfilename %q, want dump.rdb", got)
	}
	// A dbfilename with a directory in it: saves fail.
	s2 := admStart(t, Options{Dir: dir, DBFilename: "sub/x.rdb"})
	s2.dial(t).expect(`-"ERR"`, "SAVE")
}

// TestSnapshotCommandsMatchRedis runs the same BGSAVE sequence on
// redis-server (slowed by rdb-key-save-delay, so that its BGSAVE is still
// running) and on embedis (held by the test), and compares the replies and
// the INFO fields that depend neither on time nor on fork (rdb_last_cow_size:
// embedis does not fork, and shows 0).
func TestSnapshotCommandsMatchRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	s := admStart(t, Options{})
	emb := s.dial(t)
	fields := []string{"rdb_bgsave_in_progress", "rdb_changes_since_last_save", "rdb_last_bgsave_status", "rdb_saves",
		"current_save_keys_total", "rdb_last_load_keys_loaded", "rdb_last_load_keys_expired"}
	compare := func(when string, skip ...string) {
		t.Helper()
		w, g := infoFields(red, "persistence"), infoFields(emb, "persistence")
		for _, f := range fields {
			if w[f] != g[f] && !slices.Contains(skip, f) {
				t.Errorf("%s: INFO persistence %s = %q, Redis %q", when, f, g[f], w[f])
			}
		}
		// Time fields: the same shape (-1 on both, or a count on both).
		for _, f := range []string{"rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec"} {
			if (w[f] == "-1") != (g[f] == "-1") {
				t.Errorf("%s: INFO persistence %s = %q, Redis %q", when, f, g[f], w[f])
			}
		}
	}
	both := func(args ...string) {
		t.Helper()
		if w, g := red.do(args...).String(), emb.do(args...).String(); w != g {
			t.Errorf("%q:\n got %s\nwant %s", args, g, w)
		}
	}
	both("FLUSHALL")
	both("SAVE")
	compare("after SAVE")
	both("MSET", "a", "1", "b", "2", "c", "3")
	compare("after MSET")
	release := make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-release }
	red.expect(`+"OK"`, "CONFIG", "SET", "rdb-key-save-delay", "100000") // 0.1 s a key
	both("BGSAVE")
	compare("during BGSAVE")
	for _, args := range [][]string{{"BGSAVE"}, {"BGSAVE", "SCHEDULE"}, {"SAVE"}, {"BGSAVE", "NOW"}, {"SET", "d", "4"}} {
		both(args...)
	}
	compare("during BGSAVE, after a write")
	close(release)
	deadline := time.Now().Add(20 * time.Second)
	for infoFields(red, "persistence")["rdb_bgsave_in_progress"] != "0" || infoFields(emb, "persistence")["rdb_bgsave_in_progress"] != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the BGSAVEs did not end")
		}
		time.Sleep(20 * time.Millisecond)
	}
	compare("after BGSAVE")
	red.expect(`+"OK"`, "CONFIG", "SET", "rdb-key-save-delay", "0")
	s.srv.persist.beforeWrite = nil
	both("MULTI")
	both("SET", "e", "5")
	both("BGSAVE")
	both("EXEC")
	deadline = time.Now().Add(30 * time.Second)
	for infoFields(red, "persistence")["rdb_saves"] != "3" || infoFields(emb, "persistence")["rdb_saves"] != "3" {
		if time.Now().After(deadline) {
			t.Fatal("the scheduled BGSAVEs did not start")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for infoFields(red, "persistence")["rdb_bgsave_in_progress"] != "0" || infoFields(emb, "persistence")["rdb_bgsave_in_progress"] != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the scheduled BGSAVEs did not end")
		}
		time.Sleep(20 * time.Millisecond)
	}
	compare("after the scheduled BGSAVE")
	if w, g := red.do("LASTSAVE"), emb.do("LASTSAVE"); w.Kind != g.Kind || g.Kind != ':' {
		t.Errorf("LASTSAVE: %s, Redis %s", g, w)
	}

	// FLUSHALL abandons a BGSAVE in progress: LASTSAVE stays.
	lastRed, lastEmb := red.do("LASTSAVE").String(), emb.do("LASTSAVE").String()
	release = make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-release }
	red.expect(`+"OK"`, "CONFIG", "SET", "rdb-key-save-delay", "100000")
	both("BGSAVE")
	both("FLUSHALL")
	close(release)
	for infoFields(red, "persistence")["rdb_bgsave_in_progress"] != "0" || infoFields(emb, "persistence")["rdb_bgsave_in_progress"] != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned BGSAVEs did not end")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Redis counts a change per key FLUSHALL removes (and per field or
	// element of HSET, RPUSH, ...); embedis.Stats.Changes counts a change
	// per key written, and none for FLUSHALL.
	compare("after FLUSHALL during a BGSAVE", "rdb_changes_since_last_save")
	red.expect(lastRed, "LASTSAVE")
	emb.expect(lastEmb, "LASTSAVE")
}

// TestCloseAbandonsBgsave: a server closed (SHUTDOWN NOSAVE) while a
// BGSAVE writes abandons it, as Redis kills its saving child: Close waits
// for the write to stop, and the snapshot file is left as it was, with no
// temporary file behind.
func TestCloseAbandonsBgsave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dump.rdb")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := admStart(t, Options{Dir: dir})
	release := make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-release }
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`+"Background saving started"`, "BGSAVE")
	c.send("SHUTDOWN", "NOSAVE")
	closed := make(chan struct{})
	go func() { s.srv.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the BGSAVE was still writing")
	case <-time.After(50 * time.Millisecond): // Close must not return before release at all: no wait is long enough to see it do so
	}
	close(release)
	<-closed
	entries, err := os.ReadDir(dir)
	if b, _ := os.ReadFile(path); err != nil || len(entries) != 1 || string(b) != "old" {
		t.Fatalf("after Close: %v (%v), dump.rdb %q; want only the old dump.rdb", entries, err, b)
	}
}

// TestFlushallAbandonsBgsave: as Redis kills its saving child on FLUSHALL,
// the BGSAVE in progress is abandoned: no file, LASTSAVE and
// rdb_last_bgsave_status unchanged, and a BGSAVE after it writes the
// emptied data.
func TestFlushallAbandonsBgsave(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir})
	release := make(chan struct{})
	s.srv.persist.beforeWrite = func() { <-release }
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	last := c.do("LASTSAVE").String()
	c.expect(`+"Background saving started"`, "BGSAVE")
	c.expect(`+"OK"`, "FLUSHALL")
	close(release)
	waitBgsaveEnds(t, c)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("after FLUSHALL during BGSAVE: %v, want no file", entries)
	}
	c.expect(last, "LASTSAVE")
	info := infoFields(c, "persistence")
	if info["rdb_last_bgsave_status"] != "ok" || info["rdb_last_bgsave_time_sec"] == "-1" || info["rdb_saves"] != "1" {
		t.Errorf("INFO after an abandoned BGSAVE: %v", info)
	}
	s.srv.persist.beforeWrite = nil
	c.expect(`+"Background saving started"`, "BGSAVE")
	waitBgsaveEnds(t, c)
	st, err := persist.OpenSnapshot(filepath.Join(dir, "dump.rdb"), embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.DBSize(context.Background()); n != 0 {
		t.Errorf("the BGSAVE after FLUSHALL wrote %d keys", n)
	}
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "0"})
}
