package app

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
	"servicebook/export"
)

// availabilityScreen shows availability per service for a period against
// its target, a chart of the last months for the selected service, and the
// outage register of the period.
type availabilityScreen struct {
	ui       *UI
	period   string
	results  []continuity.ServiceAvailability
	selected int
	outages  []continuity.OutageRecord

	periodEntry   *widget.Entry
	exportPDF     *widget.Button
	toDate        *widget.Label // says the period has not ended, when it has not
	table         *gridTable
	chart         fyne.CanvasObject
	newOutage     outageForm
	addOutage     *widget.Button
	saveOutage    *widget.Button
	removeOutage  *widget.Button
	outageID      int64 // selected in the register
	investigate   *widget.Button
	investigation *widget.Entry
	lastImport    []string // problems of the last refused import
}

func (s *availabilityScreen) title() string { return tr("Availability") }

// lastMonth is the period people look at first: the month that just ended.
func (s *availabilityScreen) lastMonth() string {
	now := s.ui.store.DB.Now()
	return time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.Local).Format("2006-01")
}

func (s *availabilityScreen) reload() {
	if s.period == "" {
		s.period = s.lastMonth()
	}
	var err error
	if s.results, err = s.ui.store.Continuity.Availability(s.ui.ctx, s.period, ""); err != nil {
		s.ui.showError(err)
		s.results = nil
	}
	if s.selected >= len(s.results) {
		s.selected = 0
	}
	s.outages = nil
	if len(s.results) > 0 {
		s.outages, err = s.ui.store.Continuity.Outages(s.ui.ctx, "", s.results[0].Period.Interval)
		if err != nil {
			s.ui.showError(err)
		}
	}
}

func hoursText(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) + " h" }

func (s *availabilityScreen) view() fyne.CanvasObject {
	s.reload()
	s.periodEntry = widget.NewEntry()
	s.periodEntry.SetText(s.period)
	s.periodEntry.OnSubmitted = func(v string) {
		s.period = v
		s.ui.show(s.ui.current)
	}
	show := &widget.Button{Text: tr("Show"), OnTapped: func() { s.periodEntry.OnSubmitted(s.periodEntry.Text) }}
	s.exportPDF = &widget.Button{Text: tr("Export PDF…"), Icon: theme.DocumentPrintIcon(), OnTapped: s.onExportPDF}
	if len(s.results) == 0 {
		s.exportPDF.Disable()
	}
	s.toDate = nil
	target := &widget.Button{Text: tr("Target…"), Icon: theme.SettingsIcon(), OnTapped: s.onTarget}
	var top fyne.CanvasObject = container.NewBorder(nil, nil, widget.NewLabel(tr("Period (2026-10, 2026-Q4, 2026)")),
		container.NewHBox(show, target, s.exportPDF), s.periodEntry)
	if len(s.results) > 0 && s.results[0].ToDate {
		// A figure for a period that has not ended counts the time so far.
		s.toDate = widget.NewLabel(trf("To date: {{.Period}} has not ended; the figures count the time up to {{.Until}}.",
			map[string]any{"Period": s.results[0].Period.Label, "Until": s.results[0].Until.In(s.results[0].Period.Start.Location()).Format("2006-01-02 15:04")}))
		s.toDate.Importance = widget.WarningImportance
		top = container.NewVBox(top, s.toDate)
	}
	rows := func() [][]string {
		out := make([][]string, len(s.results))
		for i, r := range s.results {
			met := tr("met")
			if !r.Met {
				met = tr("missed")
			}
			if r.ToDate {
				met += " " + tr("(to date)")
			}
			gaps := ""
			if r.Uninvestigated > 0 {
				gaps = trf("{{.Count}} not investigated", map[string]any{"Count": r.Uninvestigated})
			}
			out[i] = []string{r.ServiceRef + " " + r.ServiceName, r.ServiceHours, hoursText(r.Agreed), hoursText(r.Downtime),
				fmt.Sprintf("%.3f %%", r.Availability), fmt.Sprintf("%g %%", r.Percent), met, hoursText(r.ErrorBudget),
				strconv.Itoa(r.Outages), hoursText(r.MTRS), hoursText(r.MTBF), fmt.Sprintf("%.3f %%", r.Derived), gaps}
		}
		return out
	}
	s.table = textTable([]string{tr("Service"), tr("Service hours"), tr("Agreed"), tr("Down"), tr("Availability"), tr("Target"), "",
		tr("Budget left"), tr("Outages"), "MTRS", "MTBF", tr("From dependencies"), tr("Gaps")},
		[]float32{260, 170, 90, 80, 100, 70, 70, 100, 70, 80, 90, 130, 140}, rows)
	s.ui.keepWidths("availability", s.table)
	s.table.OnSelected = func(id widget.TableCellID) {
		s.selected = id.Row
		s.ui.show(s.ui.current)
	}
	var chart fyne.CanvasObject = widget.NewLabel(tr("No service has an availability target yet."))
	if len(s.results) > 0 {
		chart = s.trendChart(s.results[s.selected])
	}
	s.chart = chart
	register := s.registerView()
	// The chart scrolls rather than widening the window: at 1024 wide the
	// register and its form need the room.
	lower := newHSplit(container.NewScroll(chart), register, 0.4)
	s.ui.keepSplit("availability-lower", lower)
	split := newVSplit(s.table, lower, 0.4)
	s.ui.keepSplit("availability", split)
	return container.NewBorder(top, nil, nil, nil, split)
}

