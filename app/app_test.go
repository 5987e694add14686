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

	"servicebook/audit"
	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/export"
	"servicebook/sheet"
	"servicebook/store"
)

// newTestUI opens the window on a real database holding the sample
// organisation, with Fyne's headless test driver: a file, or a server's
// database when SERVICEBOOK_TEST_BACKEND=postgres (store.MustOpen).
func newTestUI(t *testing.T) *UI {
	t.Helper()
	return newTestUIOn(t, store.MustOpen(t))
}

// newFileTestUI is newTestUI on a database file, for what only a file
// has: SQLite's check, restore, another process's hold of its write lock.
func newFileTestUI(t *testing.T) *UI {
	t.Helper()
	return newTestUIOn(t, store.MustOpenFile(t))
}

func newTestUIOn(t *testing.T, db *store.DB) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	cm, err := cmdb.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Organisation(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	ui := New(a, Store{Path: db.Path, DB: db, CMDB: cm, Version: "test", SettingsPath: filepath.Join(t.TempDir(), "settings.json")})
	// Work that runs in the background in the window runs in line here, so
	// that tests need no waiting.
	ui.background = func(work func() func()) { work()() }
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
	if text := dialogText(t, ui); !strings.Contains(text, `Someone Else`) {
		t.Errorf("no dialog explains the conflict: %q", text)
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
	w := test.NewWindow(impactGraph(rep))
	defer w.Close()
	w.Resize(fyne.NewSize(1220, 500)) // the graph's room in a 1400-wide window
	graph := test.RenderObjectToMarkup(w.Content())
	for _, want := range []string{c.selected.Ref, "网上银行 Internet banking"} {
		if !strings.Contains(graph, want) {
			t.Errorf("impact graph lacks %q", want)
		}
	}
	if rep.TotalServices < 10 {
		t.Errorf("SAN failure reaches %d services", rep.TotalServices)
	}
}

func TestBaselineTakeChangeCompare(t *testing.T) {
	ui := newTestUI(t)
	ui.nav.Select(2)
	b := ui.baselines
	b.name = "before-CHG-1042"
	test.Tap(b.take)
	if len(b.list) != 1 || b.from != "before-CHG-1042" {
		t.Fatalf("baselines after taking one: %+v", b.list)
	}
	ci, _ := ui.store.CMDB.CI(ui.ctx, "CI-000024")
	ci.Status = cmdb.StatusMaintenance
	if _, err := ui.store.CMDB.UpdateCI(ui.ctx, ci); err != nil {
		t.Fatal(err)
	}
	test.Tap(b.compare)
	if b.diff == nil || len(b.diff.Changed) != 1 {
		t.Fatalf("diff = %+v", b.diff)
	}
	types, _ := ui.store.CMDB.Types(ui.ctx)
	rows := diffTableRows(*b.diff, types)
	// Fields by their labels, values as the form shows them, not the keys.
	if len(rows) != 1 || rows[0][1] != "CI-000024" || rows[0][3] != "Status" || rows[0][5] != "Under maintenance" {
		t.Errorf("diff rows = %q", rows)
	}
	b.name = "before-CHG-1042"
	test.Tap(b.take)
	if text := dialogText(t, ui); !strings.Contains(text, `A baseline named "before-CHG-1042" already exists`) {
		t.Errorf("a second baseline with the same name was not refused with a message naming it: %q", text)
	}
	ui.win.Canvas().Overlays().Top().Hide()
	ui.win.Canvas().Overlays().Remove(ui.win.Canvas().Overlays().Top())
	// Deleting asks first, and names the baseline.
	b.selected = "before-CHG-1042"
	ui.show(ui.current)
	b.selected = "before-CHG-1042"
	b.remove.Enable()
	test.Tap(b.remove)
	if text := dialogText(t, ui); !strings.Contains(text, "Delete the baseline before-CHG-1042?") {
		t.Errorf("deletion asks: %q", text)
	}
	tapDialog(t, ui, "Delete")
	if len(b.list) != 0 {
		t.Errorf("%d baselines after deleting the only one", len(b.list))
	}
}

func TestImportWizardPreviewMapDryRunImport(t *testing.T) {
	ui := newTestUI(t)
	ui.nav.Select(4)
	w := ui.imports
	// A file as a team keeps it: a title row, Chinese headers, and a column
	// the importer does not know by name.
	path := filepath.Join(t.TempDir(), "新设备.csv")
	os.WriteFile(path, []byte("设备清单 2026\n设备名称,类型,负责人,CPU核数\nbj-new-01,服务器,李伟,16\nbj-new-02,服务器,李伟,many\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	if w.book == nil || w.headRow != 2 || w.mapping["type"] != "类型" || w.mapping["owner"] != "负责人" {
		t.Fatalf("preview: book %v, mapping %v, header row %d", w.book != nil, w.mapping, w.headRow)
	}
	// 设备名称 is not a known header for the name: the person maps it.
	w.mapping["name"] = "设备名称"
	test.Tap(w.checkBtn)
	if w.result == nil || len(w.result.Problems) != 1 ||
		!strings.Contains(w.result.Problems[0].Error(), `row 4, column "CPU核数": "many" is not a number`) {
		t.Fatalf("dry run: %+v %v", w.result, w.err)
	}
	// A refused file is never reported as imported.
	if first := w.resultLines()[0]; !strings.HasPrefix(first, "Nothing was imported") || strings.Contains(strings.Join(w.resultLines(), "\n"), "Imported:") {
		t.Errorf("a refused file reads %q", first)
	}
	os.WriteFile(path, []byte("设备清单 2026\n设备名称,类型,负责人,CPU核数\nbj-new-01,服务器,李伟,16\nbj-new-02,服务器,李伟,32\n"), 0o600)
	test.Tap(w.checkBtn)
	if w.err != nil || w.result.Created != 2 || !w.result.DryRun {
		t.Fatalf("second dry run: %+v %v", w.result, w.err)
	}
	if found, _ := ui.store.CMDB.Search(ui.ctx, "bj-new-01", 5); len(found) != 0 {
		t.Fatal("the dry run wrote")
	}
	test.Tap(w.importBtn)
	if w.err != nil || w.result.Created != 2 || w.result.DryRun {
		t.Fatalf("import: %+v %v", w.result, w.err)
	}
	if first := w.resultLines()[0]; !strings.HasPrefix(first, "Imported: ") {
		t.Errorf("after the import the result reads %q", first)
	}
	// No file: say so, not ".: cannot open".
	w.path = ""
	test.Tap(w.previewBtn)
	if text := dialogText(t, ui); !strings.Contains(text, "Choose a file first") {
		t.Errorf("preview without a file says %q", text)
	}
	found, _ := ui.store.CMDB.Search(ui.ctx, "bj-new-02", 5)
	if len(found) != 1 || found[0].Attributes["cpu_cores"] != "32" || found[0].Owner != "李伟" {
		t.Errorf("imported CI = %+v", found)
	}
}

func TestTypesScreenDefinesAType(t *testing.T) {
	ui := newTestUI(t)
	ui.nav.Select(3)
	s := ui.types
	s.onNew()
	s.draft.Attributes = []cmdb.AttrDef{{Key: "runtime_minutes", Name: "Runtime (minutes)", NameZh: "续航(分钟)", Kind: cmdb.AttrNumber, Required: true}}
	ui.show(3)
	test.Type(s.inputs["key"], "Bad Key")
	test.Tap(s.save)
	if len(s.problems) == 0 {
		t.Fatal("a bad key was accepted")
	}
	s.inputs["key"].SetText("ups")
	test.Type(s.inputs["name"], "UPS")
	s.inputs["name_zh"].SetText("不间断电源")
	test.Tap(s.save)
	if len(s.problems) != 0 {
		t.Fatalf("problems: %v", s.problems)
	}
	types, _ := ui.store.CMDB.Types(ui.ctx)
	ups, err := cmdb.ResolveType(types, "不间断电源")
	if err != nil || len(ups.Attributes) != 1 || !ups.Attributes[0].Required {
		t.Fatalf("saved type = %+v, %v", ups, err)
	}
	// The CI form offers the new type and its attribute.
	c := ui.gotoCIs()
	c.onNew()
	c.draft.TypeKey = "ups"
	c.refreshDetail()
	if _, ok := c.inputs["Runtime (minutes)"]; !ok {
		t.Error("the CI form lacks the new type's attribute")
	}
}

func TestImpactOfSeveralCIsFailingTogether(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	test.Type(c.search, "bj-db-01")
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c.tab = 3
	c.refreshDetail()
	before := test.RenderObjectToMarkup(c.form)
	// bj-db-01 alone is covered by its cluster partner; with bj-db-02 down
	// too, the core database and the services above it fail.
	node2, _ := ui.store.CMDB.Search(ui.ctx, "bj-db-02", 1)
	test.Type(c.impactAlso, node2[0].Ref)
	c.impactAlso.OnSubmitted(c.impactAlso.Text)
	after := test.RenderObjectToMarkup(c.form)
	if strings.Contains(before, "Core banking DB") || !strings.Contains(after, "Core banking DB") {
		t.Errorf("the core database should appear only when both nodes fail")
	}
}

func TestProblemsAreShownInChinese(t *testing.T) {
	ui := newTestUI(t)
	ui.SetLanguage(Chinese)
	c := ui.gotoCIs()
	c.onNew()
	entryOf(t, c, "CPU cores").SetText("many")
	test.Tap(c.save)
	if c.problems["name"] != "配置项必须有名称" || c.problems["CPU cores"] != "“many”不是数字" {
		t.Errorf("problems in Chinese: %q", c.problems)
	}
	e := sheet.CellError{File: "设备.xlsx", Sheet: "配置项", Row: 4, Column: "CPU核数",
		Reason: "x", Msg: store.M(cmdb.MsgNotNumber, "Value", "many")}
	if got := cellErrorText(e); got != "设备.xlsx: 工作表“配置项”，第 4 行，列“CPU核数”: “many”不是数字" {
		t.Errorf("import problem in Chinese: %s", got)
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
	call := regexp.MustCompile(`(?:\btrf?|\.get|\.fill)\("((?:[^"\\]|\\.)*)"`)
	// countText(n, "one", "many") and phrases.count(n, "one", "many").
	counted := regexp.MustCompile(`(?:\bcountText|\.count)\([^,()]+(?:\([^()]*\))?[^,()]*,\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"`)
	var keys []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, strings.ReplaceAll(m[1], `\n`, "\n"))
		}
		for _, m := range counted.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1], m[2])
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
	keys = append(keys, cmdb.Messages...)
	keys = append(keys, cmdb.AuditMessages...)
	for _, w := range export.FindingKindWords {
		keys = append(keys, w)
	}
	for _, w := range export.ResolutionWords {
		keys = append(keys, w)
	}
	for _, w := range export.AuditFieldWords {
		keys = append(keys, w)
	}
	keys = append(keys, continuity.Messages...)
	keys = append(keys, budget.Messages...)
	keys = append(keys, capacity.PlanMessages...)
	keys = append(keys, capacity.AllMethodWords...)
	keys = append(keys, capacity.ResourceMessages...)
	keys = append(keys, audit.Messages...)
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
		// One key that go-i18n reads as its own ("Description") makes it
		// take the whole file for one message: every text falls back to
		// English without an error.
		for k := range m {
			if messageID(k) != k {
				t.Errorf("%s: key %q must be written %q", name, k, messageID(k))
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
	// The budget is there from the start, as in the demo database, so that
	// the impact screen shows the change cost of the services affected.
	if err := demo.Budget(context.Background(), ui.store.CMDB, ui.store.Budget); err != nil {
		t.Fatal(err)
	}
	// So is capacity, whose planned WAN upgrade is in the 2026 budget.
	if err := demo.Capacity(context.Background(), ui.store.CMDB, ui.store.Capacity, ui.store.Budget); err != nil {
		t.Fatal(err)
	}
	// And the configuration audit under way.
	if err := demo.ConfigAudit(context.Background(), ui.store.CMDB); err != nil {
		t.Fatal(err)
	}
	// The window as most people have it, and the smallest it must work at.
	for _, size := range []struct {
		width, height float32
		suffix        string
	}{{1400, 900, ""}, {1024, 700, "-1024x700"}} {
		ui.win.Resize(fyne.NewSize(size.width, size.height))
		screenshots(t, ui, dir, size.suffix, size.width)
	}
}

// screenshots renders every screen in both languages into dir, names
// ending in suffix, and fails if a screen needs more than width.
func screenshots(t *testing.T, ui *UI, dir, suffix string, width float32) {
	for _, language := range []string{English, Chinese} {
		ui.SetLanguage(language)
		shots := []struct {
			name  string
			setup func()
			want  []string // texts the screen must show, whatever the language
		}{
			{"dashboard", func() { ui.nav.Select(0) }, []string{"96", "CI-000095"}},
			{"cis", func() {
				c := ui.gotoCIs()
				c.search.SetText("")
				c.table.Select(widget.TableCellID{Row: 26, Col: 1}) // the core banking database
			}, []string{"CI-000027", "核心数据库 Core banking DB"}},
			{"relations", func() { ui.cis.tab = 1; ui.cis.refreshDetail() }, []string{"bj-db-01"}},
			{"impact", func() { ui.cis.tab = 3; ui.cis.refreshDetail() }, []string{"网上银行 Internet banking"}},
			{"impact-graph", func() { ui.cis.impactForm.SetSelected(ui.cis.impactForm.Options[1]) }, []string{"CI-000027"}},
			{"new-ci-problems", func() {
				ui.cis.tab = 0
				ui.cis.onNew()
				ui.cis.onSave()
			}, nil},
			{"types", func() { ui.nav.Select(3); ui.types.edit(3) }, nil},
			{"plans", func() {
				if len(ui.plans.plans) == 0 {
					if err := demo.Continuity(context.Background(), ui.store.CMDB, ui.store.Continuity); err != nil {
						t.Fatal(err)
					}
				}
				ui.showScreen(ui.plans)
				ui.plans.open("SM-02002")
			}, []string{"SM-02002", "SM-02003", "SM-02004"}},
			{"plan-steps", func() { ui.plans.tab = 1; ui.show(ui.current) }, []string{"SM-02002"}},
			{"plan-checks", func() { ui.plans.tab = 3; ui.show(ui.current) }, []string{"SM-02002"}},
			{"availability", func() { ui.showScreen(ui.avail); ui.avail.period = "2026-10"; ui.show(ui.current) }, []string{"99.707 %"}},
			{"budget", func() {
				ui.showScreen(ui.budget)
				ui.budget.tab, ui.budget.selected = 0, 1
				ui.show(ui.current)
			}, []string{"300,000.00"}},
			{"budget-actuals", func() { ui.budget.tab = budgetActualsTab; ui.show(ui.current) }, nil},
			{"budget-variance", func() { ui.budget.tab = budgetVarianceTab; ui.show(ui.current) }, []string{"20,100,000.00", "59,652.45"}},
			{"budget-services", func() { ui.budget.chartTab = 1; ui.show(ui.current) }, nil},
			{"capacity", func() {
				ui.capacity.reload()
				ui.showScreen(ui.capacity)
				for i, r := range ui.capacity.rows {
					if strings.HasPrefix(r.Name, "bj-san-01") {
						ui.capacity.selected = i
					}
				}
				ui.show(ui.current)
			}, []string{"bj-san-01 used TB", "160 TB"}},
			{"capacity-plan", func() {
				ui.capacity.tab = 1
				ui.capacity.plans.selected, ui.capacity.plans.tab = "", 0
				ui.show(ui.current)
				ui.capacity.plans.open("SM-03001")
			}, []string{"SM-03001"}},
			{"capacity-plan-checks", func() { ui.capacity.plans.tab = 1; ui.show(ui.current) }, []string{"bj-san-01 used TB"}},
			{"audit", func() {
				ui.audit.report, ui.audit.selected = nil, 0
				ui.showScreen(ui.audit)
			}, []string{"C01", "§7.5.3"}},
			{"config-audits", func() {
				ui.configAudits.selectAudit(1)
				ui.showScreen(ui.configAudits)
			}, []string{"CA-0001", "bj-esx-04", "bj-esx-09"}},
			{"config-audit-reconcile", func() {
				if len(ui.configAudits.audits) < 2 {
					a, err := ui.store.CMDB.StartAudit(ui.ctx, "北京虚拟化主机 Beijing ESXi hosts", cmdb.AuditScope{Location: "北京", TypeKey: "server"}, "")
					if err != nil {
						t.Fatal(err)
					}
					ui.configAudits.selectAudit(a.ID)
				}
				ui.configAudits.selectAudit(2)
				ui.show(ui.current)
				test.Tap(ui.configAudits.reconcile)
				path := filepath.Join(t.TempDir(), "scan.csv")
				os.WriteFile(path, []byte("Hostname,SN,Location,Vendor\nbj-esx-01,SNbj-esx-01,北京主数据中心 Beijing DC,Dell\nbj-esx-02,SNbj-esx-02,北京主数据中心 R03,Dell\nbj-esx-11,SNbj-esx-11,北京主数据中心 R03,Dell\n"), 0o600)
				ui.imports.path = path
				ui.imports.onPreview()
				ui.imports.ignore = map[string]bool{"Vendor": true}
				ui.imports.run(true)
			}, []string{"scan.csv", "Vendor", "CA-0002"}},
			{"offsite", func() {
				ui.capacity.tab = 0
				ui.showScreen(ui.offsite)
				ui.offsite.dest = filepath.Join(t.TempDir(), "servicebook-offsite-2026-11-24")
				ui.offsite.holder = "异地保险柜 Off-site safe"
				ui.show(ui.current)
				test.Tap(ui.offsite.make)
			}, []string{"continuity-binder.pdf"}},
			{"budget-new-line", func() {
				ui.budget.tab = budgetLinesTab
				ui.show(ui.current)
				test.Tap(ui.budget.addLine)
				ui.budget.newLine.who.SetText("薪资发放")
				ui.budget.newLine.annual.SetText("¥12,000")
			}, []string{"¥12,000"}},
			{"import", func() {
				ui.budget.newLine.dialog.Hide()
				ui.budget.newLine = nil
				ui.nav.Select(4)
				ui.imports.kind = "cis"
				path := filepath.Join(t.TempDir(), "设备清单.csv")
				os.WriteFile(path, []byte("设备清单 2026\n名称,类型,负责人,CPU核数,状态\nbj-new-01,服务器,李伟,16,运行中\nbj-new-02,服务器,李伟,many,在用\nbj-new-03,飞船,王芳,8,运行中\n"), 0o600)
				ui.imports.path = path
				ui.imports.onPreview()
				ui.imports.run(true)
			}, []string{"设备清单.csv", "many"}},
			{"baselines", func() {
				ui.cis.onCancel()
				ui.nav.Select(2)
				taken := false
				for _, b := range ui.baselines.list {
					taken = taken || b.Name == "before-CHG-1042"
				}
				if !taken {
					ui.baselines.name = "before-CHG-1042"
					ui.baselines.onTake()
					ci, err := ui.store.CMDB.CI(ui.ctx, "CI-000024")
					if err != nil {
						t.Fatal(err)
					}
					ci.Status, ci.Owner = cmdb.StatusMaintenance, "张伟"
					if _, err := ui.store.CMDB.UpdateCI(ui.ctx, ci); err != nil {
						t.Fatal(err)
					}
					if _, err := ui.store.CMDB.Relate(ui.ctx, "CI-000031", cmdb.RunsOn, "CI-000024", "db-cluster"); err != nil {
						t.Fatal(err)
					}
				}
				ui.baselines.onCompare()
			}, []string{"before-CHG-1042", "CI-000024"}},
		}
		for _, s := range shots {
			s.setup()
			img := ui.win.Canvas().Capture()
			if blank(img) {
				t.Errorf("%s/%s: the picture is blank", language, s.name)
			}
			// The screen shows what it is meant to, and in this language.
			markup := test.RenderToMarkup(ui.win.Canvas())
			for _, w := range append(s.want, ui.screens[ui.current].title()) {
				if !strings.Contains(markup, w) {
					t.Errorf("%s/%s does not show %q", language, s.name, w)
				}
			}
			if got := ui.win.Canvas().Size().Width; got > width {
				t.Errorf("%s/%s needs the window %.0f wide, more than %.0f", language, s.name, got, width)
			}
			path := filepath.Join(dir, language+"-"+s.name+suffix+".png")
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

func TestOpenAnotherDatabaseIsRememberedAndReopened(t *testing.T) {
	ui := newTestUI(t)
	other := filepath.Join(t.TempDir(), "第二个.db")
	ui.openDatabase(other)
	if ui.store.Path != other || ui.cis.total != 0 {
		t.Fatalf("after opening: path %s, %d CIs", ui.store.Path, ui.cis.total)
	}
	saved, err := loadSettings(ui.store.SettingsPath, nil)
	if err != nil || len(saved.Recent) < 2 || saved.Recent[0] != other || saved.LastDB != other {
		t.Errorf("settings file after opening: %+v, %v", saved, err)
	}
	// The next start without --db, on the default database, switches to it.
	db := store.MustOpen(t)
	cm, _ := cmdb.NewStore(context.Background(), db)
	again := New(ui.app, Store{Path: db.Path, DB: db, CMDB: cm, SettingsPath: ui.store.SettingsPath})
	if again.store.Path != other {
		t.Errorf("reopened %s, want the last database %s", again.store.Path, other)
	}
	// Named on the command line, the database is kept.
	db2 := store.MustOpen(t)
	cm2, _ := cmdb.NewStore(context.Background(), db2)
	named := New(ui.app, Store{Path: db2.Path, DB: db2, CMDB: cm2, Explicit: true, SettingsPath: ui.store.SettingsPath})
	if named.store.Path != db2.Path {
		t.Errorf("--db database replaced by %s", named.store.Path)
	}
}

func TestExportFromTheWindowReimportsUnchanged(t *testing.T) {
	ui := newFileTestUI(t)
	path := filepath.Join(t.TempDir(), "cmdb.xlsx")
	if _, err := ui.exportCIs(path); err != nil {
		t.Fatal(err)
	}
	res, err := ui.store.CMDB.ImportFile(ui.ctx, path, cmdb.ImportOptions{DryRun: true})
	if err != nil || res.Unchanged != 96 || res.Created+res.Updated != 0 {
		t.Errorf("re-import of the window's export: %d unchanged, %d created, %d updated, %v", res.Unchanged, res.Created, res.Updated, err)
	}
	ui.onCheck()
	if text := dialogText(t, ui); !strings.Contains(text, `No problems found`) {
		t.Errorf("the check shows no result: %q", text)
	}
}

// TestImpactShowsRedundancyAlreadyLost: with one database node under
// maintenance, the impact tab says its partner is a single point of
// failure, and the partner's failure reaches the services.
func TestImpactShowsRedundancyAlreadyLost(t *testing.T) {
	ui := newTestUI(t)
	found, _ := ui.store.CMDB.Search(ui.ctx, "bj-db-02", 1)
	db2, err := ui.store.CMDB.CI(ui.ctx, found[0].Ref)
	if err != nil {
		t.Fatal(err)
	}
	db2.Status = cmdb.StatusMaintenance
	if _, err := ui.store.CMDB.UpdateCI(ui.ctx, db2); err != nil {
		t.Fatal(err)
	}
	c := ui.gotoCIs()
	test.Type(c.search, "bj-db-01")
	c.table.Select(widget.TableCellID{Row: 0, Col: 1})
	c.impactView()
	if text := c.impactExposed.Text; !strings.Contains(text, "bj-db-02 is down, so") || !strings.Contains(text, "bj-db-01 is a single point of failure") {
		t.Errorf("impact tab does not show the lost redundancy: %q", text)
	}
	rep, err := ui.store.CMDB.Impact(ui.ctx, []string{c.selected.Ref}, true, 0)
	if err != nil || rep.TotalServices == 0 {
		t.Errorf("bj-db-01 failing while bj-db-02 is in maintenance reaches %d services: %v", rep.TotalServices, err)
	}
}

// TestRestoreInTheWindow: File → Restore… checks the backup, asks, and
// the window goes on with the restored database.
func TestRestoreInTheWindow(t *testing.T) {
	ui := newFileTestUI(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := ui.store.DB.Backup(ui.ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := ui.store.CMDB.CreateCI(ui.ctx, cmdb.CI{TypeKey: "server", Name: "after-the-backup", Status: cmdb.StatusInService, Criticality: 3}); err != nil {
		t.Fatal(err)
	}
	ui.confirmRestore(backup)
	if text := dialogText(t, ui); !strings.Contains(text, "passes its integrity check") {
		t.Errorf("restore asks: %q", text)
	}
	tapDialog(t, ui, "Restore")
	if found, _ := ui.store.CMDB.Search(ui.ctx, "after-the-backup", 1); len(found) != 0 {
		t.Error("the window still shows the database as it was before the restore")
	}
	if !strings.Contains(ui.status.Text, "kept as") {
		t.Errorf("status after restore: %q", ui.status.Text)
	}
	// A file that is not a backup is refused before anything is replaced.
	notes := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(notes, []byte("hello"), 0o600)
	ui.confirmRestore(notes)
	if text := dialogText(t, ui); !strings.Contains(text, "not a servicebook backup") {
		t.Errorf("restore from a text file: %q", text)
	}
}
