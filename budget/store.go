package budget

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/store"
)

// Store keeps fiscal years, budget lines, actuals and allocation rules.
type Store struct {
	db        *store.DB
	cmdb      *cmdb.Store
	yearHooks []YearHook
}

// NewStore opens the budget records of db.
func NewStore(db *store.DB, cm *cmdb.Store) *Store { return &Store{db: db, cmdb: cm} }

// loggedTx runs fn in one transaction with a change-log writer, so that a
// budget decision and its audit entry are written together or not at all.
func (s *Store) loggedTx(ctx context.Context, fn func(tx *sql.Tx, log *store.ChangeWriter) error) error {
	return s.db.LoggedTx(ctx, fn)
}

// FiscalYear is a budget year.
type FiscalYear struct {
	ID         int64
	Year       int
	StartMonth int
	Currency   string
}

// YearHook runs inside the transaction that creates a fiscal year: what
// other domains owe the new year (a planned capacity upgrade's budget
// line) is written with it or not at all.
type YearHook func(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, fy FiscalYear) error

// OnYearCreated adds a hook CreateFiscalYear runs. Whoever wires the
// stores together adds them (budget cannot import the domains that build
// on it).
func (s *Store) OnYearCreated(h YearHook) { s.yearHooks = append(s.yearHooks, h) }

// CreateFiscalYear creates a fiscal year starting in startMonth of year.
func (s *Store) CreateFiscalYear(ctx context.Context, fy FiscalYear) (FiscalYear, error) {
	if fy.StartMonth == 0 {
		fy.StartMonth = 1
	}
	if fy.Currency == "" {
		fy.Currency = "CNY"
	}
	fy.Currency = strings.ToUpper(fy.Currency)
	if fy.Year < 1990 || fy.Year > 2200 || fy.StartMonth < 1 || fy.StartMonth > 12 || len(fy.Currency) != 3 {
		return fy, store.Errorf(store.EInvalid, "A fiscal year needs a year (e.g. 2026), a start month 1–12 and a three-letter currency (e.g. CNY).")
	}
	err := s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := store.Insert(ctx, tx, "INSERT INTO fiscal_year (year, start_month, currency) VALUES (?, ?, ?)", fy.Year, fy.StartMonth, fy.Currency)
		if err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "Fiscal year %d already exists.", fy.Year)
			}
			return err
		}
		fy.ID, _ = res.LastInsertId()
		if err := log.Add(ctx, "fiscal_year", fy.ID, "created", "", fmt.Sprintf("%d from %s, %s", fy.Year, fy.MonthLabel(1), fy.Currency)); err != nil {
			return err
		}
		for _, h := range s.yearHooks {
			if err := h(ctx, tx, log, fy); err != nil {
				return err
			}
		}
		return nil
	})
	return fy, err
}

// FiscalYear returns the fiscal year with a number. Returns ENOTFOUND.
func (s *Store) FiscalYear(ctx context.Context, year int) (FiscalYear, error) {
	fy := FiscalYear{Year: year}
	err := s.db.QueryRowContext(ctx, "SELECT id, start_month, currency FROM fiscal_year WHERE year = ?", year).Scan(&fy.ID, &fy.StartMonth, &fy.Currency)
	if errors.Is(err, sql.ErrNoRows) {
		return fy, store.Errorf(store.ENotFound, "There is no fiscal year %d; create it first (servicebook budget fy new %d).", year, year)
	}
	return fy, err
}

// FiscalYears lists the fiscal years.
func (s *Store) FiscalYears(ctx context.Context) ([]FiscalYear, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, year, start_month, currency FROM fiscal_year ORDER BY year")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FiscalYear
	for rows.Next() {
		var fy FiscalYear
		if err := rows.Scan(&fy.ID, &fy.Year, &fy.StartMonth, &fy.Currency); err != nil {
			return nil, err
		}
		out = append(out, fy)
	}
	return out, rows.Err()
}

