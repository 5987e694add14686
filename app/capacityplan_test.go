package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestCapacityPlanInTheWindow: the IT manager opens the Plans tab of the
// Capacity screen, sees the sample bank's draft plan flagged for the SAN's
// breach, adds a service and writes a section; a bad horizon is shown
// beside its field; the plan's resources and checks list the SAN; the
// approval dialog lists the failing check and wants a reason, and with one
// approves 1.0; a review sets the next review; a copy is issued; the plan
// prints as a PDF in the window's language.
func TestCapacityPlanInTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.capacity)
	selectTab(t, ui, "Plans")
	s := ui.capacity.plans
	if ui.capacity.tab != 1 || len(s.states) != 1 {
		t.Fatalf("the Plans tab: tab %d, %d plans", ui.capacity.tab, len(s.states))
	}
	if flags := planFlags(s.states[0]); !strings.Contains(flags, "DRAFT") || !strings.Contains(flags, "1 breach predicted, no upgrade") {
		t.Errorf("flags: %q", flags)
	}
	s.table.OnSelected(widget.TableCellID{Row: 0, Col: 0})
	if s.selected != "SM-03001" {
		t.Fatalf("selected %q", s.selected)
	}
	s.addService.SetSelected(s.addService.Options[0])
	if len(s.draft.Services) != 2 {
		t.Fatalf("services after adding one: %+v", s.draft.Services)
	}
	s.inputs["technologies"].SetText("评估全闪存阵列替换 bj-san-01")
	s.inputs["horizon_days"].SetText("3")
	test.Tap(s.save)
	if s.problems["horizon_days"] == "" {
		t.Error("a horizon of 3 days was not refused beside its field")
	}
	s.inputs["horizon_days"].SetText("180")
	test.Tap(s.save)
	p, _ := ui.store.Capacity.Plan(ui.ctx, "SM-03001")
	if p.Technologies != "评估全闪存阵列替换 bj-san-01" || len(p.Services) != 2 || s.problems != nil {
		t.Fatalf("saved: %+v (problems %v)", p, s.problems)
	}

	s.tab = 1
	ui.show(ui.current)
	if markup := test.RenderObjectToMarkup(ui.win.Content()); !strings.Contains(markup, "bj-san-01 used TB is forecast to reach its warning threshold") {
		t.Error("the checks do not name the SAN's breach")
	}

	s.tab = 2
	ui.show(ui.current)
	s.approver.SetText("李明 Li Ming (CIO)")
	test.Tap(s.approve)
	if text := dialogText(t, ui); !strings.Contains(text, "Approve SM-03001 version 0.1 as 1.0") || !strings.Contains(text, "✖ bj-san-01 used TB") {
		t.Errorf("the approval dialog:\n%s", text)
	}
	tapDialog(t, ui, "Approve")
	if s.draft.Version != "0.1" || !strings.Contains(ui.status.Text, "Not saved") {
		t.Errorf("approved without a reason: %s, %q", s.draft.Version, ui.status.Text)
	}
	test.Tap(s.approve)
	test.Type(s.approveReason, "SAN 扩容已提交 2027 年预算")
	tapDialog(t, ui, "Approve")
	if s.draft.Version != "1.0" || s.draft.ApprovedBy != "李明 Li Ming (CIO)" {
		t.Fatalf("after approval: %+v", s.draft)
	}

	test.Tap(s.review)
	test.Type(s.reviewWho, "张敏")
	s.reviewOutcome.SetSelected("must be updated")
	test.Type(s.reviewNotes, "补充 SAN 扩容计划")
	tapDialog(t, ui, "OK")
	reviews, _ := ui.store.Capacity.Reviews(ui.ctx, s.draft.ID)
	if len(reviews) != 1 || reviews[0].Outcome != "update" || reviews[0].By != "张敏" {
		t.Errorf("reviews: %+v", reviews)
	}

	test.Type(s.copyHolder, "异地保险柜 Off-site safe")
	test.Tap(s.addCopy)
	copies, _ := ui.store.Capacity.Distribution(ui.ctx, s.draft.ID)
	if len(copies) != 2 || copies[1].Version != "1.0" {
		t.Errorf("distribution: %+v", copies)
	}

	ui.SetLanguage(Chinese)
	path := filepath.Join(t.TempDir(), "SM-03001.pdf")
	s.printTo(path, false)
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF at %s: %v", path, err)
	}
	if !strings.Contains(ui.status.Text, path) || s.print.Disabled() {
		t.Errorf("after printing: status %q", ui.status.Text)
	}
}

