package budget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"servicebook/sheet"
	"servicebook/store"
)

// writeLines creates or updates the file's lines. Whether a line exists is
// decided inside the write transaction, so that two imports of one file at
// once cannot both create it. An approved line is never changed: the file's
// change becomes a revision (opts.Revise) or refuses the import.
func (s *Store) writeLines(ctx context.Context, fy FiscalYear, r *rowReader, res *ImportResult) error {
	d := Decimals(fy.Currency)
	return s.db.LoggedTxOrRehearse(ctx, res.DryRun, func(tx *sql.Tx, log *store.ChangeWriter) error {
		blog := &batchLog{log: log, fy: fy, file: res.File}
		w, err := newLineWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		for _, key := range r.order {
			p := r.lines[key]
			target, err := w.currentVersion(ctx, fy, p)
			if err != nil {
				return err
			}
			switch {
			case target.id == 0:
				id, err := w.insert(ctx, fy, p.serviceID, p.line, "proposed", res.File)
				if err != nil {
					return err
				}
				p.existing = id
				res.Created++
				if err := blog.Add(ctx, "budget_line", id, "created", "", describe(p.line)+" "+p.line.Total().Format(d)); err != nil {
					return err
				}
				continue
			case target.amounts == p.line.Amounts:
				p.existing = target.id
				res.Unchanged++
				continue
			case target.status == "approved" && !r.opts.Revise:
				r.problem(p.row, "", fmt.Sprintf("line %d (%s) was approved by %s on %s; the file changes its year from %s to %s. "+
					"Revise the line first, or import with --revise to write the change as a new revision",
					target.id, describe(p.line), target.approver, target.approvedAt, sum(target.amounts).Format(d), p.line.Total().Format(d)))
				continue
			case target.status == "approved":
				l := p.line
				l.Version = "revised"
				id, err := w.insert(ctx, fy, p.serviceID, l, "proposed", res.File)
				if err != nil {
					return err
				}
				p.existing = id
				res.Revised++
				if err := blog.Add(ctx, "budget_line", id, "created", "", fmt.Sprintf("revision of line %d (approved by %s): %s → %s",
					target.id, target.approver, sum(target.amounts).Format(d), l.Total().Format(d))); err != nil {
					return err
				}
				continue
			}
			p.existing = target.id
			res.Updated++
			if err := w.setAmounts(ctx, target.id, p.line.Amounts); err != nil {
				return err
			}
			if err := blog.Add(ctx, "budget_line", target.id, "amounts", sum(target.amounts).Format(d), p.line.Total().Format(d)); err != nil {
				return err
			}
			// Month by month as well: what an undo of the import puts back.
			for m := range 12 {
				if old, now := target.amounts[m], p.line.Amounts[m]; old != now {
					if err := blog.Add(ctx, "budget_line", target.id, monthField+fy.MonthLabel(m+1), old.Format(d), now.Format(d)); err != nil {
						return err
					}
				}
			}
		}
		if len(res.Problems) > 0 {
			return refusal(*res)
		}
		for _, key := range r.order {
			var stored Money
			if err := w.stored.QueryRowContext(ctx, r.lines[key].existing).Scan(&stored); err != nil {
				return err
			}
			res.ImportedTotal += stored
		}
		return reconciled(*res)
	})
}

// storedLine is the version of a line the database holds now.
type storedLine struct {
	id                           int64
	status, approver, approvedAt string
	amounts                      [12]Money
}

// lineWriter holds the statements an import runs once per line, prepared
// once per import.
type lineWriter struct {
	find, amounts, stored, insertLine, deleteAmounts, insertAmount *sql.Stmt
}

