package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Dialect is the kind of database a DB talks to.
type Dialect int

const (
	// SQLite: one local file, the default.
	SQLite Dialect = iota
	// Postgres: a shared PostgreSQL server (team mode).
	Postgres
)

//go:embed migrations/postgres/*.sql
var serverMigrationFiles embed.FS

// serverBaseline is the schema version a server database starts at: its
// first migration creates the whole schema of that version (see
// migrations/postgres/0020_baseline.sql for why).
const serverBaseline = 20

// serverMigrations returns the PostgreSQL migrations in order, numbered
// from serverBaseline without gaps, up to the same number as SQLite's.
func serverMigrations() ([]migration, error) {
	return readMigrations(serverMigrationFiles, "migrations/postgres", serverBaseline)
}

// ShownURL is a server URL as it may be shown and kept: scheme, user,
// host, port, database and service, never a password (in the URL or its
// query) nor any other parameter.
func ShownURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://(an address that cannot be read)"
	}
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	if u.User != nil && u.User.Username() != "" {
		shown.User = url.User(u.User.Username())
	}
	// A service named in the address (PGSERVICEFILE) is where the server
	// is: shown, as nothing secret is in its name.
	if service := u.Query().Get("service"); service != "" {
		shown.RawQuery = url.Values{"service": {service}}.Encode()
	}
	return shown.String()
}

