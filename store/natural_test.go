package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestNaturalKeysMigration: a database at schema 5 that concurrent imports
// left with two copies of an outage and of a budget line is upgraded: the
// copies are removed (each in the change log), revisions are numbered, and
// the keys then refuse a copy.
func TestNaturalKeysMigration(t *testing.T) {
	ctx := context.Background()
	all, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	loadMigrations = func() ([]migration, error) { return all[:5], nil }
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	loadMigrations = migrations
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO ci_type (key, name, is_service) VALUES ('business_service', 'Business service', 1)`,
		`INSERT INTO ci (ref, type_id, name, status, criticality, created_at, updated_at) VALUES ('CI-000001', 1, 'Payroll', 'in_service', 3, 'x', 'x')`,
		`INSERT INTO outage (service_id, starts_at, ends_at, description) VALUES (1, '2026-09-01T01:00:00Z', '2026-09-01T02:00:00Z', 'first')`,
		`INSERT INTO outage (service_id, starts_at, ends_at, description) VALUES (1, '2026-09-01T01:00:00Z', '2026-09-01T02:00:00Z', 'copy')`,
		`INSERT INTO fiscal_year (year) VALUES (2026)`,
		`INSERT INTO budget_line (fy_id, service_id, category, description) VALUES (1, 1, 'people', 'staff')`,
		`INSERT INTO budget_line (fy_id, service_id, category, description) VALUES (1, 1, 'people', 'staff')`,
		`INSERT INTO budget_line (fy_id, service_id, category, description, version) VALUES (1, 1, 'people', 'staff', 'revised')`,
		`INSERT INTO budget_line (fy_id, service_id, category, description, version) VALUES (1, 1, 'people', 'staff', 'revised')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer db.Close()
	count := func(q string) int {
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT count(*) FROM outage"); n != 1 {
		t.Errorf("%d outages after the upgrade", n)
	}
	if n := count("SELECT count(*) FROM budget_line WHERE version = 'original'"); n != 1 {
		t.Errorf("%d original lines after the upgrade", n)
	}
	if n := count("SELECT count(*) FROM budget_line WHERE version = 'revised' AND revision IN (1, 2)"); n != 2 {
		t.Errorf("revisions not numbered 1 and 2: %d", n)
	}
	if n := count("SELECT count(*) FROM change_log WHERE source = 'migration 6' AND field = 'deleted'"); n != 2 {
		t.Errorf("%d removals in the change log, want 2", n)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO outage (service_id, starts_at) VALUES (1, '2026-09-01T01:00:00Z')`); ErrorCode(MapError(err)) != EConflict {
		t.Errorf("a second outage at the same start: %v", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO budget_line (fy_id, service_id, category, description, version) VALUES (1, 1, 'people', 'staff', 'revised')`); err != nil {
		t.Errorf("a third revision: %v", err)
	}
	if n := count("SELECT max(revision) FROM budget_line"); n != 3 {
		t.Errorf("the third revision is numbered %d", n)
	}
}
