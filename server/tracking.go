package server

import (
	"errors"
	"strconv"
	"strings"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/number"
)

// Client-side caching on the wire, as Redis 7.0's tracking.c and the CLIENT
// TRACKING, CACHING, GETREDIR and TRACKINGINFO subcommands. The engine keeps
// the tracking table and tells the connection's Tracker which keys to
// invalidate (embedis/tracking.go); this file frames the messages and sends
// them where Redis sends them:
//
//   - a RESP3 connection gets a push, ">2 invalidate <keys>", on its own
//     connection, or on the connection it redirects to (REDIRECT <id>) if
//     that one speaks RESP3;
//   - a RESP2 connection redirected to one in subscribed mode: a pub/sub
//     message on __redis__:invalidate (Redis sends it to any subscribed
//     connection, subscribed to that channel or not);
//   - otherwise nothing (RESP2 has no pushes), though the keys are tracked.
//
// <keys> is an array of keys, or a null for a flush (FLUSHDB, FLUSHALL), in
// the tracking connection's own protocol. A key invalidated while the
// tracking connection runs a command (its own write, unless NOLOOP) is sent
// after that command's reply, as Redis 7.0 keeps them in
// tracking_pending_keys: after EXEC's reply for the commands of a
// transaction. When the connection redirected to is gone, a RESP3 tracking
// connection is told "tracking-redir-broken" instead, and TRACKINGINFO shows
// broken_redirect.

