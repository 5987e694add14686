package app

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
)

// capacityScreen lists the resources watched with their state and when
// their thresholds are forecast to be reached, and draws the selected
// one's history and forecast, with a what-if. The list reads the statuses
// kept from earlier forecasts (capacity.Statuses), off the UI goroutine;
// only the selected resource is forecast in full, for its chart.
type capacityScreen struct {
	ui        *UI
	horizon   int // days ahead
	whatIf    capacity.WhatIf
	rows      []capacity.ResourceStatus
	selected  int
	loaded    bool
	computing bool   // statuses are being read or worked out
	progress  string // how far the working out is
	// shown is the full forecast of the selected resource, kept while the
	// selection, horizon and what-if stay as they are.
	shown      *capacity.ResourceForecast
	shownKey   string
	tab        int // 0: resources, 1: plans
	plans      *capacityPlans
	phrases    phrases
	building   bool  // view is being built: a refresh it starts need not show again
	detailTab  int   // 0: forecast, 1: upgrades
	selUpgrade int64 // the upgrade selected in the upgrades tab
	// the what-if panel's inputs and the upgrades' buttons, for tests
	changeUpgrade, cancelUpgrade *widget.Button
	sampleInputs                 map[string]*widget.Entry
	whatIfInputs                 map[string]*widget.Entry
	loseCI                       *widget.Select
	recalculate                  *widget.Button
}

func (s *capacityScreen) title() string { return tr("Capacity") }

func (s *capacityScreen) reload() { s.refresh(nil) }

// refresh reads every resource's status off the UI goroutine — the kept
// ones, working out those missing (a what-if works out all) — and then
// shows them and runs then.
func (s *capacityScreen) refresh(then func()) {
	s.loaded, s.computing, s.progress = true, true, ""
	ctx, horizon, w := s.ui.ctx, time.Duration(s.horizon)*24*time.Hour, s.whatIf
	progress := func(done, total int) {
		fyne.Do(func() {
			s.progress = trf("Forecasting {{.Done}} of {{.Total}} resources…", map[string]any{"Done": done, "Total": total})
			if total >= 500 { // long enough to say so; a few leave the status line to what was just done
				s.ui.setStatus(s.progress)
			}
		})
	}
	s.ui.background(func() func() {
		rows, err := s.ui.store.Capacity.Statuses(ctx, horizon, w, progress)
		dropped := false
		if err != nil && !w.IsZero() {
			// A what-if that cannot be worked out (a CI in no group) is
			// dropped, and the plain forecast shown.
			var plainErr error
			if rows, plainErr = s.ui.store.Capacity.Statuses(ctx, horizon, capacity.WhatIf{}, progress); plainErr == nil {
				dropped = true
			}
		}
		return func() {
			s.computing, s.progress, s.shown = false, "", nil
			if err != nil {
				s.ui.showError(err)
				if !dropped {
					return
				}
				s.whatIf = capacity.WhatIf{}
			}
			s.rows = rows
			if s.selected >= len(s.rows) {
				s.selected = 0
			}
			if then != nil {
				then()
			}
			if !s.building && s.ui.current < len(s.ui.screens) && s.ui.screens[s.ui.current] == screen(s) {
				s.ui.show(s.ui.current)
			}
		}
	})
}

// soon is how near a forecast breach must be to be flagged.
const soon = 90 * 24 * time.Hour

// status is a resource's state in words: over a threshold now, a breach
// forecast within 90 days, or ok.
func (s *capacityScreen) status(i int) (string, widget.Importance) {
	f := s.rows[i]
	if f.Problem != "" {
		return tr("no forecast"), widget.LowImportance
	}
	switch {
	case f.ToCritical.Already:
		return tr("critical"), widget.DangerImportance
	case f.ToWarning.Already:
		return tr("warning"), widget.WarningImportance
	case !f.ToWarning.Never && f.ToWarning.In <= soon:
		return s.words().count(int(f.ToWarning.In.Hours()/24+0.5), "breach in {{.Count}} day", "breach in {{.Count}} days"), widget.WarningImportance
	}
	return tr("ok"), widget.SuccessImportance
}

// reachText says when a threshold is reached, in the user's language.
func reachText(r capacity.Reach, horizon int) string { return reachWords(phrases{}, r, horizon) }

// reachWords is reachText through p, for lists.
func reachWords(p phrases, r capacity.Reach, horizon int) string {
	switch {
	case r.Already:
		return p.get("now", nil)
	case r.Never:
		return p.count(horizon, "not within {{.Count}} day", "not within {{.Count}} days")
	}
	return p.fill("{{.Date}} (in {{.Days}} d)", "Date", r.At.Format(time.DateOnly), "Days", strconv.Itoa(int(r.In.Hours()/24+0.5)))
}

