package continuity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"servicebook/store"
)

func (st PlanStep) validate() error {
	switch st.Phase {
	case Activation, Recovery, Reconstitution:
	default:
		return store.Errorf(store.EInvalid, "%q is not a phase; use activation, recovery or reconstitution.", st.Phase)
	}
	if strings.TrimSpace(st.Action) == "" {
		return store.Errorf(store.EInvalid, "A step needs an action.")
	}
	if st.Duration < 0 {
		return store.Errorf(store.EInvalid, "A step cannot take a negative time.")
	}
	return cleanTexts(map[string]string{"who": st.Who, "action": st.Action, "location": st.Location}, "action")
}

// describe is a step as the change log and the document control name it.
func (st PlanStep) describe() string {
	return fmt.Sprintf("%s: %s (%s, %s)", st.Phase, st.Action, orNone(st.Who), Minutes(st.Duration))
}

// AddStep appends a recovery step to a plan. DependsOn holds the ids of
// steps of the same plan that must finish first.
func (s *Store) AddStep(ctx context.Context, doc string, st PlanStep) (PlanStep, error) {
	if err := st.validate(); err != nil {
		return st, err
	}
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		if st.Order == 0 {
			if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(ord), 0) + 1 FROM plan_step WHERE plan_id = ?", p.ID).Scan(&st.Order); err != nil {
				return err
			}
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO plan_step (plan_id, phase, ord, who, action, location, duration_minutes)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, string(st.Phase), st.Order, st.Who, st.Action, st.Location, minutes(st.Duration))
		if err != nil {
			return err
		}
		st.ID, _ = res.LastInsertId()
		if err := setDependencies(ctx, tx, p, st); err != nil {
			return err
		}
		if err := log.Add(ctx, "plan_step", st.ID, "created", "", p.DocNumber+" "+st.describe()); err != nil {
			return err
		}
		_, err = s.contentChanged(ctx, tx, log, p.ID, "step added: "+st.Action)
		return err
	})
	return st, err
}

// UpdateStep changes a step of a plan (found by st.ID): phase, order, who,
// action, where, duration and the steps it waits for.
func (s *Store) UpdateStep(ctx context.Context, doc string, st PlanStep) error {
	if err := st.validate(); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		old, err := stepOf(ctx, tx, p, st.ID)
		if err != nil {
			return err
		}
		if st.Order == 0 {
			st.Order = old.Order
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan_step SET phase = ?, ord = ?, who = ?, action = ?, location = ?,
			duration_minutes = ? WHERE id = ?`, string(st.Phase), st.Order, st.Who, st.Action, st.Location, minutes(st.Duration), st.ID); err != nil {
			return err
		}
		if err := setDependencies(ctx, tx, p, st); err != nil {
			return err
		}
		changed := false
		for _, f := range [][3]string{
			{"phase", string(old.Phase), string(st.Phase)}, {"order", fmt.Sprint(old.Order), fmt.Sprint(st.Order)},
			{"who", old.Who, st.Who}, {"action", old.Action, st.Action}, {"location", old.Location, st.Location},
			{"duration", Minutes(old.Duration), Minutes(st.Duration)},
			{"after", idList(old.DependsOn), idList(st.DependsOn)},
		} {
			if f[1] != f[2] {
				changed = true
				if err := log.Add(ctx, "plan_step", st.ID, f[0], f[1], f[2]); err != nil {
					return err
				}
			}
		}
		if !changed {
			return nil
		}
		_, err = s.contentChanged(ctx, tx, log, p.ID, "step changed: "+st.Action)
		return err
	})
}

// RemoveStep removes a step; the steps that waited for it no longer do.
func (s *Store) RemoveStep(ctx context.Context, doc string, id int64) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		old, err := stepOf(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM plan_step WHERE id = ?", id); err != nil {
			return err
		}
		if err := log.Add(ctx, "plan_step", id, "deleted", p.DocNumber+" "+old.describe(), ""); err != nil {
			return err
		}
		_, err = s.contentChanged(ctx, tx, log, p.ID, "step removed: "+old.Action)
		return err
	})
}

func stepOf(ctx context.Context, tx *sql.Tx, p Plan, id int64) (PlanStep, error) {
	all, err := steps(ctx, tx, p.ID)
	if err != nil {
		return PlanStep{}, err
	}
	for _, st := range all {
		if st.ID == id {
			return st, nil
		}
	}
	return PlanStep{}, store.Errorf(store.ENotFound, "Plan %s has no step %d.", p.DocNumber, id)
}

// setDependencies replaces the steps st waits for, refusing a step of
// another plan and a step that waits for itself.
func setDependencies(ctx context.Context, tx *sql.Tx, p Plan, st PlanStep) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM plan_step_dependency WHERE step_id = ?", st.ID); err != nil {
		return err
	}
	for _, d := range st.DependsOn {
		if d == st.ID {
			return store.Errorf(store.EInvalid, "A step cannot wait for itself.")
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM plan_step WHERE id = ? AND plan_id = ?", d, p.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.Errorf(store.EInvalid, "The step to wait for is not a step of plan %s.", p.DocNumber)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_step_dependency (step_id, depends_on_id) VALUES (?, ?) ON CONFLICT DO NOTHING", st.ID, d); err != nil {
			return err
		}
	}
	return nil
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	return strings.Join(parts, ", ")
}

// Steps returns a plan's recovery steps in phase and order, numbered 1, 2, …
// in that order (the number people use for a step).
func (s *Store) Steps(ctx context.Context, planID int64) ([]PlanStep, error) {
	return steps(ctx, s.db, planID)
}

func steps(ctx context.Context, q store.Querier, planID int64) ([]PlanStep, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, phase, ord, who, action, location, duration_minutes FROM plan_step
		WHERE plan_id = ? ORDER BY CASE phase WHEN 'activation' THEN 1 WHEN 'recovery' THEN 2 ELSE 3 END, ord, id`, planID)
	if err != nil {
		return nil, err
	}
	var out []PlanStep
	index := map[int64]int{}
	for rows.Next() {
		var st PlanStep
		var mins int64
		if err := rows.Scan(&st.ID, &st.Phase, &st.Order, &st.Who, &st.Action, &st.Location, &mins); err != nil {
			rows.Close()
			return nil, err
		}
		st.Duration = time.Duration(mins) * time.Minute
		st.Number = len(out) + 1
		index[st.ID] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	deps, err := q.QueryContext(ctx, `SELECT d.step_id, d.depends_on_id FROM plan_step_dependency d
		JOIN plan_step s ON s.id = d.step_id WHERE s.plan_id = ? ORDER BY d.step_id, d.depends_on_id`, planID)
	if err != nil {
		return nil, err
	}
	defer deps.Close()
	for deps.Next() {
		var step, on int64
		if err := deps.Scan(&step, &on); err != nil {
			return nil, err
		}
		if i, ok := index[step]; ok {
			out[i].DependsOn = append(out[i].DependsOn, on)
		}
	}
	return out, deps.Err()
}

// StepByNumber finds a step by the number people use for it (1, 2, …).
func StepByNumber(all []PlanStep, n int) (PlanStep, bool) {
	if n < 1 || n > len(all) {
		return PlanStep{}, false
	}
	return all[n-1], true
}

// AfterNumbers gives the numbers of the steps st waits for.
func AfterNumbers(all []PlanStep, st PlanStep) []int {
	var out []int
	for _, d := range st.DependsOn {
		for _, o := range all {
			if o.ID == d {
				out = append(out, o.Number)
			}
		}
	}
	return out
}
