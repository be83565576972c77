package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/embedis/embedis"
)

// The administrative commands: CLIENT (admin_client.go), COMMAND
// (admin_command.go), INFO (admin_info.go) and CONFIG (admin_config.go).
// They run as the store's owner, like every command; what they read of the
// server's shared state (the client list, the options) they read under
// Server.mu, and the configuration, which connection goroutines read too
// (requirepass), lives in config under its own lock.

// defaultOutputBufferLimit is the output-buffer limit of a Server whose
// Options leave it zero. CONFIG GET client-output-buffer-limit shows it as
// the normal class's hard limit 0, Redis's default ("no limit"), and CONFIG
// SET of a hard limit 0 restores it: embedis keeps this safety net where
// Redis has none.
const defaultOutputBufferLimit = 256 << 20

// config holds the CONFIG parameters and the state of INFO that CONFIG
// RESETSTAT resets. It is safe for concurrent use.
type config struct {
	srv *Server

	mu     sync.Mutex
	values map[string]string // canonical name -> value as CONFIG GET shows it

	// outputLimit is the output-buffer limit in effect, in bytes.
	outputLimit atomic.Int64
	// limits are client-output-buffer-limit's classes in effect (pubsub.go
	// applies the pubsub class).
	limits atomic.Pointer[outputBufferLimits]

	// base holds the store's counters at the last CONFIG RESETSTAT: INFO
	// reports the counts since then, as Redis does.
	base struct {
		expired, hits, misses int64
		evicted               int64
	}
	peakMemory atomic.Uint64 // highest heap size INFO has seen

	runID, replID string // random identities, as INFO shows them
	executable    string
	version       string // embedis's module version
}

func newConfig(s *Server) *config {
	c := &config{
		srv:        s,
		values:     make(map[string]string, len(configTable)),
		runID:      randomHex(40),
		replID:     randomHex(40),
		version:    moduleVersion(),
		executable: executablePath(),
	}
	for i := range configTable {
		p := &configTable[i]
		if p.aliasOf == "" {
			c.values[p.name] = p.def
		}
	}
	for name, v := range configInEffect {
		c.values[name] = v
	}
	c.values["requirepass"] = s.opts.RequirePass
	c.values["busy-reply-threshold"] = strconv.FormatInt(s.store.BusyReplyThreshold().Milliseconds(), 10)
	c.values["maxclients"] = strconv.Itoa(s.opts.MaxClients)
	c.values["proto-max-bulk-len"] = strconv.FormatInt(s.opts.ProtoMaxBulkLen, 10)
	normal := uint64(s.opts.OutputBufferLimit)
	if s.opts.OutputBufferLimit == defaultOutputBufferLimit {
		normal = 0
	}
	limits, _ := parseOutputBufferLimits(c.values["client-output-buffer-limit"], "")
	limits[0].hard = normal
	c.values["client-output-buffer-limit"] = limits.String()
	c.limits.Store(&limits)
	// The store may have been opened with notifications on.
	if v, err := s.store.NotifyKeyspaceEvents(context.Background()); err == nil {
		c.values["notify-keyspace-events"], _ = parseKeyspaceEvents(v)
	}
	c.outputLimit.Store(int64(s.opts.OutputBufferLimit))
	return c
}

// keepAlive returns tcp-keepalive in seconds (0: no keepalive probes).
func (c *config) keepAlive() int {
	n, _ := strconv.Atoi(c.get("tcp-keepalive"))
	return n
}

// requirePass returns the password clients must AUTH with ("" for none).
func (c *config) requirePass() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values["requirepass"]
}

// get returns the current value of a canonical parameter name.
func (c *config) get(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[name]
}

// outputBufferLimit returns the most reply bytes a connection may have
// waiting (client-output-buffer-limit's normal hard limit, or embedis's
// default); connection goroutines may call it at any time.
func (s *Server) outputBufferLimit() int {
	return int(s.cfg.outputLimit.Load())
}

// validClientName reports whether name may be a client name: printable
// ASCII without spaces, as Redis requires.
func validClientName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] < '!' || name[i] > '~' {
			return false
		}
	}
	return true
}

func parseInt(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != s {
		return 0, embedis.ErrNotInteger
	}
	return n, nil
}

// subcommand is one subcommand of a container command (CLIENT, CONFIG,
// COMMAND): what COMMAND INFO and COMMAND DOCS report of it, and its
// handler, which receives the whole command (args[0] is the container).
type subcommand struct {
	name       string // "client|list"
	arity      int    // counting the container's name and the subcommand's
	flags      []string
	acl        string // categories beyond those the flags imply
	tips       []string
	since      string
	summary    string
	complexity string
	run        func(c *conn, tx *embedis.Tx, args []string)
}

