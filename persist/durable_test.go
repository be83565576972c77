package persist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/workload"
)

var bg = context.Background()

// quietLogger discards what Open logs; warnings are counted when a test
// needs them (see countingHandler).
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// keyspaceOf describes every live key of every database of s — type,
// deadline and value, with unordered collections sorted — read through
// commands, so that two stores are compared key by key.
func keyspaceOf(t testing.TB, s *embedis.Store, databases int) map[string]string {
	t.Helper()
	out := map[string]string{}
	do := func(h *embedis.Store, args ...string) any {
		v, err := h.Do(bg, args...)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return v
	}
	strs := func(v any) []string {
		var ss []string
		for _, x := range v.([]any) {
			ss = append(ss, fmt.Sprint(x))
		}
		return ss
	}
	for d := 0; d < databases; d++ {
		h := s.DB(d)
		for _, k := range strs(do(h, "KEYS", "*")) {
			typ := do(h, "TYPE", k).(string)
			var val string
			switch typ {
			case "string":
				val = strconv.Quote(fmt.Sprint(do(h, "GET", k)))
			case "list":
				val = fmt.Sprintf("%q", strs(do(h, "LRANGE", k, "0", "-1")))
			case "set":
				ms := strs(do(h, "SMEMBERS", k))
				sort.Strings(ms)
				val = fmt.Sprintf("%q", ms)
			case "hash":
				fv := strs(do(h, "HGETALL", k))
				var pairs []string
				for i := 0; i+1 < len(fv); i += 2 {
					pairs = append(pairs, fv[i]+"="+fv[i+1])
				}
				sort.Strings(pairs)
				val = fmt.Sprintf("%q", pairs)
			case "zset":
				val = fmt.Sprintf("%q", strs(do(h, "ZRANGE", k, "0", "-1", "WITHSCORES")))
			default:
				val = fmt.Sprintf("%q", do(h, "DUMP", k))
			}
			out[fmt.Sprintf("%d/%q", d, k)] = fmt.Sprintf("%s %s @%v", typ, val, do(h, "PEXPIRETIME", k))
		}
	}
	return out
}

func sameKeyspace(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	bad := 0
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			if bad++; bad <= 10 {
				t.Errorf("%s: key %s: before %s, after %q", what, k, w, g)
			}
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			if bad++; bad <= 10 {
				t.Errorf("%s: key %s only after: %s", what, k, g)
			}
		}
	}
}

// discard is a ReplyWriter that drops the reply.
type discard struct{}

func (discard) WriteStatus(string)  {}
func (discard) WriteError(error)    {}
func (discard) WriteInt(int64)      {}
func (discard) WriteBulk(string)    {}
func (discard) WriteNull()          {}
func (discard) WriteNullArray()     {}
func (discard) WriteArrayLen(int)   {}
func (discard) WriteMapLen(int)     {}
func (discard) WriteSetLen(int)     {}
func (discard) WriteDouble(float64) {}

var replayKeys = []string{"a", "b", "c", "d", "e", "f", "g", "h"}

// randomWork runs steps random steps on db: single commands of every data
// type on three databases, Atomic closures of several commands, Pipelines,
// and clock advances that make keys expire.
func randomWork(db *DB, clock *embedis.ManualClock, w *workload.Gen, steps int) {
	for i := 0; i < steps; i++ {
		switch w.IntN(12) {
		case 0:
			clock.Advance(time.Duration(w.IntN(400)) * time.Millisecond)
		case 1:
			db.Atomic(bg, func(tx *embedis.Tx) error {
				tx.Select(w.IntN(3))
				for j := 0; j < 3; j++ {
					tx.Do(discard{}, w.Command()...)
				}
				return nil
			})
		case 2:
			p := db.DB(w.IntN(3)).Pipeline()
			k := replayKeys[w.IntN(len(replayKeys))]
			switch w.IntN(6) {
			case 0:
				p.Set(k, "p", time.Duration(w.IntN(3))*time.Second)
			case 1:
				p.Incr(k)
			case 2:
				p.LPush(k, "x", "y")
			case 3:
				p.HSet(k, "f", "v")
			case 4:
				p.SAdd(k, "m1", "m2")
			case 5:
				p.ZAdd(k, embedis.Z{Score: 1.5, Member: "z"})
			}
			p.PExpire(replayKeys[w.IntN(len(replayKeys))], time.Duration(1+w.IntN(2000))*time.Millisecond)
			p.Exec(bg)
		default:
			db.DB(w.IntN(3)).Do(bg, w.Command()...)
		}
	}
}

