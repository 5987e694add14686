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

// ImportResult says what a budget import did or would do.
type ImportResult struct {
	File             string
	DryRun           bool
	Layout           string // "wide": a column per month; "long": a row per line and month
	Created, Updated int
	TotalRows        int // total and subtotal rows recognised and left out
	Problems         []sheet.CellError
}

type pendingLine struct {
	line      Line
	serviceID int64
	key       string
	existing  int64
}

// Import reads budget lines for fy from a finance spreadsheet, as finance
// teams keep them: title rows above the header, Chinese or English headers,
// a column per month or a row per month, amounts with currency marks and
// separators, totals and subtotals among the lines. The write is all or
// nothing; re-importing the same file replaces its lines' amounts.
func (s *Store) Import(ctx context.Context, fy FiscalYear, path string, dryRun bool, mapping map[string]string) (ImportResult, error) {
	return s.importFile(ctx, fy, path, dryRun, mapping, false)
}

// ImportActuals reads actual spend the same way: by service (or pool),
// category and month, with the same checks. Re-importing a file replaces
// the actuals that file brought before.
func (s *Store) ImportActuals(ctx context.Context, fy FiscalYear, path string, dryRun bool, mapping map[string]string) (ImportResult, error) {
	return s.importFile(ctx, fy, path, dryRun, mapping, true)
}

