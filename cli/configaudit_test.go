package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigAuditStory: an internal auditor audits the Beijing network
// devices from the command line: starts the audit, prints the checklist,
// brings back the scanner's inventory (a column it has no place for is
// refused until left out), corrects one difference, accepts the rest,
// closes the audit and prints the report; the correction is in the CI's
// history under the audit's name.
func TestConfigAuditStory(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	mustRun(t, db, "demo")
	if out := mustRun(t, db, "config-audit", "list"); !strings.Contains(out, "CA-0001") || !strings.Contains(out, "1 of 3 findings open") {
		t.Errorf("the sample audit is not listed:\n%s", out)
	}
	out := mustRun(t, db, "config-audit", "start", "--title", "北京网络设备", "--type", "网络设备", "--location", "北京", "--auditor", "赵敏")
	if !strings.Contains(out, "Started CA-0002") || !strings.Contains(out, "3 CIs in scope") {
		t.Fatalf("start: %s", out)
	}
	for _, f := range []string{"checklist.pdf", "checklist.xlsx"} {
		if out := mustRun(t, db, "config-audit", "checklist", "CA-0002", filepath.Join(dir, f), "--lang", "zh"); !strings.Contains(out, "3 lines") {
			t.Errorf("checklist %s: %s", f, out)
		}
	}
	if code, _, errOut := run(t, db, "config-audit", "checklist", "CA-0002", filepath.Join(dir, "x.docx")); code != 2 || !strings.Contains(errOut, "FILE.pdf or FILE.xlsx") {
		t.Errorf("checklist .docx: %d %s", code, errOut)
	}
	inv := filepath.Join(dir, "scan.csv")
	os.WriteFile(inv, []byte("Hostname,Rack,Vendor\nbj-core-sw-1,北京主数据中心 Beijing DC,Cisco\nbj-core-sw-2,北京主数据中心 R12,Cisco\nbj-fw-1,北京主数据中心 Beijing DC,Huawei\n"), 0o600)
	code, _, errOut := run(t, db, "config-audit", "reconcile", "CA-0002", inv, "--by", "name", "--map", "location=Rack")
	if code != 1 || !strings.Contains(errOut, `row 2, column "Vendor"`) || !strings.Contains(errOut, "nothing was reconciled") {
		t.Fatalf("an unplaced column was not refused: %d %s", code, errOut)
	}
	out = mustRun(t, db, "config-audit", "reconcile", "CA-0002", inv, "--by", "name", "--map", "location=Rack", "--ignore", "Vendor")
	if !strings.Contains(out, "3 of 3 CIs matched, 2 as recorded") || !strings.Contains(out, "Differs: 1") || !strings.Contains(out, "Columns left out as asked: Vendor") {
		t.Fatalf("reconcile: %s", out)
	}
	out = mustRun(t, db, "config-audit", "show", "CA-0002")
	if !strings.Contains(out, "Location: 北京主数据中心 Beijing DC → 北京主数据中心 R12") {
		t.Fatalf("show:\n%s", out)
	}
	if code, _, errOut := run(t, db, "config-audit", "close", "CA-0002"); code != 1 || !strings.Contains(errOut, "1 open finding") {
		t.Errorf("close with a finding open: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, db, "config-audit", "resolve", "CA-0002", "--all", "--action", "--owner", "王伟"); code != 1 || !strings.Contains(errOut, "not a date") {
		t.Errorf("action without a due date: %d %s", code, errOut)
	}
	if out := mustRun(t, db, "config-audit", "resolve", "CA-0002", "--all", "--correct"); !strings.Contains(out, "ready to close") {
		t.Errorf("resolve: %s", out)
	}
	if out := mustRun(t, db, "config-audit", "close", "CA-0002"); !strings.Contains(out, "Closed CA-0002") {
		t.Errorf("close: %s", out)
	}
	if out := mustRun(t, db, "config-audit", "report", "CA-0002", filepath.Join(dir, "report.pdf")); !strings.Contains(out, "(closed)") {
		t.Errorf("report: %s", out)
	}
	sw := refOf(t, mustRun(t, db, "search", "bj-core-sw-2"), "bj-core-sw-2")
	if out := mustRun(t, db, "ci", "history", sw); !strings.Contains(out, "configuration audit CA-0002") || !strings.Contains(out, "北京主数据中心 R12") {
		t.Errorf("history of the corrected CI:\n%s", out)
	}
	if code, _, errOut := run(t, db, "config-audit", "show", "CA-x"); code != 2 || !strings.Contains(errOut, "CA-0001") {
		t.Errorf("a bad number: %d %s", code, errOut)
	}
}
