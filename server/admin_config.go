package server

import (
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/glob"
	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/persist"
)

// CONFIG: every parameter of Redis 7.0.15 is known (admin_config_defaults.go)
// and CONFIG GET shows the value in effect, which is Redis's default unless
// embedis honours a change. CONFIG SET checks values as Redis does for the
// parameter's type and keeps them, all or none. Each parameter has a class
// (configClass): the honoured ones take effect (requirepass, maxclients,
// proto-max-bulk-len, client-output-buffer-limit's normal and pubsub
// classes with their hard and soft limits and seconds (conn.go, pubsub.go;
// the replica class has no clients to apply to), tcp-keepalive for the
// connections accepted after it, notify-keyspace-events (the store's,
// Tx.SetNotifyKeyspaceEvents), timeout, save (the
// save points, savepoints.go), shutdown-on-sigterm and shutdown-on-sigint
// (Server.Shutdown), stop-writes-on-bgsave-error (MISCONF); dir and
// dbfilename, set by Options and protected as in Redis 7.0, name the file
// SAVE and BGSAVE write; appendonly and appendfsync switch the append-only
// log at run time as in Redis, and appenddirname is immutable (aof.go)); the
// harmless ones are accepted and shown, and change nothing a client can
// observe; the refused ones ask for behaviour embedis does not have yet, and
// CONFIG SET answers them with an error naming the parameter unless the
// value is the one in effect. No setting may say OK to a promise embedis does
// not keep: a user who set appendonly or maxmemory and was told OK would
// believe the data safe or the memory bounded.

// configParam is one row of configTable.
type configParam struct {
	name    string // as CONFIG GET shows it
	def     string // Redis 7.0.15's default, as CONFIG GET shows it
	aliasOf string // the canonical parameter whose value this alias shares
	kind    configKind
	flags   configFlags
	min     int64 // bounds of cfgInt and cfgMemory values
	max     int64
	class   configClass
}

// configClass says what embedis does with a parameter's value. The zero
// value is no class: TestConfigEveryParameterClassified fails on it.
type configClass uint8

const (
	cfgUnclassified configClass = iota
	// cfgHonoured: embedis does what the value says (or, for an immutable
	// parameter, what it shows is true of embedis).
	cfgHonoured
	// cfgHarmless: tuning of an internal of Redis's with no contract a
	// client can observe in embedis (defragmentation, rehashing, hz, lazy
	// freeing, logging, the process title, OOM score), or a knob of a
	// subsystem that is inert in Redis too in embedis's state: cluster-*
	// (cluster-enabled is no and immutable), the master side's repl-* and
	// replica-* (embedis serves no SYNC or PSYNC yet, so it has no
	// replicas), repl-diskless-load (the replica spools the master's file
	// to a temporary file and loads it from there, whatever it says; only
	// memory and disk use differ), tls-* other than tls-port (no TLS listener), ACL (no ACL
	// users), sanitize-dump-payload (RESTORE decodes and checks every
	// payload whole, whatever it says: a payload Redis's sanitizer refuses
	// fails either way), latency-tracking (INFO latencystats stays empty: a
	// report, not a contract). Accepted and shown.
	cfgHarmless

	// The refused classes, each with its reason in configRefusals: CONFIG
	// SET accepts only the value in effect (see configAccepts).
	cfgNoPersistence      // the aof-*/rdb-* knobs embedis does not implement
	cfgPersistAtOpen      // auto-aof-rewrite-*: set when the data directory is opened
	cfgNoMemoryLimit      // maxmemory-clients and lazyfree-lazy-eviction (maxmemory and its policy are honoured: evict.go)
	cfgNoLatencyMonitor   // latency-monitor-threshold
	cfgNoSlowlog          // slowlog-*
	cfgNoTLS              // tls-port would open a TLS listener
	cfgFixedListeners     // port and bind move Redis's listeners
	cfgNoProtectedMode    // protected-mode
	cfgNoQueryBufferLimit // client-query-buffer-limit
	cfgNoReplicaGuard     // min-replicas-* (a master refusing writes without replicas), replica-serve-stale-data
	// cfgFixedEncodings: the encoding thresholds decide what OBJECT
	// ENCODING reports and, for some types, the order of replies (a set of
	// at most set-max-intset-entries integers is listed in ascending
	// order); embedis keeps Redis's defaults, so another value would make
	// its replies differ from Redis's.
	cfgFixedEncodings
)

// refused reports whether CONFIG SET refuses values other than the one in
// effect.
func (c configClass) refused() bool { return c >= cfgNoPersistence }

