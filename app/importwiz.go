package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/sheet"
)

// importScreen is the CI import wizard: choose a file, check the preview
// and the column mapping, run a dry run, then import with a progress bar
// that can be cancelled. It drives cmdb.ImportFile, as the command line does.
type importScreen struct {
	ui        *UI
	kind      string // "cis" (the default), "outages", "budget", "actuals", "samples" or "inventory"
	outages   *continuity.OutageImportResult
	samples   *capacity.SampleImportResult
	inventory inventoryImport
	zone      string // samples: the time zone of times written without one
	budgetRes *budget.ImportResult
	path      string
	book      *sheet.Book
	sheetIx   int
	mapping   map[string]string // field key -> header text chosen
	header    []string
	headRow   int
	result    *cmdb.ImportResult
	err       error
	running   bool
	done      int
	cancel    context.CancelFunc

	// Budget and actuals: columns left out on purpose, duplicate month rows
	// added up, changes to approved lines written as revisions.
	ignore                map[string]bool
	sumDuplicates, revise bool
	ignoreChecks          *widget.CheckGroup
	sumCheck, reviseCheck *widget.Check

	// values maps unknown types and statuses of a CI file to known ones,
	// for this import.
	values map[string]map[string]string
	// fyYear is the fiscal year a budget or actuals file goes into: the
	// person sees and chooses it (proposed from the file's title or
	// months); 0 until chosen.
	fyYear int

	kindSel                                    *widget.Select
	fySel                                      *widget.Select
	undo                                       *widget.Button
	profile                                    *widget.Entry
	saveProfile, loadProfile                   *widget.Button
	previewBtn, checkBtn, importBtn, cancelBtn *widget.Button
	progress                                   *widget.ProgressBarInfinite
	status                                     *widget.Label
}

func (s *importScreen) title() string { return tr("Import") }

// fields are the columns of what is being imported.
func (s *importScreen) fields() []sheet.Field {
	switch s.kind {
	case "outages":
		return continuity.OutageFields
	case "budget", "actuals":
		return budget.LineFields
	case "samples":
		return capacity.SampleFields
	case "inventory":
		return cmdb.InventoryFields
	}
	return cmdb.CIFields
}

func (s *importScreen) reload() {}

func (s *importScreen) view() fyne.CanvasObject {
	path := widget.NewEntry()
	path.SetPlaceHolder(tr("XLSX or CSV file"))
	path.SetText(s.path)
	path.OnChanged = func(v string) { s.path = strings.TrimSpace(v) }
	choose := &widget.Button{Text: tr("Choose…"), Icon: theme.FolderOpenIcon(), OnTapped: func() {
		dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			s.path = r.URI().Path()
			r.Close()
			s.onPreview()
		}, s.ui.win)
	}}
	s.previewBtn = &widget.Button{Text: tr("Preview"), OnTapped: s.onPreview}
	kinds := []string{tr("Configuration items and relations"), tr("Outage records"), tr("Budget lines"), tr("Actual spend"), tr("Usage samples (capacity)"),
		tr("What was found (configuration audit)")}
	kindKeys := []string{"cis", "outages", "budget", "actuals", "samples", "inventory"}
	s.kindSel = newSelect(kinds, nil)
	s.kindSel.SetSelected(kinds[0])
	for i, k := range kindKeys {
		if k == s.kind {
			s.kindSel.SetSelected(kinds[i])
		}
	}
	s.kindSel.OnChanged = func(v string) {
		s.kind = kindKeys[s.kindSel.SelectedIndex()]
		s.result, s.outages, s.budgetRes, s.samples, s.inventory.result, s.err = nil, nil, nil, nil, nil, nil
		if s.book != nil {
			s.detect()
		}
		s.ui.show(s.ui.current)
	}
	left := container.NewHBox(s.kindSel)
	if s.kind == "budget" || s.kind == "actuals" {
		left.Add(widget.NewLabel(tr("into fiscal year")))
		left.Add(s.fiscalYearChoice())
	}
	if s.kind == "samples" {
		left.Add(widget.NewLabel(tr("times in")))
		left.Add(s.zoneChoice())
	}
	if s.kind == "inventory" {
		left.Add(widget.NewLabel(tr("for audit")))
		left.Add(s.auditChoice())
	}
	left.Add(widget.NewLabel(tr("File")))
	fileRow := container.NewBorder(nil, nil, left, container.NewHBox(choose, s.previewBtn), path)

	s.checkBtn = &widget.Button{Text: tr("Check (dry run)"), Icon: theme.ConfirmIcon(), OnTapped: func() { s.run(true) }}
	s.importBtn = &widget.Button{Text: tr("Import"), Icon: theme.DownloadIcon(), Importance: widget.HighImportance, OnTapped: func() { s.run(false) }}
	if s.kind == "inventory" {
		s.importBtn.Text = tr("Reconcile") // findings are recorded; no record is imported
	}
	s.cancelBtn = &widget.Button{Text: tr("Cancel"), Icon: theme.CancelIcon(), OnTapped: s.onCancel}
	s.progress = widget.NewProgressBarInfinite()
	s.status = widget.NewLabel("")
	if s.running {
		s.checkBtn.Disable()
		s.importBtn.Disable()
		s.status.SetText(countText(s.done, "{{.Count}} row written…", "{{.Count}} rows written…"))
	} else {
		s.progress.Stop()
		s.progress.Hide()
		s.cancelBtn.Disable()
	}
	if s.book == nil {
		s.checkBtn.Disable()
		s.importBtn.Disable()
	}
	actions := container.NewBorder(nil, nil, container.NewHBox(s.checkBtn, s.importBtn, s.cancelBtn), s.status, s.progress)

	var middle fyne.CanvasObject = container.NewCenter(widget.NewLabel(tr("Choose a spreadsheet to see its first rows and how its columns will be read.")))
	if s.book != nil {
		panes := newVSplit(s.previewView(), s.resultView(), 0.5)
		s.ui.keepSplit("import", panes)
		middle = panes
	}
	return container.NewBorder(container.NewVBox(fileRow, widget.NewSeparator()), actions, nil, nil, middle)
}

