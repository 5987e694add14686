package store

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A server's database can be backed up by PostgreSQL's own pg_dump, where
// it is installed: an archive in its custom format holding every table,
// index, trigger and right, for an administrator to restore the server
// with pg_restore. servicebook's other backup of a server, a file copy
// (backupServer), is what a desktop opens anywhere and what the off-site
// pack carries; the archive is what brings the server itself back.

// IsDumpPath reports whether a backup written to path is a pg_dump
// archive: its name ends in ".dump".
func IsDumpPath(path string) bool { return strings.EqualFold(filepath.Ext(path), ".dump") }

// PgTool is the path of PostgreSQL's client program name (pg_dump,
// pg_restore): on the PATH, or the newest of Debian's
// /usr/lib/postgresql/N/bin. The error says how to install it.
func PgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
		return n
	}
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p, nil
		}
	}
	return "", Errorf(EInvalid, "%s is not installed (apt-get install postgresql-client); back up into a file instead (a name ending in .db).", name)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// libpqKeys are the connection settings pg_dump (libpq) reads from an
// address's query; others are pgx's or the server's own settings
// (plan_cache_mode), which libpq would refuse as unknown.
var libpqKeys = []string{"sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword", "sslsni",
	"connect_timeout", "application_name", "target_session_attrs", "service", "passfile", "options",
	"gssencmode", "krbsrvname", "channel_binding", "host", "port", "user", "dbname", "keepalives"}

// pgToolCommand is name (pg_dump, pg_restore) run for the server database
// at raw: the address is passed without its password, which goes in the
// child's environment (PGPASSWORD) rather than its command line, where
// any user of the machine could read it.
func pgToolCommand(ctx context.Context, name, raw string, args ...string) (*exec.Cmd, error) {
	tool, err := PgTool(name)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, Errorf(EInvalid, "%s: the address cannot be read", ShownURL(raw))
	}
	env := os.Environ()
	query := u.Query()
	password, hasPassword := "", false
	if u.User != nil {
		password, hasPassword = u.User.Password()
		u.User = url.User(u.User.Username())
	}
	if p := query.Get("password"); p != "" {
		password, hasPassword = p, true
	}
	for key := range query {
		if !slices.Contains(libpqKeys, key) {
			query.Del(key)
		}
	}
	u.RawQuery = query.Encode()
	if hasPassword {
		env = append(env, "PGPASSWORD="+password)
	}
	cmd := exec.CommandContext(ctx, tool, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	return cmd, nil
}

// dumpServer writes a pg_dump archive of the server database to path and
// checks that pg_restore reads it back with every table's data in it.
func (db *DB) dumpServer(ctx context.Context, path string) error {
	dump, err := pgToolCommand(ctx, "pg_dump", db.dsn, "--format=custom", "--file="+path)
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	dump.Stderr = &stderr
	if err := dump.Run(); err != nil {
		return Errorf(EInvalid, "pg_dump could not back up %s: %s; nothing was written. A file copy (a name ending in .db) does not need pg_dump.",
			db.Path, toolMessage(&stderr, err))
	}
	restore, err := PgTool("pg_restore")
	if err != nil {
		return err
	}
	list, err := exec.CommandContext(ctx, restore, "--list", path).Output()
	if err != nil {
		return Errorf(EInvalid, "pg_restore cannot read the archive pg_dump wrote of %s: %v; nothing was written.", db.Path, err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`).Scan(&tables); err != nil {
		return serverError(db.Path, err)
	}
	if got := bytes.Count(list, []byte(" TABLE DATA ")); got != tables {
		return Errorf(EInvalid, "the pg_dump archive of %s holds the data of %d tables, the database %d; nothing was written.", db.Path, got, tables)
	}
	return nil
}

// toolMessage is what a PostgreSQL program said on failing, in its own
// words (libpq never repeats a password), or how it failed.
func toolMessage(stderr *bytes.Buffer, err error) string {
	if msg := strings.TrimSpace(stderr.String()); msg != "" {
		return strings.Join(strings.Fields(strings.TrimPrefix(msg, "pg_dump: error: ")), " ")
	}
	return fmt.Sprint(err)
}
