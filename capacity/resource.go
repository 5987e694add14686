package capacity

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"servicebook/store"
)

// Resource is a CI's metric whose use is watched: its capacity, the
// thresholds that warn, the headroom kept free (buffer) and the share held
// back for a redundancy group's failover (HA reserve).
type Resource struct {
	ID        int64
	CIRef     string
	CIName    string
	Metric    string // cpu %, storage GB, bandwidth Mbit/s, licences, …
	Unit      string
	Name      string // how samples files name it
	Capacity  float64
	Warning   float64 // in the unit; reaching it warns
	Critical  float64
	BufferPct float64 // headroom kept free, % of capacity
	HAReserve float64 // in the unit
}

// Usable is the capacity that may be used: capacity × (1 − buffer) − the
// HA reserve.
func (r Resource) Usable() float64 { return r.Capacity*(1-r.BufferPct/100) - r.HAReserve }

// ParseThreshold reads a threshold as an amount in the unit ("800") or a
// share of capacity ("80%").
func ParseThreshold(text string, capacity float64) (float64, error) {
	t := strings.TrimSpace(text)
	if pct, ok := strings.CutSuffix(t, "%"); ok {
		v, err := ParseValue(pct)
		if err != nil || v <= 0 || v > 100 {
			return 0, fmt.Errorf("%q is not a share of capacity (1–100 %%)", text)
		}
		return capacity * v / 100, nil
	}
	v, err := ParseValue(t)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a threshold", text)
	}
	return v, nil
}

// Messages about resources, as English templates (see store.Msg).
const (
	MsgNoMetric   = "Name the metric (cpu %, storage GB …)."
	MsgNoCapacity = "Capacity must be more than 0."
	MsgThresholds = "The warning threshold ({{.Warning}}) must be more than 0 and not above the critical one ({{.Critical}})."
	MsgBuffer     = "The buffer is a share of capacity from 0 to under 100 %."
	MsgHAReserve  = "The HA reserve cannot be negative."
	MsgNoName     = "A resource needs the name samples files give it."
)

// ResourceMessages lists the message templates about resources, for the
// translation check.
var ResourceMessages = []string{MsgNoMetric, MsgNoCapacity, MsgThresholds, MsgBuffer, MsgHAReserve, MsgNoName}

func (r Resource) validate() error {
	var fields []store.FieldProblem
	bad := func(field string, m store.Msg) {
		fields = append(fields, store.FieldProblem{Field: field, Message: m.String(), Msg: m})
	}
	if strings.TrimSpace(r.Metric) == "" {
		bad("metric", store.M(MsgNoMetric))
	}
	if strings.TrimSpace(r.Name) == "" && r.ID != 0 {
		bad("name", store.M(MsgNoName))
	}
	if !(r.Capacity > 0) || math.IsInf(r.Capacity, 0) {
		bad("capacity", store.M(MsgNoCapacity))
	}
	if !(r.Warning > 0) || r.Warning > r.Critical {
		bad("warning", store.M(MsgThresholds, "Warning", r.Warning, "Critical", r.Critical))
	}
	if r.BufferPct < 0 || r.BufferPct >= 100 {
		bad("buffer", store.M(MsgBuffer))
	}
	if r.HAReserve < 0 {
		bad("ha_reserve", store.M(MsgHAReserve))
	}
	if len(fields) > 0 {
		return &store.Error{Code: store.EInvalid, Message: fields[0].Message, Msg: fields[0].Msg, Fields: fields}
	}
	return nil
}

