package continuity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"servicebook/store"
)

// SetTarget sets the availability target of a service; the change log
// keeps the target it replaced.
func (s *Store) SetTarget(ctx context.Context, serviceRef string, t Target) (Target, error) {
	svc, err := s.cmdb.CI(ctx, serviceRef)
	if err != nil {
		return t, err
	}
	if !s.isService(ctx, svc) {
		msg := store.M(MsgNotService, "Ref", svc.Ref, "Name", svc.Name)
		return t, &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg}
	}
	if t.Percent <= 0 || t.Percent > 100 {
		return t, store.Errorf(store.EInvalid, "%g %% is not a target; use a percentage such as 99.9.", t.Percent)
	}
	if t.Period == "" {
		t.Period = "month"
	}
	if t.Period != "month" && t.Period != "quarter" && t.Period != "year" {
		return t, store.Errorf(store.EInvalid, "%q is not a period; use month, quarter or year.", t.Period)
	}
	if t.ServiceHours == "" {
		t.ServiceHours = "7×24"
	}
	if t.TimeZone == "" {
		t.TimeZone = "Asia/Shanghai"
	}
	if _, err := t.Hours(); err != nil {
		return t, store.Errorf(store.EInvalid, "%v.", err)
	}
	policy := "excluded"
	if t.PlannedPolicy == PlannedCounted {
		policy = "counted"
	}
	t.ServiceID, t.ServiceRef, t.ServiceName = svc.ID, svc.Ref, svc.Name
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old := ""
		var pct float64
		var period, hours, zone, oldPolicy string
		err := tx.QueryRowContext(ctx, `SELECT target_percent, period, service_hours, time_zone, planned_policy
			FROM availability_target WHERE service_id = ?`, svc.ID).Scan(&pct, &period, &hours, &zone, &oldPolicy)
		if err == nil {
			old = fmt.Sprintf("%g %% per %s, %s %s, planned %s", pct, period, hours, zone, oldPolicy)
		} else if err != sql.ErrNoRows {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO availability_target (service_id, target_percent, period, service_hours, time_zone, planned_policy)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET target_percent = excluded.target_percent,
			period = excluded.period, service_hours = excluded.service_hours, time_zone = excluded.time_zone,
			planned_policy = excluded.planned_policy`, svc.ID, t.Percent, t.Period, t.ServiceHours, t.TimeZone, policy); err != nil {
			return err
		}
		now := fmt.Sprintf("%g %% per %s, %s %s, planned %s", t.Percent, t.Period, t.ServiceHours, t.TimeZone, policy)
		if now == old {
			return nil
		}
		return log.Add(ctx, "availability_target", svc.ID, "target", old, svc.Ref+" "+now)
	})
	return t, store.MapError(err)
}

// RemoveTarget removes a service's availability target; the change log
// keeps what it was.
func (s *Store) RemoveTarget(ctx context.Context, serviceRef string) error {
	svc, err := s.cmdb.CI(ctx, serviceRef)
	if err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var pct float64
		var period, hours string
		err := tx.QueryRowContext(ctx, "SELECT target_percent, period, service_hours FROM availability_target WHERE service_id = ?",
			svc.ID).Scan(&pct, &period, &hours)
		if err == sql.ErrNoRows {
			return store.Errorf(store.ENotFound, "%s has no availability target.", svc.Ref)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM availability_target WHERE service_id = ?", svc.ID); err != nil {
			return err
		}
		return log.Add(ctx, "availability_target", svc.ID, "deleted", fmt.Sprintf("%s %g %% per %s, %s", svc.Ref, pct, period, hours), "")
	})
}

// describe is an outage as the change log records it.
func (o OutageRecord) describe() string {
	end := "open"
	if !o.End.IsZero() {
		end = o.End.UTC().Format(time.RFC3339)
	}
	kind := "unplanned"
	if o.Planned {
		kind = "planned"
	}
	if o.Partial {
		kind += ", partial"
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s – %s (%s) cause %s: %s", o.ServiceRef, o.Start.UTC().Format(time.RFC3339), end,
		kind, orNone(o.CauseRef), o.Description))
}

// checkOutage refuses an outage that cannot be right: no start, an end
// before the start, times in the future (an outage is recorded once it
// happened; one still going on has no end).
func (s *Store) checkOutage(o OutageRecord) error {
	if o.Start.IsZero() {
		return store.Errorf(store.EInvalid, "An outage needs a start time.")
	}
	if !o.End.IsZero() && !o.End.After(o.Start) {
		return store.Errorf(store.EInvalid, "The outage ends (%s) before it starts (%s).", o.End.Format(time.RFC3339), o.Start.Format(time.RFC3339))
	}
	if err := cleanTexts(map[string]string{"description": o.Description}, "description"); err != nil {
		return err
	}
	now := s.db.Now()
	if o.Start.After(now) {
		return store.Errorf(store.EInvalid, "The outage starts in the future (%s); record it once it has begun.", o.Start.Format("2006-01-02 15:04"))
	}
	if o.End.After(now) {
		return store.Errorf(store.EInvalid, "The outage ends in the future (%s); leave the end empty while it goes on.", o.End.Format("2006-01-02 15:04"))
	}
	return nil
}

// overlapping finds a recorded outage of the same service that overlaps o
// (other than o itself): counted twice, it would double the outage count,
// MTRS and MTBF. Returns 0 when there is none.
func overlapping(ctx context.Context, q store.Querier, serviceID, self int64, o OutageRecord) (int64, string, error) {
	end := "9999-12-31T00:00:00Z"
	if !o.End.IsZero() {
		end = o.End.UTC().Format(time.RFC3339)
	}
	var id int64
	var start string
	err := q.QueryRowContext(ctx, `SELECT id, starts_at FROM outage WHERE service_id = ? AND id <> ? AND starts_at < ?
		AND (ends_at = '' OR ends_at > ?) ORDER BY starts_at LIMIT 1`, serviceID, self, end, o.Start.UTC().Format(time.RFC3339)).Scan(&id, &start)
	if err == sql.ErrNoRows {
		return 0, "", nil
	}
	return id, start, err
}

// AddOutage records an outage of a service. An unplanned outage starts
// with its investigation open. An outage that overlaps one already
// recorded for the service is refused, naming it: change that one instead.
func (s *Store) AddOutage(ctx context.Context, o OutageRecord) (OutageRecord, error) {
	svc, err := s.cmdb.CI(ctx, o.ServiceRef)
	if err != nil {
		return o, err
	}
	var cause any
	if o.CauseRef != "" {
		c, err := s.cmdb.CI(ctx, o.CauseRef)
		if err != nil {
			return o, err
		}
		cause, o.CauseRef = c.ID, c.Ref
	}
	o.ServiceRef, o.ServiceName = svc.Ref, svc.Name
	if err := s.checkOutage(o); err != nil {
		return o, err
	}
	if o.Investigation == "" {
		o.Investigation = "open"
		if o.Planned {
			o.Investigation = "closed" // planned work needs no investigation
		}
	}
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		if other, start, err := overlapping(ctx, tx, svc.ID, 0, o); err != nil || other != 0 {
			if err != nil {
				return err
			}
			return store.Errorf(store.EConflict, "%s already has outage %d from %s that overlaps this one; change that outage instead of recording it twice.",
				svc.Ref, other, start)
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO outage (service_id, cause_ci_id, starts_at, ends_at, planned, partial,
			description, investigation, cause, actions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			svc.ID, cause, o.Start.UTC().Format(time.RFC3339), endText(o.End), o.Planned, o.Partial, o.Description, o.Investigation, o.Cause, o.Actions)
		if err != nil {
			return err
		}
		o.ID, _ = res.LastInsertId()
		return log.Add(ctx, "outage", o.ID, "created", "", o.describe())
	})
	return o, store.MapError(err)
}

func endText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// outageOf reads one outage.
func outageOf(ctx context.Context, q store.Querier, id int64) (OutageRecord, int64, error) {
	var o OutageRecord
	var serviceID int64
	var start, end string
	err := q.QueryRowContext(ctx, `SELECT o.id, o.service_id, c.ref, c.name, coalesce(k.ref, ''), o.starts_at, o.ends_at, o.planned,
		o.partial, o.description, o.investigation, o.cause, o.actions
		FROM outage o JOIN ci c ON c.id = o.service_id LEFT JOIN ci k ON k.id = o.cause_ci_id WHERE o.id = ?`, id).Scan(
		&o.ID, &serviceID, &o.ServiceRef, &o.ServiceName, &o.CauseRef, &start, &end, &o.Planned, &o.Partial,
		&o.Description, &o.Investigation, &o.Cause, &o.Actions)
	if err == sql.ErrNoRows {
		return o, 0, store.Errorf(store.ENotFound, "There is no outage %d.", id)
	}
	o.Start, _ = time.Parse(time.RFC3339, start)
	if end != "" {
		o.End, _ = time.Parse(time.RFC3339, end)
	}
	return o, serviceID, err
}

// UpdateOutage corrects an outage (found by o.ID): start, end, planned,
// partial, cause CI and description. The investigation is changed with
// Investigate.
func (s *Store) UpdateOutage(ctx context.Context, o OutageRecord) error {
	var cause any
	if o.CauseRef != "" {
		c, err := s.cmdb.CI(ctx, o.CauseRef)
		if err != nil {
			return err
		}
		cause, o.CauseRef = c.ID, c.Ref
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, serviceID, err := outageOf(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		o.ServiceRef, o.ServiceName = old.ServiceRef, old.ServiceName
		if err := s.checkOutage(o); err != nil {
			return err
		}
		if other, start, err := overlapping(ctx, tx, serviceID, o.ID, o); err != nil || other != 0 {
			if err != nil {
				return err
			}
			return store.Errorf(store.EConflict, "%s has outage %d from %s that would overlap this one.", old.ServiceRef, other, start)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outage SET starts_at = ?, ends_at = ?, planned = ?, partial = ?, cause_ci_id = ?,
			description = ? WHERE id = ?`, o.Start.UTC().Format(time.RFC3339), endText(o.End), o.Planned, o.Partial, cause,
			o.Description, o.ID); err != nil {
			return err
		}
		if old.describe() == o.describe() {
			return nil
		}
		return log.Add(ctx, "outage", o.ID, "changed", old.describe(), o.describe())
	})
}

