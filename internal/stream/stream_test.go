package stream

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/listpack"
)

// model is the trivial stream the tests compare with: every entry in a
// slice, in ID order.
type model struct {
	entries []Entry
}

func (m *model) rng(start, end ID, rev bool) []Entry {
	var out []Entry
	for _, e := range m.entries {
		if !e.ID.Less(start) && !end.Less(e.ID) {
			out = append(out, e)
		}
	}
	if rev {
		slices.Reverse(out)
	}
	return out
}

func (m *model) del(id ID) bool {
	for i, e := range m.entries {
		if e.ID == id {
			m.entries = slices.Delete(m.entries, i, i+1)
			return true
		}
	}
	return false
}

// check compares s with m and checks s's nodes: their counts, their
// headers and the IDs they hold.
func check(t testing.TB, s *Stream, m *model) {
	t.Helper()
	var lpCap int64
	for _, n := range s.nodes {
		lpCap += int64(cap(n.lp))
	}
	if s.lpCap != lpCap {
		t.Fatalf("lpCap %d, the nodes' listpacks hold %d", s.lpCap, lpCap)
	}
	t.Helper()
	if s.Len() != int64(len(m.entries)) {
		t.Fatalf("Len %d, model %d", s.Len(), len(m.entries))
	}
	got := collect(s, ID{}, MaxID, false)
	if !equalEntries(got, m.entries) {
		t.Fatalf("entries differ:\n got %v\nwant %v", got, m.entries)
	}
	var prev ID
	total := 0
	for i, n := range s.nodes {
		if n.live == 0 && n.deleted == 0 {
			t.Fatalf("node %d has no entry", i)
		}
		if int(uint32(len(n.lp))) != int(n.lp[0])|int(n.lp[1])<<8|int(n.lp[2])<<16|int(n.lp[3])<<24 {
			t.Fatalf("node %d: header size wrong", i)
		}
		if want := min(n.elems, 65535); listpack.Count(n.lp) != want {
			t.Fatalf("node %d: header count %d, want %d", i, listpack.Count(n.lp), want)
		}
		live, _ := readInt(n.lp, listpack.HeaderSize)
		del, _ := readInt(n.lp, skipElem(n.lp, listpack.HeaderSize))
		if int(live) != n.live || int(del) != n.deleted {
			t.Fatalf("node %d: counts %d/%d in the listpack, %d/%d cached", i, live, del, n.live, n.deleted)
		}
		elems, l, d := 4+n.nfields, 0, 0
		for p := n.firstEntry(); n.lp[p] != listpack.EOF; {
			flags, id, _, next := n.decode(p, false)
			if i > 0 || p != n.firstEntry() {
				if !prev.Less(id) {
					t.Fatalf("node %d: ID %v after %v", i, id, prev)
				}
			}
			if p == n.firstEntry() && id != n.master {
				t.Fatalf("node %d: first ID %v, master %v", i, id, n.master)
			}
			prev = id
			if flags&flagDeleted != 0 {
				d++
			} else {
				l++
			}
			for q := p; q < next; q = skipElem(n.lp, q) {
				elems++
			}
			p = next
		}
		if l != n.live || d != n.deleted || elems != n.elems {
			t.Fatalf("node %d: walked %d live %d deleted %d elements, cached %d %d %d", i, l, d, elems, n.live, n.deleted, n.elems)
		}
		if prev != n.last {
			t.Fatalf("node %d: last %v, cached %v", i, prev, n.last)
		}
		total += n.live
	}
	if int64(total) != s.Len() {
		t.Fatalf("nodes hold %d live entries, Len %d", total, s.Len())
	}
}

func collect(s *Stream, start, end ID, rev bool) []Entry {
	var out []Entry
	s.Range(start, end, rev, func(e Entry) bool { out = append(out, e); return true })
	return out
}

func equalEntries(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || !slices.Equal(a[i].Fields, b[i].Fields) {
			return false
		}
	}
	return true
}