// words are the screen's phrases, made afresh by each view.
func (s *capacityScreen) words() phrases {
	if s.phrases == nil {
		s.phrases = phrases{}
	}
	return s.phrases
}

// usage prints a usage figure as precise as it needs: 157.4, 33614, 0.25.
func usage(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1000:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case a >= 10:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// view shows the resources or the capacity plans, one tab at a time: each
// tab reads what it shows when it is shown.
func (s *capacityScreen) view() fyne.CanvasObject {
	s.phrases = nil // the language may have changed
	s.building = true
	defer func() { s.building = false }()
	if s.plans == nil {
		s.plans = &capacityPlans{ui: s.ui}
	}
	resources, plans := container.NewStack(), container.NewStack()
	if s.tab == 1 {
		plans.Add(s.plans.view())
	} else {
		resources.Add(s.resourcesView())
	}
	tabs := container.NewAppTabs(container.NewTabItem(tr("Resources"), resources), container.NewTabItem(tr("Plans"), plans))
	tabs.SelectIndex(s.tab)
	tabs.OnSelected = func(*container.TabItem) {
		if tabs.SelectedIndex() != s.tab {
			s.tab = tabs.SelectedIndex()
			s.ui.show(s.ui.current)
		}
	}
	return tabs
}

// resourcesView lists the resources watched with their state, over the
// selected one's forecast.
func (s *capacityScreen) resourcesView() fyne.CanvasObject {
	if !s.loaded {
		s.reload()
	}
	horizons := []int{90, 180, 365}
	names := make([]string, len(horizons))
	for i, h := range horizons {
		names[i] = countText(h, "{{.Count}} day ahead", "{{.Count}} days ahead")
	}
	horizon := newSelect(names, nil)
	for i, h := range horizons {
		if h == s.horizon {
			horizon.SetSelected(names[i])
		}
	}
	horizon.OnChanged = func(v string) {
		for i, n := range names {
			if n == v && horizons[i] != s.horizon {
				s.horizon = horizons[i]
				s.reload()
				s.ui.show(s.ui.current)
			}
		}
	}
	addBtn := &widget.Button{Text: tr("Add resource…"), Icon: theme.ContentAddIcon(), OnTapped: s.onAddResource}
	editBtn := &widget.Button{Text: tr("Change…"), Icon: theme.DocumentCreateIcon(), OnTapped: s.onEditResource}
	removeBtn := &widget.Button{Text: tr("Remove resource"), Icon: theme.DeleteIcon(), OnTapped: s.onRemoveResource}
	if len(s.rows) == 0 {
		editBtn.Disable()
		removeBtn.Disable()
	}
	toolbar := container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(tr("Forecast")), container.NewHBox(addBtn, editBtn, removeBtn), horizon),
		s.whatIfPanel())

	if s.computing && len(s.rows) == 0 {
		return container.NewBorder(toolbar, nil, nil, nil, container.NewCenter(widget.NewLabel(cmp.Or(s.progress, tr("Forecasting…")))))
	}
	if len(s.rows) == 0 {
		return container.NewBorder(toolbar, nil, nil, nil, container.NewCenter(widget.NewLabel(
			tr("No resources are watched yet: Add resource… names one; its samples come from a monitoring export."))))
	}
	rows := make([][]string, len(s.rows))
	for i, f := range s.rows {
		latest := "–"
		if f.Problem == "" {
			latest = usage(f.Latest) + " " + f.Unit
		}
		state, _ := s.status(i)
		// What a person looks for first comes first: at 1024 wide the CI
		// and the thresholds scroll in from the right.
		headroom := "–"
		if f.Problem == "" {
			headroom = usage(f.Usable()-f.Latest) + " " + f.Unit
		}
		rows[i] = []string{f.Name, state, latest, reachWords(s.words(), f.ToWarning, s.horizon), reachWords(s.words(), f.ToCritical, s.horizon),
			headroom, usage(f.Usable()) + " " + f.Unit, usage(f.Warning), usage(f.Critical), f.CIRef + " " + f.CIName}
		if f.Problem != "" {
			rows[i][3] = tr("too few samples to forecast")
		}
	}
	table := styledTable([]string{tr("Resource"), tr("Status"), tr("Latest"), tr("Warning reached"), tr("Critical reached"),
		tr("Headroom"), tr("Usable"), tr("Warning"), tr("Critical"), tr("CI")},
		[]float32{200, 150, 110, 170, 170, 110, 110, 80, 80, 240}, func() [][]string { return rows },
		func(row, col int) widget.Importance {
			if col != 1 || row >= len(s.rows) {
				return widget.MediumImportance
			}
			_, imp := s.status(row)
			return imp
		})
	s.ui.keepWidths("capacity-resources", table) // a new name: the columns changed (Headroom), so widths kept by index under the old one do not fit
	table.Select(widget.TableCellID{Row: s.selected, Col: 0})
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(s.rows) && id.Row != s.selected {
			s.selected = id.Row
			s.ui.show(s.ui.current)
		}
	}
	detail := s.detail()
	split := newVSplit(table, detail, 0.35)
	s.ui.keepSplit("capacity", split)
	return container.NewBorder(toolbar, nil, nil, nil, split)
}

