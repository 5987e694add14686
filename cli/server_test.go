package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicebook/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestServerInit: `server init` makes a server database servicebook's and
// its roles' (again without harm), prints the SQL for an administrator,
// and is refused for a database file; the records' commands say plainly
// that they do not work on a server yet.
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
	if code, _, errOut := run(t, dsn, "ci", "list"); code != 1 || !strings.Contains(errOut, "cannot keep its records there yet") {
		t.Errorf("ci list on a server: exit %d, %q", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "sb.db")
	if code, _, errOut := run(t, file, "server", "init"); code != 2 || !strings.Contains(errOut, "needs --db postgres://") {
		t.Errorf("server init on a file: exit %d, %q", code, errOut)
	}
}
