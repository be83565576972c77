package server

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
)

func TestParseSavePoints(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      bool
	}{
		{"", "", false},
		{"3600 1 300 100 60 10000", "3600 1 300 100 60 10000", false},
		{"10 +5 20 99999999999", "10 5 20 1215752191", false}, // changes wrap as Redis's C int
		{"1 1 1 1", "1 1 1 1", false},
		{"0 1", "", true}, {"1 -1", "", true}, {"1", "", true}, {"1  2", "", true}, {" 1 2", "", true},
		{"x 1", "", true}, {"1 1x", "", true}, {" ", "", true},
	} {
		ps, err := ParseSavePoints(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("ParseSavePoints(%q): error %v, want an error: %v", tc.in, err, tc.err)
			continue
		}
		if err != nil {
			if err.Error() != "Invalid save parameters" {
				t.Errorf("ParseSavePoints(%q): error %q", tc.in, err)
			}
			continue
		}
		if got := FormatSavePoints(ps); got != tc.want {
			t.Errorf("FormatSavePoints(ParseSavePoints(%q)) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := FormatSavePoints(DefaultSavePoints()); got != "3600 1 300 100 60 10000" {
		t.Errorf("DefaultSavePoints = %q", got)
	}
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline: it waits for an event, it does not time one.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSavePointStartsBgsave: with save "1 1", a write is saved by a
// BGSAVE of its own; LASTSAVE and INFO persistence follow; the file holds
// the write.
func TestSavePointStartsBgsave(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir, SavePoints: []SavePoint{{1, 1}}})
	c := s.dial(t)
	c.expect(`*[$"save", $"1 1"]`, "CONFIG", "GET", "save")
	start := c.do("LASTSAVE").Int
	c.expect(`+"OK"`, "SET", "k", "v")
	waitFor(t, "the automatic BGSAVE", func() bool { return c.do("LASTSAVE").Int > start })
	waitBgsaveEnds(t, c)
	expectFields(t, c, map[string]string{
		"rdb_changes_since_last_save": "0", "rdb_saves": "1", "rdb_last_bgsave_status": "ok",
	})
	store, err := persist.OpenSnapshot(filepath.Join(dir, "dump.rdb"), embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if v, err := store.Get(context.Background(), "k"); err != nil || v != "v" {
		t.Errorf("the file holds k = %q, %v", v, err)
	}
}

// TestConfigSetSaveStartsSaving: save points set by CONFIG SET take
// effect; save "" stops them.
func TestConfigSetSaveStartsSaving(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`+"OK"`, "CONFIG", "SET", "save", "1 1")
	waitFor(t, "the automatic BGSAVE", func() bool {
		_, err := os.Stat(filepath.Join(dir, "dump.rdb"))
		return err == nil
	})
	c.expect(`+"OK"`, "CONFIG", "SET", "save", "")
	if len(s.srv.persist.savePoints()) != 0 {
		t.Errorf("save points left after CONFIG SET save \"\": %v", s.srv.persist.savePoints())
	}
	c.expect(`*[$"save", $""]`, "CONFIG", "GET", "save")
}

// TestSavePointRules checks serverCron's rule at chosen instants: changes
// at least Changes, strictly more than Seconds since the last save, no
// BGSAVE running, and after a failed BGSAVE more than 5 seconds since it
// started.
func TestSavePointRules(t *testing.T) {
	s := admStart(t, Options{SavePoints: []SavePoint{{100, 2}, {10, 5}}})
	p := s.srv.persist
	c := s.dial(t)
	p.quitOnce.Do(func() { close(p.quit) }) // only the instants below check
	<-p.cronDone
	p.mu.Lock()
	base := p.lastSave
	p.mu.Unlock()
	at := func(sec int64) time.Time { return base.Add(time.Duration(sec) * time.Second) }
	started := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.bg != nil || p.saves > 0
	}

	p.checkSavePoints(at(1000)) // no changes: nothing due
	if started() {
		t.Fatal("a BGSAVE started without changes")
	}
	c.expect(`+"OK"`, "MSET", "a", "1", "b", "2", "c", "3")
	for _, sec := range []int64{5, 10, 100} { // 3 changes: {10, 5} lacks changes, {100, 2} needs > 100 s
		if p.checkSavePoints(at(sec)); started() {
			t.Fatalf("a BGSAVE started at +%d s", sec)
		}
	}
	// A failed BGSAVE: the next waits more than 5 s after it started.
	p.mu.Lock()
	p.lastBgOK, p.lastBgTry = false, at(100)
	p.mu.Unlock()
	for _, sec := range []int64{101, 105} {
		if p.checkSavePoints(at(sec)); started() {
			t.Fatalf("a BGSAVE started at +%d s, %d s after a failed one", sec, sec-100)
		}
	}
	p.checkSavePoints(at(106))
	if !started() {
		t.Fatal("no BGSAVE at +106 s")
	}
	waitBgsaveEnds(t, c)
	expectFields(t, c, map[string]string{"rdb_last_bgsave_status": "ok", "rdb_changes_since_last_save": "0"})
}

