package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/demo"
)

func newBudgetUI(t *testing.T) *UI {
	return withBudget(t, newContinuityUI(t))
}

func withBudget(t *testing.T, ui *UI) *UI {
	t.Helper()
	if err := demo.Budget(context.Background(), ui.store.CMDB, ui.store.Budget); err != nil {
		t.Fatal(err)
	}
	return ui
}

// TestBudgetScreenStory: read the year's lines, change a proposed line's
// month, approve it, revise it; see the allocation and the variance per
// service; export the workbook.
func TestBudgetScreenStory(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.budget)
	s := ui.budget
	if len(s.lines) != 11 || len(s.years) != 6 || len(s.allocs) == 0 || s.err != nil {
		t.Fatalf("%d lines, %d services, %d allocations, %v", len(s.lines), len(s.years), len(s.allocs), s.err)
	}
	s.selected = 0
	ui.show(ui.current)
	s.months[0].SetText("¥120,000.00")
	test.Tap(s.save)
	lines, _ := ui.store.Budget.Lines(ui.ctx, s.fy)
	if lines[0].Amounts[0] != 120_000_00 {
		t.Errorf("January after saving: %s", lines[0].Amounts[0].Format(2))
	}
	// As finance staff type: 12万 is 120,000; (5,000.00) a credit, said.
	s.months[0].SetText("12万")
	s.months[2].SetText("(5,000.00)")
	test.Tap(s.save)
	lines, _ = ui.store.Budget.Lines(ui.ctx, s.fy)
	if lines[0].Amounts[0] != 120_000_00 || lines[0].Amounts[2] != -5_000_00 || !strings.Contains(ui.status.Text, "credits") {
		t.Errorf("12万 and (5,000.00): %s, %s; status %q", lines[0].Amounts[0].Format(2), lines[0].Amounts[2].Format(2), ui.status.Text)
	}
	s.months[1].SetText("twelve")
	test.Tap(s.save)
	if text := dialogText(t, ui); !strings.Contains(text, `twelve`) {
		t.Errorf("a bad amount gives no message: %q", text)
	}
	ui.win.Canvas().Overlays().Top().Hide()
	ui.win.Canvas().Overlays().Remove(ui.win.Canvas().Overlays().Top())
	s.approver.SetText("财务部 张总")
	test.Tap(s.approve)
	if s.lines[0].Status != "approved" {
		t.Fatalf("status after approval: %s", s.lines[0].Status)
	}
	test.Tap(s.revise)
	if len(s.lines) != 12 || s.lines[11].Version != "revised" || s.selected != 11 {
		t.Errorf("after revising: %d lines, selected %d", len(s.lines), s.selected)
	}
	// Share the data centre 50/50 between two services instead.
	s.tab = budgetAllocationTab
	ui.show(ui.current)
	s.rulePool.SetSelected("数据中心 Data centre")
	s.ruleMethod.SetSelected(s.ruleMethod.Options[1])
	s.ruleShares.SetText("网上银行 Internet banking = 50\n手机银行 Mobile banking = 50")
	test.Tap(s.ruleSave)
	half := 0
	for _, a := range s.allocs {
		if a.Pool == "数据中心 Data centre" && a.Month == 1 && a.Amount == 200_000_00 {
			half++
		}
	}
	if half != 2 {
		t.Errorf("after the 50/50 rule: %d January halves of 200,000.00", half)
	}
	// A late invoice: record it by hand, see it in the grid and the variance.
	s.tab = budgetActualsTab
	ui.show(ui.current)
	before := len(s.actuals)
	test.Tap(s.actualSave)
	if text := dialogText(t, ui); !strings.Contains(text, "Not recorded: choose the Service or pool.") {
		t.Errorf("recording with nothing chosen: %q", text)
	} else {
		ui.win.Canvas().Overlays().Remove(ui.win.Canvas().Overlays().Top())
	}
	s.actualWho.SetSelectedIndex(0)
	s.actualCategory.SetSelected(categoryText(budget.Licences))
	s.actualMonth.SetSelectedIndex(11)
	s.actualAmount.SetText("(abc")
	test.Tap(s.actualSave)
	if text := dialogText(t, ui); !strings.Contains(text, `(abc`) {
		t.Errorf("a bad amount gives no message: %q", text)
	} else {
		ui.win.Canvas().Overlays().Remove(ui.win.Canvas().Overlays().Top())
	}
	if len(s.actuals) != before {
		t.Fatal("a refused actual was recorded")
	}
	service := s.actualKeys[0]
	s.actualAmount.SetText("¥8,888.88")
	test.Tap(s.actualSave)
	var december budget.Money
	for _, a := range s.actuals {
		if a.ServiceRef == service && a.Category == budget.Licences {
			december += a.Amounts[11]
		}
	}
	if december != 8_888_88 {
		t.Errorf("December licences of %s after recording: %s", service, december.Format(2))
	}
	if !strings.Contains(ui.status.Text, "8,888.88") {
		t.Errorf("status after recording: %q", ui.status.Text)
	}
	s.tab = budgetVarianceTab
	ui.show(ui.current)
	// Finance reconciles against the total first: the table ends with one,
	// and its money lines up on the right.
	table := test.RenderObjectToMarkup(s.varianceTable)
	if !strings.Contains(table, "Total (6 services)") || !strings.Contains(table, `alignment="trailing"`) {
		t.Errorf("the variance table lacks its totals row or right-aligned money:\n%s", table)
	}
	markup := test.RenderObjectToMarkup(s.chart)
	if !strings.Contains(markup, "Jan") {
		t.Error("the variance chart lacks its months")
	}
	if markup := test.RenderObjectToMarkup(s.serviceChart); !strings.Contains(markup, "Payroll") || !strings.Contains(markup, "%") {
		t.Errorf("the chart by service lacks its services or variances:\n%s", markup)
	}
	path := filepath.Join(t.TempDir(), "budget.xlsx")
	if err := s.exportTo(path); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Errorf("export: %v", err)
	}
	ui.SetLanguage(Chinese)
	if got := s.monthLabels()[0]; got != "1月" {
		t.Errorf("month label in Chinese = %q", got)
	}
	_ = widget.TableCellID{}
}