// randomFields returns fields of a few shapes: the same names (so entries
// share the master's), other names, integers of every width, long values
// (so nodes fill by bytes rather than by count).
func randomFields(r *rand.Rand) []string {
	switch r.IntN(6) {
	case 0:
		return []string{"f", strconv.Itoa(r.IntN(100))}
	case 1:
		return []string{"f", strconv.FormatInt(r.Int64()-math.MaxInt64/2, 10), "g", "-0"}
	case 2:
		return []string{"a" + strconv.Itoa(r.IntN(3)), strings.Repeat("x", r.IntN(5000))}
	case 3:
		return []string{"123", "007", strconv.Itoa(-r.IntN(70000)), strings.Repeat("y", r.IntN(70))}
	case 4:
		return []string{"f", strings.Repeat("z", r.IntN(300))}
	}
	return []string{"f", "v"}
}

// randomID returns an ID after last: the next sequence, a later
// millisecond, or a jump to the far range (differences that need 64 bits).
func randomID(r *rand.Rand, last ID) ID {
	switch r.IntN(8) {
	case 0:
		if last.Ms < math.MaxUint64-1<<40 {
			return ID{last.Ms + uint64(r.Int64N(1<<40)) + 1, uint64(r.IntN(3))}
		}
	case 1, 2:
		if last.Ms < math.MaxUint64 {
			return ID{last.Ms + 1, 0}
		}
	case 3:
		if last.Seq < math.MaxUint64-1<<62 {
			return ID{last.Ms, last.Seq + uint64(r.Int64N(1<<62)) + 1}
		}
	}
	if next, ok := last.Next(); ok {
		return next
	}
	return last
}

// TestStreamAgainstModel runs random appends, deletes, range reads and
// trims on a Stream and on the model, comparing them after each step.
func TestStreamAgainstModel(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			var s Stream
			var m model
			for step := 0; step < 1500; step++ {
				runOp(t, r, &s, &m, r.IntN(20))
				if step%50 == 0 {
					check(t, &s, &m)
				}
			}
			check(t, &s, &m)
		})
	}
}

