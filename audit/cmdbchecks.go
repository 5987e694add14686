package audit

import (
	"context"
	"sort"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/store"
)

// The checks of the CMDB and of recovery through it: owners, retired
// dependencies, configuration audits and their actions, and the RTO and
// RPO each CI inherits.

func ciWithoutOwner(ctx context.Context, c *checker) (int, []Finding, error) {
	_, byStatus, err := c.src.CMDB.Counts(ctx)
	if err != nil {
		return 0, nil, err
	}
	cis, _, err := c.src.CMDB.ListCIs(ctx, cmdb.Filter{Owner: "-", Status: cmdb.StatusInService})
	if err != nil {
		return 0, nil, err
	}
	out := make([]Finding, 0, len(cis))
	for _, ci := range cis {
		out = append(out, finding(ci.Ref, "cis", "", store.M(MsgNoOwner, "Ref", ci.Ref, "Name", ci.Name)))
	}
	return byStatus[cmdb.StatusInService], out, nil
}

func ciOnRetired(ctx context.Context, c *checker) (int, []Finding, error) {
	retired, _, err := c.src.CMDB.ListCIs(ctx, cmdb.Filter{Status: cmdb.StatusRetired})
	if err != nil || len(retired) == 0 {
		return len(retired), nil, err
	}
	ids := make([]int64, len(retired))
	byID := map[int64]cmdb.CI{}
	for i, r := range retired {
		ids[i], byID[r.ID] = r.ID, r
	}
	rels, err := c.src.CMDB.RelationsOf(ctx, ids)
	if err != nil {
		return 0, nil, err
	}
	// Who depends on each retired CI directly, by the direction failure
	// travels (the relation's dependent side).
	dependents := map[int64][]string{}
	var depIDs []int64
	for id, list := range rels {
		for _, r := range list {
			dependentIsFrom, propagates := r.Kind.Propagation()
			if !propagates {
				continue
			}
			dependent, dependency := r.FromID, r.ToID
			if !dependentIsFrom {
				dependent, dependency = r.ToID, r.FromID
			}
			if dependency == id {
				if len(dependents[dependent]) == 0 {
					depIDs = append(depIDs, dependent)
				}
				dependents[dependent] = append(dependents[dependent], byID[id].Ref)
			}
		}
	}
	cis, err := c.src.CMDB.CIsByID(ctx, depIDs)
	if err != nil {
		return 0, nil, err
	}
	var out []Finding
	for _, id := range depIDs {
		ci, ok := cis[id]
		if ok && ci.Status == cmdb.StatusInService {
			out = append(out, finding(ci.Ref, "cis", ci.Owner, store.M(MsgOnRetired, "Ref", ci.Ref, "Name", ci.Name,
				"Retired", strings.Join(dependents[id], ", "))))
		}
	}
	return len(retired), out, nil
}

// configAuditDue finds a CMDB not verified within the interval: no
// configuration audit closed since then. An audit started but not closed
// is a finding of its own, naming what is left to resolve.
func configAuditDue(ctx context.Context, c *checker) (int, []Finding, error) {
	audits, err := c.configAudits(ctx)
	if err != nil {
		return 0, nil, err
	}
	since := c.now.AddDate(0, -c.set.ConfigAuditMonths, 0)
	var out []Finding
	recent := false
	for _, a := range audits {
		if a.Closed() && !a.ClosedAt.Before(since) {
			recent = true
		}
		if !a.Closed() {
			out = append(out, finding(a.Number(), "config-audits", a.Auditor, store.M(MsgConfigAuditOpen, "Audit", a.Number(),
				"Title", a.Title, "Date", a.StartedAt.Format(time.DateOnly), "Count", a.Open)))
		}
	}
	_, byStatus, err := c.src.CMDB.Counts(ctx)
	if err != nil {
		return 0, nil, err
	}
	verify := len(audits)
	for st, n := range byStatus {
		if st != cmdb.StatusRetired {
			verify += n
		}
	}
	if !recent && verify > len(audits) {
		out = append([]Finding{finding("", "config-audits", "", store.M(MsgNoConfigAudit, "Date", since.Format(time.DateOnly)))}, out...)
	}
	return verify, out, nil
}