// runSubcommand dispatches a container command to its subcommand, with
// Redis's errors for an unknown subcommand or a wrong number of arguments.
func runSubcommand(c *conn, tx *embedis.Tx, args []string, subs map[string]*subcommand) {
	sub, msg := findSubcommand(args, subs)
	if sub == nil {
		c.w.writeErrorText(msg)
		return
	}
	sub.run(c, tx, args)
}

// findSubcommand returns the subcommand args names, or Redis's error for an
// unknown subcommand or a wrong number of arguments.
func findSubcommand(args []string, subs map[string]*subcommand) (*subcommand, string) {
	sub := subs[strings.ToLower(args[1])]
	if sub == nil {
		name := args[1]
		if len(name) > 128 {
			name = name[:128]
		}
		return nil, "ERR unknown subcommand '" + name + "'. Try " + strings.ToUpper(args[0]) + " HELP."
	}
	if !(sub.arity > 0 && len(args) == sub.arity) && !(sub.arity < 0 && len(args) >= -sub.arity) {
		return nil, embedis.ArityError(sub.name).Error()
	}
	return sub, ""
}

// checkSubcommand is for the dispatcher: for a container command (CLIENT,
// CONFIG, COMMAND) with a subcommand it returns the name Redis reports the
// command by ("client|list", in CLIENT LIST's cmd= and INFO's
// commandstats) and, if the subcommand is unknown or has the wrong number
// of arguments, Redis's error, which Redis gives before running or queueing
// the command. For any other command it returns the command's name.
func checkSubcommand(name string, args []string) (fullName, errText string) {
	subs := subcommandsOf(name)
	if subs == nil || len(args) < 2 {
		return name, ""
	}
	_, msg := findSubcommand(args, subs)
	if sub := subs[strings.ToLower(args[1])]; sub != nil {
		return sub.name, msg
	}
	return name, msg
}

// writeHelp writes a HELP reply: the header line, the lines, and the
// closing HELP entry, each a status reply, as Redis's addReplyHelp.
func writeHelp(c *conn, container string, lines []string) {
	c.w.WriteArrayLen(len(lines) + 3)
	c.w.WriteStatus(container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.w.WriteStatus(l)
	}
	c.w.WriteStatus("HELP")
	c.w.WriteStatus("    Prints this help.")
}

// bindAddrs returns the addresses of the server's TCP listeners as redis.conf's
// bind spells them, sorted: "*" for every IPv4 address, "::*" for every IPv6
// one (a Go listener on ":port" takes both, which Redis spells "* -::*"), or
// the address. It returns "" when the server has no TCP listener.
func (s *Server) bindAddrs() string {
	s.mu.Lock()
	var addrs []string
	for l := range s.listeners {
		a, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			continue
		}
		switch {
		case a.IP.Equal(net.IPv4zero):
			addrs = append(addrs, "*")
		case a.IP.Equal(net.IPv6unspecified):
			addrs = append(addrs, "*", "-::*")
		default:
			addrs = append(addrs, a.IP.String())
		}
	}
	s.mu.Unlock()
	sort.Strings(addrs)
	return strings.Join(slices.Compact(addrs), " ")
}

// listenerInfo returns the TCP port and the Unix socket path the server
// listens on (0 and "" when it does not).
func (s *Server) listenerInfo() (port int, unixPath string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.listeners {
		switch a := l.Addr().(type) {
		case *net.TCPAddr:
			if port == 0 {
				port = a.Port
			}
		case *net.UnixAddr:
			if unixPath == "" {
				unixPath = a.Name
			}
		}
	}
	return port, unixPath
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		return strings.Repeat("0", n)
	}
	return hex.EncodeToString(b)[:n]
}

// moduleVersion returns the version of the embedis module in the running
// binary ("(devel)" when it is the main module or unknown).
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	const path = "github.com/embedis/embedis"
	if info.Main.Path == path && info.Main.Version != "" {
		return info.Main.Version
	}
	for _, m := range info.Deps {
		if m.Path == path {
			if m.Replace != nil && m.Replace.Version != "" {
				return m.Replace.Version
			}
			return m.Version
		}
	}
	return "(devel)"
}

func executablePath() string {
	p, err := os.Executable()
	if err != nil {
		return ""
	}
	return p
}
