package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// run runs the command line in-process against db and returns its exit
// status and output.
func run(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), append([]string{"--db", db}, args...), Env{Stdout: &out, Stderr: &errOut})
	return code, out.String(), errOut.String()
}

func mustRun(t *testing.T, db string, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, db, args...)
	if code != 0 {
		t.Fatalf("servicebook %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func refOf(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(CI-\d{6})\s+` + regexp.QuoteMeta(name)).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no reference for %q in:\n%s", name, out)
	}
	return m[1]
}

// TestNewUserStory follows the "done when": demo, list, search in
// English and Chinese, import, impact of a server failure up to the business
// services, baseline, change, diff and history — all from the command line.
func TestNewUserStory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")

	out := mustRun(t, db, "demo")
	if !strings.Contains(out, "96 CIs") {
		t.Errorf("demo summary: %s", out)
	}
	out = mustRun(t, db, "ci", "list", "--type", "业务服务")
	if !strings.Contains(out, "网上银行 Internet banking") || !strings.Contains(out, "(12 CIs)") {
		t.Errorf("business services:\n%s", out)
	}
	if out = mustRun(t, db, "search", "数据库"); !strings.Contains(out, "核心数据库 Core banking DB") {
		t.Errorf("search 数据库:\n%s", out)
	}
	if out = mustRun(t, db, "search", "oracle"); !strings.Contains(out, "Core banking DB") {
		t.Errorf("search oracle:\n%s", out)
	}
	dbNode := refOf(t, mustRun(t, db, "search", "bj-esx-01"), "bj-esx-01")

	csv := filepath.Join(dir, "新服务器.csv")
	os.WriteFile(csv, []byte("类型,名称,负责人,CPU核数\n服务器,bj-app-99,李伟,16\n"), 0o600)
	if out = mustRun(t, db, "import", "cis", csv, "--dry-run"); !strings.Contains(out, "1 CIs created") {
		t.Errorf("dry run: %s", out)
	}
	if out = mustRun(t, db, "import", "cis", csv); !strings.Contains(out, "Imported 新服务器.csv: 1 CIs created") {
		t.Errorf("import: %s", out)
	}

	san := refOf(t, mustRun(t, db, "search", "bj-san-01"), "bj-san-01")
	out = mustRun(t, db, "impact", san)
	if !strings.Contains(out, "services impacted") || !strings.Contains(out, "网上银行 Internet banking") {
		t.Errorf("impact of the SAN:\n%s", out)
	}
	// The SAN is a single point of failure for card payments: it inherits
	// that plan's RTO, which its recorded 6 h recovery does not meet.
	if !strings.Contains(out, san+" inherits RTO 2 h (SM-02003") || !strings.Contains(out, "but its recorded recovery time is 6 h") {
		t.Errorf("impact of the SAN does not say what it inherits:\n%s", out)
	}
	// One ESX host down: HA keeps every VM, so no business service is lost.
	if out = mustRun(t, db, "impact", dbNode); !strings.Contains(out, "0 services impacted") {
		t.Errorf("impact of one ESX host:\n%s", out)
	}
	if out = mustRun(t, db, "impact", "--down", refOf(t, mustRun(t, db, "search", "网上银行"), "网上银行 Internet banking")); !strings.Contains(out, "bj-san-01") {
		t.Errorf("dependencies of Internet banking:\n%s", out)
	}

	mustRun(t, db, "type", "add", "ups", "--name", "UPS", "--attr", "runtime_minutes:number")
	if out := mustRun(t, db, "type", "edit", "ups", "--name-zh", "不间断电源", "--attr", "battery:text:required", "--remove-attr", "runtime_minutes"); !strings.Contains(out, "with 1 attribute.") {
		t.Errorf("type edit: %s", out)
	}
	mustRun(t, db, "type", "delete", "ups")
	if code, _, errOut := run(t, db, "type", "delete", "server"); code != 1 || !strings.Contains(errOut, "built-in") {
		t.Errorf("deleting a built-in type: %d %s", code, errOut)
	}
	mustRun(t, db, "baseline", "take", "scratch")
	mustRun(t, db, "baseline", "delete", "scratch", "--yes")
	mustRun(t, db, "baseline", "take", "before-CHG-1042", "--note", "CAB")
	mustRun(t, db, "ci", "set", dbNode, "--status", "维护中", "--attr", "内存(GB)=2048")
	out = mustRun(t, db, "baseline", "diff", "before-CHG-1042")
	if !strings.Contains(out, "status") || !strings.Contains(out, "maintenance") || !strings.Contains(out, "attributes.memory_gb") {
		t.Errorf("diff:\n%s", out)
	}
	// With that host in maintenance, another host's failure shows the
	// redundancy already lost in its HA cluster.
	if out = mustRun(t, db, "impact", refOf(t, mustRun(t, db, "search", "bj-esx-02"), "bj-esx-02")); !strings.Contains(out, "Redundancy already lost") ||
		!strings.Contains(out, "(under maintenance) down") {
		t.Errorf("impact with a host in maintenance:\n%s", out)
	}
	out = mustRun(t, db, "ci", "history", dbNode)
	if !regexp.MustCompile(`cli\s+status\s+in_service\s+maintenance`).MatchString(out) {
		t.Errorf("history:\n%s", out)
	}
	if out = mustRun(t, db, "check"); !strings.Contains(out, "no problems found") {
		t.Errorf("check: %s", out)
	}
	backup := filepath.Join(dir, "copy.db")
	mustRun(t, db, "backup", "--to", backup)
	if out = mustRun(t, backup, "ci", "show", dbNode); !strings.Contains(out, "under maintenance") && !strings.Contains(out, "maintenance") {
		t.Errorf("backup lacks the change:\n%s", out)
	}
}