// Lines returns the budget lines of a fiscal year with their amounts.
func (s *Store) Lines(ctx context.Context, fy FiscalYear) ([]Line, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT l.id, coalesce(c.ref, ''), coalesce(c.name, ''), l.pool, l.category, l.capex,
		l.cost_centre, l.gl_account, l.description, l.supplier, l.version, l.status
		FROM budget_line l LEFT JOIN ci c ON c.id = l.service_id WHERE l.fy_id = ? ORDER BY l.id`, fy.ID)
	if err != nil {
		return nil, err
	}
	var out []Line
	index := map[int64]int{}
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.ID, &l.ServiceRef, &l.ServiceName, &l.Pool, &l.Category, &l.Capex, &l.CostCentre,
			&l.GLAccount, &l.Description, &l.Supplier, &l.Version, &l.Status); err != nil {
			rows.Close()
			return nil, err
		}
		index[l.ID] = len(out)
		out = append(out, l)
	}
	rows.Close()
	amounts, err := s.db.QueryContext(ctx, `SELECT a.line_id, a.month, a.amount FROM budget_amount a
		JOIN budget_line l ON l.id = a.line_id WHERE l.fy_id = ?`, fy.ID)
	if err != nil {
		return nil, err
	}
	defer amounts.Close()
	for amounts.Next() {
		var id int64
		var month int
		var amount Money
		if err := amounts.Scan(&id, &month, &amount); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok && month >= 1 && month <= 12 {
			out[i].Amounts[month-1] = amount
		}
	}
	return out, amounts.Err()
}

// AddLine saves a new budget line with its monthly amounts.
func (s *Store) AddLine(ctx context.Context, fy FiscalYear, l Line) (Line, error) {
	err := s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) (err error) {
		l, err = s.AddLineIn(ctx, tx, log, fy, l)
		return err
	})
	return l, err
}

// AddLineIn is AddLine inside a transaction another record is written in:
// a capacity upgrade and the budget line it proposes are written
// together or not at all.
func (s *Store) AddLineIn(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, fy FiscalYear, l Line) (Line, error) {
	var svc any
	if l.ServiceRef != "" {
		services, err := s.serviceIndex(ctx)
		if err != nil {
			return l, err
		}
		c, err := services.find(l.ServiceRef)
		if err != nil {
			return l, store.Errorf(store.EInvalid, "%v.", err)
		}
		svc, l.ServiceRef, l.ServiceName = c.ID, c.Ref, c.Name
	}
	if (svc == nil) == (l.Pool == "") {
		return l, store.Errorf(store.EInvalid, "A budget line belongs to a service or to a cost pool (one of them).")
	}
	if _, err := ParseCategory(string(l.Category)); err != nil {
		return l, store.Errorf(store.EInvalid, "%v.", err)
	}
	if l.Version == "" {
		l.Version = "original"
	}
	if problems := store.CheckTexts(map[string]string{"pool": l.Pool, "cost_centre": l.CostCentre, "gl_account": l.GLAccount,
		"description": l.Description, "supplier": l.Supplier}); len(problems) > 0 {
		return l, store.Invalid(problems)
	}
	res, err := store.Insert(ctx, tx, `INSERT INTO budget_line (fy_id, service_id, pool, category, capex, cost_centre, gl_account,
		description, supplier, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, fy.ID, svc, l.Pool, string(l.Category), l.Capex,
		l.CostCentre, l.GLAccount, l.Description, l.Supplier, l.Version)
	if err != nil {
		if store.ErrorCode(store.MapError(err)) == store.EConflict {
			return l, store.Errorf(store.EConflict, "%s already has this line (%s); change its amounts, or give the new one its own description.",
				fy.Label(), describe(l))
		}
		return l, err
	}
	l.ID, _ = res.LastInsertId()
	for i, a := range l.Amounts {
		if a != 0 {
			if _, err := tx.ExecContext(ctx, "INSERT INTO budget_amount (line_id, month, amount) VALUES (?, ?, ?)", l.ID, i+1, int64(a)); err != nil {
				return l, err
			}
		}
	}
	l.Status = "proposed"
	return l, log.Add(ctx, "budget_line", l.ID, "created", "", l.Description+" "+fmt.Sprint(int64(l.Total())))
}

// FiscalYearOf finds the fiscal year that holds day t, and the fiscal
// month (1–12) t falls in.
func (s *Store) FiscalYearOf(ctx context.Context, t time.Time) (FiscalYear, int, error) {
	years, err := s.FiscalYears(ctx)
	if err != nil {
		return FiscalYear{}, 0, err
	}
	for _, fy := range years {
		if m, err := fy.FiscalMonth(MonthRef{Number: int(t.Month()), Year: t.Year()}); err == nil {
			return fy, m, nil
		}
	}
	return FiscalYear{}, 0, store.Errorf(store.ENotFound, "No fiscal year holds %s; create it first (servicebook budget fy new %d).",
		t.Format(time.DateOnly), t.Year())
}

// SetAmounts replaces a line's monthly amounts. An approved line changes
// only through a new revision (see Revise).
func (s *Store) SetAmounts(ctx context.Context, lineID int64, amounts [12]Money) error {
	var status string
	if err := s.db.QueryRowContext(ctx, "SELECT status FROM budget_line WHERE id = ?", lineID).Scan(&status); err != nil {
		return store.Errorf(store.ENotFound, "There is no budget line %d.", lineID)
	}
	if status == "approved" {
		return store.Errorf(store.EInvalid, "Line %d is approved; revise it to change its amounts.", lineID)
	}
	return s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM budget_amount WHERE line_id = ?", lineID); err != nil {
			return err
		}
		var total Money
		for i, a := range amounts {
			total += a
			if a == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO budget_amount (line_id, month, amount) VALUES (?, ?, ?)", lineID, i+1, int64(a)); err != nil {
				return err
			}
		}
		return log.Add(ctx, "budget_line", lineID, "amounts", "", fmt.Sprint(int64(total)))
	})
}

