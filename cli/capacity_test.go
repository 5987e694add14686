package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCapacityStory: an IT manager watches the SAN's storage, imports a
// monitoring export (a column per resource), imports it again (nothing
// new), and asks when the thresholds are reached, then what if demand
// grows by a fifth.
func TestCapacityStory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	san := refOf(t, mustRun(t, db, "search", "bj-san-01"), "bj-san-01")
	out := mustRun(t, db, "capacity", "resource", "add", san, "--metric", "used GB", "--unit", "GB", "--capacity", "1000",
		"--warning", "80%", "--critical", "900", "--buffer", "5", "--name", "SAN used GB")
	if !strings.Contains(out, "capacity 1000 GB (usable 950), warning 800, critical 900") {
		t.Errorf("resource add: %s", out)
	}
	var csv strings.Builder
	csv.WriteString("Time,SAN used GB\n")
	start := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
	for i := range 40 {
		fmt.Fprintf(&csv, "%s,%d\n", start.AddDate(0, 0, i).Format("2006-01-02 15:04"), 700+3*i)
	}
	path := filepath.Join(dir, "vrops.csv")
	os.WriteFile(path, []byte(csv.String()), 0o600)
	if out = mustRun(t, db, "capacity", "samples", "import", path, "--zone", "UTC"); !strings.Contains(out, "Imported 40 samples") {
		t.Errorf("import: %s", out)
	}
	if out = mustRun(t, db, "capacity", "samples", "import", path, "--zone", "UTC"); !strings.Contains(out, "Imported 0 samples") ||
		!strings.Contains(out, "40 samples were already there") {
		t.Errorf("import again: %s", out)
	}
	if out = mustRun(t, db, "capacity", "resource", "list"); !strings.Contains(out, "SAN used GB") || !strings.Contains(out, "817 (2026-11-09)") {
		t.Errorf("resource list:\n%s", out)
	}
	// 817 on 2026-11-09, 3 GB a day: 900 in 28 days, the usable 950 in 45.
	out = mustRun(t, db, "capacity", "forecast", "SAN used GB", "--horizon", "90d")
	for _, want := range []string{"warning (800 GB): already reached", "critical (900 GB): reached in 28 days, about 2026-12-07",
		"usable capacity (950 GB): reached in 45 days"} {
		if !strings.Contains(out, want) {
			t.Errorf("forecast lacks %q:\n%s", want, out)
		}
	}
	out = mustRun(t, db, "capacity", "forecast", "SAN used GB", "--horizon", "10d", "--what-if", "+20%")
	if !strings.Contains(out, "What if demand changes by +20 %") || !strings.Contains(out, "critical (900 GB): reached in 1 day,") {
		t.Errorf("what-if:\n%s", out)
	}
	code, _, errOut := run(t, db, "capacity", "forecast", "nothing")
	if code == 0 || !strings.Contains(errOut, `no resource named "nothing"`) {
		t.Errorf("unknown resource: %d %s", code, errOut)
	}
}

