package app

import (
	"maps"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
	"servicebook/doccontrol"
	"servicebook/store"
)

// selectedState is the open plan's resources and forecasts as the plans
// list read them for this view (PlanStates forecasts each plan's
// resources once), or read now for a plan the list does not hold yet.
func (s *capacityPlans) selectedState() (capacity.PlanState, error) {
	for _, st := range s.states {
		if st.DocNumber == s.selected {
			return st, nil
		}
	}
	return s.store().PlanState(s.ui.ctx, s.selected)
}

// resourcesView lists the resources the plan covers with their state over
// its horizon, and the checks an approver is shown.
func (s *capacityPlans) resourcesView() fyne.CanvasObject {
	st, err := s.selectedState()
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	resources, forecasts := st.Resources, st.Forecasts
	byName := map[string]capacity.ResourceForecast{}
	for _, f := range forecasts {
		byName[f.Name] = f
	}
	horizon := s.draft.HorizonDays
	rows := make([][]string, len(resources))
	for i, r := range resources {
		rows[i] = []string{r.Name, tr("too few samples to forecast"), "", "", "", r.CIRef + " " + r.CIName}
		if f, ok := byName[r.Name]; ok {
			last := f.Series.Values[len(f.Series.Values)-1]
			rows[i] = []string{r.Name, usage(last) + " " + r.Unit, usage(r.Usable()-last) + " " + r.Unit,
				reachText(f.ToWarning, horizon), reachText(f.ToCritical, horizon), r.CIRef + " " + r.CIName}
		}
	}
	table := textTable([]string{tr("Resource"), tr("Latest"), tr("Headroom"), tr("Warning reached"), tr("Critical reached"), tr("CI")},
		[]float32{200, 120, 120, 170, 170, 240}, func() [][]string { return rows })
	s.ui.keepWidths("capacity-plan-resources", table)
	checks := container.NewVBox(bold(tr("Plan checks")))
	findings := capacity.CheckPlan(s.draft, resources, forecasts)
	for _, f := range findings {
		l := widget.NewLabel("⚠ " + planFindingText(f.Msg))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		if f.Severity == "error" {
			l.Importance = widget.DangerImportance
		}
		checks.Add(l)
	}
	if len(findings) == 0 {
		checks.Add(widget.NewLabel("✓ " + tr("No problems found.")))
	}
	note := widget.NewLabel(tr("The plan covers the resources of its services and of every CI they depend on; the Resources tab adds resources and plans upgrades."))
	note.Wrapping = fyne.TextWrapWord
	split := newVSplit(table, container.NewVScroll(checks), 0.55)
	s.ui.keepSplit("capacity-plan-resources", split)
	return container.NewBorder(note, nil, nil, nil, split)
}

