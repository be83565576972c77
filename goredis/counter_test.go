package goredis_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/goredis"
	"github.com/embedis/embedis/internal/redistest"
)

// Three processes counting on one Redis (and on a cluster) share the
// counts: each adds 1 to one key 150 times, at the same time, and the
// total and the hour's window both end at 450.
func TestCounterAcrossProcesses(t *testing.T) {
	const each = 150
	opts := embedis.CounterOptions{Buckets: []embedis.CounterBucket{{Size: time.Hour, Keep: 2}}}
	if p := childProcess(t); p != nil {
		c, err := embedis.NewCounter(goredis.New(p.Client), "procs", opts)
		if err != nil {
			t.Fatal(err)
		}
		p.Ready()
		var last int64
		for range each {
			if last, err = c.Incr(context.Background(), "k", 1); err != nil {
				t.Fatal(err)
			}
		}
		p.Report(strconv.FormatInt(last, 10))
		return
	}
	for _, name := range []string{"redis", "cluster"} {
		t.Run(name, func(t *testing.T) {
			var tg target
			if name == "redis" {
				tg = redisTarget(redistest.Start(t))
			} else {
				tg = clusterTarget(sharedCluster(t))
			}
			ctx := context.Background()
			client := tg.Client(t)
			c, err := embedis.NewCounter(goredis.New(client), "procs", opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Reset(ctx, "k"); err != nil {
				t.Fatal(err)
			}
			reports := runProcesses(t, 3, tg)
			// Each child's last Incr saw the total after its own 150 and
			// some of the others': at least 150, at most 450, and one saw
			// 450 exactly.
			saw450 := false
			for i, r := range reports {
				if len(r) != 1 {
					t.Fatalf("child %d reported %q", i, r)
				}
				n, err := strconv.Atoi(r[0])
				if err != nil || n < each || n > 3*each {
					t.Errorf("child %d reported %q", i, r)
				}
				saw450 = saw450 || n == 3*each
			}
			if !saw450 {
				t.Errorf("no child saw the total at %d: %q", 3*each, reports)
			}
			if got, err := c.Get(ctx, "k"); got != 3*each || err != nil {
				t.Errorf("Get = %d, %v; want %d", got, err, 3*each)
			}
			if got, err := c.Sum(ctx, "k", time.Hour, 2); got != 3*each || err != nil {
				t.Errorf("Sum = %d, %v; want %d", got, err, 3*each)
			}
		})
	}
}
