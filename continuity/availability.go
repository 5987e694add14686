package continuity

import (
	"sort"
	"time"
)

// Outage is a time a service was not (fully) available.
type Outage struct {
	Start time.Time
	End   time.Time // zero while the outage is still open
	// Planned outages are agreed maintenance; see PlannedPolicy.
	Planned bool
	// Partial outages (the service degraded, not down) are reported as
	// degraded time and do not count as downtime.
	Partial bool
}

// PlannedPolicy says how planned downtime is counted.
type PlannedPolicy int

const (
	// PlannedExcluded takes planned downtime out of the agreed service time,
	// as most SLAs agree ("计划和协定的中断").
	PlannedExcluded PlannedPolicy = iota
	// PlannedCounted counts planned downtime like any other.
	PlannedCounted
)

// Result is a service's availability over one period.
type Result struct {
	Agreed       time.Duration // agreed service time in the period, after exclusions
	Downtime     time.Duration // unavailable time inside the agreed time
	Degraded     time.Duration // partial outages inside the agreed time
	Planned      time.Duration // planned downtime inside the service hours
	Availability float64       // percent; 100 when there was no agreed time
	Target       float64       // percent
	Met          bool
	// ErrorBudget is the downtime the target still allows (negative when
	// the target was missed).
	ErrorBudget time.Duration
	Outages     int           // unplanned outages that caused downtime; overlapping ones count once
	MTRS        time.Duration // mean time to restore service
	MTBF        time.Duration // mean time between failures (agreed time up, per outage)
	// ToDate is set when the period has not ended: every figure counts the
	// time up to now only, never the future as time the service was up.
	ToDate bool
	Until  time.Time // the end of the time counted: the period's end, or now
}

// Compute measures availability over span, for service hours, outages,
// a planned-downtime policy and a target percentage. A span that has not
// ended is measured up to now (ToDate): the future is not time the service
// was up. Open outages last until now. Overlapping outages are counted
// once, in the downtime and in the number of outages; outage time outside
// the service hours does not count.
func Compute(span Interval, hours ServiceHours, outages []Outage, policy PlannedPolicy, target float64, now time.Time) Result {
	toDate := now.Before(span.End)
	if toDate {
		span.End = maxTime(now, span.Start)
	}
	windows := hours.Windows(span)
	var unplanned, planned, partial []Interval
	var unplannedOutages []Interval
	for _, o := range outages {
		end := o.End
		if end.IsZero() {
			end = minTime(now, span.End)
		}
		iv := Interval{maxTime(o.Start, span.Start), minTime(end, span.End)}
		if iv.Duration() == 0 {
			continue
		}
		switch {
		case o.Partial:
			partial = append(partial, iv)
		case o.Planned:
			planned = append(planned, iv)
		default:
			unplanned = append(unplanned, iv)
			unplannedOutages = append(unplannedOutages, iv)
		}
	}
	plannedInHours := intersect(windows, union(planned))
	agreed := windows
	var down []Interval
	if policy == PlannedExcluded {
		agreed = subtract(windows, plannedInHours)
		down = intersect(agreed, union(unplanned))
	} else {
		down = intersect(agreed, union(append(append([]Interval{}, unplanned...), planned...)))
	}
	r := Result{
		Agreed:   total(agreed),
		Downtime: total(down),
		Degraded: total(intersect(agreed, union(partial))),
		Planned:  total(plannedInHours),
		Target:   target,
		ToDate:   toDate,
		Until:    span.End,
	}
	for _, iv := range union(unplannedOutages) {
		if total(intersect(agreed, []Interval{iv})) > 0 {
			r.Outages++
		}
	}
	r.Availability = 100
	if r.Agreed > 0 {
		r.Availability = 100 * float64(r.Agreed-r.Downtime) / float64(r.Agreed)
	}
	r.Met = r.Availability >= target
	allowed := time.Duration(float64(r.Agreed) * (1 - target/100))
	r.ErrorBudget = allowed - r.Downtime
	if r.Outages > 0 {
		r.MTRS = r.Downtime / time.Duration(r.Outages)
		r.MTBF = (r.Agreed - r.Downtime) / time.Duration(r.Outages)
	}
	return r
}

// union merges overlapping or touching intervals into a sorted set.
func union(ivs []Interval) []Interval {
	if len(ivs) == 0 {
		return nil
	}
	sorted := append([]Interval(nil), ivs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Start.Before(sorted[j].Start) })
	out := []Interval{sorted[0]}
	for _, iv := range sorted[1:] {
		last := &out[len(out)-1]
		if !iv.Start.After(last.End) {
			last.End = maxTime(last.End, iv.End)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// intersect returns the parts of a that lie in b; both must be sorted sets.
func intersect(a, b []Interval) []Interval {
	var out []Interval
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		iv := Interval{maxTime(a[i].Start, b[j].Start), minTime(a[i].End, b[j].End)}
		if iv.Duration() > 0 {
			out = append(out, iv)
		}
		if a[i].End.Before(b[j].End) {
			i++
		} else {
			j++
		}
	}
	return out
}

// subtract returns the parts of a that are not in b; both sorted sets.
func subtract(a, b []Interval) []Interval {
	var out []Interval
	j := 0
	for _, iv := range a {
		cur := iv
		for j < len(b) && !b[j].End.After(cur.Start) {
			j++
		}
		k := j
		for k < len(b) && b[k].Start.Before(cur.End) {
			if b[k].Start.After(cur.Start) {
				out = append(out, Interval{cur.Start, b[k].Start})
			}
			cur.Start = maxTime(cur.Start, b[k].End)
			k++
		}
		if cur.Duration() > 0 {
			out = append(out, cur)
		}
	}
	return out
}

func total(ivs []Interval) time.Duration {
	var d time.Duration
	for _, iv := range ivs {
		d += iv.Duration()
	}
	return d
}

// Dependency is one thing a service needs, with its availability (0–1).
// Dependencies that share a redundancy Group are alternatives.
type Dependency struct {
	Availability float64
	Group        string
}

// Combine is the availability of something that needs all its ungrouped
// dependencies (in series: the product) and at least one member of each
// redundancy group (in parallel: 1 − ∏(1 − aᵢ)).
func Combine(deps []Dependency) float64 {
	a := 1.0
	down := map[string]float64{}
	for _, d := range deps {
		if d.Group == "" {
			a *= d.Availability
			continue
		}
		if _, ok := down[d.Group]; !ok {
			down[d.Group] = 1
		}
		down[d.Group] *= 1 - d.Availability
	}
	for _, allDown := range down {
		a *= 1 - allDown
	}
	return a
}

// Derive computes the availability of CI id from its own availability and,
// recursively, its dependencies': A(x) = own(x) × Combine(deps(x)). A
// dependency cycle is cut where it closes (the CI counts as available
// there), so the result is finite for any CMDB.
func Derive(id int64, own func(int64) float64, deps func(int64) []DependencyOn) float64 {
	memo := map[int64]float64{}
	visiting := map[int64]bool{}
	var walk func(int64) float64
	walk = func(x int64) float64 {
		if a, ok := memo[x]; ok {
			return a
		}
		if visiting[x] {
			return 1
		}
		visiting[x] = true
		var ds []Dependency
		for _, d := range deps(x) {
			ds = append(ds, Dependency{Availability: walk(d.ID), Group: d.Group})
		}
		visiting[x] = false
		a := own(x) * Combine(ds)
		memo[x] = a
		return a
	}
	return walk(id)
}

// DependencyOn names a dependency by CI id, for Derive.
type DependencyOn struct {
	ID    int64
	Group string
}
