package embedis

import (
	"math"
	"strings"
	"time"
)

// Eviction: maxmemory and Redis 7.0's eight policies, as Redis's evict.c.
//
// Before every unit (a Store call, an Atomic closure, a server command)
// the store compares its accounted memory (memory.go) with maxmemory and,
// if over, deletes keys the policy chooses until it is under again. Keys
// are chosen as Redis chooses them, approximately and without any list
// touched on reads:
//
//   - Every value carries 32 bits of access metadata (objMeta), updated by
//     touch, the one place a command finds a key: under an LRU or other
//     policy, the 24-bit clock of the last access in seconds (Redis's
//     LRU_CLOCK); under an LFU policy, 16 bits of minutes of the last
//     decrement and an 8-bit logarithmic counter (Morris's): an access adds
//     one with probability 1/((counter-5)·lfu-log-factor+1), and the counter
//     loses one per lfu-decay-time minutes without access.
//   - Eviction samples maxmemory-samples keys of each database (all keys,
//     drawn a few buckets of the keyspace table at a time as Redis's
//     dictGetSomeKeys draws them, or the keys with a deadline for
//     volatile-*), scores each (idle time,
//     255 minus the decayed counter, or the nearness of the deadline) and
//     keeps the best candidates in a pool of 16 that lives from one eviction
//     to the next; the worst-scored key still present is deleted. The
//     random policies pick a random key, visiting the databases in turn.
//   - A key evicted is deleted through the keyspace path: the "evicted"
//     keyspace event, a DEL in the write-effect stream, evicted_keys.
//   - maxmemory-eviction-tenacity bounds the time one unit spends evicting
//     (Redis's evictionTimeLimitUs: 50 µs per step up to 10, then growing
//     by 15% a step, unlimited at 100); a unit that runs out of it goes on
//     as if under the limit, and the next unit evicts further.
//   - If nothing can be evicted (noeviction, or a volatile policy with no
//     volatile key) while over the limit, commands that may grow the data
//     (flagged denyoom in the command table) fail with ErrOOM; reads and
//     deletions go on.

// The policies, as maxmemory-policy names them.
const (
	PolicyNoEviction     = "noeviction"
	PolicyAllKeysLRU     = "allkeys-lru"
	PolicyAllKeysLFU     = "allkeys-lfu"
	PolicyAllKeysRandom  = "allkeys-random"
	PolicyVolatileLRU    = "volatile-lru"
	PolicyVolatileLFU    = "volatile-lfu"
	PolicyVolatileRandom = "volatile-random"
	PolicyVolatileTTL    = "volatile-ttl"
)

// EvictionConfig is the memory limit and how keys are evicted to stay under
// it: Redis's maxmemory, maxmemory-policy, maxmemory-samples,
// maxmemory-eviction-tenacity, lfu-log-factor and lfu-decay-time. Start
// from DefaultEviction, which holds Redis's defaults: the zero value is not
// valid (Policy "" and Samples 0 are errors).
type EvictionConfig struct {
	// MaxMemory is the limit in bytes of the accounted memory
	// (Tx.UsedMemory: keys, values, deadlines and each database's table).
	// 0 means no limit. (Unsigned as Redis's: CONFIG SET maxmemory takes up
	// to 2^64-1.)
	MaxMemory uint64
	// Policy is one of the eight Policy* names. Under noeviction, or when
	// a volatile policy finds no key with a deadline, nothing is evicted
	// and commands that may add data fail with ErrOOM while over the limit.
	Policy string
	// Samples is how many keys each database offers per eviction
	// (maxmemory-samples, 1 to 2^31-1; Redis's default 5). More is closer
	// to true LRU/LFU and slower.
	Samples int
	// Tenacity bounds the time one unit spends evicting, 0 to 100
	// (maxmemory-eviction-tenacity, default 10: 500 µs; 100: no bound).
	Tenacity int
	// LFULogFactor is lfu-log-factor, 0 to 2^31-1 (default 10): the higher,
	// the more accesses it takes to raise the counter (about a million to
	// reach 255 at 10).
	LFULogFactor int
	// LFUDecayTime is lfu-decay-time in minutes, 0 to 2^31-1 (default 1):
	// the counter loses one per period without access; 0 never decays it.
	LFUDecayTime int
	// Suspended keeps the limit but stops acting on it: nothing is evicted
	// and no command is refused with ErrOOM, however far over the limit
	// the store is. A replica sets it (Redis's replica-ignore-maxmemory,
	// which embedis-server honours while it follows a master): the keys
	// its master evicts arrive as DELs, and evicting on its own would make
	// it differ from the master. Memory keeps being accounted, and the
	// next unit after it is cleared evicts down to the limit.
	Suspended bool
}