// openServer opens the servicebook database on a PostgreSQL server and
// brings its schema up to date. The change log records the server role
// the person signed in as, not the desktop's user name.
func openServer(ctx context.Context, raw string) (*DB, error) {
	shown := ShownURL(raw)
	sqldb, err := sql.Open(PostgresDriver, raw)
	if err != nil {
		return nil, Errorf(EInvalid, "The server address %s cannot be used: %v", shown, err)
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, serverError(shown, err)
	}
	db := &DB{DB: sqldb, Path: shown, Now: time.Now, Dialect: Postgres, dsn: raw}
	if err := db.QueryRowContext(ctx, "SELECT current_user").Scan(&db.User); err != nil {
		sqldb.Close()
		return nil, serverError(shown, err)
	}
	if err := db.migrateServer(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// schemaLock is the advisory lock that lets one desktop at a time bring a
// server database's schema up to date ("SBK1").
const schemaLock = 0x53424b31

// migrateServer brings a server database to this build's schema in one
// transaction (PostgreSQL's DDL is transactional: a failed migration
// leaves the schema as it was), holding an advisory lock so that two
// desktops opening a new database at once do not both create it.
func (db *DB) migrateServer(ctx context.Context) error {
	ms, err := serverMigrations()
	if err != nil {
		return err
	}
	known := SchemaVersion()
	if ms[len(ms)-1].version != known {
		return fmt.Errorf("the server migrations reach version %d, the file migrations %d", ms[len(ms)-1].version, known)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return serverError(db.Path, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", schemaLock); err != nil {
		return serverError(db.Path, err)
	}
	var version int
	var ours bool
	if err := tx.QueryRowContext(ctx, "SELECT to_regclass('servicebook_schema') IS NOT NULL").Scan(&ours); err != nil {
		return serverError(db.Path, err)
	}
	if ours {
		if err := tx.QueryRowContext(ctx, "SELECT version FROM servicebook_schema").Scan(&version); err != nil {
			return serverError(db.Path, err)
		}
	} else {
		// No servicebook here yet: only an empty database becomes one.
		var tables int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema()`).Scan(&tables); err != nil {
			return serverError(db.Path, err)
		}
		if tables > 0 {
			return Errorf(EInvalid, "The database %s holds %d tables of another program; servicebook will not change it. Give servicebook an empty database of its own.", db.Path, tables)
		}
		if _, err := tx.ExecContext(ctx, "CREATE TABLE servicebook_schema (version BIGINT NOT NULL)"); err != nil {
			return serverError(db.Path, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO servicebook_schema (version) VALUES (0)"); err != nil {
			return serverError(db.Path, err)
		}
	}
	if version > known {
		return Errorf(EInvalid, "%s was written by a newer servicebook (schema %d, this program knows up to %d); please update servicebook.", db.Path, version, known)
	}
	if version == known {
		return tx.Commit()
	}
	for _, m := range ms {
		if m.version <= version {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE servicebook_schema SET version = ?", known); err != nil {
		return serverError(db.Path, err)
	}
	return tx.Commit()
}

// serverError says in plain words why the server did not answer as
// expected, naming the server (never with its password).
func serverError(shown string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"), strings.Contains(msg, "i/o timeout"):
		return Errorf(EInvalid, "Cannot reach the server %s: %s. Check the address and that the server is running.", shown, lastReason(msg))
	case strings.Contains(msg, "SQLSTATE 28P01"), strings.Contains(msg, "SQLSTATE 28000"):
		return Errorf(EInvalid, "The server %s did not accept the sign-in: %s.", shown, lastReason(msg))
	case strings.Contains(msg, "SQLSTATE 42501"):
		return Errorf(EInvalid, "Your sign-in may not do this on %s (%s); the database's owner prepares it with servicebook server init.", shown, lastReason(msg))
	case strings.Contains(msg, "x509:"), strings.Contains(msg, "tls:"), strings.Contains(msg, "certificate"):
		return Errorf(EInvalid, "The server %s could not be trusted (%s): the address asks for its certificate to be checked (sslmode=verify-full); name the CA certificate that signed it with sslrootcert=FILE, from the server's administrator.", shown, lastReason(msg))
	case strings.Contains(msg, "server refused TLS"):
		return Errorf(EInvalid, "The server %s does not offer TLS, which the address asks for (sslmode); ask its administrator to turn ssl on.", shown)
	case strings.Contains(msg, "SQLSTATE 3D000"):
		return Errorf(ENotFound, "There is no database %s on the server; ask its administrator to create it (servicebook creates the tables itself).", shown)
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	return Errorf(EInvalid, "%s: %s", shown, lastReason(msg))
}

// lastReason is the driver's message without the layers of context before
// its last colon-separated part that a person can act on.
func lastReason(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		msg = msg[i+2:]
	}
	// The SQLSTATE code is for a program, not a person.
	if i := strings.LastIndex(msg, " (SQLSTATE "); i > 0 && strings.HasSuffix(msg, ")") {
		msg = msg[:i]
	}
	return msg
}

// InsertID runs an INSERT and returns the id of the row it made. The
// statement gets "RETURNING id", which both dialects read (PostgreSQL's
// driver has no LastInsertId).
func InsertID(ctx context.Context, q Querier, insert string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, insert+" RETURNING id", args...).Scan(&id)
	return id, err
}

// InIDs is the condition that a column is one of the ids listed in a JSON
// array bound as its one parameter ("[3,5,8]"), in the dialect's words:
// one statement for any number of ids.
func (d Dialect) InIDs() string {
	if d == Postgres {
		return "IN (SELECT value::bigint FROM json_array_elements_text(?::json) AS value)"
	}
	return "IN (SELECT value FROM json_each(?))"
}

// IDsTable is InIDs as a table named ids, whose column value holds the ids,
// to join from: the database then looks each id up in the order listed
// (ascending, as idList gives them, so reads move forward through the
// table), where IN first collects the list into a temporary index.
func (d Dialect) IDsTable() string {
	if d == Postgres {
		return "(SELECT value::bigint AS value FROM json_array_elements_text(?::json) AS value) AS ids"
	}
	return "json_each(?) AS ids"
}

// NewIDs takes n row numbers for table's id column inside tx, for a
// statement that inserts many rows with their ids given: SQLite numbers
// from the highest so far (the transaction holds the write lock);
// PostgreSQL takes them from the column's sequence, which other writers
// share.
func (d Dialect) NewIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if d != Postgres {
		var last int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+table).Scan(&last); err != nil {
			return nil, err
		}
		for i := range n {
			ids = append(ids, last+1+int64(i))
		}
		return ids, nil
	}
	// The sequence is looked up once (OFFSET 0 keeps the subquery from
	// being folded into the outer one): looked up per row, the catalog
	// took 0.7 s of the ids of 100k CIs, the ids themselves 0.08 s.
	rows, err := tx.QueryContext(ctx, `SELECT nextval(seq) FROM
		(SELECT pg_get_serial_sequence(?, 'id')::regclass AS seq OFFSET 0) AS s, generate_series(1, ?)`, table, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Insert runs an INSERT (or an upsert) of one row and returns its result,
// whose LastInsertId is the id of the row written on either dialect: the
// statement gets "RETURNING id" (PostgreSQL's driver has no LastInsertId;
// SQLite's would give a stale id for an upsert that updated).
func Insert(ctx context.Context, q Querier, insert string, args ...any) (sql.Result, error) {
	id, err := InsertID(ctx, q, insert, args...)
	if err != nil {
		return nil, err
	}
	return insertResult(id), nil
}

type insertResult int64

func (r insertResult) LastInsertId() (int64, error) { return int64(r), nil }
func (r insertResult) RowsAffected() (int64, error) { return 1, nil }