// ApproveLine approves a line, recording the approver and date.
func (s *Store) ApproveLine(ctx context.Context, lineID int64, approver string) error {
	if strings.TrimSpace(approver) == "" {
		return store.Errorf(store.EInvalid, "Name the approver.")
	}
	return s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := tx.ExecContext(ctx, "UPDATE budget_line SET status = 'approved', approver = ?, approved_at = ? WHERE id = ? AND status = 'proposed'",
			approver, s.db.Now().Format("2006-01-02"), lineID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.Errorf(store.EInvalid, "Line %d does not exist or is already approved.", lineID)
		}
		return log.Add(ctx, "budget_line", lineID, "status", "proposed", "approved by "+approver)
	})
}

// Revise starts a revision of an approved line: a new proposed line of
// version "revised" with the same amounts, which replaces the original in
// reports. It returns the new line's id.
func (s *Store) Revise(ctx context.Context, lineID int64) (int64, error) {
	var id int64
	err := s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var status, version string
		if err := tx.QueryRowContext(ctx, "SELECT status, version FROM budget_line WHERE id = ?", lineID).Scan(&status, &version); err != nil {
			return store.Errorf(store.ENotFound, "There is no budget line %d.", lineID)
		}
		if status != "approved" {
			return store.Errorf(store.EInvalid, "Line %d is not approved; change it directly.", lineID)
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO budget_line (fy_id, service_id, pool, category, capex, cost_centre, gl_account,
			description, supplier, version, status, source)
			SELECT fy_id, service_id, pool, category, capex, cost_centre, gl_account, description, supplier, 'revised', 'proposed', source
			FROM budget_line WHERE id = ?`, lineID)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		if _, err = tx.ExecContext(ctx, "INSERT INTO budget_amount (line_id, month, amount) SELECT ?, month, amount FROM budget_amount WHERE line_id = ?", id, lineID); err != nil {
			return err
		}
		return log.Add(ctx, "budget_line", id, "created", "", fmt.Sprintf("revision of line %d", lineID))
	})
	return id, err
}

// identity is what makes two lines versions of the same budget item.
func (l Line) identity() string {
	return strings.Join([]string{l.ServiceRef, l.Pool, string(l.Category), l.GLAccount, l.CostCentre, l.Description}, "\x00")
}

// Effective returns the lines that make the budget: of the versions of a
// line, the revised one where there is one, else the original; forecast
// lines are returned separately.
func Effective(lines []Line) (budgetLines, forecast []Line) {
	revised := map[string]bool{}
	for _, l := range lines {
		if l.Version == "revised" {
			revised[l.identity()] = true
		}
	}
	seenRevised := map[string]bool{}
	for _, l := range lines {
		switch {
		case l.Version == "forecast":
			forecast = append(forecast, l)
		case l.Version == "original" && revised[l.identity()]:
		case l.Version == "revised":
			// The latest revision wins when there are several.
			if seenRevised[l.identity()] {
				for i := range budgetLines {
					if budgetLines[i].identity() == l.identity() {
						budgetLines[i] = l
					}
				}
				continue
			}
			seenRevised[l.identity()] = true
			budgetLines = append(budgetLines, l)
		default:
			budgetLines = append(budgetLines, l)
		}
	}
	return budgetLines, forecast
}

// SaveProfile saves a column mapping under a name, for the next import of
// a spreadsheet laid out the same way.
func (s *Store) SaveProfile(ctx context.Context, name, kind string, mapping map[string]string) error {
	if strings.TrimSpace(name) == "" {
		return store.Errorf(store.EInvalid, "Name the profile.")
	}
	data, err := json.Marshal(mapping)
	if err != nil {
		return err
	}
	return s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var old string
		if err := tx.QueryRowContext(ctx, "SELECT mapping FROM import_profile WHERE name = ?", strings.TrimSpace(name)).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO import_profile (name, kind, mapping) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, mapping = excluded.mapping`, strings.TrimSpace(name), kind, string(data)); err != nil {
			return err
		}
		if old == string(data) {
			return nil
		}
		// A profile is named, not numbered: its row's number in the file
		// (rowid), its id on a server (a column of the server's alone).
		rowID := "rowid"
		if s.db.Dialect == store.Postgres {
			rowID = "id"
		}
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT "+rowID+" FROM import_profile WHERE name = ?", strings.TrimSpace(name)).Scan(&id); err != nil {
			return err
		}
		return log.Add(ctx, "import_profile", id, strings.TrimSpace(name), old, string(data))
	})
}