// DefaultEviction returns Redis 7.0's defaults: no limit, noeviction, 5
// samples, tenacity 10, lfu-log-factor 10, lfu-decay-time 1.
func DefaultEviction() EvictionConfig {
	return EvictionConfig{Policy: PolicyNoEviction, Samples: 5, Tenacity: 10, LFULogFactor: 10, LFUDecayTime: 1}
}

type policy uint8

const (
	polNoEviction policy = iota
	polAllLRU
	polAllLFU
	polAllRandom
	polVolatileLRU
	polVolatileLFU
	polVolatileRandom
	polVolatileTTL
)

var policyNames = map[string]policy{
	PolicyNoEviction: polNoEviction, PolicyAllKeysLRU: polAllLRU, PolicyAllKeysLFU: polAllLFU,
	PolicyAllKeysRandom: polAllRandom, PolicyVolatileLRU: polVolatileLRU, PolicyVolatileLFU: polVolatileLFU,
	PolicyVolatileRandom: polVolatileRandom, PolicyVolatileTTL: polVolatileTTL,
}

func (p policy) lfu() bool      { return p == polAllLFU || p == polVolatileLFU }
func (p policy) volatile() bool { return p >= polVolatileLRU }

// eviction is the engine's eviction state.
type eviction struct {
	cfg    EvictionConfig
	policy policy
	pool   evictionPool
	nextDB int // the random policies' next database
	// samples is sampleKeys's buffer, reused from one eviction to the
	// next.
	samples []sampleCandidate
}

// check validates c.
func (c *EvictionConfig) check() (policy, error) {
	p, ok := policyNames[c.Policy]
	switch {
	case !ok:
		return 0, ErrEvictionPolicy
	case c.Samples < 1, c.Samples > math.MaxInt32, c.Tenacity < 0, c.Tenacity > 100,
		c.LFULogFactor < 0, c.LFULogFactor > math.MaxInt32, c.LFUDecayTime < 0, c.LFUDecayTime > math.MaxInt32:
		return 0, ErrEvictionConfig
	}
	return p, nil
}

// ConfigureEviction changes the memory limit and eviction settings at run time
// (CONFIG SET maxmemory and friends); it takes effect from the next
// command. Invalid settings (see EvictionConfig) are ErrEvictionPolicy or
// ErrEvictionConfig, and change nothing. Switching between LRU and LFU
// policies reinterprets the keys' access metadata, as in Redis: OBJECT FREQ
// and IDLETIME take a while to mean something again.
func (tx *Tx) ConfigureEviction(c EvictionConfig) error {
	p, err := c.check()
	if err != nil {
		return err
	}
	tx.e.ev.cfg, tx.e.ev.policy = c, p
	return nil
}

// Eviction returns the memory limit and eviction settings in effect.
func (tx *Tx) Eviction() (EvictionConfig, error) { return tx.e.ev.cfg, nil }

// Access metadata (objMeta.access), as Redis's robj.lru.
const (
	lruBits  = 24
	lruMax   = 1<<lruBits - 1
	lfuInit  = 5 // LFU_INIT_VAL: a new key's counter, so that it is not evicted at once
	lfuMaxCt = 255
)

func lruClock(ms int64) uint32 { return uint32(ms/1000) & lruMax }

func lfuMinutes(ms int64) uint32 { return uint32(ms/60000) & 0xffff }

// idleMs estimates the milliseconds since the access recorded in an LRU
// clock value (Redis's estimateObjectIdleTime: the clock wraps every 194
// days).
func idleMs(access uint32, now int64) int64 {
	c := lruClock(now)
	if c >= access {
		return int64(c-access) * 1000
	}
	return int64(c+(lruMax-access)) * 1000
}

