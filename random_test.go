package embedis

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Fairness of the random draws: SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER
// and RANDOMKEY, for every encoding, with and without a count.
//
// Each test counts outcomes and computes Pearson's chi-square statistic
// against the counts a uniform draw expects (at least 200 per cell, where
// the chi-square distribution describes the statistic well). The bound a
// statistic must stay under is the chi-square quantile for its degrees of
// freedom at p = 10⁻⁶: a fair generator exceeds it with probability 10⁻⁶
// per assertion (a run makes about 140, so it fails spuriously with
// probability below 2·10⁻⁴), while the biases these tests were written for
// (a random bucket, then a random entry of its chain: an entry alone in its
// bucket drawn twice as often as one sharing it) give statistics of 80 to
// several hundred at 9 degrees of freedom, whose bound is 46. The quantile comes from the Wilson–Hilferty
// approximation, χ²ₚ(k) ≈ k·(1 − 2/(9k) + z·√(2/(9k)))³ with z = Φ⁻¹(1 − p);
// TestChiSquareBoundIsConservative checks against the exact distribution
// (the regularised incomplete gamma function) that, for every number of
// degrees of freedom used here, it is never below the exact quantile — so
// the false-failure probability is at most 10⁻⁶, never more.
//
// Draws come from the store's generator seeded with a fixed seed
// (seedRandom). The hash tables' layout still varies from run to run (each
// dict has its own random hash seed), so a run is deterministic given the
// layout, and the bound above is what keeps the tests from flaking.

// zOneInAMillion is Φ⁻¹(1 − 10⁻⁶), the standard normal quantile.
const zOneInAMillion = 4.753424308822899

// chiSquareBound is the chi-square quantile for df degrees of freedom at
// p = 10⁻⁶ (Wilson–Hilferty; conservative, see the file comment).
func chiSquareBound(df int) float64 {
	k := float64(df)
	c := 2 / (9 * k)
	return k * math.Pow(1-c+zOneInAMillion*math.Sqrt(c), 3)
}

// gammaQ is the regularised upper incomplete gamma function Q(a, x): the
// probability that a chi-square variable with 2a degrees of freedom exceeds
// 2x. A power series gives P = 1 − Q below x = a+1, a continued fraction
// (Lentz's method) gives Q above.
func gammaQ(a, x float64) float64 {
	if x <= 0 {
		return 1
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 10000 && term > sum*1e-17; n++ {
			term *= x / (a + float64(n))
			sum += term
		}
		return 1 - front*sum
	}
	const tiny = 1e-300
	b := x + 1 - a
	c, d := 1/tiny, 1/b
	h := d
	for i := 1; i < 10000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		step := d * c
		h *= step
		if math.Abs(step-1) < 1e-16 {
			break
		}
	}
	return front * h
}

func TestChiSquareBoundIsConservative(t *testing.T) {
	// gammaQ against closed forms: 2 degrees of freedom, Q = e^(−x/2); 1,
	// Q = erfc(√(x/2)).
	for _, x := range []float64{0.5, 3, 13.8, 27.6, 40} {
		if got, want := gammaQ(1, x/2), math.Exp(-x/2); math.Abs(got-want) > 1e-12*want {
			t.Fatalf("gammaQ(1, %g) = %g, want %g", x/2, got, want)
		}
		if got, want := gammaQ(0.5, x/2), math.Erfc(math.Sqrt(x/2)); math.Abs(got-want) > 1e-9*want {
			t.Fatalf("gammaQ(0.5, %g) = %g, want %g", x/2, got, want)
		}
	}
	for df := 1; df <= 1000; df++ {
		b := chiSquareBound(df)
		if q := gammaQ(float64(df)/2, b/2); q > 1e-6 {
			t.Fatalf("%d degrees of freedom: P(χ² > %.3f) = %.3g, above 10⁻⁶", df, b, q)
		}
		// And not so loose that it stops seeing biases: above the 10⁻⁷
		// quantile would be.
		if q := gammaQ(float64(df)/2, b/2); q < 1e-7 {
			t.Fatalf("%d degrees of freedom: P(χ² > %.3f) = %.3g, a needlessly loose bound", df, b, q)
		}
	}
}

