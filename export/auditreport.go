package export

import (
	"fmt"
	"strconv"

	"servicebook/audit"
)

// evidenceRows is how many findings a check lists on paper; the workbook
// (audit --format xlsx) lists every one.
const evidenceRows = 40

// AuditChecklistPDF writes the internal-audit checklist to path: per
// clause of ISO/IEC 20000-1:2018, each check's requirement, the records
// looked at, the evidence found (the records that fall short, with
// references), and room for the auditor's notes, verdict and signature.
func AuditChecklistPDF(path string, rep audit.Report, opt PDFOptions) error {
	data, err := AuditChecklistPDFBytes(rep, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// AuditChecklistPDFBytes is AuditChecklistPDF into memory.
func AuditChecklistPDFBytes(rep audit.Report, opt PDFOptions) ([]byte, error) {
	d := newPDF(opt)
	d.title = d.t("Internal audit checklist — ISO/IEC 20000-1", "内部审核检查表 — ISO/IEC 20000-1")
	d.classification = d.t("Internal use", "内部使用")
	d.docNumber = d.t("Audit readiness ", "审核准备 ") + rep.AsOf.Format("2006-01-02")
	d.SetTitle(d.title, true)
	d.AddPage()
	d.heading(d.title, 0)
	d.reportFields(rep)
	byClause := rep.ByClause()
	for _, cl := range audit.Clauses {
		results := byClause[cl.Number]
		if len(results) == 0 {
			continue
		}
		d.heading(fmt.Sprintf("§%s %s", cl.Number, d.t(cl.Title, cl.TitleZh)), 1)
		for _, r := range results {
			d.checkEvidence(r)
		}
	}
	d.signature(rep.RunBy)
	return d.bytes("internal audit checklist")
}

// reportFields prints when the checks ran, who ran them and the counts.
func (d *pdfDoc) reportFields(rep audit.Report) {
	d.fields([][2]string{
		{d.t("As of", "截至"), rep.AsOf.Format("2006-01-02 15:04 MST")},
		{d.t("Run by", "执行人"), rep.RunBy},
		{d.t("Major findings", "严重发现"), strconv.Itoa(rep.Count(audit.Major))},
		{d.t("Minor findings", "一般发现"), strconv.Itoa(rep.Count(audit.Minor))},
		{d.t("Observations", "观察"), strconv.Itoa(rep.Count(audit.Observation))},
		{d.t("Thresholds", "阈值"), d.thresholds(rep.Settings)},
	})
}

// thresholds says the settings the checks ran with.
func (d *pdfDoc) thresholds(s audit.Settings) string {
	return fmt.Sprintf(d.t("plans exercised every %d months; capacity breaches within %d days; services over budget by more than %g %%; outages investigated within %d days; a configuration audit every %d months",
		"计划每 %d 个月演练；%d 天内的容量超限；超预算 %g %% 以上的服务；中断在 %d 天内调查；每 %d 个月进行配置审核"),
		s.ExerciseMonths, s.BreachDays, s.OverBudgetPct, s.InvestigateDays, s.ConfigAuditMonths)
}

// auditSeverity names a severity in the document's language.
func (d *pdfDoc) auditSeverity(s audit.Severity) string {
	switch s {
	case audit.Major:
		return d.t("major", "严重")
	case audit.Minor:
		return d.t("minor", "一般")
	}
	return d.t("observation", "观察")
}

// checkTitle is a check's title in the document's language.
func (d *pdfDoc) checkTitle(c audit.Check) string { return d.t(c.Title, c.TitleZh) }

// checkEvidence prints one check: what it asks, what it looked at, the
// records that fall short, and boxes for the auditor.
func (d *pdfDoc) checkEvidence(r audit.Result) {
	d.heading(fmt.Sprintf("%s  %s", r.ID, d.checkTitle(r.Check)), 2)
	result := d.t("Conforms: nothing found", "符合：未发现问题")
	if n := len(r.Findings); n > 0 {
		result = fmt.Sprintf(d.t("%d finding(s), %s", "%d 项发现（%s）"), n, d.auditSeverity(r.Severity))
	}
	d.fields([][2]string{
		{d.t("Clause", "条款"), fmt.Sprintf("ISO/IEC 20000-1:2018 §%s · 2011 §%s", r.Clause2018, r.Clause2011)},
		{d.t("Records looked at", "已检查记录"), strconv.Itoa(r.Looked)},
		{d.t("Result", "结果"), result},
	})
	if len(r.Findings) > 0 {
		rows := make([][]string, 0, min(len(r.Findings), evidenceRows)+1)
		for _, f := range r.Findings[:min(len(r.Findings), evidenceRows)] {
			owner := f.Owner
			if f.OwnRecord {
				owner += d.t(" (the auditor's own record)", "（审核人自己的记录）")
			}
			rows = append(rows, []string{orDash(f.Record), d.msg(f.Msg), owner})
		}
		if more := len(r.Findings) - evidenceRows; more > 0 {
			rows = append(rows, []string{"…", fmt.Sprintf(d.t("and %d more: the workbook (audit --format xlsx) lists every one", "另有 %d 项：工作簿（audit --format xlsx）列出全部"), more), ""})
		}
		d.table([]string{d.t("Record", "记录"), d.t("Evidence", "证据"), d.t("Owner", "负责人")}, []float64{16, 62, 22}, "LLL", rows, nil)
	}
	d.auditorBox()
}

// auditorBox is room for the auditor's notes and verdict.
func (d *pdfDoc) auditorBox() {
	const h = 22
	if d.GetY()+h+10 > d.pageBottom() {
		d.AddPage()
	}
	d.SetFont(fontName, "", 9)
	x, y := d.GetX(), d.GetY()
	d.SetDrawColor(150, 150, 150)
	d.Rect(x, y, d.contentWidth(), h, "D")
	d.SetXY(x+1.5, y+1)
	d.CellFormat(0, 5, d.t("Auditor's notes:", "审核人记录："), "", 1, "L", false, 0, "")
	d.SetXY(x, y+h+1)
	verdict := d.t("Verdict:   □ conforms   □ observation   □ minor nonconformity   □ major nonconformity",
		"结论：   □ 符合   □ 观察项   □ 一般不符合   □ 严重不符合")
	d.CellFormat(0, 6, verdict, "", 1, "L", false, 0, "")
	d.Ln(2)
}
