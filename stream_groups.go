package embedis

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/embedis/embedis/internal/stream"
)

// Consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM
// and XINFO GROUPS/CONSUMERS, as Redis 7.0. The groups, their pending
// entries lists (PEL) and consumers live in internal/stream (group.go).
//
// Write effects. Redis propagates XREADGROUP as the XCLAIMs that rebuild
// its PEL entries and an XGROUP SETID for the group's last ID; the effects
// here are the same kind, fully resolved, so that replaying them rebuilds
// the same groups:
//   - every PEL entry a command creates or changes becomes
//     XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> FORCE JUSTID,
//     which sets the entry's owner, delivery time and count exactly;
//   - an entry a command drops from a PEL (XCLAIM or XAUTOCLAIM of an
//     entry deleted from the stream) becomes XACK <key> <group> <id>;
//   - a group whose last ID or entries-read moved becomes
//     XGROUP SETID <key> <group> <id> ENTRIESREAD <n>;
//   - a consumer created on the way becomes XGROUP CREATECONSUMER, so that
//     it exists after a replay even if it owns nothing.
// A consumer's seen-time is not part of the effects (as in Redis): a
// replay sets it to the time of the replay.
//
// Times (delivery times, seen-times, idle times) come from the store's
// clock (Tx.nowMs), so that a manual clock makes them deterministic.

// evXGroup* and evXClaim are Redis's events of these commands: XACK,
// XCLAIM, XAUTOCLAIM and XREADGROUP raise none of their own (only
// "xgroup-createconsumer" when they create a consumer).
var (
	evXGroupCreate  = keyEvent{class: classStream, name: "xgroup-create"}
	evXGroupSetID   = keyEvent{class: classStream, name: "xgroup-setid"}
	evXGroupDestroy = keyEvent{class: classStream, name: "xgroup-destroy"}
	evXGroupCreateC = keyEvent{class: classStream, name: "xgroup-createconsumer"}
	evXGroupDelC    = keyEvent{class: classStream, name: "xgroup-delconsumer"}
)

// readStreamChange is readStream for a command that may change the stream
// (see lookupReadChange).
func (tx *Tx) readStreamChange(key string) (*streamValue, error) {
	return keyAs[*streamValue](tx.lookupKey(key, lookupReadChange))
}

// groupOf returns the stream and group at key for the commands that need
// both (XPENDING, XCLAIM, XAUTOCLAIM), or noGroupError.
func (tx *Tx) groupOf(key, group string, write bool) (*streamValue, *stream.Group, error) {
	flags := lookupFlags(0)
	if write {
		flags = lookupReadChange
	}
	return groupIn(key, group, tx.lookupKey(key, flags))
}

// groupIn is groupOf on the value v found at key (XAUTOCLAIM looks the key
// up before it reads its arguments, as Redis, and checks it after).
func groupIn(key, group string, v value) (*streamValue, *stream.Group, error) {
	sv, err := keyAs[*streamValue](v)
	if err != nil {
		return nil, nil, err
	}
	if sv == nil {
		return nil, nil, noGroupError(key, group)
	}
	g := sv.s.Group(group)
	if g == nil {
		return nil, nil, noGroupError(key, group)
	}
	return sv, g, nil
}

// consumerFor returns group g's consumer name, creating it (with its
// event and effect) if it does not exist, and marks it seen now.
func (tx *Tx) consumerFor(key string, g *stream.Group, name string) *stream.Consumer {
	now := tx.nowMs()
	if c := g.Consumer(name); c != nil {
		c.SeenTime = now
		return c
	}
	c := g.CreateConsumer(name, now)
	if tx.wrote(key, evXGroupCreateC) {
		tx.emit("XGROUP", "CREATECONSUMER", key, g.Name, name)
	}
	return c
}

// emitClaim emits the effect that sets PEL entry p as it is now.
func (tx *Tx) emitClaim(key string, g *stream.Group, p *stream.Pending) {
	if tx.rec {
		tx.emit("XCLAIM", key, g.Name, p.Consumer.Name, "0", p.ID.String(),
			"TIME", strconv.FormatInt(p.DeliveryTime, 10), "RETRYCOUNT", strconv.FormatInt(p.DeliveryCount, 10), "FORCE", "JUSTID")
	}
}

// emitSetID emits the effect that sets g's last ID and entries-read.
func (tx *Tx) emitSetID(key string, g *stream.Group) {
	if tx.rec {
		tx.emit("XGROUP", "SETID", key, g.Name, g.LastID.String(), "ENTRIESREAD", strconv.FormatInt(g.EntriesRead, 10))
	}
}

