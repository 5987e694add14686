package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
)

// newContinuityUI is newTestUI with the sample continuity records too.
func newContinuityUI(t *testing.T) *UI {
	return withContinuity(t, newTestUI(t))
}

func withContinuity(t *testing.T, ui *UI) *UI {
	t.Helper()
	if err := demo.Continuity(context.Background(), ui.store.CMDB, ui.store.Continuity); err != nil {
		t.Fatal(err)
	}
	return ui
}

// TestPlanEditorStory: write a plan, see it flagged after a change to a
// server it depends on, record a review, approve 1.0 — in the window.
func TestPlanEditorStory(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.plans)
	s := ui.plans
	if len(s.plans) != 3 {
		t.Fatalf("%d sample plans", len(s.plans))
	}
	mobile, _ := ui.store.CMDB.Search(ui.ctx, "Mobile banking", 5)
	var svc string
	for _, c := range mobile {
		if c.TypeKey == "business_service" {
			svc = c.Ref
		}
	}
	s.createPlan("SM-02010", "手机银行连续性计划", svc)
	if s.selected != "SM-02010" || !s.draft.IsDraft() {
		t.Fatalf("after creating: %q %+v", s.selected, s.draft)
	}
	s.inputs["scope"].SetText("手机银行 App 及后台")
	s.inputs["rto"].SetText("4h")
	test.Tap(s.save)
	p, _ := ui.store.Continuity.Plan(ui.ctx, "SM-02010")
	if p.Scope != "手机银行 App 及后台" || p.RTO.Hours() != 4 {
		t.Errorf("saved plan: scope %q, RTO %v", p.Scope, p.RTO)
	}
	s.inputs["rto"].SetText("four hours")
	test.Tap(s.save)
	if s.problems["rto"] == "" {
		t.Error("a bad duration was not shown beside its field")
	}

	// A server the mobile service depends on changes.
	vm, _ := ui.store.CMDB.CI(ui.ctx, "CI-000024")
	vm.Status = cmdb.StatusMaintenance
	if _, err := ui.store.CMDB.UpdateCI(ui.ctx, vm); err != nil {
		t.Fatal(err)
	}
	s.open("SM-02010")
	if !s.draft.NeedsReview || s.review == nil {
		t.Fatalf("the plan is not flagged after the change: %+v", s.draft)
	}
	// The review shows the change it covers and records an outcome and a
	// comment, not only a name.
	test.Tap(s.review)
	if text := dialogText(t, ui); !strings.Contains(text, "CI-000024 Status: In service → Under maintenance") {
		t.Errorf("the review dialog does not show the change it covers:\n%s", text)
	}
	test.Type(s.reviewWho, "王建国")
	s.reviewOutcome.SetSelected(reviewOutcomeText(continuity.ReviewAdequate))
	test.Type(s.reviewComment, "维护窗口已确认，不影响计划")
	tapDialog(t, ui, "Record review")
	if s.draft.NeedsReview {
		t.Error("the review did not clear the flag")
	}

	// Approval asks first, listing what is open, and wants a reason when
	// checks fail.
	s.tab = 4
	ui.show(ui.current)
	s.approver.SetText("李明")
	test.Tap(s.approve)
	text := dialogText(t, ui)
	if !strings.Contains(text, "Approve SM-02010 version") || !strings.Contains(text, "The plan has never been exercised") ||
		!strings.Contains(text, "the plan has no recovery steps") {
		t.Errorf("the approval dialog does not list what is open:\n%s", text)
	}
	tapDialog(t, ui, "Approve")
	if s.draft.Version != "1.0" || s.draft.IsDraft() {
		t.Errorf("after approval: version %s", s.draft.Version)
	}
	// In Chinese the status reads 已批准.
	ui.SetLanguage(Chinese)
	if got := statusText(s.draft); got != "已批准" {
		t.Errorf("status in Chinese = %q", got)
	}
}

