package export

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
	"servicebook/store"
)

// BudgetWorkbook writes a fiscal year's budget as finance expects it: a
// "Budget" sheet of lines with a column per month (real numbers in a
// currency format, a frozen header, an autofilter, and SUM formulas for
// the row totals and the totals row that Excel and LibreOffice recompute),
// an "Allocation" sheet tracing every allocated amount to its pool and
// rule, and a "Variance" sheet per service. The Budget sheet re-imports
// through the budget importer unchanged.
func BudgetWorkbook(path string, fy budget.FiscalYear, lines []budget.Line, allocs []budget.Allocation, years []budget.ServiceYear, lang string) error {
	t := func(en, zh string) string {
		if lang == "zh" {
			return zh
		}
		return en
	}
	if !strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return store.Errorf(store.EInvalid, "%s: choose a file name ending in .xlsx", path)
	}
	f := excelize.NewFile()
	defer f.Close()
	d := budget.Decimals(fy.Currency)
	numFmt := "#,##0"
	if d > 0 {
		numFmt += "." + strings.Repeat("0", d)
	}
	money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F0"}}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &numFmt})
	if err != nil {
		return err
	}
	scale := 1.0
	for i := 0; i < d; i++ {
		scale *= 10
	}
	value := func(m budget.Money) float64 { return float64(m) / scale }

	// Budget sheet.
	sh := t("Budget", "预算")
	f.SetSheetName("Sheet1", sh)
	months := make([]string, 12)
	for i := range months {
		months[i] = fmt.Sprintf("%d-%02d", fy.Year+(fy.StartMonth-1+i)/12, (fy.StartMonth-1+i)%12+1)
	}
	// Headers the budget importer reads in either language.
	header := append([]string{t("Service", "服务"), t("Pool", "费用池"), t("Category", "类别"), t("Capex/Opex", "支出类型"),
		t("Cost centre", "成本中心"), t("GL account", "会计科目"), t("Description", "描述"), t("Supplier", "供应商"), t("Version", "版本")}, months...)
	// The service's name after the total: read by people, and a text
	// column the importer lists and leaves (the reference is the key).
	header = append(header, t("Total", "合计"), t("Service name", "服务名"))
	for c, h := range header {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		f.SetCellValue(sh, cell, h)
		f.SetCellStyle(sh, cell, cell, head)
	}
	firstMonthCol, lastMonthCol := 10, 21
	for r, l := range lines {
		row := r + 2
		kind := "opex"
		if l.Capex {
			kind = "capex"
		}
		service := l.ServiceRef
		for c, v := range []string{service, l.Pool, string(l.Category), kind, l.CostCentre, l.GLAccount, l.Description, l.Supplier, l.Version} {
			cell, _ := excelize.CoordinatesToCellName(c+1, row)
			// Text cells, so that a GL account keeps its leading zeros.
			f.SetCellStr(sh, cell, v)
		}
		for m, a := range l.Amounts {
			cell, _ := excelize.CoordinatesToCellName(firstMonthCol+m, row)
			f.SetCellFloat(sh, cell, value(a), d, 64)
		}
		total, _ := excelize.CoordinatesToCellName(lastMonthCol+1, row)
		from, _ := excelize.CoordinatesToCellName(firstMonthCol, row)
		to, _ := excelize.CoordinatesToCellName(lastMonthCol, row)
		f.SetCellFormula(sh, total, fmt.Sprintf("SUM(%s:%s)", from, to))
		name, _ := excelize.CoordinatesToCellName(lastMonthCol+2, row)
		f.SetCellStr(sh, name, l.ServiceName)
	}
	last := len(lines) + 1
	totalRow := last + 1
	f.SetCellStr(sh, "A"+fmt.Sprint(totalRow), t("Total", "合计"))
	for c := firstMonthCol; c <= lastMonthCol+1; c++ {
		col, _ := excelize.ColumnNumberToName(c)
		cell := fmt.Sprintf("%s%d", col, totalRow)
		f.SetCellFormula(sh, cell, fmt.Sprintf("SUM(%s2:%s%d)", col, col, last))
	}
	moneyFrom, _ := excelize.CoordinatesToCellName(firstMonthCol, 2)
	moneyTo, _ := excelize.CoordinatesToCellName(lastMonthCol+1, totalRow)
	f.SetCellStyle(sh, moneyFrom, moneyTo, money)
	tf, _ := excelize.CoordinatesToCellName(1, totalRow)
	tt, _ := excelize.CoordinatesToCellName(lastMonthCol+1, totalRow)
	f.SetCellStyle(sh, tf, tt, bold)
	f.SetColWidth(sh, "A", "I", 16)
	f.SetColWidth(sh, "G", "G", 30)
	f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	lastHead, _ := excelize.CoordinatesToCellName(len(header), last)
	if err := f.AutoFilter(sh, "A1:"+lastHead, nil); err != nil {
		return err
	}

	// Allocation trace.
	al := t("Allocation", "分摊")
	f.NewSheet(al)
	f.SetSheetRow(al, "A1", &[]any{t("Pool", "费用池"), t("Rule", "规则"), t("Budget line", "预算行"), t("Service", "服务"), t("Month", "月份"), t("Amount", "金额")})
	for r, a := range allocs {
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		f.SetSheetRow(al, cell, &[]any{a.Pool, a.Rule, a.LineID, a.ServiceRef, months[a.Month-1], value(a.Amount)})
	}
	if len(allocs) > 0 {
		f.SetCellStyle(al, "F2", fmt.Sprintf("F%d", len(allocs)+1), money)
	}
	f.SetCellStyle(al, "A1", "F1", head)
	f.SetPanes(al, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})

	// Variance per service.
	va := t("Variance", "差异")
	f.NewSheet(va)
	f.SetSheetRow(va, "A1", &[]any{t("Service", "服务"), t("Year plan", "全年预算"), t("YTD plan", "截至目前预算"), t("YTD actual", "截至目前实际"),
		t("YTD variance", "截至目前差异"), t("Outturn", "预计全年"), t("Run rate", "按当前速度全年")})
	for r, y := range years {
		ytd := y.YTD()
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		f.SetSheetRow(va, cell, &[]any{y.ServiceRef + " " + y.ServiceName, value(y.Plan()), value(ytd.Planned()), value(ytd.Actual), 0.0,
			value(y.Outturn()), value(y.RunRate())})
		// Rounded to the currency's unit: a difference of two sums of
		// binary fractions would otherwise show 59652.3999999994.
		f.SetCellFormula(va, fmt.Sprintf("E%d", r+2), fmt.Sprintf("ROUND(D%d-C%d,%d)", r+2, r+2, d))
	}
	if len(years) > 0 {
		f.SetCellStyle(va, "B2", fmt.Sprintf("G%d", len(years)+1), money)
	}
	f.SetCellStyle(va, "A1", "G1", head)
	f.SetColWidth(va, "A", "A", 34)
	f.SetPanes(va, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	// Printed as finance prints: landscape, a page wide, the header row on
	// every page.
	for _, name := range []string{sh, al, va} {
		if err := printSetup(f, name); err != nil {
			return err
		}
	}
	// The formulas carry no cached results: ask Excel and LibreOffice to
	// calculate everything when the workbook opens.
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	return writeFileAtomically(path, buf.Bytes())
}

// printSetup makes a sheet print landscape on A4, one page wide, with its
// first row repeated on every page.
func printSetup(f *excelize.File, sheet string) error {
	landscape, a4, wide, tall := "landscape", 9, 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$1", Scope: sheet})
}
