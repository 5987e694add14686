package app

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"servicebook/audit"
	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// dashboardScreen shows the state of the CMDB at a glance: CIs by type and
// status, CIs nobody owns, and the latest changes.
type dashboardScreen struct {
	ui       *UI
	byType   map[string]int
	byStatus map[cmdb.Status]int
	unowned  []cmdb.CI
	noOwner  int
	recent   []store.Change
	types    []cmdb.Type
	plans    []continuity.PlanSummary
	actions  []continuity.Action
	// overPlan is the latest fiscal year's services whose actual to date
	// exceeds their plan to date, worst first.
	overPlan []budget.ServiceYear
	fy       budget.FiscalYear
	// breaches are the resources forecast to reach their warning within
	// 90 days with no upgrade planned, soonest first.
	breaches []capacity.ResourceStatus
	working  bool // resources' statuses are being worked out for the breaches card
	// auditRep is the latest run of the readiness checks, for the audit
	// card; auditing while one runs off the UI goroutine.
	auditRep *audit.Report
	auditing bool
	building bool // view is being built: what it starts need not show again
	loaded   bool
}

// auditOnOpen is how many CIs the dashboard runs the readiness checks for
// by itself. On a bigger CMDB they cost hundreds of milliseconds and tens
// of megabytes while the window opens (measured at 100k CIs: +300 ms,
// +55 MB), so the card offers to run them instead, on the Audit screen.
const auditOnOpen = 20_000

func (d *dashboardScreen) smallEnoughToAudit() bool {
	total := 0
	for _, n := range d.byType {
		total += n
	}
	return total <= auditOnOpen
}

// runAudit runs the readiness checks off the UI goroutine (at 100k CIs
// they take a few hundred milliseconds the dashboard should not wait for)
// and then shows the audit card.
func (d *dashboardScreen) runAudit() {
	d.auditing = true
	u := d.ui
	src := u.audit.sources()
	u.background(func() func() {
		set, err := audit.LoadSettings(u.ctx, u.store.DB)
		var rep audit.Report
		if err == nil {
			rep, err = audit.Run(u.ctx, src, set, u.store.DB.User)
		}
		return func() {
			d.auditing = false
			if err != nil {
				return // the Audit screen says why when it is opened
			}
			d.auditRep = &rep
			if u.current < len(u.screens) && u.screens[u.current] == screen(d) && !d.building {
				u.show(u.current)
			}
		}
	})
}

// auditRows are the audit card's rows: the findings by severity.
func (d *dashboardScreen) auditRows() [][2]string {
	if d.auditRep == nil && d.ui.audit != nil && d.ui.audit.report != nil {
		d.auditRep = d.ui.audit.report // run on the Audit screen
	}
	if d.auditRep == nil {
		if d.auditing {
			return [][2]string{{tr("Checking…"), ""}}
		}
		return [][2]string{{tr("Run the readiness checks"), "→"}}
	}
	checks := 0
	for _, r := range d.auditRep.Results {
		if len(r.Findings) > 0 {
			checks++
		}
	}
	return [][2]string{
		{tr("Major findings"), fmt.Sprint(d.auditRep.Count(audit.Major))},
		{tr("Minor findings"), fmt.Sprint(d.auditRep.Count(audit.Minor))},
		{tr("Checks with findings"), fmt.Sprintf("%d / %d", checks, len(d.auditRep.Results))},
	}
}

// workOutStatuses has the resources' statuses that are not kept yet (after
// an import, say) worked out off the UI goroutine, and then shows the
// breaches card again.
func (d *dashboardScreen) workOutStatuses() {
	d.working = true
	ctx := d.ui.ctx
	d.ui.background(func() func() {
		_, err := d.ui.store.Capacity.Statuses(ctx, soon, capacity.WhatIf{}, nil)
		var breaches []capacity.ResourceStatus
		if err == nil {
			breaches, _, err = d.ui.store.Capacity.Breaches(ctx, soon)
		}
		return func() {
			d.working = false
			if err != nil {
				d.ui.showError(err)
				return
			}
			d.breaches = breaches
			if d.ui.current < len(d.ui.screens) && d.ui.screens[d.ui.current] == screen(d) && !d.building {
				d.ui.show(d.ui.current)
			}
		}
	})
}

