package continuity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"servicebook/store"
)

// Revisions returns the document-control table, oldest first.
func (s *Store) Revisions(ctx context.Context, planID int64) ([]Revision, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT version, change, date, reviewer, approver FROM plan_revision WHERE plan_id = ? ORDER BY id", planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Version, &r.Change, &r.Date, &r.Reviewer, &r.Approver); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (c Copy) validate() error {
	if strings.TrimSpace(c.Holder) == "" {
		return store.Errorf(store.EInvalid, "A copy needs a holder.")
	}
	if c.Issued != "" {
		if _, err := time.Parse(time.DateOnly, c.Issued); err != nil {
			return store.Errorf(store.EInvalid, "%q is not a date; write it as 2026-03-01.", c.Issued)
		}
	}
	return cleanTexts(map[string]string{"holder": c.Holder, "location": c.Location})
}

func (c Copy) describe() string {
	return fmt.Sprintf("copy %d: %s, %s, issued %s", c.CopyNo, c.Holder, orNone(c.Location), orNone(c.Issued))
}

// AddCopy records an issued copy of the plan on the distribution list. The
// distribution list is document control, not the plan's content: a copy
// issued of an approved plan is a copy of that version, and the plan stays
// approved. Every change to the list is in the change log.
func (s *Store) AddCopy(ctx context.Context, doc string, c Copy) error {
	if err := c.validate(); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		if c.CopyNo == 0 {
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(copy_no), 0) + 1 FROM distribution WHERE plan_id = ?", p.ID).Scan(&c.CopyNo); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO distribution (plan_id, copy_no, holder, location, issued) VALUES (?, ?, ?, ?, ?)",
			p.ID, c.CopyNo, c.Holder, c.Location, c.Issued)
		if err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "%s already has a copy %d.", p.DocNumber, c.CopyNo)
			}
			return err
		}
		id, _ := res.LastInsertId()
		return log.Add(ctx, "distribution", id, "created", "", fmt.Sprintf("%s %s of version %s", p.DocNumber, c.describe(), p.Version))
	})
}

// UpdateCopy changes a line of the distribution list, found by its copy
// number: holder, location, date issued.
func (s *Store) UpdateCopy(ctx context.Context, doc string, c Copy) error {
	if err := c.validate(); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, id, old, err := copyOf(ctx, tx, doc, c.CopyNo)
		if err != nil {
			return err
		}
		if old == c {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE distribution SET holder = ?, location = ?, issued = ? WHERE id = ?",
			c.Holder, c.Location, c.Issued, id); err != nil {
			return err
		}
		return log.Add(ctx, "distribution", id, "changed", p.DocNumber+" "+old.describe(), p.DocNumber+" "+c.describe())
	})
}

// RemoveCopy takes a copy off the distribution list (it was withdrawn or
// destroyed); the change log keeps who held it.
func (s *Store) RemoveCopy(ctx context.Context, doc string, copyNo int) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, id, old, err := copyOf(ctx, tx, doc, copyNo)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM distribution WHERE id = ?", id); err != nil {
			return err
		}
		return log.Add(ctx, "distribution", id, "deleted", p.DocNumber+" "+old.describe(), "")
	})
}

func copyOf(ctx context.Context, tx *sql.Tx, doc string, copyNo int) (Plan, int64, Copy, error) {
	p, err := planForWrite(ctx, tx, doc)
	if err != nil {
		return p, 0, Copy{}, err
	}
	c := Copy{CopyNo: copyNo}
	var id int64
	err = tx.QueryRowContext(ctx, "SELECT id, holder, location, issued FROM distribution WHERE plan_id = ? AND copy_no = ?",
		p.ID, copyNo).Scan(&id, &c.Holder, &c.Location, &c.Issued)
	if err == sql.ErrNoRows {
		return p, 0, c, store.Errorf(store.ENotFound, "%s has no copy %d.", p.DocNumber, copyNo)
	}
	return p, id, c, err
}

// Distribution returns the distribution list.
func (s *Store) Distribution(ctx context.Context, planID int64) ([]Copy, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT copy_no, holder, location, issued FROM distribution WHERE plan_id = ? ORDER BY copy_no", planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Copy
	for rows.Next() {
		var c Copy
		if err := rows.Scan(&c.CopyNo, &c.Holder, &c.Location, &c.Issued); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
