package embedis

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/quicklist"
	"github.com/embedis/embedis/internal/redistest"
)

// TestListNodesFollowEveryChange applies random list commands to a list
// and checks its elements against a model after each, and that a clone is
// independent; internal/quicklist's tests check the nodes (against
// redis-server's), and the differential cases (internal/workload's DUMP
// cases) check the DUMP bytes.
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
	lv := newList(quicklist.DefaultFill)
	var model []string
	check := func(lv *listValue, model []string) {
		t.Helper()
		var got []string
		lv.each(0, false, func(_ int, s string) bool { got = append(got, s); return true })
		if !slices.Equal(got, model) {
			t.Fatalf("list %d elements, model %d", len(got), len(model))
		}
	}
	for step := 0; step < 20000; step++ {
		n := lv.len()
		switch op := r.IntN(10); {
		case op < 3 || n == 0:
			s := elem()
			lv.l.PushFront(s)
			model = append([]string{s}, model...)
		case op < 6:
			s := elem()
			lv.l.PushBack(s)
			model = append(model, s)
		case op == 6:
			lv.l.PopFront()
			model = model[1:]
		case op == 7:
			lv.l.PopBack()
			model = model[:n-1]
		case op == 8 && n > 2:
			i, j := r.IntN(n/10+1), n-1-r.IntN(n/10+1)
			lv.l.DeleteFront(i)
			lv.l.DeleteBack(n - 1 - j)
			model = model[i : j+1]
		case op == 9 && r.IntN(3) == 0:
			i, s, after := r.IntN(n), elem(), r.IntN(2) == 0
			lv.l.Insert(i, s, after)
			if after {
				i++
			}
			model = slices.Insert(model, i, s)
		case op == 9:
			if r.IntN(2) == 0 {
				i, s := r.IntN(n), elem()
				lv.l.Set(i, s)
				model[i] = s
			} else {
				target := "e" + strconv.Itoa(r.IntN(50))
				limit, reverse := r.IntN(3), r.IntN(2) == 0
				removed := lv.l.RemoveIf(entryEquals(target), limit, reverse)
				for k := 0; k < removed; k++ {
					if reverse {
						at := len(model) - 1
						for model[at] != target {
							at--
						}
						model = slices.Delete(model, at, at+1)
					} else {
						at := slices.Index(model, target)
						model = slices.Delete(model, at, at+1)
					}
				}
			}
		}
		if step%100 == 0 {
			check(lv, model)
		}
	}
	check(lv, model)
	if lv.l.Nodes() < 2 {
		t.Fatalf("the list ended with %d nodes: the test exercised too little", lv.l.Nodes())
	}
	t.Logf("%d elements in %d nodes", lv.len(), lv.l.Nodes())
	c := lv.clone().(*listValue)
	c.l.PushFront("only in the clone")
	check(lv, model)
	check(c, append([]string{"only in the clone"}, model...))
}

// TestListMaxListpackSizeAsRedis sets list-max-listpack-size to each kind
// of value on the store and on redis-server, builds the same lists at both
// ends (and RESTOREs one) and compares their DUMP payloads byte for byte;
// a list created before the setting changed keeps the nodes of its own.
func TestListMaxListpackSizeAsRedis(t *testing.T) {
	c := redistest.Start(t).Dial(t)
	s, _ := openTest(t)
	var old []string // lists created under an earlier setting
	for _, fill := range []int{-1, -2, -3, -5, -9, 0, 1, 7, 100, 40000} {
		c.MustDo(t, "CONFIG", "SET", "list-max-listpack-size", strconv.Itoa(fill))
		if err := s.SetListMaxListpackSize(ctx, fill); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ListMaxListpackSize(ctx); got != fill {
			t.Fatalf("ListMaxListpackSize = %d, set %d", got, fill)
		}
		key := "l" + strconv.Itoa(fill)
		for i := 0; i < 1500; i++ {
			v := strings.Repeat("v", i%90) + strconv.Itoa(i)
			if i%7 == 3 {
				v = strconv.Itoa(i * 1000)
			}
			cmd := "RPUSH"
			if i%3 == 0 {
				cmd = "LPUSH"
			}
			c.MustDo(t, cmd, key, v)
			if _, err := s.Do(ctx, cmd, key, v); err != nil {
				t.Fatal(err)
			}
		}
		// The lists made under earlier settings grow by their own.
		for _, k := range old {
			for i := 0; i < 200; i++ {
				c.MustDo(t, "RPUSH", k, "more"+strconv.Itoa(i))
				s.RPush(ctx, k, "more"+strconv.Itoa(i))
			}
		}
		old = append(old, key)
		for _, k := range old {
			theirs, _ := c.MustDo(t, "DUMP", k).(string)
			ours, _, err := s.Dump(ctx, k)
			if err != nil || ours != theirs {
				t.Fatalf("fill %d, list %s: DUMP differs from redis-server's (%d bytes, %d), %v", fill, k, len(ours), len(theirs), err)
			}
		}
		// RESTORE builds the list with the payload's nodes, as Redis.
		payload, _ := c.MustDo(t, "DUMP", key).(string)
		if err := s.Restore(ctx, "r"+key, payload, RestoreArgs{}); err != nil {
			t.Fatal(err)
		}
		if again, _, _ := s.Dump(ctx, "r"+key); again != payload {
			t.Fatalf("fill %d: a restored list dumps otherwise", fill)
		}
	}
	if strconv.IntSize == 64 { // an int holds 2^31 only there
		big := int64(math.MaxInt32) + 1
		if err := s.SetListMaxListpackSize(ctx, int(big)); !errors.Is(err, ErrListMaxListpackSize) {
			t.Fatalf("2^31: %v", err)
		}
	}
}
