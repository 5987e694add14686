package budget_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/store"
)

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func problemsText(res budget.ImportResult) string {
	var out []string
	for _, p := range res.Problems {
		out = append(out, p.Error())
	}
	return strings.Join(out, "\n")
}

// mustRefuse imports and expects a refusal naming every want, with nothing
// written.
func mustRefuse(t *testing.T, s *budget.Store, fy budget.FiscalYear, path string, opts budget.ImportOptions, want ...string) {
	t.Helper()
	before, _ := s.Lines(context.Background(), fy)
	res, err := s.Import(context.Background(), fy, path, opts)
	if store.ErrorCode(err) != store.EInvalid {
		t.Fatalf("%s: err = %v; want a refusal", filepath.Base(path), err)
	}
	all := problemsText(res) + "\n" + err.Error()
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("%s: the refusal lacks %q:\n%s", filepath.Base(path), w, all)
		}
	}
	if after, _ := s.Lines(context.Background(), fy); len(after) != len(before) {
		t.Errorf("%s: a refused import wrote lines", filepath.Base(path))
	}
}

func TestLongLayoutBareMonthNumbersLandInTheirMonth(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		path := writeFile(t, t.TempDir(), "long.csv", "Service,Category,Description,Month,Amount\n"+
			"网上银行,licences,维保,3,300\n网上银行,licences,维保,11,1100\n网上银行,licences,维保,2026-05-20,500\n")
		res, err := s.Import(ctx, fy, path, budget.ImportOptions{})
		if err != nil {
			t.Fatalf("%v\n%s", err, problemsText(res))
		}
		lines, _ := s.Lines(ctx, fy)
		if len(lines) != 1 {
			t.Fatalf("%d lines", len(lines))
		}
		a := lines[0].Amounts
		if a[2] != 300_00 || a[10] != 1100_00 || a[4] != 500_00 || a[0] != 0 {
			t.Errorf("months: %v (March, November and May expected, nothing in January)", a)
		}
		if res.FileTotal != 1900_00 || res.ImportedTotal != 1900_00 {
			t.Errorf("totals: file %d, imported %d", res.FileTotal, res.ImportedTotal)
		}
	})
}

func TestPeriodColumnCountsFromTheFiscalYearsStart(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, _ := demoBudgetOn(t, db)
		ctx := context.Background()
		fy, _ := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2027, StartMonth: 4})
		path := writeFile(t, t.TempDir(), "periods.csv", "Service,Category,Period,Amount\n网上银行,people,1,100\n网上银行,people,12,1200\n")
		if res, err := s.Import(ctx, fy, path, budget.ImportOptions{}); err != nil {
			t.Fatalf("%v\n%s", err, problemsText(res))
		}
		lines, _ := s.Lines(ctx, fy)
		if lines[0].Amounts[0] != 100_00 || lines[0].Amounts[11] != 1200_00 {
			t.Errorf("period 1 is April (fiscal month 1), period 12 is March: %v", lines[0].Amounts)
		}
	})
}

func TestMonthsOutsideTheFiscalYearAreRefused(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		dir := t.TempDir()
		mustRefuse(t, s, fy, writeFile(t, dir, "years.csv", "Service,Category,Month,Amount\n"+
			"网上银行,licences,2026-04,100\n网上银行,licences,2019-04,200\n网上银行,licences,2031/4/15,300\n"),
			budget.ImportOptions{},
			`years.csv: row 3, column "Month": 2019-04 is outside fiscal year 2026 (2026-01 to 2026-12)`,
			`years.csv: row 4, column "Month": 2031-04 is outside fiscal year 2026`)
		mustRefuse(t, s, fy, writeFile(t, dir, "zero.csv", "Service,Category,Month,Amount\n网上银行,licences,0,100\n网上银行,licences,P13,5\n网上银行,licences,13,7\n"),
			budget.ImportOptions{},
			`zero.csv: row 2, column "Month": "0" is not a month`,
			`zero.csv: row 3, column "Month": "P13" names month 13`,
			`zero.csv: row 4, column "Month": "13" is not a month`)
		// A wide layout with a thirteenth month: the column's money is named.
		mustRefuse(t, s, fy, writeFile(t, dir, "thirteen.csv", "Service,Category,1月,2月,13月\n网上银行,licences,100,100,50\n手机银行,people,1,1,25.5\n"),
			budget.ImportOptions{},
			`thirteen.csv: row 2, column "13月": "13月" names month 13; a year has months 1 to 12; the column holds 2 amounts totalling 75.50`)
		// A month column from another year.
		mustRefuse(t, s, fy, writeFile(t, dir, "dec.csv", "Service,Category,2025-12,2026-01\n网上银行,licences,100,100\n"),
			budget.ImportOptions{}, `column "2025-12": 2025-12 is outside fiscal year 2026`)
		// Two columns for one month would be added up without a word.
		mustRefuse(t, s, fy, writeFile(t, dir, "twice.csv", "Service,Category,Jan,2026-01\n网上银行,licences,100,100\n"),
			budget.ImportOptions{}, `column "2026-01": column "Jan" is month 2026-01 of the fiscal year too`)
	})
}