func TestExitStatusesAndMessages(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "--create", "ci", "add", "--type", "server", "--name", "web-01")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("Type,Name,Criticality\nserver,x,urgent\n"), 0o600)
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("hello, this is not a database at all, just text"), 0o600)

	cases := []struct {
		name   string
		db     string
		args   []string
		code   int
		stderr string
	}{
		{"unknown command", db, []string{"frobnicate"}, 2, "unexpected argument"},
		{"unknown flag", db, []string{"ci", "list", "--colour"}, 2, "unknown flag"},
		{"missing argument", db, []string{"ci", "show"}, 2, "expected"},
		{"relate needs three words", db, []string{"relate", "CI-000001", "CI-000002"}, 2, "relate needs FROM KIND TO"},
		{"no such CI", db, []string{"ci", "show", "CI-000099"}, 1, "There is no CI CI-000099."},
		{"bad value", db, []string{"ci", "add", "--type", "server", "--name", "x", "--attr", "cpu_cores=many"}, 1, `CPU cores: "many" is not a number`},
		{"unknown kind", db, []string{"relate", "CI-000001", "loves", "CI-000002"}, 1, `"loves" is not a relation kind`},
		{"self relation", db, []string{"relate", "CI-000001", "depends", "on", "CI-000001"}, 1, "cannot relate to itself"},
		{"bad import", db, []string{"import", "cis", bad}, 1, `bad.csv: row 2, column "Criticality": "urgent" is not a criticality`},
		{"missing import file", db, []string{"import", "cis", filepath.Join(dir, "nope.xlsx")}, 1, "nope.xlsx: cannot open"},
		{"stale save", db, []string{"ci", "set", "CI-000001", "--owner", "x", "--expect-version", "7"}, 1, "changed by someone else"},
		{"delete without --yes", db, []string{"ci", "delete", "CI-000001"}, 1, "add --yes"},
		{"not a database", notDB, []string{"ci", "list"}, 1, "not an SQLite database"},
		{"unknown baseline", db, []string{"baseline", "diff", "nope"}, 1, `no baseline named "nope"`},
		// A mistyped path is not a new, empty database that passes every check.
		{"no database there", filepath.Join(dir, "typo.db"), []string{"check"}, 1, "There is no database at " + filepath.Join(dir, "typo.db")},
		{"another kind of server", "mysql://me@db.example/sb", []string{"ci", "list"}, 1, "not at mysql:// addresses"},
		// Nothing listens on port 1: the server is named, its password not.
		{"a server that does not answer", "postgres://me:secret@127.0.0.1:1/sb", []string{"ci", "list"}, 1,
			"Cannot reach the server postgres://me@127.0.0.1:1/sb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := run(t, c.db, c.args...)
			if code != c.code || !strings.Contains(errOut, c.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, c.code, c.stderr)
			}
			if c.code == 1 && strings.Count(strings.TrimSpace(errOut), "\n") > 1 && c.name != "bad import" {
				t.Errorf("user error is not one line: %q", errOut)
			}
		})
	}
	for _, p := range []string{filepath.Join(dir, "typo.db"), "postgres:", "mysql:"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created by a command that only reads", p)
		}
	}
	// Help and version exit 0 through Kong's exit hook.
	if code, out, _ := run(t, db, "--help"); code != 0 || !strings.Contains(out, "impact") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, db, "ci", "add", "--help"); code != 0 || !strings.Contains(out, "--attr") {
		t.Errorf("ci add --help: exit %d\n%s", code, out)
	}
	if out := mustRun(t, db, "ci", "show", "1"); !strings.Contains(out, "web-01") {
		t.Errorf("show by number: %s", out)
	}
}

