package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/store"
)

// pressShortcut delivers a shortcut as the desktop driver does: a main
// menu item with that shortcut runs first, whatever has the focus; only
// then does the focused widget, or else the canvas, get it.
func pressShortcut(ui *UI, s fyne.Shortcut) {
	for _, m := range ui.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == s.ShortcutName() && it.Action != nil {
				it.Action()
				return
			}
		}
	}
	if f, ok := ui.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	ui.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// typeKeys types text where the keyboard's keys go: into the focused
// widget, or to the canvas when nothing has the focus.
func typeKeys(ui *UI, text string) {
	for _, r := range text {
		if f := ui.win.Canvas().Focused(); f != nil {
			f.TypedRune(r)
		} else if fn := ui.win.Canvas().OnTypedRune(); fn != nil {
			fn(r)
		}
	}
}

// TestTypingGoesWhereTheUserThinks: a field typed into and saved with
// Ctrl+S keeps no cursor; stray keys change nothing; Ctrl+F moves the
// cursor to the search box even from inside a field, so the search text
// lands there and the record stays as saved; Ctrl+N puts the cursor in the
// new CI's name.
func TestTypingGoesWhereTheUserThinks(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	c.query = "bj-db-01"
	c.reload()
	ci, _ := c.row(0)
	c.open(ci)
	owner := entryOf(t, c, "owner")
	ui.win.Canvas().Focus(owner)
	owner.SetText("")
	typeKeys(ui, "张伟 Zhang Wei")
	pressShortcut(ui, saveShortcut)
	saved, err := ui.store.CMDB.CI(ui.ctx, ci.Ref)
	if err != nil || saved.Owner != "张伟 Zhang Wei" {
		t.Fatalf("saved owner %q, %v", saved.Owner, err)
	}
	if ui.win.Canvas().Focused() != nil {
		t.Errorf("after Save, %T keeps the cursor", ui.win.Canvas().Focused())
	}
	typeKeys(ui, "xx") // stray keys after a save
	if c.dirty() {
		t.Error("stray keys after a save changed the form")
	}
	// Back in the field, then Ctrl+F and a search.
	ui.win.Canvas().Focus(entryOf(t, c, "owner"))
	pressShortcut(ui, findShortcut)
	typeKeys(ui, "db")
	if c.search.Text != "db" || c.query != "db" {
		t.Errorf("the search box holds %q (query %q), want db", c.search.Text, c.query)
	}
	if c.dirty() || c.draft.Owner != "张伟 Zhang Wei" {
		t.Errorf("Ctrl+F and typing changed the form: owner %q", c.draft.Owner)
	}
	if again, _ := ui.store.CMDB.CI(ui.ctx, ci.Ref); again.Owner != "张伟 Zhang Wei" {
		t.Errorf("the record changed: owner %q", again.Owner)
	}
	// Ctrl+F again replaces the search rather than adding to it.
	pressShortcut(ui, findShortcut)
	typeKeys(ui, "san")
	if c.search.Text != "san" {
		t.Errorf("a second Ctrl+F added to the search: %q", c.search.Text)
	}
	// Ctrl+N: the cursor in the new CI's name.
	pressShortcut(ui, newShortcut)
	if name, ok := ui.win.Canvas().Focused().(*widget.Entry); !ok || name != entryOf(t, c, "name") {
		t.Errorf("after Ctrl+N the cursor is in %T, not the name", ui.win.Canvas().Focused())
	}
	typeKeys(ui, "bj-new-01")
	if c.draft.Name != "bj-new-01" {
		t.Errorf("typed after Ctrl+N, the name is %q", c.draft.Name)
	}
}