// detail is the selected resource's forecast in words and as a chart.
func (s *capacityScreen) detail() fyne.CanvasObject {
	st := s.rows[s.selected]
	record := &widget.Button{Text: tr("Record sample…"), Icon: theme.ContentAddIcon(), OnTapped: s.onRecordSample}
	if st.Problem != "" {
		return container.NewBorder(container.NewBorder(nil, nil, nil, record, widget.NewLabel(st.Name+": "+tr("too few samples to forecast"))), nil, nil, nil, nil)
	}
	key := fmt.Sprintf("%d %d %+v", st.ID, s.horizon, s.whatIf)
	if s.shown == nil || s.shownKey != key {
		f, err := s.ui.store.Capacity.ForecastResource(s.ui.ctx, st.Name, time.Duration(s.horizon)*24*time.Hour, s.whatIf)
		if err != nil {
			return widget.NewLabel(st.Name + ": " + errText(err))
		}
		s.shown, s.shownKey = &f, key
	}
	f := *s.shown
	method := tr(capacity.MethodWords(f.Method, f.Season))
	words := trf("{{.Name}}: forecast by {{.Method}}; error on the last part of the history: RMSE {{.RMSE}} {{.Unit}}.",
		map[string]any{"Name": f.Name, "Method": method, "RMSE": usage(f.RMSE), "Unit": f.Unit})
	words += s.whatIfWords(f)
	for _, u := range f.Upgrades {
		words += " " + trf("Upgrade {{.ID}} on {{.Date}} adds {{.Adds}} {{.Unit}}; the thresholds rise with it.",
			map[string]any{"ID": u.ID, "Date": u.Planned.Format(time.DateOnly), "Adds": usage(u.Adds), "Unit": f.Unit})
	}
	label := widget.NewLabel(words)
	label.Wrapping = fyne.TextWrapWord
	plan := &widget.Button{Text: tr("Plan upgrade…"), Icon: theme.ContentAddIcon(), OnTapped: s.onPlanUpgrade}
	tabs := container.NewAppTabs(container.NewTabItem(tr("Forecast"), container.NewScroll(capacityChart(f))),
		container.NewTabItem(tr("Upgrades"), s.upgradesView(f.Resource)))
	tabs.SelectIndex(s.detailTab)
	tabs.OnSelected = func(*container.TabItem) { s.detailTab = tabs.SelectedIndex() }
	return container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(record, plan), label), nil, nil, nil, tabs)
}

