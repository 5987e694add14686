package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/audit"
	"servicebook/cmdb"
	"servicebook/export"
)

// auditScreen is the internal auditor's view: every readiness check with
// its clauses, severity and how many records fall short, over the
// findings of the one selected; each finding opens the screen that fixes
// it.
type auditScreen struct {
	ui       *UI
	report   *audit.Report
	selected int // the check shown below
	// for tests
	checks   *gridTable
	findings *gridTable
	open     *widget.Button
	selFind  int
	// thresholdInputs are the Thresholds… dialog's entries, in the order
	// of Settings' fields.
	thresholdInputs []*widget.Entry
	// rowResult maps a row of the checks table to its result, -1 for a
	// clause's row.
	rowResult []int
}

// tableRow is the checks table's row of result i.
func (s *auditScreen) tableRow(i int) int {
	return max(0, slices.Index(s.rowResult, i))
}

func (s *auditScreen) title() string { return tr("Audit readiness") }

// enter has the checks run again when the screen is brought up: what was
// fixed elsewhere is seen.
func (s *auditScreen) enter() { s.report = nil }

func (s *auditScreen) reload() {
	u := s.ui
	set, err := audit.LoadSettings(u.ctx, u.store.DB)
	if err != nil {
		u.showError(err)
		return
	}
	rep, err := audit.Run(u.ctx, s.sources(), set, u.store.DB.User)
	if err != nil {
		u.showError(err)
		return
	}
	s.report = &rep
	if s.selected >= len(rep.Results) {
		s.selected = 0
	}
}

// sources are the stores the checks read.
func (s *auditScreen) sources() audit.Sources {
	u := s.ui
	return audit.Sources{DB: u.store.DB, CMDB: u.store.CMDB, Continuity: u.store.Continuity, Budget: u.store.Budget, Capacity: u.store.Capacity}
}

// printTo writes the report on screen to path off the UI goroutine: the
// internal-audit checklist ("checklist") or the management-review input
// pack ("review"), in the window's language; opens it when show is set.
func (s *auditScreen) printTo(path, what string, show bool, button *widget.Button) {
	rep := *s.report
	title := tr("Internal audit checklist")
	if what == "review" {
		title = tr("Management review input")
	}
	s.ui.printPDF(button, title, path, show, func(opt export.PDFOptions) error {
		if what == "checklist" {
			return export.AuditChecklistPDF(path, rep, opt)
		}
		pack, err := export.LoadReviewPack(s.ui.ctx, s.sources(), rep)
		if err != nil {
			return err
		}
		return export.ReviewPackPDF(path, pack, opt)
	})
}

func severityText(sev audit.Severity) string {
	switch sev {
	case audit.Major:
		return tr("major")
	case audit.Minor:
		return tr("minor")
	}
	return tr("observation")
}

func (s *auditScreen) checkTitle(c audit.Check) string {
	if currentLanguage == Chinese {
		return c.TitleZh
	}
	return c.Title
}