func TestDefaultDatabaseFirstRunHasSampleData(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), nil, Env{Stdout: &out, Stderr: &errOut}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "with a sample organisation") {
		t.Errorf("first run did not say it created sample data:\n%s", out.String())
	}
	out.Reset()
	Run(context.Background(), []string{"ci", "list", "--limit", "1"}, Env{Stdout: &out, Stderr: &errOut})
	if !strings.Contains(out.String(), "of 96") {
		t.Errorf("default database has no sample data:\n%s", out.String())
	}
	out.Reset()
	Run(context.Background(), nil, Env{Stdout: &out, Stderr: &errOut})
	if strings.Contains(out.String(), "sample organisation") {
		t.Error("second run claims to create sample data again")
	}
}

// TestOutputIsBufferedInOrder: standard output is buffered, but what a
// command printed reaches its reader before a later message on standard
// error (one terminal shows both), and before the window opens.
func TestOutputIsBufferedInOrder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "order.db")
	var both bytes.Buffer
	// ci list prints its table, then relate fails on a reference that
	// does not exist: two commands, one stream.
	mustRun(t, db, "--create", "ci", "add", "--type", "server", "--name", "web-01")
	if code := Run(context.Background(), []string{"--db", db, "ci", "list"}, Env{Stdout: &both, Stderr: &both}); code != 0 {
		t.Fatalf("ci list: exit %d\n%s", code, both.String())
	}
	if !strings.Contains(both.String(), "web-01") {
		t.Fatalf("ci list printed nothing once it returned:\n%s", both.String())
	}
	both.Reset()
	env := Env{Stdout: &both, Stderr: &both}
	env.Window = func(ctx context.Context, app *App) error {
		if !strings.Contains(both.String(), "with a sample organisation") {
			t.Errorf("the window opened before the first run's message was written:\n%q", both.String())
		}
		fmt.Fprintln(app.Stderr, "window closed")
		return nil
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // the default database, made with the sample on first run
	t.Setenv("HOME", t.TempDir())
	if code := Run(context.Background(), nil, env); code != 0 {
		t.Fatalf("window: exit %d\n%s", code, both.String())
	}
	if i, j := strings.Index(both.String(), "sample organisation"), strings.Index(both.String(), "window closed"); i < 0 || j < i {
		t.Errorf("output out of order:\n%s", both.String())
	}
}

func TestDisplayWidthAlignsChinese(t *testing.T) {
	var b bytes.Buffer
	printTable(&b, []string{"A", "B"}, [][]string{{"数据库", "x"}, {"db", "y"}}, 40)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if displayWidth(lines[1][:strings.Index(lines[1], "x")]) != displayWidth(lines[2][:strings.Index(lines[2], "y")]) {
		t.Errorf("columns not aligned:\n%s", b.String())
	}
	if got := truncate("核心数据库服务器", 9); got != "核心数据…" {
		t.Errorf("truncate = %q", got)
	}
}

