package capacity

import (
	"context"
	"database/sql"
	"math"
	"sort"
	"time"

	"servicebook/store"
)

// ResourceStatus is a resource's forecast summed up: what a list of
// resources shows. The full forecast (history, band) is ForecastResource's.
type ResourceStatus struct {
	Resource
	// Problem says why there is no forecast (too few samples); the rest
	// is then empty.
	Problem                       string
	Last                          time.Time // the last sample
	Latest                        float64   // its value
	Method                        Method
	RMSE, MAPE                    float64
	ToWarning, ToCritical, ToFull Reach
	Upgrades                      int // planned upgrades within the horizon
	// What a what-if changed (see ResourceForecast).
	Added, TakesOver float64
	AddedFrom        time.Time
	LostCI           string
	Lost             bool
}

// StatusOf sums a forecast up.
func StatusOf(f ResourceForecast) ResourceStatus {
	st := ResourceStatus{Resource: f.Resource, Method: f.Method, RMSE: f.RMSE, MAPE: f.MAPE, ToWarning: f.ToWarning,
		ToCritical: f.ToCritical, ToFull: f.ToFull, Upgrades: len(f.Upgrades), Added: f.Added, TakesOver: f.TakesOver,
		AddedFrom: f.AddedFrom, LostCI: f.LostCI, Lost: f.Lost}
	if n := len(f.Series.Values); n > 0 {
		st.Last, st.Latest = f.Series.At(n-1), f.Series.Values[n-1]
	}
	return st
}

