package embedis

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestDenyOOMPrologue checks that exactly the Tx methods of the commands
// flagged denyoom in the command table begin with the refusal (if
// tx.refuseOOM() { return …, ErrOOM }), so that a Store call, a Pipeline, an
// Atomic closure and Do refuse them alike. A method implements the command
// its name starts with (the longest command name its lower-cased name starts
// with: SetArgs and SetXX are SET, ZAddArgs ZADD, SortStore SORT), but for the
// methods listed in notCommand.
func TestDenyOOMPrologue(t *testing.T) {
	notCommand := map[string]string{
		"SetNotifyKeyspaceEvents": "", // CONFIG SET notify-keyspace-events, not SET
		"SetLimits":               "", // CONFIG SET proto-max-bulk-len and hll-sparse-max-bytes
		"SetTrackingTableMaxKeys": "", // CONFIG SET tracking-table-max-keys
		"SetListMaxListpackSize":  "", // CONFIG SET list-max-listpack-size
		"SetReplicaExpiry":        "", // a replica's expiry rules, not SET
		"BitFieldRO":              "bitfield_ro",
	}
	// Methods of a container's subcommand, whose denyoom flag is the
	// subcommand's.
	subcommandOf := map[string]string{
		"XGroupCreate": "create", "XGroupCreateMkStream": "create", "XGroupCreateConsumer": "createconsumer",
		"XGroupDestroy": "destroy", "XGroupDelConsumer": "delconsumer", "XGroupSetID": "setid",
		"FunctionLoad": "load", "FunctionRestore": "restore", "FunctionDelete": "delete", "FunctionFlush": "flush",
		"FunctionList": "list", "FunctionDump": "dump", "FunctionStats": "stats",
	}
	commandOf := func(method string) string {
		if c, ok := notCommand[method]; ok {
			return c
		}
		m := strings.ToLower(method)
		for n := len(m); n > 0; n-- {
			if c := LookupCommand(m[:n]); c != nil {
				return c.Name
			}
		}
		return ""
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	for _, f := range pkgs["embedis"].Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() || fd.Body == nil {
				continue
			}
			if st, ok := fd.Recv.List[0].Type.(*ast.StarExpr); !ok || fmt.Sprint(st.X) != "Tx" {
				continue
			}
			c := LookupCommand(commandOf(fd.Name.Name))
			want := c != nil && c.DenyOOM()
			if sub := subcommandOf[fd.Name.Name]; c != nil && sub != "" {
				_, want = c.denyOOMSubs[sub]
			}
			has := false
			if len(fd.Body.List) > 0 {
				if is, ok := fd.Body.List[0].(*ast.IfStmt); ok {
					if call, ok := is.Cond.(*ast.CallExpr); ok {
						if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "refuseOOM" {
							has = true
						}
					}
				}
			}
			if want != has {
				t.Errorf("Tx.%s (command %q): denyoom %v, begins with the refusal %v", fd.Name.Name, commandOf(fd.Name.Name), want, has)
			}
			if has {
				refused = append(refused, fd.Name.Name)
			}
		}
	}
	sort.Strings(refused)
	if len(refused) < 60 {
		t.Fatalf("only %d methods refused: %v", len(refused), refused)
	}
	t.Logf("refused under OOM: %v", refused)
}

// oomStore returns a store under noeviction whose limit is under what it
// holds (one key): every denyoom command is refused until memory is freed.
func oomStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Set(ctx, "a", "1", 0); err != nil {
		t.Fatal(err)
	}
	c := DefaultEviction()
	c.MaxMemory = 1
	if err := s.ConfigureEviction(ctx, c); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestOOMInAtomic: a closure that begins over maxmemory with nothing to