// selectTab selects the tab labelled label of the first tab container in
// the window that has one, as a click on it does.
func selectTab(t *testing.T, ui *UI, label string) {
	t.Helper()
	done := false
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		if tabs, ok := o.(*container.AppTabs); ok && !done {
			for i, it := range tabs.Items {
				if it.Text == label {
					tabs.SelectIndex(i)
					done = true
					return
				}
			}
		}
	})
	if !done {
		t.Fatalf("no %q tab in the window", label)
	}
}

// TestImportWizardForSamples: a Zabbix-like export whose columns are not
// all recognised is mapped in the wizard; its ns column refuses the file
// until it is left out on purpose; the mapping is saved as a profile; the
// dry run and the import report the samples per resource in the window's
// words, and the Capacity screen reads them.
func TestImportWizardForSamples(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.imports)
	w := ui.imports
	w.kindSel.SetSelected("Usage samples (capacity)")
	if w.kind != "samples" {
		t.Fatalf("kind %q", w.kind)
	}
	path := filepath.Join(t.TempDir(), "zabbix-history.csv")
	os.WriteFile(path, []byte("时钟,监控项,读数,ns\n2026-11-21 08:00,bj-san-01 used TB,157.6,1200\n2026-11-22 08:00,bj-san-01 used TB,157.8,0\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	w.mapping["time"], w.mapping["resource"], w.mapping["value"] = "时钟", "监控项", "读数"
	ui.show(ui.current)
	test.Tap(w.checkBtn)
	if w.samples == nil || w.err == nil || len(w.samples.Problems) != 1 || w.samples.Problems[0].Column != "ns" {
		t.Fatalf("ns not refused: %+v %v", w.samples, w.err)
	}
	if w.ignoreChecks == nil || len(w.ignoreChecks.Options) != 1 || w.ignoreChecks.Options[0] != "ns" {
		t.Fatalf("the columns offered to leave out: %+v", w.ignoreChecks)
	}
	w.ignoreChecks.SetSelected([]string{"ns"})
	w.profile.SetText("Zabbix 历史")
	test.Tap(w.saveProfile)
	test.Tap(w.checkBtn)
	if w.err != nil || w.samples.New != 2 || !w.samples.DryRun {
		t.Fatalf("dry run: %+v %v", w.samples, w.err)
	}
	if text := strings.Join(w.resultLines(), "\n"); !strings.Contains(text, "A dry run found (nothing written): 2 new samples") ||
		!strings.Contains(text, "Left out as asked: ns") {
		t.Errorf("the result:\n%s", text)
	}
	test.Tap(w.importBtn)
	if w.err != nil || w.samples.DryRun || w.samples.New != 2 {
		t.Fatalf("import: %+v %v", w.samples, w.err)
	}
	if saved, err := ui.store.Budget.Profile(ui.ctx, "Zabbix 历史", "samples"); err != nil || saved["value"] != "读数" {
		t.Errorf("the profile: %v %v", saved, err)
	}
	ui.showScreen(ui.capacity)
	for _, f := range ui.capacity.rows {
		if f.Name == "bj-san-01 used TB" && f.Latest != 157.8 {
			t.Errorf("the Capacity screen's SAN ends at %v", f.Latest)
		}
	}
}
