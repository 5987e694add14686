package cmdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"servicebook/store"
)

// StartAudit starts a configuration audit of scope: it freezes the CMDB as
// a baseline and records which of the baseline's CIs the audit covers, in
// one transaction. auditor defaults to the person starting it.
func (s *Store) StartAudit(ctx context.Context, title string, scope AuditScope, auditor string) (ConfigAudit, error) {
	a := ConfigAudit{Title: strings.TrimSpace(title), Scope: scope, Auditor: strings.TrimSpace(auditor), StartedBy: s.db.User}
	if a.Title == "" {
		return a, invalidField("title", MsgAuditNoTitle)
	}
	if scope.Status == StatusRetired {
		return a, invalidField("status", MsgAuditRetiredScope)
	}
	if scope.Criticality < 0 || scope.Criticality > 4 {
		return a, store.Invalid([]store.FieldProblem{{Field: "criticality", Message: store.M(MsgCriticality, "Value", scope.Criticality).String()}})
	}
	if a.Auditor == "" {
		a.Auditor = s.db.User
	}
	if scope.TypeKey != "" {
		types, err := s.Types(ctx)
		if err != nil {
			return a, err
		}
		t, err := ResolveType(types, scope.TypeKey)
		if err != nil {
			return a, store.Invalid([]store.FieldProblem{{Field: "type", Message: store.ErrorMessage(err), Msg: asMsg(err)}})
		}
		a.Scope.TypeKey = t.Key
	}
	// The service's dependency tree is read from the relation index before
	// the transaction; it cannot be walked in SQL at 100k CIs in time.
	var tree map[int64]bool
	if scope.Service != "" {
		svc, err := s.CI(ctx, scope.Service)
		if err != nil {
			return a, store.Invalid([]store.FieldProblem{{Field: "service", Message: store.ErrorMessage(err)}})
		}
		a.Scope.Service = svc.Ref
		g, err := s.Graph(ctx)
		if err != nil {
			return a, err
		}
		tree = map[int64]bool{svc.ID: true}
		for _, h := range g.Downstream([]int64{svc.ID}).Hits() {
			tree[h.ID] = true
		}
	}
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		// The audit's number names its baseline, and the baseline must exist
		// before the audit row refers to it: take the next id first (on a
		// server from the table's sequence, so that two desktops starting
		// audits at once get two numbers).
		next, err := s.db.Dialect.NewIDs(ctx, tx, "config_audit", 1)
		if err != nil {
			return err
		}
		a.ID = next[0]
		b, err := s.takeBaseline(ctx, tx, log, fmt.Sprintf("%s %s", a.Number(), a.Title), "frozen by the configuration audit")
		if err != nil {
			return err
		}
		a.BaselineID, a.BaselineName = b.ID, b.Name
		if _, err := tx.ExecContext(ctx, `INSERT INTO config_audit (id, title, scope_type, scope_location, scope_service,
			scope_status, scope_criticality, baseline_id, auditor, started_at, started_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Title, a.Scope.TypeKey, a.Scope.Location, a.Scope.Service, string(a.Scope.Status), a.Scope.Criticality,
			b.ID, a.Auditor, log.At(), a.StartedBy); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT ci_id, type_key, location, status, criticality FROM baseline_ci
			WHERE baseline_id = ? AND status <> 'retired'`, b.ID)
		if err != nil {
			return err
		}
		var ids []int64
		loc := strings.ToLower(strings.TrimSpace(a.Scope.Location))
		for rows.Next() {
			var id int64
			var typeKey, location, status string
			var criticality int
			if err := rows.Scan(&id, &typeKey, &location, &status, &criticality); err != nil {
				rows.Close()
				return err
			}
			if (a.Scope.TypeKey == "" || typeKey == a.Scope.TypeKey) &&
				(loc == "" || strings.Contains(strings.ToLower(location), loc)) &&
				(tree == nil || tree[id]) &&
				(a.Scope.Status == "" || Status(status) == a.Scope.Status) &&
				(a.Scope.Criticality == 0 || criticality == a.Scope.Criticality) {
				ids = append(ids, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return auditErr(store.EInvalid, MsgAuditEmptyScope, "Scope", a.Scope.String())
		}
		ins, err := tx.PrepareContext(ctx, "INSERT INTO config_audit_ci (audit_id, ci_id) VALUES (?, ?)")
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, id := range ids {
			if _, err := ins.ExecContext(ctx, a.ID, id); err != nil {
				return err
			}
		}
		a.Lines = len(ids)
		a.StartedAt, _ = time.Parse(time.RFC3339, log.At())
		return log.Add(ctx, "config_audit", a.ID, "started", "",
			fmt.Sprintf("%s: %s; %d CIs; auditor %s", a.Title, a.Scope, a.Lines, a.Auditor))
	})
	return a, err
}

