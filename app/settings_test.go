package app

import (
	"context"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

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

// TestLightThemeContrast: in the light theme, warnings and success read
// at WCAG AA contrast (4.5:1) on the background, and the table grid shows.
func TestLightThemeContrast(t *testing.T) {
	th := newTheme()
	light := theme.VariantLight
	th.variant = &light
	bg := th.Color(theme.ColorNameBackground, light)
	for _, name := range []fyne.ThemeColorName{theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNameError, theme.ColorNameForeground} {
		if c := contrast(th.Color(name, light), bg); c < 4.5 {
			t.Errorf("%s on the light background: contrast %.2f, want at least 4.5", name, c)
		}
	}
	if c := contrast(th.Color(theme.ColorNameSeparator, light), bg); c < 1.5 {
		t.Errorf("the grid on the light background: contrast %.2f", c)
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		ch := func(v uint32) float64 {
			x := float64(v) / 0xffff
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(bl)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}
