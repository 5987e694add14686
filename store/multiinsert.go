package store

import (
	"context"
	"database/sql"
	"strings"
)

// MultiInsert inserts rows into one table many to a statement: SQLite and
// PostgreSQL both take a VALUES list, and one statement per row cost a
// bulk write most of its time in statement set-up. The statement for a
// full batch is prepared once, when first needed; a shorter batch is run
// as it is.
type MultiInsert struct {
	tx      *sql.Tx
	head    string // INSERT INTO t (a, b) VALUES
	row     string // (?, ?)
	perStmt int
	full    *sql.Stmt
}

// NewMultiInsert prepares to insert into table's columns in tx, perStmt
// rows to a statement.
func NewMultiInsert(tx *sql.Tx, table string, columns []string, perStmt int) *MultiInsert {
	return &MultiInsert{tx: tx, perStmt: perStmt,
		head: "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ",
		row:  "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"}
}

// PerStmt is how many rows one Exec may write.
func (m *MultiInsert) PerStmt() int { return m.perStmt }

// Exec writes n rows (at most PerStmt), whose values are args, row after
// row.
func (m *MultiInsert) Exec(ctx context.Context, n int, args []any) error {
	if n == 0 {
		return nil
	}
	var err error
	switch {
	case n < m.perStmt:
		_, err = m.tx.ExecContext(ctx, m.values(n), args...)
	case m.full == nil:
		if m.full, err = m.tx.PrepareContext(ctx, m.values(n)); err == nil {
			_, err = m.full.ExecContext(ctx, args...)
		}
	default:
		_, err = m.full.ExecContext(ctx, args...)
	}
	return err
}

func (m *MultiInsert) values(n int) string {
	return m.head + strings.TrimSuffix(strings.Repeat(m.row+", ", n), ", ")
}

// Close releases the prepared statement.
func (m *MultiInsert) Close() {
	if m.full != nil {
		m.full.Close()
	}
}
