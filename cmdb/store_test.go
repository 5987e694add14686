package cmdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"servicebook/store"
)

func mustStore(t testing.TB) *Store {
	t.Helper()
	return mustStoreOn(t, store.MustOpen(t))
}

func mustStoreOn(t testing.TB, db *store.DB) *Store {
	t.Helper()
	s, err := NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCreate(t testing.TB, s *Store, ci CI) CI {
	t.Helper()
	got, err := s.CreateCI(context.Background(), ci)
	if err != nil {
		t.Fatalf("create %q: %v", ci.Name, err)
	}
	return got
}

func TestBuiltinTypesAreThere(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		types, err := s.Types(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(types) != len(BuiltinTypes()) {
			t.Fatalf("%d types, want %d", len(types), len(BuiltinTypes()))
		}
		for _, name := range []string{"server", "Business service", "数据库", "IT Service", "外部/供应商服务"} {
			if _, err := ResolveType(types, name); err != nil {
				t.Errorf("ResolveType(%q): %v", name, err)
			}
		}
		// Opening again does not duplicate them.
		s2, err := NewStore(context.Background(), s.DB())
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s2.Types(context.Background())
		if len(again) != len(types) {
			t.Errorf("reopening added types: %d -> %d", len(types), len(again))
		}
	})
}

func TestCreateCIValidatesAndNumbers(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := mustCreate(t, s, CI{TypeKey: "服务器", Name: " db-01 ", Attributes: map[string]string{
			"IP address": "10.0.0.5", "CPU cores": "16", "warranty_end": "2027年3月1日"}})
		if a.Ref != "CI-000001" || a.Name != "db-01" || a.TypeKey != "server" || a.Status != StatusInService || a.Criticality != 3 {
			t.Errorf("created %+v", a)
		}
		if a.Attributes["warranty_end"] != "2027-03-01" || a.Attributes["cpu_cores"] != "16" {
			t.Errorf("attributes not normalised: %v", a.Attributes)
		}
		b := mustCreate(t, s, CI{TypeKey: "server", Name: "db-02"})
		if b.Ref != "CI-000002" {
			t.Errorf("second ref = %s", b.Ref)
		}
		// References are never reused, even after a delete.
		if err := s.DeleteCI(ctx, b.Ref); err != nil {
			t.Fatal(err)
		}
		c := mustCreate(t, s, CI{TypeKey: "server", Name: "db-03"})
		if c.Ref != "CI-000003" {
			t.Errorf("ref after delete = %s, want CI-000003", c.Ref)
		}

		bad := []struct {
			name  string
			ci    CI
			field string
			want  string
		}{
			{"no name", CI{TypeKey: "server"}, "name", "needs a name"},
			{"unknown type", CI{TypeKey: "spaceship", Name: "x"}, "type", "not a CI type"},
			{"criticality out of range", CI{TypeKey: "server", Name: "x", Criticality: 7}, "criticality", "1 (highest) to 4"},
			{"bad status", CI{TypeKey: "server", Name: "x", Status: "sleeping"}, "status", "not a status"},
			{"number attribute", CI{TypeKey: "server", Name: "x", Attributes: map[string]string{"cpu_cores": "many"}}, "CPU cores", "not a number"},
			{"date attribute", CI{TypeKey: "server", Name: "x", Attributes: map[string]string{"warranty_end": "soon"}}, "Warranty end", "not a date"},
			{"choice attribute", CI{TypeKey: "database", Name: "x", Attributes: map[string]string{"engine": "Excel"}}, "Engine", "not one of"},
			{"bool attribute", CI{TypeKey: "site", Name: "x", Attributes: map[string]string{"recovery_site": "maybe"}}, "Recovery site", "not yes or no"},
			{"reference to missing CI", CI{TypeKey: "external_service", Name: "x", Attributes: map[string]string{"contract": "CI-999999"}}, "Contract", "does not exist"},
			{"unknown attribute", CI{TypeKey: "server", Name: "x", Attributes: map[string]string{"colour": "red"}}, "colour", "not an attribute"},
			{"attribute given twice", CI{TypeKey: "server", Name: "x", Attributes: map[string]string{"cpu_cores": "8", "CPU核数": "16"}}, "CPU cores", "given twice"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.CreateCI(ctx, c.ci)
				var e *store.Error
				if !errors.As(err, &e) || e.Code != store.EInvalid {
					t.Fatalf("err = %v, want EInvalid", err)
				}
				if len(e.Fields) == 0 || e.Fields[0].Field != c.field || !strings.Contains(e.Fields[0].Message, c.want) {
					t.Errorf("problems = %+v, want field %q with %q", e.Fields, c.field, c.want)
				}
			})
		}
		_, total, _ := s.ListCIs(ctx, Filter{})
		if total != 2 {
			t.Errorf("%d CIs after refused creates, want 2", total)
		}
	})
}

