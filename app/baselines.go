package app

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
)

// baselineScreen takes named baselines of the CMDB and compares them with
// today or with each other, change by change.
type baselineScreen struct {
	ui        *UI
	list      []cmdb.Baseline
	name      string
	note      string
	from, to  string // to "" is today
	diff      *cmdb.Diff
	comparing bool

	take     *widget.Button
	compare  *widget.Button
	remove   *widget.Button
	table    *gridTable
	selected string // the baseline selected in the list
}

func (b *baselineScreen) title() string { return tr("Baselines") }

func (b *baselineScreen) reload() {
	var err error
	if b.list, err = b.ui.store.CMDB.Baselines(b.ui.ctx); err != nil {
		b.ui.showError(err)
	}
}

func (b *baselineScreen) view() fyne.CanvasObject {
	b.reload()
	name := widget.NewEntry()
	name.SetPlaceHolder(tr("Name, e.g. before-CHG-1042"))
	name.SetText(b.name)
	name.OnChanged = func(s string) { b.name = s }
	note := widget.NewEntry()
	note.SetPlaceHolder(tr("Why it is taken (optional)"))
	note.SetText(b.note)
	note.OnChanged = func(s string) { b.note = s }
	b.take = &widget.Button{Text: tr("Take baseline"), Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: b.onTake}
	takeRow := container.NewBorder(nil, nil, widget.NewLabel(tr("New baseline")), container.NewHBox(b.take), container.NewGridWithColumns(2, name, note))

	rows := make([][]string, len(b.list))
	for i, bl := range b.list {
		rows[i] = []string{bl.Name, bl.TakenAt.Local().Format("2006-01-02 15:04"), bl.TakenBy,
			strconv.Itoa(bl.CICount), strconv.Itoa(bl.RelationCount), bl.Note}
	}
	listTable := textTable([]string{tr("Name"), tr("Taken"), tr("By"), tr("CIs"), tr("Relations"), tr("Note")},
		[]float32{220, 140, 100, 70, 80, 300}, func() [][]string { return rows })
	b.ui.keepWidths("baselines", listTable)
	b.remove = &widget.Button{Text: tr("Delete baseline"), Icon: theme.DeleteIcon(), OnTapped: b.onDelete}
	b.remove.Disable()
	listTable.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(b.list) {
			b.selected = b.list[id.Row].Name
			b.remove.Enable()
		}
	}

	names := make([]string, len(b.list))
	for i, bl := range b.list {
		names[i] = bl.Name
	}
	today := tr("Today")
	fromSel := newSelect(names, func(s string) { b.from = s })
	toSel := newSelect(append([]string{today}, names...), func(s string) {
		b.to = s
		if s == today {
			b.to = ""
		}
	})
	if b.from == "" && len(names) > 0 {
		b.from = names[0]
	}
	fromSel.SetSelected(b.from)
	if b.to == "" {
		toSel.SetSelected(today)
	} else {
		toSel.SetSelected(b.to)
	}
	b.compare = &widget.Button{Text: tr("Compare"), Icon: theme.SearchIcon(), OnTapped: b.onCompare}
	progress := widget.NewProgressBarInfinite()
	if !b.comparing {
		progress.Hide()
	}
	compareRow := container.NewHBox(widget.NewLabel(tr("Compare")), fromSel, widget.NewLabel(tr("with")), toSel, b.compare, progress)

	summary := widget.NewLabel("")
	var diffRows [][]string
	if b.diff != nil {
		types, _ := b.ui.store.CMDB.Types(b.ui.ctx)
		diffRows = diffTableRows(*b.diff, types)
		summary.SetText(trf("{{.Added}} added, {{.Removed}} removed, {{.Changed}} changed; relations: {{.RelAdded}} added, {{.RelRemoved}} removed, {{.Regrouped}} regrouped",
			map[string]any{"Added": len(b.diff.Added), "Removed": len(b.diff.Removed), "Changed": len(b.diff.Changed),
				"RelAdded": len(b.diff.RelationsAdded), "RelRemoved": len(b.diff.RelationsRemoved), "Regrouped": len(b.diff.RelationsRegrouped)}))
		if b.diff.Empty() {
			summary.SetText(tr("No differences."))
		}
	}
	b.table = textTable([]string{tr("Change"), tr("Reference"), tr("Name"), tr("Field"), tr("Before"), tr("After")},
		[]float32{110, 110, 260, 180, 220, 220}, func() [][]string { return diffRows })
	b.ui.keepWidths("baseline-compare", b.table)
	top := container.NewVBox(takeRow, widget.NewSeparator())
	split := newVSplit(container.NewBorder(nil, container.NewHBox(b.remove), nil, nil, listTable), container.NewBorder(container.NewVBox(compareRow, summary), nil, nil, nil, b.table), 0.3)
	b.ui.keepSplit("baselines", split)
	return container.NewBorder(top, nil, nil, nil, split)
}

