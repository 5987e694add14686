package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/export"
)

// onStart asks for an audit's title, scope and auditor, then starts it:
// what the CMDB records within the scope is frozen.
func (s *configAuditScreen) onStart() { s.startDialog(cmdb.AuditScope{}) }

// startDialog is onStart with the scope filled in as given: the CI list's
// filter, when the audit is started from there.
func (s *configAuditScreen) startDialog(scope cmdb.AuditScope) {
	ui := s.ui
	if s.types == nil { // the screen's reading has not come back yet
		var err error
		if s.types, err = ui.store.CMDB.Types(ui.ctx); err != nil {
			ui.showError(err)
		}
	}
	title, location, auditor := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	title.SetPlaceHolder(tr("e.g. Beijing data centre, annual"))
	location.SetPlaceHolder(tr("CIs whose location contains this text"))
	auditor.SetText(ui.store.DB.User)
	s.startInputs = map[string]*widget.Entry{"title": title, "location": location, "auditor": auditor}
	typeNames := []string{tr("(every type)")}
	for _, t := range s.types {
		typeNames = append(typeNames, typeLabel(t))
	}
	s.startType = newSelect(typeNames, nil)
	s.startType.SetSelectedIndex(0)
	for i, t := range s.types {
		if t.Key == scope.TypeKey {
			s.startType.SetSelectedIndex(i + 1)
		}
	}
	statusNames := []string{tr("Any status")}
	statuses := []cmdb.Status{cmdb.StatusPlanned, cmdb.StatusInService, cmdb.StatusMaintenance}
	for _, st := range statuses {
		statusNames = append(statusNames, statusLabel(st))
	}
	s.startStatus = newSelect(statusNames, nil)
	s.startStatus.SetSelectedIndex(0)
	for i, st := range statuses {
		if st == scope.Status {
			s.startStatus.SetSelectedIndex(i + 1)
		}
	}
	s.startCrit = newSelect([]string{tr("Any criticality"), "1", "2", "3", "4"}, nil)
	s.startCrit.SetSelectedIndex(scope.Criticality)
	service := newCIPicker(ui, tr("Optional: a service and every CI it depends on"), true)
	items := []*widget.FormItem{
		widget.NewFormItem(tr("Title"), title),
		widget.NewFormItem(tr("Type"), s.startType),
		widget.NewFormItem(tr("Status"), s.startStatus),
		widget.NewFormItem(tr("Criticality"), s.startCrit),
		widget.NewFormItem(tr("Location"), location),
		widget.NewFormItem(tr("Service"), service.entry),
		widget.NewFormItem(tr("Auditor"), auditor),
	}
	d := dialog.NewForm(tr("Start a configuration audit"), tr("Start"), tr("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		scope := cmdb.AuditScope{Location: strings.TrimSpace(location.Text), Criticality: max(0, s.startCrit.SelectedIndex())}
		if i := s.startType.SelectedIndex(); i > 0 {
			scope.TypeKey = s.types[i-1].Key
		}
		if i := s.startStatus.SelectedIndex(); i > 0 {
			scope.Status = statuses[i-1]
		}
		if strings.TrimSpace(service.Text()) != "" {
			ref, err := service.Ref()
			if err != nil {
				ui.showError(err)
				return
			}
			scope.Service = ref
		}
		var a cmdb.ConfigAudit
		ui.save(nil, func() (err error) {
			a, err = ui.store.CMDB.StartAudit(ui.ctx, title.Text, scope, auditor.Text)
			return err
		}, func() {
			ui.setStatus(trf("Started {{.Audit}}: {{.Count}} CIs frozen for the checklist", map[string]any{"Audit": a.Number(), "Count": a.Lines}))
			ui.baselines.reload()
			s.selectAudit(a.ID)
			ui.show(ui.current)
		})
	}, ui.win)
	// Enter in a field starts the audit, as a form's default button would.
	for _, e := range s.startInputs {
		e.OnSubmitted = func(string) { d.Submit() }
	}
	d.Resize(fyne.NewSize(560, 480))
	d.Show()
}

// typeLabel is a CI type's name in the window's language.
func typeLabel(t cmdb.Type) string {
	if currentLanguage == Chinese && t.NameZh != "" {
		return t.NameZh
	}
	return t.Name
}

// onChecklist asks where to write the selected audit's checklist, as PDF
// to print or as a workbook to fill in.
func (s *configAuditScreen) onChecklist(ext string) {
	if a, ok := s.current(); ok {
		s.ui.askPDFPath(a.Number()+"-checklist"+ext, func(path string) { s.checklistTo(path, ext == ".pdf") })
	}
}

// checklistTo writes the selected audit's checklist to path (PDF or XLSX
// by its extension) in the window's language, off the UI goroutine, and
// opens a PDF when show is set.
func (s *configAuditScreen) checklistTo(path string, show bool) {
	a, ok := s.current()
	if !ok {
		return
	}
	xlsx := strings.HasSuffix(strings.ToLower(path), ".xlsx")
	button := s.checklistPDF
	if xlsx {
		button = s.checklistXLSX
	}
	s.ui.printPDF(button, a.Number(), path, show && !xlsx, func(opt export.PDFOptions) error {
		doc, err := export.LoadConfigAudit(s.ui.ctx, s.ui.store.CMDB, a.ID)
		if err != nil {
			return err
		}
		if xlsx {
			return export.ChecklistXLSX(path, doc, opt.Lang)
		}
		return export.ChecklistPDF(path, doc, opt)
	})
}

