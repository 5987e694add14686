package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/store"
)

// BenchmarkOpenWindow100k measures what a person waits for on a 100k-CI
// database: open the file, build the window, show the CI list and paint it
// (goal: usable within 1 s).
func BenchmarkOpenWindow100k(b *testing.B) {
	path, err := demo.CachedScaled(100_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	ctx := context.Background()
	for b.Loop() {
		db, err := store.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		cm, err := cmdb.NewStore(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		ui := New(a, Store{Path: path, DB: db, CMDB: cm})
		ui.win.Resize(fyne.NewSize(1280, 800))
		ui.nav.Select(1)
		ui.win.Canvas().Capture()
		b.StopTimer()
		ui.win.Close()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkScrollCIs100k: painting the CI table at a far position, as when
// the scroll bar is dragged (each new page of 200 rows is read on demand).
func BenchmarkScrollCIs100k(b *testing.B) {
	path, err := demo.CachedScaled(100_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cm, _ := cmdb.NewStore(ctx, db)
	ui := New(a, Store{Path: path, DB: db, CMDB: cm})
	ui.win.Resize(fyne.NewSize(1280, 800))
	ui.nav.Select(1)
	c := ui.cis
	row := 0
	for b.Loop() {
		row = (row + 7919) % c.total // jump far, to a page not read yet
		c.table.ScrollTo(widget.TableCellID{Row: row, Col: 0})
		ui.win.Canvas().Capture()
	}
}
