package budget

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"

	"servicebook/cmdb"
	"servicebook/sheet"
	"servicebook/store"
)

// LineFields are the columns a budget import understands. Month columns
// ("Jan", "1月", "一月", "2026-01", "M01" …) are found by their headers.
var LineFields = []sheet.Field{
	{Key: "service", Names: []string{"Service", "服务", "业务服务", "服务名称", "IT服务"}},
	{Key: "pool", Names: []string{"Pool", "Cost pool", "Indirect pool", "费用池", "分摊池", "间接费用池"}},
	{Key: "category", Names: []string{"Category", "Cost category", "类别", "费用类别", "成本类别", "费用类型"}, Required: true},
	{Key: "capex", Names: []string{"Capex/Opex", "CapEx/OpEx", "Capex", "Type", "支出类型", "资本/运营", "费用性质"}},
	{Key: "cost_centre", Names: []string{"Cost centre", "Cost center", "成本中心"}},
	{Key: "gl_account", Names: []string{"GL account", "GL", "Account", "会计科目", "科目", "科目代码"}},
	{Key: "description", Names: []string{"Description", "Item", "描述", "说明", "项目", "费用项目", "预算项目"}},
	{Key: "supplier", Names: []string{"Supplier", "Vendor", "供应商"}},
	{Key: "version", Names: []string{"Version", "版本"}},
	{Key: "month", Names: []string{"Month", "Period", "月份", "期间"}},
	{Key: "amount", Names: []string{"Amount", "Budget", "金额", "预算金额", "预算"}},
}

// ImportOptions are the choices a person makes for one import.
type ImportOptions struct {
	DryRun  bool
	Mapping map[string]string // field key → the header of the column that holds it
	// Ignore names, by header, columns the person leaves out on purpose.
	// Any other column whose amounts no field takes refuses the file.
	Ignore []string
	// SumDuplicates adds up rows for the same line and month (long layout)
	// instead of refusing them.
	SumDuplicates bool
	// Revise writes a change to an approved line as a new revision, as
	// editing does, instead of refusing the file.
	Revise bool
	// Sheet, when set, is the sheet to import (by name, case and spaces
	// ignored): a workbook such as the full export holds both a budget and
	// its actuals, laid out alike. Other sheets are listed as not read.
	Sheet string
	// WholeYear (actuals only) says the file holds the year's complete
	// actuals, from whatever sources, as the full export writes them: a
	// file that matches what is stored changes nothing; one that differs
	// replaces every actual of the year. Without it, an import replaces
	// only what an earlier import of the same file brought.
	WholeYear bool
}

// ImportResult says what a budget import did or would do.
type ImportResult struct {
	File             string
	DryRun           bool
	Layout           string // "wide": a column per month; "long": a row per line and month
	Created, Updated int
	Revised          int  // approved lines the file changed, written as new revisions
	Unchanged        int  // approved lines the file repeats as they are; for actuals, rows of a whole-year file that match
	WholeYear        bool // actuals: the file replaced (or matched) the whole year's actuals
	TotalRows        int  // total and subtotal rows, checked against the lines and left out
	Summed           int  // rows added to an earlier row for the same line and month
	// FileTotal is the money in the file's lines; ImportedTotal is what
	// the database holds for them after the import (or would, in a dry
	// run). An import whose two totals differ is refused.
	FileTotal, ImportedTotal Money
	Currency                 string
	Ignored                  []IgnoredColumn
	SheetsNotRead            []string // sheets with content besides the one imported
	Problems                 []sheet.CellError
}

// IgnoredColumn is a column the import did not use: text that no field
// takes, or amounts the person chose to leave out.
type IgnoredColumn struct {
	Header     string
	Cells      int   // non-empty cells
	Amounts    int   // of them, amounts
	Sum        Money // what those amounts add up to
	Deliberate bool  // named with --ignore
}

