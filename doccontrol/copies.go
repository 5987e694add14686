package doccontrol

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"servicebook/store"
)

// Copy is one line of the distribution list.
type Copy struct {
	CopyNo                   int
	Holder, Location, Issued string
	// Version is the document's version the copy was issued at; a holder
	// whose copy is older than the document holds an out-of-date copy.
	Version string
}

// IssuedCopy is a copy recorded as issued, with the document it is a copy of.
type IssuedCopy struct {
	DocNumber string
	Copy
}

// Validate checks a line of the distribution list before it is saved.
func (c Copy) Validate() error {
	if strings.TrimSpace(c.Holder) == "" {
		return store.Errorf(store.EInvalid, "A copy needs a holder.")
	}
	if c.Issued != "" {
		if _, err := time.Parse(time.DateOnly, c.Issued); err != nil {
			return store.Errorf(store.EInvalid, "%q is not a date; write it as 2026-03-01.", c.Issued)
		}
	}
	if problems := store.CheckTexts(map[string]string{"holder": c.Holder, "location": c.Location}); len(problems) > 0 {
		return store.Invalid(problems)
	}
	return nil
}

func (c Copy) describe() string {
	return fmt.Sprintf("copy %d: %s, %s, issued %s of version %s", c.CopyNo, c.Holder, orNone(c.Location), orNone(c.Issued), orNone(c.Version))
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Distribution returns the distribution list, by copy number.
func (t Tables) Distribution(ctx context.Context, q store.Querier, docID int64) ([]Copy, error) {
	rows, err := q.QueryContext(ctx, "SELECT copy_no, holder, location, issued, version FROM "+t.CopyTable+" WHERE plan_id = ? ORDER BY copy_no", docID)
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

// AddCopy adds c to d's distribution list, numbered next when it has no
// number and of d's current version when it names none, and logs it. The
// distribution list is document control, not content: issuing a copy of
// an approved document leaves it approved.
func (t Tables) AddCopy(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, d Ref, c Copy) (Copy, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	if c.Version == "" {
		c.Version = d.Version
	}
	if c.CopyNo == 0 {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(copy_no), 0) + 1 FROM "+t.CopyTable+" WHERE plan_id = ?", d.ID).Scan(&c.CopyNo); err != nil {
			return c, err
		}
	}
	res, err := store.Insert(ctx, tx, "INSERT INTO "+t.CopyTable+" (plan_id, copy_no, holder, location, issued, version) VALUES (?, ?, ?, ?, ?, ?)",
		d.ID, c.CopyNo, c.Holder, c.Location, c.Issued, c.Version)
	if err != nil {
		if store.ErrorCode(store.MapError(err)) == store.EConflict {
			return c, store.Errorf(store.EConflict, "%s already has a copy %d.", d.DocNumber, c.CopyNo)
		}
		return c, err
	}
	id, _ := res.LastInsertId()
	return c, log.Add(ctx, t.CopyEntity, id, "created", "", d.DocNumber+" "+c.describe())
}

func (t Tables) copyOf(ctx context.Context, tx *sql.Tx, d Ref, copyNo int) (int64, Copy, error) {
	c := Copy{CopyNo: copyNo}
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id, holder, location, issued, version FROM "+t.CopyTable+" WHERE plan_id = ? AND copy_no = ?",
		d.ID, copyNo).Scan(&id, &c.Holder, &c.Location, &c.Issued, &c.Version)
	if err == sql.ErrNoRows {
		return 0, c, store.Errorf(store.ENotFound, "%s has no copy %d.", d.DocNumber, copyNo)
	}
	return id, c, err
}

// UpdateCopy changes a line of the distribution list, found by its copy
// number: holder, location, date issued. An edit of the line is not a new
// issue: the version stays unless c names one.
func (t Tables) UpdateCopy(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, d Ref, c Copy) error {
	if err := c.Validate(); err != nil {
		return err
	}
	id, old, err := t.copyOf(ctx, tx, d, c.CopyNo)
	if err != nil {
		return err
	}
	if c.Version == "" {
		c.Version = old.Version
	}
	if old == c {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+t.CopyTable+" SET holder = ?, location = ?, issued = ?, version = ? WHERE id = ?",
		c.Holder, c.Location, c.Issued, c.Version, id); err != nil {
		return err
	}
	return log.Add(ctx, t.CopyEntity, id, "changed", d.DocNumber+" "+old.describe(), d.DocNumber+" "+c.describe())
}

// RemoveCopy takes a copy off the distribution list (it was withdrawn or
// destroyed); the change log keeps who held it.
func (t Tables) RemoveCopy(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, d Ref, copyNo int) error {
	id, old, err := t.copyOf(ctx, tx, d, copyNo)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+t.CopyTable+" WHERE id = ?", id); err != nil {
		return err
	}
	return log.Add(ctx, t.CopyEntity, id, "deleted", d.DocNumber+" "+old.describe(), "")
}

// IssueCopy records that c.Holder has been given a copy of d's current
// version on c.Issued: the holder's line is updated (its copy number
// kept), or a new copy is added for a holder not on the list yet.
func (t Tables) IssueCopy(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, d Ref, c Copy) (Copy, error) {
	c.Version = d.Version
	var id int64
	var old Copy
	err := tx.QueryRowContext(ctx, "SELECT id, copy_no, holder, location, issued, version FROM "+t.CopyTable+`
		WHERE plan_id = ? AND lower(trim(holder)) = lower(?) ORDER BY copy_no LIMIT 1`, d.ID, strings.TrimSpace(c.Holder)).
		Scan(&id, &old.CopyNo, &old.Holder, &old.Location, &old.Issued, &old.Version)
	switch {
	case err == sql.ErrNoRows:
		return t.AddCopy(ctx, tx, log, d, c)
	case err != nil:
		return c, err
	}
	c.CopyNo, c.Holder, c.Location = old.CopyNo, old.Holder, old.Location
	if old == c {
		return c, nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+t.CopyTable+" SET issued = ?, version = ? WHERE id = ?", c.Issued, c.Version, id); err != nil {
		return c, err
	}
	return c, log.Add(ctx, t.CopyEntity, id, "changed", d.DocNumber+" "+old.describe(), d.DocNumber+" "+c.describe())
}