// documentView is the plan's document control: approval, reviews, every
// version with its change, and the distribution list.
func (s *capacityPlans) documentView() fyne.CanvasObject {
	ctx := s.ui.ctx
	revs, err := s.store().Revisions(ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	reviews, _ := s.store().Reviews(ctx, s.draft.ID)
	copies, _ := s.store().Distribution(ctx, s.draft.ID)
	reviewRows := make([][]string, len(reviews))
	for i, r := range reviews {
		reviewRows[i] = []string{r.At, r.By, capacityReviewText(r.Outcome), r.Notes}
	}
	revTable := revisionTable(s.ui, revs, capacity.FirstDraft)
	reviewTable := textTable([]string{tr("Date"), tr("Reviewer"), tr("Outcome"), tr("Notes")}, []float32{110, 150, 150, 420}, func() [][]string { return reviewRows })
	copyTable := distributionTable(s.ui, copies)
	s.ui.keepWidths("capacity-plan-reviews", reviewTable)

	s.approver = widget.NewEntry()
	s.approver.SetPlaceHolder(tr("Approver"))
	s.approver.SetText(s.draft.Approver)
	s.approve = &widget.Button{Text: tr("Approve…"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: s.onApprove}
	s.review = &widget.Button{Text: tr("Record review…"), Icon: theme.DocumentIcon(), OnTapped: s.onReview}
	state := trf("Version {{.Version}}: {{.Status}}", map[string]any{"Version": s.draft.Version, "Status": docStatusText(s.draft.Status())})
	state += "  ·  " + trf("next review {{.Date}}", map[string]any{"Date": s.draft.NextReview})
	approveRow := container.NewBorder(nil, nil, widget.NewLabel(state), container.NewHBox(s.approve, s.review), s.approver)

	holder, location := widget.NewEntry(), widget.NewEntry()
	holder.SetPlaceHolder(tr("Holder"))
	location.SetPlaceHolder(tr("Location, e.g. the off-site safe"))
	s.copyHolder = holder
	s.addCopy = &widget.Button{Text: tr("Issue copy"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		doc := s.draft.DocNumber
		c := doccontrol.Copy{Holder: holder.Text, Location: location.Text, Issued: s.ui.store.DB.Now().Format("2006-01-02")}
		s.ui.save(s.addCopy, func() error {
			_, err := s.store().AddCopy(s.ui.ctx, doc, c)
			return err
		}, func() {
			s.ui.setStatus(trf("Copy of {{.Doc}} issued to {{.Holder}}", map[string]any{"Doc": doc, "Holder": c.Holder}))
			s.ui.show(s.ui.current)
		})
	}}
	copyForm := container.NewBorder(nil, nil, nil, s.addCopy, container.NewGridWithColumns(2, holder, location))
	history := newVSplit(revTable, container.NewBorder(bold(tr("Reviews")), nil, nil, nil, reviewTable), 0.55)
	s.ui.keepSplit("capacity-plan-history", history)
	split := newVSplit(history, container.NewBorder(bold(tr("Distribution")), copyForm, nil, nil, copyTable), 0.6)
	s.ui.keepSplit("capacity-plan-document", split)
	return container.NewBorder(approveRow, nil, nil, nil, split)
}

// planFindingText is a capacity plan's finding in the user's words; a
// section it names is named in them too.
func planFindingText(m store.Msg) string {
	if sec, ok := m.Args["Section"].(string); ok {
		m = store.Msg{Key: m.Key, Args: maps.Clone(m.Args)}
		m.Args["Section"] = tr(sec)
	}
	return msgText(m, m.String())
}

func capacityReviewText(o string) string {
	if o == capacity.ReviewUpdate {
		return tr("must be updated")
	}
	return tr("adequate")
}

// onApprove asks before approving: it lists the checks and, when one
// fails, asks for the reason that goes into the document control. The
// approval is of the text in front of the approver (its row version).
func (s *capacityPlans) onApprove() {
	st, err := s.selectedState()
	if err != nil {
		s.ui.showError(err)
		return
	}
	resources, forecasts := st.Resources, st.Forecasts
	box := container.NewVBox(widget.NewLabel(trf("Approve {{.Doc}} version {{.Version}} as {{.Next}}, approved by {{.Approver}}?",
		map[string]any{"Doc": s.draft.DocNumber, "Version": s.draft.Version, "Next": nextApproved(s.draft.Version), "Approver": s.approver.Text})))
	errors := 0
	for _, f := range capacity.CheckPlan(s.draft, resources, forecasts) {
		mark := "⚠ "
		if f.Severity == "error" {
			mark = "✖ "
			errors++
		}
		w := widget.NewLabel(mark + planFindingText(f.Msg))
		w.Wrapping = fyne.TextWrapWord
		box.Add(w)
	}
	s.approveReason = newTextArea()
	s.approveReason.SetPlaceHolder(tr("Why it is approved as it is (required when checks fail)"))
	if errors > 0 {
		box.Add(s.approveReason)
	}
	rowVersion := s.draft.RowVersion
	d := dialog.NewCustomConfirm(tr("Approve plan"), tr("Approve"), tr("Cancel"), container.NewVScroll(box), func(ok bool) {
		if ok {
			s.approveNow(capacity.PlanApproval{Approver: s.approver.Text, RowVersion: rowVersion, Reason: s.approveReason.Text})
		}
	}, s.ui.win)
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
}

func (s *capacityPlans) approveNow(a capacity.PlanApproval) {
	doc := s.draft.DocNumber
	var p capacity.Plan
	s.ui.save(s.approve, func() (err error) {
		p, err = s.store().Approve(s.ui.ctx, doc, a)
		return err
	}, func() {
		s.draft = p
		s.ui.setStatus(trf("{{.Doc}} approved as version {{.Version}}", map[string]any{"Doc": p.DocNumber, "Version": p.Version}))
		s.ui.show(s.ui.current)
	})
}

// onReview records a review at the plan's interval: who, the outcome and
// what it found.
func (s *capacityPlans) onReview() {
	s.reviewWho = widget.NewEntry()
	s.reviewWho.SetPlaceHolder(tr("Reviewer"))
	outcomes := []string{tr("adequate"), tr("must be updated")}
	s.reviewOutcome = newSelect(outcomes, nil)
	s.reviewOutcome.SetSelected(outcomes[0])
	s.reviewNotes = newTextArea()
	s.reviewNotes.SetPlaceHolder(tr("What the review found and decided"))
	dialogForm(s.ui, tr("Record review"), []*widget.FormItem{
		widget.NewFormItem(tr("Reviewer"), s.reviewWho),
		widget.NewFormItem(tr("Outcome"), s.reviewOutcome),
		widget.NewFormItem(tr("Notes"), s.reviewNotes),
	}, func() {
		outcome := capacity.ReviewAdequate
		if s.reviewOutcome.Selected == outcomes[1] {
			outcome = capacity.ReviewUpdate
		}
		s.reviewNow(capacity.PlanReview{By: s.reviewWho.Text, Outcome: outcome, Notes: s.reviewNotes.Text})
	})
}

func (s *capacityPlans) reviewNow(r capacity.PlanReview) {
	doc := s.draft.DocNumber
	var p capacity.Plan
	s.ui.save(s.review, func() (err error) {
		p, err = s.store().Review(s.ui.ctx, doc, r)
		return err
	}, func() {
		s.draft = p
		s.ui.setStatus(trf("{{.Doc}} reviewed; next review {{.Date}}", map[string]any{"Doc": p.DocNumber, "Date": p.NextReview}))
		s.ui.show(s.ui.current)
	})
}