// cmdClientTracking parses and runs CLIENT TRACKING (ON|OFF) [options].
func cmdClientTracking(c *conn, tx *embedis.Tx, args []string) {
	var opts embedis.TrackingOptions
	var redir int64
	for j := 3; j < len(args); j++ {
		more := j < len(args)-1
		switch a := args[j]; {
		case strings.EqualFold(a, "redirect") && more:
			j++
			if redir != 0 {
				c.w.writeErrorText("ERR A client can only redirect to a single other client")
				return
			}
			id, ok := number.ParseInt(args[j])
			if !ok {
				c.w.WriteError(embedis.ErrNotInteger)
				return
			}
			if c.srv.clientByID(id) == nil {
				c.w.writeErrorText("ERR The client ID you want redirect to does not exist")
				return
			}
			redir = id
		case strings.EqualFold(a, "bcast"):
			opts.BCast = true
		case strings.EqualFold(a, "optin"):
			opts.OptIn = true
		case strings.EqualFold(a, "optout"):
			opts.OptOut = true
		case strings.EqualFold(a, "noloop"):
			opts.NoLoop = true
		case strings.EqualFold(a, "prefix") && more:
			j++
			opts.Prefixes = append(opts.Prefixes, args[j])
		default:
			c.w.WriteError(embedis.ErrSyntax)
			return
		}
	}
	switch {
	case strings.EqualFold(args[2], "on"):
		t := c.trackerFor(tx)
		opts.OverlapQuirk = true
		if err := t.Enable(tx, opts); err != nil {
			c.w.WriteError(err)
			if !errors.Is(err, embedis.ErrTrackingOverlapApplied) {
				return
			}
			// Redis 7.0 answers an overlap among the new prefixes found
			// past the first with the error and then OK, having
			// applied them (see TrackingOptions.OverlapQuirk).
		}
		c.trackRedir, c.trackBroken = redir, false
	case strings.EqualFold(args[2], "off"):
		if c.tracker != nil {
			c.tracker.Disable(tx)
		}
		c.trackRedir, c.trackBroken = 0, false
	default:
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	c.w.WriteStatus("OK")
}

// trackerFor returns the connection's tracker, making it (bound to the
// running unit) on first use.
func (c *conn) trackerFor(tx *embedis.Tx) *embedis.Tracker {
	if c.tracker == nil {
		c.tracker = embedis.NewTracker(c.trackInvalidate)
		c.tracker.Bind(tx)
	}
	return c.tracker
}

func cmdClientCaching(c *conn, tx *embedis.Tx, args []string) {
	if c.tracker == nil || !c.tracker.Info().On {
		c.w.WriteError(embedis.ErrTrackingCachingOff)
		return
	}
	var yes bool
	switch {
	case strings.EqualFold(args[2], "yes"):
		yes = true
	case strings.EqualFold(args[2], "no"):
	default:
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	if err := c.tracker.SetCaching(yes); err != nil {
		c.w.WriteError(err)
		return
	}
	c.w.WriteStatus("OK")
}

// trackingOn reports whether the connection's tracking is on.
func (c *conn) trackingOn() bool { return c.tracker != nil && c.tracker.Info().On }

func cmdClientGetRedir(c *conn, tx *embedis.Tx, args []string) {
	if c.trackingOn() {
		c.w.WriteInt(c.trackRedir)
		return
	}
	c.w.WriteInt(-1)
}

func cmdClientTrackingInfo(c *conn, tx *embedis.Tx, args []string) {
	var info embedis.TrackingInfo
	if c.tracker != nil {
		info = c.tracker.Info()
	}
	flags := []string{"off"}
	if info.On {
		flags[0] = "on"
	}
	if info.BCast {
		flags = append(flags, "bcast")
	}
	if info.OptIn {
		flags = append(flags, "optin")
		if info.Caching {
			flags = append(flags, "caching-yes")
		}
	}
	if info.OptOut {
		flags = append(flags, "optout")
		if info.Caching {
			flags = append(flags, "caching-no")
		}
	}
	if info.NoLoop {
		flags = append(flags, "noloop")
	}
	if info.On && c.trackBroken {
		flags = append(flags, "broken_redirect")
	}
	c.w.WriteMapLen(3)
	c.w.WriteBulk("flags")
	c.w.WriteSetLen(len(flags))
	for _, f := range flags {
		c.w.WriteBulk(f)
	}
	c.w.WriteBulk("redirect")
	if info.On {
		c.w.WriteInt(c.trackRedir)
	} else {
		c.w.WriteInt(-1)
	}
	c.w.WriteBulk("prefixes")
	c.w.WriteArrayLen(len(info.Prefixes))
	for _, p := range info.Prefixes {
		c.w.WriteBulk(p)
	}
}

// trackInvalidate is the connection's Tracker's invalidate: the owner calls
// it. While the connection runs a command, the keys wait for the command's
// end (afterCommand), as Redis's tracking_pending_keys.
func (c *conn) trackInvalidate(keys []string) {
	if c.executing {
		c.trackPending = append(c.trackPending, keys)
		return
	}
	c.sendInvalidation(keys)
}

// afterCommand finishes a command the connection ran (not one of EXEC's):
// it sends the invalidations the command caused to the connection itself,
// and forgets CLIENT CACHING unless the command was CLIENT's or the
// connection is in MULTI, as Redis's resetClient.
func (c *conn) afterCommand(name string) {
	if c.tracker == nil {
		return
	}
	if len(c.trackPending) > 0 {
		pending := c.trackPending
		c.trackPending = nil
		for _, keys := range pending {
			c.sendInvalidation(keys)
		}
	}
	if !c.multi && !strings.EqualFold(name, "client") {
		c.tracker.ClearCaching()
	}
}

// sendInvalidation frames keys (nil: a flush) for the connection's tracking
// and sends it where Redis's sendTrackingMessage does. The owner role is
// held.
func (c *conn) sendInvalidation(keys []string) {
	target := c
	if c.trackRedir != 0 {
		target = c.srv.clientByID(c.trackRedir)
		if target == nil {
			c.trackBroken = true
			if c.proto == 3 {
				b := []byte(">2\r\n$21\r\ntracking-redir-broken\r\n:")
				b = strconv.AppendInt(b, c.trackRedir, 10)
				c.pushBytes(append(b, '\r', '\n'))
			}
			return
		}
	}
	var b []byte
	switch {
	case target.proto == 3:
		b = append(b, ">2\r\n$10\r\ninvalidate\r\n"...)
	case target != c && target.subscribed():
		b = append(b, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"...)
	default:
		return
	}
	if keys == nil {
		if c.proto == 3 {
			b = append(b, "_\r\n"...)
		} else {
			b = append(b, "$-1\r\n"...)
		}
	} else {
		b = append(b, '*')
		b = strconv.AppendInt(b, int64(len(keys)), 10)
		b = append(b, '\r', '\n')
		for _, k := range keys {
			b = appendBulk(b, k)
		}
	}
	target.pushBytes(b)
}

// pushBytes sends an out-of-band frame (a tracking message) to the
// connection: into its replies if its batch is running, else through its
// mailbox and pusher, under the output limit of its class. The owner role is
// held.
func (c *conn) pushBytes(b []byte) {
	if c.killed.Load() {
		return
	}
	if c.inTurn {
		c.w.WriteRaw(b)
		return
	}
	c.startPusher()
	c.mailMu.Lock()
	c.mail = append(c.mail, b...)
	c.pending += int64(len(b))
	pending := c.pending
	over := overOutputLimit(c.srv.cfg.limits.Load()[adminClientType(c)], pending, &c.softSince)
	c.mailMu.Unlock()
	if over {
		c.srv.log.Warn("Client scheduled to be closed ASAP for overcoming of output buffer limits.", "id", c.id, "bytes", pending)
		if c.psub != nil {
			c.psub.Doom()
		}
		c.kill()
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// clientByID returns the live connection with that ID, or nil.
func (s *Server) clientByID(id int64) *conn {
	s.mu.Lock()
	o := s.clients[id]
	s.mu.Unlock()
	if o == nil || o.killed.Load() {
		return nil
	}
	return o
}

// resetTracking turns the connection's tracking off (RESET, the connection
// closing).
func (c *conn) resetTracking(tx *embedis.Tx) {
	if c.tracker != nil {
		c.tracker.Disable(tx)
	}
	c.trackRedir, c.trackBroken, c.trackPending = 0, false, nil
}
