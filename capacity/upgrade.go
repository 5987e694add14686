package capacity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"servicebook/budget"
	"servicebook/store"
)

// Upgrade is a planned addition of capacity to a resource.
type Upgrade struct {
	ID         int64
	Resource   string // the resource's name
	Planned    time.Time
	Adds       float64 // capacity added, in the resource's unit
	Cost       budget.Money
	Supplier   string
	ServiceRef string // the service whose budget carries the cost
	Status     string // planned, cancelled
	// BudgetLine is the line the upgrade proposed (0: none), and
	// BudgetNote says why there is none or what became of it.
	BudgetLine int64
	BudgetNote string
}

// AddUpgrade records a planned upgrade. With a cost, it proposes a budget
// line for the service in the fiscal year of the planned date — assets,
// capex, the amount in the month of the date — written with the upgrade
// in one transaction and linked to it. Without a fiscal year for that date
// the upgrade is recorded and BudgetNote says the line is still to come.
func (s *Store) AddUpgrade(ctx context.Context, bs *budget.Store, u Upgrade) (Upgrade, error) {
	r, serviceID, err := s.checkUpgrade(ctx, &u)
	if err != nil {
		return u, err
	}
	fy, month, err := s.fiscalMonth(ctx, bs, &u)
	if err != nil {
		return u, err
	}
	u.Status = "planned"
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := store.Insert(ctx, tx, `INSERT INTO capacity_upgrade (resource_id, planned, adds, cost, supplier, service_id)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ID, u.Planned.Format(time.DateOnly), u.Adds, int64(u.Cost), strings.TrimSpace(u.Supplier), serviceID)
		if err != nil {
			return store.MapError(err)
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := forgetStatuses(ctx, tx, r.ID); err != nil {
			return err
		}
		if err := log.Add(ctx, "capacity_upgrade", u.ID, "created", "", u.describe(r)); err != nil {
			return err
		}
		return s.proposeLine(ctx, tx, log, bs, &u, r, fy, month)
	})
	return u, err
}

// describe is an upgrade as the change log records it.
func (u Upgrade) describe(r Resource) string {
	return fmt.Sprintf("%s +%g %s on %s, cost %s, supplier %s, budget of %s", r.Name, u.Adds, r.Unit, u.Planned.Format(time.DateOnly),
		u.Cost.Format(2), orDash(u.Supplier), orDash(u.ServiceRef))
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// checkUpgrade checks an upgrade before it is written and finds its
// resource and, with a cost, the service whose budget carries it.
func (s *Store) checkUpgrade(ctx context.Context, u *Upgrade) (Resource, any, error) {
	r, err := s.Resource(ctx, u.Resource)
	if err != nil {
		return r, nil, err
	}
	u.Resource = r.Name
	if !(u.Adds > 0) {
		return r, nil, store.Errorf(store.EInvalid, "An upgrade adds capacity: give how much, in %s.", unitOr(r.Unit))
	}
	if u.Planned.IsZero() {
		return r, nil, store.Errorf(store.EInvalid, "Give the date the upgrade is planned for.")
	}
	if u.Cost < 0 {
		return r, nil, store.Errorf(store.EInvalid, "A cost cannot be negative.")
	}
	if problems := store.CheckTexts(map[string]string{"supplier": u.Supplier}); len(problems) > 0 {
		return r, nil, store.Invalid(problems)
	}
	if u.Cost == 0 {
		u.ServiceRef = ""
		return r, nil, nil
	}
	if strings.TrimSpace(u.ServiceRef) == "" {
		return r, nil, store.Errorf(store.EInvalid, "An upgrade with a cost names the service whose budget carries it.")
	}
	ci, err := s.cmdb.CI(ctx, u.ServiceRef)
	if err != nil {
		return r, nil, err
	}
	u.ServiceRef = ci.Ref
	return r, ci.ID, nil
}

// fiscalMonth is the fiscal year and month a costed upgrade's line goes
// into; month 0 (and BudgetNote saying why) when there is no line to
// propose: no cost, or no fiscal year for the date yet.
func (s *Store) fiscalMonth(ctx context.Context, bs *budget.Store, u *Upgrade) (budget.FiscalYear, int, error) {
	if u.Cost == 0 {
		return budget.FiscalYear{}, 0, nil
	}
	fy, month, err := bs.FiscalYearOf(ctx, u.Planned)
	if store.ErrorCode(err) == store.ENotFound {
		u.BudgetNote = err.Error()
		return fy, 0, nil
	}
	return fy, month, err
}

// proposeLine writes, inside the upgrade's transaction, the budget line a
// costed upgrade proposes (assets, capex, the amount in the month of its
// date) and links the two; nothing when month is 0.
func (s *Store) proposeLine(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, bs *budget.Store, u *Upgrade, r Resource, fy budget.FiscalYear, month int) error {
	if month == 0 {
		return nil
	}
	var amounts [12]budget.Money
	amounts[month-1] = u.Cost
	line, err := bs.AddLineIn(ctx, tx, log, fy, budget.Line{ServiceRef: u.ServiceRef, Category: budget.Assets, Capex: true,
		Description: fmt.Sprintf("capacity upgrade %d: %s +%g %s", u.ID, r.Name, u.Adds, r.Unit), Supplier: u.Supplier, Amounts: amounts})
	if err != nil {
		return err
	}
	u.BudgetLine = line.ID
	if _, err := tx.ExecContext(ctx, "UPDATE capacity_upgrade SET budget_line_id = ? WHERE id = ?", line.ID, u.ID); err != nil {
		return err
	}
	return log.Add(ctx, "capacity_upgrade", u.ID, "budget_line", "", fmt.Sprintf("%d (%s, %s)", line.ID, fy.Label(), fy.MonthLabel(month)))
}

// ProposeWhenYearCreated is the budget hook (budget.Store.OnYearCreated)
// that proposes, in the transaction creating a fiscal year, the budget
// lines of the costed upgrades planned within it that had no year to go
// into when they were recorded. Without it their money would be missing
// from the year's budget until someone changed each upgrade.
func (s *Store) ProposeWhenYearCreated(bs *budget.Store) budget.YearHook {
	return func(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, fy budget.FiscalYear) error {
		waiting, err := queryUpgrades(ctx, tx, "WHERE u.cost > 0 AND u.budget_line_id IS NULL AND u.status = 'planned'")
		if err != nil {
			return err
		}
		for i := range waiting {
			u := &waiting[i]
			month, err := fy.FiscalMonth(budget.MonthRef{Number: int(u.Planned.Month()), Year: u.Planned.Year()})
			if err != nil {
				continue // planned in another year
			}
			r, err := scanResource(tx.QueryRowContext(ctx, "SELECT "+resourceColumns+"WHERE r.name = ?", u.Resource))
			if err != nil {
				return err
			}
			if err := s.proposeLine(ctx, tx, log, bs, u, r, fy, month); err != nil {
				return err
			}
		}
		return nil
	}
}

// UpdateUpgrade changes a planned upgrade (found by u.ID): its date, the
// capacity it adds, its cost, supplier and service. The budget line it
// proposed follows, in the same transaction: a line still proposed is
// withdrawn and proposed again as the upgrade now is (another month or
// fiscal year, another amount or service, or none without a cost); an
// approved line is a decision and changes only through a budget revision,
// so a change to the money, the month or the service is refused while the
// line is approved (the capacity it adds and the supplier may change).
func (s *Store) UpdateUpgrade(ctx context.Context, bs *budget.Store, u Upgrade) (Upgrade, error) {
	ups, err := s.upgrades(ctx, "WHERE u.id = ?", u.ID)
	if err != nil {
		return u, err
	}
	if len(ups) == 0 {
		return u, store.Errorf(store.ENotFound, "There is no capacity upgrade %d.", u.ID)
	}
	old := ups[0]
	if old.Status != "planned" {
		return u, store.Errorf(store.EInvalid, "Capacity upgrade %d is cancelled; plan a new one instead.", u.ID)
	}
	u.Resource = old.Resource
	r, serviceID, err := s.checkUpgrade(ctx, &u)
	if err != nil {
		return u, err
	}
	fy, month, err := s.fiscalMonth(ctx, bs, &u)
	if err != nil {
		return u, err
	}
	u.Status, u.BudgetLine = "planned", old.BudgetLine
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		if old.BudgetLine != 0 {
			var status string
			if err := tx.QueryRowContext(ctx, "SELECT status FROM budget_line WHERE id = ?", old.BudgetLine).Scan(&status); err != nil {
				return err
			}
			oldFY, oldMonth, _ := bs.FiscalYearOf(ctx, old.Planned)
			moneyMoves := u.Cost != old.Cost || u.ServiceRef != old.ServiceRef || oldFY.ID != fy.ID || oldMonth != month
			// A proposed line also names the capacity and the supplier: it
			// is proposed again when they change, so that it reads true.
			lineChanges := moneyMoves || u.Adds != old.Adds || strings.TrimSpace(u.Supplier) != old.Supplier
			switch {
			case status == "approved" && moneyMoves:
				return store.Errorf(store.EInvalid, "Budget line %d, which upgrade %d proposed, is approved: change its money through a budget revision first (budget line revise %d); the upgrade's cost, date and service stay as approved.",
					old.BudgetLine, u.ID, old.BudgetLine)
			case status != "approved" && lineChanges:
				if err := bs.DeleteLineIn(ctx, tx, log, old.BudgetLine); err != nil {
					return err
				}
				u.BudgetLine = 0
				if _, err := tx.ExecContext(ctx, "UPDATE capacity_upgrade SET budget_line_id = NULL WHERE id = ?", u.ID); err != nil {
					return err
				}
			default:
				month = 0 // the line stays as it is
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE capacity_upgrade SET planned = ?, adds = ?, cost = ?, supplier = ?, service_id = ?
			WHERE id = ?`, u.Planned.Format(time.DateOnly), u.Adds, int64(u.Cost), strings.TrimSpace(u.Supplier), serviceID, u.ID); err != nil {
			return err
		}
		if before, after := old.describe(r), u.describe(r); before != after {
			if err := log.Add(ctx, "capacity_upgrade", u.ID, "changed", before, after); err != nil {
				return err
			}
		}
		if err := forgetStatuses(ctx, tx, r.ID); err != nil {
			return err
		}
		if u.BudgetLine != 0 {
			return nil // kept as it was
		}
		return s.proposeLine(ctx, tx, log, bs, &u, r, fy, month)
	})
	return u, err
}