// onPreview reads the file and proposes the column mapping the importer
// would use.
func (s *importScreen) onPreview() {
	s.result, s.err = nil, nil
	path := strings.TrimSpace(s.path)
	if path == "" {
		s.ui.showError(fmt.Errorf("%s", tr("Choose a file first: type its path or press Choose…")))
		return
	}
	s.ui.background(func() func() {
		book, err := sheet.ReadFile(path, sheet.DefaultLimits)
		return func() {
			s.book = nil
			if err != nil {
				s.ui.showError(err)
				s.ui.show(s.ui.current)
				return
			}
			s.book = book
			s.detect()
			s.ui.show(s.ui.current)
		}
	})
}

// detect picks the CI sheet and its header as the importer does, and
// fills the mapping with what it recognised.
func (s *importScreen) detect() {
	s.values = nil // another file, other values
	if proposedYear(s.book) != 0 {
		s.fyYear = 0 // a file that names its year proposes it afresh
	}
	s.sheetIx, s.headRow, s.header = 0, 0, nil
	s.mapping = map[string]string{}
	// A sheet whose header names every required field wins; otherwise the
	// header that names the most fields, for the person to complete.
	best, bestSheet := sheet.Mapping{}, -1
	for i, t := range s.book.Sheets {
		m, ok := sheet.FindHeader(t, s.fields(), nil)
		if ok || (bestSheet < 0 || len(m.Columns) > len(best.Columns)) && m.HeaderRow > 0 {
			best, bestSheet = m, i
		}
		if ok {
			break
		}
	}
	if bestSheet < 0 {
		if len(s.book.Sheets) > 0 && len(s.book.Sheets[0].Rows) > 0 {
			s.headRow, s.header = 1, s.book.Sheets[0].Rows[0]
		}
		return
	}
	s.sheetIx, s.headRow = bestSheet, best.HeaderRow
	s.header = s.book.Sheets[bestSheet].Rows[best.HeaderRow-1]
	for key, col := range best.Columns {
		s.mapping[key] = best.Header(col)
	}
}