func openDir(t *testing.T, dir string, clock embedis.Clock, fsync Fsync) *DB {
	t.Helper()
	db, err := Open(dir, Options{AppendOnly: true, AppendFsync: fsync, Logger: quietLogger(), Store: embedis.Options{Clock: clock}})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestReplayEquivalence runs a long random workload over every data type
// (TTLs, Atomic closures and Pipelines included) with a Save in the middle,
// closes, reopens and compares the keyspace key by key; then once more after
// a second reopen with more work.
func TestReplayEquivalence(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("EMBEDIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with EMBEDIS_SEED=%d)", seed, seed)
	dir := t.TempDir()
	clock := embedis.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	w := workload.New(seed, 1, replayKeys, 0)
	for round, policy := range []Fsync{FsyncNo, FsyncEverysec, FsyncAlways} {
		db := openDir(t, dir, clock, policy)
		if round > 0 {
			// What the previous round left is what this one opened.
			sameKeyspace(t, fmt.Sprintf("round %d reopened", round), prev, keyspaceOf(t, db.Store, 16))
		}
		steps := 3000
		if policy == FsyncAlways {
			steps = 300 // an fsync per write
		}
		randomWork(db, clock, w, steps)
		if err := db.Save(bg); err != nil {
			t.Fatal(err)
		}
		randomWork(db, clock, w, steps)
		want := keyspaceOf(t, db.Store, 16)
		if len(want) == 0 {
			t.Fatal("the workload left no keys: the test would prove nothing")
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		re := openDir(t, dir, clock, policy)
		sameKeyspace(t, fmt.Sprintf("round %d (%v)", round, policy), want, keyspaceOf(t, re.Store, 16))
		if err := re.Close(); err != nil {
			t.Fatal(err)
		}
		prev = want
		t.Logf("round %d (%v): %d live keys compared", round, policy, len(want))
	}
}

var prev map[string]string

// TestExpiredSinceSaveStillReplays checks that a key whose deadline passes
// between the writes and the reopen gets the effect of every record written
// while it was alive — the base snapshot does not drop it before the log
// replays (as Redis keeps such keys in an AOF's RDB preamble) — and is then
// removed, with a DEL in the log.
func TestExpiredSinceSaveStillReplays(t *testing.T) {
	dir := t.TempDir()
	clock := embedis.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	db := openDir(t, dir, clock, FsyncAlways)
	if err := db.Set(bg, "k", "1", time.Second); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(bg); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Incr(bg, "k"); err != nil { // keeps the deadline
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	db = openDir(t, dir, clock, FsyncAlways)
	if n, err := db.Exists(bg, "k"); err != nil || n != 0 {
		t.Fatalf("EXISTS k after its deadline: %d, %v; want 0 (an INCR replayed on a dropped key would leave k=1 for ever)", n, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The expiry was logged: a reopen with the clock back before the
	// deadline still finds no k.
	back := embedis.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	db = openDir(t, dir, back, FsyncAlways)
	defer db.Close()
	if n, _ := db.Exists(bg, "k"); n != 0 {
		t.Fatal("the expiry at reopen was not logged as a DEL")
	}
}

// TestLockRefusesSecondOpen checks that a directory opened once cannot be
// opened again until it is closed.
func TestLockRefusesSecondOpen(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncEverysec)
	_, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger()})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir, nil, FsyncEverysec)
	db.Close()
}

// TestOpenWithoutAppendOnly checks that without the log, data survives a
// reopen only through Save, and that Save folds an existing log into the
// base.
func TestOpenWithoutAppendOnly(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncNo)
	db.Set(bg, "logged", "1", 0)
	db.Close()
	db, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := db.Get(bg, "logged"); v != "1" {
		t.Fatalf("the log was not replayed without AppendOnly: %q", v)
	}
	db.Set(bg, "saved", "2", 0)
	if err := db.Save(bg); err != nil {
		t.Fatal(err)
	}
	db.Set(bg, "lost", "3", 0)
	db.Close()
	names, _ := os.ReadDir(dir)
	for _, n := range names {
		if filepath.Ext(n.Name()) == ".seg" {
			t.Errorf("segment %s left after a Save without AppendOnly", n.Name())
		}
	}
	db, err = Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := keyspaceOf(t, db.Store, 16)
	want := map[string]string{`0/"logged"`: `string "1" @-1`, `0/"saved"`: `string "2" @-1`}
	sameKeyspace(t, "without AppendOnly", want, got)
}