func TestRequiredAttributeOfUserType(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		_, err := s.SaveType(ctx, Type{Key: "ups", Name: "UPS", NameZh: "不间断电源", Attributes: []AttrDef{
			{Key: "runtime_minutes", Name: "Runtime (minutes)", Kind: AttrNumber, Required: true},
			{Key: "phase", Name: "Phase", Kind: AttrChoice, Choices: []string{"single", "three"}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCI(ctx, CI{TypeKey: "不间断电源", Name: "UPS-A"}); err == nil || !strings.Contains(err.Error(), "required") {
			t.Errorf("missing required attribute: %v", err)
		}
		ci := mustCreate(t, s, CI{TypeKey: "ups", Name: "UPS-A", Attributes: map[string]string{"runtime_minutes": "1,200", "phase": "THREE"}})
		if ci.Attributes["runtime_minutes"] != "1200" || ci.Attributes["phase"] != "three" {
			t.Errorf("attributes = %v", ci.Attributes)
		}
		if _, err := s.SaveType(ctx, Type{Key: "Bad Key", Name: ""}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("bad type definition accepted: %v", err)
		}
		if _, err := s.SaveType(ctx, Type{Key: "ups", Name: "Again"}); store.ErrorCode(err) != store.EConflict {
			t.Errorf("duplicate type key: %v, want EConflict", err)
		}
	})
}

func TestUpdateLogsFieldsAndRefusesStaleSave(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := store.WithSource(context.Background(), store.SourceGUI)
		ci := mustCreate(t, s, CI{TypeKey: "server", Name: "app-01", Owner: "Li Wei"})

		mine, theirs := ci, ci
		theirs.Owner = "Wang Fang"
		theirs.Attributes = map[string]string{"os": "Kylin V10"}
		saved, err := s.UpdateCI(ctx, theirs)
		if err != nil {
			t.Fatal(err)
		}
		if saved.RowVersion != ci.RowVersion+1 {
			t.Errorf("row version %d -> %d", ci.RowVersion, saved.RowVersion)
		}
		mine.Location = "Beijing DC"
		_, err = s.UpdateCI(ctx, mine)
		var conflict *ConflictError
		if !errors.As(err, &conflict) || store.ErrorCode(err) != store.EConflict {
			t.Fatalf("stale save: %v, want a conflict", err)
		}
		if conflict.Current.Owner != "Wang Fang" || !strings.Contains(err.Error(), "Wang Fang") {
			t.Errorf("conflict does not show the other edit: %v", err)
		}
		got, _ := s.CI(ctx, ci.Ref)
		if got.Location != "" || got.Owner != "Wang Fang" {
			t.Errorf("stale save changed the row: %+v", got)
		}

		hist, err := s.History(ctx, "ci-1")
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, h := range hist {
			lines = append(lines, h.Field+":"+h.Old+"->"+h.New+"@"+h.Source)
		}
		want := []string{
			`created:->server "app-01" (in service)@cli`,
			"owner:Li Wei->Wang Fang@gui",
			"attributes.os:->Kylin V10@gui",
		}
		if !reflect.DeepEqual(lines, want) {
			t.Errorf("history = %q\nwant %q", lines, want)
		}
	})
}

