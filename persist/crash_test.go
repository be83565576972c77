//go:build unix

package persist

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// The crash harness (issue 13): TestCrashKills starts a writer process
// (TestCrashChild, the test binary run again) on one data directory again
// and again, kills it with SIGKILL at random moments — during writes, during
// compactions, around a snapshot's or manifest's rename — and after each
// kill checks the directory against a model: an in-memory Store to which
// the parent applies the same units, in the same order, at the same clock
// times, as the writer acknowledges them.
//
// The writer runs numbered units, each one atomic unit of the log: Atomic
// closures, Pipelines and single commands over strings, lists, sets, hashes
// and sorted sets, in databases 0 and 1, with deletes, SET PX and
// PEXPIREAT deadlines and keys that expire. Its store runs on a manual clock set to crashTime(n) before unit n,
// so every deadline, and which keys have expired at any unit, is the same in
// the writer and in the model. After unit n returns (its record fsynced:
// appendfsync always), the writer reports n on a pipe before going on.
//
// After a kill the parent reads every acknowledgement left in the pipe and
// opens the directory with the clock at the next unit's time: its keyspace
// must equal the model's after every acknowledged unit, or after those and
// the one unit in flight (written and fsynced, its acknowledgement not yet
// sent). Anything else — a lost acknowledged unit, a unit half there — is a
// failure, and a directory that does not open is one too.

const (
	crashChildEnv = "EMBEDIS_CRASH_CHILD_DIR"  // the directory a crash child writes to
	crashNextEnv  = "EMBEDIS_CRASH_CHILD_NEXT" // the first unit it runs
	crashKillsEnv = "EMBEDIS_CRASH_KILLS"      // kills of TestCrashKills (default 200)
)

// crashTime is the clock time at which unit n runs: one second apart, so
// that the deadlines the units set (at half seconds) never equal a clock
// time.
func crashTime(n int) time.Time {
	return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second)
}

// crashUnit runs unit n on s, whose clock reads crashTime(n). Units of
// kinds 0 and 3 write n into five keys of five types at once (the counter
// keys c:*), so a half-applied unit is visible in the directory even without
// the model.
func crashUnit(ctx context.Context, s *embedis.Store, n int) error {
	ns := strconv.Itoa(n)
	now := crashTime(n)
	mod := func(m int) string { return strconv.Itoa(n % m) }
	switch n % 6 {
	case 0, 3: // an Atomic closure over every type
		return s.Atomic(ctx, func(tx *embedis.Tx) error {
			var errs []error
			keep := func(_ any, err error) { errs = append(errs, err) }
			errs = append(errs, tx.Set("c:str", ns, 0))
			keep(tx.RPush("c:list", ns))
			errs = append(errs, tx.LTrim("c:list", -4, -1))
			keep(tx.HSet("c:hash", "n", ns, "f"+mod(5), ns))
			keep(tx.SAdd("c:set", ns))
			keep(tx.SRem("c:set", strconv.Itoa(n-9)))
			keep(tx.ZAdd("c:zset", embedis.Z{Score: float64(n), Member: ns}))
			keep(tx.ZRemRangeByRank("c:zset", 0, -4))
			// Expiries on the store's clock: relative (SET PX), and absolute.
			keep(tx.SetArgs("px:"+mod(7), ns, embedis.SetArgs{TTL: 2500 * time.Millisecond}))
			keep(tx.PExpireAt("h:"+mod(4), now.Add(3500*time.Millisecond)))
			if n%4 == 0 { // a large value now and then, so that the log outgrows its base
				errs = append(errs, tx.Set("big:"+mod(3), strings.Repeat(ns+".", 300), 0))
			}
			return errors.Join(errs...)
		})
	case 1, 4: // a Pipeline, on database 1 for kind 4
		h := s
		if n%6 == 4 {
			h = s.DB(1)
		}
		p := h.Pipeline()
		rs := []interface{ Err() error }{
			p.Set("s:"+mod(11), ns, 0),
			p.HSet("h:"+mod(4), "f"+mod(3), ns, "n", ns),
			p.SAdd("st:"+mod(5), ns, "m"+mod(3)),
			p.ZAdd("z:"+mod(3), embedis.Z{Score: float64(n) / 4, Member: "m" + mod(13)}),
			p.RPush("l:"+mod(4), ns, ns+"b"),
			p.LTrim("l:"+mod(4), -6, -1),
			p.SetArgs("px:"+mod(7), ns, embedis.SetArgs{TTL: 1500 * time.Millisecond}),
			p.PExpireAt("s:"+strconv.Itoa((n+5)%11), now.Add(2500*time.Millisecond)),
			p.Del("st:"+strconv.Itoa((n+2)%5), "l:"+strconv.Itoa((n+1)%4)),
		}
		if err := p.Exec(ctx); err != nil {
			return err
		}
		for i, r := range rs {
			if err := r.Err(); err != nil {
				return fmt.Errorf("pipelined command %d: %w", i, err)
			}
		}
		return nil
	case 2: // a single command deleting several keys
		_, err := s.Del(ctx, "s:"+mod(11), "z:"+mod(3), "px:"+mod(7))
		return err
	default: // a single command: a deadline already passed (the key is deleted), or a PX
		if n%2 == 1 {
			_, err := s.PExpireAt(ctx, "h:"+mod(4), now.Add(-500*time.Millisecond))
			return err
		}
		return s.Set(ctx, "s:"+mod(11), ns, 500*time.Millisecond)
	}
}

