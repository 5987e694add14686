package continuity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"servicebook/cmdb"
	"servicebook/store"
)

// Store keeps continuity plans, exercises, actions, availability targets
// and outages. It reads the CMDB for services, linked CIs and the change
// log that flags plans for review.
type Store struct {
	db   *store.DB
	cmdb *cmdb.Store
}

// NewStore opens the continuity records of db.
func NewStore(db *store.DB, cm *cmdb.Store) *Store { return &Store{db: db, cmdb: cm} }

const planColumns = `p.id, p.doc_number, p.title, p.service_id, c.ref, c.name, p.owner, p.approver, p.classification,
	p.version, p.approved_at, p.approved_by, p.review_months, p.next_review, p.needs_review, p.needs_review_reason,
	p.retest_required, p.scope, p.invocation, p.major_loss, p.availability_invoked, p.recovery, p.return_to_normal,
	p.rto_minutes, p.rpo_minutes, p.mtpd_minutes, p.min_service_level, p.row_version`

func scanPlan(row interface{ Scan(...any) error }) (Plan, error) {
	var p Plan
	var rto, rpo, mtpd int64
	err := row.Scan(&p.ID, &p.DocNumber, &p.Title, &p.ServiceID, &p.ServiceRef, &p.ServiceName, &p.Owner, &p.Approver,
		&p.Classification, &p.Version, &p.ApprovedAt, &p.ApprovedBy, &p.ReviewMonths, &p.NextReview, &p.NeedsReview,
		&p.NeedsReason, &p.RetestRequired, &p.Scope, &p.Invocation, &p.MajorLoss, &p.AvailabilityInvoked, &p.Recovery,
		&p.ReturnToNormal, &rto, &rpo, &mtpd, &p.MinServiceLevel, &p.RowVersion)
	p.RTO, p.RPO, p.MTPD = time.Duration(rto)*time.Minute, time.Duration(rpo)*time.Minute, time.Duration(mtpd)*time.Minute
	return p, err
}

// Plan returns the plan with a document number. Returns ENOTFOUND if there
// is none.
func (s *Store) Plan(ctx context.Context, doc string) (Plan, error) {
	p, err := scanPlan(s.db.QueryRowContext(ctx, "SELECT "+planColumns+
		" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.doc_number = ?", strings.TrimSpace(doc)))
	if errors.Is(err, sql.ErrNoRows) {
		return p, store.Errorf(store.ENotFound, "There is no plan %s.", doc)
	}
	return p, err
}

// FirstDraft is the change recorded in a new plan's change history; the
// window and the binder show it in the reader's language.
const FirstDraft = "first draft"

// PlanSummary is a plan as the plans list shows it.
type PlanSummary struct {
	Plan
	LastExercise        string // YYYY-MM-DD held
	LastOutcome         Outcome
	OpenActions         int
	OverdueActions      int
	ReviewOverdue       bool
	UnreviewedExercises int
}