// TestContinuityStory: a coordinator writes a plan, sees it flagged after a
// server change, records and reviews a tabletop exercise, closes the
// action, approves 1.0, and reads last month's availability.
func TestContinuityStory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	mustRun(t, db, "demo")
	banking := refOf(t, mustRun(t, db, "search", "网上银行"), "网上银行 Internet banking")
	server := refOf(t, mustRun(t, db, "search", "bj-db-01"), "bj-db-01")
	mustRun(t, db, "plan", "new", "--doc", "SM-09001", "--title", "网上银行连续性计划", "--service", banking, "--rto", "4h", "--rpo", "15m", "--mtpd", "24h")
	mustRun(t, db, "plan", "step", "SM-09001", "--phase", "activation", "--action", "Declare", "--who", "Incident manager", "--takes", "30m")
	mustRun(t, db, "ci", "set", server, "--ci-version", "firmware 2.1")
	if out := mustRun(t, db, "plan", "list"); !strings.Contains(out, "needs review") || !strings.Contains(out, "DRAFT") {
		t.Errorf("plan list after the change:\n%s", out)
	}
	if out := mustRun(t, db, "plan", "show", "SM-09001"); !strings.Contains(out, "NEEDS REVIEW") || !strings.Contains(out, server+" version") {
		t.Errorf("plan show:\n%s", out)
	}
	number := func(out, pattern string) string {
		m := regexp.MustCompile(pattern).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("%q not in %s", pattern, out)
		}
		return m[1]
	}
	ex := number(mustRun(t, db, "exercise", "add", "SM-09001", "--kind", "tabletop", "--held", "2026-11-12",
		"--result", "passed_with_issues", "--findings", "DNS"), `Recorded exercise (\d+)`)
	act := number(mustRun(t, db, "action", "add", "SM-09001", "--description", "Name the DNS owner", "--exercise", ex,
		"--due", "2026-11-30"), `Added action (\d+)`)
	if out := mustRun(t, db, "plan", "review", "SM-09001", "--by", "王建国", "--outcome", "adequate", "--comment", "firmware assessed",
		"--exercise", ex); !strings.Contains(out, "This review covers 1 reason for review") || !strings.Contains(out, server+" version") {
		t.Errorf("review: %s", out)
	}
	mustRun(t, db, "action", "close", act, "--verification", "named")
	// The channel database's backups do not meet the RPO: approval needs
	// a reason, which the document control keeps.
	if code, _, errOut := run(t, db, "plan", "approve", "SM-09001", "--by", "李总"); code != 1 || !strings.Contains(errOut, "does not meet the RPO") {
		t.Errorf("approval of a plan failing its checks: %d %s", code, errOut)
	}
	if out := mustRun(t, db, "plan", "approve", "SM-09001", "--by", "李总", "--reason", "backup schedule changes in December"); !strings.Contains(out, "version 1.0") {
		t.Errorf("approve: %s", out)
	}
	if out := mustRun(t, db, "plan", "show", "SM-09001"); !strings.Contains(out, "approved despite 1 executability check failing") {
		t.Errorf("the reason is not in the document control:\n%s", out)
	}
	if code, _, errOut := run(t, db, "plan", "approve", "SM-09001", "--by", "李总", "--reason", "x"); code != 1 || !strings.Contains(errOut, "already approved") {
		t.Errorf("second approval: %d %s", code, errOut)
	}
	if out := mustRun(t, db, "plan", "show", "SM-09001"); strings.Contains(out, "NEEDS REVIEW") || strings.Contains(out, "DRAFT") {
		t.Errorf("plan after review and approval:\n%s", out)
	}
	mustRun(t, db, "target", "set", banking, "--percent", "99.9")
	// The sample already holds the SAN failover of 10 October: recording it
	// again is refused rather than counted twice.
	if code, _, errOut := run(t, db, "outage", "add", "--service", banking, "--start", "2026-10-10 03:00", "--end", "2026-10-10 05:00"); code != 1 || !strings.Contains(errOut, "overlaps") {
		t.Errorf("the same outage twice: %d %s", code, errOut)
	}
	mustRun(t, db, "outage", "add", "--service", banking, "--start", "2026-10-25 01:00", "--end", "2026-10-25 01:30")
	// 740 h agreed; 2 h 10 min + 30 min down: 99.640 %, two outages, the new one not investigated.
	out := mustRun(t, db, "availability", "--period", "2026-10", "--service", banking)
	if !strings.Contains(out, "99.640 %") || !strings.Contains(out, "MISSED") || !strings.Contains(out, "1 not investigated") ||
		!regexp.MustCompile(`\s2\s+1\.33 h`).MatchString(out) {
		t.Errorf("availability:\n%s", out)
	}
	// Deleting a service that plans, outages and budgets refer to is
	// refused, naming them.
	if code, _, errOut := run(t, db, "ci", "delete", banking, "--yes"); code != 1 || !strings.Contains(errOut, "plan SM-09001 (the service it covers)") ||
		!strings.Contains(errOut, "rows of outage") || !strings.Contains(errOut, "budget line") {
		t.Errorf("deleting a referenced service: %d %s", code, errOut)
	}
	// This month has not ended: its figures are to date, never counting the
	// rest of the month as time the service was up; next year has not begun.
	thisMonth := time.Now().Format("2006-01")
	if out := mustRun(t, db, "availability", "--period", thisMonth); !strings.Contains(out, "met to date") || !strings.Contains(out, "To date: "+thisMonth+" has not ended") {
		t.Errorf("availability of this month:\n%s", out)
	}
	if code, _, errOut := run(t, db, "availability", "--period", fmt.Sprint(time.Now().Year()+1)); code != 1 || !strings.Contains(errOut, "has not begun") {
		t.Errorf("availability of next year: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, db, "outage", "add", "--service", banking, "--start", "yesterday"); code != 1 || !strings.Contains(errOut, "not a time") {
		t.Errorf("bad outage time: %d %s", code, errOut)
	}
}

