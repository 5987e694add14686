package app

import (
	"context"
	"encoding/json"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/store"
)

// newTestUI opens the window on a real database holding the sample
// organisation, with Fyne's headless test driver.
func newTestUI(t *testing.T) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	db := store.MustOpen(t)
	cm, err := cmdb.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Organisation(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	ui := New(a, Store{Path: db.Path, DB: db, CMDB: cm, Version: "test"})
	ui.win.Resize(fyne.NewSize(1280, 800))
	ui.win.Show()
	t.Cleanup(func() { setLanguage(English) })
	return ui
}

func (ui *UI) gotoCIs() *ciScreen {
	ui.nav.Select(1)
	return ui.cis
}

func entryOf(t *testing.T, c *ciScreen, key string) *widget.Entry {
	t.Helper()
	e, ok := c.inputs[key].(*widget.Entry)
	if !ok {
		t.Fatalf("no entry for %q in the form", key)
	}
	return e
}

func TestSearchSelectEditSave(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-db-01")
	if c.total != 1 {
		t.Fatalf("search found %d CIs, want 1", c.total)
	}
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	if c.selected == nil || c.selected.Name != "bj-db-01" {
		t.Fatalf("selected %+v", c.selected)
	}
	owner := entryOf(t, c, "owner")
	owner.SetText("")
	test.Type(owner, "张伟 Zhang Wei")
	test.Tap(c.save)

	got, err := ui.store.CMDB.CI(ui.ctx, c.selected.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if got.Owner != "张伟 Zhang Wei" {
		t.Errorf("owner in the database = %q", got.Owner)
	}
	hist, _ := ui.store.CMDB.History(ui.ctx, got.Ref)
	if last := hist[len(hist)-1]; last.Source != store.SourceGUI || last.Field != "owner" {
		t.Errorf("last change = %+v, want an owner change from the gui", last)
	}
	if c.dirty() {
		t.Error("form still dirty after saving")
	}
}

func TestFiltersAndSorting(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	all := c.total
	c.typeKey = "business_service"
	c.reload()
	if c.total != 12 {
		t.Errorf("business services = %d, want 12", c.total)
	}
	c.typeKey = ""
	c.status = cmdb.StatusRetired
	c.reload()
	if c.total != 1 {
		t.Errorf("retired = %d, want 1", c.total)
	}
	c.status = ""
	c.reload()
	if c.total != all {
		t.Errorf("unfiltered = %d, want %d", c.total, all)
	}
	c.sortBy("name")
	first, _ := c.row(0)
	c.sortBy("name") // again: descending
	last, _ := c.row(0)
	if first.Name >= last.Name {
		t.Errorf("sorting by name: first %q, then descending %q", first.Name, last.Name)
	}
}

func TestNewCIShowsProblemsInlineAndSaves(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	before := c.total
	c.onNew()
	entryOf(t, c, "CPU cores").SetText("many")
	test.Tap(c.save)
	if c.problems["name"] == "" || c.problems["CPU cores"] == "" {
		t.Fatalf("problems = %v; want name and CPU cores", c.problems)
	}
	if c.total != before {
		t.Error("an invalid CI was saved")
	}
	// The form shows the problem beside the field, and keeps what was typed.
	if got := entryOf(t, c, "CPU cores").Text; got != "many" {
		t.Errorf("CPU cores entry = %q after a refused save", got)
	}
	test.Type(entryOf(t, c, "name"), "bj-app-42")
	entryOf(t, c, "CPU cores").SetText("16")
	test.Tap(c.save)
	if c.problems != nil || c.selected == nil || c.selected.Attributes["cpu_cores"] != "16" {
		t.Fatalf("after correcting: problems %v, selected %+v", c.problems, c.selected)
	}
	if c.total != before+1 {
		t.Errorf("total %d, want %d", c.total, before+1)
	}
}

func TestStaleSaveIsRefusedAndExplained(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-db-02")
	c.table.Select(widget.TableCellID{Row: 0, Col: 0})
	ref := c.selected.Ref

	// Someone else saves first.
	other := *c.selected
	other.Owner = "Someone Else"
	if _, err := ui.store.CMDB.UpdateCI(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	entryOf(t, c, "location").SetText("Room 101")
	test.Tap(c.save)
	got, _ := ui.store.CMDB.CI(ui.ctx, ref)
	if got.Location == "Room 101" || got.Owner != "Someone Else" {
		t.Errorf("stale save overwrote: %+v", got)
	}
	if ui.win.Canvas().Overlays().Top() == nil {
		t.Error("no dialog explains the conflict")
	}
}

func TestLanguageSwitchKeepsUnsavedEdits(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-db-01")
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	entryOf(t, c, "location").SetText("机房 B")

	ui.SetLanguage(Chinese)
	if got := ui.screens[1].title(); got != "配置项" {
		t.Errorf("navigation title in Chinese = %q", got)
	}
	if got := c.save.Text; got != "保存" {
		t.Errorf("save button = %q, want 保存", got)
	}
	if got := entryOf(t, c, "location").Text; got != "机房 B" {
		t.Errorf("unsaved edit lost in the language switch: %q", got)
	}
	test.Tap(c.save)
	if got, _ := ui.store.CMDB.CI(ui.ctx, c.selected.Ref); got.Location != "机房 B" {
		t.Errorf("saved location = %q", got.Location)
	}
	ui.SetLanguage(English)
	if got := c.save.Text; got != "Save" {
		t.Errorf("save button back in English = %q", got)
	}
}

func TestImpactTreeShowsServices(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-san-01")
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	rep, err := ui.store.CMDB.Impact(ui.ctx, []string{c.selected.Ref}, true, 500)
	if err != nil {
		t.Fatal(err)
	}
	tree := impactTree(rep)
	markup := test.RenderObjectToMarkup(tree)
	if !strings.Contains(markup, "reached") {
		t.Errorf("impact view lacks its summary")
	}
	if rep.TotalServices < 10 {
		t.Errorf("SAN failure reaches %d services", rep.TotalServices)
	}
}

func TestDashboardCounts(t *testing.T) {
	ui := newTestUI(t)
	ui.dashboard.reload()
	if ui.dashboard.byType["business_service"] != 12 || ui.dashboard.noOwner == 0 || len(ui.dashboard.recent) == 0 {
		t.Errorf("dashboard: %v types, %d without owner, %d recent", ui.dashboard.byType, ui.dashboard.noOwner, len(ui.dashboard.recent))
	}
}

// TestEveryTextIsTranslated checks that every string passed to tr or trf
// has an entry in both translation files.
func TestEveryTextIsTranslated(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`\btrf?\("((?:[^"\\]|\\.)*)"`)
	var keys []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, strings.ReplaceAll(m[1], `\n`, "\n"))
		}
	}
	// Words translated through variables: statuses, relation kinds, columns.
	for _, st := range cmdb.Statuses {
		keys = append(keys, strings.ToUpper(st.Label()[:1])+st.Label()[1:])
	}
	for _, k := range cmdb.Kinds {
		keys = append(keys, k.Label())
	}
	for _, col := range ciColumns {
		keys = append(keys, col.title)
	}
	for _, name := range []string{"en.json", "zh_Hans.json"} {
		data, err := os.ReadFile(filepath.Join("..", "assets", "translations", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, k := range keys {
			if m[messageID(k)] == "" {
				t.Errorf("%s has no translation for %q", name, k)
			}
		}
	}
}

// TestScreenshots renders every screen in both languages with the test
// driver (which works without a display) and checks that each picture has
// content. With SERVICEBOOK_SCREENSHOTS=DIR it also writes them there as
// PNG; scripts/screenshots.sh does that for the README.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SERVICEBOOK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	ui := newTestUI(t)
	for _, language := range []string{English, Chinese} {
		ui.SetLanguage(language)
		shots := []struct {
			name  string
			setup func()
		}{
			{"dashboard", func() { ui.nav.Select(0) }},
			{"cis", func() {
				c := ui.gotoCIs()
				c.search.SetText("")
				c.table.Select(widget.TableCellID{Row: 26, Col: 1}) // the core banking database
			}},
			{"relations", func() { ui.cis.tab = 1; ui.cis.refreshDetail() }},
			{"impact", func() { ui.cis.tab = 3; ui.cis.refreshDetail() }},
			{"new-ci-problems", func() {
				ui.cis.tab = 0
				ui.cis.onNew()
				ui.cis.onSave()
			}},
		}
		for _, s := range shots {
			s.setup()
			img := ui.win.Canvas().Capture()
			if blank(img) {
				t.Errorf("%s/%s: the picture is blank", language, s.name)
			}
			path := filepath.Join(dir, language+"-"+s.name+".png")
			if err := writePNG(path, img); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func blank(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				return false
			}
		}
	}
	return true
}
