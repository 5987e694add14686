package app

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/export"
)

// budgetScreen is a fiscal year's budget: the lines by month with totals,
// the selected line's months to edit, approve or revise; the allocation of
// shared costs with its trace; and the variance per service with a chart.
type budgetScreen struct {
	ui        *UI
	exportPDF *widget.Button
	fys       []budget.FiscalYear
	fy        budget.FiscalYear
	lines     []budget.Line
	allocs    []budget.Allocation
	years     []budget.ServiceYear
	totals    []budget.CategoryTotal
	err       error
	selected  int // line index, -1 for none
	// selectID, when set, is a line to select once the lines are read
	// again, such as the one just added.
	selectID      int64
	service       int // variance row shown in the chart
	varianceTable *gridTable
	tab           int

	fySel    *widget.Select
	months   [12]*widget.Entry
	save     *widget.Button
	approve  *widget.Button
	revise   *widget.Button
	approver *widget.Entry
	chart    fyne.CanvasObject
	// serviceChart compares every service's plan and actual to date.
	serviceChart fyne.CanvasObject
	chartTab     int

	rulePool   *widget.Select
	ruleMethod *widget.Select
	ruleDriver *widget.Entry
	ruleShares *textArea
	ruleSave   *widget.Button

	addLine *widget.Button
	newLine *newLineForm

	actuals        []budget.ActualRow
	actualWho      *widget.Select
	actualKeys     []string // what AddActual is given for each actualWho option
	actualCategory *widget.Select
	actualMonth    *widget.Select
	actualAmount   *widget.Entry
	actualSave     *widget.Button
}

// The budget screen's tabs, in the order they are shown.
const (
	budgetLinesTab = iota
	budgetAllocationTab
	budgetActualsTab
	budgetVarianceTab
)

func newBudgetScreen(ui *UI) *budgetScreen { return &budgetScreen{ui: ui, selected: -1} }

func (s *budgetScreen) title() string { return tr("Budget") }

func (s *budgetScreen) store() *budget.Store { return s.ui.store.Budget }

func (s *budgetScreen) reload() {
	ctx := s.ui.ctx
	// The dashboard's over-plan card follows what is done here.
	s.ui.dashboard.loaded = false
	var err error
	if s.fys, err = s.store().FiscalYears(ctx); err != nil {
		s.ui.showError(err)
		return
	}
	if s.fy.ID == 0 && len(s.fys) > 0 {
		s.fy = s.fys[len(s.fys)-1]
	}
	if s.fy.ID == 0 {
		return
	}
	if s.lines, err = s.store().Lines(ctx, s.fy); err != nil {
		s.ui.showError(err)
	}
	// A pool without a rule is reported, not fatal: the screen still shows
	// the lines so that the rule can be set.
	s.allocs, s.err = s.store().Allocate(ctx, s.fy)
	if s.err == nil {
		s.years, s.err = s.store().Report(ctx, s.fy, "")
	}
	if s.actuals, err = s.store().Actuals(ctx, s.fy); err != nil {
		s.ui.showError(err)
	}
	if s.totals, err = s.store().ByCategory(ctx, s.fy); err != nil {
		s.ui.showError(err)
	}
	if s.selectID != 0 {
		for i, l := range s.lines {
			if l.ID == s.selectID {
				s.selected = i
			}
		}
		s.selectID = 0
	}
	if s.selected >= len(s.lines) {
		s.selected = -1
	}
	if s.service >= len(s.years) {
		s.service = 0
	}
}

func (s *budgetScreen) money(m budget.Money) string { return m.Format(budget.Decimals(s.fy.Currency)) }

