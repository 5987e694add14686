package cmdb

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// rel builds a relation "from KIND to" between CIs named by their ids.
func rel(from int64, kind Kind, to int64, group string) Relation {
	return Relation{FromID: from, Kind: kind, ToID: to, Group: group}
}

func depths(w *Walk) map[int64]int {
	out := map[int64]int{}
	for _, h := range w.Hits() {
		out[h.ID] = h.Depth
	}
	return out
}

func TestUpstreamImpact(t *testing.T) {
	// 1 business service -> 2 application -> 3 VM -> 4 server -> 5 storage.
	// 2 also depends on database 6, which runs on 7 or 8 (redundancy group
	// "db-cluster"). 9 is part of 4 (a disk of the server).
	chain := []Relation{
		rel(1, DependsOn, 2, ""),
		rel(2, RunsOn, 3, ""),
		rel(3, HostedIn, 4, ""),
		rel(4, DependsOn, 5, ""),
		rel(2, DependsOn, 6, ""),
		rel(6, RunsOn, 7, "db-cluster"),
		rel(6, RunsOn, 8, "db-cluster"),
		rel(9, PartOf, 4, ""),
		rel(3, BackedUpBy, 10, ""),
	}
	cases := []struct {
		name   string
		rels   []Relation
		failed []int64
		want   map[int64]int
	}{
		{"storage failure reaches the business service", chain, []int64{5},
			map[int64]int{5: 0, 4: 1, 3: 2, 2: 3, 1: 4}},
		{"one cluster node down impacts nothing", chain, []int64{7},
			map[int64]int{7: 0}},
		{"both cluster nodes down impact the database and above", chain, []int64{7, 8},
			map[int64]int{7: 0, 8: 0, 6: 1, 2: 2, 1: 3}},
		{"a failed part takes its whole down", chain, []int64{9},
			map[int64]int{9: 0, 4: 1, 3: 2, 2: 3, 1: 4}},
		{"a failed whole does not fail its parts", chain, []int64{4},
			map[int64]int{4: 0, 3: 1, 2: 2, 1: 3}},
		{"losing the backup target impacts nothing", chain, []int64{10},
			map[int64]int{10: 0}},
		{"a CI without relations impacts only itself", chain, []int64{42},
			map[int64]int{42: 0}},
		{"cycles end", []Relation{rel(1, DependsOn, 2, ""), rel(2, DependsOn, 3, ""), rel(3, DependsOn, 1, "")},
			[]int64{3}, map[int64]int{3: 0, 2: 1, 1: 2}},
		{"redundancy group completed through a cycle", []Relation{
			rel(1, DependsOn, 2, "g"), rel(1, DependsOn, 3, "g"), rel(3, DependsOn, 2, "")},
			[]int64{2}, map[int64]int{2: 0, 3: 1, 1: 2}},
		{"groups are per dependent", []Relation{
			rel(1, DependsOn, 3, "g"), rel(1, DependsOn, 4, "g"), rel(2, DependsOn, 3, "g")},
			[]int64{3}, map[int64]int{3: 0, 2: 1}},
		{"two groups on one dependent: either complete group fails it", []Relation{
			rel(1, DependsOn, 2, "power"), rel(1, DependsOn, 3, "power"),
			rel(1, DependsOn, 4, "network"), rel(1, DependsOn, 5, "network")},
			[]int64{2, 4}, map[int64]int{2: 0, 4: 0}},
		{"shortest depth wins", []Relation{
			rel(1, DependsOn, 2, ""), rel(2, DependsOn, 3, ""), rel(1, DependsOn, 3, "")},
			[]int64{3}, map[int64]int{3: 0, 2: 1, 1: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := depths(NewGraph(c.rels).Upstream(c.failed))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("impacted = %v, want %v", got, c.want)
			}
		})
	}
}

func TestUpstreamPathExplainsEachHit(t *testing.T) {
	g := NewGraph([]Relation{
		rel(1, DependsOn, 2, ""), rel(2, RunsOn, 3, ""), rel(3, HostedIn, 4, ""),
	})
	w := g.Upstream([]int64{4})
	path := w.Path(1)
	var steps []string
	for _, h := range path {
		steps = append(steps, fmt.Sprintf("%d<-%s-%d@%d", h.ID, h.Kind, h.Parent, h.Depth))
	}
	want := []string{"4<--0@0", "3<-hosted_in-4@1", "2<-runs_on-3@2", "1<-depends_on-2@3"}
	if !reflect.DeepEqual(steps, want) {
		t.Errorf("path = %v, want %v", steps, want)
	}
	if w.Path(99) != nil {
		t.Error("path to an unreached CI should be nil")
	}
}

