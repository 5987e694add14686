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
	if code, _, errOut := run(t, dsn, "plan", "list"); code != 1 || !strings.Contains(errOut, `"plan list" works on a database file for now`) {
		t.Errorf("plan list on a server: exit %d, %q", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "sb.db")
	if code, _, errOut := run(t, file, "server", "init"); code != 2 || !strings.Contains(errOut, "needs --db postgres://") {
		t.Errorf("server init on a file: exit %d, %q", code, errOut)
	}
}
