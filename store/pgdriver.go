package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgresDriver is the database/sql driver name under which servicebook
// talks to a PostgreSQL server (team mode): pgx's own driver, with every
// statement's "?" placeholders written as PostgreSQL's "$1", "$2", …
//
// Every statement in servicebook is written once, with SQLite's "?". The
// alternatives were a copy of each statement per dialect (hundreds of
// them, drifting apart) or a query builder (a dependency in every
// package); rewriting the placeholders where the statement reaches the
// server keeps one text per statement and costs a scan of it (Rebind).
const PostgresDriver = "servicebook-pgx"

func init() {
	sql.Register(PostgresDriver, rebindingDriver{stdlib.GetDefaultDriver().(driver.DriverContext)})
}

// Rebind returns query with each "?" placeholder numbered for PostgreSQL
// ("$1", "$2", … in order). A "?" inside a string literal ('…'), a quoted
// identifier ("…"), a dollar-quoted string ($tag$…$tag$) or a comment is
// text, not a placeholder, and is left alone. PostgreSQL's own operators
// that contain "?" (jsonb's ?, ?| and ?&) are not used by servicebook; they
// would be numbered like any placeholder.
func Rebind(query string) string {
	return replacePlaceholders(query, func(b *strings.Builder, n int, _ string) {
		// "$1" right after "$" or a word character would read as a
		// dollar quote or part of a name; such text is no valid SQL with
		// "?" either, but it must not change meaning silently.
		if s := b.String(); s != "" && (s[len(s)-1] == '$' || isWordByte(s[len(s)-1])) {
			b.WriteByte(' ')
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	})
}

// replacePlaceholders is query with each placeholder replaced by what
// write writes, given its number and its text (Rebind; the fuzz test
// writes the text back). A "?" is numbered after the ones before it;
// SQLite's "?NNN" is number NNN (graphsnapshot.go binds one value twice).
func replacePlaceholders(query string, write func(b *strings.Builder, n int, text string)) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			// Digits after "?" always number it, even "?0" or a number too
			// big (no valid parameter: the server says so), so that a
			// placeholder never runs into the digits after it.
			if j > i+1 {
				number, err := strconv.Atoi(query[i+1 : j])
				if err != nil {
					number = math.MaxInt
				}
				write(&b, number, query[i:j])
			} else {
				j = i + 1
				n++
				write(&b, n, "?")
			}
			i = j
		case c == '\'' || c == '"':
			end := closing(query, i+1, c)
			b.WriteString(query[i:end])
			i = end
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				end = len(query) - i - 2
			} else {
				end += 2
			}
			b.WriteString(query[i : i+2+end])
			i += 2 + end
		case c == '$':
			if tag, ok := dollarTag(query[i:]); ok {
				end := strings.Index(query[i+len(tag):], tag)
				if end < 0 {
					end = len(query) - i - len(tag)
				} else {
					end += len(tag)
				}
				b.WriteString(query[i : i+len(tag)+end])
				i += len(tag) + end
				continue
			}
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// closing is the index just past the quote that closes a literal or
// identifier opened before start with quote; a doubled quote is an escaped
// one. An unclosed literal runs to the end of the query.
func closing(query string, start int, quote byte) int {
	for i := start; i < len(query); i++ {
		if query[i] != quote {
			continue
		}
		if i+1 < len(query) && query[i+1] == quote {
			i++
			continue
		}
		return i + 1
	}
	return len(query)
}

// dollarTag reports whether s starts with a dollar-quote tag ("$$" or
// "$name$"), and returns it. "$1" is a parameter, not a tag.
func dollarTag(s string) (string, bool) {
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			return s[:i+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && i > 1:
		default:
			return "", false
		}
	}
	return "", false
}

// rebindingDriver is pgx's driver with Rebind applied to every statement.
type rebindingDriver struct{ pgx driver.DriverContext }

func (d rebindingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.pgx.(driver.Driver).Open(name)
	if err != nil {
		return nil, err
	}
	return rebindingConn{c.(pgxConn)}, nil
}

func (d rebindingDriver) OpenConnector(name string) (driver.Connector, error) {
	config, err := pgx.ParseConfig(name)
	if err != nil {
		return nil, err
	}
	// Each statement is planned for its own values. pgx keeps statements
	// prepared, and after five runs the server may switch a prepared
	// statement to one generic plan for every value: a search's pattern
	// decides whether the trigram index or a scan is quicker, and the
	// generic plan took 212 ms for a word a custom plan finds in 52 (and
	// 140 ms for a reference it finds in 3). Planning again costs 0.1-2 ms.
	// A plan_cache_mode given in the address is kept.
	if _, set := config.RuntimeParams["plan_cache_mode"]; !set {
		config.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	// A save waits for another desktop's import (which holds the write
	// lock alone) as long as it would for another process on a file, then
	// the person is told in plain words (isBusy) rather than the window
	// waiting without end.
	if _, set := config.RuntimeParams["lock_timeout"]; !set {
		config.RuntimeParams["lock_timeout"] = busyTimeoutMS
	}
	return rebindingConnector{stdlib.GetConnector(*config), d}, nil
}

type rebindingConnector struct {
	driver.Connector
	d rebindingDriver
}

func (c rebindingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindingConn{conn.(pgxConn)}, nil
}

func (c rebindingConnector) Driver() driver.Driver { return c.d }

// pgxConn is what pgx's connections implement and rebindingConn passes on.
type pgxConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.NamedValueChecker
}

type rebindingConn struct{ pgxConn }

// CheckNamedValue passes a Go bool as 0 or 1: servicebook's yes/no
// columns are integers in both dialects (SQLite has no boolean type), and
// pgx will not write a bool into a bigint.
func (c rebindingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = int64(0)
		if b {
			nv.Value = int64(1)
		}
		return nil
	}
	return c.pgxConn.CheckNamedValue(nv)
}

func (c rebindingConn) Prepare(query string) (driver.Stmt, error) {
	return c.pgxConn.Prepare(Rebind(query))
}

func (c rebindingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.pgxConn.PrepareContext(ctx, Rebind(query))
}

func (c rebindingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.pgxConn.ExecContext(ctx, Rebind(query), args)
}

func (c rebindingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.pgxConn.QueryContext(ctx, Rebind(query), args)
}

// IsPostgres reports whether dsn names a PostgreSQL server rather than a
// database file: a postgres:// or postgresql:// URL.
func IsPostgres(dsn string) bool {
	lower := strings.ToLower(dsn)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}
