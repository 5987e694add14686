package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"servicebook/assets"
)

// fontResource is the embedded CJK font, served for every text style:
// WenQuanYi Micro Hei has no bold or italic face, and Fyne's own fonts have
// no Chinese glyphs at all.
var fontResource = fyne.NewStaticResource("wqy-microhei.ttf", assets.Font)

// appTheme is Fyne's default theme with the embedded font and, when the
// person chose one in Settings, a fixed light or dark variant.
type appTheme struct {
	fyne.Theme
	variant *fyne.ThemeVariant // nil: follow the system
}

func (t *appTheme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Monospace || style.Symbol {
		return t.Theme.Font(style)
	}
	return fontResource
}

func (t *appTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	return t.Theme.Color(name, v)
}

func newTheme() *appTheme { return &appTheme{Theme: theme.DefaultTheme()} }