// lfuDecayed returns the counter of an LFU value after the decay due since
// its last decrement (Redis's LFUDecrAndReturn).
func (e *engine) lfuDecayed(access uint32, now int64) uint32 {
	ldt, counter := access>>8, access&0xff
	if e.ev.cfg.LFUDecayTime == 0 {
		return counter
	}
	m := lfuMinutes(now)
	elapsed := m - ldt
	if m < ldt {
		elapsed = 0xffff - ldt + m
	}
	periods := elapsed / uint32(e.ev.cfg.LFUDecayTime)
	if periods >= counter {
		return 0
	}
	return counter - periods
}

// lfuIncr is Redis's LFULogIncr: one more with probability
// 1/((counter-5)·lfu-log-factor+1).
func (e *engine) lfuIncr(counter uint32) uint32 {
	if counter == lfuMaxCt {
		return counter
	}
	base := float64(counter) - lfuInit
	if base < 0 {
		base = 0
	}
	if e.rnd.Float64() < 1/(base*float64(e.ev.cfg.LFULogFactor)+1) {
		counter++
	}
	return counter
}

// freshMeta is the metadata of a value new to the keyspace (Redis's
// createObject): the LRU clock, or the LFU counter at its initial value.
func (tx *Tx) freshMeta() uint32 {
	now := tx.nowMs()
	if tx.e.ev.policy.lfu() {
		return lfuMinutes(now)<<8 | lfuInit
	}
	return max(lruClock(now), 1) // 0 marks a value not yet in the keyspace
}

// The pool of eviction candidates (Redis's EVPOOL_SIZE).
const poolSize = 16

type poolEntry struct {
	score uint64 // higher is evicted first
	key   string
	db    int
}

// evictionPool holds up to poolSize candidates ordered by score ascending.
type evictionPool struct {
	e []poolEntry
}

// offer inserts a candidate unless the pool is full of better ones or
// already holds it.
func (p *evictionPool) offer(c poolEntry) {
	for _, x := range p.e {
		if x.key == c.key && x.db == c.db {
			return
		}
	}
	if len(p.e) == poolSize {
		if c.score <= p.e[0].score {
			return
		}
		copy(p.e, p.e[1:]) // drop the weakest
		p.e = p.e[:poolSize-1]
	}
	i := len(p.e)
	for i > 0 && p.e[i-1].score > c.score {
		i--
	}
	p.e = append(p.e, poolEntry{})
	copy(p.e[i+1:], p.e[i:])
	p.e[i] = c
}

// score rates a key for eviction under the policy: idle milliseconds
// (LRU), 255 minus the decayed counter (LFU), or how near its deadline is
// (volatile-ttl).
func (tx *Tx) score(d *db, key string, v value) uint64 {
	now := tx.nowMs()
	switch tx.e.ev.policy {
	case polAllLFU, polVolatileLFU:
		return uint64(lfuMaxCt - tx.e.lfuDecayed(v.meta().access, now))
	case polVolatileTTL:
		return math.MaxUint64 - uint64(max(d.expires[key], 0))
	}
	return uint64(idleMs(v.meta().access, now))
}

// populate offers samples keys of database i to the pool.
func (tx *Tx) populate(i int) {
	d := tx.e.dbs[i]
	n := tx.e.ev.cfg.Samples
	if tx.e.ev.policy.volatile() {
		for k := range d.expires { // a Go map's iteration starts at a random place
			if sl, ok := d.keys.Get(k); ok {
				tx.e.ev.pool.offer(poolEntry{score: tx.score(d, k, sl.v), key: k, db: i})
			}
			if n--; n == 0 {
				break
			}
		}
		return
	}
	for _, c := range tx.sampleKeys(d, n) {
		tx.e.ev.pool.offer(poolEntry{score: tx.score(d, c.key, c.v), key: c.key, db: i})
	}
}

// sampleCandidate is a key drawn by sampleKeys, with its value.
type sampleCandidate struct {
	key string
	v   value
}

// sampleKeys visits at most sampleSteps buckets per key wanted, as Redis's
// dictGetSomeKeys bounds its steps to ten per key, and no fewer than
// sampleMinBuckets.
const (
	sampleSteps      = 10
	sampleMinBuckets = 128
)

