package stream

import (
	"fmt"
	"sort"
	"testing"
)

// FuzzGroups runs op sequences read from the fuzzer's bytes (three bytes
// an op: the op, an ID or name, a consumer) over the consumer groups of a
// stream and checks them after every op against a model — maps of groups,
// consumers (with their seen-times) and pending entries (owner, delivery
// time, delivery count): every group's PEL and every consumer's in ID
// order, lengths, first and last entries, seeks, the bytes counted in O(1)
// against a walk, and a clone.
func FuzzGroups(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 2, 1, 2, 1, 1, 1, 1, 0, 6, 1, 0})
	f.Add([]byte{7, 1, 0, 0, 5, 2, 0, 6, 3, 3, 9, 1, 4, 0, 2, 9, 0, 0, 8, 1, 0, 6, 6, 1})
	f.Add([]byte{0, 10, 0, 0, 11, 1, 0, 12, 2, 4, 0, 0, 4, 1, 1, 5, 0, 3, 8, 0, 0, 9, 0, 0})
	f.Add([]byte{0, 1, 0, 2, 1, 1, 0, 1, 2, 3, 2, 3, 3, 2, 0, 9, 0, 0})
	f.Add([]byte("claim force ack delete seek clone destroy create consumer"))
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 3*2000 {
			return
		}
		s := &Stream{}
		s.CreateGroup("g0", ID{}, InvalidEntriesRead)
		m := groupsModel{"g0": {pel: map[ID]modelPending{}, seen: map[string]int64{}}}
		cur := "g0"
		for i := 0; i+2 < len(ops); i += 3 {
			now := int64(i)
			op, a, b := ops[i]%10, ops[i+1], ops[i+2]
			id := ID{uint64(a % 64), uint64(a / 64)}
			name := fmt.Sprintf("c%d", b%4)
			g := s.Group(cur)
			mg := m[cur]
			if op != 7 && op != 8 && g == nil {
				if mg != nil {
					t.Fatalf("op %d: group %s lost", i/3, cur)
				}
				continue // ops on a group need one
			}
			consumer := func() *Consumer {
				c := g.Consumer(name)
				if c == nil {
					c = g.CreateConsumer(name, now)
					mg.seen[name] = now
				}
				return c
			}
			switch op {
			case 0: // XREADGROUP delivery, or re-delivery after SETID back
				g.AddPending(id, consumer(), now)
				mg.pel[id] = modelPending{name, now, 1}
			case 1: // XACK
				_, want := mg.pel[id]
				if got := g.Ack(id); got != want {
					t.Fatalf("op %d: Ack(%v) = %v, model %v", i/3, id, got, want)
				}
				delete(mg.pel, id)
			case 2: // XCLAIM of a pending entry
				p := g.Pending(id)
				e, ok := mg.pel[id]
				if (p != nil) != ok {
					t.Fatalf("op %d: Pending(%v) = %v, model %v", i/3, id, p, ok)
				}
				if p != nil {
					g.Assign(p, consumer())
					mg.seen[name] = now
					g.Consumer(name).SeenTime = now
					p.DeliveryTime = now
					p.DeliveryCount++
					mg.pel[id] = modelPending{name, now, e.count + 1}
				}
			case 3: // XCLAIM … FORCE of an entry not pending
				if g.Pending(id) == nil {
					p := g.AddOrphan(id)
					g.Assign(p, consumer())
					p.DeliveryTime = now
					mg.pel[id] = modelPending{name, now, 1}
				}
			case 4: // XGROUP DELCONSUMER
				var want int64
				for k, e := range mg.pel {
					if e.owner == name {
						want++
						delete(mg.pel, k)
					}
				}
				_, exists := mg.seen[name]
				delete(mg.seen, name)
				n, ok := g.DeleteConsumer(name)
				if n != want || ok != exists {
					t.Fatalf("op %d: DeleteConsumer(%s) = %d %v, model %d %v", i/3, name, n, ok, want, exists)
				}
			case 5: // XGROUP CREATECONSUMER
				_, exists := mg.seen[name]
				if c := g.CreateConsumer(name, now); (c == nil) != exists {
					t.Fatalf("op %d: CreateConsumer(%s) = %v, model has it: %v", i/3, name, c, exists)
				}
				if !exists {
					mg.seen[name] = now
				}
			case 6: // seeks, on the group's PEL and a consumer's
				checkSeek(t, g.Seek(id), mg, id, "")
				if c := g.Consumer(name); c != nil {
					checkSeek(t, c.Seek(id), mg, id, name)
				}
			case 7: // switch groups, creating one if needed
				cur = fmt.Sprintf("g%d", a%3)
				if s.Group(cur) == nil {
					if s.CreateGroup(cur, ID{}, InvalidEntriesRead) == nil {
						t.Fatalf("op %d: CreateGroup(%s) refused a free name", i/3, cur)
					}
					m[cur] = &groupModel{pel: map[ID]modelPending{}, seen: map[string]int64{}}
				} else if s.CreateGroup(cur, ID{}, 0) != nil {
					t.Fatalf("op %d: CreateGroup(%s) took a taken name", i/3, cur)
				}
			case 8: // XGROUP DESTROY
				n := fmt.Sprintf("g%d", a%3)
				_, want := m[n]
				if got := s.DestroyGroup(n); got != want {
					t.Fatalf("op %d: DestroyGroup(%s) = %v, model %v", i/3, n, got, want)
				}
				delete(m, n)
			case 9:
				checkGroups(t, s.Clone(), m)
			}
			checkGroups(t, s, m)
		}
	})
}