// XGroupCreate creates the consumer group group of the stream at key,
// whose last-delivered ID is start ("$": the stream's last ID; "0": read
// from the beginning). ErrBusyGroup if it exists; ErrNoSuchKey's form if
// the key does not exist (see XGroupCreateMkStream); ErrStreamID;
// ErrWrongType.
func (tx *Tx) XGroupCreate(key, group, start string) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	return tx.xgroupCreate(key, group, start, false, stream.InvalidEntriesRead)
}

// XGroupCreateMkStream is XGroupCreate creating an empty stream at key if
// there is none (MKSTREAM).
func (tx *Tx) XGroupCreateMkStream(key, group, start string) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	return tx.xgroupCreate(key, group, start, true, stream.InvalidEntriesRead)
}

func (tx *Tx) xgroupCreate(key, group, start string, mkStream bool, entriesRead int64) error {
	sv, err := tx.writeStream(key)
	if err != nil {
		return err
	}
	if sv == nil && !mkStream {
		return errXGroupNoKey
	}
	var id stream.ID
	if start == "$" {
		if sv != nil {
			id = sv.s.LastID
		}
	} else if id, _, err = parseStreamID(start, 0, true, false); err != nil {
		return err
	}
	if sv == nil {
		sv = &streamValue{s: &stream.Stream{}}
		tx.setValue(key, sv, false)
	}
	g := sv.s.CreateGroup(group, id, entriesRead)
	if g == nil {
		return ErrBusyGroup
	}
	if tx.wrote(key, evXGroupCreate) {
		tx.emit("XGROUP", "CREATE", key, group, id.String(), "MKSTREAM", "ENTRIESREAD", strconv.FormatInt(entriesRead, 10))
	}
	return nil
}

// XGroupSetID sets the last-delivered ID of group ("$": the stream's last
// ID; "-" and "+" are accepted, as Redis) and forgets its entries-read
// count. ErrNoSuchKey's form if the key does not exist; ErrNoGroup;
// ErrStreamID; ErrWrongType.
func (tx *Tx) XGroupSetID(key, group, start string) error {
	return tx.xgroupSetID(key, group, start, stream.InvalidEntriesRead)
}

// xgroupStream returns the stream and group of an XGROUP subcommand that
// needs both, with XGROUP's errors.
func (tx *Tx) xgroupStream(key, group string) (*streamValue, *stream.Group, error) {
	sv, err := tx.writeStream(key)
	if err != nil {
		return nil, nil, err
	}
	if sv == nil {
		return nil, nil, errXGroupNoKey
	}
	g := sv.s.Group(group)
	if g == nil {
		return nil, nil, noGroupForKeyError(key, group)
	}
	return sv, g, nil
}

func (tx *Tx) xgroupSetID(key, group, start string, entriesRead int64) error {
	sv, g, err := tx.xgroupStream(key, group)
	if err != nil {
		return err
	}
	var id stream.ID
	if start == "$" {
		id = sv.s.LastID
	} else if id, _, err = parseStreamID(start, 0, false, false); err != nil {
		return err
	}
	g.LastID, g.EntriesRead = id, entriesRead
	if tx.wrote(key, evXGroupSetID) {
		tx.emitSetID(key, g)
	}
	return nil
}

// XGroupDestroy removes group and its consumers and PEL, and returns 1, or
// 0 if there was no such group. Readers blocked on the group get
// ErrNoGroup. ErrNoSuchKey's form if the key does not exist; ErrWrongType.
func (tx *Tx) XGroupDestroy(key, group string) (int64, error) {
	sv, err := tx.writeStream(key)
	if err != nil {
		return 0, err
	}
	if sv == nil {
		return 0, errXGroupNoKey
	}
	if !sv.s.DestroyGroup(group) {
		return 0, nil
	}
	if tx.wrote(key, evXGroupDestroy) {
		tx.emit("XGROUP", "DESTROY", key, group)
	}
	tx.keyReady(key) // blocked readers of the group are answered NOGROUP
	return 1, nil
}

// XGroupCreateConsumer adds consumer to group and returns 1, or 0 if it
// exists. ErrNoSuchKey's form if the key does not exist; ErrNoGroup;
// ErrWrongType.
func (tx *Tx) XGroupCreateConsumer(key, group, consumer string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	_, g, err := tx.xgroupStream(key, group)
	if err != nil {
		return 0, err
	}
	if g.CreateConsumer(consumer, tx.nowMs()) == nil {
		return 0, nil
	}
	if tx.wrote(key, evXGroupCreateC) {
		tx.emit("XGROUP", "CREATECONSUMER", key, group, consumer)
	}
	return 1, nil
}

