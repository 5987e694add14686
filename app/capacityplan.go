package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
	"servicebook/doccontrol"
	"servicebook/export"
	"servicebook/store"
)

// capacityPlans is the Capacity screen's Plans tab: the capacity plans
// with their flags over the editor of the selected one.
type capacityPlans struct {
	ui       *UI
	states   []capacity.PlanState
	selected string // document number
	draft    capacity.Plan
	problems map[string]string
	tab      int
	// the view's widgets, for tests
	table          *gridTable
	inputs         map[string]*widget.Entry
	addService     *widget.Select
	save, newPlan  *widget.Button
	approve, print *widget.Button
	review         *widget.Button
	approver       *widget.Entry
	approveReason  *textArea
	reviewWho      *widget.Entry
	reviewOutcome  *widget.Select
	reviewNotes    *textArea
	copyHolder     *widget.Entry
	addCopy        *widget.Button
	newDialog      dialog.Dialog
}

func (s *capacityPlans) store() *capacity.Store { return s.ui.store.Capacity }

func (s *capacityPlans) reload() {
	var err error
	if s.states, err = s.store().PlanStates(s.ui.ctx); err != nil {
		s.ui.showError(err)
	}
}

// docStatusText is a controlled document's status in the user's words.
func docStatusText(st doccontrol.Status) string {
	switch st {
	case doccontrol.Draft:
		return tr("draft")
	case doccontrol.Revised:
		return tr("revised, awaiting approval")
	}
	return tr("approved")
}

// planFlags are what the plans list flags about a plan.
func planFlags(p capacity.PlanState) string {
	var flags []string
	if p.IsDraft() {
		flags = append(flags, tr("DRAFT"))
	}
	if p.ReviewDue {
		flags = append(flags, tr("review due"))
	}
	if n := len(p.Breaches); n > 0 {
		flags = append(flags, countText(n, "{{.Count}} breach predicted, no upgrade", "{{.Count}} breaches predicted, no upgrade"))
	}
	return strings.Join(flags, tr(", "))
}

func (s *capacityPlans) view() fyne.CanvasObject {
	s.reload()
	if s.selected == "" && len(s.states) > 0 {
		// The first plan is open from the start, as a list with one
		// plan would otherwise show an empty editor.
		s.selected, s.draft, s.problems = s.states[0].DocNumber, s.states[0].Plan, nil
	}
	rows := func() [][]string {
		out := make([][]string, len(s.states))
		for i, p := range s.states {
			var names []string
			for _, svc := range p.Services {
				names = append(names, svc.Name)
			}
			out[i] = []string{p.DocNumber, p.Title, strings.Join(names, tr(", ")), p.Version, docStatusText(p.Status()), p.NextReview,
				strconv.Itoa(len(p.Resources)), planFlags(p)}
		}
		return out
	}
	s.table = styledTable([]string{tr("Document"), tr("Title"), tr("Services"), tr("Version"), tr("Status"), tr("Next review"),
		tr("Resources"), tr("Flags")}, []float32{100, 280, 200, 70, 150, 110, 90, 300}, rows,
		func(row, col int) widget.Importance {
			if col == 7 && row < len(s.states) && len(s.states[row].Breaches) > 0 {
				return widget.WarningImportance
			}
			return widget.MediumImportance
		})
	s.ui.keepWidths("capacity-plans", s.table)
	for i, p := range s.states {
		if p.DocNumber == s.selected {
			s.table.Select(widget.TableCellID{Row: i, Col: 0})
		}
	}
	s.table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.states) && s.states[id.Row].DocNumber != s.selected {
			s.open(s.states[id.Row].DocNumber)
		}
	}
	s.newPlan = &widget.Button{Text: tr("New capacity plan…"), Icon: theme.ContentAddIcon(), OnTapped: s.onNew}
	top := container.NewBorder(nil, nil, nil, s.newPlan, widget.NewLabel(countText(len(s.states), "{{.Count}} capacity plan", "{{.Count}} capacity plans")))
	split := newVSplit(s.table, s.editor(), 0.25)
	s.ui.keepSplit("capacity-plans", split)
	return container.NewBorder(top, nil, nil, nil, split)
}