// RemoveOutage deletes an outage recorded by mistake; the change log keeps
// what it was.
func (s *Store) RemoveOutage(ctx context.Context, id int64) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, _, err := outageOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM outage WHERE id = ?", id); err != nil {
			return err
		}
		return log.Add(ctx, "outage", id, "deleted", old.describe()+"; investigation "+old.Investigation, "")
	})
}

// Investigate updates the investigation of an unplanned outage.
func (s *Store) Investigate(ctx context.Context, id int64, status, cause, actions string) error {
	switch status {
	case "open", "investigating", "closed":
	default:
		return store.Errorf(store.EInvalid, "%q is not an investigation status; use open, investigating or closed.", status)
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, _, err := outageOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if cause == "" {
			cause = old.Cause
		}
		if actions == "" {
			actions = old.Actions
		}
		if status == "closed" && strings.TrimSpace(cause) == "" {
			return store.Errorf(store.EInvalid, "Record the cause before closing the investigation.")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE outage SET investigation = ?, cause = ?, actions = ? WHERE id = ?",
			status, cause, actions, id); err != nil {
			return err
		}
		for _, f := range [][3]string{{"investigation", old.Investigation, status}, {"cause", old.Cause, cause}, {"actions", old.Actions, actions}} {
			if f[1] != f[2] {
				if err := log.Add(ctx, "outage", id, f[0], f[1], f[2]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// investigationRank orders investigation states: an import never moves an
// outage back to an earlier one.
func investigationRank(status string) int {
	switch status {
	case "investigating":
		return 1
	case "closed":
		return 2
	}
	return 0
}

// Outage returns one outage of the register. Returns ENOTFOUND.
func (s *Store) Outage(ctx context.Context, id int64) (OutageRecord, error) {
	o, _, err := outageOf(ctx, s.db, id)
	return o, err
}