// XGroupDelConsumer removes consumer from group, with its pending entries
// (they leave the group's PEL), and returns how many it had pending (0 if
// there is no such consumer). ErrNoSuchKey's form if the key does not
// exist; ErrNoGroup; ErrWrongType.
func (tx *Tx) XGroupDelConsumer(key, group, consumer string) (int64, error) {
	_, g, err := tx.xgroupStream(key, group)
	if err != nil {
		return 0, err
	}
	n, ok := g.DeleteConsumer(consumer)
	if ok && tx.wrote(key, evXGroupDelC) {
		tx.emit("XGROUP", "DELCONSUMER", key, group, consumer)
	}
	return n, nil
}

// XReadGroupArgs are XREADGROUP's arguments, as go-redis names them.
type XReadGroupArgs struct {
	Group    string
	Consumer string
	// Streams lists the keys, then one ID per key: ">" for entries never
	// delivered to the group, or an ID to re-read the consumer's own
	// pending entries after it.
	Streams []string
	// Count, if above 0, bounds the entries returned per stream.
	Count int64
	// Block as in XReadArgs: only Store.XReadGroup waits.
	Block time.Duration
	// NoAck delivers without adding the entries to the PEL.
	NoAck bool
}

// xreadGroupReq is a parsed XREADGROUP.
type xreadGroupReq struct {
	group, consumer string
	keys            []string
	ids             []stream.ID // stream.MaxID for ">"
	count           int64
	noAck           bool
}

// XReadGroup reads as consumer of group: for each stream, with ">" the
// entries after the group's last-delivered ID (up to Count), which become
// pending for the consumer unless NoAck; with an ID, the consumer's pending
// entries after it (an entry deleted since comes back with nil Values,
// Redis's null). A stream read by ID is always in the result, empty or
// not; no stream in the result is ErrNotFound. The consumer is created if
// needed. ErrNoGroup if a key or its group does not exist; ErrStreamID
// (and its form for "$"); ErrWrongType. It never waits (see
// Store.XReadGroup).
func (tx *Tx) XReadGroup(a XReadGroupArgs) ([]XStream, error) {
	r, err := tx.xreadGroupResolve(a)
	if err != nil {
		return nil, err
	}
	out := tx.xreadGroupServe(r)
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, nil
}

func (tx *Tx) xreadGroupResolve(a XReadGroupArgs) (xreadGroupReq, error) {
	if len(a.Streams) == 0 || len(a.Streams)%2 != 0 {
		return xreadGroupReq{}, errXReadUnbalanced
	}
	n := len(a.Streams) / 2
	return tx.xreadGroupParse(a.Group, a.Consumer, a.Streams[:n], a.Streams[n:], max(a.Count, 0), a.NoAck)
}

// xreadGroupParse checks the keys and groups and reads the IDs, in Redis's
// order.
func (tx *Tx) xreadGroupParse(group, consumer string, keys, ids []string, count int64, noAck bool) (xreadGroupReq, error) {
	r := xreadGroupReq{group: group, consumer: consumer, keys: keys, ids: make([]stream.ID, len(keys)), count: count, noAck: noAck}
	for i, k := range keys {
		sv, err := tx.readStreamChange(k)
		if err != nil {
			return r, err
		}
		if sv == nil || sv.s.Group(group) == nil {
			return r, noGroupReadError(k, group)
		}
		switch ids[i] {
		case "$":
			return r, errXReadGroupDollar
		case ">":
			r.ids[i] = stream.MaxID
			continue
		}
		if r.ids[i], _, err = parseStreamID(ids[i], 0, true, false); err != nil {
			return r, err
		}
	}
	return r, nil
}

// xreadGroupServe serves each stream that has something, as Redis's second
// pass.
func (tx *Tx) xreadGroupServe(r xreadGroupReq) []XStream {
	var out []XStream
	for i, k := range r.keys {
		sv, _ := tx.readStreamChange(k)
		if sv == nil {
			continue
		}
		g := sv.s.Group(r.group)
		if g == nil {
			continue
		}
		gt := r.ids[i]
		history := gt != stream.MaxID
		serve := history
		if !history && sv.s.Len() > 0 && g.LastID.Less(sv.s.LastLiveID()) {
			serve, gt = true, g.LastID
		}
		if !serve {
			continue
		}
		c := tx.consumerFor(k, g, r.consumer) // Redis looks the consumer up only to serve it
		start, _ := gt.Next()
		var msgs []XMessage
		if history {
			msgs = tx.xreadHistory(k, sv, g, c, start, r.count)
		} else {
			msgs = tx.xreadNew(k, sv, g, c, start, r.count, r.noAck)
		}
		tx.wroteQuiet(k, 1) // Redis counts one change a stream served
		out = append(out, XStream{Stream: k, Messages: msgs})
	}
	return out
}

