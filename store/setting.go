package store

import (
	"context"
	"database/sql"
	"errors"
)

// OwnerMayApprove is the organisation's setting (audit_setting) that lets
// a document's owner approve it: 0, the default, wants another person.
const OwnerMayApprove = "owner_may_approve"

// SettingValue is an organisation's setting kept in audit_setting, or def
// when it was never set.
func SettingValue(ctx context.Context, q Querier, name string, def float64) (float64, error) {
	v := def
	err := q.QueryRowContext(ctx, "SELECT value FROM audit_setting WHERE name = ?", name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, err
}