func (s *budgetScreen) view() fyne.CanvasObject {
	s.reload()
	var labels []string
	for _, fy := range s.fys {
		labels = append(labels, strconv.Itoa(fy.Year))
	}
	s.fySel = newSelect(labels, func(v string) {
		for _, fy := range s.fys {
			if strconv.Itoa(fy.Year) == v && fy.ID != s.fy.ID {
				s.fy, s.selected = fy, -1
				s.ui.show(s.ui.current)
			}
		}
	})
	if s.fy.ID != 0 {
		s.fySel.SetSelected(strconv.Itoa(s.fy.Year))
	}
	exportBtn := &widget.Button{Text: tr("Export workbook…"), Icon: theme.DocumentSaveIcon(), OnTapped: s.onExport}
	newFY := &widget.Button{Text: tr("New fiscal year…"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		year := s.ui.store.DB.Now().Year()
		if len(s.fys) > 0 {
			year = s.fys[len(s.fys)-1].Year + 1
		}
		s.ui.newFiscalYearDialog(year, func(fy budget.FiscalYear) {
			s.fy, s.selected = fy, -1
			s.ui.show(s.ui.current)
		})
	}}
	// The import of this year's budget or actuals, from here.
	importBtn := &widget.Button{Text: tr("Import…"), Icon: theme.UploadIcon(), OnTapped: func() {
		s.ui.imports.kind, s.ui.imports.fyYear = "budget", s.fy.Year
		s.ui.showScreen(s.ui.imports)
		s.ui.show(s.ui.current)
	}}
	s.exportPDF = &widget.Button{Text: tr("Export PDF…"), Icon: theme.DocumentPrintIcon(), OnTapped: s.onExportPDF}
	if s.fy.ID == 0 {
		exportBtn.Disable()
		s.exportPDF.Disable()
	}
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(tr("Fiscal year")), s.fySel,
		widget.NewLabel(s.fy.Currency), newFY), container.NewHBox(importBtn, s.exportPDF, exportBtn))
	if s.fy.ID == 0 {
		return container.NewBorder(top, nil, nil, nil, container.NewCenter(widget.NewLabel(tr("No fiscal year yet: create one with servicebook budget fy new 2026, then import the budget."))))
	}
	header := container.NewVBox(top)
	if s.err != nil {
		l := widget.NewLabel("⚠ " + errText(s.err))
		l.Importance = widget.WarningImportance
		header.Add(l) // only when there is something to say: an empty line would take a row
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(tr("Budget lines"), s.linesView()),
		container.NewTabItem(tr("Allocation"), s.allocationView()),
		container.NewTabItem(tr("Actuals"), s.actualsView()),
		container.NewTabItem(tr("Variance"), s.varianceView()),
	)
	if s.tab < len(tabs.Items) {
		tabs.SelectIndex(s.tab)
	}
	tabs.OnSelected = func(*container.TabItem) { s.tab = tabs.SelectedIndex() }
	return container.NewBorder(header, nil, nil, nil, tabs)
}

func (s *budgetScreen) monthLabels() []string {
	out := make([]string, 12)
	for i := range out {
		m := (s.fy.StartMonth-1+i)%12 + 1
		out[i] = time.Month(m).String()[:3]
		if isChinese() {
			out[i] = strconv.Itoa(m) + "月"
		}
	}
	return out
}

func (s *budgetScreen) linesView() fyne.CanvasObject {
	header := append([]string{tr("Service / pool"), tr("Category"), tr("Description"), tr("Version"), tr("Status")}, s.monthLabels()...)
	header = append(header, tr("Total"))
	var totals [12]budget.Money
	for _, l := range s.lines {
		for i, a := range l.Amounts {
			totals[i] += a
		}
	}
	rows := func() [][]string {
		out := make([][]string, 0, len(s.lines)+1)
		for _, l := range s.lines {
			who := l.ServiceName
			if l.Pool != "" {
				who = "⊕ " + l.Pool
			}
			row := []string{who, categoryText(l.Category), l.Description, versionText(l.Version), statusTextLine(l.Status)}
			for _, a := range l.Amounts {
				row = append(row, s.money(a))
			}
			out = append(out, append(row, s.money(l.Total())))
		}
		total := []string{tr("Total"), "", "", "", ""}
		var all budget.Money
		for _, a := range totals {
			total = append(total, s.money(a))
			all += a
		}
		return append(out, append(total, s.money(all)))
	}
	widths := []float32{220, 90, 220, 80, 80}
	for range 12 {
		widths = append(widths, 100)
	}
	table := textTable(header, append(widths, 120), rows)
	s.ui.keepWidths("budget-lines", table)
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.lines) && id.Row != s.selected {
			s.selected = id.Row
			s.ui.show(s.ui.current)
		}
	}
	s.addLine = &widget.Button{Text: tr("New line…"), Icon: theme.ContentAddIcon(), OnTapped: s.onNewLine}
	split := newVSplit(container.NewBorder(container.NewHBox(s.addLine), nil, nil, nil, table), s.lineEditor(), 0.65)
	s.ui.keepSplit("budget-lines", split)
	return split
}

// newLineForm holds what the person typed into the new-line dialog, so
// that a refused line comes back with their typing intact.
type newLineForm struct {
	who, description, costCentre, glAccount, supplier, annual *widget.Entry
	pool, capex                                               *widget.Check
	category                                                  *widget.Select
	dialog                                                    dialog.Dialog
}