func TestUnknownColumnsWithAmountsAreRefusedUnlessIgnored(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		path := writeFile(t, t.TempDir(), "extra.csv", "Service,Category,Jan,Feb,Q1 forecast,备注\n"+
			"网上银行,licences,100,100,\"1,000.00\",续约\n手机银行,people,5,5,20,\n")
		mustRefuse(t, s, fy, path, budget.ImportOptions{},
			`extra.csv: row 2, column "Q1 forecast": the column holds 2 amounts totalling 1,020.00 that no field takes; map it to a field, or leave it out on purpose with --ignore "Q1 forecast"`)
		mustRefuse(t, s, fy, path, budget.ImportOptions{Ignore: []string{"Q2"}}, `--ignore "Q2": no column has that header`)
		res, err := s.Import(ctx, fy, path, budget.ImportOptions{Ignore: []string{"q1 forecast"}, DryRun: true})
		if err != nil {
			t.Fatalf("%v\n%s", err, problemsText(res))
		}
		got := fmt.Sprintf("%+v", res.Ignored)
		want := fmt.Sprintf("%+v", []budget.IgnoredColumn{
			{Header: "Q1 forecast", Cells: 2, Amounts: 2, Sum: 1020_00, Deliberate: true},
			{Header: "备注", Cells: 1},
		})
		if got != want {
			t.Errorf("ignored columns:\n got %s\nwant %s", got, want)
		}
		if res.FileTotal != 210_00 || res.ImportedTotal != 210_00 || res.Created != 2 {
			t.Errorf("dry run: %+v", res)
		}
		if lines, _ := s.Lines(ctx, fy); len(lines) != 0 {
			t.Error("the dry run wrote")
		}
	})
}

func TestDuplicateMonthRowsAreRefusedOrSummedWhenAsked(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		path := writeFile(t, t.TempDir(), "dup.csv", "服务,类别,项目,月份,金额\n"+
			"网上银行,许可证,维保,1月,100\n网上银行,许可证,维保,2月,100\n网上银行,许可证,维保,2026-01,40\n")
		mustRefuse(t, s, fy, path, budget.ImportOptions{},
			`dup.csv: row 4, column "月份": 2026-01 of 网上银行 Internet banking, licences, "维保" is already on row 2; remove one row, or import with --sum-duplicates`)
		res, err := s.Import(ctx, fy, path, budget.ImportOptions{SumDuplicates: true})
		if err != nil || res.Summed != 1 || res.ImportedTotal != 240_00 {
			t.Fatalf("%+v %v", res, err)
		}
		if lines, _ := s.Lines(ctx, fy); lines[0].Amounts[0] != 140_00 {
			t.Errorf("January: %v", lines[0].Amounts)
		}
	})
}

func TestFilesOwnTotalsAreChecked(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		dir := t.TempDir()
		mustRefuse(t, s, fy, writeFile(t, dir, "rowtotal.csv", "Service,Category,Jan,Feb,Total\n网上银行,licences,100,100,250\n"),
			budget.ImportOptions{}, `rowtotal.csv: row 2, column "Total": the row's total says 250.00 but its months add up to 200.00`)
		mustRefuse(t, s, fy, writeFile(t, dir, "coltotal.csv", "Service,Category,Jan,Feb\n网上银行,licences,100,100\n手机银行,people,1,1\n合计,,101,102\n"),
			budget.ImportOptions{}, `coltotal.csv: row 4, column "Feb": the total row says 102.00 but the 2 lines above it add up to 101.00`)
		// Subtotals per group and a grand total over all lines both reconcile.
		ok := writeFile(t, dir, "groups.csv", "Service,Category,Jan,Total\n网上银行,licences,100,100\n网上银行,people,50,\n小计,,150,150\n"+
			"手机银行,people,7,7\nSubtotal,,7,7\n合计,,157,157\n")
		res, err := s.Import(context.Background(), fy, ok, budget.ImportOptions{})
		if err != nil || res.TotalRows != 3 || res.FileTotal != 157_00 || res.ImportedTotal != 157_00 {
			t.Errorf("%+v %v\n%s", res, err, problemsText(res))
		}
	})
}

