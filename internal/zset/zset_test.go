package zset

import (
	"flag"
	"github.com/embedis/embedis/internal/memsize"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

var modelOps = flag.Int("zset.ops", 2_000_000, "random operations in TestModel")

// model is a slice kept sorted by (score, member), with an index of scores.
type model struct {
	s      []mentry
	scores map[string]float64
}

type mentry struct {
	member string
	score  float64
}

func cmpEntry(a, b mentry) int {
	switch {
	case a.score < b.score:
		return -1
	case a.score > b.score:
		return 1
	case a.member < b.member:
		return -1
	case a.member > b.member:
		return 1
	}
	return 0
}

func (m *model) find(member string) int {
	sc, ok := m.scores[member]
	if !ok {
		return -1
	}
	i, found := slices.BinarySearchFunc(m.s, mentry{member, sc}, cmpEntry)
	if !found {
		panic("model index broken")
	}
	return i
}

func (m *model) add(member string, score float64) bool {
	i := m.find(member)
	added := i < 0
	if !added {
		m.s = slices.Delete(m.s, i, i+1)
	}
	e := mentry{member, score}
	j, _ := slices.BinarySearchFunc(m.s, e, cmpEntry)
	m.s = slices.Insert(m.s, j, e)
	m.scores[member] = score
	return added
}

func (m *model) remove(member string) bool {
	i := m.find(member)
	if i < 0 {
		return false
	}
	m.s = slices.Delete(m.s, i, i+1)
	delete(m.scores, member)
	return true
}

// firstScore and lastScore answer the range questions by scanning.
func (m *model) firstScore(r ScoreRange) int {
	for i, e := range m.s {
		if r.Contains(e.score) {
			return i
		}
	}
	return -1
}

func (m *model) lastScore(r ScoreRange) int {
	for i := len(m.s) - 1; i >= 0; i-- {
		if r.Contains(m.s[i].score) {
			return i
		}
	}
	return -1
}

func (m *model) firstLex(r LexRange) int {
	for i, e := range m.s {
		if r.Contains(e.member) {
			return i
		}
	}
	return -1
}

func (m *model) lastLex(r LexRange) int {
	for i := len(m.s) - 1; i >= 0; i-- {
		if r.Contains(m.s[i].member) {
			return i
		}
	}
	return -1
}

// check verifies every structural invariant of s against m: order, length,
// leaf links, counts, lower bounds, fill, and the dict.
func check(t *testing.T, s *Set, mm *model) {
	m := mm.s
	t.Helper()
	if s.Len() != len(m) || s.members.Len() != len(m) {
		t.Fatalf("Len %d, dict %d, model %d", s.Len(), s.members.Len(), len(m))
	}
	i := 0
	var prev *node
	for n := s.first; n != nil; n = n.next {
		if n.prev != prev {
			t.Fatalf("leaf prev link wrong")
		}
		for j := range n.entries.members {
			e := n.entries.at(j)
			if i >= len(m) || e.member != m[i].member || e.score != m[i].score {
				t.Fatalf("position %d: %q %v, model %v", i, e.member, e.score, m[i:min(i+1, len(m))])
			}
			if sc, ok := s.members.Get(e.member); !ok || sc != e.score {
				t.Fatalf("%q: dict has %v %v", e.member, sc, ok)
			}
			i++
		}
		prev = n
	}
	if i != len(m) || s.last != prev {
		t.Fatalf("walked %d of %d, last ok %v", i, len(m), s.last == prev)
	}
	var leaves, inners int
	var bytes int64
	for _, e := range m {
		bytes += memsize.String(len(e.member))
	}
	if s.bytes != bytes {
		t.Fatalf("bytes %d, the members hold %d", s.bytes, bytes)
	}
	var walk func(n *node, lo, hi *entry, root bool) int
	walk = func(n *node, lo, hi *entry, root bool) int {
		if n.isLeaf() {
			leaves++
		} else {
			inners++
		}
		if n.isLeaf() {
			// Only the last leaf may be short: appending at the end splits
			// a leaf unevenly.
			size := n.entries.len()
			short := size < minEntries-1 && n != s.last
			if !root && (short || size == 0) || size > maxEntries || len(n.entries.members) != size {
				t.Fatalf("leaf with %d entries", size)
			}
			for j := 0; j < size; j++ {
				e := n.entries.at(j)
				if lo != nil && e.less(lo) || hi != nil && !e.less(hi) {
					t.Fatalf("entry %v outside its bounds", e)
				}
			}
			return size
		}
		if len(n.children) != n.lower.len() || len(n.lower.members) != n.lower.len() || len(n.children) != len(n.counts) || len(n.children) > maxChildren ||
			!root && len(n.children) < minChildren-1 || root && len(n.children) < 2 {
			t.Fatalf("inner node with %d children, %d bounds, %d counts", len(n.children), n.lower.len(), len(n.counts))
		}
		total := 0
		for j, c := range n.children {
			clo, chi := lo, hi
			if j > 0 {
				e := n.lower.at(j)
				clo = &e
			}
			if j+1 < len(n.children) {
				e := n.lower.at(j + 1)
				chi = &e
			}
			if got := walk(c, clo, chi, false); got != n.counts[j] {
				t.Fatalf("count %d, child holds %d", n.counts[j], got)
			}
			total += n.counts[j]
		}
		return total
	}
	if got := walk(s.root, nil, nil, true); got != len(m) {
		t.Fatalf("tree holds %d, model %d", got, len(m))
	}
	if leaves != s.leaves || inners != s.inners {
		t.Fatalf("counted %d leaves and %d inner nodes, the tree has %d and %d", s.leaves, s.inners, leaves, inners)
	}
}

var scorePool = []float64{math.Inf(-1), -2.5, -1, 0, 0, 1, 1, 1, 2, 3.25, 10, math.Inf(1)}

func randomScore(r *rand.Rand) float64 {
	if r.IntN(4) == 0 {
		return float64(r.IntN(1000)) / 8
	}
	return scorePool[r.IntN(len(scorePool))]
}

func randomScoreRange(r *rand.Rand) ScoreRange {
	return ScoreRange{Min: randomScore(r), Max: randomScore(r), MinEx: r.IntN(3) == 0, MaxEx: r.IntN(3) == 0}
}

func randomMember(r *rand.Rand, n int) string {
	return "m" + strconv.Itoa(r.IntN(n))
}

func randomLexBound(r *rand.Rand, n int) LexBound {
	switch r.IntN(10) {
	case 0:
		return LexBound{Inf: -1}
	case 1:
		return LexBound{Inf: 1}
	}
	return LexBound{Value: randomMember(r, n), Exclusive: r.IntN(2) == 0}
}

// TestModel runs random operations on two sets — one with mixed scores, one
// where every score is 0 so that lex ranges are meaningful — and compares
// every answer with a sorted slice, checking the whole structure every so
// often. Its size is -zset.ops (2 million by default; test.sh runs it
// without the race detector).
func TestModel(t *testing.T) {
	ops := *modelOps
	if testing.Short() {
		ops /= 20
	}
	if raceEnabled {
		ops /= 10
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, lex := range []bool{false, true} {
		s, mm := New(), &model{scores: map[string]float64{}}
		universe := 64
		for op := 0; op < ops/2; op++ {
			if op%100_000 == 0 {
				// Vary the size: small sets, then sets of a few thousand.
				universe = []int{8, 64, 400, 3000}[(op/100_000)%4]
			}
			score := randomScore(r)
			if lex {
				score = 0
			}
			member := randomMember(r, universe)
			switch r.IntN(10) {
			case 0, 1, 2:
				if got, want := s.Add(member, score), mm.add(member, score); got != want {
					t.Fatalf("op %d: Add(%q, %v) = %v, model %v", op, member, score, got, want)
				}
			case 3:
				if got, want := s.Remove(member), mm.remove(member); got != want {
					t.Fatalf("op %d: Remove(%q) = %v, model %v", op, member, got, want)
				}
			case 4:
				got, ok := s.Rank(member)
				want := mm.find(member)
				if ok != (want >= 0) || ok && got != want {
					t.Fatalf("op %d: Rank(%q) = %d %v, model %d", op, member, got, ok, want)
				}
				if sc, ok := s.Score(member); ok && sc != mm.s[want].score {
					t.Fatalf("op %d: Score(%q) = %v, model %v", op, member, sc, mm.s[want].score)
				}
			case 5:
				i := r.IntN(len(mm.s)+2) - 1
				it := s.At(i)
				if it.Valid() != (i >= 0 && i < len(mm.s)) || it.Valid() && it.Member() != mm.s[i].member {
					t.Fatalf("op %d: At(%d) wrong", op, i)
				}
				if it.Valid() && r.IntN(2) == 0 {
					// Walk a few steps both ways.
					for j := i; j < min(i+70, len(mm.s)); j++ {
						if !it.Valid() || it.Member() != mm.s[j].member {
							t.Fatalf("op %d: Next from %d wrong at %d", op, i, j)
						}
						it.Next()
					}
					it = s.At(i)
					for j := i; j >= max(i-70, 0); j-- {
						if !it.Valid() || it.Member() != mm.s[j].member {
							t.Fatalf("op %d: Prev from %d wrong at %d", op, i, j)
						}
						it.Prev()
					}
				}
			case 6, 7:
				sr := randomScoreRange(r)
				if rank, want := s.FirstInScoreRange(sr), mm.firstScore(sr); rank != want {
					t.Fatalf("op %d: FirstInScoreRange(%+v) = %d, model %d", op, sr, rank, want)
				}
				if rank, want := s.LastInScoreRange(sr), mm.lastScore(sr); rank != want {
					t.Fatalf("op %d: LastInScoreRange(%+v) = %d, model %d", op, sr, rank, want)
				}
			case 8:
				if !lex {
					continue
				}
				lr := LexRange{Min: randomLexBound(r, universe), Max: randomLexBound(r, universe)}
				for _, f := range []struct {
					name string
					fn   func(LexRange) int
					want int
				}{
					{"FirstInLexRange", s.FirstInLexRange, mm.firstLex(lr)},
					{"FirstInLexRangeLinear", s.FirstInLexRangeLinear, mm.firstLex(lr)},
					{"LastInLexRange", s.LastInLexRange, mm.lastLex(lr)},
					{"LastInLexRangeLinear", s.LastInLexRangeLinear, mm.lastLex(lr)},
				} {
					if rank := f.fn(lr); rank != f.want {
						t.Fatalf("op %d: %s(%+v) = %d, model %d", op, f.name, lr, rank, f.want)
					}
				}
			case 9:
				// Move a member by a small step: often an in-place update.
				if len(mm.s) > 0 && !lex {
					e := mm.s[r.IntN(len(mm.s))]
					ns := e.score + float64(r.IntN(3)-1)/16
					if math.IsNaN(ns) {
						ns = 0
					}
					s.Add(e.member, ns)
					mm.add(e.member, ns)
				}
			}
			if op%5000 == 0 || len(mm.s) < 16 && op%7 == 0 {
				check(t, s, mm)
			}
		}
		check(t, s, mm)
		c := s.Clone()
		check(t, c, mm)
	}
}

func TestEmptyRanges(t *testing.T) {
	s := New()
	if r := s.FirstInScoreRange(ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}); r != -1 {
		t.Fatal("empty set has a first node")
	}
	s.Add("a", 1)
	for _, sr := range []ScoreRange{{Min: 2, Max: 1}, {Min: 1, Max: 1, MinEx: true}, {Min: 1, Max: 1, MaxEx: true}} {
		if s.FirstInScoreRange(sr) != -1 {
			t.Fatalf("%+v should be empty", sr)
		}
	}
	if r := s.FirstInScoreRange(ScoreRange{Min: 1, Max: 1}); r != 0 {
		t.Fatal("[1,1] should hold a")
	}
	for _, lr := range []LexRange{
		{Min: LexBound{Inf: 1}, Max: LexBound{Inf: -1}},
		{Min: LexBound{Value: "b"}, Max: LexBound{Value: "a"}},
		{Min: LexBound{Value: "a", Exclusive: true}, Max: LexBound{Value: "a"}},
	} {
		if !lr.Empty() {
			t.Fatalf("%+v should be empty", lr)
		}
	}
	// "+" to "+" is not empty as a range (as in Redis), but holds nothing.
	if s.FirstInLexRange(LexRange{Min: LexBound{Inf: 1}, Max: LexBound{Inf: 1}}) != -1 {
		t.Fatal("[+,+] holds a member")
	}
	if (&LexRange{Min: LexBound{Inf: -1}, Max: LexBound{Inf: 1}}).Empty() {
		t.Fatal("[-,+] is not empty")
	}
}

func TestNaNScorePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a NaN score was accepted")
		}
	}()
	New().Add("a", math.NaN())
}