const auditColumns = `a.id, a.title, a.scope_type, a.scope_location, a.scope_service, a.scope_status, a.scope_criticality,
	a.baseline_id, coalesce(b.name, ''),
	a.auditor, a.started_at, a.started_by, a.reconciled_at, a.found_file, a.match_keys, a.matched, a.equal,
	a.closed_at, a.closed_by, a.row_version,
	(SELECT count(*) FROM config_audit_ci c WHERE c.audit_id = a.id),
	(SELECT count(*) FROM config_audit_finding f WHERE f.audit_id = a.id),
	(SELECT count(*) FROM config_audit_finding f WHERE f.audit_id = a.id AND f.resolution = '')
	FROM config_audit a LEFT JOIN baseline b ON b.id = a.baseline_id `

func scanAudit(row interface{ Scan(...any) error }) (ConfigAudit, error) {
	var a ConfigAudit
	var started, reconciled, closed, keys string
	err := row.Scan(&a.ID, &a.Title, &a.Scope.TypeKey, &a.Scope.Location, &a.Scope.Service, &a.Scope.Status, &a.Scope.Criticality,
		&a.BaselineID, &a.BaselineName,
		&a.Auditor, &started, &a.StartedBy, &reconciled, &a.FoundFile, &keys, &a.Matched, &a.Equal,
		&closed, &a.ClosedBy, &a.RowVersion, &a.Lines, &a.Findings, &a.Open)
	a.StartedAt, _ = time.Parse(time.RFC3339, started)
	a.ReconciledAt, _ = time.Parse(time.RFC3339, reconciled)
	a.ClosedAt, _ = time.Parse(time.RFC3339, closed)
	if keys != "" {
		a.MatchKeys = strings.Split(keys, ",")
	}
	return a, err
}

// Audits lists the configuration audits, newest first.
func (s *Store) Audits(ctx context.Context) ([]ConfigAudit, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+auditColumns+"ORDER BY a.id DESC")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConfigAudit
	for rows.Next() {
		a, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Audit returns one configuration audit, by id or by number (CA-0001).
func (s *Store) Audit(ctx context.Context, id int64) (ConfigAudit, error) {
	return getAudit(ctx, s.db.DB, id)
}

func getAudit(ctx context.Context, q store.Querier, id int64) (ConfigAudit, error) {
	a, err := scanAudit(q.QueryRowContext(ctx, "SELECT "+auditColumns+"WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, auditErr(store.ENotFound, MsgAuditNone, "Audit", ConfigAudit{ID: id}.Number())
	}
	return a, err
}

// ParseAuditNumber reads "CA-0003", "ca-3" or "3".
func ParseAuditNumber(text string) (int64, error) {
	t := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(text)), "CA-")
	var n int64
	if _, err := fmt.Sscan(t, &n); err != nil || n <= 0 || fmt.Sprint(n) != strings.TrimLeft(t, "0") {
		return 0, auditErr(store.EInvalid, MsgAuditNumber, "Value", text)
	}
	return n, nil
}

// AuditLines returns the audit's CIs as the CMDB recorded them when it
// started, in reference order (the order of the baseline's key: no sort): the checklist.
func (s *Store) AuditLines(ctx context.Context, id int64) ([]AuditLine, error) {
	return auditLines(ctx, s.db.DB, id)
}

