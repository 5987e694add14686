package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT ? + ?", "SELECT $1 + $2"},
		{"SELECT '?', ? -- why?\n, ?", "SELECT '?', $1 -- why?\n, $2"},
		{`SELECT "a?b" FROM t WHERE x = ? /* ? */ AND y = 'it''s ?' AND z = ?`,
			`SELECT "a?b" FROM t WHERE x = $1 /* ? */ AND y = 'it''s ?' AND z = $2`},
		{"SELECT $$ ? $$, $tag$ ?' $tag$, ?", "SELECT $$ ? $$, $tag$ ?' $tag$, $1"},
		{"SELECT 'unclosed ?", "SELECT 'unclosed ?"},
		{"INSERT INTO t VALUES (?, ?), (?, ?)", "INSERT INTO t VALUES ($1, $2), ($3, $4)"},
	} {
		if got := store.Rebind(c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPostgresDriver runs statements written with SQLite's "?" on a real
// PostgreSQL server through the rebinding driver: plain, prepared, in a
// transaction, with a "?" inside a literal that must stay text.
func TestPostgresDriver(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	if !store.IsPostgres(dsn) {
		t.Fatalf("%s is not recognised as a server URL", dsn)
	}
	db, err := sql.Open(store.PostgresDriver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE note (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body TEXT NOT NULL, n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO note (body, n) VALUES (?, ?) RETURNING id")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, body := range []string{"第一条", "why?", "三"} {
		var id int64
		if err := stmt.QueryRowContext(ctx, body, i).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var body string
	var count int
	if err := db.QueryRowContext(ctx, "SELECT body, (SELECT count(*) FROM note WHERE body <> '?') FROM note WHERE id = ? AND n = ?",
		ids[1], 1).Scan(&body, &count); err != nil || body != "why?" || count != 3 {
		t.Errorf("read back %q, %d (%v)", body, count, err)
	}
	if store.IsPostgres("/home/me/servicebook.db") || !store.IsPostgres("PostgreSQL://h/db") {
		t.Error("IsPostgres mistakes a file for a server or the other way round")
	}
}
