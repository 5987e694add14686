package continuity

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"servicebook/store"
)

// SetRole sets who is called for role in a plan's call tree, creating the
// contacts by name if they are new. It is a change to the plan's content.
func (s *Store) SetRole(ctx context.Context, doc, role string, escalation int, primary, alternate Contact) error {
	role = strings.TrimSpace(role)
	if role == "" {
		return store.Errorf(store.EInvalid, "A role needs a name.")
	}
	if err := cleanTexts(map[string]string{"role": role, "primary": primary.Name + primary.Phone + primary.Mobile + primary.Email,
		"alternate": alternate.Name + alternate.Phone + alternate.Mobile + alternate.Email}); err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		before, err := roles(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		pid, err := contactID(ctx, tx, log, primary)
		if err != nil {
			return err
		}
		aid, err := contactID(ctx, tx, log, alternate)
		if err != nil {
			return err
		}
		res, err := store.Insert(ctx, tx, `INSERT INTO plan_role (plan_id, role, escalation, primary_id, alternate_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (plan_id, role) DO UPDATE SET escalation = excluded.escalation, primary_id = excluded.primary_id,
			alternate_id = excluded.alternate_id`, p.ID, role, escalation, pid, aid)
		if err != nil {
			return err
		}
		after, err := roles(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		var old, now Role
		for _, r := range before {
			if r.Role == role {
				old = r
			}
		}
		for _, r := range after {
			if r.Role == role {
				now = r
			}
		}
		if old.describe() == now.describe() {
			return nil
		}
		id := now.ID
		if id == 0 {
			id, _ = res.LastInsertId()
		}
		field := "changed"
		if old.ID == 0 {
			field = "created"
		}
		if err := log.Add(ctx, "plan_role", id, field, old.describe(), p.DocNumber+" "+now.describe()); err != nil {
			return err
		}
		_, err = s.contentChanged(ctx, tx, log, p.ID, "call tree: "+role)
		return err
	})
}

// RemoveRole takes a role out of a plan's call tree.
func (s *Store) RemoveRole(ctx context.Context, doc, role string) error {
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		all, err := roles(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.Role != strings.TrimSpace(role) {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM plan_role WHERE id = ?", r.ID); err != nil {
				return err
			}
			if err := log.Add(ctx, "plan_role", r.ID, "deleted", p.DocNumber+" "+r.describe(), ""); err != nil {
				return err
			}
			_, err = s.contentChanged(ctx, tx, log, p.ID, "call tree: "+r.Role+" removed")
			return err
		}
		return store.Errorf(store.ENotFound, "Plan %s has no role %q.", p.DocNumber, role)
	})
}

// describe is a role as the change log records it.
func (r Role) describe() string {
	if r.Role == "" {
		return ""
	}
	name := func(c *Contact) string {
		if c == nil {
			return "—"
		}
		return strings.TrimSpace(strings.Join([]string{c.Name, c.Phone, c.Mobile, c.Email}, " "))
	}
	return fmt.Sprintf("%d. %s: %s / %s", r.Escalation, r.Role, name(r.Primary), name(r.Alternate))
}

// contactID finds a contact by name (and organisation), filling in numbers
// it lacks, or creates it; both are logged. A blank name is no contact.
func contactID(ctx context.Context, tx *sql.Tx, log *store.ChangeWriter, c Contact) (any, error) {
	if strings.TrimSpace(c.Name) == "" {
		return nil, nil
	}
	var id int64
	var phone, mobile, email string
	err := tx.QueryRowContext(ctx, "SELECT id, phone, mobile, email FROM contact WHERE name = ? AND organisation = ?",
		c.Name, c.Organisation).Scan(&id, &phone, &mobile, &email)
	if err == nil {
		for _, f := range [][3]string{{"phone", phone, c.Phone}, {"mobile", mobile, c.Mobile}, {"email", email, c.Email}} {
			if f[2] == "" || f[2] == f[1] {
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE contact SET "+f[0]+" = ? WHERE id = ?", f[2], id); err != nil {
				return nil, err
			}
			if err := log.Add(ctx, "contact", id, f[0], f[1], f[2]); err != nil {
				return nil, err
			}
		}
		return id, nil
	}
	if err != sql.ErrNoRows {
		return nil, err
	}
	res, err := store.Insert(ctx, tx, `INSERT INTO contact (name, organisation, phone, mobile, email, supplier) VALUES (?, ?, ?, ?, ?, ?)`,
		c.Name, c.Organisation, c.Phone, c.Mobile, c.Email, c.Supplier)
	if err != nil {
		return nil, err
	}
	id, _ = res.LastInsertId()
	return id, log.Add(ctx, "contact", id, "created", "", strings.TrimSpace(strings.Join([]string{c.Name, c.Organisation, c.Phone, c.Mobile, c.Email}, " ")))
}

