package capacity

import (
	"context"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/store"
)

// ResourceForecast is a resource's forecast and when it reaches its
// thresholds and its usable capacity.
type ResourceForecast struct {
	Resource
	Forecast
	// When the forecast reaches the warning and critical thresholds and
	// the usable capacity. Planned upgrades raise all three, in proportion
	// to the capacity they add, from their dates.
	ToWarning, ToCritical, ToFull Reach
	// Upgrades are the planned upgrades within the forecast.
	Upgrades []Upgrade
	// What the what-if changed for this resource: a load added from a
	// date, the load it takes over from a CI taken out of its group
	// (LostCI), or that it is on that CI and carries nothing (Lost).
	Added     float64
	AddedFrom time.Time
	TakesOver float64
	LostCI    string
	Lost      bool
}

// CapacityAt is the resource's capacity on t: its capacity now and what
// the planned upgrades within the forecast add from their dates. The
// thresholds rise in proportion (Warning × CapacityAt(t) / Capacity).
func (f ResourceForecast) CapacityAt(t time.Time) float64 {
	return capacitySteps{base: f.Capacity, steps: f.Upgrades}.at(t)
}

// WhatIf is a change to the demand a forecast assumes; the zero WhatIf
// changes nothing.
type WhatIf struct {
	// DemandPct scales every forecast: +20 is a fifth more demand.
	DemandPct float64
	// AddLoad is a new service's expected load on the resource named
	// AddTo, in its unit, from AddFrom on (from the first forecast step
	// when zero).
	AddTo   string
	AddLoad float64
	AddFrom time.Time
	// Lose is a CI (reference) taken out of its redundancy groups: its
	// resources carry nothing, and its latest load of each metric moves,
	// shared equally, to the resources of that metric on the other members
	// of its groups.
	Lose string
}

// IsZero reports whether w changes nothing.
func (w WhatIf) IsZero() bool {
	return w.DemandPct == 0 && w.AddLoad == 0 && strings.TrimSpace(w.Lose) == ""
}

// ForecastResource forecasts a resource's use for horizon from its last
// sample, under the what-if w.
func (s *Store) ForecastResource(ctx context.Context, name string, horizon time.Duration, w WhatIf) (ResourceForecast, error) {
	r, err := s.Resource(ctx, name)
	if err != nil {
		return ResourceForecast{}, err
	}
	ups, err := s.Upgrades(ctx, r.Name)
	if err != nil {
		return ResourceForecast{Resource: r}, err
	}
	loss, err := s.nodeLoss(ctx, w.Lose)
	if err != nil {
		return ResourceForecast{Resource: r}, err
	}
	return s.forecast(ctx, r, ups, horizon, w, loss)
}

// Forecasts forecasts every resource, in the order Resources lists them,
// under the what-if w; errs[i] says why resource i has none (too few
// samples: EInvalid). The resources and their upgrades are read once for
// all.
func (s *Store) Forecasts(ctx context.Context, horizon time.Duration, w WhatIf) (out []ResourceForecast, errs []error, err error) {
	resources, err := s.Resources(ctx)
	if err != nil {
		return nil, nil, err
	}
	ups, err := s.Upgrades(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	loss, err := s.nodeLoss(ctx, w.Lose)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string][]Upgrade{}
	for _, u := range ups {
		byName[u.Resource] = append(byName[u.Resource], u)
	}
	out, errs = make([]ResourceForecast, len(resources)), make([]error, len(resources))
	for i, r := range resources {
		out[i], errs[i] = s.forecast(ctx, r, byName[r.Name], horizon, w, loss)
		if errs[i] != nil && store.ErrorCode(errs[i]) != store.EInvalid {
			return nil, nil, errs[i]
		}
	}
	return out, errs, nil
}

// lossOf is what losing a CI does to each resource: the load it takes
// over (by resource id), and the lost CI's own resources.
type lossOf struct {
	ci      string
	takes   map[int64]float64
	lost    map[int64]bool
	members int // the CI's group peers
}