// xreadHistory re-reads consumer c's pending entries from start: each
// still in the stream is delivered again (time now, count + 1); one
// deleted comes back with nil Values.
func (tx *Tx) xreadHistory(key string, sv *streamValue, g *stream.Group, c *stream.Consumer, start stream.ID, count int64) []XMessage {
	out := []XMessage{}
	now := tx.nowMs()
	for cur := c.Seek(start); cur.Valid() && (count == 0 || int64(len(out)) < count); cur = cur.Next() {
		p := cur.Pending()
		var m XMessage
		found := false
		sv.s.Range(p.ID, p.ID, false, func(e stream.Entry) bool {
			m, found = toXMessage(e), true
			return false
		})
		if !found {
			out = append(out, XMessage{ID: p.ID.String()})
			continue
		}
		p.DeliveryTime = now
		p.DeliveryCount++
		out = append(out, m)
		tx.emitClaim(key, g, p)
	}
	return out
}

// xreadNew delivers the entries from start to consumer c of group g.
func (tx *Tx) xreadNew(key string, sv *streamValue, g *stream.Group, c *stream.Consumer, start stream.ID, count int64, noAck bool) []XMessage {
	out := []XMessage{}
	now := tx.nowMs()
	var ids []stream.ID
	sv.s.Range(start, stream.MaxID, false, func(e stream.Entry) bool {
		out = append(out, toXMessage(e))
		ids = append(ids, e.ID)
		return count == 0 || int64(len(out)) < count
	})
	moved := false
	for _, id := range ids {
		if g.LastID.Less(id) {
			sv.s.Deliver(g, id)
			moved = true
		}
		if !noAck {
			p := g.AddPending(id, c, now)
			tx.emitClaim(key, g, p)
		}
	}
	if moved {
		tx.emitSetID(key, g)
	}
	return out
}

// xreadGroupAttempt is the attempt of a blocked XREADGROUP: new entries of
// the stream at key for the group (always read with ">").
func xreadGroupAttempt(r xreadGroupReq) attempt[[]XMessage] {
	return func(tx *Tx, key string) ([]XMessage, bool, error) {
		sv, err := tx.writeStream(key)
		if err != nil || sv == nil {
			return nil, false, nil
		}
		g := sv.s.Group(r.group)
		if g == nil {
			return nil, false, errNoGroupBlockedGone
		}
		if !g.LastID.Less(sv.s.LastID) {
			return nil, false, nil
		}
		start, _ := g.LastID.Next()
		c := tx.consumerFor(key, g, r.consumer)
		msgs := tx.xreadNew(key, sv, g, c, start, r.count, r.noAck)
		tx.wroteQuiet(key, 0)
		return msgs, true, nil
	}
}

// XReadGroup is Tx.XReadGroup that, with a.Block ≥ 0 and nothing to read
// (every stream read with ">" and none with new entries), waits until an
// entry is added to one of the streams (then returns that stream's new
// entries alone), a.Block passes (ErrNotFound; 0 waits for ever), ctx ends
// or the store closes. A group destroyed meanwhile is ErrNoGroup. Waiting
// readers are served in the order they came: one reader's delivery moves
// the group on, so the next reader of the same group waits for more.
func (s *Store) XReadGroup(ctx context.Context, a XReadGroupArgs) ([]XStream, error) {
	return s.streamRead(ctx, a.Block, func(tx *Tx) ([]XStream, []string, attempt[[]XMessage], error) {
		r, err := tx.xreadGroupResolve(a)
		if err != nil {
			return nil, nil, nil, err
		}
		return tx.xreadGroupServe(r), r.keys, xreadGroupAttempt(r), nil
	})
}

// XAck acknowledges the entries ids of group: they leave its PEL. It
// returns how many were pending (an ID given twice counts once); 0 if the
// key or group does not exist. ErrStreamID if an ID is malformed (then
// nothing is acknowledged); ErrWrongType.
func (tx *Tx) XAck(key, group string, ids ...string) (int64, error) {
	sv, err := tx.readStreamChange(key)
	if err != nil {
		return 0, err
	}
	var g *stream.Group
	if sv != nil {
		g = sv.s.Group(group)
	}
	if g == nil {
		return 0, nil
	}
	parsed := make([]stream.ID, len(ids))
	for i, s := range ids {
		if parsed[i], _, err = parseStreamID(s, 0, true, false); err != nil {
			return 0, err
		}
	}
	var acked []string
	for _, id := range parsed {
		if g.Ack(id) {
			acked = append(acked, id.String())
		}
	}
	if len(acked) > 0 && tx.wroteQuiet(key, len(acked)) {
		tx.emit(append([]string{"XACK", key, group}, acked...)...)
	}
	return int64(len(acked)), nil
}

// XPending is XPENDING's summary of a group's PEL, as go-redis names it.
// Lower and Higher are "" and Consumers nil when nothing is pending.
type XPending struct {
	Count     int64
	Lower     string
	Higher    string
	Consumers map[string]int64
}

