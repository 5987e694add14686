package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on cut text before the whole of
// it shows.
const tipDelay = 600 * time.Millisecond

// tipLabel is a label that, when its text is cut ("…") and the pointer
// rests on it, shows the whole text in a tooltip beside it: a table cell,
// a list row, a dashboard reason can be read whole without widening
// anything. Fyne 2.7 has no tooltips of its own.
type tipLabel struct {
	widget.Label
	tip   *widget.PopUp
	timer *time.Timer
	at    fyne.Position // where the pointer came in, in the label
}

func newTipLabel(text string) *tipLabel {
	l := &tipLabel{}
	l.Text = text
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// cut reports whether the label's text does not fit its width.
func (l *tipLabel) cut() bool {
	if l.Text == "" {
		return false
	}
	full := fyne.MeasureText(l.Text, l.Theme().Size("text"), l.TextStyle)
	return full.Width+2*l.Theme().Size("innerPadding") > l.Size().Width
}

func (l *tipLabel) MouseIn(e *desktop.MouseEvent) {
	l.at = e.Position
	if l.timer != nil {
		l.timer.Stop()
	}
	l.timer = time.AfterFunc(tipDelay, func() { fyne.Do(l.showTip) })
}

func (l *tipLabel) MouseMoved(e *desktop.MouseEvent) { l.at = e.Position }

func (l *tipLabel) MouseOut() {
	if l.timer != nil {
		l.timer.Stop()
	}
	l.hideTip()
}

// showTip shows the whole text under the pointer, if it is cut.
func (l *tipLabel) showTip() {
	if !l.cut() {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(l)
	if c == nil {
		return
	}
	text := widget.NewLabel(l.Text)
	text.Wrapping = fyne.TextWrapWord
	width := min(fyne.MeasureText(l.Text, l.Theme().Size("text"), l.TextStyle).Width+4*l.Theme().Size("innerPadding"), 520)
	text.Resize(fyne.NewSize(width, 10))
	size := fyne.NewSize(width, text.MinSize().Height)
	if l.tip == nil {
		l.tip = widget.NewPopUp(text, c)
	} else {
		l.tip.Content = text
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l).Add(l.at).Add(fyne.NewPos(8, 16))
	// Kept inside the window.
	pos.X = max(0, min(pos.X, c.Size().Width-size.Width))
	pos.Y = max(0, min(pos.Y, c.Size().Height-size.Height))
	l.tip.Resize(size)
	l.tip.ShowAtPosition(pos)
}

func (l *tipLabel) hideTip() {
	if l.tip != nil {
		l.tip.Hide()
	}
}

var _ desktop.Hoverable = (*tipLabel)(nil)