func unitOr(unit string) string {
	if unit == "" {
		return "its unit"
	}
	return unit
}

// CancelUpgrade cancels a planned upgrade and withdraws the budget line it
// proposed; a line already approved stays (revise it in the budget), and
// BudgetNote says so.
func (s *Store) CancelUpgrade(ctx context.Context, bs *budget.Store, id int64) (Upgrade, error) {
	var u Upgrade
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var status string
		var line sql.NullInt64
		var resource int64
		err := tx.QueryRowContext(ctx, "SELECT status, budget_line_id, resource_id FROM capacity_upgrade WHERE id = ?", id).Scan(&status, &line, &resource)
		if errors.Is(err, sql.ErrNoRows) {
			return store.Errorf(store.ENotFound, "There is no capacity upgrade %d.", id)
		}
		if err != nil {
			return err
		}
		if status == "cancelled" {
			return store.Errorf(store.EInvalid, "Capacity upgrade %d is cancelled already.", id)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE capacity_upgrade SET status = 'cancelled' WHERE id = ?", id); err != nil {
			return err
		}
		if err := log.Add(ctx, "capacity_upgrade", id, "status", "planned", "cancelled"); err != nil {
			return err
		}
		if err := forgetStatuses(ctx, tx, resource); err != nil {
			return err
		}
		if !line.Valid {
			return nil
		}
		var lineStatus string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM budget_line WHERE id = ?", line.Int64).Scan(&lineStatus); err != nil {
			return err
		}
		if lineStatus == "approved" {
			u.BudgetNote = fmt.Sprintf("Budget line %d is approved and stays; revise it in the budget if the money is no longer needed.", line.Int64)
			return nil
		}
		u.BudgetNote = fmt.Sprintf("Budget line %d, which the upgrade proposed, is withdrawn.", line.Int64)
		return bs.DeleteLineIn(ctx, tx, log, line.Int64)
	})
	if err != nil {
		return u, err
	}
	ups, err := s.upgrades(ctx, "WHERE u.id = ?", id)
	if err == nil && len(ups) == 1 {
		note := u.BudgetNote
		u = ups[0]
		u.BudgetNote = note
	}
	return u, err
}

