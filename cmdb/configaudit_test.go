package cmdb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"servicebook/sheet"
	"servicebook/store"
)

// auditFloor is a small data centre: three servers in Beijing (one with a
// serial number shared by mistake with nothing else), a switch, and a
// server in Shanghai outside the scope.
func auditFloor(t *testing.T, s *Store) map[string]CI {
	t.Helper()
	cis := map[string]CI{}
	add := func(key string, ci CI) {
		if ci.Status == "" {
			ci.Status = StatusInService
		}
		if ci.Criticality == 0 {
			ci.Criticality = 2
		}
		cis[key] = mustCreate(t, s, ci)
	}
	add("db1", CI{TypeKey: "server", Name: "bj-db-01", Location: "北京主数据中心 A01", Owner: "王伟",
		Attributes: map[string]string{"serial_number": "SN-1001", "ip_address": "10.1.0.11"}})
	add("db2", CI{TypeKey: "server", Name: "bj-db-02", Location: "北京主数据中心 A02", Owner: "王伟",
		Attributes: map[string]string{"serial_number": "SN-1002", "ip_address": "10.1.0.12"}})
	add("app", CI{TypeKey: "server", Name: "bj-app-01", Location: "北京主数据中心 B01", Owner: "李娜",
		Attributes: map[string]string{"serial_number": "SN-2001"}})
	add("sw", CI{TypeKey: "network_device", Name: "bj-core-sw", Location: "北京主数据中心 C01", Owner: "张强",
		Attributes: map[string]string{"serial_number": "FOC-77"}})
	add("sh", CI{TypeKey: "server", Name: "sh-db-01", Location: "上海灾备中心", Owner: "王伟"})
	add("old", CI{TypeKey: "server", Name: "bj-old-01", Location: "北京主数据中心 D01", Status: StatusRetired})
	return cis
}

func table(rows ...[]string) sheet.Table { return sheet.Table{Name: "Sheet1", Rows: rows} }

