package quicklist

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/listpack"
	"github.com/embedis/embedis/internal/memsize"
	"github.com/embedis/embedis/internal/rdb"
	"github.com/embedis/embedis/internal/redistest"
)

// elements returns the list's elements, head to tail, read three ways
// (Each forwards, Each backwards, Index) that must agree.
func elements(t *testing.T, l *List) []string {
	t.Helper()
	var fwd, back []string
	l.Each(0, false, func(i int, e listpack.Entry) bool {
		if i != len(fwd) {
			t.Fatalf("Each forwards: index %d at element %d", i, len(fwd))
		}
		fwd = append(fwd, e.String())
		return true
	})
	if l.Len() > 0 {
		l.Each(l.Len()-1, true, func(i int, e listpack.Entry) bool {
			if i != l.Len()-1-len(back) {
				t.Fatalf("Each backwards: index %d at element %d from the tail", i, len(back))
			}
			back = append(back, e.String())
			return true
		})
	}
	slices.Reverse(back)
	if !slices.Equal(fwd, back) || len(fwd) != l.Len() {
		t.Fatalf("forwards %d elements, backwards %d, Len %d", len(fwd), len(back), l.Len())
	}
	for i := range fwd {
		if i < 3 || i > len(fwd)-4 || i%37 == 0 {
			if s := l.Index(i); s != fwd[i] {
				t.Fatalf("Index(%d) = %q, Each %q", i, s, fwd[i])
			}
		}
	}
	return fwd
}

// checkNodes checks the nodes' invariants: counts add up, every packed
// node's entries parse to its count, plain nodes hold one large element,
// and the accounted memory is what the buffers hold.
func checkNodes(t *testing.T, l *List) {
	t.Helper()
	total, nodes := 0, 0
	var mem int64
	for k := 0; k < l.nodes; k++ {
		nd := l.at(k)
		mem += memsize.Alloc(cap(nd.buf))
		if nd.count <= 0 {
			t.Fatalf("node %d of %d holds %d elements", k, l.nodes, nd.count)
		}
		if nd.plain {
			if nd.count != 1 || !large(len(nd.entries())) {
				t.Fatalf("plain node %d: %d elements of %d bytes", k, nd.count, len(nd.entries()))
			}
		} else {
			ents, n := nd.entries(), 0
			for p := 0; p < len(ents); n++ {
				size := listpack.EntryLen(ents[p:])
				if size == 0 {
					t.Fatalf("node %d: broken entry at %d", k, p)
				}
				p += size
			}
			if n != int(nd.count) {
				t.Fatalf("node %d: %d entries, count %d", k, n, nd.count)
			}
		}
		total += int(nd.count)
		nodes++
	}
	if total != l.count {
		t.Fatalf("nodes hold %d elements, Len %d", total, l.count)
	}
	if mem != l.mem {
		t.Fatalf("buffers hold %d bytes, accounted %d", mem, l.mem)
	}
}

// op is one random list operation, applied to a List and given as the
// Redis command that does the same.
type op struct {
	apply func(l *List, model []string) []string
	cmd   []string
}

func randomOp(r *rand.Rand, n int, elem func() string, pushBias int) op {
	s := elem()
	switch k := r.IntN(12 + pushBias); {
	case k < 3 || n == 0 || k >= 12:
		return op{func(l *List, m []string) []string { l.PushFront(s); return append([]string{s}, m...) }, []string{"LPUSH", "k", s}}
	case k < 6:
		return op{func(l *List, m []string) []string { l.PushBack(s); return append(m, s) }, []string{"RPUSH", "k", s}}
	case k == 6:
		return op{func(l *List, m []string) []string {
			if v, _ := l.PopFront(); v != m[0] {
				panic("PopFront " + v)
			}
			return m[1:]
		}, []string{"LPOP", "k"}}
	case k == 7:
		return op{func(l *List, m []string) []string {
			if v, _ := l.PopBack(); v != m[len(m)-1] {
				panic("PopBack " + v)
			}
			return m[:len(m)-1]
		}, []string{"RPOP", "k"}}
	case k == 8:
		i, j := r.IntN(n/16+1), n-1-r.IntN(n/16+1)
		if i > j {
			i, j = 0, n-1
		}
		return op{func(l *List, m []string) []string {
			l.DeleteBack(n - 1 - j)
			l.DeleteFront(i)
			return m[i : j+1]
		}, []string{"LTRIM", "k", strconv.Itoa(i), strconv.Itoa(j)}}
	case k == 9:
		i := r.IntN(n)
		return op{func(l *List, m []string) []string { l.Set(i, s); m[i] = s; return m }, []string{"LSET", "k", strconv.Itoa(i), s}}
	case k == 10:
		// LINSERT at the first occurrence of the pivot: Redis finds it.
		i := r.IntN(n)
		after := r.IntN(2) == 0
		where := "BEFORE"
		if after {
			where = "AFTER"
		}
		var pivot string
		return op{func(l *List, m []string) []string {
			p := slices.Index(m, pivot)
			l.Insert(p, s, after)
			if after {
				p++
			}
			return slices.Insert(m, p, s)
		}, []string{"LINSERT", "k", where, "", s}}.withPivot(&pivot, i)
	default:
		target := elem()
		count := r.IntN(5) - 2
		return op{func(l *List, m []string) []string {
			limit := count
			if limit < 0 {
				limit = -limit
			}
			match := func(e listpack.Entry) bool { return e.String() == target }
			l.RemoveIf(match, limit, count < 0)
			return removeModel(m, target, limit, count < 0)
		}, []string{"LREM", "k", strconv.Itoa(count), target}}
	}
}

