package cmdb

import (
	"slices"
	"sync/atomic"
)

// walkIndex is one direction of the graph frozen for walking: every node's
// arcs side by side in flat arrays (compressed sparse rows), the fields a
// walk's inner loop reads — where an arc leads and its redundancy slot —
// side by side in an array of their own. At 300k CIs the lists of lists
// cost a slice header and a scattered allocation per node; walking these
// arrays reads a quarter of the memory, in order.
//
// The nodes are laid out in rows in the order a walk meets them — breadth
// first along the index's own direction, from the nodes nothing leads to
// (for impact, the sites and hardware everything rests on) — and the
// redundancy slots are numbered in the order their arcs appear. A walk
// then reads the arcs, its marks and its slot counts mostly forward rather
// than all over memory: at 300k CIs, in node order, reading an arc was a
// cache miss and most of a walk's time.
//
// A walk index is built on the first walk after the graph changed and is
// never changed: a Walk keeps the one it was made with.
type walkIndex struct {
	first     []int32   // row -> its first arc; one more entry than rows
	arcs      []walkArc // what the inner loop reads, 8 bytes an arc
	kind      []uint8   // arc -> the relation's kind, for the walk's hits
	slotGroup []int32   // slot -> its redundancy group, for the walk's hits
	slotSize  []int32   // slot -> how many arcs of its dependent are in the group
	row       []int32   // graph node -> its row
	node      []int32   // row -> the graph node laid out there
}

// group is the redundancy group of arc a.
func (x *walkIndex) group(a int32) int32 {
	if s := x.arcs[a].slot; s != 0 {
		return x.slotGroup[s]
	}
	return 0
}

// walkArc is an arc as a walk reads it: the row it leads to, and its
// (dependent, group) slot (0: no group), in one load.
type walkArc struct {
	node, slot int32
}

// freeze builds a walk index of lists, whose arcs use the graph's slots
// below len(slotSize), sized by slotSize.
func freeze(lists [][]arc, slotSize []int32) *walkIndex {
	node := layOut(lists)
	row := make([]int32, len(lists))
	for r, n := range node {
		row[n] = int32(r)
	}
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	x := &walkIndex{first: make([]int32, len(lists)+1), arcs: make([]walkArc, 0, total), kind: make([]uint8, 0, total),
		slotGroup: []int32{0}, slotSize: []int32{0}, row: row, node: node}
	renumbered := make([]int32, len(slotSize)) // the graph's slot -> the index's; 0: not yet
	for r, n := range node {
		x.first[r] = int32(len(x.arcs))
		for _, a := range lists[n] {
			slot := int32(0)
			if a.slot != 0 {
				if renumbered[a.slot] == 0 {
					renumbered[a.slot] = int32(len(x.slotSize))
					x.slotSize = append(x.slotSize, slotSize[a.slot])
					x.slotGroup = append(x.slotGroup, a.group)
				}
				slot = renumbered[a.slot]
			}
			x.arcs = append(x.arcs, walkArc{node: row[a.node], slot: slot})
			x.kind = append(x.kind, a.kind)
		}
	}
	x.first[len(lists)] = int32(len(x.arcs))
	return x
}

// layOut orders the nodes of lists breadth first along the lists' arcs,
// starting from the nodes no arc leads to, in node order, then from any
// node not reached yet (a cycle nothing leads into).
func layOut(lists [][]arc) []int32 {
	leadsIn := make([]bool, len(lists))
	for _, l := range lists {
		for _, a := range l {
			leadsIn[a.node] = true
		}
	}
	order := make([]int32, 0, len(lists))
	placed := make([]bool, len(lists))
	spread := func(from int) {
		for head := from; head < len(order); head++ {
			for _, a := range lists[order[head]] {
				if !placed[a.node] {
					placed[a.node] = true
					order = append(order, a.node)
				}
			}
		}
	}
	for _, roots := range []bool{true, false} {
		for n := range lists {
			if placed[n] || roots && leadsIn[n] {
				continue
			}
			placed[n] = true
			order = append(order, int32(n))
			spread(len(order) - 1)
		}
	}
	return order
}

// upWalk and downWalk return the frozen dependents and dependencies,
// building each only when a walk needs it (the window mostly walks up:
// the other direction's memory is not spent until asked). The caller
// holds g.mu for reading, so the lists do not change while they freeze.
func (g *Graph) upWalk() *walkIndex { return g.frozen(&g.upIndex, false) }

func (g *Graph) downWalk() *walkIndex { return g.frozen(&g.downIndex, true) }

func (g *Graph) frozen(p *atomic.Pointer[walkIndex], down bool) *walkIndex {
	if x := p.Load(); x != nil {
		return x
	}
	g.freezeMu.Lock()
	defer g.freezeMu.Unlock()
	x := p.Load()
	if x == nil {
		needs, neededBy := g.listsLocked()
		lists := neededBy
		if down {
			lists = needs
		}
		x = freeze(lists, g.slotSize)
		p.Store(x)
	}
	return x
}

// thaw forgets the walk indexes after a change; the caller holds g.mu for
// writing. A graph read from a snapshot gets its lists first: until now
// only the indexes held them.
func (g *Graph) thaw() {
	g.lists()
	g.upIndex.Store(nil)
	g.downIndex.Store(nil)
}

// lists returns the graph's arc lists, making them from the walk indexes
// in a graph read from a snapshot. The caller holds g.mu.
func (g *Graph) lists() (needs, neededBy [][]arc) {
	g.freezeMu.Lock()
	defer g.freezeMu.Unlock()
	return g.listsLocked()
}

func (g *Graph) listsLocked() (needs, neededBy [][]arc) {
	if g.needs != nil || len(g.ids) == 0 {
		return g.needs, g.neededBy
	}
	up, down := g.upIndex.Load(), g.downIndex.Load()
	// The graph numbers its slots as the dependents' index does. The
	// dependencies' index numbered the same (dependent, group) pairs its
	// own way: an arc there takes the slot of its twin in the dependency's
	// list (a few arcs long), which holds the same dependent and group.
	g.slotSize = slices.Clone(up.slotSize)
	neededBy = up.thawedLists(func(_, _, _, own int32) int32 { return own })
	g.needs = down.thawedLists(func(dependent, group, dependency, _ int32) int32 {
		for _, a := range neededBy[dependency] {
			if a.node == dependent && a.group == group {
				return a.slot
			}
		}
		return 0 // no twin: a snapshot that contradicts itself, caught by its checksum first
	})
	g.neededBy = neededBy
	return g.needs, g.neededBy
}

// thawedLists turns the index back into a list of arcs per graph node, in
// the order frozen, all in one array. slot gives a grouped arc's slot in
// the graph's numbering, from the node whose list it is in, its group, the
// node it leads to, and its slot in the index's numbering.
func (x *walkIndex) thawedLists(slot func(owner, group, to, own int32) int32) [][]arc {
	lists := make([][]arc, len(x.node))
	all := make([]arc, len(x.arcs))
	for r, n := range x.node {
		lo, hi := x.first[r], x.first[r+1]
		for a := lo; a < hi; a++ {
			w := x.arcs[a]
			arc := arc{node: x.node[w.node], kind: x.kind[a]}
			if w.slot != 0 {
				arc.group = x.slotGroup[w.slot]
				arc.slot = slot(n, arc.group, arc.node, w.slot)
			}
			all[a] = arc
		}
		if hi > lo {
			// Capped at its own arcs: a later append moves the list, never
			// into the next node's.
			lists[n] = all[lo:hi:hi]
		}
	}
	return lists
}
