// Package app is servicebook's desktop window (Fyne). It holds no SQL: it
// drives the domain packages, the same code the command line drives.
package app

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"servicebook/assets"
	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/export"
	"servicebook/store"
)

// ID is the application id: preferences and the desktop entry use it.
const ID = "org.servicebook.app"

// The keys an earlier servicebook kept in Fyne's preferences; loadSettings
// reads them once, when there is no settings file yet.
const (
	prefLanguage = "language"
	prefTheme    = "theme"
	prefWidth    = "window.width"
	prefHeight   = "window.height"
	prefLastDB   = "database.last"
	prefRecent   = "database.recent"
)

// Store is the open database the window works on.
type Store struct {
	Path       string
	DB         *store.DB
	CMDB       *cmdb.Store
	Continuity *continuity.Store
	Budget     *budget.Store
	Capacity   *capacity.Store
	SampleData bool   // the database was just created with the sample organisation
	Version    string // shown in Help > About
	Explicit   bool   // named on the command line: do not switch to the last database
	// SettingsPath is the window's settings file (DefaultSettingsPath);
	// empty keeps settings for this run only.
	SettingsPath string
}

// screen is one section of the window, listed in the navigation.
type screen interface {
	title() string
	// view builds the screen's widgets from its state; it is called again
	// after a language change, so that state (unsaved edits included)
	// lives in the screen, not in its widgets.
	view() fyne.CanvasObject
	// reload re-reads the screen's data, after the database changed.
	reload()
}

// UI is the window and everything on it.
type UI struct {
	app     fyne.App
	win     fyne.Window
	store   Store
	prefs   settings
	ctx     context.Context
	theme   *appTheme
	screens []screen
	current int
	// stopWatch ends the following of others' changes (watch); deliver
	// runs what it learns on the window's goroutine (fyne.Do; tests run
	// it on theirs).
	stopWatch context.CancelFunc
	deliver   func(func())

	dashboard *dashboardScreen
	cis       *ciScreen
	baselines *baselineScreen
	types     *typesScreen
	imports   *importScreen
	plans     *plansScreen
	avail     *availabilityScreen
	budget    *budgetScreen
	capacity  *capacityScreen
	audit     *auditScreen
	// configAudits is the configuration audits screen.
	configAudits *configAuditScreen
	offsite      *offsiteScreen

	nav     *widget.List
	content *fyne.Container
	status  *widget.Label

	// background runs work off the UI goroutine and applies its result on
	// it; tests replace it with a synchronous call.
	background func(work func() (apply func()))
}

// New builds the window for the database in s.
func New(a fyne.App, s Store) *UI {
	if s.Continuity == nil && s.DB != nil {
		s.Continuity = continuity.NewStore(s.DB, s.CMDB)
	}
	if s.Budget == nil && s.DB != nil {
		s.Budget = budget.NewStore(s.DB, s.CMDB)
	}
	if s.Capacity == nil && s.DB != nil {
		s.Capacity = capacity.NewStore(s.DB, s.CMDB)
	}
	ui := &UI{app: a, store: s, ctx: store.WithSource(context.Background(), store.SourceGUI), theme: newTheme()}
	var settingsErr error
	ui.prefs, settingsErr = loadSettings(s.SettingsPath, a.Preferences())
	ui.deliver = fyne.Do
	ui.background = func(work func() func()) {
		go func() {
			apply := work()
			fyne.Do(apply)
		}()
	}
	ui.applyThemePreference()
	a.Settings().SetTheme(ui.theme)
	if ui.prefs.Language == "" {
		ui.prefs.Language = systemLanguage()
	}
	setLanguage(ui.prefs.Language)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	ui.win = a.NewWindow("servicebook")
	ui.makeScreens()
	ui.content = container.NewStack()
	ui.status = widget.NewLabel("")
	ui.build()
	ui.win.Resize(fyne.NewSize(ui.prefs.Width, ui.prefs.Height))
	ui.win.SetCloseIntercept(ui.onClose)
	ui.addShortcuts()
	// Without --db the command line opened the default database; the person
	// expects the one they used last.
	if last := ui.prefs.LastDB; !s.Explicit && !s.SampleData && last != "" && last != s.Path {
		if _, err := os.Stat(last); err == nil {
			ui.openDatabase(last)
		}
	}
	ui.remember(ui.store.Path)
	if settingsErr != nil {
		ui.setStatus(trf("Your settings file {{.Path}} could not be read ({{.Err}}); the defaults are used, and the file is written again with them.",
			map[string]any{"Path": s.SettingsPath, "Err": settingsErr.Error()}))
	}
	return ui
}

