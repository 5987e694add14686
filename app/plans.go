package app

import (
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
	print    *widget.Button // "Print…": the open plan as a PDF
	// changesTable lists a revision's changes since approval, for tests.
	changesTable *gridTable
	// inputs of the current view, for tests
	inputs     map[string]*widget.Entry
	save       *widget.Button
	approve    *widget.Button
	review     *widget.Button
	table      *gridTable
	newPlan    *widget.Button
	approver   *widget.Entry
	linkRef    *ciPicker
	linkBtn    *widget.Button
	copyHolder *widget.Entry
	addCopy    *widget.Button
	// what is selected in the parts of the plan, kept across redraws
	selStep     int64
	selRole     string
	selCopy     int
	selExercise int64
	selAction   int64
	// the parts' forms and dialogs, for tests
	stepsTable                    *gridTable
	stepInputs, roleInputs        map[string]*widget.Entry
	addStep, saveStep, removeStep *widget.Button
	setRole, removeRole           *widget.Button
	saveCopy, removeCopy          *widget.Button
	reviewWho                     *widget.Entry
	reviewComment                 *textArea
	reviewOutcome                 *widget.Select
	approveReason                 *textArea
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
		return tr("draft")
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
				flags = append(flags, countText(p.OverdueActions, "{{.Count}} action overdue", "{{.Count}} actions overdue"))
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
	s.ui.keepWidths("plans", s.table)
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.plans) {
			s.open(s.plans[id.Row].DocNumber)
		}
	}
	s.newPlan = &widget.Button{Text: tr("New plan"), Icon: theme.ContentAddIcon(), OnTapped: s.onNew}
	top := container.NewBorder(nil, nil, nil, s.newPlan, widget.NewLabel(countText(len(s.plans), "{{.Count}} plan", "{{.Count}} plans")))
	split := newVSplit(s.table, s.editor(), 0.3)
	s.ui.keepSplit("plans", split)
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
	names, refs, err := serviceChoices(s.ui)
	if err != nil {
		s.ui.showError(err)
		return
	}
	doc, title := widget.NewEntry(), widget.NewEntry()
	doc.SetPlaceHolder("SM-02002")
	svc := newSelect(names, nil)
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
		s.review = &widget.Button{Text: tr("Record review…"), Icon: theme.ConfirmIcon(), OnTapped: func() { s.onReview(0) }}
		warn := widget.NewLabel("⚠ " + tr("Needs review:") + " " + reasonText(p.NeedsReason, s.ciTypes()))
		if reasons, err := s.store().OpenReasons(s.ui.ctx, p.ID); err == nil && len(reasons) > 1 {
			warn.SetText("⚠ " + trf("Needs review: {{.Count}} changes not yet reviewed, the latest {{.Reason}}", map[string]any{"Count": len(reasons), "Reason": reasonText(p.NeedsReason, s.ciTypes())}))
		}
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		banner = container.NewBorder(nil, nil, nil, s.review, warn)
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
	top := container.NewBorder(nil, nil, nil, s.printButton(), bold(heading))
	return container.NewBorder(container.NewVBox(top, banner), nil, nil, nil, tabs)
}

func (s *plansScreen) planForm() fyne.CanvasObject {
	p := &s.draft
	s.inputs = map[string]*widget.Entry{}
	entry := func(key, value string, multi bool, set func(string)) *widget.FormItem {
		e := widget.NewEntry()
		var field fyne.CanvasObject = e
		if multi {
			area := newTextArea()
			e, field = &area.Entry, area
		}
		e.SetText(value)
		e.OnChanged = set
		s.inputs[key] = e
		item := widget.NewFormItem("", field)
		if msg := s.problems[key]; msg != "" {
			item.HintText = "⚠ " + msg
		}
		return item
	}
	dur := func(key string, d *time.Duration) *widget.FormItem {
		return entry(key, continuity.FormatDuration(*d), false, func(v string) {
			if parsed, err := continuity.ParseDuration(v); err == nil {
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

func (s *plansScreen) onSave(change string) {
	for key, bad := range map[string]string{"rto": s.inputs["rto"].Text, "rpo": s.inputs["rpo"].Text, "mtpd": s.inputs["mtpd"].Text} {
		if _, err := continuity.ParseDuration(bad); err != nil {
			s.problems = map[string]string{key: trf("{{.Value}} is not a duration; write 30m, 4h or 3d", map[string]any{"Value": bad})}
			s.ui.show(s.ui.current)
			return
		}
	}
	// Off the UI goroutine, like every save (UI.write): another
	// servicebook's import may hold the write lock for a while.
	draft := s.draft
	var saved continuity.Plan
	s.ui.write(s.save, func() (err error) {
		saved, err = s.store().SavePlan(s.ui.ctx, draft, change)
		return err
	}, func(err error) {
		if err != nil {
			if e, ok := err.(*store.Error); ok && len(e.Fields) > 0 {
				s.problems = map[string]string{}
				for _, f := range e.Fields {
					s.problems[f.Field] = msgText(f.Msg, f.Message)
				}
				s.ui.setStatus(tr("Not saved: please correct the fields marked below."))
				s.ui.show(s.ui.current)
				return
			}
			s.ui.setStatus(tr("Not saved."))
			s.ui.showError(err)
			return
		}
		s.draft, s.problems = saved, nil
		s.ui.setStatus(trf("Saved {{.Doc}}, version {{.Version}}", map[string]any{"Doc": saved.DocNumber, "Version": saved.Version}))
		s.reload()
		s.ui.show(s.ui.current)
	})
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
	s.linkRef = newCIPicker(s.ui, tr("Find a CI: reference, name, owner or location"), false)
	link := func(ref string) {
		if err := s.store().LinkCI(s.ui.ctx, s.draft.DocNumber, ref); err != nil {
			s.ui.showError(err)
			return
		}
		s.ui.show(s.ui.current)
	}
	s.linkRef.OnSubmitted = link
	s.linkBtn = &widget.Button{Text: tr("Link CI"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		ref, err := s.linkRef.Ref()
		if err != nil {
			s.ui.showError(err)
			return
		}
		link(ref)
	}}
	box.Add(container.NewBorder(nil, nil, nil, s.linkBtn, s.linkRef.entry))
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

// serviceChoices are the services a plan can cover, as a dropdown lists
// them ("CI-000081 网上银行 Internet banking"), and each label's reference.
func serviceChoices(ui *UI) (names []string, refs map[string]string, err error) {
	cis, _, err := ui.store.CMDB.ListCIs(ui.ctx, cmdb.Filter{})
	if err != nil {
		return nil, nil, err
	}
	types, err := ui.store.CMDB.Types(ui.ctx)
	if err != nil {
		return nil, nil, err
	}
	isService := map[string]bool{}
	for _, t := range types {
		isService[t.Key] = t.IsService
	}
	refs = map[string]string{}
	for _, c := range cis {
		if isService[c.TypeKey] {
			label := c.Ref + " " + c.Name
			names = append(names, label)
			refs[label] = c.Ref
		}
	}
	return names, refs, nil
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

// ciTypes are the CI types, for showing fields by their labels.
func (s *plansScreen) ciTypes() []cmdb.Type {
	types, _ := s.ui.store.CMDB.Types(s.ui.ctx)
	return types
}
