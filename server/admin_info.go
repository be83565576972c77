package server

import (
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis"
)

// INFO [section ...]: Redis 7.0's sections, field names and layout ("#
// Section" headers, "\r\n" line ends, a blank line between sections), a
// verbatim string in RESP3. Fields embedis has no counterpart for show
// Redis's idle values (0, "ok", -1).

// infoSections are the sections in the order INFO writes them.
var infoSections = []string{
	"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
	"commandstats", "errorstats", "latencystats", "cluster", "keyspace",
}

// infoNotDefault are the sections that INFO without arguments leaves out.
var infoNotDefault = map[string]bool{"commandstats": true, "latencystats": true}

func cmdInfo(c *conn, tx *embedis.Tx, args []string) {
	want := make(map[string]bool)
	if len(args) == 1 {
		args = []string{"info", "default"}
	}
	for _, a := range args[1:] {
		switch a = strings.ToLower(a); a {
		case "all", "everything":
			for _, s := range infoSections {
				want[s] = true
			}
		case "default":
			for _, s := range infoSections {
				if !infoNotDefault[s] {
					want[s] = true
				}
			}
		default:
			want[a] = true
		}
	}
	c.w.WriteVerbatim("txt", c.srv.infoText(tx, want))
}

// infoWriter builds INFO's text.
type infoWriter struct {
	b       strings.Builder
	started bool
}

func (w *infoWriter) section(title string) {
	if w.started {
		w.b.WriteString("\r\n")
	}
	w.started = true
	w.b.WriteString("# ")
	w.b.WriteString(title)
	w.b.WriteString("\r\n")
}

func (w *infoWriter) str(name, v string) {
	w.b.WriteString(name)
	w.b.WriteByte(':')
	w.b.WriteString(v)
	w.b.WriteString("\r\n")
}

func (w *infoWriter) int(name string, v int64) { w.str(name, strconv.FormatInt(v, 10)) }

func (w *infoWriter) uint(name string, v uint64) { w.str(name, strconv.FormatUint(v, 10)) }

// zeros writes fields whose value is always 0.
func (w *infoWriter) zeros(names ...string) {
	for _, n := range names {
		w.str(n, "0")
	}
}

