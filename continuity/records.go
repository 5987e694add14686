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
	return fmt.Sprintf("copy %d: %s, %s, issued %s of version %s", c.CopyNo, c.Holder, orNone(c.Location), orNone(c.Issued), orNone(c.Version))
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
		if c.Version == "" {
			c.Version = p.Version
		}
		_, err = insertCopy(ctx, tx, log, p, c)
		return err
	})
}

// insertCopy adds c to p's distribution list, numbered next when it has
// no number, and logs it.
func insertCopy(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, p Plan, c Copy) (Copy, error) {
	if c.CopyNo == 0 {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(copy_no), 0) + 1 FROM distribution WHERE plan_id = ?", p.ID).Scan(&c.CopyNo); err != nil {
			return c, err
		}
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO distribution (plan_id, copy_no, holder, location, issued, version) VALUES (?, ?, ?, ?, ?, ?)",
		p.ID, c.CopyNo, c.Holder, c.Location, c.Issued, c.Version)
	if err != nil {
		if store.ErrorCode(store.MapError(err)) == store.EConflict {
			return c, store.Errorf(store.EConflict, "%s already has a copy %d.", p.DocNumber, c.CopyNo)
		}
		return c, err
	}
	id, _ := res.LastInsertId()
	return c, log.Add(ctx, "distribution", id, "created", "", p.DocNumber+" "+c.describe())
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
		if c.Version == "" {
			c.Version = old.Version // an edit of the line is not a new issue
		}
		if old == c {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE distribution SET holder = ?, location = ?, issued = ?, version = ? WHERE id = ?",
			c.Holder, c.Location, c.Issued, c.Version, id); err != nil {
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
	err = tx.QueryRowContext(ctx, "SELECT id, holder, location, issued, version FROM distribution WHERE plan_id = ? AND copy_no = ?",
		p.ID, copyNo).Scan(&id, &c.Holder, &c.Location, &c.Issued, &c.Version)
	if err == sql.ErrNoRows {
		return p, 0, c, store.Errorf(store.ENotFound, "%s has no copy %d.", p.DocNumber, copyNo)
	}
	return p, id, c, err
}

// Distribution returns the distribution list.
func (s *Store) Distribution(ctx context.Context, planID int64) ([]Copy, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT copy_no, holder, location, issued, version FROM distribution WHERE plan_id = ? ORDER BY copy_no", planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Copy
	for rows.Next() {
		var c Copy
		if err := rows.Scan(&c.CopyNo, &c.Holder, &c.Location, &c.Issued, &c.Version); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// IssueCopies records on the distribution list of each plan named by docs
// (every plan when none) that holder has been given a copy of the plan's
// current version on date: the holder's line is updated (its copy number
// kept), or a new copy is added for a holder not on the list yet. All the
// plans are recorded in one transaction, or none. It returns the copies as
// recorded, in the order of docs. Used when a pack is made for someone, so
// the register of who holds which version stays true.
func (s *Store) IssueCopies(ctx context.Context, docs []string, holder, date string) ([]IssuedCopy, error) {
	proto := Copy{Holder: strings.TrimSpace(holder), Issued: date}
	if err := proto.validate(); err != nil {
		return nil, err
	}
	var out []IssuedCopy
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		out = out[:0]
		if len(docs) == 0 {
			// Read inside the transaction: s.Plans would write (it assesses
			// changes) and wait on this transaction's own lock.
			rows, err := tx.QueryContext(ctx, "SELECT doc_number FROM plan ORDER BY doc_number")
			if err != nil {
				return err
			}
			for rows.Next() {
				var doc string
				if err := rows.Scan(&doc); err != nil {
					rows.Close()
					return err
				}
				docs = append(docs, doc)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for _, doc := range docs {
			c, err := issueCopy(ctx, tx, log, doc, proto)
			if err != nil {
				return err
			}
			out = append(out, IssuedCopy{DocNumber: doc, Copy: c})
		}
		return nil
	})
	return out, err
}

// IssuedCopy is a copy recorded as issued, with the plan it is a copy of.
type IssuedCopy struct {
	DocNumber string
	Copy
}

func issueCopy(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, doc string, c Copy) (Copy, error) {
	p, err := planForWrite(ctx, tx, doc)
	if err != nil {
		return c, err
	}
	c.Version = p.Version
	var id int64
	var old Copy
	err = tx.QueryRowContext(ctx, `SELECT id, copy_no, holder, location, issued, version FROM distribution
		WHERE plan_id = ? AND lower(trim(holder)) = lower(?) ORDER BY copy_no LIMIT 1`, p.ID, c.Holder).
		Scan(&id, &old.CopyNo, &old.Holder, &old.Location, &old.Issued, &old.Version)
	switch {
	case err == sql.ErrNoRows:
		return insertCopy(ctx, tx, log, p, c)
	case err != nil:
		return c, err
	}
	c.CopyNo, c.Holder, c.Location = old.CopyNo, old.Holder, old.Location
	if old == c {
		return c, nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE distribution SET issued = ?, version = ? WHERE id = ?", c.Issued, c.Version, id); err != nil {
		return c, err
	}
	return c, log.Add(ctx, "distribution", id, "changed", p.DocNumber+" "+old.describe(), p.DocNumber+" "+c.describe())
}
