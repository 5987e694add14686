package continuity_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// approvedPlan is a small approved plan (1.0): one step, one role, the
// service's CIs linked.
func approvedPlan(t *testing.T) (*continuity.Store, *cmdb.Store, continuity.Plan, continuity.PlanStep) {
	t.Helper()
	s, cm := demoStores(t)
	ctx := context.Background()
	p, err := s.CreatePlan(ctx, continuity.Plan{DocNumber: "SM-03001", Title: "薪资发放连续性计划", ServiceRef: refOf(t, cm, "薪资发放"),
		Version: "1.0", ApprovedBy: "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "0.1" || !p.IsDraft() {
		t.Fatalf("a new plan is a draft 0.1 whatever the caller says: %s", p.Version)
	}
	st, err := s.AddStep(ctx, p.DocNumber, continuity.PlanStep{Phase: continuity.Recovery, Who: "Payroll lead", Action: "Run payroll at the recovery site", Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, p.DocNumber, "Payroll lead", 1, continuity.Contact{Name: "赵敏"}, continuity.Contact{Name: "钱进"}); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Plan(ctx, p.DocNumber)
	p, err = s.Approve(ctx, p.DocNumber, continuity.Approval{Approver: "李明 CIO", RowVersion: cur.RowVersion, Reason: "accepted"})
	if err != nil || p.Version != "1.0" {
		t.Fatalf("approve: %v %s", err, p.Version)
	}
	return s, cm, p, st
}

func logOf(t *testing.T, db *store.DB, entity string, id int64) string {
	t.Helper()
	changes, err := db.Changes(context.Background(), entity, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range changes {
		out = append(out, fmt.Sprintf("%s %s: %s → %s", c.Source, c.Field, c.Old, c.New))
	}
	return strings.Join(out, "\n")
}

// TestApprovedContentChangesOnlyThroughANewVersion: every kind of content
// change to an approved plan opens the next minor version with a line in
// the document control and an entry in the change log, and the approved
// content is kept as it was.
func TestApprovedContentChangesOnlyThroughANewVersion(t *testing.T) {
	ctx := context.Background()
	changes := []struct {
		name string
		do   func(s *continuity.Store, cm *cmdb.Store, p continuity.Plan, st continuity.PlanStep) error
		log  string // entity whose log must show the change
	}{
		{"add a step", func(s *continuity.Store, _ *cmdb.Store, p continuity.Plan, _ continuity.PlanStep) error {
			_, err := s.AddStep(ctx, p.DocNumber, continuity.PlanStep{Phase: continuity.Reconstitution, Action: "Return to Beijing"})
			return err
		}, "plan_step"},
		{"change a step", func(s *continuity.Store, _ *cmdb.Store, p continuity.Plan, st continuity.PlanStep) error {
			st.Action = "Run payroll at the Shanghai site"
			return s.UpdateStep(ctx, p.DocNumber, st)
		}, "plan_step"},
		{"remove a step", func(s *continuity.Store, _ *cmdb.Store, p continuity.Plan, st continuity.PlanStep) error {
			return s.RemoveStep(ctx, p.DocNumber, st.ID)
		}, "plan_step"},
		{"change the call tree", func(s *continuity.Store, _ *cmdb.Store, p continuity.Plan, _ continuity.PlanStep) error {
			return s.SetRole(ctx, p.DocNumber, "Payroll lead", 1, continuity.Contact{Name: "孙丽"}, continuity.Contact{Name: "钱进"})
		}, "plan_role"},
		{"remove a role", func(s *continuity.Store, _ *cmdb.Store, p continuity.Plan, _ continuity.PlanStep) error {
			return s.RemoveRole(ctx, p.DocNumber, "Payroll lead")
		}, "plan_role"},
		{"link a CI", func(s *continuity.Store, cm *cmdb.Store, p continuity.Plan, _ continuity.PlanStep) error {
			return s.LinkCI(ctx, p.DocNumber, refOf(t, cm, "手机银行"))
		}, "plan"},
		{"change a field", func(s *continuity.Store, _ *cmdb.Store, p continuity.Plan, _ continuity.PlanStep) error {
			p.Classification = "机密"
			_, err := s.SavePlan(ctx, p, "")
			return err
		}, "plan"},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			s, cm, p, st := approvedPlan(t)
			before, _ := s.ApprovedContent(ctx, p.DocNumber, "1.0")
			if err := c.do(s, cm, p, st); err != nil {
				t.Fatal(err)
			}
			now, _ := s.Plan(ctx, p.DocNumber)
			if now.Version != "1.1" || now.Status() != continuity.Revised {
				t.Errorf("after %s the plan is %s; an approved plan changes only into a new version", c.name, now.Version)
			}
			revs, _ := s.Revisions(ctx, p.ID)
			if last := revs[len(revs)-1]; last.Version != "1.1" || last.Change == "" {
				t.Errorf("document control: %+v", revs)
			}
			kept, err := s.ApprovedContent(ctx, p.DocNumber, "1.0")
			if err != nil || !reflect.DeepEqual(kept, before) || len(kept.Steps) != 1 || kept.Steps[0].Action != "Run payroll at the recovery site" ||
				kept.Plan.Classification != "内部使用" || len(kept.Roles) != 1 || kept.Roles[0].Primary.Name != "赵敏" {
				t.Errorf("the approved content changed: %+v %v", kept, err)
			}
			if !strings.Contains(logOf(t, cm.DB(), "plan", p.ID), "version: 1.0 → 1.1") {
				t.Errorf("plan log lacks the new version:\n%s", logOf(t, cm.DB(), "plan", p.ID))
			}
			recent, _ := cm.DB().RecentChanges(ctx, 5)
			found := false
			for _, r := range recent {
				found = found || r.Entity == c.log
			}
			if !found {
				t.Errorf("no %s entry in the change log: %+v", c.log, recent)
			}
		})
	}
	// A copy issued is document control, not content: logged, not a new version.
	s, cm, p, _ := approvedPlan(t)
	if err := s.AddCopy(ctx, p.DocNumber, continuity.Copy{Holder: "异地保险柜 Off-site safe", Issued: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateCopy(ctx, p.DocNumber, continuity.Copy{CopyNo: 1, Holder: "异地保险柜 Off-site safe", Location: "上海", Issued: "2026-11-20"}); err != nil {
		t.Fatal(err)
	}
	if now, _ := s.Plan(ctx, p.DocNumber); now.Version != "1.0" {
		t.Errorf("issuing a copy changed the version to %s", now.Version)
	}
	if err := s.RemoveCopy(ctx, p.DocNumber, 1); err != nil {
		t.Fatal(err)
	}
	recent, _ := cm.DB().RecentChanges(ctx, 3)
	if len(recent) < 3 || recent[0].Entity != "distribution" || recent[0].Field != "deleted" || recent[2].Field != "created" {
		t.Errorf("distribution log: %+v", recent)
	}
}

// TestEveryChangeIsAReasonUntilReviewed: changes keep accumulating as
// reasons while a plan is flagged, a relation change still requires a
// re-test, and a review clears only the reasons it was shown.
func TestEveryChangeIsAReasonUntilReviewed(t *testing.T) {
	s, cm, p, _ := approvedPlan(t)
	ctx := context.Background()
	set := func(name, version string) {
		ci, err := cm.CI(ctx, refOf(t, cm, name))
		if err != nil {
			t.Fatal(err)
		}
		ci.Version = version
		if _, err := cm.UpdateCI(ctx, ci); err != nil {
			t.Fatal(err)
		}
	}
	service := refOf(t, cm, "薪资发放")
	deps, err := cm.Impact(ctx, []string{service}, false, 0)
	if err != nil || len(deps.Items) == 0 {
		t.Fatalf("payroll depends on nothing? %v", err)
	}
	first := deps.Items[0].CI.Name
	set(first, "v2")
	if _, err := s.Plans(ctx); err != nil {
		t.Fatal(err)
	}
	shown, _ := s.OpenReasons(ctx, p.ID)
	// More changes while it is flagged, one of them to the relations.
	set(first, "v3")
	if _, err := cm.Relate(ctx, service, cmdb.DependsOn, refOf(t, cm, "bj-san-01"), ""); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Plans(ctx)
	var flagged continuity.PlanSummary
	for _, l := range list {
		if l.ID == p.ID {
			flagged = l
		}
	}
	all, _ := s.OpenReasons(ctx, p.ID)
	if len(shown) != 1 || len(all) < 3 || !flagged.NeedsReview || !flagged.RetestRequired {
		t.Fatalf("reasons: %d shown, %d in all; flagged %v, re-test %v", len(shown), len(all), flagged.NeedsReview, flagged.RetestRequired)
	}
	// The reviewer saw only the first reason: the later ones stay.
	after, err := s.Review(ctx, p.DocNumber, continuity.ReviewRecord{Reviewer: "王建国", Outcome: continuity.ReviewAdequate,
		Comment: "v2 tested in staging", UpTo: shown[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	left, _ := s.OpenReasons(ctx, p.ID)
	if !after.NeedsReview || len(left) != len(all)-1 {
		t.Errorf("after a review of one reason: flagged %v, %d left of %d", after.NeedsReview, len(left), len(all))
	}
	after, err = s.Review(ctx, p.DocNumber, continuity.ReviewRecord{Reviewer: "王建国", Outcome: continuity.ReviewRetest,
		Comment: "new SAN dependency: test the failover", UpTo: left[len(left)-1].ID})
	if err != nil || after.NeedsReview || !after.RetestRequired {
		t.Errorf("after reviewing everything: %+v %v", after, err)
	}
	if log := logOf(t, cm.DB(), "plan", p.ID); !strings.Contains(log, "reviewed by 王建国: retest") || !strings.Contains(log, "new SAN dependency") {
		t.Errorf("the review's outcome and comment are not in the log:\n%s", log)
	}
}

func TestThingsThatHappenedAreNotInTheFuture(t *testing.T) {
	s, cm, p, _ := approvedPlan(t)
	ctx := context.Background()
	tomorrow := time.Now().AddDate(0, 0, 1)
	if _, err := s.AddExercise(ctx, p.DocNumber, continuity.Exercise{Kind: continuity.Tabletop, Held: tomorrow.Format(time.DateOnly), Outcome: continuity.Passed}); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "future") {
		t.Errorf("an exercise held tomorrow: %v", err)
	}
	if _, err := s.AddExercise(ctx, p.DocNumber, continuity.Exercise{Kind: continuity.Tabletop, Planned: tomorrow.Format(time.DateOnly), Outcome: continuity.Passed}); store.ErrorCode(err) != store.EInvalid {
		t.Errorf("a result for an exercise not yet held: %v", err)
	}
	if _, err := s.AddExercise(ctx, p.DocNumber, continuity.Exercise{Kind: continuity.Tabletop, Planned: tomorrow.Format(time.DateOnly)}); err != nil {
		t.Errorf("planning an exercise for tomorrow: %v", err)
	}
	if _, err := s.AddOutage(ctx, continuity.OutageRecord{ServiceRef: refOf(t, cm, "薪资发放"), Outage: continuity.Outage{Start: tomorrow}}); store.ErrorCode(err) != store.EInvalid {
		t.Errorf("an outage tomorrow: %v", err)
	}
}

func TestOutageRegisterEditsAndOverlaps(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, cm := demoStoresOn(t, db)
		ctx := context.Background()
		svc := refOf(t, cm, "薪资发放")
		o, err := s.AddOutage(ctx, continuity.OutageRecord{ServiceRef: svc, Outage: continuity.Outage{Start: at(shanghai, 2026, 9, 1, 10, 0), End: at(shanghai, 2026, 9, 1, 12, 0)}, Description: "typo"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddOutage(ctx, continuity.OutageRecord{ServiceRef: svc, Outage: continuity.Outage{Start: at(shanghai, 2026, 9, 1, 11, 0), End: at(shanghai, 2026, 9, 1, 13, 0)}}); store.ErrorCode(err) != store.EConflict ||
			!strings.Contains(err.Error(), fmt.Sprintf("outage %d", o.ID)) {
			t.Errorf("an overlapping outage: %v", err)
		}
		o.Description = "payroll batch failed"
		o.End = at(shanghai, 2026, 9, 1, 12, 30)
		if err := s.UpdateOutage(ctx, o); err != nil {
			t.Fatal(err)
		}
		if err := s.Investigate(ctx, o.ID, "closed", "batch scheduler bug", "patched"); err != nil {
			t.Fatal(err)
		}
		log := logOf(t, cm.DB(), "outage", o.ID)
		for _, want := range []string{"created:  → ", "changed: ", "payroll batch failed", "investigation: open → closed", "cause:  → batch scheduler bug"} {
			if !strings.Contains(log, want) {
				t.Errorf("outage log lacks %q:\n%s", want, log)
			}
		}
		// An import of the monitoring export never reopens a closed investigation.
		path := filepath.Join(t.TempDir(), "monitoring.csv")
		os.WriteFile(path, []byte("Service,Start,End,Investigation,Description,Ticket\n"+svc+",2026-09-01 10:00,2026-09-01 12:30,open,payroll batch failed,INC-42\n"), 0o600)
		res, err := s.ImportOutages(ctx, path, "Asia/Shanghai", false, nil)
		if err != nil || res.Created != 0 || len(res.IgnoredColumns) != 1 || res.IgnoredColumns[0] != "Ticket (1 cells)" {
			t.Fatalf("%+v %v", res, err)
		}
		recs, _ := s.Outages(ctx, svc, continuity.Interval{Start: at(shanghai, 2026, 9, 1, 0, 0), End: at(shanghai, 2026, 9, 2, 0, 0)})
		if len(recs) != 1 || recs[0].Investigation != "closed" {
			t.Errorf("after re-import: %+v", recs)
		}
		if err := s.RemoveOutage(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		if log := logOf(t, cm.DB(), "outage", o.ID); !strings.Contains(log, "deleted: ") {
			t.Errorf("removal not logged:\n%s", log)
		}
	})
}