// Upgrades lists a resource's upgrades (all resources' when name is ""),
// by date.
func (s *Store) Upgrades(ctx context.Context, name string) ([]Upgrade, error) {
	if name == "" {
		return s.upgrades(ctx, "")
	}
	return s.upgrades(ctx, "WHERE r.name = ?", strings.TrimSpace(name))
}

func (s *Store) upgrades(ctx context.Context, where string, args ...any) ([]Upgrade, error) {
	return queryUpgrades(ctx, s.db, where, args...)
}

// queryUpgrades reads upgrades through q, so that a write can read its own
// transaction's state.
func queryUpgrades(ctx context.Context, q store.Querier, where string, args ...any) ([]Upgrade, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.id, r.name, u.planned, u.adds, u.cost, u.supplier, coalesce(c.ref, ''),
		u.status, coalesce(u.budget_line_id, 0) FROM capacity_upgrade u JOIN capacity_resource r ON r.id = u.resource_id
		LEFT JOIN ci c ON c.id = u.service_id `+where+` ORDER BY u.planned, u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Upgrade
	for rows.Next() {
		var u Upgrade
		var planned string
		var cost int64
		if err := rows.Scan(&u.ID, &u.Resource, &planned, &u.Adds, &cost, &u.Supplier, &u.ServiceRef, &u.Status, &u.BudgetLine); err != nil {
			return nil, err
		}
		u.Planned, _ = time.Parse(time.DateOnly, planned)
		u.Cost = budget.Money(cost)
		out = append(out, u)
	}
	return out, rows.Err()
}

// capacitySteps is a resource's capacity over time: its capacity now and,
// from each planned upgrade's date, the capacity added.
type capacitySteps struct {
	base  float64
	steps []Upgrade // planned, by date
}

// at is the capacity on day t.
func (c capacitySteps) at(t time.Time) float64 {
	v := c.base
	for _, u := range c.steps {
		if !u.Planned.After(t) {
			v += u.Adds
		}
	}
	return v
}
