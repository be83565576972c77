package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis"
)

// Pub/sub on the wire, as Redis's pubsub.c and networking.c: the
// SUBSCRIBE family's confirmation replies, RESP2's subscribed mode, and the
// delivery of messages to a connection.
//
// A message is published during the publisher's turn (any connection, or
// a Store caller in the same process, or a keyspace event). If the
// subscribed connection is the one running the turn, the message goes into
// its replies in order (a RESP3 client that publishes to itself gets the
// push before PUBLISH's reply, as from Redis). Otherwise it is encoded into
// the connection's mailbox, and the connection's pusher goroutine writes it
// out; the connection's own next turn writes what is in the mailbox before
// its replies, so that messages and replies leave in the order the owner
// made them. The owner never waits: the mailbox is a byte buffer under its
// own short lock.
//
// The bytes waiting in the mailbox or being written are the connection's
// output buffer as Redis's client-output-buffer-limit pubsub sees it: over
// the hard limit, or over the soft limit for longer than its seconds (both
// checked when a message is added, as Redis checks when a reply is added),
// the connection is closed at once and its subscriptions dropped, and the
// publisher and the other subscribers never notice.

// subscribed reports whether the connection holds a subscription (Redis's
// CLIENT_PUBSUB flag). Read as the owner.
func (c *conn) subscribed() bool {
	return c.psub != nil && c.psub.Count()+c.psub.ShardCount() > 0
}

// allowedSubscribed are the commands a RESP2 connection in subscribed mode
// may run.
func allowedSubscribed(name string) bool {
	switch name {
	case "subscribe", "ssubscribe", "psubscribe", "unsubscribe", "sunsubscribe", "punsubscribe", "ping", "quit", "reset":
		return true
	}
	return false
}

// engineSubcommands are the subcommands of the containers the engine runs
// (the server's own are in subcommandsOf), for the full name Redis puts in
// the subscribed mode's refusal ("pubsub|numsub").
var engineSubcommands = map[string]map[string]bool{
	"pubsub": {"channels": true, "numsub": true, "numpat": true, "shardchannels": true, "shardnumsub": true, "help": true},
	"object": {"encoding": true, "freq": true, "idletime": true, "refcount": true, "help": true},
}

// refusedSubscribed reports whether a RESP2 connection in subscribed mode
// refuses the command. An engine container's unknown subcommand is let
// through, so that its own error is the answer, as Redis looks the
// subcommand up first.
func refusedSubscribed(name, full string, args []string) (bool, string) {
	if allowedSubscribed(name) {
		return false, ""
	}
	if subs := engineSubcommands[name]; subs != nil && len(args) > 1 {
		sub := strings.ToLower(args[1])
		if !subs[sub] {
			return false, ""
		}
		full = name + "|" + sub
	}
	return true, full
}

// subscribedModeError is Redis 7.0's refusal of another command in RESP2's
// subscribed mode.
func subscribedModeError(full string) string {
	return "ERR Can't execute '" + full + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
}

// writeSubscribedPing answers PING in RESP2's subscribed mode, as Redis: a
// two-element array, "pong" and the argument or "".
func (c *conn) writeSubscribedPing(args []string) {
	if len(args) > 2 {
		c.w.WriteError(embedis.ArityError("ping"))
		return
	}
	c.w.WriteArrayLen(2)
	c.w.WriteBulk("pong")
	if len(args) > 1 {
		c.w.WriteBulk(args[1])
	} else {
		c.w.WriteBulk("")
	}
}

// subscriber returns the connection's Subscriber, making it and its
// pusher on first use.
func (c *conn) subscriber() *embedis.Subscriber {
	if c.psub == nil {
		c.psub = embedis.NewSubscriber(c.deliver)
		c.startPusher()
	}
	return c.psub
}

// startPusher starts the connection's pusher, which writes out what others
// put in its mailbox (messages, invalidations), on first use.
func (c *conn) startPusher() {
	if c.wake == nil {
		c.wake = make(chan struct{}, 1)
		go c.pushLoop()
	}
}

// The confirmation replies' first element, by kind.
var (
	subscribeReply   = [3]string{"subscribe", "psubscribe", "ssubscribe"}
	unsubscribeReply = [3]string{"unsubscribe", "punsubscribe", "sunsubscribe"}
)