// XPending summarises the PEL of group: how many entries, the first and
// last IDs, and how many each consumer has (consumers with none are left
// out). ErrNoGroup if the key or group does not exist; ErrWrongType.
func (tx *Tx) XPending(key, group string) (XPending, error) {
	_, g, err := tx.groupOf(key, group, false)
	if err != nil {
		return XPending{}, err
	}
	var out XPending
	out.Count = g.PendingLen()
	if out.Count == 0 {
		return out, nil
	}
	out.Lower, out.Higher = g.FirstPending().ID.String(), g.LastPending().ID.String()
	out.Consumers = map[string]int64{}
	for _, c := range g.Consumers() {
		if n := c.PendingLen(); n > 0 {
			out.Consumers[c.Name] = n
		}
	}
	return out, nil
}

// pendingConsumers lists the consumers with entries pending, in name
// order, for the server's reply.
func pendingConsumers(g *stream.Group) []*stream.Consumer {
	var out []*stream.Consumer
	for _, c := range g.Consumers() {
		if c.PendingLen() > 0 {
			out = append(out, c)
		}
	}
	return out
}

// XPendingExtArgs are XPENDING's extended form's arguments, as go-redis
// names them.
type XPendingExtArgs struct {
	Stream string
	Group  string
	// Idle, if above 0, keeps only entries idle at least that long.
	Idle time.Duration
	// Start and End bound the IDs ("-", "+", "(" exclusions as XRANGE).
	Start, End string
	// Count bounds the entries returned (none if ≤ 0).
	Count int64
	// Consumer, if set, restricts the list to that consumer's entries
	// (empty if there is no such consumer).
	Consumer string
}

// XPendingExt is one pending entry: its ID, consumer, the time since it
// was last delivered, and how many times it was delivered.
type XPendingExt struct {
	ID         string
	Consumer   string
	Idle       time.Duration
	RetryCount int64
}

// XPendingExt lists group's pending entries from a.Start to a.End.
// ErrNoGroup if the key or group does not exist; ErrStreamID and its
// forms for a bad interval; ErrWrongType.
func (tx *Tx) XPendingExt(a XPendingExtArgs) ([]XPendingExt, error) {
	s, e, err := parseInterval(a.Start, a.End)
	if err != nil {
		return nil, err
	}
	idle := a.Idle.Milliseconds()
	return tx.xpendingExt(a.Stream, a.Group, idle, s, e, max(a.Count, 0), a.Consumer, a.Consumer != "")
}

func (tx *Tx) xpendingExt(key, group string, minIdle int64, start, end stream.ID, count int64, consumer string, byConsumer bool) ([]XPendingExt, error) {
	_, g, err := tx.groupOf(key, group, false)
	if err != nil {
		return nil, err
	}
	out := []XPendingExt{}
	cur := g.Seek(start)
	if byConsumer {
		c := g.Consumer(consumer)
		if c == nil {
			return out, nil
		}
		cur = c.Seek(start)
	}
	now := tx.nowMs()
	for ; count > 0 && cur.Valid() && !end.Less(cur.Pending().ID); cur = cur.Next() {
		p := cur.Pending()
		if minIdle != 0 && now-p.DeliveryTime < minIdle {
			continue
		}
		count--
		out = append(out, XPendingExt{ID: p.ID.String(), Consumer: p.Consumer.Name,
			Idle: time.Duration(max(now-p.DeliveryTime, 0)) * time.Millisecond, RetryCount: p.DeliveryCount})
	}
	return out, nil
}

// XClaimArgs are XCLAIM's arguments: go-redis's fields, and the options
// go-redis leaves out.
type XClaimArgs struct {
	Stream   string
	Group    string
	Consumer string
	// MinIdle: only entries idle at least that long are claimed.
	MinIdle time.Duration
	// Messages are the IDs to claim.
	Messages []string
	// Idle, if set, makes the claimed entries' idle time this long
	// (IDLE); Time, if not zero, sets their delivery time (TIME; a time
	// in the future, or before 1970, means now).
	Idle *time.Duration
	Time time.Time
	// RetryCount, if set, sets their delivery count (RETRYCOUNT).
	RetryCount *int64
	// Force claims IDs not pending yet, if the stream has them (FORCE).
	Force bool
	// LastID, if after the group's last-delivered ID, becomes it.
	LastID string
}

// xclaimReq is a parsed XCLAIM.
type xclaimReq struct {
	key, group, consumer string
	minIdle              int64
	ids                  []stream.ID
	delivery             int64 // -1: now
	retryCount           int64 // -1: not given
	force, justID        bool
	lastID               stream.ID
}