// Statuses sums up every resource's forecast over horizon (whole days), in
// the order Resources lists them, under the what-if w. With no what-if it
// reads the statuses kept from earlier forecasts over the same horizon and
// works out only the missing ones (and keeps them), telling progress how
// many of how many are done; a what-if forecasts every resource afresh.
func (s *Store) Statuses(ctx context.Context, horizon time.Duration, w WhatIf, progress func(done, total int)) ([]ResourceStatus, error) {
	days := max(1, int(horizon/(24*time.Hour)))
	horizon = time.Duration(days) * 24 * time.Hour
	if !w.IsZero() {
		forecasts, errs, err := s.Forecasts(ctx, horizon, w)
		if err != nil {
			return nil, err
		}
		out := make([]ResourceStatus, len(forecasts))
		for i, f := range forecasts {
			out[i] = StatusOf(f)
			if errs[i] != nil {
				out[i] = ResourceStatus{Resource: f.Resource, Problem: store.ErrorMessage(errs[i])}
			}
		}
		return out, nil
	}
	resources, kept, err := s.resourcesAndKept(ctx, days)
	if err != nil {
		return nil, err
	}
	var missing []int
	out := make([]ResourceStatus, len(resources))
	for i, r := range resources {
		st, ok := kept[r.ID]
		if !ok {
			missing = append(missing, i)
			continue
		}
		st.Resource = r
		out[i] = st
	}
	if len(missing) > 0 {
		if err := s.workOut(ctx, resources, missing, out, days, progress); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// resourcesAndKept reads every resource, in the order Resources lists
// them, and the statuses kept for a horizon of days, by resource id — in
// one query, as a list of thousands opens on it. (Both order by r.ci_id,
// which is c.id: ordered by c.id, SQLite walked every CI to find the few
// with resources, 58 ms of the window's start on a 100k CMDB.)
func (s *Store) resourcesAndKept(ctx context.Context, days int) ([]Resource, map[int64]ResourceStatus, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, c.ref, c.name, r.metric, r.unit, r.name, r.capacity, r.warning, r.critical,
		r.buffer_pct, r.ha_reserve, st.resource_id IS NOT NULL, coalesce(st.problem, ''), coalesce(st.last_at, 0),
		coalesce(st.latest, 0), coalesce(st.method, ''), coalesce(st.rmse, 0), st.mape, st.warning_at, st.critical_at,
		st.full_at, coalesce(st.upgrades, 0)
		FROM capacity_resource r JOIN ci c ON c.id = r.ci_id
		LEFT JOIN capacity_status st ON st.resource_id = r.id AND st.horizon_days = ?
		ORDER BY r.ci_id, r.metric`, days)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var resources []Resource
	kept := map[int64]ResourceStatus{}
	for rows.Next() {
		var r Resource
		var st ResourceStatus
		var have bool
		var last int64
		var mape sql.NullFloat64
		var warn, crit, full sql.NullInt64
		if err := rows.Scan(&r.ID, &r.CIRef, &r.CIName, &r.Metric, &r.Unit, &r.Name, &r.Capacity, &r.Warning, &r.Critical,
			&r.BufferPct, &r.HAReserve, &have, &st.Problem, &last, &st.Latest, &st.Method, &st.RMSE, &mape, &warn, &crit, &full,
			&st.Upgrades); err != nil {
			return nil, nil, err
		}
		resources = append(resources, r)
		if !have {
			continue
		}
		st.Last = time.Unix(last, 0).UTC()
		st.MAPE = math.NaN()
		if mape.Valid {
			st.MAPE = mape.Float64
		}
		st.ToWarning, st.ToCritical, st.ToFull = reachFrom(warn, last), reachFrom(crit, last), reachFrom(full, last)
		kept[r.ID] = st
	}
	return resources, kept, rows.Err()
}

func reachFrom(at sql.NullInt64, last int64) Reach {
	switch {
	case !at.Valid:
		return Reach{Never: true}
	case at.Int64 <= last:
		return Reach{Already: true, At: time.Unix(last, 0).UTC()}
	}
	return Reach{At: time.Unix(at.Int64, 0).UTC(), In: time.Duration(at.Int64-last) * time.Second}
}

func reachTo(r Reach, last time.Time) any {
	switch {
	case r.Never:
		return nil
	case r.Already:
		return last.Unix()
	}
	return r.At.Unix()
}

// workOut forecasts the resources at the indexes missing over a horizon of
// days, fills out with their statuses and keeps them.
func (s *Store) workOut(ctx context.Context, resources []Resource, missing []int, out []ResourceStatus, days int, progress func(done, total int)) error {
	ups, err := s.Upgrades(ctx, "")
	if err != nil {
		return err
	}
	byName := map[string][]Upgrade{}
	for _, u := range ups {
		byName[u.Resource] = append(byName[u.Resource], u)
	}
	// The samples are read one resource at a time and forecast a batch at
	// a time, on every core (PredictMany).
	const batch = 256
	for start := 0; start < len(missing); start += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := missing[start:min(start+batch, len(missing))]
		series := make([]Series, len(part))
		problems := make([]string, len(part))
		for j, i := range part {
			samples, err := s.Samples(ctx, resources[i].ID)
			if err != nil {
				return err
			}
			if series[j], err = Regular(samples); err != nil {
				problems[j] = "too few samples to forecast"
			}
		}
		forecasts, errs := predictSome(series, problems, time.Duration(days)*24*time.Hour)
		for j, i := range part {
			r := resources[i]
			switch {
			case problems[j] != "":
				out[i] = ResourceStatus{Resource: r, Problem: problems[j]}
			case errs[j] != nil:
				out[i] = ResourceStatus{Resource: r, Problem: errs[j].Error()}
			default:
				out[i] = StatusOf(s.thresholds(r, forecasts[j], byName[r.Name]))
			}
		}
		if err := s.keepStatuses(ctx, days, part, out); err != nil {
			return err
		}
		if progress != nil {
			progress(min(start+batch, len(missing)), len(missing))
		}
	}
	return nil
}

// predictSome forecasts the series that have no problem, on every core.
func predictSome(series []Series, problems []string, horizon time.Duration) ([]Forecast, []error) {
	var idx []int
	var todo []Series
	for j, sr := range series {
		if problems[j] == "" {
			idx = append(idx, j)
			todo = append(todo, sr)
		}
	}
	out, errs := make([]Forecast, len(series)), make([]error, len(series))
	if len(todo) == 0 {
		return out, errs
	}
	// Each series has its own step: PredictMany takes one horizon in
	// steps, so series are grouped by step.
	bySteps := map[int][]int{}
	for k, sr := range todo {
		n := max(1, int(horizon/sr.Step))
		bySteps[n] = append(bySteps[n], k)
	}
	for n, ks := range bySteps {
		group := make([]Series, len(ks))
		for g, k := range ks {
			group[g] = todo[k]
		}
		fs, es := PredictMany(group, n)
		for g, k := range ks {
			out[idx[k]], errs[idx[k]] = fs[g], es[g]
		}
	}
	return out, errs
}

// thresholds completes a forecast of r with its upgrades and the times its
// thresholds are reached, as forecast does.
func (s *Store) thresholds(r Resource, f Forecast, ups []Upgrade) ResourceForecast {
	steps := capacitySteps{base: r.Capacity}
	end := f.At(len(f.Mean) - 1)
	for _, u := range ups {
		if u.Status == "planned" && !u.Planned.After(end) {
			steps.steps = append(steps.steps, u)
		}
	}
	return ResourceForecast{Resource: r, Forecast: f, Upgrades: steps.steps, ToWarning: f.timeToScaled(r.Warning, steps),
		ToCritical: f.timeToScaled(r.Critical, steps), ToFull: f.timeToScaled(r.Usable(), steps)}
}

// keepStatuses writes the statuses of out at the indexes part, for a
// horizon of days. They are derived data: not in the change log.
func (s *Store) keepStatuses(ctx context.Context, days int, part []int, out []ResourceStatus) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO capacity_status (resource_id, horizon_days, computed_at, problem,
			last_at, latest, method, rmse, mape, warning_at, critical_at, full_at, upgrades) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (resource_id, horizon_days) DO UPDATE SET computed_at = excluded.computed_at, problem = excluded.problem,
			last_at = excluded.last_at, latest = excluded.latest, method = excluded.method, rmse = excluded.rmse,
			mape = excluded.mape, warning_at = excluded.warning_at, critical_at = excluded.critical_at,
			full_at = excluded.full_at, upgrades = excluded.upgrades`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.db.Now().UTC().Format(time.RFC3339)
		for _, i := range part {
			st := out[i]
			var mape any
			if !math.IsNaN(st.MAPE) && st.Problem == "" {
				mape = st.MAPE
			}
			if _, err := stmt.ExecContext(ctx, st.ID, days, now, st.Problem, st.Last.Unix(), st.Latest, string(st.Method), st.RMSE, mape,
				reachTo(st.ToWarning, st.Last), reachTo(st.ToCritical, st.Last), reachTo(st.ToFull, st.Last), st.Upgrades); err != nil {
				return err
			}
		}
		return nil
	})
}

// forgetStatuses deletes, inside a write, the kept statuses of the
// resources ids: what their forecasts rest on changed.
func forgetStatuses(ctx context.Context, tx *sql.Tx, ids ...int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "DELETE FROM capacity_status WHERE resource_id = ?", id); err != nil {
			return err
		}
	}
	return nil
}

// Breaches are the resources whose warning threshold is forecast to be
// reached within the next span and that have no upgrade planned, soonest
// first: what a dashboard warns of. It reads only the kept statuses and
// works none out (a dashboard must open at once): missing is how many
// resources have none kept, for the caller to have them worked out
// (Statuses) in the background.
func (s *Store) Breaches(ctx context.Context, within time.Duration) (out []ResourceStatus, missing int, err error) {
	days := max(1, int(within/(24*time.Hour)))
	resources, kept, err := s.resourcesAndKept(ctx, days)
	if err != nil {
		return nil, 0, err
	}
	for _, r := range resources {
		st, ok := kept[r.ID]
		switch {
		case !ok:
			missing++
		case st.Problem == "" && st.Upgrades == 0 && !st.ToWarning.Never && !st.ToWarning.Already:
			st.Resource = r
			out = append(out, st)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ToWarning.In < out[j].ToWarning.In })
	return out, missing, nil
}