// Roles returns a plan's call tree in escalation order.
func (s *Store) Roles(ctx context.Context, planID int64) ([]Role, error) {
	return roles(ctx, s.db, planID)
}

func roles(ctx context.Context, q store.Querier, planID int64) ([]Role, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.role, r.escalation,
		p.id, p.name, p.organisation, p.phone, p.mobile, p.email, p.supplier,
		a.id, a.name, a.organisation, a.phone, a.mobile, a.email, a.supplier
		FROM plan_role r LEFT JOIN contact p ON p.id = r.primary_id LEFT JOIN contact a ON a.id = r.alternate_id
		WHERE r.plan_id = ? ORDER BY r.escalation, r.id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r Role
		var pc, ac nullContact
		if err := rows.Scan(&r.ID, &r.Role, &r.Escalation, &pc.id, &pc.name, &pc.org, &pc.phone, &pc.mobile, &pc.email, &pc.supplier,
			&ac.id, &ac.name, &ac.org, &ac.phone, &ac.mobile, &ac.email, &ac.supplier); err != nil {
			return nil, err
		}
		r.Primary, r.Alternate = pc.contact(), ac.contact()
		out = append(out, r)
	}
	return out, rows.Err()
}

type nullContact struct {
	id                              sql.NullInt64
	name, org, phone, mobile, email sql.NullString
	supplier                        sql.NullBool
}

func (n nullContact) contact() *Contact {
	if !n.id.Valid {
		return nil
	}
	return &Contact{ID: n.id.Int64, Name: n.name.String, Organisation: n.org.String, Phone: n.phone.String,
		Mobile: n.mobile.String, Email: n.email.String, Supplier: n.supplier.Bool}
}

// LinkCI adds a CI to those the plan covers: a change to its content.
func (s *Store) LinkCI(ctx context.Context, doc, ref string) error {
	ci, err := s.cmdb.CI(ctx, ref)
	if err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO plan_ci (plan_id, ci_id) VALUES (?, ?) ON CONFLICT DO NOTHING", p.ID, ci.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already covered: nothing changed
		}
		if err := log.Add(ctx, "plan", p.ID, "linked CI", "", ci.Ref+" "+ci.Name); err != nil {
			return err
		}
		_, err = s.contentChanged(ctx, tx, log, p.ID, "CI linked: "+ci.Ref)
		return err
	})
}

// UnlinkCI removes a CI from those the plan covers; the service itself
// stays.
func (s *Store) UnlinkCI(ctx context.Context, doc, ref string) error {
	ci, err := s.cmdb.CI(ctx, ref)
	if err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		p, err := planForWrite(ctx, tx, doc)
		if err != nil {
			return err
		}
		if ci.ID == p.ServiceID {
			return store.Errorf(store.EInvalid, "%s is the service the plan covers; it cannot be unlinked.", ci.Ref)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM plan_ci WHERE plan_id = ? AND ci_id = ?", p.ID, ci.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.Errorf(store.ENotFound, "%s does not cover %s.", p.DocNumber, ci.Ref)
		}
		if err := log.Add(ctx, "plan", p.ID, "linked CI", ci.Ref+" "+ci.Name, ""); err != nil {
			return err
		}
		_, err = s.contentChanged(ctx, tx, log, p.ID, "CI unlinked: "+ci.Ref)
		return err
	})
}

// LinkedCIs returns the CIs the plan covers, with what the checks need.
func (s *Store) LinkedCIs(ctx context.Context, planID int64) ([]LinkedCI, error) {
	return linkedCIs(ctx, s.db, planID)
}

func linkedCIs(ctx context.Context, q store.Querier, planID int64) ([]LinkedCI, error) {
	// The attributes are read whole and the backup interval taken here:
	// the two dialects reach into JSON differently.
	rows, err := q.QueryContext(ctx, `SELECT c.ref, c.name, c.status, c.attributes
		FROM plan_ci pc JOIN ci c ON c.id = pc.ci_id WHERE pc.plan_id = ? ORDER BY c.id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LinkedCI
	for rows.Next() {
		var l LinkedCI
		var attrs string
		if err := rows.Scan(&l.Ref, &l.Name, &l.Status, &attrs); err != nil {
			return nil, err
		}
		var values map[string]string
		json.Unmarshal([]byte(attrs), &values)
		l.BackupIntervalMinutes, _ = strconv.Atoi(values["backup_interval_minutes"])
		out = append(out, l)
	}
	return out, rows.Err()
}
