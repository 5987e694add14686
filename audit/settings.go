package audit

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"servicebook/store"
)

// settingFields names each setting as it is stored and changed, with a
// pointer into s and the least value that makes sense.
func settingFields(s *Settings) []struct {
	name string
	int  *int
	pct  *float64
	min  float64
} {
	return []struct {
		name string
		int  *int
		pct  *float64
		min  float64
	}{
		{"exercise_months", &s.ExerciseMonths, nil, 1},
		{"breach_days", &s.BreachDays, nil, 1},
		{"over_budget_pct", nil, &s.OverBudgetPct, 0},
		{"investigate_days", &s.InvestigateDays, nil, 1},
		{"config_audit_months", &s.ConfigAuditMonths, nil, 1},
		{store.OwnerMayApprove, &s.OwnerMayApprove, nil, 0},
	}
}

// SettingNames are the settings' names, as the command line and the
// change log write them.
var SettingNames = func() []string {
	var s Settings
	var out []string
	for _, f := range settingFields(&s) {
		out = append(out, f.name)
	}
	return out
}()

// LoadSettings reads the organisation's thresholds from db; those never
// set take DefaultSettings.
func LoadSettings(ctx context.Context, db *store.DB) (Settings, error) {
	return loadSettings(ctx, db.DB)
}

func loadSettings(ctx context.Context, q store.Querier) (Settings, error) {
	s := DefaultSettings
	rows, err := q.QueryContext(ctx, "SELECT name, value FROM audit_setting")
	if err != nil {
		return s, err
	}
	defer rows.Close()
	stored := map[string]float64{}
	for rows.Next() {
		var name string
		var v float64
		if err := rows.Scan(&name, &v); err != nil {
			return s, err
		}
		stored[name] = v
	}
	for _, f := range settingFields(&s) {
		if v, ok := stored[f.name]; ok {
			if f.int != nil {
				*f.int = int(v)
			} else {
				*f.pct = v
			}
		}
	}
	return s, rows.Err()
}

// SaveSettings stores the thresholds that differ from what db holds, each
// change in the change log, in one transaction. A value below its least
// sensible value is refused by name.
func SaveSettings(ctx context.Context, db *store.DB, s Settings) error {
	var problems []store.FieldProblem
	for _, f := range settingFields(&s) {
		if v := value(f.int, f.pct); v < f.min {
			problems = append(problems, store.FieldProblem{Field: f.name, Message: fmt.Sprintf("must be at least %g", f.min)})
		}
	}
	if err := store.Invalid(problems); err != nil {
		return err
	}
	return db.LoggedTx(ctx, func(tx *sql.Tx, log *store.ChangeWriter) error {
		old, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		oldFields := settingFields(&old)
		for i, f := range settingFields(&s) {
			was, now := value(oldFields[i].int, oldFields[i].pct), value(f.int, f.pct)
			if was == now {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_setting (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = excluded.value`, f.name, now); err != nil {
				return err
			}
			if err := log.Add(ctx, "audit_setting", 0, f.name, format(was), format(now)); err != nil {
				return err
			}
		}
		return nil
	})
}

func value(i *int, pct *float64) float64 {
	if i != nil {
		return float64(*i)
	}
	return *pct
}

func format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
