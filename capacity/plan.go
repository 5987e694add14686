package capacity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/doccontrol"
	"servicebook/store"
)

// Plan is a capacity plan (容量计划) for a service or a group of services,
// under document control, with the sections ISO/IEC 20000-1 names (2011
// §6.5, 2018 §8.4.3). Its resources are those of its services and of every
// CI they depend on (PlanResources).
type Plan struct {
	ID             int64
	DocNumber      string // SM-03001
	Title          string
	Owner          string
	Approver       string
	Classification string // 内部使用
	Version        string // below 1.0 is a draft
	ApprovedAt     string // YYYY-MM-DD, of the current approved version
	ApprovedBy     string
	ReviewMonths   int
	NextReview     string // YYYY-MM-DD
	HorizonDays    int    // how far the plan's forecasts look
	Services       []PlanService
	// The sections the standard names.
	Requirements  string // capacity and performance requirements agreed with the customer
	Demand        string // current and forecast demand
	ServiceLevels string // expected impact of agreed availability, continuity and service-level requirements
	UpgradePlan   string // timescales, thresholds and costs for upgrades
	ChangeImpact  string // impact of statutory, regulatory, contractual and organisational change
	Technologies  string // new technologies and techniques
	Procedure     string // the procedure that makes the analysis predictive
	RowVersion    int64
}

// PlanService is a service a capacity plan covers.
type PlanService struct{ Ref, Name string }

// Status derives the plan's status from its version (see doccontrol).
func (p Plan) Status() doccontrol.Status { return doccontrol.StatusOf(p.Version) }

// IsDraft reports whether the plan is a draft, marked DRAFT wherever shown.
func (p Plan) IsDraft() bool { return p.Status() == doccontrol.Draft }

// Horizon is how far the plan's forecasts look.
func (p Plan) Horizon() time.Duration { return time.Duration(p.HorizonDays) * 24 * time.Hour }

func (p Plan) ref() doccontrol.Ref {
	return doccontrol.Ref{ID: p.ID, DocNumber: p.DocNumber, Version: p.Version, RowVersion: p.RowVersion}
}

// planDocs names the tables of the capacity plans' document control.
var planDocs = doccontrol.Tables{Doc: "capacity_plan", Entity: "capacity_plan", RevisionTable: "capacity_plan_revision",
	SnapshotTable: "capacity_plan_snapshot", CopyTable: "capacity_plan_copy", CopyEntity: "capacity_plan_copy"}

// Messages about capacity plans, as English templates (see store.Msg).
const (
	MsgPlanDocNumber   = "a plan needs a document number, e.g. SM-03001"
	MsgPlanTitle       = "a plan needs a title"
	MsgPlanReview      = "{{.Value}} months is not a review interval; use 1 to 60"
	MsgPlanHorizon     = "{{.Value}} days is not a forecast horizon; use 7 to 1830"
	MsgPlanNoServices  = "a capacity plan covers at least one service"
	MsgPlanNotService  = "{{.Ref}} {{.Name}} is not a service; a capacity plan covers business or IT services"
	MsgPlanBadVersion  = `"{{.Value}}" is not a version like 0.1 or 1.0`
	MsgPlanBadDate     = `"{{.Value}}" is not a date; write it as 2027-03-01`
	MsgPlanNoResources = "the services have no capacity resources: nothing is measured or forecast"
	MsgPlanEmpty       = "the section “{{.Section}}” is empty"
	MsgPlanOver        = "{{.Resource}} is over its warning threshold already and no upgrade is planned"
	MsgPlanBreach      = "{{.Resource}} is forecast to reach its warning threshold on {{.Date}} and no upgrade is planned"
)

// PlanMessages lists the message templates of capacity plans, for the
// translation check.
var PlanMessages = []string{MsgPlanDocNumber, MsgPlanTitle, MsgPlanReview, MsgPlanHorizon, MsgPlanNoServices,
	MsgPlanNotService, MsgPlanBadVersion, MsgPlanBadDate, MsgPlanNoResources, MsgPlanEmpty, MsgPlanOver, MsgPlanBreach}