// TestSmallMoves: score updates that keep a member within its leaf (the
// shortcut of moveWithinLeaf) and ones that leave it, on a set of distinct
// scores, against the model.
func TestSmallMoves(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	s, m := New(), &model{scores: map[string]float64{}}
	const n = 5000
	for i := 0; i < n; i++ {
		mem := "m" + strconv.Itoa(i)
		s.Add(mem, float64(i))
		m.add(mem, float64(i))
	}
	within := 0
	for op := 0; op < 200_000; op++ {
		mem := "m" + strconv.Itoa(r.IntN(n))
		old, _ := s.Score(mem)
		sc := old + float64(r.IntN(41)-20) // mostly within the leaf
		if r.IntN(10) == 0 {
			sc = float64(r.IntN(n)) // anywhere
		}
		if old != sc && s.moveWithinLeaf(entry{old, mem}, entry{sc, mem}) {
			// Done by hand here to count; keep the dict in step.
			s.members.Set(mem, sc)
			within++
		} else {
			s.Add(mem, sc)
		}
		m.add(mem, sc)
		if op%20_000 == 0 {
			check(t, s, m)
		}
	}
	check(t, s, m)
	if within < 50_000 {
		t.Fatalf("only %d of 200000 moves stayed within a leaf", within)
	}
}

