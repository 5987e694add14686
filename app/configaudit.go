package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/export"
)

// configAuditScreen is where configuration audits are run: the audits,
// newest first, over the selected one's findings. From here an audit is
// started, its checklist printed, what was found brought back (through
// the import wizard), each finding resolved, the audit closed and its
// report printed.
type configAuditScreen struct {
	ui       *UI
	loaded   bool
	audits   []cmdb.ConfigAudit
	findings []cmdb.AuditFinding
	selected int   // index into audits
	selFind  int   // index into findings
	wantID   int64 // an audit to select when next read (0: none)
	building bool  // view is building: a reading done at once needs no show
	types    []cmdb.Type

	list, findingTable                            *gridTable
	start, checklistPDF, checklistXLSX, reconcile *widget.Button
	resolve, openCI, closeAudit, report           *widget.Button
	resolveInputs                                 map[string]*widget.Entry
	resolveHow, resolveScope                      *widget.RadioGroup
	resolveType                                   *widget.Select
	startInputs                                   map[string]*widget.Entry
	startType, startStatus, startCrit             *widget.Select
}

func (s *configAuditScreen) title() string { return tr("Configuration audits") }

func (s *configAuditScreen) reload() { s.loaded = false }

// load reads the audits and the selected one's findings off the UI
// goroutine (an audit has as many findings as its scope has CIs, 100k at
// most), selecting audit wantID if one was asked for, and shows them.
func (s *configAuditScreen) load() {
	u := s.ui
	s.loaded = true
	selected, selFind, want := s.selected, s.selFind, s.wantID
	s.wantID = 0
	u.background(func() func() {
		var types []cmdb.Type
		var findings []cmdb.AuditFinding
		audits, err := u.store.CMDB.Audits(u.ctx)
		if err == nil {
			types, err = u.store.CMDB.Types(u.ctx)
		}
		if err == nil {
			for i, a := range audits {
				if a.ID == want {
					selected, selFind = i, 0
				}
			}
			if selected >= len(audits) {
				selected = 0
			}
			if selected < len(audits) {
				findings, err = u.store.CMDB.AuditFindings(u.ctx, audits[selected].ID)
			}
		}
		return func() {
			if err != nil {
				u.showError(err)
				return
			}
			s.audits, s.types, s.findings, s.selected, s.selFind = audits, types, findings, selected, min(selFind, max(0, len(findings)-1))
			if !s.building && u.current < len(u.screens) && u.screens[u.current] == screen(s) {
				u.show(u.current)
			}
		}
	})
}

// current is the selected audit.
func (s *configAuditScreen) current() (cmdb.ConfigAudit, bool) {
	if s.selected < len(s.audits) {
		return s.audits[s.selected], true
	}
	return cmdb.ConfigAudit{}, false
}

// selectAudit shows audit id when the screen is next shown.
func (s *configAuditScreen) selectAudit(id int64) { s.wantID, s.loaded = id, false }

// stateText says where an audit is, in the window's language.
func stateText(a cmdb.ConfigAudit) string {
	switch {
	case a.Closed():
		return trf("closed {{.Date}}", map[string]any{"Date": a.ClosedAt.Format("2006-01-02")})
	case a.ReconciledAt.IsZero():
		return tr("waiting for what was found")
	case a.Open > 0:
		return trf("{{.Open}} of {{.Count}} findings open", map[string]any{"Open": a.Open, "Count": a.Findings})
	}
	return tr("every finding resolved: ready to close")
}