// AddResource records a resource of a CI. Its name defaults to the CI's
// reference and the metric ("CI-000031 storage GB").
func (s *Store) AddResource(ctx context.Context, r Resource) (Resource, error) {
	ci, err := s.cmdb.CI(ctx, r.CIRef)
	if err != nil {
		return r, err
	}
	r.CIRef, r.CIName = ci.Ref, ci.Name
	r.Metric, r.Unit = strings.TrimSpace(r.Metric), strings.TrimSpace(r.Unit)
	if strings.TrimSpace(r.Name) == "" {
		r.Name = ci.Ref + " " + r.Metric
	}
	r.Name = strings.TrimSpace(r.Name)
	if err := r.validate(); err != nil {
		return r, err
	}
	err = s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		res, err := store.Insert(ctx, tx, `INSERT INTO capacity_resource (ci_id, metric, unit, name, capacity, warning,
			critical, buffer_pct, ha_reserve) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ci.ID, r.Metric, r.Unit, r.Name, r.Capacity, r.Warning, r.Critical, r.BufferPct, r.HAReserve)
		if err != nil {
			return store.MapError(err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return log.Add(ctx, "capacity_resource", r.ID, "created", "", fmt.Sprintf("%s %s: capacity %g %s, warning %g, critical %g",
			r.CIRef, r.Metric, r.Capacity, r.Unit, r.Warning, r.Critical))
	})
	return r, err
}

// describe is a resource as the change log records it.
func (r Resource) describe() string {
	return fmt.Sprintf("%s %s %q: capacity %g %s, warning %g, critical %g, buffer %g %%, HA reserve %g",
		r.CIRef, r.Metric, r.Name, r.Capacity, r.Unit, r.Warning, r.Critical, r.BufferPct, r.HAReserve)
}

// UpdateResource changes a resource (found by r.ID): its metric, unit,
// name, capacity, thresholds, buffer and HA reserve; the CI stays. Its
// forecasts' statuses are worked out again.
func (s *Store) UpdateResource(ctx context.Context, r Resource) (Resource, error) {
	r.Metric, r.Unit, r.Name = strings.TrimSpace(r.Metric), strings.TrimSpace(r.Unit), strings.TrimSpace(r.Name)
	if err := r.validate(); err != nil {
		return r, err
	}
	err := s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, err := scanResource(tx.QueryRowContext(ctx, "SELECT "+resourceColumns+"WHERE r.id = ?", r.ID))
		if err == sql.ErrNoRows {
			return store.Errorf(store.ENotFound, "There is no resource %d.", r.ID)
		}
		if err != nil {
			return err
		}
		r.CIRef, r.CIName = old.CIRef, old.CIName
		if old == r {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE capacity_resource SET metric = ?, unit = ?, name = ?, capacity = ?, warning = ?,
			critical = ?, buffer_pct = ?, ha_reserve = ?, row_version = row_version + 1 WHERE id = ?`,
			r.Metric, r.Unit, r.Name, r.Capacity, r.Warning, r.Critical, r.BufferPct, r.HAReserve, r.ID); err != nil {
			if store.ErrorCode(store.MapError(err)) == store.EConflict {
				return store.Errorf(store.EConflict, "Another resource is named %q, or watches %s on %s already.", r.Name, r.Metric, r.CIRef)
			}
			return err
		}
		if err := forgetStatuses(ctx, tx, r.ID); err != nil {
			return err
		}
		return log.Add(ctx, "capacity_resource", r.ID, "changed", old.describe(), r.describe())
	})
	return r, err
}

// RemoveResource stops watching a resource: it and its samples are
// deleted, and the change log keeps what it was and how many samples went.
// A resource with upgrades (planned or cancelled) is refused: they and the
// budget lines they proposed are records of decisions about it.
func (s *Store) RemoveResource(ctx context.Context, name string) error {
	r, err := s.Resource(ctx, name)
	if err != nil {
		return err
	}
	return s.db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		var upgrades, samples int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM capacity_upgrade WHERE resource_id = ?", r.ID).Scan(&upgrades); err != nil {
			return err
		}
		if upgrades > 0 {
			return store.Errorf(store.EInvalid, "%s has %d upgrade(s) on record, which stay as records of decisions; the resource stays with them.", r.Name, upgrades)
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM capacity_sample WHERE resource_id = ?", r.ID).Scan(&samples); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM capacity_resource WHERE id = ?", r.ID); err != nil {
			return err
		}
		return log.Add(ctx, "capacity_resource", r.ID, "deleted", fmt.Sprintf("%s; %d samples", r.describe(), samples), "")
	})
}
