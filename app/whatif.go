package app

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
)

// whatIfPanel asks what if: demand changes by a share; a new service adds
// a load to the selected resource from a date; a CI drops out of its
// redundancy group. Recalculate works every forecast out again with them;
// Clear goes back to the plain forecast.
func (s *capacityScreen) whatIfPanel() fyne.CanvasObject {
	w := s.whatIf
	demand := widget.NewEntry()
	demand.SetPlaceHolder(tr("Demand: +20 %"))
	if w.DemandPct != 0 {
		demand.SetText(fmt.Sprintf("%+g %%", w.DemandPct))
	}
	load, from := widget.NewEntry(), widget.NewEntry()
	load.SetPlaceHolder(tr("New load (selected resource)"))
	from.SetPlaceHolder(tr("from 2027-01-01"))
	if w.AddLoad != 0 {
		load.SetText(usage(w.AddLoad))
	}
	if !w.AddFrom.IsZero() {
		from.SetText(w.AddFrom.Format(time.DateOnly))
	}
	// The CIs that carry resources: one of them is taken out.
	none := tr("No CI lost")
	options := []string{none}
	refs := map[string]string{}
	seen := map[string]bool{}
	for _, f := range s.rows {
		if !seen[f.CIRef] {
			seen[f.CIRef] = true
			label := f.CIRef + " " + f.CIName
			options = append(options, label)
			refs[label] = f.CIRef
		}
	}
	sort.Strings(options[1:])
	lose := newSelect(options, nil)
	lose.SetSelected(none)
	for label, ref := range refs {
		if ref == w.Lose {
			lose.SetSelected(label)
		}
	}
	apply := func() {
		next := capacity.WhatIf{Lose: refs[lose.Selected]}
		if text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(demand.Text), "+")); text != "" {
			v, err := capacity.ParseValue(text)
			if err != nil || v <= -100 {
				s.ui.setStatus(trf("{{.Value}} is not a change of demand; write +20 % or -10 %.", map[string]any{"Value": demand.Text}))
				return
			}
			next.DemandPct = v
		}
		if text := strings.TrimSpace(load.Text); text != "" && len(s.rows) > 0 {
			v, err := capacity.ParseValue(text)
			if err != nil {
				s.ui.setStatus(trf("{{.Value}} is not a load; write it in the resource's unit, e.g. 1200.", map[string]any{"Value": load.Text}))
				return
			}
			next.AddLoad, next.AddTo = v, s.rows[s.selected].Name
			if day := strings.TrimSpace(from.Text); day != "" {
				if next.AddFrom, err = time.Parse(time.DateOnly, day); err != nil {
					s.ui.setStatus(trf("{{.Value}} is not a date; write it as 2027-01-01.", map[string]any{"Value": from.Text}))
					return
				}
			}
		}
		s.whatIf = next
		s.reload()
		s.ui.show(s.ui.current)
	}
	demand.OnSubmitted = func(string) { apply() }
	load.OnSubmitted = func(string) { apply() }
	from.OnSubmitted = func(string) { apply() }
	s.recalculate = &widget.Button{Text: tr("Recalculate"), Icon: theme.ViewRefreshIcon(), OnTapped: apply}
	clear := &widget.Button{Text: tr("Clear"), Icon: theme.ContentClearIcon(), OnTapped: func() {
		s.whatIf = capacity.WhatIf{}
		s.reload()
		s.ui.show(s.ui.current)
	}}
	if w.IsZero() {
		clear.Disable()
	}
	s.whatIfInputs = map[string]*widget.Entry{"demand": demand, "load": load, "from": from}
	s.loseCI = lose
	return container.NewBorder(nil, nil, widget.NewLabel(tr("What if")), container.NewHBox(s.recalculate, clear),
		container.NewGridWithColumns(4, demand, load, from, lose))
}

// whatIfWords says what the what-if changed for the resource shown.
func (s *capacityScreen) whatIfWords(f capacity.ResourceForecast) string {
	var words string
	if d := s.whatIf.DemandPct; d != 0 {
		words += " " + trf("With demand {{.Change}} %.", map[string]any{"Change": fmt.Sprintf("%+g", d)})
	}
	if f.Added != 0 {
		words += " " + trf("With a new load of {{.Load}} {{.Unit}} from {{.Date}}.",
			map[string]any{"Load": usage(f.Added), "Unit": f.Unit, "Date": f.AddedFrom.Format(time.DateOnly)})
	}
	switch {
	case f.Lost:
		words += " " + trf("With {{.CI}} out of its redundancy group: this resource is on it and carries nothing.", map[string]any{"CI": f.LostCI})
	case f.LostCI != "" && f.TakesOver != 0:
		words += " " + trf("With {{.CI}} out of its redundancy group: this resource takes over {{.Load}} {{.Unit}} of its load.",
			map[string]any{"CI": f.LostCI, "Load": usage(f.TakesOver), "Unit": f.Unit})
	case f.LostCI != "":
		words += " " + trf("With {{.CI}} out of its redundancy group: none of its load moves here.", map[string]any{"CI": f.LostCI})
	}
	return words
}
