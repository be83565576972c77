package embedis_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/helpersuite"
)

var helperEnvs atomic.Int64

// TestHelperConformance runs every helper's conformance suite on an
// embedded store with a manual clock; the goredis module runs the same
// suites on redis-server and on a 3-node Redis Cluster.
func TestHelperConformance(t *testing.T) {
	helpersuite.RunAll(t, func(t *testing.T) helpersuite.Env {
		clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
		s, err := embedis.Open(embedis.Options{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return helpersuite.Env{
			Name:    "embedded",
			Backend: embedis.Embedded(s),
			Prefix:  fmt.Sprintf("t%d:", helperEnvs.Add(1)),
			Advance: clock.Advance,
			Store:   s,
		}
	})
}
