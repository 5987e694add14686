package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"servicebook/budget"
	"servicebook/capacity"
	"servicebook/cmdb"
	"servicebook/continuity"
	"servicebook/doccontrol"
	"servicebook/store"
)

// Messages of the findings, as English templates (see store.Msg).
const (
	MsgNoPlan           = "{{.Ref}} {{.Name}} has no continuity plan"
	MsgReviewOverdue    = "{{.Doc}} was due for review on {{.Date}}"
	MsgNotExercised     = "{{.Doc}} has not been exercised since {{.Date}}"
	MsgNeverExercised   = "{{.Doc}} has never been exercised"
	MsgChangeUnseen     = "{{.Doc}} is flagged by a change not yet reviewed: {{.Reason}}"
	MsgExerciseNoReview = "{{.Doc}} has {{.Count}} exercise(s) or invocation(s) without a review"
	MsgActionOverdue    = "action {{.ID}} of {{.Doc}} was due {{.Date}}: {{.What}}"
	MsgNotInvestigated  = "the unplanned outage of {{.Ref}} on {{.Date}} is not investigated"
	MsgBelowTarget      = "{{.Ref}} {{.Name}} was {{.Availability}} % available in {{.Period}}, below its target of {{.Target}} %"
	MsgOwnApproval      = "{{.Doc}} is approved by its owner {{.Owner}}"
	MsgDraftIssued      = "{{.Doc}} is a draft ({{.Version}}) but copies of it are issued"
	MsgNoOffsite        = "{{.Doc}} has no copy held off-site"
	MsgBreach           = "{{.Resource}} is forecast to reach its warning threshold on {{.Date}} with no upgrade planned"
	MsgCapNoPlan        = "capacity is measured ({{.Count}} resources) but no capacity plan exists"
	MsgCapReview        = "{{.Doc}} was due for review on {{.Date}}"
	MsgCapDraft         = "{{.Doc}} is still a draft ({{.Version}})"
	MsgLineProposed     = "budget line {{.ID}} ({{.What}}) is not approved, and fiscal year {{.Year}} has begun"
	MsgOverBudget       = "{{.Ref}} {{.Name}} is {{.Percent}} % over its plan to date in fiscal year {{.Year}}"
	MsgPoolNoRule       = "pool {{.Pool}} has {{.Amount}} in fiscal year {{.Year}} and no rule allocates it to services"
	MsgNoOwner          = "{{.Ref}} {{.Name}} is in service with no owner"
	MsgOnRetired        = "{{.Ref}} {{.Name}} is in service but depends on {{.Retired}}, which is retired"
	MsgRecoveryOverRTO  = "{{.Ref}} {{.Name}} records a recovery time of {{.Recovery}}, more than the RTO of {{.RTO}} it inherits from {{.Doc}} ({{.Service}})"
	MsgBackupOverRPO    = "{{.Ref}} {{.Name}} is backed up every {{.Backup}}, more than the RPO of {{.RPO}} it inherits from {{.Doc}} ({{.Service}})"
	MsgPathOverRTO      = "{{.Doc}}: the recovery steps take {{.Path}} along their critical path, more than the RTO of {{.RTO}}"
	MsgNoConfigAudit    = "no configuration audit has been closed since {{.Date}}"
	MsgConfigAuditOpen  = "{{.Audit}} {{.Title}}, started {{.Date}}, is still open with {{.Count}} finding(s) to resolve"
	MsgConfigActionDue  = "{{.Audit}}: the action on {{.Record}} by {{.Owner}} was due {{.Date}}"
)

// Messages lists the finding templates, for the translation check.
var Messages = []string{MsgNoPlan, MsgReviewOverdue, MsgNotExercised, MsgNeverExercised, MsgChangeUnseen, MsgExerciseNoReview,
	MsgActionOverdue, MsgNotInvestigated, MsgBelowTarget, MsgOwnApproval, MsgDraftIssued, MsgNoOffsite, MsgBreach, MsgCapNoPlan,
	MsgCapReview, MsgCapDraft, MsgLineProposed, MsgOverBudget, MsgPoolNoRule, MsgNoOwner, MsgOnRetired, MsgRecoveryOverRTO, MsgBackupOverRPO, MsgPathOverRTO, MsgNoConfigAudit,
	MsgConfigAuditOpen, MsgConfigActionDue}