func TestConfigAuditFromStartToClose(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store) {
		cis := auditFloor(t, s)
		a, err := s.StartAudit(ctx, "北京数据中心 2026", AuditScope{Location: "北京主数据中心"}, "赵审计")
		if err != nil {
			t.Fatal(err)
		}
		if a.Lines != 4 || a.Number() != "CA-0001" || a.Auditor != "赵审计" {
			t.Fatalf("audit = %+v, want 4 lines (retired and Shanghai out), CA-0001", a)
		}
		// The CMDB changes after the start: the checklist still prints what
		// was recorded when the audit began.
		db2 := cis["db2"]
		db2.Owner = "刘洋"
		if _, err := s.UpdateCI(ctx, db2); err != nil {
			t.Fatal(err)
		}
		lines, err := s.AuditLines(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 4 || lines[1].Owner != "王伟" || lines[0].Serial != "SN-1001" || lines[0].IP != "10.1.0.11" {
			t.Fatalf("lines = %+v", lines)
		}

		// A discovery tool's inventory: db1 as recorded (matched by serial),
		// db2 in another rack, the switch missing, and an unknown box.
		inv := table(
			[]string{"Hostname", "SN", "IP", "Location", "Type"},
			[]string{"bj-db-01", "sn-1001", "10.1.0.11", "北京主数据中心 A01", "server"},
			[]string{"bj-db-02", "SN-1002", "10.1.0.12", "北京主数据中心 A07", "服务器"},
			[]string{"bj-app-01", "SN-2001", "", "", ""},
			[]string{"bj-new-09", "SN-9009", "10.1.0.99", "北京主数据中心 A09", "server"},
		)
		found := ReadFound("scan.xlsx", inv, nil, nil)
		if len(found.Problems) > 0 || found.Checklist {
			t.Fatalf("read: %+v", found)
		}
		dry, err := s.ReconcileAudit(ctx, a.ID, found, []string{"serial", "name"}, true)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Audit(ctx, a.ID); !again.ReconciledAt.IsZero() || again.Findings != 0 {
			t.Fatalf("a dry run wrote: %+v", again)
		}
		rec, err := s.ReconcileAudit(ctx, a.ID, found, []string{"serial", "name"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(dry.Findings) != len(rec.Findings) {
			t.Errorf("dry run said %d findings, the real one %d", len(dry.Findings), len(rec.Findings))
		}
		if rec.Matched != 3 || rec.Equal != 2 || rec.Count(FindingDifferent) != 1 || rec.Count(FindingNotFound) != 1 || rec.Count(FindingNotRecorded) != 1 {
			t.Fatalf("reconciliation = matched %d equal %d findings %+v", rec.Matched, rec.Equal, rec.Findings)
		}
		findings, err := s.AuditFindings(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		byKind := map[FindingKind]AuditFinding{}
		for _, f := range findings {
			byKind[f.Kind] = f
		}
		diff := byKind[FindingDifferent]
		if diff.Ref != cis["db2"].Ref || diff.Field != "location" || diff.Found != "北京主数据中心 A07" || diff.FoundAt != "Sheet1 row 3" {
			t.Errorf("difference = %+v", diff)
		}
		if nf := byKind[FindingNotFound]; nf.Ref != cis["sw"].Ref {
			t.Errorf("not found = %+v, want the switch", nf)
		}
		if nr := byKind[FindingNotRecorded]; nr.FoundData["name"] != "bj-new-09" || nr.FoundData["type"] != "server" {
			t.Errorf("not recorded = %+v", nr)
		}

		// Closing waits for every finding.
		if _, err := s.CloseAudit(ctx, a.ID); err == nil || !strings.Contains(err.Error(), "3 open") {
			t.Fatalf("close with open findings: %v", err)
		}
		// Resolve: correct the location and create the new server; raise an
		// action for the missing switch.
		if _, err := s.ResolveFindings(ctx, a.ID, []int64{diff.ID, byKind[FindingNotRecorded].ID}, FindingResolution{How: Corrected}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveFindings(ctx, a.ID, []int64{byKind[FindingNotFound].ID}, FindingResolution{How: Actioned, Owner: "张强"}); err == nil {
			t.Fatal("an action without a due date was accepted")
		}
		if _, err := s.ResolveFindings(ctx, a.ID, []int64{byKind[FindingNotFound].ID}, FindingResolution{How: Actioned, Owner: "张强", Due: "2026-12-15", Note: "查找交换机"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveFindings(ctx, a.ID, []int64{diff.ID}, FindingResolution{How: Accepted}); err == nil {
			t.Error("a finding was resolved twice")
		}
		got, _ := s.CI(ctx, cis["db2"].Ref)
		if got.Location != "北京主数据中心 A07" || got.Owner != "刘洋" {
			t.Errorf("db2 after correction = %q, owner %q (the later change kept)", got.Location, got.Owner)
		}
		hist, _ := s.History(ctx, cis["db2"].Ref)
		last := hist[len(hist)-1]
		if last.Field != "location" || last.Source != "configuration audit CA-0001" {
			t.Errorf("change log of the correction = %+v", last)
		}
		findings, _ = s.AuditFindings(ctx, a.ID)
		var newRef string
		for _, f := range findings {
			if f.Kind == FindingNotRecorded {
				newRef = f.Ref
			}
			if f.Open() {
				t.Errorf("finding %d still open", f.ID)
			}
		}
		created, err := s.CI(ctx, newRef)
		if err != nil || created.Name != "bj-new-09" || created.Attributes["serial_number"] != "SN-9009" {
			t.Fatalf("created from the found item: %+v, %v", created, err)
		}
		closed, err := s.CloseAudit(ctx, a.ID)
		if err != nil || !closed.Closed() {
			t.Fatalf("close: %+v %v", closed, err)
		}
		if _, err := s.ResolveFindings(ctx, a.ID, []int64{diff.ID}, FindingResolution{How: Accepted}); err == nil {
			t.Error("a closed audit's finding changed")
		}
		if again, _ := s.Audit(ctx, a.ID); !again.Closed() || again.ClosedBy != "tester" || again.Open != 0 {
			t.Errorf("the audit as read back: %+v", again)
		}
		// The correction reaches the next baseline.
		b, err := s.TakeBaseline(ctx, "after audit", "")
		if err != nil {
			t.Fatal(err)
		}
		snap, err := s.snapshot(ctx, b.Name)
		if err != nil {
			t.Fatal(err)
		}
		if snap.CIs[cis["db2"].ID].Location != "北京主数据中心 A07" || snap.CIs[created.ID].Name != "bj-new-09" {
			t.Error("the next baseline does not carry the corrections")
		}
	})
}

func TestChecklistComesBackTicked(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store) {
		cis := auditFloor(t, s)
		a, err := s.StartAudit(ctx, "servers", AuditScope{TypeKey: "服务器", Location: "北京"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if a.Lines != 3 || a.Auditor != "tester" || a.Scope.TypeKey != "server" {
			t.Fatalf("audit = %+v", a)
		}
		head := []string{"Reference", "Type", "Name", "Location", "Serial number", "IP address", "Owner", "Status",
			"Seen (yes/no)", "Found name", "Found location", "Found serial number", "Found owner", "Found status", "Notes"}
		ref := func(k string) string { return cis[k].Ref }
		ok := table(head,
			[]string{ref("db1"), "Server", "bj-db-01", "北京主数据中心 A01", "SN-1001", "10.1.0.11", "王伟", "运行中", "✓", "", "", "", "", "", ""},
			[]string{ref("db2"), "Server", "bj-db-02", "北京主数据中心 A02", "SN-1002", "10.1.0.12", "王伟", "in service", "是", "", "", "", "陈静", "", "机柜门损坏"},
			[]string{ref("app"), "Server", "bj-app-01", "北京主数据中心 B01", "SN-2001", "", "李娜", "in service", "否", "", "", "", "", "", ""},
		)
		found := ReadFound("checklist.xlsx", ok, nil, nil)
		if len(found.Problems) > 0 || !found.Checklist {
			t.Fatalf("read: %+v", found.Problems)
		}
		keys, _ := ParseMatchKeys("ref")
		rec, err := s.ReconcileAudit(ctx, a.ID, found, keys, true)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Matched != 3 || rec.Equal != 1 || rec.Count(FindingDifferent) != 1 || rec.Count(FindingRemark) != 1 || rec.Count(FindingNotFound) != 1 {
			t.Fatalf("rec = %+v", rec)
		}

		// Every way a ticked checklist can be wrong is named, cell by cell.
		bad := table(head,
			[]string{ref("db1"), "Server", "bj-db-99", "北京主数据中心 A01", "SN-1001", "10.1.0.11", "王伟", "运行中", "✓", "", "", "", "", "", ""},
			[]string{ref("db2"), "Server", "bj-db-02", "北京主数据中心 A02", "SN-1002", "10.1.0.12", "王伟", "in service", "", "", "", "", "", "", ""},
			[]string{ref("app"), "Server", "bj-app-01", "北京主数据中心 B01", "SN-2001", "", "李娜", "in service", "maybe", "", "", "", "", "", ""},
			[]string{"", "", "", "", "", "", "", "", "否", "", "", "SN-5555", "", "", ""},
			[]string{ref("db1"), "", "", "", "", "", "", "", "", "", "", "", "", "broken", ""},
		)
		found = ReadFound("checklist.xlsx", bad, nil, nil)
		rec, err = s.ReconcileAudit(ctx, a.ID, found, keys, false)
		if store.ErrorCode(err) != store.EInvalid {
			t.Fatalf("a wrong checklist was reconciled: %v", err)
		}
		want := []struct {
			row       int
			col, text string
		}{
			{2, "Name", `differs from the printed "bj-db-01"; write what was found under "Found name"`},
			{3, "Seen (yes/no)", "is blank"},
			{4, "Seen (yes/no)", `"maybe" is not yes or no`},
			{5, "Seen (yes/no)", "says not seen, yet found values are written"},
			{6, "Found status", `"broken" is not a status`},
		}
		if len(rec.Problems) != len(want) {
			t.Errorf("%d problems, want %d: %v", len(rec.Problems), len(want), rec.Problems)
		}
		for _, w := range want {
			hit := false
			for _, p := range rec.Problems {
				hit = hit || p.Row == w.row && p.Column == w.col && strings.Contains(p.Reason, w.text)
			}
			if !hit {
				t.Errorf("no problem at row %d, %s: %s in %v", w.row, w.col, w.text, rec.Problems)
			}
		}
		if again, _ := s.Audit(ctx, a.ID); !again.ReconciledAt.IsZero() {
			t.Error("a refused reconciliation was recorded")
		}
	})
}

func TestReconcileRefusesGuesses(t *testing.T) {
	lines := []AuditLine{
		{CIID: 1, Ref: "CI-000001", Name: "web", Serial: "A1"},
		{CIID: 2, Ref: "CI-000002", Name: "web", Serial: "A2"},
		{CIID: 3, Ref: "CI-000003", Name: "db", Serial: "A3"},
	}
	found := ReadFound("scan.csv", table(
		[]string{"name", "serial"},
		[]string{"web", ""},   // two CIs are named web
		[]string{"db", "A3"},  // matched by serial
		[]string{"db2", "A3"}, // the same serial twice
		[]string{"x", "A1"},
	), nil, nil)
	rec := Reconcile(lines, found, []string{"serial", "name"}, nil)
	if len(rec.Findings) != 0 || len(rec.Problems) != 3 {
		t.Fatalf("problems = %v, findings %v", rec.Problems, rec.Findings)
	}
	text := rec.Problems[0].Error() + rec.Problems[1].Error() + rec.Problems[2].Error()
	for _, w := range []string{`matches 2 recorded CIs (CI-000001, CI-000002)`, `the same serial "A3" is already on row 3`, "CI-000003 is already matched by row 3"} {
		if !strings.Contains(text, w) {
			t.Errorf("no %q in %s", w, text)
		}
	}
	// Matching by name first is just as refused; by serial alone it works.
	rec = Reconcile(lines, ReadFound("scan.csv", table([]string{"name", "serial"}, []string{"web", "A2"}), nil, nil), []string{"serial"}, nil)
	if len(rec.Problems) != 0 || rec.Matched != 1 || rec.Count(FindingNotFound) != 2 {
		t.Fatalf("by serial: %+v", rec)
	}
}

func TestFoundInventoryColumnsAreUsedOrRefused(t *testing.T) {
	inv := table([]string{"Host", "SN", "Rack", "Vendor"}, []string{"a", "1", "R1", "Dell"})
	got := ReadFound("scan.csv", inv, map[string]string{"name": "Host", "location": "Rack"}, nil)
	if len(got.Problems) != 1 || got.Problems[0].Column != "Vendor" {
		t.Fatalf("problems = %v", got.Problems)
	}
	got = ReadFound("scan.csv", inv, map[string]string{"name": "Host", "location": "Rack"}, []string{"vendor"})
	if len(got.Problems) != 0 || got.Items[0].Values["location"] != "R1" || got.Ignored[0] != "Vendor" {
		t.Fatalf("with Vendor left out: %+v", got)
	}
	if got := ReadFound("scan.csv", table([]string{"Rack", "Vendor"}, []string{"R1", "Dell"}), nil, nil); len(got.Problems) != 1 || got.Problems[0].Msg.Key != MsgAuditNoKeyColumn {
		t.Fatalf("no key column: %v", got.Problems)
	}
	if _, err := ParseMatchKeys("serial, mac"); err == nil {
		t.Error("mac accepted as a key")
	}
	if k, err := ParseMatchKeys("SN, reference, sn"); err != nil || strings.Join(k, ",") != "serial,ref" {
		t.Errorf("keys = %v %v", k, err)
	}
}

func TestStartAuditRefusesAnEmptyScope(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store) {
		auditFloor(t, s)
		if _, err := s.StartAudit(ctx, "nowhere", AuditScope{Location: "广州"}, ""); store.ErrorCode(err) != store.EInvalid {
			t.Fatalf("empty scope: %v", err)
		}
		if _, err := s.StartAudit(ctx, "", AuditScope{}, ""); err == nil {
			t.Fatal("an untitled audit started")
		}
		if _, err := s.StartAudit(ctx, "retired", AuditScope{Status: StatusRetired}, ""); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a scope of retired CIs: %v", err)
		}
		if got, _ := s.Audits(ctx); len(got) != 0 {
			t.Fatalf("a refused start left %d audits", len(got))
		}
		if bs, _ := s.Baselines(ctx); len(bs) != 0 {
			t.Fatalf("a refused start left %d baselines", len(bs))
		}
	})
}

func FuzzReadFound(f *testing.F) {
	f.Add("Reference,Name,Seen,Found name\nCI-000001,a,yes,b\n,c,no,\n")
	f.Add("Hostname;SN;IP\nx;1;10.0.0.1\nx;1;\n")
	f.Add("SN,Status\n1,retired\n2,???\n")
	lines := []AuditLine{{CIID: 1, Ref: "CI-000001", Name: "a", Serial: "1"}, {CIID: 2, Ref: "CI-000002", Name: "x", Serial: "2"}}
	f.Fuzz(func(t *testing.T, text string) {
		tab, err := sheet.ParseCSV("found.csv", []byte(text), sheet.DefaultLimits)
		if err != nil {
			return
		}
		got := ReadFound("found.csv", tab, nil, nil)
		for _, p := range got.Problems {
			if p.File != "found.csv" || p.Reason == "" {
				t.Fatalf("problem without place or reason: %+v", p)
			}
		}
		rec := Reconcile(lines, got, []string{"ref", "serial", "name"}, BuiltinTypes())
		if len(rec.Problems) > 0 && len(rec.Findings) > 0 {
			t.Fatal("findings beside problems")
		}
		if len(rec.Problems) == 0 && rec.Matched > len(lines) {
			t.Fatalf("matched %d of %d lines", rec.Matched, len(lines))
		}
	})
}

// TestAuditScopeByTheListsFilter: status and criticality narrow the scope
// as the CI list's filter does, and the audit keeps them.
func TestAuditScopeByTheListsFilter(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store) {
		cis := auditFloor(t, s)
		sw := cis["sw"]
		sw.Status, sw.Criticality = StatusMaintenance, 1
		if _, err := s.UpdateCI(ctx, sw); err != nil {
			t.Fatal(err)
		}
		a, err := s.StartAudit(ctx, "critical", AuditScope{Criticality: 2, Status: StatusInService, Location: "北京"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if a.Lines != 3 {
			t.Errorf("criticality 2, in service, Beijing: %d CIs, want the three servers", a.Lines)
		}
		got, _ := s.Audit(ctx, a.ID)
		if got.Scope.Status != StatusInService || got.Scope.Criticality != 2 || !strings.Contains(got.Scope.String(), "criticality 2") {
			t.Errorf("kept scope: %+v (%s)", got.Scope, got.Scope)
		}
	})
}

// TestDesktopsStartAuditsAtOnce: four desktops start configuration audits
// at the same moment; each gets an audit of its own, numbered without a
// repeat.
func TestDesktopsStartAuditsAtOnce(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store) {
		auditFloor(t, s)
		var wg sync.WaitGroup
		numbers := make([]string, 4)
		errs := make([]error, 4)
		for d := range numbers {
			wg.Go(func() {
				db, err := store.Open(ctx, s.db.Path)
				if err != nil {
					errs[d] = err
					return
				}
				defer db.Close()
				mine, err := NewStore(ctx, db)
				if err != nil {
					errs[d] = err
					return
				}
				a, err := mine.StartAudit(ctx, fmt.Sprintf("desktop %d", d), AuditScope{}, "审计")
				numbers[d], errs[d] = a.Number(), err
			})
		}
		wg.Wait()
		for d, err := range errs {
			if err != nil {
				t.Fatalf("desktop %d: %v", d, err)
			}
		}
		// Distinct; on a server a transaction the server broke off and
		// servicebook ran again leaves its number unused.
		slices.Sort(numbers)
		if len(slices.Compact(slices.Clone(numbers))) != len(numbers) || numbers[0] != "CA-0001" {
			t.Errorf("audit numbers %q, want four different ones from CA-0001", numbers)
		}
	})
}
