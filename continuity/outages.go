package continuity

import (
	"context"
	"time"

	"servicebook/cmdb"
	"servicebook/store"
)

// Target is a service's availability target and how it is measured.
type Target struct {
	ServiceID     int64
	ServiceRef    string
	ServiceName   string
	Percent       float64
	Period        string // month, quarter, year
	ServiceHours  string // 7×24, weekdays 08:00-18:00, …
	TimeZone      string // IANA name
	PlannedPolicy PlannedPolicy
}

// Hours parses the target's service hours.
func (t Target) Hours() (ServiceHours, error) { return ParseServiceHours(t.ServiceHours, t.TimeZone) }

// Targets returns every service's target, by reference (t.service_id,
// which is c.id: ordered by c.id, SQLite walked every CI to find the few
// with targets).
func (s *Store) Targets(ctx context.Context) ([]Target, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.service_id, c.ref, c.name, t.target_percent, t.period, t.service_hours,
		t.time_zone, t.planned_policy FROM availability_target t JOIN ci c ON c.id = t.service_id ORDER BY t.service_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		var policy string
		if err := rows.Scan(&t.ServiceID, &t.ServiceRef, &t.ServiceName, &t.Percent, &t.Period, &t.ServiceHours, &t.TimeZone, &policy); err != nil {
			return nil, err
		}
		if policy == "counted" {
			t.PlannedPolicy = PlannedCounted
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// OutageRecord is an outage as the register keeps it.
type OutageRecord struct {
	ID            int64
	ServiceRef    string
	ServiceName   string
	CauseRef      string // "" when unknown
	Outage               // start, end, planned, partial
	Description   string
	Investigation string // open, investigating, closed
	Cause         string
	Actions       string
}

// Outages returns the outages that overlap span, for one service (ref) or
// all (""), oldest first.
func (s *Store) Outages(ctx context.Context, serviceRef string, span Interval) ([]OutageRecord, error) {
	var id int64
	if serviceRef != "" {
		svc, err := s.cmdb.CI(ctx, serviceRef)
		if err != nil {
			return nil, err
		}
		id = svc.ID
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, c.ref, c.name, coalesce(k.ref, ''), o.starts_at, o.ends_at, o.planned,
		o.partial, o.description, o.investigation, o.cause, o.actions
		FROM outage o JOIN ci c ON c.id = o.service_id LEFT JOIN ci k ON k.id = o.cause_ci_id
		WHERE (? = 0 OR o.service_id = ?) AND o.starts_at < ? AND (o.ends_at = '' OR o.ends_at > ?)
		ORDER BY o.starts_at, o.id`, id, id, span.End.UTC().Format(time.RFC3339), span.Start.UTC().Format(time.RFC3339))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutageRecord
	for rows.Next() {
		var o OutageRecord
		var start, end string
		if err := rows.Scan(&o.ID, &o.ServiceRef, &o.ServiceName, &o.CauseRef, &start, &end, &o.Planned, &o.Partial,
			&o.Description, &o.Investigation, &o.Cause, &o.Actions); err != nil {
			return nil, err
		}
		o.Start, _ = time.Parse(time.RFC3339, start)
		if end != "" {
			o.End, _ = time.Parse(time.RFC3339, end)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ServiceAvailability is one service's availability over a period.
type ServiceAvailability struct {
	Target
	Period Period
	Result
	// Uninvestigated counts unplanned outages whose investigation is still
	// open: gaps an auditor will ask about.
	Uninvestigated int
	// Derived is the availability (percent) the service's dependencies
	// imply over the period: each CI's own availability from the outages it
	// caused, combined in series and, within redundancy groups, in parallel.
	Derived float64
}

// Availability computes every targeted service's availability (or one
// service's, when serviceRef is set) over period, a label such as 2026-10,
// 2026-Q4 or 2026 read in each service's time zone.
func (s *Store) Availability(ctx context.Context, period, serviceRef string) ([]ServiceAvailability, error) {
	return s.AvailabilityAt(ctx, period, serviceRef, s.db.Now())
}

// AvailabilityAt is Availability as it stood at now: a period that had not
// ended by then is counted to now only. A printed report or an export
// passes its "as of" time, so the same records and the same time give the
// same figures.
func (s *Store) AvailabilityAt(ctx context.Context, period, serviceRef string, now time.Time) ([]ServiceAvailability, error) {
	targets, err := s.Targets(ctx)
	if err != nil {
		return nil, err
	}
	var out []ServiceAvailability
	for _, t := range targets {
		if serviceRef != "" && t.ServiceRef != cmdb.NormalizeRef(serviceRef) {
			continue
		}
		hours, err := t.Hours()
		if err != nil {
			return nil, err
		}
		p, err := ParsePeriod(period, hours.Location)
		if err != nil {
			return nil, store.Errorf(store.EInvalid, "%v.", err)
		}
		if !p.Start.Before(now) {
			return nil, store.Errorf(store.EInvalid, "%s has not begun: availability is measured over time that has passed.", period)
		}
		recs, err := s.Outages(ctx, t.ServiceRef, p.Interval)
		if err != nil {
			return nil, err
		}
		outages := make([]Outage, len(recs))
		sa := ServiceAvailability{Target: t, Period: p}
		for i, r := range recs {
			outages[i] = r.Outage
			if !r.Planned && r.Investigation == "open" {
				sa.Uninvestigated++
			}
		}
		sa.Result = Compute(p.Interval, hours, outages, t.PlannedPolicy, t.Percent, now)
		if sa.Derived, err = s.derived(ctx, t.ServiceID, p.Interval, now); err != nil {
			return nil, err
		}
		out = append(out, sa)
	}
	if serviceRef != "" && len(out) == 0 {
		return nil, store.Errorf(store.ENotFound, "%s has no availability target; set one first.", serviceRef)
	}
	return out, nil
}

// derived computes a service's availability from its dependencies over
// span (7×24): each CI's own availability is the share of span not covered
// by unplanned outages it caused.
func (s *Store) derived(ctx context.Context, serviceID int64, span Interval, now time.Time) (float64, error) {
	g, err := s.cmdb.Graph(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT cause_ci_id, starts_at, ends_at FROM outage
		WHERE cause_ci_id IS NOT NULL AND planned = 0 AND partial = 0 AND starts_at < ? AND (ends_at = '' OR ends_at > ?)`,
		span.End.UTC().Format(time.RFC3339), span.Start.UTC().Format(time.RFC3339))
	if err != nil {
		return 0, err
	}
	caused := map[int64][]Outage{}
	for rows.Next() {
		var id int64
		var start, end string
		if err := rows.Scan(&id, &start, &end); err != nil {
			rows.Close()
			return 0, err
		}
		o := Outage{}
		o.Start, _ = time.Parse(time.RFC3339, start)
		if end != "" {
			o.End, _ = time.Parse(time.RFC3339, end)
		}
		caused[id] = append(caused[id], o)
	}
	rows.Close()
	utc := AroundTheClock(time.UTC)
	own := func(id int64) float64 {
		if len(caused[id]) == 0 {
			return 1
		}
		return Compute(span, utc, caused[id], PlannedCounted, 0, now).Availability / 100
	}
	deps := func(id int64) []DependencyOn {
		var out []DependencyOn
		for _, d := range g.Needs(id) {
			out = append(out, DependencyOn{ID: d.ID, Group: d.Group})
		}
		return out
	}
	return 100 * Derive(serviceID, own, deps), nil
}
