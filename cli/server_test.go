package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"servicebook/internal/pgtest"
	"servicebook/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestServerInit: `server init` makes a server database servicebook's and
// its roles' (again without harm), prints the SQL for an administrator,
// and is refused for a database file; the CMDB's commands work there, and
// those of records not kept on a server yet say so plainly.
func TestServerInit(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	for range 2 {
		if out := mustRun(t, dsn, "server", "init"); !strings.Contains(out, "is ready for a team: schema version") ||
			!strings.Contains(out, "IN ROLE servicebook_editor") {
			t.Errorf("server init said %q", out)
		}
	}
	out := mustRun(t, dsn, "server", "init", "--print")
	for _, want := range []string{"CREATE ROLE servicebook_approver NOLOGIN IN ROLE servicebook_editor",
		"REVOKE UPDATE, DELETE ON \"public\".change_log FROM servicebook_editor", "ALTER DEFAULT PRIVILEGES"} {
		if !strings.Contains(out, want) {
			t.Errorf("server init --print lacks %q", want)
		}
	}
	mustRun(t, dsn, "ci", "add", "--type", "server", "--name", "核心数据库服务器", "--location", "北京主数据中心")
	if out := mustRun(t, dsn, "search", "数据库"); !strings.Contains(out, "CI-000001") {
		t.Errorf("search on a server: %q", out)
	}
	for _, args := range [][]string{{"check"}, {"restore", "x.db", "--yes"}, {"demo"}} {
		if code, _, errOut := run(t, dsn, args...); code != 1 || !strings.Contains(errOut, "is a database on a PostgreSQL server: ") {
			t.Errorf("%s on a server: exit %d, %q", args[0], code, errOut)
		}
	}
	file := filepath.Join(t.TempDir(), "sb.db")
	if code, _, errOut := run(t, file, "server", "init"); code != 2 || !strings.Contains(errOut, "needs --db postgres://") {
		t.Errorf("server init on a file: exit %d, %q", code, errOut)
	}
}

// TestMigrateToServerAndBack: the sample bank moves from its file to a
// server and from the server into a new file, and every list a person
// reads — CIs, plans, search, impact, outages, configuration audits,
// baselines, the readiness audit and a CI's history — reads the same.
// A target that holds records is refused unless --replace.
func TestMigrateToServerAndBack(t *testing.T) {
	dir := t.TempDir()
	bank, back := filepath.Join(dir, "bank.db"), filepath.Join(dir, "back.db")
	mustRun(t, bank, "demo")
	server := pgtest.NewDatabase(t)
	out := mustRun(t, bank, "migrate", "--from", bank, "--to", server)
	if !strings.Contains(out, "every one counted on both sides, and the change log compared entry by entry") {
		t.Errorf("migrate said %q", out)
	}
	if code, _, errOut := run(t, bank, "migrate", "--from", bank, "--to", server); code != 1 || !strings.Contains(errOut, "add --replace") {
		t.Errorf("a second copy into the same server: exit %d, %q", code, errOut)
	}
	mustRun(t, bank, "migrate", "--from", bank, "--to", server, "--replace")
	mustRun(t, bank, "migrate", "--from", server, "--to", back)
	for _, args := range [][]string{
		{"ci", "list"}, {"plan", "list"}, {"search", "数据库"}, {"search", "库"}, {"impact", "CI-000010"},
		{"outage", "list"}, {"config-audit", "list"}, {"baseline", "list"}, {"ci", "history", "CI-000001"},
	} {
		want, got := mustRun(t, bank, args...), mustRun(t, back, args...)
		if got != want || len(want) < 20 {
			t.Errorf("%s after the round trip:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
	}
	_, want, _ := run(t, bank, "audit")
	_, got, _ := run(t, back, "audit")
	if got != want {
		t.Errorf("the readiness audit differs after the round trip:\n%s\nwant:\n%s", got, want)
	}
	// The server side reads the same records of every kind.
	for _, args := range [][]string{{"ci", "list"}, {"plan", "list"}, {"plan", "show", "SM-02003"}, {"availability", "--period", "2026-10"},
		{"action", "list"}, {"budget", "lines", "--fy", "2026"}, {"budget", "report", "--fy", "2026"}, {"capacity", "plan", "list"},
		{"config-audit", "show", "CA-0001"}, {"audit-settings"}} {
		if got, want := mustRun(t, server, args...), mustRun(t, bank, args...); got != want {
			t.Errorf("%s on the server:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
	}
}

// TestBackupAndPackFromServer: a backup of a server's database is a file
// that passes servicebook check and searches like the original, and the
// off-site pack is made from a server as from a file.
func TestBackupAndPackFromServer(t *testing.T) {
	dir := t.TempDir()
	bank := filepath.Join(dir, "bank.db")
	mustRun(t, bank, "demo")
	server := pgtest.NewDatabase(t)
	mustRun(t, bank, "migrate", "--from", bank, "--to", server)
	copyOf := filepath.Join(dir, "copy.db")
	if out := mustRun(t, server, "backup", "--to", copyOf); !strings.Contains(out, "Backed up") {
		t.Errorf("backup said %q", out)
	}
	if out := mustRun(t, copyOf, "check"); !strings.Contains(out, "no problems found") {
		t.Errorf("check of the backup: %q", out)
	}
	for _, args := range [][]string{{"search", "库"}, {"search", "数据库"}, {"plan", "list"}, {"budget", "lines", "--fy", "2026"}} {
		if got, want := mustRun(t, copyOf, args...), mustRun(t, bank, args...); got != want {
			t.Errorf("%s in the backup:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
	}
	// The server's own archive: pg_dump writes it, pg_restore brings it
	// back into an empty database, which reads as the server did.
	archive := filepath.Join(dir, "bank.dump")
	if out := mustRun(t, server, "backup", "--to", archive); !strings.Contains(out, "with pg_dump") {
		t.Errorf("backup to a .dump said %q", out)
	}
	restored := pgtest.NewDatabase(t)
	restore, err := store.PgTool("pg_restore")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(restore, "--dbname="+restored, archive).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"search", "数据库"}, {"plan", "list"}, {"budget", "lines", "--fy", "2026"}, {"ci", "history", "CI-000015"}} {
		if got, want := mustRun(t, restored, args...), mustRun(t, server, args...); got != want {
			t.Errorf("%s after pg_restore:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
	}
	if code, _, errOut := run(t, bank, "backup", "--to", filepath.Join(dir, "file.dump")); code == 0 || !strings.Contains(errOut, "from a server") {
		t.Errorf("a file backed up to a .dump: exit %d, %q", code, errOut)
	}
	pack := filepath.Join(dir, "pack")
	mustRun(t, server, "export", "offsite", pack)
	if out := mustRun(t, bank, "verify", pack); !strings.Contains(out, "Every file is there and matches its SHA-256") {
		t.Errorf("verify of the pack made from a server: %q", out)
	}
}
