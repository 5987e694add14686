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
