package budget

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"servicebook/store"
)

// monthField is the change-log field of one month of a line an import
// changed ("month 2026-03"): what an undo of the import puts back.
const monthField = "month "

// batchLog is an import's change log: before its first entry it writes
// the one that begins the import's batch, which an undo takes back from
// (two imports of one file in the same second are told apart by it). An
// import that changes nothing writes nothing, not even that.
type batchLog struct {
	log     *store.ChangeWriter
	fy      FiscalYear
	file    string
	actuals bool
	started bool
}

func (b *batchLog) Add(ctx context.Context, entity string, id int64, field, old, new string) error {
	if !b.started {
		b.started = true
		what := "budget lines"
		if b.actuals {
			what = "actuals"
		}
		if err := b.log.Add(ctx, "import", b.fy.ID, "started", "", fmt.Sprintf("%s of %s into fiscal year %d", what, b.file, b.fy.Year)); err != nil {
			return err
		}
	}
	return b.log.Add(ctx, entity, id, field, old, new)
}

// UndoResult says what undoing an import did.
type UndoResult struct {
	File               string
	At                 string // when the import undone was made
	LinesDeleted       int    // lines the import had created
	LinesRestored      int    // lines whose months it had changed, back as they were
	ActualsDeleted     int    // actuals it had brought
	RevisionsWithdrawn int    // revisions it had opened of approved lines
}

// UndoImport takes back the latest import of file into fy, as a whole, in
// one transaction: the lines it created go, the months it changed go back
// to what they were, the actuals it brought go. It refuses, and changes
// nothing, when a line has been changed since (approved, edited, imported
// again): undoing would lose that later work. The import's change-log
// entries are the record of what to take back; the undo writes its own,
// with the source "undo of FILE".
func (s *Store) UndoImport(ctx context.Context, fy FiscalYear, file string) (UndoResult, error) {
	res := UndoResult{File: file}
	undoSource := "undo of " + file
	err := s.db.LoggedTx(store.WithSource(ctx, undoSource), func(tx *sql.Tx, log *store.ChangeWriter) error {
		var start, last int64
		err := tx.QueryRowContext(ctx, `SELECT id, at FROM change_log WHERE source = ? AND entity = 'import' AND entity_id = ?
			ORDER BY id DESC LIMIT 1`, file, fy.ID).Scan(&start, &res.At)
		if err == sql.ErrNoRows {
			return store.Errorf(store.ENotFound, "No import of %s into fiscal year %d is in the change log: there is no import to undo.", file, fy.Year)
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log WHERE source = ? AND id > ?", file, start).Scan(&last); err != nil {
			return err
		}
		var undone int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM change_log WHERE source = ? AND id > ?", undoSource, start).Scan(&undone); err != nil {
			return err
		}
		if undone > 0 {
			return store.Errorf(store.EInvalid, "The import of %s made at %s has already been undone.", file, res.At)
		}
		type entry struct {
			id              int64
			entity          string
			entityID        int64
			field, old, new string
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, entity, entity_id, field, old_value, new_value FROM change_log
			WHERE source = ? AND id > ? AND id <= ? AND entity IN ('budget_line', 'actual') ORDER BY id`, file, start, last)
		if err != nil {
			return err
		}
		var batch []entry
		for rows.Next() {
			var e entry
			if err := rows.Scan(&e.id, &e.entity, &e.entityID, &e.field, &e.old, &e.new); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, e)
		}
		rows.Close()
		// Later work on the same lines would be lost: refuse, naming it.
		checked := map[int64]bool{}
		for _, e := range batch {
			if e.entity != "budget_line" || checked[e.entityID] {
				continue
			}
			checked[e.entityID] = true
			var who, at, field string
			err := tx.QueryRowContext(ctx, `SELECT who, at, field FROM change_log WHERE entity = 'budget_line' AND entity_id = ? AND id > ?
				ORDER BY id LIMIT 1`, e.entityID, last).Scan(&who, &at, &field)
			if err == nil {
				return store.Errorf(store.EInvalid, "Line %d was changed after the import (%s, by %s at %s); undoing the import would lose that. Nothing was changed.",
					e.entityID, field, who, at)
			}
			if err != sql.ErrNoRows {
				return err
			}
		}
		for _, e := range batch {
			if e.entity == "actual" && e.field == "deleted" {
				return store.Errorf(store.EInvalid, "The import of %s replaced the actuals an earlier import of the same file brought; import that earlier file again instead. Nothing was changed.", file)
			}
		}
		d := Decimals(fy.Currency)
		for _, e := range batch {
			switch {
			case e.entity == "budget_line" && e.field == "created":
				if _, err := tx.ExecContext(ctx, "DELETE FROM budget_line WHERE id = ?", e.entityID); err != nil {
					return err
				}
				if strings.HasPrefix(e.new, "revision of line") {
					res.RevisionsWithdrawn++
				} else {
					res.LinesDeleted++
				}
				if err := log.Add(ctx, "budget_line", e.entityID, "deleted", e.new, ""); err != nil {
					return err
				}
			case e.entity == "budget_line" && strings.HasPrefix(e.field, monthField):
				month := 0
				for m := 1; m <= 12; m++ {
					if fy.MonthLabel(m) == strings.TrimPrefix(e.field, monthField) {
						month = m
					}
				}
				old, err := ParseAmount(e.old, d)
				if err != nil || month == 0 {
					return store.Errorf(store.EInternal, "the change log's entry %d (%s %q) cannot be read back", e.id, e.field, e.old)
				}
				if _, err := tx.ExecContext(ctx, "DELETE FROM budget_amount WHERE line_id = ? AND month = ?", e.entityID, month); err != nil {
					return err
				}
				if old != 0 {
					if _, err := tx.ExecContext(ctx, "INSERT INTO budget_amount (line_id, month, amount) VALUES (?, ?, ?)", e.entityID, month, int64(old)); err != nil {
						return err
					}
				}
				if err := log.Add(ctx, "budget_line", e.entityID, e.field, e.new, e.old); err != nil {
					return err
				}
			case e.entity == "budget_line" && e.field == "amounts":
				res.LinesRestored++
			case e.entity == "actual" && e.field == "created":
				r, err := tx.ExecContext(ctx, "DELETE FROM actual WHERE id = ?", e.entityID)
				if err != nil {
					return err
				}
				if n, _ := r.RowsAffected(); n > 0 {
					res.ActualsDeleted++
					if err := log.Add(ctx, "actual", e.entityID, "deleted", e.new, ""); err != nil {
						return err
					}
				}
			}
		}
		if res.LinesDeleted+res.LinesRestored+res.ActualsDeleted+res.RevisionsWithdrawn == 0 {
			return store.Errorf(store.EInvalid, "The import of %s at %s changed nothing that can be taken back.", file, res.At)
		}
		return nil
	})
	return res, err
}

// String says what an undo did, for the command line and the status line.
func (r UndoResult) String() string {
	return fmt.Sprintf("Undid the import of %s made at %s: %d lines deleted, %d lines' months put back, %d revisions withdrawn, %d actuals deleted.",
		r.File, r.At, r.LinesDeleted, r.LinesRestored, r.RevisionsWithdrawn, r.ActualsDeleted)
}
