package app

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"

	"servicebook/internal/safefile"
)

// settings are the window's own preferences. They live in one small JSON
// file written through safefile, so that a crash or a full disk while
// saving leaves the previous settings in place. Fyne's preferences file is
// truncated and rewritten in place: a crash there loses the language, the
// last database and the Recent list.
type settings struct {
	Language string   `json:"language,omitempty"`
	Theme    string   `json:"theme,omitempty"` // light, dark or system
	Width    float32  `json:"width,omitempty"`
	Height   float32  `json:"height,omitempty"`
	LastDB   string   `json:"last_database,omitempty"`
	Recent   []string `json:"recent,omitempty"`
	// Columns holds, by table, the widths a user dragged its columns to
	// (zero: never dragged).
	Columns map[string][]float32 `json:"columns,omitempty"`
	// Splits holds, by screen, where a user dragged a divider between
	// panes: the first pane's share of the room.
	Splits map[string]float64 `json:"splits,omitempty"`
}

func defaultSettings() settings { return settings{Theme: "system", Width: 1200, Height: 760} }

// DefaultSettingsPath is settings.json beside the default database, in the
// user's configuration folder.
func DefaultSettingsPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "" // kept for this run only
	}
	return filepath.Join(dir, "servicebook", "settings.json")
}

// loadSettings reads the settings at path. With no file yet it takes what
// an earlier servicebook kept in Fyne's preferences (legacy), so nobody
// loses their language or Recent list on upgrade. A damaged file gives the
// defaults and says so; it is replaced at the next save.
func loadSettings(path string, legacy fyne.Preferences) (settings, error) {
	s := defaultSettings()
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if legacy != nil {
			s.Language = legacy.String(prefLanguage)
			s.Theme = legacy.StringWithFallback(prefTheme, s.Theme)
			s.Width = float32(legacy.FloatWithFallback(prefWidth, float64(s.Width)))
			s.Height = float32(legacy.FloatWithFallback(prefHeight, float64(s.Height)))
			s.LastDB = legacy.String(prefLastDB)
			s.Recent = legacy.StringList(prefRecent)
		}
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return defaultSettings(), err
	}
	if s.Width < 400 || s.Height < 300 {
		s.Width, s.Height = defaultSettings().Width, defaultSettings().Height
	}
	return s, nil
}

// save writes the settings to path; nothing when path is empty.
func (s settings) save(path string) error {
	if path == "" {
		return nil
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return safefile.WriteFile(path, append(data, '\n'))
}