// trendChart draws the last six months of a service as bars, with the
// target as a line: red bars missed it.
func (s *availabilityScreen) trendChart(sel continuity.ServiceAvailability) fyne.CanvasObject {
	end := sel.Period.Start
	type point struct {
		label string
		value float64
		met   bool
	}
	var points []point
	for i := 5; i >= 0; i-- {
		month := time.Date(end.Year(), end.Month()-time.Month(i), 1, 0, 0, 0, 0, end.Location()).Format("2006-01")
		res, err := s.ui.store.Continuity.Availability(s.ui.ctx, month, sel.ServiceRef)
		if err != nil || len(res) == 0 {
			continue
		}
		points = append(points, point{month, res[0].Availability, res[0].Met})
	}
	// The scale starts a little below the lowest of the figures and the
	// target, so that 99.5 and 99.9 look different.
	low := sel.Percent
	for _, p := range points {
		low = min(low, p.value)
	}
	low = max(0, low-(100-low)*0.5-0.05)
	// top leaves room for the value over a 100 % bar, under the title;
	// the target's label stands right of the bars, where no bar is.
	const w, h, bar, top, right = 440, 200, 48, 20, 110
	scaleY := func(v float64) float32 { return float32(top + h - (v-low)/(100-low)*h) }
	objects := []fyne.CanvasObject{}
	axis := canvas.NewLine(theme.Color(theme.ColorNameDisabled))
	axis.Position1, axis.Position2 = fyne.NewPos(0, top+h), fyne.NewPos(w, top+h)
	objects = append(objects, axis)
	for i, p := range points {
		x := float32(20 + i*(bar+22))
		c := theme.Color(theme.ColorNamePrimary)
		if !p.met {
			c = theme.Color(theme.ColorNameError)
		}
		r := canvas.NewRectangle(c)
		r.Move(fyne.NewPos(x, scaleY(p.value)))
		r.Resize(fyne.NewSize(bar, top+h-scaleY(p.value)))
		value := canvas.NewText(fmt.Sprintf("%.2f %%", p.value), theme.Color(theme.ColorNameForeground))
		value.TextSize = theme.CaptionTextSize()
		value.Move(fyne.NewPos(x, scaleY(p.value)-16))
		label := canvas.NewText(p.label, theme.Color(theme.ColorNameForeground))
		label.TextSize = theme.CaptionTextSize()
		label.Move(fyne.NewPos(x, top+h+4))
		objects = append(objects, r, value, label)
	}
	target := canvas.NewLine(color.NRGBA{R: 0xff, G: 0xa0, A: 0xff})
	target.StrokeWidth = 2
	target.Position1, target.Position2 = fyne.NewPos(0, scaleY(sel.Percent)), fyne.NewPos(w, scaleY(sel.Percent))
	targetLabel := canvas.NewText(trf("target {{.Target}} %", map[string]any{"Target": sel.Percent}), color.NRGBA{R: 0xff, G: 0xa0, A: 0xff})
	targetLabel.TextSize = theme.CaptionTextSize()
	targetLabel.Move(fyne.NewPos(w+6, scaleY(sel.Percent)-8))
	objects = append(objects, target, targetLabel)
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(w+right, top+h+24))
	title := bold(trf("{{.Service}}: availability by month", map[string]any{"Service": sel.ServiceName}))
	return container.NewBorder(title, nil, nil, nil, container.NewStack(spacer, container.NewWithoutLayout(objects...)))
}