// Import reads budget lines for fy from a finance spreadsheet, as finance
// teams keep them: title rows above the header, Chinese or English headers,
// a column per month or a row per month, amounts with currency marks and
// separators, totals and subtotals among the lines (checked, then left
// out). Every non-empty cell is used or named in a problem; the write is
// all or nothing; re-importing the same file replaces its lines' amounts,
// but an approved line changes only as a revision (opts.Revise) or not at all.
func (s *Store) Import(ctx context.Context, fy FiscalYear, path string, opts ImportOptions) (ImportResult, error) {
	return s.importFile(ctx, fy, path, opts, false)
}

// ImportActuals reads actual spend the same way: by service (or pool),
// category and month, with the same checks. Re-importing a file replaces
// the actuals that file brought before.
func (s *Store) ImportActuals(ctx context.Context, fy FiscalYear, path string, opts ImportOptions) (ImportResult, error) {
	return s.importFile(ctx, fy, path, opts, true)
}

func (s *Store) importFile(ctx context.Context, fy FiscalYear, path string, opts ImportOptions, actuals bool) (ImportResult, error) {
	file := filepath.Base(path)
	ctx = store.WithSource(ctx, file)
	res := ImportResult{File: file, DryRun: opts.DryRun, Currency: fy.Currency, WholeYear: actuals && opts.WholeYear}
	services, err := s.serviceIndex(ctx)
	if err != nil {
		return res, err
	}
	r := newRowReader(fy, file, opts, services, &res)
	found := false
	// The rows are checked while the workbook is still being parsed on the
	// other core; nothing is written before every row has been checked.
	err = sheet.StreamFile(path, sheet.DefaultLimits, func(in *sheet.Stream) error {
		if found {
			if nonEmptyRows(in) > 0 {
				res.SheetsNotRead = append(res.SheetsNotRead, in.Name)
			}
			return nil
		}
		if opts.Sheet != "" && !sameSheet(in.Name, opts.Sheet) {
			if nonEmptyRows(in) > 0 {
				res.SheetsNotRead = append(res.SheetsNotRead, in.Name)
			}
			return nil
		}
		head := sheet.Table{Name: in.Name}
		for len(head.Rows) < sheet.HeaderScanRows {
			row, ok := in.Next()
			if !ok {
				break
			}
			head.Rows = append(head.Rows, row)
		}
		m, ok := sheet.FindHeader(head, LineFields, opts.Mapping)
		if !ok {
			if !blankTable(head.Rows) || nonEmptyRows(in) > 0 {
				res.SheetsNotRead = append(res.SheetsNotRead, in.Name)
			}
			return nil
		}
		found = true
		for i := 0; i < m.HeaderRow-1; i++ {
			// Title rows above the header are words, not money.
			for _, c := range head.Rows[i] {
				if _, err := ParseAmount(c, 2); err == nil {
					r.sheetName = in.Name
					r.problem(i+1, "", fmt.Sprintf("%q above the header looks like an amount; no field takes it", strings.TrimSpace(c)))
				}
			}
		}
		if !r.setHeader(in.Name, m) {
			return nil
		}
		for i := m.HeaderRow; i < len(head.Rows); i++ {
			r.row(i+1, head.Rows[i])
		}
		for row, ok := in.Next(); ok; row, ok = in.Next() {
			r.row(in.Row(), row)
		}
		r.finish()
		return nil
	})
	if err != nil {
		return res, err
	}
	if !found {
		reason := "no sheet has a header row with a Category column (类别) and month or amount columns"
		if opts.Sheet != "" {
			reason = fmt.Sprintf("no sheet %q with a header row with a Category column (类别) and month or amount columns; the sheets are: %s",
				opts.Sheet, strings.Join(res.SheetsNotRead, ", "))
		}
		res.SheetsNotRead = nil
		res.Problems = append(res.Problems, sheet.CellError{File: file, Reason: reason})
		return res, refusal(res)
	}
	if len(res.Problems) > 0 {
		return res, refusal(res)
	}
	if actuals {
		return res, s.writeActuals(ctx, fy, r, &res)
	}
	return res, s.writeLines(ctx, fy, r, &res)
}