// crashAutoTick makes the writer check automatic compaction often: its
// processes live for a fraction of a second.
func crashAutoTick() (<-chan time.Time, func()) {
	t := time.NewTicker(10 * time.Millisecond)
	return t.C, t.Stop
}

// TestCrashChild is the writer process of TestCrashKills; it does nothing in
// a normal test run. It reports on file descriptor 3, one line each: the
// number of each acknowledged unit; "save"/"saved" around its Saves;
// "rename <file>"/"renamed <file>" around WriteFileAtomic's renames (in
// which it sleeps up to 3 ms, so that kills land there); "auto" after an
// automatic compaction; "fail <reason>" before it exits on an error.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the child of TestCrashKills")
	}
	next, err := strconv.Atoi(os.Getenv(crashNextEnv))
	report := os.NewFile(3, "report")
	var mu sync.Mutex
	send := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := report.WriteString(line + "\n"); err != nil {
			os.Exit(3)
		}
	}
	fail := func(what string, err error) {
		send(fmt.Sprintf("fail %s: %v", what, err))
		os.Exit(2)
	}
	if err != nil {
		fail("next unit", err)
	}
	autoTick = crashAutoTick
	renameHook = func(path string, renamed bool) {
		if renamed {
			send("renamed " + filepath.Base(path))
		} else {
			send("rename " + filepath.Base(path))
		}
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
	}
	clock := embedis.NewManualClock(crashTime(next))
	db, err := Open(dir, Options{
		Store:              embedis.Options{Clock: clock},
		AppendOnly:         true,
		AppendFsync:        FsyncAlways,
		Logger:             slog.New(&autoSaveReporter{send: send}),
		AutoCompactPercent: 100,
		AutoCompactMinSize: 64 << 10,
	})
	if err != nil {
		fail("open", err)
	}
	go func() {
		for {
			time.Sleep(time.Duration(10+rand.IntN(50)) * time.Millisecond)
			send("save")
			if err := db.Save(bg); err != nil {
				fail("save", err)
			}
			send("saved")
		}
	}()
	for n := next; ; n++ {
		clock.Set(crashTime(n))
		if err := crashUnit(bg, db.Store, n); err != nil {
			fail("unit "+strconv.Itoa(n), err)
		}
		send(strconv.Itoa(n))
	}
}

// autoSaveReporter is the writer's slog handler: it reports each automatic
// compaction and drops every other record.
type autoSaveReporter struct{ send func(string) }

func (h *autoSaveReporter) Enabled(context.Context, slog.Level) bool { return true }
func (h *autoSaveReporter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *autoSaveReporter) WithGroup(string) slog.Handler            { return h }
func (h *autoSaveReporter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "automatic save done" {
		h.send("auto")
	}
	return nil
}

// Two of crashPhase's answers: the moments around a snapshot's rename.
const (
	phaseRenamed      = "compaction: snapshot renamed, manifest not yet swapped"
	phaseSnapshotTemp = "compaction: snapshot being written, not yet renamed"
)

// tornTailCounter is the parent's slog handler: it counts the torn tails
// that loading drops and discards every record.
type tornTailCounter struct{ n int }

func (h *tornTailCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *tornTailCounter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *tornTailCounter) WithGroup(string) slog.Handler            { return h }
func (h *tornTailCounter) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, "cut off") {
		h.n++
	}
	return nil
}

