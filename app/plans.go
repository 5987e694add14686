package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// plansScreen lists continuity plans over the editor of the selected one.
type plansScreen struct {
	ui       *UI
	plans    []continuity.PlanSummary
	selected string // document number
	draft    continuity.Plan
	tab      int
	problems map[string]string
	// inputs of the current view, for tests
	inputs     map[string]*widget.Entry
	save       *widget.Button
	approve    *widget.Button
	review     *widget.Button
	table      *widget.Table
	newPlan    *widget.Button
	approver   *widget.Entry
	reviewer   *widget.Entry
	linkRef    *widget.Entry
	linkBtn    *widget.Button
	copyHolder *widget.Entry
	addCopy    *widget.Button
	// the New plan dialog
	newService *widget.Select
	newRefs    map[string]string
	newDialog  dialog.Dialog
}

func (s *plansScreen) title() string { return tr("Continuity plans") }

func (s *plansScreen) store() *continuity.Store { return s.ui.store.Continuity }

func (s *plansScreen) reload() {
	var err error
	if s.plans, err = s.store().Plans(s.ui.ctx); err != nil {
		s.ui.showError(err)
	}
}

func statusText(p continuity.Plan) string {
	switch p.Status() {
	case continuity.Draft:
		return tr("DRAFT")
	case continuity.Revised:
		return tr("revised, awaiting approval")
	}
	return tr("approved")
}

func (s *plansScreen) view() fyne.CanvasObject {
	s.reload()
	rows := func() [][]string {
		var out [][]string
		for _, p := range s.plans {
			var flags []string
			if p.NeedsReview {
				flags = append(flags, tr("needs review"))
			}
			if p.ReviewOverdue {
				flags = append(flags, tr("review overdue"))
			}
			if p.RetestRequired {
				flags = append(flags, tr("re-test required"))
			}
			if p.UnreviewedExercises > 0 {
				flags = append(flags, tr("exercise not reviewed"))
			}
			if p.OverdueActions > 0 {
				flags = append(flags, trf("{{.Count}} actions overdue", map[string]any{"Count": p.OverdueActions}))
			}
			last := p.LastExercise
			if last != "" {
				last += " " + outcomeText(p.LastOutcome)
			}
			out = append(out, []string{p.DocNumber, p.Title, p.ServiceName, p.Version, statusText(p.Plan), p.NextReview, last, strings.Join(flags, tr(", "))})
		}
		return out
	}
	s.table = textTable([]string{tr("Document"), tr("Title"), tr("Service"), tr("Version"), tr("Status"), tr("Next review"), tr("Last exercise"), tr("Flags")},
		[]float32{100, 300, 200, 70, 120, 110, 200, 260}, rows)
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.plans) {
			s.open(s.plans[id.Row].DocNumber)
		}
	}
	s.newPlan = &widget.Button{Text: tr("New plan"), Icon: theme.ContentAddIcon(), OnTapped: s.onNew}
	top := container.NewBorder(nil, nil, nil, s.newPlan, widget.NewLabel(trf("{{.Count}} plans", map[string]any{"Count": len(s.plans)})))
	split := container.NewVSplit(s.table, s.editor())
	split.Offset = 0.3
	return container.NewBorder(top, nil, nil, nil, split)
}

func outcomeText(o continuity.Outcome) string {
	switch o {
	case continuity.Passed:
		return tr("passed")
	case continuity.PassedWithIssues:
		return tr("passed with issues")
	case continuity.Failed:
		return tr("failed")
	}
	return ""
}

func (s *plansScreen) open(doc string) {
	// CMDB changes since the last look may flag the plan.
	if err := s.store().AssessChanges(s.ui.ctx); err != nil {
		s.ui.showError(err)
		return
	}
	p, err := s.store().Plan(s.ui.ctx, doc)
	if err != nil {
		s.ui.showError(err)
		return
	}
	s.selected, s.draft, s.problems = doc, p, nil
	s.ui.show(s.ui.current)
}

