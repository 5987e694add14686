package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"servicebook/store"
)

// TestCLIChild is not a test: run as a child process by the tests below
// (with SERVICEBOOK_CHILD_ARGS set), it is one servicebook command, as a
// separate process with its own database handle.
func TestCLIChild(t *testing.T) {
	args := os.Getenv("SERVICEBOOK_CHILD_ARGS")
	if args == "" {
		return
	}
	code := Run(context.Background(), strings.Split(args, "\x1f"), Env{Stdout: os.Stdout, Stderr: os.Stderr})
	if peak := os.Getenv("SERVICEBOOK_CHILD_PEAK_FILE"); peak != "" {
		// The child's own high-water mark. The parent cannot read it from
		// wait4: Go starts children with vfork, and the kernel carries the
		// parent's peak into the child's at exec.
		status, _ := os.ReadFile("/proc/self/status")
		os.WriteFile(peak, status, 0o600)
	}
	os.Exit(code)
}

// child runs servicebook ARGS in another process.
func child(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLIChild$")
	cmd.Env = append(os.Environ(), "SERVICEBOOK_CHILD_ARGS="+strings.Join(args, "\x1f"))
	return cmd
}

// TestManyProcessesOnOneFile: while one process imports thousands of CIs,
// others import the same budget and outage files twice each, back up,
// list and search. Every command succeeds or says plainly why; nothing is
// written twice; no raw SQLite error reaches anyone.
func TestManyProcessesOnOneFile(t *testing.T) {
	if os.Getenv("SERVICEBOOK_CHILD_ARGS") != "" {
		return
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "shared.db")
	mustRun(t, db, "demo")
	mustRun(t, db, "budget", "fy", "new", "2027")
	var b strings.Builder
	b.WriteString("Type,Name,Owner\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "server,bulk-%05d,张伟\n", i)
	}
	bulk := filepath.Join(dir, "bulk.csv")
	os.WriteFile(bulk, []byte(b.String()), 0o600)
	budget := filepath.Join(dir, "budget.csv")
	os.WriteFile(budget, []byte("服务,类别,项目,1月,2月\n网上银行,许可证,维保,100,100\n手机银行,人员,开发,200,200\n"), 0o600)
	outages := filepath.Join(dir, "outages.csv")
	os.WriteFile(outages, []byte("Service,Start,End\n网上银行 Internet banking,2026-09-07 01:00,2026-09-07 01:30\n手机银行 Mobile banking,2026-09-08 02:00,2026-09-08 02:10\n"), 0o600)

	jobs := [][]string{
		{"--db", db, "import", "cis", bulk},
		{"--db", db, "budget", "import", budget, "--fy", "2027"},
		{"--db", db, "budget", "import", budget, "--fy", "2027"},
		{"--db", db, "outage", "import", outages},
		{"--db", db, "outage", "import", outages},
		{"--db", db, "backup", "--to", filepath.Join(dir, "during.db")},
		{"--db", db, "ci", "list", "--limit", "5"},
		{"--db", db, "search", "数据库"},
		{"--db", db, "plan", "list"},
	}
	var wg sync.WaitGroup
	outs := make([]string, len(jobs))
	codes := make([]int, len(jobs))
	for i, args := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := child(args...).CombinedOutput()
			outs[i] = string(out)
			if ee, ok := err.(*exec.ExitError); ok {
				codes[i] = ee.ExitCode()
			} else if err != nil {
				codes[i] = -1
			}
		}()
	}
	wg.Wait()
	for i, args := range jobs {
		if codes[i] != 0 || strings.Contains(outs[i], "Internal error") || strings.Contains(outs[i], "SQLITE") || strings.Contains(outs[i], "locked") {
			t.Errorf("servicebook %s: exit %d\n%s", strings.Join(args[2:], " "), codes[i], outs[i])
		}
	}
	if out := mustRun(t, db, "budget", "lines", "--fy", "2027"); !strings.Contains(out, "(2 lines,") {
		t.Errorf("two imports of one budget file at once: \n%s", out)
	}
	if out := mustRun(t, db, "outage", "list", "--period", "2026-09"); strings.Count(out, "2026-09-07 01:00") != 1 || strings.Count(out, "2026-09-08 02:00") != 1 {
		t.Errorf("two imports of one outage file at once:\n%s", out)
	}
	if out := mustRun(t, filepath.Join(dir, "during.db"), "check"); !strings.Contains(out, "no problems found") {
		t.Errorf("the backup taken during the import: %s", out)
	}
}

// TestThousandsOfBadRowsGetAPage: the first hundred problems are listed,
// the rest counted.
func TestThousandsOfBadRowsGetAPage(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	var b strings.Builder
	b.WriteString("Type,Name,Criticality\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "server,bad-%d,urgent\n", i)
	}
	path := filepath.Join(dir, "bad.csv")
	os.WriteFile(path, []byte(b.String()), 0o600)
	code, _, errOut := run(t, db, "--create", "import", "cis", path)
	lines := strings.Count(errOut, "\n")
	if code != 1 || lines > 105 || !strings.Contains(errOut, "… and 2900 more problems") {
		t.Errorf("exit %d, %d lines of problems:\n%s", code, lines, errOut[max(0, len(errOut)-400):])
	}
}

// TestWriterSaysItIsWaiting: a command that must wait for another process's
// write says so, with the bound, and then does its work.
func TestWriterSaysItIsWaiting(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shared.db")
	mustRun(t, db, "--create", "demo")
	store.HoldWriteLock(t, db, 2*time.Second)
	code, out, errOut := run(t, db, "ci", "set", "CI-000001", "--owner", "运维二组")
	if code != 0 || !strings.Contains(errOut, "another servicebook is writing to") || !strings.Contains(errOut, "up to 10 s") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
