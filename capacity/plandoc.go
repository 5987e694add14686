package capacity

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"servicebook/doccontrol"
	"servicebook/store"
)

// PlanContent is what an approval of a capacity plan covers and keeps: the
// plan's fields, sections and services, and its resources and upgrades as
// they stood (so the approved version shows the figures its approver saw).
// The distribution list is document control, not content.
type PlanContent struct {
	Plan      Plan
	Resources []Resource
	Upgrades  []Upgrade
}

// planCIs is every CI a plan's resources may be on: its services and all
// they depend on. It reads the relation graph, so it runs before a write's
// transaction opens (the graph may refresh its stored snapshot).
func (s *Store) planCIs(ctx context.Context, services []PlanService) (map[int64]bool, error) {
	out := map[int64]bool{}
	var start []int64
	for _, ps := range services {
		ci, err := s.cmdb.CI(ctx, ps.Ref)
		if err != nil {
			return nil, err
		}
		out[ci.ID] = true
		start = append(start, ci.ID)
	}
	g, err := s.cmdb.Graph(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range g.Downstream(start).Hits() {
		out[h.ID] = true
	}
	return out, nil
}

// resourcesOn lists, through q, the resources on the CIs of cis, by CI
// reference and metric.
func resourcesOn(ctx context.Context, q store.Querier, cis map[int64]bool) ([]Resource, error) {
	rows, err := q.QueryContext(ctx, "SELECT r.ci_id, "+resourceColumns+"ORDER BY c.ref, r.metric")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Resource
	for rows.Next() {
		var ci int64
		var r Resource
		if err := rows.Scan(&ci, &r.ID, &r.CIRef, &r.CIName, &r.Metric, &r.Unit, &r.Name, &r.Capacity, &r.Warning,
			&r.Critical, &r.BufferPct, &r.HAReserve); err != nil {
			return nil, err
		}
		if cis[ci] {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// PlanResources lists the resources a plan covers: those of its services
// and of every CI they depend on.
func (s *Store) PlanResources(ctx context.Context, p Plan) ([]Resource, error) {
	cis, err := s.planCIs(ctx, p.Services)
	if err != nil {
		return nil, err
	}
	return resourcesOn(ctx, s.db, cis)
}

// PlanUpgrades lists the upgrades of the given resources, by date.
func (s *Store) PlanUpgrades(ctx context.Context, resources []Resource) ([]Upgrade, error) {
	return upgradesOf(ctx, s.db, resources)
}

func upgradesOf(ctx context.Context, q store.Querier, resources []Resource) ([]Upgrade, error) {
	mine := map[string]bool{}
	for _, r := range resources {
		mine[r.Name] = true
	}
	all, err := queryUpgrades(ctx, q, "")
	if err != nil {
		return nil, err
	}
	var out []Upgrade
	for _, u := range all {
		if mine[u.Resource] {
			out = append(out, u)
		}
	}
	return out, nil
}

// contentOf reads a plan's content inside tx; cis is planCIs of the plan,
// read before the transaction.
func (s *Store) contentOf(ctx context.Context, tx *sql.Tx, planID int64, cis ...map[int64]bool) doccontrol.Content {
	return func() (any, error) {
		p, err := readPlan(ctx, tx, "id = ?", planID)
		if err != nil {
			return nil, err
		}
		c := PlanContent{Plan: p}
		if len(cis) == 0 {
			return c, nil
		}
		if c.Resources, err = resourcesOn(ctx, tx, cis[0]); err != nil {
			return c, err
		}
		c.Upgrades, err = upgradesOf(ctx, tx, c.Resources)
		return c, err
	}
}

// ApprovedContent returns a plan's content as it was when version was
// approved. Returns ENOTFOUND when that version was never approved.
func (s *Store) ApprovedContent(ctx context.Context, doc, version string) (PlanContent, error) {
	data, err := planDocs.Snapshot(ctx, s.db, doc, version)
	if err != nil {
		return PlanContent{}, err
	}
	var c PlanContent
	return c, json.Unmarshal(data, &c)
}

// PlanFinding is one result of a capacity plan's checks.
type PlanFinding struct {
	Severity string // "error": the plan cannot be approved as it is without a reason; "warning": look at it
	Msg      store.Msg
}

// CheckPlan checks a plan before approval: it covers services, they have
// resources, its sections are written, and no resource is forecast to
// reach its warning threshold within the plan's horizon without an
// upgrade. forecasts are the plan's resources' forecasts over its horizon.
func CheckPlan(p Plan, resources []Resource, forecasts []ResourceForecast) []PlanFinding {
	var out []PlanFinding
	add := func(sev string, m store.Msg) { out = append(out, PlanFinding{Severity: sev, Msg: m}) }
	if len(p.Services) == 0 {
		add("error", store.M(MsgPlanNoServices))
	}
	if len(resources) == 0 {
		add("error", store.M(MsgPlanNoResources))
	}
	for _, sec := range p.Sections() {
		if strings.TrimSpace(*sec.Text) == "" {
			add("warning", store.M(MsgPlanEmpty, "Section", sec.Title))
		}
	}
	for _, f := range forecasts {
		switch {
		case len(f.Upgrades) > 0:
		case f.ToWarning.Already:
			add("error", store.M(MsgPlanOver, "Resource", f.Name))
		case !f.ToWarning.Never:
			add("error", store.M(MsgPlanBreach, "Resource", f.Name, "Date", f.ToWarning.At.Format(time.DateOnly)))
		}
	}
	return out
}

// PlanForecasts forecasts each of the plan's resources over its horizon;
// a resource without enough samples has none (and is left out).
func (s *Store) PlanForecasts(ctx context.Context, p Plan, resources []Resource) ([]ResourceForecast, error) {
	ups, err := upgradesOf(ctx, s.db, resources)
	if err != nil {
		return nil, err
	}
	var out []ResourceForecast
	for _, r := range resources {
		var mine []Upgrade
		for _, u := range ups {
			if u.Resource == r.Name {
				mine = append(mine, u)
			}
		}
		f, err := s.forecast(ctx, r, mine, p.Horizon(), WhatIf{}, nil)
		if store.ErrorCode(err) == store.EInvalid {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// PlanApproval is one approval decision on a capacity plan.
type PlanApproval struct {
	Approver string
	// RowVersion is the plan's row version the approver read: the approval
	// is of that text and fails (ECONFLICT) if it has changed.
	RowVersion int64
	// Reason is required when the checks find errors, and goes into the
	// document control with the approval.
	Reason string
}

// Approve approves a capacity plan: a draft becomes 1.0, a revision of N.0
// becomes N+1.0, the approved content is kept. A plan whose checks find
// errors is approved only with a reason; the plan's owner cannot approve
// it (separation of duties).
func (s *Store) Approve(ctx context.Context, doc string, a PlanApproval) (Plan, error) {
	a.Approver = strings.TrimSpace(a.Approver)
	if a.Approver == "" {
		return Plan{}, store.Errorf(store.EInvalid, "Name the approver.")
	}
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return p, err
	}
	if strings.EqualFold(strings.TrimSpace(p.Owner), a.Approver) {
		return p, store.Errorf(store.EInvalid, "%s owns plan %s and cannot approve it: another person approves a plan.", p.Owner, p.DocNumber)
	}
	cis, err := s.planCIs(ctx, p.Services)
	if err != nil {
		return p, err
	}
	resources, err := resourcesOn(ctx, s.db, cis)
	if err != nil {
		return p, err
	}
	forecasts, err := s.PlanForecasts(ctx, p, resources)
	if err != nil {
		return p, err
	}
	var errs []string
	for _, f := range CheckPlan(p, resources, forecasts) {
		if f.Severity == "error" {
			errs = append(errs, f.Msg.String())
		}
	}
	change := "approved"
	if len(errs) > 0 {
		if strings.TrimSpace(a.Reason) == "" {
			return p, store.Errorf(store.EInvalid, "%s fails %d check(s): %s. Give a reason to approve it as it is.",
				p.DocNumber, len(errs), strings.Join(errs, "; "))
		}
		change = fmt.Sprintf("approved despite %d check(s) failing (%s): %s", len(errs), strings.Join(errs, "; "), strings.TrimSpace(a.Reason))
	}
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		now, err := readPlan(ctx, tx, "id = ?", p.ID)
		if err != nil {
			return err
		}
		_, err = planDocs.Approve(ctx, tx, log, now.ref(), a.RowVersion, a.Approver, change, s.contentOf(ctx, tx, p.ID, cis))
		return err
	})
	if err != nil {
		return p, err
	}
	return s.Plan(ctx, p.DocNumber)
}

// Review outcomes of a capacity plan.
const (
	ReviewAdequate = "adequate" // the plan still serves
	ReviewUpdate   = "update"   // the plan must be changed
)

// PlanReview is a recorded review of a capacity plan.
type PlanReview struct {
	At, By  string // YYYY-MM-DD, the reviewer
	Outcome string
	Notes   string
}

// Review records a review of the plan at its planned interval: who, what
// it concluded and why; the next review falls due the plan's interval from
// today. A review is document control: it does not change the content.
func (s *Store) Review(ctx context.Context, doc string, r PlanReview) (Plan, error) {
	r.By = strings.TrimSpace(r.By)
	if r.By == "" {
		return Plan{}, store.Errorf(store.EInvalid, "Name the reviewer.")
	}
	if r.Outcome != ReviewAdequate && r.Outcome != ReviewUpdate {
		return Plan{}, store.Errorf(store.EInvalid, "%q is not a review outcome; use adequate (the plan still serves) or update (it must change).", r.Outcome)
	}
	if problems := store.CheckTexts(map[string]string{"reviewer": r.By, "notes": r.Notes}, "notes"); len(problems) > 0 {
		return Plan{}, store.Invalid(problems)
	}
	var docNumber string
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := readPlan(ctx, tx, "doc_number = ?", strings.TrimSpace(doc))
		if err != nil {
			return err
		}
		docNumber = p.DocNumber
		day := log.At()[:10]
		res, err := store.Insert(ctx, tx, "INSERT INTO capacity_plan_review (plan_id, at, by, outcome, notes) VALUES (?, ?, ?, ?, ?)",
			p.ID, day, r.By, r.Outcome, r.Notes)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		next := s.db.Now().AddDate(0, p.ReviewMonths, 0).Format(time.DateOnly)
		if _, err := tx.ExecContext(ctx, "UPDATE capacity_plan SET next_review = ?, row_version = row_version + 1 WHERE id = ?", next, p.ID); err != nil {
			return err
		}
		if err := log.Add(ctx, "capacity_plan_review", id, "created", "", fmt.Sprintf("%s reviewed by %s: %s %s", p.DocNumber, r.By, r.Outcome, r.Notes)); err != nil {
			return err
		}
		return log.Add(ctx, "capacity_plan", p.ID, "next_review", p.NextReview, next)
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, docNumber)
}

// Reviews lists a plan's reviews, oldest first.
func (s *Store) Reviews(ctx context.Context, planID int64) ([]PlanReview, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT at, by, outcome, notes FROM capacity_plan_review WHERE plan_id = ? ORDER BY at, id", planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PlanReview
	for rows.Next() {
		var r PlanReview
		if err := rows.Scan(&r.At, &r.By, &r.Outcome, &r.Notes); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revisions returns the plan's document-control table, oldest first.
func (s *Store) Revisions(ctx context.Context, planID int64) ([]doccontrol.Revision, error) {
	return planDocs.Revisions(ctx, s.db, planID)
}

// Distribution returns the plan's distribution list.
func (s *Store) Distribution(ctx context.Context, planID int64) ([]doccontrol.Copy, error) {
	return planDocs.Distribution(ctx, s.db, planID)
}

// AddCopy records an issued copy of the plan on its distribution list.
func (s *Store) AddCopy(ctx context.Context, doc string, c doccontrol.Copy) (doccontrol.Copy, error) {
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := readPlan(ctx, tx, "doc_number = ?", strings.TrimSpace(doc))
		if err != nil {
			return err
		}
		c, err = planDocs.AddCopy(ctx, tx, log, p.ref(), c)
		return err
	})
	return c, err
}

// RemoveCopy takes a copy off the plan's distribution list.
func (s *Store) RemoveCopy(ctx context.Context, doc string, copyNo int) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := readPlan(ctx, tx, "doc_number = ?", strings.TrimSpace(doc))
		if err != nil {
			return err
		}
		return planDocs.RemoveCopy(ctx, tx, log, p.ref(), copyNo)
	})
}

