package stream

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// TestGroupModel drives a group with random creates, deliveries, claims,
// acks and consumer deletions, and checks it after every step against a
// model (a map from ID to owner and count): the group's PEL and every
// consumer's, in ID order, the counts, the first and last entries, seeks,
// and the byte count kept in O(1) against one computed by walking.
func TestGroupModel(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		s := &Stream{}
		g := s.CreateGroup("g", ID{}, InvalidEntriesRead)
		if s.CreateGroup("g", ID{}, 0) != nil {
			t.Fatal("CreateGroup of a taken name succeeded")
		}
		type ent struct {
			owner string
			count int64
		}
		model := map[ID]ent{}
		names := []string{"a", "b", "c", "d"}
		for step := 0; step < 2000; step++ {
			id := ID{uint64(r.IntN(300)), uint64(r.IntN(2))}
			name := names[r.IntN(len(names))]
			switch r.IntN(6) {
			case 0, 1:
				c := g.Consumer(name)
				if c == nil {
					c = g.CreateConsumer(name, int64(step))
				}
				g.AddPending(id, c, int64(step))
				model[id] = ent{name, 1}
			case 2:
				p := g.Pending(id)
				if (p != nil) != (model[id] != ent{}) {
					t.Fatalf("seed %d step %d: Pending(%v) = %v, model %v", seed, step, id, p, model[id])
				}
				if p != nil {
					c := g.Consumer(name)
					if c == nil {
						c = g.CreateConsumer(name, int64(step))
					}
					g.Assign(p, c)
					p.DeliveryCount++
					model[id] = ent{name, model[id].count + 1}
				}
			case 3:
				_, want := model[id]
				if got := g.Ack(id); got != want {
					t.Fatalf("seed %d step %d: Ack(%v) = %v, want %v", seed, step, id, got, want)
				}
				delete(model, id)
			case 4:
				if r.IntN(10) == 0 {
					var want int64
					for k, e := range model {
						if e.owner == name {
							want++
							delete(model, k)
						}
					}
					n, ok := g.DeleteConsumer(name)
					if n != want || (!ok && want != 0) {
						t.Fatalf("seed %d step %d: DeleteConsumer(%s) = %d %v, want %d", seed, step, name, n, ok, want)
					}
				}
			case 5:
				// A seek finds the first entry at or after id.
				var want *ID
				for k := range model {
					if !k.Less(id) && (want == nil || k.Less(*want)) {
						k := k
						want = &k
					}
				}
				cur := g.Seek(id)
				if (want == nil) != !cur.Valid() || (want != nil && cur.Pending().ID != *want) {
					t.Fatalf("seed %d step %d: Seek(%v) wrong", seed, step, id)
				}
			}
			checkGroup(t, s, g, model2(model, func(e ent) string { return e.owner }, func(e ent) int64 { return e.count }))
		}
		if !s.DestroyGroup("g") || s.DestroyGroup("g") {
			t.Fatal("DestroyGroup")
		}
		if s.groupMem != 0 {
			t.Fatalf("seed %d: %d bytes left after DestroyGroup", seed, s.groupMem)
		}
	}
}

type modelEnt struct {
	id    ID
	owner string
	count int64
}