// TestNewSized: a Set made for n members holds them (and more) with every
// invariant, whether they fit one leaf or not.
func TestNewSized(t *testing.T) {
	for _, n := range []int{0, 1, 8, maxEntries, maxEntries + 1, 1000} {
		s := NewSized(n)
		m := &model{scores: map[string]float64{}}
		for i := 0; i < n+10; i++ {
			member, score := "m"+strconv.Itoa(i), float64((i*7919)%101)
			s.Add(member, score)
			m.add(member, score)
		}
		check(t, s, m)
	}
}

// TestMovesToLeafEdges: a new score that takes a leaf's last place, or
// keeps its first entry first, still falls within the leaf's bounds (the
// separators above it), so it is moved in place; the tree stays valid,
// through ScoreRef and UpdateRef too.
func TestMovesToLeafEdges(t *testing.T) {
	s, m := New(), &model{scores: map[string]float64{}}
	const n = 2000
	for i := 0; i < n; i++ {
		mem := "m" + strconv.Itoa(i)
		s.Add(mem, float64(10*i))
		m.add(mem, float64(10*i))
	}
	leaves := 0
	for l := s.first; l != nil; l = l.next {
		if l.entries.len() < 3 || l.next == nil {
			continue
		}
		leaves++
		first, last := l.entries.at(0), l.entries.at(l.entries.len()-1)
		mid := l.entries.at(l.entries.len() / 2)
		// The leaf's last place: below the next leaf's first entry.
		to := entry{last.score + 1, mid.member}
		if !s.moveWithinLeaf(mid, to) {
			t.Fatalf("moving %v to %v (leaf ends at %v) was refused", mid, to, last)
		}
		if got := l.entries.at(l.entries.len() - 1); got != to {
			t.Fatalf("leaf ends at %v, want %v", got, to)
		}
		s.members.Set(to.member, to.score)
		m.add(to.member, to.score)
		// The first entry keeps its place: changed where it is.
		to = entry{first.score + 1, first.member}
		if !s.moveWithinLeaf(first, to) || l.entries.at(0) != to {
			t.Fatalf("moving %v to %v in place was refused", first, to)
		}
		s.members.Set(to.member, to.score)
		m.add(to.member, to.score)
		// Through the member table's reference: anywhere.
		mid = l.entries.at(l.entries.len() / 2)
		ref := s.ScoreRef(mid.member)
		if ref == nil || *ref != mid.score {
			t.Fatalf("ScoreRef(%q) = %v, want %v", mid.member, ref, mid.score)
		}
		s.UpdateRef(mid.member, ref, float64(20*n-leaves))
		m.add(mid.member, float64(20*n-leaves))
	}
	if leaves < n/64 {
		t.Fatalf("only %d leaves tried", leaves)
	}
	check(t, s, m)
	if s.ScoreRef("absent") != nil {
		t.Error("ScoreRef of an absent member is not nil")
	}
}
