package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/store"
)

// pageSize is how many CIs the table reads at a time: the table asks only
// for the rows on screen, so 100k CIs scroll without loading 100k.
const pageSize = 200

// ciColumns are the table's columns: header, sort key, width.
var ciColumns = []struct {
	title string
	sort  string
	width float32
}{
	{"Reference", "ref", 100}, {"Name", "name", 280}, {"Type", "type", 130}, {"Status", "status", 110},
	{"Criticality", "criticality", 80}, {"Owner", "owner", 170}, {"Location", "location", 200},
}

// ciScreen lists CIs (search, filters, sorting) over the detail of the
// selected one. Its state outlives its widgets, which view rebuilds.
type ciScreen struct {
	ui *UI
	// auditBtn starts a configuration audit of the CIs the list is
	// filtered to.
	auditBtn *widget.Button
	// need is the selected CI's inherited RTO and RPO, as last worked out.
	need recoveryLine

	// what the list shows
	query       string
	typeKey     string
	status      cmdb.Status
	criticality int
	sortKey     string
	descending  bool
	total       int
	pages       map[int][]cmdb.CI
	results     []cmdb.CI // search results, when query is set
	types       []cmdb.Type

	// the CI in the detail form
	selected *cmdb.CI // as last read; nil for none or a new CI
	draft    cmdb.CI  // what the form shows, edited
	editing  bool     // the form is open (selected or new)
	problems map[string]string
	tab      int

	// widgets of the current view
	inputs       map[string]fyne.CanvasObject // form inputs by field key (attributes by English name)
	search       *widget.Entry
	table        *gridTable
	form         *fyne.Container
	save         *widget.Button
	count        *widget.Label
	impactForm   *widget.RadioGroup // tree or graph
	impactAlso   *widget.Entry      // more CIs failing at the same time
	alsoFailing  string
	saving       bool // a save is on its way (perhaps waiting for another process)
	syncing      bool // the table's highlight is being set to match the form
	relTarget    *ciPicker
	impactPicker *ciPicker
	// impactExposed says which redundancy is already lost, for tests
	impactExposed *widget.Label
}

func newCIScreen(ui *UI) *ciScreen {
	return &ciScreen{ui: ui, sortKey: "ref", pages: map[int][]cmdb.CI{}}
}

func (c *ciScreen) title() string { return tr("Configuration items") }

// reload forgets what was read, so that the next paint reads again.
func (c *ciScreen) reload() {
	c.need = recoveryLine{} // plans or relations may have changed
	c.pages = map[int][]cmdb.CI{}
	c.results = nil
	ctx := c.ui.ctx
	var err error
	if c.types, err = c.ui.store.CMDB.Types(ctx); err != nil {
		c.ui.showError(err)
	}
	if c.query != "" {
		// The search within the filters, in the list's sort order.
		c.results, err = c.ui.store.CMDB.SearchFiltered(ctx, c.query, c.filter(500, 0))
		c.total = len(c.results)
	} else {
		_, c.total, err = c.ui.store.CMDB.ListCIs(ctx, c.filter(1, 0))
	}
	if err != nil {
		c.ui.showError(err)
	}
	if c.count != nil {
		c.count.SetText(countText(c.total, "{{.Count}} CI", "{{.Count}} CIs"))
	}
	if c.table != nil {
		c.table.Refresh()
		c.syncSelection()
	}
}

// syncSelection makes the table's highlight show the CI in the form: after
// a new search, filter or sort the row under the highlight is another CI,
// and tapping it again would do nothing. The form's CI is highlighted
// where the list holds it (already read), otherwise nothing is.
func (c *ciScreen) syncSelection() {
	if c.table == nil {
		return
	}
	c.syncing = true
	defer func() { c.syncing = false }()
	c.table.UnselectAll()
	if c.selected == nil {
		return
	}
	if c.query != "" {
		for i, ci := range c.results {
			if ci.ID == c.selected.ID {
				c.table.Select(widget.TableCellID{Row: i, Col: 0})
				return
			}
		}
		return
	}
	for page, rows := range c.pages {
		for i, ci := range rows {
			if ci.ID == c.selected.ID {
				c.table.Select(widget.TableCellID{Row: page*pageSize + i, Col: 0})
				return
			}
		}
	}
}