// TestStreamDatabaseAfterReplay checks that the first unit written after a
// reopen lands in its own database even when the replayed units left the
// log on another database without the store emitting anything there (a
// replayed unit that changes nothing).
func TestStreamDatabaseAfterReplay(t *testing.T) {
	dir := t.TempDir()
	seg, _ := segmentBytes([][][]string{
		{{"SELECT", "1"}, {"SET", "a", "1"}},
		{{"SELECT", "2"}, {"DEL", "nothere"}},
	}, false)
	if err := os.WriteFile(filepath.Join(dir, "log.1.seg"), seg, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeManifest(dir, &manifest{seq: 1, segments: []string{"log.1.seg"}}); err != nil {
		t.Fatal(err)
	}
	db := openDir(t, dir, nil, FsyncNo)
	if err := db.DB(1).Set(bg, "b", "2", 0); err != nil {
		t.Fatal(err)
	}
	want := keyspaceOf(t, db.Store, 16)
	db.Close()
	db = openDir(t, dir, nil, FsyncNo)
	defer db.Close()
	sameKeyspace(t, "reopened", want, keyspaceOf(t, db.Store, 16))
}

// TestSaveAfterLeftoverSegment checks that a segment file left by a Save
// that stopped before naming it does not stop the next Save.
func TestSaveAfterLeftoverSegment(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncNo)
	defer db.Close()
	db.Set(bg, "k", "v", 0)
	if err := os.WriteFile(filepath.Join(dir, segmentName(db.man.seq+1)), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.Save(bg); err != nil {
		t.Fatal(err)
	}
}

func TestOpenOptionErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, Options{Store: embedis.Options{Log: newAppendLog(FsyncNo, quietLogger())}}); err == nil {
		t.Error("Open with Options.Store.Log set: no error")
	}
	if _, err := Open(dir, Options{AppendFsync: Fsync(7)}); err == nil {
		t.Error("Open with an unknown AppendFsync: no error")
	}
	for _, s := range []string{"always", "everysec", "no"} {
		f, err := ParseFsync(s)
		if err != nil || f.String() != s {
			t.Errorf("ParseFsync(%q) = %v, %v", s, f, err)
		}
	}
	if _, err := ParseFsync("sometimes"); err == nil {
		t.Error(`ParseFsync("sometimes"): no error`)
	}
	// A failed Open leaves the directory unlocked.
	db := openDir(t, dir, nil, FsyncNo)
	db.Close()
}

// TestOnEffectsSeesOnlyNewUnits checks that a store's own OnEffects does not
// receive the units replayed while the directory loads.
func TestOnEffectsSeesOnlyNewUnits(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncNo)
	db.Set(bg, "a", "1", 0)
	db.Close()
	var got [][][]string
	db, err := Open(dir, Options{AppendOnly: true, Logger: quietLogger(), Store: embedis.Options{OnEffects: func(u [][]string) { got = append(got, u) }}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if len(got) != 0 {
		t.Fatalf("OnEffects received the replay: %q", got)
	}
	db.Set(bg, "b", "2", 0)
	if len(got) != 1 {
		t.Fatalf("OnEffects received %q for one write", got)
	}
}

// TestSaveWhileWriting runs Saves while writers keep writing on several
// databases, then reopens: every acknowledged write is there, so the switch
// from the old segment to the new one fell between two units.
func TestSaveWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncNo)
	const writers, per = 4, 400
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := db.DB(w)
			for i := 0; i < per; i++ {
				if _, err := h.Incr(bg, "n"); err != nil {
					t.Error(err)
					return
				}
				if _, err := h.RPush(bg, "l", strconv.Itoa(i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	saves := 0
	for done := false; !done; {
		if err := db.Save(bg); err != nil {
			t.Fatal(err)
		}
		saves++
		n, _ := db.DB(writers-1).LLen(bg, "l")
		done = n == per
	}
	wg.Wait()
	want := keyspaceOf(t, db.Store, 16)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDir(t, dir, nil, FsyncNo)
	defer db.Close()
	got := keyspaceOf(t, db.Store, 16)
	sameKeyspace(t, "after Saves during writes", want, got)
	for w := 0; w < writers; w++ {
		if n, _ := db.DB(w).Get(bg, "n"); n != strconv.Itoa(per) {
			t.Errorf("database %d: n = %s, want %d", w, n, per)
		}
	}
	t.Logf("%d saves during %d writes", saves, 2*writers*per)
}

func TestOurs(t *testing.T) {
	for name, want := range map[string]bool{
		"base.3.rdb": true, "log.12.seg": true, ".embedis.manifest.tmp-ab12": true, ".base.7.rdb.tmp-00ff": true,
		"dump.rdb": false, "base..rdb": false, "log.x.seg": false, ".dump.rdb.tmp-1": false,
		"base.3.rdb.bak": false, "notes.txt": false, ".log.1.seg.tmp-1": false,
	} {
		if got := ours(name); got != want {
			t.Errorf("ours(%q) = %v", name, got)
		}
	}
}