func newLineWriter(ctx context.Context, tx *sql.Tx) (*lineWriter, error) {
	w := &lineWriter{}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.find, `SELECT id, status, approver, approved_at FROM budget_line
			WHERE fy_id = ? AND coalesce(service_id, 0) = ? AND pool = ? AND category = ? AND gl_account = ?
			AND cost_centre = ? AND description = ? AND version IN (?, ?)
			ORDER BY version = 'revised' DESC, id DESC LIMIT 1`},
		{&w.amounts, "SELECT month, amount FROM budget_amount WHERE line_id = ?"},
		{&w.stored, "SELECT coalesce(sum(amount), 0) FROM budget_amount WHERE line_id = ?"},
		{&w.insertLine, `INSERT INTO budget_line (fy_id, service_id, pool, category, capex, cost_centre,
			gl_account, description, supplier, version, status, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`},
		{&w.deleteAmounts, "DELETE FROM budget_amount WHERE line_id = ?"},
		{&w.insertAmount, "INSERT INTO budget_amount (line_id, month, amount) VALUES (?, ?, ?)"},
	} {
		stmt, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			w.close()
			return nil, err
		}
		*p.stmt = stmt
	}
	return w, nil
}

func (w *lineWriter) close() {
	for _, s := range []*sql.Stmt{w.find, w.amounts, w.stored, w.insertLine, w.deleteAmounts, w.insertAmount} {
		if s != nil {
			s.Close()
		}
	}
}

// currentVersion finds the line an imported line updates: of the lines
// with its identity, the newest revision (which is the budget) where the
// file gives the original or a revision, else the line of the file's
// version. A zero id means there is none.
func (w *lineWriter) currentVersion(ctx context.Context, fy FiscalYear, p *pendingLine) (storedLine, error) {
	var sl storedLine
	versions := []string{p.line.Version, p.line.Version}
	if p.line.Version == "original" {
		versions[1] = "revised"
	}
	err := w.find.QueryRowContext(ctx, fy.ID, p.serviceID, p.line.Pool, string(p.line.Category), p.line.GLAccount,
		p.line.CostCentre, p.line.Description, versions[0], versions[1]).Scan(&sl.id, &sl.status, &sl.approver, &sl.approvedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return storedLine{}, nil
	}
	if err != nil {
		return sl, err
	}
	rows, err := w.amounts.QueryContext(ctx, sl.id)
	if err != nil {
		return sl, err
	}
	defer rows.Close()
	for rows.Next() {
		var month int
		var a Money
		if err := rows.Scan(&month, &a); err != nil {
			return sl, err
		}
		sl.amounts[month-1] = a
	}
	return sl, rows.Err()
}

func (w *lineWriter) insert(ctx context.Context, fy FiscalYear, serviceID int64, l Line, status, source string) (int64, error) {
	var svc any
	if serviceID != 0 {
		svc = serviceID
	}
	var id int64
	if err := w.insertLine.QueryRowContext(ctx, fy.ID, svc, l.Pool, string(l.Category), l.Capex, l.CostCentre, l.GLAccount,
		l.Description, l.Supplier, l.Version, status, source).Scan(&id); err != nil {
		return 0, err
	}
	return id, w.setAmounts(ctx, id, l.Amounts)
}

// setAmounts replaces a line's monthly amounts.
func (w *lineWriter) setAmounts(ctx context.Context, lineID int64, amounts [12]Money) error {
	if _, err := w.deleteAmounts.ExecContext(ctx, lineID); err != nil {
		return err
	}
	for i, a := range amounts {
		if a == 0 {
			continue
		}
		if _, err := w.insertAmount.ExecContext(ctx, lineID, i+1, int64(a)); err != nil {
			return err
		}
	}
	return nil
}

// reconciled refuses an import whose stored money differs from the file's.
// It cannot differ when every step above is right; this is the check that
// says so, in the transaction, before anything is committed.
func reconciled(res ImportResult) error {
	if res.FileTotal == res.ImportedTotal {
		return nil
	}
	d := Decimals(res.Currency)
	return store.Errorf(store.EInvalid, "%s: the file's lines add up to %s but %s would be stored; nothing was imported.",
		res.File, res.FileTotal.Format(d), res.ImportedTotal.Format(d))
}

// nonEmptyRows drains a sheet and counts its rows with content.
func nonEmptyRows(in *sheet.Stream) int {
	n := 0
	for row, ok := in.Next(); ok; row, ok = in.Next() {
		if !blankCells(row) {
			n++
		}
	}
	return n
}

func blankTable(rows [][]string) bool {
	for _, r := range rows {
		if !blankCells(r) {
			return false
		}
	}
	return true
}