// onNewLine asks for a line the import did not bring: a service or a
// pool, category, accounts, and an annual amount phased evenly over the
// months (edit the months afterwards for another profile).
func (s *budgetScreen) onNewLine() {
	if s.newLine == nil {
		// The service is found by name as anywhere else; a pool's name is
		// typed as it is (the list stays away while "pool" is ticked).
		who := newCIPicker(s.ui, tr("service name or reference, or the pool's name"), true)
		who.refOnly = true
		f := &newLineForm{who: who.entry, description: widget.NewEntry(), costCentre: widget.NewEntry(),
			glAccount: widget.NewEntry(), supplier: widget.NewEntry(), annual: widget.NewEntry()}
		f.pool = widget.NewCheck(tr("a shared cost pool, allocated to services"), nil)
		who.suggest = func() bool { return !f.pool.Checked }
		f.capex = widget.NewCheck(tr("capex"), nil)
		categories := make([]string, len(budget.Categories))
		for i, c := range budget.Categories {
			categories[i] = categoryText(c)
		}
		f.category = newSelect(categories, nil)
		f.category.PlaceHolder = tr("Choose a category")
		f.annual.SetPlaceHolder("¥120,000.00")
		f.annual.Validator = func(text string) error {
			if _, err := budget.ParseAmount(text, budget.Decimals(s.fy.Currency)); err != nil {
				return fmt.Errorf("%s", tr("not an amount"))
			}
			return nil
		}
		s.newLine = f
	}
	f := s.newLine
	items := []*widget.FormItem{
		{Text: tr("Service / pool"), Widget: container.NewVBox(f.who, f.pool)},
		{Text: tr("Category"), Widget: container.NewBorder(nil, nil, nil, f.capex, f.category)},
		{Text: tr("Description"), Widget: f.description},
		{Text: tr("Cost centre"), Widget: f.costCentre},
		{Text: tr("GL account"), Widget: f.glAccount},
		{Text: tr("Supplier"), Widget: f.supplier},
		{Text: tr("Year amount, phased evenly"), Widget: f.annual},
	}
	f.dialog = dialogForm(s.ui, trf("New budget line, {{.Year}}", map[string]any{"Year": s.fy.Year}), items, s.saveNewLine)
	f.dialog.Resize(fyne.NewSize(620, 480))
}

func (s *budgetScreen) saveNewLine() {
	f := s.newLine
	annual, err := budget.ParseAmount(f.annual.Text, budget.Decimals(s.fy.Currency))
	if err != nil {
		s.onNewLine()
		s.ui.showError(fmt.Errorf("%s", trf("Amount: {{.Value}} is not an amount", map[string]any{"Value": f.annual.Text})))
		return
	}
	amounts, err := budget.Phase(annual, nil)
	if err != nil {
		s.onNewLine()
		s.ui.showError(err)
		return
	}
	l := budget.Line{Description: strings.TrimSpace(f.description.Text), Capex: f.capex.Checked,
		CostCentre: strings.TrimSpace(f.costCentre.Text), GLAccount: strings.TrimSpace(f.glAccount.Text),
		Supplier: strings.TrimSpace(f.supplier.Text), Amounts: amounts}
	if i := f.category.SelectedIndex(); i >= 0 {
		l.Category = budget.Categories[i]
	}
	if who := strings.TrimSpace(f.who.Text); f.pool.Checked {
		l.Pool = who
	} else {
		l.ServiceRef = who
	}
	fy := s.fy
	var saved budget.Line
	s.ui.write(nil, func() (err error) {
		saved, err = s.store().AddLine(s.ui.ctx, fy, l)
		return err
	}, func(err error) {
		if err != nil {
			s.ui.setStatus(tr("Not saved."))
			s.onNewLine() // the form first, so that the message is read on top of it
			s.ui.showError(err)
			return
		}
		s.newLine, s.selectID = nil, saved.ID
		s.ui.setStatus(trf("Saved line {{.ID}}", map[string]any{"ID": saved.ID}))
		s.ui.show(s.ui.current)
	})
}

func categoryText(c budget.Category) string { return tr(string(c)) }

func versionText(v string) string { return tr(v) }

func statusTextLine(v string) string {
	if v == "approved" {
		return tr("approved")
	}
	return tr("proposed")
}

