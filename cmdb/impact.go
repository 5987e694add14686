package cmdb

import (
	"iter"
	"sort"
	"sync"
	"sync/atomic"
)

// Relation links two CIs: From KIND To, for example "Payroll runs on VM-12".
// Relations that share a non-empty redundancy Group and the same dependent
// are alternatives: the dependent fails only when all of them fail.
type Relation struct {
	ID      int64
	FromID  int64
	FromRef string
	Kind    Kind
	ToID    int64
	ToRef   string
	Group   string
}

// dependentAndDependency orients a relation the way failure travels.
func (r Relation) dependentAndDependency() (dependent, dependency int64, ok bool) {
	fromIsDependent, propagates := r.Kind.Propagation()
	if !propagates {
		return 0, 0, false
	}
	if fromIsDependent {
		return r.FromID, r.ToID, true
	}
	return r.ToID, r.FromID, true
}

// Graph is an in-memory index of the relations that carry impact. Impact
// analysis walks it in Go: a recursive SQL query over 500k relations is
// about 30 times slower than the goal. The store builds it once and keeps it
// current on every write. It is safe for concurrent use.
//
// Each (dependent, redundancy group) pair has a slot numbered once, with its
// member count, so that an impact walk counts fallen group members in a
// plain array instead of a map: that is most of its speed.
type Graph struct {
	mu    sync.RWMutex
	index map[int64]int32 // CI id -> node
	ids   []int64         // node -> CI id
	// needs and neededBy are nil in a graph read from a snapshot until it
	// is changed or asked for them (lists): its walk indexes hold the same.
	needs     [][]arc  // node -> the nodes it depends on
	neededBy  [][]arc  // node -> the nodes that depend on it
	groups    []string // interned redundancy group names; 0 is "no group"
	groupIdx  map[string]int32
	slotSize  []int32            // slot -> number of arcs in that dependent's group
	slotIndex map[[2]int32]int32 // nil until needed, in a graph read from a snapshot
	// The lists frozen for walking (walkindex.go), built on the first walk
	// after a change; nil until then.
	upIndex, downIndex atomic.Pointer[walkIndex]
	freezeMu           sync.Mutex // guards freezing, and making the lists of a graph read from a snapshot
}

// arc is kept small (16 bytes): a 100k-CI CMDB has a million of them.
type arc struct {
	node  int32
	group int32 // 0: no redundancy group
	slot  int32 // the (dependent, group) slot, for grouped arcs
	kind  uint8
}

func kindIndex(k Kind) uint8 {
	for i, known := range Kinds {
		if known == k {
			return uint8(i)
		}
	}
	return 0
}

// NewGraph indexes relations.
func NewGraph(relations []Relation) *Graph {
	g := &Graph{index: make(map[int64]int32), groups: []string{""}, groupIdx: map[string]int32{"": 0},
		slotSize: []int32{0}, slotIndex: map[[2]int32]int32{}}
	for _, r := range relations {
		g.add(r)
	}
	return g
}

func (g *Graph) node(id int64) int32 {
	n, ok := g.index[id]
	if !ok {
		n = int32(len(g.ids))
		g.index[id] = n
		g.ids = append(g.ids, id)
		g.needs = append(g.needs, nil)
		g.neededBy = append(g.neededBy, nil)
	}
	return n
}

func (g *Graph) group(name string) int32 {
	i, ok := g.groupIdx[name]
	if !ok {
		i = int32(len(g.groups))
		g.groups = append(g.groups, name)
		g.groupIdx[name] = i
	}
	return i
}

func (g *Graph) slot(dependent, group int32) int32 {
	if g.slotIndex == nil { // a graph read from a snapshot numbers its slots when first written to
		g.slotIndex = make(map[[2]int32]int32, len(g.slotSize))
		for d, list := range g.needs {
			for _, a := range list {
				if a.group != 0 {
					g.slotIndex[[2]int32{int32(d), a.group}] = a.slot
				}
			}
		}
	}
	key := [2]int32{dependent, group}
	s, ok := g.slotIndex[key]
	if !ok {
		s = int32(len(g.slotSize))
		g.slotSize = append(g.slotSize, 0)
		g.slotIndex[key] = s
	}
	return s
}

// Add indexes a new relation.
func (g *Graph) Add(r Relation) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.add(r)
}

