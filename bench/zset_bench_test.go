package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

// Sorted-set benchmarks: ZADD (a new random score for an existing member),
// ZINCRBY, ZRANK of a random member and the top 10 (ZREVRANGE 0 9
// WITHSCORES) on one sorted set of 1,000 and one of 1,000,000 members
// "member:N" with seeded random scores, in embedis, miniredis (its Go API)
// and redis-server through go-redis, one command per round trip and in
// pipelines of 100. Run them with
//
//	cd bench && go test -run '^$' -bench 'ZSet' -benchtime 1s
//
// Each set is built once per size and implementation, outside the timer,
// and shared by the four operations (ZADD and ZINCRBY move members around,
// which changes nothing for the others). The goredis rows use the
// run's own redis-server (redisserver_test.go).
//
// miniredis keeps a sorted set as a map and sorts all of it for every
// ZRANK or ZRANGE; its Go API has neither, so its ZRANK is ZMembers (the same
// sort, into a slice) and a scan for the member, as its ZRANK command does,
// and its top 10 is ZMembers's last 10 and their ZScores. At a million
// members one such call takes about a second: the 1M rows of these two time
// one call, log it, and skip. Its ZINCRBY is ZScore then ZAdd (its Go API
// has no ZIncrBy).

// zsetSizes are the set sizes of every operation.
var zsetSizes = []struct {
	name string
	n    int
}{{"1K", 1_000}, {"1M", 1_000_000}}

// zsetKey is the key of the set of n members.
func zsetKey(n int) string { return fmt.Sprintf("bench:zset:%d", n) }

// zsetData returns the n members "member:N" and their initial scores,
// uniform in [0, n) from a fixed seed; built once per n.
var zsetData = func() func(n int) ([]string, []float64) {
	var mu sync.Mutex
	cache := map[int]struct {
		m []string
		s []float64
	}{}
	return func(n int) ([]string, []float64) {
		mu.Lock()
		defer mu.Unlock()
		if d, ok := cache[n]; ok {
			return d.m, d.s
		}
		r := rand.New(rand.NewPCG(1, uint64(n)))
		m, s := make([]string, n), make([]float64, n)
		for i := range m {
			m[i] = memMember(i)
			s[i] = r.Float64() * float64(n)
		}
		cache[n] = struct {
			m []string
			s []float64
		}{m, s}
		return m, s
	}
}()

// zpicks are nKeys seeded random choices, cycled by runSerial and
// runPipelined: a member index in [0, n), a new score in [0, n) for ZADD and
// an increment in [1, 100] for ZINCRBY.
type zpicks struct {
	idx   []int
	score []float64
	incr  []float64
	calls int // ZADD scores handed out, see addScore
}

// addScore returns the score ZADD sets for pick i. The picks are cycled, so
// returning p.score[i] every time would make every ZADD after the first
// nKeys a no-op (the member already has that score): each cycle takes its
// scores from other picks instead.
func (p *zpicks) addScore(i int) float64 {
	round := p.calls / nKeys
	p.calls++
	return p.score[(i+round*7919)%nKeys]
}

func newZPicks(n int) zpicks {
	r := rand.New(rand.NewPCG(2, uint64(n)))
	p := zpicks{idx: make([]int, nKeys), score: make([]float64, nKeys), incr: make([]float64, nKeys)}
	for i := range p.idx {
		p.idx[i] = r.IntN(n)
		p.score[i] = r.Float64() * float64(n)
		p.incr[i] = float64(r.IntN(100) + 1)
	}
	return p
}

type zop int

const (
	zopAdd zop = iota
	zopIncrBy
	zopRank
	zopTop10
)

var zopNames = []string{"ZADD", "ZINCRBY", "ZRANK", "ZRANGE-top10"}

// zfixtures hold the sets of one BenchmarkZSet run, built on first use and
// released when it ends.
type zfixtures struct {
	emb  map[int]*embedis.Store
	mini map[int]*miniredis.Miniredis
	rc   *redis.Client
	rset map[int]bool // sets built on the redis-server
}

