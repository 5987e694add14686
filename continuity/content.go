package continuity

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"servicebook/doccontrol"
	"servicebook/store"
)

// Content is what an approval covers: the plan's fields and sections, its
// recovery steps, call tree and the CIs it covers. The distribution list is
// document control (who holds which copy), not content: issuing a copy
// does not change what was approved.
type Content struct {
	Plan  Plan
	Steps []PlanStep
	Roles []Role
	CIs   []LinkedCI
}

// content reads a plan's content through q, so that a write can read its
// own transaction's state.
func (s *Store) content(ctx context.Context, q store.Querier, planID int64) (Content, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.id = ?", planID))
	if err != nil {
		return Content{}, err
	}
	c := Content{Plan: p}
	if c.Steps, err = steps(ctx, q, planID); err != nil {
		return c, err
	}
	if c.Roles, err = roles(ctx, q, planID); err != nil {
		return c, err
	}
	c.CIs, err = linkedCIs(ctx, q, planID)
	return c, err
}

// planDocs names the tables of the plans' document control.
var planDocs = doccontrol.Tables{Doc: "plan", Entity: "plan", RevisionTable: "plan_revision", SnapshotTable: "plan_snapshot",
	CopyTable: "distribution", CopyEntity: "distribution"}

// ApprovedContent returns a plan's content as it was when version was
// approved (the approved version, e.g. "1.0"). Returns ENOTFOUND when that
// version was never approved.
func (s *Store) ApprovedContent(ctx context.Context, doc, version string) (Content, error) {
	data, err := planDocs.Snapshot(ctx, s.db, doc, version)
	if err != nil {
		return Content{}, err
	}
	var c Content
	return c, json.Unmarshal(data, &c)
}

// contentOf is the plan's content as an approval covers it, read inside tx.
func (s *Store) contentOf(ctx context.Context, tx *sql.Tx, planID int64) doccontrol.Content {
	return func() (any, error) { return s.content(ctx, tx, planID) }
}

// contentChanged is called, inside the write's transaction, by every change
// to a plan's content (fields, steps, call tree, linked CIs): see
// doccontrol.Tables.Changed. It returns the plan as it is now.
func (s *Store) contentChanged(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, planID int64, change string) (Plan, error) {
	p, err := scanPlan(tx.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.id = ?", planID))
	if err != nil {
		return p, err
	}
	if p.Version, err = planDocs.Changed(ctx, tx, log, p.ref(), change, s.contentOf(ctx, tx, planID)); err != nil {
		return p, err
	}
	p.RowVersion++
	return p, nil
}

// planForWrite finds a plan by document number inside a write.
func planForWrite(ctx context.Context, tx *sql.Tx, doc string) (Plan, error) {
	p, err := scanPlan(tx.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.doc_number = ?",
		strings.TrimSpace(doc)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, store.Errorf(store.ENotFound, "There is no plan %s.", doc)
	}
	return p, err
}

// Approval is one approval decision.
type Approval struct {
	Approver string
	// RowVersion is the row version of the plan the approver read: the
	// approval is of that text and fails (ECONFLICT) if it has changed.
	RowVersion int64
	// Reason is required when the executability checks find errors, and
	// goes into the document control with the approval.
	Reason string
}

// Approve approves the plan: a draft becomes 1.0, a revision of N.0 becomes
// N+1.0; the approver and date are recorded in the plan and in its document
// control, and the approved content is kept (ApprovedContent). An
// unchanged approved plan cannot be approved again; a plan that changed
// since the approver read it is refused with ECONFLICT; a plan whose checks
// find errors is approved only with a reason.
func (s *Store) Approve(ctx context.Context, doc string, a Approval) (Plan, error) {
	if strings.TrimSpace(a.Approver) == "" {
		return Plan{}, store.Errorf(store.EInvalid, "Name the approver.")
	}
	var approved Plan
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		if err := doccontrol.CheckRead(p.ref(), a.RowVersion); err != nil {
			return err
		}
		if _, err := doccontrol.ApprovedVersion(p.Version); err != nil {
			return store.Errorf(store.EInvalid, "%s: %v.", p.DocNumber, err)
		}
		c, err := s.content(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		var errs []string
		for _, f := range Check(c.Plan, c.Steps, c.Roles, c.CIs) {
			if f.Severity == "error" {
				errs = append(errs, f.Msg.String())
			}
		}
		change := "approved"
		if len(errs) > 0 {
			if strings.TrimSpace(a.Reason) == "" {
				return store.Errorf(store.EInvalid, "%s fails %s: %s. Give a reason to approve it as it is.",
					p.DocNumber, checks(len(errs)), strings.Join(errs, "; "))
			}
			change = fmt.Sprintf("approved despite %s failing (%s): %s", checks(len(errs)), strings.Join(errs, "; "), strings.TrimSpace(a.Reason))
		}
		if _, err := planDocs.Approve(ctx, tx, log, p.ref(), a.RowVersion, a.Approver, change, s.contentOf(ctx, tx, p.ID)); err != nil {
			return err
		}
		approved, err = scanPlan(tx.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.id = ?", p.ID))
		return err
	})
	return approved, err
}

// refuseFuture refuses a date of something that happened (an exercise
// held, an outage) when it lies after today.
func (s *Store) refuseFuture(what, day string) error {
	if day == "" {
		return nil
	}
	today := s.db.Now().Format(time.DateOnly)
	if day > today {
		return store.Errorf(store.EInvalid, "%s %s is in the future (today is %s); record it once it has happened.", what, day, today)
	}
	return nil
}

// cleanTexts refuses control characters in the text fields of a record
// (names → text; multi names the multi-line ones).
func cleanTexts(fields map[string]string, multi ...string) error {
	if problems := store.CheckTexts(fields, multi...); len(problems) > 0 {
		return store.Invalid(problems)
	}
	return nil
}

// checks says how many executability checks: "1 check", "2 checks".
func checks(n int) string {
	if n == 1 {
		return "1 executability check"
	}
	return fmt.Sprintf("%d executability checks", n)
}
