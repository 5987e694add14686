package app

import (
	"context"
	"maps"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
)

// profileRow saves the column mapping under a name and loads one saved:
// finance teams and monitoring tools send the same layout every time.
func (s *importScreen) profileRow() fyne.CanvasObject {
	s.profile = widget.NewEntry()
	s.profile.SetPlaceHolder(tr("Profile"))
	s.saveProfile = &widget.Button{Text: tr("Save mapping"), OnTapped: func() {
		name, kind, mapping := s.profile.Text, s.kind, maps.Clone(s.mapping)
		s.ui.save(s.saveProfile, func() error { return s.ui.store.Budget.SaveProfile(s.ui.ctx, name, kind, mapping) }, func() {
			s.ui.setStatus(tr("Save mapping") + ": " + name)
		})
	}}
	s.loadProfile = &widget.Button{Text: tr("Load mapping"), OnTapped: func() {
		m, err := s.ui.store.Budget.Profile(s.ui.ctx, s.profile.Text, s.kind)
		if err != nil {
			s.ui.showError(err)
			return
		}
		s.mapping = m
		s.ui.show(s.ui.current)
	}}
	return container.NewBorder(nil, nil, nil, container.NewHBox(s.saveProfile, s.loadProfile), s.profile)
}

// zoneChoice is the time zone a samples file's times without one are in.
func (s *importScreen) zoneChoice() fyne.CanvasObject {
	zones := []string{"Asia/Shanghai", "UTC", "Local"}
	if s.zone == "" {
		s.zone = zones[0]
	}
	sel := newSelect(zones, func(v string) { s.zone = v })
	sel.SetSelected(s.zone)
	return sel
}

// ignoreRow offers the headers no field takes (other than those skip
// says are taken otherwise, such as month columns) to leave out on
// purpose: a column with values and no place refuses the file otherwise,
// and the report names what was left out. Nil when there is none.
func (s *importScreen) ignoreRow(headers []string, skip func(string) bool) fyne.CanvasObject {
	mapped := map[string]bool{}
	for _, h := range s.mapping {
		mapped[h] = true
	}
	var unmapped []string
	for _, h := range headers {
		if !mapped[h] && (skip == nil || !skip(h)) {
			unmapped = append(unmapped, h)
		}
	}
	if s.ignore == nil {
		s.ignore = map[string]bool{}
	}
	s.ignoreChecks = widget.NewCheckGroup(unmapped, func(chosen []string) {
		s.ignore = map[string]bool{}
		for _, h := range chosen {
			s.ignore[h] = true
		}
	})
	s.ignoreChecks.Horizontal = true
	for h := range s.ignore {
		s.ignoreChecks.Selected = append(s.ignoreChecks.Selected, h)
	}
	if len(unmapped) == 0 {
		return nil
	}
	return container.NewBorder(nil, nil, widget.NewLabel(tr("Leave out on purpose:")), nil, s.ignoreChecks)
}

// runSamples checks or imports a samples file off the UI goroutine.
func (s *importScreen) runSamples(ctx context.Context, cancel context.CancelFunc, dryRun bool, mapping map[string]string) {
	opts := capacity.SampleImportOptions{DryRun: dryRun, Mapping: mapping}
	for h := range s.ignore {
		opts.Ignore = append(opts.Ignore, h)
	}
	zone := s.zone
	path := s.path
	s.ui.background(func() func() {
		var res capacity.SampleImportResult
		loc, err := time.LoadLocation(zone)
		if err == nil {
			opts.Zone = loc
			res, err = s.ui.store.Capacity.ImportSamples(ctx, path, opts)
		}
		return func() {
			cancel()
			s.running, s.cancel = false, nil
			s.samples, s.result, s.outages, s.budgetRes, s.err = &res, nil, nil, nil, err
			if err == nil && !dryRun {
				s.ui.setStatus(trf("Imported {{.File}}: {{.Count}} samples", map[string]any{"File": res.File, "Count": res.New}))
				s.ui.capacity.loaded = false // its forecasts are read again when shown
				s.ui.dashboard.loaded = false
			}
			s.ui.show(s.ui.current)
		}
	})
}

// samplesLines is what a samples check or import found, in the window's
// language.
func (s *importScreen) samplesLines(r capacity.SampleImportResult) []string {
	lines := []string{s.headline(r.DryRun, len(r.Problems)) + ": " + trf("{{.New}} new samples, {{.Unchanged}} already there",
		map[string]any{"New": r.New, "Unchanged": r.Unchanged})}
	names := make([]string, 0, len(r.ByName))
	for name := range r.ByName {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		lines = append(lines, "  "+trf("{{.Resource}}: {{.Count}} new", map[string]any{"Resource": name, "Count": r.ByName[name]}))
	}
	if len(r.Ignored) > 0 {
		lines = append(lines, trf("Left out as asked: {{.Columns}}", map[string]any{"Columns": strings.Join(r.Ignored, tr(", "))}))
	}
	return append(lines, problemLines(r.Problems)...)
}