func model2[E any](m map[ID]E, owner func(E) string, count func(E) int64) []modelEnt {
	out := make([]modelEnt, 0, len(m))
	for id, e := range m {
		out = append(out, modelEnt{id, owner(e), count(e)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id.Less(out[j].id) })
	return out
}

func checkGroup(t *testing.T, s *Stream, g *Group, want []modelEnt) {
	t.Helper()
	var got []modelEnt
	for cur := g.Seek(ID{}); cur.Valid(); cur = cur.Next() {
		p := cur.Pending()
		got = append(got, modelEnt{p.ID, p.Consumer.Name, p.DeliveryCount})
	}
	if len(got) != len(want) || g.PendingLen() != int64(len(want)) {
		t.Fatalf("PEL has %d entries (PendingLen %d), model %d", len(got), g.PendingLen(), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("PEL entry %d = %v, model %v", i, got[i], want[i])
		}
	}
	if len(want) > 0 && (g.FirstPending().ID != want[0].id || g.LastPending().ID != want[len(want)-1].id) {
		t.Fatal("FirstPending/LastPending disagree with the model")
	}
	for _, c := range g.Consumers() {
		var ids []ID
		for cur := c.Seek(ID{}); cur.Valid(); cur = cur.Next() {
			if cur.Pending().Consumer != c {
				t.Fatalf("consumer %s's PEL holds an entry of %s", c.Name, cur.Pending().Consumer.Name)
			}
			ids = append(ids, cur.Pending().ID)
		}
		var wantIDs []ID
		for _, e := range want {
			if e.owner == c.Name {
				wantIDs = append(wantIDs, e.id)
			}
		}
		if len(ids) != len(wantIDs) || c.PendingLen() != int64(len(wantIDs)) {
			t.Fatalf("consumer %s has %d pending, model %d", c.Name, len(ids), len(wantIDs))
		}
		for i := range ids {
			if ids[i] != wantIDs[i] {
				t.Fatalf("consumer %s entry %d = %v, model %v", c.Name, i, ids[i], wantIDs[i])
			}
		}
	}
	if walked := g.memUsage(); walked != s.groupMem {
		t.Fatalf("groupMem %d, walking the group says %d", s.groupMem, walked)
	}
	if c := s.Clone(); c.Group("g").memUsage() != c.groupMem || c.Group("g").PendingLen() != g.PendingLen() {
		t.Fatal("Clone lost the group or its byte count")
	}
}

// TestLagAndEntriesRead checks the entries-read estimate and the lag in
// the cases Redis distinguishes: an unused stream, the last ID, a future
// ID, before and at the first entry, and a deletion in the way.
func TestLagAndEntriesRead(t *testing.T) {
	s := &Stream{}
	if s.EntriesReadAt(ID{5, 0}) != 0 {
		t.Fatal("unused stream")
	}
	for i := uint64(1); i <= 4; i++ {
		s.Append(ID{i, 0}, []string{"f", "v"})
	}
	for _, c := range []struct {
		id   ID
		want int64
	}{{ID{4, 0}, 4}, {ID{5, 0}, InvalidEntriesRead}, {ID{0, 5}, 0}, {ID{1, 0}, 1}, {ID{2, 0}, InvalidEntriesRead}} {
		if got := s.EntriesReadAt(c.id); got != c.want {
			t.Errorf("EntriesReadAt(%v) = %d, want %d", c.id, got, c.want)
		}
	}
	g := s.CreateGroup("g", ID{}, InvalidEntriesRead)
	if lag, ok := s.Lag(g); !ok || lag != 4 {
		t.Fatalf("lag %d %v, want 4", lag, ok)
	}
	s.Deliver(g, ID{1, 0})
	if g.EntriesRead != 1 || g.LastID != (ID{1, 0}) {
		t.Fatalf("after delivering 1-0: read %d last %v", g.EntriesRead, g.LastID)
	}
	s.Deliver(g, ID{2, 0})
	if g.EntriesRead != 2 {
		t.Fatalf("read %d, want 2", g.EntriesRead)
	}
	s.Delete(ID{3, 0})
	s.MaxDeletedID = ID{3, 0}
	if _, ok := s.Lag(g); ok {
		t.Fatal("lag known with a deletion after the group's last ID")
	}
	// Past the deletion the counter goes on by one, as Redis's does (the
	// deleted entry is never counted): lag 1 at the end, as redis-server
	// reports it (the differential cases compare this sequence).
	s.Deliver(g, ID{4, 0})
	if g.EntriesRead != 3 {
		t.Fatalf("read %d after the last entry, want 3", g.EntriesRead)
	}
	if lag, ok := s.Lag(g); !ok || lag != 1 {
		t.Fatalf("lag %d %v at the end, want 1", lag, ok)
	}
}
