// Package assets holds the files servicebook embeds: the font that renders
// Latin and Chinese on a machine without Chinese fonts (used by the window
// and, later, by the PDF writer), and the translations.
package assets

import "embed"

// Font is WenQuanYi Micro Hei (Apache-2.0, see fonts/LICENSE-wqy-microhei.txt),
// one face extracted from Debian's .ttc collection: Fyne's theme cannot use
// a collection.
//
//go:embed fonts/wqy-microhei.ttf
var Font []byte

// Translations holds en.json and zh_Hans.json in Fyne's lang format.
//
//go:embed translations/*.json
var Translations embed.FS

// Icon is the application icon (window, desktop entry, packages).
//
//go:embed icon.png
var Icon []byte
