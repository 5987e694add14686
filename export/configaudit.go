package export

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"servicebook/cmdb"
	"servicebook/store"
)

// ConfigAuditDoc is a configuration audit with what its printouts need:
// the frozen lines, the findings and the CI types' names.
type ConfigAuditDoc struct {
	Audit    cmdb.ConfigAudit
	Lines    []cmdb.AuditLine
	Findings []cmdb.AuditFinding
	Types    []cmdb.Type
}

// LoadConfigAudit reads audit id for printing.
func LoadConfigAudit(ctx context.Context, cm *cmdb.Store, id int64) (ConfigAuditDoc, error) {
	var doc ConfigAuditDoc
	var err error
	if doc.Audit, err = cm.Audit(ctx, id); err != nil {
		return doc, err
	}
	if doc.Lines, err = cm.AuditLines(ctx, id); err != nil {
		return doc, err
	}
	if doc.Findings, err = cm.AuditFindings(ctx, id); err != nil {
		return doc, err
	}
	doc.Types, err = cm.Types(ctx)
	return doc, err
}

// typeName is a type's name in lang, as the checklist prints it and the
// reconciliation reads it back.
func (doc ConfigAuditDoc) typeName(key, lang string) string {
	for _, t := range doc.Types {
		if t.Key == key {
			if lang == "zh" && t.NameZh != "" {
				return t.NameZh
			}
			return t.Name
		}
	}
	return key
}

// statusWord is a CI status as printed on a checklist, read back by
// cmdb.ParseStatus.
func statusWord(s cmdb.Status, lang string) string {
	if lang == "zh" {
		return s.LabelZh()
	}
	return s.Label()
}

// checklistColumns are the checklist's columns: what was recorded, then
// blank columns for what was found. Their headers are the names
// cmdb.ReadFound knows, in both languages.
var checklistColumns = []column{
	{"Reference", "编号", 12}, {"Type", "类型", 14}, {"Name", "名称", 22}, {"Location", "位置", 22},
	{"Serial number", "序列号", 16}, {"IP address", "IP地址", 14}, {"Owner", "负责人", 12}, {"Status", "状态", 12},
	{"Seen (yes/no)", "是否找到（是/否）", 12}, {"Found name", "实际名称", 18}, {"Found type", "实际类型", 14},
	{"Found location", "实际位置", 18}, {"Found serial number", "实际序列号", 16}, {"Found IP address", "实际IP地址", 14},
	{"Found owner", "实际负责人", 12}, {"Found status", "实际状态", 12}, {"Notes", "备注", 30},
}

// ChecklistXLSX writes the audit's checklist to path: a line per CI as
// recorded when the audit started, with a Seen column (a yes/no list) and
// blank Found columns to fill in on the floor, and an About sheet saying
// how. The filled-in file is what `config-audit reconcile` reads back.
func ChecklistXLSX(path string, doc ConfigAuditDoc, lang string) error {
	if !strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return store.Errorf(store.EInvalid, "%s: choose a file name ending in .xlsx", path)
	}
	data, err := ChecklistXLSXBytes(doc, lang)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// ChecklistXLSXBytes is ChecklistXLSX into memory.