func (s *auditScreen) view() fyne.CanvasObject {
	if s.report == nil {
		s.reload()
	}
	if s.report == nil {
		return widget.NewLabel(tr("The checks could not be run."))
	}
	rep := s.report
	summary := widget.NewLabel(trf("As of {{.Time}}, run by {{.By}}: {{.Major}} major, {{.Minor}} minor findings.",
		map[string]any{"Time": rep.AsOf.Format("2006-01-02 15:04"), "By": rep.RunBy, "Major": rep.Count(audit.Major), "Minor": rep.Count(audit.Minor)}))
	summary.Wrapping = fyne.TextWrapWord // beside three buttons at 1024 wide
	again := &widget.Button{Text: tr("Check again"), Icon: theme.ViewRefreshIcon(), OnTapped: func() {
		s.reload()
		s.ui.show(s.ui.current)
	}}
	// The checks grouped under their clause of the 2018 standard, each
	// clause a row of its own with its counts: the order an auditor works
	// through the standard.
	var rows [][]string
	var clauseFindings [][2]int // per clause row: findings, major ones
	s.rowResult = s.rowResult[:0]
	byClause := rep.ByClause()
	for _, cl := range audit.Clauses {
		results := byClause[cl.Number]
		if len(results) == 0 {
			continue
		}
		found, major := 0, 0
		for _, r := range results {
			found += len(r.Findings)
			if r.Severity == audit.Major {
				major += len(r.Findings)
			}
		}
		title := cl.Title
		if currentLanguage == Chinese {
			title = cl.TitleZh
		}
		majors := ""
		if major > 0 {
			majors = trf("{{.Major}} major", map[string]any{"Major": major})
		}
		rows = append(rows, []string{"§" + cl.Number, title, strconv.Itoa(found), majors, "", ""})
		s.rowResult = append(s.rowResult, -1)
		clauseFindings = append(clauseFindings, [2]int{found, major})
		for _, r := range results {
			i := slices.IndexFunc(rep.Results, func(x audit.Result) bool { return x.ID == r.ID })
			state := tr("ok")
			if n := len(r.Findings); n > 0 {
				state = strconv.Itoa(n)
			}
			// What an auditor looks for first comes first: at 1024 wide the
			// clauses and counts looked at scroll in from the right.
			rows = append(rows, []string{"   " + r.ID, s.checkTitle(r.Check), state, severityText(r.Severity),
				"2011 §" + r.Clause2011 + " / 2018 §" + r.Clause2018, strconv.Itoa(r.Looked)})
			s.rowResult = append(s.rowResult, i)
		}
	}
	s.checks = styledTable([]string{tr("Check"), tr("Requirement"), tr("Findings"), tr("Severity"), tr("Clause"), tr("Looked at")},
		[]float32{70, 380, 100, 100, 200, 90}, func() [][]string { return rows },
		func(row, col int) widget.Importance {
			if row >= len(s.rowResult) {
				return widget.MediumImportance
			}
			if s.rowResult[row] < 0 { // a clause: its name in blue, its count in its worst colour
				n := 0
				for _, r := range s.rowResult[:row+1] {
					if r < 0 {
						n++
					}
				}
				switch f := clauseFindings[n-1]; {
				case col < 2:
					return widget.HighImportance
				case col > 3:
					return widget.MediumImportance
				case f[1] > 0:
					return widget.DangerImportance
				case f[0] > 0:
					return widget.WarningImportance
				}
				return widget.SuccessImportance
			}
			if col != 2 {
				return widget.MediumImportance
			}
			r := rep.Results[s.rowResult[row]]
			switch {
			case len(r.Findings) == 0:
				return widget.SuccessImportance
			case r.Severity == audit.Major:
				return widget.DangerImportance
			}
			return widget.WarningImportance
		})
	s.ui.keepWidths("audit-checks", s.checks)
	s.checks.Select(widget.TableCellID{Row: s.tableRow(s.selected), Col: 0})
	s.checks.OnSelected = func(id widget.TableCellID) {
		if id.Row >= len(s.rowResult) || s.rowResult[id.Row] < 0 {
			return // a clause's row: its checks are below it
		}
		if i := s.rowResult[id.Row]; i != s.selected {
			s.selected, s.selFind = i, 0
			s.ui.show(s.ui.current)
		}
	}
	split := newVSplit(s.checks, s.findingsView(), 0.5)
	s.ui.keepSplit("audit", split)
	var printChecklist, printReview *widget.Button
	printChecklist = &widget.Button{Text: tr("Print checklist…"), Icon: theme.DocumentPrintIcon(), OnTapped: func() {
		s.ui.askPDFPath("internal-audit-checklist-"+rep.AsOf.Format("2006-01-02")+".pdf", func(path string) { s.printTo(path, "checklist", true, printChecklist) })
	}}
	printReview = &widget.Button{Text: tr("Print review pack…"), Icon: theme.DocumentPrintIcon(), OnTapped: func() {
		s.ui.askPDFPath("management-review-input-"+rep.AsOf.Format("2006-01-02")+".pdf", func(path string) { s.printTo(path, "review", true, printReview) })
	}}
	thresholds := &widget.Button{Text: tr("Thresholds…"), Icon: theme.SettingsIcon(), OnTapped: s.onThresholds}
	buttons := container.NewHBox(printChecklist, printReview, thresholds, again)
	return container.NewBorder(container.NewBorder(nil, nil, nil, buttons, summary), nil, nil, nil, split)
}

// findingsView lists the selected check's findings, each with the record
// it names, and opens the screen that fixes the one selected.
func (s *auditScreen) findingsView() fyne.CanvasObject {
	r := s.report.Results[s.selected]
	if len(r.Findings) == 0 {
		return container.NewCenter(widget.NewLabel("✓ " + trf("{{.Check}}: nothing found in {{.Count}} records looked at.",
			map[string]any{"Check": s.checkTitle(r.Check), "Count": r.Looked})))
	}
	rows := make([][]string, len(r.Findings))
	for i, f := range r.Findings {
		text := msgText(f.Msg, f.Msg.String())
		if f.OwnRecord {
			text += "  " + tr("(a record you own)")
		}
		rows[i] = []string{f.Record, text, f.Owner}
	}
	s.findings = textTable([]string{tr("Record"), tr("Finding"), tr("Owner")}, []float32{150, 640, 180}, func() [][]string { return rows })
	s.ui.keepWidths("audit-findings", s.findings)
	if s.selFind >= len(r.Findings) {
		s.selFind = 0
	}
	s.findings.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(r.Findings) {
			s.selFind = id.Row
		}
	}
	s.open = &widget.Button{Text: tr("Open the record"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance, OnTapped: func() {
		s.openFinding(r.Findings[s.selFind])
	}}
	title := bold(fmt.Sprintf("%s  %s", r.ID, s.checkTitle(r.Check)))
	return container.NewBorder(container.NewBorder(nil, nil, nil, s.open, title), nil, nil, nil, s.findings)
}