// lineEditor edits the months of the selected line (a proposed one), or
// approves or revises it.
func (s *budgetScreen) lineEditor() fyne.CanvasObject {
	if s.selected < 0 {
		return container.NewCenter(widget.NewLabel(tr("Select a line to change its months, approve or revise it.")))
	}
	l := s.lines[s.selected]
	grid := container.NewGridWithColumns(6)
	for i, label := range s.monthLabels() {
		e := widget.NewEntry()
		e.SetText(s.money(l.Amounts[i]))
		s.months[i] = e
		if l.Status == "approved" {
			// An approved line is read, not edited: its figures as text in
			// full contrast (a disabled entry greys them out).
			figure := widget.NewLabelWithStyle(s.money(l.Amounts[i]), fyne.TextAlignTrailing, fyne.TextStyle{})
			grid.Add(container.NewBorder(nil, nil, widget.NewLabel(label), nil, figure))
			continue
		}
		grid.Add(container.NewBorder(nil, nil, widget.NewLabel(label), nil, e))
	}
	s.save = &widget.Button{Text: tr("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: s.onSave}
	s.approver = widget.NewEntry()
	s.approver.SetPlaceHolder(tr("Approver"))
	s.approve = &widget.Button{Text: tr("Approve"), Icon: theme.ConfirmIcon(), OnTapped: func() {
		approver := s.approver.Text
		s.ui.save(s.approve, func() error { return s.store().ApproveLine(s.ui.ctx, l.ID, approver) }, func() {
			s.ui.setStatus(trf("Line {{.ID}} approved", map[string]any{"ID": l.ID}))
			s.ui.show(s.ui.current)
		})
	}}
	s.revise = &widget.Button{Text: tr("Revise"), OnTapped: func() {
		var id int64
		s.ui.save(s.revise, func() (err error) {
			id, err = s.store().Revise(s.ui.ctx, l.ID)
			return err
		}, func() {
			s.selectID = id
			s.ui.setStatus(trf("Line {{.ID}} revised as line {{.New}}; the approved line is kept", map[string]any{"ID": l.ID, "New": id}))
			s.ui.show(s.ui.current)
		})
	}}
	remove := &widget.Button{Text: tr("Delete line"), Icon: theme.DeleteIcon(), OnTapped: func() { s.onDeleteLine(l) }}
	var actions *fyne.Container
	if l.Status == "approved" {
		actions = container.NewHBox(widget.NewLabel(tr("Approved: revise it to change it.")), s.revise)
	} else {
		actions = container.NewHBox(s.save, container.NewGridWrap(fyne.NewSize(200, s.approver.MinSize().Height), s.approver), s.approve, remove)
	}
	title := bold(fmt.Sprintf("#%d  %s  %s  —  %s", l.ID, l.ServiceName+l.Pool, categoryText(l.Category), l.Description))
	return container.NewBorder(title, actions, nil, nil, grid)
}

func (s *budgetScreen) onSave() {
	l := s.lines[s.selected]
	var amounts [12]budget.Money
	d := budget.Decimals(s.fy.Currency)
	for i, e := range s.months {
		if strings.TrimSpace(e.Text) == "" {
			continue
		}
		a, err := budget.ParseAmount(e.Text, d)
		if err != nil {
			s.ui.showError(fmt.Errorf("%s", trf("{{.Month}}: {{.Value}} is not an amount", map[string]any{"Month": s.monthLabels()[i], "Value": e.Text})))
			return
		}
		amounts[i] = a
	}
	s.ui.write(s.save, func() error { return s.store().SetAmounts(s.ui.ctx, l.ID, amounts) }, func(err error) {
		if err != nil {
			s.ui.setStatus(tr("Not saved."))
			s.ui.showError(err)
			return
		}
		// (5,000.00) is a credit: say so, so that a bracket typed as
		// decoration is noticed.
		var credits []string
		for i, a := range amounts {
			if a < 0 {
				credits = append(credits, s.monthLabels()[i]+" "+s.money(a))
			}
		}
		if len(credits) > 0 {
			s.ui.setStatus(trf("Saved line {{.ID}}, with credits (negative amounts): {{.Months}}", map[string]any{"ID": l.ID, "Months": strings.Join(credits, ", ")}))
		} else {
			s.ui.setStatus(trf("Saved line {{.ID}}", map[string]any{"ID": l.ID}))
		}
		s.ui.show(s.ui.current)
	})
}

func (s *budgetScreen) allocationView() fyne.CanvasObject {
	months := s.monthLabels()
	rows := make([][]string, len(s.allocs))
	for i, a := range s.allocs {
		rows[i] = []string{a.Pool, ruleText(a.Rule), "#" + strconv.FormatInt(a.LineID, 10), a.ServiceRef, months[a.Month-1], s.money(a.Amount)}
	}
	trace := textTable([]string{tr("Pool"), tr("Rule"), tr("Budget line"), tr("Service"), tr("Month"), tr("Amount")},
		[]float32{220, 140, 100, 120, 90, 140}, func() [][]string { return rows })
	s.ui.keepWidths("allocation-trace", trace)
	return container.NewBorder(s.ruleEditor(), nil, nil, nil, trace)
}

// ruleEditor sets how a pool is shared: even, fixed percentages, or a
// driver with a value per service, written one service per line.
func (s *budgetScreen) ruleEditor() fyne.CanvasObject {
	var pools []string
	seen := map[string]bool{}
	for _, l := range s.lines {
		if l.Pool != "" && !seen[l.Pool] {
			seen[l.Pool] = true
			pools = append(pools, l.Pool)
		}
	}
	if len(pools) == 0 {
		return widget.NewLabel(tr("No cost pools in this year's budget."))
	}
	s.rulePool = newSelect(pools, nil)
	s.rulePool.SetSelected(pools[0])
	methods := []string{tr("even"), tr("percent"), tr("driver")}
	s.ruleMethod = newSelect(methods, nil)
	s.ruleMethod.SetSelected(methods[1])
	s.ruleDriver = widget.NewEntry()
	s.ruleDriver.SetPlaceHolder(tr("driver: users, headcount, storage, ci_count…"))
	s.ruleShares = newTextArea()
	s.ruleShares.SetPlaceHolder(tr("one service per line: 网上银行 = 60"))
	s.ruleSave = &widget.Button{Text: tr("Set rule"), Icon: theme.ConfirmIcon(), OnTapped: s.onSetRule}
	head := container.NewHBox(widget.NewLabel(tr("Pool")), s.rulePool, s.ruleMethod, container.NewGridWrap(fyne.NewSize(260, s.ruleDriver.MinSize().Height), s.ruleDriver), s.ruleSave)
	return container.NewVBox(head, s.ruleShares, widget.NewSeparator())
}

func (s *budgetScreen) onSetRule() {
	shares := map[string]float64{}
	for _, line := range strings.Split(s.ruleShares.Text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(strings.NewReplacer("＝", "=", "：", "=", ":", "=").Replace(line), "=")
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), "%"), 64)
		if !ok || err != nil {
			s.ui.showError(fmt.Errorf("%s", trf("{{.Line}}: write it as service = value", map[string]any{"Line": line})))
			return
		}
		shares[strings.TrimSpace(name)] = v
	}
	method := []string{"even", "percent", "driver"}[s.ruleMethod.SelectedIndex()]
	fy, rule := s.fy, budget.Rule{Pool: s.rulePool.Selected, Method: method, Driver: strings.TrimSpace(s.ruleDriver.Text), Shares: shares}
	s.ui.save(nil, func() error { _, err := s.store().SetRule(s.ui.ctx, fy, rule); return err }, func() {
		s.ui.setStatus(trf("Pool {{.Pool}} is now allocated by {{.Method}}", map[string]any{"Pool": rule.Pool, "Method": tr(method)}))
		s.ui.show(s.ui.current)
	})
}