func (d *dashboardScreen) title() string { return tr("Dashboard") }

func (d *dashboardScreen) reload() {
	ctx := d.ui.ctx
	s := d.ui.store.CMDB
	var err error
	if d.byType, d.byStatus, err = s.Counts(ctx); err == nil {
		if d.unowned, d.noOwner, err = s.ListCIs(ctx, cmdb.Filter{Owner: "-", Limit: 10}); err == nil {
			if d.recent, err = d.ui.store.DB.RecentChanges(ctx, 15); err == nil {
				d.types, err = s.Types(ctx)
			}
		}
	}
	if err == nil {
		if d.plans, err = d.ui.store.Continuity.Plans(ctx); err == nil {
			d.actions, err = d.ui.store.Continuity.Actions(ctx, "", true)
		}
	}
	if err == nil {
		err = d.loadOverPlan(ctx)
	}
	if !d.auditing && d.smallEnoughToAudit() {
		d.runAudit()
	}
	if err == nil {
		var missing int
		if d.breaches, missing, err = d.ui.store.Capacity.Breaches(ctx, soon); err == nil && missing > 0 && !d.working {
			d.workOutStatuses()
		}
	}
	if err != nil {
		d.ui.showError(err)
	}
	d.loaded = true
}

func (d *dashboardScreen) loadOverPlan(ctx context.Context) error {
	d.overPlan, d.fy = nil, budget.FiscalYear{}
	fys, err := d.ui.store.Budget.FiscalYears(ctx)
	if err != nil || len(fys) == 0 {
		return err
	}
	d.fy = fys[len(fys)-1]
	years, err := d.ui.store.Budget.Report(ctx, d.fy, "")
	if err != nil {
		// A pool without a rule is the budget screen's to explain; the
		// dashboard simply has no figures to show yet.
		return nil
	}
	for _, y := range years {
		if ytd := y.YTD(); ytd.Actual > ytd.Planned() {
			d.overPlan = append(d.overPlan, y)
		}
	}
	sort.Slice(d.overPlan, func(i, j int) bool {
		return d.overPlan[i].YTD().VariancePercent() > d.overPlan[j].YTD().VariancePercent()
	})
	return nil
}

func (d *dashboardScreen) overPlanTitle() string {
	if d.fy.ID == 0 {
		return tr("Budget")
	}
	return trf("Budget {{.Year}}: services over plan to date", map[string]any{"Year": d.fy.Year})
}

// overPlanRows are the services over plan to date, with how much.
func (d *dashboardScreen) overPlanRows() [][2]string {
	rows := make([][2]string, len(d.overPlan))
	for i, y := range d.overPlan {
		ytd := y.YTD()
		rows[i] = [2]string{y.ServiceName, fmt.Sprintf("+%s (%+.1f %%)", ytd.Variance().Format(budget.Decimals(d.fy.Currency)), ytd.VariancePercent())}
	}
	return rows
}

// attention lists what an auditor would ask about first: plans needing a
// review or a re-test, exercises not reviewed, and actions past due.
func (d *dashboardScreen) attention() [][2]string {
	today := d.ui.store.DB.Now().Format("2006-01-02")
	var rows [][2]string
	for _, p := range d.plans {
		switch {
		case p.NeedsReview:
			rows = append(rows, [2]string{p.DocNumber, tr("needs review") + ": " + reasonText(p.NeedsReason, d.types)})
		case p.ReviewOverdue:
			rows = append(rows, [2]string{p.DocNumber, tr("review overdue") + " (" + p.NextReview + ")"})
		}
		if p.RetestRequired {
			rows = append(rows, [2]string{p.DocNumber, tr("re-test required")})
		}
		if p.UnreviewedExercises > 0 {
			rows = append(rows, [2]string{p.DocNumber, tr("exercise not reviewed")})
		}
	}
	for _, a := range d.actions {
		if a.Due != "" && a.Due < today {
			rows = append(rows, [2]string{a.DocNumber, trf("action #{{.ID}} overdue since {{.Due}}: {{.What}}",
				map[string]any{"ID": a.ID, "Due": a.Due, "What": a.Description})})
		}
	}
	return rows
}

