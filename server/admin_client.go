package server

import (
	"net"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/number"
)

// CLIENT: the connection's own settings (ID, SETNAME, GETNAME, SETINFO,
// NO-EVICT) and the list of connections (LIST, INFO, KILL). Other
// connections' fields that only the owner writes (db, proto, MULTI state)
// are read here as the owner; the rest are atomics.

var clientSubcommands map[string]*subcommand

func init() {
	connFlags := []string{"noscript", "loading", "stale"}
	admin := []string{"admin", "noscript", "loading", "stale"}
	const connACL = "@connection"
	clientSubcommands = map[string]*subcommand{
		"id": {name: "client|id", arity: 2, flags: connFlags, acl: connACL, since: "5.0.0",
			summary: "Returns the client ID for the current connection", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) { c.w.WriteInt(c.id) }},
		"setname": {name: "client|setname", arity: 3, flags: connFlags, acl: connACL, since: "2.6.9",
			summary: "Set the current connection name", complexity: "O(1)", run: cmdClientSetName},
		"getname": {name: "client|getname", arity: 2, flags: connFlags, acl: connACL, since: "2.6.9",
			summary: "Get the current connection name", complexity: "O(1)", run: cmdClientGetName},
		"setinfo": {name: "client|setinfo", arity: 4, flags: connFlags, acl: connACL, since: "7.2.0",
			summary: "Set client or connection specific info", complexity: "O(1)", run: cmdClientSetInfo},
		"list": {name: "client|list", arity: -2, flags: admin, acl: connACL, tips: []string{"nondeterministic_output"}, since: "2.4.0",
			summary: "Get the list of client connections", complexity: "O(N) where N is the number of client connections",
			run: cmdClientList},
		"info": {name: "client|info", arity: 2, flags: connFlags, acl: connACL, tips: []string{"nondeterministic_output"}, since: "6.2.0",
			summary: "Returns information about the current client connection.", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) {
				var b strings.Builder
				c.clientLine(&b, c, tx, "client|info")
				c.w.WriteVerbatim("txt", b.String())
			}},
		"kill": {name: "client|kill", arity: -3, flags: admin, acl: connACL, since: "2.4.0",
			summary: "Kill the connection of a client", complexity: "O(N) where N is the number of client connections",
			run: cmdClientKill},
		"no-evict": {name: "client|no-evict", arity: 3, flags: admin, acl: connACL, since: "7.0.0",
			summary: "Set client eviction mode for the current connection", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) {
				switch {
				case strings.EqualFold(args[2], "on"):
					c.noEvict = true
				case strings.EqualFold(args[2], "off"):
					c.noEvict = false
				default:
					c.w.WriteError(embedis.ErrSyntax)
					return
				}
				c.w.WriteStatus("OK")
			}},
		// tracking.go
		"tracking": {name: "client|tracking", arity: -3, flags: connFlags, acl: connACL, since: "6.0.0",
			summary: "Enable or disable server assisted client side caching support", complexity: "O(1). Some options may introduce additional complexity.",
			run: cmdClientTracking},
		"caching": {name: "client|caching", arity: 3, flags: connFlags, acl: connACL, since: "6.0.0",
			summary: "Instruct the server about tracking or not keys in the next request", complexity: "O(1)",
			run: cmdClientCaching},
		"getredir": {name: "client|getredir", arity: 2, flags: connFlags, acl: connACL, since: "6.0.0",
			summary: "Get tracking notifications redirection client ID if any", complexity: "O(1)",
			run: cmdClientGetRedir},
		"trackinginfo": {name: "client|trackinginfo", arity: 2, flags: connFlags, acl: connACL, since: "6.2.0",
			summary: "Return information about server assisted client side caching for the current connection", complexity: "O(1)",
			run: cmdClientTrackingInfo},
		"help": {name: "client|help", arity: 2, flags: []string{"loading", "stale"}, acl: connACL, since: "5.0.0",
			summary: "Show helpful text about the different subcommands", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) { writeHelp(c, "CLIENT", clientHelp) }},
	}
}

// clientHelp is Redis 7.0's CLIENT HELP text.
var clientHelp = []string{
	"CACHING (YES|NO)",
	"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
	"GETREDIR",
	"    Return the client ID we are redirecting to when tracking is enabled.",
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"UNPAUSE",
	"    Stop the current client pause, resuming traffic.",
	"PAUSE <timeout> [WRITE|ALL]",
	"    Suspend all, or just write, clients for <timeout> milliseconds.",
	"REPLY (ON|OFF|SKIP)",
	"    Control the replies sent to the current connection.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"UNBLOCK <clientid> [TIMEOUT|ERROR]",
	"    Unblock the specified blocked client.",
	"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
	"         [OPTIN] [OPTOUT] [NOLOOP]",
	"    Control server assisted client side caching.",
	"TRACKINGINFO",
	"    Report tracking status for the current connection.",
	"NO-EVICT (ON|OFF)",
	"    Protect current client connection from eviction.",
}

