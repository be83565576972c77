package server

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
)

// MONITOR, as Redis 7.0's replicationFeedMonitors: every command a client
// runs is shown to the monitoring connections once it has run (so that a
// SELECT shows the database it selected), as a status line
//
//	+<unix seconds>.<microseconds> [<db> <address>] "cmd" "arg" ...
//
// with each argument escaped as Redis's sdscatrepr. The address is the
// client's ("127.0.0.1:port", "unix:/path" for a Unix socket), or "lua" for
// the commands a script runs. A script's EVAL is shown before the commands
// it runs, as Redis feeds it before the script starts. Commands flagged
// admin or skip_monitor (and the admin subcommands, CLIENT LIST, CONFIG GET,
// …) are not shown; AUTH's arguments and HELLO's AUTH pair are shown as
// "(redacted)". Commands refused before they ran (unknown, wrong arity,
// NOAUTH, OOM) and commands queued by MULTI are not shown; the queued ones
// are shown when EXEC runs them, before the EXEC.
//
// A monitoring connection's lines go through its mailbox (pubsub.go), so
// the owner never waits on it; the owner puts the command's arguments
// there, and the line is formatted off the owner, by the connection's
// pusher (or by the connection itself, before its next turn). Only the
// monitor's own commands, run in its own turn, are formatted there, so
// that their lines follow their replies. It is a normal client for
// client-output-buffer-limit, as in Redis: over the normal class's limits,
// or embedis's safety net (Options.OutputBufferLimit), it is disconnected.
// The monitors list is the owner's; monitorCount lets a command see without
// cost that nobody is monitoring.

// The errors of MONITOR and of a monitoring connection, Redis's texts.
const (
	errMonitorDenyBlocking = "ERR MONITOR isn't allowed for DENY BLOCKING client"
	errMonitorKeyspace     = "ERR Replica can't interact with the keyspace"
)

// cmdMonitor turns the connection into a monitor. Inside a transaction it
// is refused (Redis's DENY BLOCKING client); on a connection already
// monitoring it answers nothing, as Redis ignores it.
func cmdMonitor(c *conn, tx *embedis.Tx, args []string) {
	if c.inExec {
		c.w.writeErrorText(errMonitorDenyBlocking)
		return
	}
	if c.monitoring {
		return
	}
	c.monitoring = true
	c.startPusher()
	c.srv.monitors = append(c.srv.monitors, c)
	c.srv.monitorCount.Add(1)
	c.w.WriteStatus("OK")
}

// stopMonitor ends the connection's monitoring (RESET, disconnection). Run
// as the owner.
func (c *conn) stopMonitor() {
	if !c.monitoring {
		return
	}
	c.monitoring = false
	ms := c.srv.monitors
	for i, m := range ms {
		if m == c {
			copy(ms[i:], ms[i+1:])
			ms[len(ms)-1] = nil
			c.srv.monitors = ms[:len(ms)-1]
			break
		}
	}
	c.srv.monitorCount.Add(-1)
}

// refusedMonitoring reports whether a monitoring connection refuses cmd: a
// command that reads or writes the keyspace, as Redis refuses it to a
// replica.
func refusedMonitoring(cmd *embedis.Command) bool {
	return hasFlag(cmd, "readonly") || hasFlag(cmd, "write") || hasFlag(cmd, "may_replicate")
}

// monitorHidden reports whether a command is kept from the monitors: it or
// its subcommand is flagged admin or skip_monitor.
func monitorHidden(cmd *embedis.Command, args []string) bool {
	if hasFlag(cmd, "admin") || hasFlag(cmd, "skip_monitor") {
		return true
	}
	if subs := subcommandsOf(cmd.Name); subs != nil && len(args) > 1 {
		if sub := subs[strings.ToLower(args[1])]; sub != nil {
			for _, f := range sub.flags {
				if f == "admin" || f == "skip_monitor" {
					return true
				}
			}
		}
	}
	return false
}

// monitorsFirst reports whether a command is shown before it runs: the
// scripting commands, which Redis feeds before the script's own commands.
func monitorsFirst(name string) bool {
	switch name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return false
}

// monitorAddr is the connection's address as MONITOR shows it.
func (c *conn) monitorAddr() string {
	if c.monAddr == "" {
		switch {
		case c.nc == nil:
			c.monAddr = "?"
		case isUnixConn(c.nc):
			c.monAddr = "unix:" + c.nc.LocalAddr().String()
		default:
			if a, ok := c.nc.RemoteAddr().(*net.TCPAddr); ok {
				c.monAddr = a.String()
			} else if a := c.nc.RemoteAddr(); a != nil {
				c.monAddr = a.String()
			} else {
				c.monAddr = "?"
			}
		}
	}
	return c.monAddr
}

