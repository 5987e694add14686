package store

import (
	"context"
	"fmt"
	"strings"
)

// The three application roles of team mode, as PostgreSQL group roles
// (NOLOGIN). A person signs in as a login role of their own that is a
// member of one of them; the server enforces what each may do, so that a
// viewer cannot change anything even with a SQL tool of their own:
//   - viewer: reads every table (and so exports and prints);
//   - editor: also inserts, updates and deletes records, and appends to the
//     change log, which no one but the database's owner may change;
//   - approver: also approves plans, capacity plans and budget lines (the
//     approval guard in the schema refuses it to everyone else).
//
// Each role is a member of the one before, so an approver reads and edits.
const (
	ViewerRole   = "servicebook_viewer"
	EditorRole   = "servicebook_editor"
	ApproverRole = "servicebook_approver"
)

// ServerInitSQL is what `servicebook server init` runs (or prints) on a
// server database, as its owner: the three roles, made if missing (they
// belong to the whole server, so several servicebook databases share
// them), and their privileges on this database's schema. It is safe to run
// again, after a migration added tables for instance.
func ServerInitSQL(database, schema string) string {
	db, sc := quoteIdent(database), quoteIdent(schema)
	var b strings.Builder
	fmt.Fprintf(&b, "-- servicebook: roles and privileges for database %s, schema %s.\n", database, schema)
	for _, r := range []struct{ name, member string }{{ViewerRole, ""}, {EditorRole, ViewerRole}, {ApproverRole, EditorRole}} {
		in := ""
		if r.member != "" {
			in = " IN ROLE " + r.member
		}
		fmt.Fprintf(&b, "DO $$ BEGIN CREATE ROLE %s NOLOGIN%s; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n", r.name, in)
	}
	fmt.Fprintf(&b, `GRANT CONNECT ON DATABASE %[1]s TO %[3]s;
GRANT USAGE ON SCHEMA %[2]s TO %[3]s;
GRANT SELECT ON ALL TABLES IN SCHEMA %[2]s TO %[3]s;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %[2]s TO %[4]s;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %[2]s TO %[4]s;
-- The change log is evidence: editors add to it, never change or remove.
REVOKE UPDATE, DELETE ON %[2]s.change_log FROM %[4]s;
-- Only the owner migrates the schema.
REVOKE INSERT, UPDATE, DELETE ON %[2]s.servicebook_schema FROM %[4]s;
-- Tables a later servicebook's migration makes get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA %[2]s GRANT SELECT ON TABLES TO %[3]s;
ALTER DEFAULT PRIVILEGES IN SCHEMA %[2]s GRANT INSERT, UPDATE, DELETE ON TABLES TO %[4]s;
ALTER DEFAULT PRIVILEGES IN SCHEMA %[2]s GRANT USAGE, SELECT ON SEQUENCES TO %[4]s;
`, db, sc, ViewerRole, EditorRole)
	return b.String()
}

// ServerInit runs ServerInitSQL on db's database and schema. It must run
// as a role that may create roles and owns the tables (the administrator).
func (db *DB) ServerInit(ctx context.Context) error {
	if db.Dialect != Postgres {
		return Errorf(EInvalid, "%s is a database file: roles are for a database on a PostgreSQL server (--db postgres://…).", db.Path)
	}
	var database, schema string
	if err := db.QueryRowContext(ctx, "SELECT current_database(), current_schema()").Scan(&database, &schema); err != nil {
		return serverError(db.Path, err)
	}
	if _, err := db.ExecContext(ctx, ServerInitSQL(database, schema)); err != nil {
		return serverError(db.Path, err)
	}
	return nil
}

// quoteIdent quotes a name for PostgreSQL.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
