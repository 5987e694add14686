package continuity

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"servicebook/store"
)

// AddStep appends a recovery step to a plan.
func (s *Store) AddStep(ctx context.Context, doc string, st PlanStep) (PlanStep, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return st, err
	}
	switch st.Phase {
	case Activation, Recovery, Reconstitution:
	default:
		return st, store.Errorf(store.EInvalid, "%q is not a phase; use activation, recovery or reconstitution.", st.Phase)
	}
	if strings.TrimSpace(st.Action) == "" {
		return st, store.Errorf(store.EInvalid, "A step needs an action.")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if st.Order == 0 {
			tx.QueryRowContext(ctx, "SELECT coalesce(max(ord), 0) + 1 FROM plan_step WHERE plan_id = ?", p.ID).Scan(&st.Order)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO plan_step (plan_id, phase, ord, who, action, location, duration_minutes)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, string(st.Phase), st.Order, st.Who, st.Action, st.Location, minutes(st.Duration))
		if err != nil {
			return err
		}
		st.ID, _ = res.LastInsertId()
		for _, d := range st.DependsOn {
			var n int
			tx.QueryRowContext(ctx, "SELECT count(*) FROM plan_step WHERE id = ? AND plan_id = ?", d, p.ID).Scan(&n)
			if n == 0 {
				return store.Errorf(store.EInvalid, "Step %d is not a step of plan %s.", d, p.DocNumber)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO plan_step_dependency (step_id, depends_on_id) VALUES (?, ?)", st.ID, d); err != nil {
				return err
			}
		}
		return nil
	})
	return st, err
}

// Steps returns a plan's recovery steps in phase and order.
func (s *Store) Steps(ctx context.Context, planID int64) ([]PlanStep, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, phase, ord, who, action, location, duration_minutes FROM plan_step
		WHERE plan_id = ? ORDER BY CASE phase WHEN 'activation' THEN 1 WHEN 'recovery' THEN 2 ELSE 3 END, ord, id`, planID)
	if err != nil {
		return nil, err
	}
	var out []PlanStep
	for rows.Next() {
		var st PlanStep
		var mins int64
		if err := rows.Scan(&st.ID, &st.Phase, &st.Order, &st.Who, &st.Action, &st.Location, &mins); err != nil {
			rows.Close()
			return nil, err
		}
		st.Duration = time.Duration(mins) * time.Minute
		out = append(out, st)
	}
	rows.Close()
	for i := range out {
		deps, err := s.db.QueryContext(ctx, "SELECT depends_on_id FROM plan_step_dependency WHERE step_id = ? ORDER BY depends_on_id", out[i].ID)
		if err != nil {
			return nil, err
		}
		for deps.Next() {
			var d int64
			deps.Scan(&d)
			out[i].DependsOn = append(out[i].DependsOn, d)
		}
		deps.Close()
	}
	return out, nil
}

// SetRole sets who is called for role in a plan's call tree, creating the
// contacts by name if they are new.
func (s *Store) SetRole(ctx context.Context, doc, role string, escalation int, primary, alternate Contact) error {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return err
	}
	if strings.TrimSpace(role) == "" {
		return store.Errorf(store.EInvalid, "A role needs a name.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		contactID := func(c Contact) (any, error) {
			if strings.TrimSpace(c.Name) == "" {
				return nil, nil
			}
			var id int64
			err := tx.QueryRowContext(ctx, "SELECT id FROM contact WHERE name = ? AND organisation = ?", c.Name, c.Organisation).Scan(&id)
			if err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE contact SET phone = coalesce(nullif(?, ''), phone), mobile = coalesce(nullif(?, ''), mobile),
					email = coalesce(nullif(?, ''), email) WHERE id = ?`, c.Phone, c.Mobile, c.Email, id)
				return id, err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO contact (name, organisation, phone, mobile, email, supplier) VALUES (?, ?, ?, ?, ?, ?)`,
				c.Name, c.Organisation, c.Phone, c.Mobile, c.Email, c.Supplier)
			if err != nil {
				return nil, err
			}
			id, _ = res.LastInsertId()
			return id, nil
		}
		pid, err := contactID(primary)
		if err != nil {
			return err
		}
		aid, err := contactID(alternate)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO plan_role (plan_id, role, escalation, primary_id, alternate_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (plan_id, role) DO UPDATE SET escalation = excluded.escalation, primary_id = excluded.primary_id,
			alternate_id = excluded.alternate_id`, p.ID, role, escalation, pid, aid)
		return err
	})
}

