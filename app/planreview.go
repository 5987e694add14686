package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
)

func reviewOutcomeText(o continuity.ReviewOutcome) string {
	switch o {
	case continuity.ReviewUpdate:
		return tr("the plan must be updated")
	case continuity.ReviewRetest:
		return tr("the plan must be tested again")
	}
	return tr("the plan is still adequate")
}

// onReview opens the review form: every change not yet reviewed, who
// reviews, what they concluded and why. The review covers exactly the
// reasons shown; any that arrive meanwhile keep the plan flagged.
func (s *plansScreen) onReview(exerciseID int64) {
	reasons, err := s.store().OpenReasons(s.ui.ctx, s.draft.ID)
	if err != nil {
		s.ui.showError(err)
		return
	}
	var upTo int64
	box := container.NewVBox()
	if len(reasons) > 0 {
		box.Add(bold(trf("Changes to review ({{.Count}})", map[string]any{"Count": len(reasons)})))
		for _, r := range reasons {
			l := widget.NewLabel("• " + reasonText(r.Reason, s.ciTypes()))
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
			upTo = r.ID
		}
	}
	if exerciseID != 0 {
		box.Add(widget.NewLabel(trf("Review of exercise {{.ID}}", map[string]any{"ID": exerciseID})))
	}
	s.reviewWho = widget.NewEntry()
	s.reviewWho.SetPlaceHolder(tr("Reviewer"))
	outcomes := make([]string, len(continuity.ReviewOutcomes))
	for i, o := range continuity.ReviewOutcomes {
		outcomes[i] = reviewOutcomeText(o)
	}
	s.reviewOutcome = newSelect(outcomes, nil)
	s.reviewComment = newTextArea()
	s.reviewComment.SetPlaceHolder(tr("What the review found and decided"))
	form := widget.NewForm(widget.NewFormItem(tr("Reviewer"), s.reviewWho), widget.NewFormItem(tr("Outcome"), s.reviewOutcome),
		widget.NewFormItem(tr("Comment"), s.reviewComment))
	box.Add(form)
	d := dialog.NewCustomConfirm(tr("Record review"), tr("Record review"), tr("Cancel"), container.NewVScroll(box), func(ok bool) {
		if !ok {
			return
		}
		outcome := continuity.ReviewOutcome("")
		if i := s.reviewOutcome.SelectedIndex(); i >= 0 {
			outcome = continuity.ReviewOutcomes[i]
		}
		doc, record := s.draft.DocNumber, continuity.ReviewRecord{Reviewer: s.reviewWho.Text, Outcome: outcome,
			Comment: s.reviewComment.Text, ExerciseID: exerciseID, UpTo: upTo}
		var p continuity.Plan
		s.ui.save(nil, func() (err error) {
			p, err = s.store().Review(s.ui.ctx, doc, record)
			return err
		}, func() {
			s.draft = p
			s.afterRecordChange(trf("Review of {{.Doc}} recorded; next review {{.Date}}", map[string]any{"Doc": p.DocNumber, "Date": p.NextReview}))
		})
	}, s.ui.win)
	d.Resize(fyne.NewSize(620, 460))
	d.Show()
}

// exercisesView lists exercises and actions; select one to correct it in
// the form below, or remove it.
func (s *plansScreen) exercisesView() fyne.CanvasObject {
	exs, err := s.store().Exercises(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	acts, _ := s.store().Actions(s.ui.ctx, s.draft.DocNumber, false)
	box := container.NewVBox(bold(tr("Exercises")))
	var selEx *continuity.Exercise
	for i, e := range exs {
		e := e
		if e.ID == s.selExercise {
			selEx = &exs[i]
		}
		text := fmt.Sprintf("#%d  %s  %s  %s  —  %s", e.ID, orDash(e.Held), kindText(e.Kind), outcomeText(e.Outcome), e.Findings)
		buttons := container.NewHBox()
		if e.ReviewedAt == "" && e.Held != "" {
			buttons.Add(&widget.Button{Text: tr("Record review…"), OnTapped: func() { s.onReview(e.ID) }})
		} else if e.ReviewedAt != "" {
			buttons.Add(widget.NewLabel(trf("reviewed {{.Date}} by {{.By}}", map[string]any{"Date": e.ReviewedAt, "By": e.ReviewedBy})))
		}
		buttons.Add(&widget.Button{Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance, OnTapped: func() {
			s.selExercise = e.ID
			s.ui.show(s.ui.current)
		}})
		buttons.Add(&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
			s.confirm(tr("Remove exercise"), trf("Delete exercise {{.ID}} ({{.Kind}} {{.Held}})? The change log keeps what it recorded.",
				map[string]any{"ID": e.ID, "Kind": kindText(e.Kind), "Held": e.Held}), func() {
				s.ui.save(nil, func() error { return s.store().RemoveExercise(s.ui.ctx, e.ID) }, func() {
					s.selExercise = 0
					s.afterRecordChange(trf("Exercise {{.ID}} removed", map[string]any{"ID": e.ID}))
				})
			})
		}})
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		box.Add(container.NewBorder(nil, nil, nil, buttons, l))
	}
	kinds := make([]string, len(continuity.ExerciseKinds))
	for i, k := range continuity.ExerciseKinds {
		kinds[i] = kindText(k)
	}
	kind := newSelect(kinds, nil)
	kind.SetSelected(kinds[1])
	held, findings := widget.NewEntry(), widget.NewEntry()
	held.SetPlaceHolder(s.ui.store.DB.Now().Format("2006-01-02"))
	findings.SetPlaceHolder(tr("Findings"))
	outcomeValues := []continuity.Outcome{continuity.Passed, continuity.PassedWithIssues, continuity.Failed}
	outcomes := []string{outcomeText(continuity.Passed), outcomeText(continuity.PassedWithIssues), outcomeText(continuity.Failed)}
	outcome := newSelect(outcomes, nil)
	outcome.SetSelected(outcomes[0])
	if selEx != nil {
		kind.SetSelected(kindText(selEx.Kind))
		held.SetText(selEx.Held)
		findings.SetText(selEx.Findings)
		if selEx.Outcome != "" {
			outcome.SetSelected(outcomeText(selEx.Outcome))
		}
	}
	read := func() continuity.Exercise {
		return continuity.Exercise{Kind: continuity.ExerciseKinds[max(kind.SelectedIndex(), 0)], Held: held.Text,
			Outcome: outcomeValues[max(outcome.SelectedIndex(), 0)], Findings: findings.Text}
	}
	var exButton *widget.Button
	if selEx == nil {
		exButton = &widget.Button{Text: tr("Record exercise"), Icon: theme.ContentAddIcon(), OnTapped: func() {
			doc, e := s.draft.DocNumber, read()
			s.ui.save(exButton, func() error { _, err := s.store().AddExercise(s.ui.ctx, doc, e); return err }, func() {
				s.afterRecordChange(tr("Exercise recorded"))
			})
		}}
	} else {
		exButton = &widget.Button{Text: tr("Save exercise"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
			e := read()
			e.ID, e.Planned, e.Participants, e.Objectives = selEx.ID, selEx.Planned, selEx.Participants, selEx.Objectives
			s.ui.save(exButton, func() error { return s.store().UpdateExercise(s.ui.ctx, e) }, func() {
				s.selExercise = 0
				s.afterRecordChange(trf("Exercise {{.ID}} saved", map[string]any{"ID": e.ID}))
			})
		}}
	}
	box.Add(container.NewBorder(nil, nil, container.NewHBox(kind, outcome), exButton, container.NewGridWithColumns(2, held, findings)))
	box.Add(widget.NewSeparator())
	box.Add(s.actionsBox(acts))
	return container.NewVScroll(box)
}