// sampleKeys draws up to n distinct keys of d for eviction, a whole bucket
// of the keyspace table at a time, as Redis's dictGetSomeKeys draws them,
// rather than one exactly uniform draw per key: that draw
// (dict.RandomKey, which RANDOMKEY needs) probes about
// buckets·maxChain/Len buckets per key, each a likely cache miss on a big
// table, and with five samples per eviction it made a Zipf cache of
// 100,000 keys under allkeys-lru spend half its time sampling
// (BenchmarkBoundedCache). Each step takes the chain of one bucket drawn
// at random (a Scan step with a random cursor; while rehashing, the
// matching buckets of both tables), so a step costs one probe, and at the
// table's load (an eighth to one key per bucket) one step in eight to two
// in three finds a key. Redis walks on from one random place to the next
// buckets and stops at the n-th key it meets, which favours the keys after
// a run of empty buckets and never draws a key deep in a long chain; here
// every step is a fresh bucket and, when the buckets taken hold more than
// n keys, the n are chosen among them at random, so that every key is
// drawn about as often (TestEvictionSampleKeys: consecutive runs of
// buckets, cheaper per bucket, drew some keys six times as often as
// others). It gives fewer than n keys when the buckets it may visit hold
// fewer (seldom), and if they hold none, one exactly uniform draw is made
// instead, so that a database with keys always offers one. The slice is
// reused by the next call.
func (tx *Tx) sampleKeys(d *db, n int) []sampleCandidate {
	ev := &tx.e.ev
	ev.samples = ev.samples[:0]
	if d.keys.Len() == 0 || n <= 0 {
		return ev.samples
	}
	n = min(n, d.keys.Len())
	take := func(k string, sl slot) {
		for _, c := range ev.samples {
			if c.key == k {
				return // its bucket visited again
			}
		}
		ev.samples = append(ev.samples, sampleCandidate{k, sl.v})
	}
	limit := max(sampleSteps*n, sampleMinBuckets)
	for visited := 0; len(ev.samples) < n && visited < limit; visited++ {
		// Scan visits the bucket its cursor selects (the cursor's low
		// bits), whatever the cursor's other bits.
		d.keys.Scan(tx.e.rnd.Uint64(), take)
	}
	if len(ev.samples) == 0 {
		k, sl, _ := d.keys.RandomKey(tx.e.rnd.Uint64)
		return append(ev.samples, sampleCandidate{k, sl.v})
	}
	if len(ev.samples) > n {
		for j := 0; j < n; j++ { // a partial Fisher–Yates shuffle
			r := j + tx.e.rnd.IntN(len(ev.samples)-j)
			ev.samples[j], ev.samples[r] = ev.samples[r], ev.samples[j]
		}
		ev.samples = ev.samples[:n]
	}
	return ev.samples
}

// victim picks the key to evict next, or ok false if there is none.
func (tx *Tx) victim() (dbi int, key string, ok bool) {
	e := tx.e
	switch e.ev.policy {
	case polNoEviction:
		return 0, "", false
	case polAllRandom, polVolatileRandom:
		for j := 0; j < len(e.dbs); j++ {
			i := (e.ev.nextDB + j) % len(e.dbs)
			d := e.dbs[i]
			if e.ev.policy == polAllRandom {
				if k, _, found := d.keys.RandomKey(e.rnd.Uint64); found {
					e.ev.nextDB = i + 1
					return i, k, true
				}
				continue
			}
			for k := range d.expires {
				e.ev.nextDB = i + 1
				return i, k, true
			}
		}
		return 0, "", false
	}
	for {
		any := false
		for i, d := range e.dbs {
			if d.keys.Len() > 0 && (!e.ev.policy.volatile() || len(d.expires) > 0) {
				tx.populate(i)
				any = true
			}
		}
		if !any {
			return 0, "", false
		}
		p := &e.ev.pool
		for len(p.e) > 0 {
			c := p.e[len(p.e)-1]
			p.e = p.e[:len(p.e)-1]
			d := e.dbs[c.db]
			if _, found := d.keys.Get(c.key); !found {
				continue // gone since it was sampled
			}
			if e.ev.policy.volatile() {
				if _, has := d.expires[c.key]; !has {
					continue
				}
			}
			return c.db, c.key, true
		}
		// Every candidate had gone: sample again (the databases hold keys).
	}
}

// evictionTimeLimit is Redis's evictionTimeLimitUs, as a duration; 0 means
// no limit.
func evictionTimeLimit(tenacity int) time.Duration {
	if tenacity <= 10 {
		return time.Duration(50*tenacity) * time.Microsecond
	}
	if tenacity < 100 {
		return time.Duration(500*math.Pow(1.15, float64(tenacity-10))) * time.Microsecond
	}
	return 0
}

