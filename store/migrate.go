package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in order. Files are named
// NNNN_description.sql; NNNN is the user_version the file brings the
// database to, so the numbering must have no gaps.
func migrations() ([]migration, error) { return readMigrations(migrationFiles, "migrations", 1) }

// readMigrations reads the migrations in dir of fsys, in order, numbered
// from first without gaps.
func readMigrations(fsys fs.ReadFileFS, dir string, first int) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := strings.TrimPrefix(path.Join(dir, e.Name()), "migrations/")
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		body, err := fsys.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != first+i {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, first+i)
		}
	}
	return out, nil
}

// SchemaVersion is the user_version this build of servicebook writes.
func SchemaVersion() int { return len(must(loadMigrations())) }

// loadMigrations is a variable so that tests can add a migration and watch
// an existing database being upgraded.
var loadMigrations = migrations

// inspect reads the header fields that decide whether the file is ours,
// through a read-only connection without pragmas: opening in WAL mode would
// already rewrite the header of somebody else's file.
func inspect(ctx context.Context, abs string) (appID, version, tables int64, err error) {
	appID, version, tables, err = inspectAs(ctx, abs, "ro")
	if err != nil && hotJournal(abs, err) {
		// A process killed inside a write left a hot journal: the file is
		// as it was before that write only once the journal is rolled
		// back, which a read-only connection may not do. Any SQLite
		// connection that may write rolls it back on its first read; the
		// header is not otherwise touched.
		appID, version, tables, err = inspectAs(ctx, abs, "rw")
	}
	return
}

// hotJournal reports whether err is SQLite refusing a read-only open
// because of a rollback journal left by a killed writer.
func hotJournal(abs string, err error) bool {
	if _, statErr := os.Stat(abs + "-journal"); statErr != nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "(776)") || strings.Contains(msg, "READONLY_ROLLBACK") || strings.Contains(msg, "readonly database")
}

func inspectAs(ctx context.Context, abs, mode string) (appID, version, tables int64, err error) {
	// A file another servicebook is writing is locked for a moment, not
	// foreign: wait for it as every other connection does.
	u := url.URL{Scheme: "file", Path: abs, RawQuery: "mode=" + mode + "&_pragma=busy_timeout(" + busyTimeoutMS + ")"}
	ro, err := sql.Open("sqlite", u.String())
	if err != nil {
		return 0, 0, 0, err
	}
	defer ro.Close()
	if err = ro.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return
	}
	if err = ro.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return
	}
	err = ro.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables)
	return
}

// checkOwnership refuses files that servicebook must not touch.
func checkOwnership(ctx context.Context, abs string) error {
	appID, version, tables, err := inspect(ctx, abs)
	if err != nil && isBusy(err) {
		return busyError(abs)
	}
	if err != nil {
		return Errorf(EInvalid, "%s is not a servicebook database: %v.", abs, sqliteReason(err))
	}
	known := len(must(loadMigrations()))
	switch {
	case appID == 0 && tables > 0:
		return Errorf(EInvalid, "%s is an SQLite database of another program; servicebook will not change it.", abs)
	case appID != 0 && appID != ApplicationID:
		return Errorf(EInvalid, "%s belongs to another program (application id %#x); servicebook will not change it.", abs, appID)
	case int(version) > known:
		return Errorf(EInvalid, "%s was written by a newer servicebook (schema %d, this program knows up to %d); please update servicebook.", abs, version, known)
	}
	return nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // the embedded migrations are part of the binary; a bad name is a build error
	}
	return v
}

func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	var version int64
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return Errorf(EInvalid, "%s is not a servicebook database: %v.", db.Path, sqliteReason(err))
	}
	if int(version) == len(ms) {
		return nil
	}
	if version > 0 {
		backup := fmt.Sprintf("%s.before-schema-%d-%s.bak", db.Path, len(ms), db.Now().UTC().Format("20060102T150405Z"))
		if err := db.Backup(ctx, backup); err != nil {
			return fmt.Errorf("backup before migration: %w", err)
		}
		db.BackupPath = backup
	}
	for _, m := range ms[version:] {
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			// Both pragmas take effect with the transaction's commit, so a failed
			// migration leaves the version, and the schema, as they were.
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", ApplicationID))
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// sqliteReason shortens the driver's message for a file that is not a
// database to the words a person can act on.
// busyTimeoutMS is how long a connection waits for another's write to end
// before it gives up, in milliseconds.
const busyTimeoutMS = "10000"

// isBusy reports whether err is SQLite saying another connection holds
// the lock it needs, or a server saying a lock was not free within
// lock_timeout (SQLSTATE 55P03: the same ten seconds, pgdriver.go).
func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_LOCKED") ||
		strings.Contains(msg, "SQLSTATE 55P03")
}

// busyError says, in words, that another servicebook is writing the file.
func busyError(path string) error {
	return Errorf(EConflict, "%s is busy: another servicebook has been writing to it (an import, perhaps) for more than %s s. Try again when it has finished.",
		path, strings.TrimSuffix(busyTimeoutMS, "000"))
}

// isDiskFull: SQLite (SQLITE_FULL) or the system (ENOSPC) ran out of room.
func isDiskFull(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "SQLITE_FULL") || strings.Contains(msg, "no space left on device")
}

func sqliteReason(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "file is not a database") || strings.Contains(msg, "SQLITE_NOTADB") {
		return "the file is not an SQLite database"
	}
	if isDiskFull(err) {
		return "the disk is full"
	}
	return msg
}
