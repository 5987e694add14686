package audit_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"servicebook/audit"
	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/internal/pgtest"
	"servicebook/sheet"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// sourcesOn opens every domain on db (a file or a server's database:
// store.EachBackend), with the sample bank when fill.
func sourcesOn(t *testing.T, db *store.DB, fill bool) audit.Sources {
	t.Helper()
	ctx := context.Background()
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	src := audit.Sources{DB: db, CMDB: cm, Continuity: continuity.NewStore(db, cm), Budget: budget.NewStore(db, cm), Capacity: capacity.NewStore(db, cm)}
	if fill {
		for _, step := range []func() error{
			func() error { return demo.Organisation(ctx, cm) },
			func() error { return demo.Continuity(ctx, cm, src.Continuity) },
			func() error { return demo.Budget(ctx, cm, src.Budget) },
			func() error { return demo.Capacity(ctx, cm, src.Capacity, src.Budget) },
			func() error { return demo.ConfigAudit(ctx, cm) },
		} {
			if err := step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return src
}

// found is every finding of a report by check, as text.
func found(rep audit.Report) map[string][]string {
	out := map[string][]string{}
	for _, r := range rep.Results {
		for _, f := range r.Findings {
			out[r.ID] = append(out[r.ID], f.Record+": "+f.Msg.String())
		}
	}
	return out
}

func has(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// TestSampleBankTripsTheChecks: the sample bank, as it is, has what an
// auditor would find — services without plans, a plan never exercised, a
// plan flagged by a change, an unreviewed exercise, overdue actions,
// uninvestigated outages, availability below target, issued drafts, the
// SAN's breach, a draft capacity plan, unapproved budget lines — each
// named with its record, and the checks that pass say how many records
// they looked at.
func TestSampleBankTripsTheChecks(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		rep, err := audit.Run(context.Background(), sourcesOn(t, db, true), audit.DefaultSettings, "王伟 Wang Wei (IT ops)")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Results) != len(audit.Catalogue) {
			t.Fatalf("%d results for %d checks", len(rep.Results), len(audit.Catalogue))
		}
		got := found(rep)
		for _, want := range []struct{ check, part string }{
			{"C01", "CI-000082: CI-000082 手机银行 Mobile banking has no continuity plan"},
			{"C03", "SM-02004 has never been exercised"},
			{"C04", "SM-02002 is flagged by a change"},
			{"C05", "SM-02003 has 1 exercise(s)"},
			{"C06", "action 1 of SM-02002 was due 2026-11-15"},
			{"C07", "the unplanned outage of CI-000083 on 2026-10-13 is not investigated"},
			{"C08", "CI-000081 网上银行 Internet banking was 99.707 % available in 2026-10"},
			{"D02", "SM-03001 is a draft (0.1) but copies of it are issued"},
			{"K01", "bj-san-01 used TB is forecast to reach its warning threshold"},
			{"K02", "SM-03001 is still a draft"},
			{"B01", "budget line 12"},
			{"C09", "bj-san-01 records a recovery time of 6 h, more than the RTO of 2 h it inherits from SM-02003"},
			{"C09", "SM-02003: the recovery steps take 2 h 15 min along their critical path, more than the RTO of 2 h"},
			{"M03", "no configuration audit has been closed since 2025-11-23"},
			{"M03", "CA-0001 北京主数据中心服务器年度盘点 Beijing DC servers 2026, started 2026-11-23, is still open with 1 finding(s) to resolve"},
		} {
			if !has(got[want.check], want.part) {
				t.Errorf("%s does not find %q: %v", want.check, want.part, got[want.check])
			}
		}
		for _, quiet := range []string{"C02", "D01", "D03", "B03", "M01", "M02"} {
			if len(got[quiet]) > 0 {
				t.Errorf("%s finds %v", quiet, got[quiet])
			}
		}
		for _, r := range rep.Results {
			if r.Looked == 0 && r.ID != "M02" {
				t.Errorf("%s looked at nothing", r.ID)
			}
		}
		if rep.Count(audit.Major) == 0 || rep.Count(audit.Minor) == 0 {
			t.Errorf("counts: %d major, %d minor", rep.Count(audit.Major), rep.Count(audit.Minor))
		}
		// The auditor owns the capacity plan: that finding is marked.
		for _, r := range rep.Results {
			for _, f := range r.Findings {
				if f.Record == "SM-03001" && !f.OwnRecord {
					t.Errorf("%s on SM-03001, owned by the auditor, is not marked", r.ID)
				}
			}
		}
	})
}