// withPivot makes a LINSERT op take its pivot from the model when applied.
func (o op) withPivot(pivot *string, i int) op {
	apply := o.apply
	o.apply = func(l *List, m []string) []string {
		*pivot = m[i]
		o.cmd[3] = m[i]
		return apply(l, m)
	}
	return o
}

func removeModel(m []string, target string, limit int, reverse bool) []string {
	removed := 0
	keep := make([]bool, len(m))
	for t := range m {
		x := t
		if reverse {
			x = len(m) - 1 - t
		}
		keep[x] = true
		if m[x] == target && (limit == 0 || removed < limit) {
			keep[x] = false
			removed++
		}
	}
	out := m[:0:0]
	for x, s := range m {
		if keep[x] {
			out = append(out, s)
		}
	}
	return out
}

func elemGen(r *rand.Rand, long int) func() string {
	return func() string {
		switch r.IntN(7) {
		case 6:
			return strings.Repeat("y", r.IntN(200))
		case 0:
			return strconv.Itoa(r.IntN(100000) - 50000)
		case 1:
			return strings.Repeat("x", r.IntN(long))
		case 2:
			return strconv.FormatInt(r.Int64(), 10)
		default:
			return "e" + strconv.Itoa(r.IntN(40))
		}
	}
}

// TestModel applies random operations to lists of every kind of fill and
// checks elements and nodes after each.
func TestModel(t *testing.T) {
	defer SetPackedThreshold(2000)()
	for _, fill := range []int{-2, -1, -5, 1, 4, 100, 0} {
		t.Run(fmt.Sprint(fill), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(fill+10), 7))
			l := New(fill)
			var model []string
			for step := 0; step < 5000; step++ {
				o := randomOp(r, l.Len(), elemGen(r, 3000), 2)
				model = o.apply(&l, model)
				checkNodes(t, &l)
				if step%50 == 0 || l.Len() < 5 {
					if got := elements(t, &l); !slices.Equal(got, model) {
						t.Fatalf("step %d (%q): list %q, model %q", step, o.cmd, got, model)
					}
				}
			}
			c := l.Clone()
			c.PushFront("only in the clone")
			checkNodes(t, &l)
			checkNodes(t, &c)
			if l.Nodes() < 2 {
				t.Fatalf("%d nodes: the test exercised too little", l.Nodes())
			}
		})
	}
}

// TestNodesAsRedis applies the same random commands to a List and to a
// redis-server 7.0 list, with several list-max-listpack-size values and a
// low packed threshold (DEBUG QUICKLIST-PACKED-THRESHOLD), and compares
// the elements and the element count of every node (read from DUMP).
func TestNodesAsRedis(t *testing.T) {
	srv := redistest.StartArgs(t, "--enable-debug-command", "yes")
	c := srv.Dial(t)
	t.Run("plain", func(t *testing.T) {
		c.MustDo(t, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1500")
		defer c.MustDo(t, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")
		defer SetPackedThreshold(1500)()
		nodesAsRedis(t, c, 2500, 2)
	})
	t.Run("packed", func(t *testing.T) { nodesAsRedis(t, c, 400, 12) })
}

func nodesAsRedis(t *testing.T, c *redistest.Client, long, pushBias int) {
	for _, fill := range []int{-2, -1, -3, 5, 128, -7, 40000} {
		t.Run(fmt.Sprint(fill), func(t *testing.T) {
			c.MustDo(t, "CONFIG", "SET", "list-max-listpack-size", strconv.Itoa(fill))
			c.MustDo(t, "DEL", "k")
			r := rand.New(rand.NewPCG(uint64(fill+100), 3))
			l := New(fill)
			var model []string
			for step := 0; step < 6000; step++ {
				if l.Len() == 0 {
					l = New(fill) // Redis deletes an empty list
				}
				o := randomOp(r, l.Len(), elemGen(r, long), pushBias)
				model = o.apply(&l, model)
				c.Send(o.cmd...)
				if step%20 != 19 {
					continue
				}
				c.Send("DUMP", "k")
				var dump any
				for range 21 {
					dump = c.Receive(t)
				}
				p, _ := dump.(string)
				if l.Len() == 0 {
					if dump != nil {
						t.Fatalf("step %d: Redis has a list, ours is empty", step)
					}
					continue
				}
				v, err := rdb.DecodePayload([]byte(p))
				if err != nil {
					t.Fatalf("step %d: DUMP: %v", step, err)
				}
				if !slices.Equal(v.List, model) {
					t.Fatalf("step %d: Redis's elements differ from the model", step)
				}
				if step == 5999 {
					t.Logf("%d elements, nodes %v", l.Len(), v.ListNodes)
				}
				if got := l.NodeCounts(); !slices.Equal(got, v.ListNodes) {
					t.Fatalf("step %d (last %q): nodes %v, Redis %v", step, o.cmd, got, v.ListNodes)
				}
			}
		})
	}
}