func TestImportWizardForBudgetLines(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.imports)
	w := ui.imports
	w.kindSel.SetSelected(w.kindSel.Options[2])
	path := filepath.Join(t.TempDir(), "追加预算.csv")
	os.WriteFile(path, []byte("2026 追加预算\n服务,类别,项目,1月,2月,合计\n网上银行,许可证,安全加固,\"¥5,000\",\"(1,000)\",4000\n合计,,,5000,-1000,4000\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	if w.mapping["category"] != "类别" {
		t.Fatalf("mapping = %v", w.mapping)
	}
	w.profile.SetText("财务部月报")
	test.Tap(w.saveProfile)
	w.mapping = map[string]string{}
	test.Tap(w.loadProfile)
	if w.mapping["category"] != "类别" {
		t.Errorf("mapping after loading the profile: %v", w.mapping)
	}
	test.Tap(w.checkBtn)
	if w.budgetRes == nil || w.budgetRes.Created != 1 || w.budgetRes.TotalRows != 1 || w.err != nil {
		t.Fatalf("dry run: %+v %v", w.budgetRes, w.err)
	}
	if text := strings.Join(w.resultLines(), "\n"); !strings.Contains(text, "Money: 4,000.00 CNY in the file's lines, 4,000.00 CNY stored by the import") {
		t.Errorf("the dry run does not put the file's money beside the money stored:\n%s", text)
	}
	test.Tap(w.importBtn)
	lines, _ := ui.store.Budget.Lines(ui.ctx, ui.budget.fy)
	if len(lines) != 12 || lines[11].Total() != 4000_00 {
		t.Errorf("after import: %d lines", len(lines))
	}

	// A column of amounts no field takes refuses the file, naming what it
	// would lose; left out on purpose, the import goes on and says so. The
	// line is approved meanwhile: the change becomes a revision when asked.
	if err := ui.store.Budget.ApproveLine(ui.ctx, lines[11].ID, "李明"); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("2026 追加预算\n服务,类别,项目,1月,2月,Q1预测\n网上银行,许可证,安全加固,\"¥6,000\",\"(1,000)\",9000\n"), 0o600)
	test.Tap(w.previewBtn)
	test.Tap(w.checkBtn)
	if w.err == nil || !strings.Contains(strings.Join(w.resultLines(), "\n"), `column "Q1预测": the column holds 1 amount totalling 9,000.00`) {
		t.Errorf("an unknown column of amounts: %v\n%s", w.err, strings.Join(w.resultLines(), "\n"))
	}
	w.ignoreChecks.SetSelected([]string{"Q1预测"})
	w.reviseCheck.SetChecked(true)
	test.Tap(w.importBtn)
	text := strings.Join(w.resultLines(), "\n")
	if w.err != nil || !strings.Contains(text, `Column "Q1预测" left out as asked: amounts 1, totalling 9,000.00`) || !strings.Contains(text, "approved lines the file changes, each written as a new revision (the approved versions are kept): 1") {
		t.Errorf("import with the column left out and revisions: %v\n%s", w.err, text)
	}
	if after, _ := ui.store.Budget.Lines(ui.ctx, ui.budget.fy); len(after) != 13 || after[11].Total() != 4000_00 || after[12].Total() != 5000_00 {
		t.Errorf("the approved line must stay and its revision carry the change: %d lines", len(after))
	}
}