// XClaim moves the given pending entries of group to a.Consumer, if idle
// for at least a.MinIdle, and returns them (their delivery count goes up
// by one, their delivery time is now unless set). An ID no longer in the
// stream is dropped from the PEL and not returned. ErrNoGroup; ErrStreamID;
// ErrWrongType.
func (tx *Tx) XClaim(a XClaimArgs) ([]XMessage, error) {
	sv, g, r, err := tx.xclaimArgs(a, false)
	if err != nil {
		return nil, err
	}
	msgs, _ := tx.xclaim(sv, g, r)
	return msgs, nil
}

// XClaimJustID is XClaim returning the IDs alone, without raising the
// delivery count (JUSTID).
func (tx *Tx) XClaimJustID(a XClaimArgs) ([]string, error) {
	sv, g, r, err := tx.xclaimArgs(a, true)
	if err != nil {
		return nil, err
	}
	_, ids := tx.xclaim(sv, g, r)
	return ids, nil
}

// xclaimArgs looks the stream and group up, then reads a, as Redis.
func (tx *Tx) xclaimArgs(a XClaimArgs, justID bool) (*streamValue, *stream.Group, xclaimReq, error) {
	sv, g, err := tx.groupOf(a.Stream, a.Group, true)
	if err != nil {
		return nil, nil, xclaimReq{}, err
	}
	r := xclaimReq{key: a.Stream, group: a.Group, consumer: a.Consumer, minIdle: max(a.MinIdle.Milliseconds(), 0),
		delivery: -1, retryCount: -1, force: a.Force, justID: justID}
	for _, s := range a.Messages {
		id, _, err := parseStreamID(s, 0, true, false)
		if err != nil {
			return nil, nil, r, err
		}
		r.ids = append(r.ids, id)
	}
	now := tx.nowMs()
	if a.Idle != nil {
		r.delivery = now - a.Idle.Milliseconds()
	}
	if !a.Time.IsZero() {
		r.delivery = a.Time.UnixMilli()
	}
	if a.RetryCount != nil {
		r.retryCount = *a.RetryCount
	}
	if a.LastID != "" {
		id, _, err := parseStreamID(a.LastID, 0, true, false)
		if err != nil {
			return nil, nil, r, err
		}
		r.lastID = id
	}
	return sv, g, r, nil
}

// xclaim is XCLAIM on parsed arguments: the entries claimed, as messages
// (nil Values for an entry FORCE'd … never: such an entry exists) and as
// IDs.
func (tx *Tx) xclaim(sv *streamValue, g *stream.Group, r xclaimReq) ([]XMessage, []string) {
	now := tx.nowMs()
	setID := false
	if g.LastID.Less(r.lastID) {
		g.LastID = r.lastID
		setID = true
	}
	delivery := r.delivery
	if delivery < 0 || delivery > now {
		delivery = now
	}
	var c *stream.Consumer
	msgs := []XMessage{}
	ids := []string{}
	changes := 0
	for _, id := range r.ids {
		p := g.Pending(id)
		var m XMessage
		found := false
		sv.s.Range(id, id, false, func(e stream.Entry) bool {
			m, found = toXMessage(e), true
			return false
		})
		if !found {
			if p != nil {
				g.Ack(id)
				changes++
				if tx.rec {
					tx.emit("XACK", r.key, r.group, id.String())
				}
			}
			continue
		}
		if p == nil {
			if !r.force {
				continue
			}
			p = g.AddOrphan(id)
		} else if p.Consumer != nil && r.minIdle > 0 && now-p.DeliveryTime < r.minIdle {
			continue
		}
		if c == nil {
			c = tx.consumerFor(r.key, g, r.consumer)
		}
		g.Assign(p, c)
		p.DeliveryTime = delivery
		if r.retryCount >= 0 {
			p.DeliveryCount = r.retryCount
		} else if !r.justID {
			p.DeliveryCount++
		}
		msgs = append(msgs, m)
		ids = append(ids, id.String())
		changes++
		tx.emitClaim(r.key, g, p)
	}
	if setID {
		changes++
	}
	if changes > 0 {
		tx.wroteQuiet(r.key, changes)
	}
	if setID {
		tx.emitSetID(r.key, g)
	}
	return msgs, ids
}

// XAutoClaimArgs are XAUTOCLAIM's arguments, as go-redis names them.
type XAutoClaimArgs struct {
	Stream   string
	Group    string
	Consumer string
	// MinIdle: only entries idle at least that long are claimed.
	MinIdle time.Duration
	// Start is the first ID to look at ("0-0" for the whole PEL; "(" to
	// exclude it).
	Start string
	// Count bounds the entries claimed (0: Redis's default, 100); the scan
	// looks at no more than ten times as many.
	Count int64
}

// XAutoClaimResult is XAUTOCLAIM's reply: the cursor to pass as the next
// Start ("0-0" once the PEL has been scanned to its end), the entries
// claimed (Messages, empty with JUSTID) and their IDs, and the IDs found
// pending but deleted from the stream (they have left the PEL).
type XAutoClaimResult struct {
	Next     string
	Messages []XMessage
	IDs      []string
	Deleted  []string
}