// IssueCopies records that holder was given a copy of the current version
// of each capacity plan named by docs (every plan when none) on date (a
// pack or a print made for them), in one transaction.
func (s *Store) IssueCopies(ctx context.Context, docs []string, holder, date string) ([]doccontrol.IssuedCopy, error) {
	proto := doccontrol.Copy{Holder: strings.TrimSpace(holder), Issued: date}
	if err := proto.Validate(); err != nil {
		return nil, err
	}
	var out []doccontrol.IssuedCopy
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, "SELECT id, doc_number, version, row_version FROM capacity_plan ORDER BY doc_number")
		if err != nil {
			return err
		}
		want := map[string]bool{}
		for _, d := range docs {
			want[strings.TrimSpace(d)] = true
		}
		var refs []doccontrol.Ref
		for rows.Next() {
			var r doccontrol.Ref
			if err := rows.Scan(&r.ID, &r.DocNumber, &r.Version, &r.RowVersion); err != nil {
				rows.Close()
				return err
			}
			if len(docs) == 0 || want[r.DocNumber] {
				refs = append(refs, r)
				delete(want, r.DocNumber)
			}
		}
		rows.Close()
		for d := range want {
			return store.Errorf(store.ENotFound, "There is no capacity plan %s.", d)
		}
		for _, r := range refs {
			c, err := planDocs.IssueCopy(ctx, tx, log, r, proto)
			if err != nil {
				return err
			}
			out = append(out, doccontrol.IssuedCopy{DocNumber: r.DocNumber, Copy: c})
		}
		return nil
	})
	return out, err
}