// seedRandom makes the store's draws reproducible.
func seedRandom(s *Store, seed uint64) {
	s.e.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// tally counts outcomes.
type tally map[string]int

// checkUniform fails t if counts over the cells are not those of a uniform
// draw with per-cell expectation expected. scale corrects the statistic's
// distribution when the cells are not multinomial (see checkInclusion).
func checkUniform(t *testing.T, what string, counts tally, cells []string, expected, scale float64) {
	t.Helper()
	x2 := 0.0
	n := 0
	for _, c := range cells {
		d := float64(counts[c]) - expected
		x2 += d * d / expected
		n += counts[c]
	}
	for c := range counts {
		if !slices.Contains(cells, c) {
			t.Fatalf("%s: drew %q, not a possible outcome", what, c)
		}
	}
	x2 *= scale
	df := len(cells) - 1
	if bound := chiSquareBound(df); x2 > bound {
		t.Errorf("%s: χ² = %.1f over %d cells (%d outcomes), above %.1f, the 10⁻⁶ bound for %d degrees of freedom",
			what, x2, len(cells), n, bound, df)
	}
}

// checkInclusion checks replies of k distinct elements of n: each element
// must be in a reply with probability k/n. The counts of a reply are not
// independent (they sum to k), so Pearson's statistic over the n elements is
// (n−k)/(n−1) times a chi-square with n−1 degrees of freedom: it is scaled
// back by (n−1)/(n−k).
func checkInclusion(t *testing.T, what string, counts tally, cells []string, replies, k int) {
	t.Helper()
	n := len(cells)
	checkUniform(t, what, counts, cells, float64(replies)*float64(k)/float64(n), float64(n-1)/float64(n-k))
}

// checkDistinct fails t unless reply holds want distinct elements.
func checkDistinct(t *testing.T, what string, reply []string, want int) {
	t.Helper()
	if len(reply) != want {
		t.Fatalf("%s: %d elements, want %d", what, len(reply), want)
	}
	seen := map[string]bool{}
	for _, e := range reply {
		if seen[e] {
			t.Fatalf("%s: %q twice in %q", what, e, reply)
		}
		seen[e] = true
	}
}

// subsets lists the k-subsets of elems as sorted, comma-joined strings.
func subsets(elems []string, k int) []string {
	var out []string
	var rec func(start int, cur []string)
	rec = func(start int, cur []string) {
		if len(cur) == k {
			s := slices.Clone(cur)
			sort.Strings(s)
			out = append(out, strings.Join(s, ","))
			return
		}
		for i := start; i < len(elems); i++ {
			rec(i+1, append(cur, elems[i]))
		}
	}
	rec(0, nil)
	return out
}

// pairs lists the ordered pairs of elems, with repetition.
func pairs(elems []string) []string {
	var out []string
	for _, a := range elems {
		for _, b := range elems {
			out = append(out, a+","+b)
		}
	}
	return out
}

// sortedKey is a reply as a subset cell.
func sortedKey(reply []string) string {
	s := slices.Clone(reply)
	sort.Strings(s)
	return strings.Join(s, ",")
}

// names returns prefix0 … prefix(n−1).
func names(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

// long is a member too long for the compact encodings (over 64 bytes).
var long = strings.Repeat("L", 70)

// A drawable is one collection under test: a key built in some encoding,
// its elements, and the draws to test on it.
type drawable struct {
	name  string
	elems []string
	build func(t *testing.T, tx *Tx) // builds the key; elems are what is left
	// check verifies the encoding the case is about.
	check func(t *testing.T, tx *Tx)
}

// setCases are sets in every encoding and shape: intset, the flat slice,
// a dict (10 members in 16 buckets, where a bucket-then-chain draw is at its
// worst, and 200), and a dict that just shrank (20 members left in 128
// buckets, most of them empty).
func setCases() []drawable {
	ints := names("", 10)
	for i := range ints {
		ints[i] = strconv.Itoa(i * 7)
	}
	bigInts := make([]string, 300)
	for i := range bigInts {
		bigInts[i] = strconv.Itoa(i*3 - 100)
	}
	dict10 := append(names("m", 9), long)
	enc := func(want setEncoding, minBuckets int) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			t.Helper()
			sl, _ := tx.db.keys.Get("s")
			v := sl.v
			sv := v.(*setValue)
			if sv.enc != want {
				t.Fatalf("encoding %d, want %d", sv.enc, want)
			}
			if minBuckets > 0 {
				if b, b1 := sv.d.Buckets(); max(b, b1) < minBuckets {
					t.Fatalf("%d buckets, want at least %d", b, minBuckets)
				}
			}
		}
	}
	add := func(members []string) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			if _, err := tx.SAdd("s", members...); err != nil {
				t.Fatal(err)
			}
		}
	}
	shrunk := names("m", 100)
	return []drawable{
		{"intset/10", ints, add(ints), enc(setIntset, 0)},
		{"intset/300", bigInts, add(bigInts), enc(setIntset, 0)},
		{"small/10", names("a", 10), add(names("a", 10)), enc(setSmall, 0)},
		{"dict/10", dict10, add(dict10), enc(setDict, 16)},
		{"dict/200", names("m", 200), add(names("m", 200)), enc(setDict, 0)},
		{"dict/shrunk", shrunk[80:], func(t *testing.T, tx *Tx) {
			add(shrunk)(t, tx)
			tx.SRem("s", shrunk[:80]...)
		}, enc(setDict, 128)},
		{"dict/shrinking", shrunk[90:], func(t *testing.T, tx *Tx) {
			add(shrunk)(t, tx)
			tx.SRem("s", shrunk[:90]...)
		}, func(t *testing.T, tx *Tx) {
			sl, _ := tx.db.keys.Get("s")
			v := sl.v
			if d := v.(*setValue).d; d == nil || !d.Rehashing() {
				t.Fatal("not a dict in the middle of shrinking")
			}
		}},
	}
}

