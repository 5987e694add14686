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
	if len(s.rows) != 6 {
		t.Fatalf("%d resources", len(s.rows))
	}
	for _, r := range s.rows {
		if r.Problem != "" {
			t.Fatalf("%s: %s", r.Name, r.Problem)
		}
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

	whatIf := s.whatIfInputs["demand"]
	test.Type(whatIf, "+3%")
	whatIf.OnSubmitted(whatIf.Text)
	if s.whatIf.DemandPct != 3 {
		t.Fatalf("what-if read as %+v", s.whatIf)
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
	if len(s.rows) != 7 || s.rows[s.selected].Name != "CI-000024 memory GB" || s.rows[s.selected].Warning != 409.6 {
		t.Errorf("after Add: %d rows, selected %+v", len(s.rows), s.rows[s.selected].Resource)
	}
	if s.rows[s.selected].Problem == "" {
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
	if after.Upgrades != 1 || !(after.ToWarning.Never || after.ToWarning.At.After(before.At)) {
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

// TestWhatIfPanel: losing a RAC node from the what-if panel moves its load
// to the other node, whose state and words change; a new load on the
// selected resource from a date is said under the chart; Clear goes back
// to the plain forecast.
func TestWhatIfPanel(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.capacity)
	s := ui.capacity
	row := func(name string) int {
		for i, r := range s.rows {
			if r.Name == name {
				return i
			}
		}
		t.Fatalf("no resource %q", name)
		return -1
	}
	if state, _ := s.status(row("bj-db-01 CPU %")); state != "ok" {
		t.Fatalf("bj-db-01 before: %q", state)
	}
	for _, o := range s.loseCI.Options {
		if strings.HasPrefix(o, "CI-000025 ") {
			s.loseCI.SetSelected(o)
		}
	}
	test.Tap(s.recalculate)
	if s.whatIf.Lose != "CI-000025" {
		t.Fatalf("the what-if: %+v", s.whatIf)
	}
	db01 := row("bj-db-01 CPU %")
	if state, _ := s.status(db01); !strings.HasPrefix(state, "breach in") {
		t.Errorf("bj-db-01 with bj-db-02 lost: %q", state)
	}
	s.selected = db01
	ui.show(ui.current)
	if !labelSays(ui, "With CI-000025 out of its redundancy group: this resource takes over") {
		t.Error("the words under the chart do not say what losing the node does")
	}

	s.selected = row("网上银行 concurrent users")
	ui.show(ui.current)
	s.whatIfInputs["load"].SetText("12000")
	s.whatIfInputs["from"].SetText("2027-01-01")
	test.Tap(s.recalculate)
	if s.whatIf.AddLoad != 12000 || s.whatIf.AddTo != "网上银行 concurrent users" || s.whatIf.Lose != "CI-000025" {
		t.Fatalf("the what-if: %+v", s.whatIf)
	}
	if !labelSays(ui, "With a new load of 12000 users from 2027-01-01") {
		t.Error("the new load is not said under the chart")
	}
	s.whatIfInputs["from"].SetText("next year")
	test.Tap(s.recalculate)
	if !strings.Contains(ui.status.Text, "next year is not a date") {
		t.Errorf("a bad date: status %q", ui.status.Text)
	}
	test.Tap(buttonLabelled(t, ui, "Clear"))
	if !s.whatIf.IsZero() {
		t.Errorf("after Clear: %+v", s.whatIf)
	}
	if state, _ := s.status(row("bj-db-01 CPU %")); state != "ok" {
		t.Errorf("bj-db-01 after Clear: %q", state)
	}
}

// labelSays reports whether a label in the window holds text (whole, as
// set: a wrapped label's lines are drawn apart).
func labelSays(ui *UI, text string) bool {
	found := false
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, text) {
			found = true
		}
	})
	return found
}