func TestAvailabilityScreen(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.avail)
	a := ui.avail
	a.period = "2026-10"
	ui.show(ui.current)
	if len(a.results) != 6 || len(a.outages) == 0 {
		t.Fatalf("%d results, %d outages", len(a.results), len(a.outages))
	}
	markup := test.RenderObjectToMarkup(a.chart)
	if !strings.Contains(markup, "2026-10") || !strings.Contains(markup, "target 99.9 %") {
		t.Errorf("chart lacks the month or the target line")
	}
	missed := 0
	for _, r := range a.results {
		if !r.Met {
			missed++
		}
	}
	if missed == 0 {
		t.Error("no service missed its target in the sample October")
	}
	// October has ended; this month has not, and the screen says so.
	if a.toDate != nil {
		t.Error("October is shown as to date")
	}
	a.period = time.Now().Format("2006-01")
	ui.show(ui.current)
	if a.toDate == nil || !strings.Contains(a.toDate.Text, "has not ended") {
		t.Error("this month's availability does not say it is to date")
	}
	a.periodEntry.SetText("October")
	a.periodEntry.OnSubmitted("October")
	if text := dialogText(t, ui); !strings.Contains(text, `"October" is not a period`) {
		t.Errorf("a bad period gives no message: %q", text)
	}
}

func TestDashboardShowsWhatNeedsAttention(t *testing.T) {
	ui := newContinuityUI(t)
	ui.dashboard.reload()
	var text []string
	for _, r := range ui.dashboard.attention() {
		text = append(text, r[0]+" "+r[1])
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"SM-02002 needs review", "SM-02003 re-test required", "SM-02003 exercise not reviewed", "overdue since 2026-11-15"} {
		if !strings.Contains(all, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, all)
		}
	}
}

func TestOutageRegisterInTheWindow(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.avail)
	a := ui.avail
	a.period = "2026-10"
	ui.show(ui.current)
	before := len(a.outages)
	f := a.newOutage
	f.service.SetSelected(f.service.Options[0])
	f.start.SetText("2026-10-25 10:00")
	f.end.SetText("2026-10-25 10:30")
	f.what.SetText("测试中断")
	test.Tap(a.addOutage)
	if len(a.outages) != before+1 {
		t.Fatalf("%d outages after recording one, want %d", len(a.outages), before+1)
	}
	// Select it: the form shows it, to be corrected.
	recorded := a.outages[len(a.outages)-1]
	a.outageID = recorded.ID
	ui.show(ui.current)
	if a.newOutage.what.Text != "测试中断" || a.newOutage.start.Text != "2026-10-25 10:00" {
		t.Fatalf("the form does not show the selected outage: %q %q", a.newOutage.what.Text, a.newOutage.start.Text)
	}
	a.newOutage.what.SetText("测试中断（已更正）")
	a.newOutage.end.SetText("2026-10-25 10:45")
	test.Tap(a.saveOutage)
	if got, _ := ui.store.Continuity.Outage(ui.ctx, recorded.ID); got.Description != "测试中断（已更正）" || got.End.Sub(got.Start) != 45*time.Minute {
		t.Errorf("after correcting: %+v", got)
	}
	a.outageID = recorded.ID
	a.investigation.SetText("")
	test.Tap(a.investigate)
	if text := dialogText(t, ui); !strings.Contains(text, `Record the cause`) {
		t.Errorf("closing an investigation without a cause gives no message: %q", text)
	}
	// Import: a refused file lists its problems; a good one is imported.
	dir := t.TempDir()
	bad := dir + "/bad.csv"
	os.WriteFile(bad, []byte("服务,开始时间\n网上银行 Internet banking,someday\n"), 0o600)
	a.importFile(bad)
	if len(a.lastImport) < 2 || !strings.Contains(strings.Join(a.lastImport, "\n"), "someday") {
		t.Errorf("refused import lines: %q", a.lastImport)
	}
	// Remove the outage recorded above: asked first, then gone.
	a.outageID = recorded.ID
	ui.show(ui.current)
	test.Tap(a.removeOutage)
	if text := dialogText(t, ui); !strings.Contains(text, "Delete outage") {
		t.Errorf("removal asks: %q", text)
	}
	tapDialog(t, ui, "Delete")
	if _, err := ui.store.Continuity.Outage(ui.ctx, recorded.ID); err == nil {
		t.Error("the outage is still there")
	}
	before--
	good := dir + "/good.csv"
	os.WriteFile(good, []byte("服务,开始时间,结束时间\n网上银行 Internet banking,2026-10-28 01:00,2026-10-28 01:20\n"), 0o600)
	a.importFile(good)
	if a.lastImport != nil || len(a.outages) != before+2 {
		t.Errorf("after a good import: %q, %d outages", a.lastImport, len(a.outages))
	}
}