// infoText returns the text of the wanted sections.
func (s *Server) infoText(tx *embedis.Tx, want map[string]bool) string {
	w := &infoWriter{}
	cf := s.cfg
	now := time.Now()
	var es embedis.Stats
	if want["stats"] || want["keyspace"] || want["persistence"] || want["clients"] {
		es, _ = tx.Stats()
		cf.mu.Lock()
		es.ExpiredKeys -= cf.base.expired
		es.EvictedKeys -= cf.base.evicted
		es.KeyspaceHits -= cf.base.hits
		es.KeyspaceMiss -= cf.base.misses
		cf.mu.Unlock()
	}
	port, _ := s.listenerInfo()

	if want["server"] {
		uptime := int64(now.Sub(s.started) / time.Second)
		w.section("Server")
		w.str("redis_version", redisVersion)
		w.str("redis_git_sha1", "00000000")
		w.str("redis_git_dirty", "0")
		w.str("redis_build_id", "0")
		w.str("redis_mode", "standalone")
		w.str("os", osName())
		w.int("arch_bits", strconv.IntSize)
		w.str("monotonic_clock", "POSIX clock_gettime")
		w.str("multiplexing_api", multiplexingAPI())
		w.str("atomicvar_api", "c11-builtin")
		w.str("gcc_version", "0.0.0")
		w.int("process_id", int64(os.Getpid()))
		w.str("process_supervised", "no")
		w.str("run_id", cf.runID)
		w.int("tcp_port", int64(port))
		w.int("server_time_usec", now.UnixMicro())
		w.int("uptime_in_seconds", uptime)
		w.int("uptime_in_days", uptime/86400)
		hz := cf.get("hz")
		w.str("hz", hz)
		w.str("configured_hz", hz)
		w.int("lru_clock", now.Unix()&(1<<24-1))
		w.str("executable", cf.executable)
		w.str("config_file", "")
		w.str("io_threads_active", "0")
		w.str("embedis_version", cf.version)
		w.str("go_version", runtime.Version())
	}
	if want["clients"] {
		s.mu.Lock()
		clients, maxClients := len(s.clients), s.opts.MaxClients
		s.mu.Unlock()
		w.section("Clients")
		w.int("connected_clients", int64(clients))
		w.str("cluster_connections", "0")
		w.int("maxclients", int64(maxClients))
		w.zeros("client_recent_max_input_buffer", "client_recent_max_output_buffer")
		var blocked int64
		if st, err := tx.Stats(); err == nil {
			blocked = st.Blocked
		}
		w.int("blocked_clients", blocked)
		w.int("tracking_clients", es.TrackingClients)
		w.zeros("clients_in_timeout_table")
	}
	if want["memory"] {
		s.infoMemory(w, tx)
	}
	if want["persistence"] {
		w.section("Persistence")
		w.zeros("loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age")
		w.str("current_fork_perc", "0.00")
		s.persist.info(w, es.Changes, now) // the snapshot file's fields (persistence.go)
		s.persist.aofInfo(w, now)          // the append-only log's fields (aof.go)
	}
	if want["stats"] {
		st := &s.stats
		w.section("Stats")
		w.int("total_connections_received", st.connectionsReceived.Load())
		w.int("total_commands_processed", st.commandsProcessed.Load())
		w.str("instantaneous_ops_per_sec", "0")
		w.int("total_net_input_bytes", st.netInput.Load())
		w.int("total_net_output_bytes", st.netOutput.Load())
		w.zeros("total_net_repl_input_bytes", "total_net_repl_output_bytes")
		for _, n := range []string{"instantaneous_input_kbps", "instantaneous_output_kbps",
			"instantaneous_input_repl_kbps", "instantaneous_output_repl_kbps"} {
			w.str(n, "0.00")
		}
		w.int("rejected_connections", st.rejectedConnections.Load())
		w.zeros("sync_full", "sync_partial_ok", "sync_partial_err")
		w.int("expired_keys", es.ExpiredKeys)
		w.str("expired_stale_perc", "0.00")
		w.zeros("expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds")
		w.int("evicted_keys", es.EvictedKeys)
		w.zeros("evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time")
		w.int("keyspace_hits", es.KeyspaceHits)
		w.int("keyspace_misses", es.KeyspaceMiss)
		chs, _ := tx.PubSubChannels("")
		pats, _ := tx.PubSubNumPat()
		shard, _ := tx.PubSubShardChannels("")
		w.int("pubsub_channels", int64(len(chs)))
		w.int("pubsub_patterns", pats)
		w.int("pubsubshard_channels", int64(len(shard)))
		w.zeros("latest_fork_usec", "total_forks",
			"migrate_cached_sockets", "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
			"active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time",
			"current_active_defrag_time")
		w.int("tracking_total_keys", es.TrackingKeys)
		w.int("tracking_total_items", es.TrackingItems)
		w.int("tracking_total_prefixes", es.TrackingPrefixes)
		w.zeros("unexpected_error_replies")
		w.int("total_error_replies", st.errorReplies.Load())
		w.zeros("dump_payload_sanitizations", "total_reads_processed", "total_writes_processed",
			"io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks",
			"reply_buffer_expands")
	}
	if want["replication"] {
		w.section("Replication")
		if !s.repl.writeInfo(w, cf) {
			w.str("role", "master")
			w.str("connected_slaves", "0")
			w.str("master_failover_state", "no-failover")
			w.str("master_replid", cf.replID)
			w.str("master_replid2", strings.Repeat("0", 40))
			w.str("master_repl_offset", "0")
			w.str("second_repl_offset", "-1")
			w.str("repl_backlog_active", "0")
			w.str("repl_backlog_size", cf.get("repl-backlog-size"))
			w.zeros("repl_backlog_first_byte_offset", "repl_backlog_histlen")
		}
	}
	if want["cpu"] {
		sys, user := cpuTimes()
		w.section("CPU")
		w.str("used_cpu_sys", formatSeconds(sys))
		w.str("used_cpu_user", formatSeconds(user))
		w.str("used_cpu_sys_children", "0.000000")
		w.str("used_cpu_user_children", "0.000000")
		w.str("used_cpu_sys_main_thread", formatSeconds(sys))
		w.str("used_cpu_user_main_thread", formatSeconds(user))
	}
	if want["modules"] {
		w.section("Modules")
	}
	if want["commandstats"] {
		w.section("Commandstats")
		s.infoCommandStats(w)
	}
	if want["errorstats"] {
		w.section("Errorstats")
		s.stats.errMu.Lock()
		prefixes := make([]string, 0, len(s.stats.errors))
		counts := make(map[string]int64, len(s.stats.errors))
		for p, n := range s.stats.errors {
			prefixes = append(prefixes, p)
			counts[p] = n
		}
		s.stats.errMu.Unlock()
		sort.Strings(prefixes)
		for _, p := range prefixes {
			w.str("errorstat_"+p, "count="+strconv.FormatInt(counts[p], 10))
		}
	}
	if want["latencystats"] {
		w.section("Latencystats")
	}
	if want["cluster"] {
		w.section("Cluster")
		w.str("cluster_enabled", "0")
	}
	if want["keyspace"] {
		w.section("Keyspace")
		for i, d := range es.Databases {
			if d.Keys == 0 && d.Expires == 0 {
				continue
			}
			w.str("db"+strconv.Itoa(i), "keys="+strconv.FormatInt(d.Keys, 10)+
				",expires="+strconv.FormatInt(d.Expires, 10)+",avg_ttl="+strconv.FormatInt(d.AvgTTL, 10))
		}
	}
	return w.b.String()
}

