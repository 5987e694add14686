package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"servicebook/audit"
	"servicebook/cmdb"
	"servicebook/demo"
)

// TestConfigAuditInTheWindow: the sample bank's audit is listed with its
// findings; an auditor starts an audit of the Beijing network devices,
// writes its checklist, brings back a scanner's inventory through the
// import wizard (a column it has no place for left out on purpose), sees
// the difference, corrects it, accepts the rest in bulk and closes the
// audit; the correction is in the CI's history under the audit's name.
func TestConfigAuditInTheWindow(t *testing.T) {
	ui := newRecordsUI(t)
	if err := demo.ConfigAudit(context.Background(), ui.store.CMDB); err != nil {
		t.Fatal(err)
	}
	ui.showScreen(ui.configAudits)
	s := ui.configAudits
	if len(s.audits) != 1 || len(s.findings) != 3 || !strings.Contains(stateText(s.audits[0]), "1 of 3 findings open") {
		t.Fatalf("the sample audit: %d audits, %d findings", len(s.audits), len(s.findings))
	}
	if s.closeAudit.Disabled() == false {
		t.Error("Close audit is offered with a finding open")
	}

	test.Tap(buttonLabelled(t, ui, "Start an audit…"))
	s.startInputs["title"].SetText("北京网络设备")
	s.startInputs["location"].SetText("北京")
	for i, ty := range s.types {
		if ty.Key == "network_device" {
			s.startType.SetSelectedIndex(i + 1)
		}
	}
	tapDialog(t, ui, "Start")
	a, _ := s.current()
	if len(s.audits) != 2 || a.Number() != "CA-0002" || a.Lines != 3 {
		t.Fatalf("after Start: %d audits, selected %+v (status %q)", len(s.audits), a, ui.status.Text)
	}
	if !strings.Contains(ui.status.Text, "CA-0002") {
		t.Errorf("status: %q", ui.status.Text)
	}
	dir := t.TempDir()
	book := filepath.Join(dir, "checklist.xlsx")
	s.checklistTo(book, false)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatalf("the checklist workbook: %v (status %q)", err, ui.status.Text)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if len(rows) != 4 || rows[0][0] != "Reference" {
		t.Errorf("checklist rows: %v", rows)
	}

	test.Tap(buttonLabelled(t, ui, "Reconcile what was found…"))
	w := ui.imports
	if ui.screens[ui.current] != screen(w) || w.kind != "inventory" || w.inventory.auditID != a.ID {
		t.Fatalf("Reconcile… shows screen %d, kind %q, audit %d", ui.current, w.kind, w.inventory.auditID)
	}
	inv := filepath.Join(dir, "scan.csv")
	os.WriteFile(inv, []byte("Hostname,Location,Vendor\nbj-core-sw-1,北京主数据中心 Beijing DC,Cisco\nbj-core-sw-2,北京主数据中心 R12,Cisco\nbj-fw-1,北京主数据中心 Beijing DC,Huawei\n"), 0o600)
	w.path = inv
	test.Tap(w.previewBtn)
	w.inventory.keySels[0].SetSelectedIndex(3) // by name first
	test.Tap(w.checkBtn)
	if text := strings.Join(w.resultLines(), "\n"); w.err == nil || !strings.Contains(text, `column "Vendor"`) {
		t.Fatalf("Vendor was not refused: %v\n%s", w.err, text)
	}
	w.ignoreChecks.SetSelected([]string{"Vendor"})
	test.Tap(w.checkBtn)
	if text := strings.Join(w.resultLines(), "\n"); w.err != nil || !strings.HasPrefix(text, "A dry run found") || !strings.Contains(text, "3 of 3 CIs matched, 2 as recorded") {
		t.Fatalf("dry run: %v\n%s", w.err, text)
	}
	test.Tap(w.importBtn)
	if w.err != nil || !strings.HasPrefix(w.resultLines()[0], "Reconciled") {
		t.Fatalf("reconcile: %v %v", w.err, w.resultLines())
	}

	ui.showScreen(s)
	if len(s.findings) != 1 || s.findings[0].Field != "location" {
		t.Fatalf("findings after reconciling: %+v", s.findings)
	}
	if text := s.findingText(s.findings[0]); text != "Location: 北京主数据中心 Beijing DC → 北京主数据中心 R12" {
		t.Errorf("finding reads %q", text)
	}
	test.Tap(buttonLabelled(t, ui, "Resolve…"))
	tapDialog(t, ui, "Resolve") // the default: correct the CMDB
	if s.findings[0].Resolution != cmdb.Corrected {
		t.Fatalf("after Resolve: %+v (status %q)", s.findings[0], ui.status.Text)
	}
	sw, err := ui.store.CMDB.CI(ui.ctx, s.findings[0].Ref)
	if err != nil || sw.Location != "北京主数据中心 R12" {
		t.Fatalf("the switch after correction: %+v %v", sw, err)
	}
	hist, _ := ui.store.CMDB.History(ui.ctx, sw.Ref)
	if last := hist[len(hist)-1]; last.Source != "configuration audit CA-0002" {
		t.Errorf("history source %q", last.Source)
	}
	if buttonLabelled(t, ui, "Close audit").Disabled() {
		t.Fatal("Close audit is off with every finding resolved")
	}
	test.Tap(buttonLabelled(t, ui, "Close audit"))
	tapDialog(t, ui, "Close audit")
	if a, _ := s.current(); !a.Closed() {
		t.Fatalf("not closed: %+v (status %q)", a, ui.status.Text)
	}

	// The sample audit: every open finding accepted at once.
	for i, a := range s.audits {
		if a.ID == 1 {
			s.selected = i
		}
	}
	s.load()
	ui.show(ui.current)
	test.Tap(buttonLabelled(t, ui, "Resolve…"))
	s.resolveScope.SetSelected(s.resolveScope.Options[2])
	s.resolveHow.SetSelected(s.resolveHow.Options[1])
	s.resolveInputs["note"].SetText("已核实")
	tapDialog(t, ui, "Resolve")
	if a, _ := s.current(); a.Open != 0 {
		t.Fatalf("bulk resolve left %d open (status %q)", a.Open, ui.status.Text)
	}
}