func (s *configAuditScreen) view() fyne.CanvasObject {
	if !s.loaded {
		// What was read before is shown until the new reading comes back;
		// a reading that comes back at once is shown by this build.
		s.building = true
		s.load()
		s.building = false
	}
	s.start = &widget.Button{Text: tr("Start an audit…"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: s.onStart}
	s.checklistPDF = &widget.Button{Text: tr("Print checklist…"), Icon: theme.DocumentPrintIcon(), OnTapped: func() { s.onChecklist(".pdf") }}
	s.checklistXLSX = &widget.Button{Text: tr("Checklist workbook…"), Icon: theme.FileIcon(), OnTapped: func() { s.onChecklist(".xlsx") }}
	s.reconcile = &widget.Button{Text: tr("Reconcile what was found…"), Icon: theme.UploadIcon(), OnTapped: s.onReconcile}
	s.closeAudit = &widget.Button{Text: tr("Close audit"), Icon: theme.ConfirmIcon(), OnTapped: s.onClose}
	s.report = &widget.Button{Text: tr("Print report…"), Icon: theme.DocumentPrintIcon(), OnTapped: s.onReport}
	a, ok := s.current()
	for _, b := range []*widget.Button{s.checklistPDF, s.checklistXLSX, s.reconcile, s.closeAudit, s.report} {
		if !ok {
			b.Disable()
		}
	}
	if ok && a.Closed() {
		s.reconcile.Disable()
		s.closeAudit.Disable()
	}
	if ok && (a.Open > 0 || a.ReconciledAt.IsZero()) {
		s.closeAudit.Disable()
	}
	toolbar := container.NewHBox(s.start, s.checklistPDF, s.checklistXLSX, s.reconcile, s.closeAudit, s.report)
	if len(s.audits) == 0 {
		help := widget.NewLabel(tr("No configuration audit yet. Start one for a scope (a type, a location, a service and what it depends on): what the CMDB records is frozen, a checklist printed, and what is found on the floor compared with it."))
		help.Wrapping = fyne.TextWrapWord
		return container.NewBorder(container.NewHScroll(toolbar), nil, nil, nil, container.NewVBox(help))
	}
	rows := make([][]string, len(s.audits))
	for i, a := range s.audits {
		rows[i] = []string{a.Number(), a.Title, stateText(a), s.scopeWords(a.Scope), a.Auditor, a.StartedAt.Format("2006-01-02"),
			strconv.Itoa(a.Lines)}
	}
	s.list = styledTable([]string{tr("Audit"), tr("Title"), tr("State"), tr("Scope"), tr("Auditor"), tr("Started"), tr("CIs")},
		[]float32{80, 240, 190, 220, 150, 100, 60}, func() [][]string { return rows },
		func(row, col int) widget.Importance {
			if row >= len(s.audits) || col != 2 {
				return widget.MediumImportance
			}
			switch a := s.audits[row]; {
			case a.Closed():
				return widget.SuccessImportance
			case a.Open > 0:
				return widget.WarningImportance
			}
			return widget.MediumImportance
		})
	s.ui.keepWidths("config-audits", s.list)
	s.list.Select(widget.TableCellID{Row: s.selected, Col: 0})
	s.list.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.audits) && id.Row != s.selected {
			s.selected, s.selFind = id.Row, 0
			s.load() // shows the audit's findings when read
		}
	}
	split := newVSplit(s.list, s.findingsView(), 0.35)
	s.ui.keepSplit("config-audits", split)
	return container.NewBorder(container.NewHScroll(toolbar), nil, nil, nil, split)
}

// scopeWords says a scope in the window's language.
func (s *configAuditScreen) scopeWords(sc cmdb.AuditScope) string {
	lang := "en"
	if currentLanguage == Chinese {
		lang = "zh"
	}
	return sc.Text(lang, func(key string) string {
		for _, t := range s.types {
			if t.Key == key {
				return typeLabel(t)
			}
		}
		return key
	})
}

// findingKindWord is a kind of finding in English words, for tr.
func findingKindWord(k cmdb.FindingKind) string { return export.FindingKindWords[k] }

// findingsView lists the selected audit's findings with how each was
// resolved, and the actions on the one selected.
func (s *configAuditScreen) findingsView() fyne.CanvasObject {
	a, _ := s.current()
	s.resolve = &widget.Button{Text: tr("Resolve…"), Icon: theme.DocumentCreateIcon(), Importance: widget.HighImportance, OnTapped: s.onResolve}
	s.openCI = &widget.Button{Text: tr("Open the CI"), Icon: theme.NavigateNextIcon(), OnTapped: s.onOpenCI}
	summary := bold(fmt.Sprintf("%s  %s", a.Number(), a.Title))
	detail := trf("Auditor {{.Auditor}}; started {{.Date}} by {{.By}}; frozen as baseline {{.Baseline}}.",
		map[string]any{"Auditor": a.Auditor, "Date": a.StartedAt.Format("2006-01-02 15:04"), "By": a.StartedBy, "Baseline": a.BaselineName})
	if !a.ReconciledAt.IsZero() {
		detail += " " + trf("Reconciled {{.File}}: {{.Matched}} of {{.Lines}} CIs matched, {{.Equal}} as recorded.",
			map[string]any{"File": a.FoundFile, "Matched": a.Matched, "Lines": a.Lines, "Equal": a.Equal})
	}
	info := widget.NewLabel(detail)
	info.Wrapping = fyne.TextWrapWord
	head := container.NewBorder(nil, nil, nil, container.NewHBox(s.openCI, s.resolve), container.NewVBox(summary, info))
	if len(s.findings) == 0 {
		s.resolve.Disable()
		s.openCI.Disable()
		text := tr("Print the checklist, tick it on the floor, then bring it back with Reconcile what was found…; a discovery tool's inventory works too.")
		if !a.ReconciledAt.IsZero() {
			text = tr("What was found matches what was recorded: nothing to resolve.")
		}
		msg := widget.NewLabel(text)
		msg.Wrapping = fyne.TextWrapWord
		return container.NewBorder(head, nil, nil, nil, msg)
	}
	rows := make([][]string, len(s.findings))
	for i, f := range s.findings {
		rows[i] = []string{strconv.FormatInt(f.ID, 10), tr(findingKindWord(f.Kind)), f.Ref, s.findingText(f), s.resolutionText(f), placeWords(f.FoundAt)}
	}
	// How each finding stands comes before where it was found: at 1024
	// wide the place scrolls in from the right.
	s.findingTable = styledTable([]string{"#", tr("Finding"), tr("CI"), tr("Recorded → found"), tr("Resolution"), tr("Where found")},
		[]float32{44, 140, 100, 340, 260, 120}, func() [][]string { return rows },
		func(row, col int) widget.Importance {
			if row < len(s.findings) && col == 4 && s.findings[row].Open() {
				return widget.WarningImportance
			}
			return widget.MediumImportance
		})
	s.ui.keepWidths("config-audit-findings", s.findingTable)
	s.findingTable.Select(widget.TableCellID{Row: s.selFind, Col: 0})
	s.findingTable.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.findings) {
			s.selFind = id.Row
			s.updateFindingButtons()
		}
	}
	s.updateFindingButtons()
	return container.NewBorder(head, nil, nil, nil, s.findingTable)
}