// capacityChart draws the last 120 steps of history, the forecast with its
// 95 % range, and the warning and critical lines, with dates under the
// time axis and the unit on the value axis.
func capacityChart(f capacity.ResourceForecast) fyne.CanvasObject {
	const w, h, left, top, right, bottom = 620, 200, 64, 12, 150, 24
	history := f.Series.Values
	from := max(0, len(history)-120)
	shown := history[from:]
	steps := len(shown) + len(f.Mean)
	low, high := math.Inf(1), math.Inf(-1)
	for _, v := range shown {
		low, high = math.Min(low, v), math.Max(high, v)
	}
	for i := range f.Mean {
		low, high = math.Min(low, f.Lower[i]), math.Max(high, f.Upper[i])
	}
	grown := f.Capacity
	for _, u := range f.Upgrades {
		grown += u.Adds
	}
	high = math.Max(high, f.Critical*grown/f.Capacity)
	low = math.Min(low, f.Warning)
	pad := (high - low) * 0.05
	low, high = math.Max(0, low-pad), high+pad
	x := func(i int) float32 { return left + float32(i)*w/float32(max(1, steps-1)) }
	last := steps - 1 // the chart's last step
	y := func(v float64) float32 { return top + float32((high-v)/(high-low))*h }
	fg := theme.Color(theme.ColorNameForeground)
	var objects []fyne.CanvasObject
	text := func(s string, c color.Color, at fyne.Position) {
		t := canvas.NewText(s, c)
		t.TextSize = theme.CaptionTextSize()
		t.Move(at)
		objects = append(objects, t)
	}
	// The forecast's range first, under the lines: an opaque tint of the
	// forecast's colour over the background, so that its strokes do not
	// darken where they overlap.
	bg := color.NRGBAModel.Convert(theme.Color(theme.ColorNameBackground)).(color.NRGBA)
	tint := func(a, b uint8) uint8 { return uint8((int(a)*3 + int(b)) / 4) }
	band := color.NRGBA{R: tint(bg.R, 0xff), G: tint(bg.G, 0xa0), B: tint(bg.B, 0), A: 0xff}
	for i := range f.Mean {
		l := canvas.NewLine(band)
		l.StrokeWidth = float32(math.Max(1, float64(w)/float64(steps)))
		l.Position1, l.Position2 = fyne.NewPos(x(len(shown)+i), y(f.Upper[i])), fyne.NewPos(x(len(shown)+i), y(f.Lower[i]))
		objects = append(objects, l)
	}
	line := func(values []float64, offset int, c color.Color) {
		for i := 1; i < len(values); i++ {
			l := canvas.NewLine(c)
			l.StrokeWidth = 1.5
			l.Position1, l.Position2 = fyne.NewPos(x(offset+i-1), y(values[i-1])), fyne.NewPos(x(offset+i), y(values[i]))
			objects = append(objects, l)
		}
	}
	line(shown, 0, theme.Color(theme.ColorNamePrimary))
	line(append([]float64{shown[len(shown)-1]}, f.Mean...), len(shown)-1, color.NRGBA{R: 0xff, G: 0x8c, A: 0xff})
	// A planned upgrade raises the thresholds with the capacity from its
	// date: each threshold is drawn in steps, and the upgrade marked.
	index := func(t time.Time) int { return int(t.Sub(f.Series.At(from)) / f.Series.Step) }
	type step struct {
		at    int
		scale float64
	}
	levels := []step{{0, 1}}
	added := 0.0
	for _, u := range f.Upgrades {
		added += u.Adds
		levels = append(levels, step{min(max(index(u.Planned), 0), last), (f.Capacity + added) / f.Capacity})
		mark := canvas.NewLine(theme.Color(theme.ColorNamePrimary))
		mark.StrokeWidth = 1
		mx := x(min(max(index(u.Planned), 0), last))
		mark.Position1, mark.Position2 = fyne.NewPos(mx, top), fyne.NewPos(mx, top+h)
		objects = append(objects, mark)
		text(fmt.Sprintf("+%s %s", usage(u.Adds), f.Unit), theme.Color(theme.ColorNamePrimary), fyne.NewPos(mx+3, top))
	}
	for _, t := range []struct {
		label string
		value float64
		c     color.Color
	}{{tr("warning"), f.Warning, color.NRGBA{R: 0xe0, G: 0xa0, A: 0xff}}, {tr("critical"), f.Critical, theme.Color(theme.ColorNameError)}} {
		for i, st := range levels {
			end := last
			if i+1 < len(levels) {
				end = levels[i+1].at
			}
			v := t.value * st.scale
			l := canvas.NewLine(t.c)
			l.Position1, l.Position2 = fyne.NewPos(x(st.at), y(v)), fyne.NewPos(x(end), y(v))
			objects = append(objects, l)
		}
		final := t.value * levels[len(levels)-1].scale
		text(fmt.Sprintf("%s %s %s", t.label, usage(final), f.Unit), t.c, fyne.NewPos(left+w+6, y(final)-8))
	}
	axis := canvas.NewLine(fg)
	axis.Position1, axis.Position2 = fyne.NewPos(left, top+h), fyne.NewPos(left+w, top+h)
	yaxis := canvas.NewLine(fg)
	yaxis.Position1, yaxis.Position2 = fyne.NewPos(left, top), fyne.NewPos(left, top+h)
	objects = append(objects, axis, yaxis)
	text(usage(high)+" "+f.Unit, fg, fyne.NewPos(0, top-6))
	text(usage(low)+" "+f.Unit, fg, fyne.NewPos(0, top+h-12))
	day := func(i int) string { return f.Series.At(from + i).Format(time.DateOnly) }
	text(day(0), fg, fyne.NewPos(left, top+h+4))
	text(day(len(shown)-1), fg, fyne.NewPos(x(len(shown)-1)-36, top+h+4))
	text(day(steps-1), fg, fyne.NewPos(left+w-72, top+h+4))
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(left+w+right, top+h+bottom))
	return container.NewStack(spacer, container.NewWithoutLayout(objects...))
}
