// Package helpersuite holds the conformance suites of embedis's typed
// helpers (Leaderboard, Cache, RateLimiter, Lock, Sessions, Counter). Each
// suite is written once against an Env and runs unchanged on every backend:
// the root module's tests run it on an embedded Store (with a manual clock),
// the goredis module's tests on a real redis-server and on a 3-node Redis
// Cluster. A helper whose Go step and Lua step disagree fails here.
//
// A suite file registers itself from init with Register; RunAll runs every
// registered suite as a subtest.
package helpersuite

import (
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// Env is one backend under test, made fresh for one (sub)test.
type Env struct {
	// Name says which backend: "embedded", "redis" or "cluster".
	Name string

	// Backend is what the helpers under test are built on.
	Backend embedis.Backend

	// Prefix is unique to this Env: suites start every helper name or key
	// with it, so that tests sharing one server never see each other's
	// keys.
	Prefix string

	// Advance moves the backend's time forward by d: the embedded store's
	// manual clock jumps (and its due timers fire), a real Redis is waited
	// for with a sleep. Suites keep the durations they advance by short
	// (tens to hundreds of milliseconds) so the remote runs stay quick, and
	// they leave slack around every deadline for a real clock.
	Advance func(d time.Duration)

	// Remote is true when Backend is a real Redis: timing there is the
	// wall clock's, and several processes can share the state.
	Remote bool

	// Store is the embedded store (nil when Remote), for suites that check
	// what a helper left in the keyspace.
	Store *embedis.Store
}

// NewEnv makes a fresh Env for t; whatever it starts is stopped by t's
// cleanup.
type NewEnv func(t *testing.T) Env

type suite struct {
	name string
	run  func(t *testing.T, newEnv NewEnv)
}

var (
	mu     sync.Mutex
	suites []suite
)

// Register adds a suite under name (the helper's name, "RateLimiter");
// suite files call it from init. Registering a name twice panics.
func Register(name string, run func(t *testing.T, newEnv NewEnv)) {
	mu.Lock()
	defer mu.Unlock()
	for _, s := range suites {
		if s.name == name {
			panic("helpersuite: suite " + name + " registered twice")
		}
	}
	suites = append(suites, suite{name, run})
}

// Names returns the registered suites' names, sorted.
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	names := make([]string, len(suites))
	for i, s := range suites {
		names[i] = s.name
	}
	sort.Strings(names)
	return names
}

// RunAll runs every registered suite as a subtest of t, in name order,
// against the backends newEnv makes.
func RunAll(t *testing.T, newEnv NewEnv) {
	mu.Lock()
	all := append([]suite(nil), suites...)
	mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	if len(all) == 0 {
		t.Fatal("helpersuite: no suite registered")
	}
	for _, s := range all {
		t.Run(s.name, func(t *testing.T) { s.run(t, newEnv) })
	}
}
