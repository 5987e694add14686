package doccontrol

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"servicebook/store"
)

// Tables names where one kind of document keeps its control records. Every
// table but Doc refers to its document by a plan_id column.
type Tables struct {
	// Doc holds the documents: id, doc_number, version, approved_at,
	// approved_by, approver, updated_at and row_version among its columns.
	Doc string
	// Entity is the change log's name for a document, e.g. "plan".
	Entity string
	// RevisionTable is the document-control table: version, change, date,
	// reviewer, approver.
	RevisionTable string
	// SnapshotTable keeps the content of every approved version: version,
	// approved_at, approved_by, content (JSON).
	SnapshotTable string
	// CopyTable is the distribution list: id, copy_no, holder, location,
	// issued, version; CopyEntity is its name in the change log.
	CopyTable, CopyEntity string
}

// Ref is a document as its control records need it.
type Ref struct {
	ID         int64
	DocNumber  string
	Version    string
	RowVersion int64
}

// Revision is one line of the document-control table.
type Revision struct {
	Version, Change, Date, Reviewer, Approver string
}

// Revisions returns the document-control table, oldest first.
func (t Tables) Revisions(ctx context.Context, q store.Querier, docID int64) ([]Revision, error) {
	rows, err := q.QueryContext(ctx, "SELECT version, change, date, reviewer, approver FROM "+t.RevisionTable+" WHERE plan_id = ? ORDER BY id", docID)
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

// AddRevision writes a line of the document-control table.
func (t Tables) AddRevision(ctx context.Context, tx *sql.Tx, docID int64, r Revision) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO "+t.RevisionTable+" (plan_id, version, change, date, reviewer, approver) VALUES (?, ?, ?, ?, ?, ?)",
		docID, r.Version, r.Change, r.Date, r.Reviewer, r.Approver)
	return err
}

// Snapshot returns the content (as JSON) of a document's approved version.
// Returns ENOTFOUND when that version was never approved.
func (t Tables) Snapshot(ctx context.Context, q store.Querier, doc, version string) ([]byte, error) {
	var data string
	err := q.QueryRowContext(ctx, "SELECT sn.content FROM "+t.SnapshotTable+" sn JOIN "+t.Doc+` p ON p.id = sn.plan_id
		WHERE p.doc_number = ? AND sn.version = ?`, strings.TrimSpace(doc), version).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.Errorf(store.ENotFound, "%s has no approved version %s.", doc, version)
	}
	return []byte(data), err
}

// Content reads a document's content as an approval covers it, through the
// write's own transaction.
type Content func() (any, error)

// keep stores the content of d's approved version, if it is not kept yet,
// before anything changes it.
func (t Tables) keep(ctx context.Context, tx *sql.Tx, d Ref, approvedAt, approvedBy string, content Content) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+t.SnapshotTable+" WHERE plan_id = ? AND version = ?", d.ID, d.Version).Scan(&n); err != nil || n > 0 {
		return err
	}
	c, err := content()
	if err != nil {
		return err
	}
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO "+t.SnapshotTable+" (plan_id, version, approved_at, approved_by, content) VALUES (?, ?, ?, ?, ?)",
		d.ID, d.Version, approvedAt, approvedBy, string(data))
	return err
}

// Keep stores the content of d's approved version, if it is not kept yet.
// Approval keeps it; a write calls Keep before it changes the content of a
// document approved before approved content was kept.
func (t Tables) Keep(ctx context.Context, tx *sql.Tx, d Ref, content Content) error {
	var at, by string
	if err := tx.QueryRowContext(ctx, "SELECT approved_at, approved_by FROM "+t.Doc+" WHERE id = ?", d.ID).Scan(&at, &by); err != nil {
		return err
	}
	return t.keep(ctx, tx, d, at, by, content)
}

// Changed is called, inside the write's transaction, by every change to a
// document's content. An approved document N.0 keeps its approved content
// and becomes N.1, with a line in the document control naming the change;
// any document's row version moves on, so that an approval of what someone
// read a moment ago fails if it changed. It returns the version now.
func (t Tables) Changed(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, d Ref, change string, content Content) (string, error) {
	version := d.Version
	if StatusOf(d.Version) == Approved {
		if err := t.Keep(ctx, tx, d, content); err != nil {
			return version, err
		}
		version = NextMinor(d.Version)
		if err := t.AddRevision(ctx, tx, d.ID, Revision{Version: version, Change: change, Date: log.At()[:10]}); err != nil {
			return version, err
		}
		if err := log.Add(ctx, t.Entity, d.ID, "version", d.Version, version+": "+change); err != nil {
			return version, err
		}
	}
	_, err := tx.ExecContext(ctx, "UPDATE "+t.Doc+" SET version = ?, updated_at = ?, row_version = row_version + 1 WHERE id = ?",
		version, log.At(), d.ID)
	return version, err
}

// CheckRead refuses, with ECONFLICT, an approval of a document that
// changed since the approver read it at row version read.
func CheckRead(d Ref, read int64) error {
	if read != d.RowVersion {
		return store.Errorf(store.EConflict, "Plan %s changed since you read it (now %s, row version %d); read it again before approving.",
			d.DocNumber, d.Version, d.RowVersion)
	}
	return nil
}

// Approve approves the document d as the approver read it (read is the row
// version they read): a draft becomes 1.0, a revision of N.0 becomes N+1.0;
// the approver and date go into the document and its document control
// (change is that line's text, "approved" or why it was approved as it is),
// and the approved content is kept. It returns the approved version.
func (t Tables) Approve(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, d Ref, read int64, approver, change string, content Content) (string, error) {
	if err := CheckRead(d, read); err != nil {
		return "", err
	}
	// Someone other than the owner approves, unless the organisation has
	// decided otherwise (audit-settings --owner-may-approve 1): the same
	// rule on a file and on a server.
	var owner string
	if err := tx.QueryRowContext(ctx, "SELECT owner FROM "+t.Doc+" WHERE id = ?", d.ID).Scan(&owner); err != nil {
		return "", err
	}
	if sameName(owner, approver) {
		may, err := store.SettingValue(ctx, tx, store.OwnerMayApprove, 0)
		if err != nil {
			return "", err
		}
		if may != 1 {
			return "", store.Errorf(store.EInvalid, "%s: %s is its owner, and an owner may not approve their own document; someone else approves it (or the organisation allows it: servicebook audit-settings --owner-may-approve 1).",
				d.DocNumber, strings.TrimSpace(approver))
		}
	}
	v, err := ApprovedVersion(d.Version)
	if err != nil {
		return "", store.Errorf(store.EInvalid, "%s: %v.", d.DocNumber, err)
	}
	day := log.At()[:10]
	if _, err := tx.ExecContext(ctx, "UPDATE "+t.Doc+` SET version = ?, approved_at = ?, approved_by = ?, approver = ?,
		updated_at = ?, row_version = row_version + 1 WHERE id = ?`, v, day, approver, approver, log.At(), d.ID); err != nil {
		return "", err
	}
	if err := t.AddRevision(ctx, tx, d.ID, Revision{Version: v, Change: change, Date: day, Approver: approver}); err != nil {
		return "", err
	}
	if err := log.Add(ctx, t.Entity, d.ID, "version", d.Version, fmt.Sprintf("%s approved by %s (row version %d)", v, approver, d.RowVersion)); err != nil {
		return "", err
	}
	approved := d
	approved.Version = v
	return v, t.keep(ctx, tx, approved, day, approver, content)
}

// sameName reports whether two people's names, as typed, are the same
// person's: spaces around and the case of Latin letters aside.
func sameName(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a != "" && strings.EqualFold(a, b)
}