// Roles returns a plan's call tree in escalation order.
func (s *Store) Roles(ctx context.Context, planID int64) ([]Role, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.role, r.escalation,
		p.id, p.name, p.organisation, p.phone, p.mobile, p.email, p.supplier,
		a.id, a.name, a.organisation, a.phone, a.mobile, a.email, a.supplier
		FROM plan_role r LEFT JOIN contact p ON p.id = r.primary_id LEFT JOIN contact a ON a.id = r.alternate_id
		WHERE r.plan_id = ? ORDER BY r.escalation, r.id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r Role
		var pc, ac nullContact
		if err := rows.Scan(&r.ID, &r.Role, &r.Escalation, &pc.id, &pc.name, &pc.org, &pc.phone, &pc.mobile, &pc.email, &pc.supplier,
			&ac.id, &ac.name, &ac.org, &ac.phone, &ac.mobile, &ac.email, &ac.supplier); err != nil {
			return nil, err
		}
		r.Primary, r.Alternate = pc.contact(), ac.contact()
		out = append(out, r)
	}
	return out, rows.Err()
}

type nullContact struct {
	id                              sql.NullInt64
	name, org, phone, mobile, email sql.NullString
	supplier                        sql.NullBool
}

func (n nullContact) contact() *Contact {
	if !n.id.Valid {
		return nil
	}
	return &Contact{ID: n.id.Int64, Name: n.name.String, Organisation: n.org.String, Phone: n.phone.String,
		Mobile: n.mobile.String, Email: n.email.String, Supplier: n.supplier.Bool}
}

// AddCopy records an issued copy of the plan on the distribution list.
func (s *Store) AddCopy(ctx context.Context, doc string, c Copy) error {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return err
	}
	if strings.TrimSpace(c.Holder) == "" {
		return store.Errorf(store.EInvalid, "A copy needs a holder.")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if c.CopyNo == 0 {
			tx.QueryRowContext(ctx, "SELECT coalesce(max(copy_no), 0) + 1 FROM distribution WHERE plan_id = ?", p.ID).Scan(&c.CopyNo)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO distribution (plan_id, copy_no, holder, location, issued) VALUES (?, ?, ?, ?, ?)",
			p.ID, c.CopyNo, c.Holder, c.Location, c.Issued)
		return err
	})
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

// AddExercise records an exercise (or a real invocation) of a plan. A
// failed one sets "re-test required"; findings are turned into actions by
// the caller with AddAction.
func (s *Store) AddExercise(ctx context.Context, doc string, e Exercise) (Exercise, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return e, err
	}
	known := false
	for _, k := range ExerciseKinds {
		known = known || k == e.Kind
	}
	if !known {
		return e, store.Errorf(store.EInvalid, "%q is not a kind of exercise; use walkthrough, tabletop, call_tree, simulation, partial, full_interruption or invocation.", e.Kind)
	}
	switch e.Outcome {
	case "", Passed, PassedWithIssues, Failed:
	default:
		return e, store.Errorf(store.EInvalid, "%q is not a result; use passed, passed_with_issues or failed.", e.Outcome)
	}
	for _, d := range []string{e.Planned, e.Held} {
		if d != "" {
			if _, err := time.Parse("2006-01-02", d); err != nil {
				return e, store.Errorf(store.EInvalid, "%q is not a date; write it as 2026-03-01.", d)
			}
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO exercise (plan_id, kind, planned, held, participants, objectives, result, findings)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, string(e.Kind), e.Planned, e.Held, e.Participants, e.Objectives, string(e.Outcome), e.Findings)
		if err != nil {
			return err
		}
		e.ID, _ = res.LastInsertId()
		retest := 0
		if e.Outcome == Failed {
			retest = 1
		} else if e.Held != "" && e.Kind != Invocation {
			// A successful test satisfies an outstanding re-test.
			retest = 0
		} else {
			tx.QueryRowContext(ctx, "SELECT retest_required FROM plan WHERE id = ?", p.ID).Scan(&retest)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE plan SET retest_required = ? WHERE id = ?", retest, p.ID); err != nil {
			return err
		}
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		return log.Add(ctx, "plan", p.ID, "exercise", "", string(e.Kind)+" "+e.Held+" "+string(e.Outcome))
	})
	return e, err
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