// TestPlanPartsFromTheCommandLine: every part of a plan can be corrected
// and removed from a script, steps by the number plan show prints; a
// change to an approved plan says it opened a new version.
func TestPlanPartsFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	mustRun(t, db, "demo")
	payroll := refOf(t, mustRun(t, db, "search", "薪资发放"), "薪资发放 Payroll")
	mustRun(t, db, "plan", "new", "--doc", "SM-09002", "--title", "薪资发放连续性计划", "--service", payroll, "--rto", "8h")
	mustRun(t, db, "plan", "step", "SM-09002", "--phase", "activation", "--action", "Declare", "--who", "HR lead", "--takes", "30m")
	mustRun(t, db, "plan", "step", "add", "SM-09002", "--phase", "recovery", "--action", "Run payrol", "--who", "HR lead", "--takes", "2h", "--after", "1")
	if code, _, errOut := run(t, db, "plan", "step", "SM-09002", "--phase", "recovery", "--action", "x", "--after", "7"); code != 1 || !strings.Contains(errOut, "has no step 7") {
		t.Errorf("--after a step that does not exist: %d %s", code, errOut)
	}
	mustRun(t, db, "plan", "role", "SM-09002", "HR lead", "--primary", "赵敏", "--alternate", "钱进", "--alternate-phone", "010-1234")
	mustRun(t, db, "plan", "copy", "SM-09002", "--holder", "HR office")
	out := mustRun(t, db, "plan", "show", "SM-09002")
	if !regexp.MustCompile(`(?m)^ *2 +recovery +2 +HR lead +Run payrol +2 h +1$`).MatchString(out) || !strings.Contains(out, "HR office") {
		t.Errorf("plan show (steps by number, after by number, distribution):\n%s", out)
	}
	mustRun(t, db, "plan", "approve", "SM-09002", "--by", "李总")
	if out := mustRun(t, db, "plan", "step", "edit", "SM-09002", "2", "--action", "Run payroll"); !strings.Contains(out, "version 1.1") {
		t.Errorf("correcting a typo in an approved plan: %s", out)
	}
	if out := mustRun(t, db, "plan", "set", "SM-09002", "--classification", "机密", "--rpo", "1h", "--scope", "月度工资"); !strings.Contains(out, "version 1.1") {
		t.Errorf("plan set: %s", out)
	}
	mustRun(t, db, "plan", "step", "remove", "SM-09002", "1")
	mustRun(t, db, "plan", "role", "remove", "SM-09002", "HR lead")
	mustRun(t, db, "plan", "copy", "edit", "SM-09002", "1", "--location", "北京")
	mustRun(t, db, "plan", "copy", "remove", "SM-09002", "1")
	out = mustRun(t, db, "plan", "show", "SM-09002")
	for _, want := range []string{"机密", "月度工资", "1 h", "no copies issued", "step changed: Run payroll"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan show lacks %q:\n%s", want, out)
		}
	}
	ex := regexp.MustCompile(`exercise (\d+)`).FindStringSubmatch(mustRun(t, db, "exercise", "add", "SM-09002", "--kind", "walkthrough", "--held", "2026-11-02", "--result", "passed"))[1]
	mustRun(t, db, "exercise", "edit", ex, "--findings", "all steps clear")
	act := regexp.MustCompile(`action (\d+)`).FindStringSubmatch(mustRun(t, db, "action", "add", "SM-09002", "--description", "Print the plan"))[1]
	mustRun(t, db, "action", "edit", act, "--owner", "赵敏", "--due", "2026-12-01")
	mustRun(t, db, "action", "remove", act)
	mustRun(t, db, "exercise", "remove", ex)
	mustRun(t, db, "target", "set", payroll, "--percent", "99.5", "--hours", "工作日 08:00-18:00")
	if out := mustRun(t, db, "target", "list"); !strings.Contains(out, "99.5 %") {
		t.Errorf("target list:\n%s", out)
	}
	o := regexp.MustCompile(`outage (\d+)`).FindStringSubmatch(mustRun(t, db, "outage", "add", "--service", payroll, "--start", "2026-11-03 09:00", "--end", "2026-11-03 09:30"))[1]
	if code, _, errOut := run(t, db, "outage", "add", "--service", payroll, "--start", "2026-11-03 09:15"); code != 1 || !strings.Contains(errOut, "outage "+o) {
		t.Errorf("an overlapping outage: %d %s", code, errOut)
	}
	mustRun(t, db, "outage", "edit", o, "--end", "2026-11-03 10:00", "--description", "VPN")
	mustRun(t, db, "outage", "remove", o)
	mustRun(t, db, "target", "remove", payroll)
	if code, _, errOut := run(t, db, "exercise", "add", "SM-09002", "--kind", "tabletop", "--held", "2099-01-01", "--result", "passed"); code != 1 || !strings.Contains(errOut, "future") {
		t.Errorf("an exercise held in the future: %d %s", code, errOut)
	}
}

func TestBudgetImportFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	mustRun(t, db, "budget", "fy", "new", "2027")
	csv := filepath.Join(dir, "预算.csv")
	os.WriteFile(csv, []byte("2026 预算\n服务,类别,项目,1月,2月,合计\n网上银行,许可证,维保,\"¥1,000.00\",\"(200)\",800\n合计,,,1000,-200,800\n"), 0o600)
	if out := mustRun(t, db, "budget", "import", csv, "--fy", "2027", "--dry-run"); !strings.Contains(out, "lines new: 1") || !strings.Contains(out, "total rows checked against the lines above them and left out: 1") ||
		!strings.Contains(out, "Money: 800.00 CNY in the file's lines, 800.00 CNY stored by the import") {
		t.Errorf("dry run: %s", out)
	}
	mustRun(t, db, "budget", "import", csv, "--fy", "2027")
	if out := mustRun(t, db, "budget", "lines", "--fy", "2027"); !strings.Contains(out, "800.00") || !strings.Contains(out, "licences") {
		t.Errorf("lines:\n%s", out)
	}
	pool := filepath.Join(dir, "机房.csv")
	os.WriteFile(pool, []byte("费用池,类别,项目,1月\n数据中心,设施,电费,\"3,000\"\n"), 0o600)
	mustRun(t, db, "budget", "import", pool, "--fy", "2027")
	if code, _, errOut := run(t, db, "budget", "allocate", "--fy", "2027"); code != 1 || !strings.Contains(errOut, "No allocation rule") {
		t.Errorf("allocate without a rule: %d %s", code, errOut)
	}
	mustRun(t, db, "budget", "rule", "--fy", "2027", "--pool", "数据中心", "--method", "percent", "--share", "网上银行=70", "--share", "手机银行=30%")
	if out := mustRun(t, db, "budget", "allocate", "--fy", "2027"); !strings.Contains(out, "2,100.00") || !strings.Contains(out, "900.00") {
		t.Errorf("allocation:\n%s", out)
	}
	act := filepath.Join(dir, "实际.csv")
	os.WriteFile(act, []byte("服务,类别,1月\n网上银行,许可证,\"1,500\"\n"), 0o600)
	mustRun(t, db, "budget", "actuals", "import", act, "--fy", "2027")
	mustRun(t, db, "budget", "actuals", "add", "--fy", "2027", "--service", "数据中心", "--category", "设施", "--month", "2", "--amount", "¥2,900")
	if out := mustRun(t, db, "budget", "actuals", "list", "--fy", "2027"); !strings.Contains(out, "1,500.00") || !strings.Contains(out, "2,900.00") {
		t.Errorf("actuals list:\n%s", out)
	}
	if code, _, errOut := run(t, db, "budget", "actuals", "add", "--fy", "2027", "--service", "数据中心", "--category", "设施", "--month", "2", "--amount", "lots"); code != 1 || !strings.Contains(errOut, `--amount "lots"`) {
		t.Errorf("bad amount: %d %s", code, errOut)
	}
	out := mustRun(t, db, "budget", "report", "--fy", "2027", "--service", refOf(t, mustRun(t, db, "search", "网上银行"), "网上银行 Internet banking"))
	// January: budget 1,000 + allocated 2,100 = 3,100 planned; actual 1,500: −1,600 (−51.6 %).
	if !strings.Contains(out, "-1,600.00") || !strings.Contains(out, "-51.6 %") {
		t.Errorf("report:\n%s", out)
	}
	// Totals first: finance reconciles against them. Money is right-aligned.
	if out := mustRun(t, db, "budget", "report", "--fy", "2026"); !regexp.MustCompile(`TOTAL \(6 services\) +20,100,000.00 +16,600,000.00`).MatchString(out) ||
		!strings.Contains(out, "to date, the months with actuals (2026-01 to 2026-10)") {
		t.Errorf("report totals:\n%s", out)
	}
	if out := mustRun(t, db, "budget", "report", "--fy", "2026", "--by", "category"); !strings.Contains(out, "facilities") || !strings.Contains(out, "capex") ||
		!regexp.MustCompile(`TOTAL +20,100,000.00`).MatchString(out) {
		t.Errorf("report by category:\n%s", out)
	}
	if out := mustRun(t, db, "budget", "change-cost", "--fy", "2026", refOf(t, mustRun(t, db, "search", "bj-san-01"), "bj-san-01")); !strings.Contains(out, "Internet banking") {
		t.Errorf("change cost:\n%s", out)
	}
	// A line by hand, its amounts, approval and revision, from a script.
	out = mustRun(t, db, "budget", "line", "add", "--fy", "2027", "--service", "网上银行", "--category", "外部服务", "--description", "渗透测试", "--year", "120,000")
	line := regexp.MustCompile(`Added line (\d+): CNY 120,000.00`).FindStringSubmatch(out)
	if line == nil {
		t.Fatalf("line add: %s", out)
	}
	if out := mustRun(t, db, "budget", "line", "set", line[1], "--fy", "2027", "--month", "12=30,000"); !strings.Contains(out, "CNY 140,000.00") {
		t.Errorf("line set: %s", out)
	}
	mustRun(t, db, "budget", "line", "approve", line[1], "--by", "李明")
	if code, _, errOut := run(t, db, "budget", "line", "set", line[1], "--fy", "2027", "--year", "1"); code != 1 || !strings.Contains(errOut, "approved") {
		t.Errorf("changing an approved line: %d %s", code, errOut)
	}
	if out := mustRun(t, db, "budget", "line", "revise", line[1]); !strings.Contains(out, "the approved line is kept") {
		t.Errorf("revise: %s", out)
	}
	prof := filepath.Join(dir, "p.csv")
	os.WriteFile(prof, []byte("业务,费用类,项目,1月\n网上银行,许可证,x,1\n"), 0o600)
	mustRun(t, db, "budget", "import", prof, "--fy", "2027", "--dry-run", "--map", "service=业务", "--map", "category=费用类", "--save-profile", "财务")
	if out := mustRun(t, db, "budget", "import", prof, "--fy", "2027", "--dry-run", "--profile", "财务"); !strings.Contains(out, "lines new: 1") {
		t.Errorf("import with a saved profile: %s", out)
	}
	// A column of money that no field takes refuses the file, naming it;
	// --ignore leaves it out on purpose and says so.
	extra := filepath.Join(dir, "extra.csv")
	os.WriteFile(extra, []byte("服务,类别,项目,1月,13月,备注\n网上银行,许可证,y,10,5,续约\n"), 0o600)
	if code, _, errOut := run(t, db, "budget", "import", extra, "--fy", "2027"); code != 1 || !strings.Contains(errOut, `column "13月": "13月" names month 13`) {
		t.Errorf("a thirteenth month: %d %s", code, errOut)
	}
	if out := mustRun(t, db, "budget", "import", extra, "--fy", "2027", "--ignore", "13月"); !strings.Contains(out, `Column "13月" left out as asked: amounts 1, totalling 5.00`) ||
		!strings.Contains(out, `Column "备注" is no budget field`) {
		t.Errorf("--ignore: %s", out)
	}
	if out := mustRun(t, db, "budget", "actuals", "import", act, "--fy", "2027", "--dry-run"); !strings.Contains(out, "1,500.00 CNY stored") {
		t.Errorf("actuals dry run: %s", out)
	}
	if code, _, errOut := run(t, db, "budget", "import", csv, "--fy", "2031"); code != 1 || !strings.Contains(errOut, "no fiscal year 2031") {
		t.Errorf("unknown fiscal year: %d %s", code, errOut)
	}
}

