// Package bench compares embedis with its peers: a mutex-guarded Go map (the
// floor for any in-process store), miniredis called through its Go API, and a
// real redis-server reached through go-redis. It is a module of its own so
// that none of the peers enters embedis's go.mod.
//
// One run prints every implementation side by side:
//
//	cd bench && go test -run '^$' -bench . -benchtime 1s -count 3
//
// The goredis rows start a redis-server of their own on a free TCP port
// (redisserver_test.go), shared by the run.
package bench

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/embedis/embedis"
	"github.com/redis/go-redis/v9"
)

const (
	nKeys       = 10_000             // working set of every benchmark
	batch       = 100                // commands per pipeline
	parallelism = 8                  // goroutines of the "/8" benchmarks
	value16     = "0123456789abcdef" // the 16-byte value SET writes
)

// keys are the working set "key:N", prefilled with 16-byte values; ctrKeys
// "ctr:N" are INCR's counters, prefilled with "0".
var keys, ctrKeys = func() (k, c []string) {
	k, c = make([]string, nKeys), make([]string, nKeys)
	for i := range k {
		k[i] = "key:" + strconv.Itoa(i)
		c[i] = "ctr:" + strconv.Itoa(i)
	}
	return k, c
}()

// prefillValue is the 16-byte value stored at keys[i] before a benchmark.
func prefillValue(i int) string {
	s := strconv.Itoa(i)
	return value16[:16-len(s)] + s
}

// op is one of the three operations compared.
type op int

const (
	opGet op = iota
	opSet
	opIncr
)

// cmd runs one command of the operation on key index i (0 <= i < nKeys).
type cmd func(i int) error

// pipe runs n commands of the operation, on key indexes start, start+1, …
// (mod nKeys), in one batch.
type pipe func(start, n int) error

// impl is one implementation under comparison. setup opens and prefills a
// fresh instance, registers its closing with b.Cleanup, and returns the
// single-command function and, for pipelined implementations, the batch
// function (nil otherwise).
type impl struct {
	name  string
	setup func(b *testing.B, o op) (cmd, pipe)
}

func BenchmarkGet(b *testing.B)  { benchOp(b, opGet) }
func BenchmarkSet(b *testing.B)  { benchOp(b, opSet) }
func BenchmarkIncr(b *testing.B) { benchOp(b, opIncr) }

// benchOp runs the sub-benchmarks of one operation for every implementation.
func benchOp(b *testing.B, o op) {
	for _, im := range []impl{
		{"embedis", setupEmbedis},
		{"mutexmap", setupMutexMap},
		{"miniredis", setupMiniredis},
		{"goredis", setupGoRedis},
	} {
		b.Run(im.name+"/1", func(b *testing.B) {
			c, _ := im.setup(b, o)
			runSerial(b, c)
		})
		b.Run(im.name+"/8", func(b *testing.B) {
			c, _ := im.setup(b, o)
			runParallel(b, c)
		})
		if im.name == "embedis" || im.name == "goredis" {
			b.Run(im.name+"-pipeline100", func(b *testing.B) {
				_, p := im.setup(b, o)
				runPipelined(b, p)
			})
		}
		if im.name == "embedis" {
			b.Run("embedis-pipeline100-new", func(b *testing.B) {
				runPipelined(b, embedisPipe(openEmbedis(b), o, true))
			})
		}
	}
}

// runSerial calls c b.N times from one goroutine.
func runSerial(b *testing.B, c cmd) {
	b.ReportAllocs()
	b.ResetTimer()
	k := 0
	for i := 0; i < b.N; i++ {
		if err := c(k); err != nil {
			b.Fatal(err)
		}
		if k++; k == nKeys {
			k = 0
		}
	}
}

