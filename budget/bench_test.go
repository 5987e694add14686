package budget_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/store"
)

var longOnce sync.Once
var longPath string

// longLayoutFile writes (once) 100k rows of a long-layout budget: one row
// per line and month, as finance systems export them.
func longLayoutFile(b *testing.B) string {
	longOnce.Do(func() {
		longPath = filepath.Join(os.TempDir(), "servicebook-bench-budget-long-100k.xlsx")
		if _, err := os.Stat(longPath); err == nil {
			return
		}
		services := []string{"网上银行 Internet banking", "手机银行 Mobile banking", "银行卡支付 Card payments", "信贷审批 Loan approval", "薪资发放 Payroll"}
		cats := []string{"许可证", "人员", "外部服务", "资产"}
		f := excelize.NewFile()
		sw, _ := f.NewStreamWriter("Sheet1")
		sw.SetRow("A1", []any{"服务", "类别", "项目", "会计科目", "月份", "金额"})
		for i := 0; i < 100_000; i++ {
			line := i / 12
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			sw.SetRow(cell, []any{services[line%len(services)], cats[line%len(cats)], fmt.Sprintf("项目 %05d", line),
				fmt.Sprintf("0660%03d", line%1000), fmt.Sprintf("2026-%02d", i%12+1), fmt.Sprintf("¥%d,%03d.50", 1+line%90, i%1000)})
		}
		sw.Flush()
		if err := f.SaveAs(longPath + ".tmp.xlsx"); err != nil {
			b.Fatal(err)
		}
		os.Rename(longPath+".tmp.xlsx", longPath)
	})
	return longPath
}

// BenchmarkBudgetImport100k compares the budget import of 100k long-layout
// rows (parsing amounts and months, grouping into lines, change log, one
// transaction) with a bare excelize read plus one prepared insert per row
// (goal: ≤ 1.3 × bare).
func BenchmarkBudgetImport100k(b *testing.B) {
	path := longLayoutFile(b)
	ctx := context.Background()
	setup := func() (*store.DB, *budget.Store, budget.FiscalYear) {
		db := store.MustOpen(b)
		cm, _ := cmdb.NewStore(ctx, db)
		if err := demo.Organisation(ctx, cm); err != nil {
			b.Fatal(err)
		}
		s := budget.NewStore(db, cm)
		fy, _ := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2026})
		return db, s, fy
	}
	b.Run("servicebook", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			_, s, fy := setup()
			b.StartTimer()
			res, err := s.Import(ctx, fy, path, budget.ImportOptions{})
			if err != nil || res.Created == 0 {
				b.Fatalf("%v %+v", err, res.Problems)
			}
		}
	})
	// The same file again: every line is found and compared, nothing
	// changes. Each line must be found through the index, not by a scan.
	b.Run("servicebook-reimport", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			_, s, fy := setup()
			if _, err := s.Import(ctx, fy, path, budget.ImportOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := s.Import(ctx, fy, path, budget.ImportOptions{})
			if err != nil || res.Created != 0 {
				b.Fatalf("%v %+v", err, res)
			}
		}
	})
	b.Run("bare-excelize-read-and-inserts", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db, _, fy := setup()
			b.StartTimer()
			f, err := excelize.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			rows, _ := f.Rows("Sheet1")
			err = db.Tx(ctx, func(tx *sql.Tx) error {
				stmt, err := tx.PrepareContext(ctx, "INSERT INTO actual (fy_id, pool, category, month, amount) VALUES (?, ?, ?, ?, ?)")
				if err != nil {
					return err
				}
				defer stmt.Close()
				n := 0
				for rows.Next() {
					cols, _ := rows.Columns()
					if n++; n == 1 {
						continue
					}
					if _, err := stmt.ExecContext(ctx, fy.ID, cols[0], cols[1], n%12+1, n); err != nil {
						return err
					}
				}
				return nil
			})
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
