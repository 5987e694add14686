package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// CopyReport is what Copy copied and checked.
type CopyReport struct {
	Tables []TableCount // every table copied, in the order copied
	Rows   int          // all of them
}

// TableCount is one table's rows, counted in the source and the target.
type TableCount struct {
	Table          string
	Source, Target int
}

// notCopied are the tables that hold no records: SQLite's search tables
// (and their shadow tables) and the relation graph's snapshot are worked
// out again from the records; the schema version is each database's own.
func notCopied(table string) bool {
	return strings.HasPrefix(table, "ci_search") || strings.HasPrefix(table, "ci_grams") ||
		table == "relation_graph" || table == "servicebook_schema" || strings.HasPrefix(table, "sqlite_")
}

// Copy copies every record of from into to — a desktop's file to a server,
// or a server's database back into a file — in one transaction on to, and
// checks that every table holds as many rows as in from and that the
// change logs are the same, entry by entry. Both are at this build's
// schema (Open migrated them). A target that holds records is refused
// unless replace is set, when they are deleted first. The copy itself is
// one entry of the target's change log (source "migrate"), not an entry
// per record: the records keep their own history.
//
// What is worked out from the records is not copied: a file's search
// indexes are built when the CMDB next opens it, the relation graph's
// snapshot on first use.
func Copy(ctx context.Context, from, to *DB, replace bool) (CopyReport, error) {
	return copyRecords(ctx, from, to, replace, true)
}

// copyRecords is Copy; logged says whether the copy is an entry of the
// target's change log. A backup's is not: like a file's backup (VACUUM
// INTO), it holds the records and their log as they were, ending where
// the server's did, which is the position an off-site pack's manifest
// states.
func copyRecords(ctx context.Context, from, to *DB, replace, logged bool) (CopyReport, error) {
	var rep CopyReport
	order, err := to.tablesInOrder(ctx)
	if err != nil {
		return rep, err
	}
	sourceTables, err := from.tableNames(ctx)
	if err != nil {
		return rep, err
	}
	for _, t := range order {
		if !slices.Contains(sourceTables, t) {
			return rep, Errorf(EInvalid, "%s has no table %s that %s has; are both at schema %d?", from.Path, t, to.Path, SchemaVersion())
		}
	}
	err = to.BulkTx(ctx, func(tx *sql.Tx) error {
		// The counters the schema seeds and the built-in CI types every
		// opening adds are not records of the target's own.
		held := 0
		for _, t := range order {
			if t == "ref_counter" {
				continue
			}
			q := "SELECT count(*) FROM " + t
			if t == "ci_type" {
				q += " WHERE builtin = 0"
			}
			var n int
			if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return err
			}
			held += n
		}
		if held > 0 && !replace {
			return Errorf(EConflict, "%s already holds %d records; servicebook will not mix two databases. Copy into an empty one, or add --replace to delete them first.", to.Path, held)
		}
		// Children before parents when deleting, parents first when copying.
		for _, t := range slices.Backward(order) {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("emptying %s: %w", t, err)
			}
		}
		for _, t := range order {
			n, err := copyTable(ctx, from, tx, t, to.Dialect)
			if err != nil {
				return fmt.Errorf("copying %s: %w", t, err)
			}
			rep.Tables = append(rep.Tables, TableCount{Table: t, Source: n})
			rep.Rows += n
		}
		if to.Dialect == Postgres {
			// Ids were copied as they were: each identity continues after
			// the highest.
			for _, t := range order {
				var hasID bool
				if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence(?, 'id') IS NOT NULL
					FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id'`,
					t, t).Scan(&hasID); err != nil && err != sql.ErrNoRows {
					return err
				}
				if hasID {
					if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence(?, 'id'), coalesce((SELECT max(id) FROM "+t+"), 0) + 1, false)", t); err != nil {
						return err
					}
				}
			}
		}
		for i, t := range rep.Tables {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+t.Table).Scan(&rep.Tables[i].Target); err != nil {
				return err
			}
			if rep.Tables[i].Target != t.Source {
				return Errorf(EInvalid, "%s: %d rows copied, %d arrived; nothing was copied", t.Table, t.Source, rep.Tables[i].Target)
			}
		}
		if err := sameChangeLog(ctx, from, tx); err != nil {
			return err
		}
		if to.Dialect == SQLite {
			// The file's search indexes are built from the records the
			// next time the CMDB opens it (cmdb's fillGrams).
			if _, err := tx.ExecContext(ctx, "UPDATE ref_counter SET last = 0 WHERE name = 'grams_filled'"); err != nil {
				return err
			}
		}
		if !logged {
			return nil
		}
		log, err := to.NewChangeWriter(WithSource(ctx, "migrate"), tx)
		if err != nil {
			return err
		}
		defer log.Close()
		return log.Add(ctx, "database", 0, "copied", "", fmt.Sprintf("from %s: %d records", from.Path, rep.Rows))
	})
	if err == nil && to.Dialect == Postgres {
		// The server plans its queries from statistics that a bulk load
		// leaves empty until autovacuum comes by: searches on a copied
		// 100k CMDB took 50–90 ms (one a second) before, a few after.
		_, err = to.ExecContext(ctx, "ANALYZE")
	}
	return rep, MapError(err)
}

