package embedis

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/workload"
)

// Guard tests: each checks a rule that a new command or method could
// otherwise break without any other test noticing. They are derived from the
// command table and the exported API, so the next family is checked as soon
// as it is added.

// storeOnly lists the exported Store methods that have no Pipeline
// counterpart, each with the reason.
var storeOnly = map[string]string{
	"SetServerCommandHandler":  "installs a server's hook for scripts, not a command",
	"SetScriptCommandObserver": "installs a server's MONITOR hook for scripts, not a command",
	"Atomic":                   "runs a closure as the owner; a Pipeline is a batch of commands",
	"MaxStringLength":          "reads the argument limit without the owner role, for a server reading requests; Limits is the command",
	"BusyFunctionStats":        "FUNCTION STATS while a function runs: read without the owner role, which the function holds",
	"Apply":                    "replays effect units, each its own turn of the owner role",
	"Close":                    "closes the store, not a command",
	"DB":                       "returns a handle on another database; a Pipeline is on its handle's",
	"Do":                       "returns Go values of any shape; a Pipeline result has one type",
	"Now":                      "reads the clock, not the data",
	"Pipeline":                 "creates the Pipeline",
	// Whole-store snapshots copy every database: not a command of a batch.
	"Snapshot":      "copies every database; a Pipeline is a batch of commands",
	"WriteSnapshot": "writes outside the owner role, after the copy",
	// A full sync replaces every database: not a command of a batch.
	"ReplaceFromSnapshot": "replaces every database; a Pipeline is a batch of commands",
	// A walk of the keyspace in SCAN-sized batches, one turn each.
	"BigKeys": "walks the keyspace in many turns of the owner role; a Pipeline is one turn",
	// The blocking commands wait outside the owner role; in a batch they
	// would hold the role for the whole batch while waiting.
	"BLMove":     "blocks",
	"BLMPop":     "blocks",
	"BLPop":      "blocks",
	"BRPop":      "blocks",
	"BRPopLPush": "blocks",
	"BZMPop":     "blocks",
	"BZPopMax":   "blocks",
	"BZPopMin":   "blocks",
	"XRead":      "blocks (a.Block ≥ 0)",
	"XReadGroup": "blocks (a.Block ≥ 0)",
	// A subscription lives on after the call, delivering on its own
	// goroutine; a batch of commands has nothing to hand it to.
	"Subscribe":  "a long-lived subscription",
	"PSubscribe": "a long-lived subscription",
	"SSubscribe": "a long-lived subscription",
	"Track":      "a long-lived invalidation feed",
	// A busy script is stopped and the threshold set without the owner
	// role (the role is the script's while it runs).
	"ScriptKill":            "acts without the owner role, on the running script",
	"FunctionKill":          "acts without the owner role, on the running function",
	"BusyReplyThreshold":    "a setting read without the owner role",
	"SetBusyReplyThreshold": "a setting changed without the owner role",
}

// TestEveryStoreMethodIsPipelined checks that every exported Store method
// has a Pipeline method of the same name and parameters (after the
// context), unless storeOnly says why not, and that storeOnly names only
// methods that exist.
func TestEveryStoreMethodIsPipelined(t *testing.T) {
	st, pt := reflect.TypeOf(&Store{}), reflect.TypeOf(&Pipeline{})
	ctxType := reflect.TypeOf((*interface{ Done() <-chan struct{} })(nil)).Elem()
	checked := 0
	for i := 0; i < st.NumMethod(); i++ {
		m := st.Method(i)
		if _, ok := storeOnly[m.Name]; ok {
			continue
		}
		pm, ok := pt.MethodByName(m.Name)
		if !ok {
			t.Errorf("Store.%s has no Pipeline.%s: generate it, or add it to storeOnly with the reason", m.Name, m.Name)
			continue
		}
		checked++
		var sp, pp []reflect.Type
		for j := 1; j < m.Type.NumIn(); j++ { // skip the receiver
			sp = append(sp, m.Type.In(j))
		}
		for j := 1; j < pm.Type.NumIn(); j++ {
			pp = append(pp, pm.Type.In(j))
		}
		if len(sp) == 0 || !sp[0].Implements(ctxType) {
			t.Errorf("Store.%s does not take a context first", m.Name)
			continue
		}
		if !slices.Equal(sp[1:], pp) || m.Type.IsVariadic() != pm.Type.IsVariadic() {
			t.Errorf("Store.%s takes %v after its context, Pipeline.%s %v", m.Name, sp[1:], m.Name, pp)
		}
	}
	for name := range storeOnly {
		if _, ok := st.MethodByName(name); !ok {
			t.Errorf("storeOnly names Store.%s, which does not exist", name)
		}
	}
	if checked < 150 {
		t.Fatalf("only %d Store methods checked: the test has lost sight of them", checked)
	}
	t.Logf("%d Store methods have their Pipeline counterpart; %d are Store-only", checked, len(storeOnly))
}

