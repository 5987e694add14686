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
	query := `SELECT m.name, p."from" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p
		WHERE m.type = 'table' AND p."table" = ? AND p.on_delete NOT IN ('CASCADE', 'SET NULL') ORDER BY m.name, p."from"`
	// A row's own name when no domain registered one: SQLite's rowid,
	// PostgreSQL's id (every referring table on a server has one, or is a
	// pair of references whose rows are named by DescribeReferrer).
	rowName := "rowid"
	if d == Postgres {
		query = `SELECT cl.relname::text, a.attname::text FROM pg_constraint c
			JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class ref ON ref.oid = c.confrelid
			JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
			WHERE c.contype = 'f' AND ref.relname = ? AND c.confdeltype NOT IN ('c', 'n')
			  AND cl.relnamespace = current_schema()::regnamespace
			ORDER BY 1, 2`
		rowName = "ctid"
	}
	rows, err := q.QueryContext(ctx, query, table)
	if err != nil {
		return nil, err
	}
	type ref struct{ table, column string }
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.table, &r.column); err != nil {
			rows.Close()
			return nil, err
		}
		refs = append(refs, r)
	}
	rows.Close()
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