// hashCases are hashes compact and as dicts, including one that shrank (40
// fields left in 256 buckets); the 6-field ones are for the distributions
// over subsets. A field's value is "v:" and the field; in the dicts the
// last field's value ends with long, which makes them dicts (a hash of
// short fields stays compact up to 512).
func hashCases() []drawable {
	set := func(fields []string, longValue bool) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			var args []string
			for _, f := range fields {
				args = append(args, f, "v:"+f)
			}
			if longValue {
				args[len(args)-1] = "v:" + fields[len(fields)-1] + long
			}
			if _, err := tx.HSet("h", args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	enc := func(dict bool, minBuckets int) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			t.Helper()
			sl, _ := tx.db.keys.Get("h")
			v := sl.v
			h := v.(*hashValue)
			if (h.d != nil) != dict {
				t.Fatalf("dict encoding %v, want %v", h.d != nil, dict)
			}
			if minBuckets > 0 {
				if b, b1 := h.d.Buckets(); max(b, b1) < minBuckets {
					t.Fatalf("%d buckets, want at least %d", b, minBuckets)
				}
			}
		}
	}
	shrunk := names("f", 200)
	return []drawable{
		{"compact/10", names("f", 10), set(names("f", 10), false), enc(false, 0)},
		{"compact/6", names("f", 6), set(names("f", 6), false), enc(false, 0)},
		{"dict/10", names("f", 10), set(names("f", 10), true), enc(true, 16)},
		{"dict/6", names("f", 6), set(names("f", 6), true), enc(true, 0)},
		{"compact/200", names("f", 200), set(names("f", 200), false), enc(false, 0)},
		{"dict/200", names("f", 200), set(names("f", 200), true), enc(true, 0)},
		{"dict/shrunk", shrunk[160:], func(t *testing.T, tx *Tx) {
			set(shrunk, true)(t, tx)
			tx.HDel("h", shrunk[:160]...)
		}, enc(true, 256)},
	}
}

// zsetCases are sorted sets Redis would hold as a listpack and as a skiplist,
// and one that shrank; the 6-member ones are for the distributions over
// subsets. Every member's score is its position in elems.
func zsetCases() []drawable {
	all, _ := zsetCasesAndSmall()
	return all
}

func zsetSmallCases() []drawable {
	_, small := zsetCasesAndSmall()
	return small
}

