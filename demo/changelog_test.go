package demo

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/doccontrol"
	"servicebook/sheet"
	"servicebook/store"
)

// readOnly lists the stores' exported methods that write nothing (or, like
// AssessChanges, write only through methods tested below). Every other
// exported method must be in the walk of TestEveryWriteIsLogged: a new
// write path that is neither fails the test until it is looked at.
var readOnly = map[string]bool{
	// cmdb
	"AllRelations": true, "Baselines": true, "CI": true, "CIsByID": true, "Counts": true, "DB": true,
	"DiffBaselines": true, "EachCI": true, "PageCIs": true, "SearchFiltered": true, "EachRelation": true, "Graph": true, "History": true, "RelationsOf": true, "Impact": true, "ListCIs": true, "Relations": true,
	"Search": true, "Types": true, "Audit": true, "Audits": true, "AuditFindings": true, "AuditLines": true,
	// RebuildSearch writes the search index, worked out from the records, not a record.
	"RebuildSearch": true,
	// continuity
	"Action": true, "Actions": true, "ApprovedContent": true, "Availability": true, "AvailabilityAt": true, "Reviews": true, "Distribution": true,
	"Exercise": true, "Exercises": true, "LinkedCIs": true, "OpenReasons": true, "Outage": true, "Outages": true,
	"Plan": true, "Revisions": true, "Roles": true, "SinceApproval": true, "Steps": true, "Targets": true, "RecoveryNeedOf": true, "RecoveryNeeds": true,
	// budget
	"Actuals": true, "Allocate": true, "ByCategory": true, "ChangeCost": true, "FiscalYear": true,
	"FiscalYears": true, "ImpactCost": true, "Lines": true, "Profile": true, "Report": true, "Rules": true,
	"FiscalYearOf": true, "FindService": true,
	// capacity
	"Resources": true, "Resource": true, "Samples": true, "ForecastResource": true, "Upgrades": true, "Breaches": true, "Forecasts": true, "SampleSpans": true,
	// OnYearCreated registers a hook and ProposeWhenYearCreated returns
	// one: their writes happen inside CreateFiscalYear's transaction, with
	// its log (capacity's TestUpgradeProposesABudgetLine… checks the entry).
	"OnYearCreated": true, "ProposeWhenYearCreated": true,
	// Statuses keeps derived data (each resource's forecast summed up, as
	// the relation graph keeps its snapshot): not records, not logged.
	"Statuses": true,
	"Plans":    true, "PlanState": true, "PlanStates": true, "PlanResources": true, "PlanUpgrades": true, "PlanForecasts": true,
}

