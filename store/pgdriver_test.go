package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT ? + ?", "SELECT $1 + $2"},
		{"SELECT '?', ? -- why?\n, ?", "SELECT '?', $1 -- why?\n, $2"},
		{`SELECT "a?b" FROM t WHERE x = ? /* ? */ AND y = 'it''s ?' AND z = ?`,
			`SELECT "a?b" FROM t WHERE x = $1 /* ? */ AND y = 'it''s ?' AND z = $2`},
		{"SELECT $$ ? $$, $tag$ ?' $tag$, ?", "SELECT $$ ? $$, $tag$ ?' $tag$, $1"},
		{"SELECT 'unclosed ?", "SELECT 'unclosed ?"},
		{"INSERT INTO t VALUES (?, ?), (?, ?)", "INSERT INTO t VALUES ($1, $2), ($3, $4)"},
		{"SELECT 1, ?1, ?2 WHERE x = ?1", "SELECT 1, $1, $2 WHERE x = $1"},
	} {
		if got := store.Rebind(c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPostgresDriver runs statements written with SQLite's "?" on a real
// PostgreSQL server through the rebinding driver: plain, prepared, in a
// transaction, with a "?" inside a literal that must stay text.
func TestPostgresDriver(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	if !store.IsPostgres(dsn) {
		t.Fatalf("%s is not recognised as a server URL", dsn)
	}
	db, err := sql.Open(store.PostgresDriver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE note (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body TEXT NOT NULL, n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO note (body, n) VALUES (?, ?) RETURNING id")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, body := range []string{"第一条", "why?", "三"} {
		var id int64
		if err := stmt.QueryRowContext(ctx, body, i).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var body string
	var count int
	if err := db.QueryRowContext(ctx, "SELECT body, (SELECT count(*) FROM note WHERE body <> '?') FROM note WHERE id = ? AND n = ?",
		ids[1], 1).Scan(&body, &count); err != nil || body != "why?" || count != 3 {
		t.Errorf("read back %q, %d (%v)", body, count, err)
	}
	if store.IsPostgres("/home/me/servicebook.db") || !store.IsPostgres("PostgreSQL://h/db") {
		t.Error("IsPostgres mistakes a file for a server or the other way round")
	}
}

// TestOpenServer: a server database is made servicebook's on first open
// (the whole schema, at this build's version, in one transaction), opened
// again without migrating, and its change log records the server role.
// Two desktops opening a new database at once make it once.
func TestOpenServer(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	u, _ := url.Parse(dsn)
	u.User = url.UserPassword(u.User.Username(), "not-needed-but-secret")
	withPassword := u.String()

	var wg sync.WaitGroup
	dbs := make([]*store.DB, 3)
	errs := make([]error, 3)
	for i := range dbs {
		wg.Go(func() { dbs[i], errs[i] = store.Open(ctx, withPassword) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("desktop %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	db := dbs[0]
	if db.Dialect != store.Postgres || db.User != "servicebook" || strings.Contains(db.Path, "secret") || db.Path != store.ShownURL(dsn) {
		t.Errorf("dialect %v, user %q, path %q", db.Dialect, db.User, db.Path)
	}
	var version, rows int
	if err := db.QueryRowContext(ctx, "SELECT version, (SELECT count(*) FROM servicebook_schema) FROM servicebook_schema").Scan(&version, &rows); err != nil ||
		version != store.SchemaVersion() || rows != 1 {
		t.Fatalf("schema version %d in %d rows (%v), want %d in 1", version, rows, err, store.SchemaVersion())
	}
	// Statements are planned for their own values (a generic plan made a
	// search 4-50 times slower), unless the address says otherwise.
	var planning string
	if err := db.QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&planning); err != nil || planning != "force_custom_plan" {
		t.Errorf("plan_cache_mode %q (%v), want force_custom_plan", planning, err)
	}
	// A bulk write (an import) plans its few statements once.
	if err := db.BulkTx(ctx, func(tx *sql.Tx) error { return tx.QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&planning) }); err != nil || planning != "auto" {
		t.Errorf("plan_cache_mode in a bulk write %q (%v), want auto", planning, err)
	}
	asked, err := store.Open(ctx, dsn+"?plan_cache_mode=auto")
	if err != nil {
		t.Fatal(err)
	}
	if err := asked.QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&planning); err != nil || planning != "auto" {
		t.Errorf("plan_cache_mode %q (%v) with ?plan_cache_mode=auto in the address", planning, err)
	}
	asked.Close()
	// The change log, written as every domain writes it.
	db.Now = func() time.Time { return time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC) }
	err = db.LoggedTx(store.WithSource(ctx, "cmdb.xlsx"), func(tx *sql.Tx, log *store.ChangeWriter) error {
		if err := log.Add(ctx, "ci", 7, "owner", "张伟", "李娜"); err != nil {
			return err
		}
		var many []store.Entry
		for i := range 300 { // more than one statement's worth
			many = append(many, store.Entry{Entity: "ci", ID: 7, Field: fmt.Sprintf("attributes.k%03d", i), New: "?"})
		}
		return log.AddAll(ctx, many)
	})
	if err != nil {
		t.Fatal(err)
	}
	changes, err := db.Changes(ctx, "ci", 7)
	if err != nil || len(changes) != 301 {
		t.Fatalf("%d changes read back (%v), want 301", len(changes), err)
	}
	first, last := changes[0], changes[300]
	if first.Who != "servicebook" || first.Source != "cmdb.xlsx" || first.Old != "张伟" || first.New != "李娜" ||
		!first.At.Equal(db.Now()) || last.Field != "attributes.k299" || last.New != "?" {
		t.Errorf("read back %+v … %+v", first, last)
	}

	// Opened again: nothing to migrate, the records kept.
	again, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n, _ := again.Changes(ctx, "ci", 7); len(n) != 301 {
		t.Errorf("%d changes after opening again", len(n))
	}
}

// TestOpenServerRefuses: a database holding another program's tables, one
// written by a newer servicebook, a database that does not exist and a
// server that does not answer are each refused with a message that names
// the server and never its password.
func TestOpenServerRefuses(t *testing.T) {
	ctx := context.Background()
	foreign := pgtest.NewDatabase(t)
	raw, err := sql.Open(store.PostgresDriver, foreign)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("CREATE TABLE invoices (id INT)"); err != nil {
		t.Fatal(err)
	}
	newer := pgtest.NewDatabase(t)
	db, err := store.Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE servicebook_schema SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	missing := strings.TrimSuffix(newer, path.Base(newer)) + "no_such_db"
	// Someone without the owner's rights opening a database servicebook
	// has not made yet.
	unmade := pgtest.NewDatabase(t)
	stranger := "stranger_" + path.Base(unmade)
	if _, err := raw.Exec("CREATE ROLE " + stranger + " LOGIN PASSWORD 'secret-pw'"); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(unmade)
	u.User = url.UserPassword(stranger, "secret-pw")
	wrong, _ := url.Parse(unmade)
	wrong.User = url.UserPassword(stranger, "secret-but-wrong")
	for _, c := range []struct{ dsn, want string }{
		{u.String(), "the database's owner prepares it with servicebook server init"},
		{wrong.String(), "did not accept the sign-in"},
		{foreign, "tables of another program"},
		{newer, "written by a newer servicebook"},
		{missing, "There is no database " + store.ShownURL(missing)},
		{"postgres://me:secret@127.0.0.1:1/sb", "Cannot reach the server postgres://me@127.0.0.1:1/sb"},
	} {
		db, err := store.Open(ctx, c.dsn)
		if err == nil {
			db.Close()
			t.Errorf("%s opened", c.dsn)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "SQLSTATE") {
			t.Errorf("%s: %v; want %q, no password and no SQLSTATE code", c.dsn, err, c.want)
		}
	}
	var tables int
	raw.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&tables)
	if tables != 1 {
		t.Errorf("the other program's database now has %d tables", tables)
	}
}

// TestSchemaParity: the server's schema, migrated from its own files, has
// exactly the tables and columns of a new database file, each column of
// the same kind and nullability (SQLite's search tables, whose work the
// server does its own way, apart).
func TestSchemaParity(t *testing.T) {
	ctx := context.Background()
	file, err := store.Open(ctx, filepath.Join(t.TempDir(), "parity.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	server, err := store.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	kinds := map[string]string{"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}
	columns := func(db *store.DB, query string) map[string]string {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var table, column, kind string
			var notNull bool
			if err := rows.Scan(&table, &column, &kind, &notNull); err != nil {
				t.Fatal(err)
			}
			if k, ok := kinds[strings.ToUpper(kind)]; ok {
				kind = k
			}
			out[table+"."+column] = fmt.Sprintf("%s not null %v", kind, notNull)
		}
		return out
	}
	// SQLite reports a rowid alias (INTEGER PRIMARY KEY) as nullable; it
	// never is.
	inFile := columns(file, `SELECT m.name, p.name, p.type, p."notnull" OR p.pk = 1 FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'ci_search%' AND m.name NOT LIKE 'ci_grams%'`)
	onServer := columns(server, `SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'servicebook_schema'`)
	for col, kind := range inFile {
		if onServer[col] != kind {
			t.Errorf("%s: %s in a file, %q on a server", col, kind, onServer[col])
		}
	}
	for col, kind := range onServer {
		// The server's stored search text (a file searches with FTS5) and
		// the id that stands in for a profile's rowid.
		if col == "ci.search_text" || col == "import_profile.id" {
			continue
		}
		if _, ok := inFile[col]; !ok {
			t.Errorf("%s (%s) is on a server only", col, kind)
		}
	}
	if t.Logf("%d columns in %d tables compared", len(inFile), tables(inFile)); len(inFile) < 300 {
		t.Errorf("only %d columns compared", len(inFile))
	}
}

func tables(columns map[string]string) int {
	seen := map[string]bool{}
	for col := range columns {
		table, _, _ := strings.Cut(col, ".")
		seen[table] = true
	}
	return len(seen)
}

// TestServerRoles: after `server init`, a viewer signed in with a SQL
// connection of their own can read but change nothing; an editor changes
// records and appends to the change log but cannot rewrite it, touch the
// schema or approve; an approver approves. The server refuses, not the
// program.
func TestServerRoles(t *testing.T) {
	ctx := context.Background()
	admin, dsn := store.MustInitServer(t)
	if err := admin.ServerInit(ctx); err != nil { // safe to run again
		t.Fatal(err)
	}
	name := path.Base(dsn)
	as := map[string]*store.DB{}
	// Each signs in with a password: the approver's typed into the
	// address, the others' kept in a password file (PGPASSFILE, as
	// ~/.pgpass), which the address does not mention.
	u, _ := url.Parse(dsn)
	passfile := filepath.Join(t.TempDir(), "pgpass")
	var lines strings.Builder
	for _, role := range []string{"viewer", "editor"} {
		fmt.Fprintf(&lines, "%s:%s:%s:%s_%s:pw-%s\n", u.Hostname(), u.Port(), name, role, name, role)
	}
	if err := os.WriteFile(passfile, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", passfile)
	for role, group := range map[string]string{"viewer": store.ViewerRole, "editor": store.EditorRole, "approver": store.ApproverRole} {
		login := role + "_" + name
		if _, err := admin.ExecContext(ctx, "CREATE ROLE "+login+" LOGIN PASSWORD 'pw-"+role+"' IN ROLE "+group); err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(dsn)
		u.User = url.User(login)
		if role == "approver" {
			u.User = url.UserPassword(login, "pw-"+role)
		}
		db, err := store.Open(ctx, u.String())
		if err != nil {
			t.Fatalf("%s opens the database: %v", role, err)
		}
		defer db.Close()
		if db.User != login {
			t.Errorf("%s is recorded as %q", role, db.User)
		}
		as[role] = db
	}
	// A service file (PGSERVICEFILE, as ~/.pg_service.conf) names the
	// server, the database and the sign-in; the address names the service.
	services := filepath.Join(t.TempDir(), "pg_service.conf")
	service := fmt.Sprintf("[team]\nhost=%s\nport=%s\ndbname=%s\nuser=viewer_%s\n", u.Hostname(), u.Port(), name, name)
	if err := os.WriteFile(services, []byte(service), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGSERVICEFILE", services)
	viaService, err := store.Open(ctx, "postgres:///?service=team")
	if err != nil {
		t.Fatalf("open through the service file: %v", err)
	}
	if viaService.User != "viewer_"+name || viaService.Path != "postgres:///?service=team" {
		t.Errorf("through the service file signed in as %q, shown as %q", viaService.User, viaService.Path)
	}
	viaService.Close()
	for _, q := range []string{
		"INSERT INTO ci_type (key, name) VALUES ('server', 'Server')",
		`INSERT INTO ci (ref, type_id, name, status, criticality, created_at, updated_at)
			VALUES ('CI-000001', 1, 'svc', 'in_service', 1, '2026-11-24', '2026-11-24')`,
		`INSERT INTO plan (doc_number, title, service_id, created_at, updated_at)
			VALUES ('SM-02001', '支付业务连续性计划', 1, '2026-11-24', '2026-11-24')`,
		"INSERT INTO fiscal_year (year) VALUES (2027)",
		"INSERT INTO budget_line (fy_id, pool, category) VALUES (1, '机房', 'facilities')",
		"INSERT INTO change_log (at, who, source, entity, entity_id, field) VALUES ('2026-11-24', 'admin', 'cli', 'ci', 1, 'created')",
	} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	approve := "UPDATE plan SET version = '1.0', approved_at = '2026-11-24', approved_by = 'x' WHERE id = 1"
	approveLine := "UPDATE budget_line SET status = 'approved', approver = 'x', approved_at = '2026-11-24' WHERE id = 1"
	for _, c := range []struct {
		role, query string
		allowed     bool
	}{
		{"viewer", "SELECT count(*) FROM ci", true},
		{"viewer", "SELECT count(*) FROM change_log", true},
		{"viewer", "UPDATE ci SET name = 'x'", false},
		{"viewer", "DELETE FROM ci", false},
		{"viewer", "INSERT INTO ci_type (key, name) VALUES ('hack', 'Hack')", false},
		{"viewer", "INSERT INTO change_log (at, who, source, entity, entity_id, field) VALUES ('', 'v', 'sql', 'ci', 1, 'x')", false},
		{"viewer", "UPDATE servicebook_schema SET version = 1", false},
		{"viewer", "CREATE TABLE mine (id int)", false},
		{"editor", "UPDATE ci SET owner = '张伟' WHERE id = 1", true},
		{"editor", "INSERT INTO change_log (at, who, source, entity, entity_id, field) VALUES ('', current_user, 'sql', 'ci', 1, 'owner')", true},
		{"editor", "UPDATE change_log SET who = 'someone else'", false},
		{"editor", "DELETE FROM change_log", false},
		{"editor", "UPDATE servicebook_schema SET version = 1", false},
		{"editor", "DROP TABLE ci", false},
		{"editor", "CREATE TABLE mine (id int)", false},
		{"editor", "UPDATE plan SET title = '支付业务连续性计划（修订）', version = '0.2' WHERE id = 1", true},
		{"editor", approve, false},
		{"editor", "UPDATE plan SET version = '2.0' WHERE id = 1", false},
		{"editor", approveLine, false},
		{"editor", "INSERT INTO budget_line (fy_id, pool, category, status) VALUES (1, '网络', 'resources', 'approved')", false},
		{"editor", "INSERT INTO budget_line (fy_id, pool, category) VALUES (1, '网络', 'resources')", true},
		{"approver", approve, true},
		{"approver", approveLine, true},
		{"approver", "DELETE FROM change_log", false},
	} {
		_, err := as[c.role].ExecContext(ctx, c.query)
		switch {
		case c.allowed && err != nil:
			t.Errorf("%s may %s, but: %v", c.role, c.query, err)
		case !c.allowed && err == nil:
			t.Errorf("%s was let %s", c.role, c.query)
		case !c.allowed && !strings.Contains(err.Error(), "42501"):
			t.Errorf("%s %s: refused, but not for want of privilege: %v", c.role, c.query, err)
		}
	}
	var owner string
	admin.QueryRowContext(ctx, "SELECT owner FROM ci WHERE id = 1").Scan(&owner)
	var logged int
	admin.QueryRowContext(ctx, "SELECT count(*) FROM change_log").Scan(&logged)
	if owner != "张伟" || logged != 2 {
		t.Errorf("after the editor's changes: owner %q, %d log entries kept", owner, logged)
	}
}

// TestServerOverTLS: an address with sslmode=verify-full reaches the
// server over TLS, its certificate checked against the CA named by
// sslrootcert; a server whose certificate that CA did not sign is refused
// in plain words, before any sign-in, and no password appears.
func TestServerOverTLS(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	root, err := pgtest.TLSRoot()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dsn)
	u.User = url.UserPassword(u.User.Username(), "tls-secret")
	withTLS := func(rootFile string) string {
		v := *u
		v.RawQuery = url.Values{"sslmode": {"verify-full"}, "sslrootcert": {rootFile}}.Encode()
		return v.String()
	}
	db, err := store.Open(ctx, withTLS(root))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var overTLS bool
	if err := db.QueryRowContext(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&overTLS); err != nil || !overTLS {
		t.Fatalf("connection over TLS: %v (%v)", overTLS, err)
	}
	if db.Path != store.ShownURL(dsn) {
		t.Errorf("shown as %q", db.Path)
	}

	other, err := pgtest.OtherRoot(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(ctx, withTLS(other))
	if err == nil {
		t.Fatal("a server whose certificate the trusted CA did not sign was accepted")
	}
	msg := store.ErrorMessage(err)
	if !strings.Contains(msg, "could not be trusted") || !strings.Contains(msg, "sslrootcert") || strings.Contains(msg, "tls-secret") || !strings.Contains(msg, store.ShownURL(dsn)) {
		t.Errorf("refusal: %q", msg)
	}
}

// TestServerSaveWaitsThenIsToldBusy: while another desktop's import holds
// the write lock alone, a save waits for it — up to lock_timeout (ten
// seconds unless the address says otherwise) — and is then refused in
// plain words, nothing of it written; once the import ends, saves go
// through again.
func TestServerSaveWaitsThenIsToldBusy(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	importer, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer importer.Close()
	var waits string
	if err := importer.QueryRowContext(ctx, "SHOW lock_timeout").Scan(&waits); err != nil || waits != "10s" {
		t.Errorf("lock_timeout %q (%v), want 10s", waits, err)
	}
	saver, err := store.Open(ctx, dsn+"?lock_timeout=300")
	if err != nil {
		t.Fatal(err)
	}
	defer saver.Close()
	save := func() error {
		return saver.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO ci_type (key, name) VALUES ('server', 'Server')")
			return err
		})
	}
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- importer.BulkTx(ctx, func(tx *sql.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	err = save()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if msg := store.ErrorMessage(err); !strings.Contains(msg, "busy") || !strings.Contains(msg, "Nothing was changed") {
		t.Fatalf("a save during another desktop's import: %v", err)
	}
	if err := save(); err != nil {
		t.Fatalf("a save after the import: %v", err)
	}
}