func auditLines(ctx context.Context, q store.Querier, id int64) ([]AuditLine, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.ci_id, b.ref, b.type_key, b.name, b.location, b.owner, b.status, b.attributes
		FROM config_audit a JOIN config_audit_ci c ON c.audit_id = a.id
		JOIN baseline_ci b ON b.baseline_id = a.baseline_id AND b.ci_id = c.ci_id
		WHERE a.id = ? ORDER BY b.ref`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditLine
	for rows.Next() {
		var id int64
		var ref, typeKey, name, location, owner, status, attrs string
		if err := rows.Scan(&id, &ref, &typeKey, &name, &location, &owner, &status, &attrs); err != nil {
			return nil, err
		}
		out = append(out, lineFrom(id, ref, typeKey, name, location, owner, status, attrs))
	}
	return out, rows.Err()
}

// ReconcileAudit compares what was found with the audit's lines and, unless
// dryRun, records the findings. It is refused, with every problem named,
// when an item cannot be matched without a guess; and once any finding is
// resolved (a second file would rewrite what was acted on).
func (s *Store) ReconcileAudit(ctx context.Context, id int64, found FoundRead, keys []string, dryRun bool) (Reconciliation, error) {
	var rec Reconciliation
	types, err := s.Types(ctx)
	if err != nil {
		return rec, err
	}
	err = s.db.LoggedTxOrRehearse(ctx, dryRun, func(tx *sql.Tx, log *store.ChangeWriter) error {
		a, err := getAudit(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Closed() {
			return auditErr(store.EInvalid, MsgAuditClosedStartNew, "Audit", a.Number())
		}
		if a.Findings > a.Open {
			return auditErr(store.EInvalid, MsgAuditResolvedAlready, "Audit", a.Number())
		}
		lines, err := auditLines(ctx, tx, id)
		if err != nil {
			return err
		}
		rec = Reconcile(lines, found, keys, types)
		if len(rec.Problems) > 0 {
			return auditErr(store.EInvalid, MsgAuditRefused, "File", found.File, "Count", len(rec.Problems))
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM config_audit_finding WHERE audit_id = ?", id); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO config_audit_finding (audit_id, kind, ci_id, ref, field, recorded,
			found, found_at, found_data, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i := range rec.Findings {
			f := &rec.Findings[i]
			data, _ := json.Marshal(f.FoundData)
			if f.FoundData == nil {
				data = []byte("{}")
			}
			var ciID any
			if f.CIID != 0 {
				ciID = f.CIID
			}
			if err := ins.QueryRowContext(ctx, id, string(f.Kind), ciID, f.Ref, f.Field, f.Recorded, f.Found, f.FoundAt, string(data), f.Note).Scan(&f.ID); err != nil {
				return err
			}
			f.AuditID, f.RowVersion = id, 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE config_audit SET reconciled_at = ?, found_file = ?, match_keys = ?,
			matched = ?, equal = ?, row_version = row_version + 1 WHERE id = ?`,
			log.At(), found.File, strings.Join(keys, ","), rec.Matched, rec.Equal, id); err != nil {
			return err
		}
		return log.Add(ctx, "config_audit", id, "reconciled", "", fmt.Sprintf("%s by %s: %d of %d matched, %d equal, %d findings",
			found.File, strings.Join(keys, ", "), rec.Matched, rec.Lines, rec.Equal, len(rec.Findings)))
	})
	return rec, err
}

// AuditFindings lists an audit's findings in the order they were found.
func (s *Store) AuditFindings(ctx context.Context, id int64) ([]AuditFinding, error) {
	return auditFindings(ctx, s.db.DB, "WHERE audit_id = ? ORDER BY id", id)
}

func auditFindings(ctx context.Context, q store.Querier, where string, args ...any) ([]AuditFinding, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, audit_id, kind, coalesce(ci_id, 0), ref, field, recorded, found, found_at,
		found_data, resolution, note, action_owner, action_due, resolved_at, resolved_by, row_version
		FROM config_audit_finding `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditFinding
	for rows.Next() {
		var f AuditFinding
		var data, resolved string
		if err := rows.Scan(&f.ID, &f.AuditID, &f.Kind, &f.CIID, &f.Ref, &f.Field, &f.Recorded, &f.Found, &f.FoundAt,
			&data, &f.Resolution, &f.Note, &f.ActionOwner, &f.ActionDue, &resolved, &f.ResolvedBy, &f.RowVersion); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(data), &f.FoundData)
		f.ResolvedAt, _ = time.Parse(time.RFC3339, resolved)
		out = append(out, f)
	}
	return out, rows.Err()
}

// CloseAudit closes an audit whose findings are all resolved.
func (s *Store) CloseAudit(ctx context.Context, id int64) (ConfigAudit, error) {
	var a ConfigAudit
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var err error
		if a, err = getAudit(ctx, tx, id); err != nil {
			return err
		}
		switch {
		case a.Closed():
			return auditErr(store.EInvalid, MsgAuditClosedOn, "Audit", a.Number(), "Date", a.ClosedAt.Format("2006-01-02"))
		case a.ReconciledAt.IsZero():
			return auditErr(store.EInvalid, MsgAuditNotReconciled, "Audit", a.Number())
		case a.Open > 0:
			return auditErr(store.EInvalid, MsgAuditOpenFindings, "Audit", a.Number(), "Count", a.Open)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE config_audit SET closed_at = ?, closed_by = ?, row_version = row_version + 1
			WHERE id = ?`, log.At(), s.db.User, id); err != nil {
			return err
		}
		a.ClosedAt, _ = time.Parse(time.RFC3339, log.At())
		a.ClosedBy = s.db.User
		a.RowVersion++
		return log.Add(ctx, "config_audit", id, "closed", "", fmt.Sprintf("%d findings resolved", a.Findings))
	})
	return a, err
}