// Sections are the plan's sections in the order a printed plan has them,
// with the names the change log and the checks use.
func (p *Plan) Sections() []Section {
	return []Section{
		{"requirements", "Capacity and performance requirements", &p.Requirements},
		{"demand", "Current and forecast demand", &p.Demand},
		{"service_levels", "Impact of availability, continuity and service-level requirements", &p.ServiceLevels},
		{"upgrade_plan", "Timescales, thresholds and costs for upgrades", &p.UpgradePlan},
		{"change_impact", "Impact of statutory, regulatory, contractual and organisational change", &p.ChangeImpact},
		{"technologies", "New technologies and techniques", &p.Technologies},
		{"procedure", "Procedure for predictive analysis", &p.Procedure},
	}
}

// Section is one section of a capacity plan: its key, its English title
// (the window and the printed plan translate it) and its text.
type Section struct {
	Key, Title string
	Text       *string
}

// Validate checks a plan before it is saved.
func (p Plan) Validate() error {
	var problems []store.FieldProblem
	add := func(field string, msg store.Msg) {
		problems = append(problems, store.FieldProblem{Field: field, Message: msg.String(), Msg: msg})
	}
	if strings.TrimSpace(p.DocNumber) == "" {
		add("doc_number", store.M(MsgPlanDocNumber))
	}
	if strings.TrimSpace(p.Title) == "" {
		add("title", store.M(MsgPlanTitle))
	}
	if p.ReviewMonths < 1 || p.ReviewMonths > 60 {
		add("review_months", store.M(MsgPlanReview, "Value", p.ReviewMonths))
	}
	if p.HorizonDays < 7 || p.HorizonDays > 1830 {
		add("horizon_days", store.M(MsgPlanHorizon, "Value", p.HorizonDays))
	}
	if _, _, err := doccontrol.ParseVersion(p.Version); err != nil {
		add("version", store.M(MsgPlanBadVersion, "Value", p.Version))
	}
	if p.NextReview != "" {
		if _, err := time.Parse(time.DateOnly, p.NextReview); err != nil {
			add("next_review", store.M(MsgPlanBadDate, "Value", p.NextReview))
		}
	}
	if len(p.Services) == 0 {
		add("services", store.M(MsgPlanNoServices))
	}
	texts := map[string]string{"doc_number": p.DocNumber, "title": p.Title, "owner": p.Owner, "approver": p.Approver,
		"classification": p.Classification}
	var multi []string
	for _, s := range p.Sections() {
		texts[s.Key] = *s.Text
		multi = append(multi, s.Key)
	}
	problems = append(problems, store.CheckTexts(texts, multi...)...)
	return store.Invalid(problems)
}

const planColumns = `id, doc_number, title, owner, approver, classification, version, approved_at, approved_by,
	review_months, next_review, horizon_days, requirements, demand, service_levels, upgrade_plan, change_impact,
	technologies, procedure, row_version`

func scanPlan(row interface{ Scan(...any) error }) (Plan, error) {
	var p Plan
	err := row.Scan(&p.ID, &p.DocNumber, &p.Title, &p.Owner, &p.Approver, &p.Classification, &p.Version, &p.ApprovedAt,
		&p.ApprovedBy, &p.ReviewMonths, &p.NextReview, &p.HorizonDays, &p.Requirements, &p.Demand, &p.ServiceLevels,
		&p.UpgradePlan, &p.ChangeImpact, &p.Technologies, &p.Procedure, &p.RowVersion)
	return p, err
}

// readPlan reads one plan, with its services, through q.
func readPlan(ctx context.Context, q store.Querier, where string, arg any) (Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, "SELECT "+planColumns+" FROM capacity_plan WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return p, store.Errorf(store.ENotFound, "There is no capacity plan %v.", arg)
	}
	if err != nil {
		return p, err
	}
	rows, err := q.QueryContext(ctx, `SELECT c.ref, c.name FROM capacity_plan_service s JOIN ci c ON c.id = s.ci_id
		WHERE s.plan_id = ? ORDER BY c.ref`, p.ID)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var s PlanService
		if err := rows.Scan(&s.Ref, &s.Name); err != nil {
			return p, err
		}
		p.Services = append(p.Services, s)
	}
	return p, rows.Err()
}

// Plan returns the capacity plan with a document number. Returns ENOTFOUND.
func (s *Store) Plan(ctx context.Context, doc string) (Plan, error) {
	return readPlan(ctx, s.db, "doc_number = ?", strings.TrimSpace(doc))
}