// diffTableRows are a comparison's rows, fields by their labels and
// values as the form shows them.
func diffTableRows(d cmdb.Diff, types []cmdb.Type) [][]string {
	var rows [][]string
	for _, ci := range d.Added {
		rows = append(rows, []string{tr("added"), ci.Ref, ci.Name, "", "", ""})
	}
	for _, ci := range d.Removed {
		rows = append(rows, []string{tr("removed"), ci.Ref, ci.Name, "", "", ""})
	}
	for _, ch := range d.Changed {
		for _, f := range ch.Changes {
			rows = append(rows, []string{tr("changed"), ch.Ref, ch.Name, changeField(f.Field, types), changeValue(f.Field, f.Old), changeValue(f.Field, f.New)})
		}
	}
	for _, r := range d.RelationsAdded {
		rows = append(rows, []string{tr("related"), r.FromRef, kindLabel(r.Kind) + " " + r.ToRef, r.Group, "", ""})
	}
	for _, r := range d.RelationsRemoved {
		rows = append(rows, []string{tr("unrelated"), r.FromRef, kindLabel(r.Kind) + " " + r.ToRef, r.Group, "", ""})
	}
	for _, r := range d.RelationsRegrouped {
		rows = append(rows, []string{tr("regrouped"), r.Field, "", tr("Redundancy group"), r.Old, r.New})
	}
	return rows
}

func (b *baselineScreen) onTake() {
	name, note := b.name, b.note
	var bl cmdb.Baseline
	b.ui.save(b.take, func() (err error) {
		bl, err = b.ui.store.CMDB.TakeBaseline(b.ui.ctx, name, note)
		return err
	}, func() {
		b.ui.setStatus(trf("Baseline {{.Name}} taken: {{.CIs}} CIs, {{.Relations}} relations",
			map[string]any{"Name": bl.Name, "CIs": bl.CICount, "Relations": bl.RelationCount}))
		b.name, b.note, b.from = "", "", bl.Name
		b.ui.show(b.ui.current)
	})
}

// onCompare compares off the UI goroutine: on a 100k-CI CMDB it takes
// seconds, and the window must not freeze.
func (b *baselineScreen) onCompare() {
	if b.from == "" {
		b.ui.showError(fmt.Errorf("%s", tr("Take a baseline first.")))
		return
	}
	b.comparing = true
	b.ui.show(b.ui.current)
	from, to := b.from, b.to
	b.ui.background(func() func() {
		d, err := b.ui.store.CMDB.DiffBaselines(b.ui.ctx, from, to)
		return func() {
			b.comparing = false
			if err != nil {
				b.ui.showError(err)
			} else {
				b.diff = &d
			}
			b.ui.show(b.ui.current)
		}
	})
}

// onDelete deletes the selected baseline after asking; the change log keeps
// when it was taken and what it held.
func (b *baselineScreen) onDelete() {
	name := b.selected
	if name == "" {
		return
	}
	b.ui.confirm(tr("Delete baseline"), trf("Delete the baseline {{.Name}}? This cannot be undone; the change log keeps when it was taken.",
		map[string]any{"Name": name}), tr("Delete"), func(ok bool) {
		if !ok {
			return
		}
		b.ui.save(b.remove, func() error { return b.ui.store.CMDB.DeleteBaseline(b.ui.ctx, name) }, func() {
			if b.from == name {
				b.from = ""
			}
			if b.to == name {
				b.to = ""
			}
			b.selected, b.diff = "", nil
			b.ui.setStatus(trf("Deleted baseline {{.Name}}", map[string]any{"Name": name}))
			b.ui.show(b.ui.current)
		})
	})
}