func (d *dashboardScreen) view() fyne.CanvasObject {
	d.building = true
	defer func() { d.building = false }()
	if !d.loaded {
		d.reload()
	}
	total := 0
	for _, n := range d.byType {
		total += n
	}
	// Types with the most CIs first.
	types := append([]cmdb.Type(nil), d.types...)
	sort.SliceStable(types, func(i, j int) bool { return d.byType[types[i].Key] > d.byType[types[j].Key] })
	var typeRows [][2]string
	var typeKeys []string
	for _, t := range types {
		if n := d.byType[t.Key]; n > 0 {
			typeRows = append(typeRows, [2]string{typeName(t), fmt.Sprint(n)})
			typeKeys = append(typeKeys, t.Key)
		}
	}
	var statusRows [][2]string
	for _, st := range cmdb.Statuses {
		statusRows = append(statusRows, [2]string{statusLabel(st), fmt.Sprint(d.byStatus[st])})
	}
	var unownedRows [][2]string
	for _, c := range d.unowned {
		unownedRows = append(unownedRows, [2]string{c.Ref, c.Name})
	}
	var recentRows [][2]string
	for _, c := range d.recent {
		recentRows = append(recentRows, [2]string{c.At.Local().Format("01-02 15:04") + "  " + c.Who, changeText(c, types)})
	}
	heading := widget.NewLabelWithStyle(countText(total, "{{.Count}} configuration item", "{{.Count}} configuration items"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// A grid row per pair of cards: one grid for all six would give every
	// card the height of the longest, and push the rest below the fold.
	// Every row opens what it names.
	attention := d.attention()
	grid := container.NewVBox(
		// First what an auditor would find: the readiness checks.
		container.NewGridWithColumns(2,
			card(tr("Audit readiness"), d.auditRows(), func(int) { d.ui.showScreen(d.ui.audit) }),
			layout.NewSpacer()),
		container.NewGridWithColumns(2,
			card(tr("Continuity: needs attention"), attention, func(i int) { d.openPlan(attention[i][0]) }),
			card(tr("Open actions"), actionRows(d.actions), func(i int) { d.openPlan(d.actions[i].DocNumber) })),
		container.NewGridWithColumns(2,
			card(tr("CIs by type"), typeRows, func(i int) { d.openCIs(typeKeys[i], "") }),
			card(tr("CIs by status"), statusRows, func(i int) { d.openCIs("", cmdb.Statuses[i]) })),
		container.NewGridWithColumns(2,
			card(d.overPlanTitle(), d.overPlanRows(), func(i int) {
				d.ui.showScreen(d.ui.budget)
				d.ui.budget.tab = budgetVarianceTab
				d.ui.show(d.ui.current)
			}),
			card(trf("CIs without an owner ({{.Count}})", map[string]any{"Count": d.noOwner}), unownedRows, func(i int) { d.openCI(d.unowned[i]) })),
		container.NewGridWithColumns(2,
			card(tr("Capacity: warning in 90 days, no upgrade"), d.breachRows(), func(i int) { d.openResource(d.breaches[i].Name) }),
			card(tr("Recent changes"), recentRows, func(i int) { d.openChange(d.recent[i]) })),
	)
	return container.NewBorder(heading, nil, nil, nil, container.NewVScroll(grid))
}

// card is a titled list of label–value rows; with open, tapping row i
// opens what it names (and a cut value is read whole there).
func card(title string, rows [][2]string, open func(i int)) fyne.CanvasObject {
	items := container.NewVBox()
	for i, r := range rows {
		left, right := newTipLabel(r[0]), newTipLabel(r[1])
		var row fyne.CanvasObject = container.NewGridWithColumns(2, left, right)
		if open != nil {
			i := i
			row = newTappableRow(row, func() { open(i) })
		}
		items.Add(row)
	}
	if len(rows) == 0 {
		items.Add(widget.NewLabel(tr("None")))
	}
	return widget.NewCard(title, "", items)
}

// typeName is a CI type's name in the window's language.
func typeName(t cmdb.Type) string {
	if isChinese() && t.NameZh != "" {
		return t.NameZh
	}
	return t.Name
}

func statusLabel(s cmdb.Status) string { return tr(strings.ToUpper(s.Label()[:1]) + s.Label()[1:]) }

func actionRows(actions []continuity.Action) [][2]string {
	var rows [][2]string
	for _, a := range actions {
		rows = append(rows, [2]string{a.DocNumber + "  #" + fmt.Sprint(a.ID), a.Description + "  (" + a.Owner + ", " + a.Due + ")"})
	}
	return rows
}

// openPlan shows the plan doc in the plan editor.
func (d *dashboardScreen) breachRows() [][2]string {
	var rows [][2]string
	for _, f := range d.breaches {
		rows = append(rows, [2]string{f.Name, reachText(f.ToWarning, 90)})
	}
	return rows
}

// openResource shows a resource on the Capacity screen.
func (d *dashboardScreen) openResource(name string) {
	c := d.ui.capacity
	d.ui.showScreen(c)
	for i, r := range c.rows {
		if r.Name == name {
			c.selected = i
		}
	}
	d.ui.show(d.ui.current)
}

func (d *dashboardScreen) openPlan(doc string) {
	d.ui.showScreen(d.ui.plans)
	d.ui.plans.open(doc)
	d.ui.show(d.ui.current)
}

// openCIs shows the CI list filtered by type or status.
func (d *dashboardScreen) openCIs(typeKey string, status cmdb.Status) {
	c := d.ui.cis
	c.query, c.typeKey, c.status, c.criticality = "", typeKey, status, 0
	d.ui.showScreen(c)
	c.reload()
	d.ui.show(d.ui.current)
}

// openCI shows one CI in the CI screen's form.
func (d *dashboardScreen) openCI(ci cmdb.CI) {
	c := d.ui.cis
	c.query, c.typeKey, c.status, c.criticality = ci.Ref, "", "", 0
	d.ui.showScreen(c)
	c.reload()
	c.open(ci)
}

// openChange opens the record a change was made to, where the window has
// a place for it: a CI, or a plan.
func (d *dashboardScreen) openChange(ch store.Change) {
	switch ch.Entity {
	case "ci":
		if cis, err := d.ui.store.CMDB.CIsByID(d.ui.ctx, []int64{ch.EntityID}); err == nil {
			if ci, ok := cis[ch.EntityID]; ok {
				d.openCI(ci)
				return
			}
		}
		d.ui.setStatus(tr("That CI no longer exists; its history is in the change log."))
	case "plan":
		for _, p := range d.plans {
			if p.ID == ch.EntityID {
				d.openPlan(p.DocNumber)
				return
			}
		}
	}
}

// tappableRow is a row of a card that opens what it names when tapped.
type tappableRow struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTappableRow(content fyne.CanvasObject, onTap func()) *tappableRow {
	r := &tappableRow{content: content, onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

func (r *tappableRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(r.content)
}

func (r *tappableRow) Tapped(*fyne.PointEvent) { r.onTap() }

// Cursor shows the row can be clicked.
func (r *tappableRow) Cursor() desktop.Cursor { return desktop.PointerCursor }
