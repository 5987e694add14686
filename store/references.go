package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// referrerLabels maps a table to the SQL expression that names one of its
// rows for a person ("plan SM-02002"). Each domain registers its own tables,
// so that a refusal to delete can name what still refers to a record
// without the deleting domain knowing the others' tables.
var referrerLabels sync.Map

// DescribeReferrer registers how rows of table are named in a refusal,
// as an SQL expression over its columns.
func DescribeReferrer(table, labelSQL string) { referrerLabels.Store(table, labelSQL) }

// References lists, named for a person, the records that refer to row id
// of table through a foreign key: one line per referring column, with the
// first few named and the number of rows. The schema says which tables refer; the domains say how to name
// their rows (DescribeReferrer), else the table and row number is used.
func References(ctx context.Context, q Querier, d Dialect, table string, id int64, skip ...string) ([]string, error) {
	// A row's own name when no domain registered one: SQLite's rowid,
	// PostgreSQL's ctid (every referring table on a server has an id, or
	// is a pair of references whose rows are named by DescribeReferrer).
	rowName := "rowid"
	if d == Postgres {
		rowName = "ctid"
	}
	keys, err := foreignKeys(ctx, q, d)
	if err != nil {
		return nil, err
	}
	var refs []foreignKey
	for _, k := range keys {
		if k.parent == table && !k.cascades {
			refs = append(refs, k)
		}
	}
	skipped := map[string]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	var out []string
	for _, r := range refs {
		if skipped[r.table] {
			continue
		}
		label := fmt.Sprintf("'%s ' || %s", strings.ReplaceAll(r.table, "_", " "), rowName)
		if l, ok := referrerLabels.Load(r.table); ok {
			label = l.(string)
		}
		var n int
		if err := q.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM "%s" WHERE "%s" = ?`, r.table, r.column), id).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		names, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT %s FROM "%s" WHERE "%s" = ? LIMIT 4`, label, r.table, r.column), id)
		if err != nil {
			return nil, err
		}
		var list []string
		for names.Next() {
			var name string
			if err := names.Scan(&name); err != nil {
				names.Close()
				return nil, err
			}
			list = append(list, name)
		}
		names.Close()
		if len(list) == 4 {
			list[3] = "…"
		}
		text := strings.Join(list, ", ")
		if n > 1 {
			text = fmt.Sprintf("%d rows of %s (%s)", n, strings.ReplaceAll(r.table, "_", " "), text)
		}
		out = append(out, text)
	}
	return out, nil
}

// foreignKey is one column that refers to a row of parent; cascades when
// deleting that row deletes or clears the reference.
type foreignKey struct {
	table, column, parent string
	cascades              bool
}

// foreignKeys lists the schema's foreign keys, in table and column order,
// from SQLite's pragma or PostgreSQL's catalogue.
func foreignKeys(ctx context.Context, q Querier, d Dialect) ([]foreignKey, error) {
	query := `SELECT m.name, p."from", p."table", p.on_delete IN ('CASCADE', 'SET NULL')
		FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
		WHERE m.type = 'table' ORDER BY m.name, p."from"`
	if d == Postgres {
		query = `SELECT cl.relname::text, a.attname::text, ref.relname::text, c.confdeltype IN ('c', 'n')
			FROM pg_constraint c
			JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class ref ON ref.oid = c.confrelid
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			WHERE c.contype = 'f' AND cl.relnamespace = current_schema()::regnamespace
			ORDER BY 1, 2`
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []foreignKey
	for rows.Next() {
		var k foreignKey
		if err := rows.Scan(&k.table, &k.column, &k.parent, &k.cascades); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
