package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/audit"
)

// TestAuditScreen: the auditor sees every check with its clauses, the
// services without a plan first; a plan never exercised opens in the plan
// editor, the SAN's breach on the Capacity screen with the SAN selected,
// and the Chinese window names the checks in Chinese.
func TestAuditScreen(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.audit)
	s := ui.audit
	if s.report == nil || len(s.report.Results) < 15 || s.report.Count("major") == 0 {
		t.Fatalf("the report: %+v", s.report)
	}
	pick := func(id string) {
		for i, r := range s.report.Results {
			if r.ID == id {
				s.checks.OnSelected(widget.TableCellID{Row: s.tableRow(i), Col: 0})
			}
		}
	}
	pick("C03")
	if s.open == nil {
		t.Fatal("no Open the record button for C03")
	}
	test.Tap(s.open)
	if ui.screens[ui.current] != screen(ui.plans) || ui.plans.selected != "SM-02004" {
		t.Errorf("C03 opened screen %d, plan %q", ui.current, ui.plans.selected)
	}
	ui.showScreen(ui.audit)
	pick("K01")
	test.Tap(s.open)
	c := ui.capacity
	if ui.screens[ui.current] != screen(c) || c.rows[c.selected].Name != "bj-san-01 used TB" {
		t.Errorf("K01 opened screen %d, resource %d", ui.current, c.selected)
	}
	// The dashboard's card counts the findings and opens this screen.
	ui.dashboard.loaded = false
	ui.showScreen(ui.dashboard)
	if rows := ui.dashboard.auditRows(); rows[0][1] == "" || rows[0][1] == "0" {
		t.Errorf("the audit card: %v", rows)
	}
	ui.SetLanguage(Chinese)
	s.selected = 0 // the first checks in view, not K01's
	ui.showScreen(ui.audit)
	if markup := test.RenderObjectToMarkup(ui.win.Content()); !strings.Contains(markup, "无连续性计划的服务") || !strings.Contains(markup, "严重") {
		t.Error("the Chinese audit screen does not name its checks in Chinese")
	}
}

// TestAuditScreenPrints: the Audit readiness screen prints the
// internal-audit checklist and the management-review input pack of the
// report it shows, in the window's language.
func TestAuditScreenPrints(t *testing.T) {
	ui := newRecordsUI(t)
	ui.SetLanguage(Chinese)
	ui.showScreen(ui.audit)
	buttonLabelled(t, ui, "打印检查表…")
	buttonLabelled(t, ui, "打印管理评审输入…")
	dir := t.TempDir()
	for _, what := range []string{"checklist", "review"} {
		path := filepath.Join(dir, what+".pdf")
		ui.audit.printTo(path, what, false, nil)
		data, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(data), "%PDF-") {
			t.Fatalf("%s: %v (status %q)", what, err, ui.status.Text)
		}
		if !strings.Contains(ui.status.Text, path) {
			t.Errorf("status after printing %s: %q", what, ui.status.Text)
		}
	}
}

// TestAuditThresholdsInTheWindow: Thresholds… shows the settings, saves a
// change in the database and runs the checks again with it; a word where
// a number belongs is refused by field.
func TestAuditThresholdsInTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.audit)
	s := ui.audit
	test.Tap(buttonLabelled(t, ui, "Thresholds…"))
	if len(s.thresholdInputs) != 5 || s.thresholdInputs[0].Text != "12" {
		t.Fatalf("the dialog: %d inputs", len(s.thresholdInputs))
	}
	s.thresholdInputs[1].SetText("soon")
	tapDialog(t, ui, "Save")
	if text := dialogText(t, ui); !strings.Contains(text, "is not a number") {
		t.Errorf("a word for days: %q", text)
	}
	test.Tap(buttonLabelled(t, ui, "Thresholds…"))
	s.thresholdInputs[0].SetText("1")
	tapDialog(t, ui, "Save")
	if s.report.Settings.ExerciseMonths != 1 {
		t.Fatalf("the checks ran with %+v (status %q)", s.report.Settings, ui.status.Text)
	}
	if set, _ := audit.LoadSettings(ui.ctx, ui.store.DB); set.ExerciseMonths != 1 {
		t.Errorf("not saved: %+v", set)
	}
}