// saveSettings writes the settings file; a failure is said on the status
// line, since the window works on without it.
func (ui *UI) saveSettings() {
	if err := ui.prefs.save(ui.store.SettingsPath); err != nil {
		ui.setStatus(trf("Settings not saved: {{.Err}}", map[string]any{"Err": err.Error()}))
	}
}

// remember records path as the last database and at the top of Recent.
func (ui *UI) remember(path string) {
	if ui.prefs.LastDB == path && len(ui.prefs.Recent) > 0 && ui.prefs.Recent[0] == path {
		return // as it was: no write at every start
	}
	recent := []string{path}
	for _, p := range ui.prefs.Recent {
		if p != path && len(recent) < 6 {
			recent = append(recent, p)
		}
	}
	ui.prefs.LastDB, ui.prefs.Recent = path, recent
	ui.saveSettings()
}

// makeScreens creates the screens, in navigation order, for the open database.
func (ui *UI) makeScreens() {
	ui.dashboard = &dashboardScreen{ui: ui}
	ui.cis = newCIScreen(ui)
	ui.baselines = &baselineScreen{ui: ui}
	ui.types = newTypesScreen(ui)
	ui.imports = &importScreen{ui: ui}
	ui.plans = &plansScreen{ui: ui}
	ui.avail = &availabilityScreen{ui: ui}
	ui.budget = newBudgetScreen(ui)
	ui.capacity = &capacityScreen{ui: ui, horizon: 180}
	ui.offsite = newOffsiteScreen(ui)
	ui.audit = &auditScreen{ui: ui}
	ui.configAudits = &configAuditScreen{ui: ui}
	ui.screens = []screen{ui.dashboard, ui.cis, ui.baselines, ui.types, ui.imports, ui.plans, ui.avail, ui.budget, ui.capacity, ui.offsite, ui.audit,
		ui.configAudits}
}

// Window returns the main window.
func (ui *UI) Window() fyne.Window { return ui.win }

// ShowAndRun shows the window and runs until it is closed.
func (ui *UI) ShowAndRun() {
	ui.watch() // the running window follows others' changes (tests start it themselves)
	if ui.store.SampleData {
		ui.showSampleBanner()
	}
	ui.win.ShowAndRun()
}

// build (re)creates everything visible from the UI's state: after start,
// a language change or a new database.
func (ui *UI) build() {
	ui.win.SetTitle(fmt.Sprintf("servicebook — %s", filepath.Base(ui.store.Path)))
	ui.win.SetMainMenu(ui.menu())
	ui.nav = widget.NewList(
		func() int { return len(ui.screens) },
		func() fyne.CanvasObject { return widget.NewLabel("Configuration items") },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(ui.screens[id].title()) },
	)
	ui.nav.OnSelected = func(id widget.ListItemID) { ui.show(id) }
	ui.status.SetText(trf("Database: {{.Path}}", map[string]any{"Path": ui.store.Path}))
	// The navigation has a fixed width, wide enough for its longest name
	// in either language: a split there only added a handle that looks
	// like a text cursor.
	navWidth := canvas.NewRectangle(color.Transparent)
	navWidth.SetMinSize(fyne.NewSize(170, 0))
	nav := container.NewBorder(nil, nil, nil, widget.NewSeparator(), container.NewStack(navWidth, ui.nav))
	ui.win.SetContent(container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), ui.status), nav, nil, ui.content))
	ui.nav.Select(ui.current)
	ui.show(ui.current)
}

func (ui *UI) show(i int) {
	if i != ui.current {
		// A message such as "Not saved: …" belongs to the screen that raised
		// it; carried onto another screen it would point at fields not there.
		ui.status.SetText(trf("Database: {{.Path}}", map[string]any{"Path": ui.store.Path}))
	}
	if e, ok := ui.screens[i].(entering); ok && i != ui.current {
		e.enter()
	}
	ui.current = i
	ui.content.Objects = []fyne.CanvasObject{ui.screens[i].view()}
	ui.content.Refresh()
}

// entering is a screen that reads its records afresh each time it is
// brought up from another screen (not when it redraws itself).
type entering interface{ enter() }

// showScreen brings screen s up and selects it in the navigation.
func (ui *UI) showScreen(s screen) {
	i := ui.indexOf(s)
	if i < 0 || (i == ui.current && len(ui.content.Objects) > 0) {
		return // already there: rebuilding would drop the cursor and selection
	}
	ui.nav.Select(i)
	ui.show(i)
}

// clearStatus takes a message off the status line, back to the database.
func (ui *UI) clearStatus() {
	ui.status.SetText(trf("Database: {{.Path}}", map[string]any{"Path": ui.store.Path}))
}