// Profile returns a saved column mapping. Returns ENOTFOUND.
func (s *Store) Profile(ctx context.Context, name, kind string) (map[string]string, error) {
	var data, saved string
	err := s.db.QueryRowContext(ctx, "SELECT mapping, kind FROM import_profile WHERE name = ?", strings.TrimSpace(name)).Scan(&data, &saved)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.Errorf(store.ENotFound, "There is no import profile %q.", name)
	}
	if err != nil {
		return nil, err
	}
	// A profile maps one kind of file's fields: a budget's mapping used for
	// an inventory would send its columns to fields the inventory does not
	// read. Budgets and actuals share their fields.
	if profileFamily(saved) != profileFamily(kind) {
		return nil, store.Errorf(store.EInvalid, "The import profile %q is for %s files, not %s files.", name, saved, kind)
	}
	var m map[string]string
	return m, json.Unmarshal([]byte(data), &m)
}

// profileFamily groups the kinds of file whose fields are the same.
func profileFamily(kind string) string {
	if kind == "actuals" {
		return "budget"
	}
	return kind
}

// ServiceCost is what a service costs, for a change request that touches it.
type ServiceCost struct {
	ServiceRef, ServiceName string
	Lines                   []Line // its direct budget lines
	Year                    Money  // planned for the year, direct and allocated
	MonthlyRunCost          Money  // the year's plan divided by twelve
}

// ChangeCost gives the cost information for a proposed change that touches
// the CIs refs: every service impacted by them (the services themselves
// included), with its budget lines and monthly run cost.
func (s *Store) ChangeCost(ctx context.Context, fy FiscalYear, refs []string) ([]ServiceCost, error) {
	rep, err := s.cmdb.Impact(ctx, refs, true, 0)
	if err != nil {
		return nil, err
	}
	return s.ImpactCost(ctx, fy, rep)
}

// ImpactCost is ChangeCost for an upstream impact report already made,
// such as the one the window shows. Every service is in a report whatever
// its limit, so the cost is complete.
func (s *Store) ImpactCost(ctx context.Context, fy FiscalYear, rep cmdb.ImpactReport) ([]ServiceCost, error) {
	affected := map[string]bool{}
	for _, c := range rep.Start {
		affected[c.Ref] = true
	}
	for _, it := range rep.Items {
		if it.IsService {
			affected[it.CI.Ref] = true
		}
	}
	years, err := s.Report(ctx, fy, "")
	if err != nil {
		return nil, err
	}
	all, err := s.Lines(ctx, fy)
	if err != nil {
		return nil, err
	}
	lines, _ := Effective(all)
	var out []ServiceCost
	for _, y := range years {
		if !affected[y.ServiceRef] {
			continue
		}
		sc := ServiceCost{ServiceRef: y.ServiceRef, ServiceName: y.ServiceName, Year: y.Plan(), MonthlyRunCost: y.Plan() / 12}
		for _, l := range lines {
			if l.ServiceRef == y.ServiceRef {
				sc.Lines = append(sc.Lines, l)
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// DeleteLine deletes a proposed line (a mistaken import, a line entered
// twice) with its months; the change log keeps what it was. An approved
// line is evidence of a decision and is never deleted: revise it.
func (s *Store) DeleteLine(ctx context.Context, lineID int64) error {
	return s.loggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error { return s.DeleteLineIn(ctx, tx, log, lineID) })
}

// DeleteLineIn is DeleteLine inside a transaction another record is
// written in (a cancelled capacity upgrade withdraws its proposed line).
func (s *Store) DeleteLineIn(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, lineID int64) error {
	var status, desc, category, pool, version string
	var total Money
	err := tx.QueryRowContext(ctx, `SELECT l.status, l.description, l.category, l.pool, l.version,
		coalesce((SELECT sum(amount) FROM budget_amount a WHERE a.line_id = l.id), 0) FROM budget_line l WHERE l.id = ?`, lineID).
		Scan(&status, &desc, &category, &pool, &version, &total)
	if err == sql.ErrNoRows {
		return store.Errorf(store.ENotFound, "There is no budget line %d.", lineID)
	}
	if err != nil {
		return err
	}
	if status == "approved" {
		return store.Errorf(store.EInvalid, "Line %d is approved and stays as the record of that decision; revise it instead.", lineID)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM budget_line WHERE id = ?", lineID); err != nil {
		return err
	}
	what := strings.TrimSpace(fmt.Sprintf("%s %s %s %s, year %s", pool, category, desc, version, total.Format(2)))
	return log.Add(ctx, "budget_line", lineID, "deleted", what, "")
}