func TestLinkCIAndIssueCopyInTheWindow(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.plans)
	s := ui.plans
	s.open("SM-02004")
	s.tab = 3
	ui.show(ui.current)
	hr, _ := ui.store.CMDB.Search(ui.ctx, "人力资源系统", 1)
	s.linkRef.SetText(hr[0].Ref)
	test.Tap(s.linkBtn)
	linked, _ := ui.store.Continuity.LinkedCIs(ui.ctx, s.draft.ID)
	found := false
	for _, c := range linked {
		found = found || c.Ref == hr[0].Ref
	}
	if !found {
		t.Error("the CI was not linked")
	}
	s.tab = 4
	ui.show(ui.current)
	s.copyHolder.SetText("审计部 Audit")
	test.Tap(s.addCopy)
	copies, _ := ui.store.Continuity.Distribution(ui.ctx, s.draft.ID)
	if len(copies) != 3 || copies[2].Holder != "审计部 Audit" {
		t.Errorf("distribution = %+v", copies)
	}
}

func TestImportWizardForOutages(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.imports)
	w := ui.imports
	w.kindSel.SetSelected(w.kindSel.Options[1])
	path := t.TempDir() + "/中断.csv"
	os.WriteFile(path, []byte("2026年10月\n业务,开始时间,结束时间\n网上银行 Internet banking,2026-10-29 01:00,2026-10-29 01:30\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	if w.mapping["start"] != "开始时间" || w.mapping["service"] != "" {
		t.Fatalf("mapping = %v", w.mapping)
	}
	w.mapping["service"] = "业务" // the column the importer does not know by name
	test.Tap(w.checkBtn)
	if w.outages == nil || w.outages.Created != 1 || !w.outages.DryRun || w.err != nil {
		t.Fatalf("dry run: %+v %v", w.outages, w.err)
	}
	test.Tap(w.importBtn)
	if w.err != nil || w.outages.DryRun {
		t.Fatalf("import: %+v %v", w.outages, w.err)
	}
}

