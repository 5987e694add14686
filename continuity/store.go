package continuity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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
		s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(due <> '' AND due < ?), 0) FROM action
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
	if p.Version == "" {
		p.Version = "0.1"
	}
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
		res, err := tx.ExecContext(ctx, `INSERT INTO plan (doc_number, title, service_id, owner, approver, classification,
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
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO plan_ci (plan_id, ci_id) VALUES (?, ?)", p.ID, it.CI.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_revision (plan_id, version, change, date) VALUES (?, ?, ?, ?)",
			p.ID, p.Version, "first draft", log.At()[:10]); err != nil {
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

// SavePlan saves changes to a plan. A change to an approved plan opens the
// next revision (1.0 → 1.1), recorded in the document control with change;
// a stale RowVersion is refused with ECONFLICT.
func (s *Store) SavePlan(ctx context.Context, p Plan, change string) (Plan, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := scanPlan(tx.QueryRowContext(ctx, "SELECT "+planColumns+" FROM plan p JOIN ci c ON c.id = p.service_id WHERE p.id = ?", p.ID))
		if err != nil {
			return store.Errorf(store.ENotFound, "There is no plan %s.", p.DocNumber)
		}
		if old.RowVersion != p.RowVersion {
			return store.Errorf(store.EConflict, "Plan %s was changed by someone else since you opened it (now version %s); reload it and apply your change again.", old.DocNumber, old.Version)
		}
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		if old.Status() == Approved {
			p.Version = nextMinor(old.Version)
			if _, err := tx.ExecContext(ctx, "INSERT INTO plan_revision (plan_id, version, change, date) VALUES (?, ?, ?, ?)",
				p.ID, p.Version, change, log.At()[:10]); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan SET doc_number = ?, title = ?, owner = ?, approver = ?, classification = ?,
			version = ?, review_months = ?, next_review = ?, scope = ?, invocation = ?, major_loss = ?, availability_invoked = ?,
			recovery = ?, return_to_normal = ?, rto_minutes = ?, rpo_minutes = ?, mtpd_minutes = ?, min_service_level = ?,
			updated_at = ?, row_version = row_version + 1 WHERE id = ?`,
			p.DocNumber, p.Title, p.Owner, p.Approver, p.Classification, p.Version, p.ReviewMonths, p.NextReview, p.Scope,
			p.Invocation, p.MajorLoss, p.AvailabilityInvoked, p.Recovery, p.ReturnToNormal, minutes(p.RTO), minutes(p.RPO),
			minutes(p.MTPD), p.MinServiceLevel, log.At(), p.ID); err != nil {
			return err
		}
		p.RowVersion++
		for _, f := range planFieldChanges(old, p) {
			if err := log.Add(ctx, "plan", p.ID, f[0], f[1], f[2]); err != nil {
				return err
			}
		}
		return nil
	})
	return p, err
}

func planFieldChanges(a, b Plan) [][3]string {
	var out [][3]string
	add := func(f, x, y string) {
		if x != y {
			out = append(out, [3]string{f, x, y})
		}
	}
	add("title", a.Title, b.Title)
	add("owner", a.Owner, b.Owner)
	add("approver", a.Approver, b.Approver)
	add("version", a.Version, b.Version)
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

// Approve approves the plan: a draft becomes 1.0, a revision of N.0 becomes
// N+1.0; the approver and date are recorded in the plan and in its document
// control. An unchanged approved plan cannot be approved again.
func (s *Store) Approve(ctx context.Context, doc, approver string) (Plan, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return p, err
	}
	if strings.TrimSpace(approver) == "" {
		return p, store.Errorf(store.EInvalid, "Name the approver.")
	}
	v, err := approvedVersion(p.Version)
	if err != nil {
		return p, store.Errorf(store.EInvalid, "%s: %v.", p.DocNumber, err)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		day := log.At()[:10]
		if _, err := tx.ExecContext(ctx, `UPDATE plan SET version = ?, approved_at = ?, approved_by = ?, approver = ?,
			updated_at = ?, row_version = row_version + 1 WHERE id = ?`, v, day, approver, approver, log.At(), p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_revision (plan_id, version, change, date, approver) VALUES (?, ?, ?, ?, ?)",
			p.ID, v, "approved", day, approver); err != nil {
			return err
		}
		return log.Add(ctx, "plan", p.ID, "version", p.Version, v+" approved by "+approver)
	})
	if err != nil {
		return p, err
	}
	return s.Plan(ctx, doc)
}

