package stream

import (
	"sort"
	"unsafe"
)

// Consumer groups, as Redis 7.0's t_stream.c keeps them: a stream has
// groups by name; a group has its last-delivered ID, its entries-read
// counter, a pending entries list (PEL: every entry delivered and not yet
// acknowledged, with its consumer, last delivery time and delivery count)
// and its consumers by name, each with its own PEL (the subset of the
// group's that it owns) and the time it was last seen. One Pending record
// is shared by the two PELs, as Redis shares its streamNACK.
//
// The PELs are ordered by ID (idIndex), so an ack or a claim costs
// O(log n) and a range read the seek plus the entries read. Groups and
// consumers are maps; the listings that Redis gives in name order (XINFO,
// the RDB) sort the names, O(k log k) for k names, which only those
// commands pay.
//
// Times are Unix milliseconds on the caller's clock: this package never
// reads a clock.

// InvalidEntriesRead is the entries-read value of a group whose count of
// entries read is unknown (Redis's SCG_INVALID_ENTRIES_READ).
const InvalidEntriesRead = -1

// Pending is one entry of a PEL: the entry's ID, the consumer it was
// delivered to, when it was last delivered and how many times.
type Pending struct {
	ID            ID
	Consumer      *Consumer
	DeliveryTime  int64
	DeliveryCount int64
}

// Consumer is one consumer of a group.
type Consumer struct {
	Name string
	// SeenTime is when the consumer last read or claimed (Unix ms).
	SeenTime int64
	pel      idIndex
}

// Group is one consumer group.
type Group struct {
	Name string
	// LastID is the last ID delivered to the group (last-delivered-id).
	LastID ID
	// EntriesRead is the count of entries the group has read, or
	// InvalidEntriesRead.
	EntriesRead int64
	pel         idIndex
	consumers   map[string]*Consumer
	mem         *int64 // the stream's byte count for groups
}

var (
	groupBytes    = int64(unsafe.Sizeof(Group{}))
	consumerBytes = int64(unsafe.Sizeof(Consumer{}))
	pendingBytes  = int64(unsafe.Sizeof(Pending{}))
	// mapEntryBytes is an estimate of a map slot (key header and pointer).
	mapEntryBytes = int64(unsafe.Sizeof("") + unsafe.Sizeof((*Group)(nil)) + 8)
)

// Group returns the group named name, or nil.
func (s *Stream) Group(name string) *Group { return s.groups[name] }

// NumGroups returns the number of groups.
func (s *Stream) NumGroups() int { return len(s.groups) }