func zsetCasesAndSmall() (all, small []drawable) {
	add := func(members []string) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			zs := make([]Z, len(members))
			for i, m := range members {
				zs[i] = Z{Score: float64(i), Member: m}
			}
			if _, err := tx.ZAdd("z", zs...); err != nil {
				t.Fatal(err)
			}
		}
	}
	enc := func(listpack bool) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			t.Helper()
			sl, _ := tx.db.keys.Get("z")
			v := sl.v
			if zv := v.(*zsetValue); zv.listpack != listpack {
				t.Fatalf("listpack %v, want %v", zv.listpack, listpack)
			}
		}
	}
	skip10 := append(names("m", 9), long)
	shrunk := names("m", 200)
	small = []drawable{
		{"listpack/6", names("m", 6), add(names("m", 6)), enc(true)},
		{"skiplist/6", append(names("m", 5), long), add(append(names("m", 5), long)), enc(false)},
	}
	return []drawable{
		{"listpack/10", names("m", 10), add(names("m", 10)), enc(true)},
		{"skiplist/10", skip10, add(skip10), enc(false)},
		{"skiplist/200", names("m", 200), add(names("m", 200)), enc(false)},
		{"skiplist/shrunk", shrunk[:20], func(t *testing.T, tx *Tx) {
			add(shrunk)(t, tx)
			tx.ZRem("z", shrunk[20:]...)
		}, enc(false)},
	}, small
}

// runAtomic runs fn as the owner and fails t on its error.
func runAtomic(t *testing.T, s *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := s.Atomic(ctx, fn); err != nil {
		t.Fatal(err)
	}
}

// fresh opens a seeded store holding c.
func fresh(t *testing.T, c drawable, seed uint64) *Store {
	s, _ := openTest(t)
	seedRandom(s, seed)
	runAtomic(t, s, func(tx *Tx) error {
		c.build(t, tx)
		c.check(t, tx)
		return nil
	})
	return s
}

// drawer is one way of drawing from a collection: it returns the elements
// of one reply.
type drawer func(tx *Tx) ([]string, error)

// testDraws checks, for one collection, a single-element draw, a negative
// count (draws with replacement) and positive counts below the size (each
// of Redis's two strategies: a count up to a third of the size, and one
// above), by element frequency.
func testDraws(t *testing.T, c drawable, one drawer, count func(n int64) drawer, restore func(tx *Tx, reply []string)) {
	n := len(c.elems)
	t.Run("one", func(t *testing.T) {
		s := fresh(t, c, 1)
		counts := tally{}
		draws := 200 * n
		runAtomic(t, s, func(tx *Tx) error {
			for i := 0; i < draws; i++ {
				r, err := one(tx)
				if err != nil {
					return err
				}
				checkDistinct(t, "one", r, 1)
				counts[r[0]]++
				restore(tx, r)
			}
			return nil
		})
		checkUniform(t, c.name+" single draws", counts, c.elems, 200, 1)
	})
	if count == nil {
		return
	}
	t.Run("negative", func(t *testing.T) {
		if count(-1) == nil {
			t.Skip("no negative count")
		}
		s := fresh(t, c, 2)
		counts := tally{}
		const per = 50
		runAtomic(t, s, func(tx *Tx) error {
			for i := 0; i < 200*n/per; i++ {
				r, err := count(-per)(tx)
				if err != nil {
					return err
				}
				if len(r) != per {
					t.Fatalf("count -%d gave %d elements", per, len(r))
				}
				for _, e := range r {
					counts[e]++
				}
			}
			return nil
		})
		checkUniform(t, c.name+" negative count", counts, c.elems, 200, 1)
	})
	for _, k := range []int{max(1, n/4), n * 2 / 3, n - 1} {
		t.Run(fmt.Sprintf("count%d", k), func(t *testing.T) {
			s := fresh(t, c, uint64(3+k))
			counts := tally{}
			replies := (200*n + k - 1) / k
			runAtomic(t, s, func(tx *Tx) error {
				for i := 0; i < replies; i++ {
					r, err := count(int64(k))(tx)
					if err != nil {
						return err
					}
					checkDistinct(t, fmt.Sprintf("count %d", k), r, k)
					for _, e := range r {
						counts[e]++
					}
					restore(tx, r)
				}
				return nil
			})
			checkInclusion(t, fmt.Sprintf("%s count %d", c.name, k), counts, c.elems, replies, k)
		})
	}
}