// onNew asks for what a plan needs to exist: number, title, service.
func (s *plansScreen) onNew() {
	services, _, err := s.ui.store.CMDB.ListCIs(s.ui.ctx, cmdb.Filter{})
	if err != nil {
		s.ui.showError(err)
		return
	}
	types, _ := s.ui.store.CMDB.Types(s.ui.ctx)
	isService := map[string]bool{}
	for _, t := range types {
		isService[t.Key] = t.IsService
	}
	var names []string
	refs := map[string]string{}
	for _, c := range services {
		if isService[c.TypeKey] {
			label := c.Ref + " " + c.Name
			names = append(names, label)
			refs[label] = c.Ref
		}
	}
	doc, title := widget.NewEntry(), widget.NewEntry()
	doc.SetPlaceHolder("SM-02002")
	svc := widget.NewSelect(names, nil)
	s.inputs = map[string]*widget.Entry{"new.doc": doc, "new.title": title}
	s.newService = svc
	s.newRefs = refs
	d := dialogForm(s.ui, tr("New plan"), []*widget.FormItem{
		widget.NewFormItem(tr("Document number"), doc),
		widget.NewFormItem(tr("Title"), title),
		widget.NewFormItem(tr("Service"), svc),
	}, func() {
		s.createPlan(doc.Text, title.Text, refs[svc.Selected])
	})
	s.newDialog = d
}

func (s *plansScreen) createPlan(doc, title, serviceRef string) {
	p, err := s.store().CreatePlan(s.ui.ctx, continuity.Plan{DocNumber: doc, Title: title, ServiceRef: serviceRef})
	if err != nil {
		s.ui.showError(err)
		return
	}
	s.ui.setStatus(trf("Created {{.Doc}}, version {{.Version}} (DRAFT)", map[string]any{"Doc": p.DocNumber, "Version": p.Version}))
	s.open(p.DocNumber)
}

func (s *plansScreen) editor() fyne.CanvasObject {
	if s.selected == "" {
		return container.NewCenter(widget.NewLabel(tr("Select a plan above, or write a new one.")))
	}
	p := &s.draft
	heading := p.DocNumber + "  " + p.Title + "   v" + p.Version
	if p.IsDraft() {
		heading += "   【" + tr("DRAFT — for reference only") + "】"
	}
	var banner fyne.CanvasObject = widget.NewLabel("")
	if p.NeedsReview {
		s.reviewer = widget.NewEntry()
		s.reviewer.SetPlaceHolder(tr("Reviewer"))
		s.review = &widget.Button{Text: tr("Record review"), Icon: theme.ConfirmIcon(), OnTapped: func() { s.onReview(0) }}
		warn := widget.NewLabel("⚠ " + tr("Needs review:") + " " + p.NeedsReason)
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		banner = container.NewBorder(nil, nil, nil, container.NewHBox(container.NewGridWrap(fyne.NewSize(200, s.reviewer.MinSize().Height), s.reviewer), s.review), warn)
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(tr("Plan"), s.planForm()),
		container.NewTabItem(tr("Recovery steps"), s.stepsView()),
		container.NewTabItem(tr("Call tree"), s.rolesView()),
		container.NewTabItem(tr("Checks"), s.checksView()),
		container.NewTabItem(tr("Document control"), s.documentView()),
		container.NewTabItem(tr("Exercises and actions"), s.exercisesView()),
	)
	if s.tab < len(tabs.Items) {
		tabs.SelectIndex(s.tab)
	}
	tabs.OnSelected = func(*container.TabItem) { s.tab = tabs.SelectedIndex() }
	return container.NewBorder(container.NewVBox(bold(heading), banner), nil, nil, nil, tabs)
}

