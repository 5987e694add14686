package continuity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"servicebook/continuity"
)

// TestSinceApprovalListsEveryChange: after approval, a field, a step, the
// call tree and the linked CIs change; the comparison with 1.0 lists each
// change, old → new, and nothing else.
func TestSinceApprovalListsEveryChange(t *testing.T) {
	ctx := context.Background()
	s, cm, p, st := approvedPlan(t)
	if v, changes, err := s.SinceApproval(ctx, p.DocNumber); err != nil || v != "" || len(changes) != 0 {
		t.Fatalf("an approved plan, unchanged: %q %v %v", v, changes, err)
	}
	p.RTO = 4 * time.Hour
	if _, err := s.SavePlan(ctx, p, "RTO agreed with payroll"); err != nil {
		t.Fatal(err)
	}
	st.Action = "Run payroll at the Shanghai site"
	if err := s.UpdateStep(ctx, p.DocNumber, st); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStep(ctx, p.DocNumber, continuity.PlanStep{Phase: continuity.Reconstitution, Action: "Return to Beijing", Duration: 30 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRole(ctx, p.DocNumber, "Payroll lead", 1, continuity.Contact{Name: "孙丽", Mobile: "138 0000 0009"}, continuity.Contact{Name: "钱进"}); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkCI(ctx, p.DocNumber, refOf(t, cm, "手机银行")); err != nil {
		t.Fatal(err)
	}
	v, changes, err := s.SinceApproval(ctx, p.DocNumber)
	if err != nil || v != "1.0" {
		t.Fatalf("since approval: %q, %v", v, err)
	}
	got := map[string]string{}
	for _, c := range changes {
		got[c.Part+" "+c.Item+" "+c.Kind] = c.Old + " → " + c.New
	}
	want := map[string]string{
		"plan RTO changed":          " → 4h",
		"step step 1 changed":       "recovery · Payroll lead · Run payroll at the recovery site ·  · 1h → recovery · Payroll lead · Run payroll at the Shanghai site ·  · 1h",
		"step step 2 added":         " → reconstitution ·  · Return to Beijing ·  · 30m",
		"role Payroll lead changed": "1 · 赵敏 / 钱进 → 1 · 孙丽 138 0000 0009 / 钱进",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
	linked := 0
	for _, c := range changes {
		if c.Part == "ci" && c.Kind == "added" {
			linked++
		}
	}
	if linked != 1 || len(changes) != len(want)+1 {
		t.Errorf("%d changes (%d CIs linked), want %d:\n%s", len(changes), linked, len(want)+1, fmt.Sprint(changes))
	}
}

// TestIssueCopyKeepsTheRegisterTrue: issuing a copy to a holder on the list
// updates that holder's line with the date and the version now current;
// a holder not on the list gets the next copy number; issuing the same
// copy again changes nothing and logs nothing.
func TestIssueCopyKeepsTheRegisterTrue(t *testing.T) {
	ctx := context.Background()
	s, cm, p, _ := approvedPlan(t)
	if err := s.AddCopy(ctx, p.DocNumber, continuity.Copy{Holder: "王建国", Location: "上海异地保险柜", Issued: "2026-01-05"}); err != nil {
		t.Fatal(err)
	}
	got, err := issueOne(ctx, s, p.DocNumber, " 王建国 ", "2026-11-24")
	if err != nil {
		t.Fatal(err)
	}
	if got.CopyNo != 1 || got.Location != "上海异地保险柜" || got.Issued != "2026-11-24" || got.Version != p.Version {
		t.Errorf("re-issued copy = %+v, want copy 1 at 上海异地保险柜, 2026-11-24, version %s", got, p.Version)
	}
	other, err := issueOne(ctx, s, p.DocNumber, "Off-site safe", "2026-11-24")
	if err != nil || other.CopyNo != 2 {
		t.Fatalf("new holder: %+v %v", other, err)
	}
	before, _ := cm.DB().RecentChanges(ctx, 1)
	if _, err := issueOne(ctx, s, p.DocNumber, "off-site safe", "2026-11-24"); err != nil {
		t.Fatal(err)
	}
	if after, _ := cm.DB().RecentChanges(ctx, 1); after[0].ID != before[0].ID {
		t.Errorf("the same issue again logged %+v", after[0])
	}
	list, _ := s.Distribution(ctx, p.ID)
	if len(list) != 2 || list[1].Holder != "Off-site safe" || list[1].Version != p.Version {
		t.Errorf("distribution = %+v", list)
	}
	if _, err := issueOne(ctx, s, p.DocNumber, "王建国", "24/11/2026"); err == nil {
		t.Error("a date that is not a date was accepted")
	}
	// Every plan when none is named.
	all, err := s.IssueCopies(ctx, nil, "Off-site safe", "2026-11-24")
	if err != nil || len(all) != 1 || all[0].CopyNo != 2 {
		t.Errorf("issue of every plan: %+v %v", all, err)
	}
	// One plan that does not exist: no plan's register changes.
	if _, err := s.IssueCopies(ctx, []string{p.DocNumber, "SM-NONE"}, "New holder", "2026-11-25"); err == nil {
		t.Error("a plan that does not exist was accepted")
	}
	if again, _ := s.Distribution(ctx, p.ID); len(again) != 2 {
		t.Errorf("a refused issue changed the register: %+v", again)
	}
}

func issueOne(ctx context.Context, s *continuity.Store, doc, holder, date string) (continuity.Copy, error) {
	copies, err := s.IssueCopies(ctx, []string{doc}, holder, date)
	if err != nil {
		return continuity.Copy{}, err
	}
	return copies[0].Copy, nil
}

// TestReasonReadsBack: a reason for review reads back field and values,
// a field with a space (relation group) included; other text does not.
func TestReasonReadsBack(t *testing.T) {
	for _, r := range []continuity.ReasonChange{
		{Ref: "CI-000024", Field: "status", Old: "in_service", New: "maintenance", Date: "2026-11-20"},
		{Ref: "CI-000031", Field: "relation group db", Old: "—", New: "db-cluster", Date: "2026-11-21"},
	} {
		if got, ok := continuity.ParseReason(r.String()); !ok || got != r {
			t.Errorf("%q read back as %+v, %v", r.String(), got, ok)
		}
	}
	if _, ok := continuity.ParseReason("relations changed since the last review"); ok {
		t.Error("a reason of another kind was read as a change")
	}
}