func BenchmarkZSet(b *testing.B) {
	f := &zfixtures{emb: map[int]*embedis.Store{}, mini: map[int]*miniredis.Miniredis{}, rset: map[int]bool{}}
	b.Cleanup(f.close)
	for o, name := range zopNames {
		o := zop(o)
		b.Run(name, func(b *testing.B) {
			for _, sz := range zsetSizes {
				b.Run(sz.name, func(b *testing.B) {
					n := sz.n
					skipBigUnderShort(b, n)
					b.Run("embedis", func(b *testing.B) { runSerial(b, f.embedisCmd(b, o, n)) })
					b.Run("miniredis", func(b *testing.B) { runSerial(b, f.miniredisCmd(b, o, n)) })
					b.Run("goredis", func(b *testing.B) {
						c, _ := f.goredisCmd(b, o, n)
						runSerial(b, c)
					})
					b.Run("goredis-pipelined", func(b *testing.B) {
						_, p := f.goredisCmd(b, o, n)
						runPipelined(b, p)
					})
				})
			}
		})
	}
}

func (f *zfixtures) close() {
	for _, s := range f.emb {
		s.Close()
	}
	for _, m := range f.mini {
		m.Close()
	}
	if f.rc != nil {
		for n := range f.rset {
			f.rc.Del(context.Background(), zsetKey(n))
		}
		f.rc.Close()
	}
}

// --- embedis ---