// TestSavePointsStopOnClose: Close ends the check; no BGSAVE starts after.
func TestSavePointsStopOnClose(t *testing.T) {
	s := admStart(t, Options{SavePoints: []SavePoint{{1, 0}}})
	s.srv.Close()
	p := s.srv.persist
	select {
	case <-p.cronDone:
	default:
		t.Fatal("the save points' check goes on after Close")
	}
	p.checkSavePoints(time.Now().Add(time.Hour))
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bg != nil || p.saves != 0 {
		t.Error("a BGSAVE started after Close")
	}
}

// TestShutdownWithSavePoints: with save points the plain SHUTDOWN saves,
// NOSAVE does not, and a save that fails keeps the server serving, as in
// Redis.
func TestShutdownWithSavePoints(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		saves bool
	}{{nil, true}, {[]string{"NOW"}, true}, {[]string{"NOSAVE"}, false}, {[]string{"SAVE"}, true}} {
		dir := t.TempDir()
		s := admStart(t, Options{Dir: dir, SavePoints: DefaultSavePoints()})
		c := s.dial(t)
		c.expect(`+"OK"`, "SET", "k", "v")
		c.send(append([]string{"SHUTDOWN"}, tc.args...)...)
		waitDone(t, s.srv)
		_, err := os.Stat(filepath.Join(dir, "dump.rdb"))
		if saved := err == nil; saved != tc.saves {
			t.Errorf("SHUTDOWN %q with save points: dump.rdb written: %v, want %v", tc.args, saved, tc.saves)
		}
	}
	logs := &syncBuffer{}
	s := admStart(t, Options{Dir: filepath.Join(t.TempDir(), "gone"), SavePoints: DefaultSavePoints(),
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`-"ERR Errors trying to SHUTDOWN. Check logs."`, "SHUTDOWN")
	c.expect(`$"v"`, "GET", "k")
	expectFields(t, c, map[string]string{"rdb_saves": "0"}) // Redis counts no shutdown save
	if isDone(s.srv) {
		t.Fatal("the server shut down")
	}
	if !strings.Contains(logs.String(), "Error trying to save the DB, can't exit.") {
		t.Errorf("the log does not say why:\n%s", logs)
	}
	c.send("SHUTDOWN", "NOSAVE")
	waitDone(t, s.srv)
}