// copyTable copies table's rows from the source into tx, many rows to a
// statement, in id order where the table has ids.
func copyTable(ctx context.Context, from *DB, tx *sql.Tx, table string, to Dialect) (int, error) {
	cols, err := copiedColumns(ctx, from, tx, table, to)
	if err != nil {
		return 0, err
	}
	rows, err := from.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	// Under SQLite's 32,766 values a statement and PostgreSQL's 65,535;
	// each statement is a round trip to a server, and 4,096 values rather
	// than 900 copied the 100k CMDB there in 42-46 s rather than 51-67.
	insert := NewMultiInsert(tx, table, cols, max(1, 4096/len(cols)))
	defer insert.Close()
	var args []any
	pending, copied := 0, 0
	flush := func() error {
		err := insert.Exec(ctx, pending, args)
		copied += pending
		args, pending = args[:0], 0
		return err
	}
	for rows.Next() {
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range values {
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return copied, err
		}
		args = append(args, values...)
		if pending++; pending == insert.PerStmt() {
			if err := flush(); err != nil {
				return copied, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return copied, err
	}
	return copied, flush()
}

// copiedColumns are the columns of table that both sides have and that the
// target does not work out itself: a server's stored search text is its
// own (generated from the other columns), a file has none.
func copiedColumns(ctx context.Context, from *DB, tx *sql.Tx, table string, to Dialect) ([]string, error) {
	columns := func(q Querier) ([]string, error) {
		rows, err := q.QueryContext(ctx, "SELECT * FROM "+table+" LIMIT 0")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return rows.Columns()
	}
	source, err := columns(from)
	if err != nil {
		return nil, err
	}
	target, err := columns(tx)
	if err != nil {
		return nil, err
	}
	var generated []string
	if to == Postgres {
		generated, err = queryStrings(ctx, tx, `SELECT column_name::text FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'ALWAYS'`, table)
		if err != nil {
			return nil, err
		}
	}
	var out []string
	for _, c := range source {
		if slices.Contains(target, c) && !slices.Contains(generated, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// sameChangeLog compares the source's change log with what tx now holds,
// entry by entry in id order: the history is the evidence, and a copy
// that changed one word of it is no copy.
func sameChangeLog(ctx context.Context, from *DB, tx *sql.Tx) error {
	const q = "SELECT id, at, who, source, entity, entity_id, field, old_value, new_value FROM change_log ORDER BY id"
	a, err := from.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer b.Close()
	n := 0
	for a.Next() {
		if !b.Next() {
			return Errorf(EInvalid, "the change log arrived short: %d of its entries; nothing was copied", n)
		}
		var x, y Change
		var xAt, yAt string
		if err := a.Scan(&x.ID, &xAt, &x.Who, &x.Source, &x.Entity, &x.EntityID, &x.Field, &x.Old, &x.New); err != nil {
			return err
		}
		if err := b.Scan(&y.ID, &yAt, &y.Who, &y.Source, &y.Entity, &y.EntityID, &y.Field, &y.Old, &y.New); err != nil {
			return err
		}
		if x != y || xAt != yAt {
			return Errorf(EInvalid, "change-log entry %d differs after the copy; nothing was copied", x.ID)
		}
		n++
	}
	if b.Next() {
		return Errorf(EInvalid, "the change log arrived with more entries than it had; nothing was copied")
	}
	return a.Err()
}

// tableNames lists the database's tables that hold records.
func (db *DB) tableNames(ctx context.Context) ([]string, error) {
	q := "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
	if db.Dialect == Postgres {
		q = "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
	}
	names, err := queryStrings(ctx, db, q)
	return slices.DeleteFunc(names, notCopied), err
}

// tablesInOrder lists the tables that hold records, every table after
// those its foreign keys refer to.
func (db *DB) tablesInOrder(ctx context.Context) ([]string, error) {
	tables, err := db.tableNames(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := foreignKeys(ctx, db, db.Dialect)
	if err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	for _, k := range keys {
		if k.table != k.parent {
			parents[k.table] = append(parents[k.table], k.parent)
		}
	}
	var order []string
	placed := map[string]bool{}
	var place func(t string, depth int) error
	place = func(t string, depth int) error {
		if placed[t] {
			return nil
		}
		if depth > len(tables) {
			return fmt.Errorf("the foreign keys of %s go round in a circle", t)
		}
		for _, p := range parents[t] {
			if err := place(p, depth+1); err != nil {
				return err
			}
		}
		placed[t] = true
		order = append(order, t)
		return nil
	}
	for _, t := range tables {
		if err := place(t, 0); err != nil {
			return nil, err
		}
	}
	return order, nil
}
