package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAuditCommand: on the sample bank the audit prints every check with
// its clauses and findings, in English or Chinese, ends with exit status 3
// (there are major findings), and writes JSON other tools can read.
func TestAuditCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	code, out, _ := run(t, db, "audit", "--lang", "en", "--by", "张敏")
	if code != 3 || !strings.Contains(out, "run by 张敏") || !strings.Contains(out, "C01  Services without a continuity plan  [major; 2011 §6.3.1, 2018 §8.7.2]") ||
		!strings.Contains(out, "bj-san-01 used TB is forecast to reach its warning threshold") {
		t.Errorf("audit: %d\n%s", code, out)
	}
	code, out, _ = run(t, db, "audit", "--lang", "zh")
	if code != 3 || !strings.Contains(out, "审核准备情况") || !strings.Contains(out, "无连续性计划的服务") || !strings.Contains(out, "没有连续性计划") {
		t.Errorf("audit in Chinese: %d\n%s", code, out)
	}
	path := filepath.Join(dir, "audit.json")
	code, out, _ = run(t, db, "audit", "--format", "json", "--out", path)
	if code != 3 || !strings.Contains(out, "Wrote the audit report to") {
		t.Errorf("audit --out: %d %s", code, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Major  int
		Checks []struct {
			ID       string
			Findings []struct{ Record, Text string }
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil || rep.Major == 0 || len(rep.Checks) < 15 {
		t.Fatalf("the JSON: %v %+v", err, rep)
	}
	// The workbook: the checks and every finding, read back.
	book := filepath.Join(dir, "审核.xlsx")
	if code, out, _ = run(t, db, "audit", "--format", "xlsx", "--out", book, "--lang", "zh"); code != 3 {
		t.Fatalf("audit --format xlsx: %d %s", code, out)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checks, _ := f.GetRows("检查项")
	findings, _ := f.GetRows("发现")
	total := 0
	for _, c := range rep.Checks {
		total += len(c.Findings)
	}
	if len(checks) != len(rep.Checks)+1 || checks[1][1] != "无连续性计划的服务" || len(findings) != total+1 ||
		!strings.Contains(strings.Join(findings[1], " "), "没有连续性计划") {
		t.Errorf("the workbook: %d check rows, %d finding rows (want %d); %v", len(checks), len(findings), total+1, checks[1])
	}
	if code, _, errOut := run(t, db, "audit", "--format", "xlsx"); code != 2 || !strings.Contains(errOut, "--out") {
		t.Errorf("xlsx without --out: %d %s", code, errOut)
	}
	// The two printouts: the internal-audit checklist and the
	// management-review input pack, PDFs whose first page names them.
	for format, title := range map[string]string{"pdf": "Internal audit checklist", "review": "Management review input"} {
		path := filepath.Join(dir, format+".pdf")
		if code, out, _ := run(t, db, "audit", "--format", format, "--out", path, "--lang", "en"); code != 3 || !strings.Contains(out, "Wrote the audit report") {
			t.Fatalf("audit --format %s: %d %s", format, code, out)
		}
		data, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(data), "%PDF-") {
			t.Fatalf("%s: not a PDF (%v)", path, err)
		}
		if text, err := exec.Command("pdftotext", "-l", "1", path, "-").Output(); err != nil || !strings.Contains(string(text), title) {
			t.Errorf("%s: first page lacks %q (%v)", format, title, err)
		}
	}
}

// TestAuditSettingsCommand: the thresholds are shown, changed and kept;
// a nonsense value is refused by name.
func TestAuditSettingsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	mustRun(t, db, "demo")
	if out := mustRun(t, db, "audit-settings"); !strings.Contains(out, "exercise-months      12") {
		t.Errorf("defaults:\n%s", out)
	}
	if out := mustRun(t, db, "audit-settings", "--exercise-months", "6", "--over-budget-pct", "7.5"); !strings.Contains(out, "Saved") ||
		!strings.Contains(out, "exercise-months      6") || !strings.Contains(out, "over-budget-pct      7.5") {
		t.Errorf("set:\n%s", out)
	}
	if out := mustRun(t, db, "audit-settings"); !strings.Contains(out, "exercise-months      6") {
		t.Errorf("not kept:\n%s", out)
	}
	if code, _, errOut := run(t, db, "audit-settings", "--breach-days", "0"); code != 1 || !strings.Contains(errOut, "breach_days: must be at least 1") {
		t.Errorf("breach-days 0: %d %s", code, errOut)
	}
}
