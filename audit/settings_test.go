package audit_test

import (
	"context"
	"strings"
	"testing"

	"servicebook/audit"
	"servicebook/store"
)

// TestSettingsAreKeptAndLogged: thresholds start at the defaults, are
// saved in the database with a change-log entry per changed value, read
// back, and a nonsense value is refused by name with nothing written;
// the checks run with them (a shorter exercise interval finds more).
func TestSettingsAreKeptAndLogged(t *testing.T) {
	store.EachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		src := sourcesOn(t, db, true)
		got, err := audit.LoadSettings(ctx, db)
		if err != nil || got != audit.DefaultSettings {
			t.Fatalf("fresh settings: %+v %v", got, err)
		}
		before, _ := audit.Run(ctx, src, got, "")
		set := got
		set.ExerciseMonths, set.OverBudgetPct = 1, 2.5
		if err := audit.SaveSettings(store.WithSource(ctx, "gui"), db, set); err != nil {
			t.Fatal(err)
		}
		if got, _ = audit.LoadSettings(ctx, db); got != set {
			t.Errorf("read back %+v, want %+v", got, set)
		}
		changes, _ := db.RecentChanges(ctx, 10)
		var logged []string
		for _, c := range changes {
			if c.Entity == "audit_setting" {
				logged = append(logged, c.Field+" "+c.Old+"→"+c.New+" "+c.Source)
			}
		}
		if strings.Join(logged, ", ") != "exercise_months 12→1 gui, over_budget_pct 10→2.5 gui" &&
			strings.Join(logged, ", ") != "over_budget_pct 10→2.5 gui, exercise_months 12→1 gui" {
			t.Errorf("change log: %v", logged)
		}
		bad := set
		bad.BreachDays = 0
		if err := audit.SaveSettings(ctx, db, bad); store.ErrorCode(err) != store.EInvalid || !strings.Contains(err.Error(), "breach_days") {
			t.Errorf("breach_days 0: %v", err)
		}
		if got, _ = audit.LoadSettings(ctx, db); got != set {
			t.Errorf("a refused save wrote: %+v", got)
		}
		after, _ := audit.Run(ctx, src, got, "")
		count := func(r audit.Report, id string) int {
			for _, res := range r.Results {
				if res.ID == id {
					return len(res.Findings)
				}
			}
			return -1
		}
		if count(after, "C03") <= count(before, "C03") || after.Settings.ExerciseMonths != 1 {
			t.Errorf("C03 with a 1-month interval: %d findings, before %d", count(after, "C03"), count(before, "C03"))
		}
	})
}