// TestImpactShowsChangeCost: the impact of a CI on the services above it
// comes with their monthly run cost, the cost information a change
// request needs.
func TestImpactShowsChangeCost(t *testing.T) {
	ui := newBudgetUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-san-01")
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c.tab = 3
	c.refreshDetail()
	markup := test.RenderObjectToMarkup(c.form)
	if !strings.Contains(markup, "Run cost per month of the services affected (2026, CNY)") || !strings.Contains(markup, "Internet banking") {
		t.Errorf("impact of the SAN lacks the change cost:\n%s", markup)
	}
}

// TestDashboardShowsServicesOverPlan: the demo budget's overspending
// services (Internet and mobile banking) are on the dashboard, worst first.
func TestDashboardShowsServicesOverPlan(t *testing.T) {
	ui := newBudgetUI(t)
	ui.dashboard.loaded = false // the budget was written behind the window's back
	ui.show(0)
	markup := test.RenderObjectToMarkup(ui.content)
	if !strings.Contains(markup, "Budget 2026: services over plan to date") {
		t.Fatalf("no budget card on the dashboard:\n%s", markup)
	}
	rows := ui.dashboard.overPlanRows()
	if len(rows) != 2 || !strings.Contains(rows[0][0], "Internet banking") || !strings.HasPrefix(rows[0][1], "+59,652.45") {
		t.Errorf("services over plan: %v", rows)
	}
}

// TestNewBudgetLine: add a line by hand; a refused line (no category)
// comes back with what was typed, and a good one is phased and selected.
func TestNewBudgetLine(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.budget)
	s := ui.budget
	before := len(s.lines)
	test.Tap(s.addLine)
	f := s.newLine
	f.who.SetText("薪资发放")
	f.description.SetText("个税申报系统 Tax filing")
	f.glAccount.SetText("006602")
	f.annual.SetText("¥12,000")
	s.saveNewLine() // no category chosen
	if len(s.lines) != before || s.newLine == nil || s.newLine.who.Text != "薪资发放" {
		t.Fatalf("a refused line: %d lines, form %+v", len(s.lines), s.newLine)
	}
	for ui.win.Canvas().Overlays().Top() != nil {
		ui.win.Canvas().Overlays().Remove(ui.win.Canvas().Overlays().Top())
	}
	f.category.SetSelected(categoryText(budget.Licences))
	s.saveNewLine()
	if len(s.lines) != before+1 || s.selected < 0 {
		t.Fatalf("after saving: %d lines, selected %d", len(s.lines), s.selected)
	}
	l := s.lines[s.selected]
	if l.Description != "个税申报系统 Tax filing" || l.GLAccount != "006602" || l.Amounts[0] != 1000_00 || l.Total() != 12_000_00 || l.Status != "proposed" {
		t.Errorf("saved line: %+v", l)
	}
	if s.newLine != nil {
		t.Error("the form keeps the saved line's typing")
	}
}

// TestFiscalYearFromTheWindow: the Budget screen creates a fiscal year;
// the import wizard proposes the year a file names (2027年度), says when
// that year does not exist yet, and imports into the year chosen.
func TestFiscalYearFromTheWindow(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.imports)
	w := ui.imports
	w.kindSel.SetSelected(w.kindSel.Options[2])
	path := filepath.Join(t.TempDir(), "2027年度预算.csv")
	os.WriteFile(path, []byte("2027年度预算\n服务,类别,项目,1月,2月\n网上银行,许可证,安全加固,1000,2000\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	if w.fyYear != 0 || !strings.Contains(strings.Join(shownTexts(ui), "\n"), "The file is for 2027, which has no fiscal year yet.") {
		t.Fatalf("a file for 2027 without the year: chosen %d", w.fyYear)
	}
	test.Tap(w.checkBtn)
	if w.err == nil || !strings.Contains(w.err.Error(), "Choose the fiscal year") {
		t.Errorf("a check without a fiscal year: %v", w.err)
	}
	// Create 2027 from the Budget screen.
	ui.showScreen(ui.budget)
	test.Tap(buttonLabelled(t, ui, "New fiscal year…"))
	tapDialog(t, ui, "Create")
	fy, err := ui.store.Budget.FiscalYear(ui.ctx, 2027)
	if err != nil || fy.StartMonth != 1 || fy.Currency != "CNY" {
		t.Fatalf("fiscal year 2027 from the window: %+v %v", fy, err)
	}
	if ui.budget.fy.Year != 2027 {
		t.Errorf("the Budget screen shows %d after creating 2027", ui.budget.fy.Year)
	}
	// Back to the wizard: the file's year is proposed and the import goes there.
	ui.showScreen(ui.imports)
	test.Tap(w.previewBtn)
	if w.fyYear != 2027 || w.fySel.Selected != "2027" {
		t.Fatalf("the wizard proposes %d (%q) for a 2027 file", w.fyYear, w.fySel.Selected)
	}
	test.Tap(w.importBtn)
	if lines, _ := ui.store.Budget.Lines(ui.ctx, fy); w.err != nil || len(lines) != 1 || lines[0].Total() != 3000_00 {
		t.Errorf("import into 2027: %v, %d lines", w.err, len(lines))
	}
}