// Catalogue is every readiness check, in the order a report lists them.
var Catalogue = []Check{
	{"C01", "Services without a continuity plan", "无连续性计划的服务", "6.3.1", "8.7.2", Major, servicesWithoutPlan},
	{"C02", "Continuity plans past their review date", "超过评审日期的连续性计划", "6.3.2", "8.7.2", Minor, plansReviewOverdue},
	{"C03", "Continuity plans not exercised within their interval", "未按周期演练的连续性计划", "6.3.3", "8.7.2", Major, plansNotExercised},
	{"C04", "Plans flagged by a change and not reviewed", "因变更需评审但尚未评审的计划", "6.3.2", "8.7.2", Minor, plansFlagged},
	{"C05", "Exercises and invocations without a review", "未评审的演练和启用", "6.3.3", "8.7.2", Minor, exercisesUnreviewed},
	{"C06", "Actions past due", "逾期的改进措施", "4.5.5.2", "10.1", Minor, actionsOverdue},
	{"C07", "Unplanned outages not investigated", "未调查的计划外中断", "6.3.3", "8.7.1", Minor, outagesNotInvestigated},
	{"C08", "Availability below target last month", "上月可用性未达目标", "6.3.3", "8.7.1", Minor, belowTarget},
	{"C09", "Recovery that cannot meet the RTO or RPO", "无法满足RTO或RPO的恢复能力", "6.3.1", "8.7.2", Major, recoveryShort},
	{"D01", "A plan approved by its owner", "由负责人自行批准的计划", "4.3.2", "7.5.3", Major, ownApproval},
	{"D02", "Draft documents on a distribution list", "已分发的草案文件", "4.3.2", "7.5.3", Minor, draftsIssued},
	{"D03", "Plans with no copy held off-site", "无异地存放副本的计划", "6.3.2", "8.7.2", Minor, noOffsiteCopy},
	{"K01", "Capacity resources forecast to breach with no upgrade", "预计超限且未计划扩容的容量资源", "6.5", "8.4.3", Minor, capacityBreaches},
	{"K02", "Capacity plans missing or past their review date", "缺失或超过评审日期的容量计划", "6.5", "8.4.3", Minor, capacityPlans},
	{"B01", "Budget lines not approved once the year has begun", "年度开始后仍未批准的预算行", "6.4", "8.4.1", Minor, linesNotApproved},
	{"B02", "Services over budget to date", "至今超预算的服务", "6.4", "8.4.1", Minor, overBudget},
	{"B03", "Indirect cost pools not allocated to services", "未分摊到服务的间接成本池", "6.4", "8.4.1", Minor, poolsNotAllocated},
	{"M01", "CIs in service without an owner", "无负责人的运行中配置项", "9.1", "8.2.6", Minor, ciWithoutOwner},
	{"M02", "CIs in service that depend on retired CIs", "依赖已退役配置项的运行中配置项", "9.1", "8.2.6", Major, ciOnRetired},
	{"M03", "No configuration audit within the interval", "未按周期进行配置审核", "9.1", "8.2.6", Minor, configAuditDue},
	{"M04", "Configuration audit actions past due", "逾期的配置审核措施", "9.1", "8.2.6", Minor, configActionsOverdue},
}

// begun says whether fiscal year fy has begun by now.
func begun(fy budget.FiscalYear, now time.Time) bool {
	return !time.Date(fy.Year, time.Month(fy.StartMonth), 1, 0, 0, 0, 0, now.Location()).After(now)
}

func finding(record, screen, owner string, msg store.Msg) Finding {
	return Finding{Record: record, Screen: screen, Owner: owner, Msg: msg}
}

// services lists the CIs whose type is a service.
func (c *checker) services(ctx context.Context) ([]cmdb.CI, error) {
	types, err := c.src.CMDB.Types(ctx)
	if err != nil {
		return nil, err
	}
	var out []cmdb.CI
	for _, t := range types {
		if !t.IsService {
			continue
		}
		cis, _, err := c.src.CMDB.ListCIs(ctx, cmdb.Filter{TypeKey: t.Key})
		if err != nil {
			return nil, err
		}
		for _, ci := range cis {
			if ci.Status != cmdb.StatusRetired {
				out = append(out, ci)
			}
		}
	}
	return out, nil
}

