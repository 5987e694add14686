package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
)

// dialogEntries are the entries of the top dialog, in the order shown.
func dialogEntries(t *testing.T, ui *UI) []*widget.Entry {
	t.Helper()
	var out []*widget.Entry
	walk(ui.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e)
		}
	})
	return out
}

// TestCapacityScreenForecastsWhatIfAndAdd: the sample bank's resources
// with their state (the SAN flagged: its warning is forecast within 90
// days), a chart for the one selected, a what-if that brings the breach
// nearer, and a resource added in the window.
func TestCapacityScreenForecastsWhatIfAndAdd(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.capacity)
	s := ui.capacity
	if len(s.rows) != 4 || len(s.problems) != 0 {
		t.Fatalf("%d resources, problems %v", len(s.rows), s.problems)
	}
	san := -1
	for i, r := range s.rows {
		if strings.HasPrefix(r.Name, "bj-san-01") {
			san = i
		}
	}
	state, _ := s.status(san)
	if state != "breach in 36 days" {
		t.Errorf("the SAN's state: %q", state)
	}
	s.selected = san
	ui.show(ui.current)
	markup := test.RenderObjectToMarkup(ui.win.Content())
	for _, want := range []string{"warning 160 TB", "critical 180 TB", "2026-11-20", "bj-san-01 used TB: forecast by"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}

	var whatIf *widget.Entry
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && strings.HasPrefix(e.PlaceHolder, "What if") {
			whatIf = e
		}
	})
	if whatIf == nil {
		t.Fatal("no what-if field")
	}
	test.Type(whatIf, "+3%")
	whatIf.OnSubmitted(whatIf.Text)
	if s.whatIf != 3 {
		t.Fatalf("what-if read as %v", s.whatIf)
	}
	if state, _ := s.status(san); state == "breach in 36 days" || !strings.HasPrefix(state, "breach in") && state != "warning" {
		t.Errorf("with 3 %% more demand the SAN is %q", state)
	}

	test.Tap(buttonLabelled(t, ui, "Add resource…"))
	entries := dialogEntries(t, ui)
	if len(entries) < 9 {
		t.Fatalf("the dialog has %d entries", len(entries))
	}
	entries[0].SetText("CI-000024")
	entries[1].SetText("memory GB")
	entries[2].SetText("GB")
	entries[3].SetText("512")
	tapDialog(t, ui, "Add")
	if len(s.rows) != 5 || s.rows[s.selected].Name != "CI-000024 memory GB" || s.rows[s.selected].Warning != 409.6 {
		t.Errorf("after Add: %d rows, selected %+v", len(s.rows), s.rows[s.selected].Resource)
	}
	if _, bad := s.problems[s.selected]; !bad {
		t.Error("a resource without samples has a forecast")
	}
}

// TestPlanUpgradeInTheWindow: an upgrade planned on the SAN with a cost
// proposes a budget line, is marked on the chart, and moves the breach.
func TestPlanUpgradeInTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.capacity)
	s := ui.capacity
	for i, r := range s.rows {
		if strings.HasPrefix(r.Name, "bj-san-01") {
			s.selected = i
		}
	}
	ui.show(ui.current)
	before := s.rows[s.selected].ToWarning
	test.Tap(buttonLabelled(t, ui, "Plan upgrade…"))
	entries := dialogEntries(t, ui)
	if len(entries) < 5 {
		t.Fatalf("the dialog has %d entries", len(entries))
	}
	entries[0].SetText("2026-12-01")
	entries[1].SetText("40")
	entries[2].SetText("¥200,000")
	entries[3].SetText("华为 Huawei")
	entries[4].SetText("CI-000081")
	tapDialog(t, ui, "Plan")
	if !strings.Contains(ui.status.Text, "budget line") || !strings.Contains(ui.status.Text, "proposed for CI-000081") {
		t.Fatalf("status after planning: %q", ui.status.Text)
	}
	after := s.rows[s.selected]
	if len(after.Upgrades) != 1 || !(after.ToWarning.Never || after.ToWarning.At.After(before.At)) {
		t.Errorf("warning %v before, %v after; upgrades %v", before.At, after.ToWarning.At, after.Upgrades)
	}
	if markup := test.RenderObjectToMarkup(ui.win.Content()); !strings.Contains(markup, "+40 TB") || !strings.Contains(markup, "warning 192 TB") {
		t.Error("the chart does not mark the upgrade and the risen warning line")
	}
	fy, _ := ui.store.Budget.FiscalYear(ui.ctx, 2026)
	lines, _ := ui.store.Budget.Lines(ui.ctx, fy)
	found := false
	for _, l := range lines {
		found = found || (strings.Contains(l.Description, "bj-san-01 used TB +40") && l.Amounts[11] == 20_000_000)
	}
	if !found {
		t.Error("no budget line for the upgrade in December 2026")
	}
}

// TestDashboardWarnsOfCapacityBreaches: the SAN, forecast to reach its
// warning in 36 days with no upgrade planned, is on the dashboard; the WAN
// link, whose upgrade is planned, is not; its row opens the SAN on the
// Capacity screen.
func TestDashboardWarnsOfCapacityBreaches(t *testing.T) {
	ui := newRecordsUI(t)
	ui.dashboard.reload()
	ui.show(ui.indexOf(ui.dashboard))
	d := ui.dashboard
	if len(d.breaches) != 1 || !strings.HasPrefix(d.breaches[0].Name, "bj-san-01") {
		var names []string
		for _, b := range d.breaches {
			names = append(names, b.Name)
		}
		t.Fatalf("breaches on the dashboard: %v", names)
	}
	var row *tappableRow
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		if r, ok := o.(*tappableRow); ok && strings.Contains(test.RenderObjectToMarkup(r), "bj-san-01 used TB") {
			row = r
		}
	})
	if row == nil {
		t.Fatal("no dashboard row for the SAN")
	}
	test.Tap(row)
	if ui.current != ui.indexOf(ui.capacity) || ui.capacity.rows[ui.capacity.selected].Name != "bj-san-01 used TB" {
		t.Errorf("the row opened screen %d, resource %q", ui.current, ui.capacity.rows[ui.capacity.selected].Name)
	}
}

// TestCapacityWithoutSamplesSaysSoInChinese: a resource just added has no
// forecast, and the screen says why in the window's language.
func TestCapacityWithoutSamplesSaysSoInChinese(t *testing.T) {
	ui := newRecordsUI(t)
	ui.SetLanguage(Chinese)
	if _, err := ui.store.Capacity.AddResource(ui.ctx, capacity.Resource{CIRef: "CI-000024", Metric: "memory GB", Capacity: 512, Warning: 400, Critical: 450}); err != nil {
		t.Fatal(err)
	}
	ui.capacity.reload()
	ui.showScreen(ui.capacity)
	markup := test.RenderObjectToMarkup(ui.win.Content())
	if !strings.Contains(markup, "采样太少，无法预测") || strings.Contains(markup, "a forecast needs") {
		t.Error("a resource without samples is not explained in Chinese")
	}
}
