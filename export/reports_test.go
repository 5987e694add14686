package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAvailabilityReportReadsBack: the report prints every targeted
// service with its figure against its target, the twelve months, and the
// outages of the period; a period not ended says "to date"; the file
// passes qpdf's check.
func TestAvailabilityReportReadsBack(t *testing.T) {
	ctx := context.Background()
	src, _ := sampleRecords(t)
	asOf := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	rep, err := LoadAvailabilityReport(ctx, src.Continuity, "2026-11", asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Months) != 12 || rep.Months[11] != "2026-11" || rep.Months[0] != "2025-12" {
		t.Errorf("trend months %v", rep.Months)
	}
	for _, lang := range []struct{ code, title, toDate, outages string }{
		{"en", "Service availability report — 2026-11", "every figure is to date", "Outages in the period"},
		{"zh", "服务可用性报告 — 2026-11", "所有数字均为截至", "统计期内的中断"},
	} {
		path := filepath.Join(t.TempDir(), "availability.pdf")
		if err := AvailabilityPDF(path, rep, PDFOptions{Lang: lang.code, AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
		tool(t, "qpdf", "--check", path)
		text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", path, "-")), " ")
		want := []string{lang.title, lang.toDate, lang.outages}
		for _, r := range rep.Results {
			want = append(want, r.ServiceRef, percentNumber(r.Availability))
		}
		for _, o := range rep.Outages {
			want = append(want, o.Description)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the availability report does not say %q", lang.code, w)
			}
		}
	}
	if _, err := LoadAvailabilityReport(ctx, src.Continuity, "2027-01", asOf); err == nil {
		t.Error("a period that has not begun was reported")
	}
}

// TestBudgetReportReadsBack: the budget report prints each service's year
// and the totals to date, month by month with the open months marked open
// and no variance, and the categories.
func TestBudgetReportReadsBack(t *testing.T) {
	ctx := context.Background()
	src, _ := sampleRecords(t)
	rep, err := LoadBudgetReport(ctx, src.Budget, 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct{ code, title, open, closed string }{
		{"en", "Service budget report — fiscal year 2026", "2026-11 1,660,000.00 open — —", "cover the 10 months with actuals"},
		{"zh", "服务预算报告 — 2026 财年", "2026-11 1,660,000.00 未结 — —", "涵盖有实际支出的 10 个月"},
	} {
		path := filepath.Join(t.TempDir(), "budget.pdf")
		if err := BudgetPDF(path, rep, PDFOptions{Lang: lang.code, AsOf: workbookAsOf}); err != nil {
			t.Fatal(err)
		}
		tool(t, "qpdf", "--check", path)
		text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", path, "-")), " ")
		want := []string{lang.title, lang.open, lang.closed, "20,100,000.00", "16,608,000.00"}
		for _, y := range rep.Services {
			want = append(want, y.ServiceRef)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the budget report does not say %q", lang.code, w)
			}
		}
	}
	if _, err := LoadBudgetReport(ctx, src.Budget, 1999); err == nil {
		t.Error("a fiscal year that does not exist was reported")
	}
}

// TestChartScales: the value axis has about five ticks of 1, 2 or 5 times
// a power of ten, cover the data, and print without float noise.
func TestChartScales(t *testing.T) {
	for _, c := range []struct {
		lo, hi             float64
		wantLo, wantHi, st float64
	}{
		{99.5, 100, 99.5, 100, 0.1}, {0, 1_711_800, 0, 2_000_000, 500_000}, {100, 100, 99, 100, 0.2}, {0, 0, 0, 1, 0.2}, {-33_200, 51_800, -40_000, 60_000, 20_000},
	} {
		lo, hi, step := niceScale(c.lo, c.hi)
		if lo != c.wantLo || hi != c.wantHi || step != c.st {
			t.Errorf("niceScale(%g, %g) = %g, %g, %g; want %g, %g, %g", c.lo, c.hi, lo, hi, step, c.wantLo, c.wantHi, c.st)
		}
	}
	got := ticks(99.5, 100, 0.1)
	want := []float64{99.5, 99.6, 99.7, 99.8, 99.9, 100}
	if len(got) != len(want) {
		t.Fatalf("ticks = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tick %d = %v, want %v", i, got[i], want[i])
		}
	}
}