func TestAmountsFinerThanTheCurrencyAreRefused(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		mustRefuse(t, s, fy, writeFile(t, t.TempDir(), "thirds.csv", "Service,Category,Jan\n网上银行,licences,8333.333333\n"),
			budget.ImportOptions{}, `thirds.csv: row 2, column "Jan": "8333.333333" has more than 2 decimals; CNY keeps 2`)
	})
}

func TestImportNeverChangesAnApprovedLine(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		dir := t.TempDir()
		path := writeFile(t, dir, "plan.csv", "Service,Category,Description,Jan,Feb\n网上银行,licences,维保,100,100\n")
		if _, err := s.Import(ctx, fy, path, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		lines, _ := s.Lines(ctx, fy)
		approved := lines[0]
		if err := s.ApproveLine(ctx, approved.ID, "李明 CIO"); err != nil {
			t.Fatal(err)
		}
		// The same file again changes nothing and is not refused.
		if res, err := s.Import(ctx, fy, path, budget.ImportOptions{}); err != nil || res.Unchanged != 1 {
			t.Errorf("unchanged re-import: %+v %v", res, err)
		}
		changed := writeFile(t, dir, "plan.csv", "Service,Category,Description,Jan,Feb\n网上银行,licences,维保,100,900\n")
		mustRefuse(t, s, fy, changed, budget.ImportOptions{},
			fmt.Sprintf(`plan.csv: row 2: line %d (网上银行 Internet banking, licences, "维保") was approved by 李明 CIO on`, approved.ID),
			"changes its year from 200.00 to 1,000.00", "--revise")
		res, err := s.Import(ctx, fy, changed, budget.ImportOptions{Revise: true})
		if err != nil || res.Revised != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		lines, _ = s.Lines(ctx, fy)
		if len(lines) != 2 || lines[0].Status != "approved" || lines[0].Total() != 200_00 {
			t.Fatalf("the approved line must stay as approved: %+v", lines)
		}
		rev := lines[1]
		if rev.Version != "revised" || rev.Status != "proposed" || rev.Total() != 1000_00 {
			t.Errorf("revision: %+v", rev)
		}
		if budgetLines, _ := budget.Effective(lines); len(budgetLines) != 1 || budgetLines[0].ID != rev.ID {
			t.Errorf("the revision is the budget now: %+v", budgetLines)
		}
		// A further change goes to the open (proposed) revision, not a third line.
		again := writeFile(t, dir, "plan.csv", "Service,Category,Description,Jan,Feb\n网上银行,licences,维保,100,950\n")
		if res, err := s.Import(ctx, fy, again, budget.ImportOptions{}); err != nil || res.Updated != 1 {
			t.Errorf("%+v %v", res, err)
		}
		if lines, _ := s.Lines(ctx, fy); len(lines) != 2 || lines[1].Total() != 1050_00 {
			t.Errorf("after updating the revision: %+v", lines)
		}
		changes, _ := cmdbOf[s].DB().Changes(ctx, "budget_line", rev.ID)
		// Created, its total changed, and the month that changed (for an undo).
		if len(changes) != 3 || changes[0].Source != "plan.csv" || !strings.Contains(changes[0].New, "approved by 李明 CIO") ||
			changes[1].Old != "1,000.00" || changes[1].New != "1,050.00" || changes[2].Field != "month 2026-02" || changes[2].New != "950.00" {
			t.Errorf("revision's log: %+v", changes)
		}
	})
}

func TestImportsAreLoggedWithTheFilesName(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		ctx := context.Background()
		dir := t.TempDir()
		if _, err := s.Import(ctx, fy, writeFile(t, dir, "预算.csv", "Service,Category,Jan\n网上银行,licences,100\n"), budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		actuals := writeFile(t, dir, "十月实际.csv", "Service,Category,Jan,Feb\n网上银行,licences,90,\n")
		if _, err := s.ImportActuals(ctx, fy, actuals, budget.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, "十月实际.csv", "Service,Category,Jan,Feb\n网上银行,licences,95,3\n")
		res, err := s.ImportActuals(ctx, fy, actuals, budget.ImportOptions{})
		if err != nil || res.ImportedTotal != 98_00 {
			t.Fatalf("%+v %v", res, err)
		}
		recent, _ := cmdbOf[s].DB().RecentChanges(ctx, 10)
		var got []string
		for _, c := range recent {
			got = append(got, fmt.Sprintf("%s %s %s %s→%s", c.Source, c.Entity, c.Field, c.Old, c.New))
		}
		all := strings.Join(got, "\n")
		for _, want := range []string{
			"预算.csv budget_line created →网上银行 Internet banking, licences 100.00",
			"十月实际.csv actual deleted 2026-01 90.00→",
			"十月实际.csv actual created →2026-02 网上银行 Internet banking, licences 3.00 十月实际.csv",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("log lacks %q:\n%s", want, all)
			}
		}
	})
}