func TestRelationsRulesAndHistory(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		app := mustCreate(t, s, CI{TypeKey: "application", Name: "Payroll"})
		vm := mustCreate(t, s, CI{TypeKey: "virtual_machine", Name: "vm-7"})

		if _, err := s.Relate(ctx, app.Ref, RunsOn, vm.Ref, ""); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name     string
			from, to string
			want     string
			code     string
		}{
			{"duplicate", app.Ref, vm.Ref, "already exists", store.EConflict},
			{"self", app.Ref, app.Ref, "itself", store.EInvalid},
			{"missing CI", app.Ref, "CI-000999", "no CI CI-000999", store.ENotFound},
		}
		for _, c := range cases {
			_, err := s.Relate(ctx, c.from, RunsOn, c.to, "")
			if store.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want %s containing %q", c.name, err, c.code, c.want)
			}
		}
		// A cycle is allowed.
		if _, err := s.Relate(ctx, vm.Ref, DependsOn, app.Ref, ""); err != nil {
			t.Errorf("cycle refused: %v", err)
		}
		rels, _ := s.Relations(ctx, vm.Ref)
		if len(rels) != 2 {
			t.Errorf("vm has %d relations, want 2", len(rels))
		}
		if err := s.Unrelate(ctx, app.Ref, RunsOn, vm.Ref); err != nil {
			t.Fatal(err)
		}
		if err := s.Unrelate(ctx, app.Ref, RunsOn, vm.Ref); store.ErrorCode(err) != store.ENotFound {
			t.Errorf("second unrelate: %v", err)
		}
		hist, _ := s.History(ctx, vm.Ref)
		var got []string
		for _, h := range hist[1:] {
			got = append(got, h.Old+"|"+h.New)
		}
		want := []string{
			"|CI-000001 runs on CI-000002",
			"|CI-000002 depends on CI-000001",
			"CI-000001 runs on CI-000002|",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("vm relation history = %q, want %q", got, want)
		}
		// Deleting a CI deletes its relations and logs them.
		if err := s.DeleteCI(ctx, app.Ref); err != nil {
			t.Fatal(err)
		}
		if rels, _ := s.Relations(ctx, vm.Ref); len(rels) != 0 {
			t.Errorf("relations survive their CI: %v", rels)
		}
	})
}

// demoChain builds: business service <- app <- vm <- server <- storage, and
// the app also on db (runs on two nodes in a redundancy group).
func demoChain(t *testing.T, s *Store) map[string]CI {
	ctx := context.Background()
	cis := map[string]CI{}
	for _, c := range []CI{
		{TypeKey: "business_service", Name: "网上银行 Online banking"},
		{TypeKey: "application", Name: "Core banking app"},
		{TypeKey: "virtual_machine", Name: "vm-app-01"},
		{TypeKey: "server", Name: "esx-01"},
		{TypeKey: "storage", Name: "san-01"},
		{TypeKey: "database", Name: "核心数据库 core DB", Attributes: map[string]string{"engine": "oracle"}},
		{TypeKey: "server", Name: "db-node-a"},
		{TypeKey: "server", Name: "db-node-b"},
	} {
		cis[c.Name] = mustCreate(t, s, c)
	}
	link := func(from string, k Kind, to, group string) {
		if _, err := s.Relate(ctx, cis[from].Ref, k, cis[to].Ref, group); err != nil {
			t.Fatal(err)
		}
	}
	link("网上银行 Online banking", DependsOn, "Core banking app", "")
	link("Core banking app", RunsOn, "vm-app-01", "")
	link("vm-app-01", HostedIn, "esx-01", "")
	link("esx-01", DependsOn, "san-01", "")
	link("Core banking app", DependsOn, "核心数据库 core DB", "")
	link("核心数据库 core DB", RunsOn, "db-node-a", "cluster")
	link("核心数据库 core DB", RunsOn, "db-node-b", "cluster")
	return cis
}

func TestImpactThroughStore(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cis := demoChain(t, s)

		rep, err := s.Impact(ctx, []string{cis["san-01"].Ref}, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		svcs := rep.Services()
		if len(svcs) != 1 || svcs[0].CI.Name != "网上银行 Online banking" || svcs[0].Depth != 4 {
			t.Fatalf("impacted services = %+v", svcs)
		}
		path := PathText(svcs[0].Path, true)
		if path != "CI-000005 ← depends on ← CI-000004 ← hosted in ← CI-000003 ← runs on ← CI-000002 ← depends on ← CI-000001" {
			t.Errorf("path = %s", path)
		}
		one, _ := s.Impact(ctx, []string{cis["db-node-a"].Ref}, true, 0)
		if len(one.Items) != 0 {
			t.Errorf("one cluster node down impacts %d CIs, want 0", len(one.Items))
		}
		both, _ := s.Impact(ctx, []string{cis["db-node-a"].Ref, cis["db-node-b"].Ref}, true, 0)
		if len(both.Services()) != 1 {
			t.Errorf("both cluster nodes down: %d services impacted, want 1", len(both.Services()))
		}
		down, _ := s.Impact(ctx, []string{cis["网上银行 Online banking"].Ref}, false, 0)
		if len(down.Items) != 7 {
			t.Errorf("banking depends on %d CIs, want 7", len(down.Items))
		}

		// A second store on the same file stands for another process: its writes
		// must be seen by this store's next impact analysis.
		other, _ := NewStore(ctx, s.DB())
		if err := other.Unrelate(ctx, cis["esx-01"].Ref, DependsOn, cis["san-01"].Ref); err != nil {
			t.Fatal(err)
		}
		after, _ := s.Impact(ctx, []string{cis["san-01"].Ref}, true, 0)
		if len(after.Items) != 0 {
			t.Errorf("stale index: san-01 still impacts %d CIs", len(after.Items))
		}
	})
}