// subscriptionCount is the count a confirmation reply carries: channels and
// patterns together, or shard channels.
func (c *conn) subscriptionCount(kind embedis.PubSubKind) int64 {
	if kind == embedis.PubSubShard {
		return int64(c.psub.ShardCount())
	}
	return int64(c.psub.Count())
}

func (c *conn) writeSubReply(what, name string, null bool, count int64) {
	c.w.WritePushLen(3)
	c.w.WriteBulk(what)
	if null {
		c.w.WriteNull()
	} else {
		c.w.WriteBulk(name)
	}
	c.w.WriteInt(count)
}

func subscribeHandler(kind embedis.PubSubKind) serverHandler {
	return func(c *conn, tx *embedis.Tx, args []string) {
		if kind == embedis.PubSubShard && c.inExec {
			// Redis 7.0 denies SSUBSCRIBE to a client that may not block,
			// which a transaction is (SUBSCRIBE and PSUBSCRIBE are let
			// through there).
			c.w.writeErrorText("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
			return
		}
		sub := c.subscriber()
		for _, name := range args[1:] {
			sub.Subscribe(tx, kind, name)
			c.writeSubReply(subscribeReply[kind], name, false, c.subscriptionCount(kind))
		}
	}
}

func unsubscribeHandler(kind embedis.PubSubKind) serverHandler {
	return func(c *conn, tx *embedis.Tx, args []string) {
		sub := c.subscriber()
		names := args[1:]
		if len(names) == 0 {
			names = sub.Names(kind)
			if len(names) == 0 {
				c.writeSubReply(unsubscribeReply[kind], "", true, c.subscriptionCount(kind))
				return
			}
		}
		for _, name := range names {
			sub.Unsubscribe(tx, kind, name)
			c.writeSubReply(unsubscribeReply[kind], name, false, c.subscriptionCount(kind))
		}
	}
}

// messageKind is the first element of a message, by the subscription's
// kind.
var messageKind = [3]string{"message", "pmessage", "smessage"}

// appendMessage appends m as the connection's protocol frames it: a push
// in RESP3, an array in RESP2.
func appendMessage(b []byte, proto int, kind embedis.PubSubKind, m embedis.Message) []byte {
	n := 3
	if kind == embedis.PubSubPattern {
		n = 4
	}
	if proto == 3 {
		b = append(b, '>')
	} else {
		b = append(b, '*')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '\r', '\n')
	b = appendBulk(b, messageKind[kind])
	if kind == embedis.PubSubPattern {
		b = appendBulk(b, m.Pattern)
	}
	b = appendBulk(b, m.Channel)
	return appendBulk(b, m.Payload)
}

func appendBulk(b []byte, s string) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// deliver is the connection's Subscriber's delivery: the owner calls it
// during a publish.
func (c *conn) deliver(kind embedis.PubSubKind, m embedis.Message) {
	if c.killed.Load() {
		return
	}
	if c.inTurn {
		c.pushScratch = appendMessage(c.pushScratch[:0], c.proto, kind, m)
		c.w.WriteRaw(c.pushScratch)
		return
	}
	c.mailMu.Lock()
	n := len(c.mail)
	c.mail = appendMessage(c.mail, c.proto, kind, m)
	c.pending += int64(len(c.mail) - n)
	pending := c.pending
	over := c.overLimit(pending)
	c.mailMu.Unlock()
	if over {
		c.srv.log.Warn("Client scheduled to be closed ASAP for overcoming of output buffer limits.", "id", c.id, "class", "pubsub", "bytes", pending)
		c.psub.Doom()
		c.kill()
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// overLimit applies client-output-buffer-limit's pubsub class to used bytes
// waiting. mailMu is held.
func (c *conn) overLimit(used int64) bool {
	return overOutputLimit(c.srv.cfg.limits.Load()[clientPubSub], used, &c.softSince)
}

// overOutputLimit applies one class of client-output-buffer-limit as Redis's
// checkClientOutputBufferLimits does: over the hard limit, or over the soft
// limit continuously for more than its seconds, counted as Redis counts them
// (whole seconds of the clock: over for 0 seconds means over at a check in a
// later second than the first). *since is when used first went over the soft
// limit, zero when it is under.
func overOutputLimit(l outputBufferLimit, used int64, since *time.Time) bool {
	hard := l.hard > 0 && uint64(used) >= l.hard
	soft := l.soft > 0 && uint64(used) >= l.soft
	if soft {
		now := time.Now()
		if since.IsZero() {
			*since = now
			soft = false
		} else if now.Unix()-since.Unix() <= l.seconds {
			soft = false
		}
	} else {
		*since = time.Time{}
	}
	return hard || soft
}

// drainMail writes the messages and monitor lines waiting in the mailbox
// into the replies. The connection's goroutine calls it, holding outMu,
// before its turn (off the owner) and again at the start of the turn, for
// what came in between.
func (c *conn) drainMail() {
	if c.wake == nil {
		return
	}
	c.mailMu.Lock()
	if len(c.mail) == 0 && len(c.monMail) == 0 {
		c.mailMu.Unlock()
		return
	}
	mail, marks := c.mail, c.monMail
	c.mail, c.monMail = c.spareMail[:0], c.spareMarks[:0]
	c.mailMu.Unlock()
	done := c.writeMail(mail, marks)
	c.mailMu.Lock()
	c.pending -= done
	c.mailMu.Unlock()
	c.recycleMail(mail, marks)
}

// writeMail writes what was taken from the mailbox into w, formatting the
// monitor lines in their places, and returns what it counted in pending.
// outMu is held.
func (c *conn) writeMail(mail []byte, marks []monitorMark) int64 {
	done := int64(len(mail))
	from := 0
	for _, mk := range marks {
		if mk.off > from {
			c.w.WriteRaw(mail[from:mk.off])
			from = mk.off
		}
		c.lineScratch = appendMonitorLine(c.lineScratch[:0], mk.cmd)
		c.w.WriteRaw(c.lineScratch)
		done += mk.cmd.size
	}
	if from < len(mail) {
		c.w.WriteRaw(mail[from:])
	}
	return done
}

// recycleMail keeps the buffers taken from the mailbox for the next turn of
// the mailbox, unless they grew large. outMu is held.
func (c *conn) recycleMail(mail []byte, marks []monitorMark) {
	if cap(mail) <= 1<<20 {
		c.spareMail = mail[:0]
	} else {
		c.spareMail = nil
	}
	clear(marks)
	if cap(marks) <= 1<<14 {
		c.spareMarks = marks[:0]
	} else {
		c.spareMarks = nil
	}
}

// pushLoop writes the mailbox out whenever a message arrives while the
// connection is not running a turn, until the connection ends.
func (c *conn) pushLoop() {
	for {
		select {
		case <-c.wake:
		case <-c.ctx.Done():
			return
		}
		c.outMu.Lock()
		c.mailMu.Lock()
		mail, marks := c.mail, c.monMail
		c.mail, c.monMail = c.spareMail[:0], c.spareMarks[:0]
		c.mailMu.Unlock()
		var err error
		if len(mail) > 0 || len(marks) > 0 {
			done := c.writeMail(mail, marks)
			n := c.w.Buffered()
			err = c.w.Flush()
			if err == nil {
				c.srv.stats.netOutput.Add(int64(n))
			}
			c.mailMu.Lock()
			c.pending -= done
			c.mailMu.Unlock()
		}
		c.recycleMail(mail, marks)
		c.outMu.Unlock()
		if err != nil {
			c.kill()
			return
		}
	}
}

// resetPubSub drops the connection's subscriptions without replies
// (RESET).
func (c *conn) resetPubSub(tx *embedis.Tx) {
	if c.psub != nil {
		c.psub.UnsubscribeAll(tx)
	}
}

// subCounts returns the connection's subscriptions for CLIENT LIST: sub,
// psub, ssub.
func (c *conn) subCounts() (sub, psub, ssub int) {
	if c.psub == nil {
		return 0, 0, 0
	}
	p := len(c.psub.Names(embedis.PubSubPattern))
	return c.psub.Count() - p, p, c.psub.ShardCount()
}