func (s *Server) infoCommandStats(w *infoWriter) {
	type entry struct {
		name string
		st   *cmdStat
	}
	var list []entry
	s.stats.cmd.Range(func(k, v any) bool {
		list = append(list, entry{k.(string), v.(*cmdStat)})
		return true
	})
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	for _, e := range list {
		calls, nsec := e.st.calls.Load(), e.st.nsec.Load()
		usec := nsec / 1000
		rejected, failed := e.st.rejected.Load(), e.st.failed.Load()
		if calls == 0 && rejected == 0 && failed == 0 {
			continue
		}
		perCall := 0.0
		if calls > 0 {
			perCall = float64(nsec) / 1000 / float64(calls)
		}
		w.str("cmdstat_"+e.name, "calls="+strconv.FormatInt(calls, 10)+
			",usec="+strconv.FormatInt(usec, 10)+
			",usec_per_call="+strconv.FormatFloat(perCall, 'f', 2, 64)+
			",rejected_calls="+strconv.FormatInt(rejected, 10)+
			",failed_calls="+strconv.FormatInt(failed, 10))
	}
}

// infoMemory writes INFO memory. used_memory is the store's estimate of
// what its data holds (embedis.Tx.UsedMemory), what maxmemory limits, as
// Redis's used_memory is what its allocator handed out; the allocator_*
// and rss figures are the Go runtime's, so mem_fragmentation_ratio (the
// process's memory from the OS over used_memory) shows what the runtime
// adds: garbage not yet collected, free spans, stacks.
func (s *Server) infoMemory(w *infoWriter, tx *embedis.Tx) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	cf := s.cfg
	est, _ := tx.UsedMemory()
	used := uint64(max(est, 0))
	peak := cf.peakMemory.Load()
	for used > peak && !cf.peakMemory.CompareAndSwap(peak, used) {
		peak = cf.peakMemory.Load()
	}
	peak = max(peak, used)
	ec, _ := tx.Eviction()
	maxmem := ec.MaxMemory
	w.section("Memory")
	w.uint("used_memory", used)
	w.str("used_memory_human", bytesToHuman(used))
	w.uint("used_memory_rss", ms.Sys)
	w.str("used_memory_rss_human", bytesToHuman(ms.Sys))
	w.uint("used_memory_peak", peak)
	w.str("used_memory_peak_human", bytesToHuman(peak))
	w.str("used_memory_peak_perc", percent(used, peak))
	w.zeros("used_memory_overhead", "used_memory_startup")
	w.uint("used_memory_dataset", used)
	w.str("used_memory_dataset_perc", percent(used, used))
	w.uint("allocator_allocated", ms.HeapAlloc)
	w.uint("allocator_active", ms.HeapInuse)
	w.uint("allocator_resident", ms.HeapSys)
	w.str("total_system_memory", "0")
	w.str("total_system_memory_human", "0B")
	w.str("used_memory_lua", "0")
	w.str("used_memory_vm_eval", "0")
	w.str("used_memory_lua_human", "0B")
	w.zeros("used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions",
		"number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total")
	w.str("used_memory_vm_total_human", "0B")
	w.zeros("used_memory_functions", "used_memory_scripts")
	w.str("used_memory_scripts_human", "0B")
	w.uint("maxmemory", maxmem)
	w.str("maxmemory_human", bytesToHuman(maxmem))
	w.str("maxmemory_policy", ec.Policy)
	w.str("allocator_frag_ratio", ratio(ms.HeapInuse, ms.HeapAlloc))
	w.int("allocator_frag_bytes", int64(ms.HeapInuse)-int64(ms.HeapAlloc))
	w.str("allocator_rss_ratio", ratio(ms.HeapSys, ms.HeapInuse))
	w.int("allocator_rss_bytes", int64(ms.HeapSys)-int64(ms.HeapInuse))
	w.str("rss_overhead_ratio", ratio(ms.Sys, ms.HeapSys))
	w.int("rss_overhead_bytes", int64(ms.Sys)-int64(ms.HeapSys))
	w.str("mem_fragmentation_ratio", ratio(ms.Sys, used))
	w.int("mem_fragmentation_bytes", int64(ms.Sys)-int64(used))
	w.zeros("mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers",
		"mem_clients_slaves", "mem_clients_normal", "mem_cluster_links", "mem_aof_buffer")
	w.str("mem_allocator", "go")
	w.zeros("active_defrag_running", "lazyfree_pending_objects", "lazyfreed_objects")
}