func TestSearchEnglishChineseAndShortWords(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		demoChain(t, s)
		mustCreate(t, s, CI{TypeKey: "server", Name: "db-01", Owner: "张伟", Location: "北京主数据中心"})
		mustCreate(t, s, CI{TypeKey: "application", Name: "HR portal", Description: "人力资源门户"})

		names := func(q string) []string { return namesFound(t, s, q) }
		cases := []struct {
			query string
			want  []string
		}{
			{"数据库", []string{"核心数据库 core DB"}},
			{"库", []string{"核心数据库 core DB"}},
			{"db-01", []string{"db-01"}},
			{"oracle", []string{"核心数据库 core DB"}}, // an attribute value, any case
			{"Oracle", []string{"核心数据库 core DB"}},
			{"数据中心", []string{"db-01"}},
			{"张伟", []string{"db-01"}},
			{"资源", []string{"HR portal"}},
			{"CI-000003", []string{"vm-app-01"}},
			{"db node", []string{"db-node-a", "db-node-b"}},
			{`"quoted" AND`, nil},
			{"   ", nil},
			{"100%", nil},
			{"DB", []string{"核心数据库 core DB", "db-node-a", "db-node-b", "db-01"}}, // any case
			{"db 数据中心", []string{"db-01"}},                                       // a short and a long word
			{"伟 北京", []string{"db-01"}},                                          // two short words
			{"bd", nil},                                                          // both letters in names, never side by side
			{"库数", nil},
			{"1-", nil},                                         // punctuation: no index, still answered
			{"b-", []string{"db-node-a", "db-node-b", "db-01"}}, // … from ci's own text
			{"资源 portal", []string{"HR portal"}},
		}
		for _, c := range cases {
			if got := names(c.query); !reflect.DeepEqual(got, c.want) {
				t.Errorf("search %q = %q, want %q", c.query, got, c.want)
			}
		}
		// A name match comes before a match in another field.
		mustCreate(t, s, CI{TypeKey: "application", Name: "Portal", Description: "HR portal front end"})
		if got := names("portal"); !reflect.DeepEqual(got, []string{"HR portal", "Portal"}) {
			t.Errorf("search portal = %q", got)
		}
		// The short-word index notices a CI written by another process.
		other, _ := NewStore(ctx, s.DB())
		mustCreate(t, other, CI{TypeKey: "database", Name: "备份库"})
		if got := names("库"); !reflect.DeepEqual(got, []string{"核心数据库 core DB", "备份库"}) {
			t.Errorf("search 库 after another process wrote = %q", got)
		}
		// A change and a deletion reach every index at once.
		hr := s.mustFind(t, "HR portal")
		hr.Description = "员工门户"
		if _, err := s.UpdateCI(ctx, hr); err != nil {
			t.Fatal(err)
		}
		if got := names("资源"); got != nil {
			t.Errorf("search 资源 after the description changed = %q", got)
		}
		if got := names("员工"); !reflect.DeepEqual(got, []string{"HR portal"}) {
			t.Errorf("search 员工 after the description changed = %q", got)
		}
		if err := s.DeleteCI(ctx, hr.Ref); err != nil {
			t.Fatal(err)
		}
		if got := names("-0"); len(got) != 11 { // in every reference
			t.Errorf("search -0 = %q, want every CI", got)
		}
		for _, q := range []string{"员工", "门户", "员工门户"} {
			if got := names(q); got != nil {
				t.Errorf("search %q after the CI was deleted = %q", q, got)
			}
		}
	})
}

func (s *Store) mustFind(t *testing.T, name string) CI {
	t.Helper()
	found, err := s.Search(context.Background(), name, 1)
	if err != nil || len(found) != 1 {
		t.Fatalf("find %q: %v %v", name, found, err)
	}
	return found[0]
}

