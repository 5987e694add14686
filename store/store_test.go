package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesPrivateFileAtCurrentSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub dir", "数据.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.Created {
		t.Error("Created = false for a new file")
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %o, want 600", mode)
	}
	var version, appID int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	db.QueryRow("PRAGMA application_id").Scan(&appID)
	if version != SchemaVersion() || appID != ApplicationID {
		t.Errorf("user_version=%d application_id=%#x, want %d and %#x", version, appID, SchemaVersion(), ApplicationID)
	}
	// Every pooled connection must enforce foreign keys, not just the first.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		var fk int
		c.QueryRowContext(context.Background(), "PRAGMA foreign_keys").Scan(&fk)
		var mode string
		c.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode)
		if fk != 1 || mode != "wal" {
			t.Errorf("connection %d: foreign_keys=%d journal_mode=%s", i, fk, mode)
		}
	}
}

func TestReopenDoesNotMigrateOrBackUp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Created || db.BackupPath != "" {
		t.Errorf("reopen: Created=%v BackupPath=%q", db.Created, db.BackupPath)
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("this is not a database, just some notes that are long enough"), 0o600)

	other := filepath.Join(dir, "other.db")
	odb, _ := sql.Open("sqlite", other)
	odb.Exec("CREATE TABLE t (x)")
	odb.Close()

	withID := filepath.Join(dir, "withid.db")
	idb, _ := sql.Open("sqlite", withID)
	idb.Exec("PRAGMA application_id = 12345")
	idb.Exec("CREATE TABLE t (x)")
	idb.Close()

	newer := filepath.Join(dir, "newer.db")
	ndb, err := Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	ndb.Exec("PRAGMA user_version = 999")
	ndb.Close()

	cases := []struct {
		name, path, want string
	}{
		{"text file", text, "not an SQLite database"},
		{"other program's sqlite", other, "another program"},
		{"other application id", withID, "belongs to another program"},
		{"newer schema", newer, "newer servicebook"},
		{"a folder", dir, "is a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadFile(c.path)
			db, err := Open(ctx, c.path)
			if err == nil {
				db.Close()
				t.Fatal("opened; want refusal")
			}
			if ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v (code %s), want EInvalid containing %q", err, ErrorCode(err), c.want)
			}
			if after, _ := os.ReadFile(c.path); string(before) != string(after) {
				t.Error("refused file was modified")
			}
		})
	}
}

func TestMigrationBacksUpExistingDatabaseFirst(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec("INSERT INTO ref_counter (name, last) VALUES ('marker', 42)")
	db.Close()

	// A newer build brings one more migration.
	original := loadMigrations
	t.Cleanup(func() { loadMigrations = original })
	loadMigrations = func() ([]migration, error) {
		ms, err := original()
		return append(ms, migration{version: len(ms) + 1, name: "next.sql",
			sql: "CREATE TABLE added_later (x)"}), err
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.BackupPath == "" {
		t.Fatal("no backup taken before migrating")
	}
	var version, marker int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	if version != SchemaVersion() {
		t.Errorf("user_version = %d, want %d", version, SchemaVersion())
	}
	bak, err := sql.Open("sqlite", db.BackupPath)
	if err != nil {
		t.Fatal(err)
	}
	defer bak.Close()
	bak.QueryRow("PRAGMA user_version").Scan(&version)
	bak.QueryRow("SELECT last FROM ref_counter WHERE name = 'marker'").Scan(&marker)
	if version != SchemaVersion()-1 || marker != 42 {
		t.Errorf("backup has user_version %d and marker %d, want the old schema and data", version, marker)
	}
}

func TestFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	original := loadMigrations
	t.Cleanup(func() { loadMigrations = original })
	loadMigrations = func() ([]migration, error) {
		ms, err := original()
		return append(ms, migration{version: len(ms) + 1, name: "broken.sql",
			sql: "CREATE TABLE half_done (x); THIS IS NOT SQL"}), err
	}
	if db, err := Open(ctx, path); err == nil {
		db.Close()
		t.Fatal("broken migration applied without error")
	}
	loadMigrations = original
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").Scan(&n)
	if n != 0 {
		t.Error("half of a failed migration was committed")
	}
}

