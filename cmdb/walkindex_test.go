package cmdb

import (
	"slices"
	"testing"
)

// TestFrozenIndexIsTheGraph: a walk index lays every node out in a row of
// its own — those in cycles nothing leads into and those with no arcs too
// — and each row's arcs lead to the rows of the node's arcs, with the same
// kinds, groups and group sizes.
func TestFrozenIndexIsTheGraph(t *testing.T) {
	rels := randomRelations(500, 4)
	// A cycle nothing else leads into, and a CI on its own.
	rels = append(rels, Relation{FromID: 9001, ToID: 9002, Kind: DependsOn}, Relation{FromID: 9002, ToID: 9003, Kind: DependsOn},
		Relation{FromID: 9003, ToID: 9001, Kind: DependsOn, Group: "ring"})
	g := NewGraph(rels)
	g.node(9999)
	for _, lists := range [][][]arc{g.neededBy, g.needs} {
		x := freeze(lists, g.slotSize)
		if len(x.node) != len(lists) || len(x.row) != len(lists) {
			t.Fatalf("%d rows for %d nodes", len(x.node), len(lists))
		}
		rows := slices.Clone(x.node)
		slices.Sort(rows)
		for i, n := range rows {
			if int(n) != i {
				t.Fatalf("rows are not every node once: %v…", rows[:min(10, len(rows))])
			}
		}
		for n, list := range lists {
			r := x.row[n]
			if x.node[r] != int32(n) {
				t.Fatalf("node %d at row %d, which holds node %d", n, r, x.node[r])
			}
			first, end := x.first[r], x.first[r+1]
			if int(end-first) != len(list) {
				t.Fatalf("node %d: %d arcs frozen of %d", n, end-first, len(list))
			}
			for i, a := range list {
				f := first + int32(i)
				got := x.arcs[f]
				if x.node[got.node] != a.node || x.kind[f] != a.kind || x.group(f) != a.group {
					t.Fatalf("node %d arc %d: frozen to node %d kind %d group %d, want %d %d %d",
						n, i, x.node[got.node], x.kind[f], x.group(f), a.node, a.kind, a.group)
				}
				if a.slot != 0 && x.slotSize[got.slot] != g.slotSize[a.slot] {
					t.Fatalf("node %d arc %d: group of %d, want %d", n, i, x.slotSize[got.slot], g.slotSize[a.slot])
				}
			}
		}
	}
}
