package embedis

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// MEMORY STATS, DOCTOR and PURGE, and the peak of the accounted memory.
//
// Redis's figures come from its allocator; ours from the accounting of
// memory.go (what the data holds: total.allocated, dataset, the keyspace
// tables) and from the Go runtime (the allocator.* and fragmentation
// figures, as INFO memory shows them: the heap's live objects, its spans in
// use, what it holds from the OS, and the whole process's memory from the
// OS).

// MemoryStats is MEMORY STATS: the store's memory figures under Redis 7.0's
// names, in Redis's order. The fields Redis reports about what the engine
// does not hold — replication.backlog, clients.slaves, clients.normal,
// cluster.links, aof.buffer, lua.caches and functions.caches (the server's
// buffers and the script caches live outside the accounted data) — are
// left out rather than answered with made-up zeros.
type MemoryStats struct {
	// PeakAllocated is peak.allocated: the highest TotalAllocated seen.
	// Like Redis's (sampled by its cron), it is sampled: whenever the total
	// is computed — eviction checks under maxmemory, Stats, MemoryStats,
	// UsedMemory, INFO.
	PeakAllocated int64
	// TotalAllocated is total.allocated: the accounted memory, all
	// databases (Tx.UsedMemory, INFO's used_memory).
	TotalAllocated int64
	// StartupAllocated is startup.allocated: what the store accounted when
	// it opened, empty (each database's fixed cost and empty tables).
	StartupAllocated int64
	// Databases are the db.<n> entries, one per database holding keys, in
	// order.
	Databases []DBMemoryStats
	// OverheadTotal is overhead.total: StartupAllocated plus every
	// database's keyspace table and deadlines.
	OverheadTotal int64
	// KeysCount is keys.count: the keys of all databases.
	KeysCount int64
	// BytesPerKey is keys.bytes-per-key: (TotalAllocated -
	// StartupAllocated) / KeysCount, 0 without keys.
	BytesPerKey int64
	// DatasetBytes is dataset.bytes: TotalAllocated - OverheadTotal, the
	// keys' strings and the values.
	DatasetBytes int64
	// DatasetPercentage is dataset.percentage: DatasetBytes over
	// TotalAllocated - StartupAllocated, in percent.
	DatasetPercentage float64
	// PeakPercentage is peak.percentage: TotalAllocated over PeakAllocated,
	// in percent.
	PeakPercentage float64
	// AllocatorAllocated, AllocatorActive and AllocatorResident are the Go
	// heap's live and not yet collected objects (runtime.MemStats.HeapAlloc),
	// its spans in use (HeapInuse) and what it holds from the OS (HeapSys).
	AllocatorAllocated, AllocatorActive, AllocatorResident int64
	// The ratios and differences Redis derives from them:
	// allocator-fragmentation (Active/Allocated), allocator-rss
	// (Resident/Active), rss-overhead (the process's memory from the OS,
	// MemStats.Sys, over Resident) and fragmentation (Sys over
	// TotalAllocated).
	AllocatorFragmentationRatio float64
	AllocatorFragmentationBytes int64
	AllocatorRSSRatio           float64
	AllocatorRSSBytes           int64
	RSSOverheadRatio            float64
	RSSOverheadBytes            int64
	Fragmentation               float64
	FragmentationBytes          int64
}

// DBMemoryStats is a db.<n> entry of MEMORY STATS.
type DBMemoryStats struct {
	DB int
	// OverheadMain is overhead.hashtable.main: the keyspace table (its
	// nodes and bucket array; the keys' strings are dataset).
	OverheadMain int64
	// OverheadExpires is overhead.hashtable.expires: the deadlines.
	OverheadExpires int64
}

// notePeak records used as the peak if it is the highest seen.
func (e *engine) notePeak(used int64) {
	if used > e.peakMemory {
		e.peakMemory = used
	}
}

// ratio32 is a/b computed as Redis computes its ratios, in a C float.
func ratio32(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(float32(a) / float32(b))
}

