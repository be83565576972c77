package embedis_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/helpersuite"
)

// TestStreamWorkerCrashes: 5 workers work through 100,000 entries (10,000
// under -race) while they are killed and restarted at random, 200 times;
// every entry is handled and none is left pending (the conformance suite
// runs the same test smaller on every backend).
func TestStreamWorkerCrashes(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 entries")
	}
	helpersuite.WorkerCrashes(t, func(t *testing.T) helpersuite.Env {
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
	}, embedis.StreamWorkerCrashEntries(), 5, 200)
}