// nodeLoss works out what losing the CI ref does: nil for none. A CI in
// no redundancy group is refused: nothing would take its load.
func (s *Store) nodeLoss(ctx context.Context, ref string) (*lossOf, error) {
	if strings.TrimSpace(ref) == "" {
		return nil, nil
	}
	ci, err := s.findCI(ctx, ref)
	if err != nil {
		return nil, err
	}
	rels, err := s.cmdb.Relations(ctx, ci.Ref)
	if err != nil {
		return nil, err
	}
	// The groups it is in: (its dependent, group name).
	peers := map[string]bool{}
	for _, r := range rels {
		if r.Group == "" {
			continue
		}
		dependentIsFrom, _ := r.Kind.Propagation()
		dependent, dependency := r.FromRef, r.ToRef
		if !dependentIsFrom {
			dependent, dependency = r.ToRef, r.FromRef
		}
		if dependency != ci.Ref {
			continue
		}
		group, err := s.cmdb.Relations(ctx, dependent)
		if err != nil {
			return nil, err
		}
		for _, g := range group {
			fromIsDependent, _ := g.Kind.Propagation()
			member := g.ToRef
			if !fromIsDependent {
				member = g.FromRef
			}
			if g.Group == r.Group && member != dependent && member != ci.Ref {
				peers[member] = true
			}
		}
	}
	if len(peers) == 0 {
		return nil, store.Errorf(store.EInvalid, "%s %s is in no redundancy group: no other CI would take over its load.", ci.Ref, ci.Name)
	}
	resources, err := s.Resources(ctx)
	if err != nil {
		return nil, err
	}
	spans, err := s.SampleSpans(ctx)
	if err != nil {
		return nil, err
	}
	loss := &lossOf{ci: ci.Ref, takes: map[int64]float64{}, lost: map[int64]bool{}, members: len(peers)}
	for _, lostR := range resources {
		if lostR.CIRef != ci.Ref {
			continue
		}
		loss.lost[lostR.ID] = true
		var takers []int64
		for _, r := range resources {
			if peers[r.CIRef] && r.Metric == lostR.Metric {
				takers = append(takers, r.ID)
			}
		}
		for _, id := range takers {
			loss.takes[id] += spans[lostR.ID].Latest / float64(len(takers))
		}
	}
	return loss, nil
}

// findCI finds a CI by reference or, failing that, by its exact name
// (bj-db-02), as people name the node they think of losing.
func (s *Store) findCI(ctx context.Context, text string) (cmdb.CI, error) {
	ci, err := s.cmdb.CI(ctx, text)
	if store.ErrorCode(err) != store.ENotFound {
		return ci, err
	}
	found, serr := s.cmdb.Search(ctx, text, 20)
	if serr != nil {
		return ci, serr
	}
	for _, c := range found {
		if strings.EqualFold(strings.TrimSpace(c.Name), strings.TrimSpace(text)) {
			return s.cmdb.CI(ctx, c.Ref)
		}
	}
	return ci, err
}

// forecast forecasts r from its samples, with its upgrades (ups: all of
// them; the planned ones within the horizon raise its thresholds), under
// the what-if w (loss: what losing w.Lose does, worked out once).
func (s *Store) forecast(ctx context.Context, r Resource, ups []Upgrade, horizon time.Duration, w WhatIf, loss *lossOf) (ResourceForecast, error) {
	samples, err := s.Samples(ctx, r.ID)
	if err != nil {
		return ResourceForecast{Resource: r}, err
	}
	series, err := Regular(samples)
	if err != nil {
		return ResourceForecast{Resource: r}, store.Errorf(store.EInvalid, "%s has %d samples: a forecast needs at least 3 at different times.", r.Name, len(samples))
	}
	f, err := Predict(series, max(1, int(horizon/series.Step)))
	if err != nil {
		return ResourceForecast{Resource: r}, store.Errorf(store.EInvalid, "%s: %v", r.Name, err)
	}
	rf := ResourceForecast{Resource: r}
	if w.DemandPct != 0 {
		k := 1 + w.DemandPct/100
		for i := range f.Mean {
			f.Mean[i], f.Lower[i], f.Upper[i] = f.Mean[i]*k, f.Lower[i]*k, f.Upper[i]*k
		}
	}
	// Loads added or taken away shift the forecast and its range alike.
	shift := func(from time.Time, by float64) {
		for i := range f.Mean {
			if !f.At(i).Before(from) {
				f.Mean[i], f.Lower[i], f.Upper[i] = f.Mean[i]+by, f.Lower[i]+by, f.Upper[i]+by
			}
		}
	}
	if w.AddLoad != 0 && strings.TrimSpace(w.AddTo) == r.Name {
		shift(w.AddFrom, w.AddLoad)
		from := f.At(0)
		if w.AddFrom.After(from) {
			from = w.AddFrom
		}
		rf.Added, rf.AddedFrom = w.AddLoad, from
	}
	if loss != nil {
		rf.LostCI = loss.ci
		switch {
		case loss.lost[r.ID]:
			for i := range f.Mean {
				f.Mean[i], f.Lower[i], f.Upper[i] = 0, 0, 0
			}
			rf.Lost = true
		case loss.takes[r.ID] != 0:
			shift(time.Time{}, loss.takes[r.ID])
			rf.TakesOver = loss.takes[r.ID]
		}
	}
	done := s.thresholds(r, f, ups)
	done.Added, done.AddedFrom, done.TakesOver, done.LostCI, done.Lost = rf.Added, rf.AddedFrom, rf.TakesOver, rf.LostCI, rf.Lost
	return done, nil
}