func (g *Graph) add(r Relation) {
	dependent, dependency, ok := r.dependentAndDependency()
	if !ok {
		return
	}
	g.thaw()
	d, p := g.node(dependent), g.node(dependency)
	a := arc{group: g.group(r.Group), kind: kindIndex(r.Kind)}
	if a.group != 0 {
		a.slot = g.slot(d, a.group)
		g.slotSize[a.slot]++
	}
	a.node = p
	g.needs[d] = append(g.needs[d], a)
	a.node = d
	g.neededBy[p] = append(g.neededBy[p], a)
}

// Remove drops a relation from the index.
func (g *Graph) Remove(r Relation) {
	g.mu.Lock()
	defer g.mu.Unlock()
	dependent, dependency, ok := r.dependentAndDependency()
	if !ok {
		return
	}
	d, dok := g.index[dependent]
	p, pok := g.index[dependency]
	if !dok || !pok {
		return
	}
	g.thaw()
	k := kindIndex(r.Kind)
	var removed arc
	g.needs[d], removed = removeArc(g.needs[d], p, k)
	g.neededBy[p], _ = removeArc(g.neededBy[p], d, k)
	if removed.group != 0 {
		g.slotSize[removed.slot]--
	}
}

// Replace drops every relation of the CIs ids from the index and adds
// rels, which are to be every relation that now touches them (a graph
// catching up from the change log: graphrefresh.go).
func (g *Graph) Replace(ids []int64, rels []Relation) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.thaw()
	for _, id := range ids {
		n, ok := g.index[id]
		if !ok {
			continue
		}
		// Each relation is an arc in its dependent's needs and one in its
		// dependency's neededBy; its group slot counts it once.
		for _, a := range g.needs[n] {
			g.neededBy[a.node], _ = removeArc(g.neededBy[a.node], n, a.kind)
			if a.group != 0 {
				g.slotSize[a.slot]--
			}
		}
		for _, a := range g.neededBy[n] {
			var removed arc
			g.needs[a.node], removed = removeArc(g.needs[a.node], n, a.kind)
			if removed.group != 0 {
				g.slotSize[removed.slot]--
			}
		}
		g.needs[n], g.neededBy[n] = nil, nil
	}
	for _, r := range rels {
		g.add(r)
	}
}

func removeArc(arcs []arc, node int32, kind uint8) ([]arc, arc) {
	for i, a := range arcs {
		if a.node == node && a.kind == kind {
			return append(arcs[:i], arcs[i+1:]...), a
		}
	}
	return arcs, arc{}
}

// Hit is one CI reached by an impact walk: how deep, and the step that
// reached it (from Parent over a relation of Kind, in redundancy Group).
// The CIs the walk started from have depth 0 and no parent.
type Hit struct {
	ID     int64
	Depth  int
	Parent int64
	Kind   Kind
	Group  string
}

// Walk is the result of an impact walk. It keeps the walk in compact arrays
// and builds Hits only when asked, so that a walk over 100k CIs costs little
// more than the walk itself.
type Walk struct {
	ids    []int64  // the graph's node -> CI id, as of the walk
	groups []string // the graph's group names, as of the walk
	order  []int32  // the rows of idx reached, in the order reached (by depth)
	// steps says, per row of idx, how the walk reached it: one entry, so
	// that reaching a node writes one place in memory rather than three.
	steps []walkStep
	idx   *walkIndex
	extra []int64 // starting CIs that have no relations at all
	// seen has a bit per node reached: what the walk's inner loop asks of
	// every arc, in 1/32 of depth's memory, so that at 300k CIs it stays
	// in the processor's cache while depth does not.
	seen []uint64
	// exposed is redundancy already lost when the walk began
	exposed []Exposure
}

// walkStep is how a walk reached a row: at depth-1 (0: not reached), from
// row parent, over arc via of the walk's index.
type walkStep struct {
	depth, parent, via int32
}

// Len returns how many CIs the walk reached, the starting CIs included.
func (w *Walk) Len() int { return len(w.order) + len(w.extra) }

// Hits returns every CI reached, in the order reached (so by depth).
func (w *Walk) Hits() []Hit {
	out := make([]Hit, 0, w.Len())
	for _, id := range w.extra {
		out = append(out, Hit{ID: id})
	}
	for _, r := range w.order {
		out = append(out, w.hit(r))
	}
	return out
}

