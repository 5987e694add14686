package export

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/cmdb"
)

// BenchmarkExportCIs100k writes `export cis` of the 100k-CI / ~490k
// relation benchmark CMDB to an XLSX file, and, in the same run, the
// least any exporter does: read every CI and relation and write the same
// cells with excelize's StreamWriter to a file. Goal: ≤ 1.2 × bare.
func BenchmarkExportCIs100k(b *testing.B) {
	ctx := context.Background()
	_, cm := openBench100k(b)
	out := filepath.Join(b.TempDir(), "cmdb.xlsx")
	b.Run("servicebook", func(b *testing.B) {
		for b.Loop() {
			if _, err := CIs(ctx, out, cm); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-read-and-streamwriter", func(b *testing.B) {
		for b.Loop() {
			types, _ := cm.Types(ctx)
			header, keys := ciHeader(types)
			kinds := attrKinds(types)
			f := excelize.NewFile()
			date, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
			sw, _ := f.NewStreamWriter("Sheet1")
			row := make([]any, len(header))
			for i, h := range header {
				row[i] = h
			}
			sw.SetRow("A1", row)
			n := 1
			err := cm.EachCI(ctx, func(c cmdb.CI) error {
				n++
				cell, _ := excelize.CoordinatesToCellName(1, n)
				return sw.SetRow(cell, ciCells(c, keys, kinds, date))
			})
			if err != nil {
				b.Fatal(err)
			}
			sw.Flush()
			f.NewSheet("Relations")
			sw, _ = f.NewStreamWriter("Relations")
			n = 0
			err = cm.EachRelation(ctx, func(r cmdb.Relation) error {
				n++
				cell, _ := excelize.CoordinatesToCellName(1, n)
				return sw.SetRow(cell, []any{r.FromRef, r.Kind.Label(), r.ToRef, text(r.Group)})
			})
			if err != nil {
				b.Fatal(err)
			}
			sw.Flush()
			if err := f.SaveAs(filepath.Join(b.TempDir(), "bare.xlsx")); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}