// TestReadinessFindingOpensTheAudit: the readiness check that finds an
// audit left open opens the Configuration audits screen at that audit.
func TestReadinessFindingOpensTheAudit(t *testing.T) {
	ui := newRecordsUI(t)
	if err := demo.ConfigAudit(context.Background(), ui.store.CMDB); err != nil {
		t.Fatal(err)
	}
	ui.showScreen(ui.audit)
	for _, r := range ui.audit.report.Results {
		if r.ID != "M03" {
			continue
		}
		var open *audit.Finding
		for i, f := range r.Findings {
			if f.Record == "CA-0001" {
				open = &r.Findings[i]
			}
		}
		if open == nil {
			t.Fatalf("M03 does not name CA-0001: %+v", r.Findings)
		}
		ui.audit.openFinding(*open)
		if ui.screens[ui.current] != screen(ui.configAudits) {
			t.Fatalf("the finding opened screen %d", ui.current)
		}
		if a, _ := ui.configAudits.current(); a.Number() != "CA-0001" {
			t.Errorf("selected %s", a.Number())
		}
		return
	}
	t.Fatal("no M03 result")
}

// TestCIDetailShowsInheritedRecoveryNeed: the SAN's detail says which RTO
// and RPO it inherits and, in warning colour, that its recorded recovery
// time does not meet them; the impact tab says the same above the tree.
func TestCIDetailShowsInheritedRecoveryNeed(t *testing.T) {
	ui := newContinuityUI(t)
	san, err := ui.store.CMDB.Search(ui.ctx, "bj-san-01", 1)
	if err != nil || len(san) == 0 {
		t.Fatal(err)
	}
	ui.dashboard.openCI(san[0])
	markup := test.RenderObjectToMarkup(ui.win.Content())
	for _, w := range []string{"Inherits RTO 2 h from SM-02003", "its recorded recovery time, 6 h, does not meet it", "RPO 5 min from SM-02003", `<text color="warning"`} {
		if !strings.Contains(markup, w) {
			t.Errorf("the SAN's detail does not show %q", w)
		}
	}
	ui.cis.tab = 3
	ui.cis.refreshDetail()
	if markup := test.RenderObjectToMarkup(ui.win.Content()); !strings.Contains(markup, "Inherits RTO 2 h from SM-02003") {
		t.Error("the impact tab does not say what the SAN inherits")
	}
}