// testSmallDistributions checks, on a collection of 6 elements, that every
// 2-subset and 4-subset is equally likely (the two strategies for a positive
// count) and that a count of −2 gives every ordered pair (36) equally often.
func testSmallDistributions(t *testing.T, c drawable, count func(n int64) drawer, restore func(tx *Tx, reply []string)) {
	s := fresh(t, c, 42)
	for _, k := range []int{2, 4} {
		cells := subsets(c.elems, k)
		counts := tally{}
		replies := 200 * len(cells)
		runAtomic(t, s, func(tx *Tx) error {
			for i := 0; i < replies; i++ {
				r, err := count(int64(k))(tx)
				if err != nil {
					return err
				}
				checkDistinct(t, "subset", r, k)
				counts[sortedKey(r)]++
				restore(tx, r)
			}
			return nil
		})
		checkUniform(t, fmt.Sprintf("%s %d-subsets", c.name, k), counts, cells, 200, 1)
	}
	if count(-2) == nil {
		return // no negative count
	}
	cells := pairs(c.elems)
	counts := tally{}
	runAtomic(t, s, func(tx *Tx) error {
		for i := 0; i < 200*len(cells); i++ {
			r, err := count(-2)(tx)
			if err != nil {
				return err
			}
			if len(r) != 2 {
				t.Fatalf("count -2 gave %q", r)
			}
			counts[r[0]+","+r[1]]++
		}
		return nil
	})
	checkUniform(t, c.name+" ordered pairs of count -2", counts, cells, 200, 1)
}

func noRestore(*Tx, []string) {}

func TestRandomSRandMember(t *testing.T) {
	one := func(tx *Tx) ([]string, error) {
		m, err := tx.SRandMember("s")
		return []string{m}, err
	}
	count := func(n int64) drawer {
		return func(tx *Tx) ([]string, error) { return tx.SRandMemberN("s", n) }
	}
	for _, c := range setCases() {
		t.Run(c.name, func(t *testing.T) { testDraws(t, c, one, count, noRestore) })
	}
	for _, c := range smallSetCases() {
		t.Run(c.name+"/distributions", func(t *testing.T) { testSmallDistributions(t, c, count, noRestore) })
	}
}

func TestRandomSPop(t *testing.T) {
	// Each reply is put back, so that every draw sees the same set.
	restore := func(tx *Tx, reply []string) {
		if _, err := tx.SAdd("s", reply...); err != nil {
			panic(err)
		}
	}
	one := func(tx *Tx) ([]string, error) {
		m, err := tx.SPop("s")
		return []string{m}, err
	}
	count := func(n int64) drawer {
		if n < 0 {
			return nil // SPOP has no negative count
		}
		return func(tx *Tx) ([]string, error) { return tx.SPopN("s", n) }
	}
	for _, c := range setCases() {
		t.Run(c.name, func(t *testing.T) { testDraws(t, c, one, count, restore) })
	}
	for _, c := range smallSetCases() {
		t.Run(c.name+"/distributions", func(t *testing.T) { testSmallDistributions(t, c, count, restore) })
	}
}

// smallSetCases are 6-member sets in each encoding, for the distributions
// over subsets.
func smallSetCases() []drawable {
	ints := []string{"1", "2", "3", "5", "8", "13"}
	strs := names("a", 6)
	dict := append(names("m", 5), long)
	add := func(members []string) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) { tx.SAdd("s", members...) }
	}
	enc := func(want setEncoding) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			if sl, _ := tx.db.keys.Get("s"); sl.v.(*setValue).enc != want {
				t.Fatalf("encoding %d, want %d", sl.v.(*setValue).enc, want)
			}
		}
	}
	return []drawable{
		{"intset/6", ints, add(ints), enc(setIntset)},
		{"small/6", strs, add(strs), enc(setSmall)},
		{"dict/6", dict, add(dict), enc(setDict)},
	}
}

func TestRandomHRandField(t *testing.T) {
	// Every field drawn must come with its own value.
	fields := func(kvs []KeyValue, err error) ([]string, error) {
		out := make([]string, len(kvs))
		for i, kv := range kvs {
			if want := "v:" + kv.Key; kv.Value != want && kv.Value != want+long {
				t.Fatalf("field %q with value %q", kv.Key, kv.Value)
			}
			out[i] = kv.Key
		}
		return out, err
	}
	one := func(tx *Tx) ([]string, error) {
		f, err := tx.hrandOne("h")
		return []string{f}, err
	}
	count := func(n int64) drawer {
		return func(tx *Tx) ([]string, error) { return fields(tx.HRandFieldWithValues("h", n)) }
	}
	for _, c := range hashCases() {
		if len(c.elems) != 6 {
			t.Run(c.name, func(t *testing.T) { testDraws(t, c, one, count, noRestore) })
		}
	}
	for _, c := range hashCases() {
		if len(c.elems) == 6 {
			t.Run(c.name+"/distributions", func(t *testing.T) { testSmallDistributions(t, c, count, noRestore) })
		}
	}
}

