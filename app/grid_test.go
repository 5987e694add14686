package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
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
