package app

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
	"servicebook/doccontrol"
)

// documentView is the document control: every version with its change and
// approval, approval of the current text, and the distribution list.
func (s *plansScreen) documentView() fyne.CanvasObject {
	revs, err := s.store().Revisions(s.ui.ctx, s.draft.ID)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	copies, _ := s.store().Distribution(s.ui.ctx, s.draft.ID)
	var selected *continuity.Copy
	for i, c := range copies {
		if c.CopyNo == s.selCopy {
			selected = &copies[i]
		}
	}
	revTable := revisionTable(s.ui, revs, continuity.FirstDraft)
	copyTable := distributionTable(s.ui, copies)
	s.approver = widget.NewEntry()
	s.approver.SetPlaceHolder(tr("Approver"))
	s.approver.SetText(s.draft.Approver)
	s.approve = &widget.Button{Text: tr("Approve…"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: s.onApprove}
	approveRow := container.NewBorder(nil, nil, widget.NewLabel(trf("Version {{.Version}}: {{.Status}}", map[string]any{"Version": s.draft.Version, "Status": statusText(s.draft)})),
		s.approve, s.approver)
	holder, location, issued := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	holder.SetPlaceHolder(tr("Holder"))
	location.SetPlaceHolder(tr("Location, e.g. the off-site safe"))
	issued.SetPlaceHolder(s.ui.store.DB.Now().Format("2006-01-02"))
	if selected != nil {
		holder.SetText(selected.Holder)
		location.SetText(selected.Location)
		issued.SetText(selected.Issued)
	}
	s.copyHolder = holder
	read := func() continuity.Copy {
		day := issued.Text
		if day == "" {
			day = s.ui.store.DB.Now().Format("2006-01-02")
		}
		return continuity.Copy{Holder: holder.Text, Location: location.Text, Issued: day}
	}
	s.addCopy = &widget.Button{Text: tr("Issue copy"), Icon: theme.ContentAddIcon(), OnTapped: func() {
		doc, c := s.draft.DocNumber, read()
		s.ui.save(s.addCopy, func() error { return s.store().AddCopy(s.ui.ctx, doc, c) }, func() {
			s.selCopy = 0
			s.ui.setStatus(trf("Copy of {{.Doc}} issued to {{.Holder}}", map[string]any{"Doc": doc, "Holder": c.Holder}))
			s.ui.show(s.ui.current)
		})
	}}
	s.saveCopy = &widget.Button{Text: tr("Save copy"), Icon: theme.DocumentSaveIcon(), OnTapped: func() {
		if selected == nil {
			return
		}
		doc, c := s.draft.DocNumber, read()
		c.CopyNo = selected.CopyNo
		s.ui.save(s.saveCopy, func() error { return s.store().UpdateCopy(s.ui.ctx, doc, c) }, func() {
			s.ui.setStatus(trf("Copy {{.Copy}} saved", map[string]any{"Copy": c.CopyNo}))
			s.ui.show(s.ui.current)
		})
	}}
	s.removeCopy = &widget.Button{Text: tr("Withdraw copy"), Icon: theme.DeleteIcon(), OnTapped: func() {
		if selected == nil {
			return
		}
		c := *selected
		s.confirm(tr("Withdraw copy"), trf("Withdraw copy {{.Copy}} held by {{.Holder}}?", map[string]any{"Copy": c.CopyNo, "Holder": c.Holder}), func() {
			doc := s.draft.DocNumber
			s.ui.save(s.removeCopy, func() error { return s.store().RemoveCopy(s.ui.ctx, doc, c.CopyNo) }, func() {
				s.selCopy = 0
				s.ui.setStatus(trf("Copy {{.Copy}} withdrawn", map[string]any{"Copy": c.CopyNo}))
				s.ui.show(s.ui.current)
			})
		})
	}}
	if selected == nil {
		s.saveCopy.Disable()
		s.removeCopy.Disable()
	}
	copyTable.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(copies) && copies[id.Row].CopyNo != s.selCopy {
			s.selCopy = copies[id.Row].CopyNo
			s.ui.show(s.ui.current)
		}
	}
	copyForm := container.NewBorder(nil, container.NewHBox(s.addCopy, s.saveCopy, s.removeCopy), nil, nil, container.NewGridWithColumns(3, holder, location, issued))
	var history fyne.CanvasObject = revTable
	if changes := s.changesView(); changes != nil {
		panes := newVSplit(revTable, changes, 0.5)
		s.ui.keepSplit("plan-history", panes)
		history = panes
	}
	split := newVSplit(history, container.NewBorder(bold(tr("Distribution")), copyForm, nil, nil, copyTable), 0.5)
	s.ui.keepSplit("plan-document", split)
	return container.NewBorder(approveRow, nil, nil, nil, split)
}

// revisionTable is a controlled document's change history, its first
// draft's line in the user's words: continuity and capacity plans alike.
func revisionTable(ui *UI, revs []doccontrol.Revision, firstDraft string) *gridTable {
	rows := make([][]string, len(revs))
	for i, r := range revs {
		change := r.Change
		if change == firstDraft {
			change = tr(change)
		}
		rows[i] = []string{r.Version, r.Date, change, r.Reviewer, r.Approver}
	}
	t := textTable([]string{tr("Version"), tr("Date"), tr("Change"), tr("Reviewer"), tr("Approver")}, []float32{70, 110, 360, 150, 150},
		func() [][]string { return rows })
	ui.keepWidths("revisions", t)
	return t
}