// TestEveryWriteCommandIsReplayed checks that the random workload generator
// produces every write command of the table (a command whose flags contain
// "write"), counting the names it emits over a run as long as the one
// TestEffectStreamReplay makes: a write command it never produces is never
// checked by the replay of the write-effect stream. Each must come a few
// times, so that the replay test, which runs a new seed each time, meets it
// in nearly every run.
func TestEveryWriteCommandIsReplayed(t *testing.T) {
	produced := map[string]int{}
	w := workload.New(1, 1, replayKeys, 0)
	for i := 0; i < replaySteps; i++ {
		produced[strings.ToLower(w.Command()[0])]++
	}
	const minProduced = 4
	writes, rarest := 0, ""
	for _, c := range Commands() {
		if !slices.Contains(c.Flags, "write") {
			continue
		}
		writes++
		switch n := produced[c.Name]; {
		case n == 0:
			t.Errorf("%s is a write command that the random workload (internal/workload) never produces in %d steps: add it to its family's generator", c.Name, replaySteps)
		case n < minProduced:
			t.Errorf("%s is produced only %d times in %d steps: a replay with another seed may miss it; make it more frequent", c.Name, n, replaySteps)
		}
		if rarest == "" || produced[c.Name] < produced[rarest] {
			rarest = c.Name
		}
	}
	if writes < 50 {
		t.Fatalf("only %d write commands in the table: the test has lost sight of them", writes)
	}
	t.Logf("%d write commands, each produced by the random workload; the rarest, %s, %d times in %d steps", writes, rarest, produced[rarest], replaySteps)
}

// TestEveryCommandHasDifferentialCases checks that every command of the
// table is the first argument of at least one hand-written differential
// case (internal/workload's cases, run against redis-server by
// TestRedisDiffCases and server's TestDiffCases).
func TestEveryCommandHasDifferentialCases(t *testing.T) {
	named := map[string]bool{}
	for _, list := range workload.Cases() {
		for _, args := range list {
			if len(args) > 0 {
				named[strings.ToLower(args[0])] = true
			}
		}
	}
	// Commands a case list cannot hold, with where they are compared.
	elsewhere := map[string]string{
		"monitor": "turns the connection into a monitor: server's TestDiffMonitor compares its lines",
	}
	for _, c := range Commands() {
		if _, ok := elsewhere[c.Name]; ok {
			continue
		}
		if !named[c.Name] {
			t.Errorf("%s has no hand-written differential case: add some (with its error paths) to its family's list in internal/workload", c.Name)
		}
	}
}

// TestPackageDocIndexesEveryStoreMethod checks that the index of the
// package documentation (doc.go, "Commands by family") names every exported
// Store method, so that a newcomer finds each command there.
func TestPackageDocIndexesEveryStoreMethod(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	start := strings.Index(doc, "// # Commands by family")
	if start < 0 {
		t.Fatal(`doc.go has no "Commands by family" section`)
	}
	section := doc[start+len("// # "):]
	if end := strings.Index(section, "// # "); end >= 0 {
		section = section[:end]
	}
	named := map[string]bool{}
	for _, w := range regexp.MustCompile(`[A-Z][A-Za-z]*`).FindAllString(section, -1) {
		named[w] = true
	}
	st := reflect.TypeOf(&Store{})
	for i := 0; i < st.NumMethod(); i++ {
		if name := st.Method(i).Name; !named[name] {
			t.Errorf("Store.%s is missing from the package doc's index (doc.go, Commands by family)", name)
		}
	}
}