// TestListSelectionFollowsTheForm: a search combines with the type filter;
// after a new search the row under the highlight can be tapped and opens;
// after "No" to discarding edits the highlight goes back, so tapping the
// other row asks again; a "Not saved" message goes when another CI opens.
func TestListSelectionFollowsTheForm(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	c.query = "db"
	c.reload()
	unfiltered := c.total
	c.typeKey = "database"
	c.reload()
	if c.total == 0 || c.total == unfiltered {
		t.Fatalf("%d of %d CIs matching db are databases", c.total, unfiltered)
	}
	for i := 0; i < c.total; i++ {
		if ci, _ := c.row(i); ci.TypeKey != "database" {
			t.Errorf("a search within databases shows %s, a %s", ci.Name, ci.TypeKey)
		}
	}
	c.typeKey = ""
	c.query = "bj-db"
	c.reload()
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	first := c.selected.Ref
	c.query = "bj-san"
	c.reload()
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if c.selected == nil || c.selected.Ref == first || c.selected.Name != "bj-san-01" {
		t.Fatalf("after a new search, tapping the first row shows %+v", c.selected)
	}
	// Edits, then another row, then No: the form keeps its CI, and the
	// highlight is back on it.
	c.query = "bj-"
	c.reload()
	entryOf(t, c, "owner").SetText("someone else")
	other := -1
	for i := 0; i < c.total; i++ {
		if ci, _ := c.row(i); ci.Ref != c.selected.Ref {
			other = i
			break
		}
	}
	c.table.Select(widget.TableCellID{Row: other, Col: 1})
	tapDialog(t, ui, "Cancel")
	if c.selected.Name != "bj-san-01" || c.draft.Owner != "someone else" {
		t.Fatalf("after No, the form shows %s with owner %q", c.selected.Name, c.draft.Owner)
	}
	c.table.Select(widget.TableCellID{Row: other, Col: 1})
	if ui.win.Canvas().Overlays().Top() == nil {
		t.Fatal("tapping the other row again did nothing")
	}
	tapDialog(t, ui, "Discard changes")
	// A refused save, then another CI: the refusal's message goes.
	entryOf(t, c, "name").SetText("")
	test.Tap(c.save)
	if !strings.Contains(ui.status.Text, "Not saved") {
		t.Fatalf("status after a refused save: %q", ui.status.Text)
	}
	c.onCancel()
	for i := 0; i < c.total; i++ {
		if ci, _ := c.row(i); ci.Ref != c.selected.Ref {
			c.table.Select(widget.TableCellID{Row: i, Col: 1})
			break
		}
	}
	if strings.Contains(ui.status.Text, "Not saved") {
		t.Errorf("the refusal stays after opening another CI: %q", ui.status.Text)
	}
}

// TestCIPickerFindsByNameAndEnterSubmits: a relation is added by typing
// part of the other CI's name and tapping it in the list, or by typing its
// name and pressing Enter; a name that matches several CIs says so.
func TestCIPickerFindsByNameAndEnterSubmits(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	c.query = "网银门户"
	c.reload()
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c.tab = 1 // Relations
	c.refreshDetail()
	p := c.relTarget
	test.Type(p.entry, "bj-backup")
	if len(p.matches) == 0 || p.popup == nil || !p.popup.Visible() {
		t.Fatalf("typing bj-backup lists %d CIs", len(p.matches))
	}
	p.list.Select(0)
	backup := p.chosen
	if backup == nil || !strings.HasPrefix(p.entry.Text, backup.Ref) || p.popup.Visible() {
		t.Fatalf("tapping the first match: entry %q, chosen %+v", p.entry.Text, backup)
	}
	test.Tap(buttonLabelled(t, ui, "Add relation"))
	rels, _ := ui.store.CMDB.Relations(ui.ctx, c.selected.Ref)
	if !slicesContainsRef(rels, backup.Ref) {
		t.Fatalf("no relation to %s after Add relation: %+v", backup.Ref, rels)
	}
	// A name typed in capitals, then Enter.
	p = c.relTarget
	c.ui.win.Canvas().Focus(p.entry)
	test.Type(p.entry, "BJ-SAN-01")
	p.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	san, _ := ui.store.CMDB.SearchFiltered(ui.ctx, "bj-san-01", cmdbFilterAll)
	rels, _ = ui.store.CMDB.Relations(ui.ctx, c.selected.Ref)
	if len(san) == 0 || !slicesContainsRef(rels, san[0].Ref) {
		t.Fatalf("Enter on a typed name did not relate it: %+v", rels)
	}
	// Several matches: the person is asked to choose.
	p = c.relTarget
	p.SetText("bj-")
	if _, err := p.Ref(); err == nil || !strings.Contains(err.Error(), "choose one") {
		t.Errorf("bj- names one CI? %v", err)
	}
}

var cmdbFilterAll = cmdb.Filter{Limit: 5}

func slicesContainsRef(rels []cmdb.Relation, ref string) bool {
	for _, r := range rels {
		if r.ToRef == ref || r.FromRef == ref {
			return true
		}
	}
	return false
}

// buttonLabelled finds a button by its text anywhere in the window.
func buttonLabelled(t *testing.T, ui *UI, label string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == label && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button in the window", label)
	}
	return found
}

