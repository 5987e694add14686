package continuity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"servicebook/store"
)

func (s *Store) validateExercise(e Exercise) error {
	known := false
	for _, k := range ExerciseKinds {
		known = known || k == e.Kind
	}
	if !known {
		return store.Errorf(store.EInvalid, "%q is not a kind of exercise; use walkthrough, tabletop, call_tree, simulation, partial, full_interruption or invocation.", e.Kind)
	}
	switch e.Outcome {
	case "", Passed, PassedWithIssues, Failed:
	default:
		return store.Errorf(store.EInvalid, "%q is not a result; use passed, passed_with_issues or failed.", e.Outcome)
	}
	for _, d := range []string{e.Planned, e.Held} {
		if d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return store.Errorf(store.EInvalid, "%q is not a date; write it as 2026-03-01.", d)
			}
		}
	}
	if e.Outcome != "" && e.Held == "" {
		return store.Errorf(store.EInvalid, "An exercise has a result only once it was held: give the date it was held.")
	}
	if err := cleanTexts(map[string]string{"participants": e.Participants, "objectives": e.Objectives, "findings": e.Findings},
		"objectives", "findings"); err != nil {
		return err
	}
	return s.refuseFuture("The exercise was held on", e.Held)
}

func (e Exercise) describe() string {
	return strings.TrimSpace(fmt.Sprintf("%s planned %s held %s %s %s", e.Kind, orNone(e.Planned), orNone(e.Held), e.Outcome, e.Findings))
}

// setRetest applies what an exercise says about re-testing: a failed one
// requires a re-test; a test held that passed satisfies one.
func setRetest(ctx context.Context, tx *sql.Tx, planID int64, e Exercise) error {
	switch {
	case e.Outcome == Failed:
		_, err := tx.ExecContext(ctx, "UPDATE plan SET retest_required = 1 WHERE id = ?", planID)
		return err
	case e.Held != "" && e.Outcome != "" && e.Kind != Invocation:
		_, err := tx.ExecContext(ctx, "UPDATE plan SET retest_required = 0 WHERE id = ?", planID)
		return err
	}
	return nil
}

// AddExercise records an exercise (or a real invocation) of a plan. A
// failed one sets "re-test required"; findings are turned into actions by
// the caller with AddAction. A date held in the future is refused: an
// exercise is recorded once it has happened (plan it with Planned).
func (s *Store) AddExercise(ctx context.Context, doc string, e Exercise) (Exercise, error) {
	if err := s.validateExercise(e); err != nil {
		return e, err
	}
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO exercise (plan_id, kind, planned, held, participants, objectives, result, findings)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, string(e.Kind), e.Planned, e.Held, e.Participants, e.Objectives, string(e.Outcome), e.Findings)
		if err != nil {
			return err
		}
		e.ID, _ = res.LastInsertId()
		if err := setRetest(ctx, tx, p.ID, e); err != nil {
			return err
		}
		return log.Add(ctx, "exercise", e.ID, "created", "", p.DocNumber+" "+e.describe())
	})
	return e, err
}

