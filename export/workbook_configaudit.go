package export

import (
	"context"
	"strings"
)

// configAuditSheets writes the configuration audits and every finding with
// how it was resolved: the evidence of 2018 8.2.6 beside the CMDB it
// verified. Neither sheet has Type and Name columns, which would make it
// look like the CIs to the CI importer.
func (b *book) configAuditSheets(ctx context.Context, src Sources) error {
	cm := src.CMDB
	audits, err := cm.Audits(ctx)
	if err != nil {
		return err
	}
	types, err := cm.Types(ctx)
	if err != nil {
		return err
	}
	typeName := func(key string) string {
		for _, t := range types {
			if t.Key == key {
				return b.t(t.Name, t.NameZh)
			}
		}
		return key
	}
	err = b.sheet("Configuration audits", "配置审核", []column{{"Audit", "审核", 10}, {"Title", "标题", 30}, {"Scope", "范围", 36},
		{"Auditor", "审核人", 18}, {"Started", "开始", 16}, {"Started by", "开始人", 14}, {"Baseline", "基线", 30},
		{"Found file", "盘点文件", 20}, {"Matched by", "匹配依据", 16}, {"CIs in scope", "范围内配置项", 10}, {"Matched", "已匹配", 9},
		{"As recorded", "与记录一致", 9}, {"Findings", "发现", 9}, {"Open", "未处理", 8}, {"Closed", "关闭", 16}, {"Closed by", "关闭人", 14}},
		func(add func(...any) error) error {
			for _, a := range audits {
				if err := add(a.Number(), a.Title, a.Scope.Text(b.opt.Lang, typeName), a.Auditor, b.when(a.StartedAt), a.StartedBy,
					text(a.BaselineName), text(a.FoundFile), text(strings.Join(a.MatchKeys, ", ")), a.Lines, a.Matched, a.Equal,
					a.Findings, a.Open, b.when(a.ClosedAt), text(a.ClosedBy)); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	return b.sheet("Audit findings", "审核发现", []column{{"Audit", "审核", 10}, {"Finding", "编号", 8}, {"Kind", "发现类型", 16},
		{"CI", "配置项", 11}, {"Field", "字段", 14}, {"Recorded", "记录值", 24}, {"Found", "实际值", 24}, {"Where found", "出处", 14},
		{"Resolution", "处理", 18}, {"Note", "说明", 30}, {"Action owner", "措施负责人", 16}, {"Action due", "措施到期", 12},
		{"Resolved", "处理时间", 16}, {"Resolved by", "处理人", 14}},
		func(add func(...any) error) error {
			for _, a := range audits {
				findings, err := cm.AuditFindings(ctx, a.ID)
				if err != nil {
					return err
				}
				for _, f := range findings {
					field, found := "", f.Found
					if f.Field != "" {
						field = b.word(AuditFieldWords[f.Field])
					}
					if f.Kind == "not_recorded" {
						var parts []string
						for _, k := range []string{"name", "type", "serial", "ip", "location"} {
							if v := f.FoundData[k]; v != "" {
								parts = append(parts, b.word(AuditFieldWords[k])+": "+v)
							}
						}
						found = strings.Join(parts, "; ")
					}
					if err := add(a.Number(), f.ID, b.word(FindingKindWords[f.Kind]), text(f.Ref), text(field), text(f.Recorded), text(found),
						text(f.FoundAt), b.word(ResolutionWords[f.Resolution]), text(f.Note), text(f.ActionOwner), b.day(f.ActionDue),
						b.when(f.ResolvedAt), text(f.ResolvedBy)); err != nil {
						return err
					}
				}
			}
			return nil
		})
}