func TestBaselineTakeAndDiff(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cis := demoChain(t, s)
		b, err := s.TakeBaseline(ctx, "before-change-42", "CAB approved")
		if err != nil {
			t.Fatal(err)
		}
		if b.CICount != 8 || b.RelationCount != 7 {
			t.Errorf("baseline counts %d/%d, want 8/7", b.CICount, b.RelationCount)
		}
		if _, err := s.TakeBaseline(ctx, "before-change-42", ""); store.ErrorCode(err) != store.EConflict {
			t.Errorf("duplicate baseline name: %v", err)
		}

		vm := cis["vm-app-01"]
		vm.Status = StatusMaintenance
		vm.Attributes = map[string]string{"memory_gb": "64"}
		if _, err := s.UpdateCI(ctx, vm); err != nil {
			t.Fatal(err)
		}
		added := mustCreate(t, s, CI{TypeKey: "server", Name: "db-node-c"})
		s.Relate(ctx, cis["核心数据库 core DB"].Ref, RunsOn, added.Ref, "cluster")
		s.DeleteCI(ctx, cis["san-01"].Ref)

		d, err := s.DiffBaselines(ctx, "before-change-42", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Added) != 1 || d.Added[0].Name != "db-node-c" {
			t.Errorf("added = %+v", d.Added)
		}
		if len(d.Removed) != 1 || d.Removed[0].Name != "san-01" {
			t.Errorf("removed = %+v", d.Removed)
		}
		wantChanged := []FieldChange{{"status", "in_service", "maintenance"}, {"attributes.memory_gb", "", "64"}}
		if len(d.Changed) != 1 || !reflect.DeepEqual(d.Changed[0].Changes, wantChanged) {
			t.Errorf("changed = %+v", d.Changed)
		}
		if len(d.RelationsAdded) != 1 || len(d.RelationsRemoved) != 1 {
			t.Errorf("relations +%v -%v", d.RelationsAdded, d.RelationsRemoved)
		}
		// Two baselines compare too, and a baseline with itself is empty.
		s.TakeBaseline(ctx, "after", "")
		d2, _ := s.DiffBaselines(ctx, "before-change-42", "after")
		if len(d2.Changed) != 1 {
			t.Errorf("baseline vs baseline: %+v", d2)
		}
		if same, _ := s.DiffBaselines(ctx, "after", "after"); !same.Empty() {
			t.Errorf("baseline vs itself not empty: %+v", same)
		}
		if _, err := s.DiffBaselines(ctx, "nope", ""); store.ErrorCode(err) != store.ENotFound {
			t.Errorf("unknown baseline: %v", err)
		}
		list, _ := s.Baselines(ctx)
		if len(list) != 2 || list[0].Name != "after" {
			t.Errorf("baselines = %+v", list)
		}
	})
}

func TestListFiltersAndSorts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		demoChain(t, s)
		mustCreate(t, s, CI{TypeKey: "server", Name: "aaa", Owner: "Ops", Criticality: 1, Status: StatusRetired})

		servers, total, err := s.ListCIs(ctx, Filter{TypeKey: "服务器", Sort: "name"})
		if err != nil {
			t.Fatal(err)
		}
		if total != 4 || servers[0].Name != "aaa" {
			t.Errorf("servers by name: total %d first %q", total, servers[0].Name)
		}
		retired, _, _ := s.ListCIs(ctx, Filter{Status: StatusRetired})
		critical, _, _ := s.ListCIs(ctx, Filter{Criticality: 1})
		unowned, unownedTotal, _ := s.ListCIs(ctx, Filter{Owner: "-", Limit: 2})
		if len(retired) != 1 || len(critical) != 1 || len(unowned) != 2 || unownedTotal != 8 {
			t.Errorf("retired %d critical %d unowned %d/%d", len(retired), len(critical), len(unowned), unownedTotal)
		}
		// An owner is found by its sort key and compared exactly: "ops"
		// sorts with "Ops" but is not its owner.
		all, _, _ := s.ListCIs(ctx, Filter{Limit: 1000})
		want := 0
		for _, c := range all {
			if c.Owner == "Ops" {
				want++
			}
		}
		if ops, n, err := s.ListCIs(ctx, Filter{Owner: "Ops"}); err != nil || n != want || want == 0 || ops[0].Owner != "Ops" {
			t.Errorf("owner Ops: %d of %d (%v)", n, want, err)
		}
		if _, n, err := s.ListCIs(ctx, Filter{Owner: "ops"}); err != nil || n != 0 {
			t.Errorf("owner ops: %d, want none (%v)", n, err)
		}
		if _, _, err := s.ListCIs(ctx, Filter{Sort: "colour"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("bad sort column: %v", err)
		}
	})
}