// configRefusals are the reasons CONFIG SET gives for the refused classes,
// in Redis's error shape "ERR CONFIG SET failed (possibly related to
// argument 'X') - <reason>". The reason texts are embedis's own: Redis has
// no such errors.
var configRefusals = map[configClass]string{
	cfgNoPersistence:      "embedis does not implement this persistence setting (its log and snapshots behave as the default value says)",
	cfgPersistAtOpen:      "embedis sets automatic log compaction when the data directory is opened (persist.Options.AutoCompactPercent and AutoCompactMinSize), not at run time",
	cfgNoMemoryLimit:      "embedis does not implement client eviction or lazy freeing of evicted keys yet",
	cfgNoLatencyMonitor:   "embedis does not implement the latency monitor yet",
	cfgNoSlowlog:          "embedis does not implement the slow log yet",
	cfgNoTLS:              "embedis does not implement TLS yet",
	cfgFixedListeners:     "embedis does not change its listeners at run time",
	cfgNoProtectedMode:    "embedis does not implement protected mode yet",
	cfgNoQueryBufferLimit: "embedis does not implement client-query-buffer-limit yet",
	cfgNoReplicaGuard:     "embedis does not implement this replication setting yet (it serves replicas no stream, and a replica of it serves stale data)",
	cfgFixedEncodings:     "embedis keeps Redis's default encoding thresholds",
}

// configInEffect are the parameters whose value in effect differs from
// Redis's default (configParam.def): CONFIG GET shows embedis's, and CONFIG
// SET of a refused one accepts it. protected-mode: embedis does not refuse
// unauthenticated clients from other hosts, so it shows no. (save shows the
// save points in effect, Options.SavePoints unless CONFIG SET changed them:
// none in a Server whose Options name none.)
var configInEffect = map[string]string{
	"protected-mode": "no",
}

type configKind uint8

const (
	cfgString        configKind = iota // any value
	cfgBool                            // yes or no
	cfgEnum                            // one of configEnums[name]
	cfgInt                             // an integer (string2ll) within min..max
	cfgMemory                          // a memory value (1gb, 5k, …) within min..max
	cfgMemoryPercent                   // a memory value, or a percentage (5%)
	cfgSpecial                         // its own parser, in configSpecial
)

type configFlags uint8

const (
	cfgImmutable configFlags = 1 << iota // CONFIG SET refuses it
	cfgProtected                         // CONFIG SET refuses it (enable-protected-configs is no)
	cfgHidden                            // CONFIG GET matches it only by its exact name
	cfgUnsigned                          // a memory value with no bounds but uint64's
)

// canonical returns the name of the parameter that holds p's value.
func (p *configParam) canonical() string {
	if p.aliasOf != "" {
		return p.aliasOf
	}
	return p.name
}

// configByName indexes configTable by lower-case name.
var configByName = func() map[string]*configParam {
	m := make(map[string]*configParam, len(configTable))
	for i := range configTable {
		m[configTable[i].name] = &configTable[i]
	}
	return m
}()

func lookupConfig(name string) *configParam {
	if p, ok := configByName[name]; ok {
		return p
	}
	return configByName[strings.ToLower(name)]
}

// enumValue is one name of an enumerated parameter; names may share a value
// (oom-score-adj's yes and relative), and CONFIG GET shows the first.
type enumValue struct {
	name string
	val  int
}

