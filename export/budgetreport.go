package export

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"servicebook/budget"
)

// BudgetReport is what the budget report prints for a fiscal year.
type BudgetReport struct {
	FY         budget.FiscalYear
	Services   []budget.ServiceYear
	Categories []budget.CategoryTotal
}

// LoadBudgetReport reads fiscal year year's services and categories.
func LoadBudgetReport(ctx context.Context, bs *budget.Store, year int) (BudgetReport, error) {
	rep := BudgetReport{}
	var err error
	if rep.FY, err = bs.FiscalYear(ctx, year); err != nil {
		return rep, err
	}
	if rep.Services, err = bs.Report(ctx, rep.FY, ""); err != nil {
		return rep, err
	}
	if rep.Categories, err = bs.ByCategory(ctx, rep.FY); err != nil {
		return rep, err
	}
	return rep, nil
}

// BudgetPDF writes the budget report to path.
func BudgetPDF(path string, rep BudgetReport, opt PDFOptions) error {
	data, err := BudgetPDFBytes(rep, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// BudgetPDFBytes is BudgetPDF into memory: each service's year against its
// plan to date, the months as a chart and a table, and the categories.
// Only months with actuals (closed) count "to date"; the others show
// their plan and no variance — nothing counts the future.
func BudgetPDFBytes(rep BudgetReport, opt PDFOptions) ([]byte, error) {
	d := newPDF(opt)
	fy := rep.FY
	dec := budget.Decimals(fy.Currency)
	money := func(m budget.Money) string { return m.Format(dec) }
	title := fmt.Sprintf(d.t("Service budget report — fiscal year %d", "服务预算报告 — %d 财年"), fy.Year)
	d.SetTitle(title, true)
	d.title, d.docNumber = title, title
	d.classification = d.t("Internal use", "内部使用")
	d.AddPage()
	d.heading(title, 0)

	var total budget.Year
	for _, y := range rep.Services {
		for m := range total.Months {
			total.Months[m].Budget += y.Months[m].Budget
			total.Months[m].Allocated += y.Months[m].Allocated
			total.Months[m].Actual += y.Months[m].Actual
			total.Months[m].Forecast += y.Months[m].Forecast
		}
		total.Closed = max(total.Closed, y.Closed)
	}
	closed := d.t("No month has actuals yet: there are no figures to date.", "尚无任何月份的实际支出：没有截至目前的数据。")
	if total.Closed > 0 {
		closed = fmt.Sprintf(d.t("Figures to date cover the %d months with actuals, %s to %s; the other months show their plan and no variance.",
			"截至目前的数据涵盖有实际支出的 %d 个月（%s 至 %s）；其余月份只列预算，不计差异。"), total.Closed, fy.MonthLabel(1), fy.MonthLabel(total.Closed))
	}
	d.fields([][2]string{
		{d.t("Fiscal year", "财年"), fmt.Sprintf("%d (%s – %s)", fy.Year, fy.MonthLabel(1), fy.MonthLabel(12))},
		{d.t("Currency", "币种"), fy.Currency},
		{d.t("As of", "截至"), opt.AsOf.Format("2006-01-02 15:04 MST")},
	})
	d.paragraph(closed)

	d.heading(d.t("Services", "服务"), 1)
	rows := make([][]string, 0, len(rep.Services)+1)
	for _, y := range rep.Services {
		s := y.Summary()
		rows = append(rows, []string{y.ServiceRef + "\n" + y.ServiceName, money(s.Plan), money(s.YTD.Planned()), money(s.YTD.Actual),
			money(s.YTD.Variance()), varianceText(s.YTD), money(s.Outturn)})
	}
	t := budget.TotalOf(rep.Services)
	rows = append(rows, []string{d.t("Total", "合计"), money(t.Plan), money(t.YTD.Planned()), money(t.YTD.Actual), money(t.YTD.Variance()),
		varianceText(t.YTD), money(t.Outturn)})
	d.table([]string{d.t("Service", "服务"), d.t("Year plan", "全年预算"), d.t("Plan to date", "截至目前预算"), d.t("Actual to date", "截至目前实际"),
		d.t("Variance to date", "截至目前差异"), "%", d.t("Expected outturn", "预计全年")},
		[]float64{19.5, 14.5, 14.5, 14.5, 13.5, 8.5, 14.5}, "LRRRRRR", rows, func(i int) bool { return i == len(rows)-1 })
	d.paragraph(d.t("Variance is actual minus plan: a positive figure is an overspend. Expected outturn: actuals to date, then each open month's forecast or plan.",
		"差异＝实际－预算：正数为超支。预计全年＝截至目前的实际支出，加上其余各月的预测（无预测时按预算）。"))

	d.heading(d.t("Month by month", "逐月"), 1)
	labels := make([]string, 12)
	plan := series{label: d.t("plan", "预算"), colour: chartGrey}
	actual := series{label: d.t("actual", "实际"), colour: chartBlue, missing: make([]bool, 12)}
	cumPlan := series{label: d.t("plan, cumulative", "累计预算"), colour: chartAmber}
	cumActual := series{label: d.t("actual, cumulative", "累计实际"), colour: chartRed, missing: make([]bool, 12)}
	var runPlan, runActual budget.Money
	scale := math.Pow10(dec)
	monthRows := make([][]string, 12)
	for m := range 12 {
		labels[m] = fy.MonthLabel(m + 1)[2:]
		mo := total.Months[m]
		runPlan += mo.Planned()
		plan.values = append(plan.values, float64(mo.Planned())/scale)
		cumPlan.values = append(cumPlan.values, float64(runPlan)/scale)
		open := m >= total.Closed
		actual.missing[m], cumActual.missing[m] = open, open
		if open {
			actual.values = append(actual.values, 0)
			cumActual.values = append(cumActual.values, 0)
			monthRows[m] = []string{fy.MonthLabel(m + 1), money(mo.Planned()), d.t("open", "未结"), "—", "—"}
			continue
		}
		runActual += mo.Actual
		actual.values = append(actual.values, float64(mo.Actual)/scale)
		cumActual.values = append(cumActual.values, float64(runActual)/scale)
		monthRows[m] = []string{fy.MonthLabel(m + 1), money(mo.Planned()), money(mo.Actual), money(mo.Variance()), money(runActual - sumPlanned(total, m))}
	}
	d.columnChart(40, labels, []series{plan, actual}, nil, compactMoney)
	d.columnChart(40, labels, nil, []series{cumPlan, cumActual}, compactMoney)
	d.table([]string{d.t("Month", "月份"), d.t("Plan", "预算"), d.t("Actual", "实际"), d.t("Variance", "差异"), d.t("Variance, cumulative", "累计差异")},
		[]float64{16, 21, 21, 21, 21}, "LRRRR", monthRows, nil)

	d.heading(d.t("Categories", "费用类别"), 1)
	catRows := make([][]string, len(rep.Categories))
	for i, c := range rep.Categories {
		kind := "opex"
		if c.Capex {
			kind = "capex"
		}
		ytd := budget.Month{Budget: c.YTDPlan, Actual: c.YTDActual}
		catRows[i] = []string{d.word(string(c.Category)), kind, money(c.Plan), money(c.YTDPlan), money(c.YTDActual), money(ytd.Variance())}
	}
	d.table([]string{d.t("Category", "类别"), d.t("Capex/opex", "资本/运营"), d.t("Year plan", "全年预算"), d.t("Plan to date", "截至目前预算"),
		d.t("Actual to date", "截至目前实际"), d.t("Variance to date", "截至目前差异")},
		[]float64{20, 12, 17, 17, 17, 17}, "LLRRRR", catRows, nil)
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the budget report: %w", err)
	}
	return buf.Bytes(), nil
}

// sumPlanned is the plan of months 0..m.
func sumPlanned(y budget.Year, m int) budget.Money {
	var p budget.Money
	for i := 0; i <= m; i++ {
		p += y.Months[i].Planned()
	}
	return p
}

// varianceText is the variance as a percentage of plan, or "—" without a plan.
func varianceText(m budget.Month) string {
	if m.Planned() == 0 {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", m.VariancePercent())
}

// compactMoney labels a money axis: 1.2M, 350k.
func compactMoney(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return fmt.Sprintf("%gM", math.Round(v/1e5)/10)
	case a >= 1e3:
		return fmt.Sprintf("%gk", math.Round(v/1e2)/10)
	}
	return fmt.Sprintf("%g", v)
}