// TestRelationsOfMatchesRelations: the batched read gives each CI exactly
// the relations the one-CI read gives, also when the CIs fall in several
// chunks and a relation joins CIs of two chunks.
func TestRelationsOfMatchesRelations(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		cis := demoChain(t, s)
		var ids []int64
		byID := map[int64]CI{}
		for _, c := range cis {
			ids = append(ids, c.ID)
			byID[c.ID] = c
		}
		for _, chunk := range []int{1, 3, 400} {
			got, err := s.relationsOf(ctx, ids, chunk)
			if err != nil {
				t.Fatal(err)
			}
			for id, c := range byID {
				want, err := s.Relations(ctx, c.Ref)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got[id], want) {
					t.Errorf("chunk %d, %s: %+v, want %+v", chunk, c.Name, got[id], want)
				}
			}
		}
	})
}

// TestChineseLabelsReadBack: every status and relation kind written in
// Chinese (as the Chinese workbook writes them) parses back to itself.
func TestChineseLabelsReadBack(t *testing.T) {
	for s := range statusWords {
		if got, err := ParseStatus(s.LabelZh()); err != nil || got != s || s.LabelZh() == "" {
			t.Errorf("status %s in Chinese %q reads back as %s, %v", s, s.LabelZh(), got, err)
		}
	}
	for _, k := range Kinds {
		if got, err := ParseKind(k.LabelZh()); err != nil || got != k || k.LabelZh() == "" {
			t.Errorf("kind %s in Chinese %q reads back as %s, %v", k, k.LabelZh(), got, err)
		}
	}
}

// TestEachRelationIsAllRelations: the streamed walk gives exactly what the
// joined query gives.
func TestEachRelationIsAllRelations(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		demoChain(t, s)
		want, err := s.AllRelations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []Relation
		if err := s.EachRelation(ctx, func(r Relation) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("EachRelation = %+v\nAllRelations = %+v", got, want)
		}
	})
}

// TestEachCIIsListCIs: the streamed walk gives every CI, as the list does.
func TestEachCIIsListCIs(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		demoChain(t, s)
		want, _, err := s.ListCIs(ctx, Filter{Sort: "ref"})
		if err != nil {
			t.Fatal(err)
		}
		var got []CI
		if err := s.EachCI(ctx, func(c CI) error { got = append(got, c); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("EachCI gave %d CIs, ListCIs %d", len(got), len(want))
		}
	})
}

// TestSearchFilteredCombinesSearchFiltersAndSort: a search within a type
// finds only that type; names sort by pinyin, not by code point.
func TestSearchFilteredCombinesSearchFiltersAndSort(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, c := range []CI{
			{TypeKey: "server", Name: "张家口数据服务器"}, {TypeKey: "database", Name: "账务数据库"},
			{TypeKey: "database", Name: "安全数据库"}, {TypeKey: "database", Name: "备份数据库", Status: StatusRetired},
			{TypeKey: "database", Name: "北京数据库"},
		} {
			mustCreate(t, s, c)
		}
		got, err := s.SearchFiltered(ctx, "数据", Filter{TypeKey: "database", Sort: "name"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, c := range got {
			names = append(names, c.Name)
		}
		// ān(安) běi(北) bèi(备) zhàng(账): pinyin order, tones in order for
		// the same syllable (a code-point sort gives 备 北 安 账 … order).
		want := []string{"安全数据库", "北京数据库", "备份数据库", "账务数据库"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("database names by pinyin = %v, want %v", names, want)
		}
		got, _ = s.SearchFiltered(ctx, "数据", Filter{TypeKey: "database", Status: StatusRetired})
		if len(got) != 1 || got[0].Name != "备份数据库" {
			t.Errorf("retired databases matching 数据: %v", got)
		}
		got, _ = s.SearchFiltered(ctx, "数据", Filter{Sort: "name", Descending: true})
		if len(got) != 5 || got[0].Name != "账务数据库" || got[1].Name != "张家口数据服务器" { // zhàng after zhāng
			t.Errorf("descending: %v", got)
		}
	})
}