func (s *importScreen) previewView() fyne.CanvasObject {
	t := s.book.Sheets[s.sheetIx]
	headers := []string{tr("(not in the file)")}
	for _, h := range s.header {
		if strings.TrimSpace(h) != "" {
			headers = append(headers, strings.TrimSpace(h))
		}
	}
	mapForm := container.NewGridWithColumns(6)
	for _, f := range s.fields() {
		key := f.Key
		label := tr(fieldLabel(key))
		if f.Required {
			label += " *"
		}
		sel := newSelect(headers, func(v string) {
			if v == headers[0] {
				delete(s.mapping, key)
			} else {
				s.mapping[key] = v
			}
		})
		if h, ok := s.mapping[key]; ok {
			sel.SetSelected(h)
		} else {
			sel.SetSelected(headers[0])
		}
		mapForm.Add(widget.NewLabel(label))
		mapForm.Add(sel)
	}
	var rows [][]string
	for i := s.headRow - 1; i < len(t.Rows) && len(rows) < 11; i++ {
		if i >= 0 {
			rows = append(rows, t.Rows[i])
		}
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	grid := widget.NewTable(
		func() (int, int) { return len(rows), cols },
		func() fyne.CanvasObject {
			l := newTipLabel("")
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			text := ""
			if id.Col < len(rows[id.Row]) {
				text = rows[id.Row][id.Col]
			}
			l := o.(*tipLabel)
			l.TextStyle.Bold = id.Row == 0
			l.SetText(text)
		})
	for c := 0; c < cols; c++ {
		grid.SetColumnWidth(c, 140)
	}
	where := trf("{{.File}}, sheet {{.Sheet}}: header on row {{.Row}}; the first rows:", map[string]any{"File": s.book.File, "Sheet": t.Name, "Row": s.headRow})
	if t.Name == "" {
		where = trf("{{.File}}: header on row {{.Row}}; the first rows:", map[string]any{"File": s.book.File, "Row": s.headRow})
	}
	top := container.NewVBox(bold(tr("Columns")), mapForm)
	if values := s.valueMapping(); values != nil {
		top.Add(values)
	}
	if s.kind == "budget" || s.kind == "actuals" || s.kind == "samples" || s.kind == "inventory" {
		top.Add(s.profileRow())
	}
	switch s.kind {
	case "samples":
		// A row-per-sample file's other columns have no place (Zabbix'
		// ns); a column-per-resource file has none left over.
		if s.mapping["resource"] != "" && s.mapping["value"] != "" {
			if ignore := s.ignoreRow(headers[1:], nil); ignore != nil {
				top.Add(ignore)
			}
		}
	case "inventory":
		// A scanner's columns an audit has no place for (vendor, model)
		// refuse the file unless left out; the checklist's own Seen and
		// Found columns are taken by the reconciliation.
		isChecklist := func(h string) bool { return foundColumn(h) }
		if ignore := s.ignoreRow(headers[1:], isChecklist); ignore != nil {
			top.Add(ignore)
		}
		top.Add(s.matchKeysRow())
	case "budget", "actuals":
		// A column of amounts that no field takes refuses the file; the
		// person can leave one out on purpose, and the report says so.
		isMonth := func(h string) bool { _, _, ok := monthHeader(h); return ok }
		if ignore := s.ignoreRow(headers[1:], isMonth); ignore != nil {
			top.Add(ignore)
		}
	}
	if s.kind == "budget" || s.kind == "actuals" {
		s.sumCheck = widget.NewCheck(tr("Add up rows for the same line and month"), func(v bool) { s.sumDuplicates = v })
		s.sumCheck.SetChecked(s.sumDuplicates)
		s.reviseCheck = widget.NewCheck(tr("Write changes to approved lines as new revisions"), func(v bool) { s.revise = v })
		s.reviseCheck.SetChecked(s.revise)
		top.Add(container.NewHBox(s.sumCheck, s.reviseCheck))
	}
	top.Add(widget.NewLabel(where))
	return container.NewBorder(top, nil, nil, nil, grid)
}

func (s *importScreen) resultView() fyne.CanvasObject {
	if s.result == nil && s.outages == nil && s.budgetRes == nil && s.samples == nil && s.inventory.result == nil && s.err == nil {
		return widget.NewLabel(tr("Check the file first: a dry run lists what would be created and updated, and every refused row."))
	}
	// One wrapping, selectable text: a long problem is read whole, and
	// lines can be selected and copied (or all copied with the button) to
	// send back to whoever keeps the spreadsheet.
	text := strings.Join(s.resultLines(), "\n")
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	label.Selectable = true
	copyAll := &widget.Button{Text: tr("Copy all"), Icon: theme.ContentCopyIcon(), OnTapped: func() {
		s.ui.app.Clipboard().SetContent(text)
		s.ui.setStatus(tr("The result is on the clipboard."))
	}}
	buttons := container.NewVBox(copyAll)
	if b := s.budgetRes; b != nil && !b.DryRun && s.err == nil {
		// A wrong file imported is taken back as a whole, not by a backup.
		s.undo = &widget.Button{Text: tr("Undo this import"), Icon: theme.ContentUndoIcon(), OnTapped: s.onUndo}
		buttons.Add(s.undo)
	}
	return container.NewBorder(nil, nil, nil, buttons, container.NewVScroll(label))
}

// onUndo takes the import just made back, after asking.
func (s *importScreen) onUndo() {
	file, year := s.budgetRes.File, s.fyYear
	s.ui.confirm(tr("Undo this import"), trf("Take back the import of {{.File}} into fiscal year {{.Year}}: the lines it created are deleted, the months it changed put back, its actuals deleted?",
		map[string]any{"File": file, "Year": year}), tr("Undo this import"), func(ok bool) {
		if !ok {
			return
		}
		var res budget.UndoResult
		s.ui.save(s.undo, func() error {
			fy, err := s.ui.store.Budget.FiscalYear(s.ui.ctx, year)
			if err != nil {
				return err
			}
			res, err = s.ui.store.Budget.UndoImport(s.ui.ctx, fy, file)
			return err
		}, func() {
			s.budgetRes = nil
			s.ui.setStatus(trf("Undid the import of {{.File}}: {{.Deleted}} lines deleted, {{.Restored}} put back, {{.Actuals}} actuals deleted.",
				map[string]any{"File": file, "Deleted": res.LinesDeleted + res.RevisionsWithdrawn, "Restored": res.LinesRestored, "Actuals": res.ActualsDeleted}))
			s.ui.budget.reload()
			s.ui.show(s.ui.current)
		})
	})
}

// resultLines is what the last dry run or import did, a line each, in the
// window's language: counts, money, what was left out, every problem.
func (s *importScreen) resultLines() []string {
	r := s.result
	var lines []string
	if b := s.budgetRes; b != nil {
		verb := s.headline(b.DryRun, len(b.Problems))
		for i, m := range b.Report(s.kind == "actuals") {
			text := msgText(m, m.String())
			if i == 0 {
				text = verb + ": " + text
			}
			lines = append(lines, text)
		}
		lines = append(lines, problemLines(b.Problems)...)
	}
	if sr := s.samples; sr != nil {
		lines = append(lines, s.samplesLines(*sr)...)
	}
	if ir := s.inventory.result; ir != nil {
		lines = append(lines, s.inventoryLines(*ir)...)
	}
	if o := s.outages; o != nil {
		verb := s.headline(o.DryRun, len(o.Problems))
		lines = append(lines, verb+": "+trf("{{.Created}} outages to create, {{.Updated}} to update",
			map[string]any{"Created": o.Created, "Updated": o.Updated}))
		for _, col := range o.IgnoredColumns {
			lines = append(lines, trf("Column {{.Col}} is not an outage field; it is not imported.", map[string]any{"Col": col}))
		}
		lines = append(lines, problemLines(o.Problems)...)
	}
	if r != nil {
		verb := s.headline(r.DryRun, len(r.Problems))
		lines = append(lines, verb+": "+trf("{{.Created}} CIs to create, {{.Updated}} to update, {{.Unchanged}} unchanged; {{.Rel}} relations to create",
			map[string]any{"Created": r.Created, "Updated": r.Updated, "Unchanged": r.Unchanged, "Rel": r.RelationsCreated + r.RelationsRegrouped}))
		for _, col := range r.IgnoredColumns {
			lines = append(lines, trf("Column {{.Col}} is not a CI field or attribute; it is ignored.", map[string]any{"Col": col}))
		}
		for _, name := range r.SheetsNotRead {
			lines = append(lines, trf("Sheet {{.Sheet}} holds neither CIs nor relations; it was not read.", map[string]any{"Sheet": name}))
		}
		lines = append(lines, problemLines(r.Problems)...)
	}
	if s.err != nil && (r == nil || len(r.Problems) == 0) {
		lines = append(lines, "⚠ "+errorText(s.err))
	} else if s.err != nil {
		lines = append(lines, errorText(s.err))
	}
	return lines
}

// headline says what the counts after it are: what was imported, what a
// dry run found, or — when the file was refused — what it would give once
// corrected, with nothing imported. A refused file never reads "Imported".
func (s *importScreen) headline(dryRun bool, problems int) string {
	switch {
	case problems > 0 || s.err != nil:
		return tr("Nothing was imported; once the problems below are corrected, the file would give")
	case dryRun:
		return tr("A dry run found (nothing written)")
	}
	return tr("Imported")
}

// run checks (dryRun) or imports the file off the UI goroutine, reporting
// progress and honouring Cancel.
func (s *importScreen) run(dryRun bool) {
	ctx, cancel := context.WithCancel(s.ui.ctx)
	s.cancel = cancel
	s.running, s.done = true, 0
	s.ui.show(s.ui.current)
	path := s.path
	mapping := make(map[string]string, len(s.mapping))
	for k, v := range s.mapping {
		mapping[k] = v
	}
	if s.kind == "budget" || s.kind == "actuals" {
		fy, fyErr := s.ui.store.Budget.FiscalYear(ctx, s.fyYear)
		actuals := s.kind == "actuals"
		opts := budget.ImportOptions{DryRun: dryRun, Mapping: mapping, SumDuplicates: s.sumDuplicates, Revise: s.revise}
		for h := range s.ignore {
			opts.Ignore = append(opts.Ignore, h)
		}
		s.ui.background(func() func() {
			var res budget.ImportResult
			var err error
			if s.fyYear == 0 || fyErr != nil {
				err = fmt.Errorf("%s", tr("Choose the fiscal year the file is for, or create it (New fiscal year…)."))
			} else if actuals {
				res, err = s.ui.store.Budget.ImportActuals(ctx, fy, path, opts)
			} else {
				res, err = s.ui.store.Budget.Import(ctx, fy, path, opts)
			}
			return func() {
				cancel()
				s.running, s.cancel = false, nil
				s.budgetRes, s.result, s.outages, s.err = &res, nil, nil, err
				if err == nil && !dryRun {
					// The Budget screen shows the year just imported into.
					s.ui.budget.fy, s.ui.budget.selected = fy, -1
					s.ui.budget.reload()
				}
				s.ui.show(s.ui.current)
			}
		})
		return
	}
	if s.kind == "samples" {
		s.runSamples(ctx, cancel, dryRun, mapping)
		return
	}
	if s.kind == "inventory" {
		s.runInventory(ctx, cancel, dryRun, mapping)
		return
	}
	if s.kind == "outages" {
		s.ui.background(func() func() {
			res, err := s.ui.store.Continuity.ImportOutages(ctx, path, "Asia/Shanghai", dryRun, mapping)
			return func() {
				cancel()
				s.running, s.cancel = false, nil
				s.outages, s.result, s.err = &res, nil, err
				if err == nil && !dryRun {
					s.ui.setStatus(trf("Imported {{.File}}: {{.Created}} created, {{.Updated}} updated",
						map[string]any{"File": res.File, "Created": res.Created, "Updated": res.Updated}))
				}
				s.ui.show(s.ui.current)
			}
		})
		return
	}
	s.ui.background(func() func() {
		res, err := s.ui.store.CMDB.ImportFile(ctx, path, cmdb.ImportOptions{DryRun: dryRun, Mapping: mapping, Values: s.values,
			Progress: func(done, _ int) {
				fyne.Do(func() {
					s.done = done
					if s.status != nil {
						s.status.SetText(countText(done, "{{.Count}} row written…", "{{.Count}} rows written…"))
					}
				})
			}})
		return func() {
			cancel()
			s.running, s.cancel = false, nil
			s.result, s.outages, s.err = &res, nil, err
			if err == nil && !dryRun {
				s.ui.setStatus(trf("Imported {{.File}}: {{.Created}} created, {{.Updated}} updated",
					map[string]any{"File": res.File, "Created": res.Created, "Updated": res.Updated}))
				s.ui.cis.reload()
				s.ui.dashboard.loaded = false
			}
			s.ui.show(s.ui.current)
		}
	})
}

func (s *importScreen) onCancel() {
	if s.cancel != nil {
		s.cancel()
	}
}

func errorText(err error) string { return errText(err) }