func (s *availabilityScreen) registerView() fyne.CanvasObject {
	loc := time.Local
	if len(s.results) > 0 {
		loc = s.results[0].Period.Start.Location()
	}
	rows := make([][]string, len(s.outages))
	for i, o := range s.outages {
		end := tr("open")
		if !o.End.IsZero() {
			end = o.End.In(loc).Format("01-02 15:04")
		}
		kind := tr("unplanned")
		if o.Planned {
			kind = tr("planned")
		}
		if o.Partial {
			kind += tr(", partial")
		}
		rows[i] = []string{o.ServiceName, o.Start.In(loc).Format("01-02 15:04"), end, kind, o.CauseRef, investigationText(o.Investigation), o.Description}
	}
	table := textTable([]string{tr("Service"), tr("Start"), tr("End"), tr("Kind"), tr("Cause"), tr("Investigation"), tr("Description")},
		[]float32{200, 100, 100, 110, 90, 100, 300}, func() [][]string { return rows })
	s.ui.keepWidths("outages", table)
	var selected *continuity.OutageRecord
	for i := range s.outages {
		if s.outages[i].ID == s.outageID {
			selected = &s.outages[i]
		}
	}
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.outages) && s.outages[id.Row].ID != s.outageID {
			s.outageID = s.outages[id.Row].ID
			s.ui.show(s.ui.current)
		}
	}
	// Record an outage.
	var services []string
	refs := map[string]string{}
	for _, r := range s.results {
		label := r.ServiceRef + " " + r.ServiceName
		services = append(services, label)
		refs[label] = r.ServiceRef
	}
	svc := newSelect(services, nil)
	start, end, what := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	cause := newCIPicker(s.ui, tr("cause CI (find by name or reference)"), false)
	start.SetPlaceHolder("2026-10-10 03:00")
	end.SetPlaceHolder(tr("end (empty while open)"))
	what.SetPlaceHolder(tr("Description"))
	planned := widget.NewCheck(tr("planned"), nil)
	s.newOutage = outageForm{service: svc, start: start, end: end, cause: cause, what: what, planned: planned, refs: refs}
	s.addOutage = &widget.Button{Text: tr("Record"), Icon: theme.ContentAddIcon(), OnTapped: s.onAddOutage}
	// The selected outage fills the form, to be corrected or removed.
	s.saveOutage = &widget.Button{Text: tr("Save"), Icon: theme.DocumentSaveIcon(), OnTapped: s.onSaveOutage}
	s.removeOutage = &widget.Button{Text: tr("Remove"), Icon: theme.DeleteIcon(), OnTapped: s.onRemoveOutage}
	if selected != nil {
		for label, ref := range refs {
			if ref == selected.ServiceRef {
				svc.SetSelected(label)
			}
		}
		start.SetText(selected.Start.In(loc).Format("2006-01-02 15:04"))
		if !selected.End.IsZero() {
			end.SetText(selected.End.In(loc).Format("2006-01-02 15:04"))
		}
		cause.SetText(selected.CauseRef)
		what.SetText(selected.Description)
		planned.SetChecked(selected.Planned)
	} else {
		s.saveOutage.Disable()
		s.removeOutage.Disable()
	}
	// Two rows, so that the form fits the register's half of a 1024-wide window.
	// Three rows, the buttons on their own, so that every field keeps a
	// width to type in within the register's half of a 1024-wide window.
	addForm := container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(svc, planned), nil, container.NewGridWithColumns(2, start, end)),
		container.NewGridWithColumns(2, cause.entry, what),
		container.NewHBox(layout.NewSpacer(), s.addOutage, s.saveOutage, s.removeOutage))
	// Investigation of the selected outage.
	statuses := []string{investigationText("open"), investigationText("investigating"), investigationText("closed")}
	status := newSelect(statuses, nil)
	status.SetSelected(statuses[2])
	found := widget.NewEntry()
	found.SetPlaceHolder(tr("cause found, actions"))
	s.investigate = &widget.Button{Text: tr("Update investigation"), OnTapped: func() {
		if s.outageID == 0 {
			s.ui.showError(fmt.Errorf("%s", tr("Select an outage in the register first.")))
			return
		}
		id, st, text := s.outageID, []string{"open", "investigating", "closed"}[status.SelectedIndex()], found.Text
		s.ui.save(s.investigate, func() error { return s.ui.store.Continuity.Investigate(s.ui.ctx, id, st, text, "") }, func() {
			s.ui.setStatus(trf("Outage {{.ID}}: investigation {{.Status}}", map[string]any{"ID": id, "Status": investigationText(st)}))
			s.ui.show(s.ui.current)
		})
	}}
	s.investigation = found
	investigate := container.NewBorder(nil, nil, status, s.investigate, found)
	importBtn := &widget.Button{Text: tr("Import outages…"), Icon: theme.UploadIcon(), OnTapped: s.onImport}
	header := container.NewBorder(nil, nil, nil, importBtn, bold(trf("Outage register, {{.Period}}", map[string]any{"Period": s.period})))
	return container.NewBorder(header, container.NewVBox(investigate, addForm), nil, nil, table)
}

