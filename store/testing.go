package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"servicebook/internal/pgtest"
)

// TestBackend names the backend MustOpen gives tests: "postgres" runs a
// package's every store test on the test PostgreSQL server
// (scripts/test.sh runs the domain packages so a second time); anything
// else, a file.
const TestBackend = "SERVICEBOOK_TEST_BACKEND"

// MustOpen opens a fresh database for a test or benchmark and closes it
// when the test ends: a file under tb.TempDir(), or a database on the test
// PostgreSQL server when SERVICEBOOK_TEST_BACKEND=postgres (the package's
// TestMain must then call pgtest.Run). Its clock is fixed so that
// change-log times are predictable. A test of what only a file does
// (its path, check, restore, a full disk) uses MustOpenFile.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	if os.Getenv(TestBackend) == "postgres" {
		return MustOpenServer(tb)
	}
	return MustOpenFile(tb)
}

// MustOpenFile is MustOpen on a database file, whatever the backend.
func MustOpenFile(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	db.Now = func() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }
	db.User = "tester"
	tb.Cleanup(func() { db.Close() })
	return db
}

// HoldWriteLock takes the write lock of the database file at path from a
// connection of its own, as another servicebook's import would, and lets
// it go after d; the returned channel closes then.
func HoldWriteLock(tb testing.TB, path string, d time.Duration) <-chan struct{} {
	tb.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { other.Close() })
	tx, err := other.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO change_log (at, who, source, entity, entity_id, field) VALUES ('x', 'other', 'import.xlsx', 'ci', 0, 'lock')"); err != nil {
		tb.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(d)
		tx.Commit()
		close(released)
	}()
	return released
}

// MustInitServer makes a new database on the test PostgreSQL server
// servicebook's, with its roles and rights (ServerInit), and returns it
// opened as its owner, closed when tb ends, and its URL: for tests that
// sign in as the roles.
func MustInitServer(tb testing.TB) (admin *DB, dsn string) {
	tb.Helper()
	dsn = pgtest.NewDatabase(tb)
	admin, err := Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin.Close() })
	if err := admin.ServerInit(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return admin, dsn
}

// EachBackend runs fn as two subtests, on a new database file ("sqlite")
// and on a new database on the test PostgreSQL server ("postgres"), each
// with the same clock and user as MustOpen's: a store test written once
// runs on both. The package's TestMain must call pgtest.Run.
func EachBackend(t *testing.T, fn func(t *testing.T, db *DB)) {
	if os.Getenv(TestBackend) != "postgres" { // that run has had the file
		t.Run("sqlite", func(t *testing.T) { fn(t, MustOpenFile(t)) })
	}
	t.Run("postgres", func(t *testing.T) { fn(t, MustOpenServer(t)) })
}

// MustOpenServer opens a new, migrated database on the test PostgreSQL
// server, closed when tb ends, with MustOpen's clock and user.
func MustOpenServer(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), pgtest.NewDatabase(tb))
	if err != nil {
		tb.Fatalf("open test server database: %v", err)
	}
	db.Now = func() time.Time { return time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC) }
	db.User = "tester"
	tb.Cleanup(func() { db.Close() })
	return db
}
