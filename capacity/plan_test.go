package capacity_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/doccontrol"
	"servicebook/store"
)

// demoBank opens a database with the sample bank's CMDB, budget and
// capacity records.
func demoBank(t *testing.T) (*capacity.Store, *store.DB, *cmdb.Store) {
	t.Helper()
	return demoBankOn(t, store.MustOpen(t))
}

// demoBankOn is demoBank on db: a file or a server's database
// (store.EachBackend).
func demoBankOn(t *testing.T, db *store.DB) (*capacity.Store, *store.DB, *cmdb.Store) {
	t.Helper()
	ctx := context.Background()
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	bs := budget.NewStore(db, cm)
	caps := capacity.NewStore(db, cm)
	if err := demo.Organisation(ctx, cm); err != nil {
		t.Fatal(err)
	}
	if err := demo.Budget(ctx, cm, bs); err != nil {
		t.Fatal(err)
	}
	if err := demo.Capacity(ctx, cm, caps, bs); err != nil {
		t.Fatal(err)
	}
	return caps, db, cm
}

func serviceRef(t *testing.T, cm *cmdb.Store, name string) string {
	t.Helper()
	found, err := cm.Search(context.Background(), name, 1)
	if err != nil || len(found) == 0 {
		t.Fatalf("%s: %v", name, err)
	}
	return found[0].Ref
}

