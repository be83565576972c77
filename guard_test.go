package embedis

import (
	"reflect"
	"slices"
	"testing"
)

// Guard tests: each checks a rule that a new command or method could
// otherwise break without any other test noticing. They are derived from the
// command table and the exported API, so the next family is checked as soon
// as it is added.

// storeOnly lists the exported Store methods that have no Pipeline
// counterpart, each with the reason.
var storeOnly = map[string]string{
	"Atomic":   "runs a closure as the owner; a Pipeline is a batch of commands",
	"Apply":    "replays effect units, each its own turn of the owner role",
	"Close":    "closes the store, not a command",
	"DB":       "returns a handle on another database; a Pipeline is on its handle's",
	"Do":       "returns Go values of any shape; a Pipeline result has one type",
	"Now":      "reads the clock, not the data",
	"Pipeline": "creates the Pipeline",
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