func runOp(t testing.TB, r *rand.Rand, s *Stream, m *model, op int) {
	t.Helper()
	pickID := func() ID {
		if len(m.entries) > 0 && r.IntN(4) != 0 {
			id := m.entries[r.IntN(len(m.entries))].ID
			switch r.IntN(3) {
			case 0:
				if p, ok := id.Prev(); ok {
					return p
				}
			case 1:
				if n, ok := id.Next(); ok {
					return n
				}
			}
			return id
		}
		return ID{r.Uint64N(1 << 20), uint64(r.IntN(4))}
	}
	switch {
	case op < 11:
		if s.LastID == MaxID {
			return
		}
		id := randomID(r, s.LastID)
		f := randomFields(r)
		s.Append(id, f)
		m.entries = append(m.entries, Entry{ID: id, Fields: f})
	case op < 14:
		id := pickID()
		if got, want := s.Delete(id), m.del(id); got != want {
			t.Fatalf("Delete(%v) = %v, model %v", id, got, want)
		}
	case op < 17:
		a, b := pickID(), pickID()
		if r.IntN(3) == 0 {
			a = ID{}
		}
		if r.IntN(3) == 0 {
			b = MaxID
		}
		rev := r.IntN(2) == 0
		limit := r.IntN(5)
		var got []Entry
		s.Range(a, b, rev, func(e Entry) bool { got = append(got, e); return limit == 0 || len(got) < limit })
		want := m.rng(a, b, rev)
		if limit > 0 && len(want) > limit {
			want = want[:limit]
		}
		if !equalEntries(got, want) {
			t.Fatalf("Range(%v, %v, rev %v, limit %d):\n got %v\nwant %v", a, b, rev, limit, got, want)
		}
		if !s.Has(a) == slices.ContainsFunc(m.entries, func(e Entry) bool { return e.ID == a }) {
			t.Fatalf("Has(%v) wrong", a)
		}
	case op < 19:
		approx := r.IntN(2) == 0
		var limit int64
		if approx && r.IntN(2) == 0 {
			limit = int64(r.IntN(300))
		}
		before := len(m.entries)
		if r.IntN(2) == 0 {
			maxLen := int64(r.IntN(before + 1))
			n := s.TrimMaxLen(maxLen, approx, limit)
			if !approx && int64(before)-n != min(int64(before), maxLen) {
				t.Fatalf("TrimMaxLen(%d) removed %d of %d", maxLen, n, before)
			}
			if approx && int64(before)-n < maxLen && n > 0 {
				t.Fatalf("TrimMaxLen(%d, ~) removed %d of %d: below maxLen", maxLen, n, before)
			}
			if limit > 0 && n > limit {
				t.Fatalf("TrimMaxLen(%d, ~, LIMIT %d) removed %d", maxLen, limit, n)
			}
			m.entries = m.entries[n:]
		} else {
			minID := pickID()
			n := s.TrimMinID(minID, approx, limit)
			for _, e := range m.entries[:n] {
				if !e.ID.Less(minID) {
					t.Fatalf("TrimMinID(%v) removed %v", minID, e.ID)
				}
			}
			if !approx && int(n) < before && m.entries[n].ID.Less(minID) {
				t.Fatalf("TrimMinID(%v) left %v", minID, m.entries[n].ID)
			}
			m.entries = m.entries[n:]
		}
	default:
		c := s.Clone()
		check(t, c, m)
		if len(c.nodes) > 0 {
			c.nodes[0].lp[listpack.HeaderSize] ^= 1 // must not reach s
		}
	}
	first, _ := s.First()
	last, _ := s.Last()
	if len(m.entries) > 0 {
		if first.ID != m.entries[0].ID || last.ID != m.entries[len(m.entries)-1].ID || s.FirstID() != first.ID || s.LastLiveID() != last.ID {
			t.Fatalf("First/Last %v %v (FirstID %v LastLiveID %v), model %v %v", first.ID, last.ID, s.FirstID(), s.LastLiveID(), m.entries[0].ID, m.entries[len(m.entries)-1].ID)
		}
	} else if s.FirstID() != (ID{}) || s.LastLiveID() != (ID{}) {
		t.Fatalf("empty stream: FirstID %v LastLiveID %v", s.FirstID(), s.LastLiveID())
	}
}

// TestNodeBoundaries checks the node boundaries Redis would choose: 100
// entries a node, or fewer when the listpack reaches 4096 bytes.
func TestNodeBoundaries(t *testing.T) {
	var s Stream
	for i := 1; i <= 250; i++ {
		s.Append(ID{uint64(i), 0}, []string{"f", "v"})
	}
	if s.Nodes() != 3 || s.nodes[0].live != 100 || s.nodes[2].live != 50 {
		t.Fatalf("250 small entries: %d nodes, first %d, last %d", s.Nodes(), s.nodes[0].live, s.nodes[len(s.nodes)-1].live)
	}
	// Deleted entries still count towards the 100.
	s.Delete(ID{250, 0})
	for i := 251; i <= 301; i++ {
		s.Append(ID{uint64(i), 0}, []string{"f", "v"})
	}
	if s.nodes[2].live+s.nodes[2].deleted != 100 || s.Nodes() != 4 {
		t.Fatalf("after a delete: %d nodes, third holds %d+%d", s.Nodes(), s.nodes[2].live, s.nodes[2].deleted)
	}
	var b Stream
	big := strings.Repeat("x", 1000)
	for i := 1; i <= 10; i++ {
		b.Append(ID{uint64(i), 0}, []string{"f", big})
	}
	// 4 entries of 1000 bytes make 4000+ bytes: the fifth would pass 4096.
	if b.nodes[0].live != 4 {
		t.Fatalf("1000-byte entries: first node holds %d", b.nodes[0].live)
	}
}