func TestRandomZRandMember(t *testing.T) {
	for _, c := range append(zsetCases(), zsetSmallCases()...) {
		// Every member drawn must come with its own score: its position.
		members := func(zs []Z, err error) ([]string, error) {
			out := make([]string, len(zs))
			for i, z := range zs {
				if c.elems[int(z.Score)] != z.Member {
					t.Fatalf("member %q with score %g", z.Member, z.Score)
				}
				out[i] = z.Member
			}
			return out, err
		}
		one := func(tx *Tx) ([]string, error) { return members(tx.zrandmember("z", 1)) }
		count := func(n int64) drawer {
			return func(tx *Tx) ([]string, error) { return members(tx.ZRandMemberWithScores("z", n)) }
		}
		if len(c.elems) == 6 {
			t.Run(c.name+"/distributions", func(t *testing.T) { testSmallDistributions(t, c, count, noRestore) })
			continue
		}
		t.Run(c.name, func(t *testing.T) { testDraws(t, c, one, count, noRestore) })
	}
}

func TestRandomRandomKey(t *testing.T) {
	build := func(keys []string, del []string) func(t *testing.T, tx *Tx) {
		return func(t *testing.T, tx *Tx) {
			for _, k := range keys {
				tx.Set(k, "v", 0)
			}
			tx.Del(del...)
		}
	}
	shrunk := names("k", 200)
	cases := []drawable{
		{"10 keys", names("k", 10), build(names("k", 10), nil), func(*testing.T, *Tx) {}},
		{"200 keys", shrunk, build(shrunk, nil), func(*testing.T, *Tx) {}},
		{"after deletes", shrunk[:40], build(shrunk, shrunk[40:]), func(t *testing.T, tx *Tx) {
			if b, _ := tx.db.keys.Buckets(); b < 256 {
				t.Fatalf("%d buckets, want at least 256", b)
			}
		}},
		{"shrinking", shrunk[:20], build(shrunk, shrunk[20:]), func(t *testing.T, tx *Tx) {
			if !tx.db.keys.Rehashing() {
				t.Fatal("the keyspace is not in the middle of shrinking")
			}
		}},
	}
	one := func(tx *Tx) ([]string, error) {
		k, err := tx.RandomKey()
		return []string{k}, err
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { testDraws(t, c, one, nil, noRestore) })
	}
	// Ten live keys and ten past their deadline but not yet removed: the
	// expired ones are put back before every draw (in the same unit, so no
	// active expiry runs in between), and never returned.
	t.Run("with expired keys", func(t *testing.T) {
		s, clock := openTest(t)
		seedRandom(s, 9)
		live, dead := names("live", 10), names("dead", 10)
		past := clock.Now().UnixMilli() - 1000
		counts := tally{}
		runAtomic(t, s, func(tx *Tx) error {
			for _, k := range live {
				tx.Set(k, "v", 0)
			}
			return nil
		})
		for i := 0; i < 200*len(live); i++ {
			runAtomic(t, s, func(tx *Tx) error {
				for _, k := range dead {
					if _, ok := tx.db.keys.Get(k); !ok {
						tx.db.keys.Set(k, slot{v: &stringValue{text: "x"}})
						tx.setDeadline(k, past)
					}
				}
				k, err := tx.RandomKey()
				counts[k]++
				return err
			})
		}
		checkUniform(t, "RANDOMKEY with expired keys", counts, live, 200, 1)
	})
}