// outageForm is the register's "record an outage" row.
type outageForm struct {
	service          *widget.Select
	start, end, what *widget.Entry
	cause            *ciPicker
	planned          *widget.Check
	refs             map[string]string
}

func (s *availabilityScreen) onAddOutage() {
	o, ok := s.formOutage()
	if !ok {
		return
	}
	var added continuity.OutageRecord
	s.ui.save(s.addOutage, func() (err error) {
		added, err = s.ui.store.Continuity.AddOutage(s.ui.ctx, o)
		return err
	}, func() {
		s.ui.setStatus(trf("Outage {{.ID}} recorded", map[string]any{"ID": added.ID}))
		s.ui.show(s.ui.current)
	})
}

// onSaveOutage corrects the selected outage from the form.
func (s *availabilityScreen) onSaveOutage() {
	o, ok := s.formOutage()
	if !ok || s.outageID == 0 {
		return
	}
	o.ID = s.outageID
	for _, old := range s.outages {
		if old.ID == o.ID {
			o.Partial = old.Partial // the form does not show it; keep it
		}
	}
	s.ui.save(s.saveOutage, func() error { return s.ui.store.Continuity.UpdateOutage(s.ui.ctx, o) }, func() {
		s.ui.setStatus(trf("Outage {{.ID}} corrected", map[string]any{"ID": o.ID}))
		s.ui.show(s.ui.current)
	})
}