func servicesWithoutPlan(ctx context.Context, c *checker) (int, []Finding, error) {
	services, err := c.services(ctx)
	if err != nil {
		return 0, nil, err
	}
	plans, err := c.continuityPlans(ctx)
	if err != nil {
		return 0, nil, err
	}
	covered := map[int64]bool{}
	for _, p := range plans {
		covered[p.ServiceID] = true
	}
	var out []Finding
	for _, s := range services {
		if !covered[s.ID] {
			out = append(out, finding(s.Ref, "plans", s.Owner, store.M(MsgNoPlan, "Ref", s.Ref, "Name", s.Name)))
		}
	}
	return len(services), out, nil
}

// eachPlan runs a check over every continuity plan: problem says what is
// wrong with one, or nil.
func eachPlan(ctx context.Context, c *checker, problem func(p continuity.PlanSummary) *store.Msg) (int, []Finding, error) {
	plans, err := c.continuityPlans(ctx)
	var out []Finding
	for _, p := range plans {
		if m := problem(p); m != nil {
			out = append(out, finding(p.DocNumber, "plans", p.Owner, *m))
		}
	}
	return len(plans), out, err
}

func msg(key string, args ...any) *store.Msg { m := store.M(key, args...); return &m }

func plansReviewOverdue(ctx context.Context, c *checker) (int, []Finding, error) {
	return eachPlan(ctx, c, func(p continuity.PlanSummary) *store.Msg {
		if p.ReviewOverdue {
			return msg(MsgReviewOverdue, "Doc", p.DocNumber, "Date", p.NextReview)
		}
		return nil
	})
}

func plansNotExercised(ctx context.Context, c *checker) (int, []Finding, error) {
	since := c.now.AddDate(0, -c.set.ExerciseMonths, 0).Format(time.DateOnly)
	return eachPlan(ctx, c, func(p continuity.PlanSummary) *store.Msg {
		switch {
		case p.LastExercise == "":
			return msg(MsgNeverExercised, "Doc", p.DocNumber)
		case p.LastExercise < since:
			return msg(MsgNotExercised, "Doc", p.DocNumber, "Date", p.LastExercise)
		}
		return nil
	})
}

func plansFlagged(ctx context.Context, c *checker) (int, []Finding, error) {
	return eachPlan(ctx, c, func(p continuity.PlanSummary) *store.Msg {
		if p.NeedsReview {
			return msg(MsgChangeUnseen, "Doc", p.DocNumber, "Reason", p.NeedsReason)
		}
		return nil
	})
}

func exercisesUnreviewed(ctx context.Context, c *checker) (int, []Finding, error) {
	return eachPlan(ctx, c, func(p continuity.PlanSummary) *store.Msg {
		if p.UnreviewedExercises > 0 {
			return msg(MsgExerciseNoReview, "Doc", p.DocNumber, "Count", p.UnreviewedExercises)
		}
		return nil
	})
}

func actionsOverdue(ctx context.Context, c *checker) (int, []Finding, error) {
	actions, err := c.src.Continuity.Actions(ctx, "", true)
	if err != nil {
		return 0, nil, err
	}
	var out []Finding
	for _, a := range actions {
		if a.Due != "" && a.Due < c.today {
			out = append(out, finding(a.DocNumber, "plans", a.Owner, store.M(MsgActionOverdue, "ID", a.ID, "Doc", a.DocNumber, "Date", a.Due, "What", a.Description)))
		}
	}
	return len(actions), out, nil
}

func outagesNotInvestigated(ctx context.Context, c *checker) (int, []Finding, error) {
	// The last twelve months: an older outage is past what an auditor asks of.
	outages, err := c.src.Continuity.Outages(ctx, "", continuity.Interval{Start: c.now.AddDate(-1, 0, 0), End: c.now})
	if err != nil {
		return 0, nil, err
	}
	grace := c.now.AddDate(0, 0, -c.set.InvestigateDays)
	looked := 0
	var out []Finding
	for _, o := range outages {
		if o.Planned {
			continue
		}
		looked++
		if o.Investigation != "closed" && o.Start.Before(grace) {
			out = append(out, finding(fmt.Sprintf("%s #%d", o.ServiceRef, o.ID), "availability", "",
				store.M(MsgNotInvestigated, "Ref", o.ServiceRef, "Date", o.Start.Format(time.DateOnly))))
		}
	}
	return looked, out, nil
}