// TestServerShutdown: Shutdown (SIGTERM's and SIGINT's path) saves with
// save points, honours shutdown-on-sigterm/sigint nosave and force, and
// leaves the server serving when the save fails.
func TestServerShutdown(t *testing.T) {
	for _, tc := range []struct {
		name   string
		save   []SavePoint
		sigint bool
		set    string // shutdown-on-* value
		saves  bool
	}{
		{"no save points", nil, false, "", false},
		{"no save points, sigterm save", nil, false, "save", true},
		{"no save points, sigint save", nil, true, "save now", true},
		{"no save points, sigterm's save, sigint", nil, true, "-save", false},
		{"sigterm", DefaultSavePoints(), false, "", true},
		{"sigint", DefaultSavePoints(), true, "", true},
		{"sigterm nosave", DefaultSavePoints(), false, "nosave", false},
		{"sigint nosave", DefaultSavePoints(), true, "nosave now", false},
		{"sigterm nosave, sigint's", DefaultSavePoints(), true, "-nosave", true},
	} {
		dir := t.TempDir()
		s := admStart(t, Options{Dir: dir, SavePoints: tc.save})
		c := s.dial(t)
		c.expect(`+"OK"`, "SET", "k", "v")
		if tc.set != "" {
			name, v := "shutdown-on-sigterm", tc.set
			if tc.sigint {
				name = "shutdown-on-sigint"
			}
			if after, ok := strings.CutPrefix(v, "-"); ok { // set the other signal's
				v = after
				name = "shutdown-on-sigterm"
			}
			c.expect(`+"OK"`, "CONFIG", "SET", name, v)
		}
		if err := s.srv.Shutdown(tc.sigint); err != nil {
			t.Errorf("%s: Shutdown: %v", tc.name, err)
		}
		if !isDone(s.srv) {
			t.Errorf("%s: the server is not closed", tc.name)
		}
		_, err := os.Stat(filepath.Join(dir, "dump.rdb"))
		if saved := err == nil; saved != tc.saves {
			t.Errorf("%s: dump.rdb written: %v, want %v", tc.name, saved, tc.saves)
		}
	}

	s := admStart(t, Options{Dir: filepath.Join(t.TempDir(), "gone"), SavePoints: DefaultSavePoints()})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	if err := s.srv.Shutdown(false); err == nil {
		t.Fatal("Shutdown with a failing save: no error")
	}
	c.expect(`$"v"`, "GET", "k")
	if isDone(s.srv) {
		t.Fatal("the server closed although the save failed")
	}
	c.expect(`+"OK"`, "CONFIG", "SET", "shutdown-on-sigterm", "force")
	if err := s.srv.Shutdown(false); err != nil {
		t.Errorf("Shutdown with force: %v", err)
	}
	if !isDone(s.srv) {
		t.Error("force: the server is not closed")
	}
}

// TestSavePointCountsElements: a save point's change count is Redis's
// (keyspace.go's wroteN): RPUSH of two elements is two changes, short of
// save "10 3" however long ago the last save was; one more element
// reaches it.
func TestSavePointCountsElements(t *testing.T) {
	s := admStart(t, Options{SavePoints: []SavePoint{{10, 3}}})
	p := s.srv.persist
	c := s.dial(t)
	p.quitOnce.Do(func() { close(p.quit) }) // only the instants below check
	<-p.cronDone
	p.mu.Lock()
	later := p.lastSave.Add(1000 * time.Second)
	p.mu.Unlock()
	started := func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.bg != nil || p.saves > 0
	}
	c.expect(`:2`, "RPUSH", "l", "a", "b")
	c.expect(`-"WRONGTYPE Operation against a key holding the wrong kind of value"`, "SADD", "l", "x") // no change
	c.expect(`:0`, "PERSIST", "l")                                                                     // no change
	c.expect(`:0`, "LREM", "l", "0", "x")                                                              // no change
	if p.checkSavePoints(later); started() {
		t.Fatalf("a BGSAVE started after %s changes, want none before 3", infoFields(c, "persistence")["rdb_changes_since_last_save"])
	}
	c.expect(`:3`, "RPUSH", "l", "c")
	p.checkSavePoints(later)
	if !started() {
		t.Fatal("no BGSAVE after 3 changes")
	}
	waitBgsaveEnds(t, c)
	expectFields(t, c, map[string]string{"rdb_last_bgsave_status": "ok", "rdb_changes_since_last_save": "0"})
}