// TestRelationsApartAndRemovalAsked: what the CI needs and what needs it
// are listed apart; removing a relation asks first, naming it, and Cancel
// keeps it.
func TestRelationsApartAndRemovalAsked(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	c.query = "网银门户"
	c.reload()
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c.tab = 1
	c.refreshDetail()
	var texts []string
	walk(c.form, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	all := strings.Join(texts, "\n")
	needs, needed := strings.Index(all, "This CI needs"), strings.Index(all, "Needed by")
	if needs < 0 || needed < needs {
		t.Fatalf("the relations are not listed apart:\n%s", all)
	}
	before, _ := ui.store.CMDB.Relations(ui.ctx, c.selected.Ref)
	var remove *widget.Button
	walk(c.form, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Icon != nil && b.Icon.Name() == theme.DeleteIcon().Name() && remove == nil {
			remove = b
		}
	})
	test.Tap(remove)
	if text := dialogText(t, ui); !strings.Contains(text, "Remove the relation") {
		t.Fatalf("removing a relation asked %q", text)
	}
	tapDialog(t, ui, "Cancel")
	if after, _ := ui.store.CMDB.Relations(ui.ctx, c.selected.Ref); len(after) != len(before) {
		t.Fatal("Cancel removed the relation")
	}
	test.Tap(remove)
	tapDialog(t, ui, "Remove")
	if after, _ := ui.store.CMDB.Relations(ui.ctx, c.selected.Ref); len(after) != len(before)-1 {
		t.Errorf("%d relations after Remove, want %d", len(after), len(before)-1)
	}
}

// TestDashboardRowsOpenTheirRecords: a plan needing attention opens the
// plan; a type's count opens the CIs of that type; a recent change to a CI
// opens the CI.
func TestDashboardRowsOpenTheirRecords(t *testing.T) {
	ui := newContinuityUI(t)
	ui.dashboard.loaded = false // the plans were written after the window opened
	ui.show(ui.indexOf(ui.dashboard))
	rows := func() []*tappableRow {
		var out []*tappableRow
		walk(ui.win.Content(), func(o fyne.CanvasObject) {
			if r, ok := o.(*tappableRow); ok {
				out = append(out, r)
			}
		})
		return out
	}
	attention := ui.dashboard.attention()
	if len(attention) == 0 {
		t.Fatal("the sample has nothing that needs attention")
	}
	audit := len(ui.dashboard.auditRows()) // the audit card's rows come first
	test.Tap(rows()[audit])
	if ui.current != ui.indexOf(ui.plans) || ui.plans.draft.DocNumber != attention[0][0] {
		t.Fatalf("the first attention row opened screen %d, plan %q; want %s", ui.current, ui.plans.draft.DocNumber, attention[0][0])
	}
	ui.showScreen(ui.dashboard)
	// The rows in order: audit, attention, actions, then types.
	typeRow := rows()[len(ui.dashboard.auditRows())+len(attention)+len(ui.dashboard.actions)]
	test.Tap(typeRow)
	if ui.current != ui.indexOf(ui.cis) || ui.cis.typeKey == "" {
		t.Fatalf("a type row opened screen %d with type %q", ui.current, ui.cis.typeKey)
	}
	for i := 0; i < ui.cis.total; i++ {
		if ci, _ := ui.cis.row(i); ci.TypeKey != ui.cis.typeKey {
			t.Fatalf("the list from a type row holds a %s", ci.TypeKey)
		}
	}
	// A change to a CI: the CI.
	ci, _ := ui.store.CMDB.CI(ui.ctx, "CI-000024")
	ci.Owner = "王建国"
	if _, err := ui.store.CMDB.UpdateCI(ui.ctx, ci); err != nil {
		t.Fatal(err)
	}
	ui.dashboard.loaded = false
	ui.showScreen(ui.dashboard)
	ui.show(ui.current)
	all := rows()
	test.Tap(all[len(all)-len(ui.dashboard.recent)]) // the newest change
	if ui.current != ui.indexOf(ui.cis) || ui.cis.selected == nil || ui.cis.selected.Ref != "CI-000024" {
		t.Fatalf("the newest change opened %+v", ui.cis.selected)
	}
}

// TestChangesReadAsTheFormSaysThem: a reason for review and a history
// line show field labels and values, in Chinese too, never the stored
// keys (status: in_service, attributes.capacity_tb).
func TestChangesReadAsTheFormSaysThem(t *testing.T) {
	ui := newTestUI(t)
	types, _ := ui.store.CMDB.Types(ui.ctx)
	reason := "CI-000024 status: in_service → maintenance (2026-11-20)"
	if got := reasonText(reason, types); got != "CI-000024 Status: In service → Under maintenance (2026-11-20)" {
		t.Errorf("reason reads %q", got)
	}
	ui.SetLanguage(Chinese)
	got := reasonText("CI-000015 attributes.capacity_tb: 100 → 200 (2026-11-20)", types)
	if strings.Contains(got, "attributes") || strings.Contains(got, "capacity_tb") {
		t.Errorf("an attribute change reads %q", got)
	}
	if got := reasonText(reason, types); !strings.Contains(got, "运行中") || strings.Contains(got, "in_service") {
		t.Errorf("in Chinese the reason reads %q", got)
	}
	line := changeText(store.Change{Field: "relation", New: "CI-000036 depends on CI-000027"}, types)
	if !strings.Contains(line, "依赖于") || strings.Contains(line, "depends on") {
		t.Errorf("a relation change reads %q", line)
	}
}