// TestCapacityPlanDocumentControl: a capacity plan is created as draft 0.1
// for a service, covers the resources of the CIs the service depends on,
// cannot be approved by its owner, nor with a breach forecast and no
// upgrade unless a reason is given; approval makes 1.0 and keeps the
// approved content; a change makes 1.1 and leaves 1.0's content as it was;
// a stale approval is refused; a review sets the next review date; a copy
// issued goes on the distribution list; every write is in the change log.
func TestCapacityPlanDocumentControl(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		caps, _, cm := demoBankOn(t, db)
		ctx := context.Background()
		banking := serviceRef(t, cm, "网上银行 Internet banking")
		if _, err := caps.CreatePlan(ctx, capacity.Plan{DocNumber: "SM-03009", Title: "x", Services: []capacity.PlanService{{Ref: serviceRef(t, cm, "bj-san-01")}}}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a plan for a storage array, not a service: %v", err)
		}
		if _, err := caps.CreatePlan(ctx, capacity.Plan{DocNumber: "SM-03009", Title: "x"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a plan without services: %v", err)
		}
		before, _ := db.ChangeLogPosition(ctx)
		p, err := caps.CreatePlan(ctx, capacity.Plan{DocNumber: "SM-03002", Title: "网上银行容量计划", Owner: "王伟",
			Services: []capacity.PlanService{{Ref: banking}}, Requirements: "峰值 50,000 并发用户，响应 2 秒内"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != "0.1" || !p.IsDraft() || p.HorizonDays != 180 || p.NextReview == "" || len(p.Services) != 1 {
			t.Fatalf("new plan: %+v", p)
		}
		if _, err := caps.CreatePlan(ctx, capacity.Plan{DocNumber: "SM-03002", Title: "again", Services: p.Services}); store.ErrorCode(err) != store.EConflict {
			t.Errorf("a second plan with the same number: %v", err)
		}
		resources, err := caps.PlanResources(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, r := range resources {
			names[r.Name] = true
		}
		if !names["网上银行 concurrent users"] || !names["bj-san-01 used TB"] || !names["core DB CPU %"] {
			t.Errorf("the plan's resources: %v", names)
		}
		forecasts, err := caps.PlanForecasts(ctx, p, resources)
		if err != nil {
			t.Fatal(err)
		}
		findings := capacity.CheckPlan(p, resources, forecasts)
		var breach bool
		for _, f := range findings {
			breach = breach || (f.Severity == "error" && strings.Contains(f.Msg.String(), "bj-san-01 used TB is forecast to reach"))
		}
		if !breach {
			t.Errorf("the SAN's breach is not a finding: %+v", findings)
		}
		if _, err := caps.Approve(ctx, "SM-03002", capacity.PlanApproval{Approver: "王伟", RowVersion: p.RowVersion, Reason: "x"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("the owner approved his own plan: %v", err)
		}
		if _, err := caps.Approve(ctx, "SM-03002", capacity.PlanApproval{Approver: "李娜", RowVersion: p.RowVersion}); store.ErrorCode(err) != store.EInvalid ||
			!strings.Contains(err.Error(), "Give a reason") {
			t.Errorf("approved with a breach and no reason: %v", err)
		}
		approved, err := caps.Approve(ctx, "SM-03002", capacity.PlanApproval{Approver: "李娜", RowVersion: p.RowVersion, Reason: "SAN 扩容在 2027 年预算中申请"})
		if err != nil {
			t.Fatal(err)
		}
		if approved.Version != "1.0" || approved.ApprovedBy != "李娜" || approved.Status() != doccontrol.Approved {
			t.Fatalf("approved: %+v", approved)
		}
		if _, err := caps.Approve(ctx, "SM-03002", capacity.PlanApproval{Approver: "李娜", RowVersion: approved.RowVersion, Reason: "x"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("an unchanged approved plan approved again: %v", err)
		}
		changed := approved
		changed.Demand = "2027 年预计增长 30%"
		saved, err := caps.SavePlan(ctx, changed, "")
		if err != nil {
			t.Fatal(err)
		}
		if saved.Version != "1.1" || saved.Demand != changed.Demand {
			t.Fatalf("saved: %+v", saved)
		}
		if _, err := caps.SavePlan(ctx, changed, ""); store.ErrorCode(err) != store.EConflict {
			t.Errorf("a save from a stale read: %v", err)
		}
		kept, err := caps.ApprovedContent(ctx, "SM-03002", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		if kept.Plan.Demand != "" || kept.Plan.Requirements != p.Requirements || len(kept.Resources) != len(resources) {
			t.Errorf("approved content 1.0: %+v", kept.Plan)
		}
		if _, err := caps.Approve(ctx, "SM-03002", capacity.PlanApproval{Approver: "李娜", RowVersion: approved.RowVersion, Reason: "x"}); store.ErrorCode(err) != store.EConflict {
			t.Errorf("approval of what the approver read before the change: %v", err)
		}
		revs, err := caps.Revisions(ctx, p.ID)
		if err != nil || len(revs) != 3 || revs[0].Change != capacity.FirstDraft || revs[1].Version != "1.0" || revs[1].Approver != "李娜" ||
			!strings.Contains(revs[1].Change, "SAN 扩容") || revs[2].Version != "1.1" || revs[2].Change != "changed: demand" {
			t.Errorf("document control: %+v %v", revs, err)
		}
		reviewed, err := caps.Review(ctx, "SM-03002", capacity.PlanReview{By: "张敏", Outcome: capacity.ReviewAdequate, Notes: "季度评审"})
		if err != nil {
			t.Fatal(err)
		}
		if want := db.Now().AddDate(0, 12, 0).Format("2006-01-02"); reviewed.NextReview != want || reviewed.Version != "1.1" {
			t.Errorf("after the review: next %s (want %s), version %s", reviewed.NextReview, want, reviewed.Version)
		}
		if _, err := caps.Review(ctx, "SM-03002", capacity.PlanReview{By: "张敏", Outcome: "fine"}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("a review with no known outcome: %v", err)
		}
		issued, err := caps.IssueCopies(ctx, nil, "异地保险柜 Off-site safe", "2026-11-24")
		if err != nil || len(issued) == 0 {
			t.Fatalf("issue: %+v %v", issued, err)
		}
		copies, err := caps.Distribution(ctx, p.ID)
		if err != nil || len(copies) != 1 || copies[0].Version != "1.1" {
			t.Errorf("distribution: %+v %v", copies, err)
		}
		changes, err := db.Changes(ctx, "capacity_plan", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, c := range changes {
			fields = append(fields, c.Field)
		}
		if got := strings.Join(fields, " "); !strings.Contains(got, "created") || !strings.Contains(got, "demand") ||
			!strings.Contains(got, "version") || !strings.Contains(got, "next_review") {
			t.Errorf("change log of the plan: %s", got)
		}
		if after, _ := db.ChangeLogPosition(ctx); after <= before {
			t.Error("nothing logged")
		}
	})
}

// TestWhatIfNewLoadAndLostNode: a new service's load raises one
// resource's forecast from its date on, leaving the others; losing a RAC
// node moves its latest load to the other node of its group (which then
// reaches its warning at once) and leaves resources of other metrics or
// groups alone; a CI in no redundancy group is refused, named.
func TestWhatIfNewLoadAndLostNode(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		caps, _, _ := demoBankOn(t, db)
		ctx := context.Background()
		const day = 24 * time.Hour
		plain, err := caps.ForecastResource(ctx, "网上银行 concurrent users", 90*day, capacity.WhatIf{})
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		more, err := caps.ForecastResource(ctx, "网上银行 concurrent users", 90*day,
			capacity.WhatIf{AddTo: "网上银行 concurrent users", AddLoad: 12000, AddFrom: from})
		if err != nil {
			t.Fatal(err)
		}
		for i := range plain.Mean {
			want := plain.Mean[i]
			if !plain.At(i).Before(from) {
				want += 12000
			}
			if math.Abs(more.Mean[i]-want) > 1e-6 || math.Abs((more.Upper[i]-more.Lower[i])-(plain.Upper[i]-plain.Lower[i])) > 1e-6 {
				t.Fatalf("step %d (%s): %v, want %v", i, plain.At(i).Format("2006-01-02"), more.Mean[i], want)
			}
		}
		if more.Added != 12000 || !more.AddedFrom.Equal(from) {
			t.Errorf("what the what-if says: %+v %v", more.Added, more.AddedFrom)
		}

		spans, _ := caps.SampleSpans(ctx)
		db02, _ := caps.Resource(ctx, "bj-db-02 CPU %")
		all, errs, err := caps.Forecasts(ctx, 90*day, capacity.WhatIf{Lose: "bj-db-02"})
		if err != nil {
			t.Fatal(err)
		}
		base, _, _ := caps.Forecasts(ctx, 90*day, capacity.WhatIf{})
		for i, f := range all {
			if errs[i] != nil {
				t.Fatalf("%s: %v", f.Name, errs[i])
			}
			switch f.Name {
			case "bj-db-01 CPU %":
				if math.Abs(f.TakesOver-spans[db02.ID].Latest) > 1e-9 || f.LostCI == "" || math.Abs(f.Mean[0]-base[i].Mean[0]-f.TakesOver) > 1e-9 {
					t.Errorf("bj-db-01 takes over %v of %v", f.TakesOver, spans[db02.ID].Latest)
				}
				if f.ToWarning.Never || f.ToWarning.In > 2*day {
					t.Errorf("bj-db-01 alone reaches its warning: %+v", f.ToWarning)
				}
			case "bj-db-02 CPU %":
				if !f.Lost || f.Mean[len(f.Mean)-1] != 0 {
					t.Errorf("the lost node still carries load: %+v", f.Mean[len(f.Mean)-1])
				}
			default:
				if f.TakesOver != 0 || f.Lost || f.Mean[0] != base[i].Mean[0] {
					t.Errorf("%s changed by losing bj-db-02", f.Name)
				}
			}
		}
		if _, err := caps.ForecastResource(ctx, "bj-san-01 used TB", 90*day, capacity.WhatIf{Lose: "bj-san-01"}); store.ErrorCode(err) != store.EInvalid ||
			!strings.Contains(err.Error(), "is in no redundancy group") {
			t.Errorf("losing a CI in no group: %v", err)
		}
	})
}
