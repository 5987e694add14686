package export

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"servicebook/audit"
	"servicebook/store"
)

// AuditWorkbook writes an audit readiness report to path as XLSX: a sheet
// of the checks (clauses, severity, records looked at, findings) and a
// sheet with every finding, in the language given ("en" or "zh").
func AuditWorkbook(path string, rep audit.Report, lang string) error {
	if !strings.HasSuffix(strings.ToLower(path), ".xlsx") {
		return store.Errorf(store.EInvalid, "%s: choose a file name ending in .xlsx", path)
	}
	data, err := AuditWorkbookBytes(rep, lang)
	if err != nil {
		return err
	}
	return writeFileAtomically(path, data)
}

// AuditWorkbookBytes is AuditWorkbook into memory.
func AuditWorkbookBytes(rep audit.Report, lang string) ([]byte, error) {
	b, err := newBook(WorkbookOptions{Lang: lang, AsOf: rep.AsOf, Zone: time.UTC})
	if err != nil {
		return nil, err
	}
	defer b.f.Close()
	severity := func(s audit.Severity) string {
		return map[audit.Severity]string{audit.Major: b.t("major", "严重"), audit.Minor: b.t("minor", "一般"),
			audit.Observation: b.t("observation", "观察")}[s]
	}
	err = b.sheet("Checks", "检查项", []column{{"Check", "检查项", 8}, {"Requirement", "要求", 50}, {"ISO/IEC 20000-1:2011", "ISO/IEC 20000-1:2011", 12},
		{"ISO/IEC 20000-1:2018", "ISO/IEC 20000-1:2018", 12}, {"Severity", "严重程度", 10}, {"Looked at", "已检查", 10}, {"Findings", "发现", 10}},
		func(add func(...any) error) error {
			for _, r := range rep.Results {
				if err := add(r.ID, b.t(r.Title, r.TitleZh), "§"+r.Clause2011, "§"+r.Clause2018, severity(r.Severity), r.Looked, len(r.Findings)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = b.sheet("Findings", "发现", []column{{"Check", "检查项", 8}, {"Severity", "严重程度", 10}, {"Record", "记录", 16},
		{"Finding", "发现", 70}, {"Owner", "负责人", 18}, {"Own record of the auditor", "审核人自己的记录", 10}},
		func(add func(...any) error) error {
			for _, r := range rep.Results {
				for _, f := range r.Findings {
					own := ""
					if f.OwnRecord {
						own = b.t("yes", "是")
					}
					if err := add(r.ID, severity(r.Severity), text(f.Record), MsgIn(lang, f.Msg), text(f.Owner), text(own)); err != nil {
						return err
					}
				}
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	about := b.t("About", "说明")
	for i, row := range [][]any{
		{b.t("Audit readiness", "审核准备情况")},
		{},
		{b.t("As of", "截至"), rep.AsOf.Format("2006-01-02 15:04 MST")},
		{b.t("Run by", "执行人"), rep.RunBy},
		{b.t("Major findings", "严重发现"), rep.Count(audit.Major)},
		{b.t("Minor findings", "一般发现"), rep.Count(audit.Minor)},
		{b.t("Observations", "观察"), rep.Count(audit.Observation)},
	} {
		if err := b.f.SetSheetRow(about, fmt.Sprintf("A%d", i+1), &row); err != nil {
			return nil, err
		}
	}
	b.f.SetColWidth(about, "A", "A", 22)
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, fmt.Errorf("cannot write the audit workbook: %w", err)
	}
	return canonicalZip(buf.Bytes())
}