// TestPlanPartsInTheWindow: a typo in a step of an approved plan is
// corrected in the window; the plan becomes 1.1 and says so; a step, a
// role, a copy, an exercise and an action are changed or removed, each
// asked first and each in the change log.
func TestPlanPartsInTheWindow(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.plans)
	s := ui.plans
	s.open("SM-02003")
	if s.draft.Status() != continuity.Approved {
		t.Fatalf("SM-02003 is %s in the sample", s.draft.Version)
	}
	approved := s.draft.Version
	s.tab = 1
	ui.show(ui.current)
	steps, _ := ui.store.Continuity.Steps(ui.ctx, s.draft.ID)
	s.stepsTable.Select(widget.TableCellID{Row: 1, Col: 3})
	if s.stepInputs["action"].Text != steps[1].Action {
		t.Fatalf("selecting step 2 shows %q in the form, want %q", s.stepInputs["action"].Text, steps[1].Action)
	}
	s.stepInputs["action"].SetText(steps[1].Action + "（已更正）")
	test.Tap(s.saveStep)
	if s.draft.Version == approved || !strings.Contains(ui.status.Text, "the approved "+approved+" is kept") {
		t.Errorf("after correcting a step of %s: version %s, status %q", approved, s.draft.Version, ui.status.Text)
	}
	now, _ := ui.store.Continuity.Steps(ui.ctx, s.draft.ID)
	if now[1].Action != steps[1].Action+"（已更正）" {
		t.Errorf("step 2 reads %q", now[1].Action)
	}
	test.Tap(s.removeStep)
	if text := dialogText(t, ui); !strings.Contains(text, "Remove step 2") {
		t.Errorf("removal asks: %q", text)
	}
	tapDialog(t, ui, "Remove")
	if after, _ := ui.store.Continuity.Steps(ui.ctx, s.draft.ID); len(after) != len(steps)-1 {
		t.Errorf("%d steps after removing one of %d", len(after), len(steps))
	}
	kept, err := ui.store.Continuity.ApprovedContent(ui.ctx, "SM-02003", approved)
	if err != nil || len(kept.Steps) != len(steps) || kept.Steps[1].Action != steps[1].Action {
		t.Errorf("the approved %s is not kept as it was: %v", approved, err)
	}

	// Call tree: select a role and remove it.
	s.tab = 2
	ui.show(ui.current)
	roles, _ := ui.store.Continuity.Roles(ui.ctx, s.draft.ID)
	s.selRole = roles[0].Role
	ui.show(ui.current)
	if s.roleInputs["role"].Text != roles[0].Role {
		t.Fatalf("role form shows %q", s.roleInputs["role"].Text)
	}
	test.Tap(s.removeRole)
	tapDialog(t, ui, "Remove")
	if after, _ := ui.store.Continuity.Roles(ui.ctx, s.draft.ID); len(after) != len(roles)-1 {
		t.Errorf("%d roles after removing one of %d", len(after), len(roles))
	}

	// Distribution: correct a copy's holder, then withdraw it.
	s.tab = 4
	ui.show(ui.current)
	s.selCopy = 1
	ui.show(ui.current)
	s.copyHolder.SetText("IT 总监办公室（新址）")
	test.Tap(s.saveCopy)
	copies, _ := ui.store.Continuity.Distribution(ui.ctx, s.draft.ID)
	if copies[0].Holder != "IT 总监办公室（新址）" {
		t.Errorf("copy 1 held by %q", copies[0].Holder)
	}
	test.Tap(s.removeCopy)
	tapDialog(t, ui, "Remove")
	if after, _ := ui.store.Continuity.Distribution(ui.ctx, s.draft.ID); len(after) != len(copies)-1 {
		t.Errorf("%d copies after withdrawing one of %d", len(after), len(copies))
	}

	// Every one of these is in the change log, from the window.
	recent, _ := ui.store.DB.RecentChanges(ui.ctx, 20)
	seen := map[string]bool{}
	for _, c := range recent {
		if c.Source == "gui" {
			seen[c.Entity+" "+c.Field] = true
		}
	}
	for _, want := range []string{"plan_step action", "plan_step deleted", "plan version", "plan_role deleted", "distribution changed", "distribution deleted"} {
		if !seen[want] {
			t.Errorf("no %q entry from the window in the change log: %v", want, seen)
		}
	}
}

// TestExercisesAndActionsCorrectedInTheWindow: an exercise recorded with a
// typo is corrected, an action is changed and a duplicate removed.
func TestExercisesAndActionsCorrectedInTheWindow(t *testing.T) {
	ui := newContinuityUI(t)
	ui.showScreen(ui.plans)
	s := ui.plans
	s.open("SM-02004")
	s.tab = 5
	ui.show(ui.current)
	ex, err := ui.store.Continuity.AddExercise(ui.ctx, "SM-02004", continuity.Exercise{Kind: continuity.Tabletop, Held: "2026-11-02", Outcome: continuity.Passed, Findings: "none foud"})
	if err != nil {
		t.Fatal(err)
	}
	s.selExercise = ex.ID
	ui.show(ui.current)
	// The exercise form now holds the exercise; correct the findings.
	var findings *widget.Entry
	var save *widget.Button
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			if x.Text == "none foud" {
				findings = x
			}
		case *widget.Button:
			if x.Text == "Save exercise" {
				save = x
			}
		}
	})
	if findings == nil || save == nil {
		t.Fatal("the selected exercise is not in the form")
	}
	findings.SetText("none found")
	test.Tap(save)
	if got, _ := ui.store.Continuity.Exercise(ui.ctx, ex.ID); got.Findings != "none found" {
		t.Errorf("findings after correcting: %q", got.Findings)
	}
	a, err := ui.store.Continuity.AddAction(ui.ctx, "SM-02004", continuity.Action{Description: "Print the plan twice"})
	if err != nil {
		t.Fatal(err)
	}
	s.selAction = a.ID
	s.reload()
	ui.show(ui.current)
	var owner *widget.Entry
	var saveAction *widget.Button
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			if x.PlaceHolder == "Owner" {
				owner = x
			}
		case *widget.Button:
			if x.Text == "Save action" {
				saveAction = x
			}
		}
	})
	if owner == nil || saveAction == nil {
		t.Fatal("the selected action is not in the form")
	}
	owner.SetText("赵敏")
	test.Tap(saveAction)
	if got, _ := ui.store.Continuity.Action(ui.ctx, a.ID); got.Owner != "赵敏" {
		t.Errorf("owner after saving: %q", got.Owner)
	}
	// Its row's remove button asks, then deletes.
	var remove *widget.Button
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		row, ok := o.(*fyne.Container)
		if !ok || remove != nil {
			return
		}
		mine := false
		for _, c := range row.Objects {
			if l, ok := c.(*widget.Label); ok && strings.HasPrefix(l.Text, fmt.Sprintf("#%d ", a.ID)) && strings.Contains(l.Text, a.Description) {
				mine = true
			}
		}
		if !mine {
			return
		}
		walk(row, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Icon != nil && b.Icon.Name() == theme.DeleteIcon().Name() {
				remove = b
			}
		})
	})
	if remove == nil {
		t.Fatal("the action's row has no remove button")
	}
	test.Tap(remove)
	if text := dialogText(t, ui); !strings.Contains(text, "Print the plan twice") {
		t.Errorf("removal asks: %q", text)
	}
	tapDialog(t, ui, "Remove")
	if _, err := ui.store.Continuity.Action(ui.ctx, a.ID); err == nil {
		t.Error("the action is still there")
	}
}