// TestImportMapsUnknownValues: a file whose type (打印机) and status (在修)
// the CMDB does not know is refused row by row until the person maps them,
// in the wizard, to a known type and status; then it imports.
func TestImportMapsUnknownValues(t *testing.T) {
	ui := newTestUI(t)
	ui.showScreen(ui.imports)
	w := ui.imports
	path := filepath.Join(t.TempDir(), "打印机.csv")
	os.WriteFile(path, []byte("名称,类型,状态\nbj-prn-01,打印机,在修\nbj-prn-02,打印机,运行中\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	test.Tap(w.checkBtn)
	if w.result == nil || len(w.result.Problems) != 2 {
		t.Fatalf("unmapped: %+v", w.result)
	}
	var selects []*widget.Select
	walk(ui.win.Content(), func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && len(s.Options) > 0 && s.Options[0] == "(refuse the rows)" {
			selects = append(selects, s)
		}
	})
	if len(selects) != 2 {
		t.Fatalf("%d value choices, want one for 打印机 and one for 在修", len(selects))
	}
	selects[0].SetSelected("Server")
	selects[1].SetSelected("Under maintenance")
	test.Tap(w.importBtn)
	if w.err != nil || w.result.Created != 2 {
		t.Fatalf("mapped import: %+v %v", w.result, w.err)
	}
	found, _ := ui.store.CMDB.Search(ui.ctx, "bj-prn-01", 1)
	if len(found) != 1 || found[0].TypeKey != "server" || found[0].Status != cmdb.StatusMaintenance {
		t.Errorf("imported as %+v", found)
	}
}

// TestCutTextShowsWholeOnHover: a cell whose text is cut shows the whole
// of it when the pointer rests on it, and hides it when the pointer
// leaves; text that fits shows no tooltip.
func TestCutTextShowsWholeOnHover(t *testing.T) {
	ui := newTestUI(t)
	long := newTipLabel("宣布灾难并启动计划 Declare the disaster and invoke the plan, then call the response team along the call tree")
	short := newTipLabel("CI-000024")
	ui.win.SetContent(container.NewWithoutLayout(long, short))
	long.Resize(fyne.NewSize(120, 36))
	short.Resize(fyne.NewSize(200, 36))
	short.Move(fyne.NewPos(0, 50))
	if !long.cut() || short.cut() {
		t.Fatalf("cut: long %v, short %v", long.cut(), short.cut())
	}
	long.MouseIn(&desktop.MouseEvent{})
	long.showTip() // what the timer does after the pointer rests
	top := ui.win.Canvas().Overlays().Top()
	if top == nil || top != long.tip || !top.Visible() {
		t.Fatal("no tooltip over cut text")
	}
	if text := dialogText(t, ui); !strings.Contains(text, "call the response team along the call tree") {
		t.Errorf("the tooltip says %q", text)
	}
	long.MouseOut()
	if long.tip.Visible() {
		t.Error("the tooltip stays after the pointer left")
	}
	short.showTip()
	if short.tip != nil {
		t.Error("text that fits got a tooltip")
	}
}

// TestGraphLabelsFitTheirBoxes: a long name is cut to its box.
func TestGraphLabelsFitTheirBoxes(t *testing.T) {
	newTestUI(t)
	size := theme.TextSize() * 0.85
	long := "CI-000086  客户服务热线 Customer hotline 95xxx and a longer name still"
	got := fitText(long, size, graphBoxW-12)
	if !strings.HasSuffix(got, "…") || fyne.MeasureText(got, size, fyne.TextStyle{}).Width > graphBoxW-12 {
		t.Errorf("cut to %q", got)
	}
	if fitText("CI-1  db", size, graphBoxW-12) != "CI-1  db" {
		t.Error("a short label was cut")
	}
}

// TestImpactAddsAFailingCIByName: a CI failing at the same time is found
// by name and added to the analysis.
func TestImpactAddsAFailingCIByName(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	c.query = "bj-db-01"
	c.reload()
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c.tab = 3 // Impact
	c.refreshDetail()
	test.Type(c.impactPicker.entry, "bj-db-02")
	c.impactPicker.list.Select(0)
	if !strings.Contains(c.alsoFailing, c.impactPicker.matches[0].Ref) || c.impactAlso.Text != c.alsoFailing {
		t.Errorf("also failing: %q (entry %q)", c.alsoFailing, c.impactAlso.Text)
	}
}