func (s *capacityPlans) open(doc string) {
	p, err := s.store().Plan(s.ui.ctx, doc)
	if err != nil {
		s.ui.showError(err)
		return
	}
	s.selected, s.draft, s.problems = doc, p, nil
	s.ui.show(s.ui.current)
}

// onNew asks for what a capacity plan needs to exist: number, title and a
// first service (more are added in the editor).
func (s *capacityPlans) onNew() {
	names, refs, err := serviceChoices(s.ui)
	if err != nil {
		s.ui.showError(err)
		return
	}
	doc, title := widget.NewEntry(), widget.NewEntry()
	doc.SetPlaceHolder("SM-03002")
	svc := newSelect(names, nil)
	s.inputs = map[string]*widget.Entry{"new.doc": doc, "new.title": title}
	s.addService = svc
	s.newDialog = dialogForm(s.ui, tr("New capacity plan"), []*widget.FormItem{
		widget.NewFormItem(tr("Document number"), doc),
		widget.NewFormItem(tr("Title"), title),
		widget.NewFormItem(tr("Service"), svc),
	}, func() {
		var services []capacity.PlanService
		if ref := refs[svc.Selected]; ref != "" {
			services = append(services, capacity.PlanService{Ref: ref})
		}
		s.create(capacity.Plan{DocNumber: doc.Text, Title: title.Text, Services: services})
	})
}

func (s *capacityPlans) create(p capacity.Plan) {
	var made capacity.Plan
	s.ui.save(s.newPlan, func() (err error) {
		made, err = s.store().CreatePlan(s.ui.ctx, p)
		return err
	}, func() {
		s.ui.setStatus(trf("Created {{.Doc}}, version {{.Version}} (DRAFT)", map[string]any{"Doc": made.DocNumber, "Version": made.Version}))
		s.open(made.DocNumber)
	})
}

func (s *capacityPlans) editor() fyne.CanvasObject {
	if s.selected == "" {
		return container.NewCenter(widget.NewLabel(tr("Select a capacity plan above, or write a new one.")))
	}
	p := &s.draft
	heading := p.DocNumber + "  " + p.Title + "   v" + p.Version
	if p.IsDraft() {
		heading += "   【" + tr("DRAFT — for reference only") + "】"
	}
	s.print = &widget.Button{Text: tr("Print…"), Icon: theme.DocumentPrintIcon(), OnTapped: s.onPrint}
	tabs := container.NewAppTabs(
		container.NewTabItem(tr("Plan"), s.form()),
		container.NewTabItem(tr("Resources and checks"), s.resourcesView()),
		container.NewTabItem(tr("Document control"), s.documentView()),
	)
	if s.tab < len(tabs.Items) {
		tabs.SelectIndex(s.tab)
	}
	tabs.OnSelected = func(*container.TabItem) { s.tab = tabs.SelectedIndex() }
	return container.NewBorder(container.NewBorder(nil, nil, nil, s.print, bold(heading)), nil, nil, nil, tabs)
}