// TestDeleteProposedLineInTheWindow: a proposed line is deleted after the
// window asks, naming it; an approved line offers no Delete.
func TestDeleteProposedLineInTheWindow(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.budget)
	s := ui.budget
	before := len(s.lines)
	proposed := -1
	for i, l := range s.lines {
		if l.Status != "approved" {
			proposed = i
			break
		}
	}
	s.tab, s.selected = budgetLinesTab, proposed
	ui.show(ui.current)
	id := s.lines[proposed].ID
	test.Tap(buttonLabelled(t, ui, "Delete line"))
	if text := dialogText(t, ui); !strings.Contains(text, fmt.Sprintf("Delete line %d", id)) {
		t.Fatalf("the window asked %q", text)
	}
	tapDialog(t, ui, "Delete")
	if lines, _ := ui.store.Budget.Lines(ui.ctx, s.fy); len(lines) != before-1 {
		t.Errorf("%d lines after deleting one of %d", len(lines), before)
	}
}

// TestVarianceColoursAndStickyMonths: an overspend to date is red, an
// underspend green; the month grid keeps its first column when it
// scrolls.
func TestVarianceColoursAndStickyMonths(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.budget)
	s := ui.budget
	s.tab = budgetVarianceTab
	ui.show(ui.current)
	seen := map[widget.Importance]bool{}
	for row, y := range s.years {
		l := newTipLabel("")
		s.varianceTable.UpdateCell(widget.TableCellID{Row: row, Col: 4}, l)
		want := widget.MediumImportance
		if v := y.Summary().YTD.Variance(); v > 0 {
			want = widget.DangerImportance
		} else if v < 0 {
			want = widget.SuccessImportance
		}
		if l.Importance != want {
			t.Errorf("%s variance %s shown with importance %v, want %v", y.ServiceRef, l.Text, l.Importance, want)
		}
		seen[l.Importance] = true
	}
	if !seen[widget.DangerImportance] || !seen[widget.SuccessImportance] {
		t.Errorf("the sample shows no over and under: %v", seen)
	}
	grid := textTable(append([]string{"Service"}, s.monthLabels()...), nil, func() [][]string { return nil })
	if grid.StickyColumnCount != 1 {
		t.Error("a table with a column per month does not keep its first column")
	}
}

// TestUndoBudgetImportInTheWindow: right after an import, Undo this import
// takes it back as a whole.
func TestUndoBudgetImportInTheWindow(t *testing.T) {
	ui := newBudgetUI(t)
	ui.showScreen(ui.imports)
	w := ui.imports
	w.kindSel.SetSelected(w.kindSel.Options[2])
	path := filepath.Join(t.TempDir(), "2026 追加.csv")
	os.WriteFile(path, []byte("2026 追加预算\n服务,类别,项目,1月\n网上银行,许可证,误导入,9999\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	fy, _ := ui.store.Budget.FiscalYear(ui.ctx, 2026)
	before, _ := ui.store.Budget.Lines(ui.ctx, fy)
	test.Tap(w.importBtn)
	if after, _ := ui.store.Budget.Lines(ui.ctx, fy); len(after) != len(before)+1 || w.undo == nil {
		t.Fatalf("import: %d lines, undo offered %v", len(after), w.undo != nil)
	}
	test.Tap(w.undo)
	tapDialog(t, ui, "Undo this import")
	if after, _ := ui.store.Budget.Lines(ui.ctx, fy); len(after) != len(before) {
		t.Errorf("after the undo: %d lines, want %d", len(after), len(before))
	}
	if !strings.Contains(ui.status.Text, "Undid the import") {
		t.Errorf("status %q", ui.status.Text)
	}
}

// TestAllocationRuleInWords: a stored rule reads in the window's words.
func TestAllocationRuleInWords(t *testing.T) {
	newTestUI(t)
	if got := ruleText("driver: users"); got != "by driver: users" {
		t.Errorf("English: %q", got)
	}
	setLanguage(Chinese)
	if got := ruleText("driver: users"); got != "按动因: 用户数" {
		t.Errorf("Chinese: %q", got)
	}
	if got := ruleText("even"); got != "平均分摊" {
		t.Errorf("Chinese even: %q", got)
	}
}