// setStatus shows a short message in the status line.
func (ui *UI) setStatus(msg string) {
	ui.status.SetText(msg + "    —    " + trf("Database: {{.Path}}", map[string]any{"Path": ui.store.Path}))
}

// showError shows an error as the person should read it; internal detail
// goes to the log.
func (ui *UI) showError(err error) {
	if store.ErrorCode(err) == store.EInternal {
		fyne.LogError("servicebook", err)
	}
	dialog.ShowError(fmt.Errorf("%s", errText(err)), ui.win)
}

func (ui *UI) showSampleBanner() {
	dialog.ShowInformation(tr("Sample data"),
		tr("This database was created with a sample organisation so that you can try servicebook out.\nTo start with an empty database, choose File > New database…"), ui.win)
}

func (ui *UI) menu() *fyne.MainMenu {
	langItem := func(label, code string) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() { ui.SetLanguage(code) })
		it.Checked = currentLanguage == code
		return it
	}
	themeItem := func(label, value string) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, func() { ui.setThemePreference(value) })
		it.Checked = ui.prefs.Theme == value
		return it
	}
	language := fyne.NewMenuItem(tr("Language"), nil)
	language.ChildMenu = fyne.NewMenu("", langItem("English", English), langItem("简体中文", Chinese))
	th := fyne.NewMenuItem(tr("Theme"), nil)
	th.ChildMenu = fyne.NewMenu("", themeItem(tr("Light"), "light"), themeItem(tr("Dark"), "dark"), themeItem(tr("System"), "system"))
	recent := fyne.NewMenuItem(tr("Recent"), nil)
	var recentItems []*fyne.MenuItem
	for _, p := range ui.prefs.Recent {
		p := p
		open := func() { ui.openDatabase(p) }
		if store.IsPostgres(p) { // kept without its password: ask for it again
			open = func() { ui.onConnectServer(p) }
		}
		recentItems = append(recentItems, fyne.NewMenuItem(p, open))
	}
	if len(recentItems) == 0 {
		none := fyne.NewMenuItem(tr("None"), nil)
		none.Disabled = true
		recentItems = append(recentItems, none)
	}
	recent.ChildMenu = fyne.NewMenu("", recentItems...)
	quit := fyne.NewMenuItem(tr("Quit"), func() { ui.onClose() })
	quit.IsQuit = true
	return fyne.NewMainMenu(
		ui.fileMenu(recent, quit),
		ui.editMenu(),
		fyne.NewMenu(tr("Settings"), language, th),
		fyne.NewMenu(tr("Help"), fyne.NewMenuItem(tr("About servicebook"), ui.onAbout)),
	)
}

// The window's shortcuts, on the Edit menu. The desktop driver runs a
// main menu item's shortcut before the focused widget sees the keys, so
// Ctrl+F reaches the search box even while an entry has the cursor (a
// shortcut added to the canvas is swallowed by a focused entry, and the
// text meant for the search lands in the field being edited).
var (
	findShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	newShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	saveShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
)

func (ui *UI) editMenu() *fyne.Menu {
	item := func(label string, s fyne.Shortcut, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, fn)
		it.Shortcut = s
		return it
	}
	return fyne.NewMenu(tr("Edit"),
		item(tr("Find CI…"), findShortcut, ui.onFind),
		item(tr("New CI"), newShortcut, ui.onNewCI),
		item(tr("Save"), saveShortcut, ui.onSaveShortcut),
	)
}

// onFind brings up the CI list with the cursor in the search box, its text
// selected so that what is typed next replaces it.
func (ui *UI) onFind() {
	ui.showScreen(ui.cis)
	ui.cis.focusSearch()
}

// onNewCI opens a new CI with the cursor in its first field.
func (ui *UI) onNewCI() {
	ui.showScreen(ui.cis)
	ui.cis.onNew()
	ui.cis.focusFirstField()
}

// onSaveShortcut saves the form of the screen shown, where there is one.
func (ui *UI) onSaveShortcut() {
	if ui.current == ui.indexOf(ui.cis) {
		ui.cis.onSave()
	}
}

func (ui *UI) indexOf(s screen) int {
	for i, sc := range ui.screens {
		if sc == s {
			return i
		}
	}
	return -1
}

