package budget

import (
	"fmt"
	"strings"

	"servicebook/sheet"
	"servicebook/store"
)

// rowReader turns the rows of a finance spreadsheet into pending budget
// lines (or actuals), checking every cell on the way: every non-empty cell
// ends up in a line, in a checked total, in a column the person chose to
// leave out, or in a problem that names it.
type rowReader struct {
	fy       FiscalYear
	file     string
	opts     ImportOptions
	decimals int
	services *serviceIndex
	res      *ImportResult

	m           sheet.Mapping
	sheetName   string
	monthCols   map[int]int // column → fiscal month, in the wide layout
	totalCol    int         // a row-total column ("合计", "Total"), checked against its row; -1 if none
	periodCells bool        // long layout: bare numbers in the month column are fiscal periods
	extra       map[int]*extraColumn

	lines    map[string]*pendingLine
	order    []string
	monthRow map[string]int // long layout: line key and fiscal month → the row that gave it

	// Per amount column, what the lines add up to since the top and since
	// the last total row, to check the file's own totals.
	sinceStart, sinceLast map[int]Money
	linesSinceLast        int
}

// extraColumn is a column that no field takes.
type extraColumn struct {
	header     string
	why        string // the header looks like a month that the fiscal year lacks
	deliberate bool   // named in ImportOptions.Ignore
	cells      int    // non-empty cells below the header
	amounts    int    // of them, cells that read as amounts
	sum        Money
	firstRow   int // the first row with an amount
}

type pendingLine struct {
	line      Line
	serviceID int64
	key       string
	row       int // the first row the line came from
	existing  int64
}

func newRowReader(fy FiscalYear, file string, opts ImportOptions, services *serviceIndex, res *ImportResult) *rowReader {
	return &rowReader{fy: fy, file: file, opts: opts, decimals: Decimals(fy.Currency), services: services, res: res,
		monthCols: map[int]int{}, totalCol: -1, extra: map[int]*extraColumn{}, lines: map[string]*pendingLine{},
		monthRow: map[string]int{}, sinceStart: map[int]Money{}, sinceLast: map[int]Money{}}
}

func (r *rowReader) problem(row int, column, reason string) {
	r.res.Problems = append(r.res.Problems, sheet.CellError{File: r.file, Sheet: r.sheetName, Row: row, Column: column, Reason: reason})
}

// setHeader reads the header: which columns are months of the fiscal year,
// which is a row total, and which no field takes. It says whether the
// sheet has a layout the import understands.
func (r *rowReader) setHeader(sheetName string, m sheet.Mapping) bool {
	r.m, r.sheetName = m, sheetName
	ignore := map[string]bool{}
	for _, h := range r.opts.Ignore {
		ignore[sheet.Fold(h)] = true
	}
	firstOfMonth := map[int]int{}
	unmapped := append([]int(nil), m.Extra...)
	for _, col := range unmapped {
		h := m.Header(col)
		if ignore[sheet.Fold(h)] {
			r.extra[col] = &extraColumn{header: h, deliberate: true}
			continue
		}
		if IsTotalRow(h) && r.totalCol < 0 {
			r.totalCol = col
			continue
		}
		ref, err := ParseMonth(h)
		if err == errNotMonth {
			r.extra[col] = &extraColumn{header: h}
			continue
		}
		if err == nil {
			var fm int
			if fm, err = r.fy.FiscalMonth(ref); err == nil {
				if other, dup := firstOfMonth[fm]; dup {
					r.problem(m.HeaderRow, h, fmt.Sprintf("column %q is month %s of the fiscal year too; a month has one column",
						m.Header(other), r.fy.MonthLabel(fm)))
					continue
				}
				firstOfMonth[fm] = col
				r.monthCols[col] = fm
				continue
			}
		}
		r.extra[col] = &extraColumn{header: h, why: err.Error()}
	}
	for _, h := range r.opts.Ignore {
		if !r.hasHeader(h) {
			r.problem(m.HeaderRow, "", fmt.Sprintf("--ignore %q: no column has that header", h))
		}
	}
	monthCol, hasMonth := m.Columns["month"]
	amountCol, hasAmount := m.Columns["amount"]
	switch {
	case len(r.monthCols) > 0:
		r.res.Layout = "wide"
		// A Month or Amount column beside month columns is a second
		// place for money: its cells must not pass unseen.
		for _, key := range []string{"month", "amount"} {
			if col, ok := m.Columns[key]; ok {
				r.extra[col] = &extraColumn{header: m.Header(col), deliberate: ignore[sheet.Fold(m.Header(col))]}
				delete(r.m.Columns, key)
			}
		}
	case hasMonth && hasAmount:
		r.res.Layout = "long"
		switch sheet.Fold(m.Header(monthCol)) {
		case "period", "fiscalperiod", "期间", "会计期间", "期别":
			r.periodCells = true
		}
		_ = amountCol
	default:
		r.problem(m.HeaderRow, "", "the header has neither month columns (Jan, 1月, 2026-01 …) nor Month and Amount columns")
		return false
	}
	return true
}