func TestTxRollsBackOnError(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec("INSERT INTO ref_counter (name, last) VALUES ('x', 1)"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	var n int
	db.QueryRow("SELECT count(*) FROM ref_counter WHERE name = 'x'").Scan(&n)
	if n != 0 {
		t.Error("row written by a failed transaction is visible")
	}
}

func TestConstraintErrorsAreReadable(t *testing.T) {
	db := MustOpen(t)
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec("INSERT INTO ref_counter (name, last) VALUES ('ci', 5)")
		return err
	})
	if ErrorCode(err) != EConflict || !strings.Contains(ErrorMessage(err), "already exists") {
		t.Errorf("duplicate key: code %q message %q", ErrorCode(err), ErrorMessage(err))
	}
}

func TestChangeLogRecordsWhoWhenAndSource(t *testing.T) {
	db := MustOpen(t)
	ctx := WithSource(context.Background(), "cis.xlsx")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := db.NewChangeWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.Close()
		if err := w.Add(ctx, "ci", 7, "status", "planned", "in_service"); err != nil {
			return err
		}
		return w.Add(ctx, "ci", 8, "name", "", "other")
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Changes(ctx, "ci", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d changes, want 1", len(got))
	}
	c := got[0]
	if c.Who != "tester" || c.Source != "cis.xlsx" || c.Field != "status" || c.Old != "planned" ||
		c.New != "in_service" || !c.At.Equal(db.Now()) {
		t.Errorf("change = %+v", c)
	}
	recent, _ := db.RecentChanges(ctx, 10)
	if len(recent) != 2 || recent[0].EntityID != 8 {
		t.Errorf("recent changes = %+v, want newest (8) first", recent)
	}
}

func TestBackupIsConsistentAndCheckPasses(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	db.Exec("INSERT INTO ref_counter (name, last) VALUES ('backup-marker', 1)")
	target := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, target); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, target); ErrorCode(err) != EInvalid {
		t.Errorf("second backup to same file: %v, want refusal", err)
	}
	copyDB, err := Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var n int
	copyDB.QueryRow("SELECT count(*) FROM ref_counter WHERE name = 'backup-marker'").Scan(&n)
	if n != 1 {
		t.Error("backup lacks the row written before it")
	}
	rep, err := copyDB.Check(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("check of backup: %+v, %v", rep, err)
	}
}

func TestCheckFindsDanglingReference(t *testing.T) {
	db := MustOpen(t)
	ctx := context.Background()
	conn, _ := db.Conn(ctx)
	defer conn.Close()
	conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF")
	if _, err := conn.ExecContext(ctx, `INSERT INTO ci (ref, type_id, name, status, criticality, created_at, updated_at)
		VALUES ('CI-9', 999, 'orphan', 'planned', 3, '', '')`); err != nil {
		t.Fatal(err)
	}
	conn.ExecContext(ctx, "PRAGMA foreign_keys = ON")
	rep, err := db.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.ForeignKeys) != 1 || !strings.Contains(rep.ForeignKeys[0], "ci row") {
		t.Errorf("report = %+v, want one dangling ci row", rep)
	}
}

// TestPageCacheIsAnOption: commands get the default page cache and a
// memory map, the window a smaller cache and none, on every pooled
// connection.
func TestPageCacheIsAnOption(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	for _, c := range []struct {
		opt          Options
		want, mapped int
	}{{Options{}, -DefaultCacheKiB, MapBytes}, {WindowOptions(), -WindowCacheKiB, 0}} {
		db, err := OpenWith(ctx, path, true, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		// Two connections at once: the pragma is in the DSN, not run once.
		conns := make([]*sql.Conn, 2)
		for i := range conns {
			if conns[i], err = db.Conn(ctx); err != nil {
				t.Fatal(err)
			}
			var got int
			if err := conns[i].QueryRowContext(ctx, "PRAGMA cache_size").Scan(&got); err != nil || got != c.want {
				t.Errorf("%+v, connection %d: cache_size %d (%v), want %d", c.opt, i, got, err, c.want)
			}
			if err := conns[i].QueryRowContext(ctx, "PRAGMA mmap_size").Scan(&got); err != nil || got != c.mapped {
				t.Errorf("%+v, connection %d: mmap_size %d (%v), want %d", c.opt, i, got, err, c.mapped)
			}
		}
		for _, cn := range conns {
			cn.Close()
		}
		db.Close()
	}
}