func (ui *UI) fileMenu(recent, quit *fyne.MenuItem) *fyne.Menu {
	return fyne.NewMenu(tr("File"),
		fyne.NewMenuItem(tr("New database…"), ui.onNewDatabase),
		fyne.NewMenuItem(tr("Open…"), ui.onOpenDatabase),
		fyne.NewMenuItem(tr("Connect to server…"), func() { ui.onConnectServer("") }),
		recent,
		fyne.NewMenuItem(tr("Back up…"), ui.onBackup),
		fyne.NewMenuItem(tr("Restore…"), ui.onRestore),
		fyne.NewMenuItem(tr("Export CIs…"), ui.onExport),
		fyne.NewMenuItem(tr("Export off-site pack…"), func() { ui.showScreen(ui.offsite) }),
		fyne.NewMenuItem(tr("Check database"), ui.onCheck),
		fyne.NewMenuItemSeparator(),
		quit)
}

// SetLanguage switches the window to language (English or Chinese) at once.
// Unsaved edits survive: screens keep them in their state and rebuild.
func (ui *UI) SetLanguage(language string) {
	ui.prefs.Language = language
	ui.saveSettings()
	setLanguage(language)
	ui.build()
}

func (ui *UI) applyThemePreference() {
	var v *fyne.ThemeVariant
	switch ui.prefs.Theme {
	case "light":
		light := theme.VariantLight
		v = &light
	case "dark":
		dark := theme.VariantDark
		v = &dark
	}
	ui.theme.variant = v
}

func (ui *UI) setThemePreference(value string) {
	ui.prefs.Theme = value
	ui.saveSettings()
	ui.applyThemePreference()
	// A new theme value makes Fyne repaint everything with it.
	t := *ui.theme
	ui.theme = &t
	ui.app.Settings().SetTheme(ui.theme)
	ui.win.SetMainMenu(ui.menu())
}

// addShortcuts registers the Edit menu's shortcuts on the canvas as well,
// for drivers that do not give main menu shortcuts first go, and Esc
// (no modifier, so no menu shortcut) to cancel the CI being edited.
func (ui *UI) addShortcuts() {
	for s, fn := range map[*desktop.CustomShortcut]func(){findShortcut: ui.onFind, newShortcut: ui.onNewCI, saveShortcut: ui.onSaveShortcut} {
		ui.win.Canvas().AddShortcut(s, func(fyne.Shortcut) { fn() })
	}
	ui.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape && ui.current == ui.indexOf(ui.cis) {
			ui.cis.onCancel()
		}
	})
}

func (ui *UI) onClose() {
	size := ui.win.Canvas().Size()
	ui.prefs.Width, ui.prefs.Height = size.Width, size.Height
	ui.saveSettings()
	if ui.cis.dirty() {
		ui.confirm(tr("Unsaved changes"), tr("The CI you are editing has unsaved changes. Quit anyway?"),
			tr("Quit"), func(quit bool) {
				if quit {
					ui.win.Close()
				}
			})
		return
	}
	ui.win.Close()
}

// openDatabase switches the window to another database file.
func (ui *UI) openDatabase(path string) {
	db, err := store.OpenWith(ui.ctx, path, true, store.WindowOptions())
	if err != nil {
		ui.showError(err)
		return
	}
	cm, err := cmdb.NewStore(ui.ctx, db)
	if err != nil {
		db.Close()
		ui.showError(err)
		return
	}
	if ui.store.DB != nil {
		ui.store.DB.Close()
	}
	ui.store = Store{Path: db.Path, DB: db, CMDB: cm, Continuity: continuity.NewStore(db, cm), Budget: budget.NewStore(db, cm), Capacity: capacity.NewStore(db, cm), Version: ui.store.Version, Explicit: ui.store.Explicit, SettingsPath: ui.store.SettingsPath}
	ui.remember(db.Path)
	ui.makeScreens()
	ui.build()
	if ui.stopWatch != nil { // following the database: follow this one now
		ui.watch()
	}
}

func (ui *UI) onNewDatabase() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		// The file dialog creates an empty file; store.Open treats an empty
		// file as new.
		ui.openDatabase(path)
	}, ui.win)
	d.SetFileName("servicebook.db")
	d.Show()
}

func (ui *UI) onOpenDatabase() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		ui.openDatabase(path)
	}, ui.win)
}

func (ui *UI) onBackup() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		// The dialog created the file; the backup refuses to overwrite, so
		// the empty placeholder goes first.
		removeEmpty(path)
		if err := ui.store.DB.Backup(ui.ctx, path); err != nil {
			ui.showError(err)
			return
		}
		ui.setStatus(trf("Backed up to {{.Path}}", map[string]any{"Path": path}))
	}, ui.win)
	d.SetFileName("servicebook-backup-" + time.Now().Format("20060102-1504") + ".db")
	d.Show()
}