// updateFindingButtons enables what the selected finding allows.
func (s *configAuditScreen) updateFindingButtons() {
	a, _ := s.current()
	if a.Closed() || a.Open == 0 {
		s.resolve.Disable()
	} else {
		s.resolve.Enable()
	}
	if s.selFind < len(s.findings) && s.findings[s.selFind].Ref != "" {
		s.openCI.Enable()
	} else {
		s.openCI.Disable()
	}
}

// placeWords is where a found item was ("scan row 5"), in the window's
// language.
func placeWords(at string) string {
	sheetName, row, ok := strings.Cut(at, "row ")
	if !ok {
		return at
	}
	return strings.TrimSpace(sheetName + " " + trf("row {{.Row}}", map[string]any{"Row": row}))
}

// findingText says what a finding is about.
func (s *configAuditScreen) findingText(f cmdb.AuditFinding) string {
	switch f.Kind {
	case cmdb.FindingDifferent:
		recorded, found := f.Recorded, f.Found
		if f.Field == "status" {
			recorded, found = statusLabel(cmdb.Status(recorded)), statusLabel(cmdb.Status(found))
		}
		if recorded == "" {
			recorded = "—"
		}
		return fmt.Sprintf("%s: %s → %s", tr(export.AuditFieldWords[f.Field]), recorded, found)
	case cmdb.FindingNotRecorded:
		var parts []string
		for _, k := range []string{"name", "type", "serial", "ip", "location"} {
			if v := f.FoundData[k]; v != "" {
				parts = append(parts, tr(export.AuditFieldWords[k])+": "+v)
			}
		}
		return strings.Join(parts, tr("; "))
	case cmdb.FindingNotFound:
		return f.Recorded
	}
	return f.Found
}

// resolutionText says how a finding was resolved.
func (s *configAuditScreen) resolutionText(f cmdb.AuditFinding) string {
	text := tr(export.ResolutionWords[f.Resolution])
	if f.Resolution == cmdb.Actioned {
		text += " " + trf("({{.Owner}}, due {{.Date}})", map[string]any{"Owner": f.ActionOwner, "Date": f.ActionDue})
	}
	if f.Note != "" && f.Kind != cmdb.FindingRemark {
		text += tr("; ") + f.Note
	}
	return text
}

// onOpenCI opens the selected finding's CI.
func (s *configAuditScreen) onOpenCI() {
	if s.selFind >= len(s.findings) {
		return
	}
	if ci, err := s.ui.store.CMDB.CI(s.ui.ctx, s.findings[s.selFind].Ref); err == nil {
		s.ui.dashboard.openCI(ci)
	} else {
		s.ui.showError(err)
	}
}

// onReconcile opens the import wizard for what was found, for this audit.
func (s *configAuditScreen) onReconcile() {
	a, ok := s.current()
	if !ok {
		return
	}
	im := s.ui.imports
	if im.kind != "inventory" {
		im.kind, im.book, im.path = "inventory", nil, ""
	}
	im.inventory.auditID, im.inventory.result, im.err = a.ID, nil, nil
	s.ui.showScreen(im)
}

// enter reads the audits again when the screen is brought up: the command
// line may have reconciled or resolved in between.
func (s *configAuditScreen) enter() { s.loaded = false }