// Review records a review of the plan by reviewer: it clears the
// needs-review flag (the only way to clear it), sets the next review date,
// and, with an exercise id, records that exercise's review.
func (s *Store) Review(ctx context.Context, doc, reviewer, notes string, exerciseID int64) (Plan, error) {
	p, err := s.Plan(ctx, doc)
	if err != nil {
		return p, err
	}
	if strings.TrimSpace(reviewer) == "" {
		return p, store.Errorf(store.EInvalid, "Name the reviewer.")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		log, err := s.db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		day := log.At()[:10]
		var ex any
		if exerciseID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE exercise SET reviewed_at = ?, reviewed_by = ?, review_notes = ?
				WHERE id = ? AND plan_id = ?`, day, reviewer, notes, exerciseID, p.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return store.Errorf(store.ENotFound, "Plan %s has no exercise %d.", p.DocNumber, exerciseID)
			}
			ex = exerciseID
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO plan_review (plan_id, exercise_id, at, by, notes, cleared) VALUES (?, ?, ?, ?, ?, ?)",
			p.ID, ex, day, reviewer, notes, p.NeedsReason); err != nil {
			return err
		}
		next := s.db.Now().AddDate(0, p.ReviewMonths, 0).Format("2006-01-02")
		if _, err := tx.ExecContext(ctx, `UPDATE plan SET needs_review = 0, needs_review_reason = '', next_review = ?,
			row_version = row_version + 1 WHERE id = ?`, next, p.ID); err != nil {
			return err
		}
		return log.Add(ctx, "plan", p.ID, "reviewed", p.NeedsReason, "reviewed by "+reviewer+"; next review "+next)
	})
	if err != nil {
		return p, err
	}
	return s.Plan(ctx, doc)
}

// changeMatters says whether a CMDB change can affect a plan: status,
// location, version, attributes and relations do; a new owner does not.
func changeMatters(field string) bool {
	switch {
	case field == "status", field == "location", field == "version", field == "type", field == "deleted",
		field == "relation", strings.HasPrefix(field, "relation group"), strings.HasPrefix(field, "attributes."):
		return true
	}
	return false
}

// AssessChanges assesses every CMDB change since the last assessment
// against every plan (ISO/IEC 20000: assess the impact of every change on
// the plans): a change that matters to a CI the plan covers, or to one the
// service depends on, flags the plan "needs review" with the change that
// caused it. It reads the change log, so changes from any screen, command
// or import are seen, whichever process made them.
func (s *Store) AssessChanges(ctx context.Context) error {
	var last int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&last); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id, service_id, assessed_change_id, needs_review FROM plan WHERE assessed_change_id < ?", last)
	if err != nil {
		return err
	}
	type pending struct {
		id, service, from int64
		flagged           bool
	}
	var plans []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.service, &p.from, &p.flagged); err != nil {
			rows.Close()
			return err
		}
		plans = append(plans, p)
	}
	rows.Close()
	if len(plans) == 0 {
		return nil
	}
	g, err := s.cmdb.Graph(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		covered := map[int64]bool{}
		for _, h := range g.Downstream([]int64{p.service}).Hits() {
			covered[h.ID] = true
		}
		linked, err := s.db.QueryContext(ctx, "SELECT ci_id FROM plan_ci WHERE plan_id = ?", p.id)
		if err != nil {
			return err
		}
		for linked.Next() {
			var id int64
			linked.Scan(&id)
			covered[id] = true
		}
		linked.Close()
		reason, major := "", false
		if !p.flagged {
			changes, err := s.db.QueryContext(ctx, `SELECT l.entity_id, l.field, l.old_value, l.new_value, l.at, coalesce(c.ref, '')
				FROM change_log l LEFT JOIN ci c ON c.id = l.entity_id
				WHERE l.entity = 'ci' AND l.id > ? AND l.id <= ? ORDER BY l.id`, p.from, last)
			if err != nil {
				return err
			}
			for changes.Next() {
				var id int64
				var field, oldV, newV, at, ref string
				changes.Scan(&id, &field, &oldV, &newV, &at, &ref)
				if covered[id] && changeMatters(field) && reason == "" {
					reason = fmt.Sprintf("%s %s: %s → %s (%s)", ref, field, orNone(oldV), orNone(newV), at[:10])
				}
				// A change to the service itself, or to how its CIs are
				// connected, is a major change: the plan must be tested again.
				if covered[id] && (id == p.service && changeMatters(field) || field == "relation" || field == "deleted") {
					major = true
				}
			}
			changes.Close()
		}
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			if reason == "" {
				_, err := tx.ExecContext(ctx, "UPDATE plan SET assessed_change_id = ? WHERE id = ?", last, p.id)
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE plan SET assessed_change_id = ?, needs_review = 1, needs_review_reason = ?,
				retest_required = max(retest_required, ?) WHERE id = ?`, last, reason, major, p.id); err != nil {
				return err
			}
			log, err := s.db.NewChangeWriter(ctx, tx)
			if err != nil {
				return err
			}
			defer log.Close()
			return log.Add(ctx, "plan", p.id, "needs_review", "", reason)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// LinkedCIs returns the CIs the plan covers, with what the checks need.
func (s *Store) LinkedCIs(ctx context.Context, planID int64) ([]LinkedCI, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.ref FROM plan_ci pc JOIN ci c ON c.id = pc.ci_id WHERE pc.plan_id = ? ORDER BY c.id`, planID)
	if err != nil {
		return nil, err
	}
	var refs []string
	for rows.Next() {
		var r string
		rows.Scan(&r)
		refs = append(refs, r)
	}
	rows.Close()
	var out []LinkedCI
	for _, r := range refs {
		ci, err := s.cmdb.CI(ctx, r)
		if err != nil {
			return nil, err
		}
		l := LinkedCI{Ref: ci.Ref, Name: ci.Name, Status: ci.Status}
		l.BackupIntervalMinutes, _ = strconv.Atoi(ci.Attributes["backup_interval_minutes"])
		out = append(out, l)
	}
	return out, nil
}