// TestListSortsByPinyin: the CI list sorts names as a reader expects —
// Chinese by pinyin, case ignored, numbers by value — and CIs written
// before the sort keys existed get theirs when the store opens.
func TestListSortsByPinyin(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, name := range []string{"账务数据库", "安全网关", "srv-10", "北京机房", "SRV-9", "备份服务器"} {
			mustCreate(t, s, CI{TypeKey: "server", Name: name})
		}
		names := func() []string {
			cis, _, err := s.ListCIs(ctx, Filter{Sort: "name"})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cis {
				out = append(out, c.Name)
			}
			return out
		}
		// 9 before 10 (numbers by value), case ignored, then pinyin: ān běi bèi zhàng.
		want := []string{"SRV-9", "srv-10", "安全网关", "北京机房", "备份服务器", "账务数据库"}
		if got := names(); !reflect.DeepEqual(got, want) {
			t.Errorf("by name: %v, want %v", got, want)
		}
		// As a database from before migration 8: no keys, until reopened.
		if _, err := s.db.ExecContext(ctx, "UPDATE ci SET sort_name = NULL, sort_owner = NULL, sort_location = NULL"); err != nil {
			t.Fatal(err)
		}
		again, err := NewStore(ctx, s.db)
		if err != nil {
			t.Fatal(err)
		}
		var missing int
		s.db.QueryRowContext(ctx, "SELECT count(*) FROM ci WHERE sort_name IS NULL").Scan(&missing)
		if missing != 0 {
			t.Errorf("%d CIs without sort keys after reopening", missing)
		}
		s = again
		if got := names(); !reflect.DeepEqual(got, want) {
			t.Errorf("by name after filling the keys: %v", got)
		}
	})
}

// TestShortWordIndexIsFilledForOlderDatabases: a database whose CIs were
// written before ci_grams existed has them indexed when first opened.
func TestShortWordIndexIsFilledForOlderDatabases(t *testing.T) {
	s := mustStoreOn(t, store.MustOpenFile(t)) // a file's own index (a server has pg_trgm)
	ctx := context.Background()
	mustCreate(t, s, CI{TypeKey: "database", Name: "备份库"})
	for _, q := range []string{"DELETE FROM ci_grams", "UPDATE ref_counter SET last = 0 WHERE name = 'grams_filled'"} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if found, _ := s.Search(ctx, "库", 5); len(found) != 0 {
		t.Fatalf("the emptied index still finds %v", found)
	}
	again, err := NewStore(ctx, s.DB())
	if err != nil {
		t.Fatal(err)
	}
	if found, err := again.Search(ctx, "库", 5); err != nil || len(found) != 1 || found[0].Name != "备份库" {
		t.Errorf("after opening again: %v %v", found, err)
	}
}

// TestBulkImportKeepsEverySearchIndex: an import large enough to write the
// search indexes in bulk (merging off while it writes; its first indexChunk
// CIs indexed while the rest are still being written) leaves every CI
// findable by each index, FTS5's settings back as they were, and later
// saves indexed too.
func TestBulkImportKeepsEverySearchIndex(t *testing.T) {
	s := mustStoreOn(t, store.MustOpenFile(t)) // a file's FTS5 indexes (a server has pg_trgm)
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("Type,Name,Location\n")
	rows := indexChunk + bulkReindex
	for i := range rows {
		fmt.Fprintf(&csv, "server,srv-%05d 批量%d,机房%d\n", i, i, i%7)
	}
	path := filepath.Join(t.TempDir(), "bulk.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := s.ImportFile(ctx, path, ImportOptions{}); err != nil || res.Created != rows {
		t.Fatalf("import: %d created, %v", res.Created, err)
	}
	last := fmt.Sprintf("srv-%05d 批量%d", rows-1, rows-1)
	for q, want := range map[string]string{"srv-04321": "srv-04321 批量4321", "批量4999": "srv-04999 批量4999",
		"机房3": "", "批": "", last[:9]: last, "量" + last[len("srv-00000 批量"):]: last} {
		found, err := s.Search(ctx, q, 5)
		if err != nil || len(found) == 0 || (want != "" && found[0].Name != want) {
			t.Errorf("search %q after a bulk import: %v %v", q, found, err)
		}
	}
	for _, index := range searchIndexes {
		var merge, hash int
		if err := s.DB().QueryRowContext(ctx, "SELECT (SELECT v FROM "+index+"_config WHERE k = 'automerge'), "+
			"(SELECT v FROM "+index+"_config WHERE k = 'hashsize')").Scan(&merge, &hash); err != nil ||
			merge != defaultAutomerge || hash != defaultHashSize {
			t.Errorf("%s automerge %d, hashsize %d after the import (%v)", index, merge, hash, err)
		}
	}
	if n := countRows(t, s, "change_log"); n != rows {
		t.Errorf("%d change-log entries for %d CIs created", n, rows)
	}
	// The same CIs again, moved: indexed afresh in chunks as they are
	// updated, their old text no longer found.
	csv.Reset()
	csv.WriteString("Type,Name,Location\n")
	for i := range rows {
		fmt.Fprintf(&csv, "server,srv-%05d 批量%d,新楼%d\n", i, i, i%7)
	}
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := s.ImportFile(ctx, path, ImportOptions{}); err != nil || res.Updated != rows {
		t.Fatalf("import again: %d updated, %v", res.Updated, err)
	}
	if found, _ := s.Search(ctx, "机房3", 5); len(found) != 0 {
		t.Errorf("the old location is still found: %v", found)
	}
	if found, _ := s.Search(ctx, fmt.Sprintf("新楼%d 批量%d", (rows-1)%7, rows-1), 5); len(found) != 1 || found[0].Name != last {
		t.Errorf("the new location is not found: %v", found)
	}
	c := s.mustFind(t, "srv-00007 批量7")
	c.Description = "后来改的说明"
	if _, err := s.UpdateCI(ctx, c); err != nil {
		t.Fatal(err)
	}
	if found, _ := s.Search(ctx, "后来改", 5); len(found) != 1 || found[0].Ref != c.Ref {
		t.Errorf("a save after the bulk import is not found: %v", found)
	}
}