// MemoryStats returns MEMORY STATS (see MemoryStats). It reads the Go
// runtime's memory statistics, which stops the world for a moment: a
// diagnostic, not a call for every request.
func (tx *Tx) MemoryStats() (MemoryStats, error) {
	tx.settle()
	e := tx.e
	st := MemoryStats{StartupAllocated: e.startupMemory}
	for i, d := range e.dbs {
		used := d.usedMemory()
		st.TotalAllocated += used
		if n := d.keys.Len(); n > 0 {
			st.KeysCount += int64(n)
			st.Databases = append(st.Databases, DBMemoryStats{DB: i, OverheadMain: d.keys.MemUsage(), OverheadExpires: int64(len(d.expires)) * expiryBytes})
		}
	}
	e.notePeak(st.TotalAllocated)
	st.PeakAllocated = e.peakMemory
	st.OverheadTotal = st.StartupAllocated
	for _, d := range st.Databases {
		st.OverheadTotal += d.OverheadMain + d.OverheadExpires
	}
	net := max(st.TotalAllocated-st.StartupAllocated, 0)
	if st.KeysCount > 0 {
		st.BytesPerKey = net / st.KeysCount
	}
	st.DatasetBytes = max(st.TotalAllocated-st.OverheadTotal, 0)
	st.DatasetPercentage = 100 * ratio32(st.DatasetBytes, net)
	st.PeakPercentage = 100 * ratio32(st.TotalAllocated, st.PeakAllocated)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc, active, resident, rss := int64(ms.HeapAlloc), int64(ms.HeapInuse), int64(ms.HeapSys), int64(ms.Sys)
	st.AllocatorAllocated, st.AllocatorActive, st.AllocatorResident = alloc, active, resident
	st.AllocatorFragmentationRatio, st.AllocatorFragmentationBytes = ratio32(active, alloc), active-alloc
	st.AllocatorRSSRatio, st.AllocatorRSSBytes = ratio32(resident, active), resident-active
	st.RSSOverheadRatio, st.RSSOverheadBytes = ratio32(rss, resident), rss-resident
	st.Fragmentation, st.FragmentationBytes = ratio32(rss, st.TotalAllocated), rss-st.TotalAllocated
	return st, nil
}

// The reports of MEMORY DOCTOR, Redis 7.0's texts. The allocator named in
// the high-RSS report is "go".
const (
	doctorNoIssue   = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	doctorEmpty     = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	doctorIssues    = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
	doctorPeak      = " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n"
	doctorFrag      = " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"go\".\n\n"
	doctorAllocFrag = " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n"
	doctorAllocRSS  = " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n"
	doctorProcRSS   = " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n"
	doctorEnd       = "I'm here to keep you safe, Sam. I want to help you.\n"
)

// MemoryDoctor returns MEMORY DOCTOR's report, by Redis 7.0's rules and in
// its words, on the figures of MemoryStats: under 5 MB accounted, the
// empty-instance text; otherwise a report for each problem found — a peak
// over 150% of the current total; fragmentation (the process's memory over
// the accounted) over 1.4 and 10 MB; the heap's spans in use over its live
// objects, what it holds from the OS over its spans, or the process's
// memory over the heap's, over 1.1 and 10 MB — or the no-issue text. Redis's
// reports on client and replica buffers and on the script cache are not
// made: the engine does not see them.
func (tx *Tx) MemoryDoctor() (string, error) {
	st, _ := tx.MemoryStats()
	return doctorReport(st), nil
}

func doctorReport(st MemoryStats) string {
	if st.TotalAllocated < 5<<20 {
		return doctorEmpty
	}
	var b strings.Builder
	if float32(st.PeakAllocated)/float32(st.TotalAllocated) > 1.5 {
		b.WriteString(doctorPeak)
	}
	if st.Fragmentation > 1.4 && st.FragmentationBytes > 10<<20 {
		b.WriteString(doctorFrag)
	}
	if st.AllocatorFragmentationRatio > 1.1 && st.AllocatorFragmentationBytes > 10<<20 {
		b.WriteString(doctorAllocFrag)
	}
	if st.AllocatorRSSRatio > 1.1 && st.AllocatorRSSBytes > 10<<20 {
		b.WriteString(doctorAllocRSS)
	}
	if st.RSSOverheadRatio > 1.1 && st.RSSOverheadBytes > 10<<20 {
		b.WriteString(doctorProcRSS)
	}
	if b.Len() == 0 {
		return doctorNoIssue
	}
	return doctorIssues + b.String() + doctorEnd
}

// MemoryPurge is MEMORY PURGE: it asks the Go runtime to return the memory
// it holds unused to the OS (debug.FreeOSMemory: a garbage collection, then
// the free spans released), as Redis asks jemalloc to purge its dirty
// pages. The collection runs once the unit has released the owner role,
// before the call returns (in an Atomic closure or a Pipeline, when the
// whole unit has ended): other callers do not wait for it.
func (tx *Tx) MemoryPurge() error {
	tx.purgeOSMemory = true
	return nil
}

// freeOSMemory is debug.FreeOSMemory; a test replaces it to check that the
// owner role is free when it runs.
var freeOSMemory = debug.FreeOSMemory
