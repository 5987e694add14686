package export

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"servicebook/cmdb"
	"servicebook/demo"
	"servicebook/sheet"
)

// TestConfigAuditChecklistGoesRoundTheFloor prints the checklist of the
// Beijing data centre, fills it in as an auditor would (in Chinese), reads
// it back, resolves the findings and prints the report in both languages.
func TestConfigAuditChecklistGoesRoundTheFloor(t *testing.T) {
	ctx := context.Background()
	src, _ := sampleRecords(t)
	cm := src.CMDB
	a, err := cm.StartAudit(ctx, "北京主数据中心 2026 年度", cmdb.AuditScope{Location: "北京主数据中心"}, "赵敏")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := LoadConfigAudit(ctx, cm, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Lines) < 5 {
		t.Fatalf("only %d lines in the Beijing scope", len(doc.Lines))
	}
	dir := t.TempDir()
	for _, lang := range []string{"en", "zh"} {
		pdf := filepath.Join(dir, "checklist-"+lang+".pdf")
		if err := ChecklistPDF(pdf, doc, PDFOptions{Lang: lang, AsOf: workbookAsOf}); err != nil {
			t.Fatal(err)
		}
		tool(t, "qpdf", "--check", pdf)
		text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", pdf, "-")), " ")
		want := map[string][]string{"en": {"Configuration audit checklist", "Audited by", "Witnessed by", "Serial number"},
			"zh": {"配置审核检查表", "审核人", "陪同人", "序列号"}}[lang]
		for _, w := range append(want, "CA-0001", doc.Lines[0].Ref, doc.Lines[len(doc.Lines)-1].Ref, "赵敏") {
			if !strings.Contains(text, w) {
				t.Errorf("%s checklist PDF does not say %q", lang, w)
			}
		}
	}
	// The Chinese workbook, filled in on the floor.
	path := filepath.Join(dir, "checklist.xlsx")
	if err := ChecklistXLSX(path, doc, "zh"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.GetSheetList()[0] != "检查表" {
		t.Errorf("sheets = %v, want the checklist first", f.GetSheetList())
	}
	for i := range doc.Lines {
		row := i + 2
		seen := "是"
		if i == 1 {
			seen = "否"
		}
		f.SetCellValue("检查表", fmt.Sprintf("I%d", row), seen)
		if i == 2 {
			f.SetCellValue("检查表", fmt.Sprintf("L%d", row), "北京主数据中心 A07")
		}
	}
	extra := len(doc.Lines) + 2
	f.SetSheetRow("检查表", fmt.Sprintf("A%d", extra), &[]any{nil, nil, nil, nil, nil, nil, nil, nil, "是", "bj-unknown-01", "服务器", "北京主数据中心 A09", "SN-X1"})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	book, err := sheet.ReadFile(path, sheet.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	found, notRead := cmdb.ReadFoundBook(book, nil, nil)
	if len(found.Problems) > 0 || !found.Checklist {
		t.Fatalf("read back: %v", found.Problems)
	}
	if len(notRead) != 1 || notRead[0] != "说明" {
		t.Errorf("sheets not read = %v, want the About sheet named", notRead)
	}
	rec, err := cm.ReconcileAudit(ctx, a.ID, found, []string{"ref"}, false)
	if err != nil {
		t.Fatalf("%v: %v", err, rec.Problems)
	}
	if rec.Matched != len(doc.Lines) || rec.Count(cmdb.FindingNotFound) != 1 || rec.Count(cmdb.FindingDifferent) != 1 || rec.Count(cmdb.FindingNotRecorded) != 1 {
		t.Fatalf("reconciled: %+v", rec)
	}
	for _, f := range rec.Findings {
		how := cmdb.FindingResolution{How: cmdb.Corrected}
		if f.Kind == cmdb.FindingNotFound {
			how = cmdb.FindingResolution{How: cmdb.Actioned, Owner: "王伟", Due: "2026-12-31", Note: "查找设备"}
		}
		if _, err := cm.ResolveFindings(ctx, a.ID, []int64{f.ID}, how); err != nil {
			t.Fatalf("resolve %+v: %v", f, err)
		}
	}
	if _, err := cm.CloseAudit(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if doc, err = LoadConfigAudit(ctx, cm, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct {
		code  string
		words []string
	}{
		{"en", []string{"Configuration audit report", "Recorded, not found", "Found, not recorded", "Differs", "CMDB corrected",
			"Action raised (王伟, due 2026-12-31)", "Location: 北京主数据中心", "→ 北京主数据中心 A07", "checklist.xlsx"}},
		{"zh", []string{"配置审核报告", "有记录未找到", "找到但未记录", "不一致", "已更正", "已提出措施（王伟，到期 2026-12-31）"}},
	} {
		pdf := filepath.Join(dir, "report-"+lang.code+".pdf")
		if err := ConfigAuditReportPDF(pdf, doc, PDFOptions{Lang: lang.code, AsOf: workbookAsOf}); err != nil {
			t.Fatal(err)
		}
		tool(t, "qpdf", "--check", pdf)
		text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", pdf, "-")), " ")
		for _, w := range lang.words {
			if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s report does not say %q", lang.code, w)
			}
		}
		if strings.Contains(text, "DRAFT") || strings.Contains(text, "草案") {
			t.Errorf("%s: a closed audit's report is marked draft", lang.code)
		}
	}
}

// TestWorkbookCarriesConfigurationAudits: the full workbook has a sheet
// of configuration audits and one of their findings, resolutions included.
func TestWorkbookCarriesConfigurationAudits(t *testing.T) {
	ctx := context.Background()
	src, _ := sampleRecords(t)
	if err := demo.ConfigAudit(ctx, src.CMDB); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []struct{ code, audits, findings, corrected string }{
		{"en", "Configuration audits", "Audit findings", "CMDB corrected"},
		{"zh", "配置审核", "审核发现", "已更正"},
	} {
		data, err := WorkbookBytes(ctx, src, WorkbookOptions{Lang: lang.code, AsOf: workbookAsOf, Zone: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		audits, _ := f.GetRows(lang.audits)
		findings, _ := f.GetRows(lang.findings)
		f.Close()
		if len(audits) != 2 || audits[1][0] != "CA-0001" || !strings.Contains(audits[1][2], "北京主数据中心") {
			t.Errorf("%s audits sheet: %v", lang.code, audits)
		}
		if len(findings) != 4 || !strings.Contains(strings.Join(findings[1], " "), lang.corrected) {
			t.Errorf("%s findings sheet: %v", lang.code, findings)
		}
	}
}