// evict has its denyoom Tx calls refused until it writes, as redis.call in
// a script; reads and deletions go on, and a write that frees nothing still
// opens the way (the unit has written).
func TestOOMInAtomic(t *testing.T) {
	s := oomStore(t)
	err := s.Atomic(ctx, func(tx *Tx) error {
		if err := tx.Set("b", "2", 0); !errors.Is(err, ErrOOM) {
			t.Errorf("Set: %v", err)
		}
		if _, err := tx.HSet("h", "f", "v"); !errors.Is(err, ErrOOM) {
			t.Errorf("HSet: %v", err)
		}
		if _, err := tx.ZAdd("z", Z{Score: 1, Member: "m"}); !errors.Is(err, ErrOOM) {
			t.Errorf("ZAdd: %v", err)
		}
		if _, err := tx.SAdd("s", "m"); !errors.Is(err, ErrOOM) {
			t.Errorf("SAdd: %v", err)
		}
		if _, err := tx.Incr("a"); !errors.Is(err, ErrOOM) {
			t.Errorf("Incr: %v", err)
		}
		// Not denyoom: BITFIELD_RO, CONFIG SET notify-keyspace-events.
		if _, err := tx.BitFieldRO("a"); err != nil {
			t.Errorf("BitFieldRO: %v", err)
		}
		if err := tx.SetNotifyKeyspaceEvents(""); err != nil {
			t.Errorf("SetNotifyKeyspaceEvents: %v", err)
		}
		if v, err := tx.Get("a"); v != "1" || err != nil {
			t.Errorf("Get: %q %v", v, err)
		}
		// EXPIRE is a write that is not denyoom: once it has written, the
		// unit is not stopped halfway.
		if ok, err := tx.Expire("a", time.Hour); !ok || err != nil {
			t.Errorf("Expire: %v %v", ok, err)
		}
		if err := tx.Set("b", "2", 0); err != nil {
			t.Errorf("Set after the unit wrote: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Do inside a closure refuses alike.
	s.Atomic(ctx, func(tx *Tx) error {
		var r valueReply
		tx.Do(&r, "SET", "c", "3")
		if _, err := r.result(); !errors.Is(err, ErrOOM) {
			t.Errorf("Do SET: %v", err)
		}
		return nil
	})
}

// TestOOMInPipeline: each command of a Pipeline is prepared as Redis
// prepares each pipelined command — refused while over the limit with
// nothing to evict, whatever the earlier commands of the batch wrote —
// and keys are evicted before each one under an evicting policy.
func TestOOMInPipeline(t *testing.T) {
	s := oomStore(t)
	p := s.Pipeline()
	set1 := p.Set("b", "2", 0)
	exp := p.Expire("a", time.Hour) // a write, not denyoom
	set2 := p.Set("c", "3", 0)
	get := p.Get("a")
	del := p.Del("a")
	set3 := p.Set("d", "4", 0) // still over 1 byte: the store's tables alone are more
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for i, r := range []Result[struct{}]{set1, set2, set3} {
		if !errors.Is(r.Err(), ErrOOM) {
			t.Errorf("Set #%d: %v", i, r.Err())
		}
	}
	if ok, err := exp.Result(); !ok || err != nil {
		t.Errorf("Expire: %v %v", ok, err)
	}
	if v, err := get.Result(); v != "1" || err != nil {
		t.Errorf("Get: %q %v", v, err)
	}
	if n, err := del.Result(); n != 1 || err != nil {
		t.Errorf("Del: %d %v", n, err)
	}
	// The blocking LMOVE, written by hand rather than generated, refuses
	// as LMOVE does, before it would wait.
	if _, err := s.BLMove(ctx, "src", "dst", "LEFT", "RIGHT"); !errors.Is(err, ErrOOM) {
		t.Errorf("BLMove: %v", err)
	}
	if _, err := s.BRPopLPush(ctx, "src", "dst"); !errors.Is(err, ErrOOM) {
		t.Errorf("BRPopLPush: %v", err)
	}

	// Under allkeys-lru with room for about 20 keys, a pipeline of 100
	// SETs evicts before each: every SET succeeds, and what is left fits.
	s2, _ := evictStore(t, PolicyAllKeysLRU, 20)
	p2 := s2.Pipeline()
	var rs []Result[struct{}]
	for i := 0; i < 100; i++ {
		rs = append(rs, p2.Set("k"+strconv.Itoa(i), val(), 0))
	}
	// Read in the same unit: a later Store call would evict first.
	size := p2.DBSize()
	if err := p2.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.Err() != nil {
			t.Fatalf("Set #%d: %v", i, r.Err())
		}
	}
	st, _ := s2.Stats(ctx)
	if st.EvictedKeys < 75 {
		t.Fatalf("evicted %d keys, want at least 75 (a pipeline evicts before each command)", st.EvictedKeys)
	}
	// Eviction ran before each command, the pipeline's last one included:
	// what is left fits (one SET over at most).
	if n, err := size.Result(); n > 25 || err != nil {
		t.Fatalf("%d keys left in the pipeline's unit (%v)", n, err)
	}
}

// evictStore opens a store on a manual clock with policy and a limit of
// roughly room 100-byte string keys.
func evictStore(t *testing.T, policy string, room int) (*Store, *ManualClock) {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	c := DefaultEviction()
	c.Policy = policy
	s, err := Open(Options{Clock: clock, Eviction: &c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	base, _ := s.UsedMemory(ctx)
	s.Set(ctx, "probe", strings.Repeat("x", 100), 0)
	one, _ := s.UsedMemory(ctx)
	s.Del(ctx, "probe")
	c.MaxMemory = uint64(base + int64(room)*(one-base))
	if err := s.ConfigureEviction(ctx, c); err != nil {
		t.Fatal(err)
	}
	return s, clock
}

func val() string { return strings.Repeat("v", 100) }

func survivors(s *Store, keys []string) int {
	n := 0
	for _, k := range keys {
		if ok, _ := s.Exists(ctx, k); ok == 1 {
			n++
		}
	}
	return n
}

func keyNames(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

func TestEvictionNoEvictionRefusesWrites(t *testing.T) {
	s, _ := evictStore(t, PolicyNoEviction, 50)
	var refusedAt int
	for i := 0; i < 200; i++ {
		if err := s.Set(ctx, "k"+strconv.Itoa(i), val(), 0); err != nil {
			if !errors.Is(err, ErrOOM) || err.Error() != "OOM command not allowed when used memory > 'maxmemory'." {
				t.Fatalf("Set #%d: %v", i, err)
			}
			refusedAt = i
			break
		}
	}
	if refusedAt < 40 || refusedAt > 60 {
		t.Fatalf("refused at key %d, want about 50", refusedAt)
	}
	// Reads, deletions and commands that do not add data go on; the
	// command-table path (Do) refuses as the Store methods do.
	if v, err := s.Get(ctx, "k0"); err != nil || v != val() {
		t.Fatalf("Get under OOM: %q, %v", v, err)
	}
	if _, err := s.Do(ctx, "SET", "x", "1"); !errors.Is(err, ErrOOM) {
		t.Fatalf("Do SET under OOM: %v", err)
	}
	if _, err := s.LPush(ctx, "l", "1"); !errors.Is(err, ErrOOM) {
		t.Fatalf("LPush under OOM: %v", err)
	}
	if _, err := s.Expire(ctx, "k0", time.Hour); err != nil {
		t.Fatalf("Expire under OOM: %v", err)
	}
	if n, err := s.Del(ctx, keyNames("k", 0, 10)...); n != 10 || err != nil {
		t.Fatalf("Del under OOM: %d, %v", n, err)
	}
	if err := s.Set(ctx, "x", "1", 0); err != nil {
		t.Fatalf("Set after freeing memory: %v", err)
	}
	used, _ := s.UsedMemory(ctx)
	c, _ := s.Eviction(ctx)
	if uint64(used) > c.MaxMemory+uint64(len(val()))*4 {
		t.Fatalf("used %d, limit %d", used, c.MaxMemory)
	}
}

// TestEvictionLRUKeepsWorkingSet is Redis's LRU test idea: fill, read a
// subset, add more keys, count the subset's survivors: allkeys-lru keeps
// nearly all of it, allkeys-random about the share of keys that stay.
func TestEvictionLRUKeepsWorkingSet(t *testing.T) {
	run := func(policy string) float64 {
		s, clock := evictStore(t, policy, 1000)
		old := keyNames("old", 0, 1000)
		for _, k := range old {
			if err := s.Set(ctx, k, val(), 0); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(10 * time.Second)
		hot := old[:200]
		for _, k := range hot {
			s.Get(ctx, k)
		}
		clock.Advance(10 * time.Second)
		for _, k := range keyNames("new", 0, 500) {
			if err := s.Set(ctx, k, val(), 0); err != nil {
				t.Fatal(err)
			}
		}
		st, _ := s.Stats(ctx)
		if st.EvictedKeys < 400 {
			t.Fatalf("%s: %d keys evicted, want about 500", policy, st.EvictedKeys)
		}
		return float64(survivors(s, hot)) / float64(len(hot))
	}
	lru, random := run(PolicyAllKeysLRU), run(PolicyAllKeysRandom)
	t.Logf("working set kept: allkeys-lru %.2f, allkeys-random %.2f", lru, random)
	if lru < 0.9 || random > 0.75 {
		t.Fatalf("allkeys-lru kept %.2f of the working set (want ≥ 0.9), allkeys-random %.2f (want ≤ 0.75)", lru, random)
	}
}

// TestEvictionLFUKeepsHotKeys: keys read often survive a flood of new keys
// under allkeys-lfu, even read long ago.
func TestEvictionLFUKeepsHotKeys(t *testing.T) {
	s, clock := evictStore(t, PolicyAllKeysLFU, 1200)
	keys := keyNames("k", 0, 1000)
	for _, k := range keys {
		s.Set(ctx, k, val(), 0)
	}
	hot := keys[:100]
	for i := 0; i < 50; i++ {
		for _, k := range hot {
			s.Get(ctx, k)
		}
	}
	if f, err := s.ObjectFreq(ctx, hot[0]); err != nil || f <= lfuInit {
		t.Fatalf("OBJECT FREQ of a hot key: %d, %v", f, err)
	}
	if f, err := s.ObjectFreq(ctx, keys[500]); err != nil || f != lfuInit {
		t.Fatalf("OBJECT FREQ of a key written once: %d, %v (want %d)", f, err, lfuInit)
	}
	if _, err := s.ObjectIdleTime(ctx, hot[0]); !errors.Is(err, ErrIdleTimeNotTracked) {
		t.Fatalf("OBJECT IDLETIME under LFU: %v", err)
	}
	clock.Advance(30 * time.Second)
	for _, k := range keyNames("new", 0, 800) {
		s.Set(ctx, k, val(), 0)
		s.Get(ctx, k)
	}
	if n := survivors(s, hot); n < 95 {
		t.Fatalf("%d of 100 hot keys survived", n)
	}
}

func TestEvictionLFUDecay(t *testing.T) {
	s, clock := evictStore(t, PolicyAllKeysLFU, 1000)
	s.Set(ctx, "k", "v", 0)
	for i := 0; i < 200; i++ {
		s.Get(ctx, "k")
	}
	f0, _ := s.ObjectFreq(ctx, "k")
	clock.Advance(3 * time.Minute) // lfu-decay-time 1: one a minute
	if f, _ := s.ObjectFreq(ctx, "k"); f != f0-3 {
		t.Fatalf("OBJECT FREQ %d three minutes after %d", f, f0)
	}
	c, _ := s.Eviction(ctx)
	c.LFUDecayTime = 0
	s.ConfigureEviction(ctx, c)
	// With no decay the counter is what the last access left (OBJECT FREQ
	// stores nothing), however long ago.
	clock.Advance(time.Hour)
	if f, _ := s.ObjectFreq(ctx, "k"); f != f0 {
		t.Fatalf("OBJECT FREQ %d with lfu-decay-time 0, want %d", f, f0)
	}
}

// TestEvictionVolatile: the volatile policies evict only keys with a
// deadline, and refuse writes when none is left; volatile-ttl takes the
// nearest deadlines first.
func TestEvictionVolatile(t *testing.T) {
	for _, policy := range []string{PolicyVolatileLRU, PolicyVolatileLFU, PolicyVolatileRandom, PolicyVolatileTTL} {
		s, _ := evictStore(t, policy, 1000)
		persistent := keyNames("p", 0, 400)
		for _, k := range persistent {
			s.Set(ctx, k, val(), 0)
		}
		volatile := keyNames("v", 0, 600)
		for i, k := range volatile {
			s.Set(ctx, k, val(), time.Hour+time.Duration(i)*time.Second)
		}
		var err error
		for i := 0; i < 2000 && err == nil; i++ {
			err = s.Set(ctx, "n"+strconv.Itoa(i), val(), 0)
		}
		if !errors.Is(err, ErrOOM) {
			t.Fatalf("%s: writes never refused once the volatile keys are gone: %v", policy, err)
		}
		if n := survivors(s, persistent); n != len(persistent) {
			t.Fatalf("%s: %d of %d keys without a deadline survived", policy, n, len(persistent))
		}
		if n := survivors(s, volatile); n != 0 {
			t.Fatalf("%s: %d volatile keys left while refusing writes", policy, n)
		}
	}
	s, _ := evictStore(t, PolicyVolatileTTL, 1000)
	volatile := keyNames("v", 0, 1000)
	for i, k := range volatile {
		s.Set(ctx, k, val(), time.Hour+time.Duration(i)*time.Second)
	}
	for i := 0; i < 300; i++ {
		s.Set(ctx, "n"+strconv.Itoa(i), val(), 0)
	}
	near, far := survivors(s, volatile[:200]), survivors(s, volatile[800:])
	t.Logf("volatile-ttl: %d of the 200 nearest deadlines survived, %d of the 200 farthest", near, far)
	if near > 100 || far < 190 {
		t.Fatalf("volatile-ttl kept %d of the nearest and %d of the farthest deadlines", near, far)
	}
}

// TestEvictionThroughKeyspacePath: an eviction raises "evicted", records a
// DEL and counts evicted_keys, and the accounted memory stays under the
// limit.
func TestEvictionThroughKeyspacePath(t *testing.T) {
	var units [][][]string
	c := DefaultEviction()
	c.Policy = PolicyAllKeysRandom
	c.MaxMemory = 20000
	s, err := Open(Options{Eviction: &c, OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var evicted []string
	s.e.onKeyEvent = func(db int, class eventClass, event, key string) {
		if event == "evicted" {
			if class != classEvicted {
				t.Errorf("evicted in class %c", class)
			}
			evicted = append(evicted, key)
		}
	}
	for i := 0; i < 500; i++ {
		if err := s.Set(ctx, "k"+strconv.Itoa(i), val(), 0); err != nil {
			t.Fatal(err)
		}
		if used, _ := s.UsedMemory(ctx); uint64(used) > c.MaxMemory+1000 {
			t.Fatalf("used %d after key %d, limit %d", used, i, c.MaxMemory)
		}
	}
	st, _ := s.Stats(ctx)
	if len(evicted) == 0 || st.EvictedKeys != int64(len(evicted)) {
		t.Fatalf("%d evicted events, evicted_keys %d", len(evicted), st.EvictedKeys)
	}
	dels := 0
	for _, u := range units {
		for _, cmd := range u {
			if cmd[0] == "DEL" {
				dels++
			}
		}
	}
	if dels != len(evicted) {
		t.Fatalf("%d DEL effects for %d evictions", dels, len(evicted))
	}
	// Replaying the effects gives the same keys.
	r, _ := Open(Options{})
	defer r.Close()
	if err := r.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	a, _ := s.DBSize(ctx)
	b, _ := r.DBSize(ctx)
	if a != b {
		t.Fatalf("replayed store has %d keys, the original %d", b, a)
	}
}

func TestEvictionConfigInvalid(t *testing.T) {
	for _, c := range []EvictionConfig{
		{Policy: "lru", Samples: 5},
		{Policy: PolicyAllKeysLRU, Samples: 0},
		{Policy: PolicyAllKeysLRU, Samples: 5, Tenacity: 101},
		{Policy: PolicyAllKeysLRU, Samples: 5, LFULogFactor: -1},
		{Policy: PolicyAllKeysLRU, Samples: 5, LFUDecayTime: -1},
		{},
	} {
		if _, err := Open(Options{Eviction: &c}); err == nil {
			t.Errorf("Open accepted %+v", c)
		}
		s, _ := Open(Options{})
		if err := s.ConfigureEviction(ctx, c); err == nil {
			t.Errorf("ConfigureEviction accepted %+v", c)
		}
		if got, _ := s.Eviction(ctx); got != DefaultEviction() {
			t.Errorf("a refused configuration changed the store: %+v", got)
		}
		s.Close()
	}
}

// TestEvictionSampleKeys: the eviction sample (sampleKeys, whole buckets
// from a random place) gives min(samples, keys) distinct keys of the
// database with their values, reaches every key, none much more often
// than the mean, also while the table is being rehashed, and always finds
// the one key of a nearly empty table. (It gives fewer when the buckets it
// may visit hold fewer: seldom, or asked for every key.)
func TestEvictionSampleKeys(t *testing.T) {
	s, err := Open(Options{Databases: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// check draws draws samples of n keys: each of at least least and at
	// most want distinct keys of the database, with their values; fewer
	// than want in at most maxShort of the draws.
	check := func(t *testing.T, tx *Tx, n, least, want, draws, maxShort int) map[string]int {
		t.Helper()
		seen := map[string]int{}
		short := 0
		for range draws {
			got := tx.sampleKeys(tx.db, n)
			if len(got) < least || len(got) > want {
				t.Fatalf("sampleKeys(%d) gave %d keys, want %d to %d", n, len(got), least, want)
			}
			if len(got) < want {
				short++
			}
			one := map[string]bool{}
			for _, c := range got {
				if one[c.key] {
					t.Fatalf("sampleKeys(%d) gave %q twice", n, c.key)
				}
				one[c.key] = true
				sl, ok := tx.db.keys.Get(c.key)
				if !ok || sl.v != c.v {
					t.Fatalf("sampleKeys(%d) gave %q with a value not its own", n, c.key)
				}
				seen[c.key]++
			}
		}
		if short > maxShort {
			t.Fatalf("sampleKeys(%d) gave fewer than %d keys in %d of %d draws", n, want, short, draws)
		}
		return seen
	}
	spread := func(t *testing.T, seen map[string]int, keys int, mean float64) {
		t.Helper()
		lo, hi := math.MaxInt, 0
		for _, c := range seen {
			lo, hi = min(lo, c), max(hi, c)
		}
		if len(seen) != keys || float64(hi) > 2*mean || float64(lo) < mean/5 {
			t.Fatalf("%d of %d keys drawn; counts %d to %d, mean %.1f", len(seen), keys, lo, hi, mean)
		}
		t.Logf("%d keys drawn %d to %d times (mean %.1f)", keys, lo, hi, mean)
	}
	for i := range 1 {
		s.Set(ctx, "only"+strconv.Itoa(i), "v", 0)
	}
	s.Atomic(ctx, func(tx *Tx) error {
		check(t, tx, 5, 1, 1, 200, 0) // one key: found every time
		return nil
	})
	for i := range 3000 {
		s.Set(ctx, "k"+strconv.Itoa(i), "v"+strconv.Itoa(i), 0)
	}
	s.Atomic(ctx, func(tx *Tx) error {
		const draws = 20000
		spread(t, check(t, tx, 5, 1, 5, draws, draws/100), 3001, 5*draws/3001.0)
		// Asking for every key: random buckets, ten per key wanted, find
		// most of them.
		check(t, tx, 3001, 2500, 3001, 3, 3)
		tx.db.keys.Grow(1 << 14)
		if !tx.db.keys.Rehashing() {
			t.Fatal("Grow did not start a rehash")
		}
		spread(t, check(t, tx, 5, 1, 5, draws, draws/100), 3001, 5*draws/3001.0)
		return nil
	})
}

// TestEvictionSuspended: with Suspended the limit stays but nothing is
// evicted and nothing refused, under any policy; cleared, the next unit
// evicts down to the limit (or, under noeviction, refuses again).
func TestEvictionSuspended(t *testing.T) {
	for _, policy := range []string{PolicyNoEviction, PolicyAllKeysLRU} {
		t.Run(policy, func(t *testing.T) {
			s, _ := evictStore(t, policy, 50)
			c, _ := s.Eviction(ctx)
			c.Suspended = true
			c.Tenacity = 100 // no time bound: evicting 150 keys at once is not cut short on a loaded machine
			if err := s.ConfigureEviction(ctx, c); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 200; i++ {
				if err := s.Set(ctx, "k"+strconv.Itoa(i), val(), 0); err != nil {
					t.Fatalf("Set #%d while suspended: %v", i, err)
				}
			}
			if n, _ := s.DBSize(ctx); n != 200 {
				t.Fatalf("DBSize while suspended = %d, want 200 (nothing evicted)", n)
			}
			if used, _ := s.UsedMemory(ctx); uint64(used) <= c.MaxMemory {
				t.Fatalf("used %d is not over the limit %d: the test proves nothing", used, c.MaxMemory)
			}
			c.Suspended = false
			if err := s.ConfigureEviction(ctx, c); err != nil {
				t.Fatal(err)
			}
			err := s.Set(ctx, "after", val(), 0)
			n, _ := s.DBSize(ctx)
			switch policy {
			case PolicyNoEviction:
				if !errors.Is(err, ErrOOM) || n != 200 {
					t.Fatalf("noeviction after Suspended is cleared: Set %v, %d keys", err, n)
				}
			default:
				if err != nil || n > 60 {
					t.Fatalf("allkeys-lru after Suspended is cleared: Set %v, %d keys (want about 50)", err, n)
				}
			}
		})
	}
}

// TestApplyDoesNotEvict: a replayed stream is its source's history, whose
// evictions it holds as DELs: Apply over maxmemory neither evicts nor
// refuses (evicting n would make the INCR below act on a missing key),
// and the next unit evicts down to the limit.
func TestApplyDoesNotEvict(t *testing.T) {
	var evicted atomic.Int64
	c := DefaultEviction()
	c.Policy = PolicyAllKeysRandom
	c.Tenacity = 100 // no time bound: the next unit evicts all it must, however loaded the machine
	s, err := Open(Options{Eviction: &c, OnEvicted: func(int, string) { evicted.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c.MaxMemory = 1 << 14
	if err := s.ConfigureEviction(ctx, c); err != nil {
		t.Fatal(err)
	}
	var unit [][]string
	for i := 0; i < 1000; i++ {
		unit = append(unit, []string{"SET", "k" + strconv.Itoa(i), val()})
	}
	if err := s.Apply(ctx, [][]string{{"SET", "n", "41"}}, unit, [][]string{{"INCR", "n"}}); err != nil {
		t.Fatal(err)
	}
	if n := evicted.Load(); n != 0 {
		t.Fatalf("Apply evicted %d keys", n)
	}
	// The next unit evicts down to the limit.
	if v, err := s.Get(ctx, "n"); !(err == nil && v == "42" || errors.Is(err, ErrNotFound)) {
		t.Fatalf("Get n = %q, %v", v, err)
	}
	used, _ := s.UsedMemory(ctx)
	if n := evicted.Load(); n < 900 || uint64(used) > c.MaxMemory {
		t.Fatalf("after the next unit: %d keys evicted, %d bytes used (limit %d)", n, used, c.MaxMemory)
	}
}