func (r *rowReader) hasHeader(h string) bool {
	for i := range r.m.Headers {
		if sheet.Fold(r.m.Header(i)) == sheet.Fold(h) {
			return true
		}
	}
	return false
}

// amountColumns are the columns that hold money in this layout.
func (r *rowReader) amountColumns() []int {
	if r.res.Layout == "long" {
		return []int{r.m.Columns["amount"]}
	}
	cols := make([]int, 0, len(r.monthCols)+1)
	for col := range r.monthCols {
		cols = append(cols, col)
	}
	if r.totalCol >= 0 {
		cols = append(cols, r.totalCol)
	}
	return cols
}

func cellText(row []string, col int) string {
	if col < 0 || col >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[col])
}

// amount reads the money in a cell; blank and dashes are nothing budgeted.
func (r *rowReader) amount(rowNum int, row []string, col int) (Money, bool) {
	text := cellText(row, col)
	if text == "" || text == "-" || text == "—" {
		return 0, true
	}
	a, err := ParseAmount(text, r.decimals)
	if err != nil {
		reason := fmt.Sprintf("%q is not an amount", text)
		if err == ErrTooPrecise {
			reason = fmt.Sprintf("%q has more than %d decimals; %s keeps %d, so storing it would change the money (round it in the file)",
				text, r.decimals, r.fy.Currency, r.decimals)
		}
		r.problem(rowNum, r.m.Header(col), reason)
		return 0, false
	}
	return a, true
}

// row reads one row below the header.
func (r *rowReader) row(rowNum int, row []string) {
	if blankCells(row) {
		return
	}
	cell := func(key string) string { v, _ := r.m.Cell(row, key); return v }
	r.countExtra(rowNum, row)
	if IsTotalRow(cell("description")) || IsTotalRow(cell("service")) || IsTotalRow(cell("pool")) ||
		IsTotalRow(cell("category")) || len(row) > 0 && IsTotalRow(row[0]) {
		r.res.TotalRows++
		r.checkTotalRow(rowNum, row)
		return
	}
	before := len(r.res.Problems)
	l := Line{Pool: cell("pool"), CostCentre: cell("cost_centre"), GLAccount: cell("gl_account"),
		Description: cell("description"), Supplier: cell("supplier"), Version: "original", Status: "proposed"}
	field := func(key, reason string) { r.problem(rowNum, r.m.Header(r.m.Columns[key]), reason) }
	for _, key := range []string{"service", "pool", "cost_centre", "gl_account", "description", "supplier"} {
		if m, ok := store.ControlChar(cell(key), false); !ok {
			field(key, m.String())
		}
	}
	var serviceID int64
	switch svcText := cell("service"); {
	case svcText != "" && l.Pool != "":
		field("pool", "a line is either a service's direct cost or an indirect pool, not both")
	case svcText != "":
		svc, err := r.services.find(svcText)
		if err != nil {
			field("service", err.Error())
		}
		l.ServiceRef, l.ServiceName, serviceID = svc.Ref, svc.Name, svc.ID
	case l.Pool == "":
		r.problem(rowNum, r.m.Header(r.m.Columns["service"]), "name the service (or, for a shared cost, the pool)")
	}
	cat, err := ParseCategory(cell("category"))
	if err != nil {
		field("category", err.Error())
	}
	l.Category = cat
	switch strings.ToLower(cell("capex")) {
	case "", "opex", "运营", "运营性", "费用", "费用性":
	case "capex", "资本", "资本性":
		l.Capex = true
	default:
		field("capex", fmt.Sprintf("%q is not capex or opex (资本/运营)", cell("capex")))
	}
	if v := strings.ToLower(cell("version")); v != "" {
		switch v {
		case "original", "原始", "初始":
		case "revised", "调整", "修订":
			l.Version = "revised"
		case "forecast", "预测":
			l.Version = "forecast"
		default:
			field("version", fmt.Sprintf("%q is not a version; use original, revised or forecast", cell("version")))
		}
	}
	var amounts [12]Money
	var given [12]bool // months with a cell, even a zero one
	if r.res.Layout == "wide" {
		var rowSum Money
		for col, month := range r.monthCols {
			if a, ok := r.amount(rowNum, row, col); ok {
				amounts[month-1] = a
				given[month-1] = cellText(row, col) != ""
				rowSum += a
			}
		}
		if r.totalCol >= 0 {
			if t, ok := r.amount(rowNum, row, r.totalCol); ok && cellText(row, r.totalCol) != "" && t != rowSum {
				r.problem(rowNum, r.m.Header(r.totalCol), fmt.Sprintf("the row's total says %s but its months add up to %s",
					t.Format(r.decimals), rowSum.Format(r.decimals)))
			}
		}
	} else {
		amountCol := r.m.Columns["amount"]
		a, amountOK := r.amount(rowNum, row, amountCol)
		ref, err := ParseMonthCell(cell("month"), r.periodCells)
		var fm int
		if err == nil {
			fm, err = r.fy.FiscalMonth(ref)
		}
		switch {
		case cell("month") == "" && cellText(row, amountCol) != "":
			field("month", "the amount has no month")
		case cell("month") == "":
		case err != nil:
			field("month", err.Error())
		case amountOK:
			amounts[fm-1], given[fm-1] = a, true
		}
	}
	if len(r.res.Problems) > before {
		return
	}
	key := strings.Join([]string{l.ServiceRef, l.Pool, string(l.Category), l.GLAccount, l.CostCentre, l.Description, l.Version}, "\x00")
	p, seen := r.lines[key]
	if !seen {
		p = &pendingLine{line: l, serviceID: serviceID, key: key, row: rowNum}
		r.lines[key] = p
		r.order = append(r.order, key)
	} else if r.res.Layout == "wide" {
		r.problem(rowNum, "", fmt.Sprintf("the same line (%s) is already on row %d", describe(l), p.row))
		return
	}
	for i, a := range amounts {
		if !given[i] {
			continue
		}
		if r.res.Layout == "long" {
			mk := fmt.Sprintf("%s\x00%d", key, i)
			if first, dup := r.monthRow[mk]; dup && !r.opts.SumDuplicates {
				r.problem(rowNum, r.m.Header(r.m.Columns["month"]), fmt.Sprintf("%s of %s is already on row %d; remove one row, or import with --sum-duplicates to add them up",
					r.fy.MonthLabel(i+1), describe(l), first))
				return
			} else if dup {
				r.res.Summed++
			} else {
				r.monthRow[mk] = rowNum
			}
		}
		p.line.Amounts[i] += a
		r.res.FileTotal += a
	}
	r.linesSinceLast++
	for col := range r.amountColumnSet() {
		a, _ := r.amount(rowNum, row, col)
		if col == r.totalCol {
			a = sum(amounts)
		}
		r.sinceStart[col] += a
		r.sinceLast[col] += a
	}
}