func ChecklistXLSXBytes(doc ConfigAuditDoc, lang string) ([]byte, error) {
	a := doc.Audit
	b, err := newBook(WorkbookOptions{Lang: lang, AsOf: a.StartedAt})
	if err != nil {
		return nil, err
	}
	defer b.f.Close()
	err = b.sheet("Checklist", "检查表", checklistColumns, func(add func(...any) error) error {
		for _, l := range doc.Lines {
			if err := add(l.Ref, doc.typeName(l.TypeKey, lang), text(l.Name), text(l.Location), text(l.Serial), text(l.IP),
				text(l.Owner), statusWord(l.Status, lang)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	name := b.t("Checklist", "检查表")
	seenCol, _ := excelize.ColumnNumberToName(9)
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", seenCol, seenCol, len(doc.Lines)+200))
	if err := dv.SetDropList([]string{b.t("yes", "是"), b.t("no", "否")}); err != nil {
		return nil, err
	}
	if err := b.f.AddDataValidation(name, dv); err != nil {
		return nil, err
	}
	if err := b.f.MoveSheet(name, b.t("About", "说明")); err != nil {
		return nil, err
	}
	b.f.SetActiveSheet(0)
	about := b.t("About", "说明")
	for i, row := range [][]any{
		{b.t("Configuration audit checklist", "配置审核检查表")},
		{},
		{b.t("Audit", "审核"), a.Number() + " " + a.Title},
		{b.t("Scope", "范围"), a.Scope.Text(lang, func(k string) string { return doc.typeName(k, lang) })},
		{b.t("Auditor", "审核人"), a.Auditor},
		{b.t("Recorded as of", "记录截至"), a.StartedAt.Format("2006-01-02 15:04 MST")},
		{b.t("CIs", "配置项数"), len(doc.Lines)},
		{},
		{b.t("How to fill it in", "填写说明")},
		{"1", b.t("For each line, write yes under Seen if the CI is there, no if it is not.", "逐行核对：找到的在“是否找到”填“是”，找不到的填“否”。")},
		{"2", b.t("Where what you see differs, write it under the Found column; leave the printed values as they are.", "与记录不符时，在相应的“实际…”列填写所见内容，不要修改打印的记录值。")},
		{"3", b.t("Add a line at the bottom, with no reference, for each item you find that is not listed.", "发现未列出的项目时，在表末新增一行，编号留空。")},
		{"4", b.t("Bring the file back: servicebook config-audit reconcile, or CMDB → Configuration audits → Reconcile.", "交回文件：servicebook config-audit reconcile，或在“配置管理 → 配置审核 → 核对”中导入。")},
	} {
		if err := b.f.SetSheetRow(about, fmt.Sprintf("A%d", i+1), &row); err != nil {
			return nil, err
		}
	}
	b.f.SetColWidth(about, "A", "A", 18)
	b.f.SetColWidth(about, "B", "B", 90)
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the checklist: %w", err)
	}
	return canonicalZip(buf.Bytes())
}

// ChecklistPDF writes the audit's checklist to path as PDF, landscape: a
// line per CI with boxes for what was found, and a signature block.
func ChecklistPDF(path string, doc ConfigAuditDoc, opt PDFOptions) error {
	data, err := ChecklistPDFBytes(doc, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// ChecklistPDFBytes is ChecklistPDF into memory.
func ChecklistPDFBytes(doc ConfigAuditDoc, opt PDFOptions) ([]byte, error) {
	opt.Landscape = true
	d := newPDF(opt)
	a := doc.Audit
	d.title = a.Number() + " " + d.t("Configuration audit checklist", "配置审核检查表")
	d.docNumber = a.Number()
	d.classification = d.t("Internal use", "内部使用")
	d.SetTitle(d.title, true)
	d.AddPage()
	d.heading(d.t("Configuration audit checklist", "配置审核检查表")+" — "+a.Title, 0)
	d.auditFields(doc)
	d.paragraph(d.t("Tick Seen (✓ or ×) for each line. Where what you see differs, write it in the Found column as field: value (location: A07). Add the items you find that are not listed on the blank lines at the end.",
		"逐行在“找到”栏打 ✓ 或 ×。与记录不符时，在“实际情况”栏写明 字段：实际值（如 位置：A07）。未列出的项目写在表末空行。"))
	rows := make([][]string, 0, len(doc.Lines)+8)
	for i, l := range doc.Lines {
		rows = append(rows, []string{strconv.Itoa(i + 1), l.Ref, doc.typeName(l.TypeKey, opt.Lang), l.Name, l.Location, l.Serial,
			l.IP, l.Owner, d.status(l.Status), "□", "", ""})
	}
	for i := 0; i < 8; i++ {
		rows = append(rows, []string{strconv.Itoa(len(doc.Lines) + i + 1), "", "", "", "", "", "", "", "", "□", "", ""})
	}
	d.table([]string{"#", d.t("Reference", "编号"), d.t("Type", "类型"), d.t("Name", "名称"), d.t("Location", "位置"),
		d.t("Serial number", "序列号"), d.t("IP address", "IP地址"), d.t("Owner", "负责人"), d.t("Status", "状态"),
		d.t("Seen", "找到"), d.t("Found (field: value)", "实际情况（字段：值）"), d.t("Notes", "备注")},
		[]float64{3, 9, 8, 11, 11, 9, 7, 11, 7, 5, 12, 9}, "RLLLLLLLLCLL", rows, nil)
	d.signature(a.Auditor)
	return d.bytes("checklist")
}

// auditFields prints an audit's particulars.
func (d *pdfDoc) auditFields(doc ConfigAuditDoc) {
	a := doc.Audit
	d.fields([][2]string{
		{d.t("Audit", "审核"), a.Number() + " " + a.Title},
		{d.t("Scope", "范围"), a.Scope.Text(d.opt.Lang, func(k string) string { return doc.typeName(k, d.opt.Lang) })},
		{d.t("Auditor", "审核人"), a.Auditor},
		{d.t("Started", "开始"), a.StartedAt.Format("2006-01-02 15:04 MST") + " " + d.t("by", "由") + " " + a.StartedBy},
		{d.t("Recorded as", "记录依据"), d.t("baseline ", "基线 ") + a.BaselineName},
		{d.t("CIs in scope", "范围内配置项"), strconv.Itoa(len(doc.Lines))},
	})
}

// signature prints lines for the auditor's and a witness' signatures:
// the name on half the width (names here run long: 赵敏 Zhao Min
// (internal audit)), the date and the signature on a quarter each.
func (d *pdfDoc) signature(auditor string) {
	d.signatureAs(d.t("Audited by", "审核人"), d.t("Witnessed by", "陪同人"), auditor)
}

// signatureAs is signature with other roles: who prepared a pack, who
// received it.
func (d *pdfDoc) signatureAs(first, second, name string) {
	if d.GetY()+30 > d.pageBottom() {
		d.AddPage()
	}
	d.Ln(6)
	d.SetFont(fontName, "", 10)
	w := d.contentWidth()
	for _, who := range []string{first + ": " + name, second + ":"} {
		d.CellFormat(w*0.5, 8, who, "B", 0, "L", false, 0, "")
		d.CellFormat(w*0.22, 8, d.t("Date", "日期")+":", "B", 0, "L", false, 0, "")
		d.CellFormat(w*0.28, 8, d.t("Signature", "签名")+":", "B", 0, "L", false, 0, "")
		d.Ln(14)
	}
}

// bytes finishes the document.
func (d *pdfDoc) bytes(what string) ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the %s: %w", what, err)
	}
	return buf.Bytes(), nil
}

// ConfigAuditReportPDF writes the audit's report to path: its scope, who
// audited and when, the counts, and every finding with how it was
// resolved. An audit still open prints as a draft.
func ConfigAuditReportPDF(path string, doc ConfigAuditDoc, opt PDFOptions) error {
	data, err := ConfigAuditReportPDFBytes(doc, opt)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// ConfigAuditReportPDFBytes is ConfigAuditReportPDF into memory.
func ConfigAuditReportPDFBytes(doc ConfigAuditDoc, opt PDFOptions) ([]byte, error) {
	d := newPDF(opt)
	a := doc.Audit
	d.title = a.Number() + " " + d.t("Configuration audit report", "配置审核报告")
	d.docNumber = a.Number()
	d.classification = d.t("Internal use", "内部使用")
	d.draft = !a.Closed()
	d.SetTitle(d.title, true)
	d.AddPage()
	d.heading(d.t("Configuration audit report", "配置审核报告")+" — "+a.Title, 0)
	d.auditFields(doc)
	reconciled, closed := d.t("not yet", "尚未"), d.t("open", "未关闭")
	if !a.ReconciledAt.IsZero() {
		reconciled = fmt.Sprintf("%s — %s (%s: %s)", a.ReconciledAt.Format("2006-01-02 15:04 MST"), a.FoundFile,
			d.t("matched by", "匹配依据"), d.keys(a.MatchKeys))
	}
	if a.Closed() {
		closed = a.ClosedAt.Format("2006-01-02 15:04 MST") + " " + d.t("by", "由") + " " + a.ClosedBy
	}
	d.fields([][2]string{{d.t("Reconciled", "核对"), reconciled}, {d.t("Closed", "关闭"), closed}})
	counts := map[cmdb.FindingKind]int{}
	resolved := map[cmdb.Resolution]int{}
	for _, f := range doc.Findings {
		counts[f.Kind]++
		resolved[f.Resolution]++
	}
	d.heading(d.t("Results", "结果"), 1)
	d.table([]string{d.t("What", "项目"), d.t("Count", "数量")}, []float64{70, 30}, "LR", [][]string{
		{d.t("CIs in scope", "范围内配置项"), strconv.Itoa(a.Lines)},
		{d.t("Matched by what was found", "与实物匹配"), strconv.Itoa(a.Matched)},
		{d.t("Matched and equal", "匹配且一致"), strconv.Itoa(a.Equal)},
		{d.findingKind(cmdb.FindingDifferent), strconv.Itoa(counts[cmdb.FindingDifferent])},
		{d.findingKind(cmdb.FindingNotFound), strconv.Itoa(counts[cmdb.FindingNotFound])},
		{d.findingKind(cmdb.FindingNotRecorded), strconv.Itoa(counts[cmdb.FindingNotRecorded])},
		{d.findingKind(cmdb.FindingRemark), strconv.Itoa(counts[cmdb.FindingRemark])},
		{d.t("Corrected in the CMDB", "已更正配置管理数据库"), strconv.Itoa(resolved[cmdb.Corrected])},
		{d.t("CMDB accepted as right", "确认记录正确"), strconv.Itoa(resolved[cmdb.Accepted])},
		{d.t("Actions raised", "已提出措施"), strconv.Itoa(resolved[cmdb.Actioned])},
		{d.t("Open", "未处理"), strconv.Itoa(resolved[""])},
	}, nil)
	d.heading(d.t("Findings", "发现"), 1)
	rows := make([][]string, len(doc.Findings))
	for i, f := range doc.Findings {
		rows[i] = []string{strconv.FormatInt(f.ID, 10), d.findingKind(f.Kind), f.Ref, d.findingText(f), d.place(f.FoundAt), d.resolutionText(f)}
	}
	d.table([]string{"#", d.t("Finding", "发现类型"), d.t("CI", "配置项"), d.t("Recorded → found", "记录 → 实际"),
		d.t("Where found", "出处"), d.t("Resolution", "处理")}, []float64{5, 13, 12, 30, 12, 28}, "RLLLLL", rows, nil)
	d.signature(a.Auditor)
	return d.bytes("audit report")
}

// findingKind names a kind of finding in the document's language.
func (d *pdfDoc) findingKind(k cmdb.FindingKind) string {
	return d.word(FindingKindWords[k])
}

// FindingKindWords are the kinds of finding in English words; the window
// and the printouts translate them.
var FindingKindWords = map[cmdb.FindingKind]string{
	cmdb.FindingDifferent: "Differs", cmdb.FindingNotFound: "Recorded, not found",
	cmdb.FindingNotRecorded: "Found, not recorded", cmdb.FindingRemark: "Auditor's remark",
}

// ResolutionWords are the resolutions in English words.
var ResolutionWords = map[cmdb.Resolution]string{
	"": "Not resolved", cmdb.Corrected: "CMDB corrected", cmdb.Accepted: "CMDB accepted as right", cmdb.Actioned: "Action raised",
}

// AuditFieldWords are the fields an audit compares, in English words.
var AuditFieldWords = map[string]string{
	"ref": "Reference", "name": "Name", "type": "Type", "location": "Location", "serial": "Serial number",
	"ip": "IP address", "owner": "Owner", "status": "Status",
}

// findingText says what a finding is about.
func (d *pdfDoc) findingText(f cmdb.AuditFinding) string {
	switch f.Kind {
	case cmdb.FindingDifferent:
		return fmt.Sprintf("%s: %s → %s", d.word(AuditFieldWords[f.Field]), orDash(f.Recorded), f.Found)
	case cmdb.FindingNotFound:
		return f.Recorded
	case cmdb.FindingNotRecorded:
		var parts []string
		for _, k := range []string{"name", "type", "serial", "ip", "location"} {
			if v := f.FoundData[k]; v != "" {
				parts = append(parts, d.word(AuditFieldWords[k])+": "+v)
			}
		}
		return strings.Join(parts, "; ")
	}
	return f.Found
}

// resolutionText says how a finding was resolved, by whom and when.
func (d *pdfDoc) resolutionText(f cmdb.AuditFinding) string {
	s := d.word(ResolutionWords[f.Resolution])
	if f.Resolution == cmdb.Actioned {
		s += fmt.Sprintf(d.t(" (%s, due %s)", "（%s，到期 %s）"), f.ActionOwner, f.ActionDue)
	}
	if !f.Open() {
		s += fmt.Sprintf(" — %s %s", f.ResolvedBy, f.ResolvedAt.Format("2006-01-02"))
	}
	if f.Note != "" && f.Kind != cmdb.FindingRemark {
		s += "; " + f.Note
	}
	return s
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// place is where a found item was ("scan row 5") in the document's
// language.
func (d *pdfDoc) place(at string) string {
	sheetName, row, ok := strings.Cut(at, "row ")
	if !ok || d.opt.Lang != "zh" {
		return at
	}
	return strings.TrimSpace(sheetName + " 第 " + row + " 行")
}

// keys names the keys an audit matched by, in the document's language.
func (d *pdfDoc) keys(keys []string) string {
	words := make([]string, len(keys))
	for i, k := range keys {
		words[i] = d.word(AuditFieldWords[k])
	}
	return strings.Join(words, d.t(", ", "、"))
}
