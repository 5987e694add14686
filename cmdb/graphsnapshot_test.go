package cmdb

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"servicebook/store"
)

// randomRelations is a CMDB-like tangle: n CIs, each related to a few
// others by every kind, a third of them in redundancy groups.
func randomRelations(n int, seed uint64) []Relation {
	rnd := rand.New(rand.NewPCG(seed, 1))
	var out []Relation
	for from := 1; from <= n; from++ {
		for range 1 + rnd.IntN(4) {
			to := 1 + rnd.IntN(n)
			if to == from {
				continue
			}
			r := Relation{FromID: int64(from * 7), ToID: int64(to * 7), Kind: Kinds[rnd.IntN(len(Kinds))]}
			if rnd.IntN(3) == 0 {
				r.Group = fmt.Sprintf("cluster-%d", rnd.IntN(5))
			}
			out = append(out, r)
		}
	}
	return out
}

// sameGraph compares what walks and writes use. Slots may be numbered
// differently (a graph read from a snapshot numbers them as its walk index
// does): an arc's slot is compared by the size it holds.
func sameGraph(t *testing.T, want, got *Graph) {
	t.Helper()
	if !reflect.DeepEqual(want.ids, got.ids) || !reflect.DeepEqual(want.index, got.index) ||
		!reflect.DeepEqual(want.groups, got.groups) {
		t.Fatal("nodes or groups differ after the snapshot")
	}
	wantNeeds, wantNeededBy := want.lists()
	gotNeeds, gotNeededBy := got.lists()
	same := func(a, b []arc) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			x, y := a[i], b[i]
			if x.node != y.node || x.kind != y.kind || x.group != y.group || (x.group == 0) != (x.slot == 0) ||
				(y.group == 0) != (y.slot == 0) || want.slotSize[x.slot] != got.slotSize[y.slot] {
				return false
			}
		}
		return true
	}
	for n := range want.ids {
		if !same(wantNeeds[n], gotNeeds[n]) {
			t.Fatalf("node %d needs %v, read back %v", n, wantNeeds[n], gotNeeds[n])
		}
		if !same(wantNeededBy[n], gotNeededBy[n]) {
			t.Fatalf("node %d needed by %v, read back %v", n, wantNeededBy[n], gotNeededBy[n])
		}
	}
}

// TestGraphSnapshotReadsBackTheSameGraph: a graph read from its snapshot
// is the graph it was written from, arc order included, so walks take the
// same paths; and it takes further writes as the original does.
func TestGraphSnapshotReadsBackTheSameGraph(t *testing.T) {
	rels := randomRelations(400, 1)
	want := NewGraph(rels)
	got, err := decodeGraph(want.encode())
	if err != nil {
		t.Fatal(err)
	}
	sameGraph(t, want, got)
	for _, start := range []int64{7, 140, 2800} {
		down := map[int64]Status{21: StatusMaintenance}
		if a, b := want.UpstreamOf([]int64{start}, down).Hits(), got.UpstreamOf([]int64{start}, down).Hits(); !reflect.DeepEqual(a, b) {
			t.Errorf("walk from %d differs: %d hits, read back %d", start, len(a), len(b))
		}
	}
	// Writes after reading: slots are numbered again on first need.
	more := randomRelations(400, 2)[:50]
	for _, r := range more {
		want.Add(r)
		got.Add(r)
	}
	for _, r := range rels[:30] {
		want.Remove(r)
		got.Remove(r)
	}
	sameGraph(t, want, got)

	empty, err := decodeGraph(NewGraph(nil).encode())
	if err != nil || len(empty.ids) != 0 {
		t.Fatalf("empty graph: %v, %d nodes", err, len(empty.ids))
	}
	// An empty graph read back takes a redundancy group as a new one does:
	// one member down does not take the dependent down.
	for _, r := range []Relation{{FromID: 1, Kind: RunsOn, ToID: 2, Group: "pair"}, {FromID: 1, Kind: RunsOn, ToID: 3, Group: "pair"}} {
		empty.Add(r)
	}
	if n := empty.Upstream([]int64{2}).Len(); n != 1 {
		t.Errorf("one member of a pair down reaches %d CIs in an empty graph read back, want 1 (itself)", n)
	}
}