// crashPhase names what the writer was doing when it was killed, read from
// what it left in the directory (before anything reopens it).
func crashPhase(t *testing.T, dir string) string {
	m, _, err := readManifest(dir)
	if err != nil {
		t.Fatalf("manifest after a kill: %v", err)
	}
	es, _ := os.ReadDir(dir)
	named := map[string]bool{m.base: true}
	for _, s := range m.segments {
		named[s] = true
	}
	var renamedBase, tempBase, tempManifest, stale bool
	for _, e := range es {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, ".base."):
			tempBase = true
		case strings.HasPrefix(name, "."+manifestName):
			tempManifest = true
		case name == baseName(m.seq) && !named[name]:
			renamedBase = true
		case ours(name) && !named[name]:
			stale = true
		}
	}
	switch {
	case renamedBase:
		return phaseRenamed
	case tempBase:
		return phaseSnapshotTemp
	case tempManifest:
		return "manifest being replaced"
	case len(m.segments) > 1:
		return "compaction: new segment listed, snapshot being taken"
	case stale:
		return "compaction: removing the old files"
	}
	return "writing units"
}

// crashKillPlan is how long one writer runs before its kill.
type crashKillPlan int

const (
	killAfterAcks crashKillPlan = iota // after a random number of acknowledgements
	killInSave                         // a random 0–15 ms into a Save
	killAtRename                       // as a rename is reported (the writer sleeps there)
	crashKillPlans
)

func (p crashKillPlan) String() string {
	return [...]string{"after 1–120 acknowledgements", "0–15 ms into a Save", "at a rename"}[p]
}

// crashModel returns the model store of the crash and power-loss tests
// (closed when the test ends), its clock, and apply(n), which runs unit n
// on it at unit n's time.
func crashModel(t *testing.T) (*embedis.Store, *embedis.ManualClock, func(n int)) {
	mclock := embedis.NewManualClock(crashTime(0))
	model, err := embedis.Open(embedis.Options{Clock: mclock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { model.Close() })
	return model, mclock, func(n int) {
		mclock.Set(crashTime(n))
		if err := crashUnit(bg, model, n); err != nil {
			t.Fatalf("model: unit %d: %v", n, err)
		}
	}
}

// TestCrashKills is the crash harness described above: EMBEDIS_CRASH_KILLS
// kills (200 by default; 10000 for the long run), each checked against the
// model. It fails on any acknowledged unit missing, any unit half applied,
// and any directory that does not open.
func TestCrashKills(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	kills := 200
	if s := os.Getenv(crashKillsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", crashKillsEnv, s)
		}
		kills = n
	}
	start := time.Now()
	dir := t.TempDir()
	model, mclock, apply := crashModel(t)

	next := 0 // the model holds units 0..next-1, and so does the directory
	var (
		plans      [crashKillPlans]int
		phases     = map[string]int{}
		events     = map[string]int{}
		inFlight   int // kills after which the unit in flight was found whole
		halfChecks int // kills whose counter keys were checked for agreement
		torn       = &tornTailCounter{}
	)
	for k := 0; k < kills; k++ {
		plan := crashKillPlan(k % int(crashKillPlans))
		plans[plan]++
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashNextEnv+"="+strconv.Itoa(next))
		cmd.ExtraFiles = []*os.File{w}
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		lines := make(chan string, 64)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		handle := func(line string) (event string) {
			if n, err := strconv.Atoi(line); err == nil {
				if n != next {
					t.Fatalf("kill %d: unit %d acknowledged, expected %d", k, n, next)
				}
				apply(n)
				next++
				return ""
			}
			if strings.HasPrefix(line, "fail ") {
				t.Fatalf("kill %d: writer: %s\n%s", k, line, out.String())
			}
			event, _, _ = strings.Cut(line, " ")
			events[event]++
			return event
		}
		acks := 1 + rand.IntN(120)
		var timer <-chan time.Time
	run:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					cmd.Wait()
					t.Fatalf("kill %d: the writer stopped by itself:\n%s", k, out.String())
				}
				ev := handle(line)
				switch {
				case plan == killAfterAcks && ev == "":
					if acks--; acks == 0 {
						break run
					}
				case plan == killInSave && ev == "save" && timer == nil:
					timer = time.After(time.Duration(rand.IntN(15000)) * time.Microsecond)
				case plan == killAtRename && (ev == "rename" || ev == "renamed"):
					break run
				}
			case <-timer:
				break run
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for line := range lines { // what the writer acknowledged before it died
			handle(line)
		}
		cmd.Wait()
		r.Close()
		phases[crashPhase(t, dir)]++

		db, err := Open(dir, Options{Store: embedis.Options{Clock: embedis.NewManualClock(crashTime(next))}, Logger: slog.New(torn)})
		if err != nil {
			t.Fatalf("kill %d: reopen: %v", k, err)
		}
		mclock.Set(crashTime(next))
		got := keyspaceOf(t, db.Store, 2)
		if diff := keyspaceDiff(keyspaceOf(t, model, 2), got); diff != "" {
			// Not every acknowledged unit, or more: the unit in flight?
			apply(next)
			if diff2 := keyspaceDiff(keyspaceOf(t, model, 2), got); diff2 != "" {
				t.Fatalf("kill %d: the directory holds neither units 0..%d (%s) nor 0..%d (%s)", k, next-1, diff, next, diff2)
			}
			next++
			inFlight++
		}
		if checkCounter(t, k, db) {
			halfChecks++
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var ps []string
	for p, n := range phases {
		ps = append(ps, fmt.Sprintf("%s: %d", p, n))
	}
	sort.Strings(ps)
	t.Logf("%d kills in %v (%d %v, %d %v, %d %v); by what the directory shows: %s",
		kills, time.Since(start).Round(time.Millisecond), plans[0], killAfterAcks, plans[1], killInSave, plans[2], killAtRename, strings.Join(ps, "; "))
	t.Logf("%d units acknowledged, every one found after every later kill; %d more found whole though their acknowledgement was not sent; "+
		"counter keys agreed after %d kills; 0 lost, 0 half-applied; %d torn tails dropped; writer events: %d Saves, %d automatic compactions, %d renames reported",
		next-inFlight, inFlight, halfChecks, torn.n, events["saved"], events["auto"], events["rename"])
	// The harness must have reached the moments it is for (each is expected
	// dozens of times in 200 kills).
	if events["auto"] == 0 || events["saved"] == 0 {
		t.Errorf("the writers ran %d Saves and %d automatic compactions: want both", events["saved"], events["auto"])
	}
	for _, p := range []string{phaseRenamed, phaseSnapshotTemp} {
		if phases[p] == 0 && kills >= 200 {
			t.Errorf("no kill in the phase %q", p)
		}
	}

	// What the kills left behind was cleaned up by the reopens.
	db, err := Open(dir, Options{Logger: quietLogger(), Store: embedis.Options{Clock: embedis.NewManualClock(crashTime(next))}})
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{manifestName: true, lockName: true, db.man.base: true}
	for _, s := range db.man.segments {
		named[s] = true
	}
	db.Close()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if !named[e.Name()] {
			t.Errorf("file %s left in the directory", e.Name())
		}
	}
}

