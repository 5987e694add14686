package export

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"servicebook/audit"
	"servicebook/demo"
)

// TestAuditPrintoutsReadBack: the internal-audit checklist groups the
// checks under their 2018 clauses with the evidence and room for the
// auditor; the management-review pack has a section for each input of
// 9.3, with the sample bank's availability, the SAN's breach, the open
// configuration audit and the overdue actions; both in both languages.
func TestAuditPrintoutsReadBack(t *testing.T) {
	ctx := context.Background()
	src, db := sampleRecords(t)
	if err := demo.ConfigAudit(ctx, src.CMDB); err != nil {
		t.Fatal(err)
	}
	asrc := audit.Sources{DB: db, CMDB: src.CMDB, Continuity: src.Continuity, Budget: src.Budget, Capacity: src.Capacity}
	rep, err := audit.Run(ctx, asrc, audit.DefaultSettings, "赵敏 Zhao Min")
	if err != nil {
		t.Fatal(err)
	}
	pack, err := LoadReviewPack(ctx, asrc, rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(pack.Availability) == 0 || len(pack.Breaches) == 0 || len(pack.ConfigAudits) != 1 || len(pack.AuditActions) != 1 || len(pack.Actions) == 0 {
		t.Fatalf("pack: %d availability, %d breaches, %d audits, %d audit actions, %d actions", len(pack.Availability), len(pack.Breaches),
			len(pack.ConfigAudits), len(pack.AuditActions), len(pack.Actions))
	}
	for _, lang := range []struct {
		code            string
		checklist, pack []string
	}{
		{"en", []string{"Internal audit checklist", "§8.7.2 Service continuity management", "§8.2.6 Configuration management",
			"C01 Services without a continuity plan", "has no continuity plan", "Auditor's notes:", "□ major nonconformity", "Audited by: 赵敏 Zhao Min"},
			[]string{"1. Performance and conformity of the services and processes", "2. Resource levels", "3. Risks", "4. Results of audits",
				"5. Status of corrective actions", "6. Changes that could affect the services", "7. Opportunities for improvement",
				"bj-san-01 used TB", "CA-0001", "网上银行 Internet banking", "Prepared by: 赵敏 Zhao Min"}},
		{"zh", []string{"内部审核检查表", "§8.7.2 服务连续性管理", "审核人记录：", "□ 严重不符合"},
			[]string{"1. 服务和过程的绩效与符合性", "2. 资源水平", "3. 风险", "4. 审核结果", "5. 纠正措施的状态", "6. 可能影响服务的变更", "7. 改进机会", "编制人"}},
	} {
		opt := PDFOptions{Lang: lang.code, AsOf: rep.AsOf}
		for _, doc := range []struct {
			name  string
			write func(string) error
			words []string
		}{
			{"checklist", func(p string) error { return AuditChecklistPDF(p, rep, opt) }, lang.checklist},
			{"review", func(p string) error { return ReviewPackPDF(p, pack, opt) }, lang.pack},
		} {
			path := filepath.Join(t.TempDir(), doc.name+".pdf")
			if err := doc.write(path); err != nil {
				t.Fatal(err)
			}
			tool(t, "qpdf", "--check", path)
			text := strings.Join(strings.Fields(tool(t, "pdftotext", "-raw", path, "-")), " ")
			for _, w := range doc.words {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s does not say %q", lang.code, doc.name, w)
				}
			}
		}
	}
}
