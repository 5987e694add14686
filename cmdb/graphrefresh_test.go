package cmdb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	"servicebook/store"
)

// arcsOf is a graph as what it means, independent of the order its arcs
// were added in and of how its slots are numbered: for each CI, what it
// needs and what needs it (CI, kind, group), and how many of each
// dependent's arcs are in each group.
func arcsOf(g *Graph) map[int64][]string {
	out := map[int64][]string{}
	slotOf := map[string]int32{}
	for n, id := range g.ids {
		for _, a := range g.needs[n] {
			out[id] = append(out[id], fmt.Sprintf("needs %d %s %q", g.ids[a.node], Kinds[a.kind], g.groups[a.group]))
			if a.group != 0 {
				key := fmt.Sprintf("group %q", g.groups[a.group])
				slotOf[fmt.Sprint(id, key)] = g.slotSize[a.slot]
			}
		}
		for _, a := range g.neededBy[n] {
			out[id] = append(out[id], fmt.Sprintf("needed by %d %s %q", g.ids[a.node], Kinds[a.kind], g.groups[a.group]))
		}
	}
	for key, size := range slotOf {
		out[0] = append(out[0], fmt.Sprintf("%s: %d", key, size))
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out
}

// sameMeaning fails t unless got is want's graph: the same arcs and group
// counts, and the same impact from every start (depths, and which CIs a
// redundancy group still protects).
func sameMeaning(t *testing.T, want, got *Graph, starts []int64) {
	t.Helper()
	if a, b := arcsOf(want), arcsOf(got); !reflect.DeepEqual(a, b) {
		for id := range a {
			if !reflect.DeepEqual(a[id], b[id]) {
				t.Fatalf("CI %d: want %q, got %q", id, a[id], b[id])
			}
		}
		t.Fatalf("the graphs differ: %d CIs with arcs, got %d", len(a), len(b))
	}
	for _, start := range starts {
		if a, b := depths(want.Upstream([]int64{start})), depths(got.Upstream([]int64{start})); !reflect.DeepEqual(a, b) {
			t.Fatalf("impact of %d: want %v, got %v", start, a, b)
		}
		if a, b := depths(want.Downstream([]int64{start})), depths(got.Downstream([]int64{start})); !reflect.DeepEqual(a, b) {
			t.Fatalf("dependencies of %d: want %v, got %v", start, a, b)
		}
	}
}

// TestGraphReplaceMatchesAFreshGraph: replacing some CIs' relations in a
// graph gives the graph built from the relations as they now are, whatever
// the CIs (grouped or not, new to the graph, left with no relation).
func TestGraphReplaceMatchesAFreshGraph(t *testing.T) {
	for seed := range uint64(20) {
		rnd := rand.New(rand.NewPCG(seed, 9))
		before := randomRelations(300, seed)
		g := NewGraph(before)
		if seed%2 == 1 { // a graph read from a snapshot numbers its slots later
			var err error
			if g, err = decodeGraph(g.encode()); err != nil {
				t.Fatal(err)
			}
		}
		touched := map[int64]bool{7 * 301: true} // and a CI new to the graph
		for range 1 + rnd.IntN(40) {
			touched[int64(7*(1+rnd.IntN(300)))] = true
		}
		var after, theirs []Relation
		for _, r := range before {
			if !touched[r.FromID] && !touched[r.ToID] {
				after = append(after, r)
			} else if rnd.IntN(2) == 0 { // kept, or given another group
				if rnd.IntN(3) == 0 {
					r.Group = "moved"
				}
				after = append(after, r)
			}
		}
		for _, r := range randomRelations(301, seed+100) {
			if (touched[r.FromID] || touched[r.ToID]) && rnd.IntN(4) == 0 && !slices.ContainsFunc(after, func(o Relation) bool {
				return o.FromID == r.FromID && o.ToID == r.ToID && o.Kind == r.Kind
			}) {
				after = append(after, r)
			}
		}
		var ids []int64
		for id := range touched {
			ids = append(ids, id)
		}
		for _, r := range after {
			if touched[r.FromID] || touched[r.ToID] {
				theirs = append(theirs, r)
			}
		}
		g.Replace(ids, theirs)
		sameMeaning(t, NewGraph(after), g, append(ids, 7, 70, 700))
	}
}

// TestGraphCatchesUpWithOtherDesktops: a desktop's graph follows another
// desktop's relation changes from the change log — relations added,
// removed and regrouped, a CI deleted with its relations — reading only
// the CIs concerned (the same graph object, brought up to date), and
// equals the graph read whole. An import that changes more CIs than
// catching up reads makes it read the graph whole.
func TestGraphCatchesUpWithOtherDesktops(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, mine *Store) {
		theirsDB, err := store.Open(ctx, mine.db.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer theirsDB.Close()
		theirs, err := NewStore(ctx, theirsDB)
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		var ids []int64
		for i := range 8 {
			c := mustCreate(t, mine, CI{TypeKey: "server", Name: fmt.Sprintf("node-%d", i), Status: StatusInService, Criticality: 2})
			refs, ids = append(refs, c.Ref), append(ids, c.ID)
		}
		relate := func(s *Store, from int, kind Kind, to int, group string) {
			t.Helper()
			if _, err := s.Relate(ctx, refs[from], kind, refs[to], group); err != nil {
				t.Fatal(err)
			}
		}
		relate(mine, 1, RunsOn, 0, "")
		relate(mine, 2, RunsOn, 1, "pair")
		relate(mine, 3, RunsOn, 1, "pair")
		relate(mine, 4, DependsOn, 2, "")
		relate(mine, 4, DependsOn, 3, "")
		g, err := mine.Graph(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh := func() *Graph {
			t.Helper()
			other, err := NewStore(ctx, mine.db)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := other.loadGraph(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return whole
		}
		caughtUp := func(what string) {
			t.Helper()
			now, err := mine.Graph(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if now != g {
				t.Fatalf("after %s the graph was read whole, not caught up", what)
			}
			sameMeaning(t, fresh(), now, ids)
		}

		relate(theirs, 5, RunsOn, 4, "")
		caughtUp("a relation added elsewhere")
		if err := theirs.Unrelate(ctx, refs[3], RunsOn, refs[1]); err != nil {
			t.Fatal(err)
		}
		relate(theirs, 3, RunsOn, 0, "pair")
		relate(theirs, 6, DependsOn, 5, "")
		caughtUp("three changes elsewhere")
		// The impact a person sees changes with it: node 0 failing now takes
		// node 3 (and what needs it) down directly.
		if d := depths(g.Upstream([]int64{ids[0]})); d[ids[3]] != 1 {
			t.Errorf("impact of node 0 after the changes: %v", d)
		}
		if err := theirs.Unrelate(ctx, refs[6], DependsOn, refs[5]); err != nil {
			t.Fatal(err)
		}
		if err := theirs.DeleteCI(ctx, refs[6]); err != nil {
			t.Fatal(err)
		}
		caughtUp("a CI deleted elsewhere")
		// Its own writes and the others' interleaved.
		relate(mine, 7, RunsOn, 0, "")
		relate(theirs, 7, DependsOn, 4, "")
		relate(mine, 5, DependsOn, 7, "")
		caughtUp("writes from both desktops")

		// Another desktop's import touches more CIs than catching up reads.
		cis := make([]CI, catchUpLimit+10)
		rels := make([]BatchRelation, 0, len(cis))
		for i := range cis {
			cis[i] = CI{TypeKey: "server", Name: fmt.Sprintf("bulk-%d", i), Status: StatusInService, Criticality: 3}
			if i > 0 {
				rels = append(rels, BatchRelation{From: i, Kind: RunsOn, To: i - 1})
			}
		}
		if _, err := theirs.CreateBatch(ctx, cis, rels); err != nil {
			t.Fatal(err)
		}
		now, err := mine.Graph(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if now == g {
			t.Fatal("an import of 2,000 related CIs was caught up CI by CI")
		}
		sameMeaning(t, fresh(), now, ids)
	})
}

// TestGraphCatchesUpWhileDesktopsWriteAtOnce: four desktops add and remove
// relations at the same time while a fifth keeps asking for its graph;
// afterwards its graph, caught up from the change log all along, is the
// graph read whole. On a server the four write side by side, so this is
// what shows that relation changes are logged in the order they commit.
func TestGraphCatchesUpWhileDesktopsWriteAtOnce(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, watcher *Store) {
		var refs []string
		var ids []int64
		for i := range 12 {
			c := mustCreate(t, watcher, CI{TypeKey: "server", Name: fmt.Sprintf("n%d", i), Status: StatusInService, Criticality: 2})
			refs, ids = append(refs, c.Ref), append(ids, c.ID)
		}
		if _, err := watcher.Graph(ctx); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for d := range 4 {
			wg.Go(func() {
				db, err := store.Open(ctx, watcher.db.Path)
				if err != nil {
					errs <- err
					return
				}
				defer db.Close()
				s, err := NewStore(ctx, db)
				if err != nil {
					errs <- err
					return
				}
				// Each desktop relates its own three CIs to the others and
				// takes some relations away again.
				for round := range 6 {
					from := 3*d + round%3
					to := (from + 1 + round) % len(refs)
					if to == from {
						continue
					}
					if _, err := s.Relate(ctx, refs[from], DependsOn, refs[to], fmt.Sprintf("g%d", round%2)); err != nil {
						errs <- fmt.Errorf("desktop %d relates: %w", d, err)
						return
					}
					if round%3 == 2 {
						if err := s.Unrelate(ctx, refs[from], DependsOn, refs[to]); err != nil {
							errs <- fmt.Errorf("desktop %d unrelates: %w", d, err)
							return
						}
					}
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
	watch:
		for {
			select {
			case <-done:
				break watch
			default:
				if _, err := watcher.Graph(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got, err := watcher.Graph(ctx)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := watcher.loadGraph(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sameMeaning(t, whole, got, ids)
	})
}
