package continuity

import (
	"context"
	"database/sql"
	"strings"

	"servicebook/doccontrol"
	"servicebook/store"
)

// Revisions returns the document-control table, oldest first.
func (s *Store) Revisions(ctx context.Context, planID int64) ([]Revision, error) {
	return planDocs.Revisions(ctx, s.db, planID)
}

// AddCopy records an issued copy of the plan on the distribution list. The
// distribution list is document control, not the plan's content: a copy
// issued of an approved plan is a copy of that version, and the plan stays
// approved. Every change to the list is in the change log.
func (s *Store) AddCopy(ctx context.Context, doc string, c Copy) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		_, err = planDocs.AddCopy(ctx, tx, log, p.ref(), c)
		return err
	})
}

// UpdateCopy changes a line of the distribution list, found by its copy
// number: holder, location, date issued.
func (s *Store) UpdateCopy(ctx context.Context, doc string, c Copy) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		return planDocs.UpdateCopy(ctx, tx, log, p.ref(), c)
	})
}

// RemoveCopy takes a copy off the distribution list (it was withdrawn or
// destroyed); the change log keeps who held it.
func (s *Store) RemoveCopy(ctx context.Context, doc string, copyNo int) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		return planDocs.RemoveCopy(ctx, tx, log, p.ref(), copyNo)
	})
}

// Distribution returns the distribution list.
func (s *Store) Distribution(ctx context.Context, planID int64) ([]Copy, error) {
	return planDocs.Distribution(ctx, s.db, planID)
}

// IssuedCopy is a copy recorded as issued, with the plan it is a copy of.
type IssuedCopy = doccontrol.IssuedCopy

// IssueCopies records on the distribution list of each plan named by docs
// (every plan when none) that holder has been given a copy of the plan's
// current version on date: the holder's line is updated (its copy number
// kept), or a new copy is added for a holder not on the list yet. All the
// plans are recorded in one transaction, or none. It returns the copies as
// recorded, in the order of docs. Used when a pack is made for someone, so
// the register of who holds which version stays true.
func (s *Store) IssueCopies(ctx context.Context, docs []string, holder, date string) ([]IssuedCopy, error) {
	proto := Copy{Holder: strings.TrimSpace(holder), Issued: date}
	if err := proto.Validate(); err != nil {
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
			p, err := planForWrite(ctx, tx, doc)
			if err != nil {
				return err
			}
			c, err := planDocs.IssueCopy(ctx, tx, log, p.ref(), proto)
			if err != nil {
				return err
			}
			out = append(out, IssuedCopy{DocNumber: doc, Copy: c})
		}
		return nil
	})
	return out, err
}
