package export

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/demo"
	"servicebook/store"
)

// BenchmarkWorkbook100k writes the full workbook of the 100k-CI / ~490k
// relation benchmark CMDB and, in the same run, a bare excelize
// StreamWriter writing the same CI and relation cells, already in memory:
// the figure to read is the ratio (goal ≤ 1.2).
func BenchmarkWorkbook100k(b *testing.B) {
	ctx := context.Background()
	db, cm := openBench100k(b)
	src := Sources{CMDB: cm, Continuity: continuity.NewStore(db, cm), Budget: budget.NewStore(db, cm)}
	opt := WorkbookOptions{Lang: "en", AsOf: workbookAsOf}
	b.Run("servicebook", func(b *testing.B) {
		for b.Loop() {
			if _, err := WorkbookBytes(ctx, src, opt); err != nil {
				b.Fatal(err)
			}
		}
	})
	types, _ := cm.Types(ctx)
	cis, _, err := cm.ListCIs(ctx, cmdb.Filter{Sort: "ref"})
	if err != nil {
		b.Fatal(err)
	}
	rels, err := cm.AllRelations(ctx)
	if err != nil {
		b.Fatal(err)
	}
	header, keys := ciHeader(types)
	kinds := attrKinds(types)
	b.Run("bare-streamwriter", func(b *testing.B) {
		for b.Loop() {
			f := excelize.NewFile()
			date, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
			sw, _ := f.NewStreamWriter("Sheet1")
			row := make([]any, len(header))
			for i, h := range header {
				row[i] = h
			}
			sw.SetRow("A1", row)
			for i, c := range cis {
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				if err := sw.SetRow(cell, ciCells(c, keys, kinds, date)); err != nil {
					b.Fatal(err)
				}
			}
			sw.Flush()
			f.NewSheet("Relations")
			sw, _ = f.NewStreamWriter("Relations")
			for i, r := range rels {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := sw.SetRow(cell, []any{r.FromRef, r.Kind.Label(), r.ToRef, text(r.Group)}); err != nil {
					b.Fatal(err)
				}
			}
			sw.Flush()
			var buf bytes.Buffer
			if err := f.Write(&buf); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}

// openBench100k opens the 100k-CI benchmark database (built once, see
// demo.CachedScaled), closed when the benchmark ends.
func openBench100k(b *testing.B) (*store.DB, *cmdb.Store) {
	b.Helper()
	ctx := context.Background()
	path, err := demo.CachedScaled(100_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	cm, err := cmdb.NewStore(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	return db, cm
}