// XAutoClaim claims for a.Consumer the entries of group's PEL from a.Start
// that have been idle at least a.MinIdle, as XClaim, and returns them with
// the next cursor and the IDs it found pending but deleted from the stream
// (purged from the PEL, as Redis 7.0 does). ErrNoGroup; ErrStreamID and
// its forms; ErrSyntax's form for a Count out of range; ErrWrongType.
func (tx *Tx) XAutoClaim(a XAutoClaimArgs) (XAutoClaimResult, error) {
	return tx.xautoclaimArgs(a, false)
}

// XAutoClaimJustID is XAutoClaim filling only the result's IDs, without
// raising the delivery counts (JUSTID).
func (tx *Tx) XAutoClaimJustID(a XAutoClaimArgs) (XAutoClaimResult, error) {
	return tx.xautoclaimArgs(a, true)
}

func (tx *Tx) xautoclaimArgs(a XAutoClaimArgs, justID bool) (XAutoClaimResult, error) {
	v := tx.lookupKey(a.Stream, lookupReadChange)
	start, _, err := parseInterval(a.Start, "+")
	if err != nil {
		return XAutoClaimResult{}, err
	}
	count := a.Count
	switch {
	case count == 0:
		count = 100
	case count < 0 || count > xautoclaimMaxCount:
		return XAutoClaimResult{}, errGeoCount
	}
	return tx.xautoclaim(v, a.Stream, a.Group, a.Consumer, max(a.MinIdle.Milliseconds(), 0), start, count, justID)
}

// xautoclaimMaxCount is the largest COUNT Redis takes (LONG_MAX / 16).
const xautoclaimMaxCount = math.MaxInt64 / 16

// xautoclaimAllocMax is the largest COUNT whose transient array (16 bytes
// a count, allocated up front by Redis) we take: Redis fails the command
// when that allocation fails, which depends on the machine; above 64 GiB
// we fail it too, and below we need no such array.
const xautoclaimAllocMax = 1 << 32

// xautoclaim is XAUTOCLAIM on parsed arguments and the value v looked up
// at key.
func (tx *Tx) xautoclaim(v value, key, group, consumer string, minIdle int64, start stream.ID, count int64, justID bool) (XAutoClaimResult, error) {
	sv, g, err := groupIn(key, group, v)
	if err != nil {
		return XAutoClaimResult{}, err
	}
	if count > xautoclaimAllocMax {
		return XAutoClaimResult{}, errXAutoClaimMemory
	}
	res := XAutoClaimResult{Messages: []XMessage{}, IDs: []string{}, Deleted: []string{}}
	if justID {
		res.Messages = nil
	}
	now := tx.nowMs()
	attempts := count * 10
	var c *stream.Consumer
	changes := 0
	cur := g.Seek(start)
	for attempts > 0 && count > 0 && cur.Valid() {
		attempts--
		p := cur.Pending()
		next := cur.Next()
		var m XMessage
		found := false
		sv.s.Range(p.ID, p.ID, false, func(e stream.Entry) bool {
			m, found = toXMessage(e), true
			return false
		})
		if !found {
			id := p.ID
			g.Ack(id)
			res.Deleted = append(res.Deleted, id.String())
			count--
			changes++
			if tx.rec {
				tx.emit("XACK", key, group, id.String())
			}
			cur = next
			continue
		}
		if minIdle > 0 && now-p.DeliveryTime < minIdle {
			cur = next
			continue
		}
		if c == nil {
			c = tx.consumerFor(key, g, consumer)
		}
		g.Assign(p, c)
		p.DeliveryTime = now
		if !justID {
			p.DeliveryCount++
		}
		if !justID {
			res.Messages = append(res.Messages, m)
		}
		res.IDs = append(res.IDs, p.ID.String())
		count--
		changes++
		tx.emitClaim(key, g, p)
		cur = next
	}
	res.Next = "0-0"
	if cur.Valid() {
		res.Next = cur.Pending().ID.String()
	}
	if changes > 0 {
		tx.wroteQuiet(key, changes)
	}
	return res, nil
}

// XInfoGroup is one group of XINFO GROUPS, as go-redis names the fields.
// EntriesRead is -1 when the group's count is unknown; Lag is valid only
// when LagValid (Redis's null otherwise; a lag may be negative after an
// XGROUP SETID … ENTRIESREAD past the stream's count).
type XInfoGroup struct {
	Name            string
	Consumers       int64
	Pending         int64
	LastDeliveredID string
	EntriesRead     int64
	Lag             int64
	LagValid        bool
}