// TestRandomWholeCollection: a positive count at least the size returns
// every element once, in the order Redis 7.0 gives where it is fixed: an
// intset ascending, a compact hash in insertion order, a sorted set highest
// score first; SPOP also deletes the key.
func TestRandomWholeCollection(t *testing.T) {
	s, _ := openTest(t)
	runAtomic(t, s, func(tx *Tx) error {
		tx.SAdd("ints", "5", "3", "9", "1", "7")
		tx.HSet("h", "z", "1", "a", "2", "m", "3")
		tx.ZAdd("z", Z{3, "c"}, Z{1, "a"}, Z{2, "b"})
		tx.SAdd("d", append(names("m", 40), long)...)
		return nil
	})
	for _, c := range []struct {
		what string
		got  func(tx *Tx) ([]string, error)
		want string
	}{
		{"SRANDMEMBER intset", func(tx *Tx) ([]string, error) { return tx.SRandMemberN("ints", 5) }, "[1 3 5 7 9]"},
		{"SRANDMEMBER intset, larger count", func(tx *Tx) ([]string, error) { return tx.SRandMemberN("ints", 100) }, "[1 3 5 7 9]"},
		{"HRANDFIELD compact", func(tx *Tx) ([]string, error) { return tx.HRandField("h", 3) }, "[z a m]"},
		{"ZRANDMEMBER", func(tx *Tx) ([]string, error) { return tx.ZRandMember("z", 10) }, "[c b a]"},
		{"SPOP intset", func(tx *Tx) ([]string, error) { return tx.SPopN("ints", 5) }, "[1 3 5 7 9]"},
	} {
		runAtomic(t, s, func(tx *Tx) error {
			got, err := c.got(tx)
			if err != nil {
				return err
			}
			if fmt.Sprint(got) != c.want {
				t.Errorf("%s = %q, want %s", c.what, got, c.want)
			}
			return nil
		})
	}
	if n, _ := s.Exists(ctx, "ints"); n != 0 {
		t.Fatal("SPOP of the whole set left the key")
	}
	for _, pop := range []bool{false, true} {
		var got []string
		runAtomic(t, s, func(tx *Tx) error {
			var err error
			if pop {
				got, err = tx.SPopN("d", 41)
			} else {
				got, err = tx.SRandMemberN("d", 41)
			}
			return err
		})
		if sortedKey(got) != sortedKey(append(names("m", 40), long)) {
			t.Fatalf("whole dict set (pop %v) = %q", pop, got)
		}
	}
}

// TestRandomSPopMostOfAnIntset: SPOP taking most of an intset (what stays,
// times 5, at most the count) replies in ascending order, as Redis 7.0
// does; with fewer popped the order is the draws'.
func TestRandomSPopMostOfAnIntset(t *testing.T) {
	s, _ := openTest(t)
	seedRandom(s, 5)
	members := []string{"10", "20", "30", "40", "50", "60", "70", "80", "90", "100"}
	ascending := func(r []string) bool {
		return slices.IsSortedFunc(r, func(a, b string) int {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return x - y
		})
	}
	unsorted := 0
	for i := 0; i < 50; i++ {
		runAtomic(t, s, func(tx *Tx) error {
			tx.Del("s")
			tx.SAdd("s", members...)
			r, err := tx.SPopN("s", 9)
			if err != nil {
				return err
			}
			checkDistinct(t, "SPOP 9", r, 9)
			if !ascending(r) {
				t.Fatalf("SPOP s 9 on an intset of 10 = %q, not ascending", r)
			}
			tx.Del("s")
			tx.SAdd("s", members...)
			if r, err = tx.SPopN("s", 8); err != nil {
				return err
			}
			if !ascending(r) {
				unsorted++
			}
			return nil
		})
	}
	// 8 of 10 is drawn one by one: 50 replies all ascending by chance has
	// probability (1/8!)^50.
	if unsorted == 0 {
		t.Fatal("SPOP s 8 on an intset of 10 always ascending: not drawn one by one")
	}
}