// TestPrintPlanFromTheWindow: "Print…" in the plan editor writes the open
// plan's binder as a PDF, in the window's language, and says where.
func TestPrintPlanFromTheWindow(t *testing.T) {
	ui := newContinuityUI(t)
	ui.SetLanguage(Chinese)
	ui.showScreen(ui.plans)
	s := ui.plans
	s.open("SM-02004")
	ui.show(ui.current)
	path := filepath.Join(t.TempDir(), "SM-02004.pdf")
	s.printTo(path, false)
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF at %s: %v", path, err)
	}
	if !strings.Contains(ui.status.Text, path) || !s.print.Visible() || s.print.Disabled() {
		t.Errorf("after printing: status %q, button disabled %v", ui.status.Text, s.print.Disabled())
	}
	// The same plan printed in English differs: the language follows the window.
	ui.SetLanguage(English)
	english := filepath.Join(t.TempDir(), "en.pdf")
	s.printTo(english, false)
	if other, _ := os.ReadFile(english); bytes.Equal(other, data) || len(other) == 0 {
		t.Error("the English print is the same as the Chinese one")
	}
}

// TestDocumentControlShowsChangesSinceApproval: a plan changed after
// approval shows, in its Document control tab, what differs from the
// approved version, old beside new.
func TestDocumentControlShowsChangesSinceApproval(t *testing.T) {
	ui := newContinuityUI(t)
	p, err := ui.store.Continuity.Plan(ui.ctx, "SM-02003")
	if err != nil {
		t.Fatal(err)
	}
	p.RTO = 3 * time.Hour
	if _, err := ui.store.Continuity.SavePlan(ui.ctx, p, "RTO agreed again"); err != nil {
		t.Fatal(err)
	}
	ui.showScreen(ui.plans)
	s := ui.plans
	s.open("SM-02003")
	s.tab = 4
	ui.show(ui.current)
	if s.changesTable == nil {
		t.Fatal("no changes shown for a revised plan")
	}
	rows, _ := s.changesTable.Length()
	if rows != 1 {
		t.Fatalf("%d rows in the changes table, want the RTO only", rows)
	}
	var cells []string
	for col := range 5 {
		l := s.changesTable.CreateCell()
		s.changesTable.UpdateCell(widget.TableCellID{Row: 0, Col: col}, l)
		cells = append(cells, l.(*tipLabel).Text)
	}
	if strings.Join(cells, "|") != "Plan|RTO|changed|2h|3h" {
		t.Errorf("the change reads %q", strings.Join(cells, "|"))
	}
}