func TestOtherSheetsAreNamed(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, fy := demoBudgetOn(t, db)
		f := excelize.NewFile()
		f.SetSheetRow("Sheet1", "A1", &[]any{"Service", "Category", "Jan"})
		f.SetSheetRow("Sheet1", "A2", &[]any{"网上银行", "licences", 100})
		f.NewSheet("说明")
		f.SetCellValue("说明", "A1", "金额单位：元")
		path := filepath.Join(t.TempDir(), "two.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		res, err := s.Import(context.Background(), fy, path, budget.ImportOptions{DryRun: true})
		if err != nil || len(res.SheetsNotRead) != 1 || res.SheetsNotRead[0] != "说明" {
			t.Errorf("%+v %v", res, err)
		}
	})
}

// TestImportedTotalEqualsFileTotal is a property: for any generated wide or
// long budget file — amounts with cents, negatives, blanks, grouping,
// currency marks, totals rows — the import either stores exactly the
// file's money or refuses.
func TestImportedTotalEqualsFileTotal(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		s, _ := demoBudgetOn(t, db)
		ctx := context.Background()
		dir := t.TempDir()
		rng := rand.New(rand.NewPCG(8, 2026))
		services := []string{"网上银行", "手机银行"}
		categories := []string{"licences", "people", "资产", "设施"}
		for run := 0; run < 60; run++ {
			var b strings.Builder
			var want budget.Money
			long := run%2 == 1
			if long {
				b.WriteString("Service,Category,Description,Month,Amount\n")
			} else {
				b.WriteString("Service,Category,Description,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec\n")
			}
			for line := 0; line < 1+rng.IntN(8); line++ {
				svc, cat := services[rng.IntN(2)], categories[rng.IntN(4)]
				desc := fmt.Sprintf("item %d", line)
				if long {
					for m := 1; m <= 12; m++ {
						if rng.IntN(3) == 0 {
							continue
						}
						a := budget.Money(rng.Int64N(200_000_000) - 20_000_000)
						want += a
						fmt.Fprintf(&b, "%s,%s,%s,%d,\"%s\"\n", svc, cat, desc, m, cellOf(rng, a))
					}
					continue
				}
				fmt.Fprintf(&b, "%s,%s,%s", svc, cat, desc)
				for m := 0; m < 12; m++ {
					a := budget.Money(0)
					if rng.IntN(4) > 0 {
						a = budget.Money(rng.Int64N(200_000_000) - 20_000_000)
					}
					want += a
					fmt.Fprintf(&b, ",\"%s\"", cellOf(rng, a))
				}
				b.WriteString("\n")
			}
			path := writeFile(t, dir, fmt.Sprintf("gen%d.csv", run), b.String())
			// A fresh year each run, so earlier runs' lines do not mix in.
			year, err := s.CreateFiscalYear(ctx, budget.FiscalYear{Year: 2100 + run})
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Import(ctx, year, path, budget.ImportOptions{})
			if err != nil {
				if store.ErrorCode(err) != store.EInvalid || len(res.Problems) == 0 {
					t.Fatalf("run %d: refused without naming a cell: %v", run, err)
				}
				continue
			}
			lines, _ := s.Lines(ctx, year)
			var stored budget.Money
			for _, l := range lines {
				stored += l.Total()
			}
			if stored != want || res.FileTotal != want || res.ImportedTotal != want {
				t.Fatalf("run %d: file %s, reported %s / %s, stored %s\n%s", run, want.Format(2), res.FileTotal.Format(2),
					res.ImportedTotal.Format(2), stored.Format(2), b.String())
			}
		}
	})
}

// cellOf writes an amount the ways finance files do.
func cellOf(rng *rand.Rand, a budget.Money) string {
	plain := a.Format(2)
	switch rng.IntN(5) {
	case 0:
		if a == 0 {
			return ""
		}
		return plain
	case 1:
		return "¥" + plain
	case 2:
		if a < 0 {
			return "(" + (-a).Format(2) + ")"
		}
		return strings.ReplaceAll(plain, ",", "")
	case 3:
		return fmt.Sprintf("%.2f", float64(a)/100)
	}
	return strings.ReplaceAll(plain, ",", "") + "0"
}