// TestFlushallSaves: with save points FLUSHALL saves the emptied store
// before it answers, as Redis 7.0's does (rdb_saves does not count it;
// LASTSAVE moves); without, it writes nothing.
func TestFlushallSaves(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir, SavePoints: DefaultSavePoints()})
	c := s.dial(t)
	c.expect(`+"OK"`, "SET", "k", "v")
	c.expect(`+"OK"`, "SAVE") // a file holding k
	s.srv.persist.mu.Lock()
	s.srv.persist.lastSave = time.Unix(1000, 0)
	s.srv.persist.mu.Unlock()
	c.expect(`+"OK"`, "CONFIG", "RESETSTAT")
	c.expect(`+"OK"`, "SET", "k2", "v")
	c.expect(`+"OK"`, "FLUSHALL")
	store, err := persist.OpenSnapshot(filepath.Join(dir, "dump.rdb"), embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := store.DBSize(context.Background()); n != 0 {
		t.Errorf("after FLUSHALL the file holds %d keys", n)
	}
	store.Close()
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "0", "rdb_saves": "0"})
	if last := c.do("LASTSAVE").Int; last == 1000 {
		t.Error("LASTSAVE did not move")
	}
	// Twice in one transaction: both saves are written, in order.
	c.expect(`+"OK"`, "MULTI")
	c.expect(`+"QUEUED"`, "SET", "a", "1")
	c.expect(`+"QUEUED"`, "FLUSHALL")
	c.expect(`+"QUEUED"`, "SET", "b", "1")
	c.expect(`+"QUEUED"`, "FLUSHALL")
	c.expect(`*[+"OK", +"OK", +"OK", +"OK"]`, "EXEC")
	expectFields(t, c, map[string]string{"rdb_changes_since_last_save": "0"})

	dir2 := t.TempDir()
	c2 := admStart(t, Options{Dir: dir2}).dial(t)
	c2.expect(`+"OK"`, "SET", "k", "v")
	c2.expect(`+"OK"`, "FLUSHALL")
	if _, err := os.Stat(filepath.Join(dir2, "dump.rdb")); err == nil {
		t.Error("FLUSHALL without save points wrote dump.rdb")
	}
	// Unsaved changes remain: SET's and the key FLUSHALL removed, as
	// Redis counts them.
	if n := infoFields(c2, "persistence")["rdb_changes_since_last_save"]; n != "2" {
		t.Errorf("FLUSHALL without save points: rdb_changes_since_last_save %s, want 2", n)
	}
}

// TestMisconfMatchesRedis: after a failed BGSAVE with save points, both
// servers refuse writes and PING with MISCONF, inside MULTI too, until the
// save points or stop-writes-on-bgsave-error say otherwise; replies and
// error counts compared with redis-server's.
func TestMisconfMatchesRedis(t *testing.T) {
	rs := redistest.Start(t)
	red := admDial(t, "unix", rs.Socket)
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	emb := admStart(t, Options{Dir: dir}).dial(t)
	for _, c := range []*admConn{red, emb} {
		c.expect(`+"OK"`, "CONFIG", "SET", "save", "3600 1")
	}
	os.RemoveAll(dir)
	os.RemoveAll(filepath.Dir(rs.Socket)) // Redis's dir: the socket already connected stays usable
	for _, c := range []*admConn{red, emb} {
		c.expect(`+"Background saving started"`, "BGSAVE")
		waitBgsaveEnds(t, c)
		expectFields(t, c, map[string]string{"rdb_last_bgsave_status": "err"})
		c.expect(`+"OK"`, "CONFIG", "RESETSTAT")
	}
	for _, args := range [][]string{
		{"GET", "a"}, {"SET", "a", "1"}, {"PING"}, {"ECHO", "x"}, {"DEL", "a"}, {"FLUSHALL"},
		{"MULTI"}, {"SET", "a", "1"}, {"GET", "a"}, {"EXEC"},
		{"MULTI"}, {"GET", "a"}, {"EXEC"},
		{"CONFIG", "SET", "save", ""}, {"SET", "a", "1"}, {"PING"},
		{"CONFIG", "SET", "save", "3600 1"}, {"SET", "a", "2"}, {"MULTI"}, {"GET", "a"}, {"EXEC"},
		{"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"}, {"SET", "a", "3"}, {"PING"},
		{"CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"}, {"INCR", "a"},
		{"CONFIG", "GET", "stop-writes-on-bgsave-error"},
	} {
		want, got := red.do(args...).String(), emb.do(args...).String()
		if got != want {
			t.Errorf("%q:\n redis:   %s\n embedis: %s", args, want, got)
		}
	}
	for _, section := range []string{"errorstats"} {
		want, got := red.text("INFO", section), emb.text("INFO", section)
		if got != want {
			t.Errorf("INFO %s:\n redis:   %q\n embedis: %q", section, want, got)
		}
	}
	for _, c := range []*admConn{red, emb} {
		c.expect(`+"OK"`, "CONFIG", "SET", "save", "")
	}
}

// TestShutdownAfterClose: a signal after Close (or SHUTDOWN) saves nothing.
func TestShutdownAfterClose(t *testing.T) {
	dir := t.TempDir()
	s := admStart(t, Options{Dir: dir, SavePoints: DefaultSavePoints()})
	s.dial(t).expect(`+"OK"`, "SET", "k", "v")
	s.srv.Close()
	if err := s.srv.Shutdown(false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dump.rdb")); err == nil {
		t.Error("Shutdown after Close wrote dump.rdb")
	}
}