type modelPending struct {
	owner string
	time  int64
	count int64
}

type groupModel struct {
	pel  map[ID]modelPending
	seen map[string]int64
}

type groupsModel map[string]*groupModel

// checkSeek checks a cursor from a seek to id against the model: the
// first entry at or after id (of consumer owner, if not "").
func checkSeek(t *testing.T, cur Cursor, mg *groupModel, id ID, owner string) {
	t.Helper()
	var want *ID
	for k, e := range mg.pel {
		if !k.Less(id) && (owner == "" || e.owner == owner) && (want == nil || k.Less(*want)) {
			k := k
			want = &k
		}
	}
	if (want == nil) != !cur.Valid() || want != nil && cur.Pending().ID != *want {
		t.Fatalf("Seek(%v) of %q: valid %v, model %v", id, owner, cur.Valid(), want)
	}
}

// checkGroups compares every group of s with the model, and the stream's
// byte count for groups with a walk of them.
func checkGroups(t *testing.T, s *Stream, m groupsModel) {
	t.Helper()
	if s.NumGroups() != len(m) {
		t.Fatalf("%d groups, model %d", s.NumGroups(), len(m))
	}
	var walked int64
	prev := ""
	for _, g := range s.Groups() {
		if g.Name <= prev && prev != "" {
			t.Fatalf("Groups out of name order: %s after %s", g.Name, prev)
		}
		prev = g.Name
		mg := m[g.Name]
		if mg == nil {
			t.Fatalf("group %s not in the model", g.Name)
		}
		walked += g.memUsage()
		ids := make([]ID, 0, len(mg.pel))
		for id := range mg.pel {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i].Less(ids[j]) })
		n := 0
		for cur := g.Seek(ID{}); cur.Valid(); cur = cur.Next() {
			p := cur.Pending()
			if n >= len(ids) || p.ID != ids[n] {
				t.Fatalf("group %s PEL entry %d is %v, model %v", g.Name, n, p.ID, ids)
			}
			e := mg.pel[p.ID]
			if p.Consumer == nil || p.Consumer.Name != e.owner || p.DeliveryTime != e.time || p.DeliveryCount != e.count {
				t.Fatalf("group %s entry %v = %+v, model %+v", g.Name, p.ID, *p, e)
			}
			if g.Pending(p.ID) != p {
				t.Fatalf("group %s: Pending(%v) is not the entry its PEL holds", g.Name, p.ID)
			}
			n++
		}
		if n != len(ids) || g.PendingLen() != int64(len(ids)) {
			t.Fatalf("group %s PEL has %d entries (PendingLen %d), model %d", g.Name, n, g.PendingLen(), len(ids))
		}
		if len(ids) > 0 && (g.FirstPending().ID != ids[0] || g.LastPending().ID != ids[len(ids)-1]) {
			t.Fatalf("group %s: FirstPending/LastPending disagree with the model", g.Name)
		}
		if len(ids) == 0 && (g.FirstPending() != nil || g.LastPending() != nil) {
			t.Fatalf("group %s: an empty PEL has a first or last entry", g.Name)
		}
		if g.NumConsumers() != len(mg.seen) {
			t.Fatalf("group %s has %d consumers, model %d", g.Name, g.NumConsumers(), len(mg.seen))
		}
		for _, c := range g.Consumers() {
			seen, ok := mg.seen[c.Name]
			if !ok || c.SeenTime != seen {
				t.Fatalf("group %s consumer %s seen %d, model %d %v", g.Name, c.Name, c.SeenTime, seen, ok)
			}
			k := 0
			for cur := c.Seek(ID{}); cur.Valid(); cur = cur.Next() {
				p := cur.Pending()
				if p.Consumer != c || mg.pel[p.ID].owner != c.Name || g.Pending(p.ID) != p {
					t.Fatalf("group %s consumer %s holds %v, owned by %s in the model", g.Name, c.Name, p.ID, mg.pel[p.ID].owner)
				}
				k++
			}
			want := 0
			for _, e := range mg.pel {
				if e.owner == c.Name {
					want++
				}
			}
			if k != want || c.PendingLen() != int64(want) {
				t.Fatalf("group %s consumer %s has %d pending (PendingLen %d), model %d", g.Name, c.Name, k, c.PendingLen(), want)
			}
		}
	}
	if walked != s.groupMem {
		t.Fatalf("groups' bytes counted %d, a walk says %d", s.groupMem, walked)
	}
}