// Plans lists every capacity plan by document number.
func (s *Store) Plans(ctx context.Context) ([]Plan, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT doc_number FROM capacity_plan ORDER BY doc_number")
	if err != nil {
		return nil, err
	}
	var docs []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return nil, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	out := make([]Plan, 0, len(docs))
	for _, d := range docs {
		p, err := s.Plan(ctx, d)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// services resolves the plan's services by reference, refusing a CI that
// is not a service.
func (s *Store) services(ctx context.Context, list []PlanService) ([]cmdb.CI, error) {
	types, err := s.cmdb.Types(ctx)
	if err != nil {
		return nil, err
	}
	var out []cmdb.CI
	seen := map[int64]bool{}
	for _, ps := range list {
		ci, err := s.cmdb.CI(ctx, ps.Ref)
		if err != nil {
			return nil, err
		}
		if t, err := cmdb.ResolveType(types, ci.TypeKey); err != nil || !t.IsService {
			msg := store.M(MsgPlanNotService, "Ref", ci.Ref, "Name", ci.Name)
			return nil, &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg,
				Fields: []store.FieldProblem{{Field: "services", Message: msg.String(), Msg: msg}}}
		}
		if !seen[ci.ID] {
			seen[ci.ID] = true
			out = append(out, ci)
		}
	}
	return out, nil
}

// FirstDraft is the change recorded in a new plan's document control.
const FirstDraft = "first draft"

// CreatePlan saves a new capacity plan, version 0.1.
func (s *Store) CreatePlan(ctx context.Context, p Plan) (Plan, error) {
	p.Version, p.ApprovedAt, p.ApprovedBy = "0.1", "", ""
	if p.ReviewMonths == 0 {
		p.ReviewMonths = 12
	}
	if p.HorizonDays == 0 {
		p.HorizonDays = 180
	}
	if p.Classification == "" {
		p.Classification = "内部使用"
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	svcs, err := s.services(ctx, p.Services)
	if err != nil {
		return p, err
	}
	if p.NextReview == "" {
		p.NextReview = s.db.Now().AddDate(0, p.ReviewMonths, 0).Format(time.DateOnly)
	}
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := store.Insert(ctx, tx, `INSERT INTO capacity_plan (doc_number, title, owner, approver, classification, version,
			review_months, next_review, horizon_days, requirements, demand, service_levels, upgrade_plan, change_impact,
			technologies, procedure, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			strings.TrimSpace(p.DocNumber), p.Title, p.Owner, p.Approver, p.Classification, p.Version, p.ReviewMonths,
			p.NextReview, p.HorizonDays, p.Requirements, p.Demand, p.ServiceLevels, p.UpgradePlan, p.ChangeImpact,
			p.Technologies, p.Procedure, log.At(), log.At())
		if err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "A plan numbered %s already exists.", p.DocNumber)
			}
			return err
		}
		p.ID, _ = res.LastInsertId()
		p.RowVersion = 1
		if err := writeServices(ctx, tx, p.ID, svcs); err != nil {
			return err
		}
		if err := planDocs.AddRevision(ctx, tx, p.ID, doccontrol.Revision{Version: p.Version, Change: FirstDraft, Date: log.At()[:10]}); err != nil {
			return err
		}
		return log.Add(ctx, "capacity_plan", p.ID, "created", "", fmt.Sprintf("%s %s (%s)", p.DocNumber, p.Title, serviceRefs(p.Services)))
	})
	if err != nil {
		return p, err
	}
	return s.Plan(ctx, p.DocNumber)
}

func writeServices(ctx context.Context, tx *sql.Tx, planID int64, svcs []cmdb.CI) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM capacity_plan_service WHERE plan_id = ?", planID); err != nil {
		return err
	}
	for _, c := range svcs {
		if _, err := tx.ExecContext(ctx, "INSERT INTO capacity_plan_service (plan_id, ci_id) VALUES (?, ?)", planID, c.ID); err != nil {
			return err
		}
	}
	return nil
}

func serviceRefs(list []PlanService) string {
	refs := make([]string, len(list))
	for i, s := range list {
		refs[i] = s.Ref
	}
	return strings.Join(refs, ", ")
}

// SavePlan saves changes to a plan's fields, sections and services. The
// version is the store's: a change to an approved plan N.0 keeps the
// approved content and opens N.1, recorded in the document control with
// change (or the fields changed); p.Version is ignored. A stale RowVersion
// is refused with ECONFLICT.
func (s *Store) SavePlan(ctx context.Context, p Plan, change string) (Plan, error) {
	if p.HorizonDays == 0 {
		p.HorizonDays = 180
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	svcs, err := s.services(ctx, p.Services)
	if err != nil {
		return p, err
	}
	p.Services = p.Services[:0]
	for _, c := range svcs {
		p.Services = append(p.Services, PlanService{Ref: c.Ref, Name: c.Name})
	}
	// The approved content a change would supersede is kept at approval;
	// should it be missing, Changed keeps it from the plan as it was, whose
	// resources are those of its services then.
	before, err := readPlan(ctx, s.db, "id = ?", p.ID)
	if err != nil {
		return p, err
	}
	cis, err := s.planCIs(ctx, before.Services)
	if err != nil {
		return p, err
	}
	var doc string
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, err := readPlan(ctx, tx, "id = ?", p.ID)
		if err != nil {
			return err
		}
		doc = old.DocNumber
		if old.RowVersion != p.RowVersion {
			return store.Errorf(store.EConflict, "Plan %s was changed by someone else since you opened it (now version %s); reload it and apply your change again.",
				old.DocNumber, old.Version)
		}
		fields := planFieldChanges(old, p)
		if len(fields) == 0 {
			return nil
		}
		if strings.TrimSpace(change) == "" {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f[0]
			}
			change = "changed: " + strings.Join(names, ", ")
		}
		if old.Status() == doccontrol.Approved {
			if err := planDocs.Keep(ctx, tx, old.ref(), s.contentOf(ctx, tx, p.ID, cis)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE capacity_plan SET doc_number = ?, title = ?, owner = ?, approver = ?,
			classification = ?, review_months = ?, next_review = ?, horizon_days = ?, requirements = ?, demand = ?,
			service_levels = ?, upgrade_plan = ?, change_impact = ?, technologies = ?, procedure = ? WHERE id = ?`,
			strings.TrimSpace(p.DocNumber), p.Title, p.Owner, p.Approver, p.Classification, p.ReviewMonths, p.NextReview,
			p.HorizonDays, p.Requirements, p.Demand, p.ServiceLevels, p.UpgradePlan, p.ChangeImpact, p.Technologies,
			p.Procedure, p.ID); err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "A plan numbered %s already exists.", p.DocNumber)
			}
			return err
		}
		if serviceRefs(old.Services) != serviceRefs(p.Services) {
			if err := writeServices(ctx, tx, p.ID, svcs); err != nil {
				return err
			}
		}
		for _, f := range fields {
			if err := log.Add(ctx, "capacity_plan", p.ID, f[0], f[1], f[2]); err != nil {
				return err
			}
		}
		doc = strings.TrimSpace(p.DocNumber)
		_, err = planDocs.Changed(ctx, tx, log, old.ref(), change, s.contentOf(ctx, tx, p.ID, cis))
		return err
	})
	if err != nil {
		return p, err
	}
	return s.Plan(ctx, doc)
}

// planFieldChanges lists every field that differs, with its old and new
// text, for the change log.
func planFieldChanges(a, b Plan) [][3]string {
	var out [][3]string
	add := func(f, x, y string) {
		if x != y {
			out = append(out, [3]string{f, x, y})
		}
	}
	add("doc_number", a.DocNumber, strings.TrimSpace(b.DocNumber))
	add("title", a.Title, b.Title)
	add("owner", a.Owner, b.Owner)
	add("approver", a.Approver, b.Approver)
	add("classification", a.Classification, b.Classification)
	add("review_months", fmt.Sprint(a.ReviewMonths), fmt.Sprint(b.ReviewMonths))
	add("next_review", a.NextReview, b.NextReview)
	add("horizon_days", fmt.Sprint(a.HorizonDays), fmt.Sprint(b.HorizonDays))
	add("services", serviceRefs(a.Services), serviceRefs(b.Services))
	bs := b.Sections()
	for i, s := range a.Sections() {
		add(s.Key, *s.Text, *bs[i].Text)
	}
	return out
}