// onRemoveOutage deletes the selected outage after asking; the change log
// keeps what it was.
func (s *availabilityScreen) onRemoveOutage() {
	id := s.outageID
	if id == 0 {
		return
	}
	s.ui.confirm(tr("Remove outage"), trf("Delete outage {{.ID}}? The change log keeps what it recorded.", map[string]any{"ID": id}), tr("Delete"), func(ok bool) {
		if !ok {
			return
		}
		s.ui.save(s.removeOutage, func() error { return s.ui.store.Continuity.RemoveOutage(s.ui.ctx, id) }, func() {
			s.outageID = 0
			s.ui.setStatus(trf("Outage {{.ID}} removed", map[string]any{"ID": id}))
			s.ui.show(s.ui.current)
		})
	})
}

// formOutage reads the register's form.
func (s *availabilityScreen) formOutage() (continuity.OutageRecord, bool) {
	f := s.newOutage
	zone := "Asia/Shanghai"
	if len(s.results) > 0 {
		zone = s.results[0].TimeZone
	}
	loc, _ := time.LoadLocation(zone)
	parse := func(v string) (time.Time, error) {
		if strings.TrimSpace(v) == "" {
			return time.Time{}, nil
		}
		return time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(v), loc)
	}
	start, err1 := parse(f.start.Text)
	end, err2 := parse(f.end.Text)
	if err1 != nil || err2 != nil || start.IsZero() {
		s.ui.showError(fmt.Errorf("%s", trf(continuity.MsgNotTime, map[string]any{"Value": f.start.Text + " " + f.end.Text})))
		return continuity.OutageRecord{}, false
	}
	causeRef := ""
	if strings.TrimSpace(f.cause.Text()) != "" {
		ref, err := f.cause.Ref()
		if err != nil {
			s.ui.showError(err)
			return continuity.OutageRecord{}, false
		}
		causeRef = ref
	}
	return continuity.OutageRecord{ServiceRef: f.refs[f.service.Selected], CauseRef: causeRef, Description: f.what.Text,
		Outage: continuity.Outage{Start: start, End: end, Planned: f.planned.Checked}}, true
}

// onImport checks an outage file first and imports it only if the check
// found no problem, listing every problem otherwise.
func (s *availabilityScreen) onImport() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.importFile(path)
	}, s.ui.win)
}

func (s *availabilityScreen) importFile(path string) {
	zone := "Asia/Shanghai"
	if len(s.results) > 0 {
		zone = s.results[0].TimeZone
	}
	s.ui.background(func() func() {
		res, err := s.ui.store.Continuity.ImportOutages(s.ui.ctx, path, zone, false, nil)
		return func() {
			if err != nil {
				lines := append([]string{errText(err)}, problemLines(res.Problems)...)
				s.lastImport = lines
				s.ui.showError(fmt.Errorf("%s", strings.Join(lines, "\n")))
				return
			}
			s.lastImport = nil
			s.ui.setStatus(trf("Imported {{.File}}: {{.Created}} created, {{.Updated}} updated",
				map[string]any{"File": res.File, "Created": res.Created, "Updated": res.Updated}))
			s.ui.show(s.ui.current)
		}
	})
}

func investigationText(v string) string {
	switch v {
	case "open":
		return tr("open")
	case "investigating":
		return tr("investigating")
	}
	return tr("closed")
}

// onExportPDF prints the period shown as the availability report and
// opens it.
func (s *availabilityScreen) onExportPDF() {
	s.ui.askPDFPath("availability-"+s.period+".pdf", func(path string) { s.exportTo(path, true) })
}

// exportTo writes the report of the period shown to path; with show, it
// opens it.
func (s *availabilityScreen) exportTo(path string, show bool) {
	period := s.period
	s.ui.printPDF(s.exportPDF, period, path, show, func(opt export.PDFOptions) error {
		rep, err := export.LoadAvailabilityReport(s.ui.ctx, s.ui.store.Continuity, period, opt.AsOf)
		if err != nil {
			return err
		}
		return export.AvailabilityPDF(path, rep, opt)
	})
}