// performEvictions evicts keys until the accounted memory is under
// maxmemory, as Redis's performEvictions does before a command. It reports
// whether the unit may go on to grow the data: false when over the limit
// with nothing left to evict.
func (tx *Tx) performEvictions() bool {
	e := tx.e
	limit := e.ev.cfg.MaxMemory
	used := e.usedMemory()
	e.notePeak(used)
	if uint64(used) <= limit {
		return true
	}
	if e.ev.policy == polNoEviction {
		return false
	}
	var start time.Time
	budget := evictionTimeLimit(e.ev.cfg.Tenacity)
	if budget > 0 {
		start = time.Now()
	}
	home, homeIndex := tx.db, tx.dbIndex
	defer func() { tx.db, tx.dbIndex = home, homeIndex }()
	for n := 1; uint64(used) > limit; n++ {
		i, key, ok := tx.victim()
		if !ok {
			return false
		}
		tx.db, tx.dbIndex = e.dbs[i], i
		before := tx.db.usedMemory()
		tx.evictKey(key)
		used -= before - tx.db.usedMemory()
		if budget > 0 && n%16 == 0 && time.Since(start) > budget {
			return true // Redis's EVICT_RUNNING: the next unit goes on
		}
	}
	return true
}

// refuseOOM reports whether a command that may add data is refused in the
// unit: it began over maxmemory with nothing to evict (tx.oom, set by
// begin for a Store call or an Atomic closure, by BeforeCommand for each
// command of a Pipeline or a server batch) and has written nothing since.
// Like a Redis script or MULTI/EXEC, a unit that has begun writing is not
// stopped halfway; replaying effects is never refused.
//
// Every Tx method of a command flagged denyoom in the command table begins
// with
//
//	if tx.refuseOOM() {
//		return …, ErrOOM
//	}
//
// so that the refusal holds however the method is reached: a Store call, a
// Pipeline, a direct call in an Atomic closure, Do. TestDenyOOMPrologue
// checks that exactly those methods have it.
func (tx *Tx) refuseOOM() bool {
	return tx.oom && !tx.loading && tx.e.stats.changes == tx.changesAtStart
}

// denyOOM reports whether the command is flagged denyoom.
func (c *Command) denyOOM() bool {
	for _, f := range c.Flags {
		if f == "denyoom" {
			return true
		}
	}
	return false
}

// DenyOOM reports whether the command is flagged denyoom: one that may add
// data, refused with ErrOOM while the store is over maxmemory with nothing
// left to evict. A container command's subcommands are flagged one by one
// (XGROUP CREATE is, XGROUP DESTROY is not): DeniesOOM tells for a whole
// command line.
func (c *Command) DenyOOM() bool { return c.denyOOM() }

// DeniesOOM reports whether the command line args (the command's name
// first) is refused while the store is out of memory: the command is
// flagged denyoom, or args[1] names one of its subcommands that is and the
// line has that subcommand's arity (Redis checks the arity first).
func (c *Command) DeniesOOM(args []string) bool {
	if c.denyOOM() {
		return true
	}
	if len(args) < 2 || c.denyOOMSubs == nil {
		return false
	}
	arity, ok := c.denyOOMSubs[strings.ToLower(args[1])]
	return ok && (arity > 0 && len(args) == arity || arity < 0 && len(args) >= -arity)
}

// BeforeCommand prepares the next command of a unit that stands for several
// commands, each of which Redis would process on its own (a server's batch
// of pipelined commands; Pipeline.Exec calls it for each of its commands):
// as Redis's processCommand before every command, it evicts keys while the
// accounted memory is over maxmemory, and reports whether the store is out
// of memory — over the limit with nothing left to evict (noeviction, or a
// volatile policy with no key with a deadline). The Tx methods of the
// commands flagged denyoom then fail with ErrOOM until one of them writes;
// a server also refuses any command queued inside MULTI and an EXEC whose
// transaction holds a denyoom command, as Redis does. Without maxmemory it
// does nothing and reports false.
func (tx *Tx) BeforeCommand() (outOfMemory bool) {
	if tx.e.ev.cfg.MaxMemory == 0 || tx.e.ev.cfg.Suspended {
		tx.oom = false
		return false
	}
	tx.settle()
	tx.oom = !tx.performEvictions()
	tx.changesAtStart = tx.e.stats.changes
	return tx.oom
}