// Groups returns the groups in name order (byte-wise, as Redis's radix
// tree orders them).
func (s *Stream) Groups() []*Group {
	out := make([]*Group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CreateGroup adds a group with the given last-delivered ID and
// entries-read; it returns nil if the name is taken.
func (s *Stream) CreateGroup(name string, last ID, entriesRead int64) *Group {
	if _, ok := s.groups[name]; ok {
		return nil
	}
	if s.groups == nil {
		s.groups = map[string]*Group{}
	}
	g := &Group{Name: name, LastID: last, EntriesRead: entriesRead, consumers: map[string]*Consumer{}, mem: &s.groupMem}
	s.groups[name] = g
	s.groupMem += groupBytes + mapEntryBytes + int64(len(name))
	return g
}

// DestroyGroup removes the group named name and reports whether there was
// one.
func (s *Stream) DestroyGroup(name string) bool {
	g, ok := s.groups[name]
	if !ok {
		return false
	}
	delete(s.groups, name)
	s.groupMem -= g.memUsage()
	if len(s.groups) == 0 {
		s.groups = nil
	}
	return true
}

// memUsage is what the group holds, computed by walking it (used when it
// is removed whole).
func (g *Group) memUsage() int64 {
	n := groupBytes + mapEntryBytes + int64(len(g.Name))
	for c := g.pel.seek(ID{}); c != nil; c = c.next[0] {
		n += pendingBytes + nodeCost(len(c.next))
	}
	for _, c := range g.consumers {
		n += consumerBytes + mapEntryBytes + int64(len(c.Name))
		for x := c.pel.seek(ID{}); x != nil; x = x.next[0] {
			n += nodeCost(len(x.next))
		}
	}
	return n
}

// EntriesReadValid reports whether EntriesRead is a count.
func (g *Group) EntriesReadValid() bool { return g.EntriesRead != InvalidEntriesRead }

// Consumer returns the consumer named name, or nil.
func (g *Group) Consumer(name string) *Consumer { return g.consumers[name] }

// NumConsumers returns the number of consumers.
func (g *Group) NumConsumers() int { return len(g.consumers) }

// Consumers returns the consumers in name order.
func (g *Group) Consumers() []*Consumer {
	out := make([]*Consumer, 0, len(g.consumers))
	for _, c := range g.consumers {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CreateConsumer adds a consumer seen at now; it returns nil if the name
// is taken.
func (g *Group) CreateConsumer(name string, now int64) *Consumer {
	if _, ok := g.consumers[name]; ok {
		return nil
	}
	c := &Consumer{Name: name, SeenTime: now}
	g.consumers[name] = c
	*g.mem += consumerBytes + mapEntryBytes + int64(len(name))
	return c
}

// DeleteConsumer removes the consumer named name and its entries from the
// group's PEL, and returns how many it had pending; ok is false if there
// is no such consumer.
func (g *Group) DeleteConsumer(name string) (pending int64, ok bool) {
	c, ok := g.consumers[name]
	if !ok {
		return 0, false
	}
	for x := c.pel.seek(ID{}); x != nil; x = x.next[0] {
		*g.mem -= g.pel.remove(x.id) + pendingBytes + nodeCost(len(x.next))
		pending++
	}
	delete(g.consumers, name)
	*g.mem -= consumerBytes + mapEntryBytes + int64(len(name))
	return pending, true
}

// PendingLen returns the number of entries in the group's PEL.
func (g *Group) PendingLen() int64 { return int64(g.pel.Len()) }

// PendingLen returns the number of entries in the consumer's PEL.
func (c *Consumer) PendingLen() int64 { return int64(c.pel.Len()) }

// Pending returns the PEL entry of id, or nil.
func (g *Group) Pending(id ID) *Pending { return g.pel.find(id) }

// FirstPending and LastPending return the PEL's first and last entries,
// nil if it is empty.
func (g *Group) FirstPending() *Pending {
	if n := g.pel.seek(ID{}); n != nil {
		return n.p
	}
	return nil
}

// LastPending returns the PEL's last entry, nil if it is empty.
func (g *Group) LastPending() *Pending {
	if n := g.pel.last(); n != nil {
		return n.p
	}
	return nil
}

// Seek returns a cursor on the group's first PEL entry at or after id.
func (g *Group) Seek(id ID) Cursor { return Cursor{g.pel.seek(id)} }

// Seek returns a cursor on the consumer's first PEL entry at or after id.
func (c *Consumer) Seek(id ID) Cursor { return Cursor{c.pel.seek(id)} }

// AddPending records id as delivered to c at now: a new entry with one
// delivery, or — if id is pending already (the group's last ID was set
// back) — the entry moved to c with its count reset to 1, as Redis does.
func (g *Group) AddPending(id ID, c *Consumer, now int64) *Pending {
	if p := g.pel.find(id); p != nil {
		g.Assign(p, c)
		p.DeliveryTime, p.DeliveryCount = now, 1
		return p
	}
	p := &Pending{ID: id, Consumer: c, DeliveryTime: now, DeliveryCount: 1}
	*g.mem += pendingBytes + g.pel.insert(id, p) + c.pel.insert(id, p)
	return p
}

// AddOrphan adds a PEL entry owned by no consumer yet, delivered once
// (XCLAIM's FORCE creates it so, and assigns it at once); Assign must
// follow.
func (g *Group) AddOrphan(id ID) *Pending {
	p := &Pending{ID: id, DeliveryCount: 1}
	*g.mem += pendingBytes + g.pel.insert(id, p)
	return p
}

// Assign moves p to consumer c's PEL.
func (g *Group) Assign(p *Pending, c *Consumer) {
	if p.Consumer == c {
		return
	}
	if p.Consumer != nil {
		*g.mem -= p.Consumer.pel.remove(p.ID)
	}
	*g.mem += c.pel.insert(p.ID, p)
	p.Consumer = c
}

// Ack removes id from the PELs and reports whether it was pending.
func (g *Group) Ack(id ID) bool {
	p := g.pel.find(id)
	if p == nil {
		return false
	}
	*g.mem -= g.pel.remove(id) + pendingBytes
	if p.Consumer != nil {
		*g.mem -= p.Consumer.pel.remove(id)
	}
	return true
}

// CloneGroups copies src's groups into s (used by Clone).
func (s *Stream) cloneGroups(src *Stream) {
	s.groups = nil
	s.groupMem = 0
	for _, g := range src.Groups() {
		ng := s.CreateGroup(g.Name, g.LastID, g.EntriesRead)
		for _, c := range g.Consumers() {
			ng.CreateConsumer(c.Name, c.SeenTime)
		}
		for x := g.pel.seek(ID{}); x != nil; x = x.next[0] {
			p := ng.AddOrphan(x.id)
			p.DeliveryTime, p.DeliveryCount = x.p.DeliveryTime, x.p.DeliveryCount
			if x.p.Consumer != nil {
				ng.Assign(p, ng.consumers[x.p.Consumer.Name])
			}
		}
	}
}

// rangeHasTombstones reports whether an entry deleted by XDEL may lie at
// or after start (Redis's streamRangeHasTombstones with no end).
func (s *Stream) rangeHasTombstones(start ID) bool {
	if s.length == 0 || s.MaxDeletedID.IsZero() {
		return false
	}
	if s.MaxDeletedID.Less(s.FirstID()) {
		return false
	}
	return !s.MaxDeletedID.Less(start)
}

// EntriesReadAt estimates how many entries were added up to and including
// id (Redis's streamEstimateDistanceFromFirstEverEntry), or
// InvalidEntriesRead when it cannot tell.
func (s *Stream) EntriesReadAt(id ID) int64 {
	if s.EntriesAdded == 0 {
		return 0
	}
	if s.length == 0 && !s.LastID.Less(id) {
		return s.EntriesAdded
	}
	switch id.Compare(s.LastID) {
	case 0:
		return s.EntriesAdded
	case 1:
		return InvalidEntriesRead
	}
	first := s.FirstID()
	if s.MaxDeletedID.IsZero() || s.MaxDeletedID.Less(first) {
		switch id.Compare(first) {
		case -1:
			return s.EntriesAdded - s.length
		case 0:
			return s.EntriesAdded - s.length + 1
		}
	}
	return InvalidEntriesRead
}

// Lag returns the number of entries in the stream not yet delivered to g
// (XINFO's lag); ok is false when it cannot be known.
func (s *Stream) Lag(g *Group) (lag int64, ok bool) {
	if s.EntriesAdded == 0 {
		return 0, true
	}
	if g.EntriesRead != InvalidEntriesRead && !s.rangeHasTombstones(g.LastID) {
		return s.EntriesAdded - g.EntriesRead, true
	}
	if n := s.EntriesReadAt(g.LastID); n != InvalidEntriesRead {
		return s.EntriesAdded - n, true
	}
	return 0, false
}

// Deliver moves g's last ID to id, an entry delivered with ">" after it,
// and keeps its entries-read counter as Redis does.
func (s *Stream) Deliver(g *Group, id ID) {
	if !g.LastID.Less(id) {
		return
	}
	if g.EntriesRead != InvalidEntriesRead && !s.rangeHasTombstones(id) {
		g.EntriesRead++
	} else if s.EntriesAdded != 0 {
		g.EntriesRead = s.EntriesReadAt(id)
	}
	g.LastID = id
}
