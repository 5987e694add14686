package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/budget"
	"servicebook/capacity"
)

// upgradesView lists the selected resource's upgrades, planned and
// cancelled, with the budget lines they proposed; a planned one can be
// changed (its line follows) or cancelled (its proposed line withdrawn).
func (s *capacityScreen) upgradesView(r capacity.Resource) fyne.CanvasObject {
	ups, err := s.ui.store.Capacity.Upgrades(s.ui.ctx, r.Name)
	if err != nil {
		return widget.NewLabel(errText(err))
	}
	rows := make([][]string, len(ups))
	var selected *capacity.Upgrade
	for i, u := range ups {
		line := "–"
		if u.BudgetLine != 0 {
			line = strconv.FormatInt(u.BudgetLine, 10)
		}
		status := tr("scheduled")
		if u.Status == "cancelled" {
			status = tr("cancelled")
		}
		rows[i] = []string{strconv.FormatInt(u.ID, 10), u.Planned.Format(time.DateOnly), "+" + usage(u.Adds) + " " + r.Unit,
			u.Cost.Format(2), u.Supplier, u.ServiceRef, status, line}
		if u.ID == s.selUpgrade {
			selected = &ups[i]
		}
	}
	table := textTable([]string{tr("Upgrade"), tr("Date"), tr("Adds"), tr("Cost"), tr("Supplier"), tr("Service"), tr("Status"), tr("Budget line")},
		[]float32{70, 110, 120, 130, 200, 110, 100, 100}, func() [][]string { return rows })
	s.ui.keepWidths("capacity-upgrades", table)
	table.OnSelected = func(id widget.TableCellID) {
		if id.Row < len(ups) && ups[id.Row].ID != s.selUpgrade {
			s.selUpgrade = ups[id.Row].ID
			s.ui.show(s.ui.current)
		}
	}
	s.changeUpgrade = &widget.Button{Text: tr("Change upgrade…"), Icon: theme.DocumentCreateIcon(), OnTapped: func() {
		if selected != nil {
			s.upgradeDialog(r, selected)
		}
	}}
	s.cancelUpgrade = &widget.Button{Text: tr("Cancel upgrade"), Icon: theme.CancelIcon(), OnTapped: func() {
		if selected != nil {
			s.onCancelUpgrade(*selected)
		}
	}}
	if selected == nil || selected.Status != "planned" {
		s.changeUpgrade.Disable()
		s.cancelUpgrade.Disable()
	}
	if len(ups) == 0 {
		return widget.NewLabel(tr("No upgrades planned for this resource: Plan upgrade… adds one."))
	}
	return container.NewBorder(nil, container.NewHBox(s.changeUpgrade, s.cancelUpgrade), nil, nil, table)
}

// onPlanUpgrade asks for an upgrade of the selected resource: its date,
// the capacity it adds, its cost, supplier and the service whose budget
// carries the cost. Saved with a cost, it proposes that budget line.
func (s *capacityScreen) onPlanUpgrade() { s.upgradeDialog(s.rows[s.selected].Resource, nil) }