func (r *rowReader) amountColumnSet() map[int]bool {
	set := map[int]bool{}
	for _, c := range r.amountColumns() {
		set[c] = true
	}
	return set
}

// describe names a line for a message: its service or pool, category and
// description.
func describe(l Line) string {
	who := l.ServiceName
	if who == "" {
		who = l.ServiceRef
	}
	if l.Pool != "" {
		who = "pool " + l.Pool
	}
	parts := []string{who, string(l.Category)}
	if l.Description != "" {
		parts = append(parts, fmt.Sprintf("%q", l.Description))
	}
	return strings.Join(parts, ", ")
}

// checkTotalRow compares a total or subtotal row of the file with the
// lines it sums: those since the previous total row, or all of them above.
// A file whose own totals disagree with its lines is not taken on trust.
func (r *rowReader) checkTotalRow(rowNum int, row []string) {
	for col := range r.amountColumnSet() {
		if cellText(row, col) == "" {
			continue
		}
		a, ok := r.amount(rowNum, row, col)
		if !ok || a == r.sinceLast[col] || a == r.sinceStart[col] {
			continue
		}
		r.problem(rowNum, r.m.Header(col), fmt.Sprintf("the total row says %s but the %d lines above it add up to %s (%s from the top)",
			a.Format(r.decimals), r.linesSinceLast, r.sinceLast[col].Format(r.decimals), r.sinceStart[col].Format(r.decimals)))
	}
	clear(r.sinceLast)
	r.linesSinceLast = 0
}

// countExtra notes the cells of columns that no field takes.
func (r *rowReader) countExtra(rowNum int, row []string) {
	for col, ex := range r.extra {
		text := cellText(row, col)
		if text == "" {
			continue
		}
		ex.cells++
		if a, err := ParseAmount(text, r.decimals); err == nil || err == ErrTooPrecise {
			if ex.amounts == 0 {
				ex.firstRow = rowNum
			}
			ex.amounts++
			ex.sum += a
		}
	}
}

// finish refuses the columns whose amounts no field takes, unless the
// person chose to leave them out, and lists the rest as ignored.
func (r *rowReader) finish() {
	for col := range r.m.Headers {
		ex, ok := r.extra[col]
		if !ok || ex.cells == 0 && !ex.deliberate {
			continue
		}
		if ex.amounts > 0 && !ex.deliberate {
			noun := "amounts"
			if ex.amounts == 1 {
				noun = "amount"
			}
			lost := fmt.Sprintf("%d %s totalling %s that no field takes", ex.amounts, noun, ex.sum.Format(r.decimals))
			if ex.why != "" {
				r.problem(ex.firstRow, ex.header, fmt.Sprintf("%s; the column holds %s", ex.why, lost))
			} else {
				r.problem(ex.firstRow, ex.header, fmt.Sprintf("the column holds %s; map it to a field, or leave it out on purpose with --ignore %q", lost, ex.header))
			}
			continue
		}
		r.res.Ignored = append(r.res.Ignored, IgnoredColumn{Header: ex.header, Cells: ex.cells, Amounts: ex.amounts,
			Sum: ex.sum, Deliberate: ex.deliberate})
	}
}