func (s *plansScreen) planForm() fyne.CanvasObject {
	p := &s.draft
	s.inputs = map[string]*widget.Entry{}
	entry := func(key, value string, multi bool, set func(string)) *widget.FormItem {
		e := widget.NewEntry()
		if multi {
			e = widget.NewMultiLineEntry()
			e.Wrapping = fyne.TextWrapWord
			e.SetMinRowsVisible(2)
		}
		e.SetText(value)
		e.OnChanged = set
		s.inputs[key] = e
		item := widget.NewFormItem("", e)
		if msg := s.problems[key]; msg != "" {
			item.HintText = "⚠ " + msg
		}
		return item
	}
	dur := func(key string, d *time.Duration) *widget.FormItem {
		return entry(key, durationText(*d), false, func(v string) {
			if parsed, err := parseDurationText(v); err == nil {
				*d = parsed
			}
		})
	}
	label := func(it *widget.FormItem, text string) *widget.FormItem { it.Text = text; return it }
	left := widget.NewForm(
		label(entry("title", p.Title, false, func(v string) { p.Title = v }), tr("Title")),
		label(entry("owner", p.Owner, false, func(v string) { p.Owner = v }), tr("Owner")),
		label(entry("approver", p.Approver, false, func(v string) { p.Approver = v }), tr("Approver")),
		label(entry("classification", p.Classification, false, func(v string) { p.Classification = v }), tr("Classification")),
		label(entry("review_months", strconv.Itoa(p.ReviewMonths), false, func(v string) { p.ReviewMonths, _ = strconv.Atoi(v) }), tr("Review every (months)")),
		label(entry("next_review", p.NextReview, false, func(v string) { p.NextReview = v }), tr("Next review")),
		label(dur("rto", &p.RTO), "RTO"),
		label(dur("rpo", &p.RPO), "RPO"),
		label(dur("mtpd", &p.MTPD), "MTPD"),
		label(entry("min_service_level", p.MinServiceLevel, false, func(v string) { p.MinServiceLevel = v }), tr("Minimum service level")),
	)
	right := widget.NewForm(
		label(entry("scope", p.Scope, true, func(v string) { p.Scope = v }), tr("Scope and assumptions")),
		label(entry("invocation", p.Invocation, true, func(v string) { p.Invocation = v }), tr("Invocation criteria")),
		label(entry("major_loss", p.MajorLoss, true, func(v string) { p.MajorLoss = v }), tr("Major loss of service")),
		label(entry("availability_invoked", p.AvailabilityInvoked, true, func(v string) { p.AvailabilityInvoked = v }), tr("Availability while invoked")),
		label(entry("recovery", p.Recovery, true, func(v string) { p.Recovery = v }), tr("Recovery requirements")),
		label(entry("return_to_normal", p.ReturnToNormal, true, func(v string) { p.ReturnToNormal = v }), tr("Return to normal")),
	)
	change := widget.NewEntry()
	change.SetPlaceHolder(tr("What changed (for the document control)"))
	s.inputs["change"] = change
	s.save = &widget.Button{Text: tr("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: func() { s.onSave(change.Text) }}
	hint := widget.NewLabel(tr("Durations: 30m, 4h, 2h30m, 3d"))
	return container.NewBorder(nil, container.NewBorder(nil, nil, nil, container.NewHBox(hint, s.save), change), nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, left, right)))
}

// durationText writes a duration as the form reads it back: 4h, 30m, 2h30m, 3d.
func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	if d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

func parseDurationText(v string) (time.Duration, error) {
	v = strings.TrimSpace(strings.ToLower(v))
	if v == "" {
		return 0, nil
	}
	if strings.HasSuffix(v, "d") {
		n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
		return time.Duration(n) * 24 * time.Hour, err
	}
	return time.ParseDuration(v)
}

func (s *plansScreen) onSave(change string) {
	for key, bad := range map[string]string{"rto": s.inputs["rto"].Text, "rpo": s.inputs["rpo"].Text, "mtpd": s.inputs["mtpd"].Text} {
		if _, err := parseDurationText(bad); err != nil {
			s.problems = map[string]string{key: trf("{{.Value}} is not a duration; write 30m, 4h or 3d", map[string]any{"Value": bad})}
			s.ui.show(s.ui.current)
			return
		}
	}
	saved, err := s.store().SavePlan(s.ui.ctx, s.draft, change)
	if err != nil {
		if e, ok := err.(*store.Error); ok && len(e.Fields) > 0 {
			s.problems = map[string]string{}
			for _, f := range e.Fields {
				s.problems[f.Field] = msgText(f.Msg, f.Message)
			}
			s.ui.show(s.ui.current)
			return
		}
		s.ui.showError(err)
		return
	}
	s.draft, s.problems = saved, nil
	s.ui.setStatus(trf("Saved {{.Doc}}, version {{.Version}}", map[string]any{"Doc": saved.DocNumber, "Version": saved.Version}))
	s.ui.show(s.ui.current)
}

func (s *plansScreen) onReview(exerciseID int64) {
	who := ""
	if s.reviewer != nil {
		who = s.reviewer.Text
	}
	p, err := s.store().Review(s.ui.ctx, s.draft.DocNumber, who, "", exerciseID)
	if err != nil {
		s.ui.showError(err)
		return
	}
	s.draft = p
	s.ui.setStatus(trf("Review of {{.Doc}} recorded; next review {{.Date}}", map[string]any{"Doc": p.DocNumber, "Date": p.NextReview}))
	s.ui.show(s.ui.current)
}

