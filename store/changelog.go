package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Sources of a change, recorded in the change log. An import records the
// name of the file it read instead.
const (
	SourceGUI = "gui"
	SourceCLI = "cli"
)

type sourceKey struct{}

// WithSource returns a context that records source (gui, cli, or an import
// file's name) in every change-log entry written under it.
func WithSource(ctx context.Context, source string) context.Context {
	return context.WithValue(ctx, sourceKey{}, source)
}

// SourceFrom returns the source set by WithSource, or "cli".
func SourceFrom(ctx context.Context) string {
	if s, ok := ctx.Value(sourceKey{}).(string); ok && s != "" {
		return s
	}
	return SourceCLI
}

// Change is one entry of the change log: one field of one record.
type Change struct {
	ID       int64
	At       time.Time
	Who      string
	Source   string
	Entity   string
	EntityID int64
	Field    string
	Old      string
	New      string
}

// ChangeWriter appends entries to the change log inside a transaction, with
// one prepared statement, so that an import of 100k rows stays fast.
type ChangeWriter struct {
	tx     *sql.Tx
	stmt   *sql.Stmt
	many   *MultiInsert // AddAll's, made when first needed
	at     string
	who    string
	source string
}

// NewChangeWriter prepares a writer for tx. All its entries carry the same
// time, user and source: they are one action by one person.
func (db *DB) NewChangeWriter(ctx context.Context, tx *sql.Tx) (*ChangeWriter, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO change_log
		(at, who, source, entity, entity_id, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	return &ChangeWriter{
		tx:     tx,
		stmt:   stmt,
		at:     db.Now().UTC().Format(time.RFC3339),
		who:    db.User,
		source: SourceFrom(ctx),
	}, nil
}

// LoggedTx runs fn in one transaction with a change-log writer, so that a
// record's change and its audit entry are written together or not at all.
func (db *DB) LoggedTx(ctx context.Context, fn func(tx *sql.Tx, log *ChangeWriter) error) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		log, err := db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		return fn(tx, log)
	})
}

// errRehearsal rolls back a rehearsal's transaction.
var errRehearsal = errors.New("rehearsal")

// LoggedTxOrRehearse is LoggedTx for an import that can be a dry run: with
// rehearse set, fn does everything the real write does, in the same
// transaction, so that what it reports is exactly what would happen, and
// then the transaction is rolled back.
func (db *DB) LoggedTxOrRehearse(ctx context.Context, rehearse bool, fn func(tx *sql.Tx, log *ChangeWriter) error) error {
	// An import is a bulk write: on a server it holds the write lock alone.
	err := db.BulkTx(ctx, func(tx *sql.Tx) error {
		log, err := db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer log.Close()
		if err := fn(tx, log); err != nil {
			return err
		}
		if rehearse {
			return errRehearsal
		}
		return nil
	})
	if errors.Is(err, errRehearsal) {
		return nil
	}
	return err
}

// Querier is what reads and writes need of a database or a transaction, so
// that one reader serves both: a screen reads through the database, a
// write reads its own uncommitted state through its transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Add records that field of entity id changed from old to new.
func (w *ChangeWriter) Add(ctx context.Context, entity string, id int64, field, old, new string) error {
	_, err := w.stmt.ExecContext(ctx, w.at, w.who, w.source, entity, id, field, old, new)
	return err
}

// Entry is one change for AddAll: field of entity id changed from Old to New.
type Entry struct {
	Entity   string
	ID       int64
	Field    string
	Old, New string
}

// entriesPerInsert is how many entries one statement of AddAll writes (8
// values each, well under SQLite's limit of 32,766 per statement): an
// import's batch of 256 CIs in one statement, one round trip to a server.
const entriesPerInsert = 256

// AddAll records entries, many to a statement: an import of 100k CIs spent
// half a second more writing its log one statement per entry.
func (w *ChangeWriter) AddAll(ctx context.Context, entries []Entry) error {
	if w.many == nil {
		w.many = NewMultiInsert(w.tx, "change_log",
			[]string{"at", "who", "source", "entity", "entity_id", "field", "old_value", "new_value"}, entriesPerInsert)
	}
	args := make([]any, 0, 8*entriesPerInsert)
	for len(entries) > 0 {
		n := min(len(entries), entriesPerInsert)
		args = args[:0]
		for _, e := range entries[:n] {
			args = append(args, w.at, w.who, w.source, e.Entity, e.ID, e.Field, e.Old, e.New)
		}
		if err := w.many.Exec(ctx, n, args); err != nil {
			return err
		}
		entries = entries[n:]
	}
	return nil
}

// At is the timestamp the writer stamps on its entries, for records that
// should carry the same time as their log entries.
func (w *ChangeWriter) At() string { return w.at }

// Close releases the prepared statements.
func (w *ChangeWriter) Close() error {
	if w.many != nil {
		w.many.Close()
	}
	return w.stmt.Close()
}

// Changes returns the change log of one record, oldest first.
func (db *DB) Changes(ctx context.Context, entity string, id int64) ([]Change, error) {
	return db.queryChanges(ctx, `SELECT id, at, who, source, entity, entity_id, field, old_value, new_value
		FROM change_log WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, id)
}

// RecentChanges returns the newest limit entries of the whole log, newest first.
func (db *DB) RecentChanges(ctx context.Context, limit int) ([]Change, error) {
	return db.queryChanges(ctx, `SELECT id, at, who, source, entity, entity_id, field, old_value, new_value
		FROM change_log ORDER BY id DESC LIMIT ?`, limit)
}

func (db *DB) queryChanges(ctx context.Context, query string, args ...any) ([]Change, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at string
		if err := rows.Scan(&c.ID, &at, &c.Who, &c.Source, &c.Entity, &c.EntityID, &c.Field, &c.Old, &c.New); err != nil {
			return nil, err
		}
		c.At, _ = time.Parse(time.RFC3339, at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ChangeLogPosition is the id of the newest change-log entry (0 for an
// empty log): printed in exports, so that two exports with the same
// position are known to hold the same records.
func (db *DB) ChangeLogPosition(ctx context.Context) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM change_log").Scan(&id)
	return id, err
}
