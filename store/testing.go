package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// MustOpen opens a fresh database file under tb.TempDir() for a test or
// benchmark and closes it when the test ends. Its clock is fixed so that
// change-log times are predictable.
func MustOpen(tb testing.TB) *DB {
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