// TestGraphSnapshotIsUsedOnlyWhenCurrent: the store writes the snapshot
// when it builds the graph, a second store (the next command) reads it,
// and after a relation changes the old snapshot is not used.
func TestGraphSnapshotIsUsedOnlyWhenCurrent(t *testing.T) {
	ctx := context.Background()
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, err := NewStore(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for i := range 4 {
			ci, err := s.CreateCI(ctx, CI{TypeKey: "server", Name: fmt.Sprintf("srv-%d", i), Status: StatusInService, Criticality: 2})
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, ci.Ref)
		}
		if _, err := s.Relate(ctx, refs[1], RunsOn, refs[0], ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Graph(ctx); err != nil {
			t.Fatal(err)
		}
		var rev int64
		if err := db.QueryRowContext(ctx, "SELECT rev FROM relation_graph").Scan(&rev); err != nil || rev != 1 {
			t.Fatalf("snapshot after the first build: rev %d, %v", rev, err)
		}
		next, _ := NewStore(ctx, db)
		if g := next.readSnapshot(ctx, 1); g == nil {
			t.Fatal("the snapshot of the current relations is not read")
		}
		// Another command relates two more CIs: the snapshot is now old.
		if _, err := next.Relate(ctx, refs[2], RunsOn, refs[1], ""); err != nil {
			t.Fatal(err)
		}
		if g := s.readSnapshot(ctx, 2); g != nil {
			t.Fatal("an old snapshot was taken for the current relations")
		}
		third, _ := NewStore(ctx, db)
		rep, err := third.Impact(ctx, []string{refs[0]}, true, 0)
		if err != nil || rep.Total != 2 {
			t.Fatalf("impact after the change: %d reached, %v", rep.Total, err)
		}
		if err := db.QueryRowContext(ctx, "SELECT rev FROM relation_graph").Scan(&rev); err != nil || rev != 2 {
			t.Errorf("snapshot after the rebuild: rev %d, %v", rev, err)
		}
		// A damaged snapshot is not used: the graph is built again.
		if _, err := db.ExecContext(ctx, "UPDATE relation_graph SET data = ?", []byte{1, 2, 0xff}); err != nil {
			t.Fatal(err)
		}
		fourth, _ := NewStore(ctx, db)
		if rep, err := fourth.Impact(ctx, []string{refs[0]}, true, 0); err != nil || rep.Total != 2 {
			t.Errorf("impact with a damaged snapshot: %d reached, %v", rep.Total, err)
		}
	})
}

// FuzzDecodeGraph: any bytes give a graph or an error, never a panic, and
// a graph that decodes is written and read back unchanged.
func FuzzDecodeGraph(f *testing.F) {
	f.Add(NewGraph(randomRelations(20, 3)).encode())
	f.Add(NewGraph(nil).encode())
	f.Add([]byte{2, 0, 1, 2, 0, 0})
	sealed := NewGraph(randomRelations(20, 4)).encode()
	f.Add(sealed[:len(sealed)-4]) // without its checksum
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := decodeGraph(data)
		if err != nil {
			// The same bytes with a checksum that fits, so that the checks
			// behind the checksum are fuzzed too.
			sealed := binary.LittleEndian.AppendUint32(slices.Clone(data), crc32.Checksum(data, snapshotCRC))
			if g, err = decodeGraph(sealed); err != nil {
				return
			}
		}
		again, err := decodeGraph(g.encode())
		if err != nil {
			t.Fatalf("a decoded graph does not read back: %v", err)
		}
		sameGraph(t, g, again)
		g.UpstreamOf(g.ids, nil) // and can be walked, and changed
		g.Downstream(g.ids)
		if len(g.ids) > 1 {
			g.Add(Relation{FromID: g.ids[0], Kind: RunsOn, ToID: g.ids[1], Group: "fuzz"})
			g.UpstreamOf(g.ids[1:], nil)
		}
	})
}
