package goredis_test

import (
	"os"
	"sync"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// shared is the one Redis Cluster of this test binary, started by the
// first test that asks for it (sharedCluster) and stopped by TestMain.
var shared struct {
	once    sync.Once
	cluster *redistest.Cluster
	err     error
}

// sharedCluster returns the test binary's 3-node Redis Cluster, starting it
// on first use (about two seconds); tests keep apart by key prefix. It
// skips t without redis-server and redis-cli, unless CI=true.
func sharedCluster(t testing.TB) *redistest.Cluster {
	t.Helper()
	shared.once.Do(func() { shared.cluster, shared.err = redistest.NewCluster() })
	if shared.err != nil {
		redistest.SkipUnlessCI(t, shared.err)
	}
	return shared.cluster
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cluster != nil {
		shared.cluster.Stop()
	}
	os.Exit(code)
}