// writeActuals replaces the actuals an earlier import of the same file
// brought (or, for a whole-year file, every actual of the year) with the
// file's, each row in the change log.
func (s *Store) writeActuals(ctx context.Context, fy FiscalYear, r *rowReader, res *ImportResult) error {
	d := Decimals(fy.Currency)
	scope, args := "fy_id = ? AND source = ?", []any{fy.ID, res.File}
	if res.WholeYear {
		scope, args = "fy_id = ?", []any{fy.ID}
	}
	return s.db.LoggedTxOrRehearse(ctx, res.DryRun, func(tx *sql.Tx, log *store.ChangeWriter) error {
		blog := &batchLog{log: log, fy: fy, file: res.File, actuals: true}
		if res.WholeYear {
			same, err := sameActuals(ctx, tx, fy, r)
			if err != nil || same {
				res.Unchanged, res.ImportedTotal = len(r.order), res.FileTotal
				return err
			}
		}
		var before int
		if err := tx.QueryRowContext(ctx, "SELECT count(DISTINCT coalesce(service_id, 0) || '/' || pool || '/' || category) FROM actual WHERE "+scope,
			args...).Scan(&before); err != nil {
			return err
		}
		res.Created, res.Updated = max(0, len(r.order)-before), min(before, len(r.order))
		old, err := tx.QueryContext(ctx, "SELECT id, month, amount FROM actual WHERE "+scope, args...)
		if err != nil {
			return err
		}
		type oldActual struct {
			id     int64
			month  int
			amount Money
		}
		var gone []oldActual
		for old.Next() {
			var a oldActual
			if err := old.Scan(&a.id, &a.month, &a.amount); err != nil {
				old.Close()
				return err
			}
			gone = append(gone, a)
		}
		old.Close()
		for _, a := range gone {
			if err := blog.Add(ctx, "actual", a.id, "deleted", fy.MonthLabel(a.month)+" "+a.amount.Format(d), ""); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM actual WHERE "+scope, args...); err != nil {
			return err
		}
		insert, err := tx.PrepareContext(ctx, `INSERT INTO actual (fy_id, service_id, pool, category, month, amount, source)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for _, key := range r.order {
			p := r.lines[key]
			var svc any
			if p.serviceID != 0 {
				svc = p.serviceID
			}
			for i, a := range p.line.Amounts {
				if a == 0 {
					continue
				}
				var id int64
				if err := insert.QueryRowContext(ctx, fy.ID, svc, p.line.Pool, string(p.line.Category), i+1, int64(a), res.File).Scan(&id); err != nil {
					return err
				}
				if err := blog.Add(ctx, "actual", id, "created", "", fmt.Sprintf("%s %s %s %s", fy.MonthLabel(i+1), describe(p.line), a.Format(d), res.File)); err != nil {
					return err
				}
			}
		}
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(sum(amount), 0) FROM actual WHERE "+scope, args...).Scan(&res.ImportedTotal); err != nil {
			return err
		}
		return reconciled(*res)
	})
}

// sameActuals reports whether the file's actuals are, service or pool,
// category and month, what the year holds.
func sameActuals(ctx context.Context, tx *sql.Tx, fy FiscalYear, r *rowReader) (bool, error) {
	type key struct {
		service  int64
		pool     string
		category string
		month    int
	}
	file := map[key]Money{}
	for _, k := range r.order {
		p := r.lines[k]
		for i, a := range p.line.Amounts {
			if a != 0 {
				file[key{p.serviceID, p.line.Pool, string(p.line.Category), i + 1}] += a
			}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT coalesce(service_id, 0), pool, category, month, sum(amount) FROM actual
		WHERE fy_id = ? GROUP BY 1, 2, 3, 4 HAVING sum(amount) <> 0`, fy.ID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	stored := 0
	for rows.Next() {
		var k key
		var sum Money
		if err := rows.Scan(&k.service, &k.pool, &k.category, &k.month, &sum); err != nil {
			return false, err
		}
		stored++
		if file[k] != sum {
			return false, nil
		}
	}
	return stored == len(file), rows.Err()
}

func refusal(r ImportResult) error {
	msg := store.M(cmdb.MsgRefused, "File", r.File, "Count", len(r.Problems))
	return &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg}
}

func blankCells(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// sameSheet compares sheet names as a person types them: case and spaces
// do not matter ("budget 2026" is "Budget 2026").
func sameSheet(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	return norm(a) == norm(b)
}