func (c *ciScreen) filter(limit, offset int) cmdb.Filter {
	return cmdb.Filter{TypeKey: c.typeKey, Status: c.status, Criticality: c.criticality,
		Sort: c.sortKey, Descending: c.descending, Limit: limit, Offset: offset}
}

// row returns the i-th CI of the list, reading its page if needed.
func (c *ciScreen) row(i int) (cmdb.CI, bool) {
	if c.query != "" {
		if i < len(c.results) {
			return c.results[i], true
		}
		return cmdb.CI{}, false
	}
	page := i / pageSize
	rows, ok := c.pages[page]
	if !ok {
		var err error
		rows, err = c.ui.store.CMDB.PageCIs(c.ui.ctx, c.filter(pageSize, page*pageSize))
		if err != nil {
			fyne.LogError("reading CIs", err)
			return cmdb.CI{}, false
		}
		c.pages[page] = rows
	}
	if i-page*pageSize < len(rows) {
		return rows[i-page*pageSize], true
	}
	return cmdb.CI{}, false
}

func (c *ciScreen) typeByKey(key string) cmdb.Type {
	for _, t := range c.types {
		if t.Key == key {
			return t
		}
	}
	return cmdb.Type{Key: key, Name: key}
}

func (c *ciScreen) view() fyne.CanvasObject {
	if c.types == nil {
		c.reload()
	}
	c.search = widget.NewEntry()
	c.search.SetPlaceHolder(tr("Search reference, name, owner, location, attributes… (Ctrl+F)"))
	c.search.SetText(c.query)
	c.search.OnChanged = func(s string) {
		c.query = strings.TrimSpace(s)
		c.reload()
	}

	typeNames := []string{tr("All types")}
	for _, t := range c.types {
		typeNames = append(typeNames, typeName(t))
	}
	// Each filter shows the state first and listens after: a drop-down
	// calls its OnChanged on SetSelected, which would reset the state.
	typeSel := newSelect(typeNames, nil)
	typeSel.SetSelected(typeNames[0])
	if c.typeKey != "" {
		typeSel.SetSelected(typeName(c.typeByKey(c.typeKey)))
	}
	typeSel.OnChanged = func(s string) {
		c.typeKey = ""
		for _, t := range c.types {
			if typeName(t) == s {
				c.typeKey = t.Key
			}
		}
		c.reload()
	}
	statusNames := []string{tr("All statuses")}
	for _, st := range cmdb.Statuses {
		statusNames = append(statusNames, statusLabel(st))
	}
	statusSel := newSelect(statusNames, nil)
	statusSel.SetSelected(statusNames[0])
	if c.status != "" {
		statusSel.SetSelected(statusLabel(c.status))
	}
	statusSel.OnChanged = func(s string) {
		c.status = ""
		for _, st := range cmdb.Statuses {
			if statusLabel(st) == s {
				c.status = st
			}
		}
		c.reload()
	}
	critNames := []string{tr("Any criticality"), "1", "2", "3", "4"}
	critSel := newSelect(critNames, nil)
	critSel.SetSelected(critNames[c.criticality])
	critSel.OnChanged = func(s string) {
		c.criticality, _ = strconv.Atoi(s)
		c.reload()
	}
	c.count = widget.NewLabel(countText(c.total, "{{.Count}} CI", "{{.Count}} CIs"))
	newBtn := &widget.Button{Text: tr("New CI"), Icon: theme.ContentAddIcon(), OnTapped: c.onNew}
	// The list's filter becomes a configuration audit's scope: the CIs an
	// auditor has just narrowed the list to are the ones to check.
	c.auditBtn = &widget.Button{Text: tr("Audit…"), Icon: theme.ConfirmIcon(), OnTapped: func() {
		ui := c.ui
		ui.showScreen(ui.configAudits)
		ui.configAudits.startDialog(cmdb.AuditScope{TypeKey: c.typeKey, Status: c.status, Criticality: c.criticality})
	}}
	toolbar := container.NewBorder(nil, nil, nil,
		container.NewHBox(typeSel, statusSel, critSel, c.count, c.auditBtn, newBtn), c.search)

	c.table = newGridTable(
		func() (int, int) { return c.total, len(ciColumns) },
		func() fyne.CanvasObject {
			l := newTipLabel("")
			return l
		},
		c.updateCell,
	)
	c.table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("", nil) }
	c.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		col := ciColumns[id.Col]
		b.SetText(tr(col.title))
		b.Icon = nil
		if c.sortKey == col.sort {
			b.Icon = theme.MenuDropDownIcon()
			if c.descending {
				b.Icon = theme.MenuDropUpIcon()
			}
		}
		b.OnTapped = func() { c.sortBy(col.sort) }
		b.Refresh()
	}
	widths := make([]float32, len(ciColumns))
	for i, col := range ciColumns {
		widths[i] = col.width
	}
	c.table.setWidths(widths)
	c.ui.keepWidths("cis", c.table)
	c.table.OnSelected = func(id widget.TableCellID) {
		if c.syncing {
			return
		}
		if ci, ok := c.row(id.Row); ok {
			c.open(ci)
		}
	}

	detail := c.detailView()
	split := newVSplit(c.table, detail, 0.5)
	c.ui.keepSplit("cis", split)
	return container.NewBorder(toolbar, nil, nil, nil, split)
}