// TestUpgradesInTheWindow: the WAN's upgrade is listed under the chart with
// its budget line; changed to cost more and come later, its proposed line
// follows; cancelled (asked first), the line is withdrawn.
func TestUpgradesInTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.capacity)
	s := ui.capacity
	for i, r := range s.rows {
		if r.Name == "MPLS WAN Mbit/s" {
			s.selected = i
		}
	}
	s.detailTab = 1
	ui.show(ui.current)
	if s.changeUpgrade == nil || !s.changeUpgrade.Disabled() {
		t.Fatal("the upgrade buttons work before an upgrade is chosen")
	}
	s.selUpgrade = 1
	ui.show(ui.current)
	test.Tap(s.changeUpgrade)
	entries := dialogEntries(t, ui)
	if len(entries) < 5 || entries[0].Text != "2026-12-15" || entries[2].Text != "180,000.00" {
		t.Fatalf("the change dialog: %d entries, %q %q", len(entries), entries[0].Text, entries[2].Text)
	}
	entries[0].SetText("2026-12-28")
	entries[2].SetText("¥210,000")
	tapDialog(t, ui, "Save change")
	ups, _ := ui.store.Capacity.Upgrades(ui.ctx, "MPLS WAN Mbit/s")
	if len(ups) != 1 || ups[0].Cost != 21_000_000 || ups[0].Planned.Day() != 28 || ups[0].BudgetLine == 0 {
		t.Fatalf("after the change: %+v (status %q)", ups, ui.status.Text)
	}
	fy, _ := ui.store.Budget.FiscalYear(ui.ctx, 2026)
	lines, _ := ui.store.Budget.Lines(ui.ctx, fy)
	found := false
	for _, l := range lines {
		found = found || (l.ID == ups[0].BudgetLine && l.Amounts[11] == 21_000_000)
	}
	if !found {
		t.Error("the proposed line did not follow the change")
	}
	test.Tap(s.cancelUpgrade)
	tapDialog(t, ui, "Cancel upgrade")
	ups, _ = ui.store.Capacity.Upgrades(ui.ctx, "MPLS WAN Mbit/s")
	if ups[0].Status != "cancelled" || !strings.Contains(ui.status.Text, "withdrawn") {
		t.Errorf("after cancelling: %+v, status %q", ups[0], ui.status.Text)
	}
}

// TestResourceEditRemoveAndSampleByHand: the SAN's capacity is raised in
// the window (its breach goes), a reading is recorded by hand (a time in
// the future is refused), and a RAC node's resource is removed, asked
// first.
func TestResourceEditRemoveAndSampleByHand(t *testing.T) {
	ui := newRecordsUI(t)
	ui.showScreen(ui.capacity)
	s := ui.capacity
	pick := func(name string) {
		for i, r := range s.rows {
			if r.Name == name {
				s.selected = i
			}
		}
		ui.show(ui.current)
	}
	pick("bj-san-01 used TB")
	test.Tap(buttonLabelled(t, ui, "Change…"))
	entries := dialogEntries(t, ui)
	if len(entries) < 9 || entries[3].Text != "200" || !entries[0].Disabled() {
		t.Fatalf("the change dialog: %d entries", len(entries))
	}
	entries[3].SetText("260")
	entries[4].SetText("80%")
	entries[5].SetText("90%")
	tapDialog(t, ui, "Save change")
	pick("bj-san-01 used TB")
	if st := s.rows[s.selected]; st.Capacity != 260 || st.Warning != 208 {
		t.Fatalf("after the change: %+v (status %q)", st.Resource, ui.status.Text)
	}
	if state, _ := s.status(s.selected); state != "ok" {
		t.Errorf("the SAN at 260 TB: %q", state)
	}

	test.Tap(buttonLabelled(t, ui, "Record sample…"))
	s.sampleInputs["at"].SetText("2030-01-01 08:00")
	s.sampleInputs["value"].SetText("158")
	tapDialog(t, ui, "Record")
	if got, _ := ui.store.Capacity.Samples(ui.ctx, s.rows[s.selected].ID); len(got) != 730 {
		t.Errorf("a sample in 2030 was recorded: %d samples", len(got))
	}
	test.Tap(buttonLabelled(t, ui, "Record sample…"))
	s.sampleInputs["at"].SetText("2026-11-21 08:00")
	s.sampleInputs["value"].SetText("158")
	tapDialog(t, ui, "Record")
	pick("bj-san-01 used TB")
	if st := s.rows[s.selected]; st.Latest != 158 {
		t.Errorf("the latest sample after recording 158: %v (status %q)", st.Latest, ui.status.Text)
	}

	pick("bj-db-02 CPU %")
	test.Tap(buttonLabelled(t, ui, "Remove resource"))
	tapDialog(t, ui, "Remove resource")
	for _, r := range s.rows {
		if r.Name == "bj-db-02 CPU %" {
			t.Error("bj-db-02 is still watched")
		}
	}
}
