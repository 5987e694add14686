package app

import (
	"regexp"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// figure matches a cell that is a number to be read in a column of
// numbers: money (1,234.56, -5.00, ¥8,000), counts, percentages (99.95 %,
// +3.2 %). Figures are right-aligned so that their digits line up.
var figure = regexp.MustCompile(`^[-+−]?[¥$€]?\d[\d,]*(\.\d+)?( ?%)?$`)

func isFigure(text string) bool { return figure.MatchString(text) }

// textTable is a read-only table of text with a header row. Figures are
// right-aligned, and so is the header of a column whose first cell is one.
// A table wider than a screen (a column per month) keeps its first column
// in place while the rest scrolls, so each row stays named.
func textTable(header []string, widths []float32, rows func() [][]string) *gridTable {
	return styledTable(header, widths, rows, nil)
}

// styledTable is textTable with a cell's importance (colour) chosen by
// style: an overspend in red, an underspend in green.
func styledTable(header []string, widths []float32, rows func() [][]string, style func(row, col int) widget.Importance) *gridTable {
	t := newGridTable(
		func() (int, int) { return len(rows()), len(header) },
		// Cells show the whole of a cut text when the pointer rests on it.
		func() fyne.CanvasObject { return newTipLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			r := rows()
			l := o.(*tipLabel)
			text := ""
			if id.Row < len(r) && id.Col < len(r[id.Row]) {
				text = r[id.Row][id.Col]
			}
			l.Alignment = fyne.TextAlignLeading
			if isFigure(text) {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.Importance = widget.MediumImportance
			if style != nil {
				l.Importance = style(id.Row, id.Col)
			}
			l.SetText(text)
		})
	if len(header) > 8 {
		t.StickyColumnCount = 1
	}
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col < 0 || id.Col >= len(header) {
			return
		}
		l := o.(*widget.Label)
		l.Alignment = fyne.TextAlignLeading
		if r := rows(); len(r) > 0 && id.Col < len(r[0]) && isFigure(r[0][id.Col]) {
			l.Alignment = fyne.TextAlignTrailing
		}
		l.SetText(header[id.Col])
	}
	t.setWidths(widths)
	return t
}