// monitorCmd is one command shown to the monitors, as the owner hands it
// out: when, in which database and by whom it ran, and a copy of its
// argument list (the reader reuses its slices; the strings themselves are
// immutable). One is shared by every monitor; each monitor formats it into
// its line (appendMonitorLine) off the owner, by its pusher.
type monitorCmd struct {
	at   time.Time
	db   int
	addr string
	name string
	args []string
	// size is what the line counts for the output limits until it is
	// formatted: its length without escapes, a lower bound of the line's.
	size int64
}

// monitorMark places a command in a monitor's mailbox: its line goes
// before mail[off:].
type monitorMark struct {
	off int
	cmd *monitorCmd
}

// feedMonitors shows a command to every monitor, unless it is hidden. Run
// as the owner, only when monitorCount says someone monitors: the owner
// copies the argument list once and queues it to each monitor, and the
// monitors' pushers format the lines.
func (s *Server) feedMonitors(db int, addr string, cmd *embedis.Command, args []string) {
	// The scripting commands are flagged skip_monitor, for call(), but
	// Redis feeds them itself before the script runs.
	if len(s.monitors) == 0 || (!monitorsFirst(cmd.Name) && monitorHidden(cmd, args)) {
		return
	}
	mc := &monitorCmd{at: time.Now(), db: db, addr: addr, name: cmd.Name, args: slices.Clone(args)}
	// "+" seconds "." micros " [" db " " addr "]", each argument quoted
	// after a space, CRLF.
	mc.size = int64(1+10+1+6+2+1+len(addr)+1+2) + int64(len(strconv.Itoa(db)))
	for _, a := range args {
		mc.size += int64(len(a)) + 3
	}
	for _, m := range s.monitors {
		m.monitorFeed(mc)
	}
}

// seeScriptCommand is the store's observer of the commands scripts run
// (Store.SetScriptCommandObserver): they are shown with the address "lua".
func (s *Server) seeScriptCommand(tx *embedis.Tx, args []string) {
	if s.monitorCount.Load() == 0 {
		return
	}
	if cmd := embedis.LookupCommand(args[0]); cmd != nil {
		s.feedMonitors(tx.DBIndex(), "lua", cmd, args)
	}
}

// monitorFeed hands a command to the monitoring connection: when it is the
// connection running the turn (the monitor's own command), its line goes
// into the replies at once, after the command's reply as from Redis; else
// the command goes into the mailbox, for the pusher to format and write,
// and the connection is disconnected when that puts it over its output
// limits.
func (c *conn) monitorFeed(mc *monitorCmd) {
	if c.killed.Load() {
		return
	}
	if c.inTurn {
		c.lineScratch = appendMonitorLine(c.lineScratch[:0], mc)
		c.w.WriteRaw(c.lineScratch)
		return
	}
	c.mailMu.Lock()
	c.monMail = append(c.monMail, monitorMark{off: len(c.mail), cmd: mc})
	c.pending += mc.size
	pending := c.pending
	over := pending > int64(c.srv.outputBufferLimit()) ||
		overOutputLimit(c.srv.cfg.limits.Load()[clientNormal], pending, &c.monSince)
	c.mailMu.Unlock()
	if over {
		c.srv.log.Warn("Client scheduled to be closed ASAP for overcoming of output buffer limits.", "id", c.id, "class", "normal", "bytes", pending)
		c.kill()
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// appendMonitorLine appends a command's MONITOR line: the time, the
// database and address, and the arguments, AUTH's and HELLO's secrets
// redacted.
func appendMonitorLine(b []byte, mc *monitorCmd) []byte {
	now, db, addr, name, args := mc.at, mc.db, mc.addr, mc.name, mc.args
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := strconv.AppendInt(nil, int64(now.Nanosecond()/1000), 10)
	for i := len(us); i < 6; i++ {
		b = append(b, '0')
	}
	b = append(b, us...)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	b = append(b, addr...)
	b = append(b, ']')
	redacted := redactedArgs(name, args)
	for i, a := range args {
		b = append(b, ' ')
		if i < len(redacted) && redacted[i] {
			a = "(redacted)"
		}
		b = resp.AppendRepr(b, a)
	}
	return append(b, '\r', '\n')
}

// redactedArgs marks the arguments Redis hides from MONITOR: all of AUTH's,
// and the user and password of each of HELLO's AUTH options that Redis
// parsed (none when the protocol version is refused).
func redactedArgs(name string, args []string) []bool {
	switch name {
	case "auth":
		r := make([]bool, len(args))
		for i := 1; i < len(r); i++ {
			r[i] = true
		}
		return r
	case "hello":
		if len(args) < 2 {
			return nil
		}
		if v, err := parseInt(args[1]); err != nil || v < 2 || v > 3 {
			return nil
		}
		r := make([]bool, len(args))
		for i := 2; i < len(args); i++ {
			more := len(args) - i - 1
			switch {
			case strings.EqualFold(args[i], "AUTH") && more >= 2:
				r[i+1], r[i+2] = true, true
				i += 2
			case strings.EqualFold(args[i], "SETNAME") && more >= 1:
				i++
			default:
				return r
			}
		}
		return r
	}
	return nil
}
