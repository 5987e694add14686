package app

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// dragDivider drags the divider at the right of column col of table's
// header by dx, the way a mouse does: over it, press, move, release.
func dragDivider(table *gridTable, right, dx float32) {
	at := fyne.NewPos(right+1, 5)
	table.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}})
	table.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at}, Button: desktop.MouseButtonPrimary})
	to := at.AddXY(dx, 0)
	table.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: to}, Dragged: fyne.NewDelta(dx, 0)})
	table.DragEnd()
	table.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: to}, Button: desktop.MouseButtonPrimary})
}

// TestDraggedColumnKeepsItsWidth: a column the user widened is as wide
// when the screen is shown again and at the next start of the program.
func TestDraggedColumnKeepsItsWidth(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	first := ciColumns[0].width
	dragDivider(c.table, first, 60)
	want := first + 60
	if got := ui.prefs.Columns["cis"]; len(got) == 0 || got[0] != want {
		t.Fatalf("widths kept after the drag: %v, want the first %v", got, want)
	}

	ui.nav.Select(0)
	c = ui.gotoCIs()
	if cell, ok := c.table.headerOf[0]; !ok || cell.Size().Width != want {
		t.Errorf("after showing the CIs again the first column is %v wide, want %v", c.table.headerOf[0].Size().Width, want)
	}
	if cell := c.table.headerOf[1]; cell == nil || cell.Size().Width != ciColumns[1].width {
		t.Errorf("a column never dragged changed width: %v, want %v", cell.Size().Width, ciColumns[1].width)
	}

	next := reopen(t, ui)
	if got := next.prefs.Columns["cis"]; len(got) == 0 || got[0] != want {
		t.Errorf("at the next start: %v", got)
	}

	// A plain text table (the plan list) keeps its widths the same way.
	ui.nav.Select(ui.indexOf(ui.plans))
	dragDivider(ui.plans.table, 100, -30)
	if got := ui.prefs.Columns["plans"]; len(got) == 0 || got[0] != 70 {
		t.Errorf("plan list widths kept: %v, want the first 70", got)
	}
}

// TestImpactGraphKeepsServicesInView: at the width of a 1024-wide window the
// business services a failure reaches (the rightmost column, the answer)
// are drawn inside the view, not cut off at its right edge.
func TestImpactGraphKeepsServicesInView(t *testing.T) {
	ui := newTestUI(t)
	san, err := ui.store.CMDB.Search(ui.ctx, "bj-san-01", 1)
	if err != nil || len(san) != 1 {
		t.Fatalf("bj-san-01: %v %v", san, err)
	}
	rep, err := ui.store.CMDB.Impact(ui.ctx, []string{san[0].Ref}, true, 500)
	if err != nil {
		t.Fatal(err)
	}
	graph := impactGraph(rep).(*container.Scroll)
	w := test.NewWindow(graph)
	defer w.Close()
	const width = 820
	w.Resize(fyne.NewSize(width, 300))
	layout := graph.Content.(*fyne.Container).Layout.(*graphLayout)
	if layout.maxDepth < 3 {
		t.Fatalf("the SAN's failure is drawn %d columns deep; the test needs a deep graph", layout.maxDepth+1)
	}
	services := 0
	for _, n := range layout.nodes {
		right := n.box.Position().X + n.box.Size().Width
		if right > width {
			t.Errorf("%s ends at %v, outside the %v-wide view", n.label, right, width)
		}
		if !strings.HasPrefix(n.text.Text, n.ref) {
			t.Errorf("the box of %s shows %q, not its reference whole", n.ref, n.text.Text)
		}
		if n.service {
			services++
			shown := strings.TrimSuffix(n.text.Text, "…")
			if !strings.HasPrefix(n.label, shown) || len([]rune(shown)) < len("CI-000000  ")+2 {
				t.Errorf("the service %q is cut to %q", n.label, n.text.Text)
			}
		}
		if got := fyne.MeasureText(n.text.Text, n.text.TextSize, fyne.TextStyle{}).Width; got > n.box.Size().Width {
			t.Errorf("%q (%v wide) overflows its box (%v)", n.text.Text, got, n.box.Size().Width)
		}
	}
	if services == 0 {
		t.Error("no service drawn")
	}
}