func (s *plansScreen) stepsView() fyne.CanvasObject {
	steps, err := s.store().Steps(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	rows := make([][]string, len(steps))
	for i, st := range steps {
		var deps []string
		for _, d := range st.DependsOn {
			deps = append(deps, strconv.FormatInt(d, 10))
		}
		rows[i] = []string{strconv.FormatInt(st.ID, 10), phaseText(st.Phase), st.Who, st.Action, continuity.Minutes(st.Duration), strings.Join(deps, " ")}
	}
	table := textTable([]string{tr("Step"), tr("Phase"), tr("Who"), tr("Action"), tr("Takes"), tr("After steps")},
		[]float32{50, 100, 150, 420, 90, 100}, func() [][]string { return rows })
	phases := []string{phaseText(continuity.Activation), phaseText(continuity.Recovery), phaseText(continuity.Reconstitution)}
	phase := widget.NewSelect(phases, nil)
	phase.SetSelected(phases[1])
	who, action, takes, after := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	who.SetPlaceHolder(tr("Who"))
	action.SetPlaceHolder(tr("Action"))
	takes.SetPlaceHolder("45m")
	after.SetPlaceHolder(tr("after steps, e.g. 1 2"))
	add := &widget.Button{Text: tr("Add step"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		d, err := parseDurationText(takes.Text)
		if err != nil {
			s.ui.showError(fmt.Errorf("%s", trf("{{.Value}} is not a duration; write 30m, 4h or 3d", map[string]any{"Value": takes.Text})))
			return
		}
		var deps []int64
		for _, f := range strings.Fields(after.Text) {
			n, _ := strconv.ParseInt(f, 10, 64)
			deps = append(deps, n)
		}
		ph := []continuity.Phase{continuity.Activation, continuity.Recovery, continuity.Reconstitution}[phase.SelectedIndex()]
		if _, err := s.store().AddStep(s.ui.ctx, s.draft.DocNumber, continuity.PlanStep{Phase: ph, Who: who.Text, Action: action.Text, Duration: d, DependsOn: deps}); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}}
	form := container.NewBorder(nil, nil, phase, add, container.NewGridWithColumns(4, who, action, takes, after))
	return container.NewBorder(nil, form, nil, nil, table)
}

func phaseText(p continuity.Phase) string {
	switch p {
	case continuity.Activation:
		return tr("activation")
	case continuity.Recovery:
		return tr("recovery")
	}
	return tr("reconstitution")
}

func (s *plansScreen) rolesView() fyne.CanvasObject {
	roles, err := s.store().Roles(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	name := func(c *continuity.Contact) string {
		if c == nil {
			return "—"
		}
		return strings.TrimSpace(c.Name + "  " + c.Mobile + "  " + c.Phone)
	}
	rows := make([][]string, len(roles))
	for i, r := range roles {
		rows[i] = []string{strconv.Itoa(r.Escalation), r.Role, name(r.Primary), name(r.Alternate)}
	}
	table := textTable([]string{tr("Order"), tr("Role"), tr("Primary"), tr("Alternate")}, []float32{60, 200, 300, 300}, func() [][]string { return rows })
	role, primary, mobile, alternate, altMobile := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	role.SetPlaceHolder(tr("Role"))
	primary.SetPlaceHolder(tr("Primary"))
	mobile.SetPlaceHolder(tr("Mobile"))
	alternate.SetPlaceHolder(tr("Alternate"))
	altMobile.SetPlaceHolder(tr("Mobile"))
	set := &widget.Button{Text: tr("Set role"), OnTapped: func() {
		err := s.store().SetRole(s.ui.ctx, s.draft.DocNumber, role.Text, len(roles)+1,
			continuity.Contact{Name: primary.Text, Mobile: mobile.Text}, continuity.Contact{Name: alternate.Text, Mobile: altMobile.Text})
		if err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}}
	form := container.NewBorder(nil, nil, nil, set, container.NewGridWithColumns(5, role, primary, mobile, alternate, altMobile))
	return container.NewBorder(nil, form, nil, nil, table)
}

func (s *plansScreen) checksView() fyne.CanvasObject {
	ctx := s.ui.ctx
	steps, err1 := s.store().Steps(ctx, s.draft.ID)
	roles, err2 := s.store().Roles(ctx, s.draft.ID)
	linked, err3 := s.store().LinkedCIs(ctx, s.draft.ID)
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return widget.NewLabel(errText(err))
		}
	}
	findings := continuity.Check(s.draft, steps, roles, linked)
	box := container.NewVBox()
	for _, f := range findings {
		l := widget.NewLabel("⚠ " + msgText(f.Msg, f.Msg.String()))
		l.Wrapping = fyne.TextWrapWord
		if f.Severity == "error" {
			l.Importance = widget.DangerImportance
		} else {
			l.Importance = widget.WarningImportance
		}
		box.Add(l)
	}
	if len(findings) == 0 {
		box.Add(widget.NewLabel("✓ " + tr("No problems found.")))
	}
	box.Add(widget.NewSeparator())
	box.Add(bold(trf("Linked CIs ({{.Count}})", map[string]any{"Count": len(linked)})))
	s.linkRef = widget.NewEntry()
	s.linkRef.SetPlaceHolder(tr("CI reference, e.g. CI-000012"))
	s.linkBtn = &widget.Button{Text: tr("Link CI"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		if err := s.store().LinkCI(s.ui.ctx, s.draft.DocNumber, s.linkRef.Text); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}}
	box.Add(container.NewBorder(nil, nil, nil, s.linkBtn, s.linkRef))
	for _, c := range linked {
		c := c
		remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
			if err := s.store().UnlinkCI(s.ui.ctx, s.draft.DocNumber, c.Ref); err != nil {
				s.ui.showError(err)
				return
			}
			s.ui.show(s.ui.current)
		}}
		box.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(c.Ref+"  "+c.Name+"  ("+statusLabel(c.Status)+")")))
	}
	return container.NewVScroll(box)
}

