package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicebook/capacity"
)

// onAddResource asks for a resource to watch: a CI, its metric and unit,
// capacity, thresholds (amounts or shares of capacity), buffer and HA
// reserve, and the name samples files give it.
func (s *capacityScreen) onAddResource() { s.resourceDialog(nil) }

// onEditResource asks for changes to the selected resource (its CI stays).
func (s *capacityScreen) onEditResource() {
	if s.selected < len(s.rows) {
		r := s.rows[s.selected].Resource
		s.resourceDialog(&r)
	}
}

// resourceDialog asks for a new resource, or changes to old.
func (s *capacityScreen) resourceDialog(old *capacity.Resource) {
	ui := s.ui
	ci := newCIPicker(ui, tr("Find a CI: reference, name, owner or location"), false)
	metric, unit, capacityEntry := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	warning, critical, buffer, reserve, name := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	metric.SetPlaceHolder(tr("used GB, CPU %, concurrent users …"))
	unit.SetPlaceHolder("GB")
	warning.SetText("80%")
	critical.SetText("90%")
	buffer.SetText("0")
	reserve.SetText("0")
	name.SetPlaceHolder(tr("as samples files name it (default: the CI's reference and the metric)"))
	title, action := tr("Add resource"), tr("Add")
	if old != nil {
		ci.SetText(old.CIRef)
		ci.entry.Disable() // a resource stays on its CI: watch another CI's as a new resource
		metric.SetText(old.Metric)
		unit.SetText(old.Unit)
		capacityEntry.SetText(usage(old.Capacity))
		warning.SetText(usage(old.Warning))
		critical.SetText(usage(old.Critical))
		buffer.SetText(usage(old.BufferPct))
		reserve.SetText(usage(old.HAReserve))
		name.SetText(old.Name)
		title, action = trf("Change {{.Name}}", map[string]any{"Name": old.Name}), tr("Save change")
	}
	items := []*widget.FormItem{
		widget.NewFormItem(tr("CI"), ci.entry),
		widget.NewFormItem(tr("Metric"), metric),
		widget.NewFormItem(tr("Unit"), unit),
		widget.NewFormItem(tr("Capacity"), capacityEntry),
		widget.NewFormItem(tr("Warning"), warning),
		widget.NewFormItem(tr("Critical"), critical),
		widget.NewFormItem(tr("Buffer %"), buffer),
		widget.NewFormItem(tr("HA reserve"), reserve),
		widget.NewFormItem(tr("Name"), name),
	}
	number := func(field, text string) (float64, error) {
		v, err := capacity.ParseValue(text)
		if err != nil {
			return 0, fmt.Errorf("%s", trf("{{.Field}}: “{{.Value}}” is not a number.", map[string]any{"Field": field, "Value": text}))
		}
		return v, nil
	}
	d := dialog.NewForm(title, action, tr("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		r := capacity.Resource{Metric: metric.Text, Unit: unit.Text, Name: name.Text}
		var err error
		if old != nil {
			r.ID, r.CIRef = old.ID, old.CIRef
		} else if r.CIRef, err = ci.Ref(); err != nil {
			ui.showError(err)
			return
		}
		for _, f := range []struct {
			label, text string
			dst         *float64
		}{{tr("Capacity"), capacityEntry.Text, &r.Capacity}, {tr("Buffer %"), buffer.Text, &r.BufferPct}, {tr("HA reserve"), reserve.Text, &r.HAReserve}} {
			if *f.dst, err = number(f.label, f.text); err != nil {
				ui.showError(err)
				return
			}
		}
		if r.Warning, err = capacity.ParseThreshold(warning.Text, r.Capacity); err != nil {
			ui.showError(fmt.Errorf("%s: %w", tr("Warning"), err))
			return
		}
		if r.Critical, err = capacity.ParseThreshold(critical.Text, r.Capacity); err != nil {
			ui.showError(fmt.Errorf("%s: %w", tr("Critical"), err))
			return
		}
		ui.save(nil, func() error {
			if old != nil {
				r, err = ui.store.Capacity.UpdateResource(ui.ctx, r)
			} else {
				r, err = ui.store.Capacity.AddResource(ui.ctx, r)
			}
			return err
		}, func() {
			ui.setStatus(trf("Watching {{.Name}}", map[string]any{"Name": r.Name}))
			s.refresh(func() {
				for i, row := range s.rows {
					if row.Name == r.Name {
						s.selected = i
					}
				}
			})
		})
	}, ui.win)
	d.Resize(fyne.NewSize(560, 520))
	d.Show()
}

// onRemoveResource asks, then stops watching the selected resource: it and
// its samples go (the change log keeps what it was).
func (s *capacityScreen) onRemoveResource() {
	if s.selected >= len(s.rows) {
		return
	}
	r := s.rows[s.selected].Resource
	s.ui.confirm(tr("Remove resource"), trf("Stop watching {{.Name}}? It and its samples are deleted; the change log keeps what it was.",
		map[string]any{"Name": r.Name}), tr("Remove resource"), func(ok bool) {
		if !ok {
			return
		}
		s.ui.save(nil, func() error { return s.ui.store.Capacity.RemoveResource(s.ui.ctx, r.Name) }, func() {
			s.ui.setStatus(trf("No longer watching {{.Name}}", map[string]any{"Name": r.Name}))
			s.selected = 0
			s.reload()
		})
	})
}

// onRecordSample asks for a reading of the selected resource taken by
// hand: when, and the value.
func (s *capacityScreen) onRecordSample() {
	if s.selected >= len(s.rows) {
		return
	}
	ui := s.ui
	r := s.rows[s.selected].Resource
	at, value := widget.NewEntry(), widget.NewEntry()
	at.SetText(ui.store.DB.Now().Local().Format("2006-01-02 15:04"))
	value.SetPlaceHolder(r.Unit)
	s.sampleInputs = map[string]*widget.Entry{"at": at, "value": value}
	d := dialog.NewForm(trf("Record a sample of {{.Name}}", map[string]any{"Name": r.Name}), tr("Record"), tr("Cancel"), []*widget.FormItem{
		widget.NewFormItem(tr("Measured at"), at),
		widget.NewFormItem(tr("Value"), value),
	}, func(ok bool) {
		if !ok {
			return
		}
		when, err := capacity.ParseTimestamp(strings.TrimSpace(at.Text), time.Local)
		if err != nil {
			ui.showError(fmt.Errorf("%s: %w", tr("Measured at"), err))
			return
		}
		if when.After(ui.store.DB.Now()) {
			ui.showError(fmt.Errorf("%s", trf("{{.Time}} is in the future; record a sample once it is measured.", map[string]any{"Time": when.Format("2006-01-02 15:04")})))
			return
		}
		v, err := capacity.ParseValue(value.Text)
		if err != nil {
			ui.showError(fmt.Errorf("%s: %w", tr("Value"), err))
			return
		}
		ui.save(nil, func() error {
			_, err := ui.store.Capacity.AddSamples(ui.ctx, r.Name, []capacity.Sample{{At: when, Value: v}})
			return err
		}, func() {
			ui.setStatus(trf("Recorded {{.Value}} {{.Unit}} at {{.Time}} for {{.Name}}",
				map[string]any{"Value": usage(v), "Unit": r.Unit, "Time": when.Format("2006-01-02 15:04"), "Name": r.Name}))
			s.reload()
		})
	}, ui.win)
	d.Resize(fyne.NewSize(480, 240))
	d.Show()
}
