package export

import (
	"context"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	"servicebook/budget"
)

// fiscalYearSheets writes one fiscal year: its budget lines and actuals
// laid out as the budget importer reads them (a column per month, a row
// total, a totals row, each total a formula with its value), its
// allocation rules and the allocation trace.
func (b *book) fiscalYearSheets(ctx context.Context, bs *budget.Store, fy budget.FiscalYear) error {
	year := strconv.Itoa(fy.Year)
	decimals := budget.Decimals(fy.Currency)
	months := fiscalMonths(fy)
	lines, err := bs.Lines(ctx, fy)
	if err != nil {
		return err
	}
	lineCols := []column{{"Service", "服务", 12}, {"Pool", "费用池", 14}, {"Category", "类别", 12}, {"Capex/Opex", "支出类型", 9},
		{"Cost centre", "成本中心", 11}, {"GL account", "会计科目", 11}, {"Description", "描述", 30}, {"Supplier", "供应商", 16}, {"Version", "版本", 9}}
	rows := make([][]any, len(lines))
	amounts := make([][12]budget.Money, len(lines))
	for i, l := range lines {
		kind := "opex"
		if l.Capex {
			kind = "capex"
		}
		// Text cells: a GL account keeps its leading zeros.
		rows[i] = []any{text(l.ServiceRef), text(l.Pool), string(l.Category), kind, text(l.CostCentre), text(l.GLAccount), text(l.Description),
			text(l.Supplier), text(l.Version)}
		amounts[i] = l.Amounts
	}
	err = b.moneySheet("Budget "+year, "预算 "+year, lineCols, []column{{"Status", "状态", 10}}, months, decimals, rows, amounts,
		func(i int) []any { return []any{b.word(lines[i].Status)} })
	if err != nil {
		return err
	}
	rules, err := bs.Rules(ctx, fy)
	if err != nil {
		return err
	}
	err = b.sheet("Allocation rules "+year, "分摊规则 "+year, []column{{"Pool", "费用池", 16}, {"Method", "方法", 10}, {"Driver", "动因", 14},
		{"Service", "服务", 12}, {"Service name", "服务名称", 24}, {"Share", "份额", 10}},
		func(add func(...any) error) error {
			for _, r := range rules {
				for _, sh := range r.Shares {
					if err := add(r.Pool, b.word(r.Method), text(r.Driver), sh.ServiceRef, text(sh.ServiceName), sh.Share); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	allocs, err := bs.Allocate(ctx, fy)
	if err != nil {
		// A pool without a rule cannot be allocated; the rest of the
		// records are still worth keeping, and the sheet says why.
		allocs = nil
		err = b.sheet("Allocation "+year, "分摊明细 "+year, []column{{"Not allocated", "未分摊", 80}}, func(add func(...any) error) error {
			return add(err.Error())
		})
		if err != nil {
			return err
		}
	} else {
		err = b.sheet("Allocation "+year, "分摊明细 "+year, []column{{"Pool", "费用池", 16}, {"Rule", "规则", 16}, {"Budget line", "预算行", 10},
			{"Service", "服务", 12}, {"Month", "月份", 9}, {"Amount", "金额", 14}},
			func(add func(...any) error) error {
				for _, a := range allocs {
					amount, err := b.amount(a.Amount, decimals)
					if err != nil {
						return err
					}
					if err := add(a.Pool, a.Rule, a.LineID, a.ServiceRef, months[a.Month-1], amount); err != nil {
						return err
					}
				}
				return nil
			})
		if err != nil {
			return err
		}
	}
	actuals, err := bs.Actuals(ctx, fy)
	if err != nil {
		return err
	}
	rows = make([][]any, len(actuals))
	amounts = make([][12]budget.Money, len(actuals))
	for i, a := range actuals {
		rows[i] = []any{text(a.ServiceRef), text(a.Pool), string(a.Category)}
		amounts[i] = a.Amounts
	}
	return b.moneySheet("Actuals "+year, "实际 "+year, lineCols[:3], nil, months, decimals, rows, amounts, nil)
}

// moneySheet writes rows of leading cells, twelve months of money, a row
// total and trailing cells, then a totals row; totals are SUM formulas
// that carry their value, so a reader without recalculation (and the
// importer's check of the file's own totals) sees the right figure.
func (b *book) moneySheet(en, zh string, lead, trail []column, months []string, decimals int, rows [][]any, amounts [][12]budget.Money, tail func(int) []any) error {
	cols := append([]column{}, lead...)
	for _, m := range months {
		cols = append(cols, column{m, m, 12})
	}
	cols = append(cols, column{"Total", "合计", 14})
	cols = append(cols, trail...)
	first := len(lead) + 1
	firstCol, _ := excelize.ColumnNumberToName(first)
	lastCol, _ := excelize.ColumnNumberToName(first + 11)
	return b.sheet(en, zh, cols, func(add func(...any) error) error {
		var column [13]budget.Money
		for i, row := range rows {
			cells := append([]any{}, row...)
			var total budget.Money
			for m, a := range amounts[i] {
				cell, err := b.amount(a, decimals)
				if err != nil {
					return err
				}
				cells = append(cells, cell)
				total += a
				column[m] += a
			}
			column[12] += total
			cell, err := b.amount(total, decimals)
			if err != nil {
				return err
			}
			c := cell.(excelize.Cell)
			c.Formula = fmt.Sprintf("SUM(%s%d:%s%d)", firstCol, i+2, lastCol, i+2)
			cells = append(cells, c)
			if tail != nil {
				cells = append(cells, tail(i)...)
			}
			if err := add(cells...); err != nil {
				return err
			}
		}
		if len(rows) == 0 {
			return nil
		}
		totals := make([]any, len(lead))
		totals[0] = b.t("Total", "合计")
		for m := 0; m <= 12; m++ {
			cell, err := b.amount(column[m], decimals)
			if err != nil {
				return err
			}
			c := cell.(excelize.Cell)
			name, _ := excelize.ColumnNumberToName(first + m)
			c.Formula = fmt.Sprintf("SUM(%s2:%s%d)", name, name, len(rows)+1)
			totals = append(totals, c)
		}
		return add(totals...)
	})
}