// TestCapacityPlanCommands: the sample bank's draft capacity plan is
// listed with its flags, shown with its resources and checks, refused to
// its owner and, without a reason, while the SAN breaches with no upgrade;
// approved with a reason it is 1.0; a change opens 1.1; a review sets the
// next review; a new plan for two services covers both services'
// resources.
func TestCapacityPlanCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	mustRun(t, db, "demo")
	out := mustRun(t, db, "capacity", "plan", "list")
	if !strings.Contains(out, "SM-03001") || !strings.Contains(out, "DRAFT") || !strings.Contains(out, "DRAFT, 1 breach in 180 days, no upgrade") {
		t.Errorf("plan list:\n%s", out)
	}
	out = mustRun(t, db, "capacity", "plan", "show", "SM-03001")
	for _, want := range []string{"[DRAFT]", "Capacity and performance requirements:", "bj-san-01 used TB", "reached in 36 days",
		"error   bj-san-01 used TB is forecast to reach its warning threshold", "first draft", "IT 总监办公室"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan show lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := run(t, db, "capacity", "plan", "approve", "SM-03001", "--by", "王伟 Wang Wei (IT ops)"); code == 0 || !strings.Contains(errOut, "cannot approve it") {
		t.Errorf("the owner approved: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, db, "capacity", "plan", "approve", "SM-03001", "--by", "李明"); code == 0 || !strings.Contains(errOut, "Give a reason") {
		t.Errorf("approved despite the breach: %d %s", code, errOut)
	}
	out = mustRun(t, db, "capacity", "plan", "approve", "SM-03001", "--by", "李明", "--reason", "SAN 扩容已列入 2027 年预算申请")
	if !strings.Contains(out, "approved as version 1.0 by 李明") {
		t.Errorf("approve: %s", out)
	}
	if out = mustRun(t, db, "capacity", "plan", "set", "SM-03001", "--demand", "2027 年并发用户预计增长 30%"); !strings.Contains(out, "version 1.0 → 1.1") {
		t.Errorf("set: %s", out)
	}
	if out = mustRun(t, db, "capacity", "plan", "review", "SM-03001", "--by", "张敏", "--outcome", "update", "--comment", "加入 SAN 扩容"); !strings.Contains(out, "next review 2027-") {
		t.Errorf("review: %s", out)
	}
	out = mustRun(t, db, "capacity", "plan", "show", "SM-03001")
	if !strings.Contains(out, "revised") || !strings.Contains(out, "approved despite 1 check(s) failing") || !strings.Contains(out, "changed: demand") ||
		!strings.Contains(out, "加入 SAN 扩容") {
		t.Errorf("plan show after approval, change and review:\n%s", out)
	}
	out = mustRun(t, db, "capacity", "plan", "new", "--doc", "SM-03002", "--title", "柜面与网银", "--service", "网上银行 Internet banking",
		"--service", "柜面业务", "--owner", "王伟")
	if !strings.Contains(out, "version 0.1 (DRAFT)") || !strings.Contains(out, "6 resources") {
		t.Errorf("plan new: %s", out)
	}
	if code, _, errOut := run(t, db, "capacity", "plan", "new", "--doc", "SM-03003", "--title", "x", "--service", "bj-san-01"); code == 0 || errOut == "" {
		t.Errorf("a plan for a storage array: %d %s", code, errOut)
	}
	// The WAN upgrade costs more and comes a week later: its proposed line
	// follows; moved into a year with no budget yet, it waits for one.
	if out = mustRun(t, db, "capacity", "upgrade", "set", "1", "--cost", "¥200,000", "--date", "2026-12-22"); !strings.Contains(out, "cost 200,000.00") ||
		!strings.Contains(out, "Its budget line:") {
		t.Errorf("upgrade set: %s", out)
	}
	if out = mustRun(t, db, "capacity", "upgrade", "set", "1", "--date", "2027-01-15"); !strings.Contains(out, "No fiscal year holds 2027-01-15") {
		t.Errorf("upgrade set into 2027: %s", out)
	}
	// What if: a RAC node is lost; a new service's load arrives.
	out = mustRun(t, db, "capacity", "forecast", "bj-db-01 CPU %", "--lose", "bj-db-02", "--horizon", "90d")
	if !strings.Contains(out, "What if CI-000025 drops out of its redundancy group: this resource takes over") ||
		!strings.Contains(out, "warning (70 %): reached in") {
		t.Errorf("--lose:\n%s", out)
	}
	out = mustRun(t, db, "capacity", "forecast", "网上银行 concurrent users", "--add-load", "12000", "--from", "2027-01-01")
	if !strings.Contains(out, "What if a new load of 12000 users comes from 2027-01-01") {
		t.Errorf("--add-load:\n%s", out)
	}
	if code, _, errOut := run(t, db, "capacity", "forecast", "bj-san-01 used TB", "--lose", "bj-san-01"); code == 0 || !strings.Contains(errOut, "in no redundancy group") {
		t.Errorf("--lose of a CI in no group: %d %s", code, errOut)
	}
}

// TestSamplesImportWithAMapping: an export whose headers are not
// recognised is refused until its columns are mapped; the mapping is
// saved as a profile and the next export of the same layout imports with
// it; a mapping of no such field is refused.
func TestSamplesImportWithAMapping(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	path := filepath.Join(dir, "vrops.csv")
	os.WriteFile(path, []byte("Collected At,Object,Metric Value\n2026-11-21 08:00,bj-san-01 used TB,157.6\n2026-11-22 08:00,bj-san-01 used TB,157.7\n"), 0o600)
	if code, _, errOut := run(t, db, "capacity", "samples", "import", path); code == 0 || !strings.Contains(errOut, "no header naming a time column") {
		t.Errorf("unrecognised headers: %d %s", code, errOut)
	}
	out := mustRun(t, db, "capacity", "samples", "import", path, "--zone", "Asia/Shanghai", "--map", "time=Collected At",
		"--map", "resource=Object", "--map", "value=Metric Value", "--save-profile", "vROps 导出", "--dry-run")
	if !strings.Contains(out, "Would import (dry run, nothing written) 2 samples") {
		t.Errorf("mapped: %s", out)
	}
	if out = mustRun(t, db, "capacity", "samples", "import", path, "--zone", "Asia/Shanghai", "--profile", "vROps 导出"); !strings.Contains(out, "Imported 2 samples") {
		t.Errorf("with the profile: %s", out)
	}
	if code, _, errOut := run(t, db, "capacity", "samples", "import", path, "--map", "when=Collected At"); code == 0 || !strings.Contains(errOut, `"when" is not a column of a samples file`) {
		t.Errorf("a mapping of no field: %d %s", code, errOut)
	}
}

// TestUpgradeWaitsForItsYear: a costed upgrade planned in a year the budget
// does not have yet waits; creating the year proposes its line.
func TestUpgradeWaitsForItsYear(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	mustRun(t, db, "demo")
	out := mustRun(t, db, "capacity", "upgrade", "add", "bj-san-01 used TB", "--date", "2028-03-01", "--adds", "40", "--cost", "¥250,000",
		"--service", "网上银行 Internet banking")
	if !strings.Contains(out, "No fiscal year holds 2028-03-01") {
		t.Fatalf("upgrade add in 2028: %s", out)
	}
	mustRun(t, db, "budget", "fy", "new", "2028")
	if out := mustRun(t, db, "budget", "lines", "--fy", "2028"); !strings.Contains(out, "250,000.00") || !strings.Contains(out, "capacity upgrade") {
		t.Errorf("2028's lines after creating the year:\n%s", out)
	}
}