// XInfoGroups lists the groups of the stream at key, in name order.
// ErrNoSuchKey if it does not exist; ErrWrongType.
func (tx *Tx) XInfoGroups(key string) ([]XInfoGroup, error) {
	sv, err := tx.readStream(key)
	if err != nil {
		return nil, err
	}
	if sv == nil {
		return nil, ErrNoSuchKey
	}
	out := []XInfoGroup{}
	for _, g := range sv.s.Groups() {
		lag, ok := sv.s.Lag(g)
		out = append(out, XInfoGroup{Name: g.Name, Consumers: int64(g.NumConsumers()), Pending: g.PendingLen(),
			LastDeliveredID: g.LastID.String(), EntriesRead: g.EntriesRead, Lag: lag, LagValid: ok})
	}
	return out, nil
}

// XInfoConsumer is one consumer of XINFO CONSUMERS, as go-redis names the
// fields: Idle is the time since it last read or claimed.
type XInfoConsumer struct {
	Name    string
	Pending int64
	Idle    time.Duration
}

// XInfoConsumers lists the consumers of group, in name order.
// ErrNoSuchKey if the key does not exist; ErrNoGroup; ErrWrongType.
func (tx *Tx) XInfoConsumers(key, group string) ([]XInfoConsumer, error) {
	sv, err := tx.readStream(key)
	if err != nil {
		return nil, err
	}
	if sv == nil {
		return nil, ErrNoSuchKey
	}
	g := sv.s.Group(group)
	if g == nil {
		return nil, noGroupForKeyError(key, group)
	}
	now := tx.nowMs()
	out := []XInfoConsumer{}
	for _, c := range g.Consumers() {
		out = append(out, XInfoConsumer{Name: c.Name, Pending: c.PendingLen(), Idle: time.Duration(max(now-c.SeenTime, 0)) * time.Millisecond})
	}
	return out, nil
}

// XInfoStreamGroup is one group of XINFO STREAM FULL, as go-redis names
// the fields.
type XInfoStreamGroup struct {
	Name            string
	LastDeliveredID string
	EntriesRead     int64 // -1 when unknown
	Lag             int64
	LagValid        bool
	PelCount        int64
	Pending         []XInfoStreamGroupPending
	Consumers       []XInfoStreamConsumer
}

// XInfoStreamGroupPending is one entry of a group's PEL.
type XInfoStreamGroupPending struct {
	ID            string
	Consumer      string
	DeliveryTime  time.Time
	DeliveryCount int64
}

// XInfoStreamConsumer is one consumer of a group in XINFO STREAM FULL.
type XInfoStreamConsumer struct {
	Name     string
	SeenTime time.Time
	PelCount int64
	Pending  []XInfoStreamConsumerPending
}

// XInfoStreamConsumerPending is one entry of a consumer's PEL.
type XInfoStreamConsumerPending struct {
	ID            string
	DeliveryTime  time.Time
	DeliveryCount int64
}

// streamGroupsFull lists the groups for XINFO STREAM FULL, each PEL cut to
// count entries (0: all).
func streamGroupsFull(sv *streamValue, count int64) []XInfoStreamGroup {
	out := []XInfoStreamGroup{}
	for _, g := range sv.s.Groups() {
		lag, ok := sv.s.Lag(g)
		xg := XInfoStreamGroup{Name: g.Name, LastDeliveredID: g.LastID.String(), EntriesRead: g.EntriesRead,
			Lag: lag, LagValid: ok, PelCount: g.PendingLen(), Pending: []XInfoStreamGroupPending{}, Consumers: []XInfoStreamConsumer{}}
		for cur := g.Seek(stream.ID{}); cur.Valid() && (count == 0 || int64(len(xg.Pending)) < count); cur = cur.Next() {
			p := cur.Pending()
			xg.Pending = append(xg.Pending, XInfoStreamGroupPending{ID: p.ID.String(), Consumer: p.Consumer.Name,
				DeliveryTime: time.UnixMilli(p.DeliveryTime), DeliveryCount: p.DeliveryCount})
		}
		for _, c := range g.Consumers() {
			xc := XInfoStreamConsumer{Name: c.Name, SeenTime: time.UnixMilli(c.SeenTime), PelCount: c.PendingLen(), Pending: []XInfoStreamConsumerPending{}}
			for cur := c.Seek(stream.ID{}); cur.Valid() && (count == 0 || int64(len(xc.Pending)) < count); cur = cur.Next() {
				p := cur.Pending()
				xc.Pending = append(xc.Pending, XInfoStreamConsumerPending{ID: p.ID.String(),
					DeliveryTime: time.UnixMilli(p.DeliveryTime), DeliveryCount: p.DeliveryCount})
			}
			xg.Consumers = append(xg.Consumers, xc)
		}
		out = append(out, xg)
	}
	return out
}