// TestListpackBytes checks the listpack of a small node against the bytes
// Redis writes for XADD s 1-1 a 1 b hello; XADD s 1-2 a 300 b x (a master
// entry, one entry with the same fields, integer values encoded as
// integers).
func TestListpackBytes(t *testing.T) {
	n := newNode(ID{1, 1}, []string{"a", "1", "b", "hello"})
	n.append(ID{1, 1}, []string{"a", "1", "b", "hello"})
	n.append(ID{1, 2}, []string{"a", "300", "b", "x"})
	want := []byte{
		0, 0, 0, 0, 0, 0, // header, checked below
		2, 1, 0, 1, 2, 1, 0x81, 'a', 2, 0x81, 'b', 2, 0, 1, // 2 live, 0 deleted, 2 fields a b, 0
		2, 1, 0, 1, 0, 1, 1, 1, 0x85, 'h', 'e', 'l', 'l', 'o', 6, 5, 1, // flags=same, 0, 0, 1, "hello", lp-count 5
		2, 1, 0, 1, 1, 1, 0xC1, 0x2C, 2, 0x81, 'x', 2, 5, 1, // same, 0, 1, 300, "x", 5
		0xFF,
	}
	want[0] = byte(len(want))
	want[4] = 4 + 2 + 6 + 6
	if !slices.Equal(n.lp, want) {
		t.Fatalf("listpack\n got % x\nwant % x", n.lp, want)
	}
}

// TestRaxNodes checks the radix tree node count against figures
// redis-server 7.0 reports in XINFO STREAM (radix-tree-nodes).
func TestRaxNodes(t *testing.T) {
	var s Stream
	if s.RaxNodes() != 1 {
		t.Fatalf("empty: %d", s.RaxNodes())
	}
	s.Append(ID{1, 1}, []string{"f", "v"})
	if s.RaxNodes() != 2 {
		t.Fatalf("one node: %d", s.RaxNodes())
	}
}

func FuzzStream(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
	f.Add([]byte("appendappendappenddeleterangetrim"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 4000 {
			return
		}
		var seed uint64
		for _, b := range ops {
			seed = seed*31 + uint64(b)
		}
		r := rand.New(rand.NewPCG(seed, uint64(len(ops))))
		var s Stream
		var m model
		for _, b := range ops {
			runOp(t, r, &s, &m, int(b%20))
		}
		check(t, &s, &m)
	})
}

// FuzzLoad gives Load arbitrary listpacks (after one valid node, so that
// order checks run too): each is refused with ErrCorrupt or makes a stream
// that every operation walks without panicking and that passes check.
func FuzzLoad(f *testing.F) {
	var s Stream
	s.Append(ID{1, 1}, []string{"f", "v", "n", "-70000"})
	s.Append(ID{1, 2}, []string{"f", strings.Repeat("x", 70)})
	s.Append(ID{2, 0}, []string{"g", "1"})
	s.Delete(ID{1, 2})
	f.Add(append([]byte(nil), s.nodes[0].lp...), uint64(1), uint64(1))
	f.Add([]byte{7, 0, 0, 0, 0, 0, 0xFF}, uint64(2), uint64(0))
	f.Fuzz(func(t *testing.T, lp []byte, ms, seq uint64) {
		first := newNode(ID{1, 0}, []string{"a", "b"})
		first.append(ID{1, 0}, []string{"a", "b"})
		got, err := Load([]ID{{1, 0}, {ms, seq}}, [][]byte{first.lp, lp}, Meta{Length: 1 + uint64(bytesLive(lp)), LastID: MaxID})
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		var m model
		m.entries = collect(got, ID{}, MaxID, false)
		check(t, got, &m)
		if rev := collect(got, ID{}, MaxID, true); len(rev) != len(m.entries) {
			t.Fatalf("backward walk gives %d entries, forward %d", len(rev), len(m.entries))
		}
		for _, e := range m.entries {
			if !got.Delete(e.ID) {
				t.Fatalf("Delete(%v) found nothing", e.ID)
			}
		}
	})
}

// bytesLive reads the live count at the start of lp, if there is one.
func bytesLive(lp []byte) int {
	if len(lp) > listpack.HeaderSize+1 {
		if e, n := listpack.Decode(lp[listpack.HeaderSize:]); n > 0 && e.IsInt && e.Int >= 0 && e.Int < 1<<20 {
			return int(e.Int)
		}
	}
	return 0
}