// runParallel calls c b.N times in all from 8 goroutines: SetParallelism
// multiplies GOMAXPROCS, so it is given 8/GOMAXPROCS (at least 1; exactly 8
// goroutines whenever GOMAXPROCS divides 8, as on a 1, 2, 4 or 8 core machine).
func runParallel(b *testing.B, c cmd) {
	p := parallelism / runtime.GOMAXPROCS(0)
	if p < 1 {
		p = 1
	}
	b.SetParallelism(p)
	var g atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// Each goroutine starts elsewhere in the working set.
		k := int(g.Add(1)*1231) % nKeys
		for pb.Next() {
			if err := c(k); err != nil {
				b.Error(err)
				return
			}
			if k++; k == nKeys {
				k = 0
			}
		}
	})
}

// runPipelined runs b.N commands as pipelines of 100 (the last one shorter
// when b.N is not a multiple of 100), so ns/op is per command.
func runPipelined(b *testing.B, p pipe) {
	b.ReportAllocs()
	b.ResetTimer()
	k := 0
	for done := 0; done < b.N; {
		n := min(batch, b.N-done)
		if err := p(k, n); err != nil {
			b.Fatal(err)
		}
		done += n
		k = (k + n) % nKeys
	}
}

// --- embedis ---

func setupEmbedis(b *testing.B, o op) (cmd, pipe) {
	ctx := context.Background()
	s := openEmbedis(b)
	var c cmd
	switch o {
	case opGet:
		c = func(i int) error { _, err := s.Get(ctx, keys[i]); return err }
	case opSet:
		c = func(i int) error { return s.Set(ctx, keys[i], value16, 0) }
	case opIncr:
		c = func(i int) error { _, err := s.Incr(ctx, ctrKeys[i]); return err }
	}
	return c, embedisPipe(s, o, false)
}

// openEmbedis opens a Store with the working set prefilled.
func openEmbedis(b *testing.B) *embedis.Store {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	p := s.Pipeline()
	for i := 0; i < nKeys; i++ {
		p.Set(keys[i], prefillValue(i), 0)
		p.Set(ctrKeys[i], "0", 0)
	}
	if err := p.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

// embedisPipe returns the pipelined variant: batches of commands queued on
// one Pipeline reused from batch to batch, as the API recommends (a reused
// pipeline allocates nothing per command), or, with fresh, on a new
// Pipeline for every batch. Every command's result is checked after Exec.
func embedisPipe(s *embedis.Store, o op, fresh bool) pipe {
	switch o {
	case opGet:
		return pipeOf(s, fresh, func(p *embedis.Pipeline, i int) embedis.Result[string] { return p.Get(keys[i]) })
	case opSet:
		return pipeOf(s, fresh, func(p *embedis.Pipeline, i int) embedis.Result[struct{}] { return p.Set(keys[i], value16, 0) })
	default:
		return pipeOf(s, fresh, func(p *embedis.Pipeline, i int) embedis.Result[int64] { return p.Incr(ctrKeys[i]) })
	}
}

func pipeOf[T any](s *embedis.Store, fresh bool, queue func(p *embedis.Pipeline, i int) embedis.Result[T]) pipe {
	ctx := context.Background()
	rs := make([]embedis.Result[T], batch)
	p := s.Pipeline()
	return func(start, n int) error {
		if fresh {
			p = s.Pipeline()
		}
		for j := 0; j < n; j++ {
			rs[j] = queue(p, (start+j)%nKeys)
		}
		if err := p.Exec(ctx); err != nil {
			return err
		}
		for _, r := range rs[:n] {
			if err := r.Err(); err != nil {
				return err
			}
		}
		return nil
	}
}

// --- mutexmap: the floor ---

// mutexMap is the least an in-process, concurrency-safe string store can do:
// a Go map under one mutex.
type mutexMap struct {
	mu sync.Mutex
	m  map[string]string
}

var errNotFound = errors.New("not found")

func (mm *mutexMap) get(k string) (string, error) {
	mm.mu.Lock()
	v, ok := mm.m[k]
	mm.mu.Unlock()
	if !ok {
		return "", errNotFound
	}
	return v, nil
}

func (mm *mutexMap) set(k, v string) {
	mm.mu.Lock()
	mm.m[k] = v
	mm.mu.Unlock()
}

func (mm *mutexMap) incr(k string) (int64, error) {
	mm.mu.Lock()
	defer mm.mu.Unlock()
	var n int64
	if v, ok := mm.m[k]; ok {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil {
			return 0, err
		}
	}
	n++
	mm.m[k] = strconv.FormatInt(n, 10)
	return n, nil
}

func setupMutexMap(b *testing.B, o op) (cmd, pipe) {
	mm := &mutexMap{m: make(map[string]string, 2*nKeys)}
	for i := 0; i < nKeys; i++ {
		mm.m[keys[i]] = prefillValue(i)
		mm.m[ctrKeys[i]] = "0"
	}
	switch o {
	case opGet:
		return func(i int) error { _, err := mm.get(keys[i]); return err }, nil
	case opSet:
		return func(i int) error { mm.set(keys[i], value16); return nil }, nil
	default:
		return func(i int) error { _, err := mm.incr(ctrKeys[i]); return err }, nil
	}
}

// --- miniredis, through its Go API (no network client) ---

func setupMiniredis(b *testing.B, o op) (cmd, pipe) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Close)
	for i := 0; i < nKeys; i++ {
		if err := m.Set(keys[i], prefillValue(i)); err != nil {
			b.Fatal(err)
		}
		if err := m.Set(ctrKeys[i], "0"); err != nil {
			b.Fatal(err)
		}
	}
	switch o {
	case opGet:
		return func(i int) error { _, err := m.Get(keys[i]); return err }, nil
	case opSet:
		return func(i int) error { return m.Set(keys[i], value16) }, nil
	default:
		return func(i int) error { _, err := m.Incr(ctrKeys[i], 1); return err }, nil
	}
}