// TestRandomListpackSampleOrder: Redis samples a listpack (a compact hash, a
// small sorted set) in its own order when the count is at most a third of
// the size: a compact hash's fields come back in insertion order, a small
// sorted set's members lowest score first. Above a third, and for a
// skiplist, the order is the draws'.
func TestRandomListpackSampleOrder(t *testing.T) {
	s, _ := openTest(t)
	seedRandom(s, 6)
	fields := []string{"j", "c", "x", "a", "q", "m", "b", "z", "e", "k"} // inserted in this order
	var kv []string
	for _, f := range fields {
		kv = append(kv, f, "v")
	}
	zs := make([]Z, 10)
	for i := range zs {
		zs[i] = Z{Score: float64(i), Member: fields[i]}
	}
	big := append(slices.Clone(zs), Z{Score: 10, Member: long})
	runAtomic(t, s, func(tx *Tx) error {
		tx.HSet("h", kv...)
		tx.ZAdd("z", zs...)
		tx.ZAdd("big", big...)
		return nil
	})
	inOrder := func(r []string) bool {
		last := -1
		for _, m := range r {
			i := slices.Index(fields, m)
			if m == long {
				i = 10
			}
			if i < last {
				return false
			}
			last = i
		}
		return true
	}
	for _, c := range []struct {
		what    string
		draw    func(tx *Tx) ([]string, error)
		ordered bool
	}{
		{"HRANDFIELD h 3", func(tx *Tx) ([]string, error) { return tx.HRandField("h", 3) }, true},
		{"ZRANDMEMBER z 3", func(tx *Tx) ([]string, error) { return tx.ZRandMember("z", 3) }, true},
		{"HRANDFIELD h 8", func(tx *Tx) ([]string, error) { return tx.HRandField("h", 8) }, false},
		{"ZRANDMEMBER z 8", func(tx *Tx) ([]string, error) { return tx.ZRandMember("z", 8) }, false},
		{"ZRANDMEMBER big 3 (a skiplist)", func(tx *Tx) ([]string, error) { return tx.ZRandMember("big", 3) }, false},
	} {
		unordered := 0
		for i := 0; i < 50; i++ {
			runAtomic(t, s, func(tx *Tx) error {
				r, err := c.draw(tx)
				if !inOrder(r) {
					unordered++
				}
				return err
			})
		}
		// Unordered replies are drawn in random order: 50 of them all in
		// order by chance has probability at most (1/2)^50.
		if c.ordered && unordered > 0 {
			t.Errorf("%s: %d of 50 replies out of the collection's order", c.what, unordered)
		}
		if !c.ordered && unordered == 0 {
			t.Errorf("%s: every reply in the collection's order", c.what)
		}
	}
}

// A negative count asks for -count draws with repetition. Redis builds a
// reply of any size and is killed when memory runs out; embedis refuses
// counts below -maxRandRepeats (an allocation that fails would end the whole
// process) and serves the bound itself.
func TestRandomCountBound(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.SAdd(ctx, "s", "a", "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HSet(ctx, "h", "f", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ZAdd(ctx, "z", Z{Score: 1, Member: "m"}); err != nil {
		t.Fatal(err)
	}
	huge := int64(-1 << 40)
	for _, args := range [][]string{
		{"SRANDMEMBER", "s", "-1099511627776"}, {"HRANDFIELD", "h", "-1099511627776"},
		{"HRANDFIELD", "h", "-1099511627776", "WITHVALUES"}, {"ZRANDMEMBER", "z", "-1099511627776"},
		{"ZRANDMEMBER", "z", "-1099511627776", "WITHSCORES"}, {"SRANDMEMBER", "s", "-16777217"},
	} {
		if _, err := s.Do(ctx, args...); !errors.Is(err, ErrValueOutOfRange) {
			t.Errorf("%q = %v, want ErrValueOutOfRange", args, err)
		}
	}
	if _, err := s.SRandMemberN(ctx, "s", huge); !errors.Is(err, ErrValueOutOfRange) {
		t.Errorf("SRandMemberN = %v", err)
	}
	if _, err := s.ZRandMember(ctx, "z", huge); !errors.Is(err, ErrValueOutOfRange) {
		t.Errorf("ZRandMember = %v", err)
	}
	if _, err := s.HRandField(ctx, "h", huge); !errors.Is(err, ErrValueOutOfRange) {
		t.Errorf("HRandField = %v", err)
	}
	// The bound itself is served, and a missing key answers empty whatever
	// the count, as Redis does.
	if got, err := s.SRandMemberN(ctx, "s", -maxRandRepeats); err != nil || len(got) != maxRandRepeats {
		t.Errorf("SRandMemberN at the bound: %d members, %v", len(got), err)
	}
	if got, err := s.SRandMemberN(ctx, "missing", huge); err != nil || len(got) != 0 {
		t.Errorf("SRandMemberN of a missing key: %q, %v", got, err)
	}
}