// UpdateExercise corrects an exercise record (found by e.ID): kind, dates,
// participants, objectives, result, findings. Its review is kept.
func (s *Store) UpdateExercise(ctx context.Context, e Exercise) error {
	if err := s.validateExercise(e); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, planID, err := exerciseOf(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE exercise SET kind = ?, planned = ?, held = ?, participants = ?, objectives = ?,
			result = ?, findings = ? WHERE id = ?`, string(e.Kind), e.Planned, e.Held, e.Participants, e.Objectives,
			string(e.Outcome), e.Findings, e.ID); err != nil {
			return err
		}
		if old.describe() == e.describe() && old.Participants == e.Participants && old.Objectives == e.Objectives {
			return nil
		}
		if err := setRetest(ctx, tx, planID, e); err != nil {
			return err
		}
		return log.Add(ctx, "exercise", e.ID, "changed", old.describe(), e.describe())
	})
}

// RemoveExercise deletes an exercise recorded by mistake; its actions stay
// (no longer linked to it) and the change log keeps what it said.
func (s *Store) RemoveExercise(ctx context.Context, id int64) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, _, err := exerciseOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE action SET exercise_id = NULL WHERE exercise_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE plan_review SET exercise_id = NULL WHERE exercise_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM exercise WHERE id = ?", id); err != nil {
			return err
		}
		return log.Add(ctx, "exercise", id, "deleted", old.describe(), "")
	})
}

func exerciseOf(ctx context.Context, q store.Querier, id int64) (Exercise, int64, error) {
	var e Exercise
	var planID int64
	err := q.QueryRowContext(ctx, `SELECT id, plan_id, kind, planned, held, participants, objectives, result, findings,
		reviewed_at, reviewed_by, review_notes FROM exercise WHERE id = ?`, id).Scan(&e.ID, &planID, &e.Kind, &e.Planned, &e.Held,
		&e.Participants, &e.Objectives, &e.Outcome, &e.Findings, &e.ReviewedAt, &e.ReviewedBy, &e.ReviewNotes)
	if err == sql.ErrNoRows {
		return e, 0, store.Errorf(store.ENotFound, "There is no exercise %d.", id)
	}
	return e, planID, err
}

// Exercises returns a plan's exercises, newest first.
func (s *Store) Exercises(ctx context.Context, planID int64) ([]Exercise, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, planned, held, participants, objectives, result, findings,
		reviewed_at, reviewed_by, review_notes FROM exercise WHERE plan_id = ? ORDER BY coalesce(nullif(held, ''), planned) DESC, id DESC`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exercise
	for rows.Next() {
		var e Exercise
		if err := rows.Scan(&e.ID, &e.Kind, &e.Planned, &e.Held, &e.Participants, &e.Objectives, &e.Outcome, &e.Findings,
			&e.ReviewedAt, &e.ReviewedBy, &e.ReviewNotes); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func validateAction(a Action) error {
	if strings.TrimSpace(a.Description) == "" {
		return store.Errorf(store.EInvalid, "An action needs a description.")
	}
	if a.Due != "" {
		if _, err := time.Parse(time.DateOnly, a.Due); err != nil {
			return store.Errorf(store.EInvalid, "%q is not a date; write it as 2026-03-01.", a.Due)
		}
	}
	return cleanTexts(map[string]string{"description": a.Description, "owner": a.Owner}, "description")
}

func (a Action) describe() string {
	return strings.TrimSpace(fmt.Sprintf("%s (owner %s, due %s)", a.Description, orNone(a.Owner), orNone(a.Due)))
}

// AddAction records an action on a plan (from an exercise when ExerciseID
// is not 0).
func (s *Store) AddAction(ctx context.Context, doc string, a Action) (Action, error) {
	if err := validateAction(a); err != nil {
		return a, err
	}
	var ex any
	if a.ExerciseID != 0 {
		ex = a.ExerciseID
	}
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO action (plan_id, exercise_id, description, owner, due) VALUES (?, ?, ?, ?, ?)`,
			p.ID, ex, a.Description, a.Owner, a.Due)
		if err != nil {
			return err
		}
		a.ID, _ = res.LastInsertId()
		a.PlanID, a.DocNumber, a.Status = p.ID, p.DocNumber, "open"
		return log.Add(ctx, "action", a.ID, "created", "", p.DocNumber+" "+a.describe())
	})
	return a, err
}

// UpdateAction changes an action's description, owner and due date.
func (s *Store) UpdateAction(ctx context.Context, a Action) error {
	if err := validateAction(a); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, err := actionOf(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if old.describe() == a.describe() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE action SET description = ?, owner = ?, due = ? WHERE id = ?",
			a.Description, a.Owner, a.Due, a.ID); err != nil {
			return err
		}
		return log.Add(ctx, "action", a.ID, "changed", old.describe(), a.describe())
	})
}

// CloseAction closes an action with a note of how its effect was verified.
func (s *Store) CloseAction(ctx context.Context, id int64, verification string) error {
	if strings.TrimSpace(verification) == "" {
		return store.Errorf(store.EInvalid, "Say how the action was verified before closing it.")
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := tx.ExecContext(ctx, "UPDATE action SET status = 'closed', verification = ?, closed_at = ? WHERE id = ? AND status = 'open'",
			verification, log.At()[:10], id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.Errorf(store.ENotFound, "There is no open action %d.", id)
		}
		return log.Add(ctx, "action", id, "status", "open", "closed: "+verification)
	})
}

// RemoveAction deletes an action raised by mistake (a duplicate); the
// change log keeps what it said.
func (s *Store) RemoveAction(ctx context.Context, id int64) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, err := actionOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM action WHERE id = ?", id); err != nil {
			return err
		}
		return log.Add(ctx, "action", id, "deleted", old.DocNumber+" "+old.describe()+" "+old.Status, "")
	})
}

func actionOf(ctx context.Context, q store.Querier, id int64) (Action, error) {
	var a Action
	err := q.QueryRowContext(ctx, `SELECT a.id, a.plan_id, p.doc_number, coalesce(a.exercise_id, 0), a.description, a.owner,
		a.due, a.status, a.verification, a.closed_at FROM action a JOIN plan p ON p.id = a.plan_id WHERE a.id = ?`, id).Scan(
		&a.ID, &a.PlanID, &a.DocNumber, &a.ExerciseID, &a.Description, &a.Owner, &a.Due, &a.Status, &a.Verification, &a.ClosedAt)
	if err == sql.ErrNoRows {
		return a, store.Errorf(store.ENotFound, "There is no action %d.", id)
	}
	return a, err
}

// Actions lists actions, open ones first; doc "" lists all plans'.
func (s *Store) Actions(ctx context.Context, doc string, openOnly bool) ([]Action, error) {
	q := `SELECT a.id, a.plan_id, p.doc_number, coalesce(a.exercise_id, 0), a.description, a.owner, a.due, a.status,
		a.verification, a.closed_at FROM action a JOIN plan p ON p.id = a.plan_id WHERE (? = '' OR p.doc_number = ?)`
	if openOnly {
		q += " AND a.status = 'open'"
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY a.status DESC, a.due, a.id", doc, doc)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.PlanID, &a.DocNumber, &a.ExerciseID, &a.Description, &a.Owner, &a.Due, &a.Status,
			&a.Verification, &a.ClosedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Exercise returns one exercise. Returns ENOTFOUND.
func (s *Store) Exercise(ctx context.Context, id int64) (Exercise, error) {
	e, _, err := exerciseOf(ctx, s.db, id)
	return e, err
}

// Action returns one action. Returns ENOTFOUND.
func (s *Store) Action(ctx context.Context, id int64) (Action, error) { return actionOf(ctx, s.db, id) }