// distributionTable is a controlled document's distribution list.
func distributionTable(ui *UI, copies []doccontrol.Copy) *gridTable {
	rows := make([][]string, len(copies))
	for i, c := range copies {
		rows[i] = []string{strconv.Itoa(c.CopyNo), c.Holder, c.Location, c.Issued, c.Version}
	}
	t := textTable([]string{tr("Copy"), tr("Holder"), tr("Location"), tr("Issued"), tr("Version")}, []float32{60, 280, 280, 110, 70},
		func() [][]string { return rows })
	ui.keepWidths("copies", t)
	return t
}

// openItems lists what an approver should know before approving: failing
// checks, changes not yet reviewed, a re-test required, no exercise held,
// open actions.
func (s *plansScreen) openItems() (lines []string, errors int) {
	ctx := s.ui.ctx
	steps, _ := s.store().Steps(ctx, s.draft.ID)
	roles, _ := s.store().Roles(ctx, s.draft.ID)
	linked, _ := s.store().LinkedCIs(ctx, s.draft.ID)
	for _, f := range continuity.Check(s.draft, steps, roles, linked) {
		mark := "⚠ "
		if f.Severity == "error" {
			mark = "✖ "
			errors++
		}
		lines = append(lines, mark+msgText(f.Msg, f.Msg.String()))
	}
	if reasons, _ := s.store().OpenReasons(ctx, s.draft.ID); len(reasons) > 0 {
		lines = append(lines, "⚠ "+countText(len(reasons), "{{.Count}} change not yet reviewed", "{{.Count}} changes not yet reviewed"))
	}
	if s.draft.RetestRequired {
		lines = append(lines, "⚠ "+tr("A re-test is required"))
	}
	exs, _ := s.store().Exercises(ctx, s.draft.ID)
	held := false
	for _, e := range exs {
		held = held || e.Held != ""
	}
	if !held {
		lines = append(lines, "⚠ "+tr("The plan has never been exercised"))
	}
	if acts, _ := s.store().Actions(ctx, s.draft.DocNumber, true); len(acts) > 0 {
		lines = append(lines, "⚠ "+countText(len(acts), "{{.Count}} action is open", "{{.Count}} actions are open"))
	}
	return lines, errors
}

// onApprove asks before approving: it lists what is open, and when checks
// fail it asks for the reason that goes into the document control. The
// approval is of the text the approver has in front of them (its row
// version); if someone changed it meanwhile, it is refused.
func (s *plansScreen) onApprove() {
	lines, errors := s.openItems()
	box := container.NewVBox(widget.NewLabel(trf("Approve {{.Doc}} version {{.Version}} as {{.Next}}, approved by {{.Approver}}?",
		map[string]any{"Doc": s.draft.DocNumber, "Version": s.draft.Version, "Next": nextApproved(s.draft.Version), "Approver": s.approver.Text})))
	for _, l := range lines {
		w := widget.NewLabel(l)
		w.Wrapping = fyne.TextWrapWord
		box.Add(w)
	}
	if len(lines) == 0 {
		box.Add(widget.NewLabel("✓ " + tr("Nothing is open.")))
	}
	s.approveReason = newTextArea()
	s.approveReason.SetPlaceHolder(tr("Why it is approved as it is (required when checks fail)"))
	if errors > 0 {
		box.Add(s.approveReason)
	}
	rowVersion := s.draft.RowVersion
	d := dialog.NewCustomConfirm(tr("Approve plan"), tr("Approve"), tr("Cancel"), container.NewVScroll(box), func(ok bool) {
		if !ok {
			return
		}
		doc, approval := s.draft.DocNumber, continuity.Approval{Approver: s.approver.Text, RowVersion: rowVersion, Reason: s.approveReason.Text}
		var p continuity.Plan
		s.ui.save(nil, func() (err error) {
			p, err = s.store().Approve(s.ui.ctx, doc, approval)
			return err
		}, func() {
			s.draft = p
			s.reload()
			s.ui.setStatus(trf("{{.Doc}} approved as version {{.Version}}", map[string]any{"Doc": p.DocNumber, "Version": p.Version}))
			s.ui.show(s.ui.current)
		})
	}, s.ui.win)
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
}

// nextApproved is the version approval would give, for the question.
func nextApproved(v string) string {
	var major, minor int
	if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil || major < 1 {
		return "1.0"
	}
	return fmt.Sprintf("%d.0", major+1)
}

// changesView shows, for a revision in progress, what differs from the
// last approved version — what the approver is asked to approve. Nil for a
// draft or an approved plan.
func (s *plansScreen) changesView() fyne.CanvasObject {
	approved, changes, err := s.store().SinceApproval(s.ui.ctx, s.draft.DocNumber)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	if approved == "" {
		return nil
	}
	rows := make([][]string, len(changes))
	for i, c := range changes {
		rows[i] = []string{tr(changePart[c.Part]), c.Item, tr(c.Kind), c.Old, c.New}
	}
	title := bold(trf("Changes since the approved version {{.Version}}", map[string]any{"Version": approved}))
	if len(changes) == 0 {
		return container.NewVBox(title, widget.NewLabel(tr("None: the content is as approved.")))
	}
	s.changesTable = textTable([]string{tr("Part"), tr("Item"), tr("Change"), trf("Approved {{.Version}}", map[string]any{"Version": approved}),
		trf("Now {{.Version}}", map[string]any{"Version": s.draft.Version})}, []float32{90, 130, 80, 330, 330}, func() [][]string { return rows })
	s.ui.keepWidths("plan-changes", s.changesTable)
	return container.NewBorder(title, nil, nil, nil, s.changesTable)
}

// changePart names the parts of a plan continuity.Change reports.
var changePart = map[string]string{"plan": "Plan", "step": "Step", "role": "Call tree", "ci": "Linked CI"}
