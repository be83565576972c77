package embedis

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/rdb"
)

// checkNodes verifies that a tracked list's nodes cover its elements and
// that each node's size is its listpack's.
func checkNodes(t *testing.T, lv *listValue) {
	t.Helper()
	if !lv.tracked {
		return
	}
	at := 0
	for i, n := range lv.nodes {
		if n.count <= 0 {
			t.Fatalf("node %d of %d has %d elements", i, len(lv.nodes), n.count)
		}
		b := rdb.ListpackEmptySize
		for k := at; k < at+n.count; k++ {
			b += rdb.ListpackEntrySize(lv.d.At(k))
		}
		if b != n.bytes {
			t.Fatalf("node %d: %d bytes recorded, its elements take %d", i, n.bytes, b)
		}
		at += n.count
	}
	if at != lv.d.Len() {
		t.Fatalf("nodes hold %d elements, the list %d", at, lv.d.Len())
	}
}

// TestListNodesFollowEveryChange applies random pushes, pops, trims, sets
// and removals to a list and checks its nodes after each; the differential
// cases (internal/workload's DUMP cases) check them against redis-server.
func TestListNodesFollowEveryChange(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	elem := func() string {
		switch r.IntN(4) {
		case 0:
			return strconv.Itoa(r.IntN(100000) - 50000)
		case 1:
			return strings.Repeat("x", r.IntN(3000))
		default:
			return "e" + strconv.Itoa(r.IntN(50))
		}
	}
	lv := newTrackedList()
	for step := 0; step < 20000; step++ {
		n := lv.d.Len()
		switch op := r.IntN(10); {
		case op < 3 || n == 0:
			lv.pushFront(elem())
		case op < 6:
			lv.pushBack(elem())
		case op == 6:
			lv.popFront()
		case op == 7:
			lv.popBack()
		case op == 8 && n > 2:
			lv.trim(r.IntN(n/10+1), n-1-r.IntN(n/10+1))
		case op == 9 && r.IntN(3) == 0:
			lv.insert(r.IntN(n), elem(), r.IntN(2) == 0)
		case op == 9:
			if r.IntN(2) == 0 {
				lv.set(r.IntN(n), elem())
			} else {
				target := "e" + strconv.Itoa(r.IntN(50))
				lv.removeIf(func(s string) bool { return s == target }, r.IntN(3), r.IntN(2) == 0)
			}
		}
		checkNodes(t, lv)
	}
	if len(lv.nodes) < 2 {
		t.Fatalf("the list ended with %d nodes: the test exercised too little", len(lv.nodes))
	}
	t.Logf("%d elements in %d nodes", lv.d.Len(), len(lv.nodes))
	c := lv.clone().(*listValue)
	c.pushFront("only in the clone")
	checkNodes(t, lv)
	checkNodes(t, c)
}
