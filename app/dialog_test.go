package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// walk visits every object under o, widgets' rendered parts included.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	visit(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, visit)
		}
	}
}

// dialogText is every text the top dialog shows, as a person reads it.
func dialogText(t *testing.T, ui *UI) string {
	t.Helper()
	top := ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is showing")
	}
	var texts []string
	walk(top, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			texts = append(texts, x.Text)
		case *widget.RichText:
			texts = append(texts, x.String())
		}
	})
	return strings.Join(texts, "\n")
}

// tapDialog taps the button labelled label in the topmost dialog that
// has one (a picker's list may lie over the dialog).
func tapDialog(t *testing.T, ui *UI, label string) {
	t.Helper()
	top := ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog is showing to tap %q in", label)
	}
	var found *widget.Button
	overlays := ui.win.Canvas().Overlays().List()
	for i := len(overlays) - 1; i >= 0 && found == nil; i-- {
		walk(overlays[i], func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == label && found == nil {
				found = b
			}
		})
	}
	if found == nil {
		t.Fatalf("the dialog has no %q button:\n%s", label, dialogText(t, ui))
	}
	test.Tap(found)
}