// splitIn is the first divided pane in o's tree.
func splitIn(o fyne.CanvasObject) *splitPane {
	switch v := o.(type) {
	case *splitPane:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if s := splitIn(c); s != nil {
				return s
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			if s := splitIn(c); s != nil {
				return s
			}
		}
	}
	return nil
}

// TestDividerMovesIsKeptAndLooksLikeOne: dragging the divider between the
// CI list and its detail moves it, the place is kept for the next showing
// and the next start, and the divider draws no bar in the text colour
// (which users took for a text cursor).
func TestDividerMovesIsKeptAndLooksLikeOne(t *testing.T) {
	ui := newTestUI(t)
	ui.gotoCIs()
	sp := splitIn(ui.win.Content())
	if sp == nil {
		t.Fatal("no divider on the CI screen")
	}
	before := sp.leading.Size().Height
	sp.divider.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(0, 40)})
	sp.divider.Dragged(&fyne.DragEvent{Dragged: fyne.NewDelta(0, 40)})
	sp.divider.DragEnd()
	if got := sp.leading.Size().Height; got != before+80 {
		t.Errorf("the list is %v high after dragging 80 down from %v", got, before)
	}
	kept, ok := ui.prefs.Splits["cis"]
	if !ok || kept != sp.offset {
		t.Fatalf("divider kept at %v (%v), now at %v", kept, ok, sp.offset)
	}

	ui.nav.Select(0)
	ui.gotoCIs()
	if again := splitIn(ui.win.Content()); again == sp || again.offset != kept || again.leading.Size().Height != before+80 {
		t.Errorf("shown again, the divider is at %v (%v high), want %v", again.offset, again.leading.Size().Height, kept)
	}
	if next := reopen(t, ui); next.prefs.Splits["cis"] != kept {
		t.Errorf("at the next start the divider is at %v", next.prefs.Splits["cis"])
	}

	fg := theme.Color(theme.ColorNameForeground)
	for _, o := range test.WidgetRenderer(sp.divider).Objects() {
		var fill color.Color
		switch v := o.(type) {
		case *canvas.Rectangle:
			fill = v.FillColor
		case *canvas.Circle:
			fill = v.FillColor
		}
		if fill == fg {
			t.Errorf("the divider draws %T in the text colour", o)
		}
	}
}

// TestTextAreaGrowsWithItsText: a multi-line field shows all it holds, up
// to textAreaMax rows, whether the text is typed, pasted or loaded, and
// long lines count as the rows they wrap to.
func TestTextAreaGrowsWithItsText(t *testing.T) {
	test.NewTempApp(t)
	area := newTextArea()
	w := test.NewWindow(container.NewVBox(area))
	defer w.Close()
	w.Resize(fyne.NewSize(400, 600))
	empty := area.MinSize().Height

	area.SetText("1. Fail over the database\n2. Point the DNS at Shanghai\n3. Tell the branches")
	three := area.MinSize().Height
	if three <= empty {
		t.Fatalf("three lines: %v high, empty: %v", three, empty)
	}
	test.Type(area, "\n4. Check the card payments\n5. Write the log")
	five := area.MinSize().Height
	if five <= three || area.rows != 5 {
		t.Errorf("typed to five lines: %v high (%d rows), three lines: %v", five, area.rows, three)
	}
	long := strings.Repeat("北京主数据中心 Beijing DC ", 12) // one paragraph, several rows at 400 wide
	area.SetText(long)
	if area.rows < 3 {
		t.Errorf("a long paragraph at 400 wide shows %d rows", area.rows)
	}
	area.SetText(strings.Repeat("line\n", 40))
	if area.rows != textAreaMax {
		t.Errorf("forty lines show %d rows, want the most, %d", area.rows, textAreaMax)
	}
	area.SetText("")
	if area.rows != textAreaMin || area.MinSize().Height != empty {
		t.Errorf("emptied: %d rows, %v high, want %d and %v", area.rows, area.MinSize().Height, textAreaMin, empty)
	}
}