func (s *budgetScreen) varianceView() fyne.CanvasObject {
	row := func(label string, sum budget.Summary) []string {
		return []string{label, s.money(sum.Plan), s.money(sum.YTD.Planned()), s.money(sum.YTD.Actual),
			s.money(sum.YTD.Variance()), fmt.Sprintf("%.1f %%", sum.YTD.VariancePercent()), s.money(sum.Outturn), s.money(sum.RunRate)}
	}
	rows := make([][]string, 0, len(s.years)+1)
	for _, y := range s.years {
		rows = append(rows, row(y.ServiceRef+" "+y.ServiceName, y.Summary()))
	}
	if len(s.years) > 1 {
		// Finance reconciles against the total first.
		rows = append(rows, row(trf("Total ({{.Count}} services)", map[string]any{"Count": len(s.years)}), budget.TotalOf(s.years)))
	}
	summaries := make([]budget.Summary, 0, len(rows))
	for _, y := range s.years {
		summaries = append(summaries, y.Summary())
	}
	summaries = append(summaries, budget.TotalOf(s.years))
	// Over plan to date in red, under in green: the variance and its %.
	overUnder := func(row, col int) widget.Importance {
		if (col != 4 && col != 5) || row >= len(summaries) {
			return widget.MediumImportance
		}
		switch v := summaries[row].YTD.Variance(); {
		case v > 0:
			return widget.DangerImportance
		case v < 0:
			return widget.SuccessImportance
		}
		return widget.MediumImportance
	}
	table := styledTable([]string{tr("Service"), tr("Year plan"), tr("YTD plan"), tr("YTD actual"), tr("YTD variance"), "%", tr("Outturn"), tr("Run rate")},
		[]float32{260, 130, 130, 130, 130, 70, 130, 130}, func() [][]string { return rows }, overUnder)
	s.ui.keepWidths("variance", table)
	s.varianceTable = table
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.years) {
			s.service = id.Row
			s.ui.show(s.ui.current)
		}
	}
	var chart fyne.CanvasObject = widget.NewLabel("")
	if len(s.years) > 0 {
		chart = s.monthChart(s.years[s.service])
	}
	s.chart = chart
	s.serviceChart = s.servicesChart()
	charts := container.NewAppTabs(
		container.NewTabItem(tr("By month"), chart),
		container.NewTabItem(tr("By service"), container.NewVScroll(s.serviceChart)),
	)
	charts.SelectIndex(s.chartTab)
	charts.OnSelected = func(*container.TabItem) { s.chartTab = charts.SelectedIndex() }
	catRows := make([][]string, len(s.totals))
	for i, t := range s.totals {
		kind := tr("opex")
		if t.Capex {
			kind = tr("capex")
		}
		catRows[i] = []string{categoryText(t.Category), kind, s.money(t.Plan), s.money(t.YTDPlan), s.money(t.YTDActual), s.money(t.YTDActual - t.YTDPlan)}
	}
	if len(s.totals) > 1 {
		var total budget.CategoryTotal
		for _, t := range s.totals {
			total.Plan += t.Plan
			total.YTDPlan += t.YTDPlan
			total.YTDActual += t.YTDActual
		}
		catRows = append(catRows, []string{tr("Total"), "", s.money(total.Plan), s.money(total.YTDPlan), s.money(total.YTDActual), s.money(total.YTDActual - total.YTDPlan)})
	}
	byCategory := textTable([]string{tr("Category"), "", tr("Year plan"), tr("YTD plan"), tr("YTD actual"), tr("YTD variance")},
		[]float32{140, 70, 140, 140, 140, 140}, func() [][]string { return catRows })
	s.ui.keepWidths("variance-categories", byCategory)
	lower := newHSplit(charts, byCategory, 0.55)
	s.ui.keepSplit("variance-lower", lower)
	split := newVSplit(table, lower, 0.45)
	s.ui.keepSplit("variance", split)
	return split
}