// PlanState is a capacity plan as the plans list shows it: its resources,
// those breaching within its horizon with no upgrade, and whether its
// review is due.
type PlanState struct {
	Plan
	Resources []Resource
	Forecasts []ResourceForecast
	// Breaches are the resources over, or forecast to reach, their warning
	// threshold within the plan's horizon with no upgrade planned, soonest
	// first.
	Breaches  []ResourceForecast
	ReviewDue bool
}

// PlanStates reads every plan with its state, by document number.
func (s *Store) PlanStates(ctx context.Context) ([]PlanState, error) {
	plans, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	today := s.db.Now().Format(time.DateOnly)
	out := make([]PlanState, len(plans))
	for i, p := range plans {
		st, err := s.planState(ctx, p)
		if err != nil {
			return nil, err
		}
		st.ReviewDue = p.NextReview != "" && p.NextReview <= today
		out[i] = st
	}
	return out, nil
}

// PlanState reads one plan with its state.
func (s *Store) PlanState(ctx context.Context, doc string) (PlanState, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return PlanState{}, err
	}
	st, err := s.planState(ctx, p)
	st.ReviewDue = p.NextReview != "" && p.NextReview <= s.db.Now().Format(time.DateOnly)
	return st, err
}

func (s *Store) planState(ctx context.Context, p Plan) (PlanState, error) {
	st := PlanState{Plan: p}
	var err error
	if st.Resources, err = s.PlanResources(ctx, p); err != nil {
		return st, err
	}
	if st.Forecasts, err = s.PlanForecasts(ctx, p, st.Resources); err != nil {
		return st, err
	}
	for _, f := range st.Forecasts {
		if len(f.Upgrades) == 0 && (f.ToWarning.Already || !f.ToWarning.Never) {
			st.Breaches = append(st.Breaches, f)
		}
	}
	sort.SliceStable(st.Breaches, func(i, j int) bool { return st.Breaches[i].ToWarning.In < st.Breaches[j].ToWarning.In })
	return st, nil
}