// TestRestoreFromTheCommandLine: a backup is checked, then restored only
// with --yes, and the database as it was is kept.
func TestRestoreFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	backup := filepath.Join(dir, "copy.db")
	mustRun(t, db, "backup", "--to", backup)
	mustRun(t, db, "ci", "add", "--type", "server", "--name", "after-the-backup")
	if code, _, errOut := run(t, db, "restore", backup); code != 1 || !strings.Contains(errOut, "passes its checks") || !strings.Contains(errOut, "--yes") {
		t.Errorf("restore without --yes: %d %s", code, errOut)
	}
	out := mustRun(t, db, "restore", backup, "--yes")
	if !strings.Contains(out, "It holds 96 CIs") || !strings.Contains(out, "kept as "+db+".before-restore-") {
		t.Errorf("restore: %s", out)
	}
	kept := regexp.MustCompile(`kept as (\S+)\.`).FindStringSubmatch(out)[1]
	if out := mustRun(t, kept, "search", "after-the-backup"); !strings.Contains(out, "after-the-backup") {
		t.Errorf("the database as it was lacks the CI added after the backup: %s", out)
	}
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("hello"), 0o600)
	if code, _, errOut := run(t, db, "restore", notes, "--yes"); code != 1 || !strings.Contains(errOut, "not a servicebook backup") {
		t.Errorf("restore from a text file: %d %s", code, errOut)
	}
}

