package bench

import (
	"cmp"
	mrand "math/rand"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/embedis/embedis/internal/zset"
	"github.com/huandu/skiplist"
)

// Rank in a sorted set without spans: github.com/huandu/skiplist, a popular
// Go skiplist, links its nodes without counting what each link skips, so the
// rank of a member can only be counted one node at a time. Compared with
// embedis's internal/zset (a counted B+tree), on one set of 1,000,000
// members "member:N" with seeded random scores (those of BenchmarkZSet's 1M
// set):
//
//	cd bench && go test -run '^$' -bench 'Rank1M' -benchtime 1s
//
// huandu-skiplist: the keys are {score, member} with the score as the
// skiplist's own float64 "score" (so most comparisons are one float
// comparison) and a map from member to score, as a sorted set needs. The
// rank of member m is Get({score, m}), O(log n), then a walk from that
// element towards both ends at once, one step each way per round: whichever
// end is reached first gives the rank, after min(rank, n-1-rank) rounds, the
// best its API allows (there is no rank or index operation).
//
// embedis-zset: zset.Set.Add and Rank, the structure behind ZADD and ZRANK
// without the Store around it.

// rankN is the sets' size: a million members (10,000 under -short).
func rankN() int { return sized(1_000_000, 10_000) }

// zkey is a huandu/skiplist key: a sorted-set entry.
type zkey struct {
	score  float64
	member string
}

// zkeyOrder orders zkeys by score, then member bytes, as a sorted set does;
// CalcScore hands the score to the skiplist, which compares it first.
type zkeyOrder struct{}

func (zkeyOrder) Compare(lhs, rhs any) int {
	a, b := lhs.(zkey), rhs.(zkey)
	if c := cmp.Compare(a.score, b.score); c != 0 {
		return c
	}
	return cmp.Compare(a.member, b.member)
}

func (zkeyOrder) CalcScore(key any) float64 { return key.(zkey).score }

// skiplistSet is a sorted set on huandu/skiplist.
type skiplistSet struct {
	list   *skiplist.SkipList
	scores map[string]float64
}

func newSkiplistSet() *skiplistSet {
	l := skiplist.New(zkeyOrder{})
	l.SetRandSource(mrand.NewSource(3)) // deterministic levels
	return &skiplistSet{list: l, scores: map[string]float64{}}
}

func (s *skiplistSet) add(member string, score float64) {
	if old, ok := s.scores[member]; ok {
		s.list.Remove(zkey{old, member})
	}
	s.scores[member] = score
	s.list.Set(zkey{score, member}, nil)
}

// rank returns member's 0-based rank, or false if it is not in the set.
func (s *skiplistSet) rank(member string) (int, bool) {
	score, ok := s.scores[member]
	if !ok {
		return 0, false
	}
	e := s.list.Get(zkey{score, member})
	if e == nil {
		return 0, false
	}
	back, fwd := e, e
	for steps := 0; ; steps++ {
		if back = back.Prev(); back == nil {
			return steps, true // steps elements before e
		}
		if fwd = fwd.Next(); fwd == nil {
			return s.list.Len() - 1 - steps, true // steps elements after e
		}
	}
}

// rankSets are the two sets of rankN members, built once.
var rankSets = sync.OnceValues(func() (*skiplistSet, *zset.Set) {
	members, scores := zsetData(rankN())
	sl, zs := newSkiplistSet(), zset.New()
	for i, m := range members {
		sl.add(m, scores[i])
		zs.Add(m, scores[i])
	}
	return sl, zs
})

func BenchmarkRank1M(b *testing.B) {
	members, _ := zsetData(rankN())
	p := newZPicks(rankN())
	b.Run("huandu-skiplist", func(b *testing.B) {
		sl, _ := rankSets()
		runSerial(b, func(i int) error {
			if _, ok := sl.rank(members[p.idx[i]]); !ok {
				b.Fatalf("%s not found", members[p.idx[i]])
			}
			return nil
		})
	})
	b.Run("embedis-zset", func(b *testing.B) {
		_, zs := rankSets()
		runSerial(b, func(i int) error {
			if _, ok := zs.Rank(members[p.idx[i]]); !ok {
				b.Fatalf("%s not found", members[p.idx[i]])
			}
			return nil
		})
	})
}

// TestSkiplistRank checks that the skiplist's walked ranks agree with
// internal/zset's on a smaller set, updates included.
func TestSkiplistRank(t *testing.T) {
	const n = 20_000
	r := rand.New(rand.NewPCG(5, 6))
	sl, zs := newSkiplistSet(), zset.New()
	for i := 0; i < 2*n; i++ {
		m, sc := memMember(r.IntN(n)), float64(r.IntN(n/2)) // ties too
		sl.add(m, sc)
		zs.Add(m, sc)
	}
	if sl.list.Len() != zs.Len() {
		t.Fatalf("skiplist has %d members, zset %d", sl.list.Len(), zs.Len())
	}
	for i := 0; i < n; i++ {
		m := memMember(i)
		got, ok1 := sl.rank(m)
		want, ok2 := zs.Rank(m)
		if got != want || ok1 != ok2 {
			t.Fatalf("rank(%s): skiplist %d, %v; zset %d, %v", m, got, ok1, want, ok2)
		}
	}
}