// onReport prints the selected audit's report.
func (s *configAuditScreen) onReport() {
	a, ok := s.current()
	if !ok {
		return
	}
	s.ui.askPDFPath(a.Number()+"-report.pdf", func(path string) {
		s.ui.printPDF(s.report, a.Number(), path, true, func(opt export.PDFOptions) error {
			doc, err := export.LoadConfigAudit(s.ui.ctx, s.ui.store.CMDB, a.ID)
			if err != nil {
				return err
			}
			return export.ConfigAuditReportPDF(path, doc, opt)
		})
	})
}

// onClose closes the selected audit, after asking.
func (s *configAuditScreen) onClose() {
	a, ok := s.current()
	if !ok {
		return
	}
	s.ui.confirm(tr("Close audit"), trf("Close {{.Audit}}? Its findings are all resolved; a closed audit cannot change.", map[string]any{"Audit": a.Number()}),
		tr("Close audit"), func(ok bool) {
			if !ok {
				return
			}
			s.ui.save(s.closeAudit, func() error {
				_, err := s.ui.store.CMDB.CloseAudit(s.ui.ctx, a.ID)
				return err
			}, func() {
				s.ui.setStatus(trf("Closed {{.Audit}}", map[string]any{"Audit": a.Number()}))
				s.selectAudit(a.ID)
				s.ui.show(s.ui.current)
			})
		})
}

// onResolve asks how to resolve the selected finding, or every open one
// of its kind, or every open one, and resolves them in one transaction.
func (s *configAuditScreen) onResolve() {
	a, ok := s.current()
	if !ok || s.selFind >= len(s.findings) {
		return
	}
	ui := s.ui
	chosen := s.findings[s.selFind]
	var sameKind, open []int64
	for _, f := range s.findings {
		if f.Open() {
			open = append(open, f.ID)
			if f.Kind == chosen.Kind {
				sameKind = append(sameKind, f.ID)
			}
		}
	}
	scopes := []string{trf("This finding (#{{.ID}})", map[string]any{"ID": chosen.ID}),
		trf("Every open finding of this kind ({{.Count}})", map[string]any{"Count": len(sameKind)}),
		trf("Every open finding ({{.Count}})", map[string]any{"Count": len(open)})}
	s.resolveScope = widget.NewRadioGroup(scopes, nil)
	s.resolveScope.SetSelected(scopes[0])
	hows := []string{tr("Correct the CMDB to what was found"), tr("The CMDB is right"), tr("Raise an action")}
	s.resolveHow = widget.NewRadioGroup(hows, nil)
	s.resolveHow.SetSelected(hows[0])
	if chosen.Kind == cmdb.FindingRemark {
		s.resolveHow.SetSelected(hows[1])
	}
	owner, due, note := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	owner.SetPlaceHolder(tr("for an action"))
	due.SetPlaceHolder("2026-12-31")
	note.SetPlaceHolder(tr("why, in a few words"))
	s.resolveInputs = map[string]*widget.Entry{"owner": owner, "due": due, "note": note}
	typeNames := []string{tr("(as found)")}
	for _, t := range s.types {
		typeNames = append(typeNames, typeLabel(t))
	}
	s.resolveType = newSelect(typeNames, nil)
	s.resolveType.SetSelectedIndex(0)
	help := widget.NewLabel(tr("Correcting writes the found value into the CMDB (a CI not found is retired, an item not recorded becomes a CI); the change log names this audit as the source."))
	help.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("Which"), s.resolveScope),
		widget.NewFormItem(tr("How"), s.resolveHow),
		widget.NewFormItem(tr("Owner"), owner),
		widget.NewFormItem(tr("Due"), due),
		widget.NewFormItem(tr("Note"), note),
		widget.NewFormItem(tr("Type of new CIs"), s.resolveType),
	)
	d := dialog.NewCustomConfirm(trf("Resolve findings of {{.Audit}}", map[string]any{"Audit": a.Number()}), tr("Resolve"), tr("Cancel"),
		container.NewVScroll(container.NewVBox(form, help)), func(ok bool) {
			if !ok {
				return
			}
			var ids []int64
			switch s.resolveScope.Selected {
			case scopes[1]:
				ids = sameKind
			case scopes[2]:
				ids = open
			default:
				ids = []int64{chosen.ID}
			}
			how := map[string]cmdb.Resolution{hows[0]: cmdb.Corrected, hows[1]: cmdb.Accepted, hows[2]: cmdb.Actioned}[s.resolveHow.Selected]
			r := cmdb.FindingResolution{How: how, Owner: owner.Text, Due: due.Text, Note: note.Text}
			if i := s.resolveType.SelectedIndex(); i > 0 {
				r.TypeKey = s.types[i-1].Key
			}
			var n int
			ui.save(nil, func() (err error) {
				n, err = ui.store.CMDB.ResolveFindings(ui.ctx, a.ID, ids, r)
				return err
			}, func() {
				ui.setStatus(trf("Resolved {{.Count}} findings of {{.Audit}}", map[string]any{"Count": n, "Audit": a.Number()}))
				if how == cmdb.Corrected {
					ui.cis.reload()
					ui.dashboard.loaded = false
				}
				s.selectAudit(a.ID)
				ui.show(ui.current)
			})
		}, ui.win)
	for _, e := range s.resolveInputs {
		e.OnSubmitted = func(string) { d.Confirm() } // Enter resolves
	}
	d.Resize(fyne.NewSize(620, 560))
	d.Show()
}