// TestEmptyDatabasePasses: a database with no records finds nothing and
// fails on nothing.
func TestEmptyDatabasePasses(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		rep, err := audit.Run(context.Background(), sourcesOn(t, db, false), audit.DefaultSettings, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := found(rep); len(got) != 0 {
			t.Errorf("an empty database: %v", got)
		}
	})
}

// TestChecksTrippedOneByOne: a plan approved by its owner, a CI in service
// with no owner, and one that depends on a retired CI are each found;
// mended, they are not.
func TestChecksTrippedOneByOne(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := sourcesOn(t, db, true)
		cm := src.CMDB
		p, err := src.Continuity.Plan(ctx, "SM-02004")
		if err != nil {
			t.Fatal(err)
		}
		// An organisation that lets owners approve (the default refuses it)
		// still sees such an approval as a finding.
		allow := audit.DefaultSettings
		allow.OwnerMayApprove = 1
		if err := audit.SaveSettings(ctx, cm.DB(), allow); err != nil {
			t.Fatal(err)
		}
		if _, err := src.Continuity.Approve(ctx, "SM-02004", continuity.Approval{Approver: p.Owner, RowVersion: p.RowVersion, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
		orphan, err := cm.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: "audit-test-01", Status: cmdb.StatusInService, Criticality: 3})
		if err != nil {
			t.Fatal(err)
		}
		old, err := cm.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: "audit-test-02", Status: cmdb.StatusRetired, Criticality: 3, Owner: "李明"})
		if err != nil {
			t.Fatal(err)
		}
		app, err := cm.CreateCI(ctx, cmdb.CI{TypeKey: "application", Name: "audit-test-app", Status: cmdb.StatusInService, Criticality: 2, Owner: "李明"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cm.Relate(ctx, app.Ref, cmdb.RunsOn, old.Ref, ""); err != nil {
			t.Fatal(err)
		}
		fy, err := src.Budget.FiscalYear(ctx, 2026)
		if err != nil {
			t.Fatal(err)
		}
		var amounts [12]budget.Money
		amounts[0] = 500_000
		if _, err := src.Budget.AddLine(ctx, fy, budget.Line{Pool: "测试池 Test pool", Category: budget.Assets, Amounts: amounts}); err != nil {
			t.Fatal(err)
		}
		rep, err := audit.Run(ctx, src, audit.DefaultSettings, "")
		if err != nil {
			t.Fatal(err)
		}
		got := found(rep)
		if !has(got["B03"], "pool 测试池 Test pool has 5,000.00 in fiscal year 2026 and no rule allocates it") {
			t.Errorf("B03: %v", got["B03"])
		}
		if !has(got["D01"], "SM-02004 is approved by its owner") || !has(got["M01"], orphan.Ref+" audit-test-01 is in service with no owner") ||
			!has(got["M02"], app.Ref+" audit-test-app is in service but depends on "+old.Ref) {
			t.Fatalf("D01 %v\nM01 %v\nM02 %v", got["D01"], got["M01"], got["M02"])
		}
		orphan.Owner = "王芳"
		if _, err := cm.UpdateCI(ctx, orphan); err != nil {
			t.Fatal(err)
		}
		if err := cm.Unrelate(ctx, app.Ref, cmdb.RunsOn, old.Ref); err != nil {
			t.Fatal(err)
		}
		rep, _ = audit.Run(ctx, src, audit.DefaultSettings, "")
		got = found(rep)
		if len(got["M01"]) != 0 || len(got["M02"]) != 0 {
			t.Errorf("after mending: M01 %v, M02 %v", got["M01"], got["M02"])
		}
	})
}