func (f *zfixtures) embedisSet(b *testing.B, n int) *embedis.Store {
	if s, ok := f.emb[n]; ok {
		return s
	}
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f.emb[n] = s
	members, scores := zsetData(n)
	key := zsetKey(n)
	// Batches of 1,000 members per ZADD, 100 ZADDs per Atomic.
	zs := make([]embedis.Z, 0, 1000)
	for start := 0; start < n; start += 100_000 {
		err := s.Atomic(ctx, func(tx *embedis.Tx) error {
			for i := start; i < min(start+100_000, n); i += 1000 {
				zs = zs[:0]
				for j := i; j < min(i+1000, n); j++ {
					zs = append(zs, embedis.Z{Score: scores[j], Member: members[j]})
				}
				if _, err := tx.ZAdd(key, zs...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if c, err := s.ZCard(ctx, key); err != nil || c != int64(n) {
		b.Fatalf("embedis ZCard = %d, %v; want %d", c, err, n)
	}
	return s
}

func (f *zfixtures) embedisCmd(b *testing.B, o zop, n int) cmd {
	ctx := context.Background()
	s := f.embedisSet(b, n)
	key := zsetKey(n)
	members, _ := zsetData(n)
	p := newZPicks(n)
	switch o {
	case zopAdd:
		return func(i int) error {
			_, err := s.ZAdd(ctx, key, embedis.Z{Score: p.addScore(i), Member: members[p.idx[i]]})
			return err
		}
	case zopIncrBy:
		return func(i int) error { _, err := s.ZIncrBy(ctx, key, p.incr[i], members[p.idx[i]]); return err }
	case zopRank:
		return func(i int) error { _, err := s.ZRank(ctx, key, members[p.idx[i]]); return err }
	default:
		return func(int) error {
			zs, err := s.ZRevRangeWithScores(ctx, key, 0, 9)
			if err == nil && len(zs) != 10 {
				err = fmt.Errorf("embedis ZREVRANGE 0 9 gave %d members", len(zs))
			}
			return err
		}
	}
}

// --- miniredis, through its Go API ---

func (f *zfixtures) miniredisSet(b *testing.B, n int) *miniredis.Miniredis {
	if m, ok := f.mini[n]; ok {
		return m
	}
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		b.Fatal(err)
	}
	f.mini[n] = m
	members, scores := zsetData(n)
	key := zsetKey(n)
	for i := range members {
		if _, err := m.ZAdd(key, scores[i], members[i]); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

func (f *zfixtures) miniredisCmd(b *testing.B, o zop, n int) cmd {
	m := f.miniredisSet(b, n)
	key := zsetKey(n)
	members, _ := zsetData(n)
	p := newZPicks(n)
	var c cmd
	switch o {
	case zopAdd:
		return func(i int) error { _, err := m.ZAdd(key, p.addScore(i), members[p.idx[i]]); return err }
	case zopIncrBy:
		return func(i int) error {
			m0 := members[p.idx[i]]
			sc, err := m.ZScore(key, m0)
			if err != nil {
				return err
			}
			_, err = m.ZAdd(key, sc+p.incr[i], m0)
			return err
		}
	case zopRank:
		c = func(i int) error {
			all, err := m.ZMembers(key)
			if err != nil {
				return err
			}
			want := members[p.idx[i]]
			for _, x := range all {
				if x == want {
					return nil
				}
			}
			return fmt.Errorf("miniredis: %s not in the set", want)
		}
	default:
		c = func(int) error {
			all, err := m.ZMembers(key)
			if err != nil {
				return err
			}
			for j := len(all) - 1; j >= len(all)-10; j-- {
				if _, err := m.ZScore(key, all[j]); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if n >= 1_000_000 {
		start := time.Now()
		if err := c(0); err != nil {
			b.Fatal(err)
		}
		msg := fmt.Sprintf("miniredis sorts all %d members on every %s (its sorted set is a map): one call took %v; not repeated",
			n, zopNames[o], time.Since(start).Round(time.Millisecond))
		if !testing.Verbose() { // a skipped benchmark's log shows only with -v
			fmt.Printf("%s: skipped: %s\n", b.Name(), msg)
		}
		b.Skip(msg)
	}
	return c
}

// --- redis-server through go-redis ---

func (f *zfixtures) redisSet(b *testing.B, n int) *redis.Client {
	if f.rc == nil {
		f.rc = redisClient(b) // skips when no server answers
	}
	if f.rset[n] {
		return f.rc
	}
	ctx := context.Background()
	key := zsetKey(n)
	if err := f.rc.Del(ctx, key).Err(); err != nil {
		b.Fatal(err)
	}
	f.rset[n] = true
	members, scores := zsetData(n)
	// ZADDs of 1,000 members, 10 of them per pipeline.
	zs := make([]redis.Z, 0, 1000)
	p := f.rc.Pipeline()
	for i := 0; i < n; i += 1000 {
		zs = zs[:0]
		for j := i; j < min(i+1000, n); j++ {
			zs = append(zs, redis.Z{Score: scores[j], Member: members[j]})
		}
		p.ZAdd(ctx, key, zs...)
		if p.Len() == 10 || i+1000 >= n {
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	if c, err := f.rc.ZCard(ctx, key).Result(); err != nil || c != int64(n) {
		b.Fatalf("redis ZCARD = %d, %v; want %d", c, err, n)
	}
	return f.rc
}

func (f *zfixtures) goredisCmd(b *testing.B, o zop, n int) (cmd, pipe) {
	rc := f.redisSet(b, n)
	ctx := context.Background()
	key := zsetKey(n)
	members, _ := zsetData(n)
	p := newZPicks(n)
	queue := func(pl redis.Cmdable, i int) redis.Cmder {
		switch o {
		case zopAdd:
			return pl.ZAdd(ctx, key, redis.Z{Score: p.addScore(i), Member: members[p.idx[i]]})
		case zopIncrBy:
			return pl.ZIncrBy(ctx, key, p.incr[i], members[p.idx[i]])
		case zopRank:
			return pl.ZRank(ctx, key, members[p.idx[i]])
		default:
			return pl.ZRevRangeWithScores(ctx, key, 0, 9)
		}
	}
	c := func(i int) error { return queue(rc, i).Err() }
	pl := func(start, k int) error {
		p := rc.Pipeline()
		for j := 0; j < k; j++ {
			queue(p, (start+j)%nKeys)
		}
		_, err := p.Exec(ctx)
		return err
	}
	return c, pl
}