// configActionsOverdue finds actions raised by configuration audits whose
// due date has passed. An action is closed by the audit that raised it
// being followed up in the next audit; until then its due date stands.
func configActionsOverdue(ctx context.Context, c *checker) (int, []Finding, error) {
	audits, err := c.configAudits(ctx)
	if err != nil {
		return 0, nil, err
	}
	looked := 0
	var out []Finding
	for _, a := range audits {
		findings, err := c.src.CMDB.AuditFindings(ctx, a.ID)
		if err != nil {
			return 0, nil, err
		}
		for _, f := range findings {
			if f.Resolution != cmdb.Actioned {
				continue
			}
			looked++
			if f.ActionDue < c.today {
				record := f.Ref
				if record == "" {
					record = f.Found
				}
				out = append(out, finding(a.Number(), "config-audits", f.ActionOwner, store.M(MsgConfigActionDue, "Audit", a.Number(),
					"Record", record, "Owner", f.ActionOwner, "Date", f.ActionDue)))
			}
		}
	}
	return looked, out, nil
}

// recoveryShort finds recovery that cannot meet what the plans promise:
// a CI whose recorded recovery time or backup interval is longer than the
// RTO or RPO it inherits through the CMDB (from the services that depend
// on it without redundancy), and a plan whose recovery steps take longer
// along their critical path than its RTO.
func recoveryShort(ctx context.Context, c *checker) (int, []Finding, error) {
	needs, err := c.src.Continuity.RecoveryNeeds(ctx)
	if err != nil {
		return 0, nil, err
	}
	ids := make([]int64, 0, len(needs))
	for id := range needs {
		ids = append(ids, id)
	}
	cis, err := c.src.CMDB.CIsByID(ctx, ids)
	if err != nil {
		return 0, nil, err
	}
	sort.Slice(ids, func(i, j int) bool { return cis[ids[i]].Ref < cis[ids[j]].Ref })
	var out []Finding
	for _, id := range ids {
		ci, need := cis[id], needs[id]
		recovery, backup := need.Shortfall(ci)
		if recovery > 0 {
			out = append(out, finding(ci.Ref, "cis", ci.Owner, store.M(MsgRecoveryOverRTO, "Ref", ci.Ref, "Name", ci.Name,
				"Recovery", continuity.Minutes(recovery), "RTO", continuity.Minutes(need.RTO), "Doc", need.RTOPlan, "Service", need.RTOService)))
		}
		if backup > 0 {
			out = append(out, finding(ci.Ref, "cis", ci.Owner, store.M(MsgBackupOverRPO, "Ref", ci.Ref, "Name", ci.Name,
				"Backup", continuity.Minutes(backup), "RPO", continuity.Minutes(need.RPO), "Doc", need.RPOPlan, "Service", need.RPOService)))
		}
	}
	plans, err := c.continuityPlans(ctx)
	if err != nil {
		return 0, nil, err
	}
	for _, p := range plans {
		if p.RTO == 0 {
			continue
		}
		steps, err := c.src.Continuity.Steps(ctx, p.ID)
		if err != nil {
			return 0, nil, err
		}
		cs := make([]continuity.Step, len(steps))
		for i, st := range steps {
			cs[i] = continuity.Step{ID: st.ID, Duration: st.Duration, DependsOn: st.DependsOn}
		}
		if path, _, err := continuity.CriticalPath(cs); err == nil && path > p.RTO {
			out = append(out, finding(p.DocNumber, "plans", p.Owner, store.M(MsgPathOverRTO, "Doc", p.DocNumber,
				"Path", continuity.Minutes(path), "RTO", continuity.Minutes(p.RTO))))
		}
	}
	return len(ids) + len(plans), out, nil
}