// openFinding shows the screen that fixes f, at its record where the
// screen can show one.
func (s *auditScreen) openFinding(f audit.Finding) {
	u := s.ui
	switch f.Screen {
	case "plans":
		u.showScreen(u.plans)
		if strings.HasPrefix(f.Record, "SM-") { // a service without a plan: the list, to write one
			u.plans.open(f.Record)
		}
	case "capacity":
		c := u.capacity
		if strings.HasPrefix(f.Record, "SM-") {
			c.tab = 1
			if c.plans == nil {
				c.plans = &capacityPlans{ui: u}
			}
			c.plans.selected = ""
			u.showScreen(c)
			c.plans.open(f.Record)
			return
		}
		c.tab = 0
		u.showScreen(c)
		for i, r := range c.rows {
			if r.Name == f.Record {
				c.selected = i
			}
		}
		u.show(u.current)
	case "cis":
		if ci, err := u.store.CMDB.CI(u.ctx, f.Record); err == nil {
			u.dashboard.openCI(ci)
		}
	case "availability":
		u.showScreen(u.avail)
	case "budget":
		u.showScreen(u.budget)
	case "config-audits":
		if id, err := cmdb.ParseAuditNumber(f.Record); err == nil {
			u.configAudits.selectAudit(id)
		}
		u.showScreen(u.configAudits)
	}
}

// onThresholds asks for the checks' thresholds, saves them in the database
// (the organisation's policy, in the change log) and runs the checks again.
func (s *auditScreen) onThresholds() {
	u := s.ui
	set := s.report.Settings
	values := []float64{float64(set.ExerciseMonths), float64(set.BreachDays), set.OverBudgetPct, float64(set.InvestigateDays), float64(set.ConfigAuditMonths)}
	labels := []string{tr("Plans exercised every (months)"), tr("Capacity breach counts within (days)"), tr("Over budget by more than (%)"),
		tr("Outages investigated within (days)"), tr("Configuration audit every (months)")}
	s.thresholdInputs = make([]*widget.Entry, len(values))
	items := make([]*widget.FormItem, len(values))
	for i, v := range values {
		e := widget.NewEntry()
		e.SetText(strconv.FormatFloat(v, 'f', -1, 64))
		s.thresholdInputs[i] = e
		items[i] = widget.NewFormItem(labels[i], e)
	}
	ownerMay := widget.NewCheck(tr("A plan's owner may approve it"), nil)
	ownerMay.SetChecked(set.OwnerMayApprove == 1)
	items = append(items, widget.NewFormItem("", ownerMay))
	d := dialog.NewForm(tr("Readiness thresholds"), tr("Save"), tr("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		nums := make([]float64, len(values))
		for i, e := range s.thresholdInputs {
			v, err := strconv.ParseFloat(strings.TrimSpace(e.Text), 64)
			if err != nil {
				u.showError(fmt.Errorf("%s", trf("{{.Field}}: “{{.Value}}” is not a number.", map[string]any{"Field": labels[i], "Value": e.Text})))
				return
			}
			nums[i] = v
		}
		next := audit.Settings{ExerciseMonths: int(nums[0]), BreachDays: int(nums[1]), OverBudgetPct: nums[2], InvestigateDays: int(nums[3]),
			ConfigAuditMonths: int(nums[4])}
		if ownerMay.Checked {
			next.OwnerMayApprove = 1
		}
		u.save(nil, func() error { return audit.SaveSettings(u.ctx, u.store.DB, next) }, func() {
			u.setStatus(tr("Thresholds saved; the checks ran again."))
			s.reload()
			u.dashboard.auditRep = nil
			u.show(u.current)
		})
	}, u.win)
	for _, e := range s.thresholdInputs {
		e.OnSubmitted = func(string) { d.Submit() } // Enter saves
	}
	d.Resize(fyne.NewSize(520, 360))
	d.Show()
}