// TestAuditTheListedCIs: Audit… on the CI list, filtered to servers in
// service, opens the start dialog with that scope, and the audit started
// covers exactly those CIs.
func TestAuditTheListedCIs(t *testing.T) {
	ui := newTestUI(t)
	c := ui.gotoCIs()
	c.typeKey, c.status = "server", cmdb.StatusInService
	c.reload()
	ui.show(ui.current)
	test.Tap(c.auditBtn)
	s := ui.configAudits
	if ui.screens[ui.current] != screen(s) || s.startType.Selected != "Server" || s.startStatus.Selected != "In service" {
		t.Fatalf("the start dialog: screen %d, type %q, status %q", ui.current, s.startType.Selected, s.startStatus.Selected)
	}
	s.startInputs["title"].SetText("servers in service")
	tapDialog(t, ui, "Start")
	a, _ := s.current()
	want, _, _ := ui.store.CMDB.ListCIs(ui.ctx, cmdb.Filter{TypeKey: "server", Status: cmdb.StatusInService})
	if a.Lines != len(want) || a.Scope.Status != cmdb.StatusInService || a.Scope.TypeKey != "server" {
		t.Fatalf("audit %+v covers %d CIs, want %d", a.Scope, a.Lines, len(want))
	}
}

// TestReconcileRefusalInChinese: bringing a second file to an audit whose
// findings are partly resolved is refused, in the window's language.
func TestReconcileRefusalInChinese(t *testing.T) {
	ui := newRecordsUI(t)
	if err := demo.ConfigAudit(context.Background(), ui.store.CMDB); err != nil {
		t.Fatal(err)
	}
	ui.SetLanguage(Chinese)
	ui.showScreen(ui.configAudits)
	test.Tap(ui.configAudits.reconcile)
	w := ui.imports
	path := filepath.Join(t.TempDir(), "scan.csv")
	os.WriteFile(path, []byte("Hostname\nbj-esx-01\n"), 0o600)
	w.path = path
	test.Tap(w.previewBtn)
	test.Tap(w.checkBtn)
	if text := strings.Join(w.resultLines(), "\n"); !strings.Contains(text, "CA-0001 已有处理过的发现") {
		t.Errorf("the refusal reads:\n%s", text)
	}
}

// TestStartAnAuditFromTheKeyboard: the start dialog is filled in and sent
// with the keyboard alone — Tab moves through the form, Enter starts.
func TestStartAnAuditFromTheKeyboard(t *testing.T) {
	ui := newTestUI(t)
	ui.showScreen(ui.configAudits)
	s := ui.configAudits
	test.Tap(s.start)
	c := ui.win.Canvas()
	c.Focus(s.startInputs["title"])
	typeKeys(ui, "全部配置项")
	c.FocusNext() // the type: left as every type
	if c.Focused() == nil {
		t.Fatal("Tab left the form")
	}
	c.Focus(s.startInputs["title"])
	s.startInputs["title"].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	a, ok := s.current()
	if !ok || a.Title != "全部配置项" || a.Lines == 0 {
		t.Fatalf("Enter did not start the audit: %+v (status %q)", a, ui.status.Text)
	}
}

// TestResolveWithEnter: in the resolve dialog, Enter in the note resolves.
func TestResolveWithEnter(t *testing.T) {
	ui := newRecordsUI(t)
	if err := demo.ConfigAudit(context.Background(), ui.store.CMDB); err != nil {
		t.Fatal(err)
	}
	ui.showScreen(ui.configAudits)
	s := ui.configAudits
	s.selFind = 2 // the server found but not recorded
	ui.show(ui.current)
	test.Tap(s.resolve)
	s.resolveHow.SetSelected(s.resolveHow.Options[1]) // the CMDB is right
	s.resolveInputs["note"].SetText("测试机，不入库")
	s.resolveInputs["note"].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if a, _ := s.current(); a.Open != 0 {
		t.Fatalf("Enter did not resolve: %d open (status %q)", a.Open, ui.status.Text)
	}
	if f := s.findings[2]; f.Resolution != cmdb.Accepted || f.Note != "测试机，不入库" {
		t.Errorf("finding: %+v", f)
	}
}