// --- redis-server through go-redis ---

// redisClient returns a go-redis client on the run's redis-server (see
// sharedRedisAddr: started on first use; the benchmark skips without
// redis-server on PATH, or fails under CI=true).
func redisClient(tb testing.TB) *redis.Client {
	tb.Helper()
	return redis.NewClient(&redis.Options{Addr: sharedRedisAddr(tb), PoolSize: 4 * parallelism})
}

func setupGoRedis(b *testing.B, o op) (cmd, pipe) {
	rc := redisClient(b)
	b.Cleanup(func() { rc.Close() })
	ctx := context.Background()
	for start := 0; start < nKeys; start += 1000 {
		p := rc.Pipeline()
		for i := start; i < start+1000 && i < nKeys; i++ {
			p.Set(ctx, keys[i], prefillValue(i), 0)
			p.Set(ctx, ctrKeys[i], "0", 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			b.Fatal(err)
		}
	}
	// Open the pool's connections before the timer starts.
	warm := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < parallelism; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-warm
			rc.Ping(ctx)
		}()
	}
	close(warm)
	wg.Wait()

	var c cmd
	switch o {
	case opGet:
		c = func(i int) error { return rc.Get(ctx, keys[i]).Err() }
	case opSet:
		c = func(i int) error { return rc.Set(ctx, keys[i], value16, 0).Err() }
	case opIncr:
		c = func(i int) error { return rc.Incr(ctx, ctrKeys[i]).Err() }
	}
	// One round trip per batch; Exec returns the first command's error, if any.
	pl := func(start, n int) error {
		p := rc.Pipeline()
		for j := 0; j < n; j++ {
			k := (start + j) % nKeys
			switch o {
			case opGet:
				p.Get(ctx, keys[k])
			case opSet:
				p.Set(ctx, keys[k], value16, 0)
			case opIncr:
				p.Incr(ctx, ctrKeys[k])
			}
		}
		_, err := p.Exec(ctx)
		return err
	}
	return c, pl
}
