package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/store"
)

// countSeparators counts the separators in o's rendered tree.
func countSeparators(o fyne.CanvasObject) int {
	n := 0
	switch v := o.(type) {
	case *widget.Separator:
		return 1
	case *fyne.Container:
		for _, c := range v.Objects {
			n += countSeparators(c)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			n += countSeparators(c)
		}
	}
	return n
}

// TestLargeCIListKeepsFewWidgets: on a CMDB of thousands of CIs the CI
// table holds widgets for the rows it shows, not a divider per CI (Fyne's
// table makes one for every row when laid out before it has a height).
func TestLargeCIListKeepsFewWidgets(t *testing.T) {
	ctx := context.Background()
	db := store.MustOpen(t)
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Scaled(ctx, cm, 4000, 1); err != nil {
		t.Fatal(err)
	}
	ui := New(test.NewTempApp(t), Store{Path: db.Path, DB: db, CMDB: cm, SettingsPath: filepath.Join(t.TempDir(), "settings.json")})
	ui.win.Resize(fyne.NewSize(1280, 800))
	ui.win.Show()
	c := ui.gotoCIs()
	if c.total < 4000 {
		t.Fatalf("the list counts %d CIs", c.total)
	}
	if n := countSeparators(c.table); n > 300 {
		t.Errorf("the CI table holds %d separators for %d CIs", n, c.total)
	}
	if markup := test.RenderObjectToMarkup(c.table); !strings.Contains(markup, "CI-000001") {
		t.Error("the table shows no rows once it has room")
	}
	c.table.ScrollTo(widget.TableCellID{Row: c.total - 1, Col: 0})
	if markup := test.RenderObjectToMarkup(c.table); !strings.Contains(markup, "CI-004000") && !strings.Contains(markup, "CI-0040") {
		t.Error("the last CI is not shown after scrolling to it")
	}
}