// write runs a write off the UI goroutine and then done with its error, on
// the UI goroutine. When another servicebook holds the file's write lock
// (an import), the write waits for it, up to 10 s: the window says so
// instead of freezing, and button is off until the answer comes. What the
// person typed stays in the form whatever the answer.
func (ui *UI) write(button *widget.Button, work func() error, done func(error)) {
	if button != nil {
		button.Disable()
	}
	ui.setStatus(tr("Saving… (if another servicebook is writing to this file, this waits for it, up to 10 s)"))
	ui.background(func() func() {
		err := work()
		return func() {
			if button != nil {
				button.Enable()
			}
			done(err)
		}
	})
}

// save is write for the common case: on failure the window says "Not
// saved." and why; on success then runs (on the UI goroutine).
func (ui *UI) save(button *widget.Button, work func() error, then func()) {
	ui.write(button, work, func(err error) {
		if err != nil {
			ui.setStatus(tr("Not saved."))
			ui.showError(err)
			return
		}
		then()
	})
}

// onRestore asks for a backup, checks it, and asks before it replaces the
// open database with it.
func (ui *UI) onRestore() {
	if ui.store.DB != nil && ui.store.DB.Dialect == store.Postgres {
		ui.showError(store.Errorf(store.EInvalid, "%s is on a server: restore replaces a database file. To put a backup on the server, use servicebook migrate --from BACKUP --to the server's address --replace.", ui.store.Path))
		return
	}
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		ui.confirmRestore(path)
	}, ui.win)
}

// confirmRestore checks the backup at path and asks before restoring it.
func (ui *UI) confirmRestore(path string) {
	if _, err := store.CheckBackup(ui.ctx, path); err != nil {
		ui.showError(err)
		return
	}
	ui.confirm(tr("Restore"), trf("{{.Backup}} passes its integrity check. Replace {{.Path}} with it? The database as it is now is kept beside it.",
		map[string]any{"Backup": path, "Path": ui.store.Path}), tr("Restore"), func(ok bool) {
		if ok {
			ui.restoreFrom(path)
		}
	})
}

// restoreFrom replaces the open database with the backup at path and
// opens the restored database.
func (ui *UI) restoreFrom(path string) {
	target := ui.store.Path
	ui.store.DB.Close()
	kept, err := store.Restore(ui.ctx, target, path, time.Now())
	ui.openDatabase(target)
	if err != nil {
		ui.showError(err)
		return
	}
	ui.setStatus(trf("Restored from {{.Backup}}; the database as it was is kept as {{.Kept}}", map[string]any{"Backup": path, "Kept": kept}))
}

func (ui *UI) onAbout() {
	dialog.ShowInformation(tr("About servicebook"),
		trf("servicebook {{.Version}}\nCMDB, continuity and availability, and service budgets for ISO/IEC 20000.\nDatabase: {{.Path}}",
			map[string]any{"Version": ui.store.Version, "Path": ui.store.Path}), ui.win)
}

// removeEmpty removes path if it is an empty file: the placeholder a save
// dialog creates before the real file is written.
func removeEmpty(path string) {
	if info, err := os.Stat(path); err == nil && info.Size() == 0 {
		os.Remove(path)
	}
}

// onExport writes every CI and relation to an XLSX workbook (or CSV files),
// off the UI goroutine: 100k CIs take a few seconds.
func (ui *UI) onExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		ui.setStatus(tr("Exporting…"))
		ui.background(func() func() {
			paths, err := ui.exportCIs(path)
			return func() {
				if err != nil {
					ui.showError(err)
					return
				}
				ui.setStatus(trf("Exported to {{.Path}}", map[string]any{"Path": strings.Join(paths, ", ")}))
			}
		})
	}, ui.win)
	d.SetFileName("cmdb-" + time.Now().Format("20060102") + ".xlsx")
	d.Show()
}

func (ui *UI) exportCIs(path string) ([]string, error) {
	out, err := export.CIs(ui.ctx, path, ui.store.CMDB)
	return out.Paths, err
}

// onCheck runs the database's integrity and reference checks.
func (ui *UI) onCheck() {
	rep, err := ui.store.DB.Check(ui.ctx)
	if err != nil {
		ui.showError(err)
		return
	}
	if rep.OK() {
		dialog.ShowInformation(tr("Check database"), tr("No problems found (integrity check and references)."), ui.win)
		return
	}
	lines := append(append([]string{}, rep.Integrity...), rep.ForeignKeys...)
	dialog.ShowInformation(tr("Check database"),
		tr("Problems found; restore a backup or ask for help before changing anything:")+"\n"+strings.Join(lines, "\n"), ui.win)
}
