package continuity

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"servicebook/store"
)

// ReviewReason is one change that may affect a plan, kept until a review
// covers it.
type ReviewReason struct {
	ID     int64
	At     string // when it was assessed, RFC 3339
	Reason string // e.g. "CI-000024 status: in_service → maintenance (2026-11-20)"
	Retest bool   // a major change: the plan must be tested again
}

// ReviewOutcome is what a review concluded.
type ReviewOutcome string

// Review outcomes.
const (
	ReviewAdequate ReviewOutcome = "adequate" // the plan still works as written
	ReviewUpdate   ReviewOutcome = "update"   // the plan must be changed
	ReviewRetest   ReviewOutcome = "retest"   // the plan must be tested again
)

// ReviewOutcomes lists them.
var ReviewOutcomes = []ReviewOutcome{ReviewAdequate, ReviewUpdate, ReviewRetest}

// ReviewRecord is a review of a plan as a reviewer records it.
type ReviewRecord struct {
	Reviewer   string
	Outcome    ReviewOutcome
	Comment    string
	ExerciseID int64 // the exercise or invocation reviewed, if any
	// UpTo is the newest reason (ReviewReason.ID) the reviewer was shown:
	// the review covers reasons up to it; later ones keep the plan flagged.
	UpTo int64
}

// OpenReasons returns the reasons for review that no review has covered
// yet, oldest first.
func (s *Store) OpenReasons(ctx context.Context, planID int64) ([]ReviewReason, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, reason, retest FROM plan_review_reason
		WHERE plan_id = ? AND review_id IS NULL ORDER BY id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReviewReason
	for rows.Next() {
		var r ReviewReason
		if err := rows.Scan(&r.ID, &r.At, &r.Reason, &r.Retest); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Review records a review of the plan: who, what it concluded and why. It
// covers the reasons for review up to r.UpTo and clears the needs-review
// flag only when none is left; it sets the next review date and, with an
// exercise, records that exercise's review. An outcome of "retest" sets
// re-test required.
func (s *Store) Review(ctx context.Context, doc string, r ReviewRecord) (Plan, error) {
	if strings.TrimSpace(r.Reviewer) == "" {
		return Plan{}, store.Errorf(store.EInvalid, "Name the reviewer.")
	}
	switch r.Outcome {
	case ReviewAdequate, ReviewUpdate, ReviewRetest:
	default:
		return Plan{}, store.Errorf(store.EInvalid, "%q is not a review outcome; use adequate (the plan still works), update (it must change) or retest (it must be tested again).", r.Outcome)
	}
	var p Plan
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var err error
		if p, err = planForWrite(ctx, tx, doc); err != nil {
			return err
		}
		day := log.At()[:10]
		var ex any
		if r.ExerciseID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE exercise SET reviewed_at = ?, reviewed_by = ?, review_notes = ?
				WHERE id = ? AND plan_id = ?`, day, r.Reviewer, r.Comment, r.ExerciseID, p.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return store.Errorf(store.ENotFound, "Plan %s has no exercise %d.", p.DocNumber, r.ExerciseID)
			}
			ex = r.ExerciseID
		}
		var covered []string
		rows, err := tx.QueryContext(ctx, "SELECT reason FROM plan_review_reason WHERE plan_id = ? AND review_id IS NULL AND id <= ? ORDER BY id",
			p.ID, r.UpTo)
		if err != nil {
			return err
		}
		for rows.Next() {
			var reason string
			if err := rows.Scan(&reason); err != nil {
				rows.Close()
				return err
			}
			covered = append(covered, reason)
		}
		rows.Close()
		res, err := store.Insert(ctx, tx, "INSERT INTO plan_review (plan_id, exercise_id, at, by, notes, cleared, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)",
			p.ID, ex, day, r.Reviewer, r.Comment, strings.Join(covered, "\n"), string(r.Outcome))
		if err != nil {
			return err
		}
		reviewID, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, "UPDATE plan_review_reason SET review_id = ? WHERE plan_id = ? AND review_id IS NULL AND id <= ?",
			reviewID, p.ID, r.UpTo); err != nil {
			return err
		}
		var left int
		var latest string
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(reason), '') FROM plan_review_reason
			WHERE plan_id = ? AND review_id IS NULL`, p.ID).Scan(&left, &latest); err != nil {
			return err
		}
		next := s.db.Now().AddDate(0, p.ReviewMonths, 0).Format("2006-01-02")
		retest := 0
		if r.Outcome == ReviewRetest || p.RetestRequired {
			retest = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan SET needs_review = ?, needs_review_reason = ?, next_review = ?,
			retest_required = ?, row_version = row_version + 1 WHERE id = ?`, left > 0, latest, next, retest, p.ID); err != nil {
			return err
		}
		summary := fmt.Sprintf("reviewed by %s: %s; %d reason(s) covered, %d still open; next review %s", r.Reviewer, r.Outcome, len(covered), left, next)
		if r.Comment != "" {
			summary += "; " + r.Comment
		}
		return log.Add(ctx, "plan", p.ID, "reviewed", p.NeedsReason, summary)
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
// the plans): each change that matters to a CI the plan covers, or to one
// the service depends on, becomes a reason for review and flags the plan
// "needs review" — also when it is flagged already, so that no change is
// lost before a review sees it. A change to the service itself or to how
// its CIs are connected also requires a re-test. It reads the change log,
// so changes from any screen, command or import are seen, whichever
// process made them.
func (s *Store) AssessChanges(ctx context.Context) error {
	var last int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&last); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id, service_id, assessed_change_id FROM plan WHERE assessed_change_id < ?", last)
	if err != nil {
		return err
	}
	type pending struct{ id, service, from int64 }
	var plans []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.service, &p.from); err != nil {
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
		type found struct {
			changeID int64
			reason   string
			retest   bool
		}
		var reasons []found
		changes, err := s.db.QueryContext(ctx, `SELECT l.id, l.entity_id, l.field, l.old_value, l.new_value, l.at, coalesce(c.ref, '')
			FROM change_log l LEFT JOIN ci c ON c.id = l.entity_id
			WHERE l.entity = 'ci' AND l.id > ? AND l.id <= ? ORDER BY l.id`, p.from, last)
		if err != nil {
			return err
		}
		for changes.Next() {
			var changeID, id int64
			var field, oldV, newV, at, ref string
			if err := changes.Scan(&changeID, &id, &field, &oldV, &newV, &at, &ref); err != nil {
				changes.Close()
				return err
			}
			if !covered[id] || !changeMatters(field) {
				continue
			}
			// A change to the service itself, or to how its CIs are
			// connected, is a major change: the plan must be tested again.
			major := id == p.service || field == "relation" || field == "deleted" || strings.HasPrefix(field, "relation group")
			reasons = append(reasons, found{changeID, ReasonChange{Ref: ref, Field: field, Old: orNone(oldV), New: orNone(newV), Date: at[:10]}.String(), major})
		}
		changes.Close()
		err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
			if _, err := tx.ExecContext(ctx, "UPDATE plan SET assessed_change_id = ? WHERE id = ?", last, p.id); err != nil {
				return err
			}
			for _, r := range reasons {
				if _, err := tx.ExecContext(ctx, "INSERT INTO plan_review_reason (plan_id, change_id, at, reason, retest) VALUES (?, ?, ?, ?, ?)",
					p.id, r.changeID, log.At(), r.reason, r.retest); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE plan SET needs_review = 1, needs_review_reason = ?,
					retest_required = CASE WHEN ? = 1 THEN 1 ELSE retest_required END WHERE id = ?`, r.reason, r.retest, p.id); err != nil {
					return err
				}
				if err := log.Add(ctx, "plan", p.id, "needs_review", "", r.reason); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Review is a recorded review of a plan, as the register keeps it.
type Review struct {
	At, By     string // YYYY-MM-DD, the reviewer
	Outcome    ReviewOutcome
	Notes      string
	Cleared    string // the reasons for review it covered, one per line
	ExerciseID int64  // the exercise or invocation reviewed; 0 for none
}

// Reviews returns the plan's reviews, oldest first.
func (s *Store) Reviews(ctx context.Context, planID int64) ([]Review, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, by, outcome, notes, cleared, coalesce(exercise_id, 0) FROM plan_review
		WHERE plan_id = ? ORDER BY at, id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Review
	for rows.Next() {
		var r Review
		if err := rows.Scan(&r.At, &r.By, &r.Outcome, &r.Notes, &r.Cleared, &r.ExerciseID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReasonChange is a reason for review that names one change to a CI, as
// the register keeps it: "CI-000024 status: in_service → maintenance
// (2026-11-20)". Field and values are the change log's, keys and all; the
// window reads them back (ParseReason) to show them in the reader's words.
type ReasonChange struct {
	Ref, Field, Old, New string // Old and New are "—" for none
	Date                 string // YYYY-MM-DD
}

func (r ReasonChange) String() string {
	return fmt.Sprintf("%s %s: %s → %s (%s)", r.Ref, r.Field, r.Old, r.New, r.Date)
}

var reasonPattern = regexp.MustCompile(`^(\S+) (.+?): (.*) → (.*) \((\d{4}-\d{2}-\d{2})\)$`)

// ParseReason reads a reason String wrote; ok is false for a reason of
// another kind (a flag raised before reasons were kept).
func ParseReason(text string) (ReasonChange, bool) {
	m := reasonPattern.FindStringSubmatch(text)
	if m == nil {
		return ReasonChange{}, false
	}
	return ReasonChange{Ref: m[1], Field: m[2], Old: m[3], New: m[4], Date: m[5]}, true
}
