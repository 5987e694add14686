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
	if v == theme.VariantLight {
		// Fyne's light palette is too faint for a working day: a warning
		// in its pale orange and the table grid in near-white are hard to
		// read on white, and its red is short of it. Darker, they pass WCAG AA
		// (4.5:1) on white.
		switch name {
		case theme.ColorNameWarning:
			return color.NRGBA{R: 0xa3, G: 0x4a, B: 0x00, A: 0xff}
		case theme.ColorNameSeparator:
			return color.NRGBA{R: 0xc4, G: 0xc4, B: 0xc4, A: 0xff}
		case theme.ColorNameSuccess:
			return color.NRGBA{R: 0x1b, G: 0x6e, B: 0x2a, A: 0xff}
		case theme.ColorNameError:
			return color.NRGBA{R: 0xc0, G: 0x1f, B: 0x1f, A: 0xff}
		}
	}
	return t.Theme.Color(name, v)
}

func newTheme() *appTheme { return &appTheme{Theme: theme.DefaultTheme()} }