func cmdClient(c *conn, tx *embedis.Tx, args []string) {
	runSubcommand(c, tx, args, clientSubcommands)
}

func cmdClientSetName(c *conn, tx *embedis.Tx, args []string) {
	if !validClientName(args[2]) {
		c.w.writeErrorText("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	c.name.Store(args[2])
	c.w.WriteStatus("OK")
}

func cmdClientGetName(c *conn, tx *embedis.Tx, args []string) {
	if name := c.name.Load().(string); name != "" {
		c.w.WriteBulk(name)
		return
	}
	c.w.WriteNull()
}

// cmdClientSetInfo is Redis 7.2's CLIENT SETINFO LIB-NAME|LIB-VER value,
// which clients such as go-redis v9 send on connecting.
func cmdClientSetInfo(c *conn, tx *embedis.Tx, args []string) {
	attr, val := args[2], args[3]
	var dst *string
	switch {
	case strings.EqualFold(attr, "lib-name"):
		dst = &c.libName
	case strings.EqualFold(attr, "lib-ver"):
		dst = &c.libVer
	default:
		c.w.writeErrorText("ERR Unrecognized option '" + attr + "'")
		return
	}
	if !validClientName(val) {
		c.w.writeErrorText("ERR " + attr + " cannot contain spaces, newlines or special characters.")
		return
	}
	*dst = val
	c.w.WriteStatus("OK")
}

// clientTypeByName is Redis's getClientTypeByName: -1 for an unknown name.
func clientTypeByName(name string) int {
	switch strings.ToLower(name) {
	case "normal":
		return clientNormal
	case "slave", "replica":
		return clientReplica
	case "pubsub":
		return clientPubSub
	case "master":
		return clientMaster
	}
	return -1
}

// Client types, as CLIENT LIST TYPE and CLIENT KILL TYPE select them.
const (
	clientNormal = iota
	clientReplica
	clientPubSub
	clientMaster
)

// adminClientType returns the type of a connection: a normal one, or a
// pubsub one while it holds a subscription (Redis's CLIENT_PUBSUB). Read as
// the owner.
func adminClientType(o *conn) int {
	if o.subscribed() {
		return clientPubSub
	}
	return clientNormal
}

// clientsByID returns the live connections, oldest first.
func (s *Server) clientsByID() []*conn {
	s.mu.Lock()
	list := make([]*conn, 0, len(s.clients))
	for _, o := range s.clients {
		if !o.killed.Load() {
			list = append(list, o)
		}
	}
	s.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	return list
}

// cmdClientList is CLIENT LIST [TYPE type | ID id [id ...]].
func cmdClientList(c *conn, tx *embedis.Tx, args []string) {
	var b strings.Builder
	switch {
	case len(args) == 2:
		for _, o := range c.srv.clientsByID() {
			c.clientLine(&b, o, tx, "client|list")
		}
	case len(args) == 4 && strings.EqualFold(args[2], "type"):
		typ := clientTypeByName(args[3])
		if typ < 0 {
			c.w.writeErrorText("ERR Unknown client type '" + args[3] + "'")
			return
		}
		for _, o := range c.srv.clientsByID() {
			if adminClientType(o) == typ {
				c.clientLine(&b, o, tx, "client|list")
			}
		}
	case len(args) > 3 && strings.EqualFold(args[2], "id"):
		ids := make([]int64, 0, len(args)-3)
		for _, a := range args[3:] {
			id, ok := number.ParseInt(a)
			if !ok {
				c.w.writeErrorText("ERR Invalid client ID")
				return
			}
			ids = append(ids, id)
		}
		byID := make(map[int64]*conn)
		for _, o := range c.srv.clientsByID() {
			byID[o.id] = o
		}
		for _, id := range ids {
			if o := byID[id]; o != nil {
				c.clientLine(&b, o, tx, "client|list")
			}
		}
	default:
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	c.w.WriteVerbatim("txt", b.String())
}

// clientLine appends o's CLIENT LIST line, in Redis 7.0's field order;
// c is the connection asking, whose current command is cmd.
func (c *conn) clientLine(b *strings.Builder, o *conn, tx *embedis.Tx, cmd string) {
	now := time.Now()
	addr, laddr := connAddrs(o.nc)
	db := o.db
	if o == c {
		db = tx.DBIndex()
	} else {
		cmd = *o.lastCmd.Load()
	}
	age := int64(now.Sub(o.created) / time.Second)
	idle := age
	if at := o.lastAt.Load(); at != 0 {
		idle = (now.UnixMilli() - at) / 1000
	}
	multi := -1
	if o.multi {
		multi = len(o.queue)
	}
	var flags []byte
	if o.monitoring {
		flags = append(flags, 'O')
	}
	if o.subscribed() {
		flags = append(flags, 'P')
	}
	if o.multi {
		flags = append(flags, 'x')
	}
	if o.trackingOn() {
		flags = append(flags, 't')
		if o.trackBroken {
			flags = append(flags, 'R')
		}
		if o.tracker.Info().BCast {
			flags = append(flags, 'B')
		}
	}
	if tx.WatchBroken(&o.watch) {
		flags = append(flags, 'd')
	}
	if isUnixConn(o.nc) {
		flags = append(flags, 'U')
	}
	if o.noEvict {
		flags = append(flags, 'e')
	}
	if len(flags) == 0 {
		flags = append(flags, 'N')
	}
	field := func(name, v string) {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte(' ')
	}
	num := func(name string, n int64) { field(name, strconv.FormatInt(n, 10)) }
	num("id", o.id)
	field("addr", addr)
	field("laddr", laddr)
	num("fd", int64(connFD(o.nc)))
	field("name", o.name.Load().(string))
	num("age", age)
	num("idle", idle)
	field("flags", string(flags))
	num("db", int64(db))
	sub, psub, ssub := o.subCounts()
	num("sub", int64(sub))
	num("psub", int64(psub))
	num("ssub", int64(ssub))
	num("multi", int64(multi))
	b.WriteString("qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r ")
	field("cmd", cmd)
	b.WriteString("user=default ")
	redir := int64(-1)
	if o.trackingOn() {
		redir = o.trackRedir
	}
	num("redir", redir)
	b.WriteString("resp=")
	b.WriteString(strconv.Itoa(o.proto))
	b.WriteByte('\n')
}

// connAddrs returns a connection's peer and local addresses as Redis
// prints them: ip:port, or the socket's path and ":0" for a Unix socket.
func connAddrs(nc net.Conn) (addr, laddr string) {
	if isUnixConn(nc) {
		a := nc.LocalAddr().String() + ":0"
		return a, a
	}
	if a := nc.RemoteAddr(); a != nil {
		addr = a.String()
	}
	if a := nc.LocalAddr(); a != nil {
		laddr = a.String()
	}
	return addr, laddr
}

func isUnixConn(nc net.Conn) bool {
	a := nc.LocalAddr()
	return a != nil && (a.Network() == "unix" || a.Network() == "unixpacket")
}

// connFD returns the connection's file descriptor, or -1 for one that has
// none (an in-memory connection).
func connFD(nc net.Conn) int {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if rc.Control(func(f uintptr) { fd = int(f) }) != nil {
		return -1
	}
	return fd
}

// cmdClientKill is CLIENT KILL addr (the old form: OK or an error) and
// CLIENT KILL filter value ... (the number of connections killed).
func cmdClientKill(c *conn, tx *embedis.Tx, args []string) {
	var (
		addr, laddr *string
		typ         = -1
		id          int64
		skipMe      = true
	)
	if len(args) == 3 {
		addr = &args[2]
		skipMe = false // the old form may kill the caller itself
	} else {
		for i := 2; i < len(args); i += 2 {
			if i+1 >= len(args) {
				c.w.WriteError(embedis.ErrSyntax)
				return
			}
			opt, val := args[i], args[i+1]
			switch {
			case strings.EqualFold(opt, "id"):
				n, ok := number.ParseInt(val)
				if !ok || n < 1 {
					c.w.writeErrorText("ERR client-id should be greater than 0")
					return
				}
				id = n
			case strings.EqualFold(opt, "type"):
				typ = clientTypeByName(val)
				if typ < 0 {
					c.w.writeErrorText("ERR Unknown client type '" + val + "'")
					return
				}
			case strings.EqualFold(opt, "addr"):
				addr = &args[i+1]
			case strings.EqualFold(opt, "laddr"):
				laddr = &args[i+1]
			case strings.EqualFold(opt, "user"):
				// Every connection is the default user's, the only user.
				if val != "default" {
					c.w.writeErrorText("ERR No such user '" + val + "'")
					return
				}
			case strings.EqualFold(opt, "skipme"):
				switch {
				case strings.EqualFold(val, "yes"):
					skipMe = true
				case strings.EqualFold(val, "no"):
					skipMe = false
				default:
					c.w.WriteError(embedis.ErrSyntax)
					return
				}
			default:
				c.w.WriteError(embedis.ErrSyntax)
				return
			}
		}
	}
	killed, killSelf := 0, false
	for _, o := range c.srv.clientsByID() {
		a, la := connAddrs(o.nc)
		switch {
		case addr != nil && a != *addr,
			laddr != nil && la != *laddr,
			typ >= 0 && adminClientType(o) != typ,
			id != 0 && o.id != id,
			o == c && skipMe:
			continue
		}
		if o == c {
			killSelf = true
		} else {
			o.kill()
		}
		killed++
	}
	if typ == clientMaster && addr == nil && laddr == nil && id == 0 {
		killed += c.srv.repl.dropLink() // the link to the master (replica.go)
	}
	if len(args) == 3 {
		if killed == 0 {
			c.w.writeErrorText("ERR No such client")
		} else {
			c.w.WriteStatus("OK")
		}
	} else {
		c.w.WriteInt(int64(killed))
	}
	if killSelf {
		c.closing = true
	}
}
