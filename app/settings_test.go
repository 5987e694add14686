package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicebook/cmdb"
	"servicebook/store"
)

// reopen starts a second window on a fresh database with ui's settings
// file, as the next start of the program would.
func reopen(t *testing.T, ui *UI) *UI {
	t.Helper()
	db := store.MustOpen(t)
	cm, err := cmdb.NewStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return New(ui.app, Store{Path: db.Path, DB: db, CMDB: cm, Explicit: true, SettingsPath: ui.store.SettingsPath})
}

// TestSettingsSurviveARestart: language and theme chosen in the window are
// there at the next start; the file is private and written whole.
func TestSettingsSurviveARestart(t *testing.T) {
	ui := newTestUI(t)
	ui.SetLanguage(Chinese)
	ui.setThemePreference("dark")
	next := reopen(t, ui)
	if next.prefs.Language != Chinese || next.prefs.Theme != "dark" || currentLanguage != Chinese {
		t.Errorf("after a restart: %+v (language in use %s)", next.prefs, currentLanguage)
	}
	info, err := os.Stat(ui.store.SettingsPath)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("settings file: %v, %v", info, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(ui.store.SettingsPath), ".*.tmp"))
	if len(left) != 0 {
		t.Errorf("temporary files left beside the settings: %v", left)
	}
}

// TestDamagedSettingsFileGivesDefaultsAndSaysSo: a settings file cut short
// (a crash of an older version, a full disk) does not stop the window: the
// defaults are used, the status line says so, and the next save rewrites it.
func TestDamagedSettingsFileGivesDefaultsAndSaysSo(t *testing.T) {
	ui := newTestUI(t)
	if err := os.WriteFile(ui.store.SettingsPath, []byte(`{"language": "zh_Hans", "rec`), 0o600); err != nil {
		t.Fatal(err)
	}
	next := reopen(t, ui)
	if !strings.Contains(next.status.Text, "could not be read") || next.prefs.Theme != "system" {
		t.Errorf("status %q, settings %+v", next.status.Text, next.prefs)
	}
	if again, err := loadSettings(ui.store.SettingsPath, nil); err != nil || again.LastDB != next.store.Path {
		t.Errorf("the damaged file was not rewritten: %+v, %v", again, err)
	}
}

// TestSettingsTakenOverFromFynePreferences: someone upgrading keeps their
// language and Recent list, which an earlier version kept in Fyne's
// preferences.
func TestSettingsTakenOverFromFynePreferences(t *testing.T) {
	ui := newTestUI(t)
	ui.app.Preferences().SetString(prefLanguage, Chinese)
	ui.app.Preferences().SetStringList(prefRecent, []string{"/srv/一号.db"})
	got, err := loadSettings(filepath.Join(t.TempDir(), "settings.json"), ui.app.Preferences())
	if err != nil || got.Language != Chinese || len(got.Recent) != 1 || got.Recent[0] != "/srv/一号.db" {
		t.Errorf("taken over: %+v, %v", got, err)
	}
}