// form edits the plan's fields, services and sections.
func (s *capacityPlans) form() fyne.CanvasObject {
	p := &s.draft
	s.inputs = map[string]*widget.Entry{}
	item := func(key, label, value string, multi bool, set func(string)) *widget.FormItem {
		e := widget.NewEntry()
		var field fyne.CanvasObject = e
		if multi {
			area := newTextArea()
			e, field = &area.Entry, area
		}
		e.SetText(value)
		e.OnChanged = set
		s.inputs[key] = e
		it := widget.NewFormItem(label, field)
		if msg := s.problems[key]; msg != "" {
			it.HintText = "⚠ " + msg
		}
		return it
	}
	number := func(v string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return -1 // refused by the store, with the field named
		}
		return n
	}
	left := widget.NewForm(
		item("title", tr("Title"), p.Title, false, func(v string) { p.Title = v }),
		item("owner", tr("Owner"), p.Owner, false, func(v string) { p.Owner = v }),
		item("approver", tr("Approver"), p.Approver, false, func(v string) { p.Approver = v }),
		item("classification", tr("Classification"), p.Classification, false, func(v string) { p.Classification = v }),
		item("review_months", tr("Review every (months)"), strconv.Itoa(p.ReviewMonths), false, func(v string) { p.ReviewMonths = number(v) }),
		item("next_review", tr("Next review"), p.NextReview, false, func(v string) { p.NextReview = v }),
		item("horizon_days", tr("Forecast horizon (days)"), strconv.Itoa(p.HorizonDays), false, func(v string) { p.HorizonDays = number(v) }),
	)
	services := widget.NewForm(widget.NewFormItem(tr("Services"), s.servicesEditor()))
	if msg := s.problems["services"]; msg != "" {
		services.Items[0].HintText = "⚠ " + msg
	}
	// The sections read as the document does: each under its heading, the
	// whole width, one after another.
	sections := container.NewVBox()
	for _, sec := range p.Sections() {
		text := sec.Text
		it := item(sec.Key, "", *text, true, func(v string) { *text = v })
		sections.Add(bold(tr(sec.Title)))
		sections.Add(it.Widget)
		if it.HintText != "" {
			hint := widget.NewLabel(it.HintText)
			hint.Importance = widget.DangerImportance
			sections.Add(hint)
		}
	}
	change := widget.NewEntry()
	change.SetPlaceHolder(tr("What changed (for the document control)"))
	s.inputs["change"] = change
	s.save = &widget.Button{Text: tr("Save"), Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance, OnTapped: func() { s.onSave(change.Text) }}
	return container.NewBorder(nil, container.NewBorder(nil, nil, nil, s.save, change), nil, nil,
		container.NewVScroll(container.NewVBox(container.NewGridWithColumns(2, left, services), widget.NewSeparator(), sections)))
}

// servicesEditor lists the plan's services, each with a remove button, and
// offers the other services to add; the change is saved with the plan.
func (s *capacityPlans) servicesEditor() fyne.CanvasObject {
	p := &s.draft
	box := container.NewVBox()
	for i, svc := range p.Services {
		i := i
		remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
			p.Services = append(p.Services[:i:i], p.Services[i+1:]...)
			s.ui.show(s.ui.current)
		}}
		box.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(svc.Ref+"  "+svc.Name)))
	}
	names, refs, err := serviceChoices(s.ui)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	s.addService = newSelect(names, func(label string) {
		ref := refs[label]
		for _, have := range p.Services {
			if have.Ref == ref {
				return
			}
		}
		name := strings.TrimSpace(strings.TrimPrefix(label, ref))
		p.Services = append(p.Services, capacity.PlanService{Ref: ref, Name: name})
		s.ui.show(s.ui.current)
	})
	s.addService.PlaceHolder = tr("Add a service…")
	box.Add(s.addService)
	return box
}

func (s *capacityPlans) onSave(change string) {
	draft := s.draft
	draft.Services = append([]capacity.PlanService(nil), s.draft.Services...)
	var saved capacity.Plan
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
		s.draft, s.selected, s.problems = saved, saved.DocNumber, nil
		s.ui.setStatus(trf("Saved {{.Doc}}, version {{.Version}}", map[string]any{"Doc": saved.DocNumber, "Version": saved.Version}))
		s.ui.show(s.ui.current)
	})
}

func (s *capacityPlans) onPrint() {
	name := strings.ReplaceAll(s.draft.DocNumber+"-"+s.draft.Version, "/", "-") + ".pdf"
	s.ui.askPDFPath(name, func(path string) { s.printTo(path, true) })
}

// printTo writes the open plan as a PDF to path off the UI goroutine and,
// when show is set, opens it.
func (s *capacityPlans) printTo(path string, show bool) {
	doc := s.draft.DocNumber
	s.ui.printPDF(s.print, doc, path, show, func(opt export.PDFOptions) error {
		plans, err := export.LoadCapacityPlans(s.ui.ctx, s.store(), []string{doc})
		if err != nil {
			return err
		}
		return export.CapacityPlanPDF(path, plans, opt)
	})
}
