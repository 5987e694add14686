package continuity

import (
	"context"
	"strconv"
	"strings"
	"time"

	"servicebook/cmdb"
)

// RecoveryNeed is the most demanding RTO and RPO a CI inherits from the
// services whose continuity plans depend on it without redundancy: if it
// alone fails, they fail, so it must be back (RTO) with no more data lost
// (RPO) than the most demanding of them allows. Zero: none is inherited.
type RecoveryNeed struct {
	RTO, RPO         time.Duration
	RTOPlan, RPOPlan string // the plans the figures come from
	RTOService       string // their services' references
	RPOService       string
}

// Inherits says whether the CI inherits any figure.
func (n RecoveryNeed) Inherits() bool { return n.RTO > 0 || n.RPO > 0 }

// Shortfall returns ci's recorded recovery time and backup interval where
// they cannot meet n: each is zero where it meets n, or is not recorded.
func (n RecoveryNeed) Shortfall(ci cmdb.CI) (recovery, backup time.Duration) {
	r, b := CIRecovery(ci)
	if n.RTO > 0 && r > n.RTO {
		recovery = r
	}
	if n.RPO > 0 && b > n.RPO {
		backup = b
	}
	return recovery, backup
}

// planNeed is one plan's figures and service, as the roll-up reads them.
type planNeed struct {
	doc, serviceRef string
	serviceID       int64
	rto, rpo        time.Duration
}

// planNeeds lists the plans with an RTO or an RPO.
func (s *Store) planNeeds(ctx context.Context) (map[int64][]planNeed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT p.doc_number, c.ref, p.service_id, p.rto_minutes, p.rpo_minutes
		FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.rto_minutes > 0 OR p.rpo_minutes > 0`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]planNeed{}
	for rows.Next() {
		var p planNeed
		var rto, rpo int64
		if err := rows.Scan(&p.doc, &p.serviceRef, &p.serviceID, &rto, &rpo); err != nil {
			return nil, err
		}
		p.rto, p.rpo = time.Duration(rto)*time.Minute, time.Duration(rpo)*time.Minute
		out[p.serviceID] = append(out[p.serviceID], p)
	}
	return out, rows.Err()
}

// inherit folds the plans of the services a CI's failure takes down into
// its need.
func inherit(need RecoveryNeed, plans []planNeed) RecoveryNeed {
	for _, p := range plans {
		if p.rto > 0 && (need.RTO == 0 || p.rto < need.RTO) {
			need.RTO, need.RTOPlan, need.RTOService = p.rto, p.doc, p.serviceRef
		}
		if p.rpo > 0 && (need.RPO == 0 || p.rpo < need.RPO) {
			need.RPO, need.RPOPlan, need.RPOService = p.rpo, p.doc, p.serviceRef
		}
	}
	return need
}

// RecoveryNeedOf is the RTO and RPO the CI id inherits: one impact walk
// up from it, redundancy respected, and the plans of the services reached.
func (s *Store) RecoveryNeedOf(ctx context.Context, id int64) (RecoveryNeed, error) {
	plans, err := s.planNeeds(ctx)
	if err != nil || len(plans) == 0 {
		return RecoveryNeed{}, err
	}
	g, err := s.cmdb.Graph(ctx)
	if err != nil {
		return RecoveryNeed{}, err
	}
	services := make(map[int64]bool, len(plans))
	for id := range plans {
		services[id] = true
	}
	var need RecoveryNeed
	for _, svc := range g.Upstream([]int64{id}).Among(services) {
		need = inherit(need, plans[svc])
	}
	return need, nil
}

// RecoveryNeeds is RecoveryNeedOf for every CI that inherits anything: the
// CIs the planned services depend on, each walked up once.
func (s *Store) RecoveryNeeds(ctx context.Context) (map[int64]RecoveryNeed, error) {
	plans, err := s.planNeeds(ctx)
	if err != nil || len(plans) == 0 {
		return nil, err
	}
	g, err := s.cmdb.Graph(ctx)
	if err != nil {
		return nil, err
	}
	services := make(map[int64]bool, len(plans))
	var starts []int64
	for id := range plans {
		services[id] = true
		starts = append(starts, id)
	}
	out := map[int64]RecoveryNeed{}
	candidates := map[int64]bool{}
	for _, id := range starts {
		candidates[id] = true
	}
	for _, h := range g.Downstream(starts).Hits() {
		candidates[h.ID] = true
	}
	for id := range candidates {
		var need RecoveryNeed
		for _, svc := range g.Upstream([]int64{id}).Among(services) {
			need = inherit(need, plans[svc])
		}
		if need.Inherits() {
			out[id] = need
		}
	}
	return out, nil
}

// CIRecovery is a CI's recorded recovery time and backup interval (zero
// when it records none), from its type's attributes.
func CIRecovery(ci cmdb.CI) (recovery, backup time.Duration) {
	return minutesAttr(ci, cmdb.AttrRecoveryTime), minutesAttr(ci, cmdb.AttrBackupInterval)
}

func minutesAttr(ci cmdb.CI, key string) time.Duration {
	m, err := strconv.ParseFloat(strings.TrimSpace(ci.Attributes[key]), 64)
	if err != nil || m <= 0 {
		return 0
	}
	return time.Duration(m * float64(time.Minute))
}