// monthChart draws plan (budget + allocated) and actual per month for one
// service: pairs of bars, actual red where it is over plan.
func (s *budgetScreen) monthChart(y budget.ServiceYear) fyne.CanvasObject {
	const h, barW, gap = 160, 16, 22
	var top budget.Money = 1
	for _, m := range y.Months {
		top = max(top, m.Planned(), m.Actual)
	}
	height := func(m budget.Money) float32 { return float32(h) * float32(m) / float32(top) }
	var objs []fyne.CanvasObject
	planColor := theme.Color(theme.ColorNameDisabled)
	labels := s.monthLabels()
	for i, m := range y.Months {
		x := float32(10 + i*(2*barW+gap))
		p := canvas.NewRectangle(planColor)
		p.Move(fyne.NewPos(x, h-height(m.Planned())))
		p.Resize(fyne.NewSize(barW, height(m.Planned())))
		objs = append(objs, p)
		if i < y.Closed {
			c := theme.Color(theme.ColorNamePrimary)
			if m.Actual > m.Planned() {
				c = theme.Color(theme.ColorNameError)
			}
			a := canvas.NewRectangle(c)
			a.Move(fyne.NewPos(x+barW, h-height(m.Actual)))
			a.Resize(fyne.NewSize(barW, height(m.Actual)))
			objs = append(objs, a)
		}
		t := canvas.NewText(labels[i], theme.Color(theme.ColorNameForeground))
		t.TextSize = theme.CaptionTextSize()
		t.Move(fyne.NewPos(x, h+4))
		objs = append(objs, t)
	}
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(float32(12*(2*barW+gap)+20), h+24))
	legend := widget.NewLabel(trf("{{.Service}}: plan (grey) and actual by month; red is over plan", map[string]any{"Service": y.ServiceName}))
	return container.NewBorder(legend, nil, nil, nil, container.NewStack(spacer, container.NewWithoutLayout(objs...)))
}