// upgradeDialog asks for a new upgrade of r, or a change to old.
func (s *capacityScreen) upgradeDialog(r capacity.Resource, old *capacity.Upgrade) {
	ui := s.ui
	date, adds, cost, supplier := widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	date.SetPlaceHolder("2027-03-01")
	adds.SetPlaceHolder(r.Unit)
	cost.SetPlaceHolder("¥120,000")
	service := newCIPicker(ui, tr("Find a service: reference or name"), true)
	title, action := trf("Plan an upgrade of {{.Name}}", map[string]any{"Name": r.Name}), tr("Plan")
	if old != nil {
		date.SetText(old.Planned.Format(time.DateOnly))
		adds.SetText(usage(old.Adds))
		if old.Cost != 0 {
			cost.SetText(old.Cost.Format(2))
		}
		supplier.SetText(old.Supplier)
		service.SetText(old.ServiceRef)
		title, action = trf("Change upgrade {{.ID}} of {{.Name}}", map[string]any{"ID": old.ID, "Name": r.Name}), tr("Save change")
	}
	items := []*widget.FormItem{
		widget.NewFormItem(tr("Date"), date),
		widget.NewFormItem(tr("Adds"), adds),
		widget.NewFormItem(tr("Cost"), cost),
		widget.NewFormItem(tr("Supplier"), supplier),
		widget.NewFormItem(tr("Service"), service.entry),
	}
	d := dialog.NewForm(title, action, tr("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		u := capacity.Upgrade{Resource: r.Name, Supplier: supplier.Text}
		if old != nil {
			u.ID = old.ID
		}
		var err error
		if u.Planned, err = time.Parse(time.DateOnly, strings.TrimSpace(date.Text)); err != nil {
			ui.showError(fmt.Errorf("%s", trf("{{.Field}}: “{{.Value}}” is not a date; write it as 2027-03-01.", map[string]any{"Field": tr("Date"), "Value": date.Text})))
			return
		}
		if u.Adds, err = capacity.ParseValue(adds.Text); err != nil {
			ui.showError(fmt.Errorf("%s", trf("{{.Field}}: “{{.Value}}” is not a number.", map[string]any{"Field": tr("Adds"), "Value": adds.Text})))
			return
		}
		if strings.TrimSpace(cost.Text) != "" {
			if u.Cost, err = budget.ParseAmount(cost.Text, 2); err != nil {
				ui.showError(fmt.Errorf("%s", trf("{{.Field}}: “{{.Value}}” is not an amount.", map[string]any{"Field": tr("Cost"), "Value": cost.Text})))
				return
			}
			if u.ServiceRef, err = service.Ref(); err != nil {
				ui.showError(err)
				return
			}
		}
		ui.save(nil, func() error {
			if old != nil {
				u, err = ui.store.Capacity.UpdateUpgrade(ui.ctx, ui.store.Budget, u)
			} else {
				u, err = ui.store.Capacity.AddUpgrade(ui.ctx, ui.store.Budget, u)
			}
			return err
		}, func() {
			switch {
			case u.BudgetLine != 0:
				ui.setStatus(trf("Upgrade {{.ID}} planned; budget line {{.Line}} proposed for {{.Service}}.",
					map[string]any{"ID": u.ID, "Line": u.BudgetLine, "Service": u.ServiceRef}))
			case u.BudgetNote != "":
				ui.setStatus(trf("Upgrade {{.ID}} planned; no budget line yet: {{.Why}}", map[string]any{"ID": u.ID, "Why": u.BudgetNote}))
			default:
				ui.setStatus(trf("Upgrade {{.ID}} planned.", map[string]any{"ID": u.ID}))
			}
			s.selUpgrade = u.ID
			s.reload()
			ui.show(ui.current)
		})
	}, ui.win)
	d.Resize(fyne.NewSize(520, 380))
	d.Show()
}

// onCancelUpgrade asks, then cancels u: a budget line it proposed is
// withdrawn, an approved one stays (the status line says which).
func (s *capacityScreen) onCancelUpgrade(u capacity.Upgrade) {
	ui := s.ui
	ui.confirm(tr("Cancel upgrade"), trf("Cancel upgrade {{.ID}} ({{.Resource}} +{{.Adds}} on {{.Date}})? A budget line it proposed is withdrawn unless it is approved.",
		map[string]any{"ID": u.ID, "Resource": u.Resource, "Adds": usage(u.Adds), "Date": u.Planned.Format(time.DateOnly)}), tr("Cancel upgrade"), func(ok bool) {
		if !ok {
			return
		}
		var done capacity.Upgrade
		ui.save(s.cancelUpgrade, func() (err error) {
			done, err = ui.store.Capacity.CancelUpgrade(ui.ctx, ui.store.Budget, u.ID)
			return err
		}, func() {
			ui.setStatus(strings.TrimSpace(trf("Upgrade {{.ID}} cancelled.", map[string]any{"ID": done.ID}) + " " + done.BudgetNote))
			s.reload()
			ui.show(ui.current)
		})
	})
}