// Depths yields every CI reached with its depth, in the order reached,
// without building a Hit for each: an impact report counts 100k CIs and
// details a few thousand.
func (w *Walk) Depths() iter.Seq2[int64, int] {
	return func(yield func(int64, int) bool) {
		for _, id := range w.extra {
			if !yield(id, 0) {
				return
			}
		}
		for _, r := range w.order {
			if !yield(w.id(r), int(w.steps[r].depth-1)) {
				return
			}
		}
	}
}

// id is the CI laid out at row r of the walk's index.
func (w *Walk) id(r int32) int64 { return w.ids[w.idx.node[r]] }

func (w *Walk) hit(r int32) Hit {
	h := Hit{ID: w.id(r), Depth: int(w.steps[r].depth - 1)}
	if h.Depth > 0 {
		a := w.steps[r].via
		h.Parent, h.Kind, h.Group = w.id(w.steps[r].parent), Kinds[w.idx.kind[a]], w.groups[w.idx.group(a)]
	}
	return h
}

// Among returns the CIs of set the walk reached, starting CIs included, in
// no particular order: which of a few services a failure takes down,
// without building every hit of a walk that may reach thousands.
func (w *Walk) Among(set map[int64]bool) []int64 {
	var out []int64
	for _, id := range w.extra {
		if set[id] {
			out = append(out, id)
		}
	}
	for _, r := range w.order {
		if id := w.id(r); set[id] {
			out = append(out, id)
		}
	}
	return out
}

// Path returns the chain of hits from a starting CI to id, inclusive, or nil
// if id was not reached.
func (w *Walk) Path(id int64) []Hit { return w.PathsTo([]int64{id})[id] }

// PathsTo returns the paths to the given CIs, keyed by CI id, in one pass
// over the walk; CIs not reached are absent.
func (w *Walk) PathsTo(ids []int64) map[int64][]Hit {
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := make(map[int64][]Hit, len(ids))
	for _, id := range w.extra {
		if want[id] {
			out[id] = []Hit{{ID: id}}
		}
	}
	for _, r := range w.order {
		if !want[w.id(r)] {
			continue
		}
		var path []Hit
		for m := r; ; m = w.steps[m].parent {
			h := w.hit(m)
			path = append(path, h)
			if h.Depth == 0 {
				break
			}
		}
		for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
			path[i], path[j] = path[j], path[i]
		}
		out[w.id(r)] = path
	}
	return out
}

// Upstream returns every CI impacted when all the failed CIs are down: the
// CIs that depend on them, directly or through others, up to the services.
// A dependent whose dependencies form a redundancy group is impacted only
// when every member of that group is down. Cycles are harmless: each CI is
// reached once, at its smallest depth.
func (g *Graph) Upstream(failed []int64) *Walk { return g.UpstreamOf(failed, nil) }

// Exposure is redundancy already lost before the failure analysed: members
// of a dependent's redundancy group that are down (under maintenance or
// retired), and the members left, which have become single points of
// failure for it.
type Exposure struct {
	DependentID int64
	Group       string
	Down, Left  []int64
}

// UpstreamOf is Upstream for a CMDB in which some CIs are not in service
// (down maps their ids to their status). A retired CI carries no load: it
// is neither impacted nor passes impact on. A CI under maintenance or
// retired counts as a fallen member of its redundancy groups before
// anything fails, so its partners fail the group alone; the walk reports
// that exposure.
func (g *Graph) UpstreamOf(failed []int64, down map[int64]Status) *Walk {
	g.mu.RLock()
	defer g.mu.RUnlock()
	up := g.upWalk()
	w := g.start(failed, up)
	// fallen counts, per slot, the arcs whose dependency is down. Counting
	// arcs rather than CIs is exact because every arc of a CI is visited
	// exactly once, when the CI goes down.
	fallen := make([]int32, len(up.slotSize))
	var retired []bool // by row
	if len(down) > 0 {
		retired = make([]bool, len(g.ids))
		for id, st := range down {
			n, ok := g.index[id]
			if !ok {
				continue
			}
			r := up.row[n]
			retired[r] = st == StatusRetired
			if w.steps[r].depth != 0 {
				continue // one of the CIs failing now: the walk counts it
			}
			for a, end := up.first[r], up.first[r+1]; a < end; a++ {
				if s := up.arcs[a].slot; s != 0 {
					fallen[s]++
				}
			}
		}
	}
	var before []int32 // the slots as they were before the walk, for the exposures
	if len(down) > 0 {
		before = append([]int32(nil), fallen...)
	}
	for head := 0; head < len(w.order); head++ {
		n := w.order[head]
		if retired != nil && retired[n] {
			continue
		}
		depth := w.steps[n].depth
		for a, end := up.first[n], up.first[n+1]; a < end; a++ {
			arc := up.arcs[a]
			to := arc.node
			if w.reached(to) || retired != nil && retired[to] {
				continue
			}
			if s := arc.slot; s != 0 {
				fallen[s]++
				if fallen[s] < up.slotSize[s] {
					continue
				}
			}
			w.reach(to, n, depth, a)
		}
	}
	if len(down) > 0 {
		w.exposed = g.exposures(down, before, w.order, up)
	}
	return w
}

