package persist

import (
	"strconv"
	"sync/atomic"
	"testing"
)

// BenchmarkAppendOnlyWrite measures SET throughput of in-process callers
// on a durable store, per fsync policy, with one caller and with 50
// callers per core (group commit shows with many callers), next to a store
// without the log.
func BenchmarkAppendOnlyWrite(b *testing.B) {
	for _, c := range []struct {
		name       string
		appendOnly bool
		fsync      Fsync
	}{{"memory", false, 0}, {"no", true, FsyncNo}, {"everysec", true, FsyncEverysec}, {"always", true, FsyncAlways}} {
		for _, callers := range []int{1, 50} {
			b.Run(c.name+"/callers="+strconv.Itoa(callers), func(b *testing.B) {
				db, err := Open(b.TempDir(), Options{AppendOnly: c.appendOnly, AppendFsync: c.fsync, Logger: quietLogger()})
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				var n atomic.Int64
				b.SetParallelism(callers)
				if callers == 1 {
					b.SetParallelism(1)
				}
				b.ResetTimer()
				if callers == 1 {
					for i := 0; i < b.N; i++ {
						if err := db.Set(bg, "key:"+strconv.Itoa(i&0xffff), "value-0123456789", 0); err != nil {
							b.Fatal(err)
						}
					}
					return
				}
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						if err := db.Set(bg, "key:"+strconv.Itoa(int(i&0xffff)), "value-0123456789", 0); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkOpenReplay measures loading a directory whose log holds 100,000
// single-SET units (no base snapshot): the restart time of a log.
func BenchmarkOpenReplay(b *testing.B) {
	dir := b.TempDir()
	db, err := Open(dir, Options{AppendOnly: true, AppendFsync: FsyncNo, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	const units = 100000

	for i := 0; i < units; i++ {
		db.Set(bg, "key:"+strconv.Itoa(i), "value-0123456789", 0)
	}

	db.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := Open(dir, Options{AppendOnly: true, AppendFsync: FsyncNo, Logger: quietLogger()})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/units, "ns/unit")
}