// TestEveryWriteIsLogged walks every write path of every store and checks
// that each leaves at least one change-log entry, with the source of the
// context it ran under (gui, cli or the imported file's name).
func TestEveryWriteIsLogged(t *testing.T) {
	ctx := context.Background()
	db := store.MustOpen(t)
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	cs := continuity.NewStore(db, cm)
	bs := budget.NewStore(db, cm)
	caps := capacity.NewStore(db, cm)
	dir := t.TempDir()
	ref := func(name string) string {
		found, err := cm.Search(ctx, name, 1)
		if err != nil || len(found) == 0 {
			t.Fatalf("no CI %q", name)
		}
		return found[0].Ref
	}
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	payroll := ref("薪资发放")
	var (
		ci          cmdb.CI
		plan        continuity.Plan
		configAudit cmdb.ConfigAudit
		step        continuity.PlanStep
		ex          continuity.Exercise
		act         continuity.Action
		out         continuity.OutageRecord
		fy          budget.FiscalYear
		line        budget.Line
		revID       int64
		capPlan     capacity.Plan
	)
	// Each write, in an order where each can build on the ones before; the
	// source is what the change log must say.
	writes := []struct {
		method string
		source string
		do     func(ctx context.Context) error
		entry  string // "entity field" that must be among the new entries, where the method writes through others too
	}{
		{method: "CreateCI", source: "gui", do: func(ctx context.Context) (err error) {
			ci, err = cm.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: "log-test-01", Status: cmdb.StatusInService, Criticality: 3})
			return err
		}},
		{method: "UpdateCI", source: "cli", do: func(ctx context.Context) (err error) {
			ci.Owner = "张伟"
			ci, err = cm.UpdateCI(ctx, ci)
			return err
		}},
		{method: "Relate", source: "gui", do: func(ctx context.Context) error {
			_, err := cm.Relate(ctx, payroll, cmdb.DependsOn, ci.Ref, "")
			return err
		}},
		{method: "Unrelate", source: "gui", do: func(ctx context.Context) error { return cm.Unrelate(ctx, payroll, cmdb.DependsOn, ci.Ref) }},
		{method: "SaveType", source: "gui", do: func(ctx context.Context) error {
			_, err := cm.SaveType(ctx, cmdb.Type{Key: "ups", Name: "UPS", NameZh: "不间断电源"})
			return err
		}},
		{method: "TakeBaseline", source: "cli", do: func(ctx context.Context) error {
			_, err := cm.TakeBaseline(ctx, "before-test", "")
			return err
		}},
		{method: "CreateBatch", source: "cli", do: func(ctx context.Context) error {
			_, err := cm.CreateBatch(ctx, []cmdb.CI{{TypeKey: "server", Name: "log-test-02", Status: cmdb.StatusPlanned, Criticality: 4}}, nil)
			return err
		}},
		{method: "ImportFile", source: "cis.csv", do: func(ctx context.Context) error {
			_, err := cm.ImportFile(ctx, file("cis.csv", "Type,Name\nserver,log-test-03\n"), cmdb.ImportOptions{})
			return err
		}},
		{method: "StartAudit", source: "cli", do: func(ctx context.Context) (err error) {
			configAudit, err = cm.StartAudit(ctx, "servers", cmdb.AuditScope{TypeKey: "server"}, "")
			return err
		}},
		{method: "ReconcileAudit", source: "gui", do: func(ctx context.Context) error {
			// An inventory that found nothing: every server is a finding.
			found := cmdb.ReadFound("scan.csv", sheet.Table{Rows: [][]string{{"Name"}}}, nil, nil)
			_, err := cm.ReconcileAudit(ctx, configAudit.ID, found, []string{"name"}, false)
			return err
		}},
		{method: "ResolveFindings", source: "configuration audit CA-0001", do: func(ctx context.Context) error {
			findings, err := cm.AuditFindings(ctx, configAudit.ID)
			if err != nil {
				return err
			}
			var ids []int64
			for _, f := range findings {
				ids = append(ids, f.ID)
			}
			_, err = cm.ResolveFindings(ctx, configAudit.ID, ids, cmdb.FindingResolution{How: cmdb.Accepted})
			return err
		}},
		{method: "CloseAudit", source: "cli", do: func(ctx context.Context) error {
			_, err := cm.CloseAudit(ctx, configAudit.ID)
			return err
		}},
		{method: "CreatePlan", source: "gui", do: func(ctx context.Context) (err error) {
			plan, err = cs.CreatePlan(ctx, continuity.Plan{DocNumber: "SM-LOG", Title: "log", ServiceRef: payroll})
			return err
		}},
		{method: "SavePlan", source: "gui", do: func(ctx context.Context) (err error) {
			plan.Scope = "everything"
			plan, err = cs.SavePlan(ctx, plan, "")
			return err
		}},
		{method: "AddStep", source: "gui", do: func(ctx context.Context) (err error) {
			step, err = cs.AddStep(ctx, "SM-LOG", continuity.PlanStep{Phase: continuity.Recovery, Action: "Recover", Who: "ops"})
			return err
		}},
		{method: "UpdateStep", source: "gui", do: func(ctx context.Context) error {
			step.Action = "Recover payroll"
			return cs.UpdateStep(ctx, "SM-LOG", step)
		}},
		{method: "SetRole", source: "cli", do: func(ctx context.Context) error {
			return cs.SetRole(ctx, "SM-LOG", "ops", 1, continuity.Contact{Name: "赵敏"}, continuity.Contact{Name: "钱进"})
		}},
		{method: "LinkCI", source: "cli", do: func(ctx context.Context) error { return cs.LinkCI(ctx, "SM-LOG", ci.Ref) }},
		{method: "UnlinkCI", source: "cli", do: func(ctx context.Context) error { return cs.UnlinkCI(ctx, "SM-LOG", ci.Ref) }},
		{method: "AddCopy", source: "gui", do: func(ctx context.Context) error { return cs.AddCopy(ctx, "SM-LOG", continuity.Copy{Holder: "safe"}) }},
		{method: "UpdateCopy", source: "gui", do: func(ctx context.Context) error {
			return cs.UpdateCopy(ctx, "SM-LOG", continuity.Copy{CopyNo: 1, Holder: "off-site safe"})
		}},
		{method: "IssueCopies", source: "cli", do: func(ctx context.Context) error {
			_, err := cs.IssueCopies(ctx, []string{"SM-LOG"}, "王建国", "2026-11-24")
			return err
		}},
		{method: "RemoveCopy", source: "gui", do: func(ctx context.Context) error { return cs.RemoveCopy(ctx, "SM-LOG", 1) }},
		{method: "Approve", source: "gui", do: func(ctx context.Context) error {
			p, _ := cs.Plan(ctx, "SM-LOG")
			_, err := cs.Approve(ctx, "SM-LOG", continuity.Approval{Approver: "李明", RowVersion: p.RowVersion, Reason: "test"})
			return err
		}},
		{method: "RemoveStep", source: "gui", do: func(ctx context.Context) error { return cs.RemoveStep(ctx, "SM-LOG", step.ID) }},
		{method: "RemoveRole", source: "gui", do: func(ctx context.Context) error { return cs.RemoveRole(ctx, "SM-LOG", "ops") }},
		{method: "AddExercise", source: "cli", do: func(ctx context.Context) (err error) {
			ex, err = cs.AddExercise(ctx, "SM-LOG", continuity.Exercise{Kind: continuity.Tabletop, Held: "2026-11-01", Outcome: continuity.Passed})
			return err
		}},
		{method: "UpdateExercise", source: "cli", do: func(ctx context.Context) error {
			ex.Findings = "none"
			return cs.UpdateExercise(ctx, ex)
		}},
		{method: "AddAction", source: "cli", do: func(ctx context.Context) (err error) {
			act, err = cs.AddAction(ctx, "SM-LOG", continuity.Action{Description: "print it"})
			return err
		}},
		{method: "UpdateAction", source: "cli", do: func(ctx context.Context) error {
			act.Owner = "赵敏"
			return cs.UpdateAction(ctx, act)
		}},
		{method: "CloseAction", source: "cli", do: func(ctx context.Context) error { return cs.CloseAction(ctx, act.ID, "printed") }},
		{method: "RemoveAction", source: "cli", do: func(ctx context.Context) error { return cs.RemoveAction(ctx, act.ID) }},
		{method: "Review", source: "gui", do: func(ctx context.Context) error {
			_, err := cs.Review(ctx, "SM-LOG", continuity.ReviewRecord{Reviewer: "王建国", Outcome: continuity.ReviewAdequate, ExerciseID: ex.ID})
			return err
		}},
		{method: "RemoveExercise", source: "cli", do: func(ctx context.Context) error { return cs.RemoveExercise(ctx, ex.ID) }},
		// A change to the service flags the plan: the flag and its reason are
		// written by the assessment, with the source of whoever ran it.
		{method: "AssessChanges", source: "cli", do: func(ctx context.Context) error {
			svc, _ := cm.CI(ctx, payroll)
			svc.Version = "2.0"
			if _, err := cm.UpdateCI(ctx, svc); err != nil {
				return err
			}
			return cs.AssessChanges(ctx)
		}, entry: "plan needs_review"},
		{method: "Plans", source: "gui", do: func(ctx context.Context) error {
			svc, _ := cm.CI(ctx, payroll)
			svc.Version = "2.1"
			if _, err := cm.UpdateCI(ctx, svc); err != nil {
				return err
			}
			_, err := cs.Plans(ctx)
			return err
		}, entry: "plan needs_review"},
		{method: "SetTarget", source: "cli", do: func(ctx context.Context) error {
			_, err := cs.SetTarget(ctx, payroll, continuity.Target{Percent: 99.5})
			return err
		}},
		{method: "RemoveTarget", source: "cli", do: func(ctx context.Context) error { return cs.RemoveTarget(ctx, payroll) }},
		{method: "AddOutage", source: "gui", do: func(ctx context.Context) (err error) {
			out, err = cs.AddOutage(ctx, continuity.OutageRecord{ServiceRef: payroll,
				Outage: continuity.Outage{Start: time.Date(2026, 9, 1, 1, 0, 0, 0, time.UTC), End: time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC)}})
			return err
		}},
		{method: "UpdateOutage", source: "gui", do: func(ctx context.Context) error {
			out.Description = "batch"
			return cs.UpdateOutage(ctx, out)
		}},
		{method: "Investigate", source: "gui", do: func(ctx context.Context) error { return cs.Investigate(ctx, out.ID, "closed", "bug", "") }},
		{method: "RemoveOutage", source: "gui", do: func(ctx context.Context) error { return cs.RemoveOutage(ctx, out.ID) }},
		{method: "ImportOutages", source: "outages.csv", do: func(ctx context.Context) error {
			_, err := cs.ImportOutages(ctx, file("outages.csv", "Service,Start,End\n"+payroll+",2026-09-02 01:00,2026-09-02 02:00\n"), "UTC", false, nil)
			return err
		}},
		{method: "CreateFiscalYear", source: "gui", do: func(ctx context.Context) (err error) {
			fy, err = bs.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026})
			return err
		}},
		{method: "AddResource", source: "gui", do: func(ctx context.Context) error {
			_, err := caps.AddResource(ctx, capacity.Resource{CIRef: payroll, Metric: "users", Name: "payroll users", Capacity: 100, Warning: 80, Critical: 90})
			return err
		}},
		{method: "AddSamples", source: "gui", do: func(ctx context.Context) error {
			_, err := caps.AddSamples(ctx, "payroll users", []capacity.Sample{{At: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), Value: 38}})
			return err
		}},
		{method: "AddUpgrade", source: "gui", entry: "budget_line created", do: func(ctx context.Context) error {
			_, err := caps.AddUpgrade(ctx, bs, capacity.Upgrade{Resource: "payroll users", Planned: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
				Adds: 50, Cost: 1000, ServiceRef: payroll})
			return err
		}},
		{method: "UpdateResource", source: "cli", entry: "capacity_resource changed", do: func(ctx context.Context) error {
			r, err := caps.Resource(ctx, "payroll users")
			if err != nil {
				return err
			}
			r.Capacity = 120
			_, err = caps.UpdateResource(ctx, r)
			return err
		}},
		{method: "RemoveResource", source: "gui", entry: "capacity_resource deleted", do: func(ctx context.Context) error {
			if _, err := caps.AddResource(ctx, capacity.Resource{CIRef: payroll, Metric: "spare", Name: "spare", Capacity: 1, Warning: 1, Critical: 1}); err != nil {
				return err
			}
			return caps.RemoveResource(ctx, "spare")
		}},
		{method: "UpdateUpgrade", source: "gui", entry: "capacity_upgrade changed", do: func(ctx context.Context) error {
			ups, err := caps.Upgrades(ctx, "payroll users")
			if err != nil || len(ups) == 0 {
				return fmt.Errorf("no upgrade to change: %v", err)
			}
			u := ups[0]
			u.Adds++
			_, err = caps.UpdateUpgrade(ctx, bs, u)
			return err
		}},
		{method: "CancelUpgrade", source: "cli", entry: "budget_line deleted", do: func(ctx context.Context) error {
			ups, err := caps.Upgrades(ctx, "payroll users")
			if err != nil || len(ups) == 0 {
				return fmt.Errorf("no upgrade to cancel: %v", err)
			}
			_, err = caps.CancelUpgrade(ctx, bs, ups[0].ID)
			return err
		}},
		{method: "AddLineIn", source: "gui", do: func(ctx context.Context) error {
			return db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
				_, err := bs.AddLineIn(ctx, tx, log, fy, budget.Line{ServiceRef: payroll, Category: budget.People, Description: "in a transaction"})
				return err
			})
		}},
		{method: "DeleteLineIn", source: "gui", do: func(ctx context.Context) error {
			lines, err := bs.Lines(ctx, fy)
			if err != nil {
				return err
			}
			for _, l := range lines {
				if l.Description == "in a transaction" {
					return db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error { return bs.DeleteLineIn(ctx, tx, log, l.ID) })
				}
			}
			return fmt.Errorf("no line to delete")
		}},
		{method: "ImportSamples", source: "samples.csv", do: func(ctx context.Context) error {
			_, err := caps.ImportSamples(ctx, file("samples.csv", "Time,payroll users\n2026-09-01,40\n2026-09-02,42\n"), capacity.SampleImportOptions{})
			return err
		}},
		// Capacity plans share method names with continuity plans; each
		// is walked on its own, with the entry it must write named.
		{method: "CreatePlan", source: "gui", entry: "capacity_plan created", do: func(ctx context.Context) (err error) {
			capPlan, err = caps.CreatePlan(ctx, capacity.Plan{DocNumber: "SM-CAP", Title: "log", Services: []capacity.PlanService{{Ref: payroll}}})
			return err
		}},
		{method: "Approve", source: "gui", entry: "capacity_plan version", do: func(ctx context.Context) (err error) {
			capPlan, err = caps.Approve(ctx, "SM-CAP", capacity.PlanApproval{Approver: "李明", RowVersion: capPlan.RowVersion, Reason: "test"})
			return err
		}},
		{method: "SavePlan", source: "cli", entry: "capacity_plan demand", do: func(ctx context.Context) (err error) {
			capPlan.Demand = "more"
			capPlan, err = caps.SavePlan(ctx, capPlan, "")
			return err
		}},
		{method: "Review", source: "gui", entry: "capacity_plan_review created", do: func(ctx context.Context) (err error) {
			_, err = caps.Review(ctx, "SM-CAP", capacity.PlanReview{By: "李明", Outcome: capacity.ReviewAdequate})
			return err
		}},
		{method: "AddCopy", source: "gui", entry: "capacity_plan_copy created", do: func(ctx context.Context) (err error) {
			_, err = caps.AddCopy(ctx, "SM-CAP", doccontrol.Copy{Holder: "王芳"})
			return err
		}},
		{method: "IssueCopies", source: "cli", entry: "capacity_plan_copy changed", do: func(ctx context.Context) (err error) {
			_, err = caps.IssueCopies(ctx, nil, "王芳", "2026-11-24")
			return err
		}},
		{method: "RemoveCopy", source: "gui", entry: "capacity_plan_copy deleted", do: func(ctx context.Context) error {
			return caps.RemoveCopy(ctx, "SM-CAP", 1)
		}},
		{method: "AddLine", source: "gui", do: func(ctx context.Context) (err error) {
			line, err = bs.AddLine(ctx, fy, budget.Line{ServiceRef: payroll, Category: budget.People, Amounts: [12]budget.Money{100}})
			return err
		}},
		{method: "SetAmounts", source: "gui", do: func(ctx context.Context) error { return bs.SetAmounts(ctx, line.ID, [12]budget.Money{200}) }},
		{method: "ApproveLine", source: "gui", do: func(ctx context.Context) error { return bs.ApproveLine(ctx, line.ID, "李明") }},
		{method: "Revise", source: "gui", do: func(ctx context.Context) (err error) {
			revID, err = bs.Revise(ctx, line.ID)
			return err
		}},
		{method: "DeleteLine", source: "cli", do: func(ctx context.Context) error { return bs.DeleteLine(ctx, revID) }},
		{method: "SetRule", source: "cli", do: func(ctx context.Context) error {
			_, err := bs.SetRule(ctx, fy, budget.Rule{Pool: "机房", Method: "even", Shares: map[string]float64{payroll: 1}})
			return err
		}},
		{method: "AddActual", source: "cli", do: func(ctx context.Context) error {
			return bs.AddActual(ctx, fy, payroll, budget.People, 1, 50)
		}},
		{method: "Import", source: "budget.csv", do: func(ctx context.Context) error {
			_, err := bs.Import(ctx, fy, file("budget.csv", "Service,Category,Description,Jan\n"+payroll+",licences,x,10\n"), budget.ImportOptions{})
			return err
		}},
		{method: "ImportActuals", source: "actuals.csv", do: func(ctx context.Context) error {
			_, err := bs.ImportActuals(ctx, fy, file("actuals.csv", "Service,Category,Jan\n"+payroll+",licences,9\n"), budget.ImportOptions{})
			return err
		}},
		{method: "UndoImport", source: "undo of actuals.csv", do: func(ctx context.Context) error {
			_, err := bs.UndoImport(ctx, fy, "actuals.csv")
			return err
		}},
		{method: "SaveProfile", source: "gui", do: func(ctx context.Context) error {
			return bs.SaveProfile(ctx, "finance", "budget", map[string]string{"service": "业务"})
		}},
		{method: "DeleteCI", source: "gui", do: func(ctx context.Context) error { return cm.DeleteCI(ctx, ci.Ref) }},
		{method: "DeleteBaseline", source: "cli", do: func(ctx context.Context) error { return cm.DeleteBaseline(ctx, "before-test") }},
		{method: "DeleteType", source: "gui", do: func(ctx context.Context) error { return cm.DeleteType(ctx, "ups") }},
	}
	_ = revID
	covered := map[string]bool{}
	for _, w := range writes {
		covered[w.method] = true
		var before int64
		db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&before)
		wctx := ctx
		if w.source == "gui" || w.source == "cli" {
			wctx = store.WithSource(ctx, w.source)
		}
		if err := w.do(wctx); err != nil {
			t.Fatalf("%s: %v", w.method, err)
		}
		var n int
		var sources []string
		rows, err := db.QueryContext(ctx, "SELECT DISTINCT source FROM change_log WHERE id > ?", before)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			sources = append(sources, s)
		}
		rows.Close()
		db.QueryRowContext(ctx, "SELECT count(*) FROM change_log WHERE id > ?", before).Scan(&n)
		if w.entry != "" {
			var k int
			db.QueryRowContext(ctx, "SELECT count(*) FROM change_log WHERE id > ? AND entity || ' ' || field = ?", before, w.entry).Scan(&k)
			if k == 0 {
				t.Errorf("%s wrote no %q entry", w.method, w.entry)
			}
		}
		if n == 0 {
			t.Errorf("%s wrote nothing to the change log", w.method)
		}
		if len(sources) != 1 || sources[0] != w.source {
			t.Errorf("%s logged with source %v, want %q", w.method, sources, w.source)
		}
	}
	var missing []string
	for _, s := range []any{cm, cs, bs, caps} {
		typ := reflect.TypeOf(s)
		for i := 0; i < typ.NumMethod(); i++ {
			name := typ.Method(i).Name
			if !readOnly[name] && !covered[name] {
				missing = append(missing, typ.Elem().PkgPath()+"."+name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("write paths not walked (add them to the walk, or to readOnly if they write nothing): %v", missing)
	}
}