// configEnums are the names of the enumerated parameters that CONFIG SET
// can change, in Redis's order (its error message lists them so).
var configEnums = map[string][]enumValue{
	"acl-pubsub-default":              {{"allchannels", 1}, {"resetchannels", 0}},
	"appendfsync":                     {{"everysec", 2}, {"always", 1}, {"no", 0}},
	"cluster-preferred-endpoint-type": {{"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}},
	"loglevel":                        {{"debug", 0}, {"verbose", 1}, {"notice", 2}, {"warning", 3}},
	"maxmemory-policy": {{"volatile-lru", 0}, {"volatile-lfu", 1}, {"volatile-random", 2}, {"volatile-ttl", 3},
		{"allkeys-lru", 4}, {"allkeys-lfu", 5}, {"allkeys-random", 6}, {"noeviction", 7}},
	"oom-score-adj":              {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}},
	"propagation-error-behavior": {{"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}},
	"repl-diskless-load":         {{"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}},
	"sanitize-dump-payload":      {{"no", 0}, {"yes", 1}, {"clients", 2}},
	"shutdown-on-sigint":         shutdownFlags,
	"shutdown-on-sigterm":        shutdownFlags,
	"tls-auth-clients":           {{"no", 0}, {"yes", 1}, {"optional", 2}},
}

// shutdownFlags are bit flags: the value is a space-separated set of them.
var shutdownFlags = []enumValue{{"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}}

// configSpecial are the parsers of the cfgSpecial parameters: each returns
// the value as CONFIG GET will show it, or Redis's error text.
var configSpecial = map[string]func(cf *config, v string) (string, string){
	"save":                              func(_ *config, v string) (string, string) { return parseSaveParams(v) },
	"client-output-buffer-limit":        parseClientOutputBufferLimit,
	"oom-score-adj-values":              func(_ *config, v string) (string, string) { return parseOOMScoreAdjValues(v) },
	"notify-keyspace-events":            func(_ *config, v string) (string, string) { return parseKeyspaceEvents(v) },
	"bind":                              func(_ *config, v string) (string, string) { return parseBind(v) },
	"latency-tracking-info-percentiles": func(_ *config, v string) (string, string) { return parsePercentiles(v) },
	"proc-title-template":               parseProcTitleTemplate,
	"cluster-announce-hostname":         func(_ *config, v string) (string, string) { return parseAnnouncedHostname(v) },
}

var configSubcommands map[string]*subcommand

func init() {
	admin := []string{"admin", "noscript", "loading", "stale"}
	configSubcommands = map[string]*subcommand{
		"get": {name: "config|get", arity: -3, flags: admin, acl: "", since: "2.0.0",
			summary: "Get the values of configuration parameters", complexity: "O(N) when N is the number of configuration parameters provided",
			run: cmdConfigGet},
		"set": {name: "config|set", arity: -4, flags: admin, tips: []string{"request_policy:all_nodes", "response_policy:all_succeeded"}, since: "2.0.0",
			summary: "Set configuration parameters to the given values", complexity: "O(N) when N is the number of configuration parameters provided",
			run: cmdConfigSet},
		"resetstat": {name: "config|resetstat", arity: 2, flags: admin, since: "2.0.0",
			summary: "Reset the stats returned by INFO", complexity: "O(1)", run: cmdConfigResetStat},
		"rewrite": {name: "config|rewrite", arity: 2, flags: admin, since: "2.8.0",
			summary: "Rewrite the configuration file with the in memory configuration", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) {
				c.w.writeErrorText("ERR The server is running without a config file")
			}},
		"help": {name: "config|help", arity: 2, flags: []string{"loading", "stale"}, since: "5.0.0",
			summary: "Show helpful text about the different subcommands", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) {
				writeHelp(c, "CONFIG", []string{
					"GET <pattern>",
					"    Return parameters matching the glob-like <pattern> and their values.",
					"SET <directive> <value>",
					"    Set the configuration <directive> to <value>.",
					"RESETSTAT",
					"    Reset statistics reported by the INFO command.",
					"REWRITE",
					"    Rewrite the configuration file.",
				})
			}},
	}
}

func cmdConfig(c *conn, tx *embedis.Tx, args []string) {
	runSubcommand(c, tx, args, configSubcommands)
}

// cmdConfigGet is CONFIG GET pattern [pattern ...]: a name without glob
// characters is looked up (hidden parameters too) and echoed as given; a
// pattern matches the names, case-insensitively. Each parameter appears
// once.
func cmdConfigGet(c *conn, tx *embedis.Tx, args []string) {
	type match struct {
		key string
		p   *configParam
	}
	var matches []match
	seen := make(map[string]bool)
	for _, pat := range args[2:] {
		if !strings.ContainsAny(pat, "[*?") {
			p := lookupConfig(pat)
			if p == nil || seen[strings.ToLower(pat)] {
				continue
			}
			seen[strings.ToLower(pat)] = true
			matches = append(matches, match{pat, p})
			continue
		}
		g := glob.CompileFold(pat)
		for i := range configTable {
			p := &configTable[i]
			if p.flags&cfgHidden != 0 || seen[p.name] || !g.Match(p.name) {
				continue
			}
			seen[p.name] = true
			matches = append(matches, match{p.name, p})
		}
	}
	c.w.WriteMapLen(len(matches))
	for _, m := range matches {
		c.w.WriteBulk(m.key)
		c.w.WriteBulk(c.srv.cfg.value(tx, m.p))
	}
}

// value returns the parameter's value as CONFIG GET shows it.
func (cf *config) value(tx *embedis.Tx, p *configParam) string {
	switch name := p.canonical(); name {
	case "dir":
		return cf.srv.persist.dir
	case "dbfilename":
		return cf.srv.persist.file
	case "save":
		return FormatSavePoints(cf.srv.persist.savePoints())
	case "appendonly", "appendfsync", "appenddirname":
		return cf.srv.persist.aofConfig(name)
	case "port":
		port, _ := cf.srv.listenerInfo()
		return strconv.Itoa(port)
	case "bind":
		if addrs := cf.srv.bindAddrs(); addrs != "" {
			return addrs
		}
		return p.def // no TCP listener: bind binds nothing
	case "unixsocket":
		_, path := cf.srv.listenerInfo()
		return path
	case "databases":
		return strconv.Itoa(databaseCount(tx))
	case "maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity",
		"lfu-log-factor", "lfu-decay-time":
		ec, _ := tx.Eviction()
		return evictionValue(ec, name)
	case "list-max-listpack-size":
		n, _ := tx.ListMaxListpackSize()
		return strconv.Itoa(n)
	case "proto-max-bulk-len":
		lim, _ := tx.Limits()
		return strconv.FormatInt(lim.MaxStringLength, 10)
	case "hll-sparse-max-bytes":
		lim, _ := tx.Limits()
		return strconv.FormatInt(lim.HLLSparseMaxBytes, 10)
	case "io-threads":
		// The OS threads that run Go code, connections' reads and writes
		// included (embedis-server's --io-threads sets it).
		return strconv.Itoa(runtime.GOMAXPROCS(0))
	default:
		return cf.get(name)
	}
}

// evictionValue returns the eviction parameter name of ec as CONFIG GET
// shows it.
func evictionValue(ec embedis.EvictionConfig, name string) string {
	switch name {
	case "maxmemory":
		return strconv.FormatUint(ec.MaxMemory, 10)
	case "maxmemory-policy":
		return ec.Policy
	case "maxmemory-samples":
		return strconv.Itoa(ec.Samples)
	case "maxmemory-eviction-tenacity":
		return strconv.Itoa(ec.Tenacity)
	case "lfu-log-factor":
		return strconv.Itoa(ec.LFULogFactor)
	}
	return strconv.Itoa(ec.LFUDecayTime)
}

// setEviction sets the eviction parameter name of ec to v, a value parse
// accepted.
func setEviction(ec *embedis.EvictionConfig, name, v string) {
	if name == "maxmemory" {
		ec.MaxMemory, _ = strconv.ParseUint(v, 10, 64)
		return
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	switch name {
	case "maxmemory-policy":
		ec.Policy = v
	case "maxmemory-samples":
		ec.Samples = int(n)
	case "maxmemory-eviction-tenacity":
		ec.Tenacity = int(n)
	case "lfu-log-factor":
		ec.LFULogFactor = int(n)
	default:
		ec.LFUDecayTime = int(n)
	}
}

// databaseCount returns the number of databases of the store.
func databaseCount(tx *embedis.Tx) int { return tx.Databases() }

// cmdConfigSet is CONFIG SET name value [name value ...]: all the values are
// checked before any is kept, so it changes all of them or none.
func cmdConfigSet(c *conn, tx *embedis.Tx, args []string) {
	pairs := args[2:]
	if len(pairs)%2 != 0 {
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	n := len(pairs) / 2
	params := make([]*configParam, n)
	// The names first, in order: the first problem is the one reported.
	for i := 0; i < n; i++ {
		name := pairs[2*i]
		p := lookupConfig(name)
		if p == nil {
			c.w.writeErrorText("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'")
			return
		}
		switch {
		case p.flags&cfgImmutable != 0:
			c.w.writeErrorText(configSetFailed(name, "can't set immutable config"))
			return
		case p.flags&cfgProtected != 0:
			c.w.writeErrorText(configSetFailed(name, "can't set protected config"))
			return
		}
		for j := 0; j < i; j++ {
			if params[j] == p {
				c.w.writeErrorText(configSetFailed(name, "duplicate parameter"))
				return
			}
		}
		params[i] = p
	}
	values := make([]string, n)
	cf := c.srv.cfg
	for i, p := range params {
		v, msg := cf.parse(p, pairs[2*i+1])
		if msg != "" {
			c.w.writeErrorText(configSetFailed(p.name, msg))
			return
		}
		values[i] = v
	}
	// The refusals last, once every value parsed: a malformed value gets
	// Redis's error, as it would from Redis.
	for i, p := range params {
		if msg := cf.refusal(tx, p, values[i]); msg != "" {
			c.w.writeErrorText(configSetFailed(p.name, msg))
			return
		}
	}
	for i, p := range params {
		if p.canonical() == "notify-keyspace-events" {
			// The value as given: its canonical form, as Redis shows it,
			// drops n next to A.
			tx.SetNotifyKeyspaceEvents(pairs[2*i+1])
		}
	}
	if f := cf.apply(tx, params, values); f != nil {
		if prev := c.offOwner; prev != nil { // a FLUSHALL earlier in one EXEC
			c.offOwner = func() { prev(); f() }
		} else {
			c.offOwner = f
		}
	}
	c.w.WriteStatus("OK")
}

// refusal returns the reason CONFIG SET refuses the parsed value v for p, or
// "" if it may be kept: a refused parameter takes only the value in effect.
func (cf *config) refusal(tx *embedis.Tx, p *configParam, v string) string {
	if p.name == "appendonly" && v == "yes" && !cf.srv.persist.canAppendOnly() {
		return errNoAppendLog
	}
	if !p.class.refused() || v == cf.value(tx, p) {
		return ""
	}
	return configRefusals[p.class]
}

func configSetFailed(name, msg string) string {
	return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + msg
}

// parse checks a value for p as Redis's CONFIG SET does and returns it as
// CONFIG GET will show it, or Redis's error text.
func (cf *config) parse(p *configParam, v string) (string, string) {
	name := p.canonical()
	switch p.kind {
	case cfgBool:
		switch {
		case strings.EqualFold(v, "yes"):
			if name == "activedefrag" {
				return "", "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"
			}
			return "yes", ""
		case strings.EqualFold(v, "no"):
			return "no", ""
		}
		return "", "argument must be 'yes' or 'no'"
	case cfgEnum:
		return parseEnum(name, v)
	case cfgInt:
		n, ok := number.ParseInt(v)
		if !ok {
			return "", "argument couldn't be parsed into an integer"
		}
		if n < p.min || n > p.max {
			return "", boundsError(p)
		}
		if name == "hz" { // Redis keeps hz within 1..500
			n = min(max(n, 1), 500)
		}
		return strconv.FormatInt(n, 10), ""
	case cfgMemory, cfgMemoryPercent:
		u, ok := memToUint64(v)
		var n int64
		switch {
		case ok:
			n = int64(u)
		case p.kind == cfgMemoryPercent && len(v) > 1 && v[len(v)-1] == '%':
			pct, ok := number.ParseInt(v[:len(v)-1])
			if !ok || pct < 0 {
				return "", "argument must be a memory or percent value"
			}
			n = -pct
		case p.kind == cfgMemoryPercent:
			return "", "argument must be a memory or percent value"
		default:
			return "", "argument must be a memory value"
		}
		if p.flags&cfgUnsigned != 0 {
			return strconv.FormatUint(u, 10), ""
		}
		if p.kind == cfgMemoryPercent && n < 0 {
			if n < p.min {
				return "", "percentage argument must be less or equal to " + strconv.FormatInt(-p.min, 10)
			}
			return strconv.FormatInt(-n, 10) + "%", ""
		}
		if n < p.min || n > p.max {
			return "", boundsError(p)
		}
		if name == "repl-backlog-size" { // Redis's smallest backlog
			n = max(n, 16*1024)
		}
		return strconv.FormatUint(uint64(n), 10), ""
	case cfgSpecial:
		if f := configSpecial[name]; f != nil {
			return f(cf, v)
		}
	}
	return v, ""
}

func boundsError(p *configParam) string {
	return "argument must be between " + strconv.FormatInt(p.min, 10) + " and " + strconv.FormatInt(p.max, 10) + " inclusive"
}

// parseEnum parses an enumerated value; the bit-flag ones (shutdown-on-*)
// take a space-separated set.
func parseEnum(name, v string) (string, string) {
	names := configEnums[name]
	bitflags := name == "shutdown-on-sigint" || name == "shutdown-on-sigterm"
	words := []string{v}
	if bitflags {
		words = splitConfigArgs(v)
	}
	val, ok := 0, len(words) > 0
	for _, w := range words {
		matched := false
		for _, e := range names {
			if strings.EqualFold(w, e.name) {
				val |= e.val
				matched = true
			}
		}
		ok = ok && matched
	}
	if !ok {
		list := make([]string, len(names))
		for i, e := range names {
			list[i] = e.name
		}
		return "", "argument(s) must be one of the following: " + strings.Join(list, ", ")
	}
	if bitflags && val&1 != 0 && val&2 != 0 {
		return "", "shutdown options SAVE and NOSAVE can't be used simultaneously"
	}
	return enumName(names, val, bitflags), ""
}

// enumName is Redis's configEnumGetName: the name with exactly the value,
// else (bit flags) the names of its bits.
func enumName(names []enumValue, val int, bitflags bool) string {
	var set []string
	rest := val
	for _, e := range names {
		if e.val == val {
			return e.name
		}
		if bitflags && e.val != 0 && rest&e.val == e.val {
			set = append(set, e.name)
			rest &^= e.val
		}
	}
	if len(set) == 0 || rest != 0 {
		return "unknown"
	}
	return strings.Join(set, " ")
}

// splitConfigArgs splits a multi-value parameter at each space, as Redis's
// sdssplitlen: empty words are kept, and "" has none.
func splitConfigArgs(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, " ")
}

// memToUint64 is Redis's memtoull: digits and an optional unit (b, k, kb,
// m, mb, g, gb, any case; k is 1000, kb 1024); overflow wraps as in C.
func memToUint64(s string) (uint64, bool) {
	if strings.HasPrefix(s, "-") {
		return 0, false
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i >= 128 {
		return 0, false
	}
	var val uint64
	for _, d := range s[:i] {
		digit := uint64(d - '0')
		if val > math.MaxUint64/10 || (val == math.MaxUint64/10 && digit > math.MaxUint64%10) {
			val = math.MaxUint64 // strtoull saturates
			break
		}
		val = val*10 + digit
	}
	return val * mul, true
}

// strtoll is C's strtoll in base 10 with the check Redis makes after it:
// leading white space and a sign are allowed, the value saturates, and ok
// reports whether the whole string was consumed. A string with no digits
// gives 0, consumed only if it was empty.
func strtoll(s string) (int64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	over := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		if v > (1<<63)/10 || (v == (1<<63)/10 && s[i] > '8') {
			over = true
		} else {
			v = v*10 + uint64(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, s == ""
	}
	var n int64
	switch {
	case neg && (over || v > 1<<63):
		n = math.MinInt64
	case neg:
		n = -int64(v)
	case over || v > math.MaxInt64:
		n = math.MaxInt64
	default:
		n = int64(v)
	}
	return n, i == len(s)
}

// parseSaveParams parses save: pairs of seconds (at least 1) and changes
// (at least 0).
func parseSaveParams(v string) (string, string) {
	words := splitConfigArgs(v)
	const bad = errInvalidSave
	if len(words)%2 != 0 {
		return "", bad
	}
	parts := make([]string, len(words))
	for j, w := range words {
		n, ok := strtoll(w)
		if !ok || (j%2 == 0 && n < 1) || (j%2 == 1 && n < 0) {
			return "", bad
		}
		if j%2 == 1 {
			n = int64(int32(n)) // changes is a C int
		}
		parts[j] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, " "), ""
}

// outputBufferLimits are client-output-buffer-limit's classes: normal,
// slave (replica) and pubsub.
type outputBufferLimits [3]outputBufferLimit

// outputBufferLimit is one class's limits: bytes (0: none) and seconds.
type outputBufferLimit struct {
	hard, soft uint64
	seconds    int64
}

var outputBufferClasses = [3]string{"normal", "slave", "pubsub"}

// String formats the limits as CONFIG GET shows them.
func (l outputBufferLimits) String() string {
	var b strings.Builder
	for i, c := range l {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(outputBufferClasses[i])
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(c.hard, 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatUint(c.soft, 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(c.seconds, 10))
	}
	return b.String()
}

// parseOutputBufferLimits parses groups of "class hard soft seconds" over
// the limits in cur (CONFIG GET's form); classes not named keep theirs.
func parseOutputBufferLimits(v, cur string) (outputBufferLimits, string) {
	var l outputBufferLimits
	if cur != "" {
		l, _ = parseOutputBufferLimits(cur, "")
	}
	words := splitConfigArgs(v)
	if len(words)%4 != 0 {
		return l, "Wrong number of arguments in buffer limit configuration."
	}
	next := l
	for j := 0; j < len(words); j += 4 {
		class := -1
		switch strings.ToLower(words[j]) {
		case "normal":
			class = 0
		case "slave", "replica":
			class = 1
		case "pubsub":
			class = 2
		}
		if class < 0 {
			return l, "Invalid client class specified in buffer limit configuration."
		}
		hard, ok1 := memToUint64(words[j+1])
		soft, ok2 := memToUint64(words[j+2])
		secs, ok3 := strtoll(words[j+3])
		secs = int64(int32(secs)) // a C int
		if !ok1 || !ok2 || !ok3 || secs < 0 {
			return l, "Error in hard, soft or soft_seconds setting in buffer limit configuration."
		}
		next[class].hard, next[class].soft, next[class].seconds = hard, soft, secs
	}
	return next, ""
}

func parseClientOutputBufferLimit(cf *config, v string) (string, string) {
	l, msg := parseOutputBufferLimits(v, cf.get("client-output-buffer-limit"))
	if msg != "" {
		return "", msg
	}
	return l.String(), ""
}

func parseOOMScoreAdjValues(v string) (string, string) {
	words := splitConfigArgs(v)
	if len(words) != 3 {
		return "", "wrong number of arguments"
	}
	parts := make([]string, 3)
	for i, w := range words {
		n, ok := strtoll(w)
		if !ok || n < -2000 || n > 2000 {
			return "", "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
		}
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, " "), ""
}

// The classes of notify-keyspace-events, as Redis's flags.
const (
	notifyKeyspace = 1 << iota
	notifyKeyevent
	notifyGeneric
	notifyString
	notifyList
	notifySet
	notifyHash
	notifyZset
	notifyExpired
	notifyEvicted
	notifyStream
	notifyKeyMiss
	notifyLoaded
	notifyModule
	notifyNew
	notifyAll = notifyGeneric | notifyString | notifyList | notifySet | notifyHash | notifyZset |
		notifyExpired | notifyEvicted | notifyStream | notifyModule
)

// parseKeyspaceEvents parses notify-keyspace-events and returns it in
// Redis's canonical form ("KEA" is shown as "AKE").
func parseKeyspaceEvents(v string) (string, string) {
	flags := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case 'A':
			flags |= notifyAll
		case 'g':
			flags |= notifyGeneric
		case '$':
			flags |= notifyString
		case 'l':
			flags |= notifyList
		case 's':
			flags |= notifySet
		case 'h':
			flags |= notifyHash
		case 'z':
			flags |= notifyZset
		case 'x':
			flags |= notifyExpired
		case 'e':
			flags |= notifyEvicted
		case 'K':
			flags |= notifyKeyspace
		case 'E':
			flags |= notifyKeyevent
		case 't':
			flags |= notifyStream
		case 'm':
			flags |= notifyKeyMiss
		case 'd':
			flags |= notifyModule
		case 'n':
			flags |= notifyNew
		default:
			return "", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
		}
	}
	var b strings.Builder
	if flags&notifyAll == notifyAll {
		b.WriteByte('A')
	} else {
		for _, f := range []struct {
			bit int
			c   byte
		}{{notifyGeneric, 'g'}, {notifyString, '$'}, {notifyList, 'l'}, {notifySet, 's'}, {notifyHash, 'h'},
			{notifyZset, 'z'}, {notifyExpired, 'x'}, {notifyEvicted, 'e'}, {notifyStream, 't'}, {notifyModule, 'd'},
			{notifyNew, 'n'}} {
			if flags&f.bit != 0 {
				b.WriteByte(f.c)
			}
		}
	}
	if flags&notifyKeyspace != 0 {
		b.WriteByte('K')
	}
	if flags&notifyKeyevent != 0 {
		b.WriteByte('E')
	}
	if flags&notifyKeyMiss != 0 {
		b.WriteByte('m')
	}
	return b.String(), ""
}

func parseBind(v string) (string, string) {
	if len(splitConfigArgs(v)) > 16 {
		return "", "Too many bind addresses specified."
	}
	return v, ""
}

func parsePercentiles(v string) (string, string) {
	words := splitConfigArgs(v)
	parts := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w[:1], " \t\n\v\f\r") {
			return "", "Invalid latency-tracking-info-percentiles parameters"
		}
		f, err := strconv.ParseFloat(w, 64)
		if err != nil || math.IsNaN(f) {
			return "", "Invalid latency-tracking-info-percentiles parameters"
		}
		if f > 100 || f < 0 {
			return "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
		}
		s := strconv.FormatFloat(f, 'f', 6, 64)
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
		parts[i] = s
	}
	return strings.Join(parts, " "), ""
}

// parseProcTitleTemplate checks the template as Redis does: every {name}
// is a known variable and the expanded title is not blank.
func parseProcTitleTemplate(cf *config, v string) (string, string) {
	const bad = "template format is invalid or contains unknown variables"
	port, unixPath := cf.srv.listenerInfo()
	listen := "*:" + strconv.Itoa(port)
	if port == 0 {
		listen = "unixsocket:" + unixPath
	}
	vars := map[string]string{
		"title": "", "listen-addr": listen, "server-mode": "",
		"port": strconv.Itoa(port), "tls-port": "0", "unixsocket": unixPath, "config-file": "-",
	}
	var out strings.Builder
	for p := v; p != ""; {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			out.WriteString(p)
			break
		}
		out.WriteString(p[:i])
		p = p[i+1:]
		if p == "" {
			return "", bad
		}
		if p[0] == '{' {
			out.WriteByte('{')
			p = p[1:]
			continue
		}
		j := strings.IndexByte(p, '}')
		if j < 0 {
			return "", bad
		}
		val, ok := vars[p[:j]]
		if !ok {
			return "", bad
		}
		out.WriteString(val)
		p = p[j+1:]
	}
	if strings.Trim(out.String(), " ") == "" {
		return "", bad
	}
	return v, ""
}

func parseAnnouncedHostname(v string) (string, string) {
	if len(v) >= 256 {
		return "", "Hostnames must be less than 256 characters"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", "Hostnames may only contain alphanumeric characters, hyphens or dots"
		}
	}
	return v, ""
}

// apply keeps checked values and puts into effect those embedis honours.
// It returns work to run off the owner before the reply leaves (the stop
// of the append-only log), or nil.
func (cf *config) apply(tx *embedis.Tx, params []*configParam, values []string) (offOwner func()) {
	cf.mu.Lock()
	for i, p := range params {
		name := p.canonical()
		cf.values[name] = values[i]
	}
	cf.mu.Unlock()
	s := cf.srv
	for i, p := range params {
		v := values[i]
		switch p.canonical() {
		case "maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-eviction-tenacity",
			"lfu-log-factor", "lfu-decay-time":
			// Checked by parse against the same bounds as EvictionConfig's.
			ec, _ := tx.Eviction()
			setEviction(&ec, p.canonical(), v)
			tx.ConfigureEviction(ec)
		case "replica-ignore-maxmemory":
			s.syncIgnoreMaxMemory(tx)
		case "list-max-listpack-size":
			// Checked by parse against the setting's 32-bit bounds.
			n, _ := strconv.Atoi(v)
			tx.SetListMaxListpackSize(n)
		case "tracking-table-max-keys":
			n, _ := strconv.ParseInt(v, 10, 64)
			tx.SetTrackingTableMaxKeys(n)
		case "busy-reply-threshold":
			n, _ := strconv.ParseInt(v, 10, 64)
			s.store.SetBusyReplyThreshold(time.Duration(min(n, math.MaxInt64/int64(time.Millisecond))) * time.Millisecond)
		case "maxclients":
			n, _ := strconv.Atoi(v)
			s.mu.Lock()
			s.opts.MaxClients = n
			s.mu.Unlock()
		case "save":
			s.persist.setSavePoints(savePointsOf(v))
		case "appendonly":
			if f := s.persist.setAppendOnly(v == "yes"); f != nil {
				offOwner = f
			}
		case "appendfsync":
			f, _ := persist.ParseFsync(v)
			s.persist.setAppendFsync(f)
		case "stop-writes-on-bgsave-error":
			s.persist.setStopWritesOnError(v == "yes")
		case "timeout":
			if v != "0" {
				s.startIdleCheck()
			}
		case "proto-max-bulk-len":
			// The wire's limit is the store's (Store.MaxStringLength).
			n, _ := strconv.ParseInt(v, 10, 64)
			lim, _ := tx.Limits()
			lim.MaxStringLength = n
			tx.SetLimits(lim) // parse checked Redis's range, the same as Limits'
		case "hll-sparse-max-bytes":
			n, _ := strconv.ParseInt(v, 10, 64)
			lim, _ := tx.Limits()
			lim.HLLSparseMaxBytes = n
			tx.SetLimits(lim)
		case "client-output-buffer-limit":
			l, _ := parseOutputBufferLimits(v, "")
			limit := int64(defaultOutputBufferLimit)
			if h := l[0].hard; h > 0 {
				limit = int64(min(h, math.MaxInt))
			}
			cf.outputLimit.Store(limit)
			cf.limits.Store(&l)
		}
	}
	return offOwner
}

// cmdConfigResetStat is CONFIG RESETSTAT: it zeroes the counters INFO
// reports (the store's own counters are remembered and subtracted).
func cmdConfigResetStat(c *conn, tx *embedis.Tx, args []string) {
	s := c.srv
	st := &s.stats
	st.connectionsReceived.Store(0)
	st.rejectedConnections.Store(0)
	st.commandsProcessed.Store(0)
	st.errorReplies.Store(0)
	st.netInput.Store(0)
	st.netOutput.Store(0)
	st.cmd.Range(func(_, v any) bool {
		cs := v.(*cmdStat)
		cs.calls.Store(0)
		cs.nsec.Store(0)
		cs.rejected.Store(0)
		cs.failed.Store(0)
		return true
	})
	st.errMu.Lock()
	clear(st.errors)
	st.errMu.Unlock()
	s.persist.resetStats()
	if es, err := tx.Stats(); err == nil {
		cf := s.cfg
		cf.mu.Lock()
		cf.base.expired, cf.base.hits, cf.base.misses, cf.base.evicted = es.ExpiredKeys, es.KeyspaceHits, es.KeyspaceMiss, es.EvictedKeys
		cf.mu.Unlock()
	}
	s.cfg.peakMemory.Store(0)
	c.w.WriteStatus("OK")
}

// configNames returns the names CONFIG GET * lists, sorted (for tests).
func configNames() []string {
	var names []string
	for i := range configTable {
		if configTable[i].flags&cfgHidden == 0 {
			names = append(names, configTable[i].name)
		}
	}
	sort.Strings(names)
	return names
}