// actionsBox lists a plan's actions with close, change and remove, over a
// form to add one or correct the selected one.
func (s *plansScreen) actionsBox(acts []continuity.Action) fyne.CanvasObject {
	box := container.NewVBox(bold(tr("Actions")))
	var sel *continuity.Action
	for i, a := range acts {
		a := a
		if a.ID == s.selAction {
			sel = &acts[i]
		}
		text := fmt.Sprintf("#%d  %s  —  %s  %s", a.ID, a.Description, a.Owner, a.Due)
		right := container.NewHBox()
		if a.Status == "open" {
			how := widget.NewEntry()
			how.SetPlaceHolder(tr("How it was verified"))
			right.Add(container.NewGridWrap(fyne.NewSize(220, how.MinSize().Height), how))
			right.Add(&widget.Button{Text: tr("Close"), OnTapped: func() {
				verified := how.Text
				s.ui.save(nil, func() error { return s.store().CloseAction(s.ui.ctx, a.ID, verified) }, func() {
					s.afterRecordChange(trf("Action {{.ID}} closed", map[string]any{"ID": a.ID}))
				})
			}})
		} else {
			right.Add(widget.NewLabel(trf("closed {{.Date}}: {{.How}}", map[string]any{"Date": a.ClosedAt, "How": a.Verification})))
		}
		right.Add(&widget.Button{Icon: theme.DocumentCreateIcon(), Importance: widget.LowImportance, OnTapped: func() {
			s.selAction = a.ID
			s.ui.show(s.ui.current)
		}})
		right.Add(&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
			s.confirm(tr("Remove action"), trf("Delete action {{.ID}} ({{.Action}})? The change log keeps what it said.",
				map[string]any{"ID": a.ID, "Action": a.Description}), func() {
				s.ui.save(nil, func() error { return s.store().RemoveAction(s.ui.ctx, a.ID) }, func() {
					s.selAction = 0
					s.afterRecordChange(trf("Action {{.ID}} removed", map[string]any{"ID": a.ID}))
				})
			})
		}})
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		box.Add(container.NewBorder(nil, nil, nil, right, l))
	}
	desc, owner, due := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	desc.SetPlaceHolder(tr("Action"))
	owner.SetPlaceHolder(tr("Owner"))
	due.SetPlaceHolder("2026-11-30")
	var button *widget.Button
	if sel == nil {
		button = &widget.Button{Text: tr("Add action"), Icon: theme.ContentAddIcon(), OnTapped: func() {
			doc, a := s.draft.DocNumber, continuity.Action{Description: desc.Text, Owner: owner.Text, Due: due.Text}
			s.ui.save(button, func() error { _, err := s.store().AddAction(s.ui.ctx, doc, a); return err }, func() {
				s.afterRecordChange(tr("Action added"))
			})
		}}
	} else {
		desc.SetText(sel.Description)
		owner.SetText(sel.Owner)
		due.SetText(sel.Due)
		button = &widget.Button{Text: tr("Save action"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
			a := continuity.Action{ID: sel.ID, Description: desc.Text, Owner: owner.Text, Due: due.Text}
			s.ui.save(button, func() error { return s.store().UpdateAction(s.ui.ctx, a) }, func() {
				s.selAction = 0
				s.afterRecordChange(trf("Action {{.ID}} saved", map[string]any{"ID": a.ID}))
			})
		}}
	}
	box.Add(container.NewBorder(nil, nil, nil, button, container.NewGridWithColumns(3, desc, owner, due)))
	return box
}

// afterRecordChange shows the plan's records as they now are and says what
// changed.
func (s *plansScreen) afterRecordChange(said string) {
	s.reload()
	s.ui.setStatus(said)
	s.ui.show(s.ui.current)
}