// servicesChart draws, for every service, the plan to date (grey) over the
// actual to date (red where over plan): the whole estate at a glance.
func (s *budgetScreen) servicesChart() fyne.CanvasObject {
	const nameW, barW, barH, rowH = 210, 300, 9, 30
	var top budget.Money = 1
	for _, y := range s.years {
		ytd := y.YTD()
		top = max(top, ytd.Planned(), ytd.Actual)
	}
	width := func(m budget.Money) float32 { return float32(barW) * float32(max(m, 0)) / float32(top) }
	var objs []fyne.CanvasObject
	fg := theme.Color(theme.ColorNameForeground)
	for i, y := range s.years {
		ytd := y.YTD()
		y0 := float32(i*rowH + 4)
		name := canvas.NewText(truncateRunes(y.ServiceName, 22), fg)
		name.TextSize = theme.CaptionTextSize()
		name.Move(fyne.NewPos(4, y0+2))
		plan := canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))
		plan.Move(fyne.NewPos(nameW, y0))
		plan.Resize(fyne.NewSize(width(ytd.Planned()), barH))
		c := theme.Color(theme.ColorNamePrimary)
		if ytd.Actual > ytd.Planned() {
			c = theme.Color(theme.ColorNameError)
		}
		actual := canvas.NewRectangle(c)
		actual.Move(fyne.NewPos(nameW, y0+barH))
		actual.Resize(fyne.NewSize(width(ytd.Actual), barH))
		pct := canvas.NewText(fmt.Sprintf("%+.1f %%", ytd.VariancePercent()), fg)
		pct.TextSize = theme.CaptionTextSize()
		pct.Move(fyne.NewPos(nameW+barW+8, y0+2))
		objs = append(objs, name, plan, actual, pct)
	}
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(nameW+barW+70, float32(len(s.years)*rowH+8)))
	legend := widget.NewLabel(tr("Plan to date (grey) and actual to date per service; red is over plan"))
	return container.NewBorder(legend, nil, nil, nil, container.NewStack(spacer, container.NewWithoutLayout(objs...)))
}

// truncateRunes shortens text to n characters with an ellipsis, counting
// Chinese characters as one each.
func truncateRunes(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	return string(r[:n-1]) + "…"
}

func (s *budgetScreen) onExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := s.exportTo(path); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.setStatus(trf("Exported to {{.Path}}", map[string]any{"Path": path}))
	}, s.ui.win)
	d.SetFileName(fmt.Sprintf("budget-%d.xlsx", s.fy.Year))
	d.Show()
}

func (s *budgetScreen) exportTo(path string) error {
	if s.err != nil {
		return s.err
	}
	lang := "en"
	if isChinese() {
		lang = "zh" // the workbook speaks the window's language
	}
	return export.BudgetWorkbook(path, s.fy, s.lines, s.allocs, s.years, lang)
}

// actualsView is the spend recorded so far, per service or pool and
// category by month, with a form to record one more amount — the month's
// invoice that arrived after the ledger export was imported.
func (s *budgetScreen) actualsView() fyne.CanvasObject {
	header := append([]string{tr("Service / pool"), tr("Category")}, s.monthLabels()...)
	header = append(header, tr("Total"))
	rows := make([][]string, len(s.actuals))
	for i, a := range s.actuals {
		row := []string{a.Who(), categoryText(a.Category)}
		for _, m := range a.Amounts {
			row = append(row, s.money(m))
		}
		rows[i] = append(row, s.money(a.Total()))
	}
	widths := []float32{290, 110}
	for range 13 {
		widths = append(widths, 110)
	}
	grid := textTable(header, widths, func() [][]string { return rows })
	s.ui.keepWidths("actuals", grid)
	return container.NewBorder(s.actualForm(), nil, nil, nil, grid)
}

func (s *budgetScreen) actualForm() fyne.CanvasObject {
	var options []string
	s.actualKeys = nil
	seen := map[string]bool{}
	for _, l := range s.lines {
		key, label := l.Pool, l.Pool
		if l.ServiceRef != "" {
			key, label = l.ServiceRef, l.ServiceRef+" "+l.ServiceName
		}
		if !seen[key] {
			seen[key] = true
			s.actualKeys = append(s.actualKeys, key)
			options = append(options, label)
		}
	}
	s.actualWho = newSelect(options, nil)
	s.actualWho.PlaceHolder = tr("Service or pool")
	categories := make([]string, len(budget.Categories))
	for i, c := range budget.Categories {
		categories[i] = categoryText(c)
	}
	s.actualCategory = newSelect(categories, nil)
	s.actualCategory.PlaceHolder = tr("Category")
	s.actualMonth = newSelect(s.monthLabels(), nil)
	s.actualMonth.PlaceHolder = tr("Month")
	s.actualAmount = widget.NewEntry()
	s.actualAmount.SetPlaceHolder(tr("Amount"))
	s.actualAmount.OnSubmitted = func(string) { s.onRecordActual() }
	s.actualSave = &widget.Button{Text: tr("Record actual"), Icon: theme.ContentAddIcon(), OnTapped: s.onRecordActual}
	amount := container.NewGridWrap(fyne.NewSize(160, s.actualAmount.MinSize().Height), s.actualAmount)
	return container.NewVBox(container.NewHBox(s.actualWho, s.actualCategory, s.actualMonth, amount, s.actualSave), widget.NewSeparator())
}