// AddAction records an action on a plan (from an exercise when exerciseID
// is not 0).
func (s *Store) AddAction(ctx context.Context, doc string, a Action) (Action, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return a, err
	}
	if strings.TrimSpace(a.Description) == "" {
		return a, store.Errorf(store.EInvalid, "An action needs a description.")
	}
	if a.Due != "" {
		if _, err := time.Parse("2006-01-02", a.Due); err != nil {
			return a, store.Errorf(store.EInvalid, "%q is not a date; write it as 2026-03-01.", a.Due)
		}
	}
	var ex any
	if a.ExerciseID != 0 {
		ex = a.ExerciseID
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO action (plan_id, exercise_id, description, owner, due) VALUES (?, ?, ?, ?, ?)`,
		p.ID, ex, a.Description, a.Owner, a.Due)
	if err != nil {
		return a, store.MapError(err)
	}
	a.ID, _ = res.LastInsertId()
	a.PlanID, a.DocNumber, a.Status = p.ID, p.DocNumber, "open"
	return a, nil
}

// CloseAction closes an action with a note of how its effect was verified.
func (s *Store) CloseAction(ctx context.Context, id int64, verification string) error {
	if strings.TrimSpace(verification) == "" {
		return store.Errorf(store.EInvalid, "Say how the action was verified before closing it.")
	}
	res, err := s.db.ExecContext(ctx, "UPDATE action SET status = 'closed', verification = ?, closed_at = ? WHERE id = ? AND status = 'open'",
		verification, s.db.Now().Format("2006-01-02"), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.Errorf(store.ENotFound, "There is no open action %d.", id)
	}
	return nil
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

// LinkCI adds a CI to those the plan covers.
func (s *Store) LinkCI(ctx context.Context, doc, ref string) error {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return err
	}
	ci, err := s.cmdb.CI(ctx, ref)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "INSERT OR IGNORE INTO plan_ci (plan_id, ci_id) VALUES (?, ?)", p.ID, ci.ID)
	return store.MapError(err)
}

// UnlinkCI removes a CI from those the plan covers; the service itself
// stays.
func (s *Store) UnlinkCI(ctx context.Context, doc, ref string) error {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return err
	}
	ci, err := s.cmdb.CI(ctx, ref)
	if err != nil {
		return err
	}
	if ci.ID == p.ServiceID {
		return store.Errorf(store.EInvalid, "%s is the service the plan covers; it cannot be unlinked.", ci.Ref)
	}
	res, err := s.db.ExecContext(ctx, "DELETE FROM plan_ci WHERE plan_id = ? AND ci_id = ?", p.ID, ci.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.Errorf(store.ENotFound, "%s does not cover %s.", p.DocNumber, ci.Ref)
	}
	return nil
}

// Investigate updates the investigation of an unplanned outage.
func (s *Store) Investigate(ctx context.Context, id int64, status, cause, actions string) error {
	switch status {
	case "open", "investigating", "closed":
	default:
		return store.Errorf(store.EInvalid, "%q is not an investigation status; use open, investigating or closed.", status)
	}
	if status == "closed" && strings.TrimSpace(cause) == "" {
		return store.Errorf(store.EInvalid, "Record the cause before closing the investigation.")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE outage SET investigation = ?, cause = coalesce(nullif(?, ''), cause),
		actions = coalesce(nullif(?, ''), actions) WHERE id = ?`, status, cause, actions, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.Errorf(store.ENotFound, "There is no outage %d.", id)
	}
	return nil
}