func (s *plansScreen) documentView() fyne.CanvasObject {
	revs, err := s.store().Revisions(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	copies, _ := s.store().Distribution(s.ui.ctx, s.draft.ID)
	revRows := make([][]string, len(revs))
	for i, r := range revs {
		revRows[i] = []string{r.Version, r.Date, r.Change, r.Reviewer, r.Approver}
	}
	copyRows := make([][]string, len(copies))
	for i, c := range copies {
		copyRows[i] = []string{strconv.Itoa(c.CopyNo), c.Holder, c.Location, c.Issued}
	}
	revTable := textTable([]string{tr("Version"), tr("Date"), tr("Change"), tr("Reviewer"), tr("Approver")}, []float32{70, 110, 360, 150, 150}, func() [][]string { return revRows })
	copyTable := textTable([]string{tr("Copy"), tr("Holder"), tr("Location"), tr("Issued")}, []float32{60, 300, 300, 110}, func() [][]string { return copyRows })
	s.approver = widget.NewEntry()
	s.approver.SetPlaceHolder(tr("Approver"))
	s.approver.SetText(s.draft.Approver)
	s.approve = &widget.Button{Text: tr("Approve"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: func() {
		p, err := s.store().Approve(s.ui.ctx, s.draft.DocNumber, s.approver.Text)
		if err != nil {
			s.ui.showError(err)
			return
		}
		s.draft = p
		s.ui.setStatus(trf("{{.Doc}} approved as version {{.Version}}", map[string]any{"Doc": p.DocNumber, "Version": p.Version}))
		s.ui.show(s.ui.current)
	}}
	approveRow := container.NewBorder(nil, nil, widget.NewLabel(trf("Version {{.Version}}: {{.Status}}", map[string]any{"Version": s.draft.Version, "Status": statusText(s.draft)})),
		s.approve, s.approver)
	holder, location, issued := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	holder.SetPlaceHolder(tr("Holder"))
	location.SetPlaceHolder(tr("Location, e.g. the off-site safe"))
	issued.SetPlaceHolder(s.ui.store.DB.Now().Format("2006-01-02"))
	s.copyHolder = holder
	s.addCopy = &widget.Button{Text: tr("Issue copy"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		day := issued.Text
		if day == "" {
			day = s.ui.store.DB.Now().Format("2006-01-02")
		}
		if err := s.store().AddCopy(s.ui.ctx, s.draft.DocNumber, continuity.Copy{Holder: holder.Text, Location: location.Text, Issued: day}); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}}
	copyForm := container.NewBorder(nil, nil, nil, s.addCopy, container.NewGridWithColumns(3, holder, location, issued))
	split := container.NewVSplit(revTable, container.NewBorder(bold(tr("Distribution")), copyForm, nil, nil, copyTable))
	return container.NewBorder(approveRow, nil, nil, nil, split)
}

func (s *plansScreen) exercisesView() fyne.CanvasObject {
	exs, err := s.store().Exercises(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	acts, _ := s.store().Actions(s.ui.ctx, s.draft.DocNumber, false)
	box := container.NewVBox(bold(tr("Exercises")))
	for _, e := range exs {
		e := e
		text := fmt.Sprintf("%s  %s  %s  —  %s", e.Held, kindText(e.Kind), outcomeText(e.Outcome), e.Findings)
		var right fyne.CanvasObject
		if e.ReviewedAt == "" && e.Held != "" {
			who := widget.NewEntry()
			who.SetPlaceHolder(tr("Reviewer"))
			right = container.NewHBox(container.NewGridWrap(fyne.NewSize(160, who.MinSize().Height), who), &widget.Button{Text: tr("Record review"), OnTapped: func() {
				s.reviewer = who
				s.onReview(e.ID)
			}})
		} else {
			right = widget.NewLabel(trf("reviewed {{.Date}} by {{.By}}", map[string]any{"Date": e.ReviewedAt, "By": e.ReviewedBy}))
		}
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		box.Add(container.NewBorder(nil, nil, nil, right, l))
	}
	kinds := make([]string, len(continuity.ExerciseKinds))
	for i, k := range continuity.ExerciseKinds {
		kinds[i] = kindText(k)
	}
	kind := widget.NewSelect(kinds, nil)
	kind.SetSelected(kinds[1])
	held, findings := widget.NewEntry(), widget.NewEntry()
	held.SetPlaceHolder("2026-11-12")
	findings.SetPlaceHolder(tr("Findings"))
	outcomes := []string{outcomeText(continuity.Passed), outcomeText(continuity.PassedWithIssues), outcomeText(continuity.Failed)}
	outcome := widget.NewSelect(outcomes, nil)
	outcome.SetSelected(outcomes[0])
	addEx := &widget.Button{Text: tr("Record exercise"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		o := []continuity.Outcome{continuity.Passed, continuity.PassedWithIssues, continuity.Failed}[outcome.SelectedIndex()]
		if _, err := s.store().AddExercise(s.ui.ctx, s.draft.DocNumber, continuity.Exercise{Kind: continuity.ExerciseKinds[kind.SelectedIndex()],
			Held: held.Text, Outcome: o, Findings: findings.Text}); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}}
	box.Add(container.NewBorder(nil, nil, container.NewHBox(kind, outcome), addEx, container.NewGridWithColumns(2, held, findings)))
	box.Add(widget.NewSeparator())
	box.Add(bold(tr("Actions")))
	for _, a := range acts {
		a := a
		text := fmt.Sprintf("#%d  %s  —  %s  %s", a.ID, a.Description, a.Owner, a.Due)
		var right fyne.CanvasObject
		if a.Status == "open" {
			how := widget.NewEntry()
			how.SetPlaceHolder(tr("How it was verified"))
			right = container.NewHBox(container.NewGridWrap(fyne.NewSize(220, how.MinSize().Height), how), &widget.Button{Text: tr("Close"), OnTapped: func() {
				if err := s.store().CloseAction(s.ui.ctx, a.ID, how.Text); err != nil {
					s.ui.showError(err)
					return
				}
				s.ui.show(s.ui.current)
			}})
		} else {
			right = widget.NewLabel(trf("closed {{.Date}}: {{.How}}", map[string]any{"Date": a.ClosedAt, "How": a.Verification}))
		}
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		box.Add(container.NewBorder(nil, nil, nil, right, l))
	}
	desc, owner, due := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	desc.SetPlaceHolder(tr("Action"))
	owner.SetPlaceHolder(tr("Owner"))
	due.SetPlaceHolder("2026-11-30")
	addAct := &widget.Button{Text: tr("Add action"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		if _, err := s.store().AddAction(s.ui.ctx, s.draft.DocNumber, continuity.Action{Description: desc.Text, Owner: owner.Text, Due: due.Text}); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}}
	box.Add(container.NewBorder(nil, nil, nil, addAct, container.NewGridWithColumns(3, desc, owner, due)))
	return container.NewVScroll(box)
}

func kindText(k continuity.ExerciseKind) string {
	switch k {
	case continuity.Walkthrough:
		return tr("walk-through")
	case continuity.Tabletop:
		return tr("tabletop")
	case continuity.CallTree:
		return tr("call-tree test")
	case continuity.Simulation:
		return tr("simulation")
	case continuity.Partial:
		return tr("partial/functional")
	case continuity.FullInterruption:
		return tr("full interruption")
	}
	return tr("real invocation")
}

// dialogForm shows a form in a dialog; onConfirm runs when it is confirmed.
func dialogForm(ui *UI, title string, items []*widget.FormItem, onConfirm func()) dialog.Dialog {
	d := dialog.NewForm(title, tr("OK"), tr("Cancel"), items, func(ok bool) {
		if ok {
			onConfirm()
		}
	}, ui.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
	return d
}