func belowTarget(ctx context.Context, c *checker) (int, []Finding, error) {
	last := c.now.AddDate(0, -1, 0).Format("2006-01")
	results, err := c.src.Continuity.AvailabilityAt(ctx, last, "", c.now)
	if err != nil {
		return 0, nil, err
	}
	var out []Finding
	for _, r := range results {
		if !r.Met {
			out = append(out, finding(r.ServiceRef, "availability", "", store.M(MsgBelowTarget, "Ref", r.ServiceRef, "Name", r.ServiceName,
				"Availability", fmt.Sprintf("%.3f", r.Availability), "Period", last, "Target", fmt.Sprintf("%g", r.Target.Percent))))
		}
	}
	return len(results), out, nil
}

// controlled is a controlled document as the document checks see it.
type controlled struct {
	doc, owner, approvedBy, version, screen string
	status                                  doccontrol.Status
	copies                                  []doccontrol.Copy
}

// documents lists every controlled document: continuity and capacity
// plans, with their distribution lists.
func (c *checker) documents(ctx context.Context) ([]controlled, error) {
	plans, err := c.continuityPlans(ctx)
	if err != nil {
		return nil, err
	}
	var out []controlled
	for _, p := range plans {
		copies, err := c.src.Continuity.Distribution(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, controlled{p.DocNumber, p.Owner, p.ApprovedBy, p.Version, "plans", p.Status(), copies})
	}
	if c.src.Capacity == nil {
		return out, nil
	}
	caps, err := c.src.Capacity.Plans(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range caps {
		copies, err := c.src.Capacity.Distribution(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, controlled{p.DocNumber, p.Owner, p.ApprovedBy, p.Version, "capacity", p.Status(), copies})
	}
	return out, nil
}

func ownApproval(ctx context.Context, c *checker) (int, []Finding, error) {
	docs, err := c.documents(ctx)
	var out []Finding
	for _, d := range docs {
		if d.approvedBy != "" && strings.EqualFold(strings.TrimSpace(d.approvedBy), strings.TrimSpace(d.owner)) {
			out = append(out, finding(d.doc, d.screen, d.owner, store.M(MsgOwnApproval, "Doc", d.doc, "Owner", d.owner)))
		}
	}
	return len(docs), out, err
}

func draftsIssued(ctx context.Context, c *checker) (int, []Finding, error) {
	docs, err := c.documents(ctx)
	var out []Finding
	for _, d := range docs {
		if d.status == doccontrol.Draft && len(d.copies) > 0 {
			out = append(out, finding(d.doc, d.screen, d.owner, store.M(MsgDraftIssued, "Doc", d.doc, "Version", d.version)))
		}
	}
	return len(docs), out, err
}

// offsite says whether a copy's holder or location is away from the normal
// site, as people write it.
func offsite(cp doccontrol.Copy) bool {
	text := strings.ToLower(cp.Holder + " " + cp.Location)
	for _, w := range []string{"off-site", "offsite", "off site", "异地", "灾备", "recovery site", "dr site"} {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

func noOffsiteCopy(ctx context.Context, c *checker) (int, []Finding, error) {
	plans, err := c.continuityPlans(ctx)
	if err != nil {
		return 0, nil, err
	}
	var out []Finding
	for _, p := range plans {
		copies, err := c.src.Continuity.Distribution(ctx, p.ID)
		if err != nil {
			return 0, nil, err
		}
		held := false
		for _, cp := range copies {
			held = held || offsite(cp)
		}
		if !held {
			out = append(out, finding(p.DocNumber, "plans", p.Owner, store.M(MsgNoOffsite, "Doc", p.DocNumber)))
		}
	}
	return len(plans), out, nil
}

func capacityBreaches(ctx context.Context, c *checker) (int, []Finding, error) {
	if c.src.Capacity == nil {
		return 0, nil, nil
	}
	horizon := time.Duration(c.set.BreachDays) * 24 * time.Hour
	statuses, err := c.src.Capacity.Statuses(ctx, horizon, capacity.WhatIf{}, nil)
	if err != nil {
		return 0, nil, err
	}
	var out []Finding
	for _, st := range statuses {
		if st.Problem == "" && st.Upgrades == 0 && !st.ToWarning.Never {
			out = append(out, finding(st.Name, "capacity", "", store.M(MsgBreach, "Resource", st.Name, "Date", st.ToWarning.At.Format(time.DateOnly))))
		}
	}
	return len(statuses), out, nil
}

func capacityPlans(ctx context.Context, c *checker) (int, []Finding, error) {
	if c.src.Capacity == nil {
		return 0, nil, nil
	}
	resources, err := c.src.Capacity.Resources(ctx)
	if err != nil {
		return 0, nil, err
	}
	plans, err := c.src.Capacity.Plans(ctx)
	if err != nil {
		return 0, nil, err
	}
	var out []Finding
	if len(resources) > 0 && len(plans) == 0 {
		out = append(out, finding("", "capacity", "", store.M(MsgCapNoPlan, "Count", len(resources))))
	}
	for _, p := range plans {
		switch {
		case p.NextReview != "" && p.NextReview < c.today:
			out = append(out, finding(p.DocNumber, "capacity", p.Owner, store.M(MsgCapReview, "Doc", p.DocNumber, "Date", p.NextReview)))
		case p.IsDraft():
			out = append(out, finding(p.DocNumber, "capacity", p.Owner, store.M(MsgCapDraft, "Doc", p.DocNumber, "Version", p.Version)))
		}
	}
	return len(plans), out, nil
}

func linesNotApproved(ctx context.Context, c *checker) (int, []Finding, error) {
	years, err := c.fiscalYears(ctx)
	if err != nil {
		return 0, nil, err
	}
	looked := 0
	var out []Finding
	for _, fy := range years {
		if !begun(fy, c.now) {
			continue // not begun: lines may still be proposed
		}
		lines, err := c.src.Budget.Lines(ctx, fy)
		if err != nil {
			return 0, nil, err
		}
		for _, l := range lines {
			looked++
			if l.Status != "approved" {
				what := strings.TrimSpace(l.ServiceRef + l.Pool + " " + string(l.Category) + " " + l.Description)
				out = append(out, finding(fmt.Sprintf("budget line %d", l.ID), "budget", "", store.M(MsgLineProposed, "ID", l.ID, "What", what, "Year", fy.Year)))
			}
		}
	}
	return looked, out, nil
}

func overBudget(ctx context.Context, c *checker) (int, []Finding, error) {
	years, err := c.fiscalYears(ctx)
	if err != nil || len(years) == 0 {
		return 0, nil, err
	}
	var out []Finding
	looked := 0
	for _, fy := range years {
		if !begun(fy, c.now) {
			continue
		}
		report, err := c.src.Budget.Report(ctx, fy, "")
		if err != nil {
			continue // a pool without a rule: the budget screen says so
		}
		for _, y := range report {
			looked++
			ytd := y.YTD()
			if ytd.Planned() > 0 && ytd.VariancePercent() > c.set.OverBudgetPct {
				out = append(out, finding(y.ServiceRef, "budget", "", store.M(MsgOverBudget, "Ref", y.ServiceRef, "Name", y.ServiceName,
					"Percent", fmt.Sprintf("%.1f", ytd.VariancePercent()), "Year", fy.Year)))
			}
		}
	}
	return looked, out, nil
}

func poolsNotAllocated(ctx context.Context, c *checker) (int, []Finding, error) {
	years, err := c.fiscalYears(ctx)
	if err != nil {
		return 0, nil, err
	}
	looked := 0
	var out []Finding
	for _, fy := range years {
		rules, err := c.src.Budget.Rules(ctx, fy)
		if err != nil {
			return 0, nil, err
		}
		ruled := map[string]bool{}
		for _, r := range rules {
			ruled[r.Pool] = true
		}
		all, err := c.src.Budget.Lines(ctx, fy)
		if err != nil {
			return 0, nil, err
		}
		lines, _ := budget.Effective(all) // a revised line counts once, as allocated
		pools := map[string]budget.Money{}
		var order []string
		for _, l := range lines {
			if l.Pool == "" {
				continue
			}
			if _, seen := pools[l.Pool]; !seen {
				order = append(order, l.Pool)
			}
			pools[l.Pool] += l.Total()
		}
		for _, pool := range order {
			looked++
			if !ruled[pool] && pools[pool] != 0 {
				out = append(out, finding(pool, "budget", "", store.M(MsgPoolNoRule, "Pool", pool, "Amount", pools[pool].Format(2), "Year", fy.Year)))
			}
		}
	}
	return looked, out, nil
}
