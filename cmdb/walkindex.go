package cmdb

import "sync/atomic"

// walkIndex is one direction of the graph frozen for walking: every node's
// arcs side by side in flat arrays (compressed sparse rows), the fields a
// walk's inner loop reads — where an arc leads and its redundancy slot —
// side by side in an array of their own. At 300k CIs the lists of lists cost a slice
// header and a scattered allocation per node; walking these arrays reads
// a quarter of the memory, in order.
//
// A walk index is built on the first walk after the graph changed and is
// never changed: a Walk keeps the one it was made with.
type walkIndex struct {
	first     []int32   // node -> its first arc; one more entry than nodes
	arcs      []walkArc // what the inner loop reads, 8 bytes an arc
	kind      []uint8   // arc -> the relation's kind, for the walk's hits
	slotGroup []int32   // slot -> its redundancy group, for the walk's hits
}

// group is the redundancy group of arc a.
func (x *walkIndex) group(a int32) int32 {
	if s := x.arcs[a].slot; s != 0 {
		return x.slotGroup[s]
	}
	return 0
}

// walkArc is an arc as a walk reads it: where it leads, and its
// (dependent, group) slot (0: no group), in one load.
type walkArc struct {
	node, slot int32
}

// freeze builds a walk index of lists, whose arcs use slots below slots.
func freeze(lists [][]arc, slots int) *walkIndex {
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	x := &walkIndex{first: make([]int32, len(lists)+1), arcs: make([]walkArc, 0, total), kind: make([]uint8, 0, total),
		slotGroup: make([]int32, slots)}
	for n, l := range lists {
		x.first[n] = int32(len(x.arcs))
		for _, a := range l {
			x.arcs = append(x.arcs, walkArc{node: a.node, slot: a.slot})
			x.kind = append(x.kind, a.kind)
			if a.slot != 0 {
				x.slotGroup[a.slot] = a.group
			}
		}
	}
	x.first[len(lists)] = int32(len(x.arcs))
	return x
}

// upWalk and downWalk return the frozen dependents and dependencies,
// building each only when a walk needs it (the window mostly walks up:
// the other direction's memory is not spent until asked). The caller
// holds g.mu for reading, so the lists do not change while they freeze.
func (g *Graph) upWalk() *walkIndex { return g.frozen(&g.upIndex, g.neededBy) }

func (g *Graph) downWalk() *walkIndex { return g.frozen(&g.downIndex, g.needs) }

func (g *Graph) frozen(p *atomic.Pointer[walkIndex], lists [][]arc) *walkIndex {
	if x := p.Load(); x != nil {
		return x
	}
	g.freezeMu.Lock()
	defer g.freezeMu.Unlock()
	x := p.Load()
	if x == nil {
		x = freeze(lists, len(g.slotSize))
		p.Store(x)
	}
	return x
}

// thaw forgets the walk indexes after a change; the caller holds g.mu for
// writing.
func (g *Graph) thaw() {
	g.upIndex.Store(nil)
	g.downIndex.Store(nil)
}