func (c *ciScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*tipLabel)
	ci, ok := c.row(id.Row)
	if !ok {
		l.SetText("")
		return
	}
	var text string
	switch id.Col {
	case 0:
		text = ci.Ref
	case 1:
		text = ci.Name
	case 2:
		text = typeName(c.typeByKey(ci.TypeKey))
	case 3:
		text = statusLabel(ci.Status)
	case 4:
		text = strconv.Itoa(ci.Criticality)
	case 5:
		text = ci.Owner
	case 6:
		text = ci.Location
	}
	l.SetText(text)
}

func (c *ciScreen) sortBy(key string) {
	if c.sortKey == key {
		c.descending = !c.descending
	} else {
		c.sortKey, c.descending = key, false
	}
	c.reload()
}

// focusSearch puts the cursor in the search box with its text selected,
// so that what is typed next is a new search.
func (c *ciScreen) focusSearch() {
	if c.search != nil {
		c.ui.win.Canvas().Focus(c.search)
		c.search.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
}

// focusFirstField puts the cursor in the form's first typed field, the
// name; Tab walks on through the form in order.
func (c *ciScreen) focusFirstField() {
	if e, ok := c.inputs["name"].(fyne.Focusable); ok {
		c.ui.win.Canvas().Focus(e)
	}
}

// dirty reports whether the form holds edits not saved yet.
func (c *ciScreen) dirty() bool {
	if !c.editing {
		return false
	}
	if c.selected == nil {
		return c.draft.Name != "" || c.draft.Description != "" || c.draft.Owner != ""
	}
	return len(cmdb.FieldChanges(*c.selected, c.draft)) > 0
}

// open shows ci in the detail form.
func (c *ciScreen) open(ci cmdb.CI) {
	if c.dirty() && (c.selected == nil || c.selected.Ref != ci.Ref) {
		c.ui.confirm(tr("Unsaved changes"), tr("Discard the changes to the CI you are editing?"), tr("Discard changes"), func(discard bool) {
			if discard {
				c.openNow(ci)
				return
			}
			c.syncSelection() // the highlight goes back to the CI still in the form
		})
		return
	}
	c.openNow(ci)
}

func (c *ciScreen) openNow(ci cmdb.CI) {
	if c.problems != nil || c.selected == nil || c.selected.Ref != ci.Ref {
		// A message such as "Not saved: correct the fields marked" was
		// about the CI left.
		c.ui.clearStatus()
	}
	read := ci
	c.selected = &read
	c.draft = copyCI(ci)
	c.editing = true
	c.problems = nil
	c.refreshDetail()
	c.syncSelection()
}

func copyCI(ci cmdb.CI) cmdb.CI {
	attrs := make(map[string]string, len(ci.Attributes))
	for k, v := range ci.Attributes {
		attrs[k] = v
	}
	ci.Attributes = attrs
	return ci
}

func (c *ciScreen) onNew() {
	c.selected = nil
	c.draft = cmdb.CI{TypeKey: "server", Status: cmdb.StatusInService, Criticality: 3, Attributes: map[string]string{}}
	c.editing = true
	c.problems = nil
	c.tab = 0
	c.refreshDetail()
}

func (c *ciScreen) onCancel() {
	if c.selected != nil {
		c.draft = copyCI(*c.selected)
	} else {
		c.editing = false
	}
	c.problems = nil
	c.refreshDetail()
}

func (c *ciScreen) onSave() {
	if !c.editing || c.saving {
		return
	}
	s := c.ui.store.CMDB
	draft, creating := c.draft, c.selected == nil
	c.saving = true
	var saved cmdb.CI
	c.ui.write(c.save, func() (err error) {
		if creating {
			saved, err = s.CreateCI(c.ui.ctx, draft)
		} else {
			saved, err = s.UpdateCI(c.ui.ctx, draft)
		}
		return err
	}, func(err error) {
		c.saving = false
		c.afterSave(saved, err)
	})
}

// afterSave shows what a save came to: the saved CI, the fields to
// correct, someone else's values, or why it was not saved (the form keeps
// what was typed).
func (c *ciScreen) afterSave(saved cmdb.CI, err error) {
	var conflict *cmdb.ConflictError
	var invalid *store.Error
	switch {
	case errors.As(err, &conflict):
		c.showConflict(conflict)
		return
	case errors.As(err, &invalid) && len(invalid.Fields) > 0:
		c.problems = map[string]string{}
		for _, p := range invalid.Fields {
			c.problems[p.Field] = msgText(p.Msg, p.Message)
		}
		c.refreshDetail()
		c.ui.setStatus(tr("Not saved: please correct the fields marked below."))
		return
	case err != nil:
		c.ui.setStatus(tr("Not saved."))
		c.ui.showError(err)
		return
	}
	c.problems = nil
	c.reload()
	c.ui.dashboard.loaded = false
	c.openNow(saved)
	// Nothing keeps the cursor after a save: keys pressed next (a search
	// typed before Ctrl+F) must not change the record just saved.
	c.ui.win.Canvas().Unfocus()
	c.ui.setStatus(trf("Saved {{.Ref}} {{.Name}}", map[string]any{"Ref": saved.Ref, "Name": saved.Name}))
}

// showConflict tells the person that someone else saved first, shows their
// values, and offers to load them (the person's edits stay in the form
// otherwise, to be saved again on top).
func (c *ciScreen) showConflict(conflict *cmdb.ConflictError) {
	cur := conflict.Current
	var lines []string
	for _, ch := range cmdb.FieldChanges(*c.selected, cur) {
		lines = append(lines, fmt.Sprintf("%s: %q → %q", ch.Field, ch.Old, ch.New))
	}
	msg := trf("{{.Ref}} was changed by someone else after you opened it. Their changes:", map[string]any{"Ref": cur.Ref}) +
		"\n" + strings.Join(lines, "\n") + "\n\n" +
		tr("Load their version (your edits are dropped), or keep editing and save again over it?")
	d := dialog.NewConfirm(tr("Changed by someone else"), msg, func(load bool) {
		if load {
			c.openNow(cur)
			return
		}
		// Saving again means saving over their version, knowingly.
		read := cur
		c.selected = &read
		c.draft.RowVersion = cur.RowVersion
	}, c.ui.win)
	d.SetConfirmText(tr("Load theirs"))
	d.SetDismissText(tr("Keep mine"))
	d.Show()
}

func (c *ciScreen) onRetire() {
	if c.selected == nil {
		return
	}
	c.draft.Status = cmdb.StatusRetired
	c.onSave()
}

func (c *ciScreen) onDelete() {
	if c.selected == nil {
		return
	}
	ci := *c.selected
	rels, _ := c.ui.store.CMDB.Relations(c.ui.ctx, ci.Ref)
	msg := trf("Delete {{.Ref}} {{.Name}} and its {{.Count}} relations? Retiring keeps it for history; deleting cannot be undone.",
		map[string]any{"Ref": ci.Ref, "Name": ci.Name, "Count": len(rels)})
	c.ui.confirm(tr("Delete CI"), msg, tr("Delete"), func(ok bool) {
		if !ok {
			return
		}
		c.ui.save(nil, func() error { return c.ui.store.CMDB.DeleteCI(c.ui.ctx, ci.Ref) }, func() {
			c.editing, c.selected = false, nil
			c.ui.setStatus(trf("Deleted {{.Ref}}", map[string]any{"Ref": ci.Ref}))
			c.reload()
			c.refreshDetail()
		})
	})
}