func (s *Store) importFile(ctx context.Context, fy FiscalYear, path string, dryRun bool, mapping map[string]string, actuals bool) (ImportResult, error) {
	file := filepath.Base(path)
	res := ImportResult{File: file, DryRun: dryRun}
	decimals := Decimals(fy.Currency)
	services, err := s.serviceIndex(ctx)
	if err != nil {
		return res, err
	}
	var m sheet.Mapping
	var sheetName string // the sheet being read, for messages
	monthCols := map[int]int{}
	lines := map[string]*pendingLine{}
	var order []string
	processRow := func(rowNum int, row []string) {
		cell := func(key string) string { v, _ := m.Cell(row, key); return v }
		if blankCells(row) {
			return
		}
		if IsTotalRow(cell("description")) || IsTotalRow(cell("service")) || IsTotalRow(cell("pool")) ||
			IsTotalRow(cell("category")) || len(row) > 0 && IsTotalRow(row[0]) {
			res.TotalRows++
			return
		}
		problem := func(key, reason string) {
			col := ""
			if key != "" {
				col = m.Header(m.Columns[key])
			}
			res.Problems = append(res.Problems, sheet.CellError{File: file, Sheet: sheetName, Row: rowNum, Column: col, Reason: reason})
		}
		before := len(res.Problems)
		l := Line{Pool: cell("pool"), CostCentre: cell("cost_centre"), GLAccount: cell("gl_account"),
			Description: cell("description"), Supplier: cell("supplier"), Version: "original", Status: "proposed"}
		var serviceID int64
		switch svcText := cell("service"); {
		case svcText != "" && l.Pool != "":
			problem("pool", "a line is either a service's direct cost or an indirect pool, not both")
		case svcText != "":
			svc, err := services.find(svcText)
			if err != nil {
				problem("service", err.Error())
			}
			l.ServiceRef, l.ServiceName, serviceID = svc.Ref, svc.Name, svc.ID
		case l.Pool == "":
			problem("service", "name the service (or, for a shared cost, the pool)")
		}
		cat, err := ParseCategory(cell("category"))
		if err != nil {
			problem("category", err.Error())
		}
		l.Category = cat
		switch strings.ToLower(strings.TrimSpace(cell("capex"))) {
		case "", "opex", "运营", "运营性", "费用", "费用性":
		case "capex", "资本", "资本性":
			l.Capex = true
		default:
			problem("capex", fmt.Sprintf("%q is not capex or opex (资本/运营)", cell("capex")))
		}
		if v := strings.ToLower(cell("version")); v != "" {
			switch v {
			case "original", "原始", "初始":
				l.Version = "original"
			case "revised", "调整", "修订":
				l.Version = "revised"
			case "forecast", "预测":
				l.Version = "forecast"
			default:
				problem("version", fmt.Sprintf("%q is not a version; use original, revised or forecast", cell("version")))
			}
		}
		amountOf := func(col int, header string) (Money, bool) {
			text := ""
			if col < len(row) {
				text = strings.TrimSpace(row[col])
			}
			if text == "" || text == "-" || text == "—" {
				return 0, true // blank means nothing budgeted
			}
			a, err := ParseAmount(text, decimals)
			if err != nil {
				res.Problems = append(res.Problems, sheet.CellError{File: file, Sheet: sheetName, Row: rowNum,
					Column: header, Reason: fmt.Sprintf("%q is not an amount", text)})
				return 0, false
			}
			return a, true
		}
		var amounts [12]Money
		if res.Layout == "wide" {
			for col, month := range monthCols {
				if a, ok := amountOf(col, m.Header(col)); ok {
					amounts[month-1] += a
				}
			}
		} else {
			mo, _, ok := ParseMonthHeader(cell("month"))
			if !ok {
				if d, isDate := ParseDate(cell("month")); isDate {
					mo, ok = int(d.Month()), true
				}
			}
			if !ok {
				problem("month", fmt.Sprintf("%q is not a month", cell("month")))
			} else if a, ok := amountOf(m.Columns["amount"], m.Header(m.Columns["amount"])); ok {
				amounts[(mo-fy.StartMonth+12)%12] = a
			}
		}
		if len(res.Problems) > before {
			return
		}
		key := strings.Join([]string{l.ServiceRef, l.Pool, string(l.Category), l.GLAccount, l.CostCentre, l.Description, l.Version}, "\x00")
		p, seen := lines[key]
		if !seen {
			p = &pendingLine{line: l, serviceID: serviceID, key: key}
			lines[key] = p
			order = append(order, key)
		} else if res.Layout == "wide" {
			problem("", "the same line is already in the sheet")
			return
		}
		for i, a := range amounts {
			p.line.Amounts[i] += a
		}
	}
	found := false
	// The rows are checked while the workbook is still being parsed on the
	// other core; nothing is written before every row has been checked.
	err = sheet.StreamFile(path, sheet.DefaultLimits, func(in *sheet.Stream) error {
		if found {
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
		mm, ok := sheet.FindHeader(head, LineFields, mapping)
		if !ok {
			return nil
		}
		found, m, sheetName = true, mm, in.Name
		for _, col := range m.Extra {
			if mo, _, ok := ParseMonthHeader(m.Headers[col]); ok {
				monthCols[col] = (mo-fy.StartMonth+12)%12 + 1
			}
		}
		_, hasMonth := m.Columns["month"]
		_, hasAmount := m.Columns["amount"]
		switch {
		case len(monthCols) > 0:
			res.Layout = "wide"
		case hasMonth && hasAmount:
			res.Layout = "long"
		default:
			res.Problems = append(res.Problems, sheet.CellError{File: file, Sheet: in.Name, Row: m.HeaderRow,
				Reason: "the header has neither month columns (Jan, 1月, 2026-01 …) nor Month and Amount columns"})
			return nil
		}
		for r := m.HeaderRow; r < len(head.Rows); r++ {
			processRow(r+1, head.Rows[r])
		}
		for row, ok := in.Next(); ok; row, ok = in.Next() {
			processRow(in.Row(), row)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if !found {
		res.Problems = append(res.Problems, sheet.CellError{File: file, Reason: "no sheet has a header row with a Category column (类别) and month or amount columns"})
		return res, refusal(res)
	}
	if len(res.Problems) > 0 {
		return res, refusal(res)
	}
	if actuals {
		var before int
		s.db.QueryRowContext(ctx, "SELECT count(DISTINCT coalesce(service_id, 0) || pool || category) FROM actual WHERE fy_id = ? AND source = ?", fy.ID, file).Scan(&before)
		res.Created, res.Updated = max(0, len(order)-before), min(before, len(order))
		if dryRun {
			return res, nil
		}
		return res, s.db.Tx(store.WithSource(ctx, file), func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "DELETE FROM actual WHERE fy_id = ? AND source = ?", fy.ID, file); err != nil {
				return err
			}
			for _, key := range order {
				p := lines[key]
				var svc any
				if p.serviceID != 0 {
					svc = p.serviceID
				}
				for i, a := range p.line.Amounts {
					if a == 0 {
						continue
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO actual (fy_id, service_id, pool, category, month, amount, source)
						VALUES (?, ?, ?, ?, ?, ?, ?)`, fy.ID, svc, p.line.Pool, string(p.line.Category), i+1, int64(a), file); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	for _, key := range order {
		p := lines[key]
		p.existing = s.findLine(ctx, fy, p)
		if p.existing != 0 {
			res.Updated++
		} else {
			res.Created++
		}
	}
	if dryRun {
		return res, nil
	}
	err = s.db.Tx(store.WithSource(ctx, file), func(tx *sql.Tx) error {
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		for _, key := range order {
			p := lines[key]
			id := p.existing
			if id == 0 {
				var svc, pool any
				if p.serviceID != 0 {
					svc = p.serviceID
				} else {
					pool = p.line.Pool
				}
				if pool == nil {
					pool = ""
				}
				r, err := tx.ExecContext(ctx, `INSERT INTO budget_line (fy_id, service_id, pool, category, capex, cost_centre,
					gl_account, description, supplier, version, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					fy.ID, svc, pool, string(p.line.Category), p.line.Capex, p.line.CostCentre, p.line.GLAccount,
					p.line.Description, p.line.Supplier, p.line.Version, file)
				if err != nil {
					return err
				}
				id, _ = r.LastInsertId()
				if err := log.Add(ctx, "budget_line", id, "created", "", p.line.Description+" "+p.line.Total().Format(decimals)); err != nil {
					return err
				}
			} else {
				if _, err := tx.ExecContext(ctx, "DELETE FROM budget_amount WHERE line_id = ?", id); err != nil {
					return err
				}
				if err := log.Add(ctx, "budget_line", id, "amounts", "", p.line.Total().Format(decimals)); err != nil {
					return err
				}
			}
			for i, a := range p.line.Amounts {
				if a == 0 {
					continue
				}
				if _, err := tx.ExecContext(ctx, "INSERT INTO budget_amount (line_id, month, amount) VALUES (?, ?, ?)", id, i+1, int64(a)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return res, err
}

func (s *Store) findLine(ctx context.Context, fy FiscalYear, p *pendingLine) int64 {
	var id int64
	s.db.QueryRowContext(ctx, `SELECT id FROM budget_line WHERE fy_id = ? AND coalesce(service_id, 0) = ? AND pool = ?
		AND category = ? AND gl_account = ? AND cost_centre = ? AND description = ? AND version = ?`,
		fy.ID, p.serviceID, p.line.Pool, string(p.line.Category), p.line.GLAccount, p.line.CostCentre, p.line.Description,
		p.line.Version).Scan(&id)
	return id
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

// serviceIndex finds services by reference or unique name.
type serviceIndex struct {
	byRef  map[string]cmdb.CI
	byName map[string][]cmdb.CI
}

func (s *Store) serviceIndex(ctx context.Context) (*serviceIndex, error) {
	types, err := s.cmdb.Types(ctx)
	if err != nil {
		return nil, err
	}
	isService := map[string]bool{}
	for _, t := range types {
		isService[t.Key] = t.IsService
	}
	all, _, err := s.cmdb.ListCIs(ctx, cmdb.Filter{})
	if err != nil {
		return nil, err
	}
	idx := &serviceIndex{byRef: map[string]cmdb.CI{}, byName: map[string][]cmdb.CI{}}
	for _, c := range all {
		if !isService[c.TypeKey] {
			continue
		}
		idx.byRef[c.Ref] = c
		idx.byName[sheet.Fold(c.Name)] = append(idx.byName[sheet.Fold(c.Name)], c)
		// A name in two languages is often given in one of them.
		for _, part := range strings.Fields(c.Name) {
			if p := sheet.Fold(part); p != sheet.Fold(c.Name) {
				idx.byName[p] = append(idx.byName[p], c)
			}
		}
	}
	return idx, nil
}

func (idx *serviceIndex) find(text string) (cmdb.CI, error) {
	if c, ok := idx.byRef[cmdb.NormalizeRef(text)]; ok {
		return c, nil
	}
	found := idx.byName[sheet.Fold(text)]
	switch len(found) {
	case 0:
		return cmdb.CI{}, fmt.Errorf("no service is named %q", text)
	case 1:
		return found[0], nil
	}
	return cmdb.CI{}, fmt.Errorf("%d services are named %q; use the reference (%s, %s …)", len(found), text, found[0].Ref, found[1].Ref)
}
