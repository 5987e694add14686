package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"servicebook/continuity"
)

// onTarget sets, changes or removes a service's availability target: the
// percentage agreed, the period it is measured over, the service hours and
// their time zone, and whether planned downtime counts. The service shown
// selected is proposed.
func (s *availabilityScreen) onTarget() {
	var current *continuity.Target
	if s.selected < len(s.results) {
		t := s.results[s.selected].Target
		current = &t
	}
	s.targetDialog(current)
}

func (s *availabilityScreen) targetDialog(current *continuity.Target) {
	ui := s.ui
	service := newCIPicker(ui, tr("Find a service: reference or name"), true)
	percent, hours, zone := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	percent.SetPlaceHolder("99.9")
	hours.SetText("7×24")
	hours.SetPlaceHolder(tr("7×24, or weekdays 08:00-18:00, 工作日 08:00-18:00"))
	zone.SetText("Asia/Shanghai")
	periods := map[string]string{"month": tr("month"), "quarter": tr("quarter"), "year": tr("year")}
	period := newSelect([]string{periods["month"], periods["quarter"], periods["year"]}, nil)
	period.SetSelected(periods["month"])
	counted := widget.NewCheck(tr("Planned downtime counts against the target"), nil)
	if current != nil {
		service.SetText(current.ServiceRef + "  " + current.ServiceName)
		percent.SetText(strconv.FormatFloat(current.Percent, 'f', -1, 64))
		hours.SetText(current.ServiceHours)
		zone.SetText(current.TimeZone)
		period.SetSelected(periods[current.Period])
		counted.SetChecked(current.PlannedPolicy == continuity.PlannedCounted)
	}
	items := []*widget.FormItem{
		widget.NewFormItem(tr("Service"), service.entry),
		widget.NewFormItem(tr("Target %"), percent),
		widget.NewFormItem(tr("Measured per"), period),
		widget.NewFormItem(tr("Service hours"), hours),
		widget.NewFormItem(tr("Time zone"), zone),
		widget.NewFormItem("", counted),
	}
	var d dialog.Dialog
	save := func(ok bool) {
		if !ok {
			return
		}
		ref, err := service.Ref()
		if err != nil {
			ui.showError(err)
			return
		}
		p, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(percent.Text), "%")), 64)
		if err != nil {
			ui.showError(fmt.Errorf("%s", trf("“{{.Value}}” is not a percentage; write it as 99.9.", map[string]any{"Value": percent.Text})))
			return
		}
		t := continuity.Target{Percent: p, Period: []string{"month", "quarter", "year"}[period.SelectedIndex()],
			ServiceHours: strings.TrimSpace(hours.Text), TimeZone: strings.TrimSpace(zone.Text)}
		if counted.Checked {
			t.PlannedPolicy = continuity.PlannedCounted
		}
		ui.save(nil, func() error { _, err := ui.store.Continuity.SetTarget(ui.ctx, ref, t); return err }, func() {
			ui.setStatus(trf("Availability target of {{.Ref}} set to {{.Percent}} %", map[string]any{"Ref": ref, "Percent": p}))
			ui.show(ui.current)
		})
	}
	var remove *widget.Button
	if current != nil {
		ref := current.ServiceRef
		remove = widget.NewButton(tr("Remove target"), func() {
			d.Hide()
			ui.confirm(tr("Remove target"), trf("Remove the availability target of {{.Ref}}? Its outages stay in the register.", map[string]any{"Ref": ref}),
				tr("Remove"), func(ok bool) {
					if ok {
						ui.save(nil, func() error { return ui.store.Continuity.RemoveTarget(ui.ctx, ref) }, func() {
							ui.setStatus(trf("{{.Ref}} no longer has an availability target.", map[string]any{"Ref": ref}))
							ui.show(ui.current)
						})
					}
				})
		})
	}
	if remove != nil {
		items = append(items, widget.NewFormItem("", remove))
	}
	d = dialog.NewCustomConfirm(tr("Availability target"), tr("Save"), tr("Cancel"), widget.NewForm(items...), save, ui.win)
	d.Resize(fyne.NewSize(560, 380))
	d.Show()
}