func (s *budgetScreen) onRecordActual() {
	missing := func(field string) {
		s.ui.showError(fmt.Errorf("%s", trf("Not recorded: choose the {{.Field}}.", map[string]any{"Field": field})))
	}
	switch {
	case s.actualWho.SelectedIndex() < 0:
		missing(tr("Service or pool"))
		return
	case s.actualCategory.SelectedIndex() < 0:
		missing(tr("Category"))
		return
	case s.actualMonth.SelectedIndex() < 0:
		missing(tr("Month"))
		return
	}
	amount, err := budget.ParseAmount(s.actualAmount.Text, budget.Decimals(s.fy.Currency))
	if err != nil {
		s.ui.showError(fmt.Errorf("%s", trf("Amount: {{.Value}} is not an amount", map[string]any{"Value": s.actualAmount.Text})))
		return
	}
	fy, who, category, month := s.fy, s.actualKeys[s.actualWho.SelectedIndex()], budget.Categories[s.actualCategory.SelectedIndex()], s.actualMonth.SelectedIndex()+1
	said := trf("Recorded {{.Amount}} for {{.Who}}, {{.Month}}", map[string]any{
		"Amount": s.money(amount), "Who": s.actualWho.Selected, "Month": s.actualMonth.Selected})
	s.ui.save(nil, func() error { return s.store().AddActual(s.ui.ctx, fy, who, category, month, amount) }, func() {
		s.ui.setStatus(said)
		s.ui.show(s.ui.current)
	})
}

// onExportPDF prints the fiscal year shown as the budget report and opens it.
func (s *budgetScreen) onExportPDF() {
	s.ui.askPDFPath(fmt.Sprintf("budget-%d.pdf", s.fy.Year), func(path string) { s.printTo(path, true) })
}

// printTo writes the report of the fiscal year shown to path; with show,
// it opens it.
func (s *budgetScreen) printTo(path string, show bool) {
	year := s.fy.Year
	s.ui.printPDF(s.exportPDF, strconv.Itoa(year), path, show, func(opt export.PDFOptions) error {
		rep, err := export.LoadBudgetReport(s.ui.ctx, s.store(), year)
		if err != nil {
			return err
		}
		return export.BudgetPDF(path, rep, opt)
	})
}

// onDeleteLine deletes a proposed line after asking, naming it.
func (s *budgetScreen) onDeleteLine(l budget.Line) {
	msg := trf("Delete line {{.ID}} ({{.What}}, {{.Total}} for the year)? The change log keeps it.",
		map[string]any{"ID": l.ID, "What": strings.TrimSpace(l.ServiceName + l.Pool + " " + l.Description), "Total": s.money(l.Total())})
	d := dialog.NewConfirm(tr("Delete line"), msg, func(ok bool) {
		if !ok {
			return
		}
		s.ui.save(nil, func() error { return s.store().DeleteLine(s.ui.ctx, l.ID) }, func() {
			s.selected = -1
			s.ui.setStatus(trf("Line {{.ID}} deleted", map[string]any{"ID": l.ID}))
			s.ui.show(s.ui.current)
		})
	}, s.ui.win)
	d.SetConfirmText(tr("Delete"))
	d.SetDismissText(tr("Cancel"))
	d.Show()
}

// ruleText is an allocation rule as stored ("even", "percent", "driver:
// users") in the window's words: 平均分摊, 按比例, 按动因：用户数.
func ruleText(rule string) string {
	method, driver, hasDriver := strings.Cut(rule, ": ")
	text := map[string]string{"even": tr("even split"), "percent": tr("by percentage"), "driver": tr("by driver")}[method]
	if text == "" {
		return rule
	}
	if hasDriver {
		known := map[string]string{"users": tr("users"), "headcount": tr("headcount"), "storage": tr("storage"), "ci_count": tr("number of CIs")}
		if d, ok := known[driver]; ok {
			driver = d
		}
		text += ": " + driver
	}
	return text
}
