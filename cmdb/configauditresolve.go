package cmdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"servicebook/store"
)

// FindingResolution says how findings are resolved.
type FindingResolution struct {
	How   Resolution
	Note  string
	Owner string // an action's owner
	Due   string // an action's due date, YYYY-MM-DD
	// TypeKey is the type of the CIs that items found but not recorded
	// become when corrected, where the found file gave none.
	TypeKey string
}

// ResolveFindings resolves the audit's findings ids in one transaction. A
// correction writes the found value into the CMDB, with the change log's
// source naming the audit: a field that differs takes the found value, a CI
// not found is retired, an item not recorded becomes a CI. Nothing is
// written if any finding cannot be resolved as asked.
func (s *Store) ResolveFindings(ctx context.Context, auditID int64, ids []int64, r FindingResolution) (int, error) {
	r.Note, r.Owner, r.Due = strings.TrimSpace(r.Note), strings.TrimSpace(r.Owner), strings.TrimSpace(r.Due)
	switch r.How {
	case Corrected, Accepted:
	case Actioned:
		var problems []store.FieldProblem
		if r.Owner == "" {
			problems = append(problems, fieldProblem("owner", store.M(MsgAuditActionOwner)))
		}
		if _, err := time.Parse("2006-01-02", r.Due); err != nil {
			problems = append(problems, fieldProblem("due", store.M(MsgNotDate, "Value", r.Due)))
		}
		if err := store.Invalid(problems); err != nil {
			return 0, err
		}
	default:
		return 0, auditErr(store.EInvalid, MsgAuditResolution, "Value", string(r.How))
	}
	if len(ids) == 0 {
		return 0, auditErr(store.EInvalid, MsgAuditChooseFindings)
	}
	ctx = store.WithSource(ctx, ConfigAudit{ID: auditID}.Source())
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		a, err := getAudit(ctx, tx, auditID)
		if err != nil {
			return err
		}
		if a.Closed() {
			return auditErr(store.EInvalid, MsgAuditClosedFindings, "Audit", a.Number())
		}
		all, err := auditFindings(ctx, tx, "WHERE audit_id = ? ORDER BY id", auditID)
		if err != nil {
			return err
		}
		var chosen []AuditFinding
		for _, id := range ids {
			i := slices.IndexFunc(all, func(f AuditFinding) bool { return f.ID == id })
			switch {
			case i < 0:
				return auditErr(store.ENotFound, MsgAuditNoFinding, "Audit", a.Number(), "ID", id)
			case !all[i].Open():
				return auditErr(store.EInvalid, MsgAuditFindingResolved, "ID", id, "Audit", a.Number(), "How", string(all[i].Resolution))
			case r.How == Corrected && all[i].Kind == FindingRemark:
				return auditErr(store.EInvalid, MsgAuditRemarkCorrect, "ID", id)
			}
			chosen = append(chosen, all[i])
		}
		if r.How == Corrected {
			if err := s.correct(ctx, tx, chosen, r.TypeKey); err != nil {
				return err
			}
		}
		upd, err := tx.PrepareContext(ctx, `UPDATE config_audit_finding SET resolution = ?, note = ?, action_owner = ?,
			action_due = ?, resolved_at = ?, resolved_by = ?, ci_id = coalesce(ci_id, ?), ref = ?, row_version = row_version + 1
			WHERE id = ? AND resolution = ''`)
		if err != nil {
			return err
		}
		defer upd.Close()
		for _, f := range chosen {
			note := r.Note
			if note == "" {
				note = f.Note
			}
			var ciID any
			if f.CIID != 0 {
				ciID = f.CIID
			}
			if _, err := upd.ExecContext(ctx, string(r.How), note, r.Owner, r.Due, log.At(), s.db.User, ciID, f.Ref, f.ID); err != nil {
				return err
			}
			what := string(r.How)
			if r.How == Actioned {
				what += fmt.Sprintf(": %s by %s", r.Owner, r.Due)
			}
			if note != "" {
				what += "; " + note
			}
			if err := log.Add(ctx, "config_audit_finding", f.ID, "resolution", "", what); err != nil {
				return err
			}
		}
		return nil
	})
	return len(ids), err
}

// correct writes what was found into the CMDB for each finding, one update
// per CI however many of its fields differ. New CIs' references are put on
// their findings.
func (s *Store) correct(ctx context.Context, tx *sql.Tx, findings []AuditFinding, typeKey string) error {
	return s.writeCIs(ctx, tx, func(w *ciWriter) error {
		changed := map[string]*CI{}
		var order []string
		var current = map[string]CI{}
		for i := range findings {
			f := &findings[i]
			if f.Kind == FindingNotRecorded {
				ci, err := s.createFound(ctx, tx, w, *f, typeKey)
				if err != nil {
					return err
				}
				f.CIID, f.Ref = ci.ID, ci.Ref
				continue
			}
			c, ok := changed[f.Ref]
			if !ok {
				old, err := getCI(ctx, tx, f.Ref)
				if err != nil {
					return auditErr(store.ENotFound, MsgAuditCIGone, "Ref", f.Ref, "ID", f.ID)
				}
				current[f.Ref] = old
				cp := old
				cp.Attributes = map[string]string{}
				for k, v := range old.Attributes {
					cp.Attributes[k] = v
				}
				c = &cp
				changed[f.Ref], order = c, append(order, f.Ref)
			}
			if f.Kind == FindingNotFound {
				c.Status = StatusRetired
				continue
			}
			setField(c, f.Field, f.Found)
		}
		for _, ref := range order {
			ci, t, err := normalizeIn(ctx, tx, *changed[ref])
			if err != nil {
				return fmt.Errorf("%s: %w", ref, err)
			}
			if _, _, err := w.update(ctx, current[ref], ci, t.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// setField puts a found value into the CI field an audit field names.
func setField(c *CI, field, v string) {
	switch field {
	case "name":
		c.Name = v
	case "type":
		c.TypeKey = v
	case "location":
		c.Location = v
	case "serial":
		c.Attributes[attrSerial] = v
	case "ip":
		c.Attributes[attrIP] = v
	case "owner":
		c.Owner = v
	case "status":
		c.Status = Status(v)
	}
}

// createFound makes a CI of an item found but not recorded.
func (s *Store) createFound(ctx context.Context, tx *sql.Tx, w *ciWriter, f AuditFinding, typeKey string) (CI, error) {
	d := f.FoundData
	ci := CI{TypeKey: d["type"], Name: d["name"], Location: d["location"], Owner: d["owner"], Status: Status(d["status"]),
		Criticality: 3, Attributes: map[string]string{}}
	if ci.TypeKey == "" {
		ci.TypeKey = typeKey
	}
	if ci.TypeKey == "" {
		return ci, auditErr(store.EInvalid, MsgAuditFoundNoType, "Place", f.FoundAt)
	}
	if ci.Name == "" {
		return ci, auditErr(store.EInvalid, MsgAuditFoundNoName, "Place", f.FoundAt)
	}
	if ci.Status == "" {
		ci.Status = StatusInService
	}
	if d["serial"] != "" {
		ci.Attributes[attrSerial] = d["serial"]
	}
	if d["ip"] != "" {
		ci.Attributes[attrIP] = d["ip"]
	}
	ci, t, err := normalizeIn(ctx, tx, ci)
	if err != nil {
		return ci, fmt.Errorf("the item found at %s: %w", f.FoundAt, err)
	}
	return w.create(ctx, ci, t.ID)
}