// TestExportBinder: the binder of one plan is printed, the same --as-of
// gives the same bytes, and a plan that does not exist is named.
func TestExportBinder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "binder.db")
	mustRun(t, db, "--create", "demo")
	dir := t.TempDir()
	one, two := filepath.Join(dir, "one.pdf"), filepath.Join(dir, "two.pdf")
	for _, out := range []string{one, two} {
		if got := mustRun(t, db, "export", "binder", "--plan", "SM-02003", "--lang", "zh", "--as-of", "2026-11-24 09:00", out); !strings.Contains(got, "Printed 1 plan to") {
			t.Errorf("export binder said %q", got)
		}
	}
	a, _ := os.ReadFile(one)
	b, _ := os.ReadFile(two)
	if len(a) < 1000 || !bytes.Equal(a, b) || !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Errorf("two binders of SM-02003 at the same time: %d and %d bytes, equal %v", len(a), len(b), bytes.Equal(a, b))
	}
	if code, _, errOut := run(t, db, "export", "binder", "--plan", "SM-09999", filepath.Join(dir, "x.pdf")); code != 1 || !strings.Contains(errOut, "There is no plan SM-09999") {
		t.Errorf("an unknown plan: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a refused binder left a file")
	}
	// A controlled copy: every plan's register records the issue, and the
	// plan shows it.
	got := mustRun(t, db, "export", "binder", "--copy-for", "王建国", "--as-of", "2026-11-24 09:00", filepath.Join(dir, "copy.pdf"))
	for _, doc := range []string{"SM-02002", "SM-02003", "SM-02004"} {
		if !strings.Contains(got, doc+": copy ") || !strings.Contains(got, "recorded as issued to 王建国 on 2026-11-24") {
			t.Errorf("export binder --copy-for said %q", got)
		}
	}
	if show := mustRun(t, db, "plan", "show", "SM-02002"); !regexp.MustCompile(`王建国\s.*2026-11-24\s+1\.0`).MatchString(show) {
		t.Errorf("the distribution list after the issue:\n%s", show)
	}
}

// TestExportOffsiteAndVerify: the off-site pack from the command line, in
// a folder and encrypted; verify exits 0 on a whole pack and 1, naming the
// file, after one byte of it changed; open-pack unpacks the encrypted one.
func TestExportOffsiteAndVerify(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pack.db")
	mustRun(t, db, "--create", "demo")
	dir := t.TempDir()
	pack := filepath.Join(dir, "pack")
	out := mustRun(t, db, "export", "offsite", "--lang", "en", "--as-of", "2026-11-24 09:00", pack)
	for _, want := range []string{"continuity-binder.pdf", "records.xlsx", "servicebook.db", "budget-2026.pdf", "MANIFEST.txt"} {
		if !strings.Contains(out, want) {
			t.Errorf("export offsite said %q; no %s", out, want)
		}
	}
	if got := mustRun(t, db, "verify", pack); !strings.Contains(got, "Every file is there") {
		t.Errorf("verify said %q", got)
	}
	book := filepath.Join(pack, "records.xlsx")
	data, _ := os.ReadFile(book)
	data[100] ^= 0x20
	os.WriteFile(book, data, 0o600)
	if code, got, errOut := run(t, db, "verify", pack); code != 1 || !strings.Contains(got, "changed (size or SHA-256 differs): records.xlsx") || !strings.Contains(errOut, "does not match its manifest") {
		t.Errorf("verify of a changed pack: exit %d, %q, %q", code, got, errOut)
	}
	pass := filepath.Join(dir, "pass")
	os.WriteFile(pass, []byte("a passphrase of some length\n"), 0o600)
	sealed := filepath.Join(dir, "pack.age")
	mustRun(t, db, "export", "offsite", "--encrypt", "--passphrase-file", pass, filepath.Join(dir, "pack.zip"))
	if got := mustRun(t, db, "verify", "--passphrase-file", pass, sealed); !strings.Contains(got, "Every file is there") {
		t.Errorf("verify of the encrypted pack said %q", got)
	}
	if got := mustRun(t, db, "open-pack", "--passphrase-file", pass, sealed, filepath.Join(dir, "opened")); !strings.Contains(got, "Unpacked") {
		t.Errorf("open-pack said %q", got)
	}
}

// TestImportValueMapping: --value reads a type and a status the CMDB does
// not know as ones it does; a malformed --value is refused.
func TestImportValueMapping(t *testing.T) {
	db := filepath.Join(t.TempDir(), "values.db")
	mustRun(t, db, "--create", "demo")
	file := filepath.Join(t.TempDir(), "printers.csv")
	os.WriteFile(file, []byte("名称,类型,状态\nbj-prn-01,打印机,在修\n"), 0o600)
	if code, _, _ := run(t, db, "import", "cis", file); code != 1 {
		t.Errorf("unknown values were not refused: exit %d", code)
	}
	out := mustRun(t, db, "import", "cis", file, "--value", "type:打印机=server", "--value", "status:在修=maintenance")
	if !strings.Contains(out, "1 created") && !strings.Contains(out, "Imported") {
		t.Errorf("import with --value said %q", out)
	}
	if show := mustRun(t, db, "search", "bj-prn-01"); !strings.Contains(show, "server") || !strings.Contains(show, "maintenance") {
		t.Errorf("imported as %q", show)
	}
	if code, _, errOut := run(t, db, "import", "cis", file, "--value", "colour:red=blue"); code != 1 || !strings.Contains(errOut, "--value") {
		t.Errorf("a malformed --value: exit %d, %q", code, errOut)
	}
}
