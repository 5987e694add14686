package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Rows a text area shows: at least textAreaMin, growing with its text up to
// textAreaMax, past which it scrolls.
const (
	textAreaMin = 2
	textAreaMax = 12
)

// textArea is a multi-line, word-wrapped entry that grows with its text,
// as the fields of a form on paper do: a plan's scope or a CI's notes are
// read whole, not through a two-line slot.
type textArea struct {
	widget.Entry
	rows int
}

func newTextArea() *textArea {
	a := &textArea{rows: textAreaMin}
	a.MultiLine = true
	a.Wrapping = fyne.TextWrapWord
	a.ExtendBaseWidget(a)
	a.SetMinRowsVisible(a.rows)
	return a
}

// lines is how many rows the text takes at the area's width.
func (a *textArea) lines() int {
	size := a.Theme().Size(theme.SizeNameText)
	width := a.Size().Width - 4*a.Theme().Size(theme.SizeNameInnerPadding)
	n := 0
	for _, para := range strings.Split(a.Text, "\n") {
		rows := 1
		if width > 0 {
			rows = int(fyne.MeasureText(para, size, a.TextStyle).Width/width) + 1
		}
		n += rows
	}
	return n
}

// fit sets the rows shown to the rows the text takes.
func (a *textArea) fit() {
	rows := min(max(a.lines(), textAreaMin), textAreaMax)
	if rows != a.rows {
		a.rows = rows
		a.SetMinRowsVisible(rows)
	}
}

func (a *textArea) SetText(text string) {
	a.Entry.SetText(text)
	a.fit()
}

func (a *textArea) TypedRune(r rune) {
	a.Entry.TypedRune(r)
	a.fit()
}

func (a *textArea) TypedKey(k *fyne.KeyEvent) {
	a.Entry.TypedKey(k)
	a.fit()
}

func (a *textArea) TypedShortcut(s fyne.Shortcut) {
	a.Entry.TypedShortcut(s)
	a.fit()
}

func (a *textArea) Resize(size fyne.Size) {
	a.Entry.Resize(size)
	a.fit()
}