// exposures lists the redundancy groups that had lost members before the
// walk and that the failure analysed reaches (rows of up): for each, the
// members down and those left. fallen counts by up's slots.
func (g *Graph) exposures(down map[int64]Status, fallen []int32, reached []int32, up *walkIndex) []Exposure {
	var out []Exposure
	needs, _ := g.lists()
	seen := map[int32]bool{}
	for _, r := range reached {
		for a, end := up.first[r], up.first[r+1]; a < end; a++ {
			s := up.arcs[a].slot
			if s == 0 || seen[s] || fallen[s] == 0 {
				continue
			}
			seen[s] = true
			dependent, group := up.node[up.arcs[a].node], up.slotGroup[s]
			e := Exposure{DependentID: g.ids[dependent], Group: g.groups[group]}
			for _, m := range needs[dependent] {
				if m.group != group {
					continue
				}
				if _, isDown := down[g.ids[m.node]]; isDown {
					e.Down = append(e.Down, g.ids[m.node])
				} else {
					e.Left = append(e.Left, g.ids[m.node])
				}
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DependentID != out[j].DependentID {
			return out[i].DependentID < out[j].DependentID
		}
		return out[i].Group < out[j].Group
	})
	return out
}

// Exposed returns the redundancy lost before the walk (see UpstreamOf).
func (w *Walk) Exposed() []Exposure { return w.exposed }

// Downstream returns everything the given CIs depend on, directly or
// through others, each at its smallest depth. Redundancy does not matter
// here: every member of a group is something the CI relies on.
func (g *Graph) Downstream(start []int64) *Walk {
	g.mu.RLock()
	defer g.mu.RUnlock()
	down := g.downWalk()
	w := g.start(start, down)
	for head := 0; head < len(w.order); head++ {
		n := w.order[head]
		depth := w.steps[n].depth
		for a, end := down.first[n], down.first[n+1]; a < end; a++ {
			if to := down.arcs[a].node; !w.reached(to) {
				w.reach(to, n, depth, a)
			}
		}
	}
	return w
}

func (w *Walk) reached(n int32) bool { return w.seen[n>>6]&(1<<(uint(n)&63)) != 0 }

func (w *Walk) reach(n, from, fromDepth, a int32) {
	w.seen[n>>6] |= 1 << (uint(n) & 63)
	w.steps[n] = walkStep{depth: fromDepth + 1, parent: from, via: a}
	w.order = append(w.order, n)
}

// start seeds a walk over idx with the starting CIs at depth 0.
func (g *Graph) start(ids []int64, idx *walkIndex) *Walk {
	n := len(g.ids)
	w := &Walk{ids: g.ids, groups: g.groups, steps: make([]walkStep, n), idx: idx, seen: make([]uint64, (n+63)/64)}
	// From here on a walk speaks of rows of idx, not of the graph's nodes.
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if node, ok := g.index[id]; ok {
			r := idx.row[node]
			w.steps[r].depth = 1
			w.seen[r>>6] |= 1 << (uint(r) & 63)
			w.order = append(w.order, r)
		} else {
			w.extra = append(w.extra, id)
		}
	}
	return w
}

// Dependency is one thing a CI needs, as impact analysis sees it.
type Dependency struct {
	ID    int64
	Group string // redundancy group; "" when the CI needs it alone
}

// Needs returns what a CI directly depends on (the relations that carry
// impact), for calculations over the dependency structure such as derived
// availability.
func (g *Graph) Needs(id int64) []Dependency {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n, ok := g.index[id]
	if !ok {
		return nil
	}
	needs, _ := g.lists()
	out := make([]Dependency, len(needs[n]))
	for i, a := range needs[n] {
		out[i] = Dependency{ID: g.ids[a.node], Group: g.groups[a.group]}
	}
	return out
}