// A word is looked for with LIKE on a server only when no letter of it has
// another case, so that LIKE finds what ILIKE would.
func TestUncasedWords(t *testing.T) {
	for word, want := range map[string]bool{
		"数据库": true, "张伟": true, "1-": true, "100%": true, "CI-000003": false,
		"db": false, "Oracle": false, "Ω": false, "ß": false, "数据库db": false,
	} {
		if got := uncased(word); got != want {
			t.Errorf("uncased(%q) = %v, want %v", word, got, want)
		}
	}
}

// TestWriterGramsMatchARebuild: the grams a writer works out in Go (an
// import's new CIs on the planning goroutine, changed and single-saved CIs
// on the writer) index what rebuilding the indexes from ci with the SQL
// function does: every one- and two-character search finds the same CIs
// before and after a rebuild. Each gram is written once.
func TestWriterGramsMatchARebuild(t *testing.T) {
	if got, want := searchGrams("bj-db-01", "数据库", "DB"), "b j bj d db 0 1 01 数 据 数据 库 据库 "; got != want {
		t.Errorf("searchGrams = %q, want %q", got, want)
	}
	s := mustStoreOn(t, store.MustOpenFile(t))
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("Type,Name,Description,Owner,Location,Serial number\n")
	rows := bulkReindex + 100
	for i := range rows {
		fmt.Fprintf(&csv, "server,srv-%05d 批量%d,\"Rack %d, \"\"east\"\" 数据\",张伟%d,机房%d,Ωmega-%d\n", i, i, i%13, i%3, i%7, i%5)
	}
	path := filepath.Join(t.TempDir(), "grams.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := s.ImportFile(ctx, path, ImportOptions{}); err != nil || res.Created != rows {
		t.Fatalf("import: %d created, %v %v", res.Created, err, res.Problems[:min(2, len(res.Problems))])
	}
	c := s.mustFind(t, "srv-00007 批量7")
	c.Description = "后来改的 ß 说明"
	if _, err := s.UpdateCI(ctx, c); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, CI{TypeKey: "server", Name: "单独 ü-1", Owner: "李"})
	words := []string{"批", "量", "数据", "ea", "st", "伟", "张伟", "机", "房6", "ω", "Ωm", "ß", "改", "说明", "ü", "李", "0", "07", "ci", "c"}
	before := refsFound(t, s, words, rows+10)
	if len(before["批"]) != rows || len(before["李"]) != 1 || len(before["ß"]) != 1 {
		t.Fatalf("short words before the rebuild: 批 %d, 李 %d, ß %d", len(before["批"]), len(before["李"]), len(before["ß"]))
	}
	checkRebuildFindsTheSame(t, s, words, rows+10, before)
}