func TestDownstreamDependencies(t *testing.T) {
	g := NewGraph([]Relation{
		rel(1, DependsOn, 2, ""), rel(2, RunsOn, 3, "g"), rel(2, RunsOn, 4, "g"),
		rel(3, HostedIn, 5, ""), rel(6, PartOf, 5, ""), rel(5, DependsOn, 1, ""),
	})
	got := depths(g.Downstream([]int64{1}))
	want := map[int64]int{1: 0, 2: 1, 3: 2, 4: 2, 5: 3, 6: 4}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dependencies = %v, want %v", got, want)
	}
}

func TestGraphAddAndRemoveKeepIndexCurrent(t *testing.T) {
	g := NewGraph(nil)
	r := rel(1, DependsOn, 2, "")
	g.Add(r)
	if got := depths(g.Upstream([]int64{2})); len(got) != 2 {
		t.Fatalf("after add: %v", got)
	}
	g.Remove(r)
	if got := depths(g.Upstream([]int64{2})); len(got) != 1 {
		t.Errorf("after remove: %v, want only the failed CI", got)
	}
	// Removing one of two kinds between the same pair keeps the other.
	g.Add(rel(1, DependsOn, 2, ""))
	g.Add(rel(1, RunsOn, 2, ""))
	g.Remove(rel(1, RunsOn, 2, ""))
	var ids []int64
	for id := range depths(g.Upstream([]int64{2})) {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if !reflect.DeepEqual(ids, []int64{1, 2}) {
		t.Errorf("after removing one of two relations: %v", ids)
	}
}

// TestImpactKnowsWhatIsAlreadyDown: a cluster node under maintenance makes
// its partner a single point of failure; a retired CI carries no load and
// is not impacted.
func TestImpactKnowsWhatIsAlreadyDown(t *testing.T) {
	// 1 service -> 2 app -> 6 database, which runs on 7 or 8 (db-cluster);
	// 2 also runs on 3 (a VM) hosted in 4; 5 is a retired old VM that 2 was
	// once related to.
	g := NewGraph([]Relation{
		rel(1, DependsOn, 2, ""),
		rel(2, DependsOn, 6, ""),
		rel(6, RunsOn, 7, "db-cluster"),
		rel(6, RunsOn, 8, "db-cluster"),
		rel(2, RunsOn, 3, ""),
		rel(3, HostedIn, 4, ""),
		rel(2, RunsOn, 5, ""),
		rel(9, DependsOn, 4, ""), // 9 is retired and still related to the host
	})
	down := map[int64]Status{8: StatusMaintenance, 5: StatusRetired, 9: StatusRetired}
	if got, want := depths(g.UpstreamOf([]int64{7}, down)), map[int64]int{7: 0, 6: 1, 2: 2, 1: 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("node 7 fails while 8 is in maintenance: %v, want %v", got, want)
	}
	if got, want := depths(g.Upstream([]int64{7})), map[int64]int{7: 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("ignoring status, one node down impacts nothing: %v, want %v", got, want)
	}
	w := g.UpstreamOf([]int64{4}, down)
	if got, want := depths(w), map[int64]int{4: 0, 3: 1, 2: 2, 1: 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("a retired CI is not impacted: %v, want %v", got, want)
	}
	if got := depths(g.UpstreamOf([]int64{5}, down)); !reflect.DeepEqual(got, map[int64]int{5: 0}) {
		t.Errorf("a retired CI carries no load: %v", got)
	}
	if len(w.Exposed()) != 0 {
		t.Errorf("the host's failure does not touch the database cluster, yet: %+v", w.Exposed())
	}
	exposed := g.UpstreamOf([]int64{7}, down).Exposed()
	if len(exposed) != 1 || exposed[0].DependentID != 6 || exposed[0].Group != "db-cluster" ||
		!reflect.DeepEqual(exposed[0].Down, []int64{8}) || !reflect.DeepEqual(exposed[0].Left, []int64{7}) {
		t.Errorf("exposures: %+v", exposed)
	}
}