// bytesToHuman is Redis's bytesToHuman: 1023B, 1.00K, 1.50M, ….
func bytesToHuman(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + "B"
	}
	d := float64(n)
	for _, suffix := range []string{"K", "M", "G", "T", "P"} {
		d /= unit
		if d < unit || suffix == "P" {
			return strconv.FormatFloat(d, 'f', 2, 64) + suffix
		}
	}
	return strconv.FormatUint(n, 10) + "B"
}

func ratio(a, b uint64) string {
	if b == 0 {
		return "0.00"
	}
	return strconv.FormatFloat(float64(a)/float64(b), 'f', 2, 64)
}

func percent(a, b uint64) string {
	if b == 0 {
		return "0.00%"
	}
	return strconv.FormatFloat(float64(a)*100/float64(b), 'f', 2, 64) + "%"
}

// formatSeconds formats a duration as Redis's "%ld.%06ld" seconds.
func formatSeconds(d time.Duration) string {
	us := d.Microseconds()
	frac := strconv.FormatInt(us%1e6, 10)
	return strconv.FormatInt(us/1e6, 10) + "." + strings.Repeat("0", 6-len(frac)) + frac
}

// osName is INFO's os field, in the form of Redis's uname output
// ("Linux x86_64").
func osName() string {
	name := runtime.GOOS
	switch name {
	case "linux":
		name = "Linux"
	case "darwin":
		name = "Darwin"
	case "freebsd":
		name = "FreeBSD"
	case "windows":
		name = "Windows"
	}
	arch := runtime.GOARCH
	switch arch {
	case "amd64":
		arch = "x86_64"
	case "arm64":
		if runtime.GOOS == "linux" {
			arch = "aarch64"
		}
	case "386":
		arch = "i686"
	}
	return name + " " + arch
}

// multiplexingAPI names the poller Go's network runtime uses.
func multiplexingAPI() string {
	switch runtime.GOOS {
	case "linux", "android":
		return "epoll"
	case "darwin", "ios", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	case "windows":
		return "iocp"
	case "solaris", "illumos":
		return "evport"
	}
	return "poll"
}
