package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// gridTable is a Fyne table whose column widths, once a user drags them,
// are kept: the screen that built it is rebuilt every time it is shown,
// and a width that springs back after every visit makes resizing useless.
//
// Fyne's table resizes a column itself when its header divider is dragged
// but says nothing about it. The header cells are laid out at their
// column's width as soon as a width changes, so at the end of a drag the
// widths are read back from the header cells the table shows.
type gridTable struct {
	widget.Table

	// headerOf is the header cell showing each visible column; the table
	// recycles header cells, so a cell leaves the map when it moves on.
	headerOf  map[int]fyne.CanvasObject
	columnOf  map[fyne.CanvasObject]int
	widths    []float32
	onResized func(widths []float32)
}

// newGridTable is widget.NewTableWithHeaders with no row numbers.
func newGridTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *gridTable {
	g := &gridTable{headerOf: map[int]fyne.CanvasObject{}, columnOf: map[fyne.CanvasObject]int{}}
	// Fyne 2.7's table, laid out before it has a height, takes every row as
	// visible and makes a divider for each, which it keeps: a 100k-row
	// table held 100k separators (80 MB). Until it has room for a row it
	// is told it has none; the layout that gives it room reads the length
	// again.
	g.Length = func() (int, int) {
		rows, cols := length()
		if g.Size().Height < 2*g.Theme().Size(theme.SizeNameText) {
			rows = 0
		}
		return rows, cols
	}
	g.CreateCell, g.UpdateCell = create, update
	g.ShowHeaderRow = true
	g.ExtendBaseWidget(g)
	return g
}

// setWidths sets the columns' widths; a zero keeps the table's default.
func (g *gridTable) setWidths(widths []float32) {
	for i, w := range widths {
		if w > 0 {
			g.SetColumnWidth(i, w)
		}
	}
	g.widths = append(g.widths[:0], widths...)
}

// trackHeaders notes which header cell shows which column, around the
// table's own UpdateHeader. Call it once the header is set up.
func (g *gridTable) trackHeaders() {
	update := g.UpdateHeader
	g.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if update != nil {
			update(id, o)
		}
		if id.Col < 0 {
			return
		}
		if old, ok := g.columnOf[o]; ok && g.headerOf[old] == o {
			delete(g.headerOf, old)
		}
		g.columnOf[o] = id.Col
		g.headerOf[id.Col] = o
	}
}

// DragEnd finishes Fyne's column resize and reports the new widths.
func (g *gridTable) DragEnd() {
	g.Table.DragEnd()
	changed := false
	for col, o := range g.headerOf {
		w := o.Size().Width
		if w <= 0 {
			continue
		}
		for len(g.widths) <= col {
			g.widths = append(g.widths, 0)
		}
		if g.widths[col] != w {
			g.widths[col] = w
			changed = true
		}
	}
	if changed && g.onResized != nil {
		g.onResized(append([]float32(nil), g.widths...))
	}
}