// keyspaceDiff describes how got differs from want (two keyspaceOf maps),
// "" when it does not.
func keyspaceDiff(want, got map[string]string) string {
	var d []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			d = append(d, fmt.Sprintf("%s missing (want %s)", k, w))
		} else if g != w {
			d = append(d, fmt.Sprintf("%s is %s, want %s", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("%s extra (%s)", k, g))
		}
	}
	sort.Strings(d)
	if len(d) > 8 {
		d = append(d[:8], fmt.Sprintf("and %d more", len(d)-8))
	}
	return strings.Join(d, "; ")
}

// checkCounter checks that the counter keys, written together by the
// Atomic units, agree in the reopened directory: the number in c:str is the
// last of c:list, c:hash's field n, a member of c:set and c:zset's highest
// member. It reports false when no such unit ran yet.
func checkCounter(t *testing.T, k int, db *DB) bool {
	t.Helper()
	v, err := db.Get(bg, "c:str")
	if errors.Is(err, embedis.ErrNotFound) {
		return false
	}
	last, _ := db.LRange(bg, "c:list", -1, -1)
	h, _ := db.HGet(bg, "c:hash", "n")
	in, _ := db.SIsMember(bg, "c:set", v)
	top, _ := db.ZRange(bg, "c:zset", -1, -1)
	if err != nil || len(last) != 1 || last[0] != v || h != v || !in || len(top) != 1 || top[0] != v {
		t.Fatalf("kill %d: half-applied unit: c:str %q (%v), c:list ends %q, c:hash n %q, in c:set %v, c:zset top %q", k, v, err, last, h, in, top)
	}
	return true
}