// TestConfigAuditChecksTripAndPass: an audit action past its due date is
// found (M04) and an audit left open is named (M03); once the audit is
// closed M03 finds nothing (the action, still past due, stays with M04).
func TestConfigAuditChecksTripAndPass(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := sourcesOn(t, db, false)
		cm := src.CMDB
		for _, name := range []string{"ca-test-01", "ca-test-02"} {
			if _, err := cm.CreateCI(ctx, cmdb.CI{TypeKey: "server", Name: name, Status: cmdb.StatusInService, Criticality: 3, Owner: "王芳"}); err != nil {
				t.Fatal(err)
			}
		}
		a, err := cm.StartAudit(ctx, "servers", cmdb.AuditScope{TypeKey: "server"}, "")
		if err != nil {
			t.Fatal(err)
		}
		inv := cmdb.ReadFound("scan.csv", sheet.Table{Rows: [][]string{{"Name"}, {"ca-test-01"}}}, nil, nil)
		if _, err := cm.ReconcileAudit(ctx, a.ID, inv, []string{"name"}, false); err != nil {
			t.Fatal(err)
		}
		findings, _ := cm.AuditFindings(ctx, a.ID)
		if _, err := cm.ResolveFindings(ctx, a.ID, []int64{findings[0].ID}, cmdb.FindingResolution{How: cmdb.Actioned, Owner: "王芳", Due: "2026-11-01"}); err != nil {
			t.Fatal(err)
		}
		rep, _ := audit.Run(ctx, src, audit.DefaultSettings, "")
		got := found(rep)
		if !has(got["M04"], "CA-0001: the action on CI-000002 by 王芳 was due 2026-11-01") {
			t.Errorf("M04: %v", got["M04"])
		}
		if !has(got["M03"], "no configuration audit has been closed since 2025-11-23") || !has(got["M03"], "CA-0001 servers, started 2026-11-23, is still open") {
			t.Errorf("M03: %v", got["M03"])
		}
		if _, err := cm.CloseAudit(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		rep, _ = audit.Run(ctx, src, audit.DefaultSettings, "")
		got = found(rep)
		if len(got["M03"]) != 0 || len(got["M04"]) != 1 {
			t.Errorf("after closing: M03 %v, M04 %v", got["M03"], got["M04"])
		}
		set := audit.DefaultSettings
		set.ConfigAuditMonths = 1
		rep, _ = audit.Run(ctx, src, set, "")
		if got = found(rep); len(got["M03"]) != 0 {
			t.Errorf("an audit closed today, a 1-month interval: %v", got["M03"])
		}
	})
}

// TestRecoveryCheckPasses: once the SAN records a recovery time within the
// 2 h it inherits, C09 no longer names it.
func TestRecoveryCheckPasses(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := sourcesOn(t, db, true)
		san, err := src.CMDB.CI(ctx, "CI-000015")
		if err != nil || san.Name != "bj-san-01" {
			t.Fatalf("CI-000015: %+v %v", san, err)
		}
		san.Attributes["recovery_time_minutes"] = "90"
		if _, err := src.CMDB.UpdateCI(ctx, san); err != nil {
			t.Fatal(err)
		}
		rep, _ := audit.Run(ctx, src, audit.DefaultSettings, "")
		if got := found(rep)["C09"]; has(got, "bj-san-01") {
			t.Errorf("C09 still names the SAN: %v", got)
		}
	})
}

// TestQuietChecksTrip: the checks the sample bank passes trip on a
// database built to trip them — plans past their review date when the
// clock has moved on (C02), a plan whose off-site copy is withdrawn (D03),
// services over budget when the threshold is below their overrun (B02).
func TestQuietChecksTrip(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := sourcesOn(t, db, true)
		p, err := src.Continuity.Plan(ctx, "SM-02002")
		if err != nil {
			t.Fatal(err)
		}
		copies, err := src.Continuity.Distribution(ctx, p.ID)
		if err != nil || len(copies) == 0 {
			t.Fatalf("SM-02002's copies: %v %v", copies, err)
		}
		for _, c := range copies {
			if err := src.Continuity.RemoveCopy(ctx, "SM-02002", c.CopyNo); err != nil {
				t.Fatal(err)
			}
		}
		src.DB.Now = func() time.Time { return time.Date(2028, 1, 10, 9, 0, 0, 0, time.UTC) }
		set := audit.DefaultSettings
		set.OverBudgetPct = 0.5
		rep, err := audit.Run(ctx, src, set, "")
		if err != nil {
			t.Fatal(err)
		}
		got := found(rep)
		for _, want := range []struct{ check, part string }{
			{"C02", "SM-02002 was due for review on 2027-11-23"},
			{"D03", "SM-02002 has no copy held off-site"},
			{"B02", "CI-000081 网上银行 Internet banking is 0.9 % over its plan to date in fiscal year 2026"},
		} {
			if !has(got[want.check], want.part) {
				t.Errorf("%s does not find %q: %v", want.check, want.part, got[want.check])
			}
		}
		if has(got["B02"], "CI-000082") {
			t.Errorf("B02 names Mobile banking, 0.4 %% over, under a 0.5 %% threshold: %v", got["B02"])
		}
	})
}