// Plans lists every plan with what the list shows about it, after bringing
// needs-review flags up to date.
func (s *Store) Plans(ctx context.Context) ([]PlanSummary, error) {
	if err := s.AssessChanges(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id ORDER BY p.doc_number")
	if err != nil {
		return nil, err
	}
	var out []PlanSummary
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, PlanSummary{Plan: p})
	}
	rows.Close()
	today := s.db.Now().Format("2006-01-02")
	for i := range out {
		p := &out[i]
		s.db.QueryRowContext(ctx, `SELECT held, result FROM exercise WHERE plan_id = ? AND held <> ''
			ORDER BY held DESC, id DESC LIMIT 1`, p.ID).Scan(&p.LastExercise, &p.LastOutcome)
		s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN due <> '' AND due < ? THEN 1 ELSE 0 END), 0) FROM action
			WHERE plan_id = ? AND status = 'open'`, today, p.ID).Scan(&p.OpenActions, &p.OverdueActions)
		s.db.QueryRowContext(ctx, `SELECT count(*) FROM exercise WHERE plan_id = ? AND held <> '' AND reviewed_at = ''`,
			p.ID).Scan(&p.UnreviewedExercises)
		p.ReviewOverdue = p.NextReview != "" && p.NextReview < today
	}
	return out, nil
}

// CreatePlan saves a new plan, version 0.1, for a service, and links the
// CIs the service depends on (the person can change them).
func (s *Store) CreatePlan(ctx context.Context, p Plan) (Plan, error) {
	p.Version = "0.1" // the store's to set: a new plan is a first draft
	p.ApprovedAt, p.ApprovedBy = "", ""
	if p.ReviewMonths == 0 {
		p.ReviewMonths = 12
	}
	if p.Classification == "" {
		p.Classification = "内部使用"
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	svc, err := s.cmdb.CI(ctx, p.ServiceRef)
	if err != nil {
		return p, err
	}
	if !s.isService(ctx, svc) {
		msg := store.M(MsgNotService, "Ref", svc.Ref, "Name", svc.Name)
		return p, &store.Error{Code: store.EInvalid, Message: msg.String(), Msg: msg}
	}
	deps, err := s.cmdb.Impact(ctx, []string{svc.Ref}, false, 0)
	if err != nil {
		return p, err
	}
	var lastChange int64
	s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&lastChange)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		if p.NextReview == "" {
			p.NextReview = s.db.Now().AddDate(0, p.ReviewMonths, 0).Format("2006-01-02")
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO plan (doc_number, title, service_id, owner, approver, classification,
			version, review_months, next_review, assessed_change_id, scope, invocation, major_loss, availability_invoked,
			recovery, return_to_normal, rto_minutes, rpo_minutes, mtpd_minutes, min_service_level, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			strings.TrimSpace(p.DocNumber), p.Title, svc.ID, p.Owner, p.Approver, p.Classification, p.Version,
			p.ReviewMonths, p.NextReview, lastChange, p.Scope, p.Invocation, p.MajorLoss, p.AvailabilityInvoked,
			p.Recovery, p.ReturnToNormal, minutes(p.RTO), minutes(p.RPO), minutes(p.MTPD), p.MinServiceLevel,
			log.At(), log.At())
		if err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "A plan numbered %s already exists.", p.DocNumber)
			}
			return err
		}
		p.ID, _ = res.LastInsertId()
		p.ServiceID, p.ServiceName, p.RowVersion = svc.ID, svc.Name, 1
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_ci (plan_id, ci_id) VALUES (?, ?)", p.ID, svc.ID); err != nil {
			return err
		}
		for _, it := range deps.Items {
			if _, err := tx.ExecContext(ctx, "INSERT INTO plan_ci (plan_id, ci_id) VALUES (?, ?) ON CONFLICT DO NOTHING", p.ID, it.CI.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_revision (plan_id, version, change, date) VALUES (?, ?, ?, ?)",
			p.ID, p.Version, FirstDraft, log.At()[:10]); err != nil {
			return err
		}
		return log.Add(ctx, "plan", p.ID, "created", "", p.DocNumber+" "+p.Title)
	})
	return p, err
}

func minutes(d time.Duration) int64 { return int64(d / time.Minute) }

func (s *Store) isService(ctx context.Context, ci cmdb.CI) bool {
	types, err := s.cmdb.Types(ctx)
	if err != nil {
		return false
	}
	t, err := cmdb.ResolveType(types, ci.TypeKey)
	return err == nil && t.IsService
}

// SavePlan saves changes to a plan's fields and sections. The version is
// the store's: a change to an approved plan N.0 keeps the approved content
// and opens N.1, recorded in the document control with change; p.Version is
// ignored. A stale RowVersion is refused with ECONFLICT.
func (s *Store) SavePlan(ctx context.Context, p Plan, change string) (Plan, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, err := scanPlan(tx.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.id = ?", p.ID))
		if err != nil {
			return store.Errorf(store.ENotFound, "There is no plan %s.", p.DocNumber)
		}
		if old.RowVersion != p.RowVersion {
			return store.Errorf(store.EConflict, "Plan %s was changed by someone else since you opened it (now version %s); reload it and apply your change again.", old.DocNumber, old.Version)
		}
		p.Version = old.Version
		fields := planFieldChanges(old, p)
		if len(fields) == 0 {
			p = old
			return nil
		}
		if strings.TrimSpace(change) == "" {
			change = "changed: " + fieldNames(fields)
		}
		if old.Status() == Approved {
			if err := planDocs.Keep(ctx, tx, old.ref(), s.contentOf(ctx, tx, old.ID)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan SET doc_number = ?, title = ?, owner = ?, approver = ?, classification = ?,
			review_months = ?, next_review = ?, scope = ?, invocation = ?, major_loss = ?, availability_invoked = ?,
			recovery = ?, return_to_normal = ?, rto_minutes = ?, rpo_minutes = ?, mtpd_minutes = ?, min_service_level = ?
			WHERE id = ?`,
			strings.TrimSpace(p.DocNumber), p.Title, p.Owner, p.Approver, p.Classification, p.ReviewMonths, p.NextReview, p.Scope,
			p.Invocation, p.MajorLoss, p.AvailabilityInvoked, p.Recovery, p.ReturnToNormal, minutes(p.RTO), minutes(p.RPO),
			minutes(p.MTPD), p.MinServiceLevel, p.ID); err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "A plan numbered %s already exists.", p.DocNumber)
			}
			return err
		}
		for _, f := range fields {
			if err := log.Add(ctx, "plan", p.ID, f[0], f[1], f[2]); err != nil {
				return err
			}
		}
		now, err := s.contentChanged(ctx, tx, log, p.ID, change)
		p.Version, p.RowVersion = now.Version, now.RowVersion
		return err
	})
	return p, err
}

func fieldNames(fields [][3]string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f[0]
	}
	return strings.Join(names, ", ")
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
	add("scope", a.Scope, b.Scope)
	add("invocation", a.Invocation, b.Invocation)
	add("major_loss", a.MajorLoss, b.MajorLoss)
	add("availability_invoked", a.AvailabilityInvoked, b.AvailabilityInvoked)
	add("recovery", a.Recovery, b.Recovery)
	add("return_to_normal", a.ReturnToNormal, b.ReturnToNormal)
	add("rto", Minutes(a.RTO), Minutes(b.RTO))
	add("rpo", Minutes(a.RPO), Minutes(b.RPO))
	add("mtpd", Minutes(a.MTPD), Minutes(b.MTPD))
	add("min_service_level", a.MinServiceLevel, b.MinServiceLevel)
	return out
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
